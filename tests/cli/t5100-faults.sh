#!/bin/bash
# Faults: a locked, read-only or damaged store gets a clear line, the
# documented exit code, and loses nothing already stored.
. "$(dirname "$0")/test-lib.sh"

db="$INCIDENT_DIR/incident.db"

# Runs a command without root's power to ignore file permissions.
unprivileged() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	else
		"$@"
	fi
}

test_expect_success 'setup' '
	incident open -q -s 2 "kept safe" >id &&
	incident note "$(cat id)" "a note" &&
	store_snapshot >before
'

test_expect_success 'a store locked by another writer: exit 5, nothing lost' '
	mkfifo hold &&
	{ echo "BEGIN IMMEDIATE;"; echo "INSERT INTO meta VALUES(\"lock\", \"x\");"; cat hold; echo "ROLLBACK;"; } |
		sqlite3 "$db" &
	# if the test fails before it lets go: opened read-write, the fifo
	# does not block, and the line ends the cat that holds the lock
	test_when_finished "exec 3<>hold && echo >&3" &&
	sleep 0.5 &&
	INCIDENT_BUSY_TIMEOUT=300 test_expect_code 5 incident open "blocked" 2>err &&
	test_line_count = 1 err &&
	grep "busy" err &&
	INCIDENT_BUSY_TIMEOUT=300 test_expect_code 5 incident note "$(cat id)" "blocked" 2>err &&
	incident list -q >readers && test_cmp id readers &&
	echo >hold && wait &&
	store_snapshot >after && test_cmp before after &&
	incident note "$(cat id)" "after the lock"
'

test_expect_success 'a read-only store: reads work, writes exit 1 and change nothing' '
	store_snapshot >before &&
	test_when_finished "chmod u+w \"\$INCIDENT_DIR\" \"\$INCIDENT_DIR\"/*" &&
	chmod -R a+rX "$TRASH" && chmod a-w "$INCIDENT_DIR"/* "$INCIDENT_DIR" &&
	unprivileged "$INCIDENT" list -q >out &&
	test_cmp id out &&
	unprivileged "$INCIDENT" show --json "$(cat id)" >show &&
	test "$(jq -r .incident.title show)" = "kept safe" &&
	test_expect_code 1 unprivileged "$INCIDENT" note "$(cat id)" "nope" 2>err &&
	test_line_count = 1 err &&
	grep -i "read-only\|cannot" err &&
	test_expect_code 1 unprivileged "$INCIDENT" open "nope" 2>err &&
	test_line_count = 1 err &&
	store_snapshot >after && test_cmp before after
'

test_expect_success 'a file that is not a store: exit 1, one line, file untouched' '
	mkdir -p notdb && head -c 8192 /dev/urandom >notdb/incident.db &&
	cp notdb/incident.db copy.db &&
	test_expect_code 1 incident --dir notdb list 2>err &&
	test_line_count = 1 err && grep "damaged or not an incident store" err &&
	test_expect_code 1 incident --dir notdb open x 2>err &&
	test_line_count = 1 err &&
	cmp copy.db notdb/incident.db
'

test_expect_success 'a damaged store: one clear line, exit 1; verify names the damage' '
	incident init --dir broken >/dev/null &&
	for i in $(seq 30); do incident --dir broken open -q "i$i" >/dev/null || exit 1; done &&
	sqlite3 broken/incident.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	page=$(sqlite3 broken/incident.db "SELECT rootpage FROM sqlite_master WHERE name = \"incidents\"") &&
	size=$(sqlite3 broken/incident.db "PRAGMA page_size") &&
	head -c "$size" /dev/urandom |
		dd of=broken/incident.db bs="$size" seek=$((page - 1)) count=1 conv=notrunc 2>/dev/null &&
	test_expect_code 1 incident --dir broken list --all 2>err &&
	test_line_count = 1 err && grep "damaged or not an incident store" err &&
	test_expect_code 1 incident --dir broken open x 2>err &&
	test_line_count = 1 err && grep "damaged" err &&
	test_expect_code 1 incident --dir broken verify >out &&
	grep "^database: Page $page: " out &&
	grep "^database: the file is damaged; incident rebuild recreates it" out
'

test_expect_success 'a config file with a bad line is a clear error' '
	mkdir -p "$XDG_CONFIG_HOME/incident" &&
	test_when_finished "rm -f \"\$XDG_CONFIG_HOME/incident/config\"" &&
	printf "[user]\nname = ok\nthis line is bad\n" >"$XDG_CONFIG_HOME/incident/config" &&
	test_expect_code 1 incident open x 2>err &&
	test_line_count = 1 err &&
	grep "config:3: bad config line" err
'

test_done
