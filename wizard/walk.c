/* walk.c: the decision engine: moves through a tree, keeps answers, probe results, the path. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ahead.h"
#include "walk.h"
#include "util.h"

static void	 walk_enter(struct walk *, const struct tree_node *);
static void	 walk_node_params(const struct walk *, const struct tree_node *,
		     struct probe_param **, size_t *);
static void	 walk_follow(struct walk *, const char *, const char *);
static void	 walk_choice_label(struct walk *, const struct tree_node *, const char *);
static char	*walk_fact_key(const struct tree_node *, const char *);
static void	 walk_facts_unset(struct walk *, const struct tree_node *);
static void	 walk_facts_restore(struct walk *, const struct tree_node *);
static void	 walk_drop_probes(struct walk *, size_t);
static void	 walk_outcome_build(struct walk *);
static void	 walk_outcome_also(struct walk *, struct walk_outcome *);
static const struct tree_node *walk_conclusion_for(const struct tree *, const char *);
static void	 walk_outcome_free(struct walk_outcome *);
static const struct tree_node *walk_expect(const struct walk *, enum tree_kind,
		    const char *);

struct walk *
walk_new(const struct tree *t, struct answers *as)
{
	struct walk	*w;

	if (t->start_node == NULL)
		fatalx("walk_new: tree \"%s\" has no start node (not checked?)", t->file);
	w = xcalloc(1, sizeof *w);
	w->tree = t;
	w->answers = as;
	w->ahead = ahead_new();
	walk_enter(w, t->start_node);
	return (w);
}

void
walk_free(struct walk *w)
{
	size_t	 i;

	if (w == NULL)
		return;
	ahead_free(w->ahead);
	walk_outcome_free(w->outcome);
	for (i = 0; i < w->nprobes; i++)
		probe_result_free(&w->probes[i].result);
	free(w->probes);
	free(w->steps);
	free(w);
}

const struct tree_node *
walk_current(const struct walk *w)
{
	return (w->current);
}

int
walk_done(const struct walk *w)
{
	return (w->current != NULL && w->current->kind == TREE_CONCLUSION);
}

const struct walk_outcome *
walk_outcome(const struct walk *w)
{
	return (w->outcome);
}

int
walk_exit_status(const struct walk *w)
{
	if (w->outcome == NULL)
		return (3);
	switch (w->outcome->verdict) {
	case TREE_VERDICT_HEALTHY:
		return (0);
	case TREE_VERDICT_FAULT:
		return (1);
	case TREE_VERDICT_INCONCLUSIVE:
		break;
	}
	return (3);
}

/* The current node, which the caller's contract says is of this kind. */
static const struct tree_node *
walk_expect(const struct walk *w, enum tree_kind kind, const char *fn)
{
	if (w->current == NULL || w->current->kind != kind)
		fatalx("%s: node \"%s\" is not a %s node", fn,
		    w->current == NULL ? "(none)" : w->current->id, tree_kind_name(kind));
	return (w->current);
}

static void
walk_enter(struct walk *w, const struct tree_node *n)
{
	if (w->nsteps == w->capsteps) {
		w->capsteps = w->capsteps == 0 ? 16 : w->capsteps * 2;
		w->steps = xreallocarray(w->steps, w->capsteps, sizeof *w->steps);
	}
	w->steps[w->nsteps].node = n;
	w->steps[w->nsteps].nprobes = w->nprobes;
	w->nsteps++;
	w->current = n;
	if (n->kind == TREE_CONCLUSION)
		walk_outcome_build(w);
}

/*
 * Takes the branch called label (or fallback when there is none). The loader made sure the
 * branches a walk can take exist and are resolved, so a miss here is a bug.
 */
static void
walk_follow(struct walk *w, const char *label, const char *fallback)
{
	const struct tree_branch	*b;

	b = tree_branch_find(w->current, label);
	if (b == NULL && fallback != NULL)
		b = tree_branch_find(w->current, fallback);
	if (b == NULL || b->node == NULL)
		fatalx("node \"%s\" has no usable branch \"%s\"", w->current->id, label);
	walk_enter(w, b->node);
}

/*
 * Keeps the label of the choice taken as KEY.label, so a conclusion can quote the user's
 * answer in the words they picked ("${client.changed.label}"). Stored like a probe fact:
 * the report's answers list only what the user gave.
 */
static void
walk_choice_label(struct walk *w, const struct tree_node *n, const char *value)
{
	char	*key;
	size_t	 i;

	for (i = 0; i < n->nchoices; i++) {
		if (strcmp(n->choices[i].value, value) != 0)
			continue;
		xasprintf(&key, "%s.label", n->key);
		answers_set(w->answers, key, n->choices[i].label, ANSWER_PROBE, 0);
		free(key);
		return;
	}
}

int
walk_answer(struct walk *w, const char *value, enum answer_origin origin, char **cause)
{
	const struct tree_node	*n;

	n = walk_expect(w, TREE_QUESTION, "walk_answer");
	if (value == NULL || strcmp(value, "dontknow") == 0) {
		answers_set(w->answers, n->key, "dontknow", ANSWER_DONTKNOW, 0);
		walk_follow(w, "dontknow", NULL);
		return (0);
	}
	if (tree_validate_answer(n, value, cause) != 0)
		return (-1);
	answers_set(w->answers, n->key, value, origin, n->qtype == TREE_Q_SECRET);

	switch (n->qtype) {
	case TREE_Q_CHOICE:
		walk_choice_label(w, n, value);
		walk_follow(w, value, "next");
		break;
	case TREE_Q_YESNO:
		walk_follow(w, value, "next");
		break;
	case TREE_Q_TEXT:
	case TREE_Q_SECRET:
	case TREE_QTYPE_COUNT:
		walk_follow(w, "next", NULL);
		break;
	}
	return (0);
}

void
walk_next(struct walk *w)
{
	walk_expect(w, TREE_INFO, "walk_next");
	walk_follow(w, "next", NULL);
}

static char *
walk_fact_key(const struct tree_node *n, const char *fact)
{
	char	*key;

	xasprintf(&key, "%s.%s", n->id, fact);
	return (key);
}

/* Removes every fact any run of probe node n stored. */
static void
walk_facts_unset(struct walk *w, const struct tree_node *n)
{
	const struct probe_result	*r;
	char				*key;
	size_t				 i, j;

	for (i = 0; i < w->nprobes; i++) {
		if (w->probes[i].node != n)
			continue;
		r = &w->probes[i].result;
		for (j = 0; j < r->nfacts; j++) {
			key = walk_fact_key(n, r->facts[j].key);
			answers_unset(w->answers, key);
			free(key);
		}
	}
}

/* Stores the facts of the latest kept run of probe node n (a loop may have run it twice). */
static void
walk_facts_restore(struct walk *w, const struct tree_node *n)
{
	const struct probe_result	*r;
	char				*key;
	size_t				 i, j;

	for (i = w->nprobes; i-- > 0;) {
		if (w->probes[i].node != n)
			continue;
		r = &w->probes[i].result;
		for (j = 0; j < r->nfacts; j++) {
			key = walk_fact_key(n, r->facts[j].key);
			answers_set(w->answers, key, r->facts[j].value, ANSWER_PROBE, 0);
			free(key);
		}
		return;
	}
}

/* Forgets the probes from index keep on, and the facts they stored. */
static void
walk_drop_probes(struct walk *w, size_t keep)
{
	const struct tree_node	**nodes;
	size_t			 i, j, nnodes = 0, all;

	if (keep >= w->nprobes)
		return;
	nodes = xcalloc(w->nprobes - keep, sizeof *nodes);
	for (i = keep; i < w->nprobes; i++) {
		for (j = 0; j < nnodes; j++) {
			if (nodes[j] == w->probes[i].node)
				break;
		}
		if (j == nnodes)
			nodes[nnodes++] = w->probes[i].node;
	}
	for (j = 0; j < nnodes; j++)
		walk_facts_unset(w, nodes[j]);

	all = w->nprobes;
	for (i = keep; i < all; i++)
		probe_result_free(&w->probes[i].result);
	w->nprobes = keep;
	for (j = 0; j < nnodes; j++)
		walk_facts_restore(w, nodes[j]);
	free(nodes);
}

int
walk_back(struct walk *w)
{
	const struct tree_node	*n;
	size_t			 i;

	if (w->nsteps < 2)
		return (-1);
	for (i = w->nsteps - 1; i-- > 0;) {
		n = w->steps[i].node;
		if (n->kind == TREE_QUESTION || n->kind == TREE_INFO)
			break;
	}
	if (i == (size_t)-1)
		return (-1);

	/* The answer given at steps[i] stays, so the question can show it again. */
	walk_drop_probes(w, w->steps[i].nprobes);
	/* What ran early ran with the answers the user is about to change. */
	ahead_clear(w->ahead);
	probe_forget();
	w->nsteps = i + 1;
	w->current = w->steps[i].node;
	walk_outcome_free(w->outcome);
	w->outcome = NULL;
	return (0);
}

/* The secret answer an argument template names whole ("${key}"), or NULL. */
static const struct answer *
walk_secret_arg(const struct walk *w, const char *tmpl)
{
	const struct answer	*a;
	char			*key;
	size_t			 len = strlen(tmpl);

	if (len < 4 || strncmp(tmpl, "${", 2) != 0 || tmpl[len - 1] != '}')
		return (NULL);
	key = xstrndup(tmpl + 2, len - 3);
	a = answers_find(w->answers, key);
	free(key);
	if (a == NULL || !a->secret || a->origin == ANSWER_DONTKNOW)
		return (NULL);
	return (a);
}

int
walk_probe_params(const struct walk *w, struct probe_param **params, size_t *nparams)
{
	walk_node_params(w, walk_expect(w, TREE_PROBE, "walk_probe_params"), params,
	    nparams);
	return (0);
}

void
walk_start_alongside(struct walk *w, const struct probe_env *env)
{
	const struct tree_node	*n, *m;
	const struct probe	*p;
	struct probe_param	*params;
	size_t			 i, nparams;

	n = walk_expect(w, TREE_PROBE, "walk_start_alongside");
	for (i = 0; i < n->nalongside; i++) {
		/* NULL only in a tree that failed its check, which never gets walked. */
		if ((m = n->alongside_node[i]) == NULL || (p = probe_find(m->probe)) == NULL)
			continue;
		walk_node_params(w, m, &params, &nparams);
		ahead_start(w->ahead, m, p, env, params, nparams);
		walk_params_free(params, nparams);
	}
}

static void
walk_node_params(const struct walk *w, const struct tree_node *n,
    struct probe_param **params, size_t *nparams)
{
	const struct answer	*a;
	struct probe_param	*p;
	size_t			 i;

	p = xcalloc(n->nargs, sizeof *p);
	for (i = 0; i < n->nargs; i++) {
		p[i].name = n->args[i].name;
		/*
		 * An argument that is exactly one secret answer ("${smtp.password}") is the
		 * only way a secret reaches a probe: answers_expand never reveals one, so it
		 * cannot leak into a title, evidence or a report through a template.
		 */
		if ((a = walk_secret_arg(w, n->args[i].value)) != NULL) {
			p[i].value = xstrdup(a->value);
			p[i].secret = 1;
			continue;
		}
		/* An unknown answer gives an empty value: the probe says what it lacks. */
		p[i].value = answers_expand(w->answers, n->args[i].value, "");
	}
	*params = p;
	*nparams = n->nargs;
}

void
walk_params_free(struct probe_param *params, size_t nparams)
{
	size_t	 i;

	for (i = 0; i < nparams; i++) {
		if (params[i].secret)
			secret_free((char *)params[i].value);
		else
			free((char *)params[i].value);
	}
	free(params);
}

void
walk_probe_finish(struct walk *w, struct probe_result *result)
{
	const struct tree_node		*n;
	const struct tree_branch	*b;
	struct walk_probe		*wp;
	char				*key;
	size_t				 i;

	n = walk_expect(w, TREE_PROBE, "walk_probe_finish");
	b = result->outcome != NULL ? tree_branch_find(n, result->outcome) : NULL;
	/* An optional outcome the tree does not name: its ordinary fallback is followed. */
	if (b == NULL && result->fallback != NULL)
		b = tree_branch_find(n, result->fallback);
	if (result->outcome == NULL || b == NULL || b->node == NULL)
		fatalx("probe \"%s\" gave outcome \"%s\", which node \"%s\" has no branch for",
		    n->probe, result->outcome == NULL ? "(none)" : result->outcome, n->id);

	/* A node run again (through a question loop) replaces the facts of its last run. */
	walk_facts_unset(w, n);
	if (w->nprobes == w->capprobes) {
		w->capprobes = w->capprobes == 0 ? 8 : w->capprobes * 2;
		w->probes = xreallocarray(w->probes, w->capprobes, sizeof *w->probes);
	}
	wp = &w->probes[w->nprobes++];
	wp->node = n;
	wp->probe = probe_find(n->probe);
	wp->result = *result;
	memset(result, 0, sizeof *result);

	for (i = 0; i < wp->result.nfacts; i++) {
		key = walk_fact_key(n, wp->result.facts[i].key);
		answers_set(w->answers, key, wp->result.facts[i].value, ANSWER_PROBE, 0);
		free(key);
	}
	walk_enter(w, b->node);
}

int
walk_run_probe(struct walk *w, const struct probe_env *env, char **cause)
{
	const struct tree_node	*n;
	const struct probe	*p;
	struct probe_param	*params;
	struct probe_result	 r;
	size_t			 nparams;
	long long		 start;
	int			 rc;

	n = walk_expect(w, TREE_PROBE, "walk_run_probe");
	if ((p = probe_find(n->probe)) == NULL) {
		xasprintf(cause, "unknown probe \"%s\"", n->probe);
		return (-1);
	}
	walk_probe_params(w, &params, &nparams);
	probe_result_init(&r);
	start = mono_ms();
	rc = ahead_run(w->ahead, n, p, env, params, nparams, &r, cause);
	walk_params_free(params, nparams);
	if (rc != 0) {
		probe_result_free(&r);
		return (-1);
	}
	/*
	 * A probe that times only part of its work (the port survey, its connects) says so
	 * itself; one that says nothing is timed here, so the report shows where time went.
	 */
	if (r.elapsed_ms == 0)
		r.elapsed_ms = mono_ms() - start;
	walk_probe_finish(w, &r);
	return (0);
}

static void
walk_outcome_build(struct walk *w)
{
	const struct tree_node	*n = w->current;
	const struct cause	*c;
	struct walk_outcome	*o;
	size_t			 i, j;

	walk_outcome_free(w->outcome);
	w->outcome = NULL;
	o = xcalloc(1, sizeof *o);
	o->node = n;
	o->verdict = n->ncauses != 0 ? TREE_VERDICT_FAULT : n->verdict;
	o->text = answers_expand(w->answers, n->text != NULL ? n->text : "", "(unknown)");
	for (i = 0; i < n->nevidence; i++)
		strlist_take(&o->evidence, answers_expand(w->answers, n->evidence[i],
		    "(unknown)"));
	for (i = 0; i < n->nfix; i++)
		strlist_take(&o->fix, answers_expand(w->answers, n->fix[i], "(unknown)"));

	o->causes = xcalloc(n->ncauses, sizeof *o->causes);
	for (i = 0; i < n->ncauses; i++) {
		if ((c = cause_find(n->causes[i])) == NULL)
			fatalx("node \"%s\": unknown cause \"%s\"", n->id, n->causes[i]);
		o->causes[i].cause = c;
		/*
		 * A conclusion's evidence and steps are about its most likely cause; the
		 * others are alternatives named for the report.
		 */
		if (i != 0)
			continue;
		for (j = 0; j < o->evidence.n; j++)
			strlist_add(&o->causes[i].evidence, o->evidence.v[j]);
		for (j = 0; j < o->fix.n; j++)
			strlist_add(&o->causes[i].fix, o->fix.v[j]);
	}
	o->ncauses = n->ncauses;
	walk_outcome_also(w, o);

	if (n->title != NULL)
		o->title = answers_expand(w->answers, n->title, "(unknown)");
	else if (n->ncauses != 0)
		o->title = xstrdup(o->causes[0].cause->title);
	else
		o->title = xstrdup("");
	w->outcome = o;
}

/*
 * Adds the causes the probes on the path also found (probe_result.also) after the
 * conclusion's own, which stay first: the conclusion is what the walk's branches point to,
 * the others were seen on the way. Each takes the evidence and steps of the tree's first
 * conclusion that names it as its main cause, so the words stay in the tree; a cause the
 * tree has no conclusion for is listed with the probe's own evidence. A conclusion without
 * a cause ("healthy", "inconclusive") becomes a fault when anything was found on the way.
 */
static void
walk_outcome_also(struct walk *w, struct walk_outcome *o)
{
	const struct tree_node	*cn;
	const struct cause	*c;
	struct walk_cause	*wc;
	const char		*id;
	size_t			 i, j, k;

	for (i = 0; i < w->nprobes; i++) {
		for (j = 0; j < w->probes[i].result.also.n; j++) {
			id = w->probes[i].result.also.v[j];
			if ((c = cause_find(id)) == NULL)
				fatalx("probe \"%s\": unknown cause \"%s\"",
				    w->probes[i].node->id, id);
			for (k = 0; k < o->ncauses; k++) {
				if (o->causes[k].cause == c)
					break;
			}
			if (k < o->ncauses)
				continue;
			o->causes = xreallocarray(o->causes, o->ncauses + 1, sizeof *o->causes);
			wc = &o->causes[o->ncauses++];
			o->nalso++;
			memset(wc, 0, sizeof *wc);
			wc->cause = c;
			if ((cn = walk_conclusion_for(w->tree, id)) == NULL) {
				for (k = 0; k < w->probes[i].result.evidence.n; k++)
					strlist_add(&wc->evidence,
					    w->probes[i].result.evidence.v[k]);
				continue;
			}
			for (k = 0; k < cn->nevidence; k++)
				strlist_take(&wc->evidence, answers_expand(w->answers,
				    cn->evidence[k], "(unknown)"));
			for (k = 0; k < cn->nfix; k++)
				strlist_take(&wc->fix, answers_expand(w->answers, cn->fix[k],
				    "(unknown)"));
		}
	}
	if (o->ncauses != 0)
		o->verdict = TREE_VERDICT_FAULT;
}

/* The first conclusion in file order whose main (first) cause is id, or NULL. */
static const struct tree_node *
walk_conclusion_for(const struct tree *t, const char *id)
{
	const struct tree_node	*n;
	size_t			 i;

	for (i = 0; i < t->nnodes; i++) {
		n = t->nodes[i];
		if (n->kind == TREE_CONCLUSION && n->ncauses != 0 &&
		    strcmp(n->causes[0], id) == 0)
			return (n);
	}
	return (NULL);
}

static void
walk_outcome_free(struct walk_outcome *o)
{
	size_t	 i;

	if (o == NULL)
		return;
	free(o->title);
	free(o->text);
	for (i = 0; i < o->ncauses; i++) {
		strlist_free(&o->causes[i].evidence);
		strlist_free(&o->causes[i].fix);
	}
	free(o->causes);
	strlist_free(&o->evidence);
	strlist_free(&o->fix);
	free(o);
}
