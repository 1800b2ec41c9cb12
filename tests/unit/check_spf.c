/* check_spf.c: unit tests for the SPF evaluator over an in-memory zone, and record proposals. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net.h"
#include "spf.h"
#include "util.h"

/*
 * The fake zone: one row per record. Type "FAIL" makes questions of type data at name
 * fail (data "TXT:error", "A:timeout"...). A name with no row is NXDOMAIN, a name with rows
 * of other types only is NODATA.
 */
struct zrr {
	const char	*name;
	const char	*type;		/* "TXT", "A", "AAAA", "MX", "PTR", "FAIL" */
	const char	*data;
};

struct zone {
	const struct zrr	*rr;
	size_t			 n;
	unsigned int		 queries;
};

static enum spf_dns_status	 zone_find(struct zone *, const char *, const char *,
				     struct strlist *);
static enum spf_dns_status	 zone_txt(void *, const char *, struct strlist *);
static enum spf_dns_status	 zone_addr(void *, const char *, int,
				     struct sockaddr_storage **, size_t *);
static enum spf_dns_status	 zone_mx(void *, const char *, struct strlist *);
static enum spf_dns_status	 zone_ptr(void *, const struct sockaddr_storage *,
				     struct strlist *);
static void			 check(const char *, const char *, const char *, int,
				     struct spf_check *);

#define H(n)	{ n, "A", "203.0.113.99" }
static const struct zrr zone_rows[] = {
	/* ip4, ip6 and CIDR edges */
	{ "ip4.example", "TXT", "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "host.example", "TXT", "v=spf1 ip4:192.0.2.7 ~all" },
	{ "cidr0.example", "TXT", "v=spf1 ip4:0.0.0.0/0 -all" },
	{ "cidr31.example", "TXT", "v=spf1 ip4:192.0.2.6/31 -all" },
	{ "cidr25.example", "TXT", "v=spf1 ip4:192.0.2.130/25 -all" },
	{ "cidr32.example", "TXT", "v=spf1 ip4:192.0.2.255/32 -all" },
	{ "qual.example", "TXT",
	    "v=spf1 -ip4:192.0.2.1 ~ip4:192.0.2.2 ?ip4:192.0.2.3 +ip4:192.0.2.4 ip4:192.0.2.5" },
	{ "ip6.example", "TXT", "v=spf1 ip6:2001:db8::/32 -all" },
	{ "ip6-64.example", "TXT", "v=spf1 ip6:2001:db8:1:2::/64 ip4:192.0.2.0/24 -all" },
	{ "ip6-0.example", "TXT", "v=spf1 ip6:::/0 -all" },
	{ "ip6-host.example", "TXT", "v=spf1 ip6:2001:db8::1 -all" },
	{ "case.example", "TXT", "V=SpF1 IP4:192.0.2.0/24 -ALL" },

	/* a and mx, with dual CIDR */
	{ "a.example", "TXT", "v=spf1 a -all" },
	{ "a.example", "A", "192.0.2.10" },
	{ "a.example", "AAAA", "2001:db8::10" },
	{ "a-cidr.example", "TXT", "v=spf1 a:host.a.example/24//64 -all" },
	{ "a-cidr6.example", "TXT", "v=spf1 a:host.a.example//64 -all" },
	{ "host.a.example", "A", "198.51.100.1" },
	{ "host.a.example", "AAAA", "2001:db8:5::1" },
	{ "mx.example", "TXT", "v=spf1 mx -all" },
	{ "mx.example", "MX", "mail1.mx.example" },
	{ "mx.example", "MX", "mail2.mx.example" },
	{ "mail1.mx.example", "A", "192.0.2.20" },
	{ "mail2.mx.example", "A", "192.0.2.21" },
	{ "mail2.mx.example", "AAAA", "2001:db8::21" },
	{ "mx-cidr.example", "TXT", "v=spf1 mx:mx.example/30 -all" },
	{ "mx-null.example", "TXT", "v=spf1 mx -all" },
	{ "mx-null.example", "MX", "." },
	{ "mx11.example", "TXT", "v=spf1 mx -all" },
	{ "mx11.example", "MX", "m1.mx11.example" }, { "mx11.example", "MX", "m2.mx11.example" },
	{ "mx11.example", "MX", "m3.mx11.example" }, { "mx11.example", "MX", "m4.mx11.example" },
	{ "mx11.example", "MX", "m5.mx11.example" }, { "mx11.example", "MX", "m6.mx11.example" },
	{ "mx11.example", "MX", "m7.mx11.example" }, { "mx11.example", "MX", "m8.mx11.example" },
	{ "mx11.example", "MX", "m9.mx11.example" }, { "mx11.example", "MX", "m10.mx11.example" },
	{ "mx11.example", "MX", "m11.mx11.example" },
	{ "m1.mx11.example", "A", "192.0.2.1" },
	{ "mx10.example", "TXT", "v=spf1 mx -all" },
	{ "mx10.example", "MX", "m1.mx10.example" }, { "mx10.example", "MX", "m2.mx10.example" },
	{ "mx10.example", "MX", "m3.mx10.example" }, { "mx10.example", "MX", "m4.mx10.example" },
	{ "mx10.example", "MX", "m5.mx10.example" }, { "mx10.example", "MX", "m6.mx10.example" },
	{ "mx10.example", "MX", "m7.mx10.example" }, { "mx10.example", "MX", "m8.mx10.example" },
	{ "mx10.example", "MX", "m9.mx10.example" }, { "mx10.example", "MX", "m10.mx10.example" },
	{ "m10.mx10.example", "A", "192.0.2.110" },
	{ "mx-temp.example", "TXT", "v=spf1 mx -all" },
	{ "mx-temp.example", "FAIL", "MX:timeout" },

	/* include: the RFC 7208 5.2 table */
	{ "inc-pass.example", "TXT", "v=spf1 include:ip4.example -all" },
	{ "inc-neutral.example", "TXT", "v=spf1 include:neutral.example -all" },
	{ "neutral.example", "TXT", "v=spf1 ?all" },
	{ "inc-soft.example", "TXT", "v=spf1 include:soft.example ?all" },
	{ "soft.example", "TXT", "v=spf1 ~all" },
	{ "inc-none.example", "TXT", "v=spf1 include:nospf.example -all" },
	{ "nospf.example", "TXT", "google-site-verification=abc" },
	{ "inc-nx.example", "TXT", "v=spf1 include:nowhere.example -all" },
	{ "inc-temp.example", "TXT", "v=spf1 include:temp.example -all" },
	{ "temp.example", "FAIL", "TXT:error" },
	{ "inc-perm.example", "TXT", "v=spf1 include:broken.example -all" },
	{ "broken.example", "TXT", "v=spf1 ip4:192.0.2.300 -all" },
	{ "google.example", "TXT", "v=spf1 include:_spf.google.example ~all" },
	{ "_spf.google.example", "TXT", "v=spf1 ip4:209.85.128.0/17 ~all" },

	/* redirect */
	{ "redir.example", "TXT", "v=spf1 redirect=ip4.example" },
	{ "redir-all.example", "TXT", "v=spf1 ?all redirect=ip4.example" },
	{ "redir-none.example", "TXT", "v=spf1 redirect=nospf.example" },
	{ "redir-first.example", "TXT", "v=spf1 redirect=ip4.example ip4:198.51.100.0/24" },
	{ "redir-loop.example", "TXT", "v=spf1 redirect=redir-loop.example" },
	{ "redir-neutral.example", "TXT", "v=spf1 redirect=bare.example" },

	/* exists with macros */
	{ "exists.example", "TXT", "v=spf1 exists:%{ir}.%{l1r-}.lp._spf.%{d} -all" },
	{ "5.2.0.192.strong.lp._spf.exists.example", "A", "127.0.0.2" },
	{ "exists6.example", "TXT", "v=spf1 exists:%{ir}.%{v}.x.%{d2} -all" },
	{ "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.x.exists6.example",
	    "A", "127.0.0.2" },

	/* record selection */
	{ "two.example", "TXT", "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "two.example", "TXT", "v=spf1 include:_spf.google.example ~all" },
	{ "mixed.example", "TXT", "google-site-verification=xyz" },
	{ "mixed.example", "TXT", "v=spf10 +all" },
	{ "mixed.example", "TXT", "v=spf1 -all" },
	{ "mixed.example", "TXT", "spf1 +all" },
	{ "bare.example", "TXT", "v=spf1" },
	{ "none.example", "TXT", "hello" },
	{ "nodata.example", "A", "192.0.2.1" },
	{ "txt-fail.example", "FAIL", "TXT:error" },
	{ "txt-timeout.example", "FAIL", "TXT:timeout" },

	/* modifiers */
	{ "mod.example", "TXT", "v=spf1 foo=bar%{d} ip4:192.0.2.0/24 exp=explain.%{d} -all" },

	/* lookup limits */
	{ "lim10.example", "TXT", "v=spf1 a:h.lim.example a:h.lim.example a:h.lim.example "
	    "a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example "
	    "a:h.lim.example a:h.lim.example ip4:192.0.2.0/24 -all" },
	{ "lim11.example", "TXT", "v=spf1 a:h.lim.example a:h.lim.example a:h.lim.example "
	    "a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example "
	    "a:h.lim.example a:h.lim.example a:h.lim.example ip4:192.0.2.0/24 -all" },
	{ "lim-lazy.example", "TXT", "v=spf1 ip4:192.0.2.0/24 a:h.lim.example a:h.lim.example "
	    "a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example "
	    "a:h.lim.example a:h.lim.example a:h.lim.example a:h.lim.example -all" },
	H("h.lim.example"),
	{ "chain1.example", "TXT", "v=spf1 include:chain2.example -all" },
	{ "chain2.example", "TXT", "v=spf1 include:chain3.example -all" },
	{ "chain3.example", "TXT", "v=spf1 include:chain4.example -all" },
	{ "chain4.example", "TXT", "v=spf1 include:chain5.example -all" },
	{ "chain5.example", "TXT", "v=spf1 include:chain6.example -all" },
	{ "chain6.example", "TXT", "v=spf1 include:chain7.example -all" },
	{ "chain7.example", "TXT", "v=spf1 include:chain8.example -all" },
	{ "chain8.example", "TXT", "v=spf1 include:chain9.example -all" },
	{ "chain9.example", "TXT", "v=spf1 include:chain10.example -all" },
	{ "chain10.example", "TXT", "v=spf1 include:chain11.example -all" },
	{ "chain11.example", "TXT", "v=spf1 include:chain12.example -all" },
	{ "chain12.example", "TXT", "v=spf1 ip4:192.0.2.0/24 -all" },
	{ "void2.example", "TXT", "v=spf1 a:nx1.example mx:nodata.example ip4:192.0.2.0/24 -all" },
	{ "void3.example", "TXT",
	    "v=spf1 a:nx1.example a:nx2.example exists:nx3.example ip4:192.0.2.0/24 -all" },
	{ "loop-a.example", "TXT", "v=spf1 include:loop-b.example -all" },
	{ "loop-b.example", "TXT", "v=spf1 include:loop-a.example -all" },
	{ "loop-self.example", "TXT", "v=spf1 ip4:198.51.100.0/24 include:loop-self.example" },

	/* ptr */
	{ "ptr.example", "TXT", "v=spf1 ptr -all" },
	{ "30.2.0.192.in-addr.arpa", "PTR", "mail.ptr.example" },
	{ "31.2.0.192.in-addr.arpa", "PTR", "forged.ptr.example" },
	{ "mail.ptr.example", "A", "192.0.2.30" },
	{ "forged.ptr.example", "A", "192.0.2.99" },
};
#undef H

static struct zone zone = { zone_rows, sizeof zone_rows / sizeof zone_rows[0], 0 };

static enum spf_dns_status
zone_find(struct zone *z, const char *name, const char *type, struct strlist *out)
{
	size_t	 i, tl = strlen(type);
	int	 exists = 0;

	z->queries++;
	ck_assert_msg(name[0] != '\0' && name[strlen(name) - 1] != '.', "asked \"%s\"", name);
	for (i = 0; i < z->n; i++) {
		if (strcasecmp(z->rr[i].name, name) != 0)
			continue;
		exists = 1;
		if (strcmp(z->rr[i].type, "FAIL") == 0 &&
		    strncmp(z->rr[i].data, type, tl) == 0 && z->rr[i].data[tl] == ':')
			return (strcmp(z->rr[i].data + tl + 1, "timeout") == 0 ?
			    SPF_DNS_TIMEOUT : SPF_DNS_ERROR);
		if (strcmp(z->rr[i].type, type) == 0)
			strlist_add(out, z->rr[i].data);
	}
	if (out->n > 0)
		return (SPF_DNS_OK);
	return (exists ? SPF_DNS_NODATA : SPF_DNS_NXDOMAIN);
}

static enum spf_dns_status
zone_txt(void *arg, const char *name, struct strlist *out)
{
	return (zone_find(arg, name, "TXT", out));
}

static enum spf_dns_status
zone_addr(void *arg, const char *name, int family, struct sockaddr_storage **addrs,
    size_t *n)
{
	struct strlist		 l;
	enum spf_dns_status	 st;
	size_t			 i;

	memset(&l, 0, sizeof l);
	st = zone_find(arg, name, family == AF_INET ? "A" : "AAAA", &l);
	for (i = 0; i < l.n; i++) {
		*addrs = xreallocarray(*addrs, *n + 1, sizeof **addrs);
		ck_assert_int_eq(net_addr_parse(l.v[i], &(*addrs)[*n]), 0);
		(*n)++;
	}
	strlist_free(&l);
	return (st);
}

static enum spf_dns_status
zone_mx(void *arg, const char *name, struct strlist *out)
{
	return (zone_find(arg, name, "MX", out));
}

static enum spf_dns_status
zone_ptr(void *arg, const struct sockaddr_storage *ip, struct strlist *out)
{
	const unsigned char	*b;
	char			 name[64];

	ck_assert_int_eq(ip->ss_family, AF_INET);
	b = (const unsigned char *)&((const struct sockaddr_in *)ip)->sin_addr;
	snprintf(name, sizeof name, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
	return (zone_find(arg, name, "PTR", out));
}

/* Runs check_host against the fake zone; with_ptr 0 leaves the ptr callback out. */
static void
check(const char *ip, const char *domain, const char *sender, int with_ptr,
    struct spf_check *out)
{
	struct spf_resolver	 r;
	struct sockaddr_storage	 ss;

	memset(&r, 0, sizeof r);
	r.arg = &zone;
	r.txt = zone_txt;
	r.addr = zone_addr;
	r.mx = zone_mx;
	r.ptr = with_ptr ? zone_ptr : NULL;
	ck_assert_msg(net_addr_parse(ip, &ss) == 0, "bad test address %s", ip);
	zone.queries = 0;
	spf_check_host(&r, &ss, domain, sender, NULL, out);
	ck_assert_ptr_nonnull(out->explanation);
	/* Nothing may cost more than the limits allow: 10 terms, each a few questions. */
	ck_assert_uint_le(zone.queries, 1 + SPF_MAX_LOOKUPS * (SPF_MAX_MX + 2));
}

/* ---- the table of results ------------------------------------------------------------ */

struct result_case {
	const char	*ip;
	const char	*domain;
	const char	*sender;	/* NULL: postmaster@domain */
	enum spf_result	 want;
	const char	*mechanism;	/* the deciding term, or NULL for none */
	const char	*words;		/* a piece of the explanation, or NULL */
};

static const struct result_case result_cases[] = {
	/* ip4 and qualifiers */
	{ "192.0.2.1", "ip4.example", NULL, SPF_PASS, "ip4:192.0.2.0/24",
	    "lists ip4:192.0.2.0/24, which covers 192.0.2.1" },
	{ "192.0.2.255", "ip4.example", NULL, SPF_PASS, "ip4:192.0.2.0/24", NULL },
	{ "192.0.3.0", "ip4.example", NULL, SPF_FAIL, "-all",
	    "does not list 192.0.3.0, and its -all tells receivers to reject" },
	{ "192.0.2.7", "host.example", NULL, SPF_PASS, "ip4:192.0.2.7", NULL },
	{ "192.0.2.8", "host.example", NULL, SPF_SOFTFAIL, "~all", "suspicious" },
	{ "198.51.100.1", "cidr0.example", NULL, SPF_PASS, "ip4:0.0.0.0/0", NULL },
	{ "192.0.2.6", "cidr31.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.7", "cidr31.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.5", "cidr31.example", NULL, SPF_FAIL, NULL, NULL },
	{ "192.0.2.8", "cidr31.example", NULL, SPF_FAIL, NULL, NULL },
	{ "192.0.2.128", "cidr25.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.200", "cidr25.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.127", "cidr25.example", NULL, SPF_FAIL, NULL, NULL },
	{ "192.0.2.255", "cidr32.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.254", "cidr32.example", NULL, SPF_FAIL, NULL, NULL },
	{ "192.0.2.1", "qual.example", NULL, SPF_FAIL, "-ip4:192.0.2.1",
	    "lists -ip4:192.0.2.1, which covers 192.0.2.1 and tells receivers to reject" },
	{ "192.0.2.2", "qual.example", NULL, SPF_SOFTFAIL, "~ip4:192.0.2.2", NULL },
	{ "192.0.2.3", "qual.example", NULL, SPF_NEUTRAL, "?ip4:192.0.2.3", NULL },
	{ "192.0.2.4", "qual.example", NULL, SPF_PASS, "+ip4:192.0.2.4", NULL },
	{ "192.0.2.5", "qual.example", NULL, SPF_PASS, "ip4:192.0.2.5", NULL },
	{ "192.0.2.6", "qual.example", NULL, SPF_NEUTRAL, NULL, "no all term" },
	{ "192.0.2.9", "case.example", NULL, SPF_PASS, "IP4:192.0.2.0/24", NULL },
	{ "192.0.3.9", "case.example", NULL, SPF_FAIL, "-ALL", NULL },

	/* IPv6 */
	{ "2001:db8:ffff::1", "ip6.example", NULL, SPF_PASS, "ip6:2001:db8::/32", NULL },
	{ "2001:db9::1", "ip6.example", NULL, SPF_FAIL, "-all", NULL },
	{ "192.0.2.1", "ip6.example", NULL, SPF_FAIL, "-all", NULL },
	{ "2001:db8:1:2:ffff::1", "ip6-64.example", NULL, SPF_PASS, NULL, NULL },
	{ "2001:db8:1:3::1", "ip6-64.example", NULL, SPF_FAIL, NULL, NULL },
	{ "2001:db8:1:3::1", "ip6-0.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.1", "ip6-0.example", NULL, SPF_FAIL, NULL, NULL },
	{ "2001:db8::1", "ip6-host.example", NULL, SPF_PASS, NULL, NULL },
	{ "2001:db8::2", "ip6-host.example", NULL, SPF_FAIL, NULL, NULL },
	/* An IPv4-mapped IPv6 client is IPv4 (RFC 7208 5). */
	{ "::ffff:192.0.2.9", "ip4.example", NULL, SPF_PASS, "ip4:192.0.2.0/24",
	    "covers 192.0.2.9" },
	{ "::ffff:192.0.2.9", "ip6-0.example", NULL, SPF_FAIL, NULL, NULL },

	/* a and mx with dual CIDR */
	{ "192.0.2.10", "a.example", NULL, SPF_PASS, "a", NULL },
	{ "192.0.2.11", "a.example", NULL, SPF_FAIL, "-all", NULL },
	{ "2001:db8::10", "a.example", NULL, SPF_PASS, "a", NULL },
	{ "2001:db8::11", "a.example", NULL, SPF_FAIL, NULL, NULL },
	{ "198.51.100.200", "a-cidr.example", NULL, SPF_PASS, NULL, NULL },
	{ "198.51.101.1", "a-cidr.example", NULL, SPF_FAIL, NULL, NULL },
	{ "2001:db8:5::ffff", "a-cidr.example", NULL, SPF_PASS, NULL, NULL },
	{ "2001:db8:5:1::1", "a-cidr.example", NULL, SPF_FAIL, NULL, NULL },
	{ "198.51.100.1", "a-cidr6.example", NULL, SPF_PASS, NULL, NULL },
	{ "198.51.100.2", "a-cidr6.example", NULL, SPF_FAIL, NULL, NULL },
	{ "2001:db8:5::2", "a-cidr6.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.21", "mx.example", NULL, SPF_PASS, "mx", NULL },
	{ "192.0.2.22", "mx.example", NULL, SPF_FAIL, NULL, NULL },
	{ "2001:db8::21", "mx.example", NULL, SPF_PASS, "mx", NULL },
	{ "192.0.2.23", "mx-cidr.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.24", "mx-cidr.example", NULL, SPF_FAIL, NULL, NULL },
	{ "192.0.2.1", "mx-null.example", NULL, SPF_FAIL, NULL, NULL },
	{ "192.0.2.110", "mx10.example", NULL, SPF_PASS, "mx", NULL },
	{ "192.0.2.1", "mx11.example", NULL, SPF_PERMERROR, NULL, "11 mail servers" },
	{ "192.0.2.1", "mx-temp.example", NULL, SPF_TEMPERROR, NULL, "timeout" },

	/* include, RFC 7208 5.2 */
	{ "192.0.2.5", "inc-pass.example", NULL, SPF_PASS, "include:ip4.example",
	    "lists include:ip4.example, which covers 192.0.2.5 (through ip4:192.0.2.0/24 in "
	    "the record of ip4.example)" },
	{ "198.51.100.5", "inc-pass.example", NULL, SPF_FAIL, "-all", NULL },
	{ "192.0.2.5", "inc-neutral.example", NULL, SPF_FAIL, "-all", NULL },
	{ "192.0.2.5", "inc-soft.example", NULL, SPF_NEUTRAL, "?all", NULL },
	{ "192.0.2.5", "inc-none.example", NULL, SPF_PERMERROR, NULL,
	    "points at nospf.example, which has no SPF record" },
	{ "192.0.2.5", "inc-nx.example", NULL, SPF_PERMERROR, NULL, "nowhere.example" },
	{ "192.0.2.5", "inc-temp.example", NULL, SPF_TEMPERROR, NULL, "temp.example" },
	{ "192.0.2.5", "inc-perm.example", NULL, SPF_PERMERROR, NULL, "192.0.2.300" },
	{ "209.85.220.41", "google.example", NULL, SPF_PASS, "include:_spf.google.example",
	    "the SPF record of google.example lists include:_spf.google.example, which covers "
	    "209.85.220.41" },

	/* redirect */
	{ "192.0.2.5", "redir.example", NULL, SPF_PASS, "redirect=ip4.example",
	    "hands over to ip4.example (redirect=ip4.example), whose record lists "
	    "ip4:192.0.2.0/24, which covers 192.0.2.5" },
	{ "198.51.100.5", "redir.example", NULL, SPF_FAIL, "redirect=ip4.example",
	    "whose record does not list 198.51.100.5, and its -all tells receivers to reject" },
	{ "192.0.2.5", "redir-neutral.example", NULL, SPF_NEUTRAL, "redirect=bare.example",
	    "whose record does not mention 192.0.2.5" },
	{ "192.0.2.5", "redir-all.example", NULL, SPF_NEUTRAL, "?all", NULL },
	{ "192.0.2.5", "redir-none.example", NULL, SPF_PERMERROR, NULL, "no SPF record" },
	{ "198.51.100.5", "redir-first.example", NULL, SPF_PASS, "ip4:198.51.100.0/24",
	    NULL },
	{ "192.0.2.5", "redir-first.example", NULL, SPF_PASS, "redirect=ip4.example", NULL },
	{ "192.0.2.5", "redir-loop.example", NULL, SPF_PERMERROR, NULL, "more than 10" },

	/* exists with macros */
	{ "192.0.2.5", "exists.example", "strong-bad@exists.example", SPF_PASS,
	    "exists:%{ir}.%{l1r-}.lp._spf.%{d}", NULL },
	{ "192.0.2.6", "exists.example", "strong-bad@exists.example", SPF_FAIL, "-all", NULL },
	{ "192.0.2.5", "exists.example", "weak-bad@exists.example", SPF_FAIL, "-all", NULL },
	{ "2001:db8::1", "exists6.example", NULL, SPF_PASS, NULL, NULL },
	{ "2001:db8::2", "exists6.example", NULL, SPF_FAIL, NULL, NULL },

	/* record selection */
	{ "192.0.2.5", "two.example", NULL, SPF_PERMERROR, NULL,
	    "the domain two.example has two SPF records, which receivers treat as an error" },
	{ "192.0.2.5", "mixed.example", NULL, SPF_FAIL, "-all", NULL },
	{ "192.0.2.5", "bare.example", NULL, SPF_NEUTRAL, NULL, NULL },
	{ "192.0.2.5", "none.example", NULL, SPF_NONE, NULL, "none.example has no SPF record" },
	{ "192.0.2.5", "nodata.example", NULL, SPF_NONE, NULL, "no SPF record" },
	{ "192.0.2.5", "nx.example", NULL, SPF_NONE, NULL, "does not exist" },
	{ "192.0.2.5", "txt-fail.example", NULL, SPF_TEMPERROR, NULL, "failed (error)" },
	{ "192.0.2.5", "txt-timeout.example", NULL, SPF_TEMPERROR, NULL, "failed (timeout)" },
	{ "192.0.2.5", "localhost", NULL, SPF_NONE, NULL, "not a domain name" },
	{ "192.0.2.5", "a..example", NULL, SPF_NONE, NULL, NULL },
	{ "192.0.2.5", "ip4.example.", NULL, SPF_PASS, NULL, NULL },

	/* modifiers: unknown ones ignored, exp= parsed */
	{ "192.0.2.5", "mod.example", NULL, SPF_PASS, "ip4:192.0.2.0/24", NULL },

	/* limits and loops */
	{ "192.0.2.5", "lim10.example", NULL, SPF_PASS, "ip4:192.0.2.0/24", NULL },
	{ "192.0.2.5", "lim11.example", NULL, SPF_PERMERROR, NULL,
	    "more than 10 DNS lookups" },
	{ "192.0.2.5", "lim-lazy.example", NULL, SPF_PASS, NULL, NULL },
	{ "198.51.100.5", "lim-lazy.example", NULL, SPF_PERMERROR, NULL, NULL },
	{ "192.0.2.5", "chain2.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.5", "chain1.example", NULL, SPF_PERMERROR, NULL, "more than 10" },
	{ "192.0.2.5", "void2.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.5", "void3.example", NULL, SPF_PERMERROR, NULL,
	    "more than 2 DNS lookups made while checking the record found nothing" },
	{ "192.0.2.5", "loop-a.example", NULL, SPF_PERMERROR, NULL, "more than 10" },
	{ "198.51.100.5", "loop-self.example", NULL, SPF_PASS, NULL, NULL },
	{ "192.0.2.5", "loop-self.example", NULL, SPF_PERMERROR, NULL, NULL },

	/* ptr */
	{ "192.0.2.30", "ptr.example", NULL, SPF_PASS, "ptr", NULL },
	{ "192.0.2.31", "ptr.example", NULL, SPF_FAIL, "-all", NULL },
	{ "192.0.2.32", "ptr.example", NULL, SPF_FAIL, "-all", NULL },
};

START_TEST(test_results)
{
	const struct result_case	*c = &result_cases[_i];
	struct spf_check		 out;

	check(c->ip, c->domain, c->sender, 1, &out);
	ck_assert_msg(out.result == c->want, "%s at %s: got %s, want %s (%s)", c->ip,
	    c->domain, spf_result_name(out.result), spf_result_name(c->want),
	    out.explanation);
	if (c->mechanism != NULL)
		ck_assert_msg(out.mechanism != NULL && strcmp(out.mechanism, c->mechanism) == 0,
		    "%s at %s: mechanism %s, want %s", c->ip, c->domain,
		    out.mechanism != NULL ? out.mechanism : "(null)", c->mechanism);
	if (c->want == SPF_NONE || c->want == SPF_TEMPERROR || c->want == SPF_PERMERROR)
		ck_assert_ptr_null(out.mechanism);
	if (c->words != NULL)
		ck_assert_msg(strstr(out.explanation, c->words) != NULL,
		    "%s at %s: \"%s\" lacks \"%s\"", c->ip, c->domain, out.explanation,
		    c->words);
	ck_assert_uint_le(out.lookups, SPF_MAX_LOOKUPS + 1);
	spf_check_free(&out);
}
END_TEST

START_TEST(test_counts)
{
	struct spf_check	 out;

	check("192.0.2.5", "lim10.example", NULL, 1, &out);
	ck_assert_uint_eq(out.lookups, 10);
	ck_assert_uint_eq(out.void_lookups, 0);
	spf_check_free(&out);

	check("192.0.2.5", "void2.example", NULL, 1, &out);
	ck_assert_uint_eq(out.lookups, 2);
	ck_assert_uint_eq(out.void_lookups, 2);
	spf_check_free(&out);

	check("192.0.2.5", "ip4.example", NULL, 1, &out);
	ck_assert_uint_eq(out.lookups, 0);
	ck_assert_str_eq(out.record, "v=spf1 ip4:192.0.2.0/24 -all");
	ck_assert_str_eq(out.match, "ip4:192.0.2.0/24");
	ck_assert_str_eq(out.match_domain, "ip4.example");
	spf_check_free(&out);

	check("192.0.2.5", "inc-pass.example", NULL, 1, &out);
	ck_assert_uint_eq(out.lookups, 1);
	ck_assert_str_eq(out.mechanism, "include:ip4.example");
	ck_assert_str_eq(out.match, "ip4:192.0.2.0/24");
	ck_assert_str_eq(out.match_domain, "ip4.example");
	ck_assert_uint_gt(out.notes.n, 0);
	spf_check_free(&out);

	check("192.0.2.5", "two.example", NULL, 1, &out);
	ck_assert_ptr_null(out.record);
	ck_assert_ptr_null(out.match);
	spf_check_free(&out);
}
END_TEST

START_TEST(test_loop_bounded)
{
	struct spf_check	 out;

	/* a includes b includes a: stops at the 11th include, a dozen questions at most. */
	check("192.0.2.5", "loop-a.example", NULL, 1, &out);
	ck_assert_int_eq(out.result, SPF_PERMERROR);
	ck_assert_uint_le(zone.queries, SPF_MAX_LOOKUPS + 2);
	spf_check_free(&out);

	check("192.0.2.5", "redir-loop.example", NULL, 1, &out);
	ck_assert_int_eq(out.result, SPF_PERMERROR);
	ck_assert_uint_le(zone.queries, SPF_MAX_LOOKUPS + 2);
	spf_check_free(&out);
}
END_TEST

START_TEST(test_ptr_without_callback)
{
	struct spf_check	 out;
	size_t			 i;
	int			 noted = 0;

	check("192.0.2.30", "ptr.example", NULL, 0, &out);
	ck_assert_int_eq(out.result, SPF_FAIL);
	for (i = 0; i < out.notes.n; i++)
		noted |= strstr(out.notes.v[i], "not evaluated") != NULL;
	ck_assert(noted);
	spf_check_free(&out);
}
END_TEST

/* ---- syntax errors: each record in a zone of its own --------------------------------- */

static const char *const syntax_cases[] = {
	"v=spf1 ip4:192.0.2.1/33 -all",
	"v=spf1 ip4:192.0.2 -all",
	"v=spf1 ip4:192.0.2.0/024 -all",
	"v=spf1 ip4:192.0.2.0/ -all",
	"v=spf1 ip4:2001:db8::1 -all",
	"v=spf1 ip6:2001:db8::/129 -all",
	"v=spf1 ip6:192.0.2.1 -all",
	"v=spf1 ip4 -all",
	"v=spf1 foo:bar.example -all",
	"v=spf1 include -all",
	"v=spf1 include: -all",
	"v=spf1 a: -all",
	"v=spf1 a:foo -all",
	"v=spf1 a//129 -all",
	"v=spf1 a/33 -all",
	"v=spf1 mx:example.com/ -all",
	"v=spf1 all:x",
	"v=spf1 -all/24",
	"v=spf1 -redirect=x.example",
	"v=spf1 redirect=a.example redirect=b.example",
	"v=spf1 exp=a.example exp=b.example -all",
	"v=spf1 exists:%{x}.example -all",
	"v=spf1 exists:%{d0}.example -all",
	"v=spf1 exists:%{d -all",
	"v=spf1 exists:%a.example -all",
	"v=spf1 exists:%{c}.example -all",
	"v=spf1 ip4:192.0.2.1 foo=%",
	"v=spf1 +ip4:192.0.2.5 -ip4:bad",
	"v=spf1 ip4:192.0.2.5\t-all",
	"v=spf1 ip4:192.0.2.5 \x7f",
	"v=spf1 ip4:192.0.2.5 *all",
	"v=spf1 ip4:192.0.2.5 ptr:",
	"v=spf1 ip4:192.0.2.5 ptr/24",
	"v=spf1 ip4:192.0.2.5 a:1.2.3.4",
	"v=spf1 ip4:192.0.2.5 a:example.-com",
};

START_TEST(test_syntax)
{
	struct zrr		 rows[1] = { { "syntax.example", "TXT", syntax_cases[_i] } };
	struct zone		 saved = zone;
	struct spf_check	 out;

	zone.rr = rows;
	zone.n = 1;
	check("192.0.2.5", "syntax.example", NULL, 1, &out);
	zone = saved;
	ck_assert_msg(out.result == SPF_PERMERROR, "\"%s\": got %s (%s)", syntax_cases[_i],
	    spf_result_name(out.result), out.explanation);
	ck_assert_msg(strstr(out.explanation, "cannot read") != NULL, "\"%s\": %s",
	    syntax_cases[_i], out.explanation);
	spf_check_free(&out);
}
END_TEST

/* Valid oddities: each parses, and 192.0.2.5 passes. */
static const char *const valid_cases[] = {
	"v=spf1 ip4:192.0.2.5",
	"v=spf1   ip4:192.0.2.5   ",
	"v=spf1 ip4:192.0.2.5 a:example.com. -all",
	"v=spf1 ip4:192.0.2.5 a:%{d} mx:%{d}/24//64 exists:%{i}.%{d}. -all",
	"v=spf1 ip4:192.0.2.5 a:foo.1-2 -all",
	"v=spf1 ip4:192.0.2.5 ptr:example.com -all",
	"v=spf1 ip4:192.0.2.5 x-unknown=anything.%{h}%% ra=postmaster -all",
	"v=spf1 +ip4:192.0.2.5 exp=explain._spf.%{d} -all",
	"v=spf1 ip4:192.0.2.5 a/24 mx//64 -all",
	"v=spf1 ip6:::ffff:192.0.2.5 ip4:192.0.2.5/32",
	"v=spf1 redirect=ip4.example",
	"v=spf1 include:ip4.example -all",
};

START_TEST(test_valid)
{
	struct zrr		 rows[2] = {
		{ "valid.example", "TXT", valid_cases[_i] },
		{ "ip4.example", "TXT", "v=spf1 ip4:192.0.2.0/24 -all" },
	};
	struct zone		 saved = zone;
	struct spf_check	 out;

	zone.rr = rows;
	zone.n = 2;
	check("192.0.2.5", "valid.example", NULL, 1, &out);
	zone = saved;
	ck_assert_msg(out.result == SPF_PASS, "\"%s\": got %s (%s)", valid_cases[_i],
	    spf_result_name(out.result), out.explanation);
	spf_check_free(&out);
}
END_TEST

/* ---- macros: RFC 7208 7.4 ------------------------------------------------------------- */

struct macro_case {
	const char	*ip;
	const char	*text;
	const char	*want;		/* NULL: a syntax error */
	int		 explanation;
};

static const struct macro_case macro_cases[] = {
	{ "192.0.2.3", "%{s}", "strong-bad@email.example.com", 0 },
	{ "192.0.2.3", "%{o}", "email.example.com", 0 },
	{ "192.0.2.3", "%{d}", "email.example.com", 0 },
	{ "192.0.2.3", "%{d4}", "email.example.com", 0 },
	{ "192.0.2.3", "%{d3}", "email.example.com", 0 },
	{ "192.0.2.3", "%{d2}", "example.com", 0 },
	{ "192.0.2.3", "%{d1}", "com", 0 },
	{ "192.0.2.3", "%{dr}", "com.example.email", 0 },
	{ "192.0.2.3", "%{d2r}", "example.email", 0 },
	{ "192.0.2.3", "%{l}", "strong-bad", 0 },
	{ "192.0.2.3", "%{l-}", "strong.bad", 0 },
	{ "192.0.2.3", "%{lr}", "strong-bad", 0 },
	{ "192.0.2.3", "%{lr-}", "bad.strong", 0 },
	{ "192.0.2.3", "%{l1r-}", "strong", 0 },
	{ "192.0.2.3", "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com", 0 },
	{ "192.0.2.3", "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com", 0 },
	{ "192.0.2.3", "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
	    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com", 0 },
	{ "192.0.2.3", "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
	    "3.2.0.192.in-addr.strong.lp._spf.example.com", 0 },
	{ "192.0.2.3", "%{d2}.trusted-domains.example.net",
	    "example.com.trusted-domains.example.net", 0 },
	{ "2001:db8::cb01", "%{ir}.%{v}._spf.%{d2}",
	    "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
	    0 },
	{ "192.0.2.3", "%{i}", "192.0.2.3", 0 },
	{ "192.0.2.3", "%{p}", "unknown", 0 },
	{ "192.0.2.3", "%{h}", "mx.email.example.com", 0 },
	{ "192.0.2.3", "%{D}", "email.example.com", 0 },
	{ "192.0.2.3", "%{S}", "strong-bad%40email.example.com", 0 },
	{ "192.0.2.3", "%{l100}", "strong-bad", 0 },
	{ "192.0.2.3", "%{d999999999999}", "email.example.com", 0 },
	{ "192.0.2.3", "%{d+=}", "email.example.com", 0 },
	{ "192.0.2.3", "%{s@}", NULL, 0 },
	{ "192.0.2.3", "%{or.}", "com.example.email", 0 },
	{ "192.0.2.3", "%{o.r}", NULL, 0 },		/* transformers come before delimiters */
	{ "192.0.2.3", "%{l2r-}", "bad.strong", 0 },
	{ "192.0.2.3", "%{s.@}", NULL, 0 },
	{ "192.0.2.3", "a%%b%_c%-d", "a%b c%20d", 0 },
	{ "192.0.2.3", "%{x}", NULL, 0 },
	{ "192.0.2.3", "%{d0}", NULL, 0 },
	{ "192.0.2.3", "%{d", NULL, 0 },
	{ "192.0.2.3", "%{", NULL, 0 },
	{ "192.0.2.3", "%", NULL, 0 },
	{ "192.0.2.3", "%x", NULL, 0 },
	{ "192.0.2.3", "a b", NULL, 0 },
	{ "192.0.2.3", "%{c}", NULL, 0 },
	{ "192.0.2.3", "%{c}", "192.0.2.3", 1 },
	{ "2001:db8::cb01", "%{c}", "2001:db8::cb01", 1 },
	{ "192.0.2.3", "%{r}", "unknown", 1 },
	{ "192.0.2.3", "%{t}", "1400000000", 1 },
	{ "192.0.2.3", "", "", 0 },
};

START_TEST(test_macros)
{
	const struct macro_case	*c = &macro_cases[_i];
	struct spf_macro_vars	 v;
	struct sockaddr_storage	 ss;
	char			*out = NULL, *cause = NULL;
	int			 rc;

	ck_assert_int_eq(net_addr_parse(c->ip, &ss), 0);
	memset(&v, 0, sizeof v);
	v.ip = &ss;
	v.sender = "strong-bad@email.example.com";
	v.domain = "email.example.com";
	v.helo = "mx.email.example.com";
	v.timestamp = 1400000000;
	rc = spf_macro_expand(c->text, &v, c->explanation, &out, &cause);
	if (c->want == NULL) {
		ck_assert_msg(rc == -1, "\"%s\" expanded to \"%s\"", c->text, out);
		ck_assert_ptr_nonnull(cause);
		free(cause);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": %s", c->text, cause);
	ck_assert_str_eq(out, c->want);
	free(out);
}
END_TEST

START_TEST(test_macro_bounded)
{
	struct spf_macro_vars	 v;
	struct sockaddr_storage	 ss;
	char			 text[4096], *out = NULL, *cause = NULL;
	size_t			 i;

	/* 80 copies of a 28-byte sender would be 2240 bytes: refused, not grown. */
	for (i = 0; i < 80; i++)
		memcpy(text + i * 4, "%{s}", 4);
	text[80 * 4] = '\0';
	ck_assert_int_eq(net_addr_parse("192.0.2.3", &ss), 0);
	memset(&v, 0, sizeof v);
	v.ip = &ss;
	v.sender = "strong-bad@email.example.com";
	v.domain = "email.example.com";
	ck_assert_int_eq(spf_macro_expand(text, &v, 0, &out, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "more than"));
	free(cause);
}
END_TEST

/* A long expansion loses labels on the left to fit 253 bytes (RFC 7208 7.3). */
START_TEST(test_long_name)
{
	struct zrr		 rows[2] = {
		{ "long.example", "TXT", "v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.x.long.example "
		    "-all" },
		{ NULL, "A", "127.0.0.2" },
	};
	struct zone		 saved = zone;
	struct spf_check	 out;
	char			 local[64], sender[128], name[400];

	memset(local, 'a', 60);
	local[60] = '\0';
	snprintf(sender, sizeof sender, "%s@long.example", local);
	/* Five 61-byte labels plus "x.long.example" is 319: keep the last three labels. */
	snprintf(name, sizeof name, "%s.%s.%s.x.long.example", local, local, local);
	ck_assert_uint_le(strlen(name), SPF_MAX_NAME);
	rows[1].name = name;
	zone.rr = rows;
	zone.n = 2;
	check("192.0.2.5", "long.example", sender, 1, &out);
	zone = saved;
	ck_assert_msg(out.result == SPF_PASS, "%s", out.explanation);
	spf_check_free(&out);
}
END_TEST

/* ---- the record to publish ------------------------------------------------------------ */

struct propose_case {
	const char	*records[3];
	const char	*term;
	int		 want_rc;
	const char	*want;		/* the record, or NULL with want_rc -1 */
	const char	*note;		/* a piece of one note, or NULL */
};

static const struct propose_case propose_cases[] = {
	{ { NULL }, "include:_spf.google.com", 0, "v=spf1 include:_spf.google.com ~all",
	    "no SPF record" },
	{ { NULL }, "ip4:198.51.100.7", 0, "v=spf1 ip4:198.51.100.7 ~all", NULL },
	{ { "v=spf1 mx -all" }, "include:_spf.google.com", 0,
	    "v=spf1 mx include:_spf.google.com -all", NULL },
	{ { "v=spf1 a mx ~all" }, "ip4:198.51.100.7", 0,
	    "v=spf1 a mx ip4:198.51.100.7 ~all", NULL },
	{ { "v=spf1 include:_spf.google.com ~all" }, "include:_spf.google.com", 1,
	    "v=spf1 include:_spf.google.com ~all", "already lists" },
	{ { "v=spf1 +INCLUDE:_spf.google.com -all" }, "include:_spf.google.com", 1,
	    "v=spf1 +INCLUDE:_spf.google.com -all", NULL },
	{ { "v=spf1 mx" }, "include:_spf.google.com", 0, "v=spf1 mx include:_spf.google.com",
	    "no all term" },
	{ { "v=spf1 mx redirect=_spf.example.net" }, "include:_spf.google.com", 0,
	    "v=spf1 mx include:_spf.google.com redirect=_spf.example.net", NULL },
	{ { "v=spf1 -all" }, "include:_spf.google.com", 0,
	    "v=spf1 include:_spf.google.com -all", NULL },
	{ { "v=spf1 mx +all" }, "ip4:198.51.100.7", 0, "v=spf1 mx ip4:198.51.100.7 +all",
	    "every address" },
	{ { "v=spf1 mx -all", "v=spf1 include:spf.protection.outlook.com ~all" },
	    "ip4:198.51.100.7", 0,
	    "v=spf1 mx include:spf.protection.outlook.com ip4:198.51.100.7 -all",
	    "replace them all" },
	{ { "v=spf1 mx -all", "v=spf1 mx include:_spf.google.com -all" },
	    "include:_spf.google.com", 0, "v=spf1 mx include:_spf.google.com -all",
	    "already lists" },
	{ { "v=spf1 a redirect=x.example", "v=spf1 mx ~all" }, "ip4:198.51.100.7", 0,
	    "v=spf1 a mx ip4:198.51.100.7 ~all", "left out" },
	{ { "v=spf1 a exp=e.example", "v=spf1 mx redirect=x.example" }, "ip4:198.51.100.7",
	    0, "v=spf1 a mx ip4:198.51.100.7 exp=e.example redirect=x.example", NULL },
	{ { NULL }, "-all", -1, NULL, NULL },
	{ { NULL }, "~include:_spf.google.com", -1, NULL, NULL },
	{ { NULL }, "_spf.google.com", -1, NULL, NULL },
	{ { NULL }, "include:_spf.google.com -all", -1, NULL, NULL },
	{ { NULL }, "redirect=_spf.google.com", -1, NULL, NULL },
	{ { NULL }, "ip4:198.51.100.300", -1, NULL, NULL },
	{ { NULL }, "", -1, NULL, NULL },
};

START_TEST(test_propose)
{
	const struct propose_case	*c = &propose_cases[_i];
	struct strlist			 notes;
	char				*out = NULL, *cause = NULL;
	size_t				 n, i;
	int				 rc, noted = 0;

	for (n = 0; n < 3 && c->records[n] != NULL; n++)
		/* count */;
	memset(&notes, 0, sizeof notes);
	rc = spf_propose_record(c->records, n, c->term, &out, &notes, &cause);
	ck_assert_msg(rc == c->want_rc, "%s: rc %d, want %d (%s)", c->term, rc, c->want_rc,
	    cause != NULL ? cause : out);
	if (rc == -1) {
		ck_assert_ptr_null(out);
		ck_assert_ptr_nonnull(cause);
		free(cause);
		strlist_free(&notes);
		return;
	}
	ck_assert_str_eq(out, c->want);
	if (c->note != NULL) {
		for (i = 0; i < notes.n; i++)
			noted |= strstr(notes.v[i], c->note) != NULL;
		ck_assert_msg(noted, "%s: no note says \"%s\"", c->term, c->note);
	}
	free(out);
	strlist_free(&notes);
}
END_TEST

/* What the proposal gives passes check_host for the sending address. */
START_TEST(test_propose_then_check)
{
	struct zrr		 rows[2] = {
		{ "fix.example", "TXT", NULL },
		{ "ip4.example", "TXT", "v=spf1 ip4:192.0.2.0/24 -all" },
	};
	const char		*old[2] = { "v=spf1 mx -all", "v=spf1 a ~all" };
	struct zone		 saved = zone;
	struct spf_check	 out;
	char			*rec = NULL, *cause = NULL;

	ck_assert_int_eq(spf_propose_record(old, 2, "include:ip4.example", &rec, NULL, &cause),
	    0);
	rows[0].data = rec;
	zone.rr = rows;
	zone.n = 2;
	check("192.0.2.5", "fix.example", NULL, 1, &out);
	zone = saved;
	ck_assert_msg(out.result == SPF_PASS, "%s: %s", rec, out.explanation);
	spf_check_free(&out);
	free(rec);
}
END_TEST

START_TEST(test_propose_long)
{
	struct strlist	 notes;
	char		 old[300], *out = NULL, *cause = NULL;
	const char	*recs[1] = { old };
	size_t		 i;
	int		 noted = 0;

	snprintf(old, sizeof old, "v=spf1");
	for (i = 0; i < 14; i++)
		snprintf(old + strlen(old), sizeof old - strlen(old), " ip4:198.51.100.%zu", i);
	strcat(old, " -all");
	memset(&notes, 0, sizeof notes);
	ck_assert_int_eq(spf_propose_record(recs, 1, "include:_spf.google.com", &out, &notes,
	    &cause), 0);
	ck_assert_uint_gt(strlen(out), 255);
	for (i = 0; i < notes.n; i++)
		noted |= strstr(notes.v[i], "several quoted strings") != NULL;
	ck_assert(noted);
	free(out);
	strlist_free(&notes);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(spf_result_name(SPF_NONE), "none");
	ck_assert_str_eq(spf_result_name(SPF_SOFTFAIL), "softfail");
	ck_assert_str_eq(spf_result_name(SPF_PERMERROR), "permerror");
	ck_assert_str_eq(spf_dns_status_name(SPF_DNS_NXDOMAIN), "nxdomain");
	ck_assert_str_eq(spf_dns_status_name(SPF_DNS_TIMEOUT), "timeout");
}
END_TEST

static Suite *
spf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("spf");

	tc = tcase_create("check_host");
	tcase_add_loop_test(tc, test_results, 0,
	    (int)(sizeof result_cases / sizeof result_cases[0]));
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_loop_bounded);
	tcase_add_test(tc, test_ptr_without_callback);
	tcase_add_test(tc, test_long_name);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_loop_test(tc, test_syntax, 0,
	    (int)(sizeof syntax_cases / sizeof syntax_cases[0]));
	tcase_add_loop_test(tc, test_valid, 0,
	    (int)(sizeof valid_cases / sizeof valid_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("macros");
	tcase_add_loop_test(tc, test_macros, 0,
	    (int)(sizeof macro_cases / sizeof macro_cases[0]));
	tcase_add_test(tc, test_macro_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("propose");
	tcase_add_loop_test(tc, test_propose, 0,
	    (int)(sizeof propose_cases / sizeof propose_cases[0]));
	tcase_add_test(tc, test_propose_then_check);
	tcase_add_test(tc, test_propose_long);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(spf_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
