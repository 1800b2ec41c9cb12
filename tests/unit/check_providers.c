/* check_providers.c: unit tests for the provider knowledge base: loader, matcher, comparison. */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers.h"
#include "util.h"

#define NTHREADS	8
#define MAX_MX		4

/* A minimal valid stanza, six lines. */
#define GOOD \
	"Provider: p\n" \
	"Name: P\n" \
	"Domain: p.example\n" \
	"Submission: smtp.p.example 465 tls\n" \
	"Login: full-address\n" \
	"Help: https://p.example/help\n"

struct domain_case {
	const char	*address;
	const char	*want;		/* the provider ID, or NULL for no match */
};

struct mx_case {
	const char	*name;
	const char	*mx[MAX_MX];
	const char	*want;
};

struct glob_case {
	const char	*pattern;
	const char	*name;
	int		 want;
};

struct refusal_case {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

static struct providers *load(const char *);
static void	*thread_builtin(void *);
static Suite	*providers_suite(void);

static const struct domain_case domain_cases[] = {
	{ "ann@gmail.com", "gmail" },
	{ "Ann.Example@GoogleMail.COM", "gmail" },
	{ "gmail.com", "gmail" },
	{ "ann@gmail.com.", "gmail" },
	{ "ann@hotmail.co.uk", "outlook" },
	{ "ann@hotmail.com", "outlook" },
	{ "ann@live.fr", "outlook" },
	{ "ann@msn.com", "outlook" },
	{ "ann@outlook.com.br", "outlook" },
	{ "ann@contoso.onmicrosoft.com", "microsoft-365" },
	{ "ann@mail.contoso.onmicrosoft.com", "microsoft-365" },
	{ "ann@yahoo.co.uk", "yahoo" },
	{ "ann@ymail.com", "yahoo" },
	{ "ann@aol.co.uk", "aol" },
	{ "ann@me.com", "icloud" },
	{ "ann@zohomail.eu", "zoho-eu" },
	{ "ann@fastmail.fm", "fastmail" },
	{ "ann@fastmail.co.uk", "fastmail" },
	{ "ann@pm.me", "proton" },
	{ "ann@gmx.de", "gmx" },
	{ "ann@gmx.com", "gmx-com" },
	{ "ann@web.de", "webde" },
	{ "ann@list.ru", "mailru" },
	{ "ann@ya.ru", "yandex" },
	{ "ann@sbcglobal.net", "att" },
	{ "ann@t-online.de", "t-online" },
	/* No match. */
	{ "ann@example.com", NULL },
	{ "ann@notgmail.com", NULL },
	{ "ann@gmail.com.example.org", NULL },
	{ "ann@sub.gmail.com", NULL },
	{ "onmicrosoft.com", NULL },
	{ "ann@yahoo.co.jp", NULL },
	{ "ann@xn--bcher-kva.example", NULL },
	{ "ann@", NULL },
	{ "", NULL },
};

static const struct mx_case mx_cases[] = {
	{ "Google Workspace", { "aspmx.l.google.com", "alt1.aspmx.l.google.com" },
	  "google-workspace" },
	{ "Google Workspace, the single MX", { "smtp.google.com" }, "google-workspace" },
	{ "Google Workspace, old backup", { "aspmx2.googlemail.com" }, "google-workspace" },
	{ "Microsoft 365", { "example-com.mail.protection.outlook.com" }, "microsoft-365" },
	{ "Microsoft 365, DNSSEC", { "example-com.o-v1.mx.microsoft" }, "microsoft-365" },
	{ "Outlook.com", { "eur.olc.protection.outlook.com" }, "outlook" },
	{ "Zoho US", { "mx.zoho.com", "mx2.zoho.com" }, "zoho-business" },
	{ "Zoho EU", { "mx3.zoho.eu" }, "zoho-business-eu" },
	{ "iCloud, upper case and a final dot", { "MX01.MAIL.ICLOUD.COM." }, "icloud" },
	{ "Fastmail", { "in1-smtp.messagingengine.com" }, "fastmail" },
	{ "Proton", { "mail.protonmail.ch", "mailsec.protonmail.ch" }, "proton" },
	{ "Yahoo", { "mta5.am0.yahoodns.net" }, "yahoo" },
	{ "AOL beats Yahoo by the longer pattern", { "mx-aol.mail.gm0.yahoodns.net" }, "aol" },
	{ "OVH", { "mx1.mail.ovh.net" }, "ovh" },
	{ "IONOS Germany", { "mx00.ionos.de" }, "ionos-de" },
	{ "IONOS Germany, old name", { "mx00.kundenserver.de" }, "ionos-de" },
	{ "IONOS UK", { "mx01.ionos.co.uk" }, "ionos-uk" },
	{ "IONOS elsewhere", { "mx00.ionos.es" }, "ionos" },
	{ "GoDaddy", { "smtp.secureserver.net", "mailstore1.secureserver.net" }, "godaddy" },
	{ "Namecheap", { "mx1.privateemail.com" }, "namecheap" },
	{ "Rackspace", { "mx1.emailsrvr.com" }, "rackspace" },
	{ "the first MX that matches decides", { "mail.example.com", "aspmx.l.google.com" },
	  "google-workspace" },
	{ "own server", { "mail.example.com" }, NULL },
	{ "not a subdomain", { "evilgoogle.com" }, NULL },
	{ "the bare domain", { "google.com" }, NULL },
	{ "empty list", { NULL }, NULL },
};

static const struct glob_case glob_cases[] = {
	{ "*.google.com", "aspmx.l.google.com", 1 },
	{ "*.google.com", "google.com", 0 },
	{ "*.google.com", "googlexcom", 0 },
	{ "hotmail.*", "hotmail.de", 1 },
	{ "hotmail.*", "hotmail.co.uk", 1 },
	{ "hotmail.*", "hotmail.a.b.c", 0 },
	{ "hotmail.*", "hotmail", 0 },
	{ "mx*.zoho.*", "mx.zoho.com", 1 },
	{ "mx*.zoho.*", "mx3.zoho.com.au", 1 },
	{ "mx*.zoho.*", "smtpin.zoho.com", 0 },
	{ "a.*.c", "a.b.c", 1 },
	{ "a.*.c", "a.b.b.c", 0 },
	{ "*.ionos.*", "mx00.ionos.de", 1 },
	{ "x*y.example", "xy.example", 1 },
	{ "x*y.example", "x-long-y.example", 1 },
	{ "x*y.example", "x.y.example", 0 },
	{ "gmail.com", "GMAIL.com.", 1 },
	{ "gmail.com", "", 0 },
};

static const struct refusal_case refusal_cases[] = {
	{ "unknown key", GOOD "Colour: red\n", 0, "t:7: unknown key \"Colour\"" },
	{ "not a key line", GOOD "just words\n", 0,
	  "t:7: not a \"Key: value\" line: \"just words\"" },
	{ "no Submission",
	  "Provider: p\nName: P\nDomain: p.example\nLogin: full-address\n"
	  "Help: https://p.example/\n", 0, "t:1: provider \"p\" has no Submission" },
	{ "no Help, no Name",
	  "Provider: p\nDomain: p.example\nSubmission: s.p.example 587 starttls\n"
	  "Login: local-part\n", 0,
	  "t:1: provider \"p\" has no Name\nt:1: provider \"p\" has no Help" },
	{ "port out of range",
	  "Provider: p\nName: P\nSubmission: smtp.p.example 70000 tls\n"
	  "Login: full-address\nHelp: https://p.example/\n", 0,
	  "t:3: bad port \"70000\" (1-65535)" },
	{ "unknown security",
	  "Provider: p\nName: P\nSubmission: smtp.p.example 465 ssl\n"
	  "Login: full-address\nHelp: https://p.example/\n", 0,
	  "t:3: unknown security \"ssl\" (none, starttls or tls)" },
	{ "server with two words",
	  "Provider: p\nName: P\nSubmission: smtp.p.example 465\n"
	  "Login: full-address\nHelp: https://p.example/\n", 0,
	  "t:3: a server is written HOST PORT SECURITY" },
	{ "unknown variable",
	  "Provider: p\nName: P\nSubmission: mail.${user} 465 tls\n"
	  "Login: full-address\nHelp: https://p.example/\n", 0,
	  "t:3: host \"mail.${user}\" uses a variable other than ${domain}" },
	{ "a lone star", GOOD "Domain: *\n", 0,
	  "t:7: pattern \"*\" needs two labels at least" },
	{ "stars only", GOOD "MX: *.*\n", 0,
	  "t:7: pattern \"*.*\" needs one label without '*'" },
	{ "not ASCII", GOOD "Domain: b\303\274cher.example\n", 0,
	  "t:7: pattern \"b\303\274cher.example\" is not ASCII: write internationalised "
	  "names as A-labels (xn--...)" },
	{ "empty label", GOOD "MX: mx..p.example\n", 0,
	  "t:7: pattern \"mx..p.example\" has an empty label" },
	{ "pattern used by two providers",
	  GOOD "\nProvider: q\nName: Q\nDomain: P.Example\n"
	  "Submission: smtp.q.example 465 tls\nLogin: full-address\nHelp: https://q.example/\n",
	  0, "t:10: pattern \"p.example\" is already used by provider \"p\" (line 1)" },
	{ "duplicate ID",
	  GOOD "\nProvider: p\nName: Q\nDomain: q.example\n"
	  "Submission: smtp.q.example 465 tls\nLogin: full-address\nHelp: https://q.example/\n",
	  0, "t:8: provider \"p\" is already defined at line 1" },
	{ "bad ID", "Provider: Gmail\nName: P\nSubmission: s.p.example 465 tls\n"
	  "Login: full-address\nHelp: https://p.example/\n", 0,
	  "t:1: provider ID \"Gmail\" may hold only lower-case letters, digits and '-'" },
	{ "given twice", GOOD "Name: again\n", 0, "t:7: Name is given twice (first at line 2)" },
	{ "unknown quirk", GOOD "Quirks: oauth-only app-pasword-required\n", 0,
	  "t:7: unknown quirk \"app-pasword-required\"" },
	{ "unknown login form", "Provider: p\nName: P\nSubmission: s.p.example 465 tls\n"
	  "Login: email\nHelp: https://p.example/\n", 0,
	  "t:4: unknown login form \"email\" (full-address, local-part or as-given)" },
	{ "help not https", "Provider: p\nName: P\nSubmission: s.p.example 465 tls\n"
	  "Login: as-given\nHelp: http://p.example/\n", 0,
	  "t:5: help address \"http://p.example/\" must be one https:// URL" },
	{ "SPF without include", GOOD "SPF: _spf.p.example\n", 0,
	  "t:7: SPF \"_spf.p.example\" must be written include:NAME" },
	{ "continuing a one-line key", GOOD "Name: P\n more\n", 0,
	  "t:7: Name is given twice (first at line 2)" },
	{ "continuing Name", "Provider: p\nName: P\n more\nSubmission: s.p.example 465 tls\n"
	  "Login: as-given\nHelp: https://p.example/\n", 0,
	  "t:3: Name does not continue on the next line" },
	{ "continuation after a blank line", GOOD "\n more\n", 0,
	  "t:8: a continuation line with nothing to continue" },
	{ "stanza without Provider", "Name: P\nSubmission: s.p.example 465 tls\n", 0,
	  "t:1: a stanza must start with a Provider line" },
	{ "alternative repeats submission", GOOD "Alternative: smtp.p.example 465 starttls\n",
	  0, "t:7: the Alternative repeats the Submission's host and port" },
	{ "NUL", GOOD "Note: a\0b\n", sizeof GOOD - 1 + 10, "t:7: a NUL byte" },
	{ "not UTF-8", GOOD "Note: caf\351\n", 0, "t:7: not UTF-8 text" },
	{ "control character", GOOD "Note: \033[31mred\n", 0, "t:7: a control character" },
	{ "empty", "# nothing here\n\n", 0, "t: no providers in the file" },
	{ "every problem at once, in line order",
	  "# header\n"
	  "Provider: a\nName: A\nDomain: a.example\nSubmission: s.a.example 465 tsl\n"
	  "Login: full-address\nHelp: https://a.example/\n"
	  "\n"
	  "Provider: b\nName: B\nMX: *.a.example *\nSubmission: s.b.example 0 tls\n"
	  "Colour: blue\n", 0,
	  "t:5: unknown security \"tsl\" (none, starttls or tls)\n"
	  "t:9: provider \"b\" has no Login\n"
	  "t:9: provider \"b\" has no Help\n"
	  "t:11: pattern \"*\" needs two labels at least\n"
	  "t:12: bad port \"0\" (1-65535)\n"
	  "t:13: unknown key \"Colour\"" },
};

static struct providers *
load(const char *text)
{
	struct providers	*p = NULL;
	char			*errors = NULL;

	if (providers_parse_buffer("t", text, strlen(text), &p, &errors) != 0)
		ck_abort_msg("file refused: %s", errors);
	ck_assert_ptr_null(errors);
	return (p);
}

static void *
thread_builtin(void *arg)
{
	(void)arg;
	return ((void *)providers_builtin());
}

START_TEST(test_builtin)
{
	const struct providers		*p = providers_builtin();
	const struct providers_entry	*e;
	size_t				 i;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, providers_builtin());
	ck_assert_str_eq(p->file, PROVIDERS_BUILTIN_NAME);
	ck_assert_uint_ge(p->n, 25);
	for (i = 0; i < p->n; i++) {
		e = &p->v[i];
		ck_assert_msg(e->name != NULL && *e->name != '\0', "%s: no name", e->id);
		ck_assert_msg(e->submission.host != NULL && *e->submission.host != '\0',
		    "%s: no host", e->id);
		ck_assert_msg(e->submission.port > 0 && e->submission.port <= 65535,
		    "%s: no port", e->id);
		ck_assert_msg(e->submission.security < PROVIDERS_SEC_COUNT,
		    "%s: no security", e->id);
		ck_assert_msg(e->help != NULL && strncmp(e->help, "https://", 8) == 0,
		    "%s: no help URL", e->id);
		ck_assert_msg(e->domains.n + e->mx.n > 0 || strcmp(e->id, "cpanel") == 0,
		    "%s: found by nothing", e->id);
		if (e->alternative.host != NULL)
			ck_assert_int_gt(e->alternative.port, 0);
	}
}
END_TEST

START_TEST(test_builtin_threads)
{
	pthread_t	 t[NTHREADS];
	void		*r;
	int		 i;

	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, thread_builtin, NULL), 0);
	for (i = 0; i < NTHREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], &r), 0);
		ck_assert_ptr_eq(r, providers_builtin());
	}
}
END_TEST

START_TEST(test_builtin_facts)
{
	struct providers_match	 m;

	ck_assert_int_eq(providers_match_domain(NULL, "ann@gmail.com", &m), 1);
	ck_assert_str_eq(m.submission.host, "smtp.gmail.com");
	ck_assert_int_eq(m.submission.port, 465);
	ck_assert_int_eq(m.submission.security, PROVIDERS_SEC_TLS);
	ck_assert_str_eq(m.alternative.host, "smtp.gmail.com");
	ck_assert_int_eq(m.alternative.port, 587);
	ck_assert_int_eq(m.alternative.security, PROVIDERS_SEC_STARTTLS);
	ck_assert_int_eq(m.entry->login, PROVIDERS_LOGIN_FULL_ADDRESS);
	ck_assert(m.entry->quirks & PROVIDERS_QUIRK_APP_PASSWORD);
	ck_assert_int_eq(m.how, PROVIDERS_BY_DOMAIN);
	ck_assert_str_eq(m.pattern, "gmail.com");
	providers_match_clear(&m);

	ck_assert_int_eq(providers_match_domain(NULL, "ann@outlook.com", &m), 1);
	ck_assert_str_eq(m.submission.host, "smtp-mail.outlook.com");
	ck_assert_int_eq(m.submission.port, 587);
	ck_assert_int_eq(m.submission.security, PROVIDERS_SEC_STARTTLS);
	ck_assert(m.entry->quirks & PROVIDERS_QUIRK_OAUTH_ONLY);
	providers_match_clear(&m);

	ck_assert_int_eq(providers_find_id(NULL, "microsoft-365", NULL, &m), 1);
	ck_assert_str_eq(m.submission.host, "smtp.office365.com");
	ck_assert_ptr_null(m.alternative.host);
	ck_assert(m.entry->quirks & PROVIDERS_QUIRK_BASIC_AUTH_OFF);
	ck_assert_str_eq(m.entry->spf, "include:spf.protection.outlook.com");
	ck_assert_uint_eq(m.entry->dkim.n, 2);
	ck_assert_str_eq(m.entry->dkim.v[0], "selector1");
	providers_match_clear(&m);

	ck_assert_int_eq(providers_find_id(NULL, "google-workspace", NULL, &m), 1);
	ck_assert_str_eq(m.entry->spf, "include:_spf.google.com");
	ck_assert_str_eq(m.entry->dkim.v[0], "google");
	providers_match_clear(&m);

	ck_assert_int_eq(providers_match_domain(NULL, "ann@proton.me", &m), 1);
	ck_assert_str_eq(m.submission.host, "127.0.0.1");
	ck_assert_int_eq(m.submission.port, 1025);
	ck_assert_int_eq(m.submission.security, PROVIDERS_SEC_STARTTLS);
	ck_assert(m.entry->quirks & PROVIDERS_QUIRK_BRIDGE);
	ck_assert_str_eq(m.entry->quirk_words.v[0], "bridge-required");
	providers_match_clear(&m);

	ck_assert_int_eq(providers_match_domain(NULL, "ann@gmx.net", &m), 1);
	ck_assert_str_eq(m.submission.host, "mail.gmx.net");
	providers_match_clear(&m);
	ck_assert_int_eq(providers_match_domain(NULL, "ann@gmx.co.uk", &m), 1);
	ck_assert_str_eq(m.submission.host, "mail.gmx.com");
	providers_match_clear(&m);

	ck_assert_int_eq(providers_find_id(NULL, "no-such-provider", NULL, &m), 0);
	ck_assert_ptr_null(m.entry);
}
END_TEST

START_TEST(test_domains)
{
	const struct domain_case	*c = &domain_cases[_i];
	struct providers_match		 m;
	int				 found;

	found = providers_match_domain(NULL, c->address, &m);
	if (c->want == NULL) {
		ck_assert_msg(!found, "%s: matched %s", c->address,
		    found ? m.entry->id : "");
		ck_assert_ptr_null(m.entry);
		return;
	}
	ck_assert_msg(found, "%s: no match", c->address);
	ck_assert_str_eq(m.entry->id, c->want);
	ck_assert_int_eq(m.how, PROVIDERS_BY_DOMAIN);
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_mx)
{
	const struct mx_case	*c = &mx_cases[_i];
	struct providers_match	 m;
	size_t			 n;
	int			 found;

	for (n = 0; n < MAX_MX && c->mx[n] != NULL; n++)
		;
	found = providers_match_mx(NULL, "ann@example.org", c->mx, n, &m);
	if (c->want == NULL) {
		ck_assert_msg(!found, "%s: matched %s", c->name, found ? m.entry->id : "");
		return;
	}
	ck_assert_msg(found, "%s: no match", c->name);
	ck_assert_msg(strcmp(m.entry->id, c->want) == 0, "%s: %s, not %s", c->name,
	    m.entry->id, c->want);
	ck_assert_int_eq(m.how, PROVIDERS_BY_MX);
	ck_assert_str_eq(m.domain, "example.org");
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_glob)
{
	const struct glob_case	*c = &glob_cases[_i];

	ck_assert_msg(providers_glob(c->pattern, c->name) == c->want, "%s ~ %s: want %d",
	    c->pattern, c->name, c->want);
}
END_TEST

/* A company domain hosted at Google: the MX decides; a Gmail address: the domain does. */
START_TEST(test_domain_before_mx)
{
	const char *const	 google[] = { "gmail-smtp-in.l.google.com" };
	const char *const	 none[] = { "mail.example.com" };
	struct providers_match	 m;

	ck_assert_int_eq(providers_match(NULL, "ann@gmail.com", google, 1, &m), 1);
	ck_assert_str_eq(m.entry->id, "gmail");
	providers_match_clear(&m);
	ck_assert_int_eq(providers_match(NULL, "ann@Example.COM", google, 1, &m), 1);
	ck_assert_str_eq(m.entry->id, "google-workspace");
	ck_assert_str_eq(m.matched, "gmail-smtp-in.l.google.com");
	ck_assert_str_eq(m.pattern, "*.google.com");
	providers_match_clear(&m);
	ck_assert_int_eq(providers_match(NULL, "ann@example.com", none, 1, &m), 0);
	ck_assert_int_eq(providers_match(NULL, "ann@example.com", NULL, 0, &m), 0);
}
END_TEST

START_TEST(test_template)
{
	const char *const	 mx[] = { "box1234.bluehost.com" };
	struct providers_match	 m;

	ck_assert_int_eq(providers_find_id(NULL, "cpanel", "ann@Example.ORG", &m), 1);
	ck_assert_str_eq(m.submission.host, "mail.example.org");
	ck_assert_int_eq(m.submission.port, 465);
	ck_assert_str_eq(m.alternative.host, "mail.example.org");
	ck_assert_int_eq(m.alternative.port, 587);
	ck_assert_ptr_nonnull(strstr(m.note, "mail.example.org"));
	ck_assert_ptr_null(strstr(m.note, "${domain}"));
	ck_assert_str_eq(m.entry->submission.host, "mail.${domain}");
	providers_match_clear(&m);

	ck_assert_int_eq(providers_match_mx(NULL, "bob@shop.example", mx, 1, &m), 1);
	ck_assert_str_eq(m.entry->id, "bluehost");
	ck_assert_str_eq(m.submission.host, "mail.shop.example");
	providers_match_clear(&m);

	/* No domain: the template stays as written. */
	ck_assert_int_eq(providers_find_id(NULL, "cpanel", NULL, &m), 1);
	ck_assert_str_eq(m.submission.host, "mail.${domain}");
	ck_assert_str_eq(m.domain, "");
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_compare_same)
{
	struct providers_match		 m;
	struct providers_settings	 s = { "smtp.gmail.com", 465, PROVIDERS_SEC_TLS,
					    "ann@gmail.com", "ann@gmail.com" };
	struct providers_diffs		 d;

	ck_assert_int_eq(providers_match_domain(NULL, s.address, &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 0);
	ck_assert_ptr_eq(d.target, &m.submission);
	providers_diffs_free(&d);

	/* The documented alternative is right too. */
	s.port = 587;
	s.security = PROVIDERS_SEC_STARTTLS;
	s.host = "SMTP.Gmail.COM.";
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 0);
	ck_assert_ptr_eq(d.target, &m.alternative);
	providers_diffs_free(&d);

	/* Nothing known, nothing compared. */
	s.host = NULL;
	s.port = 0;
	s.security = -1;
	s.user = NULL;
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 0);
	providers_diffs_free(&d);
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_compare_port)
{
	struct providers_match		 m;
	struct providers_settings	 s = { "smtp.gmail.com", 25, PROVIDERS_SEC_STARTTLS,
					    "ann@gmail.com", "ann@gmail.com" };
	struct providers_diffs		 d;

	ck_assert_int_eq(providers_match_domain(NULL, s.address, &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_ptr_eq(d.target, &m.alternative);
	ck_assert_int_eq(d.v[0].kind, PROVIDERS_DIFF_PORT);
	ck_assert_int_eq(d.v[0].sure, 1);
	ck_assert_str_eq(d.v[0].have, "25");
	ck_assert_str_eq(d.v[0].want, "587");
	ck_assert_str_eq(d.v[0].text, "Use port 587, not 25.");
	providers_diffs_free(&d);
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_compare_security)
{
	struct providers_match		 m;
	struct providers_settings	 s = { "smtp.gmail.com", 465, PROVIDERS_SEC_STARTTLS,
					    NULL, NULL };
	struct providers_diffs		 d;

	ck_assert_int_eq(providers_match_domain(NULL, "gmail.com", &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_ptr_eq(d.target, &m.submission);
	ck_assert_int_eq(d.v[0].kind, PROVIDERS_DIFF_SECURITY);
	ck_assert_str_eq(d.v[0].have, "STARTTLS");
	ck_assert_str_eq(d.v[0].want, "SSL/TLS");
	ck_assert_str_eq(d.v[0].text, "Set the connection security (encryption) to SSL/TLS "
	    "(encrypted from the start), not STARTTLS.");
	providers_diffs_free(&d);
	providers_match_clear(&m);

	/* Outlook.com on 587 with SSL/TLS: only STARTTLS is documented there. */
	s.host = "smtp-mail.outlook.com";
	s.port = 587;
	s.security = PROVIDERS_SEC_TLS;
	ck_assert_int_eq(providers_match_domain(NULL, "ann@hotmail.com", &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_int_eq(d.v[0].kind, PROVIDERS_DIFF_SECURITY);
	ck_assert_str_eq(d.v[0].want, "STARTTLS");
	providers_diffs_free(&d);
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_compare_host_and_all)
{
	struct providers_match		 m;
	struct providers_settings	 s = { "smtp.live.com", 25, PROVIDERS_SEC_NONE,
					    "ann", "ann@outlook.com" };
	struct providers_diffs		 d;

	ck_assert_int_eq(providers_match_domain(NULL, s.address, &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 4);
	ck_assert_int_eq(d.v[0].kind, PROVIDERS_DIFF_HOST);
	ck_assert_int_eq(d.v[0].sure, 1);
	ck_assert_str_eq(d.v[0].want, "smtp-mail.outlook.com");
	ck_assert_str_eq(d.v[0].text,
	    "Set the outgoing (SMTP) server to smtp-mail.outlook.com, not smtp.live.com.");
	ck_assert_int_eq(d.v[1].kind, PROVIDERS_DIFF_PORT);
	ck_assert_str_eq(d.v[1].want, "587");
	ck_assert_int_eq(d.v[2].kind, PROVIDERS_DIFF_SECURITY);
	ck_assert_str_eq(d.v[2].have, "None");
	ck_assert_str_eq(d.v[2].want, "STARTTLS");
	ck_assert_int_eq(d.v[3].kind, PROVIDERS_DIFF_USER);
	ck_assert_str_eq(d.v[3].have, "ann");
	ck_assert_str_eq(d.v[3].want, "ann@outlook.com");
	ck_assert_str_eq(d.v[3].text, "Enter your whole email address, ann@outlook.com, "
	    "as the user name, not just ann.");
	providers_diffs_free(&d);
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_compare_user)
{
	struct providers	*p;
	struct providers_match	 m;
	struct providers_settings s = { NULL, 0, -1, "ann", NULL };
	struct providers_diffs	 d;

	/* Full address wanted; the address is unknown but the domain is. */
	ck_assert_int_eq(providers_match_domain(NULL, "yahoo.com", &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_str_eq(d.v[0].want, "ann@yahoo.com");
	providers_diffs_free(&d);
	/* Another address as the login may be right (an alias, a login name): not flagged. */
	s.user = "ann.other@yahoo.com";
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 0);
	providers_diffs_free(&d);
	/* No user name at all. */
	s.user = "";
	s.address = "ann@yahoo.com";
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_str_eq(d.v[0].have, "");
	ck_assert_str_eq(d.v[0].want, "ann@yahoo.com");
	providers_diffs_free(&d);
	providers_match_clear(&m);

	/* The part before @ wanted. */
	p = load(GOOD "\nProvider: l\nName: L\nDomain: l.example\n"
	    "Submission: smtp.l.example 587 starttls\nLogin: local-part\n"
	    "Help: https://l.example/\n");
	s.user = "ann@l.example";
	ck_assert_int_eq(providers_match_domain(p, "ann@l.example", &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_int_eq(d.v[0].kind, PROVIDERS_DIFF_USER);
	ck_assert_str_eq(d.v[0].want, "ann");
	ck_assert_str_eq(d.v[0].text, "Enter only the part before the @, ann, as the user "
	    "name, not ann@l.example.");
	providers_diffs_free(&d);
	providers_match_clear(&m);
	providers_free(p);

	/* As given: never checked. */
	s.user = "whatever";
	ck_assert_int_eq(providers_match_domain(NULL, "ann@web.de", &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 0);
	providers_diffs_free(&d);
	providers_match_clear(&m);
}
END_TEST

/* A cPanel host answers to the server's own name too: a different host is a suggestion. */
START_TEST(test_compare_template)
{
	struct providers_match		 m;
	struct providers_settings	 s = { "box1234.bluehost.com", 465, PROVIDERS_SEC_TLS,
					    "ann@shop.example", "ann@shop.example" };
	struct providers_diffs		 d;

	ck_assert_int_eq(providers_find_id(NULL, "bluehost", s.address, &m), 1);
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 1);
	ck_assert_int_eq(d.v[0].kind, PROVIDERS_DIFF_HOST);
	ck_assert_int_eq(d.v[0].sure, 0);
	ck_assert_str_eq(d.v[0].want, "mail.shop.example");
	providers_diffs_free(&d);
	s.host = "mail.shop.example";
	ck_assert_uint_eq(providers_compare(&m, &s, &d), 0);
	providers_diffs_free(&d);
	providers_match_clear(&m);
}
END_TEST

START_TEST(test_refusals)
{
	const struct refusal_case	*c = &refusal_cases[_i];
	struct providers		*p = NULL;
	char				*errors = NULL;
	size_t				 len = c->len != 0 ? c->len : strlen(c->in);

	ck_assert_msg(providers_parse_buffer("t", c->in, len, &p, &errors) == -1,
	    "%s: accepted", c->name);
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(errors);
	ck_assert_msg(strcmp(errors, c->want) == 0, "%s:\n got: %s\nwant: %s", c->name,
	    errors, c->want);
	free(errors);
}
END_TEST

START_TEST(test_accepts)
{
	struct providers	*p;
	struct providers_match	 m;

	p = load("# comment\n\n\n" GOOD
	    "MX: mx1.p.example\n mx2.p.example\n\tmx*.p-backup.example\n"
	    "Alternative: smtp.p.example 587 starttls\n"
	    "Quirks: oauth-only app-password-required\n"
	    "DKIM: s1\nDKIM: s2 s3\nSPF: include:_SPF.p.example\n"
	    "Note:\n first line\n second line\r\n"
	    "\n\n# another\nProvider: q\nName: Q\nSubmission: q.example 25 none\n"
	    "Login: as-given\nHelp: https://q.example/a?b=c\n");
	ck_assert_uint_eq(p->n, 2);
	ck_assert_int_eq(p->v[0].line, 4);
	ck_assert_uint_eq(p->v[0].mx.n, 3);
	ck_assert_str_eq(p->v[0].mx.v[2], "mx*.p-backup.example");
	ck_assert_uint_eq(p->v[0].dkim.n, 3);
	ck_assert_str_eq(p->v[0].spf, "include:_spf.p.example");
	ck_assert_str_eq(p->v[0].note, "first line second line");
	ck_assert_uint_eq(p->v[0].quirks,
	    PROVIDERS_QUIRK_OAUTH_ONLY | PROVIDERS_QUIRK_APP_PASSWORD);
	ck_assert_str_eq(p->v[0].quirk_words.v[0], "oauth-only");
	ck_assert_int_eq(p->v[1].submission.security, PROVIDERS_SEC_NONE);
	ck_assert_uint_eq(p->v[1].domains.n + p->v[1].mx.n, 0);
	ck_assert_int_eq(providers_find_id(p, "q", NULL, &m), 1);
	ck_assert_int_eq(m.how, PROVIDERS_BY_ID);
	providers_match_clear(&m);
	{
		const char *const mx[] = { "MX9.P-Backup.Example" };

		ck_assert_int_eq(providers_match_mx(p, "x@y.example", mx, 1, &m), 1);
		ck_assert_str_eq(m.entry->id, "p");
		providers_match_clear(&m);
	}
	providers_free(p);
}
END_TEST

START_TEST(test_many_errors)
{
	char	*text, *errors = NULL, *line;
	struct providers *p = NULL;
	size_t	 i, n = 0;

	text = xstrdup("");
	for (i = 0; i < 200; i++) {
		xasprintf(&line, "%sBogus: %zu\n", text, i);
		free(text);
		text = line;
	}
	ck_assert_int_eq(providers_parse_buffer("t", text, strlen(text), &p, &errors), -1);
	for (line = errors; (line = strchr(line, '\n')) != NULL; line++)
		n++;
	ck_assert_uint_le(n, 51);
	ck_assert_ptr_nonnull(strstr(errors, "more problems not shown"));
	free(errors);
	free(text);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(providers_security_name(PROVIDERS_SEC_STARTTLS), "starttls");
	ck_assert_int_eq(providers_security_parse("tls"), PROVIDERS_SEC_TLS);
	ck_assert_int_eq(providers_security_parse("ssl"), -1);
	ck_assert_str_eq(providers_security_label(PROVIDERS_SEC_TLS), "SSL/TLS");
	ck_assert_str_eq(providers_login_name(PROVIDERS_LOGIN_LOCAL_PART), "local-part");
	ck_assert_str_eq(providers_quirk_name(PROVIDERS_QUIRK_BRIDGE), "bridge-required");
	ck_assert_ptr_null(providers_quirk_name(PROVIDERS_QUIRK_BRIDGE |
	    PROVIDERS_QUIRK_OAUTH_ONLY));
}
END_TEST

static Suite *
providers_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("providers");

	tc = tcase_create("builtin");
	tcase_add_test(tc, test_builtin);
	tcase_add_test(tc, test_builtin_threads);
	tcase_add_test(tc, test_builtin_facts);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("matching");
	tcase_add_loop_test(tc, test_domains, 0,
	    (int)(sizeof domain_cases / sizeof domain_cases[0]));
	tcase_add_loop_test(tc, test_mx, 0, (int)(sizeof mx_cases / sizeof mx_cases[0]));
	tcase_add_loop_test(tc, test_glob, 0,
	    (int)(sizeof glob_cases / sizeof glob_cases[0]));
	tcase_add_test(tc, test_domain_before_mx);
	tcase_add_test(tc, test_template);
	suite_add_tcase(s, tc);

	tc = tcase_create("compare");
	tcase_add_test(tc, test_compare_same);
	tcase_add_test(tc, test_compare_port);
	tcase_add_test(tc, test_compare_security);
	tcase_add_test(tc, test_compare_host_and_all);
	tcase_add_test(tc, test_compare_user);
	tcase_add_test(tc, test_compare_template);
	suite_add_tcase(s, tc);

	tc = tcase_create("loader");
	tcase_add_loop_test(tc, test_refusals, 0,
	    (int)(sizeof refusal_cases / sizeof refusal_cases[0]));
	tcase_add_test(tc, test_accepts);
	tcase_add_test(tc, test_many_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(providers_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
