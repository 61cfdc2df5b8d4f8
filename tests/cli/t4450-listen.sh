#!/bin/bash
# incident listen: the HTTP receiver (incident-listen) with curl as the
# client: the paths, the token, the limits, what is refused with nothing
# written, 200 POSTs at once, a SIGTERM that drains, and the mirror and
# the hooks run from one queue after the commits.
. "$(dirname "$0")/test-lib.sh"

test_lazy_prereq CURL 'curl --version' 'no curl'
test_lazy_prereq VALGRIND 'test -n "${INCIDENT_VALGRIND:-}"' 'not under valgrind'
test_have_prereq CURL || { test_skip 'incident listen' 'no curl'; test_done; }

. "$TEST_DIRECTORY/lib-listener.sh"

# post NAME PATH FILE [curl options]: the status on stdout, the body in out
post() {
	local name=$1 path=$2 file=$3
	shift 3
	curl -sS -o out -w "%{http_code}\n" -X POST --data-binary "@$file" \
		"$@" "http://127.0.0.1:$(cat "$name.port")$path"
}

# pd KEY [SUMMARY]: a PagerDuty trigger
pd() {
	printf '{"routing_key":"%s","event_action":"trigger","dedup_key":"%s","payload":{"summary":"%s","source":"db1","severity":"critical"}}\n' \
		"${3:-r0}" "$1" "${2:-disk full on $1}"
}

# am KEY: an Alertmanager webhook of one firing alert
am() {
	printf '{"version":"4","groupKey":"%s","status":"firing","receiver":"incident","groupLabels":{"alertname":"HighLatency"},"commonLabels":{"alertname":"HighLatency"},"commonAnnotations":{"summary":"API latency high"},"externalURL":"http://am","alerts":[{"status":"firing","labels":{"alertname":"HighLatency","instance":"api1"},"annotations":{},"startsAt":"2026-11-24T09:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f1"}]}\n' "$1"
}

test_expect_success 'setup' '
	incident init >/dev/null &&
	pd db1-disk >pd.json &&
	am "{}:{alertname=\\\"HighLatency\\\"}" >am.json
'

test_expect_success 'GET /health answers; other paths 404, other methods 405' '
	start_listen a &&
	test_when_finished "stop_listen a" &&
	port=$(cat a.port) &&
	curl -sS -w "%{http_code}\n" "http://127.0.0.1:$port/health" >out &&
	printf "%s\n" "{\"status\":\"ok\"}200" >expect &&
	test_cmp expect out &&
	curl -sS -o body -w "%{http_code}\n" "http://127.0.0.1:$port/nope" >code &&
	echo 404 >expect && test_cmp expect code &&
	jq -e ".status == \"not found\"" body &&
	curl -sS -D headers -o body -w "%{http_code}\n" -X POST \
		"http://127.0.0.1:$port/health" >code &&
	echo 405 >expect && test_cmp expect code &&
	grep -i "^allow: GET, HEAD" headers &&
	curl -sS -I -o /dev/null -w "%{http_code}\n" "http://127.0.0.1:$port/health" >code &&
	echo 200 >expect && test_cmp expect code &&
	grep "HEAD /health 200 ok" a.log &&
	curl -sS -o body -w "%{http_code}\n" \
		"http://127.0.0.1:$port/v2/enqueue" >code &&
	echo 405 >expect && test_cmp expect code &&
	grep "127.0.0.1:[0-9]* GET /health 200 ok ([0-9]* ms)" a.log &&
	grep "GET /nope 404" a.log
'

test_expect_success 'the log line shows a path as inc_text_sanitize does: escapes visible, UTF-8 kept' '
	start_listen a &&
	test_when_finished "stop_listen a" &&
	curl -gsS -o /dev/null "http://127.0.0.1:$(cat a.port)/caf%C3%A9%1b[31m%e2%80%ae%ff%0Ax" &&
	grep -F "GET /café^[[31m\u202e\xff^Jx 404" a.log &&
	! grep -q "$(printf "\033")" a.log
'

test_expect_success 'a PagerDuty trigger opens an incident with its dedup key, as pagerduty' '
	start_listen a &&
	test_when_finished "stop_listen a" &&
	post a /v2/enqueue pd.json >code &&
	echo 202 >expect && test_cmp expect code &&
	jq -e ".status == \"success\" and .message == \"Event processed\" and .dedup_key == \"db1-disk\"" out &&
	id=$(jq -r ".results[0].incident" out) &&
	test "$(jq -r ".results[0].action" out)" = opened &&
	incident show --json "$id" >show &&
	jq -e ".incident.dedup_keys == [\"db1-disk\"]" show &&
	incident log --json "$id" | jq -e ".events[0].actor == \"pagerduty\"" &&
	post a /v2/enqueue pd.json >code &&
	echo 202 >expect && test_cmp expect code &&
	test "$(jq -r ".results[0].action" out)" = repeated &&
	test "$(jq -r ".results[0].incident" out)" = "$id" &&
	grep "POST /v2/enqueue 202 opened [0-9a-z]* ([0-9]* ms)" a.log &&
	grep "POST /v2/enqueue 202 repeated" a.log
'

test_expect_success 'an Alertmanager webhook opens one incident keyed by its groupKey' '
	start_listen a &&
	test_when_finished "stop_listen a" &&
	post a /alertmanager am.json >code &&
	echo 202 >expect && test_cmp expect code &&
	id=$(jq -r ".results[0].incident" out) &&
	incident show --json "$id" |
		jq -e ".incident.dedup_keys == [\"{}:{alertname=\\\"HighLatency\\\"}\"]" &&
	incident log --json "$id" | jq -e ".events[0].actor == \"alertmanager\""
'

test_expect_success '--actor and INCIDENT_ACTOR name who the events are by' '
	incident --actor prom-eu listen --address 127.0.0.1:0 2>b.log &
	echo $! >b.pid &&
	test_when_finished "stop_listen b" &&
	for i in $(seq 600); do grep -q listening b.log && break; sleep 0.05; done &&
	sed -n "s|.*127.0.0.1:\([0-9]*\).*|\1|p" b.log | head -1 >b.port &&
	pd by-actor >p.json &&
	post b /v2/enqueue p.json >code &&
	echo 202 >expect && test_cmp expect code &&
	incident log --json "$(jq -r ".results[0].incident" out)" |
		jq -e ".events[0].actor == \"prom-eu\"" &&
	stop_listen b &&
	INCIDENT_ACTOR=zabbix start_listen c &&
	test_when_finished "stop_listen c" &&
	pd by-env >p.json &&
	post c /v2/enqueue p.json >code &&
	incident log --json "$(jq -r ".results[0].incident" out)" |
		jq -e ".events[0].actor == \"zabbix\""
'

test_expect_success 'beyond loopback it refuses to start without --token-file' '
	test_expect_code 2 incident listen --address 0.0.0.0:0 2>err &&
	grep "not a loopback address: give --token-file" err &&
	test_expect_code 2 incident listen --address :0 2>err &&
	grep "not a loopback address" err &&
	test_expect_code 2 incident listen --address nonsense 2>err &&
	grep "is not host:port" err
'

test_expect_success 'a port past 65535, or not a number, is a usage error' '
	for a in 127.0.0.1:99999 127.0.0.1:65536 127.0.0.1:-1 127.0.0.1:+80 \
		127.0.0.1:0x50 "[::1]:1e3" 127.0.0.1:123456; do
		# (before, 99999 listened on 34463: the timeout ends that)
		test_expect_code 2 timeout 20 incident listen --address "$a" 2>err &&
		grep "the port is not a number from 0 to 65535" err ||
		{ echo "$a was taken" >&2; exit 1; }
	done
'

test_expect_success 'a token file others may read is refused, as ssh does' '
	printf "s3cret-token\n" >token &&
	chmod 644 token &&
	test_expect_code 1 incident listen --address 127.0.0.1:0 --token-file token 2>err &&
	grep "token: the token file must be yours and private (mode 0644" err &&
	chmod 640 token &&
	test_expect_code 1 incident listen --address 127.0.0.1:0 --token-file token 2>err &&
	: >empty && chmod 600 empty &&
	test_expect_code 1 incident listen --address 127.0.0.1:0 --token-file empty 2>err &&
	grep "the token is empty" err &&
	test_expect_code 1 incident listen --token-file missing 2>err &&
	grep "missing: No such file" err
'

test_expect_success 'a FIFO as the token file is refused at once; another owner is said' '
	mkfifo -m 600 token.fifo &&
	# (before, the open waited for a writer: the timeout ends that)
	test_expect_code 1 timeout 20 incident listen --address 127.0.0.1:0 \
		--token-file token.fifo 2>err &&
	grep "token.fifo: not a regular file" err &&
	printf "s3cret-token\n" >token.other && chmod 600 token.other &&
	chown 65534 token.other &&
	test_expect_code 1 incident listen --address 127.0.0.1:0 \
		--token-file token.other 2>err &&
	grep "token.other: the token file must be yours (it is uid 65534.s; chown it)" err
'

test_expect_success 'with a token: missing or wrong is 401 with nothing written; Bearer or routing_key pass' '
	printf "s3cret-token\n" >token && chmod 600 token &&
	start_listen t --token-file token &&
	test_when_finished "stop_listen t" &&
	port=$(cat t.port) &&
	pd tok-1 >p1.json && pd tok-2 x s3cret-token >p2.json &&
	pd tok-3 x wrong >p3.json && am tok-am >a1.json &&
	store_snapshot >before &&
	curl -sS -D headers -o body -w "%{http_code}\n" "http://127.0.0.1:$port/health" >code &&
	echo 401 >expect && test_cmp expect code &&
	jq -e ".status == \"unauthorized\"" body &&
	grep -i "^www-authenticate: Bearer" headers &&
	post t /alertmanager a1.json >code && test_cmp expect code &&
	post t /v2/enqueue p1.json >code && test_cmp expect code &&
	post t /v2/enqueue p3.json >code && test_cmp expect code &&
	post t /v2/enqueue p1.json -H "Authorization: Bearer s3cret-tokeN" >code &&
	test_cmp expect code &&
	post t /v2/enqueue p1.json -H "Authorization: Bearer s3cret-token-and-more" >code &&
	test_cmp expect code &&
	post t /alertmanager p2.json >code && test_cmp expect code &&
	store_snapshot >after &&
	test_cmp before after &&
	echo 202 >expect &&
	post t /v2/enqueue p1.json -H "Authorization: Bearer s3cret-token" >code &&
	test_cmp expect code &&
	# white space after the value is not part of it (RFC 9110)
	post t /v2/enqueue p1.json -H "Authorization: Bearer s3cret-token  " >code &&
	test_cmp expect code &&
	post t /alertmanager a1.json -H "Authorization: Bearer s3cret-token" >code &&
	test_cmp expect code &&
	post t /v2/enqueue p2.json >code &&
	test_cmp expect code &&
	incident list --json | jq -r ".incidents[].dedup_keys[]" | sort >keys &&
	grep -x tok-1 keys && grep -x tok-2 keys && grep -x tok-am keys &&
	! grep -x tok-3 keys &&
	! grep s3cret t.log
'

if [ -n "${INCIDENT_VALGRIND:-}" ]; then BIG=$((8 * 1024 * 1024)); else BIG=$((100 * 1024 * 1024)); fi

test_expect_success 'a body too big is 413 with nothing written: by Content-Length, and chunked' '
	start_listen a &&
	test_when_finished "stop_listen a" &&
	store_snapshot >before &&
	head -c $BIG /dev/zero | tr "\0" " " >big &&
	post a /alertmanager big >code &&
	echo 413 >expect && test_cmp expect code &&
	jq -e ".status == \"invalid event\" and (.errors[0] | test(\"larger than 4194304\"))" out &&
	head -c $BIG /dev/zero | curl -sS -o out -w "%{http_code}\n" -X POST -T - \
		"http://127.0.0.1:$(cat a.port)/v2/enqueue" >code &&
	test_cmp expect code &&
	store_snapshot >after &&
	test_cmp before after &&
	test_line_count = 2 <(grep " 413 " a.log)
'

test_expect_success 'truncated JSON, wrong types and 10,000-level nesting are 400 with nothing written' '
	start_listen a &&
	test_when_finished "stop_listen a" &&
	store_snapshot >before &&
	head -c 60 pd.json >truncated.json &&
	printf "%s\n" "{\"routing_key\":\"r\",\"event_action\":\"trigger\",\"payload\":{\"summary\":42,\"source\":\"h\",\"severity\":\"info\"}}" >types1.json &&
	printf "%s\n" "{\"version\":\"4\",\"groupKey\":7,\"status\":\"firing\",\"alerts\":[]}" >types2.json &&
	printf "%s\n" "{\"version\":\"4\",\"groupKey\":\"g\",\"status\":\"firing\",\"alerts\":{}}" >types3.json &&
	{ printf "{\"a\":"; head -c 10000 /dev/zero | tr "\0" "["; } >deep.json &&
	{ printf "{\"a\":"; head -c 10000 /dev/zero | tr "\0" "["; head -c 10000 /dev/zero | tr "\0" "]"; printf "}"; } >deep2.json &&
	for f in truncated types1 types2 types3 deep deep2; do
		for p in /v2/enqueue /alertmanager; do
			post a $p $f.json >code &&
			echo 400 >expect && test_cmp expect code &&
			jq -e ".status == \"invalid event\" and .message == \"Event object is invalid\" and (.errors | length) == 1" out ||
			{ echo "$f to $p" >&2; exit 1; }
		done
	done &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'a store locked by another writer is 503 with Retry-After, nothing written' '
	INCIDENT_BUSY_TIMEOUT=300 start_listen a &&
	test_when_finished "stop_listen a" &&
	store_snapshot >before &&
	mkfifo hold &&
	{
		{ echo "BEGIN IMMEDIATE;"; echo "INSERT INTO meta VALUES(\"lock\", \"x\");"; cat hold; echo "ROLLBACK;"; } |
			sqlite3 "$INCIDENT_DIR/incident.db" &
	} &&
	test_when_finished "exec 3<>hold && echo >&3" &&
	sleep 0.5 &&
	pd locked >p.json &&
	post a /v2/enqueue p.json -D headers >code &&
	echo 503 >expect && test_cmp expect code &&
	grep -i "^retry-after: 1" headers &&
	jq -e ".status == \"busy\"" out &&
	exec 3<>hold && echo >&3 && exec 3>&- &&
	sleep 0.2 &&
	store_snapshot >after &&
	test_cmp before after &&
	post a /v2/enqueue p.json >code &&
	echo 202 >expect && test_cmp expect code
'

test_expect_success 'a request that stalls mid-body is closed at the timeout, nothing written' '
	INCIDENT_LISTEN_TIMEOUT=1 start_listen a &&
	test_when_finished "stop_listen a" &&
	store_snapshot >before &&
	pd stalled >p.json &&
	{ head -c 30 p.json; sleep 2; } |
		test_must_fail curl -sS -o /dev/null -X POST -T - \
			"http://127.0.0.1:$(cat a.port)/v2/enqueue" 2>err &&
	grep "request not answered: timed out" a.log &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'a store removed or replaced under it is a 500 that says so, not a 202 into nothing' '
	rm -rf "$INCIDENT_DIR" && incident init >/dev/null &&
	start_listen g &&
	test_when_finished "stop_listen g" &&
	pd before-gone >p.json &&
	post g /v2/enqueue p.json >code &&
	echo 202 >expect && test_cmp expect code &&
	mv "$INCIDENT_DIR" gone.store &&
	pd while-gone >p.json &&
	post g /v2/enqueue p.json >code &&
	echo 500 >expect && test_cmp expect code &&
	jq -e ".errors[0] | test(\"was removed or replaced while listen ran\")" out &&
	grep "POST /v2/enqueue 500 the store .* was removed or replaced" g.log &&
	incident init >/dev/null &&
	post g /v2/enqueue p.json >code &&
	test_cmp expect code &&
	test "$(incident list --json | jq ".incidents | length")" = 0
'

test_lazy_prereq PYTHON 'python3 -c 1' 'no python3'

# trickle PORT SECONDS: a POST whose body comes a byte every 0.2 s; says
# how many seconds it went on before the server cut it
trickle() {
	python3 - "$@" <<-\EOF
	import socket, sys, time
	port, seconds = int(sys.argv[1]), float(sys.argv[2])
	body = b'{"routing_key":"r","event_action":"trigger","dedup_key":"slow","payload":{"summary":"s","source":"h","severity":"info"}}'
	s = socket.create_connection(("127.0.0.1", port))
	s.sendall(b"POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
	start = time.time()
	try:
	    for c in body:
	        if time.time() - start > seconds:
	            break
	        s.sendall(bytes([c]))
	        time.sleep(0.2)
	except OSError:
	    pass
	print(int(time.time() - start))
	EOF
}

test_expect_success PYTHON 'a request trickled a byte at a time is cut at its deadline, and holds no drain' '
	rm -rf "$INCIDENT_DIR" && incident init >/dev/null &&
	INCIDENT_LISTEN_TIMEOUT=1 start_listen s &&
	test_when_finished "stop_listen s" &&
	# each byte within the idle timeout; the deadline is twice it: 2 s
	trickle "$(cat s.port)" 12 >went &&
	test "$(cat went)" -lt $((5 + ${TEST_SLACK_MS:-0} / 1000)) &&
	grep "request not answered: past its deadline" s.log &&
	{ trickle "$(cat s.port)" 12 >went2 & } &&
	sleep 0.5 &&
	start=$(date +%s%N) &&
	kill -TERM "$(cat s.pid)" &&
	while alive "$(cat s.pid)"; do sleep 0.05; done &&
	ms=$(( ($(date +%s%N) - start) / 1000000 )) &&
	echo "# figure: drained $ms ms after SIGTERM with a trickler" &&
	test $ms -lt $((5000 + ${TEST_SLACK_MS:-0})) &&
	wait &&
	test "$(incident list --json | jq ".incidents | length")" = 0
'

if [ -n "${INCIDENT_VALGRIND:-}" ]; then N=20 KEYS=4; else N=200 KEYS=40; fi

test_expect_success "$N concurrent POSTs lose none and open one incident per key" '
	rm -rf "$INCIDENT_DIR" && incident init >/dev/null &&
	start_listen a &&
	test_when_finished "stop_listen a" &&
	port=$(cat a.port) &&
	mkdir -p many &&
	for i in $(seq $N); do
		pd "many-$((i % KEYS))" "load $((i % KEYS))" >many/$i.json &&
		{ test $i = 1 || echo next; } &&
		printf "url = \"http://127.0.0.1:%s/v2/enqueue\"\ndata-binary = \"@many/%d.json\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\\\n\"\n" $port $i ||
		exit 1
	done >many.cfg &&
	start=$(date +%s%N) &&
	curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max $N -K many.cfg >codes &&
	end=$(date +%s%N) &&
	echo "# figure: $N concurrent POSTs in $(( (end - start) / 1000000 )) ms" &&
	test_line_count = $N codes &&
	test_line_count = $N <(grep -x 202 codes) &&
	incident list --json >list &&
	test "$(jq ".incidents | length" list)" = $KEYS &&
	jq -r ".incidents[].dedup_keys[0]" list | sort -u >keys &&
	test_line_count = $KEYS keys &&
	test "$(jq "[.incidents[].alert_count] | add" list)" = $KEYS &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT sum(repeats) FROM alert_seen")" = $((N - KEYS)) &&
	test_line_count = $N <(grep "POST /v2/enqueue 202" a.log)
'

test_expect_success 'SIGTERM stops accepting, drains the request in flight, exits 0' '
	start_listen d &&
	test_when_finished "stop_listen d" &&
	port=$(cat d.port) &&
	pd drained >p.json &&
	head -c 40 p.json >p.head && tail -c +41 p.json >p.tail &&
	{
		{ cat p.head; sleep 1; cat p.tail; } |
			curl -sS -o drained.out -w "%{http_code}\n" -X POST -T - \
				"http://127.0.0.1:$port/v2/enqueue" >drained.code &
	} &&
	curl_pid=$! &&
	# its headers are in long before the rest of its body
	sleep 0.3 &&
	kill -TERM "$(cat d.pid)" &&
	for i in $(seq 100); do grep -q draining d.log && break; sleep 0.02; done &&
	grep "signal 15: draining" d.log &&
	test_must_fail curl -sS "http://127.0.0.1:$port/health" 2>err &&
	wait $curl_pid &&
	echo 202 >expect && test_cmp expect drained.code &&
	wait "$(cat d.pid)" &&
	# answered after the signal, before the end
	grep -e draining -e "POST /v2/enqueue" -e stopped d.log >order &&
	sed "s/ ([0-9]* ms)//; s/.* POST/POST/; s/^incident: listen: //" order >actual &&
	printf "%s\n" "signal 15: draining" "POST /v2/enqueue 202 opened" stopped >expect.re &&
	sed "/^POST/s/ [0-9a-z]*\$//" actual >actual.re &&
	test_cmp expect.re actual.re &&
	incident list --json | jq -e "[.incidents[].dedup_keys[]] | index(\"drained\")"
'

test_expect_success 'SIGHUP drains and exits 0 as SIGTERM does, saying so' '
	start_listen hup &&
	test_when_finished "stop_listen hup" &&
	kill -HUP "$(cat hup.pid)" &&
	wait "$(cat hup.pid)" &&
	grep "signal 1: draining" hup.log &&
	grep "listen: stopped" hup.log
'

test_expect_success 'the mirror and the hooks run after the POSTs, from one queue' '
	rm -rf "$INCIDENT_DIR" && incident init --git >/dev/null &&
	mkdir -p "$INCIDENT_DIR/hooks" &&
	cat >"$INCIDENT_DIR/hooks/post-open" <<-EOF &&
	#!/bin/sh
	# two at once would find the folder there
	mkdir "$TRASH/hook.running" 2>/dev/null || echo overlap >>"$TRASH/overlaps"
	cat >/dev/null
	sleep 0.05
	echo "\$INCIDENT_ID" >>"$TRASH/hook.ran"
	rmdir "$TRASH/hook.running"
	EOF
	chmod 755 "$INCIDENT_DIR/hooks/post-open" &&
	start_listen q &&
	test_when_finished "stop_listen q" &&
	port=$(cat q.port) &&
	for i in 1 2 3 4 5 6 7 8; do
		pd "queue-$i" >q$i.json &&
		curl -sS -o /dev/null -w "%{http_code}\n" -X POST --data-binary @q$i.json \
			"http://127.0.0.1:$port/v2/enqueue" >>codes.q & :
	done &&
	wait_for() { for i in $(seq 300); do eval "$1" && return 0; sleep 0.05; done; return 1; } &&
	wait_for "test -f codes.q && test \$(wc -l <codes.q) = 8" &&
	wait_for "test -f hook.ran && test \$(wc -l <hook.ran) = 8" &&
	stop_listen q &&
	test_line_count = 8 <(grep -x 202 codes.q) &&
	test ! -e overlaps &&
	sort -u hook.ran >ran && test_line_count = 8 ran &&
	incident export >export.json &&
	test "$(jq ".events | length" export.json)" -ge 8 &&
	test "$(git --git-dir="$INCIDENT_DIR/audit.git" rev-list --count incidents)" = "$(jq ".events | length" export.json)" &&
	incident verify >/dev/null &&
	! grep warning q.log
'

test_expect_success 'a hook that hangs holds a SIGTERM for about hooks.timeout, not one per delivery' '
	rm -rf "$INCIDENT_DIR" && incident init >/dev/null &&
	mkdir -p "$INCIDENT_DIR/hooks" &&
	printf "[hooks]\n\ttimeout = 1s\n" >"$INCIDENT_DIR/config" &&
	printf "#!/bin/sh\ncat >/dev/null\nexec sleep 100\n" >"$INCIDENT_DIR/hooks/post-open" &&
	chmod 755 "$INCIDENT_DIR/hooks/post-open" &&
	start_listen h &&
	test_when_finished "stop_listen h" &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pd "hang-$i" >h$i.json &&
		post h /v2/enqueue h$i.json >code &&
		echo 202 >expect && test_cmp expect code || exit 1
	done &&
	start=$(date +%s%N) &&
	kill -TERM "$(cat h.pid)" &&
	while alive "$(cat h.pid)"; do sleep 0.05; done &&
	ms=$(( ($(date +%s%N) - start) / 1000000 )) &&
	echo "# figure: stopped $ms ms after SIGTERM, 10 hooks hanging" &&
	# before, each delivery ran to its timeout: 10 s and more
	test $ms -lt $((6000 + ${TEST_SLACK_MS:-0})) &&
	grep "hook deliveries left queued" h.log &&
	grep "stopped" h.log
'

# maps LIB command...: the programs of that run that mapped LIB
# (LD_DEBUG=libs, one file a process; t3000's maps_git)
maps() {
	local lib=$1 f
	shift
	rm -rf lddebug && mkdir lddebug &&
	LD_DEBUG=libs LD_DEBUG_OUTPUT=$PWD/lddebug/ld "$@" >/dev/null 2>&1
	for f in lddebug/ld.*; do
		grep -q "$lib" "$f" &&
			sed -n "s/.*initialize program: *//p" "$f" | tail -n 1
	done | sort -u
}

test_expect_success !VALGRIND 'only incident-listen maps libmicrohttpd, and it maps no libgit2' '
	for c in "--version" "list" "listen --help" "open -q mapped"; do
		test -z "$(maps microhttpd incident $c)" ||
		{ echo "$c maps libmicrohttpd"; exit 1; }
	done &&
	rm -rf "$INCIDENT_DIR" && incident init --git >/dev/null &&
	pd mapped >p.json &&
	{ LD_DEBUG=libs LD_DEBUG_OUTPUT=$PWD/lddebug2 start_listen m; } &&
	test_when_finished "stop_listen m" &&
	post m /v2/enqueue p.json >code &&
	echo 202 >expect && test_cmp expect code &&
	stop_listen m &&
	for f in lddebug2.*; do
		prog=$(sed -n "s/.*initialize program: *//p" "$f" | tail -n 1) &&
		case $prog in
		*incident-listen)
			grep -q microhttpd "$f" && ! grep -q libgit2 "$f" ;;
		*incident-git)
			! grep -q microhttpd "$f" ;;
		esac || { echo "$prog maps the wrong libraries"; exit 1; }
	done &&
	grep -l "initialize program: .*incident-git" lddebug2.* &&
	grep -l "initialize program: .*incident-listen" lddebug2.* &&
	test "$(git --git-dir="$INCIDENT_DIR/audit.git" rev-list --count incidents)" = "$(incident export | jq ".events | length")"
'

test_expect_success 'without its helper, listen says what is missing' '
	mkdir -p lonely && cp "$BUILD_ROOT/incident" lonely/ &&
	INCIDENT_LIBEXEC= test_expect_code 1 lonely/incident listen 2>err &&
	grep "^incident: cannot find incident-listen (the HTTP receiver) beside" err
'

test_done
