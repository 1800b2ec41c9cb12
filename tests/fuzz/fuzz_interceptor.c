/* fuzz_interceptor.c: libFuzzer target for the interception CA table parser and matcher. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "interceptor.h"
#include "util.h"

/*
 * The input is a wizard/tls-interceptors file; when it parses, a few issuer names are
 * matched against it. The input is also matched, as a certificate name, with the built-in
 * table (a server chooses its certificate's names).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct interceptors	*t = NULL;
	char			*errors = NULL, *str;

	if (interceptor_parse_buffer("fuzz.interceptors", (const char *)data, size, &t,
	    &errors) == 0) {
		FUZZ_CHECK(t != NULL && errors == NULL);
		(void)interceptor_match_name(t, "CN=ESET SSL Filter CA,O=ESET\\, spol. s r. o.,C=SK");
		(void)interceptor_match_name(t, "CN=Zscaler Root CA,OU=Zscaler Inc.");
		(void)interceptor_match_name(t, "");
		interceptor_free(t);
	} else {
		FUZZ_CHECK(t == NULL);
		fuzz_check_errors("fuzz.interceptors", errors);
		free(errors);
	}
	str = fuzz_strndup(data, size);
	(void)interceptor_match_name(NULL, str);
	free(str);
	return (0);
}
