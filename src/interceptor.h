/* interceptor.h: the CAs of security products and proxies that re-sign TLS, and their matcher. */
#ifndef SENDFIX_INTERCEPTOR_H
#define SENDFIX_INTERCEPTOR_H

#include <stddef.h>

#include "tls.h"

#define INTERCEPTOR_BUILTIN_NAME	"tls-interceptors"
/* The shortest pattern the loader accepts, in bytes after spaces are collapsed. */
#define INTERCEPTOR_MIN_PATTERN		4

/* One line of the table (wizard/tls-interceptors): PRODUCT | PATTERN. */
struct interceptor_rule {
	int	 line;		/* in the file, for evidence */
	char	*product;	/* "Avast": what the user is told */
	char	*pattern;	/* as written */
	char	*folded;	/* as matched: ASCII lower case, spaces collapsed */
};

struct interceptors {
	char			*file;		/* the name messages use */
	struct interceptor_rule	*rules;		/* in file order: the first match wins */
	size_t			 nrules;
};

/* Which name of which certificate matched. */
struct interceptor_hit {
	const struct interceptor_rule	*rule;
	size_t				 cert;		/* index in tls_info.chain, 0 = leaf */
	int				 in_issuer;	/* 1: the issuer name, 0: the subject */
};

/*
 * Parses a table held in buf (len bytes; NUL bytes are refused). file is the name used in
 * messages. On success returns 0 and *out (free with interceptor_free). On failure returns
 * -1 and *errors (caller frees): every problem, one per line, as "FILE:LINE: message".
 */
int	 interceptor_parse_buffer(const char *file, const char *buf, size_t len,
	     struct interceptors **out, char **errors);
void	 interceptor_free(struct interceptors *);

/*
 * The table compiled into the binary, parsed once on first use from any thread
 * (pthread_once); a broken one is a bug and fatal. Never freed.
 */
const struct interceptors *interceptor_builtin(void);

/*
 * The first rule whose pattern is in name (a distinguished name as tls.c stores it,
 * "CN=ESET SSL Filter CA,O=ESET\\, spol. s r. o.,C=SK"), or NULL. t NULL means the built-in
 * table; name NULL matches nothing. Letters are folded ASCII only, never by the locale.
 */
const struct interceptor_rule *interceptor_match_name(const struct interceptors *t,
	     const char *name);

/*
 * Looks at every issuer of the chain and every subject but the leaf's (that is the mail
 * server's own name, so a security vendor's mail server is not taken for an interception),
 * leaf first, issuer before subject. Returns 1 and fills *hit (may be NULL) for the first
 * match, or 0. t NULL means the built-in table; info NULL or an empty chain matches nothing.
 */
int	 interceptor_match_chain(const struct interceptors *t, const struct tls_info *info,
	     struct interceptor_hit *hit);

/*
 * The product whose CA issued the chain, "Avast", by the built-in table; NULL when none
 * did. The string belongs to the table and lives as long as the program.
 */
const char	*interceptor_match(const struct tls_info *info);

#endif
