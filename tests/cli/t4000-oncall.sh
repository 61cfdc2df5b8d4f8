#!/bin/bash
# incident oncall: rotas from config, hand-offs at the same local time
# across daylight saving, overrides as events, and their removal.
. "$(dirname "$0")/test-lib.sh"

# who, since, until, overridden of one rota at a time, on one line
at() { # rota time
	incident oncall "$1" --at "$2" --json >oc.json &&
	jq -r '.oncall[0] | "\(.who) \(.since) \(.until) \(.overridden)"' oc.json
}

test_expect_success 'setup: a daily, a weekly and a 12-hour rota in Europe/Berlin' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-\EOC
	[rota "db"]
		member = alice
		member = bob
		start = 2026-10-19      ; the first hand-off, to alice
		handoff = 09:00
		every = 1d
		timezone = Europe/Berlin
	[rota "web"]
		member = carol
		member = dave
		member = erin
		start = 2026-10-19
		handoff = 10:00
		every = 1w
		timezone = Europe/Berlin
	[rota "ops"]
		member = frank
		member = grace
		start = 2026-10-24
		handoff = 09:00
		every = 12h
		timezone = Europe/Berlin
	EOC
'

test_expect_success 'the first hand-off goes to the first member' '
	test "$(at db 2026-10-19T07:00:00Z)" = "alice 2026-10-19T07:00:00Z 2026-10-20T07:00:00Z false" &&
	test "$(at db 2026-10-20T06:59:59Z)" = "alice 2026-10-19T07:00:00Z 2026-10-20T07:00:00Z false" &&
	test "$(at db 2026-10-20T07:00:00Z)" = "bob 2026-10-20T07:00:00Z 2026-10-21T07:00:00Z false"
'

test_expect_success 'before the start no one is on call, until the first hand-off' '
	incident oncall db --at 2026-10-01T00:00:00Z --json >oc.json &&
	test "$(jq -r ".oncall[0] | \"\(.who) \(.since) \(.until)\"" oc.json)" = "null null 2026-10-19T07:00:00Z" &&
	incident oncall db --at 2026-10-01T00:00:00Z >out &&
	test "$(cat out)" = "db: no one until 2026-10-19 09:00 CEST (the rota starts then)"
'

test_expect_success 'autumn 2026: the hand-off stays at 09:00 local, an hour later in UTC' '
	# 24 October 09:00 CEST is 07:00Z; 25 October 09:00 CET is 08:00Z
	test "$(at db 2026-10-25T07:30:00Z)" = "bob 2026-10-24T07:00:00Z 2026-10-25T08:00:00Z false" &&
	test "$(at db 2026-10-25T08:00:00Z)" = "alice 2026-10-25T08:00:00Z 2026-10-26T08:00:00Z false" &&
	incident oncall db --at 2026-10-25T07:30:00Z >out &&
	test "$(cat out)" = "db: bob until 2026-10-25 09:00 CET"
'

test_expect_success 'spring 2027: 09:00 local again, an hour earlier in UTC' '
	# 27 March 09:00 CET is 08:00Z; 28 March 09:00 CEST is 07:00Z
	test "$(at db 2027-03-28T06:59:00Z)" = "bob 2027-03-27T08:00:00Z 2027-03-28T07:00:00Z false" &&
	test "$(at db 2027-03-28T07:00:00Z)" = "alice 2027-03-28T07:00:00Z 2027-03-29T07:00:00Z false"
'

test_expect_success 'a weekly rota: a week is seven calendar days, across the change too' '
	test "$(at web 2026-10-22T12:00:00Z)" = "carol 2026-10-19T08:00:00Z 2026-10-26T09:00:00Z false" &&
	test "$(at web 2026-11-03T12:00:00Z)" = "erin 2026-11-02T09:00:00Z 2026-11-09T09:00:00Z false" &&
	test "$(at web 2026-11-09T09:00:00Z)" = "carol 2026-11-09T09:00:00Z 2026-11-16T09:00:00Z false"
'

test_expect_success 'a rota of 12 hours is elapsed time: it does not follow the clock change' '
	test "$(at ops 2026-10-25T08:00:00Z)" = "frank 2026-10-25T07:00:00Z 2026-10-25T19:00:00Z false"
'

test_expect_success 'INCIDENT_NOW is the time without --at; every rota a line' '
	INCIDENT_NOW=2026-11-03T12:00:00Z incident oncall >out &&
	cat >expect <<-\EOF &&
	db: bob until 2026-11-04 09:00 CET
	web: erin until 2026-11-09 10:00 CET
	ops: frank until 2026-11-03 20:00 CET
	EOF
	test_cmp expect out &&
	incident oncall --names >out &&
	printf "db\nweb\nops\n" >expect && test_cmp expect out
'

test_expect_success 'an override covering a hand-off: its who, until its end' '
	incident oncall override db carol --from 2026-11-03T07:00:00Z \
		--until 2026-11-03T10:00:00Z --reason "swap with bob" >id &&
	grep -E "^[0-9a-f]{8}$" id &&
	test "$(at db 2026-11-03T07:30:00Z)" = "carol 2026-11-03T07:00:00Z 2026-11-03T10:00:00Z true" &&
	test "$(at db 2026-11-03T09:00:00Z)" = "carol 2026-11-03T07:00:00Z 2026-11-03T10:00:00Z true" &&
	incident oncall db --at 2026-11-03T09:00:00Z >out &&
	test "$(cat out)" = "db: carol until 2026-11-03 11:00 CET (override)" &&
	# before it, the shift ends where the override begins
	test "$(at db 2026-11-03T06:00:00Z)" = "alice 2026-11-02T08:00:00Z 2026-11-03T07:00:00Z false" &&
	# after it, the rota again
	test "$(at db 2026-11-03T10:00:00Z)" = "bob 2026-11-03T08:00:00Z 2026-11-04T08:00:00Z false"
'

test_expect_success 'the latest override wins where two cover the same time' '
	incident oncall override -q db dave --from 2026-11-03T09:00:00Z \
		--until 2026-11-03T09:30:00Z &&
	test "$(at db 2026-11-03T09:10:00Z)" = "dave 2026-11-03T09:00:00Z 2026-11-03T09:30:00Z true" &&
	test "$(at db 2026-11-03T08:00:00Z)" = "carol 2026-11-03T07:00:00Z 2026-11-03T09:00:00Z true"
'

test_expect_success 'overrides lists them with their ids' '
	incident oncall overrides db >out &&
	test_line_count = 2 out &&
	grep "^$(cat id)  2026-11-03 08:00 CET  2026-11-03 11:00 CET  carol: swap with bob$" out &&
	incident oncall overrides db --json >o.json &&
	test "$(jq -r ".overrides[0].who" o.json)" = carol &&
	test "$(jq -r ".overrides[0].from" o.json)" = 2026-11-03T07:00:00Z &&
	test "$(jq -r ".overrides[0].short_id" o.json)" = "$(cat id)" &&
	test "$(jq ".overrides[0].removed" o.json)" = false &&
	# no reason: null, as the other members are when they have no value
	test "$(jq -c ".overrides[1] | [has(\"reason\"), .reason]" o.json)" = "[true,null]"
'

test_expect_success 'removal restores the rota' '
	incident oncall remove db "$(cat id)" >out &&
	test "$(cat out)" = "removed $(cat id)" &&
	test "$(at db 2026-11-03T07:30:00Z)" = "alice 2026-11-02T08:00:00Z 2026-11-03T08:00:00Z false" &&
	test "$(at db 2026-11-03T09:10:00Z)" = "dave 2026-11-03T09:00:00Z 2026-11-03T09:30:00Z true" &&
	incident oncall overrides db --json >o.json &&
	test "$(jq ".overrides[0].removed" o.json)" = true &&
	test_expect_code 4 incident oncall remove db "$(cat id)" 2>err &&
	grep "removed already" err &&
	test_expect_code 3 incident oncall remove db ffffffff
'

test_expect_success 'an override for a rota not in config: not found (3)' '
	test_expect_code 3 incident oncall override nope carol --from 2026-11-03T07:00:00Z \
		--until 2026-11-03T10:00:00Z 2>err &&
	grep "^incident: nope: no such rota in config" err &&
	test_expect_code 3 incident oncall nope 2>err &&
	grep "nope: no such rota" err
'

test_expect_success 'bad times: --until before --from, or no time at all (2)' '
	test_expect_code 2 incident oncall override db carol --from 2026-11-03T10:00:00Z \
		--until 2026-11-03T07:00:00Z 2>err &&
	grep "until must be after --from" err &&
	test_expect_code 2 incident oncall override db carol --from soon \
		--until 2026-11-03T07:00:00Z &&
	test_expect_code 2 incident oncall db --at whenever &&
	test_expect_code 2 incident oncall override db carol --until 2026-11-03T07:00:00Z
'

test_expect_success 'an unknown zone, a missing key: one line naming the key' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	printf "[rota \"mars\"]\n\tmember = x\n\tstart = 2026-11-02\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = Mars/Olympus_Mons\n" \
		>>"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall mars 2>err &&
	test_line_count = 1 err &&
	grep "^incident: config: rota.mars.timezone: .Mars/Olympus_Mons. is not a time zone" err &&
	sed -i "/handoff = 09:00/d" "$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall db 2>err &&
	test_line_count = 1 err &&
	grep "^incident: config: rota.db.handoff is missing" err &&
	cp config.good "$INCIDENT_DIR/config" &&
	sed -i "s/every = 1d/every = often/" "$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall db 2>err &&
	grep "^incident: config: rota.db.every: .often. is not" err
'

test_expect_success 'a rota with no members: no one on call, overrides all the same' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	printf "[rota \"empty\"]\n\tstart = 2026-11-02\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = UTC\n" \
		>>"$INCIDENT_DIR/config" &&
	incident oncall empty --at 2026-11-03T12:00:00Z >out &&
	test "$(cat out)" = "empty: no one until 2026-11-04 09:00 UTC" &&
	test "$(at empty 2026-11-03T12:00:00Z)" = "null 2026-11-03T09:00:00Z 2026-11-04T09:00:00Z false" &&
	incident oncall override -q empty zoe --from 2026-11-03T10:00:00Z --until 2026-11-03T14:00:00Z &&
	test "$(at empty 2026-11-03T12:00:00Z)" = "zoe 2026-11-03T10:00:00Z 2026-11-03T14:00:00Z true"
'

test_expect_success 'without a store: the config alone, no overrides' '
	mkdir -p "$XDG_CONFIG_HOME/incident" &&
	sed -n "/rota \"db\"/,/timezone/p" config.good >"$XDG_CONFIG_HOME/incident/config" &&
	incident --dir nowhere oncall --at 2026-11-03T07:30:00Z >out &&
	test "$(cat out)" = "db: alice until 2026-11-03 09:00 CET" &&
	test ! -e nowhere
'

test_expect_success 'a hand-off the clock shows twice: the first, whatever was asked before' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	cat >"$INCIDENT_DIR/config" <<-\EOC &&
	[rota "ktm"]
		member = kim
		start = 2026-10-01
		handoff = 02:30
		every = 1d
		timezone = Asia/Kathmandu
	[rota "night"]
		member = nina
		member = otto
		start = 2026-10-25
		handoff = 02:30
		every = 1d
		timezone = Europe/Berlin
	EOC
	# python3 zoneinfo, fold=0: 2026-10-25 02:30 Europe/Berlin is
	# 00:30Z (CEST), 2026-10-26 02:30 is 01:30Z (CET)
	incident oncall --at 2026-10-25T01:00:00Z --json >all.json &&
	test "$(jq -r ".oncall[] | select(.rota == \"night\") | \"\(.who) \(.since) \(.until)\"" all.json)" = \
		"nina 2026-10-25T00:30:00Z 2026-10-26T01:30:00Z" &&
	test "$(at night 2026-10-25T01:00:00Z)" = "nina 2026-10-25T00:30:00Z 2026-10-26T01:30:00Z false" &&
	test "$(at night 2026-10-25T00:29:00Z)" = "null null 2026-10-25T00:30:00Z false"
'

test_expect_success 'a hand-off the clock skips: moved forward by the gap' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	printf "[rota \"spring\"]\n\tmember = sam\n\tmember = tess\n\tstart = 2027-03-27\n\thandoff = 02:30\n\tevery = 1d\n\ttimezone = Europe/Berlin\n" \
		>>"$INCIDENT_DIR/config" &&
	# python3 zoneinfo, fold=0: 2027-03-28 02:30 Europe/Berlin is 01:30Z
	test "$(at spring 2027-03-28T01:30:00Z)" = "tess 2027-03-28T01:30:00Z 2027-03-29T00:30:00Z false" &&
	test "$(at spring 2027-03-28T01:29:00Z)" = "sam 2027-03-27T01:30:00Z 2027-03-28T01:30:00Z false"
'

test_expect_success 'a rota name git refuses as a folder (.git, .GIT, .git.): refused, nothing written' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	n=$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events") &&
	for name in .git .GIT .git. .hidden
	do
		cp config.good "$INCIDENT_DIR/config" &&
		printf "[rota \"%s\"]\n\tmember = x\n\tstart = 2026-11-02\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = UTC\n" "$name" \
			>>"$INCIDENT_DIR/config" &&
		test_expect_code 1 incident oncall override "$name" carol --from 2026-11-03T07:00:00Z \
			--until 2026-11-03T10:00:00Z 2>err &&
		test_line_count = 1 err &&
		grep -F "incident: config: [rota \"$name\"]: not a rota name (letters, digits" err &&
		test_expect_code 1 incident oncall "$name" 2>err &&
		grep -F "[rota \"$name\"]: not a rota name" err || return 1
	done &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events")" = "$n"
'

test_expect_success 'a badly named rota among good ones: exit 1 naming it, nothing on stdout' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	for name in "my rota" "$(printf "d\303\244m")"
	do
		cp config.good "$INCIDENT_DIR/config" &&
		printf "[rota \"%s\"]\n\tmember = x\n\tstart = 2026-11-02\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = UTC\n" "$name" \
			>>"$INCIDENT_DIR/config" &&
		test_expect_code 1 incident oncall >out 2>err &&
		test ! -s out &&
		test_line_count = 1 err &&
		grep -F "incident: config: [rota \"$name\"]: not a rota name" err &&
		test_expect_code 1 incident oncall --json >out 2>err &&
		test ! -s out &&
		test_line_count = 1 err || return 1
	done
'

test_expect_success 'files of the tzdata that are no zone, and right/ and posix/: refused' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	zi=${TZDIR:-/usr/share/zoneinfo} &&
	mkdir -p zi/Europe zi/right/Europe zi/posix/Europe &&
	cp "$zi/Europe/Berlin" zi/Europe/Berlin &&
	cp "$zi/Europe/Berlin" zi/right/Europe/Berlin &&
	cp "$zi/Europe/Berlin" zi/posix/Europe/Berlin &&
	printf "DE\t+5230+01322\tEurope/Berlin\n" >zi/zone.tab &&
	printf "# version 2026a\nZ Europe/Berlin 0:53:28 - LMT 1893 Ap\n" >zi/tzdata.zi &&
	printf "#\tleap seconds\n3692217600\t37\t# 1 Jan 2017\n" >zi/leap-seconds.list &&
	for zone in zone.tab tzdata.zi leap-seconds.list right/Europe/Berlin posix/Europe/Berlin
	do
		cp config.good "$INCIDENT_DIR/config" &&
		printf "[rota \"z\"]\n\tmember = x\n\tstart = 2026-11-02\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = %s\n" "$zone" \
			>>"$INCIDENT_DIR/config" &&
		test_expect_code 1 env TZDIR="$PWD/zi" incident oncall z 2>err &&
		test_line_count = 1 err &&
		grep -F "incident: config: rota.z.timezone: '\''$zone'\'' is not a time zone" err || return 1
	done &&
	sed -i "s|timezone = posix/Europe/Berlin|timezone = Europe/Berlin|" "$INCIDENT_DIR/config" &&
	TZDIR="$PWD/zi" incident oncall z --at 2026-11-03T12:00:00Z >out &&
	test "$(cat out)" = "z: x until 2026-11-04 09:00 CET"
'

test_expect_success 'rota names past what the config reader keeps (42 bytes), long members: refused' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	r42=$(printf "%042d" 0 | tr 0 r) &&
	rota() { # name member
		printf "[rota \"%s\"]\n\tmember = %s\n\tstart = 2026-11-02\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = UTC\n" "$1" "$2"
	} &&
	rota "$r42" x >"$INCIDENT_DIR/config" &&
	incident oncall "$r42" --at 2026-11-03T12:00:00Z >out &&
	test "$(cat out)" = "$r42: x until 2026-11-04 09:00 UTC" &&
	# two names of 50 bytes that share 43: cut there, they would merge
	{ rota "${r42}xaaaaaaa" x && rota "${r42}xbbbbbbb" y; } >"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall >out 2>err &&
	test ! -s out && test_line_count = 1 err &&
	grep -F "incident: config: [rota \"${r42}x\"]: not a rota name" err &&
	grep -F "at most 42 bytes" err &&
	rota "${r42}x" x >"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall "${r42}x" 2>err &&
	test_line_count = 1 err &&
	test_expect_code 3 incident oncall "${r42}xaaaaaaa" 2>err &&
	grep "no such rota" err &&
	# a member: 160 bytes are read, 161 refused naming the key
	m160=$(printf "%0160d" 0 | tr 0 m) &&
	rota long "$m160" >"$INCIDENT_DIR/config" &&
	incident oncall long --at 2026-11-03T12:00:00Z --json >oc.json &&
	test "$(jq -r ".oncall[0].who" oc.json)" = "$m160" &&
	rota long "${m160}m" >"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall long 2>err &&
	test_line_count = 1 err &&
	grep "^incident: config: rota.long.member: .m*. is not a name of one line, at most 160 bytes" err &&
	# 200 bytes do not fit the reader line: the file is refused
	rota long "$(printf "%0200d" 0 | tr 0 m)" >"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall long 2>err &&
	test_line_count = 1 err
'

test_expect_success '--at 1970-01-01T00:00:00Z is that time, not now' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	printf "[rota \"epoch\"]\n\tmember = eve\n\tstart = 1970-01-01\n\thandoff = 00:00\n\tevery = 1d\n\ttimezone = UTC\n" \
		>>"$INCIDENT_DIR/config" &&
	INCIDENT_NOW=2026-11-03T12:00:00Z incident oncall epoch --at 1970-01-01T00:00:00Z --json >oc.json &&
	test "$(jq -r ".oncall[0] | \"\(.who) \(.since) \(.until)\"" oc.json)" = \
		"eve 1970-01-01T00:00:00Z 1970-01-02T00:00:00Z" &&
	incident oncall epoch --at 1970-01-01T00:00:00Z >out &&
	test "$(cat out)" = "epoch: eve until 1970-01-02 00:00 UTC"
'

test_expect_success 'before the first hand-off, an override that starts first: not "the rota starts"' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good "$INCIDENT_DIR/config"" &&
	printf "[rota \"later\"]\n\tmember = lou\n\tstart = 2027-01-04\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = UTC\n" \
		>>"$INCIDENT_DIR/config" &&
	incident oncall override -q later mia --from 2027-01-02T00:00:00Z --until 2027-01-03T00:00:00Z &&
	incident oncall later --at 2027-01-01T00:00:00Z >out &&
	test "$(cat out)" = "later: no one until 2027-01-02 00:00 UTC" &&
	incident oncall later --at 2027-01-03T12:00:00Z >out &&
	test "$(cat out)" = "later: no one until 2027-01-04 09:00 UTC (the rota starts then)"
'

test_expect_success 'every = 1D and 1W are calendar days as 1d and 1w; ten years at most' '
	cp "$INCIDENT_DIR/config" config.good &&
	test_when_finished "cp config.good \"$INCIDENT_DIR/config\"" &&
	cp config.good "$INCIDENT_DIR/config" &&
	sed -i "s/every = 1d/every = 1D/; s/every = 1w/every = 1W/" "$INCIDENT_DIR/config" &&
	# the same answers as with 1d and 1w across the change
	test "$(at db 2026-10-25T07:30:00Z)" = "bob 2026-10-24T07:00:00Z 2026-10-25T08:00:00Z false" &&
	test "$(at web 2026-10-22T12:00:00Z)" = "carol 2026-10-19T08:00:00Z 2026-10-26T09:00:00Z false" &&
	for every in 3651d 522w 3651D
	do
		cp config.good "$INCIDENT_DIR/config" &&
		sed -i "s/every = 1d/every = $every/" "$INCIDENT_DIR/config" &&
		test_expect_code 1 incident oncall db 2>err &&
		grep "^incident: config: rota.db.every: .$every. is not" err || return 1
	done &&
	printf "[rota \"far\"]\n\tmember = x\n\tstart = 9999-12-31\n\thandoff = 09:00\n\tevery = 1d\n\ttimezone = UTC\n" \
		>>"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident oncall far --at 9999-12-31T12:00:00Z >out 2>err &&
	test ! -s out && test_line_count = 1 err &&
	grep "far: its next hand-off is after the year 9999" err
'

test_done
