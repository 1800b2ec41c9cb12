/* probe-reputation.c: finds this network's public address and looks it up in DNS blocklists. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "net.h"
#include "probe.h"
#include "reputation.h"
#include "util.h"

/* An IPv4 and an IPv6 public address at most: what the myip resolvers can tell. */
#define PROBE_REPUTATION_MAX_ADDRS	2

/* What the lists said about every address checked, gathered for facts and the outcome. */
struct probe_reputation_sum {
	char	*lists;		/* "Spamhaus ZEN, SpamCop" where listed */
	char	*delist;	/* their removal pages, space-separated */
	char	*codes;		/* "127.0.0.2 SBL: ...; ..." */
	char	*refused;	/* lists that refused the query */
	char	*results;	/* "zen.spamhaus.org:listed bl.spamcop.net:not-listed ..." */
	size_t	 nlisted;
	size_t	 nrefused;
	size_t	 nchecks;
	size_t	 nfailures;	/* checks where every list failed without an answer */
};

static int	 probe_reputation_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);
static int	 probe_reputation_public(const struct probe_env *,
		     const struct reputation_config *, struct probe_result *,
		     struct sockaddr_storage *, size_t *);
static void	 probe_reputation_check(const struct reputation_check *, const char *,
		     struct probe_result *, struct probe_reputation_sum *);
static void	 probe_reputation_append(char **, const char *, const char *);
static void	 probe_reputation_progress(const struct probe_env *, const char *, ...)
		     PRINTFLIKE(2, 3);

static const struct probe_param_spec probe_reputation_params[] = {
	{ "ip", 0, "the address to look up; empty: this network's public address" },
	{ NULL, 0, NULL }
};

static const char *const probe_reputation_outcomes[] = {
	"listed",
	"clean",
	"query-refused",
	"no-public-address",
	"resolver-failure",
	NULL
};

const struct probe probe_reputation = {
	.name = "reputation",
	.summary = "finds this network's public address through DNS and looks it up in DNS "
	    "blocklists, telling a listing from a refused query",
	.params = probe_reputation_params,
	.outcomes = probe_reputation_outcomes,
	.run = probe_reputation_run
};

static void
probe_reputation_progress(const struct probe_env *env, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (env->progress == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	env->progress(env->progress_arg, s);
	free(s);
}

/* Appends word to *list (NULL or a string) with sep between items. */
static void
probe_reputation_append(char **list, const char *sep, const char *word)
{
	char	*tmp;

	if (*list == NULL) {
		*list = xstrdup(word);
		return;
	}
	xasprintf(&tmp, "%s%s%s", *list, sep, word);
	free(*list);
	*list = tmp;
}

/*
 * The public address through the myip trick: every distinct address answered, IPv4 first.
 * Returns 0 with *n addresses, or -1 after writing the reason to the evidence.
 */
static int
probe_reputation_public(const struct probe_env *env, const struct reputation_config *cfg,
    struct probe_result *r, struct sockaddr_storage *addrs, size_t *n)
{
	const struct reputation_data	*data = reputation_builtin();
	struct reputation_public	 pub;
	const struct reputation_myip	*m;
	const char			*name;
	char				*cause = NULL, *asked = NULL, *tmp;
	char				 buf[128], other[128];
	size_t				 i, j, k;
	int				 dup, family;

	name = cfg->myip_name != NULL ? cfg->myip_name : data->myip_name;
	probe_reputation_progress(env, "finding this network's public address (%s)",
	    name != NULL ? name : "?");
	*n = 0;
	if (reputation_public_address(cfg, data, &pub, &cause) != 0) {
		probe_result_evidence(r, "This network's public address could not be asked "
		    "for: %s", cause);
		probe_result_fact(r, "myip", "%s", cause);
		free(cause);
		return (-1);
	}
	/* IPv4 first: every list takes IPv4, only some take IPv6. */
	for (family = AF_INET; ; family = AF_INET6) {
		for (i = 0; i < pub.n; i++) {
			m = &pub.v[i];
			if (m->status != DNS_OK || m->addr.ss_family != family ||
			    *n == PROBE_REPUTATION_MAX_ADDRS)
				continue;
			net_addr_ntop(&m->addr, buf, sizeof buf);
			for (dup = 0, j = 0; j < *n; j++)
				dup |= strcmp(net_addr_ntop(&addrs[j], other, sizeof other),
				    buf) == 0;
			if (!dup)
				addrs[(*n)++] = m->addr;
		}
		if (family == AF_INET6)
			break;
	}
	for (i = 0; i < pub.n; i++) {
		m = &pub.v[i];
		if (m->status == DNS_OK)
			xasprintf(&tmp, "%s %s:%s", m->resolver, dns_type_name(m->type),
			    net_addr_ntop(&m->addr, buf, sizeof buf));
		else
			xasprintf(&tmp, "%s %s:%s", m->resolver, dns_type_name(m->type),
			    dns_status_name(m->status));
		probe_reputation_append(&asked, ", ", tmp);
		free(tmp);
		if (*n > 0)
			continue;
		/* Nothing came back: say for each resolver why. */
		if (m->cause != NULL)
			probe_result_evidence(r, "Asking %s for %s (%s) was not possible: %s",
			    m->resolver, name, dns_type_name(m->type), m->cause);
		else if (m->status == DNS_OK)
			continue;
		else if (dns_status_answered(m->status))
			probe_result_evidence(r, "%s answered for %s (%s), but gave no "
			    "address: %s", m->resolver, name, dns_type_name(m->type),
			    dns_status_words(m->status));
		else
			probe_result_evidence(r, "Asking %s for %s (%s) failed: %s",
			    m->resolver, name, dns_type_name(m->type),
			    dns_status_words(m->status));
		for (k = 0; k < m->notes.n; k++)
			probe_result_evidence(r, "%s: %s", m->resolver, m->notes.v[k]);
	}
	probe_result_fact(r, "myip", "%s", asked != NULL ? asked : "");
	free(asked);
	reputation_public_free(&pub);
	if (*n == 0) {
		probe_result_evidence(r, "So this network's public address is not known, and "
		    "it cannot be looked up in the blocklists (a network that lets DNS "
		    "questions go only to its own resolver blocks this)");
		return (-1);
	}
	return (0);
}

/* Words and facts for one address's results; adds to sum. */
static void
probe_reputation_check(const struct reputation_check *chk, const char *addr,
    struct probe_result *r, struct probe_reputation_sum *sum)
{
	const struct reputation_result	*res;
	const struct reputation_list	*l;
	char				*tmp, code[INET_ADDRSTRLEN];
	size_t				 i, j;

	sum->nchecks++;
	if (chk->resolver_failure)
		sum->nfailures++;
	for (i = 0; i < chk->n; i++) {
		res = &chk->results[i];
		l = res->list;
		xasprintf(&tmp, "%s:%s", l->zone, reputation_status_name(res->status));
		probe_reputation_append(&sum->results, " ", tmp);
		free(tmp);
		switch (res->status) {
		case REPUTATION_LISTED:
			sum->nlisted++;
			probe_reputation_append(&sum->lists, ", ", l->title);
			if (l->delist != NULL)
				probe_reputation_append(&sum->delist, " ", l->delist);
			probe_result_evidence(r, "%s is on %s (looked up as %s)", addr,
			    l->title, res->query);
			for (j = 0; j < res->nhits; j++) {
				if (res->hits[j].code == NULL || res->hits[j].code->refused)
					continue;
				inet_ntop(AF_INET, &res->hits[j].addr, code, sizeof code);
				xasprintf(&tmp, "%s %s", code, res->hits[j].meaning);
				probe_reputation_append(&sum->codes, "; ", tmp);
				probe_result_evidence(r, "%s answered %s: %s", l->title, code,
				    res->hits[j].meaning);
				free(tmp);
			}
			if (res->reason != NULL)
				probe_result_evidence(r, "%s says: \"%s\"", l->title,
				    res->reason);
			if (l->delist != NULL)
				probe_result_evidence(r, "Check the listing and ask for removal "
				    "at %s", l->delist);
			break;
		case REPUTATION_QUERY_REFUSED:
			sum->nrefused++;
			probe_reputation_append(&sum->refused, ", ", l->title);
			for (j = 0; j < res->nhits; j++) {
				inet_ntop(AF_INET, &res->hits[j].addr, code, sizeof code);
				probe_result_evidence(r, "%s would not answer the question about "
				    "%s (answer %s): %s. This is not a listing: whether the "
				    "address is on the list is not known", l->title, addr, code,
				    res->hits[j].meaning);
			}
			break;
		case REPUTATION_NOT_LISTED:
			probe_result_evidence(r, "%s is not on %s", addr, l->title);
			break;
		case REPUTATION_UNEXPECTED:
			for (j = 0; j < res->nhits; j++) {
				inet_ntop(AF_INET, &res->hits[j].addr, code, sizeof code);
				probe_result_evidence(r, "%s answered %s about %s: %s", l->title,
				    code, addr, res->hits[j].meaning);
			}
			break;
		case REPUTATION_NOT_CHECKED:
			probe_result_evidence(r, "%s was not asked about %s: %s", l->title,
			    addr, reputation_status_words(res->status));
			break;
		default:
			probe_result_evidence(r, "%s about %s: %s (%s)", l->title, addr,
			    reputation_status_words(res->status),
			    dns_status_words(res->dns_status));
			break;
		}
		for (j = 0; j < res->notes.n; j++)
			probe_result_evidence(r, "%s: %s", l->title, res->notes.v[j]);
	}
}

static int
probe_reputation_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct reputation_config	 cfg;
	struct reputation_check		 chk;
	struct probe_reputation_sum	 sum;
	struct sockaddr_storage		 addrs[PROBE_REPUTATION_MAX_ADDRS];
	const char			*ip;
	char				*all = NULL, buf[128];
	size_t				 n = 0, i;
	long long			 start = mono_ms();

	memset(&cfg, 0, sizeof cfg);
	cfg.dns.resolver = env->resolver;
	cfg.dns.timeout_ms = env->timeout_ms;
	cfg.myip_resolver = env->myip_resolver;
	cfg.myip_name = env->myip_name;
	memset(&sum, 0, sizeof sum);

	if ((ip = probe_param_get(params, nparams, "ip")) != NULL) {
		if (net_addr_parse(ip, &addrs[0]) != 0) {
			xasprintf(cause, "\"%s\" is not an IPv4 or IPv6 address", ip);
			return (-1);
		}
		n = 1;
		probe_result_fact(r, "source", "given");
	} else {
		probe_result_fact(r, "source", "myip");
		if (probe_reputation_public(env, &cfg, r, addrs, &n) != 0) {
			r->outcome = "no-public-address";
			xasprintf(&r->target, "this network's public address");
			probe_result_fact(r, "address", "%s", "");
			r->elapsed_ms = mono_ms() - start;
			return (0);
		}
	}
	for (i = 0; i < n; i++)
		probe_reputation_append(&all, " ", net_addr_ntop(&addrs[i], buf, sizeof buf));
	xasprintf(&r->target, "%s", all);
	probe_result_fact(r, "address", "%s", net_addr_ntop(&addrs[0], buf, sizeof buf));
	probe_result_fact(r, "addresses", "%s", all);
	if (ip == NULL)
		probe_result_evidence(r, "This network's public address is %s", all);
	free(all);

	for (i = 0; i < n; i++) {
		if (env->cancel != NULL && *env->cancel)
			break;
		net_addr_ntop(&addrs[i], buf, sizeof buf);
		probe_reputation_progress(env, "looking %s up in the blocklists", buf);
		if (reputation_check_address(&cfg, NULL, &addrs[i], &chk, cause) != 0) {
			free(sum.lists);
			free(sum.delist);
			free(sum.codes);
			free(sum.refused);
			free(sum.results);
			return (-1);
		}
		probe_reputation_check(&chk, buf, r, &sum);
		reputation_check_free(&chk);
	}

	probe_result_fact(r, "lists", "%s", sum.lists != NULL ? sum.lists : "");
	probe_result_fact(r, "delist", "%s", sum.delist != NULL ? sum.delist : "");
	probe_result_fact(r, "codes", "%s", sum.codes != NULL ? sum.codes : "");
	probe_result_fact(r, "refused", "%s", sum.refused != NULL ? sum.refused : "");
	probe_result_fact(r, "results", "%s", sum.results != NULL ? sum.results : "");
	probe_result_fact(r, "resolver", "%s", env->resolver != NULL ? env->resolver :
	    "system");

	if (sum.nlisted > 0)
		r->outcome = "listed";
	else if (sum.nchecks > 0 && sum.nfailures == sum.nchecks) {
		r->outcome = "resolver-failure";
		probe_result_evidence(r, "No blocklist could be asked through the DNS server "
		    "(%s): the DNS server itself is failing, so nothing is known about the "
		    "address", env->resolver != NULL ? env->resolver : "this computer's");
	} else if (sum.nrefused > 0) {
		r->outcome = "query-refused";
		probe_result_evidence(r, "%s refused to answer through this DNS server; the "
		    "address was not found on any list that did answer", sum.refused);
	} else
		r->outcome = "clean";
	free(sum.lists);
	free(sum.delist);
	free(sum.codes);
	free(sum.refused);
	free(sum.results);
	r->elapsed_ms = mono_ms() - start;
	return (0);
}
