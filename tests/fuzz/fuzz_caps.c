/* fuzz_caps.c: libFuzzer target for the EHLO capability parser (smtp_caps_parse). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sanitize.h"
#include "smtp.h"
#include "util.h"

/*
 * The input is the text of an EHLO reply, one capability per line ("mail.example.com Hi",
 * "AUTH PLAIN LOGIN", "SIZE 35882577"...): each line gets "250-" (the last "250 ") so
 * the fuzzer spends its time on the keywords, not on the codes fuzz_reply covers.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_reply	 r;
	struct smtp_caps	 c;
	enum smtp_reply_status	 s = SMTP_REPLY_MORE;
	const uint8_t		*p = data, *end = data + size, *lf;
	char			*line;
	size_t			 n, i, j;

	smtp_reply_init(&r);
	while (s == SMTP_REPLY_MORE) {
		lf = memchr(p, '\n', (size_t)(end - p));
		n = lf != NULL ? (size_t)(lf - p) : (size_t)(end - p);
		line = xmalloc(n + 5);
		memcpy(line, lf != NULL ? "250-" : "250 ", 4);
		if (n > 0)
			memcpy(line + 4, p, n);
		line[n + 4] = '\0';
		s = smtp_reply_add_line(&r, line, n + 4, 0);
		free(line);
		if (lf == NULL)
			break;
		p = lf + 1;
	}

	smtp_caps_init(&c);
	if (r.lines.n > 0) {
		smtp_caps_parse(&r, &c);
		FUZZ_CHECK(c.esmtp == 1 && c.domain != NULL);
		FUZZ_CHECK(sanitize_is_safe(c.domain));
		for (i = 0; i < c.keywords.n; i++)
			FUZZ_CHECK(sanitize_is_safe(c.keywords.v[i]));
		for (i = 0; i < c.auth_names.n; i++) {
			FUZZ_CHECK(sanitize_is_safe(c.auth_names.v[i]));
			FUZZ_CHECK((c.auth & smtp_auth_bit(c.auth_names.v[i])) != 0);
			for (j = 0; j < i; j++)
				FUZZ_CHECK(strcmp(c.auth_names.v[i], c.auth_names.v[j]) != 0);
		}
		if (!c.size)
			FUZZ_CHECK(c.size_max == 0);
		smtp_caps_helo(&r, &c);
		FUZZ_CHECK(c.esmtp == 0 && c.auth == 0 && c.keywords.n == 0);
	}
	smtp_caps_free(&c);
	smtp_reply_free(&r);
	return (0);
}
