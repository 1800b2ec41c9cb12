/* check_dns.c: unit tests for the DNS record parsers, reverse names and the blocklist data. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
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
