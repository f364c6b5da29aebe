#!/usr/bin/env bash
# The demo's etcd operations (crud, watch, txn) done with etcdctl, one process per operation,
# so the demo's wall time can be compared with the shell way of doing the same thing.
# Usage: scripts/demo-etcdctl.sh http://127.0.0.1:PORT
# etcdctl: the one next to the project's etcd (scripts/install-etcd.sh fetches both), else the PATH's.
# Prints what etcdctl printed; exits non-zero if any step fails or a watch misses an event for 10 s.
set -euo pipefail
url=${1:?usage: $0 ENDPOINT_URL}
export ETCDCTL_API=3
# shellcheck source=lib/local-etcd.sh
. "$(dirname "$0")/lib/local-etcd.sh"
[ -n "$LOCAL_ETCDCTL_BIN" ] || { echo "demo-etcdctl: no etcdctl; scripts/install-etcd.sh fetches it" >&2; exit 1; }
ctl() { "$LOCAL_ETCDCTL_BIN" --endpoints "$url" "$@"; }
scratch=$(mktemp -d)
watcher=
cleanup() {
  if [ -n "$watcher" ]; then kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# The revision etcd is at: a watch from the next one sees every later change, as the demo's does.
revision() { ctl get "$1" -w json | sed -E 's/.*"revision":([0-9]+).*/\1/'; }

# Starts a watch from a revision in the background; its events go to $scratch/events. The binary
# itself, not the ctl function: a function in the background is a subshell, and $! would be the
# subshell's pid, so the kill below would leave etcdctl running.
watch_from() {
  : > "$scratch/events"
  "$LOCAL_ETCDCTL_BIN" --endpoints "$url" watch "$@" > "$scratch/events" &
  watcher=$!
}

# Waits until the watch has printed $1 lines (type, key and, for a put, value), at most 10 s.
await_lines() {
  for _ in $(seq 1000); do
    [ "$(wc -l < "$scratch/events")" -ge "$1" ] && { cat "$scratch/events"; kill "$watcher"; wait "$watcher" 2>/dev/null || true; watcher=; return; }
    sleep 0.01
  done
  echo "demo-etcdctl: the watch saw $(wc -l < "$scratch/events") of $1 lines within 10 s" >&2
  exit 1
}

# crud
ctl put name Guilherme
ctl get name
ctl put name Updated
ctl get name
ctl del name
ctl get name

# watch
watch_from dog --rev $(( $(revision dog) + 1 ))
ctl put dog sits
ctl put dog runs
ctl del dog
await_lines 8

# txn: two puts at one revision, seen by a prefix watch
watch_from animals/ --prefix --rev $(( $(revision animals/) + 1 ))
printf '\nput animals/cow moo\nput animals/chicken cluck\n\n\n' | ctl txn
await_lines 6
ctl get animals/cow
ctl get animals/chicken
ctl del animals/ --prefix
