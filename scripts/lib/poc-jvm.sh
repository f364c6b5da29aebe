# Sourced by scripts/poc and scripts/train-startup.sh: the JVM a demo run gets, so that the training
# runs use the flags the runs they train for use (an ahead-of-time cache is checked against them).
#
#   POC_JAVA_HOME             the home of the PATH's java (its java.home); empty when there is none
#   POC_JAVA_FEATURE          its feature version (17, 25), read from its release file without starting
#                             a JVM; 0 when it cannot tell
#   POC_ARCHIVE_QUIET         flags that keep the JVM quiet about an archive or cache it cannot use
#   POC_DEMO_FLAGS            the flags of a demo run (an array), archive not included
#   POC_BENCH_FLAGS           the flags of `poc bench`
#   poc_archive_flags FILE    sets POC_ARCHIVE_FLAGS to the flags that start the JVM with FILE, a poc.jsa
#                             (class-data sharing, before JDK 24) or a poc.aot (ahead-of-time cache)

POC_JAVA_HOME=
if poc_java=$(command -v java); then
  POC_JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$poc_java")")")
fi
unset poc_java
POC_JAVA_FEATURE=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$POC_JAVA_HOME/release" 2>/dev/null || true)
POC_JAVA_FEATURE=${POC_JAVA_FEATURE:-0}

# JDK 25 says it under the tag aot, which earlier JDKs refuse as unknown.
POC_ARCHIVE_QUIET=('-Xlog:cds*=off')
if [ "$POC_JAVA_FEATURE" -ge 25 ]; then
  POC_ARCHIVE_QUIET+=('-Xlog:aot*=off')
fi

poc_archive_flags() {
  case $1 in
    *.aot) POC_ARCHIVE_FLAGS=("-XX:AOTCache=$1") ;;
    *) POC_ARCHIVE_FLAGS=("-XX:SharedArchiveFile=$1" -Xshare:auto) ;;
  esac
  POC_ARCHIVE_FLAGS+=("${POC_ARCHIVE_QUIET[@]}")
}

# - C1 only (-XX:TieredStopAtLevel=1), on one compiler thread: a demo run lasts a second or two, too
#   short for C2 to pay back its compile time, and on a 2-core machine the other core is better spent
#   on the run.
# - The serial collector: no GC threads to start for a small, short-lived heap.
# - A 4 MiB young generation in a 12 MiB heap (-Xmn4m -Xms12m; the heap may still grow): the live data
#   of a run stays under 10 MiB, and by default the young generation is a third of 1/64 of the machine's
#   memory (126 MiB on 24 GiB), so every object the run allocates lands on a page never touched before
#   and stays resident. A small one is collected a few times instead (~1-5 ms each) and its pages reused.
# - No perf-data file (-XX:-UsePerfData): jstat cannot see the run.
POC_DEMO_FLAGS=(-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:+UseSerialGC -Xmn4m -Xms12m -XX:-UsePerfData)

# A fixed 1 GB heap touched up front and the parallel collector, so the timed part measures the client,
# not the kernel handing a growing heap fresh pages (BENCHMARKS.md).
POC_BENCH_FLAGS=(-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch)
