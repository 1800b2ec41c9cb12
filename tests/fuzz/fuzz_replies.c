/* fuzz_replies.c: libFuzzer target for the reply table parser and the pasted-text matcher. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "replies.h"
#include "util.h"

static void	 fuzz_result(const struct replies_result *, size_t);

static void
fuzz_result(const struct replies_result *res, size_t n)
{
	size_t	 i;

	FUZZ_CHECK(n == res->n);
	for (i = 0; i < res->n; i++) {
		FUZZ_CHECK(res->v[i].cause != NULL && res->v[i].rule != NULL);
		/* Ranked: highest weight first. */
		if (i > 0)
			FUZZ_CHECK(res->v[i - 1].weight >= res->v[i].weight);
	}
}

/*
 * The input is a wizard/replies.tbl file; when it parses, a few replies are matched with it.
 * The input is also what a user might paste into "explain": it is matched as text with the
 * built-in table.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replies		*t = NULL;
	struct replies_result	 res;
	char			*errors = NULL, *str;
	size_t			 n;

	if (replies_parse_buffer("fuzz.tbl", (const char *)data, size, &t, &errors) == 0) {
		FUZZ_CHECK(t != NULL && errors == NULL);
		n = replies_match_text(t, "535 5.7.8 Username and Password not accepted", &res);
		fuzz_result(&res, n);
		replies_result_free(&res);
		n = replies_match_reply(t, 550, "5.7.1", "Relaying denied", &res);
		fuzz_result(&res, n);
		replies_result_free(&res);
		replies_free(t);
	} else {
		FUZZ_CHECK(t == NULL);
		fuzz_check_errors("fuzz.tbl", errors);
		free(errors);
	}
	str = fuzz_strndup(data, size);
	n = replies_match_text(NULL, str, &res);
	fuzz_result(&res, n);
	replies_result_free(&res);
	free(str);
	return (0);
}
