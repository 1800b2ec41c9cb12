/* smtp-outcome.h: what one SMTP check came to, as a probe outcome and a cause. */
#ifndef SENDFIX_SMTP_OUTCOME_H
#define SENDFIX_SMTP_OUTCOME_H

#include "causes.h"
#include "smtp-check.h"

/*
 * The outcomes, in the order the tree lists its branches. Each names what the user must
 * change, not what went wrong on the wire: several failures lead to one outcome.
 */
extern const char *const smtp_outcome_names[];
/* The optional ones among them (struct probe's optional); each falls back to server-refused. */
extern const char *const smtp_outcome_optional[];

/* What else is known when the verdict is made. */
struct smtp_outcome_context {
	/*
	 * The same server tried once more with the other kind of encryption, when the first
	 * try suggests a mismatch (a silent greeting, plain text on a TLS port); NULL when not
	 * tried. Its security is the one that would work.
	 */
	const struct smtp_check_result	*other;
	enum smtp_security		 other_security;
	const char			*interceptor;	/* the security product whose CA
							   issued the chain, or NULL */
	long long			 clock_skew_s;	/* server's Date minus ours, when
							   known; 0 when not */
	int				 clock_known;
};

struct smtp_outcome {
	const char		*outcome;	/* one of smtp_outcome_names */
	const char		*fallback;	/* for an optional outcome: the ordinary one */
	const struct cause	*cause;		/* NULL for works / inconclusive outcomes */
	char			*words;		/* our words: what happened, one sentence */
	char			*reply;		/* the server's reply that decided it
						   ("535 5.7.8 ..."), sanitised; NULL if none */
};

void	 smtp_outcome_free(struct smtp_outcome *);

/* Judges one check; never fails. */
void	 smtp_outcome_judge(const struct smtp_check_config *, const struct smtp_check_result *,
	    const struct smtp_outcome_context *, struct smtp_outcome *);

/*
 * 1 when the first result suggests the other kind of encryption might work (a silent
 * greeting without TLS, plain text where TLS was expected), with *other set to it.
 */
int	 smtp_outcome_try_other(const struct smtp_check_config *,
	    const struct smtp_check_result *, enum smtp_security *other);

/* The server's Date in its greeting (RFC 5322 date-time), as seconds since the epoch; -1. */
long long smtp_outcome_greeting_date(const struct smtp_reply *greeting);

#endif
