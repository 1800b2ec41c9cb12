/* client-detect.c: find the mail programs' files under a home directory and read them. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client-config.h"
#include "sanitize.h"
#include "util.h"

/* mutt "source" nesting and the number of files one muttrc may pull in. */
#define CLIENT_MUTT_DEPTH	5
#define CLIENT_MUTT_FILES	32
/* Directories of many entries are not mail settings. */
#define CLIENT_MAX_DIRENTS	1000

static int	client_read(const char *, char **, size_t *);
static int	client_safe_rel(const char *);
static void	client_thunderbird(struct client_list *, const char *);
static void	client_thunderbird_base(struct client_list *, const char *,
		    const char *);
static void	client_evolution(struct client_list *, const char *);
static void	client_claws(struct client_list *, const char *);
static void	client_kmail(struct client_list *, const char *);
static void	client_geary(struct client_list *, const char *);
static void	client_msmtp(struct client_list *, const char *);
static void	client_mutt(struct client_list *, const char *, const char *);
static void	client_mutt_file(struct client_mutt *, const char *,
		    const char *, int, int *);
static int	client_cmp(const void *, const void *);
static void	client_list_dir(const char *, const char *, struct strlist *);

/* "auto" tries these in this order and takes the first that has accounts. */
static const char *client_programs[] = {
	"thunderbird", "evolution", "kmail", "claws", "geary", "msmtp",
	"neomutt", "mutt"
};

/*
 * Reads a whole regular file of at most CLIENT_MAX_FILE bytes. Returns 0, or -1 when it is
 * missing, not a regular file, too large or unreadable: every such file is simply not used.
 */
static int
client_read(const char *path, char **buf, size_t *len)
{
	struct stat	 sb;
	char		*b;
	size_t		 n = 0;
	ssize_t		 r;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1)
		return (-1);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > (off_t)CLIENT_MAX_FILE) {
		close(fd);
		return (-1);
	}
	b = xmalloc(CLIENT_MAX_FILE + 1);
	while (n < CLIENT_MAX_FILE + 1) {
		r = read(fd, b + n, CLIENT_MAX_FILE + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > CLIENT_MAX_FILE) {	/* it grew while we read it */
		free(b);
		return (-1);
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return (0);
}

/* 1 if a path from a settings file stays below the directory it is relative to. */
static int
client_safe_rel(const char *p)
{
	const char	*s;
	size_t		 n;

	if (*p == '/' || *p == '\0')
		return (0);
	for (s = p; *s != '\0'; s += n + (s[n] == '/')) {
		n = strcspn(s, "/");
		if (n == 2 && strncmp(s, "..", 2) == 0)
			return (0);
		if (s[n] == '\0')
			break;
	}
	return (1);
}

static int
client_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Sorted names in dir ending in suffix (NULL: every directory entry but dot files). */
static void
client_list_dir(const char *dir, const char *suffix, struct strlist *out)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n, sl;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && out->n < CLIENT_MAX_DIRENTS) {
		if (de->d_name[0] == '.')
			continue;
		n = strlen(de->d_name);
		if (suffix != NULL) {
			sl = strlen(suffix);
			if (n <= sl || strcmp(de->d_name + n - sl, suffix) != 0)
				continue;
		}
		strlist_add(out, de->d_name);
	}
	closedir(d);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, client_cmp);
}

static void
client_thunderbird_base(struct client_list *cl, const char *home,
    const char *base)
{
	struct client_ini		 ini;
	const struct client_ini_entry	*path, *rel, *def;
	char				*dir, *file, *prefs, *buf, *pbuf;
	size_t				 len, plen, i, first, j, nprof = 0;
	const char			*group;
	int				 is_def;
	char				*defpath = NULL;

	xasprintf(&dir, "%s/%s", home, base);
	xasprintf(&file, "%s/profiles.ini", dir);
	if (client_read(file, &buf, &len) != 0) {
		free(dir);
		free(file);
		return;
	}
	client_ini_parse(&ini, buf, len);
	free(buf);
	/* The profile in use: [Install...] Default=, else Default=1 in a profile. */
	for (i = 0; i < ini.n; i++) {
		if (strncmp(ini.v[i].group, "Install", 7) == 0 &&
		    strcmp(ini.v[i].key, "Default") == 0 && defpath == NULL)
			defpath = xstrdup(ini.v[i].value);
	}
	for (i = 0; i < ini.n; i++) {
		group = ini.v[i].group;
		if (strncmp(group, "Profile", 7) != 0)
			continue;
		if (!client_ini_group_start(&ini, i) ||
		    (path = client_ini_get(&ini, group, "Path")) == NULL)
			continue;
		rel = client_ini_get(&ini, group, "IsRelative");
		if (rel != NULL && strcmp(rel->value, "0") == 0) {
			/* An absolute profile path is used only inside the home. */
			if (strncmp(path->value, home, strlen(home)) != 0 ||
			    path->value[strlen(home)] != '/' ||
			    !client_safe_rel(path->value + strlen(home) + 1))
				continue;
			xasprintf(&prefs, "%s/prefs.js", path->value);
		} else {
			if (!client_safe_rel(path->value))
				continue;
			xasprintf(&prefs, "%s/%s/prefs.js", dir, path->value);
		}
		if (defpath != NULL)
			is_def = strcmp(defpath, path->value) == 0;
		else {
			def = client_ini_get(&ini, group, "Default");
			is_def = def != NULL && strcmp(def->value, "1") == 0;
		}
		if (client_read(prefs, &pbuf, &plen) == 0) {
			first = cl->n;
			client_thunderbird_parse(cl, pbuf, plen, prefs, NULL);
			free(pbuf);
			for (j = first; j < cl->n; j++) {
				if (!is_def && (nprof > 0 || defpath != NULL))
					cl->accounts[j].is_default = 0;
			}
			nprof++;
		}
		free(prefs);
	}
	free(defpath);
	client_ini_free(&ini);
	free(dir);
	free(file);
}

static void
client_thunderbird(struct client_list *cl, const char *home)
{
	client_thunderbird_base(cl, home, ".thunderbird");
	client_thunderbird_base(cl, home, "snap/thunderbird/common/.thunderbird");
	client_thunderbird_base(cl, home, ".var/app/org.mozilla.Thunderbird/.thunderbird");
}

static void
client_evolution(struct client_list *cl, const char *home)
{
	struct strlist			 names;
	struct client_ini		 ini;
	const struct client_ini_entry	*e;
	char				*dir, **bufs, **paths, *uid;
	size_t				*lens, i, j, first = cl->n;
	ssize_t				 idx;

	memset(&names, 0, sizeof names);
	xasprintf(&dir, "%s/.config/evolution/sources", home);
	client_list_dir(dir, ".source", &names);
	bufs = xcalloc(names.n + 1, sizeof *bufs);
	paths = xcalloc(names.n + 1, sizeof *paths);
	lens = xcalloc(names.n + 1, sizeof *lens);
	for (i = 0; i < names.n; i++) {
		xasprintf(&paths[i], "%s/%s", dir, names.v[i]);
		if (client_read(paths[i], &bufs[i], &lens[i]) != 0)
			bufs[i] = NULL;
	}
	for (i = 0; i < names.n; i++) {
		if (bufs[i] == NULL)
			continue;
		uid = xstrndup(names.v[i], strlen(names.v[i]) - 7);
		/* The identity whose [Mail Submission] names this transport. */
		idx = -1;
		for (j = 0; j < names.n && idx == -1; j++) {
			if (bufs[j] == NULL || j == i)
				continue;
			client_ini_parse(&ini, bufs[j], lens[j]);
			e = client_ini_get(&ini, "Mail Submission",
			    "TransportUid");
			if (e != NULL && strcmp(e->value, uid) == 0)
				idx = (ssize_t)j;
			client_ini_free(&ini);
		}
		client_evolution_parse(cl, bufs[i], lens[i], paths[i], uid,
		    idx != -1 ? bufs[idx] : NULL, idx != -1 ? lens[idx] : 0,
		    idx != -1 ? paths[idx] : NULL, NULL);
		free(uid);
	}
	/* The default account lives in GSettings, not in these files: the first one. */
	if (cl->n > first)
		cl->accounts[first].is_default = 1;
	for (i = 0; i < names.n; i++) {
		free(bufs[i]);
		free(paths[i]);
	}
	free(bufs);
	free(paths);
	free(lens);
	strlist_free(&names);
	free(dir);
}

static void
client_claws(struct client_list *cl, const char *home)
{
	char	*file, *buf;
	size_t	 len, first = cl->n, i;
	int	 any = 0;

	xasprintf(&file, "%s/.claws-mail/accountrc", home);
	if (client_read(file, &buf, &len) == 0) {
		client_claws_parse(cl, buf, len, file, NULL);
		free(buf);
	}
	for (i = first; i < cl->n; i++)
		any |= cl->accounts[i].is_default;
	if (!any && cl->n > first)
		cl->accounts[first].is_default = 1;
	free(file);
}

static void
client_kmail(struct client_list *cl, const char *home)
{
	char	*file, *idfile, *buf, *idbuf = NULL;
	size_t	 len, idlen = 0;

	xasprintf(&file, "%s/.config/mailtransports", home);
	xasprintf(&idfile, "%s/.config/emailidentities", home);
	if (client_read(file, &buf, &len) == 0) {
		if (client_read(idfile, &idbuf, &idlen) != 0)
			idbuf = NULL;
		client_kmail_parse(cl, buf, len, file, idbuf, idlen, idfile,
		    NULL);
		free(buf);
		free(idbuf);
	}
	free(file);
	free(idfile);
}

static void
client_geary(struct client_list *cl, const char *home)
{
	static const char	*dirs[] = { ".config/geary", ".local/share/geary" };
	struct strlist		 names;
	char			*dir, *file, *buf;
	size_t			 len, i, j, first = cl->n;

	for (i = 0; i < nitems(dirs); i++) {
		memset(&names, 0, sizeof names);
		xasprintf(&dir, "%s/%s", home, dirs[i]);
		client_list_dir(dir, NULL, &names);
		for (j = 0; j < names.n; j++) {
			xasprintf(&file, "%s/%s/geary.ini", dir, names.v[j]);
			if (client_read(file, &buf, &len) == 0) {
				client_geary_parse(cl, buf, len, file,
				    names.v[j], NULL);
				free(buf);
			}
			free(file);
		}
		strlist_free(&names);
		free(dir);
	}
	if (cl->n > first)
		cl->accounts[first].is_default = 1;
}

static void
client_msmtp(struct client_list *cl, const char *home)
{
	char		*file, *buf;
	size_t		 len;
	const char	*xdg = getenv("XDG_CONFIG_HOME");

	xasprintf(&file, "%s/.msmtprc", home);
	if (client_read(file, &buf, &len) != 0) {
		free(file);
		/* $XDG_CONFIG_HOME only for the user's own home, not for --home. */
		if (cl->own_home && xdg != NULL && *xdg == '/')
			xasprintf(&file, "%s/msmtp/config", xdg);
		else
			xasprintf(&file, "%s/.config/msmtp/config", home);
		if (client_read(file, &buf, &len) != 0) {
			free(file);
			return;
		}
	}
	client_msmtp_parse(cl, buf, len, file, NULL);
	explicit_bzero(buf, len);
	free(buf);
	free(file);
}

/* Reads one muttrc and, depth permitting, the files it sources (inside the home only). */
static void
client_mutt_file(struct client_mutt *m, const char *home, const char *file,
    int depth, int *nfiles)
{
	struct strlist	 sources;
	char		*buf, *path, *slash, *dir;
	const char	*s;
	size_t		 len, i, n;

	if (depth > CLIENT_MUTT_DEPTH || ++*nfiles > CLIENT_MUTT_FILES)
		return;
	if (client_read(file, &buf, &len) != 0)
		return;
	sources = m->sources;
	memset(&m->sources, 0, sizeof m->sources);
	client_mutt_parse(m, buf, len, file, NULL);
	explicit_bzero(buf, len);
	free(buf);
	for (i = 0; i < m->sources.n; i++) {
		s = m->sources.v[i];
		n = strlen(s);
		if (n == 0 || s[n - 1] == '|')
			continue;	/* a command's output: never run */
		if (strncmp(s, "~/", 2) == 0) {
			if (!client_safe_rel(s + 2))
				continue;
			xasprintf(&path, "%s/%s", home, s + 2);
		} else if (client_safe_rel(s)) {
			dir = xstrdup(file);
			if ((slash = strrchr(dir, '/')) != NULL)
				*slash = '\0';
			xasprintf(&path, "%s/%s", dir, s);
			free(dir);
		} else
			continue;
		client_mutt_file(m, home, path, depth + 1, nfiles);
		free(path);
	}
	strlist_free(&m->sources);
	m->sources = sources;
}

static void
client_mutt(struct client_list *cl, const char *home, const char *program)
{
	static const char	*mutt[] = { ".muttrc", ".mutt/muttrc",
				    ".config/mutt/muttrc" };
	static const char	*neomutt[] = { ".neomuttrc",
				    ".config/neomutt/neomuttrc", ".neomutt/neomuttrc" };
	const char		**names;
	struct client_mutt	 m;
	char			*file;
	size_t			 i, n;
	int			 nfiles = 0;

	if (strcmp(program, "neomutt") == 0) {
		names = neomutt;
		n = nitems(neomutt);
	} else {
		names = mutt;
		n = nitems(mutt);
	}
	for (i = 0; i < n; i++) {
		xasprintf(&file, "%s/%s", home, names[i]);
		if (access(file, R_OK) == 0)
			break;
		free(file);
	}
	if (i == n)
		return;
	client_mutt_init(&m);
	client_mutt_file(&m, home, file, 0, &nfiles);
	client_mutt_finish(cl, &m, program);
	client_mutt_free(&m);
	free(file);
}

/*
 * Reads program's settings under home ("auto": every program in client_programs order, the
 * first with accounts wins). Returns 0, or -1 with *cause for an unknown program name.
 */
int
client_detect(struct client_list *cl, const char *program, const char *home,
    char **cause)
{
	size_t	i;

	if (strcmp(program, "auto") == 0) {
		for (i = 0; i < nitems(client_programs); i++) {
			if (client_detect(cl, client_programs[i], home,
			    cause) != 0)
				return (-1);
			if (cl->n > 0)
				break;
		}
		return (0);
	}
	if (strcmp(program, "thunderbird") == 0)
		client_thunderbird(cl, home);
	else if (strcmp(program, "evolution") == 0)
		client_evolution(cl, home);
	else if (strcmp(program, "claws") == 0)
		client_claws(cl, home);
	else if (strcmp(program, "kmail") == 0)
		client_kmail(cl, home);
	else if (strcmp(program, "geary") == 0)
		client_geary(cl, home);
	else if (strcmp(program, "msmtp") == 0)
		client_msmtp(cl, home);
	else if (strcmp(program, "mutt") == 0 || strcmp(program, "neomutt") == 0)
		client_mutt(cl, home, program);
	else {
		xasprintf(cause, "unknown mail program \"%s\" for --from-client",
		    program);
		return (-1);
	}
	return (0);
}

/* Every account of every program: for the wizard's first question. */
void
client_detect_all(struct client_list *cl, const char *home)
{
	size_t	i;

	for (i = 0; i < nitems(client_programs); i++)
		client_detect(cl, client_programs[i], home, NULL);
}

/*
 * One line per account, for the wizard's first screen and for messages, sanitised:
 * 'msmtp "work": me@work.example, smtp.work.example:587 STARTTLS (~/.msmtprc line 8)'.
 * Files under home are shown from "~" (home NULL: in full). What the file does not say
 * is left out.
 */
char *
client_account_describe(const struct client_account *ca, const char *home)
{
	const struct client_value	*host = &ca->field[CLIENT_HOST];
	const char			*sec = ca->field[CLIENT_SECURITY].value;
	char				*name, *email, *h, *port, *file, *s;
	const char			*words = "";

	if (sec != NULL && strcmp(sec, "none") == 0)
		words = " no encryption";
	else if (sec != NULL && strcmp(sec, "starttls") == 0)
		words = " STARTTLS";
	else if (sec != NULL && strcmp(sec, "tls") == 0)
		words = " SSL/TLS";
	name = sanitize_str(ca->name);
	email = sanitize_str(ca->field[CLIENT_EMAIL].value != NULL ?
	    ca->field[CLIENT_EMAIL].value : "no address");
	h = sanitize_str(host->value);
	port = sanitize_str(ca->field[CLIENT_PORT].value);
	file = client_file_words(host->file, home);
	xasprintf(&s, "%s \"%s\": %s, %s%s%s%s (%s line %u)",
	    client_program_title(ca->program), name,
	    email, h, *port != '\0' ? ":" : "", port, words, file, host->line);
	free(name);
	free(email);
	free(h);
	free(port);
	free(file);
	return (s);
}

/*
 * The account to use: the one named (by account name, address or server name), or the
 * program's default, or the first. Returns its index, or -1 with *cause listing the accounts.
 */
ssize_t
client_select(const struct client_list *cl, const char *want, char **cause)
{
	const struct client_account	*ca;
	char				*list = NULL, *line, *tmp, *w;
	size_t				 i;

	if (cl->n == 0) {
		xasprintf(cause, "no mail program accounts found");
		return (-1);
	}
	for (i = 0; i < cl->n; i++) {
		ca = &cl->accounts[i];
		if (want == NULL) {
			if (ca->is_default)
				return ((ssize_t)i);
			continue;
		}
		if (strcmp(ca->name, want) == 0 ||
		    (ca->field[CLIENT_EMAIL].value != NULL &&
		    strcasecmp(ca->field[CLIENT_EMAIL].value, want) == 0) ||
		    (ca->field[CLIENT_HOST].value != NULL &&
		    strcasecmp(ca->field[CLIENT_HOST].value, want) == 0))
			return ((ssize_t)i);
	}
	if (want == NULL)
		return (0);
	for (i = 0; i < cl->n; i++) {
		line = client_account_describe(&cl->accounts[i], NULL);
		xasprintf(&tmp, "%s\n  %s", list != NULL ? list : "", line);
		free(list);
		free(line);
		list = tmp;
	}
	w = sanitize_str(want);
	xasprintf(cause, "no account matches \"%s\"; the accounts found are:%s",
	    w, list);
	free(w);
	free(list);
	return (-1);
}

/* The wizard's client.program choice for a reader's program name. */
const char *
client_program_choice(const char *program)
{
	if (strcmp(program, "thunderbird") == 0 ||
	    strcmp(program, "evolution") == 0)
		return (program);
	if (strcmp(program, "msmtp") == 0 || strcmp(program, "mutt") == 0 ||
	    strcmp(program, "neomutt") == 0)
		return ("msmtp-mutt");
	return ("other");
}

/* The program's own name as its users know it: "Thunderbird", "Claws Mail". */
const char *
client_program_title(const char *program)
{
	static const struct {
		const char	*program;
		const char	*title;
	} titles[] = {
		{ "thunderbird", "Thunderbird" },
		{ "evolution", "Evolution" },
		{ "claws", "Claws Mail" },
		{ "kmail", "KMail" },
		{ "geary", "Geary" },
		{ "msmtp", "msmtp" },
		{ "mutt", "mutt" },
		{ "neomutt", "NeoMutt" },
	};
	size_t	i;

	for (i = 0; i < nitems(titles); i++) {
		if (strcmp(titles[i].program, program) == 0)
			return (titles[i].title);
	}
	return (program);
}

/*
 * A file name for the screen, sanitised: "~/.msmtprc" for a file under home (the user's
 * own home, where "~" means what they expect), otherwise in full. Paths under a profile
 * directory are long enough to wrap on an 80-column screen.
 */
char *
client_file_words(const char *file, const char *home)
{
	size_t	 len;
	char	*rest, *s;

	if (file == NULL)
		return (xstrdup(""));
	if (home != NULL && (len = strlen(home)) > 1 && strncmp(file, home, len) == 0 &&
	    file[len] == '/') {
		rest = sanitize_str(file + len);
		xasprintf(&s, "~%s", rest);
		free(rest);
		return (s);
	}
	return (sanitize_str(file));
}
