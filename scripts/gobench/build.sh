#!/usr/bin/env bash
# build.sh - builds gobench (main.go here), the project's Go anchor: a load generator on etcd's
# official Go client go.etcd.io/etcd/client/v3, from Debian sid's packages, with sid's Go toolchain.
# Nothing is installed system-wide and nothing comes from the Go module proxy.
#
#   scripts/gobench/build.sh [OUT]     prints the binary's path on its last line (OUT, else
#                                      .gobench/bin/gobench); on stderr, which client and Go it built with
#
# How: a private apt state in .gobench/apt/ (own sources file for Debian sid, own package lists and
# cache, an empty dpkg status file, so apt sees a machine with nothing installed and resolves the
# whole dependency closure; the machine's apt sources and state are left alone) resolves
# `golang-go golang-etcd-server-dev` without recommends. Of that closure it downloads the Go
# toolchain (golang-go, golang-src, golang-1.NN-go, golang-1.NN-src) and every golang-*-dev source
# package; not the C libraries in the closure (libc6, libsystemd-dev ...: gobench is built without
# cgo) nor golang-golang-x-tools (compiled tools, whose sources are golang-golang-x-tools-dev).
# All of them are unpacked with dpkg-deb -x into one tree, .gobench/sid/, and gobench is built in
# GOPATH mode: GO111MODULE=off, GOROOT=.gobench/sid/usr/lib/go-1.NN, GOPATH=.gobench/gopath (main.go
# copied there as package gobench, next to a go.mod) plus .gobench/sid/usr/share/gocode. The /v3
# import paths resolve by GOPATH mode's minimal module compatibility: go.etcd.io/etcd/api/v3/version
# is go.etcd.io/etcd/api/version, whose go.mod says `module go.etcd.io/etcd/api/v3`.
#
# Cached: the unpacked tree (.gobench/sid/, its package list in .gobench/sid/PACKAGES), the Go
# build cache (.gobench/gocache/) and the binary (.gobench/bin/gobench, rebuilt when main.go or this
# script is newer). `rm -rf .gobench` starts over. The first run downloads ~265 MB (2.1 GB unpacked).
# Needs apt-get and dpkg-deb (Debian, Ubuntu); exits non-zero when it cannot build.
#
# Settings: GOBENCH_SUITE=sid (another Debian release: its own tree in .gobench/SUITE/ and binary
# .gobench/bin/gobench-SUITE; only sid has been tried).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
home=$project/.gobench
suite=${GOBENCH_SUITE:-sid}
root=$home/$suite
bin=$home/bin/gobench${GOBENCH_SUITE:+-$suite}
out=${1:-$bin}
say() { echo "gobench-build: $*" >&2; }
# shellcheck source=../lib/private-apt.sh
. "$project/scripts/lib/private-apt.sh"

# Packages of the closure this build uses: the toolchain and the Go source packages.
wanted() { grep -E '^golang-(go|src|1\.[0-9]+-(go|src))$|^golang-.*-dev$'; }

# Resolves, downloads and unpacks into $root; the tree appears whole or not at all.
fetch() {
  local apt=$home/apt/$suite tmp= started=$SECONDS
  # (fetch runs as `fetch || exit 1`, where set -e is off: every step checks for itself.)
  failed() { say "$*"; rm -rf "$apt" ${tmp:+"$tmp"}; return 1; }
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 \
    || { say "needs apt-get and dpkg-deb (Debian's packages are the only source it uses)"; return 1; }
  # An empty dpkg status: apt resolves as for a machine with nothing installed, i.e. the whole closure.
  private_apt "$apt" "$suite" empty-status || { failed "cannot make a private apt state in $apt"; return 1; }
  local opts=("${PRIVATE_APT[@]}")
  say "resolving golang-go and golang-etcd-server-dev in Debian $suite (private apt state in $apt)"
  apt-get "${opts[@]}" update >/dev/null || { failed "apt-get update for $suite failed"; return 1; }
  # An empty status file: apt installs into an empty system, so this is the whole closure.
  apt-get "${opts[@]}" -s --no-install-recommends install golang-go golang-etcd-server-dev > "$apt/closure" \
    || { failed "apt cannot resolve golang-go golang-etcd-server-dev in $suite"; return 1; }
  sed -nE 's/^Inst ([^ ]+) \(([^ ]+) .*/\1 \2/p' "$apt/closure" > "$apt/all"
  cut -d' ' -f1 "$apt/all" | wanted > "$apt/names"
  say "closure: $(wc -l < "$apt/all") packages; fetching $(wc -l < "$apt/names") (the toolchain and golang-*-dev), skipping: $(cut -d' ' -f1 "$apt/all" | grep -vxFf "$apt/names" | paste -sd' ' -)"
  tmp=$(mktemp -d "$home/.fetch-$suite.XXXXXX")
  # name=version: exactly what was resolved.
  (cd "$tmp" && awk 'NR == FNR {want[$1]; next} $1 in want {print $1 "=" $2}' "$apt/names" "$apt/all" \
    | xargs apt-get "${opts[@]}" download >/dev/null) \
    || { failed "apt-get download from $suite failed"; return 1; }
  say "downloaded $(du -cb "$tmp"/*.deb | tail -n 1 | awk '{printf "%.0f MB", $1 / 1e6}') in $((SECONDS - started)) s; unpacking"
  mkdir "$tmp/root"
  local deb
  for deb in "$tmp"/*.deb; do
    dpkg-deb -x "$deb" "$tmp/root" || { failed "dpkg-deb -x $(basename "$deb") failed"; return 1; }
    printf '%s %s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" "$(stat -c %s "$deb")" >> "$tmp/root/PACKAGES"
  done
  # A symlink to an absolute path points into the system: point it into the tree (where the tree
  # will be) instead. (Debian's sid packages here had none.)
  local link target
  while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    case $target in /*) ln -sfn "$root$target" "$link" ;; esac
  done < <(find "$tmp/root" -type l -print0)
  rm -rf "${root:?}" && mv "$tmp/root" "$root" || { failed "could not move the tree to $root"; return 1; }
  rm -rf "$tmp" "$apt"
  say "unpacked $(wc -l < "$root/PACKAGES") packages into $root ($(du -sh "$root" | cut -f1)) in $((SECONDS - started)) s"
}

mkdir -p "$home" "$home/bin"
[ -f "$root/PACKAGES" ] || fetch || exit 1

goroot=$(readlink -f "$root/usr/lib/go")
[ -x "$goroot/bin/go" ] || { say "no Go toolchain in $root/usr/lib/go"; exit 1; }
[ -d "$root/usr/share/gocode/src/go.etcd.io/etcd/client" ] || { say "no go.etcd.io/etcd/client in $root/usr/share/gocode"; exit 1; }
if [ -x "$bin" ] && [ "$bin" -nt "$here/main.go" ] && [ "$bin" -nt "$here/build.sh" ] && [ "$bin" -nt "$root/PACKAGES" ]; then
  say "up to date: $bin"
else
  started=$SECONDS
  say "building with $goroot/bin/go in GOPATH mode (GOPATH=$home/gopath:$root/usr/share/gocode)"
  # Only the tree: no module download, no toolchain switch, no cgo (no C compiler or headers needed),
  # no user settings; the Go build cache and Go's own config (telemetry) stay in .gobench/.
  # main.go goes into a GOPATH of its own as package "gobench", next to a go.mod: GOPATH mode reads
  # an import path with /v3 as the one without (minimal module compatibility) only in a package that
  # is itself in a GOPATH and in a tree with a go.mod. GO111MODULE=off ignores that go.mod otherwise.
  rm -rf "$home/gopath" && mkdir -p "$home/gopath/src/gobench" && cp "$here/main.go" "$home/gopath/src/gobench/"
  echo "module gobench" > "$home/gopath/src/gobench/go.mod"
  env GOROOT="$goroot" GOPATH="$home/gopath:$root/usr/share/gocode" GO111MODULE=off GOFLAGS= \
    GOTOOLCHAIN=local GOPROXY=off GOWORK=off CGO_ENABLED=0 GOCACHE="$home/gocache" \
    XDG_CONFIG_HOME="$home/config" "$goroot/bin/go" build -o "$bin.tmp" gobench \
    || { rm -f "$bin.tmp"; say "go build failed"; exit 1; }
  mv "$bin.tmp" "$bin"
  say "built $bin in $((SECONDS - started)) s"
fi
pkg_version() { awk -v p="$1" '$1 == p {print $2}' "$root/PACKAGES"; }
say "built with $("$bin" -version) (Debian $suite: golang-etcd-server-dev $(pkg_version golang-etcd-server-dev), $(basename "$goroot" | sed 's/^go-/golang-/')-go $(pkg_version "$(basename "$goroot" | sed 's/^go-/golang-/')-go"))"
[ "$out" = "$bin" ] || cp "$bin" "$out"
echo "$out"
