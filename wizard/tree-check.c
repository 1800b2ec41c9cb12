/* tree-check.c: the checks that need the whole tree: references, probes, causes, the graph. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "probe.h"
#include "tree.h"
#include "util.h"

/* A loop message names at most this many nodes: a long chain helps nobody fix it. */
#define TREE_LOOP_HEAD	4
#define TREE_LOOP_TAIL	3

/* A resolved branch, as an edge between node indexes. */
struct check_edge {
	size_t			 to;
	const struct tree_branch *b;
};

struct check_node {
	size_t	 first;		/* its edges: edges[first .. first + nedges) */
	size_t	 nedges;
	int	 dup;		/* a duplicate ID: ignored after it is reported */
	int	 reached;
	int	 color;		/* loop search: 0 unseen, 1 on the path, 2 done */
	size_t	 pathpos;
};

struct check_id {
	const char	*s;
	size_t		 i;	/* node index: the file order breaks ties */
};

struct check {
	struct tree			*t;
	const struct tree_node_lines	*lines;
	struct tree_errors		*e;
	struct check_id			*ids;		/* unique node IDs, sorted */
	size_t				 nids;
	struct check_node		*cn;
	struct check_edge		*edges;
	size_t				 nedges;
};

static int	 check_id_cmp(const void *, const void *);
static void	 check_index(struct check *);
static size_t	 check_lookup(const struct check *, const char *);
static void	 check_branches(struct check *);
static char	*check_branch_name(const struct tree_branch *);
static int	 check_label_is(const struct tree_branch *, const char *const *);
static int	 check_label_in(const char *, const char *const *);
static void	 check_question(struct check *, size_t);
static void	 check_choice(struct check *, size_t);
static void	 check_probe(struct check *, size_t);
static void	 check_alongside(struct check *, size_t);
static void	 check_conclusion(struct check *, size_t);
static void	 check_keys(struct check *);
static void	 check_reach(struct check *);
static int	 check_barrier(const struct check *, size_t);
static void	 check_loops(struct check *);
static void	 check_loop_found(struct check *, const size_t *, size_t, size_t,
		    const struct tree_branch *);

static int
check_id_cmp(const void *a, const void *b)
{
	const struct check_id	*ia = a, *ib = b;
	int			 r;

	if ((r = strcmp(ia->s, ib->s)) != 0)
		return (r);
	if (ia->i != ib->i)
		return (ia->i < ib->i ? -1 : 1);
	return (0);
}

/* Sorted IDs so 100000 nodes resolve in n log n, not n squared. */
static void
check_index(struct check *c)
{
	struct tree	*t = c->t;
	struct check_id	*all;
	size_t		 i, first = 0;

	all = xcalloc(t->nnodes, sizeof *all);
	for (i = 0; i < t->nnodes; i++) {
		all[i].s = t->nodes[i]->id;
		all[i].i = i;
	}
	qsort(all, t->nnodes, sizeof *all, check_id_cmp);

	c->ids = xcalloc(t->nnodes, sizeof *c->ids);
	c->nids = 0;
	for (i = 0; i < t->nnodes; i++) {
		if (c->nids != 0 && strcmp(all[i].s, all[first].s) == 0) {
			tree_error(c->e, t->nodes[all[i].i]->line, "duplicate node \"%s\" "
			    "(first defined at line %d)", all[i].s,
			    t->nodes[all[first].i]->line);
			c->cn[all[i].i].dup = 1;
			continue;
		}
		first = i;
		c->ids[c->nids++] = all[i];
	}
	free(all);
}

/* The index of the node with this ID, or (size_t)-1. */
static size_t
check_lookup(const struct check *c, const char *id)
{
	size_t	 lo = 0, hi = c->nids, mid;
	int	 r;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((r = strcmp(id, c->ids[mid].s)) == 0)
			return (c->ids[mid].i);
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ((size_t)-1);
}

/* "Next" or "On-LABEL", as the file spells it. */
static char *
check_branch_name(const struct tree_branch *b)
{
	char	*s;

	if (strcmp(b->label, "next") == 0)
		return (xstrdup("Next"));
	xasprintf(&s, "On-%s", b->label);
	return (s);
}

static void
check_branches(struct check *c)
{
	struct tree		*t = c->t;
	struct tree_node	*n;
	struct tree_branch	*b;
	char			*name, *q;
	size_t			 i, j, to, total = 0;

	for (i = 0; i < t->nnodes; i++)
		total += t->nodes[i]->nbranches;
	c->edges = xcalloc(total, sizeof *c->edges);
	c->nedges = 0;
	for (i = 0; i < t->nnodes; i++) {
		n = t->nodes[i];
		c->cn[i].first = c->nedges;
		for (j = 0; j < n->nbranches; j++) {
			b = &n->branches[j];
			if ((to = check_lookup(c, b->target)) == (size_t)-1) {
				/* The target is the file's text: quoted, so a line break or
				   an escape in it cannot forge a line of the messages. */
				name = check_branch_name(b);
				q = tree_quote(b->target);
				b->node = NULL;
				tree_error(c->e, b->line, "branch \"%s\" goes to missing node %s",
				    name, q);
				free(q);
				free(name);
				continue;
			}
			b->node = t->nodes[to];
			c->edges[c->nedges].to = to;
			c->edges[c->nedges].b = b;
			c->nedges++;
		}
		c->cn[i].nedges = c->nedges - c->cn[i].first;
	}
}

/* 1 if label is one of labels (NULL-terminated). */
static int
check_label_in(const char *label, const char *const *labels)
{
	for (; *labels != NULL; labels++)
		if (strcmp(label, *labels) == 0)
			return (1);
	return (0);
}

static int
check_label_is(const struct tree_branch *b, const char *const *labels)
{
	for (; *labels != NULL; labels++) {
		if (strcmp(b->label, *labels) == 0)
			return (1);
	}
	return (0);
}

static void
check_choice(struct check *c, size_t i)
{
	const struct tree_node		*n = c->t->nodes[i];
	const struct tree_node_lines	*nl = &c->lines[i];
	const struct tree_branch	*b;
	char				*name, *list;
	size_t				 j, k, len;
	int				 has_next;

	if (n->nchoices < 2)
		tree_error(c->e, nl->type, "choice question \"%s\" needs at least two "
		    "\"Choice:\" lines", n->id);
	has_next = tree_branch_find(n, "next") != NULL;
	for (j = 0; j < n->nchoices; j++) {
		if (!has_next && tree_branch_find(n, n->choices[j].value) == NULL)
			tree_error(c->e, nl->choices[j], "choice \"%s\" of question \"%s\" has "
			    "no branch (add \"On-%s:\" or \"Next:\")", n->choices[j].value,
			    n->id, n->choices[j].value);
	}

	len = 1;
	for (j = 0; j < n->nchoices; j++)
		len += strlen(n->choices[j].value) + 2;
	list = xmalloc(len);
	list[0] = '\0';
	for (j = 0; j < n->nchoices; j++) {
		if (j != 0)
			strcat(list, ", ");
		strcat(list, n->choices[j].value);
	}
	for (j = 0; j < n->nbranches; j++) {
		b = &n->branches[j];
		if (strcmp(b->label, "next") == 0 || strcmp(b->label, "dontknow") == 0)
			continue;
		for (k = 0; k < n->nchoices; k++) {
			if (strcmp(b->label, n->choices[k].value) == 0)
				break;
		}
		if (k != n->nchoices)
			continue;
		name = check_branch_name(b);
		tree_error(c->e, b->line, "branch \"%s\" matches no choice of question \"%s\" "
		    "(its choices: %s)", name, n->id, list);
		free(name);
	}
	free(list);
}

static void
check_question(struct check *c, size_t i)
{
	static const char *const	 yesno[] = { "yes", "no", "dontknow", "next", NULL };
	static const char *const	 text[] = { "dontknow", "next", NULL };
	const struct tree_node		*n = c->t->nodes[i];
	const struct tree_node_lines	*nl = &c->lines[i];
	const struct tree_branch	*b;
	char				*name;
	size_t				 j;
	int				 has_next;

	if (tree_branch_find(n, "dontknow") == NULL)
		tree_error(c->e, n->line, "question \"%s\" has no \"On-dontknow:\" branch (the "
		    "\"I don't know\" path every question needs)", n->id);
	if (nl->key == 0)
		tree_error(c->e, n->line, "question \"%s\" has no \"Key:\" line (the name its "
		    "answer is stored under)", n->id);
	if (nl->type == 0) {
		tree_error(c->e, n->line, "question \"%s\" has no \"Type:\" line", n->id);
		return;
	}

	has_next = tree_branch_find(n, "next") != NULL;
	switch (n->qtype) {
	case TREE_Q_CHOICE:
		check_choice(c, i);
		return;
	case TREE_Q_YESNO:
		if (!has_next && tree_branch_find(n, "yes") == NULL)
			tree_error(c->e, nl->type, "yes/no question \"%s\" has no branch for "
			    "\"yes\" (add \"On-yes:\" or \"Next:\")", n->id);
		if (!has_next && tree_branch_find(n, "no") == NULL)
			tree_error(c->e, nl->type, "yes/no question \"%s\" has no branch for "
			    "\"no\" (add \"On-no:\" or \"Next:\")", n->id);
		for (j = 0; j < n->nbranches; j++) {
			b = &n->branches[j];
			if (check_label_is(b, yesno))
				continue;
			name = check_branch_name(b);
			tree_error(c->e, b->line, "branch \"%s\" does not fit a yes/no question "
			    "(only \"On-yes:\", \"On-no:\", \"On-dontknow:\" and \"Next:\")",
			    name);
			free(name);
		}
		return;
	case TREE_Q_TEXT:
	case TREE_Q_SECRET:
		if (!has_next)
			tree_error(c->e, nl->type, "%s question \"%s\" has no \"Next:\" line "
			    "(where a typed answer goes)", tree_qtype_name(n->qtype), n->id);
		for (j = 0; j < n->nbranches; j++) {
			b = &n->branches[j];
			if (check_label_is(b, text))
				continue;
			name = check_branch_name(b);
			tree_error(c->e, b->line, "branch \"%s\" does not fit a %s question "
			    "(only \"On-dontknow:\" and \"Next:\")", name,
			    tree_qtype_name(n->qtype));
			free(name);
		}
		return;
	case TREE_QTYPE_COUNT:
		break;
	}
}

/* Alongside: names other probe nodes of the tree (started early, so never a question). */
static void
check_alongside(struct check *c, size_t i)
{
	struct tree_node	*n = c->t->nodes[i];
	char			*q;
	size_t			 j, to;

	if (n->nalongside == 0)
		return;
	n->alongside_node = xcalloc(n->nalongside, sizeof *n->alongside_node);
	for (j = 0; j < n->nalongside; j++) {
		q = tree_quote(n->alongside[j]);
		if ((to = check_lookup(c, n->alongside[j])) == (size_t)-1)
			tree_error(c->e, n->alongside_line, "\"Alongside:\" names missing "
			    "node %s", q);
		else if (c->t->nodes[to]->kind != TREE_PROBE)
			tree_error(c->e, n->alongside_line, "\"Alongside:\" names %s, which "
			    "is not a probe node", q);
		else if (to == i)
			tree_error(c->e, n->alongside_line, "\"Alongside:\" names the node "
			    "itself");
		else
			n->alongside_node[j] = c->t->nodes[to];
		free(q);
	}
}

static void
check_probe(struct check *c, size_t i)
{
	const struct tree_node		*n = c->t->nodes[i];
	const struct tree_node_lines	*nl = &c->lines[i];
	const struct tree_branch	*b;
	const struct probe		*p;
	const struct probe_param_spec	*ps;
	const char *const		*o;
	char				*q, *params, *outcomes;
	size_t				 j, len;

	check_alongside(c, i);
	if (n->probe == NULL) {
		tree_error(c->e, n->line, "probe node \"%s\" has no \"Probe:\" line", n->id);
		return;
	}
	if ((p = probe_find(n->probe)) == NULL) {
		q = tree_quote(n->probe);
		tree_error(c->e, nl->probe, "unknown probe %s", q);
		free(q);
		return;
	}

	len = 1;
	for (ps = p->params; ps->name != NULL; ps++)
		len += strlen(ps->name) + 2;
	params = xmalloc(len);
	params[0] = '\0';
	for (ps = p->params; ps->name != NULL; ps++) {
		if (ps != p->params)
			strcat(params, ", ");
		strcat(params, ps->name);
	}
	for (j = 0; j < n->nargs; j++) {
		for (ps = p->params; ps->name != NULL; ps++) {
			if (strcmp(ps->name, n->args[j].name) == 0)
				break;
		}
		if (ps->name == NULL)
			tree_error(c->e, nl->args[j], "probe \"%s\" has no parameter \"%s\" "
			    "(its parameters: %s)", p->name, n->args[j].name, params);
	}
	free(params);
	for (ps = p->params; ps->name != NULL; ps++) {
		if (!ps->required)
			continue;
		for (j = 0; j < n->nargs; j++) {
			if (strcmp(ps->name, n->args[j].name) == 0)
				break;
		}
		if (j == n->nargs)
			tree_error(c->e, nl->probe, "probe \"%s\" needs parameter \"%s\" (add "
			    "\"Arg: %s=...\")", p->name, ps->name, ps->name);
	}

	len = 1;
	for (o = p->outcomes; *o != NULL; o++) {
		len += strlen(*o) + 2;
		if (tree_branch_find(n, *o) == NULL &&
		    (p->optional == NULL || !check_label_in(*o, p->optional)))
			tree_error(c->e, nl->probe, "probe \"%s\" outcome \"%s\" has no branch "
			    "(add \"On-%s:\")", p->name, *o, *o);
	}
	outcomes = xmalloc(len);
	outcomes[0] = '\0';
	for (o = p->outcomes; *o != NULL; o++) {
		if (o != p->outcomes)
			strcat(outcomes, ", ");
		strcat(outcomes, *o);
	}
	for (j = 0; j < n->nbranches; j++) {
		b = &n->branches[j];
		if (!check_label_is(b, p->outcomes))
			tree_error(c->e, b->line, "probe \"%s\" has no outcome \"%s\" (its "
			    "outcomes: %s)", p->name, b->label, outcomes);
	}
	free(outcomes);
}

static void
check_conclusion(struct check *c, size_t i)
{
	const struct tree_node		*n = c->t->nodes[i];
	const struct tree_node_lines	*nl = &c->lines[i];
	char				*q;
	size_t				 j;

	for (j = 0; j < n->ncauses; j++) {
		if (cause_find(n->causes[j]) != NULL)
			continue;
		q = tree_quote(n->causes[j]);
		tree_error(c->e, nl->causes[j], "unknown cause %s", q);
		free(q);
	}
}

/* Two questions storing one key would overwrite each other's answers. */
static void
check_keys(struct check *c)
{
	struct tree	*t = c->t;
	struct check_id	*keys;
	size_t		 i, nkeys = 0, first = 0;

	keys = xcalloc(t->nnodes, sizeof *keys);
	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i]->kind != TREE_QUESTION || t->nodes[i]->key == NULL ||
		    c->lines[i].bad || c->cn[i].dup)
			continue;
		keys[nkeys].s = t->nodes[i]->key;
		keys[nkeys].i = i;
		nkeys++;
	}
	qsort(keys, nkeys, sizeof *keys, check_id_cmp);
	for (i = 0; i < nkeys; i++) {
		if (i != 0 && strcmp(keys[i].s, keys[first].s) == 0) {
			tree_error(c->e, c->lines[keys[i].i].key, "duplicate answer key \"%s\" "
			    "(also asked by node \"%s\" at line %d)", keys[i].s,
			    t->nodes[keys[first].i]->id, t->nodes[keys[first].i]->line);
			continue;
		}
		first = i;
	}
	free(keys);
}

/* Depth-first from Start: with an explicit stack, so a deep chain cannot overflow ours. */
static void
check_reach(struct check *c)
{
	struct tree	*t = c->t;
	size_t		*stack, sp = 0, u, j, start;

	if (t->start_node == NULL)
		return;
	start = check_lookup(c, t->start);
	stack = xcalloc(t->nnodes, sizeof *stack);
	c->cn[start].reached = 1;
	stack[sp++] = start;
	while (sp > 0) {
		u = stack[--sp];
		for (j = 0; j < c->cn[u].nedges; j++) {
			const struct check_edge	*e = &c->edges[c->cn[u].first + j];

			if (c->cn[e->to].reached)
				continue;
			c->cn[e->to].reached = 1;
			stack[sp++] = e->to;
		}
	}
	free(stack);

	for (j = 0; j < t->nnodes; j++) {
		if (!c->cn[j].reached && !c->cn[j].dup)
			tree_error(c->e, t->nodes[j]->line, "node \"%s\" is not reachable from "
			    "the start node \"%s\"", t->nodes[j]->id, t->start);
	}
}

/* A question stops a loop (the user chooses); so does a node already reported as broken. */
static int
check_barrier(const struct check *c, size_t i)
{
	return (c->t->nodes[i]->kind == TREE_QUESTION || c->lines[i].bad || c->cn[i].dup);
}

static void
check_loop_found(struct check *c, const size_t *path, size_t from, size_t to,
    const struct tree_branch *b)
{
	struct strlist	 parts = { NULL, 0, 0 };
	char		*s, *p;
	size_t		 i, k, len;

	/* path[from .. to] is the loop; it closes back on path[from]. */
	k = to - from + 1;
	for (i = from; i <= to; i++) {
		if (k > TREE_LOOP_HEAD + TREE_LOOP_TAIL && i == from + TREE_LOOP_HEAD) {
			strlist_add(&parts, "...");
			i = to - TREE_LOOP_TAIL;
			continue;
		}
		strlist_add(&parts, c->t->nodes[path[i]]->id);
	}
	strlist_add(&parts, c->t->nodes[path[from]]->id);

	len = 1;
	for (i = 0; i < parts.n; i++)
		len += strlen(parts.v[i]) + 4;
	s = p = xmalloc(len);
	for (i = 0; i < parts.n; i++) {
		if (i != 0) {
			memcpy(p, " -> ", 4);
			p += 4;
		}
		memcpy(p, parts.v[i], strlen(parts.v[i]));
		p += strlen(parts.v[i]);
	}
	*p = '\0';
	tree_error(c->e, b->line, "loop with no question in it: %s", s);
	free(s);
	strlist_free(&parts);
}

/*
 * A cycle of info and probe nodes would run probes (or show screens) forever without the
 * user choosing anything. Depth-first search over the nodes that are not questions, with an
 * explicit stack: an edge back to a node still on the path closes such a loop.
 */
static void
check_loops(struct check *c)
{
	struct tree			*t = c->t;
	const struct check_edge		*e;
	size_t				*path, *cursor, sp, root, u, v;

	path = xcalloc(t->nnodes, sizeof *path);
	cursor = xcalloc(t->nnodes, sizeof *cursor);
	for (root = 0; root < t->nnodes; root++) {
		if (check_barrier(c, root) || c->cn[root].color != 0)
			continue;
		sp = 0;
		c->cn[root].color = 1;
		c->cn[root].pathpos = 0;
		path[sp] = root;
		cursor[sp] = 0;
		sp++;
		while (sp > 0) {
			u = path[sp - 1];
			if (cursor[sp - 1] == c->cn[u].nedges) {
				c->cn[u].color = 2;
				sp--;
				continue;
			}
			e = &c->edges[c->cn[u].first + cursor[sp - 1]++];
			v = e->to;
			if (check_barrier(c, v))
				continue;
			if (c->cn[v].color == 1)
				check_loop_found(c, path, c->cn[v].pathpos, sp - 1, e->b);
			else if (c->cn[v].color == 0) {
				c->cn[v].color = 1;
				c->cn[v].pathpos = sp;
				path[sp] = v;
				cursor[sp] = 0;
				sp++;
			}
		}
	}
	free(cursor);
	free(path);
}

void
tree_check(struct tree *t, int start_line, const struct tree_node_lines *lines,
    struct tree_errors *e)
{
	struct check	 c;
	struct tree_node *n;
	size_t		 i, start;

	memset(&c, 0, sizeof c);
	c.t = t;
	c.lines = lines;
	c.e = e;
	c.cn = xcalloc(t->nnodes, sizeof *c.cn);

	check_index(&c);
	t->start_node = NULL;
	if (t->start != NULL) {
		if ((start = check_lookup(&c, t->start)) == (size_t)-1)
			tree_error(e, start_line, "start node \"%s\" does not exist", t->start);
		else
			t->start_node = t->nodes[start];
	}
	check_branches(&c);

	for (i = 0; i < t->nnodes; i++) {
		n = t->nodes[i];
		if (c.cn[i].dup)
			continue;
		if (n->title == NULL && !(n->kind == TREE_CONCLUSION && n->ncauses != 0))
			tree_error(e, n->line, "node \"%s\" has no \"Title:\" line", n->id);
		if (lines[i].bad)
			continue;
		switch (n->kind) {
		case TREE_QUESTION:
			check_question(&c, i);
			break;
		case TREE_PROBE:
			check_probe(&c, i);
			break;
		case TREE_CONCLUSION:
			check_conclusion(&c, i);
			break;
		case TREE_INFO:
			if (tree_branch_find(n, "next") == NULL)
				tree_error(e, n->line, "info node \"%s\" has no \"Next:\" line",
				    n->id);
			break;
		case TREE_KIND_COUNT:
			break;
		}
	}
	check_keys(&c);
	check_reach(&c);
	check_loops(&c);

	free(c.edges);
	free(c.ids);
	free(c.cn);
}
