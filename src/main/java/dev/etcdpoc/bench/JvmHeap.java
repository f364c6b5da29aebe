package dev.etcdpoc.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * How this JVM's heap is set up, printed with every result because the figures depend on it. A
 * heap that starts small and grows hands the client fresh memory for seconds, and each new page
 * costs a page fault: BENCHMARKS.md measured up to 2x the CPU per request at 256 in flight. A
 * fixed heap touched up front (-Xms = -Xmx, -XX:+AlwaysPreTouch; scripts/poc sets them for bench)
 * measures the client instead of the kernel.
 */
record JvmHeap(long initialBytes, long maxBytes, boolean touchedUpFront) {
    private static final long MB = 1024 * 1024;

    static JvmHeap current() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean preTouch = hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("AlwaysPreTouch").getValue());
        return new JvmHeap(heap.getInit(), heap.getMax(), preTouch);
    }

    /** The parallel collector reports its maximum without one survivor space: under the initial size. */
    boolean fixed() {
        return initialBytes >= maxBytes && touchedUpFront;
    }

    String describe() {
        return fixed()
            ? maxBytes / MB + " MB, fixed and touched up front"
            : initialBytes / MB + " MB growing up to " + maxBytes / MB + " MB: fresh pages cost page faults while it grows "
                + "(scripts/poc bench fixes the heap; see BENCHMARKS.md)";
    }
}
