/* check_net.c: unit tests for the network layer, DNS parsing, port verdicts and the probe registry. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"
#include "net.h"
#include "port-verdict.h"
#include "probe.h"
#include "util.h"

/* ---- net_status_from_errno -------------------------------------------------------------- */

struct errno_case {
	int		 err;
	enum net_status	 want;
};

static const struct errno_case errno_cases[] = {
	{ 0, NET_CONNECTED },
	{ ECONNREFUSED, NET_REFUSED },
	{ ETIMEDOUT, NET_TIMEOUT },
	{ EHOSTUNREACH, NET_UNREACHABLE },
	{ ENETUNREACH, NET_UNREACHABLE },
	{ EHOSTDOWN, NET_UNREACHABLE },
	{ ENONET, NET_UNREACHABLE },
	{ ENETDOWN, NET_UNREACHABLE },
	{ EPERM, NET_PROHIBITED },
	{ EACCES, NET_PROHIBITED },
	{ ECANCELED, NET_CANCELLED },
	{ EINVAL, NET_ERROR },
	{ EMFILE, NET_ERROR },
	{ EAFNOSUPPORT, NET_ERROR },
	{ EADDRNOTAVAIL, NET_ERROR },
	{ ENOMEM, NET_ERROR },
};

START_TEST(test_errno_table)
{
	const struct errno_case	*c = &errno_cases[_i];

	ck_assert_msg(net_status_from_errno(c->err) == c->want, "errno %d: got %s, want %s",
	    c->err, net_status_name(net_status_from_errno(c->err)), net_status_name(c->want));
}
END_TEST

START_TEST(test_rank_order)
{
	/* Best first: the order "best of several attempts" relies on. */
	static const enum net_status order[] = {
		NET_CONNECTED, NET_REFUSED, NET_PROHIBITED, NET_UNREACHABLE, NET_TIMEOUT,
		NET_ERROR, NET_CANCELLED, NET_PENDING
	};
	size_t	 i;

	ck_assert_uint_eq(sizeof order / sizeof order[0], NET_STATUS_COUNT);
	for (i = 1; i < sizeof order / sizeof order[0]; i++)
		ck_assert_msg(net_status_rank(order[i - 1]) > net_status_rank(order[i]),
		    "%s should rank above %s", net_status_name(order[i - 1]),
		    net_status_name(order[i]));
}
END_TEST

START_TEST(test_status_names)
{
	static const char *const want[] = {
		"pending", "connected", "refused", "timeout", "unreachable", "prohibited",
		"cancelled", "error"
	};
	int	 i, j;

	ck_assert_uint_eq(sizeof want / sizeof want[0], NET_STATUS_COUNT);
	for (i = 0; i < NET_STATUS_COUNT; i++) {
		ck_assert_str_eq(net_status_name(i), want[i]);
		ck_assert_ptr_nonnull(net_status_words(i));
		ck_assert_int_gt((int)strlen(net_status_words(i)), 0);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(net_status_name(i), net_status_name(j));
	}
	for (i = 0; i < DNS_STATUS_COUNT; i++) {
		ck_assert_int_gt((int)strlen(dns_status_name(i)), 0);
		ck_assert_int_gt((int)strlen(dns_status_words(i)), 0);
	}
	ck_assert_str_eq(dns_status_name(DNS_NXDOMAIN), "nxdomain");
	ck_assert_str_eq(dns_status_name(DNS_SERVFAIL), "servfail");
}
END_TEST

/* ---- addresses ---------------------------------------------------------------------------- */

struct addr_case {
	const char	*in;
	int		 family;	/* 0: must be refused */
	const char	*text;		/* net_addr_text */
	const char	*plain;		/* net_addr_ntop */
};

static const struct addr_case addr_cases[] = {
	{ "192.0.2.1", AF_INET, "192.0.2.1", "192.0.2.1" },
	{ "127.0.0.1", AF_INET, "127.0.0.1", "127.0.0.1" },
	{ "2001:db8::1", AF_INET6, "[2001:db8::1]", "2001:db8::1" },
	{ "[2001:db8::1]", AF_INET6, "[2001:db8::1]", "2001:db8::1" },
	{ "::1", AF_INET6, "[::1]", "::1" },
	{ "2001:DB8:0:0:0:0:0:10", AF_INET6, "[2001:db8::10]", "2001:db8::10" },
	{ "::ffff:192.0.2.1", AF_INET6, "[::ffff:192.0.2.1]", "::ffff:192.0.2.1" },
	{ "fe80::1%4242", AF_INET6, "[fe80::1%4242]", "fe80::1%4242" },
	{ "", 0, NULL, NULL },
	{ "192.0.2", 0, NULL, NULL },
	{ "192.0.2.1.5", 0, NULL, NULL },
	{ "192.0.2.256", 0, NULL, NULL },
	{ "127.1", 0, NULL, NULL },
	{ "[192.0.2.1]", 0, NULL, NULL },
	{ "[2001:db8::1", 0, NULL, NULL },
	{ "[]", 0, NULL, NULL },
	{ "smtp.example.com", 0, NULL, NULL },
	{ "2001:db8::g", 0, NULL, NULL },
	{ "192.0.2.1:25", 0, NULL, NULL },
	{ " 192.0.2.1", 0, NULL, NULL },
};

START_TEST(test_addr_table)
{
	const struct addr_case	*c = &addr_cases[_i];
	struct sockaddr_storage	 ss;
	char			 buf[128];
	int			 rc;

	rc = net_addr_parse(c->in, &ss);
	if (c->family == 0) {
		ck_assert_msg(rc == -1, "\"%s\" should be refused", c->in);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\" should parse", c->in);
	ck_assert_int_eq(ss.ss_family, c->family);
	ck_assert_str_eq(net_addr_text(&ss, buf, sizeof buf), c->text);
	ck_assert_str_eq(net_addr_ntop(&ss, buf, sizeof buf), c->plain);
	ck_assert_uint_eq(net_addr_len(&ss), c->family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
}
END_TEST

START_TEST(test_addr_port)
{
	struct sockaddr_storage	 ss;
	char			 buf[128];

	ck_assert_int_eq(net_addr_parse("192.0.2.7", &ss), 0);
	net_addr_set_port(&ss, 587);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 587);
	ck_assert_str_eq(net_addr_text(&ss, buf, sizeof buf), "192.0.2.7");

	ck_assert_int_eq(net_addr_parse("[2001:db8::7]", &ss), 0);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 0);
	net_addr_set_port(&ss, 65535);
	ck_assert_uint_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 65535);
	ck_assert_str_eq(net_addr_text(&ss, buf, sizeof buf), "[2001:db8::7]");

	/* A short buffer truncates, never overflows. */
	ck_assert_str_eq(net_addr_text(&ss, buf, 4), "[20");

	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX;
	ck_assert_uint_eq(net_addr_len(&ss), 0);
}
END_TEST

START_TEST(test_connect_nothing)
{
	struct net_target	 t[2];

	/* Zero targets returns at once; an unsupported family fails without a socket. */
	net_connect_many(NULL, 0, 1000, NULL);
	memset(t, 0, sizeof t);
	t[0].addr.ss_family = AF_UNIX;
	t[1].addr.ss_family = AF_UNSPEC;
	net_connect_many(t, 2, 1000, NULL);
	ck_assert_int_eq(t[0].status, NET_ERROR);
	ck_assert_int_eq(t[0].err, EAFNOSUPPORT);
	ck_assert_int_eq(t[1].status, NET_ERROR);
}
END_TEST

/* A loopback listener on a free port; its address in *ss. */
static int
listen_loopback(struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	socklen_t		 len = sizeof *sin;
	int			 fd;

	memset(ss, 0, sizeof *ss);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sin, sizeof *sin), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)sin, &len), 0);
	return (fd);
}

START_TEST(test_connect_race)
{
	struct sockaddr_storage	 open_ss, closed_ss;
	struct net_target	 t[2];
	long long		 start;
	int			 lfd, cfd, fd, won;

	lfd = listen_loopback(&open_ss);
	/* A port nobody listens on: bound, then closed again. */
	cfd = listen_loopback(&closed_ss);
	close(cfd);

	/* The first address works: it wins, the second never has to start. */
	memset(t, 0, sizeof t);
	t[0].addr = open_ss;
	t[1].addr = closed_ss;
	t[0].addrlen = t[1].addrlen = sizeof(struct sockaddr_in);
	won = net_connect_race(t, 2, NET_ATTEMPT_DELAY_MS, 1000, NULL, &fd);
	ck_assert_int_eq(won, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(t[0].status, NET_CONNECTED);
	ck_assert_int_eq(t[1].status, NET_CANCELLED);
	close(fd);

	/*
	 * RFC 8305 5: a refusal starts the next attempt at once, not after the Connection
	 * Attempt Delay (which a huge one here would show).
	 */
	t[0].addr = closed_ss;
	t[1].addr = open_ss;
	start = mono_ms();
	won = net_connect_race(t, 2, 5000, 1000, NULL, &fd);
	ck_assert_int_lt(mono_ms() - start, 1000);
	ck_assert_int_eq(won, 1);
	ck_assert_int_eq(t[0].status, NET_REFUSED);
	ck_assert_int_eq(t[1].status, NET_CONNECTED);
	close(fd);

	/* Nothing connects: -1, and each target says why. */
	t[1].addr = closed_ss;
	won = net_connect_race(t, 2, NET_ATTEMPT_DELAY_MS, 1000, NULL, &fd);
	ck_assert_int_eq(won, -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(t[0].status, NET_REFUSED);
	ck_assert_int_eq(t[1].status, NET_REFUSED);

	/* Cancelled before it starts: nothing is tried. */
	{
		volatile sig_atomic_t	 cancel = 1;

		t[0].addr = open_ss;
		won = net_connect_race(t, 2, NET_ATTEMPT_DELAY_MS, 1000, &cancel, &fd);
		ck_assert_int_eq(won, -1);
		ck_assert_int_eq(t[0].status, NET_CANCELLED);
		ck_assert_int_eq(t[1].status, NET_CANCELLED);
	}
	close(lfd);
}
END_TEST

/* ---- port verdicts ------------------------------------------------------------------------ */

#define UNTESTED	-1	/* ref_state for "no reference host tried" */

struct verdict_case {
	const char		*why;
	enum net_status		 state;		/* S[U] */
	int			 other_open;
	int			 ref;		/* R, or UNTESTED */
	enum port_verdict	 want;
};

static const struct verdict_case verdict_cases[] = {
	/* 1 */
	{ "1 open, references agree", NET_CONNECTED, 1, NET_CONNECTED, PORT_OPEN },
	{ "1 open, only port tried", NET_CONNECTED, 0, UNTESTED, PORT_OPEN },
	{ "1 open while references time out", NET_CONNECTED, 0, NET_TIMEOUT, PORT_OPEN },
	/* 2 */
	{ "2 server dead, reference up", NET_TIMEOUT, 0, NET_CONNECTED,
	    PORT_SERVER_UNREACHABLE },
	{ "2 server refuses all, reference up", NET_REFUSED, 0, NET_CONNECTED,
	    PORT_SERVER_UNREACHABLE },
	{ "2 server unreachable, reference up", NET_UNREACHABLE, 0, NET_CONNECTED,
	    PORT_SERVER_UNREACHABLE },
	{ "2 nothing anywhere", NET_TIMEOUT, 0, NET_TIMEOUT, PORT_NO_NETWORK },
	{ "2 nothing, references refused", NET_REFUSED, 0, NET_REFUSED, PORT_NO_NETWORK },
	{ "2 nothing, no references", NET_TIMEOUT, 0, UNTESTED, PORT_NO_NETWORK },
	{ "2 no route at all", NET_UNREACHABLE, 0, NET_UNREACHABLE, PORT_NO_NETWORK },
	/* 3a */
	{ "3a silent, references connect", NET_TIMEOUT, 1, NET_CONNECTED, PORT_CLOSED },
	{ "3a refused, references connect", NET_REFUSED, 1, NET_CONNECTED, PORT_CLOSED },
	{ "3a prohibited at the server only", NET_PROHIBITED, 1, NET_CONNECTED, PORT_CLOSED },
	/* 3b */
	{ "3b prohibited, no references", NET_PROHIBITED, 1, UNTESTED, PORT_BLOCKED },
	{ "3b prohibited both", NET_PROHIBITED, 1, NET_PROHIBITED, PORT_BLOCKED },
	{ "3b silent, references prohibited", NET_TIMEOUT, 1, NET_PROHIBITED, PORT_BLOCKED },
	{ "3b prohibited, references silent", NET_PROHIBITED, 1, NET_TIMEOUT, PORT_BLOCKED },
	/* 3c */
	{ "3c silent everywhere", NET_TIMEOUT, 1, NET_TIMEOUT, PORT_FILTERED },
	{ "3c silent, no references", NET_TIMEOUT, 1, UNTESTED, PORT_FILTERED },
	/* 3d */
	{ "3d refused everywhere", NET_REFUSED, 1, NET_REFUSED, PORT_BLOCKED },
	{ "3d refused, references unreachable", NET_REFUSED, 1, NET_UNREACHABLE,
	    PORT_BLOCKED },
	{ "3d unreachable, references refused", NET_UNREACHABLE, 1, NET_REFUSED,
	    PORT_BLOCKED },
	{ "3d unreachable everywhere", NET_UNREACHABLE, 1, NET_UNREACHABLE, PORT_BLOCKED },
	/* 3e */
	{ "3e refused, no references", NET_REFUSED, 1, UNTESTED, PORT_CLOSED },
	{ "3e unreachable, no references", NET_UNREACHABLE, 1, UNTESTED, PORT_CLOSED },
	/* 3f */
	{ "3f silent, references refused", NET_TIMEOUT, 1, NET_REFUSED, PORT_FILTERED },
	{ "3f silent, references unreachable", NET_TIMEOUT, 1, NET_UNREACHABLE,
	    PORT_FILTERED },
	{ "3f refused, references silent", NET_REFUSED, 1, NET_TIMEOUT, PORT_FILTERED },
	{ "3f unreachable, references silent", NET_UNREACHABLE, 1, NET_TIMEOUT,
	    PORT_FILTERED },
	{ "3f local error on the port", NET_ERROR, 1, UNTESTED, PORT_FILTERED },
	{ "3f references could not be tried", NET_TIMEOUT, 1, NET_ERROR, PORT_FILTERED },
};

START_TEST(test_verdict_table)
{
	const struct verdict_case	*c = &verdict_cases[_i];
	enum port_verdict		 got;

	got = port_verdict_classify(c->state, c->other_open, c->ref != UNTESTED,
	    c->ref == UNTESTED ? NET_PENDING : (enum net_status)c->ref);
	ck_assert_msg(got == c->want, "%s: got %s, want %s", c->why, port_verdict_name(got),
	    port_verdict_name(c->want));
}
END_TEST

START_TEST(test_verdict_names)
{
	const struct probe	*p = probe_find("port-survey");
	int			 v;

	/* Every verdict is an outcome of the probe, and every outcome a verdict. */
	ck_assert_ptr_nonnull(p);
	for (v = 0; v < PORT_VERDICT_COUNT; v++) {
		ck_assert_str_eq(p->outcomes[v], port_verdict_name(v));
		ck_assert(probe_has_outcome(p, port_verdict_name(v)));
	}
	/* After the verdicts, the one outcome that is not a verdict of its own. */
	ck_assert_str_eq(p->outcomes[PORT_VERDICT_COUNT], "isp-blocks-25");
	ck_assert_str_eq(p->outcomes[PORT_VERDICT_COUNT + 1], "ipv6-broken");
	ck_assert_ptr_null(p->outcomes[PORT_VERDICT_COUNT + 2]);
}
END_TEST

/* ---- reference hosts ---------------------------------------------------------------------- */

struct refhost_case {
	const char	*line;
	const char	*host;		/* NULL: must fail */
	int		 ports[9];	/* 0-terminated */
};

static const struct refhost_case refhost_cases[] = {
	{ "smtp.gmail.com 465 587", "smtp.gmail.com", { 465, 587 } },
	{ "gmail-smtp-in.l.google.com 25", "gmail-smtp-in.l.google.com", { 25 } },
	{ "ref.lab.test", "ref.lab.test", { 25, 465, 587 } },
	{ "  ref.lab.test\t587  ", "ref.lab.test", { 587 } },
	{ "ref.lab.test 587\n", "ref.lab.test", { 587 } },
	{ "ref 587 587 25", "ref", { 587, 25 } },
	{ "192.0.2.1 1 65535", "192.0.2.1", { 1, 65535 } },
	{ "[2001:db8::1] 587", "[2001:db8::1]", { 587 } },
	{ "r 1 2 3 4 5 6 7 8", "r", { 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ "r 1 2 3 4 5 6 7 8 9", NULL, { 0 } },
	{ "r 0", NULL, { 0 } },
	{ "r 65536", NULL, { 0 } },
	{ "r 100000", NULL, { 0 } },
	{ "r 25x", NULL, { 0 } },
	{ "r -25", NULL, { 0 } },
	{ "r +25", NULL, { 0 } },
	{ "r 0x19", NULL, { 0 } },
	{ "", NULL, { 0 } },
	{ "   ", NULL, { 0 } },
	{ "bad\033[2Jhost 25", NULL, { 0 } },
	{ "bad\"host 25", NULL, { 0 } },
};

START_TEST(test_refhost_table)
{
	const struct refhost_case	*c = &refhost_cases[_i];
	struct probe_refhost		 rh;
	char				*cause = NULL;
	size_t				 i, n;
	int				 rc;

	rc = probe_refhost_parse(c->line, &rh, &cause);
	if (c->host == NULL) {
		ck_assert_msg(rc == -1, "\"%s\" should fail", c->line);
		ck_assert_ptr_nonnull(cause);
		ck_assert_ptr_null(strchr(cause, '\033'));
		ck_assert_ptr_null(rh.host);
		free(cause);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\" should parse: %s", c->line, cause);
	ck_assert_str_eq(rh.host, c->host);
	for (n = 0; c->ports[n] != 0; n++)
		continue;
	ck_assert_uint_eq(rh.nports, n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(rh.ports[i], c->ports[i]);
	probe_refhost_free(&rh);
	ck_assert_ptr_null(rh.host);
	ck_assert_uint_eq(rh.nports, 0);
}
END_TEST

/* ---- the probe registry ------------------------------------------------------------------- */

static int
count_strings(const char *const *v)
{
	int	 n = 0;

	while (v[n] != NULL)
		n++;
	return (n);
}

START_TEST(test_registry)
{
	const struct probe *const	*all = probe_all();
	const struct probe		*p;
	int				 n;

	for (n = 0; all[n] != NULL; n++) {
		ck_assert_ptr_eq(probe_find(all[n]->name), all[n]);
		ck_assert_ptr_nonnull(all[n]->run);
		ck_assert_ptr_nonnull(all[n]->summary);
	}
	/* Every probe the default tree names is registered (more may be). */
	ck_assert_int_ge(n, 4);
	ck_assert_ptr_nonnull(probe_find("smtp"));
	ck_assert_ptr_nonnull(probe_find("explain"));
	ck_assert_ptr_null(probe_find("no-such-probe"));
	ck_assert_ptr_null(probe_find(""));
	ck_assert_ptr_null(probe_find(NULL));

	p = probe_find("resolve");
	ck_assert_ptr_eq(p, &probe_resolve);
	ck_assert_int_eq(count_strings(p->outcomes), 6);
	ck_assert_str_eq(p->outcomes[0], "ok");
	ck_assert_str_eq(p->outcomes[1], "nxdomain");
	ck_assert_str_eq(p->outcomes[2], "nodata");
	ck_assert_str_eq(p->outcomes[3], "server-failure");
	ck_assert_str_eq(p->outcomes[4], "timeout");
	ck_assert_str_eq(p->outcomes[5], "resolver-failure");
	ck_assert(!probe_has_outcome(p, "open"));
	ck_assert(!probe_has_outcome(p, NULL));
	ck_assert_str_eq(p->params[0].name, "host");
	ck_assert_int_eq(p->params[0].required, 1);
	ck_assert_ptr_null(p->params[1].name);

	p = probe_find("port-survey");
	ck_assert_ptr_eq(p, &probe_port_survey);
	ck_assert_int_eq(count_strings(p->outcomes), 8);
	ck_assert_str_eq(p->optional[0], "isp-blocks-25");
	ck_assert(probe_has_outcome(p, "open"));
	ck_assert(probe_has_outcome(p, "port-closed"));
	ck_assert(probe_has_outcome(p, "filtered"));
	ck_assert(probe_has_outcome(p, "blocked"));
	ck_assert(probe_has_outcome(p, "server-unreachable"));
	ck_assert(probe_has_outcome(p, "no-network"));
	ck_assert(!probe_has_outcome(p, "ok"));
	ck_assert_str_eq(p->params[0].name, "host");
	ck_assert_int_eq(p->params[0].required, 1);
	ck_assert_str_eq(p->params[1].name, "port");
	ck_assert_int_eq(p->params[1].required, 1);
	ck_assert_str_eq(p->params[2].name, "addresses");
	ck_assert_int_eq(p->params[2].required, 0);
	ck_assert_str_eq(p->params[3].name, "ports");
	ck_assert_int_eq(p->params[3].required, 0);
	ck_assert_ptr_null(p->params[4].name);
}
END_TEST

START_TEST(test_param_get)
{
	static const struct probe_param params[] = {
		{ "host", "smtp.lab.test", 0 },
		{ "port", "", 0 },
		{ "addresses", NULL, 0 },
	};

	ck_assert_str_eq(probe_param_get(params, 3, "host"), "smtp.lab.test");
	ck_assert_ptr_null(probe_param_get(params, 3, "port"));
	ck_assert_ptr_null(probe_param_get(params, 3, "addresses"));
	ck_assert_ptr_null(probe_param_get(params, 3, "ports"));
	ck_assert_ptr_null(probe_param_get(params, 0, "host"));
}
END_TEST

START_TEST(test_result)
{
	struct probe_result	 r;

	probe_result_init(&r);
	ck_assert_ptr_null(r.outcome);
	ck_assert_ptr_null(probe_result_get_fact(&r, "port"));
	probe_result_fact(&r, "port", "%d", 587);
	probe_result_fact(&r, "state", "%s", "refused");
	probe_result_fact(&r, "port", "%d", 465);
	ck_assert_uint_eq(r.nfacts, 2);
	ck_assert_str_eq(probe_result_get_fact(&r, "port"), "465");
	ck_assert_str_eq(probe_result_get_fact(&r, "state"), "refused");

	/* Facts and evidence are sanitised: no terminal escape survives. */
	probe_result_fact(&r, "banner", "%s", "mail\033[2J\r\nevil");
	ck_assert_ptr_null(strchr(probe_result_get_fact(&r, "banner"), '\033'));
	ck_assert_ptr_null(strchr(probe_result_get_fact(&r, "banner"), '\r'));
	probe_result_evidence(&r, "Port %d on %s: %s", 587, "x\033]0;t\007", "connected");
	ck_assert_uint_eq(r.evidence.n, 1);
	ck_assert_ptr_null(strchr(r.evidence.v[0], '\033'));
	ck_assert_ptr_null(strchr(r.evidence.v[0], '\007'));

	/* One transcript line per call, its CRLF dropped, controls escaped. */
	probe_result_transcript(&r, 'C', "EHLO sendfix\r\n", 14);
	probe_result_transcript(&r, 'S', "250 ok\033[1m\r\n", 12);
	ck_assert_uint_eq(r.transcript.n, 2);
	ck_assert_str_eq(r.transcript.v[0], "C: EHLO sendfix");
	ck_assert(strncmp(r.transcript.v[1], "S: 250 ok", 9) == 0);
	ck_assert_ptr_null(strchr(r.transcript.v[1], '\033'));

	probe_result_free(&r);
	ck_assert_uint_eq(r.nfacts, 0);
	ck_assert_ptr_null(r.facts);
	ck_assert_uint_eq(r.evidence.n, 0);
	probe_result_free(&r);		/* twice is harmless */
}
END_TEST

/* Parameter errors are operational errors (-1 with a cause), found before any network use. */
START_TEST(test_probe_bad_params)
{
	static const struct probe_param	 no_host[] = { { "host", "", 0 } };
	static const struct probe_param	 bad_port[] = {
		{ "host", "192.0.2.1", 0 }, { "port", "58x7", 0 }
	};
	static const struct probe_param	 zero_port[] = {
		{ "host", "192.0.2.1", 0 }, { "port", "0", 0 }
	};
	static const struct probe_param	 bad_ports[] = {
		{ "host", "192.0.2.1", 0 }, { "port", "587", 0 }, { "ports", "25 smtp", 0 }
	};
	static const struct probe_param	 bad_addrs[] = {
		{ "host", "192.0.2.1", 0 }, { "port", "587", 0 }, { "addresses", "192.0.2.1 nope", 0 }
	};
	static const struct probe_param	 bad_name[] = { { "host", "smtp..lab.test", 0 } };
	struct probe_env		 env;
	struct probe_result		 r;
	char				*cause;

	memset(&env, 0, sizeof env);
	env.timeout_ms = 1000;
	env.resolver = "127.0.0.1:1";	/* never asked: every case fails before a query */

#define BAD(probe, params) do {							\
	cause = NULL;								\
	probe_result_init(&r);							\
	ck_assert_int_eq((probe).run(&env, params,				\
	    sizeof params / sizeof params[0], &r, &cause), -1);			\
	ck_assert_ptr_nonnull(cause);						\
	free(cause);								\
	probe_result_free(&r);							\
} while (0)
	BAD(probe_resolve, no_host);
	BAD(probe_resolve, bad_name);
	BAD(probe_port_survey, no_host);
	BAD(probe_port_survey, bad_port);
	BAD(probe_port_survey, zero_port);
	BAD(probe_port_survey, bad_ports);
	BAD(probe_port_survey, bad_addrs);
#undef BAD
}
END_TEST

/* An address literal is "resolved" without a query, so this runs without any network. */
START_TEST(test_resolve_literal)
{
	static const struct probe_param	 params[] = { { "host", "2001:db8::25", 0 } };
	struct probe_env		 env;
	struct probe_result		 r;
	char				*cause = NULL;

	memset(&env, 0, sizeof env);
	env.timeout_ms = 1000;
	probe_result_init(&r);
	ck_assert_int_eq(probe_resolve.run(&env, params, 1, &r, &cause), 0);
	ck_assert_str_eq(r.outcome, "ok");
	ck_assert_str_eq(r.target, "2001:db8::25");
	ck_assert_str_eq(probe_result_get_fact(&r, "addresses"), "2001:db8::25");
	ck_assert_str_eq(probe_result_get_fact(&r, "address-count"), "1");
	ck_assert_str_eq(probe_result_get_fact(&r, "ipv4"), "");
	ck_assert_str_eq(probe_result_get_fact(&r, "ipv6"), "2001:db8::25");
	ck_assert_str_eq(probe_result_get_fact(&r, "resolver"), "system");
	ck_assert_ptr_nonnull(probe_result_get_fact(&r, "elapsed-ms"));
	probe_result_free(&r);
}
END_TEST

/* ---- DNS: resolver text, names, canned replies ---------------------------------------------- */

struct resolver_case {
	const char	*in;
	int		 ok;
};

static const struct resolver_case resolver_cases[] = {
	{ "127.0.0.53", 1 },
	{ "127.0.0.53:5353", 1 },
	{ "192.0.2.1:1", 1 },
	{ "192.0.2.1:65535", 1 },
	{ "::1", 1 },
	{ "2001:db8::53", 1 },
	{ "[::1]", 1 },
	{ "[::1]:5353", 1 },
	{ "[fe80::1%7]:53", 1 },
	{ "", 0 },
	{ "dns.example", 0 },
	{ "dns.example:53", 0 },
	{ "192.0.2.1:", 0 },
	{ "192.0.2.1:0", 0 },
	{ "192.0.2.1:65536", 0 },
	{ "192.0.2.1:053x", 0 },
	{ "192.0.2.1:-1", 0 },
	{ "192.0.2.1:53:53", 0 },
	{ "[192.0.2.1]:53", 0 },
	{ "[::1]53", 0 },
	{ "[::1]:", 0 },
	{ "[::1", 0 },
	{ "127.1", 0 },
};

START_TEST(test_resolver_table)
{
	const struct resolver_case	*c = &resolver_cases[_i];
	char				*cause = NULL;
	int				 rc;

	rc = dns_resolver_check(c->in, &cause);
	if (c->ok)
		ck_assert_msg(rc == 0, "\"%s\" should be accepted: %s", c->in, cause);
	else {
		ck_assert_msg(rc == -1, "\"%s\" should be refused", c->in);
		ck_assert_ptr_nonnull(cause);
	}
	free(cause);
}
END_TEST

START_TEST(test_resolve_without_query)
{
	struct dns_config	 cfg = { "127.0.0.1:1", 1000 };
	struct dns_host		 h;
	char			*cause = NULL, longname[400];

	ck_assert_int_eq(dns_resolve_host(&cfg, "192.0.2.25", &h, &cause), 0);
	ck_assert_int_eq(h.literal, 1);
	ck_assert_int_eq(h.status, DNS_OK);
	ck_assert_int_eq(h.status_a, DNS_OK);
	ck_assert_int_eq(h.status_aaaa, DNS_NODATA);
	ck_assert_uint_eq(h.naddrs, 1);
	ck_assert_int_eq(h.addrs[0].ss_family, AF_INET);
	dns_host_free(&h);

	ck_assert_int_eq(dns_resolve_host(&cfg, "[2001:db8::25]", &h, &cause), 0);
	ck_assert_int_eq(h.literal, 1);
	ck_assert_int_eq(h.status_a, DNS_NODATA);
	ck_assert_int_eq(h.status_aaaa, DNS_OK);
	dns_host_free(&h);

	/* Names DNS cannot carry are refused before anything is sent. */
	ck_assert_int_eq(dns_resolve_host(&cfg, "", &h, &cause), -1);
	free(cause);
	ck_assert_int_eq(dns_resolve_host(&cfg, "a..b", &h, &cause), -1);
	free(cause);
	ck_assert_int_eq(dns_resolve_host(&cfg, ".example", &h, &cause), -1);
	free(cause);
	memset(longname, 'a', 70);
	strcpy(longname + 70, ".example");
	ck_assert_int_eq(dns_resolve_host(&cfg, longname, &h, &cause), -1);
	free(cause);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	for (size_t i = 50; i < sizeof longname - 1; i += 51)
		longname[i] = '.';
	ck_assert_int_eq(dns_resolve_host(&cfg, longname, &h, &cause), -1);
	free(cause);

	/* A bad resolver is refused too. */
	cfg.resolver = "dns.example";
	ck_assert_int_eq(dns_resolve_host(&cfg, "smtp.lab.test", &h, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "dns.example"));
	free(cause);
}
END_TEST

START_TEST(test_dns_combine)
{
	ck_assert_int_eq(dns_status_combine(DNS_OK, DNS_TIMEOUT), DNS_OK);
	ck_assert_int_eq(dns_status_combine(DNS_NODATA, DNS_NXDOMAIN), DNS_NXDOMAIN);
	ck_assert_int_eq(dns_status_combine(DNS_NXDOMAIN, DNS_SERVFAIL), DNS_NXDOMAIN);
	ck_assert_int_eq(dns_status_combine(DNS_SERVFAIL, DNS_NODATA), DNS_NODATA);
	ck_assert_int_eq(dns_status_combine(DNS_TIMEOUT, DNS_SERVFAIL), DNS_SERVFAIL);
	ck_assert_int_eq(dns_status_combine(DNS_REFUSED, DNS_TIMEOUT), DNS_REFUSED);
	ck_assert_int_eq(dns_status_combine(DNS_ERROR, DNS_TIMEOUT), DNS_TIMEOUT);
	ck_assert_int_eq(dns_status_combine(DNS_ERROR, DNS_ERROR), DNS_ERROR);
}
END_TEST

/* A small DNS message builder for canned replies. */
struct pkt {
	unsigned char	 b[2048];
	size_t		 len;
};

static void
pkt_put(struct pkt *p, const void *data, size_t len)
{
	ck_assert_uint_le(p->len + len, sizeof p->b);
	memcpy(p->b + p->len, data, len);
	p->len += len;
}

static void
pkt_u16(struct pkt *p, unsigned v)
{
	unsigned char	 b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	pkt_put(p, b, 2);
}

/* Header (QR set, RD, RA, given RCODE and AA), one question for "smtp.lab.test" type qtype. */
static void
pkt_start(struct pkt *p, int rcode, int aa, unsigned an, unsigned ns, unsigned ar,
    unsigned qtype)
{
	static const unsigned char name[] = "\004smtp\003lab\004test";

	p->len = 0;
	pkt_u16(p, 0x1234);
	pkt_u16(p, 0x8000 | (aa ? 0x0400 : 0) | 0x0100 | 0x0080 | (unsigned)rcode);
	pkt_u16(p, 1);
	pkt_u16(p, an);
	pkt_u16(p, ns);
	pkt_u16(p, ar);
	pkt_put(p, name, sizeof name);		/* with its terminating 0 */
	pkt_u16(p, qtype);
	pkt_u16(p, ns_c_in);
}

/* A record owned by the question name (pointer to offset 12). */
static void
pkt_rr(struct pkt *p, unsigned type, unsigned class, unsigned rdlen, const void *rdata,
    size_t have)
{
	pkt_u16(p, 0xc00c);
	pkt_u16(p, type);
	pkt_u16(p, class);
	pkt_u16(p, 0);
	pkt_u16(p, 300);
	pkt_u16(p, rdlen);
	pkt_put(p, rdata, have);
}

static const unsigned char a1[4] = { 192, 0, 2, 10 };
static const unsigned char a2[4] = { 192, 0, 2, 11 };
static const unsigned char aaaa1[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0x10 };

static char *
pkt_addrs(const struct pkt *p, size_t len, int type, size_t *count)
{
	struct sockaddr_storage	*addrs = NULL;
	size_t			 n = 0, i, got;
	char			*out = xstrdup(""), *tmp, buf[128];

	got = dns_parse_addrs(p->b, len, type, &addrs, &n);
	ck_assert_uint_eq(got, n);
	for (i = 0; i < n; i++) {
		xasprintf(&tmp, "%s%s%s", out, i ? " " : "", net_addr_ntop(&addrs[i], buf,
		    sizeof buf));
		free(out);
		out = tmp;
	}
	free(addrs);
	*count = n;
	return (out);
}

START_TEST(test_parse_answers)
{
	struct pkt	 p;
	char		*s;
	size_t		 n;
	unsigned char	 cname[] = "\005other\003lab\004test";

	/* Two A records. */
	pkt_start(&p, ns_r_noerror, 0, 2, 0, 0, ns_t_a);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a2, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10 192.0.2.11");
	free(s);
	/* The same asked as AAAA finds nothing. */
	s = pkt_addrs(&p, p.len, ns_t_aaaa, &n);
	ck_assert_uint_eq(n, 0);
	free(s);

	/* AAAA, and a CNAME chain in front of an A record. */
	pkt_start(&p, ns_r_noerror, 0, 1, 0, 0, ns_t_aaaa);
	pkt_rr(&p, ns_t_aaaa, ns_c_in, 16, aaaa1, 16);
	s = pkt_addrs(&p, p.len, ns_t_aaaa, &n);
	ck_assert_str_eq(s, "2001:db8::10");
	free(s);
	pkt_start(&p, ns_r_noerror, 0, 2, 0, 0, ns_t_a);
	pkt_rr(&p, ns_t_cname, ns_c_in, sizeof cname, cname, sizeof cname);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);

	/* Row 31: an A with rdlength 3 is skipped, the next one kept. */
	pkt_start(&p, ns_r_noerror, 0, 2, 0, 0, ns_t_a);
	pkt_rr(&p, ns_t_a, ns_c_in, 3, a2, 3);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);
	/* An AAAA of 4 bytes, a class CH record: skipped. */
	pkt_start(&p, ns_r_noerror, 0, 3, 0, 0, ns_t_aaaa);
	pkt_rr(&p, ns_t_aaaa, ns_c_in, 4, a1, 4);
	pkt_rr(&p, ns_t_aaaa, ns_c_chaos, 16, aaaa1, 16);
	pkt_rr(&p, ns_t_aaaa, ns_c_in, 16, aaaa1, 16);
	s = pkt_addrs(&p, p.len, ns_t_aaaa, &n);
	ck_assert_str_eq(s, "2001:db8::10");
	free(s);

	/* Row 31: ancount 65535 with one record: the valid one is kept. */
	pkt_start(&p, ns_r_noerror, 0, 65535, 0, 0, ns_t_a);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);
	/* Row 31: a second record whose rdlength runs past the end. */
	pkt_start(&p, ns_r_noerror, 0, 2, 0, 0, ns_t_a);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	pkt_rr(&p, ns_t_a, ns_c_in, 200, a2, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);
	/* Counts that lie in the other sections too. */
	pkt_start(&p, ns_r_noerror, 0, 1, 9, 9, ns_t_a);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);

	/* Row 30: an owner name that points at itself, then a good record. */
	pkt_start(&p, ns_r_noerror, 0, 2, 0, 0, ns_t_a);
	pkt_u16(&p, 0xc000 | (unsigned)p.len);
	pkt_u16(&p, ns_t_a);
	pkt_u16(&p, ns_c_in);
	pkt_u16(&p, 0);
	pkt_u16(&p, 300);
	pkt_u16(&p, 4);
	pkt_put(&p, a2, 4);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);
	/* A pointer past the end of the message. */
	pkt_start(&p, ns_r_noerror, 0, 2, 0, 0, ns_t_a);
	pkt_u16(&p, 0xc000 | 0x3fff);
	pkt_u16(&p, ns_t_a);
	pkt_u16(&p, ns_c_in);
	pkt_u16(&p, 0);
	pkt_u16(&p, 300);
	pkt_u16(&p, 4);
	pkt_put(&p, a2, 4);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_str_eq(s, "192.0.2.10");
	free(s);

	/* Truncated messages: inside the header, inside the question, inside a record. */
	pkt_start(&p, ns_r_noerror, 0, 1, 0, 0, ns_t_a);
	pkt_rr(&p, ns_t_a, ns_c_in, 4, a1, 4);
	s = pkt_addrs(&p, 5, ns_t_a, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
	s = pkt_addrs(&p, 20, ns_t_a, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
	s = pkt_addrs(&p, p.len - 1, ns_t_a, &n);
	ck_assert_uint_eq(n, 0);
	free(s);
}
END_TEST

START_TEST(test_parse_many)
{
	struct pkt	 p;
	char		*s;
	size_t		 n, i;
	unsigned char	 a[4] = { 198, 51, 100, 0 };

	/* Row 61 in spirit: 100 records give a bounded number of addresses. */
	pkt_start(&p, ns_r_noerror, 0, 100, 0, 0, ns_t_a);
	for (i = 0; i < 100; i++) {
		a[3] = (unsigned char)i;
		pkt_rr(&p, ns_t_a, ns_c_in, 4, a, 4);
	}
	s = pkt_addrs(&p, p.len, ns_t_a, &n);
	ck_assert_uint_eq(n, 32);
	free(s);
}
END_TEST

struct reply_case {
	const char	*why;
	int		 rcode, aa;
	unsigned	 an, ns;
	int		 qr;
	const char	*name;		/* asked */
	unsigned	 type;		/* asked */
	int		 want;		/* -1, or an enum dns_status */
};

static const struct reply_case reply_cases[] = {
	{ "nxdomain", ns_r_nxdomain, 1, 0, 1, 1, "smtp.lab.test", ns_t_a, DNS_NXDOMAIN },
	{ "servfail", ns_r_servfail, 0, 0, 0, 1, "smtp.lab.test", ns_t_a, DNS_SERVFAIL },
	{ "refused", ns_r_refused, 0, 0, 0, 1, "smtp.lab.test", ns_t_a, DNS_REFUSED },
	{ "notimp", ns_r_notimpl, 0, 0, 0, 1, "smtp.lab.test", ns_t_a, DNS_REFUSED },
	{ "formerr", ns_r_formerr, 0, 0, 0, 1, "smtp.lab.test", ns_t_a, DNS_REFUSED },
	{ "nodata with soa", ns_r_noerror, 0, 0, 1, 1, "smtp.lab.test", ns_t_a, DNS_NODATA },
	{ "nodata authoritative", ns_r_noerror, 1, 0, 0, 1, "smtp.lab.test", ns_t_a,
	    DNS_NODATA },
	{ "name case differs", ns_r_nxdomain, 1, 0, 1, 1, "SMTP.Lab.TEST", ns_t_a,
	    DNS_NXDOMAIN },
	{ "trailing dot", ns_r_nxdomain, 1, 0, 1, 1, "smtp.lab.test.", ns_t_a, DNS_NXDOMAIN },
	{ "not a response", ns_r_nxdomain, 1, 0, 1, 0, "smtp.lab.test", ns_t_a, -1 },
	{ "other name", ns_r_nxdomain, 1, 0, 1, 1, "smtp.lab.tes", ns_t_a, -1 },
	{ "longer name", ns_r_nxdomain, 1, 0, 1, 1, "x.smtp.lab.test", ns_t_a, -1 },
	{ "other type", ns_r_nxdomain, 1, 0, 1, 1, "smtp.lab.test", ns_t_aaaa, -1 },
};

START_TEST(test_reply_status)
{
	const struct reply_case	*c = &reply_cases[_i];
	struct pkt		 p;
	enum dns_status		 status = DNS_OK;
	int			 rc;

	pkt_start(&p, c->rcode, c->aa, c->an, c->ns, 0, ns_t_a);
	if (!c->qr)
		p.b[2] &= 0x7f;
	if (c->ns > 0)
		pkt_rr(&p, ns_t_soa, ns_c_in, 0, "", 0);
	if (c->aa == 0 && c->ns == 0 && c->rcode == ns_r_noerror)
		p.b[3] &= 0x7f;		/* no RA either: a lame answer */
	rc = dns_reply_status(p.b, p.len, c->name, (int)c->type, &status);
	if (c->want == -1) {
		ck_assert_msg(rc == -1, "%s: should not count as a reply", c->why);
		return;
	}
	ck_assert_msg(rc == 0, "%s: should count as a reply", c->why);
	ck_assert_msg((int)status == c->want, "%s: got %s", c->why, dns_status_name(status));
}
END_TEST

START_TEST(test_reply_lame)
{
	struct pkt	 p;
	enum dns_status	 status;

	/* Neither AA nor RA, nothing in any section: glibc moves on, so do we. */
	pkt_start(&p, ns_r_noerror, 0, 0, 0, 0, ns_t_a);
	p.b[3] &= 0x7f;
	ck_assert_int_eq(dns_reply_status(p.b, p.len, "smtp.lab.test", ns_t_a, &status), 0);
	ck_assert_int_eq(status, DNS_REFUSED);
	/* A zeroed buffer (no reply came) and short buffers are not replies. */
	memset(p.b, 0, sizeof p.b);
	ck_assert_int_eq(dns_reply_status(p.b, sizeof p.b, "smtp.lab.test", ns_t_a, &status),
	    -1);
	pkt_start(&p, ns_r_nxdomain, 1, 0, 0, 0, ns_t_a);
	ck_assert_int_eq(dns_reply_status(p.b, 11, "smtp.lab.test", ns_t_a, &status), -1);
	ck_assert_int_eq(dns_reply_status(p.b, p.len - 1, "smtp.lab.test", ns_t_a, &status),
	    -1);
}
END_TEST

static Suite *
net_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("net");

	tc = tcase_create("status");
	tcase_add_loop_test(tc, test_errno_table, 0,
	    (int)(sizeof errno_cases / sizeof errno_cases[0]));
	tcase_add_test(tc, test_rank_order);
	tcase_add_test(tc, test_status_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("address");
	tcase_add_loop_test(tc, test_addr_table, 0,
	    (int)(sizeof addr_cases / sizeof addr_cases[0]));
	tcase_add_test(tc, test_addr_port);
	tcase_add_test(tc, test_connect_nothing);
	tcase_add_test(tc, test_connect_race);
	suite_add_tcase(s, tc);

	tc = tcase_create("verdict");
	tcase_add_loop_test(tc, test_verdict_table, 0,
	    (int)(sizeof verdict_cases / sizeof verdict_cases[0]));
	tcase_add_test(tc, test_verdict_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("refhost");
	tcase_add_loop_test(tc, test_refhost_table, 0,
	    (int)(sizeof refhost_cases / sizeof refhost_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("registry");
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_param_get);
	tcase_add_test(tc, test_result);
	tcase_add_test(tc, test_probe_bad_params);
	tcase_add_test(tc, test_resolve_literal);
	suite_add_tcase(s, tc);

	tc = tcase_create("dns");
	tcase_add_loop_test(tc, test_resolver_table, 0,
	    (int)(sizeof resolver_cases / sizeof resolver_cases[0]));
	tcase_add_test(tc, test_resolve_without_query);
	tcase_add_test(tc, test_dns_combine);
	tcase_add_test(tc, test_parse_answers);
	tcase_add_test(tc, test_parse_many);
	tcase_add_loop_test(tc, test_reply_status, 0,
	    (int)(sizeof reply_cases / sizeof reply_cases[0]));
	tcase_add_test(tc, test_reply_lame);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(net_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
