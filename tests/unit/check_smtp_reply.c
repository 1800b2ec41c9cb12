/* check_smtp_reply.c: unit tests for SMTP replies, EHLO capabilities and the name checks. */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp.h"
#include "util.h"

struct reply_case {
	const char		*name;
	const char		*in;
	size_t			 len;		/* 0: strlen(in) */
	enum smtp_reply_status	 want;
	int			 code;		/* when complete */
	const char		*enhanced;
	size_t			 nlines;
	const char		*first;		/* text of the first line */
	const char		*last;		/* text of the last line, or NULL */
	int			 flags;
};

static Suite	*smtp_reply_suite(void);
static char	*make_line(const char *, size_t, char);
static void	 parse_all(const char *, size_t, struct smtp_reply *, enum smtp_reply_status *);
static void	 caps_of(const char *, struct smtp_caps *);
static unsigned int fuzz_next(unsigned int *);

/* Hostile-cases rows 19-22, 47, 48 and ordinary provider replies from field-notes.md. */
static const struct reply_case reply_cases[] = {
	{ "single line", "250 OK\r\n", 0, SMTP_REPLY_DONE, 250, "", 1, "OK", NULL, 0 },
	{ "multi-line", "250-mail.example.com\r\n250-PIPELINING\r\n250 8BITMIME\r\n", 0,
	    SMTP_REPLY_DONE, 250, "", 3, "mail.example.com", "8BITMIME", 0 },
	{ "code alone", "250\r\n", 0, SMTP_REPLY_DONE, 250, "", 1, "", NULL, 0 },
	{ "code and space", "250 \r\n", 0, SMTP_REPLY_DONE, 250, "", 1, "", NULL, 0 },
	{ "empty continuation", "250-\r\n250 \r\n", 0, SMTP_REPLY_DONE, 250, "", 2, "", "", 0 },
	{ "lowest code", "200 x\r\n", 0, SMTP_REPLY_DONE, 200, "", 1, "x", NULL, 0 },
	{ "highest code", "559 x\r\n", 0, SMTP_REPLY_DONE, 559, "", 1, "x", NULL, 0 },
	/* Row 21: strict three-digit codes. */
	{ "two digits", "25\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "four digits", "2500\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "four digits and text", "2500 OK\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL,
	    0 },
	{ "letters", "abc\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "letter after code", "250x\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "leading space", " 250 OK\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "first digit 6", "600 x\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "first digit 1", "199 x\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "second digit 6", "260 x\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "tab separator", "250\tOK\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "empty line", "\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "XYZ greeting", "XYZ\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	{ "bad continuation code", "250-a\r\n25 b\r\n", 0, SMTP_REPLY_BAD_CODE, 0, "", 1, NULL,
	    NULL, 0 },
	{ "unterminated 2 bytes", "25", 0, SMTP_REPLY_MORE, 0, "", 0, NULL, NULL, 0 },
	{ "unterminated 5 bytes", "250 O", 0, SMTP_REPLY_MORE, 0, "", 0, NULL, NULL, 0 },
	{ "continuation only", "250-a\r\n", 0, SMTP_REPLY_MORE, 0, "", 1, "a", NULL, 0 },
	/* Row 48: the lines of one reply must agree. */
	{ "mixed codes", "250-a\r\n550 b\r\n", 0, SMTP_REPLY_MISMATCH, 0, "", 1, "a", NULL, 0 },
	{ "near codes", "250-a\r\n251 b\r\n", 0, SMTP_REPLY_MISMATCH, 0, "", 1, "a", NULL, 0 },
	/* RFC 3463 enhanced codes, from providers' replies. */
	{ "535 5.7.8", "535 5.7.8 Username and Password not accepted\r\n", 0, SMTP_REPLY_DONE,
	    535, "5.7.8", 1, "Username and Password not accepted", NULL, 0 },
	{ "534 5.7.9 two lines", "534-5.7.9 Application-specific password required.\r\n"
	    "534 5.7.9 Learn more at https://support.google.com/mail/?p=InvalidSecondFactor\r\n",
	    0, SMTP_REPLY_DONE, 534, "5.7.9", 2, "Application-specific password required.",
	    "Learn more at https://support.google.com/mail/?p=InvalidSecondFactor", 0 },
	{ "535 5.7.139", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is "
	    "disabled for the Tenant.\r\n", 0, SMTP_REPLY_DONE, 535, "5.7.139", 1,
	    "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
	    NULL, 0 },
	{ "code only enhanced", "550 5.7.1\r\n", 0, SMTP_REPLY_DONE, 550, "5.7.1", 1, "", NULL,
	    0 },
	{ "class differs", "550 4.7.1 odd\r\n", 0, SMTP_REPLY_DONE, 550, "", 1, "4.7.1 odd",
	    NULL, 0 },
	{ "detail too long", "550 5.7.1234 x\r\n", 0, SMTP_REPLY_DONE, 550, "", 1,
	    "5.7.1234 x", NULL, 0 },
	{ "subject missing", "550 5..1 x\r\n", 0, SMTP_REPLY_DONE, 550, "", 1, "5..1 x", NULL,
	    0 },
	{ "two parts", "550 5.71 x\r\n", 0, SMTP_REPLY_DONE, 550, "", 1, "5.71 x", NULL, 0 },
	{ "letter after", "550 5.7.1x y\r\n", 0, SMTP_REPLY_DONE, 550, "", 1, "5.7.1x y", NULL,
	    0 },
	{ "3xx has none", "354 3.0.0 go\r\n", 0, SMTP_REPLY_DONE, 354, "", 1, "3.0.0 go", NULL,
	    0 },
	{ "later line differs", "250-2.0.0 a\r\n250 2.1.0 b\r\n", 0, SMTP_REPLY_DONE, 250,
	    "2.0.0", 2, "a", "2.1.0 b", 0 },
	/* Row 47: line endings. */
	{ "bare LF", "250 OK\n", 0, SMTP_REPLY_DONE, 250, "", 1, "OK", NULL,
	    SMTP_REPLY_F_BARE_LF },
	{ "bare LF multi", "250-a\n250 b\r\n", 0, SMTP_REPLY_DONE, 250, "", 2, "a", "b",
	    SMTP_REPLY_F_BARE_LF },
	{ "CR inside", "250-a\rb\r\n250 c\r\n", 0, SMTP_REPLY_DONE, 250, "", 2, "a\\rb", "c",
	    SMTP_REPLY_F_BARE_CR },
	{ "CR never splits", "250-a\r250 fake\r\n", 0, SMTP_REPLY_MORE, 0, "", 1, "a\\r250 fake",
	    NULL, SMTP_REPLY_F_BARE_CR },
	{ "CR only endings", "250 a\r", 0, SMTP_REPLY_MORE, 0, "", 0, NULL, NULL, 0 },
	/* Row 22: NUL bytes are kept by length and shown escaped. */
	{ "NUL inside", "250 a\0b\r\n", 9, SMTP_REPLY_DONE, 250, "", 1, "a\\0b", NULL,
	    SMTP_REPLY_F_NUL },
	{ "NUL in code", "2\0" "0 x\r\n", 7, SMTP_REPLY_BAD_CODE, 0, "", 0, NULL, NULL, 0 },
	/* Row 16: escapes are made visible. */
	{ "escape", "220 \033[2Jhi\r\n", 0, SMTP_REPLY_DONE, 220, "", 1, "\\e[2Jhi", NULL, 0 },
	{ "report imitation", "220 === DIAGNOSIS: OK ===\r\n", 0, SMTP_REPLY_DONE, 220, "", 1,
	    "=== DIAGNOSIS: OK ===", NULL, 0 },
};

START_TEST(test_reply_table)
{
	const struct reply_case	*c = &reply_cases[_i];
	struct smtp_reply	 r;
	enum smtp_reply_status	 s;
	size_t			 used, len;

	len = c->len != 0 ? c->len : strlen(c->in);
	smtp_reply_init(&r);
	s = smtp_reply_parse(&r, c->in, len, &used);
	ck_assert_msg(s == c->want, "%s: got %s, want %s", c->name, smtp_reply_status_name(s),
	    smtp_reply_status_name(c->want));
	ck_assert_msg(r.lines.n == c->nlines, "%s: %zu lines, want %zu", c->name, r.lines.n,
	    c->nlines);
	if (s == SMTP_REPLY_DONE) {
		ck_assert_int_eq(r.code, c->code);
		ck_assert_int_eq(r.complete, 1);
		ck_assert_uint_eq(used, len);
		ck_assert_uint_eq(r.bytes, len);
		ck_assert_str_eq(r.enhanced, c->enhanced);
	}
	if (c->first != NULL)
		ck_assert_str_eq(r.lines.v[0], c->first);
	if (c->last != NULL)
		ck_assert_str_eq(r.lines.v[r.lines.n - 1], c->last);
	ck_assert_msg(r.flags == c->flags, "%s: flags %d, want %d", c->name, r.flags, c->flags);
	smtp_reply_free(&r);
}
END_TEST

START_TEST(test_reply_used)
{
	static const char	 two[] = "250 first\r\n250 second\r\n";
	struct smtp_reply	 r;
	size_t			 used;

	/* One reply at a time: the second is left for the next call (row 49 relies on it). */
	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_parse(&r, two, strlen(two), &used), SMTP_REPLY_DONE);
	ck_assert_uint_eq(used, strlen("250 first\r\n"));
	ck_assert_str_eq(r.lines.v[0], "first");
	smtp_reply_free(&r);
	ck_assert_int_eq(r.code, 0);
	ck_assert_uint_eq(r.lines.n, 0);
}
END_TEST

START_TEST(test_reply_text)
{
	static const char	 in[] = "550-5.1.1 The email account that you tried to reach does "
	    "not exist.\r\n550 5.1.1 Please try\r\n";
	struct smtp_reply	 r;
	size_t			 used;
	char			*text;

	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_parse(&r, in, strlen(in), &used), SMTP_REPLY_DONE);
	text = smtp_reply_text(&r);
	ck_assert_str_eq(text, "The email account that you tried to reach does not exist.\n"
	    "Please try");
	free(text);
	smtp_reply_free(&r);
	text = smtp_reply_text(&r);
	ck_assert_str_eq(text, "");
	free(text);
}
END_TEST

START_TEST(test_reply_status_names)
{
	int	 i;

	for (i = 0; i < SMTP_REPLY_STATUS_COUNT; i++) {
		ck_assert_ptr_nonnull(smtp_reply_status_name(i));
		ck_assert_ptr_nonnull(smtp_reply_status_words(i));
	}
	ck_assert_str_eq(smtp_reply_status_name(SMTP_REPLY_MISMATCH), "mismatch");
}
END_TEST

/* A line of exactly total bytes, its CRLF included: "250 xxx...\r\n" (or "250-"). */
static char *
make_line(const char *code, size_t total, char sep)
{
	char	*s;

	s = xmalloc(total + 1);
	memcpy(s, code, 3);
	s[3] = sep;
	memset(s + 4, 'x', total - 6);
	memcpy(s + total - 2, "\r\n", 2);
	s[total] = '\0';
	return (s);
}

/* Row 20: bounded lines, no off-by-one at the edges. */
static const struct {
	size_t			 total;
	enum smtp_reply_status	 want;
} length_cases[] = {
	{ 511, SMTP_REPLY_DONE },
	{ 512, SMTP_REPLY_DONE },
	{ 513, SMTP_REPLY_DONE },
	{ SMTP_LINE_MAX - 1, SMTP_REPLY_DONE },
	{ SMTP_LINE_MAX, SMTP_REPLY_DONE },
	{ SMTP_LINE_MAX + 1, SMTP_REPLY_LINE_TOO_LONG },
	{ 16383, SMTP_REPLY_LINE_TOO_LONG },
	{ 16384, SMTP_REPLY_LINE_TOO_LONG },
};

START_TEST(test_line_lengths)
{
	struct smtp_reply	 r;
	enum smtp_reply_status	 s;
	size_t			 used, total = length_cases[_i].total;
	char			*line;

	line = make_line("250", total, ' ');
	smtp_reply_init(&r);
	s = smtp_reply_parse(&r, line, total, &used);
	ck_assert_msg(s == length_cases[_i].want, "%zu bytes: got %s", total,
	    smtp_reply_status_name(s));
	if (s == SMTP_REPLY_DONE) {
		ck_assert_uint_eq(used, total);
		ck_assert_uint_eq(strlen(r.lines.v[0]), total - 6);
	}
	smtp_reply_free(&r);

	/* The same line ending in a bare LF is one byte shorter on the wire. */
	line[total - 2] = 'x';
	line[total - 1] = '\n';
	s = smtp_reply_parse(&r, line, total, &used);
	ck_assert_int_eq(s, length_cases[_i].want);
	smtp_reply_free(&r);
	free(line);
}
END_TEST

START_TEST(test_megabyte_line)
{
	struct smtp_reply	 r;
	size_t			 used, len = 1024 * 1024;
	char			*buf;

	/* Row 20: a megabyte without a line end stops at the line limit. */
	buf = xmalloc(len);
	memcpy(buf, "250 ", 4);
	memset(buf + 4, 'A', len - 4);
	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_parse(&r, buf, len, &used), SMTP_REPLY_LINE_TOO_LONG);
	ck_assert_uint_eq(used, 0);
	smtp_reply_free(&r);
	free(buf);
}
END_TEST

/* Feeds buf line by line until the reply ends or fails. */
static void
parse_all(const char *buf, size_t len, struct smtp_reply *r, enum smtp_reply_status *s)
{
	size_t	 used;

	smtp_reply_init(r);
	*s = smtp_reply_parse(r, buf, len, &used);
}

START_TEST(test_line_count_cap)
{
	struct smtp_reply	 r;
	enum smtp_reply_status	 s;
	size_t			 i, n;
	char			*buf, *p;

	/* Row 19: exactly SMTP_REPLY_MAX_LINES lines are fine, one more is not. */
	for (n = SMTP_REPLY_MAX_LINES; n <= SMTP_REPLY_MAX_LINES + 1; n++) {
		buf = p = xmalloc(n * 7 + 1);
		for (i = 0; i < n; i++) {
			memcpy(p, i + 1 == n ? "250 x\r\n" : "250-x\r\n", 7);
			p += 7;
		}
		parse_all(buf, n * 7, &r, &s);
		if (n == SMTP_REPLY_MAX_LINES) {
			ck_assert_int_eq(s, SMTP_REPLY_DONE);
			ck_assert_uint_eq(r.lines.n, n);
		} else {
			ck_assert_int_eq(s, SMTP_REPLY_TOO_MANY_LINES);
			ck_assert_uint_eq(r.lines.n, SMTP_REPLY_MAX_LINES);
		}
		smtp_reply_free(&r);
		free(buf);
	}
}
END_TEST

START_TEST(test_byte_cap)
{
	struct smtp_reply	 r;
	enum smtp_reply_status	 s;
	size_t			 i, n, len = 1024;
	char			*buf, *line;

	/* Row 19: 64 lines of 1 KiB make exactly 64 KiB; a 65th byte is too many. */
	n = SMTP_REPLY_MAX_BYTES / len;
	buf = xmalloc(n * len + 2);
	for (i = 0; i < n; i++) {
		line = make_line("250", len, i + 1 == n ? ' ' : '-');
		memcpy(buf + i * len, line, len);
		free(line);
	}
	parse_all(buf, n * len, &r, &s);
	ck_assert_int_eq(s, SMTP_REPLY_DONE);
	ck_assert_uint_eq(r.bytes, SMTP_REPLY_MAX_BYTES);
	smtp_reply_free(&r);

	/* The last line one byte longer. */
	buf[n * len - 3] = 'x';
	memcpy(buf + n * len - 2, "x\r\n", 3);
	parse_all(buf, n * len + 1, &r, &s);
	ck_assert_int_eq(s, SMTP_REPLY_TOO_BIG);
	ck_assert_uint_eq(r.lines.n, n - 1);
	smtp_reply_free(&r);
	free(buf);
}
END_TEST

START_TEST(test_add_line_after_error)
{
	struct smtp_reply	 r;

	/* An error leaves the reply as it was before the line. */
	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_add_line(&r, "250-a", 5, 0), SMTP_REPLY_MORE);
	ck_assert_int_eq(smtp_reply_add_line(&r, "550 b", 5, 0), SMTP_REPLY_MISMATCH);
	ck_assert_uint_eq(r.lines.n, 1);
	ck_assert_int_eq(r.code, 250);
	ck_assert_uint_eq(r.bytes, 7);
	ck_assert_int_eq(smtp_reply_add_line(&r, "250 b", 5, 1), SMTP_REPLY_DONE);
	ck_assert_uint_eq(r.bytes, 13);
	ck_assert_int_eq(r.flags, SMTP_REPLY_F_BARE_LF);
	smtp_reply_free(&r);
}
END_TEST

/* ---- EHLO capabilities --------------------------------------------------------------- */

static void
caps_of(const char *in, struct smtp_caps *c)
{
	struct smtp_reply	 r;
	size_t			 used;

	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_parse(&r, in, strlen(in), &used), SMTP_REPLY_DONE);
	smtp_caps_init(c);
	smtp_caps_parse(&r, c);
	smtp_reply_free(&r);
}

START_TEST(test_caps_postfix)
{
	struct smtp_caps	 c;

	caps_of("250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n"
	    "250-ETRN\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n"
	    "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n"
	    "250 CHUNKING\r\n", &c);
	ck_assert_int_eq(c.esmtp, 1);
	ck_assert_str_eq(c.domain, "mail.example.com");
	ck_assert_int_eq(c.starttls, 1);
	ck_assert_int_eq(c.pipelining, 1);
	ck_assert_int_eq(c.eightbitmime, 1);
	ck_assert_int_eq(c.smtputf8, 1);
	ck_assert_int_eq(c.enhancedstatuscodes, 1);
	ck_assert_int_eq(c.size, 1);
	ck_assert_int_eq(c.size_bad, 0);
	ck_assert(c.size_max == 10240000ULL);
	ck_assert_uint_eq(c.auth, SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN);
	ck_assert_uint_eq(c.auth_names.n, 2);
	ck_assert_str_eq(c.auth_names.v[0], "PLAIN");
	ck_assert_str_eq(c.auth_names.v[1], "LOGIN");
	ck_assert_uint_eq(c.keywords.n, 12);
	ck_assert_str_eq(c.keywords.v[5], "AUTH PLAIN LOGIN");
	ck_assert_int_eq(c.masked, 0);
	smtp_caps_free(&c);
	ck_assert_ptr_null(c.domain);
}
END_TEST

START_TEST(test_caps_lowercase)
{
	struct smtp_caps	 c;

	/* Row 53: lower-case keywords and mechanisms. */
	caps_of("250-x\r\n250-starttls\r\n250-auth cram-md5 plain xoauth2\r\n250-size 100\r\n"
	    "250 Pipelining\r\n", &c);
	ck_assert_int_eq(c.starttls, 1);
	ck_assert_int_eq(c.pipelining, 1);
	ck_assert(c.size_max == 100ULL);
	ck_assert_uint_eq(c.auth, SMTP_AUTH_CRAM_MD5 | SMTP_AUTH_PLAIN | SMTP_AUTH_XOAUTH2);
	ck_assert_str_eq(c.auth_names.v[0], "CRAM-MD5");
	smtp_caps_free(&c);
}
END_TEST

START_TEST(test_caps_old_auth)
{
	struct smtp_caps	 c;

	caps_of("250-x\r\n250 AUTH=LOGIN\r\n", &c);
	ck_assert_uint_eq(c.auth, SMTP_AUTH_LOGIN);
	ck_assert_uint_eq(c.auth_names.n, 1);
	smtp_caps_free(&c);

	caps_of("250-x\r\n250-AUTH=LOGIN PLAIN\r\n250 AUTH  GSSAPI  NTLM SCRAM-SHA-256 "
	    "FOO-BAR\r\n", &c);
	ck_assert_uint_eq(c.auth, SMTP_AUTH_LOGIN | SMTP_AUTH_PLAIN | SMTP_AUTH_GSSAPI |
	    SMTP_AUTH_NTLM | SMTP_AUTH_SCRAM_SHA_256 | SMTP_AUTH_OTHER);
	ck_assert_uint_eq(c.auth_names.n, 6);
	ck_assert_str_eq(c.auth_names.v[5], "FOO-BAR");
	smtp_caps_free(&c);

	/* "AUTHX" is not AUTH; a bare "AUTH" offers nothing. */
	caps_of("250-x\r\n250-AUTHX PLAIN\r\n250 AUTH\r\n", &c);
	ck_assert_uint_eq(c.auth, 0);
	smtp_caps_free(&c);
}
END_TEST

static const struct {
	const char		*line;
	int			 bad;
	unsigned long long	 max;
} size_cases[] = {
	{ "SIZE", 0, 0 },
	{ "SIZE 0", 0, 0 },
	{ "SIZE 35882577", 0, 35882577ULL },
	{ "SIZE 18446744073709551615", 0, 18446744073709551615ULL },
	{ "SIZE 18446744073709551616", 1, 0 },
	{ "SIZE 99999999999999999999", 1, 0 },
	{ "SIZE 999999999999999999999999999999999999999", 1, 0 },
	{ "SIZE -1", 1, 0 },
	{ "SIZE +5", 1, 0 },
	{ "SIZE 12abc", 1, 0 },
	{ "SIZE 0x10", 1, 0 },
	{ "SIZE 100 200", 0, 100 },
};

START_TEST(test_caps_size)
{
	struct smtp_caps	 c;
	char			*in;

	/* Row 53: overflow-safe; never wraps around into a small limit. */
	xasprintf(&in, "250-x\r\n250 %s\r\n", size_cases[_i].line);
	caps_of(in, &c);
	ck_assert_int_eq(c.size, 1);
	ck_assert_msg(c.size_bad == size_cases[_i].bad, "%s: bad %d", size_cases[_i].line,
	    c.size_bad);
	ck_assert_msg(c.size_max == size_cases[_i].max, "%s: max %llu", size_cases[_i].line,
	    c.size_max);
	smtp_caps_free(&c);
	free(in);
}
END_TEST

START_TEST(test_caps_first_line)
{
	struct smtp_caps	 c;

	/* RFC 5321 4.1.1.1: the first line is the greeting, never a keyword. */
	caps_of("250 STARTTLS\r\n", &c);
	ck_assert_int_eq(c.starttls, 0);
	ck_assert_str_eq(c.domain, "STARTTLS");
	ck_assert_uint_eq(c.keywords.n, 0);
	smtp_caps_free(&c);
}
END_TEST

START_TEST(test_caps_masked)
{
	struct smtp_caps	 c;

	/* Row 36: Cisco ESMTP inspection leaves X's where STARTTLS was. */
	caps_of("250-mail.example.com\r\n250-XXXXXXXA\r\n250-XXXX\r\n250-XXA\r\n"
	    "250 AUTH PLAIN\r\n", &c);
	ck_assert_int_eq(c.masked, 2);
	ck_assert_int_eq(c.starttls, 0);
	ck_assert_uint_eq(c.auth, SMTP_AUTH_PLAIN);
	smtp_caps_free(&c);
}
END_TEST

START_TEST(test_caps_oauth_only)
{
	struct smtp_caps	 c;

	caps_of("250-smtp.office365.com\r\n250 AUTH XOAUTH2 OAUTHBEARER\r\n", &c);
	ck_assert_uint_eq(c.auth, SMTP_AUTH_XOAUTH2 | SMTP_AUTH_OAUTHBEARER);
	ck_assert_uint_eq(c.auth & ~(unsigned int)SMTP_AUTH_OAUTH_ANY, 0);
	smtp_caps_free(&c);
}
END_TEST

START_TEST(test_caps_hostile_text)
{
	struct smtp_caps	 c;

	/* Escapes in keywords stay escaped and never match. */
	caps_of("250-x\r\n250-START\033[0mTLS\r\n250 AUTH PL\tAIN\r\n", &c);
	ck_assert_int_eq(c.starttls, 0);
	ck_assert_str_eq(c.keywords.v[0], "START\\e[0mTLS");
	ck_assert_uint_eq(c.auth, SMTP_AUTH_OTHER);
	smtp_caps_free(&c);
}
END_TEST

START_TEST(test_caps_ten_thousand)
{
	struct smtp_reply	 r;
	enum smtp_reply_status	 s;
	size_t			 i, n = 10000, used;
	char			*buf, *p;

	/* Row 53: a 10k-line EHLO stops at the line cap. */
	buf = p = xmalloc(n * 16 + 1);
	for (i = 0; i < n; i++)
		p += sprintf(p, "250%cX-EXT%05zu\r\n", i + 1 == n ? ' ' : '-', i);
	smtp_reply_init(&r);
	s = smtp_reply_parse(&r, buf, (size_t)(p - buf), &used);
	ck_assert_int_eq(s, SMTP_REPLY_TOO_MANY_LINES);
	ck_assert_uint_eq(r.lines.n, SMTP_REPLY_MAX_LINES);
	smtp_reply_free(&r);
	free(buf);
}
END_TEST

START_TEST(test_caps_helo)
{
	struct smtp_reply	 r;
	struct smtp_caps	 c;
	size_t			 used;

	smtp_reply_init(&r);
	ck_assert_int_eq(smtp_reply_parse(&r, "250 old.example.com\r\n", 21, &used),
	    SMTP_REPLY_DONE);
	smtp_caps_init(&c);
	smtp_caps_helo(&r, &c);
	ck_assert_int_eq(c.esmtp, 0);
	ck_assert_uint_eq(c.auth, 0);
	ck_assert_str_eq(c.domain, "old.example.com");
	smtp_caps_free(&c);
	smtp_reply_free(&r);
}
END_TEST

START_TEST(test_turkish_locale)
{
	static const char *const locales[] = {
		"tr_TR.UTF-8", "tr_TR.utf8", "tr_TR.ISO-8859-9", "tr_TR", "C", "POSIX"
	};
	struct smtp_caps	 c;
	size_t			 i;

	/*
	 * Row 74: in a Turkish locale toupper('i') is not 'I'. Whatever locale is present,
	 * keyword matching must not change (the parser never asks the locale).
	 */
	for (i = 0; i < sizeof locales / sizeof locales[0]; i++) {
		if (setlocale(LC_ALL, locales[i]) == NULL)
			continue;
		caps_of("250-x\r\n250-starttls\r\n250-pipelining\r\n250-smtputf8\r\n"
		    "250 auth plain login\r\n", &c);
		ck_assert_msg(c.starttls && c.pipelining && c.smtputf8, "locale %s",
		    locales[i]);
		ck_assert_uint_eq(c.auth, SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN);
		ck_assert_str_eq(c.auth_names.v[0], "PLAIN");
		ck_assert_int_eq(smtp_ascii_casecmp("STARTTLS", "starttls"), 0);
		ck_assert_int_ne(smtp_ascii_casecmp("I", "\xc4\xb1"), 0);
		smtp_caps_free(&c);
	}
	setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_auth_names)
{
	ck_assert_uint_eq(smtp_auth_bit("cram-md5"), SMTP_AUTH_CRAM_MD5);
	ck_assert_uint_eq(smtp_auth_bit("SCRAM-SHA-1-PLUS"), SMTP_AUTH_OTHER);
	ck_assert_str_eq(smtp_auth_name(SMTP_AUTH_PLAIN), "PLAIN");
	ck_assert_ptr_null(smtp_auth_name(SMTP_AUTH_OTHER));
	ck_assert_ptr_null(smtp_auth_name(SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN));
}
END_TEST

/* ---- addresses and names -------------------------------------------------------------- */

static const struct {
	const char	*in;
	int		 ok;
} address_cases[] = {
	{ "anna@example.com", 1 },
	{ "anna+tag@sub.example.co.uk", 1 },
	{ "anna@ex\xc3\xa4mple.com", 1 },
	{ "", 0 },
	{ "anna@example.com\r\nRCPT TO:<victim@example.org>", 0 },
	{ "anna@example.com\n", 0 },
	{ "anna@example.com\r", 0 },
	{ "anna smith@example.com", 0 },
	{ "<anna@example.com>", 0 },
	{ "anna@example.com> SIZE=1", 0 },
	{ "anna\x7f@example.com", 0 },
	{ "anna\t@example.com", 0 },
	{ "anna\033[2J@example.com", 0 },
};

START_TEST(test_address_table)
{
	ck_assert_msg(smtp_address_ok(address_cases[_i].in) == address_cases[_i].ok,
	    "case %d", _i);
}
END_TEST

START_TEST(test_address_length)
{
	char	 buf[300];

	ck_assert_int_eq(smtp_address_ok(NULL), 0);
	memset(buf, 'a', sizeof buf);
	memcpy(buf + 254 - 12, "@example.com", 12);
	buf[254] = '\0';
	ck_assert_int_eq(smtp_address_ok(buf), 1);
	memset(buf, 'a', sizeof buf);
	memcpy(buf + 255 - 12, "@example.com", 12);
	buf[255] = '\0';
	ck_assert_int_eq(smtp_address_ok(buf), 0);
}
END_TEST

static const struct {
	const char	*in;
	int		 ok;
} helo_cases[] = {
	{ "client.example.org", 1 },
	{ "a.b", 1 },
	{ "host.example.org.", 1 },
	{ "xn--bcher-kva.example", 1 },
	{ "[192.0.2.1]", 1 },
	{ "[IPv6:2001:db8::1]", 1 },
	{ "", 0 },
	{ "localhost", 0 },
	{ "LOCALHOST", 0 },
	{ "localhost.localdomain", 0 },
	{ "host", 0 },
	{ "host.", 0 },
	{ ".example.org", 0 },
	{ "a..b", 0 },
	{ "my_host.example.org", 0 },
	{ "host example.org", 0 },
	{ "host.example.org\r\nMAIL FROM:<x@y>", 0 },
	{ "host.example.org\n", 0 },
	{ "[192.0.2.1", 0 },
	{ "[]", 0 },
	{ "[1.2.3.4]x", 0 },
	{ "[1.2.3.4 ]", 0 },
};

START_TEST(test_helo_table)
{
	ck_assert_msg(smtp_helo_name_ok(helo_cases[_i].in) == helo_cases[_i].ok, "\"%s\"",
	    helo_cases[_i].in);
}
END_TEST

START_TEST(test_helo_limits)
{
	char	 buf[300];
	size_t	 i;

	ck_assert_int_eq(smtp_helo_name_ok(NULL), 0);
	/* A 64-byte label is one too many (RFC 1035 2.3.4). */
	memset(buf, 'a', 64);
	memcpy(buf + 64, ".example", 9);
	ck_assert_int_eq(smtp_helo_name_ok(buf), 0);
	memcpy(buf + 63, ".example", 9);
	ck_assert_int_eq(smtp_helo_name_ok(buf), 1);
	for (i = 0; i < 256; i++)
		buf[i] = i % 2 == 0 ? 'a' : '.';
	buf[255] = 'a';
	buf[256] = '\0';
	ck_assert_int_eq(smtp_helo_name_ok(buf), 0);
	buf[255] = '\0';
	buf[254] = 'a';
	ck_assert_int_eq(smtp_helo_name_ok(buf), 1);
}
END_TEST

/* xorshift32: the same "random" inputs on every run. */
static unsigned int
fuzz_next(unsigned int *state)
{
	unsigned int	 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return (*state = x);
}

START_TEST(test_fuzz_replies)
{
	static const char *const pieces[] = {
		"250", "250-", "250 ", "5.7.8 ", "\r\n", "\n", "\r", "\0", "x", " ", "-", "2",
		"AUTH PLAIN", "SIZE 999999999999999999999", "STARTTLS", "\033[2J", "\xc2\x9b",
		"550", "2500", "\xff",
	};
	struct smtp_reply	 r;
	struct smtp_caps	 c;
	enum smtp_reply_status	 s;
	unsigned int		 state = 0x5eedf00d;
	char			 buf[512];
	size_t			 len, used, n, i, j;
	int			 round;

	/* Whatever the bytes: no crash, no read past the end, the counts consistent. */
	for (round = 0; round < 5000; round++) {
		len = 0;
		n = fuzz_next(&state) % 24;
		for (i = 0; i < n; i++) {
			j = fuzz_next(&state) % (sizeof pieces / sizeof pieces[0]);
			if (len + strlen(pieces[j]) + 1 > sizeof buf)
				break;
			memcpy(buf + len, pieces[j], strlen(pieces[j]) + (j == 7));
			len += strlen(pieces[j]) + (j == 7);
		}
		smtp_reply_init(&r);
		s = smtp_reply_parse(&r, buf, len, &used);
		ck_assert_uint_le(used, len);
		ck_assert_uint_le(r.lines.n, SMTP_REPLY_MAX_LINES);
		ck_assert_uint_le(r.bytes, used);
		if (s == SMTP_REPLY_DONE) {
			ck_assert(r.code >= 200 && r.code <= 559);
			for (i = 0; i < r.lines.n; i++)
				ck_assert_ptr_null(strchr(r.lines.v[i], '\033'));
			smtp_caps_init(&c);
			smtp_caps_parse(&r, &c);
			smtp_caps_free(&c);
		}
		smtp_reply_free(&r);
	}
}
END_TEST

static Suite *
smtp_reply_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("smtp_reply");

	tc = tcase_create("reply");
	tcase_add_loop_test(tc, test_reply_table, 0,
	    (int)(sizeof reply_cases / sizeof reply_cases[0]));
	tcase_add_test(tc, test_reply_used);
	tcase_add_test(tc, test_reply_text);
	tcase_add_test(tc, test_reply_status_names);
	tcase_add_test(tc, test_add_line_after_error);
	tcase_add_test(tc, test_fuzz_replies);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_loop_test(tc, test_line_lengths, 0,
	    (int)(sizeof length_cases / sizeof length_cases[0]));
	tcase_add_test(tc, test_megabyte_line);
	tcase_add_test(tc, test_line_count_cap);
	tcase_add_test(tc, test_byte_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("caps");
	tcase_add_test(tc, test_caps_postfix);
	tcase_add_test(tc, test_caps_lowercase);
	tcase_add_test(tc, test_caps_old_auth);
	tcase_add_loop_test(tc, test_caps_size, 0,
	    (int)(sizeof size_cases / sizeof size_cases[0]));
	tcase_add_test(tc, test_caps_first_line);
	tcase_add_test(tc, test_caps_masked);
	tcase_add_test(tc, test_caps_oauth_only);
	tcase_add_test(tc, test_caps_hostile_text);
	tcase_add_test(tc, test_caps_ten_thousand);
	tcase_add_test(tc, test_caps_helo);
	tcase_add_test(tc, test_turkish_locale);
	tcase_add_test(tc, test_auth_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_address_table, 0,
	    (int)(sizeof address_cases / sizeof address_cases[0]));
	tcase_add_test(tc, test_address_length);
	tcase_add_loop_test(tc, test_helo_table, 0,
	    (int)(sizeof helo_cases / sizeof helo_cases[0]));
	tcase_add_test(tc, test_helo_limits);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(smtp_reply_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
