#!/usr/bin/env bash
# Profiles one Tollgate sidecar under the benchmark's acquire load with async-profiler (CPU, from process start):
# an HTML flame graph and collapsed stacks under chaos-tests/target/profile/, and a summary of where the CPU goes.
# Usage: bash chaos-tests/profile.sh [--level 16] [--seconds 60] [--system tollgate-1]
# The profile covers the sidecar's whole life (start-up and JIT included; the summary leaves start-up out).
# Profiling slows the sidecar: read its throughput in the benchmark, not here.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
AP_VERSION=4.1
LEVEL=16
SECONDS_MEASURED=60
SYSTEM=tollgate-1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --level) LEVEL="$2"; shift 2 ;;
    --seconds) SECONDS_MEASURED="$2"; shift 2 ;;
    --system) SYSTEM="$2"; shift 2 ;;
    *) echo "profile: unknown option $1" >&2; exit 2 ;;
  esac
done

OUT="$HERE/target/profile"
mkdir -p "$OUT"
# async-profiler's own jar from Maven Central carries the native library for each platform.
JAR="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
if [[ ! -f "$JAR" ]]; then
  (cd "$ROOT" && mvn -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION")
fi
LIB_DIR="$OUT/async-profiler"
rm -rf "$LIB_DIR" && mkdir -p "$LIB_DIR"
(cd "$LIB_DIR" && "$JAVA_HOME/bin/jar" xf "$JAR" linux-x64/libasyncProfiler.so)
LIB="$LIB_DIR/linux-x64/libasyncProfiler.so"

rm -f "$OUT"/*.html "$OUT"/*.collapsed
for fmt in html collapsed; do
  # One run per output format (the agent writes one file when the sidecar exits).
  BENCH_SKIP_BUILD="${BENCH_SKIP_BUILD:-0}" \
  BENCH_TOLLGATE_JVM_OPTS="-agentpath:$LIB=start,event=cpu,interval=1ms,file=$OUT/$SYSTEM-{member}.$fmt,$fmt" \
    bash "$HERE/bench.sh" --systems "$SYSTEM" --levels "$LEVEL" --phases http --warmup-seconds 10 \
    --measure-seconds "$SECONDS_MEASURED" --repeat 1 --out "$OUT/bench-$fmt" > "$OUT/bench-$fmt.log" 2>&1
  BENCH_SKIP_BUILD=1
done
"$JAVA_HOME/bin/java" "$HERE/src/main/java/io/tollgate/bench/ProfileSummary.java" "$OUT/$SYSTEM-0.collapsed" \
  | tee "$OUT/summary.txt"
echo "profile: flame graph $OUT/$SYSTEM-0.html, stacks $OUT/$SYSTEM-0.collapsed, summary $OUT/summary.txt"
