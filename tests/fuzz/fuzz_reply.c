/* fuzz_reply.c: libFuzzer target for the SMTP reply parser (smtp_reply_parse). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sanitize.h"
#include "smtp.h"
#include "util.h"

/*
 * The input is what a server sent: replies are parsed one after another, as the client
 * reads them, until one is incomplete or broken. Each complete reply must have a valid
 * code, stay within its limits and hold only sanitised text.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_reply	 r;
	enum smtp_reply_status	 s;
	size_t			 off = 0, used, i;
	char			*text, *str;

	for (;;) {
		smtp_reply_init(&r);
		s = smtp_reply_parse(&r, data + off, size - off, &used);
		FUZZ_CHECK(s < SMTP_REPLY_STATUS_COUNT);
		FUZZ_CHECK(smtp_reply_status_name(s) != NULL);
		FUZZ_CHECK(used <= size - off);
		if (s == SMTP_REPLY_DONE) {
			FUZZ_CHECK(r.complete);
			FUZZ_CHECK(r.code >= 200 && r.code <= 559);
			FUZZ_CHECK(used > 0);
			FUZZ_CHECK(r.lines.n >= 1 && r.lines.n <= SMTP_REPLY_MAX_LINES);
			FUZZ_CHECK(r.bytes <= SMTP_REPLY_MAX_BYTES);
			FUZZ_CHECK(memchr(r.enhanced, '\0', sizeof r.enhanced) != NULL);
		} else if (s != SMTP_REPLY_MORE)
			FUZZ_CHECK(smtp_reply_status_words(s) != NULL);
		for (i = 0; i < r.lines.n; i++)
			FUZZ_CHECK(sanitize_is_safe(r.lines.v[i]));
		text = smtp_reply_text(&r);
		free(text);
		smtp_reply_free(&r);
		if (s != SMTP_REPLY_DONE)
			break;
		off += used;
	}

	/* The address and EHLO-name checks take the same untrusted kind of text. */
	str = fuzz_strndup(data, size);
	if (smtp_address_ok(str))
		FUZZ_CHECK(strpbrk(str, "\r\n <>") == NULL && strlen(str) <= 254);
	if (smtp_helo_name_ok(str))
		FUZZ_CHECK(strpbrk(str, "\r\n ") == NULL);
	(void)smtp_auth_bit(str);
	free(str);
	return (0);
}
