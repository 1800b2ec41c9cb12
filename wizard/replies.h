/* replies.h: the reply table (wizard/replies.tbl): server replies and client error texts to causes. */
#ifndef SENDFIX_REPLIES_H
#define SENDFIX_REPLIES_H

#include <stddef.h>

#include "causes.h"
#include "util.h"

#define REPLIES_BUILTIN_NAME	"replies.tbl"
/* How many characters a "*" inside a pattern may stand for. */
#define REPLIES_GAP		160
/* Texts longer than this are matched on their first REPLIES_TEXT_MAX bytes only. */
#define REPLIES_TEXT_MAX	(64 * 1024)

/* One line of the table; see wizard/README, "The reply table". */
struct replies_rule {
	int			 line;		/* in the file, for evidence */
	int			 code;		/* 535; the class digit times 100 for "5xx"; 0 for "*" */
	int			 code_class;	/* 1 when code is a class ("5xx") */
	char			*enhanced;	/* "5.7.8" or "4.7." (from "4.7.*"); NULL for "*" */
	int			 weight;	/* 1..100 */
	const struct cause	*cause;		/* from the catalogue */
	char			*pattern;	/* as written */
	struct strlist		 pieces;	/* the pattern split at "*", folded; none: any text */
};

struct replies {
	char			*file;		/* the name messages and evidence use */
	struct replies_rule	*rules;
	size_t			 nrules;
};

/* One cause a text points to. */
struct replies_match {
	const struct cause		*cause;
	int				 weight;	/* the best rule's weight */
	size_t				 nrules;	/* how many rules pointed to this cause */
	const struct replies_rule	*rule;		/* the best rule (lowest line on a tie) */
	int				 code;		/* the reply code it matched; 0 if none */
	char				 enhanced[16];	/* the enhanced code it matched, or "" */
	char				*quote;		/* the words it matched, as written (spaces
							   collapsed), NOT sanitised; NULL for "*" */
};

/* Ranked: highest weight first, then more rules, then the earlier rule in the table. */
struct replies_result {
	struct replies_match	*v;
	size_t			 n;
};

/*
 * Parses a table held in buf (len bytes; it may hold NUL bytes, which are refused). file is
 * the name used in messages and in each rule's evidence. On success returns 0 and *out (free
 * with replies_free). On failure returns -1 and *errors (caller frees) holds every problem,
 * one per line, as "FILE:LINE: message".
 */
int	 replies_parse_buffer(const char *file, const char *buf, size_t len,
	     struct replies **out, char **errors);
void	 replies_free(struct replies *);

/* The table compiled into the binary, parsed on first use; a broken one is a fatal bug. */
const struct replies *replies_builtin(void);

/*
 * Matches one reply a probe received: code (0 when unknown), enhanced ("5.7.8", "" or NULL)
 * and its text (the lines joined; NULL is ""). t NULL means the built-in table. Fills *res
 * (free with replies_result_free); returns res->n, 0 when nothing matches.
 */
size_t	 replies_match_reply(const struct replies *t, int code, const char *enhanced,
	     const char *text, struct replies_result *res);

/*
 * Matches any text a user pastes: a quoted reply, a mail program's dialog, several lines.
 * The reply codes and enhanced codes are found in the text itself. Otherwise as above.
 */
size_t	 replies_match_text(const struct replies *t, const char *text,
	     struct replies_result *res);

void	 replies_result_free(struct replies_result *);

#endif
