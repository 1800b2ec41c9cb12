/* report-json.c: the JSON report of interface.md, for helpdesk scripts and other programs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "report.h"
#include "sanitize.h"
#include "util.h"

static struct json_object	*report_json_safe(const struct walk *, const char *);
static struct json_object	*report_json_string(const struct walk *, const char *);
static struct json_object	*report_json_prose(const struct walk *, const char *);
static struct json_object	*report_json_list(const struct walk *, const struct strlist *,
				     int);
static struct json_object	*report_json_answers(const struct walk *);
static struct json_object	*report_json_causes(const struct walk *);
static struct json_object	*report_json_probe(const struct walk *, const struct walk_probe *);
static const char		*report_json_verdict(const struct walk *);
static struct json_object	*report_json_client(const struct walk *,
				    const struct report_client *);

/*
 * The mail program's settings beside the ones that work: {"program", "known", "fields":
 * [{"key", "program", "works", "change"}], "lines"}; a value not known is null.
 */
static struct json_object *
report_json_client(const struct walk *w, const struct report_client *rc)
{
	const struct report_client_row	*row;
	struct json_object		*o, *fields, *one, *lines;
	size_t				 i;

	o = json_object_new_object();
	json_object_object_add(o, "program", report_json_string(w, rc->program));
	json_object_object_add(o, "known", json_object_new_boolean(rc->known));
	fields = json_object_new_array();
	for (i = 0; i < REPORT_CLIENT_NROWS; i++) {
		row = &rc->row[i];
		one = json_object_new_object();
		json_object_object_add(one, "key", report_json_string(w, row->key));
		json_object_object_add(one, "program", row->program != NULL ?
		    report_json_string(w, row->program) : NULL);
		json_object_object_add(one, "works", row->works != NULL ?
		    report_json_string(w, row->works) : NULL);
		json_object_object_add(one, "change", json_object_new_boolean(row->change));
		json_object_array_add(fields, one);
	}
	json_object_object_add(o, "fields", fields);
	lines = json_object_new_array();
	for (i = 0; i < rc->lines.n; i++)
		json_object_array_add(lines, report_json_string(w, rc->lines.v[i]));
	json_object_object_add(o, "lines", lines);
	return (o);
}

/*
 * Every string goes through here, already sanitised: it is scrubbed of the secret answers
 * (string by string, so a hit can never break the JSON syntax); json-c escapes the rest.
 */
static struct json_object *
report_json_safe(const struct walk *w, const char *safe)
{
	struct json_object	*o;
	char			*clean;

	clean = report_scrub(safe, w->answers);
	o = json_object_new_string(clean);
	free(clean);
	if (o == NULL)
		fatalx("json_object_new_string failed");
	return (o);
}

/* A one-line string from a probe, an answer or the catalogue. */
static struct json_object *
report_json_string(const struct walk *w, const char *s)
{
	struct json_object	*o;
	char			*safe;

	safe = sanitize_stored(s);
	o = report_json_safe(w, safe);
	free(safe);
	return (o);
}

/* Text from the tree, folded over several lines: unfolded, paragraphs kept as "\n\n". */
static struct json_object *
report_json_prose(const struct walk *w, const char *s)
{
	struct json_object	*o;
	char			*text;

	text = report_unfold(s);
	o = report_json_safe(w, text);
	free(text);
	return (o);
}

static struct json_object *
report_json_list(const struct walk *w, const struct strlist *l, int prose)
{
	struct json_object	*a;
	size_t			 i;

	a = json_object_new_array();
	for (i = 0; i < l->n; i++) {
		json_object_array_add(a, prose ? report_json_prose(w, l->v[i]) :
		    report_json_string(w, l->v[i]));
	}
	return (a);
}

/* Only what the user said (typed, given or "don't know"): facts go with their probe. */
static struct json_object *
report_json_answers(const struct walk *w)
{
	struct json_object	*o;
	const struct answer	*a;
	char			*key;
	size_t			 i;

	o = json_object_new_object();
	for (i = 0; w->answers != NULL && i < w->answers->n; i++) {
		a = &w->answers->v[i];
		if (a->secret)
			continue;
		if (a->origin != ANSWER_TYPED && a->origin != ANSWER_GIVEN &&
		    a->origin != ANSWER_DONTKNOW)
			continue;
		key = sanitize_stored(a->key);
		json_object_object_add(o, key, report_json_string(w,
		    a->origin == ANSWER_DONTKNOW ? "dontknow" : a->value));
		free(key);
	}
	return (o);
}

/*
 * Each cause with its evidence and fix steps. A conclusion may keep its Evidence: and Fix:
 * lines on the outcome rather than on each cause; then the most likely cause carries them,
 * so a script reading causes[0] always gets the steps.
 */
static struct json_object *
report_json_causes(const struct walk *w)
{
	const struct walk_outcome	*o = walk_outcome(w);
	struct json_object		*a, *c;
	const struct walk_cause		*wc;
	const struct strlist		*ev, *fix;
	const char			*section;
	size_t				 i;

	a = json_object_new_array();
	for (i = 0; o != NULL && i < o->ncauses; i++) {
		wc = &o->causes[i];
		ev = &wc->evidence;
		fix = &wc->fix;
		if (i == 0 && ev->n == 0)
			ev = &o->evidence;
		if (i == 0 && fix->n == 0)
			fix = &o->fix;

		c = json_object_new_object();
		json_object_object_add(c, "id", report_json_string(w, wc->cause->id));
		json_object_object_add(c, "section", json_object_new_int(wc->cause->section));
		json_object_object_add(c, "title", report_json_string(w, wc->cause->title));
		if ((section = cause_section_title(wc->cause->section)) != NULL)
			json_object_object_add(c, "section_title", report_json_string(w, section));
		/*
		 * Beyond interface.md: how this cause relates to the first. "main" is the one
		 * to fix first; "alternative" a less likely explanation the conclusion names;
		 * "also-found" another problem a check found on the way, to fix afterwards.
		 */
		json_object_object_add(c, "role", json_object_new_string(i == 0 ? "main" :
		    i >= o->ncauses - o->nalso ? "also-found" : "alternative"));
		json_object_object_add(c, "evidence", report_json_list(w, ev, 1));
		json_object_object_add(c, "fix", report_json_list(w, fix, 1));
		json_object_array_add(a, c);
	}
	return (a);
}

static struct json_object *
report_json_probe(const struct walk *w, const struct walk_probe *wp)
{
	const struct probe_result	*r = &wp->result;
	struct json_object		*p, *facts;
	char				*key;
	size_t				 i;

	p = json_object_new_object();
	json_object_object_add(p, "name", report_json_string(w,
	    wp->probe != NULL ? wp->probe->name : wp->node->probe));
	json_object_object_add(p, "node", report_json_string(w, wp->node->id));
	json_object_object_add(p, "target", report_json_string(w, r->target));
	json_object_object_add(p, "outcome", report_json_string(w, r->outcome));
	json_object_object_add(p, "elapsed_ms", json_object_new_int64(r->elapsed_ms));
	json_object_object_add(p, "transcript", report_json_list(w, &r->transcript, 0));
	json_object_object_add(p, "evidence", report_json_list(w, &r->evidence, 0));
	facts = json_object_new_object();
	for (i = 0; i < r->nfacts; i++) {
		key = sanitize_stored(r->facts[i].key);
		json_object_object_add(facts, key, report_json_string(w, r->facts[i].value));
		free(key);
	}
	json_object_object_add(p, "facts", facts);
	return (p);
}

static const char *
report_json_verdict(const struct walk *w)
{
	const struct walk_outcome	*o;

	if ((o = walk_outcome(w)) == NULL)
		return ("inconclusive");
	switch (o->verdict) {
	case TREE_VERDICT_FAULT:
		return ("fault");
	case TREE_VERDICT_HEALTHY:
		return ("healthy");
	default:
		return ("inconclusive");
	}
}

void
report_json_render(FILE *f, const struct walk *w, const struct report_meta *meta)
{
	const struct walk_outcome	*o;
	struct report_client		 rc;
	struct json_object		*root, *a;
	struct tm			 tm;
	time_t				 started;
	char				 when[32];
	size_t				 i;

	o = walk_outcome(w);
	started = meta != NULL ? meta->started : time(NULL);
	if (gmtime_r(&started, &tm) == NULL ||
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(when, "1970-01-01T00:00:00Z");

	root = json_object_new_object();
	json_object_object_add(root, "sendfix", report_json_string(w,
	    meta != NULL && meta->version != NULL ? meta->version : PACKAGE_VERSION));
	json_object_object_add(root, "started", json_object_new_string(when));
	json_object_object_add(root, "elapsed_ms",
	    json_object_new_int64(meta != NULL ? meta->elapsed_ms : 0));
	json_object_object_add(root, "verdict", json_object_new_string(report_json_verdict(w)));
	/* A walk that stopped early is inconclusive, whatever the engine would say. */
	json_object_object_add(root, "exit_status",
	    json_object_new_int(o != NULL ? walk_exit_status(w) : 3));
	json_object_object_add(root, "summary", report_json_prose(w,
	    o != NULL && o->title != NULL ? o->title :
	    "The questions were not finished, so there is no diagnosis."));
	if (o != NULL && o->text != NULL)
		json_object_object_add(root, "explanation", report_json_prose(w, o->text));
	if (meta != NULL && meta->note != NULL)
		json_object_object_add(root, "note", report_json_prose(w, meta->note));

	json_object_object_add(root, "answers", report_json_answers(w));
	if (meta != NULL && meta->nimported > 0) {
		struct json_object	*imp, *one;
		size_t			 k;

		imp = json_object_new_array();
		for (k = 0; k < meta->nimported; k++) {
			one = json_object_new_object();
			json_object_object_add(one, "key", report_json_string(w,
			    meta->imported[k].key));
			json_object_object_add(one, "program", report_json_string(w,
			    meta->imported[k].program));
			json_object_object_add(one, "file", report_json_string(w,
			    meta->imported[k].file));
			json_object_object_add(one, "line",
			    json_object_new_int64(meta->imported[k].line));
			json_object_array_add(imp, one);
		}
		json_object_object_add(root, "imported", imp);
	}
	/* An addition to interface.md's keys, present only with "imported". */
	if (report_client_compare(w, meta, &rc) == 0) {
		json_object_object_add(root, "client_settings", report_json_client(w, &rc));
		report_client_free(&rc);
	}
	json_object_object_add(root, "causes", report_json_causes(w));
	if (o != NULL) {
		json_object_object_add(root, "evidence", report_json_list(w, &o->evidence, 1));
		json_object_object_add(root, "fix", report_json_list(w, &o->fix, 1));
	}

	a = json_object_new_array();
	for (i = 0; i < w->nprobes; i++)
		json_object_array_add(a, report_json_probe(w, &w->probes[i]));
	json_object_object_add(root, "probes", a);

	a = json_object_new_array();
	for (i = 0; i < w->nsteps; i++)
		json_object_array_add(a, report_json_string(w, w->steps[i].node->id));
	json_object_object_add(root, "path", a);

	fputs(json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE), f);
	fputc('\n', f);
	json_object_put(root);
}
