#!/bin/bash
# hooks.background: the detached runner keeps none of the caller's fds
# and not its working folder, with a store named by a relative path.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"

test_expect_success 'setup' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
	[hooks]
		background = true
		timeout = 20s
	EOF
	incident open -q "background" >id &&
	mkdir -p "$HOOKS" &&
	cat >"$HOOKS/post-note" <<-HOOK &&
	#!/bin/sh
	readlink /proc/\$PPID/cwd >"$TRASH/cwd.tmp"
	ls -l /proc/\$PPID/fd/ >"$TRASH/fds"
	mv "$TRASH/cwd.tmp" "$TRASH/cwd"
	HOOK
	chmod 755 "$HOOKS/post-note"
'

test_expect_success 'the runner holds no fd of the caller, and / as its folder' '
	mkdir -p away &&
	rel=$(realpath --relative-to=away "$INCIDENT_DIR") &&
	(cd away && incident --dir "$rel" note "$(cat ../id)" "detached" 20>../extra) >/dev/null 2>err &&
	for i in $(seq 200); do test -e cwd && break; sleep 0.05; done &&
	test "$(cat cwd)" = / &&
	! grep "extra" fds &&
	! grep "/away" fds
'

test_done
