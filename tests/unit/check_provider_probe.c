/* check_provider_probe.c: unit tests for the provider probe's pure parts. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "probe-provider.h"
#include "providers.h"
#include "smtp-check.h"
#include "util.h"

struct domain_case {
	const char	*address;
	const char	*want;		/* NULL: not usable */
};

static const struct domain_case domain_cases[] = {
	{ "ann@gmail.com", "gmail.com" },
	{ "Ann@Example.COM.", "example.com" },
	{ "\"a@b\"@corp.example", "corp.example" },
	{ "ann@m\xc3\xbcller.de", "m\xc3\xbcller.de" },
	{ "dontknow", NULL },
	{ "ann", NULL },
	{ "@example.com", NULL },
	{ "ann@", NULL },
	{ "ann@.", NULL },
	{ "ann@exa mple.com", NULL },
	{ "ann@example..com", NULL },
	{ "ann@.example.com", NULL },
	{ "ann@example.com\x1b[2J", NULL },
	{ NULL, NULL }
};

struct host_case {
	const char	*name;
	int		 ok;
};

static const struct host_case host_cases[] = {
	{ "smtp.example.com", 1 },
	{ "smtp.example.com.", 1 },
	{ "_x.example", 1 },
	{ "a", 1 },
	{ ".", 0 },
	{ "", 0 },
	{ "smtp..example", 0 },
	{ "smtp\\032x.example", 0 },
	{ "sm tp.example", 0 },
	{ "m\xc3\xbcller.de", 0 },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", 0 },
};

START_TEST(test_domain)
{
	const struct domain_case	*c = &domain_cases[_i];
	char				*d = NULL;
	int				 rc;

	rc = probe_provider_domain(c->address, &d);
	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "\"%s\" gave \"%s\"", c->address, d);
		ck_assert_ptr_null(d);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(d, c->want);
	}
	free(d);
}
END_TEST

START_TEST(test_domain_null)
{
	char	*d = NULL;

	ck_assert_int_eq(probe_provider_domain(NULL, &d), -1);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_host_ok)
{
	ck_assert_msg(probe_provider_host_ok(host_cases[_i].name) == host_cases[_i].ok,
	    "\"%s\"", host_cases[_i].name);
}
END_TEST

/* RFC 6186 3.4: both services ordered together by priority, then weight. */
START_TEST(test_srv_order)
{
	struct probe_provider_srv v[] = {
		{ "b.example", 20, 0, 587, PROVIDERS_SEC_STARTTLS },
		{ "a.example", 10, 5, 587, PROVIDERS_SEC_STARTTLS },
		{ "c.example", 10, 50, 465, PROVIDERS_SEC_TLS },
		{ "d.example", 10, 5, 465, PROVIDERS_SEC_TLS },
		{ "e.example", 30, 0, 587, PROVIDERS_SEC_STARTTLS },
	};
	size_t	 n;

	n = probe_provider_srv_order(v, 5);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(v[0].target, "c.example");	/* priority 10, weight 50 */
	ck_assert_str_eq(v[1].target, "d.example");	/* weight 5, TLS before STARTTLS */
	ck_assert_str_eq(v[2].target, "a.example");
	ck_assert_str_eq(v[3].target, "b.example");
	ck_assert_str_eq(v[4].target, "e.example");
}
END_TEST

/* "." is "no such service"; a bad name or port 0 is dropped; ties keep their order. */
START_TEST(test_srv_drop)
{
	struct probe_provider_srv v[] = {
		{ ".", 0, 0, 0, PROVIDERS_SEC_TLS },
		{ "x\\032y.example", 0, 0, 465, PROVIDERS_SEC_TLS },
		{ "first.example", 5, 1, 587, PROVIDERS_SEC_STARTTLS },
		{ "zero.example", 0, 0, 0, PROVIDERS_SEC_STARTTLS },
		{ "second.example", 5, 1, 587, PROVIDERS_SEC_STARTTLS },
		{ NULL, 0, 0, 587, PROVIDERS_SEC_STARTTLS },
	};
	struct probe_provider_srv only_dot[] = {
		{ ".", 0, 0, 0, PROVIDERS_SEC_STARTTLS },
	};

	ck_assert_uint_eq(probe_provider_srv_order(v, 6), 2);
	ck_assert_str_eq(v[0].target, "first.example");
	ck_assert_str_eq(v[1].target, "second.example");
	ck_assert_uint_eq(probe_provider_srv_order(only_dot, 1), 0);
	ck_assert_uint_eq(probe_provider_srv_order(NULL, 0), 0);
}
END_TEST

/* A finished check as smtp_check_run leaves it, built by hand. */
static void
fake_check(struct smtp_check_result *c, enum net_status connect, int greeting, int tls,
    enum smtp_failure failure, enum tls_verdict verdict)
{
	smtp_check_result_init(c);
	c->connect = connect;
	c->session.greeting.code = greeting;
	c->session.tls = tls;
	c->session.failure = failure;
	c->session.tls_info.verdict = verdict;
}

START_TEST(test_guess_classify)
{
	struct smtp_check_result	 c;

	fake_check(&c, NET_CONNECTED, 220, 1, SMTP_FAIL_NONE, TLS_VERIFIED);
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_VERIFIED);
	fake_check(&c, NET_CONNECTED, 220, 1, SMTP_FAIL_TLS_UNVERIFIED, TLS_WRONG_NAME);
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_UNVERIFIED);
	/* Greets, but STARTTLS is not offered: plain text only is no recommendation. */
	fake_check(&c, NET_CONNECTED, 220, 0, SMTP_FAIL_STARTTLS_NOT_OFFERED, TLS_VERIFIED);
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_FAILED);
	fake_check(&c, NET_CONNECTED, 554, 1, SMTP_FAIL_GREETING_REJECTED, TLS_VERIFIED);
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_FAILED);
	fake_check(&c, NET_REFUSED, 0, 0, SMTP_FAIL_NONE, TLS_VERIFIED);
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_FAILED);
	fake_check(&c, NET_CONNECTED, 220, 1, SMTP_FAIL_DISCONNECTED, TLS_VERIFIED);
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_FAILED);
	fake_check(&c, NET_ERROR, 0, 0, SMTP_FAIL_NONE, TLS_VERIFIED);
	c.no_address = 1;
	ck_assert_int_eq(probe_provider_guess_classify(&c), PROBE_PROVIDER_GUESS_FAILED);
}
END_TEST

START_TEST(test_guess_pick)
{
	enum probe_provider_guess	 none[4] = { PROBE_PROVIDER_GUESS_FAILED,
	    PROBE_PROVIDER_GUESS_FAILED, PROBE_PROVIDER_GUESS_FAILED,
	    PROBE_PROVIDER_GUESS_FAILED };
	enum probe_provider_guess	 mixed[4] = { PROBE_PROVIDER_GUESS_FAILED,
	    PROBE_PROVIDER_GUESS_UNVERIFIED, PROBE_PROVIDER_GUESS_VERIFIED,
	    PROBE_PROVIDER_GUESS_VERIFIED };
	enum probe_provider_guess	 unverified[4] = { PROBE_PROVIDER_GUESS_FAILED,
	    PROBE_PROVIDER_GUESS_UNVERIFIED, PROBE_PROVIDER_GUESS_FAILED,
	    PROBE_PROVIDER_GUESS_UNVERIFIED };

	ck_assert_int_eq(probe_provider_guess_pick(none, 4, -1), -1);
	/* A good certificate beats an earlier place in the list. */
	ck_assert_int_eq(probe_provider_guess_pick(mixed, 4, -1), 2);
	ck_assert_int_eq(probe_provider_guess_pick(mixed, 4, 2), 3);
	ck_assert_int_eq(probe_provider_guess_pick(unverified, 4, -1), 1);
	ck_assert_int_eq(probe_provider_guess_pick(unverified, 4, 1), 3);
	ck_assert_int_eq(probe_provider_guess_pick(unverified, 4, 3), 1);
}
END_TEST

static void
diffs_of(struct providers_diffs *d, const enum providers_diff_kind *kinds, size_t n)
{
	size_t	 i;

	memset(d, 0, sizeof *d);
	d->v = xcalloc(n == 0 ? 1 : n, sizeof *d->v);
	d->n = n;
	for (i = 0; i < n; i++)
		d->v[i].kind = kinds[i];
}

START_TEST(test_cause)
{
	static const enum providers_diff_kind port[] = { PROVIDERS_DIFF_PORT };
	static const enum providers_diff_kind sec[] = { PROVIDERS_DIFF_SECURITY };
	static const enum providers_diff_kind port_sec[] = { PROVIDERS_DIFF_PORT,
	    PROVIDERS_DIFF_SECURITY };
	static const enum providers_diff_kind host[] = { PROVIDERS_DIFF_HOST,
	    PROVIDERS_DIFF_PORT };
	static const enum providers_diff_kind user[] = { PROVIDERS_DIFF_USER };
	struct providers_diffs	 d;

	ck_assert_str_eq(probe_provider_cause(NULL, -1), "");
	diffs_of(&d, NULL, 0);
	ck_assert_str_eq(probe_provider_cause(&d, -1), "");
	providers_diffs_free(&d);
	diffs_of(&d, port, 1);
	ck_assert_str_eq(probe_provider_cause(&d, -1), "settings.wrong-port");
	providers_diffs_free(&d);
	diffs_of(&d, port_sec, 2);
	ck_assert_str_eq(probe_provider_cause(&d, PROVIDERS_SEC_NONE), "settings.wrong-port");
	providers_diffs_free(&d);
	diffs_of(&d, sec, 1);
	ck_assert_str_eq(probe_provider_cause(&d, PROVIDERS_SEC_TLS), "settings.tls-mismatch");
	ck_assert_str_eq(probe_provider_cause(&d, PROVIDERS_SEC_NONE),
	    "settings.starttls-required");
	providers_diffs_free(&d);
	diffs_of(&d, host, 2);
	ck_assert_str_eq(probe_provider_cause(&d, -1), "client.settings-differ");
	providers_diffs_free(&d);
	diffs_of(&d, user, 1);
	ck_assert_str_eq(probe_provider_cause(&d, -1), "client.settings-differ");
	providers_diffs_free(&d);
}
END_TEST

START_TEST(test_security_words)
{
	ck_assert_str_eq(probe_provider_security_words(PROVIDERS_SEC_NONE), "no encryption");
	ck_assert_str_eq(probe_provider_security_words(PROVIDERS_SEC_STARTTLS), "STARTTLS");
	ck_assert_str_eq(probe_provider_security_words(PROVIDERS_SEC_TLS), "SSL/TLS");
}
END_TEST

static Suite *
provider_probe_suite(void)
{
	Suite	*s = suite_create("provider-probe");
	TCase	*tc;

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_domain, 0,
	    (int)(sizeof domain_cases / sizeof domain_cases[0]) - 1);
	tcase_add_test(tc, test_domain_null);
	tcase_add_loop_test(tc, test_host_ok, 0,
	    (int)(sizeof host_cases / sizeof host_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("srv");
	tcase_add_test(tc, test_srv_order);
	tcase_add_test(tc, test_srv_drop);
	suite_add_tcase(s, tc);

	tc = tcase_create("guesses");
	tcase_add_test(tc, test_guess_classify);
	tcase_add_test(tc, test_guess_pick);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_test(tc, test_cause);
	tcase_add_test(tc, test_security_words);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(provider_probe_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
