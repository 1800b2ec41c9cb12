/* ahead.h: probe nodes started early, on threads of their own, for the walk to take later. */
#ifndef SENDFIX_AHEAD_H
#define SENDFIX_AHEAD_H

#include <stddef.h>

#include "probe.h"
#include "tree.h"

/*
 * A tree's "Alongside:" line names probe nodes that do not depend on the node it is on, so
 * they can run at the same time (issue 8: everything independent runs concurrently). The
 * walk starts them with the answers known at that moment; when it reaches one of them and
 * the arguments it expands are exactly the ones the early run got, it takes that run's
 * result (waiting for it if it is still going) instead of running the probe again. When
 * they differ (the user answered something else meanwhile), the early result is dropped
 * and the probe runs as usual. An early run is never allowed to send a test message.
 *
 * Shared between the walk and a front end's probe thread that may outlive it, so it is
 * reference-counted: ahead_free drops the walk's reference after stopping every early run.
 */
struct ahead;

struct ahead	*ahead_new(void);
/* Stops (cancels) every early run, waits for them and drops the caller's reference. */
void		 ahead_free(struct ahead *);
struct ahead	*ahead_ref(struct ahead *);
void		 ahead_unref(struct ahead *);
/* Stops and forgets every early run: for a walk that goes back to test afresh. */
void		 ahead_clear(struct ahead *);

/*
 * Starts p for node n on a thread of its own with a copy of env (without progress,
 * transcript or test message, with a cancel flag of its own) and of the parameters.
 * Nothing happens when the same node already runs, or ran, with the same parameters.
 */
void		 ahead_start(struct ahead *, const struct tree_node *n, const struct probe *p,
		     const struct probe_env *env, const struct probe_param *, size_t);
/*
 * Runs p for node n, or takes the early run of n when its parameters are the same and
 * env asks for no test message: waits for it (giving up, and running p itself, when
 * *env->cancel is set meanwhile). Returns what p->run returns; the result is moved into
 * *r. An early result is taken once.
 */
int		 ahead_run(struct ahead *, const struct tree_node *n, const struct probe *p,
		     const struct probe_env *env, const struct probe_param *, size_t,
		     struct probe_result *r, char **cause);

#endif
