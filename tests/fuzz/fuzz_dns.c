/* fuzz_dns.c: libFuzzer target for the DNS message parsers of src/dns.c. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/nameser.h>

#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "fuzz.h"
#include "sanitize.h"
#include "util.h"

static void	 fuzz_presentable(const char *);

static const int fuzz_types[] = {
	ns_t_a, ns_t_aaaa, ns_t_mx, ns_t_txt, ns_t_srv, ns_t_ptr, ns_t_cname
};

/* Owner and target names come out of dn_expand: printable ASCII, other bytes as \DDD. */
static void
fuzz_presentable(const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++)
		FUZZ_CHECK(*s >= 0x20 && *s < 0x7f);
}

/*
 * The input is one DNS message as a resolver returned it (header, question, answers).
 * Every parser reads it, for every record type: the message is tiny, and a record that
 * one type skips as malformed is what another type has to read.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_records	 recs;
	struct sockaddr_storage	*addrs = NULL;
	enum dns_status		 st;
	size_t			 i, k, n, naddrs = 0;
	int			 type;

	for (k = 0; k < sizeof fuzz_types / sizeof fuzz_types[0]; k++) {
		type = fuzz_types[k];
		memset(&recs, 0, sizeof recs);
		n = dns_parse_records(data, size, type, &recs);
		FUZZ_CHECK(n == recs.n && n <= DNS_MAX_RECORDS);
		for (i = 0; i < recs.n; i++) {
			FUZZ_CHECK(recs.rr[i].type == type);
			fuzz_presentable(recs.rr[i].owner);
			fuzz_presentable(recs.rr[i].target);
			if (type == ns_t_a)
				FUZZ_CHECK(recs.rr[i].addr.ss_family == AF_INET);
			if (type == ns_t_aaaa)
				FUZZ_CHECK(recs.rr[i].addr.ss_family == AF_INET6);
			if (type == ns_t_txt) {
				FUZZ_CHECK(recs.rr[i].text != NULL);
				FUZZ_CHECK(recs.rr[i].text[recs.rr[i].text_len] == '\0');
				free(sanitize_text(recs.rr[i].text, recs.rr[i].text_len));
			}
		}
		for (i = 0; i < recs.notes.n; i++)
			FUZZ_CHECK(recs.notes.v[i] != NULL);
		dns_records_free(&recs);

		if (dns_reply_status(data, size, "example.com", type, &st) == 0)
			FUZZ_CHECK(st < DNS_STATUS_COUNT && dns_status_name(st) != NULL);
	}

	n = dns_parse_addrs(data, size, ns_t_a, &addrs, &naddrs);
	FUZZ_CHECK(n <= 32 && naddrs == n);
	n = dns_parse_addrs(data, size, ns_t_aaaa, &addrs, &naddrs);
	FUZZ_CHECK(n <= 32);
	for (i = 0; i < naddrs; i++)
		FUZZ_CHECK(addrs[i].ss_family == AF_INET || addrs[i].ss_family == AF_INET6);
	free(addrs);
	return (0);
}
