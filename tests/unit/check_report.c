/* check_report.c: unit tests for the report writers, report_save and the plain/batch loop. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "report.h"
#include "sanitize.h"
#include "ui.h"
#include "util.h"

#define CANARY		"S3cr3t-Canary"
#define FORGED		"=== DIAGNOSIS: OK ==="

/*
 * A small tree with every kind of node: an info screen, text, choice, yes/no and secret
 * questions, the port-survey probe with all of its real outcomes, and conclusions of each
 * verdict.
 */
static const char test_tree[] =
    "Tree: report-test\n"
    "Start: welcome\n"
    "\n"
    "Node: welcome\n"
    "Kind: info\n"
    "Title: Welcome\n"
    "Text: This tree only exists for the report tests.\n"
    "Next: ask-host\n"
    "\n"
    "Node: ask-host\n"
    "Kind: question\n"
    "Type: text\n"
    "Format: host\n"
    "Key: smtp.host\n"
    "Section: 1\n"
    "Title: Outgoing server\n"
    "Text: What is the name of your outgoing mail server?\n"
    "Help: It looks like smtp.example.com.\n"
    "Next: ask-port\n"
    "On-dontknow: ask-port\n"
    "\n"
    "Node: ask-port\n"
    "Kind: question\n"
    "Type: text\n"
    "Format: port\n"
    "Key: smtp.port\n"
    "Title: Port\n"
    "Text: Which port does ${smtp.host} use?\n"
    "Next: ask-security\n"
    "On-dontknow: ask-security\n"
    "\n"
    "Node: ask-security\n"
    "Kind: question\n"
    "Type: choice\n"
    "Key: smtp.security\n"
    "Title: Encryption\n"
    "Text: Which encryption is set?\n"
    "Choice: starttls | STARTTLS\n"
    "Choice: tls | SSL/TLS\n"
    "Choice: none | None\n"
    "Next: ask-auth\n"
    "On-dontknow: ask-auth\n"
    "\n"
    "Node: ask-auth\n"
    "Kind: question\n"
    "Type: yesno\n"
    "Key: smtp.auth\n"
    "Title: Login\n"
    "Text: Does the outgoing server need a login?\n"
    "On-yes: ask-password\n"
    "On-no: check-ports\n"
    "On-dontknow: check-ports\n"
    "\n"
    "Node: ask-password\n"
    "Kind: question\n"
    "Type: secret\n"
    "Key: smtp.password\n"
    "Title: Password\n"
    "Text: Your password for ${smtp.host}, shown as ${smtp.password}.\n"
    "Next: check-ports\n"
    "On-dontknow: check-ports\n"
    "\n"
    "Node: check-ports\n"
    "Kind: probe\n"
    "Probe: port-survey\n"
    "Section: 5\n"
    "Title: Testing the connection\n"
    "Text: Connecting to ${smtp.host}.\n"
    "Arg: host=${smtp.host}\n"
    "Arg: port=${smtp.port:-587}\n"
    "On-open: all-good\n"
    "On-port-closed: wrong-port\n"
    "On-filtered: port-filtered\n"
    "On-blocked: port-filtered\n"
    "On-server-unreachable: unsure\n"
    "On-no-network: unsure\n"
    "\n"
    "Node: port-filtered\n"
    "Kind: conclusion\n"
    "Cause: firewall.port-filtered\n"
    "Evidence: Port ${check-ports.port} got no answer (${check-ports.state}).\n"
    "Text: Something between this computer and the internet drops connections to\n"
    " port ${check-ports.port}. The server itself is working.\n"
    " .\n"
    " Host: ${smtp.host}. Password: ${smtp.password}.\n"
    "Fix: Switch your mail program to port 465 with SSL/TLS.\n"
    "Fix: Or allow outgoing connections to port ${check-ports.port} in the firewall.\n"
    "\n"
    "Node: wrong-port\n"
    "Kind: conclusion\n"
    "Cause: settings.wrong-port\n"
    "Text: Wrong port.\n"
    "Fix: Change the port.\n"
    "\n"
    "Node: all-good\n"
    "Kind: conclusion\n"
    "Verdict: healthy\n"
    "Title: Everything works\n"
    "Text: Nothing is wrong.\n"
    "\n"
    "Node: unsure\n"
    "Kind: conclusion\n"
    "Verdict: inconclusive\n"
    "Title: No diagnosis\n"
    "Text: Try another network.\n"
    "Fix: Try from another network.\n";

/* The same questions without the probe, so the front ends can be driven with no network. */
static const char plain_tree[] =
    "Tree: plain-test\n"
    "Start: welcome\n"
    "\n"
    "Node: welcome\n"
    "Kind: info\n"
    "Title: Welcome\n"
    "Text: First screen. A very long sentence follows so that the text has to be wrapped at\n"
    " seventy-eight columns by the plain front end, which never writes escape codes.\n"
    "Next: ask-host\n"
    "\n"
    "Node: ask-host\n"
    "Kind: question\n"
    "Type: text\n"
    "Format: host\n"
    "Key: smtp.host\n"
    "Title: Outgoing server\n"
    "Text: What is the name of your outgoing mail server?\n"
    "Help: HELP-TEXT-MARKER: it looks like smtp.example.com.\n"
    "Next: ask-port\n"
    "On-dontknow: ask-port\n"
    "\n"
    "Node: ask-port\n"
    "Kind: question\n"
    "Type: text\n"
    "Format: port\n"
    "Key: smtp.port\n"
    "Title: Port\n"
    "Text: Which port does ${smtp.host} use?\n"
    "Next: ask-security\n"
    "On-dontknow: ask-security\n"
    "\n"
    "Node: ask-security\n"
    "Kind: question\n"
    "Type: choice\n"
    "Key: smtp.security\n"
    "Title: Encryption\n"
    "Text: Which encryption is set?\n"
    "Choice: starttls | STARTTLS\n"
    "Choice: tls | SSL/TLS\n"
    "Next: ask-password\n"
    "On-dontknow: ask-password\n"
    "\n"
    "Node: ask-password\n"
    "Kind: question\n"
    "Type: secret\n"
    "Key: smtp.password\n"
    "Title: Password\n"
    "Text: Your password.\n"
    "Next: ask-auth\n"
    "On-dontknow: ask-auth\n"
    "\n"
    "Node: ask-auth\n"
    "Kind: question\n"
    "Type: yesno\n"
    "Key: smtp.auth\n"
    "Title: Login\n"
    "Text: Does the server need a login?\n"
    "On-yes: wrong-port\n"
    "On-no: all-good\n"
    "On-dontknow: all-good\n"
    "\n"
    "Node: wrong-port\n"
    "Kind: conclusion\n"
    "Cause: settings.wrong-port\n"
    "Evidence: Port ${smtp.port} on ${smtp.host} does not answer.\n"
    "Text: Your mail program uses the wrong port.\n"
    "Fix: Change the port to 465.\n"
    "Fix: Send yourself a test message.\n"
    "\n"
    "Node: all-good\n"
    "Kind: conclusion\n"
    "Verdict: healthy\n"
    "Title: Everything works\n"
    "Text: Nothing is wrong.\n";

static struct tree	*t_tree;
static struct answers	*t_answers;
static struct walk	*t_walk;
static char		 t_dir[64];

static struct tree	*load_tree(const char *);
static void		 walk_to_probe(int);
static void		 finish_probe(int);
static void		 setup_done(void);
static void		 setup_leaky(void);
static void		 teardown(void);
static void		 meta_init(struct report_meta *, const char *);
static char		*render(enum report_format, const struct report_meta *);
static struct json_object *get(struct json_object *, const char *, enum json_type);
static void		 b64(const unsigned char *, size_t, char *);
static void		 assert_no_canary(const char *, const char *);
static void		 assert_lines_safe(const char *, const char *, size_t);
static char		*slurp(const char *);
static int		 dir_entries(const char *);
static void		 dir_setup(void);
static void		 dir_teardown(void);
static void		 rm_rf(const char *);
static char		*drive_plain(const char *, const char *, const char *, int *);
static enum ui_reply	 fake_ask(struct ui *, const struct walk *, const struct tree_node *,
			     const char *, char **);
static enum ui_reply	 fake_info(struct ui *, const struct walk *, const struct tree_node *);
static int		 fake_run_probe(struct ui *, struct walk *, const struct probe_env *,
			     char **);
static void		 fake_show_result(struct ui *, const struct walk *);
static Suite		*report_suite(void);

static struct tree *
load_tree(const char *text)
{
	struct tree	*t = NULL;
	char		*errors = NULL;

	if (tree_parse_buffer("test.tree", text, strlen(text), &t, &errors) != 0)
		ck_abort_msg("test tree does not load:\n%s", errors);
	return (t);
}

/* Walks the test tree up to the probe; with_password answers the secret question. */
static void
walk_to_probe(int with_password)
{
	char	*cause = NULL;

	t_tree = load_tree(test_tree);
	t_answers = answers_new();
	/* As if given with --answer smtp.port=587. */
	answers_set(t_answers, "smtp.port", "587", ANSWER_GIVEN, 0);
	t_walk = walk_new(t_tree, t_answers);

	ck_assert_int_eq(walk_current(t_walk)->kind, TREE_INFO);
	walk_next(t_walk);
	ck_assert_int_eq(walk_answer(t_walk, "mail.example.com", ANSWER_TYPED, &cause), 0);
	ck_assert_int_eq(walk_answer(t_walk, "587", ANSWER_GIVEN, &cause), 0);
	ck_assert_int_eq(walk_answer(t_walk, "dontknow", ANSWER_DONTKNOW, &cause), 0);
	if (with_password) {
		ck_assert_int_eq(walk_answer(t_walk, "yes", ANSWER_TYPED, &cause), 0);
		ck_assert_str_eq(walk_current(t_walk)->id, "ask-password");
		ck_assert_int_eq(walk_answer(t_walk, CANARY, ANSWER_TYPED, &cause), 0);
	} else
		ck_assert_int_eq(walk_answer(t_walk, "no", ANSWER_TYPED, &cause), 0);
	ck_assert_str_eq(walk_current(t_walk)->id, "check-ports");
}

/*
 * Finishes the probe with a hand-built result whose server words are hostile: escapes, a
 * NUL, a forged report heading. leaky also puts the password where a careless probe might.
 */
static void
finish_probe(int leaky)
{
	struct probe_result	 r;
	static const char	 nul[] = "250 mail\0evil";
	char			 blob[64], enc[128];
	size_t			 len;

	probe_result_init(&r);
	r.outcome = "filtered";
	r.target = xstrdup("mail.example.com port 587");
	r.elapsed_ms = 3004;
	probe_result_evidence(&r, "Port 587 on mail.example.com did not answer within 10 s.");
	probe_result_evidence(&r, "Port 465 on mail.example.com answered.");
	probe_result_fact(&r, "port", "%d", 587);
	probe_result_fact(&r, "state", "no answer");
	probe_result_fact(&r, "open-ports", "465");
	/* Added raw, as a buggy probe might: the report must sanitise them itself. */
	strlist_add(&r.transcript, "S: 220 \033[2Jmail.example.com ESMTP\033]0;pwned\a");
	strlist_add(&r.transcript, FORGED);
	strlist_add(&r.transcript, "S: 250 \342\200\256evil\r\n" FORGED);
	probe_result_transcript(&r, 'S', nul, sizeof nul - 1);
	if (leaky) {
		strlist_add(&r.transcript, "C: AUTH LOGIN " CANARY);
		memcpy(blob, "\0user\0", 6);
		len = 6;
		memcpy(blob + len, CANARY, strlen(CANARY));
		len += strlen(CANARY);
		b64((unsigned char *)blob, len, enc);
		strlist_addf(&r.transcript, "C: AUTH PLAIN %s", enc);
		probe_result_evidence(&r, "The server said 535 for password " CANARY ".");
		for (len = 0; len < strlen(CANARY); len++)
			snprintf(enc + 2 * len, 3, "%02x", (unsigned char)CANARY[len]);
		strlist_addf(&r.transcript, "C: hex %s", enc);
		for (len = 0; len < strlen(CANARY); len++)
			snprintf(enc + 2 * len, 3, "%02X", (unsigned char)CANARY[len]);
		strlist_addf(&r.transcript, "C: HEX %s", enc);
	}
	walk_probe_finish(t_walk, &r);
	ck_assert_int_eq(walk_done(t_walk), 1);
	ck_assert_str_eq(walk_current(t_walk)->id, "port-filtered");
}

static void
setup_done(void)
{
	walk_to_probe(1);
	finish_probe(0);
}

static void
setup_leaky(void)
{
	walk_to_probe(1);
	finish_probe(1);
}

static void
teardown(void)
{
	walk_free(t_walk);
	answers_free(t_answers);
	tree_free(t_tree);
	t_walk = NULL;
	t_answers = NULL;
	t_tree = NULL;
}

static void
meta_init(struct report_meta *meta, const char *note)
{
	struct tm	 tm;

	memset(meta, 0, sizeof *meta);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 28;
	tm.tm_hour = 4;
	tm.tm_min = 28;
	tm.tm_sec = 21;
	meta->version = "9.9.9-test";
	meta->started = timegm(&tm);
	meta->elapsed_ms = 1234;
	meta->note = note;
}

/* The report as a string, through report_write on a memory stream. */
static char *
render(enum report_format fmt, const struct report_meta *meta)
{
	FILE	*f;
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;

	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(report_write(f, fmt, t_walk, meta, &cause) == 0, "report_write: %s",
	    cause);
	fclose(f);
	ck_assert_uint_eq(strlen(buf), len);
	return (buf);
}

static struct json_object *
get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object	*v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\"", key);
	ck_assert_msg(json_object_is_type(v, type), "\"%s\" is a %s, not a %s", key,
	    json_type_to_name(json_object_get_type(v)), json_type_to_name(type));
	return (v);
}

/* Reference base64 for the canary checks, written independently of report.c's. */
static void
b64(const unsigned char *in, size_t len, char *out)
{
	static const char	 a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			 i, o = 0;
	uint32_t		 v;
	int			 bits = 0;

	v = 0;
	for (i = 0; i < len; i++) {
		v = (v << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			out[o++] = a[(v >> (bits - 6)) & 0x3f];
			bits -= 6;
		}
	}
	if (bits > 0)
		out[o++] = a[(v << (6 - bits)) & 0x3f];
	while (o % 4 != 0)
		out[o++] = '=';
	out[o] = '\0';
}

/*
 * The password must not be in the report in any form a leak-hunter would look for: the
 * text, hex either case, base64 of the text at each of the 3 alignments (only the characters
 * fixed by the password's own bits), and base64 of the AUTH PLAIN blob.
 */
static void
assert_no_canary(const char *report, const char *what)
{
	unsigned char	 buf[64];
	char		 enc[128], hex[64], inner[64];
	size_t		 len = strlen(CANARY), a, from, to, i;

	ck_assert_msg(strstr(report, CANARY) == NULL, "%s: plaintext password", what);
	for (a = 0; a < 3; a++) {
		memset(buf, 'x', a);
		memcpy(buf + a, CANARY, len);
		b64(buf, a + len, enc);
		from = (8 * a + 5) / 6;
		to = (8 * (a + len)) / 6;
		memcpy(inner, enc + from, to - from);
		inner[to - from] = '\0';
		ck_assert_msg(strstr(report, inner) == NULL, "%s: base64 (alignment %zu) %s",
		    what, a, inner);
	}
	memcpy(buf, "\0user\0", 6);
	memcpy(buf + 6, CANARY, len);
	b64(buf, 6 + len, enc);
	ck_assert_msg(strstr(report, enc) == NULL, "%s: base64 AUTH PLAIN blob", what);
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)CANARY[i]);
	ck_assert_msg(strcasestr(report, hex) == NULL, "%s: hex password", what);
}

/* No control byte except line ends, valid UTF-8, no line wider than max bytes (0: any). */
static void
assert_lines_safe(const char *s, const char *what, size_t max)
{
	const char	*line, *nl;
	char		*copy;
	size_t		 len;

	for (line = s; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		len = (size_t)(nl - line);
		copy = xstrndup(line, len);
		ck_assert_msg(sanitize_is_safe(copy), "%s: unsafe line \"%s\"", what, copy);
		ck_assert_msg(max == 0 || len <= max, "%s: line of %zu bytes: %s", what, len,
		    copy);
		free(copy);
		if (*nl == '\0')
			break;
	}
}

START_TEST(test_format_parse)
{
	enum report_format	 fmt = REPORT_TEXT;

	ck_assert_int_eq(report_format_parse("json", &fmt), 0);
	ck_assert_int_eq(fmt, REPORT_JSON);
	ck_assert_int_eq(report_format_parse("text", &fmt), 0);
	ck_assert_int_eq(fmt, REPORT_TEXT);
	ck_assert_int_eq(report_format_parse("JSON", &fmt), 0);
	ck_assert_int_eq(fmt, REPORT_JSON);
	ck_assert_int_eq(report_format_parse("xml", &fmt), -1);
	ck_assert_int_eq(report_format_parse("", &fmt), -1);
	ck_assert_int_eq(report_format_parse(NULL, &fmt), -1);
}
END_TEST

START_TEST(test_json_fields)
{
	struct report_meta	 meta;
	struct json_object	*root, *o, *a, *c, *p, *v;
	const struct cause	*cause;
	const char		*s;
	char			*out;
	size_t			 i;
	static const char *const path[] = {
		"welcome", "ask-host", "ask-port", "ask-security", "ask-auth",
		"ask-password", "check-ports", "port-filtered"
	};

	meta_init(&meta, NULL);
	out = render(REPORT_JSON, &meta);
	root = json_tokener_parse(out);
	ck_assert_msg(root != NULL, "not JSON:\n%s", out);
	ck_assert(json_object_is_type(root, json_type_object));

	ck_assert_str_eq(json_object_get_string(get(root, "sendfix", json_type_string)),
	    "9.9.9-test");
	ck_assert_str_eq(json_object_get_string(get(root, "started", json_type_string)),
	    "2026-11-28T04:28:21Z");
	ck_assert_int_eq(json_object_get_int64(get(root, "elapsed_ms", json_type_int)), 1234);
	ck_assert_str_eq(json_object_get_string(get(root, "verdict", json_type_string)),
	    "fault");
	ck_assert_int_eq(json_object_get_int(get(root, "exit_status", json_type_int)), 1);
	ck_assert_int_eq(walk_exit_status(t_walk), 1);
	ck_assert_str_eq(json_object_get_string(get(root, "summary", json_type_string)),
	    walk_outcome(t_walk)->title);
	ck_assert(!json_object_object_get_ex(root, "note", NULL));
	/* Folded tree text comes out unfolded, paragraphs kept, the secret hidden. */
	ck_assert_str_eq(json_object_get_string(get(root, "explanation", json_type_string)),
	    "Something between this computer and the internet drops connections to port "
	    "587. The server itself is working.\n\nHost: mail.example.com. Password: "
	    "(hidden).");

	/* Answers: what the user said, never the password, never probe facts. */
	o = get(root, "answers", json_type_object);
	ck_assert_str_eq(json_object_get_string(get(o, "smtp.host", json_type_string)),
	    "mail.example.com");
	ck_assert_str_eq(json_object_get_string(get(o, "smtp.port", json_type_string)), "587");
	ck_assert_str_eq(json_object_get_string(get(o, "smtp.security", json_type_string)),
	    "dontknow");
	ck_assert_str_eq(json_object_get_string(get(o, "smtp.auth", json_type_string)), "yes");
	ck_assert(!json_object_object_get_ex(o, "smtp.password", NULL));
	json_object_object_foreach(o, key, val) {
		ck_assert_msg(strncmp(key, "check-ports.", 12) != 0, "probe fact %s", key);
		(void)val;
	}
	ck_assert_int_eq(json_object_object_length(o), 4);

	/* Causes. */
	a = get(root, "causes", json_type_array);
	ck_assert_uint_eq(json_object_array_length(a), 1);
	c = json_object_array_get_idx(a, 0);
	cause = cause_find("firewall.port-filtered");
	ck_assert_ptr_nonnull(cause);
	ck_assert_str_eq(json_object_get_string(get(c, "id", json_type_string)),
	    "firewall.port-filtered");
	ck_assert_int_eq(json_object_get_int(get(c, "section", json_type_int)), 3);
	ck_assert_str_eq(json_object_get_string(get(c, "title", json_type_string)),
	    cause->title);
	v = get(c, "evidence", json_type_array);
	ck_assert_uint_eq(json_object_array_length(v), 1);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)),
	    "Port 587 got no answer (no answer).");
	v = get(c, "fix", json_type_array);
	ck_assert_uint_eq(json_object_array_length(v), 2);
	ck_assert(json_object_is_type(json_object_array_get_idx(v, 0), json_type_string));
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 1)),
	    "Or allow outgoing connections to port 587 in the firewall.");

	/* Probes: the server's words sanitised, our escapes not escaped twice. */
	a = get(root, "probes", json_type_array);
	ck_assert_uint_eq(json_object_array_length(a), 1);
	p = json_object_array_get_idx(a, 0);
	ck_assert_str_eq(json_object_get_string(get(p, "name", json_type_string)),
	    "port-survey");
	ck_assert_str_eq(json_object_get_string(get(p, "target", json_type_string)),
	    "mail.example.com port 587");
	ck_assert_str_eq(json_object_get_string(get(p, "outcome", json_type_string)),
	    "filtered");
	ck_assert_int_eq(json_object_get_int64(get(p, "elapsed_ms", json_type_int)), 3004);
	v = get(p, "transcript", json_type_array);
	ck_assert_uint_eq(json_object_array_length(v), 4);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)),
	    "S: 220 \\e[2Jmail.example.com ESMTP\\e]0;pwned\\x07");
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 1)), FORGED);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 2)),
	    "S: 250 \\u{202E}evil\\r\\n" FORGED);
	s = json_object_get_string(json_object_array_get_idx(v, 3));
	ck_assert_msg(strstr(s, "mail\\0evil") != NULL, "NUL not shown as \\0: %s", s);
	for (i = 0; i < json_object_array_length(v); i++) {
		s = json_object_get_string(json_object_array_get_idx(v, i));
		ck_assert_msg(sanitize_is_safe(s), "unsafe transcript line %zu", i);
	}
	v = get(p, "evidence", json_type_array);
	ck_assert_uint_eq(json_object_array_length(v), 2);
	v = get(p, "facts", json_type_object);
	ck_assert_int_eq(json_object_object_length(v), 3);
	json_object_object_foreach(v, fkey, fval) {
		ck_assert_msg(json_object_is_type(fval, json_type_string), "fact %s", fkey);
		if (strstr(fkey, "open-ports") != NULL)
			ck_assert_str_eq(json_object_get_string(fval), "465");
	}

	/* The path, in order. */
	a = get(root, "path", json_type_array);
	ck_assert_uint_eq(json_object_array_length(a), sizeof path / sizeof path[0]);
	for (i = 0; i < sizeof path / sizeof path[0]; i++) {
		v = json_object_array_get_idx(a, i);
		ck_assert(json_object_is_type(v, json_type_string));
		ck_assert_str_eq(json_object_get_string(v), path[i]);
	}

	/* Our own output: no raw control byte, pretty-printed, no escaped slashes. */
	assert_lines_safe(out, "json", 0);
	ck_assert(strchr(out, '\n') != NULL);
	assert_no_canary(out, "json");
	json_object_put(root);
	free(out);
}
END_TEST

START_TEST(test_json_note_unfinished)
{
	struct report_meta	 meta;
	struct json_object	*root;
	char			*out;

	/* A walk left on its probe: the user stopped before a diagnosis. */
	walk_to_probe(0);
	meta_init(&meta, "stopped by the user \033[31m");
	out = render(REPORT_JSON, &meta);
	root = json_tokener_parse(out);
	ck_assert_ptr_nonnull(root);
	ck_assert_str_eq(json_object_get_string(get(root, "verdict", json_type_string)),
	    "inconclusive");
	ck_assert_int_eq(json_object_get_int(get(root, "exit_status", json_type_int)), 3);
	ck_assert_str_eq(json_object_get_string(get(root, "note", json_type_string)),
	    "stopped by the user \\e[31m");
	get(root, "summary", json_type_string);
	ck_assert_uint_eq(json_object_array_length(get(root, "causes", json_type_array)), 0);
	ck_assert_uint_eq(json_object_array_length(get(root, "probes", json_type_array)), 0);
	ck_assert_uint_eq(json_object_array_length(get(root, "path", json_type_array)), 6);
	json_object_put(root);
	free(out);

	out = render(REPORT_TEXT, &meta);
	ck_assert_ptr_nonnull(strstr(out, "Note: stopped by the user \\e[31m"));
	ck_assert_ptr_nonnull(strstr(out, "no diagnosis"));
	free(out);
}
END_TEST

START_TEST(test_text)
{
	struct report_meta	 meta;
	const char		*line, *nl, *diag, *answers, *checks, *steps;
	char			*out;
	int			 headings = 0;

	meta_init(&meta, NULL);
	out = render(REPORT_TEXT, &meta);

	/* The diagnosis first, in order, then answers, probes and the path. */
	diag = strstr(out, "\n=== DIAGNOSIS ===\n");
	answers = strstr(out, "\n=== YOUR ANSWERS ===\n");
	checks = strstr(out, "\n=== CHECKS RUN ===\n");
	steps = strstr(out, "\n=== STEPS TAKEN ===\n");
	ck_assert(diag != NULL && answers != NULL && checks != NULL && steps != NULL);
	ck_assert(diag < answers && answers < checks && checks < steps);
	ck_assert_ptr_nonnull(strstr(out, "Started: 2026-11-28 04:28:21 UTC, took 1234 ms"));
	ck_assert_ptr_nonnull(strstr(diag, "Verdict: a problem was found."));
	ck_assert_ptr_nonnull(strstr(diag, cause_find("firewall.port-filtered")->title));
	ck_assert_ptr_nonnull(strstr(diag, "\nCause: firewall.port-filtered\n"));
	ck_assert_ptr_nonnull(strstr(diag, "  Guide section 3: Firewall restrictions\n"));
	ck_assert_ptr_nonnull(strstr(diag, "    - Port 587 got no answer (no answer).\n"));
	ck_assert_ptr_nonnull(strstr(diag,
	    "    1. Switch your mail program to port 465 with SSL/TLS.\n"));
	ck_assert_ptr_nonnull(strstr(diag, "    2. Or allow outgoing connections"));
	ck_assert_ptr_nonnull(strstr(diag, "Password: (hidden)."));
	ck_assert_ptr_nonnull(strstr(answers, "  smtp.host: mail.example.com\n"));
	ck_assert_ptr_nonnull(strstr(answers, "  smtp.port: 587 (given in advance)\n"));
	ck_assert_ptr_nonnull(strstr(answers, "  smtp.security: (I don't know)\n"));
	ck_assert(strstr(answers, "smtp.password") == NULL || strstr(answers, "smtp.password")
	    > checks);
	ck_assert_ptr_nonnull(strstr(checks, "Check 1: port-survey"));
	ck_assert_ptr_nonnull(strstr(checks, "  Outcome: filtered\n"));
	ck_assert_ptr_nonnull(strstr(checks, "  Took:    3004 ms\n"));
	ck_assert_ptr_nonnull(strstr(checks, "    | S: 220 \\e[2Jmail.example.com ESMTP"));
	ck_assert_ptr_nonnull(strstr(checks, "    | " FORGED "\n"));
	ck_assert_ptr_nonnull(strstr(checks, "    | S: 250 \\u{202E}evil\\r\\n" FORGED "\n"));
	ck_assert_ptr_nonnull(strstr(steps, "  1. welcome\n"));
	ck_assert_ptr_nonnull(strstr(steps, "  8. port-filtered\n"));

	/* Only our own headings start a line with "=", and the forged one never does. */
	for (line = out; *line != '\0'; line = nl + 1) {
		if (strncmp(line, "===", 3) == 0) {
			headings++;
			ck_assert_msg(strncmp(line, FORGED, strlen(FORGED)) != 0,
			    "forged heading at the start of a line");
		}
		if ((nl = strchr(line, '\n')) == NULL)
			break;
	}
	ck_assert_int_eq(headings, 5);

	assert_lines_safe(out, "text", 0);
	ck_assert(strchr(out, '\033') == NULL);
	assert_no_canary(out, "text");
	free(out);
}
END_TEST

/* A probe that forgot to redact: the scrubber still keeps the password out of both. */
START_TEST(test_canary_leaky_probe)
{
	struct report_meta	 meta;
	struct json_object	*root;
	char			*out;

	meta_init(&meta, NULL);
	out = render(REPORT_TEXT, &meta);
	assert_no_canary(out, "text");
	ck_assert_ptr_nonnull(strstr(out, "C: AUTH LOGIN (hidden)"));
	free(out);

	out = render(REPORT_JSON, &meta);
	assert_no_canary(out, "json");
	root = json_tokener_parse(out);
	ck_assert_msg(root != NULL, "scrubbing broke the JSON:\n%s", out);
	json_object_put(root);
	free(out);
}
END_TEST

START_TEST(test_scrub)
{
	struct answers	*a;
	char		*s;

	a = answers_new();
	answers_set(a, "pw", "hunter22", ANSWER_TYPED, 1);
	answers_set(a, "short", "abc", ANSWER_TYPED, 1);
	answers_set(a, "user", "hunter22-not-secret", ANSWER_TYPED, 0);
	s = report_scrub("x hunter22 y 68756e7465723232 abc", a);
	ck_assert_str_eq(s, "x (hidden) y (hidden) abc");
	free(s);
	s = report_scrub(NULL, a);
	ck_assert_str_eq(s, "");
	free(s);
	s = report_scrub("nothing here", NULL);
	ck_assert_str_eq(s, "nothing here");
	free(s);
	answers_free(a);
}
END_TEST

START_TEST(test_wrap)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0;

	f = open_memstream(&buf, &len);
	report_wrap(f, "- ", "  ", "one two three four", 10);
	/* A word longer than the line is cut between characters, never inside one. */
	report_wrap(f, "", "", "\303\251\303\251\303\251\303\251\303\251\303\251", 4);
	report_paragraphs(f, "  ", "  ", "first\nline\n\nsecond\033");
	/* At the edge a combining accent stays with its letter, a wide character moves on. */
	report_wrap(f, "", "", "abe\314\201cd", 3);
	report_wrap(f, "", "", "ab\344\275\240c", 3);
	fclose(f);
	ck_assert_str_eq(buf, "- one two\n  three\n  four\n"
	    "\303\251\303\251\303\251\303\251\n\303\251\303\251\n"
	    "  first line\n\n  second\\e\n"
	    "abe\314\201\ncd\n"
	    "ab\n\344\275\240c\n");
	free(buf);

	/* Unfolding: escapes already made by a probe are not escaped twice. */
	buf = report_unfold("\n a\n b \\e[2J\n \n\n c\033\n");
	ck_assert_str_eq(buf, "a b \\e[2J\n\nc\\e");
	free(buf);
	buf = report_unfold(NULL);
	ck_assert_str_eq(buf, "");
	free(buf);
}
END_TEST

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n == -1) {
		free(buf);
		return (xstrdup(""));
	}
	return (buf);
}

/* Entries in dir other than . and .., or -1. */
static int
dir_entries(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return (n);
}

static void
rm_rf(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*sub;

	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode)) {
		chmod(path, 0700);
		if ((d = opendir(path)) != NULL) {
			while ((de = readdir(d)) != NULL) {
				if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
					continue;
				xasprintf(&sub, "%s/%s", path, de->d_name);
				rm_rf(sub);
				free(sub);
			}
			closedir(d);
		}
		rmdir(path);
	} else
		unlink(path);
}

static void
dir_setup(void)
{
	setup_done();
	strcpy(t_dir, "/tmp/check_report.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t_dir));
}

static void
dir_teardown(void)
{
	rm_rf(t_dir);
	teardown();
}

START_TEST(test_save_mode)
{
	struct report_meta	 meta;
	struct stat		 sb;
	char			*path, *cause = NULL, *got;
	mode_t			 old;

	meta_init(&meta, NULL);
	xasprintf(&path, "%s/report.json", t_dir);
	old = umask(0);
	ck_assert_msg(report_save(path, REPORT_JSON, t_walk, &meta, &cause) == 0, "%s", cause);
	umask(old);
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	got = slurp(path);
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_nonnull(strstr(got, "\"firewall.port-filtered\""));
	assert_no_canary(got, "saved json");
	ck_assert_int_eq(dir_entries(t_dir), 1);
	free(got);
	free(path);
}
END_TEST

START_TEST(test_save_symlink)
{
	struct report_meta	 meta;
	struct stat		 sb;
	char			*path, *victim, *cause = NULL, *got;
	FILE			*f;

	meta_init(&meta, NULL);
	xasprintf(&victim, "%s/victim", t_dir);
	xasprintf(&path, "%s/report.txt", t_dir);
	f = fopen(victim, "w");
	fputs("keep me\n", f);
	fclose(f);
	ck_assert_int_eq(symlink(victim, path), 0);

	ck_assert_int_eq(report_save(path, REPORT_TEXT, t_walk, &meta, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_msg(strstr(cause, path) != NULL && strstr(cause, "symbolic link") != NULL,
	    "%s", cause);
	free(cause);
	got = slurp(victim);
	ck_assert_str_eq(got, "keep me\n");
	ck_assert_int_eq(lstat(path, &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	ck_assert_int_eq(dir_entries(t_dir), 2);

	/* A dangling symlink too: following it would create a file somewhere else. */
	unlink(victim);
	cause = NULL;
	ck_assert_int_eq(report_save(path, REPORT_TEXT, t_walk, &meta, &cause), -1);
	free(cause);
	ck_assert_int_eq(access(victim, F_OK), -1);
	ck_assert_int_eq(dir_entries(t_dir), 1);
	free(got);
	free(victim);
	free(path);
}
END_TEST

START_TEST(test_save_directory)
{
	struct report_meta	 meta;
	char			*path, *cause = NULL;

	meta_init(&meta, NULL);
	xasprintf(&path, "%s/sub", t_dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(report_save(path, REPORT_JSON, t_walk, &meta, &cause), -1);
	ck_assert_msg(strstr(cause, path) != NULL && strstr(cause, "folder") != NULL, "%s",
	    cause);
	free(cause);
	ck_assert_int_eq(dir_entries(t_dir), 1);
	ck_assert_int_eq(dir_entries(path), 0);
	cause = NULL;
	ck_assert_int_eq(report_save("", REPORT_JSON, t_walk, &meta, &cause), -1);
	free(cause);
	free(path);
}
END_TEST

START_TEST(test_save_readonly_dir)
{
	struct report_meta	 meta;
	char			*dir, *path, *cause = NULL, *want;

	if (geteuid() == 0)
		return;	/* root ignores directory permissions: nothing to test */
	meta_init(&meta, NULL);
	xasprintf(&dir, "%s/ro", t_dir);
	xasprintf(&path, "%s/report.txt", dir);
	ck_assert_int_eq(mkdir(dir, 0500), 0);
	ck_assert_int_eq(report_save(path, REPORT_TEXT, t_walk, &meta, &cause), -1);
	xasprintf(&want, "cannot write the report to %s: %s", path, strerror(EACCES));
	ck_assert_str_eq(cause, want);
	ck_assert_int_eq(dir_entries(dir), 0);
	free(want);
	free(cause);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_save_overwrite)
{
	struct report_meta	 meta;
	struct stat		 before, after;
	char			*path, *hard, *cause = NULL, *got;
	FILE			*f;

	meta_init(&meta, NULL);
	xasprintf(&path, "%s/report.txt", t_dir);
	xasprintf(&hard, "%s/hardlink", t_dir);
	f = fopen(path, "w");
	fputs("old report\n", f);
	fclose(f);
	chmod(path, 0644);
	ck_assert_int_eq(link(path, hard), 0);
	ck_assert_int_eq(stat(path, &before), 0);

	ck_assert_msg(report_save(path, REPORT_TEXT, t_walk, &meta, &cause) == 0, "%s", cause);
	ck_assert_int_eq(stat(path, &after), 0);
	/* Replaced by rename, not rewritten in place: a new inode, the old one untouched. */
	ck_assert(before.st_ino != after.st_ino);
	ck_assert_uint_eq(after.st_mode & 07777, 0600);
	got = slurp(path);
	ck_assert_ptr_nonnull(strstr(got, "=== DIAGNOSIS ==="));
	assert_no_canary(got, "saved text");
	free(got);
	got = slurp(hard);
	ck_assert_str_eq(got, "old report\n");
	free(got);
	ck_assert_int_eq(dir_entries(t_dir), 2);
	free(hard);
	free(path);
}
END_TEST

START_TEST(test_save_stdout)
{
	struct report_meta	 meta;
	char			*path, *cause = NULL, *got;
	int			 fd, saved;

	meta_init(&meta, NULL);
	xasprintf(&path, "%s/stdout", t_dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	close(fd);
	ck_assert_int_eq(report_save("-", REPORT_JSON, t_walk, &meta, &cause), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	got = slurp(path);
	ck_assert_msg(got[0] == '{', "%s", got);
	free(got);
	free(path);
}
END_TEST

/* A full disk is an error the user reads, not a half-written report. */
START_TEST(test_write_full)
{
	struct report_meta	 meta;
	char			*cause = NULL;
	FILE			*f;

	if ((f = fopen("/dev/full", "w")) == NULL)
		return;	/* no /dev/full here: nothing to test */
	meta_init(&meta, NULL);
	ck_assert_int_eq(report_write(f, REPORT_TEXT, t_walk, &meta, &cause), -1);
	ck_assert_str_eq(cause, "cannot write the report: No space left on device");
	free(cause);
	fclose(f);
}
END_TEST

/*
 * Runs ui_drive on the probe-less tree through the plain front end, input from a string.
 * Returns what was written; *rc gets ui_drive's result.
 */
static char *
drive_plain(const char *tree, const char *input, const char *given_password, int *rc)
{
	struct ui	 ui;
	char		*out = NULL, *cause = NULL, *in;
	size_t		 len = 0;

	t_tree = load_tree(tree);
	t_answers = answers_new();
	answers_set(t_answers, "smtp.port", "587", ANSWER_GIVEN, 0);
	if (given_password != NULL)
		answers_set(t_answers, "smtp.password", given_password, ANSWER_GIVEN, 1);
	t_walk = walk_new(t_tree, t_answers);

	memset(&ui, 0, sizeof ui);
	ui.ops = &ui_plain_ops;
	in = xstrdup(input);
	ui.in = fmemopen(in, strlen(in), "r");
	ui.out = open_memstream(&out, &len);
	ui.tty_fd = -1;
	ck_assert_int_eq(ui.ops->init(&ui, &cause), 0);
	*rc = ui_drive(&ui, t_walk, NULL, &cause);
	ck_assert((*rc == -1) == (cause != NULL));
	ui.ops->fini(&ui);
	fclose(ui.in);
	if (cause != NULL)
		fprintf(ui.out, "CAUSE: %s\n", cause);
	fclose(ui.out);
	free(in);
	free(cause);
	return (out);
}

START_TEST(test_plain_walk)
{
	const struct answer	*a;
	char			*out;
	int			 rc;

	/*
	 * Enter past the welcome; "?" for help; a bad host, then a good one; "b" back to the
	 * host (it shows its answer again), Enter keeps it; Enter keeps the given port; a bad
	 * choice, then 2; the password is asked with no terminal; "maybe", then y.
	 */
	out = drive_plain(plain_tree, "\n?\nbad host!\nmail.example.com\nb\n\n\nx\n2\nmaybe\ny\n",
	    CANARY, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(walk_done(t_walk), 1);
	ck_assert_str_eq(walk_current(t_walk)->id, "wrong-port");

	ck_assert_ptr_nonnull(strstr(out, "Welcome\n"));
	ck_assert_ptr_nonnull(strstr(out, "HELP-TEXT-MARKER"));
	ck_assert_ptr_nonnull(strstr(out, "[mail.example.com]"));
	ck_assert_ptr_nonnull(strstr(out, "Which port does mail.example.com use?"));
	ck_assert_ptr_nonnull(strstr(out, "[587]"));
	ck_assert_ptr_nonnull(strstr(out, "  1) STARTTLS\n  2) SSL/TLS\n  0) I don't know\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"x\" is not on the list"));
	ck_assert_ptr_nonnull(strstr(out, "y/n/0 (don't know)"));
	ck_assert_ptr_nonnull(strstr(out, "There is no terminal"));
	ck_assert_ptr_nonnull(strstr(out, "Verdict: a problem was found."));
	ck_assert_ptr_nonnull(strstr(out, "    1. Change the port to 465.\n"));
	ck_assert(strstr(out, CANARY) == NULL);
	ck_assert(strchr(out, '\033') == NULL);
	assert_lines_safe(out, "plain", 80);

	ck_assert_str_eq(answers_get(t_answers, "smtp.security"), "tls");
	a = answers_find(t_answers, "smtp.port");
	ck_assert_int_eq(a->origin, ANSWER_GIVEN);
	a = answers_find(t_answers, "smtp.host");
	ck_assert_int_eq(a->origin, ANSWER_TYPED);
	free(out);
	teardown();
}
END_TEST

START_TEST(test_plain_quit)
{
	char	*out;
	int	 rc;

	/* "b" on the first screen, then q. */
	out = drive_plain(plain_tree, "b\nq\n", NULL, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "This is the first question."));
	free(out);
	teardown();

	/* The end of the input quits too. */
	out = drive_plain(plain_tree, "\nmail.example.com\n", NULL, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_str_eq(walk_current(t_walk)->id, "ask-port");
	free(out);
	teardown();

	/* Empty text with no prefill is "I don't know"; 0 is too. */
	out = drive_plain(plain_tree, "\n\n\n0\n0\n", NULL, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(answers_get(t_answers, "smtp.host"), "dontknow");
	ck_assert_str_eq(answers_get(t_answers, "smtp.port"), "587");
	ck_assert_str_eq(answers_get(t_answers, "smtp.security"), "dontknow");
	ck_assert_str_eq(walk_current(t_walk)->id, "all-good");
	free(out);
	teardown();
}
END_TEST

/* A probe that cannot run (no host: the user did not know it) ends the walk with a cause. */
START_TEST(test_plain_probe_cannot_run)
{
	char	*out;
	int	 rc;

	out = drive_plain(test_tree, "\n\n\n0\nn\n", NULL, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(walk_current(t_walk)->id, "check-ports");
	ck_assert_uint_eq(t_walk->nprobes, 0);
	ck_assert_ptr_nonnull(strstr(out, "Testing the connection\n"));
	ck_assert_ptr_nonnull(strstr(out, "CAUSE: "));
	assert_lines_safe(out, "plain", 80);
	free(out);
	teardown();
}
END_TEST

/* A front end that runs probes itself (as the curses one does) and asks to start again. */
static int	 fake_asks, fake_runs, fake_results;

static enum ui_reply
fake_ask(__attribute__((unused)) struct ui *ui, __attribute__((unused)) const struct walk *w,
    const struct tree_node *n, const char *prefill, char **value)
{
	fake_asks++;
	/* The password question is never pre-filled, even though it has an answer. */
	if (n->qtype == TREE_Q_SECRET)
		ck_assert_ptr_null(prefill);
	if (strcmp(n->id, "ask-auth") == 0) {
		*value = xstrdup("yes");
		return (UI_ANSWER);
	}
	if (strcmp(n->id, "ask-password") == 0 && prefill == NULL) {
		*value = xstrdup(CANARY);
		return (UI_ANSWER);
	}
	if (prefill == NULL) {
		*value = NULL;
		return (UI_DONTKNOW);
	}
	*value = xstrdup(prefill);
	return (UI_ANSWER);
}

static enum ui_reply
fake_info(__attribute__((unused)) struct ui *ui, __attribute__((unused)) const struct walk *w,
    __attribute__((unused)) const struct tree_node *n)
{
	return (UI_NEXT);
}

static int
fake_run_probe(__attribute__((unused)) struct ui *ui, struct walk *w,
    const struct probe_env *env, __attribute__((unused)) char **cause)
{
	struct probe_result	 r;

	ck_assert_ptr_nonnull(env);
	if (fake_runs++ == 0)
		return (1);	/* the user pressed Esc */
	probe_result_init(&r);
	r.outcome = "open";
	r.target = xstrdup("mail.example.com port 587");
	walk_probe_finish(w, &r);
	return (0);
}

static void
fake_show_result(struct ui *ui, __attribute__((unused)) const struct walk *w)
{
	if (fake_results++ == 0)
		ui->restart = 1;
}

static const struct ui_ops fake_ops = {
	.name = "fake",
	.ask = fake_ask,
	.info = fake_info,
	.show_result = fake_show_result,
	.run_probe = fake_run_probe
};

START_TEST(test_drive_run_probe_restart)
{
	struct ui	 ui;
	char		*cause = NULL;
	size_t		 i;

	t_tree = load_tree(test_tree);
	t_answers = answers_new();
	answers_set(t_answers, "smtp.host", "mail.example.com", ANSWER_GIVEN, 0);
	t_walk = walk_new(t_tree, t_answers);
	memset(&ui, 0, sizeof ui);
	ui.ops = &fake_ops;
	ui.tty_fd = -1;
	ck_assert_int_eq(ui_drive(&ui, t_walk, NULL, &cause), 0);
	ck_assert_ptr_null(cause);
	ck_assert_int_eq(ui.restart, 0);
	ck_assert_str_eq(walk_current(t_walk)->id, "all-good");
	/* Cancelled once (back to the password), finished twice (before and after "again"). */
	ck_assert_int_eq(fake_runs, 3);
	ck_assert_int_eq(fake_results, 2);
	ck_assert_int_eq(fake_asks, 5 + 1 + 5);
	ck_assert_uint_eq(t_walk->nprobes, 1);
	ck_assert_str_eq(t_walk->steps[0].node->id, "welcome");
	for (i = 0; i < t_walk->nsteps; i++)
		ck_assert_str_ne(t_walk->steps[i].node->id, "port-filtered");
	/* Answers stay over "back" and "start again"; the password is still the one typed. */
	ck_assert_str_eq(answers_get(t_answers, "smtp.password"), CANARY);
	teardown();
}
END_TEST

START_TEST(test_batch_walk)
{
	struct ui	 ui;
	char		*cause = NULL;

	t_tree = load_tree(plain_tree);
	t_answers = answers_new();
	answers_set(t_answers, "smtp.host", "mail.example.com", ANSWER_GIVEN, 0);
	answers_set(t_answers, "smtp.auth", "yes", ANSWER_GIVEN, 0);
	answers_set(t_answers, "smtp.password", CANARY, ANSWER_GIVEN, 1);
	t_walk = walk_new(t_tree, t_answers);
	memset(&ui, 0, sizeof ui);
	ui.ops = &ui_batch_ops;
	ui.tty_fd = -1;
	ui.quiet = 1;
	ck_assert_int_eq(ui_drive(&ui, t_walk, NULL, &cause), 0);
	ck_assert_str_eq(walk_current(t_walk)->id, "wrong-port");
	ck_assert_str_eq(answers_get(t_answers, "smtp.port"), "dontknow");
	/* A secret given beforehand survives batch mode. */
	ck_assert_str_eq(answers_get(t_answers, "smtp.password"), CANARY);
	ck_assert_int_eq(answers_find(t_answers, "smtp.host")->origin, ANSWER_GIVEN);
	teardown();

	/* A given answer the tree refuses stops batch mode instead of looping. */
	t_tree = load_tree(plain_tree);
	t_answers = answers_new();
	answers_set(t_answers, "smtp.port", "not-a-port", ANSWER_GIVEN, 0);
	t_walk = walk_new(t_tree, t_answers);
	ck_assert_int_eq(ui_drive(&ui, t_walk, NULL, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	ck_assert_ptr_nonnull(strstr(cause, "smtp.port"));
	free(cause);
	teardown();
}
END_TEST

static Suite *
report_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("report");

	tc = tcase_create("helpers");
	tcase_add_test(tc, test_format_parse);
	tcase_add_test(tc, test_scrub);
	tcase_add_test(tc, test_wrap);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, setup_done, teardown);
	tcase_add_test(tc, test_json_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("unfinished");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_json_note_unfinished);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, setup_done, teardown);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("canary");
	tcase_add_checked_fixture(tc, setup_leaky, teardown);
	tcase_add_test(tc, test_canary_leaky_probe);
	suite_add_tcase(s, tc);

	tc = tcase_create("save");
	tcase_add_checked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_test(tc, test_save_mode);
	tcase_add_test(tc, test_save_symlink);
	tcase_add_test(tc, test_save_directory);
	tcase_add_test(tc, test_save_readonly_dir);
	tcase_add_test(tc, test_save_overwrite);
	tcase_add_test(tc, test_save_stdout);
	tcase_add_test(tc, test_write_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("drive");
	tcase_add_test(tc, test_plain_walk);
	tcase_add_test(tc, test_plain_quit);
	tcase_add_test(tc, test_plain_probe_cannot_run);
	tcase_add_test(tc, test_drive_run_probe_restart);
	tcase_add_test(tc, test_batch_walk);
	suite_add_tcase(s, tc);

	return (s);
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(report_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
