/* providers-db.c: the provider knowledge base: loader, domain and MX matcher, settings check. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "providers.h"
#include "util.h"

/* Enough to fix a file in a few rounds without flooding the screen. */
#define PROVIDERS_MAX_ERRORS	50
/* Values are echoed in messages; a 1 MiB value must not give 1 MiB messages. */
#define PROVIDERS_MAX_ECHO	80
/* RFC 1035 2.3.4: at most 127 labels in a 255-byte name. */
#define PROVIDERS_MAX_LABELS	128

enum providers_key {
	PK_PROVIDER,
	PK_NAME,
	PK_DOMAIN,
	PK_MX,
	PK_SUBMISSION,
	PK_ALTERNATIVE,
	PK_LOGIN,
	PK_QUIRKS,
	PK_HELP,
	PK_DKIM,
	PK_SPF,
	PK_NOTE,
	PK_COUNT
};

struct providers_keyinfo {
	const char	*name;
	int		 single;	/* at most once in a stanza */
	int		 multiline;	/* may continue on the next lines */
};

static const struct providers_keyinfo providers_keys[] = {
	[PK_PROVIDER] =		{ "Provider", 1, 0 },
	[PK_NAME] =		{ "Name", 1, 0 },
	[PK_DOMAIN] =		{ "Domain", 0, 1 },
	[PK_MX] =		{ "MX", 0, 1 },
	[PK_SUBMISSION] =	{ "Submission", 1, 0 },
	[PK_ALTERNATIVE] =	{ "Alternative", 1, 0 },
	[PK_LOGIN] =		{ "Login", 1, 0 },
	[PK_QUIRKS] =		{ "Quirks", 1, 0 },
	[PK_HELP] =		{ "Help", 1, 0 },
	[PK_DKIM] =		{ "DKIM", 0, 1 },
	[PK_SPF] =		{ "SPF", 1, 0 },
	[PK_NOTE] =		{ "Note", 1, 1 },
};
_Static_assert(sizeof providers_keys / sizeof providers_keys[0] == PK_COUNT,
    "providers_keys must name every key");

static const char *const providers_security_names[] = {
	[PROVIDERS_SEC_NONE] = "none",
	[PROVIDERS_SEC_STARTTLS] = "starttls",
	[PROVIDERS_SEC_TLS] = "tls",
};
_Static_assert(sizeof providers_security_names / sizeof providers_security_names[0] ==
    PROVIDERS_SEC_COUNT, "providers_security_names must name every security");

static const char *const providers_security_labels[] = {
	[PROVIDERS_SEC_NONE] = "None",
	[PROVIDERS_SEC_STARTTLS] = "STARTTLS",
	[PROVIDERS_SEC_TLS] = "SSL/TLS",
};
_Static_assert(sizeof providers_security_labels / sizeof providers_security_labels[0] ==
    PROVIDERS_SEC_COUNT, "providers_security_labels must name every security");

static const char *const providers_login_names[] = {
	[PROVIDERS_LOGIN_FULL_ADDRESS] = "full-address",
	[PROVIDERS_LOGIN_LOCAL_PART] = "local-part",
	[PROVIDERS_LOGIN_AS_GIVEN] = "as-given",
};
_Static_assert(sizeof providers_login_names / sizeof providers_login_names[0] ==
    PROVIDERS_LOGIN_COUNT, "providers_login_names must name every login form");

/* Index i is the word for the flag 1 << i. */
static const char *const providers_quirk_names[] = {
	"app-password-required",
	"oauth-only",
	"basic-auth-disabled",
	"bridge-required",
	"enable-in-settings",
};
_Static_assert(sizeof providers_quirk_names / sizeof providers_quirk_names[0] ==
    PROVIDERS_NQUIRKS, "providers_quirk_names must name every quirk");

struct providers_error {
	int	 line;
	size_t	 seq;		/* keeps problems on one line in the order found */
	char	*msg;
};

/* The loader's state: the file, the problems found, the stanza being read. */
struct providers_loader {
	const char		*file;
	struct providers	*p;
	struct providers_error	*errs;
	size_t			 nerrs;
	size_t			 dropped;
	struct providers_entry	*cur;		/* NULL between stanzas */
	int			 cur_bad;	/* the stanza lacks its Provider line */
	int			 seen[PK_COUNT];	/* line each key was first seen on */
	int			 last_key;	/* for continuation lines; -1: a refused line */
};

/* A host name or pattern split into labels. */
struct providers_labels {
	const char	*s[PROVIDERS_MAX_LABELS];
	size_t		 len[PROVIDERS_MAX_LABELS];
	size_t		 n;
};

static int	 providers_fold(int);
static int	 providers_is_ldh(int);
static char	*providers_echo(const char *);
static void	 providers_error(struct providers_loader *, int, const char *, ...)
		     PRINTFLIKE(3, 4);
static int	 providers_error_cmp(const void *, const void *);
static int	 providers_valid_utf8(const unsigned char *, size_t);
static char	*providers_trim(char *);
static char	*providers_next_word(char **);
static int	 providers_check_pattern(const char *, const char **);
static int	 providers_check_host(const char *, int, const char **);
static int	 providers_parse_server(struct providers_loader *, int, char *,
		     struct providers_server *);
static void	 providers_add_patterns(struct providers_loader *, int, enum providers_key,
		     char *);
static void	 providers_add_dkim(struct providers_loader *, int, char *);
static void	 providers_key_line(struct providers_loader *, int, char *);
static void	 providers_cont_line(struct providers_loader *, int, char *);
static void	 providers_end_stanza(struct providers_loader *, int);
static void	 providers_entry_free(struct providers_entry *);
static void	 providers_split(const char *, size_t, struct providers_labels *);
static int	 providers_label_glob(const char *, size_t, const char *, size_t);
static int	 providers_labels_match(const struct providers_labels *, size_t,
		     const struct providers_labels *, size_t);
static size_t	 providers_specificity(const char *);
static char	*providers_domain_of(const char *);
static char	*providers_expand(const char *, const char *);
static void	 providers_fill(const struct providers_entry *, enum providers_how,
		     const char *, const char *, const char *, struct providers_match *);
static int	 providers_best(const struct providers *, int, const char *,
		     const struct providers_entry **, const char **);
static int	 providers_host_eq(const char *, const char *);
static int	 providers_score(const struct providers_server *,
		     const struct providers_settings *);
static void	 providers_add_diff(struct providers_diffs *, enum providers_diff_kind, int,
		     const char *, const char *, char *);
static void	 providers_load_builtin(void);

static pthread_once_t		 providers_once = PTHREAD_ONCE_INIT;
static struct providers		*providers_table;

/* ASCII only, never the locale: in Turkish, tolower('I') is not 'i'. */
static int
providers_fold(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A' + 'a');
	return (c);
}

/* Letters, digits and hyphen (RFC 1035 2.3.1), plus '_' as SRV and DKIM names use it. */
static int
providers_is_ldh(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
}

/* A value as messages quote it: cut short, control characters and quotes replaced. */
static char *
providers_echo(const char *s)
{
	char	*out;
	size_t	 i, n = strlen(s);

	if (n > PROVIDERS_MAX_ECHO)
		n = PROVIDERS_MAX_ECHO;
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
providers_error(struct providers_loader *ld, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ld->nerrs == PROVIDERS_MAX_ERRORS) {
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
providers_error_cmp(const void *a, const void *b)
{
	const struct providers_error	*x = a, *y = b;

	if (x->line != y->line)
		return (x->line < y->line ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* 1 if s holds valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF). */
static int
providers_valid_utf8(const unsigned char *s, size_t len)
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
providers_trim(char *s)
{
	size_t	 n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return (s);
}

/* The next word of *sp (split at spaces and tabs), or NULL at the end. */
static char *
providers_next_word(char **sp)
{
	char	*s = *sp, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*sp = s;
		return (NULL);
	}
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*sp = s;
	return (w);
}

/*
 * A pattern, already folded: labels of letters, digits, '-', '_' and '*', no empty label,
 * no "**", at least two labels and one without '*'. Returns 0 or -1 with *why.
 */
static int
providers_check_pattern(const char *pat, const char **why)
{
	const char	*s;
	size_t		 labels = 1, len = 0;
	int		 star = 0, literal = 0, label_literal = 1;

	for (s = pat; ; s++) {
		if (*s == '.' || *s == '\0') {
			if (len == 0) {
				*why = "has an empty label";
				return (-1);
			}
			if (label_literal)
				literal = 1;
			if (*s == '\0')
				break;
			labels++;
			len = 0;
			star = 0;
			label_literal = 1;
			continue;
		}
		if ((unsigned char)*s >= 0x80) {
			*why = "is not ASCII: write internationalised names as A-labels (xn--...)";
			return (-1);
		}
		if (*s == '*') {
			if (star) {
				*why = "has two '*' in a row";
				return (-1);
			}
			star = 1;
			label_literal = 0;
		} else if (!providers_is_ldh(*s)) {
			*why = "may hold only letters, digits, '-', '_', '.' and '*'";
			return (-1);
		} else
			star = 0;
		len++;
	}
	if (labels < 2) {
		*why = "needs two labels at least";
		return (-1);
	}
	if (!literal) {
		*why = "needs one label without '*'";
		return (-1);
	}
	return (0);
}

/*
 * A host as a Submission or Alternative line gives it, folded: a host name (labels of
 * letters, digits and '-') where ${domain} may stand for labels, or an IPv4 address.
 * underscore allows '_' too, as SPF include names ("_spf.google.com") use it.
 */
static int
providers_check_host(const char *host, int underscore, const char **why)
{
	const char	*s;
	size_t		 vlen = strlen(PROVIDERS_DOMAIN_VAR), len = 0;

	for (s = host; ; s++) {
		if (*s == '$') {
			if (strncmp(s, PROVIDERS_DOMAIN_VAR, vlen) != 0) {
				*why = "uses a variable other than ${domain}";
				return (-1);
			}
			s += vlen - 1;
			len++;
			continue;
		}
		if (*s == '.' || *s == '\0') {
			if (len == 0) {
				*why = "has an empty label";
				return (-1);
			}
			if (*s == '\0')
				break;
			len = 0;
			continue;
		}
		if (!providers_is_ldh(*s) || (*s == '_' && !underscore)) {
			*why = "may hold only letters, digits, '-', '.' and ${domain}";
			return (-1);
		}
		len++;
	}
	return (0);
}

/* "HOST PORT SECURITY" into *srv; reports its own problems. */
static int
providers_parse_server(struct providers_loader *ld, int line, char *v,
    struct providers_server *srv)
{
	char		*host, *port, *sec, *end, *e;
	const char	*why;
	long		 n;
	int		 s;
	size_t		 i;

	host = providers_next_word(&v);
	port = providers_next_word(&v);
	sec = providers_next_word(&v);
	if (host == NULL || port == NULL || sec == NULL || providers_next_word(&v) != NULL) {
		providers_error(ld, line, "a server is written HOST PORT SECURITY");
		return (-1);
	}
	for (i = 0; host[i] != '\0'; i++)
		host[i] = (char)providers_fold((unsigned char)host[i]);
	if (providers_check_host(host, 0, &why) != 0) {
		e = providers_echo(host);
		providers_error(ld, line, "host \"%s\" %s", e, why);
		free(e);
		return (-1);
	}
	n = strtol(port, &end, 10);
	if (*port < '0' || *port > '9' || *end != '\0' || n < 1 || n > 65535) {
		e = providers_echo(port);
		providers_error(ld, line, "bad port \"%s\" (1-65535)", e);
		free(e);
		return (-1);
	}
	if ((s = providers_security_parse(sec)) < 0) {
		e = providers_echo(sec);
		providers_error(ld, line, "unknown security \"%s\" (none, starttls or tls)", e);
		free(e);
		return (-1);
	}
	srv->host = xstrdup(host);
	srv->port = (int)n;
	srv->security = (enum providers_security)s;
	return (0);
}

/* Domain and MX words: folded, checked, unique across the file. */
static void
providers_add_patterns(struct providers_loader *ld, int line, enum providers_key key,
    char *v)
{
	struct providers_entry	*o;
	struct strlist		*list, *olist;
	const char		*why;
	char			*w, *e;
	size_t			 i, j, k;

	list = key == PK_DOMAIN ? &ld->cur->domains : &ld->cur->mx;
	while ((w = providers_next_word(&v)) != NULL) {
		for (i = 0; w[i] != '\0'; i++)
			w[i] = (char)providers_fold((unsigned char)w[i]);
		if (strlen(w) > 253)
			w[253] = '\0';
		if (providers_check_pattern(w, &why) != 0) {
			e = providers_echo(w);
			providers_error(ld, line, "pattern \"%s\" %s", e, why);
			free(e);
			continue;
		}
		for (j = 0; j <= ld->p->n; j++) {
			o = j < ld->p->n ? &ld->p->v[j] : ld->cur;
			olist = key == PK_DOMAIN ? &o->domains : &o->mx;
			for (k = 0; k < olist->n; k++) {
				if (strcmp(olist->v[k], w) != 0)
					continue;
				e = providers_echo(w);
				if (o == ld->cur)
					providers_error(ld, line, "pattern \"%s\" is repeated", e);
				else
					providers_error(ld, line, "pattern \"%s\" is already used by "
					    "provider \"%s\" (line %d)", e, o->id, o->line);
				free(e);
				break;
			}
			if (k < olist->n)
				break;
		}
		if (j > ld->p->n)
			strlist_add(list, w);
	}
}

static void
providers_add_dkim(struct providers_loader *ld, int line, char *v)
{
	char	*w, *e;
	size_t	 i;
	int	 ok;

	while ((w = providers_next_word(&v)) != NULL) {
		ok = 1;
		for (i = 0; w[i] != '\0'; i++) {
			if (!providers_is_ldh(w[i]) && w[i] != '.' &&
			    !(w[i] >= 'A' && w[i] <= 'Z'))
				ok = 0;
		}
		if (!ok) {
			e = providers_echo(w);
			providers_error(ld, line, "bad DKIM selector \"%s\"", e);
			free(e);
			continue;
		}
		strlist_add(&ld->cur->dkim, w);
	}
}

/* One "Key: value" line. */
static void
providers_key_line(struct providers_loader *ld, int line, char *s)
{
	struct providers_entry	*cur;
	char			*colon, *v, *w, *e;
	const char		*why;
	size_t			 i, k;
	int			 key, q;

	ld->last_key = -1;
	if ((colon = strchr(s, ':')) == NULL) {
		e = providers_echo(s);
		providers_error(ld, line, "not a \"Key: value\" line: \"%s\"", e);
		free(e);
		return;
	}
	*colon = '\0';
	v = providers_trim(colon + 1);
	for (key = 0; key < PK_COUNT; key++) {
		if (strcmp(s, providers_keys[key].name) == 0)
			break;
	}
	if (key == PK_COUNT) {
		e = providers_echo(s);
		providers_error(ld, line, "unknown key \"%s\"", e);
		free(e);
		return;
	}
	if (ld->cur == NULL) {
		/* A new stanza: it must open with its Provider line. */
		ld->p->v = xreallocarray(ld->p->v, ld->p->n + 1, sizeof *ld->p->v);
		ld->cur = &ld->p->v[ld->p->n];
		memset(ld->cur, 0, sizeof *ld->cur);
		ld->cur->line = line;
		ld->cur->login = PROVIDERS_LOGIN_FULL_ADDRESS;
		memset(ld->seen, 0, sizeof ld->seen);
		ld->cur_bad = 0;
		if (key != PK_PROVIDER) {
			providers_error(ld, line, "a stanza must start with a Provider line");
			ld->cur_bad = 1;
		}
	}
	cur = ld->cur;
	if (providers_keys[key].single && ld->seen[key] != 0) {
		providers_error(ld, line, "%s is given twice (first at line %d)",
		    providers_keys[key].name, ld->seen[key]);
		return;
	}
	if (ld->seen[key] == 0)
		ld->seen[key] = line;
	ld->last_key = key;
	if (*v == '\0' && key != PK_DOMAIN && key != PK_MX && key != PK_DKIM &&
	    key != PK_NOTE) {
		providers_error(ld, line, "%s is empty", providers_keys[key].name);
		return;
	}
	switch (key) {
	case PK_PROVIDER:
		for (i = 0; v[i] != '\0'; i++) {
			if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
			    v[i] == '-'))
				break;
		}
		if (v[i] != '\0') {
			e = providers_echo(v);
			providers_error(ld, line, "provider ID \"%s\" may hold only lower-case "
			    "letters, digits and '-'", e);
			free(e);
			cur->id = xstrdup("?");
			return;
		}
		for (k = 0; k < ld->p->n; k++) {
			if (strcmp(ld->p->v[k].id, v) == 0) {
				providers_error(ld, line, "provider \"%s\" is already defined "
				    "at line %d", v, ld->p->v[k].line);
				break;
			}
		}
		cur->id = xstrdup(v);
		break;
	case PK_NAME:
		cur->name = xstrdup(v);
		break;
	case PK_DOMAIN:
	case PK_MX:
		providers_add_patterns(ld, line, (enum providers_key)key, v);
		break;
	case PK_SUBMISSION:
		(void)providers_parse_server(ld, line, v, &cur->submission);
		break;
	case PK_ALTERNATIVE:
		(void)providers_parse_server(ld, line, v, &cur->alternative);
		break;
	case PK_LOGIN:
		for (i = 0; i < PROVIDERS_LOGIN_COUNT; i++) {
			if (strcmp(v, providers_login_names[i]) == 0)
				break;
		}
		if (i == PROVIDERS_LOGIN_COUNT) {
			e = providers_echo(v);
			providers_error(ld, line, "unknown login form \"%s\" (full-address, "
			    "local-part or as-given)", e);
			free(e);
			break;
		}
		cur->login = (enum providers_login)i;
		break;
	case PK_QUIRKS:
		while ((w = providers_next_word(&v)) != NULL) {
			for (q = 0; q < PROVIDERS_NQUIRKS; q++) {
				if (strcmp(w, providers_quirk_names[q]) == 0)
					break;
			}
			e = providers_echo(w);
			if (q == PROVIDERS_NQUIRKS)
				providers_error(ld, line, "unknown quirk \"%s\"", e);
			else if (cur->quirks & (1U << q))
				providers_error(ld, line, "quirk \"%s\" is repeated", e);
			else {
				cur->quirks |= 1U << q;
				strlist_add(&cur->quirk_words, w);
			}
			free(e);
		}
		break;
	case PK_HELP:
		if (strncmp(v, "https://", 8) != 0 || v[8] == '\0' ||
		    strpbrk(v, " \t\"<>") != NULL) {
			e = providers_echo(v);
			providers_error(ld, line, "help address \"%s\" must be one https:// URL",
			    e);
			free(e);
			break;
		}
		cur->help = xstrdup(v);
		break;
	case PK_DKIM:
		providers_add_dkim(ld, line, v);
		break;
	case PK_SPF:
		why = NULL;
		if (strncmp(v, "include:", 8) != 0)
			why = "must be written include:NAME";
		else {
			for (i = 8; v[i] != '\0'; i++)
				v[i] = (char)providers_fold((unsigned char)v[i]);
			if (providers_check_host(v + 8, 1, &why) == 0 &&
			    strchr(v + 8, '$') != NULL)
				why = "may not use ${domain}";
		}
		if (why != NULL) {
			e = providers_echo(v);
			providers_error(ld, line, "SPF \"%s\" %s", e, why);
			free(e);
			break;
		}
		cur->spf = xstrdup(v);
		break;
	case PK_NOTE:
		cur->note = xstrdup(v);
		break;
	}
}

/* A line starting with a space or a tab: more of the last key's value. */
static void
providers_cont_line(struct providers_loader *ld, int line, char *s)
{
	char	*v = providers_trim(s), *joined;

	if (ld->cur == NULL) {
		providers_error(ld, line, "a continuation line with nothing to continue");
		return;
	}
	if (ld->last_key < 0)
		return;		/* the line it continues was refused and reported */
	if (!providers_keys[ld->last_key].multiline) {
		providers_error(ld, line, "%s does not continue on the next line",
		    providers_keys[ld->last_key].name);
		return;
	}
	switch (ld->last_key) {
	case PK_DOMAIN:
	case PK_MX:
		providers_add_patterns(ld, line, (enum providers_key)ld->last_key, v);
		break;
	case PK_DKIM:
		providers_add_dkim(ld, line, v);
		break;
	case PK_NOTE:
		if (ld->cur->note == NULL || *ld->cur->note == '\0') {
			free(ld->cur->note);
			ld->cur->note = xstrdup(v);
		} else {
			xasprintf(&joined, "%s %s", ld->cur->note, v);
			free(ld->cur->note);
			ld->cur->note = joined;
		}
		break;
	}
}

/* The stanza is complete (a blank line or the end of the file): check what it must have. */
static void
providers_end_stanza(struct providers_loader *ld, int line)
{
	struct providers_entry	*cur = ld->cur;
	const char		*id;

	(void)line;
	if (cur == NULL)
		return;
	ld->cur = NULL;
	ld->last_key = -1;
	if (ld->cur_bad) {
		providers_entry_free(cur);
		return;
	}
	if (cur->id == NULL)
		cur->id = xstrdup("?");
	id = cur->id;
	if (cur->name == NULL && ld->seen[PK_NAME] == 0)
		providers_error(ld, cur->line, "provider \"%s\" has no Name", id);
	if (cur->submission.host == NULL && ld->seen[PK_SUBMISSION] == 0)
		providers_error(ld, cur->line, "provider \"%s\" has no Submission", id);
	if (ld->seen[PK_LOGIN] == 0)
		providers_error(ld, cur->line, "provider \"%s\" has no Login", id);
	if (cur->help == NULL && ld->seen[PK_HELP] == 0)
		providers_error(ld, cur->line, "provider \"%s\" has no Help", id);
	if (cur->submission.host != NULL && cur->alternative.host != NULL &&
	    strcmp(cur->submission.host, cur->alternative.host) == 0 &&
	    cur->submission.port == cur->alternative.port)
		providers_error(ld, ld->seen[PK_ALTERNATIVE], "the Alternative repeats the "
		    "Submission's host and port");
	ld->p->n++;
}

static void
providers_entry_free(struct providers_entry *e)
{
	free(e->id);
	free(e->name);
	strlist_free(&e->domains);
	strlist_free(&e->mx);
	free(e->submission.host);
	free(e->alternative.host);
	strlist_free(&e->quirk_words);
	free(e->help);
	strlist_free(&e->dkim);
	free(e->spf);
	free(e->note);
	memset(e, 0, sizeof *e);
}

int
providers_parse_buffer(const char *file, const char *buf, size_t len, struct providers **out,
    char **errors)
{
	struct providers_loader	 ld;
	char			*copy, *line, *next, *msg, *all;
	size_t			 i, n;
	int			 lineno = 0;

	*out = NULL;
	*errors = NULL;
	memset(&ld, 0, sizeof ld);
	ld.file = file;
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
			providers_error(&ld, lineno, "a NUL byte");
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!providers_valid_utf8((const unsigned char *)line, n)) {
			providers_error(&ld, lineno, "not UTF-8 text");
			continue;
		}
		for (i = 0; i < n; i++) {
			if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f)
				break;
		}
		if (i < n) {
			providers_error(&ld, lineno, "a control character");
			continue;
		}
		if (*line == '#')
			continue;
		if (*providers_trim(line) == '\0') {
			providers_end_stanza(&ld, lineno);
			continue;
		}
		if (*line == ' ' || *line == '\t')
			providers_cont_line(&ld, lineno, line);
		else
			providers_key_line(&ld, lineno, line);
	}
	providers_end_stanza(&ld, lineno);
	free(copy);
	if (ld.nerrs == 0 && ld.p->n == 0)
		providers_error(&ld, 0, "no providers in the file");

	if (ld.nerrs == 0) {
		*out = ld.p;
		return (0);
	}
	qsort(ld.errs, ld.nerrs, sizeof *ld.errs, providers_error_cmp);
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
	providers_free(ld.p);
	return (-1);
}

void
providers_free(struct providers *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		providers_entry_free(&p->v[i]);
	free(p->v);
	free(p->file);
	free(p);
}

static void
providers_load_builtin(void)
{
	const struct embedded_file	*e;
	char				*errors = NULL;

	if ((e = embedded_find(PROVIDERS_BUILTIN_NAME)) == NULL)
		fatalx("the built-in provider knowledge base is missing");
	if (providers_parse_buffer(PROVIDERS_BUILTIN_NAME, (const char *)e->data, e->len,
	    &providers_table, &errors) != 0)
		fatalx("the built-in provider knowledge base is broken: %s", errors);
}

const struct providers *
providers_builtin(void)
{
	if (pthread_once(&providers_once, providers_load_builtin) != 0)
		fatalx("pthread_once failed for the provider knowledge base");
	return (providers_table);
}

const char *
providers_security_name(enum providers_security s)
{
	if ((unsigned int)s >= PROVIDERS_SEC_COUNT)
		fatalx("providers_security_name: bad security %d", (int)s);
	return (providers_security_names[s]);
}

int
providers_security_parse(const char *s)
{
	int	 i;

	for (i = 0; i < PROVIDERS_SEC_COUNT; i++) {
		if (strcmp(s, providers_security_names[i]) == 0)
			return (i);
	}
	return (-1);
}

const char *
providers_security_label(enum providers_security s)
{
	if ((unsigned int)s >= PROVIDERS_SEC_COUNT)
		fatalx("providers_security_label: bad security %d", (int)s);
	return (providers_security_labels[s]);
}

const char *
providers_login_name(enum providers_login l)
{
	if ((unsigned int)l >= PROVIDERS_LOGIN_COUNT)
		fatalx("providers_login_name: bad login form %d", (int)l);
	return (providers_login_names[l]);
}

const char *
providers_quirk_name(unsigned int flag)
{
	int	 i;

	for (i = 0; i < PROVIDERS_NQUIRKS; i++) {
		if (flag == 1U << i)
			return (providers_quirk_names[i]);
	}
	return (NULL);
}

/* Splits at dots; too many labels keep the last ones joined in the final label. */
static void
providers_split(const char *s, size_t len, struct providers_labels *l)
{
	size_t	 start = 0, i;

	l->n = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && (s[i] != '.' || l->n == PROVIDERS_MAX_LABELS - 1))
			continue;
		l->s[l->n] = s + start;
		l->len[l->n] = i - start;
		l->n++;
		start = i + 1;
	}
}

/* '*' inside one label: any run of characters of that label. */
static int
providers_label_glob(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t	 pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star_p = pi++;
			star_s = si;
		} else if (pi < plen && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star_p != (size_t)-1) {
			pi = star_p + 1;
			si = ++star_s;
		} else
			return (0);
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return (pi == plen);
}

/* A label "*" at the start: one or more labels; at the end: one or two; elsewhere: one. */
static int
providers_labels_match(const struct providers_labels *p, size_t pi,
    const struct providers_labels *n, size_t ni)
{
	size_t	 k, max;

	if (pi == p->n)
		return (ni == n->n);
	if (p->len[pi] == 1 && p->s[pi][0] == '*') {
		if (pi == 0)
			max = n->n;
		else if (pi == p->n - 1)
			max = 2;
		else
			max = 1;
		for (k = 1; k <= max && ni + k <= n->n; k++) {
			if (providers_labels_match(p, pi + 1, n, ni + k))
				return (1);
		}
		return (0);
	}
	if (ni == n->n || n->len[ni] == 0)
		return (0);
	if (!providers_label_glob(p->s[pi], p->len[pi], n->s[ni], n->len[ni]))
		return (0);
	return (providers_labels_match(p, pi + 1, n, ni + 1));
}

int
providers_glob(const char *pattern, const char *name)
{
	struct providers_labels	 pl, nl;
	char			*folded;
	size_t			 i, len;
	int			 ok;

	if (pattern == NULL || name == NULL)
		return (0);
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 255)
		return (0);
	folded = xstrndup(name, len);
	for (i = 0; i < len; i++)
		folded[i] = (char)providers_fold((unsigned char)folded[i]);
	providers_split(pattern, strlen(pattern), &pl);
	providers_split(folded, len, &nl);
	ok = providers_labels_match(&pl, 0, &nl, 0);
	free(folded);
	return (ok);
}

static size_t
providers_specificity(const char *pattern)
{
	size_t	 n = 0;

	for (; *pattern != '\0'; pattern++) {
		if (*pattern != '*')
			n++;
	}
	return (n);
}

/* The domain of an address (after the last '@') or a bare domain: folded, no final dot. */
static char *
providers_domain_of(const char *address)
{
	const char	*at;
	char		*d;
	size_t		 i, len;

	if (address == NULL)
		return (xstrdup(""));
	if ((at = strrchr(address, '@')) != NULL)
		address = at + 1;
	while (*address == ' ' || *address == '\t')
		address++;
	len = strlen(address);
	while (len > 0 && (address[len - 1] == ' ' || address[len - 1] == '\t' ||
	    address[len - 1] == '>'))
		len--;
	if (len > 0 && address[len - 1] == '.')
		len--;
	d = xstrndup(address, len);
	for (i = 0; i < len; i++)
		d[i] = (char)providers_fold((unsigned char)d[i]);
	return (d);
}

/* s with each ${domain} replaced by domain; with no domain, s as written. */
static char *
providers_expand(const char *s, const char *domain)
{
	const char	*hit;
	char		*out, *tmp;
	size_t		 vlen = strlen(PROVIDERS_DOMAIN_VAR);

	if (s == NULL)
		return (NULL);
	if (domain == NULL || *domain == '\0')
		return (xstrdup(s));
	out = xstrdup("");
	while ((hit = strstr(s, PROVIDERS_DOMAIN_VAR)) != NULL) {
		xasprintf(&tmp, "%s%.*s%s", out, (int)(hit - s), s, domain);
		free(out);
		out = tmp;
		s = hit + vlen;
	}
	xasprintf(&tmp, "%s%s", out, s);
	free(out);
	return (tmp);
}

static void
providers_fill(const struct providers_entry *e, enum providers_how how, const char *pattern,
    const char *matched, const char *domain, struct providers_match *m)
{
	memset(m, 0, sizeof *m);
	m->entry = e;
	m->how = how;
	m->pattern = pattern;
	m->matched = xstrdup(matched);
	m->domain = xstrdup(domain);
	m->submission = e->submission;
	m->submission.host = providers_expand(e->submission.host, domain);
	m->alternative = e->alternative;
	m->alternative.host = providers_expand(e->alternative.host, domain);
	m->note = providers_expand(e->note, domain);
}

/* The entry whose Domain (mx 0) or MX (mx 1) pattern fits name best; 1 or 0. */
static int
providers_best(const struct providers *p, int mx, const char *name,
    const struct providers_entry **best, const char **pattern)
{
	const struct strlist	*list;
	size_t			 i, k, score, best_score = 0;

	*best = NULL;
	*pattern = NULL;
	for (i = 0; i < p->n; i++) {
		list = mx ? &p->v[i].mx : &p->v[i].domains;
		for (k = 0; k < list->n; k++) {
			if (!providers_glob(list->v[k], name))
				continue;
			score = providers_specificity(list->v[k]);
			if (*best == NULL || score > best_score) {
				*best = &p->v[i];
				*pattern = list->v[k];
				best_score = score;
			}
		}
	}
	return (*best != NULL);
}

int
providers_match_domain(const struct providers *p, const char *address,
    struct providers_match *m)
{
	const struct providers_entry	*e;
	const char			*pattern;
	char				*domain;
	int				 found;

	if (p == NULL)
		p = providers_builtin();
	memset(m, 0, sizeof *m);
	domain = providers_domain_of(address);
	found = *domain != '\0' && providers_best(p, 0, domain, &e, &pattern);
	if (found)
		providers_fill(e, PROVIDERS_BY_DOMAIN, pattern, domain, domain, m);
	free(domain);
	return (found);
}

int
providers_match_mx(const struct providers *p, const char *address, const char *const *mx,
    size_t nmx, struct providers_match *m)
{
	const struct providers_entry	*e;
	const char			*pattern;
	char				*domain, *name;
	size_t				 i;
	int				 found = 0;

	if (p == NULL)
		p = providers_builtin();
	memset(m, 0, sizeof *m);
	if (mx == NULL)
		return (0);
	domain = providers_domain_of(address);
	for (i = 0; i < nmx && !found; i++) {
		if (mx[i] == NULL)
			continue;
		name = providers_domain_of(mx[i]);
		if (*name != '\0' && providers_best(p, 1, name, &e, &pattern)) {
			providers_fill(e, PROVIDERS_BY_MX, pattern, name, domain, m);
			found = 1;
		}
		free(name);
	}
	free(domain);
	return (found);
}

int
providers_match(const struct providers *p, const char *address, const char *const *mx,
    size_t nmx, struct providers_match *m)
{
	if (providers_match_domain(p, address, m))
		return (1);
	return (providers_match_mx(p, address, mx, nmx, m));
}

int
providers_find_id(const struct providers *p, const char *id, const char *address,
    struct providers_match *m)
{
	char	*domain;
	size_t	 i;

	if (p == NULL)
		p = providers_builtin();
	memset(m, 0, sizeof *m);
	if (id == NULL)
		return (0);
	for (i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].id, id) != 0)
			continue;
		domain = providers_domain_of(address);
		providers_fill(&p->v[i], PROVIDERS_BY_ID, NULL, id, domain, m);
		free(domain);
		return (1);
	}
	return (0);
}

void
providers_match_clear(struct providers_match *m)
{
	if (m == NULL)
		return;
	free(m->matched);
	free(m->domain);
	free(m->submission.host);
	free(m->alternative.host);
	free(m->note);
	memset(m, 0, sizeof *m);
}

/* Host names compare in ASCII case folding, a final dot ignored. */
static int
providers_host_eq(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i;

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return (0);
	for (i = 0; i < la; i++) {
		if (providers_fold((unsigned char)a[i]) != providers_fold((unsigned char)b[i]))
			return (0);
	}
	return (1);
}

/* How close the settings are to a server: the port counts most, as it fixes the mode. */
static int
providers_score(const struct providers_server *srv, const struct providers_settings *s)
{
	int	 score = 0;

	if (srv->host == NULL)
		return (-1);
	if (s->host != NULL && providers_host_eq(s->host, srv->host))
		score += 1;
	if (s->port != 0 && s->port == srv->port)
		score += 2;
	if (s->security >= 0 && s->security == (int)srv->security)
		score += 1;
	return (score);
}

static void
providers_add_diff(struct providers_diffs *out, enum providers_diff_kind kind, int sure,
    const char *have, const char *want, char *text)
{
	struct providers_diff	*d;

	out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
	d = &out->v[out->n++];
	d->kind = kind;
	d->sure = sure;
	d->have = xstrdup(have);
	d->want = xstrdup(want);
	d->text = text;
}

size_t
providers_compare(const struct providers_match *m, const struct providers_settings *s,
    struct providers_diffs *out)
{
	const struct providers_entry	*e = m->entry;
	const struct providers_server	*t;
	const char			*at, *name;
	char				*text, *want, num[2][16];
	int				 templ;

	memset(out, 0, sizeof *out);
	if (e == NULL || s == NULL)
		return (0);
	t = &m->submission;
	if (providers_score(&m->alternative, s) > providers_score(&m->submission, s))
		t = &m->alternative;
	out->target = t;
	name = e->name != NULL ? e->name : e->id;

	if (s->host != NULL && !providers_host_eq(s->host, t->host)) {
		templ = strstr(t == &m->submission ? e->submission.host : e->alternative.host,
		    PROVIDERS_DOMAIN_VAR) != NULL;
		if (*s->host == '\0')
			xasprintf(&text, "Enter %s as the outgoing (SMTP) server.", t->host);
		else if (templ)
			xasprintf(&text, "%s's usual outgoing (SMTP) server is %s, not %s; "
			    "keep %s only if it is your server's own host name, as the host "
			    "shows it.", name, t->host, s->host, s->host);
		else
			xasprintf(&text, "Set the outgoing (SMTP) server to %s, not %s.",
			    t->host, s->host);
		providers_add_diff(out, PROVIDERS_DIFF_HOST, !templ, s->host, t->host, text);
	}
	if (s->port != 0 && s->port != t->port) {
		snprintf(num[0], sizeof num[0], "%d", s->port);
		snprintf(num[1], sizeof num[1], "%d", t->port);
		xasprintf(&text, "Use port %d, not %d.", t->port, s->port);
		providers_add_diff(out, PROVIDERS_DIFF_PORT, 1, num[0], num[1], text);
	}
	if (s->security >= 0 && s->security < PROVIDERS_SEC_COUNT &&
	    s->security != (int)t->security) {
		xasprintf(&text, "Set the connection security (encryption) to %s%s, not %s.",
		    providers_security_label(t->security),
		    t->security == PROVIDERS_SEC_TLS ? " (encrypted from the start)" :
		    t->security == PROVIDERS_SEC_STARTTLS ? " (encryption switched on after "
		    "connecting)" : "",
		    providers_security_label((enum providers_security)s->security));
		providers_add_diff(out, PROVIDERS_DIFF_SECURITY, 1,
		    providers_security_label((enum providers_security)s->security),
		    providers_security_label(t->security), text);
	}
	if (s->user == NULL)
		return (out->n);
	switch (e->login) {
	case PROVIDERS_LOGIN_FULL_ADDRESS:
		if (strchr(s->user, '@') != NULL)
			break;
		if (*s->user == '\0') {
			if (s->address == NULL || strchr(s->address, '@') == NULL)
				break;
			xasprintf(&text, "The server needs a user name: enter your whole email "
			    "address, %s.", s->address);
			providers_add_diff(out, PROVIDERS_DIFF_USER, 1, "", s->address, text);
			break;
		}
		if (s->address != NULL && (at = strrchr(s->address, '@')) != NULL &&
		    (size_t)(at - s->address) == strlen(s->user) &&
		    strncmp(s->address, s->user, strlen(s->user)) == 0)
			want = xstrdup(s->address);
		else if (*m->domain != '\0')
			xasprintf(&want, "%s@%s", s->user, m->domain);
		else
			break;
		xasprintf(&text, "Enter your whole email address, %s, as the user name, not "
		    "just %s.", want, s->user);
		providers_add_diff(out, PROVIDERS_DIFF_USER, 1, s->user, want, text);
		free(want);
		break;
	case PROVIDERS_LOGIN_LOCAL_PART:
		if ((at = strrchr(s->user, '@')) == NULL || at == s->user)
			break;
		want = xstrndup(s->user, (size_t)(at - s->user));
		xasprintf(&text, "Enter only the part before the @, %s, as the user name, not "
		    "%s.", want, s->user);
		providers_add_diff(out, PROVIDERS_DIFF_USER, 1, s->user, want, text);
		free(want);
		break;
	case PROVIDERS_LOGIN_AS_GIVEN:
	case PROVIDERS_LOGIN_COUNT:
		break;
	}
	return (out->n);
}

void
providers_diffs_free(struct providers_diffs *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].have);
		free(d->v[i].want);
		free(d->v[i].text);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
