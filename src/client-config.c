/* client-config.c: the common account model shared by the mail program readers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

static const char *client_keys[CLIENT_NFIELDS] = {
	"email", "smtp.host", "smtp.port", "smtp.security", "smtp.user"
};

const char *
client_field_key(enum client_field f)
{
	return (client_keys[f]);
}

struct client_account *
client_list_add(struct client_list *cl, const char *program, const char *name)
{
	struct client_account	*ca;

	cl->accounts = xreallocarray(cl->accounts, cl->n + 1,
	    sizeof *cl->accounts);
	ca = &cl->accounts[cl->n++];
	memset(ca, 0, sizeof *ca);
	ca->program = xstrdup(program);
	ca->name = xstrdup(name);
	return (ca);
}

void
client_value_set(struct client_value *cv, const char *v, size_t len,
    const char *file, unsigned int line)
{
	free(cv->value);
	free(cv->file);
	cv->value = xstrndup(v, len);
	cv->file = xstrdup(file);
	cv->line = line;
}

void
client_list_free(struct client_list *cl)
{
	struct client_account	*ca;
	size_t			 i, j;

	for (i = 0; i < cl->n; i++) {
		ca = &cl->accounts[i];
		free(ca->program);
		free(ca->name);
		for (j = 0; j < CLIENT_NFIELDS; j++) {
			free(ca->field[j].value);
			free(ca->field[j].file);
		}
		secret_free(ca->password);
	}
	free(cl->accounts);
	cl->accounts = NULL;
	cl->n = 0;
}
