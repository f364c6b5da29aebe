#!/usr/bin/env bash
# bench-compare.sh - the demo's wall time next to etcdctl, then jetcd (`poc bench`) next to etcd's
# official Go client (the gobench anchor) against ONE local etcd member. Prints the machine first,
# then markdown tables (BENCHMARKS.md has the figures from this project's machine and explains every
# column).
#
# End to end: installs etcd and etcdctl when missing (scripts/install-etcd.sh), builds
# target/poc.jar when missing, times the demo first (below), then builds gobench and runs the
# benchmark. Every etcd member it starts listens on free loopback ports (never 2379) with a temp
# data dir and is stopped by its PID, its data deleted — also on Ctrl-C.
#
# The anchor: scripts/gobench (go.etcd.io/etcd/client/v3 of etcd 3.5, on Debian sid's current Go,
# built from Debian's packages into .gobench/ by scripts/gobench/build.sh, nothing installed). Only
# when that cannot be built, the older shared one ($GOBENCH_SRC: clientv3 of etcd 3.4 on bookworm's
# Go 1.19, whose build.sh installs golang-go and golang-etcd-server-dev with apt-get), and the script
# says so loudly. The benchmark table's heading names the anchor that ran: client and Go version.
#
# The demo's wall time, first, before any benchmark load (and before gobench is built): each way
# (`java -jar target/poc.jar`, scripts/poc, scripts/demo-etcdctl.sh) DEMO_RUNS times, every run
# against a fresh etcd member of its own (started for that run, stopped after it), the ways taking
# turns and who goes first rotating; medians. Next to it, what one etcdctl process costs: the median
# of CTL_RUNS runs of `etcdctl --endpoints URL get x`, and how many etcdctl processes the
# etcdctl script starts.
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
# Run time with the defaults on a 2-core machine: about 8 minutes, plus about a minute the first time
# gobench is built (a ~265 MB download). ROUNDS=0 measures the demo's wall time only.
#
# Settings (environment variables):
#   ROUNDS=3  TOTAL=20000  TOTAL_AT_1=5000  MIN_PER_CLIENT=100  LEVELS="1 16 64 256 1024"  OPS="put get"
#   DEMO_RUNS=5  CTL_RUNS=20   (DEMO_RUNS=0: no demo timing; not ETCDCTL_...: etcdctl reads those)
#   JETCD_ONLY_OPS=""   also measure jetcd's txn and/or watch ("txn watch"), which gobench lacks
#   BEFORE=1            also measure put with bench --client safe (jetcd's default threads: the demo's client)
#   ETCD_BINARY=PATH    another etcd (its etcdctl next to it is the one the demo is compared with)
#   GOBENCH_SRC=<repo>/../shared/anchors/gobench   the older anchor, the fallback: where main.go and build.sh are
#   GOBENCH_ANCHOR=shared  use the older anchor without trying scripts/gobench (to compare the two)
#   KEEP=DIR            keep every run's raw output in DIR
#   CLIENT_CPUS=LIST    run both clients under `taskset -c LIST` (etcd is not pinned): how each grows with cores
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
CTL_RUNS=${CTL_RUNS:-20}
GOBENCH_SRC=${GOBENCH_SRC:-$(cd .. && pwd)/shared/anchors/gobench}
GOBENCH_ANCHOR=${GOBENCH_ANCHOR:-}
BEFORE=${BEFORE:-}
CLIENT_CPUS=${CLIENT_CPUS:-}
pinned=()
[ -z "$CLIENT_CPUS" ] || pinned=(taskset -c "$CLIENT_CPUS")

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

# The machine, first.
echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), Linux $(uname -r);"

# --- prerequisites --------------------------------------------------------------------------------
[ -n "$LOCAL_ETCDCTL_BIN" ] || { say "etcdctl is missing: scripts/install-etcd.sh fetches it"; exit 1; }
if [ ! -f target/poc.jar ]; then
  say "building target/poc.jar"
  mvn -B -q package -DskipTests
fi
# scripts/poc only uses an archive newer than the jar: the ahead-of-time cache on JDK 24+, else the CDS archive.
if [ "$DEMO_RUNS" -gt 0 ]; then
  # shellcheck source=lib/poc-jvm.sh
  . scripts/lib/poc-jvm.sh
  if [ "$POC_JAVA_FEATURE" -ge 24 ]; then archive=target/poc.aot; else archive=target/poc.jsa; fi
  [ "$archive" -nt target/poc.jar ] || bash scripts/train-startup.sh target/poc.jar target/poc.jsa
fi
echo "$("$LOCAL_ETCD_BIN" --version | head -n 1), data in ${TMPDIR:-/tmp}; $(java -version 2>&1 | head -n 1); $(du -h target/poc.jar | cut -f1) jar."

# --- helpers --------------------------------------------------------------------------------------
field() { sed -nE 's/.*"'"$1"'":"?([^,"}]*).*/\1/p'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
# Milliseconds from bash's own clock ($EPOCHREALTIME: µs, no process started to read it), with
# three decimals; `date` where the shell has no $EPOCHREALTIME (bash before 5).
if [ -n "${EPOCHREALTIME:-}" ]; then
  micros() { echo "${EPOCHREALTIME//[!0-9]/}"; }
else
  micros() { echo $(( $(date +%s%N) / 1000 )); }
fi
ms_since() { awk -v a="$1" -v b="$(micros)" 'BEGIN {printf "%.3f", (b - a) / 1000}'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
record() { echo "$*" >> "$work/results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b}'; }
round0() { awk -v v="$1" 'BEGIN {if (v == "-") print "-"; else printf "%.0f", v}'; }
round1() { awk -v v="$1" 'BEGIN {if (v == "-") print "-"; else printf "%.1f", v}'; }

# --- demo wall time: first, before any benchmark load ---------------------------------------------
if [ "$DEMO_RUNS" -gt 0 ]; then
  demo_ways=("java -jar target/poc.jar" "scripts/poc" "scripts/demo-etcdctl.sh")
  demo_load_before=$(load)
  for run in $(seq "$DEMO_RUNS"); do
    # Who goes first rotates by run: 0 1 2, then 1 2 0, then 2 0 1 ...
    for k in "${!demo_ways[@]}"; do
      i=$(( (k + run - 1) % ${#demo_ways[@]} ))
      way=${demo_ways[$i]}
      # A fresh member for every run of every way: an empty store and no history, and no other way's
      # run (or benchmark) before it on that member.
      local_etcd_start
      if [ "$way" = scripts/demo-etcdctl.sh ]; then args=("$LOCAL_ETCD_URL"); else args=(--endpoints "$LOCAL_ETCD_URL"); fi
      say "demo $run/$DEMO_RUNS: $way (fresh etcd $LOCAL_ETCD_URL, load $(cut -d' ' -f1 /proc/loadavg))"
      t0=$(micros)
      # shellcheck disable=SC2086 # the way is a command line
      $way "${args[@]}" > "$work/demo.out"
      record demo "$i" "$(ms_since "$t0")"
      local_etcd_stop
    done
  done
  demo_load_after=$(load)

  # What one etcdctl process costs (start, connect, one get), on a fresh member of its own; and how
  # many the etcdctl script starts: counted once, untimed, through a wrapper next to a link to etcd
  # (the lib takes the etcdctl next to ETCD_BINARY).
  local_etcd_start
  for _ in $(seq "$CTL_RUNS"); do
    t0=$(micros)
    "$LOCAL_ETCDCTL_BIN" --endpoints "$LOCAL_ETCD_URL" get x > /dev/null
    record ctl "$(ms_since "$t0")"
  done
  mkdir "$work/count"
  ln -s "$LOCAL_ETCD_BIN" "$work/count/etcd"
  printf '#!/bin/sh\necho >> "%s"\nexec "%s" "$@"\n' "$work/count/starts" "$LOCAL_ETCDCTL_BIN" > "$work/count/etcdctl"
  chmod +x "$work/count/etcdctl"
  : > "$work/count/starts"
  ctl_starts=-
  if ETCD_BINARY=$work/count/etcd scripts/demo-etcdctl.sh "$LOCAL_ETCD_URL" > /dev/null; then
    ctl_starts=$(wc -l < "$work/count/starts")
  fi
  local_etcd_stop

  echo
  echo "## Demo wall time (the default run: crud, watch, txn), median of $DEMO_RUNS"
  echo
  echo "Timed before any benchmark load; every run against a fresh etcd member of its own; the ways taking turns, who goes first rotating; etcdctl $("$LOCAL_ETCDCTL_BIN" version | head -n 1 | sed 's/.*: //'); load average before $demo_load_before, after $demo_load_after."
  echo
  echo "| how | wall time ms | / etcdctl script |"
  echo "|---|---|---|"
  etcdctl_ms=$(awk '$1 == "demo" && $2 == 2 {print $3}' "$work/results" | median)
  for i in "${!demo_ways[@]}"; do
    ms=$(awk -v i="$i" '$1 == "demo" && $2 == i {print $3}' "$work/results" | median)
    echo "| \`${demo_ways[$i]}\` | $(round0 "$ms") | $(ratio "$ms" "$etcdctl_ms") |"
  done
  ctl_ms=$(awk '$1 == "ctl" {print $2}' "$work/results" | median)
  ctl_min=$(awk '$1 == "ctl" {print $2}' "$work/results" | sort -g | head -n 1)
  echo
  echo "One etcdctl process (\`etcdctl --endpoints URL get x\`: start, connect, one get): median $(round1 "$ctl_ms") ms of $CTL_RUNS runs (fastest $(round1 "$ctl_min") ms). scripts/demo-etcdctl.sh starts $ctl_starts etcdctl processes: $ctl_starts × $(round1 "$ctl_ms") ms = $(awk -v n="$ctl_starts" -v m="$ctl_ms" 'BEGIN {if (n == "-" || m == "-") print "-"; else printf "%.0f", n * m}') ms, against its wall time of $(round0 "$etcdctl_ms") ms (its watch processes run alongside the others)."
fi

[ "$ROUNDS" -gt 0 ] || exit 0

# --- the anchor -----------------------------------------------------------------------------------
loud() { say "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; say "!!! $*"; }
gobench=
if [ "$GOBENCH_ANCHOR" != shared ]; then
  say "building gobench (scripts/gobench/build.sh: etcd client/v3 from Debian sid's packages, into .gobench/)"
  if gobench=$(bash scripts/gobench/build.sh "$work/gobench" | tail -n 1) && [ -x "$gobench" ] \
      && built_with=$("$gobench" -version); then
    anchor="gobench (scripts/gobench) on $built_with"
  else
    gobench=
    loud "scripts/gobench/build.sh could not build the project's anchor (etcd client/v3 3.5, current Go)."
  fi
fi
if [ -z "$gobench" ]; then
  loud "FALLING BACK to the OLD anchor in $GOBENCH_SRC: clientv3 of etcd 3.4 on Debian bookworm's Go 1.19"
  [ "$GOBENCH_ANCHOR" = shared ] && say "(GOBENCH_ANCHOR=shared asked for it)"
  [ -f "$GOBENCH_SRC/build.sh" ] || { say "no gobench at $GOBENCH_SRC (set GOBENCH_SRC)"; exit 1; }
  say "building the old gobench (installs golang-go and golang-etcd-server-dev when missing)"
  gobench=$(bash "$GOBENCH_SRC/build.sh" "$work/gobench" | tail -n 1)
  old_client=$(dpkg-query -W -f '${Version}' golang-etcd-server-dev 2>/dev/null || echo '?')
  old_go=$(go version "$gobench" 2>/dev/null | sed 's/.*: //') || old_go=
  anchor="the OLD gobench ($GOBENCH_SRC, FALLBACK) on etcd clientv3 ${old_client%%[-+]*}; ${old_go:-go ?}"
fi
say "anchor: $anchor"

# Room for the runs' history between compactions; etcd's default quota is 2 GB.
local_etcd_start --quota-backend-bytes=8589934592
say "etcd $LOCAL_ETCD_URL (pid $LOCAL_ETCD_PID)"

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
  { TIMEFORMAT='%3U %3S'; time "${pinned[@]}" "$gobench" -endpoints "$LOCAL_ETCD_URL" -mode "$1" -clients "$2" -total "$3" -warmup "$GO_WARMUP" -json \
      > "$work/go.out"; } 2> "$work/go.time"
  t=$(tail -n 1 "$work/go.time")
  cat "$work/go.out"
  echo "cpu $(echo "$t" | awk '{print $1 + $2}')"
  local_etcd_ctl del gobench/ --prefix >/dev/null
}

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
  "${pinned[@]}" scripts/poc bench --endpoints "$LOCAL_ETCD_URL" --op "$2" --clients "$descending" --total "$jetcd_totals" \
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

# --- table ----------------------------------------------------------------------------------------
values() {  # CLIENT OP LEVEL COLUMN -> median of that column over the rounds
  awk -v c="$1" -v o="$2" -v l="$3" -v k="$4" '$1 == c && $2 == o && $3 == l {print $k}' "$work/results" | median
}
go_base=$(awk '$1 == "go-base" {print $2}' "$work/results" | median)
go_cpu_us() {  # CPU seconds of a whole run, LEVEL -> µs per timed request
  awk -v t="$1" -v b="$go_base" -v n="$(timed "$2")" 'BEGIN {if (t == "-") print "-"; else printf "%.0f", (t - b) * 1e6 / n}'
}

echo
echo "## jetcd vs etcd's Go client: $anchor"
echo
echo "One etcd member; medians of $ROUNDS rounds; timed requests per level: $(for l in $LEVELS; do printf '%s at %s, ' "$(timed "$l")" "$l"; done | sed 's/, $//'); ${bench_minutes} min; load average before $load_before, after $load_after${CLIENT_CPUS:+; both clients pinned to CPU(s) $CLIENT_CPUS with taskset, etcd not}."
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
