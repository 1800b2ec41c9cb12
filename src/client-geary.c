/* client-geary.c: read the SMTP account from one Geary geary.ini. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

/*
 * Geary 3.32 and later: [Account] sender_mailboxes, [Outgoing] host, port, login,
 * transport_security (none, start-tls, transport). Older: [AccountInformation] primary_email,
 * smtp_host, smtp_port, smtp_username, smtp_ssl, smtp_starttls.
 */
int
client_geary_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, const char *name, char **cause)
{
	struct client_ini		 ini;
	const struct client_ini_entry	*host, *e, *ssl, *stls;
	struct client_account		*ca;
	const char			*sec = NULL, *lt, *gt;
	unsigned int			 line = 0;

	if (len > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	client_ini_parse(&ini, buf, len);
	if ((host = client_ini_get(&ini, "Outgoing", "host")) != NULL) {
		ca = client_list_add(cl, "geary", name);
		client_ini_set(&ca->field[CLIENT_HOST], host, file);
		client_ini_set(&ca->field[CLIENT_PORT],
		    client_ini_get(&ini, "Outgoing", "port"), file);
		client_ini_set(&ca->field[CLIENT_USER],
		    client_ini_get(&ini, "Outgoing", "login"), file);
		e = client_ini_get(&ini, "Outgoing", "transport_security");
		if (e != NULL) {
			line = e->line;
			if (strcmp(e->value, "none") == 0)
				sec = "none";
			else if (strcmp(e->value, "start-tls") == 0)
				sec = "starttls";
			else if (strcmp(e->value, "transport") == 0)
				sec = "tls";
		}
		/* "Name <address>;..." : the first address. */
		e = client_ini_get(&ini, "Account", "sender_mailboxes");
		if (e != NULL) {
			lt = strchr(e->value, '<');
			gt = lt != NULL ? strchr(lt, '>') : NULL;
			if (lt != NULL && gt != NULL && gt > lt + 1)
				client_value_set(&ca->field[CLIENT_EMAIL],
				    lt + 1, (size_t)(gt - lt - 1), file, e->line);
			else if (strchr(e->value, '@') != NULL)
				client_value_set(&ca->field[CLIENT_EMAIL],
				    e->value, strcspn(e->value, ";, "), file,
				    e->line);
		}
	} else if ((host = client_ini_get(&ini, "AccountInformation",
	    "smtp_host")) != NULL) {
		ca = client_list_add(cl, "geary", name);
		client_ini_set(&ca->field[CLIENT_HOST], host, file);
		client_ini_set(&ca->field[CLIENT_PORT], client_ini_get(&ini,
		    "AccountInformation", "smtp_port"), file);
		client_ini_set(&ca->field[CLIENT_USER], client_ini_get(&ini,
		    "AccountInformation", "smtp_username"), file);
		client_ini_set(&ca->field[CLIENT_EMAIL], client_ini_get(&ini,
		    "AccountInformation", "primary_email"), file);
		ssl = client_ini_get(&ini, "AccountInformation", "smtp_ssl");
		stls = client_ini_get(&ini, "AccountInformation",
		    "smtp_starttls");
		if (ssl != NULL && strcmp(ssl->value, "true") == 0) {
			sec = "tls";
			line = ssl->line;
		} else if (stls != NULL && strcmp(stls->value, "true") == 0) {
			sec = "starttls";
			line = stls->line;
		} else if (ssl != NULL || stls != NULL) {
			sec = "none";
			line = ssl != NULL ? ssl->line : stls->line;
		}
	} else {
		client_ini_free(&ini);
		return (0);
	}
	if (sec != NULL)
		client_value_set(&ca->field[CLIENT_SECURITY], sec, strlen(sec),
		    file, line);
	client_ini_free(&ini);
	return (0);
}
