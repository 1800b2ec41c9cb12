/* probe-smtp-matrix.c: every candidate server on every mail port at once, judged as a whole. */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "matrix-verdict.h"
#include "net.h"
#include "probe.h"
#include "sanitize.h"
#include "smtp-check.h"
#include "util.h"

#define MATRIX_DEFAULT_PORTS	"25 465 587 2525"
#define MATRIX_MAX_HOSTS	8	/* candidate servers tried; more are left out */
#define MATRIX_MAX_PORTS	8	/* from the ports list, beside the user's own port */
#define MATRIX_MAX_REFS		4	/* reference hosts compared with */
#define MATRIX_MAX_PER_FAMILY	2	/* addresses of one server tried per family */
/*
 * Cells at the same time: every cell of the largest table, since each waits on its own
 * connects and a silent one must not hold up another behind it (one timeout per table).
 */
#define MATRIX_MAX_THREADS	((MATRIX_MAX_HOSTS + MATRIX_MAX_REFS) * (MATRIX_MAX_PORTS + 1))
#define MATRIX_MAX_NAME		253	/* RFC 1035 2.3.4, as text */

/* One server: a candidate, or a reference host. */
struct matrix_row {
	const char		*name;
	int			 reference;
	int			 user;		/* the user's own server */
	struct sockaddr_storage	 addrs[2 * MATRIX_MAX_PER_FAMILY];
	size_t			 naddrs;
	char			*why;		/* no address: why, in plain words */
};

/* One cell: what the table needs, and what was done to fill it. */
struct matrix_slot {
	struct matrix_cell	 cell;
	const struct matrix_row	*row;
	struct net_target	*targets;		/* the whole table's attempts */
	size_t			 first, ntargets;	/* its connect attempts */
	int			 talked;		/* a dialogue ran (or was tried) */
	enum net_status		 connect;		/* the best of them */
	int			 connect_err;
	char			 address[64];		/* the address that connected */
	int			 mixed;			/* its addresses disagreed */
	int			 costly_retry;		/* TLS after a silent greeting */
	int			 retried;		/* the other mode was tried and kept */
	enum smtp_security	 first_security;
	struct smtp_check_result result;
	char			*cause;			/* why it could not be run */
};

struct matrix_pool {
	pthread_mutex_t		 lock;
	struct matrix_slot	**todo;
	size_t			 ntodo, next;
	const struct probe_env	*env;
};

static int	 probe_smtp_matrix_run(const struct probe_env *, const struct probe_param *,
		     size_t, struct probe_result *, char **);
static int	 matrix_port_parse(const char *, int *);
static int	 matrix_ports(const char *, int, int *, size_t *, char **);
static int	 matrix_security_parse(const char *, int *, enum smtp_security *, char **);
static int	 matrix_hosts(const char *, char ***, size_t *, int *, size_t *, char **);
static int	 matrix_addresses(const char *, struct matrix_row *, char **);
static void	 matrix_pick_addrs(struct matrix_row *, const struct sockaddr_storage *, size_t);
static int	 matrix_cancelled(const struct probe_env *);
static void	 matrix_dialogue(const struct probe_env *, struct matrix_slot *);
static int	 matrix_connect(const struct probe_env *, struct matrix_slot *);
static void	*matrix_worker(void *);
static void	 matrix_run_dialogues(const struct probe_env *, struct matrix_slot **, size_t);
static char	*matrix_key(const char *, int);
static char	*matrix_cell_text(const struct matrix_slot *);
static char	*matrix_detail(const struct matrix_slot *, int);
static int	 matrix_seconds(int);
static void	 matrix_progress(const struct probe_env *, const char *, ...) PRINTFLIKE(2, 3);

static const struct probe_param_spec probe_smtp_matrix_params[] = {
	{ "hosts", 1, "the candidate outgoing servers, space-separated; the first is the "
	    "user's own (\"dontknow\" when there is none)" },
	{ "addresses", 0, "the first server's addresses from an earlier lookup "
	    "(space-separated); looked up again when absent" },
	{ "ports", 0, "the ports to try on every server (default \"" MATRIX_DEFAULT_PORTS "\")" },
	{ "user-port", 0, "the port the mail program uses" },
	{ "user-security", 0, "the encryption the mail program uses: none, starttls or tls" },
	{ "first-role", 0, "how the evidence names the first server (default \"your server\")" },
	{ NULL, 0, NULL }
};

const struct probe probe_smtp_matrix = {
	.name = "smtp-matrix",
	.summary = "greets every candidate server on every mail port at once (no login) and "
	    "judges the whole pattern: which server, port and encryption work",
	.params = probe_smtp_matrix_params,
	.outcomes = matrix_outcome_names,
	.run = probe_smtp_matrix_run
};

static int
matrix_seconds(int timeout_ms)
{
	return (timeout_ms <= 0 ? 1 : (timeout_ms + 999) / 1000);
}

static int
matrix_cancelled(const struct probe_env *env)
{
	return (env->cancel != NULL && *env->cancel != 0);
}

static void
matrix_progress(const struct probe_env *env, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (env->progress == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	env->progress(env->progress_arg, s);
	free(s);
}

/* Digits only, 1-65535. */
static int
matrix_port_parse(const char *s, int *port)
{
	size_t	 len = strlen(s), i;
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

/* The ports of the list without duplicates, then the user's port when it is not among them. */
static int
matrix_ports(const char *list, int user_port, int *ports, size_t *nports, char **cause)
{
	char	*copy, *word, *last;
	size_t	 i;
	int	 p, dup;

	*nports = 0;
	copy = xstrdup(list);
	for (word = strtok_r(copy, " \t,", &last); word != NULL;
	    word = strtok_r(NULL, " \t,", &last)) {
		if (matrix_port_parse(word, &p) != 0) {
			word = sanitize_str(word);
			xasprintf(cause, "ports: \"%s\" is not a port number from 1 to 65535",
			    word);
			free(word);
			free(copy);
			return (-1);
		}
		for (dup = 0, i = 0; i < *nports; i++)
			dup |= ports[i] == p;
		if (dup)
			continue;
		if (*nports == MATRIX_MAX_PORTS) {
			xasprintf(cause, "ports: more than %d ports", MATRIX_MAX_PORTS);
			free(copy);
			return (-1);
		}
		ports[(*nports)++] = p;
	}
	free(copy);
	if (*nports == 0) {
		xasprintf(cause, "ports: no port to try");
		return (-1);
	}
	if (user_port > 0) {
		for (dup = 0, i = 0; i < *nports; i++)
			dup |= ports[i] == user_port;
		if (!dup)
			ports[(*nports)++] = user_port;
	}
	return (0);
}

static int
matrix_security_parse(const char *s, int *known, enum smtp_security *out, char **cause)
{
	char	*safe;

	*known = 0;
	*out = SMTP_SECURITY_STARTTLS;
	if (s == NULL || strcmp(s, "dontknow") == 0)
		return (0);
	*known = 1;
	if (strcmp(s, "none") == 0)
		*out = SMTP_SECURITY_NONE;
	else if (strcmp(s, "starttls") == 0)
		*out = SMTP_SECURITY_STARTTLS;
	else if (strcmp(s, "tls") == 0 || strcasecmp(s, "ssl") == 0)
		*out = SMTP_SECURITY_TLS;
	else {
		safe = sanitize_str(s);
		xasprintf(cause, "user-security must be none, starttls or tls, not \"%s\"", safe);
		free(safe);
		return (-1);
	}
	return (0);
}

/*
 * The candidate names: the words of list, without repeats (in any case) and without
 * "dontknow"; *user is 1 when the first word names the user's own server. Names past
 * MATRIX_MAX_HOSTS are counted in *left_out. A word that cannot be a host name (controls,
 * quotes, slashes, too long) is an error: the tree passed something else.
 */
static int
matrix_hosts(const char *list, char ***hosts, size_t *nhosts, int *user, size_t *left_out,
    char **cause)
{
	char	*copy, *word, *last, *safe;
	size_t	 i, len, nword = 0;
	int	 dup;

	*hosts = xcalloc(MATRIX_MAX_HOSTS + 1, sizeof **hosts);
	*nhosts = 0;
	*user = 0;
	*left_out = 0;
	copy = xstrdup(list);
	for (word = strtok_r(copy, " \t\r\n", &last); word != NULL;
	    word = strtok_r(NULL, " \t\r\n", &last), nword++) {
		if (strcmp(word, "dontknow") == 0)
			continue;
		len = strlen(word);
		for (i = 0; i < len; i++) {
			if ((unsigned char)word[i] <= 0x20 || (unsigned char)word[i] >= 0x7f ||
			    strchr("\"'\\/,;", word[i]) != NULL)
				break;
		}
		if (i < len || len > MATRIX_MAX_NAME) {
			safe = sanitize_text(word, len > 64 ? 64 : len);
			xasprintf(cause, "hosts: \"%s\" is not a host name", safe);
			free(safe);
			free(copy);
			return (-1);
		}
		for (dup = 0, i = 0; i < *nhosts; i++)
			dup |= strcasecmp((*hosts)[i], word) == 0;
		if (dup)
			continue;
		if (*nhosts == MATRIX_MAX_HOSTS) {
			(*left_out)++;
			continue;
		}
		if (nword == 0)
			*user = 1;
		(*hosts)[(*nhosts)++] = xstrdup(word);
	}
	free(copy);
	if (*nhosts == 0) {
		xasprintf(cause, "no outgoing server to try");
		return (-1);
	}
	return (0);
}

/*
 * Up to MATRIX_MAX_PER_FAMILY addresses of each family, in their order: enough to see one
 * family fail beside the other, without a socket per address of a big pool.
 */
static void
matrix_pick_addrs(struct matrix_row *row, const struct sockaddr_storage *in, size_t n)
{
	size_t	 i, v4 = 0, v6 = 0;

	row->naddrs = 0;
	for (i = 0; i < n; i++) {
		if (in[i].ss_family == AF_INET && v4 < MATRIX_MAX_PER_FAMILY) {
			row->addrs[row->naddrs++] = in[i];
			v4++;
		} else if (in[i].ss_family == AF_INET6 && v6 < MATRIX_MAX_PER_FAMILY) {
			row->addrs[row->naddrs++] = in[i];
			v6++;
		}
	}
}

/* The first server's addresses, given by an earlier lookup. */
static int
matrix_addresses(const char *list, struct matrix_row *row, char **cause)
{
	struct sockaddr_storage	*addrs = NULL;
	char			*copy, *word, *last;
	size_t			 n = 0;

	copy = xstrdup(list);
	for (word = strtok_r(copy, " \t,", &last); word != NULL;
	    word = strtok_r(NULL, " \t,", &last)) {
		addrs = xreallocarray(addrs, n + 1, sizeof *addrs);
		if (net_addr_parse(word, &addrs[n]) != 0) {
			word = sanitize_str(word);
			xasprintf(cause, "addresses: \"%s\" is not an IP address", word);
			free(word);
			free(addrs);
			free(copy);
			return (-1);
		}
		n++;
	}
	free(copy);
	matrix_pick_addrs(row, addrs, n);
	free(addrs);
	if (row->naddrs == 0)
		row->why = xstrdup("the addresses given are neither IPv4 nor IPv6");
	return (0);
}

/*
 * Connects to every address of the cell at once and keeps the best outcome. Returns 1 when
 * the cell is to have a dialogue (a candidate server's port that connected), 0 when its
 * class is known already.
 */
static int
matrix_connect(const struct probe_env *env, struct matrix_slot *s)
{
	struct net_target	*t = s->targets + s->first;
	const struct net_target	*won = NULL;
	size_t			 k;

	net_connect_many(t, s->ntargets, env->timeout_ms, env->cancel);
	s->connect = NET_PENDING;
	for (k = 0; k < s->ntargets; k++) {
		if (k > 0 && t[k].status != t[0].status)
			s->mixed = 1;
		if (net_status_rank(t[k].status) > net_status_rank(s->connect)) {
			s->connect = t[k].status;
			s->connect_err = t[k].err;
		}
		if (won == NULL && t[k].status == NET_CONNECTED)
			won = &t[k];
	}
	if (won == NULL) {
		s->result.connect = s->connect;
		s->result.connect_errno = s->connect_err;
		s->cell.class = matrix_cell_classify(&s->result);
		return (0);
	}
	if (s->cell.reference) {
		s->cell.class = MATRIX_OPEN;
		return (0);
	}
	net_addr_ntop(&won->addr, s->address, sizeof s->address);
	return (1);
}

/*
 * One cell: its connects, then its dialogue on the address that connected: greeting, EHLO
 * and encryption, never a login or an envelope. Runs in a worker thread; touches only its
 * own slot.
 */
static void
matrix_dialogue(const struct probe_env *env, struct matrix_slot *s)
{
	struct smtp_check_config	 cfg, alt;
	struct smtp_check_result	 again;
	enum smtp_security		 other;
	enum matrix_class		 first, second;
	char				*cause = NULL;
	int				 kind, again_rc = -1, again_ran = 0;

	/*
	 * The cell's own connects first, each cell on its own thread: a cell whose port
	 * answers goes on to its dialogue at once, while a silent port elsewhere in the table
	 * is still being waited for (all cells wait at the same time, so a port dropped
	 * everywhere still costs one timeout).
	 */
	if (!matrix_connect(env, s))
		return;
	s->talked = 1;
	memset(&cfg, 0, sizeof cfg);
	cfg.host = s->row->name;
	cfg.addresses = s->address;
	cfg.resolver = env->resolver;
	cfg.port = s->cell.port;
	cfg.security = s->cell.security;
	cfg.cafile = env->cafile;
	cfg.timeout_ms = env->timeout_ms;
	cfg.cancel = env->cancel;
	s->first_security = s->cell.security;
	smtp_check_result_init(&again);
	if (s->costly_retry && cfg.security != SMTP_SECURITY_TLS) {
		/*
		 * A cell the user's settings point at: a greeting that does not come within
		 * a second starts the implicit-TLS try beside it, so a mute port costs one
		 * timeout here too, not two in a row (smtp_check_run_pair).
		 */
		alt = cfg;
		alt.security = SMTP_SECURITY_TLS;
		if (smtp_check_run_pair(&cfg, &s->result, &s->cause, &alt, &again, &again_rc,
		    &again_ran) != 0) {
			smtp_check_result_free(&again);
			return;
		}
	} else if (smtp_check_run(&cfg, &s->result, &s->cause) != 0)
		return;
	first = matrix_cell_classify(&s->result);

	kind = matrix_cell_retry(&s->result, cfg.security, &other);
	if (kind == 0 || (kind == 2 && !s->costly_retry) || matrix_cancelled(env)) {
		smtp_check_result_free(&again);
		return;
	}
	cfg.security = other;
	if (again_ran && other == SMTP_SECURITY_TLS) {
		if (again_rc != 0) {
			smtp_check_result_free(&again);
			return;
		}
	} else {
		smtp_check_result_free(&again);
		smtp_check_result_init(&again);
		if (smtp_check_run(&cfg, &again, &cause) != 0) {
			free(cause);
			smtp_check_result_free(&again);
			return;
		}
	}
	/* The second try stands only when it got further than the first. */
	second = matrix_cell_classify(&again);
	if (second > first && second != MATRIX_OPEN) {
		smtp_check_result_free(&s->result);
		s->result = again;
		s->cell.security = other;
		s->retried = 1;
	} else
		smtp_check_result_free(&again);
}

static void *
matrix_worker(void *arg)
{
	struct matrix_pool	*pool = arg;
	struct matrix_slot	*s;

	for (;;) {
		pthread_mutex_lock(&pool->lock);
		s = pool->next < pool->ntodo ? pool->todo[pool->next++] : NULL;
		pthread_mutex_unlock(&pool->lock);
		if (s == NULL)
			break;
		matrix_dialogue(pool->env, s);
	}
	return (NULL);
}

/*
 * Every dialogue at once, up to MATRIX_MAX_THREADS at a time: a silent greeting costs one
 * timeout for the whole table, not one per cell. When no thread can be started the
 * dialogues run here, one after another.
 */
static void
matrix_run_dialogues(const struct probe_env *env, struct matrix_slot **todo, size_t n)
{
	struct matrix_pool	 pool;
	pthread_t		 threads[MATRIX_MAX_THREADS];
	size_t			 nthreads = 0, want, i;

	if (n == 0)
		return;
	memset(&pool, 0, sizeof pool);
	if (pthread_mutex_init(&pool.lock, NULL) != 0)
		fatalx("%s: pthread_mutex_init", __func__);
	pool.todo = todo;
	pool.ntodo = n;
	pool.env = env;
	want = n < MATRIX_MAX_THREADS ? n : MATRIX_MAX_THREADS;
	for (i = 0; i < want; i++) {
		if (pthread_create(&threads[nthreads], NULL, matrix_worker, &pool) != 0)
			break;
		nthreads++;
	}
	if (nthreads == 0)
		matrix_worker(&pool);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&pool.lock);
}

/*
 * "cell.HOST.PORT": the host in lower case, without the brackets of an IPv6 literal or a
 * final dot, and every character a tree reference cannot hold (":", "%") as "-":
 * "cell.smtp.example.com.587", "cell.2001-db8--10.465".
 */
static char *
matrix_key(const char *host, int port)
{
	char	*key, *p;
	size_t	 len;

	len = strlen(host);
	if (len > 2 && host[0] == '[' && host[len - 1] == ']')
		xasprintf(&key, "cell.%.*s", (int)(len - 2), host + 1);
	else
		xasprintf(&key, "cell.%s", host);
	len = strlen(key);
	if (len > 5 && key[len - 1] == '.')
		key[--len] = '\0';
	for (p = key + 5; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = *p - 'A' + 'a';
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.'))
			*p = '-';
	}
	xasprintf(&p, "%s.%d", key, port);
	free(key);
	return (p);
}

/* One cell in the table: "587 works (STARTTLS)", "25 silent". */
static char *
matrix_cell_text(const struct matrix_slot *s)
{
	char	*t;

	if (s->cell.class == MATRIX_WORKS)
		xasprintf(&t, "%d works (%s%s)", s->cell.port,
		    matrix_security_words(s->cell.security),
		    s->cell.verified ? "" : ", certificate not verified");
	else if (s->cell.class == MATRIX_TLS_ALERT || s->cell.class == MATRIX_GREETING)
		xasprintf(&t, "%d %s (%s tried)", s->cell.port,
		    matrix_class_words(s->cell.class), matrix_security_words(s->cell.security));
	else
		xasprintf(&t, "%d %s", s->cell.port, matrix_class_words(s->cell.class));
	return (t);
}

/* What one cell showed, in a sentence of our words with the server's kept in quotes. */
static char *
matrix_detail(const struct matrix_slot *s, int timeout_ms)
{
	const struct smtp_session_result	*ss = &s->result.session;
	const struct tls_info			*ti = &ss->tls_info;
	char					*t, *more;
	int					 secs = matrix_seconds(timeout_ms);

	if (s->cause != NULL) {
		xasprintf(&t, "it could not be tested: %s", s->cause);
		return (t);
	}
	switch (s->cell.class) {
	case MATRIX_NO_ADDRESS:
		return (xstrdup(s->row->why != NULL ? s->row->why : "it has no address"));
	case MATRIX_REFUSED:
		if (s->connect == NET_PROHIBITED)
			return (xstrdup("a firewall forbids the connection"));
		if (s->connect == NET_UNREACHABLE)
			return (xstrdup("the server cannot be reached (no route)"));
		if (s->connect == NET_ERROR)
			return (xstrdup("the connection could not be attempted"));
		return (xstrdup("the connection was refused (nothing listens there, or a "
		    "firewall turns it away)"));
	case MATRIX_SILENT:
		xasprintf(&t, "no answer to the connection within %d second%s (the packets "
		    "seem to be dropped)", secs, secs == 1 ? "" : "s");
		return (t);
	case MATRIX_OPEN:
		return (xstrdup("it accepts connections"));
	default:
		break;
	}
	if (ss->greeting.code != 0 && ss->greeting.lines.n > 0)
		xasprintf(&t, "at %s it greeted \"%d %s\"", s->result.address, ss->greeting.code,
		    ss->greeting.lines.v[0]);
	else
		xasprintf(&t, "at %s", s->result.address);
	if (ss->tls) {
		xasprintf(&more, "%s; %s: %s, %s, certificate: %s", t,
		    matrix_security_words(s->cell.security),
		    ti->protocol != NULL ? ti->protocol : "?",
		    ti->cipher != NULL ? ti->cipher : "?",
		    ti->verify_words != NULL ? ti->verify_words : tls_verdict_name(ti->verdict));
		free(t);
		t = more;
	}
	if (ss->detail != NULL && ss->failure != SMTP_FAIL_TLS_UNVERIFIED) {
		xasprintf(&more, "%s; %s", t, ss->detail);
		free(t);
		t = more;
	}
	return (t);
}

static int
probe_smtp_matrix_run(const struct probe_env *env, const struct probe_param *params,
    size_t nparams, struct probe_result *r, char **cause)
{
	struct dns_config	 cfg;
	struct matrix_row	*rows = NULL;
	struct matrix_slot	*slots = NULL, **todo = NULL;
	struct matrix_cell	*cells = NULL;
	struct matrix_user	 user;
	struct matrix_verdict	 verdict;
	struct net_target	*targets = NULL;
	struct dns_host		*looked = NULL;
	const struct matrix_slot *b, *u;
	const char		*value, **names = NULL, **rownames = NULL;
	char			**hosts = NULL, **causes = NULL, *s, *tmp, *key, *line;
	char			*pattern = NULL, *first_role = NULL;
	char			 abuf[64];
	int			 ports[MATRIX_MAX_PORTS + 1], *rc = NULL, user_port = 0;
	int			 has_user, user_known, ret = -1, same;
	enum smtp_security	 user_security;
	size_t			 nports, nhosts = 0, nrows = 0, nslots = 0, nnames = 0;
	size_t			 nt = 0, ntodo = 0, left_out, i, j, k, *slot_of_name = NULL;
	long long		 start = mono_ms();

	/* The parameters. */
	if ((value = probe_param_get(params, nparams, "hosts")) == NULL) {
		xasprintf(cause, "no outgoing server to try");
		return (-1);
	}
	if (matrix_hosts(value, &hosts, &nhosts, &has_user, &left_out, cause) != 0)
		goto out;
	if ((value = probe_param_get(params, nparams, "user-port")) != NULL &&
	    strcmp(value, "dontknow") != 0 && matrix_port_parse(value, &user_port) != 0) {
		s = sanitize_str(value);
		xasprintf(cause, "user-port \"%s\" is not a number from 1 to 65535", s);
		free(s);
		goto out;
	}
	if (matrix_security_parse(probe_param_get(params, nparams, "user-security"),
	    &user_known, &user_security, cause) != 0)
		goto out;
	/* The tree's words for the first server: "your server", "the provider's server". */
	value = probe_param_get(params, nparams, "first-role");
	s = sanitize_str(value != NULL ? value : "your server");
	xasprintf(&first_role, " (%s)", s);
	free(s);
	if ((value = probe_param_get(params, nparams, "ports")) == NULL)
		value = MATRIX_DEFAULT_PORTS;
	if (matrix_ports(value, has_user ? user_port : 0, ports, &nports, cause) != 0)
		goto out;

	/* The rows: the candidates, then the reference hosts that are not candidates. */
	rows = xcalloc(nhosts + MATRIX_MAX_REFS, sizeof *rows);
	for (i = 0; i < nhosts; i++) {
		rows[nrows].name = hosts[i];
		rows[nrows].user = has_user && i == 0;
		nrows++;
	}
	for (i = 0; i < env->nrefhosts && nrows < nhosts + MATRIX_MAX_REFS; i++) {
		const struct probe_refhost	*rh = &env->refhosts[i];

		if (rh->host == NULL)
			continue;
		for (same = 0, j = 0; j < nrows; j++)
			same |= strcasecmp(rows[j].name, rh->host) == 0;
		if (same)
			continue;
		rows[nrows].name = rh->host;
		rows[nrows].reference = 1;
		nrows++;
	}
	if (has_user && (value = probe_param_get(params, nparams, "addresses")) != NULL &&
	    matrix_addresses(value, &rows[0], cause) != 0)
		goto out;

	/* Every name at once (the first server's only when no addresses were given). */
	names = xcalloc(nrows + 1, sizeof *names);
	slot_of_name = xcalloc(nrows + 1, sizeof *slot_of_name);
	for (i = 0; i < nrows; i++) {
		if (rows[i].naddrs > 0 || rows[i].why != NULL)
			continue;
		slot_of_name[nnames] = i;
		names[nnames++] = rows[i].name;
	}
	if (nnames > 0)
		matrix_progress(env, "looking up %zu server%s", nnames, nnames == 1 ? "" : "s");
	cfg.resolver = env->resolver;
	cfg.timeout_ms = env->timeout_ms;
	looked = xcalloc(nnames + 1, sizeof *looked);
	rc = xcalloc(nnames + 1, sizeof *rc);
	causes = xcalloc(nnames + 1, sizeof *causes);
	if (nnames > 0)
		dns_resolve_many(&cfg, names, nnames, looked, rc, causes);
	for (k = 0; k < nnames; k++) {
		struct matrix_row	*row = &rows[slot_of_name[k]];

		if (rc[k] != 0) {
			row->why = causes[k];
			causes[k] = NULL;
			continue;
		}
		matrix_pick_addrs(row, looked[k].addrs, looked[k].naddrs);
		if (row->naddrs == 0)
			xasprintf(&row->why, "the name gives no address: %s",
			    dns_status_words(looked[k].status));
	}
	if (matrix_cancelled(env)) {
		xasprintf(cause, "cancelled");
		goto out;
	}

	/* The cells, and a connect attempt to every address of each, all in one round. */
	slots = xcalloc(nrows * nports + 1, sizeof *slots);
	targets = xcalloc(nrows * nports * 2 * MATRIX_MAX_PER_FAMILY + 1, sizeof *targets);
	for (i = 0; i < nrows; i++) {
		const struct matrix_row	*row = &rows[i];

		for (j = 0; j < nports; j++) {
			struct matrix_slot	*sl;
			int			 known = 0;

			/* A reference is compared only on the ports it is known to answer on. */
			if (row->reference) {
				for (k = 0; k < env->nrefhosts; k++) {
					const struct probe_refhost *rh = &env->refhosts[k];
					size_t			    m;

					if (rh->host == NULL ||
					    strcasecmp(rh->host, row->name) != 0)
						continue;
					for (m = 0; m < rh->nports; m++)
						known |= rh->ports[m] == ports[j];
				}
				if (!known)
					continue;
			}
			sl = &slots[nslots++];
			smtp_check_result_init(&sl->result);
			sl->row = row;
			sl->cell.host = i;
			sl->cell.port = ports[j];
			sl->cell.reference = row->reference;
			/*
			 * RFC 8314 3.3: 465 is TLS from the first byte; 25, 587 and 2525 start in
			 * clear and switch with STARTTLS (RFC 3207). Another port of the user's
			 * own is tried the way the user has it.
			 */
			if (ports[j] == 465 || (row->user && ports[j] == user_port &&
			    user_known && user_security == SMTP_SECURITY_TLS && ports[j] != 25 &&
			    ports[j] != 587 && ports[j] != 2525))
				sl->cell.security = SMTP_SECURITY_TLS;
			else
				sl->cell.security = SMTP_SECURITY_STARTTLS;
			/*
			 * The user's own port silent in clear may wait for a ClientHello (TLS
			 * from the first byte on 587): worth one more timeout, for that cell only.
			 */
			sl->costly_retry = row->user && ports[j] == user_port;
			sl->first = nt;
			sl->targets = targets;
			for (k = 0; k < row->naddrs; k++) {
				struct net_target	*t = &targets[nt++];

				memset(t, 0, sizeof *t);
				t->addr = row->addrs[k];
				net_addr_set_port(&t->addr, ports[j]);
				t->addrlen = net_addr_len(&t->addr);
			}
			sl->ntargets = nt - sl->first;
		}
	}
	s = xstrdup("");
	for (j = 0; j < nports; j++) {
		xasprintf(&tmp, "%s%s%d", s, j == 0 ? "" : " ", ports[j]);
		free(s);
		s = tmp;
	}
	matrix_progress(env, "connecting to %zu server%s on ports %s", nrows,
	    nrows == 1 ? "" : "s", s);
	xasprintf(&r->target, "%s%s, ports %s", hosts[0], nhosts > 1 ? " and other servers" :
	    "", s);
	free(s);
	/* Every cell with an address at once: its connects, then its dialogue (matrix_dialogue). */
	todo = xcalloc(nslots + 1, sizeof *todo);
	for (i = 0; i < nslots; i++) {
		struct matrix_slot	*sl = &slots[i];

		if (sl->ntargets == 0) {
			sl->result.no_address = 1;
			sl->cell.class = MATRIX_NO_ADDRESS;
			continue;
		}
		todo[ntodo++] = sl;
	}
	matrix_run_dialogues(env, todo, ntodo);
	if (matrix_cancelled(env)) {
		xasprintf(cause, "cancelled");
		goto out;
	}
	for (i = 0; i < ntodo; i++) {
		struct matrix_slot	*sl = todo[i];

		if (!sl->talked)
			continue;	/* classified by its connects */
		if (sl->cause != NULL) {
			sl->cell.class = MATRIX_NO_GREETING;
			continue;
		}
		sl->cell.class = matrix_cell_classify(&sl->result);
		sl->cell.verified = sl->cell.class == MATRIX_WORKS &&
		    sl->result.session.tls_info.verdict == TLS_VERIFIED;
	}

	/* The verdict over the whole table. */
	cells = xcalloc(nslots + 1, sizeof *cells);
	for (i = 0; i < nslots; i++)
		cells[i] = slots[i].cell;
	user.host = has_user ? 0 : -1;
	user.port = has_user ? user_port : 0;
	user.security_known = user_known;
	user.security = user_security;
	matrix_verdict_judge(cells, nslots, &user, &verdict);
	r->outcome = matrix_outcome_name(verdict.outcome);
	b = verdict.best >= 0 ? &slots[verdict.best] : NULL;
	u = verdict.user_cell >= 0 ? &slots[verdict.user_cell] : NULL;

	/* Facts. */
	for (i = 0; i < nslots; i++) {
		key = matrix_key(slots[i].row->name, slots[i].cell.port);
		probe_result_fact(r, key, "%s", matrix_class_name(slots[i].cell.class));
		free(key);
	}
	if (b != NULL) {
		probe_result_fact(r, "working", "%s %d %s", b->row->name, b->cell.port,
		    smtp_security_name(b->cell.security));
		probe_result_fact(r, "working-host", "%s", b->row->name);
		probe_result_fact(r, "working-port", "%d", b->cell.port);
		probe_result_fact(r, "working-security", "%s",
		    smtp_security_name(b->cell.security));
		probe_result_fact(r, "working-security-words", "%s",
		    matrix_security_words(b->cell.security));
		probe_result_fact(r, "working-verified", "%s", b->cell.verified ? "yes" : "no");
	} else {
		probe_result_fact(r, "working", "%s", "");
		probe_result_fact(r, "working-host", "%s", "");
		probe_result_fact(r, "working-port", "%s", "");
		probe_result_fact(r, "working-security", "%s", "");
		probe_result_fact(r, "working-security-words", "%s", "");
		probe_result_fact(r, "working-verified", "%s", "");
	}
	rownames = xcalloc(nrows + 1, sizeof *rownames);
	for (i = 0; i < nrows; i++)
		rownames[i] = rows[i].name;
	pattern = matrix_verdict_pattern(cells, nslots, rownames, nrows, &user, &verdict);
	probe_result_fact(r, "pattern", "%s", pattern);
	probe_result_fact(r, "user-host", "%s", has_user ? hosts[0] : "");
	probe_result_fact(r, "user-port", "%d", has_user ? user_port : 0);
	probe_result_fact(r, "user-cell", "%s", u != NULL ?
	    matrix_class_name(u->cell.class) : "untested");
	tmp = xstrdup("");
	for (i = 0; i < nhosts; i++) {
		xasprintf(&line, "%s%s%s", tmp, i == 0 ? "" : " ", hosts[i]);
		free(tmp);
		tmp = line;
	}
	probe_result_fact(r, "hosts", "%s", tmp);
	free(tmp);
	tmp = xstrdup("");
	for (i = nhosts; i < nrows; i++) {
		xasprintf(&line, "%s%s%s", tmp, i == nhosts ? "" : " ", rows[i].name);
		free(tmp);
		tmp = line;
	}
	probe_result_fact(r, "reference-hosts", "%s", tmp);
	free(tmp);
	probe_result_fact(r, "timeout-s", "%d", matrix_seconds(env->timeout_ms));

	/* Evidence: the table, one line per server, then the cells that matter most. */
	for (i = 0; i < nrows; i++) {
		const char	*role = rows[i].user ? first_role :
			    rows[i].reference ? " (reference host)" : "";

		if (rows[i].naddrs == 0) {
			probe_result_evidence(r, "%s%s: no address (%s)", rows[i].name, role,
			    rows[i].why != NULL ? rows[i].why : "none given");
			continue;
		}
		line = NULL;
		for (k = 0; k < nslots; k++) {
			if (slots[k].row != &rows[i])
				continue;
			tmp = matrix_cell_text(&slots[k]);
			if (line == NULL)
				line = tmp;
			else {
				xasprintf(&s, "%s, %s", line, tmp);
				free(line);
				free(tmp);
				line = s;
			}
		}
		if (line != NULL)
			probe_result_evidence(r, "%s%s: %s", rows[i].name, role, line);
		free(line);
	}
	for (k = 0; k < nslots; k++) {
		const struct matrix_slot	*sl = &slots[k];

		if (sl->retried && sl->first_security == SMTP_SECURITY_TLS)
			probe_result_evidence(r, "Port %d of %s answered in plain text, not TLS; "
			    "it was tried again with STARTTLS.", sl->cell.port, sl->row->name);
		else if (sl->retried)
			probe_result_evidence(r, "Port %d of %s gave no greeting in plain text; "
			    "it was tried again with SSL/TLS.", sl->cell.port, sl->row->name);
		if (sl->mixed && !sl->cell.reference && (sl == u || sl == b))
			for (j = sl->first; j < sl->first + sl->ntargets; j++)
				probe_result_evidence(r, "Port %d of %s at %s: %s.", sl->cell.port,
				    sl->row->name, net_addr_ntop(&targets[j].addr, abuf,
				    sizeof abuf), net_status_words(targets[j].status));
	}
	if (u != NULL) {
		tmp = matrix_detail(u, env->timeout_ms);
		probe_result_evidence(r, "Your setting, %s port %d: %s.", u->row->name,
		    u->cell.port, tmp);
		free(tmp);
	}
	if (b != NULL && b != u) {
		tmp = matrix_detail(b, env->timeout_ms);
		probe_result_evidence(r, "What works, %s port %d with %s: %s.", b->row->name,
		    b->cell.port, matrix_security_words(b->cell.security), tmp);
		free(tmp);
	}
	if (left_out > 0)
		probe_result_evidence(r, "%zu more server name%s left out: at most %d are "
		    "tried.", left_out, left_out == 1 ? " was" : "s were", MATRIX_MAX_HOSTS);
	r->elapsed_ms = mono_ms() - start;
	probe_result_evidence(r, "All %zu combinations were tried at the same time, in %.1f "
	    "seconds (each step may take up to %d seconds).", nslots,
	    (double)r->elapsed_ms / 1000.0, matrix_seconds(env->timeout_ms));
	probe_result_evidence(r, "In short: %s.", pattern);

	/* The transcript of the user's own cell, and of the one that works. */
	for (k = 0; k < 2; k++) {
		const struct matrix_slot	*sl = k == 0 ? u : b;

		if (sl == NULL || (k == 1 && sl == u) || sl->result.session.transcript.n == 0)
			continue;
		strlist_addf(&r->transcript, "-- %s port %d with %s --", sl->row->name,
		    sl->cell.port, matrix_security_words(sl->cell.security));
		for (i = 0; i < sl->result.session.transcript.n; i++)
			strlist_add(&r->transcript, sl->result.session.transcript.v[i]);
	}
	ret = 0;

out:
	free(first_role);
	r->elapsed_ms = mono_ms() - start;
	if (ret == 0)
		probe_result_fact(r, "elapsed-ms", "%lld", r->elapsed_ms);
	for (i = 0; i < nslots; i++) {
		smtp_check_result_free(&slots[i].result);
		free(slots[i].cause);
	}
	for (k = 0; k < nnames; k++) {
		free(causes[k]);
		if (rc[k] == 0)
			dns_host_free(&looked[k]);
	}
	for (i = 0; i < nrows; i++)
		free(rows[i].why);
	if (hosts != NULL) {
		for (i = 0; i < nhosts; i++)
			free(hosts[i]);
	}
	free(hosts);
	free(causes);
	free(rc);
	free(looked);
	free(names);
	free(slot_of_name);
	free(rownames);
	free(pattern);
	free(cells);
	free(todo);
	free(targets);
	free(slots);
	free(rows);
	return (ret);
}
