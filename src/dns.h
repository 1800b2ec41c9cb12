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

/*
 * Resolves n names at once, one thread each (on top of the two per name). out[i] and rc[i]
 * are what dns_resolve_host gives for names[i]; causes may be NULL (a name that cannot be
 * asked then just has rc -1), else causes[i] is set (caller frees) where rc[i] is -1.
 * out[i] is to be freed (dns_host_free) only where rc[i] is 0.
 */
void	 dns_resolve_many(const struct dns_config *, const char *const *names, size_t n,
	    struct dns_host *out, int *rc, char **causes);

/* The more telling of two statuses, as dns_host.status combines A and AAAA. Pure. */
enum dns_status	 dns_status_combine(enum dns_status, enum dns_status);

/*
 * Appends the address of every well-formed A (ns_t_a) or AAAA (ns_t_aaaa) record of class IN
 * in the answer section of msg to *addrs (grown with xreallocarray; port 0) and *naddrs.
 * Malformed records are skipped; when the counts or lengths lie, the records before the
 * first broken one are kept. At most 32 per call. Returns how many were appended. Pure.
 */
size_t	 dns_parse_addrs(const unsigned char *msg, size_t len, int type,
	    struct sockaddr_storage **addrs, size_t *naddrs);

/*
 * Classifies a reply left in a buffer by a failed res_nquery: 0 with *status (NXDOMAIN,
 * NODATA for NOERROR, SERVFAIL, REFUSED for REFUSED/NOTIMP/FORMERR/others and for an empty
 * "lame" NOERROR without AA or RA) when msg is a response (QR set) to the question
 * name/type, -1 when it is not. Pure.
 */
int	 dns_reply_status(const unsigned char *msg, size_t len, const char *name, int type,
	    enum dns_status *status);

#endif
