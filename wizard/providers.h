/* providers.h: the provider knowledge base (wizard/providers), its matcher and settings check. */
#ifndef SENDFIX_PROVIDERS_H
#define SENDFIX_PROVIDERS_H

#include <stddef.h>

#include "util.h"

#define PROVIDERS_BUILTIN_NAME	"providers"
/* The only variable a host template may hold: the user's address domain. */
#define PROVIDERS_DOMAIN_VAR	"${domain}"

/* How the connection is encrypted. */
enum providers_security {
	PROVIDERS_SEC_NONE,		/* "none": plain text */
	PROVIDERS_SEC_STARTTLS,		/* "starttls": upgraded after EHLO (RFC 3207) */
	PROVIDERS_SEC_TLS,		/* "tls": encrypted from the first byte (RFC 8314) */
	PROVIDERS_SEC_COUNT
};

/* What the user name must look like. */
enum providers_login {
	PROVIDERS_LOGIN_FULL_ADDRESS,	/* "full-address": ann@example.com */
	PROVIDERS_LOGIN_LOCAL_PART,	/* "local-part": ann */
	PROVIDERS_LOGIN_AS_GIVEN,	/* "as-given": whatever the provider gave; not checked */
	PROVIDERS_LOGIN_COUNT
};

/* Sign-in quirks, as flags; the file writes them as the words in providers_quirk_name(). */
enum providers_quirk {
	PROVIDERS_QUIRK_APP_PASSWORD = 1 << 0,	/* "app-password-required" */
	PROVIDERS_QUIRK_OAUTH_ONLY = 1 << 1,	/* "oauth-only" */
	PROVIDERS_QUIRK_BASIC_AUTH_OFF = 1 << 2,	/* "basic-auth-disabled" (may be turned on) */
	PROVIDERS_QUIRK_BRIDGE = 1 << 3,	/* "bridge-required": a local program relays */
	PROVIDERS_QUIRK_ENABLE = 1 << 4,	/* "enable-in-settings": access is off until
						   the user turns it on in the web mail */
};
#define PROVIDERS_NQUIRKS	5

/* A submission server; host may hold ${domain} in an entry, never in a match. */
struct providers_server {
	char			*host;		/* NULL: none (an entry without Alternative) */
	int			 port;
	enum providers_security	 security;
};

/* One stanza of the file; see wizard/README, "The provider knowledge base". */
struct providers_entry {
	int			 line;		/* of the Provider: line, for evidence */
	char			*id;		/* "gmail" */
	char			*name;		/* "Gmail" */
	struct strlist		 domains;	/* patterns, lower case */
	struct strlist		 mx;		/* patterns, lower case */
	struct providers_server	 submission;
	struct providers_server	 alternative;	/* host NULL when none */
	enum providers_login	 login;
	unsigned int		 quirks;	/* enum providers_quirk flags */
	struct strlist		 quirk_words;	/* the same, as words, in the file's order */
	char			*help;		/* https://... */
	struct strlist		 dkim;		/* selectors; may be empty */
	char			*spf;		/* "include:_spf.google.com" or NULL */
	char			*note;		/* plain words or NULL; may hold ${domain} */
};

struct providers {
	char			*file;		/* the name messages use */
	struct providers_entry	*v;		/* in file order */
	size_t			 n;
};

enum providers_how {
	PROVIDERS_BY_DOMAIN,		/* the address domain matched a Domain pattern */
	PROVIDERS_BY_MX,		/* an MX host name matched an MX pattern */
	PROVIDERS_BY_ID			/* providers_find_id() */
};

/* A matched entry with its host templates expanded for the user's domain. */
struct providers_match {
	const struct providers_entry	*entry;
	enum providers_how		 how;
	const char			*pattern;	/* the pattern that matched (the entry's) */
	char				*matched;	/* the domain or MX name it matched, folded */
	char				*domain;	/* the user's domain, folded; "" if unknown */
	struct providers_server		 submission;	/* host expanded (owned) */
	struct providers_server		 alternative;	/* host expanded (owned) or NULL */
	char				*note;		/* expanded (owned) or NULL */
};

/* The user's settings as a mail program holds them; any field may be unknown. */
struct providers_settings {
	const char	*host;		/* NULL: unknown */
	int		 port;		/* 0: unknown */
	int		 security;	/* enum providers_security, or -1: unknown */
	const char	*user;		/* NULL: unknown; "" means no user name */
	const char	*address;	/* the user's address, for the user name check */
};

enum providers_diff_kind {
	PROVIDERS_DIFF_HOST,
	PROVIDERS_DIFF_PORT,
	PROVIDERS_DIFF_SECURITY,
	PROVIDERS_DIFF_USER,
	PROVIDERS_DIFF_COUNT
};

/* One difference: what the user has, the exact value to enter, and plain words. */
struct providers_diff {
	enum providers_diff_kind	 kind;
	int				 sure;	/* 0: a suggestion (a cPanel-style host also
						   answers to the server's own name) */
	char				*have;	/* "25", "STARTTLS", "ann"; "" when empty */
	char				*want;	/* "465", "SSL/TLS", "ann@gmail.com" */
	char				*text;	/* "Use port 465, not 25." */
};

struct providers_diffs {
	struct providers_diff	*v;
	size_t			 n;
	const struct providers_server *target;	/* the server compared with: the match's
						   submission or its alternative */
};

/*
 * Parses a knowledge base held in buf (len bytes; NUL bytes are refused). file is the name
 * used in messages. On success returns 0 and *out (free with providers_free). On failure
 * returns -1 and *errors (caller frees): every problem, one per line, as "FILE:LINE: message".
 */
int	 providers_parse_buffer(const char *file, const char *buf, size_t len,
	     struct providers **out, char **errors);
void	 providers_free(struct providers *);

/*
 * The file compiled into the binary, parsed once on first use from any thread
 * (pthread_once); a broken one is a bug and fatal. Never freed.
 */
const struct providers *providers_builtin(void);

/* "none", "starttls", "tls"; and back (returns -1 for an unknown word). */
const char	*providers_security_name(enum providers_security);
int		 providers_security_parse(const char *);
/* What mail programs call it: "None", "STARTTLS", "SSL/TLS". */
const char	*providers_security_label(enum providers_security);
const char	*providers_login_name(enum providers_login);
/* The word for one flag ("app-password-required"), or NULL if it is not one flag. */
const char	*providers_quirk_name(unsigned int flag);

/*
 * Glob match of one pattern (as the file writes it, lower case) against a host name: see
 * the file's header for the rules. name is folded to ASCII lower case and a trailing dot
 * ignored; bytes that are not ASCII are compared as given. Returns 1 on a match.
 */
int	 providers_glob(const char *pattern, const char *name);

/*
 * Finds the entry for an address ("ann@Example.COM", the domain is after the last '@') or a
 * bare domain, by the entries' Domain patterns. p NULL means the built-in base. Returns 1 and
 * fills *m (release with providers_match_clear) or 0 when no entry matches.
 */
int	 providers_match_domain(const struct providers *p, const char *address,
	     struct providers_match *m);

/*
 * Finds the entry for a domain hosted elsewhere, by its MX host names (mx[0..nmx), most
 * preferred first): the first name any MX pattern matches decides, and among the patterns
 * it matches the most specific wins. address (or a bare domain) fills ${domain}; it may be
 * NULL. Returns 1 and fills *m, or 0.
 */
int	 providers_match_mx(const struct providers *p, const char *address,
	     const char *const *mx, size_t nmx, struct providers_match *m);

/* providers_match_domain, then providers_match_mx when the domain matched nothing. */
int	 providers_match(const struct providers *p, const char *address,
	     const char *const *mx, size_t nmx, struct providers_match *m);

/* The entry with this ID, expanded for address (may be NULL); 1 or 0 as above. */
int	 providers_find_id(const struct providers *p, const char *id, const char *address,
	     struct providers_match *m);

void	 providers_match_clear(struct providers_match *);

/*
 * Compares the user's settings with a match. Pure: no network, no printing. The server to
 * compare with is the match's submission or its alternative, whichever the settings are
 * closer to (the submission on a tie), so a user on a documented alternative is told
 * nothing. Unknown fields are not compared. Fills *out (free with providers_diffs_free) in
 * the order host, port, security, user name; returns out->n, 0 when nothing differs.
 */
size_t	 providers_compare(const struct providers_match *m, const struct providers_settings *s,
	     struct providers_diffs *out);
void	 providers_diffs_free(struct providers_diffs *);

#endif
