/* dns.h: name resolution through glibc libresolv with the failure kinds told apart. */
#ifndef SENDFIX_DNS_H
#define SENDFIX_DNS_H

#include <sys/socket.h>
#include <stddef.h>

enum dns_status {
	DNS_OK = 0,		/* at least one record of the type asked */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_NODATA,		/* the name exists, no record of this type */
	DNS_SERVFAIL,		/* the resolver answered SERVFAIL */
	DNS_REFUSED,		/* the resolver answered REFUSED (or NOTIMP/FORMERR) */
	DNS_TIMEOUT,		/* no answer in time */
	DNS_ERROR,		/* could not even ask (no resolver configured, socket error) */
	DNS_STATUS_COUNT
};
const char	*dns_status_name(enum dns_status);	/* "ok", "nxdomain", "nodata", ... */
const char	*dns_status_words(enum dns_status);	/* plain words */

struct dns_config {
	const char	*resolver;	/* "ADDR[:PORT]", "[v6]:port", bare v6, or NULL */
	int		 timeout_ms;
};

/* Checks a --resolver value; 0 or -1 with *cause. */
int	 dns_resolver_check(const char *resolver, char **cause);

struct dns_host {
	enum dns_status		 status;	/* combined: OK if any address; else the more telling
						   of the two (NXDOMAIN beats NODATA beats failures) */
	enum dns_status		 status_a;
	enum dns_status		 status_aaaa;
	int			 literal;	/* the name was an address literal: no query made */
	struct sockaddr_storage	*addrs;		/* IPv4 first, then IPv6; port 0 */
	size_t			 naddrs;
	long long		 elapsed_ms;
};

/*
 * Resolves name to its A and AAAA addresses, both queries at once, each limited by
 * cfg->timeout_ms. Returns 0 with out filled (out->status says what happened), or -1 with
 * *cause when the query cannot be made at all (bad resolver text, res_ninit failure).
 * Free with dns_host_free.
 */
int	 dns_resolve_host(const struct dns_config *, const char *name, struct dns_host *out,
	    char **cause);
void	 dns_host_free(struct dns_host *);

#endif
