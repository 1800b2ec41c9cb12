/* smtp.h: SMTP reply and EHLO capability parsing, as pure functions over buffers. */
#ifndef SENDFIX_SMTP_H
#define SENDFIX_SMTP_H

#include <stddef.h>

#include "util.h"

/*
 * Limits on what one reply may cost us. RFC 5321 4.5.3.1.5 sets 512 bytes per reply line;
 * servers exceed it, so lines may be up to SMTP_LINE_MAX (line ending included). A reply
 * that goes on and on (a "250-" that never ends, hostile-cases row 19, OpenSMTPD
 * CVE-2020-8794) is cut off at SMTP_REPLY_MAX_LINES lines or SMTP_REPLY_MAX_BYTES bytes.
 */
#define SMTP_LINE_MAX		4096
#define SMTP_REPLY_MAX_LINES	1000
#define SMTP_REPLY_MAX_BYTES	(64 * 1024)

/* What taking one more line did to a reply. Everything from BAD_CODE on is a protocol error. */
enum smtp_reply_status {
	SMTP_REPLY_MORE = 0,	/* a "250-" line: the reply goes on */
	SMTP_REPLY_DONE,	/* a "250 " line (or a bare "250"): the reply is complete */
	SMTP_REPLY_BAD_CODE,	/* not three digits of RFC 5321 4.2 followed by SP, '-'
				   or the end of the line: "25", "2500", "abc", "250x",
				   " 250", "600" */
	SMTP_REPLY_MISMATCH,	/* a line's code differs from the first line's
				   (RFC 5321 4.2.1) */
	SMTP_REPLY_TOO_MANY_LINES,	/* more than SMTP_REPLY_MAX_LINES lines */
	SMTP_REPLY_TOO_BIG,	/* more than SMTP_REPLY_MAX_BYTES bytes */
	SMTP_REPLY_LINE_TOO_LONG,	/* a line longer than SMTP_LINE_MAX (smtp_reply_parse) */
	SMTP_REPLY_STATUS_COUNT
};
/* "done", "bad-code", ... */
const char	*smtp_reply_status_name(enum smtp_reply_status);
/* Plain words for a protocol error: "the server's reply does not start with a valid code". */
const char	*smtp_reply_status_words(enum smtp_reply_status);

/* Anomalies seen in a reply's lines (tolerated, recorded for the report). */
#define SMTP_REPLY_F_BARE_LF	0x1	/* a line ended in LF without CR (RFC 5321 2.3.8) */
#define SMTP_REPLY_F_BARE_CR	0x2	/* a CR inside a line (kept as text, never a line end) */
#define SMTP_REPLY_F_NUL	0x4	/* a NUL byte inside a line (shown as \0) */

/*
 * One reply, possibly of several lines. Initialise with smtp_reply_init (or zero it),
 * feed lines with smtp_reply_add_line until it says anything but SMTP_REPLY_MORE, release
 * with smtp_reply_free. Structure assignment moves a reply (the source must then be
 * re-initialised, not freed).
 */
struct smtp_reply {
	int		 code;		/* 200-559 (RFC 5321 4.2); 0 before the first line */
	char		 enhanced[16];	/* RFC 3463 "x.y.z" that opens the first line, or "" */
	struct strlist	 lines;		/* the server's text of each line, after the code and
					   separator (and the enhanced code), sanitised */
	size_t		 bytes;		/* bytes taken, line endings included */
	int		 flags;		/* SMTP_REPLY_F_* */
	int		 complete;	/* the last line was taken */
};

void	 smtp_reply_init(struct smtp_reply *);
void	 smtp_reply_free(struct smtp_reply *);	/* frees the lines and re-initialises */
/* Makes dst (initialised; what it held is freed first) a copy of src that owns its lines. */
void	 smtp_reply_copy(struct smtp_reply *dst, const struct smtp_reply *src);

/*
 * Takes one line of a reply: len bytes without their line ending (they may hold NUL
 * bytes); bare_lf says the line ended in LF alone. On SMTP_REPLY_MORE or SMTP_REPLY_DONE the
 * line was added; on an error the reply is left as it was before the line (the caller
 * drops the connection: the stream can no longer be trusted).
 */
enum smtp_reply_status smtp_reply_add_line(struct smtp_reply *, const char *line, size_t len,
	     int bare_lf);

/*
 * Parses one whole reply from the start of buf (for tests and fuzzing: the same rules as
 * the client, lines split at LF). Returns SMTP_REPLY_DONE with *used set to the bytes it
 * took, SMTP_REPLY_MORE when buf ends before the reply does, or an error status.
 */
enum smtp_reply_status smtp_reply_parse(struct smtp_reply *, const void *buf, size_t len,
	     size_t *used);

/* The server's text, lines joined by "\n" (caller frees; "" for no text). */
char	*smtp_reply_text(const struct smtp_reply *);

/* A code's class: 2 completion, 3 intermediate, 4 transient, 5 permanent (RFC 5321 4.2.1). */
#define SMTP_CODE_CLASS(code)	((code) / 100)

/* AUTH mechanisms (RFC 4954 3) as bits of struct smtp_caps' auth. */
#define SMTP_AUTH_PLAIN		0x0001	/* RFC 4616 */
#define SMTP_AUTH_LOGIN		0x0002	/* draft-murchison-sasl-login */
#define SMTP_AUTH_CRAM_MD5	0x0004	/* RFC 2195 */
#define SMTP_AUTH_SCRAM_SHA_1	0x0008	/* RFC 5802 */
#define SMTP_AUTH_SCRAM_SHA_256	0x0010	/* RFC 7677 */
#define SMTP_AUTH_XOAUTH2	0x0020	/* Google, Microsoft */
#define SMTP_AUTH_OAUTHBEARER	0x0040	/* RFC 7628 */
#define SMTP_AUTH_GSSAPI	0x0080	/* RFC 4752 */
#define SMTP_AUTH_NTLM		0x0100
#define SMTP_AUTH_OTHER		0x8000	/* any other name */
#define SMTP_AUTH_OAUTH_ANY	(SMTP_AUTH_XOAUTH2 | SMTP_AUTH_OAUTHBEARER)

/* The bit for a mechanism name (ASCII case-insensitive), SMTP_AUTH_OTHER if unknown. */
unsigned int	 smtp_auth_bit(const char *name);
/* The canonical name of one bit ("CRAM-MD5"), NULL for OTHER or several bits. */
const char	*smtp_auth_name(unsigned int bit);

/* What an EHLO reply offers (RFC 5321 4.1.1.1 and the extensions' RFCs). */
struct smtp_caps {
	int			 esmtp;		/* 1: EHLO was accepted; 0: HELO, no extensions */
	char			*domain;	/* the first line: the server's name and greeting */
	int			 starttls;	/* RFC 3207 */
	int			 pipelining;	/* RFC 2920 */
	int			 eightbitmime;	/* RFC 6152 */
	int			 smtputf8;	/* RFC 6531 */
	int			 enhancedstatuscodes;	/* RFC 2034 */
	int			 size;		/* SIZE offered (RFC 1870) */
	unsigned long long	 size_max;	/* its limit in bytes; 0 when none is stated or
						   "SIZE 0" (no fixed maximum, RFC 1870 4) */
	int			 size_bad;	/* the SIZE parameter is not a number that fits:
						   "SIZE -1", "SIZE 99999999999999999999" */
	unsigned int		 auth;		/* SMTP_AUTH_* bits */
	struct strlist		 auth_names;	/* every mechanism name offered, upper-cased,
						   no duplicates, in the server's order */
	struct strlist		 keywords;	/* every capability line (sanitised) as sent */
	int			 masked;	/* keywords made only of X's, maybe ending in 'A':
						   what Cisco ESMTP inspection leaves of extensions
						   it strips (STARTTLS becomes XXXXXXXA) */
};

void	 smtp_caps_init(struct smtp_caps *);
void	 smtp_caps_free(struct smtp_caps *);	/* frees and re-initialises */
/* Makes dst (initialised; what it held is freed first) a copy of src owning its strings. */
void	 smtp_caps_copy(struct smtp_caps *dst, const struct smtp_caps *src);
/*
 * Fills caps from a complete 250 reply to EHLO (it is freed first). Keywords match with
 * ASCII-only case folding (hostile row 74: a Turkish locale must not turn "i" into a
 * dotless capital), also in the old "AUTH=LOGIN PLAIN" form. Never fails.
 */
void	 smtp_caps_parse(const struct smtp_reply *, struct smtp_caps *);
/* Fills caps for a server that answered HELO: no extensions, the first line as domain. */
void	 smtp_caps_helo(const struct smtp_reply *, struct smtp_caps *);

/* ASCII-only case-insensitive comparisons, whatever the locale. */
int	 smtp_ascii_casecmp(const char *, const char *);
int	 smtp_ascii_ncasecmp(const char *, const char *, size_t);

/*
 * 1 if s may go into "MAIL FROM:<s>" or "RCPT TO:<s>": 1 to 254 bytes (RFC 5321
 * 4.5.3.1.3), no control character, space, DEL, '<' or '>'. A CR or LF there would let the
 * text add commands of its own (hostile row 47).
 */
int	 smtp_address_ok(const char *s);
/*
 * 1 if s may be the EHLO/HELO argument: a fully qualified domain name (letters, digits,
 * '-', at least one dot, not "localhost...") or an address literal "[192.0.2.1]",
 * "[IPv6:2001:db8::1]" (RFC 5321 4.1.4, 4.1.3). Some servers refuse "localhost".
 */
int	 smtp_helo_name_ok(const char *s);

#endif
