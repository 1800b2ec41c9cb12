/* spf.h: SPF check_host() (RFC 7208) over a resolver given as callbacks, and the record to publish. */
#ifndef SENDFIX_SPF_H
#define SENDFIX_SPF_H

#include <sys/socket.h>
#include <stddef.h>

#include "util.h"

/*
 * Limits (RFC 7208 4.6.4). Every loop through include: and redirect= costs a lookup, so
 * the lookup limit also bounds loops and the depth of the recursion.
 */
#define SPF_MAX_LOOKUPS		10	/* include, a, mx, ptr, exists, redirect */
#define SPF_MAX_VOID		2	/* lookups answered NXDOMAIN or with no records */
#define SPF_MAX_MX		10	/* MX names one mx term may look up */
#define SPF_MAX_PTR		10	/* PTR names one ptr term validates; the rest ignored */
#define SPF_MAX_EXPAND		1024	/* bytes one macro expansion may produce */
#define SPF_MAX_NAME		253	/* RFC 7208 7.3: longer expansions lose left labels */

/* What a resolver callback found. */
enum spf_dns_status {
	SPF_DNS_OK = 0,		/* records found (OK with none is taken as NODATA) */
	SPF_DNS_NXDOMAIN,	/* the name does not exist */
	SPF_DNS_NODATA,		/* the name exists, no record of that type */
	SPF_DNS_ERROR,		/* SERVFAIL, REFUSED, truncated, cannot ask */
	SPF_DNS_TIMEOUT,	/* no answer in time */
	SPF_DNS_STATUS_COUNT
};
const char	*spf_dns_status_name(enum spf_dns_status);	/* "ok", "nxdomain", ... */

/*
 * The DNS as the evaluator sees it, so that the real DNS layer or an in-memory zone can be
 * plugged in. Names are given without a trailing dot. Each callback appends what it found
 * to its out arguments (which start empty) and returns the status; the evaluator frees
 * them. No callback may keep pointers to its arguments.
 *   txt	every TXT record of name, its character-strings joined without separators
 *		(RFC 7208 3.3), one strlist item per record. A record holding NUL bytes is to
 *		be given with them replaced by another byte outside printable ASCII (0x7f), so
 *		it still counts when records are selected and fails to parse as it should.
 *   addr	the A (family AF_INET) or AAAA (AF_INET6) addresses of name, appended to
 *		*addrs (grown with xreallocarray) and *naddrs; ports are ignored.
 *   mx		the exchange names of name's MX records, in any order ("." for a null MX).
 *   ptr	the PTR names of the address (the reverse lookup); may be NULL, then the
 *		ptr mechanism never matches, with a note (RFC 7208 5.5 discourages it).
 */
struct spf_resolver {
	void			*arg;
	enum spf_dns_status	(*txt)(void *arg, const char *name, struct strlist *out);
	enum spf_dns_status	(*addr)(void *arg, const char *name, int family,
				    struct sockaddr_storage **addrs, size_t *naddrs);
	enum spf_dns_status	(*mx)(void *arg, const char *name, struct strlist *out);
	enum spf_dns_status	(*ptr)(void *arg, const struct sockaddr_storage *ip,
				    struct strlist *out);
};

/* The results of RFC 7208 2.6. */
enum spf_result {
	SPF_NONE = 0,		/* no SPF record (or the domain is not a valid name) */
	SPF_NEUTRAL,		/* the record says nothing about the address */
	SPF_PASS,		/* the address is authorised */
	SPF_FAIL,		/* the address is not authorised: receivers reject */
	SPF_SOFTFAIL,		/* probably not authorised: receivers mark as suspicious */
	SPF_TEMPERROR,		/* a DNS failure: receivers defer or ignore */
	SPF_PERMERROR,		/* a broken record: receivers treat it as a failure or ignore */
	SPF_RESULT_COUNT
};
/* The RFC 8601 names: "none", "neutral", "pass", "fail", "softfail", "temperror", ... */
const char	*spf_result_name(enum spf_result);

/*
 * What check_host() found. Every string is owned (spf_check_free frees them); record,
 * match and notes hold text from the DNS: sanitise (sanitize_text) before showing.
 *   mechanism	the term of the domain's own record that decided ("include:_spf.google.com",
 *		"-all", "redirect=_spf.example.net"), or NULL (no record, default neutral,
 *		an error before any term decided)
 *   match	the innermost mechanism that matched, as written ("ip4:209.85.128.0/17"), or
 *		NULL; match_domain the domain whose record holds it
 *   record	the domain's own SPF record as found (NULL when none, or two)
 *   explanation	plain words for the result: "the record of example.com lists
 *		include:_spf.google.com, which covers 209.85.220.41", "the domain has two SPF
 *		records, which receivers treat as an error"
 *   lookups, void_lookups	the DNS-querying terms and the void lookups counted
 *   notes	the evaluation step by step, for the transcript
 */
struct spf_check {
	enum spf_result	 result;
	char		*mechanism;
	char		*match;
	char		*match_domain;
	char		*record;
	char		*explanation;
	unsigned int	 lookups;
	unsigned int	 void_lookups;
	struct strlist	 notes;
};

/*
 * check_host(ip, domain, sender) of RFC 7208 4. sender is the MAIL FROM address
 * ("local@domain"; "domain" alone or NULL mean postmaster@domain, RFC 7208 4.3); helo is the
 * HELO/EHLO name for %{h} (NULL: domain). An IPv4-mapped IPv6 ip is evaluated as IPv4.
 * %{p} expands to "unknown" (RFC 7208 7.3 allows it; it would cost lookups). exp= is parsed
 * and checked, not fetched. Every result of enum spf_result can come out. Bounded: at most
 * SPF_MAX_LOOKUPS terms, each of a bounded cost, whatever the records say. Pure apart from
 * the callbacks. out is always filled; free with spf_check_free.
 */
void	 spf_check_host(const struct spf_resolver *, const struct sockaddr_storage *ip,
	    const char *domain, const char *sender, const char *helo, struct spf_check *out);
void	 spf_check_free(struct spf_check *);

/* What macros expand to (RFC 7208 7.2). */
struct spf_macro_vars {
	const struct sockaddr_storage	*ip;		/* %{i} %{c} %{v} */
	const char			*sender;	/* %{s}; "local@domain" */
	const char			*domain;	/* %{d}, the domain being checked */
	const char			*helo;		/* %{h}; NULL: domain */
	long long			 timestamp;	/* %{t}, seconds since the epoch */
};

/*
 * Expands a macro-string (RFC 7208 7.1): %{s} %{l} %{o} %{d} %{i} %{p} ("unknown") %{v}
 * %{h}, and %{c} %{r} ("unknown") %{t} when explanation is 1 (exp= text); transformers (a
 * non-zero count of right-hand parts, r to reverse), delimiters, %% %_ %-; an upper-case
 * letter URL-escapes the value. Returns 0 with *out (caller frees), or -1 with *cause
 * (caller frees) for a syntax error or an expansion longer than SPF_MAX_EXPAND. Pure.
 */
int	 spf_macro_expand(const char *text, const struct spf_macro_vars *, int explanation,
	    char **out, char **cause);

/*
 * The record to publish so that term (a mechanism that authorises, such as
 * "include:_spf.google.com" or "ip4:198.51.100.7") is listed. records are the domain's
 * current SPF records (the TXT records that start with "v=spf1"), n of them:
 *   none	"v=spf1 TERM ~all"
 *   one	the record with the term inserted before its all (before its first modifier
 *		or at the end when it has no all), or unchanged when the term is there
 *   several	merged into one: their mechanisms once each in order, the term, their
 *		modifiers, the first all (redirect= is dropped when there is an all)
 * notes (may be NULL) gets what the user should know: the other record to delete, that the
 * term was already listed, a record longer than 255 bytes to be split into strings, a
 * "+all". Returns 0 with *out (caller frees), 1 with *out when the one record already lists
 * the term (out is then that record), or -1 with *cause (caller frees) when term is not a
 * mechanism that authorises.
 */
int	 spf_propose_record(const char *const *records, size_t n, const char *term,
	    char **out, struct strlist *notes, char **cause);

#endif
