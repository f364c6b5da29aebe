#!/usr/bin/env bash
# Makes target/poc.jsa: a class-data-sharing archive of the JDK, jetcd, gRPC and Netty classes a
# demo run loads, so scripts/poc starts faster (the JVM maps them instead of loading, verifying
# and linking them again). `mvn package` runs this after building the jar.
#
# The training run is the default demo against a throwaway etcd this script starts on free
# loopback ports and stops by PID; it never touches an etcd you run. No etcd binary: no archive,
# and scripts/poc simply runs without one. The archive belongs to this jar and this JDK: a
# rebuilt jar gets a new one, and scripts/poc ignores an archive older than the jar.
# Usage: scripts/cds-archive.sh [JAR] [ARCHIVE]    (default target/poc.jar, target/poc.jsa)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${1:-$here/../target/poc.jar}
jsa=${2:-${jar%.jar}.jsa}
rm -f "$jsa"
# shellcheck source=lib/local-etcd.sh
. "$here/lib/local-etcd.sh"
if [ -z "$LOCAL_ETCD_BIN" ] || [ -z "$LOCAL_ETCDCTL_BIN" ]; then
  echo "cds-archive: no etcd or etcdctl: no $jsa (scripts/poc works without it; scripts/install-etcd.sh fetches both)" >&2
  exit 0
fi
trap local_etcd_stop EXIT
if ! local_etcd_start; then
  echo "cds-archive: could not start a throwaway etcd; no $jsa (scripts/poc works without it)" >&2
  exit 0
fi
# -Xshare:auto: a JDK without CDS support makes no archive instead of failing the build.
if ! java -Xshare:auto -XX:ArchiveClassesAtExit="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -jar "$jar" --endpoints "$LOCAL_ETCD_URL" > /dev/null; then
  echo "cds-archive: the training run failed; no $jsa (scripts/poc works without it)" >&2
  rm -f "$jsa"
fi
[ -f "$jsa" ] && echo "cds-archive: wrote $jsa ($(du -h "$jsa" | cut -f1))"
exit 0
