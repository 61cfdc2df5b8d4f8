/*
 * "Did you mean ...?" for a mistyped command, option or help topic, in
 * one place. git's help.c is the model: score every candidate by edit
 * distance, keep those within a threshold, name every one of the best,
 * and say nothing when none is close ("rm" is not a typo of "gc").
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define LONGEST 48

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[LONGEST + 1][LONGEST + 1];

	if (la > LONGEST || lb > LONGEST)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

void
suggest_begin(struct suggest *s, const char *typed)
{
	memset(s, 0, sizeof(*s));
	s->typed = typed;
	/* one slip in a short word, more in a long one */
	s->best = 1 + strlen(typed) / 6;
}

void
suggest_add(struct suggest *s, const char *name)
{
	size_t len = strlen(s->typed), score;

	/* a word cut short is as close as it gets (git: a prefix scores 0) */
	if (len >= 3 && strncmp(name, s->typed, len) == 0)
		score = 0;
	else
		score = suggest_distance(s->typed, name);
	if (score > s->best)
		return;
	if (score < s->best) {
		s->best = score;
		s->n = 0;
	}
	if (s->n < ARRAY_SIZE(s->names))
		s->names[s->n++] = name;
}

char *
suggest_text(char *buf, size_t len, const struct suggest *s, const char *prefix)
{
	size_t o;

	buf[0] = '\0';
	if (s->n == 0)
		return buf;
	o = (size_t)snprintf(buf, len, "; did you mean ");
	for (size_t i = 0; i < s->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s'%s%s'",
		                      i == 0          ? ""
		                      : i + 1 == s->n ? " or "
		                                      : ", ",
		                      prefix, s->names[i]);
	if (o < len)
		snprintf(buf + o, len - o, "?");
	return buf;
}
