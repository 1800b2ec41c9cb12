/* smtp-verdict.c: a finished SMTP check on its own, judged as OK, a cause, or inconclusive. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "port-verdict.h"
#include "smtp-verdict.h"

static const char *const smtp_verdict_kind_names[] = {
	"ok",
	"cause",
	"inconclusive",
};
_Static_assert(sizeof smtp_verdict_kind_names / sizeof smtp_verdict_kind_names[0] ==
    SMTP_VERDICT_KIND_COUNT, "smtp_verdict_kind_names does not match enum smtp_verdict_kind");

static void	 smtp_verdict_set(struct smtp_verdict *, const char *, const char *,
		    const char *, ...) PRINTFLIKE(4, 5);
static int	 smtp_verdict_connect(const struct smtp_check_result *,
		    const struct smtp_check_config *, struct smtp_verdict *);
static int	 smtp_verdict_mismatch(const struct smtp_check_result *,
		    const struct smtp_check_config *, struct smtp_verdict *);

const char *
smtp_verdict_kind_name(enum smtp_verdict_kind k)
{
	if ((unsigned int)k >= SMTP_VERDICT_KIND_COUNT)
		fatalx("%s: kind %d", __func__, (int)k);
	return (smtp_verdict_kind_names[k]);
}

/* Replaces the verdict with a cause of our own (id NULL: inconclusive). */
static void
smtp_verdict_set(struct smtp_verdict *v, const char *outcome, const char *id,
    const char *fmt, ...)
{
	va_list	 ap;

	v->outcome = outcome;
	v->cause = NULL;
	if (id != NULL && (v->cause = cause_find(id)) == NULL)
		fatalx("%s: cause %s is not in the catalogue", __func__, id);
	v->kind = v->cause != NULL ? SMTP_VERDICT_CAUSE : SMTP_VERDICT_INCONCLUSIVE;
	free(v->words);
	va_start(ap, fmt);
	xvasprintf(&v->words, fmt, ap);
	va_end(ap);
}

/* The connection did not open: what the one port says, without a survey to compare. */
static int
smtp_verdict_connect(const struct smtp_check_result *r, const struct smtp_check_config *cfg,
    struct smtp_verdict *v)
{
	if (r->no_address)
		return (0);
	switch (r->connect) {
	case NET_REFUSED:
		/* An RST from the host itself: it is there, nothing listens on the port. */
		smtp_verdict_set(v, port_verdict_name(PORT_CLOSED), "settings.wrong-port",
		    "%s refused the connection to port %d: no mail service listens there",
		    r->address, cfg->port);
		return (1);
	case NET_TIMEOUT:
		smtp_verdict_set(v, port_verdict_name(PORT_FILTERED), "firewall.port-filtered",
		    "the connection to port %d of %s got no answer within %d seconds: "
		    "something on the way silently drops it", cfg->port, r->address,
		    (cfg->timeout_ms + 999) / 1000);
		return (1);
	case NET_PROHIBITED:
		smtp_verdict_set(v, port_verdict_name(PORT_BLOCKED), "firewall.port-blocked",
		    "the connection to port %d of %s was refused on the way (administratively "
		    "prohibited)", cfg->port, r->address);
		return (1);
	default:
		return (0);
	}
}

/*
 * The port and the encryption do not match, read from this one attempt when no second
 * attempt with the other kind was made (ctx->other): 465 is implicit TLS (RFC 8314 3.3)
 * and stays silent until it sees a ClientHello; plain text in reply to our ClientHello is
 * a port that starts without TLS.
 */
static int
smtp_verdict_mismatch(const struct smtp_check_result *r, const struct smtp_check_config *cfg,
    struct smtp_verdict *v)
{
	const struct smtp_session_result	*s = &r->session;

	if (s->failure == SMTP_FAIL_GREETING_TIMEOUT && cfg->port == 465 &&
	    cfg->security != SMTP_SECURITY_TLS) {
		smtp_verdict_set(v, "tls-mismatch", "settings.tls-mismatch", "port 465 waited "
		    "in silence for a TLS handshake: it expects SSL/TLS from the first moment, "
		    "not %s", cfg->security == SMTP_SECURITY_STARTTLS ? "STARTTLS" :
		    "an unencrypted start");
		return (1);
	}
	if (s->failure == SMTP_FAIL_TLS_FAILED && s->tls_failure == TLS_FAIL_NOT_TLS &&
	    cfg->security == SMTP_SECURITY_TLS) {
		smtp_verdict_set(v, "tls-mismatch", "settings.tls-mismatch", "port %d answered "
		    "the TLS handshake in plain text: it starts unencrypted (STARTTLS), not "
		    "with SSL/TLS", cfg->port);
		return (1);
	}
	return (0);
}

enum smtp_verdict_kind
smtp_verdict(const struct smtp_check_result *r, const struct smtp_check_config *cfg,
    const struct smtp_outcome_context *ctx, struct smtp_verdict *v)
{
	struct smtp_outcome_context	 none;
	struct smtp_outcome		 o;

	memset(v, 0, sizeof *v);
	if (ctx == NULL) {
		memset(&none, 0, sizeof none);
		ctx = &none;
	}
	smtp_outcome_judge(cfg, r, ctx, &o);
	v->outcome = o.outcome;
	v->cause = o.cause;
	v->words = o.words;
	o.words = NULL;
	/* Only a refusal is evidence; a 250 to EHLO before a bad certificate is not. */
	if (o.reply != NULL && r->session.reply.code >= 400) {
		v->reply = o.reply;
		o.reply = NULL;
	}
	smtp_outcome_free(&o);
	if (v->words == NULL)
		v->words = xstrdup("?");

	if (strcmp(v->outcome, "works") == 0 || strcmp(v->outcome, "works-no-login") == 0)
		v->kind = SMTP_VERDICT_OK;
	else if (v->cause != NULL)
		v->kind = SMTP_VERDICT_CAUSE;
	else if (!smtp_verdict_connect(r, cfg, v) && !smtp_verdict_mismatch(r, cfg, v))
		v->kind = SMTP_VERDICT_INCONCLUSIVE;
	return (v->kind);
}

void
smtp_verdict_free(struct smtp_verdict *v)
{
	free(v->words);
	free(v->reply);
	memset(v, 0, sizeof *v);
}
