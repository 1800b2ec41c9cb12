/* smtp.c: SMTP reply and EHLO capability parsing, as pure functions over buffers. */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "smtp.h"
#include "util.h"

/* RFC 5321 4.5.3.1.3: a path is at most 256 octets, "<" and ">" included. */
#define SMTP_ADDRESS_MAX	254
/* RFC 1035 2.3.4 (a name), and room for an IPv6 address literal. */
#define SMTP_HELO_MAX		255

static const char *const smtp_reply_status_names[] = {
	[SMTP_REPLY_MORE] = "more",
	[SMTP_REPLY_DONE] = "done",
	[SMTP_REPLY_BAD_CODE] = "bad-code",
	[SMTP_REPLY_MISMATCH] = "mismatch",
	[SMTP_REPLY_TOO_MANY_LINES] = "too-many-lines",
	[SMTP_REPLY_TOO_BIG] = "too-big",
	[SMTP_REPLY_LINE_TOO_LONG] = "line-too-long",
};
_Static_assert(sizeof smtp_reply_status_names / sizeof smtp_reply_status_names[0] ==
    SMTP_REPLY_STATUS_COUNT, "smtp_reply_status_names does not match enum smtp_reply_status");

static const char *const smtp_reply_status_wordlist[] = {
	[SMTP_REPLY_MORE] = "the reply goes on",
	[SMTP_REPLY_DONE] = "the reply is complete",
	[SMTP_REPLY_BAD_CODE] = "the server's reply does not start with a valid SMTP code",
	[SMTP_REPLY_MISMATCH] = "the lines of the server's reply carry different codes",
	[SMTP_REPLY_TOO_MANY_LINES] = "the server's reply has too many lines",
	[SMTP_REPLY_TOO_BIG] = "the server's reply is far too long",
	[SMTP_REPLY_LINE_TOO_LONG] = "the server sent a line that is far too long",
};
_Static_assert(sizeof smtp_reply_status_wordlist / sizeof smtp_reply_status_wordlist[0] ==
    SMTP_REPLY_STATUS_COUNT, "smtp_reply_status_wordlist does not match enum smtp_reply_status");

struct smtp_auth_entry {
	const char	*name;
	unsigned int	 bit;
};

static const struct smtp_auth_entry smtp_auth_table[] = {
	{ "PLAIN", SMTP_AUTH_PLAIN },
	{ "LOGIN", SMTP_AUTH_LOGIN },
	{ "CRAM-MD5", SMTP_AUTH_CRAM_MD5 },
	{ "SCRAM-SHA-1", SMTP_AUTH_SCRAM_SHA_1 },
	{ "SCRAM-SHA-256", SMTP_AUTH_SCRAM_SHA_256 },
	{ "XOAUTH2", SMTP_AUTH_XOAUTH2 },
	{ "OAUTHBEARER", SMTP_AUTH_OAUTHBEARER },
	{ "GSSAPI", SMTP_AUTH_GSSAPI },
	{ "NTLM", SMTP_AUTH_NTLM },
};

static int	 smtp_ascii_lower(int);
static int	 smtp_is_digit(int);
static int	 smtp_code(const char *, size_t);
static size_t	 smtp_enhanced(const char *, size_t, int, char *, size_t);
static size_t	 smtp_digits(const char *, size_t, size_t);
static void	 smtp_caps_line(struct smtp_caps *, const char *);
static void	 smtp_caps_auth(struct smtp_caps *, const char *, size_t);
static void	 smtp_caps_size(struct smtp_caps *, const char *);
static int	 smtp_token_is(const char *, size_t, const char *);
static int	 smtp_token_masked(const char *, size_t);

const char *
smtp_reply_status_name(enum smtp_reply_status s)
{
	if ((unsigned int)s >= SMTP_REPLY_STATUS_COUNT)
		fatalx("%s: status %d", __func__, (int)s);
	return (smtp_reply_status_names[s]);
}

const char *
smtp_reply_status_words(enum smtp_reply_status s)
{
	if ((unsigned int)s >= SMTP_REPLY_STATUS_COUNT)
		fatalx("%s: status %d", __func__, (int)s);
	return (smtp_reply_status_wordlist[s]);
}

static int
smtp_ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static int
smtp_is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

int
smtp_ascii_ncasecmp(const char *a, const char *b, size_t n)
{
	int	 ca, cb;

	for (; n > 0; a++, b++, n--) {
		ca = smtp_ascii_lower((unsigned char)*a);
		cb = smtp_ascii_lower((unsigned char)*b);
		if (ca != cb)
			return (ca - cb);
		if (ca == '\0')
			break;
	}
	return (0);
}

int
smtp_ascii_casecmp(const char *a, const char *b)
{
	return (smtp_ascii_ncasecmp(a, b, SIZE_MAX));
}

void
smtp_reply_init(struct smtp_reply *r)
{
	memset(r, 0, sizeof *r);
}

void
smtp_reply_free(struct smtp_reply *r)
{
	strlist_free(&r->lines);
	smtp_reply_init(r);
}

void
smtp_reply_copy(struct smtp_reply *dst, const struct smtp_reply *src)
{
	smtp_reply_free(dst);
	*dst = *src;
	memset(&dst->lines, 0, sizeof dst->lines);
	strlist_copy(&dst->lines, &src->lines);
}

/*
 * The reply code at the start of a line, or -1. RFC 5321 4.2: Reply-code = %x32-35 %x30-35
 * %x30-39, then SP, "-" or the end of the line; nothing may come before it.
 */
static int
smtp_code(const char *p, size_t len)
{
	if (len < 3)
		return (-1);
	if (p[0] < '2' || p[0] > '5' || p[1] < '0' || p[1] > '5' || !smtp_is_digit(p[2]))
		return (-1);
	if (len > 3 && p[3] != ' ' && p[3] != '-')
		return (-1);
	return ((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
}

/* The number of digits (at most max + 1) at the start of p[0..len). */
static size_t
smtp_digits(const char *p, size_t len, size_t max)
{
	size_t	 n;

	for (n = 0; n < len && n <= max && smtp_is_digit(p[n]); n++)
		;
	return (n);
}

/*
 * An enhanced status code at the start of text (RFC 3463 2: class "." 1*3digit "."
 * 1*3digit, class 2, 4 or 5 and equal to the reply code's first digit, RFC 2034 3),
 * followed by a space or the end. Copies it to out and returns the bytes to skip (its
 * space included), or 0 when there is none.
 */
static size_t
smtp_enhanced(const char *text, size_t len, int code, char *out, size_t outlen)
{
	size_t	 i, n;

	if (len < 5 || text[0] != '0' + SMTP_CODE_CLASS(code) || text[1] != '.')
		return (0);
	if (text[0] != '2' && text[0] != '4' && text[0] != '5')
		return (0);
	i = 2;
	if ((n = smtp_digits(text + i, len - i, 3)) < 1 || n > 3)
		return (0);
	i += n;
	if (i >= len || text[i] != '.')
		return (0);
	i++;
	if ((n = smtp_digits(text + i, len - i, 3)) < 1 || n > 3)
		return (0);
	i += n;
	if (i < len && text[i] != ' ')
		return (0);
	if (i >= outlen)
		fatalx("%s: buffer too small", __func__);
	memcpy(out, text, i);
	out[i] = '\0';
	return (i < len ? i + 1 : i);
}

enum smtp_reply_status
smtp_reply_add_line(struct smtp_reply *r, const char *line, size_t len, int bare_lf)
{
	const char	*text;
	char		 enh[sizeof r->enhanced];
	size_t		 cost, tlen, skip, elen, i;
	int		 code, last;

	if (r->complete)
		fatalx("%s: reply already complete", __func__);
	cost = len + (bare_lf ? 1 : 2);
	if (cost > SMTP_LINE_MAX)
		return (SMTP_REPLY_LINE_TOO_LONG);
	if ((code = smtp_code(line, len)) == -1)
		return (SMTP_REPLY_BAD_CODE);
	if (r->lines.n > 0 && code != r->code)
		return (SMTP_REPLY_MISMATCH);
	if (r->lines.n >= SMTP_REPLY_MAX_LINES)
		return (SMTP_REPLY_TOO_MANY_LINES);
	if (r->bytes + cost > SMTP_REPLY_MAX_BYTES)
		return (SMTP_REPLY_TOO_BIG);

	last = len == 3 || line[3] == ' ';
	text = len > 4 ? line + 4 : "";
	tlen = len > 4 ? len - 4 : 0;
	if (r->lines.n == 0) {
		enh[0] = '\0';
		if ((skip = smtp_enhanced(text, tlen, code, enh, sizeof enh)) > 0) {
			memcpy(r->enhanced, enh, sizeof r->enhanced);
			text += skip;
			tlen -= skip;
		}
	} else if ((elen = strlen(r->enhanced)) > 0 && tlen >= elen &&
	    memcmp(text, r->enhanced, elen) == 0 && (tlen == elen || text[elen] == ' ')) {
		/* RFC 2034 3: every line repeats the code; show it once. */
		text += tlen == elen ? elen : elen + 1;
		tlen -= tlen == elen ? elen : elen + 1;
	}

	for (i = 0; i < len; i++) {
		if (line[i] == '\r')
			r->flags |= SMTP_REPLY_F_BARE_CR;
		else if (line[i] == '\0')
			r->flags |= SMTP_REPLY_F_NUL;
	}
	if (bare_lf)
		r->flags |= SMTP_REPLY_F_BARE_LF;
	strlist_take(&r->lines, sanitize_text(text, tlen));
	r->code = code;
	r->bytes += cost;
	if (!last)
		return (SMTP_REPLY_MORE);
	r->complete = 1;
	return (SMTP_REPLY_DONE);
}

enum smtp_reply_status
smtp_reply_parse(struct smtp_reply *r, const void *buf, size_t len, size_t *used)
{
	const char		*p = buf, *lf;
	enum smtp_reply_status	 s;
	size_t			 off = 0, scan, n;
	int			 bare_lf;

	*used = 0;
	for (;;) {
		scan = len - off < SMTP_LINE_MAX ? len - off : SMTP_LINE_MAX;
		if ((lf = memchr(p + off, '\n', scan)) == NULL)
			return (scan == SMTP_LINE_MAX ? SMTP_REPLY_LINE_TOO_LONG : SMTP_REPLY_MORE);
		n = (size_t)(lf - (p + off));
		bare_lf = n == 0 || p[off + n - 1] != '\r';
		s = smtp_reply_add_line(r, p + off, bare_lf ? n : n - 1, bare_lf);
		if (s != SMTP_REPLY_MORE && s != SMTP_REPLY_DONE)
			return (s);
		off += n + 1;
		*used = off;
		if (s == SMTP_REPLY_DONE)
			return (s);
	}
}

char *
smtp_reply_text(const struct smtp_reply *r)
{
	char	*s, *p;
	size_t	 i, len = 1;

	for (i = 0; i < r->lines.n; i++)
		len += strlen(r->lines.v[i]) + 1;
	s = p = xmalloc(len);
	*p = '\0';
	for (i = 0; i < r->lines.n; i++) {
		if (i > 0)
			*p++ = '\n';
		len = strlen(r->lines.v[i]);
		memcpy(p, r->lines.v[i], len + 1);
		p += len;
	}
	return (s);
}

unsigned int
smtp_auth_bit(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof smtp_auth_table / sizeof smtp_auth_table[0]; i++) {
		if (smtp_ascii_casecmp(name, smtp_auth_table[i].name) == 0)
			return (smtp_auth_table[i].bit);
	}
	return (SMTP_AUTH_OTHER);
}

const char *
smtp_auth_name(unsigned int bit)
{
	size_t	 i;

	for (i = 0; i < sizeof smtp_auth_table / sizeof smtp_auth_table[0]; i++) {
		if (smtp_auth_table[i].bit == bit)
			return (smtp_auth_table[i].name);
	}
	return (NULL);
}

void
smtp_caps_init(struct smtp_caps *c)
{
	memset(c, 0, sizeof *c);
}

void
smtp_caps_free(struct smtp_caps *c)
{
	free(c->domain);
	strlist_free(&c->auth_names);
	strlist_free(&c->keywords);
	smtp_caps_init(c);
}

void
smtp_caps_copy(struct smtp_caps *dst, const struct smtp_caps *src)
{
	smtp_caps_free(dst);
	*dst = *src;
	dst->domain = xstrdup_or_null(src->domain);
	memset(&dst->auth_names, 0, sizeof dst->auth_names);
	memset(&dst->keywords, 0, sizeof dst->keywords);
	strlist_copy(&dst->auth_names, &src->auth_names);
	strlist_copy(&dst->keywords, &src->keywords);
}

/* 1 if the token p[0..len) is word, ASCII case-insensitively. */
static int
smtp_token_is(const char *p, size_t len, const char *word)
{
	return (strlen(word) == len && smtp_ascii_ncasecmp(p, word, len) == 0);
}

/* Cisco ESMTP inspection masks an extension with X's of the same length ("XXXXXXXA"). */
static int
smtp_token_masked(const char *p, size_t len)
{
	size_t	 i;

	if (len < 4)
		return (0);
	for (i = 0; i < len; i++) {
		if (p[i] != 'X' && !(i == len - 1 && p[i] == 'A'))
			return (0);
	}
	return (1);
}

/* Adds the mechanisms named in p[0..len) (space-separated), once each, upper-cased. */
static void
smtp_caps_auth(struct smtp_caps *c, const char *p, size_t len)
{
	const char	*end = p + len, *tok;
	char		*name;
	size_t		 i, n;

	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		tok = p;
		while (p < end && *p != ' ')
			p++;
		if ((n = (size_t)(p - tok)) == 0)
			continue;
		name = xstrndup(tok, n);
		for (i = 0; i < n; i++) {
			if (name[i] >= 'a' && name[i] <= 'z')
				name[i] = name[i] - 'a' + 'A';
		}
		for (i = 0; i < c->auth_names.n; i++) {
			if (strcmp(c->auth_names.v[i], name) == 0)
				break;
		}
		if (i < c->auth_names.n) {
			free(name);
			continue;
		}
		c->auth |= smtp_auth_bit(name);
		strlist_take(&c->auth_names, name);
	}
}

/*
 * RFC 1870 4: "SIZE" alone, or "SIZE" and a decimal number of bytes (0: no fixed
 * maximum). Anything else (a sign, a letter, more than fits in 64 bits) is recorded as
 * bad, never wrapped around (hostile row 53).
 */
static void
smtp_caps_size(struct smtp_caps *c, const char *param)
{
	unsigned long long	 v = 0;
	const char		*p;

	c->size = 1;
	c->size_max = 0;
	c->size_bad = 0;
	while (*param == ' ')
		param++;
	if (*param == '\0')
		return;
	for (p = param; *p != '\0' && *p != ' '; p++) {
		if (!smtp_is_digit(*p) || v > (ULLONG_MAX - (unsigned)(*p - '0')) / 10) {
			c->size_bad = 1;
			return;
		}
		v = v * 10 + (unsigned)(*p - '0');
	}
	c->size_max = v;
}

/* One capability line: "KEYWORD [PARAM ...]" (RFC 5321 4.1.1.1). */
static void
smtp_caps_line(struct smtp_caps *c, const char *line)
{
	const char	*p = line, *kw;
	size_t		 n;

	strlist_add(&c->keywords, line);
	while (*p == ' ')
		p++;
	kw = p;
	while (*p != '\0' && *p != ' ' && *p != '=')
		p++;
	n = (size_t)(p - kw);
	if (smtp_token_is(kw, n, "AUTH")) {
		/* "AUTH=LOGIN PLAIN": the pre-RFC 2554 form some servers still send. */
		if (*p == '=')
			p++;
		smtp_caps_auth(c, p, strlen(p));
		return;
	}
	while (*p != '\0' && *p != ' ')
		p++;
	n = (size_t)(p - kw);
	if (smtp_token_is(kw, n, "STARTTLS"))
		c->starttls = 1;
	else if (smtp_token_is(kw, n, "PIPELINING"))
		c->pipelining = 1;
	else if (smtp_token_is(kw, n, "8BITMIME"))
		c->eightbitmime = 1;
	else if (smtp_token_is(kw, n, "SMTPUTF8"))
		c->smtputf8 = 1;
	else if (smtp_token_is(kw, n, "ENHANCEDSTATUSCODES"))
		c->enhancedstatuscodes = 1;
	else if (smtp_token_is(kw, n, "SIZE"))
		smtp_caps_size(c, p);
	else if (smtp_token_masked(kw, n))
		c->masked++;
}

void
smtp_caps_parse(const struct smtp_reply *r, struct smtp_caps *c)
{
	size_t	 i;

	smtp_caps_free(c);
	c->esmtp = 1;
	c->domain = xstrdup(r->lines.n > 0 ? r->lines.v[0] : "");
	/* RFC 5321 4.1.1.1: the first line greets, every later line is one extension. */
	for (i = 1; i < r->lines.n; i++)
		smtp_caps_line(c, r->lines.v[i]);
}

void
smtp_caps_helo(const struct smtp_reply *r, struct smtp_caps *c)
{
	smtp_caps_free(c);
	c->domain = xstrdup(r->lines.n > 0 ? r->lines.v[0] : "");
}

int
smtp_address_ok(const char *s)
{
	size_t	 len, i;

	if (s == NULL || (len = strlen(s)) == 0 || len > SMTP_ADDRESS_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '<' || s[i] == '>')
			return (0);
	}
	return (1);
}

int
smtp_helo_name_ok(const char *s)
{
	size_t	 len, i, label = 0;
	int	 dots = 0;
	char	 c;

	if (s == NULL || (len = strlen(s)) == 0 || len > SMTP_HELO_MAX)
		return (0);
	if (s[0] == '[') {
		/* RFC 5321 4.1.3: "[192.0.2.1]", "[IPv6:2001:db8::1]". */
		if (len < 3 || s[len - 1] != ']')
			return (0);
		for (i = 1; i < len - 1; i++) {
			c = s[i];
			if (!smtp_is_digit(c) && !(c >= 'a' && c <= 'f') &&
			    !(c >= 'A' && c <= 'F') && c != '.' && c != ':' &&
			    c != 'I' && c != 'P' && c != 'v')
				return (0);
		}
		return (1);
	}
	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '.') {
			if (label == 0)
				return (0);	/* empty label: ".x", "x..y" */
			label = 0;
			dots++;
			continue;
		}
		if (!smtp_is_digit(c) && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
		    c != '-')
			return (0);
		if (++label > 63)
			return (0);
	}
	if (dots == 0 || (label == 0 && dots == 1))
		return (0);	/* not qualified: "host", "host." */
	if (smtp_ascii_ncasecmp(s, "localhost", 9) == 0 && (s[9] == '\0' || s[9] == '.'))
		return (0);
	return (1);
}
