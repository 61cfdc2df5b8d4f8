#!/bin/bash
# Stress: hooks under many writers, failures and kill -9. Each of
# $WORKERS processes writes notes on a shared incident with a post-note
# hook installed that fails its first attempt at one delivery in three;
# a few writers are killed with -9 while their hooks run. In the end,
# after the leases pass, every note is delivered at least once and no
# delivery ever ran in two processes at once.
. "$(dirname "$0")/../cli/test-lib.sh"

WORKERS=${STRESS_WORKERS:-16}
WRITES=${STRESS_WRITES:-15}
KILLS=${STRESS_KILLS:-4}
HOOKS="$INCIDENT_DIR/hooks"

figure() { echo "# figure: $*"; }

test_expect_success 'setup: a shared incident and a flaky post-note hook' '
	incident open -q "shared" >id &&
	mkdir -p "$HOOKS" locks seen &&
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
	[hooks]
		timeout = 3s
		retries = 1000
	EOF
	cat >"$HOOKS/post-note" <<-HOOK &&
	#!/bin/sh
	# a lock the kernel drops when the hook dies, however it dies (a
	# writer killed -9 takes its running hook along)
	exec 9>"$TRASH/locks/\$INCIDENT_DELIVERY_ID"
	flock -n 9 || { echo "\$INCIDENT_DELIVERY_ID" >>"$TRASH/twice"; exit 1; }
	sleep 0.0\$(od -An -N1 -tu1 /dev/urandom | tr -d " ")
	case \$INCIDENT_DELIVERY_ID in
	*[0-4]) test -e "$TRASH/seen/\$INCIDENT_DELIVERY_ID.failed" ||
		{ touch "$TRASH/seen/\$INCIDENT_DELIVERY_ID.failed"; exit 1; } ;;
	esac
	echo "\$INCIDENT_EVENT_ID" >>"$TRASH/delivered"
	HOOK
	chmod 755 "$HOOKS/post-note"
'

test_expect_success "$WORKERS writers with hooks, $KILLS of them killed -9" '
	start=$(date +%s%N) &&
	for w in $(seq "$WORKERS"); do
		(
			for j in $(seq "$WRITES"); do
				incident note -q "$(cat id)" "w$w j$j" >/dev/null 2>&1
				echo "$? w$w j$j"
			done >"rc.$w"
		) &
		echo $! >"pid.$w"
	done &&
	sleep 1 &&
	for k in $(seq "$KILLS"); do
		for c in $(pgrep -P "$(cat "pid.$k")"); do kill -9 "$c" 2>/dev/null; done
		sleep 0.3
	done;
	wait &&
	end=$(date +%s%N) &&
	figure "writes with hooks: $(( (end - start) / 1000000 )) ms"
'

test_expect_success 'after the leases, every note is delivered at least once' '
	for i in $(seq 60); do
		incident hooks retry --all >/dev/null 2>&1
		n=$(sqlite3 "$INCIDENT_DIR/incident.db" \
			"SELECT count(*) FROM outbox WHERE state <> \"done\"") &&
		test "$n" = 0 && break
		sleep 0.5
	done &&
	test "$n" = 0 &&
	incident log --json "$(cat id)" |
		jq -r ".events[] | select(.kind == \"noted\") | .id" | sort >noted &&
	sort -u delivered >got &&
	comm -23 noted got >missing &&
	test_line_count = 0 missing &&
	figure "notes: $(wc -l <noted), deliveries: $(wc -l <delivered)" &&
	test ! -e twice
'

test_done
