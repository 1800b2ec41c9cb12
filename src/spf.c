/* spf.c: SPF check_host() (RFC 7208) over resolver callbacks, and the record to publish. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf.h"
#include "util.h"

/* Nested evaluations: each costs a lookup, so this is never reached; a guard all the same. */
#define SPF_MAX_DEPTH	(SPF_MAX_LOOKUPS + 2)

enum spf_mech {
	SPF_M_ALL = 0,
	SPF_M_INCLUDE,
	SPF_M_A,
	SPF_M_MX,
	SPF_M_PTR,
	SPF_M_IP4,
	SPF_M_IP6,
	SPF_M_EXISTS,
	SPF_M_COUNT
};
static const char *const spf_mech_names[] = {
	[SPF_M_ALL] = "all",
	[SPF_M_INCLUDE] = "include",
	[SPF_M_A] = "a",
	[SPF_M_MX] = "mx",
	[SPF_M_PTR] = "ptr",
	[SPF_M_IP4] = "ip4",
	[SPF_M_IP6] = "ip6",
	[SPF_M_EXISTS] = "exists",
};
_Static_assert(sizeof spf_mech_names / sizeof spf_mech_names[0] == SPF_M_COUNT,
    "spf_mech_names does not match enum spf_mech");

static const char *const spf_dns_status_names[] = {
	[SPF_DNS_OK] = "ok",
	[SPF_DNS_NXDOMAIN] = "nxdomain",
	[SPF_DNS_NODATA] = "nodata",
	[SPF_DNS_ERROR] = "error",
	[SPF_DNS_TIMEOUT] = "timeout",
};
_Static_assert(sizeof spf_dns_status_names / sizeof spf_dns_status_names[0] ==
    SPF_DNS_STATUS_COUNT, "spf_dns_status_names does not match enum spf_dns_status");

static const char *const spf_result_names[] = {
	[SPF_NONE] = "none",
	[SPF_NEUTRAL] = "neutral",
	[SPF_PASS] = "pass",
	[SPF_FAIL] = "fail",
	[SPF_SOFTFAIL] = "softfail",
	[SPF_TEMPERROR] = "temperror",
	[SPF_PERMERROR] = "permerror",
};
_Static_assert(sizeof spf_result_names / sizeof spf_result_names[0] == SPF_RESULT_COUNT,
    "spf_result_names does not match enum spf_result");

/* An address reduced to what comparisons need: AF_INET uses the first 4 bytes. */
struct spf_addr {
	int		 family;
	unsigned char	 b[16];
};

struct spf_term {
	char		*text;		/* as written, qualifier included */
	enum spf_mech	 mech;
	char		 qual;		/* '+', '-', '~' or '?' */
	char		*spec;		/* domain-spec, or NULL */
	struct spf_addr	 net;		/* ip4, ip6 */
	int		 cidr4;
	int		 cidr6;
};

struct spf_record {
	struct spf_term	*terms;
	size_t		 n;
	char		*redirect;	/* domain-spec of redirect=, or NULL */
	char		*redirect_text;	/* "redirect=..." as written */
	char		*exp;		/* domain-spec of exp=, or NULL */
	int		 has_all;
};

/* What a term of a record is, for editing records as text. */
enum {
	SPF_TOK_MECH = 0,
	SPF_TOK_ALL,
	SPF_TOK_REDIRECT,
	SPF_TOK_EXP,
	SPF_TOK_MODIFIER
};

/* A bounded output buffer for macro expansion. */
struct spf_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 overflow;
};

struct spf_ctx {
	const struct spf_resolver	*r;
	struct spf_addr			 ip;
	struct sockaddr_storage		 ipss;		/* ip as evaluated (unmapped) */
	char				 iptext[INET6_ADDRSTRLEN];
	char				*sender;
	const char			*helo;
	struct spf_check		*out;
	char				*why;		/* the first error, plain words */
};

/* How fetching a domain's record went. */
enum spf_fetch {
	SPF_FETCH_ONE = 0,
	SPF_FETCH_NONE,		/* TXT records, none of them SPF; or NODATA */
	SPF_FETCH_NXDOMAIN,
	SPF_FETCH_TWO,
	SPF_FETCH_ERROR
};

static void	 spf_buf_put(struct spf_buf *, const char *, size_t);
static void	 spf_buf_putc(struct spf_buf *, char);
static int	 spf_macro_scan(const char *, size_t, const struct spf_macro_vars *, int,
		     struct spf_buf *, int *, int *, size_t *, char **);
static int	 spf_macro_value(char, const struct spf_macro_vars *, char **);
static int	 spf_domain_spec_check(const char *, char **);
static int	 spf_toplabel(const char *, size_t);
static int	 spf_cidr_parse(const char *, size_t, int, int *, char **);
static int	 spf_dual_cidr(const char *, size_t *, int *, int *, char **);
static int	 spf_term_parse(const char *, size_t, struct spf_record *, char **);
static int	 spf_record_parse(const char *, struct spf_record *, char **);
static void	 spf_record_free(struct spf_record *);
static int	 spf_is_spf(const char *);
static int	 spf_addr_from_ss(const struct sockaddr_storage *, struct spf_addr *);
static int	 spf_addr_in(const struct spf_addr *, const struct spf_addr *, int);
static void	 spf_why(struct spf_ctx *, const char *, ...) PRINTFLIKE(2, 3);
static enum spf_fetch spf_fetch(struct spf_ctx *, const char *, char **,
		     enum spf_dns_status *);
static int	 spf_name_ok(const char *);
static int	 spf_target(struct spf_ctx *, const char *, const char *, const char *,
		     char **, enum spf_result *);
static int	 spf_count(struct spf_ctx *, const char *, const char *, enum spf_result *);
static int	 spf_void(struct spf_ctx *, enum spf_dns_status, const char *, const char *,
		     enum spf_result *);
static enum spf_dns_status spf_addrs(struct spf_ctx *, const char *, int,
		     struct sockaddr_storage **, size_t *);
static int	 spf_addrs_match(struct spf_ctx *, const struct sockaddr_storage *, size_t,
		     int);
static int	 spf_match(struct spf_ctx *, const char *, const struct spf_term *, int,
		     enum spf_result *);
static enum spf_result spf_eval(struct spf_ctx *, const char *, int, char **);
static enum spf_result spf_qual_result(char);
static void	 spf_explain(struct spf_ctx *, const char *);
static void	 spf_tokens(const char *, struct strlist *);
static int	 spf_token_kind(const char *);
static int	 spf_strlist_has(const struct strlist *, const char *);
static int	 spf_all_open(const char *);

const char *
spf_dns_status_name(enum spf_dns_status st)
{
	if ((unsigned)st >= SPF_DNS_STATUS_COUNT)
		fatalx("%s: bad status %d", __func__, (int)st);
	return (spf_dns_status_names[st]);
}

const char *
spf_result_name(enum spf_result r)
{
	if ((unsigned)r >= SPF_RESULT_COUNT)
		fatalx("%s: bad result %d", __func__, (int)r);
	return (spf_result_names[r]);
}

/* ---- macros (RFC 7208 7) ---------------------------------------------------------------- */

static void
spf_buf_put(struct spf_buf *b, const char *s, size_t len)
{
	if (b == NULL || b->overflow)
		return;
	if (len > SPF_MAX_EXPAND - b->len) {
		b->overflow = 1;
		return;
	}
	if (b->len + len + 1 > b->cap) {
		b->cap = b->len + len + 1 < 64 ? 64 : (b->len + len + 1) * 2;
		b->p = xreallocarray(b->p, 1, b->cap);
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

static void
spf_buf_putc(struct spf_buf *b, char c)
{
	spf_buf_put(b, &c, 1);
}

/* The value of a macro letter (lower case), allocated. -1 when the letter is unknown. */
static int
spf_macro_value(char letter, const struct spf_macro_vars *v, char **out)
{
	struct spf_addr	 a;
	const char	*at;
	char		 buf[INET6_ADDRSTRLEN], *p;
	int		 i;

	switch (letter) {
	case 's':
		*out = xstrdup(v->sender);
		return (0);
	case 'l':
		at = strrchr(v->sender, '@');
		*out = at == NULL ? xstrdup("postmaster") :
		    xstrndup(v->sender, (size_t)(at - v->sender));
		return (0);
	case 'o':
		at = strrchr(v->sender, '@');
		*out = xstrdup(at == NULL ? v->sender : at + 1);
		return (0);
	case 'd':
		*out = xstrdup(v->domain);
		return (0);
	case 'h':
		*out = xstrdup(v->helo != NULL ? v->helo : v->domain);
		return (0);
	case 'p':
	case 'r':
		/* RFC 7208 7.3: "unknown" when not validated; we never spend lookups on it. */
		*out = xstrdup("unknown");
		return (0);
	case 't':
		xasprintf(out, "%lld", v->timestamp);
		return (0);
	case 'v':
	case 'i':
	case 'c':
		if (spf_addr_from_ss(v->ip, &a) != 0)
			fatalx("%s: address of family %d", __func__, (int)v->ip->ss_family);
		if (letter == 'v') {
			*out = xstrdup(a.family == AF_INET ? "in-addr" : "ip6");
			return (0);
		}
		if (a.family == AF_INET || letter == 'c') {
			if (inet_ntop(a.family, a.b, buf, sizeof buf) == NULL)
				fatalx("%s: inet_ntop", __func__);
			*out = xstrdup(buf);
			return (0);
		}
		/* RFC 7208 7.3: IPv6 %{i} is the 32 nibbles, dot-separated. */
		p = *out = xmalloc(64);
		for (i = 0; i < 16; i++) {
			*p++ = "0123456789abcdef"[a.b[i] >> 4];
			*p++ = '.';
			*p++ = "0123456789abcdef"[a.b[i] & 0xf];
			*p++ = i == 15 ? '\0' : '.';
		}
		return (0);
	}
	return (-1);
}

/*
 * Scans (and with vars, expands into b) a macro-string of len bytes. *ends_macro: it ends
 * with a macro-expand; *has_macro: it holds a %{...}; *lit_start: where the literal run at
 * its end starts. Returns 0, or -1 with *cause.
 */
static int
spf_macro_scan(const char *s, size_t len, const struct spf_macro_vars *vars, int explanation,
    struct spf_buf *b, int *ends_macro, int *has_macro, size_t *lit_start, char **cause)
{
	struct {
		size_t	off;
		size_t	len;
	}		*parts;
	const char	*delims;
	char		*val, letter;
	size_t		 i, j, k, ndelims, nparts, first, vlen;
	int		 digits, upper, reverse;

	*ends_macro = *has_macro = 0;
	*lit_start = 0;
	for (i = 0; i < len; ) {
		if (s[i] != '%') {
			if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e) {
				xasprintf(cause, "byte 0x%02x is not allowed",
				    (unsigned char)s[i]);
				return (-1);
			}
			if (*ends_macro || i == 0)
				*lit_start = i;
			*ends_macro = 0;
			spf_buf_putc(b, s[i]);
			i++;
			continue;
		}
		*ends_macro = 1;
		if (i + 1 >= len) {
			xasprintf(cause, "a lone %% at the end");
			return (-1);
		}
		switch (s[i + 1]) {
		case '%':
			spf_buf_putc(b, '%');
			i += 2;
			continue;
		case '_':
			spf_buf_putc(b, ' ');
			i += 2;
			continue;
		case '-':
			spf_buf_put(b, "%20", 3);
			i += 2;
			continue;
		case '{':
			break;
		default:
			xasprintf(cause, "\"%%%c\" is not a macro (a literal %% is written %%%%)",
			    s[i + 1]);
			return (-1);
		}
		j = i + 2;
		if (j >= len) {
			xasprintf(cause, "an unterminated %%{");
			return (-1);
		}
		letter = (char)tolower((unsigned char)s[j]);
		upper = isupper((unsigned char)s[j]) != 0;
		if (strchr("slodiphv", letter) == NULL &&
		    !(explanation && strchr("crt", letter) != NULL)) {
			xasprintf(cause, "%%{%c is not a macro letter%s", s[j],
			    strchr("crt", letter) != NULL ? " outside exp= text" : "");
			return (-1);
		}
		j++;
		digits = -1;
		while (j < len && isdigit((unsigned char)s[j])) {
			if (digits < 0)
				digits = 0;
			/* Past 128 parts nothing changes: clamp, keep counting the digits. */
			digits = digits * 10 + (s[j] - '0');
			if (digits > 128)
				digits = 129;
			j++;
		}
		if (digits == 0) {
			xasprintf(cause, "a macro keeps zero parts");
			return (-1);
		}
		reverse = 0;
		if (j < len && (s[j] == 'r' || s[j] == 'R')) {
			reverse = 1;
			j++;
		}
		delims = s + j;
		ndelims = 0;
		while (j < len && strchr(".-+,/_=", s[j]) != NULL && s[j] != '\0') {
			ndelims++;
			j++;
		}
		if (j >= len || s[j] != '}') {
			xasprintf(cause, "a %%{%c macro is not closed by }", s[i + 2]);
			return (-1);
		}
		*has_macro = 1;
		i = j + 1;
		if (vars == NULL || b == NULL)
			continue;

		if (spf_macro_value(letter, vars, &val) != 0)
			fatalx("%s: letter %c", __func__, letter);
		/* RFC 7208 7.3: split on the delimiters (default "."), reverse, keep the right. */
		vlen = strlen(val);
		nparts = 1;
		for (k = 0; k < vlen; k++) {
			if (ndelims == 0 ? val[k] == '.' : memchr(delims, val[k], ndelims) != NULL)
				nparts++;
		}
		parts = xreallocarray(NULL, nparts, sizeof *parts);
		nparts = 0;
		parts[0].off = 0;
		for (k = 0; k <= vlen; k++) {
			if (k == vlen || (ndelims == 0 ? val[k] == '.' :
			    memchr(delims, val[k], ndelims) != NULL)) {
				parts[nparts].len = k - parts[nparts].off;
				nparts++;
				if (k < vlen)
					parts[nparts].off = k + 1;
			}
		}
		if (reverse) {
			for (k = 0; k < nparts / 2; k++) {
				size_t	 o = parts[k].off, l = parts[k].len;

				parts[k] = parts[nparts - 1 - k];
				parts[nparts - 1 - k].off = o;
				parts[nparts - 1 - k].len = l;
			}
		}
		first = digits > 0 && (size_t)digits < nparts ? nparts - (size_t)digits : 0;
		for (k = first; k < nparts; k++) {
			if (k > first)
				spf_buf_putc(b, '.');
			if (!upper) {
				spf_buf_put(b, val + parts[k].off, parts[k].len);
				continue;
			}
			/* RFC 7208 7.3: upper-case letters URL-escape (RFC 3986 unreserved kept). */
			for (size_t m = 0; m < parts[k].len; m++) {
				unsigned char	 c = (unsigned char)val[parts[k].off + m];
				char		 hex[4];

				if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
					spf_buf_putc(b, (char)c);
				else {
					hex[0] = '%';
					hex[1] = "0123456789ABCDEF"[c >> 4];
					hex[2] = "0123456789ABCDEF"[c & 0xf];
					spf_buf_put(b, hex, 3);
				}
			}
		}
		free(parts);
		free(val);
	}
	if (b != NULL && b->overflow) {
		xasprintf(cause, "it expands to more than %d bytes", SPF_MAX_EXPAND);
		return (-1);
	}
	return (0);
}

int
spf_macro_expand(const char *text, const struct spf_macro_vars *vars, int explanation,
    char **out, char **cause)
{
	struct spf_buf	 b;
	size_t		 lit;
	int		 endm, hasm;

	memset(&b, 0, sizeof b);
	if (spf_macro_scan(text, strlen(text), vars, explanation, &b, &endm, &hasm, &lit,
	    cause) != 0) {
		free(b.p);
		return (-1);
	}
	*out = b.p != NULL ? b.p : xstrdup("");
	return (0);
}

/* toplabel of RFC 7208 7.1: alphanumerics and hyphens, not at either end, not all digits. */
static int
spf_toplabel(const char *s, size_t len)
{
	size_t	 i;
	int	 alpha = 0, hyphen = 0;

	if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return (0);
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-')
			hyphen = 1;
		else if (!isdigit((unsigned char)s[i]))
			return (0);
	}
	return (alpha || hyphen);
}

/* domain-spec = macro-string domain-end (RFC 7208 7.1). 0, or -1 with *cause. */
static int
spf_domain_spec_check(const char *s, char **cause)
{
	size_t		 len = strlen(s), lit, dot;
	int		 endm, hasm;

	if (len == 0) {
		xasprintf(cause, "the domain is missing");
		return (-1);
	}
	if (spf_macro_scan(s, len, NULL, 0, NULL, &endm, &hasm, &lit, cause) != 0)
		return (-1);
	if (endm)
		return (0);
	if (s[len - 1] == '.')
		len--;
	/* "%{d}." is taken as the macro with a trailing dot, as receivers take it. */
	if (len == lit && lit > 0)
		return (0);
	for (dot = len; dot > lit; dot--) {
		if (s[dot - 1] == '.')
			break;
	}
	if (dot == lit || !spf_toplabel(s + dot, len - dot)) {
		xasprintf(cause, "\"%s\" does not end in a top-level domain", s);
		return (-1);
	}
	return (0);
}

/* "/N" of len bytes, 0 <= N <= max, no leading zero. */
static int
spf_cidr_parse(const char *s, size_t len, int max, int *out, char **cause)
{
	size_t	 i;
	int	 v = 0;

	if (len < 2 || s[0] != '/' || (s[1] == '0' && len > 2))
		goto bad;
	for (i = 1; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			goto bad;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			goto bad;
	}
	*out = v;
	return (0);
bad:
	xasprintf(cause, "\"%.*s\" is not a prefix length from 0 to %d", (int)len, s, max);
	return (-1);
}

/* Finds the dual-cidr-length ("/24", "//64", "/24//64") at the end of s: *speclen before it. */
static int
spf_dual_cidr(const char *s, size_t *speclen, int *c4, int *c6, char **cause)
{
	size_t	 e = strlen(s), d;

	*c4 = 32;
	*c6 = 128;
	d = e;
	while (d > 0 && isdigit((unsigned char)s[d - 1]))
		d--;
	if (d < e && d >= 2 && s[d - 1] == '/' && s[d - 2] == '/') {
		if (spf_cidr_parse(s + d - 1, e - d + 1, 128, c6, cause) != 0)
			return (-1);
		e = d - 2;
		d = e;
		while (d > 0 && isdigit((unsigned char)s[d - 1]))
			d--;
	}
	if (d < e && d >= 1 && s[d - 1] == '/') {
		if (spf_cidr_parse(s + d - 1, e - d + 1, 32, c4, cause) != 0)
			return (-1);
		e = d - 1;
	}
	*speclen = e;
	return (0);
}

static int
spf_term_parse(const char *tok, size_t toklen, struct spf_record *rec, char **cause)
{
	struct spf_term	 t;
	char		*text, *p, *q, *spec, *why = NULL;
	size_t		 namelen, speclen;
	int		 m, hasqual = 0;

	memset(&t, 0, sizeof t);
	text = xstrndup(tok, toklen);
	p = text;
	t.qual = '+';
	if (*p != '\0' && strchr("+-~?", *p) != NULL) {
		t.qual = *p++;
		hasqual = 1;
	}
	if (!isalpha((unsigned char)*p)) {
		xasprintf(&why, "it does not start with a mechanism or modifier name");
		goto bad;
	}
	for (q = p; isalnum((unsigned char)*q) || *q == '-' || *q == '_' || *q == '.'; q++)
		/* nothing */;
	namelen = (size_t)(q - p);

	if (*q == '=') {
		/* A modifier (RFC 7208 6): redirect= and exp= at most once each. */
		if (hasqual) {
			xasprintf(&why, "a modifier takes no qualifier");
			goto bad;
		}
		if (namelen == 8 && strncasecmp(p, "redirect", 8) == 0) {
			if (rec->redirect != NULL) {
				xasprintf(&why, "redirect= is given twice");
				goto bad;
			}
			if (spf_domain_spec_check(q + 1, &why) != 0)
				goto bad;
			rec->redirect = xstrdup(q + 1);
			rec->redirect_text = text;
			return (0);
		}
		if (namelen == 3 && strncasecmp(p, "exp", 3) == 0) {
			if (rec->exp != NULL) {
				xasprintf(&why, "exp= is given twice");
				goto bad;
			}
			if (spf_domain_spec_check(q + 1, &why) != 0)
				goto bad;
			rec->exp = xstrdup(q + 1);
			free(text);
			return (0);
		}
		/* RFC 7208 6: unknown modifiers are ignored, if they are well-formed. */
		if (spf_macro_expand(q + 1, NULL, 0, &spec, &why) != 0)
			goto bad;
		free(spec);
		free(text);
		return (0);
	}

	for (m = 0; m < SPF_M_COUNT; m++) {
		if (strlen(spf_mech_names[m]) == namelen &&
		    strncasecmp(p, spf_mech_names[m], namelen) == 0)
			break;
	}
	if (m == SPF_M_COUNT) {
		xasprintf(&why, "\"%.*s\" is not a mechanism", (int)namelen, p);
		goto bad;
	}
	t.mech = (enum spf_mech)m;
	t.cidr4 = 32;
	t.cidr6 = 128;
	switch (t.mech) {
	case SPF_M_ALL:
		if (*q != '\0') {
			xasprintf(&why, "all takes nothing after it");
			goto bad;
		}
		rec->has_all = 1;
		break;
	case SPF_M_INCLUDE:
	case SPF_M_EXISTS:
		if (*q != ':') {
			xasprintf(&why, "%s needs \":\" and a domain", spf_mech_names[m]);
			goto bad;
		}
		if (spf_domain_spec_check(q + 1, &why) != 0)
			goto bad;
		t.spec = xstrdup(q + 1);
		break;
	case SPF_M_PTR:
		if (*q == ':') {
			if (spf_domain_spec_check(q + 1, &why) != 0)
				goto bad;
			t.spec = xstrdup(q + 1);
		} else if (*q != '\0') {
			xasprintf(&why, "ptr takes only \":\" and a domain");
			goto bad;
		}
		break;
	case SPF_M_A:
	case SPF_M_MX:
		if (spf_dual_cidr(q, &speclen, &t.cidr4, &t.cidr6, &why) != 0)
			goto bad;
		if (speclen > 0) {
			if (*q != ':') {
				xasprintf(&why, "%s takes \":\" and a domain, then prefix lengths",
				    spf_mech_names[m]);
				goto bad;
			}
			spec = xstrndup(q + 1, speclen - 1);
			if (spf_domain_spec_check(spec, &why) != 0) {
				free(spec);
				goto bad;
			}
			t.spec = spec;
		}
		break;
	case SPF_M_IP4:
	case SPF_M_IP6:
		if (*q != ':') {
			xasprintf(&why, "%s needs \":\" and an address", spf_mech_names[m]);
			goto bad;
		}
		spec = strchr(q + 1, '/');
		speclen = spec == NULL ? strlen(q + 1) : (size_t)(spec - (q + 1));
		spec = xstrndup(q + 1, speclen);
		t.net.family = t.mech == SPF_M_IP4 ? AF_INET : AF_INET6;
		if (inet_pton(t.net.family, spec, t.net.b) != 1) {
			xasprintf(&why, "\"%s\" is not an %s address", spec,
			    t.mech == SPF_M_IP4 ? "IPv4" : "IPv6");
			free(spec);
			goto bad;
		}
		free(spec);
		p = q + 1 + speclen;
		if (*p != '\0' && spf_cidr_parse(p, strlen(p), t.mech == SPF_M_IP4 ? 32 : 128,
		    t.mech == SPF_M_IP4 ? &t.cidr4 : &t.cidr6, &why) != 0)
			goto bad;
		break;
	case SPF_M_COUNT:
		fatalx("%s: mechanism count", __func__);
	}
	t.text = text;
	rec->terms = xreallocarray(rec->terms, rec->n + 1, sizeof *rec->terms);
	rec->terms[rec->n++] = t;
	return (0);

bad:
	xasprintf(cause, "\"%s\": %s", text, why);
	free(why);
	free(t.spec);
	free(text);
	return (-1);
}

/* Parses a record that spf_is_spf accepted. 0, or -1 with *cause and rec emptied. */
static int
spf_record_parse(const char *text, struct spf_record *rec, char **cause)
{
	const char	*p = text + 6, *start;

	memset(rec, 0, sizeof *rec);
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ' ')
			p++;
		if (spf_term_parse(start, (size_t)(p - start), rec, cause) != 0) {
			spf_record_free(rec);
			return (-1);
		}
	}
	return (0);
}

static void
spf_record_free(struct spf_record *rec)
{
	size_t	 i;

	for (i = 0; i < rec->n; i++) {
		free(rec->terms[i].text);
		free(rec->terms[i].spec);
	}
	free(rec->terms);
	free(rec->redirect);
	free(rec->redirect_text);
	free(rec->exp);
	memset(rec, 0, sizeof *rec);
}

/* RFC 7208 4.5: exactly "v=spf1" then a space or the end ("v=spf10" is not SPF). */
static int
spf_is_spf(const char *s)
{
	return (strncasecmp(s, "v=spf1", 6) == 0 && (s[6] == '\0' || s[6] == ' '));
}

/* ---- addresses ------------------------------------------------------------------------ */

/* An IPv4-mapped IPv6 address becomes IPv4. -1 for another family. */
static int
spf_addr_from_ss(const struct sockaddr_storage *ss, struct spf_addr *a)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	memset(a, 0, sizeof *a);
	switch (ss->ss_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)ss;
		a->family = AF_INET;
		memcpy(a->b, &sin->sin_addr, 4);
		return (0);
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)ss;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			a->family = AF_INET;
			memcpy(a->b, sin6->sin6_addr.s6_addr + 12, 4);
		} else {
			a->family = AF_INET6;
			memcpy(a->b, sin6->sin6_addr.s6_addr, 16);
		}
		return (0);
	}
	return (-1);
}

/* ip within net/prefix. */
static int
spf_addr_in(const struct spf_addr *ip, const struct spf_addr *net, int prefix)
{
	int		 full = prefix / 8, rest = prefix % 8;
	unsigned char	 mask;

	if (ip->family != net->family)
		return (0);
	if (memcmp(ip->b, net->b, (size_t)full) != 0)
		return (0);
	if (rest == 0)
		return (1);
	mask = (unsigned char)(0xff << (8 - rest));
	return ((ip->b[full] & mask) == (net->b[full] & mask));
}

/* ---- evaluation (RFC 7208 4 and 5) ---------------------------------------------------- */

/* Keeps the first error's words: the one the result comes from. */
static void
spf_why(struct spf_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;

	if (ctx->why != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&ctx->why, fmt, ap);
	va_end(ap);
}

static enum spf_fetch
spf_fetch(struct spf_ctx *ctx, const char *name, char **rec, enum spf_dns_status *stp)
{
	struct strlist		 txt;
	enum spf_dns_status	 st;
	size_t			 i, found = 0;

	*rec = NULL;
	memset(&txt, 0, sizeof txt);
	st = ctx->r->txt(ctx->r->arg, name, &txt);
	if (st == SPF_DNS_OK && txt.n == 0)
		st = SPF_DNS_NODATA;
	*stp = st;
	strlist_addf(&ctx->out->notes, "TXT %s: %s, %zu record%s", name,
	    spf_dns_status_name(st), txt.n, txt.n == 1 ? "" : "s");
	switch (st) {
	case SPF_DNS_OK:
		break;
	case SPF_DNS_NXDOMAIN:
		strlist_free(&txt);
		return (SPF_FETCH_NXDOMAIN);
	case SPF_DNS_NODATA:
		strlist_free(&txt);
		return (SPF_FETCH_NONE);
	default:
		strlist_free(&txt);
		return (SPF_FETCH_ERROR);
	}
	for (i = 0; i < txt.n; i++) {
		if (!spf_is_spf(txt.v[i]))
			continue;
		if (found++ == 0)
			*rec = xstrdup(txt.v[i]);
	}
	strlist_free(&txt);
	if (found > 1) {
		free(*rec);
		*rec = NULL;
		return (SPF_FETCH_TWO);
	}
	return (found == 1 ? SPF_FETCH_ONE : SPF_FETCH_NONE);
}

/* A name that can be asked: labels of 1 to 63 bytes, at most 253 in all, no trailing dot. */
static int
spf_name_ok(const char *s)
{
	size_t	 len = strlen(s), label = 0, i;

	if (len == 0 || len > SPF_MAX_NAME)
		return (0);
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63)
				return (0);
			label = 0;
		} else
			label++;
	}
	return (1);
}

/*
 * Expands a term's domain-spec (or takes domain) into *name, ready to be asked: trailing
 * dot dropped, left labels dropped past 253 bytes (RFC 7208 7.3). 1 with *name; 0 when a
 * macro made a name that cannot be asked (the term does not match); -1 with *err.
 */
static int
spf_target(struct spf_ctx *ctx, const char *domain, const char *spec, const char *term,
    char **name, enum spf_result *err)
{
	struct spf_macro_vars	 vars;
	struct spf_buf		 b;
	char			*cause = NULL, *p;
	size_t			 lit, len;
	int			 endm, hasm;

	if (spec == NULL) {
		*name = xstrdup(domain);
		return (1);
	}
	memset(&vars, 0, sizeof vars);
	vars.ip = &ctx->ipss;
	vars.sender = ctx->sender;
	vars.domain = domain;
	vars.helo = ctx->helo;
	memset(&b, 0, sizeof b);
	if (spf_macro_scan(spec, strlen(spec), &vars, 0, &b, &endm, &hasm, &lit, &cause) != 0) {
		spf_why(ctx, "%s in the record of %s cannot be expanded (%s), which receivers "
		    "treat as an error", term, domain, cause);
		free(cause);
		free(b.p);
		*err = SPF_PERMERROR;
		return (-1);
	}
	p = b.p != NULL ? b.p : xstrdup("");
	len = strlen(p);
	if (len > 0 && p[len - 1] == '.')
		p[--len] = '\0';
	while (len > SPF_MAX_NAME) {
		char	*dot = strchr(p, '.');

		if (dot == NULL)
			break;
		memmove(p, dot + 1, strlen(dot + 1) + 1);
		len = strlen(p);
	}
	if (!spf_name_ok(p)) {
		if (hasm) {
			strlist_addf(&ctx->out->notes, "%s: expands to \"%s\", which is not a "
			    "name that can be looked up; no match", term, p);
			free(p);
			return (0);
		}
		spf_why(ctx, "%s in the record of %s names \"%s\", which is not a valid domain "
		    "name: receivers treat this as an error", term, domain, p);
		free(p);
		*err = SPF_PERMERROR;
		return (-1);
	}
	*name = p;
	return (1);
}

/* One more DNS-querying term (RFC 7208 4.6.4). 0, or -1 with *err past the limit. */
static int
spf_count(struct spf_ctx *ctx, const char *domain, const char *term, enum spf_result *err)
{
	if (++ctx->out->lookups <= SPF_MAX_LOOKUPS)
		return (0);
	ctx->out->lookups = SPF_MAX_LOOKUPS + 1;
	spf_why(ctx, "checking the record needs more than %d DNS lookups (include, a, mx, ptr, "
	    "exists and redirect count, through every include; the one too many is %s in the "
	    "record of %s), which receivers treat as an error", SPF_MAX_LOOKUPS, term, domain);
	*err = SPF_PERMERROR;
	return (-1);
}

/* A lookup answered nothing: one more void lookup (RFC 7208 4.6.4). */
static int
spf_void(struct spf_ctx *ctx, enum spf_dns_status st, const char *domain, const char *term,
    enum spf_result *err)
{
	if (st != SPF_DNS_NXDOMAIN && st != SPF_DNS_NODATA)
		return (0);
	if (++ctx->out->void_lookups <= SPF_MAX_VOID)
		return (0);
	spf_why(ctx, "more than %d DNS lookups made while checking the record found nothing "
	    "(the last: %s in the record of %s), which receivers treat as an error",
	    SPF_MAX_VOID, term, domain);
	*err = SPF_PERMERROR;
	return (-1);
}

static enum spf_dns_status
spf_addrs(struct spf_ctx *ctx, const char *name, int family, struct sockaddr_storage **addrs,
    size_t *n)
{
	enum spf_dns_status	 st;

	*addrs = NULL;
	*n = 0;
	st = ctx->r->addr(ctx->r->arg, name, family, addrs, n);
	if (st == SPF_DNS_OK && *n == 0)
		st = SPF_DNS_NODATA;
	strlist_addf(&ctx->out->notes, "%s %s: %s, %zu address%s",
	    family == AF_INET ? "A" : "AAAA", name, spf_dns_status_name(st), *n,
	    *n == 1 ? "" : "es");
	return (st);
}

static int
spf_addrs_match(struct spf_ctx *ctx, const struct sockaddr_storage *addrs, size_t n,
    int prefix)
{
	struct spf_addr	 a;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (spf_addr_from_ss(&addrs[i], &a) == 0 && spf_addr_in(&ctx->ip, &a, prefix))
			return (1);
	}
	return (0);
}

/* One mechanism: 1 match, 0 no match, -1 with *err (temperror or permerror). */
static int
spf_match(struct spf_ctx *ctx, const char *domain, const struct spf_term *t, int depth,
    enum spf_result *err)
{
	struct sockaddr_storage	*addrs = NULL;
	struct strlist		 names;
	enum spf_dns_status	 st;
	enum spf_result		 r;
	char			*name = NULL;
	size_t			 n = 0, i, len, tlen;
	int			 family = ctx->ip.family, ret = 0, rc, validated;
	int			 prefix = family == AF_INET ? t->cidr4 : t->cidr6;

	memset(&names, 0, sizeof names);
	switch (t->mech) {
	case SPF_M_ALL:
		return (1);
	case SPF_M_IP4:
	case SPF_M_IP6:
		return (spf_addr_in(&ctx->ip, &t->net, t->mech == SPF_M_IP4 ? t->cidr4 :
		    t->cidr6));
	default:
		break;
	}

	if (spf_count(ctx, domain, t->text, err) != 0)
		return (-1);
	if ((rc = spf_target(ctx, domain, t->spec, t->text, &name, err)) <= 0)
		return (rc);

	switch (t->mech) {
	case SPF_M_INCLUDE:
		/* RFC 7208 5.2: the table of what an included result means. */
		r = spf_eval(ctx, name, depth + 1, NULL);
		switch (r) {
		case SPF_PASS:
			ret = 1;
			break;
		case SPF_FAIL:
		case SPF_SOFTFAIL:
		case SPF_NEUTRAL:
			ret = 0;
			break;
		case SPF_TEMPERROR:
			*err = SPF_TEMPERROR;
			ret = -1;
			break;
		case SPF_NONE:
			spf_why(ctx, "%s in the record of %s points at %s, which has no SPF "
			    "record: receivers treat this as an error", t->text, domain, name);
			/* FALLTHROUGH */
		default:
			*err = SPF_PERMERROR;
			ret = -1;
			break;
		}
		strlist_addf(&ctx->out->notes, "%s: %s", t->text, spf_result_name(r));
		break;
	case SPF_M_A:
	case SPF_M_EXISTS:
		/* RFC 7208 5.7: exists asks for A whatever the client's address. */
		if (t->mech == SPF_M_EXISTS)
			family = AF_INET;
		st = spf_addrs(ctx, name, family, &addrs, &n);
		if (st == SPF_DNS_ERROR || st == SPF_DNS_TIMEOUT) {
			spf_why(ctx, "the DNS lookup for %s in the record of %s failed (%s): "
			    "receivers cannot check SPF now", t->text, domain,
			    spf_dns_status_name(st));
			*err = SPF_TEMPERROR;
			ret = -1;
			break;
		}
		if (spf_void(ctx, st, domain, t->text, err) != 0) {
			ret = -1;
			break;
		}
		ret = t->mech == SPF_M_EXISTS ? n > 0 : spf_addrs_match(ctx, addrs, n, prefix);
		break;
	case SPF_M_MX:
		st = ctx->r->mx(ctx->r->arg, name, &names);
		if (st == SPF_DNS_OK && names.n == 0)
			st = SPF_DNS_NODATA;
		strlist_addf(&ctx->out->notes, "MX %s: %s, %zu name%s", name,
		    spf_dns_status_name(st), names.n, names.n == 1 ? "" : "s");
		if (st == SPF_DNS_ERROR || st == SPF_DNS_TIMEOUT) {
			spf_why(ctx, "the DNS lookup for %s in the record of %s failed (%s): "
			    "receivers cannot check SPF now", t->text, domain,
			    spf_dns_status_name(st));
			*err = SPF_TEMPERROR;
			ret = -1;
			break;
		}
		if (spf_void(ctx, st, domain, t->text, err) != 0) {
			ret = -1;
			break;
		}
		if (names.n > SPF_MAX_MX) {
			spf_why(ctx, "%s in the record of %s: %s has %zu mail servers (MX), more "
			    "than the %d receivers look up, which they treat as an error",
			    t->text, domain, name, names.n, SPF_MAX_MX);
			*err = SPF_PERMERROR;
			ret = -1;
			break;
		}
		for (i = 0; i < names.n && ret == 0; i++) {
			if (strcmp(names.v[i], ".") == 0 || !spf_name_ok(names.v[i]))
				continue;
			st = spf_addrs(ctx, names.v[i], family, &addrs, &n);
			if (st == SPF_DNS_ERROR || st == SPF_DNS_TIMEOUT) {
				spf_why(ctx, "the DNS lookup of mail server %s for %s in the "
				    "record of %s failed (%s): receivers cannot check SPF now",
				    names.v[i], t->text, domain, spf_dns_status_name(st));
				*err = SPF_TEMPERROR;
				ret = -1;
			} else
				ret = spf_addrs_match(ctx, addrs, n, prefix);
			free(addrs);
			addrs = NULL;
		}
		break;
	case SPF_M_PTR:
		/* RFC 7208 5.5: DNS errors make ptr not match; at most 10 names validated. */
		if (ctx->r->ptr == NULL) {
			strlist_addf(&ctx->out->notes, "%s: not evaluated (receivers are told "
			    "not to rely on ptr); taken as no match", t->text);
			break;
		}
		st = ctx->r->ptr(ctx->r->arg, &ctx->ipss, &names);
		if (st == SPF_DNS_OK && names.n == 0)
			st = SPF_DNS_NODATA;
		strlist_addf(&ctx->out->notes, "PTR %s: %s, %zu name%s", ctx->iptext,
		    spf_dns_status_name(st), names.n, names.n == 1 ? "" : "s");
		if (spf_void(ctx, st, domain, t->text, err) != 0) {
			ret = -1;
			break;
		}
		tlen = strlen(name);
		for (i = 0; i < names.n && i < SPF_MAX_PTR && ret == 0; i++) {
			len = strlen(names.v[i]);
			if (len > 0 && names.v[i][len - 1] == '.')
				names.v[i][--len] = '\0';
			if (!spf_name_ok(names.v[i]))
				continue;
			if (!(len == tlen && strcasecmp(names.v[i], name) == 0) &&
			    !(len > tlen && names.v[i][len - tlen - 1] == '.' &&
			    strcasecmp(names.v[i] + len - tlen, name) == 0))
				continue;
			st = spf_addrs(ctx, names.v[i], family, &addrs, &n);
			validated = st == SPF_DNS_OK && spf_addrs_match(ctx, addrs, n,
			    family == AF_INET ? 32 : 128);
			free(addrs);
			addrs = NULL;
			ret = validated;
		}
		break;
	default:
		fatalx("%s: mechanism %d", __func__, (int)t->mech);
	}
	free(addrs);
	strlist_free(&names);
	free(name);
	return (ret);
}

static enum spf_result
spf_qual_result(char q)
{
	switch (q) {
	case '-':
		return (SPF_FAIL);
	case '~':
		return (SPF_SOFTFAIL);
	case '?':
		return (SPF_NEUTRAL);
	}
	return (SPF_PASS);
}

/*
 * check_host() for domain at depth (0: the domain asked about). *decider (may be NULL)
 * gets the term of this record that decided.
 */
static enum spf_result
spf_eval(struct spf_ctx *ctx, const char *domain, int depth, char **decider)
{
	struct spf_record	 rec;
	enum spf_dns_status	 st;
	enum spf_result		 r = SPF_NEUTRAL, err = SPF_PERMERROR;
	char			*text, *cause = NULL, *name = NULL;
	size_t			 i;
	int			 m;

	if (depth > SPF_MAX_DEPTH) {
		spf_why(ctx, "the records include each other too deeply, which receivers treat "
		    "as an error");
		return (SPF_PERMERROR);
	}
	switch (spf_fetch(ctx, domain, &text, &st)) {
	case SPF_FETCH_ONE:
		break;
	case SPF_FETCH_NONE:
		if (depth == 0)
			spf_why(ctx, "%s has no SPF record", domain);
		return (SPF_NONE);
	case SPF_FETCH_NXDOMAIN:
		if (depth == 0)
			spf_why(ctx, "the domain %s does not exist in DNS", domain);
		return (SPF_NONE);
	case SPF_FETCH_TWO:
		spf_why(ctx, "the domain %s has two SPF records, which receivers treat as an "
		    "error", domain);
		return (SPF_PERMERROR);
	case SPF_FETCH_ERROR:
		spf_why(ctx, "the DNS lookup of the TXT records of %s failed (%s): receivers "
		    "cannot check SPF now", domain, spf_dns_status_name(st));
		return (SPF_TEMPERROR);
	}
	strlist_addf(&ctx->out->notes, "%s: %s", domain, text);
	if (depth == 0)
		ctx->out->record = xstrdup(text);

	/* RFC 7208 4.6: a syntax error anywhere makes the record an error before anything. */
	if (spf_record_parse(text, &rec, &cause) != 0) {
		spf_why(ctx, "the SPF record of %s has a term receivers cannot read (%s), "
		    "which makes the whole record an error", domain, cause);
		free(cause);
		free(text);
		return (SPF_PERMERROR);
	}
	free(text);

	for (i = 0; i < rec.n; i++) {
		m = spf_match(ctx, domain, &rec.terms[i], depth, &err);
		if (m < 0) {
			r = err;
			goto out;
		}
		if (m == 0)
			continue;
		r = spf_qual_result(rec.terms[i].qual);
		if (decider != NULL)
			*decider = xstrdup(rec.terms[i].text);
		if (rec.terms[i].mech != SPF_M_INCLUDE) {
			free(ctx->out->match);
			free(ctx->out->match_domain);
			ctx->out->match = xstrdup(rec.terms[i].text);
			ctx->out->match_domain = xstrdup(domain);
		}
		strlist_addf(&ctx->out->notes, "%s: %s matches: %s", domain,
		    rec.terms[i].text, spf_result_name(r));
		goto out;
	}

	/* RFC 7208 6.1: redirect= only when no mechanism matched and there is no all. */
	if (rec.redirect != NULL && !rec.has_all) {
		if (spf_count(ctx, domain, rec.redirect_text, &err) != 0) {
			r = err;
			goto out;
		}
		m = spf_target(ctx, domain, rec.redirect, rec.redirect_text, &name, &err);
		if (m < 0) {
			r = err;
			goto out;
		}
		if (m == 0) {
			spf_why(ctx, "%s in the record of %s does not name a domain, which "
			    "receivers treat as an error", rec.redirect_text, domain);
			r = SPF_PERMERROR;
			goto out;
		}
		if (decider != NULL)
			*decider = xstrdup(rec.redirect_text);
		r = spf_eval(ctx, name, depth + 1, NULL);
		if (r == SPF_NONE) {
			spf_why(ctx, "%s in the record of %s points at %s, which has no SPF "
			    "record: receivers treat this as an error", rec.redirect_text, domain,
			    name);
			r = SPF_PERMERROR;
		}
		strlist_addf(&ctx->out->notes, "%s: %s", rec.redirect_text, spf_result_name(r));
		goto out;
	}
	strlist_addf(&ctx->out->notes, "%s: nothing matches: neutral", domain);

out:
	free(name);
	spf_record_free(&rec);
	return (r);
}

static const char *const spf_verdict_words[] = {
	[SPF_NONE] = "says nothing about it",
	[SPF_NEUTRAL] = "says nothing either way about it",
	[SPF_PASS] = "authorises it",
	[SPF_FAIL] = "tells receivers to reject its mail",
	[SPF_SOFTFAIL] = "tells receivers to treat its mail as suspicious",
	[SPF_TEMPERROR] = "cannot be checked now",
	[SPF_PERMERROR] = "is an error",
};
_Static_assert(sizeof spf_verdict_words / sizeof spf_verdict_words[0] == SPF_RESULT_COUNT,
    "spf_verdict_words does not match enum spf_result");

/* The explanation in plain words, once the result is known. */
static void
spf_explain(struct spf_ctx *ctx, const char *domain)
{
	struct spf_check	*out = ctx->out;
	const char		*d = out->mechanism, *ip = ctx->iptext, *body;
	char			*through = NULL;

	if (out->result == SPF_NONE || out->result == SPF_TEMPERROR ||
	    out->result == SPF_PERMERROR) {
		out->explanation = xstrdup(ctx->why != NULL ? ctx->why :
		    spf_result_name(out->result));
		return;
	}
	if (d == NULL) {
		xasprintf(&out->explanation, "the SPF record of %s does not mention %s and has "
		    "no all term, so it says nothing either way about it", domain, ip);
		return;
	}
	if (out->match != NULL && out->match_domain != NULL &&
	    strcasecmp(out->match_domain, domain) != 0)
		xasprintf(&through, " (through %s in the record of %s)", out->match,
		    out->match_domain);
	body = spf_verdict_words[out->result];
	if (strncasecmp(d, "redirect=", 9) == 0) {
		if (through == NULL)
			xasprintf(&out->explanation, "the SPF record of %s hands over to %s "
			    "(%s), whose record does not mention %s", domain, d + 9, d, ip);
		else if (spf_token_kind(out->match) == SPF_TOK_ALL)
			xasprintf(&out->explanation, "the SPF record of %s hands over to %s "
			    "(%s), whose record does not list %s, and its %s %s", domain, d + 9,
			    d, ip, out->match, body);
		else
			xasprintf(&out->explanation, "the SPF record of %s hands over to %s "
			    "(%s), whose record lists %s, which covers %s%s%s", domain, d + 9, d,
			    out->match, ip, out->result == SPF_PASS ? "" : " and ",
			    out->result == SPF_PASS ? "" : body);
	} else if (strcasecmp(d + (strchr("+-~?", d[0]) != NULL), "all") == 0)
		xasprintf(&out->explanation, "the SPF record of %s does not list %s, and its "
		    "%s %s%s", domain, ip, d, body, d[0] == '+' || d[0] == 'a' || d[0] == 'A' ?
		    " (it lets every address on the Internet send as the domain)" : "");
	else if (out->result == SPF_PASS)
		xasprintf(&out->explanation, "the SPF record of %s lists %s, which covers %s%s",
		    domain, d, ip, through != NULL ? through : "");
	else
		xasprintf(&out->explanation, "the SPF record of %s lists %s, which covers %s "
		    "and %s%s", domain, d, ip, body, through != NULL ? through : "");
	free(through);
}

void
spf_check_host(const struct spf_resolver *r, const struct sockaddr_storage *ip,
    const char *domain, const char *sender, const char *helo, struct spf_check *out)
{
	struct spf_ctx	 ctx;
	char		*dom, *decider = NULL;
	size_t		 len;

	memset(out, 0, sizeof *out);
	memset(&ctx, 0, sizeof ctx);
	ctx.r = r;
	ctx.out = out;
	ctx.helo = helo;
	if (spf_addr_from_ss(ip, &ctx.ip) != 0)
		fatalx("%s: address of family %d", __func__, (int)ip->ss_family);
	/* Evaluate as the address really is: an IPv4-mapped IPv6 address is IPv4. */
	if (ctx.ip.family == AF_INET) {
		struct sockaddr_in	*sin = (struct sockaddr_in *)&ctx.ipss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, ctx.ip.b, 4);
	} else {
		struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ctx.ipss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, ctx.ip.b, 16);
	}
	if (inet_ntop(ctx.ip.family, ctx.ip.b, ctx.iptext, sizeof ctx.iptext) == NULL)
		fatalx("%s: inet_ntop", __func__);

	dom = xstrdup(domain);
	len = strlen(dom);
	if (len > 0 && dom[len - 1] == '.')
		dom[len - 1] = '\0';
	/* RFC 7208 4.3: no local part means "postmaster". */
	if (sender == NULL || *sender == '\0')
		xasprintf(&ctx.sender, "postmaster@%s", dom);
	else if (strchr(sender, '@') == NULL)
		xasprintf(&ctx.sender, "postmaster@%s", sender);
	else if (sender[0] == '@')
		xasprintf(&ctx.sender, "postmaster%s", sender);
	else
		ctx.sender = xstrdup(sender);

	/* RFC 7208 4.3: a malformed or single-label domain has no SPF: none. */
	if (!spf_name_ok(dom) || strchr(dom, '.') == NULL) {
		spf_why(&ctx, "\"%s\" is not a domain name that can have an SPF record", dom);
		out->result = SPF_NONE;
	} else
		out->result = spf_eval(&ctx, dom, 0, &decider);
	if (out->result != SPF_NONE && out->result != SPF_TEMPERROR &&
	    out->result != SPF_PERMERROR)
		out->mechanism = decider;
	else
		free(decider);
	if (out->result != SPF_PASS && out->result != SPF_FAIL &&
	    out->result != SPF_SOFTFAIL && out->result != SPF_NEUTRAL) {
		free(out->match);
		free(out->match_domain);
		out->match = out->match_domain = NULL;
	}
	spf_explain(&ctx, dom);
	free(ctx.why);
	free(ctx.sender);
	free(dom);
}

void
spf_check_free(struct spf_check *c)
{
	if (c == NULL)
		return;
	free(c->mechanism);
	free(c->match);
	free(c->match_domain);
	free(c->record);
	free(c->explanation);
	strlist_free(&c->notes);
	memset(c, 0, sizeof *c);
}

/* ---- the record to publish ------------------------------------------------------------ */


/* The terms after "v=spf1", split on spaces. */
static void
spf_tokens(const char *rec, struct strlist *out)
{
	const char	*p = rec + (spf_is_spf(rec) ? 6 : 0), *start;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return;
		start = p;
		while (*p != '\0' && *p != ' ')
			p++;
		strlist_take(out, xstrndup(start, (size_t)(p - start)));
	}
}

static int
spf_token_kind(const char *t)
{
	const char	*p = t + (strchr("+-~?", t[0]) != NULL && t[0] != '\0');
	size_t		 n = strcspn(p, ":/=");

	if (p[n] == '=' && p == t) {
		if (n == 8 && strncasecmp(p, "redirect", 8) == 0)
			return (SPF_TOK_REDIRECT);
		if (n == 3 && strncasecmp(p, "exp", 3) == 0)
			return (SPF_TOK_EXP);
		return (SPF_TOK_MODIFIER);
	}
	if (n == 3 && p[n] == '\0' && strncasecmp(p, "all", 3) == 0)
		return (SPF_TOK_ALL);
	return (SPF_TOK_MECH);
}

/* The same term, "+" qualifier or not, case aside. */
static int
spf_strlist_has(const struct strlist *l, const char *term)
{
	const char	*a = term + (term[0] == '+'), *b;
	size_t		 i;

	for (i = 0; i < l->n; i++) {
		b = l->v[i] + (l->v[i][0] == '+');
		if (strcasecmp(a, b) == 0)
			return (1);
	}
	return (0);
}

/* "all" or "+all": every address passes. */
static int
spf_all_open(const char *all)
{
	return (all != NULL && strchr("-~?", all[0]) == NULL);
}

int
spf_propose_record(const char *const *records, size_t n, const char *term, char **out,
    struct strlist *notes, char **cause)
{
	struct spf_record	 check;
	struct strlist		 tok, terms, mechs, mods, alls, redirects, exps;
	char			*why = NULL;
	size_t			 i, j, at, len;
	int			 open_all = 0;

	*out = NULL;
	memset(&check, 0, sizeof check);
	if (term == NULL || *term == '\0' || strchr(term, ' ') != NULL ||
	    spf_term_parse(term, strlen(term), &check, &why) != 0 || check.n != 1 ||
	    check.terms[0].qual != '+' || check.terms[0].mech == SPF_M_ALL) {
		xasprintf(cause, "\"%s\" is not an SPF mechanism that authorises senders%s%s",
		    term != NULL ? term : "", why != NULL ? ": " : "", why != NULL ? why : "");
		free(why);
		spf_record_free(&check);
		return (-1);
	}
	spf_record_free(&check);

	if (n == 0) {
		xasprintf(out, "v=spf1 %s ~all", term);
		if (notes != NULL)
			strlist_addf(notes, "the domain has no SPF record: publish this one as a "
			    "TXT record at the domain itself");
		return (0);
	}

	memset(&tok, 0, sizeof tok);
	memset(&terms, 0, sizeof terms);
	if (n == 1) {
		/* Keep the record as it is; only the term goes in, before the all. */
		spf_tokens(records[0], &tok);
		if (spf_strlist_has(&tok, term)) {
			*out = xstrdup(records[0]);
			if (notes != NULL)
				strlist_addf(notes, "the record already lists %s", term);
			strlist_free(&tok);
			return (1);
		}
		at = tok.n;
		for (i = 0; i < tok.n; i++) {
			switch (spf_token_kind(tok.v[i])) {
			case SPF_TOK_ALL:
				open_all = spf_all_open(tok.v[i]);
				at = i;
				i = tok.n - 1;
				break;
			case SPF_TOK_MECH:
				break;
			default:
				/* Modifiers go anywhere (RFC 7208 6): before the first one. */
				if (at == tok.n)
					at = i;
				break;
			}
		}
		if (at == tok.n || spf_token_kind(tok.v[at]) != SPF_TOK_ALL) {
			if (notes != NULL)
				strlist_addf(notes, "the record has no all term: receivers take "
				    "the addresses it does not list as neutral");
		}
		strlist_add(&terms, "v=spf1");
		for (i = 0; i <= tok.n; i++) {
			if (i == at)
				strlist_add(&terms, term);
			if (i < tok.n)
				strlist_add(&terms, tok.v[i]);
		}
		strlist_free(&tok);
	} else {
		/* RFC 7208 4.5: two records are an error; one record must say it all. */
		memset(&mechs, 0, sizeof mechs);
		memset(&mods, 0, sizeof mods);
		memset(&alls, 0, sizeof alls);
		memset(&redirects, 0, sizeof redirects);
		memset(&exps, 0, sizeof exps);
		for (j = 0; j < n; j++) {
			spf_tokens(records[j], &tok);
			for (i = 0; i < tok.n; i++) {
				struct strlist	*to;

				switch (spf_token_kind(tok.v[i])) {
				case SPF_TOK_ALL:
					to = &alls;
					break;
				case SPF_TOK_REDIRECT:
					to = &redirects;
					break;
				case SPF_TOK_EXP:
					to = &exps;
					break;
				case SPF_TOK_MODIFIER:
					to = &mods;
					break;
				default:
					to = &mechs;
					break;
				}
				if (!spf_strlist_has(to, tok.v[i]))
					strlist_add(to, tok.v[i]);
			}
			strlist_free(&tok);
		}
		if (spf_strlist_has(&mechs, term)) {
			if (notes != NULL)
				strlist_addf(notes, "one of the records already lists %s", term);
		} else
			strlist_add(&mechs, term);
		strlist_add(&terms, "v=spf1");
		for (i = 0; i < mechs.n; i++)
			strlist_add(&terms, mechs.v[i]);
		for (i = 0; i < mods.n; i++)
			strlist_add(&terms, mods.v[i]);
		if (exps.n > 0)
			strlist_add(&terms, exps.v[0]);
		if (alls.n > 0) {
			strlist_add(&terms, alls.v[0]);
			open_all = spf_all_open(alls.v[0]);
		} else if (redirects.n > 0)
			strlist_add(&terms, redirects.v[0]);
		if (notes != NULL) {
			strlist_addf(notes, "the domain has %zu SPF records, which receivers "
			    "treat as an error: replace them all with this one", n);
			if (alls.n > 1)
				strlist_addf(notes, "the records end differently; this keeps %s "
				    "from the first", alls.v[0]);
			if (alls.n > 0 && redirects.n > 0)
				strlist_addf(notes, "%s is left out: next to an all term it would "
				    "be ignored", redirects.v[0]);
			else if (redirects.n > 1)
				strlist_addf(notes, "the records redirect to different domains; "
				    "this keeps %s", redirects.v[0]);
		}
		strlist_free(&mechs);
		strlist_free(&mods);
		strlist_free(&alls);
		strlist_free(&redirects);
		strlist_free(&exps);
	}

	len = 0;
	for (i = 0; i < terms.n; i++)
		len += strlen(terms.v[i]) + 1;
	*out = xmalloc(len);
	(*out)[0] = '\0';
	for (i = 0; i < terms.n; i++) {
		if (i > 0)
			strcat(*out, " ");
		strcat(*out, terms.v[i]);
	}
	strlist_free(&terms);
	if (notes != NULL) {
		if (open_all)
			strlist_addf(notes, "the record's all term has no \"-\", \"~\" or \"?\": "
			    "it lets every address on the Internet send as the domain");
		if (strlen(*out) > 255)
			strlist_addf(notes, "the record is %zu bytes long: a DNS string holds at "
			    "most 255, so publish it as several quoted strings", strlen(*out));
	}
	return (0);
}
