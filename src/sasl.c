/* sasl.c: the client side of SMTP AUTH (RFC 4954): PLAIN, LOGIN and CRAM-MD5. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "sasl.h"
#include "util.h"

/* RFC 2195 2: HMAC-MD5 gives 16 bytes, sent as 32 lower-case hex digits. */
#define SASL_MD5_LEN	16

#define SASL_PLAIN_PREFIX	"AUTH PLAIN "

struct sasl {
	enum sasl_mech	 mech;
	char		*user;		/* wiped on free */
	char		*password;	/* wiped on free */
	int		 rounds;	/* challenges answered */
	int		 over;		/* cancelled or finished: no more answers */
};

static const char *const sasl_mech_names[] = {
	[SASL_PLAIN] = "PLAIN",
	[SASL_LOGIN] = "LOGIN",
	[SASL_CRAM_MD5] = "CRAM-MD5",
};
_Static_assert(sizeof sasl_mech_names / sizeof sasl_mech_names[0] == SASL_MECH_COUNT,
    "sasl_mech_names does not match enum sasl_mech");

static const char *const sasl_step_names[] = {
	[SASL_STEP_OK] = "ok",
	[SASL_STEP_BAD_CHALLENGE] = "bad-challenge",
	[SASL_STEP_TOO_MANY_ROUNDS] = "too-many-rounds",
	[SASL_STEP_FAILED] = "failed",
};
_Static_assert(sizeof sasl_step_names / sizeof sasl_step_names[0] == SASL_STEP_COUNT,
    "sasl_step_names does not match enum sasl_step");

static int	 sasl_b64_valid(const char *, size_t);
static int	 sasl_b64_encode(const void *, size_t, char **);
static int	 sasl_b64_decode(const char *, size_t, unsigned char **, size_t *);
static enum sasl_step sasl_bad(struct sasl *, enum sasl_step, char **, const char *);
static enum sasl_step sasl_cram_md5(struct sasl *, const unsigned char *, size_t, char **,
		     char **);

const char *
sasl_mech_name(enum sasl_mech m)
{
	if ((unsigned int)m >= SASL_MECH_COUNT)
		fatalx("%s: mechanism %d", __func__, (int)m);
	return (sasl_mech_names[m]);
}

const char *
sasl_step_name(enum sasl_step s)
{
	if ((unsigned int)s >= SASL_STEP_COUNT)
		fatalx("%s: step %d", __func__, (int)s);
	return (sasl_step_names[s]);
}

int
sasl_new(enum sasl_mech mech, const char *user, const char *password, struct sasl **sp,
    char **cause)
{
	struct sasl	*s;

	*sp = NULL;
	if ((unsigned int)mech >= SASL_MECH_COUNT)
		fatalx("%s: mechanism %d", __func__, (int)mech);
	if (user == NULL || *user == '\0') {
		*cause = xstrdup("the user name is empty");
		return (-1);
	}
	if (strpbrk(user, "\r\n") != NULL) {
		*cause = xstrdup("the user name holds a line break");
		return (-1);
	}
	if (password == NULL || *password == '\0') {
		*cause = xstrdup("the password is empty");
		return (-1);
	}
	s = xcalloc(1, sizeof *s);
	s->mech = mech;
	s->user = xstrdup(user);
	s->password = xstrdup(password);
	*sp = s;
	return (0);
}

void
sasl_free(struct sasl *s)
{
	if (s == NULL)
		return;
	secret_free(s->user);
	secret_free(s->password);
	explicit_bzero(s, sizeof *s);
	free(s);
}

int
sasl_rounds(const struct sasl *s)
{
	return (s->rounds);
}

int
sasl_complete(const struct sasl *s)
{
	switch (s->mech) {
	case SASL_PLAIN:
		return (1);
	case SASL_LOGIN:
		return (s->rounds >= 2);
	case SASL_CRAM_MD5:
		return (s->rounds >= 1);
	default:
		fatalx("%s: mechanism %d", __func__, (int)s->mech);
	}
}

/*
 * Strict base64 (RFC 4648 4): a multiple of four characters from the alphabet, with "="
 * only as the last one or two. Checked here so that what GnuTLS decodes is well-formed
 * and nothing is silently skipped (hostile row 23: bad padding).
 */
static int
sasl_b64_valid(const char *p, size_t len)
{
	size_t	 i, pad = 0;
	char	 c;

	if (len % 4 != 0)
		return (0);
	for (i = 0; i < len; i++) {
		c = p[i];
		if (c == '=') {
			if (i < len - 2)
				return (0);
			pad++;
			continue;
		}
		if (pad > 0)
			return (0);	/* "=" followed by a letter */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/'))
			return (0);
	}
	return (1);
}

/* Base64 of buf into a new string (secret_free it). The GnuTLS copy is wiped before it goes. */
static int
sasl_b64_encode(const void *buf, size_t len, char **out)
{
	gnutls_datum_t	 in, res;

	*out = NULL;
	in.data = (unsigned char *)(uintptr_t)buf;
	in.size = (unsigned int)len;
	if (gnutls_base64_encode2(&in, &res) != 0)
		return (-1);
	*out = xstrndup((const char *)res.data, res.size);
	explicit_bzero(res.data, res.size);
	gnutls_free(res.data);
	return (0);
}

/* Decodes valid base64 into a new buffer (NUL-terminated for convenience; caller frees). */
static int
sasl_b64_decode(const char *p, size_t len, unsigned char **out, size_t *outlen)
{
	gnutls_datum_t	 in, res;

	*out = NULL;
	*outlen = 0;
	if (len == 0) {
		*out = xcalloc(1, 1);
		return (0);
	}
	in.data = (unsigned char *)(uintptr_t)p;
	in.size = (unsigned int)len;
	if (gnutls_base64_decode2(&in, &res) != 0)
		return (-1);
	*out = xmalloc((size_t)res.size + 1);
	memcpy(*out, res.data, res.size);
	(*out)[res.size] = '\0';
	*outlen = res.size;
	gnutls_free(res.data);
	return (0);
}

int
sasl_command(struct sasl *s, char **line, char **cause)
{
	char	*blob, *b64;
	size_t	 ulen, plen, len;

	*line = NULL;
	switch (s->mech) {
	case SASL_PLAIN:
		/* RFC 4616 2: authzid NUL authcid NUL passwd, with an empty authzid. */
		ulen = strlen(s->user);
		plen = strlen(s->password);
		len = 1 + ulen + 1 + plen;
		blob = xmalloc(len);
		blob[0] = '\0';
		memcpy(blob + 1, s->user, ulen);
		blob[1 + ulen] = '\0';
		memcpy(blob + 2 + ulen, s->password, plen);
		if (sasl_b64_encode(blob, len, &b64) != 0) {
			explicit_bzero(blob, len);
			free(blob);
			*cause = xstrdup("the credentials could not be encoded");
			return (-1);
		}
		explicit_bzero(blob, len);
		free(blob);
		/*
		 * RFC 4954 4: the initial response saves a round trip. Built by hand, not
		 * with asprintf, so no copy of the secret is left behind in freed memory.
		 */
		len = strlen(SASL_PLAIN_PREFIX) + strlen(b64) + 1;
		*line = xmalloc(len);
		memcpy(*line, SASL_PLAIN_PREFIX, strlen(SASL_PLAIN_PREFIX));
		memcpy(*line + strlen(SASL_PLAIN_PREFIX), b64, strlen(b64) + 1);
		secret_free(b64);
		return (0);
	case SASL_LOGIN:
	case SASL_CRAM_MD5:
		xasprintf(line, "AUTH %s", sasl_mech_name(s->mech));
		return (0);
	default:
		fatalx("%s: mechanism %d", __func__, (int)s->mech);
	}
}

/* Ends the exchange: the caller sends "*" (RFC 4954 4). */
static enum sasl_step
sasl_bad(struct sasl *s, enum sasl_step step, char **why, const char *words)
{
	s->over = 1;
	*why = xstrdup(words);
	return (step);
}

/*
 * RFC 2195 2: the response is the user name, a space, and the HMAC-MD5 of the challenge
 * keyed with the password, in lower-case hex.
 */
static enum sasl_step
sasl_cram_md5(struct sasl *s, const unsigned char *chal, size_t len, char **response,
    char **why)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 digest[SASL_MD5_LEN];
	char			*answer;
	size_t			 ulen, i;
	int			 ret;

	if (len == 0)
		return (sasl_bad(s, SASL_STEP_BAD_CHALLENGE, why,
		    "the server sent an empty CRAM-MD5 challenge"));
	for (i = 0; i < len; i++) {
		if (chal[i] < 0x20 || chal[i] > 0x7e)
			return (sasl_bad(s, SASL_STEP_BAD_CHALLENGE, why,
			    "the server's CRAM-MD5 challenge is not text"));
	}
	ret = gnutls_hmac_fast(GNUTLS_MAC_MD5, s->password, strlen(s->password), chal, len,
	    digest);
	if (ret != 0) {
		explicit_bzero(digest, sizeof digest);
		return (sasl_bad(s, SASL_STEP_FAILED, why,
		    "this computer's TLS library refused to compute HMAC-MD5"));
	}
	ulen = strlen(s->user);
	answer = xmalloc(ulen + 1 + 2 * SASL_MD5_LEN + 1);
	memcpy(answer, s->user, ulen);
	answer[ulen] = ' ';
	for (i = 0; i < SASL_MD5_LEN; i++) {
		answer[ulen + 1 + 2 * i] = hex[digest[i] >> 4];
		answer[ulen + 2 + 2 * i] = hex[digest[i] & 0xf];
	}
	answer[ulen + 1 + 2 * SASL_MD5_LEN] = '\0';
	explicit_bzero(digest, sizeof digest);
	ret = sasl_b64_encode(answer, strlen(answer), response);
	secret_free(answer);
	if (ret != 0)
		return (sasl_bad(s, SASL_STEP_FAILED, why,
		    "the CRAM-MD5 answer could not be encoded"));
	return (SASL_STEP_OK);
}

enum sasl_step
sasl_step(struct sasl *s, const char *text, char **response, char **why)
{
	enum sasl_step	 step;
	unsigned char	*chal;
	const char	*secret;
	size_t		 len, clen;

	*response = NULL;
	*why = NULL;
	if (s->over)
		return (sasl_bad(s, SASL_STEP_TOO_MANY_ROUNDS, why,
		    "the server asked again after the exchange had ended"));
	/*
	 * Every mechanism here has a fixed number of rounds: PLAIN none (its initial
	 * response carries everything), LOGIN two, CRAM-MD5 one. One more challenge is a
	 * server going round in circles (hostile row 24).
	 */
	if ((s->mech == SASL_PLAIN) || (s->mech == SASL_LOGIN && s->rounds >= 2) ||
	    (s->mech == SASL_CRAM_MD5 && s->rounds >= 1))
		return (sasl_bad(s, SASL_STEP_TOO_MANY_ROUNDS, why,
		    "the server asked for more than this method has to send"));

	len = strlen(text);
	if (len > SASL_CHALLENGE_MAX)
		return (sasl_bad(s, SASL_STEP_BAD_CHALLENGE, why,
		    "the server's challenge is far too long"));
	if (!sasl_b64_valid(text, len))
		return (sasl_bad(s, SASL_STEP_BAD_CHALLENGE, why,
		    "the server's challenge is not valid base64"));
	if (sasl_b64_decode(text, len, &chal, &clen) != 0)
		return (sasl_bad(s, SASL_STEP_BAD_CHALLENGE, why,
		    "the server's challenge could not be decoded"));

	s->rounds++;
	switch (s->mech) {
	case SASL_LOGIN:
		/*
		 * The prompts ("Username:", "Password:") are not standard and vary, so only
		 * their form is checked: the first answer is the name, the second the password.
		 */
		free(chal);
		secret = s->rounds == 1 ? s->user : s->password;
		if (sasl_b64_encode(secret, strlen(secret), response) != 0)
			return (sasl_bad(s, SASL_STEP_FAILED, why,
			    "the credentials could not be encoded"));
		return (SASL_STEP_OK);
	case SASL_CRAM_MD5:
		step = sasl_cram_md5(s, chal, clen, response, why);
		free(chal);
		return (step);
	default:
		fatalx("%s: mechanism %d", __func__, (int)s->mech);
	}
}
