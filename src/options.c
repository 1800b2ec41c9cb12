/* options.c: parse the command line into struct options. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "options.h"
#include "test-message.h"

enum {
	OPT_PLAIN = 256,
	OPT_BATCH,
	OPT_CHECK_TREE,
	OPT_TREE,
	OPT_ANSWER,
	OPT_REPORT,
	OPT_FORMAT,
	OPT_RESOLVER,
	OPT_CAFILE,
	OPT_MYIP_RESOLVER,
	OPT_MYIP_NAME,
	OPT_TIMEOUT,
	OPT_REFERENCE_HOST,
	OPT_SEND_TEST_TO,
	OPT_HELP_ANSWERS,
	OPT_HELP_PROBES,
	OPT_VERSION,
	OPT_VERBOSE,
	OPT_FROM_CLIENT,
	OPT_ACCOUNT,
	OPT_HOME,
	OPT_USE_STORED_PASSWORD,
	OPT_FIX_CLIENT
};

static const struct option options_long[] = {
	{ "plain",		no_argument,		NULL,	OPT_PLAIN },
	{ "batch",		no_argument,		NULL,	OPT_BATCH },
	{ "check-tree",		required_argument,	NULL,	OPT_CHECK_TREE },
	{ "tree",		required_argument,	NULL,	OPT_TREE },
	{ "answer",		required_argument,	NULL,	OPT_ANSWER },
	{ "report",		required_argument,	NULL,	OPT_REPORT },
	{ "format",		required_argument,	NULL,	OPT_FORMAT },
	{ "resolver",		required_argument,	NULL,	OPT_RESOLVER },
	{ "cafile",		required_argument,	NULL,	OPT_CAFILE },
	{ "myip-resolver",	required_argument,	NULL,	OPT_MYIP_RESOLVER },
	{ "myip-name",		required_argument,	NULL,	OPT_MYIP_NAME },
	{ "timeout",		required_argument,	NULL,	OPT_TIMEOUT },
	{ "reference-host",	required_argument,	NULL,	OPT_REFERENCE_HOST },
	{ "send-test-to",	required_argument,	NULL,	OPT_SEND_TEST_TO },
	{ "help-answers",	no_argument,		NULL,	OPT_HELP_ANSWERS },
	{ "help-probes",	no_argument,		NULL,	OPT_HELP_PROBES },
	{ "verbose",		no_argument,		NULL,	OPT_VERBOSE },
	{ "from-client",	required_argument,	NULL,	OPT_FROM_CLIENT },
	{ "account",		required_argument,	NULL,	OPT_ACCOUNT },
	{ "home",		required_argument,	NULL,	OPT_HOME },
	{ "use-stored-password", no_argument,		NULL,	OPT_USE_STORED_PASSWORD },
	{ "fix-client",		no_argument,		NULL,	OPT_FIX_CLIENT },
	{ "version",		no_argument,		NULL,	OPT_VERSION },
	{ "help",		no_argument,		NULL,	'h' },
	{ NULL,			0,			NULL,	0 }
};

static int	options_set_mode(struct options *, enum options_mode, const char *, char **);
static int	options_client_ok(const char *);

static int
options_client_ok(const char *name)
{
	static const char *const names[] = { "auto", "thunderbird", "evolution", "claws",
	    "kmail", "geary", "msmtp", "mutt", "neomutt" };
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(name, names[i]) == 0)
			return (1);
	}
	return (0);
}

void
options_usage(FILE *f)
{
	fputs(
"Usage: sendfix [OPTION]...\n"
"Find out why email can be received but not sent, and say what to change.\n"
"\n"
"Modes:\n"
"      --plain               ask the questions as plain lines (no full-screen wizard)\n"
"      --batch               ask nothing: answers come from --answer; a question with\n"
"                            no answer takes its \"I don't know\" branch\n"
"      --check-tree FILE     check a decision tree file and exit\n"
"      --help-answers        list every answer key with its allowed values\n"
"      --help-probes         list the probes a tree can use\n"
"\n"
"Options:\n"
"      --answer KEY=VALUE    answer a question in advance (repeatable)\n"
"      --report FILE         write the report to FILE (- for standard output)\n"
"      --format text|json    report format (default text)\n"
"      --resolver ADDR[:PORT]  send every DNS query to this server\n"
"      --cafile FILE         extra trusted CA certificates (PEM)\n"
"      --myip-resolver ADDR[:PORT]\n"
"                            ask this server for this network's public address\n"
"                            (replaces the built-in OpenDNS servers)\n"
"      --myip-name NAME      the name it answers with the asker's address\n"
"                            (default myip.opendns.com)\n"
"      --timeout SECONDS     limit for each network step (default 10)\n"
"      --reference-host HOST a mail server used for comparison (repeatable;\n"
"                            replaces the built-in list)\n"
"      --send-test-to ADDR   after a good login, send one real test message to\n"
"                            ADDR (asked again first, except with --batch)\n"
"      --tree FILE           use this decision tree instead of the built-in one\n"
"      --from-client NAME    take the answers from a mail program's settings: auto,\n"
"                            thunderbird, evolution, claws, kmail, geary, msmtp,\n"
"                            mutt or neomutt (auto: the first of them, in that\n"
"                            order, that has an account)\n"
"      --account NAME        which of its accounts (account name, address or server;\n"
"                            default: the program's own default account)\n"
"      --home DIR            read the mail program's files under DIR, not $HOME\n"
"      --use-stored-password with --batch, use a password stored in the msmtp or mutt\n"
"                            settings (never shown, never reported)\n"
"      --fix-client          with --batch and an msmtp or mutt account: write the\n"
"                            settings that work into its file (a copy of the old\n"
"                            one is kept as FILE.sendfix-bak)\n"
"      --verbose             batch mode: report each probe on standard error\n"
"      --version             print the version and exit\n"
"  -h, --help                print this help and exit\n"
"\n"
"Exit status: 0 no fault found, 1 a cause was found, 2 usage or input error,\n"
"3 no diagnosis could be reached.\n"
"The password is never a command-line value: use --answer smtp.password-file=FILE.\n",
	    f);
}

static int
options_set_mode(struct options *opts, enum options_mode mode, const char *name, char **cause)
{
	if (opts->mode != OPTIONS_MODE_AUTO && opts->mode != mode) {
		xasprintf(cause, "%s cannot be combined with another mode option", name);
		return (-1);
	}
	opts->mode = mode;
	return (0);
}

int
options_parse(int argc, char **argv, struct options *opts, char **cause)
{
	char	*end;
	long	 n;
	int	 c;

	memset(opts, 0, sizeof *opts);
	opts->mode = OPTIONS_MODE_AUTO;
	opts->timeout_s = 10;
	opts->format = "text";

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", options_long, NULL)) != -1) {
		switch (c) {
		case OPT_PLAIN:
			if (options_set_mode(opts, OPTIONS_MODE_PLAIN, "--plain", cause) != 0)
				return (-1);
			break;
		case OPT_BATCH:
			if (options_set_mode(opts, OPTIONS_MODE_BATCH, "--batch", cause) != 0)
				return (-1);
			break;
		case OPT_CHECK_TREE:
			if (options_set_mode(opts, OPTIONS_MODE_CHECK_TREE, "--check-tree",
			    cause) != 0)
				return (-1);
			opts->check_tree = optarg;
			break;
		case OPT_HELP_ANSWERS:
			opts->mode = OPTIONS_MODE_HELP_ANSWERS;
			break;
		case OPT_HELP_PROBES:
			opts->mode = OPTIONS_MODE_HELP_PROBES;
			break;
		case OPT_TREE:
			opts->tree = optarg;
			break;
		case OPT_ANSWER:
			if (strchr(optarg, '=') == NULL || *optarg == '=') {
				xasprintf(cause, "--answer needs KEY=VALUE, got \"%s\"", optarg);
				return (-1);
			}
			strlist_add(&opts->answers, optarg);
			break;
		case OPT_REPORT:
			if (*optarg == '\0') {
				xasprintf(cause, "--report needs a file name (or - for standard "
				    "output)");
				return (-1);
			}
			opts->report = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
				xasprintf(cause, "--format must be text or json, not \"%s\"",
				    optarg);
				return (-1);
			}
			opts->format = optarg;
			break;
		case OPT_RESOLVER:
			if (dns_resolver_check(optarg, cause) != 0)
				return (-1);
			opts->resolver = optarg;
			break;
		case OPT_CAFILE:
			opts->cafile = optarg;
			break;
		case OPT_MYIP_RESOLVER:
			if (dns_resolver_check(optarg, cause) != 0)
				return (-1);
			opts->myip_resolver = optarg;
			break;
		case OPT_MYIP_NAME:
			if (*optarg == '\0') {
				xasprintf(cause, "--myip-name needs a DNS name");
				return (-1);
			}
			opts->myip_name = optarg;
			break;
		case OPT_TIMEOUT:
			n = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' || n < 1 || n > 600) {
				xasprintf(cause, "--timeout must be a whole number of seconds "
				    "from 1 to 600, not \"%s\"", optarg);
				return (-1);
			}
			opts->timeout_s = (int)n;
			break;
		case OPT_REFERENCE_HOST:
			strlist_add(&opts->refhosts, optarg);
			break;
		case OPT_SEND_TEST_TO:
			if (!test_message_address_ok(optarg)) {
				xasprintf(cause, "--send-test-to needs one address like "
				    "friend@example.net (one @, a dot in the domain, no spaces "
				    "or control characters)");
				return (-1);
			}
			opts->send_test_to = optarg;
			break;
		case OPT_VERBOSE:
			opts->verbose = 1;
			break;
		case OPT_FROM_CLIENT:
			if (!options_client_ok(optarg)) {
				xasprintf(cause, "--from-client must be auto, thunderbird, "
				    "evolution, claws, kmail, geary, msmtp, mutt or neomutt");
				return (-1);
			}
			opts->from_client = optarg;
			break;
		case OPT_ACCOUNT:
			opts->account = optarg;
			break;
		case OPT_HOME:
			/*
			 * The readers open files under it with their own paths; a name relative
			 * to here is made absolute now, so it means what the user typed.
			 */
			free(opts->home);
			if (*optarg == '/')
				opts->home = xstrdup(optarg);
			else if ((opts->home = realpath(optarg, NULL)) == NULL) {
				xasprintf(cause, "--home %s: %s", optarg, strerror(errno));
				return (-1);
			}
			break;
		case OPT_USE_STORED_PASSWORD:
			opts->use_stored_password = 1;
			break;
		case OPT_FIX_CLIENT:
			opts->fix_client = 1;
			break;
		case OPT_VERSION:
			opts->mode = OPTIONS_MODE_VERSION;
			break;
		case 'h':
			opts->mode = OPTIONS_MODE_HELP;
			break;
		case ':':
			xasprintf(cause, "option %s needs a value", argv[optind - 1]);
			return (-1);
		default:
			if (optopt != 0 && optopt < 256)
				xasprintf(cause, "unknown option -%c", optopt);
			else
				xasprintf(cause, "unknown option %s", argv[optind - 1]);
			return (-1);
		}
	}
	if (optind < argc) {
		xasprintf(cause, "unexpected argument \"%s\"", argv[optind]);
		return (-1);
	}
	if ((opts->account != NULL || opts->use_stored_password) &&
	    opts->from_client == NULL) {
		xasprintf(cause, "--account and --use-stored-password need --from-client");
		return (-1);
	}
	/* The wizard asks before it writes; only a script's command line says so itself. */
	if (opts->fix_client && (opts->from_client == NULL ||
	    opts->mode != OPTIONS_MODE_BATCH)) {
		xasprintf(cause, "--fix-client needs --batch and --from-client (the wizard "
		    "offers the same and asks first)");
		return (-1);
	}
	return (0);
}

void
options_free(struct options *opts)
{
	strlist_free(&opts->answers);
	strlist_free(&opts->refhosts);
	free(opts->home);
	opts->home = NULL;
}
