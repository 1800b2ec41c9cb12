/* ui-curses-screen.c: layout from LINES and COLS on every draw, text wrapping, scrolling. */
#include "config.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "curses-wrap.h"
#include "sanitize.h"

/* Colour pairs, when the terminal has colours and NO_COLOR is not set. */
enum {
	UI_CURSES_PAIR_BAR = 1,
	UI_CURSES_PAIR_TITLE,
	UI_CURSES_PAIR_ERROR,
	UI_CURSES_PAIR_GOOD,
	UI_CURSES_PAIR_SELECTED,
	UI_CURSES_PAIR_HINT
};

/* Enough for one body row of any width a terminal has. */
#define UI_CURSES_PUTBUF	512

static const char *const ui_curses_spin_utf8[] = {
	"\u280b", "\u2819", "\u2839", "\u2838", "\u283c", "\u2834", "\u2826", "\u2827",
	"\u2807", "\u280f"
};
static const char *const ui_curses_spin_ascii[] = { "|", "/", "-", "\\" };

static const struct ui_curses_symbols ui_curses_sym_utf8 = {
	.tick = "\u2713",
	.cross = "\u2717",
	.bullet = "\u2022",
	.pointer = "\u25b6",
	.more = "\u2193",
	.hline = "\u2500",
	.vline = "\u2502",
	.corner = { "\u250c", "\u2510", "\u2514", "\u2518" },
	.spinner = ui_curses_spin_utf8,
	.nspinner = sizeof ui_curses_spin_utf8 / sizeof ui_curses_spin_utf8[0]
};

/* When the locale is not UTF-8, only ASCII is drawn. */
static const struct ui_curses_symbols ui_curses_sym_ascii = {
	.tick = "+",
	.cross = "x",
	.bullet = "*",
	.pointer = ">",
	.more = "v",
	.hline = "-",
	.vline = "|",
	.corner = { "+", "+", "+", "+" },
	.spinner = ui_curses_spin_ascii,
	.nspinner = sizeof ui_curses_spin_ascii / sizeof ui_curses_spin_ascii[0]
};

static int	 ui_curses_hidden(unsigned int);
static int	 ui_curses_glyph(struct ui_curses *, unsigned int, wchar_t *);
static void	 ui_curses_doc_add(struct ui_curses_doc *, char *, enum ui_curses_role, int,
		     int);
static void	 ui_curses_doc_wrap(struct ui_curses_doc *, const char *, const char *,
		     enum ui_curses_role, int);
static char	*ui_curses_clean(const char *, int);
static int	 ui_curses_sentence_end(const char *, size_t);
static void	 ui_curses_draw_small(struct ui_curses *);
static void	 ui_curses_draw_footer(struct ui_curses *, const struct ui_curses_view *, int);
static void	 ui_curses_draw_confirm(struct ui_curses *);
static void	 ui_curses_box(struct ui_curses *, int, int, int, int);
static void	 ui_curses_doc_free(struct ui_curses_doc *);
static int	 ui_curses_pager_key(struct ui_curses_view *, const struct ui_curses_key *);

void
ui_curses_screen_setup(struct ui_curses *uc)
{
	const char	*nc = getenv("NO_COLOR");
	const char	*cs = nl_langinfo(CODESET);
	size_t		 i;

	uc->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	uc->sym = uc->utf8 ? &ui_curses_sym_utf8 : &ui_curses_sym_ascii;

	/* Monochrome: reverse, bold and underline carry the meaning. */
	for (i = 0; i < UI_CURSES_NROLES; i++)
		uc->attr[i] = A_NORMAL;
	uc->attr[UI_CURSES_BAR] = A_REVERSE;
	uc->attr[UI_CURSES_TITLE] = A_BOLD;
	uc->attr[UI_CURSES_HEADING] = A_BOLD;
	uc->attr[UI_CURSES_SELECTED] = A_REVERSE;
	uc->attr[UI_CURSES_ERROR] = A_BOLD;
	uc->attr[UI_CURSES_GOOD] = A_BOLD;
	uc->attr[UI_CURSES_HINT] = A_BOLD;
	uc->attr[UI_CURSES_FIELD] = A_UNDERLINE;

	/* https://no-color.org: any non-empty value turns colours off. */
	if ((nc != NULL && *nc != '\0') || !has_colors() || start_color() == ERR)
		return;
	uc->colour = 1;
	use_default_colors();
	init_pair(UI_CURSES_PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
	init_pair(UI_CURSES_PAIR_TITLE, COLOR_CYAN, -1);
	init_pair(UI_CURSES_PAIR_ERROR, COLOR_RED, -1);
	init_pair(UI_CURSES_PAIR_GOOD, COLOR_GREEN, -1);
	init_pair(UI_CURSES_PAIR_SELECTED, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_CURSES_PAIR_HINT, COLOR_YELLOW, -1);
	uc->attr[UI_CURSES_BAR] = COLOR_PAIR(UI_CURSES_PAIR_BAR) | A_BOLD;
	uc->attr[UI_CURSES_TITLE] = COLOR_PAIR(UI_CURSES_PAIR_TITLE) | A_BOLD;
	uc->attr[UI_CURSES_ERROR] = COLOR_PAIR(UI_CURSES_PAIR_ERROR) | A_BOLD;
	uc->attr[UI_CURSES_GOOD] = COLOR_PAIR(UI_CURSES_PAIR_GOOD) | A_BOLD;
	uc->attr[UI_CURSES_SELECTED] = COLOR_PAIR(UI_CURSES_PAIR_SELECTED);
	uc->attr[UI_CURSES_HINT] = COLOR_PAIR(UI_CURSES_PAIR_HINT) | A_BOLD;
}

/* ---- characters ------------------------------------------------------------------------ */

size_t
ui_curses_utf8_next(const char *s, size_t len, unsigned int *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 c;
	size_t			 n, i;

	if (len == 0) {
		*cp = 0;
		return (0);
	}
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
	} else
		goto bad;
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return (n);
bad:
	*cp = 0xfffd;
	return (1);
}

/* Bidi controls and zero-width characters: never drawn, whatever reached this far. */
static int
ui_curses_hidden(unsigned int c)
{
	return ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2060 && c <= 0x2069) || c == 0xfeff || c == 0x061c ||
	    (c >= 0x2028 && c <= 0x2029));
}

/*
 * What is drawn for code point c, and its width (0 for a combining mark). This is the last
 * guard before the terminal: no control character is ever drawn, sanitised or not.
 */
static int
ui_curses_glyph(struct ui_curses *uc, unsigned int c, wchar_t *out)
{
	int	 w;

	*out = L'?';
	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		return (1);
	if (c < 0x7f) {
		*out = (wchar_t)c;
		return (1);
	}
	if (!uc->utf8 || ui_curses_hidden(c) || c == 0xfffd)
		return (1);
	if ((w = wcwidth((wchar_t)c)) < 0 || w > 2)
		return (1);
	*out = (wchar_t)c;
	return (w);
}

int
ui_curses_width(struct ui_curses *uc, const char *s, size_t len)
{
	unsigned int	 c;
	wchar_t		 g;
	size_t		 n;
	int		 w = 0;

	while (len > 0 && (n = ui_curses_utf8_next(s, len, &c)) != 0) {
		w += ui_curses_glyph(uc, c, &g);
		s += n;
		len -= n;
	}
	return (w);
}

int
ui_curses_put(struct ui_curses *uc, int y, int x, int maxw, const char *s, size_t len,
    enum ui_curses_role role)
{
	wchar_t		 buf[UI_CURSES_PUTBUF + 1], g;
	unsigned int	 c;
	size_t		 n, nbuf = 0;
	int		 w, cols = 0, startx = x;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS || maxw <= 0)
		return (0);
	if (maxw > COLS - x)
		maxw = COLS - x;
	/* attrset() takes an int: our attributes (bold, reverse, underline, pairs 1 to 6) sit
	 * well below bit 31, so the value is unchanged. */
	attrset((int)uc->attr[role]);
	while (len > 0 && (n = ui_curses_utf8_next(s, len, &c)) != 0) {
		w = ui_curses_glyph(uc, c, &g);
		s += n;
		len -= n;
		if (w == 0) {
			/* A combining mark goes with its base; alone, it is not drawn. */
			if (nbuf > 0 && nbuf < UI_CURSES_PUTBUF)
				buf[nbuf++] = g;
			continue;
		}
		if (cols + w > maxw)
			break;
		if (nbuf >= UI_CURSES_PUTBUF - 8) {
			buf[nbuf] = L'\0';
			mvaddnwstr(y, startx, buf, (int)nbuf);
			startx = x + cols;
			nbuf = 0;
		}
		buf[nbuf++] = g;
		cols += w;
	}
	if (nbuf > 0) {
		buf[nbuf] = L'\0';
		mvaddnwstr(y, startx, buf, (int)nbuf);
	}
	attrset(A_NORMAL);
	return (cols);
}

/* ---- the body as wrapped rows ------------------------------------------------------------ */

static void
ui_curses_doc_add(struct ui_curses_doc *d, char *text, enum ui_curses_role role, int indent,
    int field)
{
	struct ui_curses_line	*l;

	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 32 : d->cap * 2;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	l = &d->v[d->n++];
	l->text = text;
	l->role = role;
	l->indent = indent;
	l->field = field;
}

static void
ui_curses_doc_free(struct ui_curses_doc *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	memset(d, 0, sizeof *d);
}

void
ui_curses_doc_blank(struct ui_curses_doc *d)
{
	ui_curses_doc_add(d, xstrdup(""), UI_CURSES_NORMAL, 0, 0);
}

void
ui_curses_doc_field(struct ui_curses_doc *d, int indent)
{
	ui_curses_doc_add(d, NULL, UI_CURSES_FIELD, indent, 1);
}

void
ui_curses_doc_focus(struct ui_curses_doc *d)
{
	d->has_focus = 1;
	d->focus = d->n;
}

/*
 * Wraps one line of sanitised text at spaces to the doc's width; the first row starts with
 * prefix, the others are indented as wide as it. A word longer than a row is cut between
 * characters, never inside one, and a combining mark stays with its base.
 */
static void
ui_curses_doc_wrap(struct ui_curses_doc *d, const char *prefix, const char *s,
    enum ui_curses_role role, int indent)
{
	const char	*p = s, *q, *end, *space;
	unsigned int	 c;
	wchar_t		 g;
	size_t		 n, plen = strlen(prefix), len = strlen(s);
	int		 pw, avail, cols, w, first = 1;
	char		*row;

	pw = ui_curses_width(d->uc, prefix, plen);
	avail = d->width - indent - pw;
	if (avail < 1)
		avail = 1;
	do {
		if (!first) {
			while (*p == ' ')
				p++;
			if (*p == '\0')
				break;
		}
		cols = 0;
		space = NULL;
		q = p;
		while (*q != '\0') {
			n = ui_curses_utf8_next(q, len - (size_t)(q - s), &c);
			w = ui_curses_glyph(d->uc, c, &g);
			if (c == ' ')
				space = q;
			if (cols + w > avail)
				break;
			cols += w;
			q += n;
		}
		if (*q == '\0')
			end = q;
		else if (space != NULL && space > p)
			end = space;
		else if (q == p)
			end = q + ui_curses_utf8_next(q, len - (size_t)(q - s), &c);
		else
			end = q;
		while (end > p && end[-1] == ' ')
			end--;
		if (first)
			xasprintf(&row, "%s%.*s", prefix, (int)(end - p), p);
		else
			xasprintf(&row, "%*s%.*s", pw, "", (int)(end - p), p);
		ui_curses_doc_add(d, row, role, indent, 0);
		p = end;
		first = 0;
	} while (*p != '\0');
}

/* Text made safe: tree text and answers through the sanitiser, probe text checked again. */
static char *
ui_curses_clean(const char *text, int flags)
{
	char	*copy, *line, *save, *s, *out = NULL, *tmp;

	if (text == NULL)
		return (xstrdup(""));
	if ((flags & UI_CURSES_STORED) == 0)
		return (sanitize_lines(text));
	/* Stored text was sanitised line by line: keep its line breaks, escape nothing twice. */
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		s = sanitize_stored(line);
		if (out == NULL)
			out = s;
		else {
			xasprintf(&tmp, "%s\n%s", out, s);
			free(out);
			free(s);
			out = tmp;
		}
	}
	free(copy);
	return (out != NULL ? out : xstrdup(""));
}

/* A line ending a sentence keeps its line break when paragraphs are joined. */
static int
ui_curses_sentence_end(const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == ' ')
		len--;
	return (len > 0 && strchr(".:?!", s[len - 1]) != NULL);
}

void
ui_curses_doc_text(struct ui_curses_doc *d, const char *text, enum ui_curses_role role,
    int indent, int flags)
{
	char	*clean, *p, *nl, *para = NULL, *tmp;
	size_t	 len;

	clean = ui_curses_clean(text, flags);
	for (p = clean; p != NULL; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		while (*p == ' ')
			p++;
		len = strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			p[--len] = '\0';
		if (len == 0) {
			/* " ." in the tree: a paragraph break. */
			if (para != NULL) {
				ui_curses_doc_wrap(d, "", para, role, indent);
				free(para);
				para = NULL;
				ui_curses_doc_blank(d);
			}
			continue;
		}
		if (para == NULL)
			para = xstrdup(p);
		else if (ui_curses_sentence_end(para, strlen(para))) {
			ui_curses_doc_wrap(d, "", para, role, indent);
			free(para);
			para = xstrdup(p);
		} else {
			xasprintf(&tmp, "%s %s", para, p);
			free(para);
			para = tmp;
		}
	}
	if (para != NULL) {
		ui_curses_doc_wrap(d, "", para, role, indent);
		free(para);
	}
	free(clean);
}

void
ui_curses_doc_item(struct ui_curses_doc *d, const char *prefix, const char *text,
    enum ui_curses_role role, int indent, int flags)
{
	char	*clean, *p;

	clean = ui_curses_clean(text, flags);
	for (p = clean; *p != '\0'; p++) {
		if (*p == '\n')
			*p = ' ';
	}
	ui_curses_doc_wrap(d, prefix, clean, role, indent);
	free(clean);
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void
ui_curses_box(struct ui_curses *uc, int y, int x, int h, int w)
{
	const struct ui_curses_symbols	*s = uc->sym;
	int				 i, j;

	for (i = 0; i < h; i++) {
		for (j = 0; j < w; j++) {
			if ((i == 0 || i == h - 1) && (j == 0 || j == w - 1))
				ui_curses_put(uc, y + i, x + j, 1, s->corner[(i == 0 ? 0 : 2) +
				    (j == 0 ? 0 : 1)], strlen(s->corner[0]), UI_CURSES_NORMAL);
			else if (i == 0 || i == h - 1)
				ui_curses_put(uc, y + i, x + j, 1, s->hline, strlen(s->hline),
				    UI_CURSES_NORMAL);
			else if (j == 0 || j == w - 1)
				ui_curses_put(uc, y + i, x + j, 1, s->vline, strlen(s->vline),
				    UI_CURSES_NORMAL);
			else
				ui_curses_put(uc, y + i, x + j, 1, " ", 1, UI_CURSES_NORMAL);
		}
	}
}

/* Below 40x12: one request, wrapped to whatever there is, even a single cell. */
static void
ui_curses_draw_small(struct ui_curses *uc)
{
	struct ui_curses_doc	 d;
	char			*s;
	size_t			 i;
	int			 y;

	if (COLS < 1 || LINES < 1)
		return;
	memset(&d, 0, sizeof d);
	d.uc = uc;
	d.width = COLS;
	xasprintf(&s, "Please make this window larger. sendfix needs at least %d columns "
	    "and %d lines; it has %d by %d.", UI_CURSES_MIN_COLS, UI_CURSES_MIN_LINES, COLS,
	    LINES);
	ui_curses_doc_item(&d, "", s, UI_CURSES_NORMAL, 0, UI_CURSES_RAW);
	free(s);
	y = d.n < (size_t)LINES ? (LINES - (int)d.n) / 2 : 0;
	for (i = 0; i < d.n && y < LINES; i++, y++)
		ui_curses_put(uc, y, 0, COLS, d.v[i].text, strlen(d.v[i].text),
		    i == 0 ? UI_CURSES_TITLE : UI_CURSES_NORMAL);
	ui_curses_doc_free(&d);
}

/* As many of the view's keys as fit, most important first. */
static void
ui_curses_draw_footer(struct ui_curses *uc, const struct ui_curses_view *v, int y)
{
	const struct ui_curses_keyhelp	*k;
	int				 x = 1, kw, ww;

	if (v->keys == NULL)
		return;
	for (k = v->keys; k->key != NULL; k++) {
		kw = ui_curses_width(uc, k->key, strlen(k->key));
		ww = ui_curses_width(uc, k->what, strlen(k->what));
		if (x + kw + 1 + ww > COLS - 1)
			break;
		x += ui_curses_put(uc, y, x, kw, k->key, strlen(k->key), UI_CURSES_HINT);
		x += ui_curses_put(uc, y, x + 1, ww, k->what, strlen(k->what),
		    UI_CURSES_NORMAL) + 3;
	}
}

static void
ui_curses_draw_confirm(struct ui_curses *uc)
{
	static const char	 q[] = "Quit sendfix? (y/n)";
	int			 w = (int)strlen(q) + 8, h = 5, y, x;

	if (w > COLS)
		w = COLS;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	ui_curses_box(uc, y, x, h, w);
	ui_curses_put(uc, y + 2, x + (w - (int)strlen(q)) / 2, w - 2, q, strlen(q),
	    UI_CURSES_TITLE);
}

void
ui_curses_draw(struct ui_curses *uc, struct ui_curses_view *v, int confirm)
{
	struct ui_curses_doc	 d;
	struct ui_curses_line	*l;
	const char		*crumb;
	char			*s, *more;
	int			 margin, top, h, y, cury = -1, curx = -1, i;

	if (uc->hangup)
		return;
	erase();
	if (COLS < UI_CURSES_MIN_COLS || LINES < UI_CURSES_MIN_LINES) {
		ui_curses_draw_small(uc);
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	margin = COLS >= 60 ? 2 : 1;

	/* Row 0: where the user is. */
	mvhline(0, 0, ' ' | uc->attr[UI_CURSES_BAR], COLS);
	if (v->crumb != NULL) {
		s = sanitize_str(v->crumb);
		/* A narrow window keeps the part that says where in the guide the user is. */
		crumb = s;
		if (COLS < 60 && strncmp(crumb, "sendfix > ", 10) == 0)
			crumb += 10;
		ui_curses_put(uc, 0, 1, COLS - 2, crumb, strlen(crumb), UI_CURSES_BAR);
		free(s);
	}

	/* Rows 2 to LINES-3: the body, scrolled. */
	memset(&d, 0, sizeof d);
	d.uc = uc;
	d.width = COLS - 2 * margin;
	v->build(v, &d);
	h = LINES - 4;
	top = v->top;
	if (v->follow && d.has_focus) {
		if ((int)d.focus < top)
			top = (int)d.focus;
		else if ((int)d.focus >= top + h)
			top = (int)d.focus - h + 1;
		v->follow = 0;
	}
	if (top > (int)d.n - h)
		top = (int)d.n - h;
	if (top < 0)
		top = 0;
	v->top = top;
	v->nlines = (int)d.n;
	v->height = h;
	for (i = 0, y = 2; i < h && top + i < (int)d.n; i++, y++) {
		l = &d.v[top + i];
		if (l->field) {
			/* "> " says where typing goes, even where underlining does not show. */
			ui_curses_put(uc, y, margin + l->indent, 2, "> ", 2, UI_CURSES_HINT);
			if (v->field != NULL)
				ui_curses_field_draw(uc, v->field, y, margin + l->indent + 2,
				    d.width - l->indent - 2, &curx);
			if (curx >= 0)
				cury = y;
			continue;
		}
		ui_curses_put(uc, y, margin + l->indent, d.width - l->indent, l->text,
		    strlen(l->text), l->role);
	}

	/* Row LINES-2: a message, or a sign that there is more to read. */
	if (v->status != NULL) {
		s = sanitize_str(v->status);
		ui_curses_put(uc, LINES - 2, margin, d.width, s, strlen(s), v->status_role);
		free(s);
	} else if (top + h < (int)d.n) {
		xasprintf(&more, "%s more below (PgDn)", uc->sym->more);
		ui_curses_put(uc, LINES - 2, COLS - margin - ui_curses_width(uc, more,
		    strlen(more)), d.width, more, strlen(more), UI_CURSES_HINT);
		free(more);
	}

	/* Row LINES-1: the keys. */
	ui_curses_draw_footer(uc, v, LINES - 1);
	ui_curses_doc_free(&d);

	if (confirm) {
		ui_curses_draw_confirm(uc);
		cury = -1;
	}
	if (cury >= 0) {
		move(cury, curx);
		curs_set(1);
	} else
		curs_set(0);
	wnoutrefresh(stdscr);
	doupdate();
}

int
ui_curses_scroll_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	int	 page = v->height > 2 ? v->height - 1 : 1;

	switch (k->code) {
	case KEY_UP:
		v->top--;
		break;
	case KEY_DOWN:
		v->top++;
		break;
	case KEY_PPAGE:
		v->top -= page;
		break;
	case KEY_NPAGE:
		v->top += page;
		break;
	case KEY_HOME:
		v->top = 0;
		break;
	case KEY_END:
		v->top = v->nlines;
		break;
	case 0:
		if (k->ch == 'k')
			v->top--;
		else if (k->ch == 'j')
			v->top++;
		else if (k->ch == ' ')
			v->top += page;
		else
			return (0);
		break;
	default:
		return (0);
	}
	if (v->top < 0)
		v->top = 0;
	v->follow = 0;
	return (UI_CURSES_REDRAW);
}

/* ---- scrolling text screens ------------------------------------------------------------- */

static const struct ui_curses_keyhelp ui_curses_pager_keys[] = {
	{ "Esc", "go back" },
	{ "\u2191\u2193", "scroll" },
	{ "PgDn", "next page" },
	{ NULL, NULL }
};
static const struct ui_curses_keyhelp ui_curses_pager_keys_ascii[] = {
	{ "Esc", "go back" },
	{ "Up/Down", "scroll" },
	{ "PgDn", "next page" },
	{ NULL, NULL }
};

static int
ui_curses_pager_key(struct ui_curses_view *v, const struct ui_curses_key *k)
{
	if (ui_curses_scroll_key(v, k) != 0)
		return (UI_CURSES_REDRAW);
	if (k->code == KEY_LEFT || k->code == KEY_BACKSPACE || k->code == KEY_ENTER ||
	    k->code == KEY_F(1))
		return (UI_CURSES_BREAK);
	if (k->code == 0 && (k->ch == UI_CURSES_KEY_ESC || k->ch == '\r' || k->ch == '\n' ||
	    k->ch == 'q' || k->ch == 'Q' || k->ch == 127 || k->ch == 8 || k->ch == '?'))
		return (UI_CURSES_BREAK);
	return (0);
}

int
ui_curses_pager(struct ui_curses *uc, const char *crumb,
    void (*build)(struct ui_curses_view *, struct ui_curses_doc *), void *arg)
{
	struct ui_curses_view	 v;
	int			 r;

	ui_curses_view_init(&v, uc);
	v.follow = 0;
	v.crumb = xstrdup(crumb);
	v.keys = uc->utf8 ? ui_curses_pager_keys : ui_curses_pager_keys_ascii;
	v.build = build;
	v.key = ui_curses_pager_key;
	v.arg = arg;
	r = ui_curses_run(uc, &v);
	ui_curses_view_clear(&v);
	return (r);
}

char *
ui_curses_crumb(const struct walk *w, const struct tree_node *n, const char *what)
{
	const char	*section = NULL;
	char		*s, *tmp;
	size_t		 i;
	int		 q = 0;

	if (n != NULL && n->section > 0)
		section = cause_section_title(n->section);
	s = xstrdup("sendfix");
	if (section != NULL) {
		xasprintf(&tmp, "%s > %s", s, section);
		free(s);
		s = tmp;
	}
	if (what == NULL && n != NULL && n->kind == TREE_QUESTION) {
		for (i = 0; i < w->nsteps; i++) {
			if (w->steps[i].node->kind == TREE_QUESTION)
				q++;
		}
		/* A question from outside the tree is not one of the walk's: no number. */
		if (q > 0) {
			xasprintf(&tmp, "%s > Question %d", s, q);
			free(s);
			s = tmp;
		}
	} else if (what != NULL) {
		xasprintf(&tmp, "%s > %s", s, what);
		free(s);
		s = tmp;
	}
	return (s);
}
