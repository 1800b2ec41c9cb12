/* check_replies.c: unit tests for the reply table: loader, matcher, ranking and the corpus. */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "replies.h"
#include "util.h"

#define CORPUS_PATH	TESTDATADIR "/../explain/corpus.tsv"

struct refusal_case {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

struct match_case {
	const char	*text;
	const char	*want;		/* the first cause, or NULL for no match */
};

static struct replies	*load(const char *);
static const char	*first(const struct replies *, const char *);
static char		*unescape(const char *);
static Suite		*replies_suite(void);

/* Every refusal, with its exact message. */
static const struct refusal_case refusal_cases[] = {
	{ "unknown cause", "535 5.7.8 90 auth.nope bad password\n", 0,
	  "t.tbl:1: unknown cause \"auth.nope\" (causes.md lists them)" },
	{ "short code", "53 5.7.8 90 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:1: bad reply code \"53\" (three digits from 200 to 599, a class such as "
	  "5xx, or *)" },
	{ "code out of range", "650 5.7.8 90 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:1: bad reply code \"650\" (three digits from 200 to 599, a class such as "
	  "5xx, or *)" },
	{ "bad enhanced", "535 5.7 90 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:1: bad enhanced code \"5.7\" (such as 5.7.8, 5.7.* or *)" },
	{ "enhanced class 3", "535 3.7.8 90 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:1: bad enhanced code \"3.7.8\" (such as 5.7.8, 5.7.* or *)" },
	{ "weight zero", "535 5.7.8 0 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:1: bad weight \"0\" (a number from 1 to 100)" },
	{ "weight too big", "535 5.7.8 101 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:1: bad weight \"101\" (a number from 1 to 100)" },
	{ "weight not a number", "535 5.7.8 high auth.credentials-rejected bad\n", 0,
	  "t.tbl:1: bad weight \"high\" (a number from 1 to 100)" },
	{ "no pattern", "535 5.7.8 90 auth.credentials-rejected\n", 0,
	  "t.tbl:1: expected five fields: CODE ENHANCED WEIGHT CAUSE PATTERN" },
	{ "no pattern, trailing blanks", "535 5.7.8 90 auth.credentials-rejected \t \n", 0,
	  "t.tbl:1: expected five fields: CODE ENHANCED WEIGHT CAUSE PATTERN" },
	{ "star alone, no codes", "* * 90 auth.credentials-rejected *\n", 0,
	  "t.tbl:1: a pattern of \"*\" alone needs an exact reply code and enhanced code" },
	{ "star alone, enhanced only", "* 5.7.8 90 auth.credentials-rejected *\n", 0,
	  "t.tbl:1: a pattern of \"*\" alone needs an exact reply code and enhanced code" },
	{ "star alone, code only", "535 * 90 auth.credentials-rejected *\n", 0,
	  "t.tbl:1: a pattern of \"*\" alone needs an exact reply code and enhanced code" },
	{ "star alone, class", "5xx 5.7.8 90 auth.credentials-rejected *\n", 0,
	  "t.tbl:1: a pattern of \"*\" alone needs an exact reply code and enhanced code" },
	{ "star alone, enhanced prefix", "535 5.7.* 90 auth.credentials-rejected *\n", 0,
	  "t.tbl:1: a pattern of \"*\" alone needs an exact reply code and enhanced code" },
	{ "star at the end", "* * 90 auth.credentials-rejected bad password *\n", 0,
	  "t.tbl:1: the pattern has an empty part (a \"*\" at an end, or two in a row)" },
	{ "two stars", "* * 90 auth.credentials-rejected bad ** password\n", 0,
	  "t.tbl:1: the pattern has an empty part (a \"*\" at an end, or two in a row)" },
	{ "short piece", "* * 90 auth.credentials-rejected ok\n", 0,
	  "t.tbl:1: the pattern part \"ok\" is too short to mean anything (3 characters at "
	  "least)" },
	{ "duplicate", "# c\n535 5.7.8 90 auth.credentials-rejected Bad  Password\n"
	  "535 5.7.8 50 auth.credentials-rejected bad password\n", 0,
	  "t.tbl:3: the same rule as line 2" },
	{ "NUL", "535 5.7.8 90 auth.credentials-rejected bad\0password\n", 50,
	  "t.tbl:1: the line holds a NUL byte" },
	{ "not UTF-8", "* * 90 auth.credentials-rejected caf\351 refus\351\n", 0,
	  "t.tbl:1: the line is not UTF-8 text" },
	{ "control", "* * 90 auth.credentials-rejected bad\033[2J password\n", 0,
	  "t.tbl:1: the line holds a control character" },
	{ "empty", "# nothing here\n\n", 0, "t.tbl: the table holds no rules" },
	{ "several at once", "535 5.7.8 90 auth.nope abc\n# fine\n"
	  "535 5.7.8 90 auth.credentials-rejected good rule\n\nxyz\n", 0,
	  "t.tbl:1: unknown cause \"auth.nope\" (causes.md lists them)\n"
	  "t.tbl:5: expected five fields: CODE ENHANCED WEIGHT CAUSE PATTERN" },
};

/* The full reply decides, never the enhanced code alone; client texts too. */
static const struct match_case match_cases[] = {
	{ "553 5.7.1 <a@example.com>: Sender address rejected: not owned by user b@example.com",
	  "settings.sender-not-permitted" },
	{ "530 5.7.1 Client was not authenticated", "settings.auth-required" },
	{ "554 5.7.1 Service unavailable; Client host [192.0.2.9] blocked using "
	  "zen.spamhaus.org", "spam.ip-listed" },
	{ "554 5.7.1 <b@example.org>: Relay access denied", "settings.auth-required" },
	{ "550 5.7.1", NULL },
	{ "5.7.1", NULL },
	{ "535", NULL },
	{ "", NULL },
	{ "Must issue a\n   STARTTLS\r\n command first", "settings.starttls-required" },
	{ "> > 530 5.7.0 Must issue a STARTTLS\n> > command first",
	  "settings.starttls-required" },
	{ "535-5.7.8 Username and Password not\n535 5.7.8 accepted. Learn more at",
	  "auth.credentials-rejected" },
	{ "535 5.7.8 something no table knows", "auth.credentials-rejected" },
	{ "535 5.7.9 something no table knows", NULL },
	{ "Error: 0x800CCC0E", "settings.host-unreachable" },
	{ "Error: 0x800CCC0Ex", NULL },
	{ "Port 587: 550 5.1.8 Access denied, bad outbound sender",
	  "spam.account-restricted" },
	{ "(535, b'5.7.139 Authentication unsuccessful, basic authentication is disabled.')",
	  "auth.mechanism-unsupported" },
	{ "Couldn\342\200\231t send", "client.not-the-server" },
	{ "SPFX check failed", NULL },
};

static struct replies *
load(const char *text)
{
	struct replies	*t = NULL;
	char		*errors = NULL;

	if (replies_parse_buffer("t.tbl", text, strlen(text), &t, &errors) != 0)
		ck_abort_msg("table refused: %s", errors);
	return (t);
}

/* The first cause's ID for text, or NULL. */
static const char *
first(const struct replies *t, const char *text)
{
	struct replies_result	 res;
	const char		*id = NULL;

	if (replies_match_text(t, text, &res) > 0)
		id = res.v[0].cause->id;
	replies_result_free(&res);
	return (id);
}

/* The corpus writes a line break as "\n". */
static char *
unescape(const char *s)
{
	char	*out, *p;

	out = p = xstrdup(s);
	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*p++ = '\n';
			s++;
		} else
			*p++ = *s;
	}
	*p = '\0';
	return (out);
}

START_TEST(test_refusals)
{
	const struct refusal_case	*c = &refusal_cases[_i];
	struct replies			*t = NULL;
	char				*errors = NULL;
	size_t				 len = c->len != 0 ? c->len : strlen(c->in);

	ck_assert_msg(replies_parse_buffer("t.tbl", c->in, len, &t, &errors) == -1,
	    "%s: accepted", c->name);
	ck_assert_ptr_null(t);
	ck_assert_msg(errors != NULL && strcmp(errors, c->want) == 0,
	    "%s: got \"%s\", want \"%s\"", c->name, errors, c->want);
	free(errors);
}
END_TEST

START_TEST(test_builtin)
{
	const struct replies	*t = replies_builtin();
	size_t			 i;

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_eq(t, replies_builtin());
	ck_assert_uint_ge(t->nrules, 200);
	for (i = 0; i < t->nrules; i++) {
		ck_assert_ptr_nonnull(t->rules[i].cause);
		ck_assert_int_gt(t->rules[i].line, 0);
	}
}
END_TEST

START_TEST(test_match_cases)
{
	const struct match_case	*c = &match_cases[_i];
	const char		*got;

	got = first(NULL, c->text);
	if (c->want == NULL)
		ck_assert_msg(got == NULL, "\"%s\" matched %s", c->text, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, c->want) == 0,
		    "\"%s\": got %s, want %s", c->text, got != NULL ? got : "nothing",
		    c->want);
}
END_TEST

/* A probe's reply: the code comes from the parser, not from the text. */
START_TEST(test_match_reply)
{
	struct replies_result	 res;

	ck_assert_uint_eq(replies_match_reply(NULL, 535, "5.7.8",
	    "Username and Password not accepted. Learn more at https://support.google.com",
	    &res), 2);
	ck_assert_str_eq(res.v[0].cause->id, "auth.credentials-rejected");
	ck_assert_str_eq(res.v[1].cause->id, "auth.app-password-required");
	ck_assert_int_eq(res.v[0].code, 535);
	ck_assert_str_eq(res.v[0].enhanced, "5.7.8");
	ck_assert_str_eq(res.v[0].quote, "Username and Password not accepted");
	ck_assert_int_gt(res.v[0].weight, res.v[1].weight);
	/* The catch-all "535 5.7.8 *" rule pointed there too. */
	ck_assert_uint_ge(res.v[0].nrules, 2);
	replies_result_free(&res);
	ck_assert_ptr_null(res.v);

	/* 530 5.7.1 and 553 5.7.1 are different replies. */
	ck_assert_uint_eq(replies_match_reply(NULL, 553, "5.7.1", "Client was not "
	    "authenticated", &res), 0);
	replies_result_free(&res);
	ck_assert_uint_gt(replies_match_reply(NULL, 530, "5.7.1", "Client was not "
	    "authenticated", &res), 0);
	ck_assert_str_eq(res.v[0].cause->id, "settings.auth-required");
	replies_result_free(&res);

	/* Known code, unknown words: only an exact-code "*" rule may take it. */
	ck_assert_uint_eq(replies_match_reply(NULL, 535, "5.7.8", NULL, &res), 1);
	ck_assert_ptr_null(res.v[0].quote);
	replies_result_free(&res);
	ck_assert_uint_eq(replies_match_reply(NULL, 250, "2.0.0", "OK", &res), 0);
	replies_result_free(&res);
	ck_assert_uint_eq(replies_match_reply(NULL, 0, NULL, NULL, &res), 0);
	replies_result_free(&res);
}
END_TEST

START_TEST(test_patterns)
{
	struct replies		*t;
	struct replies_result	 res;
	char			 text[512];

	t = load("*   *     50 spam.ip-listed       client host * blocked using\n"
	    "4xx *     60 isp.rate-limited     slow down\n"
	    "*   4.7.* 70 isp.rate-limited     try later\n"
	    "*   *     40 dns.spf-missing      spf\n"
	    "*   *     40 dns.ptr-mismatch     Reverse   DNS\n");
	/* A "*" spans up to REPLIES_GAP characters (" [", the digits, "] "), no more. */
	snprintf(text, sizeof text, "Client host [%0*d] blocked using x", REPLIES_GAP - 4, 0);
	ck_assert_ptr_nonnull(first(t, text));
	snprintf(text, sizeof text, "Client host [%0*d] blocked using x", REPLIES_GAP - 3, 0);
	ck_assert_ptr_null(first(t, text));
	/* The shortest span is quoted, as written. */
	ck_assert_uint_eq(replies_match_text(t, "client host client HOST [192.0.2.1]\n"
	    "BLOCKED using zen", &res), 1);
	ck_assert_str_eq(res.v[0].quote, "client HOST [192.0.2.1] BLOCKED using");
	replies_result_free(&res);
	/* Classes and enhanced prefixes. */
	ck_assert_str_eq(first(t, "421 slow down"), "isp.rate-limited");
	ck_assert_ptr_null(first(t, "550 slow down"));
	ck_assert_ptr_null(first(t, "slow down"));
	ck_assert_str_eq(first(t, "451 4.7.1 try later"), "isp.rate-limited");
	ck_assert_ptr_null(first(t, "451 4.2.1 try later"));
	ck_assert_ptr_null(first(t, "451 4.7 try later"));
	/* Whole words at the pattern's ends; spaces in patterns collapse too. */
	ck_assert_str_eq(first(t, "SPF: fail"), "dns.spf-missing");
	ck_assert_ptr_null(first(t, "spfx"));
	ck_assert_ptr_null(first(t, "xspf"));
	ck_assert_str_eq(first(t, "no reverse\n\tdns"), "dns.ptr-mismatch");
	replies_free(t);
}
END_TEST

/*
 * Folding is ASCII only: under a Turkish locale tolower('I') would be a dotless i, and
 * U+0130 or U+0131 must never pass for "i".
 */
START_TEST(test_ascii_folding)
{
	struct replies	*t;
	const char	*loc;

	loc = setlocale(LC_ALL, "tr_TR.UTF-8");
	if (loc == NULL)
		loc = setlocale(LC_ALL, "tr_TR.ISO-8859-9");
	t = load("* * 90 settings.starttls-required MUST ISSUE a starttls command first\n");
	ck_assert_ptr_nonnull(first(t, "MUST ISSUE A STARTTLS COMMAND FIRST"));
	ck_assert_ptr_nonnull(first(t, "must issue a starttls command first"));
	ck_assert_ptr_null(first(t, "MUST \304\260SSUE A STARTTLS COMMAND F\304\260RST"));
	ck_assert_ptr_null(first(t, "must \304\261ssue a starttls command f\304\261rst"));
	ck_assert_ptr_nonnull(first(NULL, "SMTPCLIENTAUTHENTICATION IS DISABLED"));
	replies_free(t);
	setlocale(LC_ALL, "C");
}
END_TEST

/* Highest weight first; on a tie more rules, then the earlier line. */
START_TEST(test_ranking)
{
	struct replies		*t;
	struct replies_result	 res;

	t = load("* * 30 isp.rate-limited       alpha\n"
	    "* * 60 spam.ip-listed         alpha\n"
	    "* * 60 dns.spf-missing        alpha\n"
	    "* * 10 dns.spf-missing        beta\n"
	    "* * 60 dns.ptr-mismatch       alpha\n"
	    "* * 80 isp.rate-limited       gamma\n");
	ck_assert_uint_eq(replies_match_text(t, "alpha beta", &res), 4);
	ck_assert_str_eq(res.v[0].cause->id, "dns.spf-missing");
	ck_assert_uint_eq(res.v[0].nrules, 2);
	ck_assert_int_eq(res.v[0].rule->line, 3);
	ck_assert_str_eq(res.v[1].cause->id, "spam.ip-listed");
	ck_assert_str_eq(res.v[2].cause->id, "dns.ptr-mismatch");
	ck_assert_str_eq(res.v[3].cause->id, "isp.rate-limited");
	ck_assert_int_eq(res.v[3].weight, 30);
	replies_result_free(&res);
	/* A heavier rule later in the table becomes the evidence. */
	ck_assert_uint_eq(replies_match_text(t, "alpha gamma", &res), 4);
	ck_assert_str_eq(res.v[0].cause->id, "isp.rate-limited");
	ck_assert_int_eq(res.v[0].weight, 80);
	ck_assert_int_eq(res.v[0].rule->line, 6);
	ck_assert_str_eq(res.v[0].quote, "gamma");
	replies_result_free(&res);
	replies_free(t);
}
END_TEST

/* Linear time whatever the text: 64 KiB of one letter against a pattern of that letter. */
START_TEST(test_hostile_text)
{
	struct replies		*t;
	struct replies_result	 res;
	char			*big;
	long long		 t0;
	size_t			 i;

	t = load("* * 50 spam.ip-listed aaa * aaa * aaa * aaa * aaa * aab\n");
	big = xmalloc(REPLIES_TEXT_MAX + 100);
	memset(big, 'a', REPLIES_TEXT_MAX + 99);
	big[REPLIES_TEXT_MAX + 99] = '\0';
	for (i = 3; i < REPLIES_TEXT_MAX; i += 4)
		big[i] = ' ';
	t0 = mono_ms();
	ck_assert_uint_eq(replies_match_text(t, big, &res), 0);
	replies_result_free(&res);
	ck_assert_int_lt(mono_ms() - t0, 2000);
	/* Digits everywhere: no more codes than the cap, no crash. */
	for (i = 0; i < REPLIES_TEXT_MAX; i++)
		big[i] = "535 5.7.8 "[i % 10];
	replies_match_text(NULL, big, &res);
	replies_result_free(&res);
	free(big);
	replies_free(t);
}
END_TEST

/* Random bytes into the loader and the matcher: refusals or matches, never a crash. */
START_TEST(test_fuzz)
{
	struct replies		*t;
	struct replies_result	 res;
	char			 buf[300], *errors;
	unsigned int		 seed = 12345;
	size_t			 i, n, len;
	const char		 alphabet[] = "*0123456789.x abcSPF\t\n\r#-5xx4.7.";

	for (n = 0; n < 3000; n++) {
		len = (size_t)rand_r(&seed) % (sizeof buf - 1);
		for (i = 0; i < len; i++) {
			if (n % 2 == 0)
				buf[i] = alphabet[(size_t)rand_r(&seed) % (sizeof alphabet - 1)];
			else
				buf[i] = (char)(rand_r(&seed) % 256);
		}
		buf[len] = '\0';
		t = NULL;
		errors = NULL;
		if (replies_parse_buffer("f", buf, len, &t, &errors) == 0) {
			replies_match_text(t, buf, &res);
			replies_result_free(&res);
			replies_free(t);
		} else {
			ck_assert_ptr_nonnull(errors);
			free(errors);
		}
		replies_match_text(NULL, buf, &res);
		replies_result_free(&res);
	}
}
END_TEST

/* Every row of tests/explain/corpus.tsv: the expected cause comes first. */
START_TEST(test_corpus)
{
	FILE		*f;
	char		*line = NULL, *exp, *msg, *src, *text;
	struct strlist	 bad = { NULL, 0, 0 };
	const char	*got;
	size_t		 cap = 0, rows = 0, i;
	ssize_t		 n;
	int		 lineno = 0;

	f = fopen(CORPUS_PATH, "r");
	ck_assert_msg(f != NULL, "cannot open %s", CORPUS_PATH);
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		exp = line;
		msg = strchr(exp, '\t');
		ck_assert_msg(msg != NULL, "corpus.tsv:%d: no message", lineno);
		*msg++ = '\0';
		src = strchr(msg, '\t');
		ck_assert_msg(src != NULL && src[1] != '\0', "corpus.tsv:%d: no source",
		    lineno);
		*src = '\0';
		ck_assert_msg(strcmp(exp, "-") == 0 || cause_find(exp) != NULL,
		    "corpus.tsv:%d: unknown cause %s", lineno, exp);
		text = unescape(msg);
		got = first(NULL, text);
		free(text);
		if (strcmp(exp, "-") == 0 ? got != NULL :
		    (got == NULL || strcmp(got, exp) != 0))
			strlist_addf(&bad, "corpus.tsv:%d: got %s, want %s", lineno,
			    got != NULL ? got : "-", exp);
		rows++;
	}
	free(line);
	fclose(f);
	ck_assert_uint_ge(rows, 60);
	for (i = 0; i < bad.n; i++)
		fprintf(stderr, "%s\n", bad.v[i]);
	ck_assert_msg(bad.n == 0, "%zu of %zu corpus rows failed", bad.n, rows);
	strlist_free(&bad);
}
END_TEST

static Suite *
replies_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("replies");

	tc = tcase_create("loader");
	tcase_add_loop_test(tc, test_refusals, 0,
	    (int)(sizeof refusal_cases / sizeof refusal_cases[0]));
	tcase_add_test(tc, test_builtin);
	suite_add_tcase(s, tc);

	tc = tcase_create("matching");
	tcase_add_loop_test(tc, test_match_cases, 0,
	    (int)(sizeof match_cases / sizeof match_cases[0]));
	tcase_add_test(tc, test_match_reply);
	tcase_add_test(tc, test_patterns);
	tcase_add_test(tc, test_ascii_folding);
	tcase_add_test(tc, test_ranking);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hostile_text);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);

	tc = tcase_create("corpus");
	tcase_add_test(tc, test_corpus);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(replies_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
