/* mail-programs-db.c: the mail program table (wizard/mail-programs): loader and fix wording. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "mail-programs.h"
#include "util.h"

/* Enough to fix a file in a few rounds without flooding the screen. */
#define MP_MAX_ERRORS	50
/* Values are echoed in messages; a long value must not give long messages. */
#define MP_MAX_ECHO	60

/* Every key of a stanza: the text fields first, in enum mail_programs_field order. */
enum mp_key {
	MPK_OPEN = MAIL_PROGRAMS_OPEN,
	MPK_SERVER = MAIL_PROGRAMS_SERVER,
	MPK_PORT = MAIL_PROGRAMS_PORT,
	MPK_SECURITY = MAIL_PROGRAMS_SECURITY,
	MPK_AUTH = MAIL_PROGRAMS_AUTH,
	MPK_PASSWORD = MAIL_PROGRAMS_PASSWORD,
	MPK_OUTBOX = MAIL_PROGRAMS_OUTBOX,
	MPK_RESET = MAIL_PROGRAMS_RESET,
	MPK_PROGRAM,
	MPK_NAME,
	MPK_WORDS,
	MPK_COUNT
};

static const char *const mp_key_names[] = {
	[MPK_OPEN] = "Open-outgoing",
	[MPK_SERVER] = "Server",
	[MPK_PORT] = "Port",
	[MPK_SECURITY] = "Security",
	[MPK_AUTH] = "Auth",
	[MPK_PASSWORD] = "Password",
	[MPK_OUTBOX] = "Outbox",
	[MPK_RESET] = "Reset",
	[MPK_PROGRAM] = "Program",
	[MPK_NAME] = "Name",
	[MPK_WORDS] = "Security-words",
};
_Static_assert(sizeof mp_key_names / sizeof mp_key_names[0] == MPK_COUNT,
    "mp_key_names must name every key");

/* The variables a text may hold. */
enum mp_var {
	MP_VAR_HOST,
	MP_VAR_PORT,
	MP_VAR_SECURITY,
	MP_NVARS
};

static const char *const mp_var_names[] = {
	[MP_VAR_HOST] = "host",
	[MP_VAR_PORT] = "port",
	[MP_VAR_SECURITY] = "security",
};
_Static_assert(sizeof mp_var_names / sizeof mp_var_names[0] == MP_NVARS,
    "mp_var_names must name every variable");

/* What an unknown value becomes when the template gives no default. */
static const char *const mp_var_generic[] = {
	[MP_VAR_HOST] = "the outgoing server name your provider gives",
	[MP_VAR_PORT] = "the port number your provider gives",
	[MP_VAR_SECURITY] = "the setting your provider names",
};
_Static_assert(sizeof mp_var_generic / sizeof mp_var_generic[0] == MP_NVARS,
    "mp_var_generic must cover every variable");

struct mp_error {
	int	 line;
	size_t	 seq;		/* keeps problems on one line in the order found */
	char	*msg;
};

/* The loader's state: the problems found and the stanza being read. */
struct mp_loader {
	struct mail_programs		*p;
	struct mp_error			*errs;
	size_t				 nerrs;
	size_t				 dropped;
	struct mail_programs_entry	*cur;		/* NULL between stanzas */
	int				 cur_bad;	/* the stanza lacks its Program line */
	int				 seen[MPK_COUNT];	/* line each key was first seen on */
	int				 last_key;	/* for continuation lines; -1: none */
	int				 last_line;	/* line of the last key, for messages */
	char				*words;		/* Security-words, checked at the end */
};

static char	*mp_echo(const char *);
static void	 mp_error(struct mp_loader *, int, const char *, ...) PRINTFLIKE(3, 4);
static int	 mp_error_cmp(const void *, const void *);
static int	 mp_valid_utf8(const unsigned char *, size_t);
static char	*mp_trim(char *);
static int	 mp_var_find(const char *, size_t);
static void	 mp_check_text(struct mp_loader *, int, const char *);
static void	 mp_parse_words(struct mp_loader *, int, const char *);
static void	 mp_key_line(struct mp_loader *, int, char *);
static void	 mp_cont_line(struct mp_loader *, int, char *);
static void	 mp_end_stanza(struct mp_loader *);
static void	 mp_entry_free(struct mail_programs_entry *);
static void	 mp_load_builtin(void);

static pthread_once_t		 mp_once = PTHREAD_ONCE_INIT;
static struct mail_programs	*mp_table;

/* A value as messages quote it: cut short, control characters and quotes replaced. */
static char *
mp_echo(const char *s)
{
	char	*out;
	size_t	 i, n = strlen(s);

	if (n > MP_MAX_ECHO)
		n = MP_MAX_ECHO;
	out = xmalloc(n + 4);
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '"')
			out[i] = '?';
		else
			out[i] = s[i];
	}
	if (n < strlen(s)) {
		memcpy(out + n, "...", 4);
		return (out);
	}
	out[n] = '\0';
	return (out);
}

static void
mp_error(struct mp_loader *ld, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ld->nerrs == MP_MAX_ERRORS) {
		ld->dropped++;
		return;
	}
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	ld->errs = xreallocarray(ld->errs, ld->nerrs + 1, sizeof *ld->errs);
	ld->errs[ld->nerrs].line = line;
	ld->errs[ld->nerrs].seq = ld->nerrs;
	ld->errs[ld->nerrs].msg = msg;
	ld->nerrs++;
}

static int
mp_error_cmp(const void *a, const void *b)
{
	const struct mp_error	*x = a, *y = b;

	if (x->line != y->line)
		return (x->line < y->line ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* 1 if s holds valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF). */
static int
mp_valid_utf8(const unsigned char *s, size_t len)
{
	size_t		 i = 0, n, k;
	unsigned int	 cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else
			return (0);
		if (len - i - 1 < n)
			return (0);
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += n + 1;
	}
	return (1);
}

static char *
mp_trim(char *s)
{
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return (s);
}

/* The variable named by s[0..len), or -1. */
static int
mp_var_find(const char *s, size_t len)
{
	int	 i;

	for (i = 0; i < MP_NVARS; i++) {
		if (strlen(mp_var_names[i]) == len && strncmp(s, mp_var_names[i], len) == 0)
			return (i);
	}
	return (-1);
}

/*
 * A text field: every "${" opens a known variable, optionally with ":-default", closed
 * by "}" on the same value; a default may not hold another reference.
 */
static void
mp_check_text(struct mp_loader *ld, int line, const char *s)
{
	const char	*p, *end, *name_end, *dflt;
	char		*e, *name;

	for (p = s; (p = strstr(p, "${")) != NULL; p = end + 1) {
		if ((end = strchr(p + 2, '}')) == NULL) {
			mp_error(ld, line, "\"${\" without a closing \"}\"");
			return;
		}
		name_end = p + 2;
		while (name_end < end && *name_end != ':')
			name_end++;
		dflt = NULL;
		if (name_end < end) {
			if (name_end[1] != '-') {
				mp_error(ld, line, "a default is written ${name:-words}");
				continue;
			}
			dflt = name_end + 2;
		}
		if (mp_var_find(p + 2, (size_t)(name_end - (p + 2))) < 0) {
			name = xstrndup(p + 2, (size_t)(name_end - (p + 2)));
			e = mp_echo(name);
			mp_error(ld, line, "unknown variable \"${%s}\" (host, port or security)",
			    e);
			free(e);
			free(name);
			continue;
		}
		if (dflt != NULL && memchr(dflt, '$', (size_t)(end - dflt)) != NULL)
			mp_error(ld, line, "a default may not hold \"$\"");
	}
}

/* "none=LABEL | starttls=LABEL | tls=LABEL", all three modes once each. */
static void
mp_parse_words(struct mp_loader *ld, int line, const char *v)
{
	struct mail_programs_entry	*cur = ld->cur;
	char				*copy, *part, *next, *eq, *mode, *label, *e;
	int				 sec, i;

	copy = xstrdup(v);
	for (part = copy; part != NULL; part = next) {
		if ((next = strchr(part, '|')) != NULL)
			*next++ = '\0';
		part = mp_trim(part);
		if ((eq = strchr(part, '=')) == NULL) {
			e = mp_echo(part);
			mp_error(ld, line, "security word \"%s\" is not written MODE=LABEL", e);
			free(e);
			continue;
		}
		*eq = '\0';
		mode = mp_trim(part);
		label = mp_trim(eq + 1);
		if ((sec = providers_security_parse(mode)) < 0) {
			e = mp_echo(mode);
			mp_error(ld, line, "unknown security mode \"%s\" (none, starttls or tls)",
			    e);
			free(e);
			continue;
		}
		if (*label == '\0') {
			mp_error(ld, line, "security mode %s has an empty label", mode);
			continue;
		}
		if (cur->words[sec] != NULL) {
			mp_error(ld, line, "security mode %s is given twice", mode);
			continue;
		}
		cur->words[sec] = xstrdup(label);
	}
	for (i = 0; i < PROVIDERS_SEC_COUNT; i++) {
		if (cur->words[i] == NULL)
			mp_error(ld, line, "Security-words has no label for %s",
			    providers_security_name((enum providers_security)i));
	}
	free(copy);
}

/* One "Key: value" line. */
static void
mp_key_line(struct mp_loader *ld, int line, char *s)
{
	struct mail_programs_entry	*cur;
	char				*colon, *v, *e;
	size_t				 i, k;
	int				 key;

	ld->last_key = -1;
	if ((colon = strchr(s, ':')) == NULL) {
		e = mp_echo(s);
		mp_error(ld, line, "not a \"Key: value\" line: \"%s\"", e);
		free(e);
		return;
	}
	*colon = '\0';
	v = mp_trim(colon + 1);
	for (key = 0; key < MPK_COUNT; key++) {
		if (strcmp(s, mp_key_names[key]) == 0)
			break;
	}
	if (key == MPK_COUNT) {
		e = mp_echo(s);
		mp_error(ld, line, "unknown key \"%s\"", e);
		free(e);
		return;
	}
	if (ld->cur == NULL) {
		/* A new stanza: it must open with its Program line. */
		ld->p->v = xreallocarray(ld->p->v, ld->p->n + 1, sizeof *ld->p->v);
		ld->cur = &ld->p->v[ld->p->n];
		memset(ld->cur, 0, sizeof *ld->cur);
		ld->cur->line = line;
		memset(ld->seen, 0, sizeof ld->seen);
		ld->cur_bad = 0;
		if (key != MPK_PROGRAM) {
			mp_error(ld, line, "a stanza must start with a Program line");
			ld->cur_bad = 1;
		}
	}
	cur = ld->cur;
	if (ld->seen[key] != 0) {
		mp_error(ld, line, "%s is given twice (first at line %d)", mp_key_names[key],
		    ld->seen[key]);
		return;
	}
	ld->seen[key] = line;
	if (*v == '\0') {
		mp_error(ld, line, "%s is empty", mp_key_names[key]);
		return;
	}
	ld->last_key = key;
	ld->last_line = line;
	switch (key) {
	case MPK_PROGRAM:
		for (i = 0; v[i] != '\0'; i++) {
			if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
			    v[i] == '-'))
				break;
		}
		if (v[i] != '\0') {
			e = mp_echo(v);
			mp_error(ld, line, "program ID \"%s\" may hold only lower-case letters, "
			    "digits and '-'", e);
			free(e);
			cur->id = xstrdup("?");
			return;
		}
		for (k = 0; k < ld->p->n; k++) {
			if (strcmp(ld->p->v[k].id, v) == 0) {
				mp_error(ld, line, "program \"%s\" is already defined at line %d",
				    v, ld->p->v[k].line);
				break;
			}
		}
		cur->id = xstrdup(v);
		break;
	case MPK_NAME:
		cur->name = xstrdup(v);
		break;
	case MPK_WORDS:
		free(ld->words);
		ld->words = xstrdup(v);
		break;
	default:
		cur->text[key] = xstrdup(v);
		break;
	}
}

/* A line starting with a space or a tab: more of the last key's value. */
static void
mp_cont_line(struct mp_loader *ld, int line, char *s)
{
	char	*v = mp_trim(s), **target, *joined;

	if (ld->cur == NULL) {
		mp_error(ld, line, "a continuation line with nothing to continue");
		return;
	}
	if (ld->last_key < 0)
		return;		/* the line it continues was refused and reported */
	if (ld->last_key == MPK_PROGRAM || ld->last_key == MPK_NAME) {
		mp_error(ld, line, "%s does not continue on the next line",
		    mp_key_names[ld->last_key]);
		return;
	}
	target = ld->last_key == MPK_WORDS ? &ld->words : &ld->cur->text[ld->last_key];
	xasprintf(&joined, "%s %s", *target, v);
	free(*target);
	*target = joined;
}

/* The stanza is complete (a blank line or the end of the file): check what it must have. */
static void
mp_end_stanza(struct mp_loader *ld)
{
	struct mail_programs_entry	*cur = ld->cur;
	int				 key;

	if (cur == NULL)
		return;
	if (ld->words != NULL) {
		mp_parse_words(ld, ld->seen[MPK_WORDS], ld->words);
		free(ld->words);
		ld->words = NULL;
	}
	ld->cur = NULL;
	ld->last_key = -1;
	for (key = 0; key < MAIL_PROGRAMS_NFIELDS; key++) {
		if (cur->text[key] != NULL)
			mp_check_text(ld, ld->seen[key], cur->text[key]);
	}
	if (ld->cur_bad) {
		mp_entry_free(cur);
		return;
	}
	if (cur->id == NULL)
		cur->id = xstrdup("?");
	for (key = 0; key < MPK_COUNT; key++) {
		if (key != MPK_PROGRAM && ld->seen[key] == 0)
			mp_error(ld, cur->line, "program \"%s\" has no %s", cur->id,
			    mp_key_names[key]);
	}
	ld->p->n++;
}

static void
mp_entry_free(struct mail_programs_entry *e)
{
	int	 i;

	free(e->id);
	free(e->name);
	for (i = 0; i < MAIL_PROGRAMS_NFIELDS; i++)
		free(e->text[i]);
	for (i = 0; i < PROVIDERS_SEC_COUNT; i++)
		free(e->words[i]);
	memset(e, 0, sizeof *e);
}

int
mail_programs_parse_buffer(const char *file, const char *buf, size_t len,
    struct mail_programs **out, char **errors)
{
	struct mp_loader	 ld;
	char			*copy, *line, *next, *msg, *all;
	size_t			 i, n;
	int			 lineno = 0;

	*out = NULL;
	*errors = NULL;
	memset(&ld, 0, sizeof ld);
	ld.p = xcalloc(1, sizeof *ld.p);
	ld.p->file = xstrdup(file);
	ld.last_key = -1;

	copy = xmalloc(len + 1);
	memcpy(copy, buf, len);
	copy[len] = '\0';
	for (line = copy; line != NULL && line < copy + len; line = next) {
		lineno++;
		n = (size_t)(copy + len - line);
		if ((next = memchr(line, '\n', n)) != NULL) {
			n = (size_t)(next - line);
			*next++ = '\0';
		}
		if (memchr(line, '\0', n) != NULL) {
			mp_error(&ld, lineno, "a NUL byte");
			ld.last_key = -1;
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!mp_valid_utf8((const unsigned char *)line, n)) {
			mp_error(&ld, lineno, "not UTF-8 text");
			ld.last_key = -1;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f)
				break;
		}
		if (i < n) {
			mp_error(&ld, lineno, "a control character");
			ld.last_key = -1;
			continue;
		}
		if (*line == '#')
			continue;
		if (*mp_trim(line) == '\0') {
			mp_end_stanza(&ld);
			continue;
		}
		if (*line == ' ' || *line == '\t')
			mp_cont_line(&ld, lineno, line);
		else
			mp_key_line(&ld, lineno, line);
	}
	mp_end_stanza(&ld);
	free(copy);
	if (ld.nerrs == 0 && ld.p->n == 0)
		mp_error(&ld, 0, "no programs in the file");

	if (ld.nerrs == 0) {
		*out = ld.p;
		return (0);
	}
	qsort(ld.errs, ld.nerrs, sizeof *ld.errs, mp_error_cmp);
	all = NULL;
	for (i = 0; i < ld.nerrs; i++) {
		if (ld.errs[i].line == 0)
			xasprintf(&msg, "%s%s%s: %s", all != NULL ? all : "",
			    all != NULL ? "\n" : "", file, ld.errs[i].msg);
		else
			xasprintf(&msg, "%s%s%s:%d: %s", all != NULL ? all : "",
			    all != NULL ? "\n" : "", file, ld.errs[i].line, ld.errs[i].msg);
		free(all);
		all = msg;
		free(ld.errs[i].msg);
	}
	if (ld.dropped > 0) {
		xasprintf(&msg, "%s\n%s: %zu more problems not shown", all, file, ld.dropped);
		free(all);
		all = msg;
	}
	free(ld.errs);
	*errors = all;
	mail_programs_free(ld.p);
	return (-1);
}

void
mail_programs_free(struct mail_programs *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		mp_entry_free(&p->v[i]);
	free(p->v);
	free(p->file);
	free(p);
}

static void
mp_load_builtin(void)
{
	const struct embedded_file	*e;
	char				*errors = NULL;

	if ((e = embedded_find(MAIL_PROGRAMS_BUILTIN_NAME)) == NULL)
		fatalx("the built-in mail program table is missing");
	if (mail_programs_parse_buffer(MAIL_PROGRAMS_BUILTIN_NAME, (const char *)e->data,
	    e->len, &mp_table, &errors) != 0)
		fatalx("the built-in mail program table is broken: %s", errors);
}

const struct mail_programs *
mail_programs_builtin(void)
{
	if (pthread_once(&mp_once, mp_load_builtin) != 0)
		fatalx("pthread_once failed for the mail program table");
	return (mp_table);
}

const struct mail_programs_entry *
mail_programs_find(const struct mail_programs *p, const char *id)
{
	size_t	 i;

	if (p == NULL)
		p = mail_programs_builtin();
	if (id == NULL)
		return (NULL);
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].id, id) == 0)
			return (&p->v[i]);
	}
	return (NULL);
}

const char *
mail_programs_field_key(enum mail_programs_field f)
{
	if ((unsigned int)f >= MAIL_PROGRAMS_NFIELDS)
		fatalx("mail_programs_field_key: bad field %d", (int)f);
	return (mp_key_names[f]);
}

char *
mail_programs_text(const struct mail_programs_entry *e, enum mail_programs_field f,
    const struct mail_programs_values *v)
{
	const char	*s, *end, *name_end, *value;
	char		*out, *port = NULL;
	size_t		 len = 0, cap, n;
	int		 var;

	if ((unsigned int)f >= MAIL_PROGRAMS_NFIELDS || e->text[f] == NULL)
		fatalx("mail_programs_text: bad field %d", (int)f);
	cap = strlen(e->text[f]) + 1;
	out = xmalloc(cap);
	for (s = e->text[f]; *s != '\0'; s = end) {
		/* The loader checked every reference, so each "${" is well formed. */
		if (s[0] != '$' || s[1] != '{' || (end = strchr(s + 2, '}')) == NULL) {
			end = s + 1;
			value = s;
			n = 1;
		} else {
			name_end = s + 2;
			while (name_end < end && *name_end != ':')
				name_end++;
			var = mp_var_find(s + 2, (size_t)(name_end - (s + 2)));
			value = NULL;
			if (var == MP_VAR_HOST && v != NULL && v->host != NULL &&
			    *v->host != '\0')
				value = v->host;
			else if (var == MP_VAR_PORT && v != NULL && v->port > 0) {
				free(port);
				xasprintf(&port, "%d", v->port);
				value = port;
			} else if (var == MP_VAR_SECURITY && v != NULL && v->security >= 0 &&
			    v->security < PROVIDERS_SEC_COUNT)
				value = e->words[v->security];
			if (value != NULL)
				n = strlen(value);
			else if (name_end < end) {
				value = name_end + 2;
				n = (size_t)(end - value);
			} else {
				value = var >= 0 ? mp_var_generic[var] : "";
				n = strlen(value);
			}
			end++;
		}
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			out = xreallocarray(out, cap, 1);
		}
		memcpy(out + len, value, n);
		len += n;
	}
	out[len] = '\0';
	free(port);
	return (out);
}
