/*
 * Runbooks: Markdown files in runbooks.dir, each with a small header that
 * says what it applies to, a title and a checklist. The folder may be a
 * checkout of a team's repository, so it is read whole (dot-folders such
 * as .git left out) and every file is held to limits before it is
 * believed: a file that cannot be a runbook is a problem for the caller
 * to show, never an error of the command. The version the responders
 * follow is recorded on the timeline (runbook_attached, with the SHA-256
 * of the file), and the steps they tick are checked against that
 * version, not against what the folder holds later.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DEPTH_MAX 8     /* folders within folders */
#define FILES_MAX 1000  /* runbooks read from one folder */
#define HEADER_MAX 64   /* lines of a header */
#define LABEL_BYTES 100 /* as kind.c's labels */

/* ---- problems: lines for the caller, never printed here ---- */

static void problem(inc_strarray *a, bool *nomem, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
problem(inc_strarray *a, bool *nomem, const char *fmt, ...)
{
	char buf[INC_RUNBOOK_PATH_MAX + 300], **v;
	va_list ap;

	if (a == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((v = realloc(a->strings, (a->count + 1) * sizeof(*v))) == NULL) {
		*nomem = true;
		return;
	}
	a->strings = v;
	if ((v[a->count] = inc_util__strdup(buf)) == NULL) {
		*nomem = true;
		return;
	}
	a->count++;
}

/*
 * At most max bytes of s for a message, cut before a character, never
 * inside one, and "..." where it was cut; buf holds max + 4 bytes.
 */
static const char *
cut(char *buf, size_t size, const char *s, size_t max)
{
	if (s == NULL)
		return "";
	if (strlen(s) <= max)
		return s;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	snprintf(buf, size, "%.*s...", (int)max, s);
	return buf;
}

/* ---- the file ---- */

/* The bytes of a byte order mark at the start of b: editors on some
 * systems write one, and it is no part of the text. */
static size_t
bom_len(const char *b, size_t n)
{
	return n >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/*
 * Whether the bytes open a header, "---" alone on the first line (after a
 * byte order mark): what tells a runbook from any other Markdown file of
 * a team's checkout, a README.md, which is no runbook and no problem.
 */
static bool
opens_header(const char *b, size_t n)
{
	size_t o = bom_len(b, n);

	return n - o >= 3 && memcmp(b + o, "---", 3) == 0 &&
	       (n - o == 3 || b[o + 3] == '\n' || b[o + 3] == '\r');
}

void
inc_runbook__release(struct inc_runbook__file *rb)
{
	free(rb->path);
	free(rb->title);
	for (size_t i = 0; i < rb->nservices; i++)
		free(rb->services[i]);
	for (size_t i = 0; i < rb->ntags; i++)
		free(rb->tags[i]);
	for (size_t i = 0; i < rb->nseverities; i++)
		free(rb->severities[i]);
	for (size_t i = 0; i < rb->nsteps; i++)
		free(rb->steps[i]);
	memset(rb, 0, sizeof(*rb));
}

/* The next line of [*p, end): its start and length, without \r or \n;
 * \r\n, \n and a lone \r all end a line. false at the end. */
static bool
next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *s = *p, *e = s;

	if (s >= end)
		return false;
	while (e < end && *e != '\n' && *e != '\r')
		e++;
	*line = s;
	*len = (size_t)(e - s);
	/* never a look behind the start: the first line may be empty */
	if (e < end && *e == '\r') {
		e++;
		if (e < end && *e == '\n')
			e++;
	} else if (e < end && *e == '\n') {
		e++;
	}
	*p = e;
	return true;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* "db, postgres" (or "[db, postgres]", quoted, or space-separated) */
static int
split_labels(char **out, size_t *n, const char *v, size_t len, const char *key,
             inc_error *err)
{
	const char *end = v + len;

	while (v < end) {
		const char *w;
		size_t wl;

		while (v < end && strchr(" \t,[]\"'", *v) != NULL)
			v++;
		w = v;
		while (v < end && strchr(" \t,[]\"'", *v) == NULL)
			v++;
		if ((wl = (size_t)(v - w)) == 0)
			continue;
		if (wl > LABEL_BYTES)
			return inc_error_set(err, INC_EINVALID,
			                     "a %s longer than %d bytes", key,
			                     LABEL_BYTES);
		if (*n >= INC_RUNBOOK_LABELS_MAX)
			return inc_error_set(err, INC_EINVALID,
			                     "more than %d %s",
			                     INC_RUNBOOK_LABELS_MAX, key);
		if ((out[*n] = strndup(w, wl)) == NULL)
			return inc_error__nomem(err);
		(*n)++;
	}
	return 0;
}

static bool
key_is(const char *k, size_t klen, const char *a, const char *b)
{
	return (klen == strlen(a) && strncasecmp(k, a, klen) == 0) ||
	       (klen == strlen(b) && strncasecmp(k, b, klen) == 0);
}

/* A checklist item: "- [ ] text", "* [x] text", indented or not. */
static bool
step_of(const char **text, size_t *tlen, const char *l, size_t len)
{
	trim(&l, &len);
	if (len < 6 || (l[0] != '-' && l[0] != '*' && l[0] != '+') ||
	    l[1] != ' ' || l[2] != '[' ||
	    (l[3] != ' ' && l[3] != 'x' && l[3] != 'X') || l[4] != ']' ||
	    (l[5] != ' ' && l[5] != '\t'))
		return false;
	*text = l + 6;
	*tlen = len - 6;
	trim(text, tlen);
	return *tlen > 0;
}

int
inc_runbook__parse(struct inc_runbook__file *rb, const char *bytes, size_t len,
                   inc_error *err)
{
	const char *p = bytes, *end = bytes + len, *l;
	char *copy;
	size_t ll;
	int ret, n = 0;
	bool closed = false;

	if (!opens_header(bytes, len))
		return inc_error_set(err, INC_ENOTFOUND,
		                     "no header (a first line '---')");
	if (len > INC_RUNBOOK_FILE_MAX)
		return inc_error_set(err, INC_EINVALID, "larger than %d bytes",
		                     INC_RUNBOOK_FILE_MAX);
	if (memchr(bytes, '\0', len) != NULL)
		return inc_error_set(err, INC_EINVALID, "holds a NUL byte");
	if ((copy = strndup(bytes, len)) == NULL)
		return inc_error__nomem(err);
	ret = inc_text_check(copy, INC_RUNBOOK_FILE_MAX, "the file", NULL);
	free(copy);
	if (ret < 0)
		return inc_error_set(err, INC_EINVALID, "not valid UTF-8");
	/* the "---" line, after a byte order mark */
	p += bom_len(bytes, len);
	(void)next_line(&p, end, &l, &ll);
	while (next_line(&p, end, &l, &ll)) {
		const char *colon, *v;
		size_t klen, vlen;

		if (ll == 3 && memcmp(l, "---", 3) == 0) {
			closed = true;
			break;
		}
		if (++n > HEADER_MAX)
			break;
		if ((colon = memchr(l, ':', ll)) == NULL)
			continue;
		klen = (size_t)(colon - l);
		v = colon + 1;
		vlen = (size_t)(l + ll - v);
		trim(&l, &klen);
		if (key_is(l, klen, "services", "service"))
			ret = split_labels(rb->services, &rb->nservices, v,
			                   vlen, "services", err);
		else if (key_is(l, klen, "tags", "tag"))
			ret = split_labels(rb->tags, &rb->ntags, v, vlen,
			                   "tags", err);
		else if (key_is(l, klen, "severity", "severities"))
			ret = split_labels(rb->severities, &rb->nseverities, v,
			                   vlen, "severities", err);
		/* other keys (owner, review dates...) are the team's */
		if (ret < 0)
			return ret;
	}
	if (!closed)
		return inc_error_set(err, INC_EINVALID,
		                     "the header has no closing '---' within "
		                     "%d lines",
		                     HEADER_MAX);
	while (next_line(&p, end, &l, &ll)) {
		const char *t;
		size_t tl;

		if (rb->title == NULL && ll > 2 && l[0] == '#' && l[1] == ' ') {
			t = l + 2;
			tl = ll - 2;
			trim(&t, &tl);
			if (tl > INC_TITLE_MAX)
				return inc_error_set(err, INC_EINVALID,
				                     "a title longer than %d "
				                     "bytes",
				                     INC_TITLE_MAX);
			if (tl > 0 && (rb->title = strndup(t, tl)) == NULL)
				return inc_error__nomem(err);
			continue;
		}
		if (!step_of(&t, &tl, l, ll))
			continue;
		if (tl > INC_TITLE_MAX)
			return inc_error_set(err, INC_EINVALID,
			                     "step %zu is longer than %d bytes",
			                     rb->nsteps + 1, INC_TITLE_MAX);
		if (rb->nsteps >= INC_RUNBOOK_STEPS_MAX)
			return inc_error_set(err, INC_EINVALID,
			                     "more than %d steps",
			                     INC_RUNBOOK_STEPS_MAX);
		if ((rb->steps[rb->nsteps] = strndup(t, tl)) == NULL)
			return inc_error__nomem(err);
		rb->nsteps++;
	}
	if (rb->nservices == 0 && rb->ntags == 0)
		return inc_error_set(
		        err, INC_EINVALID,
		        "its header names no services and no tags");
	return 0;
}

/* ---- matching ---- */

static size_t
count_in(char *const *labels, size_t n, const cJSON *arr)
{
	const cJSON *v;
	size_t hits = 0;

	for (size_t i = 0; i < n; i++)
		cJSON_ArrayForEach (v, arr)
			if (cJSON_IsString(v) &&
			    strcasecmp(v->valuestring, labels[i]) == 0) {
				hits++;
				break;
			}
	return hits;
}

/*
 * A runbook applies when one of its services or tags is the incident's
 * and, when it names severities, the incident's is one of them. The most
 * specific wins: matched by a service over by a tag alone, then narrowed
 * by severity over not, then more labels matched; a tie goes to the
 * first path in byte order (the caller's scan is sorted).
 */
long
inc_runbook__score(const struct inc_runbook__file *rb, const cJSON *doc)
{
	size_t svc =
	        count_in(rb->services, rb->nservices,
	                 cJSON_GetObjectItemCaseSensitive(doc, "services"));
	size_t tag = count_in(rb->tags, rb->ntags,
	                      cJSON_GetObjectItemCaseSensitive(doc, "tags"));
	int sev = inc_doc__int(doc, "severity");
	bool in = false;

	if (svc + tag == 0)
		return -1;
	for (size_t i = 0; i < rb->nsev; i++)
		in = in || rb->sev[i] == sev;
	if (rb->nsev > 0 && !in)
		return -1;
	return (svc > 0 ? 1L << 20 : 0) + (rb->nsev > 0 ? 1L << 19 : 0) +
	       (long)(svc + tag);
}

/* ---- the folder ---- */

struct scan {
	inc_store *s;
	char *dir;                       /* runbooks.dir, resolved */
	struct inc_runbook__file *files; /* sorted by path */
	size_t n, cap;
	inc_strarray *problems;
	bool every_file; /* a problem also for a file that is no runbook */
	bool nomem;
	bool truncated;
};

static void
scan_release(struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++)
		inc_runbook__release(&sc->files[i]);
	free(sc->files);
	free(sc->dir);
	memset(sc, 0, sizeof(*sc));
}

/*
 * Where the runbooks are: config runbooks.dir, relative to the store's
 * folder, else runbooks/ in it. *explicit: it was configured, so a
 * folder that cannot be read is an error (the default may be missing).
 */
static int
runbooks_dir(char **out, bool *explicit, inc_store *s, inc_error *err)
{
	const inc_config *cfg = NULL;
	const char *v;
	int ret;

	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	v = inc_config_get(cfg, "runbooks.dir");
	*explicit = v != NULL && *v != '\0';
	if (!*explicit)
		v = "runbooks";
	*out = v[0] == '/' ? inc_util__strdup(v)
	                   : inc_util__asprintf("%s/%s", inc_store_dir(s), v);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

/*
 * dir/rel with every link followed, when that is inside dir (its links
 * followed too); else an error. A path comes from a file in the folder
 * or from an event that any replica may have written (kind.c holds it to
 * a path inside the folder), and the folder may be a team's checkout:
 * neither a "../" nor a link to /etc/passwd reads a file elsewhere.
 */
static int
resolve_inside(char **out, const char *dir, const char *rel, inc_error *err)
{
	char *full = inc_util__asprintf("%s/%s", dir, rel);
	char *rdir = NULL, *rfull = NULL;
	size_t n;
	int e, ret = 0;

	*out = NULL;
	if (full == NULL)
		return inc_error__nomem(err);
	if ((rdir = realpath(dir, NULL)) == NULL ||
	    (rfull = realpath(full, NULL)) == NULL) {
		e = errno;
		ret = e == ENOMEM ? inc_error__nomem(err)
		                  : inc_error_set(err, INC_ERROR,
		                                  "cannot read it: %s",
		                                  strerror(e));
		goto done;
	}
	n = strlen(rdir);
	if (strcmp(rdir, "/") != 0 &&
	    (strncmp(rfull, rdir, n) != 0 || rfull[n] != '/')) {
		ret = inc_error_set(err, INC_EINVALID,
		                    "a link to a file outside runbooks.dir");
		goto done;
	}
	*out = rfull;
	rfull = NULL;
done:
	free(full);
	free(rdir);
	free(rfull);
	return ret;
}

/* Reads the file rel of runbooks.dir dir, of at most the limit, never
 * one outside dir. INC_ENOTFOUND: a file too big that is no runbook. */
static int
read_file(char **out, size_t *len, const char *dir, const char *rel,
          inc_error *err)
{
	struct stat st;
	size_t size, n = 0;
	char *buf, *full;
	ssize_t r;
	int fd, e, ret;

	*out = NULL;
	if ((ret = resolve_inside(&full, dir, rel, err)) < 0)
		return ret;
	/* the last part as resolved: a link put there since is not followed */
	fd = open(full,
	          O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	free(full);
	if (fd < 0)
		return inc_error_set(err, INC_ERROR, "cannot read it: %s",
		                     strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return inc_error_set(err, INC_EINVALID, "not a regular file");
	}
	if (st.st_size > INC_RUNBOOK_FILE_MAX) {
		/* a big file of the checkout that is no runbook is fine */
		char head[8];
		r = pread(fd, head, sizeof(head), 0);
		close(fd);
		if (r >= 0 && !opens_header(head, (size_t)r))
			return inc_error_set(err, INC_ENOTFOUND,
			                     "no header (a first line '---')");
		return inc_error_set(err, INC_EINVALID, "larger than %d bytes",
		                     INC_RUNBOOK_FILE_MAX);
	}
	/* the size fstat() said, and one byte more to see that it grew */
	size = (size_t)st.st_size;
	if ((buf = malloc(size + 2)) == NULL) {
		close(fd);
		return inc_error__nomem(err);
	}
	while (n < size + 1) {
		if ((r = read(fd, buf + n, size + 1 - n)) < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			free(buf);
			close(fd);
			return inc_error_set(err, INC_ERROR,
			                     "cannot read it: %s", strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > size) {
		free(buf);
		return inc_error_set(err, INC_ERROR,
		                     "it grew while it was read");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static bool
path_ok(const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return inc_text_check(path, INC_RUNBOOK_PATH_MAX, "", NULL) == 0;
}

/* The severities of the header on the store's scale. */
static int
resolve_severities(struct inc_runbook__file *rb, inc_store *s, inc_error *err)
{
	rb->nsev = 0;
	for (size_t i = 0; i < rb->nseverities; i++) {
		char c[44];
		int level;
		inc_error e;
		if (inc_severity_parse(&level, s, rb->severities[i], &e) < 0)
			return inc_error_set(
			        err, INC_EINVALID,
			        "severity '%s' is not on the store's scale",
			        cut(c, sizeof(c), rb->severities[i], 40));
		rb->sev[rb->nsev++] = level;
	}
	return 0;
}

/* Reads, hashes and parses one file; rel is its path in runbooks.dir. */
static int
load_one(struct inc_runbook__file *rb, inc_store *s, const char *dir,
         const char *rel, inc_error *err)
{
	char *bytes = NULL;
	size_t len = 0;
	int ret;

	memset(rb, 0, sizeof(*rb));
	ret = read_file(&bytes, &len, dir, rel, err);
	if (ret < 0)
		return ret;
	inc_util__sha256_hex(rb->hash, bytes, len);
	if ((ret = inc_runbook__parse(rb, bytes, len, err)) == 0 &&
	    (ret = resolve_severities(rb, s, err)) == 0 &&
	    (rb->path = inc_util__strdup(rel)) == NULL)
		ret = inc_error__nomem(err);
	if (ret == 0 && rb->title == NULL) {
		/* no "# title": the file's name says it */
		const char *base = strrchr(rel, '/');
		base = base != NULL ? base + 1 : rel;
		if ((rb->title = strndup(base, strlen(base) - 3)) == NULL)
			ret = inc_error__nomem(err);
	}
	free(bytes);
	if (ret < 0)
		inc_runbook__release(rb);
	return ret;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_markdown(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

static int walk(struct scan *sc, const char *rel, int depth, inc_error *err);

static int
visit(struct scan *sc, const char *rel, int depth, inc_error *err)
{
	char *full = inc_util__asprintf("%s/%s", sc->dir, rel);
	struct stat st;
	inc_error e;
	int ret = 0;

	if (full == NULL)
		return inc_error__nomem(err);
	/* a folder is entered only as itself: a link to one could loop */
	if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
		free(full);
		if (depth >= DEPTH_MAX) {
			problem(sc->problems, &sc->nomem,
			        "%s: deeper than %d folders: not read", rel,
			        DEPTH_MAX);
			return 0;
		}
		return walk(sc, rel, depth + 1, err);
	}
	free(full);
	if (!is_markdown(rel))
		return 0;
	if (!path_ok(rel)) {
		problem(sc->problems, &sc->nomem,
		        "a file whose path is not one line of UTF-8 "
		        "text of at most %d bytes: skipped",
		        INC_RUNBOOK_PATH_MAX);
		return 0;
	}
	if (sc->n >= FILES_MAX) {
		if (!sc->truncated)
			problem(sc->problems, &sc->nomem,
			        "more than %d runbooks: the rest are skipped",
			        FILES_MAX);
		sc->truncated = true;
		return 0;
	}
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 16;
		struct inc_runbook__file *nf =
		        realloc(sc->files, cap * sizeof(*nf));
		if (nf == NULL)
			return inc_error__nomem(err);
		sc->files = nf;
		sc->cap = cap;
	}
	ret = load_one(&sc->files[sc->n], sc->s, sc->dir, rel, &e);
	if (ret == INC_ENOMEM)
		return inc_error__nomem(err);
	if (ret == INC_ENOTFOUND) {
		/* a README.md: said by the list, kept from every show */
		if (sc->every_file)
			problem(sc->problems, &sc->nomem,
			        "%s: not a runbook (no header)", rel);
		return 0;
	}
	if (ret < 0) {
		problem(sc->problems, &sc->nomem, "%s: skipped: %s", rel,
		        e.message);
		return 0;
	}
	sc->n++;
	return 0;
}

/* The folder rel ("" for runbooks.dir itself), in name order. */
static int
walk(struct scan *sc, const char *rel, int depth, inc_error *err)
{
	char *full = *rel ? inc_util__asprintf("%s/%s", sc->dir, rel)
	                  : inc_util__strdup(sc->dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (full == NULL)
		return inc_error__nomem(err);
	if ((d = opendir(full)) == NULL) {
		int e = errno;
		free(full);
		if (depth == 0)
			return inc_error_set(
			        err, e == ENOENT ? INC_ENOTFOUND : INC_ERROR,
			        "runbooks.dir %s: %s", sc->dir, strerror(e));
		problem(sc->problems, &sc->nomem, "%s: not read: %s", rel,
		        strerror(e));
		return 0;
	}
	free(full);
	while ((de = readdir(d)) != NULL) {
		char **nn;
		/* dot-files and dot-folders (.git) are no runbooks */
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				ret = inc_error__nomem(err);
				break;
			}
			names = nn;
		}
		if ((names[n] =
		             *rel ? inc_util__asprintf("%s/%s", rel, de->d_name)
		                  : inc_util__strdup(de->d_name)) == NULL) {
			ret = inc_error__nomem(err);
			break;
		}
		n++;
	}
	closedir(d);
	if (ret == 0 && n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; ret == 0 && i < n; i++)
		ret = visit(sc, names[i], depth, err);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/*
 * Reads every runbook of runbooks.dir into sc. A missing default folder
 * is no runbooks; a configured one that cannot be read is an error. A
 * Markdown file without a header is a problem only with every_file.
 */
static int
scan(struct scan *sc, inc_store *s, inc_strarray *problems, bool every_file,
     inc_error *err)
{
	bool explicit = false;
	int ret;

	memset(sc, 0, sizeof(*sc));
	sc->s = s;
	sc->problems = problems;
	sc->every_file = every_file;
	if ((ret = runbooks_dir(&sc->dir, &explicit, s, err)) < 0)
		return ret;
	ret = walk(sc, "", 0, err);
	/* a folder that was configured and is not there is a failure of
	 * the configuration, not an incident not found */
	if (ret == INC_ENOTFOUND && explicit && err != NULL)
		err->code = INC_ERROR;
	if (ret == INC_ENOTFOUND)
		ret = explicit ? INC_ERROR : 0;
	if (ret == 0 && sc->nomem)
		ret = inc_error__nomem(err);
	return ret;
}

/* The runbook of sc that applies best to doc, or NULL. */
static const struct inc_runbook__file *
best(const struct scan *sc, const cJSON *doc)
{
	const struct inc_runbook__file *win = NULL;
	long top = -1;

	for (size_t i = 0; i < sc->n; i++) {
		long sc_i = inc_runbook__score(&sc->files[i], doc);
		if (sc_i > top || (sc_i == top && sc_i >= 0 &&
		                   strcmp(sc->files[i].path, win->path) < 0)) {
			top = sc_i;
			win = &sc->files[i];
		}
	}
	return win;
}

/* ---- attaching, checking ---- */

static cJSON *
attach_payload(const struct inc_runbook__file *rb)
{
	cJSON *p = cJSON_CreateObject(), *steps;

	if (p == NULL)
		return NULL;
	cJSON_AddStringToObject(p, "path", rb->path);
	cJSON_AddStringToObject(p, "hash", rb->hash);
	cJSON_AddStringToObject(p, "title", rb->title);
	steps = cJSON_AddArrayToObject(p, "steps");
	for (size_t i = 0; steps != NULL && i < rb->nsteps; i++)
		cJSON_AddItemToArray(steps, cJSON_CreateString(rb->steps[i]));
	if (cJSON_GetArraySize(steps) != (int)rb->nsteps ||
	    cJSON_GetObjectItemCaseSensitive(p, "title") == NULL) {
		cJSON_Delete(p);
		return NULL;
	}
	return p;
}

static bool
attached(const inc_incident *cur)
{
	return cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(
	        inc_incident__doc(cur), "runbook"));
}

/*
 * Attaches the runbook that applies to *cur when none is: required says
 * whether finding none is an error (check) or nothing (triage).
 */
static int
attach(inc_incident **cur, bool *appended, inc_store *s, const char *short_id,
       const inc_change_opts *o, int64_t now, bool required,
       inc_strarray *problems, inc_error *err)
{
	const struct inc_runbook__file *rb;
	inc_change_opts ao = *o;
	struct scan sc;
	cJSON *p;
	int ret;

	if (attached(*cur))
		return 0;
	if ((ret = scan(&sc, s, problems, false, err)) < 0) {
		scan_release(&sc);
		return ret;
	}
	if ((rb = best(&sc, inc_incident__doc(*cur))) == NULL) {
		scan_release(&sc);
		return required ? inc_error_set(err, INC_ENOTFOUND,
		                                "%s: no runbook applies to it "
		                                "(incident runbook --list)",
		                                short_id)
		                : 0;
	}
	if ((p = attach_payload(rb)) == NULL) {
		scan_release(&sc);
		return inc_error__nomem(err);
	}
	ao.text = NULL;
	/* a file that passed the parser fits the kind; should it not, the
	 * event is refused here, before the state is handed over */
	if ((ret = inc_kind__check("runbook_attached", p, err)) == 0) {
		*appended = true;
		ret = inc_change__append(cur, s, short_id, INC_ACTION_RUNBOOK,
		                         &ao, p, now, err);
	}
	cJSON_Delete(p);
	scan_release(&sc);
	return ret;
}

int
inc_runbook__triaged(inc_incident **cur, inc_store *s, const char *short_id,
                     const inc_change_opts *o, int64_t now, inc_error *err)
{
	bool appended = false;
	inc_error e;
	int ret = attach(cur, &appended, s, short_id, o, now, false, NULL, &e);

	/*
	 * A runbook never stops a triage: a folder that cannot be read means
	 * none. Once the event was being written, a failure is the store's
	 * (and *cur is spent), as is running out of memory.
	 */
	if (ret < 0 && (appended || ret == INC_ENOMEM)) {
		if (err != NULL)
			*err = e;
		return ret;
	}
	return 0;
}

/* The step the user named: a number, or a unique prefix of its text. */
static int
find_step(const cJSON **out, const cJSON *steps, const char *short_id,
          const char *typed, inc_error *err)
{
	const cJSON *st, *exact = NULL, *first = NULL;
	char list[160] = "", c[64], item[80];
	size_t len, hits = 0, o = 0;
	int n = cJSON_GetArraySize(steps);
	bool full = false;

	while (typed != NULL && (*typed == ' ' || *typed == '\t'))
		typed++;
	if (typed == NULL || *typed == '\0')
		return inc_error_set(
		        err, INC_EINVALID,
		        "which step? (a number or the start of its "
		        "text)");
	len = strlen(typed);
	if (strspn(typed, "0123456789") == len) {
		long v;
		errno = 0;
		v = strtol(typed, NULL, 10);
		if (errno == ERANGE || v < 1 || v > n)
			return inc_error_set(
			        err, INC_ENOTFOUND,
			        "%s: its runbook has no step %s (it has %d)",
			        short_id, cut(c, sizeof(c), typed, 20), n);
		*out = cJSON_GetArrayItem(steps, (int)v - 1);
		return 0;
	}
	cJSON_ArrayForEach (st, steps) {
		const char *text = inc_json__str(st, "text");
		if (text == NULL || strncasecmp(text, typed, len) != 0)
			continue;
		if (strlen(text) == len && exact == NULL)
			exact = st;
		if (first == NULL)
			first = st;
		hits++;
		/* whole items only, so that no character is cut */
		snprintf(item, sizeof(item), "%s%d (%s)", hits > 1 ? ", " : "",
		         inc_doc__int(st, "n"), cut(c, sizeof(c), text, 40));
		if (!full && o + strlen(item) + 6 < sizeof(list)) {
			memcpy(list + o, item, strlen(item) + 1);
			o += strlen(item);
		} else if (!full) {
			memcpy(list + o, ", ...", 6);
			full = true;
		}
	}
	if (exact != NULL || hits == 1) {
		*out = exact != NULL ? exact : first;
		return 0;
	}
	if (hits == 0)
		return inc_error_set(err, INC_ENOTFOUND,
		                     "%s: no step of its runbook starts with "
		                     "'%s'",
		                     short_id, cut(c, sizeof(c), typed, 60));
	return inc_error_set(err, INC_EAMBIGUOUS,
	                     "%s: '%s' starts several steps: %s", short_id,
	                     cut(c, sizeof(c), typed, 40), list);
}

/* "same", "changed" or "missing": the file on disk against hash. */
static const char *
disk_state(inc_store *s, const char *path, const char *hash, char **content)
{
	char *dir = NULL, *bytes = NULL, now[INC_EVENT_ID_LEN + 1];
	bool explicit;
	size_t len = 0;
	inc_error e;
	int ret;

	if (content != NULL)
		*content = NULL;
	if (path == NULL || runbooks_dir(&dir, &explicit, s, &e) < 0)
		return "missing";
	ret = read_file(&bytes, &len, dir, path, &e);
	free(dir);
	if (ret < 0)
		return "missing";
	inc_util__sha256_hex(now, bytes, len);
	/* the text is shown whole only when it is text */
	if (content != NULL && memchr(bytes, '\0', len) == NULL &&
	    inc_text_check(bytes, INC_RUNBOOK_FILE_MAX, "", NULL) == 0)
		*content = bytes;
	else
		free(bytes);
	return strcmp(now, hash) == 0 ? "same" : "changed";
}

int
inc_runbook_check(inc_incident **out, int *step, inc_strarray *warnings,
                  inc_store *s, const char *prefix, const inc_change_opts *o,
                  inc_error *err)
{
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	int64_t clock = inc_time_now();
	inc_incident *cur = NULL;
	const cJSON *rb, *st = NULL;
	bool was = false, nomem = false, appended = false;
	cJSON *p = NULL;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (step != NULL)
		*step = 0;
	if ((ret = inc_text_check(o->text != NULL ? o->text : "", INC_TEXT_MAX,
	                          "the note", err)) < 0)
		return ret;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_change__load(&cur, id, short_id, s, prefix, err)) < 0 ||
	    (ret = inc_action__check(INC_ACTION_CHECK, short_id,
	                             inc_incident_status(cur), err)) < 0)
		goto done;
	was = attached(cur);
	if ((ret = attach(&cur, &appended, s, short_id, o, clock, true,
	                  warnings, err)) < 0)
		goto done;
	rb = cJSON_GetObjectItemCaseSensitive(inc_incident__doc(cur),
	                                      "runbook");
	if ((ret = find_step(&st, cJSON_GetObjectItemCaseSensitive(rb, "steps"),
	                     short_id, o->step, err)) < 0)
		goto done;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "checked"))) {
		char t[64], by[64];
		ret = inc_error_set(
		        err, INC_EREFUSED,
		        "%s: step %d (%s) is checked already, by %s at %s",
		        short_id, inc_doc__int(st, "n"),
		        cut(t, sizeof(t), inc_json__str(st, "text"), 60),
		        cut(by, sizeof(by), inc_json__str(st, "checked_by"),
		            60),
		        inc_json__str(st, "checked_at"));
		goto done;
	}
	if (was) {
		const char *state = disk_state(s, inc_json__str(rb, "path"),
		                               inc_json__str(rb, "hash"), NULL);
		if (strcmp(state, "same") != 0)
			problem(warnings, &nomem,
			        "%s: %s since it was attached; the attached "
			        "version (%.12s) is used",
			        inc_json__str(rb, "path"),
			        strcmp(state, "changed") == 0
			                ? "the file changed"
			                : "the file is gone",
			        inc_json__str(rb, "hash"));
	}
	if (step != NULL)
		*step = inc_doc__int(st, "n");
	if ((p = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(p, "step", inc_doc__int(st, "n")) == NULL ||
	    cJSON_AddStringToObject(p, "text", inc_json__str(st, "text")) ==
	            NULL ||
	    cJSON_AddStringToObject(p, "hash", inc_json__str(rb, "hash")) ==
	            NULL ||
	    (o->text != NULL && o->text[strspn(o->text, " \t\r\n")] != '\0' &&
	     cJSON_AddStringToObject(p, "note", o->text) == NULL) ||
	    nomem) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if ((ret = inc_change__append(&cur, s, short_id, INC_ACTION_CHECK, o, p,
	                              clock, err)) < 0)
		goto done;
	if (!o->dry_run && (ret = inc_store__commit(s, err)) < 0)
		goto done;
	if (out != NULL) {
		*out = cur;
		cur = NULL;
	}
done:
	inc_store__rollback(s);
	inc_incident_free(cur);
	cJSON_Delete(p);
	return ret;
}

/* ---- documents ---- */

static cJSON *
strings(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a != NULL && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/* A runbook on disk in the shape of an attached one, plus what it
 * applies to. */
static cJSON *
file_json(const struct inc_runbook__file *rb)
{
	cJSON *o = cJSON_CreateObject(), *steps, *sev;

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "path", rb->path);
	cJSON_AddStringToObject(o, "hash", rb->hash);
	cJSON_AddStringToObject(o, "title", rb->title);
	cJSON_AddItemToObject(o, "services",
	                      strings(rb->services, rb->nservices));
	cJSON_AddItemToObject(o, "tags", strings(rb->tags, rb->ntags));
	sev = cJSON_AddArrayToObject(o, "severities");
	for (size_t i = 0; sev != NULL && i < rb->nsev; i++)
		cJSON_AddItemToArray(sev, cJSON_CreateNumber(rb->sev[i]));
	cJSON_AddNullToObject(o, "attached_at");
	cJSON_AddNullToObject(o, "attached_by");
	steps = cJSON_AddArrayToObject(o, "steps");
	for (size_t i = 0; steps != NULL && i < rb->nsteps; i++) {
		cJSON *st = cJSON_CreateObject();
		if (st == NULL)
			continue;
		cJSON_AddNumberToObject(st, "n", (double)i + 1);
		cJSON_AddStringToObject(st, "text", rb->steps[i]);
		cJSON_AddFalseToObject(st, "checked");
		cJSON_AddNullToObject(st, "checked_at");
		cJSON_AddNullToObject(st, "checked_by");
		cJSON_AddNullToObject(st, "note");
		cJSON_AddItemToArray(steps, st);
	}
	return o;
}

static cJSON *
problems_json(const inc_strarray *a)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr != NULL && i < a->count; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(a->strings[i]));
	return arr;
}

static int
print_doc(char **out, cJSON *doc, inc_error *err)
{
	*out = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;
	cJSON_Delete(doc);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

int
inc_runbook_list_json(char **out, inc_store *s, inc_error *err)
{
	inc_strarray problems = {NULL, 0};
	struct scan sc;
	cJSON *doc = NULL, *arr;
	int ret;

	*out = NULL;
	if ((ret = scan(&sc, s, &problems, true, err)) < 0)
		goto done;
	if ((doc = cJSON_CreateObject()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	cJSON_AddNumberToObject(doc, "format", INC_JSON_FORMAT);
	cJSON_AddStringToObject(doc, "dir", sc.dir);
	arr = cJSON_AddArrayToObject(doc, "runbooks");
	for (size_t i = 0; arr != NULL && i < sc.n; i++)
		cJSON_AddItemToArray(arr, file_json(&sc.files[i]));
	cJSON_AddItemToObject(doc, "problems", problems_json(&problems));
	ret = print_doc(out, doc, err);
	doc = NULL;
done:
	cJSON_Delete(doc);
	scan_release(&sc);
	inc_strarray_dispose(&problems);
	return ret;
}

int
inc_runbook_json(char **out, inc_store *s, const char *prefix, bool content,
                 inc_error *err)
{
	inc_strarray problems = {NULL, 0};
	inc_incident *inc = NULL;
	const cJSON *rb;
	struct scan sc = {0};
	char *text = NULL;
	cJSON *doc = NULL;
	int ret;

	*out = NULL;
	if ((ret = inc_incident_load(&inc, s, prefix, err)) < 0)
		goto done;
	if ((doc = cJSON_CreateObject()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	cJSON_AddNumberToObject(doc, "format", INC_JSON_FORMAT);
	cJSON_AddStringToObject(doc, "incident", inc_incident_id(inc));
	{
		/* for the messages: the id as the user sees it elsewhere */
		char short_id[INC_ID_LEN + 1];
		if ((ret = inc_id_short(short_id, s, inc_incident_id(inc),
		                        err)) < 0)
			goto done;
		cJSON_AddStringToObject(doc, "short_id", short_id);
	}
	rb = cJSON_GetObjectItemCaseSensitive(inc_incident__doc(inc),
	                                      "runbook");
	if (cJSON_IsObject(rb)) {
		const char *state = disk_state(s, inc_json__str(rb, "path"),
		                               inc_json__str(rb, "hash"),
		                               content ? &text : NULL);
		cJSON_AddTrueToObject(doc, "attached");
		cJSON_AddItemToObject(doc, "runbook",
		                      cJSON_Duplicate(rb, true));
		cJSON_AddStringToObject(doc, "file", state);
	} else if (!inc_action_allowed(INC_ACTION_CHECK,
	                               inc_incident_status(inc))) {
		/* over: no runbook will be attached any more */
		cJSON_AddFalseToObject(doc, "attached");
		cJSON_AddNullToObject(doc, "runbook");
		cJSON_AddNullToObject(doc, "file");
	} else {
		const struct inc_runbook__file *m;
		/* what check would attach: the folder read now */
		if ((ret = scan(&sc, s, &problems, false, err)) < 0)
			goto done;
		m = best(&sc, inc_incident__doc(inc));
		cJSON_AddFalseToObject(doc, "attached");
		if (m != NULL) {
			cJSON_AddItemToObject(doc, "runbook", file_json(m));
			cJSON_AddStringToObject(doc, "file", "same");
			if (content)
				(void)disk_state(s, m->path, m->hash, &text);
		} else {
			cJSON_AddNullToObject(doc, "runbook");
			cJSON_AddNullToObject(doc, "file");
		}
	}
	if (text != NULL)
		cJSON_AddStringToObject(doc, "content", text);
	else
		cJSON_AddNullToObject(doc, "content");
	cJSON_AddItemToObject(doc, "problems", problems_json(&problems));
	ret = print_doc(out, doc, err);
	doc = NULL;
done:
	cJSON_Delete(doc);
	free(text);
	scan_release(&sc);
	inc_incident_free(inc);
	inc_strarray_dispose(&problems);
	return ret;
}
