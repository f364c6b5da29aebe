#!/usr/bin/env bash
# install-etcd.sh - make sure an `etcd` binary is on the PATH, for the demo's throwaway etcd and the tests.
#
# Does nothing when etcd is already there. Otherwise installs Debian's etcd-server and etcd-client
# packages (etcd 3.4 and etcdctl) with apt-get, as root or through sudo. `mvn verify` runs this
# script first (skip with -Detcd.install.skip); run it yourself any time.
#
# On a machine without apt-get it says what to do and exits 0: the tests can still use Docker
# (a container per run) or an etcd you run (ETCD_TEST_ENDPOINTS).
set -euo pipefail

if command -v etcd >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-etcd: no etcd on the PATH and no apt-get here; install etcd 3.4+ yourself, or let the tests use Docker" >&2
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-etcd: etcd is missing and installing it needs root: run 'apt-get install etcd-server etcd-client' as root" >&2
  exit 1
fi
echo "install-etcd: installing Debian's etcd-server and etcd-client (etcd is not on the PATH)" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq etcd-server etcd-client >/dev/null
# Debian's package may start a system etcd on localhost:2379 where systemd runs; the demo would then
# use it instead of a throwaway one, which is fine: it leaves no keys behind.
etcd --version | head -n 1 >&2
