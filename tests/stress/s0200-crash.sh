#!/bin/bash
# Crash: a loop of writes killed with kill -9 at random moments, mirror
# off and on. Every write that exited 0 is there, the store opens after
# every kill, and verify passes, or names a stale lock that
# "incident gc --clear-locks" clears.
. "$(dirname "$0")/../cli/test-lib.sh"

CYCLES=${STRESS_CRASH_CYCLES:-60} # per mode: two modes
SEED=${STRESS_SEED:-$(date +%s)}
echo "# random seed $SEED (replay with STRESS_SEED=$SEED)"

figure() { echo "# figure: $*"; }

test_lazy_prereq SETSID 'command -v setsid' \
	'no setsid(1) (util-linux) to kill a writer with its children'

# The writer: an endless loop of writes on DIR, each one logged to ACKED
# only after it exited 0. Runs in a session of its own, so kill -9 of
# the group takes the incident (and incident-git) process it is waiting
# for too.
cat >writer.sh <<'EOF'
dir=$1 acked=$2 cycle=$3
main=$(cat "$dir.main")
last=$main n=0
while :; do
	n=$((n + 1))
	tag="c$cycle w$n"
	case $((n % 4)) in
	0) id=$(incident --dir "$dir" open -q "$tag") && echo "open $id" >>"$acked" &&
		last=$id ;;
	1) incident --dir "$dir" note -q "$main" "$tag" >/dev/null &&
		echo "noted $main $tag" >>"$acked" ;;
	2) incident --dir "$dir" escalate -q "$last" --reason "$tag" >/dev/null &&
		echo "escalated $last $tag" >>"$acked" ;;
	3) incident --dir "$dir" note -q "$last" "$tag" >/dev/null &&
		echo "noted $last $tag" >>"$acked" ;;
	esac
done
EOF

# cycles DIR N MAX: CYCLES runs of the writer, each killed after 50 to
# MAX ms;
# after each, the store opens and its database is whole. The moments
# come from RANDOM seeded with SEED + N (bash reseeds it in the subshell
# each test runs in).
cycles() {
	local dir=$1 c pid ms max=$3 i alive
	RANDOM=$((SEED + $2))
	: >"$dir.acked"
	for c in $(seq "$CYCLES"); do
		setsid bash writer.sh "$dir" "$PWD/$dir.acked" "$c" </dev/null \
			>/dev/null 2>>"$dir.writer-err" &
		pid=$!
		ms=$((50 + RANDOM % (max - 50)))
		sleep "$((ms / 1000)).$(printf "%03d" $((ms % 1000)))"
		kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid"
		wait "$pid" 2>/dev/null
		# nothing of that writer lives on to write during the checks
		# (zombies aside: they wait for init to reap them)
		for i in 1 2 3 4 5 6 7 8 9 10; do
			alive=$(ps -o stat= --sid "$pid" | grep -cv "^Z")
			[ "$alive" -eq 0 ] && break
			sleep 0.1
		done
		if [ "$alive" -ne 0 ]; then
			echo "cycle $c: the writer's session $pid outlived kill -9:" >&2
			ps -o pid,args --sid "$pid" >&2
			return 1
		fi
		# the store opens after every kill
		if ! incident --dir "$dir" list -q --all >/dev/null 2>>"$dir.open-err"; then
			echo "cycle $c: the store does not open after kill -9 at $ms ms" >&2
			cat "$dir.open-err" >&2
			return 1
		fi
		if [ "$(sqlite3 "$dir/incident.db" "PRAGMA integrity_check")" != ok ]; then
			echo "cycle $c: integrity_check fails after kill -9 at $ms ms" >&2
			return 1
		fi
		echo "$c" >"$dir.cycles"
	done
}

# check_acked DIR: every write that exited 0 is in the store.
check_acked() {
	local dir=$1 db=$1/incident.db
	grep "^open " "$dir.acked" | cut -d" " -f2 | sort -u >"$dir.want-open" &&
	incident --dir "$dir" list -q --all | sort -u >"$dir.have-open" &&
	comm -23 "$dir.want-open" "$dir.have-open" >"$dir.lost-open" &&
	test_line_count = 0 "$dir.lost-open" &&
	for k in noted escalated; do
		key=text && [ $k = noted ] || key=reason
		grep "^$k " "$dir.acked" | cut -d" " -f2- | sort -u >"$dir.want-$k" &&
		sqlite3 -separator " " "$db" \
			"SELECT incident, json_extract(payload, '\$.$key') FROM events WHERE kind = '$k'" |
			sort -u >"$dir.have-$k" &&
		comm -23 "$dir.want-$k" "$dir.have-$k" >"$dir.lost-$k" &&
		test_line_count = 0 "$dir.lost-$k" || return 1
	done
}

# verify_or_clear DIR: verify passes, or names a stale lock, which
# gc --clear-locks clears, and then it passes.
verify_or_clear() {
	local dir=$1
	if incident --dir "$dir" verify >"$dir.verify" 2>&1; then
		return 0
	fi
	cat "$dir.verify" >&2
	grep -q "\.lock" "$dir.verify" && grep -q "gc --clear-locks" "$dir.verify" &&
	incident --dir "$dir" gc --clear-locks &&
	echo "stale lock cleared" >"$dir.cleared" &&
	incident --dir "$dir" verify
}

test_expect_success SETSID "mirror off: $CYCLES kill -9 cycles, the store opens after each" '
	incident --dir plain init >/dev/null &&
	incident --dir plain open -q "the main one" >plain.main &&
	cycles plain 1 500
'
figure "mirror off: $(cat plain.cycles 2>/dev/null) kill -9 cycles survived," \
	"$(wc -l <plain.acked 2>/dev/null) writes acknowledged"

test_expect_success SETSID 'mirror off: every acknowledged write is there, verify passes' '
	check_acked plain &&
	incident --dir plain verify
'

test_expect_success SETSID "mirror on: $CYCLES kill -9 cycles, the store opens after each" '
	incident --dir git init --git >/dev/null &&
	incident --dir git open -q "the main one" >git.main &&
	# a write with the mirror takes longer: a wider window
	cycles git 2 900
'
figure "mirror on: $(cat git.cycles 2>/dev/null) kill -9 cycles survived," \
	"$(wc -l <git.acked 2>/dev/null) writes acknowledged"

test_expect_success SETSID 'mirror on: every acknowledged write is there' '
	check_acked git
'

# Whether a kill left a lock in the audit repository decides which of
# the next two tests runs (the other says why it is skipped).
find git/audit.git -name "*.lock" 2>/dev/null | sed "s|^|$PWD/|" >stale-locks
if [ -s stale-locks ]; then
	test_set_prereq STALE_LOCK
fi
figure "mirror on: $(wc -l <stale-locks) lock files left by the kills" \
	"$(sed "s|.*/audit.git/||" stale-locks | tr "\n" " ")"
test_lazy_prereq NO_STALE_LOCK '! test -s "$TRASH/stale-locks"' \
	'a kill left a lock file (the test after this one checks it)'
test_lazy_prereq A_STALE_LOCK 'test -s "$TRASH/stale-locks"' \
	'no kill left a lock file this time (the test before this one ran)'

# check_caught_up DIR: one commit per event, fsck clean.
check_caught_up() {
	sqlite3 "$1/incident.db" "SELECT count(*) FROM events" >events &&
	git --git-dir="$1/audit.git" rev-list --count incidents >commits &&
	test_cmp events commits &&
	git --git-dir="$1/audit.git" fsck --strict --no-progress
}

test_expect_success SETSID,NO_STALE_LOCK 'mirror on, no lock left: one more write catches up, verify passes' '
	incident --dir git note -q "$(cat git.main)" "after the crashes" >/dev/null &&
	incident --dir git verify &&
	check_caught_up git
'

test_expect_success SETSID,A_STALE_LOCK 'mirror on, a lock left: verify names it, gc --clear-locks clears it, the mirror catches up' '
	incident --dir git note -q "$(cat git.main)" "after the crashes" >/dev/null &&
	verify_or_clear git &&
	test -f git.cleared &&
	incident --dir git note -q "$(cat git.main)" "after the clearing" >/dev/null &&
	check_caught_up git &&
	incident --dir git verify
'
figure "mirror on: at the end $(sqlite3 git/incident.db "SELECT count(*) FROM events" 2>/dev/null) events," \
	"$(git --git-dir=git/audit.git rev-list --count incidents 2>/dev/null) commits"

# What a kill -9 in the middle of a ref update leaves: the lock file of
# the branch. Done by hand, so this is checked on every run whatever the
# random kills hit.
test_expect_success 'a stale ref lock: verify names it and gc --clear-locks clears it' '
	rm -rf L && incident --dir L init --git >/dev/null &&
	incident --dir L open -q "locked" >/dev/null &&
	: >L/audit.git/refs/heads/incidents.lock &&
	touch -d "1 hour ago" L/audit.git/refs/heads/incidents.lock &&
	test_must_fail incident --dir L verify 2>err >out &&
	cat out err >both &&
	grep "refs/heads/incidents.lock" both &&
	grep "gc --clear-locks" both &&
	incident --dir L gc --clear-locks &&
	test ! -e L/audit.git/refs/heads/incidents.lock &&
	incident --dir L open -q "after" >/dev/null &&
	check_caught_up L &&
	incident --dir L verify
'

test_done
