#!/usr/bin/env bash
# bench-compare.sh - jetcd (`poc bench`) next to etcd's official Go client (the gobench anchor),
# against ONE local etcd member, and the demo's wall time next to etcdctl. Prints markdown tables
# (BENCHMARKS.md has the figures from this project's machine and explains every column).
#
# End to end: installs etcd and etcdctl when missing (scripts/install-etcd.sh), builds
# target/poc.jar when missing, builds gobench from Debian's Go packages, starts one etcd member on
# free loopback ports (never 2379) with a temp data dir, runs everything, then stops etcd by its PID
# and deletes its data — also on Ctrl-C.
#
# Every figure is the median of ROUNDS rounds; jetcd and Go take turns (who goes first alternates by
# round), etcd's history is compacted after every run, and each table says the load average before
# and after it: on a shared machine, compare only figures from the same run of this script.
# jetcd runs as `scripts/poc bench`: one JVM per round and op measures every level, from the most
# requests in flight to the fewest, each after its own warm-up and a compaction of etcd's history,
# with a fixed heap touched up front (BENCHMARKS.md says why); gobench is one process per level, in
# the same order. A level's timed requests, the same for both clients: TOTAL, or MIN_PER_CLIENT per
# request in flight if that is more (256 in flight: 25 600; fewer per chain and the p99 is one slow
# round of etcd's); one request in flight, which is latency-bound (~1 300 puts/s), gets TOTAL_AT_1.
# Shorter timed parts at 16 and 64 in flight (0.3-0.9 s) gave medians that swung ±20% from run to run.
# Run time with the defaults on a 2-core machine: about 8 minutes. ROUNDS=0 measures the demo's wall
# time only.
#
# Settings (environment variables):
#   ROUNDS=3  TOTAL=20000  TOTAL_AT_1=5000  MIN_PER_CLIENT=100  LEVELS="1 16 64 256 1024"  OPS="put get"
#   DEMO_RUNS=5
#   JETCD_ONLY_OPS=""   also measure jetcd's txn and/or watch ("txn watch"), which gobench lacks
#   BEFORE=1            also measure put with bench --client safe (jetcd's default threads: the demo's client)
#   ETCD_BINARY=PATH    another etcd (its etcdctl next to it is the one the demo is compared with)
#   GOBENCH_SRC=<repo>/../shared/anchors/gobench   where main.go and build.sh are
#   KEEP=DIR            keep every run's raw output in DIR
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
TOTAL=${TOTAL:-20000}
TOTAL_AT_1=${TOTAL_AT_1:-5000}
MIN_PER_CLIENT=${MIN_PER_CLIENT:-100}
LEVELS=${LEVELS:-"1 16 64 256 1024"}
OPS=${OPS:-"put get"}
JETCD_ONLY_OPS=${JETCD_ONLY_OPS:-}
DEMO_RUNS=${DEMO_RUNS:-5}
GOBENCH_SRC=${GOBENCH_SRC:-$(cd .. && pwd)/shared/anchors/gobench}
BEFORE=${BEFORE:-}

bash scripts/install-etcd.sh >/dev/null
# shellcheck source=lib/local-etcd.sh
. scripts/lib/local-etcd.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
finish() {
  local_etcd_stop
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$work"/. "$KEEP"/; fi
  rm -rf "$work"
}
trap finish EXIT
trap 'exit 130' INT TERM
say() { echo "bench-compare: $*" >&2; }

# --- prerequisites --------------------------------------------------------------------------------
[ -n "$LOCAL_ETCDCTL_BIN" ] || { say "etcdctl is missing: scripts/install-etcd.sh fetches it"; exit 1; }
if [ ! -f target/poc.jar ]; then
  say "building target/poc.jar"
  mvn -B -q package -DskipTests
fi
if [ "$ROUNDS" -gt 0 ]; then
  [ -f "$GOBENCH_SRC/build.sh" ] || { say "no gobench at $GOBENCH_SRC (set GOBENCH_SRC)"; exit 1; }
  say "building gobench (installs golang-go and golang-etcd-server-dev when missing)"
  gobench=$(bash "$GOBENCH_SRC/build.sh" "$work/gobench" | tail -n 1)
fi
# Room for the runs' history between compactions; etcd's default quota is 2 GB.
local_etcd_start --quota-backend-bytes=8589934592
say "etcd $LOCAL_ETCD_URL (pid $LOCAL_ETCD_PID)"

# --- helpers --------------------------------------------------------------------------------------
field() { sed -nE 's/.*"'"$1"'":"?([^,"}]*).*/\1/p'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
millis() { echo $(( $(date +%s%N) / 1000000 )); }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# The levels from the most requests in flight to the fewest: the JIT warms up where requests are many and quick.
descending=$(printf '%s\n' $LEVELS | sort -rn | paste -sd, -)

# Timed requests at a level (see the header).
timed() {
  local total=$TOTAL n=$(( MIN_PER_CLIENT * $1 ))
  [ "$1" -eq 1 ] && total=$TOTAL_AT_1
  echo $(( n > total ? n : total ))
}
# jetcd's --total: one count per level, in the order of $descending.
jetcd_totals=$(for level in ${descending//,/ }; do timed "$level"; done | paste -sd, -)

# Forgets the runs' history (keeps the keys), so every run starts from a store of the same size.
compact() {
  local rev
  rev=$(local_etcd_ctl get compact-probe -w json | field revision)
  local_etcd_ctl compact "$rev" --physical >/dev/null
}

# gobench's untimed sequential puts before each run: enough to connect and warm Go up (it has no JIT);
# its default of 2000 cost ~0.8 s of CPU, which is subtracted from a run's and was noisier than the
# timed part of 5000 requests.
GO_WARMUP=200

# CPU seconds (user+system) of one gobench process, from bash's `time`.
go_run() {  # MODE LEVEL TOTAL -> JSON line, then "cpu SECONDS"
  local t
  { TIMEFORMAT='%3U %3S'; time "$gobench" -endpoints "$LOCAL_ETCD_URL" -mode "$1" -clients "$2" -total "$3" -warmup "$GO_WARMUP" -json \
      > "$work/go.out"; } 2> "$work/go.time"
  t=$(tail -n 1 "$work/go.time")
  cat "$work/go.out"
  echo "cpu $(echo "$t" | awk '{print $1 + $2}')"
  local_etcd_ctl del gobench/ --prefix >/dev/null
}

record() { echo "$*" >> "$work/results"; }

run_go() {  # OP LEVEL
  local out json
  out=$(go_run "$1" "$2" "$(timed "$2")")
  json=$(echo "$out" | head -n 1)
  record go "$1" "$2" "$(echo "$json" | field ops_per_sec)" "$(echo "$json" | field p99_ms)" \
    "$(echo "$out" | sed -n 's/^cpu //p')"
  echo "$json" >> "$work/raw.jsonl"
  compact
}

run_jetcd() {  # CLIENT OP, CLIENT: jetcd (the tuned client) or jetcd-safe (bench --client safe); every level
  local extra=() json
  [ "$1" = jetcd-safe ] && extra=(--client safe)
  # gobench's get reads one key: read one key too.
  [ "$2" = get ] && extra+=(--key-space 1)
  # --compact-history: every level starts on a compacted store, as each gobench run does.
  scripts/poc bench --endpoints "$LOCAL_ETCD_URL" --op "$2" --clients "$descending" --total "$jetcd_totals" \
    --compact-history "${extra[@]}" --json \
    > "$work/jetcd.out"
  while read -r json; do
    record "$1" "$2" "$(echo "$json" | field clients)" "$(echo "$json" | field ops_per_sec)" "$(echo "$json" | field p99_ms)" \
      "$(echo "$json" | field cpu_us_per_op)" "$(echo "$json" | field warmup)"
    echo "$json" >> "$work/raw.jsonl"
  done < "$work/jetcd.out"
  compact
}

# --- client throughput ----------------------------------------------------------------------------
started=$(date +%s)
load_before=$(load)
for round in $(seq "$ROUNDS"); do
  # gobench's fixed cost (start, connect, its warm-up puts): subtracted from its CPU below.
  go_run put 1 1 | sed -n 's/^cpu /go-base /p' >> "$work/results"
  for op in $OPS $JETCD_ONLY_OPS; do
    say "round $round/$ROUNDS: $op (load $(cut -d' ' -f1 /proc/loadavg))"
    clients=(jetcd)
    [ -n "$BEFORE" ] && [ "$op" = put ] && clients+=(jetcd-safe)
    case " $OPS " in *" $op "*) clients+=(go) ;; esac
    # Who goes first alternates by round: neither client always meets the warmer etcd.
    if [ $((round % 2)) -eq 0 ]; then
      mapfile -t clients < <(printf '%s\n' "${clients[@]}" | tac)
    fi
    for client in "${clients[@]}"; do
      if [ "$client" = go ]; then
        # In jetcd's order, so each level follows the same level for both clients: etcd answers with a
        # slower tail for a while after ~100 000 puts, compacted or not (Go's p99 at 256 in flight:
        # 47-48 ms right after its 1024 level, 40-47 ms with a defrag between, 31-38 ms after its 64 level).
        for level in ${descending//,/ }; do run_go "$op" "$level"; done
      else
        run_jetcd "$client" "$op"
      fi
    done
  done
done
load_after=$(load)
bench_minutes=$(( ($(date +%s) - started + 59) / 60 ))

# --- demo wall time -------------------------------------------------------------------------------
# scripts/poc only uses an archive newer than the jar.
[ target/poc.jsa -nt target/poc.jar ] || bash scripts/train-startup.sh target/poc.jar target/poc.jsa
demo_ways=("java -jar target/poc.jar" "scripts/poc" "scripts/demo-etcdctl.sh")
demo_load_before=$(load)
for run in $(seq "$DEMO_RUNS"); do
  for i in "${!demo_ways[@]}"; do
    way=${demo_ways[$i]}
    if [ "$way" = scripts/demo-etcdctl.sh ]; then args=("$LOCAL_ETCD_URL"); else args=(--endpoints "$LOCAL_ETCD_URL"); fi
    t0=$(millis)
    # shellcheck disable=SC2086 # the way is a command line
    $way "${args[@]}" > "$work/demo.out"
    echo "demo $i $(( $(millis) - t0 ))" >> "$work/results"
  done
done
demo_load_after=$(load)

# --- tables ---------------------------------------------------------------------------------------
values() {  # CLIENT OP LEVEL COLUMN -> median of that column over the rounds
  awk -v c="$1" -v o="$2" -v l="$3" -v k="$4" '$1 == c && $2 == o && $3 == l {print $k}' "$work/results" | median
}
go_base=$(awk '$1 == "go-base" {print $2}' "$work/results" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b}'; }
go_cpu_us() {  # CPU seconds of a whole run, LEVEL -> µs per timed request
  awk -v t="$1" -v b="$go_base" -v n="$(timed "$2")" 'BEGIN {if (t == "-") print "-"; else printf "%.0f", (t - b) * 1e6 / n}'
}
round0() { awk -v v="$1" 'BEGIN {if (v == "-") print "-"; else printf "%.0f", v}'; }
round1() { awk -v v="$1" 'BEGIN {if (v == "-") print "-"; else printf "%.1f", v}'; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), Linux $(uname -r);"
echo "$("$LOCAL_ETCD_BIN" --version | head -n 1), one member, data in $(dirname "$LOCAL_ETCD_DIR"); $(java -version 2>&1 | head -n 1);"
echo "$(go version 2>/dev/null || echo 'go ?'); $(du -h target/poc.jar | cut -f1) jar."
if [ "$ROUNDS" -gt 0 ]; then
  echo
  echo "## jetcd vs etcd's Go client"
  echo
  echo "Medians of $ROUNDS rounds; timed requests per level: $(for l in $LEVELS; do printf '%s at %s, ' "$(timed "$l")" "$l"; done | sed 's/, $//'); ${bench_minutes} min; load average before $load_before, after $load_after."
  echo
  header="| op | in flight | jetcd ops/s | Go ops/s | jetcd/Go | jetcd p99 ms | Go p99 ms | p99 jetcd/Go | jetcd CPU µs/op | Go CPU µs/op | jetcd warm-up |"
  [ -n "$BEFORE" ] && header="$header safe jetcd ops/s | safe jetcd CPU µs/op |"
  echo "$header"
  echo "$header" | sed 's/[^|]/-/g; s/--*/---/g'
  for op in $OPS $JETCD_ONLY_OPS; do
    for level in $LEVELS; do
      j_ops=$(values jetcd "$op" "$level" 4); g_ops=$(values go "$op" "$level" 4)
      j_p99=$(values jetcd "$op" "$level" 5); g_p99=$(values go "$op" "$level" 5)
      line="| $op | $level | $(round0 "$j_ops") | $(round0 "$g_ops") | $(ratio "$j_ops" "$g_ops") | $j_p99 | $g_p99 | $(ratio "$j_p99" "$g_p99") | $(round1 "$(values jetcd "$op" "$level" 6)") | $(go_cpu_us "$(values go "$op" "$level" 6)" "$level") | $(round0 "$(values jetcd "$op" "$level" 7)") |"
      [ -n "$BEFORE" ] && line="$line $(round0 "$(values jetcd-safe "$op" "$level" 4)") | $(round1 "$(values jetcd-safe "$op" "$level" 6)") |"
      echo "$line"
    done
  done
fi
echo
echo "## Demo wall time (the default run: crud, watch, txn), median of $DEMO_RUNS"
echo
echo "The ways taking turns; etcdctl $("$LOCAL_ETCDCTL_BIN" version | head -n 1 | sed 's/.*: //'); load average before $demo_load_before, after $demo_load_after."
echo
echo "| how | wall time ms | / etcdctl script |"
echo "|---|---|---|"
etcdctl_ms=$(awk '$1 == "demo" && $2 == 2 {print $3}' "$work/results" | median)
for i in "${!demo_ways[@]}"; do
  ms=$(awk -v i="$i" '$1 == "demo" && $2 == i {print $3}' "$work/results" | median)
  echo "| \`${demo_ways[$i]}\` | $ms | $(ratio "$ms" "$etcdctl_ms") |"
done
