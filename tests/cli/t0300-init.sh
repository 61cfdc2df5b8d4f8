#!/bin/bash
# incident init and where the store is found.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init creates the store, and again leaves it' '
	incident init >out &&
	grep "^initialised an empty store in $INCIDENT_DIR$" out &&
	incident init >out &&
	grep "^a store exists in $INCIDENT_DIR; left as it is$" out &&
	incident init --json >out &&
	test "$(jq .created out)" = false &&
	test "$(jq -r .dir out)" = "$INCIDENT_DIR" &&
	jq -r .replica out | grep -E "^[0-9a-z]{16}$"
'

test_expect_success 'init --dir and the global --dir' '
	incident init --dir elsewhere --json >out &&
	test "$(jq .created out)" = true &&
	test "$(jq -r .dir out)" = "$PWD/elsewhere" &&
	incident --dir elsewhere open -q "in elsewhere" >id &&
	incident --dir elsewhere list -q >out &&
	test_cmp id out &&
	incident list -q >out &&
	! grep -q "$(cat id)" out
'

test_expect_success 'a .incident folder above the working directory is found' '
	(
		unset INCIDENT_DIR &&
		mkdir -p proj/sub/deeper &&
		incident init --dir proj/.incident >/dev/null &&
		cd proj/sub/deeper &&
		incident open -q "project incident" >../../id &&
		incident list -q >../../out
	) &&
	test_cmp proj/id proj/out &&
	test -f proj/.incident/incident.db
'

test_expect_success 'without INCIDENT_DIR the XDG data folder is used' '
	(
		unset INCIDENT_DIR &&
		cd "$HOME" &&
		incident open -q "default store" >/dev/null
	) &&
	test -f "$XDG_DATA_HOME/incident/incident.db" &&
	(
		unset INCIDENT_DIR XDG_DATA_HOME &&
		cd "$HOME" &&
		incident list -q
	) >out &&
	test_line_count = 1 out
'

test_expect_success 'init refuses operands and bad options, making no store' '
	test_expect_code 2 incident init extra 2>err &&
	test_expect_code 2 incident init --dir nostore extra 2>err &&
	test_expect_code 2 incident init --dir nostore --bogus 2>err &&
	! test -e nostore
'

test_expect_success 'a store from a newer version is refused untouched' '
	incident init --dir newer >/dev/null &&
	sqlite3 newer/incident.db "PRAGMA user_version = 42" &&
	cp newer/incident.db before.db &&
	test_expect_code 1 incident --dir newer list 2>err &&
	grep "newer version of incident" err &&
	test_expect_code 1 incident --dir newer open x 2>err &&
	cmp before.db newer/incident.db
'

test_done
