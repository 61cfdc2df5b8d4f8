/* The severity scale: SEV1 (most severe) .. SEV4 unless config says. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define SEVERITY_MAX 9

static int
add_name(inc_store *s, const char *name, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, name, len);
	copy[len] = '\0';
	s->severity_names[s->severity_count++] = copy;
	return 0;
}

/* severity.names = SEV1 SEV2 ... (commas or spaces); severity.default. */
static int
load_scale(inc_store *s)
{
	const inc_config *cfg = NULL;
	const char *names, *def;
	inc_error ignored;

	if (s->severity_names != NULL)
		return 0;
	if ((s->severity_names = calloc(SEVERITY_MAX, sizeof(char *))) == NULL)
		return -1;
	(void)inc_store_config(&cfg, s, &ignored);
	names = inc_config_get(cfg, "severity.names");
	while (names != NULL && *names != '\0' &&
	       s->severity_count < SEVERITY_MAX) {
		size_t len;
		names += strspn(names, ", \t");
		len = strcspn(names, ", \t");
		if (len > 0 && add_name(s, names, len) < 0)
			return -1;
		names += len;
	}
	if (s->severity_count == 0) {
		for (int i = 1; i <= 4; i++) {
			char buf[8];
			snprintf(buf, sizeof(buf), "SEV%d", i);
			if (add_name(s, buf, strlen(buf)) < 0)
				return -1;
		}
	}
	s->severity_default = s->severity_count >= 3 ? 3 : s->severity_count;
	def = inc_config_get(cfg, "severity.default");
	if (def != NULL) {
		int level;
		if (inc_severity_parse(&level, s, def, &ignored) == 0)
			s->severity_default = level;
	}
	return 0;
}

int
inc_severity_count(inc_store *s)
{
	return load_scale(s) < 0 ? 0 : s->severity_count;
}

int
inc_severity_default(inc_store *s)
{
	return load_scale(s) < 0 ? 1 : s->severity_default;
}

const char *
inc_severity_name(inc_store *s, int level)
{
	if (load_scale(s) < 0 || level < 1 || level > s->severity_count)
		return "SEV?";
	return s->severity_names[level - 1];
}

int
inc_severity_parse(int *out, inc_store *s, const char *text, inc_error *err)
{
	const char *p = text;

	if (load_scale(s) < 0)
		return inc_error__nomem(err);
	for (int i = 0; i < s->severity_count; i++) {
		if (strcasecmp(text, s->severity_names[i]) == 0) {
			*out = i + 1;
			return 0;
		}
	}
	if (strncasecmp(p, "sev", 3) == 0)
		p += 3;
	if (isdigit((unsigned char)p[0]) && p[1] == '\0' && p[0] != '0' &&
	    p[0] - '0' <= s->severity_count) {
		*out = p[0] - '0';
		return 0;
	}
	return inc_error_set(err, INC_EINVALID,
	                     "unknown severity '%.40s' (the scale is %s..%s, "
	                     "or 1..%d)",
	                     text, s->severity_names[0],
	                     s->severity_names[s->severity_count - 1],
	                     s->severity_count);
}

int64_t
inc_severity_update_cadence(inc_store *s, int severity)
{
	const inc_config *cfg = NULL;
	const char *v;
	char key[96];
	inc_error ignored;
	int64_t secs;

	(void)inc_store_config(&cfg, s, &ignored);
	snprintf(key, sizeof(key), "severity.%s.update-every",
	         inc_severity_name(s, severity));
	v = inc_config_get(cfg, key);
	if (v != NULL)
		return inc_duration_parse(&secs, v) == 0 ? secs : 0;
	return severity == 1 ? 1800 : severity == 2 ? 3600 : 0;
}

bool
inc_severity_update_due(inc_store *s, int severity, enum inc_status status,
                        int64_t opened_at, int64_t last_update_at, int64_t now)
{
	int64_t cadence, since;

	if (!inc_status_active(status))
		return false;
	if ((cadence = inc_severity_update_cadence(s, severity)) <= 0)
		return false;
	since = last_update_at > opened_at ? last_update_at : opened_at;
	return now - since >= cadence;
}
