/* test-message.c: build the test message the user asked for, as pure functions. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smtp.h"
#include "test-message.h"
#include "util.h"

/* When the sender's domain cannot be a Message-ID's right side (RFC 5322 3.6.4). */
#define TEST_MESSAGE_ID_DOMAIN	"sendfix.invalid"

static int	 test_message_printable(const char *);
static int	 test_message_domain_ok(const char *);
static void	 test_message_date(long long, char *, size_t);

static const char *const test_message_days[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};
static const char *const test_message_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* 1 if s holds no control character (C0 or DEL). */
static int
test_message_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (0);
	}
	return (1);
}

/* 1 if s is letters, digits, '-' and inner dots: fit for the right side of a Message-ID. */
static int
test_message_domain_ok(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > 253 || s[0] == '.' || s[len - 1] == '.')
		return (0);
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
			return (0);
		if (s[i] == '.' && s[i + 1] == '.')
			return (0);
	}
	return (1);
}

int
test_message_address_ok(const char *addr)
{
	const char	*at, *p;
	size_t		 len;

	if (addr == NULL || (len = strlen(addr)) < 3 || len > 254)
		return (0);
	for (p = addr; *p != '\0'; p++) {
		/* Printable ASCII only: CR or LF here would end the command or the header. */
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '<' ||
		    *p == '>' || *p == '"')
			return (0);
	}
	if ((at = strchr(addr, '@')) == NULL || strchr(at + 1, '@') != NULL || at == addr)
		return (0);
	/* A dot inside the domain: "friend@localhost" would never leave the server. */
	p = strchr(at + 1, '.');
	return (p != NULL && p != at + 1 && p[1] != '\0' && addr[len - 1] != '.');
}

/* RFC 5322 3.3: "Mon, 02 Jan 2006 15:04:05 +0000", without the locale's names. */
static void
test_message_date(long long when, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)when;

	memset(&tm, 0, sizeof tm);
	if (gmtime_r(&t, &tm) == NULL || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    test_message_days[tm.tm_wday], tm.tm_mday, test_message_months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int
test_message_build(const struct test_message_params *p, char **out, char **message_id,
    char **cause)
{
	const char	*at, *domain;
	char		 date[64], hex[2 * 32 + 1];
	char		*id;
	size_t		 i;

	*out = NULL;
	if (message_id != NULL)
		*message_id = NULL;
	if (!test_message_address_ok(p->to)) {
		xasprintf(cause, "the address for the test message must be one address like "
		    "friend@example.net: one @, a dot in the domain, no spaces or control "
		    "characters");
		return (-1);
	}
	if (p->from == NULL || !smtp_address_ok(p->from) ||
	    (at = strrchr(p->from, '@')) == NULL || at == p->from || at[1] == '\0') {
		xasprintf(cause, "the test message needs the sender's own address");
		return (-1);
	}
	if (p->server == NULL || *p->server == '\0' || strlen(p->server) > 255 ||
	    !test_message_printable(p->server)) {
		xasprintf(cause, "the test message needs the outgoing server's name");
		return (-1);
	}
	if (p->port < 1 || p->port > 65535 || p->random == NULL || p->nrandom < 8 ||
	    p->nrandom > 32) {
		xasprintf(cause, "the test message's port or Message-ID bytes are out of range");
		return (-1);
	}

	domain = test_message_domain_ok(at + 1) ? at + 1 : TEST_MESSAGE_ID_DOMAIN;
	for (i = 0; i < p->nrandom; i++)
		snprintf(hex + 2 * i, 3, "%02x", p->random[i]);
	xasprintf(&id, "<sendfix.%s@%s>", hex, domain);
	test_message_date(p->date, date, sizeof date);

	xasprintf(out,
	    "From: <%s>\r\n"
	    "To: <%s>\r\n"
	    "Subject: " TEST_MESSAGE_SUBJECT "\r\n"
	    "Date: %s\r\n"
	    "Message-ID: %s\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n"
	    "Hello,\r\n"
	    "\r\n"
	    "This is a test message from sendfix, a program that finds out why email\r\n"
	    "cannot be sent. It was sent because the person using this address asked\r\n"
	    "for it:\r\n"
	    "  %s\r\n"
	    "It went through this outgoing server and port:\r\n"
	    "  %s, port %d\r\n"
	    "to check that the server now takes mail from that account.\r\n"
	    "\r\n"
	    "No reply is needed: you can delete this message.\r\n",
	    p->from, p->to, date, id, p->from, p->server, p->port);
	if (message_id != NULL)
		*message_id = id;
	else
		free(id);
	return (0);
}
