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
	const char	*value;		/* as the file says it (never a password) */
	const char	*program;
	const char	*file;
	unsigned int	 line;
};

struct report_meta {
	const char	*version;	/* PACKAGE_VERSION */
	time_t		 started;	/* wall clock, for the "started" field */
	long long	 started_mono;	/* mono_ms() then, for an elapsed time taken midway */
	long long	 elapsed_ms;
	const char	*note;		/* why the run ended early, or NULL */
	const struct report_import *imported;	/* "imported" in JSON; omitted when none */
	size_t		 nimported;
};

/*
 * The mail program's settings beside the ones that work (report-client.c), for a walk
 * whose answers came from a mail program: host, port, security and user name, each with
 * the program's value, the working one and whether it must change.
 */
enum {
	REPORT_CLIENT_HOST,
	REPORT_CLIENT_PORT,
	REPORT_CLIENT_SECURITY,
	REPORT_CLIENT_USER,
	REPORT_CLIENT_NROWS
};

struct report_client_row {
	const char	*key;		/* "smtp.host", ... */
	const char	*label;		/* "Server", ... */
	char		*program;	/* the mail program's value, or NULL */
	char		*works;		/* the value that works, or NULL when not known */
	const char	*file;		/* where program was read (the meta's), or NULL */
	unsigned int	 line;
	int		 change;	/* both known, and they differ */
};

struct report_client {
	char			*program;	/* "thunderbird", "msmtp", ... */
	struct report_client_row row[REPORT_CLIENT_NROWS];
	int			 known;		/* a working combination was found */
	size_t			 nchange;
	char			*open;		/* the menu path (mail-program probe), or NULL */
	struct strlist		 lines;		/* msmtp, mutt: the configuration lines
						   that work */
};

/* Fills rc; 0, or -1 (rc empty) when no answer came from a mail program. Unsanitised. */
int	 report_client_compare(const struct walk *, const struct report_meta *,
	    struct report_client *);
void	 report_client_free(struct report_client *);
/* A value as the user reads it: "STARTTLS" for starttls, "(not set)" for NULL. */
const char *report_client_words(const char *key, const char *value);
/* The comparison as indented text lines, sanitised. */
void	 report_client_text(FILE *, const struct report_client *);
/* Where each answer taken from a mail program was read, as indented lines, sanitised. */
void	 report_client_sources(FILE *, const struct report_meta *);

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
