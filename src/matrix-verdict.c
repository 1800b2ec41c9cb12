/* matrix-verdict.c: what a table of servers x ports x SMTP attempts says as a whole. Pure. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "matrix-verdict.h"
#include "util.h"

static const char *const matrix_class_names[] = {
	[MATRIX_NO_ADDRESS] = "no-address",
	[MATRIX_REFUSED] = "refused",
	[MATRIX_SILENT] = "silent",
	[MATRIX_RESET] = "reset",
	[MATRIX_NO_GREETING] = "no-greeting",
	[MATRIX_GREETING] = "greeting",
	[MATRIX_TLS_ALERT] = "tls-alert",
	[MATRIX_WORKS] = "works",
	[MATRIX_OPEN] = "open",
};
_Static_assert(sizeof matrix_class_names / sizeof matrix_class_names[0] == MATRIX_CLASS_COUNT,
    "matrix_class_names does not match enum matrix_class");

static const char *const matrix_class_table_words[] = {
	[MATRIX_NO_ADDRESS] = "no address",
	[MATRIX_REFUSED] = "refused",
	[MATRIX_SILENT] = "silent",
	[MATRIX_RESET] = "reset",
	[MATRIX_NO_GREETING] = "no greeting",
	[MATRIX_GREETING] = "greeting, no encryption",
	[MATRIX_TLS_ALERT] = "encryption fails",
	[MATRIX_WORKS] = "works",
	[MATRIX_OPEN] = "reachable",
};
_Static_assert(sizeof matrix_class_table_words / sizeof matrix_class_table_words[0] ==
    MATRIX_CLASS_COUNT, "matrix_class_table_words does not match enum matrix_class");

/* "25 is silent" / "25 and 2525 are silent": the verb phrase, singular then plural. */
static const char *const matrix_class_verbs[][2] = {
	[MATRIX_NO_ADDRESS] = { "has no address", "have no address" },
	[MATRIX_REFUSED] = { "is refused", "are refused" },
	[MATRIX_SILENT] = { "is silent", "are silent" },
	[MATRIX_RESET] = { "is reset", "are reset" },
	[MATRIX_NO_GREETING] = { "gives no greeting", "give no greeting" },
	[MATRIX_GREETING] = { "greets without encryption", "greet without encryption" },
	[MATRIX_TLS_ALERT] = { "fails at encryption", "fail at encryption" },
	[MATRIX_WORKS] = { "works", "work" },
	[MATRIX_OPEN] = { "is reachable", "are reachable" },
};
_Static_assert(sizeof matrix_class_verbs / sizeof matrix_class_verbs[0] == MATRIX_CLASS_COUNT,
    "matrix_class_verbs does not match enum matrix_class");

const char *const matrix_outcome_names[] = {
	[MATRIX_USER_WORKS] = "user-works",
	[MATRIX_USE_OTHER_MODE] = "use-other-mode",
	[MATRIX_USE_OTHER_PORT] = "use-other-port",
	[MATRIX_ISP_BLOCKS_25] = "isp-blocks-25",
	[MATRIX_OTHER_HOST_WORKS] = "other-host-works",
	[MATRIX_NOTHING_WORKS] = "nothing-works",
	[MATRIX_OUTCOME_COUNT] = NULL
};
_Static_assert(sizeof matrix_outcome_names / sizeof matrix_outcome_names[0] ==
    MATRIX_OUTCOME_COUNT + 1, "matrix_outcome_names does not match enum matrix_outcome");

/* The order a working port is recommended in: submission first (RFC 8314 3.3, 6409). */
static const int matrix_port_order[] = { 587, 465, 2525, 25 };

/* What one port did, in words that follow its number: " is silent", " work on x". */
struct matrix_phrase {
	int	 port;
	int	 works;
	char	*one;		/* after one port number */
	char	*many;		/* after several */
};

static int	 matrix_port_rank(int);
static int	 matrix_better(const struct matrix_cell *, const struct matrix_cell *,
		     const struct matrix_user *);
static int	 matrix_pick(const struct matrix_cell *, size_t, const struct matrix_user *,
		     int, int);
static int	 matrix_blocked_25(const struct matrix_cell *, size_t);
static void	 matrix_cat(char **, const char *, ...) PRINTFLIKE(2, 3);
static char	*matrix_join_ports(const int *, size_t);
static int	 matrix_phrase(struct matrix_phrase *, int, const struct matrix_cell *,
		     size_t, const char *const *, size_t);
static void	 matrix_describe_ports(char **, const struct matrix_cell *, size_t,
		     const char *const *, size_t);
static void	 matrix_conclude(char **, const struct matrix_cell *, const char *const *,
		     size_t, const struct matrix_user *, const struct matrix_verdict *);

const char *
matrix_class_name(enum matrix_class c)
{
	if ((unsigned int)c >= MATRIX_CLASS_COUNT)
		fatalx("%s: class %d", __func__, (int)c);
	return (matrix_class_names[c]);
}

const char *
matrix_class_words(enum matrix_class c)
{
	if ((unsigned int)c >= MATRIX_CLASS_COUNT)
		fatalx("%s: class %d", __func__, (int)c);
	return (matrix_class_table_words[c]);
}

const char *
matrix_outcome_name(enum matrix_outcome o)
{
	if ((unsigned int)o >= MATRIX_OUTCOME_COUNT)
		fatalx("%s: outcome %d", __func__, (int)o);
	return (matrix_outcome_names[o]);
}

const char *
matrix_security_words(enum smtp_security s)
{
	return (s == SMTP_SECURITY_TLS ? "SSL/TLS" : s == SMTP_SECURITY_STARTTLS ? "STARTTLS" :
	    "no encryption");
}

enum matrix_class
matrix_cell_classify(const struct smtp_check_result *cr)
{
	const struct smtp_session_result	*s = &cr->session;

	if (cr->no_address)
		return (MATRIX_NO_ADDRESS);
	switch (cr->connect) {
	case NET_CONNECTED:
		break;
	case NET_TIMEOUT:
		return (MATRIX_SILENT);
	case NET_CANCELLED:
		return (MATRIX_NO_GREETING);
	default:
		/* Refused, unreachable, prohibited, or a local error: turned away. */
		return (MATRIX_REFUSED);
	}

	/* RFC 8314 3.3: on an implicit-TLS port the handshake comes before any greeting. */
	if (s->failure == SMTP_FAIL_TLS_FAILED && s->phase == SMTP_PHASE_TLS) {
		switch (s->tls_failure) {
		case TLS_FAIL_TIMEOUT:
			return (MATRIX_NO_GREETING);
		case TLS_FAIL_CLOSED:
			return (MATRIX_RESET);
		case TLS_FAIL_NOT_TLS:
			/* Plain text where TLS was expected: an SMTP server in clear. */
			return (MATRIX_GREETING);
		default:
			return (MATRIX_TLS_ALERT);
		}
	}
	if (s->greeting.code != 220) {
		if (s->failure == SMTP_FAIL_DISCONNECTED)
			return (MATRIX_RESET);
		/* Silence, not SMTP, 421/554 instead of 220, a greeting that never ends. */
		return (MATRIX_NO_GREETING);
	}
	if (s->tls) {
		/* No login was asked for: an unverified certificate still means TLS works. */
		if (s->failure == SMTP_FAIL_NONE || s->failure == SMTP_FAIL_TLS_UNVERIFIED)
			return (MATRIX_WORKS);
		/* The session broke under TLS (EHLO refused, reset, timeout): no use. */
		return (MATRIX_TLS_ALERT);
	}
	switch (s->failure) {
	case SMTP_FAIL_TLS_FAILED:
	case SMTP_FAIL_STARTTLS_INJECTION:
		return (MATRIX_TLS_ALERT);
	default:
		/* STARTTLS not offered or refused, EHLO refused: SMTP, but in clear only. */
		return (MATRIX_GREETING);
	}
}

int
matrix_cell_retry(const struct smtp_check_result *cr, enum smtp_security security,
    enum smtp_security *other)
{
	const struct smtp_session_result	*s = &cr->session;

	if (cr->no_address || cr->connect != NET_CONNECTED)
		return (0);
	if (security == SMTP_SECURITY_TLS && s->failure == SMTP_FAIL_TLS_FAILED &&
	    s->phase == SMTP_PHASE_TLS && s->tls_failure == TLS_FAIL_NOT_TLS) {
		*other = SMTP_SECURITY_STARTTLS;
		return (1);
	}
	if (security != SMTP_SECURITY_TLS && s->failure == SMTP_FAIL_GREETING_TIMEOUT) {
		*other = SMTP_SECURITY_TLS;
		return (2);
	}
	return (0);
}

static int
matrix_port_rank(int port)
{
	size_t	 i;

	for (i = 0; i < sizeof matrix_port_order / sizeof matrix_port_order[0]; i++) {
		if (matrix_port_order[i] == port)
			return ((int)i);
	}
	return ((int)i);
}

/* 1 when a is to be recommended before b. */
static int
matrix_better(const struct matrix_cell *a, const struct matrix_cell *b,
    const struct matrix_user *u)
{
	int	 ua, ub, ra, rb;

	ua = u->host >= 0 && a->host == (size_t)u->host;
	ub = u->host >= 0 && b->host == (size_t)u->host;
	if (ua != ub)
		return (ua);
	if (a->host != b->host)
		return (a->host < b->host);
	if (a->verified != b->verified)
		return (a->verified);
	ra = matrix_port_rank(a->port);
	rb = matrix_port_rank(b->port);
	if (ra != rb)
		return (ra < rb);
	return (a->port < b->port);
}

/*
 * The best working candidate cell: of host only (host >= 0), on 587 or 465 only
 * (submission), or -1.
 */
static int
matrix_pick(const struct matrix_cell *cells, size_t n, const struct matrix_user *u, int host,
    int submission)
{
	size_t	 i;
	int	 best = -1;

	for (i = 0; i < n; i++) {
		const struct matrix_cell	*c = &cells[i];

		if (c->reference || c->class != MATRIX_WORKS)
			continue;
		if (host >= 0 && c->host != (size_t)host)
			continue;
		if (submission && c->port != 587 && c->port != 465)
			continue;
		if (best < 0 || matrix_better(c, &cells[best], u))
			best = (int)i;
	}
	return (best);
}

/*
 * Port 25 is silent or refused towards every host that has an address, references
 * included, and at least two different hosts were tried: one server alone that drops 25
 * may simply not serve it.
 */
static int
matrix_blocked_25(const struct matrix_cell *cells, size_t n)
{
	size_t	 i, first = 0;
	int	 hosts = 0;

	for (i = 0; i < n; i++) {
		const struct matrix_cell	*c = &cells[i];

		if (c->port != 25 || c->class == MATRIX_NO_ADDRESS)
			continue;
		if (c->class != MATRIX_SILENT && c->class != MATRIX_REFUSED)
			return (0);
		if (hosts == 0) {
			first = c->host;
			hosts = 1;
		} else if (c->host != first)
			hosts = 2;
	}
	return (hosts >= 2);
}

void
matrix_verdict_judge(const struct matrix_cell *cells, size_t n, const struct matrix_user *u,
    struct matrix_verdict *v)
{
	size_t	 i;
	int	 any;

	v->best = -1;
	v->user_cell = -1;
	if (u->host >= 0 && u->port > 0) {
		for (i = 0; i < n; i++) {
			if (!cells[i].reference && cells[i].host == (size_t)u->host &&
			    cells[i].port == u->port) {
				v->user_cell = (int)i;
				break;
			}
		}
	}

	if ((any = matrix_pick(cells, n, u, -1, 0)) < 0) {
		v->outcome = MATRIX_NOTHING_WORKS;
		return;
	}
	if (v->user_cell >= 0 && cells[v->user_cell].class == MATRIX_WORKS) {
		v->best = v->user_cell;
		if (!u->security_known || u->security == cells[v->user_cell].security)
			v->outcome = MATRIX_USER_WORKS;
		else
			v->outcome = MATRIX_USE_OTHER_MODE;
		return;
	}
	if (u->port == 25 && matrix_blocked_25(cells, n) &&
	    (v->best = matrix_pick(cells, n, u, -1, 1)) >= 0) {
		v->outcome = MATRIX_ISP_BLOCKS_25;
		return;
	}
	if (u->host >= 0 && (v->best = matrix_pick(cells, n, u, u->host, 0)) >= 0) {
		v->outcome = MATRIX_USE_OTHER_PORT;
		return;
	}
	v->best = any;
	v->outcome = MATRIX_OTHER_HOST_WORKS;
}

static void
matrix_cat(char **s, const char *fmt, ...)
{
	va_list	 ap;
	char	*more, *joined;

	va_start(ap, fmt);
	xvasprintf(&more, fmt, ap);
	va_end(ap);
	xasprintf(&joined, "%s%s", *s, more);
	free(more);
	free(*s);
	*s = joined;
}

/* "25", "465 and 587", "25, 465 and 587". */
static char *
matrix_join_ports(const int *ports, size_t n)
{
	char	*s = xstrdup("");
	size_t	 i;

	for (i = 0; i < n; i++)
		matrix_cat(&s, "%s%d", i == 0 ? "" : i + 1 == n ? " and " : ", ", ports[i]);
	return (s);
}

/*
 * The phrase for one port over the hosts with an address. Working ports: " works", or
 * " works on HOST" when some candidates fail there. Failing ports: the candidates' common
 * class, " towards every host" when the references agree and two hosts or more were
 * tried, the references in brackets when they do not; or each host's result when the
 * candidates differ. Returns 0 when no host with an address was tried on the port.
 */
static int
matrix_phrase(struct matrix_phrase *ph, int port, const struct matrix_cell *cells, size_t n,
    const char *const *hosts, size_t nhosts)
{
	size_t			 i, nc = 0, nr = 0, works = 0;
	enum matrix_class	 cc = MATRIX_CLASS_COUNT, rc = MATRIX_CLASS_COUNT;
	int			 csame = 1, rsame = 1, first;
	char			*where;

	memset(ph, 0, sizeof *ph);
	ph->port = port;
	for (i = 0; i < n; i++) {
		const struct matrix_cell	*c = &cells[i];

		if (c->port != port || c->class == MATRIX_NO_ADDRESS || c->host >= nhosts)
			continue;
		if (c->reference) {
			if (nr++ == 0)
				rc = c->class;
			rsame &= c->class == rc;
		} else {
			if (nc++ == 0)
				cc = c->class;
			csame &= c->class == cc;
			works += c->class == MATRIX_WORKS;
		}
	}
	if (nc + nr == 0)
		return (0);

	if (works > 0) {
		ph->works = 1;
		where = xstrdup("");
		if (works < nc) {
			matrix_cat(&where, " on");
			for (first = 1, i = 0; i < n; i++) {
				if (cells[i].port != port || cells[i].reference ||
				    cells[i].class != MATRIX_WORKS || cells[i].host >= nhosts)
					continue;
				matrix_cat(&where, "%s %s", first ? "" : " and",
				    hosts[cells[i].host]);
				first = 0;
			}
		}
		xasprintf(&ph->one, " works%s", where);
		xasprintf(&ph->many, " work%s", where);
		free(where);
		return (1);
	}

	/* Only references were tried (every candidate lacks an address): they speak. */
	if (nc == 0) {
		cc = rc;
		csame = rsame;
		nc = nr;
		nr = 0;
		rsame = 1;
	}
	if (csame && (nr == 0 || (rsame && rc == cc))) {
		xasprintf(&ph->one, " %s%s", matrix_class_verbs[cc][0],
		    nc + nr >= 2 ? " towards every host" : "");
		xasprintf(&ph->many, " %s%s", matrix_class_verbs[cc][1],
		    nc + nr >= 2 ? " towards every host" : "");
		return (1);
	}
	if (csame) {
		/* The candidates agree; a reference did otherwise (reachable, usually). */
		where = xstrdup("");
		for (first = 1, i = 0; i < n; i++) {
			if (cells[i].port != port || !cells[i].reference ||
			    cells[i].class == MATRIX_NO_ADDRESS || cells[i].host >= nhosts)
				continue;
			matrix_cat(&where, "%s%s: %s", first ? "" : ", ", hosts[cells[i].host],
			    matrix_class_words(cells[i].class));
			first = 0;
		}
		xasprintf(&ph->one, " %s (%s)", matrix_class_verbs[cc][0], where);
		xasprintf(&ph->many, " %s (%s)", matrix_class_verbs[cc][1], where);
		free(where);
		return (1);
	}
	/* The hosts differ: each result with its hosts ("refused on a and b, silent on c"). */
	where = xstrdup(":");
	first = 1;
	for (cc = 0; cc < MATRIX_CLASS_COUNT; cc++) {
		size_t	 k, m, nhere = 0;

		for (i = 0; i < n; i++)
			nhere += cells[i].port == port && cells[i].class == cc &&
			    cc != MATRIX_NO_ADDRESS && cells[i].host < nhosts;
		if (nhere == 0)
			continue;
		matrix_cat(&where, "%s %s on", first ? "" : ",", matrix_class_words(cc));
		first = 0;
		for (k = 0, i = 0; i < n; i++) {
			if (cells[i].port != port || cells[i].class != cc ||
			    cells[i].host >= nhosts)
				continue;
			m = k++;
			matrix_cat(&where, "%s %s", m == 0 ? "" : k == nhere ? " and" : ",",
			    hosts[cells[i].host]);
		}
	}
	ph->one = where;
	ph->many = xstrdup(where);
	return (1);
}

/*
 * Each port's result over the hosts that have an address, ports that read the same
 * grouped ("465 and 587 work; 25 is silent towards every host"): working ports first,
 * then the rest, each group in the order its first port was tried; then the names
 * without an address.
 */
static void
matrix_describe_ports(char **out, const struct matrix_cell *cells, size_t n,
    const char *const *hosts, size_t nhosts)
{
	struct matrix_phrase	*ph;
	int			*group, *done;
	size_t			 nph = 0, ngroup, i, j;
	const char		*sep = "";
	char			*list;
	int			 pass, dup;

	ph = xcalloc(n + 1, sizeof *ph);
	group = xcalloc(n + 1, sizeof *group);
	done = xcalloc(n + 1, sizeof *done);
	for (i = 0; i < n; i++) {
		for (dup = 0, j = 0; j < i; j++)
			dup |= cells[j].port == cells[i].port;
		if (!dup && matrix_phrase(&ph[nph], cells[i].port, cells, n, hosts, nhosts))
			nph++;
	}
	for (pass = 1; pass >= 0; pass--) {
		for (i = 0; i < nph; i++) {
			if (done[i] || ph[i].works != pass)
				continue;
			ngroup = 0;
			for (j = i; j < nph; j++) {
				if (!done[j] && ph[j].works == pass &&
				    strcmp(ph[j].one, ph[i].one) == 0) {
					group[ngroup++] = ph[j].port;
					done[j] = 1;
				}
			}
			list = matrix_join_ports(group, ngroup);
			matrix_cat(out, "%s%s%s", sep, list, ngroup == 1 ? ph[i].one :
			    ph[i].many);
			free(list);
			sep = "; ";
		}
	}
	for (i = 0; i < nph; i++) {
		free(ph[i].one);
		free(ph[i].many);
	}
	free(done);
	free(group);
	free(ph);

	/* Names without an address. */
	for (i = 0; i < nhosts; i++) {
		for (j = 0; j < n; j++) {
			if (cells[j].host == i)
				break;
		}
		if (j < n && cells[j].class == MATRIX_NO_ADDRESS) {
			matrix_cat(out, "%s%s has no address", sep, hosts[i]);
			sep = "; ";
		}
	}
}

/* The conclusion after the pattern: what it means for the user's settings. */
static void
matrix_conclude(char **out, const struct matrix_cell *cells, const char *const *hosts,
    size_t nhosts, const struct matrix_user *u, const struct matrix_verdict *v)
{
	const struct matrix_cell	*b = v->best >= 0 ? &cells[v->best] : NULL;
	const struct matrix_cell	*uc = v->user_cell >= 0 ? &cells[v->user_cell] : NULL;
	const char			*bh, *uh;

	bh = b != NULL && b->host < nhosts ? hosts[b->host] : "?";
	uh = u->host >= 0 && (size_t)u->host < nhosts ? hosts[u->host] : NULL;
	switch (v->outcome) {
	case MATRIX_USER_WORKS:
		matrix_cat(out, ": the setting asked about, %s port %d with %s, works%s", bh, b->port,
		    matrix_security_words(b->security), b->verified ? "" :
		    " (though the certificate did not verify)");
		break;
	case MATRIX_USE_OTHER_MODE:
		matrix_cat(out, ": port %d of %s works with %s, not with %s: switch the "
		    "encryption to %s", b->port, bh, matrix_security_words(b->security),
		    matrix_security_words(u->security), matrix_security_words(b->security));
		break;
	case MATRIX_USE_OTHER_PORT:
		if (uc != NULL)
			matrix_cat(out, ": your port %d %s there; use port %d with %s on %s",
			    uc->port, matrix_class_verbs[uc->class][0], b->port,
			    matrix_security_words(b->security), bh);
		else
			matrix_cat(out, ": use port %d with %s on %s", b->port,
			    matrix_security_words(b->security), bh);
		break;
	case MATRIX_ISP_BLOCKS_25:
		matrix_cat(out, ": your network blocks port 25, which is fine: use port %d with "
		    "%s%s%s", b->port, matrix_security_words(b->security),
		    uh != NULL && b->host == (size_t)u->host ? "" : " on ",
		    uh != NULL && b->host == (size_t)u->host ? "" : bh);
		break;
	case MATRIX_OTHER_HOST_WORKS:
		if (uh != NULL)
			matrix_cat(out, ": %s works on no port, %s does, on port %d with %s", uh,
			    bh, b->port, matrix_security_words(b->security));
		else
			matrix_cat(out, ": use %s, port %d with %s", bh, b->port,
			    matrix_security_words(b->security));
		break;
	case MATRIX_NOTHING_WORKS:
		matrix_cat(out, ": no server answered with working encryption on any port");
		break;
	default:
		fatalx("%s: outcome %d", __func__, (int)v->outcome);
	}
}

char *
matrix_verdict_pattern(const struct matrix_cell *cells, size_t n, const char *const *hosts,
    size_t nhosts, const struct matrix_user *u, const struct matrix_verdict *v)
{
	char	*s = xstrdup("");

	matrix_describe_ports(&s, cells, n, hosts, nhosts);
	if (*s == '\0')
		matrix_cat(&s, "nothing was tried");
	matrix_conclude(&s, cells, hosts, nhosts, u, v);
	return (s);
}
