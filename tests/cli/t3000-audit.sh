#!/bin/bash
# The audit mirror, checked with the real git CLI as an independent client.
. "$(dirname "$0")/test-lib.sh"

repo="$INCIDENT_DIR/audit.git"
g() { git --git-dir="$repo" "$@"; }

test_expect_success 'init --git makes a bare repository and mirrors what exists' '
	git config --global user.name "Alice Example" &&
	git config --global user.email alice@example.com &&
	incident open -q "before the mirror" >id0 &&
	incident init --git >out &&
	grep "^audit mirror: $repo$" out &&
	test "$(g rev-parse --is-bare-repository)" = true &&
	test "$(g rev-list --count incidents)" = 1 &&
	incident init --json >out &&
	test "$(jq -r .audit_repo out)" = "$repo"
'

test_expect_success 'every event is exactly one commit' '
	incident open -q -s 2 --service api "API 5xx spike" >id &&
	id=$(cat id) &&
	incident triage -q "$id" --impact high --urgency high >/dev/null &&
	incident escalate -q "$id" --to db-oncall --reason "replication lag" >/dev/null &&
	incident note -q "$id" "$(printf "two\nlines")" >/dev/null &&
	incident resolve -q "$id" --summary "failover" >/dev/null &&
	test "$(g rev-list --count incidents)" = 6 &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events")" = 6 &&
	for c in $(g rev-list incidents); do
		test "$(g diff-tree --no-commit-id --name-only -r --root "$c" | wc -l)" = 1 || exit 1
	done
'

test_expect_success 'author, subject and trailers' '
	id=$(cat id) &&
	g log -1 --format="%an <%ae>" incidents >author &&
	echo "Alice Example <alice@example.com>" >expect && test_cmp expect author &&
	g log --format=%s incidents >subjects &&
	grep -E "^escalated ${id:0:5}[0-9a-z]*: level 1 to db-oncall, replication lag — API 5xx spike$" subjects &&
	grep -E "^opened ${id:0:5}[0-9a-z]*: API 5xx spike \(SEV2, services api\)$" subjects &&
	g log -1 --format=%B incidents | git interpret-trailers --parse >trailers &&
	grep "^Incident: $id$" trailers &&
	grep -E "^Event: [0-9a-f]{64}$" trailers &&
	grep "^Severity: SEV2$" trailers &&
	grep "^Status: resolved$" trailers &&
	g log --format=%B --grep="Escalated\|level 1" incidents | git interpret-trailers --parse | grep "^Status: triaged$"
'

test_expect_success 'git log --grep finds all of an incident'"'"'s commits' '
	id=$(cat id) &&
	g log --oneline --grep="Incident: $id" incidents >mine &&
	test_line_count = 5 mine &&
	g log --oneline --grep="Incident: $(cat id0)" incidents >other &&
	test_line_count = 1 other
'

test_expect_success 'the files are the canonical events, sharded by id' '
	id=$(cat id) &&
	g ls-tree -r --name-only incidents >files &&
	test_line_count = 6 files &&
	grep -E "^incidents/${id:0:2}/$id/events/[0-9]{10}-[0-9a-z]{16}-[0-9a-f]{64}\.json$" files >mine &&
	test_line_count = 5 mine &&
	f=$(head -1 mine) &&
	g show "incidents:$f" >event.json &&
	eid=$(jq -r .id event.json) &&
	test "$(jq -cj "del(.id)" event.json | sha256sum | cut -d" " -f1)" = "$eid" &&
	echo "$f" | grep -q -- "-$eid.json$" &&
	incident log --json "$id" | jq -c ".events[0]" >from-log &&
	jq -c . event.json >from-git &&
	test_cmp from-log from-git
'

test_expect_success 'git fsck --strict is clean' '
	g fsck --strict 2>err && ! grep -v "^Checking\|unborn" err
'

test_expect_success 'show and log say what is mirrored' '
	incident show "$(cat id)" >out &&
	grep -E "^  audit +5 of 5 events mirrored$" out &&
	incident show --json "$(cat id)" >out &&
	test "$(jq .audit.mirrored out)" = 5 &&
	incident log --json "$(cat id)" >out &&
	test "$(jq -c .mirrored out)" = "[true,true,true,true,true]"
'

test_expect_success 'a read-only audit repository: commands succeed, the mirror catches up later' '
	id=$(cat id) &&
	as_owner_only() { chmod -R a-w "$repo"; }
	if test "$(id -u)" = 0; then
		chown -R nobody "$TRASH" && chmod -R a+rX "$TRASH" &&
		run() { setpriv --reuid=65534 --regid=65534 --clear-groups -- env HOME="$HOME" "$@"; }
	else
		run() { "$@"; }
	fi &&
	chmod -R a-w "$repo" &&
	run "$INCIDENT" note "$id" "while the repo is read-only" >out 2>err &&
	test_line_count = 1 err &&
	grep "warning: the audit mirror is behind by 1 event" err &&
	run "$INCIDENT" note "$id" "still read-only" 2>err &&
	grep "behind by 2 events" err &&
	run "$INCIDENT" log "$id" >log &&
	grep -c "\[not mirrored yet\]" log >n && test "$(cat n)" = 2 &&
	test "$(g rev-list --count incidents)" = 6 &&
	chmod -R u+w "$repo" &&
	run "$INCIDENT" note "$id" "writable again" >out 2>err &&
	test_line_count = 0 err &&
	test "$(g rev-list --count incidents)" = 9 &&
	run "$INCIDENT" verify >out &&
	grep "^verified 9 events" out &&
	if test "$(id -u)" = 0; then chown -R root "$TRASH"; fi
'

test_expect_success 'gc packs into one pack; history and fsck unchanged' '
	before=$(g rev-parse incidents) &&
	incident gc --json >out &&
	test "$(jq .packed out)" -gt 0 &&
	test "$(ls "$repo"/objects/pack/*.pack | wc -l)" = 1 &&
	test "$(find "$repo/objects" -path "*/objects/[0-9a-f][0-9a-f]/*" -type f | wc -l)" = 0 &&
	test "$(g rev-parse incidents)" = "$before" &&
	g fsck --strict &&
	incident note -q "$(cat id)" "after gc" >/dev/null &&
	incident gc >out && grep "^packed " out &&
	test "$(ls "$repo"/objects/pack/*.pack | wc -l)" = 1
'

test_expect_success 'without --git nothing touches git' '
	incident init --dir plain >/dev/null &&
	incident --dir plain open -q "no mirror" >/dev/null &&
	! test -e plain/audit.git &&
	incident --dir plain verify >out &&
	grep "^verified 1 event" out &&
	test_expect_code 2 incident --dir plain gc 2>err &&
	test_expect_code 2 incident --dir plain sync 2>err &&
	grep "audit mirror is off" err
'

test_expect_success 'commit messages carry no terminal escapes from titles or notes' '
	id=$(incident open -q "$(printf "red \033[31mtitle\033[m")") &&
	incident note -q "$id" "$(printf "bell\a and \342\200\256bidi")" >/dev/null &&
	g log -2 --format=%B incidents >msgs &&
	! grep -q "$(printf "\033")" msgs &&
	! grep -q "$(printf "\a")" msgs &&
	grep -F "opened ${id:0:5}" msgs | grep -F "red ^[[31mtitle^[[m" &&
	grep -F "bell^G and \\u202ebidi" msgs
'

# Bytes a terminal acts on: C0 controls but newline and tab, DEL, C1 (U+0080-U+009F)
# and the bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9).
has_controls() { # file
	perl -ne '$n++ if /[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]/; END { exit($n ? 0 : 1) }' "$1"
}

test_expect_success 'hostile text: commit messages, authors and the review are made safe; JSON keeps it' '
	hostile=$(printf "t \033[2J\033]8;;http://x.example\033\\\\link\033]8;;\033\\\\ \033]52;c;Zm9v\a \302\233""31m c1 \342\200\256bidi \342\201\246iso \r\tcr") &&
	actor=$(printf "Eve \033[31mRed\302\233 \342\200\256") &&
	test_when_finished "git config --global user.name \"Alice Example\"" &&
	git config --global user.name "$actor" &&
	title=$(printf "%s" "$hostile" | tr -d "\r") &&
	id=$(incident open -q "$title") &&
	incident note -q "$id" "$hostile
second line $hostile" >/dev/null &&
	incident resolve -q "$id" --summary "$hostile" >/dev/null &&
	g log -3 --format="%B%n%an%n%ae%n%cn%n%ce" incidents >msgs &&
	printf "%s" "$hostile" >probe && has_controls probe &&
	! has_controls msgs &&
	grep -F "opened ${id:0:5}" msgs | grep -F "t ^[[2J^[]8;;http://x.example^[" &&
	grep -F "\\u009b31m c1 \\u202ebidi \\u2066iso" msgs &&
	grep "^Eve ^\[\[31mRed\\\\u009b \\\\u202e$" msgs &&
	g log -1 --format=%B incidents | git interpret-trailers --parse >trailers &&
	grep "^Incident: $id$" trailers &&
	incident show --json "$id" >show.json &&
	test "$(jq -r .incident.title show.json)" = "$title" &&
	incident log --json "$id" >log.json &&
	test "$(jq -r ".events[0].actor" log.json)" = "$actor <alice@example.com>" &&
	incident review "$id" >draft 2>/dev/null &&
	grep -F "\\u202ebidi" draft &&
	! has_controls draft &&
	incident verify >out && grep "^verified" out
'

# LD_DEBUG=libs writes one file a process (LD_DEBUG_OUTPUT.PID) naming
# every library it maps; only the helper incident-git may map libgit2.
maps_git() { # command...: the programs of that run that mapped libgit2
	rm -rf lddebug && mkdir lddebug &&
	LD_DEBUG=libs LD_DEBUG_OUTPUT=$PWD/lddebug/ld "$@" >/dev/null 2>&1
	for f in lddebug/ld.*; do
		grep -q "libgit2" "$f" &&
			sed -n "s/.*initialize program: *//p" "$f" | tail -n 1
	done | sort -u
}

test_expect_success 'commands that touch no git map no libgit2 library' '
	id=$(cat id) &&
	for c in "--version" "list" "show $id" "log $id" "stats" "export" \
		"list --all --json" "action list"; do
		test -z "$(maps_git incident $c)" || { echo "$c maps libgit2"; exit 1; }
	done &&
	test -z "$(maps_git incident --dir plain note -q "$(incident --dir plain open -q x)" y)"
'

test_expect_success 'a mirrored write maps libgit2 in the helper only' '
	id=$(cat id) &&
	maps_git incident note "$id" "helper only" >progs &&
	test_line_count = 1 progs &&
	grep "incident-git$" progs &&
	maps_git incident sync --help >progs &&
	grep "incident-git$" progs
'

test_expect_success 'without its helper a write succeeds, says the mirror is behind, loses nothing' '
	mkdir -p lonely && cp "$BUILD_ROOT/incident" lonely/ &&
	id=$(cat id) &&
	before=$(g rev-list --count incidents) &&
	INCIDENT_LIBEXEC= lonely/incident note "$id" "while the helper is away" 2>err &&
	grep "^incident: warning: the audit mirror is behind by 1 event (kept, sent with the next command): cannot find incident-git" err &&
	test "$(g rev-list --count incidents)" = "$before" &&
	test_expect_code 1 env INCIDENT_LIBEXEC= lonely/incident verify 2>err &&
	grep "^incident: cannot find incident-git (the git support)" err &&
	incident note -q "$id" "helper is back" >/dev/null &&
	test "$(g rev-list --count incidents)" = $((before + 2)) &&
	incident verify
'

test_expect_success 'INCIDENT_LIBEXEC points at the helper first' '
	mkdir -p fake && printf "#!/bin/sh\necho fake helper \"\$@\"\n" >fake/incident-git &&
	chmod +x fake/incident-git &&
	INCIDENT_LIBEXEC=$PWD/fake incident sync --json >out &&
	grep "^fake helper sync --json$" out
'

test_expect_success 'a helper that fails before mirroring still leaves the warning' '
	mkdir -p broken && printf "#!/bin/sh\nexit 5\n" >broken/incident-git &&
	chmod +x broken/incident-git &&
	id=$(cat id) &&
	INCIDENT_LIBEXEC=$PWD/broken incident note -q "$id" "while it is broken" >out 2>err &&
	grep "^incident: warning: the audit mirror is behind by 1 event (kept, sent with the next command): incident-git failed (exit status 5)$" err &&
	incident note -q "$id" "mended" >/dev/null 2>err &&
	test_line_count = 0 err &&
	incident verify
'

test_expect_success 'incident-git alone says what it is, on -h too' '
	test_expect_code 2 "$BUILD_ROOT/incident-git" -h >out 2>err &&
	grep "^usage: incident-git \[--dir dir\] command \[args\]$" err &&
	! grep "(null)" err out &&
	test_expect_code 2 "$BUILD_ROOT/incident-git" nosuch 2>err &&
	grep "^usage: incident-git" err
'

test_done
