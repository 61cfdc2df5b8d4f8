#!/bin/bash
# Faults: a locked, read-only, full or damaged store or audit repository gets a clear line,
# the documented exit code (incident(1)), loses nothing already stored,
# and the next command works once the fault is gone.
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

# Milliseconds since the epoch.
now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

test_expect_success 'a lock held past the busy timeout: exit 5 in time, nothing written' '
	store_snapshot >before &&
	mkfifo hold2 &&
	{ echo "BEGIN IMMEDIATE;"; echo "INSERT INTO meta VALUES(\"lock\", \"x\");"; cat hold2; echo "ROLLBACK;"; } |
		sqlite3 "$db" &
	test_when_finished "exec 3<>hold2 && echo >&3" &&
	sleep 0.5 &&
	start=$(now_ms) &&
	INCIDENT_BUSY_TIMEOUT=1000 test_expect_code 5 incident note "$(cat id)" "late" 2>err &&
	elapsed=$(( $(now_ms) - start )) &&
	echo "# waited ${elapsed} ms for a 1000 ms timeout" &&
	test "$elapsed" -ge 1000 && test "$elapsed" -lt 2000 &&
	test_line_count = 1 err && grep "busy" err &&
	start=$(now_ms) &&
	INCIDENT_BUSY_TIMEOUT=1000 test_expect_code 5 incident open "late" 2>err &&
	elapsed=$(( $(now_ms) - start )) &&
	test "$elapsed" -ge 1000 && test "$elapsed" -lt 2000 &&
	test_line_count = 1 err &&
	echo >hold2 && wait &&
	store_snapshot >after && test_cmp before after &&
	incident note "$(cat id)" "once the lock is gone" >/dev/null &&
	incident log "$(cat id)" | grep "once the lock is gone"
'

# A copy of the store that the unprivileged user owns, to take rights
# away from one piece at a time.
own_copy() {
	rm -rf "$1" && cp -a "$INCIDENT_DIR" "$1" &&
	chmod a+rx "$TRASH" && chown -R 65534:65534 "$1"
}

test_expect_success 'a read-only database file: reads work, writes exit 1, nothing lost' '
	own_copy rofile &&
	INCIDENT_DIR=rofile store_snapshot >before &&
	test_when_finished "chmod u+w rofile/incident.db" &&
	chmod a-w rofile/incident.db &&
	unprivileged "$INCIDENT" --dir rofile list -q >out && test_cmp id out &&
	test_expect_code 1 unprivileged "$INCIDENT" --dir rofile note "$(cat id)" "nope" 2>err &&
	test_line_count = 1 err && grep "read-only" err &&
	test_expect_code 1 unprivileged "$INCIDENT" --dir rofile open "nope" 2>err &&
	test_line_count = 1 err && grep "read-only" err &&
	chmod u+w rofile/incident.db &&
	INCIDENT_DIR=rofile store_snapshot >after && test_cmp before after &&
	unprivileged "$INCIDENT" --dir rofile note "$(cat id)" "writable again" >/dev/null &&
	unprivileged "$INCIDENT" --dir rofile log "$(cat id)" | grep "writable again"
'

test_expect_success 'a read-only folder: reads work; a write the files allow still works' '
	own_copy rodir &&
	test_when_finished "chmod u+w rodir" &&
	chmod a-w rodir &&
	unprivileged "$INCIDENT" --dir rodir list -q >out && test_cmp id out &&
	# the database and its -wal and -shm are there and writable
	unprivileged "$INCIDENT" --dir rodir note "$(cat id)" "in a read-only folder" >/dev/null &&
	unprivileged "$INCIDENT" --dir rodir log "$(cat id)" | grep "in a read-only folder" &&
	# what needs a new file there cannot: the config, a new store
	test_expect_code 1 unprivileged "$INCIDENT" --dir rodir init --git 2>err &&
	test_line_count = 1 err && grep "Permission denied" err &&
	test_expect_code 1 unprivileged "$INCIDENT" --dir rodir/new open "x" 2>err &&
	test_line_count = 1 err && grep "rodir/new: cannot create folder" err &&
	chmod u+w rodir &&
	unprivileged "$INCIDENT" --dir rodir/new open -q "x" >/dev/null
'

test_expect_success 'a read-only folder without -wal and -shm: reads work, writes exit 1' '
	own_copy rodir2 &&
	sqlite3 rodir2/incident.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	rm -f rodir2/incident.db-wal rodir2/incident.db-shm &&
	chown -R 65534:65534 rodir2 &&
	INCIDENT_DIR=rodir2 store_snapshot >before &&
	rm -f rodir2/incident.db-wal rodir2/incident.db-shm &&
	test_when_finished "chmod u+w rodir2" &&
	chmod a-w rodir2 &&
	unprivileged "$INCIDENT" --dir rodir2 list -q >out && test_cmp id out &&
	test_expect_code 1 unprivileged "$INCIDENT" --dir rodir2 note "$(cat id)" "nope" 2>err &&
	test_line_count = 1 err && grep "read-only\|cannot" err &&
	chmod u+w rodir2 &&
	INCIDENT_DIR=rodir2 store_snapshot >after && test_cmp before after &&
	unprivileged "$INCIDENT" --dir rodir2 note "$(cat id)" "writable again" >/dev/null
'

test_lazy_prereq TMPFS '
	mkdir mnt && mount -t tmpfs -o size=64k tmpfs mnt && umount mnt
' 'cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN) to fill a disk'

test_expect_success TMPFS 'a full disk: exit 1, one line, nothing lost; writes resume once there is room' '
	mkdir full && mount -t tmpfs -o size=1m tmpfs full &&
	test_when_finished "umount \"$TRASH/full\"" &&
	incident --dir full/s open -q "before the disk filled" >fid &&
	incident --dir full/s note "$(cat fid)" "a first note" >/dev/null &&
	# snapshots of copies: sqlite3, the last to close, would remove the
	# -shm file, which a reader cannot make again on a full disk
	snapshot_of() { rm -rf snap && cp -a "$1" snap && INCIDENT_DIR=snap store_snapshot; } &&
	snapshot_of full/s >before &&
	{ dd if=/dev/zero of=full/filler bs=4k 2>/dev/null; true; } &&
	test "$(df --output=avail full | tail -1)" -eq 0 &&
	head -c 45000 /dev/urandom | base64 -w 0 >long &&
	test_expect_code 1 incident --dir full/s note "$(cat fid)" "$(cat long)" 2>err &&
	test_line_count = 1 err && grep "the disk is full" err &&
	test_expect_code 1 incident --dir full/s open "$(head -c 900 long)" 2>err &&
	test_line_count = 1 err && grep "the disk is full" err &&
	test_expect_code 1 incident --dir full/new open "nowhere to go" 2>err &&
	test_line_count = 1 err &&
	grep "disk is full\|No space left" err &&
	test ! -e full/new/incident.db &&
	ls full/new >left && test ! -s left &&
	incident --dir full/s list -q >out && test_cmp fid out &&
	snapshot_of full/s >after && test_cmp before after &&
	# a reader first to a store with no -wal and -shm (as sqlite3 leaves
	# it) has no room to make them: it reads the file as it is
	rm full/filler && INCIDENT_DIR=full/s store_snapshot >/dev/null &&
	test ! -e full/s/incident.db-shm &&
	{ dd if=/dev/zero of=full/filler bs=4k 2>/dev/null; true; } &&
	incident --dir full/s list -q >out && test_cmp fid out &&
	test_expect_code 1 incident --dir full/s note "$(cat fid)" "no" 2>err &&
	test_line_count = 1 err && grep "the disk is full" err &&
	rm full/filler &&
	incident --dir full/s note "$(cat fid)" "$(cat long)" >/dev/null &&
	incident --dir full/new open -q "somewhere now" >/dev/null &&
	incident --dir full/s log "$(cat fid)" >log &&
	grep "a first note" log && grep -c noted log >n && test "$(cat n)" = 2
'

test_expect_success 'a damaged store keeps its history: rebuild recovers it, writes resume' '
	incident init --git --dir hurt >/dev/null &&
	for i in $(seq 30); do incident --dir hurt open -q "i$i" >/dev/null || exit 1; done &&
	incident --dir hurt list -q | sort >ids.before &&
	git --git-dir=hurt/audit.git rev-list --count incidents >commits.before &&
	sqlite3 hurt/incident.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	page=$(sqlite3 hurt/incident.db "SELECT rootpage FROM sqlite_master WHERE name = \"incidents\"") &&
	size=$(sqlite3 hurt/incident.db "PRAGMA page_size") &&
	head -c "$size" /dev/urandom |
		dd of=hurt/incident.db bs="$size" seek=$((page - 1)) count=1 conv=notrunc 2>/dev/null &&
	test_expect_code 1 incident --dir hurt list 2>err &&
	test_line_count = 1 err && grep "damaged" err &&
	test_expect_code 1 incident --dir hurt open "more" 2>err &&
	test_line_count = 1 err && grep "damaged" err &&
	git --git-dir=hurt/audit.git rev-list --count incidents >commits.after &&
	test_cmp commits.before commits.after &&
	incident --dir hurt rebuild >out && grep "from 30 events" out &&
	incident --dir hurt list -q | sort >ids.after && test_cmp ids.before ids.after &&
	incident --dir hurt open -q "after the repair" >/dev/null &&
	incident --dir hurt verify
'

test_expect_success 'a truncated database: one line, exit 1, rebuild recovers' '
	sqlite3 hurt/incident.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	size=$(stat -c %s hurt/incident.db) &&
	truncate -s $((size / 2)) hurt/incident.db &&
	test_expect_code 1 incident --dir hurt list 2>err &&
	test_line_count = 1 err && grep "damaged" err &&
	test_expect_code 1 incident --dir hurt note "$(head -1 ids.after)" "x" 2>err &&
	test_line_count = 1 err &&
	incident --dir hurt rebuild >out && grep "from 31 events" out &&
	incident --dir hurt list -q >ids && test_line_count = 31 ids
'

# A fault in the audit repository: the write stands (the event is in the
# store, pending), one warning says the mirror is behind and why; verify
# fails with one line; once the repository is back the next write
# mirrors the backlog and verify passes.
audit_fault() { # what to do to audit.git, grep for the cause
	rm -rf A A.good &&
	incident --dir A init --git >/dev/null &&
	incident --dir A open -q "mirrored" >A.id &&
	incident --dir A gc >/dev/null &&
	cp -a A/audit.git A.good &&
	(eval "$1") &&
	incident --dir A note -q "$(cat A.id)" "during the fault" >/dev/null 2>err &&
	test_line_count = 1 err && grep "audit mirror is behind by 1 event" err &&
	grep "$2" err &&
	test "$(sqlite3 A/incident.db "SELECT count(*) FROM events")" = 2 &&
	test_expect_code 1 incident --dir A verify >out 2>err &&
	cat out err >both && grep "$2" both &&
	rm -rf A/audit.git && cp -a A.good A/audit.git &&
	incident --dir A note -q "$(cat A.id)" "after the fault" >/dev/null 2>err &&
	test_line_count = 0 err &&
	test "$(git --git-dir=A/audit.git rev-list --count incidents)" = 3 &&
	incident --dir A verify >out && grep "^verified 3 events" out
}

test_expect_success 'a missing audit repository: the write stands, the cause is said, it catches up' '
	audit_fault "mv A/audit.git A/audit.away" "audit repository is missing"
'

test_expect_success 'a damaged pack in the audit repository: the same' '
	audit_fault "for p in A/audit.git/objects/pack/*.pack; do chmod u+w \$p &&
		dd if=/dev/zero of=\$p bs=1 seek=40 count=200 conv=notrunc 2>/dev/null; done" \
		"audit.git"
'

test_expect_success 'a damaged branch in the audit repository: the same' '
	audit_fault "echo garbage >A/audit.git/refs/heads/incidents" \
		"corrupted loose reference"
'

test_done
