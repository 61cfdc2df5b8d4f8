#!/bin/bash
# Eight replicas, each with events of its own, sync at once to one remote:
# a bare repository by path, and a git daemon on 127.0.0.1. Every sync
# succeeds, every event is on the remote exactly once, every "pushed" is
# true, and no lock file is left behind.
. "$(dirname "$0")/test-lib.sh"

# more for a stress run; under valgrind (seconds a process) 3 race as
# well, and tests/stress/s0300-sync races 8 in the sanitizer pass
if [ -n "${INCIDENT_VALGRIND:-}" ]; then
	N=${SYNC_REPLICAS:-3}
else
	N=${SYNC_REPLICAS:-8}
fi

# replicas URL: N fresh stores with 2 incidents each (one noted), unsynced
replicas() {
	for i in $(seq $N); do
		rm -rf "r$i" &&
		incident --dir "r$i" init --git --remote "$1" >/dev/null &&
		id=$(incident --dir "r$i" open -q "from r$i") &&
		incident --dir "r$i" note -q "$id" "note of r$i" &&
		incident --dir "r$i" open -q "also from r$i" >/dev/null || return 1
	done
}

# all_at_once: every replica syncs at the same moment; out.N, err.N, rc.N
all_at_once() {
	for i in $(seq $N); do
		( incident --dir "r$i" sync --timeout 60 >"out.$i" 2>"err.$i"
		  echo $? >"rc.$i" ) &
	done
	wait
}

# check GITDIR: what the remote holds after everyone synced
check() {
	for i in $(seq $N); do
		test "$(cat rc.$i)" = 0 ||
		{ echo "r$i: exit $(cat rc.$i)"; cat "err.$i"; return 1; }
	done &&
	git --git-dir="$1" ls-tree -r --name-only incidents >files &&
	test_line_count = $((N * 3)) files &&
	sed "s|.*/||" files | sort | uniq -d >dups && test ! -s dups &&
	# every "pushed" is true: that replica's events are all there
	for i in $(seq $N); do
		if grep -q ", pushed$" "out.$i"; then
			git --git-dir="r$i/audit.git" ls-tree -r --name-only incidents >mine &&
			sort mine >a && sort files >b &&
			comm -23 a b >missing &&
			{ test ! -s missing || { echo "r$i said pushed"; cat missing; return 1; }; }
		fi || return 1
	done &&
	find "$1" -name "*.lock" >locks && test ! -s locks &&
	git --git-dir="$1" fsck --strict &&
	# and one more round brings everyone everything
	for i in $(seq $N); do incident --dir "r$i" sync -q || return 1; done &&
	for i in $(seq $N); do
		test "$(incident --dir "r$i" list -q --all | wc -l)" = $((N * 2)) || return 1
	done
}

test_expect_success "$N syncs at once to a bare repository by path" '
	git init -q --bare remote.git &&
	replicas "$PWD/remote.git" && all_at_once && check remote.git
'

test_expect_success "$N syncs at once again, each with one more event" '
	for i in $(seq $N); do
		incident --dir "r$i" open -q "third of r$i" >/dev/null || return 1
	done && all_at_once &&
	git --git-dir=remote.git ls-tree -r --name-only incidents >files &&
	test_line_count = $((N * 4)) files &&
	for i in $(seq $N); do test "$(cat rc.$i)" = 0 || return 1; done &&
	find remote.git -name "*.lock" >locks && test ! -s locks
'

test_expect_success "$N syncs at once through a git daemon on 127.0.0.1" '
	rm -rf served daemon.pid && mkdir served && git init -q --bare served/remote.git &&
	port=$((20000 + RANDOM % 20000)) &&
	test_when_finished "test ! -f daemon.pid || kill \$(cat daemon.pid)" &&
	git daemon --export-all --enable=receive-pack --base-path="$PWD/served" \
		--listen=127.0.0.1 --port=$port --reuseaddr --detach \
		--pid-file="$PWD/daemon.pid" "$PWD/served" &&
	for i in $(seq 50); do
		git ls-remote "git://127.0.0.1:$port/remote.git" >/dev/null 2>&1 && break
		sleep 0.1
	done &&
	replicas "git://127.0.0.1:$port/remote.git" && all_at_once &&
	check served/remote.git
'

test_expect_success 'a branch that stays locked: exit 5, one line, in time' '
	rm -rf L && git init -q --bare locked.git &&
	incident --dir L init --git --remote "$PWD/locked.git" >/dev/null &&
	incident --dir L open -q "waits" >/dev/null &&
	mkdir -p locked.git/refs/heads && : >locked.git/refs/heads/incidents.lock &&
	start=$(date +%s%N) &&
	test_expect_code 5 incident --dir L sync --timeout 2 2>err &&
	end=$(date +%s%N) &&
	test_line_count = 1 err && grep "others kept pushing" err &&
	test $(( (end - start) / 1000000 )) -le $((2500 + TEST_SLACK_MS)) &&
	rm locked.git/refs/heads/incidents.lock &&
	incident --dir L sync >out && grep pushed out
'

test_done
