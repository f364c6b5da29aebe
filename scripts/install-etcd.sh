#!/usr/bin/env bash
# install-etcd.sh - an etcd binary for the demo's throwaway etcd and the tests, in the project's own
# folder .etcd/ (gitignored), without installing anything system-wide.
#
#   scripts/install-etcd.sh           etcd 3.5 (the default): .etcd/bin/etcd and .etcd/bin/etcdctl
#   scripts/install-etcd.sh bookworm  another Debian release's etcd (bookworm: 3.4.23) in .etcd/bookworm/
#
# Prints the etcd binary's path on stdout. `mvn verify` runs it first (skip with -Detcd.install.skip).
# The default does nothing when .etcd/bin/etcd is there, when ETCD_BINARY names a binary, or when the
# `etcd` on the PATH is 3.5 or newer (that one is used as it is).
#
# How: Debian's etcd-server and etcd-client packages from sid (3.5.30; trixie's 3.5.16 if sid fails),
# fetched with apt-get through a private sources file, package lists and cache under .etcd/apt/, so the
# machine's apt sources and state are left alone, then unpacked with dpkg-deb -x. Needs no root. The
# binaries are static Go programs but for libc: they run on bookworm.
#
# On a machine without apt-get it says what to do and exits 0: the tests can still use Docker
# (a container per run) or an etcd you run (ETCD_TEST_ENDPOINTS).
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
home=$project/.etcd
say() { echo "install-etcd: $*" >&2; }
# shellcheck source=lib/private-apt.sh
. "$project/scripts/lib/private-apt.sh"

# "3.5.30" from `etcd --version`, or nothing when it does not run.
version_of() { "$1" --version 2>/dev/null | sed -n 's/^etcd Version: //p'; }
at_least_3_5() { [ -n "$1" ] && printf '3.5\n%s\n' "$1" | sort -C -V; }

# Downloads and unpacks etcd-server and etcd-client from one Debian release into .etcd/SUITE/.
fetch() {
  local suite=$1 apt=$home/apt/$1 tmp
  private_apt "$apt" "$suite" || { say "cannot make a private apt state in $apt"; return 1; }
  local opts=("${PRIVATE_APT[@]}")
  say "fetching etcd-server and etcd-client from Debian $suite into $home/$suite (private apt state in $apt)"
  apt-get "${opts[@]}" update >/dev/null || { say "apt-get update for $suite failed"; return 1; }
  tmp=$(mktemp -d "$home/.fetch-$suite.XXXXXX")
  (cd "$tmp" && apt-get "${opts[@]}" download etcd-server etcd-client >/dev/null) \
    || { say "apt-get download from $suite failed"; rm -rf "$tmp"; return 1; }
  mkdir "$tmp/root"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
  # Whole or not at all: an interrupted run leaves no half-unpacked release behind.
  rm -rf "${home:?}/$suite" && mv "$tmp/root" "$home/$suite"
  rm -rf "$tmp" "$apt"
  say "$(version_of "$home/$suite/usr/bin/etcd" | sed 's/^/etcd /') in $home/$suite/usr/bin"
}

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  fetch() {
    say "no apt-get here: install etcd 3.5 yourself and set ETCD_BINARY=/path/to/etcd, or let the tests use Docker"
    return 1
  }
fi

mkdir -p "$home"
if [ $# -gt 0 ]; then
  suite=$1
  [ -x "$home/$suite/usr/bin/etcd" ] || fetch "$suite"
  echo "$home/$suite/usr/bin/etcd"
  exit 0
fi

if [ -n "${ETCD_BINARY:-}" ]; then
  echo "$ETCD_BINARY"
  exit 0
fi
if [ -n "$(version_of "$home/bin/etcd")" ]; then
  echo "$home/bin/etcd"
  exit 0
fi
if on_path=$(command -v etcd 2>/dev/null) && at_least_3_5 "$(version_of "$on_path")"; then
  echo "$on_path"
  exit 0
fi
for suite in sid trixie; do
  if [ -x "$home/$suite/usr/bin/etcd" ] || fetch "$suite"; then
    mkdir -p "$home/bin"
    ln -sfn "../$suite/usr/bin/etcd" "$home/bin/etcd"
    ln -sfn "../$suite/usr/bin/etcdctl" "$home/bin/etcdctl"
    echo "$home/bin/etcd"
    exit 0
  fi
done
say "could not fetch etcd 3.5; the tests can still use Docker, ETCD_BINARY=/path/to/etcd, or ETCD_TEST_ENDPOINTS"
exit 0
