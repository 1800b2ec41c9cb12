/* ui-drive.c: the one loop that walks a tree through any front end. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "util.h"

/*
 * How often one question may reject an answer in a row before the loop gives up: a person
 * retypes, but a scripted front end repeating the same bad answer would spin for ever.
 */
#define UI_DRIVE_MAX_REJECTS	100

/* The user's word on sending a real test message (--send-test-to): asked once per run. */
enum ui_drive_send {
	UI_DRIVE_SEND_UNASKED,
	UI_DRIVE_SEND_YES,
	UI_DRIVE_SEND_NO	/* said no, or one was sent already: never a second */
};

/* What the probe's progress callback needs: the front end, and the caller's own callback. */
struct ui_drive_progress {
	struct ui		*ui;
	const struct probe_env	*env;
};

static void	 ui_drive_progress(void *, const char *);
static void	 ui_drive_message(struct ui *, const char *);
static int	 ui_drive_back(struct ui *, struct walk *);
static int	 ui_drive_question(struct ui *, struct walk *, const struct tree_node *,
		     int *, char **);
static int	 ui_drive_info(struct ui *, struct walk *, const struct tree_node *);
static int	 ui_drive_probe(struct ui *, struct walk *, const struct tree_node *,
		     const struct probe_env *, enum ui_drive_send *, char **);
static int	 ui_drive_confirm_send(struct ui *, struct walk *, const struct tree_node *,
		     const char *, enum ui_drive_send *);
static void	 ui_drive_sent(struct walk *, enum ui_drive_send *);
static void	 ui_drive_restart(struct ui *, struct walk *);

static void
ui_drive_progress(void *arg, const char *step)
{
	struct ui_drive_progress	*p = arg;

	if (p->ui->ops->probe_progress != NULL)
		p->ui->ops->probe_progress(p->ui, step);
	if (p->env != NULL && p->env->progress != NULL)
		p->env->progress(p->env->progress_arg, step);
}

static void
ui_drive_message(struct ui *ui, const char *text)
{
	if (ui->ops->message != NULL)
		ui->ops->message(ui, text);
}

static int
ui_drive_back(struct ui *ui, struct walk *w)
{
	if (walk_back(w) != 0)
		ui_drive_message(ui, "This is the first question.");
	return (0);
}

/*
 * Asks the current question once. Returns 0 to carry on, 1 when the user quit, -1 with
 * *cause when a front end that cannot ask again keeps giving an answer the tree refuses.
 */
static int
ui_drive_question(struct ui *ui, struct walk *w, const struct tree_node *n, int *rejects,
    char **cause)
{
	const struct answer	*a;
	const char		*prefill = NULL;
	enum answer_origin	 origin = ANSWER_TYPED;
	enum ui_reply		 reply;
	char			*value = NULL, *why = NULL;
	int			 secret, rc;

	secret = n->qtype == TREE_Q_SECRET;
	a = n->key != NULL ? answers_find(w->answers, n->key) : NULL;
	if (a != NULL && (a->value == NULL || strcmp(a->value, "dontknow") == 0))
		a = NULL;
	/* A secret is never shown, so never pre-filled either. */
	if (a != NULL && !secret)
		prefill = a->value;

	reply = ui->ops->ask(ui, w, n, prefill, &value);

	/*
	 * "I don't know" to a secret that arrived beforehand (a password file, a mail program's
	 * settings) keeps it: the front end could not offer it as the answer to keep, and batch
	 * mode never can, so this is the only way to keep it.
	 */
	if (reply == UI_DONTKNOW && secret && a != NULL) {
		secret_free(value);
		value = xstrdup(a->value);
		origin = a->origin;
		reply = UI_ANSWER;
	}

	switch (reply) {
	case UI_ANSWER:
		if (value == NULL)
			fatalx("%s: front end %s answered without a value", __func__,
			    ui->ops->name);
		/* Keeping an answer given on the command line keeps its origin. */
		if (prefill != NULL && a->origin == ANSWER_GIVEN && strcmp(value, prefill) == 0)
			origin = ANSWER_GIVEN;
		rc = walk_answer(w, value, origin, &why);
		if (secret)
			secret_free(value);
		else
			free(value);
		if (rc == 0) {
			*rejects = 0;
			return (0);
		}
		if (secret) {
			/* The engine's reason may quote the value: never show a secret's. */
			secret_free(why);
			xasprintf(&why, "The answer to \"%s\" cannot be used (it is not shown "
			    "here, because it is secret).", n->key);
		}
		if (ui->ops == &ui_batch_ops || ++*rejects >= UI_DRIVE_MAX_REJECTS) {
			ui_drive_message(ui, why);
			*cause = why;
			return (-1);
		}
		ui_drive_message(ui, why);
		free(why);
		return (0);
	case UI_DONTKNOW:
		if (secret)
			secret_free(value);
		else
			free(value);
		if (walk_answer(w, "dontknow", ANSWER_DONTKNOW, &why) != 0) {
			/* The engine always allows "dontknow"; a refusal is a bug there. */
			fatalx("%s: %s refused \"I don't know\": %s", __func__, n->id, why);
		}
		*rejects = 0;
		return (0);
	case UI_BACK:
		free(value);
		*rejects = 0;
		return (ui_drive_back(ui, w));
	case UI_QUIT:
		if (secret)
			secret_free(value);
		else
			free(value);
		return (1);
	case UI_NEXT:
		break;
	}
	fatalx("%s: front end %s gave reply %d to a question", __func__, ui->ops->name,
	    (int)reply);
}

/* An information screen: 0 to carry on, 1 when the user quit. */
static int
ui_drive_info(struct ui *ui, struct walk *w, const struct tree_node *n)
{
	enum ui_reply	 reply = UI_NEXT;

	if (ui->ops->info != NULL)
		reply = ui->ops->info(ui, w, n);
	switch (reply) {
	case UI_BACK:
		return (ui_drive_back(ui, w));
	case UI_QUIT:
		return (1);
	default:
		walk_next(w);
		return (0);
	}
}

/*
 * 1 when the smtp probe about to run may send the test message: the user said yes,
 * now or earlier in this run. Any other probe gets 0 without a question.
 */
static int
ui_drive_confirm_send(struct ui *ui, struct walk *w, const struct tree_node *n,
    const char *to, enum ui_drive_send *send)
{
	struct probe_param	*params = NULL;
	const char		*host = NULL;
	char			*q;
	size_t			 nparams = 0;

	if (n->probe == NULL || probe_find(n->probe) != &probe_smtp)
		return (0);
	if (*send != UI_DRIVE_SEND_UNASKED)
		return (*send == UI_DRIVE_SEND_YES);
	if (walk_probe_params(w, &params, &nparams) == 0)
		host = probe_param_get(params, nparams, "host");
	xasprintf(&q, "You asked for a real test message to %s. If the login to %s works, "
	    "sendfix sends it one short message saying it is a test from sendfix, sent at "
	    "your request. Send it?", to, host != NULL ? host : "the outgoing server");
	walk_params_free(params, nparams);
	*send = ui->ops->confirm != NULL && ui->ops->confirm(ui, q) == 1 ?
	    UI_DRIVE_SEND_YES : UI_DRIVE_SEND_NO;
	free(q);
	return (*send == UI_DRIVE_SEND_YES);
}

/* Once a test message has gone out, going back or starting again never sends another. */
static void
ui_drive_sent(struct walk *w, enum ui_drive_send *send)
{
	const char	*v;

	if (w->nprobes > 0 && (v = probe_result_get_fact(&w->probes[w->nprobes - 1].result,
	    "test-message")) != NULL && strcmp(v, "sent") == 0)
		*send = UI_DRIVE_SEND_NO;
}

/*
 * Runs the probe of the current node: 0 when the walk moved on, 1 when the user stopped it
 * and there is no question to go back to, -1 with *cause when it could not run at all.
 */
static int
ui_drive_probe(struct ui *ui, struct walk *w, const struct tree_node *n,
    const struct probe_env *env, enum ui_drive_send *send, char **cause)
{
	struct ui_drive_progress	 p;
	struct probe_env		 local;
	int				 rc;

	if (env != NULL)
		local = *env;
	else {
		memset(&local, 0, sizeof local);
		local.timeout_ms = 10000;
	}
	/* No real message without a yes, asked right before the probe that would send it. */
	if (local.send_test_to != NULL &&
	    !ui_drive_confirm_send(ui, w, n, local.send_test_to, send))
		local.send_test_to = NULL;

	/*
	 * The probes the tree says are independent of this one start now, on threads of
	 * their own (issue 8): by the time the walk gets to them their answer is there.
	 */
	walk_start_alongside(w, &local);
	/* A front end that runs probes itself (on a thread, keys live) also shows them. */
	if (ui->ops->run_probe != NULL) {
		rc = ui->ops->run_probe(ui, w, &local, cause);
		if (rc == -1) {
			ui_drive_message(ui, *cause);
			return (-1);
		}
		if (rc == 1) {
			/* Cancelled: back to the question before the probe, to change it. */
			*cause = NULL;
			return (walk_back(w) == 0 ? 0 : 1);
		}
		ui_drive_sent(w, send);
		return (0);
	}

	p.ui = ui;
	p.env = env;
	local.progress = ui_drive_progress;
	local.progress_arg = &p;

	if (ui->ops->probe_begin != NULL)
		ui->ops->probe_begin(ui, w, n);
	if (walk_run_probe(w, &local, cause) != 0) {
		ui_drive_message(ui, *cause);
		return (-1);
	}
	if (ui->ops->probe_end != NULL && w->nprobes > 0)
		ui->ops->probe_end(ui, w, &w->probes[w->nprobes - 1]);
	ui_drive_sent(w, send);
	return (0);
}

/*
 * The user asked on the result screen to start again: back to the first screen. Answers
 * stay, so every question shows what was said before; the probes are undone.
 */
static void
ui_drive_restart(struct ui *ui, struct walk *w)
{
	ui->restart = 0;
	while (walk_back(w) == 0)
		/* nothing */;
}

int
ui_drive(struct ui *ui, struct walk *w, const struct probe_env *env, char **cause)
{
	const struct tree_node	*n;
	enum ui_drive_send	 send = UI_DRIVE_SEND_UNASKED;
	int			 rc, rejects = 0;

	*cause = NULL;
	for (;;) {
		if ((n = walk_current(w)) == NULL)
			fatalx("%s: the walk has no current node", __func__);
		switch (n->kind) {
		case TREE_QUESTION:
			rc = ui_drive_question(ui, w, n, &rejects, cause);
			break;
		case TREE_INFO:
			rc = ui_drive_info(ui, w, n);
			break;
		case TREE_PROBE:
			rc = ui_drive_probe(ui, w, n, env, &send, cause);
			break;
		case TREE_CONCLUSION:
			ui->restart = 0;
			if (ui->ops->show_result != NULL)
				ui->ops->show_result(ui, w);
			if (!ui->restart)
				return (0);
			ui_drive_restart(ui, w);
			rc = 0;
			break;
		default:
			fatalx("%s: node %s has unknown kind %d", __func__, n->id, (int)n->kind);
		}
		if (rc != 0)
			return (rc);
	}
}
