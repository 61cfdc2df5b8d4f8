#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>
#include <uniwidth.h>

#include "internal.h"

int
inc_text_check(const char *text, size_t max, const char *what, inc_error *err)
{
	size_t len = strlen(text);

	if (len > max)
		return inc_error_set(err, INC_EINVALID,
		                     "%s is too long (%zu bytes; at most %zu)",
		                     what, len, max);
	if (u8_check((const uint8_t *)text, len) != NULL)
		return inc_error_set(err, INC_EINVALID, "%s is not valid UTF-8",
		                     what);
	return 0;
}

/* Characters that reorder or hide text on a terminal (Trojan Source). */
static bool
is_bidi_control(ucs4_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) ||
	       c == 0x200e || c == 0x200f || c == 0x061c;
}

char *
inc_text_sanitize(const char *text, bool keep_newlines)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t len = strlen(text), o = 0;
	/* the worst case is every byte becoming "\xNN" (4 bytes) */
	char *out = malloc(len * 6 + 1);

	if (out == NULL)
		return NULL;
	while (len > 0) {
		ucs4_t c;
		int n = u8_mbtouc(&c, p, len);

		if (c == 0xfffd && !(n == 3 && p[0] == 0xef)) {
			o += (size_t)sprintf(out + o, "\\x%02x", p[0]);
			n = 1;
		} else if ((c == '\n' || c == '\t') && keep_newlines) {
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '^';
			out[o++] = c == 0x7f ? '?' : (char)(c + '@');
		} else if ((c >= 0x80 && c < 0xa0) || is_bidi_control(c)) {
			o += (size_t)sprintf(out + o, "\\u%04x", (unsigned)c);
		} else {
			memcpy(out + o, p, (size_t)n);
			o += (size_t)n;
		}
		p += n;
		len -= (size_t)n;
	}
	out[o] = '\0';
	return out;
}

size_t
inc_text_width(const char *text)
{
	int w = u8_strwidth((const uint8_t *)text, "UTF-8");

	return w < 0 ? strlen(text) : (size_t)w;
}
