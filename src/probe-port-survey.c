/* probe-port-survey.c: tries every mail port of a server, and reference hosts, all at once. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "net.h"
#include "port-verdict.h"
#include "probe.h"
#include "sanitize.h"
#include "util.h"

#define SURVEY_DEFAULT_PORTS	"25 465 587 2525"
#define SURVEY_MAX_OTHER	8	/* other ports tried beside the user's one */
#define SURVEY_MAX_PER_FAMILY	4	/* server addresses tried per address family */
#define SURVEY_MAX_REFS		8	/* reference hosts tried on the port */

/* The order in which a working port is suggested: submission first (RFC 8314 3.3, 6409). */
static const int survey_suggest_order[] = { 587, 465, 2525, 25 };

struct survey_ref {
	const char	*host;
	size_t		 first, n;	/* its targets */
	enum net_status	 best;
};

static int	 probe_port_survey_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);
static int	 survey_port(const char *, int *);
static int	 survey_ports(const char *, int, int *, size_t *, char **);
static int	 survey_addresses(const char *, struct sockaddr_storage **, size_t *, char **);
static size_t	 survey_pick(const struct sockaddr_storage *, size_t, struct sockaddr_storage *);
static void	 survey_target(struct net_target *, const struct sockaddr_storage *, int);
static char	*survey_words(const struct net_target *, int);
static int	 survey_intcmp(const void *, const void *);
static int	 survey_seconds(int);

static const struct probe_param_spec probe_port_survey_params[] = {
	{ "host", 1, "the mail server's name or address" },
	{ "port", 1, "the port the mail program uses" },
	{ "addresses", 0, "the server's addresses from an earlier lookup (space-separated); "
	    "looked up again when absent" },
	{ "ports", 0, "the other submission ports to try (default \"" SURVEY_DEFAULT_PORTS "\")" },
	{ NULL, 0, NULL }
};

static const char *const probe_port_survey_outcomes[] = {
	"open",
	"port-closed",
	"filtered",
	"blocked",
	"server-unreachable",
	"no-network",
	/*
	 * Not a port verdict of its own: port 25 filtered or blocked towards every host while
	 * the server's submission ports work is the ISP's policy against spam, not a fault.
	 */
	"isp-blocks-25",
	/*
	 * Not a verdict either: the port opens over IPv4 while every IPv6 address of the
	 * server hangs or is unreachable. Mail programs that try IPv6 first then stall.
	 */
	"ipv6-broken",
	NULL
};
_Static_assert(sizeof probe_port_survey_outcomes / sizeof probe_port_survey_outcomes[0] ==
    PORT_VERDICT_COUNT + 3, "probe_port_survey_outcomes does not match enum port_verdict");
/*
 * Trees written before these existed follow the verdict they refine instead: "filtered"
 * or "blocked" for isp-blocks-25, "open" for ipv6-broken.
 */
static const char *const probe_port_survey_optional[] = { "isp-blocks-25", "ipv6-broken",
	NULL };

const struct probe probe_port_survey = {
	.name = "port-survey",
	.summary = "connects to the server's port and its other mail ports, and to reference "
	    "hosts on the same port, all at once, to tell a closed port from a blocked one",
	.params = probe_port_survey_params,
	.outcomes = probe_port_survey_outcomes,
	.optional = probe_port_survey_optional,
	.run = probe_port_survey_run
};

static int
survey_seconds(int timeout_ms)
{
	return (timeout_ms <= 0 ? 1 : (timeout_ms + 999) / 1000);
}

static int
survey_intcmp(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return ((x > y) - (x < y));
}

/* Digits only, 1-65535. */
static int
survey_port(const char *s, int *port)
{
	size_t	 len = strlen(s), i;
	int	 n = 0;

	if (len == 0 || len > 5)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		n = n * 10 + (s[i] - '0');
	}
	if (n < 1 || n > 65535)
		return (-1);
	*port = n;
	return (0);
}

/* ports[0] = port, then the other ports of the list without duplicates. */
static int
survey_ports(const char *list, int port, int *ports, size_t *nports, char **cause)
{
	char	*copy, *word, *last;
	size_t	 i;
	int	 p, dup;

	ports[0] = port;
	*nports = 1;
	copy = xstrdup(list);
	for (word = strtok_r(copy, " \t", &last); word != NULL;
	    word = strtok_r(NULL, " \t", &last)) {
		if (survey_port(word, &p) != 0) {
			word = sanitize_str(word);
			xasprintf(cause, "ports: \"%s\" is not a port number from 1 to 65535",
			    word);
			free(word);
			free(copy);
			return (-1);
		}
		for (dup = 0, i = 0; i < *nports; i++)
			dup |= ports[i] == p;
		if (dup)
			continue;
		if (*nports == 1 + SURVEY_MAX_OTHER) {
			xasprintf(cause, "ports: more than %d ports", SURVEY_MAX_OTHER);
			free(copy);
			return (-1);
		}
		ports[(*nports)++] = p;
	}
	free(copy);
	return (0);
}

static int
survey_addresses(const char *list, struct sockaddr_storage **addrs, size_t *naddrs,
    char **cause)
{
	char	*copy, *word, *last;

	*addrs = NULL;
	*naddrs = 0;
	copy = xstrdup(list);
	for (word = strtok_r(copy, " \t", &last); word != NULL;
	    word = strtok_r(NULL, " \t", &last)) {
		*addrs = xreallocarray(*addrs, *naddrs + 1, sizeof **addrs);
		if (net_addr_parse(word, &(*addrs)[*naddrs]) != 0) {
			word = sanitize_str(word);
			xasprintf(cause, "addresses: \"%s\" is not an IP address", word);
			free(word);
			free(*addrs);
			*addrs = NULL;
			*naddrs = 0;
			free(copy);
			return (-1);
		}
		(*naddrs)++;
	}
	free(copy);
	return (0);
}

/*
 * Up to SURVEY_MAX_PER_FAMILY addresses of each family, in their order: enough to see a
 * broken IPv6 path beside a working IPv4 one, without a socket per address of a big pool.
 */
static size_t
survey_pick(const struct sockaddr_storage *in, size_t n, struct sockaddr_storage *out)
{
	size_t	 i, v4 = 0, v6 = 0, k = 0;

	for (i = 0; i < n; i++) {
		if (in[i].ss_family == AF_INET && v4 < SURVEY_MAX_PER_FAMILY) {
			out[k++] = in[i];
			v4++;
		} else if (in[i].ss_family == AF_INET6 && v6 < SURVEY_MAX_PER_FAMILY) {
			out[k++] = in[i];
			v6++;
		}
	}
	return (k);
}

static void
survey_target(struct net_target *t, const struct sockaddr_storage *ss, int port)
{
	memset(t, 0, sizeof *t);
	t->addr = *ss;
	net_addr_set_port(&t->addr, port);
	t->addrlen = net_addr_len(&t->addr);
}

/* Plain words for one attempt's result, for the evidence lines. */
static char *
survey_words(const struct net_target *t, int timeout_ms)
{
	char	*s;
	int	 secs = survey_seconds(timeout_ms);

	switch (t->status) {
	case NET_CONNECTED:
		s = xstrdup("connected");
		break;
	case NET_REFUSED:
		s = xstrdup("the connection was refused (nothing listens there, or a firewall "
		    "turns it away)");
		break;
	case NET_TIMEOUT:
		xasprintf(&s, "no answer within %d second%s (the packets seem to be dropped)",
		    secs, secs == 1 ? "" : "s");
		break;
	case NET_UNREACHABLE:
		if (t->err == ENETUNREACH)
			s = xstrdup("unreachable (there is no route to that network)");
		else
			s = xstrdup("unreachable (the host cannot be reached)");
		break;
	case NET_PROHIBITED:
		if (t->err == EPERM)
			s = xstrdup("this computer's firewall forbids the connection");
		else
			s = xstrdup("a firewall forbids the connection (\"administratively "
			    "prohibited\")");
		break;
	case NET_CANCELLED:
		s = xstrdup("cancelled");
		break;
	default:
		xasprintf(&s, "the connection could not be attempted (%s)", strerror(t->err));
		break;
	}
	return (s);
}

static int
probe_port_survey_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct dns_config	 cfg;
	const char		*host, *value, **names = NULL;
	struct sockaddr_storage	*given = NULL, *addrs = NULL;
	struct dns_host		*looked = NULL;
	struct survey_ref	 refs[SURVEY_MAX_REFS];
	struct net_target	*targets = NULL;
	char			**causes = NULL, *s, *tmp, *open_list, *ref_list;
	char			 abuf[128], key[32];
	int			 ports[1 + SURVEY_MAX_OTHER], open[1 + SURVEY_MAX_OTHER];
	int			 port, *rc = NULL, other_open = 0, ref_tested, same, ret = -1;
	size_t			 nports, ngiven = 0, naddrs = 0, nrefs = 0, nnames = 0, nopen;
	size_t			 i, j, k, nt, host_slot = 0;
	enum net_status		 best[1 + SURVEY_MAX_OTHER], ref_best = NET_PENDING;
	enum port_verdict	 verdict;
	long long		 start = mono_ms();

	if ((host = probe_param_get(params, nparams, "host")) == NULL) {
		xasprintf(cause, "no host to connect to");
		return (-1);
	}
	if ((value = probe_param_get(params, nparams, "port")) == NULL) {
		xasprintf(cause, "no port to try");
		return (-1);
	}
	if (survey_port(value, &port) != 0) {
		s = sanitize_str(value);
		xasprintf(cause, "port \"%s\" is not a number from 1 to 65535", s);
		free(s);
		return (-1);
	}
	if ((value = probe_param_get(params, nparams, "ports")) == NULL)
		value = SURVEY_DEFAULT_PORTS;
	if (survey_ports(value, port, ports, &nports, cause) != 0)
		return (-1);
	if ((value = probe_param_get(params, nparams, "addresses")) != NULL &&
	    survey_addresses(value, &given, &ngiven, cause) != 0)
		return (-1);
	cfg.resolver = env->resolver;
	cfg.timeout_ms = env->timeout_ms;

	/*
	 * Reference hosts known to answer on this port, looked up at once (and the server
	 * too when no earlier lookup gave its addresses). The server itself is no reference.
	 */
	names = xcalloc(SURVEY_MAX_REFS + 1, sizeof *names);
	if (given == NULL)
		names[nnames++] = host;
	for (i = 0; i < env->nrefhosts && nrefs < SURVEY_MAX_REFS; i++) {
		const struct probe_refhost	*rh = &env->refhosts[i];

		if (rh->host == NULL || strcasecmp(rh->host, host) == 0)
			continue;
		for (same = 0, j = 0; j < rh->nports; j++)
			same |= rh->ports[j] == port;
		if (!same)
			continue;
		memset(&refs[nrefs], 0, sizeof refs[nrefs]);
		refs[nrefs++].host = rh->host;
		names[nnames++] = rh->host;
	}
	if (env->progress != NULL && nnames > 0) {
		xasprintf(&tmp, "looking up %s%s", given == NULL ? host : "the reference hosts",
		    given == NULL && nrefs > 0 ? " and the reference hosts" : "");
		env->progress(env->progress_arg, tmp);
		free(tmp);
	}
	looked = xcalloc(nnames + 1, sizeof *looked);
	rc = xcalloc(nnames + 1, sizeof *rc);
	causes = xcalloc(nnames + 1, sizeof *causes);
	dns_resolve_many(&cfg, names, nnames, looked, rc, causes);

	if (given == NULL) {
		if (rc[0] != 0) {
			*cause = causes[0];
			causes[0] = NULL;
			goto out;
		}
		if (looked[0].naddrs == 0) {
			xasprintf(cause, "%s could not be looked up: %s", host,
			    dns_status_words(looked[0].status));
			goto out;
		}
		host_slot = 1;
	}
	if (env->cancel != NULL && *env->cancel) {
		xasprintf(cause, "cancelled");
		goto out;
	}

	/* The server's addresses, each on every port; each reference's first v4 and v6. */
	addrs = xcalloc(2 * SURVEY_MAX_PER_FAMILY, sizeof *addrs);
	if (given != NULL)
		naddrs = survey_pick(given, ngiven, addrs);
	else
		naddrs = survey_pick(looked[0].addrs, looked[0].naddrs, addrs);
	if (naddrs == 0) {
		xasprintf(cause, "%s has no IPv4 or IPv6 address to connect to", host);
		goto out;
	}
	targets = xcalloc(naddrs * nports + 2 * nrefs + 1, sizeof *targets);
	nt = 0;
	for (j = 0; j < nports; j++) {
		for (i = 0; i < naddrs; i++)
			survey_target(&targets[nt++], &addrs[i], ports[j]);
	}
	for (k = 0; k < nrefs; k++) {
		const struct dns_host	*h = &looked[host_slot + k];
		int			 v4 = 0, v6 = 0;

		refs[k].first = nt;
		if (rc[host_slot + k] != 0)
			continue;	/* a reference that does not resolve is skipped */
		for (i = 0; i < h->naddrs; i++) {
			if (h->addrs[i].ss_family == AF_INET && !v4++)
				survey_target(&targets[nt++], &h->addrs[i], port);
			else if (h->addrs[i].ss_family == AF_INET6 && !v6++)
				survey_target(&targets[nt++], &h->addrs[i], port);
		}
		refs[k].n = nt - refs[k].first;
	}

	if (env->progress != NULL) {
		s = xstrdup("");
		for (j = 0; j < nports; j++) {
			xasprintf(&tmp, "%s%s%d", s, j == 0 ? "" : ", ", ports[j]);
			free(s);
			s = tmp;
		}
		xasprintf(&tmp, "connecting to %s on port%s %s%s", host, nports == 1 ? "" : "s",
		    s, nt > naddrs * nports ? ", and to the reference hosts" : "");
		env->progress(env->progress_arg, tmp);
		free(tmp);
		free(s);
	}
	/* One call, one deadline: ten silent ports cost one timeout, not ten. */
	net_connect_many(targets, nt, env->timeout_ms, env->cancel);
	if (env->cancel != NULL && *env->cancel) {
		xasprintf(cause, "cancelled");
		goto out;
	}

	/* Per port, the best result over the server's addresses. */
	nopen = 0;
	for (j = 0; j < nports; j++) {
		best[j] = NET_PENDING;
		for (i = 0; i < naddrs; i++) {
			const struct net_target	*t = &targets[j * naddrs + i];

			if (net_status_rank(t->status) > net_status_rank(best[j]))
				best[j] = t->status;
		}
		if (best[j] == NET_CONNECTED) {
			open[nopen++] = ports[j];
			if (j > 0)
				other_open = 1;
		}
	}
	ref_tested = 0;
	for (k = 0; k < nrefs; k++) {
		refs[k].best = NET_PENDING;
		for (i = refs[k].first; i < refs[k].first + refs[k].n; i++) {
			if (net_status_rank(targets[i].status) > net_status_rank(refs[k].best))
				refs[k].best = targets[i].status;
		}
		if (refs[k].n == 0)
			continue;
		ref_tested = 1;
		if (net_status_rank(refs[k].best) > net_status_rank(ref_best))
			ref_best = refs[k].best;
	}
	verdict = port_verdict_classify(best[0], other_open, ref_tested, ref_best);
	r->outcome = port_verdict_name(verdict);
	if (port == 25 && ref_tested && (verdict == PORT_FILTERED || verdict == PORT_BLOCKED)) {
		for (j = 1; j < nports; j++)
			if ((ports[j] == 587 || ports[j] == 465) && best[j] == NET_CONNECTED) {
				r->fallback = r->outcome;
				r->outcome = "isp-blocks-25";
			}
	}
	if (verdict == PORT_OPEN) {
		int	 v4_ok = 0, v6_tried = 0, v6_ok = 0;

		for (i = 0; i < naddrs; i++) {
			enum net_status	 st = targets[i].status;	/* port 0 is the user's */

			if (addrs[i].ss_family == AF_INET && st == NET_CONNECTED)
				v4_ok = 1;
			if (addrs[i].ss_family != AF_INET6)
				continue;
			v6_tried = 1;
			/* Refused is an answer: only silence or no route is a broken path. */
			if (st != NET_TIMEOUT && st != NET_UNREACHABLE)
				v6_ok = 1;
		}
		if (v4_ok && v6_tried && !v6_ok) {
			r->fallback = r->outcome;
			r->outcome = "ipv6-broken";
		}
	}
	xasprintf(&r->target, "%s port %d", host, port);

	qsort(open, nopen, sizeof *open, survey_intcmp);
	open_list = xstrdup("");
	for (j = 0; j < nopen; j++) {
		xasprintf(&tmp, "%s%s%d", open_list, j == 0 ? "" : " ", open[j]);
		free(open_list);
		open_list = tmp;
	}
	ref_list = xstrdup("");
	for (k = 0; k < nrefs; k++) {
		if (refs[k].n == 0)
			continue;
		xasprintf(&tmp, "%s%s%s", ref_list, *ref_list == '\0' ? "" : " ", refs[k].host);
		free(ref_list);
		ref_list = tmp;
	}

	probe_result_fact(r, "port", "%d", port);
	probe_result_fact(r, "state", "%s", net_status_name(best[0]));
	probe_result_fact(r, "open-ports", "%s", open_list);
	probe_result_fact(r, "suggest-port", "%s", "");
	probe_result_fact(r, "suggest-security", "%s", "");
	probe_result_fact(r, "suggest-security-words", "%s", "");
	for (i = 0; i < sizeof survey_suggest_order / sizeof survey_suggest_order[0]; i++) {
		for (j = 0; j < nopen && open[j] != survey_suggest_order[i]; j++)
			continue;
		if (j == nopen)
			continue;
		/* RFC 8314 3.3: 465 is implicit TLS; 587, 2525 and 25 start plain (STARTTLS). */
		probe_result_fact(r, "suggest-port", "%d", open[j]);
		probe_result_fact(r, "suggest-security", "%s", open[j] == 465 ? "tls" : "starttls");
		probe_result_fact(r, "suggest-security-words", "%s",
		    open[j] == 465 ? "SSL/TLS" : "STARTTLS");
		break;
	}
	probe_result_fact(r, "reference-state", "%s",
	    ref_tested ? net_status_name(ref_best) : "untested");
	probe_result_fact(r, "reference-hosts", "%s", ref_list);
	for (j = 0; j < nports; j++) {
		snprintf(key, sizeof key, "state-%d", ports[j]);
		probe_result_fact(r, key, "%s", net_status_name(best[j]));
	}
	probe_result_fact(r, "timeout-s", "%d", survey_seconds(env->timeout_ms));
	free(open_list);
	free(ref_list);

	/*
	 * Evidence, one line per port: the addresses' common result, or one line per address
	 * when they differ (a broken IPv6 path beside a working IPv4 one shows both).
	 */
	for (j = 0; j < nports; j++) {
		s = survey_words(&targets[j * naddrs], env->timeout_ms);
		for (same = 1, i = 1; i < naddrs && same; i++) {
			tmp = survey_words(&targets[j * naddrs + i], env->timeout_ms);
			same = strcmp(tmp, s) == 0;
			free(tmp);
		}
		if (same) {
			if (naddrs == 1)
				probe_result_evidence(r, "Port %d on %s (%s): %s", ports[j], host,
				    net_addr_ntop(&addrs[0], abuf, sizeof abuf), s);
			else
				probe_result_evidence(r, "Port %d on %s: %s", ports[j], host, s);
			free(s);
			continue;
		}
		free(s);
		for (i = 0; i < naddrs; i++) {
			s = survey_words(&targets[j * naddrs + i], env->timeout_ms);
			probe_result_evidence(r, "Port %d on %s (%s): %s", ports[j], host,
			    net_addr_ntop(&addrs[i], abuf, sizeof abuf), s);
			free(s);
		}
	}
	for (k = 0; k < nrefs; k++) {
		if (refs[k].n == 0) {
			if (rc[host_slot + k] == 0)
				probe_result_evidence(r, "The reference host %s could not be "
				    "looked up (%s), so it was not tried", refs[k].host,
				    dns_status_words(looked[host_slot + k].status));
			continue;
		}
		/* The best of its attempts stands for it, as for the server's ports. */
		for (i = refs[k].first; i < refs[k].first + refs[k].n; i++) {
			if (targets[i].status == refs[k].best)
				break;
		}
		s = survey_words(&targets[i], env->timeout_ms);
		probe_result_evidence(r, "Port %d on the reference host %s: %s", port,
		    refs[k].host, s);
		free(s);
	}
	if (nrefs == 0)
		probe_result_evidence(r, "No reference host is known to answer on port %d, "
		    "so this network could not be compared", port);
	ret = 0;

out:
	r->elapsed_ms = mono_ms() - start;
	if (ret == 0)
		probe_result_fact(r, "elapsed-ms", "%lld", r->elapsed_ms);
	for (i = 0; i < nnames; i++) {
		free(causes[i]);
		if (rc[i] == 0)
			dns_host_free(&looked[i]);
	}
	free(causes);
	free(rc);
	free(looked);
	free(names);
	free(targets);
	free(addrs);
	free(given);
	return (ret);
}
