/*
 * libFuzzer harness: incident id prefixes (lib/id.c) as a user types
 * them, normalised and resolved against a store holding a few incidents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inc_store *store;
static char ids[8][INC_ID_LEN + 1];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* under $TMPDIR: run.sh points it into the build tree */
	const char *tmp = getenv("TMPDIR");
	char *dir;
	inc_error err;

	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	dir = inc_util__asprintf("%s/incident-fuzz-id.XXXXXX",
	                         tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (dir == NULL || mkdtemp(dir) == NULL ||
	    inc_store_open(&store, dir, INC_OPEN_CREATE, &err) < 0) {
		fprintf(stderr, "fuzz-id: no store in %s\n",
		        dir != NULL ? dir : "$TMPDIR");
		exit(1);
	}
	free(dir);
	for (int i = 0; i < 8; i++) {
		char title[32];
		inc_open_opts o = {.title = title};
		inc_incident *inc = NULL;

		snprintf(title, sizeof(title), "fuzz %d", i);
		if (inc_incident_open(&inc, NULL, store, &o, &err) < 0) {
			fprintf(stderr, "fuzz-id: %s\n", err.message);
			exit(1);
		}
		snprintf(ids[i], sizeof(ids[i]), "%s", inc_incident_id(inc));
		inc_incident_free(inc);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, norm[INC_ID_LEN + 1], full[INC_ID_LEN + 1];
	char shrt[INC_ID_LEN + 1];
	inc_error err;
	int ret;

	if (size > 256)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (inc_id_normalize(norm, sizeof(norm), text, &err) == 0 &&
	    strlen(norm) > INC_ID_LEN)
		abort();
	ret = inc_id_resolve(full, store, text, &err);
	if (ret == 0) {
		/* what resolves is one of the ids, and it has a short form */
		bool known = false;
		for (int i = 0; i < 8; i++)
			known = known || strcmp(full, ids[i]) == 0;
		if (!known || inc_id_short(shrt, store, full, &err) != 0 ||
		    strncmp(shrt, full, strlen(shrt)) != 0)
			abort();
	} else if (ret != INC_ENOTFOUND && ret != INC_EAMBIGUOUS &&
	           ret != INC_EINVALID) {
		abort();
	}
	free(text);
	return 0;
}
