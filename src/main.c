/* main.c: options, mode selection, answers from the command line, report and exit status. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "answers.h"
#include "client-config.h"
#include "embedded.h"
#include "explain.h"
#include "options.h"
#include "probe.h"
#include "probe-cli.h"
#include "report.h"
#include "sanitize.h"
#include "secret-file.h"
#include "tls.h"
#include "tree.h"
#include "ui.h"
#include "ui-curses.h"
#include "walk.h"

/* interface.md's exit status. */
enum {
	EXIT_HEALTHY = 0,
	EXIT_FAULT = 1,
	EXIT_USAGE = 2,
	EXIT_INCONCLUSIVE = 3
};

#define MAIN_TREE_NAME		"cannot-send.tree"
#define MAIN_REFHOSTS_NAME	"reference-hosts"

/*
 * The answer keys interface.md promises to accept even when the tree in use asks no such
 * question; they are checked with the same rules as a question would be.
 */
static const struct tree_choice main_security_choices[] = {
	{ (char *)"none", (char *)"none" },
	{ (char *)"starttls", (char *)"starttls" },
	{ (char *)"tls", (char *)"tls" }
};
static struct tree_node main_interface_keys[] = {
	{ .id = (char *)"email", .key = (char *)"email", .kind = TREE_QUESTION,
	  .qtype = TREE_Q_TEXT, .format = TREE_FMT_EMAIL,
	  .title = (char *)"the address you send from" },
	{ .id = (char *)"smtp.host", .key = (char *)"smtp.host", .kind = TREE_QUESTION,
	  .qtype = TREE_Q_TEXT, .format = TREE_FMT_HOST,
	  .title = (char *)"outgoing server name or address" },
	{ .id = (char *)"smtp.port", .key = (char *)"smtp.port", .kind = TREE_QUESTION,
	  .qtype = TREE_Q_TEXT, .format = TREE_FMT_PORT,
	  .title = (char *)"outgoing server port" },
	{ .id = (char *)"smtp.security", .key = (char *)"smtp.security",
	  .kind = TREE_QUESTION, .qtype = TREE_Q_CHOICE,
	  .choices = (struct tree_choice *)main_security_choices, .nchoices = 3,
	  .title = (char *)"encryption: none, starttls, or tls (SSL/TLS)" },
	{ .id = (char *)"smtp.user", .key = (char *)"smtp.user", .kind = TREE_QUESTION,
	  .qtype = TREE_Q_TEXT, .format = TREE_FMT_TEXT, .title = (char *)"login name" },
	{ .id = (char *)"smtp.password", .key = (char *)"smtp.password",
	  .kind = TREE_QUESTION, .qtype = TREE_Q_SECRET, .format = TREE_FMT_TEXT,
	  .title = (char *)"password" },
	/* Issue 5: a DKIM selector the user names, for a domain the knowledge base lacks. */
	{ .id = (char *)"dns.dkim-selector", .key = (char *)"dns.dkim-selector",
	  .kind = TREE_QUESTION, .qtype = TREE_Q_TEXT, .format = TREE_FMT_TEXT,
	  .title = (char *)"DKIM selectors your domain signs with, space-separated "
	  "(the checks use the provider's, else common ones)" },
};
#define MAIN_NINTERFACE_KEYS (sizeof main_interface_keys / sizeof main_interface_keys[0])

static void	 main_protect_process(void);
static void	 main_error(const char *, ...) PRINTFLIKE(1, 2);
static int	 main_load_tree(const struct options *, struct tree **);
static int	 main_check_tree(const char *);
static const struct tree_node *main_key_node(const struct tree *, const char *);
static int	 main_apply_answers(const struct tree *, const struct strlist *,
		    struct answers *, char **);
static int	 main_load_refhosts(const struct options *, struct probe_refhost **,
		    size_t *);
static void	 main_help_answers(const struct tree *);
static void	 main_help_probes(void);
static int	 main_run(const struct options *, const struct tree *, struct answers *);
static int	 main_from_client(const struct options *, const struct tree *,
		    struct answers *, char **);
static int	 main_import(const struct tree *, struct answers *, const char *,
		    const char *, const char *, const char *, unsigned int, char **);
static void	 main_import_undo(struct answers *, size_t);
static int	 main_offer_accounts(const struct options *, const struct tree *,
		    struct ui *, struct walk *, struct answers *);
static int	 main_offer_pick(const struct tree *, struct ui *, struct walk *,
		    struct answers *, const struct client_account *, const char *);
static const char *main_import_label(const char *);
static char	*main_dollars(const char *);
static const char *main_import_words(const char *, const char *);
static void	 main_account_set(const struct client_account *);
static void	 main_fix_client(const struct options *, struct ui *, const struct walk *,
		    const struct report_meta *);

/* Where each answer taken from a mail program came from, for the report. */
static struct report_import	*main_imported;
static size_t			 main_nimported;
/* The mail program and account those answers came from, for --fix-client. */
static char			*main_account_program;
static char			*main_account_name;

/*
 * A password may sit in this process's memory: no core dumps, and no ptrace or
 * /proc/PID/mem for other users' processes.
 */
static void
main_protect_process(void)
{
	struct rlimit	 rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Every message on stderr goes through the sanitiser: it may quote a file or a server. */
static void
main_error(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *line, *safe, *save;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	for (line = strtok_r(msg, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		safe = sanitize_str(line);
		fprintf(stderr, "sendfix: %s\n", safe);
		free(safe);
	}
	free(msg);
}

static int
main_load_tree(const struct options *opts, struct tree **tree)
{
	const struct embedded_file	*e;
	char				*errors = NULL;
	int				 r;

	if (opts->tree != NULL)
		r = tree_load_file(opts->tree, tree, &errors);
	else {
		if ((e = embedded_find(MAIN_TREE_NAME)) == NULL)
			fatalx("the built-in tree is missing");
		r = tree_parse_buffer(MAIN_TREE_NAME, (const char *)e->data, e->len, tree,
		    &errors);
	}
	if (r != 0) {
		main_error("%s", errors != NULL ? errors : "cannot load the tree");
		free(errors);
		return (-1);
	}
	return (0);
}

static int
main_check_tree(const char *path)
{
	struct tree	*tree;
	char		*errors = NULL;

	if (tree_load_file(path, &tree, &errors) != 0) {
		main_error("%s", errors != NULL ? errors : "cannot load the tree");
		free(errors);
		return (EXIT_USAGE);
	}
	printf("%s: %zu nodes, no problems found\n", path, tree->nnodes);
	tree_free(tree);
	return (EXIT_HEALTHY);
}

/* The question that takes key: the tree's own, else one of interface.md's keys. */
static const struct tree_node *
main_key_node(const struct tree *tree, const char *key)
{
	const struct tree_node	*n;
	size_t			 i;

	if ((n = tree_find_key(tree, key)) != NULL)
		return (n);
	for (i = 0; i < MAIN_NINTERFACE_KEYS; i++) {
		if (strcmp(main_interface_keys[i].key, key) == 0)
			return (&main_interface_keys[i]);
	}
	return (NULL);
}

/*
 * One value read from a mail program becomes an answer, like --answer KEY=VALUE, unless
 * --answer gave the key already (typed answers win) or the question refuses the value.
 * Returns 1 when it was taken, 0 when there was nothing to take, -1 with *why (a sentence
 * to show the user, sanitised) when the question refuses it.
 */
static int
main_import(const struct tree *tree, struct answers *answers, const char *key,
    const char *value, const char *program, const char *file, unsigned int line,
    char **why)
{
	const struct tree_node	*n;
	struct report_import	*ri;
	char			*cause = NULL, *v, *f;

	if (value == NULL || answers_find(answers, key) != NULL)
		return (0);
	if ((n = main_key_node(tree, key)) == NULL)
		return (0);
	if (tree_validate_answer(n, value, &cause) != 0) {
		v = sanitize_str(value);
		f = sanitize_str(file);
		if (why != NULL)
			xasprintf(why, "not using %s \"%s\" from %s line %u: it is not a "
			    "value sendfix accepts there", key, v, f, line);
		free(v);
		free(f);
		free(cause);
		return (-1);
	}
	answers_set(answers, key, value, ANSWER_GIVEN, 0);
	main_imported = xreallocarray(main_imported, main_nimported + 1,
	    sizeof *main_imported);
	ri = &main_imported[main_nimported++];
	ri->key = xstrdup(key);
	ri->value = xstrdup(value);
	ri->program = xstrdup(program);
	ri->file = xstrdup(file != NULL ? file : "");
	ri->line = line;
	return (1);
}

/* Takes back the answers imported after the first keep ones (the user went back). */
static void
main_import_undo(struct answers *answers, size_t keep)
{
	struct report_import	*ri;

	while (main_nimported > keep) {
		ri = &main_imported[--main_nimported];
		answers_unset(answers, ri->key);
		free((char *)ri->key);
		free((char *)ri->value);
		free((char *)ri->program);
		free((char *)ri->file);
	}
}

/* Remembers the account the answers came from (NULL: none). */
static void
main_account_set(const struct client_account *ca)
{
	free(main_account_program);
	free(main_account_name);
	main_account_program = ca != NULL ? xstrdup(ca->program) : NULL;
	main_account_name = ca != NULL ? xstrdup(ca->name) : NULL;
}

/*
 * After the diagnosis, for an msmtp or mutt account whose settings differ from the ones
 * that work: writes those into the file they were read from (client_fix_file keeps a
 * backup). Batch mode does it only with --fix-client; the wizard asks first. What happened
 * is said on stderr (batch) or on a screen of its own.
 */
static void
main_fix_client(const struct options *opts, struct ui *ui, const struct walk *w,
    const struct report_meta *meta)
{
	struct report_client		 rc;
	struct client_fix		 fix;
	struct tree_node		 info;
	const struct report_client_row	*host;
	char				*f, *q, *msg, *backup = NULL, *cause = NULL, *t;

	if (main_account_program == NULL ||
	    (strcmp(main_account_program, "msmtp") != 0 &&
	    strcmp(main_account_program, "mutt") != 0 &&
	    strcmp(main_account_program, "neomutt") != 0))
		return;
	if (opts->mode == OPTIONS_MODE_BATCH && !opts->fix_client)
		return;
	if (report_client_compare(w, meta, &rc) != 0)
		return;
	host = &rc.row[REPORT_CLIENT_HOST];
	if (!rc.known || rc.nchange == 0 || rc.lines.n == 0 || host->file == NULL ||
	    *host->file == '\0' || rc.row[REPORT_CLIENT_PORT].works == NULL ||
	    rc.row[REPORT_CLIENT_SECURITY].works == NULL) {
		if (opts->fix_client)
			main_error("--fix-client: nothing to write: %s", !rc.known ?
			    "no settings that work were found" : rc.nchange == 0 ?
			    "the settings are the ones that work" : "the settings that work "
			    "are not all known");
		report_client_free(&rc);
		return;
	}
	fix.host = host->works;
	fix.port = rc.row[REPORT_CLIENT_PORT].works;
	fix.security = rc.row[REPORT_CLIENT_SECURITY].works;
	fix.user = rc.row[REPORT_CLIENT_USER].change ? rc.row[REPORT_CLIENT_USER].works :
	    NULL;
	f = sanitize_str(host->file);
	if (opts->mode != OPTIONS_MODE_BATCH) {
		xasprintf(&q, "Write the settings that work into %s? sendfix changes only the "
		    "lines of this account's outgoing server and keeps the file as it is now "
		    "in %s.sendfix-bak.", f, f);
		if (ui->ops->confirm == NULL || ui->ops->confirm(ui, q) != 1) {
			free(q);
			free(f);
			report_client_free(&rc);
			return;
		}
		free(q);
	}
	if (client_fix_file(host->file, main_account_program, main_account_name, &fix,
	    &backup, &cause) != 0) {
		xasprintf(&msg, "The settings were not written: %s", cause);
		free(cause);
	} else {
		t = sanitize_str(backup);
		xasprintf(&msg, "The settings that work are now in %s; the file as it was is "
		    "%s. Send yourself a test message to check.", f, t);
		free(t);
		free(backup);
	}
	if (opts->mode == OPTIONS_MODE_BATCH)
		main_error("%s", msg);
	else if (ui->ops->info != NULL) {
		memset(&info, 0, sizeof info);
		info.id = (char *)"client-fixed";
		info.kind = TREE_INFO;
		info.title = (char *)"Your mail program's settings";
		/* The text goes through answers_expand: a "$" in a file name stays one. */
		info.text = main_dollars(msg);
		(void)ui->ops->info(ui, w, &info);
		free(info.text);
	}
	free(msg);
	free(f);
	report_client_free(&rc);
}

/* A copy of s with every "$" doubled, so answers_expand shows it as it is. */
static char *
main_dollars(const char *s)
{
	char	*out, *o;

	o = out = xcalloc(2, strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (*s == '$')
			*o++ = '$';
		*o++ = *s;
	}
	*o = '\0';
	return (out);
}

/* An imported value as the wizard words it: the encryption as mail programs name it. */
static const char *
main_import_words(const char *key, const char *value)
{
	if (strcmp(key, "smtp.security") != 0)
		return (value);
	if (strcmp(value, "none") == 0)
		return ("none (no encryption)");
	if (strcmp(value, "starttls") == 0)
		return ("STARTTLS");
	if (strcmp(value, "tls") == 0)
		return ("SSL/TLS");
	return (value);
}

/* The words the wizard uses for an imported answer's key. */
static const char *
main_import_label(const char *key)
{
	static const struct {
		const char	*key;
		const char	*label;
	} labels[] = {
		{ "email", "Your address" },
		{ "smtp.host", "Outgoing server" },
		{ "smtp.port", "Port" },
		{ "smtp.security", "Encryption" },
		{ "smtp.user", "Login name" },
		{ "client.program", "Mail program" }
	};
	size_t	 i;

	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (strcmp(labels[i].key, key) == 0)
			return (labels[i].label);
	}
	return (key);
}

/*
 * The account the user picked on the wizard's first screen: its values become answers
 * exactly as with --from-client, and a screen shows each with the file and line it came
 * from. A stored password is used only after a yes to a question of its own. Returns 0 to
 * go on, 1 when the user went back (the imported answers are taken back), 2 to quit.
 */
static int
main_offer_pick(const struct tree *tree, struct ui *ui, struct walk *w,
    struct answers *answers, const struct client_account *ca, const char *home)
{
	const struct tree_node	*pw;
	struct report_import	*ri;
	struct tree_node	 info;
	enum ui_reply		 reply;
	char			*text, *tmp, *why, *v, *f, *title, *q, *name;
	size_t			 before = main_nimported, i, j;
	int			 r;

	text = xstrdup("");
	for (i = 0; i < CLIENT_NFIELDS; i++) {
		why = NULL;
		r = main_import(tree, answers, client_field_key(i), ca->field[i].value,
		    ca->program, ca->field[i].file, ca->field[i].line, &why);
		if (r == -1) {
			xasprintf(&tmp, "%s%s (sendfix asks for it instead).\n\n", text, why);
			free(text);
			free(why);
			text = tmp;
		}
	}
	main_import(tree, answers, "client.program", client_program_choice(ca->program),
	    ca->program, "", 0, NULL);
	for (j = before; j < main_nimported; j++) {
		ri = &main_imported[j];
		v = sanitize_str(main_import_words(ri->key, ri->value));
		f = client_file_words(ri->file, home);
		if (*f != '\0')
			xasprintf(&tmp, "%s%s: %s (from %s, line %u)\n\n", text,
			    main_import_label(ri->key), v, f, ri->line);
		else
			xasprintf(&tmp, "%s%s: %s\n\n", text, main_import_label(ri->key), v);
		free(text);
		free(v);
		free(f);
		text = tmp;
	}
	xasprintf(&tmp, "%sThe questions that follow show these answers filled in: keep "
	    "each one, or change it if you know better.", text);
	free(text);
	/* The node's text goes through answers_expand: a "$" read from a file stays one. */
	text = main_dollars(tmp);
	free(tmp);
	name = sanitize_str(ca->name);
	xasprintf(&tmp, "Settings read from %s (account \"%s\")",
	    client_program_title(ca->program), name);
	title = main_dollars(tmp);
	free(tmp);

	memset(&info, 0, sizeof info);
	info.id = (char *)"client-account-read";
	info.kind = TREE_INFO;
	info.section = 4;
	info.title = title;
	info.text = text;
	reply = ui->ops->info != NULL ? ui->ops->info(ui, w, &info) : UI_NEXT;
	free(title);
	free(text);
	if (reply == UI_QUIT || reply == UI_BACK) {
		free(name);
		main_import_undo(answers, before);
		return (reply == UI_QUIT ? 2 : 1);
	}
	main_account_set(ca);

	pw = main_key_node(tree, "smtp.password");
	if (ca->password != NULL && pw != NULL && pw->qtype == TREE_Q_SECRET &&
	    answers_find(answers, pw->key) == NULL && ui->ops->confirm != NULL) {
		xasprintf(&q, "The %s account \"%s\" has a password stored in its settings. "
		    "May sendfix use it to test the login? It is never shown, and never written "
		    "to the report.", ca->program, name);
		if (ui->ops->confirm(ui, q) == 1)
			answers_set(answers, pw->key, ca->password, ANSWER_GIVEN, 1);
		free(q);
	}
	free(name);
	return (0);
}

/*
 * The wizard's first screen, when the user's own mail programs (under --home or $HOME)
 * have accounts with an outgoing server: which one will not send? Returns 0 to go on to
 * the walk (with or without an account's answers), 1 when the user quit.
 */
static int
main_offer_accounts(const struct options *opts, const struct tree *tree, struct ui *ui,
    struct walk *w, struct answers *answers)
{
	struct client_list	 cl;
	struct tree_node	 q;
	struct tree_choice	*choices;
	enum ui_reply		 reply;
	const char		*home = opts->home;
	char			*value, *end;
	unsigned long		 k;
	size_t			 i;
	int			 r = 0, done = 0;

	memset(&cl, 0, sizeof cl);
	if (home == NULL) {
		home = getenv("HOME");
		cl.own_home = 1;
	}
	if (home == NULL || *home != '/')
		return (0);
	client_detect_all(&cl, home);
	if (cl.n == 0) {
		client_list_free(&cl);
		return (0);
	}
	choices = xcalloc(cl.n + 1, sizeof *choices);
	for (i = 0; i < cl.n; i++) {
		xasprintf(&choices[i].value, "%zu", i + 1);
		choices[i].label = client_account_describe(&cl.accounts[i],
		    cl.own_home ? home : NULL);
	}
	choices[cl.n].value = xstrdup("none");
	choices[cl.n].label = xstrdup("None of these / type my settings");

	memset(&q, 0, sizeof q);
	q.id = (char *)"client-accounts";
	q.kind = TREE_QUESTION;
	q.section = 4;		/* the guide's "Email client configuration" */
	q.qtype = TREE_Q_CHOICE;
	q.choices = choices;
	q.nchoices = cl.n + 1;
	q.title = (char *)"We found these accounts in your mail programs; which one will "
	    "not send?";
	q.text = (char *)"sendfix read them from the settings files of the mail programs "
	    "on this computer. Choose the one that fails, and sendfix starts from its "
	    "settings; or choose \"None of these\" and type yours.";
	q.help = (char *)"Each line names the mail program, the account, the address it "
	    "sends from, its outgoing server with the port and encryption, and the file and "
	    "line where sendfix read the server. Nothing is changed in those files. A "
	    "password stored there is used only if you agree, on a question of its own.";

	while (!done) {
		value = NULL;
		reply = ui->ops->ask(ui, w, &q, NULL, &value);
		switch (reply) {
		case UI_QUIT:
			r = 1;
			done = 1;
			break;
		case UI_BACK:
			if (ui->ops->message != NULL)
				ui->ops->message(ui, "This is the first question.");
			break;
		case UI_ANSWER:
			errno = 0;
			k = strtoul(value, &end, 10);
			if (errno != 0 || *end != '\0' || k < 1 || k > cl.n) {
				done = 1;	/* "None of these" */
				break;
			}
			switch (main_offer_pick(tree, ui, w, answers, &cl.accounts[k - 1],
			    cl.own_home ? home : NULL)) {
			case 0:
				done = 1;
				break;
			case 2:
				r = 1;
				done = 1;
				break;
			default:
				break;
			}
			break;
		default:
			done = 1;	/* "I don't know": the questions as usual */
			break;
		}
		free(value);
	}
	for (i = 0; i <= cl.n; i++) {
		free(choices[i].value);
		free(choices[i].label);
	}
	free(choices);
	client_list_free(&cl);
	return (r);
}

/*
 * --from-client: reads the mail program's settings under --home (or $HOME) and takes the
 * chosen account's values as answers. A stored password is used only in batch mode with
 * --use-stored-password (it is the user's explicit consent there). Returns 0, or -1 with
 * *cause (a usage error) when nothing is found or --account matches nothing.
 */
static int
main_from_client(const struct options *opts, const struct tree *tree,
    struct answers *answers, char **cause)
{
	struct client_list		 cl;
	const struct client_account	*ca;
	const struct tree_node		*n;
	const char			*home = opts->home;
	char				*h, *why;
	ssize_t				 idx;
	size_t				 i;

	memset(&cl, 0, sizeof cl);
	if (home == NULL) {
		home = getenv("HOME");
		cl.own_home = 1;
	}
	if (home == NULL || *home != '/') {
		xasprintf(cause, "--from-client needs --home DIR when $HOME is not set");
		return (-1);
	}
	if (client_detect(&cl, opts->from_client, home, cause) != 0)
		return (-1);
	if (cl.n == 0) {
		h = sanitize_str(home);
		if (strcmp(opts->from_client, "auto") == 0)
			xasprintf(cause, "no mail program settings with an outgoing server "
			    "found under %s", h);
		else
			xasprintf(cause, "no %s settings with an outgoing server found "
			    "under %s", opts->from_client, h);
		free(h);
		client_list_free(&cl);
		return (-1);
	}
	if ((idx = client_select(&cl, opts->account, cause)) == -1) {
		client_list_free(&cl);
		return (-1);
	}
	ca = &cl.accounts[idx];
	for (i = 0; i < CLIENT_NFIELDS; i++) {
		why = NULL;
		if (main_import(tree, answers, client_field_key(i), ca->field[i].value,
		    ca->program, ca->field[i].file, ca->field[i].line, &why) == -1) {
			main_error("%s", why);
			free(why);
		}
	}
	main_import(tree, answers, "client.program",
	    client_program_choice(ca->program), ca->program, "", 0, NULL);
	main_account_set(ca);
	n = main_key_node(tree, "smtp.password");
	if (ca->password != NULL && opts->use_stored_password &&
	    opts->mode == OPTIONS_MODE_BATCH && n != NULL &&
	    n->qtype == TREE_Q_SECRET && answers_find(answers, n->key) == NULL)
		answers_set(answers, n->key, ca->password, ANSWER_GIVEN, 1);
	client_list_free(&cl);
	return (0);
}

/*
 * Stores every --answer, checked against the question that asks it: a bad value is a usage
 * error naming the key and its allowed values. A secret question's key K is answered only
 * with K-file=PATH, never with the secret itself on the command line.
 */
static int
main_apply_answers(const struct tree *tree, const struct strlist *given,
    struct answers *answers, char **cause)
{
	const struct tree_node	*n;
	char			*key, *value, *base, *secret, *warning;
	size_t			 i, klen;
	int			 r = -1;

	for (i = 0; i < given->n; i++) {
		key = xstrdup(given->v[i]);
		value = strchr(key, '=');
		*value++ = '\0';
		n = main_key_node(tree, key);
		if (n != NULL && n->qtype == TREE_Q_SECRET) {
			xasprintf(cause, "%s cannot be given on the command line, where other "
			    "users can see it: use --answer %s-file=FILE", key, key);
			goto out;
		}
		klen = strlen(key);
		if (n == NULL && klen > 5 && strcmp(key + klen - 5, "-file") == 0) {
			base = xstrndup(key, klen - 5);
			n = main_key_node(tree, base);
			free(base);
			if (n == NULL || n->qtype != TREE_Q_SECRET) {
				xasprintf(cause, "unknown answer key \"%s\" (sendfix "
				    "--help-answers lists them)", key);
				goto out;
			}
			if (secret_file_read(value, &secret, &warning, cause) != 0)
				goto out;
			if (warning != NULL) {
				main_error("%s", warning);
				free(warning);
			}
			answers_set(answers, n->key, secret, ANSWER_GIVEN, 1);
			secret_free(secret);
			answers_set(answers, key, value, ANSWER_GIVEN, 0);
			free(key);
			continue;
		}
		if (n == NULL) {
			xasprintf(cause, "unknown answer key \"%s\" (sendfix --help-answers "
			    "lists them)", key);
			goto out;
		}
		if (tree_validate_answer(n, value, cause) != 0)
			goto out;
		if (strcmp(value, "dontknow") == 0)
			answers_set(answers, key, value, ANSWER_DONTKNOW, 0);
		else
			answers_set(answers, key, value, ANSWER_GIVEN, 0);
		free(key);
	}
	r = 0;
	return (r);
out:
	free(key);
	return (r);
}

static int
main_load_refhosts(const struct options *opts, struct probe_refhost **out, size_t *nout)
{
	const struct embedded_file	*e;
	struct probe_refhost		*v = NULL;
	char				*copy, *line, *save, *cause = NULL;
	size_t				 n = 0, i;

	if (opts->refhosts.n > 0) {
		v = xcalloc(opts->refhosts.n, sizeof *v);
		for (i = 0; i < opts->refhosts.n; i++) {
			if (probe_refhost_parse(opts->refhosts.v[i], &v[n], &cause) != 0) {
				main_error("--reference-host: %s", cause);
				free(cause);
				while (n > 0)
					probe_refhost_free(&v[--n]);
				free(v);
				return (-1);
			}
			n++;
		}
		*out = v;
		*nout = n;
		return (0);
	}
	if ((e = embedded_find(MAIN_REFHOSTS_NAME)) == NULL)
		fatalx("the built-in reference host list is missing");
	copy = xstrdup((const char *)e->data);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (*line == '#' || *line == '\0')
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		if (probe_refhost_parse(line, &v[n], &cause) != 0)
			fatalx("built-in reference host \"%s\": %s", line, cause);
		n++;
	}
	free(copy);
	*out = v;
	*nout = n;
	return (0);
}

static void
main_help_answers(const struct tree *tree)
{
	const struct tree_node	*n;
	size_t			 i, j;

	printf("Answer keys (--answer KEY=VALUE); every key also takes \"dontknow\".\n\n");
	for (i = 0; i < tree->nnodes + MAIN_NINTERFACE_KEYS; i++) {
		if (i < tree->nnodes) {
			n = tree->nodes[i];
			if (n->kind != TREE_QUESTION)
				continue;
		} else {
			n = &main_interface_keys[i - tree->nnodes];
			if (tree_find_key(tree, n->key) != NULL)
				continue;
		}
		if (n->qtype == TREE_Q_SECRET) {
			printf("  %s-file=FILE\n      a file holding the %s (never on the "
			    "command line)\n", n->key, n->title != NULL ? n->title : n->key);
			continue;
		}
		printf("  %s=", n->key);
		switch (n->qtype) {
		case TREE_Q_CHOICE:
			for (j = 0; j < n->nchoices; j++)
				printf("%s%s", j == 0 ? "" : "|", n->choices[j].value);
			break;
		case TREE_Q_YESNO:
			printf("yes|no");
			break;
		default:
			printf("%s", tree_format_name(n->format));
			break;
		}
		if (n->title != NULL)
			printf("\n      %s\n", n->title);
		else
			printf("\n");
	}
}

static void
main_help_probes(void)
{
	const struct probe *const	*p;
	const struct probe_param_spec	*s;
	const char *const		*o;

	for (p = probe_all(); *p != NULL; p++) {
		printf("%s: %s\n  parameters:", (*p)->name, (*p)->summary);
		for (s = (*p)->params; s->name != NULL; s++)
			printf(" %s%s", s->name, s->required ? "" : " (optional)");
		printf("\n  outcomes:");
		for (o = (*p)->outcomes; *o != NULL; o++)
			printf(" %s", *o);
		printf("\n");
	}
}

static int
main_run(const struct options *opts, const struct tree *tree, struct answers *answers)
{
	struct ui		 ui;
	struct walk		*w;
	struct probe_env	 env;
	struct probe_refhost	*refhosts = NULL;
	struct report_meta	 meta;
	enum report_format	 format;
	const char		*report = opts->report;
	char			*cause = NULL;
	size_t			 nrefhosts = 0, i;
	long long		 t0 = mono_ms();
	int			 r, status, started = 0;

	if (main_load_refhosts(opts, &refhosts, &nrefhosts) != 0)
		return (EXIT_USAGE);
	memset(&env, 0, sizeof env);
	env.timeout_ms = opts->timeout_s * 1000;
	env.resolver = opts->resolver;
	env.cafile = opts->cafile;
	env.send_test_to = opts->send_test_to;
	env.myip_resolver = opts->myip_resolver;
	env.myip_name = opts->myip_name;
	env.refhosts = refhosts;
	env.nrefhosts = nrefhosts;

	memset(&ui, 0, sizeof ui);
	ui.in = stdin;
	ui.out = stdout;
	ui.tty_fd = -1;
	if (opts->mode == OPTIONS_MODE_BATCH) {
		ui.ops = &ui_batch_ops;
		ui.quiet = !opts->verbose;
		/* A script wants the report: on standard output unless told otherwise. */
		if (report == NULL)
			report = "-";
	} else {
		ui.ops = &ui_plain_ops;
		ui.tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		/*
		 * In a terminal the full-screen wizard, unless curses cannot start there: then
		 * plain questions, after one sentence saying why.
		 */
		if (opts->mode == OPTIONS_MODE_AUTO && isatty(STDIN_FILENO) &&
		    isatty(STDOUT_FILENO)) {
			if (ui_curses_ops.init(&ui, &cause) == 0) {
				ui.ops = &ui_curses_ops;
				started = 1;
			} else {
				main_error("%s", cause);
				free(cause);
				cause = NULL;
			}
		}
	}

	memset(&meta, 0, sizeof meta);
	meta.version = PACKAGE_VERSION;
	meta.started = time(NULL);
	meta.started_mono = t0;
	ui.meta = &meta;

	w = walk_new(tree, answers);
	if (!started && ui.ops->init != NULL && ui.ops->init(&ui, &cause) != 0) {
		main_error("%s", cause);
		free(cause);
		cause = NULL;
		status = EXIT_USAGE;
		goto out;
	}
	/*
	 * A person at the wizard is first offered the accounts of their own mail programs,
	 * unless --from-client chose already; a script (batch mode) gets none of this.
	 */
	r = 0;
	if (opts->mode != OPTIONS_MODE_BATCH && opts->from_client == NULL)
		r = main_offer_accounts(opts, tree, &ui, w, answers);
	meta.imported = main_imported;
	meta.nimported = main_nimported;
	/* ui_drive itself starts again from the first screen when the result asks it to. */
	if (r == 0)
		r = ui_drive(&ui, w, &env, &cause);
	if (r == 0)
		main_fix_client(opts, &ui, w, &meta);
	if (ui.ops->fini != NULL)
		ui.ops->fini(&ui);
	if (r == 0)
		status = walk_exit_status(w);
	else {
		status = EXIT_INCONCLUSIVE;
		/* The front end has shown why (ui_drive passes it to ops->message). */
		if (r < 0)
			meta.note = cause;
		else
			meta.note = "stopped by the user before a diagnosis was reached";
	}
	meta.elapsed_ms = mono_ms() - t0;

	if (report != NULL && report_format_parse(opts->format, &format) == 0) {
		char	*rcause = NULL;

		if (report_save(report, format, w, &meta, &rcause) != 0) {
			main_error("%s", rcause);
			free(rcause);
			status = EXIT_USAGE;
		}
	}
out:
	free(cause);
	walk_free(w);
	if (ui.tty_fd != -1)
		close(ui.tty_fd);
	for (i = 0; i < nrefhosts; i++)
		probe_refhost_free(&refhosts[i]);
	free(refhosts);
	return (status);
}

int
main(int argc, char **argv)
{
	struct options	 opts;
	struct tree	*tree = NULL;
	struct answers	*answers;
	char		*cause = NULL;
	int		 status;

	main_protect_process();
	signal(SIGPIPE, SIG_IGN);
	setlocale(LC_ALL, "");
	if (argc > 1 && strcmp(argv[1], "explain") == 0)
		return (explain_main(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "probe") == 0) {
		status = probe_cli_main(argc - 1, argv + 1);
		probe_forget();
		return (status);
	}

	if (options_parse(argc, argv, &opts, &cause) != 0) {
		main_error("%s", cause);
		fputs("Try 'sendfix --help' for more information.\n", stderr);
		free(cause);
		options_free(&opts);
		return (EXIT_USAGE);
	}
	switch (opts.mode) {
	case OPTIONS_MODE_HELP:
		options_usage(stdout);
		options_free(&opts);
		return (EXIT_HEALTHY);
	case OPTIONS_MODE_VERSION:
		printf("sendfix %s\n", PACKAGE_VERSION);
		options_free(&opts);
		return (EXIT_HEALTHY);
	case OPTIONS_MODE_CHECK_TREE:
		status = main_check_tree(opts.check_tree);
		options_free(&opts);
		return (status);
	case OPTIONS_MODE_HELP_PROBES:
		main_help_probes();
		options_free(&opts);
		return (EXIT_HEALTHY);
	default:
		break;
	}

	if (main_load_tree(&opts, &tree) != 0) {
		options_free(&opts);
		return (EXIT_USAGE);
	}
	if (opts.mode == OPTIONS_MODE_HELP_ANSWERS) {
		main_help_answers(tree);
		tree_free(tree);
		options_free(&opts);
		return (EXIT_HEALTHY);
	}
	answers = answers_new();
	if (main_apply_answers(tree, &opts.answers, answers, &cause) != 0 ||
	    (opts.from_client != NULL &&
	    main_from_client(&opts, tree, answers, &cause) != 0)) {
		main_error("%s", cause);
		free(cause);
		status = EXIT_USAGE;
	} else
		status = main_run(&opts, tree, answers);
	main_import_undo(answers, 0);
	free(main_imported);
	main_account_set(NULL);
	answers_free(answers);
	tree_free(tree);
	/*
	 * What the probes remembered, the DNS and SMTP answers kept for repeats among it.
	 * Safe in every mode: a check or question still running on its thread holds its own
	 * entry and frees it when it ends.
	 */
	probe_forget();
	/*
	 * The full-screen wizard may leave a cancelled probe finishing on its thread as the
	 * program ends, still using the shared certificates; the other modes end with none.
	 */
	if (opts.mode == OPTIONS_MODE_PLAIN || opts.mode == OPTIONS_MODE_BATCH)
		tls_cred_cache_clear();
	options_free(&opts);
	return (status);
}
