/*
 * check_dns.c: unit tests for the DNS record parsers, reverse names, the blocklist data, and
 * the run-wide answer cache against a fake server on loopback.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <check.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "dns-cache.h"
#include "net.h"
#include "reputation.h"
#include "util.h"

/* ---- a DNS message builder ------------------------------------------------------------ */

struct pkt {
	unsigned char	 b[8192];
	size_t		 len;
};

static void	 pkt_put(struct pkt *, const void *, size_t);
static void	 pkt_u16(struct pkt *, unsigned);
static void	 pkt_name(struct pkt *, const char *);
static void	 pkt_start(struct pkt *, unsigned, unsigned);
static void	 pkt_rr(struct pkt *, unsigned, unsigned, const void *, size_t);
static int	 notes_have(const struct dns_records *, const char *);

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

/* A name in wire form, uncompressed: "mx.lab.test" -> 2mx3lab4test0. */
static void
pkt_name(struct pkt *p, const char *name)
{
	const char	*dot;
	size_t		 l;
	unsigned char	 c;

	while (*name != '\0') {
		dot = strchr(name, '.');
		l = dot != NULL ? (size_t)(dot - name) : strlen(name);
		c = (unsigned char)l;
		pkt_put(p, &c, 1);
		pkt_put(p, name, l);
		name += l + (dot != NULL);
	}
	c = 0;
	pkt_put(p, &c, 1);
}

/* Header (QR, RD, RA, NOERROR), one question "lab.test" (at offset 12) of type qtype. */
static void
pkt_start(struct pkt *p, unsigned an, unsigned qtype)
{
	p->len = 0;
	pkt_u16(p, 0x1234);
	pkt_u16(p, 0x8180);
	pkt_u16(p, 1);
	pkt_u16(p, an);
	pkt_u16(p, 0);
	pkt_u16(p, 0);
	pkt_name(p, "lab.test");
	pkt_u16(p, qtype);
	pkt_u16(p, ns_c_in);
}

/* A record owned by the question name (pointer to offset 12), rdlength as given. */
static void
pkt_rr(struct pkt *p, unsigned type, unsigned rdlen, const void *rdata, size_t have)
{
	pkt_u16(p, 0xc00c);
	pkt_u16(p, type);
	pkt_u16(p, ns_c_in);
	pkt_u16(p, 0);
	pkt_u16(p, 300);
	pkt_u16(p, rdlen);
	pkt_put(p, rdata, have);
}

static int
notes_have(const struct dns_records *r, const char *part)
{
	size_t	 i;

	for (i = 0; i < r->notes.n; i++) {
		if (strstr(r->notes.v[i], part) != NULL)
			return (1);
	}
	return (0);
}

/* rdata builders: an MX "10 smtp.lab.test", and the name alone. */
static const unsigned char mx_good[] = "\000\012\004smtp\003lab\004test";	/* 2 + 15 */
static const unsigned char name_good[] = "\004smtp\003lab\004test";		/* 15 */

/* ---- each type ------------------------------------------------------------------------ */

START_TEST(test_mx)
{
	struct pkt		 p;
	struct dns_records	 r;
	unsigned char		 rd[8];

	memset(&r, 0, sizeof r);
	pkt_start(&p, 3, ns_t_mx);
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	/* 20 and a compression pointer to the question name, "lab.test". */
	rd[0] = 0;
	rd[1] = 20;
	rd[2] = 0xc0;
	rd[3] = 12;
	pkt_rr(&p, ns_t_mx, 4, rd, 4);
	/* RFC 7505: the null MX, preference 0 and the root. */
	rd[0] = rd[1] = rd[2] = 0;
	pkt_rr(&p, ns_t_mx, 3, rd, 3);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_mx, &r), 3);
	ck_assert_uint_eq(r.n, 3);
	ck_assert_int_eq(r.rr[0].type, ns_t_mx);
	ck_assert_uint_eq(r.rr[0].preference, 10);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	ck_assert_str_eq(r.rr[0].owner, "lab.test");
	ck_assert_uint_eq(r.rr[0].ttl, 300);
	ck_assert_uint_eq(r.rr[1].preference, 20);
	ck_assert_str_eq(r.rr[1].target, "lab.test");
	ck_assert_uint_eq(r.rr[2].preference, 0);
	ck_assert_str_eq(r.rr[2].target, ".");
	ck_assert_uint_eq(r.notes.n, 0);
	/* Asked as TXT, the MX records are not of the type. */
	dns_records_free(&r);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_txt, &r), 0);
	dns_records_free(&r);
}
END_TEST

START_TEST(test_txt)
{
	struct pkt		 p;
	struct dns_records	 r;
	static const unsigned char spf[] = "\007v=spf1 \011include:x\000\005 -all";
	static const unsigned char odd[] = "\005a\000b\033c";

	memset(&r, 0, sizeof r);
	pkt_start(&p, 2, ns_t_txt);
	pkt_rr(&p, ns_t_txt, sizeof spf - 1, spf, sizeof spf - 1);
	pkt_rr(&p, ns_t_txt, sizeof odd - 1, odd, sizeof odd - 1);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_txt, &r), 2);
	/* RFC 7208 3.3: joined with nothing between, an empty string adds nothing. */
	ck_assert_uint_eq(r.rr[0].text_len, 21);
	ck_assert_str_eq(r.rr[0].text, "v=spf1 include:x -all");
	/* A NUL and an ESC are kept as bytes; the length counts them. */
	ck_assert_uint_eq(r.rr[1].text_len, 5);
	ck_assert_int_eq(memcmp(r.rr[1].text, "a\0b\033c", 6), 0);
	dns_records_free(&r);
}
END_TEST

START_TEST(test_srv_ptr_cname_addr)
{
	struct pkt		 p;
	struct dns_records	 r;
	unsigned char		 rd[64];
	char			 buf[64];
	static const unsigned char a[4] = { 192, 0, 2, 10 };
	static const unsigned char aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0x10 };

	memset(&r, 0, sizeof r);
	/* RFC 2782: 0 1 587 smtp.lab.test. */
	rd[0] = 0; rd[1] = 0; rd[2] = 0; rd[3] = 1; rd[4] = 587 >> 8; rd[5] = 587 & 0xff;
	memcpy(rd + 6, name_good, sizeof name_good);
	pkt_start(&p, 1, ns_t_srv);
	pkt_rr(&p, ns_t_srv, 6 + sizeof name_good, rd, 6 + sizeof name_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_srv, &r), 1);
	ck_assert_uint_eq(r.rr[0].priority, 0);
	ck_assert_uint_eq(r.rr[0].weight, 1);
	ck_assert_uint_eq(r.rr[0].port, 587);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	dns_records_free(&r);

	pkt_start(&p, 1, ns_t_ptr);
	pkt_rr(&p, ns_t_ptr, sizeof name_good, name_good, sizeof name_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_ptr, &r), 1);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	dns_records_free(&r);

	/* A CNAME then the A it leads to: asked as A, the CNAME is passed over. */
	pkt_start(&p, 2, ns_t_cname);
	pkt_rr(&p, ns_t_cname, sizeof name_good, name_good, sizeof name_good);
	pkt_rr(&p, ns_t_a, 4, a, 4);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_cname, &r), 1);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	dns_records_free(&r);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_a, &r), 1);
	ck_assert_str_eq(net_addr_ntop(&r.rr[0].addr, buf, sizeof buf), "192.0.2.10");
	dns_records_free(&r);

	pkt_start(&p, 1, ns_t_aaaa);
	pkt_rr(&p, ns_t_aaaa, 16, aaaa, 16);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_aaaa, &r), 1);
	ck_assert_str_eq(net_addr_ntop(&r.rr[0].addr, buf, sizeof buf), "2001:db8::10");
	dns_records_free(&r);
}
END_TEST

/*
 * Row 62: names with odd bytes (a dot inside a label, a space, ESC, NUL, 0x9B, DEL) come
 * out as dn_expand's escapes, never as the bytes, and the dot inside a label stays
 * distinguishable from a label boundary. A name of the 255-byte wire maximum survives whole.
 */
START_TEST(test_odd_names)
{
	static const unsigned char	 odd[] = "\003a.b\010sp ace\033[\004x\000\233\177\004test";
	struct pkt			 p;
	struct dns_records		 r;
	unsigned char			 rd[300];
	const char			*t;
	size_t				 i, n;

	memset(&r, 0, sizeof r);
	pkt_start(&p, 1, ns_t_ptr);
	pkt_rr(&p, ns_t_ptr, sizeof odd, odd, sizeof odd);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_ptr, &r), 1);
	t = r.rr[0].target;
	for (i = 0; t[i] != '\0'; i++)
		ck_assert_msg(t[i] > 0x20 && t[i] < 0x7f, "byte 0x%02x at %zu in \"%s\"",
		    (unsigned char)t[i], i, t);
	ck_assert_msg(strncmp(t, "a\\.b.", 5) == 0, "%s", t);
	ck_assert_ptr_nonnull(strstr(t, ".test"));
	ck_assert_ptr_null(strchr(t, ' '));
	dns_records_free(&r);

	/* 4 labels of 63 bytes and the root: 4 * 64 - 1 + 1 = 255 bytes on the wire. */
	n = 0;
	for (i = 0; i < 4; i++) {
		rd[n++] = i < 3 ? 63 : 61;
		memset(rd + n, 'a' + (int)i, i < 3 ? 63 : 61);
		n += i < 3 ? 63 : 61;
	}
	rd[n++] = 0;
	ck_assert_uint_eq(n, 255);
	pkt_start(&p, 1, ns_t_ptr);
	pkt_rr(&p, ns_t_ptr, (unsigned)n, rd, n);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_ptr, &r), 1);
	ck_assert_uint_eq(strlen(r.rr[0].target), 253);
	dns_records_free(&r);
}
END_TEST

/* ---- rdlength per type: a bad record, then a good one that must survive ---------------- */

struct rdlen_case {
	const char		*why;
	unsigned		 type;
	unsigned		 rdlen;		/* what the record says */
	const char		*data;		/* what it holds */
	size_t			 have;
};

static const struct rdlen_case rdlen_cases[] = {
	{ "A of 3", ns_t_a, 3, "\300\000\002", 3 },
	{ "A of 5", ns_t_a, 5, "\300\000\002\001\001", 5 },
	{ "AAAA of 15", ns_t_aaaa, 15, "\040\001\015\270\0\0\0\0\0\0\0\0\0\0\0", 15 },
	{ "AAAA of 17", ns_t_aaaa, 17, "\040\001\015\270\0\0\0\0\0\0\0\0\0\0\0\1\1", 17 },
	{ "MX of 2", ns_t_mx, 2, "\000\012", 2 },
	{ "MX name runs past", ns_t_mx, 8, "\000\012\004smtp\003", 8 },
	{ "MX data after the name", ns_t_mx, 18, "\000\012\004smtp\003lab\004test\000X", 18 },
	{ "MX bad label", ns_t_mx, 4, "\000\012\100\000", 4 },
	{ "SRV of 6", ns_t_srv, 6, "\000\000\000\001\002\113", 6 },
	{ "SRV data after the name", ns_t_srv, 8, "\000\000\000\001\002\113\000X", 8 },
	{ "PTR empty", ns_t_ptr, 0, "", 0 },
	{ "PTR name runs past", ns_t_ptr, 5, "\004smtp", 5 },
	{ "PTR data after the name", ns_t_ptr, 7, "\004smtp\000X", 7 },
	{ "CNAME name runs past", ns_t_cname, 3, "\004sm", 3 },
	{ "CNAME data after the name", ns_t_cname, 2, "\000\000", 2 },
	{ "TXT empty", ns_t_txt, 0, "", 0 },
	{ "TXT string runs past", ns_t_txt, 4, "\011abc", 4 },
	{ "TXT second string runs past", ns_t_txt, 6, "\002ab\005c", 5 + 1 },
};

START_TEST(test_rdlen)
{
	const struct rdlen_case	*c = &rdlen_cases[_i];
	struct pkt		 p;
	struct dns_records	 r;
	static const unsigned char a[4] = { 192, 0, 2, 10 };
	static const unsigned char aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0x10 };
	static const unsigned char srv[] = "\000\000\000\001\002\113\004smtp\003lab\004test";
	static const unsigned char txt[] = "\002ok";

	memset(&r, 0, sizeof r);
	pkt_start(&p, 2, c->type);
	pkt_rr(&p, c->type, c->rdlen, c->data, c->have);
	switch (c->type) {
	case ns_t_a:
		pkt_rr(&p, c->type, 4, a, 4);
		break;
	case ns_t_aaaa:
		pkt_rr(&p, c->type, 16, aaaa, 16);
		break;
	case ns_t_mx:
		pkt_rr(&p, c->type, sizeof mx_good, mx_good, sizeof mx_good);
		break;
	case ns_t_srv:
		pkt_rr(&p, c->type, sizeof srv, srv, sizeof srv);
		break;
	case ns_t_txt:
		pkt_rr(&p, c->type, 3, txt, 3);
		break;
	default:
		pkt_rr(&p, c->type, sizeof name_good, name_good, sizeof name_good);
		break;
	}
	ck_assert_msg(dns_parse_records(p.b, p.len, (int)c->type, &r) == 1,
	    "%s: %zu records kept", c->why, r.n);
	ck_assert_msg(notes_have(&r, "answer record 1 (") && notes_have(&r, "skipped"),
	    "%s: no note (%s)", c->why, r.notes.n > 0 ? r.notes.v[0] : "none");
	if (c->type == ns_t_txt)
		ck_assert_str_eq(r.rr[0].text, "ok");
	else if (c->type != ns_t_a && c->type != ns_t_aaaa)
		ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	dns_records_free(&r);
}
END_TEST

/* ---- compression ---------------------------------------------------------------------- */

START_TEST(test_compression)
{
	struct pkt		 p;
	struct dns_records	 r;
	unsigned char		 rd[4];
	size_t			 at;

	memset(&r, 0, sizeof r);
	/* Row 30: an MX exchange that points at itself, then a good MX. */
	pkt_start(&p, 2, ns_t_mx);
	at = p.len + 12 + 2;		/* where the pointer will sit */
	rd[0] = 0;
	rd[1] = 5;
	rd[2] = (unsigned char)(0xc0 | at >> 8);
	rd[3] = (unsigned char)at;
	pkt_rr(&p, ns_t_mx, 4, rd, 4);
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_mx, &r), 1);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	ck_assert(notes_have(&r, "does not expand"));
	dns_records_free(&r);

	/* Two pointers pointing at each other, in a PTR. */
	pkt_start(&p, 2, ns_t_ptr);
	at = p.len + 12;
	rd[0] = (unsigned char)(0xc0 | (at + 2) >> 8);
	rd[1] = (unsigned char)(at + 2);
	rd[2] = (unsigned char)(0xc0 | at >> 8);
	rd[3] = (unsigned char)at;
	pkt_rr(&p, ns_t_ptr, 4, rd, 4);
	pkt_rr(&p, ns_t_ptr, sizeof name_good, name_good, sizeof name_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_ptr, &r), 1);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	dns_records_free(&r);

	/* A pointer past the end of the message, in a CNAME. */
	pkt_start(&p, 2, ns_t_cname);
	rd[0] = 0xff;
	rd[1] = 0xff;
	pkt_rr(&p, ns_t_cname, 2, rd, 2);
	pkt_rr(&p, ns_t_cname, sizeof name_good, name_good, sizeof name_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_cname, &r), 1);
	dns_records_free(&r);

	/* An owner name in a loop: that record alone is lost. */
	pkt_start(&p, 2, ns_t_txt);
	pkt_u16(&p, 0xc000 | (unsigned)p.len);
	pkt_u16(&p, ns_t_txt);
	pkt_u16(&p, ns_c_in);
	pkt_u16(&p, 0);
	pkt_u16(&p, 300);
	pkt_u16(&p, 3);
	pkt_put(&p, "\002no", 3);
	pkt_rr(&p, ns_t_txt, 3, "\002ok", 3);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_txt, &r), 1);
	ck_assert_str_eq(r.rr[0].text, "ok");
	ck_assert(notes_have(&r, "answer record 1: its owner name does not expand"));
	dns_records_free(&r);
}
END_TEST

/* ---- broken messages ------------------------------------------------------------------ */

START_TEST(test_lying_counts)
{
	struct pkt		 p;
	struct dns_records	 r;

	memset(&r, 0, sizeof r);
	/* Row 31: ancount 65535 with one record. */
	pkt_start(&p, 65535, ns_t_mx);
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_mx, &r), 1);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	ck_assert(notes_have(&r, "announces 65535 records but breaks off at record 2"));
	dns_records_free(&r);

	/* An rdlength that runs past the end of the message: the record before is kept. */
	pkt_start(&p, 2, ns_t_mx);
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	pkt_rr(&p, ns_t_mx, 300, mx_good, sizeof mx_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_mx, &r), 1);
	dns_records_free(&r);

	/* A question count that lies: nothing can be read, and a note says so. */
	pkt_start(&p, 1, ns_t_mx);
	p.b[5] = 9;
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_mx, &r), 0);
	ck_assert_uint_gt(r.notes.n, 0);
	dns_records_free(&r);
}
END_TEST

START_TEST(test_truncated)
{
	struct pkt		 p;
	struct dns_records	 r;
	size_t			 one;

	memset(&r, 0, sizeof r);
	pkt_start(&p, 2, ns_t_mx);
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	one = p.len;
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	/* Cut inside the second record's data, then inside its fixed part. */
	ck_assert_uint_eq(dns_parse_records(p.b, p.len - 3, ns_t_mx, &r), 1);
	ck_assert(notes_have(&r, "breaks off at record 2"));
	dns_records_free(&r);
	ck_assert_uint_eq(dns_parse_records(p.b, one + 5, ns_t_mx, &r), 1);
	dns_records_free(&r);
	/* Inside the question; inside the header. */
	ck_assert_uint_eq(dns_parse_records(p.b, 16, ns_t_mx, &r), 0);
	dns_records_free(&r);
	ck_assert_uint_eq(dns_parse_records(p.b, 11, ns_t_mx, &r), 0);
	ck_assert(notes_have(&r, "shorter than a DNS header"));
	dns_records_free(&r);
}
END_TEST

START_TEST(test_length_beyond_buffer)
{
	struct pkt		 p;
	struct dns_records	 r;
	unsigned char		*big;

	/*
	 * Row 29: res_nquery() said more than the 64 KiB it was given. The buffer is exactly
	 * 64 KiB, the length 70000, and ancount 65535 makes the zeros after the record look
	 * like 11-byte records: without the clamp the walk would read far past the buffer.
	 */
	memset(&r, 0, sizeof r);
	pkt_start(&p, 65535, ns_t_mx);
	pkt_rr(&p, ns_t_mx, sizeof mx_good, mx_good, sizeof mx_good);
	big = xcalloc(1, 65536);
	memcpy(big, p.b, p.len);
	ck_assert_uint_eq(dns_parse_records(big, 70000, ns_t_mx, &r), 1);
	ck_assert_str_eq(r.rr[0].target, "smtp.lab.test");
	dns_records_free(&r);
	free(big);
}
END_TEST

START_TEST(test_many_records)
{
	struct pkt		 p;
	struct dns_records	 r;
	size_t			 i;

	memset(&r, 0, sizeof r);
	pkt_start(&p, 100, ns_t_txt);
	for (i = 0; i < 100; i++)
		pkt_rr(&p, ns_t_txt, 3, "\002ok", 3);
	ck_assert_uint_eq(dns_parse_records(p.b, p.len, ns_t_txt, &r), DNS_MAX_RECORDS);
	ck_assert(notes_have(&r, "the rest were not kept"));
	dns_records_free(&r);
}
END_TEST

/* ---- names and statuses --------------------------------------------------------------- */

START_TEST(test_reverse)
{
	struct sockaddr_storage	 ss;
	char			 buf[128];

	ck_assert_int_eq(net_addr_parse("192.0.2.10", &ss), 0);
	ck_assert_int_eq(dns_reverse_name(&ss, NULL, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "10.2.0.192.in-addr.arpa");
	ck_assert_int_eq(dns_reverse_name(&ss, "zen.spamhaus.org", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "10.2.0.192.zen.spamhaus.org");
	ck_assert_int_eq(dns_reverse_name(&ss, NULL, buf, 10), -1);
	ck_assert_str_eq(buf, "");

	/* RFC 3596 2.5. */
	ck_assert_int_eq(net_addr_parse("2001:db8::567:89ab", &ss), 0);
	ck_assert_int_eq(dns_reverse_name(&ss, NULL, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
	    ".ip6.arpa");
	ck_assert_int_eq(dns_reverse_name(&ss, NULL, buf, 72), -1);
	ck_assert_int_eq(dns_reverse_name(&ss, NULL, buf, 73), 0);

	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX;
	ck_assert_int_eq(dns_reverse_name(&ss, NULL, buf, sizeof buf), -1);
}
END_TEST

START_TEST(test_statuses)
{
	ck_assert_str_eq(dns_status_name(DNS_TRUNCATED), "truncated");
	ck_assert(dns_status_answered(DNS_OK));
	ck_assert(dns_status_answered(DNS_NXDOMAIN));
	ck_assert(dns_status_answered(DNS_NODATA));
	ck_assert(!dns_status_answered(DNS_SERVFAIL));
	ck_assert(!dns_status_answered(DNS_TRUNCATED));
	ck_assert(!dns_status_answered(DNS_TIMEOUT));
	/* A cut answer is still an answer: it beats silence, not NODATA. */
	ck_assert_int_eq(dns_status_combine(DNS_TRUNCATED, DNS_TIMEOUT), DNS_TRUNCATED);
	ck_assert_int_eq(dns_status_combine(DNS_TRUNCATED, DNS_NODATA), DNS_NODATA);
	ck_assert_str_eq(dns_type_name(ns_t_srv), "srv");
	ck_assert_str_eq(dns_type_name(ns_t_soa), "other");
	ck_assert_int_eq(dns_resolver_family("192.0.2.53:5353"), AF_INET);
	ck_assert_int_eq(dns_resolver_family("[2001:db8::53]:53"), AF_INET6);
	ck_assert_int_eq(dns_resolver_family("2001:db8::53"), AF_INET6);
	ck_assert_int_eq(dns_resolver_family("resolver.example"), AF_UNSPEC);
}
END_TEST

START_TEST(test_lookup_refused)
{
	struct dns_config	 cfg = { "127.0.0.1:1", 1000 };
	struct dns_records	 r;
	char			*cause = NULL;

	/* Questions that cannot be asked fail before any traffic. */
	ck_assert_int_eq(dns_lookup(&cfg, "a..b", ns_t_mx, &r, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_soa, &r, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "not one sendfix asks for"));
	free(cause);
	cause = NULL;
	cfg.resolver = "not-an-address";
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_mx, &r, &cause), -1);
	free(cause);
	ck_assert_uint_eq(r.n, 0);
	dns_records_free(&r);
}
END_TEST

/* ---- the reputation data and the blocklist answers ------------------------------------ */

static const char lab_data[] =
    "# a lab\n"
    "myip-name myip.lab.test\n"
    "myip-resolver 192.0.2.53\n"
    "myip-resolver [2001:db8::53]:53\n"
    "list bl.lab.test\n"
    "title Lab List\n"
    "ipv6 yes\n"
    "delist https://bl.lab.test/remove\n"
    "listed 127.0.0.2 a spam source\n"
    "listed 127.0.0.10 end-user range\n"
    "refused 127.255.255.254 asked through a public resolver\n";

START_TEST(test_data_parse)
{
	struct reputation_data		*d;
	const struct reputation_data	*b;
	char				*errors = NULL;

	ck_assert_int_eq(reputation_parse_buffer("lab", lab_data, sizeof lab_data - 1, &d,
	    &errors), 0);
	ck_assert_str_eq(d->myip_name, "myip.lab.test");
	ck_assert_uint_eq(d->nmyip_resolvers, 2);
	ck_assert_uint_eq(d->nlists, 1);
	ck_assert_str_eq(d->lists[0].title, "Lab List");
	ck_assert_int_eq(d->lists[0].ipv6, 1);
	ck_assert_uint_eq(d->lists[0].ncodes, 3);
	ck_assert_int_eq(d->lists[0].codes[2].refused, 1);
	ck_assert_str_eq(d->lists[0].codes[2].meaning, "asked through a public resolver");
	ck_assert_int_eq(d->lists[0].codes[2].line, 11);
	reputation_data_free(d);

	/* The built-in data: the three lists with their pages, Spamhaus's error codes. */
	b = reputation_builtin();
	ck_assert_str_eq(b->myip_name, "myip.opendns.com");
	ck_assert_uint_eq(b->nmyip_resolvers, 2);
	ck_assert_uint_eq(b->nlists, 3);
	ck_assert_str_eq(b->lists[0].zone, "zen.spamhaus.org");
	ck_assert_int_eq(b->lists[0].ipv6, 1);
	ck_assert_int_eq(b->lists[1].ipv6, 0);
	ck_assert_ptr_nonnull(b->lists[2].delist);
	ck_assert_uint_eq(b->lists[0].ncodes, 10);
}
END_TEST

struct data_case {
	const char	*text;
	const char	*error;		/* the first line of *errors */
};

static const struct data_case data_cases[] = {
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 127.0.0.2 x\n"
	    "colour blue\n", "t:5: unknown statement \"colour\"" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlisted 127.0.0.2 x\n",
	    "t:3: listed before any list line" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 10.0.0.2 x\n",
	    "t:4: \"10.0.0.2\" is not an IPv4 address in 127.0.0.0/8" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 127.255.255.254 x\n",
	    "t:4: 127.255.255.254 is in 127.255.255.0/24, which is always a query error" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 127.0.0.2\n",
	    "t:4: expected listed ADDR TEXT" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 127.0.0.2 a\n"
	    "listed 127.0.0.2 b\n", "t:5: 127.0.0.2 is already described on line 4" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nrefused 127.255.255.254 x\n",
	    "t:3: the list x.test has no listed code" },
	{ "myip-name a.test\nmyip-resolver resolver.test\nlist x.test\nlisted 127.0.0.2 x\n",
	    "t:2: resolver \"resolver.test\" is not an IP address (give ADDR, ADDR:PORT, "
	    "[IPv6]:PORT or a bare IPv6 address)" },
	{ "myip-resolver 192.0.2.1\nlist x.test\nlisted 127.0.0.2 x\nipv6 maybe\n",
	    "t:4: ipv6 takes yes or no, not \"maybe\"" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 127.0.0.2 x\n"
	    "delist ftp://x\n", "t:5: delist takes an http:// or https:// address" },
	{ "myip-name a..test\nmyip-resolver 192.0.2.1\n", "t:1: \"a..test\" is not a DNS name" },
	{ "myip-resolver 192.0.2.1\n", "t: no myip-name line" },
	{ "myip-name a.test\nmyip-resolver 192.0.2.1\nlist x.test\nlisted 127.0.0.2 \033x\n",
	    "t:4: the line is not UTF-8 text or holds a control character" },
};

START_TEST(test_data_errors)
{
	const struct data_case	*c = &data_cases[_i];
	struct reputation_data	*d = NULL;
	char			*errors = NULL, *nl;

	ck_assert_int_eq(reputation_parse_buffer("t", c->text, strlen(c->text), &d, &errors),
	    -1);
	ck_assert_ptr_null(d);
	if ((nl = strchr(errors, '\n')) != NULL)
		*nl = '\0';
	ck_assert_str_eq(errors, c->error);
	free(errors);
}
END_TEST

struct classify_case {
	const char		*why;
	enum dns_status		 dns;
	const char		*addrs[3];
	enum reputation_status	 want;
	const char		*meaning;	/* of the first hit, or NULL */
};

static const struct classify_case classify_cases[] = {
	{ "nxdomain", DNS_NXDOMAIN, { NULL }, REPUTATION_NOT_LISTED, NULL },
	{ "nodata", DNS_NODATA, { NULL }, REPUTATION_NOT_LISTED, NULL },
	{ "listed", DNS_OK, { "127.0.0.2" }, REPUTATION_LISTED, "a spam source" },
	{ "two codes", DNS_OK, { "127.0.0.2", "127.0.0.10" }, REPUTATION_LISTED,
	    "a spam source" },
	{ "public resolver", DNS_OK, { "127.255.255.254" }, REPUTATION_QUERY_REFUSED,
	    "asked through a public resolver" },
	{ "undocumented error code", DNS_OK, { "127.255.255.255" }, REPUTATION_QUERY_REFUSED,
	    "the list returned an error code about the query itself, not about the address" },
	{ "error beats listed", DNS_OK, { "127.0.0.2", "127.255.255.252" },
	    REPUTATION_QUERY_REFUSED, "a spam source" },
	{ "undocumented code", DNS_OK, { "127.0.0.99" }, REPUTATION_UNEXPECTED,
	    "an answer this list does not document; not taken as a listing" },
	{ "hijacked nxdomain", DNS_OK, { "192.0.2.99" }, REPUTATION_UNEXPECTED, NULL },
	{ "timeout", DNS_TIMEOUT, { NULL }, REPUTATION_TIMEOUT, NULL },
	{ "servfail", DNS_SERVFAIL, { NULL }, REPUTATION_ERROR, NULL },
	{ "refused", DNS_REFUSED, { NULL }, REPUTATION_ERROR, NULL },
	{ "truncated", DNS_TRUNCATED, { NULL }, REPUTATION_ERROR, NULL },
};

START_TEST(test_classify)
{
	const struct classify_case	*c = &classify_cases[_i];
	struct reputation_data		*d;
	struct reputation_result	 r;
	struct sockaddr_storage		 addrs[3];
	char				*errors = NULL;
	size_t				 n;

	ck_assert_int_eq(reputation_parse_buffer("lab", lab_data, sizeof lab_data - 1, &d,
	    &errors), 0);
	for (n = 0; n < 3 && c->addrs[n] != NULL; n++)
		ck_assert_int_eq(net_addr_parse(c->addrs[n], &addrs[n]), 0);
	memset(&r, 0, sizeof r);
	r.list = &d->lists[0];
	reputation_classify(c->dns, addrs, n, &r);
	ck_assert_msg(r.status == c->want, "%s: got %s", c->why,
	    reputation_status_name(r.status));
	ck_assert_int_eq(r.dns_status, c->dns);
	ck_assert_uint_eq(r.nhits, c->dns == DNS_OK ? n : 0);
	if (c->meaning != NULL)
		ck_assert_str_eq(r.hits[0].meaning, c->meaning);
	free(r.hits);
	reputation_data_free(d);
}
END_TEST

/* ---- the run-wide answer cache, against fake servers on loopback ---------------------- */

/*
 * A UDP server on 127.0.0.1 that counts the questions reaching it. Its answers change with
 * every question, so a copy told apart from a fresh answer: TXT "answer N" and A 192.0.2.N
 * for the Nth question, each followed by a malformed record of the type (a note), AAAA none
 * (NODATA). silent: it never answers (timeouts); delay_ms: it waits before answering.
 */
struct fake_dns {
	int		 fd;
	char		 resolver[32];	/* "127.0.0.1:PORT" */
	atomic_int	 silent;
	atomic_int	 delay_ms;
	atomic_int	 queries;
	atomic_int	 stop;
	pthread_t	 thread;
};

static struct fake_dns	 fake[2];

static void	*fake_dns_loop(void *);
static unsigned char *fake_u16(unsigned char *, unsigned);
static unsigned char *fake_rr(unsigned char *, unsigned, const unsigned char *, size_t);
static void	 fake_dns_answer(const unsigned char *, size_t, int, struct pkt *);
static void	 fake_dns_start(struct fake_dns *);
static void	 fake_dns_stop(struct fake_dns *);
static void	 cache_setup(void);
static void	 cache_teardown(void);
static void	 sleep_ms(int);
static int	 fake_queries(int);
static void	 records_same(const struct dns_records *, const struct dns_records *);

/* How many questions fake[i] has had; a function, so that a failure reads plainly. */
static int
fake_queries(int i)
{
	return (atomic_load(&fake[i].queries));
}

static void
sleep_ms(int ms)
{
	struct timespec	 ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1)
		;
}

static unsigned char *
fake_u16(unsigned char *w, unsigned v)
{
	*w++ = (unsigned char)(v >> 8);
	*w++ = (unsigned char)v;
	return (w);
}

/* A record owned by the question name (a pointer to offset 12), TTL 300. */
static unsigned char *
fake_rr(unsigned char *w, unsigned type, const unsigned char *rdata, size_t rdlen)
{
	w = fake_u16(w, 0xc00c);
	w = fake_u16(w, type);
	w = fake_u16(w, ns_c_in);
	w = fake_u16(w, 0);
	w = fake_u16(w, 300);
	w = fake_u16(w, (unsigned)rdlen);
	memcpy(w, rdata, rdlen);
	return (w + rdlen);
}

/*
 * The reply to query q (len bytes, at most 512), the server's nq-th. It runs on the
 * server's thread, so not through pkt_put: check's asserts belong to the test's thread.
 * The question and a few records always fit the 8 kB.
 */
static void
fake_dns_answer(const unsigned char *q, size_t len, int nq, struct pkt *p)
{
	unsigned char	*w = p->b, rd[32];
	size_t		 end = HFIXEDSZ;
	unsigned int	 qtype;
	int		 l;

	p->len = 0;
	while (end < len && q[end] != 0 && (q[end] & 0xc0) == 0)
		end += q[end] + 1u;
	if (end + 5 > len)
		return;
	end += 5;
	qtype = (unsigned int)q[end - 4] << 8 | q[end - 3];
	memcpy(w, q, 2);			/* the id */
	w = fake_u16(w + 2, 0x8180);		/* QR, RD, RA, NOERROR */
	w = fake_u16(w, 1);
	w = fake_u16(w, qtype == ns_t_txt || qtype == ns_t_a ? 2 : 0);
	w = fake_u16(w, 0);
	w = fake_u16(w, 0);
	memcpy(w, q + HFIXEDSZ, end - HFIXEDSZ);
	w += end - HFIXEDSZ;
	if (qtype == ns_t_txt) {
		l = snprintf((char *)rd + 1, sizeof rd - 1, "answer %d", nq);
		rd[0] = (unsigned char)l;
		w = fake_rr(w, ns_t_txt, rd, (size_t)l + 1);
		/* A character-string that runs past its record: a note. */
		rd[0] = 9;
		w = fake_rr(w, ns_t_txt, rd, 3);
	} else if (qtype == ns_t_a) {
		rd[0] = 192;
		rd[1] = 0;
		rd[2] = 2;
		rd[3] = (unsigned char)nq;
		w = fake_rr(w, ns_t_a, rd, 4);
		w = fake_rr(w, ns_t_a, rd, 3);	/* too short for an address: a note */
	}
	p->len = (size_t)(w - p->b);
}

static void *
fake_dns_loop(void *arg)
{
	struct fake_dns		*f = arg;
	struct sockaddr_storage	 from;
	struct pollfd		 pfd;
	struct pkt		 p;
	unsigned char		 q[512];
	socklen_t		 fromlen;
	ssize_t			 n;
	int			 nq, delay;

	while (!atomic_load(&f->stop)) {
		pfd.fd = f->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		fromlen = sizeof from;
		n = recvfrom(f->fd, q, sizeof q, 0, (struct sockaddr *)&from, &fromlen);
		if (n < HFIXEDSZ)
			continue;
		nq = atomic_fetch_add(&f->queries, 1) + 1;
		if (atomic_load(&f->silent))
			continue;
		if ((delay = atomic_load(&f->delay_ms)) > 0)
			sleep_ms(delay);
		fake_dns_answer(q, (size_t)n, nq, &p);
		if (p.len > 0)
			(void)sendto(f->fd, p.b, p.len, 0, (struct sockaddr *)&from, fromlen);
	}
	return (NULL);
}

static void
fake_dns_start(struct fake_dns *f)
{
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(f->fd, 0);
	ck_assert_int_eq(bind(f->fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(f->fd, (struct sockaddr *)&sin, &sl), 0);
	snprintf(f->resolver, sizeof f->resolver, "127.0.0.1:%u", ntohs(sin.sin_port));
	atomic_store(&f->silent, 0);
	atomic_store(&f->delay_ms, 0);
	atomic_store(&f->queries, 0);
	atomic_store(&f->stop, 0);
	ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_dns_loop, f), 0);
}

static void
fake_dns_stop(struct fake_dns *f)
{
	atomic_store(&f->stop, 1);
	pthread_join(f->thread, NULL);
	close(f->fd);
}

/* Each case starts with nothing remembered, as a new run does. */
static void
cache_setup(void)
{
	dns_cache_forget();
	fake_dns_start(&fake[0]);
	fake_dns_start(&fake[1]);
}

static void
cache_teardown(void)
{
	fake_dns_stop(&fake[0]);
	fake_dns_stop(&fake[1]);
	dns_cache_forget();
}

/* Two lookups read the same: status, every field of every record, the notes in order. */
static void
records_same(const struct dns_records *a, const struct dns_records *b)
{
	size_t	 i;

	ck_assert_int_eq(a->status, b->status);
	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->rr[i].type, b->rr[i].type);
		ck_assert_uint_eq(a->rr[i].ttl, b->rr[i].ttl);
		ck_assert_str_eq(a->rr[i].owner, b->rr[i].owner);
		ck_assert_int_eq(memcmp(&a->rr[i].addr, &b->rr[i].addr, sizeof a->rr[i].addr), 0);
		ck_assert_uint_eq(a->rr[i].text_len, b->rr[i].text_len);
		if (a->rr[i].text != NULL)
			ck_assert_int_eq(memcmp(a->rr[i].text, b->rr[i].text,
			    a->rr[i].text_len + 1), 0);
		else
			ck_assert_ptr_null(b->rr[i].text);
		ck_assert_ptr_ne(a->rr[i].owner, b->rr[i].owner);	/* copies, not shared */
	}
	ck_assert_uint_eq(a->notes.n, b->notes.n);
	for (i = 0; i < a->notes.n; i++)
		ck_assert_str_eq(a->notes.v[i], b->notes.v[i]);
}

START_TEST(test_cache_repeat)
{
	struct dns_config	 cfg = { fake[0].resolver, 2000 };
	struct dns_records	 r1, r2;
	struct dns_host		 h1, h2;
	char			*cause = NULL;

	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r1, &cause), 0);
	ck_assert_int_eq(r1.status, DNS_OK);
	ck_assert_uint_eq(r1.n, 1);
	ck_assert_str_eq(r1.rr[0].text, "answer 1");
	ck_assert(notes_have(&r1, "runs past the end"));
	ck_assert_int_eq(fake_queries(0), 1);

	/* The second costs nothing and reads exactly as the first. */
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r2, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 1);
	records_same(&r1, &r2);
	ck_assert_int_le(r2.elapsed_ms, r1.elapsed_ms + 50);
	dns_records_free(&r1);
	dns_records_free(&r2);

	/* Addresses as dns_resolve_host reads them: A and AAAA asked once each. */
	ck_assert_int_eq(dns_resolve_host(&cfg, "smtp.lab.test", &h1, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 3);
	ck_assert_int_eq(dns_resolve_host(&cfg, "smtp.lab.test", &h2, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 3);
	ck_assert_int_eq(h1.status, DNS_OK);
	ck_assert_int_eq(h1.status_aaaa, DNS_NODATA);
	ck_assert_int_eq(h2.status, h1.status);
	ck_assert_int_eq(h2.status_a, h1.status_a);
	ck_assert_int_eq(h2.status_aaaa, h1.status_aaaa);
	ck_assert_uint_eq(h1.naddrs, 1);
	ck_assert_uint_eq(h2.naddrs, 1);
	ck_assert_ptr_ne(h1.addrs, h2.addrs);
	ck_assert_int_eq(memcmp(h1.addrs, h2.addrs, sizeof *h1.addrs), 0);
	dns_host_free(&h1);
	dns_host_free(&h2);
}
END_TEST

START_TEST(test_cache_in_flight)
{
	struct dns_config		 cfg = { fake[0].resolver, 3000 };
	const struct dns_question	 q[3] = {
		{ "lab.test", ns_t_txt, NULL },
		{ "lab.test", ns_t_txt, NULL },
		{ "lab.test", ns_t_txt, NULL },
	};
	struct dns_records		 r[3];
	int				 rc[3], i;

	/* Slow enough that all three are asked while the first is in flight. */
	atomic_store(&fake[0].delay_ms, 300);
	dns_lookup_many(&cfg, q, 3, r, rc, NULL);
	ck_assert_int_eq(fake_queries(0), 1);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(rc[i], 0);
		ck_assert_int_eq(r[i].status, DNS_OK);
		ck_assert_str_eq(r[i].rr[0].text, "answer 1");
		/* Those that waited waited: elapsed_ms is the time each really took. */
		ck_assert_int_ge(r[i].elapsed_ms, 250);
	}
	records_same(&r[0], &r[1]);
	records_same(&r[0], &r[2]);
	for (i = 0; i < 3; i++)
		dns_records_free(&r[i]);
}
END_TEST

struct cache_job {
	struct dns_config	 cfg;
	struct dns_records	 r;
	int			 rc;
};

static void *
cache_job_run(void *arg)
{
	struct cache_job	*job = arg;
	char			*cause = NULL;

	job->rc = dns_lookup(&job->cfg, "lab.test", ns_t_txt, &job->r, &cause);
	free(cause);
	return (NULL);
}

START_TEST(test_cache_forget_in_flight)
{
	struct cache_job	 job[2];
	struct dns_records	 r;
	pthread_t		 t[2];
	char			*cause = NULL;
	int			 i;

	/* One asks, one waits for it, and everything is forgotten meanwhile. */
	atomic_store(&fake[0].delay_ms, 400);
	for (i = 0; i < 2; i++) {
		memset(&job[i], 0, sizeof job[i]);
		job[i].cfg.resolver = fake[0].resolver;
		job[i].cfg.timeout_ms = 3000;
	}
	ck_assert_int_eq(pthread_create(&t[0], NULL, cache_job_run, &job[0]), 0);
	sleep_ms(100);
	ck_assert_int_eq(pthread_create(&t[1], NULL, cache_job_run, &job[1]), 0);
	sleep_ms(100);
	dns_cache_forget();
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(job[i].rc, 0);
		ck_assert_int_eq(job[i].r.status, DNS_OK);
		ck_assert_str_eq(job[i].r.rr[0].text, "answer 1");
		dns_records_free(&job[i].r);
	}
	ck_assert_int_eq(fake_queries(0), 1);

	/* The answer that was in flight was not kept. */
	atomic_store(&fake[0].delay_ms, 0);
	ck_assert_int_eq(dns_lookup(&job[0].cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 2);
	ck_assert_str_eq(r.rr[0].text, "answer 2");
	dns_records_free(&r);
}
END_TEST

START_TEST(test_cache_case)
{
	struct dns_config	 cfg = { fake[0].resolver, 2000 };
	static const char	*names[] = { "lab.test", "LAB.Test", "lab.test.", "l\\097b.TEST" };
	struct dns_records	 r;
	char			*cause = NULL;
	size_t			 i;

	/* RFC 4343: one name however its letters are written; the wire form is compared. */
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		ck_assert_int_eq(dns_lookup(&cfg, names[i], ns_t_txt, &r, &cause), 0);
		ck_assert_int_eq(r.status, DNS_OK);
		ck_assert_str_eq(r.rr[0].text, "answer 1");
		dns_records_free(&r);
	}
	ck_assert_int_eq(fake_queries(0), 1);

	/* A different name is a different question. */
	ck_assert_int_eq(dns_lookup(&cfg, "lab.tests", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 2);
	ck_assert_str_eq(r.rr[0].text, "answer 2");
	dns_records_free(&r);
}
END_TEST

START_TEST(test_cache_separate)
{
	struct dns_config	 cfg = { fake[0].resolver, 2000 };
	struct dns_records	 r;
	struct dns_host		 h;
	char			*cause = NULL;

	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	dns_records_free(&r);
	ck_assert_int_eq(fake_queries(0), 1);

	/* Another type. */
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_a, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 2);
	ck_assert_int_eq(r.status, DNS_OK);
	ck_assert_uint_eq(r.n, 1);
	dns_records_free(&r);

	/* The same A question read as bare addresses is kept apart: they are read differently. */
	ck_assert_int_eq(dns_resolve_host(&cfg, "lab.test", &h, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 4);
	dns_host_free(&h);

	/* Another resolver: the same question is asked there, and only there. */
	cfg.resolver = fake[1].resolver;
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(1), 1);
	ck_assert_int_eq(fake_queries(0), 4);
	ck_assert_str_eq(r.rr[0].text, "answer 1");
	dns_records_free(&r);

	/* And the timeout is not part of the question. */
	cfg.resolver = fake[0].resolver;
	cfg.timeout_ms = 5000;
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 4);
	dns_records_free(&r);
}
END_TEST

START_TEST(test_cache_forget)
{
	struct dns_config	 cfg = { fake[0].resolver, 2000 };
	struct dns_records	 r;
	char			*cause = NULL;

	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_str_eq(r.rr[0].text, "answer 1");
	dns_records_free(&r);
	dns_cache_forget();
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), 2);
	ck_assert_str_eq(r.rr[0].text, "answer 2");
	dns_records_free(&r);
}
END_TEST

START_TEST(test_cache_timeout)
{
	struct dns_config	 cfg = { fake[0].resolver, 1000 };
	struct dns_records	 r;
	char			*cause = NULL;

	/* One timeout per question per run: the second is told at once. */
	atomic_store(&fake[0].silent, 1);
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(r.status, DNS_TIMEOUT);
	ck_assert_int_ge(r.elapsed_ms, 900);
	dns_records_free(&r);
	ck_assert_int_eq(fake_queries(0), 1);
	ck_assert_int_eq(dns_lookup(&cfg, "lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(r.status, DNS_TIMEOUT);
	ck_assert_int_lt(r.elapsed_ms, 500);
	ck_assert_int_eq(fake_queries(0), 1);
	dns_records_free(&r);
}
END_TEST

START_TEST(test_cache_bounded)
{
	struct dns_config	 cfg = { fake[0].resolver, 2000 };
	struct dns_records	 r;
	char			 name[32], *cause = NULL;
	int			 i;

	/* One more name than there is room for: the oldest answer makes way. */
	for (i = 0; i <= DNS_CACHE_MAX; i++) {
		snprintf(name, sizeof name, "n%d.lab.test", i);
		ck_assert_int_eq(dns_lookup(&cfg, name, ns_t_txt, &r, &cause), 0);
		dns_records_free(&r);
	}
	ck_assert_int_eq(fake_queries(0), DNS_CACHE_MAX + 1);
	ck_assert_int_eq(dns_lookup(&cfg, "n1.lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), DNS_CACHE_MAX + 1);
	ck_assert_str_eq(r.rr[0].text, "answer 2");
	dns_records_free(&r);
	ck_assert_int_eq(dns_lookup(&cfg, "n0.lab.test", ns_t_txt, &r, &cause), 0);
	ck_assert_int_eq(fake_queries(0), DNS_CACHE_MAX + 2);
	dns_records_free(&r);
}
END_TEST

static Suite *
dns_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("dns");

	tc = tcase_create("types");
	tcase_add_test(tc, test_mx);
	tcase_add_test(tc, test_txt);
	tcase_add_test(tc, test_srv_ptr_cname_addr);
	tcase_add_test(tc, test_odd_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_rdlen, 0,
	    (int)(sizeof rdlen_cases / sizeof rdlen_cases[0]));
	tcase_add_test(tc, test_compression);
	tcase_add_test(tc, test_lying_counts);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_length_beyond_buffer);
	tcase_add_test(tc, test_many_records);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_test(tc, test_reverse);
	tcase_add_test(tc, test_statuses);
	tcase_add_test(tc, test_lookup_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("reputation");
	tcase_add_test(tc, test_data_parse);
	tcase_add_loop_test(tc, test_data_errors, 0,
	    (int)(sizeof data_cases / sizeof data_cases[0]));
	tcase_add_loop_test(tc, test_classify, 0,
	    (int)(sizeof classify_cases / sizeof classify_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, cache_setup, cache_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_cache_repeat);
	tcase_add_test(tc, test_cache_in_flight);
	tcase_add_test(tc, test_cache_forget_in_flight);
	tcase_add_test(tc, test_cache_case);
	tcase_add_test(tc, test_cache_separate);
	tcase_add_test(tc, test_cache_forget);
	tcase_add_test(tc, test_cache_timeout);
	tcase_add_test(tc, test_cache_bounded);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(dns_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
