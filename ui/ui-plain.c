/* ui-plain.c: the wizard as plain line prompts, for screen readers, pipes and dumb terminals. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include "report.h"
#include "sanitize.h"
#include "ui.h"
#include "util.h"

/*
 * No escape sequence is ever written here: the output may be a file, a pipe, a braille
 * display or TERM=dumb. Every line is wrapped at 78 columns by report_wrap.
 */
#define UI_PLAIN_WIDTH		78
#define UI_PLAIN_MAXLINE	4096	/* longer answers are refused, not cut */
#define UI_PLAIN_MAXSECRET	1024

static int		 ui_plain_init(struct ui *, char **);
static enum ui_reply	 ui_plain_ask(struct ui *, const struct walk *, const struct tree_node *,
			     const char *, char **);
static enum ui_reply	 ui_plain_info(struct ui *, const struct walk *,
			     const struct tree_node *);
static void		 ui_plain_probe_begin(struct ui *, const struct walk *,
			     const struct tree_node *);
static void		 ui_plain_probe_progress(struct ui *, const char *);
static void		 ui_plain_probe_end(struct ui *, const struct walk *,
			     const struct walk_probe *);
static void		 ui_plain_message(struct ui *, const char *);
static void		 ui_plain_show_result(struct ui *, const struct walk *);
static void		 ui_plain_fini(struct ui *);
static int		 ui_plain_confirm(struct ui *, const char *);

static void		 ui_plain_screen(struct ui *, const struct walk *,
			     const struct tree_node *);
static void		 ui_plain_help(struct ui *, const struct tree_node *);
static char		*ui_plain_readline(struct ui *);
static int		 ui_plain_is(const char *, const char *);
static int		 ui_plain_choice(const struct tree_node *, const char *);
static void		 ui_plain_prompt(struct ui *, const struct tree_node *, const char *);
static enum ui_reply	 ui_plain_secret(struct ui *, char **);
static void		 ui_plain_tty_write(int, const char *);
static void		 ui_plain_sig(int);

const struct ui_ops ui_plain_ops = {
	.name = "plain",
	.init = ui_plain_init,
	.ask = ui_plain_ask,
	.info = ui_plain_info,
	.probe_begin = ui_plain_probe_begin,
	.probe_progress = ui_plain_probe_progress,
	.probe_end = ui_plain_probe_end,
	.message = ui_plain_message,
	.show_result = ui_plain_show_result,
	.fini = ui_plain_fini,
	.confirm = ui_plain_confirm
};

/*
 * While echo is off for a password, a signal that ends the program must turn it back on
 * first, or the user's shell is left not echoing. The handler needs the terminal state in
 * static storage; only one password prompt is ever open at a time.
 */
static const int		 ui_plain_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define UI_PLAIN_NSIGNALS	(sizeof ui_plain_signals / sizeof ui_plain_signals[0])
static struct sigaction		 ui_plain_oldact[UI_PLAIN_NSIGNALS];
static struct termios		 ui_plain_saved;
static volatile sig_atomic_t	 ui_plain_tty = -1;
static volatile sig_atomic_t	 ui_plain_signalled;

static int
ui_plain_init(struct ui *ui, __attribute__((unused)) char **cause)
{
	if (ui->in == NULL)
		ui->in = stdin;
	if (ui->out == NULL)
		ui->out = stdout;
	return (0);
}

/* Title and text of a node, with the answers so far filled in. */
static void
ui_plain_screen(struct ui *ui, const struct walk *w, const struct tree_node *n)
{
	char	*s;

	fputc('\n', ui->out);
	if (n->title != NULL) {
		s = answers_expand(w->answers, n->title, "(unknown)");
		report_paragraphs(ui->out, "", "", s);
		free(s);
	}
	if (n->text != NULL && *n->text != '\0') {
		fputc('\n', ui->out);
		s = answers_expand(w->answers, n->text, "(unknown)");
		report_paragraphs(ui->out, "", "", s);
		free(s);
	}
}

static void
ui_plain_help(struct ui *ui, const struct tree_node *n)
{
	fputc('\n', ui->out);
	if (n->help == NULL || *n->help == '\0')
		fputs("There is no more help for this question.\n", ui->out);
	else
		report_paragraphs(ui->out, "", "", n->help);
	fputc('\n', ui->out);
}

/*
 * One line of input without its line ending and surrounding blanks, or NULL at the end of
 * input (the user pressed Ctrl-D, or the pipe feeding answers ran dry).
 */
static char *
ui_plain_readline(struct ui *ui)
{
	char	*line = NULL, *start, *end;
	size_t	 cap = 0;
	ssize_t	 len;

	fflush(ui->out);
	for (;;) {
		if ((len = getline(&line, &cap, ui->in)) == -1) {
			free(line);
			return (NULL);
		}
		/*
		 * Answers from a pipe or file are not echoed, so end the prompt's line here;
		 * a transcript then reads as it would on a terminal.
		 */
		if (!isatty(fileno(ui->in)))
			fputc('\n', ui->out);
		if (len <= UI_PLAIN_MAXLINE)
			break;
		fputs("That answer is too long; please try again.\n", ui->out);
		fflush(ui->out);
	}
	start = line;
	while (*start == ' ' || *start == '\t')
		start++;
	end = start + strlen(start);
	while (end > start && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' ||
	    end[-1] == '\t'))
		*--end = '\0';
	memmove(line, start, strlen(start) + 1);
	return (line);
}

/* Case-insensitive match of a typed word. */
static int
ui_plain_is(const char *typed, const char *word)
{
	return (strcasecmp(typed, word) == 0);
}

/* The choice number (1-based) for a typed number or value, 0 when it is neither. */
static int
ui_plain_choice(const struct tree_node *n, const char *typed)
{
	char	*end;
	long	 k;
	size_t	 i;

	if (isdigit((unsigned char)*typed)) {
		errno = 0;
		k = strtol(typed, &end, 10);
		if (errno == 0 && *end == '\0' && k >= 1 && (size_t)k <= n->nchoices)
			return ((int)k);
		return (0);
	}
	for (i = 0; i < n->nchoices; i++) {
		if (ui_plain_is(typed, n->choices[i].value))
			return ((int)i + 1);
	}
	return (0);
}

/* The list of choices (for choice questions) and the prompt line. */
static void
ui_plain_prompt(struct ui *ui, const struct tree_node *n, const char *prefill)
{
	char	*s, *first;
	size_t	 i;
	int	 k;

	switch (n->qtype) {
	case TREE_Q_CHOICE:
		fputc('\n', ui->out);
		for (i = 0; i < n->nchoices; i++) {
			xasprintf(&first, "  %zu) ", i + 1);
			s = sanitize_str(n->choices[i].label);
			report_wrap(ui->out, first, "     ", s, UI_PLAIN_WIDTH);
			free(s);
			free(first);
		}
		fputs("  0) I don't know\n", ui->out);
		fprintf(ui->out, "Your choice (1-%zu, or 0)", n->nchoices);
		if (prefill != NULL) {
			if ((k = ui_plain_choice(n, prefill)) != 0)
				fprintf(ui->out, " [%d]", k);
			else {
				s = sanitize_str(prefill);
				fprintf(ui->out, " [%s]", s);
				free(s);
			}
		}
		break;
	case TREE_Q_YESNO:
		fputs("Answer y/n/0 (don't know)", ui->out);
		if (prefill != NULL && strcmp(prefill, "yes") == 0)
			fputs(" [y]", ui->out);
		else if (prefill != NULL && strcmp(prefill, "no") == 0)
			fputs(" [n]", ui->out);
		else if (prefill != NULL) {
			s = sanitize_str(prefill);
			fprintf(ui->out, " [%s]", s);
			free(s);
		}
		break;
	default:
		if (prefill == NULL) {
			fputs("Your answer (Enter if you don't know)", ui->out);
			break;
		}
		s = sanitize_str(prefill);
		/* A long answer gets a line of its own so the prompt stays within the line. */
		if (strlen(s) > 30) {
			xasprintf(&first, "[%s]", s);
			report_wrap(ui->out, "Current answer: ", "  ", first, UI_PLAIN_WIDTH);
			free(first);
			fputs("Your answer (Enter keeps it, 0 = don't know)", ui->out);
		} else
			fprintf(ui->out, "Your answer [%s] (Enter keeps it, 0 = don't know)", s);
		free(s);
		break;
	}
	fputs(": ", ui->out);
	fflush(ui->out);
}

static enum ui_reply
ui_plain_ask(struct ui *ui, const struct walk *w, const struct tree_node *n,
    const char *prefill, char **value)
{
	char	*line, *s;
	int	 k;

	*value = NULL;
	ui_plain_screen(ui, w, n);
	if (n->qtype == TREE_Q_SECRET)
		return (ui_plain_secret(ui, value));
	fputs("(Type ? for help, b to go back, q to stop.)\n", ui->out);

	for (;;) {
		ui_plain_prompt(ui, n, prefill);
		if ((line = ui_plain_readline(ui)) == NULL) {
			fputc('\n', ui->out);
			return (UI_QUIT);
		}
		if (strcmp(line, "?") == 0) {
			free(line);
			ui_plain_help(ui, n);
			continue;
		}
		if (ui_plain_is(line, "b") || ui_plain_is(line, "q")) {
			k = ui_plain_is(line, "q");
			free(line);
			return (k ? UI_QUIT : UI_BACK);
		}
		if (strcmp(line, "0") == 0) {
			free(line);
			return (UI_DONTKNOW);
		}
		if (*line == '\0') {
			free(line);
			if (prefill != NULL) {
				*value = xstrdup(prefill);
				return (UI_ANSWER);
			}
			if (n->qtype == TREE_Q_TEXT)
				return (UI_DONTKNOW);
			fputs("Please type one of the answers shown.\n", ui->out);
			continue;
		}

		switch (n->qtype) {
		case TREE_Q_CHOICE:
			if ((k = ui_plain_choice(n, line)) != 0) {
				free(line);
				*value = xstrdup(n->choices[k - 1].value);
				return (UI_ANSWER);
			}
			s = sanitize_str(line);
			fprintf(ui->out, "\"%s\" is not on the list: type a number from 1 to %zu, "
			    "or 0 if you don't know.\n", s, n->nchoices);
			free(s);
			break;
		case TREE_Q_YESNO:
			if (ui_plain_is(line, "y") || ui_plain_is(line, "yes")) {
				free(line);
				*value = xstrdup("yes");
				return (UI_ANSWER);
			}
			if (ui_plain_is(line, "n") || ui_plain_is(line, "no")) {
				free(line);
				*value = xstrdup("no");
				return (UI_ANSWER);
			}
			fputs("Please type y for yes, n for no, or 0 if you don't know.\n",
			    ui->out);
			break;
		default:
			*value = line;
			return (UI_ANSWER);
		}
		free(line);
	}
}

/* Writes all of s to the terminal; a failure only loses the prompt. */
static void
ui_plain_tty_write(int fd, const char *s)
{
	size_t	 len = strlen(s);
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

/*
 * Restores the terminal, puts the previous handling of the signal back and raises it again,
 * so the program ends (or main's own handler runs) exactly as it would have without us.
 * Only async-signal-safe calls.
 */
static void
ui_plain_sig(int sig)
{
	size_t	 i;
	int	 saved_errno = errno;

	if (ui_plain_tty != -1)
		(void)tcsetattr(ui_plain_tty, TCSANOW, &ui_plain_saved);
	ui_plain_signalled = sig;
	for (i = 0; i < UI_PLAIN_NSIGNALS; i++) {
		if (ui_plain_signals[i] == sig)
			(void)sigaction(sig, &ui_plain_oldact[i], NULL);
	}
	(void)raise(sig);
	errno = saved_errno;
}

/*
 * Reads a password from the terminal itself, never from ui->in (which may be a pipe or a
 * file) and with echo off, so it is neither shown nor left in a log. Without a terminal the
 * question is answered "I don't know" rather than risk showing what is typed.
 */
static enum ui_reply
ui_plain_secret(struct ui *ui, char **value)
{
	struct sigaction	 sa;
	struct termios		 quiet;
	enum ui_reply		 reply;
	char			 buf[UI_PLAIN_MAXSECRET], c;
	size_t			 len, i;
	ssize_t			 n;
	int			 fd = ui->tty_fd, toolong, done;

	*value = NULL;
	if (fd < 0 || !isatty(fd) || tcgetattr(fd, &ui_plain_saved) != 0) {
		ui_plain_message(ui, "There is no terminal to type this on privately, so "
		    "sendfix goes on as if you answered \"I don't know\".");
		return (UI_DONTKNOW);
	}
	ui_plain_message(ui, "Type it on the terminal: nothing is shown while you type. "
	    "Press Enter on its own if you don't know it or would rather not type it.");

	ui_plain_signalled = 0;
	ui_plain_tty = fd;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_plain_sig;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a signal must end the read below */
	for (i = 0; i < UI_PLAIN_NSIGNALS; i++)
		sigaction(ui_plain_signals[i], &sa, &ui_plain_oldact[i]);

	quiet = ui_plain_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL | ICANON;
	reply = UI_QUIT;
	/* TCSAFLUSH drops anything typed ahead, before echo went off. */
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		goto out;

	for (;;) {
		ui_plain_tty_write(fd, "Password (not shown): ");
		len = 0;
		toolong = done = 0;
		while (!done) {
			if ((n = read(fd, &c, 1)) == -1) {
				if (errno == EINTR && !ui_plain_signalled)
					continue;
				goto out;	/* a signal, or the terminal hung up */
			}
			if (n == 0) {
				if (len == 0 && !toolong)
					goto out;	/* Ctrl-D */
				done = 1;
			} else if (c == '\n' || c == '\r')
				done = 1;
			else if (len < sizeof buf - 1)
				buf[len++] = c;
			else
				toolong = 1;
		}
		if (!toolong)
			break;
		explicit_bzero(buf, sizeof buf);
		ui_plain_tty_write(fd, "That is too long; please type it again.\n");
	}
	if (len == 0)
		reply = UI_DONTKNOW;
	else {
		*value = xstrndup(buf, len);
		reply = UI_ANSWER;
	}

out:
	explicit_bzero(buf, sizeof buf);
	c = 0;
	(void)tcsetattr(fd, TCSAFLUSH, &ui_plain_saved);
	ui_plain_tty = -1;
	for (i = 0; i < UI_PLAIN_NSIGNALS; i++)
		sigaction(ui_plain_signals[i], &ui_plain_oldact[i], NULL);
	if (reply == UI_QUIT)
		fputc('\n', ui->out);
	return (reply);
}

static enum ui_reply
ui_plain_info(struct ui *ui, const struct walk *w, const struct tree_node *n)
{
	enum ui_reply	 reply;
	char		*line;

	ui_plain_screen(ui, w, n);
	fputs("\nPress Enter to go on (b to go back, q to stop): ", ui->out);
	if ((line = ui_plain_readline(ui)) == NULL) {
		fputc('\n', ui->out);
		return (UI_QUIT);
	}
	if (ui_plain_is(line, "q"))
		reply = UI_QUIT;
	else if (ui_plain_is(line, "b"))
		reply = UI_BACK;
	else
		reply = UI_NEXT;
	free(line);
	return (reply);
}

static void
ui_plain_probe_begin(struct ui *ui, const struct walk *w, const struct tree_node *n)
{
	char	*s;

	fputc('\n', ui->out);
	s = answers_expand(w->answers, n->title != NULL ? n->title : n->probe, "(unknown)");
	report_paragraphs(ui->out, "", "", s);
	free(s);
	fflush(ui->out);
}

/* "  ... looking up smtp.example.com" */
static void
ui_plain_probe_progress(struct ui *ui, const char *step)
{
	char	*s;

	s = sanitize_str(step);
	report_wrap(ui->out, "  ... ", "      ", s, UI_PLAIN_WIDTH);
	free(s);
	fflush(ui->out);
}

/* One line with what the probe found, in its own plain words. */
static void
ui_plain_probe_end(struct ui *ui, __attribute__((unused)) const struct walk *w,
    const struct walk_probe *wp)
{
	const struct probe_result	*r = &wp->result;
	char				*s, *line;
	size_t				 i;

	if (r->evidence.n == 0) {
		s = sanitize_stored(r->outcome);
		xasprintf(&line, "finished (%s).", s);
		free(s);
		report_wrap(ui->out, "  Result: ", "          ", line, UI_PLAIN_WIDTH);
		free(line);
		fflush(ui->out);
		return;
	}
	/* Each evidence line is a finding of its own: one item each, easier to scan. */
	for (i = 0; i < r->evidence.n; i++) {
		s = report_unfold(r->evidence.v[i]);
		if (*s != '\0')
			report_wrap(ui->out, "  - ", "    ", s, UI_PLAIN_WIDTH);
		free(s);
	}
	fflush(ui->out);
}

static void
ui_plain_message(struct ui *ui, const char *text)
{
	fputc('\n', ui->out);
	report_paragraphs(ui->out, "", "", text);
	fflush(ui->out);
}

static void
ui_plain_show_result(struct ui *ui, const struct walk *w)
{
	struct report_client	 rc;

	fputs("\n=== What sendfix found ===\n\n", ui->out);
	report_text_diagnosis(ui->out, w);
	/* Settings read from a mail program: beside the ones that work. */
	if (report_client_compare(w, ui->meta, &rc) == 0) {
		fputs("\n=== Your mail program's settings ===\n\n", ui->out);
		report_client_text(ui->out, &rc);
		report_client_free(&rc);
	}
	fflush(ui->out);
}

static void
ui_plain_fini(struct ui *ui)
{
	if (ui->out != NULL)
		fflush(ui->out);
}

/* One y/N line: only "y" or "yes" is a yes; Enter, anything else or no more input is no. */
static int
ui_plain_confirm(struct ui *ui, const char *question)
{
	char	*line;
	int	 yes;

	fputc('\n', ui->out);
	report_paragraphs(ui->out, "", "", question);
	fputs("Answer y/N: ", ui->out);
	if ((line = ui_plain_readline(ui)) == NULL) {
		fputc('\n', ui->out);
		return (0);
	}
	yes = ui_plain_is(line, "y") || ui_plain_is(line, "yes");
	free(line);
	return (yes);
}
