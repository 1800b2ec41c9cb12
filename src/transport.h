/* transport.h: one byte stream over a socket or callbacks, TLS on either, and a line reader. */
#ifndef SENDFIX_TRANSPORT_H
#define SENDFIX_TRANSPORT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <signal.h>
#include <stddef.h>

#include "net.h"
#include "tls.h"
#include "util.h"

/*
 * The longest line transport_read_line accepts, its line ending included. RFC 5321
 * 4.5.3.1.5 allows replies of 512 bytes; real servers exceed that a little, so this is
 * lenient, but a line that never ends (hostile-cases row 20) stops here.
 */
#define TRANSPORT_LINE_MAX	4096

/*
 * The memory seam, for tests and fuzzing. read follows read(2) with a timeout: it returns
 * the count (> 0), 0 at the end of the stream, or -1 with errno set: ETIMEDOUT when nothing
 * arrived within timeout_ms, ECONNRESET for a reset, anything else for another error.
 * write follows write(2): the count, or -1 with errno (EPIPE when the peer has gone).
 */
typedef ssize_t (*transport_read_cb)(void *arg, void *buf, size_t len, int timeout_ms);
typedef ssize_t (*transport_write_cb)(void *arg, const void *buf, size_t len);

/* What a read or a write came to. Only TRANSPORT_ERROR is an operational error. */
enum transport_status {
	TRANSPORT_OK = 0,
	TRANSPORT_EOF,		/* the peer closed the stream (FIN, or TLS close_notify) */
	TRANSPORT_RESET,	/* the peer reset the connection (RST, EPIPE) */
	TRANSPORT_TIMEOUT,	/* the deadline passed */
	TRANSPORT_TOO_LONG,	/* a line longer than TRANSPORT_LINE_MAX */
	TRANSPORT_CANCELLED,	/* the cancel flag was set */
	TRANSPORT_ERROR,	/* another I/O or TLS error */
	TRANSPORT_STATUS_COUNT
};
const char	*transport_status_name(enum transport_status);	/* "eof", "timeout", ... */

/* Flags of a line from transport_read_line. */
#define TRANSPORT_LINE_BARE_LF	0x1	/* ended by LF without CR (tolerated, RFC 5321 2.3.8) */
#define TRANSPORT_LINE_BARE_CR	0x2	/* holds a CR that does not end it (kept as text) */
#define TRANSPORT_LINE_NUL	0x4	/* holds a NUL byte (kept: use len, not strlen) */

/*
 * One line, without its ending. data points into the transport and stays valid until the
 * next read on it; it is NUL-terminated after len bytes but may hold NUL bytes itself.
 */
struct transport_line {
	const char	*data;
	size_t		 len;
	int		 flags;		/* TRANSPORT_LINE_* */
};

struct transport;

/*
 * A transport over a connected stream socket. It takes the descriptor (made non-blocking
 * here; transport_free closes it). Reads and writes wait with poll(2); writes use
 * MSG_NOSIGNAL so a peer that has gone cannot kill us with SIGPIPE (hostile row 33).
 */
struct transport *transport_fd(int fd);
/* A transport over the memory seam; arg belongs to the caller. */
struct transport *transport_mem(transport_read_cb, transport_write_cb, void *arg);
/*
 * Ends TLS (close_notify when it can), closes an owned descriptor and wipes the buffers
 * (they may have held AUTH exchanges). NULL is fine.
 */
void		 transport_free(struct transport *);

/* Checked at least every 100 ms while waiting: non-zero stops the wait (TRANSPORT_CANCELLED). */
void		 transport_set_cancel(struct transport *, volatile sig_atomic_t *);

/*
 * Writes all of buf before the deadline (a mono_ms() time), as ONE write call whenever the
 * stream takes it whole: some middleboxes (Cisco ASA ESMTP inspection) mangle commands that
 * arrive in pieces. Over TLS the bytes go in one record. On a status other than
 * TRANSPORT_OK, *cause (caller frees) says what happened in plain words.
 */
enum transport_status transport_write(struct transport *, const void *buf, size_t len,
		     long long deadline, char **cause);

/*
 * Reads one line ending in LF (CRLF or a bare LF; a lone CR is text, so a CR inside a line
 * can never split it into two, hostile row 47). The deadline is absolute and shared by
 * every read the caller makes for one reply, so a server that drips one byte a second
 * cannot hold us past it (row 18). On TRANSPORT_OK *line is set; on any other status
 * *cause (caller frees) says what happened. A line longer than TRANSPORT_LINE_MAX gives
 * TRANSPORT_TOO_LONG and the stream is then unusable.
 */
enum transport_status transport_read_line(struct transport *, long long deadline,
		     struct transport_line *line, char **cause);

/*
 * Bytes received and not yet consumed by transport_read_line: in our buffer, decrypted
 * but not handed out by TLS, or (for a socket) already waiting in the kernel. After a
 * reply that must end the server's turn (220 to STARTTLS, any reply before our next
 * command) this must be 0; anything else is injected or unsolicited data (hostile rows
 * 2 and 49).
 */
size_t		 transport_buffered(struct transport *);

/*
 * Starts TLS as a client over the stream (implicit TLS before the greeting, RFC 8314 3.3,
 * or after a 220 to STARTTLS, RFC 3207 4). Refuses (-1, TLS_FAIL_OTHER) when the line
 * reader still holds bytes: they came in plain text and must never be read as if TLS had
 * protected them (the STARTTLS caller checks transport_buffered() itself first, which also
 * sees the kernel's queue). Returns 0 when the handshake completed, whether or not the
 * certificate verified (info->verdict says; the caller must check it before sending any
 * secret), or -1 with *failure and *cause (caller frees). info is zeroed first, filled by
 * the handshake, and released with tls_info_free either way. The handshake is bounded by
 * cfg->timeout_ms; every later read and write goes through TLS.
 */
int		 transport_start_tls(struct transport *, const struct tls_config *,
		     struct tls_info *info, enum tls_failure *failure, char **cause);
/* The socket under the transport (for getsockname), or -1 for the memory seam. */
int		 transport_socket(const struct transport *);
/* 1 once transport_start_tls has succeeded. */
int		 transport_is_tls(const struct transport *);

#endif
