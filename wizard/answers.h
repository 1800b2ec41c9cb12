/* answers.h: the answers store (answers and probe facts) and ${key} expansion. */
#ifndef SENDFIX_ANSWERS_H
#define SENDFIX_ANSWERS_H

#include <stddef.h>

enum answer_origin {
	ANSWER_TYPED,		/* the user answered the question */
	ANSWER_GIVEN,		/* --answer on the command line (or imported) */
	ANSWER_PROBE,		/* a probe fact, key "NODE.fact" */
	ANSWER_DONTKNOW		/* the user said "I don't know"; value is "dontknow" */
};

struct answer {
	char			*key;
	char			*value;
	enum answer_origin	 origin;
	int			 secret;	/* never expanded, never reported; wiped on free */
};

struct answers {
	struct answer	*v;
	size_t		 n;
	size_t		 cap;
};

struct answers	*answers_new(void);
void		 answers_free(struct answers *);	/* wipes secrets */
/* Sets or replaces key (copies both strings; the old value is wiped if it was secret). */
void		 answers_set(struct answers *, const char *key, const char *value,
		    enum answer_origin, int secret);
void		 answers_unset(struct answers *, const char *key);
const struct answer *answers_find(const struct answers *, const char *key);
/* The value, or NULL when unset. A secret's value is returned: callers must not show it. */
const char	*answers_get(const struct answers *, const char *key);

/*
 * Expands ${key} and ${key:-default} in template. An unset key (or one answered "dontknow",
 * or empty) expands to its default, or to if_unset without one ("" for probe arguments,
 * "(unknown)" for text); a secret expands to "(hidden)". "$$" is a "$". Returns a new string.
 */
char		*answers_expand(const struct answers *, const char *template,
		    const char *if_unset);

#endif
