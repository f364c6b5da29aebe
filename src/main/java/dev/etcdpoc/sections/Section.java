package dev.etcdpoc.sections;

import java.util.List;

/**
 * One demo section: a self-contained recipe that writes its story to {@link SectionContext#out()}.
 * A section never parses options, never exits the JVM, and writes, changes and deletes only keys
 * it created: the etcd may be shared with other people.
 */
public interface Section {
    void run(SectionContext ctx) throws InterruptedException;

    /**
     * The keys this section writes on the demo's etcd; a name ending in "/" stands for every key
     * under it. Before a run, any of them that already exists is someone else's data, and the run
     * refuses to start rather than overwrite or delete it.
     */
    List<String> keys();
}
