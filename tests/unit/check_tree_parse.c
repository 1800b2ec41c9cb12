/* check_tree_parse.c: the tree loader, its checks, answer validation and the cause catalogue. */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "causes.h"
#include "embedded.h"
#include "probe.h"
#include "tree.h"
#include "util.h"

static char	*data_path(const char *);
static char	*read_data(const char *, size_t *);
static struct tree *load_ok(const char *);
static char	*prefix_lines(const char *, const char *);
static void	 assert_refused(const char *, const char *);
static char	*parse_errors(const char *, size_t);
static struct tree *parse_ok(const char *);
static size_t	 count_lines(const char *);
static char	*registry_list(const char *, int);
static Suite	*tree_parse_suite(void);

static char *
data_path(const char *name)
{
	char	*path;

	xasprintf(&path, "%s/%s", TESTDATADIR, name);
	return (path);
}

static char *
read_data(const char *name, size_t *len)
{
	char	*path, *buf;
	FILE	*f;
	long	 size;

	path = data_path(name);
	if ((f = fopen(path, "rb")) == NULL)
		ck_abort_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	if ((size = ftell(f)) < 0)
		ck_abort_msg("cannot tell the size of %s", path);
	rewind(f);
	*len = (size_t)size;
	buf = xmalloc(*len + 1);
	ck_assert_uint_eq(fread(buf, 1, *len, f), *len);
	buf[*len] = '\0';
	fclose(f);
	free(path);
	return (buf);
}

static struct tree *
load_ok(const char *name)
{
	struct tree	*t;
	char		*path, *errors;

	path = data_path(name);
	if (tree_load_file(path, &t, &errors) != 0)
		ck_abort_msg("%s did not load:\n%s", name, errors);
	ck_assert_ptr_null(errors);
	ck_assert_ptr_nonnull(t);
	free(path);
	return (t);
}

/* "12: msg\n30: msg" becomes "FILE:12: msg\nFILE:30: msg". */
static char *
prefix_lines(const char *file, const char *want)
{
	struct strlist	 out = { NULL, 0, 0 };
	const char	*p, *nl;
	char		*s;
	size_t		 i, len = 1;

	for (p = want; p != NULL; p = nl == NULL ? NULL : nl + 1) {
		nl = strchr(p, '\n');
		strlist_addf(&out, "%s:%.*s", file,
		    (int)(nl == NULL ? strlen(p) : (size_t)(nl - p)), p);
	}
	for (i = 0; i < out.n; i++)
		len += strlen(out.v[i]) + 1;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; i < out.n; i++) {
		if (i != 0)
			strcat(s, "\n");
		strcat(s, out.v[i]);
	}
	strlist_free(&out);
	return (s);
}

/* Loads tests/data/NAME, which must be refused with exactly these problems. */
static void
assert_refused(const char *name, const char *want)
{
	struct tree	*t = (struct tree *)1;
	char		*path, *errors, *expected;

	path = data_path(name);
	ck_assert_int_eq(tree_load_file(path, &t, &errors), -1);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(errors);
	expected = prefix_lines(path, want);
	ck_assert_str_eq(errors, expected);
	free(expected);
	free(errors);
	free(path);
}

/* Parses text as "t.tree"; NULL when it loads, else the problems (caller frees). */
static char *
parse_errors(const char *text, size_t len)
{
	struct tree	*t;
	char		*errors;

	if (tree_parse_buffer("t.tree", text, len, &t, &errors) == 0) {
		ck_assert_ptr_null(errors);
		tree_free(t);
		return (NULL);
	}
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(errors);
	return (errors);
}

static struct tree *
parse_ok(const char *text)
{
	struct tree	*t;
	char		*errors;

	if (tree_parse_buffer("t.tree", text, strlen(text), &t, &errors) != 0)
		ck_abort_msg("did not parse:\n%s", errors);
	return (t);
}

static size_t
count_lines(const char *s)
{
	size_t	 n = 1;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return (n);
}

/* The registry's outcomes (what = 0) or parameters (1) of a probe, as messages list them. */
static char *
registry_list(const char *name, int what)
{
	const struct probe		*p;
	const struct probe_param_spec	*ps;
	const char *const		*o;
	char				*s = xstrdup(""), *t;

	p = probe_find(name);
	ck_assert_ptr_nonnull(p);
	if (what == 0) {
		for (o = p->outcomes; *o != NULL; o++) {
			xasprintf(&t, "%s%s%s", s, *s == '\0' ? "" : ", ", *o);
			free(s);
			s = t;
		}
	} else {
		for (ps = p->params; ps->name != NULL; ps++) {
			xasprintf(&t, "%s%s%s", s, *s == '\0' ? "" : ", ", ps->name);
			free(s);
			s = t;
		}
	}
	return (s);
}

/* ---- trees that load ---------------------------------------------------------------- */

START_TEST(test_valid_minimal)
{
	struct tree	*t;

	t = load_ok("valid-minimal.tree");
	ck_assert_str_eq(t->name, "minimal");
	ck_assert_str_eq(t->start, "done");
	ck_assert_uint_eq(t->nnodes, 1);
	ck_assert_ptr_eq(t->start_node, t->nodes[0]);
	ck_assert_int_eq(t->nodes[0]->kind, TREE_CONCLUSION);
	ck_assert_int_eq(t->nodes[0]->verdict, TREE_VERDICT_HEALTHY);
	ck_assert_str_eq(t->nodes[0]->title, "Nothing to do");
	ck_assert_int_eq(t->nodes[0]->line, 4);
	tree_free(t);
}
END_TEST

START_TEST(test_valid_full)
{
	struct tree			*t;
	struct tree_node		*n;
	const struct tree_branch	*b;

	t = load_ok("valid-full.tree");
	ck_assert_str_eq(t->name, "full");
	ck_assert_uint_eq(t->nnodes, 12);

	n = tree_find(t, "welcome");
	ck_assert_ptr_eq(n, t->start_node);
	ck_assert_int_eq(n->line, 6);
	ck_assert_int_eq(n->kind, TREE_INFO);
	ck_assert_int_eq(n->section, 1);
	/* Continuations keep their lines; " ." is the empty line between paragraphs. */
	ck_assert_str_eq(n->text, "This wizard finds out why mail\ndoes not leave.\n\n"
	    "It asks a few questions.");
	b = tree_branch_find(n, "next");
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->line, 15);
	ck_assert_ptr_eq(b->node, tree_find(t, "ask-email"));

	n = tree_find(t, "ask-email");
	ck_assert_int_eq(n->qtype, TREE_Q_TEXT);
	ck_assert_int_eq(n->format, TREE_FMT_EMAIL);
	ck_assert_str_eq(n->key, "email");
	ck_assert_str_eq(n->help, "The address you send from,\nsuch as name@example.com.");
	ck_assert_int_eq(n->section, 0);

	n = tree_find(t, "ask-security");
	ck_assert_int_eq(n->qtype, TREE_Q_CHOICE);
	ck_assert_int_eq(n->format, TREE_FMT_TEXT);
	ck_assert_uint_eq(n->nchoices, 3);
	ck_assert_str_eq(n->choices[0].value, "none");
	ck_assert_str_eq(n->choices[0].label, "No encryption");
	ck_assert_str_eq(n->choices[2].value, "tls");
	ck_assert_str_eq(n->choices[2].label, "SSL/TLS (usually port 465)");
	ck_assert_ptr_eq(tree_branch_find(n, "none")->node, tree_find(t, "ask-auth"));
	ck_assert_ptr_null(tree_branch_find(n, "tls"));
	ck_assert_ptr_nonnull(tree_branch_find(n, "next"));
	ck_assert_ptr_nonnull(tree_branch_find(n, "dontknow"));

	n = tree_find(t, "ask-password");
	ck_assert_int_eq(n->qtype, TREE_Q_SECRET);

	n = tree_find(t, "survey");
	ck_assert_int_eq(n->kind, TREE_PROBE);
	ck_assert_str_eq(n->probe, "port-survey");
	ck_assert_uint_eq(n->nargs, 3);
	ck_assert_str_eq(n->args[1].name, "port");
	ck_assert_str_eq(n->args[1].value, "${smtp.port:-587}");
	ck_assert_uint_eq(n->nbranches, 6);
	ck_assert_ptr_eq(tree_branch_find(n, "blocked")->node, tree_find(t, "filtered"));

	n = tree_find(t, "unresolvable");
	ck_assert_int_eq(n->verdict, TREE_VERDICT_FAULT);
	ck_assert_ptr_null(n->title);
	ck_assert_uint_eq(n->ncauses, 1);
	ck_assert_str_eq(n->causes[0], "settings.host-unresolvable");
	ck_assert_uint_eq(n->nevidence, 1);
	ck_assert_uint_eq(n->nfix, 2);
	ck_assert_str_eq(n->fix[0], "Check the server name in the mail program's\n"
	    "outgoing settings.");

	n = tree_find(t, "filtered");
	ck_assert_uint_eq(n->ncauses, 2);
	ck_assert_str_eq(n->causes[1], "firewall.port-blocked");
	ck_assert_int_eq(tree_find(t, "unknown")->verdict, TREE_VERDICT_INCONCLUSIVE);
	ck_assert_int_eq(tree_find(t, "healthy")->verdict, TREE_VERDICT_HEALTHY);

	ck_assert_ptr_eq(tree_find_key(t, "smtp.host"), tree_find(t, "ask-host"));
	ck_assert_ptr_null(tree_find_key(t, "smtp.nothing"));
	ck_assert_ptr_null(tree_find(t, "nothing"));
	tree_free(t);
}
END_TEST

START_TEST(test_valid_crlf)
{
	struct tree	*lf, *crlf;
	char		*buf, *dos, *errors;
	size_t		 len, i, j;

	buf = read_data("valid-full.tree", &len);
	dos = xmalloc(len * 2 + 1);
	for (i = j = 0; i < len; i++) {
		if (buf[i] == '\n')
			dos[j++] = '\r';
		dos[j++] = buf[i];
	}
	ck_assert_int_eq(tree_parse_buffer("lf.tree", buf, len, &lf, &errors), 0);
	if (tree_parse_buffer("crlf.tree", dos, j, &crlf, &errors) != 0)
		ck_abort_msg("CRLF tree refused:\n%s", errors);
	ck_assert_uint_eq(lf->nnodes, crlf->nnodes);
	for (i = 0; i < lf->nnodes; i++) {
		ck_assert_str_eq(lf->nodes[i]->id, crlf->nodes[i]->id);
		ck_assert_int_eq(lf->nodes[i]->line, crlf->nodes[i]->line);
		if (lf->nodes[i]->text != NULL)
			ck_assert_str_eq(lf->nodes[i]->text, crlf->nodes[i]->text);
	}
	ck_assert_ptr_null(strchr(tree_find(crlf, "welcome")->text, '\r'));
	tree_free(lf);
	tree_free(crlf);
	free(buf);
	free(dos);
}
END_TEST

START_TEST(test_valid_odd_layout)
{
	struct tree	*t;

	/* No final newline, a byte-order mark, blank lines holding blanks, trailing blanks. */
	t = parse_ok("\xef\xbb\xbfTree: t  \nStart: a\n \t\n# c\nNode: a\nKind: info\t\n"
	    "Title: A\nNext: b\n\t\n\n\nNode: b\nKind: conclusion\nTitle: B\n"
	    "Text:\n First line\n .\n .\n Second\nVerdict: healthy");
	ck_assert_uint_eq(t->nnodes, 2);
	ck_assert_str_eq(t->name, "t");
	ck_assert_int_eq(t->nodes[0]->kind, TREE_INFO);
	ck_assert_str_eq(t->nodes[1]->text, "First line\n\n\nSecond");
	ck_assert_int_eq(t->nodes[1]->verdict, TREE_VERDICT_HEALTHY);
	ck_assert_int_eq(t->nodes[1]->line, 12);
	tree_free(t);
}
END_TEST

START_TEST(test_valid_question_loop)
{
	struct tree	*t;

	/* A loop that passes a question is fine: the user decides each time round. */
	t = parse_ok("Tree: t\nStart: a\n\nNode: a\nKind: info\nTitle: A\nNext: q\n\n"
	    "Node: q\nKind: question\nType: yesno\nKey: again\nTitle: Again?\n"
	    "On-yes: a\nOn-no: end\nOn-dontknow: q\n\n"
	    "Node: end\nKind: conclusion\nTitle: End\nVerdict: inconclusive\n");
	ck_assert_uint_eq(t->nnodes, 3);
	tree_free(t);
}
END_TEST

START_TEST(test_default_tree)
{
	const struct embedded_file	*ef;
	struct tree			*t;
	char				*errors;

	ef = embedded_find("cannot-send.tree");
	ck_assert_ptr_nonnull(ef);
	if (tree_parse_buffer("cannot-send.tree", (const char *)ef->data, ef->len, &t,
	    &errors) != 0)
		ck_abort_msg("the built-in tree is refused:\n%s", errors);
	ck_assert_str_eq(t->name, "cannot-send");
	ck_assert_ptr_nonnull(t->start_node);
	tree_free(t);
}
END_TEST

/*
 * Every cause of the catalogue is the diagnosis of at least one conclusion of the default
 * tree. (Every node is reachable from Start, or the loader would have refused the tree.)
 */
START_TEST(test_default_tree_covers_catalogue)
{
	const struct embedded_file	*ef;
	const struct cause *const	*c;
	struct tree			*t;
	char				*errors;
	size_t				 i, j;
	int				 found;

	ef = embedded_find("cannot-send.tree");
	ck_assert_ptr_nonnull(ef);
	if (tree_parse_buffer("cannot-send.tree", (const char *)ef->data, ef->len, &t,
	    &errors) != 0)
		ck_abort_msg("the built-in tree is refused:\n%s", errors);
	for (c = cause_all(); *c != NULL; c++) {
		found = 0;
		for (i = 0; i < t->nnodes && !found; i++)
			for (j = 0; j < t->nodes[i]->ncauses && !found; j++)
				found = strcmp(t->nodes[i]->causes[j], (*c)->id) == 0;
		if (!found)
			ck_abort_msg("no conclusion of the default tree names %s", (*c)->id);
	}
	tree_free(t);
}
END_TEST

/* ---- one test per refusal in wizard/README ------------------------------------------- */

START_TEST(test_refuse_missing_target)
{
	assert_refused("bad-missing-target.tree",
	    "13: branch \"On-timeout\" goes to missing node \"port-filterd\"");
}
END_TEST

START_TEST(test_refuse_unreachable)
{
	assert_refused("bad-unreachable.tree",
	    "14: node \"orphan\" is not reachable from the start node \"welcome\"");
}
END_TEST

START_TEST(test_refuse_missing_outcome)
{
	assert_refused("bad-missing-outcome.tree",
	    "7: probe \"port-survey\" outcome \"blocked\" has no branch (add \"On-blocked:\")");
}
END_TEST

START_TEST(test_refuse_extra_outcome)
{
	char	*outcomes, *want;

	outcomes = registry_list("resolve", 0);
	xasprintf(&want, "15: probe \"resolve\" has no outcome \"refused\" (its outcomes: %s)",
	    outcomes);
	assert_refused("bad-extra-outcome.tree", want);
	free(want);
	free(outcomes);
}
END_TEST

START_TEST(test_refuse_loop)
{
	assert_refused("bad-loop.tree",
	    "30: loop with no question in it: look-up -> explain -> look-up");
}
END_TEST

START_TEST(test_refuse_unknown_probe)
{
	assert_refused("bad-unknown-probe.tree", "7: unknown probe \"tcp-conect\"");
}
END_TEST

START_TEST(test_refuse_unknown_param)
{
	char	*params, *want;

	params = registry_list("resolve", 1);
	xasprintf(&want, "9: probe \"resolve\" has no parameter \"hots\" (its parameters: %s)",
	    params);
	assert_refused("bad-unknown-param.tree", want);
	free(want);
	free(params);
}
END_TEST

START_TEST(test_refuse_missing_param)
{
	assert_refused("bad-missing-param.tree",
	    "7: probe \"port-survey\" needs parameter \"port\" (add \"Arg: port=...\")");
}
END_TEST

START_TEST(test_refuse_unknown_cause)
{
	assert_refused("bad-unknown-cause.tree", "8: unknown cause \"firewal.port-blocked\"");
}
END_TEST

START_TEST(test_refuse_duplicate_node)
{
	assert_refused("bad-duplicate-node.tree",
	    "18: duplicate node \"ask-port\" (first defined at line 4)");
}
END_TEST

START_TEST(test_refuse_duplicate_key)
{
	assert_refused("bad-duplicate-key.tree",
	    "16: duplicate answer key \"smtp.port\" (also asked by node \"ask-port\" at line 4)");
}
END_TEST

START_TEST(test_refuse_no_dontknow)
{
	assert_refused("bad-no-dontknow.tree",
	    "4: question \"ask-port\" has no \"On-dontknow:\" branch (the \"I don't know\" "
	    "path every question needs)");
}
END_TEST

START_TEST(test_refuse_unknown_key)
{
	assert_refused("bad-unknown-key.tree", "7: unknown key \"Colour\"");
}
END_TEST

START_TEST(test_refuse_unknown_kind)
{
	assert_refused("bad-unknown-kind.tree",
	    "5: unknown kind \"questoin\" (expected question, probe, conclusion or info)");
}
END_TEST

START_TEST(test_refuse_missing_title)
{
	assert_refused("bad-missing-title.tree", "4: node \"welcome\" has no \"Title:\" line");
}
END_TEST

START_TEST(test_refuse_not_utf8)
{
	assert_refused("bad-utf8.tree",
	    "6: invalid UTF-8 (byte 0xe9): a tree file must be UTF-8 text");
}
END_TEST

START_TEST(test_refuse_nul)
{
	assert_refused("bad-nul.tree", "3: NUL byte: a tree file must be UTF-8 text");
}
END_TEST

START_TEST(test_refuse_all_at_once)
{
	assert_refused("bad-many.tree",
	    "10: question \"ask-host\" has no \"On-dontknow:\" branch (the \"I don't know\" "
	    "path every question needs)\n"
	    "24: branch \"On-nxdomain\" goes to missing node \"nowhere\"\n"
	    "33: unknown cause \"dns.no-such-cause\"\n"
	    "34: a conclusion with \"Cause:\" lines has the verdict fault: remove "
	    "\"Verdict:\"");
}
END_TEST

/* ---- the parser's own refusals, on small inline trees -------------------------------- */

#define HDR	"Tree: t\nStart: q\n\n"
#define DONE	"\nNode: done\nKind: conclusion\nTitle: Done\nVerdict: healthy\n"
/* A yes/no question at line 4 whose branches all go to "done"; extra keys from line 9. */
#define YESNO	HDR "Node: q\nKind: question\nType: yesno\nKey: k\nTitle: Q?\n"
#define YESNO_END "On-yes: done\nOn-no: done\nOn-dontknow: done\n" DONE

static const struct parse_case {
	const char	*in;
	const char	*want;
} parse_cases[] = {
	{ "",
	  "t.tree:1: the file holds no tree: it needs a header stanza with \"Tree:\" and "
	  "\"Start:\"" },
	{ "# only a comment\n\n\n",
	  "t.tree:1: the file holds no tree: it needs a header stanza with \"Tree:\" and "
	  "\"Start:\"" },
	{ "Tree: t\n\nNode: a\nKind: conclusion\nTitle: A\nVerdict: healthy\n",
	  "t.tree:1: the header has no \"Start:\" line" },
	{ "Start: a\n\nNode: a\nKind: conclusion\nTitle: A\nVerdict: healthy\n",
	  "t.tree:1: the header has no \"Tree:\" line" },
	{ "Node: a\nKind: conclusion\nTitle: A\nVerdict: healthy\n",
	  "t.tree:1: the first stanza must be the header (\"Tree:\" and \"Start:\"), not a "
	  "node" },
	{ "Tree: t\nStart: nowhere\n\nNode: a\nKind: conclusion\nTitle: A\nVerdict: healthy\n",
	  "t.tree:2: start node \"nowhere\" does not exist" },
	{ "Tree: t\nStart: a\nTree: u\nTitle: x\n\nNode: a\nKind: conclusion\nTitle: A\n"
	  "Verdict: healthy\n",
	  "t.tree:3: duplicate \"Tree:\" (first at line 1)\n"
	  "t.tree:4: \"Title:\" does not belong in the header (the first stanza, with "
	  "\"Tree:\" and \"Start:\")" },
	{ YESNO " more title\n" YESNO_END,
	  "t.tree:9: \"Title:\" takes one line (only Text, Help, Evidence and Fix go on over "
	  "several)" },
	{ HDR " Text: indented\nNode: q\nKind: info\nTitle: Q\nNext: done\n" DONE,
	  "t.tree:4: continuation line with no \"Key:\" line before it" },
	{ YESNO "this line has no colon\n" YESNO_END,
	  "t.tree:9: expected \"Key: value\", a continuation line starting with a space, a "
	  "\"#\" comment or a blank line" },
	{ YESNO "Bad Key: x\n" YESNO_END,
	  "t.tree:9: expected \"Key: value\", a continuation line starting with a space, a "
	  "\"#\" comment or a blank line" },
	{ YESNO "title: lower case\n" YESNO_END,
	  "t.tree:9: unknown key \"title\"" },
	{ YESNO "Title: Again\n" YESNO_END,
	  "t.tree:9: duplicate \"Title:\" (first at line 8)" },
	{ YESNO "Start: q\n" YESNO_END,
	  "t.tree:9: \"Start:\" belongs in the header (the first stanza)" },
	{ HDR "Node: q\nKind: info\nTitle: Q\nHelp: no help here\nNext: done\n" DONE,
	  "t.tree:7: \"Help:\" does not belong in an info node" },
	{ HDR "Node: q\nKind: info\nTitle: Q\nNext: done\n" DONE "Next: q\n",
	  "t.tree:13: \"Next:\" does not belong in a conclusion node" },
	{ HDR "Node: q\nKind: info\nTitle: Q\nNext: done\nOn-yes: done\n" DONE,
	  "t.tree:8: \"On-yes:\" does not belong in an info node" },
	{ HDR "Node: q\nKind: info\nTitle:\nNext: done\n" DONE,
	  "t.tree:4: node \"q\" has no \"Title:\" line\n"
	  "t.tree:6: \"Title:\" has no value" },
	{ HDR "Node: q\nTitle: Q\nNext: done\n" DONE,
	  "t.tree:4: node \"q\" has no \"Kind:\" line" },
	{ HDR "Node: q\nKind: info\nTitle: Q\nNext: done\n\nKind: info\nTitle: X\n" DONE,
	  "t.tree:9: stanza has no \"Node:\" line (every stanza after the header is a node)" },
	{ "Tree: t\nStart: a b\n\nNode: a b\nKind: info\nTitle: Q\nNext: done\n" DONE,
	  "t.tree:4: node ID \"a b\" may hold only letters, digits, '-', '_' and '.'" },
	{ HDR "Node: q\nKind: info\nTitle: Q\nSection: 10\nNext: done\n" DONE,
	  "t.tree:7: \"Section:\" must be a number from 1 to 9, not \"10\"" },
	{ HDR "Node: q\nKind: info\nTitle: Q\nNext: done\nNext: q\n" DONE,
	  "t.tree:8: duplicate \"Next:\" (first at line 7)" },
	{ HDR "Node: q\nKind: info\nTitle: Q\n" DONE,
	  "t.tree:4: info node \"q\" has no \"Next:\" line\n"
	  "t.tree:8: node \"done\" is not reachable from the start node \"q\"" },
	/* Questions. */
	{ HDR "Node: q\nKind: question\nKey: k\nTitle: Q\nNext: done\nOn-dontknow: done\n"
	  DONE,
	  "t.tree:4: question \"q\" has no \"Type:\" line" },
	{ HDR "Node: q\nKind: question\nType: number\nKey: k\nTitle: Q\nNext: done\n"
	  "On-dontknow: done\n" DONE,
	  "t.tree:6: unknown question type \"number\" (expected choice, yesno, text or "
	  "secret)" },
	{ HDR "Node: q\nKind: question\nType: text\nTitle: Q\nNext: done\n"
	  "On-dontknow: done\n" DONE,
	  "t.tree:4: question \"q\" has no \"Key:\" line (the name its answer is stored "
	  "under)" },
	{ HDR "Node: q\nKind: question\nType: text\nKey: a key\nTitle: Q\nNext: done\n"
	  "On-dontknow: done\n" DONE,
	  "t.tree:7: answer key \"a key\" may hold only letters, digits, '-', '_' and '.'" },
	{ HDR "Node: q\nKind: question\nType: text\nFormat: phone\nKey: k\nTitle: Q\n"
	  "Next: done\nOn-dontknow: done\n" DONE,
	  "t.tree:7: unknown format \"phone\" (expected text, email, host, port or file)" },
	{ YESNO "Format: port\n" YESNO_END,
	  "t.tree:9: \"Format:\" is only for text and secret questions" },
	{ YESNO "Choice: a | A\n" YESNO_END,
	  "t.tree:9: \"Choice:\" is only for choice questions" },
	{ YESNO "On-yes: q\n" YESNO_END,
	  "t.tree:10: duplicate branch \"On-yes\" (first at line 9)" },
	{ YESNO "On-maybe: done\n" YESNO_END,
	  "t.tree:9: branch \"On-maybe\" does not fit a yes/no question (only \"On-yes:\", "
	  "\"On-no:\", \"On-dontknow:\" and \"Next:\")" },
	{ YESNO "On-next: done\n" YESNO_END,
	  "t.tree:9: write \"Next:\" rather than \"On-next:\"" },
	{ YESNO "On-yes: done\nOn-dontknow: done\n" DONE,
	  "t.tree:6: yes/no question \"q\" has no branch for \"no\" (add \"On-no:\" or "
	  "\"Next:\")" },
	{ HDR "Node: q\nKind: question\nType: secret\nKey: k\nTitle: Q\nOn-dontknow: done\n"
	  DONE,
	  "t.tree:6: secret question \"q\" has no \"Next:\" line (where a typed answer goes)" },
	{ HDR "Node: q\nKind: question\nType: text\nKey: k\nTitle: Q\nNext: done\n"
	  "On-done: done\nOn-dontknow: done\n" DONE,
	  "t.tree:10: branch \"On-done\" does not fit a text question (only \"On-dontknow:\" "
	  "and \"Next:\")" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a | A\n"
	  "Choice: b | B\nOn-a: done\nOn-dontknow: done\n" DONE,
	  "t.tree:10: choice \"b\" of question \"q\" has no branch (add \"On-b:\" or "
	  "\"Next:\")" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a | A\n"
	  "Next: done\nOn-dontknow: done\n" DONE,
	  "t.tree:6: choice question \"q\" needs at least two \"Choice:\" lines" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a | A\n"
	  "Choice: b | B\nNext: done\nOn-c: done\nOn-dontknow: done\n" DONE,
	  "t.tree:12: branch \"On-c\" matches no choice of question \"q\" (its choices: a, b)" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a\n"
	  "Choice: b | B\nChoice: c | C\nNext: done\nOn-dontknow: done\n" DONE,
	  "t.tree:9: \"Choice:\" needs \"VALUE | LABEL\"" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a |\n"
	  "Choice: b | B\nChoice: c | C\nNext: done\nOn-dontknow: done\n" DONE,
	  "t.tree:9: choice \"a\" has no label (\"Choice: VALUE | LABEL\")" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a a | A\n"
	  "Choice: b | B\nChoice: c | C\nNext: done\nOn-dontknow: done\n" DONE,
	  "t.tree:9: a choice value may hold only letters, digits, '-', '_' and '.' "
	  "(\"Choice: VALUE | LABEL\")" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a | A\n"
	  "Choice: dontknow | No idea\nChoice: b | B\nNext: done\nOn-dontknow: done\n" DONE,
	  "t.tree:10: \"dontknow\" is never a choice value: every question has its own "
	  "\"On-dontknow:\" branch" },
	{ HDR "Node: q\nKind: question\nType: choice\nKey: k\nTitle: Q\nChoice: a | A\n"
	  "Choice: b | B\nChoice: a | Again\nNext: done\nOn-dontknow: done\n" DONE,
	  "t.tree:11: duplicate choice \"a\" (first at line 9)" },
	/* Probes. */
	{ HDR "Node: q\nKind: probe\nTitle: Q\nOn-ok: done\n" DONE,
	  "t.tree:4: probe node \"q\" has no \"Probe:\" line" },
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host\nOn-ok: done\n"
	  "On-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\nOn-timeout: done\n"
	  "On-resolver-failure: done\n" DONE,
	  "t.tree:7: probe \"resolve\" needs parameter \"host\" (add \"Arg: host=...\")\n"
	  "t.tree:8: \"Arg:\" needs \"NAME=VALUE\"" },
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host=a\nArg: host=b\n"
	  "On-ok: done\nOn-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\n"
	  "On-timeout: done\nOn-resolver-failure: done\n" DONE,
	  "t.tree:9: duplicate parameter \"host\" (first at line 8)" },
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host=a\nNext: done\n"
	  "On-ok: done\nOn-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\n"
	  "On-timeout: done\nOn-resolver-failure: done\n" DONE,
	  "t.tree:9: \"Next:\" does not belong in a probe node" },
	/* Alongside: other probe nodes only. */
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host=a\n"
	  "Alongside: nowhere\n" "On-ok: done\nOn-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\n"
	  "On-timeout: done\nOn-resolver-failure: done\n" DONE,
	  "t.tree:9: \"Alongside:\" names missing node \"nowhere\"" },
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host=a\n"
	  "Alongside: done\n" "On-ok: done\nOn-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\n"
	  "On-timeout: done\nOn-resolver-failure: done\n" DONE,
	  "t.tree:9: \"Alongside:\" names \"done\", which is not a probe node" },
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host=a\n"
	  "Alongside: q\n" "On-ok: done\nOn-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\n"
	  "On-timeout: done\nOn-resolver-failure: done\n" DONE,
	  "t.tree:9: \"Alongside:\" names the node itself" },
	{ HDR "Node: q\nKind: probe\nTitle: Q\nProbe: resolve\nArg: host=a\n"
	  "Alongside: a/b\n" "On-ok: done\nOn-nxdomain: done\nOn-nodata: done\nOn-server-failure: done\n"
	  "On-timeout: done\nOn-resolver-failure: done\n" DONE,
	  "t.tree:9: \"Alongside:\" names \"a/b\", which is not a node ID" },
	/* Conclusions. */
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\n",
	  "t.tree:4: conclusion \"a\" needs a \"Cause:\" line or a \"Verdict:\" line" },
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\nVerdict: fault\n",
	  "t.tree:7: the verdict fault comes from \"Cause:\" lines: write those instead of "
	  "\"Verdict:\"" },
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\nVerdict: fine\n",
	  "t.tree:7: unknown verdict \"fine\" (expected healthy or inconclusive)" },
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nCause: dns.resolver-failure\n"
	  "Cause: dns.resolver-failure\n",
	  "t.tree:7: duplicate cause \"dns.resolver-failure\" (first at line 6)" },
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nVerdict: healthy\n",
	  "t.tree:4: node \"a\" has no \"Title:\" line" },
	/* Text that is not plain UTF-8. */
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: \x1b[2J\nVerdict: healthy\n",
	  "t.tree:6: control character 0x1b: a tree file must be plain text" },
	{ "Tree: t\rStart: a\n",
	  "t.tree:1: control character 0x0d: a tree file must be plain text" },
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: \xc2\x9b" "31m\n",
	  "t.tree:6: control character 0x9b: a tree file must be plain text" },
	{ "Tree: t\nTitle: \xc0\x80\n",
	  "t.tree:2: invalid UTF-8 (byte 0xc0): a tree file must be UTF-8 text" },
	{ "Tree: t\n\nTitle: \xed\xa0\x80\n",
	  "t.tree:3: invalid UTF-8 (byte 0xed): a tree file must be UTF-8 text" },
	{ "Tree: t\nTitle: \xf5\x80\x80\x80\n",
	  "t.tree:2: invalid UTF-8 (byte 0xf5): a tree file must be UTF-8 text" },
	{ "Tree: t\nTitle: \x80\n",
	  "t.tree:2: invalid UTF-8 (byte 0x80): a tree file must be UTF-8 text" },
	{ "Tree: t\nTitle: \xe2\x82",
	  "t.tree:2: invalid UTF-8 (byte 0xe2): a tree file must be UTF-8 text" },
	/* Truncated in the middle of a stanza. */
	{ "Tree: t\nStart: a\n\nNode: a\nKi",
	  "t.tree:4: node \"a\" has no \"Kind:\" line\n"
	  "t.tree:4: node \"a\" has no \"Title:\" line\n"
	  "t.tree:5: expected \"Key: value\", a continuation line starting with a space, a "
	  "\"#\" comment or a blank line" },
	{ "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\nVerdict: heal",
	  "t.tree:7: unknown verdict \"heal\" (expected healthy or inconclusive)" },
};

START_TEST(test_parse_case)
{
	const struct parse_case	*c = &parse_cases[_i];
	char			*errors;

	errors = parse_errors(c->in, strlen(c->in));
	if (errors == NULL)
		ck_abort_msg("case %d loaded but should not have", _i);
	if (strcmp(errors, c->want) != 0)
		ck_abort_msg("case %d:\n got: %s\nwant: %s", _i, errors, c->want);
	free(errors);
}
END_TEST

/* ---- broken and hostile input -------------------------------------------------------- */

START_TEST(test_nul_bytes)
{
	static const char	 a[] = "\0Tree: t\n";
	static const char	 b[] = "Tree: t\0\nStart: a\n";
	static const char	 c[] = "Tree: t\nStart: a\n\nNode: a\0";
	char			*errors;

	errors = parse_errors(a, sizeof a - 1);
	ck_assert_str_eq(errors, "t.tree:1: NUL byte: a tree file must be UTF-8 text");
	free(errors);
	errors = parse_errors(b, sizeof b - 1);
	ck_assert_str_eq(errors, "t.tree:1: NUL byte: a tree file must be UTF-8 text");
	free(errors);
	errors = parse_errors(c, sizeof c - 1);
	ck_assert_str_eq(errors, "t.tree:4: NUL byte: a tree file must be UTF-8 text");
	free(errors);
}
END_TEST

START_TEST(test_every_prefix)
{
	struct tree	*t;
	char		*buf, *errors;
	size_t		 len, i;
	int		 loaded = 0;

	/* Cut the file anywhere: never a crash, never a leak, always an answer. */
	buf = read_data("valid-full.tree", &len);
	for (i = 0; i <= len; i++) {
		if (tree_parse_buffer("cut.tree", buf, i, &t, &errors) == 0) {
			ck_assert_ptr_null(errors);
			loaded++;
			tree_free(t);
		} else {
			ck_assert_ptr_null(t);
			ck_assert_ptr_nonnull(errors);
			ck_assert_int_eq(strncmp(errors, "cut.tree:", 9), 0);
			free(errors);
		}
	}
	/* Only the whole file (with or without its last newline) is a tree. */
	ck_assert_int_eq(loaded, 2);
	free(buf);
}
END_TEST

START_TEST(test_mutations)
{
	static const char	 alphabet[] = "\n\n  ::-.${}#|=abcNOK\r\t\xc3\xa9\x01";
	struct tree		*t;
	char			*buf, *copy, *errors;
	size_t			 len, i, k;
	unsigned int		 seed = 12345;

	/* A poor man's fuzzer: flip bytes of a good tree into the characters that matter. */
	buf = read_data("valid-full.tree", &len);
	copy = xmalloc(len);
	for (i = 0; i < 2000; i++) {
		memcpy(copy, buf, len);
		for (k = 0; k < 1 + i % 8; k++) {
			seed = seed * 1103515245 + 12345;
			copy[(seed >> 8) % len] = alphabet[(seed >> 20) % (sizeof alphabet - 1)];
		}
		if (tree_parse_buffer("m.tree", copy, len, &t, &errors) == 0)
			tree_free(t);
		else
			free(errors);
	}
	free(copy);
	free(buf);
}
END_TEST

START_TEST(test_random_bytes)
{
	struct tree	*t;
	char		*buf, *errors;
	size_t		 i, len = 65536;
	unsigned int	 seed;
	int		 round;

	buf = xmalloc(len);
	for (round = 0; round < 8; round++) {
		seed = (unsigned int)round * 7919 + 1;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			buf[i] = (char)(seed >> 16);
		}
		ck_assert_int_eq(tree_parse_buffer("r.tree", buf, len, &t, &errors), -1);
		ck_assert_ptr_null(t);
		ck_assert_int_eq(strncmp(errors, "r.tree:", 7), 0);
		free(errors);
	}
	free(buf);
}
END_TEST

/* n info nodes in a chain; the last goes to a conclusion, or back to the first. */
static char *
make_chain(size_t n, int loop)
{
	struct strlist	 l = { NULL, 0, 0 };
	char		*s, *p;
	size_t		 i, len = 1;

	strlist_add(&l, "Tree: chain\nStart: n0\n\n");
	for (i = 0; i < n; i++) {
		if (i + 1 < n)
			strlist_addf(&l, "Node: n%zu\nKind: info\nTitle: T\nNext: n%zu\n\n", i,
			    i + 1);
		else
			strlist_addf(&l, "Node: n%zu\nKind: info\nTitle: T\nNext: %s\n\n", i,
			    loop ? "n0" : "end");
	}
	strlist_add(&l, "Node: end\nKind: conclusion\nTitle: End\nVerdict: healthy\n");
	for (i = 0; i < l.n; i++)
		len += strlen(l.v[i]);
	s = p = xmalloc(len);
	for (i = 0; i < l.n; i++) {
		memcpy(p, l.v[i], strlen(l.v[i]));
		p += strlen(l.v[i]);
	}
	*p = '\0';
	strlist_free(&l);
	return (s);
}

START_TEST(test_long_chain)
{
	struct tree		*t;
	const struct tree_node	*n;
	char			*s;
	size_t			 steps = 0;

	/* Deep enough to overflow the stack of any recursive reachability check. */
	s = make_chain(100000, 0);
	t = parse_ok(s);
	ck_assert_uint_eq(t->nnodes, 100001);
	for (n = t->start_node; n->kind == TREE_INFO; n = tree_branch_find(n, "next")->node)
		steps++;
	ck_assert_uint_eq(steps, 100000);
	ck_assert_str_eq(n->id, "end");
	tree_free(t);
	free(s);
}
END_TEST

START_TEST(test_long_loop)
{
	char	*s, *errors;

	s = make_chain(100000, 1);
	errors = parse_errors(s, strlen(s));
	/* The "end" node is then out of reach, and the loop is named in short. */
	ck_assert_str_eq(errors,
	    "t.tree:500002: loop with no question in it: n0 -> n1 -> n2 -> n3 -> ... -> "
	    "n99997 -> n99998 -> n99999 -> n0\n"
	    "t.tree:500004: node \"end\" is not reachable from the start node \"n0\"");
	free(errors);
	free(s);
}
END_TEST

START_TEST(test_error_flood)
{
	struct strlist	 l = { NULL, 0, 0 };
	char		*s, *p, *errors, *last;
	size_t		 i, len = 1;

	/* 100000 problems: the report stops at 100 and counts the rest. */
	strlist_add(&l, "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\n"
	    "Verdict: healthy\n");
	for (i = 0; i < 100000; i++)
		strlist_add(&l, "Bogus: x\n");
	for (i = 0; i < l.n; i++)
		len += strlen(l.v[i]);
	s = p = xmalloc(len);
	for (i = 0; i < l.n; i++) {
		memcpy(p, l.v[i], strlen(l.v[i]));
		p += strlen(l.v[i]);
	}
	*p = '\0';
	strlist_free(&l);

	errors = parse_errors(s, strlen(s));
	ck_assert_uint_eq(count_lines(errors), 101);
	ck_assert_int_eq(strncmp(errors, "t.tree:8: unknown key \"Bogus\"\n", 30), 0);
	last = strrchr(errors, '\n') + 1;
	ck_assert_str_eq(last, "t.tree: 99900 more problems not shown");
	free(errors);
	free(s);
}
END_TEST

START_TEST(test_huge_line)
{
	struct tree	*t;
	char		*s;
	size_t		 n = 1024 * 1024, hdr;

	hdr = strlen("Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\n"
	    "Verdict: healthy\nText: ");
	s = xmalloc(hdr + n + 1);
	memcpy(s, "Tree: t\nStart: a\n\nNode: a\nKind: conclusion\nTitle: A\n"
	    "Verdict: healthy\nText: ", hdr);
	memset(s + hdr, 'x', n);
	s[hdr + n] = '\0';
	t = parse_ok(s);
	ck_assert_uint_eq(strlen(t->nodes[0]->text), n);
	tree_free(t);
	free(s);
}
END_TEST

START_TEST(test_long_value_quoted)
{
	char	*s, *errors;

	/* A value echoed in a message is cut short, with its escapes shown. */
	s = xstrdup("Tree: t\nStart: a\n\nNode: a\nKind: \xc3\xa9\"\\"
	    "0123456789012345678901234567890123456789012345678901234567890123456789\n"
	    "Title: A\n");
	errors = parse_errors(s, strlen(s));
	ck_assert_str_eq(errors, "t.tree:5: unknown kind \"\xc3\xa9\\\"\\\\"
	    "01234567890123456789012345678901234567890123456789012345...\" (expected "
	    "question, probe, conclusion or info)");
	free(errors);
	free(s);
}
END_TEST

START_TEST(test_long_id_message)
{
	char	*s, *errors, *id, *line, *end;
	size_t	 n, len;

	/* A huge node ID is cut short in messages, so errors stay small. */
	for (n = 496; n <= 10000; n += 9504 / 4) {
		id = xmalloc(n + 1);
		memset(id, 'a', n);
		id[n] = '\0';
		xasprintf(&s, "Tree: t\nStart: %s\n\nNode: %s\nKind: info\nNext: %s\n", id,
		    id, id);
		errors = parse_errors(s, strlen(s));
		ck_assert_int_eq(strncmp(errors, "t.tree:4: node \"aaa", 19), 0);
		for (line = errors; line != NULL; line = end == NULL ? NULL : end + 1) {
			end = strchr(line, '\n');
			len = end == NULL ? strlen(line) : (size_t)(end - line);
			ck_assert_uint_le(len, strlen("t.tree:NN: ") + 500 + 3);
			ck_assert_int_eq(strncmp(line + len - 3, "...", 3), 0);
		}
		free(errors);
		free(s);
		free(id);
	}
}
END_TEST

/* ---- tree_load_file ------------------------------------------------------------------ */

START_TEST(test_load_fifo)
{
	char	 dir[] = "/tmp/check_tree_parse.XXXXXX";
	char	*path, *errors, *want;
	struct tree *t;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xasprintf(&path, "%s/fifo.tree", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* Nobody writes to it: a blocking open would hang the test here. */
	ck_assert_int_eq(tree_load_file(path, &t, &errors), -1);
	xasprintf(&want, "%s: not a regular file", path);
	ck_assert_str_eq(errors, want);
	ck_assert_ptr_null(t);
	unlink(path);
	rmdir(dir);
	free(want);
	free(errors);
	free(path);
}
END_TEST

START_TEST(test_load_device_and_dir)
{
	struct tree	*t;
	char		*errors, *want;

	ck_assert_int_eq(tree_load_file("/dev/zero", &t, &errors), -1);
	ck_assert_str_eq(errors, "/dev/zero: not a regular file");
	free(errors);

	ck_assert_int_eq(tree_load_file(TESTDATADIR, &t, &errors), -1);
	xasprintf(&want, "%s: not a regular file", TESTDATADIR);
	ck_assert_str_eq(errors, want);
	free(want);
	free(errors);
}
END_TEST

START_TEST(test_load_missing)
{
	struct tree	*t;
	char		*errors;

	ck_assert_int_eq(tree_load_file("/nonexistent/sendfix.tree", &t, &errors), -1);
	ck_assert_str_eq(errors, "/nonexistent/sendfix.tree: No such file or directory");
	ck_assert_ptr_null(t);
	free(errors);
}
END_TEST

START_TEST(test_load_too_big)
{
	char		 path[] = "/tmp/check_tree_parse.XXXXXX";
	struct tree	*t;
	char		*errors, *want;
	int		 fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_int_eq(ftruncate(fd, 4 * 1024 * 1024 + 1), 0);
	close(fd);
	ck_assert_int_eq(tree_load_file(path, &t, &errors), -1);
	xasprintf(&want, "%s: the file is larger than 4 MiB (a tree file is small text)",
	    path);
	ck_assert_str_eq(errors, want);
	unlink(path);
	free(want);
	free(errors);
}
END_TEST

/* ---- answers checked against their question ------------------------------------------ */

#define FORMATS_TREE \
	"Tree: t\nStart: c\n\n" \
	"Node: c\nKind: question\nType: choice\nKey: smtp.security\nTitle: T\n" \
	"Choice: none | N\nChoice: starttls | S\nChoice: tls | T\nNext: y\n" \
	"On-dontknow: y\n\n" \
	"Node: y\nKind: question\nType: yesno\nKey: yn\nTitle: T\nNext: text\n" \
	"On-dontknow: text\n\n" \
	"Node: text\nKind: question\nType: text\nKey: free\nTitle: T\nNext: email\n" \
	"On-dontknow: email\n\n" \
	"Node: email\nKind: question\nType: text\nFormat: email\nKey: email\nTitle: T\n" \
	"Next: host\nOn-dontknow: host\n\n" \
	"Node: host\nKind: question\nType: text\nFormat: host\nKey: smtp.host\nTitle: T\n" \
	"Next: port\nOn-dontknow: port\n\n" \
	"Node: port\nKind: question\nType: text\nFormat: port\nKey: smtp.port\nTitle: T\n" \
	"Next: file\nOn-dontknow: file\n\n" \
	"Node: file\nKind: question\nType: text\nFormat: file\nKey: smtp.password-file\n" \
	"Title: T\nNext: secret\nOn-dontknow: secret\n\n" \
	"Node: secret\nKind: question\nType: secret\nFormat: email\nKey: secret.mail\n" \
	"Title: T\nNext: end\nOn-dontknow: end\n\n" \
	"Node: end\nKind: conclusion\nTitle: E\nVerdict: healthy\n"

static const struct answer_case {
	const char	*key;
	const char	*value;
	int		 ok;
} answer_cases[] = {
	{ "smtp.security", "starttls", 1 },
	{ "smtp.security", "dontknow", 1 },
	{ "smtp.security", "STARTTLS", 0 },
	{ "smtp.security", "", 0 },
	{ "yn", "yes", 1 },
	{ "yn", "no", 1 },
	{ "yn", "dontknow", 1 },
	{ "yn", "y", 0 },
	{ "free", "anything at all, caf\xc3\xa9", 1 },
	{ "free", "", 1 },
	{ "free", "two\nlines", 0 },
	{ "free", "tab\there", 0 },
	{ "free", "esc\x1b[2J", 0 },
	{ "free", "bad \xff utf-8", 0 },
	{ "free", "bidi \xe2\x80\xae override", 0 },
	{ "email", "anna@example.com", 1 },
	{ "email", "j\xc3\xb6rg@b\xc3\xbc" "cher.example", 1 },
	{ "email", "dontknow", 1 },
	{ "email", "anna", 0 },
	{ "email", "@example.com", 0 },
	{ "email", "anna@", 0 },
	{ "email", "a@b@example.com", 0 },
	{ "email", "anna @example.com", 0 },
	{ "email", "anna@example.com\r\nRCPT TO:<x@y>", 0 },
	{ "email", "", 0 },
	{ "smtp.host", "smtp.example.com", 1 },
	{ "smtp.host", "smtp.example.com.", 1 },
	{ "smtp.host", "SMTP-1.Example_corp.com", 1 },
	{ "smtp.host", "localhost", 1 },
	{ "smtp.host", "192.0.2.25", 1 },
	{ "smtp.host", "2001:db8::25", 1 },
	{ "smtp.host", "::1", 1 },
	{ "smtp.host", "b\xc3\xbc" "cher.example", 1 },
	{ "smtp.host", "\xe4\xbe\x8b\xe3\x81\x88.jp", 1 },
	{ "smtp.host", "", 0 },
	{ "smtp.host", ".", 0 },
	{ "smtp.host", "smtp..example.com", 0 },
	{ "smtp.host", ".example.com", 0 },
	{ "smtp.host", "smtp.example.com:587", 0 },
	{ "smtp.host", "smtp example.com", 0 },
	{ "smtp.host", "[2001:db8::25]", 0 },
	{ "smtp.host", "smtp.ex\xff.com", 0 },
	{ "smtp.host", "smtp.\xc2\xa0.com", 0 },
	{ "smtp.host", "a123456789012345678901234567890123456789012345678901234567890123.com", 0 },
	{ "smtp.host", "a12345678901234567890123456789012345678901234567890123456789012.com", 1 },
	{ "smtp.port", "587", 1 },
	{ "smtp.port", "1", 1 },
	{ "smtp.port", "65535", 1 },
	{ "smtp.port", "0", 0 },
	{ "smtp.port", "65536", 0 },
	{ "smtp.port", "99999999999999999999", 0 },
	{ "smtp.port", "0587", 0 },
	{ "smtp.port", "+587", 0 },
	{ "smtp.port", "-1", 0 },
	{ "smtp.port", " 587", 0 },
	{ "smtp.port", "587 ", 0 },
	{ "smtp.port", "58a", 0 },
	{ "smtp.port", "", 0 },
	{ "smtp.password-file", "/home/anna/.smtp-password", 1 },
	{ "smtp.password-file", "relative name", 1 },
	{ "smtp.password-file", "", 0 },
	{ "secret.mail", "anna@example.com", 1 },
	{ "secret.mail", "not an address", 0 },
};

START_TEST(test_validate_answer)
{
	const struct answer_case	*c = &answer_cases[_i];
	struct tree			*t;
	const struct tree_node		*n;
	char				*cause = NULL;
	int				 rc;

	t = parse_ok(FORMATS_TREE);
	n = tree_find_key(t, c->key);
	ck_assert_ptr_nonnull(n);
	rc = tree_validate_answer(n, c->value, &cause);
	if (c->ok && rc != 0)
		ck_abort_msg("case %d: %s=\"%s\" refused: %s", _i, c->key, c->value, cause);
	if (!c->ok && rc == 0)
		ck_abort_msg("case %d: %s=\"%s\" accepted", _i, c->key, c->value);
	if (!c->ok) {
		ck_assert_ptr_nonnull(cause);
		ck_assert_int_eq(strncmp(cause, c->key, strlen(c->key)), 0);
		ck_assert_ptr_null(strchr(cause, '\n'));
		ck_assert_ptr_null(strchr(cause, '\x1b'));
	}
	free(cause);
	tree_free(t);
}
END_TEST

START_TEST(test_validate_messages)
{
	struct tree	*t;
	char		*cause;

	t = parse_ok(FORMATS_TREE);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.security"), "ssl",
	    &cause), -1);
	ck_assert_str_eq(cause, "smtp.security: \"ssl\" is not one of: none, starttls, tls, "
	    "dontknow");
	free(cause);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "yn"), "maybe", &cause), -1);
	ck_assert_str_eq(cause, "yn: \"maybe\" is not one of: yes, no, dontknow");
	free(cause);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.port"), "x", &cause),
	    -1);
	ck_assert_str_eq(cause, "smtp.port: \"x\" is not a port number (1-65535)");
	free(cause);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.host"), "a b", &cause),
	    -1);
	ck_assert_str_eq(cause, "smtp.host: \"a b\" is not a host name or IP address (such as "
	    "smtp.example.com or 192.0.2.1)");
	free(cause);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "email"), "a\x1b", &cause), -1);
	ck_assert_str_eq(cause, "email: \"a\\x1b\" is not an email address (name@example.com: "
	    "one @, no spaces, at most 254 bytes)");
	free(cause);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.password-file"), "",
	    &cause), -1);
	ck_assert_str_eq(cause, "smtp.password-file: the file name is empty");
	free(cause);
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "free"), "a\nb", &cause), -1);
	ck_assert_str_eq(cause, "free: the answer must be one line of text without control "
	    "characters");
	free(cause);
	/* A secret is never repeated back, not even when it is wrong. */
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "secret.mail"), "hunter2",
	    &cause), -1);
	ck_assert_str_eq(cause, "secret.mail: the answer is not an email address "
	    "(name@example.com: one @, no spaces, at most 254 bytes)");
	free(cause);
	/* "I don't know" is always an answer. */
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.port"), NULL, &cause), 0);
	tree_free(t);
}
END_TEST

START_TEST(test_validate_email_length)
{
	struct tree	*t;
	char		*cause = NULL, addr[300];

	t = parse_ok(FORMATS_TREE);
	memset(addr, 'a', sizeof addr);
	memcpy(addr + 240, "@example.com", 13);		/* 252 bytes */
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "email"), addr, &cause), 0);
	memset(addr, 'a', sizeof addr);
	memcpy(addr + 243, "@example.com", 13);		/* 255 bytes */
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "email"), addr, &cause), -1);
	free(cause);
	tree_free(t);
}
END_TEST

START_TEST(test_validate_host_length)
{
	struct tree	*t;
	char		*cause = NULL, name[300];
	size_t		 i;

	/* 253 characters is the longest name; a final dot does not count. */
	t = parse_ok(FORMATS_TREE);
	memset(name, 0, sizeof name);
	for (i = 0; i < 253; i++)
		name[i] = i % 50 == 49 ? '.' : 'a';
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.host"), name, &cause), 0);
	name[253] = '.';
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.host"), name, &cause), 0);
	name[253] = 'a';
	ck_assert_int_eq(tree_validate_answer(tree_find_key(t, "smtp.host"), name, &cause),
	    -1);
	free(cause);
	tree_free(t);
}
END_TEST

/* ---- name tables and the catalogue --------------------------------------------------- */

START_TEST(test_names)
{
	ck_assert_str_eq(tree_kind_name(TREE_QUESTION), "question");
	ck_assert_str_eq(tree_kind_name(TREE_INFO), "info");
	ck_assert_str_eq(tree_kind_name(TREE_KIND_COUNT), "unknown");
	ck_assert_str_eq(tree_qtype_name(TREE_Q_YESNO), "yesno");
	ck_assert_str_eq(tree_qtype_name(TREE_Q_SECRET), "secret");
	ck_assert_str_eq(tree_format_name(TREE_FMT_TEXT), "text");
	ck_assert_str_eq(tree_format_name(TREE_FMT_FILE), "file");
	ck_assert_str_eq(tree_verdict_name(TREE_VERDICT_FAULT), "fault");
	ck_assert_str_eq(tree_verdict_name(TREE_VERDICT_HEALTHY), "healthy");
	ck_assert_str_eq(tree_verdict_name(TREE_VERDICT_INCONCLUSIVE), "inconclusive");
}
END_TEST

/* The public IDs from causes.md, in its order: renaming one breaks helpdesk tooling. */
static const char *const catalogue_ids[] = {
	"settings.host-unresolvable", "settings.host-unreachable", "settings.wrong-port",
	"settings.tls-mismatch", "settings.starttls-required", "settings.sender-not-permitted",
	"tls.certificate-invalid", "tls.outdated-protocol", "settings.auth-required",
	"auth.credentials-rejected", "auth.app-password-required",
	"auth.mechanism-unsupported", "auth.locked-out", "firewall.port-filtered",
	"firewall.port-blocked", "firewall.smtp-inspection", "client.settings-differ",
	"client.clock-wrong", "client.not-the-server", "port.isp-blocks-25",
	"port.ipv6-path-broken", "isp.rate-limited", "isp.smtp-intercepted",
	"antivirus.tls-interception", "antivirus.mail-scanning", "dns.resolver-failure",
	"dns.spf-missing", "dns.dkim-missing", "dns.dmarc-missing", "dns.ptr-mismatch",
	"spam.ip-listed", "spam.account-restricted", "spam.content-rejected", NULL
};

START_TEST(test_catalogue)
{
	const struct cause *const	*all;
	const struct cause		*c;
	size_t				 i;

	all = cause_all();
	for (i = 0; catalogue_ids[i] != NULL; i++) {
		ck_assert_ptr_nonnull(all[i]);
		ck_assert_str_eq(all[i]->id, catalogue_ids[i]);
		ck_assert_ptr_eq(cause_find(catalogue_ids[i]), all[i]);
		ck_assert_int_ge(all[i]->section, 1);
		ck_assert_int_le(all[i]->section, 9);
		ck_assert_ptr_nonnull(cause_section_title(all[i]->section));
		ck_assert_uint_gt(strlen(all[i]->title), 10);
		ck_assert_uint_le(strlen(all[i]->title), 90);
		ck_assert_ptr_null(strchr(all[i]->title, '\n'));
	}
	ck_assert_ptr_null(all[i]);
	ck_assert_uint_eq(i, 33);

	c = cause_find("firewall.port-filtered");
	ck_assert_int_eq(c->section, 3);
	ck_assert_int_eq(cause_find("spam.ip-listed")->section, 9);
	ck_assert_int_eq(cause_find("dns.ptr-mismatch")->section, 8);
	ck_assert_int_eq(cause_find("port.isp-blocks-25")->section, 5);
	ck_assert_ptr_null(cause_find("firewal.port-blocked"));
	ck_assert_ptr_null(cause_find(""));
	ck_assert_ptr_null(cause_find(NULL));
}
END_TEST

START_TEST(test_sections)
{
	ck_assert_str_eq(cause_section_title(1), "Outgoing server settings");
	ck_assert_str_eq(cause_section_title(2), "Authentication errors");
	ck_assert_str_eq(cause_section_title(3), "Firewall restrictions");
	ck_assert_str_eq(cause_section_title(4), "Email client configuration");
	ck_assert_str_eq(cause_section_title(5), "Port blockage");
	ck_assert_str_eq(cause_section_title(6), "ISP limitations");
	ck_assert_str_eq(cause_section_title(7), "Antivirus interference");
	ck_assert_str_eq(cause_section_title(8), "DNS");
	ck_assert_str_eq(cause_section_title(9), "Spam filters");
	ck_assert_ptr_null(cause_section_title(0));
	ck_assert_ptr_null(cause_section_title(10));
	ck_assert_ptr_null(cause_section_title(-1));
}
END_TEST

static Suite *
tree_parse_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("tree_parse");

	tc = tcase_create("valid");
	tcase_add_test(tc, test_valid_minimal);
	tcase_add_test(tc, test_valid_full);
	tcase_add_test(tc, test_valid_crlf);
	tcase_add_test(tc, test_valid_odd_layout);
	tcase_add_test(tc, test_valid_question_loop);
	tcase_add_test(tc, test_default_tree);
	tcase_add_test(tc, test_default_tree_covers_catalogue);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_test(tc, test_refuse_missing_target);
	tcase_add_test(tc, test_refuse_unreachable);
	tcase_add_test(tc, test_refuse_missing_outcome);
	tcase_add_test(tc, test_refuse_extra_outcome);
	tcase_add_test(tc, test_refuse_loop);
	tcase_add_test(tc, test_refuse_unknown_probe);
	tcase_add_test(tc, test_refuse_unknown_param);
	tcase_add_test(tc, test_refuse_missing_param);
	tcase_add_test(tc, test_refuse_unknown_cause);
	tcase_add_test(tc, test_refuse_duplicate_node);
	tcase_add_test(tc, test_refuse_duplicate_key);
	tcase_add_test(tc, test_refuse_no_dontknow);
	tcase_add_test(tc, test_refuse_unknown_key);
	tcase_add_test(tc, test_refuse_unknown_kind);
	tcase_add_test(tc, test_refuse_missing_title);
	tcase_add_test(tc, test_refuse_not_utf8);
	tcase_add_test(tc, test_refuse_nul);
	tcase_add_test(tc, test_refuse_all_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("parser");
	tcase_add_loop_test(tc, test_parse_case, 0,
	    sizeof parse_cases / sizeof parse_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("broken");
	/* The long trees take a while under valgrind. */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_nul_bytes);
	tcase_add_test(tc, test_every_prefix);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_random_bytes);
	tcase_add_test(tc, test_long_chain);
	tcase_add_test(tc, test_long_loop);
	tcase_add_test(tc, test_error_flood);
	tcase_add_test(tc, test_huge_line);
	tcase_add_test(tc, test_long_value_quoted);
	tcase_add_test(tc, test_long_id_message);
	suite_add_tcase(s, tc);

	tc = tcase_create("load_file");
	tcase_add_test(tc, test_load_fifo);
	tcase_add_test(tc, test_load_device_and_dir);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_load_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("validate");
	tcase_add_loop_test(tc, test_validate_answer, 0,
	    sizeof answer_cases / sizeof answer_cases[0]);
	tcase_add_test(tc, test_validate_messages);
	tcase_add_test(tc, test_validate_email_length);
	tcase_add_test(tc, test_validate_host_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("catalogue");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_catalogue);
	tcase_add_test(tc, test_sections);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(tree_parse_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
