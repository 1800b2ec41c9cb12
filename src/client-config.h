/* client-config.h: accounts read from the user's own mail program settings. */
#ifndef SENDFIX_CLIENT_CONFIG_H
#define SENDFIX_CLIENT_CONFIG_H

#include <sys/types.h>

#include <stddef.h>

#include "util.h"

/* One imported value and where it came from (file and 1-based line). */
struct client_value {
	char	*value;		/* NULL when the file does not say */
	char	*file;
	unsigned int line;
};

enum client_field {
	CLIENT_EMAIL,
	CLIENT_HOST,
	CLIENT_PORT,
	CLIENT_SECURITY,	/* "none", "starttls" or "tls" */
	CLIENT_USER,
	CLIENT_NFIELDS
};

struct client_account {
	char			*program;	/* "msmtp", ... */
	char			*name;		/* the program's name for it */
	int			 is_default;
	struct client_value	 field[CLIENT_NFIELDS];
	char			*password;	/* stored password; wiped by free */
};

struct client_list {
	struct client_account	*accounts;
	size_t			 n;
	int			 own_home;	/* $HOME, not --home: $XDG_CONFIG_HOME applies */
};

#ifndef nitems
#define nitems(a) (sizeof (a) / sizeof (a)[0])
#endif

/* Files larger than this are refused: they are not settings files. */
#define CLIENT_MAX_FILE (4U * 1024 * 1024)

const char	*client_field_key(enum client_field);
struct client_account *client_list_add(struct client_list *, const char *,
		    const char *);
void		 client_value_set(struct client_value *, const char *, size_t,
		    const char *, unsigned int);
void		 client_list_free(struct client_list *);

int		 client_detect(struct client_list *, const char *, const char *,
		    char **);
void		 client_detect_all(struct client_list *, const char *);
ssize_t		 client_select(const struct client_list *, const char *, char **);
char		*client_account_describe(const struct client_account *, const char *);
const char	*client_program_title(const char *);
char		*client_file_words(const char *, const char *);
const char	*client_program_choice(const char *);

/* mutt and neomutt: settings gathered over the muttrc and the files it sources. */
struct client_mutt {
	struct client_value	 field[CLIENT_NFIELDS];
	char			*scheme;	/* "smtp" or "smtps" */
	unsigned int		 url_line;
	char			*starttls;	/* ssl_starttls value */
	char			*starttls_file;
	unsigned int		 starttls_line;
	char			*force_tls;	/* ssl_force_tls value */
	unsigned int		 force_tls_line;
	char			*password;
	struct strlist		 sources;	/* "source" arguments, unexpanded */
};

/* A parsed key file: every "key=value" with its group and line. */
struct client_ini_entry {
	char		*group;
	char		*key;
	char		*value;
	unsigned int	 line;
};

struct client_ini {
	struct client_ini_entry	*v;
	size_t			 n;
};

void		 client_ini_parse(struct client_ini *, const char *, size_t);
void		 client_ini_free(struct client_ini *);
const struct client_ini_entry *client_ini_get(const struct client_ini *,
		    const char *, const char *);
int		 client_ini_group_start(const struct client_ini *, size_t);
void		 client_ini_set(struct client_value *,
		    const struct client_ini_entry *, const char *);

/* Parsers take a buffer so they can be fuzzed; file names are only labels. */
int		 client_msmtp_parse(struct client_list *, const char *, size_t,
		    const char *, char **);
int		 client_thunderbird_parse(struct client_list *, const char *,
		    size_t, const char *, char **);
int		 client_claws_parse(struct client_list *, const char *, size_t,
		    const char *, char **);
int		 client_kmail_parse(struct client_list *, const char *, size_t,
		    const char *, const char *, size_t, const char *, char **);
int		 client_geary_parse(struct client_list *, const char *, size_t,
		    const char *, const char *, char **);
int		 client_evolution_parse(struct client_list *, const char *, size_t,
		    const char *, const char *, const char *, size_t, const char *,
		    char **);
void		 client_mutt_init(struct client_mutt *);
void		 client_mutt_free(struct client_mutt *);
int		 client_mutt_parse(struct client_mutt *, const char *, size_t,
		    const char *, char **);
int		 client_mutt_finish(struct client_list *, struct client_mutt *,
		    const char *);

/* The settings that work, as client_fix_* writes them. */
struct client_fix {
	const char	*host;
	const char	*port;
	const char	*security;	/* "none", "starttls" or "tls" */
	const char	*user;		/* NULL: the file's own stays */
};

/* Pure rewrites of a file's text, for tests; 0 with *out, or -1 with *cause. */
int		 client_fix_msmtp(const char *, size_t, const char *,
		    const struct client_fix *, char **, size_t *, char **);
int		 client_fix_mutt(const char *, size_t, const struct client_fix *,
		    char **, size_t *, char **);
int		 client_fix_file(const char *, const char *, const char *,
		    const struct client_fix *, char **, char **);
char		*client_fix_userinfo(const char *);

#endif
