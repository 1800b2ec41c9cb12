/* fuzz_sanitize.c: libFuzzer target for the text sanitiser: its output is always printable. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sanitize.h"
#include "util.h"

static void	 fuzz_printable(const char *, int);
static size_t	 fuzz_utf8(const unsigned char *, unsigned int *);

/*
 * Decodes one character of NUL-terminated UTF-8, written here again rather than taken from
 * sanitize.c so a bug there cannot hide itself: returns its length, 0 when invalid
 * (overlong, surrogate, past U+10FFFF, truncated, a stray continuation byte).
 */
static size_t
fuzz_utf8(const unsigned char *p, unsigned int *cp)
{
	unsigned int	 c, min;
	size_t		 n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2, c = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3, c = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4, c = p[0] & 0x07, min = 0x10000;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return (0);
	*cp = c;
	return (n);
}

/*
 * The contract of sanitize.h: valid UTF-8, and none of the characters it turns into
 * escapes (C0 and C1 controls, DEL, bidi controls, zero-width characters, the line and
 * paragraph separators, tag characters); keepnl lets "\n" through.
 */
static void
fuzz_printable(const char *s, int keepnl)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 c;
	size_t			 n;

	while (*p != '\0') {
		n = fuzz_utf8(p, &c);
		FUZZ_CHECK(n > 0);
		if (!(keepnl && c == '\n'))
			FUZZ_CHECK(c >= 0x20 && c != 0x7f);
		FUZZ_CHECK(!(c >= 0x80 && c <= 0x9f));
		FUZZ_CHECK(c != 0x061c && c != 0x180e && c != 0x200e && c != 0x200f);
		FUZZ_CHECK(!(c >= 0x200b && c <= 0x200d));
		FUZZ_CHECK(!(c >= 0x2028 && c <= 0x202e));
		FUZZ_CHECK(!(c >= 0x2060 && c <= 0x206f));
		FUZZ_CHECK(c != 0xfeff && !(c >= 0xfff9 && c <= 0xfffb));
		FUZZ_CHECK(!(c >= 0xe0000 && c <= 0xe007f));
		p += n;
	}
}

/*
 * The input is any bytes a server, a resolver or a certificate could hand us. Each entry
 * point must give printable text; sanitised text is safe and sanitize_stored keeps it as
 * it is (so nothing is escaped twice); plain printable ASCII without backslashes passes
 * through unchanged.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*str, *out, *again;
	size_t	 i;
	int	 plain = 1;

	out = sanitize_text(data, size);
	fuzz_printable(out, 0);
	FUZZ_CHECK(sanitize_is_safe(out));
	FUZZ_CHECK(strlen(out) >= size);
	again = sanitize_stored(out);
	FUZZ_CHECK(strcmp(again, out) == 0);
	free(again);
	for (i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] >= 0x7f || data[i] == '\\')
			plain = 0;
	if (plain)
		FUZZ_CHECK(strlen(out) == size && memcmp(out, data, size) == 0);
	free(out);

	str = fuzz_strndup(data, size);
	out = sanitize_str(str);
	fuzz_printable(out, 0);
	free(out);
	out = sanitize_lines(str);
	fuzz_printable(out, 1);
	free(out);
	out = sanitize_stored(str);
	fuzz_printable(out, 0);
	if (sanitize_is_safe(str))
		FUZZ_CHECK(strcmp(out, str) == 0);
	free(out);
	if (sanitize_is_plain_ascii(str))
		for (i = 0; str[i] != '\0'; i++)
			FUZZ_CHECK(str[i] >= 0x20 && str[i] < 0x7f);
	free(str);
	return (0);
}
