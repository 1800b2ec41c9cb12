/* fuzz_smtp_client.c: libFuzzer target for the whole SMTP dialogue over the memory transport. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sanitize.h"
#include "smtp-client.h"
#include "transport.h"
#include "util.h"

/*
 * Input: two bytes of settings, then what the server sends, in turns separated by a 0x1e
 * byte: each read hands out at most the rest of the current turn (so a turn is what the
 * server wrote at once, and bytes of a later turn are never "already buffered"), the end of
 * the input is the server closing the connection.
 *	byte 0	bits 0-1 the mechanism (any, PLAIN, LOGIN, CRAM-MD5), 2 log in, 3 MAIL FROM,
 *		4 RCPT TO, 5 a test message (DATA), 6 consent to log in without TLS,
 *		7 STARTTLS required (the handshake then reads the server's next turn)
 *	byte 1	bits 0-2: reads of at most that many bytes (0: whole turns)
 * No network, no sleeping: a read never waits.
 */
#define FUZZ_TURN	0x1e
#define FUZZ_PASSWORD	"fuzz-canary-pw"

/* The password as it goes out: LOGIN's base64 of it, PLAIN's base64 of "\0user\0pass". */
static const char *const fuzz_secrets[] = {
	FUZZ_PASSWORD,
	"ZnV6ei1jYW5hcnktcHc=",
	"AGFubkBleGFtcGxlLmNvbQBmdXp6LWNhbmFyeS1wdw=="
};

struct fuzz_server {
	const uint8_t	*p, *end;	/* what is left of the input */
	const uint8_t	*turn_end;	/* the end of the current turn */
	size_t		 chunk;		/* at most this much per read (0: all) */
	int		 may_auth;	/* credentials may go out */
	int		 sent_auth;
	int		 tls;		/* STARTTLS went out: later writes are TLS records */
};

static ssize_t	 fuzz_read(void *, void *, size_t, int);
static ssize_t	 fuzz_write(void *, const void *, size_t);
static void	 fuzz_no_secret(const char *);

static ssize_t
fuzz_read(void *arg, void *buf, size_t len, int timeout_ms)
{
	struct fuzz_server	*s = arg;
	const uint8_t		*sep;
	size_t			 n;

	(void)timeout_ms;
	if (s->p == s->turn_end) {
		if (s->p == s->end)
			return (0);
		/* The server's next turn, after the separator that ended this one. */
		if (s->p != s->end && *s->p == FUZZ_TURN)
			s->p++;
		sep = memchr(s->p, FUZZ_TURN, (size_t)(s->end - s->p));
		s->turn_end = sep != NULL ? sep : s->end;
		if (s->p == s->turn_end) {
			/* An empty turn: the server sent nothing this time. */
			errno = ETIMEDOUT;
			return (-1);
		}
	}
	n = (size_t)(s->turn_end - s->p);
	if (n > len)
		n = len;
	if (s->chunk != 0 && n > s->chunk)
		n = s->chunk;
	memcpy(buf, s->p, n);
	s->p += n;
	return ((ssize_t)n);
}

/*
 * What we send in plain text: whole lines ending in CRLF, never a bare CR or LF (hostile
 * row 47). After STARTTLS the writes are the handshake's binary records.
 */
static ssize_t
fuzz_write(void *arg, const void *buf, size_t len)
{
	struct fuzz_server	*s = arg;
	const char		*b = buf;
	size_t			 i;

	if (len >= 5 && strncmp(b, "AUTH ", 5) == 0)
		s->sent_auth = 1;
	if (!s->may_auth) {
		FUZZ_CHECK(!s->sent_auth);
		for (i = 0; i < sizeof fuzz_secrets / sizeof fuzz_secrets[0]; i++)
			FUZZ_CHECK(memmem(b, len, fuzz_secrets[i],
			    strlen(fuzz_secrets[i])) == NULL);
	}
	if (s->tls)
		return ((ssize_t)len);
	if (len == 10 && memcmp(b, "STARTTLS\r\n", 10) == 0)
		s->tls = 1;
	for (i = 0; i < len; i++) {
		if (b[i] == '\r')
			FUZZ_CHECK(i + 1 < len && b[i + 1] == '\n');
		if (b[i] == '\n')
			FUZZ_CHECK(i > 0 && b[i - 1] == '\r');
	}
	return ((ssize_t)len);
}

/*
 * Text for the screen or the report: sanitised; what we sent ("C: " lines) never shows the
 * password in any form (hostile row 14). The server's words may hold anything, even the
 * blob: the fuzzer finds it by watching our comparisons.
 */
static void
fuzz_no_secret(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	FUZZ_CHECK(sanitize_is_safe(s));
	if (strncmp(s, "C: ", 3) != 0)
		return;
	for (i = 0; i < sizeof fuzz_secrets / sizeof fuzz_secrets[0]; i++)
		FUZZ_CHECK(strstr(s, fuzz_secrets[i]) == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const	 mechs[] = { NULL, "PLAIN", "LOGIN", "CRAM-MD5" };
	struct smtp_client_config	 cfg;
	struct tls_config		 tc;
	struct smtp_session_result	 res;
	struct fuzz_server		 srv;
	struct transport		*t;
	char				*cause = NULL;
	size_t				 i;
	int				 rc;

	if (size < 2)
		return (0);
	memset(&tc, 0, sizeof tc);
	tc.servername = "mail.example.com";
	tc.timeout_ms = 1000;
	memset(&cfg, 0, sizeof cfg);
	cfg.helo_name = "client.example.org";
	cfg.security = (data[0] & 0x80) ? SMTP_SECURITY_STARTTLS : SMTP_SECURITY_NONE;
	cfg.tls = &tc;
	if (data[0] & 0x04) {
		cfg.user = "ann@example.com";
		cfg.password = FUZZ_PASSWORD;
		cfg.mech = mechs[data[0] & 0x03];
	}
	cfg.allow_plaintext_auth = (data[0] & 0x40) != 0;
	if (data[0] & 0x08)
		cfg.mail_from = "ann@example.com";
	if ((data[0] & 0x18) == 0x18)
		cfg.rcpt_to = "bob@example.net";
	if ((data[0] & 0x28) == 0x28) {
		cfg.data_to = "bob@example.net";
		cfg.data_message = "Subject: fuzz\r\n\r\nhello\n.\n..\r\n.x\r\n";
	}
	cfg.timeout_ms = 1000;

	memset(&srv, 0, sizeof srv);
	srv.p = srv.turn_end = data + 2;
	srv.end = data + size;
	srv.chunk = data[1] & 0x07;
	/* The first turn starts at once, not after a separator. */
	if (srv.p != srv.end && *srv.p != FUZZ_TURN) {
		const uint8_t	*sep = memchr(srv.p, FUZZ_TURN, (size_t)(srv.end - srv.p));

		srv.turn_end = sep != NULL ? sep : srv.end;
	}
	srv.may_auth = cfg.allow_plaintext_auth || cfg.security != SMTP_SECURITY_NONE;

	t = transport_mem(fuzz_read, fuzz_write, &srv);
	smtp_session_result_init(&res);
	rc = smtp_client_run(t, &cfg, &res, &cause);
	FUZZ_CHECK(rc == 0 && cause == NULL);
	FUZZ_CHECK(res.failure < SMTP_FAILURE_COUNT && res.phase < SMTP_PHASE_COUNT);
	FUZZ_CHECK(smtp_failure_name(res.failure) != NULL);
	FUZZ_CHECK((res.failure == SMTP_FAIL_NONE) == (res.phase == SMTP_PHASE_DONE));
	if (res.authenticated)
		FUZZ_CHECK(res.auth_sent);
	if (res.auth_sent && !res.tls)
		FUZZ_CHECK(cfg.allow_plaintext_auth);
	FUZZ_CHECK(srv.sent_auth || !res.auth_sent);
	fuzz_no_secret(res.detail);
	fuzz_no_secret(res.queue_id);
	for (i = 0; i < res.transcript.n; i++)
		fuzz_no_secret(res.transcript.v[i]);
	for (i = 0; i < res.notes.n; i++)
		fuzz_no_secret(res.notes.v[i]);
	for (i = 0; i < res.reply.lines.n; i++)
		FUZZ_CHECK(sanitize_is_safe(res.reply.lines.v[i]));
	smtp_session_result_free(&res);
	transport_free(t);
	return (0);
}
