/* client-kmail.c: read SMTP transports from KMail's mailtransports (and emailidentities). */
#include "config.h"

#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

/*
 * mailtransports: "[Transport ID]" groups, "[General] default-transport=ID"; encryption is
 * None, SSL (implicit TLS) or TLS (which KMail means as STARTTLS). The address lives in
 * emailidentities ("Email Address", "Transport=ID"); ids may be NULL.
 */
int
client_kmail_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, const char *ids, size_t idslen, const char *idsfile,
    char **cause)
{
	struct client_ini		 ini, idini;
	const struct client_ini_entry	*host, *enc, *e, *def;
	struct client_account		*ca;
	const char			*group, *id, *sec;
	size_t				 i, j, first = cl->n;

	if (len > CLIENT_MAX_FILE || idslen > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	client_ini_parse(&ini, buf, len);
	client_ini_parse(&idini, ids != NULL ? ids : "", ids != NULL ? idslen : 0);
	def = client_ini_get(&ini, "General", "default-transport");
	for (i = 0; i < ini.n; i++) {
		group = ini.v[i].group;
		if (strncmp(group, "Transport ", 10) != 0)
			continue;
		if (!client_ini_group_start(&ini, i))
			continue;
		id = group + 10;
		host = client_ini_get(&ini, group, "host");
		if (host == NULL || *host->value == '\0')
			continue;
		e = client_ini_get(&ini, group, "name");
		ca = client_list_add(cl, "kmail", e != NULL ? e->value : id);
		ca->is_default = def != NULL && strcmp(def->value, id) == 0;
		client_ini_set(&ca->field[CLIENT_HOST], host, file);
		client_ini_set(&ca->field[CLIENT_PORT],
		    client_ini_get(&ini, group, "port"), file);
		client_ini_set(&ca->field[CLIENT_USER],
		    client_ini_get(&ini, group, "user"), file);
		enc = client_ini_get(&ini, group, "encryption");
		sec = NULL;
		if (enc == NULL || strcasecmp(enc->value, "None") == 0)
			sec = "none";
		else if (strcasecmp(enc->value, "SSL") == 0)
			sec = "tls";
		else if (strcasecmp(enc->value, "TLS") == 0)
			sec = "starttls";
		if (sec != NULL)
			client_value_set(&ca->field[CLIENT_SECURITY], sec,
			    strlen(sec), file, enc != NULL ? enc->line :
			    host->line);
		for (j = 0; j < idini.n; j++) {
			if (strcmp(idini.v[j].key, "Transport") != 0 ||
			    strcmp(idini.v[j].value, id) != 0)
				continue;
			client_ini_set(&ca->field[CLIENT_EMAIL],
			    client_ini_get(&idini, idini.v[j].group,
			    "Email Address"), idsfile);
			break;
		}
	}
	if (def == NULL && cl->n > first)
		cl->accounts[first].is_default = 1;
	client_ini_free(&ini);
	client_ini_free(&idini);
	return (0);
}
