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

struct report_meta {
	const char	*version;	/* PACKAGE_VERSION */
	time_t		 started;	/* wall clock, for the "started" field */
	long long	 elapsed_ms;
	const char	*note;		/* why the run ended early, or NULL */
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

#endif
