#!/usr/bin/env bash
# Makes the demo start faster and in less memory, from training runs of the default sections with the
# PATH's java, each against an etcd of its own: one the run starts itself (--local-cluster 1, the path
# of a plain `java -jar target/poc.jar` that finds no etcd), and one this script starts on free
# loopback ports and stops by PID (--endpoints, the path of a run against your etcd: its turn, the
# check for existing keys). It never touches an etcd you run.
#
#  1. META-INF/poc/preload-classes.txt, added to the jar: the classes the runs load from the jar and
#     from the JDK (beyond the JDK's own class-data-sharing archive), in the order they load them.
#     ClassPreload loads them ahead on a second thread in every run, `java -jar` included. A JDK 24+
#     keeps a list the jar already has: changing the jar would void the archive another JDK made for it.
#  2. For scripts/poc, with its JVM flags (scripts/lib/poc-jvm.sh), from the jar as it then is (the
#     JVM ignores an archive whose jar has changed since):
#     - before JDK 24: ARCHIVE (target/poc.jsa), one class-data-sharing archive of every class both
#       runs loaded, the JDK's included (-Xshare:dump from their class lists), in place of the JDK's
#       own: the JVM maps them instead of loading, verifying and linking them again. A static archive,
#       not one written at exit (-XX:ArchiveClassesAtExit): JDK 17 leaves classes compiled for Java 5
#       out of those, and picocli's 174 are.
#     - JDK 24 and later: AOT (default: the archive's name with .aot), an ahead-of-time cache (JEP
#       483): the --endpoints run's classes loaded and linked ahead, recorded in one run and written
#       in a second.
#     Made by one JDK build, each is used by that build alone: to have both, run this once with each
#     JDK first on the PATH (PATH=/path/to/jdk-25/bin:$PATH scripts/train-startup.sh).
#  3. ARCHIVE.launch next to it: the JDK that made it and the JVM options of a demo run with it, with
#     which a plain `java -jar` on that JDK starts the demo again (ArchiveRelaunch).
#
# No etcd binary, or a failed training run: the jar stays as it was and there is no archive; the
# demo works the same, only slower to start. `mvn package` runs this after building the jar
# (about 10 s; -Dcds.skip skips it).
# Usage: scripts/train-startup.sh [JAR] [ARCHIVE] [AOT]    (default target/poc.jar, target/poc.jsa, target/poc.aot)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${1:-$here/../target/poc.jar}
# Absolute, as scripts/poc names it: an archive remembers the path of the jar it was made from.
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
jsa=${2:-${jar%.jar}.jsa}
aot=${3:-${jsa%.jsa}.aot}
say() { echo "train-startup: $*" >&2; }
# shellcheck source=lib/local-etcd.sh
. "$here/lib/local-etcd.sh"
# shellcheck source=lib/poc-jvm.sh
. "$here/lib/poc-jvm.sh"
if [ "$POC_JAVA_FEATURE" -ge 24 ]; then archive=$aot; else archive=$jsa; fi
rm -f "$archive" "$archive.launch"
if [ -z "$LOCAL_ETCD_BIN" ] || [ -z "$LOCAL_ETCDCTL_BIN" ]; then
  say "no etcd or etcdctl: the jar starts without a head start, and there is no $archive (scripts/install-etcd.sh fetches both)"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/train-startup.XXXXXX")
trap 'local_etcd_stop; rm -rf "$work"' EXIT
if ! local_etcd_start; then
  say "could not start a throwaway etcd: the jar starts without a head start, and there is no $archive"
  exit 0
fi

# A training run: without the caller's ETCD_* settings (credentials, TLS files), which are for another
# etcd, and with ETCD_BINARY the etcd this script found, for a run that starts its own; its notices and
# errors kept, and shown when it fails.
# shellcheck disable=SC2207 # one -u NAME per variable
not_etcd_settings=($(env | sed -n 's/^\(ETCD_[A-Za-z0-9_]*\)=.*/-u \1/p'))
run() {
  env "${not_etcd_settings[@]}" ETCD_BINARY="$LOCAL_ETCD_BIN" java "${POC_DEMO_FLAGS[@]}" "$@" > /dev/null 2> "$work/stderr" \
    || { say "a training run failed: java $*"; sed 's/^/  | /' "$work/stderr" >&2; return 1; }
}

# 1. Loaded from the jar or the JDK's modules: not the JDK's archived classes (already mapped), not
# the classes the JVM spins at run time (lambdas, method handles), which no class loader can find.
# The default run's first, then what the other run adds. The same two runs write the class lists of 2.
list=META-INF/poc/preload-classes.txt
mkdir -p "$work/${list%/*}"
trained=
# grep without -q: it reads the whole listing, so jar is not cut off by a closed pipe (pipefail).
if [ "$archive" = "$aot" ] && jar --list --file "$jar" | grep -xF "$list" > /dev/null; then
  say "kept the $list $(basename "$jar") has"
elif run -Xlog:class+load=info:file="$work/own-etcd.log" -XX:DumpLoadedClassList="$work/own-etcd.classlist" \
       -jar "$jar" --local-cluster 1 \
    && run -Xlog:class+load=info:file="$work/your-etcd.log" -XX:DumpLoadedClassList="$work/your-etcd.classlist" \
       -jar "$jar" --endpoints "$LOCAL_ETCD_URL"; then
  trained=1
  cat "$work/own-etcd.log" "$work/your-etcd.log" | sed -nE 's/.* ([^ ]+) source: (file:|jrt:).*/\1/p' \
    | awk '!seen[$0]++' > "$work/$list"
  jar --update --file "$jar" -C "$work" "$list"
  say "added $list to $(basename "$jar") ($(wc -l < "$work/$list") classes)"
else
  say "the jar starts without a head start"
fi

# 2. A JDK that cannot make one makes no archive instead of failing the build (a failed step leaves none).
if [ "$archive" = "$aot" ]; then
  run -XX:AOTMode=record -XX:AOTConfiguration="$work/poc.aotconf" "${POC_ARCHIVE_QUIET[@]}" \
      -jar "$jar" --endpoints "$LOCAL_ETCD_URL" \
    && run -XX:AOTMode=create -XX:AOTConfiguration="$work/poc.aotconf" -XX:AOTCache="$aot" "${POC_ARCHIVE_QUIET[@]}" \
      -cp "$jar" \
    || rm -f "$aot"
elif [ -n "$trained" ]; then
  # Each class once: the same lambda listed twice made JDK 17's dump crash.
  cat "$work/own-etcd.classlist" "$work/your-etcd.classlist" | awk '!seen[$0]++' > "$work/poc.classlist"
  run -Xshare:dump -XX:SharedClassListFile="$work/poc.classlist" -XX:SharedArchiveFile="$jsa" "${POC_ARCHIVE_QUIET[@]}" \
      -cp "$jar" \
    || rm -f "$jsa"
fi
if [ -f "$archive" ]; then
  say "wrote $archive ($(du -h "$archive" | cut -f1))"
  # 3. For a plain `java -jar` on this JDK (ArchiveRelaunch): which JDK made the archive, and the JVM
  # options scripts/poc would start a demo run with.
  poc_archive_flags "$archive"
  { echo "# $(basename "$jar") started with $(basename "$archive"), by the JDK that made it (scripts/train-startup.sh)"
    echo "java.home=$POC_JAVA_HOME"
    echo "archive=$(basename "$archive")"
    printf '%s\n' "${POC_ARCHIVE_FLAGS[@]}" "${POC_DEMO_FLAGS[@]}"
  } > "$archive.launch"
else
  say "no $archive (scripts/poc works without it)"
fi
exit 0
