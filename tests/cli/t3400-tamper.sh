#!/bin/bash
# Tampering verify must see: commits re-created with the same trees but
# other authors or messages, and events cut from the end of a store that
# has no mirror to compare with (caught through the head of the chain).
. "$(dirname "$0")/test-lib.sh"

db="$INCIDENT_DIR/incident.db"
repo="$INCIDENT_DIR/audit.git"
g() { git --git-dir="$repo" "$@"; }

# recreate [env...]: every commit of the branch made again, oldest first,
# with its tree and message, and the environment given (another author).
recreate() {
	local parent= c tree new
	for c in $(g rev-list --reverse incidents); do
		tree=$(g rev-parse "$c^{tree}") &&
		new=$(g log -1 --format=%B "$c" |
			env "$@" git --git-dir="$repo" commit-tree "$tree" ${parent:+-p "$parent"}) ||
			return 1
		parent=$new
	done
	g update-ref refs/heads/incidents "$parent"
}

test_expect_success 'setup: a mirrored store' '
	git config --global user.name "Alice Example" &&
	git config --global user.email alice@example.com &&
	incident init --git >/dev/null &&
	incident open -q -s 2 "API 5xx spike" >id &&
	incident note -q "$(cat id)" "rollback started" >/dev/null &&
	incident triage -q "$(cat id)" --impact high --urgency high >/dev/null &&
	g rev-parse incidents >orig
'

test_expect_success 'verify prints the head of the hash chain' '
	incident verify >out &&
	head -1 out | grep "^verified 3 events: the database and the audit history agree$" &&
	sqlite3 "$db" "SELECT chain FROM events ORDER BY seq DESC LIMIT 1" >want &&
	grep -E "^chain head: [0-9a-f]{64}$" out &&
	test "$(sed -n "s/^chain head: //p" out)" = "$(cat want)" &&
	incident verify --json >out.json &&
	test "$(jq -r .head out.json)" = "$(cat want)" &&
	test "$(jq .ok out.json)" = true
'

test_expect_success 'commits re-created with another author, same trees: verify names them' '
	test_when_finished "g update-ref refs/heads/incidents $(cat orig)" &&
	recreate GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=m@evil.example \
		GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=m@evil.example &&
	test "$(g rev-parse "incidents^{tree}")" = "$(g rev-parse "$(cat orig)^{tree}")" &&
	test_expect_code 1 incident verify >out &&
	tip=$(g rev-parse --short=12 incidents) &&
	grep "^history: commit $tip (event [0-9a-f]\{12\}): its author is not the event'"'"'s actor at its time: the commit was re-created$" out &&
	test "$(grep -c "its author is not" out)" = 3 &&
	grep "^history: the branch no longer contains commit ${orig:0:0}$(cut -c1-12 orig), the last this store wrote: it was rewritten$" out
'

test_expect_success 'the same authors and dates, other trailers: verify names the commit' '
	test_when_finished "g update-ref refs/heads/incidents $(cat orig)" &&
	c=$(cat orig) &&
	export GIT_AUTHOR_NAME="Alice Example" GIT_AUTHOR_EMAIL=alice@example.com \
		GIT_COMMITTER_NAME="Alice Example" GIT_COMMITTER_EMAIL=alice@example.com &&
	export GIT_AUTHOR_DATE="$(g log -1 --format=%ad --date=raw "$c")" \
		GIT_COMMITTER_DATE="$(g log -1 --format=%cd --date=raw "$c")" &&
	g log -1 --format=%B "$c" | sed "s/^Event: .*/Event: 0000/" >msg &&
	new=$(g commit-tree "$c^{tree}" -p "$c~1" -F msg) &&
	unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE &&
	g update-ref refs/heads/incidents "$new" &&
	test_expect_code 1 incident verify >out &&
	grep "^history: commit ${new:0:12} (event [0-9a-f]\{12\}): its Incident and Event trailers do not name the event it adds" out &&
	! grep "its author is not" out
'

test_expect_success 'only the subject reworded (another version): the commit passes' '
	test_when_finished "g update-ref refs/heads/incidents $(cat orig) &&
		sqlite3 \"$db\" \"UPDATE meta SET value = '"'"'$(cat orig)'"'"' WHERE key = '"'"'audit_tip'"'"'\"" &&
	c=$(cat orig) &&
	export GIT_AUTHOR_NAME="Alice Example" GIT_AUTHOR_EMAIL=alice@example.com \
		GIT_COMMITTER_NAME="Alice Example" GIT_COMMITTER_EMAIL=alice@example.com &&
	export GIT_AUTHOR_DATE="$(g log -1 --format=%ad --date=raw "$c")" \
		GIT_COMMITTER_DATE="$(g log -1 --format=%cd --date=raw "$c")" &&
	g log -1 --format=%B "$c" | sed "1s/.*/triaged: worded otherwise/" >msg &&
	new=$(g commit-tree "$c^{tree}" -p "$c~1" -F msg) &&
	unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE &&
	g update-ref refs/heads/incidents "$new" &&
	sqlite3 "$db" "UPDATE meta SET value = '"'"'$new'"'"' WHERE key = '"'"'audit_tip'"'"'" &&
	incident verify >out &&
	grep "^verified 3 events" out
'

test_expect_success 'a merge that brings a file neither side has: verify names it' '
	test_when_finished "g update-ref refs/heads/incidents $(cat orig)" &&
	c=$(cat orig) &&
	echo "{}" >stray.json &&
	blob=$(g hash-object -w stray.json) &&
	GIT_INDEX_FILE=$PWD/m.index g read-tree "$c" &&
	GIT_INDEX_FILE=$PWD/m.index g update-index --add --cacheinfo "100644,$blob,incidents/zz/stray/events/stray.json" &&
	tree=$(GIT_INDEX_FILE=$PWD/m.index g write-tree) &&
	m=$(echo "sync: merge the history of nowhere" | g commit-tree "$tree" -p "$c" -p "$c~1") &&
	g update-ref refs/heads/incidents "$m" &&
	test_expect_code 1 incident verify >out &&
	grep "^history: merge ${m:0:12} adds incidents/zz/stray/events/stray.json, which neither side has$" out >lines &&
	test_line_count = 1 lines
'

test_expect_success 'the history restored, verify passes again' '
	incident verify >out && grep "^verified 3 events" out
'

test_expect_success 'without a mirror: events cut from the end pass verify, not --expect-head' '
	plain="$PWD/plain" &&
	incident --dir "$plain" open -q "kept" >kept &&
	incident --dir "$plain" note -q "$(cat kept)" "still here" >/dev/null &&
	incident --dir "$plain" verify >out &&
	early=$(sed -n "s/^chain head: //p" out) &&
	incident --dir "$plain" open -q "to be cut" >cut &&
	incident --dir "$plain" note -q "$(cat cut)" "evidence" >/dev/null &&
	incident --dir "$plain" verify >out &&
	head=$(sed -n "s/^chain head: //p" out) &&
	test "$head" != "$early" &&
	incident --dir "$plain" verify --expect-head "$head" >/dev/null &&
	incident --dir "$plain" verify --expect-head "${early:0:12}" >/dev/null &&
	# the attacker: the trigger that refuses DELETE goes first
	sqlite3 "$plain/incident.db" "DROP TRIGGER events_no_delete;
		DELETE FROM events WHERE incident = '"'"'$(cat cut)'"'"';
		DELETE FROM incidents WHERE id = '"'"'$(cat cut)'"'"';" &&
	incident --dir "$plain" verify >out &&
	grep "^verified 2 events: the database'"'"'s events, chain and records agree$" out &&
	grep "^chain head: $early$" out &&
	test_expect_code 1 incident --dir "$plain" verify --expect-head "$head" >out &&
	grep "^chain: the head ${head:0:12} given is no longer in the hash chain (it ends at ${early:0:12} now): events were removed from its end$" out &&
	test_expect_code 1 incident --dir "$plain" verify --json --expect-head "$head" >out.json &&
	test "$(jq .ok out.json)" = false &&
	test "$(jq -r .head out.json)" = "$early"
'

test_expect_success '--expect-head takes a hash only' '
	test_expect_code 2 incident verify --expect-head "not-a-hash" 2>err &&
	grep "not-a-hash: not a head of the hash chain" err &&
	test_expect_code 2 incident verify --expect-head abc 2>err
'

test_done
