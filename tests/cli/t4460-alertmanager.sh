#!/bin/bash
# incident listen behind a real Prometheus Alertmanager (Debian's
# prometheus-alertmanager, scripts/bootstrap): alerts posted to its API,
# and what Alertmanager itself delivers, through webhook_configs (with a
# Bearer token) and through pagerduty_configs pointed at /v2/enqueue
# (the token as routing_key). Three stores: the group-keyed one, one
# keyed by fingerprint, one fed by the PagerDuty integration. Runs once,
# in the plain pass: valgrind would add minutes for nothing it checks.
. "$(dirname "$0")/test-lib.sh"

if [ -n "${INCIDENT_VALGRIND:-}" ]; then
	test_skip 'a real Alertmanager drives incident listen' 'runs once, in the plain pass'
	test_done
fi
for tool in prometheus-alertmanager curl python3 jq; do
	if ! command -v $tool >/dev/null; then
		test_skip 'a real Alertmanager drives incident listen' "no $tool (scripts/bootstrap installs it)"
		test_done
	fi
done

# What needs the ingest core (alerts inside incidents, their states,
# auto-resolve, keying by config): missing while listen runs on its
# stand-in (lib/seam-b.c), until the ingest core is merged.
test_lazy_prereq INGEST 'incident alerts --help >/dev/null 2>&1' \
	'needs the ingest core: incident alerts (not merged yet)'

. "$TEST_DIRECTORY/lib-listener.sh"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for 'condition': up to 15 s (Alertmanager waits group_wait 1s and
# group_interval 1s before it sends)
wait_for() {
	local i
	for i in $(seq 300); do
		eval "$1" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $1" >&2
	return 1
}

# posts NAME N: whether NAME.log has N answered POSTs, all of them 202
posts() {
	test "$(grep -c " POST /" "$1.log")" -ge "$2" &&
	! grep -q " POST /[^ ]* [^2][0-9][0-9] " "$1.log"
}

# alerts STATE NAME INSTANCE...: Alertmanager's API body, firing or
# resolved (endsAt in the past), with labels alertname=NAME, instance
alerts() {
	local state=$1 name=$2 sep= i
	shift 2
	printf '['
	for i in "$@"; do
		printf '%s{"labels":{"alertname":"%s","instance":"%s","service":"api"},"annotations":{"summary":"%s on %s","runbook_url":"https://runbooks/%s"},"startsAt":"%s"%s,"generatorURL":"http://prom/graph"}' \
			"$sep" "$name" "$i" "$name" "$i" "$name" "$STARTED" \
			"$(test "$state" = resolved && printf ',"endsAt":"%s"' "$(date -u -d "-1 sec" +%FT%TZ)")"
		sep=,
	done
	printf ']\n'
}

am_post() {
	curl -sS -f -o /dev/null -X POST -H "Content-Type: application/json" \
		--data-binary @- "http://127.0.0.1:$(cat am.port)/api/v2/alerts"
}

STARTED=$(date -u -d "-60 sec" +%FT%TZ)
export STARTED
GROUP='{}:{alertname="HighLatency"}'

# snap STAGE: a copy of the three stores as they are now (the listeners
# idle), for the checks that need the ingest core, after the servers
snap() {
	local n
	for n in group fp pd; do cp -a "$n" "snap/$n.$1" || return 1; done
}

test_expect_success 'setup: the tokens, the keyed store' '
	printf "s3cret-bearer\n" >bearer && chmod 600 bearer &&
	printf "0123456789abcdef0123456789abcdef\n" >routing && chmod 600 routing &&
	mkdir group fp pd snap &&
	printf "[ingest \"alertmanager\"]\n\tkey = fingerprint\n" >fp/config
'

# One test runs the servers (each stopped by test_when_finished); the
# stores are copied at each stage for the checks that follow.
test_expect_success 'Alertmanager delivers to incident listen: webhook, by group and by fingerprint, and pagerduty_configs' '
	INCIDENT_DIR=$TRASH/group start_listen group --token-file bearer &&
	test_when_finished "stop_listen group" &&
	INCIDENT_DIR=$TRASH/fp start_listen fp &&
	test_when_finished "stop_listen fp" &&
	INCIDENT_DIR=$TRASH/pd start_listen pd --token-file routing &&
	test_when_finished "stop_listen pd" &&
	free_port >am.port &&
	cat >am.yml <<-EOF &&
	route:
	  receiver: group
	  group_by: [alertname]
	  group_wait: 1s
	  group_interval: 1s
	  repeat_interval: 1h
	  routes:
	    - matchers: [alertname="PerFingerprint"]
	      receiver: fp
	    - matchers: [alertname="DiskFull"]
	      receiver: pd
	receivers:
	  - name: group
	    webhook_configs:
	      - url: http://127.0.0.1:$(cat group.port)/alertmanager
	        send_resolved: true
	        http_config:
	          authorization:
	            type: Bearer
	            credentials_file: $TRASH/bearer
	  - name: fp
	    webhook_configs:
	      - url: http://127.0.0.1:$(cat fp.port)/alertmanager
	        send_resolved: true
	  - name: pd
	    pagerduty_configs:
	      - url: http://127.0.0.1:$(cat pd.port)/v2/enqueue
	        routing_key_file: $TRASH/routing
	        send_resolved: true
	EOF
	{ prometheus-alertmanager --config.file=am.yml --storage.path="$TRASH/am-data" \
		--web.listen-address=127.0.0.1:$(cat am.port) --cluster.listen-address= \
		--log.level=warn >am.log 2>&1 &
	  echo $! >am.pid; } &&
	test_when_finished "stop_listen am" &&
	wait_for "curl -sf http://127.0.0.1:\$(cat am.port)/-/ready >/dev/null" &&

	# 1: three groups fire
	alerts firing HighLatency api1 api2 api3 | am_post &&
	alerts firing PerFingerprint web1 web2 web3 | am_post &&
	alerts firing DiskFull db1 | am_post &&
	wait_for "posts group 1 && posts fp 1 && posts pd 1" &&
	snap 1 &&
	INCIDENT_DIR=$TRASH/group incident list --json >list &&
	test "$(jq ".incidents | length" list)" = 1 &&
	jq -e --arg k "$GROUP" ".incidents[0].dedup_keys == [\$k]" list &&
	jq -r ".incidents[0].id" list >group.id &&
	INCIDENT_DIR=$TRASH/group incident log --json "$(cat group.id)" |
		jq -e ".events[0].actor == \"alertmanager\"" &&
	grep "POST /v2/enqueue 202 opened" pd.log &&
	INCIDENT_DIR=$TRASH/pd incident list --json >list &&
	test "$(jq ".incidents | length" list)" = 1 &&
	# Alertmanager'"'"'s dedup_key: the SHA-256 of the groupKey (a sub-route'"'"'s)
	key=$(printf "%s" "{}/{alertname=\"DiskFull\"}:{alertname=\"DiskFull\"}" |
		sha256sum | cut -d" " -f1) &&
	jq -e --arg k "$key" ".incidents[0].dedup_keys == [\$k]" list &&
	jq -r ".incidents[0].id" list >pd.id &&
	INCIDENT_DIR=$TRASH/pd incident log --json "$(cat pd.id)" |
		jq -e ".events[0].actor == \"pagerduty\"" &&

	# 2: one alert of the group resolves
	alerts resolved HighLatency api2 | am_post &&
	wait_for "posts group 2" &&
	snap 2 &&
	INCIDENT_DIR=$TRASH/group incident list --json >list &&
	test "$(jq ".incidents | length" list)" = 1 &&
	jq -e ".incidents[0].status == \"open\"" list &&

	# 3: all of them resolve
	alerts resolved HighLatency api1 api3 | am_post &&
	alerts resolved DiskFull db1 | am_post &&
	wait_for "posts group 3 && posts pd 2" &&
	snap 3 &&
	test "$(INCIDENT_DIR=$TRASH/group incident list --all --json | jq ".incidents | length")" = 1 &&

	# what Alertmanager reported, and the listeners draining
	stop_listen am &&
	! grep -i "notify.*fail\|level=error" am.log &&
	for n in group fp pd; do stop_listen $n && grep "listen: stopped" $n.log || exit 1; done
'

test_expect_success INGEST 'a group of 3 firing alerts: one incident with 3 alerts' '
	INCIDENT_DIR=$TRASH/snap/group.1 incident alerts --json "$(cat group.id)" >alerts &&
	test "$(jq ".alerts | length" alerts)" = 3 &&
	test "$(jq "[.alerts[] | select(.state == \"firing\")] | length" alerts)" = 3 &&
	INCIDENT_DIR=$TRASH/snap/group.1 incident show --json "$(cat group.id)" |
		jq -e ".incident.alert_count == 3"
'

test_expect_success INGEST 'one resolving: still open, the partial resolution recorded' '
	INCIDENT_DIR=$TRASH/snap/group.2 incident show --json "$(cat group.id)" |
		jq -e ".incident.status == \"open\"" &&
	INCIDENT_DIR=$TRASH/snap/group.2 incident alerts --json "$(cat group.id)" >alerts &&
	test "$(jq "[.alerts[] | select(.state == \"resolved\")] | length" alerts)" = 1 &&
	test "$(jq "[.alerts[] | select(.state == \"firing\")] | length" alerts)" = 2 &&
	jq -e "[.alerts[] | select(.state == \"resolved\")][0].ends_at != null" alerts
'

test_expect_success INGEST 'all resolving resolves the incident' '
	INCIDENT_DIR=$TRASH/snap/group.3 incident show --json "$(cat group.id)" |
		jq -e ".incident.status == \"resolved\""
'

test_expect_success INGEST 'ingest.alertmanager.key = fingerprint gives three incidents' '
	INCIDENT_DIR=$TRASH/snap/fp.1 incident list --json >list &&
	test "$(jq ".incidents | length" list)" = 3
'

test_expect_success INGEST 'pagerduty_configs: the resolve on the same dedup_key resolves it' '
	INCIDENT_DIR=$TRASH/snap/pd.3 incident show --json "$(cat pd.id)" |
		jq -e ".incident.status == \"resolved\""
'

test_done
