/* sanitize.h: make bytes from the network, DNS, certificates and files safe to show. */
#ifndef SENDFIX_SANITIZE_H
#define SENDFIX_SANITIZE_H

#include <stddef.h>

/*
 * Returns a new NUL-terminated string (caller frees) holding only printable text:
 * valid UTF-8 printable characters are kept; ASCII controls (including ESC, BEL, CR,
 * backspace, DEL), C1 controls (0x80-0x9f as bytes or as U+0080-U+009F), invalid UTF-8,
 * bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), zero-width characters
 * (U+200B-U+200D, U+2060, U+FEFF) and NUL become visible escapes: \0, \t, \r, \n, \e,
 * \xNN for other bytes, \u{XXXX} for code points. A backslash becomes "\\" so an escape
 * in the input cannot imitate one of ours. Never fails.
 */
char	*sanitize_text(const void *buf, size_t len);

/* Same for a NUL-terminated string; NULL gives "". */
char	*sanitize_str(const char *);

/* Same, but "\n" stays a line break: for multi-line text whose lines are shown indented. */
char	*sanitize_lines(const char *);

/*
 * 1 if s would pass sanitize_str unchanged apart from its backslashes: valid UTF-8 with no
 * control, bidi, zero-width or separator character. NULL is safe.
 */
int	 sanitize_is_safe(const char *);

/*
 * For text that should already have been sanitised when it was stored (probe results,
 * facts): a copy of s when sanitize_is_safe(s), so its escapes are not escaped twice, else
 * sanitize_str(s). NULL gives "". Caller frees.
 */
char	*sanitize_stored(const char *);

/* 1 if every byte of s is printable ASCII (0x20-0x7e); used by tests and fast paths. */
int	 sanitize_is_plain_ascii(const char *s);

#endif
