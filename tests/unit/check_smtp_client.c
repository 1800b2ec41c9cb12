/* check_smtp_client.c: unit tests for the transport, SASL and the SMTP dialogue. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sasl.h"
#include "smtp-client.h"
#include "smtp.h"
#include "transport.h"
#include "util.h"

/* What the scripted server does once a step's reply has been read. */
#define SRV_WAIT	0	/* waits for the next command (silence) */
#define SRV_CLOSE	1	/* closes the connection (FIN) */
#define SRV_RESET	2	/* resets it (RST) */

/* How the scripted server talks. */
#define SRV_NORMAL	0
#define SRV_DRIP	1	/* one byte per read, SRV_DRIP_MS apart (hostile row 18) */
#define SRV_ENDLESS	2	/* after the script, "250-" lines for ever (row 19) */
#define SRV_REPEAT	3	/* after the script, the last reply again for every command */

#define SRV_DRIP_MS	20
#define TEST_TIMEOUT_MS	400

#define TEST_USER	"anna@example.com"
#define TEST_PASS	"s3cret-Pa55"
#define TEST_HELO	"client.example.org"

/* One step: the command it answers, and the bytes that answer it. */
struct step {
	const char	*expect;	/* the command starts with this; NULL: sent right after
					   the step before (the greeting, a split reply) */
	const char	*reply;		/* NULL: no answer */
	size_t		 len;		/* 0: strlen(reply) */
	int		 then;		/* SRV_WAIT, SRV_CLOSE, SRV_RESET */
	int		 delay_ms;	/* silence before the reply */
};

struct server {
	const struct step	*steps;
	size_t			 nsteps;
	size_t			 next;		/* the step the next command loads */
	size_t			 last;		/* the step loaded last */
	int			 mode;
	const char		*out;
	size_t			 outlen, outoff;
	int			 delay_ms;
	int			 then;
	size_t			 endless_off;
	char			 in[8192];
	size_t			 inlen;
	struct strlist		 lines;		/* every command received, without CRLF */
	char			*wire;		/* every byte received */
	size_t			 wirelen;
	int			 writes;
	int			 bad_writes;	/* writes that were not exactly one command */
	int			 early;		/* commands sent before our reply was read */
	int			 mismatches;	/* commands the script did not expect */
	int			 in_data;	/* after a 354: lines are the message until "." */
	struct strlist		 body;		/* the message's lines as received (stuffed) */
	int			 pipelining;	/* a reply it sent offered PIPELINING */
	int			 grouping;	/* the lines being read came in one group */
	int			 groups;	/* writes that held a pipelined group */
	char			*pipebuf;	/* the replies owed to a group, in order */
};

struct run {
	struct server			 srv;
	struct smtp_session_result	 res;
	int				 ret;
	char				*cause;
	long long			 elapsed_ms;
};

static void	 sleep_ms(int);
static void	 srv_load(struct server *, size_t);
static ssize_t	 srv_read(void *, void *, size_t, int);
static ssize_t	 srv_write(void *, const void *, size_t);
static void	 srv_line(struct server *, const char *);
static int	 srv_group(struct server *, const char *, size_t);
static int	 srv_got(const struct server *, const char *);
static int	 transcript_has(const struct smtp_session_result *, const char *);
static void	 config_default(struct smtp_client_config *);
static void	 run(struct run *, const struct step *, size_t, int,
		     const struct smtp_client_config *);
static void	 run_free(struct run *);
static ssize_t	 feed_read(void *, void *, size_t, int);
static ssize_t	 feed_write(void *, const void *, size_t);
static unsigned int fuzz_next(unsigned int *);
static void	 tls_lab(void);
static void	 tls_lab_clean(void);
static pid_t	 tls_server(const char *, int *);
static int	 tls_run(const char *, enum smtp_security, const char *,
		     struct smtp_session_result *);
static Suite	*smtp_client_suite(void);

static void
sleep_ms(int ms)
{
	struct timespec	 ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
srv_load(struct server *s, size_t i)
{
	const struct step	*st = &s->steps[i];

	s->out = st->reply;
	s->outlen = st->reply == NULL ? 0 : st->len != 0 ? st->len : strlen(st->reply);
	s->outoff = 0;
	if (st->reply != NULL && strstr(st->reply, "PIPELINING") != NULL)
		s->pipelining = 1;
	s->delay_ms = st->delay_ms;
	s->then = st->then;
	s->last = i;
	s->next = i + 1;
}

static ssize_t
srv_read(void *arg, void *buf, size_t len, int timeout_ms)
{
	static const char	 pattern[] = "250-ENDLESS-EXTENSION\r\n";
	struct server		*s = arg;
	size_t			 n, i;
	int			 d;

	for (;;) {
		if (s->outoff < s->outlen) {
			if (s->delay_ms > 0) {
				d = s->delay_ms < timeout_ms ? s->delay_ms : timeout_ms;
				sleep_ms(d);
				s->delay_ms -= d;
				if (s->delay_ms > 0) {
					errno = ETIMEDOUT;
					return (-1);
				}
			}
			n = s->outlen - s->outoff;
			if (n > len)
				n = len;
			if (s->mode == SRV_DRIP) {
				sleep_ms(SRV_DRIP_MS);
				n = 1;
			}
			memcpy(buf, s->out + s->outoff, n);
			s->outoff += n;
			return ((ssize_t)n);
		}
		if (s->then == SRV_WAIT && s->next < s->nsteps &&
		    s->steps[s->next].expect == NULL) {
			srv_load(s, s->next);
			continue;
		}
		break;
	}
	if (s->mode == SRV_ENDLESS && s->then == SRV_WAIT && s->next >= s->nsteps) {
		for (i = 0; i < len; i++) {
			((char *)buf)[i] = pattern[s->endless_off++];
			if (s->endless_off == sizeof pattern - 1)
				s->endless_off = 0;
		}
		return ((ssize_t)len);
	}
	if (s->then == SRV_CLOSE)
		return (0);
	if (s->then == SRV_RESET) {
		errno = ECONNRESET;
		return (-1);
	}
	sleep_ms(timeout_ms);
	errno = ETIMEDOUT;
	return (-1);
}

static void
srv_line(struct server *s, const char *line)
{
	const char	*want, *pend = NULL;
	char		*buf;
	size_t		 npend = 0;

	if (s->in_data) {
		if (strcmp(line, ".") != 0) {
			strlist_add(&s->body, line);
			return;
		}
		s->in_data = 0;
	}
	strlist_add(&s->lines, line);
	/* RFC 2920: in a pipelined group, a reply still going out is owed, not early. */
	if (s->outoff < s->outlen && s->grouping) {
		pend = s->out + s->outoff;
		npend = s->outlen - s->outoff;
	} else if (s->outoff < s->outlen)
		s->early++;
	while (s->next < s->nsteps && s->steps[s->next].expect == NULL) {
		s->early++;	/* the client spoke before the server had finished */
		s->next++;
	}
	if (s->next < s->nsteps) {
		want = s->steps[s->next].expect;
		if (strncmp(line, want, strlen(want)) != 0) {
			fprintf(stderr, "scripted server: got \"%s\", expected \"%s\"\n", line,
			    want);
			s->mismatches++;
		}
		srv_load(s, s->next);
		if (npend > 0) {
			/* The replies go out in the order of the commands. */
			buf = xmalloc(npend + s->outlen + 1);
			memcpy(buf, pend, npend);
			if (s->outlen > 0)
				memcpy(buf + npend, s->out, s->outlen);
			free(s->pipebuf);
			s->pipebuf = buf;
			s->out = buf;
			s->outlen += npend;
		}
		/* RFC 5321 4.1.1.4: after 354 to DATA, the message follows up to ".". */
		if (strcmp(line, "DATA") == 0 && s->out != NULL && strncmp(s->out, "354", 3) == 0)
			s->in_data = 1;
		return;
	}
	if (s->mode == SRV_REPEAT && s->nsteps > 0) {
		srv_load(s, s->last);
		return;
	}
	/* Unscripted: no answer to it, but the replies owed before it still go out. */
	if (npend > 0)
		return;
	s->out = NULL;
	s->outlen = s->outoff = 0;
	s->then = SRV_WAIT;
}

static ssize_t
srv_write(void *arg, const void *buf, size_t len)
{
	struct server	*s = arg;
	const char	*p = buf, *lf;
	char		*line;
	size_t		 n;

	s->wire = xreallocarray(s->wire, s->wirelen + len + 1, 1);
	memcpy(s->wire + s->wirelen, buf, len);
	s->wirelen += len;
	s->wire[s->wirelen] = '\0';
	s->writes++;
	/*
	 * Field notes (Cisco ASA): every command in one write, nothing more (not the
	 * message); a pipelined group (RFC 2920) is one write of whole commands.
	 */
	s->grouping = !s->in_data && srv_group(s, p, len);
	if (!s->in_data && !s->grouping && (len < 2 || memcmp(p + len - 2, "\r\n", 2) != 0 ||
	    memchr(p, '\n', len) != p + len - 1))
		s->bad_writes++;

	if (len > sizeof s->in - s->inlen)
		ck_abort_msg("scripted server: command too long");
	memcpy(s->in + s->inlen, buf, len);
	s->inlen += len;
	while ((lf = memchr(s->in, '\n', s->inlen)) != NULL) {
		n = (size_t)(lf - s->in);
		line = xstrndup(s->in, n > 0 && s->in[n - 1] == '\r' ? n - 1 : n);
		srv_line(s, line);
		free(line);
		memmove(s->in, lf + 1, s->inlen - n - 1);
		s->inlen -= n + 1;
	}
	s->grouping = 0;
	return ((ssize_t)len);
}

/*
 * 1 when buf is a pipelined group the server may take: it offered PIPELINING, and the
 * write holds two or more whole commands, each MAIL, RCPT or RSET (RFC 2920 3.1).
 */
static int
srv_group(struct server *s, const char *buf, size_t len)
{
	const char	*p = buf, *lf;
	int		 n = 0;

	if (!s->pipelining || len < 2 || memcmp(buf + len - 2, "\r\n", 2) != 0)
		return (0);
	while (p < buf + len) {
		if ((size_t)(buf + len - p) < 4 || (strncmp(p, "MAIL", 4) != 0 &&
		    strncmp(p, "RCPT", 4) != 0 && strncmp(p, "RSET", 4) != 0))
			return (0);
		lf = memchr(p, '\n', (size_t)(buf + len - p));
		if (lf == NULL || lf == p || lf[-1] != '\r')
			return (0);
		p = lf + 1;
		n++;
	}
	if (n < 2)
		return (0);
	s->groups++;
	return (1);
}

/* The number of commands that start with prefix. */
static int
srv_got(const struct server *s, const char *prefix)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < s->lines.n; i++) {
		if (strncmp(s->lines.v[i], prefix, strlen(prefix)) == 0)
			n++;
	}
	return (n);
}

static int
transcript_has(const struct smtp_session_result *r, const char *needle)
{
	size_t	 i;

	for (i = 0; i < r->transcript.n; i++) {
		if (strstr(r->transcript.v[i], needle) != NULL)
			return (1);
	}
	return (0);
}

static void
config_default(struct smtp_client_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->helo_name = TEST_HELO;
	cfg->security = SMTP_SECURITY_NONE;
	cfg->timeout_ms = TEST_TIMEOUT_MS;
}

static void
run(struct run *r, const struct step *steps, size_t nsteps, int mode,
    const struct smtp_client_config *cfg)
{
	struct transport	*t;
	long long		 start;

	memset(r, 0, sizeof *r);
	r->srv.steps = steps;
	r->srv.nsteps = nsteps;
	r->srv.mode = mode;
	if (nsteps > 0 && steps[0].expect == NULL)
		srv_load(&r->srv, 0);
	smtp_session_result_init(&r->res);
	t = transport_mem(srv_read, srv_write, &r->srv);
	start = mono_ms();
	r->ret = smtp_client_run(t, cfg, &r->res, &r->cause);
	r->elapsed_ms = mono_ms() - start;
	transport_free(t);

	ck_assert_msg(r->srv.mismatches == 0, "the client sent commands out of script");
	ck_assert_msg(r->srv.bad_writes == 0, "a command was not sent as one write");
	ck_assert_msg(r->srv.early == 0, "the client spoke before the server had finished");
	/* Only a test message the caller asked for may ever bring DATA. */
	if (cfg->data_to == NULL)
		ck_assert_int_eq(srv_got(&r->srv, "DATA"), 0);
	if (r->ret == 0)
		ck_assert_ptr_null(r->cause);
}

static void
run_free(struct run *r)
{
	smtp_session_result_free(&r->res);
	strlist_free(&r->srv.lines);
	strlist_free(&r->srv.body);
	free(r->srv.pipebuf);
	free(r->srv.wire);
	free(r->cause);
}

#define RUN(r, steps, mode, cfg) run(r, steps, sizeof steps / sizeof steps[0], mode, cfg)

#define ASSERT_FAILURE(r, f, p) do {							\
	ck_assert_msg((r)->res.failure == (f), "failure %s, want %s (%s)",		\
	    smtp_failure_name((r)->res.failure), smtp_failure_name(f),			\
	    (r)->res.detail != NULL ? (r)->res.detail : "");				\
	ck_assert_msg((r)->res.phase == (p), "phase %s, want %s",			\
	    smtp_phase_name((r)->res.phase), smtp_phase_name(p));			\
} while (0)

static const char greeting[] = "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n";
static const char ehlo_auth[] = "250-mail.example.com\r\n250-PIPELINING\r\n"
    "250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250-ENHANCEDSTATUSCODES\r\n"
    "250-8BITMIME\r\n250 SMTPUTF8\r\n";
static const char ehlo_plain_login[] = "250-mail.example.com\r\n250-AUTH PLAIN LOGIN\r\n"
    "250 ENHANCEDSTATUSCODES\r\n";
static const char ehlo_starttls[] = "250-mail.example.com\r\n250-PIPELINING\r\n"
    "250-STARTTLS\r\n250 8BITMIME\r\n";

/* ---- the healthy paths ----------------------------------------------------------------- */

START_TEST(test_healthy_plain)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO " TEST_HELO, ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RCPT TO:<" TEST_USER ">", "250 2.1.5 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "QUIT", NULL, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	cfg.mail_from = cfg.rcpt_to = TEST_USER;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ck_assert_int_eq(r.ret, 0);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_ptr_null(r.res.detail);
	ck_assert_int_eq(r.res.greeting.code, 220);
	ck_assert_str_eq(r.res.greeting.lines.v[0], "mail.example.com ESMTP Postfix (Debian/GNU)");
	ck_assert_int_eq(r.res.have_caps, 1);
	ck_assert_int_eq(r.res.caps.starttls, 1);
	ck_assert_int_eq(r.res.have_caps_tls, 0);
	ck_assert_int_eq(r.res.mail_accepted, 1);
	ck_assert_int_eq(r.res.rcpt_accepted, 1);
	/* The last reply that matters is RCPT's, not RSET's. */
	ck_assert_int_eq(r.res.reply.code, 250);
	ck_assert_str_eq(r.res.reply.enhanced, "2.1.5");
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "STARTTLS"), 0);
	ck_assert_uint_eq(r.srv.lines.n, 5);
	ck_assert(transcript_has(&r.res, "C: EHLO " TEST_HELO));
	ck_assert(transcript_has(&r.res, "S: 250-STARTTLS"));
	ck_assert(transcript_has(&r.res, "C: QUIT"));
	ck_assert(r.res.timings.greeting_ms >= 0);
	ck_assert(r.res.timings.rcpt_ms >= 0);
	ck_assert(r.res.timings.auth_ms == -1);
	ck_assert(r.res.timings.total_ms >= 0);
	ck_assert_uint_eq(r.res.notes.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_healthy_no_envelope)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Nothing asked beyond EHLO: QUIT straight after. */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "MAIL"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "RSET"), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_healthy_plaintext_auth)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH PLAIN AGFubmFAZXhhbXBsZS5jb20AczNjcmV0LVBhNTU=",
		    "235 2.7.0 Authentication successful\r\n", 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 6: only with the explicit per-run consent, and the result says so. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mail_from = TEST_USER;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.authenticated, 1);
	ck_assert_int_eq(r.res.auth_sent, 1);
	ck_assert_int_eq(r.res.auth_plaintext, 1);
	ck_assert_str_eq(r.res.auth_mech, "PLAIN");
	ck_assert_uint_eq(r.res.notes.n, 1);
	ck_assert(r.res.timings.auth_ms >= 0);
	ck_assert(transcript_has(&r.res, "C: AUTH PLAIN " SMTP_CLIENT_HIDDEN));
	run_free(&r);
}
END_TEST

START_TEST(test_split_greeting)
{
	static const struct step	 steps[] = {
		{ NULL, "220-mail.example.com ESMTP\r\n", 0, SRV_WAIT, 0 },
		{ NULL, "220-please wait\r\n", 0, SRV_WAIT, 150 },
		{ NULL, "220 ready\r\n", 0, SRV_WAIT, 150 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 54: pauses inside the greeting; EHLO only after its last line. */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_uint_eq(r.res.greeting.lines.n, 3);
	ck_assert_str_eq(r.res.greeting.lines.v[2], "ready");
	ck_assert(r.res.timings.greeting_ms >= 250);
	run_free(&r);
}
END_TEST

START_TEST(test_helo_fallback)
{
	static const struct step	 steps[] = {
		{ NULL, "220 old.example.com SMTP\r\n", 0, SRV_WAIT, 0 },
		{ "EHLO ", "502 5.5.2 Error: command not recognized\r\n", 0, SRV_WAIT, 0 },
		{ "HELO " TEST_HELO, "250 old.example.com\r\n", 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<", "250 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RSET", "250 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	cfg.mail_from = TEST_USER;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.caps.esmtp, 0);
	ck_assert_str_eq(r.res.caps.domain, "old.example.com");
	ck_assert_uint_eq(r.res.notes.n, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_helo_never_auth)
{
	static const struct step	 steps[] = {
		{ NULL, "220 old.example.com SMTP\r\n", 0, SRV_WAIT, 0 },
		{ "EHLO ", "500 5.5.1 Command unrecognized\r\n", 0, SRV_WAIT, 0 },
		{ "HELO ", "250 old.example.com\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 5: no ESMTP, so never fall through to AUTH, whatever is allowed. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_NOT_OFFERED, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_int_eq(r.res.auth_sent, 0);
	run_free(&r);

	/* Nor STARTTLS when TLS is required. */
	config_default(&cfg);
	cfg.security = SMTP_SECURITY_STARTTLS;
	cfg.tls = &(struct tls_config){ .servername = "mail.example.com", .timeout_ms = 100 };
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_STARTTLS_NOT_OFFERED, SMTP_PHASE_STARTTLS);
	ck_assert_int_eq(srv_got(&r.srv, "STARTTLS"), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_helo_refused)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "502 5.5.2 no\r\n", 0, SRV_WAIT, 0 },
		{ "HELO ", "501 5.5.2 bad name\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 steps2[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "550 5.7.1 go away\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_EHLO_REJECTED, SMTP_PHASE_HELO);
	ck_assert_int_eq(r.res.reply.code, 501);
	run_free(&r);

	/* Only 500 and 502 mean "no ESMTP" (RFC 5321 4.1.4); 550 is a refusal. */
	RUN(&r, steps2, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_EHLO_REJECTED, SMTP_PHASE_EHLO);
	ck_assert_int_eq(srv_got(&r.srv, "HELO"), 0);
	run_free(&r);
}
END_TEST

/* ---- greetings ------------------------------------------------------------------------- */

START_TEST(test_invalid_greeting)
{
	static const struct step	 steps[] = {
		{ NULL, "XYZ\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 steps2[] = {
		{ NULL, "2200 mail.example.com\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 steps3[] = {
		{ NULL, "220-mail.example.com\r\nXYZ\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 5: report as broken, say nothing. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NOT_SMTP, SMTP_PHASE_GREETING);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	ck_assert(transcript_has(&r.res, "S: XYZ"));
	ck_assert_int_eq(r.res.greeting.code, 0);
	run_free(&r);

	RUN(&r, steps2, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NOT_SMTP, SMTP_PHASE_GREETING);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	run_free(&r);

	/* An SMTP greeting that goes wrong later is a broken server, not "not SMTP". */
	RUN(&r, steps3, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_GREETING);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_greeting_554)
{
	static const struct step	 steps[] = {
		{ NULL, "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using "
		    "zen.spamhaus.org\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 51: recorded with the server's words; QUIT as RFC 5321 3.1 asks. */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_GREETING_REJECTED, SMTP_PHASE_GREETING);
	ck_assert_int_eq(r.res.greeting.code, 554);
	ck_assert_str_eq(r.res.greeting.enhanced, "5.7.1");
	ck_assert_ptr_nonnull(strstr(r.res.greeting.lines.v[0], "zen.spamhaus.org"));
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "EHLO"), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_greeting_421)
{
	static const struct step	 steps[] = {
		{ NULL, "421 4.7.0 mail.example.com Too many connections, closing\r\n", 0,
		    SRV_CLOSE, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 50: the server is leaving; no retries, no QUIT. */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_SERVICE_UNAVAILABLE, SMTP_PHASE_GREETING);
	ck_assert_int_eq(r.res.reply.code, 421);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_silent_server)
{
	static const struct step	 steps[] = {
		{ NULL, NULL, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 17 (and row 39: a port waiting for a ClientHello looks the same). */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_GREETING_TIMEOUT, SMTP_PHASE_GREETING);
	ck_assert(r.elapsed_ms >= TEST_TIMEOUT_MS - 50);
	ck_assert(r.elapsed_ms < TEST_TIMEOUT_MS + 500);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_drip_feed)
{
	static const struct step	 steps[] = {
		{ NULL, "220 mail.example.com ESMTP a greeting long enough to take seconds "
		    "when it arrives one byte at a time\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 18: every byte comes well within a read timeout, the reply never in time. */
	config_default(&cfg);
	RUN(&r, steps, SRV_DRIP, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_GREETING_TIMEOUT, SMTP_PHASE_GREETING);
	ck_assert_msg(r.elapsed_ms < TEST_TIMEOUT_MS + 300, "took %lld ms", r.elapsed_ms);
	run_free(&r);
}
END_TEST

START_TEST(test_drip_feed_later)
{
	static const struct step	 steps[] = {
		{ NULL, "220 x\r\n", 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
		    "250-ETRN\r\n250 8BITMIME\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	RUN(&r, steps, SRV_DRIP, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_TIMEOUT, SMTP_PHASE_EHLO);
	ck_assert_msg(r.elapsed_ms < 2 * TEST_TIMEOUT_MS + 300, "took %lld ms", r.elapsed_ms);
	run_free(&r);
}
END_TEST

/* ---- STARTTLS -------------------------------------------------------------------------- */

static const struct tls_config test_tls = {
	.servername = "mail.example.com", .timeout_ms = 200, .system_trust = 0
};

START_TEST(test_starttls_injection)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "STARTTLS", "220 Ready\r\n250-x\r\n250 AUTH PLAIN\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 steps2[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "STARTTLS", "220 Ready\r\n250-x", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 2, both variants: abort, never read the bytes, never log in. */
	config_default(&cfg);
	cfg.security = SMTP_SECURITY_STARTTLS;
	cfg.tls = &test_tls;
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_STARTTLS_INJECTION, SMTP_PHASE_STARTTLS);
	ck_assert_int_eq(r.res.tls, 0);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	ck_assert_uint_eq(r.srv.lines.n, 2);	/* EHLO, STARTTLS: not even QUIT */
	ck_assert(!transcript_has(&r.res, "AUTH PLAIN"));
	ck_assert_str_eq(r.res.transcript.v[r.res.transcript.n - 1], "S: 220 Ready");
	ck_assert_ptr_nonnull(strstr(r.res.detail, "bytes"));
	run_free(&r);

	RUN(&r, steps2, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_STARTTLS_INJECTION, SMTP_PHASE_STARTTLS);
	ck_assert_uint_eq(r.srv.lines.n, 2);
	run_free(&r);
}
END_TEST

START_TEST(test_starttls_stripped)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
	};
	static const struct step	 asa[] = {
		{ NULL, "220 ****************************2******0*****0**\r\n", 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-mail.example.com\r\n250-XXXXXXXA\r\n250 AUTH PLAIN\r\n", 0,
		    SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 3: AUTH but no STARTTLS on a port where TLS is required: no credentials. */
	config_default(&cfg);
	cfg.security = SMTP_SECURITY_STARTTLS;
	cfg.tls = &test_tls;
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;	/* even so: STARTTLS was required */
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_STARTTLS_NOT_OFFERED, SMTP_PHASE_STARTTLS);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "STARTTLS"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_uint_eq(r.res.caps.auth, SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN);
	ck_assert_uint_eq(r.res.notes.n, 1);
	run_free(&r);

	/* Row 36: what an ESMTP-inspecting firewall leaves. */
	RUN(&r, asa, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_STARTTLS_NOT_OFFERED, SMTP_PHASE_STARTTLS);
	ck_assert_int_eq(r.res.caps.masked, 1);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	run_free(&r);
}
END_TEST

static const struct {
	const char		*reply;
	enum smtp_failure	 want;
	int			 quit;
} starttls_cases[] = {
	{ "454 4.7.0 TLS not available due to local problem\r\n", SMTP_FAIL_STARTTLS_REFUSED,
	    1 },
	{ "502 5.5.1 Unrecognized command\r\n", SMTP_FAIL_STARTTLS_REFUSED, 1 },
	{ "500 5.5.1 what\r\n", SMTP_FAIL_STARTTLS_REFUSED, 1 },
	{ "554 5.7.3 no\r\n", SMTP_FAIL_STARTTLS_REFUSED, 1 },
	{ "354 go ahead\r\n", SMTP_FAIL_PROTOCOL_ERROR, 0 },
	{ "250 sure\r\n", SMTP_FAIL_PROTOCOL_ERROR, 0 },
	{ "421 4.3.2 Service shutting down\r\n", SMTP_FAIL_SERVICE_UNAVAILABLE, 0 },
};

START_TEST(test_starttls_refused)
{
	struct step			 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-mail.example.com\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n", 0,
		    SRV_WAIT, 0 },
		{ "STARTTLS", starttls_cases[_i].reply, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 4: never plain-text AUTH after a failed STARTTLS; one finding per answer. */
	config_default(&cfg);
	cfg.security = SMTP_SECURITY_STARTTLS;
	cfg.tls = &test_tls;
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, starttls_cases[_i].want, SMTP_PHASE_STARTTLS);
	ck_assert_int_eq(r.res.reply.code, atoi(starttls_cases[_i].reply));
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), starttls_cases[_i].quit);
	ck_assert_int_eq(r.res.tls, 0);
	run_free(&r);
}
END_TEST

/* ---- AUTH ------------------------------------------------------------------------------ */

START_TEST(test_plaintext_auth_refused)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 6: cleartext AUTH offered on a port without TLS: refused by default. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.mail_from = TEST_USER;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PLAINTEXT_REFUSED, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "MAIL"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_int_eq(r.res.auth_sent, 0);
	ck_assert_ptr_null(strstr(r.srv.wire, "AGFubmFA"));
	run_free(&r);
}
END_TEST

static const struct {
	const char	*reply;
	int		 code;
	const char	*enhanced;
	enum smtp_failure want;
} auth_cases[] = {
	{ "535 5.7.8 Username and Password not accepted.\r\n", 535, "5.7.8",
	    SMTP_FAIL_AUTH_REJECTED },
	{ "534-5.7.9 Application-specific password required.\r\n534 5.7.9 Learn more\r\n", 534,
	    "5.7.9", SMTP_FAIL_AUTH_REJECTED },
	{ "454 4.7.0 Too many login attempts, please try again later.\r\n", 454, "4.7.0",
	    SMTP_FAIL_AUTH_REJECTED },
	{ "530 5.7.0 Must issue a STARTTLS command first\r\n", 530, "5.7.0",
	    SMTP_FAIL_AUTH_REJECTED },
	{ "538 5.7.11 Encryption required for requested authentication mechanism\r\n", 538,
	    "5.7.11", SMTP_FAIL_AUTH_REJECTED },
	{ "504 5.5.4 Unrecognized authentication type\r\n", 504, "5.5.4",
	    SMTP_FAIL_AUTH_REJECTED },
	{ "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.\r\n",
	    535, "5.7.139", SMTP_FAIL_AUTH_REJECTED },
	{ "421 4.7.0 Try again later, closing connection.\r\n", 421, "4.7.0",
	    SMTP_FAIL_SERVICE_UNAVAILABLE },
	{ "250 2.0.0 fine\r\n", 250, "2.0.0", SMTP_FAIL_AUTH_PROTOCOL },
};

START_TEST(test_auth_codes)
{
	struct step			 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH PLAIN ", auth_cases[_i].reply, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 56: each code kept with its enhanced code for the cause table; one attempt. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mail_from = TEST_USER;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, auth_cases[_i].want, SMTP_PHASE_AUTH);
	ck_assert_int_eq(r.res.reply.code, auth_cases[_i].code);
	ck_assert_str_eq(r.res.reply.enhanced, auth_cases[_i].enhanced);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "MAIL"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"),
	    auth_cases[_i].want == SMTP_FAIL_AUTH_REJECTED ? 1 : 0);
	ck_assert_int_eq(r.res.authenticated, 0);
	ck_assert_int_eq(r.res.auth_sent, 1);
	run_free(&r);
}
END_TEST

START_TEST(test_auth_choice)
{
	static const struct step	 all[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH LOGIN PLAIN CRAM-MD5\r\n", 0, SRV_WAIT, 0 },
		{ "AUTH CRAM-MD5", "535 5.7.8 no\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 two[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH LOGIN PLAIN\r\n", 0, SRV_WAIT, 0 },
		{ "AUTH PLAIN ", "535 5.7.8 no\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 login[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH=LOGIN\r\n", 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "535 5.7.8 no\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 forced[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH LOGIN PLAIN CRAM-MD5\r\n", 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "535 5.7.8 no\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 oauth[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH XOAUTH2 OAUTHBEARER\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 gssapi[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH GSSAPI\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 none[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 8BITMIME\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 offered[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-x\r\n250 AUTH LOGIN PLAIN\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;

	RUN(&r, all, SRV_NORMAL, &cfg);
	ck_assert_str_eq(r.res.auth_mech, "CRAM-MD5");
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 1);
	run_free(&r);
	RUN(&r, two, SRV_NORMAL, &cfg);
	ck_assert_str_eq(r.res.auth_mech, "PLAIN");
	run_free(&r);
	RUN(&r, login, SRV_NORMAL, &cfg);
	ck_assert_str_eq(r.res.auth_mech, "LOGIN");
	run_free(&r);
	RUN(&r, oauth, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_ONLY_OAUTH, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	run_free(&r);
	RUN(&r, gssapi, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_NOT_OFFERED, SMTP_PHASE_AUTH);
	run_free(&r);
	RUN(&r, none, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_NOT_OFFERED, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	run_free(&r);

	cfg.mech = "login";
	RUN(&r, forced, SRV_NORMAL, &cfg);
	ck_assert_str_eq(r.res.auth_mech, "LOGIN");
	run_free(&r);
	cfg.mech = "CRAM-MD5";
	RUN(&r, offered, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_NOT_OFFERED, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "AUTH"), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_auth_login_and_cram)
{
	static const struct step	 login[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", 0, SRV_WAIT, 0 },
		{ "YW5uYUBleGFtcGxlLmNvbQ==", "334 UGFzc3dvcmQ6\r\n", 0, SRV_WAIT, 0 },
		{ "czNjcmV0LVBhNTU=", "235 2.7.0 Authentication successful\r\n", 0, SRV_WAIT,
		    0 },
	};
	static const struct step	 cram[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },
		{ "AUTH CRAM-MD5",
		    "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n", 0,
		    SRV_WAIT, 0 },
		{ "YW5uYUBleGFtcGxlLmNvbSAzZmJhMzY3MTRjNmIxY2ZhMjM1OTAwYzc2ZGY1ZTk5Mg==",
		    "235 2.7.0 Authentication successful\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mech = "LOGIN";
	RUN(&r, login, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.authenticated, 1);
	run_free(&r);

	cfg.mech = NULL;
	RUN(&r, cram, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.authenticated, 1);
	ck_assert_str_eq(r.res.auth_mech, "CRAM-MD5");
	run_free(&r);
}
END_TEST

START_TEST(test_auth_235_early)
{
	static const struct step	 login[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "235 2.7.0 Authentication successful\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 half[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", 0, SRV_WAIT, 0 },
		{ "YW5uYUBleGFtcGxlLmNvbQ==", "235 2.7.0 ok\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 cram[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },
		{ "AUTH CRAM-MD5", "235 2.7.0 ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 55: success before the credentials is an anomaly, never "password verified". */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mail_from = TEST_USER;
	cfg.mech = "LOGIN";
	RUN(&r, login, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_int_eq(r.res.auth_anomaly, 1);
	ck_assert_int_eq(r.res.authenticated, 0);
	ck_assert_int_eq(r.res.auth_sent, 0);
	ck_assert_int_eq(srv_got(&r.srv, "MAIL"), 0);
	run_free(&r);

	RUN(&r, half, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_int_eq(r.res.auth_anomaly, 1);
	ck_assert_int_eq(r.res.authenticated, 0);
	run_free(&r);

	cfg.mech = NULL;
	RUN(&r, cram, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_int_eq(r.res.auth_anomaly, 1);
	run_free(&r);
}
END_TEST

static const struct {
	const char	*name;
	const char	*challenge;
} bad_challenges[] = {
	{ "rubbish", "334 Rubbish\r\n" },
	{ "empty", "334 \r\n" },
	{ "bare code", "334\r\n" },
	{ "bad padding", "334 PDE4OTY=x\r\n" },
	{ "padding inside", "334 PD=4OTYu\r\n" },
	{ "three pads", "334 P===\r\n" },
	{ "not text", "334 AAECAwQ=\r\n" },
	{ "two lines", "334-PDE4OTYuNjk3QHg+\r\n334 PDE4OTYuNjk3QHg+\r\n" },
};

START_TEST(test_auth_bad_challenge)
{
	struct step			 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },
		{ "AUTH CRAM-MD5", bad_challenges[_i].challenge, 0, SRV_WAIT, 0 },
		{ "*", "501 5.7.0 Authentication aborted\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 23: cancel with "*", report, no crash, nothing secret sent. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "*"), 1);
	ck_assert_int_eq(r.res.reply.code, 501);
	ck_assert_int_eq(r.res.auth_sent, 0);
	ck_assert_uint_eq(r.srv.lines.n, 4);	/* EHLO, AUTH, *, QUIT */
	ck_assert_uint_eq(r.res.notes.n, 2);	/* sent in plain text; cancelled */
	ck_assert_ptr_nonnull(strstr(r.res.notes.v[1], "login cancelled"));
	run_free(&r);
}
END_TEST

START_TEST(test_auth_huge_challenge)
{
	struct step			 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },
		{ "AUTH CRAM-MD5", NULL, 0, SRV_WAIT, 0 },
		{ "*", "501 5.7.0 Authentication aborted\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;
	char				*big;
	size_t				 n;

	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;

	/* Longer than SASL takes, shorter than a line: cancelled. */
	n = 3000;
	big = xmalloc(n + 7);
	memcpy(big, "334 ", 4);
	memset(big + 4, 'A', n);
	memcpy(big + 4 + n, "\r\n", 3);
	steps[2].reply = big;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "*"), 1);
	run_free(&r);
	free(big);

	/* A megabyte: the line limit ends the connection. */
	n = 1024 * 1024;
	big = xmalloc(n + 7);
	memcpy(big, "334 ", 4);
	memset(big + 4, 'A', n);
	memcpy(big + 4 + n, "\r\n", 3);
	steps[2].reply = big;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_AUTH);
	ck_assert_int_eq(srv_got(&r.srv, "*"), 0);
	ck_assert_int_eq(r.res.auth_sent, 0);
	run_free(&r);
	free(big);
}
END_TEST

START_TEST(test_auth_endless_334)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 plain[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH PLAIN", "334 \r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 24: 334 for ever: two answers, a cancel, then the connection is dropped. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mech = "LOGIN";
	RUN(&r, steps, SRV_REPEAT, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_uint_eq(r.srv.lines.n, 5);	/* EHLO, AUTH, user, password, * */
	ck_assert_int_eq(srv_got(&r.srv, "*"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 0);
	run_free(&r);

	/* PLAIN sent everything at once: any 334 is one too many. */
	cfg.mech = NULL;
	RUN(&r, plain, SRV_REPEAT, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_AUTH_PROTOCOL, SMTP_PHASE_AUTH);
	ck_assert_uint_eq(r.srv.lines.n, 3);	/* EHLO, AUTH PLAIN, * */
	run_free(&r);
}
END_TEST

START_TEST(test_redaction)
{
	static const struct step	 plain[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH PLAIN ", "235 2.7.0 ok\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 login[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH LOGIN", "334 VXNlcm5hbWU6\r\n", 0, SRV_WAIT, 0 },
		{ "YW5uYUBleGFtcGxlLmNvbQ==", "334 UGFzc3dvcmQ6\r\n", 0, SRV_WAIT, 0 },
		{ "czNjcmV0LVBhNTU=", "535 5.7.8 Error: authentication failed\r\n", 0,
		    SRV_WAIT, 0 },
	};
	static const struct step	 cram[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },
		{ "AUTH CRAM-MD5",
		    "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n", 0,
		    SRV_WAIT, 0 },
		{ "YW5uYUBleGFtcGxlLmNvbSAz", "535 5.7.8 no\r\n", 0, SRV_WAIT, 0 },
	};
	static const char *const secrets[] = {
		TEST_PASS,
		"AGFubmFAZXhhbXBsZS5jb20AczNjcmV0LVBhNTU=",	/* "\0user\0pass" */
		"czNjcmV0LVBhNTU",				/* the password */
		"YW5uYUBleGFtcGxlLmNvbQ",			/* the user name (LOGIN) */
		"YW5uYUBleGFtcGxlLmNvbSAzZmJh",			/* the CRAM-MD5 answer */
		"3fba36714c6b1cfa235900c76df5e992",		/* its HMAC */
	};
	const struct step		*scripts[] = { plain, login, cram };
	const size_t			 sizes[] = { 3, 5, 4 };
	struct smtp_client_config	 cfg;
	struct run			 r;
	size_t				 i, j, k;

	/* Row 14: whatever the mechanism, the transcript holds placeholders only. */
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	for (i = 0; i < 3; i++) {
		cfg.mech = i == 1 ? "LOGIN" : NULL;
		run(&r, scripts[i], sizes[i], SRV_NORMAL, &cfg);
		ck_assert_int_eq(r.res.auth_sent, 1);
		ck_assert(transcript_has(&r.res, SMTP_CLIENT_HIDDEN));
		for (j = 0; j < r.res.transcript.n; j++) {
			for (k = 0; k < sizeof secrets / sizeof secrets[0]; k++)
				ck_assert_msg(strstr(r.res.transcript.v[j], secrets[k]) == NULL,
				    "script %zu: \"%s\" shows a secret", i, r.res.transcript.v[j]);
		}
		for (j = 0; j < r.res.notes.n; j++)
			ck_assert_ptr_null(strstr(r.res.notes.v[j], TEST_PASS));
		if (r.res.detail != NULL)
			ck_assert_ptr_null(strstr(r.res.detail, TEST_PASS));
		run_free(&r);
	}
}
END_TEST

/* ---- the envelope ---------------------------------------------------------------------- */

START_TEST(test_mail_rcpt_rejected)
{
	static const struct step	 mail[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<", "550 5.7.60 SMTP; Client does not have permissions to send as "
		    "this sender\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 mail_nopipe[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<", "550 5.7.60 SMTP; Client does not have permissions to send as "
		    "this sender\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 rcpt[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RCPT TO:<", "554 5.7.1 <" TEST_USER ">: Relay access denied\r\n", 0,
		    SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	cfg.mail_from = cfg.rcpt_to = TEST_USER;
	RUN(&r, mail, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_MAIL_REJECTED, SMTP_PHASE_MAIL);
	ck_assert_str_eq(r.res.reply.enhanced, "5.7.60");
	/* The server offered PIPELINING: RCPT went only in the group with MAIL (RFC 2920). */
	ck_assert_int_eq(r.srv.groups, 1);
	ck_assert_int_eq(srv_got(&r.srv, "RCPT"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	run_free(&r);

	/* Without PIPELINING, a refused MAIL is never followed by RCPT. */
	RUN(&r, mail_nopipe, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_MAIL_REJECTED, SMTP_PHASE_MAIL);
	ck_assert_int_eq(r.srv.groups, 0);
	ck_assert_int_eq(srv_got(&r.srv, "RCPT"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	run_free(&r);

	/* The transaction is still closed with RSET; the RCPT reply stays the one reported. */
	RUN(&r, rcpt, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_RCPT_REJECTED, SMTP_PHASE_RCPT);
	ck_assert_int_eq(r.res.reply.code, 554);
	ck_assert_int_eq(srv_got(&r.srv, "RSET"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_int_eq(r.res.mail_accepted, 1);
	ck_assert_int_eq(r.res.rcpt_accepted, 0);
	run_free(&r);
}
END_TEST

/* ---- the test message (DATA), only when asked for -------------------------------------- */

#define TEST_FRIEND	"friend@example.net"
#define TEST_QUEUED	"250 2.0.0 Ok: queued as 4Xyz12\r\n"

static const char test_message[] = "Subject: x\r\n\r\nline one\n.hidden dot line\n"
    "..two dots\nlast";

/* A greeting, EHLO, MAIL and RCPT for the test recipient, all accepted. */
#define DATA_PREFIX								\
	{ NULL, greeting, 0, SRV_WAIT, 0 },					\
	{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },					\
	{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },	\
	{ "RCPT TO:<" TEST_FRIEND ">", "250 2.1.5 Ok\r\n", 0, SRV_WAIT, 0 }

static void
config_data(struct smtp_client_config *cfg, const char *message)
{
	config_default(cfg);
	cfg->mail_from = cfg->rcpt_to = TEST_USER;
	cfg->data_to = TEST_FRIEND;
	cfg->data_message = message;
}

START_TEST(test_data_accepted)
{
	static const struct step	 steps[] = {
		DATA_PREFIX,
		{ "DATA", "354 End data with <CR><LF>.<CR><LF>\r\n", 0, SRV_WAIT, 0 },
		{ ".", TEST_QUEUED, 0, SRV_WAIT, 0 },
		{ "QUIT", NULL, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* The test recipient replaces the user's own address; no RSET after a whole message. */
	config_data(&cfg, test_message);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ck_assert_int_eq(r.ret, 0);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.rcpt_accepted, 1);
	ck_assert_int_eq(r.res.message_accepted, 1);
	ck_assert_str_eq(r.res.queue_id, "Ok: queued as 4Xyz12");
	ck_assert_int_eq(r.res.reply.code, 250);
	ck_assert_int_eq(srv_got(&r.srv, "RCPT TO:<" TEST_USER ">"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "DATA"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "RSET"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert_uint_eq(r.srv.body.n, 6);
	ck_assert_str_eq(r.srv.body.v[0], "Subject: x");
	ck_assert_str_eq(r.srv.body.v[5], "last");
	/* Every line ends in CRLF on the wire, the bare LFs of the text included. */
	ck_assert_ptr_nonnull(strstr(r.srv.wire, "\r\nline one\r\n"));
	ck_assert_ptr_nonnull(strstr(r.srv.wire, "\r\nlast\r\n.\r\nQUIT\r\n"));
	/* The transcript shows the size, never the lines. */
	ck_assert(transcript_has(&r.res, "C: DATA"));
	ck_assert(transcript_has(&r.res, "S: 354 End data"));
	ck_assert(transcript_has(&r.res, "C: <message: 6 lines, 62 bytes>"));
	ck_assert(transcript_has(&r.res, "S: 250 2.0.0 Ok: queued as 4Xyz12"));
	ck_assert(!transcript_has(&r.res, "hidden dot line"));
	ck_assert(!transcript_has(&r.res, "Subject"));
	ck_assert(r.res.timings.data_ms >= 0);
	run_free(&r);
}
END_TEST

START_TEST(test_data_dot_stuffing)
{
	static const struct step	 steps[] = {
		DATA_PREFIX,
		{ "DATA", "354 Go ahead\r\n", 0, SRV_WAIT, 0 },
		{ ".", TEST_QUEUED, 0, SRV_WAIT, 0 },
		{ "QUIT", NULL, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* RFC 5321 4.5.2: a "." alone in the text must not end the message early. */
	config_data(&cfg, "Subject: dots\r\n\r\n.\r\n.leading\r\nplain\r\n.");
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.message_accepted, 1);
	ck_assert_uint_eq(r.srv.body.n, 6);
	ck_assert_str_eq(r.srv.body.v[2], "..");
	ck_assert_str_eq(r.srv.body.v[3], "..leading");
	ck_assert_str_eq(r.srv.body.v[4], "plain");
	ck_assert_str_eq(r.srv.body.v[5], "..");
	ck_assert_ptr_nonnull(strstr(r.srv.wire, "\r\n\r\n..\r\n..leading\r\nplain\r\n..\r\n"
	    ".\r\nQUIT\r\n"));
	run_free(&r);
}
END_TEST

START_TEST(test_data_rejected)
{
	static const struct step	 at_data[] = {
		DATA_PREFIX,
		{ "DATA", "554 5.5.1 Error: no valid recipients\r\n", 0, SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "QUIT", NULL, 0, SRV_WAIT, 0 },
	};
	static const struct step	 at_dot[] = {
		DATA_PREFIX,
		{ "DATA", "354 Go ahead\r\n", 0, SRV_WAIT, 0 },
		{ ".", "554 5.7.1 Message rejected: looks like spam\r\n", 0, SRV_WAIT, 0 },
		{ "QUIT", NULL, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* 554 to DATA: nothing of the message goes out; RSET closes the transaction. */
	config_data(&cfg, test_message);
	RUN(&r, at_data, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_DATA_REJECTED, SMTP_PHASE_DATA);
	ck_assert_int_eq(r.res.reply.code, 554);
	ck_assert_str_eq(r.res.reply.enhanced, "5.5.1");
	ck_assert_int_eq(r.res.message_accepted, 0);
	ck_assert_ptr_null(r.res.queue_id);
	ck_assert_uint_eq(r.srv.body.n, 0);
	ck_assert_ptr_null(strstr(r.srv.wire, "line one"));
	ck_assert_int_eq(srv_got(&r.srv, "RSET"), 1);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	run_free(&r);

	/* 554 after ".": the transaction is over (RFC 5321 4.1.1.4), so no RSET. */
	RUN(&r, at_dot, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_DATA_REJECTED, SMTP_PHASE_DATA_BODY);
	ck_assert_int_eq(r.res.reply.code, 554);
	ck_assert_str_eq(r.res.reply.enhanced, "5.7.1");
	ck_assert_int_eq(r.res.message_accepted, 0);
	ck_assert_uint_eq(r.srv.body.n, 6);
	ck_assert_int_eq(srv_got(&r.srv, "RSET"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 1);
	ck_assert(transcript_has(&r.res, "S: 554 5.7.1 Message rejected"));
	run_free(&r);
}
END_TEST

START_TEST(test_data_no_354)
{
	static const struct step	 steps[] = {
		DATA_PREFIX,
		{ "DATA", NULL, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* No 354 in time: the message is never sent into silence. */
	config_data(&cfg, test_message);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_TIMEOUT, SMTP_PHASE_DATA);
	ck_assert(r.elapsed_ms >= TEST_TIMEOUT_MS);
	ck_assert_int_eq(r.res.message_accepted, 0);
	ck_assert_uint_eq(r.srv.body.n, 0);
	ck_assert_ptr_null(strstr(r.srv.wire, "line one"));
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 0);
	ck_assert(r.res.timings.data_ms >= TEST_TIMEOUT_MS);
	run_free(&r);
}
END_TEST

START_TEST(test_data_bad_config)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
	};
	static const struct step	 whole[] = {
		DATA_PREFIX,
		{ "DATA", "354 Go ahead\r\n", 0, SRV_WAIT, 0 },
		{ ".", TEST_QUEUED, 0, SRV_WAIT, 0 },
		{ "QUIT", NULL, 0, SRV_WAIT, 0 },
	};
	static const struct {
		const char	*from, *to, *message;
	} bad[] = {
		{ TEST_USER, TEST_FRIEND, NULL },
		{ TEST_USER, NULL, "Subject: x\r\n\r\nhello\r\n" },
		{ NULL, TEST_FRIEND, "Subject: x\r\n\r\nhello\r\n" },
		{ TEST_USER, TEST_FRIEND "\r\nRCPT TO:<victim@example.org>", "x\r\n" },
		{ TEST_USER, TEST_FRIEND, "Subject: x\r\n\r\nbare\rCR\r\n" },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;
	char				*longline;
	size_t				 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		config_default(&cfg);
		cfg.mail_from = bad[i].from;
		cfg.data_to = bad[i].to;
		cfg.data_message = bad[i].message;
		RUN(&r, steps, SRV_NORMAL, &cfg);
		ck_assert_msg(r.ret == -1, "bad test-message config %zu was accepted", i);
		ck_assert_int_eq(r.srv.writes, 0);
		run_free(&r);
	}
	/* RFC 5321 4.5.3.1.6: 998 bytes a line, a stuffed dot included. */
	longline = xmalloc(1000);
	memset(longline, 'a', 998);
	longline[998] = '\0';
	config_data(&cfg, longline);
	RUN(&r, whole, SRV_NORMAL, &cfg);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_int_eq(r.res.message_accepted, 1);
	run_free(&r);
	longline[0] = '.';
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ck_assert_int_eq(r.ret, -1);
	run_free(&r);
	free(longline);
}
END_TEST

START_TEST(test_smtputf8_sender)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_auth, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<j\xc3\xb6rg@example.com> SMTPUTF8", "250 2.1.0 Ok\r\n", 0,
		    SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* RFC 6531 3.4. */
	config_default(&cfg);
	cfg.mail_from = "j\xc3\xb6rg@example.com";
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	run_free(&r);
}
END_TEST

/* ---- PIPELINING (RFC 2920) ------------------------------------------------------------ */

START_TEST(test_pipelining)
{
	static const struct step	 pipe[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RCPT TO:<" TEST_USER ">", "250 2.1.5 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 nopipe[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RCPT TO:<" TEST_USER ">", "250 2.1.5 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RSET", "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	/* Row 49 without PIPELINING: a second reply after MAIL's is out of step. */
	static const struct step	 nopipe_extra[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n", 0,
		    SRV_WAIT, 0 },
	};
	/* With PIPELINING, one reply more than the group asked for is still out of step. */
	static const struct step	 pipe_extra[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RCPT TO:<" TEST_FRIEND ">", "250 2.1.5 Ok\r\n354 unasked\r\n", 0,
		    SRV_WAIT, 0 },
	};
	/* The replies to a group, all in one piece: read in order, each one its own. */
	static const struct step	 pipe_one_piece[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_starttls, 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<" TEST_USER ">", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
		    "250 2.0.0 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;
	size_t				 i;
	int				 mail = -1, rcpt = -1, rset = -1, first_s = -1;

	config_default(&cfg);
	cfg.mail_from = cfg.rcpt_to = TEST_USER;

	/* Offered: MAIL, RCPT and RSET in one write, the three replies read in order. */
	RUN(&r, pipe, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.srv.groups, 1);
	ck_assert_int_eq(r.res.mail_accepted, 1);
	ck_assert_int_eq(r.res.rcpt_accepted, 1);
	ck_assert_int_eq(r.res.reply.code, 250);
	ck_assert_str_eq(r.res.reply.enhanced, "2.1.5");
	for (i = 0; i < r.res.transcript.n; i++) {
		const char	*l = r.res.transcript.v[i];

		if (strncmp(l, "C: MAIL", 7) == 0)
			mail = (int)i;
		else if (strncmp(l, "C: RCPT", 7) == 0)
			rcpt = (int)i;
		else if (strncmp(l, "C: RSET", 7) == 0)
			rset = (int)i;
		else if (mail != -1 && first_s == -1 && strncmp(l, "S: ", 3) == 0)
			first_s = (int)i;
	}
	/* The transcript shows what happened: the three commands, then the replies. */
	ck_assert_int_eq(rcpt, mail + 1);
	ck_assert_int_eq(rset, mail + 2);
	ck_assert_int_eq(first_s, mail + 3);
	run_free(&r);

	/* Not offered: one command, one write, one reply, as before. */
	RUN(&r, nopipe, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.srv.groups, 0);
	ck_assert_int_eq(r.res.rcpt_accepted, 1);
	run_free(&r);

	RUN(&r, nopipe_extra, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_MAIL);
	ck_assert_int_eq(srv_got(&r.srv, "RCPT"), 0);
	run_free(&r);

	/* A test message: DATA waits for RCPT's reply, so RSET is not in the group. */
	config_data(&cfg, test_message);
	cfg.data_to = TEST_FRIEND;
	RUN(&r, pipe_extra, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_RCPT);
	ck_assert_int_eq(r.srv.groups, 1);
	ck_assert_int_eq(srv_got(&r.srv, "RSET"), 0);
	ck_assert_int_eq(srv_got(&r.srv, "DATA"), 0);
	run_free(&r);

	config_default(&cfg);
	cfg.mail_from = cfg.rcpt_to = TEST_USER;
	RUN(&r, pipe_one_piece, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_int_eq(r.res.rcpt_accepted, 1);
	ck_assert_str_eq(r.res.reply.enhanced, "2.1.5");
	run_free(&r);
}
END_TEST

/* ---- broken servers -------------------------------------------------------------------- */

START_TEST(test_endless_ehlo)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-mail.example.com\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 greet[] = {
		{ NULL, "220-mail.example.com\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 19: caps, then abort; bounded in time and memory. */
	config_default(&cfg);
	RUN(&r, steps, SRV_ENDLESS, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_EHLO);
	ck_assert(r.res.transcript.n <= SMTP_REPLY_MAX_LINES + 4);
	ck_assert_int_eq(r.res.have_caps, 0);
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 0);
	run_free(&r);

	RUN(&r, greet, SRV_ENDLESS, &cfg);
	ck_assert_int_eq(r.res.failure, SMTP_FAIL_PROTOCOL_ERROR);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_inconsistent_reply)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250-mail.example.com\r\n550 no\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 48. */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_EHLO);
	run_free(&r);
}
END_TEST

START_TEST(test_two_replies)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", "250 mail.example.com\r\n250 again\r\n", 0, SRV_WAIT, 0 },
	};
	static const struct step	 early[] = {
		{ NULL, "220 mail.example.com\r\n250 early\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 49: a second reply, or a reply before the command: out of step, abort. */
	config_default(&cfg);
	cfg.mail_from = TEST_USER;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_EHLO);
	ck_assert_int_eq(srv_got(&r.srv, "MAIL"), 0);
	run_free(&r);

	RUN(&r, early, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_PROTOCOL_ERROR, SMTP_PHASE_GREETING);
	ck_assert_uint_eq(r.srv.lines.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_bare_lf_and_nul)
{
	static const char		 nul[] = "250-mail.example.com\r\n250-X\0Y\r\n250 OK\r\n";
	static const struct step	 steps[] = {
		{ NULL, "220 mail.example.com\n", 0, SRV_WAIT, 0 },
		{ "EHLO ", nul, sizeof nul - 1, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Rows 22, 47: tolerated, noted once each, shown escaped. */
	config_default(&cfg);
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_NONE, SMTP_PHASE_DONE);
	ck_assert_uint_eq(r.res.notes.n, 2);
	ck_assert(transcript_has(&r.res, "S: 250-X\\0Y"));
	ck_assert_str_eq(r.res.caps.keywords.v[0], "X\\0Y");
	run_free(&r);
}
END_TEST

static const struct {
	const char		*after;		/* the command the server drops the line after */
	enum smtp_phase		 phase;
	int			 reset;
} disconnect_cases[] = {
	{ NULL, SMTP_PHASE_GREETING, 0 },
	{ NULL, SMTP_PHASE_GREETING, 1 },
	{ "EHLO", SMTP_PHASE_EHLO, 0 },
	{ "EHLO", SMTP_PHASE_EHLO, 1 },
	{ "AUTH", SMTP_PHASE_AUTH, 0 },
	{ "AUTH", SMTP_PHASE_AUTH, 1 },
	{ "MAIL", SMTP_PHASE_MAIL, 0 },
	{ "MAIL", SMTP_PHASE_MAIL, 1 },
	{ "RCPT", SMTP_PHASE_RCPT, 0 },
	{ "RCPT", SMTP_PHASE_RCPT, 1 },
};

START_TEST(test_disconnect)
{
	struct step			 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
		{ "EHLO ", ehlo_plain_login, 0, SRV_WAIT, 0 },
		{ "AUTH PLAIN", "235 2.7.0 ok\r\n", 0, SRV_WAIT, 0 },
		{ "MAIL FROM:<", "250 2.1.0 Ok\r\n", 0, SRV_WAIT, 0 },
		{ "RCPT TO:<", "250 2.1.5 Ok\r\n", 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;
	size_t				 i, n;
	int				 then;

	/* Row 52: FIN and RST at every step, each with its phase. */
	then = disconnect_cases[_i].reset ? SRV_RESET : SRV_CLOSE;
	n = 1;
	if (disconnect_cases[_i].after == NULL) {
		steps[0].reply = NULL;
		steps[0].then = then;
	} else {
		for (i = 1; i < sizeof steps / sizeof steps[0]; i++) {
			n = i + 1;
			if (strncmp(steps[i].expect, disconnect_cases[_i].after, 4) == 0) {
				steps[i].reply = NULL;
				steps[i].then = then;
				break;
			}
		}
	}
	config_default(&cfg);
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mail_from = cfg.rcpt_to = TEST_USER;
	run(&r, steps, n, SRV_NORMAL, &cfg);
	ASSERT_FAILURE(&r, SMTP_FAIL_DISCONNECTED, disconnect_cases[_i].phase);
	ck_assert_ptr_nonnull(strstr(r.res.detail, smtp_phase_name(disconnect_cases[_i].phase)));
	ck_assert_int_eq(srv_got(&r.srv, "QUIT"), 0);
	run_free(&r);
}
END_TEST

START_TEST(test_cancel)
{
	static const struct step	 steps[] = {
		{ NULL, NULL, 0, SRV_WAIT, 0 },
	};
	static volatile sig_atomic_t	 flag = 1;
	struct smtp_client_config	 cfg;
	struct run			 r;

	config_default(&cfg);
	cfg.cancel = &flag;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ck_assert_int_eq(r.res.failure, SMTP_FAIL_CANCELLED);
	ck_assert(r.elapsed_ms < 200);
	run_free(&r);
}
END_TEST

static const struct {
	const char	*helo;
	const char	*from;
	const char	*to;
	const char	*user;
	const char	*pass;
	const char	*mech;
	int		 security;
} bad_configs[] = {
	{ "localhost", NULL, NULL, NULL, NULL, NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0 },
	{ TEST_HELO "\r\nMAIL FROM:<x@y>", NULL, NULL, NULL, NULL, NULL, 0 },
	{ TEST_HELO, TEST_USER "\r\nRCPT TO:<victim@example.org>", NULL, NULL, NULL, NULL, 0 },
	{ TEST_HELO, TEST_USER, "x@y\n", NULL, NULL, NULL, 0 },
	{ TEST_HELO, NULL, TEST_USER, NULL, NULL, NULL, 0 },
	{ TEST_HELO, NULL, NULL, "anna\r\n", TEST_PASS, NULL, 0 },
	{ TEST_HELO, NULL, NULL, "", TEST_PASS, NULL, 0 },
	{ TEST_HELO, NULL, NULL, TEST_USER, NULL, NULL, 0 },
	{ TEST_HELO, NULL, NULL, TEST_USER, "", NULL, 0 },
	{ TEST_HELO, NULL, NULL, TEST_USER, TEST_PASS, "XOAUTH2", 0 },
	{ TEST_HELO, NULL, NULL, NULL, NULL, NULL, SMTP_SECURITY_STARTTLS },
	{ TEST_HELO, NULL, NULL, NULL, NULL, NULL, SMTP_SECURITY_TLS },
};

START_TEST(test_bad_config)
{
	static const struct step	 steps[] = {
		{ NULL, greeting, 0, SRV_WAIT, 0 },
	};
	struct smtp_client_config	 cfg;
	struct run			 r;

	/* Row 47: CR/LF in what the user typed never reaches the wire; nothing is sent. */
	config_default(&cfg);
	cfg.helo_name = bad_configs[_i].helo;
	cfg.mail_from = bad_configs[_i].from;
	cfg.rcpt_to = bad_configs[_i].to;
	cfg.user = bad_configs[_i].user;
	cfg.password = bad_configs[_i].pass;
	cfg.mech = bad_configs[_i].mech;
	cfg.security = bad_configs[_i].security;
	RUN(&r, steps, SRV_NORMAL, &cfg);
	ck_assert_int_eq(r.ret, -1);
	ck_assert_ptr_nonnull(r.cause);
	ck_assert_int_eq(r.srv.writes, 0);
	ck_assert_uint_eq(r.res.transcript.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_names)
{
	int	 i;

	for (i = 0; i < SMTP_PHASE_COUNT; i++)
		ck_assert_ptr_nonnull(smtp_phase_name(i));
	for (i = 0; i < SMTP_FAILURE_COUNT; i++)
		ck_assert_ptr_nonnull(smtp_failure_name(i));
	for (i = 0; i < SMTP_SECURITY_COUNT; i++)
		ck_assert_ptr_nonnull(smtp_security_name(i));
	for (i = 0; i < TRANSPORT_STATUS_COUNT; i++)
		ck_assert_ptr_nonnull(transport_status_name(i));
	ck_assert_str_eq(smtp_failure_name(SMTP_FAIL_STARTTLS_INJECTION), "starttls-injection");
	ck_assert_str_eq(smtp_phase_name(SMTP_PHASE_EHLO_TLS), "ehlo-tls");
}
END_TEST

/* ---- the transport --------------------------------------------------------------------- */

struct feed {
	const char	*data;
	size_t		 len, off;
	int		 then;	/* SRV_CLOSE, SRV_RESET or SRV_WAIT when drained */
	size_t		 chunk;	/* at most this much per read (0: all) */
	char		 written[256];
	size_t		 nwritten;
	int		 writes;
};

static ssize_t
feed_read(void *arg, void *buf, size_t len, int timeout_ms)
{
	struct feed	*f = arg;
	size_t		 n;

	if (f->off < f->len) {
		n = f->len - f->off;
		if (n > len)
			n = len;
		if (f->chunk != 0 && n > f->chunk)
			n = f->chunk;
		memcpy(buf, f->data + f->off, n);
		f->off += n;
		return ((ssize_t)n);
	}
	if (f->then == SRV_CLOSE)
		return (0);
	if (f->then == SRV_RESET) {
		errno = ECONNRESET;
		return (-1);
	}
	sleep_ms(timeout_ms);
	errno = ETIMEDOUT;
	return (-1);
}

static ssize_t
feed_write(void *arg, const void *buf, size_t len)
{
	struct feed	*f = arg;

	f->writes++;
	if (len > sizeof f->written - f->nwritten)
		len = sizeof f->written - f->nwritten;
	memcpy(f->written + f->nwritten, buf, len);
	f->nwritten += len;
	return ((ssize_t)len);
}

static const struct {
	size_t			 total;		/* with CRLF */
	enum transport_status	 want;
} transport_lengths[] = {
	{ 511, TRANSPORT_OK },
	{ 512, TRANSPORT_OK },
	{ 513, TRANSPORT_OK },
	{ TRANSPORT_LINE_MAX - 1, TRANSPORT_OK },
	{ TRANSPORT_LINE_MAX, TRANSPORT_OK },
	{ TRANSPORT_LINE_MAX + 1, TRANSPORT_TOO_LONG },
	{ 16383, TRANSPORT_TOO_LONG },
	{ 16384, TRANSPORT_TOO_LONG },
};

START_TEST(test_transport_lengths)
{
	struct feed		 f;
	struct transport	*t;
	struct transport_line	 line;
	enum transport_status	 s;
	size_t			 total = transport_lengths[_i].total, chunk;
	char			*buf, *cause = NULL;

	/* Row 20, through the line reader, read whole and in awkward pieces. */
	buf = xmalloc(total + 8);
	memset(buf, 'x', total);
	memcpy(buf + total - 2, "\r\n", 2);
	memcpy(buf + total, "250 ok\r\n", 8);
	for (chunk = 0; chunk <= 7; chunk += 7) {
		memset(&f, 0, sizeof f);
		f.data = buf;
		f.len = total + 8;
		f.then = SRV_CLOSE;
		f.chunk = chunk;
		t = transport_mem(feed_read, feed_write, &f);
		s = transport_read_line(t, mono_ms() + 1000, &line, &cause);
		ck_assert_msg(s == transport_lengths[_i].want, "%zu bytes: %s", total,
		    transport_status_name(s));
		if (s == TRANSPORT_OK) {
			ck_assert_uint_eq(line.len, total - 2);
			ck_assert_int_eq(line.flags, 0);
			if (chunk == 0)
				ck_assert_uint_eq(transport_buffered(t), 8);
			s = transport_read_line(t, mono_ms() + 1000, &line, &cause);
			ck_assert_int_eq(s, TRANSPORT_OK);
			ck_assert_str_eq(line.data, "250 ok");
			s = transport_read_line(t, mono_ms() + 1000, &line, &cause);
			ck_assert_int_eq(s, TRANSPORT_EOF);
		}
		ck_assert_ptr_nonnull(cause);
		free(cause);
		cause = NULL;
		transport_free(t);
	}
	free(buf);
}
END_TEST

START_TEST(test_transport_flags)
{
	static const char	 data[] = "a\nb\0c\r\nd\re\r\n\r\nf";
	struct feed		 f;
	struct transport	*t;
	struct transport_line	 line;
	char			*cause = NULL;

	memset(&f, 0, sizeof f);
	f.data = data;
	f.len = sizeof data - 1;
	f.then = SRV_RESET;
	t = transport_mem(feed_read, feed_write, &f);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause), TRANSPORT_OK);
	ck_assert_uint_eq(line.len, 1);
	ck_assert_int_eq(line.flags, TRANSPORT_LINE_BARE_LF);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause), TRANSPORT_OK);
	ck_assert_uint_eq(line.len, 3);
	ck_assert_int_eq(line.flags, TRANSPORT_LINE_NUL);
	ck_assert_int_eq(memcmp(line.data, "b\0c", 3), 0);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause), TRANSPORT_OK);
	ck_assert_uint_eq(line.len, 3);
	ck_assert_int_eq(line.flags, TRANSPORT_LINE_BARE_CR);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause), TRANSPORT_OK);
	ck_assert_uint_eq(line.len, 0);
	ck_assert_uint_eq(transport_buffered(t), 1);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause),
	    TRANSPORT_RESET);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	transport_free(t);
}
END_TEST

START_TEST(test_transport_deadline)
{
	struct feed		 f;
	struct transport	*t;
	struct transport_line	 line;
	long long		 start;
	char			*cause = NULL;

	memset(&f, 0, sizeof f);
	f.data = "250 partial";
	f.len = 11;
	f.then = SRV_WAIT;
	t = transport_mem(feed_read, feed_write, &f);
	start = mono_ms();
	ck_assert_int_eq(transport_read_line(t, start + 150, &line, &cause), TRANSPORT_TIMEOUT);
	ck_assert(mono_ms() - start >= 140);
	ck_assert(mono_ms() - start < 600);
	ck_assert_uint_eq(transport_buffered(t), 11);
	free(cause);
	cause = NULL;

	/* A deadline already past: no wait at all. */
	start = mono_ms();
	ck_assert_int_eq(transport_read_line(t, start - 1, &line, &cause), TRANSPORT_TIMEOUT);
	ck_assert(mono_ms() - start < 50);
	free(cause);
	transport_free(t);
}
END_TEST

START_TEST(test_transport_socket)
{
	struct transport	*t;
	struct transport_line	 line;
	char			 buf[64], *cause = NULL;
	int			 sv[2];

	/* The socket path over a local socket pair (no network): reads, buffering, EPIPE. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t = transport_fd(sv[0]);
	ck_assert_int_eq(write(sv[1], "220 hi\r\n250 extra\r\n", 19), 19);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause), TRANSPORT_OK);
	ck_assert_str_eq(line.data, "220 hi");
	ck_assert_uint_eq(transport_buffered(t), 11);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 1000, &line, &cause), TRANSPORT_OK);
	ck_assert_uint_eq(transport_buffered(t), 0);
	/* Bytes still in the kernel count too. */
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	ck_assert_uint_eq(transport_buffered(t), 1);
	ck_assert_int_eq(transport_write(t, "EHLO a.b\r\n", 10, mono_ms() + 1000, &cause),
	    TRANSPORT_OK);
	ck_assert_int_eq(read(sv[1], buf, sizeof buf), 10);
	ck_assert_int_eq(transport_read_line(t, mono_ms() + 100, &line, &cause),
	    TRANSPORT_TIMEOUT);
	free(cause);
	cause = NULL;
	close(sv[1]);
	/* Row 33: the peer has gone; no SIGPIPE, a reset. */
	ck_assert_int_eq(transport_write(t, "QUIT\r\n", 6, mono_ms() + 1000, &cause),
	    TRANSPORT_RESET);
	free(cause);
	transport_free(t);
}
END_TEST

START_TEST(test_transport_one_write)
{
	struct feed		 f;
	struct transport	*t;
	char			*cause = NULL;

	memset(&f, 0, sizeof f);
	t = transport_mem(feed_read, feed_write, &f);
	ck_assert_int_eq(transport_write(t, "MAIL FROM:<a@b>\r\n", 17, mono_ms() + 100, &cause),
	    TRANSPORT_OK);
	ck_assert_int_eq(f.writes, 1);
	ck_assert_uint_eq(f.nwritten, 17);
	transport_free(t);
}
END_TEST

/* ---- SASL ------------------------------------------------------------------------------ */

START_TEST(test_sasl_plain)
{
	struct sasl	*s;
	char		*line, *cause = NULL, *resp, *why;

	ck_assert_int_eq(sasl_new(SASL_PLAIN, "user", "pass", &s, &cause), 0);
	ck_assert_int_eq(sasl_command(s, &line, &cause), 0);
	ck_assert_str_eq(line, "AUTH PLAIN AHVzZXIAcGFzcw==");
	ck_assert_int_eq(sasl_complete(s), 1);
	secret_free(line);
	ck_assert_int_eq(sasl_step(s, "", &resp, &why), SASL_STEP_TOO_MANY_ROUNDS);
	ck_assert_ptr_null(resp);
	free(why);
	sasl_free(s);
}
END_TEST

START_TEST(test_sasl_login)
{
	struct sasl	*s;
	char		*line, *cause = NULL, *resp, *why = NULL;

	ck_assert_int_eq(sasl_new(SASL_LOGIN, "user", "pass", &s, &cause), 0);
	ck_assert_int_eq(sasl_command(s, &line, &cause), 0);
	ck_assert_str_eq(line, "AUTH LOGIN");
	secret_free(line);
	ck_assert_int_eq(sasl_complete(s), 0);
	ck_assert_int_eq(sasl_step(s, "VXNlcm5hbWU6", &resp, &why), SASL_STEP_OK);
	ck_assert_str_eq(resp, "dXNlcg==");
	secret_free(resp);
	ck_assert_int_eq(sasl_complete(s), 0);
	/* Prompts vary ("" here): only their form is checked. */
	ck_assert_int_eq(sasl_step(s, "", &resp, &why), SASL_STEP_OK);
	ck_assert_str_eq(resp, "cGFzcw==");
	secret_free(resp);
	ck_assert_int_eq(sasl_complete(s), 1);
	ck_assert_int_eq(sasl_rounds(s), 2);
	ck_assert_int_eq(sasl_step(s, "UGFzc3dvcmQ6", &resp, &why), SASL_STEP_TOO_MANY_ROUNDS);
	free(why);
	ck_assert_int_eq(sasl_step(s, "UGFzc3dvcmQ6", &resp, &why), SASL_STEP_TOO_MANY_ROUNDS);
	free(why);
	sasl_free(s);
}
END_TEST

START_TEST(test_sasl_cram_md5)
{
	struct sasl	*s;
	char		*line, *cause = NULL, *resp, *why = NULL;

	/* RFC 2195 2's example. */
	ck_assert_int_eq(sasl_new(SASL_CRAM_MD5, "tim", "tanstaaftanstaaf", &s, &cause), 0);
	ck_assert_int_eq(sasl_command(s, &line, &cause), 0);
	ck_assert_str_eq(line, "AUTH CRAM-MD5");
	secret_free(line);
	ck_assert_int_eq(sasl_step(s, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
	    &resp, &why), SASL_STEP_OK);
	ck_assert_str_eq(resp, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
	secret_free(resp);
	ck_assert_int_eq(sasl_complete(s), 1);
	sasl_free(s);
}
END_TEST

static const char *const sasl_bad[] = {
	"Rubbish", "", "PDE4OTY=x", "PD=4OTYu", "P===", "AAECAwQ=", "=AAA", "PDE4OTY", "PDE4 OTY=",
	"PDE4OTYu\\r",
};

START_TEST(test_sasl_bad_challenges)
{
	struct sasl	*s;
	char		*cause = NULL, *resp = NULL, *why = NULL;

	/* Row 23. */
	ck_assert_int_eq(sasl_new(SASL_CRAM_MD5, "tim", "tanstaaftanstaaf", &s, &cause), 0);
	ck_assert_int_eq(sasl_step(s, sasl_bad[_i], &resp, &why), SASL_STEP_BAD_CHALLENGE);
	ck_assert_ptr_null(resp);
	ck_assert_ptr_nonnull(why);
	free(why);
	/* The exchange is over after a cancel. */
	ck_assert_int_eq(sasl_step(s, "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
	    &resp, &why), SASL_STEP_TOO_MANY_ROUNDS);
	free(why);
	sasl_free(s);
}
END_TEST

START_TEST(test_sasl_long_challenge)
{
	struct sasl	*s;
	char		*cause = NULL, *resp = NULL, *why = NULL, *big;

	big = xmalloc(SASL_CHALLENGE_MAX + 5);
	memset(big, 'A', SASL_CHALLENGE_MAX + 4);
	big[SASL_CHALLENGE_MAX + 4] = '\0';
	ck_assert_int_eq(sasl_new(SASL_CRAM_MD5, "tim", "x", &s, &cause), 0);
	ck_assert_int_eq(sasl_step(s, big, &resp, &why), SASL_STEP_BAD_CHALLENGE);
	free(why);
	sasl_free(s);
	free(big);
}
END_TEST

START_TEST(test_sasl_new_errors)
{
	struct sasl	*s;
	char		*cause = NULL;

	ck_assert_int_eq(sasl_new(SASL_PLAIN, "", "p", &s, &cause), -1);
	ck_assert_ptr_null(s);
	free(cause);
	ck_assert_int_eq(sasl_new(SASL_PLAIN, "a\nb", "p", &s, &cause), -1);
	free(cause);
	ck_assert_int_eq(sasl_new(SASL_PLAIN, "a", "", &s, &cause), -1);
	free(cause);
	ck_assert_int_eq(sasl_new(SASL_PLAIN, "a", NULL, &s, &cause), -1);
	free(cause);
	ck_assert_str_eq(sasl_mech_name(SASL_CRAM_MD5), "CRAM-MD5");
	ck_assert_str_eq(sasl_step_name(SASL_STEP_BAD_CHALLENGE), "bad-challenge");
}
END_TEST

/* xorshift32: the same "random" servers on every run. */
static unsigned int
fuzz_next(unsigned int *state)
{
	unsigned int	 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return (*state = x);
}

START_TEST(test_fuzz_servers)
{
	static const char *const pieces[] = {
		"220 ", "220-", "250 ", "250-", "334 ", "235 ", "421 ", "535 5.7.8 ", "220 x\r\n",
		"250-x\r\n", "250 AUTH PLAIN LOGIN CRAM-MD5\r\n", "250-STARTTLS\r\n",
		"334 VXNlcm5hbWU6\r\n", "334 Rubbish\r\n", "\r\n", "\n", "\r", "x", "\033]0;",
		"554 ", "2500", "250 ok\r\n250 again\r\n",
	};
	struct step			 steps[6];
	char				 bufs[6][256];
	struct smtp_client_config	 cfg;
	struct server			 srv;
	struct smtp_session_result	 res;
	struct transport		*t;
	unsigned int			 state = 0xc0ffee;
	size_t				 i, j, k, n, len;
	char				*cause;
	int				 round;

	/* Whatever the server says: no crash, an answer, nothing secret in the transcript. */
	config_default(&cfg);
	cfg.timeout_ms = 20;
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	cfg.allow_plaintext_auth = 1;
	cfg.mail_from = cfg.rcpt_to = TEST_USER;
	for (round = 0; round < 200; round++) {
		memset(steps, 0, sizeof steps);
		for (i = 0; i < 6; i++) {
			len = 0;
			n = 1 + fuzz_next(&state) % 4;
			for (k = 0; k < n; k++) {
				j = fuzz_next(&state) % (sizeof pieces / sizeof pieces[0]);
				if (len + strlen(pieces[j]) >= sizeof bufs[i])
					break;
				memcpy(bufs[i] + len, pieces[j], strlen(pieces[j]));
				len += strlen(pieces[j]);
			}
			steps[i].expect = i == 0 ? NULL : "";
			steps[i].reply = bufs[i];
			steps[i].len = len;
			steps[i].then = i == 5 ? SRV_CLOSE : SRV_WAIT;
		}
		memset(&srv, 0, sizeof srv);
		srv.steps = steps;
		srv.nsteps = 6;
		srv_load(&srv, 0);
		cfg.security = round % 2 == 0 ? SMTP_SECURITY_NONE : SMTP_SECURITY_STARTTLS;
		cfg.tls = &test_tls;
		smtp_session_result_init(&res);
		cause = NULL;
		t = transport_mem(srv_read, srv_write, &srv);
		ck_assert_int_eq(smtp_client_run(t, &cfg, &res, &cause), 0);
		transport_free(t);
		ck_assert(res.phase < SMTP_PHASE_COUNT && res.failure < SMTP_FAILURE_COUNT);
		ck_assert_int_eq(res.tls, 0);
		for (i = 0; i < res.transcript.n; i++) {
			ck_assert_ptr_null(strstr(res.transcript.v[i], "AGFubmFA"));
			ck_assert_ptr_null(strstr(res.transcript.v[i], "czNjcmV0"));
			ck_assert_ptr_null(strchr(res.transcript.v[i], '\033'));
		}
		ck_assert_int_eq(srv_got(&srv, "DATA"), 0);
		smtp_session_result_free(&res);
		strlist_free(&srv.lines);
		free(srv.wire);
	}
}
END_TEST

/* ---- TLS, over a local socket pair ----------------------------------------------------- */

/*
 * A scripted TLS server in Python on the other end of a socket pair (no network): modes
 * "starttls" (before TLS it offers AUTH PLAIN, after it AUTH LOGIN only), "implicit", and
 * "plain" (an SMTP greeting where TLS was expected). It exits with the number of AUTH
 * commands it saw.
 */
static const char tls_server_py[] =
    "import socket, ssl, sys\n"
    "fd, mode, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]\n"
    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "ctx.load_cert_chain(cert, key)\n"
    "c = socket.socket(fileno=fd)\n"
    "tls = mode == 'implicit'\n"
    "if tls: c = ctx.wrap_socket(c, server_side=True)\n"
    "f = c.makefile('rb')\n"
    "c.sendall(b'220 smtp.lab.test ESMTP\\r\\n')\n"
    "auth = 0; step = 0\n"
    "try:\n"
    "  while True:\n"
    "    l = f.readline()\n"
    "    if not l: break\n"
    "    u = l.upper()\n"
    "    if step: step += 1\n"
    "    if u.startswith(b'EHLO'):\n"
    "        c.sendall(b'250-smtp.lab.test\\r\\n250 AUTH LOGIN\\r\\n' if tls else\n"
    "            b'250-smtp.lab.test\\r\\n250-STARTTLS\\r\\n250 AUTH PLAIN\\r\\n')\n"
    "    elif u.startswith(b'STARTTLS'):\n"
    "        c.sendall(b'220 2.0.0 Ready to start TLS\\r\\n')\n"
    "        c = ctx.wrap_socket(c, server_side=True); f = c.makefile('rb'); tls = True\n"
    "    elif u.startswith(b'AUTH'):\n"
    "        auth += 1; step = 1; c.sendall(b'334 VXNlcm5hbWU6\\r\\n')\n"
    "    elif step == 2: c.sendall(b'334 UGFzc3dvcmQ6\\r\\n')\n"
    "    elif step == 3: step = 0; c.sendall(b'235 2.7.0 Authentication successful\\r\\n')\n"
    "    elif u.startswith(b'QUIT'): break\n"
    "    else: c.sendall(b'502 5.5.2 no\\r\\n')\n"
    "except (OSError, ssl.SSLError):\n"
    "  pass\n"
    "sys.exit(auth)\n";

static char	*tls_dir;

/*
 * Certificates made once, before the tests fork, with the integration tests' script;
 * tls_dir stays NULL when python3 or certtool is missing, and the TLS tests say so.
 */
static void
tls_lab(void)
{
	char	 tmpl[] = "/tmp/check_smtp_client.XXXXXX", *cmd;
	int	 ret;

	if (system("command -v python3 >/dev/null 2>&1 && "
	    "command -v certtool >/dev/null 2>&1") != 0 || mkdtemp(tmpl) == NULL)
		return;
	xasprintf(&cmd, "sh '%s/../integration/make-lab-certs.sh' '%s' >/dev/null 2>&1",
	    TESTDATADIR, tmpl);
	ret = system(cmd);
	free(cmd);
	tls_dir = xstrdup(tmpl);
	if (ret != 0)
		tls_lab_clean();
}

static void
tls_lab_clean(void)
{
	char	*cmd;

	if (tls_dir == NULL)
		return;
	xasprintf(&cmd, "rm -rf '%s'", tls_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_smtp_client: could not remove %s\n", tls_dir);
	free(cmd);
	free(tls_dir);
	tls_dir = NULL;
}

/* Starts the server on one end of a socket pair; *fd is ours. */
static pid_t
tls_server(const char *mode, int *fd)
{
	char	*cert, *key, num[16];
	pid_t	 pid;
	int	 sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	xasprintf(&cert, "%s/server.pem", tls_dir);
	xasprintf(&key, "%s/server.key", tls_dir);
	snprintf(num, sizeof num, "%d", sv[1]);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		execlp("python3", "python3", "-c", tls_server_py, num, mode, cert, key,
		    (char *)NULL);
		_exit(127);
	}
	ck_assert_int_ne(pid, -1);
	close(sv[1]);
	free(cert);
	free(key);
	*fd = sv[0];
	return (pid);
}

/* Runs the client against a fresh server; returns the AUTH commands the server saw. */
static int
tls_run(const char *mode, enum smtp_security security, const char *name,
    struct smtp_session_result *res)
{
	struct smtp_client_config	 cfg;
	struct tls_config		 tc;
	struct transport		*t;
	char				*ca, *cause = NULL;
	pid_t				 pid;
	int				 fd, status;

	xasprintf(&ca, "%s/ca.pem", tls_dir);
	memset(&tc, 0, sizeof tc);
	tc.servername = name;
	tc.cafile = ca;
	tc.timeout_ms = 5000;
	config_default(&cfg);
	cfg.timeout_ms = 5000;
	cfg.security = security;
	cfg.tls = &tc;
	cfg.user = TEST_USER;
	cfg.password = TEST_PASS;
	pid = tls_server(mode, &fd);
	t = transport_fd(fd);
	smtp_session_result_init(res);
	ck_assert_int_eq(smtp_client_run(t, &cfg, res, &cause), 0);
	transport_free(t);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	free(ca);
	return (WEXITSTATUS(status));
}

START_TEST(test_tls_starttls)
{
	struct smtp_session_result	 res;

	if (tls_dir == NULL) {
		fprintf(stderr, "check_smtp_client: TLS tests need python3 and certtool\n");
		return;
	}
	/* Row 12: before TLS AUTH PLAIN, after it AUTH LOGIN: only the new list counts. */
	ck_assert_int_eq(tls_run("starttls", SMTP_SECURITY_STARTTLS, "smtp.lab.test", &res),
	    1);
	ck_assert_msg(res.failure == SMTP_FAIL_NONE, "%s: %s", smtp_failure_name(res.failure),
	    res.detail);
	ck_assert_int_eq(res.tls, 1);
	ck_assert_int_eq(res.tls_info.verdict, TLS_VERIFIED);
	ck_assert_uint_eq(res.caps.auth, SMTP_AUTH_PLAIN);
	ck_assert_int_eq(res.caps.starttls, 1);
	ck_assert_int_eq(res.have_caps_tls, 1);
	ck_assert_uint_eq(res.caps_tls.auth, SMTP_AUTH_LOGIN);
	ck_assert_str_eq(res.auth_mech, "LOGIN");
	ck_assert_int_eq(res.authenticated, 1);
	ck_assert_int_eq(res.auth_plaintext, 0);
	ck_assert(res.timings.tls_ms >= 0);
	ck_assert(transcript_has(&res, "C: " SMTP_CLIENT_HIDDEN));
	ck_assert(!transcript_has(&res, "czNjcmV0LVBhNTU"));
	smtp_session_result_free(&res);
}
END_TEST

START_TEST(test_tls_unverified)
{
	struct smtp_session_result	 res;

	if (tls_dir == NULL)
		return;
	/* Row 11: the name the user typed is not on the certificate: look, never log in. */
	ck_assert_int_eq(tls_run("starttls", SMTP_SECURITY_STARTTLS, "mail.other.test", &res),
	    0);
	ck_assert_msg(res.failure == SMTP_FAIL_TLS_UNVERIFIED, "%s",
	    smtp_failure_name(res.failure));
	ck_assert_int_eq(res.phase, SMTP_PHASE_EHLO_TLS);
	ck_assert_int_eq(res.tls_info.verdict, TLS_WRONG_NAME);
	ck_assert_int_eq(res.have_caps_tls, 1);
	ck_assert_int_eq(res.auth_sent, 0);
	smtp_session_result_free(&res);
}
END_TEST

START_TEST(test_tls_implicit)
{
	struct smtp_session_result	 res;

	if (tls_dir == NULL)
		return;
	ck_assert_int_eq(tls_run("implicit", SMTP_SECURITY_TLS, "smtp.lab.test", &res), 1);
	ck_assert_msg(res.failure == SMTP_FAIL_NONE, "%s: %s", smtp_failure_name(res.failure),
	    res.detail);
	ck_assert_int_eq(res.have_caps, 0);
	ck_assert_int_eq(res.have_caps_tls, 1);
	ck_assert_int_eq(res.authenticated, 1);
	ck_assert_int_eq(res.greeting.code, 220);
	smtp_session_result_free(&res);

	/* Row 38: an SMTP greeting where TLS was expected. */
	ck_assert_int_eq(tls_run("plain", SMTP_SECURITY_TLS, "smtp.lab.test", &res), 0);
	ck_assert_int_eq(res.failure, SMTP_FAIL_TLS_FAILED);
	ck_assert_int_eq(res.phase, SMTP_PHASE_TLS);
	ck_assert_int_eq(res.tls_failure, TLS_FAIL_NOT_TLS);
	ck_assert_int_eq(res.tls, 0);
	smtp_session_result_free(&res);
}
END_TEST

static Suite *
smtp_client_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("smtp_client");

	tc = tcase_create("healthy");
	tcase_add_test(tc, test_healthy_plain);
	tcase_add_test(tc, test_healthy_no_envelope);
	tcase_add_test(tc, test_healthy_plaintext_auth);
	tcase_add_test(tc, test_split_greeting);
	tcase_add_test(tc, test_helo_fallback);
	tcase_add_test(tc, test_helo_never_auth);
	tcase_add_test(tc, test_helo_refused);
	tcase_add_test(tc, test_smtputf8_sender);
	suite_add_tcase(s, tc);

	tc = tcase_create("greeting");
	tcase_add_test(tc, test_invalid_greeting);
	tcase_add_test(tc, test_greeting_554);
	tcase_add_test(tc, test_greeting_421);
	tcase_add_test(tc, test_silent_server);
	tcase_add_test(tc, test_drip_feed);
	tcase_add_test(tc, test_drip_feed_later);
	suite_add_tcase(s, tc);

	tc = tcase_create("starttls");
	tcase_add_test(tc, test_starttls_injection);
	tcase_add_test(tc, test_starttls_stripped);
	tcase_add_loop_test(tc, test_starttls_refused, 0,
	    (int)(sizeof starttls_cases / sizeof starttls_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("auth");
	tcase_add_test(tc, test_plaintext_auth_refused);
	tcase_add_loop_test(tc, test_auth_codes, 0,
	    (int)(sizeof auth_cases / sizeof auth_cases[0]));
	tcase_add_test(tc, test_auth_choice);
	tcase_add_test(tc, test_auth_login_and_cram);
	tcase_add_test(tc, test_auth_235_early);
	tcase_add_loop_test(tc, test_auth_bad_challenge, 0,
	    (int)(sizeof bad_challenges / sizeof bad_challenges[0]));
	tcase_add_test(tc, test_auth_huge_challenge);
	tcase_add_test(tc, test_auth_endless_334);
	tcase_add_test(tc, test_redaction);
	suite_add_tcase(s, tc);

	tc = tcase_create("envelope");
	tcase_add_test(tc, test_mail_rcpt_rejected);
	tcase_add_test(tc, test_pipelining);
	tcase_add_test(tc, test_data_accepted);
	tcase_add_test(tc, test_data_dot_stuffing);
	tcase_add_test(tc, test_data_rejected);
	tcase_add_test(tc, test_data_no_354);
	tcase_add_test(tc, test_data_bad_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("broken");
	tcase_add_test(tc, test_endless_ehlo);
	tcase_add_test(tc, test_inconsistent_reply);
	tcase_add_test(tc, test_two_replies);
	tcase_add_test(tc, test_bare_lf_and_nul);
	tcase_add_loop_test(tc, test_disconnect, 0,
	    (int)(sizeof disconnect_cases / sizeof disconnect_cases[0]));
	tcase_add_test(tc, test_cancel);
	tcase_add_loop_test(tc, test_bad_config, 0,
	    (int)(sizeof bad_configs / sizeof bad_configs[0]));
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_fuzz_servers);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls");
	tcase_add_test(tc, test_tls_starttls);
	tcase_add_test(tc, test_tls_unverified);
	tcase_add_test(tc, test_tls_implicit);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("transport");
	tcase_add_loop_test(tc, test_transport_lengths, 0,
	    (int)(sizeof transport_lengths / sizeof transport_lengths[0]));
	tcase_add_test(tc, test_transport_flags);
	tcase_add_test(tc, test_transport_deadline);
	tcase_add_test(tc, test_transport_socket);
	tcase_add_test(tc, test_transport_one_write);
	suite_add_tcase(s, tc);

	tc = tcase_create("sasl");
	tcase_add_test(tc, test_sasl_plain);
	tcase_add_test(tc, test_sasl_login);
	tcase_add_test(tc, test_sasl_cram_md5);
	tcase_add_loop_test(tc, test_sasl_bad_challenges, 0,
	    (int)(sizeof sasl_bad / sizeof sasl_bad[0]));
	tcase_add_test(tc, test_sasl_long_challenge);
	tcase_add_test(tc, test_sasl_new_errors);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	tls_lab();
	sr = srunner_create(smtp_client_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	tls_lab_clean();
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
