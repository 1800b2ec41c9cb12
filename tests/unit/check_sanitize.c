/* check_sanitize.c: unit tests for the sanitiser every untrusted string passes before display. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

struct sanitize_case {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

static int	 check_valid_printable(const char *, char **);
static Suite	*sanitize_suite(void);

/* What each hostile or ordinary input must become. */
static const struct sanitize_case sanitize_cases[] = {
	{ "empty", "", 0, "" },
	{ "plain ascii", "250 mail.example.com ESMTP", 0, "250 mail.example.com ESMTP" },
	{ "clear screen", "\033[2Jhello", 0, "\\e[2Jhello" },
	{ "OSC 0 title", "\033]0;pwned\007", 0, "\\e]0;pwned\\x07" },
	{ "OSC 52 clipboard", "\033]52;c;cm0gLXJmIH4=\033\\", 0,
	    "\\e]52;c;cm0gLXJmIH4=\\e\\\\" },
	{ "DCS", "\033P1$r0m\033\\", 0, "\\eP1$r0m\\e\\\\" },
	{ "raw CSI byte", "a\2332Jb", 0, "a\\x9b2Jb" },
	{ "UTF-8 CSI", "a\302\2332Jb", 0, "a\\u{009B}2Jb" },
	{ "UTF-8 C1 NEL", "\302\205", 0, "\\u{0085}" },
	{ "BEL flood", "\a\a\a", 0, "\\x07\\x07\\x07" },
	{ "carriage return overwrite", "250 OK\rEVIL", 0, "250 OK\\rEVIL" },
	{ "backspace overwrite", "good\b\b\b\bbad!", 0, "good\\x08\\x08\\x08\\x08bad!" },
	{ "DEL", "a\177b", 0, "a\\x7fb" },
	{ "tab", "a\tb", 0, "a\\tb" },
	{ "newline", "a\nb", 0, "a\\nb" },
	{ "RLO", "abc\342\200\256def", 0, "abc\\u{202E}def" },
	{ "LRE", "\342\200\252", 0, "\\u{202A}" },
	{ "RLE", "\342\200\253", 0, "\\u{202B}" },
	{ "PDF", "\342\200\254", 0, "\\u{202C}" },
	{ "LRO", "\342\200\255", 0, "\\u{202D}" },
	{ "LRI", "\342\201\246", 0, "\\u{2066}" },
	{ "RLI", "\342\201\247", 0, "\\u{2067}" },
	{ "FSI", "\342\201\250", 0, "\\u{2068}" },
	{ "PDI", "\342\201\251", 0, "\\u{2069}" },
	{ "LRM", "\342\200\216", 0, "\\u{200E}" },
	{ "RLM", "\342\200\217", 0, "\\u{200F}" },
	{ "ALM", "\330\234", 0, "\\u{061C}" },
	{ "zero-width space", "pay\342\200\213pal", 0, "pay\\u{200B}pal" },
	{ "ZWNJ", "\342\200\214", 0, "\\u{200C}" },
	{ "ZWJ", "\342\200\215", 0, "\\u{200D}" },
	{ "word joiner", "\342\201\240", 0, "\\u{2060}" },
	{ "BOM", "\357\273\277x", 0, "\\u{FEFF}x" },
	{ "line separator", "a\342\200\250b", 0, "a\\u{2028}b" },
	{ "paragraph separator", "a\342\200\251b", 0, "a\\u{2029}b" },
	{ "tag character", "\363\240\200\201", 0, "\\u{E0001}" },
	{ "NUL inside", "mail\0evil.com", 13, "mail\\0evil.com" },
	{ "NUL at end", "ab\0", 3, "ab\\0" },
	{ "lone continuation", "\200", 0, "\\x80" },
	{ "truncated 2-byte", "a\303", 0, "a\\xc3" },
	{ "truncated 3-byte", "\342\202", 0, "\\xe2\\x82" },
	{ "bad continuation", "\303(", 0, "\\xc3(" },
	{ "overlong slash", "\300\257", 0, "\\xc0\\xaf" },
	{ "overlong 3-byte slash", "\340\200\257", 0, "\\xe0\\x80\\xaf" },
	{ "overlong 4-byte", "\360\200\200\257", 0, "\\xf0\\x80\\x80\\xaf" },
	{ "overlong NUL", "\300\200", 0, "\\xc0\\x80" },
	{ "surrogate", "\355\240\200", 0, "\\xed\\xa0\\x80" },
	{ "beyond U+10FFFF", "\364\220\200\200", 0, "\\xf4\\x90\\x80\\x80" },
	{ "5-byte form", "\370\210\200\200\200", 0, "\\xf8\\x88\\x80\\x80\\x80" },
	{ "0xff", "\377", 0, "\\xff" },
	{ "accents kept", "J\303\251r\303\264me M\303\274ller", 0, "J\303\251r\303\264me M\303\274ller" },
	{ "CJK kept", "\351\203\265\344\276\277", 0, "\351\203\265\344\276\277" },
	{ "emoji kept", "\360\237\223\247", 0, "\360\237\223\247" },
	{ "U+10FFFF kept", "\364\217\277\277", 0, "\364\217\277\277" },
	{ "combining kept", "e\314\201", 0, "e\314\201" },
	{ "backslash doubled", "C:\\new", 0, "C:\\\\new" },
	{ "fake escape doubled", "\\e[2J", 0, "\\\\e[2J" },
	{ "fake report heading", "=== DIAGNOSIS: OK ===", 0, "=== DIAGNOSIS: OK ===" },
};

/*
 * 1 if s is valid UTF-8 without a control or hidden character (the property every output
 * must have); *why says what failed.
 */
static int
check_valid_printable(const char *s, char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 n, i;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f) {
			xasprintf(why, "control byte 0x%02x", *p);
			return (0);
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 2;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 3;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 4;
		else {
			xasprintf(why, "invalid lead byte 0x%02x", *p);
			return (0);
		}
		c = *p & (0x7f >> n);
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				xasprintf(why, "bad continuation byte");
				return (0);
			}
			c = (c << 6) | (p[i] & 0x3f);
		}
		if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
		    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
			xasprintf(why, "overlong, surrogate or too large: U+%04X", (unsigned)c);
			return (0);
		}
		if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069) || (c >= 0x200b && c <= 0x200f) ||
		    c == 0x2028 || c == 0x2029 || c == 0xfeff || c == 0x061c) {
			xasprintf(why, "hidden character U+%04X", (unsigned)c);
			return (0);
		}
		p += n;
	}
	return (1);
}

START_TEST(test_table)
{
	const struct sanitize_case	*tc = &sanitize_cases[_i];
	size_t				 len;
	char				*out;

	len = tc->len != 0 ? tc->len : strlen(tc->in);
	out = sanitize_text(tc->in, len);
	ck_assert_msg(strcmp(out, tc->want) == 0, "%s: got \"%s\", want \"%s\"", tc->name,
	    out, tc->want);
	free(out);
}
END_TEST

START_TEST(test_str)
{
	char	*out;

	out = sanitize_str(NULL);
	ck_assert_str_eq(out, "");
	free(out);
	out = sanitize_str("ok\033[31m");
	ck_assert_str_eq(out, "ok\\e[31m");
	free(out);
	out = sanitize_text(NULL, 5);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_lines)
{
	char	*out;

	out = sanitize_lines("first\nsecond\033[2J\r\n");
	ck_assert_str_eq(out, "first\nsecond\\e[2J\\r\n");
	free(out);
	out = sanitize_lines(NULL);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_stored)
{
	char	*once, *twice;

	/* Already sanitised text keeps its escapes as they are: no doubled backslashes. */
	once = sanitize_str("S: 220 \033[2J\\ ok");
	twice = sanitize_stored(once);
	ck_assert_str_eq(once, "S: 220 \\e[2J\\\\ ok");
	ck_assert_str_eq(twice, once);
	free(once);
	free(twice);

	twice = sanitize_stored("raw\033]0;x\a");
	ck_assert_str_eq(twice, "raw\\e]0;x\\x07");
	free(twice);
	twice = sanitize_stored(NULL);
	ck_assert_str_eq(twice, "");
	free(twice);

	ck_assert_int_eq(sanitize_is_safe("caf\303\251 \\x"), 1);
	ck_assert_int_eq(sanitize_is_safe("a\342\200\256"), 0);
	ck_assert_int_eq(sanitize_is_safe("a\302\233"), 0);
	ck_assert_int_eq(sanitize_is_safe("\300\257"), 0);
}
END_TEST

START_TEST(test_plain_ascii)
{
	ck_assert_int_eq(sanitize_is_plain_ascii("hello world ~"), 1);
	ck_assert_int_eq(sanitize_is_plain_ascii(""), 1);
	ck_assert_int_eq(sanitize_is_plain_ascii("tab\there"), 0);
	ck_assert_int_eq(sanitize_is_plain_ascii("del\177"), 0);
	ck_assert_int_eq(sanitize_is_plain_ascii("caf\303\251"), 0);
}
END_TEST

/* Every possible single byte, alone and between letters. */
START_TEST(test_every_byte)
{
	unsigned char	 buf[3];
	char		*out, *why = NULL;
	int		 b;

	for (b = 0; b < 256; b++) {
		buf[0] = 'a';
		buf[1] = (unsigned char)b;
		buf[2] = 'z';
		out = sanitize_text(buf, sizeof buf);
		ck_assert_msg(check_valid_printable(out, &why), "byte 0x%02x: %s", b, why);
		ck_assert_msg(out[0] == 'a' && out[strlen(out) - 1] == 'z', "byte 0x%02x", b);
		free(out);
	}
}
END_TEST

/*
 * Property: whatever the bytes, the output is printable, valid UTF-8. The generator favours
 * the bytes that make trouble (controls, UTF-8 lead and continuation bytes) so the decoder's
 * edge cases are reached often. A fixed seed keeps failures reproducible.
 */
START_TEST(test_random)
{
	static const unsigned char	 interesting[] = {
		0x00, 0x07, 0x08, 0x09, 0x0a, 0x0d, 0x1b, 0x5b, 0x5c, 0x7f, 0x80, 0x9b, 0xa0,
		0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff
	};
	unsigned char			 buf[64];
	unsigned int			 seed = 20261128;
	char				*out, *why = NULL;
	size_t				 len, i;
	int				 round;

	for (round = 0; round < 10000; round++) {
		len = (size_t)(rand_r(&seed) % (int)sizeof buf);
		for (i = 0; i < len; i++) {
			if (rand_r(&seed) % 2)
				buf[i] = interesting[(size_t)rand_r(&seed) % sizeof interesting];
			else
				buf[i] = (unsigned char)(rand_r(&seed) % 256);
		}
		out = sanitize_text(buf, len);
		ck_assert_msg(check_valid_printable(out, &why), "round %d: %s", round, why);
		ck_assert_msg(strlen(out) <= len * 4, "round %d: grew too much", round);
		ck_assert_int_eq(sanitize_is_safe(out), 1);
		free(out);
	}
}
END_TEST

static Suite *
sanitize_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("sanitize");

	tc = tcase_create("table");
	tcase_add_loop_test(tc, test_table, 0,
	    (int)(sizeof sanitize_cases / sizeof sanitize_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_add_test(tc, test_str);
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_stored);
	tcase_add_test(tc, test_plain_ascii);
	suite_add_tcase(s, tc);

	tc = tcase_create("property");
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(sanitize_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
