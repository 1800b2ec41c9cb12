/* check_mail_programs.c: unit tests for the mail program table and the mail-program probe. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail-programs.h"
#include "probe.h"
#include "util.h"

/* A minimal valid stanza, eleven lines. */
#define GOOD \
	"Program: p\n" \
	"Name: P\n" \
	"Open-outgoing: Open it.\n" \
	"Server: Enter ${host}.\n" \
	"Port: Enter ${port}.\n" \
	"Security: Choose ${security}.\n" \
	"Security-words: none=Off | starttls=Start | tls=Wrapped\n" \
	"Auth: Log in.\n" \
	"Password: Here.\n" \
	"Outbox: There.\n" \
	"Reset: Again.\n"

struct refusal_case {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	const char	*want;
};

/* One probe run: the parameters and the facts it must give. */
struct probe_case {
	const char	*program;
	const char	*host;
	const char	*port;
	const char	*security;
	const char	*outcome;
	const char	*name;
	const char	*server;
	const char	*set_port;
	const char	*set_security;
	const char	*label;
};

static struct mail_programs *load(const char *);
static int	 run_probe(const char *, const char *, const char *, const char *,
		     struct probe_result *, char **);
static Suite	*mail_programs_suite(void);

/* The answer key the tree's question uses (the data file's header). */
static const char *const issue_programs[] = {
	"thunderbird", "outlook-classic", "outlook-new", "apple-mail", "ios-mail",
	"gmail-android", "evolution", "msmtp-mutt", "webmail", "other",
};

static const struct probe_case probe_cases[] = {
	{ "thunderbird", "smtp.example.com", "587", "starttls", "known", "Thunderbird",
	  "In the Server Name field, enter smtp.example.com.",
	  "In the Port field, enter 587.",
	  "Set Connection security to STARTTLS.", "STARTTLS" },
	{ "thunderbird", "smtp.example.com", "465", "tls", "known", "Thunderbird",
	  "In the Server Name field, enter smtp.example.com.",
	  "In the Port field, enter 465.",
	  "Set Connection security to SSL/TLS.", "SSL/TLS" },
	{ "outlook-classic", "mail.example.org", "465", "tls", "known",
	  "Outlook for Windows (classic)",
	  "In the Outgoing mail server (SMTP) field, enter mail.example.org.",
	  "On the Advanced tab, in the Outgoing server (SMTP) port field, enter 465.",
	  "Next to Use the following type of encrypted connection (called Encryption method "
	  "in the newer window), choose SSL/TLS.", "SSL/TLS" },
	{ "outlook-classic", "mail.example.org", "587", "starttls", "known",
	  "Outlook for Windows (classic)",
	  "In the Outgoing mail server (SMTP) field, enter mail.example.org.",
	  "On the Advanced tab, in the Outgoing server (SMTP) port field, enter 587.",
	  "Next to Use the following type of encrypted connection (called Encryption method "
	  "in the newer window), choose STARTTLS.", "STARTTLS" },
	{ "apple-mail", "smtp.mail.example", "587", "starttls", "known", "Apple Mail",
	  "In the Host Name field under Outgoing Mail Account, enter smtp.mail.example.",
	  "In the Port field under Outgoing Mail Account, enter 587.",
	  "Turn Use TLS/SSL on; Mail then picks STARTTLS or SSL/TLS from the port number.",
	  "on" },
	{ "apple-mail", "smtp.mail.example", "25", "none", "known", "Apple Mail",
	  "In the Host Name field under Outgoing Mail Account, enter smtp.mail.example.",
	  "In the Port field under Outgoing Mail Account, enter 25.",
	  "Turn Use TLS/SSL off; Mail then picks STARTTLS or SSL/TLS from the port number.",
	  "off" },
	/* Unknown values: the template's default, or the generic phrase. */
	{ "apple-mail", NULL, NULL, NULL, "known", "Apple Mail",
	  "In the Host Name field under Outgoing Mail Account, enter the outgoing server "
	  "name your provider gives.",
	  "In the Port field under Outgoing Mail Account, enter the port number your "
	  "provider gives.",
	  "Turn Use TLS/SSL on or off as your provider says; Mail then picks STARTTLS or "
	  "SSL/TLS from the port number.", "on or off" },
	{ "other", "smtp.example.net", "465", "tls", "other", "your mail program",
	  "In the outgoing (SMTP) server name field, enter smtp.example.net.",
	  "In the outgoing server's port field, enter 465.",
	  "Set the outgoing server's security or encryption to SSL/TLS (sometimes just "
	  "called SSL).", "SSL/TLS (sometimes just called SSL)" },
	{ "dontknow", "smtp.example.net", "587", "starttls", "other", "your mail program",
	  "In the outgoing (SMTP) server name field, enter smtp.example.net.",
	  "In the outgoing server's port field, enter 587.",
	  "Set the outgoing server's security or encryption to STARTTLS (sometimes just "
	  "called TLS).", "STARTTLS (sometimes just called TLS)" },
	{ "", "smtp.example.net", "dontknow", "dontknow", "other", "your mail program",
	  "In the outgoing (SMTP) server name field, enter smtp.example.net.",
	  "In the outgoing server's port field, enter the port number your provider gives.",
	  "Set the outgoing server's security or encryption to the setting your provider "
	  "names.", NULL },
	{ NULL, NULL, NULL, NULL, "other", "your mail program", NULL, NULL, NULL, NULL },
	{ "msmtp-mutt", "smtp.example.com", "465", "tls", "known", "msmtp or mutt",
	  "For msmtp, write the line: host smtp.example.com. For mutt, put it after the @ in "
	  "smtp_url: set smtp_url = \"smtp://USER@smtp.example.com:PORT/\" for STARTTLS, or "
	  "\"smtps://USER@smtp.example.com:PORT/\" for SSL/TLS.",
	  "For msmtp, write the line: port 465. For mutt, write 465 in place of PORT in "
	  "smtp_url.", NULL, NULL },
};

static const struct refusal_case refusal_cases[] = {
	{ "unknown key", GOOD "Colour: red\n", 0, "t:12: unknown key \"Colour\"" },
	{ "key twice", GOOD "Auth: Again.\n", 0,
	  "t:12: Auth is given twice (first at line 8)" },
	{ "missing key", "Program: p\nName: P\n", 0,
	  "t:1: program \"p\" has no Open-outgoing\n"
	  "t:1: program \"p\" has no Server" },
	{ "no Program line", "Name: P\n\n" GOOD, 0,
	  "t:1: a stanza must start with a Program line" },
	{ "bad ID", "Program: Thunder Bird\n", 0,
	  "t:1: program ID \"Thunder Bird\" may hold only lower-case letters, digits and '-'" },
	{ "duplicate ID", GOOD "\n" GOOD, 0,
	  "t:13: program \"p\" is already defined at line 1" },
	{ "unknown variable", "Program: p\nName: P\nOpen-outgoing: Open ${user}.\n", 0,
	  "t:3: unknown variable \"${user}\" (host, port or security)" },
	{ "unclosed variable", "Program: p\nName: P\nOpen-outgoing: Open\n ${host.\n", 0,
	  "t:3: \"${\" without a closing \"}\"" },
	{ "bad default", "Program: p\nName: P\nServer: ${host:x}\n", 0,
	  "t:3: a default is written ${name:-words}" },
	{ "nested default", "Program: p\nName: P\nServer: ${host:-${port}}\n", 0,
	  "t:3: a default may not hold \"$\"" },
	{ "words without =", "Program: p\nName: P\nSecurity-words: STARTTLS\n", 0,
	  "t:3: security word \"STARTTLS\" is not written MODE=LABEL" },
	{ "unknown mode", "Program: p\nName: P\nSecurity-words: ssl=SSL\n", 0,
	  "t:3: unknown security mode \"ssl\" (none, starttls or tls)" },
	{ "missing mode", "Program: p\nName: P\nSecurity-words: none=No | tls=Yes\n", 0,
	  "t:3: Security-words has no label for starttls" },
	{ "mode twice", "Program: p\nName: P\n"
	  "Security-words: none=No | tls=Yes |\n starttls=S | tls=Again\n", 0,
	  "t:3: security mode tls is given twice" },
	{ "empty label", "Program: p\nName: P\nSecurity-words: none= | tls=Y | starttls=S\n",
	  0, "t:3: security mode none has an empty label" },
	{ "empty value", "Program: p\nName: P\nAuth:\n", 0, "t:3: Auth is empty" },
	{ "Name continued", "Program: p\nName: P\n Q\n", 0,
	  "t:3: Name does not continue on the next line" },
	{ "lone continuation", " text\n", 0,
	  "t:1: a continuation line with nothing to continue" },
	{ "not a key line", "Program: p\nthis is prose\n", 0,
	  "t:2: not a \"Key: value\" line: \"this is prose\"" },
	{ "NUL byte", "Program: p\nName: P\0\n", 20, "t:2: a NUL byte" },
	{ "control character", "Program: p\nName: P\033[2J\n", 0, "t:2: a control character" },
	{ "not UTF-8", "Program: p\nName: P\xff\n", 0, "t:2: not UTF-8 text" },
	{ "empty file", "# nothing\n\n", 0, "t: no programs in the file" },
};

static struct mail_programs *
load(const char *text)
{
	struct mail_programs	*p = NULL;
	char			*errors = NULL;

	if (mail_programs_parse_buffer("t", text, strlen(text), &p, &errors) != 0)
		ck_abort_msg("file refused: %s", errors);
	ck_assert_ptr_null(errors);
	return (p);
}

static int
run_probe(const char *program, const char *host, const char *port, const char *security,
    struct probe_result *r, char **cause)
{
	const struct probe	*p = probe_find("mail-program");
	struct probe_param	 params[4];
	struct probe_env	 env;
	size_t			 n = 0;

	ck_assert_ptr_nonnull(p);
	memset(&env, 0, sizeof env);
	memset(params, 0, sizeof params);
	if (program != NULL)
		params[n++] = (struct probe_param){ "program", program, 0 };
	if (host != NULL)
		params[n++] = (struct probe_param){ "host", host, 0 };
	if (port != NULL)
		params[n++] = (struct probe_param){ "port", port, 0 };
	if (security != NULL)
		params[n++] = (struct probe_param){ "security", security, 0 };
	probe_result_init(r);
	*cause = NULL;
	return (p->run(&env, params, n, r, cause));
}

START_TEST(test_builtin)
{
	const struct mail_programs		*p = mail_programs_builtin();
	const struct mail_programs_entry	*e;
	size_t					 i;
	int					 f, s;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_eq(p, mail_programs_builtin());
	ck_assert_str_eq(p->file, MAIL_PROGRAMS_BUILTIN_NAME);
	ck_assert_uint_eq(p->n, sizeof issue_programs / sizeof issue_programs[0]);
	for (i = 0; i < sizeof issue_programs / sizeof issue_programs[0]; i++) {
		e = mail_programs_find(NULL, issue_programs[i]);
		ck_assert_msg(e != NULL, "%s is missing", issue_programs[i]);
		ck_assert_msg(e->name != NULL && *e->name != '\0', "%s: no name", e->id);
		for (f = 0; f < MAIL_PROGRAMS_NFIELDS; f++)
			ck_assert_msg(e->text[f] != NULL && strlen(e->text[f]) > 10,
			    "%s: no %s", e->id,
			    mail_programs_field_key((enum mail_programs_field)f));
		for (s = 0; s < PROVIDERS_SEC_COUNT; s++)
			ck_assert_msg(e->words[s] != NULL && *e->words[s] != '\0',
			    "%s: no word for %s", e->id,
			    providers_security_name((enum providers_security)s));
	}
}
END_TEST

START_TEST(test_builtin_words)
{
	const struct mail_programs_entry	*e;

	e = mail_programs_find(NULL, "thunderbird");
	ck_assert_str_eq(e->name, "Thunderbird");
	ck_assert_str_eq(e->words[PROVIDERS_SEC_STARTTLS], "STARTTLS");
	ck_assert_str_eq(e->words[PROVIDERS_SEC_TLS], "SSL/TLS");
	ck_assert_str_eq(e->words[PROVIDERS_SEC_NONE], "None");
	ck_assert_ptr_nonnull(strstr(e->text[MAIL_PROGRAMS_AUTH], "Normal password"));
	ck_assert_ptr_nonnull(strstr(e->text[MAIL_PROGRAMS_PASSWORD], "smtp://"));
	e = mail_programs_find(NULL, "outlook-classic");
	ck_assert_ptr_nonnull(strstr(e->text[MAIL_PROGRAMS_AUTH],
	    "My outgoing server (SMTP) requires authentication"));
	e = mail_programs_find(NULL, "evolution");
	ck_assert_str_eq(e->words[PROVIDERS_SEC_TLS], "TLS on a dedicated port");
	ck_assert_str_eq(e->words[PROVIDERS_SEC_NONE], "No encryption");
	e = mail_programs_find(NULL, "ios-mail");
	ck_assert_ptr_nonnull(strstr(e->text[MAIL_PROGRAMS_OPEN], "Settings, then Apps"));
	ck_assert_ptr_nonnull(strstr(e->text[MAIL_PROGRAMS_OPEN], "Settings > Mail > Accounts"));
	e = mail_programs_find(NULL, "msmtp-mutt");
	ck_assert_ptr_nonnull(strstr(e->words[PROVIDERS_SEC_STARTTLS], "tls_starttls on"));
	ck_assert_ptr_nonnull(strstr(e->words[PROVIDERS_SEC_TLS], "smtps://"));
	ck_assert_ptr_nonnull(strstr(e->text[MAIL_PROGRAMS_PASSWORD], "passwordeval"));
}
END_TEST

START_TEST(test_find)
{
	struct mail_programs	*p;

	ck_assert_ptr_null(mail_programs_find(NULL, "eudora"));
	ck_assert_ptr_null(mail_programs_find(NULL, "Thunderbird"));
	ck_assert_ptr_null(mail_programs_find(NULL, NULL));
	ck_assert_ptr_nonnull(mail_programs_find(NULL, MAIL_PROGRAMS_OTHER));
	p = load("# c\n" GOOD "\n" "Program: q\nName: Q\nOpen-outgoing: Open\n it.\n"
	    "Server: S\nPort: P\nSecurity: ${security}\n"
	    "Security-words: tls=T |\n starttls=S | none=N\n"
	    "Auth: A\nPassword: P\nOutbox: O\nReset: R\n");
	ck_assert_uint_eq(p->n, 2);
	ck_assert_int_eq(mail_programs_find(p, "p")->line, 2);
	ck_assert_int_eq(mail_programs_find(p, "q")->line, 14);
	ck_assert_str_eq(mail_programs_find(p, "q")->text[MAIL_PROGRAMS_OPEN], "Open it.");
	ck_assert_str_eq(mail_programs_find(p, "q")->words[PROVIDERS_SEC_STARTTLS], "S");
	ck_assert_ptr_null(mail_programs_find(p, "thunderbird"));
	ck_assert_str_eq(mail_programs_field_key(MAIL_PROGRAMS_OPEN), "Open-outgoing");
	ck_assert_str_eq(mail_programs_field_key(MAIL_PROGRAMS_RESET), "Reset");
	mail_programs_free(p);
}
END_TEST

START_TEST(test_text)
{
	struct mail_programs			*p;
	const struct mail_programs_entry	*e;
	struct mail_programs_values		 v = { "smtp.p.example", 587,
						   PROVIDERS_SEC_STARTTLS };
	char					*s;

	p = load("Program: p\nName: P\nOpen-outgoing: $5 and $$ and {host}.\n"
	    "Server: ${host:-the host} on ${port:-587}, ${host}${host}\n"
	    "Port: ${port}\nSecurity: ${security:-it}\n"
	    "Security-words: none=Off | starttls=Start | tls=Wrapped\n"
	    "Auth: A\nPassword: P\nOutbox: O\nReset: R\n");
	e = mail_programs_find(p, "p");
	s = mail_programs_text(e, MAIL_PROGRAMS_SERVER, &v);
	ck_assert_str_eq(s, "smtp.p.example on 587, smtp.p.examplesmtp.p.example");
	free(s);
	s = mail_programs_text(e, MAIL_PROGRAMS_SECURITY, &v);
	ck_assert_str_eq(s, "Start");
	free(s);
	/* Not a reference: "$5" and "$$" stay as written. */
	s = mail_programs_text(e, MAIL_PROGRAMS_OPEN, &v);
	ck_assert_str_eq(s, "$5 and $$ and {host}.");
	free(s);
	/* A value is never read for references. */
	v.host = "${port}";
	s = mail_programs_text(e, MAIL_PROGRAMS_SERVER, &v);
	ck_assert_str_eq(s, "${port} on 587, ${port}${port}");
	free(s);
	s = mail_programs_text(e, MAIL_PROGRAMS_SERVER, NULL);
	ck_assert_str_eq(s, "the host on 587, the outgoing server name your provider gives"
	    "the outgoing server name your provider gives");
	free(s);
	s = mail_programs_text(e, MAIL_PROGRAMS_SECURITY, NULL);
	ck_assert_str_eq(s, "it");
	free(s);
	mail_programs_free(p);
}
END_TEST

START_TEST(test_probe)
{
	const struct probe_case	*c = &probe_cases[_i];
	struct probe_result	 r;
	char			*cause;
	static const char *const facts[] = { "name", "open", "set-server", "set-port",
	    "set-security", "set-auth", "password", "outbox", "reset", "security-label" };
	size_t			 i;

	ck_assert_int_eq(run_probe(c->program, c->host, c->port, c->security, &r, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(r.outcome, c->outcome);
	ck_assert_ptr_nonnull(probe_find("mail-program"));
	ck_assert(probe_has_outcome(probe_find("mail-program"), r.outcome));
	for (i = 0; i < sizeof facts / sizeof facts[0]; i++) {
		ck_assert_msg(probe_result_get_fact(&r, facts[i]) != NULL &&
		    *probe_result_get_fact(&r, facts[i]) != '\0', "no fact %s", facts[i]);
		ck_assert_ptr_null(strstr(probe_result_get_fact(&r, facts[i]), "${"));
	}
	ck_assert_str_eq(probe_result_get_fact(&r, "name"), c->name);
	if (c->server != NULL)
		ck_assert_str_eq(probe_result_get_fact(&r, "set-server"), c->server);
	if (c->set_port != NULL)
		ck_assert_str_eq(probe_result_get_fact(&r, "set-port"), c->set_port);
	if (c->set_security != NULL)
		ck_assert_str_eq(probe_result_get_fact(&r, "set-security"), c->set_security);
	if (c->label != NULL)
		ck_assert_str_eq(probe_result_get_fact(&r, "security-label"), c->label);
	probe_result_free(&r);
}
END_TEST

START_TEST(test_probe_sanitises)
{
	struct probe_result	 r;
	char			*cause;

	ck_assert_int_eq(run_probe("thunderbird", "smtp.example.com\033[2J\n", "587",
	    "starttls", &r, &cause), 0);
	ck_assert_str_eq(probe_result_get_fact(&r, "set-server"),
	    "In the Server Name field, enter smtp.example.com\\e[2J\\n.");
	ck_assert_ptr_null(strchr(probe_result_get_fact(&r, "password"), '\033'));
	probe_result_free(&r);
}
END_TEST

START_TEST(test_probe_refuses)
{
	struct probe_result	 r;
	char			*cause;

	ck_assert_int_eq(run_probe("eudora", NULL, NULL, NULL, &r, &cause), -1);
	ck_assert_str_eq(cause, "unknown mail program \"eudora\" (see wizard/mail-programs)");
	free(cause);
	probe_result_free(&r);
	ck_assert_int_eq(run_probe("thunderbird", "h.example", "99999", NULL, &r, &cause),
	    -1);
	ck_assert_str_eq(cause, "bad port \"99999\" (1-65535)");
	free(cause);
	probe_result_free(&r);
	ck_assert_int_eq(run_probe("thunderbird", "h.example", "587", "ssl", &r, &cause), -1);
	ck_assert_str_eq(cause, "unknown security \"ssl\" (none, starttls or tls)");
	free(cause);
	probe_result_free(&r);
}
END_TEST

START_TEST(test_refusals)
{
	const struct refusal_case	*c = &refusal_cases[_i];
	struct mail_programs		*p = NULL;
	char				*errors = NULL;
	size_t				 len = c->len != 0 ? c->len : strlen(c->in);

	ck_assert_int_eq(mail_programs_parse_buffer("t", c->in, len, &p, &errors), -1);
	ck_assert_ptr_null(p);
	ck_assert_ptr_nonnull(errors);
	ck_assert_msg(strstr(errors, c->want) != NULL,
	    "%s: got \"%s\", want \"%s\"", c->name, errors, c->want);
	free(errors);
}
END_TEST

/* Every problem at once, in line order, with a cap. */
START_TEST(test_many_errors)
{
	struct mail_programs	*p = NULL;
	char			*errors = NULL, *text, *line;
	size_t			 i, n = 0;

	text = xstrdup("");
	for (i = 0; i < 80; i++) {
		xasprintf(&line, "%sBad%zu: x\n", text, i);
		free(text);
		text = line;
	}
	ck_assert_int_eq(mail_programs_parse_buffer("t", text, strlen(text), &p, &errors), -1);
	ck_assert_ptr_nonnull(strstr(errors, "t:1: unknown key \"Bad0\"\nt:2: unknown key"));
	for (line = errors; (line = strchr(line, '\n')) != NULL; line++)
		n++;
	ck_assert_uint_le(n, 51);
	ck_assert_ptr_nonnull(strstr(errors, "more problems not shown"));
	free(errors);
	free(text);
}
END_TEST

static Suite *
mail_programs_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("mail_programs");

	tc = tcase_create("builtin");
	tcase_add_test(tc, test_builtin);
	tcase_add_test(tc, test_builtin_words);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("probe");
	tcase_add_loop_test(tc, test_probe, 0,
	    (int)(sizeof probe_cases / sizeof probe_cases[0]));
	tcase_add_test(tc, test_probe_sanitises);
	tcase_add_test(tc, test_probe_refuses);
	suite_add_tcase(s, tc);

	tc = tcase_create("loader");
	tcase_add_loop_test(tc, test_refusals, 0,
	    (int)(sizeof refusal_cases / sizeof refusal_cases[0]));
	tcase_add_test(tc, test_many_errors);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(mail_programs_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
