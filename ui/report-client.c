/* report-client.c: the mail program's settings beside the ones that work, field by field. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client-config.h"
#include "report.h"
#include "sanitize.h"
#include "util.h"

static const struct report_import *report_client_import(const struct report_meta *,
		    const char *);
static const char *report_client_fact(const struct walk *, const char *, const char *);
static char	*report_client_dup(const char *);
static void	 report_client_lines(struct report_client *);

/* The rows, in the order every front end shows them. */
static const struct {
	const char	*key;
	const char	*label;
} report_client_rows[REPORT_CLIENT_NROWS] = {
	{ "smtp.host", "Server" },
	{ "smtp.port", "Port" },
	{ "smtp.security", "Security" },
	{ "smtp.user", "User name" }
};

static const struct report_import *
report_client_import(const struct report_meta *meta, const char *key)
{
	size_t	 i;

	for (i = 0; i < meta->nimported; i++) {
		if (strcmp(meta->imported[i].key, key) == 0)
			return (&meta->imported[i]);
	}
	return (NULL);
}

/*
 * The fact key of the last probe named probe (any probe when NULL) that has it with a
 * value: later probes saw more of the problem than earlier ones.
 */
static const char *
report_client_fact(const struct walk *w, const char *probe, const char *key)
{
	const char	*v;
	size_t		 i;

	for (i = w->nprobes; i > 0; i--) {
		if (probe != NULL && strcmp(w->probes[i - 1].probe->name, probe) != 0)
			continue;
		v = probe_result_get_fact(&w->probes[i - 1].result, key);
		if (v != NULL && *v != '\0')
			return (v);
	}
	return (NULL);
}

static char *
report_client_dup(const char *s)
{
	return (s != NULL && *s != '\0' ? xstrdup(s) : NULL);
}

const char *
report_client_words(const char *key, const char *value)
{
	if (value == NULL)
		return ("(not set)");
	if (strcmp(key, "smtp.security") != 0)
		return (value);
	if (strcmp(value, "none") == 0)
		return ("none");
	if (strcmp(value, "starttls") == 0)
		return ("STARTTLS");
	if (strcmp(value, "tls") == 0)
		return ("SSL/TLS");
	return (value);
}

/* msmtp and mutt: the lines of their own configuration that give the working settings. */
static void
report_client_lines(struct report_client *rc)
{
	const char	*host = rc->row[REPORT_CLIENT_HOST].works;
	const char	*port = rc->row[REPORT_CLIENT_PORT].works;
	const char	*sec = rc->row[REPORT_CLIENT_SECURITY].works;
	const char	*user = rc->row[REPORT_CLIENT_USER].works;
	char		*line, *ui;

	if (!rc->known || host == NULL || port == NULL || sec == NULL)
		return;
	if (strcmp(rc->program, "msmtp") == 0) {
		strlist_addf(&rc->lines, "host %s", host);
		strlist_addf(&rc->lines, "port %s", port);
		strlist_add(&rc->lines, strcmp(sec, "none") == 0 ? "tls off" : "tls on");
		if (strcmp(sec, "none") != 0)
			strlist_add(&rc->lines, strcmp(sec, "starttls") == 0 ?
			    "tls_starttls on" : "tls_starttls off");
		return;
	}
	if (strcmp(rc->program, "mutt") != 0 && strcmp(rc->program, "neomutt") != 0)
		return;
	if (user != NULL) {
		ui = client_fix_userinfo(user);
		xasprintf(&line, "set smtp_url = \"%s://%s@%s:%s/\"",
		    strcmp(sec, "tls") == 0 ? "smtps" : "smtp", ui, host, port);
		free(ui);
	} else
		xasprintf(&line, "set smtp_url = \"%s://%s:%s/\"",
		    strcmp(sec, "tls") == 0 ? "smtps" : "smtp", host, port);
	strlist_take(&rc->lines, line);
	strlist_add(&rc->lines, strcmp(sec, "starttls") == 0 ? "set ssl_starttls = yes" :
	    "set ssl_starttls = no");
	strlist_add(&rc->lines, strcmp(sec, "none") == 0 ? "set ssl_force_tls = no" :
	    "set ssl_force_tls = yes");
}

int
report_client_compare(const struct walk *w, const struct report_meta *meta,
    struct report_client *rc)
{
	const struct walk_outcome	*o;
	const struct report_import	*ri;
	struct report_client_row	*row;
	const char			*v, *login, *email;
	size_t				 i;

	memset(rc, 0, sizeof *rc);
	if (meta == NULL || meta->nimported == 0 || meta->imported == NULL)
		return (-1);
	rc->program = xstrdup(meta->imported[0].program);
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc->row[i];
		row->key = report_client_rows[i].key;
		row->label = report_client_rows[i].label;
		if ((ri = report_client_import(meta, row->key)) != NULL) {
			row->program = report_client_dup(ri->value);
			row->file = ri->file;
			row->line = ri->line;
		}
	}

	/*
	 * What works: the combination the last port matrix found working; else, when the
	 * walk found no fault, the settings it tested (the answers); else nothing is known.
	 */
	if ((v = report_client_fact(w, "smtp-matrix", "working-host")) != NULL) {
		rc->known = 1;
		rc->row[REPORT_CLIENT_HOST].works = xstrdup(v);
		rc->row[REPORT_CLIENT_PORT].works = report_client_dup(
		    report_client_fact(w, "smtp-matrix", "working-port"));
		rc->row[REPORT_CLIENT_SECURITY].works = report_client_dup(
		    report_client_fact(w, "smtp-matrix", "working-security"));
	} else if ((o = walk_outcome(w)) != NULL && o->verdict == TREE_VERDICT_HEALTHY) {
		rc->known = 1;
		for (i = 0; i < REPORT_CLIENT_USER; i++)
			rc->row[i].works = report_client_dup(answers_get(w->answers,
			    rc->row[i].key));
	}
	if (rc->known) {
		/* The provider's word on the login, when it has one; else the user's own. */
		login = report_client_fact(w, "provider", "login");
		email = answers_get(w->answers, "email");
		v = answers_get(w->answers, "smtp.user");
		if (login != NULL && strstr(login, "whole email address") != NULL &&
		    email != NULL && strcmp(email, "dontknow") != 0)
			v = email;
		if (v != NULL && strcmp(v, "dontknow") != 0)
			rc->row[REPORT_CLIENT_USER].works = xstrdup(v);
	}
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc->row[i];
		/* Host names are compared as DNS does, ignoring case. */
		row->change = row->program != NULL && row->works != NULL &&
		    (i == REPORT_CLIENT_HOST ? strcasecmp(row->program, row->works) :
		    strcmp(row->program, row->works)) != 0;
		if (row->change)
			rc->nchange++;
	}
	rc->open = report_client_dup(report_client_fact(w, "mail-program", "open"));
	report_client_lines(rc);
	return (0);
}

void
report_client_free(struct report_client *rc)
{
	size_t	 i;

	free(rc->program);
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		free(rc->row[i].program);
		free(rc->row[i].works);
	}
	free(rc->open);
	strlist_free(&rc->lines);
	memset(rc, 0, sizeof *rc);
}

/*
 * The text form, shared by the text report and the plain front end: a table when every
 * value fits its column, else one line per setting; then where each was read and where to
 * change it. Every string is sanitised.
 */
void
report_client_text(FILE *f, const struct report_client *rc)
{
	const struct report_client_row	*row;
	char				*prog, *col, *a, *b, *file, *s, *first;
	size_t				 i, wa, wb = 10;
	int				 table;

	prog = sanitize_str(rc->program);
	xasprintf(&col, "In %s", prog);
	wa = strlen(col);
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc->row[i];
		a = sanitize_str(report_client_words(row->key, row->program));
		b = sanitize_str(rc->known ? report_client_words(row->key, row->works) :
		    "(not found)");
		if (strlen(a) > wa)
			wa = strlen(a);
		if (strlen(b) > wb)
			wb = strlen(b);
		free(a);
		free(b);
	}
	/* Two columns of 28 beside the labels still fit 78 columns. */
	table = wa <= 28 && wb <= 28;
	if (rc->nchange > 0)
		fputs("  A * marks each setting to change.\n", f);
	else if (rc->known)
		fputs("  The mail program's settings are the ones that work.\n", f);
	else
		fputs("  sendfix found no settings that work to compare them with.\n", f);
	fputc('\n', f);
	if (table)
		fprintf(f, "    %-10s  %-*s  %s\n", "Setting", (int)wa, col, "What works");
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc->row[i];
		a = sanitize_str(report_client_words(row->key, row->program));
		b = sanitize_str(rc->known ? report_client_words(row->key, row->works) :
		    "(not found)");
		if (table)
			fprintf(f, "  %s %-10s  %-*s  %s\n", row->change ? "*" : " ",
			    row->label, (int)wa, a, b);
		else {
			xasprintf(&s, "%s in %s; what works: %s", a, prog, b);
			xasprintf(&first, "  %s %s: ", row->change ? "*" : " ", row->label);
			report_wrap(f, first, "      ", s, 78);
			free(first);
			free(s);
		}
		free(a);
		free(b);
	}
	free(col);

	if (rc->nchange > 0 && rc->lines.n > 0) {
		file = sanitize_str(rc->row[REPORT_CLIENT_HOST].file);
		xasprintf(&s, "These %s lines work; they replace the ones of the account in %s:",
		    prog, file);
		fputc('\n', f);
		report_wrap(f, "  ", "  ", s, 78);
		free(s);
		free(file);
		for (i = 0; i < rc->lines.n; i++) {
			s = sanitize_str(rc->lines.v[i]);
			fprintf(f, "    %s\n", s);
			free(s);
		}
	} else if (rc->nchange > 0 && rc->open != NULL) {
		s = report_unfold(rc->open);
		fputc('\n', f);
		report_wrap(f, "  Where to change them: ", "    ", s, 78);
		free(s);
	}
	free(prog);
}

/*
 * Where each imported answer was read, by file: the file's name on a line of its own and
 * never broken (it is for copying), then the answers read from it with their lines.
 */
void
report_client_sources(FILE *f, const struct report_meta *meta)
{
	const struct report_import	*ri;
	struct strlist			 keys;
	char				*file, *s, *tmp;
	size_t				 i, j;
	int				*done;

	done = xcalloc(meta->nimported + 1, sizeof *done);
	for (i = 0; i < meta->nimported; i++) {
		ri = &meta->imported[i];
		/* client.program is the program itself, read from no line. */
		if (done[i] || ri->file == NULL || *ri->file == '\0')
			continue;
		file = sanitize_str(ri->file);
		fprintf(f, "    %s\n", file);
		free(file);
		memset(&keys, 0, sizeof keys);
		for (j = i; j < meta->nimported; j++) {
			if (done[j] || strcmp(meta->imported[j].file, ri->file) != 0)
				continue;
			done[j] = 1;
			tmp = sanitize_str(meta->imported[j].key);
			strlist_addf(&keys, "%s (line %u)", tmp, meta->imported[j].line);
			free(tmp);
		}
		s = xstrdup("");
		for (j = 0; j < keys.n; j++) {
			xasprintf(&tmp, "%s%s%s", s, j == 0 ? "" : ", ", keys.v[j]);
			free(s);
			s = tmp;
		}
		report_wrap(f, "      ", "      ", s, 78);
		free(s);
		strlist_free(&keys);
	}
	free(done);
}
