#!/bin/bash
# Runs one libFuzzer harness as a meson test: first every seed and
# regression input once (a crash fixed once must stay fixed), then
# fuzzing from them for $FUZZ_SECONDS (default 45) seconds. New inputs
# go to a corpus in the build tree, never into the source tree; a crash
# leaves its input in the build tree and says how to keep it as a
# regression input. Prints one "# figure:" line for .ci/run.
#
# KNOWN-DIR holds inputs of defects found and reported but not fixed
# yet, which the harness steps over (see its comment): each is replayed
# with INCIDENT_FUZZ_STRICT=1 and must still fail, like a
# test_expect_failure; once one passes, move it to REGRESS-DIR and drop
# the harness's exception.
#
#   run.sh HARNESS SEEDS-DIR REGRESS-DIR KNOWN-DIR WORK-DIR
set -u
harness=$1 seeds=$2 regress=$3 known=$4 work=$5
name=$(basename "$harness")
secs=${FUZZ_SECONDS:-45}

mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp" || exit 1
# the harnesses make their scratch folders under $TMPDIR, one a run
rm -rf "$work/tmp" && mkdir "$work/tmp" || exit 1
export TMPDIR="$work/tmp"

mapfile -t inputs < <(find "$seeds" "$regress" -type f ! -name ".*" ! -name README | sort)
if [ "${#inputs[@]}" -eq 0 ]; then
	echo "$name: no seed inputs in $seeds" >&2
	exit 1
fi
echo "$name: ${#inputs[@]} seed and regression inputs, each once"
if ! "$harness" -runs=1 "${inputs[@]}" >"$work/replay.log" 2>&1; then
	cat "$work/replay.log"
	echo "$name: a seed or regression input fails (see above)" >&2
	exit 1
fi

nknown=0
if [ -d "$known" ]; then
	for k in $(find "$known" -type f ! -name ".*" | sort); do
		if INCIDENT_FUZZ_STRICT=1 "$harness" -runs=1 "$k" >"$work/known.log" 2>&1; then
			echo "$name: the known defect of $k is fixed: move it to $regress/" \
				"and drop the harness's exception" >&2
			exit 1
		fi
		echo "$name: known, reported defect still there: $k"
		nknown=$((nknown + 1))
	done
fi

echo "$name: fuzzing for $secs s"
"$harness" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
	"$work/corpus" "$seeds" "$regress" >"$work/fuzz.log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
secs_run=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/fuzz.log" | tail -1)
corpus=$(find "$work/corpus" -type f | wc -l)
echo "# figure: $name: ${execs:-?} executions in ${secs_run:-$secs} s," \
	"${#inputs[@]} seed/regression inputs replayed, $nknown known defects," \
	"$corpus new corpus inputs, exit $rc"
if [ $rc -ne 0 ]; then
	tail -60 "$work/fuzz.log"
	for a in "$work"/artifacts/*; do
		[ -f "$a" ] || continue
		echo "$name: found $a; keep it as a regression input:"
		echo "    cp $a $regress/"
	done
	exit 1
fi
exit 0
