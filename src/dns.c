/* dns.c: A, AAAA, MX, TXT, SRV, PTR and CNAME lookups through libresolv, failures told apart. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <idn2.h>

#include "dns.h"
#include "dns-cache.h"
#include "net.h"
#include "sanitize.h"
#include "util.h"

/*
 * The largest DNS message (a TCP answer carries a 16-bit length), so no reply is ever cut
 * short by our buffer. res_nquery() may still return a length larger than the buffer it
 * was given (glibc res_send.c send_vc() returns the length the server announced when it
 * had to truncate), so every length it returns is clamped to this before parsing.
 */
#define DNS_BUFSIZE		65536
#define DNS_FOLD(c)		((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' + 'a' : (c))
/* A bound on --timeout that keeps glibc's retrans << ns and our milliseconds in an int. */
#define DNS_MAX_SECONDS		3600
/* Addresses kept per record type: more is a misconfiguration or an attack, not a mail host. */
#define DNS_MAX_ADDRS		32

struct dns_query {
	const struct sockaddr_storage	*server;	/* NULL: the servers of resolv.conf */
	int				 seconds;
	const char			*name;
	int				 type;		/* ns_t_a/aaaa; any with rec */

	enum dns_status			 status;	/* out */
	struct sockaddr_storage		*addrs;		/* out, without rec */
	size_t				 naddrs;	/* out, without rec */
	struct dns_records		*rec;		/* out: dns_lookup's, or NULL */
};

static int	 dns_resolver_parse(const char *, struct sockaddr_storage *, char **);
static int	 dns_name_check(const char *, char **);
static int	 dns_name_ascii(const char *, char **, char **);
static int	 dns_resolve_ascii(const struct dns_config *, const char *, struct dns_host *,
		    char **);
static int	 dns_lookup_ascii(const struct dns_config *, const char *, int,
		    struct dns_records *, char **);
static void	 dns_set_server(struct __res_state *, const struct sockaddr_storage *);
static void	 dns_query_run(struct dns_query *);
static void	 dns_query_ask(struct dns_query *);
static void	 dns_first_server(const struct __res_state *, struct sockaddr_storage *);
static int	 dns_wait(int, short, long long);
static int	 dns_read_full(int, unsigned char *, size_t, long long);
static int	 dns_tcp_exchange(const struct sockaddr_storage *, const unsigned char *,
		     size_t, unsigned char *, size_t, int);
static void	 dns_query_tcp(struct dns_query *, struct __res_state *,
		     const struct sockaddr_storage *);
static void	*dns_query_thread(void *);
static void	*dns_many_thread(void *);
static int	 dns_status_rank(enum dns_status);
static size_t	 dns_walk_addrs(const unsigned char *, size_t, int,
		     struct sockaddr_storage **, size_t *);
static int	 dns_wire_equal(const unsigned char *, const unsigned char *);
static int	 dns_add_addr(int, const unsigned char *, size_t,
		     struct sockaddr_storage **, size_t *);
static int	 dns_seconds(const struct dns_config *);
static size_t	 dns_query_parse(struct dns_query *, const unsigned char *, size_t);
static void	 dns_query_tcp_records(struct dns_query *, const unsigned char *, size_t,
		     enum dns_status);
static int	 dns_type_supported(int);
static int	 dns_record_add(const unsigned char *, const unsigned char *, unsigned int,
		     int, const char *, unsigned long, const unsigned char *, size_t,
		     struct dns_records *);
static const char *dns_record_data(const unsigned char *, const unsigned char *, int,
		     const unsigned char *, size_t, struct dns_rr *);
static const char *dns_record_name(const unsigned char *, const unsigned char *,
		     const unsigned char *, const unsigned char *, char **);
static size_t	 dns_walk_records(const unsigned char *, size_t, int, struct dns_records *);
static void	 dns_rr_clear(struct dns_rr *);
static void	*dns_lookup_thread(void *);
static int	 dns_lookup_check(const char *, int, char **);

static const char *const dns_status_names[] = {
	[DNS_OK] = "ok",
	[DNS_NXDOMAIN] = "nxdomain",
	[DNS_NODATA] = "nodata",
	[DNS_SERVFAIL] = "servfail",
	[DNS_REFUSED] = "refused",
	[DNS_TIMEOUT] = "timeout",
	[DNS_ERROR] = "error",
	[DNS_TRUNCATED] = "truncated",
};
_Static_assert(sizeof dns_status_names / sizeof dns_status_names[0] == DNS_STATUS_COUNT,
    "dns_status_names does not match enum dns_status");

static const char *const dns_status_wordlist[] = {
	[DNS_OK] = "found",
	[DNS_NXDOMAIN] = "the name does not exist",
	[DNS_NODATA] = "the name exists but has no address of this kind",
	[DNS_SERVFAIL] = "the DNS server failed to answer (SERVFAIL)",
	[DNS_REFUSED] = "the DNS server refused to answer",
	[DNS_TIMEOUT] = "the DNS server did not answer in time",
	[DNS_ERROR] = "the DNS server could not be asked",
	[DNS_TRUNCATED] = "the answer was too big for UDP and asking again over TCP failed",
};
_Static_assert(sizeof dns_status_wordlist / sizeof dns_status_wordlist[0] == DNS_STATUS_COUNT,
    "dns_status_wordlist does not match enum dns_status");

/* dns.h: "NXDOMAIN beats NODATA beats failures"; among failures, an answer beats none. */
static const int dns_status_ranks[] = {
	[DNS_OK] = 7,
	[DNS_NXDOMAIN] = 6,
	[DNS_NODATA] = 5,
	[DNS_TRUNCATED] = 4,
	[DNS_SERVFAIL] = 3,
	[DNS_REFUSED] = 2,
	[DNS_TIMEOUT] = 1,
	[DNS_ERROR] = 0,
};
_Static_assert(sizeof dns_status_ranks / sizeof dns_status_ranks[0] == DNS_STATUS_COUNT,
    "dns_status_ranks does not match enum dns_status");

const char *
dns_status_name(enum dns_status status)
{
	if ((unsigned)status >= DNS_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (dns_status_names[status]);
}

const char *
dns_status_words(enum dns_status status)
{
	if ((unsigned)status >= DNS_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (dns_status_wordlist[status]);
}

static int
dns_status_rank(enum dns_status status)
{
	return (dns_status_ranks[status]);
}

int
dns_status_answered(enum dns_status status)
{
	return (status == DNS_OK || status == DNS_NXDOMAIN || status == DNS_NODATA);
}

enum dns_status
dns_status_combine(enum dns_status a, enum dns_status b)
{
	if ((unsigned)a >= DNS_STATUS_COUNT || (unsigned)b >= DNS_STATUS_COUNT)
		fatalx("%s: bad status %d/%d", __func__, (int)a, (int)b);
	return (dns_status_rank(a) >= dns_status_rank(b) ? a : b);
}

/* "ADDR", "ADDR:PORT" (IPv4), "[V6]", "[V6]:PORT" or a bare "V6" (no port). */
static int
dns_resolver_parse(const char *text, struct sockaddr_storage *ss, char **cause)
{
	char		*copy, *host, *port = NULL, *end, *colon, *safe;
	unsigned long	 n = 53;
	int		 bracket = 0;

	safe = sanitize_str(text);
	copy = xstrdup(text);
	host = copy;
	if (*host == '[') {
		if ((end = strchr(host, ']')) == NULL)
			goto bad;
		*end++ = '\0';
		host++;
		bracket = 1;
		if (*end == ':')
			port = end + 1;
		else if (*end != '\0')
			goto bad;
	} else if ((colon = strchr(host, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		/* Exactly one colon: IPv4 with a port. More colons: a bare IPv6 address. */
		*colon = '\0';
		port = colon + 1;
	}
	if (net_addr_parse(host, ss) != 0)
		goto bad;
	if (bracket && ss->ss_family != AF_INET6)
		goto bad;
	if (port != NULL && ss->ss_family == AF_INET6 && !bracket)
		goto bad;
	if (port != NULL) {
		if (*port < '0' || *port > '9' || strlen(port) > 5)
			goto badport;
		n = strtoul(port, &end, 10);
		if (*end != '\0' || n < 1 || n > 65535)
			goto badport;
	}
	net_addr_set_port(ss, (int)n);
	free(copy);
	free(safe);
	return (0);

bad:
	xasprintf(cause, "resolver \"%s\" is not an IP address (give ADDR, ADDR:PORT, "
	    "[IPv6]:PORT or a bare IPv6 address)", safe);
	free(copy);
	free(safe);
	return (-1);
badport:
	xasprintf(cause, "resolver \"%s\": the port must be a number from 1 to 65535", safe);
	free(copy);
	free(safe);
	return (-1);
}

int
dns_resolver_check(const char *resolver, char **cause)
{
	struct sockaddr_storage	 ss;

	if (resolver == NULL) {
		xasprintf(cause, "no resolver address given");
		return (-1);
	}
	return (dns_resolver_parse(resolver, &ss, cause));
}

int
dns_resolver_family(const char *resolver)
{
	struct sockaddr_storage	 ss;
	char			*cause = NULL;

	if (resolver == NULL || dns_resolver_parse(resolver, &ss, &cause) != 0) {
		free(cause);
		return (AF_UNSPEC);
	}
	return (ss.ss_family);
}

/* RFC 1035 2.3.4: labels up to 63 bytes, names up to 255 in wire form; no empty label. */
static int
dns_name_check(const char *name, char **cause)
{
	unsigned char	 wire[NS_MAXCDNAME];
	char		*safe;

	if (*name != '\0' && strcmp(name, ".") != 0 && strstr(name, "..") == NULL &&
	    *name != '.' && ns_name_pton(name, wire, sizeof wire) != -1)
		return (0);
	safe = sanitize_str(name);
	xasprintf(cause, "\"%s\" is not a valid host name", safe);
	free(safe);
	return (-1);
}

/*
 * Hostile-cases row 9 and the way people type names: "smtp.bücher.example" is asked of
 * DNS in its A-label form, "smtp.xn--bcher-kva.example" (IDNA 2008, non-transitional, as
 * tls.c checks the certificate against). An ASCII name is left exactly as it is (*ascii
 * NULL); a name that has no A-label form is refused with the reason, escaped.
 */
static int
dns_name_ascii(const char *name, char **ascii, char **cause)
{
	const unsigned char	*p;
	char			*alabel = NULL, *safe;
	int			 r;

	*ascii = NULL;
	for (p = (const unsigned char *)name; *p != '\0' && *p < 0x80; p++)
		;
	if (*p == '\0')
		return (0);
	r = idn2_to_ascii_8z(name, &alabel, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (r != IDN2_OK) {
		safe = sanitize_str(name);
		xasprintf(cause, "\"%s\" is not a valid internationalised host name: %s", safe,
		    idn2_strerror(r));
		free(safe);
		return (-1);
	}
	*ascii = xstrdup(alabel);
	idn2_free(alabel);
	return (0);
}

int
dns_resolve_host(const struct dns_config *cfg, const char *name, struct dns_host *out,
    char **cause)
{
	char	*ascii = NULL;
	int	 rc;

	if (name != NULL && dns_name_ascii(name, &ascii, cause) != 0) {
		memset(out, 0, sizeof *out);
		return (-1);
	}
	rc = dns_resolve_ascii(cfg, ascii != NULL ? ascii : name, out, cause);
	free(ascii);
	return (rc);
}

int
dns_lookup(const struct dns_config *cfg, const char *name, int type,
    struct dns_records *out, char **cause)
{
	char	*ascii = NULL;
	int	 rc;

	if (name != NULL && dns_name_ascii(name, &ascii, cause) != 0) {
		memset(out, 0, sizeof *out);
		out->status = DNS_ERROR;
		return (-1);
	}
	rc = dns_lookup_ascii(cfg, ascii != NULL ? ascii : name, type, out, cause);
	free(ascii);
	return (rc);
}

/*
 * Points the state at one server. glibc 2.36 (resolv_conf.c update_from_conf) stores IPv4
 * servers in nsaddr_list[] and malloc'd copies of IPv6 ones in _u._ext.nsaddrs[], with
 * nsaddr_list[i].sin_family set to 0; res_nclose() (res-close.c __res_iclose) frees
 * nsaddrs[0..nscount-1]. So: free every copy res_ninit made before shrinking nscount to 1
 * (or they leak), then put an IPv4 server in nsaddr_list[0], or an IPv6 server (which does
 * not fit there) in a malloc'd nsaddrs[0] with nsaddr_list[0].sin_family = 0, which is how
 * __res_get_nsaddr() (res_get_nsaddr.c) knows to use it. _u._ext.nscount stays 0 so
 * res_send.c builds its private copy afresh, and resolv_conf_matches() sees the change
 * and stops using the shared resolv.conf data.
 */
static void
dns_set_server(struct __res_state *st, const struct sockaddr_storage *ss)
{
	struct sockaddr_in6	*sin6;
	int			 i;

	for (i = 0; i < st->nscount && i < MAXNS; i++) {
		free(st->_u._ext.nsaddrs[i]);
		st->_u._ext.nsaddrs[i] = NULL;
		st->_u._ext.nssocks[i] = -1;
	}
	st->nscount = 1;
	st->_u._ext.nscount = 0;
	memset(&st->nsaddr_list[0], 0, sizeof st->nsaddr_list[0]);
	if (ss->ss_family == AF_INET)
		memcpy(&st->nsaddr_list[0], ss, sizeof(struct sockaddr_in));
	else {
		sin6 = xmalloc(sizeof *sin6);
		memcpy(sin6, ss, sizeof *sin6);
		st->nsaddr_list[0].sin_family = 0;
		st->_u._ext.nsaddrs[0] = sin6;
	}
}

/*
 * Reads what res_nsend() left in the buffer (also when it returned -1). 0 with *status when msg
 * holds a response (QR set) to exactly the question (name, type); -1 when it holds none.
 * The question is compared because glibc's send_dg() reads every datagram into the
 * caller's buffer, including spurious ones it then drops, before it times out.
 */
int
dns_reply_status(const unsigned char *msg, size_t len, const char *name, int type,
    enum dns_status *status)
{
	unsigned char	 qname[NS_MAXCDNAME], asked[NS_MAXCDNAME];
	const unsigned char *p, *eom;
	int		 n, qtype;

	if (len < HFIXEDSZ || (msg[2] & 0x80) == 0)	/* QR: RFC 1035 4.1.1 */
		return (-1);
	if (ns_get16(msg + 4) != 1)			/* QDCOUNT */
		return (-1);
	eom = msg + len;
	p = msg + HFIXEDSZ;
	if ((n = ns_name_unpack(msg, eom, p, qname, sizeof qname)) < 0)
		return (-1);
	p += n;
	if (eom - p < 4)
		return (-1);
	qtype = (int)ns_get16(p);	/* 16 bits: fits an int */
	if (qtype != type || ns_get16(p + 2) != ns_c_in)
		return (-1);
	if (ns_name_pton(name, asked, sizeof asked) == -1 || !dns_wire_equal(qname, asked))
		return (-1);

	switch (msg[3] & 0x0f) {			/* RCODE */
	case ns_r_noerror:
		/*
		 * RFC 2308 2.2: NOERROR without the record is NODATA. But an empty reply that
		 * is neither authoritative (AA) nor from a recursive server (RA), with nothing
		 * in any section, is a lame answer: glibc's send_dg() drops it and tries the
		 * next server, as for REFUSED, and so do we.
		 */
		if ((msg[2] & 0x04) == 0 && (msg[3] & 0x80) == 0 &&
		    ns_get16(msg + 6) == 0 && ns_get16(msg + 8) == 0 && ns_get16(msg + 10) == 0)
			*status = DNS_REFUSED;
		else
			*status = DNS_NODATA;
		break;
	case ns_r_nxdomain:
		*status = DNS_NXDOMAIN;
		break;
	case ns_r_servfail:
		*status = DNS_SERVFAIL;
		break;
	default:
		/* REFUSED, NOTIMP, FORMERR and the rest: the server would not answer us. */
		*status = DNS_REFUSED;
		break;
	}
	return (0);
}

/* RFC 4343: names compare case-insensitively, ASCII letters only; both in wire form. */
static int
dns_wire_equal(const unsigned char *a, const unsigned char *b)
{
	size_t	 i, n;

	for (;;) {
		if (*a != *b)
			return (0);
		n = *a;
		if (n == 0)
			return (1);
		if (n > 63)	/* ns_name_unpack never leaves a pointer; be safe anyway */
			return (0);
		for (i = 1; i <= n; i++) {
			/* Not tolower(): the locale must not change what a DNS name is. */
			if (DNS_FOLD(a[i]) != DNS_FOLD(b[i]))
				return (0);
		}
		a += n + 1;
		b += n + 1;
	}
}

static int
dns_add_addr(int type, const unsigned char *rdata, size_t rdlen,
    struct sockaddr_storage **addrs, size_t *naddrs)
{
	struct sockaddr_storage	*ss;

	/* RFC 1035 3.4.1: A is 4 bytes; RFC 3596 2.2: AAAA is 16. Anything else is malformed. */
	if ((type == ns_t_a && rdlen != 4) || (type == ns_t_aaaa && rdlen != 16))
		return (-1);
	*addrs = xreallocarray(*addrs, *naddrs + 1, sizeof **addrs);
	ss = &(*addrs)[(*naddrs)++];
	memset(ss, 0, sizeof *ss);
	if (type == ns_t_a) {
		ss->ss_family = AF_INET;
		memcpy(&((struct sockaddr_in *)ss)->sin_addr, rdata, 4);
	} else {
		ss->ss_family = AF_INET6;
		memcpy(&((struct sockaddr_in6 *)ss)->sin6_addr, rdata, 16);
	}
	return (0);
}

/*
 * The fallback when ns_initparse() refuses the whole message (it walks every section and
 * fails on the first count or length that lies): walk the answers one by one and keep
 * the records that end inside the message. dn_skipname() never follows compression
 * pointers, so a pointer loop cannot hang this.
 */
static size_t
dns_walk_addrs(const unsigned char *msg, size_t len, int type,
    struct sockaddr_storage **addrs, size_t *naddrs)
{
	const unsigned char	*p = msg + HFIXEDSZ, *eom = msg + len;
	unsigned int		 qd, an, i, rtype, rclass, rdlen;
	size_t			 found = 0;
	int			 n;

	qd = ns_get16(msg + 4);
	an = ns_get16(msg + 6);
	for (i = 0; i < qd; i++) {
		if ((n = dn_skipname(p, eom)) < 0 || eom - p - n < 4)
			return (0);
		p += n + 4;
	}
	for (i = 0; i < an && found < DNS_MAX_ADDRS; i++) {
		if ((n = dn_skipname(p, eom)) < 0)
			break;
		p += n;
		if (eom - p < NS_RRFIXEDSZ)
			break;
		rtype = ns_get16(p);
		rclass = ns_get16(p + 2);
		rdlen = ns_get16(p + 8);
		p += NS_RRFIXEDSZ;
		if (rdlen > (size_t)(eom - p))
			break;
		if (rtype == (unsigned)type && rclass == ns_c_in &&
		    dns_add_addr(type, p, rdlen, addrs, naddrs) == 0)
			found++;
		p += rdlen;
	}
	return (found);
}

size_t
dns_parse_addrs(const unsigned char *msg, size_t len, int type,
    struct sockaddr_storage **addrs, size_t *naddrs)
{
	ns_msg		 handle;
	ns_rr		 rr;
	size_t		 found = 0;
	int		 i, count;

	if (len < HFIXEDSZ)
		return (0);
	if (len > DNS_BUFSIZE)
		len = DNS_BUFSIZE;
	if (ns_initparse(msg, (int)len, &handle) == -1)
		return (dns_walk_addrs(msg, len, type, addrs, naddrs));

	count = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < count && found < DNS_MAX_ADDRS; i++) {
		/*
		 * A record whose owner name does not expand (a compression pointer out of
		 * range or in a loop) fails alone: ns_parserr() skips to the next one with
		 * ns_skiprr(), which does not follow pointers.
		 */
		if (ns_parserr(&handle, ns_s_an, i, &rr) == -1)
			continue;
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;	/* the CNAME chain in front of the addresses, RRSIGs... */
		if (dns_add_addr(type, ns_rr_rdata(rr), ns_rr_rdlen(rr), addrs, naddrs) == 0)
			found++;
	}
	return (found);
}

/*
 * Every question goes through here. One already answered in this run (or being asked by
 * another thread) is taken from dns-cache.c: the probes running side by side ask the same
 * ones, and each should cost one round trip, or one timeout, per run. What is kept is the
 * outcome as dns_query_ask left it, notes included, so a copy reads exactly the same.
 */
static void
dns_query_run(struct dns_query *q)
{
	struct dns_cache_key	 key;
	struct dns_cache_answer	 ans;
	struct dns_cache_entry	*pending;

	q->status = DNS_ERROR;
	q->addrs = NULL;
	q->naddrs = 0;
	if (q->rec != NULL)
		dns_records_free(q->rec);

	key.server = q->server;
	key.name = q->name;
	key.type = q->type;
	key.records = q->rec != NULL;
	memset(&ans, 0, sizeof ans);
	ans.rec = q->rec;
	if (dns_cache_get(&key, &ans, &pending)) {
		q->status = ans.status;
		q->addrs = ans.addrs;
		q->naddrs = ans.naddrs;
		return;
	}
	dns_query_ask(q);
	ans.status = q->status;
	ans.addrs = q->addrs;
	ans.naddrs = q->naddrs;
	dns_cache_put(pending, &ans);
}

/*
 * One query on its own resolver state (a struct __res_state must not be shared between
 * threads). res_nsend() returns -1 when every server said SERVFAIL or REFUSED or nothing
 * came back in time, so the outcome is read from what it leaves behind:
 *  - glibc's send_dg() and send_vc() read every reply straight into the caller's buffer
 *    (res_query.c passes it down unchanged) and leave it there when they give up on that
 *    server, so after -1 the buffer holds the last reply received. The header is zeroed
 *    first, so QR set means a reply to our question came: its RCODE says NXDOMAIN, NODATA,
 *    SERVFAIL or REFUSED (dns_reply_status).
 *  - no reply and errno ETIMEDOUT: a server was asked and did not answer in time;
 *  - no reply and errno ECONNREFUSED: res_send.c found no server it could even wait on
 *    (ICMP port unreachable: nothing listens there; or the query could not be sent, no
 *    route). That is DNS_ERROR, "the DNS server could not be asked": it says nothing
 *    about the name, and probe-resolve reports it as a resolver failure.
 * The known alternative, a non-zero statp->pfcode ("don't retry if called from dig" in
 * send_dg), was tried and is not needed on glibc 2.36 (the reply is in the buffer either
 * way); it would also stop at the first server that says SERVFAIL or REFUSED, while a
 * mail program's getaddrinfo() goes on to the next resolv.conf server, so we would report
 * a failure the user does not have.
 * Timing: retrans is the wait per try in seconds and retry the number of rounds (one);
 * with several resolv.conf servers each gets its turn (send_dg waits retrans << ns,
 * divided by nscount), so the worst case is about nscount * timeout.
 */
static void
dns_query_ask(struct dns_query *q)
{
	struct __res_state	 st;
	struct sockaddr_storage	 server;
	unsigned char		*buf, query[NS_PACKETSZ];
	int			 n, qlen, err, replied;
	enum dns_status		 status;

	memset(&st, 0, sizeof st);
	if (res_ninit(&st) == -1)
		return;
	if (q->server != NULL)
		dns_set_server(&st, q->server);
	st.retrans = q->seconds;
	st.retry = 1;
	/*
	 * UDP only inside glibc: its TCP path (send_vc) connects and reads with blocking
	 * calls and no deadline, so a truncated answer with TCP port 53 dropped stalled a
	 * lookup for 133 s here (the kernel's SYN retries). RES_IGNTC hands the truncated
	 * answer back instead, and dns_query_tcp() asks again over TCP within the timeout.
	 * "options use-vc" in resolv.conf is overridden for the same reason.
	 */
	st.options |= RES_IGNTC;
	st.options &= ~(unsigned long)RES_USEVC;

	buf = xcalloc(1, DNS_BUFSIZE);
	/*
	 * res_nmkquery() and res_nsend() rather than res_nquery(), so that the query id is
	 * known: a reply glibc dropped because its id did not match (hostile case: a forged
	 * or stale answer) is still in the buffer when glibc gives up, and without the id it
	 * would be read as the server's answer, turning a timeout into "no such record".
	 */
	qlen = res_nmkquery(&st, ns_o_query, q->name, ns_c_in, q->type, NULL, 0, NULL,
	    query, sizeof query);
	if (qlen < HFIXEDSZ) {
		free(buf);
		res_nclose(&st);
		return;
	}
	errno = 0;
	n = res_nsend(&st, query, qlen, buf, DNS_BUFSIZE);
	err = errno;
	if (n > DNS_BUFSIZE)
		n = DNS_BUFSIZE;
	replied = memcmp(buf, query, 2) == 0 && dns_reply_status(buf,
	    n >= 0 ? (size_t)n : DNS_BUFSIZE, q->name, q->type, &status) == 0;

	if (replied && (buf[2] & 0x02) != 0) {
		/* TC (RFC 1035 4.1.1, RFC 7766 5): keep any whole records, then use TCP. */
		if (n >= 0)
			dns_query_parse(q, buf, (size_t)n);
		if (q->server != NULL)
			server = *q->server;
		else
			dns_first_server(&st, &server);
		dns_query_tcp(q, &st, &server);
	} else if (n >= 0 && replied && (buf[3] & 0x0f) == ns_r_noerror) {
		/* NOERROR with answers but none of this type (a CNAME alone): NODATA. */
		q->status = dns_query_parse(q, buf, (size_t)n) > 0 ? DNS_OK : DNS_NODATA;
	} else if (replied)
		q->status = status;
	else if (n < 0 && err != ECONNREFUSED)
		q->status = DNS_TIMEOUT;
	else
		q->status = DNS_ERROR;

	free(buf);
	res_nclose(&st);
}

/* The server glibc asked first: IPv4 in nsaddr_list[0], IPv6 behind _u._ext.nsaddrs[0]. */
static void
dns_first_server(const struct __res_state *st, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (st->nscount < 1)
		return;
	if (st->nsaddr_list[0].sin_family == AF_INET)
		memcpy(ss, &st->nsaddr_list[0], sizeof st->nsaddr_list[0]);
	else if (st->_u._ext.nsaddrs[0] != NULL &&
	    st->_u._ext.nsaddrs[0]->sin6_family == AF_INET6)
		memcpy(ss, st->_u._ext.nsaddrs[0], sizeof *st->_u._ext.nsaddrs[0]);
}

/* Waits until fd is ready for events or the deadline passes (errno ETIMEDOUT). */
static int
dns_wait(int fd, short events, long long deadline)
{
	struct pollfd	 pfd;
	long long	 left;
	int		 r;

	for (;;) {
		if ((left = deadline - mono_ms()) <= 0) {
			errno = ETIMEDOUT;
			return (-1);
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (r > 0)
			return (0);
		if (r == -1 && errno != EINTR)
			return (-1);
	}
}

/* Reads exactly len bytes before the deadline; 0, or -1 with errno. */
static int
dns_read_full(int fd, unsigned char *p, size_t len, long long deadline)
{
	ssize_t	 r;

	while (len > 0) {
		if (dns_wait(fd, POLLIN, deadline) == -1)
			return (-1);
		r = recv(fd, p, len, MSG_DONTWAIT);
		if (r == 0) {
			errno = ECONNRESET;
			return (-1);
		}
		if (r == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return (-1);
		}
		p += r;
		len -= (size_t)r;
	}
	return (0);
}

/*
 * RFC 1035 4.2.2: one query over TCP with a two-byte length in front, all of it (connect,
 * send, both reads) within one deadline of the timeout. Returns the reply's length, or -1
 * with errno (ETIMEDOUT when the time ran out).
 */
static int
dns_tcp_exchange(const struct sockaddr_storage *ss, const unsigned char *query, size_t qlen,
    unsigned char *ans, size_t anssize, int timeout_ms)
{
	unsigned char	 out[2 + NS_PACKETSZ], len[2];
	long long	 deadline = mono_ms() + timeout_ms;
	size_t		 sent = 0, rlen;
	socklen_t	 sl;
	ssize_t		 r;
	int		 fd, err = 0, saved;

	if (net_addr_len(ss) == 0 || qlen > NS_PACKETSZ) {
		errno = EINVAL;
		return (-1);
	}
	fd = socket(ss->ss_family, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd == -1)
		return (-1);
	if (connect(fd, (const struct sockaddr *)ss, net_addr_len(ss)) == -1) {
		if (errno != EINPROGRESS && errno != EINTR)
			goto fail;
		if (dns_wait(fd, POLLOUT, deadline) == -1)
			goto fail;
		sl = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == -1)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	out[0] = (unsigned char)(qlen >> 8);
	out[1] = (unsigned char)qlen;
	memcpy(out + 2, query, qlen);
	while (sent < qlen + 2) {
		if (dns_wait(fd, POLLOUT, deadline) == -1)
			goto fail;
		r = send(fd, out + sent, qlen + 2 - sent, MSG_NOSIGNAL|MSG_DONTWAIT);
		if (r == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			goto fail;
		}
		sent += (size_t)r;
	}
	if (dns_read_full(fd, len, 2, deadline) == -1)
		goto fail;
	rlen = (size_t)len[0] << 8 | len[1];
	if (rlen < HFIXEDSZ || rlen > anssize) {
		errno = EMSGSIZE;
		goto fail;
	}
	if (dns_read_full(fd, ans, rlen, deadline) == -1)
		goto fail;
	close(fd);
	return ((int)rlen);

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return (-1);
}

/*
 * The TCP retry after a truncated UDP answer. Whole records the UDP answer carried are
 * kept when TCP fails; otherwise a failed retry is a timeout or "could not be asked".
 */
static void
dns_query_tcp(struct dns_query *q, struct __res_state *st, const struct sockaddr_storage *ss)
{
	unsigned char		 query[NS_PACKETSZ], *ans;
	struct sockaddr_storage	*addrs = NULL;
	size_t			 naddrs = 0;
	int			 qlen, n;
	enum dns_status		 status;

	int			 err;

	qlen = res_nmkquery(st, ns_o_query, q->name, ns_c_in, q->type, NULL, 0, NULL, query,
	    sizeof query);
	if (qlen <= 0) {
		if (q->rec != NULL) {
			q->status = DNS_TRUNCATED;
			strlist_add(&q->rec->notes, "the answer was cut short (TC) and the "
			    "question could not be made again for TCP");
		} else
			q->status = q->naddrs > 0 ? DNS_OK : DNS_ERROR;
		return;
	}
	ans = xcalloc(1, DNS_BUFSIZE);
	n = dns_tcp_exchange(ss, query, (size_t)qlen, ans, DNS_BUFSIZE, q->seconds * 1000);
	err = errno;
	if (n >= HFIXEDSZ && memcmp(ans, query, 2) == 0 &&
	    dns_reply_status(ans, (size_t)n, q->name, q->type, &status) == 0 &&
	    q->rec != NULL)
		dns_query_tcp_records(q, ans, (size_t)n, status);
	else if (q->rec != NULL) {
		/* Row 60: "no record" is not "DNS broken"; say what stopped the retry. */
		q->status = DNS_TRUNCATED;
		if (n == -1)
			strlist_addf(&q->rec->notes, "the answer was cut short (TC) and asking "
			    "again over TCP failed: %s", net_status_words(
			    net_status_from_errno(err)));
		else
			strlist_add(&q->rec->notes, "the answer was cut short (TC) and the TCP "
			    "answer did not match the question");
	} else if (n >= HFIXEDSZ && memcmp(ans, query, 2) == 0 &&
	    dns_reply_status(ans, (size_t)n, q->name, q->type, &status) == 0) {
		if ((ans[3] & 0x0f) == ns_r_noerror)
			dns_parse_addrs(ans, (size_t)n, q->type, &addrs, &naddrs);
		if (naddrs > 0) {
			free(q->addrs);
			q->addrs = addrs;
			q->naddrs = naddrs;
			q->status = DNS_OK;
		} else {
			free(addrs);
			q->status = q->naddrs > 0 ? DNS_OK : status;
		}
	} else if (q->naddrs > 0)
		q->status = DNS_OK;
	else if (n == -1 && err == ETIMEDOUT)
		q->status = DNS_TIMEOUT;
	else
		q->status = DNS_ERROR;
	free(ans);
}

/* TCP brought a reply to the question: it replaces whatever the cut UDP answer held. */
static void
dns_query_tcp_records(struct dns_query *q, const unsigned char *ans, size_t len,
    enum dns_status status)
{
	dns_records_free(q->rec);
	if ((ans[3] & 0x0f) == ns_r_noerror)
		dns_parse_records(ans, len, q->type, q->rec);
	q->status = q->rec->n > 0 ? DNS_OK : status;
	strlist_add(&q->rec->notes, "the answer was cut short over UDP (TC); asked again "
	    "over TCP");
}

/* Parses a reply into q: addresses, or records for dns_lookup. How many were found. */
static size_t
dns_query_parse(struct dns_query *q, const unsigned char *msg, size_t len)
{
	if (q->rec != NULL)
		return (dns_parse_records(msg, len, q->type, q->rec));
	return (dns_parse_addrs(msg, len, q->type, &q->addrs, &q->naddrs));
}

/* --timeout in whole seconds for glibc's retrans, at least 1. */
static int
dns_seconds(const struct dns_config *cfg)
{
	int	 seconds;

	seconds = cfg->timeout_ms <= 0 ? 1 : (cfg->timeout_ms + 999) / 1000;
	if (seconds > DNS_MAX_SECONDS)
		seconds = DNS_MAX_SECONDS;
	return (seconds);
}

static void *
dns_query_thread(void *arg)
{
	dns_query_run(arg);
	return (NULL);
}

static int
dns_resolve_ascii(const struct dns_config *cfg, const char *name, struct dns_host *out,
    char **cause)
{
	struct sockaddr_storage	 server, literal;
	struct dns_query	 qa, qaaaa;
	pthread_t		 thread;
	long long		 start;
	int			 seconds, threaded;
	char			*safe;

	memset(out, 0, sizeof *out);
	start = mono_ms();
	if (name == NULL || *name == '\0') {
		xasprintf(cause, "no host name given");
		return (-1);
	}

	/* An address literal needs no lookup; the other family is simply absent. */
	if (net_addr_parse(name, &literal) == 0) {
		out->literal = 1;
		out->status = DNS_OK;
		out->status_a = literal.ss_family == AF_INET ? DNS_OK : DNS_NODATA;
		out->status_aaaa = literal.ss_family == AF_INET6 ? DNS_OK : DNS_NODATA;
		out->addrs = xmalloc(sizeof *out->addrs);
		out->addrs[0] = literal;
		out->naddrs = 1;
		return (0);
	}
	if (strlen(name) > NS_MAXDNAME) {
		safe = sanitize_text(name, 64);
		xasprintf(cause, "\"%s...\" is too long for a host name", safe);
		free(safe);
		return (-1);
	}
	if (dns_name_check(name, cause) != 0)
		return (-1);
	if (cfg->resolver != NULL && dns_resolver_parse(cfg->resolver, &server, cause) != 0)
		return (-1);

	seconds = dns_seconds(cfg);
	memset(&qa, 0, sizeof qa);
	qa.server = cfg->resolver != NULL ? &server : NULL;
	qa.seconds = seconds;
	qa.name = name;
	qa.type = ns_t_a;
	qaaaa = qa;
	qaaaa.type = ns_t_aaaa;

	/* Both questions at once: the AAAA one on a second thread, the A one on this one. */
	threaded = pthread_create(&thread, NULL, dns_query_thread, &qaaaa) == 0;
	dns_query_run(&qa);
	if (threaded)
		pthread_join(thread, NULL);
	else
		dns_query_run(&qaaaa);

	out->status_a = qa.status;
	out->status_aaaa = qaaaa.status;
	out->naddrs = qa.naddrs + qaaaa.naddrs;
	out->addrs = xreallocarray(NULL, out->naddrs, sizeof *out->addrs);
	if (qa.naddrs > 0)
		memcpy(out->addrs, qa.addrs, qa.naddrs * sizeof *out->addrs);
	if (qaaaa.naddrs > 0)
		memcpy(out->addrs + qa.naddrs, qaaaa.addrs, qaaaa.naddrs * sizeof *out->addrs);
	free(qa.addrs);
	free(qaaaa.addrs);
	if (out->naddrs > 0)
		out->status = DNS_OK;
	else
		out->status = dns_status_combine(qa.status, qaaaa.status);
	out->elapsed_ms = mono_ms() - start;
	return (0);
}

struct dns_many_job {
	const struct dns_config	*cfg;
	const char		*name;
	struct dns_host		*out;
	int			*rc;
	char			*cause;
};

static void *
dns_many_thread(void *arg)
{
	struct dns_many_job	*job = arg;

	*job->rc = dns_resolve_host(job->cfg, job->name, job->out, &job->cause);
	return (NULL);
}

void
dns_resolve_many(const struct dns_config *cfg, const char *const *names, size_t n,
    struct dns_host *out, int *rc, char **causes)
{
	struct dns_many_job	*jobs;
	pthread_t		*threads;
	int			*started;
	size_t			 i;

	if (n == 0)
		return;
	jobs = xcalloc(n, sizeof *jobs);
	threads = xcalloc(n, sizeof *threads);
	started = xcalloc(n, sizeof *started);
	for (i = 0; i < n; i++) {
		jobs[i].cfg = cfg;
		jobs[i].name = names[i];
		jobs[i].out = &out[i];
		jobs[i].rc = &rc[i];
		started[i] = pthread_create(&threads[i], NULL, dns_many_thread, &jobs[i]) == 0;
	}
	/* Whatever could not get a thread runs here, while the others run beside it. */
	for (i = 0; i < n; i++) {
		if (!started[i])
			dns_many_thread(&jobs[i]);
	}
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		if (causes != NULL)
			causes[i] = jobs[i].cause;
		else
			free(jobs[i].cause);
	}
	free(started);
	free(threads);
	free(jobs);
}

void
dns_host_free(struct dns_host *h)
{
	if (h == NULL)
		return;
	free(h->addrs);
	h->addrs = NULL;
	h->naddrs = 0;
}

/* ---- records of any type ----------------------------------------------------------- */

static const struct {
	int		 type;
	const char	*name;
} dns_types[] = {
	{ ns_t_a, "a" },
	{ ns_t_aaaa, "aaaa" },
	{ ns_t_mx, "mx" },
	{ ns_t_txt, "txt" },
	{ ns_t_srv, "srv" },
	{ ns_t_ptr, "ptr" },
	{ ns_t_cname, "cname" },
};

static int
dns_type_supported(int type)
{
	size_t	 i;

	for (i = 0; i < sizeof dns_types / sizeof dns_types[0]; i++) {
		if (dns_types[i].type == type)
			return (1);
	}
	return (0);
}

const char *
dns_type_name(int type)
{
	size_t	 i;

	for (i = 0; i < sizeof dns_types / sizeof dns_types[0]; i++) {
		if (dns_types[i].type == type)
			return (dns_types[i].name);
	}
	return ("other");
}

static void
dns_rr_clear(struct dns_rr *rr)
{
	free(rr->owner);
	free(rr->target);
	free(rr->text);
	memset(rr, 0, sizeof *rr);
}

void
dns_records_free(struct dns_records *out)
{
	size_t	 i;

	if (out == NULL)
		return;
	for (i = 0; i < out->n; i++)
		dns_rr_clear(&out->rr[i]);
	free(out->rr);
	out->rr = NULL;
	out->n = 0;
	strlist_free(&out->notes);
}

/*
 * A domain name inside record data, from p up to end. NULL with *out set, or why not.
 * dn_expand() bounds every read by eom and refuses pointer loops (glibc ns_name_unpack
 * counts the bytes it has followed), so hostile data cannot hang it or read past the
 * message; the name must then end exactly where the data does (RFC 1035 3.3: the
 * rdlength covers the whole name, with any pointer).
 */
static const char *
dns_record_name(const unsigned char *msg, const unsigned char *eom, const unsigned char *p,
    const unsigned char *end, char **out)
{
	char	 name[NS_MAXDNAME];
	int	 n;

	if (p >= end)
		return ("there is no room for the name");
	if ((n = dn_expand(msg, eom, p, name, sizeof name)) < 0)
		return ("the name does not expand (a bad label, or a compression pointer out "
		    "of range or in a loop)");
	if (n > end - p)
		return ("the name runs past the end of the record's data");
	if (n < end - p)
		return ("the record's data goes on after the name");
	/* dn_expand() writes the root as "": dns.h promises "." (RFC 7505 null MX). */
	*out = xstrdup(*name == '\0' ? "." : name);
	return (NULL);
}

/* Fills rr from the data of one record of the type: NULL, or why it is malformed. */
static const char *
dns_record_data(const unsigned char *msg, const unsigned char *eom, int type,
    const unsigned char *rdata, size_t rdlen, struct dns_rr *rr)
{
	const unsigned char	*p, *end = rdata + rdlen;
	struct sockaddr_storage	*addrs = NULL;
	size_t			 naddrs = 0, l;
	char			*text;

	switch (type) {
	case ns_t_a:
	case ns_t_aaaa:
		if (dns_add_addr(type, rdata, rdlen, &addrs, &naddrs) != 0)
			return (type == ns_t_a ? "an IPv4 address is 4 bytes" :
			    "an IPv6 address is 16 bytes");
		rr->addr = addrs[0];
		free(addrs);
		return (NULL);
	case ns_t_mx:
		/* RFC 1035 3.3.9: PREFERENCE (16 bits), EXCHANGE. */
		if (rdlen < 3)
			return ("too short for a preference and a name");
		rr->preference = ns_get16(rdata);
		return (dns_record_name(msg, eom, rdata + 2, end, &rr->target));
	case ns_t_srv:
		/* RFC 2782: priority, weight, port (16 bits each), target. */
		if (rdlen < 7)
			return ("too short for priority, weight, port and a name");
		rr->priority = ns_get16(rdata);
		rr->weight = ns_get16(rdata + 2);
		rr->port = ns_get16(rdata + 4);
		return (dns_record_name(msg, eom, rdata + 6, end, &rr->target));
	case ns_t_ptr:
	case ns_t_cname:
		return (dns_record_name(msg, eom, rdata, end, &rr->target));
	case ns_t_txt:
		/*
		 * RFC 1035 3.3.14: one or more character-strings, each a length byte and
		 * that many bytes, filling the data exactly. RFC 7208 3.3: joined without
		 * anything between them.
		 */
		if (rdlen == 0)
			return ("there is no character-string");
		text = xmalloc(rdlen + 1);
		rr->text_len = 0;
		for (p = rdata; p < end; p += l) {
			l = *p++;
			if (l > (size_t)(end - p)) {
				free(text);
				rr->text_len = 0;
				return ("a character-string runs past the end of the record's "
				    "data");
			}
			memcpy(text + rr->text_len, p, l);
			rr->text_len += l;
		}
		text[rr->text_len] = '\0';
		rr->text = text;
		return (NULL);
	}
	fatalx("%s: type %d", __func__, type);
}

/*
 * Appends one record (number idx in the answer section, from 1) when its data is well
 * formed, else notes why not. 1 when appended, 0 when skipped.
 */
static int
dns_record_add(const unsigned char *msg, const unsigned char *eom, unsigned int idx,
    int type, const char *owner, unsigned long ttl, const unsigned char *rdata, size_t rdlen,
    struct dns_records *out)
{
	struct dns_rr	 rr;
	const char	*why;

	memset(&rr, 0, sizeof rr);
	if ((why = dns_record_data(msg, eom, type, rdata, rdlen, &rr)) != NULL) {
		dns_rr_clear(&rr);
		strlist_addf(&out->notes, "answer record %u (%s, %zu bytes of data): %s; "
		    "skipped", idx, dns_type_name(type), rdlen, why);
		return (0);
	}
	rr.type = type;
	rr.ttl = ttl;
	rr.owner = xstrdup(*owner == '\0' ? "." : owner);
	out->rr = xreallocarray(out->rr, out->n + 1, sizeof *out->rr);
	out->rr[out->n++] = rr;
	return (1);
}

/*
 * As dns_walk_addrs: the fallback when ns_initparse() refuses the message. Owner names are
 * skipped with dn_skipname() (which never follows pointers) to find the next record, and
 * expanded separately, so one bad owner costs one record.
 */
static size_t
dns_walk_records(const unsigned char *msg, size_t len, int type, struct dns_records *out)
{
	const unsigned char	*p = msg + HFIXEDSZ, *eom = msg + len;
	unsigned int		 qd, an, i, rtype, rclass, rdlen;
	unsigned long		 ttl;
	size_t			 found = 0;
	char			 owner[NS_MAXDNAME];
	int			 n, expanded;

	qd = ns_get16(msg + 4);
	an = ns_get16(msg + 6);
	for (i = 0; i < qd; i++) {
		if ((n = dn_skipname(p, eom)) < 0 || eom - p - n < 4) {
			strlist_add(&out->notes, "the answer's question section is cut short "
			    "or malformed; nothing could be read");
			return (0);
		}
		p += n + 4;
	}
	for (i = 0; i < an; i++) {
		expanded = dn_expand(msg, eom, p, owner, sizeof owner) >= 0;
		if ((n = dn_skipname(p, eom)) < 0)
			break;
		p += n;
		if (eom - p < NS_RRFIXEDSZ)
			break;
		rtype = ns_get16(p);
		rclass = ns_get16(p + 2);
		ttl = ns_get32(p + 4);
		rdlen = ns_get16(p + 8);
		p += NS_RRFIXEDSZ;
		if (rdlen > (size_t)(eom - p))
			break;
		if (rtype == (unsigned)type && rclass == ns_c_in) {
			if (out->n >= DNS_MAX_RECORDS) {
				strlist_addf(&out->notes, "more than %d records; the rest were "
				    "not kept", DNS_MAX_RECORDS);
				return (found);
			}
			if (!expanded)
				strlist_addf(&out->notes, "answer record %u: its owner name "
				    "does not expand (a compression pointer out of range or in "
				    "a loop); skipped", i + 1);
			else
				found += (size_t)dns_record_add(msg, eom, i + 1, type, owner,
				    ttl, p, rdlen, out);
		}
		p += rdlen;
	}
	if (i < an)
		strlist_addf(&out->notes, "the answer announces %u records but breaks off "
		    "at record %u (cut short, or a length that lies); the records before "
		    "it were kept", an, i + 1);
	return (found);
}

size_t
dns_parse_records(const unsigned char *msg, size_t len, int type, struct dns_records *out)
{
	ns_msg		 handle;
	ns_rr		 rr;
	size_t		 found = 0;
	int		 i, count;

	if (!dns_type_supported(type))
		fatalx("%s: type %d", __func__, type);
	if (len < HFIXEDSZ) {
		strlist_addf(&out->notes, "the answer is %zu bytes, shorter than a DNS "
		    "header", len);
		return (0);
	}
	/* Hostile case 29: res_nquery() can return more than the buffer it was given. */
	if (len > DNS_BUFSIZE)
		len = DNS_BUFSIZE;
	if (ns_initparse(msg, (int)len, &handle) == -1)
		return (dns_walk_records(msg, len, type, out));

	count = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < count; i++) {
		/* As in dns_parse_addrs: a bad owner name fails this record alone. */
		if (ns_parserr(&handle, ns_s_an, i, &rr) == -1) {
			strlist_addf(&out->notes, "answer record %d: its owner name does not "
			    "expand (a compression pointer out of range or in a loop); "
			    "skipped", i + 1);
			continue;
		}
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;	/* the CNAME chain in front, RRSIGs... */
		if (out->n >= DNS_MAX_RECORDS) {
			strlist_addf(&out->notes, "more than %d records; the rest were not kept",
			    DNS_MAX_RECORDS);
			break;
		}
		found += (size_t)dns_record_add(msg, msg + len, (unsigned)i + 1, type,
		    ns_rr_name(rr), (unsigned long)ns_rr_ttl(rr), ns_rr_rdata(rr),
		    ns_rr_rdlen(rr), out);
	}
	return (found);
}

/* RFC 1035 2.3.4 and 3.1: a name the wire form can carry. */
static int
dns_lookup_check(const char *name, int type, char **cause)
{
	char	*safe;

	if (!dns_type_supported(type)) {
		xasprintf(cause, "DNS record type %d is not one sendfix asks for", type);
		return (-1);
	}
	if (name == NULL || *name == '\0') {
		xasprintf(cause, "no name given");
		return (-1);
	}
	if (strlen(name) > NS_MAXDNAME) {
		safe = sanitize_text(name, 64);
		xasprintf(cause, "\"%s...\" is too long for a DNS name", safe);
		free(safe);
		return (-1);
	}
	return (dns_name_check(name, cause));
}

static int
dns_lookup_ascii(const struct dns_config *cfg, const char *name, int type,
    struct dns_records *out, char **cause)
{
	struct sockaddr_storage	 server;
	struct dns_query	 q;
	long long		 start;

	memset(out, 0, sizeof *out);
	out->status = DNS_ERROR;
	start = mono_ms();
	if (dns_lookup_check(name, type, cause) != 0)
		return (-1);
	if (cfg->resolver != NULL && dns_resolver_parse(cfg->resolver, &server, cause) != 0)
		return (-1);

	memset(&q, 0, sizeof q);
	q.server = cfg->resolver != NULL ? &server : NULL;
	q.seconds = dns_seconds(cfg);
	q.name = name;
	q.type = type;
	q.rec = out;
	dns_query_run(&q);
	out->status = q.status;
	out->elapsed_ms = mono_ms() - start;
	return (0);
}

struct dns_lookup_job {
	const struct dns_config		*cfg;
	const struct dns_question	*q;
	struct dns_records		*out;
	int				*rc;
	char				*cause;
};

static void *
dns_lookup_thread(void *arg)
{
	struct dns_lookup_job	*job = arg;
	struct dns_config	 cfg = *job->cfg;

	if (job->q->resolver != NULL)
		cfg.resolver = job->q->resolver;
	*job->rc = dns_lookup(&cfg, job->q->name, job->q->type, job->out, &job->cause);
	return (NULL);
}

void
dns_lookup_many(const struct dns_config *cfg, const struct dns_question *q, size_t n,
    struct dns_records *out, int *rc, char **causes)
{
	struct dns_lookup_job	*jobs;
	pthread_t		*threads;
	int			*started;
	size_t			 i;

	if (n == 0)
		return;
	jobs = xcalloc(n, sizeof *jobs);
	threads = xcalloc(n, sizeof *threads);
	started = xcalloc(n, sizeof *started);
	for (i = 0; i < n; i++) {
		jobs[i].cfg = cfg;
		jobs[i].q = &q[i];
		jobs[i].out = &out[i];
		jobs[i].rc = &rc[i];
		started[i] = pthread_create(&threads[i], NULL, dns_lookup_thread, &jobs[i]) == 0;
	}
	/* As in dns_resolve_many: what could not get a thread runs here. */
	for (i = 0; i < n; i++) {
		if (!started[i])
			dns_lookup_thread(&jobs[i]);
	}
	for (i = 0; i < n; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		if (causes != NULL)
			causes[i] = jobs[i].cause;
		else
			free(jobs[i].cause);
	}
	free(started);
	free(threads);
	free(jobs);
}

int
dns_reverse_name(const struct sockaddr_storage *ss, const char *zone, char *buf, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*b;
	char			 labels[64 + 1], *p = labels;
	int			 i, r;

	if (len == 0)
		return (-1);
	*buf = '\0';
	if (ss->ss_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)ss)->sin_addr;
		r = snprintf(labels, sizeof labels, "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
		if (r < 0 || (size_t)r >= sizeof labels)
			return (-1);
		if (zone == NULL)
			zone = "in-addr.arpa";
	} else if (ss->ss_family == AF_INET6) {
		/* RFC 3596 2.5: nibbles, lowest first, each its own label. */
		b = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		for (i = 15; i >= 0; i--) {
			*p++ = hex[b[i] & 0x0f];
			*p++ = '.';
			*p++ = hex[b[i] >> 4];
			*p++ = i > 0 ? '.' : '\0';
		}
		if (zone == NULL)
			zone = "ip6.arpa";
	} else
		return (-1);
	r = snprintf(buf, len, "%s.%s", labels, zone);
	if (r < 0 || (size_t)r >= len) {
		*buf = '\0';
		return (-1);
	}
	return (0);
}
