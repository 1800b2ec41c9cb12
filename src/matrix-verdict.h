/* matrix-verdict.h: what a table of servers x ports x SMTP attempts says as a whole. Pure. */
#ifndef SENDFIX_MATRIX_VERDICT_H
#define SENDFIX_MATRIX_VERDICT_H

#include <stddef.h>

#include "smtp-check.h"
#include "smtp-client.h"

/* What one server said on one port. */
enum matrix_class {
	MATRIX_NO_ADDRESS = 0,	/* the name has no address to connect to */
	MATRIX_REFUSED,		/* the connection was turned away: RST, ICMP unreachable or
				   prohibited, or this machine's own firewall */
	MATRIX_SILENT,		/* no answer to the connection within the timeout (dropped) */
	MATRIX_RESET,		/* connected, then closed or reset before any greeting */
	MATRIX_NO_GREETING,	/* connected, but no SMTP greeting: silence, bytes that are not
				   SMTP, a refusal (421/554) instead of 220, or no answer to
				   the ClientHello on an implicit-TLS port */
	MATRIX_GREETING,	/* an SMTP server, but no encryption: STARTTLS not offered or
				   refused */
	MATRIX_TLS_ALERT,	/* an SMTP server whose encryption fails: the handshake, or
				   what follows it */
	MATRIX_WORKS,		/* greeting, EHLO and TLS (verified or not: see verified) */
	MATRIX_OPEN,		/* a reference host connected; no dialogue is held with them */
	MATRIX_CLASS_COUNT
};
/* "no-address", "refused", "silent", "reset", "no-greeting", "greeting", "tls-alert",
   "works", "open": the values of the probe's cell facts. */
const char	*matrix_class_name(enum matrix_class);
/* Plain words for a table: "silent", "refused", "works", "no greeting", ... */
const char	*matrix_class_words(enum matrix_class);

/* One cell of the table. */
struct matrix_cell {
	size_t			 host;		/* index into the caller's host names
						   (candidates and references: one list) */
	int			 port;
	int			 reference;	/* a reference host: compared with, never
						   recommended */
	enum matrix_class	 class;
	enum smtp_security	 security;	/* how it was tried: STARTTLS or TLS (for
						   WORKS, the mode that works) */
	int			 verified;	/* WORKS: the certificate verified */
};

/*
 * The class of one finished smtp_check_run (no login, no envelope), in the security mode
 * it was run with: connect failures, then how far the dialogue went. A cancelled check
 * is NO_GREETING; the caller checks its cancel flag itself.
 */
enum matrix_class matrix_cell_classify(const struct smtp_check_result *);
/*
 * Whether the same cell is worth a second try in the other mode, set in *other:
 *	1  an implicit-TLS try found plain text (an SMTP server in clear on 465): try
 *	   STARTTLS; the server answered at once, so this costs no timeout
 *	2  a STARTTLS try heard no greeting (the port may wait for a TLS ClientHello): try
 *	   implicit TLS; this may cost one more timeout, so callers keep it for a cell the
 *	   user's settings point at
 *	0  neither
 */
int	 matrix_cell_retry(const struct smtp_check_result *, enum smtp_security,
	    enum smtp_security *other);

/*
 * The outcomes, in the order the tree lists its branches:
 *	user-works	 the user's own server, port and mode work
 *	use-other-mode	 the user's port works, with the other kind of encryption
 *	use-other-port	 the user's port fails, another port of the same server works
 *	isp-blocks-25	 the user is on 25, 25 is silent or refused towards every host
 *			 tried (two at least, reference hosts counted: one server alone
 *			 may just not serve 25), and 465 or 587 works on a candidate
 *			 (port.isp-blocks-25)
 *	other-host-works only another candidate server works
 *	nothing-works	 no cell works
 */
enum matrix_outcome {
	MATRIX_USER_WORKS = 0,
	MATRIX_USE_OTHER_MODE,
	MATRIX_USE_OTHER_PORT,
	MATRIX_ISP_BLOCKS_25,
	MATRIX_OTHER_HOST_WORKS,
	MATRIX_NOTHING_WORKS,
	MATRIX_OUTCOME_COUNT
};
/* NULL-terminated, in enum order: the probe's outcomes. */
extern const char *const matrix_outcome_names[];
const char	*matrix_outcome_name(enum matrix_outcome);

/* What the user's mail program is set to. */
struct matrix_user {
	int			 host;		/* the user's server, -1 when unknown */
	int			 port;		/* 0 when unknown */
	int			 security_known;
	enum smtp_security	 security;	/* with security_known */
};

struct matrix_verdict {
	enum matrix_outcome	 outcome;
	int			 best;		/* the cell to recommend (WORKS, never a
						   reference), -1 when nothing works */
	int			 user_cell;	/* the user's own cell, -1 when not tried */
};

/*
 * Judges the whole table. The recommendation is the user's own cell when it works;
 * otherwise a working cell of the user's server; otherwise of the first candidate server
 * that has one; within one server a verified certificate first, then 587 (STARTTLS), 465
 * (SSL/TLS), 2525, 25, then any other port (RFC 8314 3.3, RFC 6409). For isp-blocks-25 it
 * is on 587 or 465. A user without a known security mode is taken to use the one that
 * works. Never fails.
 */
void	 matrix_verdict_judge(const struct matrix_cell *, size_t ncells,
	    const struct matrix_user *, struct matrix_verdict *);

/*
 * The whole pattern in one line of plain words, for the "pattern" fact: each port's
 * result over every host that has an address, then the conclusion ("465 and 587 work; 25
 * is silent towards every host: your network blocks port 25, which is fine: use 587 with
 * STARTTLS"). hosts[i] names host i. Returns an allocated string (caller frees).
 */
char	*matrix_verdict_pattern(const struct matrix_cell *, size_t ncells,
	    const char *const *hosts, size_t nhosts, const struct matrix_user *,
	    const struct matrix_verdict *);

/* "STARTTLS", "SSL/TLS" or "no encryption". */
const char	*matrix_security_words(enum smtp_security);

#endif
