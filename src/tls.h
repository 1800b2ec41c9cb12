/* tls.h: TLS client sessions over GnuTLS, behind an opaque struct (no other file includes gnutls.h). */
#ifndef SENDFIX_TLS_H
#define SENDFIX_TLS_H

#include <sys/types.h>
#include <stddef.h>

#include "util.h"

/*
 * The byte stream under TLS, supplied by the caller (a socket, or memory in tests and
 * fuzzing). Both follow read(2)/write(2): return the count, 0 for end of stream (pull
 * only), or -1 with errno set (EAGAIN when nothing is there yet). pull_timeout waits up to
 * ms milliseconds for data and returns >0 when there is some, 0 on timeout, -1 on error.
 */
typedef ssize_t (*tls_push_cb)(void *arg, const void *buf, size_t len);
typedef ssize_t (*tls_pull_cb)(void *arg, void *buf, size_t len);
typedef int (*tls_pull_timeout_cb)(void *arg, unsigned int ms);

struct tls_config {
	const char	*servername;	/* the name the user typed (A-label): SNI unless an
					   IP literal, and the name the certificate must carry */
	const char	*cafile;	/* extra trusted CAs (PEM), or NULL */
	int		 timeout_ms;	/* handshake and each record read */
	int		 system_trust;	/* 1: add the system store (0 only in tests) */
};

/* One certificate of the peer's chain, every string sanitised. */
struct tls_cert {
	char		*subject;
	char		*issuer;
	char		*not_before;	/* RFC 3339, UTC */
	char		*not_after;
	struct strlist	 names;		/* subjectAltName DNS names and IPs */
	char		 sha256[96];	/* "AB:CD:..." fingerprint of the DER */
	int		 self_signed;
};

enum tls_verdict {
	TLS_VERIFIED = 0,
	TLS_EXPIRED,		/* a certificate of the chain has expired */
	TLS_NOT_YET_VALID,	/* a certificate is not valid yet (or the clock is wrong) */
	TLS_WRONG_NAME,		/* valid chain, but not for the name the user typed */
	TLS_SELF_SIGNED,
	TLS_UNKNOWN_ISSUER,	/* signed by a CA this computer does not trust */
	TLS_INCOMPLETE_CHAIN,	/* the server did not send the intermediate certificates */
	TLS_OTHER_FAILURE,	/* revoked, insecure algorithm, ... (see verify_words) */
	TLS_VERDICT_COUNT
};
const char	*tls_verdict_name(enum tls_verdict);	/* "verified", "expired", ... */

/* What the handshake established; filled by tls_handshake, freed by tls_info_free. */
struct tls_info {
	enum tls_verdict	 verdict;
	unsigned int		 status;	/* GnuTLS verification bits, for the expert view */
	char			*verify_words;	/* plain words: "the certificate expired on ..." */
	char			*protocol;	/* "TLS1.3" */
	char			*cipher;	/* "AES-256-GCM" ... */
	char			*kx;		/* key exchange / group */
	int			 client_cert_requested;
	int			 plain_line;	/* the handshake failed on plain text
						   (TLS_FAIL_NOT_TLS) holding a whole line
						   (or 64 bytes): the server spoke at once,
						   in the clear */
	struct tls_cert		*chain;		/* leaf first, as the server sent it */
	size_t			 nchain;
};
void	 tls_info_free(struct tls_info *);
/* Makes dst (zeroed, or filled; what it held is freed first) a copy of src, chain and
   names included, sharing no memory with it. */
void	 tls_info_copy(struct tls_info *dst, const struct tls_info *src);

struct tls_session;

/* A client session over the given stream; -1 with *cause when GnuTLS cannot be set up. */
int	 tls_session_new(const struct tls_config *, tls_push_cb, tls_pull_cb,
	    tls_pull_timeout_cb, void *arg, struct tls_session **, char **cause);
/*
 * Runs the handshake (bounded by timeout_ms) and verifies the peer. Returns 0 when the
 * handshake completed, whether or not verification passed (info->verdict says), or -1 with
 * *cause in plain words when it failed ("the server did not answer the TLS handshake within
 * 10 seconds", "the server answered in plain text, not TLS": see tls_failure).
 */
enum tls_failure {
	TLS_FAIL_NONE = 0,
	TLS_FAIL_TIMEOUT,	/* no answer within the timeout */
	TLS_FAIL_NOT_TLS,	/* the peer's bytes are not TLS (plain SMTP on a TLS port...) */
	TLS_FAIL_PROTOCOL_VERSION,	/* only outdated protocol versions / ciphers */
	TLS_FAIL_CLOSED,	/* the peer closed or reset the connection */
	TLS_FAIL_OTHER,
	TLS_FAILURE_COUNT
};
const char	*tls_failure_name(enum tls_failure);
int	 tls_handshake(struct tls_session *, struct tls_info *info, enum tls_failure *,
	    char **cause);
/* Like read(2)/write(2) over the session: -1 with errno (ETIMEDOUT after timeout_ms). */
ssize_t	 tls_recv(struct tls_session *, void *, size_t);
ssize_t	 tls_send(struct tls_session *, const void *, size_t);
/* Bytes GnuTLS has decrypted but not yet handed out. */
size_t	 tls_pending(struct tls_session *);
void	 tls_session_free(struct tls_session *);	/* sends close_notify when it can */
/*
 * Frees the trusted certificates every session shares (loaded once per trust setting);
 * for the end of the program, when no session is left.
 */
void	 tls_cred_cache_clear(void);

#endif
