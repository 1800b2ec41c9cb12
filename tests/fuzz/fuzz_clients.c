/* fuzz_clients.c: libFuzzer target for the mail program settings parsers (--from-client). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "fuzz.h"
#include "util.h"

/*
 * The first byte picks the parser (prefs.js, key files for Evolution, Claws, KMail and
 * Geary, msmtprc, muttrc); the rest is the file. Every account must come out with values
 * that are NUL-free strings and a security that is one of the three answers.
 */
static void	fuzz_clients_check(const struct client_list *);
static size_t	fuzz_clients_lines(const char *, size_t);
static void	fuzz_clients_fix(const struct client_list *, const char *, size_t, int);

static size_t
fuzz_clients_lines(const char *buf, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n')
			n++;
	}
	return (n);
}

/*
 * The fixer over the same file: it either refuses, or keeps every line and adds at most
 * the five it may (msmtp: host, port, tls, tls_starttls, user; mutt: two).
 */
static void
fuzz_clients_fix(const struct client_list *cl, const char *buf, size_t len, int mutt)
{
	struct client_fix	 fix = { "h.example", "587", "starttls", "u@x" };
	char			*out = NULL, *cause = NULL;
	size_t			 outlen, in, got;
	int			 r;

	if (mutt)
		r = client_fix_mutt(buf, len, &fix, &out, &outlen, &cause);
	else if (cl->n > 0)
		r = client_fix_msmtp(buf, len, cl->accounts[0].name, &fix, &out, &outlen,
		    &cause);
	else
		return;
	if (r != 0) {
		FUZZ_CHECK(cause != NULL);
		free(cause);
		return;
	}
	in = fuzz_clients_lines(buf, len);
	got = fuzz_clients_lines(out, outlen);
	FUZZ_CHECK(got >= in && got <= in + 5);
	free(out);
}

static void
fuzz_clients_check(const struct client_list *cl)
{
	const char	*sec;
	size_t		 i;

	for (i = 0; i < cl->n; i++) {
		FUZZ_CHECK(cl->accounts[i].program != NULL);
		FUZZ_CHECK(cl->accounts[i].name != NULL);
		sec = cl->accounts[i].field[CLIENT_SECURITY].value;
		FUZZ_CHECK(sec == NULL || strcmp(sec, "none") == 0 ||
		    strcmp(sec, "starttls") == 0 || strcmp(sec, "tls") == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_list	 cl;
	struct client_mutt	 m;
	const char		*buf = (const char *)data + 1;
	size_t			 len;

	if (size < 1)
		return (0);
	len = size - 1;
	memset(&cl, 0, sizeof cl);
	switch (data[0] % 7) {
	case 0:
		client_thunderbird_parse(&cl, buf, len, "prefs.js", NULL);
		break;
	case 1:
		client_evolution_parse(&cl, buf, len, "t.source", "t", buf, len,
		    "i.source", NULL);
		break;
	case 2:
		client_claws_parse(&cl, buf, len, "accountrc", NULL);
		break;
	case 3:
		client_kmail_parse(&cl, buf, len, "mailtransports", buf, len,
		    "emailidentities", NULL);
		break;
	case 4:
		client_geary_parse(&cl, buf, len, "geary.ini", "account_01", NULL);
		break;
	case 5:
		client_msmtp_parse(&cl, buf, len, "msmtprc", NULL);
		fuzz_clients_fix(&cl, buf, len, 0);
		break;
	default:
		client_mutt_init(&m);
		client_mutt_parse(&m, buf, len, "muttrc", NULL);
		client_mutt_finish(&cl, &m, "mutt");
		client_mutt_free(&m);
		fuzz_clients_fix(&cl, buf, len, 1);
		break;
	}
	fuzz_clients_check(&cl);
	client_list_free(&cl);
	return (0);
}
