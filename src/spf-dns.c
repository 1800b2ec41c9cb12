/* spf-dns.c: answers the SPF evaluator's TXT, A/AAAA, MX and PTR questions through dns.h. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/nameser.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "spf-dns.h"
#include "spf.h"
#include "util.h"

static enum spf_dns_status spf_dns_ask(struct spf_dns *, const char *, int,
		     struct dns_records *);
static void	 spf_dns_txt_copy(const struct dns_records *, struct strlist *);
static enum spf_dns_status spf_dns_txt(void *, const char *, struct strlist *);
static enum spf_dns_status spf_dns_addr(void *, const char *, int,
		     struct sockaddr_storage **, size_t *);
static enum spf_dns_status spf_dns_mx(void *, const char *, struct strlist *);
static enum spf_dns_status spf_dns_ptr(void *, const struct sockaddr_storage *,
		     struct strlist *);

enum spf_dns_status
spf_dns_status(enum dns_status s)
{
	switch (s) {
	case DNS_OK:
		return (SPF_DNS_OK);
	case DNS_NXDOMAIN:
		return (SPF_DNS_NXDOMAIN);
	case DNS_NODATA:
		return (SPF_DNS_NODATA);
	case DNS_TIMEOUT:
		return (SPF_DNS_TIMEOUT);
	default:
		return (SPF_DNS_ERROR);
	}
}

/* One question; a name the DNS layer cannot ask is an error, as RFC 7208 5 treats it. */
static enum spf_dns_status
spf_dns_ask(struct spf_dns *sd, const char *name, int type, struct dns_records *out)
{
	char	*cause = NULL;

	sd->lookups++;
	if (dns_lookup(&sd->cfg, name, type, out, &cause) != 0) {
		free(cause);
		return (SPF_DNS_ERROR);
	}
	return (spf_dns_status(out->status));
}

/* RFC 7208 3.3: strings already joined; NUL bytes become 0x7f as spf.h asks. */
static void
spf_dns_txt_copy(const struct dns_records *recs, struct strlist *out)
{
	char	*t;
	size_t	 i, j;

	for (i = 0; i < recs->n; i++) {
		t = xmalloc(recs->rr[i].text_len + 1);
		for (j = 0; j < recs->rr[i].text_len; j++)
			t[j] = recs->rr[i].text[j] == '\0' ? 0x7f : recs->rr[i].text[j];
		t[j] = '\0';
		strlist_take(out, t);
	}
}

static enum spf_dns_status
spf_dns_txt(void *arg, const char *name, struct strlist *out)
{
	struct spf_dns		*sd = arg;
	struct dns_records	 recs;
	enum spf_dns_status	 st;

	if (sd->seed != NULL && sd->seed_name != NULL && strcasecmp(name, sd->seed_name) == 0) {
		spf_dns_txt_copy(sd->seed, out);
		return (spf_dns_status(sd->seed->status));
	}
	memset(&recs, 0, sizeof recs);
	st = spf_dns_ask(sd, name, ns_t_txt, &recs);
	spf_dns_txt_copy(&recs, out);
	dns_records_free(&recs);
	return (st);
}

static enum spf_dns_status
spf_dns_addr(void *arg, const char *name, int family, struct sockaddr_storage **addrs,
    size_t *naddrs)
{
	struct spf_dns		*sd = arg;
	struct dns_records	 recs;
	enum spf_dns_status	 st;
	size_t			 i;

	memset(&recs, 0, sizeof recs);
	st = spf_dns_ask(sd, name, family == AF_INET6 ? ns_t_aaaa : ns_t_a, &recs);
	for (i = 0; i < recs.n; i++) {
		*addrs = xreallocarray(*addrs, *naddrs + 1, sizeof **addrs);
		(*addrs)[(*naddrs)++] = recs.rr[i].addr;
	}
	dns_records_free(&recs);
	return (st);
}

static enum spf_dns_status
spf_dns_mx(void *arg, const char *name, struct strlist *out)
{
	struct spf_dns		*sd = arg;
	struct dns_records	 recs;
	enum spf_dns_status	 st;
	size_t			 i;

	memset(&recs, 0, sizeof recs);
	st = spf_dns_ask(sd, name, ns_t_mx, &recs);
	for (i = 0; i < recs.n; i++)
		strlist_add(out, recs.rr[i].target);
	dns_records_free(&recs);
	return (st);
}

static enum spf_dns_status
spf_dns_ptr(void *arg, const struct sockaddr_storage *ip, struct strlist *out)
{
	struct spf_dns		*sd = arg;
	struct dns_records	 recs;
	enum spf_dns_status	 st;
	char			 name[128];
	size_t			 i;

	if (dns_reverse_name(ip, NULL, name, sizeof name) != 0)
		return (SPF_DNS_ERROR);
	memset(&recs, 0, sizeof recs);
	st = spf_dns_ask(sd, name, ns_t_ptr, &recs);
	for (i = 0; i < recs.n; i++)
		strlist_add(out, recs.rr[i].target);
	dns_records_free(&recs);
	return (st);
}

void
spf_dns_resolver(struct spf_dns *sd, struct spf_resolver *r)
{
	memset(r, 0, sizeof *r);
	r->arg = sd;
	r->txt = spf_dns_txt;
	r->addr = spf_dns_addr;
	r->mx = spf_dns_mx;
	r->ptr = spf_dns_ptr;
}
