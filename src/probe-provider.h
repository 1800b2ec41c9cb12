/* probe-provider.h: the pure parts of the provider probe (SRV order, guess choice, causes). */
#ifndef SENDFIX_PROBE_PROVIDER_H
#define SENDFIX_PROBE_PROVIDER_H

#include <stddef.h>

#include "providers.h"
#include "smtp-check.h"

/*
 * The domain of an address, after its last '@', folded to lower case with a final dot
 * dropped: 0 with *domain (caller frees), or -1 when there is no usable one (no '@',
 * nothing before or after it, "dontknow", spaces or controls in the domain, an empty
 * label). Bytes that are not ASCII are kept: an internationalised domain still matches the
 * knowledge base by its U-labels if it has them, but cannot be asked about in DNS here.
 */
int	 probe_provider_domain(const char *address, char **domain);

/* 1 if name is a host name DNS may be asked about: ASCII letters, digits, '-' and '_' in
   labels of 1 to 63 characters, 253 at most in all, a final dot allowed. */
int	 probe_provider_host_ok(const char *name);

/* One SRV record of _submission._tcp or _submissions._tcp (RFC 6186 3.1, RFC 8314 5.1). */
struct probe_provider_srv {
	const char		*target;	/* not owned; "." says "no such service" */
	unsigned int		 priority;
	unsigned int		 weight;
	unsigned int		 port;
	enum providers_security	 security;	/* STARTTLS for _submission, TLS for
						   _submissions */
};

/*
 * Puts the usable records of v[0..n) first, in the order to try them, and returns how many
 * are usable. Records with the target "." (RFC 2782: the service is decidedly not offered),
 * port 0 or a target that is not a host name are dropped. Both services are ordered
 * together by priority (RFC 6186 3.4: the priority field says which the provider prefers),
 * then by weight, higher first (RFC 2782 chooses at random by weight; a diagnosis has to
 * say the same thing twice, so the heaviest wins), then implicit TLS before STARTTLS
 * (RFC 8314 3.3), then the order given. Pure.
 */
size_t	 probe_provider_srv_order(struct probe_provider_srv *v, size_t n);

/* What one guessed server did in a check without login. */
enum probe_provider_guess {
	PROBE_PROVIDER_GUESS_FAILED,	/* no connection, no greeting, or no encryption */
	PROBE_PROVIDER_GUESS_UNVERIFIED,	/* greets and encrypts; the certificate did not
					   verify for the name */
	PROBE_PROVIDER_GUESS_VERIFIED	/* greets and encrypts with a good certificate */
};

/* Classifies a finished smtp_check_run (one that returned 0). Pure. */
enum probe_provider_guess probe_provider_guess_classify(const struct smtp_check_result *);

/*
 * The guess to recommend among states[0..n) (the guesses in the order they are
 * preferred): the first verified one, else the first unverified one; skip is an index
 * never chosen (-1: none). Returns the index, or -1 when none works. Pure.
 */
int	 probe_provider_guess_pick(const enum probe_provider_guess *states, size_t n,
	    int skip);

/*
 * The cause a set of differences points to: "" when there are none; the single
 * settings.* cause when only one setting differs in a way that has one
 * (settings.wrong-port for the port; settings.starttls-required when the user has no
 * encryption, else settings.tls-mismatch, for the security; a port and its security
 * together are one wrong port), else client.settings-differ. Pure; static strings.
 */
const char *probe_provider_cause(const struct providers_diffs *, int user_security);

/* "STARTTLS", "SSL/TLS", "no encryption": what the facts and evidence call a security. */
const char *probe_provider_security_words(enum providers_security);

#endif
