/* dns-cache.h: the DNS answers of one run, shared by every thread that asks the same. */
#ifndef SENDFIX_DNS_CACHE_H
#define SENDFIX_DNS_CACHE_H

#include <sys/socket.h>
#include <stddef.h>

#include "dns.h"

/*
 * Several probes, each on its own thread, ask the same questions in one run (the server's
 * A and AAAA, the sender domain's TXT): each is asked once. What dns.c's query found is
 * kept for DNS_CACHE_TTL_MS, failures too (a resolver that timed out costs one timeout per
 * question per run, as net.c remembers silent addresses), and a question asked while the
 * same one is in flight waits for that answer instead of asking again. The timeout the
 * question was asked with is not part of it: a question is the resolver, the name (as DNS
 * compares names: in wire form, ASCII letters folded), the type, and whether records or
 * bare addresses are wanted (dns_lookup and dns_resolve_host read replies differently).
 */
#define DNS_CACHE_MAX		256
#define DNS_CACHE_TTL_MS	60000

struct dns_cache_entry;

struct dns_cache_key {
	const struct sockaddr_storage	*server;	/* NULL: the servers of resolv.conf */
	const char			*name;		/* ASCII, as sent */
	int				 type;
	int				 records;	/* 1: dns_lookup's records; 0: addresses */
};

/* One question's outcome, as dns.c's query leaves it. */
struct dns_cache_answer {
	enum dns_status		 status;
	struct sockaddr_storage	*addrs;		/* without records */
	size_t			 naddrs;
	struct dns_records	*rec;		/* with records; status and elapsed_ms untouched */
};

/*
 * Looks the question up, waiting while another thread is asking it. Returns 1 when the
 * answer is known: out->status, and a copy the caller owns of the addresses (out->addrs,
 * free()) or of the records and notes (appended to out->rec, which must point at empty
 * records). Returns 0 when the caller is to ask: *pending is then to be handed to
 * dns_cache_put() with the outcome, always (NULL is fine: the question could not be
 * kept, there being no room). Never blocks but on another thread's question.
 */
int	 dns_cache_get(const struct dns_cache_key *, struct dns_cache_answer *out,
	    struct dns_cache_entry **pending);

/*
 * Keeps a copy of what the question dns_cache_get handed out found, and wakes those who
 * wait for it. The answer stays the caller's.
 */
void	 dns_cache_put(struct dns_cache_entry *, const struct dns_cache_answer *);

/*
 * Forgets every answer kept, for a user who changed something and tests again, and at
 * exit. A question in flight is not cut short: whoever waits for it still gets its
 * answer, which is then not kept.
 */
void	 dns_cache_forget(void);

#endif
