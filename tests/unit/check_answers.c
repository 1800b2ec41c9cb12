/* check_answers.c: the answers store and ${key} expansion. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "util.h"

static struct answers	*fixture(void);
static Suite		*answers_suite(void);

START_TEST(test_set_get)
{
	struct answers		*as;
	const struct answer	*a;

	as = answers_new();
	ck_assert_uint_eq(as->n, 0);
	ck_assert_ptr_null(answers_get(as, "smtp.host"));
	ck_assert_ptr_null(answers_find(as, "smtp.host"));

	answers_set(as, "smtp.host", "smtp.example.com", ANSWER_TYPED, 0);
	answers_set(as, "smtp.port", "587", ANSWER_GIVEN, 0);
	ck_assert_uint_eq(as->n, 2);
	ck_assert_str_eq(answers_get(as, "smtp.host"), "smtp.example.com");
	a = answers_find(as, "smtp.port");
	ck_assert_str_eq(a->key, "smtp.port");
	ck_assert_str_eq(a->value, "587");
	ck_assert_int_eq(a->origin, ANSWER_GIVEN);
	ck_assert_int_eq(a->secret, 0);
	/* Keys are exact: no case folding, no prefix match. */
	ck_assert_ptr_null(answers_get(as, "SMTP.HOST"));
	ck_assert_ptr_null(answers_get(as, "smtp"));
	answers_free(as);
}
END_TEST

START_TEST(test_replace)
{
	struct answers		*as;
	const struct answer	*a;

	as = answers_new();
	answers_set(as, "a", "1", ANSWER_GIVEN, 0);
	answers_set(as, "b", "2", ANSWER_TYPED, 0);
	answers_set(as, "a", "3", ANSWER_DONTKNOW, 0);
	ck_assert_uint_eq(as->n, 2);
	ck_assert_str_eq(as->v[0].key, "a");
	a = answers_find(as, "a");
	ck_assert_str_eq(a->value, "3");
	ck_assert_int_eq(a->origin, ANSWER_DONTKNOW);

	/* A secret replaced by a plain answer is no longer secret, and back again. */
	answers_set(as, "pw", "hunter2", ANSWER_TYPED, 1);
	ck_assert_int_eq(answers_find(as, "pw")->secret, 1);
	answers_set(as, "pw", "dontknow", ANSWER_DONTKNOW, 0);
	ck_assert_int_eq(answers_find(as, "pw")->secret, 0);
	answers_set(as, "pw", "s3cret", ANSWER_TYPED, 1);
	ck_assert_int_eq(answers_find(as, "pw")->secret, 1);
	ck_assert_str_eq(answers_get(as, "pw"), "s3cret");
	answers_free(as);
}
END_TEST

START_TEST(test_replace_with_own_value)
{
	struct answers	*as;

	/* The new value may be the old one's own storage. */
	as = answers_new();
	answers_set(as, "a", "value", ANSWER_TYPED, 1);
	answers_set(as, "a", answers_get(as, "a"), ANSWER_GIVEN, 1);
	ck_assert_str_eq(answers_get(as, "a"), "value");
	answers_free(as);
}
END_TEST

START_TEST(test_unset)
{
	struct answers	*as;

	as = answers_new();
	answers_set(as, "a", "1", ANSWER_TYPED, 0);
	answers_set(as, "b", "2", ANSWER_TYPED, 1);
	answers_set(as, "c", "3", ANSWER_PROBE, 0);
	answers_unset(as, "nothing");
	ck_assert_uint_eq(as->n, 3);
	answers_unset(as, "b");
	ck_assert_uint_eq(as->n, 2);
	ck_assert_ptr_null(answers_get(as, "b"));
	/* The others keep their order (reports list answers as they were given). */
	ck_assert_str_eq(as->v[0].key, "a");
	ck_assert_str_eq(as->v[1].key, "c");
	answers_unset(as, "a");
	answers_unset(as, "c");
	ck_assert_uint_eq(as->n, 0);
	answers_set(as, "a", "again", ANSWER_TYPED, 0);
	ck_assert_str_eq(answers_get(as, "a"), "again");
	answers_free(as);
}
END_TEST

START_TEST(test_many)
{
	struct answers	*as;
	char		 key[32], value[32];
	int		 i;

	as = answers_new();
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "probe-%d.fact", i);
		snprintf(value, sizeof value, "v%d", i);
		answers_set(as, key, value, ANSWER_PROBE, i % 2);
	}
	ck_assert_uint_eq(as->n, 1000);
	ck_assert_str_eq(answers_get(as, "probe-999.fact"), "v999");
	for (i = 0; i < 1000; i += 2) {
		snprintf(key, sizeof key, "probe-%d.fact", i);
		answers_unset(as, key);
	}
	ck_assert_uint_eq(as->n, 500);
	ck_assert_str_eq(answers_get(as, "probe-1.fact"), "v1");
	ck_assert_int_eq(answers_find(as, "probe-1.fact")->secret, 1);
	answers_free(as);
	answers_free(NULL);
}
END_TEST

static struct answers *
fixture(void)
{
	struct answers	*as;

	as = answers_new();
	answers_set(as, "smtp.host", "smtp.example.com", ANSWER_TYPED, 0);
	answers_set(as, "smtp.port", "587", ANSWER_GIVEN, 0);
	answers_set(as, "smtp.password", "hunter2", ANSWER_TYPED, 1);
	answers_set(as, "smtp.security", "dontknow", ANSWER_DONTKNOW, 0);
	answers_set(as, "email", "dontknow", ANSWER_GIVEN, 0);
	answers_set(as, "survey.open-ports", "465 587", ANSWER_PROBE, 0);
	answers_set(as, "quoting", "${smtp.host} $$", ANSWER_TYPED, 0);
	answers_set(as, "empty", "", ANSWER_TYPED, 0);
	answers_set(as, "under_score", "u", ANSWER_TYPED, 0);
	return (as);
}

static const struct expand_case {
	const char	*template;
	const char	*if_unset;
	const char	*want;
} expand_cases[] = {
	{ "", "(unknown)", "" },
	{ "no references", "(unknown)", "no references" },
	{ "${smtp.host}", "(unknown)", "smtp.example.com" },
	{ "Port ${smtp.port} on ${smtp.host}.", "(unknown)", "Port 587 on smtp.example.com." },
	{ "${smtp.host}${smtp.port}", "", "smtp.example.com587" },
	{ "open: ${survey.open-ports}", "", "open: 465 587" },
	{ "${under_score}", "", "u" },
	/* Unset keys and "I don't know" answers. */
	{ "${nothing}", "(unknown)", "(unknown)" },
	{ "${nothing}", "", "" },
	{ "[${nothing}]", "", "[]" },
	{ "${smtp.security}", "(unknown)", "(unknown)" },
	{ "${email}", "(unknown)", "(unknown)" },
	{ "${nothing:-587}", "(unknown)", "587" },
	{ "${smtp.security:-starttls}", "", "starttls" },
	{ "${smtp.port:-25}", "", "587" },
	{ "${nothing:-}", "(unknown)", "" },
	{ "${nothing:-two words, and $ signs}", "", "two words, and $ signs" },
	/* A default may itself refer to answers, to any depth. */
	{ "${nothing:-${smtp.host}}", "(unknown)", "smtp.example.com" },
	{ "${nothing:-${empty:-${smtp.port}}}!", "", "587!" },
	{ "${nothing:-${empty}}", "(unknown)", "(unknown)" },
	{ "${smtp.port:-${smtp.host}}", "", "587" },
	{ "${nothing:-a ${smtp.port} b}", "", "a 587 b" },
	/* An unclosed outer reference stays as written; the inner one still expands. */
	{ "${nothing:-${unclosed}", "", "${nothing:-" },
	/* An empty answer says no more than no answer (as ":-" does in sh). */
	{ "${empty}", "(unknown)", "(unknown)" },
	{ "${empty:-x}", "(unknown)", "x" },
	/* Secrets never show. */
	{ "${smtp.password}", "(unknown)", "(hidden)" },
	{ "${smtp.password:-none}", "", "(hidden)" },
	{ "pw=${smtp.password}.", "", "pw=(hidden)." },
	/* Dollars. */
	{ "$$", "", "$" },
	{ "$$$$", "", "$$" },
	{ "costs $$5", "", "costs $5" },
	{ "$${smtp.host}", "", "${smtp.host}" },
	{ "$$$${smtp.host}", "", "$${smtp.host}" },
	{ "$$${smtp.host}", "", "$smtp.example.com" },
	{ "$", "", "$" },
	{ "5 $", "", "5 $" },
	{ "$5", "", "$5" },
	{ "$smtp.host", "", "$smtp.host" },
	/* Malformed references stay as they were written. */
	{ "${smtp.host", "", "${smtp.host" },
	{ "${", "", "${" },
	{ "${}", "", "${}" },
	{ "${ smtp.host }", "", "${ smtp.host }" },
	{ "${smtp host}", "", "${smtp host}" },
	{ "${smtp.host:-unterminated", "", "${smtp.host:-unterminated" },
	{ "${smtp.host:x}", "", "${smtp.host:x}" },
	{ "${a${smtp.host}", "", "${asmtp.example.com" },
	{ "${smtp.host}}", "", "smtp.example.com}" },
	{ "x ${smtp.host", "(unknown)", "x ${smtp.host" },
	/* A value is inserted as text: references in it are not expanded again. */
	{ "${quoting}", "", "${smtp.host} $$" },
	/* The default ends at the first "}". */
	{ "${nothing:-a}b}", "", "ab}" },
};

START_TEST(test_expand)
{
	const struct expand_case	*c = &expand_cases[_i];
	struct answers			*as;
	char				*s;

	as = fixture();
	s = answers_expand(as, c->template, c->if_unset);
	if (strcmp(s, c->want) != 0)
		ck_abort_msg("case %d: \"%s\" gave \"%s\", want \"%s\"", _i, c->template, s,
		    c->want);
	free(s);
	answers_free(as);
}
END_TEST

START_TEST(test_expand_long)
{
	struct answers	*as;
	char		*value, *template, *s;
	size_t		 i, n = 100000;

	as = answers_new();
	value = xmalloc(n + 1);
	memset(value, 'v', n);
	value[n] = '\0';
	answers_set(as, "big", value, ANSWER_PROBE, 0);
	template = xmalloc(7 * 100 + 1);
	template[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(template, "${big}");
	s = answers_expand(as, template, "");
	ck_assert_uint_eq(strlen(s), n * 100);
	free(s);
	free(template);
	free(value);
	answers_free(as);
}
END_TEST

START_TEST(test_expand_empty_store)
{
	struct answers	*as;
	char		*s;

	as = answers_new();
	s = answers_expand(as, "${a} ${b:-B} $$", "?");
	ck_assert_str_eq(s, "? B $");
	free(s);
	answers_free(as);
}
END_TEST

static Suite *
answers_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("answers");

	tc = tcase_create("store");
	tcase_add_test(tc, test_set_get);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_replace_with_own_value);
	tcase_add_test(tc, test_unset);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("expand");
	tcase_add_loop_test(tc, test_expand, 0, sizeof expand_cases / sizeof expand_cases[0]);
	tcase_add_test(tc, test_expand_long);
	tcase_add_test(tc, test_expand_empty_store);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(answers_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
