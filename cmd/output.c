/* JSON for scripts: one document per command, "format" first. */
#include <limits.h>
#include <stdlib.h>

#include "cmd.h"

cJSON *
json_doc(void)
{
	cJSON *root = cJSON_CreateObject();

	if (root != NULL)
		cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	return root;
}

/* A count in a document for display: 0 when absent or not a count. */
int
json_count(const cJSON *obj, const char *key)
{
	int64_t n;

	inc_json_int(&n, obj, key, 0, INT_MAX);
	return (int)n;
}

/* Prints and frees root. */
int
print_json(cJSON *root)
{
	char *text = root != NULL ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (text == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	puts(text);
	free(text);
	return EXIT_OK;
}
