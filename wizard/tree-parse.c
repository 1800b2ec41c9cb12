/* tree-parse.c: reads a tree file (RFC 822-style stanzas, see wizard/README) into the model. */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tree.h"
#include "util.h"

/* A tree is a few hundred lines; anything this big is a mistake or an attack. */
#define TREE_MAX_FILE	(4 * 1024 * 1024)
/* Enough to fix a file in a few rounds without letting a broken one flood the screen. */
#define TREE_MAX_ERRORS	100
/* Node IDs and labels are echoed as written: a 4 MiB ID must not give 4 MiB messages. */
#define TREE_MAX_MESSAGE	500

struct tree_error_line {
	int	 line;
	size_t	 seq;		/* keeps problems on one line in the order found */
	char	*msg;
};

struct tree_errors {
	const char		*file;
	struct tree_error_line	*v;
	size_t			 n;
	size_t			 cap;
	size_t			 dropped;
};

enum tree_key {
	TK_TREE,
	TK_START,
	TK_NODE,
	TK_KIND,
	TK_TITLE,
	TK_TEXT,
	TK_HELP,
	TK_SECTION,
	TK_TYPE,
	TK_KEY,
	TK_FORMAT,
	TK_CHOICE,
	TK_NEXT,
	TK_ON,
	TK_PROBE,
	TK_ARG,
	TK_ALONGSIDE,
	TK_CAUSE,
	TK_VERDICT,
	TK_EVIDENCE,
	TK_FIX,
	TK_COUNT,
	TK_BAD		/* a line already reported; its continuation lines are ignored */
};

#define TK_Q	(1 << TREE_QUESTION)
#define TK_P	(1 << TREE_PROBE)
#define TK_C	(1 << TREE_CONCLUSION)
#define TK_I	(1 << TREE_INFO)
#define TK_ALL	(TK_Q | TK_P | TK_C | TK_I)

struct tree_keyinfo {
	const char	*name;
	int		 single;	/* at most once in a stanza */
	int		 multiline;	/* may continue on the next lines */
	int		 kinds;		/* the node kinds it belongs to; 0 = header */
};

static const struct tree_keyinfo tree_keys[] = {
	[TK_TREE] =	{ "Tree", 1, 0, 0 },
	[TK_START] =	{ "Start", 1, 0, 0 },
	[TK_NODE] =	{ "Node", 1, 0, TK_ALL },
	[TK_KIND] =	{ "Kind", 1, 0, TK_ALL },
	[TK_TITLE] =	{ "Title", 1, 0, TK_ALL },
	[TK_TEXT] =	{ "Text", 1, 1, TK_ALL },
	[TK_HELP] =	{ "Help", 1, 1, TK_Q },
	[TK_SECTION] =	{ "Section", 1, 0, TK_ALL },
	[TK_TYPE] =	{ "Type", 1, 0, TK_Q },
	[TK_KEY] =	{ "Key", 1, 0, TK_Q },
	[TK_FORMAT] =	{ "Format", 1, 0, TK_Q },
	[TK_CHOICE] =	{ "Choice", 0, 0, TK_Q },
	[TK_NEXT] =	{ "Next", 1, 0, TK_Q | TK_I },
	[TK_ON] =	{ "On-", 0, 0, TK_Q | TK_P },
	[TK_PROBE] =	{ "Probe", 1, 0, TK_P },
	[TK_ARG] =	{ "Arg", 0, 0, TK_P },
	[TK_ALONGSIDE] = { "Alongside", 1, 0, TK_P },
	[TK_CAUSE] =	{ "Cause", 0, 0, TK_C },
	[TK_VERDICT] =	{ "Verdict", 1, 0, TK_C },
	[TK_EVIDENCE] =	{ "Evidence", 0, 1, TK_C },
	[TK_FIX] =	{ "Fix", 0, 1, TK_C },
};
_Static_assert(sizeof tree_keys / sizeof tree_keys[0] == TK_COUNT, "one entry per tree_key");

/* One "Key: value" line and its continuation lines. */
struct tree_field {
	enum tree_key	 key;
	char		*name;		/* as written: "On-timeout" */
	char		*value;
	size_t		 len;
	size_t		 cap;
	int		 started;	/* value has a first line, even an empty one */
	int		 line;
	int		 cont_line;	/* the first continuation line, 0 without one */
};

struct tree_stanza {
	struct tree_field	*v;
	size_t			 n;
	size_t			 cap;
	int			 line;		/* of its first key */
};

struct tree_parser {
	struct tree		*t;
	struct tree_errors	*e;
	struct tree_stanza	 st;
	size_t			 nstanzas;
	int			 start_line;
	struct tree_node_lines	*lines;		/* parallel to t->nodes */
	size_t			 capnodes;
};

static char	*tree_errors_join(struct tree_errors *);
static int	 tree_error_cmp(const void *, const void *);
static void	 tree_errors_free(struct tree_errors *);
static int	 tree_is_name(const char *, size_t, int);
static int	 tree_text_check(const char *, size_t, struct tree_errors *);
static void	 tree_parse_line(struct tree_parser *, const char *, size_t, int);
static void	 tree_field_append(struct tree_field *, const char *, size_t);
static void	 tree_stanza_end(struct tree_parser *);
static void	 tree_parse_header(struct tree_parser *);
static void	 tree_parse_node(struct tree_parser *);
static void	 tree_parse_field(struct tree_parser *, struct tree_node *,
		    struct tree_node_lines *, struct tree_field *);
static void	 tree_parse_choice(struct tree_parser *, struct tree_node *,
		    struct tree_node_lines *, struct tree_field *);
static void	 tree_parse_arg(struct tree_parser *, struct tree_node *,
		    struct tree_node_lines *, struct tree_field *);
static void	 tree_parse_branch(struct tree_parser *, struct tree_node *,
		    struct tree_field *);
static void	 tree_parse_alongside(struct tree_parser *, struct tree_node *,
		    struct tree_field *);
static int	 tree_lookup_name(const char *, const char *(*)(int), int);
static const char *tree_kind_name_int(int);
static const char *tree_qtype_name_int(int);
static const char *tree_format_name_int(int);

void
tree_error(struct tree_errors *e, int line, const char *fmt, ...)
{
	va_list			 ap;
	struct tree_error_line	*el;
	int			 len, cut;

	if (e->n >= TREE_MAX_ERRORS) {
		e->dropped++;
		return;
	}
	if (e->n == e->cap) {
		e->cap = e->cap == 0 ? 16 : e->cap * 2;
		e->v = xreallocarray(e->v, e->cap, sizeof *e->v);
	}
	el = &e->v[e->n];
	el->line = line;
	el->seq = e->n;
	va_start(ap, fmt);
	len = xvasprintf(&el->msg, fmt, ap);
	va_end(ap);
	if (len > TREE_MAX_MESSAGE + 3) {
		cut = TREE_MAX_MESSAGE;
		while (cut > 0 && (el->msg[cut] & 0xc0) == 0x80)
			cut--;
		memcpy(el->msg + cut, "...", 4);
	}
	e->n++;
}

static int
tree_error_cmp(const void *a, const void *b)
{
	const struct tree_error_line	*ea = a, *eb = b;

	if (ea->line != eb->line)
		return (ea->line < eb->line ? -1 : 1);
	if (ea->seq != eb->seq)
		return (ea->seq < eb->seq ? -1 : 1);
	return (0);
}

static char *
tree_errors_join(struct tree_errors *e)
{
	struct strlist	 out = { NULL, 0, 0 };
	char		*s, *p;
	size_t		 i, len, n;

	qsort(e->v, e->n, sizeof *e->v, tree_error_cmp);
	for (i = 0; i < e->n; i++)
		strlist_addf(&out, "%s:%d: %s", e->file, e->v[i].line, e->v[i].msg);
	if (e->dropped != 0)
		strlist_addf(&out, "%s: %zu more problems not shown", e->file, e->dropped);

	len = 1;
	for (i = 0; i < out.n; i++)
		len += strlen(out.v[i]) + 1;
	s = p = xmalloc(len);
	for (i = 0; i < out.n; i++) {
		if (i != 0)
			*p++ = '\n';
		n = strlen(out.v[i]);
		memcpy(p, out.v[i], n);
		p += n;
	}
	*p = '\0';
	strlist_free(&out);
	return (s);
}

static void
tree_errors_free(struct tree_errors *e)
{
	size_t	 i;

	for (i = 0; i < e->n; i++)
		free(e->v[i].msg);
	free(e->v);
}

/* Letters, digits, '-', '_' and '.' (node IDs, answer keys, choice values, key names). */
static int
tree_is_name(const char *s, size_t len, int letter_first)
{
	size_t	 i;
	char	 c;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if (i == 0 && letter_first)
			return (0);
		if ((c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			continue;
		return (0);
	}
	return (1);
}

/*
 * The whole file must be UTF-8 text before any of it is read as a tree: a NUL, a stray
 * byte or a terminal escape means it is not the file the user meant, and showing its text
 * later could drive the terminal. Only the first problem is reported: after it the rest is
 * most likely binary noise.
 */
static int
tree_text_check(const char *buf, size_t len, struct tree_errors *e)
{
	size_t		 i, n;
	unsigned int	 cp;
	int		 line = 1;

	for (i = 0; i < len; i += n) {
		if (buf[i] == '\0') {
			tree_error(e, line, "NUL byte: a tree file must be UTF-8 text");
			return (-1);
		}
		if ((n = tree_utf8_next(buf + i, len - i, &cp)) == 0) {
			tree_error(e, line, "invalid UTF-8 (byte 0x%02x): a tree file must be "
			    "UTF-8 text", (unsigned char)buf[i]);
			return (-1);
		}
		if (cp == '\n' && line < INT_MAX)
			line++;
		else if (cp == '\r' && i + 1 < len && buf[i + 1] == '\n')
			continue;
		else if (cp == '\r' && i + 1 == len)
			continue;
		else if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0)) {
			tree_error(e, line, "control character 0x%02x: a tree file must be "
			    "plain text", cp);
			return (-1);
		}
	}
	return (0);
}

static void
tree_field_append(struct tree_field *f, const char *s, size_t len)
{
	size_t	 need;

	need = f->len + len + 2;
	if (need > f->cap) {
		f->cap = f->cap == 0 ? 64 : f->cap;
		while (f->cap < need)
			f->cap *= 2;
		f->value = xreallocarray(f->value, f->cap, 1);
	}
	if (f->started)
		f->value[f->len++] = '\n';
	memcpy(f->value + f->len, s, len);
	f->len += len;
	f->value[f->len] = '\0';
	f->started = 1;
}

static void
tree_parse_line(struct tree_parser *p, const char *l, size_t n, int lineno)
{
	struct tree_stanza	*st = &p->st;
	struct tree_field	*f;
	const char		*colon, *v;
	size_t			 klen, vlen;
	enum tree_key		 k;
	char			*name;

	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (n == 0) {
		tree_stanza_end(p);
		return;
	}
	if (l[0] == '#')
		return;

	if (l[0] == ' ' || l[0] == '\t') {
		if (st->n == 0) {
			tree_error(p->e, lineno, "continuation line with no \"Key:\" line "
			    "before it");
			return;
		}
		f = &st->v[st->n - 1];
		if (f->cont_line == 0)
			f->cont_line = lineno;
		/*
		 * A one-line key keeps its first line (the continuation is reported later):
		 * a line break in a node ID or target would forge lines in the messages.
		 */
		if (f->key == TK_BAD || !tree_keys[f->key].multiline)
			return;
		while (n > 0 && (*l == ' ' || *l == '\t')) {
			l++;
			n--;
		}
		/* debconf's convention: " ." is an empty line inside the value. */
		if (n == 1 && *l == '.')
			n = 0;
		/* An empty first line still counts, so the next one goes below it. */
		if (!f->started && n == 0)
			f->started = 1;
		else
			tree_field_append(f, l, n);
		return;
	}

	if (st->n == st->cap) {
		st->cap = st->cap == 0 ? 16 : st->cap * 2;
		st->v = xreallocarray(st->v, st->cap, sizeof *st->v);
	}
	if (st->n == 0)
		st->line = lineno;
	f = &st->v[st->n++];
	memset(f, 0, sizeof *f);
	f->line = lineno;
	f->key = TK_BAD;

	colon = memchr(l, ':', n);
	klen = colon == NULL ? 0 : (size_t)(colon - l);
	if (colon == NULL || !tree_is_name(l, klen, 1)) {
		tree_error(p->e, lineno, "expected \"Key: value\", a continuation line "
		    "starting with a space, a \"#\" comment or a blank line");
		return;
	}
	name = xstrndup(l, klen);
	f->name = name;
	if (klen > 3 && strncmp(name, "On-", 3) == 0)
		f->key = TK_ON;
	else {
		for (k = 0; k < TK_COUNT; k++) {
			if (k != TK_ON && strcmp(tree_keys[k].name, name) == 0) {
				f->key = k;
				break;
			}
		}
		if (f->key == TK_BAD) {
			tree_error(p->e, lineno, "unknown key \"%s\"", name);
			return;
		}
	}
	v = colon + 1;
	vlen = n - klen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	if (vlen > 0)
		tree_field_append(f, v, vlen);
	else {
		f->value = xstrdup("");
		f->cap = 1;
	}
}

static void
tree_stanza_end(struct tree_parser *p)
{
	struct tree_stanza	*st = &p->st;
	size_t			 i;
	int			 has_node, has_tree;

	if (st->n == 0)
		return;
	if (p->nstanzas == 0) {
		has_node = has_tree = 0;
		for (i = 0; i < st->n; i++) {
			if (st->v[i].key == TK_NODE)
				has_node = 1;
			if (st->v[i].key == TK_TREE || st->v[i].key == TK_START)
				has_tree = 1;
		}
		if (has_node && !has_tree) {
			tree_error(p->e, st->line, "the first stanza must be the header "
			    "(\"Tree:\" and \"Start:\"), not a node");
			tree_parse_node(p);
		} else
			tree_parse_header(p);
	} else
		tree_parse_node(p);
	p->nstanzas++;

	for (i = 0; i < st->n; i++) {
		free(st->v[i].name);
		free(st->v[i].value);
	}
	st->n = 0;
}

static void
tree_parse_header(struct tree_parser *p)
{
	struct tree_stanza	*st = &p->st;
	struct tree_field	*f;
	size_t			 i;
	int			 tree_line = 0;

	for (i = 0; i < st->n; i++) {
		f = &st->v[i];
		if (f->key == TK_BAD)
			continue;
		if (f->key != TK_TREE && f->key != TK_START) {
			tree_error(p->e, f->line, "\"%s:\" does not belong in the header (the "
			    "first stanza, with \"Tree:\" and \"Start:\")", f->name);
			continue;
		}
		if ((f->key == TK_TREE && tree_line != 0) ||
		    (f->key == TK_START && p->start_line != 0)) {
			tree_error(p->e, f->line, "duplicate \"%s:\" (first at line %d)",
			    f->name, f->key == TK_TREE ? tree_line : p->start_line);
			continue;
		}
		if (f->key == TK_TREE)
			tree_line = f->line;
		else
			p->start_line = f->line;
		if (f->cont_line != 0)
			tree_error(p->e, f->cont_line, "\"%s:\" takes one line", f->name);
		if (*f->value == '\0') {
			tree_error(p->e, f->line, "\"%s:\" has no value", f->name);
			continue;
		}
		if (f->key == TK_TREE)
			p->t->name = xstrdup(f->value);
		else
			p->t->start = xstrdup(f->value);
	}
	if (tree_line == 0)
		tree_error(p->e, st->line, "the header has no \"Tree:\" line");
	if (p->start_line == 0)
		tree_error(p->e, st->line, "the header has no \"Start:\" line");
}

static const char *
tree_kind_name_int(int i)
{
	return (tree_kind_name((enum tree_kind)i));	/* 0 to TREE_KIND_COUNT - 1 */
}

static const char *
tree_qtype_name_int(int i)
{
	return (tree_qtype_name((enum tree_qtype)i));	/* 0 to TREE_QTYPE_COUNT - 1 */
}

static const char *
tree_format_name_int(int i)
{
	return (tree_format_name((enum tree_format)i));	/* 0 to TREE_FORMAT_COUNT - 1 */
}

/* The enum value whose name is s, or -1. */
static int
tree_lookup_name(const char *s, const char *(*name)(int), int count)
{
	int	 i;

	for (i = 0; i < count; i++) {
		if (strcmp(name(i), s) == 0)
			return (i);
	}
	return (-1);
}

static void
tree_parse_node(struct tree_parser *p)
{
	struct tree_stanza	*st = &p->st;
	struct tree_field	*f, *node_f = NULL, *kind_f = NULL;
	struct tree_node	*n;
	struct tree_node_lines	*nl;
	char			*q;
	size_t			 i, nchoices = 0, nargs = 0, ncauses = 0, nevidence = 0;
	size_t			 nfix = 0, nbranches = 0;
	int			 kind = -1, seen[TK_COUNT], verdict_line = 0, format_line = 0;
	int			 k;

	for (i = 0; i < st->n; i++) {
		f = &st->v[i];
		if (f->key == TK_NODE && node_f == NULL)
			node_f = f;
		if (f->key == TK_KIND && kind_f == NULL)
			kind_f = f;
		switch (f->key) {
		case TK_CHOICE:
			nchoices++;
			break;
		case TK_ARG:
			nargs++;
			break;
		case TK_CAUSE:
			ncauses++;
			break;
		case TK_EVIDENCE:
			nevidence++;
			break;
		case TK_FIX:
			nfix++;
			break;
		case TK_ON:
		case TK_NEXT:
			nbranches++;
			break;
		default:
			break;
		}
	}
	if (node_f == NULL) {
		tree_error(p->e, st->line, "stanza has no \"Node:\" line (every stanza after "
		    "the header is a node)");
		return;
	}

	if (p->t->nnodes == p->capnodes) {
		p->capnodes = p->capnodes == 0 ? 64 : p->capnodes * 2;
		p->t->nodes = xreallocarray(p->t->nodes, p->capnodes, sizeof *p->t->nodes);
		p->lines = xreallocarray(p->lines, p->capnodes, sizeof *p->lines);
	}
	n = xcalloc(1, sizeof *n);
	nl = &p->lines[p->t->nnodes];
	memset(nl, 0, sizeof *nl);
	p->t->nodes[p->t->nnodes++] = n;

	n->line = node_f->line;
	n->id = xstrdup(node_f->value);
	n->choices = xcalloc(nchoices, sizeof *n->choices);
	nl->choices = xcalloc(nchoices, sizeof *nl->choices);
	n->args = xcalloc(nargs, sizeof *n->args);
	nl->args = xcalloc(nargs, sizeof *nl->args);
	n->causes = xcalloc(ncauses, sizeof *n->causes);
	nl->causes = xcalloc(ncauses, sizeof *nl->causes);
	n->evidence = xcalloc(nevidence, sizeof *n->evidence);
	n->fix = xcalloc(nfix, sizeof *n->fix);
	n->branches = xcalloc(nbranches, sizeof *n->branches);

	if (!tree_is_name(n->id, strlen(n->id), 0)) {
		q = tree_quote(n->id);
		tree_error(p->e, node_f->line, "node ID %s may hold only letters, digits, "
		    "'-', '_' and '.'", q);
		free(q);
	}
	if (kind_f == NULL) {
		tree_error(p->e, node_f->line, "node \"%s\" has no \"Kind:\" line", n->id);
		nl->bad = 1;
	} else if ((kind = tree_lookup_name(kind_f->value, tree_kind_name_int,
	    TREE_KIND_COUNT)) == -1) {
		q = tree_quote(kind_f->value);
		tree_error(p->e, kind_f->line, "unknown kind %s (expected question, probe, "
		    "conclusion or info)", q);
		free(q);
		nl->bad = 1;
	} else
		n->kind = (enum tree_kind)kind;

	for (k = 0; k < TK_COUNT; k++)
		seen[k] = 0;
	for (i = 0; i < st->n; i++) {
		f = &st->v[i];
		if (f->key == TK_BAD)
			continue;
		if (tree_keys[f->key].single) {
			if (seen[f->key] != 0) {
				tree_error(p->e, f->line, "duplicate \"%s:\" (first at line %d)",
				    f->name, seen[f->key]);
				continue;
			}
			seen[f->key] = f->line;
		}
		/* Reported, but the value is still used so the key does not look missing. */
		if (f->cont_line != 0 && !tree_keys[f->key].multiline)
			tree_error(p->e, f->cont_line, "\"%s:\" takes one line (only Text, Help, "
			    "Evidence and Fix go on over several)", f->name);
		if (f->key == TK_NODE || f->key == TK_KIND)
			continue;
		if (tree_keys[f->key].kinds == 0) {
			tree_error(p->e, f->line, "\"%s:\" belongs in the header (the first "
			    "stanza)", f->name);
			continue;
		}
		if (kind != -1 && (tree_keys[f->key].kinds & (1 << kind)) == 0) {
			tree_error(p->e, f->line, "\"%s:\" does not belong in %s %s node",
			    f->name, kind == TREE_INFO ? "an" : "a",
			    tree_kind_name((enum tree_kind)kind));
			continue;
		}
		if (*f->value == '\0' && !tree_keys[f->key].multiline) {
			tree_error(p->e, f->line, "\"%s:\" has no value", f->name);
			continue;
		}
		if (f->key == TK_VERDICT)
			verdict_line = f->line;
		if (f->key == TK_FORMAT)
			format_line = f->line;
		tree_parse_field(p, n, nl, f);
	}

	if (kind == TREE_QUESTION && nl->type != 0) {
		if (format_line != 0 &&
		    (n->qtype == TREE_Q_CHOICE || n->qtype == TREE_Q_YESNO))
			tree_error(p->e, format_line, "\"Format:\" is only for text and secret "
			    "questions");
		if (n->nchoices != 0 && n->qtype != TREE_Q_CHOICE)
			tree_error(p->e, nl->choices[0], "\"Choice:\" is only for choice "
			    "questions");
	}
	if (kind == TREE_CONCLUSION) {
		if (ncauses != 0) {
			n->verdict = TREE_VERDICT_FAULT;
			if (verdict_line != 0)
				tree_error(p->e, verdict_line, "a conclusion with \"Cause:\" "
				    "lines has the verdict fault: remove \"Verdict:\"");
		} else if (verdict_line == 0)
			tree_error(p->e, n->line, "conclusion \"%s\" needs a \"Cause:\" line "
			    "or a \"Verdict:\" line", n->id);
	}
}

/* One field of a node whose key belongs to its kind and has a value. */
static void
tree_parse_field(struct tree_parser *p, struct tree_node *n, struct tree_node_lines *nl,
    struct tree_field *f)
{
	char	*q, *end;
	long	 v;
	int	 i;
	size_t	 j;

	switch (f->key) {
	case TK_TITLE:
		n->title = xstrdup(f->value);
		break;
	case TK_TEXT:
		n->text = xstrdup(f->value);
		break;
	case TK_HELP:
		n->help = xstrdup(f->value);
		break;
	case TK_SECTION:
		v = strtol(f->value, &end, 10);
		if (f->value[0] < '1' || f->value[0] > '9' || *end != '\0' || v > 9) {
			q = tree_quote(f->value);
			tree_error(p->e, f->line, "\"Section:\" must be a number from 1 to 9, "
			    "not %s", q);
			free(q);
		} else
			n->section = (int)v;
		break;
	case TK_TYPE:
		if ((i = tree_lookup_name(f->value, tree_qtype_name_int,
		    TREE_QTYPE_COUNT)) == -1) {
			q = tree_quote(f->value);
			tree_error(p->e, f->line, "unknown question type %s (expected choice, "
			    "yesno, text or secret)", q);
			free(q);
			nl->bad = 1;
		} else {
			n->qtype = (enum tree_qtype)i;
			nl->type = f->line;
		}
		break;
	case TK_KEY:
		if (!tree_is_name(f->value, strlen(f->value), 0)) {
			q = tree_quote(f->value);
			tree_error(p->e, f->line, "answer key %s may hold only letters, "
			    "digits, '-', '_' and '.'", q);
			free(q);
			nl->key = f->line;
			break;
		}
		n->key = xstrdup(f->value);
		nl->key = f->line;
		break;
	case TK_FORMAT:
		if ((i = tree_lookup_name(f->value, tree_format_name_int,
		    TREE_FORMAT_COUNT)) == -1) {
			q = tree_quote(f->value);
			tree_error(p->e, f->line, "unknown format %s (expected text, email, "
			    "host, port or file)", q);
			free(q);
		} else
			n->format = (enum tree_format)i;
		break;
	case TK_CHOICE:
		tree_parse_choice(p, n, nl, f);
		break;
	case TK_NEXT:
	case TK_ON:
		tree_parse_branch(p, n, f);
		break;
	case TK_PROBE:
		n->probe = xstrdup(f->value);
		nl->probe = f->line;
		break;
	case TK_ARG:
		tree_parse_arg(p, n, nl, f);
		break;
	case TK_ALONGSIDE:
		tree_parse_alongside(p, n, f);
		break;
	case TK_CAUSE:
		for (j = 0; j < n->ncauses; j++) {
			if (strcmp(n->causes[j], f->value) == 0)
				break;
		}
		if (j != n->ncauses) {
			q = tree_quote(f->value);
			tree_error(p->e, f->line, "duplicate cause %s (first at line %d)", q,
			    nl->causes[j]);
			free(q);
			break;
		}
		nl->causes[n->ncauses] = f->line;
		n->causes[n->ncauses++] = xstrdup(f->value);
		break;
	case TK_VERDICT:
		if (strcmp(f->value, "healthy") == 0)
			n->verdict = TREE_VERDICT_HEALTHY;
		else if (strcmp(f->value, "inconclusive") == 0)
			n->verdict = TREE_VERDICT_INCONCLUSIVE;
		else {
			if (strcmp(f->value, "fault") == 0)
				tree_error(p->e, f->line, "the verdict fault comes from "
				    "\"Cause:\" lines: write those instead of \"Verdict:\"");
			else {
				q = tree_quote(f->value);
				tree_error(p->e, f->line, "unknown verdict %s (expected healthy "
				    "or inconclusive)", q);
				free(q);
			}
			n->verdict = TREE_VERDICT_INCONCLUSIVE;
		}
		break;
	case TK_EVIDENCE:
		n->evidence[n->nevidence++] = xstrdup(f->value);
		break;
	case TK_FIX:
		n->fix[n->nfix++] = xstrdup(f->value);
		break;
	case TK_TREE:
	case TK_START:
	case TK_NODE:
	case TK_KIND:
	case TK_COUNT:
	case TK_BAD:
		break;
	}
}

static void
tree_parse_choice(struct tree_parser *p, struct tree_node *n, struct tree_node_lines *nl,
    struct tree_field *f)
{
	const char	*bar, *val, *label;
	size_t		 vlen, llen, j;

	if ((bar = strchr(f->value, '|')) == NULL) {
		tree_error(p->e, f->line, "\"Choice:\" needs \"VALUE | LABEL\"");
		return;
	}
	val = f->value;
	vlen = (size_t)(bar - val);
	while (vlen > 0 && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
		vlen--;
	label = bar + 1;
	while (*label == ' ' || *label == '\t')
		label++;
	llen = strlen(label);
	if (!tree_is_name(val, vlen, 0)) {
		tree_error(p->e, f->line, "a choice value may hold only letters, digits, "
		    "'-', '_' and '.' (\"Choice: VALUE | LABEL\")");
		return;
	}
	if (llen == 0) {
		tree_error(p->e, f->line, "choice \"%.*s\" has no label (\"Choice: VALUE | "
		    "LABEL\")", (int)vlen, val);
		return;
	}
	if (vlen == 8 && strncmp(val, "dontknow", 8) == 0) {
		tree_error(p->e, f->line, "\"dontknow\" is never a choice value: every "
		    "question has its own \"On-dontknow:\" branch");
		return;
	}
	for (j = 0; j < n->nchoices; j++) {
		if (strlen(n->choices[j].value) == vlen &&
		    strncmp(n->choices[j].value, val, vlen) == 0) {
			tree_error(p->e, f->line, "duplicate choice \"%.*s\" (first at line "
			    "%d)", (int)vlen, val, nl->choices[j]);
			return;
		}
	}
	nl->choices[n->nchoices] = f->line;
	n->choices[n->nchoices].value = xstrndup(val, vlen);
	n->choices[n->nchoices].label = xstrndup(label, llen);
	n->nchoices++;
}

/* "Alongside: ID ID ...": node IDs separated by spaces; the checker resolves them. */
static void
tree_parse_alongside(struct tree_parser *p, struct tree_node *n, struct tree_field *f)
{
	const char	*s = f->value, *end;
	char		*q;
	size_t		 len, i, words = 0;

	n->alongside_line = f->line;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		end = s + strcspn(s, " \t");
		len = (size_t)(end - s);
		words++;
		if (!tree_is_name(s, len, 0)) {
			q = tree_quote(s);
			tree_error(p->e, f->line, "\"Alongside:\" names %s, which is not a node "
			    "ID", q);
			free(q);
		} else {
			for (i = 0; i < n->nalongside; i++)
				if (strlen(n->alongside[i]) == len &&
				    strncmp(n->alongside[i], s, len) == 0)
					break;
			if (i == n->nalongside) {
				n->alongside = xreallocarray(n->alongside, n->nalongside + 1,
				    sizeof *n->alongside);
				n->alongside[n->nalongside++] = xstrndup(s, len);
			}
		}
		s = end;
	}
	if (words == 0)
		tree_error(p->e, f->line, "\"Alongside:\" names no node");
}

static void
tree_parse_arg(struct tree_parser *p, struct tree_node *n, struct tree_node_lines *nl,
    struct tree_field *f)
{
	const char	*eq, *val;
	size_t		 nlen, j;

	if ((eq = strchr(f->value, '=')) == NULL) {
		tree_error(p->e, f->line, "\"Arg:\" needs \"NAME=VALUE\"");
		return;
	}
	nlen = (size_t)(eq - f->value);
	while (nlen > 0 && (f->value[nlen - 1] == ' ' || f->value[nlen - 1] == '\t'))
		nlen--;
	if (!tree_is_name(f->value, nlen, 0)) {
		tree_error(p->e, f->line, "a parameter name may hold only letters, digits, "
		    "'-', '_' and '.' (\"Arg: NAME=VALUE\")");
		return;
	}
	for (j = 0; j < n->nargs; j++) {
		if (strlen(n->args[j].name) == nlen &&
		    strncmp(n->args[j].name, f->value, nlen) == 0) {
			tree_error(p->e, f->line, "duplicate parameter \"%.*s\" (first at line "
			    "%d)", (int)nlen, f->value, nl->args[j]);
			return;
		}
	}
	val = eq + 1;
	while (*val == ' ' || *val == '\t')
		val++;
	nl->args[n->nargs] = f->line;
	n->args[n->nargs].name = xstrndup(f->value, nlen);
	n->args[n->nargs].value = xstrdup(val);
	n->nargs++;
}

static void
tree_parse_branch(struct tree_parser *p, struct tree_node *n, struct tree_field *f)
{
	struct tree_branch	*b;
	const char		*label;
	size_t			 j;

	label = f->key == TK_NEXT ? "next" : f->name + 3;
	if (f->key == TK_ON && strcmp(label, "next") == 0) {
		tree_error(p->e, f->line, "write \"Next:\" rather than \"On-next:\"");
		return;
	}
	for (j = 0; j < n->nbranches; j++) {
		if (strcmp(n->branches[j].label, label) == 0) {
			tree_error(p->e, f->line, "duplicate branch \"%s\" (first at line %d)",
			    f->name, n->branches[j].line);
			return;
		}
	}
	b = &n->branches[n->nbranches++];
	b->label = xstrdup(label);
	b->target = xstrdup(f->value);
	b->line = f->line;
}

int
tree_parse_buffer(const char *file, const char *buf, size_t len, struct tree **out,
    char **errors)
{
	struct tree_parser	 p;
	struct tree_errors	 e;
	const char		*l, *eol;
	size_t			 pos, i, n;
	int			 lineno, ok;

	*out = NULL;
	*errors = NULL;
	if (file == NULL)
		file = "(tree)";

	memset(&e, 0, sizeof e);
	e.file = file;
	memset(&p, 0, sizeof p);
	p.e = &e;
	p.t = xcalloc(1, sizeof *p.t);
	p.t->file = xstrdup(file);

	if (tree_text_check(buf, len, &e) == 0) {
		pos = 0;
		/* A byte-order mark some Windows editors write: not part of the text. */
		if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
			pos = 3;
		lineno = 0;
		while (pos < len) {
			/* Buffers need not come from a 4 MiB file: never overflow the count. */
			if (lineno < INT_MAX)
				lineno++;
			l = buf + pos;
			eol = memchr(l, '\n', len - pos);
			n = eol == NULL ? len - pos : (size_t)(eol - l);
			pos += n + (eol != NULL);
			if (n > 0 && l[n - 1] == '\r')
				n--;
			tree_parse_line(&p, l, n, lineno);
		}
		tree_stanza_end(&p);
		if (p.nstanzas == 0)
			tree_error(&e, 1, "the file holds no tree: it needs a header stanza "
			    "with \"Tree:\" and \"Start:\"");
		else
			tree_check(p.t, p.start_line, p.lines, &e);
	}

	for (i = 0; i < p.t->nnodes; i++) {
		free(p.lines[i].choices);
		free(p.lines[i].args);
		free(p.lines[i].causes);
	}
	free(p.lines);
	free(p.st.v);

	ok = e.n == 0 && e.dropped == 0;
	if (!ok) {
		*errors = tree_errors_join(&e);
		tree_free(p.t);
	} else
		*out = p.t;
	tree_errors_free(&e);
	return (ok ? 0 : -1);
}

int
tree_load_file(const char *path, struct tree **out, char **errors)
{
	struct stat	 sb;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd, rc;

	*out = NULL;
	*errors = NULL;
	/*
	 * O_NONBLOCK so that opening a FIFO with no writer does not hang; fstat then refuses
	 * anything but a regular file (a FIFO, /dev/zero, a directory).
	 */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		xasprintf(errors, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		xasprintf(errors, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(errors, "%s: not a regular file", path);
		close(fd);
		return (-1);
	}
	if (sb.st_size > TREE_MAX_FILE) {
		xasprintf(errors, "%s: the file is larger than 4 MiB (a tree file is small "
		    "text)", path);
		close(fd);
		return (-1);
	}

	/* One byte more than the limit, to notice a file that grows while it is read. */
	buf = xmalloc(TREE_MAX_FILE + 1);
	for (;;) {
		r = read(fd, buf + len, TREE_MAX_FILE + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			xasprintf(errors, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return (-1);
		}
		if (r == 0)
			break;
		len += (size_t)r;	/* r > 0 here */
		if (len > TREE_MAX_FILE) {
			xasprintf(errors, "%s: the file is larger than 4 MiB (a tree file is "
			    "small text)", path);
			free(buf);
			close(fd);
			return (-1);
		}
	}
	close(fd);
	rc = tree_parse_buffer(path, buf, len, out, errors);
	free(buf);
	return (rc);
}
