#!/bin/bash
# Convergence: 4 replicas make random changes offline and sync in random
# orders; once quiet, "incident export" is byte-identical on all four.
# Then an attacker pushes forged events whose ids are valid hashes (an
# out-of-range Lamport clock, a severity off the scale, a self-merge):
# the replicas may refuse or keep them, but all the same way, and they
# never diverge.
. "$(dirname "$0")/../cli/test-lib.sh"

N=4
ROUNDS=${STRESS_ROUNDS:-16}
SEED=${STRESS_SEED:-$(date +%s)}
echo "# random seed $SEED (replay with STRESS_SEED=$SEED)"
# Bash reseeds RANDOM in every subshell, and each test runs in one: a
# test that draws numbers seeds it first (seed N), and nothing draws one
# inside a $(...).
seed() { RANDOM=$((SEED + $1)); }

figure() { echo "# figure: $*"; }

# pick WORD...: one of the words, at random, into $picked.
pick() {
	local n=$((RANDOM % $# + 1))
	picked=${!n}
}

# shuffle WORD...: the words in random order, into the array $shuffled.
shuffle() {
	local i j t
	shuffled=("$@")
	for ((i = ${#shuffled[@]} - 1; i > 0; i--)); do
		j=$((RANDOM % (i + 1)))
		t=${shuffled[i]} shuffled[i]=${shuffled[j]} shuffled[j]=$t
	done
}

# change R: one random change on replica R, offline. A change the
# lifecycle refuses (4) is fine; anything else but 0 is not.
change() {
	local r=$1 id= rc ids
	mapfile -t ids < <(incident --dir "$r" list -q --all | sort)
	[ ${#ids[@]} -eq 0 ] || id=${ids[RANDOM % ${#ids[@]}]}
	if [ -z "$id" ] || [ $((RANDOM % 5)) -eq 0 ]; then
		incident --dir "$r" open -q -s $((1 + RANDOM % 4)) "opened on $r $RANDOM" >/dev/null &&
			echo x >>changes
		return
	fi
	pick commander comms ops scribe
	role=$picked
	pick note note escalate triage investigate mitigate resolve reopen assign edit update cancel
	case $picked in
	note) incident --dir "$r" note -q "$id" "note $RANDOM from $r" ;;
	escalate) incident --dir "$r" escalate -q "$id" --to "team$((RANDOM % 3))" ;;
	triage) incident --dir "$r" triage -q "$id" ;;
	investigate) incident --dir "$r" investigate -q "$id" ;;
	mitigate) incident --dir "$r" mitigate -q "$id" ;;
	resolve) incident --dir "$r" resolve -q "$id" --summary "fixed on $r" ;;
	reopen) incident --dir "$r" reopen -q "$id" --reason "again on $r" ;;
	assign) incident --dir "$r" assign -q "$id" "$role" "who$((RANDOM % 4))" ;;
	edit) incident --dir "$r" edit -q --title "renamed on $r $RANDOM" "$id" ;;
	update) incident --dir "$r" update -q "$id" "update $RANDOM" ;;
	cancel) incident --dir "$r" cancel -q "$id" --reason "false alarm on $r" ;;
	esac >/dev/null 2>>"$r.refused"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		echo "a change on $r exited $rc" >&2
		cat "$r.refused" >&2
		return 1
	fi
	[ $rc -eq 0 ] && echo x >>changes
	return 0
}

# sync_random: a random subset of the replicas syncs, in random order.
sync_random() {
	local r
	shuffle $(seq $N)
	for r in "${shuffled[@]}"; do
		r=R$r
		[ $((RANDOM % 3)) -eq 0 ] && continue
		incident --dir "$r" sync -q || return 1
		echo x >>syncs
	done
}

# quiet: rounds of sync, every replica in turn, until a whole round
# imports nothing and pushes nothing (at most 4 rounds).
quiet() {
	local round r moved
	for round in 1 2 3 4; do
		moved=
		for r in $(seq $N); do
			incident --dir "R$r" sync --json >sync.json || return 1
			if [ "$(jq .imported sync.json)" != 0 ] || [ "$(jq .pushed sync.json)" != false ]; then
				moved=t
			fi
		done
		[ -z "$moved" ] && return 0
	done
	echo "still moving after 4 rounds" >&2
	return 1
}

# same_export: export on every replica, byte for byte.
same_export() {
	local r
	incident --dir R1 export >export.R1 || return 1
	for r in $(seq 2 $N); do
		incident --dir "R$r" export >"export.R$r" &&
		cmp -s export.R1 "export.R$r" || {
			diff -u export.R1 "export.R$r" | head -40 >&2
			return 1
		}
	done
}

test_expect_success 'setup: 4 replicas on one bare remote' '
	git init -q --bare remote.git &&
	for r in $(seq $N); do
		incident --dir "R$r" init --git --remote "$PWD/remote.git" >/dev/null || exit 1
	done
'

test_expect_success "$ROUNDS rounds of random offline changes and random syncs" '
	seed 1 &&
	: >changes && : >syncs &&
	for round in $(seq "$ROUNDS"); do
		for r in $(seq $N); do
			for c in $(seq $((RANDOM % 4))); do
				change "R$r" || exit 1
			done
		done &&
		sync_random || exit 1
	done
'

test_expect_success 'once quiet, export is byte-identical on all four; verify passes' '
	quiet &&
	same_export &&
	for r in $(seq $N); do
		incident --dir "R$r" verify >/dev/null || exit 1
	done &&
	git --git-dir=remote.git fsck --strict --no-progress
'
figure "convergence: $(wc -l <changes 2>/dev/null) changes, $(wc -l <syncs 2>/dev/null) syncs" \
	"in random order, $(jq ".events | length" export.R1 2>/dev/null) events," \
	"$(jq ".incidents | length" export.R1 2>/dev/null) incidents, export identical on $N:" \
	"$(same_export 2>/dev/null && echo yes || echo NO)"

# ---- forged events ----

# fates NAME: "1 taken", "2 set aside", from NAME.fate; "refused" when
# every sync refused them.
fates() {
	[ -s "$1.fate" ] || { printf "refused"; return; }
	sort "$1.fate" | uniq -c |
		awk '{ n = $1; $1 = ""; printf "%s%s%s", sep, n, $0; sep = "," }'
}

# forge FILE: FILE (one event as JSON, its id left out) with its id, the
# SHA-256 of its canonical JSON (lib/event.c: the members in their
# order, cJSON's compact printing, the clock as its exact digits), as
# the mirror writes it; jq -c prints the same for ASCII text and
# integers.
forge() {
	local canon id
	canon=$(jq -c '{format, incident, kind, at, recorded_at, lamport, replica, actor, payload}' "$1") &&
	id=$(printf "%s" "$canon" | sha256sum | cut -d" " -f1) &&
	printf "%s\n" "$canon" |
		sed "s/^{\"format\":\([0-9]*\),/{\"format\":\1,\"id\":\"$id\",/"
}

# push_forged EVENT-FILE...: an attacker with push access commits the
# forged events to the remote with the git CLI, as the mirror would
# (incidents/<2>/<id>/events/<lamport>-<replica>-<event id>.json).
push_forged() {
	local f path ev
	rm -rf attacker forged.ids &&
	git clone -q --branch incidents remote.git attacker || return 1
	for f in "$@"; do
		ev=$(forge "$f") || return 1
		path=$(printf "%s" "$ev" | jq -r '"incidents/\(.incident[0:2])/\(.incident)/events/" +
			(.lamport | tostring | if length < 10 then ("0" * (10 - length)) + . else . end) +
			"-\(.replica)-\(.id).json"') &&
		printf "%s" "$ev" | jq -r .id >>forged.ids &&
		mkdir -p "attacker/$(dirname "$path")" &&
		printf "%s\n" "$ev" >"attacker/$path" || return 1
	done
	git -C attacker add -A &&
	git -C attacker -c user.name=Mallory -c user.email=m@example.com \
		commit -q -m "forged: $*" &&
	git -C attacker push -q origin incidents
}

# template KIND PAYLOAD [LAMPORT]: an event on the first incident of the
# export, from a replica id no one has.
template() {
	jq --arg kind "$1" --argjson payload "$2" --argjson lamport "${3:-0}" '
		.events[0] as $e |
		{format: $e.format, incident: $e.incident, kind: $kind,
		 at: $e.at, recorded_at: $e.at,
		 lamport: (if $lamport > 0 then $lamport else (.events | map(.lamport) | max) + 1 end),
		 replica: "zzzzzzzzzzzzzzzz", actor: "Mallory", payload: $payload}' export.R1
}

test_expect_success 'the forging makes ids the replicas accept (an honest event)' '
	template noted "{\"text\": \"forged but honest\"}" >honest.json &&
	push_forged honest.json &&
	for r in $(seq $N); do
		incident --dir "R$r" sync -q || exit 1
	done &&
	quiet &&
	same_export &&
	grep -c "forged but honest" export.R1 >n && echo 1 >expect && test_cmp expect n &&
	# each forgery below starts from this converged state
	mkdir base && cp -a R1 R2 R3 R4 remote.git base/
'

# restore: the replicas and the remote as they were before any forgery.
restore() {
	rm -rf R1 R2 R3 R4 remote.git && cp -a base/. . &&
	incident --dir R1 export >export.R1
}

# sync_all_forged NAME: every replica syncs (random order), twice; the
# exit codes and the exports must agree on all of them, and each then
# writes one more event and it must still converge.
sync_all_forged() {
	local r pass
	for pass in 1 2; do
		shuffle $(seq $N)
		for r in "${shuffled[@]}"; do
			r=R$r
			incident --dir "$r" sync -q 2>>"$1.err"
			echo $? >"$1.rc.$r.$pass"
		done
	done
	cat "$1".rc.* | sort -u >"$1.codes" &&
	cat "$1.err" >&2 &&
	test_line_count = 1 "$1.codes" &&
	same_export || return 1
	# all refused it: nothing more can be shared through this remote
	# until the forged commit is gone, which is the refusal's point
	[ "$(cat "$1.codes")" = 0 ] || return 0
	# all took it, or all set it aside (quarantine): the same on each,
	# as same_export showed; which of the two goes in the figures
	: >"$1.fate"
	for id in $(cat forged.ids); do
		if grep -q "\"id\":.*\"$id\"" export.R1; then
			echo taken >>"$1.fate"
		else
			echo "set aside" >>"$1.fate"
		fi
	done
	# the replicas still work, and still agree
	id=$(jq -r ".events[0].incident" export.R1) &&
	for r in $(seq $N); do
		incident --dir "R$r" note -q "$id" "after $1 on R$r" >/dev/null || return 1
	done &&
	quiet &&
	same_export &&
	for r in $(seq $N); do
		incident --dir "R$r" verify >/dev/null || return 1
	done
}

test_expect_success 'a forged event with an out-of-range Lamport clock: the replicas never diverge' '
	restore &&
	# 2^53: one past the last clock the format holds (2^53-1 is valid;
	# SECURITY.md says what an event there does)
	template noted "{\"text\": \"from the far future\"}" 9007199254740992 >lamport.json &&
	push_forged lamport.json &&
	seed 2 &&
	sync_all_forged lamport &&
	grep "lamport: not a whole number" lamport.err
'
figure "forged lamport: sync exit codes $(cat lamport.codes 2>/dev/null | tr "\n" " ")on all $N," \
	"forged events $(fates lamport)," \
	"exports identical: $(same_export 2>/dev/null && echo yes || echo NO)"

test_expect_success 'a forged severity off the scale: the replicas never diverge' '
	restore &&
	template triaged "{\"severity\": 999}" >severity.json &&
	template opened "{\"title\": \"sev zero\", \"severity\": 0, \"services\": [], \"tags\": []}" >sev0.json &&
	jq ".incident = \"zzzzzzzzzzzzzzzz\"" sev0.json >sev0b.json &&
	push_forged severity.json sev0b.json &&
	seed 3 &&
	sync_all_forged severity
'
figure "forged severity: sync exit codes $(cat severity.codes 2>/dev/null | tr "\n" " ")on all $N," \
	"forged events $(fates severity)," \
	"exports identical: $(same_export 2>/dev/null && echo yes || echo NO)"

test_expect_success 'a forged self-merge: the replicas never diverge' '
	restore &&
	jq -r ".events[0].incident" export.R1 >victim &&
	template merged "{\"into\": \"$(cat victim)\"}" >merge.json &&
	push_forged merge.json &&
	seed 4 &&
	sync_all_forged merge
'
figure "forged self-merge: sync exit codes $(cat merge.codes 2>/dev/null | tr "\n" " ")on all $N," \
	"forged events $(fates merge)," \
	"exports identical: $(same_export 2>/dev/null && echo yes || echo NO)"

test_done
