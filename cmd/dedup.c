/* --dedup-key K instead of an incident id (resolve, triage, note, show,
 * alerts): the incident the key names becomes the first operand. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

int
dedup_operand(struct inc_ctx *ctx, const char *key, int *argc, char ***argv,
              char **mem)
{
	char id[INC_ID_LEN + 1], **v;
	inc_error err;

	*mem = NULL;
	if (key == NULL)
		return 0;
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOTFOUND,
		              "no incident has the dedup key '%.60s'", key);
		return fail(&err);
	}
	if (inc_id_from_dedup(id, ctx->store, key, &err) < 0)
		return fail(&err);
	/* one block: the new argv, then the id it points to */
	*mem = malloc(sizeof(char *) * ((size_t)*argc + 2) + sizeof(id));
	if (*mem == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	v = (char **)(void *)*mem;
	v[0] = (char *)(v + *argc + 2);
	memcpy(v[0], id, sizeof(id));
	for (int i = 0; i < *argc; i++)
		v[i + 1] = (*argv)[i];
	v[*argc + 1] = NULL;
	*argv = v;
	(*argc)++;
	return 0;
}
