#!/bin/bash
# Severity scales, priority from impact x urgency, drills.
. "$(dirname "$0")/test-lib.sh"

prio() { # impact urgency
	id=$(incident open -q "p $1 $2") &&
	incident triage --json --impact "$1" --urgency "$2" "$id" | jq -r .incident.priority
}

test_expect_success 'the ITIL matrix, cell by cell' '
	for cell in high:high:P1 high:medium:P2 high:low:P3 \
		medium:high:P2 medium:medium:P3 medium:low:P4 \
		low:high:P3 low:medium:P4 low:low:P4; do
		IFS=: read -r i u want <<<"$cell"
		test "$(prio $i $u)" = "$want" || { echo "$cell" >&2; exit 1; }
	done
'

test_expect_success 'a priority given outright wins; half a pair uses the other half' '
	id=$(incident open -q "outright") &&
	incident triage --json --impact low --urgency low --priority p1 "$id" >o &&
	test "$(jq -r .incident.priority o)" = P1 &&
	incident triage --json --impact high "$id" >o &&
	test "$(jq -r .incident.priority o)" = P3 &&
	test "$(jq -r .incident.urgency o)" = low
'

test_expect_success 'config overrides a cell of the matrix' '
	mkdir -p "$XDG_CONFIG_HOME/incident" &&
	printf "[priority \"low\"]\n\tlow = P3\n" >"$XDG_CONFIG_HOME/incident/config" &&
	test "$(prio low low)" = P3 &&
	test "$(prio low medium)" = P4 &&
	rm "$XDG_CONFIG_HOME/incident/config"
'

test_expect_success 'list filters on priority' '
	incident list -q --priority P1 >out && test_line_count = 1 out &&
	test_expect_code 0 incident list -q --priority P2 >/dev/null
'

test_expect_success 'a configured severity scale: names, count, default' '
	incident init --dir custom >/dev/null &&
	printf "[severity]\n\tnames = critical, major, minor\n\tdefault = minor\n" >custom/config &&
	incident --dir custom open --json "custom scale" >o &&
	test "$(jq -r .incident.severity_name o)" = minor &&
	test "$(jq .incident.severity o)" = 3 &&
	incident --dir custom open --json -s major "x" >o &&
	test "$(jq -r .incident.severity_name o)" = major &&
	incident --dir custom open --json -s 1 "y" >o &&
	test "$(jq -r .incident.severity_name o)" = critical &&
	test_expect_code 2 incident --dir custom open -s 4 "z" 2>err &&
	grep "the scale is critical..minor" err &&
	incident --dir custom open --json -s SEV1 "level one" >o &&
	test "$(jq -r .incident.severity_name o)" = critical
'

test_expect_success 'triage changes the severity; show names it' '
	id=$(incident open -q -s 4 "grows") &&
	incident triage -q -s sev1 "$id" >/dev/null &&
	incident show "$id" >out &&
	grep -E "^  status +triaged, SEV1" out
'

test_expect_success 'drills are marked everywhere' '
	incident open -q --drill "Game day: region failover" >d &&
	incident show --json "$(cat d)" >o &&
	test "$(jq .incident.drill o)" = true &&
	incident list >out && grep "\[drill\] Game day" out &&
	incident show "$(cat d)" >out && grep -E "^  status +open, SEV3, drill$" out
'

test_done
