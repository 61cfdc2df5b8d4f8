/*
 * forge-event: writes an event file the way a replica would, with a valid
 * id (the SHA-256 of its canonical JSON without "id"), whatever its values
 * are: for tests that hand a store events no local write would make
 * (a Lamport clock of 2^60 or 1e300, severity 99999999, a self-merge,
 * a 20 MB note, invalid UTF-8, a kind from a newer version).
 *
 * usage: forge-event DIR < spec.json
 *
 * spec.json is one JSON object with the members of an event, any order:
 * incident, kind, at, recorded_at, lamport, replica, actor, payload, and
 * optionally format (default 1), id (default: the hash) and path (default:
 * the path of the audit tree, incidents/<2>/<incident>/events/ or, for a
 * scope id such as rota:db, scopes/rota/db/events/
 * <lamport>-<replica>-<id>.json). Missing members get defaults: kind
 * "noted", times 2026-11-24T09:00:00Z, lamport 1, replica
 * "0000000000000000", actor "forger", payload {}. Strings are taken byte
 * for byte (a "\xff" in the spec's text stays invalid UTF-8). Writes
 * DIR/<path> and prints <path> on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static char *
slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, k;
	char *buf = malloc(cap);

	while (buf != NULL && (k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap && (buf = realloc(buf, cap *= 2)) == NULL)
			break;
	}
	*len = n;
	return buf;
}

static cJSON *
member(const cJSON *spec, const char *key, cJSON *fallback)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);

	if (v == NULL)
		return fallback;
	cJSON_Delete(fallback);
	return cJSON_Duplicate(v, true);
}

/* The canonical order of inc_event__json(), with any values. */
static cJSON *
canonical(const cJSON *spec, const char *id)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *lamport;
	char digits[32];

	cJSON_AddItemToObject(
	        o, "format",
	        member(spec, "format", cJSON_CreateNumber(INC_JSON_FORMAT)));
	if (id != NULL)
		cJSON_AddStringToObject(o, "id", id);
	cJSON_AddItemToObject(o, "incident",
	                      member(spec, "incident", cJSON_CreateNull()));
	cJSON_AddItemToObject(
	        o, "kind", member(spec, "kind", cJSON_CreateString("noted")));
	cJSON_AddItemToObject(
	        o, "at",
	        member(spec, "at", cJSON_CreateString("2026-11-24T09:00:00Z")));
	cJSON_AddItemToObject(
	        o, "recorded_at",
	        member(spec, "recorded_at",
	               cJSON_CreateString("2026-11-24T09:00:00Z")));
	lamport = cJSON_GetObjectItemCaseSensitive(spec, "lamport");
	if (cJSON_IsNumber(lamport) && lamport->valuedouble >= -9e18 &&
	    lamport->valuedouble <= 9e18 &&
	    lamport->valuedouble == (double)(long long)lamport->valuedouble) {
		/* a whole number as its digits, as inc_event__json() does */
		snprintf(digits, sizeof(digits), "%lld",
		         (long long)lamport->valuedouble);
		cJSON_AddRawToObject(o, "lamport", digits);
	} else {
		cJSON_AddItemToObject(
		        o, "lamport",
		        member(spec, "lamport", cJSON_CreateNumber(1)));
	}
	cJSON_AddItemToObject(o, "replica",
	                      member(spec, "replica",
	                             cJSON_CreateString("0000000000000000")));
	cJSON_AddItemToObject(
	        o, "actor",
	        member(spec, "actor", cJSON_CreateString("forger")));
	cJSON_AddItemToObject(o, "payload",
	                      member(spec, "payload", cJSON_CreateObject()));
	return o;
}

static int
mkdirs(char *path)
{
	for (char *p = strchr(path + 1, '/'); p != NULL;
	     p = strchr(p + 1, '/')) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char id[INC_EVENT_ID_LEN + 1], path[1024], *full, *text;
	const char *incident, *replica;
	const cJSON *v;
	cJSON *spec, *o;
	size_t len;
	double lamport;
	char *in;
	FILE *f;

	if (argc != 2) {
		fputs("usage: forge-event DIR < spec.json\n", stderr);
		return 2;
	}
	in = slurp(stdin, &len);
	if (in == NULL || (spec = cJSON_ParseWithLength(in, len)) == NULL) {
		fputs("forge-event: the spec is not JSON\n", stderr);
		return 1;
	}
	o = canonical(spec, NULL);
	text = cJSON_PrintUnformatted(o);
	inc_util__sha256_hex(id, text, strlen(text));
	free(text);
	cJSON_Delete(o);
	if ((v = cJSON_GetObjectItemCaseSensitive(spec, "id")) != NULL &&
	    cJSON_IsString(v))
		snprintf(id, sizeof(id), "%s", v->valuestring);
	incident = inc_json__str(spec, "incident");
	replica = inc_json__str(spec, "replica");
	v = cJSON_GetObjectItemCaseSensitive(spec, "lamport");
	lamport = cJSON_IsNumber(v) ? v->valuedouble : 1;
	if (inc_json__str(spec, "path") != NULL)
		snprintf(path, sizeof(path), "%s", inc_json__str(spec, "path"));
	else if (incident != NULL && strchr(incident, ':') != NULL)
		/* a scope's event (rota:db): scopes/<kind>/<name>/events/ */
		snprintf(path, sizeof(path),
		         "scopes/%.*s/%s/events/%010lld-%s-%s.json",
		         (int)(strchr(incident, ':') - incident), incident,
		         strchr(incident, ':') + 1,
		         lamport >= 0 && lamport < 9e18 ? (long long)lamport
		                                        : 9999999999LL,
		         replica ? replica : "0000000000000000", id);
	else
		snprintf(path, sizeof(path),
		         "incidents/%.2s/%s/events/%010lld-%s-%s.json",
		         incident ? incident : "xx",
		         incident ? incident : "none",
		         lamport >= 0 && lamport < 9e18 ? (long long)lamport
		                                        : 9999999999LL,
		         replica ? replica : "0000000000000000", id);
	o = canonical(spec, id);
	text = cJSON_PrintUnformatted(o);
	full = malloc(strlen(argv[1]) + strlen(path) + 2);
	sprintf(full, "%s/%s", argv[1], path);
	mkdirs(full);
	if ((f = fopen(full, "w")) == NULL || fprintf(f, "%s\n", text) < 0 ||
	    fclose(f) != 0) {
		perror(full);
		return 1;
	}
	puts(path);
	free(full);
	free(text);
	free(in);
	cJSON_Delete(o);
	cJSON_Delete(spec);
	return 0;
}
