#!/bin/bash
# The store as a thing to trust: only a store that does not exist is "no
# store yet" (everything else that is wrong with it is one clear line and
# exit 1), it is private by default (or its group's, when made so), and
# text with a NUL in it is refused rather than cut short.
. "$(dirname "$0")/test-lib.sh"

db="$INCIDENT_DIR/incident.db"

# Runs a command as another user, without root's power over permissions.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# Another user in the group 4242 that a group store is given.
teammate() {
	HOME="$TRASH/mate" setpriv --reuid=65534 --regid=4242 --clear-groups -- "$@"
}

test_lazy_prereq SETPRIV '[ "$(id -u)" = 0 ] && command -v setpriv' \
	'needs root and setpriv(1) to run a command as another user'

test_expect_success 'setup' '
	incident open -q -s 2 "kept safe" >id &&
	incident note "$(cat id)" "a note"
'

test_expect_success 'a store that does not exist yet: reads say nothing, exit 0' '
	incident --dir nowhere list >out &&
	test ! -s out &&
	incident --dir nowhere >out &&
	grep "no open incidents" out &&
	test ! -e nowhere
'

test_expect_success 'an empty database file is not a new store: exit 1, one line' '
	mkdir empty && : >empty/incident.db &&
	test_expect_code 1 incident --dir empty list 2>err &&
	test_line_count = 1 err &&
	grep "empty/incident.db: the database is empty (0 bytes)" err &&
	test_expect_code 1 incident --dir empty open x 2>err &&
	test_line_count = 1 err &&
	test_expect_code 1 incident --dir empty init 2>err &&
	test_line_count = 1 err &&
	test ! -s empty/incident.db
'

test_expect_success 'a database with no schema is not a store' '
	mkdir blank && sqlite3 blank/incident.db "CREATE TABLE t(x)" &&
	test_expect_code 1 incident --dir blank list 2>err &&
	test_line_count = 1 err && grep "not an incident store" err &&
	test_expect_code 1 incident --dir blank open x 2>err &&
	test_line_count = 1 err &&
	test "$(sqlite3 blank/incident.db "SELECT count(*) FROM sqlite_master")" = 1
'

test_expect_success '--dir naming a file: exit 1, one line, for reads and writes' '
	echo precious >afile &&
	test_expect_code 1 incident --dir afile list 2>err &&
	test_line_count = 1 err && grep "afile: not a store" err &&
	test_expect_code 1 incident --dir afile 2>err &&
	test_line_count = 1 err &&
	test_expect_code 1 incident --dir afile open x 2>err &&
	test_line_count = 1 err &&
	test_expect_code 1 incident --dir afile/sub list 2>err &&
	test_line_count = 1 err && grep "not a store" err &&
	test "$(cat afile)" = precious
'

test_expect_success 'a history without its database points to rebuild, creates nothing' '
	incident init --git --dir hist >/dev/null &&
	for i in 1 2 3; do incident --dir hist open -q "h$i" >/dev/null || exit 1; done &&
	rm hist/incident.db* &&
	for cmd in list "" "show x" "open new" "init"; do
		test_expect_code 1 incident --dir hist $cmd 2>err &&
		test_line_count = 1 err &&
		grep "hist: the store has an audit history but no database; incident rebuild recreates it" err &&
		test ! -e hist/incident.db || exit 1
	done &&
	test_expect_code 1 incident --dir hist verify 2>err &&
	test_line_count = 1 err && grep "incident rebuild" err &&
	incident --dir hist rebuild >out &&
	grep "from 3 events" out &&
	incident --dir hist list -q >ids && test_line_count = 3 ids &&
	incident --dir hist verify
'

test_expect_success 'an emptied database beside a history points to rebuild too' '
	: >hist/incident.db && rm -f hist/incident.db-wal hist/incident.db-shm &&
	test_expect_code 1 incident --dir hist verify 2>err &&
	test_line_count = 1 err &&
	grep "empty (0 bytes); incident rebuild recreates it" err &&
	incident --dir hist rebuild >out && grep "from 3 events" out &&
	incident --dir hist list -q >ids && test_line_count = 3 ids
'

test_expect_success 'rebuild still works with a rebuild.tmp left by a crash' '
	rm hist/incident.db* && mkdir -p hist/rebuild.tmp &&
	incident --dir hist rebuild >out && grep "from 3 events" out &&
	incident --dir hist list -q >ids && test_line_count = 3 ids
'

test_expect_success SETPRIV 'another user on a private store: permission denied, exit 1' '
	chmod a+rx "$TRASH" &&
	for cmd in "" list "show $(cat id)" "note $(cat id) hi" verify; do
		test_expect_code 1 as_nobody "$INCIDENT" $cmd 2>err &&
		test_line_count = 1 err &&
		grep "cannot open the store: Permission denied" err || exit 1
	done
'

test_expect_success SETPRIV 'a readable folder, a private database: still denied' '
	test_when_finished "chmod 700 \"\$INCIDENT_DIR\"" &&
	chmod a+rx "$TRASH" "$INCIDENT_DIR" &&
	test_expect_code 1 as_nobody "$INCIDENT" list 2>err &&
	test_line_count = 1 err &&
	grep "incident.db: cannot open the store: Permission denied" err
'

test_expect_success 'many first commands at once make one store' '
	for i in 1 2 3 4 5 6 7 8; do
		incident --dir race open -q "r$i" >"race.$i" 2>"race.$i.err" &
	done &&
	wait &&
	cat race.*.err >errs && test ! -s errs &&
	incident --dir race list -q >ids && test_line_count = 8 ids &&
	ls race >files && ! grep "new-" files
'

test_expect_success 'private whatever the umask: folders 0700, files 0600' '
	(
		umask 000 &&
		incident --dir priv open -q "one" >id2 &&
		incident --dir priv init --git >/dev/null &&
		incident --dir priv note "$(cat id2)" "two" >/dev/null &&
		incident --dir priv gc >/dev/null &&
		incident --dir priv note "$(cat id2)" "three" >/dev/null
	) &&
	test -f priv/incident.db-wal && test -d priv/audit.git/objects/pack &&
	find priv -perm /077 >open-to-others &&
	test ! -s open-to-others &&
	test "$(stat -c %a priv)" = 700 &&
	test "$(stat -c %a priv/incident.db)" = 600 &&
	test "$(stat -c %a priv/config)" = 600
'

test_expect_success 'init --shared takes private or group' '
	test_expect_code 2 incident init --dir nope --shared=everyone 2>err &&
	test_line_count = 1 err && grep -- "--shared takes private or group" err &&
	test ! -e nope
'

test_expect_success SETPRIV 'a group store: the group reads and writes, nobody else' '
	(umask 022 && incident --dir team init --shared=group --git >/dev/null) &&
	grep -A1 "^\[store\]" team/config | grep "shared = group" &&
	chmod a+rx "$TRASH" && chgrp -R 4242 team &&
	incident --dir team init --shared group >out &&
	test_line_count = 2 out &&
	grep "^a store exists in .*/team\$" out &&
	grep "^shared with the group 4242 (folders 2770, files 0660)\$" out &&
	# git (and libgit2) trust a repository of another owner only when
	# told to: each member says so once, as for any shared repository
	mkdir mate && chmod a+rx mate &&
	git config --file mate/.gitconfig safe.directory "$TRASH/team/audit.git" &&
	chmod a+r mate/.gitconfig &&
	teammate "$INCIDENT" --dir team open -q "from a teammate" >tid 2>err &&
	test ! -s err &&
	teammate "$INCIDENT" --dir team note "$(cat tid)" "seen" >/dev/null 2>err &&
	test ! -s err &&
	incident --dir team note "$(cat tid)" "seen too" >/dev/null &&
	teammate "$INCIDENT" --dir team log "$(cat tid)" >log &&
	grep "seen too" log &&
	test_expect_code 1 as_nobody "$INCIDENT" --dir team list 2>err &&
	grep "Permission denied" err &&
	# what the teammate made (the database files, git objects) is the
	# group s, and no one else s
	find team ! -group 4242 >not-the-group && test ! -s not-the-group &&
	find team -perm /007 >open-to-others && test ! -s open-to-others &&
	find team -type f ! -perm -040 >unreadable && test ! -s unreadable &&
	find team -type d ! -perm -2070 >not-shared && test ! -s not-shared &&
	incident --dir team verify
'

test_expect_success SETPRIV 'a group store rebuilt by a member stays the group s' '
	rm team/incident.db* &&
	teammate "$INCIDENT" --dir team rebuild >out 2>err &&
	test ! -s err && grep "from 3 events" out &&
	test "$(stat -c %a team/incident.db)" = 660 &&
	test "$(stat -c %g team/incident.db)" = 4242 &&
	incident --dir team list -q >ids && test_line_count = 1 ids &&
	find team -perm /007 >open-to-others && test ! -s open-to-others
'

test_expect_success 'init --shared=private takes a store back' '
	incident --dir team init --shared=private >out &&
	grep "^private to its owner (folders 0700, files 0600)\$" out &&
	grep "shared = private" team/config &&
	find team -perm /077 >open && test ! -s open &&
	incident --dir team list -q >ids && test_line_count = 1 ids
'

test_expect_success 'a NUL on standard input is refused: exit 2, one line, nothing stored' '
	incident log "$(cat id)" >before &&
	printf "a\0b" | test_expect_code 2 incident note "$(cat id)" - 2>err &&
	test_line_count = 1 err &&
	grep "standard input holds a NUL byte (at offset 1)" err &&
	printf "summary\0" | test_expect_code 2 incident update "$(cat id)" - 2>err &&
	test_line_count = 1 err && grep "NUL byte" err &&
	incident log "$(cat id)" >after && test_cmp before after
'

test_done
