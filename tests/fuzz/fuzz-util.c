/* fuzz-util.c: the helpers every fuzz target links. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
	abort();
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char	*s;

	s = xmalloc(size + 1);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

/*
 * Every problem is one "FILE:LINE: message" (or "FILE: message") line, with whatever the file held quoted:
 * no control character may reach the terminal that shows them (hostile row 68).
 */
void
fuzz_check_errors(const char *file, const char *errors)
{
	const char	*p = errors, *q;
	size_t		 flen = strlen(file);

	FUZZ_CHECK(errors != NULL && *errors != '\0');
	for (;;) {
		FUZZ_CHECK(strncmp(p, file, flen) == 0 && p[flen] == ':');
		for (q = p + flen + 1; *q >= '0' && *q <= '9'; q++)
			continue;
		/* "FILE:LINE: message", or "FILE: message" for the whole file. */
		if (q > p + flen + 1)
			FUZZ_CHECK(q[0] == ':' && q[1] == ' ');
		else
			FUZZ_CHECK(q[0] == ' ');
		for (; *q != '\0' && *q != '\n'; q++)
			FUZZ_CHECK(((unsigned char)*q >= 0x20 || *q == '\t') && *q != 0x7f);
		if (*q == '\0')
			break;
		p = q + 1;
	}
}
