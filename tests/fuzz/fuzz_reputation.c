/* fuzz_reputation.c: libFuzzer target for the blocklist data parser (reputation_parse_buffer). */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "reputation.h"
#include "util.h"

/* The input is a wizard/reputation file: a table, or line-numbered problems. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reputation_data	*r = NULL;
	char			*errors = NULL;

	if (reputation_parse_buffer("fuzz.reputation", (const char *)data, size, &r,
	    &errors) == 0) {
		FUZZ_CHECK(r != NULL && errors == NULL);
		reputation_data_free(r);
	} else {
		FUZZ_CHECK(r == NULL);
		fuzz_check_errors("fuzz.reputation", errors);
		free(errors);
	}
	return (0);
}
