/* check_ahead.c: early runs of probe nodes (Alongside:) taken, refused and stopped. */
#include "config.h"

#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ahead.h"
#include "probe.h"
#include "util.h"

/* A probe of our own: counts its runs, takes a while, or waits for its cancel flag. */
static atomic_int	 runs;
static int		 slow_ms;
static int		 until_cancel;

static const char *const test_outcomes[] = { "ok", NULL };

static void
sleep_ms(int ms)
{
	struct timespec	 ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits (up to 5 s) until the probe has started n times: an early run's thread may lag. */
static void
wait_runs(int n)
{
	int	 i;

	for (i = 0; i < 1000 && atomic_load(&runs) < n; i++)
		sleep_ms(5);
}

static int
test_run(const struct probe_env *env, const struct probe_param *params, size_t n,
    struct probe_result *r, char **cause)
{
	const char	*v = probe_param_get(params, n, "value");
	int		 waited = 0;

	(void)cause;
	atomic_fetch_add(&runs, 1);
	if (until_cancel) {
		while (env->cancel == NULL || *env->cancel == 0) {
			sleep_ms(5);
			if ((waited += 5) > 10000)
				break;
		}
	} else if (slow_ms > 0)
		sleep_ms(slow_ms);
	r->outcome = "ok";
	probe_result_fact(r, "value", "%s", v != NULL ? v : "");
	probe_result_fact(r, "sent", "%s", env->send_test_to != NULL ? "yes" : "no");
	return (0);
}

static const struct probe_param_spec test_params[] = {
	{ "value", 0, "anything" },
	{ NULL, 0, NULL }
};

static const struct probe test_probe = {
	.name = "test",
	.summary = "a probe for the tests",
	.params = test_params,
	.outcomes = test_outcomes,
	.run = test_run
};

static struct tree_node	 node_a, node_b;
static struct probe_env	 env;

static void
setup(void)
{
	atomic_store(&runs, 0);
	slow_ms = 0;
	until_cancel = 0;
	memset(&env, 0, sizeof env);
	env.timeout_ms = 1000;
}

static void
param(struct probe_param *p, const char *value)
{
	p->name = "value";
	p->value = value;
	p->secret = 0;
}

/* The early result is taken: the probe ran once, and its fact is what the walk gets. */
START_TEST(test_taken)
{
	struct ahead		*a = ahead_new();
	struct probe_param	 p;
	struct probe_result	 r;
	char			*cause = NULL;
	long long		 t0;

	slow_ms = 200;
	param(&p, "one");
	t0 = mono_ms();
	ahead_start(a, &node_a, &test_probe, &env, &p, 1);
	ahead_start(a, &node_a, &test_probe, &env, &p, 1);	/* the same: not again */
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &env, &p, 1, &r, &cause), 0);
	ck_assert_int_eq(atomic_load(&runs), 1);
	ck_assert_str_eq(probe_result_get_fact(&r, "value"), "one");
	/*
	 * One wait for the one run, not a second run after it: the count says so; the clock
	 * only says the wait ended, with room for a loaded machine (a second run adds 200 ms
	 * and shows in the count).
	 */
	ck_assert(mono_ms() - t0 < 2000);
	probe_result_free(&r);
	/* Taken once: the next visit runs the probe. */
	slow_ms = 0;
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &env, &p, 1, &r, &cause), 0);
	ck_assert_int_eq(atomic_load(&runs), 2);
	probe_result_free(&r);
	ahead_free(a);
}
END_TEST

/* Other arguments (the user answered something else), or another node: run afresh. */
START_TEST(test_different)
{
	struct ahead		*a = ahead_new();
	struct probe_param	 p, q;
	struct probe_result	 r;
	char			*cause = NULL;

	param(&p, "one");
	param(&q, "two");
	ahead_start(a, &node_a, &test_probe, &env, &p, 1);
	wait_runs(1);
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &env, &q, 1, &r, &cause), 0);
	ck_assert_str_eq(probe_result_get_fact(&r, "value"), "two");
	probe_result_free(&r);
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_b, &test_probe, &env, &p, 1, &r, &cause), 0);
	probe_result_free(&r);
	ahead_free(a);
	ck_assert_int_eq(atomic_load(&runs), 3);
}
END_TEST

/* An early run never sends the test message, and is not taken for a node that may. */
START_TEST(test_no_test_message)
{
	struct ahead		*a = ahead_new();
	struct probe_param	 p;
	struct probe_result	 r;
	char			*cause = NULL;
	struct probe_env	 send = env;

	param(&p, "one");
	send.send_test_to = "someone@example.com";
	ahead_start(a, &node_a, &test_probe, &send, &p, 1);
	wait_runs(1);
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &send, &p, 1, &r, &cause), 0);
	ck_assert_str_eq(probe_result_get_fact(&r, "sent"), "yes");
	ck_assert_int_eq(atomic_load(&runs), 2);
	probe_result_free(&r);
	/* The early one did run, without the message. */
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &env, &p, 1, &r, &cause), 0);
	ck_assert_str_eq(probe_result_get_fact(&r, "sent"), "no");
	ck_assert_int_eq(atomic_load(&runs), 2);
	probe_result_free(&r);
	ahead_free(a);
}
END_TEST

/* Going back (ahead_clear) and the end (ahead_free) cancel what still runs, at once. */
START_TEST(test_stopped)
{
	struct ahead		*a = ahead_new();
	struct probe_param	 p;
	struct probe_result	 r;
	char			*cause = NULL;
	long long		 t0;

	until_cancel = 1;
	param(&p, "one");
	ahead_start(a, &node_a, &test_probe, &env, &p, 1);
	wait_runs(1);
	t0 = mono_ms();
	ahead_clear(a);
	ck_assert(mono_ms() - t0 < 2000);
	ck_assert_int_eq(atomic_load(&runs), 1);
	/* Forgotten: the walk runs the probe itself (which here returns at once). */
	until_cancel = 0;
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &env, &p, 1, &r, &cause), 0);
	ck_assert_int_eq(atomic_load(&runs), 2);
	probe_result_free(&r);
	until_cancel = 1;
	ahead_start(a, &node_b, &test_probe, &env, &p, 1);
	wait_runs(3);
	t0 = mono_ms();
	ahead_free(a);
	ck_assert(mono_ms() - t0 < 2000);
}
END_TEST

/* A walk waiting for an early run gives up when its own cancel flag is set. */
START_TEST(test_waiter_cancelled)
{
	struct ahead		*a = ahead_new();
	struct probe_param	 p;
	struct probe_result	 r;
	struct probe_env	 mine = env;
	volatile sig_atomic_t	 stop = 1;
	char			*cause = NULL;

	until_cancel = 1;
	param(&p, "one");
	ahead_start(a, &node_a, &test_probe, &env, &p, 1);
	wait_runs(1);
	mine.cancel = &stop;
	/* Our own run sees the flag set and returns at once. */
	probe_result_init(&r);
	ck_assert_int_eq(ahead_run(a, &node_a, &test_probe, &mine, &p, 1, &r, &cause), 0);
	ck_assert_int_eq(atomic_load(&runs), 2);
	probe_result_free(&r);
	ahead_free(a);
}
END_TEST

static Suite *
ahead_suite(void)
{
	Suite	*s = suite_create("ahead");
	TCase	*tc = tcase_create("ahead");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_taken);
	tcase_add_test(tc, test_different);
	tcase_add_test(tc, test_no_test_message);
	tcase_add_test(tc, test_stopped);
	tcase_add_test(tc, test_waiter_cancelled);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr = srunner_create(ahead_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
