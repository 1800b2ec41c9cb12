/* client-claws.c: read SMTP accounts from Claws Mail's accountrc. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

static int	client_claws_bool(const struct client_ini_entry *);

/*
 * A boolean as Claws Mail reads it (prefs.c, P_BOOL): false when it is "0" or empty,
 * true otherwise, so "1" and "TRUE" both count. A missing key is false.
 */
static int
client_claws_bool(const struct client_ini_entry *e)
{
	return (e != NULL && *e->value != '\0' && *e->value != '0');
}

/* accountrc: one "[Account: N]" group per account; stored passwords are encrypted: ignored. */
int
client_claws_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, char **cause)
{
	struct client_ini		 ini;
	const struct client_ini_entry	*host, *ssl, *setport, *port, *e;
	struct client_account		*ca;
	const char			*group, *sec;
	size_t				 i;

	if (len > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	client_ini_parse(&ini, buf, len);
	for (i = 0; i < ini.n; i++) {
		group = ini.v[i].group;
		if (strncmp(group, "Account:", 8) != 0)
			continue;
		if (!client_ini_group_start(&ini, i))
			continue;
		host = client_ini_get(&ini, group, "smtp_server");
		if (host == NULL || *host->value == '\0')
			continue;
		e = client_ini_get(&ini, group, "account_name");
		ca = client_list_add(cl, "claws", e != NULL ? e->value :
		    group + 8 + strspn(group + 8, " "));
		e = client_ini_get(&ini, group, "is_default");
		ca->is_default = client_claws_bool(e);
		client_ini_set(&ca->field[CLIENT_EMAIL],
		    client_ini_get(&ini, group, "address"), file);
		client_ini_set(&ca->field[CLIENT_HOST], host, file);
		e = client_ini_get(&ini, group, "use_smtp_auth");
		if (client_claws_bool(e))
			client_ini_set(&ca->field[CLIENT_USER],
			    client_ini_get(&ini, group, "smtp_user_id"), file);
		/* ssl_smtp: 0 none, 1 SSL/TLS from the start, 2 STARTTLS. */
		ssl = client_ini_get(&ini, group, "ssl_smtp");
		if (ssl == NULL || strcmp(ssl->value, "0") == 0)
			sec = "none";
		else if (strcmp(ssl->value, "1") == 0)
			sec = "tls";
		else if (strcmp(ssl->value, "2") == 0)
			sec = "starttls";
		else
			sec = NULL;
		if (sec != NULL)
			client_value_set(&ca->field[CLIENT_SECURITY], sec,
			    strlen(sec), file, ssl != NULL ? ssl->line :
			    host->line);
		setport = client_ini_get(&ini, group, "set_smtpport");
		port = client_ini_get(&ini, group, "smtp_port");
		if (client_claws_bool(setport) &&
		    port != NULL)
			client_ini_set(&ca->field[CLIENT_PORT], port, file);
		else if (sec != NULL)
			client_value_set(&ca->field[CLIENT_PORT],
			    strcmp(sec, "tls") == 0 ? "465" : "25", strcmp(sec,
			    "tls") == 0 ? 3 : 2, file, host->line);
	}
	client_ini_free(&ini);
	return (0);
}
