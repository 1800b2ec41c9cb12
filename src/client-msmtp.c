/* client-msmtp.c: read accounts from msmtp's configuration (~/.msmtprc). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

/* Settings of one msmtp section as written, before they become answers. */
enum { M_HOST, M_PORT, M_TLS, M_STARTTLS, M_USER, M_FROM, M_PASSWORD, M_N };

static const char *client_msmtp_cmds[M_N] = {
	"host", "port", "tls", "tls_starttls", "user", "from", "password"
};

struct client_msmtp_sect {
	char		*name;
	char		*val[M_N];
	unsigned int	 line[M_N];
};

static void	client_msmtp_copy(struct client_msmtp_sect *,
		    const struct client_msmtp_sect *);
static void	client_msmtp_clear(struct client_msmtp_sect *);
static void	client_msmtp_emit(struct client_list *,
		    const struct client_msmtp_sect *, const char *);
static int	client_msmtp_on(const char *);
static size_t	client_msmtp_split(const char *, const char *, const char **,
		    size_t *, const char **);

static void
client_msmtp_clear(struct client_msmtp_sect *s)
{
	size_t	i;

	for (i = 0; i < M_N; i++) {
		if (i == M_PASSWORD)
			secret_free(s->val[i]);
		else
			free(s->val[i]);
		s->val[i] = NULL;
	}
	free(s->name);
	s->name = NULL;
}

/* Inherit every setting src has (msmtp's "defaults" and "account a : b"). */
static void
client_msmtp_copy(struct client_msmtp_sect *dst,
    const struct client_msmtp_sect *src)
{
	size_t	i;

	for (i = 0; i < M_N; i++) {
		if (src->val[i] == NULL)
			continue;
		if (i == M_PASSWORD)
			secret_free(dst->val[i]);
		else
			free(dst->val[i]);
		dst->val[i] = xstrdup(src->val[i]);
		dst->line[i] = src->line[i];
	}
}

static int
client_msmtp_on(const char *v)
{
	return (v == NULL || *v == '\0' || strcmp(v, "on") == 0);
}

static void
client_msmtp_emit(struct client_list *cl, const struct client_msmtp_sect *s,
    const char *file)
{
	struct client_account	*ca;
	const char		*sec;
	unsigned int		 line;

	/* An account with no server (none of its own, none inherited) sends nowhere. */
	if (s->val[M_HOST] == NULL || *s->val[M_HOST] == '\0')
		return;
	ca = client_list_add(cl, "msmtp", s->name);
	if (s->val[M_FROM] != NULL)
		client_value_set(&ca->field[CLIENT_EMAIL], s->val[M_FROM],
		    strlen(s->val[M_FROM]), file, s->line[M_FROM]);
	if (s->val[M_HOST] != NULL)
		client_value_set(&ca->field[CLIENT_HOST], s->val[M_HOST],
		    strlen(s->val[M_HOST]), file, s->line[M_HOST]);
	if (s->val[M_PORT] != NULL)
		client_value_set(&ca->field[CLIENT_PORT], s->val[M_PORT],
		    strlen(s->val[M_PORT]), file, s->line[M_PORT]);
	if (s->val[M_USER] != NULL)
		client_value_set(&ca->field[CLIENT_USER], s->val[M_USER],
		    strlen(s->val[M_USER]), file, s->line[M_USER]);
	/* msmtp: tls off by default; with tls, STARTTLS unless tls_starttls off. */
	if (s->val[M_TLS] != NULL || s->val[M_STARTTLS] != NULL) {
		line = s->val[M_TLS] != NULL ? s->line[M_TLS] : 0;
		if (!client_msmtp_on(s->val[M_TLS]) || s->val[M_TLS] == NULL)
			sec = "none";
		else if (s->val[M_STARTTLS] != NULL &&
		    !client_msmtp_on(s->val[M_STARTTLS])) {
			sec = "tls";
			line = s->line[M_STARTTLS];
		} else
			sec = "starttls";
		client_value_set(&ca->field[CLIENT_SECURITY], sec, strlen(sec),
		    file, line);
	}
	if (s->val[M_PASSWORD] != NULL)
		ca->password = xstrdup(s->val[M_PASSWORD]);
}

/* Split "cmd arg" with optional double quotes around arg; returns arg length. */
static size_t
client_msmtp_split(const char *p, const char *end, const char **cmd,
    size_t *cmdlen, const char **arg)
{
	const char	*q;

	while (p < end && isspace((unsigned char)*p))
		p++;
	*cmd = p;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	*cmdlen = (size_t)(p - *cmd);
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	for (q = p; q < end; q++) {
		if (*q == '\0')
			break;
	}
	*arg = p;
	return ((size_t)(q - p));
}

int
client_msmtp_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, char **cause)
{
	struct client_msmtp_sect	 defs, cur, *done = NULL;
	const char			*p = buf, *end = buf + len, *eol;
	const char			*cmd, *arg, *c;
	size_t				 cmdlen, arglen, ndone = 0, i, j;
	unsigned int			 line = 0;
	char				*alias = NULL, *name, *parents, *tok;
	char				*save;
	size_t				 first = cl->n;
	int				 in_account = 0, is_defaults, is_account;

	if (len > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	memset(&defs, 0, sizeof defs);
	memset(&cur, 0, sizeof cur);
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		arglen = client_msmtp_split(p, eol, &cmd, &cmdlen, &arg);
		p = eol + 1;
		if (cmdlen == 0 || *cmd == '#')
			continue;
		is_defaults = cmdlen == 8 && strncmp(cmd, "defaults", 8) == 0;
		is_account = cmdlen == 7 && strncmp(cmd, "account", 7) == 0;
		/* Either ends the account being read. */
		if ((is_defaults || is_account) && in_account) {
			done = xreallocarray(done, ndone + 1, sizeof *done);
			done[ndone++] = cur;
			memset(&cur, 0, sizeof cur);
			in_account = 0;
		}
		if (is_defaults)
			continue;
		if (is_account) {
			name = xstrndup(arg, arglen);
			parents = strchr(name, ':');
			if (parents != NULL)
				*parents++ = '\0';
			name[strcspn(name, " \t\r")] = '\0';
			if (*name == '\0') {
				free(name);
				continue;
			}
			if (strcmp(name, "default") == 0 && parents != NULL) {
				/* "account default : x" names the default. */
				free(alias);
				parents += strspn(parents, " \t");
				alias = xstrndup(parents,
				    strcspn(parents, " \t\r,"));
				free(name);
				continue;
			}
			client_msmtp_copy(&cur, &defs);
			for (tok = parents != NULL ?
			    strtok_r(parents, ",", &save) : NULL; tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				tok += strspn(tok, " \t");
				tok[strcspn(tok, " \t\r")] = '\0';
				for (j = 0; j < ndone; j++) {
					if (strcmp(done[j].name, tok) == 0)
						client_msmtp_copy(&cur,
						    &done[j]);
				}
			}
			cur.name = name;
			in_account = 1;
			continue;
		}
		for (i = 0; i < M_N; i++) {
			c = client_msmtp_cmds[i];
			if (strlen(c) == cmdlen && strncmp(cmd, c, cmdlen) == 0)
				break;
		}
		if (i == M_N)
			continue;	/* passwordeval and others: never run */
		if (in_account) {
			if (i == M_PASSWORD)
				secret_free(cur.val[i]);
			else
				free(cur.val[i]);
			cur.val[i] = xstrndup(arg, arglen);
			cur.line[i] = line;
		} else {
			if (i == M_PASSWORD)
				secret_free(defs.val[i]);
			else
				free(defs.val[i]);
			defs.val[i] = xstrndup(arg, arglen);
			defs.line[i] = line;
		}
	}
	if (in_account) {
		done = xreallocarray(done, ndone + 1, sizeof *done);
		done[ndone++] = cur;
		memset(&cur, 0, sizeof cur);
	}
	for (j = 0; j < ndone; j++)
		client_msmtp_emit(cl, &done[j], file);
	for (j = first; j < cl->n; j++) {
		if (alias != NULL && strcmp(cl->accounts[j].name, alias) == 0)
			cl->accounts[j].is_default = 1;
	}
	if (alias == NULL && cl->n > first)
		cl->accounts[first].is_default = 1;
	for (j = 0; j < ndone; j++)
		client_msmtp_clear(&done[j]);
	free(done);
	client_msmtp_clear(&defs);
	client_msmtp_clear(&cur);
	free(alias);
	return (0);
}
