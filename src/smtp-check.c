/* smtp-check.c: one whole SMTP check: find the server's address, connect, run the dialogue. */
#include "config.h"

#include <sys/socket.h>

#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dns.h"
#include "smtp-check.h"
#include "smtp-memo.h"
#include "transport.h"

/*
 * At most this many addresses race (RFC 8305); a silent one no longer costs a timeout
 * before the next starts, only the Connection Attempt Delay.
 */
#define SMTP_CHECK_MAX_ADDRS	4

/*
 * Servers that took the connection and then said nothing useful before the timeout (no
 * greeting, or a TLS handshake that never completed: silent, or dripping a byte at a
 * time), remembered for SMTP_CHECK_MUTE_TTL_MS with what was found: the next check of the
 * same server and port in the same mode gets that answer at once instead of waiting the
 * whole timeout again, as net.c does for addresses that never answered the connection
 * (issue 8: a drip-feeding server cost one timeout per probe). Forgotten when the user
 * goes back.
 */
#define SMTP_CHECK_MUTE_MAX	16
#define SMTP_CHECK_MUTE_TTL_MS	60000
static struct smtp_check_mute {
	char			 address[64];
	char			*host;		/* as the user typed it */
	int			 port;
	int			 implicit_tls;	/* a port that waits for a TLS ClientHello is
						   mute only to those who wait for a greeting */
	long long		 at;
	enum smtp_phase		 phase;		/* what the check that waited found */
	enum smtp_failure	 failure;
	enum tls_failure	 tls_failure;
	char			*detail;
}			 smtp_check_mute[SMTP_CHECK_MUTE_MAX];
static size_t		 smtp_check_nmute;
static pthread_mutex_t	 smtp_check_mute_lock = PTHREAD_MUTEX_INITIALIZER;

static int	 smtp_check_addresses(const struct smtp_check_config *,
		     struct sockaddr_storage **, size_t *, char **);
static void	 smtp_check_interleave(struct sockaddr_storage *, size_t);
static void	 smtp_check_helo_name(struct transport *, char *, size_t);
static int	 smtp_check_once(const struct smtp_check_config *, struct smtp_check_result *,
		     char **);
static void	 smtp_check_replay(const struct smtp_check_config *,
		     const struct smtp_check_result *);
static int	 smtp_check_mute_seen(const struct smtp_check_config *, const char *,
		     struct smtp_session_result *);
static void	 smtp_check_mute_note(const struct smtp_check_config *, const char *,
		     const struct smtp_session_result *);
static void	 smtp_check_mute_forget(const struct smtp_check_config *);
static int	 smtp_check_greets(const struct smtp_check_result *);

void
smtp_check_result_init(struct smtp_check_result *r)
{
	memset(r, 0, sizeof *r);
	r->connect = NET_ERROR;
	smtp_session_result_init(&r->session);
}

void
smtp_check_result_free(struct smtp_check_result *r)
{
	smtp_session_result_free(&r->session);
	smtp_check_result_init(r);
}

void
smtp_check_result_copy(struct smtp_check_result *dst, const struct smtp_check_result *src)
{
	assert(dst != src);
	smtp_check_result_free(dst);
	/* Outside the session all is plain data; the session's strings and lists are copied. */
	*dst = *src;
	smtp_session_result_init(&dst->session);
	smtp_session_result_copy(&dst->session, &src->session);
}

/*
 * The addresses to try: those the tree already found (no second lookup, and the same
 * addresses the connection survey used), else a lookup here. A literal needs neither.
 */
static int
smtp_check_addresses(const struct smtp_check_config *cfg, struct sockaddr_storage **addrs,
    size_t *naddrs, char **cause)
{
	struct dns_config	 dc;
	struct dns_host		 h;
	struct sockaddr_storage	 ss;
	char			*copy, *word, *save;

	*addrs = NULL;
	*naddrs = 0;
	if (cfg->addresses != NULL && *cfg->addresses != '\0') {
		copy = xstrdup(cfg->addresses);
		for (word = strtok_r(copy, " ,", &save); word != NULL;
		    word = strtok_r(NULL, " ,", &save)) {
			if (net_addr_parse(word, &ss) != 0)
				continue;
			*addrs = xreallocarray(*addrs, *naddrs + 1, sizeof **addrs);
			(*addrs)[(*naddrs)++] = ss;
		}
		free(copy);
		if (*naddrs > 0)
			return (0);
	}
	memset(&dc, 0, sizeof dc);
	dc.resolver = cfg->resolver;
	dc.timeout_ms = cfg->timeout_ms;
	if (dns_resolve_host(&dc, cfg->host, &h, cause) != 0)
		return (-1);
	if (h.naddrs > 0) {
		*addrs = xreallocarray(NULL, h.naddrs, sizeof **addrs);
		memcpy(*addrs, h.addrs, h.naddrs * sizeof **addrs);
		*naddrs = h.naddrs;
	}
	dns_host_free(&h);
	return (0);
}

/*
 * RFC 8305 4: the lookup lists IPv4 first; the race wants IPv6 first and the families
 * alternating, so one broken family delays the other by one Connection Attempt Delay.
 */
static void
smtp_check_interleave(struct sockaddr_storage *a, size_t n)
{
	struct sockaddr_storage	*v4, *v6;
	size_t			 n4 = 0, n6 = 0, i, k = 0;

	v4 = xcalloc(n == 0 ? 1 : n, sizeof *v4);
	v6 = xcalloc(n == 0 ? 1 : n, sizeof *v6);
	for (i = 0; i < n; i++) {
		if (a[i].ss_family == AF_INET6)
			v6[n6++] = a[i];
		else
			v4[n4++] = a[i];
	}
	for (i = 0; i < n4 || i < n6; i++) {
		if (i < n6)
			a[k++] = v6[i];
		if (i < n4)
			a[k++] = v4[i];
	}
	free(v4);
	free(v6);
}

/*
 * RFC 5321 4.1.4: the EHLO argument is our fully qualified name, or failing that an address
 * literal of our end of the connection. Several providers refuse "localhost" and bare
 * names, and that refusal would look like a fault of the user's settings.
 */
static void
smtp_check_helo_name(struct transport *t, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 host[256], addr[64];

	memset(host, 0, sizeof host);
	if (gethostname(host, sizeof host - 1) == 0) {
		if (smtp_helo_name_ok(host) && strchr(host, '.') != NULL) {
			snprintf(buf, len, "%s", host);
			return;
		}
		/*
		 * No resolver lookup of our own name: on a broken network it could cost a
		 * whole resolver timeout before the first byte of the real check.
		 */
	}
	memset(&ss, 0, sizeof ss);
	if (getsockname(transport_socket(t), (struct sockaddr *)&ss, &sl) == 0) {
		net_addr_ntop(&ss, addr, sizeof addr);
		if (ss.ss_family == AF_INET6)
			snprintf(buf, len, "[IPv6:%s]", addr);
		else
			snprintf(buf, len, "[%s]", addr);
		return;
	}
	snprintf(buf, len, "%s", "[127.0.0.1]");
}

int
smtp_check_run(const struct smtp_check_config *cfg, struct smtp_check_result *res,
    char **cause)
{
	struct smtp_memo_entry	*e;
	int			 rc;

	if (cfg->host == NULL || *cfg->host == '\0') {
		xasprintf(cause, "no outgoing server name to test");
		return (-1);
	}
	if (cfg->port < 1 || cfg->port > 65535) {
		xasprintf(cause, "%d is not a port number (1 to 65535)", cfg->port);
		return (-1);
	}
	switch (smtp_memo_join(cfg, res, &e)) {
	case SMTP_MEMO_HIT:
		/*
		 * An answer that waited out a mute server says it was not waited for
		 * again, as the mute memory would have had it said after connecting.
		 */
		if (res->connect == NET_CONNECTED)
			smtp_check_mute_seen(cfg, res->address, &res->session);
		smtp_check_replay(cfg, res);
		return (0);
	case SMTP_MEMO_CANCELLED:
		return (0);
	case SMTP_MEMO_RUN:
		break;
	}
	rc = smtp_check_once(cfg, res, cause);
	smtp_memo_done(e, cfg, rc, res);
	return (rc);
}

/*
 * An answer taken from the memo, told as a check would tell it: one step in plain words,
 * and the transcript for those who watch it live (it would otherwise stay empty).
 */
static void
smtp_check_replay(const struct smtp_check_config *cfg, const struct smtp_check_result *res)
{
	size_t	 i;

	if (cfg->progress != NULL)
		cfg->progress(cfg->progress_arg, "using the answer the same check got moments "
		    "ago");
	if (cfg->line == NULL)
		return;
	for (i = 0; i < res->session.transcript.n; i++)
		cfg->line(cfg->line_arg, res->session.transcript.v[i]);
}

/* The check itself, every time: smtp_check_run has checked host and port. */
static int
smtp_check_once(const struct smtp_check_config *cfg, struct smtp_check_result *res,
    char **cause)
{
	struct smtp_client_config	 cc;
	struct tls_config		 tc;
	struct sockaddr_storage		*addrs = NULL;
	struct net_target		*targets;
	struct transport		*t = NULL;
	size_t				 naddrs, i;
	long long			 began;
	int				 rc, won, fd;

	if (smtp_check_addresses(cfg, &addrs, &naddrs, cause) != 0)
		return (-1);
	if (naddrs == 0) {
		res->no_address = 1;
		res->connect = NET_ERROR;
		free(addrs);
		return (0);
	}
	smtp_check_interleave(addrs, naddrs);
	if (naddrs > SMTP_CHECK_MAX_ADDRS)
		naddrs = SMTP_CHECK_MAX_ADDRS;

	targets = xcalloc(naddrs, sizeof *targets);
	for (i = 0; i < naddrs; i++) {
		net_addr_set_port(&addrs[i], cfg->port);
		targets[i].addr = addrs[i];
		targets[i].addrlen = net_addr_len(&addrs[i]);
	}
	if (cfg->progress != NULL)
		cfg->progress(cfg->progress_arg, "connecting");
	won = net_connect_race(targets, naddrs, NET_ATTEMPT_DELAY_MS, cfg->timeout_ms,
	    cfg->cancel, &fd);
	/*
	 * The address shown is the winner's; when none connected it is the last one in the
	 * order of the race with its failure, as when the addresses were tried in turn.
	 */
	i = won >= 0 ? (size_t)won : naddrs - 1;
	if (won < 0)
		for (; i > 0 && targets[i].status == NET_CANCELLED; i--)
			;
	net_addr_text(&targets[i].addr, res->address, sizeof res->address);
	res->connect = targets[i].status;
	res->connect_errno = targets[i].err;
	free(targets);
	free(addrs);
	if (won < 0) {
		if (res->connect == NET_CONNECTED)
			res->connect = NET_ERROR;
		return (0);
	}
	if (smtp_check_mute_seen(cfg, res->address, &res->session)) {
		close(fd);
		return (0);
	}
	t = transport_fd(fd);
	transport_set_cancel(t, cfg->cancel);

	smtp_check_helo_name(t, res->helo_name, sizeof res->helo_name);

	memset(&tc, 0, sizeof tc);
	tc.servername = cfg->host;
	tc.cafile = cfg->cafile;
	tc.timeout_ms = cfg->timeout_ms;
	tc.system_trust = 1;

	memset(&cc, 0, sizeof cc);
	cc.helo_name = res->helo_name;
	cc.security = cfg->security;
	cc.tls = &tc;
	cc.user = cfg->user;
	cc.password = cfg->password;
	cc.mech = cfg->mech;
	cc.allow_plaintext_auth = cfg->allow_plaintext_auth;
	cc.mail_from = cfg->mail_from;
	cc.rcpt_to = cfg->rcpt_to;
	cc.data_to = cfg->data_to;
	cc.data_message = cfg->data_message;
	cc.timeout_ms = cfg->timeout_ms;
	cc.progress = cfg->progress;
	cc.progress_arg = cfg->progress_arg;
	cc.line = cfg->line;
	cc.line_arg = cfg->line_arg;
	cc.cancel = cfg->cancel;

	began = mono_ms();
	rc = smtp_client_run(t, &cc, &res->session, cause);
	transport_free(t);
	/*
	 * Remembered: a check that waited its whole timeout before the server said anything
	 * in SMTP (no greeting, a handshake that never ended). Anything quicker is cheap to
	 * ask again, and anything later in the dialogue depends on what was asked.
	 */
	if (rc == 0 && mono_ms() - began >= cfg->timeout_ms &&
	    (res->session.failure == SMTP_FAIL_GREETING_TIMEOUT ||
	    (res->session.failure == SMTP_FAIL_TLS_FAILED &&
	    res->session.phase == SMTP_PHASE_TLS && !res->session.have_caps)))
		smtp_check_mute_note(cfg, res->address, &res->session);
	return (rc);
}

/*
 * When cfg's server and port (in cfg's mode) are remembered as mute, fills *sr with what
 * the check that waited found, saying it was not waited for again, and returns 1. The
 * same name counts as the same server whichever of its addresses connects: the checks
 * that follow race the addresses again, or test each, and would each wait once more.
 */
static int
smtp_check_mute_seen(const struct smtp_check_config *cfg, const char *address,
    struct smtp_session_result *sr)
{
	const struct smtp_check_mute	*m;
	long long			 now = mono_ms();
	size_t				 i;
	int				 found = 0;

	pthread_mutex_lock(&smtp_check_mute_lock);
	for (i = 0; i < smtp_check_nmute; i++) {
		m = &smtp_check_mute[i];
		if (now - m->at < SMTP_CHECK_MUTE_TTL_MS && m->port == cfg->port &&
		    m->implicit_tls == (cfg->security == SMTP_SECURITY_TLS) &&
		    (strcmp(m->address, address) == 0 || strcasecmp(m->host, cfg->host) == 0)) {
			sr->phase = m->phase;
			sr->failure = m->failure;
			sr->tls_failure = m->tls_failure;
			free(sr->detail);
			xasprintf(&sr->detail, "%s, when tried moments before (not waited for "
			    "again)", m->detail != NULL ? m->detail : "no answer in time");
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&smtp_check_mute_lock);
	return (found);
}

static void
smtp_check_mute_note(const struct smtp_check_config *cfg, const char *address,
    const struct smtp_session_result *sr)
{
	struct smtp_check_mute	*m;
	size_t			 i, oldest = 0;

	pthread_mutex_lock(&smtp_check_mute_lock);
	for (i = 0; i < smtp_check_nmute; i++) {
		m = &smtp_check_mute[i];
		if (m->port == cfg->port &&
		    m->implicit_tls == (cfg->security == SMTP_SECURITY_TLS) &&
		    strcmp(m->address, address) == 0 && strcasecmp(m->host, cfg->host) == 0)
			break;
		if (m->at < smtp_check_mute[oldest].at)
			oldest = i;
	}
	if (i == smtp_check_nmute) {
		if (smtp_check_nmute < SMTP_CHECK_MUTE_MAX)
			smtp_check_nmute++;
		else
			i = oldest;
	}
	m = &smtp_check_mute[i];
	snprintf(m->address, sizeof m->address, "%s", address);
	free(m->host);
	m->host = xstrdup(cfg->host);
	m->port = cfg->port;
	m->implicit_tls = cfg->security == SMTP_SECURITY_TLS;
	m->phase = sr->phase;
	m->failure = sr->failure;
	m->tls_failure = sr->tls_failure;
	free(m->detail);
	m->detail = xstrdup_or_null(sr->detail);
	m->at = mono_ms();
	pthread_mutex_unlock(&smtp_check_mute_lock);
}

/* Forgets cfg's server and port, in cfg's mode, at every address. */
static void
smtp_check_mute_forget(const struct smtp_check_config *cfg)
{
	struct smtp_check_mute	*m;
	size_t			 i = 0;

	pthread_mutex_lock(&smtp_check_mute_lock);
	while (i < smtp_check_nmute) {
		m = &smtp_check_mute[i];
		if (m->port != cfg->port ||
		    m->implicit_tls != (cfg->security == SMTP_SECURITY_TLS) ||
		    strcasecmp(m->host, cfg->host) != 0) {
			i++;
			continue;
		}
		free(m->host);
		free(m->detail);
		*m = smtp_check_mute[--smtp_check_nmute];
		memset(&smtp_check_mute[smtp_check_nmute], 0, sizeof *m);
	}
	pthread_mutex_unlock(&smtp_check_mute_lock);
}

void
smtp_check_forget(void)
{
	size_t	i;

	pthread_mutex_lock(&smtp_check_mute_lock);
	for (i = 0; i < smtp_check_nmute; i++) {
		free(smtp_check_mute[i].host);
		free(smtp_check_mute[i].detail);
		smtp_check_mute[i].host = NULL;
		smtp_check_mute[i].detail = NULL;
	}
	smtp_check_nmute = 0;
	pthread_mutex_unlock(&smtp_check_mute_lock);
	smtp_memo_clear();
	net_silent_forget();
}

/* One smtp_check_run on a thread of its own, and whether it has heard the server yet. */
struct smtp_check_job {
	struct smtp_check_config	 cfg;
	struct smtp_check_result	*result;
	int				 rc;
	char				*cause;
	atomic_int			 done;
	atomic_int			 heard;		/* a whole line from the server */
	smtp_check_line_cb		 line;		/* the caller's, passed on */
	void				*line_arg;
	volatile sig_atomic_t		 cancel;	/* the other check's own */
	pthread_t			 thread;
	int				 started;
};

static void
smtp_check_job_line(void *arg, const char *line)
{
	struct smtp_check_job	*j = arg;

	if (strncmp(line, "S:", 2) == 0)
		atomic_store(&j->heard, 1);
	if (j->line != NULL)
		j->line(j->line_arg, line);
}

static void *
smtp_check_job_main(void *arg)
{
	struct smtp_check_job	*j = arg;

	j->rc = smtp_check_run(&j->cfg, j->result, &j->cause);
	atomic_store(&j->done, 1);
	return (NULL);
}

static void
smtp_check_job_start(struct smtp_check_job *j, const struct smtp_check_config *cfg,
    struct smtp_check_result *result, int own_cancel)
{
	memset(j, 0, sizeof *j);
	j->cfg = *cfg;
	j->result = result;
	j->line = cfg->line;
	j->line_arg = cfg->line_arg;
	j->cfg.line = smtp_check_job_line;
	j->cfg.line_arg = j;
	if (own_cancel)
		j->cfg.cancel = &j->cancel;
	if (pthread_create(&j->thread, NULL, smtp_check_job_main, j) == 0)
		j->started = 1;
	else
		smtp_check_job_main(j);
}

static void
smtp_check_sleep_ms(int ms)
{
	struct timespec	 ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Waits until j has ended and joins it. While it runs, the caller's cancel flag is passed
 * on to other (which may be j itself), whose flag is its own; other may be NULL.
 */
static void
smtp_check_job_wait(const struct smtp_check_config *cfg, struct smtp_check_job *j,
    struct smtp_check_job *other)
{
	/* With nothing to pass on, the join alone waits, without polling. */
	while (other != NULL && !atomic_load(&j->done)) {
		if (smtp_check_cancelled(cfg))
			other->cancel = 1;
		smtp_check_sleep_ms(10);
	}
	if (j->started)
		pthread_join(j->thread, NULL);
}

int
smtp_check_cancelled(const struct smtp_check_config *cfg)
{
	return (cfg->cancel != NULL && *cfg->cancel != 0);
}

int
smtp_check_run_pair(const struct smtp_check_config *cfg, struct smtp_check_result *result,
    char **cause, const struct smtp_check_config *other,
    struct smtp_check_result *other_result, int *other_rc, int *other_ran)
{
	struct smtp_check_job	 first, second;
	long long		 t0 = mono_ms();
	int			 started = 0, needed, rc;

	*other_ran = 0;
	*other_rc = -1;
	if (cfg->security == SMTP_SECURITY_TLS || other == NULL)
		return (smtp_check_run(cfg, result, cause));
	smtp_check_job_start(&first, cfg, result, 0);
	while (!atomic_load(&first.done) && !atomic_load(&first.heard) &&
	    mono_ms() - t0 < SMTP_CHECK_OTHER_DELAY_MS && !smtp_check_cancelled(cfg))
		smtp_check_sleep_ms(10);
	if (!atomic_load(&first.done) && !atomic_load(&first.heard) &&
	    !smtp_check_cancelled(cfg)) {
		smtp_check_job_start(&second, other, other_result, 1);
		started = 1;
	}
	smtp_check_job_wait(cfg, &first, started ? &second : NULL);
	*cause = first.cause;
	if (!started)
		return (first.rc);
	needed = first.rc == 0 && result->connect == NET_CONNECTED &&
	    result->session.failure == SMTP_FAIL_GREETING_TIMEOUT && !smtp_check_cancelled(cfg);
	if (!needed)
		second.cancel = 1;
	smtp_check_job_wait(cfg, &second, &second);
	if (needed) {
		*other_rc = second.rc;
		*other_ran = 1;
	} else {
		smtp_check_result_free(other_result);
		smtp_check_result_init(other_result);
	}
	free(second.cause);
	rc = first.rc;
	/*
	 * Silence on one connection and a greeting at once on the other: what the first
	 * waited for was lost on the way, not withheld. Asked again, once, afresh; a server
	 * that is really mute to plain text never gets here (its other check meets no line).
	 */
	if (needed && *other_rc == 0 && smtp_check_greets(other_result) &&
	    !smtp_check_cancelled(cfg)) {
		free(*cause);
		*cause = NULL;
		smtp_check_mute_forget(cfg);
		smtp_memo_forget(cfg);
		smtp_check_result_free(result);
		smtp_check_result_init(result);
		rc = smtp_check_run(cfg, result, cause);
		result->second_try = 1;
	}
	return (rc);
}

/*
 * An implicit-TLS check that met a whole plain-text line at once: the server greets in the
 * clear, promptly (a dripping server gives a few bytes, no line).
 */
static int
smtp_check_greets(const struct smtp_check_result *r)
{
	return (r->connect == NET_CONNECTED &&
	    r->session.failure == SMTP_FAIL_TLS_FAILED &&
	    r->session.tls_failure == TLS_FAIL_NOT_TLS && r->session.tls_info.plain_line);
}
