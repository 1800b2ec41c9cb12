/* probe.c: the registry of live probes, their results, and the reference host list. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns-cache.h"
#include "probe.h"
#include "smtp-check.h"
#include "sanitize.h"
#include "util.h"

/* "host" alone: the ports every large provider answers on (submission, SMTPS, SMTP). */
static const int probe_refhost_default_ports[] = { 25, 465, 587 };

static const struct probe *const probe_table[] = {
	&probe_resolve,
	&probe_port_survey,
	&probe_smtp,
	&probe_explain,
	&probe_smtp_matrix,
	&probe_sender_dns,
	&probe_sender_ptr,
	&probe_reputation,
	&probe_provider,
	&probe_mail_program,
	NULL
};

static int	 probe_port_parse(const char *, size_t, int *);

const struct probe *const *
probe_all(void)
{
	return (probe_table);
}

const struct probe *
probe_find(const char *name)
{
	const struct probe *const	*p;

	if (name == NULL)
		return (NULL);
	for (p = probe_table; *p != NULL; p++) {
		if (strcmp((*p)->name, name) == 0)
			return (*p);
	}
	return (NULL);
}

const char *
probe_param_get(const struct probe_param *params, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (params[i].name == NULL || strcmp(params[i].name, name) != 0)
			continue;
		if (params[i].value == NULL || *params[i].value == '\0')
			return (NULL);
		return (params[i].value);
	}
	return (NULL);
}

int
probe_has_outcome(const struct probe *p, const char *outcome)
{
	const char *const	*o;

	if (p == NULL || outcome == NULL)
		return (0);
	for (o = p->outcomes; *o != NULL; o++) {
		if (strcmp(*o, outcome) == 0)
			return (1);
	}
	return (0);
}

void
probe_result_init(struct probe_result *r)
{
	memset(r, 0, sizeof *r);
}

void
probe_result_free(struct probe_result *r)
{
	size_t	 i;

	free(r->target);
	strlist_free(&r->evidence);
	strlist_free(&r->transcript);
	strlist_free(&r->also);
	for (i = 0; i < r->nfacts; i++) {
		free(r->facts[i].key);
		free(r->facts[i].value);
	}
	free(r->facts);
	probe_result_init(r);
}

void
probe_result_also(struct probe_result *r, const char *cause_id)
{
	size_t	 i;

	for (i = 0; i < r->also.n; i++) {
		if (strcmp(r->also.v[i], cause_id) == 0)
			return;
	}
	strlist_add(&r->also, cause_id);
}

void
probe_result_fact(struct probe_result *r, const char *key, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw, *value;
	size_t	 i;

	va_start(ap, fmt);
	xvasprintf(&raw, fmt, ap);
	va_end(ap);
	value = sanitize_str(raw);
	free(raw);

	for (i = 0; i < r->nfacts; i++) {
		if (strcmp(r->facts[i].key, key) == 0) {
			free(r->facts[i].value);
			r->facts[i].value = value;
			return;
		}
	}
	r->facts = xreallocarray(r->facts, r->nfacts + 1, sizeof *r->facts);
	r->facts[r->nfacts].key = xstrdup(key);
	r->facts[r->nfacts].value = value;
	r->nfacts++;
}

const char *
probe_result_get_fact(const struct probe_result *r, const char *key)
{
	size_t	 i;

	for (i = 0; i < r->nfacts; i++) {
		if (strcmp(r->facts[i].key, key) == 0)
			return (r->facts[i].value);
	}
	return (NULL);
}

void
probe_result_evidence(struct probe_result *r, const char *fmt, ...)
{
	va_list	 ap;
	char	*raw;

	va_start(ap, fmt);
	xvasprintf(&raw, fmt, ap);
	va_end(ap);
	strlist_take(&r->evidence, sanitize_str(raw));
	free(raw);
}

void
probe_result_transcript(struct probe_result *r, char dir, const void *buf, size_t len)
{
	const char	*p = buf;
	char		*text;

	if (dir != 'C' && dir != 'S')
		fatalx("%s: direction '%c'", __func__, dir);
	/* One line per call: its own CRLF (RFC 5321 2.3.8) is the line break, not content. */
	if (len > 0 && p[len - 1] == '\n')
		len--;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	text = sanitize_text(buf, len);
	strlist_addf(&r->transcript, "%c: %s", dir, text);
	free(text);
}

/* A port number of exactly the given text: digits only, 1 to 65535. */
static int
probe_port_parse(const char *s, size_t len, int *port)
{
	size_t	 i;
	int	 n = 0;

	if (len == 0 || len > 5)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		n = n * 10 + (s[i] - '0');
	}
	if (n < 1 || n > 65535)
		return (-1);
	*port = n;
	return (0);
}

int
probe_refhost_parse(const char *line, struct probe_refhost *rh, char **cause)
{
	const char	*p = line, *word;
	char		*safe, *tmp;
	size_t		 len, i;
	int		 port, dup;

	memset(rh, 0, sizeof *rh);
	while (*p == ' ' || *p == '\t')
		p++;
	word = p;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	len = (size_t)(p - word);
	if (len == 0) {
		xasprintf(cause, "a reference host needs a host name");
		return (-1);
	}
	for (i = 0; i < len; i++) {
		/* A name or an address literal: no controls, no quotes, no high bytes. */
		if ((unsigned char)word[i] <= 0x20 || (unsigned char)word[i] >= 0x7f ||
		    strchr("\"'\\/", word[i]) != NULL) {
			tmp = xstrndup(word, len);
			safe = sanitize_str(tmp);
			xasprintf(cause, "reference host \"%s\" is not a host name", safe);
			free(safe);
			free(tmp);
			return (-1);
		}
	}
	rh->host = xstrndup(word, len);

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		word = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		len = (size_t)(p - word);
		if (probe_port_parse(word, len, &port) != 0) {
			tmp = xstrndup(word, len);
			safe = sanitize_str(tmp);
			xasprintf(cause, "reference host %s: \"%s\" is not a port number "
			    "from 1 to 65535", rh->host, safe);
			free(safe);
			free(tmp);
			probe_refhost_free(rh);
			return (-1);
		}
		for (dup = 0, i = 0; i < rh->nports; i++)
			dup |= rh->ports[i] == port;
		if (dup)
			continue;
		if (rh->nports == sizeof rh->ports / sizeof rh->ports[0]) {
			xasprintf(cause, "reference host %s: more than %zu ports", rh->host,
			    sizeof rh->ports / sizeof rh->ports[0]);
			probe_refhost_free(rh);
			return (-1);
		}
		rh->ports[rh->nports++] = port;
	}
	if (rh->nports == 0) {
		for (i = 0; i < sizeof probe_refhost_default_ports /
		    sizeof probe_refhost_default_ports[0]; i++)
			rh->ports[rh->nports++] = probe_refhost_default_ports[i];
	}
	return (0);
}

void
probe_refhost_free(struct probe_refhost *rh)
{
	free(rh->host);
	memset(rh, 0, sizeof *rh);
}

void
probe_forget(void)
{
	smtp_check_forget();
	dns_cache_forget();
}
