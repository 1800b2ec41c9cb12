/* spf-dns.h: the SPF evaluator's resolver callbacks (spf.h) answered by the DNS layer (dns.h). */
#ifndef SENDFIX_SPF_DNS_H
#define SENDFIX_SPF_DNS_H

#include "dns.h"
#include "spf.h"

/*
 * The adapter's state. seed_name/seed (may be NULL) is a TXT answer already fetched, handed
 * out for that name instead of asking again, so a probe that asked for the domain's TXT
 * with its other questions costs no second query. The adapter never frees seed.
 * lookups counts the questions actually sent.
 */
struct spf_dns {
	struct dns_config		 cfg;
	const char			*seed_name;
	const struct dns_records	*seed;
	unsigned int			 lookups;
};

/* Fills r with callbacks over sd (which must outlive every spf_check_host call with r). */
void	 spf_dns_resolver(struct spf_dns *sd, struct spf_resolver *r);

/* The SPF view of a DNS status: answered kinds as they are, failures as ERROR or TIMEOUT. */
enum spf_dns_status spf_dns_status(enum dns_status);

#endif
