#!/bin/bash
# The test library itself (git's t0000-basic): --run, --verbose and
# --immediate, test_when_finished, test_expect_failure and prerequisites,
# checked on small scripts run inside this one.
. "$(dirname "$0")/test-lib.sh"

# The inner scripts keep their trash directories in ours.
mkdir -p "$TRASH/tmp"
inner() { # script [options]: its TAP in out, stderr in err, status in rc
	_script=$1
	shift
	TMPDIR="$TRASH/tmp" bash "$TRASH/$_script" "$@" >out 2>err
	echo $? >rc
}

cat >five.sh <<EOF
. "$TEST_DIRECTORY/test-lib.sh"
test_expect_success 'alpha' 'echo said-alpha'
test_expect_success 'beta' 'echo said-beta'
test_expect_success 'gamma' 'true'
test_expect_success 'delta' 'true'
test_expect_success 'epsilon' 'true'
test_done
EOF

test_expect_success '--run picks numbers and ranges; the rest say SKIP --run' '
	inner five.sh --run=2,4- &&
	cat >expect <<-\EOT &&
	ok 1 - alpha # SKIP --run
	ok 2 - beta
	ok 3 - gamma # SKIP --run
	ok 4 - delta
	ok 5 - epsilon
	1..5
	EOT
	test_cmp expect out &&
	echo 0 >expect && test_cmp expect rc
'

test_expect_success '--run: one number, open ranges, "!", title words' '
	inner five.sh --run=3 && grep "^ok" out | grep -v SKIP >ran &&
	echo "ok 3 - gamma" >expect && test_cmp expect ran &&
	inner five.sh -r -2 && grep "^ok" out | grep -v SKIP | cut -d" " -f2 >ran &&
	printf "1\n2\n" >expect && test_cmp expect ran &&
	inner five.sh "--run=!2-4" && grep "^ok" out | grep -v SKIP | cut -d" " -f2 >ran &&
	printf "1\n5\n" >expect && test_cmp expect ran &&
	inner five.sh --run=1-4,!2 && grep "^ok" out | grep -v SKIP | cut -d" " -f2 >ran &&
	printf "1\n3\n4\n" >expect && test_cmp expect ran &&
	inner five.sh --run=alpha,delta && grep "^ok" out | grep -v SKIP | cut -d" " -f2 >ran &&
	printf "1\n4\n" >expect && test_cmp expect ran
'

test_expect_success 'a bad selector or option stops before any test' '
	for bad in --run=1-x --run=2x "--run=1,,3" -r --bogus; do
		inner five.sh $bad &&
		echo 1 >expect && test_cmp expect rc &&
		grep "^Bail out! " out &&
		! grep "^ok" out || { echo "$bad was taken"; exit 1; }
	done
'

test_expect_success 'only failing tests show their output, unless --verbose' '
	inner five.sh &&
	! grep said- out &&
	inner five.sh -v --run=1-2 &&
	grep "^# said-alpha$" out && grep "^# said-beta$" out &&
	inner five.sh --verbose --run=1 &&
	grep "^# said-alpha$" out && ! grep said-beta out
'

cat >stop.sh <<EOF
. "$TEST_DIRECTORY/test-lib.sh"
test_expect_success 'passes' 'true'
test_expect_success 'fails' 'echo the-reason && false'
test_expect_success 'never reached with -i' 'true'
test_done
EOF

test_expect_success 'a failure is shown with its commands; -i stops there' '
	inner stop.sh &&
	echo 1 >expect && test_cmp expect rc &&
	grep "^not ok 2 - fails$" out && grep "^#   echo the-reason && false$" out &&
	grep "^# the-reason$" out && grep "^ok 3 - never reached" out &&
	grep "^1\.\.3$" out &&
	inner stop.sh -i &&
	echo 1 >expect && test_cmp expect rc &&
	grep "^not ok 2 - fails$" out && ! grep "^ok 3" out &&
	grep "^1\.\.2$" out && grep "^# stopped at the first failure" out
'

cat >cleanup.sh <<EOF
. "$TEST_DIRECTORY/test-lib.sh"
test_expect_success 'cleanup after a pass, last first' '
	test_when_finished "echo first >>log" &&
	test_when_finished "echo second >>log" &&
	pid=12345 && test_when_finished "echo killed \$pid >>log" &&
	echo body >>log
'
test_expect_success 'cleanup after a failure, even after exit' '
	test_when_finished "echo after-failure >>log" &&
	(test_when_finished "echo from-a-subshell >>log") &&
	exit 3
'
test_expect_success 'the log so far' '
	printf "%s\n" body "killed 12345" second first from-a-subshell after-failure >expect &&
	test_cmp expect log
'
test_expect_success 'a failing cleanup fails the test' '
	test_when_finished "false" && true
'
test_expect_success 'no cleanup left over from the last test' 'true'
test_done
EOF

test_expect_success 'test_when_finished: after pass or fail, newest first' '
	inner cleanup.sh &&
	grep "^ok 1 - " out && grep "^not ok 2 - " out && grep "^ok 3 - " out &&
	grep "^not ok 4 - " out &&
	grep "^# test_when_finished: the cleanup .false. failed$" out &&
	grep "^ok 5 - " out
'

test_expect_success 'test_when_finished outside a test is a bug' '
	cat >outside.sh <<-EOT &&
	. "$TEST_DIRECTORY/test-lib.sh"
	test_when_finished "echo never"
	test_expect_success "not reached" true
	test_done
	EOT
	inner outside.sh &&
	echo 1 >expect && test_cmp expect rc &&
	grep "^Bail out! test_when_finished outside a test" out &&
	! grep "^ok" out
'

test_expect_success 'test_expect_failure: a known breakage, and one that vanished' '
	cat >known.sh <<-EOT &&
	. "$TEST_DIRECTORY/test-lib.sh"
	test_expect_failure "still broken" "false"
	test_expect_failure "fixed meanwhile" "true"
	test_done
	EOT
	inner known.sh &&
	echo 0 >expect && test_cmp expect rc &&
	grep "^not ok 1 - still broken # TODO known breakage$" out &&
	grep "^ok 2 - fixed meanwhile # TODO known breakage vanished$" out &&
	grep "^# 1 known breakage(s) vanished" out
'

test_expect_success 'prerequisites: missing ones skip with the reason' '
	cat >prereq.sh <<-EOT &&
	. "$TEST_DIRECTORY/test-lib.sh"
	test_lazy_prereq NEVER "false" "never there: on purpose"
	test_lazy_prereq ALWAYS "true"
	test_set_prereq SET
	test_expect_success NEVER "needs NEVER" "false"
	test_expect_success ALWAYS,SET "needs ALWAYS and SET" "true"
	test_expect_success !NEVER "needs no NEVER" "true"
	test_expect_success UNKNOWN "needs UNKNOWN" "false"
	test_expect_success TTY "needs a terminal" "true"
	test_done
	EOT
	inner prereq.sh &&
	echo 0 >expect && test_cmp expect rc &&
	grep "^ok 1 - needs NEVER # SKIP never there: on purpose$" out &&
	grep "^ok 2 - needs ALWAYS and SET$" out &&
	grep "^ok 3 - needs no NEVER$" out &&
	grep "^ok 4 - needs UNKNOWN # SKIP missing UNKNOWN$" out &&
	grep "^ok 5 - needs a terminal" out
'

test_expect_success 'TTY is missing where script(1) cannot open a terminal' '
	mkdir -p nopty &&
	printf "#!/bin/sh\necho \"script: failed to create pseudo-terminal\" >&2\nexit 1\n" >nopty/script &&
	chmod +x nopty/script &&
	PATH="$PWD/nopty:$PATH" inner prereq.sh &&
	grep "^ok 5 - needs a terminal # SKIP no pseudo-terminal: " out
'

test_done
