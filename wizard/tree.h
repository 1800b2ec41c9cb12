/* tree.h: the decision tree model, its parser and its validation. */
#ifndef SENDFIX_TREE_H
#define SENDFIX_TREE_H

#include <stddef.h>

enum tree_kind {
	TREE_QUESTION,
	TREE_PROBE,
	TREE_CONCLUSION,
	TREE_INFO,
	TREE_KIND_COUNT
};

enum tree_qtype {
	TREE_Q_CHOICE,		/* pick one of Choice: lines */
	TREE_Q_YESNO,		/* yes / no / don't know */
	TREE_Q_TEXT,		/* free text, checked by Format: */
	TREE_Q_SECRET,		/* like text, never echoed, never stored in reports */
	TREE_QTYPE_COUNT
};

enum tree_format {
	TREE_FMT_TEXT = 0,	/* any single line of printable text */
	TREE_FMT_EMAIL,		/* local@domain, no spaces, no CR/LF */
	TREE_FMT_HOST,		/* a host name or an IPv4/IPv6 literal */
	TREE_FMT_PORT,		/* 1..65535 */
	TREE_FMT_FILE,		/* a readable file's path */
	TREE_FORMAT_COUNT
};

enum tree_verdict {
	TREE_VERDICT_FAULT,		/* one or more causes: exit 1 */
	TREE_VERDICT_HEALTHY,		/* no fault found: exit 0 */
	TREE_VERDICT_INCONCLUSIVE	/* exit 3 */
};

struct tree_choice {
	char	*value;		/* the answer stored, e.g. "starttls" */
	char	*label;		/* what the user reads */
};

/* "On-LABEL: target" or "Next: target" (label "next"). */
struct tree_branch {
	char			*label;		/* outcome, choice value, "yes", "no", "dontknow", "next" */
	char			*target;
	struct tree_node	*node;		/* resolved after loading */
	int			 line;
};

struct tree_arg {
	char	*name;
	char	*value;		/* may hold ${key} references */
};

struct tree_node {
	char			*id;
	int			 line;		/* of the Node: line */
	enum tree_kind		 kind;
	char			*title;
	char			*text;		/* may hold ${key} references */
	char			*help;
	int			 section;	/* guide section 0..9 (0 = none), for the breadcrumb */

	/* TREE_QUESTION */
	enum tree_qtype		 qtype;
	enum tree_format	 format;
	char			*key;		/* answer key, e.g. "smtp.port" */
	struct tree_choice	*choices;
	size_t			 nchoices;

	/* TREE_PROBE */
	char			*probe;
	struct tree_arg		*args;
	size_t			 nargs;
	/*
	 * Alongside: probe nodes that do not depend on this one, started with it (see
	 * ahead.h); resolved by the checker, as branch targets are.
	 */
	char			**alongside;
	struct tree_node	**alongside_node;
	size_t			 nalongside;
	int			 alongside_line;

	/* TREE_CONCLUSION */
	enum tree_verdict	 verdict;
	char			**causes;	/* cause IDs, most likely first */
	size_t			 ncauses;
	char			**evidence;	/* may hold ${key} references */
	size_t			 nevidence;
	char			**fix;		/* numbered fix steps */
	size_t			 nfix;

	struct tree_branch	*branches;
	size_t			 nbranches;
};

struct tree {
	char			*file;		/* name used in messages */
	char			*name;		/* Tree: */
	char			*start;		/* Start: node id */
	struct tree_node	*start_node;
	struct tree_node	**nodes;	/* in file order */
	size_t			 nnodes;
};

/*
 * Parses and validates a tree held in memory (so it can be fuzzed). On success returns 0
 * and *out. On failure returns -1 and *errors holds every problem found, one
 * "FILE:LINE: message" per line, sorted by line, no final newline (caller frees); nothing
 * is returned in *out. Text:, Help:, Evidence: and Fix: values keep their lines: continuation
 * lines are joined with "\n" and a " ." line gives an empty line (a paragraph break).
 */
int	 tree_parse_buffer(const char *file, const char *buf, size_t len, struct tree **out,
	    char **errors);
/* Reads a regular file (refuses FIFOs, devices, files over 4 MiB) and parses it. */
int	 tree_load_file(const char *path, struct tree **out, char **errors);
void	 tree_free(struct tree *);

struct tree_node	*tree_find(const struct tree *, const char *id);
/* The branch with this label, or NULL. */
const struct tree_branch *tree_branch_find(const struct tree_node *, const char *label);
/* The question node that asks key, or NULL. */
const struct tree_node	*tree_find_key(const struct tree *, const char *key);

const char	*tree_kind_name(enum tree_kind);
const char	*tree_qtype_name(enum tree_qtype);
const char	*tree_format_name(enum tree_format);
/* "fault", "healthy", "inconclusive". */
const char	*tree_verdict_name(enum tree_verdict);

/*
 * Checks an answer against a question: choice values, yes/no, or the Format:. Returns 0, or
 * -1 with *cause naming the key and the allowed values ("smtp.port: "x" is not a port number
 * (1-65535)"). "dontknow" is always allowed.
 */
int	 tree_validate_answer(const struct tree_node *, const char *value, char **cause);

/*
 * Loader internals shared by tree.c, tree-parse.c and tree-check.c; not for other callers.
 */

/* Collects "FILE:LINE: message" problems (capped, so a hostile file cannot flood memory). */
struct tree_errors;
void	 tree_error(struct tree_errors *, int line, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));

/* Where the keys of one node were written, parallel to tree->nodes, for messages. */
struct tree_node_lines {
	int	 bad;		/* Kind: or Type: missing or unknown (reported): skip the
				   checks that depend on them */
	int	 type;		/* Type: (0 = absent) */
	int	 key;		/* Key: */
	int	 probe;		/* Probe: */
	int	*choices;	/* one per Choice:, parallel to node->choices */
	int	*args;		/* one per Arg:, parallel to node->args */
	int	*causes;	/* one per Cause:, parallel to node->causes */
};

/*
 * The cross-reference checks run once the whole file is read: targets, Start:, duplicate
 * IDs and keys, probes and their parameters and outcomes, causes, branches each kind needs,
 * Title:, reachability and loops with no question. Resolves each branch's node. Iterative:
 * no recursion on the tree's depth.
 */
void	 tree_check(struct tree *, int start_line, const struct tree_node_lines *,
	    struct tree_errors *);

/* A value quoted for a message: "...", controls escaped, long values cut. Caller frees. */
char	*tree_quote(const char *);
/*
 * Decodes one UTF-8 character of s (len > 0 bytes): returns its length and sets *cp, or
 * returns 0 for an invalid, overlong, surrogate or truncated sequence.
 */
size_t	 tree_utf8_next(const char *s, size_t len, unsigned int *cp);

#endif
