#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <nettle/sha2.h>

#include "internal.h"

char *
inc_util__strdup(const char *s)
{
	size_t len;
	char *p;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	if ((p = malloc(len)) != NULL)
		memcpy(p, s, len);
	return p;
}

char *
inc_util__asprintf(const char *fmt, ...)
{
	va_list ap;
	int len;
	char *p;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0 || (p = malloc((size_t)len + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return p;
}

int
inc_util__random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
inc_util__sha256_hex(char out[INC_EVENT_ID_LEN + 1], const void *data,
                     size_t len)
{
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[INC_EVENT_ID_LEN] = '\0';
}

/*
 * mkdir -p; concurrent creators are fine (EEXIST is success). Folders are
 * made private (0700), whatever the umask, but for a group store's:
 * in a setgid folder open to its group, they are its group's too.
 */
int
inc_util__mkdir_p(const char *path, inc_error *err)
{
	char *copy = inc_util__strdup(path);
	int ret = 0;

	if (copy == NULL)
		return inc_error__nomem(err);
	for (char *p = copy + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(copy, 0700) == 0) {
			char *slash = strrchr(copy, '/');
			*slash = '\0';
			bool group = inc_store__group_dir(*copy ? copy : "/");
			*slash = '/';
			if (group)
				(void)chmod(copy, 02770);
		} else if (errno != EEXIST) {
			ret = inc_error_set(err,
			                    errno == EACCES || errno == EROFS
			                            ? INC_EREADONLY
			                            : INC_ERROR,
			                    "%s: cannot create folder: %s",
			                    copy, strerror(errno));
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(copy);
	return ret;
}
