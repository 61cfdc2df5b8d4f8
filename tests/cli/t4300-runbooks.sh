#!/bin/bash
# Runbooks: matched at triage, the version recorded, steps checked on the
# timeline and in the review; hostile files do no harm.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-forge.sh"

rb="$INCIDENT_DIR/runbooks"

test_expect_success 'setup: a store and a folder of runbooks' '
	incident init >/dev/null &&
	mkdir -p "$rb/db" &&
	cat >"$rb/db/primary.md" <<-\EOT &&
	---
	services: db, postgres
	severity: 1, 2
	owner: dba-team
	---
	# Primary database down

	Read this first.

	- [ ] Check replication lag on the replicas
	- [ ] Fail over with `pgctl promote`
	* [x] Check the app reconnects
	EOT
	cat >"$rb/db/any.md" <<-\EOT &&
	---
	service: db
	---
	# Any database trouble
	- [ ] Look at the dashboards
	EOT
	cat >"$rb/api.md" <<-\EOT
	---
	tags: [api, "edge"]
	severity: SEV3
	---
	# API errors
	- [ ] Roll back the last deploy
	EOT
'

test_expect_success 'runbooks lists them and what they match' '
	incident runbooks >out &&
	grep "^db/primary.md  Primary database down (3 steps)$" out &&
	grep "^  services: db, postgres$" out &&
	grep "^  severity: 1, 2$" out &&
	incident runbook --list --json >l.json &&
	test "$(jq -r "[.runbooks[].path] | join(\" \")" l.json)" = "api.md db/any.md db/primary.md" &&
	test "$(jq -c ".runbooks[0].severities" l.json)" = "[3]" &&
	test "$(jq -c ".runbooks[0].tags" l.json)" = "[\"api\",\"edge\"]" &&
	test "$(jq -r ".runbooks[2].hash" l.json)" = "$(sha256sum "$rb/db/primary.md" | cut -c1-64)"
'

test_expect_success 'a runbook matched by service appears at triage' '
	incident open -q -s 1 --service db "DB down" >id &&
	incident triage "$(cat id)" >out &&
	grep "^triaged " out &&
	grep "^Runbook: Primary database down (db/primary.md, 0/3 done)$" out &&
	grep "^  \[ \] 1. Check replication lag on the replicas$" out &&
	grep "^  \[ \] 3. Check the app reconnects$" out &&
	incident log "$(cat id)" >log &&
	grep "runbook_attached: Primary database down (db/primary.md, 3 steps, version $(sha256sum "$rb/db/primary.md" | cut -c1-12))" log &&
	incident show --json "$(cat id)" >s.json &&
	test "$(jq -r .incident.runbook.path s.json)" = db/primary.md &&
	test "$(jq -r .incident.runbook.hash s.json)" = "$(sha256sum "$rb/db/primary.md" | cut -c1-64)" &&
	test "$(jq -r ".incident.runbook.steps | length" s.json)" = 3
'

test_expect_success 'triage --json has the runbook, -q nothing more' '
	incident open -q -s 1 --service db "DB down again" >id2 &&
	incident triage --json "$(cat id2)" >t.json &&
	test "$(jq -r .incident.runbook.title t.json)" = "Primary database down" &&
	incident open -q -s 1 --service db "DB down thrice" >id3 &&
	incident triage -q "$(cat id3)" >out &&
	test_line_count = 1 out
'

test_expect_success 'severity narrows; the most specific wins' '
	incident open -q -s 3 --service db "DB slow" >id-sev3 &&
	incident triage --json "$(cat id-sev3)" >t.json &&
	test "$(jq -r .incident.runbook.path t.json)" = db/any.md &&
	incident open -q -s 3 --tag api "API errors" >id-api &&
	incident triage --json "$(cat id-api)" >t.json &&
	test "$(jq -r .incident.runbook.path t.json)" = api.md &&
	incident open -q -s 1 --tag api "API down" >id-api1 &&
	incident triage --json "$(cat id-api1)" >t.json &&
	test "$(jq .incident.runbook t.json)" = null &&
	incident open -q -s 3 --service db --tag api "both" >id-both &&
	incident triage --json "$(cat id-both)" >t.json &&
	test "$(jq -r .incident.runbook.path t.json)" = db/any.md
'

test_expect_success 'check by number and by prefix' '
	id=$(cat id) &&
	incident check "$id" 1 >out &&
	grep "^checked step 1 of ${id:0:5}[0-9a-z]*: Check replication lag on the replicas$" out &&
	grep "^  \[x\] 1. Check replication lag on the replicas  (" out &&
	incident check "$id" "FAIL over" --note "promoted db-2" >out &&
	grep "^checked step 2 of " out &&
	incident show --json "$id" >s.json &&
	test "$(jq -c "[.incident.runbook.steps[].checked]" s.json)" = "[true,true,false]" &&
	test "$(jq -r ".incident.runbook.steps[1].note" s.json)" = "promoted db-2" &&
	test "$(jq -r ".incident.runbook.steps[1].checked_by" s.json)" != null
'

test_expect_success 'an ambiguous prefix, none, out of range, checked twice' '
	id=$(cat id) &&
	test_expect_code 2 incident check "$id" check 2>err &&
	grep "starts several steps: 1 (Check replication lag on the replicas), 3 (Check the app reconnects)" err &&
	test_expect_code 3 incident check "$id" "reboot" 2>err &&
	grep "no step of its runbook starts with .reboot." err &&
	test_expect_code 3 incident check "$id" 9 2>err &&
	grep "has no step 9 (it has 3)" err &&
	test_expect_code 3 incident check "$id" 0 &&
	test_expect_code 4 incident check "$id" 1 2>err &&
	grep "step 1 (Check replication lag on the replicas) is checked already" err &&
	test_expect_code 2 incident check "$id" &&
	test "$(incident show --json "$id" | jq "[.incident.runbook.steps[].checked]" -c)" = "[true,true,false]"
'

test_expect_success 'checked steps appear in log and show' '
	id=$(cat id) &&
	incident log "$id" >log &&
	grep "step_checked: step 1: Check replication lag on the replicas$" log &&
	grep "step_checked: step 2: Fail over with .pgctl promote., promoted db-2$" log &&
	incident show "$id" >out &&
	grep "^Runbook: Primary database down (db/primary.md, 2/3 done)$" out &&
	grep -E "^  \[x\] 1. Check replication lag on the replicas  \(root|[A-Za-z]" out &&
	grep "^  \[ \] 3. Check the app reconnects$" out
'

test_expect_success 'the review draft names the runbook, its version and each step' '
	id=$(cat id) &&
	incident resolve -q "$id" >/dev/null &&
	incident review --no-edit --output review.md "$id" >/dev/null &&
	grep "^## Runbook$" review.md &&
	grep "^Primary database down: .db/primary.md., version .$(sha256sum "$rb/db/primary.md" | cut -c1-64)." review.md &&
	grep "^- \[x\] 1. Check replication lag on the replicas (checked 20[0-9-]* [0-9:]* UTC by " review.md &&
	grep "^- \[x\] 2. Fail over with .pgctl promote. (checked .*: promoted db-2$" review.md &&
	grep "^- \[ \] 3. Check the app reconnects$" review.md &&
	grep "^1 step was never checked.$" review.md
'

test_expect_success 'closed or cancelled: check is refused' '
	incident cancel -q --reason "false alarm" "$(cat id3)" >/dev/null &&
	test_expect_code 4 incident check "$(cat id3)" 1 2>err &&
	grep "cannot check a step of a cancelled incident" err
'

test_expect_success 'the file edited after triage: the attached version is used, and said' '
	id=$(cat id2) &&
	old=$(sha256sum "$rb/db/primary.md" | cut -c1-64) &&
	incident runbook "$id" >same &&
	grep "^  the file on disk matches the attached version$" same &&
	! grep "changed since" same &&
	cp "$rb/db/primary.md" primary.orig &&
	test_when_finished "cp primary.orig \"$rb/db/primary.md\"" &&
	sed -i "s/^- \[ \] Check replication lag on the replicas$/- [ ] Page the DBA/" "$rb/db/primary.md" &&
	incident check "$id" 1 >out 2>err &&
	grep "db/primary.md: the file changed since it was attached; the attached version (${old:0:12}) is used" err &&
	grep "^checked step 1 of .*: Check replication lag on the replicas$" out &&
	test "$(incident show --json "$id" | jq -r .incident.runbook.hash)" = "$old" &&
	incident runbook "$id" >out &&
	grep "^Primary database down (db/primary.md, 1/3 done, the file changed since)$" out &&
	grep "^  version $old$" out &&
	grep "the file on disk changed since it was attached" out &&
	grep "^- \[ \] Page the DBA$" out &&
	incident runbook --json "$id" >r.json &&
	test "$(jq -r .file r.json)" = changed &&
	test "$(jq -r .attached r.json)" = true
'

test_expect_success 'no runbook at triage: show says so, the first check attaches it' '
	incident open -q -s 2 --service cache "cache down" >id-c &&
	incident triage --json "$(cat id-c)" >t.json &&
	test "$(jq .incident.runbook t.json)" = null &&
	test_expect_code 3 incident check "$(cat id-c)" 1 2>err &&
	grep "no runbook applies to it" err &&
	incident open -q --service cache "cache gone" >id-cx &&
	incident cancel -q --reason dup "$(cat id-cx)" >/dev/null &&
	cat >"$rb/cache.md" <<-\EOT &&
	---
	services: cache
	---
	# Cache
	- [ ] Flush it
	EOT
	test_when_finished "rm -f \"$rb/cache.md\"" &&
	before=$(incident log --json "$(cat id-c)" | jq ".events | length") &&
	incident show "$(cat id-c)" >out &&
	grep "^Runbook: Cache (cache.md, 0/1 done, not yet attached)$" out &&
	incident runbook "$(cat id-c)" >out &&
	grep "^  not yet attached: incident check attaches this version$" out &&
	grep "^- \[ \] Flush it$" out &&
	test "$(incident log --json "$(cat id-c)" | jq ".events | length")" = "$before" &&
	incident show "$(cat id-cx)" >out &&
	! grep "^Runbook" out &&
	incident check "$(cat id-c)" flush >out &&
	incident log "$(cat id-c)" >log &&
	grep "runbook_attached: Cache (cache.md, 1 step, version" log &&
	grep "step_checked: step 1: Flush it$" log
'

test_expect_success 'runbooks.dir a git checkout: .git is left out, subfolders read' '
	git init -q team &&
	mkdir -p team/ops/net &&
	cat >team/ops/net/dns.md <<-\EOT &&
	---
	services: dns
	---
	# DNS
	- [ ] dig it
	EOT
	git -C team add . &&
	git -C team -c user.name=T -c user.email=t@example.com commit -q -m runbooks &&
	test -d team/.git &&
	printf "%s\n" "[runbooks]" "	dir = $TRASH/team" >>"$INCIDENT_DIR/config" &&
	test_when_finished "sed -i \"/^\\[runbooks\\]/,\\\$d\" \"$INCIDENT_DIR/config\"" &&
	incident runbooks --json >l.json &&
	test "$(jq -r "[.runbooks[].path] | join(\" \")" l.json)" = "ops/net/dns.md" &&
	test "$(jq -r ".problems | length" l.json)" = 0 &&
	incident open -q --service dns "DNS" >id-dns &&
	incident triage "$(cat id-dns)" >out &&
	grep "^Runbook: DNS (ops/net/dns.md, 0/1 done)$" out
'

test_expect_success 'a relative runbooks.dir is the store s; an unreadable one an error' '
	printf "%s\n" "[runbooks]" "	dir = nowhere" >>"$INCIDENT_DIR/config" &&
	test_when_finished "sed -i \"/^\\[runbooks\\]/,\\\$d\" \"$INCIDENT_DIR/config\"" &&
	test_expect_code 1 incident runbooks 2>err &&
	grep "^incident: runbooks.dir $INCIDENT_DIR/nowhere: No such file or directory$" err &&
	test_line_count = 1 err &&
	incident open -q --service db "no folder" >id-nf &&
	test_expect_code 1 incident check "$(cat id-nf)" 1 2>err &&
	test_line_count = 1 err &&
	grep "^incident: runbooks.dir $INCIDENT_DIR/nowhere: No such file or directory$" err &&
	: >"$INCIDENT_DIR/afile" &&
	sed -i "s|dir = nowhere|dir = afile|" "$INCIDENT_DIR/config" &&
	test_expect_code 1 incident runbook --list 2>err &&
	test_line_count = 1 err &&
	grep "^incident: runbooks.dir $INCIDENT_DIR/afile: Not a directory$" err &&
	incident open -q --service db -s 1 "still triaged" >id-x &&
	incident triage "$(cat id-x)" >out &&
	grep "^triaged " out
'

test_expect_success 'hostile runbooks do no harm' '
	mkdir -p "$rb/evil" &&
	test_when_finished "rm -rf \"$rb/evil\"" &&
	printf -- "---\nservices: evil\n---\n# \033]0;pwned\007Title \033[31mred\n- [ ] step \033[2J clear \342\200\256rtl\n" >"$rb/evil/esc.md" &&
	printf -- "---\nservices: evil2\n---\n# bad \377\376 utf8\n- [ ] x\n" >"$rb/evil/utf8.md" &&
	printf -- "---\nservices: evil3\n---\n# nul\000\n- [ ] x\n" >"$rb/evil/nul.md" &&
	{ printf -- "---\nservices: evil4\n---\n# huge\n" && head -c 1100000 /dev/zero | tr "\0" "a"; } >"$rb/evil/huge.md" &&
	printf -- "# no header\n- [ ] x\n" >"$rb/evil/none.md" &&
	mkfifo "$rb/evil/fifo.md" &&
	incident runbooks >out 2>err &&
	grep "evil/utf8.md: skipped: not valid UTF-8" err &&
	grep "evil/nul.md: skipped: holds a NUL byte" err &&
	grep "evil/huge.md: skipped: larger than 1048576 bytes" err &&
	grep "evil/none.md: not a runbook (no header)" err &&
	grep "evil/fifo.md: skipped: not a regular file" err &&
	! grep -q "$(printf "\033")" out &&
	! grep -q "$(printf "\033")" err &&
	incident open -q --service evil "evil" >id-e &&
	incident triage "$(cat id-e)" >out &&
	! grep -q "$(printf "\033")" out &&
	grep "\^\[\]0;pwned" out &&
	incident check "$(cat id-e)" 1 >out &&
	! grep -q "$(printf "\033")" out &&
	incident runbook "$(cat id-e)" >out &&
	! grep -q "$(printf "\033")" out &&
	incident log "$(cat id-e)" >out &&
	grep "step_checked: step 1: step" out &&
	! grep -q "$(printf "\033")" out &&
	incident show "$(cat id-e)" >out &&
	grep "^Runbook: " out &&
	! grep -q "$(printf "\033")" out &&
	incident resolve -q "$(cat id-e)" >/dev/null &&
	incident review --no-edit --output evil-review.md "$(cat id-e)" >/dev/null &&
	grep "^## Runbook$" evil-review.md &&
	! grep -q "$(printf "\342\200\256")" out &&
	incident open -q --service evil2 --service evil3 --service evil4 "e2" >id-e2 &&
	incident triage --json "$(cat id-e2)" >t.json &&
	test "$(jq .incident.runbook t.json)" = null
'

test_expect_success 'check with the mirror on produces a commit' '
	incident init --git >/dev/null &&
	incident open -q -s 2 --service postgres "PG" >id-g &&
	incident triage -q "$(cat id-g)" >/dev/null &&
	n=$(git --git-dir="$INCIDENT_DIR/audit.git" rev-list --count incidents) &&
	incident check "$(cat id-g)" 2 >/dev/null &&
	test "$(git --git-dir="$INCIDENT_DIR/audit.git" rev-list --count incidents)" = $((n + 1)) &&
	git --git-dir="$INCIDENT_DIR/audit.git" log -1 --format=%s incidents >subject &&
	grep "step 2: Fail over with" subject
'

test_expect_success 'verify agrees, and rebuild brings the runbook and its checks back' '
	incident verify >out &&
	incident show --json "$(cat id-g)" | jq -c .incident.runbook >before &&
	incident rebuild >/dev/null &&
	incident show --json "$(cat id-g)" | jq -c .incident.runbook >after &&
	test_cmp before after &&
	test "$(jq -c "[.steps[].checked]" after)" = "[false,true,false]"
'

test_expect_success 'a file whose first line is empty is read within its bytes' '
	printf "\n---\nservices: db\n---\n# x\n- [ ] a\n" >"$rb/lead.md" &&
	printf "\r" >"$rb/cr.md" &&
	test_when_finished "rm -f \"$rb/lead.md\" \"$rb/cr.md\"" &&
	incident runbook --list >out 2>err &&
	grep "^incident: warning: runbook lead.md: .*no header" err &&
	grep "^incident: warning: runbook cr.md: .*no header" err &&
	! grep "^lead.md" out
'

test_expect_success 'a Markdown file without a header is no runbook and no warning' '
	mkdir -p "$rb/docs" &&
	test_when_finished "rm -rf \"$rb/docs\" \"$rb/README.md\" \"$rb/bom.md\" \"$rb/broken.md\"" &&
	printf "# Our runbooks\n\nSee below.\n" >"$rb/README.md" &&
	{ printf "# Big notes\n" && head -c 1100000 /dev/zero | tr "\0" "a"; } >"$rb/docs/big.md" &&
	printf "\357\273\277---\r\nservices: bomsvc\r\n---\r\n# BOM\r\n- [ ] first\r\n" >"$rb/bom.md" &&
	printf -- "---\nowner: me\n---\n# broken\n- [ ] x\n" >"$rb/broken.md" &&
	incident open -q -s 2 --service nomatch "no runbook" >id-nr &&
	incident show "$(cat id-nr)" >out 2>err &&
	! grep "README.md" err &&
	! grep "big.md" err &&
	grep "^incident: warning: runbook broken.md: skipped: its header names no services and no tags$" err &&
	incident triage "$(cat id-nr)" >out 2>err &&
	! grep "README.md" err && ! grep "big.md" err &&
	grep "broken.md: skipped" err &&
	incident runbook --list >out 2>err &&
	grep "^incident: warning: runbook README.md: not a runbook (no header)$" err &&
	grep "^incident: warning: runbook docs/big.md: not a runbook (no header)$" err &&
	grep "^bom.md  BOM (1 step)$" out &&
	incident open -q -s 2 --service bomsvc "bom" >id-bom &&
	incident triage "$(cat id-bom)" >out 2>err &&
	grep "^Runbook: BOM (bom.md, 0/1 done)$" out &&
	test "$(incident show --json "$(cat id-bom)" | jq -r .incident.runbook.hash)" = "$(sha256sum "$rb/bom.md" | cut -c1-64)"
'

test_expect_success 'messages cut user text at a character; errors name the short id' '
	printf -- "---\nservices: nits\n---\n# Nits\n- [ ] $(printf "\303\251%.0s" $(seq 50)) one\n- [ ] $(printf "\303\251%.0s" $(seq 50)) two\n" >"$rb/nits.md" &&
	printf -- "---\nservices: empty\n---\n# Nothing to tick\n\nJust words.\n" >"$rb/empty.md" &&
	test_when_finished "rm -f \"$rb/nits.md\" \"$rb/empty.md\"" &&
	long="a$(printf "\303\251%.0s" $(seq 40))" &&
	incident open -q --service nits "nits" >id-n &&
	incident --actor "$long" check -q "$(cat id-n)" 1 >/dev/null &&
	test_expect_code 4 incident check "$(cat id-n)" 1 2>err &&
	grep "is checked already, by a" err &&
	iconv -f UTF-8 -t UTF-8 err >/dev/null &&
	test_expect_code 2 incident check "$(cat id-n)" "$(printf "\303\251")" 2>err &&
	grep "starts several steps" err &&
	iconv -f UTF-8 -t UTF-8 err >/dev/null &&
	test_expect_code 3 incident check "$(cat id-n)" 99999999999999999999999 2>err &&
	grep "has no step 99999999999999999999... (it has 2)" err &&
	incident open -q --service nomatch2 "none" >id-none &&
	full=$(cat id-none) &&
	short=$(incident show --json "$full" | jq -r .incident.short_id) &&
	test "$short" != "$full" &&
	test_expect_code 3 incident runbook "$full" 2>err &&
	grep "^incident: $short: no runbook applies to it" err &&
	! grep "$full" err &&
	incident open -q --service empty "empty" >id-empty &&
	incident triage -q "$(cat id-empty)" >/dev/null &&
	incident resolve -q "$(cat id-empty)" >/dev/null &&
	incident review --no-edit --output empty.md "$(cat id-empty)" >/dev/null &&
	grep "^The runbook has no steps to check.$" empty.md &&
	! grep "Every step was checked" empty.md
'

# Two stores A and B sharing a bare remote; one incident of A's (service
# db, SEV2) synced to both: $short, $full.
two_stores() {
	rm -rf remote.git A B && git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	short=$(incident --dir A open -q -s 2 --service db "DB down") &&
	full=$(incident --dir A show --json "$short" | jq -r .incident.id) &&
	incident --dir A sync -q && incident --dir B sync -q
}

# forge_attach PATH LAMPORT: a runbook_attached of $full on the remote
forge_attach() {
	printf '{"incident": "%s", "kind": "runbook_attached", "lamport": %s, "payload": {"path": "%s", "hash": "%s", "title": "t", "steps": ["one"]}}' \
		"$full" "$2" "$1" "$(printf "%064d" 0)" | forge_event remote.git
}

test_expect_success 'an imported runbook path that leaves runbooks.dir is refused' '
	two_stores &&
	path=$(forge_attach ../../../etc/passwd 7) &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep -F "$path" err &&
	grep "path: not a path inside the folder" err &&
	{ incident --dir B runbook "$short" >out 2>&1 || :; } &&
	test -e out && ! grep "root:" out &&
	lamport=8 &&
	for p in /etc/passwd db//primary.md db/./primary.md db/ ./x.md a/../../x.md ..; do
		forge_attach "$p" $lamport >/dev/null &&
		lamport=$((lamport + 1)) || return 1
	done &&
	incident --dir B sync --quarantine 2>err &&
	grep "8 invalid events set aside" err &&
	test "$(incident --dir B show --json "$short" | jq .incident.runbook)" = null
'

test_expect_success 'a link out of runbooks.dir is not read, one inside is' '
	two_stores &&
	mkdir -p B/runbooks/db &&
	printf -- "---\nservices: leak\n---\n# SECRET\n- [ ] x\n" >secret.md &&
	printf -- "---\nservices: db\n---\n# DB\n- [ ] look\n" >B/runbooks/db/any.md &&
	ln -s "$PWD/secret.md" B/runbooks/leak.md &&
	ln -s ../../../secret.md B/runbooks/db/rel.md &&
	ln -s db/any.md B/runbooks/alias.md &&
	incident --dir B runbook --list --json >l.json 2>err &&
	test "$(jq -r "[.runbooks[].path] | join(\" \")" l.json)" = "alias.md db/any.md" &&
	grep "leak.md: skipped: a link to a file outside runbooks.dir" err &&
	grep "db/rel.md: skipped: a link to a file outside runbooks.dir" err &&
	path=$(forge_attach leak.md 7) &&
	incident --dir B sync -q &&
	test "$(incident --dir B show --json "$short" | jq -r .incident.runbook.path)" = leak.md &&
	incident --dir B runbook "$short" >out &&
	! grep SECRET out &&
	grep "the file on disk is gone" out &&
	incident --dir B runbook --json "$short" >r.json &&
	test "$(jq -r .file r.json)" = missing &&
	test "$(jq .content r.json)" = null
'

test_expect_success 'two replicas attach different versions: no check is dropped' '
	two_stores &&
	mkdir -p A/runbooks B/runbooks &&
	printf -- "---\nservices: db\n---\n# DB\n- [ ] Look at graphs\n- [ ] Fail over\n" >A/runbooks/db.md &&
	printf -- "---\nservices: db\n---\n# DB v2\n- [ ] Look at graphs\n- [ ] Fail over\n- [ ] Page the DBA\n" >B/runbooks/db.md &&
	incident --actor alice --dir A triage -q "$short" >/dev/null &&
	incident --actor alice --dir A check -q "$short" "Fail over" >/dev/null &&
	incident --actor bob --dir B triage -q "$short" >/dev/null &&
	incident --actor bob --dir B check -q "$short" "Look" >/dev/null &&
	incident --actor bob --dir B check -q "$short" "Page" --note "paged" >/dev/null &&
	incident --dir A sync -q && incident --dir B sync -q && incident --dir A sync -q &&
	incident --dir A show --json "$short" | jq -S .incident.runbook >a.rb &&
	incident --dir B show --json "$short" | jq -S .incident.runbook >b.rb &&
	test_cmp a.rb b.rb &&
	test "$(jq ".also_attached | length" a.rb)" = 1 &&
	test "$(jq "[.steps[] | select(.checked)] | length" a.rb)" -ge 2 &&
	test "$(jq "([.steps[] | select(.checked)] | length) + (.other_checks // [] | length)" a.rb)" = 3 &&
	test "$(jq -r "[.steps[] | select(.text == \"Look at graphs\") | .checked_by] | .[0]" a.rb)" = bob &&
	test "$(jq -r "[.steps[] | select(.text == \"Fail over\") | .checked_by] | .[0]" a.rb)" = alice &&
	incident --dir A show "$short" >out &&
	grep "^  also attached: version [0-9a-f]\{12\} of db.md (" out &&
	incident --dir A resolve -q "$short" >/dev/null &&
	incident --dir A review --no-edit --output r.md "$short" >/dev/null &&
	grep "^Another version was attached as well: .db.md., version .[0-9a-f]*., attached .* by " r.md &&
	if test "$(jq -r .hash a.rb)" = "$(sha256sum A/runbooks/db.md | cut -c1-64)"
	then
		grep "^  checked on another version (hash [0-9a-f]\{12\}): 3. Page the DBA  (bob" out &&
		grep "^- 3. Page the DBA (version .[0-9a-f]*., checked .* by bob): paged$" r.md
	else
		! grep "checked on another version" out
	fi
'

test_done
