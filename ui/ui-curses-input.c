/* ui-curses-input.c: the one-line editor for answers, file names and passwords. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "curses-wrap.h"
#include "sanitize.h"

/* Control keys the editor knows, as readline binds them. */
#define UI_CURSES_CTRL(c)	((c) & 0x1f)

static size_t	 ui_curses_field_prev(const struct ui_curses_field *, size_t);
static size_t	 ui_curses_field_next(const struct ui_curses_field *, size_t);
static void	 ui_curses_field_cut(struct ui_curses_field *, size_t, size_t);
static int	 ui_curses_field_insert(struct ui_curses_field *, wint_t);
static int	 ui_curses_field_edit(struct ui_curses_field *, const struct ui_curses_key *);
static size_t	 ui_curses_field_chars(const char *, size_t);

void
ui_curses_field_init(struct ui_curses_field *f, char *buf, size_t cap, int secret,
    const char *initial)
{
	size_t	 len = 0;

	memset(f, 0, sizeof *f);
	f->buf = buf;
	f->cap = cap;
	f->secret = secret;
	explicit_bzero(buf, cap);
	if (initial != NULL) {
		len = strlen(initial);
		if (len >= cap) {
			len = cap - 1;
			while (len > 0 && ((unsigned char)initial[len] & 0xc0) == 0x80)
				len--;
		}
		memcpy(buf, initial, len);
	}
	buf[len] = '\0';
	f->len = f->cur = len;
}

void
ui_curses_field_wipe(struct ui_curses_field *f)
{
	if (f->buf != NULL)
		explicit_bzero(f->buf, f->cap);
	f->len = f->cur = 0;
}

static size_t
ui_curses_field_prev(const struct ui_curses_field *f, size_t at)
{
	if (at == 0)
		return (0);
	at--;
	while (at > 0 && ((unsigned char)f->buf[at] & 0xc0) == 0x80)
		at--;
	return (at);
}

static size_t
ui_curses_field_next(const struct ui_curses_field *f, size_t at)
{
	unsigned int	 c;

	if (at >= f->len)
		return (f->len);
	return (at + ui_curses_utf8_next(f->buf + at, f->len - at, &c));
}

/* Removes bytes [from, to) and wipes the freed tail. */
static void
ui_curses_field_cut(struct ui_curses_field *f, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(f->buf + from, f->buf + to, f->len - to);
	f->len -= to - from;
	explicit_bzero(f->buf + f->len, f->cap - f->len);
	if (f->cur > to)
		f->cur -= to - from;
	else if (f->cur > from)
		f->cur = from;
}

/*
 * Inserts a typed character. Controls, bidi and zero-width characters are refused: what
 * is typed is drawn as it is, so it must be safe to draw.
 */
static int
ui_curses_field_insert(struct ui_curses_field *f, wint_t ch)
{
	char	 enc[5];
	size_t	 n;

	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) ||
	    (ch >= 0xd800 && ch <= 0xdfff) || ch > 0x10ffff)
		return (0);
	if (ch < 0x80) {
		enc[0] = (char)ch;
		n = 1;
	} else if (ch < 0x800) {
		enc[0] = (char)(0xc0 | (ch >> 6));
		enc[1] = (char)(0x80 | (ch & 0x3f));
		n = 2;
	} else if (ch < 0x10000) {
		enc[0] = (char)(0xe0 | (ch >> 12));
		enc[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (ch & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (ch >> 18));
		enc[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (ch & 0x3f));
		n = 4;
	}
	enc[n] = '\0';
	if (ch != ' ' && !sanitize_is_safe(enc)) {
		explicit_bzero(enc, sizeof enc);
		return (0);
	}
	if (f->len + n >= f->cap) {
		explicit_bzero(enc, sizeof enc);
		beep();
		return (UI_CURSES_REDRAW);
	}
	memmove(f->buf + f->cur + n, f->buf + f->cur, f->len - f->cur);
	memcpy(f->buf + f->cur, enc, n);
	explicit_bzero(enc, sizeof enc);
	f->len += n;
	f->cur += n;
	f->buf[f->len] = '\0';
	return (UI_CURSES_REDRAW);
}

static int
ui_curses_field_edit(struct ui_curses_field *f, const struct ui_curses_key *k)
{
	size_t	 at;

	switch (k->code) {
	case KEY_LEFT:
		f->cur = ui_curses_field_prev(f, f->cur);
		return (UI_CURSES_REDRAW);
	case KEY_RIGHT:
		f->cur = ui_curses_field_next(f, f->cur);
		return (UI_CURSES_REDRAW);
	case KEY_HOME:
		f->cur = 0;
		return (UI_CURSES_REDRAW);
	case KEY_END:
		f->cur = f->len;
		return (UI_CURSES_REDRAW);
	case KEY_BACKSPACE:
		ui_curses_field_cut(f, ui_curses_field_prev(f, f->cur), f->cur);
		return (UI_CURSES_REDRAW);
	case KEY_DC:
		ui_curses_field_cut(f, f->cur, ui_curses_field_next(f, f->cur));
		return (UI_CURSES_REDRAW);
	case 0:
		break;
	default:
		return (0);
	}
	switch (k->ch) {
	case UI_CURSES_CTRL('B'):
		f->cur = ui_curses_field_prev(f, f->cur);
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('F'):
		f->cur = ui_curses_field_next(f, f->cur);
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('A'):
		f->cur = 0;
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('E'):
		f->cur = f->len;
		return (UI_CURSES_REDRAW);
	case 0x7f:
	case UI_CURSES_CTRL('H'):
		ui_curses_field_cut(f, ui_curses_field_prev(f, f->cur), f->cur);
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('D'):
		ui_curses_field_cut(f, f->cur, ui_curses_field_next(f, f->cur));
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('U'):
		ui_curses_field_cut(f, 0, f->cur);
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('K'):
		ui_curses_field_cut(f, f->cur, f->len);
		return (UI_CURSES_REDRAW);
	case UI_CURSES_CTRL('W'):
		at = f->cur;
		while (at > 0 && f->buf[at - 1] == ' ')
			at--;
		while (at > 0 && f->buf[at - 1] != ' ')
			at = ui_curses_field_prev(f, at);
		ui_curses_field_cut(f, at, f->cur);
		return (UI_CURSES_REDRAW);
	default:
		return (ui_curses_field_insert(f, k->ch));
	}
}

int
ui_curses_field_key(struct ui_curses_field *f, const struct ui_curses_key *k)
{
	int	 r;

	r = ui_curses_field_edit(f, k);
	f->lastkey = k->code != 0 ? k->code : (int)k->ch;
	return (r);
}

/* Characters (not bytes) in the first len bytes: one star each for a password. */
static size_t
ui_curses_field_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

void
ui_curses_field_draw(struct ui_curses *uc, const struct ui_curses_field *f, int y, int x,
    int w, int *curx)
{
	char	*stars;
	size_t	 start, before, total, shown;
	int	 cw;

	*curx = -1;
	if (w < 2 || y < 0 || y >= LINES)
		return;
	mvhline(y, x, ' ' | uc->attr[UI_CURSES_FIELD], w);
	if (f->secret) {
		/* Only a count reaches the screen: the password is never in a curses buffer. */
		before = ui_curses_field_chars(f->buf, f->cur);
		total = ui_curses_field_chars(f->buf, f->len);
		start = before >= (size_t)w ? before - (size_t)w + 1 : 0;
		shown = total - start < (size_t)w ? total - start : (size_t)w;
		stars = xmalloc(shown + 1);
		memset(stars, '*', shown);
		stars[shown] = '\0';
		ui_curses_put(uc, y, x, w, stars, shown, UI_CURSES_FIELD);
		free(stars);
		*curx = x + (int)(before - start);
		return;
	}
	/* Scroll sideways so the cursor stays inside the field. */
	start = 0;
	while (start < f->cur &&
	    ui_curses_width(uc, f->buf + start, f->cur - start) >= w)
		start = ui_curses_field_next(f, start);
	ui_curses_put(uc, y, x, w, f->buf + start, f->len - start, UI_CURSES_FIELD);
	cw = ui_curses_width(uc, f->buf + start, f->cur - start);
	*curx = x + cw;
}
