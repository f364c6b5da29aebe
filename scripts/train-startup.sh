#!/usr/bin/env bash
# Makes the demo start faster, from training runs of the default demo against a throwaway etcd this
# script starts on free loopback ports and stops by PID (it never touches an etcd you run):
#
#  1. META-INF/poc/preload-classes.txt, added to the jar: the classes a run loads from the jar and
#     from the JDK (beyond the JDK's own class-data-sharing archive), in the order it loads them.
#     ClassPreload loads them ahead on a second thread in every run, `java -jar` included.
#  2. ARCHIVE (target/poc.jsa): a class-data-sharing archive of the classes a run loads, for
#     scripts/poc: the JVM maps them instead of loading, verifying and linking them again. Made
#     after 1, from the jar as it then is: the JVM ignores an archive whose jar has changed since.
#
# No etcd binary, or a failed training run: the jar stays as it was and there is no archive; the
# demo works the same, only slower to start. `mvn package` runs this after building the jar
# (about 6 s; -Dcds.skip skips it).
# Usage: scripts/train-startup.sh [JAR] [ARCHIVE]    (default target/poc.jar, target/poc.jsa)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${1:-$here/../target/poc.jar}
jsa=${2:-${jar%.jar}.jsa}
rm -f "$jsa"
say() { echo "train-startup: $*" >&2; }
# shellcheck source=lib/local-etcd.sh
. "$here/lib/local-etcd.sh"
if [ -z "$LOCAL_ETCD_BIN" ] || [ -z "$LOCAL_ETCDCTL_BIN" ]; then
  say "no etcd or etcdctl: the jar starts without a head start, and there is no $jsa (scripts/install-etcd.sh fetches both)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/train-startup.XXXXXX")
trap 'local_etcd_stop; rm -rf "$work"' EXIT
if ! local_etcd_start; then
  say "could not start a throwaway etcd: the jar starts without a head start, and there is no $jsa"
  exit 0
fi

# 1. Loaded from the jar or the JDK's modules: not the JDK's archived classes (already mapped), not
# the classes the JVM spins at run time (lambdas, method handles), which no class loader can find.
list=META-INF/poc/preload-classes.txt
mkdir -p "$work/${list%/*}"
if java -Xlog:class+load=info:file="$work/classes.log" -jar "$jar" --endpoints "$LOCAL_ETCD_URL" > /dev/null; then
  sed -nE 's/.* ([^ ]+) source: (file:|jrt:).*/\1/p' "$work/classes.log" > "$work/$list"
  jar --update --file "$jar" -C "$work" "$list"
  say "added $list to $(basename "$jar") ($(wc -l < "$work/$list") classes)"
else
  say "the training run failed; the jar starts without a head start"
fi

# 2. -Xshare:auto: a JDK without CDS support makes no archive instead of failing the build.
if ! java -Xshare:auto -XX:ArchiveClassesAtExit="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -jar "$jar" --endpoints "$LOCAL_ETCD_URL" > /dev/null; then
  say "the training run failed; no $jsa (scripts/poc works without it)"
  rm -f "$jsa"
fi
[ -f "$jsa" ] && say "wrote $jsa ($(du -h "$jsa" | cut -f1))"
exit 0
