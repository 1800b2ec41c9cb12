/* tls.c: TLS client sessions over GnuTLS; verification and failures in plain words. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>
#include <idn2.h>

#include "sanitize.h"
#include "tls.h"
#include "util.h"

/* Row 44: a pathological chain or name list costs bounded memory and time. */
#define TLS_MAX_CHAIN		16
#define TLS_MAX_NAMES		64
/* SAN entries looked at per certificate, shown or not (10k SANs must stay cheap). */
#define TLS_MAX_SAN_SCAN	1024
/* Bytes of the peer's first answer kept to tell plain text from TLS (row 38). */
#define TLS_FIRST_MAX		64
/* Renegotiation requests and warning alerts tolerated per session (row 43). */
#define TLS_MAX_NUISANCE	8
/* Used when the caller gives no timeout: never wait for ever. */
#define TLS_DEFAULT_TIMEOUT_MS	30000

/*
 * The trusted certificates, loaded once per process for each trust setting and shared by
 * every session (GnuTLS credentials are read-only once set up, so threads may share
 * them). Loading the system's list parses some 140 certificates into about 1.5 MiB; the
 * probes that test several ports side by side did that once per connection, which made
 * most of sendfix's peak memory and part of each handshake's time (bench/RESULTS.md).
 * A full cache means a session loads its own, as before.
 */
#define TLS_CRED_CACHE_MAX	4
static struct tls_cred_entry {
	int					 system_trust;
	char					*cafile;	/* NULL: none */
	gnutls_certificate_credentials_t	 cred;
}			 tls_cred_cache[TLS_CRED_CACHE_MAX];
static size_t		 tls_ncred;
static pthread_mutex_t	 tls_cred_lock = PTHREAD_MUTEX_INITIALIZER;

struct tls_session {
	gnutls_session_t			 gs;
	gnutls_certificate_credentials_t	 cred;
	int					 cred_shared;	/* tls_cred_cache's */
	char					*servername;	/* trailing dot removed; A-labels */
	char					*typed;		/* the U-label form, or NULL */
	int					 ip_family;	/* AF_INET(6) for IP literals */
	unsigned char				 ip[16];
	int					 timeout_ms;

	tls_push_cb				 push;
	tls_pull_cb				 pull;
	tls_pull_timeout_cb			 pull_timeout;
	void					*arg;

	int					 last_errno;	/* from a failed push or pull */
	int					 eof;		/* pull returned 0 */
	unsigned char				 first[TLS_FIRST_MAX];
	size_t					 nfirst;
	int					 plain_line;	/* first holds a whole line,
								   or is full */
	int					 cert_requested;
	int					 established;
	int					 broken;	/* a fatal error: no close_notify */
	int					 nuisance;
};

static const char *tls_verdict_names[] = {
	"verified",
	"expired",
	"not-yet-valid",
	"wrong-name",
	"self-signed",
	"unknown-issuer",
	"incomplete-chain",
	"other-failure",
};
_Static_assert(sizeof tls_verdict_names / sizeof tls_verdict_names[0] == TLS_VERDICT_COUNT,
    "tls_verdict_names");

static const char *tls_failure_names[] = {
	"none",
	"timeout",
	"not-tls",
	"protocol-version",
	"closed",
	"other",
};
_Static_assert(sizeof tls_failure_names / sizeof tls_failure_names[0] == TLS_FAILURE_COUNT,
    "tls_failure_names");

static ssize_t	 tls_gnutls_push(gnutls_transport_ptr_t, const void *, size_t);
static ssize_t	 tls_gnutls_pull(gnutls_transport_ptr_t, void *, size_t);
static int	 tls_gnutls_pull_timeout(gnutls_transport_ptr_t, unsigned int);
static int	 tls_cred_load(const struct tls_config *,
		    gnutls_certificate_credentials_t *, char **);
static int	 tls_cred_get(const struct tls_config *, struct tls_session *, char **);
static int	 tls_retrieve_cert(gnutls_session_t, const gnutls_datum_t *, int,
		     const gnutls_pk_algorithm_t *, int, gnutls_pcert_st **, unsigned int *,
		     gnutls_privkey_t *);
static int	 tls_first_is_plain(struct tls_session *);
static char	*tls_first_line(struct tls_session *);
static enum tls_failure tls_classify(struct tls_session *, int, char **);
static char	*tls_duration(int);
static void	 tls_fill_params(struct tls_session *, struct tls_info *);
static void	 tls_fill_chain(struct tls_session *, struct tls_info *);
static void	 tls_fill_cert(gnutls_x509_crt_t, struct tls_cert *);
static void	 tls_fill_names(gnutls_x509_crt_t, struct strlist *);
static char	*tls_time(time_t, int);
static char	*tls_leaf_cn(gnutls_x509_crt_t);
static int	 tls_name_matches(struct tls_session *, gnutls_x509_crt_t);
static void	 tls_verify(struct tls_session *, struct tls_info *);
static char	*tls_which(const struct tls_info *, size_t);
static char	*tls_names_words(const struct tls_cert *, const char *);

const char *
tls_verdict_name(enum tls_verdict v)
{
	if ((unsigned int)v >= TLS_VERDICT_COUNT)
		fatalx("%s: verdict %d", __func__, (int)v);
	return (tls_verdict_names[v]);
}

const char *
tls_failure_name(enum tls_failure f)
{
	if ((unsigned int)f >= TLS_FAILURE_COUNT)
		fatalx("%s: failure %d", __func__, (int)f);
	return (tls_failure_names[f]);
}

void
tls_info_free(struct tls_info *info)
{
	size_t	i;

	if (info == NULL)
		return;
	free(info->verify_words);
	free(info->protocol);
	free(info->cipher);
	free(info->kx);
	for (i = 0; i < info->nchain; i++) {
		free(info->chain[i].subject);
		free(info->chain[i].issuer);
		free(info->chain[i].not_before);
		free(info->chain[i].not_after);
		strlist_free(&info->chain[i].names);
	}
	free(info->chain);
	memset(info, 0, sizeof *info);
}

void
tls_info_copy(struct tls_info *dst, const struct tls_info *src)
{
	const struct tls_cert	*from;
	struct tls_cert		*to;
	size_t			 i;

	tls_info_free(dst);
	*dst = *src;
	dst->verify_words = xstrdup_or_null(src->verify_words);
	dst->protocol = xstrdup_or_null(src->protocol);
	dst->cipher = xstrdup_or_null(src->cipher);
	dst->kx = xstrdup_or_null(src->kx);
	dst->chain = NULL;
	dst->nchain = 0;
	if (src->nchain == 0)
		return;
	dst->chain = xcalloc(src->nchain, sizeof *dst->chain);
	for (i = 0; i < src->nchain; i++) {
		from = &src->chain[i];
		to = &dst->chain[i];
		*to = *from;
		to->subject = xstrdup_or_null(from->subject);
		to->issuer = xstrdup_or_null(from->issuer);
		to->not_before = xstrdup_or_null(from->not_before);
		to->not_after = xstrdup_or_null(from->not_after);
		memset(&to->names, 0, sizeof to->names);
		strlist_copy(&to->names, &from->names);
	}
	dst->nchain = src->nchain;
}

/*
 * Row 9: a host typed as a U-label ("smtp.b\u00fccher.example" in UTF-8) is the A-label name
 * ("smtp.xn--bcher-kva.example") on the wire: SNI carries it and the certificate's SAN holds
 * it (RFC 6125 6.4.2), so both use the A-label form, converted with the IDNA2008 rules and the
 * UTS 46 mapping that browsers use (non-transitional: U+00DF stays itself, never "ss").
 * The typed form is kept for the words people read. An ASCII name is left exactly as typed.
 */
static int
tls_to_alabel(struct tls_session *s, char **cause)
{
	const unsigned char	*p;
	char			*alabel = NULL, *shown;
	int			 r;

	for (p = (const unsigned char *)s->servername; *p != '\0' && *p < 0x80; p++)
		continue;
	if (*p == '\0')
		return (0);
	r = idn2_to_ascii_8z(s->servername, &alabel, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (r != IDN2_OK) {
		shown = sanitize_str(s->servername);
		xasprintf(cause, "%s is not a valid internationalised host name: %s", shown,
		    idn2_strerror(r));
		free(shown);
		return (-1);
	}
	s->typed = s->servername;
	s->servername = xstrdup(alabel);
	idn2_free(alabel);
	return (0);
}

int
tls_session_new(const struct tls_config *cfg, tls_push_cb push, tls_pull_cb pull,
    tls_pull_timeout_cb pull_timeout, void *arg, struct tls_session **sp, char **cause)
{
	struct tls_session	*s;
	const char		*errpos;
	char			*name;
	size_t			 len;
	int			 r;

	*sp = NULL;
	if (cfg->servername == NULL || *cfg->servername == '\0') {
		*cause = xstrdup("no server name to check the certificate against");
		return (-1);
	}
	s = xcalloc(1, sizeof *s);
	s->push = push;
	s->pull = pull;
	s->pull_timeout = pull_timeout;
	s->arg = arg;
	s->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : TLS_DEFAULT_TIMEOUT_MS;

	/* "smtp.example.com." is the same host; SNI must not carry the dot (RFC 6066 3). */
	s->servername = xstrdup(cfg->servername);
	len = strlen(s->servername);
	if (len > 1 && s->servername[len - 1] == '.')
		s->servername[len - 1] = '\0';
	/* "[::1]" as people write it in URLs. */
	name = s->servername;
	len = strlen(name);
	if (len > 2 && name[0] == '[' && name[len - 1] == ']') {
		memmove(name, name + 1, len - 2);
		name[len - 2] = '\0';
	}
	if (inet_pton(AF_INET, name, s->ip) == 1)
		s->ip_family = AF_INET;
	else if (inet_pton(AF_INET6, name, s->ip) == 1)
		s->ip_family = AF_INET6;
	else if (tls_to_alabel(s, cause) != 0)
		goto fail;

	if (tls_cred_get(cfg, s, cause) != 0)
		goto fail;

	if ((r = gnutls_init(&s->gs, GNUTLS_CLIENT)) < 0) {
		xasprintf(cause, "cannot set up TLS: %s", gnutls_strerror(r));
		goto fail;
	}
	/*
	 * The system's default priorities, minus TLS 1.0 and 1.1 (RFC 8996): a server that
	 * offers nothing newer must fail loudly (row 42), never be accepted quietly.
	 */
	r = gnutls_set_default_priority_append(s->gs, "-VERS-TLS1.0:-VERS-TLS1.1", &errpos,
	    0);
	if (r < 0) {
		xasprintf(cause, "cannot set TLS priorities: %s", gnutls_strerror(r));
		goto fail;
	}
	if ((r = gnutls_credentials_set(s->gs, GNUTLS_CRD_CERTIFICATE, s->cred)) < 0) {
		xasprintf(cause, "cannot set up TLS: %s", gnutls_strerror(r));
		goto fail;
	}
	/* RFC 6066 3: literal IP addresses are not permitted in the server name. */
	if (s->ip_family == 0 && (r = gnutls_server_name_set(s->gs, GNUTLS_NAME_DNS,
	    s->servername, strlen(s->servername))) < 0) {
		xasprintf(cause, "cannot set the TLS server name: %s", gnutls_strerror(r));
		goto fail;
	}
	gnutls_session_set_ptr(s->gs, s);
	gnutls_transport_set_ptr(s->gs, s);
	gnutls_transport_set_push_function(s->gs, tls_gnutls_push);
	gnutls_transport_set_pull_function(s->gs, tls_gnutls_pull);
	gnutls_transport_set_pull_timeout_function(s->gs, tls_gnutls_pull_timeout);
	/* Rows 25 and 26: GnuTLS waits for ever unless told otherwise. */
	gnutls_handshake_set_timeout(s->gs, (unsigned int)s->timeout_ms);
	gnutls_record_set_timeout(s->gs, (unsigned int)s->timeout_ms);

	*sp = s;
	return (0);

fail:
	tls_session_free(s);
	return (-1);
}

/* A fresh credentials structure trusting what cfg says. */
static int
tls_cred_load(const struct tls_config *cfg, gnutls_certificate_credentials_t *credp,
    char **cause)
{
	char	*file;
	int	 r;

	*credp = NULL;
	if ((r = gnutls_certificate_allocate_credentials(credp)) < 0) {
		xasprintf(cause, "cannot set up TLS: %s", gnutls_strerror(r));
		goto fail;
	}
	if (cfg->system_trust &&
	    (r = gnutls_certificate_set_x509_system_trust(*credp)) < 0) {
		xasprintf(cause, "cannot load this computer's trusted certificates: %s",
		    gnutls_strerror(r));
		goto fail;
	}
	if (cfg->cafile != NULL) {
		r = gnutls_certificate_set_x509_trust_file(*credp, cfg->cafile,
		    GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			file = sanitize_str(cfg->cafile);
			if (r == 0)
				xasprintf(cause, "%s holds no PEM certificate", file);
			else
				xasprintf(cause, "cannot read certificates from %s: %s",
				    file, gnutls_strerror(r));
			free(file);
			goto fail;
		}
	}
	/* Row 46: note a request for a client certificate, and go on without one. */
	gnutls_certificate_set_retrieve_function2(*credp, tls_retrieve_cert);
	return (0);

fail:
	if (*credp != NULL)
		gnutls_certificate_free_credentials(*credp);
	*credp = NULL;
	return (-1);
}

/* The shared credentials for cfg's trust setting, loaded on first use (see the cache). */
static int
tls_cred_get(const struct tls_config *cfg, struct tls_session *s, char **cause)
{
	struct tls_cred_entry	*e;
	size_t			 i;
	int			 rc = 0;

	pthread_mutex_lock(&tls_cred_lock);
	for (i = 0; i < tls_ncred; i++) {
		e = &tls_cred_cache[i];
		if (e->system_trust == (cfg->system_trust != 0) &&
		    (e->cafile == NULL ? cfg->cafile == NULL :
		    cfg->cafile != NULL && strcmp(e->cafile, cfg->cafile) == 0))
			break;
	}
	if (i < tls_ncred) {
		s->cred = tls_cred_cache[i].cred;
		s->cred_shared = 1;
	} else if ((rc = tls_cred_load(cfg, &s->cred, cause)) == 0 &&
	    tls_ncred < TLS_CRED_CACHE_MAX) {
		e = &tls_cred_cache[tls_ncred++];
		e->system_trust = cfg->system_trust != 0;
		e->cafile = xstrdup_or_null(cfg->cafile);
		e->cred = s->cred;
		s->cred_shared = 1;
	}
	pthread_mutex_unlock(&tls_cred_lock);
	return (rc);
}

void
tls_cred_cache_clear(void)
{
	size_t	i;

	pthread_mutex_lock(&tls_cred_lock);
	for (i = 0; i < tls_ncred; i++) {
		gnutls_certificate_free_credentials(tls_cred_cache[i].cred);
		free(tls_cred_cache[i].cafile);
	}
	tls_ncred = 0;
	pthread_mutex_unlock(&tls_cred_lock);
}

/* The caller's push, remembering why it failed. */
static ssize_t
tls_gnutls_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
	struct tls_session	*s = ptr;
	ssize_t			 n;

	if ((n = s->push(s->arg, buf, len)) < 0) {
		s->last_errno = errno;
		gnutls_transport_set_errno(s->gs, errno);
	}
	return (n);
}

/* The caller's pull, keeping the peer's first bytes to recognise plain text. */
static ssize_t
tls_gnutls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
	struct tls_session	*s = ptr;
	ssize_t			 n;
	size_t			 keep;

	n = s->pull(s->arg, buf, len);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			s->last_errno = errno;
		gnutls_transport_set_errno(s->gs, errno);
		return (n);
	}
	if (n == 0)
		s->eof = 1;
	if (s->nfirst < sizeof s->first) {
		keep = sizeof s->first - s->nfirst;
		if ((size_t)n < keep)
			keep = (size_t)n;
		memcpy(s->first + s->nfirst, buf, keep);
		s->nfirst += keep;
	}
	return (n);
}

static int
tls_gnutls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
	struct tls_session	*s = ptr;
	int			 r;

	if ((r = s->pull_timeout(s->arg, ms)) < 0) {
		s->last_errno = errno;
		gnutls_transport_set_errno(s->gs, errno);
	}
	return (r);
}

/* Called when the server asks for a client certificate: we have none to give. */
static int
tls_retrieve_cert(gnutls_session_t gs, const gnutls_datum_t *req_ca, int nreqs,
    const gnutls_pk_algorithm_t *algos, int nalgos, gnutls_pcert_st **pcert,
    unsigned int *npcert, gnutls_privkey_t *key)
{
	struct tls_session	*s = gnutls_session_get_ptr(gs);

	(void)req_ca;
	(void)nreqs;
	(void)algos;
	(void)nalgos;
	if (s != NULL)
		s->cert_requested = 1;
	*pcert = NULL;
	*npcert = 0;
	*key = NULL;
	return (0);
}

/*
 * 1 when the peer's first bytes cannot start a TLS record (RFC 8446 5.1: a content type
 * of 20-24, then a legacy version with major 3): plain SMTP on a TLS port, for example.
 */
static int
tls_first_is_plain(struct tls_session *s)
{
	if (s->nfirst == 0)
		return (0);
	if (s->first[0] < 20 || s->first[0] > 24)
		return (1);
	return (s->nfirst >= 2 && s->first[1] != 3);
}

/*
 * The first line of the peer's plain-text answer, sanitised. GnuTLS stops reading after
 * the record header, so give the rest of the line a moment to arrive: the session is
 * dead anyway and this is the evidence the user needs ("220 smtp.example.com ESMTP").
 */
static char *
tls_first_line(struct tls_session *s)
{
	ssize_t	n;
	size_t	len;
	int	tries;

	for (tries = 0; tries < 4 && s->nfirst < sizeof s->first && !s->eof; tries++) {
		if (memchr(s->first, '\n', s->nfirst) != NULL)
			break;
		if (s->pull_timeout(s->arg, 100) <= 0)
			break;
		n = s->pull(s->arg, s->first + s->nfirst, sizeof s->first - s->nfirst);
		if (n <= 0)
			break;
		s->nfirst += (size_t)n;
	}
	/* A whole line, or more than first keeps: a server that talks, not one that drips. */
	s->plain_line = s->nfirst == sizeof s->first ||
	    memchr(s->first, '\n', s->nfirst) != NULL;
	for (len = 0; len < s->nfirst; len++) {
		if (s->first[len] == '\r' || s->first[len] == '\n')
			break;
	}
	return (sanitize_text(s->first, len));
}

/* "10 seconds", "1 second", "1500 ms". */
static char *
tls_duration(int ms)
{
	char	*text;

	if (ms % 1000 != 0)
		xasprintf(&text, "%d ms", ms);
	else
		xasprintf(&text, "%d second%s", ms / 1000, ms == 1000 ? "" : "s");
	return (text);
}

/* Why the handshake failed, in the terms of enum tls_failure and in plain words. */
static enum tls_failure
tls_classify(struct tls_session *s, int r, char **cause)
{
	gnutls_alert_description_t	 alert;
	const char			*name;
	char				*text;

	/*
	 * The strongest evidence first: bytes that are not TLS at all, whatever error GnuTLS
	 * made of them (row 38, msmtp issue 27: "An unexpected TLS packet was received").
	 */
	if (tls_first_is_plain(s)) {
		text = tls_first_line(s);
		xasprintf(cause, "the server answered without encryption (\"%s\"): this port "
		    "may expect STARTTLS, not SSL/TLS", text);
		free(text);
		return (TLS_FAIL_NOT_TLS);
	}
	if (r == GNUTLS_E_TIMEDOUT || s->last_errno == ETIMEDOUT) {
		text = tls_duration(s->timeout_ms);
		/*
		 * Row 67: the handshake is the first time the server sends a large packet (its
		 * certificates); a path that drops those (a VPN or tunnel with a smaller MTU
		 * and blocked ICMP) looks exactly like a silent server.
		 */
		xasprintf(cause, "the server did not answer the TLS handshake within %s; "
		    "on a VPN or another tunnel this is often large packets (the server's "
		    "certificates) lost on the way, an MTU problem", text);
		free(text);
		return (TLS_FAIL_TIMEOUT);
	}
	/* What the server said before it hung up matters more than the hang-up. */
	switch (r) {
	case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
		*cause = xstrdup("the server only offers outdated TLS versions (TLS 1.0 or "
		    "1.1), which are no longer safe and which this computer refuses");
		return (TLS_FAIL_PROTOCOL_VERSION);
	case GNUTLS_E_FATAL_ALERT_RECEIVED:
		alert = gnutls_alert_get(s->gs);
		if (alert == GNUTLS_A_PROTOCOL_VERSION) {
			*cause = xstrdup("the server only offers outdated TLS versions (TLS "
			    "1.0 or 1.1), which are no longer safe and which this computer "
			    "refuses");
			return (TLS_FAIL_PROTOCOL_VERSION);
		}
		if (s->cert_requested && (alert == GNUTLS_A_HANDSHAKE_FAILURE ||
		    alert == GNUTLS_A_CERTIFICATE_REQUIRED ||
		    alert == GNUTLS_A_BAD_CERTIFICATE)) {
			*cause = xstrdup("the server demands a client certificate and "
			    "refused to go on without one");
			return (TLS_FAIL_OTHER);
		}
		if (alert == GNUTLS_A_HANDSHAKE_FAILURE ||
		    alert == GNUTLS_A_INSUFFICIENT_SECURITY) {
			*cause = xstrdup("the server refused every TLS version and cipher "
			    "this computer offers: it probably only supports outdated ones");
			return (TLS_FAIL_PROTOCOL_VERSION);
		}
		if ((name = gnutls_alert_get_name(alert)) == NULL)
			name = "unknown";
		xasprintf(cause, "the server stopped the TLS handshake with the alert "
		    "\"%s\"", name);
		return (TLS_FAIL_OTHER);
	case GNUTLS_E_NO_CIPHER_SUITES:
	case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
	case GNUTLS_E_INSUFFICIENT_SECURITY:
		*cause = xstrdup("the server only offers outdated or weak TLS ciphers, which "
		    "this computer refuses");
		return (TLS_FAIL_PROTOCOL_VERSION);
	default:
		break;
	}
	if (s->last_errno == ECONNRESET || s->last_errno == EPIPE) {
		*cause = xstrdup("the server reset the connection during the TLS handshake");
		return (TLS_FAIL_CLOSED);
	}
	/* Before the packet errors: a record cut short by EOF is reported as one. */
	if (s->eof || r == GNUTLS_E_PREMATURE_TERMINATION) {
		*cause = xstrdup("the server closed the connection during the TLS handshake");
		return (TLS_FAIL_CLOSED);
	}
	if (r == GNUTLS_E_UNEXPECTED_PACKET_LENGTH || r == GNUTLS_E_UNEXPECTED_PACKET) {
		*cause = xstrdup("the server answered without encryption: this port may "
		    "expect STARTTLS, not SSL/TLS");
		return (TLS_FAIL_NOT_TLS);
	}
	if (s->last_errno == ECANCELED) {
		*cause = xstrdup("the TLS handshake was cancelled");
		return (TLS_FAIL_OTHER);
	}
	xasprintf(cause, "the TLS handshake failed: %s", gnutls_strerror(r));
	return (TLS_FAIL_OTHER);
}

int
tls_handshake(struct tls_session *s, struct tls_info *info, enum tls_failure *failure,
    char **cause)
{
	long long	deadline, left;
	int		r, w;

	memset(info, 0, sizeof *info);
	*failure = TLS_FAIL_NONE;
	deadline = mono_ms() + s->timeout_ms;
	for (;;) {
		r = gnutls_handshake(s->gs);
		if (r == 0)
			break;
		if (gnutls_error_is_fatal(r)) {
			s->broken = 1;
			*failure = tls_classify(s, r, cause);
			info->plain_line = *failure == TLS_FAIL_NOT_TLS && s->plain_line;
			return (-1);
		}
		/*
		 * Not fatal: EAGAIN, EINTR, or a warning alert such as unrecognized_name
		 * that real servers send with SNI. Go on, but never past the deadline.
		 */
		if ((left = deadline - mono_ms()) <= 0) {
			s->broken = 1;
			*failure = tls_classify(s, GNUTLS_E_TIMEDOUT, cause);
			return (-1);
		}
		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED &&
		    ++s->nuisance > TLS_MAX_NUISANCE) {
			s->broken = 1;
			*failure = TLS_FAIL_OTHER;
			*cause = xstrdup("the server sent too many TLS warnings during the "
			    "handshake");
			return (-1);
		}
		if ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) &&
		    gnutls_record_get_direction(s->gs) == 0) {
			/* Wait for the peer rather than spin on a non-blocking stream. */
			w = s->pull_timeout(s->arg, (unsigned int)left);
			if (w < 0)
				s->last_errno = errno;
		}
	}
	s->established = 1;
	s->nuisance = 0;

	tls_fill_params(s, info);
	tls_fill_chain(s, info);
	tls_verify(s, info);
	return (0);
}

/* Protocol, cipher, key exchange and the client certificate request. */
static void
tls_fill_params(struct tls_session *s, struct tls_info *info)
{
	const char	*p, *kx, *group;

	p = gnutls_protocol_get_name(gnutls_protocol_get_version(s->gs));
	info->protocol = xstrdup(p != NULL ? p : "unknown");
	p = gnutls_cipher_get_name(gnutls_cipher_get(s->gs));
	info->cipher = xstrdup(p != NULL ? p : "unknown");
	kx = gnutls_kx_get_name(gnutls_kx_get(s->gs));
	group = gnutls_group_get_name(gnutls_group_get(s->gs));
	if (kx != NULL && group != NULL)
		xasprintf(&info->kx, "%s (%s)", kx, group);
	else if (group != NULL)
		info->kx = xstrdup(group);	/* TLS 1.3 names no kx algorithm */
	else
		info->kx = xstrdup(kx != NULL ? kx : "unknown");
	if (gnutls_certificate_client_get_request_status(s->gs))
		s->cert_requested = 1;
	info->client_cert_requested = s->cert_requested;
}

/* The chain as the server sent it, leaf first, at most TLS_MAX_CHAIN certificates. */
static void
tls_fill_chain(struct tls_session *s, struct tls_info *info)
{
	const gnutls_datum_t	*der;
	gnutls_x509_crt_t	 crt;
	unsigned int		 n, i;

	if ((der = gnutls_certificate_get_peers(s->gs, &n)) == NULL || n == 0)
		return;
	if (n > TLS_MAX_CHAIN)
		n = TLS_MAX_CHAIN;
	info->chain = xcalloc(n, sizeof *info->chain);
	for (i = 0; i < n; i++) {
		if (gnutls_x509_crt_init(&crt) < 0)
			break;
		if (gnutls_x509_crt_import(crt, &der[i], GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crt);
			break;
		}
		tls_fill_cert(crt, &info->chain[i]);
		info->nchain++;
		gnutls_x509_crt_deinit(crt);
	}
}

static void
tls_fill_cert(gnutls_x509_crt_t crt, struct tls_cert *c)
{
	gnutls_datum_t	 dn;
	unsigned char	 md[32];
	size_t		 mdlen, i;

	/* Real lengths: a NUL inside a name must show as "\0", not cut it (row 10). */
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0) {
		c->subject = sanitize_text(dn.data, dn.size);
		gnutls_free(dn.data);
	} else
		c->subject = xstrdup("");
	if (gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0) >= 0) {
		c->issuer = sanitize_text(dn.data, dn.size);
		gnutls_free(dn.data);
	} else
		c->issuer = xstrdup("");
	c->not_before = tls_time(gnutls_x509_crt_get_activation_time(crt), 1);
	c->not_after = tls_time(gnutls_x509_crt_get_expiration_time(crt), 1);
	tls_fill_names(crt, &c->names);

	mdlen = sizeof md;
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &mdlen) >= 0 &&
	    mdlen == sizeof md) {
		/* 32 bytes as "AB:" make 96 characters: the last ':' becomes the NUL. */
		for (i = 0; i < mdlen; i++)
			snprintf(c->sha256 + 3 * i, sizeof c->sha256 - 3 * i, "%02X%s",
			    md[i], i + 1 < mdlen ? ":" : "");
	}
	/* Self-issued: subject and issuer are the same name (RFC 5280 6.1). */
	c->self_signed = gnutls_x509_crt_check_issuer(crt, crt) ? 1 : 0;
}

/* subjectAltName DNS names and IP addresses, at most TLS_MAX_NAMES of them. */
static void
tls_fill_names(gnutls_x509_crt_t crt, struct strlist *names)
{
	gnutls_subject_alt_names_t	 sans;
	gnutls_datum_t			 ext, san, other;
	unsigned int			 critical, type, seq;
	char				 addr[INET6_ADDRSTRLEN];

	if (gnutls_x509_crt_get_extension_by_oid2(crt, GNUTLS_X509EXT_OID_SAN, 0, &ext,
	    &critical) < 0)
		return;
	if (gnutls_subject_alt_names_init(&sans) < 0) {
		gnutls_free(ext.data);
		return;
	}
	if (gnutls_x509_ext_import_subject_alt_names(&ext, sans, 0) >= 0) {
		for (seq = 0; seq < TLS_MAX_SAN_SCAN && names->n < TLS_MAX_NAMES; seq++) {
			if (gnutls_subject_alt_names_get(sans, seq, &type, &san,
			    &other) < 0)
				break;
			if (type == GNUTLS_SAN_DNSNAME)
				strlist_take(names, sanitize_text(san.data, san.size));
			else if (type == GNUTLS_SAN_IPADDRESS && san.size == 4 &&
			    inet_ntop(AF_INET, san.data, addr, sizeof addr) != NULL)
				strlist_add(names, addr);
			else if (type == GNUTLS_SAN_IPADDRESS && san.size == 16 &&
			    inet_ntop(AF_INET6, san.data, addr, sizeof addr) != NULL)
				strlist_add(names, addr);
		}
	}
	gnutls_subject_alt_names_deinit(sans);
	gnutls_free(ext.data);
}

/* RFC 3339 UTC ("2026-01-05T12:00:00Z"), or only the date for plain words. */
static char *
tls_time(time_t t, int full)
{
	struct tm	tm;
	char		buf[32];

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL)
		return (xstrdup("unknown"));
	strftime(buf, sizeof buf, full ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d", &tm);
	return (xstrdup(buf));
}

/* The leaf's first common name, sanitised, or NULL. */
static char *
tls_leaf_cn(gnutls_x509_crt_t crt)
{
	char	buf[256];
	size_t	len = sizeof buf;

	if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 1, buf,
	    &len) < 0)
		return (NULL);
	return (sanitize_text(buf, len < sizeof buf ? len : sizeof buf));
}

/*
 * RFC 6125 6.4 for host names (GnuTLS: wildcards in the left-most label only, and names
 * holding a NUL never match); an IP literal must be an IP subjectAltName (6.2.1).
 */
static int
tls_name_matches(struct tls_session *s, gnutls_x509_crt_t crt)
{
	if (s->ip_family == AF_INET)
		return (gnutls_x509_crt_check_ip(crt, s->ip, 4, 0) != 0);
	if (s->ip_family == AF_INET6)
		return (gnutls_x509_crt_check_ip(crt, s->ip, 16, 0) != 0);
	return (gnutls_x509_crt_check_hostname2(crt, s->servername, 0) != 0);
}

/* "the server's certificate", "the intermediate certificate "CN=..."", ... */
static char *
tls_which(const struct tls_info *info, size_t i)
{
	char	*text;

	if (i == 0)
		return (xstrdup("the server's certificate"));
	xasprintf(&text, "the %s certificate \"%s\"",
	    info->chain[i].self_signed ? "root" : "intermediate", info->chain[i].subject);
	return (text);
}

/* "mail.other.test", "a.test, b.test and 3 more names", or the CN when no SAN. */
static char *
tls_names_words(const struct tls_cert *c, const char *cn)
{
	char	*text;

	if (c->names.n == 0)
		return (xstrdup(cn != NULL ? cn : "no name at all"));
	if (c->names.n == 1)
		return (xstrdup(c->names.v[0]));
	if (c->names.n == 2) {
		xasprintf(&text, "%s and %s", c->names.v[0], c->names.v[1]);
		return (text);
	}
	if (c->names.n == 3) {
		xasprintf(&text, "%s, %s and %s", c->names.v[0], c->names.v[1],
		    c->names.v[2]);
		return (text);
	}
	/* The list stops at TLS_MAX_NAMES: then there may be more than it says. */
	xasprintf(&text, "%s, %s and %s%zu more names", c->names.v[0], c->names.v[1],
	    c->names.n >= TLS_MAX_NAMES ? "at least " : "", c->names.n - 2);
	return (text);
}

/*
 * Verifies the chain against the trust store and the leaf against the name the user
 * typed, then picks one verdict in a fixed order: the cause the user can act on first.
 */
static void
tls_verify(struct tls_session *s, struct tls_info *info)
{
	const gnutls_datum_t	*der;
	gnutls_x509_crt_t	 leaf = NULL;
	gnutls_datum_t		 out;
	unsigned int		 status = 0, n;
	char			*shown, *name, *which, *date, *cn = NULL;
	time_t			 now = time(NULL), t;
	size_t			 i, last;
	int			 r, name_ok = 0;

	if (s->typed != NULL) {
		name = sanitize_str(s->typed);
		xasprintf(&shown, "%s (%s)", name, s->servername);
		free(name);
	} else
		shown = sanitize_str(s->servername);
	if ((der = gnutls_certificate_get_peers(s->gs, &n)) == NULL || n == 0) {
		info->verdict = TLS_OTHER_FAILURE;
		info->status = GNUTLS_CERT_INVALID;
		info->verify_words = xstrdup("the server sent no certificate");
		free(shown);
		return;
	}
	if (gnutls_x509_crt_init(&leaf) >= 0 &&
	    gnutls_x509_crt_import(leaf, &der[0], GNUTLS_X509_FMT_DER) >= 0) {
		name_ok = tls_name_matches(s, leaf);
		cn = tls_leaf_cn(leaf);
	}
	if (leaf != NULL)
		gnutls_x509_crt_deinit(leaf);

	/* The chain alone; the name is checked above so IP literals get RFC 6125 6.2.1. */
	if ((r = gnutls_certificate_verify_peers3(s->gs, NULL, &status)) < 0) {
		info->verdict = TLS_OTHER_FAILURE;
		info->status = GNUTLS_CERT_INVALID;
		xasprintf(&info->verify_words, "the certificate could not be checked: %s",
		    gnutls_strerror(r));
		goto out;
	}
	if (!name_ok)
		status |= GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER;
	info->status = status;
	if (status == 0) {
		info->verdict = TLS_VERIFIED;
		if (info->nchain > 0)
			xasprintf(&info->verify_words, "the certificate is valid for %s and "
			    "issued by \"%s\"", shown, info->chain[0].issuer);
		else
			xasprintf(&info->verify_words, "the certificate is valid for %s",
			    shown);
		goto out;
	}
	if (info->nchain == 0) {
		info->verdict = TLS_OTHER_FAILURE;
		info->verify_words = xstrdup("the server's certificate could not be read");
		goto out;
	}
	last = info->nchain - 1;

	if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
		info->verdict = TLS_WRONG_NAME;
		name = tls_names_words(&info->chain[0], cn);
		xasprintf(&info->verify_words, "the certificate is for %s, not %s", name,
		    shown);
		free(name);
		goto out;
	}
	if (status & GNUTLS_CERT_EXPIRED) {
		info->verdict = TLS_EXPIRED;
		for (i = 0; i < info->nchain; i++) {
			if (i >= n || gnutls_x509_crt_init(&leaf) < 0)
				break;
			t = (time_t)-1;
			if (gnutls_x509_crt_import(leaf, &der[i], GNUTLS_X509_FMT_DER) >= 0)
				t = gnutls_x509_crt_get_expiration_time(leaf);
			gnutls_x509_crt_deinit(leaf);
			if (t != (time_t)-1 && t < now) {
				which = tls_which(info, i);
				date = tls_time(t, 0);
				xasprintf(&info->verify_words, "%s expired on %s", which,
				    date);
				free(date);
				free(which);
				goto out;
			}
		}
		info->verify_words = xstrdup("the certificate of the authority that "
		    "vouches for the server's certificate has expired");
		goto out;
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED) {
		info->verdict = TLS_NOT_YET_VALID;
		for (i = 0; i < info->nchain; i++) {
			if (i >= n || gnutls_x509_crt_init(&leaf) < 0)
				break;
			t = (time_t)-1;
			if (gnutls_x509_crt_import(leaf, &der[i], GNUTLS_X509_FMT_DER) >= 0)
				t = gnutls_x509_crt_get_activation_time(leaf);
			gnutls_x509_crt_deinit(leaf);
			if (t != (time_t)-1 && t > now) {
				which = tls_which(info, i);
				date = tls_time(t, 0);
				xasprintf(&info->verify_words, "%s is valid only from %s: "
				    "either it is too new or this computer's clock is wrong",
				    which, date);
				free(date);
				free(which);
				goto out;
			}
		}
		info->verify_words = xstrdup("a certificate of the chain is not valid yet: "
		    "is this computer's clock wrong?");
		goto out;
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		if (info->chain[0].self_signed) {
			info->verdict = TLS_SELF_SIGNED;
			xasprintf(&info->verify_words, "the server's certificate is "
			    "self-signed (\"%s\"): it vouches for itself, and no authority "
			    "this computer trusts vouches for it", info->chain[0].subject);
		} else if (info->chain[last].self_signed) {
			info->verdict = TLS_UNKNOWN_ISSUER;
			xasprintf(&info->verify_words, "the server's certificate was issued "
			    "by \"%s\", an authority this computer does not trust",
			    info->chain[last].subject);
		} else {
			/*
			 * The chain stops short of a root and its issuer is not trusted here:
			 * the usual reason is a server that leaves out its intermediate
			 * certificate (row 40), a server-side fix.
			 */
			info->verdict = TLS_INCOMPLETE_CHAIN;
			which = tls_which(info, last);
			xasprintf(&info->verify_words, "the server did not send the "
			    "intermediate certificate: %s was issued by \"%s\", which the "
			    "server should send along and this computer does not know", which,
			    info->chain[last].issuer);
			free(which);
		}
		goto out;
	}
	info->verdict = TLS_OTHER_FAILURE;
	if (status & GNUTLS_CERT_REVOKED)
		info->verify_words = xstrdup("the server's certificate has been revoked");
	else if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		info->verify_words = xstrdup("the certificate is signed with an insecure "
		    "algorithm");
	else if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &out, 0) >= 0) {
		name = sanitize_text(out.data, out.size);
		xasprintf(&info->verify_words, "the certificate failed verification: %s",
		    name);
		free(name);
		gnutls_free(out.data);
	} else
		info->verify_words = xstrdup("the certificate failed verification");

out:
	free(cn);
	free(shown);
}

ssize_t
tls_recv(struct tls_session *s, void *buf, size_t len)
{
	ssize_t	n;

	for (;;) {
		s->last_errno = 0;
		n = gnutls_record_recv(s->gs, buf, len);
		if (n >= 0)
			return (n);
		switch (n) {
		case GNUTLS_E_AGAIN:
		case GNUTLS_E_INTERRUPTED:
			errno = EAGAIN;
			return (-1);
		case GNUTLS_E_REHANDSHAKE:
			/* Row 43: no renegotiation, and only so many requests. */
			if (++s->nuisance > TLS_MAX_NUISANCE)
				break;
			gnutls_alert_send(s->gs, GNUTLS_AL_WARNING,
			    GNUTLS_A_NO_RENEGOTIATION);
			continue;
		case GNUTLS_E_WARNING_ALERT_RECEIVED:
			if (++s->nuisance > TLS_MAX_NUISANCE)
				break;
			continue;
		case GNUTLS_E_PREMATURE_TERMINATION:
			/* Closed without close_notify: SMTP replies frame themselves. */
			s->broken = 1;
			return (0);
		case GNUTLS_E_TIMEDOUT:
			errno = ETIMEDOUT;
			return (-1);
		default:
			break;
		}
		s->broken = 1;
		errno = s->last_errno != 0 ? s->last_errno : EPROTO;
		return (-1);
	}
}

ssize_t
tls_send(struct tls_session *s, const void *buf, size_t len)
{
	ssize_t	n;

	s->last_errno = 0;
	n = gnutls_record_send(s->gs, buf, len);
	if (n >= 0)
		return (n);
	if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
		errno = EAGAIN;
		return (-1);
	}
	s->broken = 1;
	errno = s->last_errno != 0 ? s->last_errno : EPROTO;
	return (-1);
}

size_t
tls_pending(struct tls_session *s)
{
	return (gnutls_record_check_pending(s->gs));
}

void
tls_session_free(struct tls_session *s)
{
	if (s == NULL)
		return;
	if (s->gs != NULL) {
		/* SHUT_WR sends close_notify and does not wait for the server's. */
		if (s->established && !s->broken)
			gnutls_bye(s->gs, GNUTLS_SHUT_WR);
		gnutls_deinit(s->gs);
	}
	if (s->cred != NULL && !s->cred_shared)
		gnutls_certificate_free_credentials(s->cred);
	free(s->servername);
	free(s->typed);
	free(s);
}
