/* probe-sender-ptr.c: reverse DNS of an own mail server's address, confirmed forward. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/nameser.h>

#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "net.h"
#include "probe.h"
#include "util.h"

/* PTR names followed forward at most; RFC 7208 5.5 stops at 10 too. */
#define SENDER_PTR_MAX_NAMES	10

static int	 sender_ptr_run(const struct probe_env *, const struct probe_param *, size_t,
		     struct probe_result *, char **);
static void	 sender_ptr_append(char **, const char *);

static const struct probe_param_spec sender_ptr_params[] = {
	{ "ip", 1, "the public address the mail server sends from" },
	{ NULL, 0, NULL }
};

static const char *const sender_ptr_outcomes[] = {
	"ok",
	"ptr-missing",
	"ptr-mismatch",
	"resolver-failure",
	NULL
};

const struct probe probe_sender_ptr = {
	.name = "sender-ptr",
	.summary = "checks that an own mail server's sending address has a reverse (PTR) "
	    "name that leads back to the same address",
	.params = sender_ptr_params,
	.outcomes = sender_ptr_outcomes,
	.run = sender_ptr_run
};

static void
sender_ptr_append(char **list, const char *word)
{
	char	*tmp;

	if (*list == NULL) {
		*list = xstrdup(word);
		return;
	}
	xasprintf(&tmp, "%s %s", *list, word);
	free(*list);
	*list = tmp;
}

static int
sender_ptr_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct dns_config	 cfg;
	struct dns_records	 ptr;
	struct dns_host		 hosts[SENDER_PTR_MAX_NAMES];
	const char		*names[SENDER_PTR_MAX_NAMES], *ip;
	struct sockaddr_storage	 ss;
	char			 rev[128], buf[128], want[128];
	char			*ptrs = NULL, *forward = NULL, *confirmed = NULL;
	int			 rc[SENDER_PTR_MAX_NAMES];
	size_t			 i, j, n;
	long long		 start = mono_ms();

	if ((ip = probe_param_get(params, nparams, "ip")) == NULL ||
	    net_addr_parse(ip, &ss) != 0) {
		xasprintf(cause, "\"%s\" is not an IPv4 or IPv6 address", ip != NULL ? ip : "");
		return (-1);
	}
	if (dns_reverse_name(&ss, NULL, rev, sizeof rev) != 0) {
		xasprintf(cause, "cannot make the reverse name of %s", ip);
		return (-1);
	}
	net_addr_ntop(&ss, want, sizeof want);
	xasprintf(&r->target, "%s", want);
	probe_result_fact(r, "address", "%s", want);
	probe_result_fact(r, "reverse-name", "%s", rev);
	cfg.resolver = env->resolver;
	cfg.timeout_ms = env->timeout_ms;

	if (env->progress != NULL)
		env->progress(env->progress_arg, "looking up the reverse name of the address");
	memset(&ptr, 0, sizeof ptr);
	if (dns_lookup(&cfg, rev, ns_t_ptr, &ptr, cause) != 0)
		return (-1);
	for (i = 0; i < ptr.notes.n; i++)
		probe_result_evidence(r, "%s: %s", rev, ptr.notes.v[i]);
	if (ptr.status != DNS_OK) {
		probe_result_fact(r, "ptr", "none");
		probe_result_fact(r, "forward", "none");
		if (dns_status_answered(ptr.status)) {
			r->outcome = "ptr-missing";
			probe_result_evidence(r, "%s has no reverse DNS name (no PTR record at "
			    "%s: %s); many receivers refuse mail from such servers", want, rev,
			    dns_status_words(ptr.status));
		} else {
			r->outcome = "resolver-failure";
			probe_result_evidence(r, "The reverse name of %s could not be looked up: "
			    "%s", want, dns_status_words(ptr.status));
		}
		dns_records_free(&ptr);
		r->elapsed_ms = mono_ms() - start;
		return (0);
	}

	n = ptr.n < SENDER_PTR_MAX_NAMES ? ptr.n : SENDER_PTR_MAX_NAMES;
	for (i = 0; i < n; i++) {
		names[i] = ptr.rr[i].target;
		sender_ptr_append(&ptrs, names[i]);
	}
	if (ptrs == NULL)
		ptrs = xstrdup("");
	probe_result_fact(r, "ptr", "%s", ptrs);
	probe_result_evidence(r, "The reverse name of %s is %s", want, ptrs);

	/* Forward confirmation (FCrDNS): every PTR name's addresses, all at once. */
	dns_resolve_many(&cfg, names, n, hosts, rc, NULL);
	for (i = 0; i < n; i++) {
		if (rc[i] != 0) {
			probe_result_evidence(r, "%s could not be looked up", names[i]);
			continue;
		}
		if (hosts[i].status != DNS_OK)
			probe_result_evidence(r, "%s has no address: %s", names[i],
			    dns_status_words(hosts[i].status));
		for (j = 0; j < hosts[i].naddrs; j++) {
			net_addr_ntop(&hosts[i].addrs[j], buf, sizeof buf);
			sender_ptr_append(&forward, buf);
			if (strcmp(buf, want) == 0 && confirmed == NULL)
				confirmed = xstrdup(names[i]);
		}
		if (hosts[i].naddrs > 0)
			probe_result_evidence(r, "%s leads to %s", names[i],
			    forward != NULL ? forward : "");
		dns_host_free(&hosts[i]);
	}
	probe_result_fact(r, "forward", "%s", forward != NULL ? forward : "none");
	if (confirmed != NULL) {
		r->outcome = "ok";
		probe_result_fact(r, "confirmed", "%s", confirmed);
		probe_result_evidence(r, "%s leads back to %s: the reverse DNS is confirmed",
		    confirmed, want);
	} else {
		r->outcome = "ptr-mismatch";
		probe_result_fact(r, "confirmed", "%s", "");
		probe_result_evidence(r, "No reverse name of %s (%s) leads back to it, so "
		    "receivers treat the reverse DNS as missing", want, ptrs);
	}
	free(confirmed);
	free(forward);
	free(ptrs);
	dns_records_free(&ptr);
	r->elapsed_ms = mono_ms() - start;
	return (0);
}
