/* smtp-check.h: one whole SMTP check: find the server's address, connect, run the dialogue. */
#ifndef SENDFIX_SMTP_CHECK_H
#define SENDFIX_SMTP_CHECK_H

#include <sys/socket.h>

#include <signal.h>

#include "net.h"
#include "smtp-client.h"

/* Called with each transcript line as it happens ("C: ...", "S: ..."), sanitised, AUTH hidden. */
typedef void (*smtp_check_line_cb)(void *arg, const char *line);

struct smtp_check_config {
	const char		*host;		/* as the user typed it: a name or an address
						   literal; the name TLS checks the certificate
						   against */
	const char		*addresses;	/* addresses already found for host, separated
						   by spaces (a resolve probe's fact), or NULL
						   to look host up here */
	const char		*resolver;	/* "ADDR[:PORT]" or NULL (resolv.conf) */
	int			 port;
	enum smtp_security	 security;
	const char		*cafile;	/* extra trusted CAs (PEM), or NULL */
	const char		*user;		/* NULL: no AUTH */
	const char		*password;	/* with user; never copied, never shown */
	const char		*mech;		/* NULL: see smtp_client_config */
	int			 allow_plaintext_auth;
	const char		*mail_from;	/* NULL: stop after AUTH */
	const char		*rcpt_to;
	const char		*data_to;	/* NULL: never DATA; see smtp_client_config */
	const char		*data_message;
	int			 timeout_ms;
	smtp_client_progress_cb	 progress;	/* may be NULL */
	void			*progress_arg;
	smtp_check_line_cb	 line;		/* may be NULL: the live transcript */
	void			*line_arg;
	volatile sig_atomic_t	*cancel;	/* may be NULL */
};

struct smtp_check_result {
	/* NET_CONNECTED, or how the last address tried failed (no dialogue then). */
	enum net_status			 connect;
	int				 connect_errno;
	char				 address[64];	/* the address connected to (or last
							   tried), as text */
	char				 helo_name[256];	/* the name sent in EHLO */
	int				 no_address;	/* host had no usable address */
	struct smtp_session_result	 session;	/* valid when connect is CONNECTED */
	int				 reused;	/* 1: a copy of what the same check found
							   earlier in this run (see smtp_check_run),
							   not a connection of its own */
	int				 second_try;	/* 1: the first try heard no greeting,
							   though the server greeted another
							   connection at once; this is the check
							   asked again (smtp_check_run_pair) */
};

void	 smtp_check_result_init(struct smtp_check_result *);
void	 smtp_check_result_free(struct smtp_check_result *);
/*
 * Makes dst (initialised; what it held is freed first) a deep copy of src: every string,
 * reply, capability list, certificate and transcript line is its own, so either result may
 * be freed while the other is still read.
 */
void	 smtp_check_result_copy(struct smtp_check_result *dst,
	    const struct smtp_check_result *src);

/*
 * Looks host up (unless addresses are given), races connections to its addresses (RFC 8305:
 * IPv6 and IPv4 interleaved, the next started 250 ms after the one before or as soon as it
 * fails, each within timeout_ms; net_connect_race) and runs smtp_client_run over the first
 * connection that opens. The EHLO name is this machine's fully qualified name when it has
 * one, otherwise the address literal of our end of the connection ("[192.0.2.1]"), never
 * "localhost". Returns 0 when the check ran, whatever it found, or -1 with *cause when the
 * configuration is unusable (see smtp_client_run). res must be initialised.
 *
 * One question is asked once per run: when a check with the same server (name compared
 * without case), resolver, port, security, cafile, user, password, mech, plain-text
 * consent, envelope and timeout ran in the last minute, res is a copy of what it found
 * (res->reused 1), no connection is opened, its transcript lines are replayed to line and
 * progress is told once; when such a check is still running on another thread, this waits
 * for it, and when *cancel is set meanwhile returns 0 at once with connect NET_CANCELLED,
 * as a check cancelled before its connection opened. addresses is not part of the
 * question (within a run a name has the same addresses), but an answer is only taken
 * where this check could have found it: one from a connection when addresses is NULL or
 * names the address connected to, one without a connection (or a check still running)
 * only when addresses names the same addresses. A check with data_to (a real message)
 * always runs and is never kept; neither is one that returned -1 or was cancelled (its
 * waiters then check for themselves). The password is never kept, only a keyed digest.
 * An answer from a server remembered as mute says it was not waited for again.
 */
int	 smtp_check_run(const struct smtp_check_config *, struct smtp_check_result *,
	    char **cause);
/*
 * A STARTTLS or plain check that has heard no whole line from the server this long after
 * it started gets an implicit-TLS check started beside it (smtp_check_run_pair): the port
 * may wait for a TLS ClientHello, as 465 does. Like RFC 8305's connection attempt delay,
 * long enough for a normal greeting and short next to a timeout.
 */
#define SMTP_CHECK_OTHER_DELAY_MS	1000
/*
 * smtp_check_run(cfg), and, when cfg->security is not TLS and the server has said nothing
 * after SMTP_CHECK_OTHER_DELAY_MS, smtp_check_run(other) (implicit TLS, meant without a
 * login) on a thread beside it. A mute or dripping server then costs one timeout, not two
 * in a row; a server that greets in time costs nothing more. *other_ran is 1 when the
 * other check ran to its end because the first heard no greeting (other_result and
 * *other_rc are then its outcome), 0 when it was not started or not needed (then cut
 * short and its result emptied). When the first heard no greeting but the other was
 * answered at once with a whole plain-text line, the server does greet: the first
 * connection's greeting was lost or held up on the way (a lossy path), so the first
 * check is asked once more, its remembered answer forgotten, and result is that second
 * try (result->second_try). Returns what smtp_check_run(cfg) returns.
 */
int	 smtp_check_run_pair(const struct smtp_check_config *cfg,
	    struct smtp_check_result *result, char **cause,
	    const struct smtp_check_config *other, struct smtp_check_result *other_result,
	    int *other_rc, int *other_ran);
/*
 * A server that took the connection but gave no greeting within the timeout is told so
 * again at once for a minute, without waiting (like net.c's silent addresses); this
 * forgets those, the silent addresses and the answers kept for smtp_check_run's repeats
 * (a check still running is not kept when it ends, though those already waiting for it
 * get its answer): for a user who changed something and tests again, and at the end of
 * the program, which frees all of it.
 */
void	 smtp_check_forget(void);
/* 1 when cfg's cancel flag is set. */
int	 smtp_check_cancelled(const struct smtp_check_config *);

#endif
