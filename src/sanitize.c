/* sanitize.c: turn untrusted bytes into printable text that cannot drive a terminal. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sanitize.h"
#include "util.h"

/*
 * The worst expansion: one byte becomes "\xNN" (4 bytes); a three-byte character becomes
 * "\u{XXXX}" (8) and a four-byte one "\u{XXXXX}" (9), both under 4 per input byte.
 */
#define SANITIZE_MAXGROW	4

static size_t	 sanitize_decode(const unsigned char *, size_t, uint32_t *);
static int	 sanitize_hidden(uint32_t);
static size_t	 sanitize_one(const unsigned char *, size_t, char *, int);
static char	*sanitize_run(const unsigned char *, size_t, int);

/*
 * Decodes one UTF-8 character at p by hand (mbrtowc depends on the locale, and some libcs
 * accept overlong forms or surrogates). Returns its length in bytes with *cp set, or 0 when
 * the bytes at p are not a valid, shortest-form encoding of a Unicode scalar value.
 */
static size_t
sanitize_decode(const unsigned char *p, size_t len, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else
		return (0);	/* a continuation byte, 0xc0/0xc1 (always overlong) or 0xf5+ */
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min)
		return (0);	/* overlong: "/" as c0 af must not slip past a check for "/" */
	if (c >= 0xd800 && c <= 0xdfff)
		return (0);	/* UTF-16 surrogates are not characters */
	if (c > 0x10ffff)
		return (0);
	*cp = c;
	return (n);
}

/*
 * Characters that are valid but must not reach a screen as they are: C1 controls (0x9b is
 * CSI on many terminals), bidi controls that reorder what the reader sees (Trojan Source,
 * CVE-2021-42574), zero-width and other invisible characters that hide or join text, and the
 * line and paragraph separators that some programs treat as line breaks.
 */
static int
sanitize_hidden(uint32_t c)
{
	if (c < 0x20 || c == 0x7f)
		return (1);
	if (c >= 0x80 && c <= 0x9f)
		return (1);
	if (c == 0x061c || c == 0x180e || c == 0x200e || c == 0x200f)
		return (1);
	if (c >= 0x200b && c <= 0x200d)
		return (1);
	if (c >= 0x2028 && c <= 0x202e)
		return (1);
	if (c >= 0x2060 && c <= 0x206f)
		return (1);
	if (c == 0xfeff || (c >= 0xfff9 && c <= 0xfffb))
		return (1);
	if (c >= 0xe0000 && c <= 0xe007f)
		return (1);	/* tag characters: invisible, used to smuggle text */
	return (0);
}

/*
 * Writes the safe form of the character at p into out as a NUL-terminated string (at most
 * SANITIZE_MAXGROW bytes per input byte) and returns how many input bytes it used. Bytes
 * that are not valid UTF-8 are escaped one at a time so the next character still shows.
 */
static size_t
sanitize_one(const unsigned char *p, size_t len, char *out, int keepnl)
{
	uint32_t	 c;
	size_t		 n;

	if ((n = sanitize_decode(p, len, &c)) == 0) {
		snprintf(out, 5, "\\x%02x", p[0]);
		return (1);
	}
	switch (c) {
	case '\0':
		strcpy(out, "\\0");
		return (1);
	case '\t':
		strcpy(out, "\\t");
		return (1);
	case '\r':
		strcpy(out, "\\r");
		return (1);
	case '\n':
		strcpy(out, keepnl ? "\n" : "\\n");
		return (1);
	case 0x1b:
		strcpy(out, "\\e");
		return (1);
	case '\\':
		strcpy(out, "\\\\");
		return (1);
	}
	if (c < 0x80 && sanitize_hidden(c)) {
		snprintf(out, 5, "\\x%02x", (unsigned int)c);
		return (1);
	}
	if (sanitize_hidden(c)) {
		snprintf(out, 12, "\\u{%04X}", (unsigned int)(c & 0x1fffff));
		return (n);
	}
	memcpy(out, p, n);
	out[n] = '\0';
	return (n);
}

/* The one loop behind every public function; keepnl lets "\n" through as a line break. */
static char *
sanitize_run(const unsigned char *p, size_t len, int keepnl)
{
	char	*out, *o;
	size_t	 i;

	if (len > (SIZE_MAX - 1) / SANITIZE_MAXGROW)
		fatalx("sanitize: input of %zu bytes is too large", len);
	o = out = xmalloc(len * SANITIZE_MAXGROW + 1);
	*o = '\0';
	for (i = 0; i < len; /* nothing */) {
		i += sanitize_one(p + i, len - i, o, keepnl);
		o += strlen(o);
	}
	*o = '\0';
	return (out);
}

char *
sanitize_text(const void *buf, size_t len)
{
	if (buf == NULL)
		return (xstrdup(""));
	return (sanitize_run(buf, len, 0));
}

char *
sanitize_str(const char *s)
{
	if (s == NULL)
		return (xstrdup(""));
	return (sanitize_run((const unsigned char *)s, strlen(s), 0));
}

char *
sanitize_lines(const char *s)
{
	if (s == NULL)
		return (xstrdup(""));
	return (sanitize_run((const unsigned char *)s, strlen(s), 1));
}

int
sanitize_is_safe(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len, n;
	uint32_t		 c;

	if (s == NULL)
		return (1);
	len = strlen(s);
	while (len > 0) {
		if ((n = sanitize_decode(p, len, &c)) == 0 || sanitize_hidden(c))
			return (0);
		p += n;
		len -= n;
	}
	return (1);
}

char *
sanitize_stored(const char *s)
{
	if (s == NULL)
		return (xstrdup(""));
	if (sanitize_is_safe(s))
		return (xstrdup(s));
	return (sanitize_str(s));
}

int
sanitize_is_plain_ascii(const char *s)
{
	const unsigned char	*p;

	if (s == NULL)
		return (1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return (0);
	}
	return (1);
}
