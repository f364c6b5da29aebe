package dev.etcdpoc.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** What this JVM spent: CPU time of every thread (JIT and GC included), and time spent compiling. */
final class ProcessCpu {
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private ProcessCpu() {
    }

    /** CPU time of the whole process, as the OS counts it. */
    static long nanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * Milliseconds the JIT compilers have spent so far. Compilation during the timed part shows
     * that the warm-up was too short: its CPU time is in the measurement.
     */
    static long jitMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }
}
