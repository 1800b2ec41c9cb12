/* ui-batch.c: the front end that asks nothing: answers come from --answer or are "don't know". */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "sanitize.h"
#include "ui.h"
#include "util.h"

static int		 ui_batch_init(struct ui *, char **);
static enum ui_reply	 ui_batch_ask(struct ui *, const struct walk *, const struct tree_node *,
			     const char *, char **);
static enum ui_reply	 ui_batch_info(struct ui *, const struct walk *,
			     const struct tree_node *);
static void		 ui_batch_probe_begin(struct ui *, const struct walk *,
			     const struct tree_node *);
static void		 ui_batch_probe_progress(struct ui *, const char *);
static void		 ui_batch_probe_end(struct ui *, const struct walk *,
			     const struct walk_probe *);
static void		 ui_batch_message(struct ui *, const char *);
static void		 ui_batch_show_result(struct ui *, const struct walk *);
static void		 ui_batch_fini(struct ui *);
static int		 ui_batch_confirm(struct ui *, const char *);

const struct ui_ops ui_batch_ops = {
	.name = "batch",
	.init = ui_batch_init,
	.ask = ui_batch_ask,
	.info = ui_batch_info,
	.probe_begin = ui_batch_probe_begin,
	.probe_progress = ui_batch_probe_progress,
	.probe_end = ui_batch_probe_end,
	.message = ui_batch_message,
	.show_result = ui_batch_show_result,
	.fini = ui_batch_fini,
	.confirm = ui_batch_confirm
};

static int
ui_batch_init(__attribute__((unused)) struct ui *ui, __attribute__((unused)) char **cause)
{
	return (0);
}

/* The answer given beforehand, or "I don't know": batch mode never waits for anyone. */
static enum ui_reply
ui_batch_ask(__attribute__((unused)) struct ui *ui,
    __attribute__((unused)) const struct walk *w,
    __attribute__((unused)) const struct tree_node *n, const char *prefill, char **value)
{
	*value = NULL;
	if (prefill == NULL)
		return (UI_DONTKNOW);
	*value = xstrdup(prefill);
	return (UI_ANSWER);
}

static enum ui_reply
ui_batch_info(__attribute__((unused)) struct ui *ui,
    __attribute__((unused)) const struct walk *w,
    __attribute__((unused)) const struct tree_node *n)
{
	return (UI_NEXT);
}

static void
ui_batch_probe_begin(__attribute__((unused)) struct ui *ui,
    __attribute__((unused)) const struct walk *w,
    __attribute__((unused)) const struct tree_node *n)
{
}

/* Steps are too chatty for a script's log: one line per probe, at its end. */
static void
ui_batch_probe_progress(__attribute__((unused)) struct ui *ui,
    __attribute__((unused)) const char *step)
{
}

/* "sendfix: resolve smtp.lab.test: ok" on stderr, unless quiet. */
static void
ui_batch_probe_end(struct ui *ui, __attribute__((unused)) const struct walk *w,
    const struct walk_probe *wp)
{
	const char	*name;
	char		*n, *t, *o;

	if (ui->quiet)
		return;
	name = wp->probe != NULL ? wp->probe->name : wp->node->probe;
	n = sanitize_stored(name);
	t = sanitize_stored(wp->result.target);
	o = sanitize_stored(wp->result.outcome);
	if (*t != '\0')
		fprintf(stderr, "sendfix: %s %s: %s\n", n, t, o);
	else
		fprintf(stderr, "sendfix: %s: %s\n", n, o);
	free(n);
	free(t);
	free(o);
}

/*
 * Batch mode asks nothing, so every message ui_drive shows (a probe that could not run) is
 * an error for standard error; main leaves it to the front end so it is printed once.
 */
static void
ui_batch_message(__attribute__((unused)) struct ui *ui, const char *text)
{
	char	*s;

	s = sanitize_str(text);
	fprintf(stderr, "sendfix: %s\n", s);
	free(s);
}

/* The report and the exit status carry the result; main writes them. */
static void
ui_batch_show_result(__attribute__((unused)) struct ui *ui,
    __attribute__((unused)) const struct walk *w)
{
}

static void
ui_batch_fini(__attribute__((unused)) struct ui *ui)
{
}

/* Batch mode asks nothing: the option that led here (--send-test-to) is the request. */
static int
ui_batch_confirm(__attribute__((unused)) struct ui *ui,
    __attribute__((unused)) const char *question)
{
	return (1);
}
