/* ui.h: the front-end interface every mode implements, and the loop that drives a walk. */
#ifndef SENDFIX_UI_H
#define SENDFIX_UI_H

#include <stdio.h>

#include "report.h"
#include "walk.h"

enum ui_reply {
	UI_ANSWER,	/* *value holds the answer (caller frees; wiped if secret) */
	UI_DONTKNOW,	/* "I don't know" */
	UI_NEXT,	/* leave an info screen */
	UI_BACK,	/* go back one question */
	UI_QUIT		/* the user wants to stop */
};

struct ui;

struct ui_ops {
	const char	*name;
	/* 0, or -1 with *cause (the caller may fall back to another front end). */
	int		(*init)(struct ui *, char **cause);
	/* A question; prefill is the current answer or NULL. */
	enum ui_reply	(*ask)(struct ui *, const struct walk *, const struct tree_node *,
			    const char *prefill, char **value);
	/* An information screen. */
	enum ui_reply	(*info)(struct ui *, const struct walk *, const struct tree_node *);
	/* A probe is about to run / reports a step / has finished. */
	void		(*probe_begin)(struct ui *, const struct walk *, const struct tree_node *);
	void		(*probe_progress)(struct ui *, const char *step);
	void		(*probe_end)(struct ui *, const struct walk *, const struct walk_probe *);
	/* Something the user should read that is not part of the tree (a probe that could
	 * not run, a rejected answer). */
	void		(*message)(struct ui *, const char *text);
	/* The diagnosis. A front end may set ui->restart here to start the walk again. */
	void		(*show_result)(struct ui *, const struct walk *);
	void		(*fini)(struct ui *);
	/*
	 * Optional: runs the current probe node itself, e.g. on a worker thread so keys stay
	 * live. Returns 0 when the walk moved on, 1 when the user cancelled the probe (the
	 * driver then goes back to the question before it), -1 with *cause when the probe
	 * could not run. NULL: the driver calls walk_run_probe on its own thread.
	 */
	int		(*run_probe)(struct ui *, struct walk *, const struct probe_env *,
			    char **cause);
	/*
	 * Optional: a yes/no question outside the tree, asked once before something the user
	 * must agree to (a real test message). 1 for yes; 0 for no, "I don't know", quit or
	 * no answer. NULL: the answer is no. Batch mode says yes: its command line is the
	 * explicit request.
	 */
	int		(*confirm)(struct ui *, const char *question);
};

struct ui {
	const struct ui_ops	*ops;
	FILE			*in;		/* plain mode: where answers come from */
	FILE			*out;		/* plain mode: where prompts go */
	int			 tty_fd;	/* plain mode: /dev/tty for secrets, or -1 */
	int			 quiet;		/* batch mode: print nothing */
	int			 restart;	/* set by show_result: start the walk again */
	const struct report_meta *meta;		/* for saving a report from the result screen */
	void			*priv;
};

extern const struct ui_ops ui_plain_ops;
extern const struct ui_ops ui_batch_ops;

/*
 * Drives w until a conclusion, asking through ui. Returns 0 when the walk reached a
 * conclusion, 1 when the user quit, -1 with *cause when a probe could not run.
 */
int	 ui_drive(struct ui *, struct walk *, const struct probe_env *, char **cause);

#endif
