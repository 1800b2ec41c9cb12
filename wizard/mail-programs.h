/* mail-programs.h: where each mail program keeps its outgoing settings (wizard/mail-programs). */
#ifndef SENDFIX_MAIL_PROGRAMS_H
#define SENDFIX_MAIL_PROGRAMS_H

#include <stddef.h>

#include "providers.h"

#define MAIL_PROGRAMS_BUILTIN_NAME	"mail-programs"
/* The entry that holds the generic wording, for "other", "dontknow" and no answer. */
#define MAIL_PROGRAMS_OTHER		"other"

/* The text keys of a stanza, each one fix step; the file writes them as in the comments. */
enum mail_programs_field {
	MAIL_PROGRAMS_OPEN,		/* "Open-outgoing" */
	MAIL_PROGRAMS_SERVER,		/* "Server" */
	MAIL_PROGRAMS_PORT,		/* "Port" */
	MAIL_PROGRAMS_SECURITY,		/* "Security" */
	MAIL_PROGRAMS_AUTH,		/* "Auth" */
	MAIL_PROGRAMS_PASSWORD,		/* "Password" */
	MAIL_PROGRAMS_OUTBOX,		/* "Outbox" */
	MAIL_PROGRAMS_RESET,		/* "Reset" */
	MAIL_PROGRAMS_NFIELDS
};

/* One stanza of the file; see the file's header. */
struct mail_programs_entry {
	int		 line;		/* of the Program: line */
	char		*id;		/* "thunderbird" */
	char		*name;		/* "Thunderbird" */
	char		*text[MAIL_PROGRAMS_NFIELDS];	/* templates: may hold ${host},
							   ${port}, ${security} */
	char		*words[PROVIDERS_SEC_COUNT];	/* the program's label for each mode:
							   "STARTTLS", "SSL/TLS", "None" */
};

struct mail_programs {
	char				*file;	/* the name messages use */
	struct mail_programs_entry	*v;	/* in file order */
	size_t				 n;
};

/* The values a fix tells the user to enter; NULL (or 0, or -1) when not known. */
struct mail_programs_values {
	const char	*host;
	int		 port;		/* 0: unknown */
	int		 security;	/* enum providers_security, or -1: unknown */
};

/*
 * Parses a file held in buf (len bytes; NUL bytes are refused). file is the name used in
 * messages. On success returns 0 and *out (free with mail_programs_free). On failure returns
 * -1 and *errors (caller frees): every problem, one per line, as "FILE:LINE: message".
 */
int	 mail_programs_parse_buffer(const char *file, const char *buf, size_t len,
	     struct mail_programs **out, char **errors);
void	 mail_programs_free(struct mail_programs *);

/*
 * The file compiled into the binary, parsed once on first use from any thread; a missing or
 * broken one is a bug and fatal. Never freed.
 */
const struct mail_programs *mail_programs_builtin(void);

/* The entry with this ID in p (NULL: the built-in file), or NULL when there is none. */
const struct mail_programs_entry *mail_programs_find(const struct mail_programs *p,
	     const char *id);

/* The file's key for a field: "Open-outgoing", "Server", ... */
const char	*mail_programs_field_key(enum mail_programs_field);

/*
 * The entry's text for a field with ${host}, ${port} and ${security} (the entry's label for
 * v->security) filled in; an unknown value takes the template's ":-" default or a generic
 * phrase. Values are put in as given: the caller sanitises what it stores. Caller frees.
 */
char	*mail_programs_text(const struct mail_programs_entry *, enum mail_programs_field,
	     const struct mail_programs_values *v);

#endif
