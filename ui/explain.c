/* explain.c: `sendfix explain`: turns an error message into likely causes, in text or JSON. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "causes.h"
#include "explain.h"
#include "replies.h"
#include "sanitize.h"
#include "util.h"

/* interface.md's exit status. */
enum {
	EXPLAIN_EXIT_FOUND = 0,
	EXPLAIN_EXIT_USAGE = 2,
	EXPLAIN_EXIT_UNKNOWN = 3
};

enum explain_format {
	EXPLAIN_TEXT,
	EXPLAIN_JSON
};

/* Longest quote of the user's text in one piece of evidence, in bytes. */
#define EXPLAIN_QUOTE_MAX	200
/* Below this weight the best cause is only one of several that fit a general message. */
#define EXPLAIN_SURE		50

static void	 explain_error(const char *, ...) PRINTFLIKE(1, 2);
static void	 explain_usage(FILE *);
static int	 explain_read_stdin(char **);
static char	*explain_evidence(const struct replies *, const struct replies_match *);
static void	 explain_print_text(const struct replies *, const struct replies_result *);
static void	 explain_print_json(const struct replies *, const struct replies_result *);

/* Messages on standard error go through the sanitiser: they may quote the user's text. */
static void
explain_error(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *safe;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	safe = sanitize_str(msg);
	fprintf(stderr, "sendfix: %s\n", safe);
	free(safe);
	free(msg);
}

static void
explain_usage(FILE *f)
{
	fputs("usage: sendfix explain [--format text|json] TEXT...\n"
	    "       sendfix explain [--format text|json] -     (the text from standard "
	    "input)\n"
	    "Paste the error your mail program shows, or the server's reply, and sendfix\n"
	    "says what it most likely means.\n", f);
}

/* Reads standard input whole; a NUL byte becomes a space so nothing after it is lost. */
static int
explain_read_stdin(char **out)
{
	char	*buf;
	size_t	 len = 0, i;
	ssize_t	 n;

	buf = xmalloc(EXPLAIN_TEXT_MAX + 2);
	for (;;) {
		n = read(STDIN_FILENO, buf + len, EXPLAIN_TEXT_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			explain_error("cannot read standard input: %s", strerror(errno));
			free(buf);
			return (-1);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > EXPLAIN_TEXT_MAX) {
			explain_error("the text on standard input is longer than %d KiB; paste "
			    "only the error message", EXPLAIN_TEXT_MAX / 1024);
			free(buf);
			return (-1);
		}
	}
	for (i = 0; i < len; i++) {
		if (buf[i] == '\0')
			buf[i] = ' ';
	}
	buf[len] = '\0';
	*out = buf;
	return (0);
}

/* Why a cause matched, in words, with the user's own text quoted and sanitised. */
static char *
explain_evidence(const struct replies *t, const struct replies_match *m)
{
	char	*quote = NULL, *safe, *code = NULL, *out, *file;
	size_t	 len;

	if (m->code != 0 && m->enhanced[0] != '\0')
		xasprintf(&code, "%d %s", m->code, m->enhanced);
	else if (m->code != 0)
		xasprintf(&code, "%d", m->code);
	else if (m->enhanced[0] != '\0')
		code = xstrdup(m->enhanced);
	file = sanitize_str(t->file);

	if (m->quote != NULL) {
		len = strlen(m->quote);
		if (len > EXPLAIN_QUOTE_MAX) {
			/* Cut at the start of a character, never inside one. */
			len = EXPLAIN_QUOTE_MAX;
			while (len > 0 && ((unsigned char)m->quote[len] & 0xc0) == 0x80)
				len--;
			quote = xstrndup(m->quote, len);
			safe = sanitize_str(quote);
			free(quote);
			xasprintf(&quote, "%s...", safe);
			free(safe);
		} else
			quote = sanitize_str(m->quote);
		if (code != NULL)
			xasprintf(&out, "The message says \"%s\", with reply code %s (%s:%d).",
			    quote, code, file, m->rule->line);
		else
			xasprintf(&out, "The message says \"%s\" (%s:%d).", quote, file,
			    m->rule->line);
	} else
		xasprintf(&out, "The message carries the reply code %s (%s:%d).",
		    code != NULL ? code : "?", file, m->rule->line);
	free(quote);
	free(code);
	free(file);
	return (out);
}

static void
explain_print_text(const struct replies *t, const struct replies_result *res)
{
	const struct replies_match	*m;
	const char			*section;
	char				*title, *why;
	size_t				 i;

	if (res->n == 0) {
		printf("sendfix does not recognise this message, so it will not guess at a "
		    "cause.\n"
		    "Run sendfix without arguments: it asks a few questions and tests "
		    "sending from this computer.\n");
		return;
	}
	if (res->n == 1)
		printf("This message points to one likely cause.\n\n");
	else
		printf("This message points to %zu possible causes, the most likely "
		    "first.\n\n", res->n);
	for (i = 0; i < res->n; i++) {
		m = &res->v[i];
		title = sanitize_stored(m->cause->title);
		section = cause_section_title(m->cause->section);
		why = explain_evidence(t, m);
		printf("%zu. %s\n", i + 1, title);
		printf("   Guide section %d: %s\n", m->cause->section,
		    section != NULL ? section : "?");
		printf("   Why: %s\n\n", why);
		free(why);
		free(title);
	}
	if (res->v[0].weight < EXPLAIN_SURE)
		printf("This is a general message that several different problems "
		    "produce.\nRun sendfix without arguments to test which one it is from "
		    "this computer.\n");
	else
		printf("To check this from this computer, run sendfix without "
		    "arguments.\n");
}

static void
explain_print_json(const struct replies *t, const struct replies_result *res)
{
	struct json_object		*top, *causes, *c, *ev;
	const struct replies_match	*m;
	char				*s;
	size_t				 i;

	if ((top = json_object_new_object()) == NULL ||
	    (causes = json_object_new_array()) == NULL)
		fatalx("json-c could not allocate");
	for (i = 0; i < res->n; i++) {
		m = &res->v[i];
		if ((c = json_object_new_object()) == NULL ||
		    (ev = json_object_new_array()) == NULL)
			fatalx("json-c could not allocate");
		json_object_object_add(c, "id", json_object_new_string(m->cause->id));
		json_object_object_add(c, "section", json_object_new_int(m->cause->section));
		s = sanitize_stored(m->cause->title);
		json_object_object_add(c, "title", json_object_new_string(s));
		free(s);
		s = explain_evidence(t, m);
		json_object_array_add(ev, json_object_new_string(s));
		free(s);
		json_object_object_add(c, "evidence", ev);
		json_object_object_add(c, "fix", json_object_new_array());
		json_object_array_add(causes, c);
	}
	json_object_object_add(top, "causes", causes);
	printf("%s\n", json_object_to_json_string_ext(top,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}

int
explain_main(int argc, char **argv)
{
	const struct replies	*t;
	struct replies_result	 res;
	enum explain_format	 format = EXPLAIN_TEXT;
	struct strlist		 words = { NULL, 0, 0 };
	const char		*value;
	char			*text = NULL, *p;
	size_t			 len = 0, i;
	int			 a, options = 1, status;

	for (a = 1; a < argc; a++) {
		if (options && strcmp(argv[a], "--") == 0) {
			options = 0;
			continue;
		}
		if (options && (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0)) {
			explain_usage(stdout);
			strlist_free(&words);
			return (EXPLAIN_EXIT_FOUND);
		}
		if (options && strncmp(argv[a], "--format", 8) == 0 &&
		    (argv[a][8] == '\0' || argv[a][8] == '=')) {
			if (argv[a][8] == '=')
				value = argv[a] + 9;
			else if (a + 1 < argc)
				value = argv[++a];
			else
				value = NULL;
			if (value != NULL && strcmp(value, "text") == 0)
				format = EXPLAIN_TEXT;
			else if (value != NULL && strcmp(value, "json") == 0)
				format = EXPLAIN_JSON;
			else {
				explain_error("--format must be text or json");
				goto usage;
			}
			continue;
		}
		if (options && strncmp(argv[a], "--", 2) == 0) {
			explain_error("unknown option %s for explain (put -- before a message "
			    "that starts with --)", argv[a]);
			goto usage;
		}
		strlist_add(&words, argv[a]);
	}
	if (words.n == 0) {
		explain_error("explain needs the error message to explain");
		goto usage;
	}
	if (words.n == 1 && strcmp(words.v[0], "-") == 0) {
		if (explain_read_stdin(&text) != 0) {
			strlist_free(&words);
			return (EXPLAIN_EXIT_USAGE);
		}
	} else {
		for (i = 0; i < words.n; i++) {
			if (strcmp(words.v[i], "-") == 0) {
				explain_error("\"-\" reads the message from standard input and "
				    "cannot be mixed with other text");
				goto usage;
			}
			len += strlen(words.v[i]) + 1;
		}
		if (len > EXPLAIN_TEXT_MAX + 1) {
			explain_error("the message is longer than %d KiB; give only the error "
			    "message", EXPLAIN_TEXT_MAX / 1024);
			strlist_free(&words);
			return (EXPLAIN_EXIT_USAGE);
		}
		text = xmalloc(len + 1);
		p = text;
		for (i = 0; i < words.n; i++) {
			len = strlen(words.v[i]);
			memcpy(p, words.v[i], len);
			p += len;
			*p++ = ' ';
		}
		p[-1] = '\0';
	}
	strlist_free(&words);
	if (text[strspn(text, " \t\r\n\v\f")] == '\0') {
		explain_error("the message is empty");
		free(text);
		return (EXPLAIN_EXIT_USAGE);
	}

	t = replies_builtin();
	replies_match_text(t, text, &res);
	free(text);
	if (format == EXPLAIN_JSON)
		explain_print_json(t, &res);
	else
		explain_print_text(t, &res);
	status = res.n > 0 ? EXPLAIN_EXIT_FOUND : EXPLAIN_EXIT_UNKNOWN;
	replies_result_free(&res);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		explain_error("cannot write the explanation: %s", strerror(errno));
		return (EXPLAIN_EXIT_USAGE);
	}
	return (status);

usage:
	strlist_free(&words);
	fputs("Try 'sendfix explain --help' for more information.\n", stderr);
	return (EXPLAIN_EXIT_USAGE);
}
