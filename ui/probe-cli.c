/* probe-cli.c: `sendfix probe smtp`: one SMTP check shown in full for an expert, with a verdict. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "causes.h"
#include "dns.h"
#include "probe-cli.h"
#include "sanitize.h"
#include "secret-file.h"
#include "smtp-check.h"
#include "smtp-verdict.h"
#include "util.h"

/* interface.md's exit status. */
enum {
	PROBE_CLI_EXIT_OK = 0,
	PROBE_CLI_EXIT_CAUSE = 1,
	PROBE_CLI_EXIT_USAGE = 2,
	PROBE_CLI_EXIT_INCONCLUSIVE = 3
};

#define PROBE_CLI_DEFAULT_PORT		587
#define PROBE_CLI_DEFAULT_TIMEOUT	10

enum {
	PROBE_CLI_OPT_PORT = 256,
	PROBE_CLI_OPT_SECURITY,
	PROBE_CLI_OPT_USER,
	PROBE_CLI_OPT_PASSWORD_FILE,
	PROBE_CLI_OPT_PASSWORD,
	PROBE_CLI_OPT_FROM,
	PROBE_CLI_OPT_TIMEOUT,
	PROBE_CLI_OPT_CAFILE,
	PROBE_CLI_OPT_RESOLVER,
	PROBE_CLI_OPT_FORMAT
};

static const struct option probe_cli_smtp_long[] = {
	{ "port",		required_argument,	NULL,	PROBE_CLI_OPT_PORT },
	{ "security",		required_argument,	NULL,	PROBE_CLI_OPT_SECURITY },
	{ "user",		required_argument,	NULL,	PROBE_CLI_OPT_USER },
	{ "password-file",	required_argument,	NULL,	PROBE_CLI_OPT_PASSWORD_FILE },
	/* Refused by name: it would otherwise abbreviate --password-file. */
	{ "password",		required_argument,	NULL,	PROBE_CLI_OPT_PASSWORD },
	{ "from",		required_argument,	NULL,	PROBE_CLI_OPT_FROM },
	{ "timeout",		required_argument,	NULL,	PROBE_CLI_OPT_TIMEOUT },
	{ "cafile",		required_argument,	NULL,	PROBE_CLI_OPT_CAFILE },
	{ "resolver",		required_argument,	NULL,	PROBE_CLI_OPT_RESOLVER },
	{ "format",		required_argument,	NULL,	PROBE_CLI_OPT_FORMAT },
	{ "help",		no_argument,		NULL,	'h' },
	{ NULL,			0,			NULL,	0 }
};

/* What `sendfix probe smtp` was asked to do. */
struct probe_cli_smtp {
	const char		*host;
	int			 port;
	enum smtp_security	 security;
	int			 security_given;
	const char		*user;
	const char		*password_file;
	const char		*from;
	const char		*cafile;
	const char		*resolver;
	int			 timeout_s;
	int			 json;
	int			 help;
};

/* The live transcript: the header goes out with the first line of the dialogue. */
struct probe_cli_live {
	const struct smtp_check_config	*cfg;
	const struct smtp_check_result	*res;
	int				 header;
};

static void	 probe_cli_error(const char *, ...) PRINTFLIKE(1, 2);
static void	 probe_cli_usage(FILE *);
static void	 probe_cli_smtp_usage(FILE *);
static int	 probe_cli_smtp_parse(int, char **, struct probe_cli_smtp *);
static int	 probe_cli_smtp(int, char **);
static void	 probe_cli_put(const char *, const char *, const char *);
static const char *probe_cli_address(const struct smtp_check_result *, char *, size_t);
static void	 probe_cli_header(const struct smtp_check_config *,
		     const struct smtp_check_result *);
static void	 probe_cli_line(void *, const char *);
static void	 probe_cli_caps(const char *, const struct smtp_caps *);
static void	 probe_cli_text(const struct smtp_check_config *,
		     const struct smtp_check_result *, const struct smtp_verdict *, int);
static struct json_object *probe_cli_json_str(const char *);
static struct json_object *probe_cli_json_list(const struct strlist *);
static struct json_object *probe_cli_json_ms(long long);
static void	 probe_cli_json(const struct smtp_check_config *,
		     const struct smtp_check_result *, const struct smtp_verdict *);

/* The probes this subcommand runs; the usage message lists them. */
static const struct {
	const char	*name;
	int		(*run)(int, char **);
	const char	*summary;
} probe_cli_probes[] = {
	{ "smtp", probe_cli_smtp, "an outgoing server: dialogue, capabilities, TLS "
	    "chain, verdict" },
};
#define PROBE_CLI_NPROBES (sizeof probe_cli_probes / sizeof probe_cli_probes[0])

/* Messages on standard error go through the sanitiser: they may quote a file name. */
static void
probe_cli_error(const char *fmt, ...)
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
probe_cli_usage(FILE *f)
{
	size_t	 i;

	fputs("usage: sendfix probe NAME [ARGUMENTS...]\n"
	    "Runs one test on its own and shows everything it saw. The probes are:\n", f);
	for (i = 0; i < PROBE_CLI_NPROBES; i++)
		fprintf(f, "  %-6s %s\n", probe_cli_probes[i].name, probe_cli_probes[i].summary);
	fputs("Try 'sendfix probe NAME --help' for a probe's arguments.\n", f);
}

static void
probe_cli_smtp_usage(FILE *f)
{
	fputs("usage: sendfix probe smtp HOST [--port N] [--security none|starttls|tls]\n"
	    "           [--user U --password-file F] [--from ADDR] [--timeout SECONDS]\n"
	    "           [--cafile FILE] [--resolver ADDR[:PORT]] [--format text|json]\n"
	    "Talks to the outgoing server HOST as a mail program would and shows the\n"
	    "dialogue, the capabilities before and after TLS, the TLS parameters and the\n"
	    "certificate chain, the timings, and a verdict. Nothing is ever sent: with\n"
	    "--from, ADDR is given as sender and recipient, then the envelope is reset.\n"
	    "\n"
	    "  --port N                 default 587\n"
	    "  --security MODE          none, starttls or tls (SSL/TLS); default tls for\n"
	    "                           port 465, starttls otherwise\n"
	    "  --user U                 log in as U; the password is read from the file\n"
	    "  --password-file F        (never a command-line value)\n"
	    "  --from ADDR              your own address, tried as sender and recipient\n"
	    "  --timeout SECONDS        limit for each network step (default 10)\n"
	    "  --cafile FILE            extra trusted CA certificates (PEM)\n"
	    "  --resolver ADDR[:PORT]   send DNS queries to this server\n"
	    "  --format text|json       output format (default text)\n"
	    "\n"
	    "Exit status: 0 the whole path works, 1 a cause was found, 2 usage error,\n"
	    "3 inconclusive.\n", f);
}

int
probe_cli_main(int argc, char **argv)
{
	size_t	 i;

	if (argc < 2) {
		probe_cli_error("probe needs the name of a probe");
		probe_cli_usage(stderr);
		return (PROBE_CLI_EXIT_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		probe_cli_usage(stdout);
		return (PROBE_CLI_EXIT_OK);
	}
	for (i = 0; i < PROBE_CLI_NPROBES; i++) {
		if (strcmp(argv[1], probe_cli_probes[i].name) == 0)
			return (probe_cli_probes[i].run(argc - 1, argv + 1));
	}
	probe_cli_error("unknown probe \"%s\"", argv[1]);
	probe_cli_usage(stderr);
	return (PROBE_CLI_EXIT_USAGE);
}

/* argv[0] is "smtp". Returns 0, or -1 after saying what is wrong. */
static int
probe_cli_smtp_parse(int argc, char **argv, struct probe_cli_smtp *o)
{
	char	*end, *cause = NULL;
	long	 n;
	int	 c;

	memset(o, 0, sizeof *o);
	o->port = PROBE_CLI_DEFAULT_PORT;
	o->timeout_s = PROBE_CLI_DEFAULT_TIMEOUT;

	opterr = 0;
	optind = 1;
	/* "-": HOST may come before or after the options, whatever POSIXLY_CORRECT says. */
	while ((c = getopt_long(argc, argv, "-:h", probe_cli_smtp_long, NULL)) != -1) {
		switch (c) {
		case 1:
			if (o->host != NULL) {
				probe_cli_error("unexpected argument \"%s\"", optarg);
				return (-1);
			}
			o->host = optarg;
			break;
		case PROBE_CLI_OPT_PORT:
			n = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' || n < 1 ||
			    n > 65535) {
				probe_cli_error("--port must be a number from 1 to 65535, not "
				    "\"%s\"", optarg);
				return (-1);
			}
			o->port = (int)n;
			break;
		case PROBE_CLI_OPT_SECURITY:
			if (strcmp(optarg, "none") == 0)
				o->security = SMTP_SECURITY_NONE;
			else if (strcmp(optarg, "starttls") == 0)
				o->security = SMTP_SECURITY_STARTTLS;
			else if (strcmp(optarg, "tls") == 0)
				o->security = SMTP_SECURITY_TLS;
			else {
				probe_cli_error("--security must be none, starttls or tls (for "
				    "SSL/TLS), not \"%s\"", optarg);
				return (-1);
			}
			o->security_given = 1;
			break;
		case PROBE_CLI_OPT_USER:
			if (*optarg == '\0') {
				probe_cli_error("--user needs a login name");
				return (-1);
			}
			o->user = optarg;
			break;
		case PROBE_CLI_OPT_PASSWORD_FILE:
			o->password_file = optarg;
			break;
		case PROBE_CLI_OPT_PASSWORD:
			/* Never repeat the value: it is the password. */
			probe_cli_error("--password is not accepted: a password is never given "
			    "on the command line, where other users can see it; put it in a "
			    "file and use --password-file FILE");
			return (-1);
		case PROBE_CLI_OPT_FROM:
			if (!smtp_address_ok(optarg) || strchr(optarg, '@') == NULL) {
				probe_cli_error("--from needs your email address "
				    "(name@example.com), not \"%s\"", optarg);
				return (-1);
			}
			o->from = optarg;
			break;
		case PROBE_CLI_OPT_TIMEOUT:
			n = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' || n < 1 || n > 600) {
				probe_cli_error("--timeout must be a whole number of seconds from "
				    "1 to 600, not \"%s\"", optarg);
				return (-1);
			}
			o->timeout_s = (int)n;
			break;
		case PROBE_CLI_OPT_CAFILE:
			if (access(optarg, R_OK) != 0) {
				probe_cli_error("--cafile %s: %s", optarg, strerror(errno));
				return (-1);
			}
			o->cafile = optarg;
			break;
		case PROBE_CLI_OPT_RESOLVER:
			if (dns_resolver_check(optarg, &cause) != 0) {
				probe_cli_error("--resolver: %s", cause);
				free(cause);
				return (-1);
			}
			o->resolver = optarg;
			break;
		case PROBE_CLI_OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				o->json = 0;
			else if (strcmp(optarg, "json") == 0)
				o->json = 1;
			else {
				probe_cli_error("--format must be text or json, not \"%s\"",
				    optarg);
				return (-1);
			}
			break;
		case 'h':
			o->help = 1;
			return (0);
		case ':':
			probe_cli_error("option %s needs a value", argv[optind - 1]);
			return (-1);
		default:
			if (optopt != 0 && optopt < 256)
				probe_cli_error("unknown option -%c for probe smtp", optopt);
			else
				probe_cli_error("unknown option %s for probe smtp",
				    argv[optind - 1]);
			return (-1);
		}
	}
	/* After "--" getopt leaves the rest unread. */
	if (o->host == NULL && optind < argc)
		o->host = argv[optind++];
	if (optind < argc) {
		probe_cli_error("unexpected argument \"%s\"", argv[optind]);
		return (-1);
	}
	if (o->host == NULL || *o->host == '\0') {
		probe_cli_error("probe smtp needs the outgoing server's name or address");
		return (-1);
	}
	if (o->user != NULL && o->password_file == NULL) {
		probe_cli_error("--user needs --password-file FILE: a password is never "
		    "given on the command line, where other users can see it");
		return (-1);
	}
	if (o->password_file != NULL && o->user == NULL) {
		probe_cli_error("--password-file needs --user: the login name to use");
		return (-1);
	}
	/* RFC 8314 3.3: 465 is implicit TLS; 587, 25 and 2525 start in plain text. */
	if (!o->security_given)
		o->security = o->port == 465 ? SMTP_SECURITY_TLS : SMTP_SECURITY_STARTTLS;
	return (0);
}

/*
 * One line: prefix, then s (already sanitised by the layer that stored it; checked again
 * so nothing from the network reaches the terminal raw), then suffix.
 */
static void
probe_cli_put(const char *prefix, const char *s, const char *suffix)
{
	char	*safe = sanitize_stored(s);

	printf("%s%s%s", prefix, safe, suffix);
	free(safe);
}

/* The address connected to, without the brackets of an IPv6 literal. */
static const char *
probe_cli_address(const struct smtp_check_result *res, char *buf, size_t len)
{
	size_t	 n = strlen(res->address);

	if (res->address[0] == '[' && n > 2 && res->address[n - 1] == ']')
		snprintf(buf, len, "%.*s", (int)(n - 2), res->address + 1);
	else
		snprintf(buf, len, "%s", res->address[0] != '\0' ? res->address :
		    "no address");
	return (buf);
}

static void
probe_cli_header(const struct smtp_check_config *cfg, const struct smtp_check_result *res)
{
	char	 addr[64];

	probe_cli_put("Dialogue with ", cfg->host, "");
	printf(" (%s) port %d, security %s:\n", probe_cli_address(res, addr, sizeof addr),
	    cfg->port, smtp_security_name(cfg->security));
}

/* The live transcript: each line as it happens, so a slow step shows where it waits. */
static void
probe_cli_line(void *arg, const char *line)
{
	struct probe_cli_live	*live = arg;

	if (!live->header) {
		probe_cli_header(live->cfg, live->res);
		live->header = 1;
	}
	probe_cli_put("  ", line, "\n");
	fflush(stdout);
}

static void
probe_cli_caps(const char *what, const struct smtp_caps *caps)
{
	size_t	 i;

	printf("Capabilities %s:\n", what);
	if (caps->domain != NULL)
		probe_cli_put("  (server: ", caps->domain, ")\n");
	if (caps->keywords.n == 0)
		printf("  none (the server lists no extensions)\n");
	for (i = 0; i < caps->keywords.n; i++)
		probe_cli_put("  ", caps->keywords.v[i], "\n");
}

static void
probe_cli_text(const struct smtp_check_config *cfg, const struct smtp_check_result *res,
    const struct smtp_verdict *v, int header_done)
{
	const struct smtp_session_result	*s = &res->session;
	const struct tls_info			*ti = &s->tls_info;
	const struct tls_cert			*c;
	const struct {
		const char	*name;
		long long	 ms;
	} timings[] = {
		{ "greeting", s->timings.greeting_ms },
		{ "EHLO", s->timings.ehlo_ms },
		{ "STARTTLS", s->timings.starttls_ms },
		{ "TLS", s->timings.tls_ms },
		{ "AUTH", s->timings.auth_ms },
		{ "MAIL", s->timings.mail_ms },
		{ "RCPT", s->timings.rcpt_ms },
		{ "total", s->timings.total_ms },
	};
	int					 dialogue;
	size_t					 i, j;

	dialogue = !res->no_address && res->connect == NET_CONNECTED;

	/* 1. The dialogue (already printed live, line by line, when there was one). */
	if (!header_done)
		probe_cli_header(cfg, res);
	if (res->no_address)
		printf("  no dialogue: the name has no address\n");
	else if (!dialogue)
		printf("  no dialogue: %s\n", net_status_words(res->connect));
	else if (s->transcript.n == 0 && s->failure == SMTP_FAIL_TLS_FAILED)
		printf("  no dialogue: the TLS handshake that comes first failed (see TLS)\n");
	else if (s->transcript.n == 0)
		printf("  (the server sent nothing)\n");
	for (i = 0; i < s->notes.n; i++)
		probe_cli_put("  Note: ", s->notes.v[i], "\n");

	/* 2. Capabilities: RFC 3207 4.2 makes the list under TLS the only one that counts. */
	printf("\n");
	if (cfg->security == SMTP_SECURITY_TLS)
		printf("Capabilities before TLS:\n  none (implicit TLS: encrypted from the "
		    "first byte)\n");
	else if (s->have_caps)
		probe_cli_caps("before TLS", &s->caps);
	else
		printf("Capabilities before TLS:\n  not reached\n");
	if (s->have_caps_tls)
		probe_cli_caps("after TLS", &s->caps_tls);
	else if (cfg->security == SMTP_SECURITY_NONE)
		printf("Capabilities after TLS:\n  none (no TLS asked for: security none)\n");
	else
		printf("Capabilities after TLS:\n  not reached\n");

	/* 3. TLS and the certificate chain. */
	printf("\nTLS:\n");
	if (!s->tls && ti->protocol == NULL) {
		if (cfg->security == SMTP_SECURITY_NONE)
			printf("  not used (security none)\n");
		else if (s->failure == SMTP_FAIL_TLS_FAILED && s->detail != NULL)
			probe_cli_put("  not established: ", s->detail, "\n");
		else
			printf("  not reached\n");
	} else {
		probe_cli_put("  Protocol: ", ti->protocol != NULL ? ti->protocol : "?", "\n");
		probe_cli_put("  Cipher: ", ti->cipher != NULL ? ti->cipher : "?", "\n");
		probe_cli_put("  Key exchange: ", ti->kx != NULL ? ti->kx : "?", "\n");
		probe_cli_put("  Certificate: ", ti->verify_words != NULL ? ti->verify_words :
		    tls_verdict_name(ti->verdict), "");
		printf(" (%s)\n", tls_verdict_name(ti->verdict));
		if (ti->client_cert_requested)
			printf("  The server asked for a client certificate (none was sent).\n");
		if (ti->nchain == 0)
			printf("  Chain: the server sent no certificate\n");
		else
			printf("  Chain (%zu, the server's own first):\n", ti->nchain);
		for (i = 0; i < ti->nchain; i++) {
			c = &ti->chain[i];
			printf("    %zu.", i + 1);
			probe_cli_put(" Subject: ", c->subject, c->self_signed ?
			    " (self-signed)\n" : "\n");
			probe_cli_put("       Issuer: ", c->issuer, "\n");
			probe_cli_put("       Valid from: ", c->not_before, "");
			probe_cli_put(" to ", c->not_after, "\n");
			printf("       Names:");
			if (c->names.n == 0)
				printf(" none");
			for (j = 0; j < c->names.n; j++)
				probe_cli_put(j == 0 ? " " : ", ", c->names.v[j], "");
			printf("\n");
			probe_cli_put("       SHA-256: ", c->sha256, "\n");
		}
	}

	/* 4. Timings. */
	printf("\nTimings:\n");
	for (i = 0; i < sizeof timings / sizeof timings[0]; i++) {
		if (timings[i].ms >= 0)
			printf("  %-9s %lld ms\n", timings[i].name, timings[i].ms);
		else
			printf("  %-9s -\n", timings[i].name);
	}

	/* 5. The verdict, the server's words apart from ours. */
	printf("\n");
	switch (v->kind) {
	case SMTP_VERDICT_OK:
		printf("Verdict: OK \xe2\x80\x94 the whole path works with these settings\n");
		break;
	case SMTP_VERDICT_CAUSE:
		printf("Verdict: %s \xe2\x80\x94 ", v->cause->id);
		probe_cli_put("", v->cause->title, "\n");
		break;
	default:
		probe_cli_put("Verdict: inconclusive \xe2\x80\x94 ", v->words, "\n");
		break;
	}
	if (v->reply != NULL)
		probe_cli_put("The server said: ", v->reply, "\n");
	if (v->kind != SMTP_VERDICT_INCONCLUSIVE)
		probe_cli_put(v->kind == SMTP_VERDICT_OK ? "Tested: " : "Why: ", v->words,
		    "\n");
}

static struct json_object *
probe_cli_json_str(const char *s)
{
	struct json_object	*o;
	char			*safe;

	if (s == NULL)
		return (NULL);
	safe = sanitize_stored(s);
	o = json_object_new_string(safe);
	free(safe);
	return (o);
}

static struct json_object *
probe_cli_json_list(const struct strlist *l)
{
	struct json_object	*a;
	size_t			 i;

	if ((a = json_object_new_array()) == NULL)
		fatalx("json-c could not allocate");
	for (i = 0; i < l->n; i++)
		json_object_array_add(a, probe_cli_json_str(l->v[i]));
	return (a);
}

static struct json_object *
probe_cli_json_ms(long long ms)
{
	return (ms >= 0 ? json_object_new_int64(ms) : NULL);
}

/* The same findings for programs: every string sanitised, absent steps null. */
static void
probe_cli_json(const struct smtp_check_config *cfg, const struct smtp_check_result *res,
    const struct smtp_verdict *v)
{
	const struct smtp_session_result	*s = &res->session;
	const struct tls_info			*ti = &s->tls_info;
	struct json_object			*top, *o, *a, *c;
	char					 addr[64];
	size_t					 i;

	if ((top = json_object_new_object()) == NULL)
		fatalx("json-c could not allocate");
	json_object_object_add(top, "host", probe_cli_json_str(cfg->host));
	json_object_object_add(top, "address", res->address[0] != '\0' ?
	    json_object_new_string(probe_cli_address(res, addr, sizeof addr)) : NULL);
	json_object_object_add(top, "port", json_object_new_int(cfg->port));
	json_object_object_add(top, "security",
	    json_object_new_string(smtp_security_name(cfg->security)));
	json_object_object_add(top, "connect", json_object_new_string(res->no_address ?
	    "no-address" : net_status_name(res->connect)));
	json_object_object_add(top, "transcript", probe_cli_json_list(&s->transcript));
	json_object_object_add(top, "notes", probe_cli_json_list(&s->notes));
	json_object_object_add(top, "caps_before", s->have_caps ?
	    probe_cli_json_list(&s->caps.keywords) : NULL);
	json_object_object_add(top, "caps_after", s->have_caps_tls ?
	    probe_cli_json_list(&s->caps_tls.keywords) : NULL);

	o = NULL;
	if (s->tls || ti->protocol != NULL) {
		o = json_object_new_object();
		json_object_object_add(o, "protocol", probe_cli_json_str(ti->protocol));
		json_object_object_add(o, "cipher", probe_cli_json_str(ti->cipher));
		json_object_object_add(o, "kx", probe_cli_json_str(ti->kx));
		json_object_object_add(o, "verdict",
		    json_object_new_string(tls_verdict_name(ti->verdict)));
		json_object_object_add(o, "verify_words", probe_cli_json_str(ti->verify_words));
		a = json_object_new_array();
		for (i = 0; i < ti->nchain; i++) {
			c = json_object_new_object();
			json_object_object_add(c, "subject",
			    probe_cli_json_str(ti->chain[i].subject));
			json_object_object_add(c, "issuer",
			    probe_cli_json_str(ti->chain[i].issuer));
			json_object_object_add(c, "not_before",
			    probe_cli_json_str(ti->chain[i].not_before));
			json_object_object_add(c, "not_after",
			    probe_cli_json_str(ti->chain[i].not_after));
			json_object_object_add(c, "names",
			    probe_cli_json_list(&ti->chain[i].names));
			json_object_object_add(c, "sha256",
			    probe_cli_json_str(ti->chain[i].sha256));
			json_object_object_add(c, "self_signed",
			    json_object_new_boolean(ti->chain[i].self_signed));
			json_object_array_add(a, c);
		}
		json_object_object_add(o, "chain", a);
	}
	json_object_object_add(top, "tls", o);

	o = json_object_new_object();
	json_object_object_add(o, "greeting_ms", probe_cli_json_ms(s->timings.greeting_ms));
	json_object_object_add(o, "ehlo_ms", probe_cli_json_ms(s->timings.ehlo_ms));
	json_object_object_add(o, "starttls_ms", probe_cli_json_ms(s->timings.starttls_ms));
	json_object_object_add(o, "tls_ms", probe_cli_json_ms(s->timings.tls_ms));
	json_object_object_add(o, "auth_ms", probe_cli_json_ms(s->timings.auth_ms));
	json_object_object_add(o, "mail_ms", probe_cli_json_ms(s->timings.mail_ms));
	json_object_object_add(o, "rcpt_ms", probe_cli_json_ms(s->timings.rcpt_ms));
	json_object_object_add(o, "total_ms", probe_cli_json_ms(s->timings.total_ms));
	json_object_object_add(top, "timings", o);

	json_object_object_add(top, "failure",
	    json_object_new_string(smtp_failure_name(s->failure)));
	json_object_object_add(top, "verdict",
	    json_object_new_string(smtp_verdict_kind_name(v->kind)));
	json_object_object_add(top, "outcome", json_object_new_string(v->outcome));
	o = NULL;
	if (v->cause != NULL) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(v->cause->id));
		json_object_object_add(o, "section", json_object_new_int(v->cause->section));
		json_object_object_add(o, "title", probe_cli_json_str(v->cause->title));
	}
	json_object_object_add(top, "cause", o);
	json_object_object_add(top, "explanation", probe_cli_json_str(v->words));
	json_object_object_add(top, "reply", probe_cli_json_str(v->reply));

	printf("%s\n", json_object_to_json_string_ext(top,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(top);
}

static int
probe_cli_smtp(int argc, char **argv)
{
	struct probe_cli_smtp		 o;
	struct smtp_check_config	 cfg;
	struct smtp_check_result	 res;
	struct smtp_verdict		 v;
	struct smtp_outcome_context	 ctx;
	struct probe_cli_live		 live;
	char				*password = NULL, *warning = NULL, *cause = NULL;
	long long			 date;
	int				 rc, status;

	if (probe_cli_smtp_parse(argc, argv, &o) != 0) {
		fputs("Try 'sendfix probe smtp --help' for more information.\n", stderr);
		return (PROBE_CLI_EXIT_USAGE);
	}
	if (o.help) {
		probe_cli_smtp_usage(stdout);
		return (PROBE_CLI_EXIT_OK);
	}
	if (o.password_file != NULL) {
		if (secret_file_read(o.password_file, &password, &warning, &cause) != 0) {
			probe_cli_error("%s", cause);
			free(cause);
			return (PROBE_CLI_EXIT_USAGE);
		}
		if (warning != NULL) {
			probe_cli_error("%s", warning);
			free(warning);
		}
	}

	memset(&cfg, 0, sizeof cfg);
	cfg.host = o.host;
	cfg.resolver = o.resolver;
	cfg.port = o.port;
	cfg.security = o.security;
	cfg.cafile = o.cafile;
	cfg.user = o.user;
	cfg.password = password;
	cfg.mail_from = o.from;
	cfg.rcpt_to = o.from;
	cfg.timeout_ms = o.timeout_s * 1000;

	smtp_check_result_init(&res);
	memset(&live, 0, sizeof live);
	live.cfg = &cfg;
	live.res = &res;
	if (!o.json) {
		cfg.line = probe_cli_line;
		cfg.line_arg = &live;
	}
	rc = smtp_check_run(&cfg, &res, &cause);
	/* The password is needed no longer than the dialogue. */
	secret_free(password);
	cfg.password = NULL;
	if (rc != 0) {
		if (live.header)
			fflush(stdout);
		probe_cli_error("%s", cause != NULL ? cause : "the check could not run");
		free(cause);
		smtp_check_result_free(&res);
		return (PROBE_CLI_EXIT_USAGE);
	}

	/* The server's clock, when its greeting states it, tells a wrong clock here. */
	memset(&ctx, 0, sizeof ctx);
	if ((date = smtp_outcome_greeting_date(&res.session.greeting)) != -1) {
		ctx.clock_known = 1;
		ctx.clock_skew_s = date - (long long)time(NULL);
	}
	smtp_verdict(&res, &cfg, &ctx, &v);
	if (o.json)
		probe_cli_json(&cfg, &res, &v);
	else
		probe_cli_text(&cfg, &res, &v, live.header);
	switch (v.kind) {
	case SMTP_VERDICT_OK:
		status = PROBE_CLI_EXIT_OK;
		break;
	case SMTP_VERDICT_CAUSE:
		status = PROBE_CLI_EXIT_CAUSE;
		break;
	default:
		status = PROBE_CLI_EXIT_INCONCLUSIVE;
		break;
	}
	smtp_verdict_free(&v);
	smtp_check_result_free(&res);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		probe_cli_error("cannot write the result: %s", strerror(errno));
		return (PROBE_CLI_EXIT_USAGE);
	}
	return (status);
}
