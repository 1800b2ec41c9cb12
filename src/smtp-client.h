/* smtp-client.h: one SMTP dialogue over a transport, its findings returned as data. */
#ifndef SENDFIX_SMTP_CLIENT_H
#define SENDFIX_SMTP_CLIENT_H

#include <signal.h>

#include "smtp.h"
#include "tls.h"
#include "transport.h"
#include "util.h"

enum smtp_security {
	SMTP_SECURITY_NONE = 0,		/* plain text throughout; STARTTLS is never sent */
	SMTP_SECURITY_STARTTLS,		/* STARTTLS is required (RFC 3207): a server that does
					   not offer it is a failure, never a plain-text session */
	SMTP_SECURITY_TLS,		/* implicit TLS from the first byte (RFC 8314 3.3) */
	SMTP_SECURITY_COUNT
};
const char	*smtp_security_name(enum smtp_security);	/* "none", "starttls", "tls" */

/* The steps of the dialogue, in order. smtp_phase_name gives the tracing name. */
enum smtp_phase {
	SMTP_PHASE_INIT = 0,
	SMTP_PHASE_TLS,			/* implicit TLS handshake, before the greeting */
	SMTP_PHASE_GREETING,
	SMTP_PHASE_EHLO,
	SMTP_PHASE_HELO,		/* fallback after EHLO was refused with 500/502 */
	SMTP_PHASE_STARTTLS,
	SMTP_PHASE_STARTTLS_HANDSHAKE,
	SMTP_PHASE_EHLO_TLS,		/* EHLO again under TLS (RFC 3207 4.2) */
	SMTP_PHASE_AUTH,
	SMTP_PHASE_MAIL,
	SMTP_PHASE_RCPT,
	SMTP_PHASE_DATA,		/* only with data_to: DATA, waiting for 354 */
	SMTP_PHASE_DATA_BODY,		/* the message, ".", waiting for 250 */
	SMTP_PHASE_RSET,
	SMTP_PHASE_QUIT,
	SMTP_PHASE_DONE,
	SMTP_PHASE_COUNT
};
const char	*smtp_phase_name(enum smtp_phase);	/* "greeting", "ehlo-tls", ... */
const char	*smtp_phase_words(enum smtp_phase);	/* "checking the sender address" */

/*
 * Why the dialogue stopped short. These are findings, not errors: the caller (a probe)
 * turns them, with the last reply, into outcomes and causes.
 */
enum smtp_failure {
	SMTP_FAIL_NONE = 0,		/* every requested step worked */
	SMTP_FAIL_CONNECT,		/* for callers that connect; smtp_client_run never
					   sets it */
	SMTP_FAIL_GREETING_TIMEOUT,	/* connected, but no greeting in time (a silent server,
					   or a port that waits for a TLS ClientHello) */
	SMTP_FAIL_GREETING_REJECTED,	/* 554 (or another refusal) instead of 220 */
	SMTP_FAIL_NOT_SMTP,		/* the first bytes are not an SMTP reply ("XYZ", binary) */
	SMTP_FAIL_EHLO_REJECTED,	/* EHLO refused (and HELO too, when tried) */
	SMTP_FAIL_STARTTLS_NOT_OFFERED,	/* STARTTLS required but not in the EHLO list */
	SMTP_FAIL_STARTTLS_REFUSED,	/* 454, 502 or another refusal of STARTTLS */
	SMTP_FAIL_STARTTLS_INJECTION,	/* bytes after the 220 to STARTTLS (hostile row 2) */
	SMTP_FAIL_TLS_FAILED,		/* the handshake failed: see tls_failure */
	SMTP_FAIL_TLS_UNVERIFIED,	/* TLS works but the certificate did not verify: no
					   credentials and no envelope were sent */
	SMTP_FAIL_AUTH_NOT_OFFERED,	/* no AUTH (or not the mechanism asked for) */
	SMTP_FAIL_AUTH_ONLY_OAUTH,	/* only XOAUTH2/OAUTHBEARER offered */
	SMTP_FAIL_AUTH_PLAINTEXT_REFUSED,	/* we refused to log in without TLS */
	SMTP_FAIL_AUTH_REJECTED,	/* the server refused the login: see the reply */
	SMTP_FAIL_AUTH_PROTOCOL,	/* the exchange went wrong: bad challenge, 235 before
					   the credentials, answers after a cancel */
	SMTP_FAIL_MAIL_REJECTED,
	SMTP_FAIL_RCPT_REJECTED,
	SMTP_FAIL_DATA_REJECTED,	/* DATA refused, or the message refused after "." */
	SMTP_FAIL_SERVICE_UNAVAILABLE,	/* 421 at any step (RFC 5321 3.8): the server is
					   closing the connection */
	SMTP_FAIL_DISCONNECTED,		/* the server closed or reset the connection */
	SMTP_FAIL_TIMEOUT,		/* no complete reply in time after the greeting */
	SMTP_FAIL_PROTOCOL_ERROR,	/* malformed, endless or unsolicited replies */
	SMTP_FAIL_CANCELLED,		/* the user cancelled */
	SMTP_FAILURE_COUNT
};
const char	*smtp_failure_name(enum smtp_failure);	/* "auth-rejected", ... */

/* Called with a short step in plain words; the same shape as probe_progress_cb. */
typedef void (*smtp_client_progress_cb)(void *arg, const char *step);

/* What to do. Nothing here is owned by the client; the password is never copied
   except into the SASL exchange, which wipes it. */
struct smtp_client_config {
	const char		*helo_name;	/* required: a real FQDN or an address literal
						   (smtp_helo_name_ok), never "localhost" */
	enum smtp_security	 security;
	const struct tls_config	*tls;		/* required unless security is NONE */
	const char		*user;		/* NULL: no AUTH */
	const char		*password;	/* required with user */
	const char		*mech;		/* "PLAIN", "LOGIN", "CRAM-MD5", or NULL: under
						   TLS PLAIN, LOGIN, CRAM-MD5 (as mail programs
						   log in), without TLS CRAM-MD5 first; exactly
						   one attempt either way */
	int			 allow_plaintext_auth;	/* the user's explicit consent, for this
							   run, to log in without TLS */
	const char		*mail_from;	/* NULL: stop after AUTH */
	const char		*rcpt_to;	/* NULL: no RCPT (needs mail_from) */
	/*
	 * A real test message, only when the user asked for one: NULL (the default) keeps
	 * the envelope check, which never sends DATA. When set (needs mail_from and
	 * data_message), RCPT names data_to instead of rcpt_to, and once it is accepted the
	 * client sends DATA, the message and "." (RFC 5321 4.1.1.4), then QUIT.
	 */
	const char		*data_to;
	/* The whole message, headers and body, lines ending in LF or CRLF; dot-stuffing
	   and CRLF endings are added here. Needs data_to. */
	const char		*data_message;
	int			 timeout_ms;	/* for each whole reply and each handshake */
	smtp_client_progress_cb	 progress;	/* may be NULL */
	void			*progress_arg;
	/* Each transcript line as it is added (sanitised, AUTH hidden); may be NULL. */
	void			(*line)(void *arg, const char *line);
	void			*line_arg;
	volatile sig_atomic_t	*cancel;	/* may be NULL; non-zero = stop soon */
};

/* Milliseconds each step took; -1 when it did not happen. */
struct smtp_timings {
	long long	 tls_ms;	/* the TLS handshake (implicit or after STARTTLS) */
	long long	 greeting_ms;	/* from the start (after implicit TLS) to the greeting */
	long long	 ehlo_ms;	/* the last EHLO or HELO */
	long long	 starttls_ms;	/* STARTTLS to its reply */
	long long	 auth_ms;	/* AUTH to its final reply */
	long long	 mail_ms;
	long long	 rcpt_ms;
	long long	 data_ms;	/* DATA to the reply after "." */
	long long	 total_ms;
};

/*
 * Everything the dialogue found. Every string is sanitised. Initialise with
 * smtp_session_result_init, release with smtp_session_result_free.
 */
struct smtp_session_result {
	enum smtp_phase		 phase;		/* where it stopped: the failing phase, or
						   SMTP_PHASE_DONE when everything worked */
	enum smtp_failure	 failure;
	char			*detail;	/* our words for the failure, or NULL */
	struct smtp_reply	 reply;		/* the last complete server reply (code 0: none),
						   the server's own words kept apart from ours */
	struct smtp_reply	 greeting;	/* the greeting (code 0: none) */
	int			 have_caps;
	struct smtp_caps	 caps;		/* the EHLO (or HELO) list in plain text */
	int			 have_caps_tls;
	struct smtp_caps	 caps_tls;	/* the EHLO list under TLS: after STARTTLS, the
						   only list used (RFC 3207 4.2); with implicit TLS
						   the only list */
	int			 tls;		/* TLS was established */
	struct tls_info		 tls_info;	/* what the handshake found, when tls */
	enum tls_failure	 tls_failure;	/* when failure is SMTP_FAIL_TLS_FAILED */
	const char		*auth_mech;	/* the mechanism tried (static), or NULL */
	int			 auth_sent;	/* credentials went out */
	int			 auth_plaintext;	/* ... without TLS, by consent */
	int			 authenticated;	/* 235 after every credential was sent */
	int			 auth_anomaly;	/* 235 before the credentials (hostile row 55) */
	int			 mail_accepted;
	int			 rcpt_accepted;
	int			 message_accepted;	/* 250 after the test message's "." */
	char			*queue_id;	/* the server's words in that 250, after the
						   code ("Ok: queued as 4Xyz"): they name its
						   queue id; NULL when not accepted */
	struct smtp_timings	 timings;
	struct strlist		 transcript;	/* "C: ..." and "S: ..." lines; AUTH data shown as
						   SMTP_CLIENT_HIDDEN (hostile row 14) */
	struct strlist		 notes;		/* oddities in our words: bare LF, NUL... */
};

/* What the transcript shows instead of AUTH data. */
#define SMTP_CLIENT_HIDDEN	"<authentication data hidden>"

void	 smtp_session_result_init(struct smtp_session_result *);
void	 smtp_session_result_free(struct smtp_session_result *);
/* Makes dst (initialised; what it held is freed first) a copy of src that shares nothing
   with it but the static auth_mech name: either may then be freed alone. */
void	 smtp_session_result_copy(struct smtp_session_result *dst,
	    const struct smtp_session_result *src);

/*
 * Runs the dialogue over t (connected, nothing read yet) as far as the configuration asks:
 * implicit TLS when asked, the greeting (every line of a split "220-" greeting), EHLO
 * (HELO after 500/502), STARTTLS when asked (then EHLO again, using only the new list),
 * AUTH with one mechanism once when user is set, MAIL FROM and RCPT TO when set, then RSET
 * and QUIT, which it does not wait for. DATA is sent only with data_to: then RCPT TO names
 * data_to and, once accepted, DATA, the message and "." follow, then QUIT (the completed
 * transaction needs no RSET; a refused DATA gets RSET). Credentials are sent only under TLS
 * whose certificate verified, or without TLS when allow_plaintext_auth is set; never after
 * a certificate failed verification.
 *
 * Returns 0 when the dialogue ran, whatever it found (result->failure says), or -1 with
 * *cause (caller frees) when the configuration is unusable: a missing or unqualified
 * helo_name, an address or user name holding CR, LF or another control character, a user
 * without a password, rcpt_to or data_to without mail_from, data_to without data_message
 * (or the reverse), a message with a CR outside a CRLF, an unknown mech, TLS without tls.
 * On -1 nothing was sent. result must be initialised; the caller closes t.
 */
int	 smtp_client_run(struct transport *t, const struct smtp_client_config *,
	    struct smtp_session_result *result, char **cause);

#endif
