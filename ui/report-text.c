/* report-text.c: the plain-text report a user pastes into a helpdesk ticket. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "report.h"
#include "sanitize.h"
#include "util.h"

/*
 * Layout rule that keeps server text from passing as ours: only the lines this file writes
 * itself start in the first column ("=== ... ===" headings, "Verdict:", "Cause 1: ...").
 * Everything that comes from a tree, an answer or a probe is sanitised (so it holds no line
 * break of its own) and starts indented; words a server sent are quoted behind "    | ".
 */
#define REPORT_WIDTH	78
#define REPORT_QUOTE	"    | "

static size_t	 report_text_charwidth(const char *, size_t *);
static size_t	 report_text_fallback_width(uint32_t);
static size_t	 report_text_width(const char *, size_t);
static void	 report_text_list(FILE *, const char *, const struct strlist *, int);
static void	 report_text_heading(FILE *, const char *);
static void	 report_text_answers(FILE *, const struct walk *);
static void	 report_text_probe(FILE *, size_t, const struct walk_probe *);
static void	 report_text_path(FILE *, const struct walk *);

/*
 * Display width of the UTF-8 character at s (valid: the text is sanitised), its length in
 * *len. wcwidth knows double-width and combining characters in a UTF-8 locale.
 */
static size_t
report_text_charwidth(const char *s, size_t *len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 n, i;
	int			 w;

	if (p[0] < 0x80) {
		*len = 1;
		return (1);
	}
	if (p[0] >= 0xf0) {
		n = 4;
		c = p[0] & 0x07;
	} else if (p[0] >= 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
	} else {
		n = 2;
		c = p[0] & 0x1f;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*len = 1;
			return (1);
		}
		c = (c << 6) | (p[i] & 0x3f);
	}
	*len = n;
	if ((w = wcwidth((wchar_t)c)) >= 0)
		return ((size_t)w);
	return (report_text_fallback_width(c));
}

/*
 * Without a UTF-8 locale wcwidth knows nothing beyond ASCII. The common combining marks
 * (width 0: a line break must never part them from their letter) and the East Asian wide
 * blocks (width 2) are enough to wrap a report sensibly anyway.
 */
static size_t
report_text_fallback_width(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	    (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xfe20 && c <= 0xfe2f))
		return (0);
	if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd))
		return (2);
	return (1);
}

/* Display width of the first len bytes of s. */
static size_t
report_text_width(const char *s, size_t len)
{
	size_t	 w = 0, n, i;

	for (i = 0; i < len; i += n)
		w += report_text_charwidth(s + i, &n);
	return (w);
}

void
report_wrap(FILE *f, const char *first, const char *indent, const char *text, size_t width)
{
	const char	*p, *word;
	size_t		 col, wlen, wwidth, n, cw;
	int		 atstart;

	if (first == NULL)
		first = indent;
	if (text[strspn(text, " ")] == '\0') {
		/* Nothing to say: no line ending in blanks. */
		n = strlen(first);
		while (n > 0 && first[n - 1] == ' ')
			n--;
		fprintf(f, "%.*s\n", (int)n, first);
		return;
	}
	fputs(first, f);
	col = report_text_width(first, strlen(first));
	atstart = 1;
	for (p = text; *p != '\0'; /* nothing */) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != ' ' && *p != '\0')
			p++;
		wlen = (size_t)(p - word);
		wwidth = report_text_width(word, wlen);

		if (!atstart && col + 1 + wwidth > width) {
			fprintf(f, "\n%s", indent);
			col = report_text_width(indent, strlen(indent));
			atstart = 1;
		}
		if (!atstart) {
			fputc(' ', f);
			col++;
		}
		if (col + wwidth <= width) {
			fwrite(word, 1, wlen, f);
			col += wwidth;
			atstart = 0;
			continue;
		}
		/* A word longer than the line: break it between characters, never inside one. */
		while (wlen > 0) {
			cw = report_text_charwidth(word, &n);
			if (col + cw > width && !atstart) {
				fprintf(f, "\n%s", indent);
				col = report_text_width(indent, strlen(indent));
				atstart = 1;
			}
			fwrite(word, 1, n, f);
			col += cw;
			atstart = 0;
			word += n;
			wlen -= n;
		}
	}
	fputc('\n', f);
}

char *
report_unfold(const char *text)
{
	char	*copy, *rest, *line, *end, *safe, *out, *next;
	int	 pending = 0;	/* what goes before the next line: 0 nothing, 1 " ", 2 "\n\n" */

	out = xstrdup("");
	if (text == NULL)
		return (out);
	rest = copy = xstrdup(text);
	while ((line = strsep(&rest, "\n")) != NULL) {
		line += strspn(line, " \t");
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*line == '\0') {
			if (*out != '\0')
				pending = 2;
			continue;
		}
		safe = sanitize_stored(line);
		xasprintf(&next, "%s%s%s", out, pending == 2 ? "\n\n" : pending == 1 ? " " : "",
		    safe);
		free(safe);
		free(out);
		out = next;
		pending = 1;
	}
	free(copy);
	return (out);
}

void
report_paragraphs(FILE *f, const char *first, const char *indent, const char *text)
{
	char	*all, *para, *next;
	int	 n = 0;

	all = report_unfold(text);
	for (para = all; para != NULL; para = next) {
		if ((next = strstr(para, "\n\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if (n++ > 0)
			fputc('\n', f);
		report_wrap(f, n == 1 ? first : indent, indent, para, REPORT_WIDTH);
	}
	free(all);
}

/* A list of our own words: "  - item" bullets, or "  1. item" steps when numbered. */
static void
report_text_list(FILE *f, const char *indent, const struct strlist *l, int numbered)
{
	char	*first, *rest;
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if (numbered)
			xasprintf(&first, "%s%zu. ", indent, i + 1);
		else
			xasprintf(&first, "%s- ", indent);
		xasprintf(&rest, "%*s", (int)strlen(first), "");
		report_paragraphs(f, first, rest, l->v[i]);
		free(first);
		free(rest);
	}
}

static void
report_text_heading(FILE *f, const char *title)
{
	fprintf(f, "\n=== %s ===\n", title);
}

void
report_text_diagnosis(FILE *f, const struct walk *w)
{
	const struct walk_outcome	*o;
	const struct walk_cause		*wc;
	const char			*section, *verdict;
	char				*line;
	size_t				 i;
	int				 shown_ev = 0, shown_fix = 0;

	if ((o = walk_outcome(w)) == NULL) {
		fputs("Verdict: no diagnosis, because the questions were not finished.\n", f);
		return;
	}
	switch (o->verdict) {
	case TREE_VERDICT_FAULT:
		verdict = "a problem was found";
		break;
	case TREE_VERDICT_HEALTHY:
		verdict = "no problem found";
		break;
	default:
		verdict = "no clear diagnosis (inconclusive)";
		break;
	}
	fprintf(f, "Verdict: %s.\n", verdict);
	if (o->title != NULL && *o->title != '\0')
		report_paragraphs(f, "  ", "  ", o->title);
	if (o->text != NULL && *o->text != '\0') {
		fputc('\n', f);
		report_paragraphs(f, "  ", "  ", o->text);
	}

	/* Several causes: say which to work on first, and what the others are. */
	if (o->nalso > 0) {
		fputc('\n', f);
		xasprintf(&line, "sendfix found %zu problems. They are listed below in the "
		    "order to fix them: start with cause 1, the one most likely to stop your mail.",
		    o->ncauses);
		report_paragraphs(f, "  ", "  ", line);
		free(line);
	} else if (o->ncauses > 1) {
		fputc('\n', f);
		report_paragraphs(f, "  ", "  ", "Cause 1 is the most likely: start with it. "
		    "The others are less likely explanations, to look at if fixing the first "
		    "does not help.");
	}
	for (i = 0; i < o->ncauses; i++) {
		wc = &o->causes[i];
		if (o->ncauses == 1)
			fprintf(f, "\nCause: %s\n", wc->cause->id);
		else
			fprintf(f, "\nCause %zu of %zu%s: %s\n", i + 1, o->ncauses,
			    i == 0 ? " (fix this first)" : i >= o->ncauses - o->nalso ?
			    " (also found)" : " (less likely)", wc->cause->id);
		/* The outcome's title is often this cause's own: say it once. */
		if (o->title == NULL || strcmp(o->title, wc->cause->title) != 0)
			report_paragraphs(f, "  ", "  ", wc->cause->title);
		if ((section = cause_section_title(wc->cause->section)) != NULL)
			fprintf(f, "  Guide section %d: %s\n", wc->cause->section, section);
		if (wc->evidence.n != 0) {
			fputs("  What sendfix found:\n", f);
			report_text_list(f, "    ", &wc->evidence, 0);
			if (strlist_equal(&wc->evidence, &o->evidence))
				shown_ev = 1;
		}
		if (wc->fix.n != 0) {
			fputs("  How to fix it:\n", f);
			report_text_list(f, "    ", &wc->fix, 1);
			if (strlist_equal(&wc->fix, &o->fix))
				shown_fix = 1;
		}
	}
	/* The conclusion's own lines, unless a cause above already carried the same ones. */
	if (o->evidence.n != 0 && !shown_ev) {
		fputs("\nWhat sendfix found:\n", f);
		report_text_list(f, "  ", &o->evidence, 0);
	}
	if (o->fix.n != 0 && !shown_fix) {
		fputs("\nWhat to do:\n", f);
		report_text_list(f, "  ", &o->fix, 1);
	}
}

/* The answers the user gave; secrets are left out entirely, probe facts come with probes. */
static void
report_text_answers(FILE *f, const struct walk *w)
{
	const struct answer	*a;
	const char		*how;
	char			*key, *value, *first, *line;
	size_t			 i, n = 0;

	for (i = 0; w->answers != NULL && i < w->answers->n; i++) {
		a = &w->answers->v[i];
		if (a->secret || a->origin == ANSWER_PROBE)
			continue;
		key = sanitize_stored(a->key);
		if (a->origin == ANSWER_DONTKNOW || strcmp(a->value, "dontknow") == 0) {
			value = xstrdup("(I don't know)");
			how = "";
		} else {
			value = sanitize_stored(a->value);
			how = a->origin == ANSWER_GIVEN ? " (given in advance)" : "";
		}
		xasprintf(&first, "  %s: ", key);
		xasprintf(&line, "%s%s", value, how);
		report_wrap(f, first, "      ", line, REPORT_WIDTH);
		free(first);
		free(line);
		free(key);
		free(value);
		n++;
	}
	if (n == 0)
		fputs("  (no answers)\n", f);
}

/* One probe: our summary first, then the server's own words behind the quote prefix. */
static void
report_text_probe(FILE *f, size_t idx, const struct walk_probe *wp)
{
	const struct probe_result	*r = &wp->result;
	const char			*name;
	char				*s, *k, *v, *first;
	size_t				 i;

	name = wp->probe != NULL ? wp->probe->name : wp->node->probe;
	s = sanitize_stored(name);
	fprintf(f, "\nCheck %zu: %s", idx + 1, s);
	free(s);
	if (wp->node->id != NULL) {
		s = sanitize_stored(wp->node->id);
		fprintf(f, " (step %s)", s);
		free(s);
	}
	fputc('\n', f);

	s = sanitize_stored(r->target);
	report_wrap(f, "  Target:  ", "           ", s, REPORT_WIDTH);
	free(s);
	s = sanitize_stored(r->outcome);
	report_wrap(f, "  Outcome: ", "           ", s, REPORT_WIDTH);
	free(s);
	fprintf(f, "  Took:    %lld ms\n", r->elapsed_ms);
	if (r->evidence.n != 0) {
		fputs("  Found:\n", f);
		report_text_list(f, "    ", &r->evidence, 0);
	}
	if (r->nfacts != 0) {
		fputs("  Facts:\n", f);
		for (i = 0; i < r->nfacts; i++) {
			k = sanitize_stored(r->facts[i].key);
			v = sanitize_stored(r->facts[i].value);
			xasprintf(&first, "    %s = ", k);
			report_wrap(f, first, "        ", v, REPORT_WIDTH);
			free(first);
			free(k);
			free(v);
		}
	}
	if (r->transcript.n != 0) {
		/* Quoted exactly, one line each, not wrapped: helpdesks need the real words. */
		fputs("  Conversation (C: sendfix, S: the server):\n", f);
		for (i = 0; i < r->transcript.n; i++) {
			s = sanitize_stored(r->transcript.v[i]);
			fprintf(f, "%s%s\n", REPORT_QUOTE, s);
			free(s);
		}
	}
}

static void
report_text_path(FILE *f, const struct walk *w)
{
	char	*s;
	size_t	 i;

	for (i = 0; i < w->nsteps; i++) {
		s = sanitize_stored(w->steps[i].node->id);
		fprintf(f, "  %zu. %s\n", i + 1, s);
		free(s);
	}
	if (w->nsteps == 0)
		fputs("  (none)\n", f);
}

void
report_text_render(FILE *f, const struct walk *w, const struct report_meta *meta)
{
	struct report_client	 rc;
	struct tm		 tm;
	char			 when[32];
	char			*s;
	size_t			 i;

	fprintf(f, "sendfix %s report\n",
	    meta != NULL && meta->version != NULL ? meta->version : PACKAGE_VERSION);
	if (meta != NULL) {
		if (gmtime_r(&meta->started, &tm) != NULL &&
		    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm) != 0)
			fprintf(f, "Started: %s, took %lld ms\n", when, meta->elapsed_ms);
		if (meta->note != NULL) {
			s = sanitize_str(meta->note);
			report_wrap(f, "Note: ", "  ", s, REPORT_WIDTH);
			free(s);
		}
	}

	report_text_heading(f, "DIAGNOSIS");
	report_text_diagnosis(f, w);

	report_text_heading(f, "YOUR ANSWERS");
	report_text_answers(f, w);
	if (report_client_compare(w, meta, &rc) == 0) {
		report_text_heading(f, "READ FROM YOUR MAIL PROGRAM");
		s = sanitize_str(rc.program);
		fprintf(f, "  sendfix read these answers from the settings of %s:\n", s);
		free(s);
		report_client_sources(f, meta);
		fputc('\n', f);
		report_client_text(f, &rc);
		report_client_free(&rc);
	}

	report_text_heading(f, "CHECKS RUN");
	for (i = 0; i < w->nprobes; i++)
		report_text_probe(f, i, &w->probes[i]);
	if (w->nprobes == 0)
		fputs("  (no checks were run)\n", f);

	report_text_heading(f, "STEPS TAKEN");
	report_text_path(f, w);
	fputs("\n=== END OF REPORT ===\n", f);
}
