#!/usr/bin/env bash
# Builds the benchmarks in Release, runs them and tabulates the ratios they
# print (see tests/bench/ratio.h). Absolute times are printed, never judged:
# a ratio compares two things measured in the same run on the same machine.
#
#   tests/bench/run.sh           # every benchmark, its default length
#   tests/bench/run.sh --quick   # the ratio benchmarks, short (the CI guard)
#
# Fails when a ratio is beyond twice its goal (a "<= g" ratio above 2g, a
# ">= g" ratio below g/2): a regression of that size is not noise. A ratio
# between its goal and twice its goal is printed as "over goal" and passes.
# Each benchmark's whole output is kept in $build/bench-output/.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${HPEDU_BENCH_BUILD_DIR:-$root/build/release}
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$root/deploy/local/deps.sh"

if [ $quick -eq 1 ]; then
  runs=(
    "interceptors_bench --benchmark_min_time=0.2"
    "indicators_bench --scale=1 --iterations=10"
    "gateway_bench 10"
    "feed_bench --writes=300 --seconds=2"
  )
else
  runs=(
    "interceptors_bench --benchmark_min_time=3"
    "indicators_bench"
    "gateway_bench"
    "feed_bench"
    "registry_bench"
    "plans_bench"
    "staffing_bench"
    "budget_bench"
    "metrics_bench"
  )
fi
targets=()
for run in "${runs[@]}"; do targets+=("${run%% *}"); done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

out=$build/bench-output
mkdir -p "$out"
ratios=$out/ratios.txt
: >"$ratios"
for run in "${runs[@]}"; do
  name=${run%% *}
  read -r -a args <<<"${run#"$name"}"
  echo "== $name ${args[*]:-}" >&2
  start=$(date +%s)
  "$build/tests/bench/$name" "${args[@]}" >"$out/$name.txt" 2>"$out/$name.err" || {
    echo "$name failed (exit $?):" >&2
    tail -20 "$out/$name.err" >&2
    exit 1
  }
  echo "   $(($(date +%s) - start)) s" >&2
  grep '^ratio ' "$out/$name.txt" >>"$ratios" || true
done

echo
echo "Benchmark ratios, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
awk '
  { name = $2; value = $3 + 0; op = $4; goal = $5 + 0
    if (op == "<=") { ok = value <= goal; bad = value > 2 * goal }
    else            { ok = value >= goal; bad = value < goal / 2 }
    verdict = ok ? "ok" : (bad ? "FAIL (beyond twice the goal)" : "over goal")
    printf "%-46s %8.3f %s %-6g %s\n", name, value, op, goal, verdict
    if (bad) failed = 1 }
  END { if (NR == 0) { print "no ratio printed"; exit 1 }
        exit failed }
' "$ratios"
