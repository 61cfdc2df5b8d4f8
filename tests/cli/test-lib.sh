# A small git-style test library printing TAP. Source it from a test
# script (tNNNN-name.sh), then call test_expect_success and test_done.
#
# Every script runs in a fresh trash directory with its own HOME, XDG_*
# folders and INCIDENT_DIR, so tests never see the developer's store or
# each other's. $INCIDENT names the binary under test (meson sets it).

: "${INCIDENT:?set INCIDENT to the incident binary}"
INCIDENT=$(cd "$(dirname "$INCIDENT")" && pwd)/$(basename "$INCIDENT")
# CI runs the suite once more with every incident process under valgrind
unset INCIDENT_LIBEXEC
if [ -n "${INCIDENT_VALGRIND:-}" ]; then
	INCIDENT=$(dirname "$INCIDENT")/valgrind/incident
	test -x "$INCIDENT" || { echo "Bail out! no $INCIDENT"; exit 1; }
	# and the helper incident-git too, found there first
	INCIDENT_LIBEXEC=$(dirname "$INCIDENT")
	export INCIDENT_LIBEXEC
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
unset NO_COLOR VISUAL EDITOR COLUMNS INCIDENT_NO_MAN
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
PATH="$(dirname "$INCIDENT"):$PATH"
export PATH
cd "$TRASH" || exit 1

test_count=0
test_failed=0
test_skipped=0

# Quotes the output of a failing test as TAP comments.
_test_show_log() {
	sed 's/^/# /' "$TRASH/.test-log"
}

# test_expect_success 'what it checks' 'shell commands chained with &&'
test_expect_success() {
	test_count=$((test_count + 1))
	if (eval "$2") >"$TRASH/.test-log" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
		_test_show_log
	fi
}

# test_skip 'what' 'why': a visible skip, never a silent one.
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

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

# test_db_unchanged snapshot-file: the store has the same events.
store_snapshot() {
	sqlite3 "$INCIDENT_DIR/incident.db" \
		"SELECT id FROM events ORDER BY seq; SELECT doc FROM incidents ORDER BY id;"
}

test_done() {
	echo "1..$test_count"
	if [ "$test_failed" -eq 0 ]; then
		cd / && rm -rf "$TRASH"
		exit 0
	fi
	echo "# $test_failed of $test_count failed; trash kept in $TRASH"
	exit 1
}
