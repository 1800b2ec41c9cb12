/* reputation.c: the public address through myip.opendns.com, and DNS blocklist lookups. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "embedded.h"
#include "net.h"
#include "reputation.h"
#include "sanitize.h"
#include "util.h"

#define REPUTATION_MAX_ERRORS	50
/* 127.255.255.0/24: the range DNSBLs answer with for errors about the query itself. */
#define REPUTATION_ERROR_NET	0x7fffff00U
#define REPUTATION_ERROR_MASK	0xffffff00U
/* A reverse name plus a zone: 63 bytes of nibbles and a dot, then up to 255. */
#define REPUTATION_QUERY_MAX	(64 + NS_MAXDNAME)

static char	*reputation_word(char **);
static int	 reputation_parse_line(struct reputation_data *, char *, int, char **);
static int	 reputation_parse_code(struct reputation_list *, char *, int, int, char **);
static int	 reputation_valid_name(const char *);
static void	 reputation_load_builtin(void);
static void	 reputation_result_free(struct reputation_result *);
static char	*reputation_txt(const struct dns_records *);

static pthread_once_t		 reputation_once = PTHREAD_ONCE_INIT;
static struct reputation_data	*reputation_table;

static const char *const reputation_status_names[] = {
	[REPUTATION_LISTED] = "listed",
	[REPUTATION_NOT_LISTED] = "not-listed",
	[REPUTATION_QUERY_REFUSED] = "query-refused",
	[REPUTATION_UNEXPECTED] = "unexpected-answer",
	[REPUTATION_TIMEOUT] = "timeout",
	[REPUTATION_ERROR] = "error",
	[REPUTATION_NOT_CHECKED] = "not-checked",
};
_Static_assert(sizeof reputation_status_names / sizeof reputation_status_names[0] ==
    REPUTATION_STATUS_COUNT, "reputation_status_names does not match enum reputation_status");

static const char *const reputation_status_wordlist[] = {
	[REPUTATION_LISTED] = "the address is on this list",
	[REPUTATION_NOT_LISTED] = "the address is not on this list",
	[REPUTATION_QUERY_REFUSED] = "the list refused to answer this query, so whether the "
	    "address is on it is not known",
	[REPUTATION_UNEXPECTED] = "the list gave an answer it does not document, so whether "
	    "the address is on it is not known",
	[REPUTATION_TIMEOUT] = "the list did not answer in time",
	[REPUTATION_ERROR] = "the list could not be asked",
	[REPUTATION_NOT_CHECKED] = "this list does not take IPv6 addresses",
};
_Static_assert(sizeof reputation_status_wordlist / sizeof reputation_status_wordlist[0] ==
    REPUTATION_STATUS_COUNT, "reputation_status_wordlist does not match enum");

const char *
reputation_status_name(enum reputation_status status)
{
	if ((unsigned)status >= REPUTATION_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (reputation_status_names[status]);
}

const char *
reputation_status_words(enum reputation_status status)
{
	if ((unsigned)status >= REPUTATION_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)status);
	return (reputation_status_wordlist[status]);
}

/* ---- the data file ---------------------------------------------------------------- */

/* The next word of *s (spaces and tabs part words), or NULL; *s moves past it. */
static char *
reputation_word(char **s)
{
	char	*w;

	*s += strspn(*s, " \t");
	if (**s == '\0')
		return (NULL);
	w = *s;
	*s += strcspn(*s, " \t");
	if (**s != '\0')
		*(*s)++ = '\0';
	*s += strspn(*s, " \t");
	return (w);
}

/* A DNS name the wire form can carry, without empty labels. */
static int
reputation_valid_name(const char *name)
{
	unsigned char	 wire[NS_MAXCDNAME];

	return (*name != '\0' && *name != '.' && strstr(name, "..") == NULL &&
	    ns_name_pton(name, wire, sizeof wire) != -1);
}

/* "listed ADDR TEXT" or "refused ADDR TEXT" for list l. */
static int
reputation_parse_code(struct reputation_list *l, char *rest, int refused, int line,
    char **msg)
{
	struct reputation_code	 c;
	char			*addr;
	size_t			 i;

	memset(&c, 0, sizeof c);
	if ((addr = reputation_word(&rest)) == NULL || *rest == '\0') {
		xasprintf(msg, "expected %s ADDR TEXT", refused ? "refused" : "listed");
		return (-1);
	}
	if (inet_pton(AF_INET, addr, &c.addr) != 1 ||
	    (ntohl(c.addr.s_addr) >> 24) != 127) {
		xasprintf(msg, "\"%s\" is not an IPv4 address in 127.0.0.0/8", addr);
		return (-1);
	}
	if (!refused &&
	    (ntohl(c.addr.s_addr) & REPUTATION_ERROR_MASK) == REPUTATION_ERROR_NET) {
		xasprintf(msg, "%s is in 127.255.255.0/24, which is always a query error",
		    addr);
		return (-1);
	}
	for (i = 0; i < l->ncodes; i++) {
		if (l->codes[i].addr.s_addr == c.addr.s_addr) {
			xasprintf(msg, "%s is already described on line %d", addr,
			    l->codes[i].line);
			return (-1);
		}
	}
	c.line = line;
	c.refused = refused;
	c.meaning = xstrdup(rest);
	l->codes = xreallocarray(l->codes, l->ncodes + 1, sizeof *l->codes);
	l->codes[l->ncodes++] = c;
	return (0);
}

/* One statement (NUL-terminated, tabs made spaces, not blank or a comment). */
static int
reputation_parse_line(struct reputation_data *d, char *s, int line, char **msg)
{
	struct reputation_list	*l = d->nlists > 0 ? &d->lists[d->nlists - 1] : NULL;
	char			*key, *arg, *rest;
	char			*cause = NULL;
	size_t			 i;

	key = reputation_word(&s);
	rest = s;
	if (strcmp(key, "myip-name") == 0 || strcmp(key, "myip-resolver") == 0 ||
	    strcmp(key, "list") == 0 || strcmp(key, "ipv6") == 0 ||
	    strcmp(key, "delist") == 0) {
		/* One word exactly. */
		if ((arg = reputation_word(&s)) == NULL || *s != '\0') {
			xasprintf(msg, "expected %s and one word", key);
			return (-1);
		}
	} else if (strcmp(key, "title") == 0 || strcmp(key, "listed") == 0 ||
	    strcmp(key, "refused") == 0) {
		if (*rest == '\0') {
			xasprintf(msg, "%s needs text after it", key);
			return (-1);
		}
		arg = rest;
	} else {
		xasprintf(msg, "unknown statement \"%s\"", key);
		return (-1);
	}

	if (strcmp(key, "myip-name") == 0) {
		if (d->myip_name != NULL) {
			xasprintf(msg, "myip-name is given twice");
			return (-1);
		}
		if (!reputation_valid_name(arg)) {
			xasprintf(msg, "\"%s\" is not a DNS name", arg);
			return (-1);
		}
		d->myip_name = xstrdup(arg);
		return (0);
	}
	if (strcmp(key, "myip-resolver") == 0) {
		if (dns_resolver_check(arg, &cause) != 0) {
			*msg = cause;
			return (-1);
		}
		d->myip_resolvers = xreallocarray(d->myip_resolvers, d->nmyip_resolvers + 1,
		    sizeof *d->myip_resolvers);
		d->myip_resolvers[d->nmyip_resolvers++] = xstrdup(arg);
		return (0);
	}
	if (strcmp(key, "list") == 0) {
		if (!reputation_valid_name(arg)) {
			xasprintf(msg, "\"%s\" is not a DNS zone name", arg);
			return (-1);
		}
		for (i = 0; i < d->nlists; i++) {
			if (strcasecmp(d->lists[i].zone, arg) == 0) {
				xasprintf(msg, "the list %s is already given on line %d", arg,
				    d->lists[i].line);
				return (-1);
			}
		}
		d->lists = xreallocarray(d->lists, d->nlists + 1, sizeof *d->lists);
		l = &d->lists[d->nlists++];
		memset(l, 0, sizeof *l);
		l->line = line;
		l->zone = xstrdup(arg);
		return (0);
	}

	if (l == NULL) {
		xasprintf(msg, "%s before any list line", key);
		return (-1);
	}
	if (strcmp(key, "title") == 0) {
		if (l->title != NULL) {
			xasprintf(msg, "the list %s has a title already", l->zone);
			return (-1);
		}
		l->title = xstrdup(arg);
		return (0);
	}
	if (strcmp(key, "ipv6") == 0) {
		if (strcmp(arg, "yes") == 0)
			l->ipv6 = 1;
		else if (strcmp(arg, "no") == 0)
			l->ipv6 = 0;
		else {
			xasprintf(msg, "ipv6 takes yes or no, not \"%s\"", arg);
			return (-1);
		}
		return (0);
	}
	if (strcmp(key, "delist") == 0) {
		if (strncmp(arg, "https://", 8) != 0 && strncmp(arg, "http://", 7) != 0) {
			xasprintf(msg, "delist takes an http:// or https:// address");
			return (-1);
		}
		if (l->delist != NULL) {
			xasprintf(msg, "the list %s has a delist page already", l->zone);
			return (-1);
		}
		l->delist = xstrdup(arg);
		return (0);
	}
	return (reputation_parse_code(l, arg, strcmp(key, "refused") == 0, line, msg));
}

int
reputation_parse_buffer(const char *file, const char *buf, size_t len,
    struct reputation_data **out, char **errors)
{
	struct reputation_data	*d;
	struct strlist		 errs = { NULL, 0, 0 };
	const char		*s, *nl;
	char			*line, *msg, *p;
	size_t			 llen, i, j, dropped = 0, total = 0;
	int			 lineno = 0, listed;

	*out = NULL;
	*errors = NULL;
	d = xcalloc(1, sizeof *d);
	d->file = xstrdup(file);
	for (s = buf; s < buf + len; s = nl + 1) {
		lineno++;
		if ((nl = memchr(s, '\n', (size_t)(buf + len - s))) == NULL)
			nl = buf + len;
		llen = (size_t)(nl - s);
		if (llen > 0 && s[llen - 1] == '\r')
			llen--;
		msg = NULL;
		if (memchr(s, '\0', llen) != NULL)
			msg = xstrdup("the line holds a NUL byte");
		else {
			line = xstrndup(s, llen);
			for (p = line; *p != '\0'; p++) {
				if (*p == '\t')
					*p = ' ';
			}
			if (!sanitize_is_safe(line))
				msg = xstrdup("the line is not UTF-8 text or holds a control "
				    "character");
			else {
				p = line + strspn(line, " ");
				if (*p != '\0' && *p != '#')
					reputation_parse_line(d, p, lineno, &msg);
			}
			free(line);
		}
		if (msg != NULL) {
			if (total++ < REPUTATION_MAX_ERRORS)
				strlist_addf(&errs, "%s:%d: %s", file, lineno, msg);
			else
				dropped++;
			free(msg);
		}
	}
	if (d->myip_name == NULL)
		strlist_addf(&errs, "%s: no myip-name line", file);
	if (d->nmyip_resolvers == 0)
		strlist_addf(&errs, "%s: no myip-resolver line", file);
	for (i = 0; i < d->nlists; i++) {
		for (j = 0, listed = 0; j < d->lists[i].ncodes; j++)
			listed += !d->lists[i].codes[j].refused;
		if (listed == 0)
			strlist_addf(&errs, "%s:%d: the list %s has no listed code", file,
			    d->lists[i].line, d->lists[i].zone);
		if (d->lists[i].title == NULL)
			d->lists[i].title = xstrdup(d->lists[i].zone);
	}
	if (errs.n > 0) {
		if (dropped > 0)
			strlist_addf(&errs, "%s: %zu more problems not shown", file, dropped);
		xasprintf(errors, "%s", errs.v[0]);
		for (i = 1; i < errs.n; i++) {
			p = *errors;
			xasprintf(errors, "%s\n%s", p, errs.v[i]);
			free(p);
		}
		strlist_free(&errs);
		reputation_data_free(d);
		return (-1);
	}
	*out = d;
	return (0);
}

void
reputation_data_free(struct reputation_data *d)
{
	size_t	 i, j;

	if (d == NULL)
		return;
	for (i = 0; i < d->nlists; i++) {
		for (j = 0; j < d->lists[i].ncodes; j++)
			free(d->lists[i].codes[j].meaning);
		free(d->lists[i].codes);
		free(d->lists[i].zone);
		free(d->lists[i].title);
		free(d->lists[i].delist);
	}
	free(d->lists);
	for (i = 0; i < d->nmyip_resolvers; i++)
		free(d->myip_resolvers[i]);
	free(d->myip_resolvers);
	free(d->myip_name);
	free(d->file);
	free(d);
}

static void
reputation_load_builtin(void)
{
	const struct embedded_file	*e;
	char				*errors = NULL;

	if ((e = embedded_find(REPUTATION_BUILTIN_NAME)) == NULL)
		fatalx("the built-in reputation data is missing");
	if (reputation_parse_buffer(REPUTATION_BUILTIN_NAME, (const char *)e->data, e->len,
	    &reputation_table, &errors) != 0)
		fatalx("the built-in reputation data is broken: %s", errors);
}

const struct reputation_data *
reputation_builtin(void)
{
	if (pthread_once(&reputation_once, reputation_load_builtin) != 0)
		fatalx("pthread_once failed for the reputation data");
	return (reputation_table);
}

/* ---- the public address ------------------------------------------------------------ */

int
reputation_public_address(const struct reputation_config *cfg,
    const struct reputation_data *data, struct reputation_public *out, char **cause)
{
	struct dns_question	*q;
	struct dns_records	*recs;
	const char		*name;
	const char *const	*resolvers;
	size_t			 n, i, j;
	int			*rc, family;
	char			**causes;

	memset(out, 0, sizeof *out);
	if (data == NULL)
		data = reputation_builtin();
	name = cfg->myip_name != NULL ? cfg->myip_name : data->myip_name;
	if (cfg->myip_resolver != NULL) {
		resolvers = &cfg->myip_resolver;
		n = 1;
	} else {
		resolvers = (const char *const *)data->myip_resolvers;
		n = data->nmyip_resolvers;
	}
	if (name == NULL || !reputation_valid_name(name)) {
		xasprintf(cause, "\"%s\" is not a DNS name to ask for the public address",
		    name == NULL ? "" : name);
		return (-1);
	}
	if (n == 0) {
		xasprintf(cause, "no resolver to ask for the public address");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (dns_resolver_check(resolvers[i], cause) != 0)
			return (-1);
	}

	q = xcalloc(n, sizeof *q);
	recs = xcalloc(n, sizeof *recs);
	rc = xcalloc(n, sizeof *rc);
	causes = xcalloc(n, sizeof *causes);
	for (i = 0; i < n; i++) {
		family = dns_resolver_family(resolvers[i]);
		q[i].name = name;
		q[i].type = family == AF_INET6 ? ns_t_aaaa : ns_t_a;
		q[i].resolver = resolvers[i];
	}
	dns_lookup_many(&cfg->dns, q, n, recs, rc, causes);

	out->v = xcalloc(n, sizeof *out->v);
	out->n = n;
	for (i = 0; i < n; i++) {
		out->v[i].resolver = xstrdup(resolvers[i]);
		out->v[i].type = q[i].type;
		out->v[i].cause = causes[i];
		out->v[i].status = rc[i] == 0 ? recs[i].status : DNS_ERROR;
		if (out->v[i].status == DNS_OK)
			out->v[i].addr = recs[i].rr[0].addr;
		for (j = 0; j < recs[i].notes.n; j++)
			strlist_add(&out->v[i].notes, recs[i].notes.v[j]);
		dns_records_free(&recs[i]);
	}
	free(causes);
	free(rc);
	free(recs);
	free(q);
	return (0);
}

void
reputation_public_free(struct reputation_public *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->v[i].resolver);
		free(p->v[i].cause);
		strlist_free(&p->v[i].notes);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

/* ---- blocklists -------------------------------------------------------------------- */

void
reputation_classify(enum dns_status status, const struct sockaddr_storage *addrs,
    size_t naddrs, struct reputation_result *out)
{
	const struct reputation_list	*l = out->list;
	struct reputation_hit		*h;
	size_t				 i, j;
	int				 listed = 0, refused = 0;
	uint32_t			 a;

	if (l == NULL)
		fatalx("%s: no list", __func__);
	free(out->hits);
	out->hits = NULL;
	out->nhits = 0;
	out->dns_status = status;

	switch (status) {
	case DNS_OK:
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		/* RFC 5782 2.1: an address that is not listed has no record. */
		out->status = REPUTATION_NOT_LISTED;
		return;
	case DNS_TIMEOUT:
		out->status = REPUTATION_TIMEOUT;
		return;
	default:
		out->status = REPUTATION_ERROR;
		return;
	}

	for (i = 0; i < naddrs; i++) {
		if (addrs[i].ss_family != AF_INET)
			continue;
		out->hits = xreallocarray(out->hits, out->nhits + 1, sizeof *out->hits);
		h = &out->hits[out->nhits++];
		memset(h, 0, sizeof *h);
		h->addr = ((const struct sockaddr_in *)&addrs[i])->sin_addr;
		for (j = 0; j < l->ncodes; j++) {
			if (l->codes[j].addr.s_addr == h->addr.s_addr) {
				h->code = &l->codes[j];
				h->meaning = l->codes[j].meaning;
				break;
			}
		}
		a = ntohl(h->addr.s_addr);
		if ((a & REPUTATION_ERROR_MASK) == REPUTATION_ERROR_NET ||
		    (h->code != NULL && h->code->refused)) {
			/*
			 * Spamhaus, 2019-09-30 "DNSBL return codes: technical update":
			 * 127.255.255.0/24 is about the query, never the address.
			 */
			refused = 1;
			if (h->code == NULL)
				h->meaning = "the list returned an error code about the query "
				    "itself, not about the address";
		} else if (h->code != NULL)
			listed = 1;
		else
			h->meaning = "an answer this list does not document; not taken as a "
			    "listing";
	}
	if (refused)
		out->status = REPUTATION_QUERY_REFUSED;
	else if (listed)
		out->status = REPUTATION_LISTED;
	else
		out->status = REPUTATION_UNEXPECTED;
}

/* The TXT answer, sanitised; several records joined by " | ". NULL when there is none. */
static char *
reputation_txt(const struct dns_records *txt)
{
	char	*out = NULL, *one, *tmp;
	size_t	 i;

	if (txt->status != DNS_OK)
		return (NULL);
	for (i = 0; i < txt->n; i++) {
		one = sanitize_text(txt->rr[i].text, txt->rr[i].text_len);
		if (out == NULL)
			out = one;
		else {
			xasprintf(&tmp, "%s | %s", out, one);
			free(out);
			free(one);
			out = tmp;
		}
	}
	return (out);
}

int
reputation_check_address(const struct reputation_config *cfg,
    const struct reputation_data *data, const struct sockaddr_storage *addr,
    struct reputation_check *out, char **cause)
{
	struct dns_question		*q;
	struct dns_records		*recs;
	struct reputation_result	*r;
	struct sockaddr_storage		*addrs;
	char				 name[REPUTATION_QUERY_MAX], **causes;
	size_t				 i, j, k, nq = 0, asked = 0, failed = 0;
	int				*rc;

	memset(out, 0, sizeof *out);
	if (data == NULL)
		data = reputation_builtin();
	if (addr->ss_family != AF_INET && addr->ss_family != AF_INET6) {
		xasprintf(cause, "only IPv4 and IPv6 addresses can be looked up in blocklists");
		return (-1);
	}
	out->addr = *addr;
	out->n = data->nlists;
	out->results = xcalloc(data->nlists > 0 ? data->nlists : 1, sizeof *out->results);

	/* Two questions per list asked: A (the code) and TXT (the reason), all at once. */
	q = xcalloc(2 * data->nlists + 1, sizeof *q);
	for (i = 0; i < data->nlists; i++) {
		r = &out->results[i];
		r->list = &data->lists[i];
		if (addr->ss_family == AF_INET6 && !r->list->ipv6) {
			r->status = REPUTATION_NOT_CHECKED;
			r->dns_status = DNS_ERROR;
			continue;
		}
		if (dns_reverse_name(addr, r->list->zone, name, sizeof name) != 0) {
			xasprintf(cause, "cannot make the query name for %s", r->list->zone);
			for (j = 0; j < nq; j++)
				free((char *)q[j].name);
			free(q);
			reputation_check_free(out);
			return (-1);
		}
		r->query = xstrdup(name);
		q[nq].name = xstrdup(name);
		q[nq++].type = ns_t_a;
		q[nq].name = xstrdup(name);
		q[nq++].type = ns_t_txt;
	}
	recs = xcalloc(nq + 1, sizeof *recs);
	rc = xcalloc(nq + 1, sizeof *rc);
	causes = xcalloc(nq + 1, sizeof *causes);
	dns_lookup_many(&cfg->dns, q, nq, recs, rc, causes);

	for (i = 0, j = 0; i < data->nlists; i++) {
		r = &out->results[i];
		if (r->query == NULL)
			continue;
		asked++;
		if (rc[j] != 0) {
			reputation_classify(DNS_ERROR, NULL, 0, r);
			strlist_add(&r->notes, causes[j]);
		} else {
			addrs = xcalloc(recs[j].n + 1, sizeof *addrs);
			for (k = 0; k < recs[j].n; k++)
				addrs[k] = recs[j].rr[k].addr;
			reputation_classify(recs[j].status, addrs, recs[j].n, r);
			free(addrs);
			for (k = 0; k < recs[j].notes.n; k++)
				strlist_add(&r->notes, recs[j].notes.v[k]);
		}
		if (!dns_status_answered(r->dns_status))
			failed++;
		if (r->status == REPUTATION_LISTED && rc[j + 1] == 0)
			r->reason = reputation_txt(&recs[j + 1]);
		j += 2;
	}
	out->resolver_failure = asked > 0 && failed == asked;

	for (i = 0; i < j; i++) {
		free((char *)q[i].name);
		free(causes[i]);
		dns_records_free(&recs[i]);
	}
	free(causes);
	free(rc);
	free(recs);
	free(q);
	return (0);
}

static void
reputation_result_free(struct reputation_result *r)
{
	free(r->query);
	free(r->hits);
	free(r->reason);
	strlist_free(&r->notes);
	memset(r, 0, sizeof *r);
}

void
reputation_check_free(struct reputation_check *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		reputation_result_free(&c->results[i]);
	free(c->results);
	c->results = NULL;
	c->n = 0;
}
