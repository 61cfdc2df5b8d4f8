#!/bin/bash
# The README's tour is a test: every ```console block of README.md runs, in
# order, on a fresh store, and must print what the README says it prints.
#
# A line starting with "$ " is a command; the lines after it, up to the next
# command or the end of the block, are what it prints: its stdout, then its
# stderr. Every command is one test. They all run in one bash session, so
# id=$(...) and cd carry over from one command, and one block, to the next.
# Output is compared exactly, except:
#
# - "..." on a line of its own stands for any number of lines;
# - ids: a README placeholder (a lowercase token of letters and digits, at
#   least 5 long, with a letter and a digit, such as 7fk2q) standing where
#   the output has another such token is bound to it the first time, then
#   replaced in every later command and expected line; two placeholders never
#   bind the same id. Short and full incident ids, event ids and commit ids
#   are all placeholders;
# - the clock: INCIDENT_NOW starts at 2026-11-24T09:41:00Z (TZ=UTC) and moves
#   a minute on with every command, like a person typing them. When an event
#   was logged stays the real clock (INCIDENT_NOW never changes it), so the
#   "(logged ...)" that incident log adds to such events is left out;
# - $HOME reads as /home/alice, and trailing blanks do not count (editors
#   strip them from Markdown).
#
# A command that exits non-zero must be followed by "echo $?" in the README.
# A fenced block whose info string names a file (```ini file=~/.config/...)
# is not a command the reader types but a file they write: it is appended
# to that file, as a command of its own that must print nothing.
. "$(dirname "$0")/test-lib.sh"

README=$SOURCE_ROOT/README.md
W=$TRASH/.readme
mkdir -p "$W" "$XDG_CONFIG_HOME/incident"
# the README's store is the default one, ~/.local/share/incident
unset INCIDENT_DIR INCIDENT_NOW
printf '[user]\n\tname = Alice Example\n\temail = alice@example.com\n' \
	>"$XDG_CONFIG_HOME/incident/config"
: >"$W/map"

# README.md into $W/N.{cmd,exp,line}, one set per command; $W/count.
awk -v dir="$W" '
function flush() { if (ef != "") close(ef); ef = "" }
# a block whose info string names a file ("```ini file=~/.config/x") is
# written to it (appended), as one command that prints nothing
/^```[a-z]* file=[^ ]+[ \t]*$/ {
	flush()
	n++
	infile = substr($0, index($0, "file=") + 5)
	sub(/[ \t]+$/, "", infile)
	print NR > (dir "/" n ".line"); close(dir "/" n ".line")
	printf "" > (dir "/" n ".exp"); close(dir "/" n ".exp")
	filecmd = "mkdir -p \"$(dirname " infile ")\" && printf \"%s\\n\""
	next
}
infile != "" && /^```/ {
	print filecmd " >>" infile > (dir "/" n ".cmd"); close(dir "/" n ".cmd")
	infile = ""
	next
}
infile != "" { gsub(/\047/, "\047\\\047\047"); filecmd = filecmd " \047" $0 "\047"; next }
/^```console[ \t]*$/ { inblock = 1; seen = 0; next }
inblock && /^```/ { inblock = 0; flush(); next }
!inblock { next }
/^\$ / {
	flush()
	n++
	print NR > (dir "/" n ".line"); close(dir "/" n ".line")
	print substr($0, 3) > (dir "/" n ".cmd"); close(dir "/" n ".cmd")
	ef = dir "/" n ".exp"
	printf "" > ef
	seen = 1
	next
}
!seen { print "README.md:" NR ": output before any command" > "/dev/stderr"; bad = 1; next }
{ print > ef }
END { flush(); print n + 0 > (dir "/count"); exit bad }
' "$README" || { echo "Bail out! cannot read the console blocks of $README"; exit 1; }

# The session: one bash, fed one command at a time. Its ends are copied
# to fds 7 and 8, which stay open in subshells (a coproc's own do not).
coproc README_SH { exec env -u BASH_ENV bash 2>"$W/shell.err"; }
exec 7>&"${README_SH[1]}" 8<&"${README_SH[0]}"
printf '__rc=0\n' >&7

# A file with every placeholder bound so far replaced by its id.
bind_ids() { # file
	awk -v mapfile="$W/map" '
	BEGIN {
		while ((getline l < mapfile) > 0) { split(l, f, " "); m[f[1]] = f[2] }
		close(mapfile)
	}
	{
		out = ""; s = $0
		while (match(s, /[0-9A-Za-z]+/)) {
			t = substr(s, RSTART, RLENGTH)
			out = out substr(s, 1, RSTART - 1) ((t in m) ? m[t] : t)
			s = substr(s, RSTART + RLENGTH)
		}
		print out s
	}' "$1"
}

# What a person sees: $HOME as /home/alice, no "(logged ...)", no
# trailing blanks.
normalise() { # file
	awk -v home="$HOME" '
	{
		s = $0; out = ""
		while (home != "" && (i = index(s, home)) > 0) {
			out = out substr(s, 1, i - 1) "/home/alice"
			s = substr(s, i + length(home))
		}
		s = out s
		gsub(/ \(logged [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]\)/, "", s)
		sub(/[ \t]+$/, "", s)
		print s
	}' "$1"
}

# expected actual [map]: 0, and the new bindings added to the map
# ($W/map), when they match.
match_output() {
	awk -v mapfile="${3:-$W/map}" -v actual="$2" '
	function placeholder(t) {
		return t ~ /^[0-9a-z]+$/ && t ~ /[0-9]/ && t ~ /[a-z]/ && length(t) >= 5
	}
	function idlike(t, e) {
		if (t !~ /^[0-9a-z]+$/ || length(t) < 5)
			return 0
		# an incident id (5 to 16) for one, a hash of the same length
		return length(e) <= 16 ? length(t) <= 16 : length(t) == length(e)
	}
	# one line; bindings it needs go to tb (tentative)
	function line_ok(e, a,    pe, pa, te, ta) {
		for (;;) {
			if (match(e, /[0-9A-Za-z]+/)) {
				pe = substr(e, 1, RSTART - 1); te = substr(e, RSTART, RLENGTH)
				e = substr(e, RSTART + RLENGTH)
			} else { pe = e; te = ""; e = "" }
			if (match(a, /[0-9A-Za-z]+/)) {
				pa = substr(a, 1, RSTART - 1); ta = substr(a, RSTART, RLENGTH)
				a = substr(a, RSTART + RLENGTH)
			} else { pa = a; ta = ""; a = "" }
			if (pe != pa)
				return 0
			if (te == "" && ta == "")
				return 1
			if (te in m) {
				if (m[te] != ta) return 0
			} else if (te in tb) {
				if (tb[te] != ta) return 0
			} else if (te != ta) {
				if (!placeholder(te) || !idlike(ta, te) || (ta in used) || (ta in tbused))
					return 0
				tb[te] = ta; tbused[ta] = 1
			}
		}
	}
	function clear_tb(k) { for (k in tb) delete tb[k]; for (k in tbused) delete tbused[k] }
	function keep_tb(k) { for (k in tb) { m[k] = tb[k]; used[tb[k]] = 1; newb[k] = tb[k] } clear_tb() }
	# segment s matched at actual line i?
	function seg_ok(s, i,    j) {
		clear_tb()
		for (j = 0; j < segn[s]; j++)
			if (i + j > na || !line_ok(seg[s, j], act[i + j])) { clear_tb(); return 0 }
		return 1
	}
	BEGIN {
		while ((getline l < mapfile) > 0) { split(l, f, " "); m[f[1]] = f[2]; used[f[2]] = 1 }
		close(mapfile)
		while ((getline l < actual) > 0) act[++na] = l
		nseg = 1; segn[0] = 0
	}
	$0 == "..." { nseg++; segn[nseg - 1] = 0; next }
	{ seg[nseg - 1, segn[nseg - 1]++] = $0 }
	END {
		ok = 1; i = 1
		if (nseg == 1) {
			ok = segn[0] == na && seg_ok(0, 1)
			if (ok) keep_tb()
		} else {
			# the first segment at the start, the last at the end, the
			# ones between where each first fits
			if (!seg_ok(0, 1)) ok = 0
			else { keep_tb(); i = 1 + segn[0] }
			for (s = 1; ok && s < nseg - 1; s++) {
				while (i <= na && !seg_ok(s, i)) i++
				if (i > na && segn[s] > 0) ok = 0
				else { keep_tb(); i += segn[s] }
			}
			last = na - segn[nseg - 1] + 1
			if (ok && (last < i || !seg_ok(nseg - 1, last))) ok = 0
			else if (ok) keep_tb()
		}
		if (ok)
			for (k in newb) print k, newb[k] >> mapfile
		exit !ok
	}' "$1"
}

# Runs command k in the session and checks what it printed.
readme_check() { # k
	local k=$1 cmd line reply next now
	cmd=$(bind_ids "$W/$k.cmd")
	printf -v now '%(%Y-%m-%dT%H:%M:%SZ)T' $((base + (k - 1) * 60))
	printf 'export INCIDENT_NOW=%s; (exit $__rc); { eval %q\n} >%q 2>%q </dev/null; __rc=$?; echo "__done $__rc"\n' \
		"$now" "$cmd" "$W/out" "$W/err" >&7
	if ! read -r -t 600 line reply <&8 || [ "$line" != __done ]; then
		echo "the README's shell ended:"
		cat "$W/shell.err"
		return 1
	fi
	cat "$W/out" "$W/err" >"$W/printed"
	normalise "$W/printed" >"$W/actual"
	sed 's/[ \t]*$//' "$W/$k.exp" >"$W/expected.raw"
	if ! match_output "$W/expected.raw" "$W/actual"; then
		bind_ids "$W/expected.raw" >"$W/expected"
		echo "README.md:$(cat "$W/$k.line"): \$ $cmd"
		diff -u --label README --label printed "$W/expected" "$W/actual"
		return 1
	fi
	next=$((k + 1))
	if [ "$reply" -ne 0 ] && ! { [ -f "$W/$next.cmd" ] &&
		grep -qxF 'echo $?' "$W/$next.cmd"; }; then
		echo "README.md:$(cat "$W/$k.line"): \$ $cmd"
		echo "exited $reply, and the README does not show it (echo \$? next)"
		return 1
	fi
}

# test_expect_success for one README command.
readme_test() { # k description
	test_count=$((test_count + 1))
	if readme_check "$1" >"$TRASH/.test-log" 2>&1; then
		echo "ok $test_count - $2"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $2"
		_test_show_log
	fi
}

base=$(date -u -d 2026-11-24T09:41:00Z +%s)

test_expect_success 'the README has console blocks' '
	test "$(cat "$W/count")" -gt 0
'

test_expect_success "the README's incident is the binary under test" '
	test "$(command -v incident)" = "$INCIDENT"
'

test_expect_success 'the matcher catches drift, binds ids once, skips lines' '
	: >m && printf "opened 7fk2q (SEV2): x\n" >e &&
	printf "opened 7fk2q (SEV2): y\n" >a &&
	! match_output e a m &&
	printf "opened abcde (SEV2): x\n" >a &&
	match_output e a m && test "$(cat m)" = "7fk2q abcde" &&
	printf "noted 3qz7k\n" >e && printf "noted abcde\n" >a &&
	! match_output e a m &&
	printf "noted 7fk2q\n" >e && match_output e a m &&
	printf "status open\n" >e && printf "status done\n" >a &&
	! match_output e a m &&
	printf "a\n...\nc\n" >e && printf "a\nb\nb2\nc\n" >a &&
	match_output e a m &&
	printf "a\nb\n" >a && ! match_output e a m &&
	printf "a\n" >e && printf "a\nb\n" >a && ! match_output e a m
'

for k in $(seq "$(cat "$W/count")"); do
	# a "#" would start a TAP directive: the README's comments stay out
	readme_test "$k" "README.md:$(cat "$W/$k.line"): $(sed 's/[[:space:]]*#.*//' "$W/$k.cmd")"
done

echo exit >&7
wait "$README_SH_PID" 2>/dev/null
test_done
