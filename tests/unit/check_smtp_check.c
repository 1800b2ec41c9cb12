/* check_smtp_check.c: unit tests for smtp_check_run's memo and the result copy it hands out. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "smtp-check.h"
#include "util.h"

#define TEST_HOST	"mail.memo.test"
#define TEST_TIMEOUT_MS	3000
#define FAKE_MAX_CONNS	32
/* The greeting's delay when two checks must overlap: far longer than starting a thread. */
#define SLOW_GREETING_MS	600
#define REUSED_STEP	"using the answer the same check got moments ago"

/*
 * A plain SMTP server on a loopback port, in this process: it counts the connections it
 * accepts, which is what the memo saves. Each connection gets its own thread, so checks
 * that do connect at the same time are served at the same time.
 */
struct fake {
	int			 fd;
	int			 port;
	int			 wake[2];	/* a byte here stops the accept loop */
	int			 greet_delay_ms;
	int			 mute_first;	/* the first connection hears nothing: its
						   greeting lost on the way */
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	int			 accepts;
	pthread_t		 conns[FAKE_MAX_CONNS];
	size_t			 nconns;
};

/* What a check told its callbacks. */
struct seen {
	int			 progress;	/* calls */
	int			 reused_step;	/* calls with REUSED_STEP */
	int			 lines;
};

/* One check on its own thread. */
struct job {
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 res;
	int				 rc;
	char				*cause;
	long long			 elapsed_ms;
	struct seen			 seen;
};

static struct fake	 fakes[2];

static void	 sleep_ms(int);
static void	 fake_start(struct fake *, int);
static void	 fake_stop(struct fake *);
static int	 fake_accepts(struct fake *);
static int	 fake_settle(struct fake *, int);
static void	*fake_loop(void *);
static void	*fake_conn(void *);
static void	 fake_send(int, const char *);
static void	 seen_progress(void *, const char *);
static void	 seen_line(void *, const char *);
static void	 config_default(struct smtp_check_config *, const struct fake *,
		     struct seen *);
static void	*job_run(void *);
static void	 job_start(struct job *, pthread_t *);
static void	 job_free(struct job *);
static void	 check_once(const struct smtp_check_config *, struct smtp_check_result *);
static void	 setup(void);
static void	 teardown(void);
static void	 result_fill(struct smtp_check_result *);
static void	 vary(struct smtp_check_config *, int);
static void	*cancel_later(void *);
static Suite	*smtp_check_suite(void);

static void
sleep_ms(int ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void
fake_start(struct fake *f, int greet_delay_ms)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;

	memset(f, 0, sizeof *f);
	f->greet_delay_ms = greet_delay_ms;
	ck_assert_int_eq(pthread_mutex_init(&f->lock, NULL), 0);
	ck_assert_int_eq(pipe(f->wake), 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(f->fd, -1);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(listen(f->fd, 16), 0);
	ck_assert_int_eq(getsockname(f->fd, (struct sockaddr *)&sin, &len), 0);
	f->port = ntohs(sin.sin_port);
	ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_loop, f), 0);
}

static void
fake_stop(struct fake *f)
{
	size_t	 i;

	if (f->fd <= 0)
		return;
	ck_assert_int_eq(write(f->wake[1], "x", 1), 1);
	pthread_join(f->thread, NULL);
	for (i = 0; i < f->nconns; i++)
		pthread_join(f->conns[i], NULL);
	close(f->fd);
	close(f->wake[0]);
	close(f->wake[1]);
	pthread_mutex_destroy(&f->lock);
	f->fd = 0;
}

static int
fake_accepts(struct fake *f)
{
	int	 n;

	pthread_mutex_lock(&f->lock);
	n = f->accepts;
	pthread_mutex_unlock(&f->lock);
	return (n);
}

/*
 * The count once it reaches want, or after a second: a check that fails before reading
 * anything may be done before this server's thread has taken its connection.
 */
static int
fake_settle(struct fake *f, int want)
{
	long long	 end = mono_ms() + 1000;
	int		 n;

	while ((n = fake_accepts(f)) < want && mono_ms() < end)
		sleep_ms(10);
	return (n);
}

struct fake_conn_arg {
	struct fake	*f;
	int		 fd;
	int		 mute;
};

static void *
fake_loop(void *arg)
{
	struct fake		*f = arg;
	struct fake_conn_arg	*ca;
	struct pollfd		 pfd[2];
	int			 fd, n;

	for (;;) {
		pfd[0].fd = f->fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = f->wake[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if ((fd = accept(f->fd, NULL, NULL)) == -1)
			continue;
		/* Counted before a byte is sent: a check cannot finish before it counts. */
		pthread_mutex_lock(&f->lock);
		n = ++f->accepts;
		pthread_mutex_unlock(&f->lock);
		if (f->nconns == FAKE_MAX_CONNS) {
			close(fd);
			continue;
		}
		ca = xcalloc(1, sizeof *ca);
		ca->f = f;
		ca->fd = fd;
		ca->mute = f->mute_first && n == 1;
		if (pthread_create(&f->conns[f->nconns], NULL, fake_conn, ca) != 0) {
			close(fd);
			free(ca);
			continue;
		}
		f->nconns++;
	}
	return (NULL);
}

static void
fake_send(int fd, const char *s)
{
	size_t	 off = 0, len = strlen(s);
	ssize_t	 n;

	while (off < len) {
		if ((n = send(fd, s + off, len - off, MSG_NOSIGNAL)) <= 0)
			return;
		off += (size_t)n;
	}
}

/* Greets, answers EHLO, AUTH, MAIL, RCPT, DATA and QUIT as a willing server would. */
static void *
fake_conn(void *arg)
{
	struct fake_conn_arg	*ca = arg;
	struct timeval		 tv = { 5, 0 };
	char			 buf[8192], *eol, *line;
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd = ca->fd, in_data = 0;

	if (ca->mute) {
		/* Nothing, until the client gives up and closes. */
		free(ca);
		while (recv(fd, buf, sizeof buf, 0) > 0)
			;
		close(fd);
		return (NULL);
	}
	if (ca->f->greet_delay_ms > 0)
		sleep_ms(ca->f->greet_delay_ms);
	free(ca);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	fake_send(fd, "220 fake.memo.test ESMTP\r\n");
	for (;;) {
		if (len == sizeof buf - 1)
			len = 0;	/* a line too long: not one of ours */
		if ((n = recv(fd, buf + len, sizeof buf - 1 - len, 0)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		while ((eol = strstr(buf, "\r\n")) != NULL) {
			*eol = '\0';
			line = buf;
			if (in_data) {
				if (strcmp(line, ".") == 0) {
					in_data = 0;
					fake_send(fd, "250 2.0.0 Ok: queued as MEMO1\r\n");
				}
			} else if (strncasecmp(line, "EHLO", 4) == 0)
				fake_send(fd, "250-fake.memo.test\r\n250-AUTH PLAIN LOGIN\r\n"
				    "250 8BITMIME\r\n");
			else if (strncasecmp(line, "AUTH", 4) == 0)
				fake_send(fd, "235 2.7.0 Authentication successful\r\n");
			else if (strncasecmp(line, "MAIL", 4) == 0 ||
			    strncasecmp(line, "RCPT", 4) == 0 ||
			    strncasecmp(line, "RSET", 4) == 0)
				fake_send(fd, "250 2.1.0 Ok\r\n");
			else if (strncasecmp(line, "DATA", 4) == 0) {
				in_data = 1;
				fake_send(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
			} else if (strncasecmp(line, "QUIT", 4) == 0)
				fake_send(fd, "221 2.0.0 Bye\r\n");
			else
				fake_send(fd, "502 5.5.2 Error: command not recognized\r\n");
			len -= (size_t)(eol + 2 - buf);
			memmove(buf, eol + 2, len + 1);
		}
	}
	close(fd);
	return (NULL);
}

static void
seen_progress(void *arg, const char *step)
{
	struct seen	*s = arg;

	s->progress++;
	if (strcmp(step, REUSED_STEP) == 0)
		s->reused_step++;
}

static void
seen_line(void *arg, const char *line)
{
	struct seen	*s = arg;

	(void)line;
	s->lines++;
}

/* A login over plain text (consented) and an envelope: every step the memo keys on. */
static void
config_default(struct smtp_check_config *cfg, const struct fake *f, struct seen *seen)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->host = TEST_HOST;
	cfg->addresses = "127.0.0.1";
	cfg->port = f->port;
	cfg->security = SMTP_SECURITY_NONE;
	cfg->user = "anna@example.com";
	cfg->password = "s3cret-Pa55";
	cfg->mech = "PLAIN";
	cfg->allow_plaintext_auth = 1;
	cfg->mail_from = "anna@example.com";
	cfg->rcpt_to = "anna@example.com";
	cfg->timeout_ms = TEST_TIMEOUT_MS;
	if (seen != NULL) {
		memset(seen, 0, sizeof *seen);
		cfg->progress = seen_progress;
		cfg->progress_arg = seen;
		cfg->line = seen_line;
		cfg->line_arg = seen;
	}
}

static void *
job_run(void *arg)
{
	struct job	*j = arg;
	long long	 start = mono_ms();

	j->rc = smtp_check_run(&j->cfg, &j->res, &j->cause);
	j->elapsed_ms = mono_ms() - start;
	return (NULL);
}

static void
job_start(struct job *j, pthread_t *t)
{
	smtp_check_result_init(&j->res);
	j->cause = NULL;
	ck_assert_int_eq(pthread_create(t, NULL, job_run, j), 0);
}

static void
job_free(struct job *j)
{
	smtp_check_result_free(&j->res);
	free(j->cause);
}

/* One check that must run and reach the end of the dialogue. */
static void
check_once(const struct smtp_check_config *cfg, struct smtp_check_result *res)
{
	char	*cause = NULL;

	smtp_check_result_init(res);
	ck_assert_msg(smtp_check_run(cfg, res, &cause) == 0, "%s", cause);
	ck_assert_int_eq(res->connect, NET_CONNECTED);
	ck_assert_int_eq(res->session.greeting.code, 220);
}

static void
setup(void)
{
	smtp_check_forget();
	fake_start(&fakes[0], 0);
	fake_start(&fakes[1], 0);
}

static void
teardown(void)
{
	fake_stop(&fakes[0]);
	fake_stop(&fakes[1]);
	smtp_check_forget();
}

/* ---- the copy ------------------------------------------------------------------------ */

/* Every field that smtp_check_result_free releases holds something. */
static void
result_fill(struct smtp_check_result *r)
{
	struct smtp_session_result	*s = &r->session;
	struct tls_info			*ti = &s->tls_info;
	size_t				 i;

	smtp_check_result_init(r);
	r->connect = NET_CONNECTED;
	snprintf(r->address, sizeof r->address, "%s", "192.0.2.25");
	snprintf(r->helo_name, sizeof r->helo_name, "%s", "client.example.org");
	s->phase = SMTP_PHASE_RCPT;
	s->failure = SMTP_FAIL_RCPT_REJECTED;
	s->detail = xstrdup("the server refused the recipient");
	s->queue_id = xstrdup("Ok: queued as 4Xyz");
	s->reply.code = 550;
	snprintf(s->reply.enhanced, sizeof s->reply.enhanced, "%s", "5.1.1");
	strlist_add(&s->reply.lines, "no such user");
	strlist_add(&s->reply.lines, "really");
	s->greeting.code = 220;
	strlist_add(&s->greeting.lines, "mx.example.com ESMTP");
	s->have_caps = s->have_caps_tls = 1;
	s->caps.domain = xstrdup("mx.example.com");
	s->caps.starttls = 1;
	strlist_add(&s->caps.keywords, "STARTTLS");
	s->caps_tls.domain = xstrdup("mx.example.com under TLS");
	s->caps_tls.auth = SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN;
	strlist_add(&s->caps_tls.auth_names, "PLAIN");
	strlist_add(&s->caps_tls.auth_names, "LOGIN");
	strlist_add(&s->caps_tls.keywords, "AUTH PLAIN LOGIN");
	s->tls = 1;
	ti->verdict = TLS_WRONG_NAME;
	ti->verify_words = xstrdup("the certificate is for another name");
	ti->protocol = xstrdup("TLS1.3");
	ti->cipher = xstrdup("AES-256-GCM");
	ti->kx = xstrdup("X25519");
	ti->nchain = 2;
	ti->chain = xcalloc(ti->nchain, sizeof *ti->chain);
	for (i = 0; i < ti->nchain; i++) {
		xasprintf(&ti->chain[i].subject, "CN=cert %zu", i);
		xasprintf(&ti->chain[i].issuer, "CN=issuer %zu", i);
		ti->chain[i].not_before = xstrdup("2024-01-01T00:00:00Z");
		ti->chain[i].not_after = xstrdup("2034-01-01T00:00:00Z");
		strlist_addf(&ti->chain[i].names, "name%zu.example.com", i);
		strlist_add(&ti->chain[i].names, "192.0.2.25");
		snprintf(ti->chain[i].sha256, sizeof ti->chain[i].sha256, "AB:CD:%02zu", i);
		ti->chain[i].self_signed = i == 1;
	}
	s->auth_mech = "PLAIN";
	s->auth_sent = s->authenticated = 1;
	s->timings.total_ms = 1234;
	strlist_add(&s->transcript, "S: 220 mx.example.com ESMTP");
	strlist_add(&s->transcript, "C: EHLO client.example.org");
	strlist_add(&s->notes, "a reply line ended in a bare LF");
}

START_TEST(test_copy_deep)
{
	struct smtp_check_result	 src, dst;
	const struct smtp_session_result *d = &dst.session;
	const struct tls_info		*ti = &dst.session.tls_info;
	size_t				 i;
	int				 round;

	smtp_check_result_init(&dst);
	/* Twice: the second copy lands on a filled result, which must be freed first. */
	for (round = 0; round < 2; round++) {
		result_fill(&src);
		smtp_check_result_copy(&dst, &src);
		/* Nothing shared: a shallow copy would have the same pointers. */
		ck_assert_ptr_ne(d->detail, src.session.detail);
		ck_assert_ptr_ne(d->queue_id, src.session.queue_id);
		ck_assert_ptr_ne(d->reply.lines.v, src.session.reply.lines.v);
		ck_assert_ptr_ne(d->reply.lines.v[0], src.session.reply.lines.v[0]);
		ck_assert_ptr_ne(d->greeting.lines.v[0], src.session.greeting.lines.v[0]);
		ck_assert_ptr_ne(d->caps.domain, src.session.caps.domain);
		ck_assert_ptr_ne(d->caps.keywords.v[0], src.session.caps.keywords.v[0]);
		ck_assert_ptr_ne(d->caps_tls.auth_names.v[0],
		    src.session.caps_tls.auth_names.v[0]);
		ck_assert_ptr_ne(ti->chain, src.session.tls_info.chain);
		ck_assert_ptr_ne(ti->chain[1].names.v[0], src.session.tls_info.chain[1].names.v[0]);
		ck_assert_ptr_ne(ti->verify_words, src.session.tls_info.verify_words);
		ck_assert_ptr_ne(d->transcript.v[0], src.session.transcript.v[0]);
		ck_assert_ptr_ne(d->notes.v[0], src.session.notes.v[0]);
		/* The static name is shared on purpose. */
		ck_assert_ptr_eq(d->auth_mech, src.session.auth_mech);
		/* The source is gone (and its memory scribbled on); the copy still reads. */
		smtp_check_result_free(&src);
		memset(&src, 0xa5, sizeof src);
	}

	ck_assert_int_eq(dst.connect, NET_CONNECTED);
	ck_assert_str_eq(dst.address, "192.0.2.25");
	ck_assert_str_eq(dst.helo_name, "client.example.org");
	ck_assert_int_eq(d->phase, SMTP_PHASE_RCPT);
	ck_assert_int_eq(d->failure, SMTP_FAIL_RCPT_REJECTED);
	ck_assert_str_eq(d->detail, "the server refused the recipient");
	ck_assert_str_eq(d->queue_id, "Ok: queued as 4Xyz");
	ck_assert_int_eq(d->reply.code, 550);
	ck_assert_str_eq(d->reply.enhanced, "5.1.1");
	ck_assert_uint_eq(d->reply.lines.n, 2);
	ck_assert_str_eq(d->reply.lines.v[1], "really");
	ck_assert_int_eq(d->greeting.code, 220);
	ck_assert_str_eq(d->greeting.lines.v[0], "mx.example.com ESMTP");
	ck_assert_str_eq(d->caps.domain, "mx.example.com");
	ck_assert_int_eq(d->caps.starttls, 1);
	ck_assert_str_eq(d->caps.keywords.v[0], "STARTTLS");
	ck_assert_str_eq(d->caps_tls.domain, "mx.example.com under TLS");
	ck_assert_uint_eq(d->caps_tls.auth, SMTP_AUTH_PLAIN | SMTP_AUTH_LOGIN);
	ck_assert_uint_eq(d->caps_tls.auth_names.n, 2);
	ck_assert_str_eq(d->caps_tls.auth_names.v[1], "LOGIN");
	ck_assert_str_eq(d->caps_tls.keywords.v[0], "AUTH PLAIN LOGIN");
	ck_assert_int_eq(d->tls, 1);
	ck_assert_int_eq(ti->verdict, TLS_WRONG_NAME);
	ck_assert_str_eq(ti->verify_words, "the certificate is for another name");
	ck_assert_str_eq(ti->protocol, "TLS1.3");
	ck_assert_str_eq(ti->cipher, "AES-256-GCM");
	ck_assert_str_eq(ti->kx, "X25519");
	ck_assert_uint_eq(ti->nchain, 2);
	for (i = 0; i < ti->nchain; i++) {
		char	 want[64];

		snprintf(want, sizeof want, "CN=cert %zu", i);
		ck_assert_str_eq(ti->chain[i].subject, want);
		snprintf(want, sizeof want, "CN=issuer %zu", i);
		ck_assert_str_eq(ti->chain[i].issuer, want);
		ck_assert_str_eq(ti->chain[i].not_before, "2024-01-01T00:00:00Z");
		ck_assert_str_eq(ti->chain[i].not_after, "2034-01-01T00:00:00Z");
		ck_assert_uint_eq(ti->chain[i].names.n, 2);
		snprintf(want, sizeof want, "name%zu.example.com", i);
		ck_assert_str_eq(ti->chain[i].names.v[0], want);
		snprintf(want, sizeof want, "AB:CD:%02zu", i);
		ck_assert_str_eq(ti->chain[i].sha256, want);
		ck_assert_int_eq(ti->chain[i].self_signed, i == 1);
	}
	ck_assert_str_eq(d->auth_mech, "PLAIN");
	ck_assert_int_eq(d->authenticated, 1);
	ck_assert_int_eq(d->timings.total_ms, 1234);
	ck_assert_uint_eq(d->transcript.n, 2);
	ck_assert_str_eq(d->transcript.v[1], "C: EHLO client.example.org");
	ck_assert_str_eq(d->notes.v[0], "a reply line ended in a bare LF");
	smtp_check_result_free(&dst);
}
END_TEST

/* An empty result copies to an empty result: no NULL is dereferenced, nothing allocated. */
START_TEST(test_copy_empty)
{
	struct smtp_check_result	 src, dst;

	smtp_check_result_init(&src);
	smtp_check_result_init(&dst);
	smtp_check_result_copy(&dst, &src);
	ck_assert_int_eq(dst.connect, NET_ERROR);
	ck_assert_ptr_null(dst.session.detail);
	ck_assert_ptr_null(dst.session.tls_info.chain);
	ck_assert_uint_eq(dst.session.transcript.n, 0);
	ck_assert_int_eq(dst.session.timings.greeting_ms, -1);
	smtp_check_result_free(&dst);
	smtp_check_result_free(&src);
}
END_TEST

/* ---- the memo -------------------------------------------------------------------------- */

START_TEST(test_second_check_reused)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a, b;
	struct seen			 seen_a, seen_b;
	size_t				 i;

	config_default(&cfg, &fakes[0], &seen_a);
	check_once(&cfg, &a);
	ck_assert_int_eq(a.session.failure, SMTP_FAIL_NONE);
	ck_assert_int_eq(a.session.authenticated, 1);
	ck_assert_int_eq(a.session.rcpt_accepted, 1);
	ck_assert_int_eq(a.reused, 0);
	ck_assert_int_eq(seen_a.reused_step, 0);
	ck_assert_int_gt(seen_a.lines, 0);

	config_default(&cfg, &fakes[0], &seen_b);
	check_once(&cfg, &b);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	ck_assert_int_eq(b.reused, 1);
	ck_assert_int_eq(b.session.failure, SMTP_FAIL_NONE);
	ck_assert_int_eq(b.session.rcpt_accepted, 1);
	ck_assert_str_eq(b.address, a.address);
	ck_assert_uint_eq(b.session.transcript.n, a.session.transcript.n);
	for (i = 0; i < a.session.transcript.n; i++)
		ck_assert_str_eq(b.session.transcript.v[i], a.session.transcript.v[i]);
	/* Told once, in plain words, and the transcript replayed for a live view. */
	ck_assert_int_eq(seen_b.progress, 1);
	ck_assert_int_eq(seen_b.reused_step, 1);
	ck_assert_int_eq(seen_b.lines, (int)a.session.transcript.n);
	/* The host's case and a different address list are the same question. */
	config_default(&cfg, &fakes[0], NULL);
	cfg.host = "MAIL.Memo.TEST";
	cfg.addresses = "127.0.0.1 127.0.0.2";
	smtp_check_result_free(&b);
	check_once(&cfg, &b);
	ck_assert_int_eq(b.reused, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	smtp_check_result_free(&a);
	smtp_check_result_free(&b);
}
END_TEST

START_TEST(test_concurrent_checks_share)
{
	struct job	 jobs[3];
	pthread_t	 t[3];
	size_t		 i;
	int		 reused = 0;

	fake_stop(&fakes[0]);
	fake_start(&fakes[0], SLOW_GREETING_MS);
	for (i = 0; i < 3; i++) {
		config_default(&jobs[i].cfg, &fakes[0], &jobs[i].seen);
		job_start(&jobs[i], &t[i]);
	}
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(jobs[i].rc == 0, "%s", jobs[i].cause);
		ck_assert_int_eq(jobs[i].res.connect, NET_CONNECTED);
		ck_assert_int_eq(jobs[i].res.session.failure, SMTP_FAIL_NONE);
		reused += jobs[i].res.reused;
		/* The waiters waited for the greeting too: they did not give up early. */
		ck_assert_int_ge(jobs[i].elapsed_ms, SLOW_GREETING_MS - 50);
	}
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	ck_assert_int_eq(reused, 2);
	for (i = 0; i < 3; i++)
		job_free(&jobs[i]);
}
END_TEST

/* Each changes one thing that changes the question: a second connection. */
static const char *const variations[] = {
	"password", "no login", "user", "port", "security", "mech", "plain-text consent",
	"mail_from", "rcpt_to", "timeout", "host", "resolver", "cafile"
};

static void
vary(struct smtp_check_config *c, int i)
{
	switch (i) {
	case 0:
		c->password = "other-Pa55";
		break;
	case 1:
		c->user = c->password = NULL;
		break;
	case 2:
		c->user = "bob@example.com";
		break;
	case 3:
		c->port = fakes[1].port;
		break;
	case 4:
		c->security = SMTP_SECURITY_STARTTLS;
		break;
	case 5:
		c->mech = "LOGIN";
		break;
	case 6:
		c->allow_plaintext_auth = 0;
		break;
	case 7:
		c->mail_from = "bob@example.com";
		break;
	case 8:
		c->rcpt_to = "bob@example.com";
		break;
	case 9:
		c->timeout_ms = TEST_TIMEOUT_MS + 1;
		break;
	case 10:
		c->host = "smtp.memo.test";
		break;
	case 11:
		c->resolver = "127.0.0.1:53";
		break;
	case 12:
		c->cafile = "/nonexistent/ca.pem";
		break;
	default:
		ck_abort_msg("no variation %d", i);
	}
}

START_TEST(test_different_question)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a, b;
	char				*cause = NULL;

	config_default(&cfg, &fakes[0], NULL);
	check_once(&cfg, &a);
	vary(&cfg, _i);
	smtp_check_result_init(&b);
	ck_assert_msg(smtp_check_run(&cfg, &b, &cause) == 0, "%s: %s", variations[_i], cause);
	ck_assert_msg(b.reused == 0, "another %s, yet the same answer", variations[_i]);
	ck_assert_int_eq(b.connect, NET_CONNECTED);
	ck_assert_int_eq(fake_accepts(&fakes[0]) + fake_accepts(&fakes[1]), 2);
	/* And the changed question is itself kept. */
	smtp_check_result_free(&b);
	check_once(&cfg, &b);
	ck_assert_int_eq(b.reused, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]) + fake_accepts(&fakes[1]), 2);
	smtp_check_result_free(&a);
	smtp_check_result_free(&b);
}
END_TEST

START_TEST(test_forget)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a, b;

	config_default(&cfg, &fakes[0], NULL);
	check_once(&cfg, &a);
	smtp_check_forget();
	check_once(&cfg, &b);
	ck_assert_int_eq(b.reused, 0);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 2);
	smtp_check_result_free(&a);
	smtp_check_result_free(&b);
}
END_TEST

START_TEST(test_data_never_shared)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a, b, c;

	config_default(&cfg, &fakes[0], NULL);
	cfg.data_to = "anna@example.com";
	cfg.data_message = "Subject: test\n\nhello\n";
	check_once(&cfg, &a);
	ck_assert_int_eq(a.session.message_accepted, 1);
	check_once(&cfg, &b);
	ck_assert_int_eq(b.reused, 0);
	ck_assert_int_eq(b.session.message_accepted, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 2);
	/* Nor does the envelope check take the message's answer. */
	cfg.data_to = NULL;
	cfg.data_message = NULL;
	check_once(&cfg, &c);
	ck_assert_int_eq(c.reused, 0);
	ck_assert_int_eq(c.session.message_accepted, 0);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 3);
	/* A message sent while the envelope check's answer is kept still goes out. */
	cfg.data_to = "anna@example.com";
	cfg.data_message = "Subject: test\n\nhello\n";
	smtp_check_result_free(&a);
	check_once(&cfg, &a);
	ck_assert_int_eq(a.reused, 0);
	ck_assert_int_eq(a.session.message_accepted, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 4);
	smtp_check_result_free(&a);
	smtp_check_result_free(&b);
	smtp_check_result_free(&c);
}
END_TEST

/* A configuration the client refuses (-1) is no answer: the next one connects again. */
START_TEST(test_refused_config_not_kept)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a;
	char				*cause = NULL;
	int				 round;

	config_default(&cfg, &fakes[0], NULL);
	cfg.mail_from = NULL;		/* rcpt_to without mail_from */
	for (round = 0; round < 2; round++) {
		smtp_check_result_init(&a);
		ck_assert_int_eq(smtp_check_run(&cfg, &a, &cause), -1);
		ck_assert_ptr_nonnull(cause);
		free(cause);
		cause = NULL;
		smtp_check_result_free(&a);
	}
	ck_assert_int_eq(fake_settle(&fakes[0], 2), 2);
}
END_TEST

/*
 * An answer fits a check that could have found it: addresses pin a check (smtp-matrix runs
 * each cell on one address), so another address's answer is not taken. On loopback,
 * 127.0.0.2 refuses: the fake server listens on 127.0.0.1 only.
 */
START_TEST(test_addresses_fit)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a, b;
	char				*cause = NULL;

	/* Connected at 127.0.0.1: fits a check that would race 127.0.0.2 and 127.0.0.1. */
	config_default(&cfg, &fakes[0], NULL);
	cfg.addresses = "127.0.0.1";
	check_once(&cfg, &a);
	ck_assert_str_eq(a.address, "127.0.0.1");
	cfg.addresses = "127.0.0.2, 127.0.0.1";
	check_once(&cfg, &b);
	ck_assert_int_eq(b.reused, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	smtp_check_result_free(&b);

	/* Not a check pinned to 127.0.0.2: that one is refused, and says so. */
	cfg.addresses = "127.0.0.2";
	smtp_check_result_init(&b);
	ck_assert_msg(smtp_check_run(&cfg, &b, &cause) == 0, "%s", cause);
	ck_assert_int_eq(b.reused, 0);
	ck_assert_int_eq(b.connect, NET_REFUSED);
	smtp_check_result_free(&b);

	/*
	 * The refusal fits only a check of the same addresses: one that may also try
	 * 127.0.0.1 gets 127.0.0.1's answer instead, one pinned to 127.0.0.2 the refusal.
	 */
	cfg.addresses = "127.0.0.1 127.0.0.2";
	smtp_check_result_init(&b);
	ck_assert_msg(smtp_check_run(&cfg, &b, &cause) == 0, "%s", cause);
	ck_assert_int_eq(b.connect, NET_CONNECTED);
	ck_assert_int_eq(b.reused, 1);	/* 127.0.0.1's answer, from the start */
	smtp_check_result_free(&b);
	cfg.addresses = "127.0.0.2";
	smtp_check_result_init(&b);
	ck_assert_msg(smtp_check_run(&cfg, &b, &cause) == 0, "%s", cause);
	ck_assert_int_eq(b.connect, NET_REFUSED);
	ck_assert_int_eq(b.reused, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	smtp_check_result_free(&a);
	smtp_check_result_free(&b);
}
END_TEST

/*
 * A server that never greets costs one timeout: the repeat's answer comes from the memo
 * and says, as the mute memory's would, that it was not waited for again.
 */
START_TEST(test_mute_answer_says_so)
{
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 a, b;
	char				*cause = NULL;
	long long			 start;

	fake_stop(&fakes[0]);
	fake_start(&fakes[0], 2000);
	config_default(&cfg, &fakes[0], NULL);
	cfg.timeout_ms = 300;
	smtp_check_result_init(&a);
	ck_assert_msg(smtp_check_run(&cfg, &a, &cause) == 0, "%s", cause);
	ck_assert_int_eq(a.session.failure, SMTP_FAIL_GREETING_TIMEOUT);
	ck_assert_ptr_null(strstr(a.session.detail, "not waited for again"));
	start = mono_ms();
	smtp_check_result_init(&b);
	ck_assert_msg(smtp_check_run(&cfg, &b, &cause) == 0, "%s", cause);
	/* Told at once: well under the one timeout (300 ms) a second wait would cost. */
	ck_assert_int_lt(mono_ms() - start, cfg.timeout_ms);
	ck_assert_int_eq(b.reused, 1);
	ck_assert_int_eq(b.session.failure, SMTP_FAIL_GREETING_TIMEOUT);
	ck_assert_ptr_nonnull(b.session.detail);
	ck_assert_msg(strstr(b.session.detail, "(not waited for again)") != NULL, "%s",
	    b.session.detail);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	smtp_check_result_free(&a);
	smtp_check_result_free(&b);
}
END_TEST

/* The pair (smtp_check_run_pair): the user's plain check, the implicit-TLS one beside it. */
static void
pair_configs(struct smtp_check_config *cfg, struct smtp_check_config *other)
{
	config_default(cfg, &fakes[0], NULL);
	cfg->timeout_ms = 1500;		/* past SMTP_CHECK_OTHER_DELAY_MS: the other starts */
	*other = *cfg;
	other->security = SMTP_SECURITY_TLS;
	other->user = NULL;
	other->password = NULL;
	other->mail_from = NULL;
	other->rcpt_to = NULL;
}

/*
 * The first connection hears no greeting, while the implicit-TLS try beside it is greeted
 * at once in plain text: the greeting was lost, not withheld. The user's check is asked
 * once more, afresh (not from the memo, not "not waited for again"), and that answer is
 * the result, marked as a second try; the memo then holds it.
 */
START_TEST(test_pair_second_try)
{
	struct smtp_check_config	 cfg, other;
	struct smtp_check_result	 res, ores, again;
	char				*cause = NULL;
	int				 orc, oran;

	fake_stop(&fakes[0]);
	fake_start(&fakes[0], 0);
	fakes[0].mute_first = 1;
	pair_configs(&cfg, &other);
	smtp_check_result_init(&res);
	smtp_check_result_init(&ores);
	ck_assert_msg(smtp_check_run_pair(&cfg, &res, &cause, &other, &ores, &orc, &oran) == 0,
	    "%s", cause);
	ck_assert_int_eq(oran, 1);
	ck_assert_int_eq(orc, 0);
	ck_assert_int_eq(ores.session.tls_failure, TLS_FAIL_NOT_TLS);
	ck_assert_int_eq(ores.session.tls_info.plain_line, 1);
	ck_assert_int_eq(res.second_try, 1);
	ck_assert_int_eq(res.reused, 0);
	ck_assert_msg(res.session.failure == SMTP_FAIL_NONE, "%s", res.session.detail);
	ck_assert_int_eq(res.session.authenticated, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 3);
	/* What is kept now is the second try's answer. */
	smtp_check_result_init(&again);
	ck_assert_msg(smtp_check_run(&cfg, &again, &cause) == 0, "%s", cause);
	ck_assert_int_eq(again.reused, 1);
	ck_assert_int_eq(again.session.failure, SMTP_FAIL_NONE);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 3);
	smtp_check_result_free(&again);
	smtp_check_result_free(&ores);
	smtp_check_result_free(&res);
}
END_TEST

/*
 * A server mute to every connection: the implicit-TLS try meets no line either, so the
 * user's check is not asked again and the run costs the one wait.
 */
START_TEST(test_pair_mute_no_second_try)
{
	struct smtp_check_config	 cfg, other;
	struct smtp_check_result	 res, ores;
	char				*cause = NULL;
	int				 orc, oran;

	fake_stop(&fakes[0]);
	fake_start(&fakes[0], 4000);
	pair_configs(&cfg, &other);
	smtp_check_result_init(&res);
	smtp_check_result_init(&ores);
	ck_assert_msg(smtp_check_run_pair(&cfg, &res, &cause, &other, &ores, &orc, &oran) == 0,
	    "%s", cause);
	ck_assert_int_eq(res.session.failure, SMTP_FAIL_GREETING_TIMEOUT);
	ck_assert_int_eq(res.second_try, 0);
	ck_assert_int_eq(ores.session.tls_info.plain_line, 0);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 2);
	smtp_check_result_free(&ores);
	smtp_check_result_free(&res);
}
END_TEST

static volatile sig_atomic_t	 cancel_flag;

static void *
cancel_later(void *arg)
{
	(void)arg;
	sleep_ms(150);
	cancel_flag = 1;
	return (NULL);
}

/*
 * A waiter cancelled while the same check runs elsewhere returns at once, as a check
 * cancelled before it connected; the check it waited for goes on and is kept.
 */
START_TEST(test_cancelled_waiter)
{
	struct job			 owner, waiter;
	struct smtp_check_result	 c;
	pthread_t			 t1, t2, tc;

	fake_stop(&fakes[0]);
	fake_start(&fakes[0], 3 * SLOW_GREETING_MS);
	cancel_flag = 0;
	config_default(&owner.cfg, &fakes[0], &owner.seen);
	job_start(&owner, &t1);
	sleep_ms(50);
	config_default(&waiter.cfg, &fakes[0], &waiter.seen);
	waiter.cfg.cancel = &cancel_flag;
	job_start(&waiter, &t2);
	ck_assert_int_eq(pthread_create(&tc, NULL, cancel_later, NULL), 0);
	pthread_join(t2, NULL);
	pthread_join(tc, NULL);
	ck_assert_int_eq(waiter.rc, 0);
	ck_assert_int_eq(waiter.res.connect, NET_CANCELLED);
	ck_assert_int_eq(waiter.res.reused, 0);
	ck_assert_msg(waiter.elapsed_ms < 150 + 400, "the waiter took %lld ms",
	    waiter.elapsed_ms);
	pthread_join(t1, NULL);
	ck_assert_msg(owner.rc == 0, "%s", owner.cause);
	ck_assert_int_eq(owner.res.session.failure, SMTP_FAIL_NONE);
	config_default(&owner.cfg, &fakes[0], NULL);
	check_once(&owner.cfg, &c);
	ck_assert_int_eq(c.reused, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 1);
	smtp_check_result_free(&c);
	job_free(&owner);
	job_free(&waiter);
}
END_TEST

/*
 * A check cancelled halfway found nothing about the server: it is not kept, and one
 * waiting for it (not cancelled itself) runs its own check.
 */
START_TEST(test_cancelled_check_not_kept)
{
	struct job			 owner, waiter;
	struct smtp_check_result	 c;
	pthread_t			 t1, t2, tc;

	fake_stop(&fakes[0]);
	fake_start(&fakes[0], 2 * SLOW_GREETING_MS);
	cancel_flag = 0;
	config_default(&owner.cfg, &fakes[0], &owner.seen);
	owner.cfg.cancel = &cancel_flag;
	job_start(&owner, &t1);
	sleep_ms(50);
	config_default(&waiter.cfg, &fakes[0], &waiter.seen);
	job_start(&waiter, &t2);
	ck_assert_int_eq(pthread_create(&tc, NULL, cancel_later, NULL), 0);
	pthread_join(t1, NULL);
	pthread_join(tc, NULL);
	ck_assert_int_eq(owner.rc, 0);
	ck_assert_int_eq(owner.res.session.failure, SMTP_FAIL_CANCELLED);
	pthread_join(t2, NULL);
	ck_assert_msg(waiter.rc == 0, "%s", waiter.cause);
	ck_assert_int_eq(waiter.res.reused, 0);
	ck_assert_int_eq(waiter.res.session.failure, SMTP_FAIL_NONE);
	ck_assert_int_eq(waiter.seen.reused_step, 0);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 2);
	/* The waiter's own answer is the one kept. */
	config_default(&owner.cfg, &fakes[0], NULL);
	check_once(&owner.cfg, &c);
	ck_assert_int_eq(c.reused, 1);
	ck_assert_int_eq(fake_accepts(&fakes[0]), 2);
	smtp_check_result_free(&c);
	job_free(&owner);
	job_free(&waiter);
}
END_TEST

static Suite *
smtp_check_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("smtp_check");

	tc = tcase_create("copy");
	tcase_add_test(tc, test_copy_deep);
	tcase_add_test(tc, test_copy_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("memo");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_second_check_reused);
	tcase_add_test(tc, test_concurrent_checks_share);
	tcase_add_loop_test(tc, test_different_question, 0,
	    (int)(sizeof variations / sizeof variations[0]));
	tcase_add_test(tc, test_addresses_fit);
	tcase_add_test(tc, test_mute_answer_says_so);
	tcase_add_test(tc, test_forget);
	tcase_add_test(tc, test_data_never_shared);
	tcase_add_test(tc, test_refused_config_not_kept);
	tcase_add_test(tc, test_cancelled_waiter);
	tcase_add_test(tc, test_cancelled_check_not_kept);
	tcase_add_test(tc, test_pair_second_try);
	tcase_add_test(tc, test_pair_mute_no_second_try);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(smtp_check_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
