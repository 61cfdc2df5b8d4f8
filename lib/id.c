#include <ctype.h>
#include <string.h>

#include "internal.h"

/*
 * Ids are Crockford base32, lowercase: no i, l, o or u, so nothing reads
 * as another character. 16 characters carry 80 random bits: ids made on
 * different machines never collide in practice (1 in 10^12 at a million
 * incidents), and the shortest unique prefix stays at 5 or 6 characters.
 */
static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

int
inc_id__new(char out[INC_ID_LEN + 1])
{
	unsigned char raw[INC_ID_LEN];

	if (inc_util__random(raw, sizeof(raw)) < 0)
		return -1;
	for (size_t i = 0; i < INC_ID_LEN; i++)
		out[i] = alphabet[raw[i] & 31];
	out[INC_ID_LEN] = '\0';
	return 0;
}

static int
normal_char(int c)
{
	c = tolower(c);
	if (c == 'i' || c == 'l')
		return '1';
	if (c == 'o')
		return '0';
	if (c != '\0' && strchr(alphabet, c) != NULL)
		return c;
	return -1;
}

bool
inc_id__valid(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (i >= INC_ID_LEN || strchr(alphabet, id[i]) == NULL)
			return false;
	return i == INC_ID_LEN;
}

int
inc_id_normalize(char *out, size_t len, const char *text, inc_error *err)
{
	size_t n = strlen(text);

	if (n == 0)
		return inc_error_set(err, INC_EINVALID, "empty incident id");
	if (n > INC_ID_LEN || n >= len)
		return inc_error_set(err, INC_ENOTFOUND,
		                     "%.*s: no such incident (ids are at most "
		                     "%d characters)",
		                     40, text, INC_ID_LEN);
	for (size_t i = 0; i < n; i++) {
		int c = normal_char((unsigned char)text[i]);
		if (c < 0)
			return inc_error_set(err, INC_ENOTFOUND,
			                     "%.*s: no such incident (not an "
			                     "incident id)",
			                     40, text);
		out[i] = (char)c;
	}
	out[n] = '\0';
	return 0;
}
