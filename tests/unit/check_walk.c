/* check_walk.c: the decision engine walking tests/data/walk.tree, without any network. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "causes.h"
#include "probe.h"
#include "tree.h"
#include "walk.h"
#include "util.h"

static struct tree	*t;
static struct answers	*as;
static struct walk	*w;

static void	 setup(void);
static void	 teardown(void);
static void	 at(const char *);
static void	 answer(const char *);
static void	 finish(const char *, const char *, const char *, const char *, const char *);
static void	 finish_also(const char *, const char *, const char *, const char *);
static void	 to_lookup(void);
static void	 to_survey(void);
static Suite	*walk_suite(void);

static void
setup(void)
{
	char	*path, *errors;

	xasprintf(&path, "%s/walk.tree", TESTDATADIR);
	if (tree_load_file(path, &t, &errors) != 0)
		ck_abort_msg("walk.tree did not load:\n%s", errors);
	free(path);
	as = answers_new();
	w = walk_new(t, as);
}

static void
teardown(void)
{
	walk_free(w);
	answers_free(as);
	tree_free(t);
}

static void
at(const char *id)
{
	ck_assert_ptr_nonnull(walk_current(w));
	ck_assert_str_eq(walk_current(w)->id, id);
}

static void
answer(const char *value)
{
	char	*cause = NULL;

	if (walk_answer(w, value, ANSWER_TYPED, &cause) != 0)
		ck_abort_msg("answer \"%s\" refused: %s", value, cause);
	ck_assert_ptr_null(cause);
}

/* What a probe would hand back: an outcome and up to two facts, no network involved. */
static void
finish(const char *outcome, const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct probe_result	 r;

	probe_result_init(&r);
	r.outcome = outcome;
	r.target = xstrdup("smtp.example.com");
	probe_result_evidence(&r, "evidence for %s", outcome);
	if (k1 != NULL)
		probe_result_fact(&r, k1, "%s", v1);
	if (k2 != NULL)
		probe_result_fact(&r, k2, "%s", v2);
	walk_probe_finish(w, &r);
	/* The walk took the result over: freeing what is left must be harmless. */
	ck_assert_uint_eq(r.nfacts, 0);
	probe_result_free(&r);
}

static void
to_lookup(void)
{
	walk_next(w);
	answer("anna@example.com");
	answer("smtp.example.com");
	answer("587");
	answer("yes");
	answer("hunter2");
	at("lookup");
}

static void
to_survey(void)
{
	to_lookup();
	finish("ok", "addresses", "192.0.2.1 192.0.2.2", NULL, NULL);
	at("survey");
}

START_TEST(test_start)
{
	at("welcome");
	ck_assert_uint_eq(w->nsteps, 1);
	ck_assert_ptr_eq(w->steps[0].node, t->start_node);
	ck_assert_int_eq(walk_done(w), 0);
	ck_assert_ptr_null(walk_outcome(w));
	ck_assert_int_eq(walk_exit_status(w), 3);
	/* Nothing before the first screen. */
	ck_assert_int_eq(walk_back(w), -1);
	at("welcome");
}
END_TEST

START_TEST(test_info_next)
{
	walk_next(w);
	at("ask-email");
	ck_assert_uint_eq(w->nsteps, 2);
	ck_assert_int_eq(walk_current(w)->kind, TREE_QUESTION);
}
END_TEST

START_TEST(test_text_answer)
{
	const struct answer	*a;
	char			*cause = NULL;

	walk_next(w);
	ck_assert_int_eq(walk_answer(w, "anna", ANSWER_TYPED, &cause), -1);
	ck_assert_str_eq(cause, "email: \"anna\" is not an email address (name@example.com: "
	    "one @, no spaces, at most 254 bytes)");
	free(cause);
	/* A refused answer changes nothing. */
	at("ask-email");
	ck_assert_uint_eq(w->nsteps, 2);
	ck_assert_ptr_null(answers_get(as, "email"));

	ck_assert_int_eq(walk_answer(w, "anna@example.com", ANSWER_TYPED, &cause), 0);
	at("ask-host");
	a = answers_find(as, "email");
	ck_assert_str_eq(a->value, "anna@example.com");
	ck_assert_int_eq(a->origin, ANSWER_TYPED);
	ck_assert_int_eq(a->secret, 0);

	cause = NULL;
	ck_assert_int_eq(walk_answer(w, "smtp.example.com:587", ANSWER_TYPED, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	ck_assert_int_eq(walk_answer(w, "smtp.example.com", ANSWER_GIVEN, &cause), 0);
	ck_assert_int_eq(answers_find(as, "smtp.host")->origin, ANSWER_GIVEN);
	at("ask-port");
}
END_TEST

START_TEST(test_dontknow)
{
	const struct walk_outcome	*o;
	const struct answer		*a;
	char				*cause = NULL;

	walk_next(w);
	/* "dontknow" and NULL both mean "I don't know", whatever the origin says. */
	ck_assert_int_eq(walk_answer(w, "dontknow", ANSWER_GIVEN, &cause), 0);
	at("ask-host");
	a = answers_find(as, "email");
	ck_assert_str_eq(a->value, "dontknow");
	ck_assert_int_eq(a->origin, ANSWER_DONTKNOW);

	ck_assert_int_eq(walk_answer(w, NULL, ANSWER_TYPED, &cause), 0);
	ck_assert_ptr_null(cause);
	at("no-host");
	ck_assert_str_eq(answers_get(as, "smtp.host"), "dontknow");
	ck_assert_int_eq(answers_find(as, "smtp.host")->origin, ANSWER_DONTKNOW);

	ck_assert_int_eq(walk_done(w), 1);
	o = walk_outcome(w);
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_eq(o->node, walk_current(w));
	ck_assert_int_eq(o->verdict, TREE_VERDICT_INCONCLUSIVE);
	ck_assert_str_eq(o->title, "No server name");
	ck_assert_str_eq(o->text, "Without the name of the outgoing server ((unknown)) nothing "
	    "can be tested.");
	ck_assert_uint_eq(o->ncauses, 0);
	ck_assert_uint_eq(o->evidence.n, 0);
	ck_assert_uint_eq(o->fix.n, 0);
	ck_assert_int_eq(walk_exit_status(w), 3);
}
END_TEST

START_TEST(test_choice)
{
	char	*cause = NULL;

	walk_next(w);
	answer("anna@example.com");
	answer("smtp.example.com");
	at("ask-port");
	ck_assert_int_eq(walk_answer(w, "2525", ANSWER_TYPED, &cause), -1);
	ck_assert_str_eq(cause, "smtp.port: \"2525\" is not one of: 587, 465, 25, dontknow");
	free(cause);
	at("ask-port");

	/* A choice without its own On- line goes to Next:. */
	answer("465");
	at("ask-auth");
	ck_assert_str_eq(answers_get(as, "smtp.port"), "465");
	/* The label picked is kept for conclusions to quote, as a fact, not an answer. */
	ck_assert_str_eq(answers_get(as, "smtp.port.label"), "465 (SSL/TLS)");
	ck_assert_int_eq(answers_find(as, "smtp.port.label")->origin, ANSWER_PROBE);
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-port");

	/* One with its own line goes there. */
	answer("25");
	at("port-25");
	ck_assert_str_eq(answers_get(as, "smtp.port"), "25");
	ck_assert_str_eq(answers_get(as, "smtp.port.label"), "25 (often blocked)");
	walk_next(w);
	at("ask-auth");
	ck_assert_int_eq(walk_back(w), 0);
	at("port-25");
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-port");

	answer("dontknow");
	at("ask-auth");
	ck_assert_int_eq(answers_find(as, "smtp.port")->origin, ANSWER_DONTKNOW);
}
END_TEST

START_TEST(test_yesno)
{
	char	*cause = NULL;

	walk_next(w);
	answer("anna@example.com");
	answer("smtp.example.com");
	answer("587");
	at("ask-auth");
	ck_assert_int_eq(walk_answer(w, "maybe", ANSWER_TYPED, &cause), -1);
	ck_assert_str_eq(cause, "smtp.auth: \"maybe\" is not one of: yes, no, dontknow");
	free(cause);

	answer("yes");
	at("ask-password");
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-auth");
	/* "no" has no On-no: line, so it takes Next:. */
	answer("no");
	at("lookup");
	ck_assert_str_eq(answers_get(as, "smtp.auth"), "no");
	ck_assert_int_eq(walk_back(w), 0);
	answer(NULL);
	at("lookup");
}
END_TEST

START_TEST(test_secret)
{
	const struct answer	*a;
	char			*s;

	to_lookup();
	a = answers_find(as, "smtp.password");
	ck_assert_str_eq(a->value, "hunter2");
	ck_assert_int_eq(a->secret, 1);
	ck_assert_int_eq(a->origin, ANSWER_TYPED);
	s = answers_expand(as, "${smtp.password}", "(unknown)");
	ck_assert_str_eq(s, "(hidden)");
	free(s);
}
END_TEST

START_TEST(test_probe_params)
{
	struct probe_param	*params;
	size_t			 n;

	to_lookup();
	ck_assert_int_eq(walk_probe_params(w, &params, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(params[0].name, "host");
	ck_assert_str_eq(params[0].value, "smtp.example.com");
	walk_params_free(params, n);

	finish("ok", "addresses", "192.0.2.1 192.0.2.2", NULL, NULL);
	ck_assert_int_eq(walk_probe_params(w, &params, &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(params[0].name, "host");
	ck_assert_str_eq(params[0].value, "smtp.example.com");
	ck_assert_str_eq(params[1].name, "port");
	ck_assert_str_eq(params[1].value, "587");
	ck_assert_str_eq(params[2].name, "addresses");
	ck_assert_str_eq(params[2].value, "192.0.2.1 192.0.2.2");
	/* Unknown answers are empty for a probe, so it can tell it lacks them. */
	ck_assert_str_eq(params[3].name, "ports");
	ck_assert_str_eq(params[3].value, "");
	walk_params_free(params, n);
}
END_TEST

START_TEST(test_probe_params_default)
{
	struct probe_param	*params;
	size_t			 n;

	walk_next(w);
	answer("anna@example.com");
	answer("smtp.example.com");
	answer("dontknow");
	answer("no");
	finish("ok", NULL, NULL, NULL, NULL);
	ck_assert_int_eq(walk_probe_params(w, &params, &n), 0);
	ck_assert_str_eq(params[1].value, "587");
	ck_assert_str_eq(params[2].value, "");
	walk_params_free(params, n);
}
END_TEST

START_TEST(test_probe_finish)
{
	const struct answer	*a;

	to_survey();
	ck_assert_uint_eq(w->nprobes, 1);
	ck_assert_ptr_eq(w->probes[0].node, tree_find(t, "lookup"));
	ck_assert_ptr_eq(w->probes[0].probe, probe_find("resolve"));
	ck_assert_str_eq(w->probes[0].result.outcome, "ok");
	ck_assert_str_eq(w->probes[0].result.target, "smtp.example.com");
	ck_assert_uint_eq(w->probes[0].result.evidence.n, 1);
	a = answers_find(as, "lookup.addresses");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->value, "192.0.2.1 192.0.2.2");
	ck_assert_int_eq(a->origin, ANSWER_PROBE);
	ck_assert_int_eq(a->secret, 0);
	ck_assert_int_eq(walk_done(w), 0);
	ck_assert_int_eq(walk_exit_status(w), 3);
}
END_TEST

START_TEST(test_fault_outcome)
{
	static const char *const	 path[] = { "welcome", "ask-email", "ask-host",
	    "ask-port", "ask-auth", "ask-password", "lookup", "survey", "filtered" };
	const struct walk_outcome	*o;
	size_t				 i;

	to_survey();
	finish("filtered", "detail", "no answer within 10 s", "open-ports", "465");
	at("filtered");
	ck_assert_int_eq(walk_done(w), 1);
	ck_assert_uint_eq(w->nprobes, 2);
	ck_assert_ptr_eq(w->probes[1].probe, probe_find("port-survey"));
	ck_assert_str_eq(answers_get(as, "survey.detail"), "no answer within 10 s");

	o = walk_outcome(w);
	ck_assert_int_eq(o->verdict, TREE_VERDICT_FAULT);
	ck_assert_int_eq(walk_exit_status(w), 1);
	ck_assert_str_eq(o->title, "Port 587 on smtp.example.com does not answer");
	ck_assert_str_eq(o->text, "Open ports: 465.");
	ck_assert_uint_eq(o->evidence.n, 1);
	ck_assert_str_eq(o->evidence.v[0], "Port 587: no answer within 10 s.");
	ck_assert_uint_eq(o->fix.n, 1);
	ck_assert_str_eq(o->fix.v[0], "Allow outgoing connections to port 587.");

	/* The evidence and the steps belong to the most likely cause only. */
	ck_assert_uint_eq(o->ncauses, 2);
	ck_assert_ptr_eq(o->causes[0].cause, cause_find("firewall.port-filtered"));
	ck_assert_uint_eq(o->causes[0].evidence.n, 1);
	ck_assert_str_eq(o->causes[0].evidence.v[0], "Port 587: no answer within 10 s.");
	ck_assert_uint_eq(o->causes[0].fix.n, 1);
	ck_assert_str_eq(o->causes[0].fix.v[0], "Allow outgoing connections to port 587.");
	ck_assert_ptr_eq(o->causes[1].cause, cause_find("port.isp-blocks-25"));
	ck_assert_uint_eq(o->causes[1].evidence.n, 0);
	ck_assert_uint_eq(o->causes[1].fix.n, 0);

	/* The path, for the report. */
	ck_assert_uint_eq(w->nsteps, sizeof path / sizeof path[0]);
	for (i = 0; i < w->nsteps; i++)
		ck_assert_str_eq(w->steps[i].node->id, path[i]);
}
END_TEST

/* What a probe found besides its outcome comes after the conclusion's causes (walk.c). */
static void
finish_also(const char *outcome, const char *also1, const char *also2, const char *also3)
{
	struct probe_result	 r;

	probe_result_init(&r);
	r.outcome = outcome;
	r.target = xstrdup("smtp.example.com");
	probe_result_evidence(&r, "evidence for %s", outcome);
	probe_result_also(&r, also1);
	if (also2 != NULL)
		probe_result_also(&r, also2);
	if (also3 != NULL)
		probe_result_also(&r, also3);
	probe_result_also(&r, also1);		/* a repeat is kept once */
	walk_probe_finish(w, &r);
}

START_TEST(test_also_found)
{
	const struct walk_outcome	*o;

	to_survey();
	/* One already named by the conclusion, one with a conclusion, one without. */
	finish_also("filtered", "firewall.port-filtered", "settings.host-unresolvable",
	    "spam.ip-listed");
	at("filtered");
	ck_assert_uint_eq(w->probes[1].result.also.n, 3);
	o = walk_outcome(w);
	ck_assert_int_eq(o->verdict, TREE_VERDICT_FAULT);
	ck_assert_uint_eq(o->ncauses, 4);
	ck_assert_uint_eq(o->nalso, 2);
	ck_assert_ptr_eq(o->causes[0].cause, cause_find("firewall.port-filtered"));
	ck_assert_ptr_eq(o->causes[1].cause, cause_find("port.isp-blocks-25"));
	/* Its words come from the tree's conclusion for it, expanded now. */
	ck_assert_ptr_eq(o->causes[2].cause, cause_find("settings.host-unresolvable"));
	ck_assert_uint_eq(o->causes[2].evidence.n, 2);
	ck_assert_str_eq(o->causes[2].evidence.v[0], "The name smtp.example.com has no address.");
	ck_assert_uint_eq(o->causes[2].fix.n, 2);
	ck_assert_str_eq(o->causes[2].fix.v[0], "Check the spelling of smtp.example.com.");
	/* No conclusion names it: the probe's own evidence. */
	ck_assert_ptr_eq(o->causes[3].cause, cause_find("spam.ip-listed"));
	ck_assert_uint_eq(o->causes[3].evidence.n, 1);
	ck_assert_str_eq(o->causes[3].evidence.v[0], "evidence for filtered");
	ck_assert_uint_eq(o->causes[3].fix.n, 0);
}
END_TEST

START_TEST(test_also_turns_healthy_into_fault)
{
	const struct walk_outcome	*o;

	to_survey();
	finish_also("open", "settings.host-unresolvable", NULL, NULL);
	at("healthy");
	o = walk_outcome(w);
	ck_assert_int_eq(o->verdict, TREE_VERDICT_FAULT);
	ck_assert_int_eq(walk_exit_status(w), 1);
	ck_assert_uint_eq(o->ncauses, 1);
	ck_assert_uint_eq(o->nalso, 1);
}
END_TEST

START_TEST(test_title_from_cause)
{
	const struct walk_outcome	*o;

	to_lookup();
	finish("nxdomain", NULL, NULL, NULL, NULL);
	at("unresolvable");
	o = walk_outcome(w);
	ck_assert_int_eq(o->verdict, TREE_VERDICT_FAULT);
	ck_assert_str_eq(o->title, cause_find("settings.host-unresolvable")->title);
	ck_assert_str_eq(o->text, "");
	ck_assert_uint_eq(o->evidence.n, 2);
	ck_assert_str_eq(o->evidence.v[0], "The name smtp.example.com has no address.");
	ck_assert_str_eq(o->evidence.v[1], "Asked the system resolver.");
	ck_assert_str_eq(o->fix.v[0], "Check the spelling of smtp.example.com.");
	ck_assert_str_eq(o->fix.v[1], "It costs $0 to ask the provider.");
	ck_assert_uint_eq(o->ncauses, 1);
	ck_assert_uint_eq(o->causes[0].evidence.n, 2);
	ck_assert_uint_eq(o->causes[0].fix.n, 2);
	ck_assert_int_eq(walk_exit_status(w), 1);
}
END_TEST

START_TEST(test_bare_conclusion)
{
	const struct walk_outcome	*o;

	to_lookup();
	finish("resolver-failure", NULL, NULL, NULL, NULL);
	at("dns-broken");
	o = walk_outcome(w);
	ck_assert_str_eq(o->title, cause_find("dns.resolver-failure")->title);
	ck_assert_uint_eq(o->ncauses, 2);
	ck_assert_uint_eq(o->causes[0].evidence.n, 0);
	ck_assert_uint_eq(o->causes[0].fix.n, 0);
	ck_assert_ptr_eq(o->causes[1].cause, cause_find("settings.host-unresolvable"));
	ck_assert_int_eq(walk_exit_status(w), 1);
}
END_TEST

START_TEST(test_healthy)
{
	const struct walk_outcome	*o;

	to_survey();
	finish("open", NULL, NULL, NULL, NULL);
	at("healthy");
	o = walk_outcome(w);
	ck_assert_int_eq(o->verdict, TREE_VERDICT_HEALTHY);
	ck_assert_int_eq(walk_exit_status(w), 0);
	ck_assert_str_eq(o->title, "Sending through smtp.example.com works");
	/* The password is never put into the text. */
	ck_assert_str_eq(o->text, "Port 587 answered.\n\nLogin: yes, password: (hidden).");
	ck_assert_uint_eq(o->ncauses, 0);
}
END_TEST

START_TEST(test_inconclusive)
{
	to_survey();
	finish("no-network", NULL, NULL, NULL, NULL);
	at("inconclusive");
	ck_assert_int_eq(walk_outcome(w)->verdict, TREE_VERDICT_INCONCLUSIVE);
	ck_assert_int_eq(walk_exit_status(w), 3);
}
END_TEST

START_TEST(test_back_questions)
{
	walk_next(w);
	answer("anna@example.com");
	at("ask-host");
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-email");
	ck_assert_uint_eq(w->nsteps, 2);
	/* The earlier answer stays, so the question can show it again. */
	ck_assert_str_eq(answers_get(as, "email"), "anna@example.com");
	ck_assert_int_eq(walk_back(w), 0);
	at("welcome");
	ck_assert_int_eq(walk_back(w), -1);
	at("welcome");
	ck_assert_uint_eq(w->nsteps, 1);
	/* And forward again. */
	walk_next(w);
	answer("bob@example.com");
	at("ask-host");
	ck_assert_str_eq(answers_get(as, "email"), "bob@example.com");
}
END_TEST

START_TEST(test_back_over_probe)
{
	to_survey();
	ck_assert_ptr_nonnull(answers_get(as, "lookup.addresses"));
	ck_assert_int_eq(walk_back(w), 0);
	/* Back skips the probe and lands on the question before it. */
	at("ask-password");
	ck_assert_uint_eq(w->nprobes, 0);
	ck_assert_ptr_null(answers_get(as, "lookup.addresses"));
	ck_assert_str_eq(answers_get(as, "smtp.password"), "hunter2");
	ck_assert_str_eq(answers_get(as, "smtp.auth"), "yes");
	ck_assert_uint_eq(w->nsteps, 6);
	ck_assert_ptr_eq(w->steps[w->nsteps - 1].node, walk_current(w));
}
END_TEST

START_TEST(test_back_from_conclusion)
{
	to_survey();
	finish("filtered", "detail", "no answer", NULL, NULL);
	ck_assert_int_eq(walk_done(w), 1);
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-password");
	ck_assert_int_eq(walk_done(w), 0);
	ck_assert_ptr_null(walk_outcome(w));
	ck_assert_int_eq(walk_exit_status(w), 3);
	ck_assert_uint_eq(w->nprobes, 0);
	ck_assert_ptr_null(answers_get(as, "lookup.addresses"));
	ck_assert_ptr_null(answers_get(as, "survey.detail"));

	/* Run the probes again: new facts, and a different end. */
	answer("hunter3");
	finish("ok", "addresses", "198.51.100.7", NULL, NULL);
	ck_assert_str_eq(answers_get(as, "lookup.addresses"), "198.51.100.7");
	finish("open", NULL, NULL, NULL, NULL);
	at("healthy");
	ck_assert_uint_eq(w->nprobes, 2);
	ck_assert_ptr_null(answers_get(as, "survey.detail"));
	ck_assert_int_eq(walk_exit_status(w), 0);
}
END_TEST

START_TEST(test_back_to_info)
{
	walk_next(w);
	answer("anna@example.com");
	answer("smtp.example.com");
	answer("25");
	walk_next(w);
	answer("no");
	at("lookup");
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-auth");
	ck_assert_int_eq(walk_back(w), 0);
	at("port-25");
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-port");
	ck_assert_str_eq(answers_get(as, "smtp.port"), "25");
}
END_TEST

START_TEST(test_back_keeps_earlier_probes)
{
	/* Back from the second probe's conclusion keeps nothing after the last question. */
	to_survey();
	finish("blocked", "detail", "refused", NULL, NULL);
	at("filtered");
	ck_assert_uint_eq(w->nprobes, 2);
	ck_assert_int_eq(walk_back(w), 0);
	at("ask-password");
	ck_assert_uint_eq(w->nprobes, 0);
	/* Twice back and forth leaks nothing and keeps the step list honest. */
	answer("hunter2");
	finish("ok", "addresses", "192.0.2.9", NULL, NULL);
	ck_assert_int_eq(walk_back(w), 0);
	answer("hunter2");
	finish("ok", "addresses", "192.0.2.10", NULL, NULL);
	ck_assert_str_eq(answers_get(as, "lookup.addresses"), "192.0.2.10");
	ck_assert_uint_eq(w->nprobes, 1);
	ck_assert_uint_eq(w->nsteps, 8);
}
END_TEST

START_TEST(test_run_probe_unusable)
{
	struct probe_env	 env;
	char			*cause = NULL;

	/* With no host the probe refuses before any network: the walk stays put. */
	to_lookup();
	answers_unset(as, "smtp.host");
	memset(&env, 0, sizeof env);
	env.timeout_ms = 1000;
	ck_assert_int_eq(walk_run_probe(w, &env, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	at("lookup");
	ck_assert_uint_eq(w->nprobes, 0);
	ck_assert_int_eq(walk_done(w), 0);
}
END_TEST

START_TEST(test_answers_outlive_walk)
{
	to_survey();
	walk_free(w);
	w = NULL;
	/* The answers belong to the caller, probe facts included. */
	ck_assert_str_eq(answers_get(as, "email"), "anna@example.com");
	ck_assert_str_eq(answers_get(as, "lookup.addresses"), "192.0.2.1 192.0.2.2");
}
END_TEST

START_TEST(test_prefilled_answers)
{
	/* Answers given beforehand (--answer) do not move the walk by themselves. */
	answers_set(as, "smtp.host", "smtp.example.com", ANSWER_GIVEN, 0);
	walk_free(w);
	w = walk_new(t, as);
	at("welcome");
	walk_next(w);
	answer("anna@example.com");
	at("ask-host");
	ck_assert_int_eq(answers_find(as, "smtp.host")->origin, ANSWER_GIVEN);
}
END_TEST

static Suite *
walk_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("walk");

	tc = tcase_create("questions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_info_next);
	tcase_add_test(tc, test_text_answer);
	tcase_add_test(tc, test_dontknow);
	tcase_add_test(tc, test_choice);
	tcase_add_test(tc, test_yesno);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_prefilled_answers);
	suite_add_tcase(s, tc);

	tc = tcase_create("probes");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_probe_params);
	tcase_add_test(tc, test_probe_params_default);
	tcase_add_test(tc, test_probe_finish);
	tcase_add_test(tc, test_run_probe_unusable);
	tcase_add_test(tc, test_answers_outlive_walk);
	suite_add_tcase(s, tc);

	tc = tcase_create("conclusions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fault_outcome);
	tcase_add_test(tc, test_title_from_cause);
	tcase_add_test(tc, test_bare_conclusion);
	tcase_add_test(tc, test_healthy);
	tcase_add_test(tc, test_inconclusive);
	suite_add_tcase(s, tc);

	tc = tcase_create("back");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_back_questions);
	tcase_add_test(tc, test_back_over_probe);
	tcase_add_test(tc, test_back_from_conclusion);
	tcase_add_test(tc, test_back_to_info);
	tcase_add_test(tc, test_back_keeps_earlier_probes);
	tcase_add_test(tc, test_also_found);
	tcase_add_test(tc, test_also_turns_healthy_into_fault);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(walk_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
