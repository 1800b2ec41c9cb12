/* curses-wrap.h: the one header that includes curses, and what the ui-curses files share. */
#ifndef SENDFIX_CURSES_WRAP_H
#define SENDFIX_CURSES_WRAP_H

/* The wide-character API (wget_wch, waddnwstr) must be asked for before <curses.h>. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#include <stddef.h>
#include <wchar.h>

#include "ui.h"
#include "util.h"

/* Below this size only the "make the window larger" screen is drawn. */
#define UI_CURSES_MIN_COLS	40
#define UI_CURSES_MIN_LINES	12
/* The keyboard is polled this often: the spinner's pace and the latency of a hang-up. */
#define UI_CURSES_TICK_MS	100
/* How long Esc waits for the rest of an escape sequence. */
#define UI_CURSES_ESCDELAY_MS	100
#define UI_CURSES_TEXT_MAX	1024	/* bytes of a typed answer or file name */
#define UI_CURSES_SECRET_MAX	1024	/* bytes of a typed password */
#define UI_CURSES_KEY_ESC	27	/* Esc arrives as a character */

/* What a key handler or a tick asks of the loop (htop's ScreenManager flags). */
#define UI_CURSES_REDRAW	0x1
#define UI_CURSES_BREAK		0x2	/* the view has what it needs: leave the loop */
#define UI_CURSES_ASKQUIT	0x4	/* show "Quit sendfix? (y/n)" */

/* Text kinds, each with its attributes (colour, or bold/reverse on a monochrome screen). */
enum ui_curses_role {
	UI_CURSES_NORMAL,
	UI_CURSES_BAR,		/* the top line with the breadcrumb */
	UI_CURSES_TITLE,	/* a screen's heading */
	UI_CURSES_HEADING,	/* a heading inside the body */
	UI_CURSES_SELECTED,	/* the highlighted choice */
	UI_CURSES_ERROR,
	UI_CURSES_GOOD,
	UI_CURSES_HINT,		/* how to move on; key names in the footer */
	UI_CURSES_FIELD,	/* the text entry field */
	UI_CURSES_NROLES
};

/* Flags for the doc functions: where the text comes from. */
#define UI_CURSES_RAW		0x0	/* tree text or answers: sanitised here */
#define UI_CURSES_STORED	0x1	/* probe results: sanitised when stored */

/* One key: a KEY_* code, or a character when code is 0. */
struct ui_curses_key {
	int	 code;
	wint_t	 ch;
};

/* One entry of the footer, e.g. { "Enter", "next" }. */
struct ui_curses_keyhelp {
	const char	*key;
	const char	*what;
};

/* A one-line editor over a caller's buffer (the wiped secret buffer for passwords). */
struct ui_curses_field {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	size_t	 cur;		/* byte offset of the cursor, on a character boundary */
	int	 secret;	/* drawn as one '*' per character, never in clear */
	int	 lastkey;	/* the key before, so a held Backspace stops at an empty field */
};

/* One row of a screen's body, already wrapped to the width. */
struct ui_curses_line {
	char			*text;		/* sanitised; NULL on the field's row */
	enum ui_curses_role	 role;
	int			 indent;
	int			 field;		/* the view's field is drawn on this row */
};

/* A screen's body at the current width: built again on every draw, so resizing is free. */
struct ui_curses_doc {
	struct ui_curses		*uc;
	struct ui_curses_line		*v;
	size_t				 n;
	size_t				 cap;
	int				 width;
	int				 has_focus;
	size_t				 focus;		/* a row that must stay in view */
};

/*
 * A screen: how to build its body, how it takes keys and, while something runs, a tick
 * called every UI_CURSES_TICK_MS. Handlers return UI_CURSES_* flags; ui_curses_run is the
 * one loop that draws, reads keys and handles resizing, hang-ups and "really quit?".
 */
struct ui_curses_view {
	struct ui_curses		*uc;
	char				*crumb;		/* the breadcrumb on the top line */
	const struct ui_curses_keyhelp	*keys;		/* the footer, ends with { NULL, NULL } */
	void	(*build)(struct ui_curses_view *, struct ui_curses_doc *);
	int	(*key)(struct ui_curses_view *, const struct ui_curses_key *);
	int	(*tick)(struct ui_curses_view *);
	void				*arg;
	struct ui_curses_field		*field;		/* drawn on the doc's field row */
	char				*status;	/* one line over the footer, until a key */
	enum ui_curses_role		 status_role;
	int				 top;		/* first body row shown */
	int				 follow;	/* scroll to the doc's focus row once */
	int				 nlines;	/* body rows at the last draw */
	int				 height;	/* rows for the body at the last draw */
};

struct ui_curses_symbols {
	const char		*tick;
	const char		*cross;
	const char		*bullet;
	const char		*pointer;
	const char		*more;
	const char		*hline;
	const char		*vline;
	const char		*corner[4];	/* top left, top right, bottom left, right */
	const char *const	*spinner;
	size_t			 nspinner;
};

struct ui_curses_probe;

/* The front end's state, in ui->priv. */
struct ui_curses {
	struct ui			*ui;
	SCREEN				*screen;
	int				 utf8;		/* the locale's characters are UTF-8 */
	int				 colour;
	attr_t				 attr[UI_CURSES_NROLES];
	const struct ui_curses_symbols	*sym;
	int				 quit;		/* the user quit, a signal, a hang-up */
	int				 hangup;	/* the terminal is gone: no drawing */
	char				*message;	/* ops->message, for the next screen */
	const struct tree_node		*last_node;	/* the last text answer, to show it */
	char				*last_value;	/*   again when the engine refuses it */
	struct ui_curses_probe		*probe;		/* a probe the driver runs itself */
	char				*summary;	/* printed after the screen is closed */
	char				*saved;		/* where the report was saved */
	/* What is being typed; the secret one is wiped on every way out. */
	char				 text[UI_CURSES_TEXT_MAX];
	char				 secret[UI_CURSES_SECRET_MAX];
};

/* ui-curses.c: the loop and the signals. */
struct ui_curses	*ui_curses_get(struct ui *);
/* Runs v until a handler breaks (0) or the user quits or the terminal goes away (-1). */
int	 ui_curses_run(struct ui_curses *, struct ui_curses_view *);
/* 1 when the program should stop: the user quit, or SIGHUP, SIGINT or SIGTERM came. */
int	 ui_curses_stopping(struct ui_curses *);
void	 ui_curses_view_init(struct ui_curses_view *, struct ui_curses *);
void	 ui_curses_view_clear(struct ui_curses_view *);
/* Sets the line over the footer (copied; sanitised when drawn). */
void	 ui_curses_view_status(struct ui_curses_view *, enum ui_curses_role, const char *);

/* ui-curses-screen.c: layout, drawing and text. */
void	 ui_curses_screen_setup(struct ui_curses *);
void	 ui_curses_draw(struct ui_curses *, struct ui_curses_view *, int confirm);
/* Up, Down, PgUp, PgDn, Home, End, j, k: REDRAW when the key scrolled. */
int	 ui_curses_scroll_key(struct ui_curses_view *, const struct ui_curses_key *);
/* A scrolling text screen closed by Esc, Enter or q: 0, or -1 when the program stops. */
int	 ui_curses_pager(struct ui_curses *, const char *crumb,
	    void (*)(struct ui_curses_view *, struct ui_curses_doc *), void *);
/* "sendfix > Outgoing server settings > Question 2"; what may be NULL. Caller frees. */
char	*ui_curses_crumb(const struct walk *, const struct tree_node *, const char *what);
size_t	 ui_curses_utf8_next(const char *, size_t, unsigned int *);
/* Columns s takes as drawn (controls and unknown characters count as one '?'). */
int	 ui_curses_width(struct ui_curses *, const char *, size_t);
/* Draws at most maxw columns of s without splitting a character; returns the columns. */
int	 ui_curses_put(struct ui_curses *, int y, int x, int maxw, const char *, size_t,
	    enum ui_curses_role);
void	 ui_curses_doc_blank(struct ui_curses_doc *);
/* Paragraphs: a lone "\n" joins lines (unless a sentence ends there), "\n\n" breaks. */
void	 ui_curses_doc_text(struct ui_curses_doc *, const char *, enum ui_curses_role,
	    int indent, int flags);
/* One item with a prefix ("1. ", a bullet) and a hanging indent. */
void	 ui_curses_doc_item(struct ui_curses_doc *, const char *prefix, const char *,
	    enum ui_curses_role, int indent, int flags);
void	 ui_curses_doc_field(struct ui_curses_doc *, int indent);
/* The next row added must stay in view when the view follows its focus. */
void	 ui_curses_doc_focus(struct ui_curses_doc *);

/* ui-curses-input.c: the line editor. */
void	 ui_curses_field_init(struct ui_curses_field *, char *buf, size_t cap, int secret,
	    const char *initial);
/* REDRAW when the key edited the field or moved its cursor, 0 when it is not an edit key. */
int	 ui_curses_field_key(struct ui_curses_field *, const struct ui_curses_key *);
void	 ui_curses_field_draw(struct ui_curses *, const struct ui_curses_field *, int y, int x,
	    int w, int *curx);
void	 ui_curses_field_wipe(struct ui_curses_field *);

/* ui-curses-ask.c: questions, information screens, messages. */
enum ui_reply	 ui_curses_ask(struct ui *, const struct walk *, const struct tree_node *,
		     const char *, char **);
enum ui_reply	 ui_curses_info(struct ui *, const struct walk *, const struct tree_node *);
void		 ui_curses_message(struct ui *, const char *);
/* A yes/no screen outside the tree (ops->confirm): 1 for yes; No is the default. */
int		 ui_curses_confirm(struct ui *, const char *);

/* ui-curses-probe.c: the probe screen and its worker thread. */
int	 ui_curses_run_probe(struct ui *, struct walk *, const struct probe_env *, char **);
void	 ui_curses_probe_begin(struct ui *, const struct walk *, const struct tree_node *);
void	 ui_curses_probe_progress(struct ui *, const char *);
void	 ui_curses_probe_end(struct ui *, const struct walk *, const struct walk_probe *);
void	 ui_curses_probe_cleanup(struct ui_curses *);

/* ui-curses-result.c: the diagnosis, saving the report, the tests' details. */
void	 ui_curses_show_result(struct ui *, const struct walk *);

#endif
