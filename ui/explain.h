/* explain.h: the explain subcommand: what an error message the user already sees means. */
#ifndef SENDFIX_EXPLAIN_H
#define SENDFIX_EXPLAIN_H

/* Longest message taken, from the command line or standard input. */
#define EXPLAIN_TEXT_MAX	(64 * 1024)

/*
 * sendfix explain [--format text|json] TEXT... (argv[0] is "explain"). The TEXT arguments
 * are joined with spaces; a single "-" reads the text from standard input. Prints the
 * likely causes, most likely first, on standard output (sanitised), or says plainly that
 * the text is not recognised. Returns the exit status of interface.md: 0 when a cause
 * matched, 3 when nothing did (inconclusive), 2 on a usage or input error (said on
 * standard error).
 */
int	 explain_main(int argc, char **argv);

#endif
