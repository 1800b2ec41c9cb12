/* smtp-client.c: the SMTP dialogue as a state machine over a transport. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "sasl.h"
#include "smtp-client.h"
#include "smtp.h"
#include "tls.h"
#include "transport.h"
#include "util.h"

_Static_assert(TRANSPORT_LINE_MAX == SMTP_LINE_MAX,
    "the transport and the reply parser must agree on the longest line");

/* The longest command we send: "MAIL FROM:<254 bytes> SMTPUTF8" and AUTH lines fit. */
#define SMTP_CLIENT_CMD_MAX	512
/* RFC 5321 4.5.3.1.6: a line of the message is at most 998 bytes before its CRLF. */
#define SMTP_CLIENT_TEXT_LINE_MAX	998

struct smtp_client {
	struct transport			*t;
	const struct smtp_client_config		*cfg;
	struct smtp_session_result		*res;
	enum smtp_phase				 phase;
	struct sasl				*sasl;
	int					 noted;	/* SMTP_REPLY_F_* already noted */
	int					 quiet;	/* failures are only noted (RSET) */
	long long				 data_start;	/* when DATA went out */
	int					 sent;	/* SMTP_CLIENT_SENT_*: pipelined
							   with MAIL, reply not read */
	int					 ahead;	/* replies owed after the one
							   being read (RFC 2920) */
};

/* Commands that went out with MAIL FROM in one pipelined group (RFC 2920). */
#define SMTP_CLIENT_SENT_RCPT	0x1
#define SMTP_CLIENT_SENT_RSET	0x2

typedef enum smtp_phase (*smtp_client_step_cb)(struct smtp_client *);

struct smtp_client_phase {
	const char		*name;	/* for tracing and reports */
	const char		*words;	/* progress, in plain words */
	smtp_client_step_cb	 step;
};

static enum smtp_phase smtp_client_init(struct smtp_client *);
static enum smtp_phase smtp_client_tls(struct smtp_client *);
static enum smtp_phase smtp_client_greeting(struct smtp_client *);
static enum smtp_phase smtp_client_ehlo(struct smtp_client *);
static enum smtp_phase smtp_client_helo(struct smtp_client *);
static enum smtp_phase smtp_client_starttls(struct smtp_client *);
static enum smtp_phase smtp_client_handshake(struct smtp_client *);
static enum smtp_phase smtp_client_ehlo_tls(struct smtp_client *);
static enum smtp_phase smtp_client_auth(struct smtp_client *);
static enum smtp_phase smtp_client_mail(struct smtp_client *);
static enum smtp_phase smtp_client_rcpt(struct smtp_client *);
static enum smtp_phase smtp_client_data(struct smtp_client *);
static enum smtp_phase smtp_client_data_body(struct smtp_client *);
static enum smtp_phase smtp_client_rset(struct smtp_client *);
static enum smtp_phase smtp_client_quit(struct smtp_client *);

static const struct smtp_client_phase smtp_client_phases[] = {
	[SMTP_PHASE_INIT] = { "init", "starting", smtp_client_init },
	[SMTP_PHASE_TLS] = { "tls", "starting TLS", smtp_client_tls },
	[SMTP_PHASE_GREETING] = { "greeting", "waiting for the server's greeting",
	    smtp_client_greeting },
	[SMTP_PHASE_EHLO] = { "ehlo", "asking what the server offers", smtp_client_ehlo },
	[SMTP_PHASE_HELO] = { "helo", "greeting the server the old way (HELO)",
	    smtp_client_helo },
	[SMTP_PHASE_STARTTLS] = { "starttls", "asking the server to start TLS",
	    smtp_client_starttls },
	[SMTP_PHASE_STARTTLS_HANDSHAKE] = { "starttls-handshake", "starting TLS",
	    smtp_client_handshake },
	[SMTP_PHASE_EHLO_TLS] = { "ehlo-tls", "asking what the server offers under TLS",
	    smtp_client_ehlo_tls },
	[SMTP_PHASE_AUTH] = { "auth", "logging in", smtp_client_auth },
	[SMTP_PHASE_MAIL] = { "mail", "checking the sender address", smtp_client_mail },
	[SMTP_PHASE_RCPT] = { "rcpt", "checking the recipient address", smtp_client_rcpt },
	[SMTP_PHASE_DATA] = { "data", "starting the test message", smtp_client_data },
	[SMTP_PHASE_DATA_BODY] = { "data-body", "sending the test message",
	    smtp_client_data_body },
	[SMTP_PHASE_RSET] = { "rset", "cancelling the test message", smtp_client_rset },
	[SMTP_PHASE_QUIT] = { "quit", "saying goodbye", smtp_client_quit },
	[SMTP_PHASE_DONE] = { "done", "finished", NULL },
};
_Static_assert(sizeof smtp_client_phases / sizeof smtp_client_phases[0] == SMTP_PHASE_COUNT,
    "smtp_client_phases does not match enum smtp_phase");

static const char *const smtp_failure_names[] = {
	[SMTP_FAIL_NONE] = "none",
	[SMTP_FAIL_CONNECT] = "connect",
	[SMTP_FAIL_GREETING_TIMEOUT] = "greeting-timeout",
	[SMTP_FAIL_GREETING_REJECTED] = "greeting-rejected",
	[SMTP_FAIL_NOT_SMTP] = "not-smtp",
	[SMTP_FAIL_EHLO_REJECTED] = "ehlo-rejected",
	[SMTP_FAIL_STARTTLS_NOT_OFFERED] = "starttls-not-offered",
	[SMTP_FAIL_STARTTLS_REFUSED] = "starttls-refused",
	[SMTP_FAIL_STARTTLS_INJECTION] = "starttls-injection",
	[SMTP_FAIL_TLS_FAILED] = "tls-failed",
	[SMTP_FAIL_TLS_UNVERIFIED] = "tls-unverified",
	[SMTP_FAIL_AUTH_NOT_OFFERED] = "auth-not-offered",
	[SMTP_FAIL_AUTH_ONLY_OAUTH] = "auth-only-oauth",
	[SMTP_FAIL_AUTH_PLAINTEXT_REFUSED] = "auth-plaintext-refused",
	[SMTP_FAIL_AUTH_REJECTED] = "auth-rejected",
	[SMTP_FAIL_AUTH_PROTOCOL] = "auth-protocol",
	[SMTP_FAIL_MAIL_REJECTED] = "mail-rejected",
	[SMTP_FAIL_RCPT_REJECTED] = "rcpt-rejected",
	[SMTP_FAIL_DATA_REJECTED] = "data-rejected",
	[SMTP_FAIL_SERVICE_UNAVAILABLE] = "service-unavailable",
	[SMTP_FAIL_DISCONNECTED] = "disconnected",
	[SMTP_FAIL_TIMEOUT] = "timeout",
	[SMTP_FAIL_PROTOCOL_ERROR] = "protocol-error",
	[SMTP_FAIL_CANCELLED] = "cancelled",
};
_Static_assert(sizeof smtp_failure_names / sizeof smtp_failure_names[0] == SMTP_FAILURE_COUNT,
    "smtp_failure_names does not match enum smtp_failure");

static const char *const smtp_security_names[] = {
	[SMTP_SECURITY_NONE] = "none",
	[SMTP_SECURITY_STARTTLS] = "starttls",
	[SMTP_SECURITY_TLS] = "tls",
};
_Static_assert(sizeof smtp_security_names / sizeof smtp_security_names[0] ==
    SMTP_SECURITY_COUNT, "smtp_security_names does not match enum smtp_security");

static int	 smtp_client_check(const struct smtp_client_config *, char **);
static int	 smtp_client_printable(const char *);
static enum smtp_phase smtp_client_fail(struct smtp_client *, enum smtp_failure, int,
		     const char *, ...) PRINTFLIKE(4, 5);
static enum smtp_phase smtp_client_io_fail(struct smtp_client *, enum transport_status,
		     const char *);
static int	 smtp_client_send(struct smtp_client *, const char *, const char *);
static int	 smtp_client_send_group(struct smtp_client *, const char *const *, size_t);
static int	 smtp_client_read(struct smtp_client *);
static int	 smtp_client_read_reply(struct smtp_client *, struct smtp_reply *);
static void	 smtp_client_note_flags(struct smtp_client *, int);
static enum smtp_phase smtp_client_after_ehlo(struct smtp_client *);
static int	 smtp_client_ehlo_common(struct smtp_client *, int);
static enum smtp_phase smtp_client_refused(struct smtp_client *, enum smtp_failure,
		     const char *);
static int	 smtp_client_pick(struct smtp_client *, const struct smtp_caps *,
		     enum sasl_mech *, enum smtp_phase *);
static int	 smtp_client_ascii(const char *);
static int	 smtp_client_text_ok(const char *);
static char	*smtp_client_stuff(const char *, size_t *, size_t *);
static long long smtp_client_since(long long);

const char *
smtp_phase_name(enum smtp_phase p)
{
	if ((unsigned int)p >= SMTP_PHASE_COUNT)
		fatalx("%s: phase %d", __func__, (int)p);
	return (smtp_client_phases[p].name);
}

const char *
smtp_phase_words(enum smtp_phase p)
{
	if ((unsigned int)p >= SMTP_PHASE_COUNT)
		fatalx("%s: phase %d", __func__, (int)p);
	return (smtp_client_phases[p].words);
}

const char *
smtp_failure_name(enum smtp_failure f)
{
	if ((unsigned int)f >= SMTP_FAILURE_COUNT)
		fatalx("%s: failure %d", __func__, (int)f);
	return (smtp_failure_names[f]);
}

const char *
smtp_security_name(enum smtp_security s)
{
	if ((unsigned int)s >= SMTP_SECURITY_COUNT)
		fatalx("%s: security %d", __func__, (int)s);
	return (smtp_security_names[s]);
}

void
smtp_session_result_init(struct smtp_session_result *r)
{
	memset(r, 0, sizeof *r);
	r->phase = SMTP_PHASE_INIT;
	smtp_reply_init(&r->reply);
	smtp_reply_init(&r->greeting);
	smtp_caps_init(&r->caps);
	smtp_caps_init(&r->caps_tls);
	r->timings.tls_ms = r->timings.greeting_ms = r->timings.ehlo_ms = -1;
	r->timings.starttls_ms = r->timings.auth_ms = r->timings.mail_ms = -1;
	r->timings.rcpt_ms = r->timings.data_ms = r->timings.total_ms = -1;
}

void
smtp_session_result_free(struct smtp_session_result *r)
{
	free(r->detail);
	free(r->queue_id);
	smtp_reply_free(&r->reply);
	smtp_reply_free(&r->greeting);
	smtp_caps_free(&r->caps);
	smtp_caps_free(&r->caps_tls);
	tls_info_free(&r->tls_info);
	strlist_free(&r->transcript);
	strlist_free(&r->notes);
	smtp_session_result_init(r);
}

void
smtp_session_result_copy(struct smtp_session_result *dst,
    const struct smtp_session_result *src)
{
	smtp_session_result_free(dst);
	/*
	 * The numbers, the flags and auth_mech (a static name) as they are; then each thing
	 * smtp_session_result_free releases gets a copy of its own.
	 */
	*dst = *src;
	dst->detail = xstrdup_or_null(src->detail);
	dst->queue_id = xstrdup_or_null(src->queue_id);
	smtp_reply_init(&dst->reply);
	smtp_reply_copy(&dst->reply, &src->reply);
	smtp_reply_init(&dst->greeting);
	smtp_reply_copy(&dst->greeting, &src->greeting);
	smtp_caps_init(&dst->caps);
	smtp_caps_copy(&dst->caps, &src->caps);
	smtp_caps_init(&dst->caps_tls);
	smtp_caps_copy(&dst->caps_tls, &src->caps_tls);
	memset(&dst->tls_info, 0, sizeof dst->tls_info);
	tls_info_copy(&dst->tls_info, &src->tls_info);
	memset(&dst->transcript, 0, sizeof dst->transcript);
	strlist_copy(&dst->transcript, &src->transcript);
	memset(&dst->notes, 0, sizeof dst->notes);
	strlist_copy(&dst->notes, &src->notes);
}

/* 1 if s holds no control character (C0 or DEL). */
static int
smtp_client_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (0);
	}
	return (1);
}

static int
smtp_client_ascii(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return (0);
	}
	return (1);
}

/* The configuration, checked before a single byte is sent (hostile row 47). */
static int
smtp_client_check(const struct smtp_client_config *cfg, char **cause)
{
	enum sasl_mech	 i;

	if (!smtp_helo_name_ok(cfg->helo_name)) {
		*cause = xstrdup("the name to greet the server with must be a fully qualified "
		    "domain name or an address literal");
		return (-1);
	}
	if ((unsigned int)cfg->security >= SMTP_SECURITY_COUNT)
		fatalx("%s: security %d", __func__, (int)cfg->security);
	if (cfg->security != SMTP_SECURITY_NONE && cfg->tls == NULL) {
		*cause = xstrdup("TLS was asked for without a TLS configuration");
		return (-1);
	}
	if (cfg->timeout_ms <= 0) {
		*cause = xstrdup("the timeout must be positive");
		return (-1);
	}
	if (cfg->mail_from != NULL && !smtp_address_ok(cfg->mail_from)) {
		*cause = xstrdup("the sender address is empty, too long, or holds a space, a "
		    "control character or an angle bracket");
		return (-1);
	}
	if (cfg->rcpt_to != NULL && !smtp_address_ok(cfg->rcpt_to)) {
		*cause = xstrdup("the recipient address is empty, too long, or holds a space, "
		    "a control character or an angle bracket");
		return (-1);
	}
	if (cfg->rcpt_to != NULL && cfg->mail_from == NULL) {
		*cause = xstrdup("a recipient needs a sender address");
		return (-1);
	}
	if ((cfg->data_to == NULL) != (cfg->data_message == NULL)) {
		*cause = xstrdup("a test message needs both a recipient and a text");
		return (-1);
	}
	if (cfg->data_to != NULL) {
		if (!smtp_address_ok(cfg->data_to)) {
			*cause = xstrdup("the test message's recipient address is empty, too "
			    "long, or holds a space, a control character or an angle bracket");
			return (-1);
		}
		if (cfg->mail_from == NULL) {
			*cause = xstrdup("a test message needs a sender address");
			return (-1);
		}
		if (!smtp_client_text_ok(cfg->data_message)) {
			*cause = xstrdup("the test message holds a CR outside a line ending, or "
			    "a line longer than 998 bytes");
			return (-1);
		}
	}
	if (cfg->user != NULL) {
		if (*cfg->user == '\0' || !smtp_client_printable(cfg->user)) {
			*cause = xstrdup("the user name is empty or holds a control character");
			return (-1);
		}
		if (cfg->password == NULL || *cfg->password == '\0') {
			*cause = xstrdup("a user name was given without a password");
			return (-1);
		}
	}
	if (cfg->mech != NULL) {
		for (i = 0; i < SASL_MECH_COUNT; i++) {
			if (smtp_ascii_casecmp(cfg->mech, sasl_mech_name(i)) == 0)
				break;
		}
		if (i == SASL_MECH_COUNT) {
			*cause = xstrdup("the login method must be PLAIN, LOGIN or CRAM-MD5");
			return (-1);
		}
	}
	return (0);
}

static long long
smtp_client_since(long long start)
{
	return (mono_ms() - start);
}

/*
 * Records a failure (the first one wins) and where it happened, and picks the way out:
 * QUIT when the connection is still in step, straight to the end when it is not (a
 * timeout, a reset, a protocol error, injected bytes, a failed handshake).
 */
static enum smtp_phase
smtp_client_fail(struct smtp_client *c, enum smtp_failure f, int quit, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw;

	va_start(ap, fmt);
	xvasprintf(&raw, fmt, ap);
	va_end(ap);
	if (c->quiet)
		strlist_take(&c->res->notes, sanitize_str(raw));
	else if (c->res->failure == SMTP_FAIL_NONE) {
		c->res->failure = f;
		c->res->phase = c->phase;
		c->res->detail = sanitize_str(raw);
	}
	free(raw);
	return (quit ? SMTP_PHASE_QUIT : SMTP_PHASE_DONE);
}

/* A read or write that did not complete. */
static enum smtp_phase
smtp_client_io_fail(struct smtp_client *c, enum transport_status s, const char *cause)
{
	const char	*phase = smtp_phase_name(c->phase);

	switch (s) {
	case TRANSPORT_EOF:
	case TRANSPORT_RESET:
	case TRANSPORT_ERROR:
		return (smtp_client_fail(c, SMTP_FAIL_DISCONNECTED, 0, "%s (at %s)", cause,
		    phase));
	case TRANSPORT_TIMEOUT:
		if (c->phase == SMTP_PHASE_GREETING)
			return (smtp_client_fail(c, SMTP_FAIL_GREETING_TIMEOUT, 0,
			    "no greeting within %d seconds", (c->cfg->timeout_ms + 999) / 1000));
		return (smtp_client_fail(c, SMTP_FAIL_TIMEOUT, 0,
		    "no complete answer within %d seconds (at %s)",
		    (c->cfg->timeout_ms + 999) / 1000, phase));
	case TRANSPORT_TOO_LONG:
		return (smtp_client_fail(c, c->phase == SMTP_PHASE_GREETING ?
		    SMTP_FAIL_NOT_SMTP : SMTP_FAIL_PROTOCOL_ERROR, 0, "%s (at %s)", cause, phase));
	case TRANSPORT_CANCELLED:
		return (smtp_client_fail(c, SMTP_FAIL_CANCELLED, 0, "cancelled (at %s)", phase));
	default:
		fatalx("%s: status %d", __func__, (int)s);
	}
}

/* Adds one sanitised line to the transcript and hands it to the live watcher, if any. */
static void
smtp_client_transcript(struct smtp_client *c, char dir, const char *text)
{
	strlist_addf(&c->res->transcript, "%c: %s", dir, text);
	if (c->cfg->line != NULL)
		c->cfg->line(c->cfg->line_arg,
		    c->res->transcript.v[c->res->transcript.n - 1]);
}

/*
 * Sends one command, CRLF added, as one write (field notes: Cisco ASA). shown is what the
 * transcript gets instead of the line (AUTH data), or NULL for the line itself. A line
 * that held a secret is wiped here. Returns 0, or -1 with the failure recorded.
 */
static int
smtp_client_send(struct smtp_client *c, const char *line, const char *shown)
{
	enum transport_status	 s;
	char			*buf, *cause = NULL, *text;
	size_t			 len;

	len = strlen(line);
	if (memchr(line, '\r', len) != NULL || memchr(line, '\n', len) != NULL)
		fatalx("%s: line break inside a command", __func__);
	buf = xmalloc(len + 3);
	memcpy(buf, line, len);
	memcpy(buf + len, "\r\n", 3);

	text = sanitize_str(shown != NULL ? shown : line);
	smtp_client_transcript(c, 'C', text);
	free(text);

	s = transport_write(c->t, buf, len + 2, mono_ms() + c->cfg->timeout_ms, &cause);
	explicit_bzero(buf, len + 2);
	free(buf);
	if (s != TRANSPORT_OK) {
		smtp_client_io_fail(c, s, cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * RFC 2920 3.1: MAIL, RCPT and RSET may go out together when the server offered
 * PIPELINING; all of them in one write, each line in the transcript as it would be alone.
 * Returns 0, or -1 with the failure recorded.
 */
static int
smtp_client_send_group(struct smtp_client *c, const char *const *lines, size_t n)
{
	enum transport_status	 s;
	char			*buf, *cause = NULL, *text;
	size_t			 i, len, off = 0, total = 0;

	for (i = 0; i < n; i++)
		total += strlen(lines[i]) + 2;
	buf = xmalloc(total + 1);
	for (i = 0; i < n; i++) {
		len = strlen(lines[i]);
		if (memchr(lines[i], '\r', len) != NULL || memchr(lines[i], '\n', len) != NULL)
			fatalx("%s: line break inside a command", __func__);
		memcpy(buf + off, lines[i], len);
		memcpy(buf + off + len, "\r\n", 2);
		off += len + 2;
		text = sanitize_str(lines[i]);
		smtp_client_transcript(c, 'C', text);
		free(text);
	}
	s = transport_write(c->t, buf, total, mono_ms() + c->cfg->timeout_ms, &cause);
	free(buf);
	if (s != TRANSPORT_OK) {
		smtp_client_io_fail(c, s, cause);
		free(cause);
		return (-1);
	}
	return (0);
}

/* Notes each kind of oddity once. */
static void
smtp_client_note_flags(struct smtp_client *c, int flags)
{
	int	 fresh = flags & ~c->noted;

	c->noted |= flags;
	if (fresh & SMTP_REPLY_F_BARE_LF)
		strlist_add(&c->res->notes, "the server ends lines with LF alone instead of "
		    "CR LF (RFC 5321 2.3.8); tolerated");
	if (fresh & SMTP_REPLY_F_BARE_CR)
		strlist_add(&c->res->notes, "the server sent a CR inside a line; it was kept as "
		    "text, not taken as a line end");
	if (fresh & SMTP_REPLY_F_NUL)
		strlist_add(&c->res->notes, "the server sent NUL bytes inside a reply (shown as "
		    "\\0)");
}

/*
 * Reads one whole reply into r within one deadline (a server dripping a byte at a time
 * cannot hold us past it, hostile row 18). Every line goes to the transcript as it comes.
 * Returns 0, or -1 with the failure recorded.
 */
static int
smtp_client_read_reply(struct smtp_client *c, struct smtp_reply *r)
{
	struct transport_line	 line;
	enum transport_status	 ts;
	enum smtp_reply_status	 rs;
	long long		 deadline;
	char			*cause, *text;

	deadline = mono_ms() + c->cfg->timeout_ms;
	smtp_reply_init(r);
	for (;;) {
		cause = NULL;
		ts = transport_read_line(c->t, deadline, &line, &cause);
		if (ts != TRANSPORT_OK) {
			smtp_client_io_fail(c, ts, cause);
			free(cause);
			smtp_reply_free(r);
			return (-1);
		}
		text = sanitize_text(line.data, line.len);
		smtp_client_transcript(c, 'S', text);
		free(text);

		rs = smtp_reply_add_line(r, line.data, line.len,
		    (line.flags & TRANSPORT_LINE_BARE_LF) != 0);
		smtp_client_note_flags(c, r->flags);
		if (rs == SMTP_REPLY_MORE)
			continue;
		if (rs == SMTP_REPLY_DONE)
			return (0);
		/*
		 * A first line that is not SMTP at all ("XYZ", binary) is a different finding
		 * from an SMTP server misbehaving.
		 */
		smtp_client_fail(c, c->phase == SMTP_PHASE_GREETING && r->lines.n == 0 &&
		    rs == SMTP_REPLY_BAD_CODE ? SMTP_FAIL_NOT_SMTP : SMTP_FAIL_PROTOCOL_ERROR, 0,
		    "%s (at %s)", smtp_reply_status_words(rs), smtp_phase_name(c->phase));
		smtp_reply_free(r);
		return (-1);
	}
}

/*
 * Reads the reply to what we just sent into res->reply. Unless more replies are owed for
 * commands pipelined with it (c->ahead, only ever after the server offered PIPELINING),
 * the server's turn ends with this reply: anything already waiting after it is a second
 * reply or data sent ahead of our command, and the dialogue is out of step (hostile
 * row 49).
 */
static int
smtp_client_read(struct smtp_client *c)
{
	struct smtp_reply	 r;
	size_t			 extra;

	if (smtp_client_read_reply(c, &r) != 0)
		return (-1);
	smtp_reply_free(&c->res->reply);
	c->res->reply = r;
	/* The caller checks this itself after a 220 to STARTTLS: that is injection. */
	if (c->phase == SMTP_PHASE_STARTTLS && r.code == 220)
		return (0);
	/* The next reply may well be here already: it answers a command we sent. */
	if (c->ahead > 0)
		return (0);
	if ((extra = transport_buffered(c->t)) > 0) {
		smtp_client_fail(c, SMTP_FAIL_PROTOCOL_ERROR, 0,
		    "the server sent %zu more bytes after its reply, before being asked "
		    "(at %s): the dialogue is out of step", extra, smtp_phase_name(c->phase));
		return (-1);
	}
	return (0);
}

static enum smtp_phase
smtp_client_init(struct smtp_client *c)
{
	return (c->cfg->security == SMTP_SECURITY_TLS ? SMTP_PHASE_TLS : SMTP_PHASE_GREETING);
}

/* RFC 8314 3.3: implicit TLS starts before the server says anything. */
static enum smtp_phase
smtp_client_tls(struct smtp_client *c)
{
	long long	 start = mono_ms();
	char		*cause = NULL;
	enum smtp_phase	 next;

	if (transport_start_tls(c->t, c->cfg->tls, &c->res->tls_info, &c->res->tls_failure,
	    &cause) != 0) {
		c->res->timings.tls_ms = smtp_client_since(start);
		next = smtp_client_fail(c, SMTP_FAIL_TLS_FAILED, 0, "%s",
		    cause != NULL ? cause : "the TLS handshake failed");
		free(cause);
		return (next);
	}
	c->res->timings.tls_ms = smtp_client_since(start);
	c->res->tls = 1;
	return (SMTP_PHASE_GREETING);
}

/*
 * RFC 5321 3.1 and 4.3.2: 220, or 554 (no service), or 421. The reply reader waits for
 * the last line, so a greeting split into "220-" lines with pauses between them is read
 * whole before EHLO goes out (hostile row 54).
 */
static enum smtp_phase
smtp_client_greeting(struct smtp_client *c)
{
	long long	 start = mono_ms();
	int		 code;

	if (smtp_client_read(c) != 0) {
		c->res->timings.greeting_ms = smtp_client_since(start);
		return (SMTP_PHASE_DONE);
	}
	c->res->timings.greeting_ms = smtp_client_since(start);
	smtp_reply_copy(&c->res->greeting, &c->res->reply);
	code = c->res->reply.code;
	if (code == 220)
		return (c->res->tls ? SMTP_PHASE_EHLO_TLS : SMTP_PHASE_EHLO);
	if (code == 421)
		return (smtp_client_fail(c, SMTP_FAIL_SERVICE_UNAVAILABLE, 0,
		    "the server is not taking connections now (421)"));
	if (SMTP_CODE_CLASS(code) == 4 || SMTP_CODE_CLASS(code) == 5)
		return (smtp_client_fail(c, SMTP_FAIL_GREETING_REJECTED, 1,
		    "the server refused the connection in its greeting (%d)", code));
	return (smtp_client_fail(c, SMTP_FAIL_PROTOCOL_ERROR, 0,
	    "the server greeted with %d instead of 220", code));
}

/*
 * Sends EHLO (or HELO) with the caller's real name (some servers refuse "localhost") and
 * reads the reply into res->reply. Returns 0, or -1 with the failure recorded.
 */
static int
smtp_client_ehlo_common(struct smtp_client *c, int helo)
{
	long long	 start = mono_ms();
	char		*line;
	int		 ret;

	xasprintf(&line, "%s %s", helo ? "HELO" : "EHLO", c->cfg->helo_name);
	ret = smtp_client_send(c, line, NULL);
	free(line);
	if (ret == 0)
		ret = smtp_client_read(c);
	c->res->timings.ehlo_ms = smtp_client_since(start);
	return (ret);
}

/* A refusal: 421 is the server leaving (RFC 5321 3.8), anything else is this step's own. */
static enum smtp_phase
smtp_client_refused(struct smtp_client *c, enum smtp_failure f, const char *what)
{
	int	 code = c->res->reply.code;

	if (code == 421)
		return (smtp_client_fail(c, SMTP_FAIL_SERVICE_UNAVAILABLE, 0,
		    "the server is closing the connection (421 in reply to %s)", what));
	return (smtp_client_fail(c, f, 1, "the server refused %s (%d)", what, code));
}

static enum smtp_phase
smtp_client_ehlo(struct smtp_client *c)
{
	int	 code;

	if (smtp_client_ehlo_common(c, 0) != 0)
		return (SMTP_PHASE_DONE);
	code = c->res->reply.code;
	if (code == 250) {
		smtp_caps_parse(&c->res->reply, &c->res->caps);
		c->res->have_caps = 1;
		return (smtp_client_after_ehlo(c));
	}
	/* RFC 5321 4.1.4: a server without extensions answers EHLO with 500 or 502. */
	if (code == 500 || code == 502)
		return (SMTP_PHASE_HELO);
	return (smtp_client_refused(c, SMTP_FAIL_EHLO_REJECTED, "EHLO"));
}

static enum smtp_phase
smtp_client_helo(struct smtp_client *c)
{
	if (smtp_client_ehlo_common(c, 1) != 0)
		return (SMTP_PHASE_DONE);
	if (c->res->reply.code != 250)
		return (smtp_client_refused(c, SMTP_FAIL_EHLO_REJECTED, "EHLO and HELO"));
	smtp_caps_helo(&c->res->reply, &c->res->caps);
	c->res->have_caps = 1;
	strlist_add(&c->res->notes, "the server does not speak ESMTP: it refused EHLO and "
	    "accepted HELO, so it offers no extensions (no STARTTLS, no login)");
	return (smtp_client_after_ehlo(c));
}

/* Where a plain-text EHLO or HELO leads. */
static enum smtp_phase
smtp_client_after_ehlo(struct smtp_client *c)
{
	if (c->cfg->security == SMTP_SECURITY_STARTTLS)
		return (SMTP_PHASE_STARTTLS);
	return (SMTP_PHASE_AUTH);
}

/* RFC 3207 4. */
static enum smtp_phase
smtp_client_starttls(struct smtp_client *c)
{
	long long	 start = mono_ms();
	size_t		 extra;
	int		 code;

	if (!c->res->caps.starttls) {
		if (c->res->caps.auth != 0)
			strlist_add(&c->res->notes, "the server offers a login but not STARTTLS: "
			    "something on the way may be removing it");
		return (smtp_client_fail(c, SMTP_FAIL_STARTTLS_NOT_OFFERED, 1,
		    "the server does not offer STARTTLS"));
	}
	if (smtp_client_send(c, "STARTTLS", NULL) != 0 || smtp_client_read(c) != 0) {
		c->res->timings.starttls_ms = smtp_client_since(start);
		return (SMTP_PHASE_DONE);
	}
	c->res->timings.starttls_ms = smtp_client_since(start);
	code = c->res->reply.code;
	if (code == 220) {
		/*
		 * Nothing may follow the 220 before our ClientHello: bytes already here were
		 * sent in plain text and would be read as if TLS protected them (CVE-2021-22947,
		 * CVE-2020-14954). Never use them; drop the connection.
		 */
		if ((extra = transport_buffered(c->t)) > 0)
			return (smtp_client_fail(c, SMTP_FAIL_STARTTLS_INJECTION, 0,
			    "the server sent %zu bytes after agreeing to start TLS; "
			    "someone may be injecting commands", extra));
		return (SMTP_PHASE_STARTTLS_HANDSHAKE);
	}
	if (code == 421)
		return (smtp_client_refused(c, SMTP_FAIL_STARTTLS_REFUSED, "STARTTLS"));
	if (code == 454)
		return (smtp_client_fail(c, SMTP_FAIL_STARTTLS_REFUSED, 1,
		    "the server cannot start TLS now (454)"));
	if (code == 502 || code == 500)
		return (smtp_client_fail(c, SMTP_FAIL_STARTTLS_REFUSED, 1,
		    "the server does not know STARTTLS although it offered it (%d)", code));
	if (SMTP_CODE_CLASS(code) == 4 || SMTP_CODE_CLASS(code) == 5)
		return (smtp_client_fail(c, SMTP_FAIL_STARTTLS_REFUSED, 1,
		    "the server refused STARTTLS (%d)", code));
	/* 354 and other 2xx/3xx: not an answer STARTTLS can have (curl CVE-2021-22946). */
	return (smtp_client_fail(c, SMTP_FAIL_PROTOCOL_ERROR, 0,
	    "the server answered STARTTLS with %d, which makes no sense", code));
}

static enum smtp_phase
smtp_client_handshake(struct smtp_client *c)
{
	long long	 start = mono_ms();
	char		*cause = NULL;
	enum smtp_phase	 next;

	if (transport_start_tls(c->t, c->cfg->tls, &c->res->tls_info, &c->res->tls_failure,
	    &cause) != 0) {
		c->res->timings.tls_ms = smtp_client_since(start);
		/*
		 * Row 37: plain text after the 220 to STARTTLS is a server that did not start
		 * TLS; the handshake's own words ("this port may expect STARTTLS") fit only a
		 * port where TLS comes first.
		 */
		if (c->res->tls_failure == TLS_FAIL_NOT_TLS)
			next = smtp_client_fail(c, SMTP_FAIL_TLS_FAILED, 0, "the server agreed "
			    "to STARTTLS (220) but did not start TLS: it answered the handshake "
			    "in plain text");
		else
			next = smtp_client_fail(c, SMTP_FAIL_TLS_FAILED, 0, "%s",
			    cause != NULL ? cause : "the TLS handshake failed");
		free(cause);
		return (next);
	}
	c->res->timings.tls_ms = smtp_client_since(start);
	c->res->tls = 1;
	return (SMTP_PHASE_EHLO_TLS);
}

/*
 * RFC 3207 4.2: after the handshake the client forgets what it knew and asks again; only
 * the new list counts (hostile row 12). A certificate that did not verify ends the useful
 * part here: the list is still worth having, but nothing private may follow (row 11).
 */
static enum smtp_phase
smtp_client_ehlo_tls(struct smtp_client *c)
{
	if (smtp_client_ehlo_common(c, 0) != 0)
		return (SMTP_PHASE_DONE);
	if (c->res->reply.code != 250)
		return (smtp_client_refused(c, SMTP_FAIL_EHLO_REJECTED, "EHLO under TLS"));
	smtp_caps_parse(&c->res->reply, &c->res->caps_tls);
	c->res->have_caps_tls = 1;
	if (c->res->tls_info.verdict != TLS_VERIFIED)
		return (smtp_client_fail(c, SMTP_FAIL_TLS_UNVERIFIED, 1,
		    "the server's certificate did not pass verification (%s), so nothing "
		    "private was sent", tls_verdict_name(c->res->tls_info.verdict)));
	return (SMTP_PHASE_AUTH);
}

/*
 * Chooses the one mechanism to try: the caller's, or else, under TLS, the one mail
 * programs use ("normal password": PLAIN, then LOGIN), so the test logs in as the user's
 * program does and PLAIN's initial response saves a round trip; without TLS (only by the
 * user's consent) CRAM-MD5 first, which never puts the password itself on the wire.
 * Returns 0 with *mech set, or -1 with the failure recorded and *next set.
 */
static int
smtp_client_pick(struct smtp_client *c, const struct smtp_caps *caps, enum sasl_mech *mech,
    enum smtp_phase *next)
{
	static const enum sasl_mech	 tls_order[] = { SASL_PLAIN, SASL_LOGIN, SASL_CRAM_MD5 };
	static const enum sasl_mech	 clear_order[] = { SASL_CRAM_MD5, SASL_PLAIN, SASL_LOGIN };
	const enum sasl_mech		*order = c->res->tls ? tls_order : clear_order;
	unsigned int			 usable, bit;
	size_t				 i;
	enum sasl_mech			 m;

	usable = caps->auth & (SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN | SMTP_AUTH_CRAM_MD5);
	if (caps->auth == 0) {
		*next = smtp_client_fail(c, SMTP_FAIL_AUTH_NOT_OFFERED, 1,
		    "the server does not offer a login (no AUTH in its EHLO list)");
		return (-1);
	}
	if (usable == 0 && (caps->auth & SMTP_AUTH_OAUTH_ANY) != 0 &&
	    (caps->auth & ~(unsigned int)SMTP_AUTH_OAUTH_ANY) == 0) {
		*next = smtp_client_fail(c, SMTP_FAIL_AUTH_ONLY_OAUTH, 1,
		    "the server offers only OAuth logins, which need the provider's sign-in "
		    "page, not a password");
		return (-1);
	}
	if (c->cfg->mech != NULL) {
		for (m = 0; m < SASL_MECH_COUNT; m++) {
			if (smtp_ascii_casecmp(c->cfg->mech, sasl_mech_name(m)) == 0)
				break;
		}
		bit = smtp_auth_bit(sasl_mech_name(m));
		if ((usable & bit) == 0) {
			*next = smtp_client_fail(c, SMTP_FAIL_AUTH_NOT_OFFERED, 1,
			    "the server does not offer the %s login", sasl_mech_name(m));
			return (-1);
		}
		*mech = m;
		return (0);
	}
	for (i = 0; i < sizeof tls_order / sizeof tls_order[0]; i++) {
		if (usable & smtp_auth_bit(sasl_mech_name(order[i]))) {
			*mech = order[i];
			return (0);
		}
	}
	*next = smtp_client_fail(c, SMTP_FAIL_AUTH_NOT_OFFERED, 1,
	    "the server offers no login method sendfix can use");
	return (-1);
}

/*
 * RFC 4954 4: one AUTH command, one mechanism, one attempt, never another mechanism or
 * user name form afterwards (field notes: retries lock accounts).
 */
static enum smtp_phase
smtp_client_auth(struct smtp_client *c)
{
	const struct smtp_caps	*caps;
	enum smtp_phase		 next = SMTP_PHASE_DONE;
	enum sasl_mech		 mech;
	enum sasl_step		 step;
	long long		 start;
	char			*line, *cause = NULL, *why;
	int			 cancelled = 0, code;

	if (c->cfg->user == NULL)
		return (SMTP_PHASE_MAIL);
	caps = c->res->tls ? &c->res->caps_tls : &c->res->caps;

	/* Row 5: a server that only answered HELO offers no AUTH; never try it blind. */
	if (!caps->esmtp)
		return (smtp_client_fail(c, SMTP_FAIL_AUTH_NOT_OFFERED, 1,
		    "the server does not speak ESMTP, so it offers no login"));
	if (c->res->tls && c->res->tls_info.verdict != TLS_VERIFIED)
		fatalx("%s: credentials after an unverified certificate", __func__);
	if (!c->res->tls && !c->cfg->allow_plaintext_auth)
		return (smtp_client_fail(c, SMTP_FAIL_AUTH_PLAINTEXT_REFUSED, 1,
		    "the connection is not encrypted, so the password was not sent"));
	if (smtp_client_pick(c, caps, &mech, &next) != 0)
		return (next);

	if (sasl_new(mech, c->cfg->user, c->cfg->password, &c->sasl, &cause) != 0 ||
	    sasl_command(c->sasl, &line, &cause) != 0) {
		next = smtp_client_fail(c, SMTP_FAIL_AUTH_PROTOCOL, 1, "%s", cause);
		free(cause);
		return (next);
	}
	c->res->auth_mech = sasl_mech_name(mech);
	if (!c->res->tls) {
		c->res->auth_plaintext = 1;
		strlist_add(&c->res->notes, "the login was sent without encryption, as allowed "
		    "for this run");
	}
	start = mono_ms();
	if (mech == SASL_PLAIN) {
		c->res->auth_sent = 1;
		code = smtp_client_send(c, line, "AUTH PLAIN " SMTP_CLIENT_HIDDEN);
	} else
		code = smtp_client_send(c, line, NULL);
	secret_free(line);
	if (code != 0)
		goto out;

	for (;;) {
		if (smtp_client_read(c) != 0)
			goto out;
		if ((code = c->res->reply.code) != 334)
			break;
		if (cancelled) {
			/* RFC 4954 4: after "*" the server must answer 501; no more rounds. */
			next = smtp_client_fail(c, SMTP_FAIL_AUTH_PROTOCOL, 0,
			    "the server went on asking after the login was cancelled");
			goto out;
		}
		line = NULL;
		if (c->res->reply.lines.n != 1) {
			step = SASL_STEP_BAD_CHALLENGE;
			why = xstrdup("the server's challenge spans several lines");
		} else
			step = sasl_step(c->sasl, c->res->reply.lines.v[0], &line, &why);
		if (step != SASL_STEP_OK) {
			/* RFC 4954 4: "*" cancels the exchange (hostile rows 23, 24). */
			strlist_addf(&c->res->notes, "login cancelled: %s", why);
			free(why);
			if (smtp_client_send(c, "*", NULL) != 0)
				goto out;
			cancelled = 1;
			continue;
		}
		if (sasl_complete(c->sasl))
			c->res->auth_sent = 1;
		code = smtp_client_send(c, line, SMTP_CLIENT_HIDDEN);
		secret_free(line);
		if (code != 0)
			goto out;
	}

	if (code == 421)
		next = smtp_client_refused(c, SMTP_FAIL_AUTH_REJECTED, "the login");
	else if (cancelled)
		next = smtp_client_fail(c, SMTP_FAIL_AUTH_PROTOCOL, 1,
		    "the server's login challenge was unusable, so the login was cancelled");
	else if (code == 235 && !sasl_complete(c->sasl)) {
		/* Row 55: "success" before the password went out proves nothing. */
		c->res->auth_anomaly = 1;
		next = smtp_client_fail(c, SMTP_FAIL_AUTH_PROTOCOL, 1,
		    "the server said the login succeeded before the password was sent");
	} else if (code == 235) {
		c->res->authenticated = 1;
		next = SMTP_PHASE_MAIL;
	} else if (SMTP_CODE_CLASS(code) == 4 || SMTP_CODE_CLASS(code) == 5) {
		next = smtp_client_fail(c, SMTP_FAIL_AUTH_REJECTED, 1,
		    "the server refused the login (%d%s%s)", code,
		    c->res->reply.enhanced[0] != '\0' ? " " : "", c->res->reply.enhanced);
	} else
		next = smtp_client_fail(c, SMTP_FAIL_AUTH_PROTOCOL, 0,
		    "the server answered the login with %d, which makes no sense", code);

out:
	c->res->timings.auth_ms = smtp_client_since(start);
	sasl_free(c->sasl);
	c->sasl = NULL;
	return (next);
}

static enum smtp_phase
smtp_client_mail(struct smtp_client *c)
{
	const struct smtp_caps	*caps;
	long long		 start = mono_ms();
	const char		*to, *group[3];
	char			*line, *rcpt = NULL;
	size_t			 n = 0;
	int			 ret;

	if (c->cfg->mail_from == NULL)
		return (SMTP_PHASE_QUIT);
	caps = c->res->tls ? &c->res->caps_tls : &c->res->caps;
	/* RFC 6531 3.4: a non-ASCII address needs SMTPUTF8, when the server has it. */
	xasprintf(&line, "MAIL FROM:<%s>%s", c->cfg->mail_from,
	    !smtp_client_ascii(c->cfg->mail_from) && caps->smtputf8 ? " SMTPUTF8" : "");
	to = c->cfg->data_to != NULL ? c->cfg->data_to : c->cfg->rcpt_to;
	if (caps->pipelining && to != NULL) {
		/*
		 * RFC 2920: one round trip for the envelope. RSET goes too unless DATA is to
		 * follow (DATA waits for RCPT's reply: RFC 2920 3.1 lets it end a group, but
		 * a message must never go out after a refused recipient).
		 */
		xasprintf(&rcpt, "RCPT TO:<%s>", to);
		group[n++] = line;
		group[n++] = rcpt;
		c->sent = SMTP_CLIENT_SENT_RCPT;
		if (c->cfg->data_to == NULL) {
			group[n++] = "RSET";
			c->sent |= SMTP_CLIENT_SENT_RSET;
		}
		c->ahead = (int)n - 1;
		ret = smtp_client_send_group(c, group, n);
	} else
		ret = smtp_client_send(c, line, NULL);
	free(rcpt);
	free(line);
	if (ret != 0 || smtp_client_read(c) != 0) {
		c->res->timings.mail_ms = smtp_client_since(start);
		return (SMTP_PHASE_DONE);
	}
	c->res->timings.mail_ms = smtp_client_since(start);
	/*
	 * A refused MAIL ends the check with QUIT, which needs no reply: the replies owed
	 * for RCPT and RSET are never read (RFC 2920 3.1: they refuse as well).
	 */
	if (c->res->reply.code != 250)
		return (smtp_client_refused(c, SMTP_FAIL_MAIL_REJECTED, "the sender address"));
	c->res->mail_accepted = 1;
	return (SMTP_PHASE_RCPT);
}

static enum smtp_phase
smtp_client_rcpt(struct smtp_client *c)
{
	long long	 start = mono_ms();
	const char	*to;
	char		*line;
	int		 ret, code;

	/* A test message goes only to the address the user named for it. */
	to = c->cfg->data_to != NULL ? c->cfg->data_to : c->cfg->rcpt_to;
	if (to == NULL)
		return (SMTP_PHASE_RSET);
	if (c->sent & SMTP_CLIENT_SENT_RCPT) {
		/* Pipelined with MAIL: only its reply is still to come. */
		c->sent &= ~SMTP_CLIENT_SENT_RCPT;
		c->ahead--;
		ret = 0;
	} else {
		xasprintf(&line, "RCPT TO:<%s>", to);
		ret = smtp_client_send(c, line, NULL);
		free(line);
	}
	if (ret != 0 || smtp_client_read(c) != 0) {
		c->res->timings.rcpt_ms = smtp_client_since(start);
		return (SMTP_PHASE_DONE);
	}
	c->res->timings.rcpt_ms = smtp_client_since(start);
	code = c->res->reply.code;
	if (code == 250 || code == 251) {
		c->res->rcpt_accepted = 1;
		return (c->cfg->data_to != NULL ? SMTP_PHASE_DATA : SMTP_PHASE_RSET);
	}
	if (code == 421)
		return (smtp_client_refused(c, SMTP_FAIL_RCPT_REJECTED, "the recipient address"));
	smtp_client_fail(c, SMTP_FAIL_RCPT_REJECTED, 1, "the server refused the recipient "
	    "address (%d)", code);
	/* The transaction MAIL opened is still there: close it before leaving. */
	return (SMTP_PHASE_RSET);
}

/*
 * 1 if every CR in s ends a line (CRLF) and no line, with its stuffed dot, is longer than
 * RFC 5321 allows.
 */
static int
smtp_client_text_ok(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\r' && s[1] != '\n')
			return (0);
		if (*s == '\n')
			n = 0;
		else if (*s != '\r') {
			/* A line that starts with "." counts its stuffed dot. */
			n += n == 0 && *s == '.' ? 2 : 1;
			if (n > SMTP_CLIENT_TEXT_LINE_MAX)
				return (0);
		}
	}
	return (1);
}

/*
 * The message as it goes on the wire: every line ends in CRLF (RFC 5321 2.3.8), a line
 * that starts with "." gets one more in front (4.5.2), and "." alone ends it (4.1.1.4).
 * Returns the buffer (caller frees), its length and the number of lines of the message.
 */
static char *
smtp_client_stuff(const char *msg, size_t *len, size_t *nlines)
{
	const char	*p = msg, *lf;
	size_t		 n, off = 0, lines = 0;
	char		*buf;

	/* At worst a line doubles ("." LF becomes ".." CRLF); then ".", CRLF. */
	buf = xmalloc(2 * strlen(msg) + 8);
	while (*p != '\0') {
		lf = strchr(p, '\n');
		n = lf != NULL ? (size_t)(lf - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0 && p[0] == '.')
			buf[off++] = '.';
		memcpy(buf + off, p, n);
		off += n;
		memcpy(buf + off, "\r\n", 2);
		off += 2;
		lines++;
		if (lf == NULL)
			break;
		p = lf + 1;
	}
	memcpy(buf + off, ".\r\n", 3);
	*len = off + 3;
	*nlines = lines;
	return (buf);
}

/* RFC 5321 4.1.1.4: DATA, and nothing of the message before the server's 354. */
static enum smtp_phase
smtp_client_data(struct smtp_client *c)
{
	int	 code;

	c->data_start = mono_ms();
	if (smtp_client_send(c, "DATA", NULL) != 0 || smtp_client_read(c) != 0) {
		c->res->timings.data_ms = smtp_client_since(c->data_start);
		return (SMTP_PHASE_DONE);
	}
	code = c->res->reply.code;
	if (code == 354)
		return (SMTP_PHASE_DATA_BODY);
	c->res->timings.data_ms = smtp_client_since(c->data_start);
	if (code == 421)
		return (smtp_client_refused(c, SMTP_FAIL_DATA_REJECTED, "the test message"));
	if (SMTP_CODE_CLASS(code) == 4 || SMTP_CODE_CLASS(code) == 5) {
		smtp_client_fail(c, SMTP_FAIL_DATA_REJECTED, 1, "the server refused to take "
		    "the test message (%d to DATA)", code);
		/* The transaction MAIL opened is still there: close it before leaving. */
		return (SMTP_PHASE_RSET);
	}
	return (smtp_client_fail(c, SMTP_FAIL_PROTOCOL_ERROR, 0,
	    "the server answered DATA with %d instead of 354", code));
}

/*
 * The message and the "." that ends it, in one write; the transcript shows its size, never
 * its lines. The reply after "." ends the transaction either way (RFC 5321 4.1.1.4), so
 * no RSET follows.
 */
static enum smtp_phase
smtp_client_data_body(struct smtp_client *c)
{
	enum transport_status	 s;
	char			*buf, *cause = NULL, *text;
	size_t			 len, nlines;
	int			 code;

	buf = smtp_client_stuff(c->cfg->data_message, &len, &nlines);
	xasprintf(&text, "<message: %zu lines, %zu bytes>", nlines, len - 3);
	smtp_client_transcript(c, 'C', text);
	free(text);
	smtp_client_transcript(c, 'C', ".");
	s = transport_write(c->t, buf, len, mono_ms() + c->cfg->timeout_ms, &cause);
	free(buf);
	if (s != TRANSPORT_OK) {
		smtp_client_io_fail(c, s, cause);
		free(cause);
		c->res->timings.data_ms = smtp_client_since(c->data_start);
		return (SMTP_PHASE_DONE);
	}
	code = smtp_client_read(c);
	c->res->timings.data_ms = smtp_client_since(c->data_start);
	if (code != 0)
		return (SMTP_PHASE_DONE);
	code = c->res->reply.code;
	if (code == 250) {
		c->res->message_accepted = 1;
		c->res->queue_id = xstrdup(c->res->reply.lines.n > 0 ?
		    c->res->reply.lines.v[0] : "");
		return (SMTP_PHASE_QUIT);
	}
	if (code == 421)
		return (smtp_client_refused(c, SMTP_FAIL_DATA_REJECTED, "the test message"));
	if (SMTP_CODE_CLASS(code) == 4 || SMTP_CODE_CLASS(code) == 5)
		return (smtp_client_fail(c, SMTP_FAIL_DATA_REJECTED, 1, "the server refused "
		    "the test message (%d)", code));
	return (smtp_client_fail(c, SMTP_FAIL_PROTOCOL_ERROR, 0,
	    "the server answered the end of the test message with %d", code));
}

/*
 * RFC 5321 4.1.1.5: RSET ends the transaction MAIL opened, so nothing is ever sent. Its
 * reply is read into a reply of its own (the last reply that matters stays the one
 * before), and trouble here is only noted: everything worth knowing is known by now.
 */
static enum smtp_phase
smtp_client_rset(struct smtp_client *c)
{
	struct smtp_reply	 r;
	int			 ret;

	c->quiet = 1;
	if (c->sent & SMTP_CLIENT_SENT_RSET) {
		c->sent &= ~SMTP_CLIENT_SENT_RSET;
		c->ahead--;
		ret = 0;
	} else
		ret = smtp_client_send(c, "RSET", NULL);
	if (ret == 0 && (ret = smtp_client_read_reply(c, &r)) == 0) {
		if (r.code != 250)
			strlist_addf(&c->res->notes, "the server answered RSET with %d", r.code);
		smtp_reply_free(&r);
	}
	c->quiet = 0;
	return (ret == 0 ? SMTP_PHASE_QUIT : SMTP_PHASE_DONE);
}

/* RFC 5321 4.1.1.10: QUIT, without waiting for the 221. */
static enum smtp_phase
smtp_client_quit(struct smtp_client *c)
{
	char	*cause = NULL;

	smtp_client_transcript(c, 'C', "QUIT");
	/* Nothing is left to learn: a failure here changes no finding. */
	(void)transport_write(c->t, "QUIT\r\n", 6, mono_ms() + c->cfg->timeout_ms, &cause);
	free(cause);
	return (SMTP_PHASE_DONE);
}

int
smtp_client_run(struct transport *t, const struct smtp_client_config *cfg,
    struct smtp_session_result *res, char **cause)
{
	struct smtp_client	 c;
	enum smtp_phase		 next;
	long long		 start;

	if (smtp_client_check(cfg, cause) != 0)
		return (-1);
	memset(&c, 0, sizeof c);
	c.t = t;
	c.cfg = cfg;
	c.res = res;
	c.phase = SMTP_PHASE_INIT;
	transport_set_cancel(t, cfg->cancel);
	start = mono_ms();

	while (c.phase != SMTP_PHASE_DONE) {
		if (res->failure == SMTP_FAIL_NONE)
			res->phase = c.phase;
		if (cfg->cancel != NULL && *cfg->cancel != 0 && c.phase != SMTP_PHASE_QUIT) {
			smtp_client_fail(&c, SMTP_FAIL_CANCELLED, 0, "cancelled (at %s)",
			    smtp_phase_name(c.phase));
			break;
		}
		/* A step that will not happen (no login asked for) is not announced. */
		if (cfg->progress != NULL && c.phase != SMTP_PHASE_INIT &&
		    !(c.phase == SMTP_PHASE_AUTH && cfg->user == NULL) &&
		    !(c.phase == SMTP_PHASE_MAIL && cfg->mail_from == NULL) &&
		    !(c.phase == SMTP_PHASE_RCPT && cfg->rcpt_to == NULL &&
		    cfg->data_to == NULL))
			cfg->progress(cfg->progress_arg, smtp_client_phases[c.phase].words);
		next = smtp_client_phases[c.phase].step(&c);
		if (next >= SMTP_PHASE_COUNT)
			fatalx("%s: phase %s gave %d", __func__, smtp_phase_name(c.phase),
			    (int)next);
		c.phase = next;
	}
	if (res->failure == SMTP_FAIL_NONE)
		res->phase = SMTP_PHASE_DONE;
	res->timings.total_ms = smtp_client_since(start);
	sasl_free(c.sasl);
	return (0);
}
