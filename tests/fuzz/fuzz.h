/* fuzz.h: what every libFuzzer target in tests/fuzz shares. */
#ifndef SENDFIX_FUZZ_H
#define SENDFIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer calls this once per input; it must return 0 and keep no state between calls. */
int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * A property the target checks: unlike assert() it stays on whatever NDEBUG says, and the
 * abort is what libFuzzer reports as a crash (the message says which property broke).
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

void	 fuzz_fail(const char *, int, const char *) __attribute__((noreturn));

/* A NUL-terminated copy of the input (caller frees): for functions that take strings. */
char	*fuzz_strndup(const uint8_t *, size_t);

/*
 * Checks what a loader returned in *errors: one "FILE:LINE: message" (or "FILE: message")
 * per line, no final newline, and no control character but TAB in the messages.
 */
void	 fuzz_check_errors(const char *file, const char *errors);

#endif
