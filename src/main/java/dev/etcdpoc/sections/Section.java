package dev.etcdpoc.sections;

/**
 * One demo section: a self-contained recipe that writes its story to {@link SectionContext#out()}.
 * A section never parses options, never exits the JVM and leaves etcd as it found it.
 */
public interface Section {
    /** The name used on the command line, e.g. "crud". */
    String name();

    /** The heading printed as "--- title ---". */
    String title();

    /** One line for --list. */
    String summary();

    void run(SectionContext ctx) throws InterruptedException;

    /** False for a section that needs a specially configured etcd, so {@code all} leaves it out. */
    default boolean runsOnAnyEtcd() {
        return true;
    }

    /** True for a section that starts and breaks its own throwaway cluster instead of using the demo's etcd. */
    default boolean startsOwnCluster() {
        return false;
    }
}
