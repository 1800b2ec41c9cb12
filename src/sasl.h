/* sasl.h: the client side of SMTP AUTH (RFC 4954): PLAIN, LOGIN and CRAM-MD5. */
#ifndef SENDFIX_SASL_H
#define SENDFIX_SASL_H

#include <stddef.h>

enum sasl_mech {
	SASL_PLAIN = 0,		/* RFC 4616, sent as an initial response (RFC 4954 4) */
	SASL_LOGIN,		/* draft-murchison-sasl-login: user name, then password */
	SASL_CRAM_MD5,		/* RFC 2195: HMAC-MD5 of the server's challenge */
	SASL_MECH_COUNT
};
/* The name used in "AUTH NAME" and in reports: "PLAIN", "LOGIN", "CRAM-MD5". */
const char	*sasl_mech_name(enum sasl_mech);

/* The longest base64 challenge sasl_step looks at (a 1 MB challenge is refused, row 23). */
#define SASL_CHALLENGE_MAX	2048

/* What sasl_step made of a 334 challenge. */
enum sasl_step {
	SASL_STEP_OK = 0,		/* *response is the line to send */
	SASL_STEP_BAD_CHALLENGE,	/* not base64, empty where it must not be, too long,
					   or not text: cancel with "*" (RFC 4954 4) */
	SASL_STEP_TOO_MANY_ROUNDS,	/* the mechanism has nothing more to send (hostile row
					   24): cancel with "*" */
	SASL_STEP_FAILED,		/* our side could not compute the answer (MD5 refused
					   by a FIPS-mode GnuTLS...): cancel with "*" */
	SASL_STEP_COUNT
};
const char	*sasl_step_name(enum sasl_step);	/* "ok", "bad-challenge", ... */

struct sasl;

/*
 * A client for one AUTH attempt. Copies user and password; both are wiped when the
 * exchange is freed. Returns -1 with *cause (caller frees) when user is empty or holds a
 * CR or LF, or the password is empty.
 */
int	 sasl_new(enum sasl_mech, const char *user, const char *password, struct sasl **,
	    char **cause);
/* Wipes the copies of user and password, then frees. NULL is fine. */
void	 sasl_free(struct sasl *);

/*
 * The AUTH command line, without CRLF (caller frees with secret_free: for PLAIN it holds
 * the base64 of "\0user\0password"). -1 with *cause when base64 encoding fails.
 */
int	 sasl_command(struct sasl *, char **line, char **cause);

/*
 * Answers one 334 challenge: text is what follows "334 " (base64, RFC 4954 4). On
 * SASL_STEP_OK *response is the line to send without CRLF (secret: caller frees with
 * secret_free, and shows it only as a placeholder). On any other result *response is
 * NULL, *why (caller frees) says what was wrong in plain words, and the caller must send
 * "*" to cancel; the exchange is then over.
 */
enum sasl_step sasl_step(struct sasl *, const char *text, char **response, char **why);

/* The number of challenges answered so far. */
int	 sasl_rounds(const struct sasl *);
/*
 * 1 once every credential has gone out: at once for PLAIN (in the AUTH line), after two
 * answers for LOGIN, after one for CRAM-MD5. A 235 before that is not a verified password
 * (hostile row 55).
 */
int	 sasl_complete(const struct sasl *);

#endif
