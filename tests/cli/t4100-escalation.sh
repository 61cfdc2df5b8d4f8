#!/bin/bash
# Escalation policies (issue 10): the config and its errors, open paging
# level 1, escalate walking the levels (repeat passes by the mod formula),
# the top refused, --to by hand, no policy as before, and what show, list
# and the JSON say about who is paged and what is due next.
. "$(dirname "$0")/test-lib.sh"

export INCIDENT_NOW=2026-11-24T10:00:00Z

# a store of its own in dir, with the config read from stdin
store_with() {
	mkdir -p "$1" && cat >"$1/config"
}

test_expect_success 'setup: a three-level policy with a rota, repeated once' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-\EOF
	[rota "db"]
		member = alice
		member = bob
		start = 2026-11-02
		handoff = 09:00
		every = 1d
		timezone = UTC
	[escalation "default"]
		level = rota:db       ; a repeated key keeps its order
		level = db-lead, channel:ops
		level = eng-manager
		timeout = 1m
		repeat = 1
	[escalation "web"]
		level = channel:web
		level = web-lead
		level = cto
		timeout = 5m, 10m
		repeat = 1
	[service "db"]
		escalation = default
	[service "web"]
		escalation = web
	EOF
'

test_expect_success 'open pages level 1 in the same transaction' '
	incident open -q --service db "primary down" >id &&
	id=$(cat id) &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.escalation_level s.json)" = 1 &&
	test "$(jq -c .incident.escalation s.json)" = "{\"level\":1,\"policy\":\"default\",\"step\":1,\"paged\":[\"alice\"],\"escalated_at\":\"2026-11-24T10:00:00Z\",\"top\":6,\"next_at\":\"2026-11-24T10:01:00Z\"}" &&
	incident log --json "$id" >log.json &&
	test "$(jq "[.events[].kind] | join(\" \")" log.json)" = "\"opened escalated\"" &&
	test "$(jq -c ".events[1].payload" log.json)" = "{\"level\":1,\"policy\":\"default\",\"step\":1,\"targets\":[\"rota:db\"],\"paged\":[\"alice\"]}" &&
	incident log "$id" >log &&
	grep "escalated: level 1, policy default, paged alice" log
'

test_expect_success 'a deduplicated alert pages no one again' '
	a=$(incident open -q --service db --dedup-key k1 "alert") &&
	b=$(incident open -q --service db --dedup-key k1 "alert again") &&
	test "$a" = "$b" &&
	incident log --json "$a" >log.json &&
	test "$(jq "[.events[] | select(.kind == \"escalated\")] | length" log.json)" = 1
'

test_expect_success 'escalate walks the levels, and the repeat pass by the mod formula' '
	id=$(cat id) &&
	incident escalate "$id" >out &&
	grep "level 2, policy default (top 6): paged db-lead, channel:ops)" out &&
	for want in eng-manager alice db-lead,channel:ops eng-manager; do
		incident escalate -q "$id" >/dev/null &&
		incident show --json "$id" >s.json &&
		test "$(jq -r ".incident.escalation.paged | join(\",\")" s.json)" = "$want" ||
		{ echo "wanted $want"; cat s.json; return 1; }
	done &&
	incident log --json "$id" >log.json &&
	jq -r ".events[] | select(.kind == \"escalated\") | \"\(.payload.level) \(.payload.step)\"" log.json >steps &&
	printf "1 1\n2 2\n3 3\n4 1\n5 2\n6 3\n" >expect &&
	test_cmp expect steps
'

test_expect_success 'at the top, escalate says so and writes nothing (exit 4)' '
	id=$(cat id) &&
	before=$(incident show --json "$id" | jq .incident.event_count) &&
	test_expect_code 4 incident escalate "$id" 2>err &&
	grep "at the top of escalation policy .default. (level 6 of 6)" err &&
	test "$(incident show --json "$id" | jq .incident.event_count)" = "$before"
'

test_expect_success 'show says at the top; --to still pages by hand there' '
	id=$(cat id) &&
	incident show "$id" >show &&
	grep "paged        level 6 of 6 (policy default): eng-manager" show &&
	grep "next         none: at the top" show &&
	incident escalate "$id" --to carol --reason "need a DBA" >out &&
	grep "level 6 to carol" out &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.escalation_level s.json)" = 6 &&
	test "$(jq -r ".incident.escalation.paged | join(\",\")" s.json)" = "eng-manager,carol" &&
	test "$(jq -r .incident.escalated_to s.json)" = carol &&
	incident log --json "$id" >log.json &&
	test "$(jq -c ".events[-1].payload" log.json)" = "{\"level\":6,\"to\":\"carol\",\"policy\":\"default\",\"paged\":[\"carol\"],\"reason\":\"need a DBA\"}"
'

test_expect_success 'show: who is paged and when the next level is due' '
	n=$(incident open -q --service db "replica lag") &&
	incident show "$n" >show &&
	grep "paged        level 1 of 6 (policy default): alice" show &&
	grep "next         level 2 due 2026-11-24 10:01 (in 1m)" show &&
	INCIDENT_NOW=2026-11-24T10:05:00Z incident show "$n" >show &&
	grep "next         level 2 was due 2026-11-24 10:01 (4m ago)" show &&
	incident triage -q "$n" >/dev/null &&
	incident show "$n" >show &&
	grep "next         none: acknowledged" show &&
	incident show --json "$n" >s.json &&
	test "$(jq .incident.escalation.next_at s.json)" = null
'

test_expect_success 'per-level timeouts: the last applies to the rest' '
	w=$(incident open -q --service web "web down") &&
	for want in 10:05 10:10 10:10 10:05 10:10; do
		incident show --json "$w" >s.json &&
		test "$(jq -r .incident.escalation.next_at s.json)" = "2026-11-24T$want:00Z" ||
		{ echo "wanted $want"; cat s.json; return 1; }
		incident escalate -q "$w" >/dev/null || return 1
	done &&
	incident show --json "$w" >s.json &&
	test "$(jq .incident.escalation.top s.json)" = 6 &&
	test "$(jq .incident.escalation.level s.json)" = 6 &&
	test "$(jq .incident.escalation.next_at s.json)" = null &&
	test "$(jq -c .incident.escalation.paged s.json)" = "[\"cto\"]" &&
	test_expect_code 4 incident escalate "$w" 2>err &&
	grep "level 6 of 6" err
'

test_expect_success 'list marks unacknowledged incidents with a policy' '
	incident open -q --service db "fresh" >/dev/null &&
	INCIDENT_NOW=2026-11-24T10:00:20Z incident list >list &&
	grep "open .*\[L1/6 alice, next 40s\] fresh" list &&
	grep "open .*\[L6/6 eng-manager,carol, top\] primary down" list &&
	grep "open .*\[L6/6 cto, top\] web down" list &&
	grep "triaged .* replica lag$" list &&
	! grep "replica lag.*\[L" list
'

test_expect_success 'without a policy: levels unbounded, as before' '
	store_with plain </dev/null &&
	p=$(incident --dir plain open -q "no policy") &&
	for i in 1 2 3 4 5 6 7; do
		incident --dir plain escalate -q "$p" >/dev/null || return 1
	done &&
	incident --dir plain show --json "$p" >s.json &&
	test "$(jq .incident.escalation_level s.json)" = 7 &&
	test "$(jq -c .incident.escalation s.json)" = "{\"level\":7,\"policy\":null,\"step\":null,\"paged\":[],\"escalated_at\":\"2026-11-24T10:00:00Z\",\"top\":null,\"next_at\":null}" &&
	incident --dir plain escalate "$p" --to dba >out &&
	grep "level 8 to dba)$" out &&
	incident --dir plain log --json "$p" >log.json &&
	test "$(jq -c ".events[-1].payload" log.json)" = "{\"level\":8,\"to\":\"dba\"}" &&
	incident --dir plain show "$p" >show &&
	! grep "^  paged" show &&
	incident --dir plain list >list &&
	! grep "\[L" list
'

test_expect_success 'the policy named default applies to incidents of any service' '
	o=$(incident open -q --service other "other") &&
	test "$(incident show --json "$o" | jq -r .incident.escalation.policy)" = default
'

test_expect_success 'stats: the first page of a policy is not an escalation' '
	rm -rf st && store_with st <"$INCIDENT_DIR/config" &&
	a=$(incident --dir st open -q --service db "a") &&
	incident --dir st open -q --service db "b" >/dev/null &&
	incident --dir st stats --json >st.json &&
	test "$(jq .total.counts.escalated st.json)" = 0 &&
	incident --dir st escalate -q "$a" >/dev/null &&
	incident --dir st stats --json >st.json &&
	test "$(jq .total.counts.escalated st.json)" = 1
'

# bad config: the incident is recorded unpaged with one warning naming
# the key (exit 0), and tick says the same key (exit 1)
bad_config() {
	rm -rf bad && store_with bad &&
	b=$(incident --dir bad open -q --service db "x" 2>err) &&
	short=$(incident --dir bad show --json "$b" | jq -r .incident.short_id) &&
	test_line_count = 1 err &&
	grep "^incident: warning: $short not paged: $1" err &&
	grep "; incident tick pages it once the config is fixed$" err &&
	test "$(incident --dir bad show --json "$b" | jq .incident.escalation_level)" = 0 &&
	test_expect_code 1 incident --dir bad tick 2>err &&
	test_line_count = 1 err &&
	grep "^incident: tick: $short: $1" err
}

test_expect_success 'a service naming an unknown policy' '
	printf "[service \"db\"]\n\tescalation = nope\n" >cfg &&
	bad_config "config service.db.escalation: no escalation policy .nope." <cfg
'

test_expect_success 'a level with no targets' '
	printf "[escalation \"default\"]\n\tlevel = a\n\tlevel = \",\"\n" >cfg &&
	bad_config "config escalation.default.level: level 2 has no targets" <cfg
'

test_expect_success 'a target of an unknown kind' '
	printf "[escalation \"default\"]\n\tlevel = pager:x\n" >cfg &&
	bad_config "config escalation.default.level: .pager:x. is not a person" <cfg
'

test_expect_success 'a bad timeout' '
	printf "[escalation \"default\"]\n\tlevel = a\n\ttimeout = soon\n" >cfg &&
	bad_config "config escalation.default.timeout = .soon." <cfg &&
	printf "[escalation \"default\"]\n\tlevel = a\n\ttimeout = 0m\n" >cfg &&
	bad_config "config escalation.default.timeout = .0m." <cfg
'

test_expect_success 'repeat must be a whole number from 0 to 100' '
	for r in 101 -1 1.5 x +5 0x1 99999999999999999999; do
		printf "[escalation \"default\"]\n\tlevel = a\n\trepeat = %s\n" "$r" >cfg &&
		bad_config "config escalation.default.repeat = .$r.: not a whole number from 0 to 100" <cfg ||
		return 1
	done &&
	printf "[escalation \"default\"]\n\tlevel = a\n\trepeat = 100\n" >cfg &&
	rm -rf ok && store_with ok <cfg &&
	k=$(incident --dir ok open -q "fine") &&
	test "$(incident --dir ok show --json "$k" | jq .incident.escalation.top)" = 101
'

test_expect_success 'a rota no one configured' '
	printf "[escalation \"default\"]\n\tlevel = rota:ghost\n" >cfg &&
	bad_config "config escalation.default.level: no rota .ghost." <cfg
'

test_expect_success 'a rota target pages whoever is on call when the page goes out' '
	rm -rf hand && store_with hand <"$INCIDENT_DIR/config" &&
	a=$(INCIDENT_NOW=2026-11-24T08:59:00Z incident --dir hand open -q --service db "before the hand-off") &&
	b=$(INCIDENT_NOW=2026-11-24T09:00:00Z incident --dir hand open -q --service db "after the hand-off") &&
	INCIDENT_NOW=2026-11-24T09:00:00Z incident --dir hand oncall override db carol \
		--from 2026-11-24T09:10:00Z --until 2026-11-24T10:00:00Z >/dev/null &&
	c=$(INCIDENT_NOW=2026-11-24T09:30:00Z incident --dir hand open -q --service db "under an override") &&
	for pair in "$a bob" "$b alice" "$c carol"; do
		set -- $pair &&
		test "$(incident --dir hand show --json "$1" | jq -r ".incident.escalation.paged | join(\",\")")" = "$2" ||
		{ echo "wanted $2 for $1"; return 1; }
	done
'

test_expect_success 'a broken policy never stops open: recorded, warned, paged by tick once fixed' '
	rm -rf typo && store_with typo <<-\EOF &&
	[escalation "web"]
		level = web-lead
		timeout = 1m
	[service "web"]
		escalation = nosuch
	EOF
	t=$(incident --dir typo open -q --service web "checkout down" 2>err) &&
	short=$(incident --dir typo show --json "$t" | jq -r .incident.short_id) &&
	echo "incident: warning: $short not paged: config service.web.escalation: no escalation policy '"'"'nosuch'"'"'; incident tick pages it once the config is fixed" >expect &&
	test_cmp expect err &&
	incident --dir typo open --json --service web "again" >o.json 2>err &&
	jq -e ".incident.escalation_level == 0" o.json &&
	grep "not paged: config service.web.escalation" err &&
	test "$(incident --dir typo log --json "$t" | jq -r "[.events[].kind] | join(\" \")")" = opened &&
	sed -i "s/= nosuch/= web/" typo/config &&
	INCIDENT_NOW=2026-11-24T10:00:30Z incident --dir typo tick >out &&
	grep "^escalated $short to level 1: paged web-lead$" out
'

test_expect_success 'a back-dated open pages now: the timeout counts from the page' '
	rm -rf back && store_with back <<-\EOF &&
	[escalation "default"]
		level = a
		level = b
		timeout = 15m
	EOF
	t=$(incident --dir back open -q --at 2026-11-24T09:00:00Z "found late") &&
	incident --dir back log --json "$t" >log.json &&
	test "$(jq -r "[.events[] | \"\(.kind)@\(.at)\"] | join(\" \")" log.json)" = "opened@2026-11-24T09:00:00Z escalated@2026-11-24T10:00:00Z" &&
	test "$(incident --dir back show --json "$t" | jq -r .incident.escalation.next_at)" = 2026-11-24T10:15:00Z &&
	INCIDENT_NOW=2026-11-24T10:00:30Z incident --dir back tick >out &&
	test ! -s out &&
	INCIDENT_NOW=2026-11-24T10:15:00Z incident --dir back tick >out &&
	grep "to level 2: paged b" out
'

test_expect_success 'show: not paged yet at level 0, by hand said so, the past once ended' '
	rm -rf nits && store_with nits <<-\EOF &&
	[escalation "default"]
		level = a
		level = b
		timeout = 1m
	EOF
	t=$(incident --dir nits open -q "paged") &&
	incident --dir nits resolve "$t" >/dev/null &&
	incident --dir nits show "$t" >out &&
	grep "^  was paged    level 1 of 2 (policy default): a$" out &&
	! grep "^  paged " out &&
	! grep "^  next " out &&
	rm -rf late && mkdir late && u=$(incident --dir late open -q "before the policy") &&
	cp nits/config late/config &&
	incident --dir late show "$u" >out &&
	grep "^  paged        not paged yet: tick pages it$" out &&
	incident --dir late escalate --to zed "$u" >/dev/null &&
	incident --dir late log "$u" >log &&
	grep "escalated: paged zed by hand, policy default (logged" log &&
	! grep "level 0" log
'

test_expect_success 'a section that names no policy is an error, not ignored' '
	printf "[escalation \"a/b\"]\n\tlevel = a\n" >cfg &&
	bad_config "config .escalation \"a/b\".: not a policy name" <cfg &&
	printf "[escalation \"Default\"]\n\tlevel = a\n" >cfg &&
	bad_config "config .escalation \"Default\".: policy names are case-sensitive: the policy looked up is .default." <cfg
'

test_expect_success 'a service is matched to its policy in any case, as runbooks match it' '
	rm -rf svc && store_with svc <<-\EOF &&
	[escalation "zp"]
		level = zed
	[service "zeta"]
		escalation = zp
	EOF
	z=$(incident --dir svc open -q --service Zeta "mixed case" 2>err) &&
	test ! -s err &&
	test "$(incident --dir svc show --json "$z" | jq -r ".incident.escalation.paged | join(\",\")")" = zed
'

test_done
