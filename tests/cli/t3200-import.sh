#!/bin/bash
# What sync and rebuild import: every event through the one validator.
# Forged events with valid ids (tests/forge-event.c) on a bare remote:
# out-of-range Lamport clocks, severities, a self-merge, a 20 MB note,
# invalid UTF-8 are refused with a line naming them, or set aside with
# --quarantine; a newer version's event is kept and never stops a sync.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-forge.sh"

# A remote with one incident from A (SEV2), synced; B has not synced yet.
# Made once, then copied: most tests start from it, and under valgrind
# the two inits and the sync cost more than the test itself.
fresh() {
	rm -rf remote.git A B C &&
	if test -d fresh.tmpl; then
		cp -a fresh.tmpl/remote.git fresh.tmpl/A fresh.tmpl/B . &&
		read -r short full <fresh.tmpl/ids
	else
		git init -q --bare remote.git &&
		incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
		incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
		short=$(incident --dir A open -q -s 2 "API 5xx") &&
		full=$(incident --dir A show --json "$short" | jq -r .incident.id) &&
		incident --dir A sync -q &&
		mkdir fresh.tmpl && cp -a remote.git A B fresh.tmpl/ &&
		echo "$short $full" >fresh.tmpl/ids
	fi
}

# forge KIND PAYLOAD [LAMPORT]: one event of incident $full on the remote
forge() {
	printf '{"incident": "%s", "kind": "%s", "lamport": %s, "payload": %s}' \
		"$full" "$1" "${3:-7}" "$2" | forge_event remote.git
}

# refused REASON: B's sync fails naming the file and the reason, and
# imports nothing
refused() {
	test_expect_code 1 incident --dir B sync 2>err &&
	test_line_count = 1 err &&
	grep -F "$path" err && grep -F -- "$1" err &&
	grep -F "(sync --quarantine sets it aside)" err &&
	incident --dir B list -q --all >out && test_line_count = 0 out
}

# missing KIND MEMBER, blank KIND MEMBER: refused, naming the member
missing() {
	refused "$1: the member '$2' is missing"
}
blank() {
	refused "$1: '$2' is empty"
}

# an incident id no replica has: what a forged "opened" would create
other=7fk2qabcdefghjkm

test_expect_success 'setup: forge-event is built' '
	test -x "$FORGE_EVENT"
'

test_expect_success 'every number read from JSON in lib/ goes through lib/json.c' '
	(cd "$SOURCE_ROOT" && grep -rn "valuedouble\|valueint" lib --include="*.[ch]") >uses &&
	grep -v "^lib/json.c:" uses >others || : &&
	test ! -s others
'

test_expect_success 'a forged event with a valid id and sane values is imported' '
	fresh && path=$(forge noted "{\"text\": \"forged but fine\"}") &&
	incident --dir B sync -q &&
	incident --dir B show --json "$short" >s.json &&
	test "$(jq .incident.note_count s.json)" = 1
'

test_expect_success 'a Lamport clock of 2^60 is refused, not rounded' '
	fresh &&
	path=$(forge triaged "{\"severity\": 4}" 1152921504606846976) &&
	refused "lamport: not a whole number from 1 to 2^53-1"
'

test_expect_success 'a Lamport clock of 1e300 is refused' '
	fresh && path=$(forge noted "{\"text\": \"x\"}" 1e300) &&
	refused "lamport: not a whole number from 1 to 2^53-1"
'

test_expect_success 'a clock at 2^53-1 is imported; a write past it is refused, not rounded' '
	fresh && path=$(forge noted "{\"text\": \"at the top\"}" 9007199254740991) &&
	incident --dir B sync -q &&
	test "$(sqlite3 B/incident.db "SELECT max(lamport) FROM events")" = 9007199254740991 &&
	git --git-dir=remote.git cat-file blob "incidents:$path" >file &&
	grep -F "\"lamport\":9007199254740991," file &&
	incident --dir B log --json "$short" >log.json &&
	grep -E "\"lamport\":[[:space:]]+9007199254740991,?$" log.json &&
	incident --dir B export >export.json &&
	grep -F "9007199254740991" export.json &&
	test_expect_code 1 incident --dir B note "$short" "one more" 2>err &&
	grep "Lamport clock is used up.*SECURITY.md" err && test_line_count = 1 err &&
	test "$(sqlite3 B/incident.db "SELECT count(*) FROM events")" = 2
'

test_expect_success 'with --quarantine both replicas converge without it' '
	fresh &&
	path=$(forge triaged "{\"severity\": 4}" 1152921504606846976) &&
	incident --dir A note -q "$short" "more from A" &&
	incident --dir B sync --quarantine 2>err &&
	grep "1 invalid event set aside" err &&
	incident --dir A sync --quarantine -q 2>/dev/null &&
	incident --dir B sync -q &&
	incident --dir A show --json "$short" | jq -S .incident >a.json &&
	incident --dir B show --json "$short" | jq -S .incident >b.json &&
	test_cmp a.json b.json &&
	test "$(jq .severity a.json)" = 2
'

test_expect_success 'a set-aside event stays aside: later syncs say nothing' '
	incident --dir B sync >out 2>err &&
	test ! -s err &&
	sqlite3 B/incident.db "SELECT value FROM meta WHERE key LIKE '\''quarantine:%'\''" >q &&
	test_line_count = 1 q &&
	grep "lamport" q && jq -e ".event | length == 64" q
'

test_expect_success 'rebuild keeps it aside; a store that never set it aside refuses it' '
	short=$(incident --dir B list -q --all) &&
	incident --dir B rebuild >out 2>err &&
	grep "1 invalid event set aside" err &&
	incident --dir B show --json "$short" | jq -S .incident >b2.json &&
	test_cmp b.json b2.json &&
	incident --dir C init --git --remote "$PWD/remote.git" >/dev/null &&
	test_expect_code 1 incident --dir C sync 2>err &&
	grep lamport err &&
	incident --dir C sync -q --quarantine 2>/dev/null &&
	incident --dir C list -q --all >out && test_line_count = 1 out
'

test_expect_success 'rebuild refuses an invalid event, or sets it aside with --quarantine' '
	rm -rf D && mkdir D && cp -r B/audit.git D/ && cp B/config D/ &&
	test_expect_code 1 incident --dir D rebuild 2>err &&
	test_line_count = 1 err && grep "rebuild --quarantine sets it aside" err &&
	incident --dir D rebuild --quarantine --json >out 2>/dev/null &&
	test "$(jq .quarantined out)" = 1
'

test_expect_success 'severity 99999999, -3 and 0 are refused' '
	fresh && path=$(forge triaged "{\"severity\": 99999999}") &&
	refused "severity: not a whole number from 1 to 9" &&
	fresh && path=$(forge triaged "{\"severity\": -3}") &&
	refused "severity: not a whole number from 1 to 9" &&
	fresh && path=$(forge triaged "{\"severity\": 0}") &&
	refused "severity: not a whole number from 1 to 9"
'

test_expect_success 'an incident merged into itself is refused' '
	fresh && path=$(forge merged "{\"into\": \"$full\"}") &&
	refused "merged: an incident merged with itself"
'

test_expect_success 'an "opened" without a title or severity is refused' '
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"kind\": \"opened\", \"lamport\": 7, \"payload\": {}}" \
		"$other" | forge_event remote.git) &&
	missing opened title &&
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"kind\": \"opened\", \"lamport\": 7, \"payload\": {\"title\": \"t\"}}" \
		"$other" | forge_event remote.git) &&
	missing opened severity &&
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"kind\": \"opened\", \"lamport\": 7, \"payload\": {\"title\": \" \", \"severity\": 2}}" \
		"$other" | forge_event remote.git) &&
	blank opened title
'

test_expect_success 'a merge into nothing, a note without text, an empty note are refused' '
	fresh && path=$(forge merged "{}") && missing merged into &&
	fresh && path=$(forge noted "{}") && missing noted text &&
	fresh && path=$(forge noted "{\"text\": \"\"}") && blank noted text &&
	fresh && path=$(forge noted "{\"text\": \" \\n\\t \"}") && blank noted text &&
	fresh && path=$(forge updated "{\"text\": \"\"}") && blank updated text
'

test_expect_success 'an empty assignee, or none at all, is refused; a removal is not' '
	fresh && path=$(forge assigned "{\"who\": \"\"}") && blank assigned who &&
	fresh && path=$(forge assigned "{\"role\": \"ops\"}") && missing assigned who &&
	fresh && path=$(forge assigned "{\"role\": \"ops\", \"who\": null}") &&
	incident --dir B sync -q &&
	incident --dir B show --json "$short" >s.json &&
	test "$(jq .incident.event_count s.json)" = 2
'

test_expect_success 'with --quarantine the forgeries are set aside, the incident untouched' '
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"kind\": \"opened\", \"lamport\": 7, \"payload\": {}}" \
		"$other" | forge_event remote.git) &&
	path=$(forge merged "{}" 8) &&
	path=$(forge noted "{\"text\": \"\"}" 9) &&
	path=$(forge assigned "{\"who\": \"\"}" 10) &&
	incident --dir B sync --quarantine 2>err &&
	grep "4 invalid events set aside" err &&
	incident --dir B list -q --all >out &&
	echo "$short" >expect && test_cmp expect out &&
	incident --dir B show --json "$short" >s.json &&
	test "$(jq -r .incident.status s.json)" = open &&
	test "$(jq .incident.note_count s.json)" = 0 &&
	test "$(jq .incident.event_count s.json)" = 1 &&
	test "$(jq -r ".incident.roles | [.[] | select(. != null)] | length" s.json)" = 0 &&
	incident --dir B sync >out 2>err && test ! -s err
'

test_expect_success 'a 20 MB note is refused' '
	fresh &&
	path=$( { printf "{\"incident\": \"%s\", \"lamport\": 7, \"payload\": {\"text\": \"" "$full" &&
		head -c 20000000 /dev/zero | tr "\0" a && printf "\"}}"; } | forge_event remote.git) &&
	refused "the file is over 2097152 bytes" &&
	fresh &&
	path=$( { printf "{\"incident\": \"%s\", \"lamport\": 7, \"payload\": {\"text\": \"" "$full" &&
		head -c 100000 /dev/zero | tr "\0" a && printf "\"}}"; } | forge_event remote.git) &&
	refused "text is too long (100000 bytes; at most 65536)"
'

test_expect_success 'invalid UTF-8 is refused; export and log stay valid UTF-8' '
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"lamport\": 7, \"payload\": {\"text\": \"bad \377 byte\"}}" \
		"$full" | forge_event remote.git) &&
	refused "text is not valid UTF-8" &&
	first=$path &&
	path=$(printf "{\"incident\": \"%s\", \"lamport\": 8, \"payload\": {\"text\": \"ok\", \"new\": [\"\377\"]}}" \
		"$full" | forge_event remote.git) &&
	incident --dir B sync --quarantine 2>err && grep "2 invalid events set aside" err &&
	incident --dir B export >exp && iconv -f UTF-8 -t UTF-8 exp >/dev/null &&
	incident --dir B log --json "$short" >log && iconv -f UTF-8 -t UTF-8 log >/dev/null
'

test_expect_success 'a file whose path does not match its content is refused' '
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"lamport\": 7, \"payload\": {\"text\": \"x\"}, \"path\": \"incidents/zz/%s/events/0000000001-0000000000000000-%064d.json\"}" \
		"$full" "$full" 0 | forge_event remote.git) &&
	refused "its path does not match its content"
'

test_expect_success 'a newer version'\''s kind or member is kept, not folded, said once' '
	fresh &&
	path=$(forge paged "{\"who\": \"db-oncall\"}") &&
	path=$(forge noted "{\"text\": \"x\", \"mood\": \"calm\"}" 8) &&
	incident --dir B sync --json >out 2>err &&
	test "$(jq .newer out)" = 2 && test "$(jq .imported out)" = 3 &&
	grep "2 events written by a newer incident are kept" err &&
	incident --dir B show --json "$short" >s.json &&
	test "$(jq .incident.unknown_event_count s.json)" = 2 &&
	test "$(jq .incident.note_count s.json)" = 0 &&
	test "$(jq .incident.event_count s.json)" = 3 &&
	incident --dir B sync >out 2>err && test ! -s err &&
	incident --dir B rebuild >out 2>err &&
	grep "2 events written by a newer incident" err &&
	incident --dir B show --json "$short" >s2.json &&
	test "$(jq .incident.unknown_event_count s2.json)" = 2
'

test_expect_success 'a file of a newer format or outside incidents/ never stops a sync' '
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"format\": 2, \"lamport\": 7}" "$full" | forge_event remote.git) &&
	path=$(printf "{\"incident\": \"%s\", \"lamport\": 7, \"path\": \"later/db/events/x.json\"}" "$full" |
		forge_event remote.git) &&
	incident --dir B sync --json >out 2>err &&
	test "$(jq .newer out)" = 2 && test "$(jq .imported out)" = 1 &&
	grep "2 events written by a newer incident" err
'

test_expect_success 'verify counts a set-aside event, and its commit, as no problem' '
	fresh &&
	path=$(forge triaged "{\"severity\": 4}" 1152921504606846976) &&
	incident --dir B sync -q --quarantine 2>/dev/null &&
	incident --dir B verify >out &&
	grep "^verified 1 event: the database and the audit history agree$" out &&
	grep "^1 event set aside by --quarantine (not checked)$" out &&
	incident --dir B verify --json >out &&
	test "$(jq .ok out)" = true &&
	test "$(jq .quarantined out)" = 1 && test "$(jq .newer out)" = 0
'

test_expect_success 'verify: a set-aside path whose file changed since is a problem' '
	key=$(sqlite3 B/incident.db "SELECT key FROM meta WHERE key LIKE '\''quarantine:%'\''") &&
	path=${key#quarantine:} && test -n "$path" &&
	sqlite3 B/incident.db "UPDATE meta SET value = json_set(value, '\''$.blob'\'', '\''$(printf %040d 0)'\'') WHERE key = '\''$key'\''" &&
	test_expect_code 1 incident --dir B verify >out &&
	grep -F "history: $path was set aside by --quarantine as blob 000000000000" out &&
	grep -F "adds $path, not an event" out &&
	grep "^2 problems in 1 events$" out
'

test_expect_success 'verify counts a newer format and a file outside incidents/ as newer' '
	fresh &&
	path=$(printf "{\"incident\": \"%s\", \"format\": 2, \"lamport\": 7}" "$full" | forge_event remote.git) &&
	path=$(printf "{\"incident\": \"%s\", \"lamport\": 7, \"path\": \"later/db/events/x.json\"}" "$full" |
		forge_event remote.git) &&
	incident --dir B sync -q 2>/dev/null &&
	incident --dir B verify >out &&
	grep "^verified 1 event: the database and the audit history agree$" out &&
	grep "^2 events written by a newer incident (not checked)$" out &&
	incident --dir B verify --json >out &&
	test "$(jq .ok out)" = true &&
	test "$(jq .newer out)" = 2 && test "$(jq .quarantined out)" = 0
'

test_expect_success 'verify still checks the shape of a set-aside event'\''s commit' '
	fresh &&
	path=$(forge triaged "{\"severity\": 4}" 1152921504606846976) &&
	incident --dir B sync -q --quarantine 2>/dev/null &&
	bg() { git --git-dir=B/audit.git "$@"; } &&
	blob=$(bg rev-parse "incidents:$path") &&
	parent=$(bg rev-parse incidents~1) &&
	GIT_INDEX_FILE=$PWD/idx bg read-tree "$parent" &&
	GIT_INDEX_FILE=$PWD/idx bg update-index --add --cacheinfo "100644,$blob,$path" \
		--cacheinfo "100644,$blob,${path%.json}-2.json" &&
	tree=$(GIT_INDEX_FILE=$PWD/idx bg write-tree) &&
	c=$(echo two | GIT_AUTHOR_NAME=f GIT_AUTHOR_EMAIL=f@x GIT_COMMITTER_NAME=f \
		GIT_COMMITTER_EMAIL=f@x bg commit-tree "$tree" -p "$parent") &&
	bg update-ref refs/heads/incidents "$c" &&
	test_expect_code 1 incident --dir B verify >out &&
	grep "changes 2 files: an event commit adds one event file" out
'

test_expect_success 'verify: a commit adding a file outside incidents/ that is no event file is a problem' '
	fresh && incident --dir B sync -q &&
	bg() { git --git-dir=B/audit.git "$@"; } &&
	blob=$(echo hello | bg hash-object -w --stdin) &&
	GIT_INDEX_FILE=$PWD/idx bg read-tree incidents &&
	GIT_INDEX_FILE=$PWD/idx bg update-index --add --cacheinfo "100644,$blob,README" &&
	tree=$(GIT_INDEX_FILE=$PWD/idx bg write-tree) &&
	c=$(echo readme | GIT_AUTHOR_NAME=f GIT_AUTHOR_EMAIL=f@x GIT_COMMITTER_NAME=f \
		GIT_COMMITTER_EMAIL=f@x bg commit-tree "$tree" -p incidents) &&
	bg update-ref refs/heads/incidents "$c" &&
	test_expect_code 1 incident --dir B verify >out &&
	grep "adds README, not an event" out
'

test_expect_success 'rebuild keeps what sync last saw of each remote' '
	fresh && incident --dir B sync -q &&
	q="SELECT key || '\'' '\'' || value FROM meta WHERE key LIKE '\''remote%'\''" &&
	sqlite3 B/incident.db "$q" >before &&
	test_line_count = 1 before && grep "^remote_tip:$PWD/remote.git [0-9a-f]\{40\}$" before &&
	incident --dir B rebuild >/dev/null &&
	sqlite3 B/incident.db "$q" >after &&
	test_cmp before after
'

test_done
