#!/bin/bash
# A writer killed mid-write leaves lock and temporary files in the audit
# repository: a lock on the branch is reported with its path and age and
# cleared by gc --clear-locks; stale temporaries are removed by gc.
. "$(dirname "$0")/test-lib.sh"

repo="$INCIDENT_DIR/audit.git"
lock="$repo/refs/heads/incidents.lock"
g() { git --git-dir="$repo" "$@"; }

test_expect_success 'setup: a mirrored store' '
	git config --global user.name "Tester" &&
	git config --global user.email tester@example.com &&
	incident init --git >/dev/null &&
	incident open -q "db down" >id &&
	test "$(g rev-list --count incidents)" = 1
'

test_expect_success 'a stale lock on the branch is named with its age' '
	touch -d "5 minutes ago" "$lock" &&
	incident note -q "$(cat id)" "one" >/dev/null 2>err &&
	grep "the audit mirror is behind by 1 event" err &&
	grep -F "$lock: a lock left 5m ago" err &&
	grep -F "incident gc --clear-locks" err &&
	! grep "keeps moving" err &&
	incident note -q "$(cat id)" "two" >/dev/null 2>err &&
	grep "behind by 2 events" err &&
	test "$(g rev-list --count incidents)" = 1
'

test_expect_success 'verify fails on the lag it cannot clear, naming the lock' '
	test_expect_code 1 incident verify >out &&
	grep -F "$lock: a lock left 5m ago" out &&
	grep "behind by 2 events" out &&
	test_expect_code 1 incident verify --json >out.json &&
	test "$(jq .ok out.json)" = false &&
	jq -r ".problems[]" out.json | grep -F "$lock"
'

test_expect_success 'sync says the lock, not a moving branch, and exits 1' '
	git init -q --bare remote.git &&
	test_expect_code 1 incident sync "$PWD/remote.git" 2>err &&
	grep -F "$lock" err && ! grep "keeps moving" err
'

test_expect_success 'a lock just made (a touch, as a kill leaves it) counts too' '
	rm -f "$lock" && touch "$lock" &&
	incident note -q "$(cat id)" "three" >/dev/null 2>err &&
	grep -F "$lock: a lock left" err &&
	grep "behind by 3 events" err
'

test_expect_success 'gc --clear-locks clears it; the next command mirrors the backlog' '
	incident gc --clear-locks >out &&
	grep -F "cleared the lock $lock (left " out &&
	test ! -e "$lock" &&
	incident note -q "$(cat id)" "four" >/dev/null 2>err &&
	test_line_count = 0 err &&
	test "$(g rev-list --count incidents)" = 5 &&
	incident verify >out &&
	grep "^verified 5 events: the database and the audit history agree$" out
'

test_expect_success 'a stale lock with nothing pending still fails verify' '
	test_when_finished "rm -f \"$lock\"" &&
	touch -d "1 hour ago" "$lock" &&
	test_expect_code 1 incident verify >out &&
	grep -F "$lock: a lock left 1h 00m ago by a git writer that is gone" out &&
	! grep "behind by" out
'

test_expect_success 'gc --clear-locks with none to clear says so' '
	incident gc --clear-locks >out &&
	grep "^no lock files to clear$" out &&
	incident gc --clear-locks --json >out.json &&
	test "$(jq ".locks_cleared | length" out.json)" = 0
'

test_expect_success 'verify mirrors what is pending before it checks' '
	mkdir -p broken && printf "#!/bin/sh\nexit 5\n" >broken/incident-git &&
	chmod +x broken/incident-git &&
	INCIDENT_LIBEXEC=$PWD/broken incident note -q "$(cat id)" "five" >/dev/null 2>err &&
	grep "behind by 1 event" err &&
	test "$(g rev-list --count incidents)" = 5 &&
	incident verify >out &&
	grep "^verified 6 events" out &&
	test "$(g rev-list --count incidents)" = 6
'

test_expect_success 'gc removes the temporaries of killed runs, old ones only' '
	mkdir -p "$repo/objects/ab" &&
	old="$repo/objects/ab/cdef0123_git2_AbCdEf" &&
	oldpack="$repo/objects/pack/pack_git2_XyZ123" &&
	oldlock="$repo/refs/heads/other.lock" &&
	fresh="$repo/objects/pack/pack_git2_Fresh1" &&
	freshlock="$repo/packed-refs.lock" &&
	touch -d "3 hours ago" "$old" "$oldpack" "$oldlock" &&
	touch "$fresh" "$freshlock" &&
	test_when_finished "rm -f \"$fresh\" \"$freshlock\"" &&
	incident gc >out &&
	grep "^removed 3 temporary or lock files left by killed runs$" out &&
	test ! -e "$old" &&
	test ! -e "$oldpack" &&
	test ! -e "$oldlock" &&
	test -f "$fresh" &&
	test -f "$freshlock" &&
	incident gc --json >out.json &&
	test "$(jq .temp_removed out.json)" = 0
'

test_done
