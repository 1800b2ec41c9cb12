/* client-ini.c: key files ("[group]" and "key=value" lines) as the GTK and KDE programs write them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

static void	client_ini_add(struct client_ini *, const char *, size_t,
		    const char *, size_t, unsigned int, const char *);

static void
client_ini_add(struct client_ini *ini, const char *k, size_t klen,
    const char *v, size_t vlen, unsigned int line, const char *group)
{
	struct client_ini_entry	*e;

	ini->v = xreallocarray(ini->v, ini->n + 1, sizeof *ini->v);
	e = &ini->v[ini->n++];
	e->group = xstrdup(group);
	e->key = xstrndup(k, klen);
	e->value = xstrndup(v, vlen);
	e->line = line;
}

/* Never fails: lines that are not groups or keys are skipped. */
void
client_ini_parse(struct client_ini *ini, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *eol, *s, *e, *eq, *ke;
	char		*group = xstrdup("");
	unsigned int	 line = 0;

	memset(ini, 0, sizeof *ini);
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		s = p;
		p = eol + 1;
		e = eol;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			if (e[-1] != ']' || e - s < 2)
				continue;
			free(group);
			group = xstrndup(s + 1, (size_t)(e - s - 2));
			continue;
		}
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
			continue;
		ke = eq;
		while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		eq++;
		while (eq < e && (*eq == ' ' || *eq == '\t'))
			eq++;
		if (memchr(s, '\0', (size_t)(e - s)) != NULL)
			continue;
		client_ini_add(ini, s, (size_t)(ke - s), eq, (size_t)(e - eq), line,
		    group);
	}
	free(group);
}

void
client_ini_free(struct client_ini *ini)
{
	size_t	i;

	for (i = 0; i < ini->n; i++) {
		free(ini->v[i].group);
		free(ini->v[i].key);
		free(ini->v[i].value);
	}
	free(ini->v);
	memset(ini, 0, sizeof *ini);
}

/* The last value of key in group, or NULL. */
const struct client_ini_entry *
client_ini_get(const struct client_ini *ini, const char *group, const char *key)
{
	const struct client_ini_entry	*found = NULL;
	size_t				 i;

	for (i = 0; i < ini->n; i++) {
		if (strcmp(ini->v[i].group, group) == 0 &&
		    strcmp(ini->v[i].key, key) == 0)
			found = &ini->v[i];
	}
	return (found);
}

/*
 * Whether entry i is the first of its group: readers that walk the entries to visit each
 * group once (an account, a transport, a profile) start its work there.
 */
int
client_ini_group_start(const struct client_ini *ini, size_t i)
{
	size_t	j;

	for (j = 0; j < i; j++) {
		if (strcmp(ini->v[j].group, ini->v[i].group) == 0)
			return (0);
	}
	return (1);
}

/* Copies an entry's value into an account field (empty values say nothing). */
void
client_ini_set(struct client_value *cv, const struct client_ini_entry *e,
    const char *file)
{
	if (e != NULL && *e->value != '\0')
		client_value_set(cv, e->value, strlen(e->value), file, e->line);
}
