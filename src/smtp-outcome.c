/* smtp-outcome.c: what one SMTP check came to, as a probe outcome and a cause. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "replies.h"
#include "smtp-outcome.h"

const char *const smtp_outcome_names[] = {
	"works",		/* the whole path works with the user's settings */
	"works-no-login",	/* everything up to the login works; no password to test */
	"tls-mismatch",
	"starttls-required",
	"starttls-unavailable",
	"auth-required",
	"credentials-rejected",
	"app-password-required",
	"mechanism-unsupported",
	"locked-out",
	"sender-not-permitted",
	"account-restricted",
	"certificate-invalid",
	"clock-wrong",
	"outdated-tls",
	"rate-limited",
	"ip-listed",
	"spf-rejected",
	"smtp-inspection",
	"tls-interception",
	"smtp-intercepted",
	"plaintext-login-refused",	/* no encryption offered: sendfix kept the password
					   back, pending the user's consent */
	"server-refused",	/* a refusal the table names no outcome for: quoted */
	"no-greeting",		/* connected, but the server never spoke */
	"failed",		/* anything else: the words say what */
	"content-rejected",	/* optional: the message itself was refused as spam */
	NULL
};

/* Finer readings added later: a tree without their branch follows server-refused. */
const char *const smtp_outcome_optional[] = {
	"content-rejected",
	NULL
};

/* Which outcome each cause a server reply points to leads to. Causes not here: server-refused. */
static const struct {
	const char	*cause;
	const char	*outcome;
} smtp_outcome_by_cause[] = {
	{ "settings.starttls-required",	"starttls-required" },
	{ "settings.auth-required",	"auth-required" },
	{ "settings.tls-mismatch",	"tls-mismatch" },
	{ "settings.sender-not-permitted", "sender-not-permitted" },
	{ "auth.credentials-rejected",	"credentials-rejected" },
	{ "auth.app-password-required",	"app-password-required" },
	{ "auth.mechanism-unsupported",	"mechanism-unsupported" },
	{ "auth.locked-out",		"locked-out" },
	{ "spam.account-restricted",	"account-restricted" },
	{ "spam.ip-listed",		"ip-listed" },
	{ "isp.rate-limited",		"rate-limited" },
	{ "dns.spf-missing",		"spf-rejected" },
	{ "tls.certificate-invalid",	"certificate-invalid" },
	{ "tls.outdated-protocol",	"outdated-tls" },
	{ "firewall.smtp-inspection",	"smtp-inspection" },
	{ "client.clock-wrong",		"clock-wrong" },
	{ "antivirus.tls-interception",	"tls-interception" },
	{ "isp.smtp-intercepted",	"smtp-intercepted" },
	{ "spam.content-rejected",	"content-rejected" },
};

/* The cause an outcome stands for, where it stands for exactly one. */
static const char *
smtp_outcome_cause_id(const char *outcome)
{
	size_t	 i;

	for (i = 0; i < sizeof smtp_outcome_by_cause / sizeof smtp_outcome_by_cause[0]; i++)
		if (strcmp(smtp_outcome_by_cause[i].outcome, outcome) == 0)
			return (smtp_outcome_by_cause[i].cause);
	return (NULL);
}

void
smtp_outcome_free(struct smtp_outcome *o)
{
	free(o->words);
	free(o->reply);
	memset(o, 0, sizeof *o);
}

static void
smtp_outcome_set(struct smtp_outcome *o, const char *outcome, const char *fmt, ...)
    PRINTFLIKE(3, 4);

static void
smtp_outcome_set(struct smtp_outcome *o, const char *outcome, const char *fmt, ...)
{
	va_list	 ap;
	char	*words;
	const char *id;
	size_t	 i;

	va_start(ap, fmt);
	xvasprintf(&words, fmt, ap);
	va_end(ap);
	free(o->words);
	o->words = words;
	o->outcome = outcome;
	o->fallback = NULL;
	for (i = 0; smtp_outcome_optional[i] != NULL; i++)
		if (strcmp(outcome, smtp_outcome_optional[i]) == 0)
			o->fallback = "server-refused";
	id = smtp_outcome_cause_id(outcome);
	o->cause = id != NULL ? cause_find(id) : NULL;
}

/* "535 5.7.8 text text", every line joined with a space; NULL for no reply. */
static char *
smtp_outcome_reply_line(const struct smtp_reply *r)
{
	char	*text, *p, *line;

	if (r->code == 0)
		return (NULL);
	text = smtp_reply_text(r);
	for (p = text; *p != '\0'; p++)
		if (*p == '\n')
			*p = ' ';
	xasprintf(&line, "%d%s%s%s%s", r->code, r->enhanced[0] != '\0' ? " " : "",
	    r->enhanced, *text != '\0' ? " " : "", text);
	free(text);
	return (line);
}

/* The outcome the reply table gives for a refusal, or NULL when it names no cause. */
static const char *
smtp_outcome_from_reply(const struct smtp_reply *r, const struct cause **other)
{
	struct replies_result	 res;
	const char		*outcome = NULL;
	char			*text;
	size_t			 i;

	*other = NULL;
	text = smtp_reply_text(r);
	memset(&res, 0, sizeof res);
	if (replies_match_reply(NULL, r->code, r->enhanced, text, &res) > 0) {
		for (i = 0; i < sizeof smtp_outcome_by_cause / sizeof smtp_outcome_by_cause[0];
		    i++)
			if (strcmp(smtp_outcome_by_cause[i].cause, res.v[0].cause->id) == 0)
				outcome = smtp_outcome_by_cause[i].outcome;
		if (outcome == NULL)
			*other = res.v[0].cause;
	}
	replies_result_free(&res);
	free(text);
	return (outcome);
}

/* The last two labels of a name, to compare "smtp.example.com" with "mx3.example.com". */
static const char *
smtp_outcome_domain(const char *name)
{
	const char	*p, *last = NULL, *prev = NULL;

	for (p = name; *p != '\0'; p++)
		if (*p == '.') {
			prev = last;
			last = p;
		}
	if (last == NULL)
		return (name);
	return (prev == NULL ? name : prev + 1);
}

/* The host name a greeting or EHLO line opens with ("mx.isp.example ESMTP ..."). */
static void
smtp_outcome_first_word(const char *text, char *buf, size_t len)
{
	size_t	 n = 0;

	while (*text == ' ')
		text++;
	while (text[n] != '\0' && text[n] != ' ' && n + 1 < len) {
		buf[n] = (char)tolower((unsigned char)text[n]);
		n++;
	}
	buf[n] = '\0';
}

/*
 * On port 25 an ISP may answer in the server's place (transparent proxying). The greeting
 * then names the ISP's host in another domain. Names are compared by their last two labels
 * only: providers greet with internal host names inside their own domain.
 */
static int
smtp_outcome_intercepted(const struct smtp_check_config *cfg, const struct smtp_reply *g)
{
	char	 word[256], host[256];
	size_t	 i;

	if (cfg->port != 25 || g->code != 220 || g->lines.n == 0)
		return (0);
	smtp_outcome_first_word(g->lines.v[0], word, sizeof word);
	if (strchr(word, '.') == NULL || word[0] == '[')
		return (0);
	for (i = 0; cfg->host[i] != '\0' && i + 1 < sizeof host; i++)
		host[i] = (char)tolower((unsigned char)cfg->host[i]);
	host[i] = '\0';
	if (strchr(host, '.') == NULL || strspn(host, "0123456789.:[]") == strlen(host))
		return (0);
	return (strcmp(smtp_outcome_domain(word), smtp_outcome_domain(host)) != 0);
}

/* A greeting whose text is asterisks: what an ESMTP-inspecting firewall leaves of it. */
static int
smtp_outcome_masked_greeting(const struct smtp_reply *g)
{
	const char	*p;
	size_t		 stars = 0;

	if (g->lines.n == 0)
		return (0);
	for (p = g->lines.v[0]; *p != '\0'; p++) {
		if (*p == '*')
			stars++;
		else if (*p != ' ')
			return (0);
	}
	return (stars >= 4);
}

static const char *
smtp_outcome_security_words(enum smtp_security s)
{
	switch (s) {
	case SMTP_SECURITY_TLS:
		return ("SSL/TLS");
	case SMTP_SECURITY_STARTTLS:
		return ("STARTTLS");
	default:
		return ("no encryption");
	}
}

int
smtp_outcome_try_other(const struct smtp_check_config *cfg,
    const struct smtp_check_result *r, enum smtp_security *other)
{
	if (r->connect != NET_CONNECTED)
		return (0);
	if (cfg->security != SMTP_SECURITY_TLS &&
	    r->session.failure == SMTP_FAIL_GREETING_TIMEOUT) {
		*other = SMTP_SECURITY_TLS;
		return (1);
	}
	if (cfg->security == SMTP_SECURITY_TLS &&
	    r->session.failure == SMTP_FAIL_TLS_FAILED &&
	    (r->session.tls_failure == TLS_FAIL_NOT_TLS ||
	    r->session.tls_failure == TLS_FAIL_CLOSED)) {
		*other = SMTP_SECURITY_STARTTLS;
		return (1);
	}
	return (0);
}

long long
smtp_outcome_greeting_date(const struct smtp_reply *g)
{
	static const char *const days[] = { "Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,",
	    "Sun," };
	struct tm	 tm;
	const char	*p, *end;
	char		*text;
	long long	 t = -1;
	size_t		 i;
	int		 off, sign;

	if (g->code != 220 || g->lines.n == 0)
		return (-1);
	text = xstrdup(g->lines.v[0]);
	/* Postfix, Exim and Sendmail put "Day, DD Mon YYYY HH:MM:SS +ZZZZ" in the banner. */
	for (i = 0; i < sizeof days / sizeof days[0] && t == -1; i++) {
		if ((p = strstr(text, days[i])) == NULL)
			continue;
		memset(&tm, 0, sizeof tm);
		end = strptime(p, "%a, %d %b %Y %H:%M:%S", &tm);
		if (end == NULL)
			continue;
		while (*end == ' ')
			end++;
		off = 0;
		sign = 1;
		if ((*end == '+' || *end == '-') && isdigit((unsigned char)end[1]) &&
		    isdigit((unsigned char)end[2]) && isdigit((unsigned char)end[3]) &&
		    isdigit((unsigned char)end[4])) {
			sign = *end == '-' ? -1 : 1;
			off = ((end[1] - '0') * 10 + (end[2] - '0')) * 3600 +
			    ((end[3] - '0') * 10 + (end[4] - '0')) * 60;
		}
		t = (long long)timegm(&tm) - sign * off;
	}
	free(text);
	return (t);
}

/* A certificate problem, where the clock may be the one at fault. */
static void
smtp_outcome_certificate(const struct smtp_check_config *cfg,
    const struct smtp_check_result *r, const struct smtp_outcome_context *ctx,
    struct smtp_outcome *o)
{
	const struct tls_info	*ti = &r->session.tls_info;
	const char		*why = ti->verify_words != NULL ? ti->verify_words :
				    tls_verdict_name(ti->verdict);
	long long		 skew = ctx->clock_known ? ctx->clock_skew_s : 0;

	/* A day either way is beyond any clock drift: this computer's date is wrong. */
	if ((ti->verdict == TLS_EXPIRED || ti->verdict == TLS_NOT_YET_VALID) &&
	    (skew > 86400 || skew < -86400)) {
		smtp_outcome_set(o, "clock-wrong", "the server's certificate looks %s because "
		    "this computer's clock is %lld days %s (the server's own clock says so)",
		    ti->verdict == TLS_EXPIRED ? "expired" : "not yet valid",
		    (skew < 0 ? -skew : skew) / 86400, skew < 0 ? "ahead" : "behind");
		return;
	}
	if (ti->verdict == TLS_NOT_YET_VALID) {
		smtp_outcome_set(o, "clock-wrong", "the server's certificate is not valid until "
		    "a date still to come by this computer's clock: %s", why);
		return;
	}
	if (ti->verdict == TLS_WRONG_NAME && cfg->port == 25) {
		smtp_outcome_set(o, "smtp-intercepted", "the certificate on port 25 does not "
		    "belong to %s: another server answered in its place (%s)", cfg->host, why);
		return;
	}
	smtp_outcome_set(o, "certificate-invalid", "%s", why);
}

void
smtp_outcome_judge(const struct smtp_check_config *cfg, const struct smtp_check_result *r,
    const struct smtp_outcome_context *ctx, struct smtp_outcome *o)
{
	const struct smtp_session_result	*s = &r->session;
	const struct cause			*other_cause;
	const char				*outcome;
	char					*detail;

	memset(o, 0, sizeof *o);
	if (r->no_address) {
		smtp_outcome_set(o, "failed", "%s has no address to connect to", cfg->host);
		return;
	}
	if (r->connect != NET_CONNECTED) {
		smtp_outcome_set(o, "failed", "connecting to %s port %d failed: %s", r->address,
		    cfg->port, net_status_words(r->connect));
		return;
	}
	o->reply = smtp_outcome_reply_line(&s->reply);
	detail = s->detail != NULL ? s->detail : (char *)smtp_failure_name(s->failure);

	/* Evidence of a middlebox outranks what the dialogue then stumbled on. */
	if (ctx->interceptor != NULL) {
		smtp_outcome_set(o, "tls-interception", "the encryption is made by \"%s\" on "
		    "this computer or network, not by the mail server", ctx->interceptor);
		return;
	}
	if (smtp_outcome_masked_greeting(&s->greeting) || (s->have_caps && s->caps.masked)) {
		smtp_outcome_set(o, "smtp-inspection", "the server's greeting or its list of "
		    "features arrived masked (asterisks, XXXXXXXA), the mark of a firewall that "
		    "inspects mail traffic");
		return;
	}
	if (smtp_outcome_intercepted(cfg, &s->greeting)) {
		smtp_outcome_set(o, "smtp-intercepted", "on port 25 a server in another domain "
		    "answered instead of %s", cfg->host);
		return;
	}

	switch (s->failure) {
	case SMTP_FAIL_NONE:
		if (s->auth_anomaly)
			smtp_outcome_set(o, "failed", "the server said the login worked before it "
			    "had the password: it cannot be trusted");
		else if (cfg->user != NULL && s->authenticated)
			smtp_outcome_set(o, "works", "connecting, %s, logging in%s all work",
			    smtp_outcome_security_words(cfg->security),
			    cfg->mail_from != NULL ? " and naming sender and recipient" : "");
		else
			smtp_outcome_set(o, "works-no-login", "connecting and %s work; the login "
			    "was not tested", smtp_outcome_security_words(cfg->security));
		return;
	case SMTP_FAIL_GREETING_TIMEOUT:
		if (ctx->other != NULL && ctx->other->connect == NET_CONNECTED &&
		    ctx->other->session.greeting.code == 220) {
			smtp_outcome_set(o, "tls-mismatch", "port %d expects %s from the first "
			    "moment, but the mail program is set to %s", cfg->port,
			    smtp_outcome_security_words(ctx->other_security),
			    smtp_outcome_security_words(cfg->security));
			return;
		}
		smtp_outcome_set(o, "no-greeting", "the connection opened, but the server did "
		    "not greet within %d seconds", cfg->timeout_ms / 1000);
		return;
	case SMTP_FAIL_TLS_FAILED:
		if (s->tls_failure == TLS_FAIL_PROTOCOL_VERSION) {
			smtp_outcome_set(o, "outdated-tls", "%s", detail);
			return;
		}
		if (ctx->other != NULL && ctx->other->connect == NET_CONNECTED &&
		    ctx->other->session.greeting.code == 220) {
			smtp_outcome_set(o, "tls-mismatch", "port %d starts in plain text (it "
			    "expects %s), but the mail program is set to SSL/TLS", cfg->port,
			    smtp_outcome_security_words(ctx->other_security));
			return;
		}
		smtp_outcome_set(o, "failed", "starting encryption failed: %s", detail);
		return;
	case SMTP_FAIL_TLS_UNVERIFIED:
		smtp_outcome_certificate(cfg, r, ctx, o);
		return;
	case SMTP_FAIL_STARTTLS_NOT_OFFERED:
		smtp_outcome_set(o, "starttls-unavailable", "the server on port %d does not "
		    "offer STARTTLS, the encryption the mail program is set to", cfg->port);
		return;
	case SMTP_FAIL_AUTH_ONLY_OAUTH:
		smtp_outcome_set(o, "mechanism-unsupported", "the server only accepts a "
		    "sign-in through the provider's web page (OAuth), not a password");
		return;
	case SMTP_FAIL_AUTH_NOT_OFFERED:
	case SMTP_FAIL_AUTH_PLAINTEXT_REFUSED:
		if (!s->tls && s->have_caps && s->caps.starttls) {
			smtp_outcome_set(o, "starttls-required", "the server offers a login only "
			    "after encryption is switched on (it offers STARTTLS)");
			return;
		}
		if (s->failure == SMTP_FAIL_AUTH_NOT_OFFERED)
			smtp_outcome_set(o, "failed", "the server offers no way to log in with a "
			    "password on port %d", cfg->port);
		else
			smtp_outcome_set(o, "plaintext-login-refused", "the server on port %d "
			    "offers no encryption, so sendfix kept the password back rather "
			    "than send it readable to anyone on the way", cfg->port);
		return;
	case SMTP_FAIL_GREETING_REJECTED:
	case SMTP_FAIL_EHLO_REJECTED:
	case SMTP_FAIL_STARTTLS_REFUSED:
	case SMTP_FAIL_AUTH_REJECTED:
	case SMTP_FAIL_MAIL_REJECTED:
	case SMTP_FAIL_RCPT_REJECTED:
	case SMTP_FAIL_DATA_REJECTED:
	case SMTP_FAIL_SERVICE_UNAVAILABLE:
		outcome = smtp_outcome_from_reply(&s->reply, &other_cause);
		if (outcome == NULL && s->failure == SMTP_FAIL_AUTH_REJECTED &&
		    s->reply.code == 535)
			outcome = "credentials-rejected";
		/* "Log in first" cannot be the answer once the login was accepted. */
		if (outcome != NULL && s->authenticated &&
		    (strcmp(outcome, "auth-required") == 0 ||
		    strcmp(outcome, "starttls-required") == 0))
			outcome = NULL;
		if (outcome != NULL) {
			smtp_outcome_set(o, outcome, "the server refused while sendfix was %s",
			    smtp_phase_words(s->phase));
			return;
		}
		if (other_cause != NULL)
			smtp_outcome_set(o, "server-refused", "the server refused while sendfix "
			    "was %s; its words point to: %s (%s)", smtp_phase_words(s->phase),
			    other_cause->title, other_cause->id);
		else
			smtp_outcome_set(o, "server-refused", "the server refused while sendfix "
			    "was %s", smtp_phase_words(s->phase));
		return;
	default:
		smtp_outcome_set(o, "failed", "%s", detail);
		return;
	}
}
