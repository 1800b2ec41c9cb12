/* fuzz_spf.c: libFuzzer target for the SPF evaluator (spf_check_host) over a fake zone. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "fuzz.h"
#include "net.h"
#include "spf.h"
#include "util.h"

/*
 * The input is a small zone file, one record per line, after a first line that says what
 * to check:
 *	IP DOMAIN [SENDER [HELO]]		192.0.2.1 example.com ann@example.com
 *	NAME TYPE DATA				example.com TXT v=spf1 mx -all
 * TYPE is TXT, A, AAAA, MX or PTR (NAME is then the reverse name, 1.2.0.192.in-addr.arpa),
 * or FAIL with DATA "TXT:timeout", "A:error"...: questions of that type at NAME fail.
 * A name with no line is NXDOMAIN, one with lines of other types only NODATA.
 */
struct fuzz_rr {
	char	*name;
	char	*type;
	char	*data;
};

struct fuzz_zone {
	struct fuzz_rr	*rr;
	size_t		 n;
	unsigned int	 queries;
};

static enum spf_dns_status	 zone_find(struct fuzz_zone *, const char *, const char *,
				     struct strlist *);
static enum spf_dns_status	 zone_txt(void *, const char *, struct strlist *);
static enum spf_dns_status	 zone_addr(void *, const char *, int,
				     struct sockaddr_storage **, size_t *);
static enum spf_dns_status	 zone_mx(void *, const char *, struct strlist *);
static enum spf_dns_status	 zone_ptr(void *, const struct sockaddr_storage *,
				     struct strlist *);
static char			*fuzz_field(char **);

static enum spf_dns_status
zone_find(struct fuzz_zone *z, const char *name, const char *type, struct strlist *out)
{
	size_t	 i, tl = strlen(type);
	int	 exists = 0;

	z->queries++;
	for (i = 0; i < z->n; i++) {
		if (strcasecmp(z->rr[i].name, name) != 0)
			continue;
		exists = 1;
		if (strcmp(z->rr[i].type, "FAIL") == 0 &&
		    strncmp(z->rr[i].data, type, tl) == 0 && z->rr[i].data[tl] == ':')
			return (strcmp(z->rr[i].data + tl + 1, "timeout") == 0 ?
			    SPF_DNS_TIMEOUT : SPF_DNS_ERROR);
		if (strcmp(z->rr[i].type, type) == 0)
			strlist_add(out, z->rr[i].data);
	}
	if (out->n > 0)
		return (SPF_DNS_OK);
	return (exists ? SPF_DNS_NODATA : SPF_DNS_NXDOMAIN);
}

static enum spf_dns_status
zone_txt(void *arg, const char *name, struct strlist *out)
{
	return (zone_find(arg, name, "TXT", out));
}

static enum spf_dns_status
zone_addr(void *arg, const char *name, int family, struct sockaddr_storage **addrs,
    size_t *n)
{
	struct strlist		 l;
	struct sockaddr_storage	 ss;
	enum spf_dns_status	 st;
	size_t			 i;

	memset(&l, 0, sizeof l);
	st = zone_find(arg, name, family == AF_INET ? "A" : "AAAA", &l);
	for (i = 0; i < l.n; i++) {
		/* A zone line with a bad address, or of the wrong family, is not an answer. */
		if (net_addr_parse(l.v[i], &ss) != 0 || ss.ss_family != family)
			continue;
		*addrs = xreallocarray(*addrs, *n + 1, sizeof **addrs);
		(*addrs)[(*n)++] = ss;
	}
	strlist_free(&l);
	return (st);
}

static enum spf_dns_status
zone_mx(void *arg, const char *name, struct strlist *out)
{
	return (zone_find(arg, name, "MX", out));
}

static enum spf_dns_status
zone_ptr(void *arg, const struct sockaddr_storage *ip, struct strlist *out)
{
	char	 name[128];

	FUZZ_CHECK(ip->ss_family == AF_INET || ip->ss_family == AF_INET6);
	FUZZ_CHECK(dns_reverse_name(ip, NULL, name, sizeof name) == 0);
	return (zone_find(arg, name, "PTR", out));
}

/* The next space-separated field of *sp, or NULL; the line's rest stays in *sp. */
static char *
fuzz_field(char **sp)
{
	char	*s = *sp, *e;

	if (s == NULL || *s == '\0')
		return (NULL);
	if ((e = strchr(s, ' ')) != NULL) {
		*e = '\0';
		*sp = e + 1;
	} else
		*sp = NULL;
	return (s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_zone	 z;
	struct spf_resolver	 r;
	struct spf_check	 c;
	struct spf_macro_vars	 vars;
	struct sockaddr_storage	 ip;
	struct strlist		 spf;
	char			*text, *line, *next, *rest, *ipstr, *domain, *sender, *helo;
	char			*out, *cause;
	size_t			 i;
	int			 rc;

	text = fuzz_strndup(data, size);
	/* Records cannot hold NUL: the resolver contract turns them into 0x7f. */
	for (i = 0; i < size; i++)
		if (text[i] == '\0')
			text[i] = 0x7f;
	memset(&z, 0, sizeof z);
	memset(&spf, 0, sizeof spf);

	line = text;
	if ((next = strchr(line, '\n')) != NULL)
		*next++ = '\0';
	rest = line;
	ipstr = fuzz_field(&rest);
	domain = fuzz_field(&rest);
	sender = fuzz_field(&rest);
	helo = fuzz_field(&rest);
	if (ipstr == NULL || domain == NULL || net_addr_parse(ipstr, &ip) != 0)
		goto out;

	while ((line = next) != NULL) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		rest = line;
		z.rr = xreallocarray(z.rr, z.n + 1, sizeof *z.rr);
		if ((z.rr[z.n].name = fuzz_field(&rest)) == NULL ||
		    (z.rr[z.n].type = fuzz_field(&rest)) == NULL)
			continue;
		z.rr[z.n].data = rest != NULL ? rest : (char *)"";
		if (strcmp(z.rr[z.n].type, "TXT") == 0 &&
		    strncasecmp(z.rr[z.n].data, "v=spf1", 6) == 0)
			strlist_add(&spf, z.rr[z.n].data);
		z.n++;
	}

	memset(&r, 0, sizeof r);
	r.arg = &z;
	r.txt = zone_txt;
	r.addr = zone_addr;
	r.mx = zone_mx;
	r.ptr = zone_ptr;
	spf_check_host(&r, &ip, domain, sender, helo, &c);
	FUZZ_CHECK(c.result < SPF_RESULT_COUNT && spf_result_name(c.result) != NULL);
	FUZZ_CHECK(c.explanation != NULL);
	/* Bounded whatever the records say (RFC 7208 4.6.4): 10 terms of a few questions. */
	FUZZ_CHECK(z.queries <= 1 + SPF_MAX_LOOKUPS * (SPF_MAX_MX + 2));
	spf_check_free(&c);

	/* Every record's text as a macro-string, as a domain-spec and as exp= text. */
	memset(&vars, 0, sizeof vars);
	vars.ip = &ip;
	vars.sender = sender != NULL ? sender : "postmaster@example.com";
	vars.domain = domain;
	vars.helo = helo;
	vars.timestamp = 1700000000;
	for (i = 0; i < z.n; i++) {
		for (rc = 0; rc <= 1; rc++) {
			out = cause = NULL;
			if (spf_macro_expand(z.rr[i].data, &vars, rc, &out, &cause) == 0) {
				FUZZ_CHECK(out != NULL && strlen(out) <= SPF_MAX_EXPAND);
				free(out);
			} else {
				FUZZ_CHECK(cause != NULL);
				free(cause);
			}
		}
	}

	/* The record to publish, from the domain's SPF records as the zone has them. */
	out = cause = NULL;
	rc = spf_propose_record((const char *const *)spf.v, spf.n, "ip4:192.0.2.1", &out, NULL,
	    &cause);
	FUZZ_CHECK(rc >= 0 && out != NULL);
	free(out);
out:
	strlist_free(&spf);
	free(z.rr);
	free(text);
	return (0);
}
