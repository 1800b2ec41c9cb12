/* dns.h: name resolution through glibc libresolv with the failure kinds told apart. */
#ifndef SENDFIX_DNS_H
#define SENDFIX_DNS_H

#include <sys/socket.h>
#include <stddef.h>

#include "util.h"

enum dns_status {
	DNS_OK = 0,		/* at least one record of the type asked */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_NODATA,		/* the name exists, no record of this type */
	DNS_SERVFAIL,		/* the resolver answered SERVFAIL */
	DNS_REFUSED,		/* the resolver answered REFUSED (or NOTIMP/FORMERR) */
	DNS_TIMEOUT,		/* no answer in time */
	DNS_ERROR,		/* could not even ask (no resolver configured, socket error) */
	DNS_TRUNCATED,		/* the answer had TC set and asking again over TCP failed
				   (dns_lookup only; dns_resolve_host says TIMEOUT or ERROR) */
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
/* AF_INET or AF_INET6 for a valid --resolver value, else AF_UNSPEC. Pure. */
int	 dns_resolver_family(const char *resolver);

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
 * Each question the functions below ask (an address literal asks none) is asked once per
 * run: its outcome, answer, timeout or failure alike, is kept for a minute and shared with
 * the threads asking the same meanwhile (dns-cache.h; dns_cache_forget() starts afresh).
 * A question is the resolver, the name and the type, not the timeout. elapsed_ms is the
 * time the caller waited, near 0 for a kept answer.
 */

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

/*
 * 1 if the status is a real answer about the name (OK, NXDOMAIN, NODATA): the resolver
 * works. Every other status says nothing about the name. Pure.
 */
int	 dns_status_answered(enum dns_status);

/* ---- records of any type ----------------------------------------------------------- */

/* Records kept per lookup: more is a misconfiguration or an attack; a note says so. */
#define DNS_MAX_RECORDS		64

/*
 * One record of the type asked, parsed. Which fields are set depends on type (ns_t_*):
 *   A, AAAA	addr (port 0)
 *   MX		preference, target (the exchange; "." is RFC 7505's null MX)
 *   SRV	priority, weight, port, target ("." means "no such service", RFC 2782)
 *   PTR, CNAME	target
 *   TXT	text: the character-strings joined without separators (RFC 7208 3.3), text_len
 *		bytes plus a NUL that is not counted. The bytes are the server's: they may hold
 *		NULs, controls or invalid UTF-8; sanitise them (sanitize_text) before showing.
 * owner and target are in presentation form as dn_expand() gives them: printable ASCII,
 * other bytes escaped as \DDD, no trailing dot (the root is ".").
 */
struct dns_rr {
	int			 type;
	unsigned long		 ttl;
	char			*owner;
	struct sockaddr_storage	 addr;
	unsigned int		 preference;
	unsigned int		 priority;
	unsigned int		 weight;
	unsigned int		 port;
	char			*target;
	char			*text;
	size_t			 text_len;
};

/*
 * What one question got. status as for dns_host, plus DNS_TRUNCATED. status is DNS_OK only
 * when n > 0; an answer whose records of the type were all malformed is DNS_NODATA with a
 * note. With DNS_TRUNCATED, rr holds the whole records the cut answer carried (maybe none).
 * notes: what was skipped or odd, in plain words, for the transcript ("answer record 2
 * (MX): the exchange name runs past the record's data; skipped").
 */
struct dns_records {
	enum dns_status		 status;
	struct dns_rr		*rr;
	size_t			 n;
	struct strlist		 notes;
	long long		 elapsed_ms;
};

/*
 * Parses every well-formed record of type (ns_t_a, ns_t_aaaa, ns_t_mx, ns_t_txt, ns_t_srv,
 * ns_t_ptr or ns_t_cname) and class IN in the answer section of msg, appending to out->rr
 * (at most DNS_MAX_RECORDS in all) and out->notes; out->status is not touched. len is
 * clamped to 65536. rdlength is checked per type (A 4, AAAA 16, names must end exactly at
 * the end of the data, TXT strings must fill it exactly); compression pointers out of range
 * or in a loop make their record malformed. Malformed records are skipped with a note; when
 * the counts or lengths lie, the records before the first break are kept. Returns how many
 * records were appended. Pure.
 */
size_t	 dns_parse_records(const unsigned char *msg, size_t len, int type,
	    struct dns_records *out);

/*
 * Asks for the records of type (as for dns_parse_records) at name, limited by
 * cfg->timeout_ms; a truncated UDP answer is asked again over TCP within the same limit.
 * Returns 0 with out filled (out->status says what happened; free with dns_records_free),
 * or -1 with *cause when the question cannot be asked (bad name, bad resolver text,
 * unsupported type); out is then empty.
 */
int	 dns_lookup(const struct dns_config *, const char *name, int type,
	    struct dns_records *out, char **cause);

struct dns_question {
	const char	*name;
	int		 type;
	const char	*resolver;	/* "ADDR[:PORT]" for this question, or NULL: cfg's */
};

/*
 * Asks n questions at once, one thread each. out[i], rc[i] and causes[i] are as for
 * dns_lookup on q[i]; causes may be NULL, else causes[i] is set (caller frees) where rc[i]
 * is -1. Every out[i] is to be freed with dns_records_free (it is empty where rc[i] is -1).
 */
void	 dns_lookup_many(const struct dns_config *, const struct dns_question *q, size_t n,
	    struct dns_records *out, int *rc, char **causes);

/* Frees what out holds and empties it; NULL is fine. */
void	 dns_records_free(struct dns_records *);

/* "mx", "txt", ... for the types dns_lookup takes, else "type NN" in a static buffer. */
const char	*dns_type_name(int type);

/*
 * The reverse name of an address: "4.3.2.1" for 1.2.3.4, the 32 nibbles for IPv6
 * (RFC 3596 2.5), followed by "." and zone, or by "in-addr.arpa" / "ip6.arpa" when zone is
 * NULL. 0, or -1 when the family is neither or buf (len bytes) is too small. Pure.
 */
int	 dns_reverse_name(const struct sockaddr_storage *, const char *zone, char *buf,
	    size_t len);

#endif
