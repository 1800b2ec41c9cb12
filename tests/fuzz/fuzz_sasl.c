/* fuzz_sasl.c: libFuzzer target for SMTP AUTH challenge handling (sasl_new, sasl_step). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sasl.h"
#include "util.h"

static char	*fuzz_line(const uint8_t **, const uint8_t *);
static void	 fuzz_sendable(const char *);

/* The next line of the input (up to LF or the end), or NULL at the end of the input. */
static char *
fuzz_line(const uint8_t **p, const uint8_t *end)
{
	const uint8_t	*lf;
	char		*s;

	if (*p >= end)
		return (NULL);
	lf = memchr(*p, '\n', (size_t)(end - *p));
	if (lf == NULL)
		lf = end;
	s = fuzz_strndup(*p, (size_t)(lf - *p));
	*p = lf + 1;
	return (s);
}

/* What goes on the wire must be one line of printable ASCII: no CR or LF to inject with. */
static void
fuzz_sendable(const char *s)
{
	FUZZ_CHECK(s != NULL);
	for (; *s != '\0'; s++)
		FUZZ_CHECK(*s >= 0x20 && *s < 0x7f);
}

/*
 * Input: one byte choosing the mechanism, then lines: the user name, the password, and
 * each 334 challenge as it follows "334 " (base64 or rubbish). The exchange must answer
 * with sendable lines or give up with a reason, and never answer again once it gave up.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p, *end = data + size;
	struct sasl	*s = NULL;
	enum sasl_step	 step;
	char		*user = NULL, *password = NULL, *chal, *line = NULL, *cause = NULL;
	char		*response, *why;
	int		 over = 0, rounds;

	if (size < 1)
		return (0);
	p = data + 1;
	if ((user = fuzz_line(&p, end)) == NULL || (password = fuzz_line(&p, end)) == NULL)
		goto out;
	if (sasl_new(data[0] % SASL_MECH_COUNT, user, password, &s, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && s == NULL);
		goto out;
	}
	FUZZ_CHECK(strpbrk(user, "\r\n") == NULL);
	FUZZ_CHECK(sasl_mech_name(data[0] % SASL_MECH_COUNT) != NULL);
	if (sasl_command(s, &line, &cause) == 0)
		fuzz_sendable(line);
	else
		FUZZ_CHECK(cause != NULL);

	while ((chal = fuzz_line(&p, end)) != NULL) {
		rounds = sasl_rounds(s);
		step = sasl_step(s, chal, &response, &why);
		free(chal);
		FUZZ_CHECK(step < SASL_STEP_COUNT && sasl_step_name(step) != NULL);
		if (step == SASL_STEP_OK) {
			FUZZ_CHECK(!over && why == NULL);
			FUZZ_CHECK(sasl_rounds(s) == rounds + 1);
			fuzz_sendable(response);
			secret_free(response);
		} else {
			FUZZ_CHECK(response == NULL && why != NULL);
			free(why);
			over = 1;
		}
		(void)sasl_complete(s);
	}
out:
	secret_free(line);
	free(cause);
	sasl_free(s);
	free(user);
	free(password);
	return (0);
}
