/* check_clients.c: unit tests for the mail program settings parsers and the file fixer. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

static const struct client_account *account(const struct client_list *, const char *);
static void	 field_is(const struct client_account *, enum client_field, const char *,
		     unsigned int);
static Suite	*clients_suite(void);

/* The one account of l with this name, or a failed test. */
static const struct client_account *
account(const struct client_list *l, const char *name)
{
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->accounts[i].name, name) == 0)
			return (&l->accounts[i]);
	}
	ck_abort_msg("no account \"%s\" among %zu", name, l->n);
	return (NULL);
}

/* Field f of ca is value (NULL: not set), read from line. */
static void
field_is(const struct client_account *ca, enum client_field f, const char *value,
    unsigned int line)
{
	const struct client_value	*v = &ca->field[f];

	if (value == NULL) {
		ck_assert_msg(v->value == NULL, "%s: %s is \"%s\", expected unset",
		    ca->name, client_field_key(f), v->value);
		return;
	}
	ck_assert_msg(v->value != NULL, "%s: %s unset, expected \"%s\"", ca->name,
	    client_field_key(f), value);
	ck_assert_str_eq(v->value, value);
	if (line != 0)
		ck_assert_uint_eq(v->line, line);
}

START_TEST(test_ini)
{
	static const char buf[] =
	    "# comment\n"
	    "; another\n"
	    "top=level\n"
	    "[Group One]\r\n"
	    "  key  =  spaced value  \r\n"
	    "no equals sign\n"
	    "[broken\n"
	    "dup=first\n"
	    "dup=second\n"
	    "empty=\n"
	    "[Two]\n"
	    "key=two";
	struct client_ini		 ini;
	const struct client_ini_entry	*e;

	client_ini_parse(&ini, buf, sizeof buf - 1);
	e = client_ini_get(&ini, "", "top");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "level");
	e = client_ini_get(&ini, "Group One", "key");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "spaced value");
	ck_assert_uint_eq(e->line, 5);
	/* "[broken" is no group: its keys stay in Group One; the last duplicate wins. */
	e = client_ini_get(&ini, "Group One", "dup");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "second");
	ck_assert_uint_eq(e->line, 9);
	e = client_ini_get(&ini, "Group One", "empty");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "");
	e = client_ini_get(&ini, "Two", "key");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->value, "two");
	ck_assert_ptr_null(client_ini_get(&ini, "Two", "dup"));
	ck_assert_ptr_null(client_ini_get(&ini, "Group One", "no equals sign"));
	client_ini_free(&ini);
}
END_TEST

/* A NUL inside a line drops that line only; an empty buffer gives nothing. */
START_TEST(test_ini_nul)
{
	static const char buf[] = "[G]\na=1\nb=x\0y\nc=3\n";
	struct client_ini	 ini;

	client_ini_parse(&ini, buf, sizeof buf - 1);
	ck_assert_ptr_nonnull(client_ini_get(&ini, "G", "a"));
	ck_assert_ptr_null(client_ini_get(&ini, "G", "b"));
	ck_assert_ptr_nonnull(client_ini_get(&ini, "G", "c"));
	client_ini_free(&ini);
	client_ini_parse(&ini, "", 0);
	ck_assert_uint_eq(ini.n, 0);
	client_ini_free(&ini);
}
END_TEST

START_TEST(test_prefs_escaping)
{
	static const char buf[] =
	    "// Mozilla User Preferences\n"
	    "user_pref(\"mail.identity.id1.useremail\", \"a\\\"b@example.org\");\n"
	    "user_pref(\"mail.identity.id1.smtpServer\", 'smtp1');\n"
	    "  user_pref( \"mail.smtpserver.smtp1.hostname\" ,\"smtp.ex\\\\ample.org\" );\n"
	    "user_pref(\"mail.smtpserver.smtp1.port\", 587);\n"
	    "user_pref(\"mail.smtpserver.smtp1.try_ssl\", 2);\n"
	    "user_pref(\"mail.smtpserver.smtp1.username\", \"it's \\\"me\\\"\");\n"
	    "user_pref(\"mail.smtpserver.smtp1.port\", \"unterminated);\n"
	    "user_pref(\"mail.account.account1.identities\", \"id1\");\n"
	    "user_pref(\"mail.accountmanager.accounts\", \"account1\");\n"
	    "user_pref(\"mail.accountmanager.defaultaccount\", \"account1\");\n";
	struct client_list		 l;
	const struct client_account	*ca;
	char				*cause = NULL;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(client_thunderbird_parse(&l, buf, sizeof buf - 1, "prefs.js",
	    &cause), 0);
	ck_assert_uint_eq(l.n, 1);
	ca = &l.accounts[0];
	ck_assert(ca->is_default);
	field_is(ca, CLIENT_EMAIL, "a\"b@example.org", 2);
	field_is(ca, CLIENT_HOST, "smtp.ex\\ample.org", 4);
	/* The unterminated string on line 8 is skipped: the port of line 5 stays. */
	field_is(ca, CLIENT_PORT, "587", 5);
	field_is(ca, CLIENT_SECURITY, "starttls", 6);
	field_is(ca, CLIENT_USER, "it's \"me\"", 7);
	client_list_free(&l);
}
END_TEST

/* Truncated and binary prefs.js: no account, no failure. */
START_TEST(test_prefs_broken)
{
	static const char *const bufs[] = {
		"user_pref(",
		"user_pref(\"mail.smtpserver.s.hostname\"",
		"user_pref(\"mail.smtpserver.s.hostname\", \"h\"",
		"\x01\x02\xff\xfe user_pref(\"\n\")",
		""
	};
	struct client_list	 l;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
		memset(&l, 0, sizeof l);
		client_thunderbird_parse(&l, bufs[i], strlen(bufs[i]), "prefs.js", &cause);
		free(cause);
		cause = NULL;
		ck_assert_msg(l.n == 0 || l.accounts[0].field[CLIENT_PORT].value == NULL,
		    "case %zu", i);
		client_list_free(&l);
	}
}
END_TEST

START_TEST(test_msmtp_inheritance)
{
	static const char buf[] =
	    "# defaults, inheritance and the default alias\n"
	    "defaults\n"
	    "tls on\n"
	    "port 587\n"
	    "\n"
	    "account base\n"
	    "host smtp.base.example\n"
	    "user base-user\n"
	    "from base@example.org\n"
	    "\n"
	    "account child : base\n"
	    "\thost   smtp.child.example\n"
	    "\ttls_starttls off\n"
	    "\tport 465\n"
	    "\n"
	    "account plain\n"
	    "host 192.0.2.1\n"
	    "tls off\n"
	    "\n"
	    "account default : child\n";
	struct client_list		 l;
	const struct client_account	*ca;
	char				*cause = NULL;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(client_msmtp_parse(&l, buf, sizeof buf - 1, "rc", &cause), 0);
	ca = account(&l, "base");
	field_is(ca, CLIENT_HOST, "smtp.base.example", 7);
	field_is(ca, CLIENT_PORT, "587", 4);
	field_is(ca, CLIENT_SECURITY, "starttls", 0);
	field_is(ca, CLIENT_USER, "base-user", 8);
	ca = account(&l, "child");
	field_is(ca, CLIENT_HOST, "smtp.child.example", 12);
	field_is(ca, CLIENT_PORT, "465", 14);
	field_is(ca, CLIENT_SECURITY, "tls", 0);
	field_is(ca, CLIENT_USER, "base-user", 8);
	field_is(ca, CLIENT_EMAIL, "base@example.org", 9);
	ca = account(&l, "plain");
	field_is(ca, CLIENT_SECURITY, "none", 0);
	/* "account default : child" makes child the default. */
	ca = &l.accounts[client_select(&l, NULL, &cause)];
	ck_assert_str_eq(ca->field[CLIENT_HOST].value, "smtp.child.example");
	client_list_free(&l);
}
END_TEST

START_TEST(test_msmtp_broken)
{
	static const char *const bufs[] = {
		"account\n",
		"host before-any-account\n",
		"account a\nhost\n",
		"account a : missing\nport 99999999999999999999\n",
		"\0\0\0"
	};
	struct client_list	 l;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++) {
		memset(&l, 0, sizeof l);
		(void)client_msmtp_parse(&l, bufs[i], i == 4 ? 3 : strlen(bufs[i]), "rc",
		    &cause);
		free(cause);
		cause = NULL;
		/* Whatever was kept has a server: an account without one is no account. */
		ck_assert_msg(l.n == 0 || l.accounts[0].field[CLIENT_HOST].value != NULL,
		    "case %zu", i);
		client_list_free(&l);
	}
}
END_TEST

struct mutt_case {
	const char	*in;
	const char	*host, *port, *security, *user;
};

static const struct mutt_case mutt_cases[] = {
	{ "set smtp_url = \"smtp://carol@smtp.example.com:587/\"\n",
	  "smtp.example.com", "587", "starttls", "carol" },
	{ "set smtp_url=smtps://smtp.example.com\n",
	  "smtp.example.com", "465", "tls", NULL },
	{ "set smtp_url='smtp://a%40b.example@mail.example:25'\nunset ssl_starttls\n",
	  "mail.example", "25", "none", "a@b.example" },
	{ "set smtp_url=\"smtp://u:p%3Ass@[2001:db8::1]:2525/\"\nset nossl_starttls\n",
	  "2001:db8::1", "2525", "none", "u" },
	{ "set smtp_url=\"smtp://h.example\"\nset ssl_starttls=no\nset ssl_force_tls\n",
	  "h.example", "25", "starttls", NULL },
	{ "set smtp_url=\"imap://not.smtp\"\n", NULL, NULL, NULL, NULL },
	{ "set smtp_url=\"smtp://@:/\"\n", NULL, NULL, NULL, NULL },
	{ "set smtp_url=\"smtp://\n", NULL, NULL, NULL, NULL },
};

START_TEST(test_mutt_url)
{
	const struct mutt_case		*c = &mutt_cases[_i];
	struct client_mutt		 m;
	struct client_list		 l;
	const struct client_account	*ca;
	char				*cause = NULL;

	memset(&l, 0, sizeof l);
	client_mutt_init(&m);
	ck_assert_int_eq(client_mutt_parse(&m, c->in, strlen(c->in), "muttrc", &cause), 0);
	client_mutt_finish(&l, &m, "mutt");
	client_mutt_free(&m);
	if (c->host == NULL) {
		ck_assert_msg(l.n == 0, "case %d: an account from \"%s\"", _i, c->in);
		client_list_free(&l);
		return;
	}
	ck_assert_uint_eq(l.n, 1);
	ca = &l.accounts[0];
	field_is(ca, CLIENT_HOST, c->host, 1);
	field_is(ca, CLIENT_PORT, c->port, 0);
	field_is(ca, CLIENT_SECURITY, c->security, 0);
	field_is(ca, CLIENT_USER, c->user, 0);
	client_list_free(&l);
}
END_TEST

/* Claws reads a boolean as "not 0": "TRUE" is true. */
START_TEST(test_claws)
{
	static const char buf[] =
	    "[Account: 1]\n"
	    "account_name=Main\n"
	    "is_default=TRUE\n"
	    "address=m@example.org\n"
	    "smtp_server=smtp.example.org\n"
	    "use_smtp_auth=1\n"
	    "smtp_user_id=m\n"
	    "ssl_smtp=1\n"
	    "set_smtpport=0\n"
	    "smtp_port=2525\n";
	struct client_list		 l;
	const struct client_account	*ca;
	char				*cause = NULL;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(client_claws_parse(&l, buf, sizeof buf - 1, "accountrc", &cause),
	    0);
	ck_assert_uint_eq(l.n, 1);
	ca = &l.accounts[0];
	ck_assert(ca->is_default);
	field_is(ca, CLIENT_SECURITY, "tls", 8);
	/* set_smtpport=0: smtp_port is not used, SSL/TLS's own port is. */
	field_is(ca, CLIENT_PORT, "465", 0);
	field_is(ca, CLIENT_USER, "m", 7);
	client_list_free(&l);
}
END_TEST

/* Geary: the SMTP login can be the incoming one; old files default to STARTTLS. */
START_TEST(test_geary)
{
	static const char v1[] =
	    "[Account]\n"
	    "sender_mailboxes=g@example.org;\n"
	    "[Incoming]\n"
	    "login=g-imap\n"
	    "[Outgoing]\n"
	    "host=smtp.example.org\n"
	    "port=465\n"
	    "transport_security=Transport\n"
	    "credentials=use-incoming\n";
	static const char legacy[] =
	    "[AccountInformation]\n"
	    "primary_email=old@example.org\n"
	    "smtp_host=smtp.old.example\n"
	    "smtp_port=587\n";
	struct client_list		 l;
	const struct client_account	*ca;
	char				*cause = NULL;

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(client_geary_parse(&l, v1, sizeof v1 - 1, "geary.ini", "a1",
	    &cause), 0);
	ck_assert_uint_eq(l.n, 1);
	ca = &l.accounts[0];
	field_is(ca, CLIENT_EMAIL, "g@example.org", 2);
	field_is(ca, CLIENT_SECURITY, "tls", 8);
	field_is(ca, CLIENT_USER, "g-imap", 4);
	client_list_free(&l);

	memset(&l, 0, sizeof l);
	ck_assert_int_eq(client_geary_parse(&l, legacy, sizeof legacy - 1, "geary.ini",
	    "a2", &cause), 0);
	ck_assert_uint_eq(l.n, 1);
	ca = &l.accounts[0];
	field_is(ca, CLIENT_SECURITY, "starttls", 0);
	field_is(ca, CLIENT_USER, "old@example.org", 2);
	client_list_free(&l);
}
END_TEST

START_TEST(test_fix_msmtp)
{
	static const char in[] =
	    "# mine\r\n"
	    "account a\r\n"
	    "  host old.example\r\n"
	    "  # keep me\r\n"
	    "  port 25\r\n"
	    "account b\r\n"
	    "host b.example\r\n"
	    "port 25";
	static const char want[] =
	    "# mine\r\n"
	    "account a\r\n"
	    "  tls on\r\n"
	    "  tls_starttls off\r\n"
	    "  host new.example\r\n"
	    "  # keep me\r\n"
	    "  port 465\r\n"
	    "account b\r\n"
	    "host b.example\r\n"
	    "port 25";
	struct client_fix	 fix = { "new.example", "465", "tls", NULL };
	char			*out = NULL, *cause = NULL;
	size_t			 outlen;

	ck_assert_int_eq(client_fix_msmtp(in, sizeof in - 1, "a", &fix, &out, &outlen,
	    &cause), 0);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(outlen, sizeof want - 1);
	free(out);
	/* The last account, without a final newline, and a user name. */
	fix.user = "u@example.org";
	fix.security = "none";
	ck_assert_int_eq(client_fix_msmtp(in, sizeof in - 1, "b", &fix, &out, &outlen,
	    &cause), 0);
	ck_assert_ptr_nonnull(strstr(out, "account b\r\ntls off\r\nuser u@example.org\r\n"
	    "host new.example\r\nport 465"));
	ck_assert_ptr_null(strstr(out, "tls_starttls"));
	free(out);
	ck_assert_int_eq(client_fix_msmtp(in, sizeof in - 1, "c", &fix, &out, &outlen,
	    &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "account c"));
	free(cause);
}
END_TEST

START_TEST(test_fix_mutt)
{
	static const char in[] =
	    "set from=me@example.org\n"
	    "set smtp_url=\"smtps://me%40example.org:pw@old.example/\" # work\n"
	    "set ssl_force_tls = no";
	struct client_fix	 fix = { "new.example", "587", "starttls", NULL };
	char			*out = NULL, *cause = NULL;
	size_t			 outlen;

	ck_assert_int_eq(client_fix_mutt(in, sizeof in - 1, &fix, &out, &outlen, &cause),
	    0);
	ck_assert_str_eq(out,
	    "set from=me@example.org\n"
	    "set smtp_url = \"smtp://me%40example.org:pw@new.example:587/\" # work\n"
	    "set ssl_starttls = yes\n"
	    "set ssl_force_tls = yes");
	free(out);
	/* A new user name is encoded; the password in the URL stays. */
	fix.user = "x@y:z";
	ck_assert_int_eq(client_fix_mutt(in, sizeof in - 1, &fix, &out, &outlen, &cause),
	    0);
	ck_assert_ptr_nonnull(strstr(out, "smtp://x%40y%3Az:pw@new.example:587/"));
	free(out);
	ck_assert_int_eq(client_fix_mutt("set from=a@b\n", 13, &fix, &out, &outlen,
	    &cause), -1);
	free(cause);
	ck_assert_int_eq(client_fix_mutt("set smtp_url=smtp://h ; set x=1\n", 32, &fix,
	    &out, &outlen, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "by hand"));
	free(cause);
}
END_TEST

static Suite *
clients_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("clients");
	tc = tcase_create("parsers");
	tcase_add_test(tc, test_ini);
	tcase_add_test(tc, test_ini_nul);
	tcase_add_test(tc, test_prefs_escaping);
	tcase_add_test(tc, test_prefs_broken);
	tcase_add_test(tc, test_msmtp_inheritance);
	tcase_add_test(tc, test_msmtp_broken);
	tcase_add_loop_test(tc, test_mutt_url, 0,
	    (int)(sizeof mutt_cases / sizeof mutt_cases[0]));
	tcase_add_test(tc, test_claws);
	tcase_add_test(tc, test_geary);
	suite_add_tcase(s, tc);
	tc = tcase_create("fix");
	tcase_add_test(tc, test_fix_msmtp);
	tcase_add_test(tc, test_fix_mutt);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(clients_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
