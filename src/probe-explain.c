/* probe-explain.c: the "explain" probe: what the error the user sees points to (no network). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "replies.h"

/*
 * The messages the tree offers to pick from, as mail programs show them. The tree's choice
 * values are these IDs (wizard/cannot-send.tree, node ask-error); the reply table then
 * reads the text exactly as it reads a pasted one, so a picked message and the same message
 * typed in lead to the same causes.
 */
static const struct {
	const char	*id;
	const char	*text;
} probe_explain_picks[] = {
	{ "login-failed", "Sending of the message failed. The message could not be sent "
	    "because the connection to Outgoing server (SMTP) was lost. Authentication "
	    "failed: 535 5.7.8 Username and Password not accepted" },
	{ "relay-denied", "554 5.7.1 Relay access denied" },
	{ "cannot-connect", "Could not connect to outgoing server (SMTP). The connection "
	    "was refused." },
	{ "timeout", "Sending of the message failed. The connection to the outgoing server "
	    "timed out. 0x800CCC0F" },
	{ "certificate", "The certificate for this server is invalid. You might be "
	    "connecting to a server that is pretending to be the server." },
	{ "starttls", "530 5.7.0 Must issue a STARTTLS command first" },
	{ "app-password", "534-5.7.9 Application-specific password required" },
	{ "basic-auth-disabled", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication "
	    "is disabled for the Tenant" },
	{ "blocked", "554 5.7.1 Service unavailable; Client host blocked using "
	    "zen.spamhaus.org" },
	{ "rate-limit", "451 4.7.0 Temporary server error, too many messages sent; please "
	    "try again later" },
	{ "sender", "550 5.7.60 SMTP; Client does not have permissions to send as this "
	    "sender" },
};

static const struct probe_param_spec probe_explain_params[] = {
	{ "pick", 0, "the ID of a message picked from the tree's list" },
	{ "text", 0, "the message as the user typed or pasted it" },
	{ NULL, 0, NULL }
};

static const char *const probe_explain_outcomes[] = {
	"recognised",	/* the text points to at least one cause */
	"unknown",	/* there is a text, but nothing in the table matches it */
	"none",		/* the user has no message to give */
	NULL
};

static int	 probe_explain_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);

const struct probe probe_explain = {
	.name = "explain",
	.summary = "what an error message the user sees points to (reads the reply table; "
	    "no network)",
	.params = probe_explain_params,
	.outcomes = probe_explain_outcomes,
	.run = probe_explain_run,
};

static int
probe_explain_run(const struct probe_env *env, const struct probe_param *params, size_t n,
    struct probe_result *r, char **cause)
{
	struct replies_result	 res;
	const char		*pick, *text;
	size_t			 i, shown;

	(void)env;
	(void)cause;
	text = probe_param_get(params, n, "text");
	if (text != NULL && strcmp(text, "dontknow") == 0)
		text = NULL;
	pick = probe_param_get(params, n, "pick");
	if (text == NULL && pick != NULL)
		for (i = 0; i < sizeof probe_explain_picks / sizeof probe_explain_picks[0]; i++)
			if (strcmp(pick, probe_explain_picks[i].id) == 0)
				text = probe_explain_picks[i].text;
	xasprintf(&r->target, "the error message the mail program shows");
	if (text == NULL || *text == '\0') {
		r->outcome = "none";
		probe_result_fact(r, "summary", "%s", "no error message was given");
		return (0);
	}
	probe_result_fact(r, "text", "%s", text);
	memset(&res, 0, sizeof res);
	if (replies_match_text(NULL, text, &res) == 0) {
		r->outcome = "unknown";
		probe_result_fact(r, "summary", "%s", "sendfix does not recognise the error "
		    "message");
		probe_result_evidence(r, "The error message \"%s\" is not one sendfix knows.",
		    text);
		replies_result_free(&res);
		return (0);
	}
	r->outcome = "recognised";
	probe_result_fact(r, "cause", "%s", res.v[0].cause->id);
	probe_result_fact(r, "cause-title", "%s", res.v[0].cause->title);
	probe_result_fact(r, "summary", "the error message points to: %s (%s)",
	    res.v[0].cause->title, res.v[0].cause->id);
	shown = res.n < 3 ? res.n : 3;
	for (i = 0; i < shown; i++)
		probe_result_evidence(r, "The error message points to: %s (%s).",
		    res.v[i].cause->title, res.v[i].cause->id);
	replies_result_free(&res);
	return (0);
}
