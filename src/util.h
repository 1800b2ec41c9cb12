/* util.h: allocation wrappers that exit on out-of-memory, monotonic time, fatal errors. */
#ifndef SENDFIX_UTIL_H
#define SENDFIX_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#define PRINTFLIKE(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))

/* Each x* function either succeeds or prints "sendfix: out of memory" and exits 2. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xstrdup_or_null(const char *);	/* NULL stays NULL */
int	 xasprintf(char **, const char *, ...) PRINTFLIKE(2, 3);
int	 xvasprintf(char **, const char *, va_list) PRINTFLIKE(2, 0);

/* Bugs and impossible states only: prints "sendfix: internal error: ..." and aborts. */
void	 fatalx(const char *, ...) PRINTFLIKE(1, 2) NORETURN;

/* Milliseconds on CLOCK_MONOTONIC: for deadlines and elapsed times, never wall time. */
long long mono_ms(void);

/*
 * A condition variable whose timed waits run on CLOCK_MONOTONIC, and a wait of at most ms
 * on one (the lock held): a wall clock set back while a thread waits must not stretch the
 * wait, nor one set forward cut it short. The wait may end early; callers look again.
 */
void	 cond_init_monotonic(pthread_cond_t *);
void	 cond_wait_ms(pthread_cond_t *, pthread_mutex_t *, int ms);

/* Wipe and free a string that held a secret; NULL is fine. */
void	 secret_free(char *);

/* A growable array of owned strings. */
struct strlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
};
void	 strlist_add(struct strlist *, const char *);	/* copies */
void	 strlist_addf(struct strlist *, const char *, ...) PRINTFLIKE(2, 3);
void	 strlist_take(struct strlist *, char *);	/* takes ownership */
void	 strlist_free(struct strlist *);		/* frees items, resets to empty */
/* Replaces dst's items (freed first) with copies of src's, in order. */
void	 strlist_copy(struct strlist *dst, const struct strlist *src);
/* 1 when both hold the same strings in the same order. */
int	 strlist_equal(const struct strlist *, const struct strlist *);

#endif
