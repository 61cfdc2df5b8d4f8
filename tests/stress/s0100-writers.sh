#!/bin/bash
# Stress: 32 writers at once, mirror off and on. Every write that exits
# 0 is found exactly once, every escalation counts (a store that opened
# its write transactions with a deferred BEGIN loses hundreds of them to
# SQLITE_BUSY), and the audit mirror has one commit per event.
. "$(dirname "$0")/../cli/test-lib.sh"

WORKERS=${STRESS_WORKERS:-32}
WRITES=${STRESS_WRITES:-100}
ESCALATES=${STRESS_ESCALATES:-50}
# each write with the mirror on also commits to git (under ASan about
# 75 ms of CPU): the mixed writes are fewer there, to stay in time
MIRROR_WRITES=${STRESS_MIRROR_WRITES:-25}
MIRROR_ESCALATES=${STRESS_MIRROR_ESCALATES:-$ESCALATES}

figure() { echo "# figure: $*"; }

# mixed DIR [WRITES]: $WORKERS processes each make WRITES writes (open, note,
# escalate, on their own incident and on a shared one), all at once.
# Each worker logs "ok KIND TARGET" for a write that exited 0 and
# "fail KIND rc" for one that did not.
mixed() {
	local dir=$1 writes=${2:-$WRITES} shared w
	shared=$(incident --dir "$dir" open -q "shared") || return 1
	echo "$shared" >"$dir.shared"
	for w in $(seq "$WORKERS"); do
		(
			own=$(incident --dir "$dir" open -q "worker $w") &&
				echo "ok open $own" || echo "fail open $?"
			for j in $(seq 2 "$writes"); do
				case $((j % 5)) in
				0) id=$(incident --dir "$dir" open -q "worker $w write $j") &&
					echo "ok open $id" || echo "fail open $?" ;;
				1) incident --dir "$dir" note -q "$own" "w$w j$j" >/dev/null &&
					echo "ok note $own" || echo "fail note $?" ;;
				2) incident --dir "$dir" note -q "$shared" "w$w j$j" >/dev/null &&
					echo "ok note $shared" || echo "fail note $?" ;;
				3) incident --dir "$dir" escalate -q "$own" >/dev/null &&
					echo "ok escalate $own" || echo "fail escalate $?" ;;
				4) incident --dir "$dir" escalate -q "$shared" >/dev/null &&
					echo "ok escalate $shared" || echo "fail escalate $?" ;;
				esac
			done
		) >"$dir.log.$w" 2>"$dir.err.$w" &
	done
	wait
	cat "$dir".log.* >"$dir.log"
	cat "$dir".err.* >"$dir.errs"
}

# check_mixed DIR [WRITES]: what the workers were told is what the store holds.
check_mixed() {
	local dir=$1 db=$1/incident.db shared
	shared=$(cat "$dir.shared") &&
	grep -c "^ok " "$dir.log" >"$dir.written" &&
	echo $((WORKERS * ${2:-$WRITES})) >expect &&
	{ grep "^fail" "$dir.log" | sort | uniq -c; cat "$dir.errs"; } >&2 &&
	test_cmp expect "$dir.written" &&
	test_line_count = 0 "$dir.errs" &&
	# the shared open is one more event
	sqlite3 "$db" "SELECT count(*) - 1 FROM events" >"$dir.found" &&
	test_cmp "$dir.written" "$dir.found" &&
	test "$(sqlite3 "$db" "SELECT count(DISTINCT lamport) FROM events")" = \
		"$(sqlite3 "$db" "SELECT count(*) FROM events")" &&
	test "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok &&
	# every incident's counts are the writes acknowledged on it
	grep "^ok open " "$dir.log" | cut -d" " -f3 | sort >opened &&
	sort -u opened >opened.u && test_cmp opened opened.u &&
	test "$(incident --dir "$dir" list -q --all | wc -l)" = $(($(wc -l <opened) + 1)) &&
	incident --dir "$dir" show --json "$shared" >s.json &&
	test "$(jq .incident.note_count s.json)" = "$(grep -c "^ok note $shared" "$dir.log")" &&
	test "$(jq .incident.escalation_level s.json)" = \
		"$(grep -c "^ok escalate $shared" "$dir.log")" &&
	own=$(grep "^ok escalate " "$dir.log" | grep -v "$shared" | cut -d" " -f3 | sort | uniq -c | head -1) &&
	set -- $own &&
	test "$(incident --dir "$dir" show --json "$2" | jq .incident.escalation_level)" = "$1" &&
	incident --dir "$dir" verify >/dev/null
}

# storm DIR [N]: $WORKERS processes escalate one incident N times each.
storm() {
	local dir=$1 n=${2:-$ESCALATES} id w
	id=$(incident --dir "$dir" open -q "the storm") || return 1
	echo "$id" >"$dir.storm"
	for w in $(seq "$WORKERS"); do
		(
			for j in $(seq "$n"); do
				incident --dir "$dir" escalate -q "$id" >/dev/null &&
					echo ok || echo "fail $?"
			done
		) >"$dir.slog.$w" 2>"$dir.serr.$w" &
	done
	wait
	cat "$dir".slog.* >"$dir.slog"
	cat "$dir".serr.* >"$dir.serrs"
}

check_storm() {
	local dir=$1 id n=$((WORKERS * ${2:-$ESCALATES}))
	id=$(cat "$dir.storm") &&
	{ grep "^fail" "$dir.slog" | sort | uniq -c; cat "$dir.serrs"; } >&2 &&
	grep -c "^ok" "$dir.slog" >acked && echo $n >expect && test_cmp expect acked &&
	test_line_count = 0 "$dir.serrs" &&
	sqlite3 "$dir/incident.db" \
		"SELECT count(*) FROM events WHERE incident = '$id' AND kind = 'escalated'" >found &&
	test_cmp expect found &&
	incident --dir "$dir" show --json "$id" | jq .incident.escalation_level >level &&
	test_cmp expect level
}

# check_mirror DIR: one commit per event, each event's file once, fsck clean.
check_mirror() {
	local dir=$1 git="git --git-dir=$1/audit.git"
	sqlite3 "$dir/incident.db" "SELECT count(*) FROM events" >events &&
	$git rev-list --count incidents >commits &&
	test_cmp events commits &&
	$git ls-tree -r --name-only incidents | grep -c "/events/.*\.json$" >files &&
	test_cmp events files &&
	$git fsck --strict --no-progress &&
	find "$dir/audit.git" -name "*.lock" >locks && test_line_count = 0 locks &&
	incident --dir "$dir" verify >/dev/null
}

test_expect_success "mirror off: $WORKERS x $WRITES mixed writes all land" '
	start=$(date +%s) &&
	incident --dir plain init >/dev/null &&
	mixed plain &&
	echo $(($(date +%s) - start)) >plain.secs &&
	check_mixed plain
'
figure "mirror off: $(cat plain.written 2>/dev/null) writes acknowledged," \
	"$(cat plain.found 2>/dev/null) found, in $(cat plain.secs 2>/dev/null) s"

test_expect_success "mirror off: $WORKERS x $ESCALATES escalations of one incident, level $((WORKERS * ESCALATES))" '
	start=$(date +%s) &&
	storm plain &&
	echo $(($(date +%s) - start)) >plain.ssecs &&
	check_storm plain
'
figure "mirror off: $(grep -c "^ok" plain.slog 2>/dev/null) escalations acknowledged," \
	"level $(incident --dir plain show --json "$(cat plain.storm 2>/dev/null)" 2>/dev/null |
		jq .incident.escalation_level 2>/dev/null), in $(cat plain.ssecs 2>/dev/null) s"

test_expect_success "mirror on: $WORKERS x $MIRROR_WRITES mixed writes, one commit each" '
	start=$(date +%s) &&
	incident --dir git init --git >/dev/null &&
	mixed git $MIRROR_WRITES &&
	echo $(($(date +%s) - start)) >git.secs &&
	check_mixed git $MIRROR_WRITES &&
	check_mirror git
'
figure "mirror on: $(cat git.written 2>/dev/null) writes acknowledged," \
	"$(cat git.found 2>/dev/null) found, $(cat commits 2>/dev/null) commits," \
	"in $(cat git.secs 2>/dev/null) s"

test_expect_success "mirror on: $WORKERS x $MIRROR_ESCALATES escalations of one incident: every acknowledged one counts, one commit each" '
	start=$(date +%s) &&
	storm git $MIRROR_ESCALATES &&
	echo $(($(date +%s) - start)) >git.ssecs &&
	id=$(cat git.storm) &&
	grep -c "^ok" git.slog >acked &&
	sqlite3 git/incident.db \
		"SELECT count(*) FROM events WHERE incident = '"'"'$id'"'"' AND kind = '"'"'escalated'"'"'" >found &&
	test_cmp acked found &&
	incident --dir git show --json "$id" | jq .incident.escalation_level >level &&
	test_cmp acked level &&
	check_mirror git
'
figure "mirror on: $(grep -c "^ok" git.slog 2>/dev/null) escalations acknowledged" \
	"($(grep -c "^fail 5" git.slog 2>/dev/null) busy)," \
	"level $(cat level 2>/dev/null), $(cat commits 2>/dev/null) commits in all," \
	"in $(cat git.ssecs 2>/dev/null) s"

# What the issue asks: every one exits 0. On a quiet machine it does;
# with the 2 cores shared by four sanitizer builds, 2 and 12 of 1,600
# outwaited the 30 s busy timeout (exit 5): each mirrored event refolds
# the incident's whole history inside the store's write lock
# (mirror.c state_after), so the lock is held longer as it grows.
test_expect_success "mirror on: all $((WORKERS * MIRROR_ESCALATES)) escalations exit 0, level $((WORKERS * MIRROR_ESCALATES))" '
	check_storm git $MIRROR_ESCALATES
'

test_done
