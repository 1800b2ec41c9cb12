/* ui-curses.h: the full-screen wizard front end (ncurses), for main's mode selection. */
#ifndef SENDFIX_UI_CURSES_H
#define SENDFIX_UI_CURSES_H

#include "ui.h"

/*
 * The full-screen wizard. Its init starts curses on the terminal with newterm; it fails
 * (returning -1 with a one-sentence *cause that ends "using plain questions instead") when
 * standard input or output is not a terminal, TERM is unset, unknown or cannot move the
 * cursor (TERM=dumb), so the caller can fall back to ui_plain_ops. It implements run_probe:
 * the probe runs on a worker thread while keys stay live. show_result sets ui->restart when
 * the user asks to start again, and saves a report with ui->meta when asked to.
 */
extern const struct ui_ops ui_curses_ops;

#endif
