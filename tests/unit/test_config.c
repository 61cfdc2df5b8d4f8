#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "internal.h"

static char home[256];

static void
write_file(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", home, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	char path[512];

	(void)state;
	snprintf(home, sizeof(home), "/tmp/inc-config-XXXXXX");
	if (mkdtemp(home) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/.config", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/.config/incident", home);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/store", home);
	mkdir(path, 0700);
	setenv("HOME", home, 1);
	snprintf(path, sizeof(path), "%s/.config", home);
	setenv("XDG_CONFIG_HOME", path, 1);
	setenv("USER", "fallback-user", 1);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", home);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_identity_order(void **state)
{
	inc_config *cfg;
	inc_error err;
	char who[256], store[512];

	(void)state;
	snprintf(store, sizeof(store), "%s/store", home);
	/* nothing configured: $USER */
	assert_int_equal(inc_config_load(&cfg, store, &err), 0);
	inc_config_identity(who, sizeof(who), cfg);
	assert_string_equal(who, "fallback-user");
	inc_config_free(cfg);

	/* git's file, indented as git writes it */
	write_file(".gitconfig", "[user]\n\tname = Git Person\n"
	                         "\temail = git@example.com\n"
	                         "[core]\n\teditor = vi\n");
	assert_int_equal(inc_config_load(&cfg, store, &err), 0);
	inc_config_identity(who, sizeof(who), cfg);
	assert_string_equal(who, "Git Person <git@example.com>");
	inc_config_free(cfg);

	/* our own name is never paired with git's address */
	write_file(".config/incident/config",
	           "# comment\n[user]\n    name = \"Own Name\"\n");
	assert_int_equal(inc_config_load(&cfg, store, &err), 0);
	inc_config_identity(who, sizeof(who), cfg);
	assert_string_equal(who, "Own Name");
	inc_config_free(cfg);

	/* our own config wins, the store's over the user's */
	write_file("store/config", "[user]\nemail = store@example.com\n");
	assert_int_equal(inc_config_load(&cfg, store, &err), 0);
	inc_config_identity(who, sizeof(who), cfg);
	assert_string_equal(who, "Own Name <store@example.com>");
	inc_config_free(cfg);
}

static void
test_keys(void **state)
{
	const char *vals[4];
	inc_config *cfg;
	inc_error err;

	(void)state;
	write_file(
	        ".config/incident/config",
	        "[Severity]\n\tNames = P1, P2, P3\n"
	        "[escalation \"DB-oncall\"]\n\tlevel = alice\n\tlevel = bob\n"
	        "\ttimeout = 15m ; inline comment\n");
	assert_int_equal(inc_config_load(&cfg, NULL, &err), 0);
	assert_string_equal(inc_config_get(cfg, "severity.names"),
	                    "P1, P2, P3");
	assert_string_equal(inc_config_get(cfg, "escalation.DB-oncall.timeout"),
	                    "15m");
	assert_int_equal(
	        inc_config__get_all(cfg, "escalation.DB-oncall.level", vals, 4),
	        2);
	assert_string_equal(vals[0], "alice");
	assert_string_equal(vals[1], "bob");
	assert_null(inc_config_get(cfg, "escalation.db-oncall.timeout"));
	assert_null(inc_config_get(cfg, "no.such"));
	inc_config_free(cfg);
}

static void
test_syntax_error(void **state)
{
	inc_config *cfg = NULL;
	inc_error err = {0};

	(void)state;
	write_file(".config/incident/config",
	           "[user]\nname = ok\nthis is bad\n");
	assert_int_equal(inc_config_load(&cfg, NULL, &err), INC_ERROR);
	assert_null(cfg);
	assert_non_null(strstr(err.message, "config:3: bad config line"));
	/* git's files are read leniently: a bad line there is no error */
	write_file(".config/incident/config", "[user]\nname = ok\n");
	write_file(".gitconfig", "[alias]\n\tbroken\n[user]\n\tname = G\n");
	assert_int_equal(inc_config_load(&cfg, NULL, &err), 0);
	inc_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_identity_order),
	        cmocka_unit_test(test_keys),
	        cmocka_unit_test(test_syntax_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
