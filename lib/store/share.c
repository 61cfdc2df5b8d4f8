/*
 * Who may use a store: its owner alone, or the owner's group too. The
 * setting is the store's config key store.shared; the folder's mode
 * follows it (a group store's folder is setgid, so what is made in it
 * stays the group's), and so does the umask each program sets from it.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

enum inc_share
inc_store_sharing(const char *dir)
{
	inc_config *cfg;
	const char *v;
	enum inc_share share = INC_SHARE_PRIVATE;

	if (inc_config__load_store(&cfg, dir, NULL) < 0)
		return share;
	v = inc_config_get(cfg, "store.shared");
	if (v != NULL && strcmp(v, "group") == 0)
		share = INC_SHARE_GROUP;
	inc_config_free(cfg);
	return share;
}

/* The mode of a store's file or folder: the owner's bits, and for a
 * group store the same for the group; never anyone else's. */
static mode_t
shared_mode(mode_t mode, bool dir, bool group)
{
	mode_t user = mode & S_IRWXU;

	if (!group)
		return user | (mode & S_ISVTX);
	return user | (user >> 3) | (mode & S_ISVTX) | (dir ? S_ISGID : 0);
}

static int
apply(const char *path, const struct stat *st, int type, bool group)
{
	mode_t want;

	if (type != FTW_F && type != FTW_D && type != FTW_DP)
		return 0; /* a link, or what cannot be read: left alone */
	want = shared_mode(st->st_mode, type != FTW_F, group);
	if ((st->st_mode & 07777) == want || chmod(path, want) == 0)
		return 0;
	/* another member's is theirs to change; a private store's folder
	 * keeps everyone else out of it anyway */
	return errno == EPERM && st->st_uid != geteuid() ? 0 : errno;
}

static int
to_group(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	return apply(path, st, type, true);
}

static int
to_private(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)f;
	return apply(path, st, type, false);
}

int
inc_store_share(inc_store *s, enum inc_share share, inc_error *err)
{
	bool group = share == INC_SHARE_GROUP;
	int ret;

	if (inc_store_sharing(s->dir) != share &&
	    (ret = inc_config__store_set(s->dir, "store", "shared",
	                                 group ? "group" : "private", err)) < 0)
		return ret;
	/* the folder first: what is made in it from now on is right */
	ret = nftw(s->dir, group ? to_group : to_private, 16,
	           FTW_PHYS | FTW_MOUNT);
	if (ret != 0)
		return inc_error_set(err, INC_ERROR,
		                     "%s: cannot change who may use the store: "
		                     "%s",
		                     s->dir, strerror(ret > 0 ? ret : errno));
	return 0;
}
