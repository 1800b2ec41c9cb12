/* smtp-memo.c: what this run's SMTP checks found, so one question costs one connection. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "net.h"
#include "smtp-memo.h"
#include "smtp.h"
#include "util.h"

/*
 * Probes ask the same question in one run, often at the same moment on different threads:
 * the provider probe's guess (smtp.DOMAIN on 465 and 587, no login) is also a cell of the
 * smtp-matrix table, the smtp probe's try with the other encryption is another cell, and
 * a probe started early is run again later. Each repeat cost a connection, and against a
 * silent server a whole timeout. An answer is kept SMTP_MEMO_TTL_MS: long enough for one
 * run, and a user who changes something and tests again goes back, which forgets it
 * (smtp_check_forget). At most SMTP_MEMO_MAX are kept, the oldest answer making room.
 */
#define SMTP_MEMO_MAX		64
#define SMTP_MEMO_TTL_MS	60000
/* How soon a waiter sees its own cancel flag: it has no connection to be woken by. */
#define SMTP_MEMO_POLL_MS	50

enum smtp_memo_state {
	SMTP_MEMO_PENDING = 0,	/* its check is running */
	SMTP_MEMO_DONE,		/* result holds the answer, which never changes again */
	SMTP_MEMO_DROPPED	/* its check was cancelled or could not run: no answer */
};

struct smtp_memo_entry {
	/* The question: every field of smtp_check_config that changes what is done. */
	char			*host;		/* compared without case */
	char			*resolver;
	int			 port;
	enum smtp_security	 security;
	char			*cafile;
	char			*user;
	int			 has_password;
	unsigned char		 password[SMTP_MEMO_DIGEST_LEN];	/* its digest, never
									   the password */
	char			*mech;
	int			 allow_plaintext_auth;
	char			*mail_from;
	char			*rcpt_to;
	int			 timeout_ms;
	/*
	 * Not part of the question, but of which answers fit (smtp_memo_fits): the
	 * addresses the check may connect to, as net_addr_text gives them, sorted; none
	 * when host is looked up.
	 */
	struct strlist		 addrs;

	enum smtp_memo_state	 state;
	struct smtp_check_result result;	/* when DONE */
	long long		 at;		/* mono_ms() when it became DONE */
	int			 listed;	/* in smtp_memo[] */
	int			 refs;		/* the table's, the asker's, each waiter's */
};

/* Everything below is under smtp_memo_lock; the network is never touched holding it. */
static struct smtp_memo_entry	*smtp_memo[SMTP_MEMO_MAX];
static size_t			 smtp_memo_n;
static pthread_mutex_t		 smtp_memo_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t		 smtp_memo_cond;	/* an entry left PENDING */
static pthread_once_t		 smtp_memo_once = PTHREAD_ONCE_INIT;
/* The HMAC message: random per process, so no table made beforehand reverses a digest. */
static unsigned char		 smtp_memo_salt[32];

static void	 smtp_memo_init(void);
static int	 smtp_memo_same(const char *, const char *);
static int	 smtp_memo_matches(const struct smtp_memo_entry *,
		     const struct smtp_check_config *, const unsigned char *);
static int	 smtp_memo_addrs_cmp(const void *, const void *);
static void	 smtp_memo_addrs(const char *, struct strlist *);
static int	 smtp_memo_addrs_have(const struct strlist *, const char *);
static int	 smtp_memo_fits(const struct smtp_memo_entry *, const struct strlist *);
static struct smtp_memo_entry *smtp_memo_find(const struct smtp_check_config *,
		     const unsigned char *, const struct strlist *);
static struct smtp_memo_entry *smtp_memo_new(const struct smtp_check_config *,
		     const unsigned char *, struct strlist *);
static void	 smtp_memo_free(struct smtp_memo_entry *);
static void	 smtp_memo_unref(struct smtp_memo_entry *);
static void	 smtp_memo_unlist(struct smtp_memo_entry *);
static void	 smtp_memo_expire(long long);
static int	 smtp_memo_insert(struct smtp_memo_entry *);
static void	 smtp_memo_wait(void);

/*
 * Waits are timed on the monotonic clock: a clock set back must not stretch one. Without
 * random bytes the salt stays zero: the digests are then only unsalted.
 */
static void
smtp_memo_init(void)
{
	cond_init_monotonic(&smtp_memo_cond);
	if (gnutls_rnd(GNUTLS_RND_NONCE, smtp_memo_salt, sizeof smtp_memo_salt) != 0)
		memset(smtp_memo_salt, 0, sizeof smtp_memo_salt);
}

/*
 * A digest of the password (all zeros without one): enough to tell a retyped password
 * from the first, while the memo holds nothing that logs in. HMAC-SHA-256 with the
 * password as its key, not SHA-256 of it: the hash keeps the password's last partial
 * block in a context that GnuTLS leaves on the stack unwiped, one more plain copy for as
 * long as the run lasts (tests/hostile/secrets.sh counts them), while HMAC holds a key of
 * up to a block (64 bytes) only XORed with its pads (RFC 2104 2), as sasl.c's CRAM-MD5
 * does. -1 when GnuTLS cannot compute it.
 */
int
smtp_memo_digest(const char *password, unsigned char *out)
{
	pthread_once(&smtp_memo_once, smtp_memo_init);
	memset(out, 0, SMTP_MEMO_DIGEST_LEN);
	if (password == NULL)
		return (0);
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, password, strlen(password), smtp_memo_salt,
	    sizeof smtp_memo_salt, out) != 0) {
		explicit_bzero(out, SMTP_MEMO_DIGEST_LEN);
		return (-1);
	}
	return (0);
}

/* Two optional strings: both absent, or both there and equal. */
static int
smtp_memo_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

static int
smtp_memo_matches(const struct smtp_memo_entry *e, const struct smtp_check_config *cfg,
    const unsigned char *digest)
{
	return (e->port == cfg->port && e->security == cfg->security &&
	    e->timeout_ms == cfg->timeout_ms &&
	    e->allow_plaintext_auth == (cfg->allow_plaintext_auth != 0) &&
	    e->has_password == (cfg->password != NULL) &&
	    memcmp(e->password, digest, SMTP_MEMO_DIGEST_LEN) == 0 &&
	    smtp_ascii_casecmp(e->host, cfg->host) == 0 &&
	    smtp_memo_same(e->resolver, cfg->resolver) &&
	    smtp_memo_same(e->cafile, cfg->cafile) &&
	    smtp_memo_same(e->user, cfg->user) &&
	    smtp_memo_same(e->mech, cfg->mech) &&
	    smtp_memo_same(e->mail_from, cfg->mail_from) &&
	    smtp_memo_same(e->rcpt_to, cfg->rcpt_to));
}

static int
smtp_memo_addrs_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * The addresses smtp_check_run may connect to, read as it reads them: the words of list
 * that are addresses, here as sorted text without repeats; none (the name is looked up)
 * when there are none.
 */
static void
smtp_memo_addrs(const char *list, struct strlist *out)
{
	struct sockaddr_storage	 ss;
	char			*copy, *word, *save, text[64];

	memset(out, 0, sizeof *out);
	if (list == NULL)
		return;
	copy = xstrdup(list);
	for (word = strtok_r(copy, " ,", &save); word != NULL;
	    word = strtok_r(NULL, " ,", &save)) {
		if (net_addr_parse(word, &ss) != 0)
			continue;
		net_addr_text(&ss, text, sizeof text);
		if (!smtp_memo_addrs_have(out, text))
			strlist_add(out, text);
	}
	free(copy);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, smtp_memo_addrs_cmp);
}

static int
smtp_memo_addrs_have(const struct strlist *l, const char *text)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i], text) == 0)
			return (1);
	}
	return (0);
}

/*
 * Whether e's answer (or the answer it will have) is one a check that may connect to
 * addrs (none: any address of the name) could have found. A name's addresses are the
 * same all run, but a caller may name some of them to pin the check there (smtp-matrix
 * runs each cell's dialogue on the address its own connection reached, and keeps apart
 * addresses that disagree). So an answer from a connection fits when that address is one
 * the caller would try; an answer without one (refused, silent, no address) only when
 * the caller would try the very same addresses; and a check still running, whose
 * address is not known yet, is waited for only then too, so a wait is never wasted.
 */
static int
smtp_memo_fits(const struct smtp_memo_entry *e, const struct strlist *addrs)
{
	if (e->state == SMTP_MEMO_DONE && e->result.connect == NET_CONNECTED &&
	    (addrs->n == 0 || smtp_memo_addrs_have(addrs, e->result.address)))
		return (1);
	return (strlist_equal(&e->addrs, addrs));
}

/*
 * An answer for cfg's question that fits addrs, else a check of it in flight that does.
 * A dropped entry is never listed, so this finds PENDING or DONE.
 */
static struct smtp_memo_entry *
smtp_memo_find(const struct smtp_check_config *cfg, const unsigned char *digest,
    const struct strlist *addrs)
{
	struct smtp_memo_entry	*e, *pending = NULL;
	size_t			 i;

	for (i = 0; i < smtp_memo_n; i++) {
		e = smtp_memo[i];
		if (!smtp_memo_matches(e, cfg, digest) || !smtp_memo_fits(e, addrs))
			continue;
		if (e->state == SMTP_MEMO_DONE)
			return (e);
		if (pending == NULL)
			pending = e;
	}
	return (pending);
}

/* A PENDING entry for cfg's question, with no reference yet; it takes addrs. */
static struct smtp_memo_entry *
smtp_memo_new(const struct smtp_check_config *cfg, const unsigned char *digest,
    struct strlist *addrs)
{
	struct smtp_memo_entry	*e;

	e = xcalloc(1, sizeof *e);
	e->host = xstrdup(cfg->host);
	e->resolver = xstrdup_or_null(cfg->resolver);
	e->port = cfg->port;
	e->security = cfg->security;
	e->cafile = xstrdup_or_null(cfg->cafile);
	e->user = xstrdup_or_null(cfg->user);
	e->has_password = cfg->password != NULL;
	memcpy(e->password, digest, SMTP_MEMO_DIGEST_LEN);
	e->mech = xstrdup_or_null(cfg->mech);
	e->allow_plaintext_auth = cfg->allow_plaintext_auth != 0;
	e->mail_from = xstrdup_or_null(cfg->mail_from);
	e->rcpt_to = xstrdup_or_null(cfg->rcpt_to);
	e->timeout_ms = cfg->timeout_ms;
	e->addrs = *addrs;
	memset(addrs, 0, sizeof *addrs);
	e->state = SMTP_MEMO_PENDING;
	smtp_check_result_init(&e->result);
	return (e);
}

static void
smtp_memo_free(struct smtp_memo_entry *e)
{
	free(e->host);
	free(e->resolver);
	free(e->cafile);
	free(e->user);
	explicit_bzero(e->password, sizeof e->password);
	free(e->mech);
	free(e->mail_from);
	free(e->rcpt_to);
	strlist_free(&e->addrs);
	smtp_check_result_free(&e->result);
	free(e);
}

static void
smtp_memo_unref(struct smtp_memo_entry *e)
{
	assert(e->refs > 0);
	if (--e->refs == 0)
		smtp_memo_free(e);
}

/* Takes e out of the table, dropping the table's reference; nothing when it is not in. */
static void
smtp_memo_unlist(struct smtp_memo_entry *e)
{
	size_t	 i;

	if (!e->listed)
		return;
	for (i = 0; i < smtp_memo_n; i++) {
		if (smtp_memo[i] == e)
			break;
	}
	assert(i < smtp_memo_n);
	smtp_memo[i] = smtp_memo[--smtp_memo_n];
	smtp_memo[smtp_memo_n] = NULL;
	e->listed = 0;
	smtp_memo_unref(e);
}

/* Answers older than SMTP_MEMO_TTL_MS go; a check in flight never expires. */
static void
smtp_memo_expire(long long now)
{
	size_t	 i;

	/* Backwards: unlisting moves the last entry, already seen, into the hole. */
	for (i = smtp_memo_n; i-- > 0;) {
		if (smtp_memo[i]->state == SMTP_MEMO_DONE &&
		    now - smtp_memo[i]->at >= SMTP_MEMO_TTL_MS)
			smtp_memo_unlist(smtp_memo[i]);
	}
}

/*
 * Lists e, in place of the oldest answer when the table is full. -1 when every place
 * holds a check in flight: e's check then runs unshared, as it would have before.
 */
static int
smtp_memo_insert(struct smtp_memo_entry *e)
{
	struct smtp_memo_entry	*oldest = NULL;
	size_t			 i;

	if (smtp_memo_n == SMTP_MEMO_MAX) {
		for (i = 0; i < smtp_memo_n; i++) {
			if (smtp_memo[i]->state == SMTP_MEMO_DONE &&
			    (oldest == NULL || smtp_memo[i]->at < oldest->at))
				oldest = smtp_memo[i];
		}
		if (oldest == NULL)
			return (-1);
		smtp_memo_unlist(oldest);
	}
	smtp_memo[smtp_memo_n++] = e;
	e->listed = 1;
	e->refs++;
	return (0);
}

/* One SMTP_MEMO_POLL_MS slice of waiting for a check to end; returns early when one does. */
static void
smtp_memo_wait(void)
{
	cond_wait_ms(&smtp_memo_cond, &smtp_memo_lock, SMTP_MEMO_POLL_MS);
}

enum smtp_memo_answer
smtp_memo_join(const struct smtp_check_config *cfg, struct smtp_check_result *res,
    struct smtp_memo_entry **entry)
{
	struct smtp_memo_entry	*e;
	struct strlist		 addrs;
	unsigned char		 digest[SMTP_MEMO_DIGEST_LEN];
	enum smtp_memo_state	 state;

	*entry = NULL;
	assert(cfg->host != NULL);
	/* A real test message goes out each time it is asked for; its answer is its own. */
	if (cfg->data_to != NULL)
		return (SMTP_MEMO_RUN);
	pthread_once(&smtp_memo_once, smtp_memo_init);
	if (smtp_memo_digest(cfg->password, digest) != 0)
		return (SMTP_MEMO_RUN);
	smtp_memo_addrs(cfg->addresses, &addrs);

	pthread_mutex_lock(&smtp_memo_lock);
	for (;;) {
		smtp_memo_expire(mono_ms());
		if ((e = smtp_memo_find(cfg, digest, &addrs)) == NULL) {
			e = smtp_memo_new(cfg, digest, &addrs);
			if (smtp_memo_insert(e) != 0) {
				smtp_memo_free(e);
				e = NULL;
			} else
				e->refs++;	/* the asker's, until smtp_memo_done */
			break;
		}
		e->refs++;
		while (e->state == SMTP_MEMO_PENDING && !smtp_check_cancelled(cfg))
			smtp_memo_wait();
		if ((state = e->state) == SMTP_MEMO_DONE) {
			pthread_mutex_unlock(&smtp_memo_lock);
			/* A DONE result never changes and our reference keeps it: no lock. */
			smtp_check_result_copy(res, &e->result);
			res->reused = 1;
			pthread_mutex_lock(&smtp_memo_lock);
			smtp_memo_unref(e);
			pthread_mutex_unlock(&smtp_memo_lock);
			explicit_bzero(digest, sizeof digest);
			strlist_free(&addrs);
			return (SMTP_MEMO_HIT);
		}
		smtp_memo_unref(e);
		if (state == SMTP_MEMO_PENDING) {
			/* Cancelled while waiting: as a check cancelled before it connected. */
			pthread_mutex_unlock(&smtp_memo_lock);
			explicit_bzero(digest, sizeof digest);
			strlist_free(&addrs);
			res->connect = NET_CANCELLED;
			res->connect_errno = ECANCELED;
			return (SMTP_MEMO_CANCELLED);
		}
		/* Dropped: no answer came. Ask again; another waiter may ask first. */
	}
	pthread_mutex_unlock(&smtp_memo_lock);
	explicit_bzero(digest, sizeof digest);
	strlist_free(&addrs);	/* empty when an entry took it */
	*entry = e;
	return (SMTP_MEMO_RUN);
}

void
smtp_memo_done(struct smtp_memo_entry *e, const struct smtp_check_config *cfg, int rc,
    const struct smtp_check_result *res)
{
	struct smtp_check_result	 copy;
	int				 keep;

	if (e == NULL)
		return;
	/*
	 * A cancelled check found out nothing about the server, and a configuration it
	 * refused (-1) is no answer: those waiting ask for themselves.
	 */
	keep = rc == 0 && !smtp_check_cancelled(cfg) && res->connect != NET_CANCELLED &&
	    res->session.failure != SMTP_FAIL_CANCELLED;
	smtp_check_result_init(&copy);
	if (keep) {
		/* Copied before taking the lock: the waiters need not wait for the copy. */
		smtp_check_result_copy(&copy, res);
		copy.reused = 0;
	}

	pthread_mutex_lock(&smtp_memo_lock);
	assert(e->state == SMTP_MEMO_PENDING);
	if (keep) {
		e->result = copy;
		e->at = mono_ms();
		e->state = SMTP_MEMO_DONE;
	} else {
		e->state = SMTP_MEMO_DROPPED;
		smtp_memo_unlist(e);
	}
	pthread_cond_broadcast(&smtp_memo_cond);
	smtp_memo_unref(e);
	pthread_mutex_unlock(&smtp_memo_lock);
}

void
smtp_memo_forget(const struct smtp_check_config *cfg)
{
	struct smtp_memo_entry	*e;
	unsigned char		 digest[SMTP_MEMO_DIGEST_LEN];
	size_t			 i;

	if (cfg->data_to != NULL)
		return;
	pthread_once(&smtp_memo_once, smtp_memo_init);
	if (smtp_memo_digest(cfg->password, digest) != 0)
		return;
	pthread_mutex_lock(&smtp_memo_lock);
	/* From the end: unlisting moves the last entry into the hole. */
	for (i = smtp_memo_n; i > 0; i--) {
		e = smtp_memo[i - 1];
		if (e->state == SMTP_MEMO_DONE && smtp_memo_matches(e, cfg, digest))
			smtp_memo_unlist(e);
	}
	pthread_mutex_unlock(&smtp_memo_lock);
	explicit_bzero(digest, sizeof digest);
}

void
smtp_memo_clear(void)
{
	pthread_mutex_lock(&smtp_memo_lock);
	while (smtp_memo_n > 0)
		smtp_memo_unlist(smtp_memo[smtp_memo_n - 1]);
	pthread_mutex_unlock(&smtp_memo_lock);
}
