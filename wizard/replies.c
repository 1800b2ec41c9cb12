/* replies.c: loads the reply table and matches replies and pasted error texts against it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "embedded.h"
#include "replies.h"
#include "util.h"

#define REPLIES_MAX_ERRORS	50
#define REPLIES_MAX_CANDS	32
#define REPLIES_MIN_PIECE	3
#define REPLIES_ENH_MAX		16

/* A reply code and enhanced code found in a text (code 0: an enhanced code on its own). */
struct replies_cand {
	int	 code;
	char	 enh[REPLIES_ENH_MAX];
};

/* The text prepared for matching: spaces collapsed; low is orig folded to lower case. */
struct replies_text {
	char	*orig;
	char	*low;
	size_t	 len;
};

/* One partial match: where the first piece began and where the latest piece ended. */
struct replies_span {
	size_t	 start;
	size_t	 end;
};

static int	 replies_is_digit(int);
static int	 replies_is_alnum(int);
static int	 replies_is_space(int);
static int	 replies_fold(int);
static int	 replies_valid_utf8(const char *, size_t);
static size_t	 replies_parse_code(const char *, size_t, size_t);
static size_t	 replies_parse_enh(const char *, size_t, size_t, char *);
static void	 replies_add_cand(struct replies_cand *, size_t *, int, const char *);
static size_t	 replies_find_cands(const char *, size_t, struct replies_cand *);
static char	*replies_normalise(const char *, size_t);
static void	 replies_prepare(const char *, size_t, const struct replies_cand *, size_t,
		     struct replies_text *);
static int	 replies_piece_at(const struct replies_text *, size_t, const char *, size_t);
static int	 replies_find(const struct replies_text *, const struct strlist *, size_t *,
		     size_t *);
static int	 replies_codes_ok(const struct replies_rule *, const struct replies_cand *,
		     size_t, const struct replies_cand **);
static void	 replies_add_match(struct replies_result *, const struct replies_rule *,
		     const struct replies_cand *, const char *, size_t);
static int	 replies_cmp(const void *, const void *);
static size_t	 replies_match(const struct replies *, const char *, size_t,
		     const struct replies_cand *, size_t, struct replies_result *);
static int	 replies_parse_line(struct replies *, char *, int, char **);
static int	 replies_same_rule(const struct replies_rule *, const struct replies_rule *);
static void	 replies_rule_free(struct replies_rule *);

static int
replies_is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
replies_is_alnum(int c)
{
	return (replies_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int
replies_is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	    c == '\0');
}

/* ASCII only, never the locale: in Turkish, tolower('I') is not 'i'. */
static int
replies_fold(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 'a');
	return (c);
}

/* 1 if buf holds valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF). */
static int
replies_valid_utf8(const char *buf, size_t len)
{
	const unsigned char	*s = (const unsigned char *)buf;
	size_t			 i = 0, n, k;
	unsigned int		 cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return (0);
		if (len - i - 1 < n)
			return (0);
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += n + 1;
	}
	return (1);
}

/*
 * A reply code at s[i]: three digits, the first 2-5 (RFC 5321 4.2), standing alone (not
 * part of a longer number, a word, "0x800CCC0E" or an address). Returns the code or 0.
 */
static size_t
replies_parse_code(const char *s, size_t len, size_t i)
{
	if (len - i < 3 || s[i] < '2' || s[i] > '5' || !replies_is_digit(s[i + 1]) ||
	    !replies_is_digit(s[i + 2]))
		return (0);
	if (i > 0 && (replies_is_alnum(s[i - 1]) || s[i - 1] == '.'))
		return (0);
	if (i + 3 < len) {
		if (replies_is_alnum(s[i + 3]))
			return (0);
		if (s[i + 3] == '.' && i + 4 < len && replies_is_digit(s[i + 4]))
			return (0);
	}
	return ((size_t)(s[i] - '0') * 100 + (size_t)(s[i + 1] - '0') * 10 +
	    (size_t)(s[i + 2] - '0'));
}

/*
 * An RFC 3463 code at s[i] ("5.7.139": class 2, 4 or 5, then 1-3 digits twice), standing
 * alone. Copies it to enh and returns its length, or 0.
 */
static size_t
replies_parse_enh(const char *s, size_t len, size_t i, char *enh)
{
	size_t	 j = i, part, digits;

	if (i > 0 && (replies_is_alnum(s[i - 1]) || s[i - 1] == '.'))
		return (0);
	if (j >= len || (s[j] != '2' && s[j] != '4' && s[j] != '5'))
		return (0);
	j++;
	for (part = 0; part < 2; part++) {
		if (j >= len || s[j] != '.')
			return (0);
		j++;
		for (digits = 0; j < len && replies_is_digit(s[j]); j++)
			digits++;
		if (digits < 1 || digits > 3)
			return (0);
	}
	if (j < len && (replies_is_alnum(s[j]) ||
	    (s[j] == '.' && j + 1 < len && replies_is_digit(s[j + 1]))))
		return (0);
	memcpy(enh, s + i, j - i);
	enh[j - i] = '\0';
	return (j - i);
}

static void
replies_add_cand(struct replies_cand *v, size_t *n, int code, const char *enh)
{
	size_t	 i;

	for (i = 0; i < *n; i++) {
		if (v[i].code == code && strcmp(v[i].enh, enh) == 0)
			return;
	}
	if (*n == REPLIES_MAX_CANDS)
		return;
	v[*n].code = code;
	snprintf(v[*n].enh, sizeof v[*n].enh, "%s", enh);
	(*n)++;
}

/*
 * Every reply code in a pasted text, with the enhanced code that follows it ("535 5.7.8",
 * "535-5.7.8", Python's "(535, b'5.7.8 ..."), and enhanced codes standing on their own.
 */
static size_t
replies_find_cands(const char *s, size_t len, struct replies_cand *v)
{
	char	 enh[REPLIES_ENH_MAX];
	size_t	 n = 0, i, j, k, code, elen, taken = 0;

	for (i = 0; i < len; i++) {
		if ((code = replies_parse_code(s, len, i)) != 0) {
			j = i + 3;
			for (k = 0; k < 4 && j < len; k++) {
				if (strchr(" \t\r\n-,:;'\"(", s[j]) != NULL)
					j++;
				else if (s[j] == 'b' && j + 1 < len &&
				    (s[j + 1] == '\'' || s[j + 1] == '"'))
					j += 2;
				else
					break;
			}
			if ((elen = replies_parse_enh(s, len, j, enh)) != 0) {
				replies_add_cand(v, &n, (int)code, enh);
				taken = j + elen;
			} else
				replies_add_cand(v, &n, (int)code, "");
			i += 2;
			continue;
		}
		if (i >= taken && (elen = replies_parse_enh(s, len, i, enh)) != 0) {
			replies_add_cand(v, &n, 0, enh);
			i += elen - 1;
		}
	}
	return (n);
}

/* A pattern piece as it is matched: folded, typographic apostrophes plain, spaces single. */
static char *
replies_normalise(const char *s, size_t len)
{
	struct replies_text	 t;

	replies_prepare(s, len, NULL, 0, &t);
	free(t.orig);
	return (t.low);
}

/*
 * The text as matched: every run of white space (line breaks too, so wrapped messages
 * match) becomes one space; '>' quoting at the start of a line goes; on the lines after the
 * first, a reply code seen before (a multi-line reply's "535-5.7.8 " prefix) goes too. Curly
 * apostrophes become "'" and NUL bytes spaces.
 */
static void
replies_prepare(const char *s, size_t len, const struct replies_cand *cands, size_t ncands,
    struct replies_text *t)
{
	char			 enh[REPLIES_ENH_MAX];
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n = 0, k, j, code;
	int			 linestart = 1, first = 1, space = 0;

	t->orig = xmalloc(len + 1);
	t->low = xmalloc(len + 1);
	while (i < len) {
		if (s[i] == '\n' || s[i] == '\r') {
			if (!linestart)
				first = 0;
			linestart = 1;
			space = 1;
			i++;
			continue;
		}
		if (linestart) {
			if (replies_is_space(s[i]) || s[i] == '>') {
				space = 1;
				i++;
				continue;
			}
			linestart = 0;
			if (!first && (code = replies_parse_code(s, len, i)) != 0) {
				for (k = 0; k < ncands; k++) {
					if (cands[k].code == (int)code)
						break;
				}
				if (k < ncands && (i + 3 == len || s[i + 3] == ' ' ||
				    s[i + 3] == '-')) {
					j = i + 4;
					if (j < len && (k = replies_parse_enh(s, len, j, enh)) != 0)
						j += k;
					i = j < len ? j : len;
					space = 1;
					continue;
				}
			}
		}
		if (replies_is_space(s[i])) {
			space = 1;
			i++;
			continue;
		}
		if (space && n > 0) {
			t->orig[n] = ' ';
			t->low[n++] = ' ';
		}
		space = 0;
		if (len - i >= 3 && u[i] == 0xe2 && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0x98 || u[i + 2] == 0x99)) {
			t->orig[n] = '\'';
			t->low[n++] = '\'';
			i += 3;
			continue;
		}
		t->orig[n] = s[i];
		t->low[n++] = (char)replies_fold((unsigned char)s[i]);
		i++;
	}
	t->orig[n] = '\0';
	t->low[n] = '\0';
	t->len = n;
}

/* 1 if piece p (plen bytes) is at low[at], with whole words at its ends. */
static int
replies_piece_at(const struct replies_text *t, size_t at, const char *p, size_t plen)
{
	if (t->len - at < plen || memcmp(t->low + at, p, plen) != 0)
		return (0);
	if (replies_is_alnum((unsigned char)p[0]) && at > 0 &&
	    replies_is_alnum((unsigned char)t->low[at - 1]))
		return (0);
	if (replies_is_alnum((unsigned char)p[plen - 1]) && at + plen < t->len &&
	    replies_is_alnum((unsigned char)t->low[at + plen]))
		return (0);
	return (1);
}

/*
 * Finds the pieces in order, each starting at most REPLIES_GAP characters after the one
 * before ends. One pass per piece over the text, carrying the reachable ends forward, so
 * the time is linear in the text whatever it holds. Sets the first match's span.
 */
static int
replies_find(const struct replies_text *t, const struct strlist *pieces, size_t *qs,
    size_t *qe)
{
	struct replies_span	*prev = NULL, *next;
	size_t			 nprev = 0, nnext, k, at, plen, j;
	const char		*p;

	for (k = 0; k < pieces->n; k++) {
		p = pieces->v[k];
		plen = strlen(p);
		if (plen > t->len)
			break;
		next = xreallocarray(NULL, t->len - plen + 1, sizeof *next);
		nnext = 0;
		j = 0;
		for (at = 0; at + plen <= t->len; at++) {
			if (k > 0) {
				/* The latest end at or before at. */
				while (j + 1 < nprev && prev[j + 1].end <= at)
					j++;
				if (nprev == 0 || prev[j].end > at || at - prev[j].end > REPLIES_GAP)
					continue;
			}
			if (!replies_piece_at(t, at, p, plen))
				continue;
			next[nnext].start = k == 0 ? at : prev[j].start;
			next[nnext].end = at + plen;
			nnext++;
		}
		free(prev);
		prev = next;
		nprev = nnext;
		if (nprev == 0)
			break;
	}
	if (k < pieces->n || nprev == 0) {
		free(prev);
		return (0);
	}
	*qs = prev[0].start;
	*qe = prev[0].end;
	free(prev);
	return (1);
}

/* 1 if the rule's code and enhanced code fit one of the codes found; *which is that one. */
static int
replies_codes_ok(const struct replies_rule *r, const struct replies_cand *c, size_t n,
    const struct replies_cand **which)
{
	size_t	 i, elen;

	*which = NULL;
	if (r->code == 0 && r->enhanced == NULL)
		return (1);
	for (i = 0; i < n; i++) {
		if (r->code != 0) {
			if (r->code_class && c[i].code / 100 != r->code / 100)
				continue;
			if (!r->code_class && c[i].code != r->code)
				continue;
		}
		if (r->enhanced != NULL) {
			elen = strlen(r->enhanced);
			if (r->enhanced[elen - 1] == '.') {
				if (strncmp(c[i].enh, r->enhanced, elen) != 0 ||
				    c[i].enh[elen] == '\0')
					continue;
			} else if (strcmp(c[i].enh, r->enhanced) != 0)
				continue;
		}
		*which = &c[i];
		return (1);
	}
	return (0);
}

static void
replies_add_match(struct replies_result *res, const struct replies_rule *r,
    const struct replies_cand *c, const char *quote, size_t qlen)
{
	struct replies_match	*m;
	size_t			 i;

	for (i = 0; i < res->n; i++) {
		if (res->v[i].cause == r->cause)
			break;
	}
	if (i == res->n) {
		res->v = xreallocarray(res->v, res->n + 1, sizeof *res->v);
		m = &res->v[res->n++];
		memset(m, 0, sizeof *m);
		m->cause = r->cause;
		m->nrules = 1;
	} else {
		m = &res->v[i];
		m->nrules++;
		/* Rules come in table order: only a heavier one replaces the best. */
		if (r->weight <= m->weight)
			return;
		free(m->quote);
	}
	m->weight = r->weight;
	m->rule = r;
	m->code = c != NULL ? c->code : 0;
	snprintf(m->enhanced, sizeof m->enhanced, "%s", c != NULL ? c->enh : "");
	m->quote = quote != NULL ? xstrndup(quote, qlen) : NULL;
}

static int
replies_cmp(const void *a, const void *b)
{
	const struct replies_match	*x = a, *y = b;

	if (x->weight != y->weight)
		return (x->weight > y->weight ? -1 : 1);
	if (x->nrules != y->nrules)
		return (x->nrules > y->nrules ? -1 : 1);
	if (x->rule->line != y->rule->line)
		return (x->rule->line < y->rule->line ? -1 : 1);
	return (0);
}

static size_t
replies_match(const struct replies *t, const char *text, size_t len,
    const struct replies_cand *cands, size_t ncands, struct replies_result *res)
{
	const struct replies_rule	*r;
	const struct replies_cand	*which;
	struct replies_text		 pt;
	size_t				 i, qs, qe;

	memset(res, 0, sizeof *res);
	if (t == NULL)
		t = replies_builtin();
	if (len > REPLIES_TEXT_MAX)
		len = REPLIES_TEXT_MAX;
	replies_prepare(text, len, cands, ncands, &pt);
	for (i = 0; i < t->nrules; i++) {
		r = &t->rules[i];
		if (!replies_codes_ok(r, cands, ncands, &which))
			continue;
		if (r->pieces.n == 0)
			replies_add_match(res, r, which, NULL, 0);
		else if (replies_find(&pt, &r->pieces, &qs, &qe))
			replies_add_match(res, r, which, pt.orig + qs, qe - qs);
	}
	free(pt.orig);
	free(pt.low);
	if (res->n > 1)
		qsort(res->v, res->n, sizeof *res->v, replies_cmp);
	return (res->n);
}

size_t
replies_match_reply(const struct replies *t, int code, const char *enhanced,
    const char *text, struct replies_result *res)
{
	struct replies_cand	 cand;
	size_t			 ncands = 0;

	if (text == NULL)
		text = "";
	memset(&cand, 0, sizeof cand);
	if (code != 0 || (enhanced != NULL && *enhanced != '\0')) {
		cand.code = code;
		snprintf(cand.enh, sizeof cand.enh, "%s", enhanced != NULL ? enhanced : "");
		ncands = 1;
	}
	return (replies_match(t, text, strlen(text), &cand, ncands, res));
}

size_t
replies_match_text(const struct replies *t, const char *text, struct replies_result *res)
{
	struct replies_cand	 cands[REPLIES_MAX_CANDS];
	size_t			 len, ncands;

	if (text == NULL)
		text = "";
	len = strlen(text);
	if (len > REPLIES_TEXT_MAX)
		len = REPLIES_TEXT_MAX;
	ncands = replies_find_cands(text, len, cands);
	return (replies_match(t, text, len, cands, ncands, res));
}

void
replies_result_free(struct replies_result *res)
{
	size_t	 i;

	for (i = 0; i < res->n; i++)
		free(res->v[i].quote);
	free(res->v);
	res->v = NULL;
	res->n = 0;
}

/* Two rules that would always match together and name the same cause. */
static int
replies_same_rule(const struct replies_rule *a, const struct replies_rule *b)
{
	size_t	 i;

	if (a->code != b->code || a->code_class != b->code_class || a->cause != b->cause)
		return (0);
	if ((a->enhanced == NULL) != (b->enhanced == NULL))
		return (0);
	if (a->enhanced != NULL && strcmp(a->enhanced, b->enhanced) != 0)
		return (0);
	if (a->pieces.n != b->pieces.n)
		return (0);
	for (i = 0; i < a->pieces.n; i++) {
		if (strcmp(a->pieces.v[i], b->pieces.v[i]) != 0)
			return (0);
	}
	return (1);
}

/* One rule line (NUL-terminated, no line ending); 0 and a new rule, or -1 and *msg. */
static int
replies_parse_line(struct replies *t, char *s, int line, char **msg)
{
	struct replies_rule	 r;
	char			*field[4], *p, *piece, *end, *norm;
	size_t			 i, elen;
	long			 w;

	memset(&r, 0, sizeof r);
	r.line = line;
	p = s;
	for (i = 0; i < 4; i++) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		field[i] = p;
		p += strcspn(p, " \t");
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	if (i == 4) {
		p += strspn(p, " \t");
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
	}
	if (i < 4 || *p == '\0') {
		xasprintf(msg, "expected five fields: CODE ENHANCED WEIGHT CAUSE PATTERN");
		return (-1);
	}

	if (strcmp(field[0], "*") == 0)
		r.code = 0;
	else if (strlen(field[0]) == 3 && field[0][0] >= '2' && field[0][0] <= '5' &&
	    strcmp(field[0] + 1, "xx") == 0) {
		r.code = (field[0][0] - '0') * 100;
		r.code_class = 1;
	} else if (strlen(field[0]) == 3 && replies_parse_code(field[0], 3, 0) != 0)
		r.code = (int)replies_parse_code(field[0], 3, 0);
	else {
		xasprintf(msg, "bad reply code \"%s\" (three digits from 200 to 599, a class "
		    "such as 5xx, or *)", field[0]);
		return (-1);
	}

	if (strcmp(field[1], "*") != 0) {
		char	 enh[REPLIES_ENH_MAX], copy[REPLIES_ENH_MAX];

		elen = strlen(field[1]);
		if (elen > 2 && elen < REPLIES_ENH_MAX && strcmp(field[1] + elen - 2, ".*") == 0) {
			/* "4.7.*": the class and subject only. */
			memcpy(copy, field[1], elen + 1);
			copy[elen - 1] = '0';
			if (replies_parse_enh(copy, elen, 0, enh) != elen) {
				xasprintf(msg, "bad enhanced code \"%s\" (such as 5.7.8, 5.7.* "
				    "or *)", field[1]);
				return (-1);
			}
			r.enhanced = xstrndup(field[1], elen - 1);
		} else {
			if (elen >= REPLIES_ENH_MAX ||
			    replies_parse_enh(field[1], elen, 0, enh) != elen) {
				xasprintf(msg, "bad enhanced code \"%s\" (such as 5.7.8, 5.7.* "
				    "or *)", field[1]);
				return (-1);
			}
			r.enhanced = xstrdup(field[1]);
		}
	}

	w = strtol(field[2], &end, 10);
	if (*end != '\0' || end == field[2] || w < 1 || w > 100) {
		xasprintf(msg, "bad weight \"%s\" (a number from 1 to 100)", field[2]);
		goto fail;
	}
	r.weight = (int)w;

	if ((r.cause = cause_find(field[3])) == NULL) {
		xasprintf(msg, "unknown cause \"%s\" (causes.md lists them)", field[3]);
		goto fail;
	}

	r.pattern = xstrdup(p);
	if (strcmp(p, "*") == 0) {
		if (r.code == 0 || r.code_class || r.enhanced == NULL ||
		    r.enhanced[strlen(r.enhanced) - 1] == '.') {
			xasprintf(msg, "a pattern of \"*\" alone needs an exact reply code and "
			    "enhanced code");
			goto fail;
		}
	} else {
		for (piece = p; piece != NULL; piece = end) {
			if ((end = strchr(piece, '*')) != NULL)
				*end++ = '\0';
			norm = replies_normalise(piece, strlen(piece));
			if (*norm == '\0') {
				free(norm);
				xasprintf(msg, "the pattern has an empty part (a \"*\" at an end, "
				    "or two in a row)");
				goto fail;
			}
			if (strlen(norm) < REPLIES_MIN_PIECE) {
				xasprintf(msg, "the pattern part \"%s\" is too short to mean "
				    "anything (%d characters at least)", norm, REPLIES_MIN_PIECE);
				free(norm);
				goto fail;
			}
			strlist_take(&r.pieces, norm);
		}
	}

	for (i = 0; i < t->nrules; i++) {
		if (replies_same_rule(&t->rules[i], &r)) {
			xasprintf(msg, "the same rule as line %d", t->rules[i].line);
			goto fail;
		}
	}
	t->rules = xreallocarray(t->rules, t->nrules + 1, sizeof *t->rules);
	t->rules[t->nrules++] = r;
	return (0);
fail:
	replies_rule_free(&r);
	return (-1);
}

static void
replies_rule_free(struct replies_rule *r)
{
	free(r->enhanced);
	free(r->pattern);
	strlist_free(&r->pieces);
}

int
replies_parse_buffer(const char *file, const char *buf, size_t len, struct replies **out,
    char **errors)
{
	struct replies	*t;
	struct strlist	 errs = { NULL, 0, 0 };
	const char	*s, *nl;
	char		*line, *msg, *p;
	size_t		 llen, i, dropped = 0, total = 0;
	int		 lineno = 0;

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
		else if (!replies_valid_utf8(s, llen))
			msg = xstrdup("the line is not UTF-8 text");
		else {
			for (i = 0; i < llen; i++) {
				if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
					break;
			}
			if (i < llen)
				msg = xstrdup("the line holds a control character");
		}
		if (msg == NULL) {
			line = xstrndup(s, llen);
			p = line + strspn(line, " \t");
			if (*p != '\0' && *p != '#')
				replies_parse_line(t, p, lineno, &msg);
			free(line);
		}
		if (msg != NULL) {
			if (total++ < REPLIES_MAX_ERRORS)
				strlist_addf(&errs, "%s:%d: %s", file, lineno, msg);
			else
				dropped++;
			free(msg);
		}
	}
	if (errs.n == 0 && t->nrules == 0)
		strlist_addf(&errs, "%s: the table holds no rules", file);
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
		replies_free(t);
		return (-1);
	}
	*out = t;
	return (0);
}

void
replies_free(struct replies *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrules; i++)
		replies_rule_free(&t->rules[i]);
	free(t->rules);
	free(t->file);
	free(t);
}

const struct replies *
replies_builtin(void)
{
	static struct replies		*builtin;
	const struct embedded_file	*e;
	char				*errors = NULL;

	if (builtin != NULL)
		return (builtin);
	if ((e = embedded_find(REPLIES_BUILTIN_NAME)) == NULL)
		fatalx("the built-in reply table is missing");
	if (replies_parse_buffer(REPLIES_BUILTIN_NAME, (const char *)e->data, e->len,
	    &builtin, &errors) != 0)
		fatalx("the built-in reply table is broken: %s", errors);
	return (builtin);
}
