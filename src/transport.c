/* transport.c: one byte stream over a socket or callbacks, TLS on either, and a line reader. */
#include "config.h"

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "tls.h"
#include "transport.h"
#include "util.h"

/* The cancel flag is looked at least this often while waiting. */
#define TRANSPORT_SLICE_MS	100

/* Room for two whole lines, so a line that straddles two reads never needs a second copy. */
#define TRANSPORT_BUF_SIZE	(2 * TRANSPORT_LINE_MAX)

/* One TLS record's worth of ciphertext read ahead by the pull_timeout callback. */
#define TRANSPORT_RAW_SIZE	(16 * 1024 + 512)

struct transport {
	int			 fd;		/* -1 for the memory seam */
	transport_read_cb	 read_cb;
	transport_write_cb	 write_cb;
	void			*arg;
	volatile sig_atomic_t	*cancel;

	/* TLS, once started: the callbacks below read and write the raw stream. */
	struct tls_session	*tls;
	long long		 deadline;	/* of the current TLS operation */
	enum transport_status	 raw_status;	/* why the last raw read failed */
	int			 raw_eof;	/* the raw stream has ended */
	char			 raw[TRANSPORT_RAW_SIZE];	/* read ahead, not yet pulled */
	size_t			 raw_off, raw_len;

	/* Plain text (or decrypted) bytes received, not yet returned as lines. */
	char			 buf[TRANSPORT_BUF_SIZE];
	size_t			 off, len;
	char			 line[TRANSPORT_LINE_MAX + 1];
};

static const char *const transport_status_names[] = {
	[TRANSPORT_OK] = "ok",
	[TRANSPORT_EOF] = "eof",
	[TRANSPORT_RESET] = "reset",
	[TRANSPORT_TIMEOUT] = "timeout",
	[TRANSPORT_TOO_LONG] = "too-long",
	[TRANSPORT_CANCELLED] = "cancelled",
	[TRANSPORT_ERROR] = "error",
};
_Static_assert(sizeof transport_status_names / sizeof transport_status_names[0] ==
    TRANSPORT_STATUS_COUNT, "transport_status_names does not match enum transport_status");

static struct transport *transport_new(void);
static int	 transport_cancelled(const struct transport *);
static int	 transport_slice(long long);
static enum transport_status transport_status_errno(int);
static enum transport_status transport_wait(int, volatile sig_atomic_t *, short, long long);
static enum transport_status transport_raw_read(struct transport *, void *, size_t, long long,
		     size_t *);
static enum transport_status transport_raw_write(struct transport *, const void *, size_t,
		     long long);
static enum transport_status transport_fill(struct transport *, long long);
static void	 transport_cause(enum transport_status, int, char **);
static ssize_t	 transport_tls_push(void *, const void *, size_t);
static ssize_t	 transport_tls_pull(void *, void *, size_t);
static int	 transport_tls_pull_timeout(void *, unsigned int);
static int	 transport_errno_of(enum transport_status);

const char *
transport_status_name(enum transport_status s)
{
	if ((unsigned int)s >= TRANSPORT_STATUS_COUNT)
		fatalx("%s: status %d", __func__, (int)s);
	return (transport_status_names[s]);
}

static struct transport *
transport_new(void)
{
	struct transport	*t;

	t = xcalloc(1, sizeof *t);
	t->fd = -1;
	return (t);
}

struct transport *
transport_fd(int fd)
{
	struct transport	*t;
	int			 flags;

	if (fd < 0)
		fatalx("%s: fd %d", __func__, fd);
	t = transport_new();
	t->fd = fd;
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	return (t);
}

struct transport *
transport_mem(transport_read_cb rcb, transport_write_cb wcb, void *arg)
{
	struct transport	*t;

	if (rcb == NULL || wcb == NULL)
		fatalx("%s: missing callback", __func__);
	t = transport_new();
	t->read_cb = rcb;
	t->write_cb = wcb;
	t->arg = arg;
	return (t);
}

void
transport_free(struct transport *t)
{
	if (t == NULL)
		return;
	if (t->tls != NULL) {
		/* close_notify must not wait long on a peer that has stopped reading. */
		t->deadline = mono_ms() + 1000;
		tls_session_free(t->tls);
	}
	if (t->fd != -1)
		close(t->fd);
	explicit_bzero(t, sizeof *t);
	free(t);
}

void
transport_set_cancel(struct transport *t, volatile sig_atomic_t *cancel)
{
	t->cancel = cancel;
}

int
transport_is_tls(const struct transport *t)
{
	return (t->tls != NULL);
}

static int
transport_cancelled(const struct transport *t)
{
	return (t->cancel != NULL && *t->cancel != 0);
}

/* How long the next wait may take: the time left before the deadline, in slices. */
static int
transport_slice(long long deadline)
{
	long long	 left;

	left = deadline - mono_ms();
	if (left <= 0)
		return (0);
	return (left > TRANSPORT_SLICE_MS ? TRANSPORT_SLICE_MS : (int)left);
}

static enum transport_status
transport_status_errno(int err)
{
	switch (err) {
	case ECONNRESET:
	case EPIPE:
	case ECONNABORTED:
		return (TRANSPORT_RESET);
	case ETIMEDOUT:
		return (TRANSPORT_TIMEOUT);
	case ECANCELED:
		return (TRANSPORT_CANCELLED);
	default:
		return (TRANSPORT_ERROR);
	}
}

static int
transport_errno_of(enum transport_status s)
{
	switch (s) {
	case TRANSPORT_RESET:
		return (ECONNRESET);
	case TRANSPORT_TIMEOUT:
		return (ETIMEDOUT);
	case TRANSPORT_CANCELLED:
		return (ECANCELED);
	default:
		return (EIO);
	}
}

/* Waits until fd is ready for events, the deadline passes or *cancel is set. */
static enum transport_status
transport_wait(int fd, volatile sig_atomic_t *cancel, short events, long long deadline)
{
	struct pollfd	 pfd;
	int		 ms, n;

	for (;;) {
		if (cancel != NULL && *cancel != 0)
			return (TRANSPORT_CANCELLED);
		if ((ms = transport_slice(deadline)) == 0)
			return (TRANSPORT_TIMEOUT);
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, ms);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (TRANSPORT_ERROR);
		}
		/* POLLHUP and POLLERR: the read or write that follows says what happened. */
		if (n > 0)
			return (TRANSPORT_OK);
	}
}

/* One read of up to len raw bytes: some bytes (TRANSPORT_OK, *got > 0) or why not. */
static enum transport_status
transport_raw_read(struct transport *t, void *buf, size_t len, long long deadline, size_t *got)
{
	enum transport_status	 s;
	ssize_t			 n;
	int			 ms;

	*got = 0;
	for (;;) {
		if (transport_cancelled(t))
			return (TRANSPORT_CANCELLED);
		if (t->fd == -1) {
			if ((ms = transport_slice(deadline)) == 0)
				return (TRANSPORT_TIMEOUT);
			n = t->read_cb(t->arg, buf, len, ms);
		} else {
			s = transport_wait(t->fd, t->cancel, POLLIN, deadline);
			if (s != TRANSPORT_OK)
				return (s);
			n = recv(t->fd, buf, len, 0);
		}
		if (n > 0) {
			*got = (size_t)n;
			return (TRANSPORT_OK);
		}
		if (n == 0)
			return (TRANSPORT_EOF);
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		if (errno == ETIMEDOUT && t->fd == -1)
			continue;	/* the callback's slice ended; the deadline decides */
		return (transport_status_errno(errno));
	}
}

/* Writes all of buf, in one call whenever the stream takes it whole. */
static enum transport_status
transport_raw_write(struct transport *t, const void *buf, size_t len, long long deadline)
{
	const char		*p = buf;
	enum transport_status	 s;
	ssize_t			 n;

	while (len > 0) {
		if (transport_cancelled(t))
			return (TRANSPORT_CANCELLED);
		if (mono_ms() >= deadline)
			return (TRANSPORT_TIMEOUT);
		if (t->fd == -1)
			n = t->write_cb(t->arg, p, len);
		else
			n = send(t->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0)
			return (TRANSPORT_ERROR);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (t->fd == -1)
				return (TRANSPORT_ERROR);
			s = transport_wait(t->fd, t->cancel, POLLOUT, deadline);
			if (s != TRANSPORT_OK)
				return (s);
			continue;
		}
		return (transport_status_errno(errno));
	}
	return (TRANSPORT_OK);
}

static void
transport_cause(enum transport_status s, int err, char **cause)
{
	switch (s) {
	case TRANSPORT_OK:
		fatalx("%s: no failure", __func__);
	case TRANSPORT_EOF:
		*cause = xstrdup("the server closed the connection");
		break;
	case TRANSPORT_RESET:
		*cause = xstrdup("the connection was reset");
		break;
	case TRANSPORT_TIMEOUT:
		*cause = xstrdup("the server did not answer in time");
		break;
	case TRANSPORT_TOO_LONG:
		xasprintf(cause, "the server sent a line longer than %d bytes",
		    TRANSPORT_LINE_MAX);
		break;
	case TRANSPORT_CANCELLED:
		*cause = xstrdup("cancelled");
		break;
	default:
		if (err != 0)
			xasprintf(cause, "the connection failed: %s", strerror(err));
		else
			*cause = xstrdup("the connection failed");
		break;
	}
}

enum transport_status
transport_write(struct transport *t, const void *buf, size_t len, long long deadline,
    char **cause)
{
	const char		*p = buf;
	enum transport_status	 s;
	ssize_t			 n;

	if (t->tls == NULL) {
		errno = 0;
		if ((s = transport_raw_write(t, buf, len, deadline)) != TRANSPORT_OK)
			transport_cause(s, errno, cause);
		return (s);
	}

	t->deadline = deadline;
	t->raw_status = TRANSPORT_OK;
	while (len > 0) {
		if ((n = tls_send(t->tls, p, len)) > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		s = t->raw_status != TRANSPORT_OK ? t->raw_status : TRANSPORT_ERROR;
		transport_cause(s, 0, cause);
		return (s);
	}
	return (TRANSPORT_OK);
}

/* Reads more bytes into the line buffer: TRANSPORT_OK when at least one arrived. */
static enum transport_status
transport_fill(struct transport *t, long long deadline)
{
	enum transport_status	 s;
	size_t			 room, got;
	ssize_t			 n;

	if (t->off > 0) {
		memmove(t->buf, t->buf + t->off, t->len);
		t->off = 0;
	}
	room = sizeof t->buf - t->len;
	if (room == 0)
		fatalx("%s: buffer full", __func__);

	if (t->tls == NULL) {
		s = transport_raw_read(t, t->buf + t->len, room, deadline, &got);
		if (s == TRANSPORT_OK)
			t->len += got;
		return (s);
	}

	t->deadline = deadline;
	for (;;) {
		t->raw_status = TRANSPORT_OK;
		n = tls_recv(t->tls, t->buf + t->len, room);
		if (n > 0) {
			t->len += (size_t)n;
			return (TRANSPORT_OK);
		}
		if (n == 0)
			return (TRANSPORT_EOF);	/* close_notify */
		if (errno == EINTR || errno == EAGAIN) {
			if (t->raw_status != TRANSPORT_OK)
				return (t->raw_status);
			if (mono_ms() >= deadline)
				return (TRANSPORT_TIMEOUT);
			continue;
		}
		/* Our own callbacks know best why the record layer gave up. */
		if (t->raw_status != TRANSPORT_OK)
			return (t->raw_status);
		if (t->raw_eof)
			return (TRANSPORT_EOF);	/* closed without close_notify */
		if (mono_ms() >= deadline)
			return (TRANSPORT_TIMEOUT);
		return (transport_status_errno(errno));
	}
}

enum transport_status
transport_read_line(struct transport *t, long long deadline, struct transport_line *line,
    char **cause)
{
	enum transport_status	 s;
	const char		*start, *lf;
	size_t			 scan, n, i;

	memset(line, 0, sizeof *line);
	for (;;) {
		start = t->buf + t->off;
		scan = t->len < TRANSPORT_LINE_MAX ? t->len : TRANSPORT_LINE_MAX;
		if ((lf = memchr(start, '\n', scan)) != NULL)
			break;
		if (t->len >= TRANSPORT_LINE_MAX) {
			transport_cause(TRANSPORT_TOO_LONG, 0, cause);
			return (TRANSPORT_TOO_LONG);
		}
		errno = 0;
		if ((s = transport_fill(t, deadline)) != TRANSPORT_OK) {
			transport_cause(s, errno, cause);
			return (s);
		}
	}

	n = (size_t)(lf - start);
	t->off += n + 1;
	t->len -= n + 1;
	if (n > 0 && start[n - 1] == '\r')
		n--;
	else
		line->flags |= TRANSPORT_LINE_BARE_LF;
	memcpy(t->line, start, n);
	t->line[n] = '\0';
	for (i = 0; i < n; i++) {
		if (t->line[i] == '\r')
			line->flags |= TRANSPORT_LINE_BARE_CR;
		else if (t->line[i] == '\0')
			line->flags |= TRANSPORT_LINE_NUL;
	}
	line->data = t->line;
	line->len = n;
	if (t->len == 0)
		t->off = 0;
	return (TRANSPORT_OK);
}

size_t
transport_buffered(struct transport *t)
{
	size_t	 n = t->len;
	int	 queued;

	if (t->tls != NULL) {
		/*
		 * Only decrypted application data counts: ciphertext still queued may be a
		 * TLS 1.3 NewSessionTicket, which is no reply at all.
		 */
		return (n + tls_pending(t->tls));
	}
	if (t->fd != -1 && ioctl(t->fd, FIONREAD, &queued) == 0 && queued > 0)
		n += (size_t)queued;
	return (n);
}

int
transport_start_tls(struct transport *t, const struct tls_config *cfg, struct tls_info *info,
    enum tls_failure *failure, char **cause)
{
	struct tls_session	*s;

	memset(info, 0, sizeof *info);
	*failure = TLS_FAIL_NONE;
	if (t->tls != NULL) {
		*failure = TLS_FAIL_OTHER;
		*cause = xstrdup("TLS is already running on this connection");
		return (-1);
	}
	/*
	 * Bytes we have already taken off the wire arrived in plain text; carried over they
	 * would be read as if TLS had protected them (RFC 3207 4.2, CVE-2021-22947).
	 */
	if (t->len > 0) {
		*failure = TLS_FAIL_OTHER;
		xasprintf(cause, "%zu bytes arrived in plain text before TLS started", t->len);
		return (-1);
	}

	t->deadline = mono_ms() + (cfg->timeout_ms > 0 ? cfg->timeout_ms : 1);
	t->raw_status = TRANSPORT_OK;
	t->raw_eof = 0;
	t->raw_off = t->raw_len = 0;
	if (tls_session_new(cfg, transport_tls_push, transport_tls_pull,
	    transport_tls_pull_timeout, t, &s, cause) != 0) {
		*failure = TLS_FAIL_OTHER;
		return (-1);
	}
	if (tls_handshake(s, info, failure, cause) != 0) {
		tls_session_free(s);
		return (-1);
	}
	t->tls = s;
	return (0);
}

/* GnuTLS push: the ciphertext goes out whole before the current deadline. */
static ssize_t
transport_tls_push(void *arg, const void *buf, size_t len)
{
	struct transport	*t = arg;
	enum transport_status	 s;

	if ((s = transport_raw_write(t, buf, len, t->deadline)) != TRANSPORT_OK) {
		t->raw_status = s;
		errno = transport_errno_of(s);
		return (-1);
	}
	return ((ssize_t)len);
}

/*
 * GnuTLS pull: read-ahead bytes first, then the stream, waiting no longer than the
 * current deadline. A failure is reported with an errno GnuTLS treats as fatal (not
 * EAGAIN), so a handshake loop cannot spin once the deadline has passed.
 */
static ssize_t
transport_tls_pull(void *arg, void *buf, size_t len)
{
	struct transport	*t = arg;
	enum transport_status	 s;
	size_t			 got;

	if (t->raw_len > 0) {
		got = t->raw_len < len ? t->raw_len : len;
		memcpy(buf, t->raw + t->raw_off, got);
		t->raw_off += got;
		t->raw_len -= got;
		if (t->raw_len == 0)
			t->raw_off = 0;
		return ((ssize_t)got);
	}
	if (t->raw_eof)
		return (0);
	s = transport_raw_read(t, buf, len, t->deadline, &got);
	if (s == TRANSPORT_OK)
		return ((ssize_t)got);
	if (s == TRANSPORT_EOF) {
		t->raw_eof = 1;
		return (0);
	}
	t->raw_status = s;
	errno = transport_errno_of(s);
	return (-1);
}

/*
 * GnuTLS pull_timeout: is there something to pull within ms? Reads ahead into t->raw, so
 * it works for the memory seam too, and never waits past the current deadline.
 */
static int
transport_tls_pull_timeout(void *arg, unsigned int ms)
{
	struct transport	*t = arg;
	enum transport_status	 s;
	long long		 until;
	size_t			 got;

	if (t->raw_len > 0 || t->raw_eof)
		return (1);
	until = t->deadline;
	if (ms <= INT_MAX && mono_ms() + ms < until)
		until = mono_ms() + ms;
	s = transport_raw_read(t, t->raw, sizeof t->raw, until, &got);
	switch (s) {
	case TRANSPORT_OK:
		t->raw_off = 0;
		t->raw_len = got;
		return (1);
	case TRANSPORT_EOF:
		t->raw_eof = 1;
		return (1);
	case TRANSPORT_TIMEOUT:
		if (mono_ms() < t->deadline)
			return (0);
		break;
	default:
		break;
	}
	t->raw_status = s;
	errno = transport_errno_of(s);
	return (-1);
}

int
transport_socket(const struct transport *t)
{
	return (t->fd);
}
