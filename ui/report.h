/* report.h: the report writers, one more rendering of a finished walk. */
#ifndef SENDFIX_REPORT_H
#define SENDFIX_REPORT_H

#include <stdio.h>
#include <time.h>

#include "walk.h"

enum report_format {
	REPORT_TEXT,
	REPORT_JSON
};

/* An answer taken from a mail program's settings (--from-client), and where it was read. */
struct report_import {
	const char	*key;
	const char	*program;
	const char	*file;
	unsigned int	 line;
};

struct report_meta {
	const char	*version;	/* PACKAGE_VERSION */
	time_t		 started;	/* wall clock, for the "started" field */
	long long	 elapsed_ms;
	const char	*note;		/* why the run ended early, or NULL */
	const struct report_import *imported;	/* "imported" in JSON; omitted when none */
	size_t		 nimported;
};

/* Parses "text" / "json"; 0 or -1. */
int	 report_format_parse(const char *, enum report_format *);

/*
 * Writes the report of w to f. Secret answers never appear, in any encoding. Every string
 * from a probe or an answer is sanitised. Returns 0, or -1 with *cause on a write error.
 */
int	 report_write_text(FILE *, const struct walk *, const struct report_meta *, char **cause);
int	 report_write_json(FILE *, const struct walk *, const struct report_meta *, char **cause);
int	 report_write(FILE *, enum report_format, const struct walk *, const struct report_meta *,
	    char **cause);

/*
 * Writes the report to path ("-" = stdout) safely: a temporary file in the same directory
 * created 0600 with O_EXCL|O_NOFOLLOW, then renamed over path; path itself must not be a
 * symlink. No partial file is left on error. Returns 0, or -1 with *cause.
 */
int	 report_save(const char *path, enum report_format, const struct walk *,
	    const struct report_meta *, char **cause);

/*
 * The diagnosis part of the text report (verdict, title, explanation, causes with their
 * evidence and numbered fix steps): the plain front end shows the same words at the end.
 * Every string is sanitised; nothing from a tree, answer or probe starts a line unindented.
 */
void	 report_text_diagnosis(FILE *, const struct walk *);

/*
 * Writes text (already sanitised, no line breaks) wrapped at width display columns, breaking
 * between words, or between characters (never inside one) for a word longer than a line.
 * The first line starts with first (indent when NULL), the others with indent.
 */
void	 report_wrap(FILE *, const char *first, const char *indent, const char *text,
	    size_t width);

/*
 * Trees fold long lines as RFC 822 headers do: in text from a tree (expanded or not) a single
 * line break is only a space and an empty line separates paragraphs. Returns the text
 * unfolded (caller frees), each line sanitised with sanitize_stored, paragraphs separated by
 * exactly "\n\n", with no line break at either end.
 */
char	*report_unfold(const char *);

/*
 * Writes report_unfold(text) as paragraphs wrapped at 78 columns, with an empty line between
 * paragraphs. first and indent as for report_wrap.
 */
void	 report_paragraphs(FILE *, const char *first, const char *indent, const char *text);

/*
 * A copy of s (caller frees) in which every secret answer in answers, as plain text, hex
 * or base64 at any alignment, is replaced by "(hidden)": a last safety net behind the rule
 * that secrets are never written at all.
 */
char	*report_scrub(const char *s, const struct answers *);

/* The two renderers, used by report_write and report_save (no scrubbing of the text one). */
void	 report_text_render(FILE *, const struct walk *, const struct report_meta *);
void	 report_json_render(FILE *, const struct walk *, const struct report_meta *);

#endif
