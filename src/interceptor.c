/* interceptor.c: loads the interception CA table and finds its products in certificate chains. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "interceptor.h"
#include "sanitize.h"
#include "tls.h"
#include "util.h"

#define INTERCEPTOR_MAX_ERRORS	50

static int	 interceptor_is_word(int);
static int	 interceptor_fold(int);
static char	*interceptor_normalise(const char *, size_t, int);
static int	 interceptor_found(const char *, const char *);
static char	*interceptor_trim(char *);
static int	 interceptor_parse_line(struct interceptors *, char *, int, char **);
static void	 interceptor_load_builtin(void);

static pthread_once_t		 interceptor_once = PTHREAD_ONCE_INIT;
static struct interceptors	*interceptor_table;

/* Letters and digits make words; "_", ".", "-", "=" and spaces part them. */
static int
interceptor_is_word(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/* ASCII only, never the locale: in Turkish, tolower('I') is not 'i'. */
static int
interceptor_fold(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 'a');
	return (c);
}

/*
 * The text as matched: folded, each run of spaces and tabs one space, none at the ends.
 * With unescape, backslashes go: a name's "\," (RFC 4514) is a plain comma once stored
 * sanitised as "\\,", and a pattern never holds one.
 */
static char *
interceptor_normalise(const char *s, size_t len, int unescape)
{
	char	*out;
	size_t	 i, n = 0;
	int	 space = 0;

	out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			space = 1;
			continue;
		}
		if (unescape && s[i] == '\\')
			continue;
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		out[n++] = (char)interceptor_fold((unsigned char)s[i]);
	}
	out[n] = '\0';
	return (out);
}

/* 1 if the folded pattern is in the folded name, a letter or digit at its ends ending a word. */
static int
interceptor_found(const char *name, const char *pattern)
{
	const char	*at;
	size_t		 plen = strlen(pattern);

	for (at = strstr(name, pattern); at != NULL; at = strstr(at + 1, pattern)) {
		if (interceptor_is_word((unsigned char)pattern[0]) && at > name &&
		    interceptor_is_word((unsigned char)at[-1]))
			continue;
		if (interceptor_is_word((unsigned char)pattern[plen - 1]) &&
		    interceptor_is_word((unsigned char)at[plen]))
			continue;
		return (1);
	}
	return (0);
}

/* Cuts spaces and tabs off both ends, in place. */
static char *
interceptor_trim(char *s)
{
	char	*end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return (s);
}

/* One entry (NUL-terminated, no line ending, not blank or a comment); 0, or -1 and *msg. */
static int
interceptor_parse_line(struct interceptors *t, char *s, int line, char **msg)
{
	struct interceptor_rule	 r;
	char			*bar, *product, *pattern;
	size_t			 i;

	if ((bar = strchr(s, '|')) == NULL) {
		xasprintf(msg, "expected PRODUCT | PATTERN");
		return (-1);
	}
	if (strchr(bar + 1, '|') != NULL) {
		xasprintf(msg, "more than one \"|\" (expected PRODUCT | PATTERN)");
		return (-1);
	}
	*bar = '\0';
	product = interceptor_trim(s);
	pattern = interceptor_trim(bar + 1);
	if (*product == '\0') {
		xasprintf(msg, "the product name is empty");
		return (-1);
	}
	if (*pattern == '\0') {
		xasprintf(msg, "the pattern is empty");
		return (-1);
	}
	if (strchr(pattern, '\\') != NULL) {
		xasprintf(msg, "the pattern holds a backslash (names are matched with their "
		    "escapes removed)");
		return (-1);
	}

	memset(&r, 0, sizeof r);
	r.line = line;
	r.folded = interceptor_normalise(pattern, strlen(pattern), 0);
	if (strlen(r.folded) < INTERCEPTOR_MIN_PATTERN) {
		xasprintf(msg, "the pattern \"%s\" is too short to mean anything (%d characters "
		    "at least)", pattern, INTERCEPTOR_MIN_PATTERN);
		free(r.folded);
		return (-1);
	}
	for (i = 0; i < t->nrules; i++) {
		if (strcmp(t->rules[i].folded, r.folded) == 0) {
			xasprintf(msg, "the same pattern as line %d", t->rules[i].line);
			free(r.folded);
			return (-1);
		}
	}
	r.product = xstrdup(product);
	r.pattern = xstrdup(pattern);
	t->rules = xreallocarray(t->rules, t->nrules + 1, sizeof *t->rules);
	t->rules[t->nrules++] = r;
	return (0);
}

int
interceptor_parse_buffer(const char *file, const char *buf, size_t len,
    struct interceptors **out, char **errors)
{
	struct interceptors	*t;
	struct strlist		 errs = { NULL, 0, 0 };
	const char		*s, *nl;
	char			*line, *msg, *p;
	size_t			 llen, i, dropped = 0, total = 0;
	int			 lineno = 0;

	*out = NULL;
	*errors = NULL;
	t = xcalloc(1, sizeof *t);
	t->file = xstrdup(file);
	for (s = buf; s < buf + len; s = nl + 1) {
		lineno++;
		if ((nl = memchr(s, '\n', (size_t)(buf + len - s))) == NULL)
			nl = buf + len;
		llen = (size_t)(nl - s);
		if (llen > 0 && s[llen - 1] == '\r')
			llen--;
		msg = NULL;
		if (memchr(s, '\0', llen) != NULL)
			msg = xstrdup("the line holds a NUL byte");
		else {
			line = xstrndup(s, llen);
			for (p = line; *p != '\0'; p++) {
				if (*p == '\t')
					*p = ' ';
			}
			if (!sanitize_is_safe(line))
				msg = xstrdup("the line is not UTF-8 text or holds a control "
				    "character");
			else {
				p = line + strspn(line, " ");
				if (*p != '\0' && *p != '#')
					interceptor_parse_line(t, p, lineno, &msg);
			}
			free(line);
		}
		if (msg != NULL) {
			if (total++ < INTERCEPTOR_MAX_ERRORS)
				strlist_addf(&errs, "%s:%d: %s", file, lineno, msg);
			else
				dropped++;
			free(msg);
		}
	}
	if (errs.n == 0 && t->nrules == 0)
		strlist_addf(&errs, "%s: the table holds no patterns", file);
	if (errs.n > 0) {
		if (dropped > 0)
			strlist_addf(&errs, "%s: %zu more problems not shown", file, dropped);
		xasprintf(errors, "%s", errs.v[0]);
		for (i = 1; i < errs.n; i++) {
			p = *errors;
			xasprintf(errors, "%s\n%s", p, errs.v[i]);
			free(p);
		}
		strlist_free(&errs);
		interceptor_free(t);
		return (-1);
	}
	*out = t;
	return (0);
}

void
interceptor_free(struct interceptors *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrules; i++) {
		free(t->rules[i].product);
		free(t->rules[i].pattern);
		free(t->rules[i].folded);
	}
	free(t->rules);
	free(t->file);
	free(t);
}

static void
interceptor_load_builtin(void)
{
	const struct embedded_file	*e;
	char				*errors = NULL;

	if ((e = embedded_find(INTERCEPTOR_BUILTIN_NAME)) == NULL)
		fatalx("the built-in interception CA table is missing");
	if (interceptor_parse_buffer(INTERCEPTOR_BUILTIN_NAME, (const char *)e->data, e->len,
	    &interceptor_table, &errors) != 0)
		fatalx("the built-in interception CA table is broken: %s", errors);
}

const struct interceptors *
interceptor_builtin(void)
{
	if (pthread_once(&interceptor_once, interceptor_load_builtin) != 0)
		fatalx("pthread_once failed for the interception CA table");
	return (interceptor_table);
}

const struct interceptor_rule *
interceptor_match_name(const struct interceptors *t, const char *name)
{
	const struct interceptor_rule	*found = NULL;
	char				*norm;
	size_t				 i;

	if (name == NULL)
		return (NULL);
	if (t == NULL)
		t = interceptor_builtin();
	norm = interceptor_normalise(name, strlen(name), 1);
	for (i = 0; i < t->nrules; i++) {
		if (interceptor_found(norm, t->rules[i].folded)) {
			found = &t->rules[i];
			break;
		}
	}
	free(norm);
	return (found);
}

int
interceptor_match_chain(const struct interceptors *t, const struct tls_info *info,
    struct interceptor_hit *hit)
{
	const struct interceptor_rule	*r;
	size_t				 i;

	if (info == NULL || info->chain == NULL)
		return (0);
	if (t == NULL)
		t = interceptor_builtin();
	for (i = 0; i < info->nchain; i++) {
		if ((r = interceptor_match_name(t, info->chain[i].issuer)) != NULL) {
			if (hit != NULL) {
				hit->rule = r;
				hit->cert = i;
				hit->in_issuer = 1;
			}
			return (1);
		}
		if (i == 0)
			continue;
		if ((r = interceptor_match_name(t, info->chain[i].subject)) != NULL) {
			if (hit != NULL) {
				hit->rule = r;
				hit->cert = i;
				hit->in_issuer = 0;
			}
			return (1);
		}
	}
	return (0);
}

const char *
interceptor_match(const struct tls_info *info)
{
	struct interceptor_hit	 hit;

	if (!interceptor_match_chain(NULL, info, &hit))
		return (NULL);
	return (hit.rule->product);
}
