/* smtp-verdict.h: a finished SMTP check on its own, without the tree: OK, a cause, or not sure. */
#ifndef SENDFIX_SMTP_VERDICT_H
#define SENDFIX_SMTP_VERDICT_H

#include "causes.h"
#include "smtp-check.h"
#include "smtp-outcome.h"

enum smtp_verdict_kind {
	SMTP_VERDICT_OK = 0,		/* every step asked for worked */
	SMTP_VERDICT_CAUSE,		/* a cause of the catalogue (causes.md) explains it */
	SMTP_VERDICT_INCONCLUSIVE,	/* it failed, but not in a way that names a cause */
	SMTP_VERDICT_KIND_COUNT
};
/* "ok", "cause", "inconclusive". */
const char	*smtp_verdict_kind_name(enum smtp_verdict_kind);

struct smtp_verdict {
	enum smtp_verdict_kind	 kind;
	const struct cause	*cause;		/* CAUSE: from the catalogue; else NULL */
	const char		*outcome;	/* static: one of smtp_outcome_names, or for a
						   connection that did not open "port-closed",
						   "filtered" or "blocked" (port_verdict_name) */
	char			*words;		/* our words, one sentence, never NULL: what was
						   tested (OK), why (CAUSE), what failed
						   (INCONCLUSIVE); user's and server's text in it
						   is sanitised */
	char			*reply;		/* the refusal that decided it, "535 5.7.8 ...",
						   the server's own words kept apart from ours
						   (sanitised); NULL when no 4xx/5xx reply did */
};

/*
 * Judges one finished check (smtp_check_run returned 0) made with cfg, for a caller that
 * has nothing else to go on: `sendfix probe smtp`, or a tree probe that ran no port survey.
 * The dialogue is judged by smtp_outcome_judge (ctx may be NULL: nothing else known), the
 * one place where SMTP and TLS failures and the server's replies become causes. Added here,
 * for what the tree learns from other probes:
 *
 *	connection refused			settings.wrong-port
 *	connection dropped (timed out)		firewall.port-filtered
 *	connection prohibited on the way	firewall.port-blocked
 *	no greeting, port 465, without TLS	settings.tls-mismatch (RFC 8314 3.3: 465
 *						waits for a ClientHello), when ctx->other
 *						did not already decide it
 *	plain text where TLS was asked		settings.tls-mismatch, likewise
 *
 * These read a single port without comparing it with other ports or hosts (the port
 * survey does that), so the words say what was seen. "works" and "works-no-login" are OK;
 * any outcome without a cause is INCONCLUSIVE. Fills *v (release with smtp_verdict_free)
 * and returns v->kind. Never fails.
 */
enum smtp_verdict_kind smtp_verdict(const struct smtp_check_result *,
	    const struct smtp_check_config *, const struct smtp_outcome_context *ctx,
	    struct smtp_verdict *v);
void	 smtp_verdict_free(struct smtp_verdict *);

#endif
