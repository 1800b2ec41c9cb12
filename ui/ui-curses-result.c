/* ui-curses-result.c: the diagnosis screen, saving the report, and the tests' details. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "causes.h"
#include "curses-wrap.h"
#include "report.h"
#include "sanitize.h"

struct ui_curses_result {
	struct ui_curses	*uc;
	const struct walk	*w;
	const struct report_meta *meta;	/* the answers read from a mail program */
	int			 action;	/* 's', 't', 'a', or 0 */
};

/* The save prompt's state. */
struct ui_curses_save {
	struct ui_curses	*uc;
	struct ui_curses_field	 field;
	int			 ok;		/* Enter: save to the field's path */
};

static const struct ui_curses_keyhelp ui_curses_result_keys[] = {
	{ "s", "save report" },
	{ "t", "details" },
	{ "a", "start again" },
	{ "q", "quit" },
	{ NULL, NULL }
};
static const struct ui_curses_keyhelp ui_curses_save_keys[] = {
	{ "Enter", "save" },
	{ "Esc", "cancel" },
	{ NULL, NULL }
};

static void	 ui_curses_result_build(struct ui_curses_view *, struct ui_curses_doc *);
static int	 ui_curses_result_key(struct ui_curses_view *, const struct ui_curses_key *);
static void	 ui_curses_details_build(struct ui_curses_view *, struct ui_curses_doc *);
static void	 ui_curses_save_build(struct ui_curses_view *, struct ui_curses_doc *);
static int	 ui_curses_save_key(struct ui_curses_view *, const struct ui_curses_key *);
static int	 ui_curses_save(struct ui_curses *, const struct walk *,
		     struct ui_curses_view *);
static const char *ui_curses_home(void);
static char	*ui_curses_default_path(void);
static char	*ui_curses_expand_path(const char *);
static void	 ui_curses_list(struct ui_curses_doc *, const struct strlist *, int);
static void	 ui_curses_result_client(struct ui_curses_doc *, const struct walk *,
		     const struct report_meta *);

static void
ui_curses_list(struct ui_curses_doc *d, const struct strlist *l, int numbered)
{
	char	*prefix;
	size_t	 i;

	for (i = 0; i < l->n; i++) {
		if (numbered)
			xasprintf(&prefix, "%zu. ", i + 1);
		else
			xasprintf(&prefix, "%s ", d->uc->sym->bullet);
		ui_curses_doc_item(d, prefix, l->v[i], UI_CURSES_NORMAL, 1, UI_CURSES_STORED);
		free(prefix);
	}
}

/*
 * The mail program's settings (--from-client, or an account picked on the first screen)
 * beside the ones that work, one line per setting, marking those to change; then the lines
 * for msmtp or mutt, and the files they were read from.
 */
static void
ui_curses_result_client(struct ui_curses_doc *d, const struct walk *w,
    const struct report_meta *meta)
{
	struct report_client		 rc;
	const struct report_client_row	*row;
	const char			*a, *b;
	char				*s;
	size_t				 i;

	if (report_client_compare(w, meta, &rc) != 0)
		return;
	xasprintf(&s, "Your %s settings beside the ones that work", rc.program);
	ui_curses_doc_text(d, s, UI_CURSES_HEADING, 0, UI_CURSES_RAW);
	free(s);
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc.row[i];
		a = report_client_words(row->key, row->program);
		b = report_client_words(row->key, row->works);
		if (!rc.known)
			xasprintf(&s, "%s: %s (nothing that works was found to compare)",
			    row->label, a);
		else if (row->change)
			xasprintf(&s, "%s: %s now; change it to %s", row->label, a, b);
		else
			xasprintf(&s, "%s: %s, which works", row->label, a);
		ui_curses_doc_item(d, row->change ? "* " : "  ", s, row->change ?
		    UI_CURSES_ERROR : UI_CURSES_NORMAL, 1, UI_CURSES_RAW);
		free(s);
	}
	if (rc.nchange > 0 && rc.lines.n > 0) {
		ui_curses_doc_blank(d);
		xasprintf(&s, "These %s lines work; they replace the account's lines in %s:",
		    rc.program, rc.row[REPORT_CLIENT_HOST].file != NULL ?
		    rc.row[REPORT_CLIENT_HOST].file : "its file");
		ui_curses_doc_text(d, s, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
		free(s);
		for (i = 0; i < rc.lines.n; i++)
			ui_curses_doc_item(d, "    ", rc.lines.v[i], UI_CURSES_NORMAL, 1,
			    UI_CURSES_RAW);
	}
	ui_curses_doc_blank(d);
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc.row[i];
		if (row->file == NULL || *row->file == '\0')
			continue;
		xasprintf(&s, "%s read from %s, line %u", row->label, row->file, row->line);
		ui_curses_doc_item(d, "- ", s, UI_CURSES_NORMAL, 1, UI_CURSES_RAW);
		free(s);
	}
	ui_curses_doc_blank(d);
	report_client_free(&rc);
}

static void
ui_curses_result_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_result		*res = v->arg;
	const struct walk_outcome	*o = walk_outcome(res->w);
	const struct cause		*c;
	const char			*section, *head;
	char				*s;
	size_t				 i;

	if (o == NULL) {
		ui_curses_doc_text(d, "sendfix could not reach a diagnosis.", UI_CURSES_TITLE,
		    0, UI_CURSES_RAW);
		return;
	}
	switch (o->verdict) {
	case TREE_VERDICT_FAULT:
		if (o->nalso > 0)
			head = "sendfix found several problems; fix this one first:";
		else if (o->ncauses > 1)
			head = "sendfix found the most likely problem:";
		else
			head = "sendfix found the problem:";
		break;
	case TREE_VERDICT_HEALTHY:
		head = "sendfix found no fault:";
		break;
	default:
		head = "sendfix could not find a clear answer:";
		break;
	}
	ui_curses_doc_text(d, head, UI_CURSES_HEADING, 0, UI_CURSES_RAW);
	ui_curses_doc_text(d, o->title != NULL ? o->title : "", UI_CURSES_TITLE, 0,
	    UI_CURSES_STORED);
	ui_curses_doc_blank(d);
	if (o->text != NULL && *o->text != '\0') {
		ui_curses_doc_text(d, o->text, UI_CURSES_NORMAL, 0, UI_CURSES_STORED);
		ui_curses_doc_blank(d);
	}
	if (o->evidence.n > 0) {
		ui_curses_doc_text(d, "Why sendfix thinks so", UI_CURSES_HEADING, 0,
		    UI_CURSES_RAW);
		ui_curses_list(d, &o->evidence, 0);
		ui_curses_doc_blank(d);
	}
	if (o->fix.n > 0) {
		ui_curses_doc_text(d, "What to do", UI_CURSES_HEADING, 0, UI_CURSES_RAW);
		ui_curses_list(d, &o->fix, 1);
		ui_curses_doc_blank(d);
	}
	ui_curses_result_client(d, res->w, res->meta);
	if (o->ncauses > 0 && (section = cause_section_title(o->causes[0].cause->section)) !=
	    NULL) {
		xasprintf(&s, "In the troubleshooting guide this is section %d, \"%s\".",
		    o->causes[0].cause->section, section);
		ui_curses_doc_text(d, s, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
		free(s);
		ui_curses_doc_blank(d);
	}
	if (o->nalso > 0) {
		ui_curses_doc_text(d, "Also found: fix these next, in this order",
		    UI_CURSES_HEADING, 0, UI_CURSES_RAW);
		for (i = o->ncauses - o->nalso; i < o->ncauses; i++) {
			c = o->causes[i].cause;
			ui_curses_doc_item(d, "- ", c->title, UI_CURSES_NORMAL, 1,
			    UI_CURSES_RAW);
			ui_curses_list(d, &o->causes[i].evidence, 0);
			ui_curses_list(d, &o->causes[i].fix, 1);
		}
		ui_curses_doc_blank(d);
	}
	if (o->ncauses - o->nalso > 1) {
		ui_curses_doc_text(d, "Other possible causes, less likely", UI_CURSES_HEADING, 0,
		    UI_CURSES_RAW);
		for (i = 1; i < o->ncauses - o->nalso; i++) {
			c = o->causes[i].cause;
			section = cause_section_title(c->section);
			if (section != NULL)
				xasprintf(&s, "%s (guide section %d, \"%s\")", c->title,
				    c->section, section);
			else
				xasprintf(&s, "%s", c->title);
			ui_curses_doc_item(d, "- ", s, UI_CURSES_NORMAL, 1, UI_CURSES_RAW);
			free(s);
			ui_curses_list(d, &o->causes[i].fix, 1);
		}
		ui_curses_doc_blank(d);
	}
	ui_curses_doc_text(d, "Press s to save a report you can keep or send to your "
	    "helpdesk, t to see what each test did, a to start again, or q to quit.",
	    UI_CURSES_HINT, 0, UI_CURSES_RAW);
}

static int
ui_curses_result_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	struct ui_curses_result	*res = v->arg;

	if (k->code == KEY_F(10))
		return (UI_CURSES_ASKQUIT);
	if (k->code != 0)
		return (ui_curses_scroll_key(v, k));
	switch (k->ch) {
	case 'q':
	case 'Q':
		return (UI_CURSES_ASKQUIT);
	case 's':
	case 'S':
	case 't':
	case 'T':
	case 'a':
	case 'A':
		res->action = (int)(k->ch | 0x20);
		return (UI_CURSES_BREAK);
	default:
		return (ui_curses_scroll_key(v, k));
	}
}

/* Every test, with its evidence and what was sent and received (AUTH already redacted). */
static void
ui_curses_details_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_result		*res = v->arg;
	const struct walk		*w = res->w;
	const struct walk_probe		*wp;
	const struct probe_result	*r;
	char				*s, *title;
	size_t				 i, j;

	ui_curses_doc_text(d, "What each test did", UI_CURSES_TITLE, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	if (w->nprobes == 0) {
		ui_curses_doc_text(d, "No test was run.", UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
		return;
	}
	for (i = 0; i < w->nprobes; i++) {
		wp = &w->probes[i];
		r = &wp->result;
		title = answers_expand(w->answers, wp->node->title != NULL ?
		    wp->node->title : wp->node->id, "(unknown)");
		xasprintf(&s, "%zu. %s", i + 1, title);
		ui_curses_doc_text(d, s, UI_CURSES_HEADING, 0, UI_CURSES_RAW);
		free(s);
		free(title);
		xasprintf(&s, "Test \"%s\" on %s: %s after %lld.%lld s", wp->node->probe,
		    r->target != NULL ? r->target : "(nothing)",
		    r->outcome != NULL ? r->outcome : "no result", r->elapsed_ms / 1000,
		    (r->elapsed_ms % 1000) / 100);
		ui_curses_doc_item(d, "", s, UI_CURSES_NORMAL, 1, UI_CURSES_STORED);
		free(s);
		ui_curses_list(d, &r->evidence, 0);
		if (r->transcript.n > 0) {
			ui_curses_doc_text(d, "Sent (C) and received (S):", UI_CURSES_HEADING,
			    1, UI_CURSES_RAW);
			for (j = 0; j < r->transcript.n; j++)
				ui_curses_doc_item(d, "", r->transcript.v[j], UI_CURSES_NORMAL,
				    3, UI_CURSES_STORED);
		}
		ui_curses_doc_blank(d);
	}
}

static const char *
ui_curses_home(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && *home == '/')
		return (home);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL && *pw->pw_dir == '/')
		return (pw->pw_dir);
	return (NULL);
}

/* ~/sendfix-report-YYYYMMDD-HHMM.txt, as the user sees it (expanded when saving). */
static char *
ui_curses_default_path(void)
{
	char		 stamp[32], *path;
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M", &tm) == 0)
		strncpy(stamp, "report", sizeof stamp);
	if (getenv("HOME") != NULL && *getenv("HOME") == '/')
		xasprintf(&path, "~/sendfix-report-%s.txt", stamp);
	else if (ui_curses_home() != NULL)
		xasprintf(&path, "%s/sendfix-report-%s.txt", ui_curses_home(), stamp);
	else
		xasprintf(&path, "sendfix-report-%s.txt", stamp);
	return (path);
}

static char *
ui_curses_expand_path(const char *typed)
{
	const char	*home;
	char		*path;

	if ((strcmp(typed, "~") == 0 || strncmp(typed, "~/", 2) == 0) &&
	    (home = ui_curses_home()) != NULL) {
		xasprintf(&path, "%s%s", home, typed + 1);
		return (path);
	}
	return (xstrdup(typed));
}

static void
ui_curses_save_build(__attribute__((unused)) struct ui_curses_view *v,
    struct ui_curses_doc *d)
{
	ui_curses_doc_text(d, "Save the report", UI_CURSES_TITLE, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, "The report lists your answers (never your password), what "
	    "each test found, and the steps to fix the problem. Type where to save it and "
	    "press Enter; a name ending in .json saves it for programs.", UI_CURSES_NORMAL, 0,
	    UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	ui_curses_doc_focus(d);
	ui_curses_doc_field(d, 1);
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, "Press Esc to go back without saving.", UI_CURSES_HINT, 0,
	    UI_CURSES_RAW);
}

static int
ui_curses_save_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	struct ui_curses_save	*sv = v->arg;

	if (k->code == KEY_ENTER || (k->code == 0 && (k->ch == '\r' || k->ch == '\n'))) {
		sv->ok = 1;
		return (UI_CURSES_BREAK);
	}
	if (k->code == 0 && k->ch == UI_CURSES_KEY_ESC) {
		sv->ok = 0;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(10))
		return (UI_CURSES_ASKQUIT);
	return (ui_curses_field_key(&sv->field, k));
}

/*
 * Asks for a path (default ~/sendfix-report-YYYYMMDD-HHMM.txt) and saves the report there
 * with report_save. Returns 0 (saved, or the user changed their mind; the result screen's
 * status says which), or -1 when the program is stopping.
 */
static int
ui_curses_save(struct ui_curses *uc, const struct walk *w, struct ui_curses_view *rv)
{
	struct ui_curses_save	 sv;
	struct ui_curses_view	 v;
	struct report_meta	 meta;
	enum report_format	 format;
	char			*path, *def, *cause = NULL, *msg;
	size_t			 len;
	int			 r = 0;

	memset(&sv, 0, sizeof sv);
	sv.uc = uc;
	def = ui_curses_default_path();
	ui_curses_field_init(&sv.field, uc->text, sizeof uc->text, 0, def);
	free(def);
	ui_curses_view_init(&v, uc);
	v.crumb = xstrdup("sendfix > Result > Save the report");
	v.keys = ui_curses_save_keys;
	v.build = ui_curses_save_build;
	v.key = ui_curses_save_key;
	v.arg = &sv;
	v.field = &sv.field;

	for (;;) {
		sv.ok = 0;
		if (ui_curses_run(uc, &v) != 0) {
			r = -1;
			break;
		}
		if (!sv.ok) {
			ui_curses_view_status(rv, UI_CURSES_NORMAL, "The report was not saved.");
			break;
		}
		if (sv.field.len == 0 || strcmp(uc->text, "-") == 0) {
			ui_curses_view_status(&v, UI_CURSES_ERROR, "Type a file name, for "
			    "example ~/sendfix-report.txt.");
			continue;
		}
		path = ui_curses_expand_path(uc->text);
		len = strlen(path);
		format = len > 5 && strcmp(path + len - 5, ".json") == 0 ? REPORT_JSON :
		    REPORT_TEXT;
		memset(&meta, 0, sizeof meta);
		if (uc->ui->meta != NULL)
			meta = *uc->ui->meta;
		if (meta.version == NULL)
			meta.version = PACKAGE_VERSION;
		if (meta.started == 0)
			meta.started = time(NULL);
		/* Saved before the run ends: so far, on the clock a wall-clock change leaves alone. */
		if (meta.elapsed_ms == 0 && meta.started_mono != 0)
			meta.elapsed_ms = mono_ms() - meta.started_mono;
		if (report_save(path, format, w, &meta, &cause) != 0) {
			xasprintf(&msg, "Could not save the report: %s", cause);
			ui_curses_view_status(&v, UI_CURSES_ERROR, msg);
			free(msg);
			free(cause);
			cause = NULL;
			free(path);
			continue;
		}
		xasprintf(&msg, "The report was saved to %s", path);
		ui_curses_view_status(rv, UI_CURSES_GOOD, msg);
		free(msg);
		free(uc->saved);
		uc->saved = path;
		break;
	}
	ui_curses_field_wipe(&sv.field);
	ui_curses_view_clear(&v);
	return (r);
}

void
ui_curses_show_result(struct ui *ui, const struct walk *w)
{
	struct ui_curses		*uc = ui_curses_get(ui);
	const struct walk_outcome	*o = walk_outcome(w);
	struct ui_curses_result		 res;
	struct ui_curses_view		 v;
	const char			*section;

	if (ui_curses_stopping(uc))
		return;
	free(uc->summary);
	uc->summary = o != NULL && o->title != NULL ? xstrdup(o->title) : NULL;

	memset(&res, 0, sizeof res);
	res.uc = uc;
	res.w = w;
	res.meta = ui->meta;
	ui_curses_view_init(&v, uc);
	v.follow = 0;
	/* The conclusion's guide section is its most likely cause's. */
	if (o != NULL && o->ncauses > 0 &&
	    (section = cause_section_title(o->causes[0].cause->section)) != NULL)
		xasprintf(&v.crumb, "sendfix > %s > Result", section);
	else
		v.crumb = ui_curses_crumb(w, o != NULL ? o->node : NULL, "Result");
	v.keys = ui_curses_result_keys;
	v.build = ui_curses_result_build;
	v.key = ui_curses_result_key;
	v.arg = &res;
	for (;;) {
		res.action = 0;
		if (ui_curses_run(uc, &v) != 0)
			break;
		if (res.action == 'a') {
			ui->restart = 1;
			break;
		}
		if (res.action == 's' && ui_curses_save(uc, w, &v) != 0)
			break;
		if (res.action == 't' && ui_curses_pager(uc, "sendfix > Result > Details",
		    ui_curses_details_build, &res) != 0)
			break;
	}
	ui_curses_view_clear(&v);
}
