/* smtp-memo.h: what this run's SMTP checks found, so one question costs one connection. */
#ifndef SENDFIX_SMTP_MEMO_H
#define SENDFIX_SMTP_MEMO_H

#include "smtp-check.h"

/* One question asked, answered or still being answered; opaque. */
struct smtp_memo_entry;

enum smtp_memo_answer {
	SMTP_MEMO_RUN = 0,	/* not known: the caller runs the check, then hands what it
				   found to smtp_memo_done */
	SMTP_MEMO_HIT,		/* res holds a copy of the answer, res->reused set */
	SMTP_MEMO_CANCELLED	/* *cfg->cancel was set while waiting for the same check on
				   another thread: res says NET_CANCELLED */
};

/*
 * Looks cfg's question up (smtp-check.h, smtp_check_run, says which fields make it and
 * which answers fit cfg->addresses). When it is answered, copies the answer into res
 * (initialised); when another thread is asking it, waits for that answer without holding
 * anything else, checking *cfg->cancel every 50 ms; when that check ends without an answer
 * to keep, looks again (and so may become the one who asks). Otherwise returns
 * SMTP_MEMO_RUN with *entry the pending entry this caller now answers, or NULL when the
 * question is not to be kept (data_to set, or every place taken by checks in flight).
 */
enum smtp_memo_answer smtp_memo_join(const struct smtp_check_config *cfg,
	     struct smtp_check_result *res, struct smtp_memo_entry **entry);
/*
 * Ends a check that smtp_memo_join let run: its answer (rc and res, which stay the
 * caller's) is kept and handed to those waiting, unless rc is -1 or the check was
 * cancelled; then the entry is dropped and those waiting look again. entry may be NULL.
 */
void	 smtp_memo_done(struct smtp_memo_entry *entry, const struct smtp_check_config *cfg,
	    int rc, const struct smtp_check_result *res);
/*
 * Forgets the answers kept for cfg's question, whichever addresses they fit: for a check
 * asked again on purpose because its answer is in doubt (smtp_check_run_pair).
 */
void	 smtp_memo_forget(const struct smtp_check_config *cfg);
/*
 * Forgets every answer kept. A check in flight still answers those waiting for it but is
 * no longer kept; its memory goes when its last user lets go. Safe while checks run.
 */
void	 smtp_memo_clear(void);
/*
 * HMAC-SHA-256 of a password under a key made once per process, in out: what this run
 * keeps to tell the same password again (here and in wizard/ahead.c) without keeping it.
 * Unlike a plain hash it leaves no copy on the stack (see smtp-memo.c). 0, or -1 (out zero).
 */
#define SMTP_MEMO_DIGEST_LEN	32
int	 smtp_memo_digest(const char *password, unsigned char *out);

#endif
