package dev.etcdpoc.versus;

/**
 * One client of the register workload, on either system: one call at a time, each recorded with when it
 * was sent, when its answer came and what it was, each one attempt. Every value it writes is its own and
 * written once ("c3.17": client 3's 17th), so a read tells which write it saw.
 */
interface RegisterClient {
    void get(String key);

    /** Writes a new value. */
    void set(String key);

    /** Writes a new value if the key is as this client last saw it (etcd: its mod revision; Redis: its value). */
    void compareAndSet(String key);

    void delete(String key);
}
