/* walk.h: the decision engine: walks a tree, keeps answers, probe results and the path. */
#ifndef SENDFIX_WALK_H
#define SENDFIX_WALK_H

#include <stddef.h>

#include "answers.h"
#include "probe.h"
#include "tree.h"
#include "causes.h"

struct ahead;

/* One probe that ran, kept for the report (results of probes undone by "back" are dropped). */
struct walk_probe {
	const struct tree_node	*node;
	const struct probe	*probe;
	struct probe_result	 result;
};

/* One cause in the finished diagnosis, text already expanded. */
struct walk_cause {
	const struct cause	*cause;
	struct strlist		 evidence;
	struct strlist		 fix;
};

struct walk_outcome {
	enum tree_verdict	 verdict;
	const struct tree_node	*node;		/* the conclusion */
	char			*title;		/* expanded Title: (or the first cause's title) */
	char			*text;		/* expanded Text: */
	struct walk_cause	*causes;	/* most likely first */
	size_t			 ncauses;
	size_t			 nalso;		/* the last nalso causes were found on the way
						   (probe_result.also), not by the conclusion */
	struct strlist		 evidence;	/* expanded Evidence: lines */
	struct strlist		 fix;		/* expanded Fix: lines */
};

/* One entry of the history used by "back": what was visited and what was set there. */
struct walk_step {
	const struct tree_node	*node;
	size_t			 nprobes;	/* probes[] length when the node was entered */
};

struct walk {
	const struct tree	*tree;
	struct answers		*answers;	/* not owned */
	const struct tree_node	*current;
	struct walk_step	*steps;		/* every node entered, in order (the path) */
	size_t			 nsteps;
	size_t			 capsteps;
	struct walk_probe	*probes;
	size_t			 nprobes;
	size_t			 capprobes;
	struct walk_outcome	*outcome;	/* set when current is a conclusion */
	struct ahead		*ahead;		/* probe nodes started early (Alongside:) */
};

/* Starts at the tree's Start: node; answers is shared with the caller and not freed. */
struct walk	*walk_new(const struct tree *, struct answers *);
void		 walk_free(struct walk *);

const struct tree_node *walk_current(const struct walk *);
int		 walk_done(const struct walk *);	/* current is a conclusion */

/*
 * Answers the current question with value ("dontknow" or NULL = I don't know). The value is
 * validated (tree_validate_answer); -1 with *cause when invalid, nothing changes. On 0 the
 * answer is stored under the node's key (secret for secret questions) and the walk moves on.
 */
int		 walk_answer(struct walk *, const char *value, enum answer_origin, char **cause);
/* Leaves the current info screen. */
void		 walk_next(struct walk *);
/*
 * Goes back to the previous question or info screen (skipping probes), undoing the probes
 * run since then (their facts are removed). Earlier answers are kept, so the question
 * shows its previous answer. Returns 0, or -1 when already at the first screen.
 */
int		 walk_back(struct walk *);

/*
 * Probe nodes, in two halves so a front end may run the probe on another thread:
 * walk_probe_params expands the node's Arg: lines (caller frees with walk_params_free);
 * walk_probe_finish stores the result (takes it over; facts become answers "NODE.key"),
 * and follows the branch named by result->outcome.
 */
int		 walk_probe_params(const struct walk *, struct probe_param **, size_t *);
/*
 * Starts the current probe node's Alongside: nodes on threads of their own, with the
 * answers known now (ahead.h); the walk takes their results when it gets there with the
 * same arguments. Front ends call it right before running the current probe.
 */
void		 walk_start_alongside(struct walk *, const struct probe_env *);

void		 walk_params_free(struct probe_param *, size_t);
void		 walk_probe_finish(struct walk *, struct probe_result *);
/*
 * Both halves and the run itself, on the calling thread. Returns 0, or -1 with *cause when
 * the probe could not run at all (its parameters are unusable, e.g. an empty host because
 * the user did not know it); the walk then stays on the probe node.
 */
int		 walk_run_probe(struct walk *, const struct probe_env *, char **cause);

/* The finished diagnosis (NULL until walk_done). */
const struct walk_outcome *walk_outcome(const struct walk *);
/* 0 healthy, 1 fault, 3 inconclusive: interface.md's exit status. */
int		 walk_exit_status(const struct walk *);

#endif
