#!/bin/bash
# Two stores share incidents through a bare remote: conflicting offline
# changes, synced in either order, leave both with the same incidents.
. "$(dirname "$0")/test-lib.sh"

# The full picture of a store, for comparing two of them.
state() { # dir
	incident --dir "$1" list --all --json &&
	for i in $(incident --dir "$1" list -q --all | sort); do
		incident --dir "$1" show --json "$i" | jq "del(.audit)" || return 1
	done
}

# conflict REMOTE-URL FIRST SECOND: A escalates and notes while B
# resolves, offline; then FIRST syncs, SECOND syncs, FIRST again.
conflict() {
	rm -rf A B &&
	incident --dir A init --git --remote "$1" >/dev/null &&
	incident --dir B init --git --remote "$1" >/dev/null &&
	id=$(incident --dir A open -q -s 2 "API 5xx spike") &&
	incident --dir A sync -q && incident --dir B sync -q &&
	incident --dir B show --json "$id" >/dev/null &&
	incident --dir B resolve -q "$id" --summary "rolled back" >/dev/null &&
	incident --dir A escalate -q "$id" --to db-oncall >/dev/null &&
	incident --dir A note -q "$id" "DBA paged" >/dev/null &&
	incident --dir A open -q "only on A" >/dev/null &&
	incident --dir "$2" sync -q && incident --dir "$3" sync -q &&
	incident --dir "$2" sync -q &&
	state A >A.state && state B >B.state &&
	test_cmp A.state B.state &&
	incident --dir A show --json "$id" >s.json &&
	test "$(jq -r .incident.status s.json)" = resolved &&
	test "$(jq .incident.escalation_level s.json)" = 1 &&
	test "$(jq .incident.note_count s.json)" = 1 &&
	test "$(jq .incident.event_count s.json)" = 4 &&
	test "$(incident --dir A list -q --all | wc -l)" = 2 &&
	test "$(sqlite3 A/incident.db "SELECT count(*) FROM events")" = 5 &&
	test "$(sqlite3 B/incident.db "SELECT count(*) FROM events")" = 5 &&
	incident --dir A verify >/dev/null && incident --dir B verify >/dev/null
}

test_expect_success 'setup: a bare remote' '
	git init -q --bare remote.git
'

test_expect_success 'A first, then B: both see the same incidents' '
	rm -rf remote.git && git init -q --bare remote.git &&
	conflict "$PWD/remote.git" A B
'

test_expect_success 'B first, then A: the same' '
	rm -rf remote.git && git init -q --bare remote.git &&
	conflict "$PWD/remote.git" B A
'

test_expect_success 'the remote history is a union with a merge, fsck-clean' '
	git --git-dir=remote.git log --format=%s incidents >subjects &&
	grep "^sync: merge the history of " subjects &&
	test "$(git --git-dir=remote.git ls-tree -r --name-only incidents | wc -l)" = 5 &&
	git --git-dir=remote.git fsck --strict
'

test_expect_success 'sync output and JSON' '
	incident --dir A note -q "$(incident --dir A list -q --all | head -1)" "one more" >/dev/null &&
	incident --dir A sync >out &&
	grep -E "^synced with .*remote.git: 0 new events, pushed$" out &&
	incident --dir B sync --json >out &&
	test "$(jq .imported out)" = 1 &&
	test "$(jq .pushed out)" = false &&
	incident --dir B sync >out && grep "0 new events, nothing to push" out
'

test_expect_success 'over file:// too' '
	rm -rf remote.git && git init -q --bare remote.git &&
	conflict "file://$PWD/remote.git" A B
'

test_expect_success 'over git:// through a git daemon on 127.0.0.1' '
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
	conflict "git://127.0.0.1:$port/remote.git" B A &&
	git --git-dir=served/remote.git fsck --strict
'

test_expect_success 'a dead remote fails clearly, loses nothing, and the next sync works' '
	rm -rf remote.git && git init -q --bare remote.git &&
	rm -rf A && incident --dir A init --git >/dev/null &&
	incident --dir A open -q "kept" >id &&
	test_expect_code 1 incident --dir A sync "git://127.0.0.1:1/nothing.git" 2>err &&
	test_line_count = 1 err &&
	grep "127.0.0.1:1" err &&
	test_expect_code 1 incident --dir A sync "$PWD/no-such-remote.git" 2>err &&
	test_line_count = 1 err &&
	incident --dir A list -q >out && test_cmp id out &&
	incident --dir A sync "$PWD/remote.git" >out &&
	grep "pushed" out
'

test_expect_success 'a remote that never answers is given up after --timeout' '
	port=$((20000 + RANDOM % 20000))
	# accepts every connection and never says a word (-d: never reads
	# stdin, so it needs nothing kept open there)
	nc -dlk 127.0.0.1 $port >/dev/null </dev/null &
	test_when_finished "kill $!" &&
	for i in $(seq 50); do
		nc -z 127.0.0.1 $port 2>/dev/null && break
		sleep 0.1
	done &&
	nc -z 127.0.0.1 $port &&
	# our listener, not another one on the same port
	kill -0 $! &&
	start=$(date +%s%N) &&
	test_expect_code 1 incident --dir A sync --timeout 2 "git://127.0.0.1:$port/x.git" 2>err &&
	end=$(date +%s%N) &&
	test_line_count = 1 err &&
	grep "no answer within 2 s; nothing was lost" err &&
	ms=$(( (end - start) / 1000000 )) && echo "elapsed ${ms} ms" &&
	test $ms -ge 2000 && test $ms -le $((2500 + TEST_SLACK_MS)) &&
	incident --dir A list -q >out && test_cmp id out &&
	echo $port >silent.port
'

test_expect_success 'the same remote, back: the next sync recovers' '
	port=$(cat silent.port) &&
	rm -rf served daemon.pid && mkdir served && git init -q --bare served/x.git &&
	test_when_finished "test ! -f daemon.pid || kill \$(cat daemon.pid)" &&
	git daemon --export-all --enable=receive-pack --base-path="$PWD/served" \
		--listen=127.0.0.1 --port=$port --reuseaddr --detach \
		--pid-file="$PWD/daemon.pid" "$PWD/served" &&
	for i in $(seq 50); do
		git ls-remote "git://127.0.0.1:$port/x.git" >/dev/null 2>&1 && break
		sleep 0.1
	done &&
	incident --dir A sync --timeout 5 "git://127.0.0.1:$port/x.git" >out &&
	grep "pushed" out &&
	test "$(git --git-dir=served/x.git ls-tree -r --name-only incidents | wc -l)" = 1
'

test_expect_success 'a refused port fails at once, in one line' '
	start=$(date +%s%N) &&
	test_expect_code 1 incident --dir A sync --timeout 5 "git://127.0.0.1:1/x.git" 2>err &&
	end=$(date +%s%N) &&
	test_line_count = 1 err && grep "refused" err &&
	test $(( (end - start) / 1000000 )) -le $((1500 + TEST_SLACK_MS)) &&
	incident --dir A list -q >out && test_cmp id out
'

test_expect_success 'a remote whose history was rewritten is refused, loudly' '
	rm -rf remote.git A B work && git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir A open -q "first" >/dev/null &&
	incident --dir A open -q "second" >/dev/null && incident --dir A sync -q &&
	incident --dir B sync -q &&
	before=$(git --git-dir=B/audit.git rev-parse incidents) &&
	# someone drops an event and force-pushes the rewritten branch
	git clone -q --branch incidents remote.git work &&
	f=$(git -C work ls-files | head -1) &&
	git -C work rm -q "$f" &&
	git -C work -c user.name=M -c user.email=m@example.com commit -q --amend --allow-empty -m rewritten &&
	git -C work push -q --force origin incidents &&
	test_expect_code 4 incident --dir B sync 2>err &&
	test_line_count = 1 err &&
	grep "the remote history was rewritten" err &&
	grep -- "--accept-rewrite" err &&
	test "$(git --git-dir=B/audit.git rev-parse incidents)" = "$before" &&
	test_expect_code 4 incident --dir A sync 2>err &&
	incident --dir B sync --accept-rewrite >out &&
	grep "pushed" out &&
	git --git-dir=remote.git ls-tree -r --name-only incidents >files &&
	grep -F "$f" files && test_line_count = 2 files &&
	incident --dir B sync -q && incident --dir A sync -q &&
	test "$(incident --dir A list -q --all | wc -l)" = 2
'

test_expect_success 'a tampered event on the remote is refused and changes nothing' '
	git config --global user.name T && git config --global user.email t@example.com &&
	rm -rf remote.git A B && git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir A open -q "honest" >/dev/null && incident --dir A sync -q &&
	good=$(git --git-dir=remote.git rev-parse incidents) &&
	f=$(git --git-dir=remote.git ls-tree -r --name-only incidents | head -1) &&
	git --git-dir=remote.git cat-file blob "incidents:$f" | sed s/honest/forged/ >forged.json &&
	blob=$(git --git-dir=remote.git hash-object -w forged.json) &&
	GIT_INDEX_FILE=$PWD/idx git --git-dir=remote.git read-tree incidents &&
	GIT_INDEX_FILE=$PWD/idx git --git-dir=remote.git update-index --cacheinfo "100644,$blob,$f" &&
	tree=$(GIT_INDEX_FILE=$PWD/idx git --git-dir=remote.git write-tree) &&
	bad=$(echo forged | git --git-dir=remote.git commit-tree "$tree" -p incidents) &&
	git --git-dir=remote.git update-ref refs/heads/incidents "$bad" &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "does not hash to its id" err &&
	incident --dir B list -q --all >out && test_line_count = 0 out &&
	test_must_fail git --git-dir=B/audit.git rev-parse -q --verify incidents &&
	git --git-dir=remote.git update-ref refs/heads/incidents "$good" &&
	incident --dir B sync -q &&
	incident --dir B list --all >out && grep "honest" out
'

test_expect_success 'a local remote that is not bare is refused, untouched' '
	rm -rf nonbare && git init -q nonbare &&
	test_expect_code 2 incident --dir A sync "$PWD/nonbare" 2>err &&
	test_line_count = 1 err && grep "not a bare repository" err &&
	test_must_fail git -C nonbare rev-parse -q --verify refs/heads/incidents
'

test_expect_success 'a path that is no repository: exit 1, one line of ours' '
	test_expect_code 1 incident --dir A sync "$PWD/no-such-remote.git" 2>err &&
	test_line_count = 1 err && grep "no such repository" err &&
	! grep "unsupported URL" err &&
	test ! -e no-such-remote.git &&
	mkdir -p empty-dir &&
	test_expect_code 1 incident --dir A sync "$PWD/empty-dir" 2>err &&
	test_line_count = 1 err && grep "not a git repository" err &&
	test_expect_code 1 incident --dir A sync "file://$PWD/empty-dir" 2>err &&
	grep "not a git repository" err
'

test_expect_success 'a remote with a newline cannot write config lines' '
	rm -rf C &&
	test_expect_code 2 incident --dir C init --remote "$(printf "x\n[audit]\nrepo = /tmp/evil")" 2>err &&
	grep "control characters" err &&
	! grep -q evil C/config 2>/dev/null
'

test_expect_success 'a config file without a final newline still takes the mirror' '
	rm -rf D && incident init --dir D >/dev/null &&
	printf "[user]\n\tname = A" >D/config &&
	incident --dir D init --git >out &&
	grep "^audit mirror: " out &&
	incident --dir D open -q x >/dev/null &&
	test "$(git --git-dir=D/audit.git rev-list --count incidents)" = 1
'

test_expect_success 'no remote configured, or a bad timeout, is a usage error' '
	rm -rf N && incident --dir N init --git >/dev/null &&
	test_expect_code 2 incident --dir N sync 2>err &&
	grep "no remote" err &&
	test_expect_code 2 incident --dir N sync --timeout 0 x 2>err &&
	test_expect_code 2 incident --dir nowhere sync x 2>err
'

test_done
