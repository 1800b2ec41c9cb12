/* report.c: report formats, the secret scrubber, and saving a report file safely. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

/* Secrets shorter than this are not searched for: they would match ordinary words. */
#define REPORT_SCRUB_MIN	4
/* Encoded forms shorter than this are not searched for, for the same reason. */
#define REPORT_SCRUB_MINENC	6
#define REPORT_HIDDEN		"(hidden)"

static void	 report_base64(const unsigned char *, size_t, char *);
static void	 report_needles(const char *, struct strlist *);
static char	*report_replace(char *, const char *);
static int	 report_render(enum report_format, const struct walk *,
		     const struct report_meta *, char **, size_t *, char **);
static int	 report_emit(FILE *, const char *, size_t, const char *, char **);
static char	*report_temp_name(const char *);
static int	 report_write_fd(int, const char *, size_t);
static void	 report_sync_dir(const char *);

int
report_format_parse(const char *s, enum report_format *fmt)
{
	if (s == NULL)
		return (-1);
	if (strcasecmp(s, "text") == 0) {
		*fmt = REPORT_TEXT;
		return (0);
	}
	if (strcasecmp(s, "json") == 0) {
		*fmt = REPORT_JSON;
		return (0);
	}
	return (-1);
}

/* Standard base64 (RFC 4648 section 4) with padding; out needs 4 * ((len + 2) / 3) + 1. */
static void
report_base64(const unsigned char *in, size_t len, char *out)
{
	static const char	 alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t		 v;
	size_t			 i;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = alphabet[(v >> 18) & 0x3f];
		*out++ = alphabet[(v >> 12) & 0x3f];
		*out++ = alphabet[(v >> 6) & 0x3f];
		*out++ = alphabet[v & 0x3f];
	}
	if (i < len) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		*out++ = alphabet[(v >> 18) & 0x3f];
		*out++ = alphabet[(v >> 12) & 0x3f];
		*out++ = i + 1 < len ? alphabet[(v >> 6) & 0x3f] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/*
 * The forms a secret could take in a transcript or a careless message: the text itself, its
 * hex, and its base64 at each of the three alignments it can have inside a longer blob (an
 * AUTH PLAIN "\0user\0password" puts it at any offset). For an alignment only the base64
 * characters made purely of the secret's own bits are kept, so they match wherever it sits.
 */
static void
report_needles(const char *secret, struct strlist *out)
{
	unsigned char	*buf;
	char		*enc, *hex;
	size_t		 len, a, from, to, i;

	len = strlen(secret);
	if (len < REPORT_SCRUB_MIN)
		return;
	strlist_add(out, secret);

	buf = xmalloc(len + 2);
	enc = xmalloc(4 * ((len + 4) / 3) + 1);
	for (a = 0; a < 3; a++) {
		memset(buf, 0, a);
		memcpy(buf + a, secret, len);
		report_base64(buf, len + a, enc);
		from = (8 * a + 5) / 6;
		to = (8 * (a + len)) / 6;
		if (to > from && to - from >= REPORT_SCRUB_MINENC)
			strlist_take(out, xstrndup(enc + from, to - from));
	}
	explicit_bzero(buf, len + 2);
	explicit_bzero(enc, 4 * ((len + 4) / 3) + 1);
	free(buf);
	free(enc);

	hex = xmalloc(2 * len + 1);
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)secret[i]);
	strlist_add(out, hex);
	for (i = 0; i < 2 * len; i++) {
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	}
	strlist_add(out, hex);
	explicit_bzero(hex, 2 * len);
	free(hex);
}

/* Replaces every needle in s (which is freed) and returns the new string. */
static char *
report_replace(char *s, const char *needle)
{
	char	*out, *p, *hit;
	size_t	 nlen, n = 0, hlen;

	nlen = strlen(needle);
	for (p = s; (hit = strstr(p, needle)) != NULL; p = hit + nlen)
		n++;
	if (n == 0)
		return (s);
	hlen = strlen(REPORT_HIDDEN);
	out = xmalloc(strlen(s) + n * hlen + 1);
	*out = '\0';
	for (p = s; (hit = strstr(p, needle)) != NULL; p = hit + nlen) {
		strncat(out, p, (size_t)(hit - p));
		strcat(out, REPORT_HIDDEN);
	}
	strcat(out, p);
	secret_free(s);
	return (out);
}

char *
report_scrub(const char *s, const struct answers *answers)
{
	struct strlist	 needles = { NULL, 0, 0 };
	char		*out;
	size_t		 i;

	out = xstrdup(s != NULL ? s : "");
	if (answers == NULL)
		return (out);
	for (i = 0; i < answers->n; i++) {
		if (!answers->v[i].secret || answers->v[i].value == NULL)
			continue;
		if (strcmp(answers->v[i].value, "dontknow") == 0)
			continue;
		report_needles(answers->v[i].value, &needles);
	}
	for (i = 0; i < needles.n; i++) {
		out = report_replace(out, needles.v[i]);
		explicit_bzero(needles.v[i], strlen(needles.v[i]));
	}
	strlist_free(&needles);
	return (out);
}

/*
 * Renders the whole report into memory first, so a write error never leaves half a report
 * and report_save can check every write itself. The text report is scrubbed as a whole;
 * the JSON writer scrubs each string, since a hit outside a string would break the syntax.
 */
static int
report_render(enum report_format fmt, const struct walk *w, const struct report_meta *meta,
    char **buf, size_t *len, char **cause)
{
	FILE	*f;
	char	*scrubbed;

	*buf = NULL;
	*len = 0;
	if ((f = open_memstream(buf, len)) == NULL) {
		xasprintf(cause, "cannot prepare the report: %s", strerror(errno));
		return (-1);
	}
	switch (fmt) {
	case REPORT_TEXT:
		report_text_render(f, w, meta);
		break;
	case REPORT_JSON:
		report_json_render(f, w, meta);
		break;
	default:
		fatalx("%s: unknown report format %d", __func__, (int)fmt);
	}
	if (fclose(f) != 0) {
		free(*buf);
		xasprintf(cause, "cannot prepare the report: %s", strerror(errno));
		return (-1);
	}
	if (fmt == REPORT_TEXT) {
		scrubbed = report_scrub(*buf, w->answers);
		free(*buf);
		*buf = scrubbed;
		*len = strlen(scrubbed);
	}
	return (0);
}

/* Writes a rendered report to f; where (or NULL) names the destination in the message. */
static int
report_emit(FILE *f, const char *buf, size_t len, const char *where, char **cause)
{
	int	 error;

	errno = 0;
	if (fwrite(buf, 1, len, f) != len || fflush(f) != 0 || ferror(f)) {
		error = errno != 0 ? errno : EIO;
		if (where != NULL)
			xasprintf(cause, "cannot write the report to %s: %s", where,
			    strerror(error));
		else
			xasprintf(cause, "cannot write the report: %s", strerror(error));
		return (-1);
	}
	return (0);
}

int
report_write_text(FILE *f, const struct walk *w, const struct report_meta *meta, char **cause)
{
	return (report_write(f, REPORT_TEXT, w, meta, cause));
}

int
report_write_json(FILE *f, const struct walk *w, const struct report_meta *meta, char **cause)
{
	return (report_write(f, REPORT_JSON, w, meta, cause));
}

int
report_write(FILE *f, enum report_format fmt, const struct walk *w,
    const struct report_meta *meta, char **cause)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	if (report_render(fmt, w, meta, &buf, &len, cause) != 0)
		return (-1);
	rc = report_emit(f, buf, len, f == stdout ? "standard output" : NULL, cause);
	free(buf);
	return (rc);
}

/* "PATH.XXXXXX" with six random letters and digits, in the same directory as path. */
static char *
report_temp_name(const char *path)
{
	static const char	 chars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char		 rnd[6];
	char			 suffix[7];
	char			*tmp;
	size_t			 i;

	if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
		/* Only the name's uniqueness depends on this; O_EXCL keeps it safe. */
		for (i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)((mono_ms() >> (i * 3)) ^ (getpid() >> i) ^ rand());
	}
	for (i = 0; i < sizeof rnd; i++)
		suffix[i] = chars[rnd[i] % (sizeof chars - 1)];
	suffix[sizeof rnd] = '\0';
	xasprintf(&tmp, "%s.%s", path, suffix);
	return (tmp);
}

static int
report_write_fd(int fd, const char *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Makes the rename itself survive a crash; a failure here does not lose the report. */
static void
report_sync_dir(const char *path)
{
	char		*dir, *slash;
	int		 fd;

	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int
report_save(const char *path, enum report_format fmt, const struct walk *w,
    const struct report_meta *meta, char **cause)
{
	struct stat	 sb;
	char		*buf = NULL, *tmp = NULL;
	size_t		 len;
	int		 fd = -1, tries, saved;

	if (strcmp(path, "-") == 0)
		return (report_write(stdout, fmt, w, meta, cause));
	if (*path == '\0') {
		xasprintf(cause, "no file name was given for the report");
		return (-1);
	}

	/*
	 * Refuse a symlink at path: someone else could have pointed it at a file of ours. The
	 * check and the rename are not atomic together, but rename replaces a symlink put
	 * there in between rather than following it, so nothing outside path is ever written.
	 */
	if (lstat(path, &sb) == 0) {
		if (S_ISLNK(sb.st_mode)) {
			xasprintf(cause, "will not write the report to %s: it is a symbolic link "
			    "(remove it or choose another file name)", path);
			return (-1);
		}
		if (S_ISDIR(sb.st_mode)) {
			xasprintf(cause, "cannot write the report to %s: it is a folder "
			    "(give a file name, such as %s/sendfix-report.txt)", path, path);
			return (-1);
		}
		if (!S_ISREG(sb.st_mode)) {
			xasprintf(cause, "cannot write the report to %s: it is not a regular file",
			    path);
			return (-1);
		}
	} else if (errno != ENOENT) {
		xasprintf(cause, "cannot write the report to %s: %s", path, strerror(errno));
		return (-1);
	}

	if (report_render(fmt, w, meta, &buf, &len, cause) != 0)
		return (-1);

	for (tries = 0; tries < 100; tries++) {
		tmp = report_temp_name(path);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			break;
		free(tmp);
		tmp = NULL;
	}
	if (fd == -1) {
		/* Nothing was created, so there is nothing to remove. */
		saved = errno;
		free(tmp);
		free(buf);
		xasprintf(cause, "cannot write the report to %s: %s", path, strerror(saved));
		return (-1);
	}

	/* The umask may have taken bits away, never added any; make 0600 explicit anyway. */
	if (fchmod(fd, 0600) != 0 || report_write_fd(fd, buf, len) != 0 || fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	report_sync_dir(path);
	free(tmp);
	free(buf);
	return (0);

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(buf);
	xasprintf(cause, "cannot write the report to %s: %s", path, strerror(saved));
	return (-1);
}
