/* ui-curses.c: the full-screen wizard: starting curses, the one event loop, signals. */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "curses-wrap.h"
#include "sanitize.h"
#include "ui-curses.h"

/* Consecutive reads that fail at once: the terminal is gone, not just quiet. */
#define UI_CURSES_MAX_FAST_ERRORS	20
/* Longer names are not quoted back in the fallback message. */
#define UI_CURSES_TERM_MAX		64

static int	 ui_curses_init(struct ui *, char **);
static void	 ui_curses_fini(struct ui *);
static int	 ui_curses_term_cause(const char *, const char *, char **);
static void	 ui_curses_signal(int);
static void	 ui_curses_signals_set(void);
static void	 ui_curses_signals_restore(void);
static int	 ui_curses_tty_gone(int);
static int	 ui_curses_dispatch(struct ui_curses *, struct ui_curses_view *,
		     const struct ui_curses_key *, int *);

const struct ui_ops ui_curses_ops = {
	.name = "curses",
	.init = ui_curses_init,
	.ask = ui_curses_ask,
	.info = ui_curses_info,
	.probe_begin = ui_curses_probe_begin,
	.probe_progress = ui_curses_probe_progress,
	.probe_end = ui_curses_probe_end,
	.message = ui_curses_message,
	.show_result = ui_curses_show_result,
	.fini = ui_curses_fini,
	.run_probe = ui_curses_run_probe,
	.confirm = ui_curses_confirm
};

/*
 * The handlers only set flags; the loop looks at them at least every UI_CURSES_TICK_MS.
 * SIGTSTP and SIGWINCH are left to curses, which suspends, resumes and resizes itself.
 */
static const int		 ui_curses_sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGCONT };
#define UI_CURSES_NSIGS		 (sizeof ui_curses_sigs / sizeof ui_curses_sigs[0])
static struct sigaction		 ui_curses_oldact[UI_CURSES_NSIGS];
static volatile sig_atomic_t	 ui_curses_signo;
static volatile sig_atomic_t	 ui_curses_continued;
/* Curses installs handlers for these itself; they are put back when it is done. */
static struct sigaction		 ui_curses_oldtstp;
static struct sigaction		 ui_curses_oldwinch;

static void
ui_curses_signal(int signo)
{
	if (signo == SIGCONT)
		ui_curses_continued = 1;
	else if (ui_curses_signo == 0 || signo == SIGHUP)
		ui_curses_signo = signo;
}

/* Installed before newterm, so curses keeps its own hands off SIGINT and SIGTERM. */
static void
ui_curses_signals_set(void)
{
	struct sigaction	 sa;
	size_t			 i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = ui_curses_signal;
	sa.sa_flags = 0;	/* no SA_RESTART: a signal ends the wait for a key */
	ui_curses_signo = 0;
	ui_curses_continued = 0;
	for (i = 0; i < UI_CURSES_NSIGS; i++)
		sigaction(ui_curses_sigs[i], &sa, &ui_curses_oldact[i]);
	sigaction(SIGTSTP, NULL, &ui_curses_oldtstp);
	sigaction(SIGWINCH, NULL, &ui_curses_oldwinch);
}

static void
ui_curses_signals_restore(void)
{
	size_t	 i;

	for (i = 0; i < UI_CURSES_NSIGS; i++)
		sigaction(ui_curses_sigs[i], &ui_curses_oldact[i], NULL);
	sigaction(SIGTSTP, &ui_curses_oldtstp, NULL);
	sigaction(SIGWINCH, &ui_curses_oldwinch, NULL);
}

/* The fallback message: one sentence, ending with what happens instead. */
static int
ui_curses_term_cause(const char *term, const char *why, char **cause)
{
	if (term == NULL)
		xasprintf(cause, "%s; using plain questions instead", why);
	else if (strlen(term) > UI_CURSES_TERM_MAX)
		xasprintf(cause, "this terminal type %s; using plain questions instead", why);
	else
		xasprintf(cause, "the terminal type \"%s\" %s; using plain questions instead",
		    term, why);
	return (-1);
}

static int
ui_curses_init(struct ui *ui, char **cause)
{
	struct ui_curses	*uc;
	SCREEN			*screen;
	const char		*term = getenv("TERM");
	char			*cup;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return (ui_curses_term_cause(NULL, "standard input or output is not a terminal, "
		    "so the full-screen wizard cannot start", cause));
	if (term == NULL || *term == '\0')
		return (ui_curses_term_cause(NULL, "the TERM variable is not set, so the "
		    "full-screen wizard cannot start", cause));
	if (strcmp(term, "dumb") == 0)
		return (ui_curses_term_cause(term, "cannot show the full-screen wizard", cause));

	ui_curses_signals_set();
	/*
	 * The size comes from the terminal itself, so LINES=100000 or COLUMNS=0 are ignored.
	 * (use_env(FALSE) would do it too, but then curses stops following resizes.)
	 */
	unsetenv("LINES");
	unsetenv("COLUMNS");
	if ((screen = newterm(term, stdout, stdin)) == NULL) {
		ui_curses_signals_restore();
		return (ui_curses_term_cause(term, "is not known on this computer", cause));
	}
	set_term(screen);
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		endwin();
		delscreen(screen);
		ui_curses_signals_restore();
		return (ui_curses_term_cause(term, "cannot show the full-screen wizard", cause));
	}
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	wtimeout(stdscr, UI_CURSES_TICK_MS);
	set_escdelay(UI_CURSES_ESCDELAY_MS);
	curs_set(0);

	uc = xcalloc(1, sizeof *uc);
	uc->ui = ui;
	uc->screen = screen;
	ui_curses_screen_setup(uc);
	ui->priv = uc;
	return (0);
}

static void
ui_curses_fini(struct ui *ui)
{
	struct ui_curses	*uc = ui->priv;
	char			*s;

	if (uc == NULL)
		return;
	ui_curses_probe_cleanup(uc);
	if (!uc->hangup) {
		erase();
		refresh();
	}
	endwin();
	delscreen(uc->screen);
	ui_curses_signals_restore();
	explicit_bzero(uc->secret, sizeof uc->secret);
	explicit_bzero(uc->text, sizeof uc->text);

	/* The diagnosis stays on the terminal once the full screen is gone. */
	if (!uc->hangup && uc->summary != NULL) {
		s = sanitize_str(uc->summary);
		printf("sendfix: %s\n", s);
		free(s);
		if (uc->saved != NULL) {
			s = sanitize_str(uc->saved);
			printf("sendfix: the report was saved to %s\n", s);
			free(s);
		}
		fflush(stdout);
	}
	free(uc->summary);
	free(uc->saved);
	free(uc->message);
	free(uc->last_value);
	free(uc);
	ui->priv = NULL;
}

struct ui_curses *
ui_curses_get(struct ui *ui)
{
	if (ui->priv == NULL)
		fatalx("%s: the full-screen wizard was not started", __func__);
	return (ui->priv);
}

int
ui_curses_stopping(struct ui_curses *uc)
{
	if (ui_curses_signo != 0) {
		uc->quit = 1;
		if (ui_curses_signo == SIGHUP)
			uc->hangup = 1;
	}
	return (uc->quit);
}

/*
 * A read that fails at once, over and over, means the terminal has gone (the pty was
 * closed): without this test the loop would spin on ERR at full speed.
 */
static int
ui_curses_tty_gone(int fast)
{
	struct pollfd	 pfd;

	pfd.fd = STDIN_FILENO;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0)
		return (1);
	return (fast >= UI_CURSES_MAX_FAST_ERRORS);
}

void
ui_curses_view_init(struct ui_curses_view *v, struct ui_curses *uc)
{
	memset(v, 0, sizeof *v);
	v->uc = uc;
	v->follow = 1;
}

void
ui_curses_view_clear(struct ui_curses_view *v)
{
	free(v->crumb);
	v->crumb = NULL;
	free(v->status);
	v->status = NULL;
}

void
ui_curses_view_status(struct ui_curses_view *v, enum ui_curses_role role, const char *text)
{
	free(v->status);
	v->status = text != NULL ? xstrdup(text) : NULL;
	v->status_role = role;
}

/* A key for the view, or for the "Quit sendfix?" question when it is showing. */
static int
ui_curses_dispatch(struct ui_curses *uc, struct ui_curses_view *v,
    const struct ui_curses_key *k, int *confirm)
{
	if (*confirm) {
		if (k->code == 0 && (k->ch == 'y' || k->ch == 'Y'))
			uc->quit = 1;
		*confirm = 0;
		return (UI_CURSES_REDRAW);
	}
	/* A window too small to read waits for a usable size before it takes keys. */
	if (COLS < UI_CURSES_MIN_COLS || LINES < UI_CURSES_MIN_LINES)
		return (0);
	ui_curses_view_status(v, UI_CURSES_NORMAL, NULL);
	return (UI_CURSES_REDRAW | v->key(v, k));
}

int
ui_curses_run(struct ui_curses *uc, struct ui_curses_view *v)
{
	struct ui_curses_key	 k;
	wint_t			 wc;
	long long		 t0;
	int			 r, flags = UI_CURSES_REDRAW, confirm = 0, fast = 0;

	if (uc->message != NULL && v->status == NULL) {
		v->status = uc->message;
		v->status_role = UI_CURSES_ERROR;
		uc->message = NULL;
	}
	for (;;) {
		if (ui_curses_stopping(uc))
			return (-1);
		if (ui_curses_continued) {
			/* Back from Ctrl-Z (curses repaints too): draw everything afresh. */
			ui_curses_continued = 0;
			clearok(curscr, TRUE);
			flags |= UI_CURSES_REDRAW;
		}
		if (flags & UI_CURSES_REDRAW)
			ui_curses_draw(uc, v, confirm);
		flags = 0;

		t0 = mono_ms();
		r = wget_wch(stdscr, &wc);
		if (r == ERR) {
			if (mono_ms() - t0 < UI_CURSES_TICK_MS / 2) {
				if (ui_curses_tty_gone(++fast)) {
					uc->quit = uc->hangup = 1;
					return (-1);
				}
			} else
				fast = 0;
		} else {
			fast = 0;
			if (r == KEY_CODE_YES && wc == KEY_RESIZE) {
				/*
				 * The one place resizing is handled: the next draw lays out anew,
				 * and repaints every cell, whatever the terminal kept or cut.
				 */
				clearok(curscr, TRUE);
				flags |= UI_CURSES_REDRAW;
			} else {
				k.code = r == KEY_CODE_YES ? (int)wc : 0;
				k.ch = r == KEY_CODE_YES ? 0 : wc;
				flags |= ui_curses_dispatch(uc, v, &k, &confirm);
			}
		}
		if (v->tick != NULL)
			flags |= v->tick(v);
		if (flags & UI_CURSES_ASKQUIT) {
			confirm = 1;
			flags |= UI_CURSES_REDRAW;
		}
		if (uc->quit)
			return (-1);
		/* A probe that ends while "Quit sendfix?" is showing waits for the answer. */
		if ((flags & UI_CURSES_BREAK) && !confirm)
			return (0);
	}
}
