/* dns-query.c: test-only program printing what dns_lookup and the reputation lookups return. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dns.h"
#include "net.h"
#include "reputation.h"
#include "sanitize.h"
#include "util.h"

static void	 usage(void) NORETURN;
static int	 query_type(const char *);
static int	 do_lookup(const struct dns_config *, int, const char *);
static int	 do_reverse(const char *);
static int	 do_myip(const struct reputation_config *, const struct reputation_data *);
static int	 do_dnsbl(const struct reputation_config *, const struct reputation_data *,
		     const char *);
static struct reputation_data *load_data(const char *);
static void	 print_notes(const char *, const struct strlist *);

static void
usage(void)
{
	fprintf(stderr, "usage: dns-query [-r resolver] [-t seconds] [-d data-file] "
	    "[-m myip-resolver] [-n myip-name]\n"
	    "           a|aaaa|mx|txt|srv|ptr|cname NAME | reverse ADDR | myip | "
	    "dnsbl ADDR\n");
	exit(2);
}

static int
query_type(const char *s)
{
	static const struct {
		const char	*name;
		int		 type;
	} types[] = {
		{ "a", ns_t_a }, { "aaaa", ns_t_aaaa }, { "mx", ns_t_mx }, { "txt", ns_t_txt },
		{ "srv", ns_t_srv }, { "ptr", ns_t_ptr }, { "cname", ns_t_cname },
	};
	size_t	 i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcasecmp(s, types[i].name) == 0)
			return (types[i].type);
	}
	return (-1);
}

static void
print_notes(const char *indent, const struct strlist *notes)
{
	size_t	 i;

	for (i = 0; i < notes->n; i++)
		printf("%snote: %s\n", indent, notes->v[i]);
}

static int
do_lookup(const struct dns_config *cfg, int type, const char *name)
{
	struct dns_records	 out;
	const struct dns_rr	*rr;
	char			*cause = NULL, *text, buf[128];
	size_t			 i;

	if (dns_lookup(cfg, name, type, &out, &cause) != 0) {
		printf("cannot ask: %s\n", cause);
		free(cause);
		return (1);
	}
	printf("status: %s\n", dns_status_name(out.status));
	for (i = 0; i < out.n; i++) {
		rr = &out.rr[i];
		switch (rr->type) {
		case ns_t_a:
		case ns_t_aaaa:
			printf("%s %s\n", dns_type_name(rr->type),
			    net_addr_ntop(&rr->addr, buf, sizeof buf));
			break;
		case ns_t_mx:
			printf("mx %u %s\n", rr->preference, rr->target);
			break;
		case ns_t_srv:
			printf("srv %u %u %u %s\n", rr->priority, rr->weight, rr->port,
			    rr->target);
			break;
		case ns_t_txt:
			text = sanitize_text(rr->text, rr->text_len);
			printf("txt %zu [%s]\n", rr->text_len, text);
			free(text);
			break;
		default:
			printf("%s %s\n", dns_type_name(rr->type), rr->target);
			break;
		}
	}
	print_notes("", &out.notes);
	dns_records_free(&out);
	return (0);
}

static int
do_reverse(const char *text)
{
	struct sockaddr_storage	 ss;
	char			 buf[NS_MAXDNAME];

	if (net_addr_parse(text, &ss) != 0 || dns_reverse_name(&ss, NULL, buf,
	    sizeof buf) != 0) {
		printf("not an address\n");
		return (1);
	}
	printf("%s\n", buf);
	return (0);
}

static int
do_myip(const struct reputation_config *cfg, const struct reputation_data *data)
{
	struct reputation_public	 pub;
	char				*cause = NULL, buf[128];
	size_t				 i;

	if (reputation_public_address(cfg, data, &pub, &cause) != 0) {
		printf("cannot ask: %s\n", cause);
		free(cause);
		return (1);
	}
	for (i = 0; i < pub.n; i++) {
		printf("myip %s %s %s", pub.v[i].resolver, dns_type_name(pub.v[i].type),
		    dns_status_name(pub.v[i].status));
		if (pub.v[i].status == DNS_OK)
			printf(" %s", net_addr_ntop(&pub.v[i].addr, buf, sizeof buf));
		if (pub.v[i].cause != NULL)
			printf(" (%s)", pub.v[i].cause);
		printf("\n");
		print_notes("  ", &pub.v[i].notes);
	}
	reputation_public_free(&pub);
	return (0);
}

static int
do_dnsbl(const struct reputation_config *cfg, const struct reputation_data *data,
    const char *text)
{
	struct sockaddr_storage		 ss;
	struct reputation_check		 chk;
	const struct reputation_result	*r;
	char				*cause = NULL, buf[INET_ADDRSTRLEN];
	size_t				 i, j;

	if (net_addr_parse(text, &ss) != 0) {
		printf("not an address\n");
		return (1);
	}
	if (reputation_check_address(cfg, data, &ss, &chk, &cause) != 0) {
		printf("cannot ask: %s\n", cause);
		free(cause);
		return (1);
	}
	for (i = 0; i < chk.n; i++) {
		r = &chk.results[i];
		printf("list %s %s dns=%s query=%s\n", r->list->zone,
		    reputation_status_name(r->status), dns_status_name(r->dns_status),
		    r->query != NULL ? r->query : "-");
		for (j = 0; j < r->nhits; j++) {
			inet_ntop(AF_INET, &r->hits[j].addr, buf, sizeof buf);
			printf("  code %s %s: %s\n", buf, r->hits[j].code == NULL ?
			    "undocumented" : (r->hits[j].code->refused ? "refused" : "listed"),
			    r->hits[j].meaning);
		}
		if (r->reason != NULL)
			printf("  reason %s\n", r->reason);
		print_notes("  ", &r->notes);
	}
	printf("resolver-failure %s\n", chk.resolver_failure ? "yes" : "no");
	reputation_check_free(&chk);
	return (0);
}

static struct reputation_data *
load_data(const char *path)
{
	struct reputation_data	*d;
	FILE			*f;
	char			*buf, *errors = NULL;
	size_t			 len;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(2);
	}
	buf = xmalloc(1 << 20);
	len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	if (reputation_parse_buffer(path, buf, len, &d, &errors) != 0) {
		fprintf(stderr, "%s\n", errors);
		exit(2);
	}
	free(buf);
	return (d);
}

int
main(int argc, char **argv)
{
	struct reputation_config	 cfg;
	struct reputation_data		*data = NULL;
	int				 ch, type, rc;

	memset(&cfg, 0, sizeof cfg);
	cfg.dns.timeout_ms = 2000;
	while ((ch = getopt(argc, argv, "d:m:n:r:t:")) != -1) {
		switch (ch) {
		case 'd':
			data = load_data(optarg);
			break;
		case 'm':
			cfg.myip_resolver = optarg;
			break;
		case 'n':
			cfg.myip_name = optarg;
			break;
		case 'r':
			cfg.dns.resolver = optarg;
			break;
		case 't':
			cfg.dns.timeout_ms = atoi(optarg) * 1000;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 1 && strcmp(argv[0], "myip") == 0)
		rc = do_myip(&cfg, data);
	else if (argc == 2 && strcmp(argv[0], "dnsbl") == 0)
		rc = do_dnsbl(&cfg, data, argv[1]);
	else if (argc == 2 && strcmp(argv[0], "reverse") == 0)
		rc = do_reverse(argv[1]);
	else if (argc == 2 && (type = query_type(argv[0])) != -1)
		rc = do_lookup(&cfg.dns, type, argv[1]);
	else
		usage();
	reputation_data_free(data);
	return (rc);
}
