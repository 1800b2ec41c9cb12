/* check_test_message.c: unit tests for the test message sendfix sends when asked to. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test-message.h"
#include "util.h"

static void	 params_default(struct test_message_params *);
static Suite	*test_message_suite(void);

static const unsigned char test_random[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0xfd, 0xfe, 0xff
};

static const struct {
	const char	*addr;
	int		 ok;
} address_cases[] = {
	{ "friend@example.net", 1 },
	{ "a.b+tag@mail.example.co.uk", 1 },
	{ "x@y.z", 1 },
	{ "", 0 },
	{ "friend", 0 },
	{ "friend@localhost", 0 },
	{ "@example.net", 0 },
	{ "friend@", 0 },
	{ "friend@example.", 0 },
	{ "friend@.example", 0 },
	{ "a@b@example.net", 0 },
	{ "friend @example.net", 0 },
	{ "friend@example.net\r\nRCPT TO:<victim@example.org>", 0 },
	{ "friend@example.net\n", 0 },
	{ "fri\tend@example.net", 0 },
	{ "fri\033end@example.net", 0 },
	{ "<friend@example.net>", 0 },
	{ "\"friend\"@example.net", 0 },
	{ "j\xc3\xb6rg@example.net", 0 },
};

static void
params_default(struct test_message_params *p)
{
	memset(p, 0, sizeof *p);
	p->from = "anna@lab.test";
	p->to = "friend@example.net";
	p->server = "smtp.lab.test";
	p->port = 587;
	p->date = 1700000000;
	p->random = test_random;
	p->nrandom = sizeof test_random;
}

START_TEST(test_address)
{
	ck_assert_msg(test_message_address_ok(address_cases[_i].addr) == address_cases[_i].ok,
	    "case %d", _i);
}
END_TEST

START_TEST(test_build)
{
	struct test_message_params	 p;
	char				*out = NULL, *id = NULL, *cause = NULL, *body;
	const char			*s;

	params_default(&p);
	ck_assert_int_eq(test_message_build(&p, &out, &id, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_str_eq(id, "<sendfix.000102030405060708090a0b0cfdfeff@lab.test>");
	/* The headers, in order, before the one empty line. */
	ck_assert_ptr_eq(strstr(out, "From: <anna@lab.test>\r\n"
	    "To: <friend@example.net>\r\n"
	    "Subject: sendfix test message\r\n"
	    "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	    "Message-ID: <sendfix.000102030405060708090a0b0cfdfeff@lab.test>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n"), out);
	body = strstr(out, "\r\n\r\n") + 4;
	ck_assert_ptr_nonnull(strstr(body, "test message from sendfix"));
	ck_assert_ptr_nonnull(strstr(body, "anna@lab.test"));
	ck_assert_ptr_nonnull(strstr(body, "smtp.lab.test, port 587"));
	ck_assert_ptr_nonnull(strstr(body, "No reply is needed"));
	/* CRLF everywhere, no line starting with a dot, short lines, the last one ended. */
	for (s = out; *s != '\0'; s++) {
		if (*s == '\n')
			ck_assert_msg(s > out && s[-1] == '\r', "bare LF at %td", s - out);
		if (*s == '\r')
			ck_assert(s[1] == '\n');
	}
	ck_assert_ptr_null(strstr(out, "\n."));
	ck_assert_str_eq(out + strlen(out) - 2, "\r\n");
	for (s = out; *s != '\0'; s = strchr(s, '\n') + 1)
		ck_assert_msg(strcspn(s, "\r") <= 78, "line too long: %.40s", s);
	free(out);
	free(id);

	/* Pure: the same input, the same bytes. */
	ck_assert_int_eq(test_message_build(&p, &out, NULL, &cause), 0);
	ck_assert_int_eq(test_message_build(&p, &body, NULL, &cause), 0);
	ck_assert_str_eq(out, body);
	free(out);
	free(body);
}
END_TEST

START_TEST(test_build_domain)
{
	struct test_message_params	 p;
	char				*out = NULL, *id = NULL, *cause = NULL;

	/* A sender domain that cannot be a Message-ID's right side is not copied into it. */
	params_default(&p);
	p.from = "anna@[192.0.2.1]";
	ck_assert_int_eq(test_message_build(&p, &out, &id, &cause), 0);
	ck_assert_str_eq(id, "<sendfix.000102030405060708090a0b0cfdfeff@sendfix.invalid>");
	free(out);
	free(id);
}
END_TEST

START_TEST(test_build_refused)
{
	struct test_message_params	 p;
	char				*out = NULL, *id = NULL, *cause = NULL;
	int				 i;

	for (i = 0; i < 7; i++) {
		params_default(&p);
		switch (i) {
		case 0:
			p.to = "friend@example.net\r\nBcc: victim@example.org";
			break;
		case 1:
			p.to = "nobody";
			break;
		case 2:
			p.from = "anna";
			break;
		case 3:
			p.from = "anna@lab.test\r\nBcc: victim@example.org";
			break;
		case 4:
			p.server = "smtp.lab.test\r\nBcc: x";
			break;
		case 5:
			p.port = 0;
			break;
		case 6:
			p.nrandom = 4;
			break;
		}
		ck_assert_msg(test_message_build(&p, &out, &id, &cause) == -1, "case %d", i);
		ck_assert_ptr_null(out);
		ck_assert_ptr_null(id);
		ck_assert_ptr_nonnull(cause);
		free(cause);
		cause = NULL;
	}
}
END_TEST

static Suite *
test_message_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("test_message");
	tc = tcase_create("address");
	tcase_add_loop_test(tc, test_address, 0,
	    (int)(sizeof address_cases / sizeof address_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("build");
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_build_domain);
	tcase_add_test(tc, test_build_refused);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(test_message_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
