/* options.h: the command line, parsed into one struct (interface.md is the contract). */
#ifndef SENDFIX_OPTIONS_H
#define SENDFIX_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "util.h"

enum options_mode {
	OPTIONS_MODE_AUTO,	/* the wizard in a terminal, plain lines otherwise */
	OPTIONS_MODE_PLAIN,
	OPTIONS_MODE_BATCH,
	OPTIONS_MODE_CHECK_TREE,
	OPTIONS_MODE_HELP,
	OPTIONS_MODE_VERSION,
	OPTIONS_MODE_HELP_ANSWERS,
	OPTIONS_MODE_HELP_PROBES
};

struct options {
	enum options_mode	 mode;
	const char		*check_tree;	/* --check-tree FILE */
	const char		*tree;		/* --tree FILE */
	struct strlist		 answers;	/* --answer KEY=VALUE, in order */
	const char		*report;	/* --report FILE|- */
	const char		*format;	/* --format text|json */
	const char		*resolver;	/* --resolver ADDR[:PORT] */
	const char		*cafile;	/* --cafile FILE */
	const char		*myip_resolver;	/* --myip-resolver ADDR[:PORT] */
	const char		*myip_name;	/* --myip-name NAME */
	int			 timeout_s;	/* --timeout SECONDS */
	struct strlist		 refhosts;	/* --reference-host HOST, repeatable */
	int			 verbose;	/* --verbose: batch progress on stderr */
	const char		*send_test_to;	/* --send-test-to ADDR: a real test message,
						   checked by test_message_address_ok */
	const char		*from_client;	/* --from-client NAME */
	const char		*account;	/* --account NAME */
	char			*home;		/* --home DIR, made absolute */
	int			 use_stored_password; /* --use-stored-password */
	int			 fix_client;	/* --fix-client */
};

/*
 * Parses argv into opts. Returns 0, or -1 with *cause (a usage error: exit status 2).
 * Values are checked here as far as they can be without the tree (numbers, formats).
 */
int	 options_parse(int argc, char **argv, struct options *opts, char **cause);
void	 options_free(struct options *);
/* The --help text. */
void	 options_usage(FILE *);

#endif
