# Sourced by the scripts that need a throwaway etcd (bench-compare.sh, train-startup.sh): one member
# from the same etcd binary the Java side uses, listening on free loopback ports (never 2379), with a temp data
# dir, stopped by its PID. The Java side has its own launcher (LocalEtcd); this is the shell's.
#
#   local_etcd_start [ETCD_FLAG...]   sets LOCAL_ETCD_URL, LOCAL_ETCD_PID, LOCAL_ETCD_DIR
#   local_etcd_stop                   stops it (TERM, then KILL after 10 s) and deletes its data
#   local_etcd_ctl ARG...             etcdctl against it
#   LOCAL_ETCD_BIN, LOCAL_ETCDCTL_BIN the binaries (empty when there is none)

# The binary: ETCD_BINARY, else the project's .etcd/bin/etcd (scripts/install-etcd.sh), else the
# PATH's - the order LocalEtcd uses. etcdctl: the one next to it, else the PATH's.
local_etcd_find() {
  local project
  project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if [ -n "${ETCD_BINARY:-}" ]; then
    LOCAL_ETCD_BIN=$ETCD_BINARY
  elif [ -x "$project/.etcd/bin/etcd" ]; then
    LOCAL_ETCD_BIN=$project/.etcd/bin/etcd
  else
    LOCAL_ETCD_BIN=$(command -v etcd || true)
  fi
  LOCAL_ETCDCTL_BIN=
  [ -n "$LOCAL_ETCD_BIN" ] && [ -x "$(dirname "$LOCAL_ETCD_BIN")/etcdctl" ] && LOCAL_ETCDCTL_BIN=$(dirname "$LOCAL_ETCD_BIN")/etcdctl
  [ -n "$LOCAL_ETCDCTL_BIN" ] || LOCAL_ETCDCTL_BIN=$(command -v etcdctl || true)
}
local_etcd_find

local_etcd_free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 40000 ))
    # Nothing answers there (a refused connect): free, unless someone binds it in the next instant,
    # which local_etcd_start notices (etcd exits) and retries.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

local_etcd_start() {
  local attempt client peer
  LOCAL_ETCD_DIR=$(mktemp -d "${TMPDIR:-/tmp}/etcd-poc-script.XXXXXX")
  for attempt in 1 2 3; do
    client=$(local_etcd_free_port)
    peer=$(local_etcd_free_port)
    LOCAL_ETCD_URL=http://127.0.0.1:$client
    # etcd reads ETCD_* variables as flags: start it without the caller's.
    env $(env | sed -n 's/^\(ETCD_[A-Za-z0-9_]*\)=.*/-u \1/p') "$LOCAL_ETCD_BIN" --name local --data-dir "$LOCAL_ETCD_DIR/data" \
      --listen-client-urls "$LOCAL_ETCD_URL" --advertise-client-urls "$LOCAL_ETCD_URL" \
      --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
      --initial-cluster "local=http://127.0.0.1:$peer" "$@" > "$LOCAL_ETCD_DIR/etcd.log" 2>&1 &
    LOCAL_ETCD_PID=$!
    local tries
    for tries in $(seq 300); do
      if ! kill -0 "$LOCAL_ETCD_PID" 2>/dev/null; then
        break
      fi
      if local_etcd_ctl endpoint health >/dev/null 2>&1; then
        return 0
      fi
      sleep 0.1
    done
    local_etcd_stop_process
    rm -rf "$LOCAL_ETCD_DIR/data"
  done
  echo "local-etcd: etcd did not become healthy; its log: $LOCAL_ETCD_DIR/etcd.log" >&2
  return 1
}

local_etcd_ctl() {
  ETCDCTL_API=3 "$LOCAL_ETCDCTL_BIN" --endpoints "$LOCAL_ETCD_URL" --dial-timeout 2s --command-timeout 30s "$@"
}

local_etcd_stop_process() {
  [ -n "${LOCAL_ETCD_PID:-}" ] || return 0
  kill "$LOCAL_ETCD_PID" 2>/dev/null || true
  local i
  for i in $(seq 100); do
    kill -0 "$LOCAL_ETCD_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$LOCAL_ETCD_PID" 2>/dev/null || true
  wait "$LOCAL_ETCD_PID" 2>/dev/null || true
  LOCAL_ETCD_PID=
}

local_etcd_stop() {
  local_etcd_stop_process
  [ -n "${LOCAL_ETCD_DIR:-}" ] && rm -rf "$LOCAL_ETCD_DIR"
  LOCAL_ETCD_DIR=
}
