/* ui-curses-ask.c: the question screens (choices, yes/no, text, password), info and help. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "curses-wrap.h"
#include "sanitize.h"

/* One screen's question and what the user did with it. */
struct ui_curses_ask {
	struct ui_curses	*uc;
	const struct walk	*w;
	const struct tree_node	*node;
	char			*title;		/* expanded, not yet sanitised */
	char			*text;
	const char		**labels;	/* choices, then "I don't know" */
	size_t			 nlabels;
	size_t			 sel;
	struct ui_curses_field	 field;
	int			 first;		/* the walk's first screen: say how to move */
	int			 help;		/* the user asked for help */
	enum ui_reply		 reply;
	char			*value;
};

static const struct ui_curses_keyhelp ui_curses_info_keys[] = {
	{ "Enter", "continue" },
	{ "Esc", "back" },
	{ "q", "quit" },
	{ NULL, NULL }
};
static const struct ui_curses_keyhelp ui_curses_choice_keys[] = {
	{ "Enter", "next" },
	{ "Esc", "back" },
	{ "?", "help" },
	{ "q", "quit" },
	{ "0", "I don't know" },
	{ NULL, NULL }
};
static const struct ui_curses_keyhelp ui_curses_text_keys[] = {
	{ "Enter", "next" },
	{ "Esc", "back" },
	{ "F1", "help" },
	{ "F10", "quit" },
	{ NULL, NULL }
};

static const struct ui_curses_keyhelp ui_curses_confirm_keys[] = {
	{ "Enter", "choose" },
	{ "y", "yes" },
	{ "n", "no" },
	{ "q", "quit" },
	{ NULL, NULL }
};

static const char *const ui_curses_yesno[] = { "Yes", "No" };

/* A yes/no question outside the tree; No is chosen until the user moves. */
struct ui_curses_confirm {
	const char	*question;
	size_t		 sel;		/* 0 yes, 1 no */
	int		 yes;
};

static void	 ui_curses_ask_setup(struct ui_curses_ask *, struct ui_curses *,
		     const struct walk *, const struct tree_node *);
static void	 ui_curses_ask_clear(struct ui_curses_ask *);
static void	 ui_curses_ask_head(struct ui_curses_ask *, struct ui_curses_doc *);
static void	 ui_curses_ask_build(struct ui_curses_view *, struct ui_curses_doc *);
static int	 ui_curses_ask_key(struct ui_curses_view *, const struct ui_curses_key *);
static int	 ui_curses_ask_choice_key(struct ui_curses_ask *, const struct ui_curses_key *);
static int	 ui_curses_ask_text_key(struct ui_curses_view *, struct ui_curses_ask *,
		     const struct ui_curses_key *);
static int	 ui_curses_ask_pick(struct ui_curses_ask *, size_t);
static void	 ui_curses_info_build(struct ui_curses_view *, struct ui_curses_doc *);
static int	 ui_curses_info_key(struct ui_curses_view *, const struct ui_curses_key *);
static void	 ui_curses_help_build(struct ui_curses_view *, struct ui_curses_doc *);
static int	 ui_curses_is_back(const struct ui_curses_key *);
static int	 ui_curses_is_enter(const struct ui_curses_key *);
static char	*ui_curses_trim(const char *);
static void	 ui_curses_confirm_build(struct ui_curses_view *, struct ui_curses_doc *);
static int	 ui_curses_confirm_key(struct ui_curses_view *, const struct ui_curses_key *);

static int
ui_curses_is_back(const struct ui_curses_key *k)
{
	return (k->code == KEY_LEFT || k->code == KEY_BACKSPACE ||
	    (k->code == 0 && (k->ch == UI_CURSES_KEY_ESC || k->ch == 0x7f || k->ch == 8)));
}

static int
ui_curses_is_enter(const struct ui_curses_key *k)
{
	return (k->code == KEY_ENTER || (k->code == 0 && (k->ch == '\r' || k->ch == '\n')));
}

static void
ui_curses_ask_setup(struct ui_curses_ask *a, struct ui_curses *uc, const struct walk *w,
    const struct tree_node *n)
{
	size_t	 i;

	memset(a, 0, sizeof *a);
	a->uc = uc;
	a->w = w;
	a->node = n;
	a->title = answers_expand(w->answers, n->title != NULL ? n->title : "", "(unknown)");
	a->text = answers_expand(w->answers, n->text != NULL ? n->text : "", "(unknown)");
	/* A screen from outside the tree (the mail program accounts) is never the first. */
	a->first = w->nsteps <= 1 && walk_current(w) == n;
	if (n->kind != TREE_QUESTION)
		return;
	if (n->qtype == TREE_Q_CHOICE) {
		a->nlabels = n->nchoices + 1;
		a->labels = xcalloc(a->nlabels, sizeof *a->labels);
		for (i = 0; i < n->nchoices; i++)
			a->labels[i] = n->choices[i].label;
	} else if (n->qtype == TREE_Q_YESNO) {
		a->nlabels = 3;
		a->labels = xcalloc(a->nlabels, sizeof *a->labels);
		a->labels[0] = ui_curses_yesno[0];
		a->labels[1] = ui_curses_yesno[1];
	}
	if (a->nlabels > 0)
		a->labels[a->nlabels - 1] = "I don't know";
}

static void
ui_curses_ask_clear(struct ui_curses_ask *a)
{
	free(a->title);
	free(a->text);
	free(a->labels);
	ui_curses_field_wipe(&a->field);
}

/* The title and the text every screen starts with. */
static void
ui_curses_ask_head(struct ui_curses_ask *a, struct ui_curses_doc *d)
{
	if (*a->title != '\0') {
		ui_curses_doc_text(d, a->title, UI_CURSES_TITLE, 0, UI_CURSES_RAW);
		ui_curses_doc_blank(d);
	}
	if (*a->text != '\0') {
		ui_curses_doc_text(d, a->text, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
		ui_curses_doc_blank(d);
	}
}

static void
ui_curses_ask_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_ask	*a = v->arg;
	const struct tree_node	*n = a->node;
	char			*prefix;
	size_t			 i;

	ui_curses_ask_head(a, d);
	if (a->nlabels > 0) {
		for (i = 0; i < a->nlabels; i++) {
			xasprintf(&prefix, "%s %zu. ", i == a->sel ? a->uc->sym->pointer : " ",
			    i + 1 == a->nlabels ? 0 : i + 1);
			if (i == a->sel)
				ui_curses_doc_focus(d);
			ui_curses_doc_item(d, prefix, a->labels[i], i == a->sel ?
			    UI_CURSES_SELECTED : UI_CURSES_NORMAL, 1, UI_CURSES_RAW);
			free(prefix);
		}
		ui_curses_doc_blank(d);
		ui_curses_doc_text(d, "Choose with the arrow keys and press Enter, or press "
		    "the number. Press ? for help with this question.", UI_CURSES_HINT, 0,
		    UI_CURSES_RAW);
		return;
	}
	ui_curses_doc_focus(d);
	ui_curses_doc_field(d, 1);
	ui_curses_doc_blank(d);
	if (n->qtype == TREE_Q_SECRET)
		ui_curses_doc_text(d, "What you type is shown as stars and is never saved. "
		    "Press Enter when done, or Enter on an empty field if you do not know it. "
		    "F1 shows help.", UI_CURSES_HINT, 0, UI_CURSES_RAW);
	else
		ui_curses_doc_text(d, "Type the answer and press Enter. If you do not know "
		    "it, leave the field empty and press Enter. Press F1 (or ? in an empty "
		    "field) for help with this question.", UI_CURSES_HINT, 0, UI_CURSES_RAW);
}

/* Answers with choice i (the last one is "I don't know"). */
static int
ui_curses_ask_pick(struct ui_curses_ask *a, size_t i)
{
	if (i + 1 >= a->nlabels)
		a->reply = UI_DONTKNOW;
	else {
		a->reply = UI_ANSWER;
		if (a->node->qtype == TREE_Q_YESNO)
			a->value = xstrdup(i == 0 ? "yes" : "no");
		else
			a->value = xstrdup(a->node->choices[i].value);
	}
	a->sel = i;
	return (UI_CURSES_BREAK);
}

static int
ui_curses_ask_choice_key(struct ui_curses_ask *a, const struct ui_curses_key *k)
{
	switch (k->code) {
	case KEY_UP:
		if (a->sel > 0)
			a->sel--;
		return (UI_CURSES_REDRAW);
	case KEY_DOWN:
		if (a->sel + 1 < a->nlabels)
			a->sel++;
		return (UI_CURSES_REDRAW);
	case KEY_HOME:
		a->sel = 0;
		return (UI_CURSES_REDRAW);
	case KEY_END:
		a->sel = a->nlabels - 1;
		return (UI_CURSES_REDRAW);
	case KEY_RIGHT:
		return (ui_curses_ask_pick(a, a->sel));
	case 0:
		break;
	default:
		return (0);
	}
	if (k->ch == 'k' && a->sel > 0)
		a->sel--;
	else if (k->ch == 'j' && a->sel + 1 < a->nlabels)
		a->sel++;
	else if (k->ch == '0')
		return (ui_curses_ask_pick(a, a->nlabels - 1));
	else if (k->ch >= '1' && k->ch <= '9' && (size_t)(k->ch - '0') < a->nlabels)
		return (ui_curses_ask_pick(a, (size_t)(k->ch - '1')));
	else if (a->node->qtype == TREE_Q_YESNO && (k->ch == 'y' || k->ch == 'Y'))
		return (ui_curses_ask_pick(a, 0));
	else if (a->node->qtype == TREE_Q_YESNO && (k->ch == 'n' || k->ch == 'N'))
		return (ui_curses_ask_pick(a, 1));
	else if (k->ch == ' ')
		return (ui_curses_ask_pick(a, a->sel));
	else
		return (0);
	return (UI_CURSES_REDRAW);
}

/* A copy without the blanks around it (a pasted host name often brings some). */
static char *
ui_curses_trim(const char *s)
{
	size_t	 len;

	while (*s == ' ')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return (xstrndup(s, len));
}

static int
ui_curses_ask_text_key(struct ui_curses_view *v, struct ui_curses_ask *a,
    const struct ui_curses_key *k)
{
	struct ui_curses_field	*f = &a->field;
	char			*value, *cause = NULL;
	int			 secret = a->node->qtype == TREE_Q_SECRET, held;

	if (ui_curses_is_enter(k)) {
		if (secret) {
			/* The value is copied out by the caller, then this buffer is wiped. */
			a->reply = f->len == 0 ? UI_DONTKNOW : UI_ANSWER;
			return (UI_CURSES_BREAK);
		}
		value = ui_curses_trim(f->buf);
		if (*value == '\0') {
			free(value);
			a->reply = UI_DONTKNOW;
			return (UI_CURSES_BREAK);
		}
		/* Said here, where the answer can be corrected at once. */
		if (tree_validate_answer(a->node, value, &cause) != 0) {
			ui_curses_view_status(v, UI_CURSES_ERROR, cause);
			free(cause);
			free(value);
			return (UI_CURSES_REDRAW);
		}
		a->reply = UI_ANSWER;
		a->value = value;
		return (UI_CURSES_BREAK);
	}
	if (k->code == 0 && k->ch == UI_CURSES_KEY_ESC) {
		a->reply = UI_BACK;
		return (UI_CURSES_BREAK);
	}
	/* Backspace on an empty field goes back, but a held Backspace stops there. */
	held = f->lastkey == KEY_BACKSPACE || f->lastkey == 0x7f || f->lastkey == 8;
	if ((k->code == KEY_BACKSPACE || (k->code == 0 && (k->ch == 0x7f || k->ch == 8))) &&
	    f->len == 0 && !held) {
		a->reply = UI_BACK;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(1) || (k->code == 0 && k->ch == '?' && f->len == 0 && !secret)) {
		a->help = 1;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(10))
		return (UI_CURSES_ASKQUIT);
	if (k->code == KEY_UP || k->code == KEY_DOWN || k->code == KEY_PPAGE ||
	    k->code == KEY_NPAGE)
		return (ui_curses_scroll_key(v, k));
	v->follow = 1;
	return (ui_curses_field_key(f, k));
}

static int
ui_curses_ask_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	struct ui_curses_ask	*a = v->arg;
	int			 r;

	if (a->nlabels == 0)
		return (ui_curses_ask_text_key(v, a, k));
	if (ui_curses_is_enter(k))
		return (ui_curses_ask_pick(a, a->sel));
	if (ui_curses_is_back(k)) {
		a->reply = UI_BACK;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(1) || (k->code == 0 && k->ch == '?')) {
		a->help = 1;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(10) || (k->code == 0 && (k->ch == 'q' || k->ch == 'Q')))
		return (UI_CURSES_ASKQUIT);
	if (k->code == KEY_PPAGE || k->code == KEY_NPAGE)
		return (ui_curses_scroll_key(v, k));
	if ((r = ui_curses_ask_choice_key(a, k)) != 0)
		v->follow = 1;
	return (r);
}

static void
ui_curses_help_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_ask	*a = v->arg;
	const struct tree_node	*n = a->node;

	ui_curses_doc_text(d, *a->title != '\0' ? a->title : "Help", UI_CURSES_TITLE, 0,
	    UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	if (n->help != NULL && *n->help != '\0')
		ui_curses_doc_text(d, n->help, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
	else
		ui_curses_doc_text(d, "There is no more help for this question.",
		    UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, "If you do not know the answer, choose \"I don't know\" (or "
	    "leave the field empty): sendfix then tests what it can without it.",
	    UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, "Press Esc to go back to the question.", UI_CURSES_HINT, 0,
	    UI_CURSES_RAW);
}

enum ui_reply
ui_curses_ask(struct ui *ui, const struct walk *w, const struct tree_node *n,
    const char *prefill, char **value)
{
	struct ui_curses	*uc = ui_curses_get(ui);
	struct ui_curses_ask	 a;
	struct ui_curses_view	 v;
	const char		*initial = prefill;
	char			*crumb;
	enum ui_reply		 reply;
	size_t			 i;
	int			 secret = n->qtype == TREE_Q_SECRET;

	*value = NULL;
	if (ui_curses_stopping(uc))
		return (UI_QUIT);
	ui_curses_ask_setup(&a, uc, w, n);

	/* An answer the engine refused comes back to be corrected, not retyped. */
	if (uc->message != NULL && uc->last_node == n && uc->last_value != NULL)
		initial = uc->last_value;
	if (initial != NULL && strcmp(initial, "dontknow") == 0) {
		if (a.nlabels > 0)
			a.sel = a.nlabels - 1;
		initial = NULL;
	}
	if (initial != NULL && n->qtype == TREE_Q_CHOICE) {
		for (i = 0; i < n->nchoices; i++) {
			if (strcmp(n->choices[i].value, initial) == 0)
				a.sel = i;
		}
	} else if (initial != NULL && n->qtype == TREE_Q_YESNO)
		a.sel = strcmp(initial, "no") == 0 ? 1 : 0;
	if (a.nlabels == 0) {
		if (secret)
			ui_curses_field_init(&a.field, uc->secret, sizeof uc->secret, 1, NULL);
		else
			ui_curses_field_init(&a.field, uc->text, sizeof uc->text, 0, initial);
	}

	ui_curses_view_init(&v, uc);
	v.crumb = ui_curses_crumb(w, n, NULL);
	v.keys = a.nlabels > 0 ? ui_curses_choice_keys : ui_curses_text_keys;
	v.build = ui_curses_ask_build;
	v.key = ui_curses_ask_key;
	v.arg = &a;
	v.field = a.nlabels == 0 ? &a.field : NULL;
	for (;;) {
		a.reply = UI_QUIT;
		if (ui_curses_run(uc, &v) != 0) {
			reply = UI_QUIT;
			break;
		}
		if (!a.help) {
			reply = a.reply;
			break;
		}
		a.help = 0;
		crumb = ui_curses_crumb(w, n, "Help");
		if (ui_curses_pager(uc, crumb, ui_curses_help_build, &a) != 0) {
			free(crumb);
			reply = UI_QUIT;
			break;
		}
		free(crumb);
	}

	free(uc->last_value);
	uc->last_value = NULL;
	uc->last_node = NULL;
	if (reply == UI_ANSWER) {
		if (secret)
			*value = xstrdup(uc->secret);
		else {
			*value = a.value;
			a.value = NULL;
			if (a.nlabels == 0) {
				uc->last_node = n;
				uc->last_value = xstrdup(*value);
			}
		}
	}
	free(a.value);
	explicit_bzero(uc->secret, sizeof uc->secret);
	ui_curses_ask_clear(&a);
	ui_curses_view_clear(&v);
	return (reply);
}

static void
ui_curses_info_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_ask	*a = v->arg;

	ui_curses_ask_head(a, d);
	if (a->first) {
		ui_curses_doc_text(d, "How to use it: press Enter to go on, Esc to go back "
		    "one step, ? on a question for help, and q to quit. The keys are also "
		    "shown at the bottom of every screen.", UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
		ui_curses_doc_blank(d);
	}
	ui_curses_doc_text(d, "Press Enter to continue.", UI_CURSES_HINT, 0, UI_CURSES_RAW);
}

static int
ui_curses_info_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	struct ui_curses_ask	*a = v->arg;

	if (ui_curses_is_enter(k) || k->code == KEY_RIGHT) {
		a->reply = UI_NEXT;
		return (UI_CURSES_BREAK);
	}
	if (ui_curses_is_back(k)) {
		a->reply = UI_BACK;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(10) || (k->code == 0 && (k->ch == 'q' || k->ch == 'Q')))
		return (UI_CURSES_ASKQUIT);
	return (ui_curses_scroll_key(v, k));
}

enum ui_reply
ui_curses_info(struct ui *ui, const struct walk *w, const struct tree_node *n)
{
	struct ui_curses	*uc = ui_curses_get(ui);
	struct ui_curses_ask	 a;
	struct ui_curses_view	 v;
	enum ui_reply		 reply;

	if (ui_curses_stopping(uc))
		return (UI_QUIT);
	ui_curses_ask_setup(&a, uc, w, n);
	ui_curses_view_init(&v, uc);
	v.follow = 0;
	v.crumb = ui_curses_crumb(w, n, a.first ? "Welcome" : NULL);
	v.keys = ui_curses_info_keys;
	v.build = ui_curses_info_build;
	v.key = ui_curses_info_key;
	v.arg = &a;
	a.reply = UI_QUIT;
	reply = ui_curses_run(uc, &v) != 0 ? UI_QUIT : a.reply;
	ui_curses_ask_clear(&a);
	ui_curses_view_clear(&v);
	return (reply);
}

void
ui_curses_message(struct ui *ui, const char *text)
{
	struct ui_curses	*uc = ui_curses_get(ui);

	free(uc->message);
	uc->message = xstrdup(text != NULL ? text : "");
}

static void
ui_curses_confirm_build(struct ui_curses_view *v, struct ui_curses_doc *d)
{
	struct ui_curses_confirm	*c = v->arg;
	struct ui_curses		*uc = v->uc;
	char				*prefix;
	size_t				 i;

	ui_curses_doc_text(d, "Please confirm", UI_CURSES_TITLE, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, c->question, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
	ui_curses_doc_blank(d);
	for (i = 0; i < 2; i++) {
		xasprintf(&prefix, "%s %zu. ", i == c->sel ? uc->sym->pointer : " ", i + 1);
		if (i == c->sel)
			ui_curses_doc_focus(d);
		ui_curses_doc_item(d, prefix, ui_curses_yesno[i], i == c->sel ?
		    UI_CURSES_SELECTED : UI_CURSES_NORMAL, 1, UI_CURSES_RAW);
		free(prefix);
	}
	ui_curses_doc_blank(d);
	ui_curses_doc_text(d, "Press y or n, or choose with the arrow keys and press Enter.",
	    UI_CURSES_HINT, 0, UI_CURSES_RAW);
}

static int
ui_curses_confirm_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	struct ui_curses_confirm	*c = v->arg;

	if (ui_curses_is_enter(k)) {
		c->yes = c->sel == 0;
		return (UI_CURSES_BREAK);
	}
	if (ui_curses_is_back(k) || (k->code == 0 && (k->ch == 'n' || k->ch == 'N' ||
	    k->ch == '2'))) {
		c->yes = 0;
		return (UI_CURSES_BREAK);
	}
	if (k->code == 0 && (k->ch == 'y' || k->ch == 'Y' || k->ch == '1')) {
		c->yes = 1;
		return (UI_CURSES_BREAK);
	}
	if (k->code == KEY_F(10) || (k->code == 0 && (k->ch == 'q' || k->ch == 'Q')))
		return (UI_CURSES_ASKQUIT);
	if (k->code == KEY_UP || (k->code == 0 && k->ch == 'k')) {
		c->sel = 0;
		return (UI_CURSES_REDRAW);
	}
	if (k->code == KEY_DOWN || (k->code == 0 && k->ch == 'j')) {
		c->sel = 1;
		return (UI_CURSES_REDRAW);
	}
	return (0);
}

int
ui_curses_confirm(struct ui *ui, const char *question)
{
	struct ui_curses		*uc = ui_curses_get(ui);
	struct ui_curses_confirm	 c;
	struct ui_curses_view		 v;
	int				 yes;

	if (ui_curses_stopping(uc))
		return (0);
	memset(&c, 0, sizeof c);
	c.question = question;
	c.sel = 1;
	ui_curses_view_init(&v, uc);
	v.crumb = ui_curses_crumb(NULL, NULL, "Please confirm");
	v.keys = ui_curses_confirm_keys;
	v.build = ui_curses_confirm_build;
	v.key = ui_curses_confirm_key;
	v.arg = &c;
	yes = ui_curses_run(uc, &v) == 0 && c.yes;
	ui_curses_view_clear(&v);
	return (yes);
}
