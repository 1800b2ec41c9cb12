/* probe-resolve.c: looks a host name up, comparing with reference names to judge the resolver. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "net.h"
#include "probe.h"
#include "util.h"

/* Reference names looked up beside the host: enough to outvote one odd domain. */
#define PROBE_RESOLVE_MAX_REFS	3
/* Addresses whose reverse name is looked up: a server has one or two of each family. */
#define PROBE_RESOLVE_MAX_REVERSE	4

enum probe_resolve_fail {
	PROBE_RESOLVE_ANSWERED,		/* SERVFAIL or REFUSED: the server spoke */
	PROBE_RESOLVE_SILENT,		/* no answer in time */
	PROBE_RESOLVE_UNASKED		/* could not even ask (nothing listens there) */
};

static int	 probe_resolve_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);
static enum probe_resolve_fail probe_resolve_failure(const struct dns_host *);
static int	 probe_resolve_answered(const struct dns_host *);
static char	*probe_resolve_list(const struct dns_host *, int);
static char	*probe_resolve_words(const struct dns_host *);
static void	 probe_resolve_family(struct probe_result *, const char *, const char *,
		     enum dns_status);
static char	*probe_resolve_seconds(int);
static const char *probe_resolve_rcode(const struct dns_host *);
static char	*probe_resolve_join(const char *const *, size_t, const int *);
static void	 probe_resolve_reverse(const struct probe_env *, const struct dns_host *,
		     struct probe_result *);
static void	*probe_resolve_reverse_one(void *);

static const struct probe_param_spec probe_resolve_params[] = {
	{ "host", 1, "the host name (or address) to look up" },
	{ NULL, 0, NULL }
};

static const char *const probe_resolve_outcomes[] = {
	"ok",
	"nxdomain",
	"nodata",
	"server-failure",
	"timeout",
	"resolver-failure",
	NULL
};

const struct probe probe_resolve = {
	.name = "resolve",
	.summary = "looks up a host name's IPv4 and IPv6 addresses, and tells a failing name "
	    "from a failing DNS server",
	.params = probe_resolve_params,
	.outcomes = probe_resolve_outcomes,
	.run = probe_resolve_run
};

/* The resolver gave a real answer about the name (addresses, NXDOMAIN or NODATA). */
static int
probe_resolve_answered(const struct dns_host *h)
{
	return (h->status == DNS_OK || h->status == DNS_NXDOMAIN || h->status == DNS_NODATA);
}

/*
 * How a lookup without addresses failed, from its two queries: a SERVFAIL or REFUSED
 * answer to either beats silence, silence beats "could not ask".
 */
static enum probe_resolve_fail
probe_resolve_failure(const struct dns_host *h)
{
	enum dns_status	 s[2] = { h->status_a, h->status_aaaa };
	int		 i, silent = 0;

	for (i = 0; i < 2; i++) {
		if (s[i] == DNS_SERVFAIL || s[i] == DNS_REFUSED)
			return (PROBE_RESOLVE_ANSWERED);
		if (s[i] == DNS_TIMEOUT)
			silent = 1;
	}
	return (silent ? PROBE_RESOLVE_SILENT : PROBE_RESOLVE_UNASKED);
}

/* Space-separated addresses of one family (AF_UNSPEC: all, IPv4 first as dns gives them). */
static char *
probe_resolve_list(const struct dns_host *h, int family)
{
	char	*list = xstrdup(""), *tmp, buf[128];
	size_t	 i;

	for (i = 0; i < h->naddrs; i++) {
		if (family != AF_UNSPEC && h->addrs[i].ss_family != family)
			continue;
		net_addr_ntop(&h->addrs[i], buf, sizeof buf);
		xasprintf(&tmp, "%s%s%s", list, *list == '\0' ? "" : " ", buf);
		free(list);
		list = tmp;
	}
	return (list);
}

/* "192.0.2.10", "192.0.2.10 and 2001:db8::10", "a, b and c". */
static char *
probe_resolve_words(const struct dns_host *h)
{
	char	*out = xstrdup(""), *tmp, buf[128];
	size_t	 i;

	for (i = 0; i < h->naddrs; i++) {
		net_addr_ntop(&h->addrs[i], buf, sizeof buf);
		xasprintf(&tmp, "%s%s%s", out, i == 0 ? "" :
		    (i == h->naddrs - 1 ? " and " : ", "), buf);
		free(out);
		out = tmp;
	}
	return (out);
}

/* The answer a failed lookup got, in the DNS's own word. */
static const char *
probe_resolve_rcode(const struct dns_host *h)
{
	if (h->status_a == DNS_SERVFAIL || h->status_aaaa == DNS_SERVFAIL)
		return ("SERVFAIL");
	return ("REFUSED");
}

/* "a", "a or b", "a, b or c": the names that were looked up (rc 0). */
static char *
probe_resolve_join(const char *const *names, size_t n, const int *rc)
{
	char	*out = xstrdup(""), *tmp;
	size_t	 i, left = 0;

	for (i = 0; i < n; i++)
		left += rc[i] == 0;
	for (i = 0; i < n; i++) {
		if (rc[i] != 0)
			continue;
		left--;
		xasprintf(&tmp, "%s%s%s", out, *out == '\0' ? "" : (left == 0 ? " or " : ", "),
		    names[i]);
		free(out);
		out = tmp;
	}
	return (out);
}

static char *
probe_resolve_seconds(int timeout_ms)
{
	char	*s;
	int	 secs = timeout_ms <= 0 ? 1 : (timeout_ms + 999) / 1000;

	xasprintf(&s, "%d second%s", secs, secs == 1 ? "" : "s");
	return (s);
}

/* One line for an address family whose lookup failed while the other gave addresses. */
static void
probe_resolve_family(struct probe_result *r, const char *host, const char *family,
    enum dns_status status)
{
	if (status == DNS_OK || status == DNS_NODATA)
		return;
	probe_result_evidence(r, "Looking up the %s address of \"%s\" failed: %s", family,
	    host, dns_status_words(status));
}

static int
probe_resolve_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct dns_config	 cfg;
	struct dns_host		 hosts[1 + PROBE_RESOLVE_MAX_REFS];
	const char		*names[1 + PROBE_RESOLVE_MAX_REFS], *host;
	char			*causes[1 + PROBE_RESOLVE_MAX_REFS];
	int			 rc[1 + PROBE_RESOLVE_MAX_REFS];
	char			*list, *refs, *tmp, *secs, *answered_by = NULL;
	const struct dns_host	*h;
	size_t			 i, j, n, tried = 0, answered = 0, refs_silent = 0, dup;
	long long		 start = mono_ms();
	enum probe_resolve_fail	 fail;
	struct sockaddr_storage	 ss;

	if ((host = probe_param_get(params, nparams, "host")) == NULL) {
		xasprintf(cause, "no host name to look up");
		return (-1);
	}
	cfg.resolver = env->resolver;
	cfg.timeout_ms = env->timeout_ms;

	/*
	 * The reference names are asked at the same time, through the same resolver, so a
	 * failure for the host can be told from a resolver that fails for every name.
	 * Address literals among them tell nothing about DNS and are left out.
	 */
	names[0] = host;
	n = 1;
	if (net_addr_parse(host, &ss) != 0) {
		for (i = 0; i < env->nrefhosts && n < 1 + PROBE_RESOLVE_MAX_REFS; i++) {
			const char	*ref = env->refhosts[i].host;

			if (ref == NULL || net_addr_parse(ref, &ss) == 0 ||
			    strcasecmp(ref, host) == 0)
				continue;
			for (dup = 0, j = 1; j < n; j++)
				dup |= strcasecmp(names[j], ref) == 0;
			if (!dup)
				names[n++] = ref;
		}
	}
	if (env->progress != NULL) {
		if (n > 1) {
			xasprintf(&tmp, "looking up %s (and %zu other name%s for comparison)",
			    host, n - 1, n == 2 ? "" : "s");
			env->progress(env->progress_arg, tmp);
			free(tmp);
		} else {
			xasprintf(&tmp, "looking up %s", host);
			env->progress(env->progress_arg, tmp);
			free(tmp);
		}
	}

	dns_resolve_many(&cfg, names, n, hosts, rc, causes);
	if (rc[0] == 0 && env->cancel != NULL && *env->cancel) {
		/* libresolv cannot be interrupted; the lookups were bounded by the timeout. */
		xasprintf(&causes[0], "cancelled");
		dns_host_free(&hosts[0]);
		rc[0] = -1;
	}
	if (rc[0] != 0) {
		/* The host name itself is unusable (too long, empty label) or so is --resolver. */
		*cause = causes[0];
		for (i = 1; i < n; i++) {
			free(causes[i]);
			if (rc[i] == 0)
				dns_host_free(&hosts[i]);
		}
		return (-1);
	}
	h = &hosts[0];
	refs = xstrdup("");
	for (i = 1; i < n; i++) {
		free(causes[i]);
		if (rc[i] != 0)
			continue;
		tried++;
		xasprintf(&tmp, "%s%s%s:%s", refs, *refs == '\0' ? "" : " ", names[i],
		    dns_status_name(hosts[i].status));
		free(refs);
		refs = tmp;
		if (!probe_resolve_answered(&hosts[i]) &&
		    probe_resolve_failure(&hosts[i]) == PROBE_RESOLVE_SILENT)
			refs_silent++;
		if (probe_resolve_answered(&hosts[i])) {
			answered++;
			if (answered_by == NULL)
				answered_by = xstrdup(names[i]);
		}
	}

	xasprintf(&r->target, "%s", host);
	list = probe_resolve_list(h, AF_UNSPEC);
	probe_result_fact(r, "addresses", "%s", list);
	free(list);
	probe_result_fact(r, "address-count", "%zu", h->naddrs);
	list = probe_resolve_list(h, AF_INET);
	probe_result_fact(r, "ipv4", "%s", list);
	free(list);
	list = probe_resolve_list(h, AF_INET6);
	probe_result_fact(r, "ipv6", "%s", list);
	free(list);
	probe_result_fact(r, "status-a", "%s", dns_status_name(h->status_a));
	probe_result_fact(r, "status-aaaa", "%s", dns_status_name(h->status_aaaa));
	probe_result_fact(r, "resolver", "%s", env->resolver != NULL ? env->resolver : "system");
	probe_result_fact(r, "references", "%s", refs);
	free(refs);

	secs = probe_resolve_seconds(env->timeout_ms);
	if (h->literal) {
		r->outcome = "ok";
		probe_result_evidence(r, "\"%s\" is an address already: there is nothing to "
		    "look up", host);
	} else if (h->status == DNS_OK) {
		r->outcome = "ok";
		list = probe_resolve_words(h);
		probe_result_evidence(r, "\"%s\" has the address%s %s", host,
		    h->naddrs == 1 ? "" : "es", list);
		free(list);
		probe_resolve_family(r, host, "IPv4 (A)", h->status_a);
		probe_resolve_family(r, host, "IPv6 (AAAA)", h->status_aaaa);
		probe_resolve_reverse(env, h, r);
	} else if (h->status == DNS_NXDOMAIN) {
		r->outcome = "nxdomain";
		probe_result_evidence(r, "The DNS server says the name \"%s\" does not exist "
		    "(NXDOMAIN)", host);
		if (answered_by != NULL)
			probe_result_evidence(r, "It answered for %s, so the DNS server itself "
			    "works", answered_by);
	} else if (h->status_a == DNS_NODATA && h->status_aaaa == DNS_NODATA) {
		r->outcome = "nodata";
		probe_result_evidence(r, "The name \"%s\" exists, but the DNS server has no "
		    "IPv4 (A) or IPv6 (AAAA) address for it", host);
	} else {
		/*
		 * No address and no verdict on the name. Whether the host or the resolver is
		 * at fault depends on the reference names: one answer for any of them means
		 * the resolver works. A lookup that could not even be sent (nothing listens at
		 * the resolver's address) is the resolver's fault whatever the name.
		 */
		fail = probe_resolve_failure(h);
		if (answered > 0 && fail == PROBE_RESOLVE_ANSWERED) {
			r->outcome = "server-failure";
			probe_result_evidence(r, "The DNS server could not give an answer for "
			    "\"%s\" (%s)", host, probe_resolve_rcode(h));
			probe_result_evidence(r, "It answered for %s, so the DNS server itself "
			    "works; the fault is with the name's own DNS servers", answered_by);
		} else if (answered > 0) {
			r->outcome = "timeout";
			if (fail == PROBE_RESOLVE_UNASKED)
				probe_result_evidence(r, "The question about \"%s\" or its "
				    "answer did not get through to the DNS server (for example "
				    "a long answer that needs TCP, blocked on this network)", host);
			else
				probe_result_evidence(r, "The DNS server did not answer within %s "
				    "for \"%s\"", secs, host);
			probe_result_evidence(r, "It answered for %s, so the DNS server itself "
			    "works", answered_by);
		} else if (tried > 0 || fail == PROBE_RESOLVE_UNASKED) {
			r->outcome = "resolver-failure";
			if (fail == PROBE_RESOLVE_UNASKED)
				probe_result_evidence(r, "The DNS server%s%s could not be asked: "
				    "nothing answers at its address", env->resolver != NULL ?
				    " at " : "", env->resolver != NULL ? env->resolver : "");
			else if (fail == PROBE_RESOLVE_SILENT && refs_silent == tried) {
				list = probe_resolve_join(names + 1, n - 1, rc + 1);
				probe_result_evidence(r, "The DNS server did not answer within %s, "
				    "for this name nor for %s", secs, list);
				free(list);
			} else if (fail == PROBE_RESOLVE_SILENT)
				probe_result_evidence(r, "The DNS server did not answer within %s "
				    "for \"%s\"", secs, host);
			else
				probe_result_evidence(r, "The DNS server could not give an answer "
				    "for \"%s\" (%s)", host, probe_resolve_rcode(h));
			for (i = 1; i < n && (fail != PROBE_RESOLVE_SILENT ||
			    refs_silent != tried); i++) {
				if (rc[i] == 0)
					probe_result_evidence(r, "Looking up %s for comparison: %s",
					    names[i], dns_status_words(hosts[i].status));
			}
		} else if (fail == PROBE_RESOLVE_ANSWERED) {
			r->outcome = "server-failure";
			probe_result_evidence(r, "The DNS server could not give an answer for "
			    "\"%s\" (%s); there was no other name to compare with", host,
			    probe_resolve_rcode(h));
		} else {
			r->outcome = "timeout";
			probe_result_evidence(r, "The DNS server did not answer within %s for "
			    "\"%s\"; there was no other name to compare with", secs, host);
		}
	}
	free(secs);
	free(answered_by);

	for (i = 0; i < n; i++) {
		if (rc[i] == 0)
			dns_host_free(&hosts[i]);
	}
	r->elapsed_ms = mono_ms() - start;
	probe_result_fact(r, "elapsed-ms", "%lld", r->elapsed_ms);
	return (0);
}

/* One address's reverse name, through the sender-ptr probe (forward-confirmed). */
struct probe_resolve_rev {
	const struct probe_env	*env;
	char			 ip[64];
	struct probe_result	 result;
	int			 rc;
	pthread_t		 thread;
	int			 started;
};

static void *
probe_resolve_reverse_one(void *arg)
{
	struct probe_resolve_rev	*v = arg;
	struct probe_param		 p = { "ip", v->ip, 0 };
	char				*cause = NULL;

	v->rc = probe_sender_ptr.run(v->env, &p, 1, &v->result, &cause);
	free(cause);
	return (NULL);
}

/*
 * The server's reverse names, each checked to lead back to its address, all at once: a
 * technician sees which machine the name really reaches (a name that leads to a hosting
 * company's generic machine is often the wrong server), and the answers are at hand in the
 * run's DNS cache when the sender-ptr probe later asks about the address that was used.
 */
static void
probe_resolve_reverse(const struct probe_env *env, const struct dns_host *h,
    struct probe_result *r)
{
	struct probe_resolve_rev	 v[PROBE_RESOLVE_MAX_REVERSE];
	struct probe_env		 quiet = *env;
	const char			*ptr, *confirmed;
	char				*facts = NULL, *words = NULL, *tmp, *one, *c;
	size_t				 i, n;

	quiet.progress = NULL;
	quiet.transcript = NULL;
	n = h->naddrs < PROBE_RESOLVE_MAX_REVERSE ? h->naddrs : PROBE_RESOLVE_MAX_REVERSE;
	if (n == 0)
		return;
	if (env->progress != NULL)
		env->progress(env->progress_arg, "looking up the reverse names of its addresses");
	for (i = 0; i < n; i++) {
		v[i].env = &quiet;
		v[i].rc = -1;
		v[i].started = 0;
		net_addr_ntop(&h->addrs[i], v[i].ip, sizeof v[i].ip);
		probe_result_init(&v[i].result);
		if (pthread_create(&v[i].thread, NULL, probe_resolve_reverse_one, &v[i]) == 0)
			v[i].started = 1;
		else
			probe_resolve_reverse_one(&v[i]);
	}
	for (i = 0; i < n; i++) {
		if (v[i].started)
			pthread_join(v[i].thread, NULL);
		ptr = v[i].rc == 0 ? probe_result_get_fact(&v[i].result, "ptr") : NULL;
		confirmed = v[i].rc == 0 ? probe_result_get_fact(&v[i].result, "confirmed") :
		    NULL;
		if (v[i].rc != 0 || v[i].result.outcome == NULL ||
		    strcmp(v[i].result.outcome, "resolver-failure") == 0)
			xasprintf(&one, "%s: could not be looked up", v[i].ip);
		else if (ptr == NULL || strcmp(ptr, "none") == 0)
			xasprintf(&one, "%s has none", v[i].ip);
		else if (confirmed != NULL && *confirmed != '\0')
			xasprintf(&one, "%s is %s, which leads back to it", v[i].ip, confirmed);
		else
			xasprintf(&one, "%s is %s, which does not lead back to it", v[i].ip, ptr);
		/* One word per address in the fact: several names are joined by commas. */
		xasprintf(&tmp, "%s%s%s=%s", facts != NULL ? facts : "", facts != NULL ? " " : "",
		    v[i].ip, ptr != NULL ? ptr : "none");
		for (c = tmp + (facts != NULL ? strlen(facts) + 1 : 0); *c != '\0'; c++)
			if (*c == ' ')
				*c = ',';
		free(facts);
		facts = tmp;
		xasprintf(&tmp, "%s%s%s", words != NULL ? words : "", words != NULL ? "; " : "",
		    one);
		free(words);
		words = tmp;
		free(one);
		probe_result_free(&v[i].result);
	}
	probe_result_fact(r, "reverse-names", "%s", facts);
	probe_result_evidence(r, "Reverse DNS: %s", words);
	free(facts);
	free(words);
}
