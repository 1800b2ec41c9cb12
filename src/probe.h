/* probe.h: the registry of live network probes the decision tree can name. */
#ifndef SENDFIX_PROBE_H
#define SENDFIX_PROBE_H

#include <signal.h>
#include <stddef.h>

#include "util.h"

/* A host the program may use to tell "this network blocks port N" from "that server is down". */
struct probe_refhost {
	char	*host;		/* name or address literal */
	int	 ports[8];	/* ports it is known to answer on */
	size_t	 nports;
};

/* Called from the probe's own thread with a short step in plain words ("connecting to port 587"). */
typedef void (*probe_progress_cb)(void *arg, const char *step);
/*
 * Called from the probe's own thread with each dialogue line as it is sent or received:
 * "C: EHLO ..." or "S: 250-...", already sanitised and with AUTH data replaced by a
 * placeholder, so a front end may draw it as it is (the live transcript).
 */
typedef void (*probe_transcript_cb)(void *arg, const char *line);

/* What every probe gets from its caller. Nothing here is owned by the probe. */
struct probe_env {
	int				 timeout_ms;	/* each network step */
	const char			*resolver;	/* "ADDR[:PORT]" or NULL for resolv.conf */
	const struct probe_refhost	*refhosts;
	size_t				 nrefhosts;
	probe_progress_cb		 progress;	/* may be NULL */
	void				*progress_arg;
	volatile sig_atomic_t		*cancel;	/* may be NULL; non-zero = stop soon */
	probe_transcript_cb		 transcript;	/* may be NULL */
	void				*transcript_arg;
	const char			*cafile;	/* --cafile: extra trusted CAs, or NULL */
	const char			*send_test_to;	/* --send-test-to, confirmed by the user:
							   the smtp probe sends a real test
							   message there after a good login;
							   NULL (the default): never DATA */
	const char			*myip_resolver;	/* --myip-resolver: asked for the public
							   address instead of the data's, or NULL */
	const char			*myip_name;	/* --myip-name, or NULL: the data's */
};

/* One expanded argument from the tree's "Arg: name=value" lines. */
struct probe_param {
	const char	*name;
	const char	*value;
	int		 secret;	/* a password: never shown, wiped when freed */
};

struct probe_fact {
	char	*key;		/* stored by the engine as "NODE-ID.key" */
	char	*value;		/* sanitised text */
};

/*
 * What a probe found. Diagnostic findings are data, not errors: a refused port is an
 * outcome, not a failure of the probe. Every string is sanitised before it is stored.
 */
struct probe_result {
	const char		*outcome;	/* static: one of the probe's outcomes */
	const char		*fallback;	/* static or NULL: the outcome to follow when
						   the tree has no branch for an optional one */
	char			*target;	/* what was probed, e.g. "smtp.example.com port 587" */
	long long		 elapsed_ms;
	struct strlist		 evidence;	/* our words, one finding per line */
	struct strlist		 transcript;	/* "C: ..." / "S: ..." lines, AUTH payloads redacted */
	/*
	 * Cause IDs (causes.md) the probe also found, besides the one its outcome leads to,
	 * most likely first: a domain missing SPF and DMARC takes the spf-missing branch and
	 * names dns.dmarc-missing here, so the report lists both (walk.c).
	 */
	struct strlist		 also;
	struct probe_fact	*facts;
	size_t			 nfacts;
};

void	 probe_result_init(struct probe_result *);
void	 probe_result_free(struct probe_result *);
/* Sets (or replaces) a fact; the value is formatted then sanitised. */
void	 probe_result_fact(struct probe_result *, const char *key, const char *fmt, ...)
	     PRINTFLIKE(3, 4);
void	 probe_result_evidence(struct probe_result *, const char *fmt, ...) PRINTFLIKE(2, 3);
/* Adds a cause the probe also found (see also above); a repeated ID is kept once. */
void	 probe_result_also(struct probe_result *, const char *cause_id);
/* dir is 'C' or 'S'; the bytes are sanitised. */
void	 probe_result_transcript(struct probe_result *, char dir, const void *buf, size_t len);
const char *probe_result_get_fact(const struct probe_result *, const char *key);

struct probe_param_spec {
	const char	*name;
	int		 required;
	const char	*help;
};

struct probe {
	const char			*name;
	const char			*summary;	/* one line, for --check-tree and the man page */
	const struct probe_param_spec	*params;	/* terminated by { NULL } */
	const char *const		*outcomes;	/* NULL-terminated */
	/*
	 * Outcomes (also in outcomes) a tree may leave without a branch, NULL-terminated or
	 * NULL: a finer reading added later, so trees written before it keep working. A
	 * result with one of these also names its fallback, an ordinary outcome.
	 */
	const char *const		*optional;
	/*
	 * Runs the probe. Returns 0 with result->outcome set to one of outcomes, or -1 with
	 * *cause set (caller frees) when the parameters are unusable (a missing host, a port
	 * that is not a number): an operational error, never a network finding.
	 */
	int	(*run)(const struct probe_env *, const struct probe_param *, size_t nparams,
		    struct probe_result *, char **cause);
};

const struct probe *probe_find(const char *name);
/*
 * Forgets what the network layers remember between probes of one run (silent addresses,
 * servers that never greeted, DNS answers, the answers of SMTP checks): for a walk that
 * goes back, since going back is how a user tests again after changing something (a
 * firewall rule, a VPN, a DNS record), and at the end of the program, which frees it all.
 */
void	 probe_forget(void);
/* NULL-terminated table of every probe. */
const struct probe *const *probe_all(void);
/* The value of a parameter, or NULL when absent or empty. */
const char *probe_param_get(const struct probe_param *, size_t, const char *name);
/* 1 if outcome is one of p's outcomes. */
int	 probe_has_outcome(const struct probe *p, const char *outcome);

/* Parses "host [port ...]" (data file line) or "host" (option, ports 25 465 587). */
int	 probe_refhost_parse(const char *line, struct probe_refhost *, char **cause);
void	 probe_refhost_free(struct probe_refhost *);

extern const struct probe probe_resolve;
extern const struct probe probe_port_survey;
extern const struct probe probe_smtp;
extern const struct probe probe_explain;
extern const struct probe probe_smtp_matrix;
extern const struct probe probe_sender_dns;
extern const struct probe probe_sender_ptr;
extern const struct probe probe_reputation;
extern const struct probe probe_provider;
extern const struct probe probe_mail_program;

#endif
