package dev.etcdpoc;

/**
 * Netty's and gRPC's settings for this process, as system properties: they are read once, when
 * their classes initialize, so they are set from the first line of {@code main}. A property given
 * on the command line ({@code -Dname=value}) is left as it is.
 */
final class NettyProperties {
    private NettyProperties() {
    }

    /**
     * @param benchmark the run is {@code poc bench}, which measures throughput and keeps Netty's
     *                  pooled buffers
     */
    static void set(boolean benchmark) {
        // Netty 4.2 reports its buffer allocations as JFR events, and finding out whether anyone
        // records them loads the JFR module: ~90 ms on the first request's path. Nobody records them here.
        setUnlessGiven("io.netty.jfr.enabled", "false");
        if (!benchmark) {
            // A demo run sends a few dozen small requests. gRPC's pooled allocator takes a 2 MiB chunk
            // of native memory for every I/O thread that writes (seen: four of them, 8 MiB, all
            // resident, a tenth of the run's memory); pooling pays off only at thousands of requests
            // a second. Unpooled buffers are allocated and freed per message instead.
            setUnlessGiven("io.grpc.netty.useCustomAllocator", "false");
            setUnlessGiven("io.netty.allocator.type", "unpooled");
        }
    }

    private static void setUnlessGiven(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
