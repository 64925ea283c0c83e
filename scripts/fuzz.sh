#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a bounded time on a scratch copy of its
# seed corpus (Fuzz/Corpus/<target>/; nothing is written into the repository).
#
#     scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 30 s, every target)
#
# Exit status 0 when no target found anything; 1 when one crashed, trapped, broke an invariant, timed
# out on one input or ran out of memory (the reproducer's path is printed; rerun it with
# `SWIFT_BACKTRACE=enable=no BINARY REPRODUCER`); 2 for a usage or build error.
#
# Environment: FUZZ_CONFIGURATION=debug|release (default debug). A release build runs about twice
# the inputs per second but builds slower (about 460 vs 300 CPU-seconds from clean) and, above all,
# drops the bounds checks of UnsafeBufferPointer and UnsafeRawBufferPointer (debug-only
# preconditions), through which the CSV, gzip and IDX readers and safetensors' value loading read
# their input: an out-of-bounds read traps in debug and goes unseen in release. FUZZ_WORK=DIR keeps the scratch
# corpus, logs and artifacts there instead of in a temporary directory (which is removed unless
# something was found).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }
shift $(( $# > 0 ? 1 : 0 ))
all=(fuzz-csv fuzz-idx fuzz-gzip fuzz-safetensors fuzz-checkpoint fuzz-runfiles)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi
configuration=${FUZZ_CONFIGURATION:-debug}

# `--sanitize=fuzzer`, not `-Xswiftc -sanitize=fuzzer`: the latter links the executable's own empty
# `main`, so the binary exits 0 at once without fuzzing anything.
echo "== building the fuzz targets ($configuration, --sanitize=fuzzer)"
start=$SECONDS
swift build --package-path Fuzz -c "$configuration" --sanitize=fuzzer || { echo "FAIL: the fuzz targets did not build"; exit 2; }
echo "built in $((SECONDS - start)) s"
bin=$(swift build --package-path Fuzz -c "$configuration" --sanitize=fuzzer --show-bin-path)

if [ -n "${FUZZ_WORK:-}" ]; then work=$FUZZ_WORK; mkdir -p "$work"; keep=1
else work=$(mktemp -d "${TMPDIR:-/tmp}/repro-fuzz-XXXXXX"); keep=0; fi

failed=()
for target in "${targets[@]}"; do
    [ -x "$bin/$target" ] || { echo "FAIL: no fuzz target $target in $bin"; exit 2; }
    case $target in
        fuzz-csv) dict=Fuzz/Dictionaries/csv.dict; max_len=4096 ;;
        fuzz-idx | fuzz-gzip) dict=; max_len=4096 ;;
        *) dict=Fuzz/Dictionaries/json.dict; max_len=8192 ;;
    esac
    corpus=$work/corpus/$target artifacts=$work/artifacts/$target log=$work/$target.log
    rm -rf "$corpus" "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    cp Fuzz/Corpus/"$target"/* "$corpus"/
    echo "== $target: ${seconds} s"
    set +e
    # A Swift trap must end the process at once (no backtracer) so that libFuzzer writes the input.
    SWIFT_BACKTRACE=enable=no "$bin/$target" "$corpus" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -use_value_profile=1 -print_final_stats=1 -artifact_prefix="$artifacts/" \
        ${dict:+-dict="$dict"} >"$log" 2>&1
    status=$?
    set -e
    inited=$(grep -m1 -E '^#[0-9]+[[:space:]]+INITED .*cov: ' "$log" || true)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, ft \2/p')
    found=$(find "$artifacts" -type f | head -n 1)
    if [ "$status" != 0 ] || [ -n "$found" ]; then
        echo "FAIL: $target exited $status"
        grep -E '^(==[0-9]+== ERROR|Fatal error|.*invariant broken|.*fatal error|SUMMARY|artifact_prefix|Test unit written)' "$log" | head -n 20 || true
        echo "  log:        $log"
        echo "  reproducer: ${found:-(none written)}"
        [ -n "$found" ] && echo "  rerun:      SWIFT_BACKTRACE=enable=no $bin/$target $found"
        failed+=("$target")
    elif [ -z "$inited" ]; then
        # A binary linked without libFuzzer's main runs nothing and exits 0.
        echo "FAIL: $target did not fuzz (no libFuzzer INITED line); see $log"
        tail -n 5 "$log"
        failed+=("$target")
    else
        echo "ok: ${runs:-?} runs, ${rate:-?} exec/s, $cov, corpus $(ls "$corpus" | wc -l) inputs"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "FAIL: findings in ${failed[*]}; scratch corpus, logs and reproducers kept in $work"
    exit 1
fi
[ "$keep" = 1 ] || rm -rf "$work"
echo "fuzzing passed: ${targets[*]}"
