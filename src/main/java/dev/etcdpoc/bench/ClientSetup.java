package dev.etcdpoc.bench;

/**
 * Which client set-up a run measures, as each result names it.
 *
 * @param tuned     the tuned set-up ({@code ClientFactory.withTuning()}), else the demo's safe one
 * @param ioThreads tuned: its I/O threads, each an event loop with a connection of its own ({@link BenchClients});
 *                  safe: 0, for jetcd's own thread pools on one connection
 */
record ClientSetup(boolean tuned, int ioThreads) {
    static ClientSetup safe() {
        return new ClientSetup(false, 0);
    }

    static ClientSetup tuned(int ioThreads) {
        return new ClientSetup(true, ioThreads);
    }

    /** How many jetcd clients, each its own connection to etcd, the requests are dealt among. */
    int connections() {
        return tuned ? ioThreads : 1;
    }

    String label() {
        return tuned ? "tuned" : "safe";
    }

    String describe() {
        return tuned ? "tuned client with " + ioThreads + (ioThreads == 1 ? " I/O thread" : " I/O threads")
            : "safe client (jetcd's own threads)";
    }
}
