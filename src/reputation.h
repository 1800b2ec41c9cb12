/* reputation.h: this network's public address through DNS, and DNS blocklist lookups. */
#ifndef SENDFIX_REPUTATION_H
#define SENDFIX_REPUTATION_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <stddef.h>

#include "dns.h"
#include "util.h"

#define REPUTATION_BUILTIN_NAME	"reputation"

/* ---- the data file (wizard/reputation; its header comment documents the format) ---- */

/* One documented answer of a list: "listed ADDR TEXT" or "refused ADDR TEXT". */
struct reputation_code {
	int		 line;		/* in the file, for evidence */
	struct in_addr	 addr;		/* 127.0.0.2 */
	int		 refused;	/* 1: a query error ("refused"), 0: a listing */
	char		*meaning;	/* "SBL: a known spam source or spam operation" */
};

struct reputation_list {
	int			 line;		/* of its "list" line */
	char			*zone;		/* "zen.spamhaus.org" */
	char			*title;		/* "Spamhaus ZEN"; the zone when not given */
	int			 ipv6;		/* takes IPv6 addresses in nibble form */
	char			*delist;	/* the page to check and ask for removal, or NULL */
	struct reputation_code	*codes;
	size_t			 ncodes;
};

struct reputation_data {
	char			*file;		/* the name messages use */
	char			*myip_name;	/* "myip.opendns.com" */
	char			**myip_resolvers; /* "208.67.222.222", "2620:119:35::35" */
	size_t			 nmyip_resolvers;
	struct reputation_list	*lists;		/* in file order */
	size_t			 nlists;
};

/*
 * Parses a data file held in buf (len bytes; NUL bytes are refused). file is the name used
 * in messages. On success returns 0 and *out (free with reputation_data_free). On failure
 * returns -1 and *errors (caller frees): every problem, one per line, "FILE:LINE: message".
 */
int	 reputation_parse_buffer(const char *file, const char *buf, size_t len,
	     struct reputation_data **out, char **errors);
void	 reputation_data_free(struct reputation_data *);

/*
 * The data compiled into the binary, parsed once on first use from any thread; a broken
 * one is a bug and fatal. Never freed.
 */
const struct reputation_data *reputation_builtin(void);

/* ---- settings ----------------------------------------------------------------------- */

struct reputation_config {
	struct dns_config	 dns;		/* the user's resolver (NULL: resolv.conf) and
						   timeout: the blocklists are asked through it */
	const char		*myip_resolver;	/* "ADDR[:PORT]" replacing the data's
						   myip-resolver lines, or NULL */
	const char		*myip_name;	/* replacing the data's myip-name, or NULL */
};

/* ---- the public address ------------------------------------------------------------ */

/*
 * One question "what is my address" to one resolver: A to an IPv4 resolver, AAAA to an
 * IPv6 one, since the answer is the address the question came from.
 */
struct reputation_myip {
	char			*resolver;	/* as asked: "208.67.222.222" */
	int			 type;		/* ns_t_a or ns_t_aaaa */
	enum dns_status		 status;	/* DNS_OK when addr is set */
	struct sockaddr_storage	 addr;		/* the first address answered, port 0 */
	struct strlist		 notes;		/* from the DNS layer */
	char			*cause;		/* the question could not be asked, or NULL */
};

struct reputation_public {
	struct reputation_myip	*v;
	size_t			 n;
};

/*
 * Asks every myip resolver (cfg->myip_resolver, else the data's, all at once, each within
 * cfg->dns.timeout_ms) for the name (cfg->myip_name, else the data's). data NULL means
 * the built-in data. Returns 0 with out filled (free with reputation_public_free); a
 * resolver that cannot be reached is a status in out, not a failure. Returns -1 with
 * *cause when no question can be asked (a bad myip_resolver or myip_name, no resolver).
 */
int	 reputation_public_address(const struct reputation_config *,
	     const struct reputation_data *, struct reputation_public *out, char **cause);
void	 reputation_public_free(struct reputation_public *);

/* ---- blocklists -------------------------------------------------------------------- */

enum reputation_status {
	REPUTATION_LISTED,		/* a documented listing code came back */
	REPUTATION_NOT_LISTED,		/* NXDOMAIN (or NODATA) */
	REPUTATION_QUERY_REFUSED,	/* 127.255.255.x: the list would not answer this query */
	REPUTATION_UNEXPECTED,		/* an answer that is no documented code: not "listed" */
	REPUTATION_TIMEOUT,		/* no answer in time */
	REPUTATION_ERROR,		/* SERVFAIL, REFUSED, could not ask, truncated */
	REPUTATION_NOT_CHECKED,		/* an IPv6 address and a list that takes only IPv4 */
	REPUTATION_STATUS_COUNT
};
const char	*reputation_status_name(enum reputation_status);	/* "listed", ... */
const char	*reputation_status_words(enum reputation_status);	/* plain words */

/* One address a list answered. */
struct reputation_hit {
	struct in_addr			 addr;
	const struct reputation_code	*code;		/* the documented code, or NULL */
	const char			*meaning;	/* code->meaning; for an undocumented
							   127.255.255.x or other answer, our
							   words; static or the data's */
};

struct reputation_result {
	const struct reputation_list	*list;
	enum reputation_status		 status;
	enum dns_status			 dns_status;	/* of the A question */
	char				*query;		/* "2.0.0.127.zen.spamhaus.org" */
	struct reputation_hit		*hits;		/* every IPv4 address answered */
	size_t				 nhits;
	char				*reason;	/* the list's TXT words (sanitised,
							   several joined by " | "), only when
							   listed, or NULL */
	struct strlist			 notes;		/* from the DNS layer */
};

struct reputation_check {
	struct sockaddr_storage		 addr;		/* the address looked up */
	struct reputation_result	*results;	/* one per list, in data order */
	size_t				 n;
	int				 resolver_failure; /* every list asked failed without
							      an answer: the resolver is broken
							      (dns.resolver-failure), which says
							      nothing about the address */
};

/*
 * How a list's A answer reads (pure, for tests): from the DNS status and the addresses
 * answered, sets out->status, out->dns_status and out->hits. Only documented "listed"
 * codes mean listed; any 127.255.255.x (documented or not) makes the whole answer a query
 * error; anything else undocumented is REPUTATION_UNEXPECTED. out->list must be set.
 */
void	 reputation_classify(enum dns_status, const struct sockaddr_storage *addrs,
	     size_t naddrs, struct reputation_result *out);

/*
 * Looks addr up in every list of data (NULL: the built-in data), the A and TXT questions of
 * all lists at once, through cfg->dns. Returns 0 with out filled (free with
 * reputation_check_free), or -1 with *cause when addr is neither IPv4 nor IPv6 or a name
 * cannot be made.
 */
int	 reputation_check_address(const struct reputation_config *,
	     const struct reputation_data *, const struct sockaddr_storage *addr,
	     struct reputation_check *out, char **cause);
void	 reputation_check_free(struct reputation_check *);

#endif
