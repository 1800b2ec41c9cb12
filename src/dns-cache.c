/* dns-cache.c: one run's DNS answers, kept a minute and shared by the threads that ask. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns-cache.h"
#include "net.h"
#include "util.h"

/* "[v6%scope]:port" at most, with room to spare. */
#define DNS_CACHE_SERVER_LEN	96

/*
 * A question and, once done, its outcome. refs counts who may still read it: the table
 * while it is there, the thread asking until dns_cache_put, each thread waiting until it
 * has its copy. Whoever drops the last one frees it, so neither expiry, nor the oldest
 * being replaced, nor dns_cache_forget pulls an answer from under a waiting thread.
 */
struct dns_cache_entry {
	char			 server[DNS_CACHE_SERVER_LEN];	/* "" for resolv.conf's */
	unsigned char		 name[NS_MAXCDNAME];		/* wire form, folded */
	size_t			 namelen;
	int			 type;
	int			 records;
	unsigned int		 refs;
	int			 done;
	long long		 at;		/* asked, or when done answered */

	enum dns_status		 status;
	struct sockaddr_storage	*addrs;
	size_t			 naddrs;
	struct dns_records	 rec;
};

static int	 dns_cache_key_make(const struct dns_cache_key *, struct dns_cache_entry *);
static int	 dns_cache_same(const struct dns_cache_entry *,
		     const struct dns_cache_entry *);
static void	 dns_cache_unref(struct dns_cache_entry *);
static void	 dns_cache_drop(size_t);
static void	 dns_cache_copy_records(struct dns_records *, const struct dns_records *);
static void	 dns_cache_copy_out(const struct dns_cache_entry *,
		     struct dns_cache_answer *);

static struct dns_cache_entry	*dns_cache[DNS_CACHE_MAX];
static size_t			 dns_ncache;
static pthread_mutex_t		 dns_cache_lock = PTHREAD_MUTEX_INITIALIZER;
/* Broadcast whenever a question is answered; each waiter checks its own entry. */
static pthread_cond_t		 dns_cache_answered = PTHREAD_COND_INITIALIZER;

/*
 * Fills the key part of e. RFC 4343: names compare with ASCII letters folded, and only
 * those (the locale must not change what a name is); in wire form, so that "lab.test."
 * and "lab.test", or "\065" and "a", which go out as the same question, are one.
 * -1 when the name has no wire form (dns.c checked it; the question is then not kept).
 */
static int
dns_cache_key_make(const struct dns_cache_key *k, struct dns_cache_entry *e)
{
	char		 addr[80];
	unsigned int	 port;
	size_t		 i, j, l;

	if (k->server == NULL)
		e->server[0] = '\0';
	else {
		if (k->server->ss_family == AF_INET)
			port = ntohs(((const struct sockaddr_in *)k->server)->sin_port);
		else
			port = ntohs(((const struct sockaddr_in6 *)k->server)->sin6_port);
		net_addr_text(k->server, addr, sizeof addr);
		snprintf(e->server, sizeof e->server, "%s:%u", addr, port);
	}
	if (ns_name_pton(k->name, e->name, sizeof e->name) == -1)
		return (-1);
	for (i = 0; e->name[i] != 0; i += l + 1) {
		l = e->name[i];
		if (l > 63 || i + l + 1 >= sizeof e->name)
			return (-1);
		for (j = i + 1; j <= i + l; j++) {
			if (e->name[j] >= 'A' && e->name[j] <= 'Z')
				e->name[j] += 'a' - 'A';
		}
	}
	e->namelen = i + 1;
	e->type = k->type;
	e->records = k->records != 0;
	return (0);
}

static int
dns_cache_same(const struct dns_cache_entry *a, const struct dns_cache_entry *b)
{
	return (a->type == b->type && a->records == b->records &&
	    a->namelen == b->namelen && memcmp(a->name, b->name, a->namelen) == 0 &&
	    strcmp(a->server, b->server) == 0);
}

/* With the lock held. */
static void
dns_cache_unref(struct dns_cache_entry *e)
{
	if (e->refs == 0)
		fatalx("%s: entry without a reference", __func__);
	if (--e->refs > 0)
		return;
	free(e->addrs);
	dns_records_free(&e->rec);
	free(e);
}

/* Takes entry i out of the table, with the lock held; the order does not matter. */
static void
dns_cache_drop(size_t i)
{
	dns_cache_unref(dns_cache[i]);
	dns_cache[i] = dns_cache[--dns_ncache];
	dns_cache[dns_ncache] = NULL;
}

/* Appends a deep copy of src's records and notes to dst. TXT text may hold NULs. */
static void
dns_cache_copy_records(struct dns_records *dst, const struct dns_records *src)
{
	const struct dns_rr	*from;
	struct dns_rr		*to;
	size_t			 i;

	if (src->n > 0)
		dst->rr = xreallocarray(dst->rr, dst->n + src->n, sizeof *dst->rr);
	for (i = 0; i < src->n; i++) {
		from = &src->rr[i];
		to = &dst->rr[dst->n++];
		*to = *from;
		to->owner = xstrdup_or_null(from->owner);
		to->target = xstrdup_or_null(from->target);
		if (from->text != NULL) {
			to->text = xmalloc(from->text_len + 1);
			memcpy(to->text, from->text, from->text_len + 1);
		}
	}
	for (i = 0; i < src->notes.n; i++)
		strlist_add(&dst->notes, src->notes.v[i]);
}

/* The answer e keeps, copied for the caller; with the lock held. */
static void
dns_cache_copy_out(const struct dns_cache_entry *e, struct dns_cache_answer *out)
{
	out->status = e->status;
	if (e->records) {
		if (out->rec == NULL)
			fatalx("%s: records asked for without a place for them", __func__);
		dns_cache_copy_records(out->rec, &e->rec);
		return;
	}
	out->addrs = NULL;
	out->naddrs = e->naddrs;
	if (e->naddrs > 0) {
		out->addrs = xreallocarray(NULL, e->naddrs, sizeof *out->addrs);
		memcpy(out->addrs, e->addrs, e->naddrs * sizeof *out->addrs);
	}
}

int
dns_cache_get(const struct dns_cache_key *k, struct dns_cache_answer *out,
    struct dns_cache_entry **pending)
{
	struct dns_cache_entry	*e, *found = NULL;
	size_t			 i, oldest;
	long long		 now;

	*pending = NULL;
	e = xcalloc(1, sizeof *e);
	if (dns_cache_key_make(k, e) != 0) {
		free(e);
		return (0);
	}

	pthread_mutex_lock(&dns_cache_lock);
	now = mono_ms();
	for (i = 0; i < dns_ncache;) {
		if (dns_cache[i]->done && now - dns_cache[i]->at >= DNS_CACHE_TTL_MS) {
			dns_cache_drop(i);
			continue;
		}
		if (found == NULL && dns_cache_same(dns_cache[i], e))
			found = dns_cache[i];
		i++;
	}
	if (found != NULL) {
		free(e);
		found->refs++;
		while (!found->done)
			pthread_cond_wait(&dns_cache_answered, &dns_cache_lock);
		dns_cache_copy_out(found, out);
		dns_cache_unref(found);
		pthread_mutex_unlock(&dns_cache_lock);
		return (1);
	}

	/* Full: the oldest answer makes room; questions in flight are never dropped. */
	if (dns_ncache == DNS_CACHE_MAX) {
		oldest = DNS_CACHE_MAX;
		for (i = 0; i < dns_ncache; i++) {
			if (dns_cache[i]->done && (oldest == DNS_CACHE_MAX ||
			    dns_cache[i]->at < dns_cache[oldest]->at))
				oldest = i;
		}
		if (oldest == DNS_CACHE_MAX) {
			pthread_mutex_unlock(&dns_cache_lock);
			free(e);
			return (0);
		}
		dns_cache_drop(oldest);
	}
	e->refs = 2;	/* the table's and the asker's */
	e->at = now;
	dns_cache[dns_ncache++] = e;
	pthread_mutex_unlock(&dns_cache_lock);
	*pending = e;
	return (0);
}

void
dns_cache_put(struct dns_cache_entry *e, const struct dns_cache_answer *ans)
{
	if (e == NULL)
		return;
	/*
	 * No one reads the outcome before done is set under the lock, so it is filled
	 * without it.
	 */
	e->status = ans->status;
	if (e->records) {
		if (ans->rec == NULL)
			fatalx("%s: records asked for, none given", __func__);
		dns_cache_copy_records(&e->rec, ans->rec);
	} else if (ans->naddrs > 0) {
		e->addrs = xreallocarray(NULL, ans->naddrs, sizeof *e->addrs);
		memcpy(e->addrs, ans->addrs, ans->naddrs * sizeof *e->addrs);
		e->naddrs = ans->naddrs;
	}

	pthread_mutex_lock(&dns_cache_lock);
	e->done = 1;
	e->at = mono_ms();
	pthread_cond_broadcast(&dns_cache_answered);
	dns_cache_unref(e);
	pthread_mutex_unlock(&dns_cache_lock);
}

void
dns_cache_forget(void)
{
	pthread_mutex_lock(&dns_cache_lock);
	while (dns_ncache > 0)
		dns_cache_drop(dns_ncache - 1);
	pthread_mutex_unlock(&dns_cache_lock);
}
