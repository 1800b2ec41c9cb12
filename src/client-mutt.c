/* client-mutt.c: read the SMTP account from mutt and neomutt configuration. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "util.h"

static void	client_mutt_value(const char *, size_t, char *, size_t *);
static void	client_mutt_url(struct client_mutt *, const char *, const char *,
		    unsigned int);
static int	client_mutt_yes(const char *);
static void	client_mutt_unescape(char *);

void
client_mutt_init(struct client_mutt *m)
{
	memset(m, 0, sizeof *m);
}

void
client_mutt_free(struct client_mutt *m)
{
	size_t	i;

	for (i = 0; i < CLIENT_NFIELDS; i++) {
		free(m->field[i].value);
		free(m->field[i].file);
	}
	free(m->starttls);
	free(m->starttls_file);
	free(m->force_tls);
	free(m->scheme);
	secret_free(m->password);
	strlist_free(&m->sources);
	memset(m, 0, sizeof *m);
}

static int
client_mutt_yes(const char *v)
{
	return (v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "ask-yes") == 0));
}

/* Unquote a muttrc value ('...' or "..." with backslash escapes); out holds len + 1. */
static void
client_mutt_value(const char *p, size_t len, char *out, size_t *outlen)
{
	const char	*end = p + len;
	char		 q = 0;
	size_t		 n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && (*p == '"' || *p == '\'')) {
		q = *p++;
	}
	while (p < end) {
		if (q != 0 && *p == q)
			break;
		if (q == 0 && (*p == ' ' || *p == '\t' || *p == '#' ||
		    *p == ';'))
			break;
		if (*p == '\\' && q != '\'' && p + 1 < end)
			p++;
		if (*p == '\0')
			break;
		out[n++] = *p++;
	}
	out[n] = '\0';
	*outlen = n;
}

/* Decode %XX in place (mutt URL-encodes '@' in user names as %40). */
static void
client_mutt_unescape(char *s)
{
	char	*d = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' :
			    (tolower((unsigned char)s[1]) - 'a' + 10);
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' :
			    (tolower((unsigned char)s[2]) - 'a' + 10);
			if (hi * 16 + lo != 0) {
				*d++ = (char)(hi * 16 + lo);
				s += 2;
				continue;
			}
		}
		*d++ = *s;
	}
	*d = '\0';
}

/* smtp[s]://[user[:pass]@]host[:port][/] */
static void
client_mutt_url(struct client_mutt *m, const char *url, const char *file,
    unsigned int line)
{
	const char	*p, *at, *hs, *he, *colon;
	char		*user, *pass;
	size_t		 i;

	if (strncmp(url, "smtps://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "smtp://", 7) == 0)
		p = url + 7;
	else
		return;
	free(m->scheme);
	m->scheme = xstrndup(url, strcspn(url, ":"));
	for (i = 0; i < CLIENT_NFIELDS; i++) {
		if (i == CLIENT_EMAIL)
			continue;
		free(m->field[i].value);
		free(m->field[i].file);
		m->field[i].value = m->field[i].file = NULL;
	}
	m->url_line = line;
	at = strrchr(p, '@');
	if (at != NULL && (strchr(p, '/') == NULL || at < strchr(p, '/'))) {
		user = xstrndup(p, (size_t)(at - p));
		pass = strchr(user, ':');
		if (pass != NULL) {
			*pass++ = '\0';
			client_mutt_unescape(pass);
			secret_free(m->password);
			m->password = xstrdup(pass);
			explicit_bzero(pass, strlen(pass));
		}
		client_mutt_unescape(user);
		if (*user != '\0')
			client_value_set(&m->field[CLIENT_USER], user,
			    strlen(user), file, line);
		free(user);
		p = at + 1;
	}
	hs = p;
	if (*hs == '[') {	/* [IPv6]:port */
		he = strchr(hs, ']');
		if (he == NULL)
			return;
		hs++;
		p = he + 1;
	} else {
		he = hs + strcspn(hs, ":/");
		p = he;
	}
	if (he > hs)
		client_value_set(&m->field[CLIENT_HOST], hs, (size_t)(he - hs), file,
		    line);
	if (*p == ':') {
		p++;
		colon = p + strspn(p, "0123456789");
		if (colon > p)
			client_value_set(&m->field[CLIENT_PORT], p, (size_t)(colon - p),
			    file, line);
	}
}

int
client_mutt_parse(struct client_mutt *m, const char *buf, size_t len,
    const char *file, char **cause)
{
	const char	*p = buf, *end = buf + len, *eol, *s, *name;
	char		*val;
	size_t		 vlen, nlen;
	unsigned int	 line = 0;
	int		 off;

	if (len > CLIENT_MAX_FILE) {
		xasprintf(cause, "%s: file too large", file);
		return (-1);
	}
	/* At least 4 bytes: "yes" is written there for a bare "set x". */
	val = xmalloc(len + 4);
	while (p < end) {
		line++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		s = p;
		p = eol + 1;
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (eol - s > 7 && strncmp(s, "source", 6) == 0 &&
		    (s[6] == ' ' || s[6] == '\t')) {
			client_mutt_value(s + 7, (size_t)(eol - s - 7), val, &vlen);
			if (vlen > 0)
				strlist_add(&m->sources, val);
			continue;
		}
		/* "unset x" and "set nox" make a boolean "no". */
		off = 0;
		if (eol - s >= 6 && strncmp(s, "unset", 5) == 0 &&
		    (s[5] == ' ' || s[5] == '\t')) {
			off = 1;
			s += 6;
		} else if (eol - s >= 4 && strncmp(s, "set", 3) == 0 &&
		    (s[3] == ' ' || s[3] == '\t'))
			s += 4;
		else
			continue;
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		name = s;
		while (s < eol && (isalnum((unsigned char)*s) || *s == '_'))
			s++;
		nlen = (size_t)(s - name);
		if (!off && nlen > 6 && strncmp(name, "nossl_", 6) == 0) {
			off = 1;
			name += 2;
			nlen -= 2;
		}
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (!off && s < eol && *s == '=')
			s++;
		else {
			/* "set ssl_force_tls" is "yes". */
			s = NULL;
		}
		if (s != NULL)
			client_mutt_value(s, (size_t)(eol - s), val, &vlen);
		else {
			/* The line holds "set x" or "unset x", so val has room. */
			memcpy(val, off ? "no" : "yes", off ? 3 : 4);
			vlen = off ? 2 : 3;
		}
#define IS(k) (nlen == strlen(k) && strncmp(name, k, nlen) == 0)
		if (IS("smtp_url"))
			client_mutt_url(m, val, file, line);
		else if (IS("from"))
			client_value_set(&m->field[CLIENT_EMAIL], val, vlen,
			    file, line);
		else if (IS("smtp_pass")) {
			secret_free(m->password);
			m->password = xstrdup(val);
		} else if (IS("ssl_starttls")) {
			free(m->starttls);
			free(m->starttls_file);
			m->starttls = xstrdup(val);
			m->starttls_file = xstrdup(file);
			m->starttls_line = line;
		} else if (IS("ssl_force_tls")) {
			free(m->force_tls);
			m->force_tls = xstrdup(val);
			m->force_tls_line = line;
		}
#undef IS
		explicit_bzero(val, vlen);
	}
	free(val);
	return (0);
}

/* Turns what the files said into one account; 0 when there is no smtp_url. */
int
client_mutt_finish(struct client_list *cl, struct client_mutt *m,
    const char *program)
{
	const char		*file;
	struct client_account	*ca;
	const char		*sec, *port;
	size_t			 i;
	unsigned int		 line;

	if (m->field[CLIENT_HOST].value == NULL)
		return (0);
	file = m->field[CLIENT_HOST].file;
	ca = client_list_add(cl, program, program);
	ca->is_default = 1;
	for (i = 0; i < CLIENT_NFIELDS; i++) {
		if (m->field[i].value == NULL)
			continue;
		client_value_set(&ca->field[i], m->field[i].value,
		    strlen(m->field[i].value), m->field[i].file,
		    m->field[i].line);
	}
	/* smtps:// is implicit TLS; smtp:// uses STARTTLS unless ssl_starttls=no. */
	line = m->url_line;
	if (strcmp(m->scheme, "smtps") == 0)
		sec = "tls";
	else if (m->starttls != NULL && !client_mutt_yes(m->starttls) &&
	    !client_mutt_yes(m->force_tls)) {
		sec = "none";
		line = m->starttls_line;
		file = m->starttls_file;
	} else
		sec = "starttls";
	client_value_set(&ca->field[CLIENT_SECURITY], sec, strlen(sec), file,
	    line);
	if (ca->field[CLIENT_PORT].value == NULL) {
		port = strcmp(sec, "tls") == 0 ? "465" : "25";
		client_value_set(&ca->field[CLIENT_PORT], port, strlen(port),
		    file, m->url_line);
	}
	if (m->password != NULL)
		ca->password = xstrdup(m->password);
	return (1);
}
