/* fuzz_providers.c: libFuzzer target for the provider knowledge base parser and matcher. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "providers.h"
#include "util.h"

/*
 * The input is a wizard/providers file. When it parses, a few addresses and MX names are
 * matched against it; whether or not it does, its first line is taken as a glob pattern
 * and its second as a host name, and the input as an address for the built-in base.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const	 mx[] = { "alt1.gmail-smtp-in.l.google.com",
					     "mx1.example.net", "example-com.mail.protection.outlook.com" };
	struct providers		*p = NULL;
	struct providers_match		 m;
	char				*errors = NULL, *str, *name;

	if (providers_parse_buffer("fuzz.providers", (const char *)data, size, &p,
	    &errors) == 0) {
		FUZZ_CHECK(p != NULL && errors == NULL);
		if (providers_match(p, "ann@example.com", mx, 3, &m))
			providers_match_clear(&m);
		if (providers_match(p, "bob@gmail.com", NULL, 0, &m))
			providers_match_clear(&m);
		if (providers_find_id(p, "gmail", "ann@Example.COM", &m))
			providers_match_clear(&m);
		providers_free(p);
	} else {
		FUZZ_CHECK(p == NULL);
		fuzz_check_errors("fuzz.providers", errors);
		free(errors);
	}

	str = fuzz_strndup(data, size);
	if (providers_match(NULL, str, (const char *const *)&str, 1, &m))
		providers_match_clear(&m);
	if ((name = strchr(str, '\n')) != NULL) {
		*name++ = '\0';
		(void)providers_glob(str, name);
	}
	free(str);
	return (0);
}
