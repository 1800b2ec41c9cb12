/* check_matrix.c: the smtp-matrix verdict over hand-built tables, and each cell's class. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matrix-verdict.h"
#include "probe.h"
#include "util.h"

#define ST	SMTP_SECURITY_STARTTLS
#define TLS	SMTP_SECURITY_TLS
#define NONE	SMTP_SECURITY_NONE

/* Host 0 is the user's server, 1 a candidate from the provider table, 2 a reference. */
static const char *const hosts[] = { "smtp.example.com", "mail.provider.net",
    "ref.example.org" };

#define CELL(h, p, c, s, v)	{ .host = (h), .port = (p), .reference = (h) == 2, \
				  .class = MATRIX_##c, .security = (s), .verified = (v) }

struct judge_case {
	const char		*name;
	struct matrix_cell	 cells[16];
	size_t			 ncells;
	struct matrix_user	 user;
	enum matrix_outcome	 outcome;
	int			 best_host;	/* -1: nothing recommended */
	int			 best_port;
	enum smtp_security	 best_security;
};

static const struct judge_case judge_cases[] = {
	{
		"user on 587 STARTTLS, 587 works: user-works",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 465, WORKS, TLS, 1),
		  CELL(0, 587, WORKS, ST, 1), CELL(0, 2525, REFUSED, ST, 0) }, 4,
		{ 0, 587, 1, ST }, MATRIX_USER_WORKS, 0, 587, ST
	},
	{
		"user on 465 with no known security, 465 works (unverified): user-works",
		{ CELL(0, 465, WORKS, TLS, 0), CELL(0, 587, WORKS, ST, 1) }, 2,
		{ 0, 465, 0, ST }, MATRIX_USER_WORKS, 0, 465, TLS
	},
	{
		"user on 587 with SSL/TLS, 587 works with STARTTLS: use-other-mode",
		{ CELL(0, 465, REFUSED, TLS, 0), CELL(0, 587, WORKS, ST, 1) }, 2,
		{ 0, 587, 1, TLS }, MATRIX_USE_OTHER_MODE, 0, 587, ST
	},
	{
		"user on 465 with STARTTLS, 465 works with SSL/TLS: use-other-mode",
		{ CELL(0, 465, WORKS, TLS, 1), CELL(0, 587, WORKS, ST, 1) }, 2,
		{ 0, 465, 1, ST }, MATRIX_USE_OTHER_MODE, 0, 465, TLS
	},
	{
		"user on 587 without encryption, 587 works with STARTTLS: use-other-mode",
		{ CELL(0, 587, WORKS, ST, 1) }, 1,
		{ 0, 587, 1, NONE }, MATRIX_USE_OTHER_MODE, 0, 587, ST
	},
	{
		"user on 587, only 465 listens: use-other-port with 465 SSL/TLS",
		{ CELL(0, 25, REFUSED, ST, 0), CELL(0, 465, WORKS, TLS, 1),
		  CELL(0, 587, REFUSED, ST, 0), CELL(0, 2525, REFUSED, ST, 0),
		  CELL(2, 25, OPEN, ST, 0), CELL(2, 465, OPEN, TLS, 0),
		  CELL(2, 587, OPEN, ST, 0) }, 7,
		{ 0, 587, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 465, TLS
	},
	{
		"user on 2525, 587 and 465 work: use-other-port prefers 587",
		{ CELL(0, 465, WORKS, TLS, 1), CELL(0, 587, WORKS, ST, 1),
		  CELL(0, 2525, SILENT, ST, 0) }, 3,
		{ 0, 2525, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 587, ST
	},
	{
		"a verified certificate beats the port order on the same server",
		{ CELL(0, 465, WORKS, TLS, 1), CELL(0, 587, WORKS, ST, 0),
		  CELL(0, 2525, TLS_ALERT, ST, 0) }, 3,
		{ 0, 2525, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 465, TLS
	},
	{
		"the user's server before another candidate, even unverified",
		{ CELL(0, 465, WORKS, TLS, 0), CELL(0, 587, NO_GREETING, ST, 0),
		  CELL(1, 587, WORKS, ST, 1) }, 3,
		{ 0, 587, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 465, TLS
	},
	{
		"user on 25, 25 silent towards every host, 587 works: isp-blocks-25",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 465, WORKS, TLS, 1),
		  CELL(0, 587, WORKS, ST, 1), CELL(0, 2525, SILENT, ST, 0),
		  CELL(2, 25, SILENT, ST, 0), CELL(2, 465, OPEN, TLS, 0),
		  CELL(2, 587, OPEN, ST, 0) }, 7,
		{ 0, 25, 1, ST }, MATRIX_ISP_BLOCKS_25, 0, 587, ST
	},
	{
		"25 refused here, silent there, 465 works on another candidate: isp-blocks-25",
		{ CELL(0, 25, REFUSED, ST, 0), CELL(0, 465, SILENT, TLS, 0),
		  CELL(0, 587, SILENT, ST, 0), CELL(1, 25, SILENT, ST, 0),
		  CELL(1, 465, WORKS, TLS, 1), CELL(1, 587, RESET, ST, 0) }, 6,
		{ 0, 25, 1, ST }, MATRIX_ISP_BLOCKS_25, 1, 465, TLS
	},
	{
		"only 2525 works with 25 blocked: not isp-blocks-25 but use-other-port",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 465, REFUSED, TLS, 0),
		  CELL(0, 587, REFUSED, ST, 0), CELL(0, 2525, WORKS, ST, 1),
		  CELL(2, 25, SILENT, ST, 0) }, 5,
		{ 0, 25, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 2525, ST
	},
	{
		"25 silent but a reference answers on 25: the server, not the ISP",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 587, WORKS, ST, 1),
		  CELL(2, 25, OPEN, ST, 0) }, 3,
		{ 0, 25, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 587, ST
	},
	{
		"25 silent on the one server tried: too little to blame the network",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 587, WORKS, ST, 1) }, 2,
		{ 0, 25, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 587, ST
	},
	{
		"25 blocked everywhere but the user is on 587: not isp-blocks-25",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 587, SILENT, ST, 0),
		  CELL(0, 465, WORKS, TLS, 1), CELL(2, 25, SILENT, ST, 0) }, 4,
		{ 0, 587, 1, ST }, MATRIX_USE_OTHER_PORT, 0, 465, TLS
	},
	{
		"the user's server works nowhere, the provider's does: other-host-works",
		{ CELL(0, 25, REFUSED, ST, 0), CELL(0, 465, REFUSED, TLS, 0),
		  CELL(0, 587, REFUSED, ST, 0), CELL(1, 25, GREETING, ST, 0),
		  CELL(1, 465, WORKS, TLS, 1), CELL(1, 587, WORKS, ST, 1) }, 6,
		{ 0, 587, 1, ST }, MATRIX_OTHER_HOST_WORKS, 1, 587, ST
	},
	{
		"the user's server has no address, the provider's works: other-host-works",
		{ CELL(0, 465, NO_ADDRESS, TLS, 0), CELL(0, 587, NO_ADDRESS, ST, 0),
		  CELL(1, 465, WORKS, TLS, 1), CELL(1, 587, TLS_ALERT, ST, 0) }, 4,
		{ 0, 587, 1, ST }, MATRIX_OTHER_HOST_WORKS, 1, 465, TLS
	},
	{
		"no server of the user's own: other-host-works",
		{ CELL(1, 465, WORKS, TLS, 1) }, 1,
		{ -1, 0, 0, ST }, MATRIX_OTHER_HOST_WORKS, 1, 465, TLS
	},
	{
		"greetings without encryption and TLS alerts only: nothing-works",
		{ CELL(0, 25, GREETING, ST, 0), CELL(0, 465, TLS_ALERT, TLS, 0),
		  CELL(0, 587, TLS_ALERT, ST, 0), CELL(0, 2525, RESET, ST, 0),
		  CELL(2, 25, OPEN, ST, 0), CELL(2, 587, OPEN, ST, 0) }, 6,
		{ 0, 587, 1, ST }, MATRIX_NOTHING_WORKS, -1, 0, ST
	},
	{
		"everything silent: nothing-works",
		{ CELL(0, 25, SILENT, ST, 0), CELL(0, 587, SILENT, ST, 0),
		  CELL(2, 25, SILENT, ST, 0), CELL(2, 587, SILENT, ST, 0) }, 4,
		{ 0, 25, 1, ST }, MATRIX_NOTHING_WORKS, -1, 0, ST
	},
	{
		"a reference that answers is never recommended: nothing-works",
		{ CELL(0, 587, NO_GREETING, ST, 0), CELL(2, 587, WORKS, ST, 1) }, 2,
		{ 0, 587, 1, ST }, MATRIX_NOTHING_WORKS, -1, 0, ST
	},
};

START_TEST(test_judge)
{
	const struct judge_case	*c = &judge_cases[_i];
	struct matrix_verdict	 v;

	matrix_verdict_judge(c->cells, c->ncells, &c->user, &v);
	ck_assert_msg(v.outcome == c->outcome, "%s: outcome %s, expected %s", c->name,
	    matrix_outcome_name(v.outcome), matrix_outcome_name(c->outcome));
	if (c->best_host < 0) {
		ck_assert_msg(v.best == -1, "%s: recommends cell %d", c->name, v.best);
		return;
	}
	ck_assert_msg(v.best >= 0, "%s: recommends nothing", c->name);
	ck_assert_msg(c->cells[v.best].host == (size_t)c->best_host &&
	    c->cells[v.best].port == c->best_port &&
	    c->cells[v.best].security == c->best_security,
	    "%s: recommends host %zu port %d, expected host %d port %d", c->name,
	    c->cells[v.best].host, c->cells[v.best].port, c->best_host, c->best_port);
	ck_assert(!c->cells[v.best].reference);
	ck_assert_int_eq(c->cells[v.best].class, MATRIX_WORKS);
}
END_TEST

/* Every outcome is reached by at least one case above. */
START_TEST(test_judge_covers_outcomes)
{
	struct matrix_verdict	 v;
	int			 seen[MATRIX_OUTCOME_COUNT];
	size_t			 i;

	memset(seen, 0, sizeof seen);
	for (i = 0; i < sizeof judge_cases / sizeof judge_cases[0]; i++) {
		matrix_verdict_judge(judge_cases[i].cells, judge_cases[i].ncells,
		    &judge_cases[i].user, &v);
		seen[v.outcome] = 1;
	}
	for (i = 0; i < MATRIX_OUTCOME_COUNT; i++)
		ck_assert_msg(seen[i], "no case gives %s", matrix_outcome_name(i));
}
END_TEST

START_TEST(test_user_cell)
{
	static const struct matrix_cell	 cells[] = {
		CELL(2, 587, OPEN, ST, 0), CELL(0, 465, WORKS, TLS, 1), CELL(0, 587, SILENT, ST, 0)
	};
	struct matrix_user		 u = { 0, 587, 1, ST };
	struct matrix_verdict		 v;

	matrix_verdict_judge(cells, 3, &u, &v);
	ck_assert_int_eq(v.user_cell, 2);
	u.port = 0;
	matrix_verdict_judge(cells, 3, &u, &v);
	ck_assert_int_eq(v.user_cell, -1);
	ck_assert_int_eq(v.outcome, MATRIX_USE_OTHER_PORT);
	ck_assert_int_eq(v.best, 1);
}
END_TEST

/* ---- the pattern in plain words ---------------------------------------------------------- */

struct pattern_case {
	size_t		 judge;		/* the table: judge_cases[judge] */
	const char	*want;
};

static const struct pattern_case pattern_cases[] = {
	{ 9, "465 and 587 work; 25 is silent towards every host; 2525 is silent: your network "
	    "blocks port 25, which is fine: use port 587 with STARTTLS" },
	{ 0, "465 and 587 work; 25 is silent; 2525 is refused: the setting asked about, "
	    "smtp.example.com port 587 with STARTTLS, works" },
	{ 1, "465 and 587 work: the setting asked about, smtp.example.com port 465 with SSL/TLS, works "
	    "(though the certificate did not verify)" },
	{ 2, "587 works; 465 is refused: port 587 of smtp.example.com works with STARTTLS, not "
	    "with SSL/TLS: switch the encryption to STARTTLS" },
	{ 5, "465 works; 25 and 587 are refused (ref.example.org: reachable); 2525 is refused: "
	    "your port 587 is refused there; use port 465 with SSL/TLS on smtp.example.com" },
	{ 15, "465 and 587 work on mail.provider.net; 25: refused on smtp.example.com, "
	    "greeting, no encryption on mail.provider.net: smtp.example.com works on no port, "
	    "mail.provider.net does, on port 587 with STARTTLS" },
	{ 18, "25 greets without encryption (ref.example.org: reachable); 465 fails at "
	    "encryption; 587 fails at encryption (ref.example.org: reachable); 2525 is reset: "
	    "no server answered with working encryption on any port" },
	{ 19, "25 and 587 are silent towards every host: no server answered with working "
	    "encryption on any port" },
	{ 16, "465 works; 587 fails at encryption; smtp.example.com has no address: use "
	    "mail.provider.net, port 465 with SSL/TLS" },
};

START_TEST(test_pattern)
{
	const struct pattern_case	*p = &pattern_cases[_i];
	const struct judge_case		*c = &judge_cases[p->judge];
	struct matrix_verdict		 v;
	struct matrix_user		 u = c->user;
	char				*s;

	/* Case 16 is judged as if nobody's own server were known, for its wording. */
	if (p->judge == 16)
		u.host = -1;
	matrix_verdict_judge(c->cells, c->ncells, &u, &v);
	s = matrix_verdict_pattern(c->cells, c->ncells, hosts, 3, &u, &v);
	ck_assert_msg(strcmp(s, p->want) == 0, "%s:\n got \"%s\"\nwant \"%s\"", c->name, s,
	    p->want);
	free(s);
}
END_TEST

/* ---- one cell's class from a finished check --------------------------------------------- */

struct classify_case {
	const char		*name;
	int			 no_address;
	enum net_status		 connect;
	enum smtp_failure	 failure;
	enum smtp_phase		 phase;
	enum tls_failure	 tls_failure;
	int			 greeting;	/* the greeting's code */
	int			 tls;
	enum matrix_class	 want;
};

static const struct classify_case classify_cases[] = {
	{ "no address", 1, NET_ERROR, SMTP_FAIL_NONE, SMTP_PHASE_INIT, TLS_FAIL_NONE, 0, 0,
	  MATRIX_NO_ADDRESS },
	{ "refused", 0, NET_REFUSED, SMTP_FAIL_NONE, SMTP_PHASE_INIT, TLS_FAIL_NONE, 0, 0,
	  MATRIX_REFUSED },
	{ "prohibited", 0, NET_PROHIBITED, SMTP_FAIL_NONE, SMTP_PHASE_INIT, TLS_FAIL_NONE, 0,
	  0, MATRIX_REFUSED },
	{ "unreachable", 0, NET_UNREACHABLE, SMTP_FAIL_NONE, SMTP_PHASE_INIT, TLS_FAIL_NONE,
	  0, 0, MATRIX_REFUSED },
	{ "dropped", 0, NET_TIMEOUT, SMTP_FAIL_NONE, SMTP_PHASE_INIT, TLS_FAIL_NONE, 0, 0,
	  MATRIX_SILENT },
	{ "reset before the greeting", 0, NET_CONNECTED, SMTP_FAIL_DISCONNECTED,
	  SMTP_PHASE_GREETING, TLS_FAIL_NONE, 0, 0, MATRIX_RESET },
	{ "closed at the ClientHello", 0, NET_CONNECTED, SMTP_FAIL_TLS_FAILED, SMTP_PHASE_TLS,
	  TLS_FAIL_CLOSED, 0, 0, MATRIX_RESET },
	{ "silent greeting", 0, NET_CONNECTED, SMTP_FAIL_GREETING_TIMEOUT, SMTP_PHASE_GREETING,
	  TLS_FAIL_NONE, 0, 0, MATRIX_NO_GREETING },
	{ "silent to the ClientHello", 0, NET_CONNECTED, SMTP_FAIL_TLS_FAILED, SMTP_PHASE_TLS,
	  TLS_FAIL_TIMEOUT, 0, 0, MATRIX_NO_GREETING },
	{ "not SMTP", 0, NET_CONNECTED, SMTP_FAIL_NOT_SMTP, SMTP_PHASE_GREETING, TLS_FAIL_NONE,
	  0, 0, MATRIX_NO_GREETING },
	{ "554 greeting", 0, NET_CONNECTED, SMTP_FAIL_GREETING_REJECTED, SMTP_PHASE_GREETING,
	  TLS_FAIL_NONE, 554, 0, MATRIX_NO_GREETING },
	{ "no STARTTLS", 0, NET_CONNECTED, SMTP_FAIL_STARTTLS_NOT_OFFERED, SMTP_PHASE_STARTTLS,
	  TLS_FAIL_NONE, 220, 0, MATRIX_GREETING },
	{ "STARTTLS 454", 0, NET_CONNECTED, SMTP_FAIL_STARTTLS_REFUSED, SMTP_PHASE_STARTTLS,
	  TLS_FAIL_NONE, 220, 0, MATRIX_GREETING },
	{ "plain text on 465", 0, NET_CONNECTED, SMTP_FAIL_TLS_FAILED, SMTP_PHASE_TLS,
	  TLS_FAIL_NOT_TLS, 0, 0, MATRIX_GREETING },
	{ "TLS 1.0 only on 465", 0, NET_CONNECTED, SMTP_FAIL_TLS_FAILED, SMTP_PHASE_TLS,
	  TLS_FAIL_PROTOCOL_VERSION, 0, 0, MATRIX_TLS_ALERT },
	{ "handshake after STARTTLS fails", 0, NET_CONNECTED, SMTP_FAIL_TLS_FAILED,
	  SMTP_PHASE_STARTTLS_HANDSHAKE, TLS_FAIL_OTHER, 220, 0, MATRIX_TLS_ALERT },
	{ "STARTTLS injection", 0, NET_CONNECTED, SMTP_FAIL_STARTTLS_INJECTION,
	  SMTP_PHASE_STARTTLS, TLS_FAIL_NONE, 220, 0, MATRIX_TLS_ALERT },
	{ "EHLO refused under TLS", 0, NET_CONNECTED, SMTP_FAIL_EHLO_REJECTED,
	  SMTP_PHASE_EHLO_TLS, TLS_FAIL_NONE, 220, 1, MATRIX_TLS_ALERT },
	{ "works", 0, NET_CONNECTED, SMTP_FAIL_NONE, SMTP_PHASE_DONE, TLS_FAIL_NONE, 220, 1,
	  MATRIX_WORKS },
	{ "works, unverified", 0, NET_CONNECTED, SMTP_FAIL_TLS_UNVERIFIED, SMTP_PHASE_EHLO_TLS,
	  TLS_FAIL_NONE, 220, 1, MATRIX_WORKS },
};

START_TEST(test_classify)
{
	const struct classify_case	*c = &classify_cases[_i];
	struct smtp_check_result	 r;

	smtp_check_result_init(&r);
	r.no_address = c->no_address;
	r.connect = c->connect;
	r.session.failure = c->failure;
	r.session.phase = c->phase;
	r.session.tls_failure = c->tls_failure;
	r.session.greeting.code = c->greeting;
	r.session.tls = c->tls;
	ck_assert_msg(matrix_cell_classify(&r) == c->want, "%s: %s, expected %s", c->name,
	    matrix_class_name(matrix_cell_classify(&r)), matrix_class_name(c->want));
	smtp_check_result_free(&r);
}
END_TEST

START_TEST(test_retry)
{
	struct smtp_check_result	 r;
	enum smtp_security		 other = NONE;

	smtp_check_result_init(&r);
	r.connect = NET_CONNECTED;
	r.session.failure = SMTP_FAIL_TLS_FAILED;
	r.session.phase = SMTP_PHASE_TLS;
	r.session.tls_failure = TLS_FAIL_NOT_TLS;
	ck_assert_int_eq(matrix_cell_retry(&r, TLS, &other), 1);
	ck_assert_int_eq(other, ST);
	r.session.tls_failure = TLS_FAIL_TIMEOUT;
	ck_assert_int_eq(matrix_cell_retry(&r, TLS, &other), 0);

	r.session.failure = SMTP_FAIL_GREETING_TIMEOUT;
	r.session.phase = SMTP_PHASE_GREETING;
	r.session.tls_failure = TLS_FAIL_NONE;
	ck_assert_int_eq(matrix_cell_retry(&r, ST, &other), 2);
	ck_assert_int_eq(other, TLS);
	ck_assert_int_eq(matrix_cell_retry(&r, TLS, &other), 0);

	r.connect = NET_TIMEOUT;
	ck_assert_int_eq(matrix_cell_retry(&r, ST, &other), 0);
	smtp_check_result_free(&r);
}
END_TEST

START_TEST(test_names)
{
	const struct probe	*p = probe_find("smtp-matrix");
	int			 i;

	ck_assert_ptr_eq(p, &probe_smtp_matrix);
	for (i = 0; i < MATRIX_OUTCOME_COUNT; i++) {
		ck_assert_str_eq(p->outcomes[i], matrix_outcome_name(i));
		ck_assert(probe_has_outcome(p, matrix_outcome_name(i)));
	}
	ck_assert_ptr_null(p->outcomes[MATRIX_OUTCOME_COUNT]);
	for (i = 0; i < MATRIX_CLASS_COUNT; i++) {
		ck_assert_int_gt((int)strlen(matrix_class_name(i)), 0);
		ck_assert_int_gt((int)strlen(matrix_class_words(i)), 0);
	}
	ck_assert_str_eq(matrix_class_name(MATRIX_NO_GREETING), "no-greeting");
	ck_assert_str_eq(matrix_class_name(MATRIX_TLS_ALERT), "tls-alert");
	ck_assert_str_eq(matrix_security_words(TLS), "SSL/TLS");
	ck_assert_str_eq(matrix_security_words(ST), "STARTTLS");
}
END_TEST

static Suite *
matrix_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("matrix");

	tc = tcase_create("judge");
	tcase_add_loop_test(tc, test_judge, 0, sizeof judge_cases / sizeof judge_cases[0]);
	tcase_add_test(tc, test_judge_covers_outcomes);
	tcase_add_test(tc, test_user_cell);
	suite_add_tcase(s, tc);

	tc = tcase_create("pattern");
	tcase_add_loop_test(tc, test_pattern, 0, sizeof pattern_cases / sizeof pattern_cases[0]);
	suite_add_tcase(s, tc);

	tc = tcase_create("cell");
	tcase_add_loop_test(tc, test_classify, 0,
	    sizeof classify_cases / sizeof classify_cases[0]);
	tcase_add_test(tc, test_retry);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(matrix_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
