#!/usr/bin/env bash
# Runs the Tollgate benchmark: JMH on the pure core, then the driver: the HTTP sweep side by side (HTTP
# floor, Redis sliding-log baseline, Bucket4j-on-Hazelcast baseline with 1 and 3 members, tollgate-floor,
# Tollgate with 1 and 3 members when app/target/tollgate.jar exists), never-seen users, backends alone,
# memory per user, scale. Results: chaos-tests/target/bench/
#   results.md, results.csv, throughput.png, latency.png, p99.png, logs/
# A full run (not --smoke, nothing narrowed) also writes docs/benchmarks.md: a generated header (command,
# revision, machine) and that run's results.md, charts in docs/benchmarks/. Other runs leave docs/ alone.
#
# Usage: bash chaos-tests/bench.sh [--smoke] [driver options]
#   --smoke                 seconds-long points, one member per system, --repeat 1 (CI keeps the command working)
#   --systems a,b           of floor, redis, bucket4j-1, bucket4j-3, tollgate-floor, tollgate-1, tollgate-1-rid, tollgate-3
#                           (tollgate-floor: a Tollgate sidecar like tollgate-1, loaded with GET /health/live;
#                           tollgate-1-rid: tollgate-1 with a request_id of its own on every acquire)
#   --phases a,b            of http, cold, backend, scale (the default) and open, many (only when asked)
#   --levels 1,4,16,64      HTTP sweep concurrencies      --cold-levels 16,200   never-seen users' concurrencies
#   --warmup-seconds 3      warm-up per point, once        --measure-seconds 6    one measured window
#   --repeat N              measured windows per point, back to back after the warm-up (default 3, smoke 1);
#                           results give the median, min-max and ± (half the range as % of the median)
#   --users 5000            sweep users                    --prefill-seconds 45   bound on making users active
#   --scale-users, --scale-systems                          the scale phase's populations and systems
#   --open-rate R           open loop: requests/s for every system; without it, --open-fraction (0.5) of the
#                           system's closed-loop median at c=64 from the sweep (measured first if absent)
#   --open-connections 64   open loop: connections in the pool
#   --many-users 100000     many: users, drawn with Zipf popularity --many-zipf 1.0 (k-th most popular ∝ 1/k^s)
#   --many-levels 16,64     many: closed-loop concurrencies
# BENCH_BASELINE_REF=<git ref> also builds Tollgate at that ref (in a git worktree under
# chaos-tests/target/bench-baseline) and runs it as "tollgate-1-before" beside the current build,
# in the same run, under the same load: the before/after pair.
# BENCH_SKIP_BUILD=1 uses the jars already built; MVN_OFFLINE=1 builds with -o.
# --smoke takes about a minute and a half; the full run about 25-30 minutes on a 2-core machine (each point
# 3 s warm-up + 3 x 6 s; the scale prefills are bounded at 45 s each); --phases open adds about half a
# minute per system, --phases many one to two minutes per system.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
JAVA="$JAVA_HOME/bin/java"

SMOKE=0
for a in "$@"; do [[ "$a" == "--smoke" ]] && SMOKE=1; done

if ! command -v redis-server >/dev/null 2>&1; then
  echo "bench: installing redis-server (Debian package)" >&2
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
  # The package starts a system instance on 6379; the benchmark starts its own on a free port.
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$ROOT" && mvn -B -q ${MVN_OFFLINE:+-o} -DskipTests package)
fi

OUT="$HERE/target/bench"
rm -rf "$OUT"
mkdir -p "$OUT"

BASELINE_ARGS=()
if [[ -n "${BENCH_BASELINE_REF:-}" ]]; then
  BASE="$HERE/target/bench-baseline"
  git -C "$ROOT" worktree remove --force "$BASE" >/dev/null 2>&1 || rm -rf "$BASE"
  git -C "$ROOT" worktree prune
  git -C "$ROOT" worktree add --detach "$BASE" "$BENCH_BASELINE_REF" >/dev/null
  echo "bench: building the baseline $(git -C "$BASE" log -1 --format='%h %s')" >&2
  # package only (never install: the current build's snapshots in ~/.m2 must stay as they are)
  (cd "$BASE" && mvn -B -q ${MVN_OFFLINE:+-o} -DskipTests -pl app -am package)
  BASELINE_ARGS=(--baseline-jar "$BASE/app/target/tollgate.jar")
fi
CP="$HERE/target/tollgate-chaos-tests-0.1.0-SNAPSHOT.jar:$HERE/target/bench-libs/*"
HZ_FLAGS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)

# 1. JMH: one decision on the pure core.
if [[ $SMOKE -eq 1 ]]; then JMH_ARGS=(-wi 1 -w 200ms -i 1 -r 200ms -f 1); else JMH_ARGS=(-wi 2 -w 1s -i 3 -r 1s -f 1); fi
"$JAVA" -cp "$CP" org.openjdk.jmh.Main 'io.tollgate.bench.CoreDecisionBenchmark' "${JMH_ARGS[@]}" \
  -rf csv -rff "$OUT/jmh.csv" > "$OUT/jmh.log" 2>&1 || { echo "bench: JMH failed, see $OUT/jmh.log" >&2; tail -20 "$OUT/jmh.log" >&2; exit 1; }
tail -4 "$OUT/jmh.log"

# What produced this run, for the report's header: the command as typed (with the variables that change
# what is measured) and the revision measured (marked when tracked files outside docs/ differ from it).
quote() { if [[ "$1" =~ ^[A-Za-z0-9_.,:/=+@%-]+$ ]]; then printf '%s' "$1"; else printf '%q' "$1"; fi; }
COMMAND="bash chaos-tests/bench.sh"
for a in "$@"; do COMMAND+=" $(quote "$a")"; done
[[ -n "${BENCH_TOLLGATE_JVM_OPTS:-}" ]] && COMMAND="BENCH_TOLLGATE_JVM_OPTS=$(quote "$BENCH_TOLLGATE_JVM_OPTS") $COMMAND"
[[ -n "${BENCH_BASELINE_REF:-}" ]] && COMMAND="BENCH_BASELINE_REF=$(quote "$BENCH_BASELINE_REF") $COMMAND"
REPORT_ARGS=(--command "$COMMAND")
if REVISION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
  git -C "$ROOT" diff --quiet HEAD -- . ':(exclude)docs' 2>/dev/null || REVISION+=" with uncommitted changes"
  REPORT_ARGS+=(--revision "$REVISION")
fi
# A full run (not --smoke, nothing narrowed) also writes docs/benchmarks.md; the driver decides and says why not.
[[ $SMOKE -eq 0 ]] && REPORT_ARGS+=(--docs "$ROOT/docs/benchmarks.md")

# 2. Everything else, in one driver process (it starts and stops every server and redis-server itself).
cd "$HERE"
"$JAVA" "${HZ_FLAGS[@]}" -Xmx2g -Djava.awt.headless=true -Dhazelcast.phone.home.enabled=false \
  -Dhazelcast.logging.type=jdk -Dhazelcast.logging.level=WARNING \
  -cp "$CP" io.tollgate.bench.BenchDriver --out "$OUT" --tollgate-jar "$ROOT/app/target/tollgate.jar" \
  --jmh-csv "$OUT/jmh.csv" "${BASELINE_ARGS[@]}" "${REPORT_ARGS[@]}" "$@"

echo "bench: $OUT/results.md"
