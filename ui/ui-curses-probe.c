/* ui-curses-probe.c: the probe screen, with the probe on a worker thread so keys stay live. */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ahead.h"
#include "curses-wrap.h"
#include "sanitize.h"

/* How long the finished checklist stays before the walk moves on (Enter skips it). */
#define UI_CURSES_PROBE_LINGER_MS	800
/* How long Esc waits for the probe to notice the cancel flag before leaving it behind. */
#define UI_CURSES_PROBE_STOP_MS		2000
/* The same after a hang-up, when the program must be gone within a second. */
#define UI_CURSES_PROBE_HANGUP_MS	300
/* Progress steps kept; a probe reporting more only updates the last. */
#define UI_CURSES_PROBE_MAXSTEPS	256
/* Dialogue lines kept for the live transcript; older ones are only counted. */
#define UI_CURSES_PROBE_MAXLINES	500

struct ui_curses_step {
	char		*text;		/* as the probe said it; sanitised when drawn */
	long long	 at_ms;		/* since the start */
};

/* The live transcript: the newest UI_CURSES_PROBE_MAXLINES lines, and how many went before. */
struct ui_curses_dialogue {
	struct strlist	 lines;		/* sanitised by the probe, AUTH data hidden */
	size_t		 dropped;
};

/*
 * One probe run on a worker thread. Everything the worker reads is owned here (copies of
 * the parameters and the environment), so a worker left behind after a cancel or a hang-up
 * never touches memory the walk or main has freed; whoever finishes last frees the job.
 */
struct ui_curses_job {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	const struct probe	*probe;
	const struct tree_node	*node;		/* compared by address only */
	struct ahead		*ahead;		/* the walk's early runs (a reference) */
	struct probe_env	 env;
	char			*resolver;
	struct probe_refhost	*refhosts;
	size_t			 nrefhosts;
	struct probe_param	*params;
	size_t			 nparams;
	volatile sig_atomic_t	 cancel;
	long long		 start_ms;

	/* Under lock until done is set; the worker touches nothing after that. */
	struct ui_curses_step	*steps;
	size_t			 nsteps;
	struct ui_curses_dialogue dialogue;
	int			 done;
	int			 abandoned;	/* the UI left: the worker frees the job */
	int			 rc;
	char			*cause;
	long long		 elapsed_ms;
	struct probe_result	 result;
};

/* The probe screen: a job run here, or a probe the driver runs on its own thread. */
struct ui_curses_probe {
	struct ui_curses		*uc;
	const struct tree_node		*node;
	char				*title;
	char				*text;
	int				 timeout_ms;
	long long			 start_ms;
	struct ui_curses_job		*job;		/* NULL when the driver runs it */
	struct ui_curses_step		*steps;		/* the driver's probe: its steps */
	size_t				 nsteps;
	const struct probe_result	*result;	/* the driver's probe, once done */
	int				 details;	/* 't': what was sent and received */
	int				 tail;		/*   scrolled to the newest line */
	int				 dl_shown;	/* the dialogue was in the last body: */
	int				 dl_row;	/*   the row of its heading, and the */
	long long			 dl_base;	/*   row of line i is dl_base + 1 + i */
	int				 cancel;	/* Esc */
	long long			 done_ms;	/* when it finished, 0 while it runs */
	size_t				 frame;		/* the spinner's */
	size_t				 seen;		/* steps at the last draw */
	size_t				 lines_seen;	/* dialogue lines, the same */
};

static const struct ui_curses_keyhelp ui_curses_probe_keys[] = {
	{ "Esc", "stop the test" },
	{ "t", "details" },
	{ "q", "quit" },
	{ NULL, NULL }
};
static const struct ui_curses_keyhelp ui_curses_probe_done_keys[] = {
	{ "Enter", "continue" },
	{ "Esc", "back" },
	{ "t", "details" },
	{ "q", "quit" },
	{ NULL, NULL }
};

static struct ui_curses_job *ui_curses_job_new(const struct probe *, struct walk *,
		     const struct probe_env *);
static void	 ui_curses_job_free(struct ui_curses_job *);
static void	*ui_curses_job_main(void *);
static void	 ui_curses_job_progress(void *, const char *);
static void	 ui_curses_job_transcript(void *, const char *);
static int	 ui_curses_job_start(struct ui_curses_job *);
static void	 ui_curses_job_stop(struct ui_curses_job *, int);
static void	 ui_curses_steps_add(struct ui_curses_step **, size_t *, const char *,
		     long long);
static void	 ui_curses_steps_free(struct ui_curses_step *, size_t);
static void	 ui_curses_dialogue_add(struct ui_curses_dialogue *, const char *);
static void	 ui_curses_probe_setup(struct ui_curses_probe *, struct ui_curses *,
		     const struct walk *, const struct tree_node *, int);
static void	 ui_curses_probe_clear(struct ui_curses_probe *);
static void	 ui_curses_probe_view(struct ui_curses_view *, struct ui_curses_probe *);
static void	 ui_curses_probe_build(struct ui_curses_view *, struct ui_curses_doc *);
static void	 ui_curses_probe_doc(struct ui_curses_probe *, struct ui_curses_doc *,
		     const struct ui_curses_step *, size_t, const struct ui_curses_dialogue *,
		     int, int, const char *, const struct probe_result *);
static void	 ui_curses_probe_dialogue(struct ui_curses_probe *, struct ui_curses_doc *,
		     const struct ui_curses_dialogue *, const struct probe_result *);
static int	 ui_curses_probe_key(struct ui_curses_view *, const struct ui_curses_key *);
static int	 ui_curses_probe_tick(struct ui_curses_view *);
static int	 ui_curses_probe_good(const char *);
static void	 ui_curses_probe_redraw(struct ui_curses *);

/* ---- the worker --------------------------------------------------------------------------- */

static void
ui_curses_steps_add(struct ui_curses_step **steps, size_t *n, const char *text, long long at)
{
	struct ui_curses_step	*s;

	if (*n == UI_CURSES_PROBE_MAXSTEPS) {
		s = &(*steps)[*n - 1];
		free(s->text);
	} else {
		*steps = xreallocarray(*steps, *n + 1, sizeof **steps);
		s = &(*steps)[(*n)++];
	}
	s->text = xstrdup(text != NULL ? text : "");
	s->at_ms = at;
}

static void
ui_curses_steps_free(struct ui_curses_step *steps, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(steps[i].text);
	free(steps);
}

/* Keeps the newest lines: a long dialogue drops its oldest and counts them. */
static void
ui_curses_dialogue_add(struct ui_curses_dialogue *dl, const char *line)
{
	struct strlist	*l = &dl->lines;

	if (l->n == UI_CURSES_PROBE_MAXLINES) {
		free(l->v[0]);
		memmove(l->v, l->v + 1, (l->n - 1) * sizeof *l->v);
		l->n--;
		dl->dropped++;
	}
	strlist_add(l, line != NULL ? line : "");
}

static struct ui_curses_job *
ui_curses_job_new(const struct probe *p, struct walk *w, const struct probe_env *env)
{
	struct ui_curses_job	*job;
	struct probe_param	*params;
	size_t			 nparams, i;

	job = xcalloc(1, sizeof *job);
	pthread_mutex_init(&job->lock, NULL);
	job->probe = p;
	job->node = walk_current(w);
	job->ahead = ahead_ref(w->ahead);
	probe_result_init(&job->result);

	walk_probe_params(w, &params, &nparams);
	job->params = xcalloc(nparams, sizeof *job->params);
	for (i = 0; i < nparams; i++) {
		job->params[i].name = xstrdup(params[i].name);
		job->params[i].value = xstrdup(params[i].value != NULL ? params[i].value : "");
		job->params[i].secret = params[i].secret;
	}
	job->nparams = nparams;
	walk_params_free(params, nparams);

	if (env != NULL)
		job->env = *env;
	else
		job->env.timeout_ms = 10000;
	if (job->env.resolver != NULL) {
		job->resolver = xstrdup(job->env.resolver);
		job->env.resolver = job->resolver;
	}
	job->nrefhosts = job->env.nrefhosts;
	job->refhosts = xcalloc(job->nrefhosts, sizeof *job->refhosts);
	for (i = 0; i < job->nrefhosts; i++) {
		job->refhosts[i] = job->env.refhosts[i];
		job->refhosts[i].host = xstrdup(job->env.refhosts[i].host);
	}
	job->env.refhosts = job->refhosts;
	job->env.cancel = &job->cancel;
	job->env.progress = ui_curses_job_progress;
	job->env.progress_arg = job;
	job->env.transcript = ui_curses_job_transcript;
	job->env.transcript_arg = job;
	return (job);
}

static void
ui_curses_job_free(struct ui_curses_job *job)
{
	size_t	 i;

	for (i = 0; i < job->nparams; i++) {
		free((char *)job->params[i].name);
		if (job->params[i].secret)
			secret_free((char *)job->params[i].value);
		else
			free((char *)job->params[i].value);
	}
	free(job->params);
	for (i = 0; i < job->nrefhosts; i++)
		free(job->refhosts[i].host);
	free(job->refhosts);
	free(job->resolver);
	ahead_unref(job->ahead);
	ui_curses_steps_free(job->steps, job->nsteps);
	strlist_free(&job->dialogue.lines);
	free(job->cause);
	probe_result_free(&job->result);
	pthread_mutex_destroy(&job->lock);
	free(job);
}

/* From the worker: only the queue is touched, under the lock; never curses. */
static void
ui_curses_job_progress(void *arg, const char *step)
{
	struct ui_curses_job	*job = arg;

	pthread_mutex_lock(&job->lock);
	ui_curses_steps_add(&job->steps, &job->nsteps, step, mono_ms() - job->start_ms);
	pthread_mutex_unlock(&job->lock);
}

/* From the worker, like progress: one dialogue line for the live transcript. */
static void
ui_curses_job_transcript(void *arg, const char *line)
{
	struct ui_curses_job	*job = arg;

	pthread_mutex_lock(&job->lock);
	ui_curses_dialogue_add(&job->dialogue, line);
	pthread_mutex_unlock(&job->lock);
}

static void *
ui_curses_job_main(void *arg)
{
	struct ui_curses_job	*job = arg;
	char			*cause = NULL;
	int			 rc, abandoned;

	rc = ahead_run(job->ahead, job->node, job->probe, &job->env, job->params,
	    job->nparams, &job->result, &cause);
	pthread_mutex_lock(&job->lock);
	job->rc = rc;
	job->cause = cause;
	job->elapsed_ms = mono_ms() - job->start_ms;
	/* As walk_run_probe does: a probe that times none of its work is timed whole. */
	if (job->result.elapsed_ms == 0)
		job->result.elapsed_ms = job->elapsed_ms;
	job->done = 1;
	abandoned = job->abandoned;
	pthread_mutex_unlock(&job->lock);
	if (abandoned)
		ui_curses_job_free(job);
	return (NULL);
}

/* The worker starts with every signal blocked: they go to the UI thread, which has a loop. */
static int
ui_curses_job_start(struct ui_curses_job *job)
{
	sigset_t	 all, old;
	int		 r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	job->start_ms = mono_ms();
	r = pthread_create(&job->thread, NULL, ui_curses_job_main, job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return (r == 0 ? 0 : -1);
}

/*
 * Cancels and waits up to wait_ms for the worker to finish; the result is discarded. A
 * worker still busy after that is detached and frees the job itself when it ends.
 */
static void
ui_curses_job_stop(struct ui_curses_job *job, int wait_ms)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	long long	 deadline = mono_ms() + wait_ms;
	int		 done;

	job->cancel = 1;
	for (;;) {
		pthread_mutex_lock(&job->lock);
		done = job->done;
		if (!done && mono_ms() >= deadline)
			job->abandoned = 1;
		pthread_mutex_unlock(&job->lock);
		if (done || mono_ms() >= deadline)
			break;
		nanosleep(&ts, NULL);
	}
	if (done) {
		pthread_join(job->thread, NULL);
		ui_curses_job_free(job);
	} else
		pthread_detach(job->thread);
}

/* ---- the screen ----------------------------------------------------------------------------- */

/* The outcomes that mean "this part works": drawn with a tick, the others with a cross. */
static int
ui_curses_probe_good(const char *outcome)
{
	return (outcome != NULL && (strcmp(outcome, "ok") == 0 || strcmp(outcome, "open") == 0));
}

static void
ui_curses_probe_setup(struct ui_curses_probe *p, struct ui_curses *uc, const struct walk *w,
    const struct tree_node *n, int timeout_ms)
{
	memset(p, 0, sizeof *p);
	p->uc = uc;
	p->node = n;
	p->title = answers_expand(w->answers, n->title != NULL ? n->title : "Testing",
	    "(unknown)");
	p->text = answers_expand(w->answers, n->text != NULL ? n->text : "", "(unknown)");
	p->timeout_ms = timeout_ms;
	p->start_ms = mono_ms();
}

static void
ui_curses_probe_clear(struct ui_curses_probe *p)
{
	free(p->title);
	free(p->text);
	ui_curses_steps_free(p->steps, p->nsteps);
	p->steps = NULL;
	p->nsteps = 0;
}

/*
 * What was sent and received: the finished result's transcript, or while the probe runs
 * (or when it ended without one) the lines it has reported so far. Notes where line i
 * lands, so a view scrolled up keeps its place while lines come and go above it (exact
 * unless lines wrap).
 */
static void
ui_curses_probe_dialogue(struct ui_curses_probe *p, struct ui_curses_doc *d,
    const struct ui_curses_dialogue *dl, const struct probe_result *r)
{
	const struct strlist	*l;
	char			*s;
	size_t			 i, dropped = 0;

	if (r != NULL && r->transcript.n > 0)
		l = &r->transcript;
	else if (dl != NULL && dl->lines.n > 0) {
		l = &dl->lines;
		dropped = dl->dropped;
	} else
		return;
	p->dl_shown = 1;
	p->dl_row = (int)d->n;
	p->dl_base = (long long)d->n + (dropped > 0) - (long long)dropped;
	ui_curses_doc_text(d, "What was sent (C) and received (S):", UI_CURSES_HEADING, 1,
	    UI_CURSES_RAW);
	if (dropped > 0) {
		xasprintf(&s, "(%zu earlier line%s not shown)", dropped, dropped == 1 ? "" : "s");
		ui_curses_doc_item(d, "", s, UI_CURSES_HINT, 3, UI_CURSES_RAW);
		free(s);
	}
	for (i = 0; i < l->n; i++)
		ui_curses_doc_item(d, "", l->v[i], UI_CURSES_NORMAL, 3, UI_CURSES_STORED);
}

/*
 * The checklist: one row per step the probe reported, a spinner on the one running, ticks
 * on those done, then the result and the time against the limit.
 */
static void
ui_curses_probe_doc(struct ui_curses_probe *p, struct ui_curses_doc *d,
    const struct ui_curses_step *steps, size_t nsteps, const struct ui_curses_dialogue *dl,
    int done, int rc, const char *cause, const struct probe_result *r)
{
	const struct ui_curses_symbols	*sym = p->uc->sym;
	char				*prefix, *s;
	long long			 now;
	size_t				 i;

	ui_curses_doc_text(d, p->title, UI_CURSES_TITLE, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	if (*p->text != '\0') {
		ui_curses_doc_text(d, p->text, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
		ui_curses_doc_blank(d);
	}
	for (i = 0; i < nsteps; i++) {
		if (i + 1 < nsteps || done)
			xasprintf(&prefix, "%s ", sym->tick);
		else
			xasprintf(&prefix, "%s ", sym->spinner[p->frame % sym->nspinner]);
		ui_curses_doc_item(d, prefix, steps[i].text, UI_CURSES_NORMAL, 1, UI_CURSES_RAW);
		free(prefix);
	}
	if (nsteps == 0 && !done) {
		xasprintf(&prefix, "%s ", sym->spinner[p->frame % sym->nspinner]);
		ui_curses_doc_item(d, prefix, "starting the test", UI_CURSES_NORMAL, 1,
		    UI_CURSES_RAW);
		free(prefix);
	}
	if (done && rc != 0) {
		xasprintf(&prefix, "%s ", sym->cross);
		xasprintf(&s, "The test could not run: %s", cause != NULL ? cause : "");
		ui_curses_doc_item(d, prefix, s, UI_CURSES_ERROR, 1, UI_CURSES_RAW);
		free(s);
		free(prefix);
	} else if (done && r != NULL) {
		xasprintf(&prefix, "%s ", ui_curses_probe_good(r->outcome) ? sym->tick :
		    sym->cross);
		xasprintf(&s, "Result: %s", r->evidence.n > 0 ? r->evidence.v[0] :
		    (r->outcome != NULL ? r->outcome : "done"));
		ui_curses_doc_item(d, prefix, s, ui_curses_probe_good(r->outcome) ?
		    UI_CURSES_GOOD : UI_CURSES_ERROR, 1, UI_CURSES_STORED);
		free(s);
		free(prefix);
	}
	ui_curses_doc_blank(d);
	now = done && r != NULL && r->elapsed_ms > 0 ? r->elapsed_ms : mono_ms() - p->start_ms;
	if (p->cancel)
		xasprintf(&s, "Stopping the test...");
	else if (done)
		xasprintf(&s, "Finished in %lld.%lld s.", now / 1000, (now % 1000) / 100);
	else
		xasprintf(&s, "Time: %lld.%lld s. Each step gives up after %d s.", now / 1000,
		    (now % 1000) / 100, p->timeout_ms / 1000);
	ui_curses_doc_text(d, s, UI_CURSES_HINT, 0, UI_CURSES_RAW);
	free(s);
	if (!p->details)
		return;

	/* 't': the steps with their times, the evidence once done, and the dialogue live. */
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, "Details (press t to hide)", UI_CURSES_HEADING, 0,
	    UI_CURSES_RAW);
	for (i = 0; i < nsteps; i++) {
		xasprintf(&prefix, "%3lld.%lld s  ", steps[i].at_ms / 1000,
		    (steps[i].at_ms % 1000) / 100);
		ui_curses_doc_item(d, prefix, steps[i].text, UI_CURSES_NORMAL, 1,
		    UI_CURSES_RAW);
		free(prefix);
	}
	if (!done)
		r = NULL;
	if (r != NULL && r->target != NULL) {
		xasprintf(&s, "Tested: %s", r->target);
		ui_curses_doc_item(d, "", s, UI_CURSES_NORMAL, 1, UI_CURSES_STORED);
		free(s);
	}
	for (i = 0; r != NULL && i < r->evidence.n; i++) {
		xasprintf(&prefix, "%s ", sym->bullet);
		ui_curses_doc_item(d, prefix, r->evidence.v[i], UI_CURSES_NORMAL, 1,
		    UI_CURSES_STORED);
		free(prefix);
	}
	ui_curses_probe_dialogue(p, d, dl, r);
}

static void
ui_curses_probe_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_probe	*p = v->arg;
	struct ui_curses_job	*job = p->job;
	long long		 base = p->dl_base;
	int			 done, shown = p->dl_shown, row = p->dl_row;

	p->dl_shown = 0;
	if (job == NULL) {
		ui_curses_probe_doc(p, d, p->steps, p->nsteps, NULL, p->result != NULL, 0, NULL,
		    p->result);
	} else {
		pthread_mutex_lock(&job->lock);
		done = job->done;
		p->seen = job->nsteps;
		p->lines_seen = job->dialogue.lines.n + job->dialogue.dropped;
		ui_curses_probe_doc(p, d, job->steps, job->nsteps, &job->dialogue, done,
		    job->rc, job->cause, done ? &job->result : NULL);
		pthread_mutex_unlock(&job->lock);
		v->keys = done ? ui_curses_probe_done_keys : ui_curses_probe_keys;
	}

	/*
	 * The details follow the newest line until the user scrolls up (the draw clamps);
	 * scrolled up into the dialogue, the same line stays at the top.
	 */
	if (p->details && p->tail)
		v->top = INT_MAX;
	else if (p->details && shown && p->dl_shown && v->top > row) {
		v->top += (int)(p->dl_base - base);
		/* A line dropped from the top: the oldest kept. */
		if (v->top <= p->dl_row)
			v->top = p->dl_row + 1;
	}
}

static int
ui_curses_probe_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	struct ui_curses_probe	*p = v->arg;
	int			 flags;

	if (k->code == 0 && (k->ch == 't' || k->ch == 'T')) {
		p->details = !p->details;
		p->tail = p->details;
		if (!p->details)
			v->top = 0;
		return (UI_CURSES_REDRAW);
	}
	if (k->code == 0 && k->ch == UI_CURSES_KEY_ESC) {
		p->cancel = 1;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(10) || (k->code == 0 && (k->ch == 'q' || k->ch == 'Q')))
		return (UI_CURSES_ASKQUIT);
	if (p->done_ms != 0 && (k->code == KEY_ENTER ||
	    (k->code == 0 && (k->ch == '\r' || k->ch == '\n'))))
		return (UI_CURSES_BREAK);
	/* Scrolling up stops following the dialogue; scrolling back to the end resumes. */
	if ((flags = ui_curses_scroll_key(v, k)) != 0)
		p->tail = v->top + v->height >= v->nlines;
	return (flags);
}

static int
ui_curses_probe_tick(struct ui_curses_view *v)
{
	struct ui_curses_probe	*p = v->arg;
	long long		 now = mono_ms();
	size_t			 frame, nsteps, nlines;
	int			 done, flags = 0;

	pthread_mutex_lock(&p->job->lock);
	done = p->job->done;
	nsteps = p->job->nsteps;
	nlines = p->job->dialogue.lines.n + p->job->dialogue.dropped;
	pthread_mutex_unlock(&p->job->lock);

	frame = (size_t)((now - p->start_ms) / UI_CURSES_TICK_MS);
	if (frame != p->frame || nsteps != p->seen || nlines != p->lines_seen)
		flags |= UI_CURSES_REDRAW;
	p->frame = frame;
	if (done && p->done_ms == 0) {
		p->done_ms = now;
		flags |= UI_CURSES_REDRAW;
	}
	/* With the details open, the user reads them and presses Enter. */
	if (done && !p->details && now - p->done_ms >= UI_CURSES_PROBE_LINGER_MS)
		flags |= UI_CURSES_BREAK;
	return (flags);
}

static void
ui_curses_probe_view(struct ui_curses_view *v, struct ui_curses_probe *p)
{
	ui_curses_view_init(v, p->uc);
	v->follow = 0;
	v->crumb = ui_curses_crumb(NULL, p->node, "Testing");
	v->keys = ui_curses_probe_keys;
	v->build = ui_curses_probe_build;
	v->key = ui_curses_probe_key;
	v->arg = p;
}

int
ui_curses_run_probe(struct ui *ui, struct walk *w, const struct probe_env *env, char **cause)
{
	struct ui_curses	*uc = ui_curses_get(ui);
	const struct tree_node	*n = walk_current(w);
	const struct probe	*pr;
	struct ui_curses_job	*job;
	struct ui_curses_probe	 p;
	struct ui_curses_view	 v;
	int			 r;

	if (ui_curses_stopping(uc))
		return (1);
	if (n == NULL || n->kind != TREE_PROBE)
		fatalx("%s: the current node is not a probe", __func__);
	if ((pr = probe_find(n->probe)) == NULL) {
		xasprintf(cause, "unknown probe \"%s\"", n->probe);
		return (-1);
	}
	job = ui_curses_job_new(pr, w, env);
	ui_curses_probe_setup(&p, uc, w, n, job->env.timeout_ms);
	p.job = job;
	if (ui_curses_job_start(job) != 0) {
		ui_curses_job_free(job);
		ui_curses_probe_clear(&p);
		xasprintf(cause, "cannot start a thread for the \"%s\" test", n->probe);
		return (-1);
	}
	ui_curses_probe_view(&v, &p);
	v.tick = ui_curses_probe_tick;
	r = ui_curses_run(uc, &v);

	if (r != 0 || p.cancel) {
		/* Esc, quit or hang-up: stop the worker, keep nothing it found. */
		if (r == 0)
			ui_curses_draw(uc, &v, 0);
		ui_curses_job_stop(job, uc->hangup ? UI_CURSES_PROBE_HANGUP_MS :
		    UI_CURSES_PROBE_STOP_MS);
		ui_curses_probe_clear(&p);
		ui_curses_view_clear(&v);
		return (1);
	}

	/* Done: the worker has finished with the job, so it is the UI thread's alone. */
	pthread_join(job->thread, NULL);
	ui_curses_probe_clear(&p);
	ui_curses_view_clear(&v);
	if (job->rc != 0) {
		*cause = job->cause != NULL ? job->cause :
		    xstrdup("the test could not run");
		job->cause = NULL;
		ui_curses_job_free(job);
		return (-1);
	}
	if (job->result.elapsed_ms == 0)
		job->result.elapsed_ms = job->elapsed_ms;
	walk_probe_finish(w, &job->result);
	ui_curses_job_free(job);
	return (0);
}

/* ---- a probe the driver runs on its own thread: drawn, but keys wait ------------------------ */

static void
ui_curses_probe_redraw(struct ui_curses *uc)
{
	struct ui_curses_view	 v;

	if (uc->probe == NULL || ui_curses_stopping(uc))
		return;
	uc->probe->frame = (size_t)((mono_ms() - uc->probe->start_ms) / UI_CURSES_TICK_MS);
	ui_curses_probe_view(&v, uc->probe);
	ui_curses_draw(uc, &v, 0);
	ui_curses_view_clear(&v);
}

void
ui_curses_probe_begin(struct ui *ui, const struct walk *w, const struct tree_node *n)
{
	struct ui_curses	*uc = ui_curses_get(ui);

	ui_curses_probe_cleanup(uc);
	uc->probe = xcalloc(1, sizeof *uc->probe);
	/* The driver does not pass its environment here; its default limit is shown. */
	ui_curses_probe_setup(uc->probe, uc, w, n, 10000);
	ui_curses_probe_redraw(uc);
}

void
ui_curses_probe_progress(struct ui *ui, const char *step)
{
	struct ui_curses	*uc = ui_curses_get(ui);

	if (uc->probe == NULL)
		return;
	ui_curses_steps_add(&uc->probe->steps, &uc->probe->nsteps, step,
	    mono_ms() - uc->probe->start_ms);
	ui_curses_probe_redraw(uc);
}

void
ui_curses_probe_end(struct ui *ui, __attribute__((unused)) const struct walk *w,
    const struct walk_probe *wp)
{
	struct ui_curses	*uc = ui_curses_get(ui);

	if (uc->probe == NULL)
		return;
	uc->probe->result = &wp->result;
	ui_curses_probe_redraw(uc);
	if (!ui_curses_stopping(uc))
		napms(UI_CURSES_PROBE_LINGER_MS / 2);
	ui_curses_probe_cleanup(uc);
}

void
ui_curses_probe_cleanup(struct ui_curses *uc)
{
	if (uc->probe == NULL)
		return;
	ui_curses_probe_clear(uc->probe);
	free(uc->probe);
	uc->probe = NULL;
}
