/* client-geary.c: read the SMTP account from one Geary geary.ini. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client-config.h"
#include "util.h"

static int	client_geary_bool(const struct client_ini_entry *, int);

/* A GLib key file boolean: "true" or "1", "false" or "0"; anything else is def. */
static int
client_geary_bool(const struct client_ini_entry *e, int def)
{
	if (e == NULL)
		return (def);
	if (strcmp(e->value, "true") == 0 || strcmp(e->value, "1") == 0)
		return (1);
	if (strcmp(e->value, "false") == 0 || strcmp(e->value, "0") == 0)
		return (0);
	return (def);
}

/*
 * Geary 3.32 and later (Accounts.ServiceConfigV1): [Account] sender_mailboxes, [Outgoing]
 * host, port, login, transport_security (none, start-tls, transport; read ignoring case)
 * and credentials: with "use-incoming" the login is [Incoming] login. Older files
 * (ServiceConfigLegacy): [AccountInformation] primary_email, smtp_host, smtp_port,
 * smtp_username (default: the address), smtp_ssl (default false), smtp_starttls (default
 * true), smtp_use_imap_credentials (then imap_username is the login).
 */
int
client_geary_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, const char *name, char **cause)
{
	struct client_ini		 ini;
	const struct client_ini_entry	*host, *e, *ssl, *stls, *email, *user;
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
		user = client_ini_get(&ini, "Outgoing", "login");
		e = client_ini_get(&ini, "Outgoing", "credentials");
		if (user == NULL && e != NULL &&
		    strcasecmp(e->value, "use-incoming") == 0)
			user = client_ini_get(&ini, "Incoming", "login");
		client_ini_set(&ca->field[CLIENT_USER], user, file);
		e = client_ini_get(&ini, "Outgoing", "transport_security");
		if (e != NULL) {
			line = e->line;
			if (strcasecmp(e->value, "none") == 0)
				sec = "none";
			else if (strcasecmp(e->value, "start-tls") == 0)
				sec = "starttls";
			else if (strcasecmp(e->value, "transport") == 0)
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
		email = client_ini_get(&ini, "AccountInformation", "primary_email");
		client_ini_set(&ca->field[CLIENT_EMAIL], email, file);
		e = client_ini_get(&ini, "AccountInformation",
		    "smtp_use_imap_credentials");
		if (client_geary_bool(e, 0))
			user = client_ini_get(&ini, "AccountInformation",
			    "imap_username");
		else
			user = client_ini_get(&ini, "AccountInformation",
			    "smtp_username");
		client_ini_set(&ca->field[CLIENT_USER], user != NULL ? user : email,
		    file);
		ssl = client_ini_get(&ini, "AccountInformation", "smtp_ssl");
		stls = client_ini_get(&ini, "AccountInformation",
		    "smtp_starttls");
		if (client_geary_bool(ssl, 0)) {
			sec = "tls";
			line = ssl->line;
		} else if (client_geary_bool(stls, 1)) {
			sec = "starttls";
			line = stls != NULL ? stls->line : host->line;
		} else {
			sec = "none";
			line = stls != NULL ? stls->line : host->line;
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
