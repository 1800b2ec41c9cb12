/* net.h: TCP connects to many targets at once, each with a classified outcome. */
#ifndef SENDFIX_NET_H
#define SENDFIX_NET_H

#include <sys/socket.h>
#include <signal.h>
#include <stddef.h>

enum net_status {
	NET_PENDING = 0,	/* not finished (only inside net_connect_many) */
	NET_CONNECTED,		/* three-way handshake completed */
	NET_REFUSED,		/* RST or ICMP port unreachable: nothing listens, or a firewall rejects */
	NET_TIMEOUT,		/* no answer before the deadline: packets silently dropped */
	NET_UNREACHABLE,	/* ICMP host/network unreachable, no route */
	NET_PROHIBITED,		/* this machine's own firewall refused (EPERM/EACCES) or ICMP
				   administratively prohibited */
	NET_CANCELLED,		/* the user cancelled */
	NET_ERROR,		/* anything else (socket() failed...) */
	NET_STATUS_COUNT
};

/* Stable lower-case names used as outcomes and in reports: "connected", "refused", ... */
const char	*net_status_name(enum net_status);
/* Plain words for a non-expert: "the connection was refused". */
const char	*net_status_words(enum net_status);
/* Maps a connect()/SO_ERROR errno to a status. Pure: unit-tested. */
enum net_status	 net_status_from_errno(int err);
/* Order for "best of several attempts": connected beats refused beats ... beats timeout. */
int		 net_status_rank(enum net_status);

struct net_target {
	struct sockaddr_storage	 addr;		/* in: address with port set */
	socklen_t		 addrlen;	/* in */
	enum net_status		 status;	/* out */
	int			 err;		/* out: errno behind status, 0 if connected */
	long long		 elapsed_ms;	/* out */
};

/*
 * Starts a non-blocking connect to every target at once and waits (poll) until each has
 * finished or one shared deadline of timeout_ms passes, so N filtered ports cost one
 * timeout. Connected sockets are closed. Stops early when *cancel becomes non-zero.
 * A target that timed out here or in net_connect_race less than a minute ago times out
 * again at once, without a packet: one filtered port costs one timeout per run.
 */
void	 net_connect_many(struct net_target *, size_t n, int timeout_ms,
	    volatile sig_atomic_t *cancel);

/*
 * RFC 8305 (Happy Eyeballs) over targets in the order given (the caller interleaves the
 * families): the first attempt starts at once, each next one attempt_delay_ms later (RFC
 * 8305 5: 250 ms is the recommended Connection Attempt Delay) or as soon as every attempt
 * in flight has failed. Each attempt gives up after its own timeout_ms. The first to
 * connect wins: its index is returned and its socket (non-blocking, caller closes) put in
 * *fd; the other attempts are closed and marked NET_CANCELLED unless they had already
 * finished. Returns -1 with *fd = -1 when none connected; every target's status then says
 * how it failed (NET_CANCELLED for those never started because *cancel was set). A
 * target remembered as silent fails at once with NET_TIMEOUT, as in net_connect_many.
 */
#define NET_ATTEMPT_DELAY_MS	250
/* Forgets the silent addresses remembered (see net_connect_many): a fresh start. */
void	 net_silent_forget(void);
int	 net_connect_race(struct net_target *, size_t n, int attempt_delay_ms,
	    int timeout_ms, volatile sig_atomic_t *cancel, int *fd);

/* "192.0.2.1", "[2001:db8::1]" style text for an address (no port); buf >= 64 bytes. */
const char *net_addr_text(const struct sockaddr_storage *, char *buf, size_t len);
/* Sets the port of an AF_INET/AF_INET6 address. */
void	 net_addr_set_port(struct sockaddr_storage *, int port);

/* The same without brackets ("2001:db8::1", "fe80::1%eth0"), for lists shown to users. */
const char *net_addr_ntop(const struct sockaddr_storage *, char *buf, size_t len);
/* sizeof the sockaddr_in or sockaddr_in6 inside, 0 for another family. */
socklen_t net_addr_len(const struct sockaddr_storage *);
/*
 * Parses an address literal: "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "fe80::1%eth0".
 * No names, no port (it is left 0). Returns 0, or -1 when text is not an address.
 */
int	 net_addr_parse(const char *text, struct sockaddr_storage *);

#endif
