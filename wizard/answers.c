/* answers.c: the answers store (answers and probe facts) and ${key} expansion. */
#include "config.h"

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "util.h"

/* A growable output string for answers_expand. */
struct answers_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void	 answers_clear(struct answer *);
static ssize_t	 answers_index(const struct answers *, const char *);
static void	 answers_put(struct answers_buf *, const char *, size_t);
static int	 answers_key_char(char);
static size_t	 answers_reference(const struct answers *, const char *, const char *,
		    struct answers_buf *);

struct answers *
answers_new(void)
{
	return (xcalloc(1, sizeof (struct answers)));
}

/* Frees one entry's strings; a secret is wiped first so it does not linger in the heap. */
static void
answers_clear(struct answer *a)
{
	free(a->key);
	if (a->secret)
		secret_free(a->value);
	else
		free(a->value);
	a->key = a->value = NULL;
}

void
answers_free(struct answers *as)
{
	size_t	 i;

	if (as == NULL)
		return;
	for (i = 0; i < as->n; i++)
		answers_clear(&as->v[i]);
	free(as->v);
	free(as);
}

static ssize_t
answers_index(const struct answers *as, const char *key)
{
	size_t	 i;

	for (i = 0; i < as->n; i++) {
		if (strcmp(as->v[i].key, key) == 0)
			return ((ssize_t)i);
	}
	return (-1);
}

void
answers_set(struct answers *as, const char *key, const char *value,
    enum answer_origin origin, int secret)
{
	struct answer	*a;
	ssize_t		 i;
	char		*copy;

	/* Copy first: value may point into the entry it replaces. */
	copy = xstrdup(value);
	if ((i = answers_index(as, key)) != -1) {
		a = &as->v[i];
		if (a->secret)
			secret_free(a->value);
		else
			free(a->value);
	} else {
		if (as->n == as->cap) {
			as->cap = as->cap == 0 ? 16 : as->cap * 2;
			as->v = xreallocarray(as->v, as->cap, sizeof *as->v);
		}
		a = &as->v[as->n++];
		a->key = xstrdup(key);
	}
	a->value = copy;
	a->origin = origin;
	a->secret = secret != 0;
}

void
answers_unset(struct answers *as, const char *key)
{
	ssize_t	 i;

	if ((i = answers_index(as, key)) == -1)
		return;
	answers_clear(&as->v[i]);
	/* Keep the order answers were given in: reports list them that way. */
	memmove(&as->v[i], &as->v[i + 1], (as->n - (size_t)i - 1) * sizeof *as->v);
	as->n--;
}

const struct answer *
answers_find(const struct answers *as, const char *key)
{
	ssize_t	 i;

	if ((i = answers_index(as, key)) == -1)
		return (NULL);
	return (&as->v[i]);
}

const char *
answers_get(const struct answers *as, const char *key)
{
	const struct answer	*a;

	if ((a = answers_find(as, key)) == NULL)
		return (NULL);
	return (a->value);
}

static void
answers_put(struct answers_buf *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		if (b->cap == 0)
			b->cap = 64;
		while (b->len + len + 1 > b->cap)
			b->cap *= 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

/* The characters of an answer key or probe fact name ("smtp.port", "port-check.open"). */
static int
answers_key_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.');
}

/*
 * Expands the reference starting at t ("${"), appending to b. Returns the number of bytes
 * of the template it used, or 0 when t does not start a well-formed reference (the caller
 * then copies the "$" as it is).
 */
static size_t
answers_reference(const struct answers *as, const char *t, const char *if_unset,
    struct answers_buf *b)
{
	const struct answer	*a;
	const char		*key, *end, *def = NULL;
	size_t			 klen, dlen = 0, depth = 0;
	char			*name, *sub, *expanded;

	key = t + 2;
	for (end = key; answers_key_char(*end); end++)
		/* nothing */;
	klen = (size_t)(end - key);
	if (klen == 0)
		return (0);
	if (end[0] == ':' && end[1] == '-') {
		/* The default may hold references itself: "${a:-${b:-none}}". */
		def = end + 2;
		for (end = def; *end != '\0' && (*end != '}' || depth > 0); end++) {
			if (end[0] == '$' && end[1] == '{') {
				depth++;
				end++;
			} else if (*end == '}')
				depth--;
		}
		if (*end != '}')
			return (0);
		dlen = (size_t)(end - def);
	} else if (*end != '}')
		return (0);

	name = xstrndup(key, klen);
	a = answers_find(as, name);
	free(name);
	/* As in sh(1), ":-" also covers an empty value: it says no more than no answer. */
	if (a == NULL || a->origin == ANSWER_DONTKNOW || *a->value == '\0' ||
	    strcmp(a->value, "dontknow") == 0) {
		if (def != NULL) {
			sub = xstrndup(def, dlen);
			expanded = answers_expand(as, sub, if_unset);
			answers_put(b, expanded, strlen(expanded));
			free(expanded);
			free(sub);
		} else
			answers_put(b, if_unset, strlen(if_unset));
	} else if (a->secret)
		answers_put(b, "(hidden)", 8);
	else
		answers_put(b, a->value, strlen(a->value));
	return ((size_t)(end + 1 - t));
}

char *
answers_expand(const struct answers *as, const char *template, const char *if_unset)
{
	struct answers_buf	 b = { NULL, 0, 0 };
	const char		*t, *dollar;
	size_t			 used;

	if (if_unset == NULL)
		if_unset = "";
	answers_put(&b, "", 0);
	t = template;
	while ((dollar = strchr(t, '$')) != NULL) {
		answers_put(&b, t, (size_t)(dollar - t));
		if (dollar[1] == '$') {
			answers_put(&b, "$", 1);
			t = dollar + 2;
			continue;
		}
		if (dollar[1] == '{' &&
		    (used = answers_reference(as, dollar, if_unset, &b)) != 0) {
			t = dollar + used;
			continue;
		}
		/* Not a reference (or an unterminated one): keep the text as written. */
		answers_put(&b, "$", 1);
		t = dollar + 1;
	}
	answers_put(&b, t, strlen(t));
	return (b.s);
}
