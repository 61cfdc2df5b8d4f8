#!/bin/bash
# Stress: 8 replicas sync at once to one remote, a bare repository by
# path and a git daemon on 127.0.0.1. Every sync exits 0 (retrying
# inside), says it pushed, every event is on the remote exactly once and
# no lock file is left behind.
. "$(dirname "$0")/../cli/test-lib.sh"

REPLICAS=${STRESS_REPLICAS:-8}

figure() { echo "# figure: $*"; }

# replicas URL: $REPLICAS stores on URL, each with a shared incident
# (synced one after another first) and changes of its own, offline.
replicas() {
	local url=$1 i
	rm -rf R* && for i in $(seq "$REPLICAS"); do
		incident --dir "R$i" init --git --remote "$url" >/dev/null || return 1
	done &&
	incident --dir R1 open -q "shared" >shared &&
	for i in $(seq "$REPLICAS"); do
		incident --dir "R$i" sync -q || return 1
	done &&
	for i in $(seq "$REPLICAS"); do
		incident --dir "R$i" open -q "own $i" >/dev/null &&
		incident --dir "R$i" note -q "$(cat shared)" "from $i" >/dev/null &&
		incident --dir "R$i" escalate -q "$(cat shared)" >/dev/null || return 1
	done
}

# all_at_once: every replica syncs at the same moment.
all_at_once() {
	local i
	rm -f out.* rc.* err.*
	for i in $(seq "$REPLICAS"); do
		(incident --dir "R$i" sync --json >"out.$i" 2>"err.$i"; echo $? >"rc.$i") &
	done
	wait
}

# check_remote GIT-DIR: the outcome of all_at_once.
check_remote() {
	local git="git --git-dir=$1" i
	# every event of every replica, and the remote's event files
	for i in $(seq "$REPLICAS"); do
		sqlite3 "R$i/incident.db" "SELECT id FROM events" || return 1
	done | sort -u >events.local &&
	{ $git ls-tree -r --name-only incidents 2>/dev/null || :; } |
		grep "/events/.*\.json$" | sed "s|.*-||; s|\.json$||" | sort >events.remote
	cat rc.* | sort | uniq -c >codes &&
	cat err.* >&2 &&
	echo "      $REPLICAS 0" >expect && test_cmp expect codes &&
	for i in $(seq "$REPLICAS"); do
		test "$(jq .pushed "out.$i")" = true || {
			echo "R$i did not push:" >&2; cat "out.$i" >&2; return 1
		}
	done &&
	# each exactly once
	sort -u events.remote >events.remote.u &&
	test_cmp events.remote.u events.remote &&
	test_cmp events.local events.remote &&
	$git fsck --strict --no-progress &&
	find "$1" R*/audit.git -name "*.lock" >locks &&
	test_line_count = 0 locks
}

# converge: two more rounds, one replica after another (the first
# gathers everything on the remote, the second brings it to all);
# every replica then has every event and the same export.
converge() {
	local i
	for i in $(seq "$REPLICAS") $(seq "$REPLICAS"); do
		incident --dir "R$i" sync -q || return 1
	done &&
	for i in $(seq "$REPLICAS"); do
		sqlite3 "R$i/incident.db" "SELECT id FROM events" || return 1
	done | sort -u >events.local &&
	for i in $(seq "$REPLICAS"); do
		incident --dir "R$i" export >"export.$i" &&
		test_cmp export.1 "export.$i" &&
		incident --dir "R$i" verify >/dev/null || return 1
	done &&
	test "$(jq ".events | length" export.1)" = "$(wc -l <events.local)"
}

test_expect_success 'setup: a bare remote, replicas with offline changes' '
	git init -q --bare remote.git &&
	replicas "$PWD/remote.git"
'

test_expect_success "$REPLICAS syncs at once to a bare repository: all exit 0, all pushed" '
	start=$(date +%s) &&
	all_at_once &&
	echo $(($(date +%s) - start)) >secs &&
	check_remote remote.git
'
figure "bare repository: $(grep -c "^0$" rc.* 2>/dev/null | grep -c ":1$") of $REPLICAS" \
	"syncs exited 0, $(grep -l "\"pushed\":.*true" out.* 2>/dev/null | wc -l) pushed," \
	"$(wc -l <events.remote 2>/dev/null) events on the remote" \
	"($(wc -l <events.local 2>/dev/null) made), in $(cat secs 2>/dev/null) s"

test_expect_success 'then every replica has every event' '
	converge
'

test_lazy_prereq GIT_DAEMON 'git daemon --help >/dev/null 2>&1 || command -v git-daemon ||
	test -x "$(git --exec-path)/git-daemon"' 'git daemon is not installed'

# start_daemon: a git daemon on 127.0.0.1 serving served/, on a free
# port picked once (file port: the replicas' remote names it), stopped
# when the test is over.
start_daemon() {
	local port i
	if ! port=$(cat port 2>/dev/null); then
		port=$((20000 + RANDOM % 20000))
		while nc -z 127.0.0.1 $port 2>/dev/null; do port=$((20000 + RANDOM % 20000)); done
		echo $port >port
	fi
	rm -f daemon.pid
	test_when_finished "test ! -f daemon.pid || kill \$(cat daemon.pid)" &&
	git daemon --export-all --enable=receive-pack --base-path="$PWD/served" \
		--listen=127.0.0.1 --port=$port --reuseaddr --detach \
		--pid-file="$PWD/daemon.pid" "$PWD/served" &&
	for i in $(seq 50); do
		git ls-remote "git://127.0.0.1:$port/remote.git" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "git daemon did not answer on 127.0.0.1:$port" >&2
	return 1
}

test_expect_success GIT_DAEMON 'setup: a git daemon, replicas with offline changes' '
	rm -rf served && mkdir served && git init -q --bare served/remote.git &&
	start_daemon &&
	replicas "git://127.0.0.1:$(cat port)/remote.git"
'

test_expect_success GIT_DAEMON "$REPLICAS syncs at once through git daemon on 127.0.0.1" '
	start_daemon &&
	start=$(date +%s) &&
	all_at_once &&
	echo $(($(date +%s) - start)) >secs &&
	check_remote served/remote.git
'
figure "git daemon: $(grep -c "^0$" rc.* 2>/dev/null | grep -c ":1$") of $REPLICAS" \
	"syncs exited 0, $(grep -l "\"pushed\":.*true" out.* 2>/dev/null | wc -l) pushed," \
	"$(wc -l <events.remote 2>/dev/null) events on the remote" \
	"($(wc -l <events.local 2>/dev/null) made), in $(cat secs 2>/dev/null) s"

test_expect_success GIT_DAEMON 'then every replica has every event' '
	start_daemon &&
	converge &&
	find served R*/audit.git -name "*.lock" >locks &&
	test_line_count = 0 locks
'

test_done
