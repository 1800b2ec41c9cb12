/* probe-provider.c: the outgoing settings the user's address should have, compared with theirs. */
#include "config.h"

#include <arpa/nameser.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "net.h"
#include "probe.h"
#include "probe-provider.h"
#include "providers.h"
#include "sanitize.h"
#include "smtp-check.h"
#include "util.h"

/* The questions asked about a domain the knowledge base does not name, all at once. */
enum probe_provider_question {
	PROBE_PROVIDER_Q_MX,
	PROBE_PROVIDER_Q_SUBMISSION,	/* _submission._tcp (RFC 6186 3.1) */
	PROBE_PROVIDER_Q_SUBMISSIONS,	/* _submissions._tcp (RFC 8314 5.1) */
	PROBE_PROVIDER_NQUESTIONS
};

/* smtp.DOMAIN and mail.DOMAIN, each on 465 and 587. */
#define PROBE_PROVIDER_NGUESS_HOSTS	2
#define PROBE_PROVIDER_NGUESSES		4

/* One guessed server and its check, run in a thread of its own. */
struct probe_provider_try {
	const struct probe_env		*env;
	const char			*host;
	const char			*addresses;	/* looked up already */
	int				 port;
	enum providers_security		 security;
	int				 ran;
	int				 rc;
	char				*cause;
	struct smtp_check_result	 result;
	enum probe_provider_guess	 state;
};

/*
 * The guessed servers' names, looked up on a thread of their own while the MX and SRV
 * questions are asked: the guesses are needed only when those find nothing, but asking
 * both at once costs one round trip instead of two when they are.
 */
struct probe_provider_names {
	struct dns_config	 cfg;
	char			*names[PROBE_PROVIDER_NGUESS_HOSTS];
	struct dns_host		 hosts[PROBE_PROVIDER_NGUESS_HOSTS];
	int			 rc[PROBE_PROVIDER_NGUESS_HOSTS];
	char			*causes[PROBE_PROVIDER_NGUESS_HOSTS];
	pthread_t		 thread;
	int			 started;
};

/* The user's settings, from the parameters. */
struct probe_provider_user {
	const char	*host;
	int		 port;
	int		 security;	/* enum providers_security or -1 */
	const char	*user;
	const char	*address;	/* the user's email address */
};

static int	 probe_provider_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);
static int	 probe_provider_params(const struct probe_param *, size_t,
		     struct probe_provider_user *, char **);
static const char *probe_provider_known(const char *);
static int	 probe_provider_cancelled(const struct probe_env *);
static void	 probe_provider_progress(const struct probe_env *, const char *, ...)
		     PRINTFLIKE(2, 3);
static void	 probe_provider_empty(struct probe_result *, const char *);
static void	 probe_provider_fill(struct probe_result *, const struct providers_match *,
		     const char *, const struct probe_provider_user *, const char *);
static char	*probe_provider_quirks(unsigned int);
static char	*probe_provider_join(const struct strlist *, const char *);
static int	 probe_provider_srv_cmp(const void *, const void *);
static void	 probe_provider_synthetic(struct providers_match *, struct providers_entry *,
		     const char *, const char *, int, enum providers_security, const char *,
		     int, enum providers_security);
static size_t	 probe_provider_mx_names(const struct dns_records *, const char ***,
		     struct probe_result *, const char *);
static size_t	 probe_provider_srv_collect(const struct dns_records *,
		     struct probe_provider_srv *, size_t, enum providers_security,
		     struct probe_result *, const char *);
static void	*probe_provider_try_run(void *);
static int	 probe_provider_guess(const struct probe_env *, const char *,
		     struct probe_provider_names *, struct probe_result *,
		     struct providers_match *, struct providers_entry *);
static void	 probe_provider_names_start(const struct probe_env *, const char *,
		     struct probe_provider_names *);
static void	*probe_provider_names_run(void *);
static void	 probe_provider_names_wait(struct probe_provider_names *);
static void	 probe_provider_names_free(struct probe_provider_names *);
static void	 probe_provider_dns_words(struct probe_result *, const char *, const char *,
		     int, const struct dns_records *, const char *);

static const struct probe_param_spec probe_provider_params_spec[] = {
	{ "email", 0, "the user's email address (without one the probe can only say "
	    "no-address)" },
	{ "host", 0, "the outgoing server the mail program uses, or dontknow" },
	{ "port", 0, "its port, or dontknow" },
	{ "security", 0, "its encryption: none, starttls, tls, or dontknow" },
	{ "user", 0, "the user name it signs in with, or dontknow" },
	{ NULL, 0, NULL }
};

static const char *const probe_provider_outcomes[] = {
	"known",
	"srv",
	"guessed",
	"unknown",
	"no-address",
	NULL
};

const struct probe probe_provider = {
	.name = "provider",
	.summary = "finds the outgoing settings for the user's address (the provider "
	    "knowledge base by domain or MX, DNS SRV records, or guesses checked live) and "
	    "compares them with the user's",
	.params = probe_provider_params_spec,
	.outcomes = probe_provider_outcomes,
	.run = probe_provider_run
};

/* Every fact the probe can set, so a tree may quote any of them whatever the outcome. */
static const char *const probe_provider_facts[] = {
	"name", "source", "host", "port", "security", "security-words", "alt-host",
	"alt-port", "alt-security-words", "login", "quirks", "note", "help", "spf", "dkim",
	"differs", "differences", "cause", "fix-host", "fix-port", "fix-security-words",
	"verified", NULL
};

static const char *const probe_provider_security_words_table[] = {
	[PROVIDERS_SEC_NONE] = "no encryption",
	[PROVIDERS_SEC_STARTTLS] = "STARTTLS",
	[PROVIDERS_SEC_TLS] = "SSL/TLS"
};
_Static_assert(sizeof probe_provider_security_words_table /
    sizeof probe_provider_security_words_table[0] == PROVIDERS_SEC_COUNT,
    "a word for every security");

static const char *const probe_provider_login_words[] = {
	[PROVIDERS_LOGIN_FULL_ADDRESS] = "your whole email address",
	[PROVIDERS_LOGIN_LOCAL_PART] = "the part before the @",
	[PROVIDERS_LOGIN_AS_GIVEN] = "the name your provider gave you"
};
_Static_assert(sizeof probe_provider_login_words / sizeof probe_provider_login_words[0] ==
    PROVIDERS_LOGIN_COUNT, "words for every login form");

/* The quirks in plain words, in the order of enum providers_quirk's bits. */
static const char *const probe_provider_quirk_words[] = {
	"needs an app password when two-step sign-in is on",
	("only lets mail programs sign in through the provider's own sign-in page (OAuth), "
	    "not with a password"),
	"signing in with a password may be turned off; an administrator can turn it on",
	"needs the provider's bridge program running on this computer",
	"access for mail programs is off until it is turned on in the web mail's settings"
};
_Static_assert(sizeof probe_provider_quirk_words / sizeof probe_provider_quirk_words[0] ==
    PROVIDERS_NQUIRKS, "words for every quirk");

/* The guesses, most wanted first: implicit TLS before STARTTLS (RFC 8314 3.3). */
static const char *const probe_provider_guess_prefix[PROBE_PROVIDER_NGUESS_HOSTS] = {
	"smtp", "mail"
};
static const struct {
	int			 port;
	enum providers_security	 security;
} probe_provider_guess_ports[PROBE_PROVIDER_NGUESSES / PROBE_PROVIDER_NGUESS_HOSTS] = {
	{ 465, PROVIDERS_SEC_TLS },
	{ 587, PROVIDERS_SEC_STARTTLS }
};

const char *
probe_provider_security_words(enum providers_security s)
{
	if ((int)s < 0 || s >= PROVIDERS_SEC_COUNT)
		fatalx("%s: security %d", __func__, (int)s);
	return (probe_provider_security_words_table[s]);
}

int
probe_provider_domain(const char *address, char **domain)
{
	const char	*at, *p;
	char		*d;
	size_t		 len, i, label = 0;

	*domain = NULL;
	if (address == NULL || strcmp(address, "dontknow") == 0)
		return (-1);
	if ((at = strrchr(address, '@')) == NULL || at == address)
		return (-1);
	p = at + 1;
	len = strlen(p);
	if (len > 0 && p[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return (-1);
	d = xstrndup(p, len);
	for (i = 0; i < len; i++) {
		unsigned char	 c = (unsigned char)d[i];

		if (c <= 0x20 || c == 0x7f || c == '@' || strchr("\"'\\/<>()[],;:", c) != NULL)
			break;
		if (c == '.') {
			if (label == 0)
				break;
			label = 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			d[i] = (char)(c - 'A' + 'a');
		label++;
	}
	if (i != len || label == 0) {
		free(d);
		return (-1);
	}
	*domain = d;
	return (0);
}

int
probe_provider_host_ok(const char *name)
{
	size_t	 len, i, label = 0;

	if (name == NULL)
		return (0);
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return (0);
	for (i = 0; i < len; i++) {
		char	 c = name[i];

		if (c == '.') {
			if (label == 0)
				return (0);
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return (0);
		if (++label > 63)
			return (0);
	}
	return (label > 0);
}

/* qsort has no stable order: the index each record had breaks the last tie. */
struct probe_provider_srv_slot {
	struct probe_provider_srv	 srv;
	size_t				 index;
};

static int
probe_provider_srv_cmp(const void *a, const void *b)
{
	const struct probe_provider_srv_slot	*x = a, *y = b;

	if (x->srv.priority != y->srv.priority)
		return (x->srv.priority < y->srv.priority ? -1 : 1);
	if (x->srv.weight != y->srv.weight)
		return (x->srv.weight > y->srv.weight ? -1 : 1);
	if (x->srv.security != y->srv.security)
		return (x->srv.security == PROVIDERS_SEC_TLS ? -1 : 1);
	if (x->index != y->index)
		return (x->index < y->index ? -1 : 1);
	return (0);
}

size_t
probe_provider_srv_order(struct probe_provider_srv *v, size_t n)
{
	struct probe_provider_srv_slot	*s;
	size_t				 i, k = 0;

	if (n == 0)
		return (0);
	s = xcalloc(n, sizeof *s);
	for (i = 0; i < n; i++) {
		/* RFC 2782: a target of "." means the service is decidedly not available. */
		if (v[i].target == NULL || strcmp(v[i].target, ".") == 0 || v[i].port == 0 ||
		    v[i].port > 65535 || !probe_provider_host_ok(v[i].target))
			continue;
		s[k].srv = v[i];
		s[k].index = i;
		k++;
	}
	qsort(s, k, sizeof *s, probe_provider_srv_cmp);
	for (i = 0; i < k; i++)
		v[i] = s[i].srv;
	free(s);
	return (k);
}

enum probe_provider_guess
probe_provider_guess_classify(const struct smtp_check_result *c)
{
	const struct smtp_session_result	*s = &c->session;

	if (c->no_address || c->connect != NET_CONNECTED)
		return (PROBE_PROVIDER_GUESS_FAILED);
	if (s->greeting.code != 220 || !s->tls)
		return (PROBE_PROVIDER_GUESS_FAILED);
	/* No login was asked for: the dialogue ends after EHLO under TLS. */
	if (s->failure == SMTP_FAIL_TLS_UNVERIFIED)
		return (PROBE_PROVIDER_GUESS_UNVERIFIED);
	if (s->failure != SMTP_FAIL_NONE)
		return (PROBE_PROVIDER_GUESS_FAILED);
	if (s->tls_info.verdict != TLS_VERIFIED)
		return (PROBE_PROVIDER_GUESS_UNVERIFIED);
	return (PROBE_PROVIDER_GUESS_VERIFIED);
}

int
probe_provider_guess_pick(const enum probe_provider_guess *states, size_t n, int skip)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if ((int)i != skip && states[i] == PROBE_PROVIDER_GUESS_VERIFIED)
			return ((int)i);
	}
	for (i = 0; i < n; i++) {
		if ((int)i != skip && states[i] == PROBE_PROVIDER_GUESS_UNVERIFIED)
			return ((int)i);
	}
	return (-1);
}

const char *
probe_provider_cause(const struct providers_diffs *d, int user_security)
{
	int	 seen[PROVIDERS_DIFF_COUNT];
	size_t	 i;

	if (d == NULL || d->n == 0)
		return ("");
	memset(seen, 0, sizeof seen);
	for (i = 0; i < d->n; i++)
		seen[d->v[i].kind] = 1;
	if (seen[PROVIDERS_DIFF_HOST] || seen[PROVIDERS_DIFF_USER])
		return ("client.settings-differ");
	/* A port with the security that goes with another port: the port is what is wrong. */
	if (seen[PROVIDERS_DIFF_PORT])
		return ("settings.wrong-port");
	if (user_security == PROVIDERS_SEC_NONE)
		return ("settings.starttls-required");
	return ("settings.tls-mismatch");
}

static int
probe_provider_cancelled(const struct probe_env *env)
{
	return (env->cancel != NULL && *env->cancel);
}

static void
probe_provider_progress(const struct probe_env *env, const char *fmt, ...)
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

/* A parameter's value, or NULL when it is absent, empty or "dontknow". */
static const char *
probe_provider_known(const char *v)
{
	if (v == NULL || *v == '\0' || strcmp(v, "dontknow") == 0)
		return (NULL);
	return (v);
}

static int
probe_provider_params(const struct probe_param *params, size_t nparams,
    struct probe_provider_user *u, char **cause)
{
	const char	*v;
	char		*safe;
	size_t		 i;
	int		 port = 0;

	memset(u, 0, sizeof *u);
	u->security = -1;
	u->host = probe_provider_known(probe_param_get(params, nparams, "host"));
	u->user = probe_provider_known(probe_param_get(params, nparams, "user"));
	if ((v = probe_provider_known(probe_param_get(params, nparams, "port"))) != NULL) {
		for (i = 0; i < 6 && v[i] != '\0'; i++) {
			if (v[i] < '0' || v[i] > '9')
				break;
			port = port * 10 + (v[i] - '0');
		}
		if (v[i] != '\0' || port < 1 || port > 65535) {
			safe = sanitize_str(v);
			xasprintf(cause, "\"%s\" is not a port number (1 to 65535)", safe);
			free(safe);
			return (-1);
		}
		u->port = port;
	}
	if ((v = probe_provider_known(probe_param_get(params, nparams, "security"))) != NULL) {
		if ((u->security = providers_security_parse(v)) < 0) {
			safe = sanitize_str(v);
			xasprintf(cause, "\"%s\" is not a connection security (none, starttls "
			    "or tls)", safe);
			free(safe);
			return (-1);
		}
	}
	return (0);
}

/* Every fact, empty, and differs "unknown": what no-address and unknown leave. */
static void
probe_provider_empty(struct probe_result *r, const char *name)
{
	const char *const	*f;

	for (f = probe_provider_facts; *f != NULL; f++)
		probe_result_fact(r, *f, "%s", "");
	probe_result_fact(r, "name", "%s", name);
	probe_result_fact(r, "differs", "%s", "unknown");
	probe_result_fact(r, "verified", "%s", "no");
}

static char *
probe_provider_join(const struct strlist *l, const char *sep)
{
	char	*out = xstrdup(""), *tmp;
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		xasprintf(&tmp, "%s%s%s", out, i == 0 ? "" : sep, l->v[i]);
		free(out);
		out = tmp;
	}
	return (out);
}

static char *
probe_provider_quirks(unsigned int quirks)
{
	struct strlist	 l;
	char		*out;
	int		 i;

	memset(&l, 0, sizeof l);
	for (i = 0; i < PROVIDERS_NQUIRKS; i++) {
		if (quirks & (1u << i))
			strlist_add(&l, probe_provider_quirk_words[i]);
	}
	out = probe_provider_join(&l, "; ");
	strlist_free(&l);
	return (out);
}

/*
 * The facts and evidence for a recommendation m found by source ("domain", "mx", "srv",
 * "guess"), compared with the user's settings. verified: "yes" when a live check saw it
 * work.
 */
static void
probe_provider_fill(struct probe_result *r, const struct providers_match *m,
    const char *source, const struct probe_provider_user *u, const char *verified)
{
	const struct providers_entry	*e = m->entry;
	const struct providers_server	*t;
	struct providers_settings	 s;
	struct providers_diffs		 d;
	struct strlist			 texts;
	char				*tmp;
	size_t				 i;

	probe_result_fact(r, "name", "%s", e->name != NULL ? e->name : m->domain);
	probe_result_fact(r, "source", "%s", source);
	probe_result_fact(r, "host", "%s", m->submission.host);
	probe_result_fact(r, "port", "%d", m->submission.port);
	probe_result_fact(r, "security", "%s", providers_security_name(m->submission.security));
	probe_result_fact(r, "security-words", "%s",
	    probe_provider_security_words(m->submission.security));
	if (m->alternative.host != NULL) {
		probe_result_fact(r, "alt-host", "%s", m->alternative.host);
		probe_result_fact(r, "alt-port", "%d", m->alternative.port);
		probe_result_fact(r, "alt-security-words", "%s",
		    probe_provider_security_words(m->alternative.security));
	} else {
		probe_result_fact(r, "alt-host", "%s", "");
		probe_result_fact(r, "alt-port", "%s", "");
		probe_result_fact(r, "alt-security-words", "%s", "");
	}
	probe_result_fact(r, "login", "%s", probe_provider_login_words[e->login]);
	tmp = probe_provider_quirks(e->quirks);
	probe_result_fact(r, "quirks", "%s", tmp);
	free(tmp);
	probe_result_fact(r, "note", "%s", m->note != NULL ? m->note : "");
	probe_result_fact(r, "help", "%s", e->help != NULL ? e->help : "");
	probe_result_fact(r, "spf", "%s", e->spf != NULL ? e->spf : "");
	tmp = probe_provider_join(&e->dkim, " ");
	probe_result_fact(r, "dkim", "%s", tmp);
	free(tmp);
	probe_result_fact(r, "verified", "%s", verified);

	probe_result_evidence(r, "Recommended: outgoing server %s, port %d, %s",
	    m->submission.host, m->submission.port,
	    probe_provider_security_words(m->submission.security));
	if (m->alternative.host != NULL)
		probe_result_evidence(r, "Also works: %s, port %d, %s", m->alternative.host,
		    m->alternative.port, probe_provider_security_words(m->alternative.security));
	if (e->login != PROVIDERS_LOGIN_AS_GIVEN)
		probe_result_evidence(r, "The user name is %s",
		    probe_provider_login_words[e->login]);
	if (e->quirks != 0) {
		tmp = probe_provider_quirks(e->quirks);
		probe_result_evidence(r, "%s %s", e->name, tmp);
		free(tmp);
	}
	if (m->note != NULL)
		probe_result_evidence(r, "%s", m->note);

	memset(&s, 0, sizeof s);
	s.host = u->host;
	s.port = u->port;
	s.security = u->security;
	s.user = u->user;
	s.address = u->address;
	providers_compare(m, &s, &d);
	t = d.target != NULL ? d.target : &m->submission;
	probe_result_fact(r, "fix-host", "%s", t->host);
	probe_result_fact(r, "fix-port", "%d", t->port);
	probe_result_fact(r, "fix-security-words", "%s",
	    probe_provider_security_words(t->security));
	if (u->host == NULL && u->port == 0 && u->security < 0 && u->user == NULL) {
		probe_result_fact(r, "differs", "%s", "unknown");
		probe_result_fact(r, "differences", "%s", "");
		probe_result_fact(r, "cause", "%s", "");
		probe_result_evidence(r, "Your own settings were not given, so they were not "
		    "compared");
	} else if (d.n == 0) {
		probe_result_fact(r, "differs", "%s", "no");
		probe_result_fact(r, "differences", "%s", "");
		probe_result_fact(r, "cause", "%s", "");
		probe_result_evidence(r, "Your settings match: %s, port %d, %s", t->host,
		    t->port, probe_provider_security_words(t->security));
	} else {
		memset(&texts, 0, sizeof texts);
		for (i = 0; i < d.n; i++) {
			strlist_add(&texts, d.v[i].text);
			probe_result_evidence(r, "%s", d.v[i].text);
		}
		tmp = probe_provider_join(&texts, "; ");
		strlist_free(&texts);
		probe_result_fact(r, "differs", "%s", "yes");
		probe_result_fact(r, "differences", "%s", tmp);
		free(tmp);
		probe_result_fact(r, "cause", "%s", probe_provider_cause(&d, u->security));
	}
	providers_diffs_free(&d);
}

/*
 * A match for a server found in DNS or by trying: an entry that names only the domain,
 * whose user name form is unknown. The strings are copied; release with
 * providers_match_clear (the entry holds pointers into m).
 */
static void
probe_provider_synthetic(struct providers_match *m, struct providers_entry *e,
    const char *domain, const char *host, int port, enum providers_security sec,
    const char *alt_host, int alt_port, enum providers_security alt_sec)
{
	memset(m, 0, sizeof *m);
	memset(e, 0, sizeof *e);
	m->entry = e;
	m->how = PROVIDERS_BY_ID;
	m->domain = xstrdup(domain);
	m->matched = xstrdup(domain);
	m->submission.host = xstrdup(host);
	m->submission.port = port;
	m->submission.security = sec;
	if (alt_host != NULL) {
		m->alternative.host = xstrdup(alt_host);
		m->alternative.port = alt_port;
		m->alternative.security = alt_sec;
	}
	e->name = m->domain;
	e->id = m->domain;
	e->submission = m->submission;
	e->alternative = m->alternative;
	e->login = PROVIDERS_LOGIN_AS_GIVEN;
}

/* One line for a lookup that did not give records: what happened, in plain words. */
static void
probe_provider_dns_words(struct probe_result *r, const char *what, const char *name, int rc,
    const struct dns_records *rec, const char *cause)
{
	if (rc != 0)
		probe_result_evidence(r, "The %s of %s could not be asked for: %s", what, name,
		    cause != NULL ? cause : "unknown error");
	else if (rec->status == DNS_NXDOMAIN || rec->status == DNS_NODATA)
		probe_result_evidence(r, "%s has no %s in DNS", name, what);
	else if (rec->status != DNS_OK)
		probe_result_evidence(r, "Looking up the %s of %s failed: %s", what, name,
		    dns_status_words(rec->status));
}

/* The MX names in order of preference (RFC 5321 5.1), null MX left out; *names borrowed. */
static size_t
probe_provider_mx_names(const struct dns_records *rec, const char ***names,
    struct probe_result *r, const char *domain)
{
	const struct dns_rr	**sorted;
	const struct dns_rr	 *tmp;
	size_t			  i, j, n = 0;

	*names = NULL;
	if (rec->status != DNS_OK || rec->n == 0)
		return (0);
	sorted = xcalloc(rec->n, sizeof *sorted);
	for (i = 0; i < rec->n; i++) {
		if (rec->rr[i].type != ns_t_mx || rec->rr[i].target == NULL)
			continue;
		if (strcmp(rec->rr[i].target, ".") == 0) {
			/* RFC 7505: the domain takes no mail at all. */
			probe_result_evidence(r, "%s says in DNS that it receives no mail "
			    "(a null MX record)", domain);
			continue;
		}
		sorted[n++] = &rec->rr[i];
	}
	/* Insertion sort keeps the answer's order among equal preferences. */
	for (i = 1; i < n; i++) {
		tmp = sorted[i];
		for (j = i; j > 0 && sorted[j - 1]->preference > tmp->preference; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = tmp;
	}
	*names = xcalloc(n == 0 ? 1 : n, sizeof **names);
	for (i = 0; i < n; i++)
		(*names)[i] = sorted[i]->target;
	free(sorted);
	return (n);
}

/* Appends the SRV records of one service to v (room for max); returns the new count. */
static size_t
probe_provider_srv_collect(const struct dns_records *rec, struct probe_provider_srv *v,
    size_t n, enum providers_security sec, struct probe_result *r, const char *owner)
{
	size_t	 i;

	if (rec->status != DNS_OK)
		return (n);
	for (i = 0; i < rec->n && n < DNS_MAX_RECORDS * 2; i++) {
		if (rec->rr[i].type != ns_t_srv || rec->rr[i].target == NULL)
			continue;
		if (strcmp(rec->rr[i].target, ".") == 0)
			probe_result_evidence(r, "%s says in DNS that this service is not "
			    "offered (target \".\")", owner);
		else if (!probe_provider_host_ok(rec->rr[i].target))
			probe_result_evidence(r, "%s names \"%s\", which is not a host name; "
			    "left out", owner, rec->rr[i].target);
		v[n].target = rec->rr[i].target;
		v[n].priority = rec->rr[i].priority;
		v[n].weight = rec->rr[i].weight;
		v[n].port = rec->rr[i].port;
		/*
		 * RFC 6186 3.1 makes _submission STARTTLS; a record of it on port 465 is a
		 * common slip, and 465 is implicit TLS (RFC 8314 3.3) whatever it says.
		 */
		v[n].security = rec->rr[i].port == 465 ? PROVIDERS_SEC_TLS : sec;
		n++;
	}
	return (n);
}

static void *
probe_provider_try_run(void *arg)
{
	struct probe_provider_try	*t = arg;
	struct smtp_check_config	 cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.host = t->host;
	cfg.addresses = t->addresses;
	cfg.resolver = t->env->resolver;
	cfg.port = t->port;
	cfg.security = t->security == PROVIDERS_SEC_TLS ? SMTP_SECURITY_TLS :
	    SMTP_SECURITY_STARTTLS;
	cfg.cafile = t->env->cafile;
	cfg.timeout_ms = t->env->timeout_ms;
	cfg.cancel = t->env->cancel;
	t->rc = smtp_check_run(&cfg, &t->result, &t->cause);
	t->state = t->rc == 0 ? probe_provider_guess_classify(&t->result) :
	    PROBE_PROVIDER_GUESS_FAILED;
	t->ran = 1;
	return (NULL);
}

/*
 * Tries smtp.DOMAIN and mail.DOMAIN on 465 and 587, all at once, each check bounded by the
 * timeout. Returns 1 with *m filled (probe_provider_synthetic) when one greets and
 * encrypts, else 0.
 */
static int
probe_provider_guess(const struct probe_env *env, const char *domain,
    struct probe_provider_names *g, struct probe_result *r, struct providers_match *m,
    struct providers_entry *e)
{
	struct dns_host			*hosts = g->hosts;
	char				**names = g->names;
	char				*addrs[PROBE_PROVIDER_NGUESS_HOSTS];
	char				**causes = g->causes;
	int				*rc = g->rc;
	struct probe_provider_try	 tries[PROBE_PROVIDER_NGUESSES];
	enum probe_provider_guess	 states[PROBE_PROVIDER_NGUESSES];
	pthread_t			 threads[PROBE_PROVIDER_NGUESSES];
	int				 started[PROBE_PROVIDER_NGUESSES];
	char				 buf[128], *tmp;
	const char			*why;
	size_t				 i, j, k, nports;
	int				 best, alt, found = 0;

	nports = PROBE_PROVIDER_NGUESSES / PROBE_PROVIDER_NGUESS_HOSTS;
	(void)domain;
	probe_provider_names_wait(g);
	for (i = 0; i < PROBE_PROVIDER_NGUESS_HOSTS; i++) {
		addrs[i] = NULL;
		if (rc[i] != 0) {
			probe_result_evidence(r, "Guess %s could not be looked up: %s", names[i],
			    causes[i] != NULL ? causes[i] : "unknown error");
			free(causes[i]);
			causes[i] = NULL;
			continue;
		}
		if (hosts[i].naddrs == 0)
			probe_result_evidence(r, "Guess %s: %s", names[i],
			    dns_status_words(hosts[i].status));
		for (j = 0; j < hosts[i].naddrs; j++) {
			net_addr_ntop(&hosts[i].addrs[j], buf, sizeof buf);
			xasprintf(&tmp, "%s%s%s", addrs[i] == NULL ? "" : addrs[i],
			    addrs[i] == NULL ? "" : " ", buf);
			free(addrs[i]);
			addrs[i] = tmp;
		}
		dns_host_free(&hosts[i]);
		rc[i] = -1;	/* freed: nothing left for probe_provider_names_free */
	}

	memset(tries, 0, sizeof tries);
	memset(started, 0, sizeof started);
	for (i = 0; i < PROBE_PROVIDER_NGUESS_HOSTS; i++) {
		for (j = 0; j < nports; j++) {
			k = i * nports + j;
			tries[k].env = env;
			tries[k].host = names[i];
			tries[k].addresses = addrs[i];
			tries[k].port = probe_provider_guess_ports[j].port;
			tries[k].security = probe_provider_guess_ports[j].security;
			tries[k].state = PROBE_PROVIDER_GUESS_FAILED;
			smtp_check_result_init(&tries[k].result);
		}
	}
	if (addrs[0] != NULL || addrs[1] != NULL)
		probe_provider_progress(env, "trying %s", addrs[0] != NULL ? names[0] : names[1]);
	for (k = 0; k < PROBE_PROVIDER_NGUESSES; k++) {
		if (tries[k].addresses == NULL || probe_provider_cancelled(env))
			continue;
		if (pthread_create(&threads[k], NULL, probe_provider_try_run, &tries[k]) == 0)
			started[k] = 1;
		else
			probe_provider_try_run(&tries[k]);
	}
	for (k = 0; k < PROBE_PROVIDER_NGUESSES; k++) {
		if (started[k])
			pthread_join(threads[k], NULL);
	}

	for (k = 0; k < PROBE_PROVIDER_NGUESSES; k++) {
		struct probe_provider_try	*t = &tries[k];
		const char			*words = probe_provider_security_words(t->security);

		states[k] = t->state;
		if (!t->ran)
			continue;
		if (t->rc != 0)
			why = t->cause;
		else if (t->result.connect != NET_CONNECTED)
			why = net_status_words(t->result.connect);
		else if (t->result.session.detail != NULL)
			why = t->result.session.detail;
		else
			why = smtp_failure_name(t->result.session.failure);
		switch (t->state) {
		case PROBE_PROVIDER_GUESS_VERIFIED:
			probe_result_evidence(r, "Guess %s port %d with %s: answers as a mail "
			    "server, and its certificate checks out", t->host, t->port, words);
			break;
		case PROBE_PROVIDER_GUESS_UNVERIFIED:
			probe_result_evidence(r, "Guess %s port %d with %s: answers as a mail "
			    "server, but its certificate is not valid for that name", t->host,
			    t->port, words);
			break;
		case PROBE_PROVIDER_GUESS_FAILED:
			probe_result_evidence(r, "Guess %s port %d with %s: no use (%s)", t->host,
			    t->port, words, why != NULL ? why : "no answer");
			break;
		}
		if (t->result.session.transcript.n > 0) {
			strlist_addf(&r->transcript, "-- %s port %d with %s --", t->host,
			    t->port, words);
			for (i = 0; i < t->result.session.transcript.n; i++)
				strlist_add(&r->transcript, t->result.session.transcript.v[i]);
		}
	}

	best = probe_provider_guess_pick(states, PROBE_PROVIDER_NGUESSES, -1);
	if (best >= 0) {
		/* The alternative: the other port of the same host, when it works too. */
		alt = probe_provider_guess_pick(states, PROBE_PROVIDER_NGUESSES, best);
		if (alt >= 0 && strcmp(tries[alt].host, tries[best].host) != 0)
			alt = -1;
		probe_provider_synthetic(m, e, domain, tries[best].host, tries[best].port,
		    tries[best].security, alt >= 0 ? tries[alt].host : NULL,
		    alt >= 0 ? tries[alt].port : 0,
		    alt >= 0 ? tries[alt].security : PROVIDERS_SEC_NONE);
		found = 1;
	}
	for (k = 0; k < PROBE_PROVIDER_NGUESSES; k++) {
		free(tries[k].cause);
		smtp_check_result_free(&tries[k].result);
	}
	for (i = 0; i < PROBE_PROVIDER_NGUESS_HOSTS; i++)
		free(addrs[i]);
	return (found);
}

static void
probe_provider_names_start(const struct probe_env *env, const char *domain,
    struct probe_provider_names *g)
{
	size_t	 i;

	memset(g, 0, sizeof *g);
	g->cfg.resolver = env->resolver;
	g->cfg.timeout_ms = env->timeout_ms;
	for (i = 0; i < PROBE_PROVIDER_NGUESS_HOSTS; i++) {
		xasprintf(&g->names[i], "%s.%s", probe_provider_guess_prefix[i], domain);
		g->rc[i] = -1;
	}
	if (pthread_create(&g->thread, NULL, probe_provider_names_run, g) == 0)
		g->started = 1;
	else
		probe_provider_names_run(g);
}

static void *
probe_provider_names_run(void *arg)
{
	struct probe_provider_names	*g = arg;

	dns_resolve_many(&g->cfg, (const char *const *)g->names, PROBE_PROVIDER_NGUESS_HOSTS,
	    g->hosts, g->rc, g->causes);
	return (NULL);
}

static void
probe_provider_names_wait(struct probe_provider_names *g)
{
	if (g->started) {
		pthread_join(g->thread, NULL);
		g->started = 0;
	}
}

static void
probe_provider_names_free(struct probe_provider_names *g)
{
	size_t	 i;

	probe_provider_names_wait(g);
	for (i = 0; i < PROBE_PROVIDER_NGUESS_HOSTS; i++) {
		if (g->rc[i] == 0)
			dns_host_free(&g->hosts[i]);
		free(g->causes[i]);
		free(g->names[i]);
	}
}

static int
probe_provider_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct probe_provider_user	 u;
	struct providers_match		 m;
	struct providers_entry		 synth;
	struct dns_config		 cfg;
	struct dns_question		 q[PROBE_PROVIDER_NQUESTIONS];
	struct dns_records		 rec[PROBE_PROVIDER_NQUESTIONS];
	int				 rc[PROBE_PROVIDER_NQUESTIONS];
	char				*causes[PROBE_PROVIDER_NQUESTIONS];
	char				*names[PROBE_PROVIDER_NQUESTIONS];
	struct probe_provider_srv	 srv[DNS_MAX_RECORDS * 2];
	struct probe_provider_names	 guess_names;
	const char			*email, **mx = NULL, *alt_host = NULL;
	char				*domain = NULL;
	size_t				 i, nmx, nsrv;
	long long			 start = mono_ms();
	int				 ret = 0, alt_port = 0;
	enum providers_security		 alt_sec = PROVIDERS_SEC_NONE;

	if (probe_provider_params(params, nparams, &u, cause) != 0)
		return (-1);
	email = probe_provider_known(probe_param_get(params, nparams, "email"));
	u.address = email;
	if (probe_provider_domain(email, &domain) != 0) {
		r->outcome = "no-address";
		xasprintf(&r->target, "%s", "no email address");
		probe_provider_empty(r, "");
		if (email == NULL)
			probe_result_evidence(r, "No email address was given, so there is no "
			    "provider to look up");
		else
			probe_result_evidence(r, "\"%s\" is not an email address with a domain "
			    "after the @", email);
		goto out;
	}
	r->target = sanitize_str(domain);

	/* The knowledge base first: no network at all for a domain it names. */
	if (providers_match_domain(NULL, email, &m)) {
		r->outcome = "known";
		probe_result_evidence(r, "%s addresses belong to %s (sendfix's list of "
		    "providers)", domain, m.entry->name);
		probe_provider_fill(r, &m, "domain", &u, "no");
		providers_match_clear(&m);
		goto out;
	}
	if (!probe_provider_host_ok(domain)) {
		r->outcome = "unknown";
		probe_provider_empty(r, domain);
		probe_result_evidence(r, "%s is not in sendfix's list of providers, and it is "
		    "not written in a form DNS can be asked about (an internationalised name "
		    "needs its xn-- form)", domain);
		goto out;
	}

	/* RFC 6186 3.1 and RFC 8314 5.1: the services a mail program looks for. */
	xasprintf(&names[PROBE_PROVIDER_Q_MX], "%s", domain);
	xasprintf(&names[PROBE_PROVIDER_Q_SUBMISSION], "_submission._tcp.%s", domain);
	xasprintf(&names[PROBE_PROVIDER_Q_SUBMISSIONS], "_submissions._tcp.%s", domain);
	for (i = 0; i < PROBE_PROVIDER_NQUESTIONS; i++) {
		q[i].name = names[i];
		q[i].type = i == PROBE_PROVIDER_Q_MX ? ns_t_mx : ns_t_srv;
		q[i].resolver = NULL;
	}
	cfg.resolver = env->resolver;
	cfg.timeout_ms = env->timeout_ms;
	probe_provider_progress(env, "looking up the mail servers of %s", domain);
	probe_provider_names_start(env, domain, &guess_names);
	dns_lookup_many(&cfg, q, PROBE_PROVIDER_NQUESTIONS, rec, rc, causes);
	if (probe_provider_cancelled(env)) {
		xasprintf(cause, "cancelled");
		ret = -1;
		goto out_dns;
	}

	probe_provider_dns_words(r, "mail servers (MX)", domain, rc[PROBE_PROVIDER_Q_MX],
	    &rec[PROBE_PROVIDER_Q_MX], causes[PROBE_PROVIDER_Q_MX]);
	nmx = probe_provider_mx_names(&rec[PROBE_PROVIDER_Q_MX], &mx, r, domain);
	if (nmx > 0 && providers_match_mx(NULL, email, mx, nmx, &m)) {
		r->outcome = "known";
		probe_result_evidence(r, "%s receives its mail at %s, a server of %s (sendfix's "
		    "list of providers)", domain, m.matched, m.entry->name);
		probe_provider_fill(r, &m, "mx", &u, "no");
		providers_match_clear(&m);
		goto out_dns;
	}
	if (nmx > 0)
		probe_result_evidence(r, "%s receives its mail at %s, which is not in sendfix's "
		    "list of providers", domain, mx[0]);

	nsrv = probe_provider_srv_collect(&rec[PROBE_PROVIDER_Q_SUBMISSIONS], srv, 0,
	    PROVIDERS_SEC_TLS, r, names[PROBE_PROVIDER_Q_SUBMISSIONS]);
	nsrv = probe_provider_srv_collect(&rec[PROBE_PROVIDER_Q_SUBMISSION], srv, nsrv,
	    PROVIDERS_SEC_STARTTLS, r, names[PROBE_PROVIDER_Q_SUBMISSION]);
	nsrv = probe_provider_srv_order(srv, nsrv);
	if (nsrv > 0) {
		for (i = 1; i < nsrv; i++) {
			if (srv[i].port != srv[0].port || srv[i].security != srv[0].security ||
			    strcasecmp(srv[i].target, srv[0].target) != 0) {
				alt_host = srv[i].target;
				alt_port = (int)srv[i].port;
				alt_sec = srv[i].security;
				break;
			}
		}
		r->outcome = "srv";
		probe_result_evidence(r, "%s publishes its outgoing server in DNS (RFC 6186 "
		    "SRV records): %s port %u", domain, srv[0].target, srv[0].port);
		probe_provider_synthetic(&m, &synth, domain, srv[0].target, (int)srv[0].port,
		    srv[0].security, alt_host, alt_port, alt_sec);
		probe_provider_fill(r, &m, "srv", &u, "no");
		providers_match_clear(&m);
		goto out_dns;
	}
	probe_provider_dns_words(r, "submission service record (SRV)", domain,
	    rc[PROBE_PROVIDER_Q_SUBMISSION], &rec[PROBE_PROVIDER_Q_SUBMISSION],
	    causes[PROBE_PROVIDER_Q_SUBMISSION]);

	if (probe_provider_guess(env, domain, &guess_names, r, &m, &synth)) {
		r->outcome = "guessed";
		probe_result_evidence(r, "%s answers as a mail server with encryption; no "
		    "published setting names it, so it is a tested guess", m.submission.host);
		probe_provider_fill(r, &m, "guess", &u, "yes");
		providers_match_clear(&m);
		goto out_dns;
	}
	if (probe_provider_cancelled(env)) {
		xasprintf(cause, "cancelled");
		ret = -1;
		goto out_dns;
	}
	r->outcome = "unknown";
	probe_provider_empty(r, domain);
	probe_result_evidence(r, "No setting for %s was found: it is not in sendfix's list of "
	    "providers, publishes no SRV record, and neither smtp.%s nor mail.%s answers as "
	    "a mail server with encryption", domain, domain, domain);

out_dns:
	probe_provider_names_free(&guess_names);
	free(mx);
	for (i = 0; i < PROBE_PROVIDER_NQUESTIONS; i++) {
		dns_records_free(&rec[i]);
		free(causes[i]);
		free(names[i]);
	}
out:
	if (ret == 0) {
		r->elapsed_ms = mono_ms() - start;
		probe_result_fact(r, "elapsed-ms", "%lld", r->elapsed_ms);
	}
	free(domain);
	return (ret);
}
