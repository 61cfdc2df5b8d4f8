#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "internal.h"

struct entry {
	char *key; /* section[.subsection].name, section and name lowercased */
	char *value;
};

struct inc_config {
	struct entry *entries;
	size_t n, cap;
};

struct parse_state {
	inc_config *cfg;
	const char *prefix; /* "" for our files, "git." for git's */
	bool nomem;
};

static int
add_entry(inc_config *cfg, char *key, char *value)
{
	if (cfg->n == cfg->cap) {
		size_t cap = cfg->cap != 0 ? cfg->cap * 2 : 16;
		struct entry *e = realloc(cfg->entries, cap * sizeof(*e));
		if (e == NULL)
			return -1;
		cfg->entries = e;
		cfg->cap = cap;
	}
	cfg->entries[cfg->n].key = key;
	cfg->entries[cfg->n].value = value;
	cfg->n++;
	return 0;
}

/*
 * Turns inih's section ("alert \"pagerduty\"") and name into the key
 * "alert.pagerduty.name", as git does: section and name are
 * case-insensitive, the quoted subsection is not.
 */
static char *
make_key(const char *prefix, const char *section, const char *name)
{
	size_t len = strlen(prefix) + strlen(section) + strlen(name) + 3;
	char *key = malloc(len), *k = key;
	const char *s = section;

	if (key == NULL)
		return NULL;
	k += sprintf(k, "%s", prefix);
	while (*s != '\0' && *s != ' ' && *s != '"')
		*k++ = (char)tolower((unsigned char)*s++);
	while (*s == ' ')
		s++;
	if (*s == '"') {
		*k++ = '.';
		for (s++; *s != '\0' && *s != '"'; s++)
			*k++ = *s;
	}
	*k++ = '.';
	for (s = name; *s != '\0'; s++)
		*k++ = (char)tolower((unsigned char)*s);
	*k = '\0';
	return key;
}

static char *
unquote(const char *value)
{
	size_t len = strlen(value);

	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		char *v = malloc(len - 1);
		if (v != NULL) {
			memcpy(v, value + 1, len - 2);
			v[len - 2] = '\0';
		}
		return v;
	}
	return inc_util__strdup(value);
}

static int
on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	char *key, *val;

	if (name == NULL || value == NULL)
		return 1;
	key = make_key(st->prefix, section, name);
	val = unquote(value);
	if (key == NULL || val == NULL || add_entry(st->cfg, key, val) < 0) {
		free(key);
		free(val);
		st->nomem = true;
		return 0;
	}
	return 1;
}

/*
 * inih treats an indented line as the continuation of the previous value
 * (Python's configparser); git's files indent every key. Dropping the
 * indentation before inih sees a line makes both read as git reads them.
 */
static char *
read_unindented(char *str, int num, void *stream)
{
	size_t skip;

	if (fgets(str, num, stream) == NULL)
		return NULL;
	skip = strspn(str, " \t");
	if (skip > 0)
		memmove(str, str + skip, strlen(str + skip) + 1);
	return str;
}

/* Reads path if it exists. strict: a syntax error is an error. */
static int
load_file(inc_config *cfg, const char *path, const char *prefix, bool strict,
          inc_error *err)
{
	struct parse_state st = {cfg, prefix, false};
	FILE *f = fopen(path, "r");
	int line;

	if (f == NULL) {
		if (errno == ENOENT || errno == ENOTDIR || !strict)
			return 0;
		return inc_error_set(err, INC_ERROR, "%s: cannot read: %s",
		                     path, strerror(errno));
	}
	line = ini_parse_stream(read_unindented, f, on_entry, &st);
	fclose(f);
	if (st.nomem)
		return inc_error__nomem(err);
	if (line != 0 && strict)
		return inc_error_set(err, INC_ERROR, "%s:%d: bad config line",
		                     path, line);
	return 0;
}

static char *
config_home(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		return inc_util__strdup(xdg);
	if (home != NULL)
		return inc_util__asprintf("%s/.config", home);
	return NULL;
}

int
inc_config_load(inc_config **out, const char *store_dir, inc_error *err)
{
	inc_config *cfg = calloc(1, sizeof(*cfg));
	char *xdg = config_home(), *path = NULL;
	const char *home = getenv("HOME");
	int ret = 0;

	*out = NULL;
	if (cfg == NULL) {
		free(xdg);
		return inc_error__nomem(err);
	}
	/* git's identity, read as git reads it: XDG first, ~/.gitconfig wins */
	if (xdg != NULL) {
		path = inc_util__asprintf("%s/git/config", xdg);
		if (path != NULL)
			ret = load_file(cfg, path, "git.", false, err);
		free(path);
	}
	if (ret == 0 && home != NULL) {
		path = inc_util__asprintf("%s/.gitconfig", home);
		if (path != NULL)
			ret = load_file(cfg, path, "git.", false, err);
		free(path);
	}
	if (ret == 0 && xdg != NULL) {
		path = inc_util__asprintf("%s/incident/config", xdg);
		if (path != NULL)
			ret = load_file(cfg, path, "", true, err);
		free(path);
	}
	if (ret == 0 && store_dir != NULL) {
		path = inc_util__asprintf("%s/config", store_dir);
		if (path != NULL)
			ret = load_file(cfg, path, "", true, err);
		free(path);
	}
	free(xdg);
	if (ret < 0) {
		inc_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

int
inc_config__load_store(inc_config **out, const char *store_dir, inc_error *err)
{
	inc_config *cfg = calloc(1, sizeof(*cfg));
	char *path = inc_util__asprintf("%s/config", store_dir);
	int ret;

	*out = NULL;
	if (cfg == NULL || path == NULL) {
		free(cfg);
		free(path);
		return inc_error__nomem(err);
	}
	ret = load_file(cfg, path, "", true, err);
	free(path);
	if (ret < 0) {
		inc_config_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

void
inc_config_free(inc_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].key);
		free(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg);
}

const char *
inc_config_get(const inc_config *cfg, const char *key)
{
	if (cfg == NULL)
		return NULL;
	for (size_t i = cfg->n; i > 0; i--)
		if (strcmp(cfg->entries[i - 1].key, key) == 0)
			return cfg->entries[i - 1].value;
	return NULL;
}

size_t
inc_config__get_all(const inc_config *cfg, const char *key, const char **out,
                    size_t max)
{
	size_t n = 0;

	if (cfg == NULL)
		return 0;
	for (size_t i = 0; i < cfg->n; i++) {
		if (strcmp(cfg->entries[i].key, key) != 0)
			continue;
		if (n < max)
			out[n] = cfg->entries[i].value;
		n++;
	}
	return n;
}

bool
inc_config__has_prefix(const inc_config *cfg, const char *prefix)
{
	size_t len = strlen(prefix);

	for (size_t i = 0; cfg != NULL && i < cfg->n; i++)
		if (strncmp(cfg->entries[i].key, prefix, len) == 0)
			return true;
	return false;
}

static bool
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

void
inc_config_identity(char *out, size_t len, const inc_config *cfg)
{
	const char *name = inc_config_get(cfg, "user.name");
	const char *email = inc_config_get(cfg, "user.email");
	struct passwd pw, *found = NULL;
	char buf[4096];

	/* a name and an address from one source, never one of each; a
	 * blank name is no name (an actor is never blank: kind.c) */
	if (blank(name) && blank(email)) {
		name = inc_config_get(cfg, "git.user.name");
		email = inc_config_get(cfg, "git.user.email");
	}
	if (blank(name))
		name = getenv("USER");
	/* cron and systemd set no $USER: the account still has a name */
	if (blank(name) &&
	    getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) == 0 &&
	    found != NULL)
		name = found->pw_name;
	if (blank(name))
		name = "unknown";
	if (!blank(email))
		snprintf(out, len, "%s <%s>", name, email);
	else
		snprintf(out, len, "%s", name);
}

/*
 * Sets section.key = value in the store's config file by appending a
 * section (the last value wins when read). inih only reads, so this is
 * written here; the file is replaced whole, atomically.
 */
int
inc_config__store_set(const char *store_dir, const char *section,
                      const char *key, const char *value, inc_error *err)
{
	char *path = inc_util__asprintf("%s/config", store_dir);
	char *tmp = inc_util__asprintf("%s/config.tmp", store_dir);
	FILE *in, *out;
	char buf[4096], last = '\n';
	size_t n;
	int fd, ret = 0;

	/* one line each: a newline in a value would write config lines */
	for (const char *p = value; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			ret = inc_error_set(
			        err, INC_EINVALID,
			        "%s.%s cannot hold control characters", section,
			        key);
			goto done;
		}
	}
	if (path == NULL || tmp == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	/* private, whatever the umask; a group store's is its group's */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	          inc_store__group_dir(store_dir) ? 0660 : 0600);
	if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
		ret = inc_error_set(err, INC_EREADONLY, "%s: %s", tmp,
		                    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	if ((in = fopen(path, "r")) != NULL) {
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
			fwrite(buf, 1, n, out);
			last = buf[n - 1];
		}
		fclose(in);
	}
	/* a file that ends mid-line must not swallow the new section */
	fprintf(out, "%s[%s]\n\t%s = %s\n", last == '\n' ? "" : "\n", section,
	        key, value);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || ferror(out)) {
		fclose(out);
		unlink(tmp);
		ret = inc_error_set(err, INC_ERROR, "%s: %s", tmp,
		                    strerror(errno));
		goto done;
	}
	fclose(out);
	if (rename(tmp, path) < 0)
		ret = inc_error_set(err, INC_ERROR, "%s: %s", path,
		                    strerror(errno));
done:
	free(path);
	free(tmp);
	return ret;
}

const char *
inc_config__key(const inc_config *cfg, size_t i)
{
	return cfg != NULL && i < cfg->n ? cfg->entries[i].key : NULL;
}
