/* tree.c: the tree model's look-ups, name tables and the checks on a typed answer. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "tree.h"
#include "util.h"

/* What a message shows of a value before cutting it: enough to recognise a typo. */
#define TREE_QUOTE_MAX	60

static void	 tree_free_node(struct tree_node *);
static int	 tree_bad_codepoint(unsigned int);
static int	 tree_text_ok(const char *, int);
static int	 tree_email_ok(const char *);
static int	 tree_host_ok(const char *);
static int	 tree_port_ok(const char *);
static char	*tree_shown(const struct tree_node *, const char *);

static const char *const tree_kind_names[] = {
	"question", "probe", "conclusion", "info"
};
_Static_assert(sizeof tree_kind_names / sizeof tree_kind_names[0] == TREE_KIND_COUNT,
    "one name per tree_kind");

static const char *const tree_qtype_names[] = {
	"choice", "yesno", "text", "secret"
};
_Static_assert(sizeof tree_qtype_names / sizeof tree_qtype_names[0] == TREE_QTYPE_COUNT,
    "one name per tree_qtype");

static const char *const tree_format_names[] = {
	"text", "email", "host", "port", "file"
};
_Static_assert(sizeof tree_format_names / sizeof tree_format_names[0] == TREE_FORMAT_COUNT,
    "one name per tree_format");

static const char *const tree_verdict_names[] = {
	"fault", "healthy", "inconclusive"
};
_Static_assert(sizeof tree_verdict_names / sizeof tree_verdict_names[0] ==
    TREE_VERDICT_INCONCLUSIVE + 1, "one name per tree_verdict");

const char *
tree_kind_name(enum tree_kind kind)
{
	if ((unsigned)kind >= TREE_KIND_COUNT)
		return ("unknown");
	return (tree_kind_names[kind]);
}

const char *
tree_qtype_name(enum tree_qtype qtype)
{
	if ((unsigned)qtype >= TREE_QTYPE_COUNT)
		return ("unknown");
	return (tree_qtype_names[qtype]);
}

const char *
tree_format_name(enum tree_format format)
{
	if ((unsigned)format >= TREE_FORMAT_COUNT)
		return ("unknown");
	return (tree_format_names[format]);
}

const char *
tree_verdict_name(enum tree_verdict verdict)
{
	if ((unsigned)verdict > TREE_VERDICT_INCONCLUSIVE)
		return ("unknown");
	return (tree_verdict_names[verdict]);
}

static void
tree_free_node(struct tree_node *n)
{
	size_t	 i;

	free(n->id);
	free(n->title);
	free(n->text);
	free(n->help);
	free(n->key);
	for (i = 0; i < n->nchoices; i++) {
		free(n->choices[i].value);
		free(n->choices[i].label);
	}
	free(n->choices);
	free(n->probe);
	for (i = 0; i < n->nargs; i++) {
		free(n->args[i].name);
		free(n->args[i].value);
	}
	free(n->args);
	for (i = 0; i < n->nalongside; i++)
		free(n->alongside[i]);
	free(n->alongside);
	free(n->alongside_node);
	for (i = 0; i < n->ncauses; i++)
		free(n->causes[i]);
	free(n->causes);
	for (i = 0; i < n->nevidence; i++)
		free(n->evidence[i]);
	free(n->evidence);
	for (i = 0; i < n->nfix; i++)
		free(n->fix[i]);
	free(n->fix);
	for (i = 0; i < n->nbranches; i++) {
		free(n->branches[i].label);
		free(n->branches[i].target);
	}
	free(n->branches);
	free(n);
}

void
tree_free(struct tree *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nnodes; i++)
		tree_free_node(t->nodes[i]);
	free(t->nodes);
	free(t->file);
	free(t->name);
	free(t->start);
	free(t);
}

struct tree_node *
tree_find(const struct tree *t, const char *id)
{
	size_t	 i;

	for (i = 0; i < t->nnodes; i++) {
		if (strcmp(t->nodes[i]->id, id) == 0)
			return (t->nodes[i]);
	}
	return (NULL);
}

const struct tree_branch *
tree_branch_find(const struct tree_node *n, const char *label)
{
	size_t	 i;

	for (i = 0; i < n->nbranches; i++) {
		if (strcmp(n->branches[i].label, label) == 0)
			return (&n->branches[i]);
	}
	return (NULL);
}

const struct tree_node *
tree_find_key(const struct tree *t, const char *key)
{
	size_t	 i;

	for (i = 0; i < t->nnodes; i++) {
		if (t->nodes[i]->kind == TREE_QUESTION && t->nodes[i]->key != NULL &&
		    strcmp(t->nodes[i]->key, key) == 0)
			return (t->nodes[i]);
	}
	return (NULL);
}

size_t
tree_utf8_next(const char *s, size_t len, unsigned int *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned int		 c, min;
	size_t			 n, i;

	if (len == 0)
		return (0);
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return (0);
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* Overlong forms and UTF-16 surrogates are invalid UTF-8 (RFC 3629 3). */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/*
 * Characters no answer or tree text may hold: C0 and C1 controls and DEL, and the invisible
 * Unicode formatting characters (bidi overrides, zero-width) that can make text read
 * differently from what it is (Trojan Source, CVE-2021-42574).
 */
static int
tree_bad_codepoint(unsigned int cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return (1);
	if (cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) ||
	    cp == 0xfeff)
		return (1);
	return (0);
}

char *
tree_quote(const char *s)
{
	struct strlist	 parts = { NULL, 0, 0 };
	char		*out, *p;
	size_t		 len, n, shown, total, i;
	unsigned int	 cp;

	len = strlen(s);
	shown = 0;
	while (len > 0 && shown < TREE_QUOTE_MAX) {
		n = tree_utf8_next(s, len, &cp);
		if (n == 0) {
			strlist_addf(&parts, "\\x%02x", (unsigned char)*s);
			n = 1;
		} else if (cp == '"' || cp == '\\')
			strlist_addf(&parts, "\\%c", (char)cp);
		else if (cp < 0x80 && tree_bad_codepoint(cp))
			strlist_addf(&parts, "\\x%02x", cp);
		else if (tree_bad_codepoint(cp))
			strlist_addf(&parts, "\\u{%04X}", cp);
		else
			strlist_take(&parts, xstrndup(s, n));
		s += n;
		len -= n;
		shown += n;
	}
	if (len > 0)
		strlist_add(&parts, "...");

	total = 3;
	for (i = 0; i < parts.n; i++)
		total += strlen(parts.v[i]);
	out = p = xmalloc(total);
	*p++ = '"';
	for (i = 0; i < parts.n; i++) {
		n = strlen(parts.v[i]);
		memcpy(p, parts.v[i], n);
		p += n;
	}
	*p++ = '"';
	*p = '\0';
	strlist_free(&parts);
	return (out);
}

/* Valid UTF-8 on one line with no control or invisible formatting characters. */
static int
tree_text_ok(const char *s, int allow_space)
{
	size_t		 len, n;
	unsigned int	 cp;

	len = strlen(s);
	while (len > 0) {
		if ((n = tree_utf8_next(s, len, &cp)) == 0)
			return (0);
		if (tree_bad_codepoint(cp) || (!allow_space && cp == ' '))
			return (0);
		s += n;
		len -= n;
	}
	return (1);
}

static int
tree_email_ok(const char *s)
{
	const char	*at;
	size_t		 len;

	len = strlen(s);
	/* RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets. */
	if (len == 0 || len > 254 || !tree_text_ok(s, 0))
		return (0);
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return (0);
	return (at != s && at[1] != '\0');
}

/*
 * A DNS name (RFC 1035 2.3.4: labels of 1-63, names of at most 253 characters without the
 * final dot), an IPv4 or IPv6 literal, or an internationalised name typed in UTF-8: that one
 * is taken as it is and converted when it is looked up, so its labels are counted in
 * characters rather than in A-label bytes.
 */
static int
tree_host_ok(const char *s)
{
	unsigned char	 addr[sizeof (struct in6_addr)];
	size_t		 len, n, label, total;
	unsigned int	 cp;

	if (inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1)
		return (1);
	len = strlen(s);
	if (len == 0 || (len == 1 && *s == '.'))
		return (0);
	label = total = 0;
	while (len > 0) {
		if ((n = tree_utf8_next(s, len, &cp)) == 0)
			return (0);
		if (cp == '.') {
			if (label == 0)
				return (0);
			label = 0;
		} else if (cp < 0x80) {
			if (!((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
			    (cp >= '0' && cp <= '9') || cp == '-' || cp == '_'))
				return (0);
			label++;
		} else {
			if (tree_bad_codepoint(cp) || cp == 0xa0 || cp == 0x3000 ||
			    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029)
				return (0);
			label++;
		}
		if (label > 63)
			return (0);
		s += n;
		len -= n;
		total++;
	}
	if (label == 0)
		total--;	/* the optional final dot */
	return (total <= 253);
}

static int
tree_port_ok(const char *s)
{
	long	 v = 0;
	size_t	 i;

	/* No sign, no spaces, no leading zero (some parsers would read "0587" as octal). */
	if (s[0] < '1' || s[0] > '9')
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5)
			return (0);
		v = v * 10 + (s[i] - '0');
	}
	return (v >= 1 && v <= 65535);
}

/* How a rejected answer is named in the message: never the value of a secret. */
static char *
tree_shown(const struct tree_node *n, const char *value)
{
	if (n->qtype == TREE_Q_SECRET)
		return (xstrdup("the answer"));
	return (tree_quote(value));
}

int
tree_validate_answer(const struct tree_node *n, const char *value, char **cause)
{
	const char	*key;
	char		*shown, *list;
	size_t		 i, len;

	if (value == NULL || strcmp(value, "dontknow") == 0)
		return (0);
	key = n->key != NULL ? n->key : n->id;

	switch (n->qtype) {
	case TREE_Q_CHOICE:
		for (i = 0; i < n->nchoices; i++) {
			if (strcmp(n->choices[i].value, value) == 0)
				return (0);
		}
		len = sizeof "dontknow";
		for (i = 0; i < n->nchoices; i++)
			len += strlen(n->choices[i].value) + 2;
		list = xmalloc(len);
		list[0] = '\0';
		for (i = 0; i < n->nchoices; i++) {
			strcat(list, n->choices[i].value);
			strcat(list, ", ");
		}
		strcat(list, "dontknow");
		shown = tree_quote(value);
		xasprintf(cause, "%s: %s is not one of: %s", key, shown, list);
		free(shown);
		free(list);
		return (-1);
	case TREE_Q_YESNO:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
			return (0);
		shown = tree_quote(value);
		xasprintf(cause, "%s: %s is not one of: yes, no, dontknow", key, shown);
		free(shown);
		return (-1);
	case TREE_Q_TEXT:
	case TREE_Q_SECRET:
	case TREE_QTYPE_COUNT:
		break;
	}

	switch (n->format) {
	case TREE_FMT_EMAIL:
		if (tree_email_ok(value))
			return (0);
		shown = tree_shown(n, value);
		xasprintf(cause, "%s: %s is not an email address (name@example.com: one @, "
		    "no spaces, at most 254 bytes)", key, shown);
		break;
	case TREE_FMT_HOST:
		if (tree_host_ok(value))
			return (0);
		shown = tree_shown(n, value);
		xasprintf(cause, "%s: %s is not a host name or IP address (such as "
		    "smtp.example.com or 192.0.2.1)", key, shown);
		break;
	case TREE_FMT_PORT:
		if (tree_port_ok(value))
			return (0);
		shown = tree_shown(n, value);
		xasprintf(cause, "%s: %s is not a port number (1-65535)", key, shown);
		break;
	case TREE_FMT_FILE:
		if (*value != '\0')
			return (0);
		xasprintf(cause, "%s: the file name is empty", key);
		return (-1);
	case TREE_FMT_TEXT:
	case TREE_FORMAT_COUNT:
	default:
		if (tree_text_ok(value, 1))
			return (0);
		xasprintf(cause, "%s: the answer must be one line of text without control "
		    "characters", key);
		return (-1);
	}
	free(shown);
	return (-1);
}
