/* net.c: non-blocking TCP connects to many targets at once, each with a classified outcome. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <linux/errqueue.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "util.h"

/*
 * The cancel flag is looked at least this often, so "cancel" feels immediate, and so the
 * end of a run does not wait long for an early run (wizard/ahead.c) still connecting.
 */
#define NET_CANCEL_POLL_MS	25

/* ICMP "destination unreachable" codes that mean a filter said no (RFC 1812 5.2.7.1). */
#define NET_ICMP_UNREACH		3
#define NET_ICMP_NET_ANO		9	/* network administratively prohibited */
#define NET_ICMP_HOST_ANO		10	/* host administratively prohibited */
#define NET_ICMP_PKT_FILTERED		13	/* communication administratively prohibited */
/* ICMPv6 "destination unreachable" codes (RFC 4443 3.1). */
#define NET_ICMP6_DST_UNREACH		1
#define NET_ICMP6_ADMIN			1	/* communication administratively prohibited */
#define NET_ICMP6_POLICY		5	/* source address failed ingress/egress policy */
#define NET_ICMP6_REJECT_ROUTE		6	/* reject route to destination */

static int	 net_start(struct net_target *, long long, int);
static int	 net_silent_seen(const struct sockaddr_storage *);
static void	 net_silent_note(const struct sockaddr_storage *);
static int	 net_addr_same(const struct sockaddr_storage *, const struct sockaddr_storage *);
static void	 net_finish(struct net_target *, int, long long);
static enum net_status net_outcome(struct net_target *, int, int *);
static void	 net_errqueue(int, int, enum net_status *, int *);
static void	 net_done(struct net_target *, enum net_status, int, long long);

static const char *const net_status_names[] = {
	[NET_PENDING] = "pending",
	[NET_CONNECTED] = "connected",
	[NET_REFUSED] = "refused",
	[NET_TIMEOUT] = "timeout",
	[NET_UNREACHABLE] = "unreachable",
	[NET_PROHIBITED] = "prohibited",
	[NET_CANCELLED] = "cancelled",
	[NET_ERROR] = "error",
};
_Static_assert(sizeof net_status_names / sizeof net_status_names[0] == NET_STATUS_COUNT,
    "net_status_names does not match enum net_status");

static const char *const net_status_wordlist[] = {
	[NET_PENDING] = "not finished",
	[NET_CONNECTED] = "connected",
	[NET_REFUSED] = "the connection was refused",
	[NET_TIMEOUT] = "no answer (the packets seem to be dropped)",
	[NET_UNREACHABLE] = "the network or the host cannot be reached",
	[NET_PROHIBITED] = "a firewall forbids the connection",
	[NET_CANCELLED] = "cancelled",
	[NET_ERROR] = "the connection could not be attempted",
};
_Static_assert(sizeof net_status_wordlist / sizeof net_status_wordlist[0] == NET_STATUS_COUNT,
    "net_status_wordlist does not match enum net_status");

/*
 * Higher is more telling about the far end. Connected says everything; a refusal is an
 * answer from the host itself (or a firewall speaking for it); a prohibition is an answer
 * from a filter; unreachable is an answer from a router; a timeout is no answer at all.
 * Error and cancelled say nothing about the network.
 */
static const int net_status_ranks[] = {
	[NET_PENDING] = 0,
	[NET_CANCELLED] = 1,
	[NET_ERROR] = 2,
	[NET_TIMEOUT] = 3,
	[NET_UNREACHABLE] = 4,
	[NET_PROHIBITED] = 5,
	[NET_REFUSED] = 6,
	[NET_CONNECTED] = 7,
};
_Static_assert(sizeof net_status_ranks / sizeof net_status_ranks[0] == NET_STATUS_COUNT,
    "net_status_ranks does not match enum net_status");

/*
 * The addresses (with port) that gave no answer at all, and when: the probes of one run ask
 * the same server the same question (the provider check, the matrix, the survey, the
 * dialogue), and a filtered port must cost one timeout for the whole run, not one per
 * probe (issue 8). Only silence is remembered, and only for NET_SILENT_TTL_MS: a refusal
 * is fast anyway, and a network that changed while the user read a screen is tried again.
 * Probes run in threads, hence the lock.
 */
#define NET_SILENT_MAX		64
#define NET_SILENT_TTL_MS	60000
static struct {
	struct sockaddr_storage	 addr;
	long long		 at;
}			 net_silent[NET_SILENT_MAX];
static size_t		 net_nsilent;
static pthread_mutex_t	 net_silent_lock = PTHREAD_MUTEX_INITIALIZER;

static int
net_addr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in	*a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in	*b4 = (const struct sockaddr_in *)b;
	const struct sockaddr_in6	*a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6	*b6 = (const struct sockaddr_in6 *)b;

	if (a->ss_family != b->ss_family)
		return (0);
	if (a->ss_family == AF_INET)
		return (a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr);
	if (a->ss_family == AF_INET6)
		return (a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof a6->sin6_addr) == 0);
	return (0);
}

static int
net_silent_seen(const struct sockaddr_storage *addr)
{
	long long	 now = mono_ms();
	size_t		 i;
	int		 seen = 0;

	pthread_mutex_lock(&net_silent_lock);
	for (i = 0; i < net_nsilent; i++) {
		if (now - net_silent[i].at < NET_SILENT_TTL_MS &&
		    net_addr_same(&net_silent[i].addr, addr)) {
			seen = 1;
			break;
		}
	}
	pthread_mutex_unlock(&net_silent_lock);
	return (seen);
}

static void
net_silent_note(const struct sockaddr_storage *addr)
{
	size_t		 i, oldest = 0;
	long long	 now = mono_ms();

	pthread_mutex_lock(&net_silent_lock);
	for (i = 0; i < net_nsilent; i++) {
		if (net_addr_same(&net_silent[i].addr, addr))
			break;
		if (net_silent[i].at < net_silent[oldest].at)
			oldest = i;
	}
	if (i == net_nsilent) {
		if (net_nsilent < NET_SILENT_MAX)
			net_nsilent++;
		else
			i = oldest;
	}
	net_silent[i].addr = *addr;
	net_silent[i].at = now;
	pthread_mutex_unlock(&net_silent_lock);
}

void
net_silent_forget(void)
{
	pthread_mutex_lock(&net_silent_lock);
	net_nsilent = 0;
	pthread_mutex_unlock(&net_silent_lock);
}

const char *
net_status_name(enum net_status status)
{
	if ((unsigned)status >= NET_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (net_status_names[status]);
}

const char *
net_status_words(enum net_status status)
{
	if ((unsigned)status >= NET_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (net_status_wordlist[status]);
}

int
net_status_rank(enum net_status status)
{
	if ((unsigned)status >= NET_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (net_status_ranks[status]);
}

enum net_status
net_status_from_errno(int err)
{
	switch (err) {
	case 0:
		return (NET_CONNECTED);
	case ECONNREFUSED:	/* RST, or ICMP port unreachable */
		return (NET_REFUSED);
	case ETIMEDOUT:
		return (NET_TIMEOUT);
	case EHOSTUNREACH:	/* ICMP host unreachable, or no ARP/ND answer on the link */
	case ENETUNREACH:	/* no route, or ICMP network unreachable */
	case EHOSTDOWN:
	case ENONET:
	case ENETDOWN:		/* the interface is down: the same finding for a user */
		return (NET_UNREACHABLE);
	/*
	 * EPERM: a local policy refused the connect itself (an LSM, a cgroup BPF connect
	 * hook). Not what an iptables/nft OUTPUT DROP gives a TCP socket: measured on Linux
	 * 6.18, tcp_connect() ignores the transmit error, every SYN is dropped in silence
	 * and the connect times out (ETIMEDOUT) exactly as for a DROP anywhere on the path;
	 * TCP_INFO shows no difference either. A local REJECT is seen: tcp-reset as
	 * ECONNREFUSED, icmp-admin-prohibited through the error queue below.
	 * EACCES: ICMPv6 administratively prohibited, policy failure or reject route
	 * (kernel icmpv6_err_convert()).
	 */
	case EPERM:
	case EACCES:
		return (NET_PROHIBITED);
	case ECANCELED:
		return (NET_CANCELLED);
	default:
		return (NET_ERROR);
	}
}

static void
net_done(struct net_target *t, enum net_status status, int err, long long start)
{
	t->status = status;
	t->err = err;
	t->elapsed_ms = mono_ms() - start;
}

/*
 * Opens the socket and starts the connect; returns the fd, or -1 when already finished.
 * A connect that completes at once (it can on loopback) is closed unless keep is set; then
 * the fd comes back with the status already NET_CONNECTED.
 */
static int
net_start(struct net_target *t, long long start, int keep)
{
	int	 fd, one = 1, family;

	family = t->addr.ss_family;
	if (family != AF_INET && family != AF_INET6) {
		net_done(t, NET_ERROR, EAFNOSUPPORT, start);
		return (-1);
	}
	/* Silent a moment ago: the same silence again, without waiting for it. */
	if (net_silent_seen(&t->addr)) {
		net_done(t, NET_TIMEOUT, ETIMEDOUT, start);
		return (-1);
	}
	fd = socket(family, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd == -1) {
		net_done(t, NET_ERROR, errno, start);
		return (-1);
	}

	/*
	 * ip(7)/ipv6(7): with IP_RECVERR the kernel also queues the ICMP error that ended the
	 * connect (tcp_v4_err/tcp_v6_err call ip_icmp_error/ipv6_icmp_error in SYN_SENT), so
	 * recvmsg(MSG_ERRQUEUE) gives its type and code. Failure only costs that detail.
	 */
	if (family == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
	else
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one);

	if (connect(fd, (struct sockaddr *)&t->addr, t->addrlen) == 0) {
		net_done(t, NET_CONNECTED, 0, start);
		if (keep)
			return (fd);
		close(fd);
		return (-1);
	}
	if (errno == EINPROGRESS || errno == EINTR)
		return (fd);

	/* Immediate failures: no route (ENETUNREACH), an address we cannot use, EPERM. */
	t->err = errno;
	net_done(t, net_status_from_errno(t->err), t->err, start);
	close(fd);
	return (-1);
}

/*
 * Reads the socket's error queue. An ICMP destination-unreachable with one of the
 * "administratively prohibited" codes turns the status into NET_PROHIBITED: IPv4 maps
 * them to EHOSTUNREACH/ENETUNREACH (icmp_err_convert), indistinguishable from a plain
 * unreachable host without this. Verified in a network namespace on Linux 6.18 with
 * "iptables -j REJECT --reject-with icmp-admin-prohibited" (also icmp-host-prohibited,
 * icmp-net-prohibited) on the server side and in our own OUTPUT chain: SO_ERROR says
 * EHOSTUNREACH/ENETUNREACH, the queued sock_extended_err has ee_origin ICMP, type 3,
 * code 13 (10, 9). IPv6 needs no help (EACCES), the queue only confirms it. Any other
 * ICMP error updates status from its errno.
 */
static void
net_errqueue(int fd, int family, enum net_status *status, int *err)
{
	struct msghdr			 msg;
	struct cmsghdr			*cm;
	struct sock_extended_err	 ee;
	union {
		char			 buf[512];
		struct cmsghdr		 align;
	} control;
	char				 data[64];
	struct iovec			 iov;
	int				 i, level, type;

	level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	type = family == AF_INET ? IP_RECVERR : IPV6_RECVERR;

	/* Bounded: the queue holds one entry per ICMP error received (SYN retries). */
	for (i = 0; i < 16; i++) {
		memset(&msg, 0, sizeof msg);
		iov.iov_base = data;
		iov.iov_len = sizeof data;
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof control.buf;
		if (recvmsg(fd, &msg, MSG_ERRQUEUE|MSG_DONTWAIT) == -1)
			return;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != level || cm->cmsg_type != type)
				continue;
			if (cm->cmsg_len < CMSG_LEN(sizeof ee))
				continue;
			memcpy(&ee, CMSG_DATA(cm), sizeof ee);
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP &&
			    ee.ee_type == NET_ICMP_UNREACH &&
			    (ee.ee_code == NET_ICMP_NET_ANO ||
			    ee.ee_code == NET_ICMP_HOST_ANO ||
			    ee.ee_code == NET_ICMP_PKT_FILTERED)) {
				*status = NET_PROHIBITED;
				*err = (int)ee.ee_errno;
				return;
			}
			if (ee.ee_origin == SO_EE_ORIGIN_ICMP6 &&
			    ee.ee_type == NET_ICMP6_DST_UNREACH &&
			    (ee.ee_code == NET_ICMP6_ADMIN ||
			    ee.ee_code == NET_ICMP6_POLICY ||
			    ee.ee_code == NET_ICMP6_REJECT_ROUTE)) {
				*status = NET_PROHIBITED;
				*err = (int)ee.ee_errno;
				return;
			}
			if ((ee.ee_origin == SO_EE_ORIGIN_ICMP ||
			    ee.ee_origin == SO_EE_ORIGIN_ICMP6) && ee.ee_errno != 0) {
				*err = (int)ee.ee_errno;
				*status = net_status_from_errno(*err);
			}
		}
	}
}

/* The socket became writable or failed: the connect's outcome (the socket stays open). */
static enum net_status
net_outcome(struct net_target *t, int fd, int *errp)
{
	enum net_status	 status;
	int		 err = 0;
	socklen_t	 len = sizeof err;
	struct sockaddr_storage	 peer;
	socklen_t	 peerlen = sizeof peer;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0 && getpeername(fd, (struct sockaddr *)&peer, &peerlen) == -1) {
		/* POLLHUP without a pending error: take the reason from the failed read. */
		char	 c;

		if (recv(fd, &c, 1, MSG_NOSIGNAL|MSG_DONTWAIT) == -1)
			err = errno;
		if (err == 0 || err == EAGAIN || err == ENOTCONN)
			err = ECONNRESET;
	}
	status = net_status_from_errno(err);
	if (status != NET_CONNECTED)
		net_errqueue(fd, t->addr.ss_family, &status, &err);
	*errp = err;
	return (status);
}

/* The socket became writable or failed: read the connect's outcome and close it. */
static void
net_finish(struct net_target *t, int fd, long long start)
{
	enum net_status	 status;
	int		 err;

	status = net_outcome(t, fd, &err);
	close(fd);
	net_done(t, status, err, start);
}

void
net_connect_many(struct net_target *targets, size_t n, int timeout_ms,
    volatile sig_atomic_t *cancel)
{
	struct pollfd	*pfd;
	size_t		*slot, i, np;
	int		*fds, wait, r;
	long long	 start, deadline, now;

	if (n == 0)
		return;
	start = mono_ms();
	deadline = start + (timeout_ms > 0 ? timeout_ms : 0);
	fds = xcalloc(n, sizeof *fds);
	pfd = xcalloc(n, sizeof *pfd);
	slot = xcalloc(n, sizeof *slot);

	for (i = 0; i < n; i++) {
		targets[i].status = NET_PENDING;
		targets[i].err = 0;
		targets[i].elapsed_ms = 0;
		fds[i] = net_start(&targets[i], start, 0);
	}

	for (;;) {
		np = 0;
		for (i = 0; i < n; i++) {
			if (fds[i] == -1)
				continue;
			pfd[np].fd = fds[i];
			pfd[np].events = POLLOUT;
			pfd[np].revents = 0;
			slot[np++] = i;
		}
		if (np == 0)
			break;

		now = mono_ms();
		if (cancel != NULL && *cancel) {
			for (i = 0; i < np; i++) {
				close(fds[slot[i]]);
				fds[slot[i]] = -1;
				net_done(&targets[slot[i]], NET_CANCELLED, ECANCELED, start);
			}
			break;
		}
		if (now >= deadline) {
			/*
			 * One shared deadline: whatever is still in SYN_SENT had no answer.
			 * A queued ICMP error (a soft error kept while the kernel retried)
			 * still tells more than "timeout".
			 */
			for (i = 0; i < np; i++) {
				struct net_target	*t = &targets[slot[i]];
				enum net_status		 status = NET_TIMEOUT;
				int			 err = ETIMEDOUT;

				net_errqueue(fds[slot[i]], t->addr.ss_family, &status, &err);
				close(fds[slot[i]]);
				fds[slot[i]] = -1;
				net_done(t, status, err, start);
				if (status == NET_TIMEOUT)
					net_silent_note(&t->addr);
			}
			break;
		}

		wait = deadline - now > NET_CANCEL_POLL_MS ? NET_CANCEL_POLL_MS :
		    (int)(deadline - now);
		r = poll(pfd, np, wait);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = errno;
			for (i = 0; i < np; i++) {
				close(fds[slot[i]]);
				fds[slot[i]] = -1;
				net_done(&targets[slot[i]], NET_ERROR, r, start);
			}
			break;
		}
		for (i = 0; i < np && r > 0; i++) {
			if (pfd[i].revents == 0)
				continue;
			net_finish(&targets[slot[i]], fds[slot[i]], start);
			fds[slot[i]] = -1;
		}
	}

	free(slot);
	free(pfd);
	free(fds);
}

/*
 * RFC 8305 5: attempt i starts attempt_delay_ms after attempt i - 1, or at once when every
 * attempt started so far has already failed (no point waiting on a refusal). The race as a
 * whole has one deadline, timeout_ms after it began: a filtered port costs one timeout,
 * not one plus the delays between its addresses (issue 8). An attempt started later gets
 * what is left of it, which the attempt delay keeps to most of it for the first few
 * addresses. An address is remembered as silent only when its attempt waited at least
 * half the timeout; one cut short earlier has not been given a fair chance. An address
 * whose turn never came before the deadline is NET_TIMEOUT with no time spent.
 */
int
net_connect_race(struct net_target *targets, size_t n, int attempt_delay_ms,
    int timeout_ms, volatile sig_atomic_t *cancel, int *fdp)
{
	struct pollfd	*pfd;
	size_t		*slot, i, np, started = 0;
	int		*fds, wait, r, err, winner = -1;
	long long	*begun, now, next_start, until, deadline;
	enum net_status	 status;

	*fdp = -1;
	if (n == 0)
		return (-1);
	fds = xcalloc(n, sizeof *fds);
	pfd = xcalloc(n, sizeof *pfd);
	slot = xcalloc(n, sizeof *slot);
	begun = xcalloc(n, sizeof *begun);
	for (i = 0; i < n; i++) {
		fds[i] = -1;
		targets[i].status = NET_PENDING;
		targets[i].err = 0;
		targets[i].elapsed_ms = 0;
	}
	next_start = mono_ms();
	deadline = next_start + timeout_ms;

	while (winner == -1) {
		now = mono_ms();
		if (cancel != NULL && *cancel)
			break;
		if (now >= deadline && started < n) {
			/* Out of time before these had their turn. */
			for (i = started; i < n; i++)
				net_done(&targets[i], NET_TIMEOUT, ETIMEDOUT, now);
			n = started;
		}
		/* Start the next attempt when its time has come or nothing is in flight. */
		np = 0;
		for (i = 0; i < started; i++)
			if (fds[i] != -1)
				np++;
		while (started < n && (now >= next_start || np == 0)) {
			begun[started] = now;
			fds[started] = net_start(&targets[started], now, 1);
			started++;
			next_start = now + attempt_delay_ms;
			if (fds[started - 1] == -1)
				continue;
			/* A connect that completed at once (loopback) has won already. */
			if (targets[started - 1].status == NET_CONNECTED) {
				winner = (int)(started - 1);
				break;
			}
			np++;
		}
		if (winner != -1)
			break;

		/* Attempts past their own deadline have timed out. */
		until = started < n ? next_start : now + NET_CANCEL_POLL_MS;
		np = 0;
		for (i = 0; i < started; i++) {
			if (fds[i] == -1)
				continue;
			if (now >= deadline) {
				status = NET_TIMEOUT;
				err = ETIMEDOUT;
				net_errqueue(fds[i], targets[i].addr.ss_family, &status, &err);
				close(fds[i]);
				fds[i] = -1;
				net_done(&targets[i], status, err, begun[i]);
				if (status == NET_TIMEOUT && now - begun[i] >= timeout_ms / 2)
					net_silent_note(&targets[i].addr);
				continue;
			}
			if (deadline < until)
				until = deadline;
			pfd[np].fd = fds[i];
			pfd[np].events = POLLOUT;
			pfd[np].revents = 0;
			slot[np++] = i;
		}
		if (np == 0) {
			if (started == n)
				break;
			continue;	/* everything failed: the next one starts now */
		}

		wait = until - now > NET_CANCEL_POLL_MS ? NET_CANCEL_POLL_MS :
		    until - now < 0 ? 0 : (int)(until - now);
		r = poll(pfd, np, wait);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = errno;
			for (i = 0; i < np; i++) {
				close(fds[slot[i]]);
				fds[slot[i]] = -1;
				net_done(&targets[slot[i]], NET_ERROR, err, begun[slot[i]]);
			}
			break;
		}
		for (i = 0; i < np && r > 0; i++) {
			if (pfd[i].revents == 0)
				continue;
			status = net_outcome(&targets[slot[i]], fds[slot[i]], &err);
			if (status == NET_CONNECTED && winner == -1) {
				winner = (int)slot[i];
				net_done(&targets[slot[i]], status, 0, begun[slot[i]]);
				continue;
			}
			close(fds[slot[i]]);
			fds[slot[i]] = -1;
			net_done(&targets[slot[i]], status, err, begun[slot[i]]);
		}
	}

	/* The losers, and everything on cancel: their outcome is "not needed any more". */
	for (i = 0; i < n; i++) {
		if ((int)i == winner)
			continue;
		if (fds[i] != -1)
			close(fds[i]);
		if (targets[i].status == NET_PENDING)
			net_done(&targets[i], NET_CANCELLED, ECANCELED,
			    i < started ? begun[i] : mono_ms());
	}
	if (winner != -1) {
		int	 zero = 0;

		/*
		 * The error queue was for classifying a failed connect; on the connection
		 * itself IP_RECVERR would turn a passing ICMP error into a fatal one
		 * (tcp_v4_err), unlike a socket connected without it.
		 */
		if (targets[winner].addr.ss_family == AF_INET)
			(void)setsockopt(fds[winner], IPPROTO_IP, IP_RECVERR, &zero, sizeof zero);
		else
			(void)setsockopt(fds[winner], IPPROTO_IPV6, IPV6_RECVERR, &zero,
			    sizeof zero);
		*fdp = fds[winner];
	}
	free(begun);
	free(slot);
	free(pfd);
	free(fds);
	return (winner);
}

const char *
net_addr_ntop(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	char				 ifname[IF_NAMESIZE];
	size_t				 used;

	if (len == 0)
		return (buf);
	buf[0] = '\0';
	switch (ss->ss_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)ss;
		if (inet_ntop(AF_INET, &sin->sin_addr, buf, (socklen_t)len) == NULL)
			buf[0] = '\0';
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)ss;
		if (inet_ntop(AF_INET6, &sin6->sin6_addr, buf, (socklen_t)len) == NULL) {
			buf[0] = '\0';
			break;
		}
		/* RFC 4007 11: a link-local address means nothing without its zone. */
		if (sin6->sin6_scope_id != 0) {
			used = strlen(buf);
			if (if_indextoname(sin6->sin6_scope_id, ifname) != NULL)
				snprintf(buf + used, len - used, "%%%s", ifname);
			else
				snprintf(buf + used, len - used, "%%%u",
				    (unsigned)sin6->sin6_scope_id);
		}
		break;
	default:
		snprintf(buf, len, "(address family %d)", (int)ss->ss_family);
		break;
	}
	return (buf);
}

const char *
net_addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char	 plain[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];

	if (ss->ss_family != AF_INET6)
		return (net_addr_ntop(ss, buf, len));
	net_addr_ntop(ss, plain, sizeof plain);
	if (len > 0)
		snprintf(buf, len, "[%s]", plain);
	return (buf);
}

void
net_addr_set_port(struct sockaddr_storage *ss, int port)
{
	if (port < 0 || port > 65535)
		fatalx("%s: bad port %d", __func__, port);
	switch (ss->ss_family) {
	case AF_INET:
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		break;
	case AF_INET6:
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		break;
	default:
		fatalx("%s: address family %d", __func__, (int)ss->ss_family);
	}
}

socklen_t
net_addr_len(const struct sockaddr_storage *ss)
{
	switch (ss->ss_family) {
	case AF_INET:
		return (sizeof(struct sockaddr_in));
	case AF_INET6:
		return (sizeof(struct sockaddr_in6));
	default:
		return (0);
	}
}

int
net_addr_parse(const char *text, struct sockaddr_storage *ss)
{
	struct addrinfo	 hints, *res;
	char		 tmp[INET6_ADDRSTRLEN + IF_NAMESIZE + 4];
	size_t		 len;
	int		 v6only = 0;

	len = strlen(text);
	if (len == 0 || len >= sizeof tmp)
		return (-1);
	memcpy(tmp, text, len + 1);
	if (tmp[0] == '[') {
		if (len < 3 || tmp[len - 1] != ']')
			return (-1);
		tmp[len - 1] = '\0';
		memmove(tmp, tmp + 1, len - 1);
		v6only = 1;
	}
	memset(ss, 0, sizeof *ss);
	if (!v6only && inet_pton(AF_INET, tmp, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
		return (0);
	}
	if (strchr(tmp, ':') == NULL)
		return (-1);
	if (strchr(tmp, '%') == NULL) {
		if (inet_pton(AF_INET6, tmp, &((struct sockaddr_in6 *)ss)->sin6_addr) != 1)
			return (-1);
		ss->ss_family = AF_INET6;
		return (0);
	}
	/* Only getaddrinfo understands the "%zone" suffix (RFC 4007 11.2). */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET6;
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(tmp, NULL, &hints, &res) != 0)
		return (-1);
	if (res->ai_addrlen > sizeof *ss) {
		freeaddrinfo(res);
		return (-1);
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return (0);
}
