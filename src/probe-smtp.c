/* probe-smtp.c: the "smtp" probe: talk to the outgoing server as a mail program would. */
#include "config.h"

#include <sys/random.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "interceptor.h"
#include "probe.h"
#include "smtp-outcome.h"
#include "test-message.h"

static const struct probe_param_spec probe_smtp_params[] = {
	{ "host", 1, "the outgoing server, as the mail program names it" },
	{ "port", 0, "its port (default 587)" },
	{ "security", 0, "none, starttls or tls (default: tls on 465, else starttls)" },
	{ "addresses", 0, "addresses already found for host (a resolve probe's fact)" },
	{ "user", 0, "the login name; without it the login is not tested" },
	{ "password", 0, "the password: only as the whole secret answer, ${smtp.password}" },
	{ "email", 0, "the user's address: MAIL FROM and RCPT TO it, never DATA (unless "
	    "--send-test-to)" },
	{ "allow-plaintext", 0, "yes: the user agreed to log in without encryption" },
	{ NULL, 0, NULL }
};

static int	 probe_smtp_run(const struct probe_env *, const struct probe_param *, size_t,
		     struct probe_result *, char **);
static int	 probe_smtp_test_message(const struct probe_env *, struct smtp_check_config *,
		     char **, char **, char **);
static void	 probe_smtp_test_facts(struct probe_result *, const struct probe_env *,
		     const struct smtp_check_config *, const struct smtp_check_result *,
		     const struct smtp_outcome *, const char *);

const struct probe probe_smtp = {
	.name = "smtp",
	.summary = "the SMTP dialogue: greeting, encryption, login, sender and recipient",
	.params = probe_smtp_params,
	.outcomes = smtp_outcome_names,
	.optional = smtp_outcome_optional,
	.run = probe_smtp_run,
};

static int
probe_smtp_security(const char *s, int port, enum smtp_security *out, char **cause)
{
	if (s == NULL || strcmp(s, "dontknow") == 0) {
		*out = port == 465 ? SMTP_SECURITY_TLS : SMTP_SECURITY_STARTTLS;
		return (0);
	}
	if (strcmp(s, "none") == 0)
		*out = SMTP_SECURITY_NONE;
	else if (strcmp(s, "starttls") == 0)
		*out = SMTP_SECURITY_STARTTLS;
	else if (strcmp(s, "tls") == 0 || strcasecmp(s, "ssl") == 0)
		*out = SMTP_SECURITY_TLS;
	else {
		xasprintf(cause, "the security must be none, starttls or tls, not \"%s\"", s);
		return (-1);
	}
	return (0);
}

static const char *
probe_smtp_security_words(enum smtp_security s)
{
	return (s == SMTP_SECURITY_TLS ? "SSL/TLS" : s == SMTP_SECURITY_STARTTLS ? "STARTTLS" :
	    "no encryption");
}

static void
probe_smtp_caps_fact(struct probe_result *r, const char *key, const struct smtp_caps *c)
{
	struct strlist	 words;
	size_t		 i, len = 1;
	char		*joined;

	memset(&words, 0, sizeof words);
	for (i = 0; i < c->keywords.n; i++)
		len += strlen(c->keywords.v[i]) + 2;
	joined = xcalloc(1, len);
	for (i = 0; i < c->keywords.n; i++) {
		if (i > 0)
			strcat(joined, ", ");
		strcat(joined, c->keywords.v[i]);
	}
	probe_result_fact(r, key, "%s", joined);
	free(joined);
	strlist_free(&words);
}

/* The facts the tree may quote, and the evidence in our words. */
static void
probe_smtp_facts(struct probe_result *r, const struct smtp_check_config *cfg,
    const struct smtp_check_result *cr, const struct smtp_outcome *o,
    const struct smtp_outcome_context *ctx)
{
	const struct smtp_session_result	*s = &cr->session;
	const struct tls_info			*ti = &s->tls_info;
	const char				*ok;

	probe_result_fact(r, "port", "%d", cfg->port);
	probe_result_fact(r, "security", "%s", smtp_security_name(cfg->security));
	probe_result_fact(r, "security-words", "%s", probe_smtp_security_words(cfg->security));
	probe_result_fact(r, "address", "%s", cr->address);
	/* The bare address ("2001:db8::10", no brackets), for probes that take one. */
	probe_result_fact(r, "ip", "%.*s", (int)strcspn(cr->address + (cr->address[0] == '['),
	    "]"), cr->address + (cr->address[0] == '['));
	probe_result_fact(r, "helo-name", "%s", cr->helo_name);
	/* A sentence of its own in the tree's evidence: it starts with a capital. */
	if (o->words != NULL && *o->words != '\0')
		probe_result_fact(r, "words", "%c%s", toupper((unsigned char)*o->words),
		    o->words + 1);
	else
		probe_result_fact(r, "words", "%s", "");
	probe_result_fact(r, "reply", "%s", o->reply != NULL ? o->reply :
	    "(the server gave no reply)");
	probe_result_fact(r, "step", "%s", smtp_phase_name(s->phase));
	probe_result_fact(r, "step-words", "%s", smtp_phase_words(s->phase));
	probe_result_fact(r, "failure", "%s", smtp_failure_name(s->failure));
	if (s->greeting.code != 0 && s->greeting.lines.n > 0)
		probe_result_fact(r, "greeting", "%d %s", s->greeting.code,
		    s->greeting.lines.v[0]);
	if (s->have_caps)
		probe_smtp_caps_fact(r, "capabilities", &s->caps);
	if (s->have_caps_tls)
		probe_smtp_caps_fact(r, "capabilities-tls", &s->caps_tls);
	if (s->auth_mech != NULL)
		probe_result_fact(r, "auth-mechanism", "%s", s->auth_mech);
	probe_result_fact(r, "login", "%s", s->authenticated ? "accepted" :
	    s->auth_sent ? "refused" : "not tried");
	if (s->tls) {
		probe_result_fact(r, "tls-protocol", "%s", ti->protocol != NULL ?
		    ti->protocol : "?");
		probe_result_fact(r, "tls-cipher", "%s", ti->cipher != NULL ? ti->cipher : "?");
		probe_result_fact(r, "tls-verdict", "%s", tls_verdict_name(ti->verdict));
		probe_result_fact(r, "tls-verdict-words", "%s", ti->verify_words != NULL ?
		    ti->verify_words : tls_verdict_name(ti->verdict));
		if (ti->nchain > 0) {
			probe_result_fact(r, "cert-subject", "%s", ti->chain[0].subject);
			probe_result_fact(r, "cert-issuer", "%s", ti->chain[0].issuer);
			probe_result_fact(r, "cert-not-after", "%s", ti->chain[0].not_after);
			probe_result_fact(r, "cert-sha256", "%s", ti->chain[0].sha256);
		}
	}
	if (ctx->interceptor != NULL)
		probe_result_fact(r, "interceptor", "%s", ctx->interceptor);
	if (ctx->other != NULL) {
		ok = ctx->other->connect == NET_CONNECTED &&
		    ctx->other->session.greeting.code == 220 ? "works" : "does not work either";
		probe_result_fact(r, "other-security", "%s",
		    smtp_security_name(ctx->other_security));
		probe_result_fact(r, "other-security-words", "%s",
		    probe_smtp_security_words(ctx->other_security));
		probe_result_evidence(r, "Trying port %d again with %s: it %s.", cfg->port,
		    probe_smtp_security_words(ctx->other_security), ok);
	}

	if (cr->second_try) {
		probe_result_fact(r, "second-try", "%s", "yes");
		probe_result_evidence(r, "The first connection to port %d heard no greeting "
		    "within %d seconds, yet the server greeted another one at once, so the test "
		    "ran again: the connection to the server is slow or loses data on the way.",
		    cfg->port, cfg->timeout_ms / 1000);
	}
	if (s->greeting.code != 0 && s->greeting.lines.n > 0)
		probe_result_evidence(r, "The server at %s greeted with \"%d %s\".", cr->address,
		    s->greeting.code, s->greeting.lines.v[0]);
	if (s->tls)
		probe_result_evidence(r, "Encryption: %s, %s; certificate: %s.",
		    ti->protocol != NULL ? ti->protocol : "?",
		    ti->cipher != NULL ? ti->cipher : "?",
		    ti->verify_words != NULL ? ti->verify_words : tls_verdict_name(ti->verdict));
	if (s->auth_sent)
		probe_result_evidence(r, "Login with %s: %s.", s->auth_mech != NULL ?
		    s->auth_mech : "?", s->authenticated ? "accepted" : "refused");
	if (o->reply != NULL && s->failure != SMTP_FAIL_NONE)
		probe_result_evidence(r, "The server's last reply: \"%s\".", o->reply);
	probe_result_evidence(r, "In short: %s.", o->words != NULL ? o->words : "?");
}

/*
 * The real message the user asked for (--send-test-to, confirmed): built here, sent by the
 * client after the envelope's RCPT names its recipient, and only once the login worked.
 */
static int
probe_smtp_test_message(const struct probe_env *env, struct smtp_check_config *cfg,
    char **message, char **message_id, char **cause)
{
	struct test_message_params	 tp;
	unsigned char			 rnd[16];
	long long			 seed;
	size_t				 i;

	if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
		/* Only a Message-ID: unique enough from the clock and the process. */
		seed = mono_ms() ^ ((long long)time(NULL) << 20) ^ (long long)getpid();
		for (i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)(seed >> (8 * (i % 8))) ^ (unsigned char)(i * 37);
	}
	memset(&tp, 0, sizeof tp);
	tp.from = cfg->mail_from;
	tp.to = env->send_test_to;
	tp.server = cfg->host;
	tp.port = cfg->port;
	tp.date = (long long)time(NULL);
	tp.random = rnd;
	tp.nrandom = sizeof rnd;
	if (test_message_build(&tp, message, message_id, cause) != 0)
		return (-1);
	cfg->data_to = env->send_test_to;
	cfg->data_message = *message;
	return (0);
}

/* The "test-message" fact: sent, refused, not sent (asked, but not reached), not asked. */
static void
probe_smtp_test_facts(struct probe_result *r, const struct probe_env *env,
    const struct smtp_check_config *cfg, const struct smtp_check_result *cr,
    const struct smtp_outcome *o, const char *message_id)
{
	const struct smtp_session_result	*s = &cr->session;

	if (env->send_test_to == NULL) {
		probe_result_fact(r, "test-message", "not asked");
		return;
	}
	probe_result_fact(r, "test-message-to", "%s", env->send_test_to);
	if (message_id != NULL)
		probe_result_fact(r, "test-message-id", "%s", message_id);
	if (cfg->data_to == NULL) {
		probe_result_fact(r, "test-message", "not sent");
		probe_result_evidence(r, "No test message was sent: it needs a login to test "
		    "and the sender's address.");
		return;
	}
	if (s->message_accepted) {
		probe_result_fact(r, "test-message", "sent");
		probe_result_fact(r, "test-message-reply", "%s", o->reply != NULL ? o->reply :
		    "");
		probe_result_evidence(r, "A test message to %s was accepted: \"%s\".",
		    env->send_test_to, o->reply != NULL ? o->reply : "250");
	} else if (s->failure == SMTP_FAIL_DATA_REJECTED ||
	    (s->phase == SMTP_PHASE_RCPT && s->failure == SMTP_FAIL_RCPT_REJECTED)) {
		probe_result_fact(r, "test-message", "refused");
		probe_result_fact(r, "test-message-reply", "%s", o->reply != NULL ? o->reply :
		    "(the server gave no reply)");
		probe_result_evidence(r, "The server refused the test message to %s: \"%s\".",
		    env->send_test_to, o->reply != NULL ? o->reply : "?");
	} else {
		probe_result_fact(r, "test-message", "not sent");
		probe_result_evidence(r, "No test message was sent: the dialogue stopped while "
		    "sendfix was %s.", smtp_phase_words(s->phase));
	}
}

static int
probe_smtp_run(const struct probe_env *env, const struct probe_param *params, size_t n,
    struct probe_result *r, char **cause)
{
	struct smtp_check_config	 cfg, alt;
	struct smtp_check_result	 cr, other;
	int				 other_rc, other_ran;
	struct smtp_outcome_context	 ctx;
	struct smtp_outcome		 o;
	const char			*v, *password = NULL;
	char				*message = NULL, *message_id = NULL;
	long long			 date;
	size_t				 i;
	int				 rc, have_other = 0;

	memset(&cfg, 0, sizeof cfg);
	cfg.host = probe_param_get(params, n, "host");
	if (cfg.host == NULL) {
		xasprintf(cause, "no outgoing server name to test");
		return (-1);
	}
	cfg.port = 587;
	if ((v = probe_param_get(params, n, "port")) != NULL &&
	    (cfg.port = (int)strtol(v, NULL, 10), cfg.port < 1 || cfg.port > 65535 ||
	    strspn(v, "0123456789") != strlen(v))) {
		xasprintf(cause, "the port must be a number from 1 to 65535, not \"%s\"", v);
		return (-1);
	}
	if (probe_smtp_security(probe_param_get(params, n, "security"), cfg.port,
	    &cfg.security, cause) != 0)
		return (-1);
	cfg.addresses = probe_param_get(params, n, "addresses");
	cfg.resolver = env->resolver;
	cfg.cafile = env->cafile;
	cfg.timeout_ms = env->timeout_ms;
	for (i = 0; i < n; i++)
		if (params[i].secret && strcmp(params[i].name, "password") == 0 &&
		    params[i].value != NULL && *params[i].value != '\0')
			password = params[i].value;
	/* A login is tried only with both halves; a user without a password is not a guess. */
	if ((v = probe_param_get(params, n, "user")) != NULL && password != NULL &&
	    strcmp(v, "dontknow") != 0) {
		cfg.user = v;
		cfg.password = password;
	}
	/*
	 * The user's own address both ways: nothing is delivered, no DATA is sent. Without a
	 * login too: a server that then refuses to relay says the mail program must log in.
	 */
	if ((v = probe_param_get(params, n, "email")) != NULL && strchr(v, '@') != NULL) {
		cfg.mail_from = v;
		cfg.rcpt_to = v;
	}
	v = probe_param_get(params, n, "allow-plaintext");
	cfg.allow_plaintext_auth = v != NULL && strcmp(v, "yes") == 0;
	/* The one exception to "never DATA": a test message the user asked for. */
	if (env->send_test_to != NULL && cfg.user != NULL && cfg.mail_from != NULL &&
	    probe_smtp_test_message(env, &cfg, &message, &message_id, cause) != 0)
		return (-1);
	cfg.progress = env->progress;
	cfg.progress_arg = env->progress_arg;
	cfg.line = env->transcript;
	cfg.line_arg = env->transcript_arg;
	cfg.cancel = env->cancel;

	xasprintf(&r->target, "%s port %d (%s)", cfg.host, cfg.port,
	    probe_smtp_security_words(cfg.security));
	smtp_check_result_init(&cr);
	smtp_check_result_init(&other);
	/* The other kind of encryption, without a login: only to learn which works. */
	alt = cfg;
	alt.user = NULL;
	alt.password = NULL;
	alt.mail_from = NULL;
	alt.rcpt_to = NULL;
	alt.data_to = NULL;
	alt.data_message = NULL;
	alt.progress = NULL;
	alt.line = NULL;

	/*
	 * A greeting that has not come within a second starts the implicit-TLS try beside
	 * the user's check (smtp_check_run_pair), so a mute port costs one timeout.
	 */
	alt.security = SMTP_SECURITY_TLS;
	if ((rc = smtp_check_run_pair(&cfg, &cr, cause, &alt, &other, &other_rc,
	    &other_ran)) != 0) {
		smtp_check_result_free(&other);
		smtp_check_result_free(&cr);
		free(message);
		free(message_id);
		return (-1);
	}

	memset(&ctx, 0, sizeof ctx);
	if (smtp_outcome_try_other(&cfg, &cr, &ctx.other_security) &&
	    (env->cancel == NULL || *env->cancel == 0)) {
		if (other_ran && ctx.other_security == SMTP_SECURITY_TLS) {
			if (other_rc == 0) {
				ctx.other = &other;
				have_other = 1;
			}
		} else {
			smtp_check_result_free(&other);
			smtp_check_result_init(&other);
			alt.security = ctx.other_security;
			alt.line = cfg.line;
			alt.progress = cfg.progress;
			if (smtp_check_run(&alt, &other, NULL) == 0) {
				ctx.other = &other;
				have_other = 1;
			}
		}
	}
	if (cr.session.tls)
		ctx.interceptor = interceptor_match(&cr.session.tls_info);
	if ((date = smtp_outcome_greeting_date(&cr.session.greeting)) != -1) {
		ctx.clock_known = 1;
		ctx.clock_skew_s = date - (long long)time(NULL);
	}

	smtp_outcome_judge(&cfg, &cr, &ctx, &o);
	r->outcome = o.outcome;
	r->fallback = o.fallback;
	for (i = 0; i < cr.session.transcript.n; i++)
		strlist_add(&r->transcript, cr.session.transcript.v[i]);
	if (have_other) {
		strlist_addf(&r->transcript, "-- again with %s --",
		    probe_smtp_security_words(ctx.other_security));
		for (i = 0; i < other.session.transcript.n; i++)
			strlist_add(&r->transcript, other.session.transcript.v[i]);
	}
	probe_smtp_facts(r, &cfg, &cr, &o, &ctx);
	probe_smtp_test_facts(r, env, &cfg, &cr, &o, message_id);
	if (o.cause != NULL)
		probe_result_fact(r, "cause", "%s", o.cause->id);
	smtp_outcome_free(&o);
	free(message);
	free(message_id);
	smtp_check_result_free(&other);
	smtp_check_result_free(&cr);
	return (0);
}
