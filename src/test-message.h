/* test-message.h: the one real message sendfix sends, only when the user asks for it. */
#ifndef SENDFIX_TEST_MESSAGE_H
#define SENDFIX_TEST_MESSAGE_H

#include <stddef.h>

/* The subject every test message carries, so the recipient and any log can find it. */
#define TEST_MESSAGE_SUBJECT	"sendfix test message"

/* What the message says. Nothing here is owned by the builder. */
struct test_message_params {
	const char		*from;		/* the user's own address (From:) */
	const char		*to;		/* the address the user named (To:) */
	const char		*server;	/* the outgoing server, as configured */
	int			 port;
	long long		 date;		/* seconds since the epoch: the Date: header */
	const unsigned char	*random;	/* bytes for the Message-ID, shown as hex */
	size_t			 nrandom;	/* 8 to 32 */
};

/*
 * 1 if addr may be the test message's recipient: 3 to 254 bytes of printable ASCII (no
 * CR, LF, other control character, space, '<', '>' or '"'), exactly one '@' with text
 * before it, and a dot inside the domain ("friend@example.net"; not "friend@localhost",
 * "a@b.", "a@.b").
 */
int	 test_message_address_ok(const char *addr);

/*
 * Builds the message: From, To, Subject (TEST_MESSAGE_SUBJECT), Date (RFC 5322 3.3, in
 * UTC), Message-ID (<sendfix.HEX@the sender's domain>), MIME-Version 1.0 and Content-Type
 * text/plain; charset=utf-8, then a short body in plain words: a test sent by sendfix at
 * the user's request, through which server and port, and that no reply is needed. Lines
 * end in CRLF; none starts with "." and none is longer than 78 characters unless an
 * address or the server name makes it so.
 *
 * Pure: the same parameters give the same bytes. Returns 0 with *out (caller frees) and,
 * when message_id is not NULL, *message_id (caller frees: "<...>" as in the header), or -1
 * with *cause (caller frees) when to fails test_message_address_ok, from is not an address
 * with an '@', the server name is empty or holds a control character, or the port or the
 * random bytes are out of range.
 */
int	 test_message_build(const struct test_message_params *, char **out, char **message_id,
	    char **cause);

#endif
