/*
 * libFuzzer harness: a store's config file (lib/config.c, read with
 * libinih) and the values read from it: the severity scale, update
 * cadences (durations), the mirror's settings and the identity.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir, *path;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* under $TMPDIR: run.sh points it into the build tree */
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	dir = inc_util__asprintf("%s/incident-fuzz-config.XXXXXX",
	                         tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (dir == NULL || mkdtemp(dir) == NULL) {
		perror("fuzz-config: mkdtemp");
		exit(1);
	}
	/* no user config, no git config: only the file under test */
	setenv("HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	path = inc_util__asprintf("%s/config", dir);
	return path != NULL ? 0 : 1;
}

static void
read_values(inc_config *cfg)
{
	/* a store with this config and no database: only config is read */
	inc_store s = {0};
	const char *all[16];
	char who[256];
	inc_error err;
	int level, n;

	s.dir = dir;
	s.config = cfg;
	n = inc_severity_count(&s);
	if (n < 1)
		abort();
	for (int i = 0; i <= n + 1; i++) {
		inc_severity_name(&s, i);
		inc_severity_update_cadence(&s, i);
	}
	level = inc_severity_default(&s);
	if (level < 1 || level > n)
		abort();
	for (int i = 1; i <= n; i++)
		if (inc_severity_parse(&level, &s, inc_severity_name(&s, i),
		                       &err) != 0 ||
		    level < 1 || level > n)
			abort();
	inc_severity_parse(&level, &s, "SEV2", &err);
	inc_audit__enabled(&s);
	inc_config_identity(who, sizeof(who), cfg);
	inc_config__get_all(cfg, "severity.names", all, 16);
	inc_config__get_all(cfg, "hooks.dir", all, 16);
	inc_config_get(cfg, "sync.remote");
	inc_config_get(cfg, "review.template");
	for (int i = 0; i < s.severity_count; i++)
		free(s.severity_names[i]);
	free(s.severity_names);
	free(s.audit_repo);
	free(s.audit_ref);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inc_config *cfg = NULL;
	inc_error err;
	FILE *f;

	if (size > 16384)
		return 0;
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	if (inc_config_load(&cfg, dir, &err) == 0)
		read_values(cfg);
	else if (err.message[0] == '\0')
		abort();
	inc_config_free(cfg);
	return 0;
}
