#!/usr/bin/env bash
# install-redis.sh - a Redis server for the versus section and its tests, in the project's own folder
# .redis/ (gitignored), without installing anything system-wide.
#
#   scripts/install-redis.sh      Debian bookworm's Redis 7.0: .redis/bin/redis-server
#
# Prints the redis-server's path on stdout. `mvn verify` runs it first (skip with -Dredis.install.skip).
# It does nothing when .redis/bin/redis-server runs, or when REDIS_BINARY names a binary.
#
# How: Debian's redis-server and redis-tools packages (redis-tools holds the one binary,
# redis-check-rdb; redis-server is a symlink to it, and `redis-server FILE --sentinel` runs a Sentinel)
# and the two libraries the machine lacks (liblzf1, libjemalloc2), fetched with apt-get through a
# private sources file, package lists and cache under .redis/apt/, so the machine's apt sources and
# state are left alone, then unpacked with dpkg-deb -x. .redis/bin/redis-server is a small wrapper that
# points LD_LIBRARY_PATH at the unpacked libraries. Needs no root.
#
# Why bookworm's 7.0.15: the newer suites' builds need a newer C library than bookworm's 2.36 (trixie's
# Redis 8.0.2 and sid's Valkey 9.1.2 need glibc 2.38, sid's Redis 8.0.6 needs 2.43), and their libssl3t64.
#
# On a machine without apt-get it says what to do and exits 0; the versus section then says the same.
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
home=$project/.redis
suite=bookworm
say() { echo "install-redis: $*" >&2; }
# shellcheck source=lib/private-apt.sh
. "$project/scripts/lib/private-apt.sh"

# "7.0.15" from `redis-server --version`, or nothing when it does not run.
version_of() { "$1" --version 2>/dev/null | sed -n 's/^Redis server v=\([^ ]*\).*/\1/p'; }

if [ -n "${REDIS_BINARY:-}" ]; then
  echo "$REDIS_BINARY"
  exit 0
fi
if [ -n "$(version_of "$home/bin/redis-server")" ]; then
  echo "$home/bin/redis-server"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  say "no apt-get here: install Redis 7 yourself and set REDIS_BINARY=/path/to/redis-server"
  exit 0
fi

mkdir -p "$home"
apt=$home/apt
private_apt "$apt" "$suite" || { say "cannot make a private apt state in $apt"; exit 0; }
opts=("${PRIVATE_APT[@]}")
say "fetching redis-server, redis-tools, liblzf1 and libjemalloc2 from Debian $suite into $home/$suite (private apt state in $apt)"
if ! apt-get "${opts[@]}" update >/dev/null; then
  say "apt-get update for $suite failed; the versus section needs a redis-server (REDIS_BINARY=/path/to/redis-server)"
  exit 0
fi
tmp=$(mktemp -d "$home/.fetch.XXXXXX")
if ! (cd "$tmp" && apt-get "${opts[@]}" download redis-server redis-tools liblzf1 libjemalloc2 >/dev/null); then
  say "apt-get download from $suite failed; the versus section needs a redis-server (REDIS_BINARY=/path/to/redis-server)"
  rm -rf "$tmp"
  exit 0
fi
mkdir "$tmp/root"
for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
# Whole or not at all: an interrupted run leaves no half-unpacked release behind.
rm -rf "${home:?}/$suite" && mv "$tmp/root" "$home/$suite"
rm -rf "$tmp" "$apt"
mkdir -p "$home/bin"
cat > "$home/bin/redis-server" <<'WRAPPER'
#!/bin/sh
# Debian bookworm's redis-server, unpacked by scripts/install-redis.sh, with the two libraries it brought.
root=$(cd "$(dirname "$0")/../bookworm" && pwd)
LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$root/usr/bin/redis-server" "$@"
WRAPPER
chmod +x "$home/bin/redis-server"
version=$(version_of "$home/bin/redis-server")
if [ -z "$version" ]; then
  say "the unpacked redis-server does not run here; its libraries as ldd sees them:"
  LD_LIBRARY_PATH="$home/$suite/usr/lib/x86_64-linux-gnu" ldd "$home/$suite/usr/bin/redis-check-rdb" >&2 || true
  exit 0
fi
say "Redis $version in $home/bin/redis-server"
echo "$home/bin/redis-server"
