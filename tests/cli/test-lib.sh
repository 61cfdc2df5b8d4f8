# A small git-style test library printing TAP. Source it from a test
# script (tNNNN-name.sh), then call test_expect_success and test_done.
# tests/cli/README says more, with a table of which script tests which
# command.
#
# Every script runs in a fresh trash directory with its own HOME, XDG_*
# folders and INCIDENT_DIR, so tests never see the developer's store or
# each other's. $INCIDENT names the binary under test (meson sets it).
#
# Running a script by hand (git's t/README):
#
#   INCIDENT=build/incident BUILD_ROOT=$PWD/build bash tests/cli/t0100-open.sh [options]
#   meson test -C build t0100-open --test-args='--run=1,3 -v'
#
#   --run=SELECTOR, -r SELECTOR
#                   run only the tests the selector picks; the others
#                   print "ok N - title # SKIP --run". A comma-separated
#                   list of numbers (3), ranges (1-4), open ranges (-4,
#                   7-), or words from a title; "!" in front excludes.
#                   Items apply left to right and the last one that
#                   matches a test decides; a list starting with "!"
#                   starts from every test. --run=1-4,7, --run='!5',
#                   --run=setup,json. Remember the setup tests.
#   -v, --verbose   show the output of every test, not only of failing ones
#   -i, --immediate stop at the first failing test, keeping the trash
#   -h, --help      this text
#
# The functions, inside a test unless said otherwise:
#
#   test_expect_success [PREREQ] 'title' 'commands'   (at top level)
#                   the commands, chained with &&, succeed
#   test_expect_failure [PREREQ] 'title' 'commands'   (at top level)
#                   a known bug: the commands are expected to fail, and
#                   print "not ok N - title # TODO known breakage"; if they
#                   pass, "ok N - title # TODO known breakage vanished"
#                   (an unexpected pass: turn it into test_expect_success)
#   test_skip 'title' 'why'                           (at top level)
#                   a visible skip, never a silent one
#   test_when_finished 'commands'
#                   cleanup: the commands run after this test, whether it
#                   passed or failed, last registered first, in a subshell
#                   in the trash directory. They are text run later, so
#                   expand the test's variables now ("kill $pid"); a
#                   cleanup that fails fails the test.
#   test_expect_code N command...   the command exits with status N
#   test_must_fail command...       it fails, but not by a signal or crash
#   test_cmp expected actual        the same lines (diff -u)
#   test_json_eq expected actual    the same JSON, whatever the layout
#   test_line_count OP N file       wc -l of file OP N (=, -ge, -lt, ...)
#   store_snapshot                  the store's events and projections
#
# Prerequisites, like git's: a test whose first argument names them (a
# comma-separated list, "!" for "must not hold") runs only when they
# hold, and otherwise prints "ok N - title # SKIP <why>".
#
#   test_lazy_prereq NAME 'commands' ['why it is missing']   (top level)
#                   NAME holds when the commands succeed; they run once,
#                   when a test first asks, in a scratch directory
#   test_set_prereq NAME            NAME holds
#   test_have_prereq NAME[,NAME]    whether they all hold (for an if)
#   test_have_tty                   whether script(1) can run a command on
#                   a pseudo-terminal (the built-in prerequisite TTY)

_test_usage() {
	sed -n '/^# Running a script by hand/,/^#   -h, --help/s/^# \{0,1\}//p' \
		"${BASH_SOURCE[0]}"
}

_test_bail() {
	echo "Bail out! $*"
	echo "$(basename "$0"): $*" >&2
	exit 1
}

test_run_selector=
test_verbose=false
test_immediate=false
while [ $# -gt 0 ]; do
	case $1 in
	-v | --verbose) test_verbose=true ;;
	-i | --immediate) test_immediate=true ;;
	--run=*) test_run_selector=${1#--run=} ;;
	-r | --run)
		[ $# -ge 2 ] || _test_bail "$1 needs a selector"
		test_run_selector=$2
		shift
		;;
	-h | --help)
		_test_usage
		exit 0
		;;
	*) _test_bail "unknown option '$1' (try --help)" ;;
	esac
	shift
done

# The selector's items: N, M-N, -N, N-, each maybe after "!"; anything
# else that does not start with a digit or "-" is a word of a title.
_test_check_selector() {
	local IFS=, item

	set -f
	for item in $test_run_selector; do
		item=${item#!}
		if [[ $item =~ ^[0-9]+$ || ($item =~ ^[0-9]*-[0-9]*$ && $item != -) ]]; then
			continue
		fi
		if [[ -z $item || $item == [0-9-]* ]]; then
			set +f
			_test_bail "--run: '$item' is not a number, a range or a word of a title"
		fi
	done
	set +f
}
[ -z "$test_run_selector" ] || _test_check_selector

# _test_selected N 'title': whether --run picks test N.
_test_selected() {
	local IFS=, item neg include= lo hi hit

	[ -z "$test_run_selector" ] && return 0
	[[ $test_run_selector == !* ]] && include=t
	set -f
	for item in $test_run_selector; do
		neg=
		[[ $item == !* ]] && neg=t item=${item#!}
		hit=false
		if [[ $item =~ ^[0-9]+$ ]]; then
			[ "$1" -eq "$item" ] && hit=true
		elif [[ $item =~ ^([0-9]*)-([0-9]*)$ ]]; then
			lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
			[ "$1" -ge "${lo:-1}" ] && [ "$1" -le "${hi:-$1}" ] && hit=true
		elif [[ $2 == *"$item"* ]]; then
			hit=true
		fi
		if $hit; then
			if [ -n "$neg" ]; then include=; else include=t; fi
		fi
	done
	set +f
	[ -n "$include" ]
}

: "${INCIDENT:?set INCIDENT to the incident binary}"
INCIDENT=$(cd "$(dirname "$INCIDENT")" && pwd)/$(basename "$INCIDENT")
# CI runs the suite once more with every incident process under valgrind
unset INCIDENT_LIBEXEC
if [ -n "${INCIDENT_VALGRIND:-}" ]; then
	# (a script run by a test, as t0003's are, has it switched already)
	case $INCIDENT in
	*/valgrind/incident) ;;
	*) INCIDENT=$(dirname "$INCIDENT")/valgrind/incident ;;
	esac
	test -x "$INCIDENT" || { echo "Bail out! no $INCIDENT"; exit 1; }
	# and the helper incident-git too, found there first
	INCIDENT_LIBEXEC=$(dirname "$INCIDENT")
	export INCIDENT_LIBEXEC
fi
# What a time bound may add for the test's own machinery: valgrind takes
# seconds to start each of incident and incident-git, so under it a bound
# is checked loosely; the plain and sanitizer passes check it as written.
if [ -n "${INCIDENT_VALGRIND:-}" ]; then
	TEST_SLACK_MS=4000
else
	TEST_SLACK_MS=0
fi
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
SOURCE_ROOT=$(cd "$TEST_DIRECTORY/../.." && pwd)
export INCIDENT TEST_DIRECTORY SOURCE_ROOT

TRASH=$(mktemp -d "${TMPDIR:-/tmp}/incident-test.XXXXXX") || exit 1
export HOME="$TRASH/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache"
export INCIDENT_DIR="$TRASH/store"
export TZ=UTC LC_ALL=C.UTF-8 USER=tester
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE= GIT_COMMITTER_DATE=
unset NO_COLOR VISUAL EDITOR COLUMNS INCIDENT_NO_MAN INCIDENT_ACTOR
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
PATH="$(dirname "$INCIDENT"):$PATH"
export PATH
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_skipped=0
test_broken=0
test_fixed=0
# set inside a test's subshell, for test_when_finished
_test_in_body=

# Quotes a test's output as TAP comments.
_test_show_log() {
	sed 's/^/# /' "$TRASH/.test-log"
}

# Runs the cleanups test_when_finished registered, newest first; each
# one that fails is told in the log. Returns 1 when any failed.
_test_cleanup() {
	local dir="$TRASH/.test-cleanup" n ret=0

	[ -d "$dir" ] || return 0
	n=$(find "$dir" -type f | wc -l)
	while [ "$n" -gt 0 ]; do
		if ! (cd "$TRASH" && eval "$(cat "$dir/$n")") >>"$TRASH/.test-log" 2>&1; then
			echo "test_when_finished: the cleanup '$(cat "$dir/$n")' failed" \
				>>"$TRASH/.test-log"
			ret=1
		fi
		n=$((n - 1))
	done
	rm -rf "$dir"
	return $ret
}

# _test_run 'commands': the test in a subshell, its output in the log,
# then its cleanups. The status is the test's, or 1 when a cleanup failed.
_test_run() {
	local ret

	rm -rf "$TRASH/.test-cleanup"
	(
		_test_in_body=t
		eval "$1"
	) >"$TRASH/.test-log" 2>&1
	ret=$?
	_test_cleanup || { [ $ret -ne 0 ] || ret=1; }
	return $ret
}

# Whether test number $test_count (title $1) is to run: prints the skip
# line and returns 1 when --run leaves it out or a prerequisite is missing.
_test_wanted() { # title [prereqs]
	if ! _test_selected "$test_count" "$1"; then
		test_skipped=$((test_skipped + 1))
		echo "ok $test_count - $1 # SKIP --run"
		return 1
	fi
	if [ -n "$2" ] && ! test_have_prereq "$2"; then
		test_skipped=$((test_skipped + 1))
		echo "ok $test_count - $1 # SKIP $_test_missing"
		return 1
	fi
	return 0
}

_test_stop_here() {
	echo "# stopped at the first failure (--immediate); trash kept in $TRASH"
	echo "1..$test_count"
	exit 1
}

# test_expect_success [PREREQ] 'what it checks' 'commands chained with &&'
test_expect_success() {
	local prereq=
	[ $# -eq 3 ] && { prereq=$1; shift; }
	[ $# -eq 2 ] || _test_bail "test_expect_success takes [prereq] title commands"
	test_count=$((test_count + 1))
	_test_wanted "$1" "$prereq" || return 0
	if _test_run "$2"; then
		echo "ok $test_count - $1"
		if $test_verbose; then _test_show_log; fi
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
		_test_show_log
		if $test_immediate; then _test_stop_here; fi
	fi
}

# test_expect_failure [PREREQ] 'what a known bug breaks' 'commands'
test_expect_failure() {
	local prereq=
	[ $# -eq 3 ] && { prereq=$1; shift; }
	[ $# -eq 2 ] || _test_bail "test_expect_failure takes [prereq] title commands"
	test_count=$((test_count + 1))
	_test_wanted "$1" "$prereq" || return 0
	if _test_run "$2"; then
		test_fixed=$((test_fixed + 1))
		echo "ok $test_count - $1 # TODO known breakage vanished"
		if $test_verbose; then _test_show_log; fi
	else
		test_broken=$((test_broken + 1))
		echo "not ok $test_count - $1 # TODO known breakage"
		if $test_verbose; then _test_show_log; fi
	fi
}

# test_skip 'what' 'why': a visible skip, never a silent one.
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# test_when_finished 'commands': cleanup after this test, pass or fail.
# The test runs in a subshell, so the commands are kept in files the
# harness runs once the subshell has ended.
test_when_finished() {
	local dir="$TRASH/.test-cleanup" n

	[ -n "$_test_in_body" ] || _test_bail "test_when_finished outside a test"
	mkdir -p "$dir" || return 1
	n=$(($(find "$dir" -type f | wc -l) + 1))
	printf '%s\n' "$*" >"$dir/$n"
}

# ---- prerequisites ----

_test_prereq_name() {
	case $1 in
	'' | *[!A-Z0-9_]*) _test_bail "prerequisite '$1': use A-Z, 0-9 and _" ;;
	esac
}

# test_lazy_prereq NAME 'commands' ['why it is missing']
test_lazy_prereq() {
	_test_prereq_name "$1"
	eval "_prereq_probe_$1=\$2 _prereq_why_$1=\${3:-}"
}

test_set_prereq() {
	_test_prereq_name "$1"
	eval "_prereq_have_$1=yes"
}

# test_have_prereq NAME[,!NAME...]: whether all hold; when one does not,
# $_test_missing says why.
test_have_prereq() {
	local IFS=, p name have probe why

	for p in $1; do
		name=${p#!}
		_test_prereq_name "$name"
		eval "have=\${_prereq_have_$name:-} probe=\${_prereq_probe_$name:-}"
		eval "why=\${_prereq_why_$name:-}"
		if [ -z "$have" ]; then
			have=no
			if [ -n "$probe" ]; then
				mkdir -p "$TRASH/.prereq/$name"
				if (cd "$TRASH/.prereq/$name" && eval "$probe") \
					</dev/null >/dev/null 2>&1; then
					have=yes
				fi
			fi
			eval "_prereq_have_$name=$have"
		fi
		if [ "$p" = "$name" ] && [ "$have" != yes ]; then
			_test_missing=${why:-missing $name}
			return 1
		elif [ "$p" != "$name" ] && [ "$have" = yes ]; then
			_test_missing="not for $name"
			return 1
		fi
	done
	return 0
}

# test_have_tty: script(1) (util-linux) runs a command on a new
# pseudo-terminal. Not there on a system without script(1), or in a
# container without /dev/pts.
test_have_tty() {
	command -v script >/dev/null 2>&1 &&
		script -qec true /dev/null </dev/null >/dev/null 2>&1
}
test_lazy_prereq TTY 'test_have_tty' \
	'no pseudo-terminal: script(1) is missing or cannot open one'

# ---- assertions ----

# test_expect_code N command...: the command exits with status N.
test_expect_code() {
	_want=$1
	shift
	"$@"
	_got=$?
	if [ "$_got" -ne "$_want" ]; then
		echo "test_expect_code: '$*' exited $_got, wanted $_want" >&2
		return 1
	fi
	return 0
}

# test_must_fail command...: fails normally (not by a signal or crash).
test_must_fail() {
	"$@"
	_got=$?
	if [ "$_got" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ "$_got" -gt 125 ]; then
		echo "test_must_fail: '$*' died with status $_got" >&2
		return 1
	fi
	return 0
}

# test_cmp expected actual
test_cmp() {
	diff -u "$1" "$2"
}

# test_json_eq expected-file actual-file: equal JSON whatever the layout.
test_json_eq() {
	jq -S . "$1" >"$TRASH/.json-expect" &&
	jq -S . "$2" >"$TRASH/.json-actual" &&
	diff -u "$TRASH/.json-expect" "$TRASH/.json-actual"
}

# test_line_count = N file
test_line_count() {
	_n=$(wc -l <"$3")
	if ! [ "$_n" "$1" "$2" ]; then
		echo "test_line_count: $3 has $_n lines, wanted $1 $2" >&2
		cat "$3" >&2
		return 1
	fi
}

# store_snapshot: the store's events and projections, to compare a
# snapshot before a refused command with one after it.
store_snapshot() {
	sqlite3 "$INCIDENT_DIR/incident.db" \
		"SELECT id FROM events ORDER BY seq; SELECT doc FROM incidents ORDER BY id;"
}

test_done() {
	if [ "$test_fixed" -gt 0 ]; then
		echo "# $test_fixed known breakage(s) vanished; make them test_expect_success"
	fi
	if [ "$test_broken" -gt 0 ]; then
		echo "# $test_broken known breakage(s) still there"
	fi
	echo "1..$test_count"
	if [ "$test_failed" -eq 0 ]; then
		cd / && rm -rf "$TRASH"
		exit 0
	fi
	echo "# $test_failed of $test_count failed; trash kept in $TRASH"
	exit 1
}
