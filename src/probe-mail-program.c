/* probe-mail-program.c: the "mail-program" probe: fix steps in the user's mail program's words. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mail-programs.h"
#include "probe.h"
#include "providers.h"
#include "sanitize.h"
#include "util.h"

/* The facts, one per text field of wizard/mail-programs, in enum mail_programs_field order. */
static const char *const probe_mail_program_facts[] = {
	[MAIL_PROGRAMS_OPEN] = "open",
	[MAIL_PROGRAMS_SERVER] = "set-server",
	[MAIL_PROGRAMS_PORT] = "set-port",
	[MAIL_PROGRAMS_SECURITY] = "set-security",
	[MAIL_PROGRAMS_AUTH] = "set-auth",
	[MAIL_PROGRAMS_PASSWORD] = "password",
	[MAIL_PROGRAMS_OUTBOX] = "outbox",
	[MAIL_PROGRAMS_RESET] = "reset",
};
_Static_assert(sizeof probe_mail_program_facts / sizeof probe_mail_program_facts[0] ==
    MAIL_PROGRAMS_NFIELDS, "probe_mail_program_facts must name every field");

static const struct probe_param_spec probe_mail_program_params[] = {
	{ "program", 0, "the mail program's ID from wizard/mail-programs, \"other\", "
	    "\"dontknow\" or empty" },
	{ "host", 0, "the outgoing server name the fix tells the user to enter" },
	{ "port", 0, "the port the fix tells the user to enter" },
	{ "security", 0, "the security the fix tells the user to choose: none, starttls "
	    "or tls" },
	{ NULL, 0, NULL }
};

static const char *const probe_mail_program_outcomes[] = {
	"known",	/* the program has its own entry: its menus and labels */
	"other",	/* "other", "dontknow" or no answer: generic wording */
	NULL
};

static int	 probe_mail_program_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);

const struct probe probe_mail_program = {
	.name = "mail-program",
	.summary = "fix steps worded for the user's mail program, with the values to enter "
	    "(reads the mail program table; no network)",
	.params = probe_mail_program_params,
	.outcomes = probe_mail_program_outcomes,
	.run = probe_mail_program_run,
};

static int
probe_mail_program_run(const struct probe_env *env, const struct probe_param *params,
    size_t n, struct probe_result *r, char **cause)
{
	const struct mail_programs_entry	*e;
	struct mail_programs_values		 v;
	const char				*program, *port, *security;
	char					*text, *end;
	long					 num;
	int					 i;

	(void)env;
	memset(&v, 0, sizeof v);
	v.security = -1;

	program = probe_param_get(params, n, "program");
	if (program == NULL || strcmp(program, "dontknow") == 0)
		program = MAIL_PROGRAMS_OTHER;
	if ((e = mail_programs_find(NULL, program)) == NULL) {
		/* The tree's choice values must be the table's IDs: a bug in the tree. */
		text = sanitize_str(program);
		xasprintf(cause, "unknown mail program \"%s\" (see wizard/mail-programs)", text);
		free(text);
		return (-1);
	}

	port = probe_param_get(params, n, "port");
	if (port != NULL && strcmp(port, "dontknow") != 0) {
		num = strtol(port, &end, 10);
		if (*port < '0' || *port > '9' || *end != '\0' || num < 1 || num > 65535) {
			text = sanitize_str(port);
			xasprintf(cause, "bad port \"%s\" (1-65535)", text);
			free(text);
			return (-1);
		}
		v.port = (int)num;
	}
	security = probe_param_get(params, n, "security");
	if (security != NULL && strcmp(security, "dontknow") != 0) {
		if ((v.security = providers_security_parse(security)) < 0) {
			text = sanitize_str(security);
			xasprintf(cause, "unknown security \"%s\" (none, starttls or tls)", text);
			free(text);
			return (-1);
		}
	}
	/*
	 * The host is the user's text. It goes into the facts as given: probe_result_fact
	 * sanitises each whole fact once (sanitising it here too would escape twice), and the
	 * expansion never reads references inside a value, so "${port}" in it stays text.
	 */
	v.host = probe_param_get(params, n, "host");
	if (v.host != NULL && strcmp(v.host, "dontknow") == 0)
		v.host = NULL;

	r->outcome = strcmp(e->id, MAIL_PROGRAMS_OTHER) == 0 ? "other" : "known";
	xasprintf(&r->target, "the settings of %s", e->name);
	probe_result_fact(r, "program", "%s", e->id);
	probe_result_fact(r, "name", "%s", e->name);
	for (i = 0; i < MAIL_PROGRAMS_NFIELDS; i++) {
		text = mail_programs_text(e, (enum mail_programs_field)i, &v);
		probe_result_fact(r, probe_mail_program_facts[i], "%s", text);
		free(text);
	}
	if (v.security >= 0)
		probe_result_fact(r, "security-label", "%s", e->words[v.security]);
	else if (strcmp(e->words[PROVIDERS_SEC_STARTTLS], e->words[PROVIDERS_SEC_TLS]) == 0)
		probe_result_fact(r, "security-label", "%s or %s",
		    e->words[PROVIDERS_SEC_TLS], e->words[PROVIDERS_SEC_NONE]);
	else
		probe_result_fact(r, "security-label", "%s, %s or %s",
		    e->words[PROVIDERS_SEC_STARTTLS], e->words[PROVIDERS_SEC_TLS],
		    e->words[PROVIDERS_SEC_NONE]);
	if (r->outcome[0] == 'o')
		probe_result_evidence(r, "The mail program is not one sendfix knows in detail: "
		    "the steps use general wording.");
	return (0);
}
