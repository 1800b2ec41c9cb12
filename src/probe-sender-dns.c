/* probe-sender-dns.c: checks the sending domain's SPF, DKIM and DMARC records in the DNS. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/nameser.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "net.h"
#include "probe.h"
#include "providers.h"
#include "spf-dns.h"
#include "spf.h"
#include "util.h"

/* Selectors asked at most; more is a typo or an attack on our time. */
#define SENDER_DNS_MAX_SELECTORS	8
/* Evidence lines kept from the SPF evaluation's step-by-step notes. */
#define SENDER_DNS_MAX_NOTES		20
/*
 * Without a sending server's address the record is still evaluated, for its errors, with
 * an address no record lists (RFC 5737 documentation range): the result is what any
 * server the record does not name gets.
 */
#define SENDER_DNS_STANDIN_IP		"203.0.113.1"
/* Selectors widely used by hosting panels and mail services, when nothing better is known. */
#define SENDER_DNS_COMMON_SELECTORS	"default selector1 selector2 google k1 s1 s2 dkim mail"

/* The questions of the first round, by index. */
enum {
	SENDER_DNS_Q_TXT,
	SENDER_DNS_Q_DMARC,
	SENDER_DNS_Q_MX,
	SENDER_DNS_Q_FIRST_DKIM
};

struct sender_dns_dkim {
	char		*selector;
	char		*name;		/* SELECTOR._domainkey.DOMAIN */
	int		 asked;
	int		 rc;
	struct dns_records recs;
};

static int	 sender_dns_run(const struct probe_env *, const struct probe_param *, size_t,
		     struct probe_result *, char **);
static char	*sender_dns_domain(const char *);
static size_t	 sender_dns_selectors(const char *, struct sender_dns_dkim *);
static int	 sender_dns_is_spf(const char *);
static int	 sender_dns_is_dmarc(const char *);
static char	*sender_dns_first_term(const struct strlist *);
static char	*sender_dns_tag(const char *, const char *);
static int	 sender_dns_spf(const struct probe_env *, const char *, const char *,
		     const char *, const struct dns_records *, struct probe_result *);
static int	 sender_dns_dkim(const char *, struct sender_dns_dkim *, size_t,
		     struct probe_result *);
static int	 sender_dns_dmarc(const char *, const struct dns_records *,
		     struct probe_result *);
static void	 sender_dns_append(char **, const char *, const char *);
static void	 sender_dns_progress(const struct probe_env *, const char *, ...)
		     PRINTFLIKE(2, 3);

static const struct probe_param_spec sender_dns_params[] = {
	{ "email", 1, "the address mail is sent from; its domain is checked" },
	{ "server-address", 0, "the sending server's IP address (the first of a list)" },
	{ "spf-include", 0, "the provider's SPF include (include:NAME); empty: from the "
	    "knowledge base" },
	{ "dkim-selectors", 0, "DKIM selectors to try, space-separated; empty: the "
	    "provider's, else common ones" },
	{ NULL, 0, NULL }
};

static const char *const sender_dns_outcomes[] = {
	"resolver-failure",
	"spf-missing",
	"dkim-missing",
	"dmarc-missing",
	"ok",
	"no-domain",
	NULL
};

const struct probe probe_sender_dns = {
	.name = "sender-dns",
	.summary = "checks the sending domain's SPF record (RFC 7208) for the sending server "
	    "or the provider, its DKIM keys and its DMARC policy",
	.params = sender_dns_params,
	.outcomes = sender_dns_outcomes,
	.run = sender_dns_run
};

static void
sender_dns_progress(const struct probe_env *env, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (env->progress == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	env->progress(env->progress_arg, s);
	free(s);
}

static void
sender_dns_append(char **list, const char *sep, const char *word)
{
	char	*tmp;

	if (*list == NULL) {
		*list = xstrdup(word);
		return;
	}
	xasprintf(&tmp, "%s%s%s", *list, sep, word);
	free(*list);
	*list = tmp;
}

/* The domain of an address (after the last '@') or a bare domain, folded; NULL if unusable. */
static char *
sender_dns_domain(const char *email)
{
	const char	*at = strrchr(email, '@');
	char		*d;
	size_t		 i, len;

	d = xstrdup(at != NULL ? at + 1 : email);
	len = strlen(d);
	if (len > 0 && d[len - 1] == '.')
		d[--len] = '\0';
	if (len == 0 || len > 253 || strchr(d, '.') == NULL || d[0] == '.' ||
	    strstr(d, "..") != NULL) {
		free(d);
		return (NULL);
	}
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)d[i]) && d[i] != '-' && d[i] != '.' && d[i] != '_') {
			free(d);
			return (NULL);
		}
		d[i] = (char)tolower((unsigned char)d[i]);
	}
	return (d);
}

/* Splits a selector list (spaces or commas); returns how many were kept. */
static size_t
sender_dns_selectors(const char *list, struct sender_dns_dkim *out)
{
	const char	*p = list, *w;
	size_t		 n = 0, len, i, j;
	int		 ok, dup;

	while (*p != '\0' && n < SENDER_DNS_MAX_SELECTORS) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		w = p;
		while (*p != '\0' && *p != ' ' && *p != ',' && *p != '\t')
			p++;
		if ((len = (size_t)(p - w)) == 0 || len > 63)
			continue;
		for (ok = 1, i = 0; i < len; i++)
			ok &= isalnum((unsigned char)w[i]) || w[i] == '-' || w[i] == '_' ||
			    w[i] == '.';
		for (dup = 0, j = 0; j < n; j++)
			dup |= strlen(out[j].selector) == len &&
			    strncasecmp(out[j].selector, w, len) == 0;
		if (ok && !dup)
			out[n++].selector = xstrndup(w, len);
	}
	return (n);
}

/* RFC 7208 4.5: "v=spf1" alone or followed by a space. */
static int
sender_dns_is_spf(const char *t)
{
	return (strncasecmp(t, "v=spf1", 6) == 0 && (t[6] == '\0' || t[6] == ' '));
}

/* RFC 7489 6.4: the record starts with the tag "v=DMARC1". */
static int
sender_dns_is_dmarc(const char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	return (strncmp(t, "v=DMARC1", 8) == 0 &&
	    (t[8] == '\0' || t[8] == ';' || t[8] == ' ' || t[8] == '\t'));
}

/*
 * The value of a tag in a tag=value; list (RFC 6376 3.2, RFC 7489 6.3), trimmed; NULL when
 * absent. Tag names compare exactly.
 */
static char *
sender_dns_tag(const char *rec, const char *tag)
{
	const char	*p = rec, *name, *end, *val;
	size_t		 tlen = strlen(tag), nlen, vlen;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';')
			p++;
		end = p;
		while (end > name && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		nlen = (size_t)(end - name);
		if (*p != '=') {
			continue;
		}
		val = ++p;
		while (*p != '\0' && *p != ';')
			p++;
		if (nlen == tlen && strncmp(name, tag, tlen) == 0) {
			while (*val == ' ' || *val == '\t')
				val++;
			vlen = (size_t)(p - val);
			while (vlen > 0 && (val[vlen - 1] == ' ' || val[vlen - 1] == '\t'))
				vlen--;
			return (xstrndup(val, vlen));
		}
	}
	return (NULL);
}

/*
 * The first mechanism of the records that authorises something (no -, ~ or ? qualifier,
 * not all, not a modifier), so that merging several records needs no new term. NULL if none.
 */
static char *
sender_dns_first_term(const struct strlist *records)
{
	const char	*p, *w;
	size_t		 i, len;
	char		*term;

	for (i = 0; i < records->n; i++) {
		p = records->v[i] + 6;
		for (;;) {
			while (*p == ' ')
				p++;
			if (*p == '\0')
				break;
			w = p;
			while (*p != '\0' && *p != ' ')
				p++;
			len = (size_t)(p - w);
			if (*w == '-' || *w == '~' || *w == '?')
				continue;
			term = xstrndup(*w == '+' ? w + 1 : w, *w == '+' ? len - 1 : len);
			if (strcasecmp(term, "all") == 0 || strchr(term, '=') != NULL ||
			    *term == '\0') {
				free(term);
				continue;
			}
			return (term);
		}
	}
	return (NULL);
}

/*
 * SPF: the records, the evaluation (for the server's address or a stand-in), and the record
 * to publish. Returns 1 when SPF is a problem (spf-missing).
 */
static int
sender_dns_spf(const struct probe_env *env, const char *domain, const char *server,
    const char *include, const struct dns_records *txt, struct probe_result *r)
{
	struct spf_dns		 sd;
	struct spf_resolver	 res;
	struct spf_check	 chk;
	struct sockaddr_storage	 ip;
	struct strlist		 records, notes;
	char			*term = NULL, *suggest = NULL, *cause = NULL, *words = NULL;
	char			*all = NULL, *tmp;
	const char		*result;
	size_t			 i;
	int			 problem = 0, listed = -1, prc = -1, have_ip;

	memset(&records, 0, sizeof records);
	memset(&notes, 0, sizeof notes);
	if (txt->status == DNS_OK) {
		for (i = 0; i < txt->n; i++) {
			if (sender_dns_is_spf(txt->rr[i].text))
				strlist_add(&records, txt->rr[i].text);
		}
	}
	for (i = 0; i < records.n; i++)
		sender_dns_append(&all, " | ", records.v[i]);
	probe_result_fact(r, "spf", "%s", all != NULL ? all : "none");
	free(all);

	have_ip = server != NULL && net_addr_parse(server, &ip) == 0;
	if (!have_ip && net_addr_parse(SENDER_DNS_STANDIN_IP, &ip) != 0)
		fatalx("%s: stand-in address", __func__);

	memset(&sd, 0, sizeof sd);
	sd.cfg.resolver = env->resolver;
	sd.cfg.timeout_ms = env->timeout_ms;
	sd.seed_name = domain;
	sd.seed = txt;
	spf_dns_resolver(&sd, &res);
	spf_check_host(&res, &ip, domain, NULL, NULL, &chk);
	for (i = 0; i < chk.notes.n && i < SENDER_DNS_MAX_NOTES; i++)
		probe_result_evidence(r, "SPF: %s", chk.notes.v[i]);

	/* The provider's include: is it in the record (spf_propose_record says so with 1)? */
	if (include != NULL && records.n == 1) {
		prc = spf_propose_record((const char *const *)records.v, records.n, include,
		    &suggest, NULL, &cause);
		listed = prc == 1;
		free(suggest);
		suggest = NULL;
		free(cause);
		cause = NULL;
	} else if (include != NULL)
		listed = 0;

	result = spf_result_name(chk.result);
	switch (chk.result) {
	case SPF_NONE:
		problem = 1;
		xasprintf(&words, "%s has no SPF record, so receivers cannot tell which "
		    "servers may send its mail", domain);
		break;
	case SPF_PERMERROR:
		problem = 1;
		xasprintf(&words, "The SPF record of %s is broken, which receivers treat as a "
		    "failure: %s", domain, chk.explanation != NULL ? chk.explanation :
		    "permerror");
		break;
	case SPF_TEMPERROR:
		xasprintf(&words, "The SPF record of %s could not be checked because of a DNS "
		    "failure: %s", domain, chk.explanation != NULL ? chk.explanation :
		    "temperror");
		break;
	default:
		if (have_ip && chk.result != SPF_PASS) {
			problem = 1;
			xasprintf(&words, "The SPF record of %s does not permit the sending "
			    "server %s (result %s): %s", domain, server, result,
			    chk.explanation != NULL ? chk.explanation : "");
		} else if (have_ip) {
			xasprintf(&words, "The SPF record of %s permits the sending server %s: %s",
			    domain, server, chk.explanation != NULL ? chk.explanation : "");
		} else if (listed == 0) {
			problem = 1;
			xasprintf(&words, "The SPF record of %s does not list the provider's %s, "
			    "so the provider's servers get \"%s\"", domain, include, result);
		} else if (listed == 1) {
			result = spf_result_name(SPF_PASS);
			xasprintf(&words, "The SPF record of %s lists the provider's %s", domain,
			    include);
		} else {
			xasprintf(&words, "%s has a valid SPF record; with no sending server or "
			    "provider known, an address it does not list gets \"%s\"", domain,
			    result);
		}
		break;
	}
	if (have_ip && listed == 0 && chk.result == SPF_PASS)
		probe_result_evidence(r, "The SPF record of %s does not list the provider's %s, "
		    "but it permits the sending server %s", domain, include, server);
	probe_result_fact(r, "spf-result", "%s", result);
	probe_result_fact(r, "spf-words", "%s", words);
	probe_result_evidence(r, "%s", words);
	free(words);
	if (chk.mechanism != NULL)
		probe_result_fact(r, "spf-mechanism", "%s", chk.mechanism);
	probe_result_fact(r, "spf-lookups", "%u", chk.lookups);

	/* The term the record should list: the provider's include, else the server. */
	if (include != NULL && listed != 1)
		term = xstrdup(include);
	else if (have_ip)
		xasprintf(&term, "%s:%s", ip.ss_family == AF_INET6 ? "ip6" : "ip4", server);
	else if (include != NULL)
		term = xstrdup(include);
	else if ((term = sender_dns_first_term(&records)) == NULL)
		term = xstrdup("mx");
	prc = spf_propose_record((const char *const *)records.v, records.n, term, &suggest,
	    &notes, &cause);
	if (prc < 0) {
		probe_result_evidence(r, "No SPF record can be proposed for %s: %s", term, cause);
		free(cause);
		probe_result_fact(r, "spf-suggest", "%s", "");
	} else {
		probe_result_fact(r, "spf-suggest", "%s", suggest);
		if (problem) {
			xasprintf(&tmp, "Publish this TXT record at %s: %s", domain, suggest);
			probe_result_evidence(r, "%s", tmp);
			free(tmp);
		}
		for (i = 0; i < notes.n; i++)
			probe_result_evidence(r, "SPF: %s", notes.v[i]);
	}
	free(suggest);
	free(term);
	strlist_free(&notes);
	strlist_free(&records);
	spf_check_free(&chk);
	return (problem);
}

/* DKIM: a public key at any selector. Returns 1 when none was found (dkim-missing). */
static int
sender_dns_dkim(const char *domain, struct sender_dns_dkim *sel, size_t nsel,
    struct probe_result *r)
{
	char	*found = NULL, *tried = NULL, *p, *v;
	size_t	 i, j;
	int	 key;

	for (i = 0; i < nsel; i++) {
		sender_dns_append(&tried, " ", sel[i].selector);
		if (sel[i].rc != 0 || !sel[i].asked) {
			probe_result_evidence(r, "DKIM: %s could not be asked", sel[i].name);
			continue;
		}
		if (sel[i].recs.status != DNS_OK) {
			if (dns_status_answered(sel[i].recs.status))
				probe_result_evidence(r, "DKIM: no key at selector \"%s\" (%s)",
				    sel[i].selector, sel[i].name);
			else
				probe_result_evidence(r, "DKIM: asking for %s failed: %s",
				    sel[i].name, dns_status_words(sel[i].recs.status));
			continue;
		}
		for (key = 0, j = 0; j < sel[i].recs.n && !key; j++) {
			p = sender_dns_tag(sel[i].recs.rr[j].text, "p");
			v = sender_dns_tag(sel[i].recs.rr[j].text, "v");
			/* RFC 6376 3.6.1: v, if present, is DKIM1; an empty p means revoked. */
			if (v != NULL && strcmp(v, "DKIM1") != 0)
				probe_result_evidence(r, "DKIM: %s holds a record that is not a "
				    "DKIM key (v=%s)", sel[i].name, v);
			else if (p == NULL)
				probe_result_evidence(r, "DKIM: %s holds a record without a key "
				    "(no p=)", sel[i].name);
			else if (*p == '\0')
				probe_result_evidence(r, "DKIM: the key at selector \"%s\" has been "
				    "revoked (empty p=)", sel[i].selector);
			else
				key = 1;
			free(p);
			free(v);
		}
		if (key) {
			sender_dns_append(&found, " ", sel[i].selector);
			probe_result_evidence(r, "DKIM: %s has a key at selector \"%s\"", domain,
			    sel[i].selector);
		}
	}
	probe_result_fact(r, "dkim", "%s", found != NULL ? found : "none");
	probe_result_fact(r, "dkim-tried", "%s", tried != NULL ? tried : "");
	if (found == NULL)
		probe_result_evidence(r, "DKIM: no key found for %s at any selector tried (%s), "
		    "so receivers see its mail unsigned", domain, tried != NULL ? tried : "none");
	free(tried);
	if (found == NULL)
		return (1);
	free(found);
	return (0);
}

/* DMARC (RFC 7489): one valid record at _dmarc.DOMAIN. Returns 1 when missing or invalid. */
static int
sender_dns_dmarc(const char *domain, const struct dns_records *txt, struct probe_result *r)
{
	const char	*rec = NULL;
	char		*p, *sp, *adkim, *aspf, *pct, *rua, *words, *tmp;
	size_t		 i, n = 0;
	int		 problem = 0;

	probe_result_fact(r, "dmarc-suggest", "v=DMARC1; p=none; rua=mailto:postmaster@%s",
	    domain);
	if (txt->status == DNS_OK) {
		for (i = 0; i < txt->n; i++) {
			if (sender_dns_is_dmarc(txt->rr[i].text)) {
				rec = txt->rr[i].text;
				n++;
			}
		}
	}
	if (n == 0) {
		probe_result_fact(r, "dmarc", "none");
		probe_result_fact(r, "dmarc-policy", "%s", "");
		xasprintf(&words, "%s has no DMARC record (_dmarc.%s)%s; receivers that "
		    "require one refuse or mark its mail", domain, domain,
		    dns_status_answered(txt->status) || txt->status == DNS_OK ? "" :
		    ", or it could not be fetched");
		probe_result_fact(r, "dmarc-words", "%s", words);
		probe_result_evidence(r, "DMARC: %s", words);
		free(words);
		return (1);
	}
	probe_result_fact(r, "dmarc", "%s", rec);
	if (n > 1) {
		/* RFC 7489 6.6.3: more than one record means no policy at all. */
		probe_result_fact(r, "dmarc-policy", "%s", "");
		xasprintf(&words, "_dmarc.%s holds %zu DMARC records; receivers then apply "
		    "none of them", domain, n);
		probe_result_fact(r, "dmarc-words", "%s", words);
		probe_result_evidence(r, "DMARC: %s", words);
		free(words);
		return (1);
	}
	p = sender_dns_tag(rec, "p");
	sp = sender_dns_tag(rec, "sp");
	adkim = sender_dns_tag(rec, "adkim");
	aspf = sender_dns_tag(rec, "aspf");
	pct = sender_dns_tag(rec, "pct");
	rua = sender_dns_tag(rec, "rua");
	if (p == NULL || (strcasecmp(p, "none") != 0 && strcasecmp(p, "quarantine") != 0 &&
	    strcasecmp(p, "reject") != 0)) {
		problem = 1;
		probe_result_fact(r, "dmarc-policy", "%s", "");
		xasprintf(&words, "The DMARC record of %s is invalid: %s", domain, p == NULL ?
		    "it has no policy (p=)" : "its policy is not none, quarantine or reject");
	} else {
		for (tmp = p; *tmp != '\0'; tmp++)
			*tmp = (char)tolower((unsigned char)*tmp);
		probe_result_fact(r, "dmarc-policy", "%s", p);
		xasprintf(&words, "Policy %s: %s. SPF alignment %s, DKIM alignment %s%s%s%s%s",
		    p, strcmp(p, "reject") == 0 ? "receivers are asked to refuse mail that "
		    "fails both aligned SPF and aligned DKIM" : strcmp(p, "quarantine") == 0 ?
		    "receivers are asked to put failing mail in the spam folder" :
		    "receivers only report failing mail and deliver it as usual",
		    aspf != NULL && strcasecmp(aspf, "s") == 0 ? "strict (the envelope "
		    "domain must be exactly the From domain)" : "relaxed (a subdomain of the "
		    "From domain will do)",
		    adkim != NULL && strcasecmp(adkim, "s") == 0 ? "strict (the signing "
		    "domain must be exactly the From domain)" : "relaxed (a subdomain of the "
		    "From domain will do)",
		    pct != NULL ? "; applied to " : "", pct != NULL ? pct : "",
		    pct != NULL ? "% of failing mail" : "", rua != NULL ? "; reports go to " :
		    "; no reports are asked for");
		if (rua != NULL) {
			xasprintf(&tmp, "%s%s", words, rua);
			free(words);
			words = tmp;
		}
		if (sp != NULL) {
			xasprintf(&tmp, "%s; subdomains: %s", words, sp);
			free(words);
			words = tmp;
		}
	}
	probe_result_fact(r, "dmarc-words", "%s", words);
	probe_result_evidence(r, "DMARC: %s", words);
	free(words);
	free(p);
	free(sp);
	free(adkim);
	free(aspf);
	free(pct);
	free(rua);
	return (problem);
}

static int
sender_dns_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct dns_config	 cfg;
	struct dns_question	 q[SENDER_DNS_Q_FIRST_DKIM + SENDER_DNS_MAX_SELECTORS];
	struct dns_records	 recs[SENDER_DNS_Q_FIRST_DKIM + SENDER_DNS_MAX_SELECTORS];
	int			 rc[SENDER_DNS_Q_FIRST_DKIM + SENDER_DNS_MAX_SELECTORS];
	struct sender_dns_dkim	 sel[SENDER_DNS_MAX_SELECTORS];
	struct providers_match	 m;
	const char		*email, *server_list, *include, *selectors, *sel_from;
	char			*domain, *dmarc_name, *server = NULL, **mx = NULL;
	char			*inc_own = NULL, *sel_own = NULL;
	size_t			 nq, nsel = 0, i, nmx = 0, asked = 0, answered = 0;
	int			 matched, spf_bad, dkim_bad, dmarc_bad;
	long long		 start = mono_ms();

	email = probe_param_get(params, nparams, "email");
	server_list = probe_param_get(params, nparams, "server-address");
	include = probe_param_get(params, nparams, "spf-include");
	selectors = probe_param_get(params, nparams, "dkim-selectors");
	memset(sel, 0, sizeof sel);
	memset(recs, 0, sizeof recs);
	memset(q, 0, sizeof q);

	if (email == NULL || (domain = sender_dns_domain(email)) == NULL) {
		r->outcome = "no-domain";
		xasprintf(&r->target, "%s", email != NULL ? email : "(no address)");
		probe_result_fact(r, "domain", "%s", "");
		probe_result_evidence(r, "\"%s\" has no domain whose DNS records could be "
		    "checked", email != NULL ? email : "");
		r->elapsed_ms = mono_ms() - start;
		return (0);
	}
	if (server_list != NULL) {
		/* The first word: a fact such as "192.0.2.10 2001:db8::10" may be passed. */
		server = xstrndup(server_list, strcspn(server_list, " \t,"));
		if (*server == '\0') {
			free(server);
			server = NULL;
		} else {
			struct sockaddr_storage	 ss;

			if (net_addr_parse(server, &ss) != 0) {
				xasprintf(cause, "server-address \"%s\" is not an IP address",
				    server);
				free(server);
				free(domain);
				return (-1);
			}
		}
	}
	if (include != NULL && strncasecmp(include, "include:", 8) != 0) {
		xasprintf(&inc_own, "include:%s", include);
		include = inc_own;
	}
	xasprintf(&r->target, "%s", domain);
	probe_result_fact(r, "domain", "%s", domain);
	cfg.resolver = env->resolver;
	cfg.timeout_ms = env->timeout_ms;

	/* What the knowledge base knows about the provider, by the address domain. */
	matched = providers_match_domain(NULL, email, &m);
	sel_from = "given";
	if (selectors == NULL && matched && m.entry->dkim.n > 0) {
		for (i = 0; i < m.entry->dkim.n; i++)
			sender_dns_append(&sel_own, " ", m.entry->dkim.v[i]);
		selectors = sel_own;
		sel_from = "provider";
	}
	if (include == NULL && matched && m.entry->spf != NULL)
		include = m.entry->spf;

	/* Round one, all at once: TXT, _dmarc TXT, MX (to find a hosting provider), DKIM. */
	xasprintf(&dmarc_name, "_dmarc.%s", domain);
	q[SENDER_DNS_Q_TXT].name = domain;
	q[SENDER_DNS_Q_TXT].type = ns_t_txt;
	q[SENDER_DNS_Q_DMARC].name = dmarc_name;
	q[SENDER_DNS_Q_DMARC].type = ns_t_txt;
	q[SENDER_DNS_Q_MX].name = domain;
	q[SENDER_DNS_Q_MX].type = ns_t_mx;
	nq = SENDER_DNS_Q_FIRST_DKIM;
	if (selectors != NULL) {
		nsel = sender_dns_selectors(selectors, sel);
		for (i = 0; i < nsel; i++) {
			xasprintf(&sel[i].name, "%s._domainkey.%s", sel[i].selector, domain);
			sel[i].asked = 1;
			q[nq].name = sel[i].name;
			q[nq++].type = ns_t_txt;
		}
	}
	sender_dns_progress(env, "looking up the SPF, DKIM and DMARC records of %s", domain);
	dns_lookup_many(&cfg, q, nq, recs, rc, NULL);
	for (i = 0; i < nq; i++) {
		if (rc[i] != 0)
			recs[i].status = DNS_ERROR;
		asked++;
		if (rc[i] == 0 && dns_status_answered(recs[i].status))
			answered++;
	}
	for (i = 0; i < nsel; i++) {
		sel[i].rc = rc[SENDER_DNS_Q_FIRST_DKIM + i];
		sel[i].recs = recs[SENDER_DNS_Q_FIRST_DKIM + i];
		memset(&recs[SENDER_DNS_Q_FIRST_DKIM + i], 0, sizeof recs[0]);
	}

	/*
	 * No provider by the domain, or one that documents neither SPF nor DKIM: maybe by
	 * the MX hosts (a company domain at Google; gmail.com's own MX, too).
	 */
	if ((!matched || (m.entry->spf == NULL && m.entry->dkim.n == 0)) &&
	    rc[SENDER_DNS_Q_MX] == 0 && recs[SENDER_DNS_Q_MX].status == DNS_OK) {
		struct providers_match	 mm;

		mx = xcalloc(recs[SENDER_DNS_Q_MX].n, sizeof *mx);
		for (i = 0; i < recs[SENDER_DNS_Q_MX].n; i++)
			mx[nmx++] = recs[SENDER_DNS_Q_MX].rr[i].target;
		if (providers_match_mx(NULL, email, (const char *const *)mx, nmx, &mm)) {
			if (matched)
				providers_match_clear(&m);
			m = mm;
			matched = 1;
		}
		free(mx);
		if (matched && include == NULL && m.entry->spf != NULL)
			include = m.entry->spf;
	}
	if (matched) {
		probe_result_fact(r, "provider", "%s", m.entry->name);
		probe_result_evidence(r, "%s's mail is handled by %s (%s)", domain,
		    m.entry->name, m.how == PROVIDERS_BY_MX ? "by its MX records" :
		    "by the address domain");
	}
	probe_result_fact(r, "spf-include", "%s", include != NULL ? include : "");
	probe_result_fact(r, "server-address", "%s", server != NULL ? server : "");

	/* Round two: the DKIM selectors, when only now known (or common ones). */
	if (nsel == 0) {
		free(sel_own);
		sel_own = NULL;
		if (matched && m.entry->dkim.n > 0) {
			for (i = 0; i < m.entry->dkim.n; i++)
				sender_dns_append(&sel_own, " ", m.entry->dkim.v[i]);
			sel_from = "provider";
		} else {
			sel_own = xstrdup(SENDER_DNS_COMMON_SELECTORS);
			sel_from = "common";
		}
		nsel = sender_dns_selectors(sel_own, sel);
		for (i = 0; i < nsel; i++) {
			xasprintf(&sel[i].name, "%s._domainkey.%s", sel[i].selector, domain);
			sel[i].asked = 1;
			q[SENDER_DNS_Q_FIRST_DKIM + i].name = sel[i].name;
			q[SENDER_DNS_Q_FIRST_DKIM + i].type = ns_t_txt;
		}
		dns_lookup_many(&cfg, q + SENDER_DNS_Q_FIRST_DKIM, nsel,
		    recs + SENDER_DNS_Q_FIRST_DKIM, rc + SENDER_DNS_Q_FIRST_DKIM, NULL);
		for (i = 0; i < nsel; i++) {
			asked++;
			sel[i].rc = rc[SENDER_DNS_Q_FIRST_DKIM + i];
			sel[i].recs = recs[SENDER_DNS_Q_FIRST_DKIM + i];
			memset(&recs[SENDER_DNS_Q_FIRST_DKIM + i], 0, sizeof recs[0]);
			if (sel[i].rc == 0 && dns_status_answered(sel[i].recs.status))
				answered++;
		}
	}
	probe_result_fact(r, "dkim-source", "%s", sel_from);
	if (strcmp(sel_from, "common") == 0)
		probe_result_evidence(r, "DKIM: the selector in use is not known; common ones "
		    "were tried");

	if (answered == 0) {
		r->outcome = "resolver-failure";
		probe_result_evidence(r, "None of the %zu DNS questions about %s got an answer "
		    "(%s): the DNS server is failing, so nothing is known about the records",
		    asked, domain, rc[SENDER_DNS_Q_TXT] == 0 ?
		    dns_status_words(recs[SENDER_DNS_Q_TXT].status) : "could not ask");
		probe_result_fact(r, "spf", "%s", "");
		probe_result_fact(r, "dkim", "%s", "");
		probe_result_fact(r, "dmarc", "%s", "");
	} else {
		spf_bad = sender_dns_spf(env, domain, server, include,
		    &recs[SENDER_DNS_Q_TXT], r);
		dkim_bad = sender_dns_dkim(domain, sel, nsel, r);
		dmarc_bad = sender_dns_dmarc(domain, &recs[SENDER_DNS_Q_DMARC], r);
		/*
		 * The outcome is the first missing record, in the order receivers weigh them;
		 * the others are named as well, so the user fixes all of them in one go rather
		 * than one per run.
		 */
		if (spf_bad)
			r->outcome = "spf-missing";
		else if (dkim_bad)
			r->outcome = "dkim-missing";
		else if (dmarc_bad)
			r->outcome = "dmarc-missing";
		else
			r->outcome = "ok";
		if (dkim_bad && spf_bad)
			probe_result_also(r, "dns.dkim-missing");
		if (dmarc_bad && (spf_bad || dkim_bad))
			probe_result_also(r, "dns.dmarc-missing");
	}

	for (i = 0; i < SENDER_DNS_Q_FIRST_DKIM; i++)
		dns_records_free(&recs[i]);
	for (i = 0; i < nsel; i++) {
		free(sel[i].selector);
		free(sel[i].name);
		dns_records_free(&sel[i].recs);
	}
	if (matched)
		providers_match_clear(&m);
	free(dmarc_name);
	free(inc_own);
	free(sel_own);
	free(server);
	free(domain);
	r->elapsed_ms = mono_ms() - start;
	return (0);
}
