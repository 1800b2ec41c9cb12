/* ahead.c: probe nodes started early, on threads of their own, for the walk to take later. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ahead.h"
#include "smtp-memo.h"
#include "util.h"

/* How often a walk waiting for an early run looks at its own cancel flag. */
#define AHEAD_POLL_MS	50

struct ahead_entry {
	struct ahead_entry	*next;
	struct ahead		*owner;		/* the thread holds a reference */
	/*
	 * The dialogue lines so far, and where to pass them on: a front end waiting for
	 * this run shows them live, as it would for a run of its own. Under owner's lock.
	 */
	struct strlist		 lines;
	probe_transcript_cb	 forward;
	void			*forward_arg;
	const struct tree_node	*node;
	const struct probe	*probe;
	struct probe_env	 env;
	struct probe_param	*params;	/* copies; secrets wiped when freed */
	size_t			 nparams;
	volatile sig_atomic_t	 cancel;
	pthread_t		 thread;
	int			 done;
	int			 taken;
	int			 dropped;	/* ahead_clear: a waiter must let go */
	int			 waiters;
	int			 rc;
	char			*cause;
	struct probe_result	 result;
};

struct ahead {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;	/* an entry finished, or was dropped */
	int			 refs;
	struct ahead_entry	*entries;
};

static void	*ahead_thread(void *);
static void	 ahead_probe_run(struct ahead_entry *);
static int	 ahead_same(const struct ahead_entry *, const struct tree_node *,
		     const struct probe_param *, size_t);
static void	 ahead_entry_free(struct ahead_entry *);
static void	 ahead_stop(struct ahead *);
static char	*ahead_digest(const char *);
static void	 ahead_line(void *, const char *);
static int	 ahead_secrets(const struct probe_param *, size_t, const struct probe_param *);

struct ahead *
ahead_new(void)
{
	struct ahead	*a;

	a = xcalloc(1, sizeof *a);
	pthread_mutex_init(&a->lock, NULL);
	/* Its timed waits (ahead_run) must not follow the wall clock. */
	cond_init_monotonic(&a->cond);
	a->refs = 1;
	return (a);
}

struct ahead *
ahead_ref(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->refs++;
	pthread_mutex_unlock(&a->lock);
	return (a);
}

void
ahead_unref(struct ahead *a)
{
	int	 last;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	last = --a->refs == 0;
	pthread_mutex_unlock(&a->lock);
	if (!last)
		return;
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

void
ahead_free(struct ahead *a)
{
	if (a == NULL)
		return;
	ahead_stop(a);
	ahead_unref(a);
}

void
ahead_clear(struct ahead *a)
{
	if (a != NULL)
		ahead_stop(a);
}

/*
 * Cancels every early run and waits for it: a probe stops at its next step when its
 * cancel flag is set, so this costs at most a moment, never a timeout. A walk waiting in
 * ahead_run for one of them (a front end's probe thread) is told to let go first.
 */
static void
ahead_stop(struct ahead *a)
{
	struct ahead_entry	*list, *e, *next;

	pthread_mutex_lock(&a->lock);
	list = a->entries;
	a->entries = NULL;
	for (e = list; e != NULL; e = e->next) {
		e->cancel = 1;
		e->dropped = 1;
	}
	pthread_cond_broadcast(&a->cond);
	for (e = list; e != NULL; e = e->next) {
		while (e->waiters > 0)
			pthread_cond_wait(&a->cond, &a->lock);
	}
	pthread_mutex_unlock(&a->lock);
	for (e = list; e != NULL; e = next) {
		next = e->next;
		pthread_join(e->thread, NULL);
		ahead_entry_free(e);
	}
}

static void
ahead_entry_free(struct ahead_entry *e)
{
	size_t	 i;

	for (i = 0; i < e->nparams; i++) {
		free((char *)e->params[i].name);
		if (e->params[i].secret == 1)
			secret_free((char *)e->params[i].value);
		else
			free((char *)e->params[i].value);
	}
	free(e->params);
	strlist_free(&e->lines);
	free(e->cause);
	probe_result_free(&e->result);
	free(e);
}

/* Same node, same arguments in the same order (a node's Arg: lines never change order). */
static int
ahead_same(const struct ahead_entry *e, const struct tree_node *n,
    const struct probe_param *params, size_t nparams)
{
	size_t	 i;

	if (e->node != n || e->nparams != nparams)
		return (0);
	for (i = 0; i < nparams; i++) {
		const char	*v = params[i].value != NULL ? params[i].value : "";
		char		*digest;
		int		 same;

		if (strcmp(e->params[i].name, params[i].name) != 0)
			return (0);
		if (e->params[i].secret == 2) {
			digest = ahead_digest(v);
			same = strcmp(e->params[i].value, digest) == 0;
			free(digest);
		} else
			same = strcmp(e->params[i].value, v) == 0;
		if (!same)
			return (0);
	}
	return (1);
}

/* On the entry's thread; what it fills is published by ahead_thread under the lock. */
static void
ahead_probe_run(struct ahead_entry *e)
{
	struct probe_result	 r;
	char			*cause = NULL;
	long long		 start = mono_ms();
	int			 rc;

	probe_result_init(&r);
	rc = e->probe->run(&e->env, e->params, e->nparams, &r, &cause);
	/* As walk_run_probe does: a probe that times none of its work is timed whole. */
	if (rc == 0 && r.elapsed_ms == 0)
		r.elapsed_ms = mono_ms() - start;
	e->rc = rc;
	e->cause = cause;
	e->result = r;
}

/* The thread's wrapper: runs the probe, then says so under the ahead's lock. */
struct ahead_start_arg {
	struct ahead		*a;
	struct ahead_entry	*e;
};

/*
 * Wipes the secret values of params in place (from NULL), or writes them back from the
 * same parameters of an entry. The values are the caller's own allocations, which it
 * frees (and wipes again) with walk_params_free.
 */
static int
ahead_secrets(const struct probe_param *params, size_t nparams, const struct probe_param *from)
{
	size_t	 i;
	int	 lost = 0;

	for (i = 0; i < nparams; i++) {
		if (!params[i].secret || params[i].value == NULL)
			continue;
		if (from == NULL)
			explicit_bzero((char *)params[i].value, strlen(params[i].value));
		else if (from[i].secret == 1)
			memcpy((char *)params[i].value, from[i].value, strlen(from[i].value));
		else
			lost = 1;	/* the entry keeps only a digest by now */
	}
	return (lost);
}

/*
 * Once its probe has finished, an entry keeps no password: each secret value is replaced
 * by its digest (smtp_memo_digest) in hex, which is all ahead_same needs.
 */
static char *
ahead_digest(const char *value)
{
	unsigned char	 md[SMTP_MEMO_DIGEST_LEN];
	char		*hex;
	size_t		 i;

	(void)smtp_memo_digest(value, md);
	hex = xmalloc(2 * sizeof md + 1);
	for (i = 0; i < sizeof md; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return (hex);
}

/* The early run's live transcript: kept, and passed on to a walk waiting for it. */
static void
ahead_line(void *arg, const char *line)
{
	struct ahead_entry	*e = arg;

	pthread_mutex_lock(&e->owner->lock);
	strlist_add(&e->lines, line);
	if (e->forward != NULL)
		e->forward(e->forward_arg, line);
	pthread_mutex_unlock(&e->owner->lock);
}

static void *
ahead_thread(void *arg)
{
	struct ahead_start_arg	*sa = arg;
	struct ahead		*a = sa->a;
	struct ahead_entry	*e = sa->e;
	char			*digest;
	size_t			 i;

	free(sa);
	ahead_probe_run(e);
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < e->nparams; i++) {
		if (!e->params[i].secret)
			continue;
		digest = ahead_digest(e->params[i].value);
		secret_free((char *)e->params[i].value);
		e->params[i].value = digest;
		e->params[i].secret = 2;	/* a digest now: plain free */
	}
	e->done = 1;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	ahead_unref(a);
	return (NULL);
}

void
ahead_start(struct ahead *a, const struct tree_node *n, const struct probe *p,
    const struct probe_env *env, const struct probe_param *params, size_t nparams)
{
	struct ahead_entry	*e;
	struct ahead_start_arg	*sa;
	sigset_t		 all, old;
	size_t			 i;
	int			 rc;

	pthread_mutex_lock(&a->lock);
	for (e = a->entries; e != NULL; e = e->next) {
		if (ahead_same(e, n, params, nparams)) {
			pthread_mutex_unlock(&a->lock);
			return;
		}
	}
	pthread_mutex_unlock(&a->lock);

	e = xcalloc(1, sizeof *e);
	e->node = n;
	e->probe = p;
	e->env = *env;
	e->env.progress = NULL;
	e->env.progress_arg = NULL;
	e->env.transcript = ahead_line;
	e->env.transcript_arg = e;
	e->owner = a;
	/* A real message goes out only from the node the user confirmed it for. */
	e->env.send_test_to = NULL;
	e->env.cancel = &e->cancel;
	e->params = xcalloc(nparams, sizeof *e->params);
	for (i = 0; i < nparams; i++) {
		e->params[i].name = xstrdup(params[i].name);
		e->params[i].value = xstrdup(params[i].value != NULL ? params[i].value : "");
		e->params[i].secret = params[i].secret;
	}
	e->nparams = nparams;
	probe_result_init(&e->result);

	sa = xcalloc(1, sizeof *sa);
	sa->a = ahead_ref(a);
	sa->e = e;
	/* Signals belong to the front end's thread, which has a loop to handle them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&e->thread, NULL, ahead_thread, sa);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		/* No thread, no early run: the walk runs the probe when it gets there. */
		free(sa);
		ahead_unref(a);
		ahead_entry_free(e);
		return;
	}
	pthread_mutex_lock(&a->lock);
	e->next = a->entries;
	a->entries = e;
	pthread_mutex_unlock(&a->lock);
}

int
ahead_run(struct ahead *a, const struct tree_node *n, const struct probe *p,
    const struct probe_env *env, const struct probe_param *params, size_t nparams,
    struct probe_result *r, char **cause)
{
	struct ahead_entry	*e = NULL;
	size_t			 i;
	int			 rc, lost;

	if (a != NULL && env->send_test_to == NULL) {
		pthread_mutex_lock(&a->lock);
		for (e = a->entries; e != NULL; e = e->next) {
			if (!e->taken && ahead_same(e, n, params, nparams))
				break;
		}
		if (e != NULL) {
			/*
			 * The early run holds the password it logs in with; the walk's own
			 * copy is wiped while it waits, so no more plain copies exist than
			 * without the early run (tests/hostile/secrets.sh counts them). It
			 * comes back from the entry's copy, equal by the test above, should
			 * the walk have to run the probe itself.
			 */
			ahead_secrets(params, nparams, NULL);
			e->waiters++;
			if (env->transcript != NULL && !e->done) {
				for (i = 0; i < e->lines.n; i++)
					env->transcript(env->transcript_arg, e->lines.v[i]);
				e->forward = env->transcript;
				e->forward_arg = env->transcript_arg;
			}
			while (!e->done && !e->dropped &&
			    (env->cancel == NULL || *env->cancel == 0)) {
				cond_wait_ms(&a->cond, &a->lock, AHEAD_POLL_MS);
			}
			e->waiters--;
			e->forward = NULL;
			e->forward_arg = NULL;
			if (e->done && !e->dropped && !e->taken) {
				e->taken = 1;
				rc = e->rc;
				probe_result_free(r);
				*r = e->result;
				probe_result_init(&e->result);
				*cause = e->cause;
				e->cause = NULL;
				pthread_cond_broadcast(&a->cond);
				pthread_mutex_unlock(&a->lock);
				return (rc);
			}
			lost = ahead_secrets(params, nparams, e->params);
			pthread_cond_broadcast(&a->cond);
			if (lost) {
				/*
				 * Only a walk that stopped waiting (cancelled, or gone back)
				 * gets here, and it has no use for the result: it is not
				 * run again with a password that is no longer there.
				 */
				pthread_mutex_unlock(&a->lock);
				xasprintf(cause, "cancelled");
				return (-1);
			}
		}
		pthread_mutex_unlock(&a->lock);
	}
	return (p->run(env, params, nparams, r, cause));
}
