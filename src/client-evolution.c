/* client-evolution.c: read SMTP accounts from Evolution's *.source key files. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

/*
 * A transport source has [Mail Transport] BackendName=smtp, [Authentication] Host, Port,
 * User and [Security] Method (none, starttls-on-standard-port, ssl-on-alternate-port); the
 * identity source that sends through it names it in [Mail Submission] TransportUid and holds
 * [Mail Identity] Address. uid is the transport file's name without ".source"; the identity
 * buffer may be NULL when none links to it.
 */
int
client_evolution_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, const char *uid, const char *idbuf, size_t idlen,
    const char *idfile, char **cause)
{
	struct client_ini		 ini, idini;
	const struct client_ini_entry	*backend, *host, *e;
	struct client_account		*ca;
	const char			*sec = NULL;

	(void)uid;
	if (len > CLIENT_MAX_FILE || idlen > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	client_ini_parse(&ini, buf, len);
	backend = client_ini_get(&ini, "Mail Transport", "BackendName");
	host = client_ini_get(&ini, "Authentication", "Host");
	if (backend == NULL || strcmp(backend->value, "smtp") != 0 ||
	    host == NULL || *host->value == '\0') {
		client_ini_free(&ini);
		return (0);
	}
	e = client_ini_get(&ini, "Data Source", "DisplayName");
	ca = client_list_add(cl, "evolution", e != NULL && *e->value != '\0' ?
	    e->value : uid);
	client_ini_set(&ca->field[CLIENT_HOST], host, file);
	client_ini_set(&ca->field[CLIENT_PORT],
	    client_ini_get(&ini, "Authentication", "Port"), file);
	client_ini_set(&ca->field[CLIENT_USER],
	    client_ini_get(&ini, "Authentication", "User"), file);
	e = client_ini_get(&ini, "Security", "Method");
	if (e != NULL) {
		if (strcmp(e->value, "none") == 0)
			sec = "none";
		else if (strcmp(e->value, "starttls-on-standard-port") == 0)
			sec = "starttls";
		else if (strcmp(e->value, "ssl-on-alternate-port") == 0)
			sec = "tls";
		if (sec != NULL)
			client_value_set(&ca->field[CLIENT_SECURITY], sec,
			    strlen(sec), file, e->line);
	}
	if (idbuf != NULL) {
		client_ini_parse(&idini, idbuf, idlen);
		client_ini_set(&ca->field[CLIENT_EMAIL],
		    client_ini_get(&idini, "Mail Identity", "Address"), idfile);
		client_ini_free(&idini);
	}
	client_ini_free(&ini);
	return (0);
}
