/* client-thunderbird.c: read SMTP accounts from a Thunderbird profile's prefs.js. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

struct client_tb_pref {
	char		*key;
	char		*value;
	unsigned int	 line;
};

struct client_tb_prefs {
	struct client_tb_pref	*v;
	size_t			 n;
};

static const char *client_tb_parse_string(const char *, const char *, char **);
static const struct client_tb_pref *client_tb_find(const struct client_tb_prefs *,
		    const char *, ...) PRINTFLIKE(2, 3);
static int	client_tb_prefs_parse(struct client_tb_prefs *, const char *, size_t);
static void	client_tb_prefs_free(struct client_tb_prefs *);
static void	client_tb_set(struct client_value *, const struct client_tb_pref *,
		    const char *);
static void	client_tb_account(struct client_list *, const struct client_tb_prefs *,
		    const char *, const char *, int);

/* A JavaScript string literal; returns the character after it, or NULL. */
static const char *
client_tb_parse_string(const char *p, const char *end, char **out)
{
	char	 q;
	char	*s;
	size_t	 n = 0;

	if (p >= end || (*p != '"' && *p != '\''))
		return (NULL);
	q = *p++;
	s = xmalloc((size_t)(end - p) + 1);
	while (p < end && *p != q && *p != '\n') {
		if (*p == '\\' && p + 1 < end) {
			p++;
			switch (*p) {
			case 'n':
				s[n++] = '\n';
				break;
			case 't':
				s[n++] = '\t';
				break;
			default:
				s[n++] = *p;	/* \\ \" \' and the rest kept */
				break;
			}
			p++;
			continue;
		}
		s[n++] = *p++;
	}
	if (p >= end || *p != q) {
		free(s);
		return (NULL);
	}
	s[n] = '\0';
	*out = s;
	return (p + 1);
}

/* user_pref("name", value); with string, integer or boolean values. */
static int
client_tb_prefs_parse(struct client_tb_prefs *tp, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *eol, *s, *v;
	char		*key, *value;
	unsigned int	 line = 0;

	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		s = p;
		p = eol + 1;
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (eol - s < 10 || strncmp(s, "user_pref(", 10) != 0)
			continue;
		s += 10;
		while (s < eol && *s == ' ')
			s++;
		if ((s = client_tb_parse_string(s, eol, &key)) == NULL)
			continue;
		while (s < eol && (*s == ' ' || *s == ','))
			s++;
		value = NULL;
		if (s < eol && (*s == '"' || *s == '\''))
			s = client_tb_parse_string(s, eol, &value);
		else {
			v = s;
			while (s < eol && *s != ')' && *s != ' ')
				s++;
			if (s > v)
				value = xstrndup(v, (size_t)(s - v));
		}
		if (s == NULL || value == NULL) {
			free(key);
			continue;
		}
		tp->v = xreallocarray(tp->v, tp->n + 1, sizeof *tp->v);
		tp->v[tp->n].key = key;
		tp->v[tp->n].value = value;
		tp->v[tp->n].line = line;
		tp->n++;
	}
	return (0);
}

static void
client_tb_prefs_free(struct client_tb_prefs *tp)
{
	size_t	i;

	for (i = 0; i < tp->n; i++) {
		free(tp->v[i].key);
		free(tp->v[i].value);
	}
	free(tp->v);
}

/* The last setting of a key wins, as in Firefox and Thunderbird. */
static const struct client_tb_pref *
client_tb_find(const struct client_tb_prefs *tp, const char *fmt, ...)
{
	va_list	 ap;
	char	*key;
	size_t	 i;
	const struct client_tb_pref *found = NULL;

	va_start(ap, fmt);
	xvasprintf(&key, fmt, ap);
	va_end(ap);
	for (i = 0; i < tp->n; i++) {
		if (strcmp(tp->v[i].key, key) == 0)
			found = &tp->v[i];
	}
	free(key);
	return (found);
}

static void
client_tb_set(struct client_value *cv, const struct client_tb_pref *p,
    const char *file)
{
	if (p != NULL && *p->value != '\0')
		client_value_set(cv, p->value, strlen(p->value), file, p->line);
}

/* One mail account: its first identity's address and the SMTP server it uses. */
static void
client_tb_account(struct client_list *cl, const struct client_tb_prefs *tp,
    const char *account, const char *file, int is_default)
{
	const struct client_tb_pref	*ids, *email, *server, *host, *ssl, *port;
	struct client_account		*ca;
	char				*id, *smtp = NULL;
	const char			*sec = NULL;

	ids = client_tb_find(tp, "mail.account.%s.identities", account);
	if (ids == NULL)
		return;		/* Local Folders and news: no identity */
	id = xstrndup(ids->value, strcspn(ids->value, ", "));
	email = client_tb_find(tp, "mail.identity.%s.useremail", id);
	server = client_tb_find(tp, "mail.identity.%s.smtpServer", id);
	if (server == NULL || *server->value == '\0')
		server = client_tb_find(tp, "mail.smtp.defaultserver");
	if (server == NULL) {
		/* Only one server and no default: it is the one used. */
		server = client_tb_find(tp, "mail.smtpservers");
	}
	if (server != NULL)
		smtp = xstrndup(server->value, strcspn(server->value, ", "));
	host = smtp != NULL ? client_tb_find(tp, "mail.smtpserver.%s.hostname",
	    smtp) : NULL;
	if (host == NULL || *host->value == '\0') {
		free(id);
		free(smtp);
		return;
	}
	ca = client_list_add(cl, "thunderbird", account);
	ca->is_default = is_default;
	client_tb_set(&ca->field[CLIENT_EMAIL], email, file);
	client_tb_set(&ca->field[CLIENT_HOST], host, file);
	client_tb_set(&ca->field[CLIENT_USER], client_tb_find(tp,
	    "mail.smtpserver.%s.username", smtp), file);
	ssl = client_tb_find(tp, "mail.smtpserver.%s.try_ssl", smtp);
	/* try_ssl: 0 none (the default), 1 and 2 STARTTLS, 3 SSL/TLS. */
	if (ssl == NULL || strcmp(ssl->value, "0") == 0)
		sec = "none";
	else if (strcmp(ssl->value, "1") == 0 || strcmp(ssl->value, "2") == 0)
		sec = "starttls";
	else if (strcmp(ssl->value, "3") == 0)
		sec = "tls";
	if (sec != NULL)
		client_value_set(&ca->field[CLIENT_SECURITY], sec, strlen(sec),
		    file, ssl != NULL ? ssl->line : host->line);
	port = client_tb_find(tp, "mail.smtpserver.%s.port", smtp);
	if (port != NULL && strcmp(port->value, "0") != 0)
		client_tb_set(&ca->field[CLIENT_PORT], port, file);
	else if (sec != NULL) {
		/* No port, or 0: Thunderbird uses 465 for SSL/TLS, else 25. */
		client_value_set(&ca->field[CLIENT_PORT], strcmp(sec, "tls") == 0 ?
		    "465" : "25", strcmp(sec, "tls") == 0 ? 3 : 2, file,
		    port != NULL ? port->line : host->line);
	}
	free(id);
	free(smtp);
}

int
client_thunderbird_parse(struct client_list *cl, const char *buf, size_t len,
    const char *file, char **cause)
{
	struct client_tb_prefs		 tp;
	const struct client_tb_pref	*accounts, *def;
	char				*list, *tok, *save;
	size_t				 first = cl->n;

	if (len > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	memset(&tp, 0, sizeof tp);
	client_tb_prefs_parse(&tp, buf, len);
	accounts = client_tb_find(&tp, "mail.accountmanager.accounts");
	def = client_tb_find(&tp, "mail.accountmanager.defaultaccount");
	if (accounts != NULL) {
		list = xstrdup(accounts->value);
		for (tok = strtok_r(list, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save)) {
			client_tb_account(cl, &tp, tok, file,
			    def != NULL && strcmp(def->value, tok) == 0);
		}
		free(list);
	}
	/* Without a default account, the first one is Thunderbird's default. */
	if (def == NULL && cl->n > first)
		cl->accounts[first].is_default = 1;
	client_tb_prefs_free(&tp);
	return (0);
}
