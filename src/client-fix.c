/* client-fix.c: writes the settings that work into an msmtp or mutt file, keeping a backup. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client-config.h"
#include "sanitize.h"
#include "util.h"

/* One line of the file: its text without the line ending, and that ending. */
struct client_fix_line {
	char	*text;
	char	*eol;	/* "\n", "\r\n" or "" (the last line without one) */
};

struct client_fix_file {
	struct client_fix_line	*v;
	size_t			 n;
};

static void	 client_fix_split(struct client_fix_file *, const char *, size_t);
static void	 client_fix_join(const struct client_fix_file *, char **, size_t *);
static void	 client_fix_clear(struct client_fix_file *);
static void	 client_fix_insert(struct client_fix_file *, size_t, const char *,
		    const char *);
static size_t	 client_fix_word(const char *, const char **);
static char	*client_fix_indent(const char *);
static int	 client_fix_has_semicolon(const char *);
static const char *client_fix_comment(const char *);
static int	 client_fix_read(int, char **, size_t *);
static int	 client_fix_write_all(int, const char *, size_t);

static void
client_fix_split(struct client_fix_file *cf, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl;
	size_t		 l;

	memset(cf, 0, sizeof *cf);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		l = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		cf->v = xreallocarray(cf->v, cf->n + 1, sizeof *cf->v);
		if (nl != NULL && l > 0 && p[l - 1] == '\r') {
			cf->v[cf->n].text = xstrndup(p, l - 1);
			cf->v[cf->n].eol = xstrdup("\r\n");
		} else {
			cf->v[cf->n].text = xstrndup(p, l);
			cf->v[cf->n].eol = xstrdup(nl != NULL ? "\n" : "");
		}
		cf->n++;
		p = nl != NULL ? nl + 1 : end;
	}
}

static void
client_fix_join(const struct client_fix_file *cf, char **out, size_t *outlen)
{
	size_t	 i, len = 0;
	char	*o;

	for (i = 0; i < cf->n; i++)
		len += strlen(cf->v[i].text) + strlen(cf->v[i].eol);
	o = *out = xmalloc(len + 1);
	for (i = 0; i < cf->n; i++) {
		memcpy(o, cf->v[i].text, strlen(cf->v[i].text));
		o += strlen(cf->v[i].text);
		memcpy(o, cf->v[i].eol, strlen(cf->v[i].eol));
		o += strlen(cf->v[i].eol);
	}
	*o = '\0';
	*outlen = len;
}

static void
client_fix_clear(struct client_fix_file *cf)
{
	size_t	 i;

	for (i = 0; i < cf->n; i++) {
		free(cf->v[i].text);
		free(cf->v[i].eol);
	}
	free(cf->v);
	memset(cf, 0, sizeof *cf);
}

/* A new line before index at, ending as the line before it does (or "\n"). */
static void
client_fix_insert(struct client_fix_file *cf, size_t at, const char *text, const char *eol)
{
	cf->v = xreallocarray(cf->v, cf->n + 1, sizeof *cf->v);
	memmove(&cf->v[at + 1], &cf->v[at], (cf->n - at) * sizeof *cf->v);
	cf->v[at].text = xstrdup(text);
	cf->v[at].eol = xstrdup(eol);
	cf->n++;
}

/* The first word of s (after blanks): its length, and *start. */
static size_t
client_fix_word(const char *s, const char **start)
{
	size_t	 n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	*start = s;
	while (s[n] != '\0' && s[n] != ' ' && s[n] != '\t' && s[n] != '=' && s[n] != ':')
		n++;
	return (n);
}

/* The blanks a line starts with. */
static char *
client_fix_indent(const char *s)
{
	return (xstrndup(s, strspn(s, " \t")));
}

/* A ";" outside quotes: more than one mutt command on the line. */
static int
client_fix_has_semicolon(const char *s)
{
	char	 q = 0;

	for (; *s != '\0'; s++) {
		if (q == 0 && *s == '#')
			return (0);
		if (*s == '\\' && s[1] != '\0') {
			s++;
			continue;
		}
		if (q != 0 && *s == q)
			q = 0;
		else if (q == 0 && (*s == '"' || *s == '\''))
			q = *s;
		else if (q == 0 && *s == ';')
			return (1);
	}
	return (0);
}

/* A mutt line's trailing comment ("# ..." outside quotes), or "" when it has none. */
static const char *
client_fix_comment(const char *s)
{
	char	 q = 0;

	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			continue;
		}
		if (q != 0 && *s == q)
			q = 0;
		else if (q == 0 && (*s == '"' || *s == '\''))
			q = *s;
		else if (q == 0 && *s == '#')
			return (s);
	}
	return ("");
}

/*
 * A user name as the user part of a URL (RFC 3986 userinfo, mutt's smtp_url): everything
 * but unreserved characters percent-encoded, so an "@" or ":" in it cannot move the host.
 */
char *
client_fix_userinfo(const char *user)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*u;
	char			*out, *o;

	o = out = xcalloc(3, strlen(user) + 1);
	for (u = (const unsigned char *)user; *u != '\0'; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') ||
		    (*u >= '0' && *u <= '9') || *u == '-' || *u == '.' || *u == '_' ||
		    *u == '~')
			*o++ = (char)*u;
		else {
			*o++ = '%';
			*o++ = hex[*u >> 4];
			*o++ = hex[*u & 0xf];
		}
	}
	*o = '\0';
	return (out);
}

/*
 * msmtp: in the section of account (from its "account" line to the next "account" or
 * "defaults"), every host, port, tls, tls_starttls (and user, when fix->user is set) line
 * is replaced, keeping its indentation; a key the section lacks is added right after the
 * "account" line. Every other line, comment and blank stays as it was.
 */
int
client_fix_msmtp(const char *buf, size_t len, const char *account,
    const struct client_fix *fix, char **out, size_t *outlen, char **cause)
{
	struct client_fix_file	 cf;
	const char		*keys[5], *w, *name;
	char			*values[5], *indent = NULL, *line, *acct;
	size_t			 nkeys = 0, i, k, wl, nl, start = 0, end;
	int			 found = 0, seen[5];

	keys[nkeys] = "host";
	values[nkeys++] = xstrdup(fix->host);
	keys[nkeys] = "port";
	values[nkeys++] = xstrdup(fix->port);
	keys[nkeys] = "tls";
	values[nkeys++] = xstrdup(strcmp(fix->security, "none") == 0 ? "off" : "on");
	if (strcmp(fix->security, "none") != 0) {
		keys[nkeys] = "tls_starttls";
		values[nkeys++] = xstrdup(strcmp(fix->security, "starttls") == 0 ?
		    "on" : "off");
	}
	if (fix->user != NULL) {
		keys[nkeys] = "user";
		values[nkeys++] = xstrdup(fix->user);
	}
	memset(seen, 0, sizeof seen);

	client_fix_split(&cf, buf, len);
	for (i = 0; i < cf.n; i++) {
		wl = client_fix_word(cf.v[i].text, &w);
		if (wl != 7 || strncmp(w, "account", 7) != 0)
			continue;
		nl = client_fix_word(w + 7, &name);
		if (nl == strlen(account) && strncmp(name, account, nl) == 0) {
			found = 1;
			start = i;
			break;
		}
	}
	if (!found) {
		acct = sanitize_str(account);
		xasprintf(cause, "there is no \"account %s\" line to change", acct);
		free(acct);
		client_fix_clear(&cf);
		for (k = 0; k < nkeys; k++)
			free(values[k]);
		return (-1);
	}
	for (end = start + 1; end < cf.n; end++) {
		wl = client_fix_word(cf.v[end].text, &w);
		if ((wl == 7 && strncmp(w, "account", 7) == 0) ||
		    (wl == 8 && strncmp(w, "defaults", 8) == 0))
			break;
		if (wl == 0 || *w == '#')
			continue;
		if (indent == NULL)
			indent = client_fix_indent(cf.v[end].text);
		for (k = 0; k < nkeys; k++) {
			if (wl != strlen(keys[k]) || strncmp(w, keys[k], wl) != 0)
				continue;
			line = client_fix_indent(cf.v[end].text);
			free(cf.v[end].text);
			xasprintf(&cf.v[end].text, "%s%s %s", line, keys[k], values[k]);
			free(line);
			seen[k] = 1;
			break;	/* w pointed into the old text */
		}
	}
	/* Added in reverse so they read in the usual order under the "account" line. */
	for (k = nkeys; k > 0; k--) {
		if (seen[k - 1])
			continue;
		xasprintf(&line, "%s%s %s", indent != NULL ? indent : "", keys[k - 1],
		    values[k - 1]);
		client_fix_insert(&cf, start + 1, line, *cf.v[start].eol != '\0' ?
		    cf.v[start].eol : "\n");
		if (*cf.v[start].eol == '\0') {
			free(cf.v[start].eol);
			cf.v[start].eol = xstrdup("\n");
			free(cf.v[start + 1].eol);
			cf.v[start + 1].eol = xstrdup("");
		}
		free(line);
	}
	client_fix_join(&cf, out, outlen);
	client_fix_clear(&cf);
	free(indent);
	for (k = 0; k < nkeys; k++)
		free(values[k]);
	return (0);
}

/*
 * mutt and neomutt: the "set smtp_url" line is replaced (keeping the user part, and any
 * password in it, when the user name stays), and so are the lines that set ssl_starttls
 * and ssl_force_tls; those missing are added after the smtp_url line. A line holding
 * several commands (";") is not edited: the caller is told to change it by hand.
 */
int
client_fix_mutt(const char *buf, size_t len, const struct client_fix *fix, char **out,
    size_t *outlen, char **cause)
{
	static const char *const vars[] = { "ssl_starttls", "ssl_force_tls" };
	struct client_fix_file	 cf;
	const char		*w, *v, *scheme, *p, *at, *slashes, *comment;
	char			*indent, *userinfo = NULL, *old = NULL, *line;
	size_t			 i, k, wl, vl, url = 0;
	int			 found = 0, seen[2] = { 0, 0 }, yes[2];

	yes[0] = strcmp(fix->security, "starttls") == 0;
	yes[1] = strcmp(fix->security, "none") != 0;
	scheme = strcmp(fix->security, "tls") == 0 ? "smtps" : "smtp";
	client_fix_split(&cf, buf, len);
	for (i = 0; i < cf.n; i++) {
		wl = client_fix_word(cf.v[i].text, &w);
		if (wl == 0 || *w == '#')
			continue;
		if (!((wl == 3 && strncmp(w, "set", 3) == 0) ||
		    (wl == 5 && strncmp(w, "unset", 5) == 0) ||
		    (wl == 5 && strncmp(w, "reset", 5) == 0) ||
		    (wl == 6 && strncmp(w, "toggle", 6) == 0)))
			continue;
		vl = client_fix_word(w + wl, &v);
		/* "nossl_starttls" and "invssl_starttls" set the same variable. */
		if (vl > 6 && strncmp(v, "nossl_", 6) == 0) {
			v += 2;
			vl -= 2;
		} else if (vl > 7 && strncmp(v, "invssl_", 7) == 0) {
			v += 3;
			vl -= 3;
		}
		for (k = 0; k < 2; k++) {
			if (vl != strlen(vars[k]) || strncmp(v, vars[k], vl) != 0)
				continue;
			if (client_fix_has_semicolon(cf.v[i].text))
				goto several;
			indent = client_fix_indent(cf.v[i].text);
			xasprintf(&line, "%sset %s = %s%s%s", indent, vars[k],
			    yes[k] ? "yes" : "no", *client_fix_comment(cf.v[i].text) != '\0' ?
			    " " : "", client_fix_comment(cf.v[i].text));
			free(cf.v[i].text);
			cf.v[i].text = line;
			free(indent);
			seen[k] = 1;
			break;
		}
		/* A line just replaced is done: v pointed into its old text. */
		if (k < 2)
			continue;
		if (vl != 8 || strncmp(v, "smtp_url", 8) != 0 || wl != 3)
			continue;
		if (client_fix_has_semicolon(cf.v[i].text))
			goto several;
		/* The old URL's user part: "scheme://USERINFO@host...". */
		free(old);
		old = NULL;
		if ((slashes = strstr(v, "://")) != NULL) {
			p = slashes + 3;
			at = NULL;
			for (; *p != '\0' && *p != '/' && *p != '"' && *p != '\'' &&
			    *p != ' ' && *p != '\t'; p++) {
				if (*p == '@')
					at = p;
			}
			if (at != NULL)
				old = xstrndup(slashes + 3, (size_t)(at - (slashes + 3)));
		}
		free(userinfo);
		if (fix->user != NULL) {
			userinfo = client_fix_userinfo(fix->user);
			/* A password written in the URL stays where the user put it. */
			if (old != NULL && (p = strchr(old, ':')) != NULL) {
				xasprintf(&line, "%s%s", userinfo, p);
				free(userinfo);
				userinfo = line;
			}
		} else
			userinfo = old != NULL ? xstrdup(old) : NULL;
		indent = client_fix_indent(cf.v[i].text);
		/* A comment at the end of the line stays, after the new value. */
		comment = client_fix_comment(cf.v[i].text);
		if (userinfo != NULL)
			xasprintf(&line, "%sset smtp_url = \"%s://%s@%s:%s/\"%s%s", indent,
			    scheme, userinfo, fix->host, fix->port, *comment != '\0' ? " " : "",
			    comment);
		else
			xasprintf(&line, "%sset smtp_url = \"%s://%s:%s/\"%s%s", indent,
			    scheme, fix->host, fix->port, *comment != '\0' ? " " : "",
			    comment);
		free(cf.v[i].text);
		cf.v[i].text = line;
		free(indent);
		found = 1;
		url = i;
	}
	free(old);
	free(userinfo);
	if (!found) {
		xasprintf(cause, "there is no \"set smtp_url\" line to change");
		client_fix_clear(&cf);
		return (-1);
	}
	for (k = 2; k > 0; k--) {
		if (seen[k - 1])
			continue;
		xasprintf(&line, "set %s = %s", vars[k - 1], yes[k - 1] ? "yes" : "no");
		if (*cf.v[url].eol == '\0') {
			free(cf.v[url].eol);
			cf.v[url].eol = xstrdup("\n");
			client_fix_insert(&cf, url + 1, line, "");
		} else
			client_fix_insert(&cf, url + 1, line, cf.v[url].eol);
		free(line);
	}
	client_fix_join(&cf, out, outlen);
	client_fix_clear(&cf);
	return (0);

several:
	xasprintf(cause, "line %zu holds several commands; change it by hand", i + 1);
	free(old);
	free(userinfo);
	client_fix_clear(&cf);
	return (-1);
}

static int
client_fix_read(int fd, char **buf, size_t *len)
{
	char	*b;
	size_t	 n = 0;
	ssize_t	 r;

	b = xmalloc(CLIENT_MAX_FILE + 1);
	while (n < CLIENT_MAX_FILE + 1) {
		r = read(fd, b + n, CLIENT_MAX_FILE + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(b);
			return (-1);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CLIENT_MAX_FILE) {
		free(b);
		errno = EFBIG;
		return (-1);
	}
	*buf = b;
	*len = n;
	return (0);
}

static int
client_fix_write_all(int fd, const char *buf, size_t len)
{
	ssize_t	 r;

	while (len > 0) {
		if ((r = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += r;
		len -= (size_t)r;
	}
	return (fsync(fd));
}

/*
 * Writes the settings in fix into path, an msmtp file (account names the section) or a
 * mutt/neomutt file. First the file as it was goes to PATH.sendfix-bak, made with O_EXCL
 * so an earlier backup is never overwritten (that is an error, naming it); then the new
 * text is written to a temporary file in the same directory with the file's mode (and
 * owner, when we may), and renamed over path, so the file is never half-written. A
 * symbolic link is refused rather than replaced by a file. Returns 0 with *backup (the
 * backup's name), or -1 with *cause.
 */
int
client_fix_file(const char *path, const char *program, const char *account,
    const struct client_fix *fix, char **backup, char **cause)
{
	struct stat	 sb;
	char		*buf = NULL, *out = NULL, *bak = NULL, *tmp = NULL, *why = NULL;
	char		*safe;
	size_t		 len, outlen;
	int		 fd = -1, bfd = -1, tfd = -1, r = -1;

	*backup = NULL;
	safe = sanitize_str(path);
	if (lstat(path, &sb) != 0) {
		xasprintf(cause, "%s: %s", safe, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "%s is not a plain file (a symbolic link, say); change it by "
		    "hand", safe);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    client_fix_read(fd, &buf, &len) != 0) {
		xasprintf(cause, "cannot read %s: %s", safe, strerror(errno));
		goto out;
	}
	if (strcmp(program, "msmtp") == 0)
		r = client_fix_msmtp(buf, len, account, fix, &out, &outlen, &why);
	else if (strcmp(program, "mutt") == 0 || strcmp(program, "neomutt") == 0)
		r = client_fix_mutt(buf, len, fix, &out, &outlen, &why);
	else
		xasprintf(&why, "sendfix changes only msmtp and mutt files");
	if (r != 0) {
		xasprintf(cause, "%s: %s", safe, why);
		r = -1;
		goto out;
	}
	r = -1;

	xasprintf(&bak, "%s.sendfix-bak", path);
	bfd = open(bak, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (bfd == -1) {
		free(safe);
		safe = sanitize_str(bak);
		if (errno == EEXIST)
			xasprintf(cause, "%s exists already (from an earlier run): move it "
			    "away first, so no older copy is lost", safe);
		else
			xasprintf(cause, "cannot make the backup %s: %s", safe,
			    strerror(errno));
		goto out;
	}
	if (client_fix_write_all(bfd, buf, len) != 0 || close(bfd) != 0) {
		bfd = -1;
		xasprintf(cause, "cannot write the backup of %s: %s", safe, strerror(errno));
		unlink(bak);
		goto out;
	}
	bfd = -1;

	xasprintf(&tmp, "%s.sendfix-XXXXXX", path);
	if ((tfd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "cannot write next to %s: %s", safe, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* The owner may fail to change when we are not root: the mode still holds. */
	(void)fchown(tfd, sb.st_uid, sb.st_gid);
	if (fchmod(tfd, sb.st_mode & 07777) != 0 ||
	    client_fix_write_all(tfd, out, outlen) != 0 || close(tfd) != 0) {
		tfd = -1;
		xasprintf(cause, "cannot write next to %s: %s", safe, strerror(errno));
		unlink(tmp);
		goto out;
	}
	tfd = -1;
	if (rename(tmp, path) != 0) {
		xasprintf(cause, "cannot replace %s: %s", safe, strerror(errno));
		unlink(tmp);
		goto out;
	}
	*backup = bak;
	bak = NULL;
	r = 0;
out:
	if (fd != -1)
		close(fd);
	if (bfd != -1)
		close(bfd);
	if (tfd != -1)
		close(tfd);
	free(buf);
	free(out);
	free(bak);
	free(tmp);
	free(why);
	free(safe);
	return (r);
}
