package dev.etcdpoc.local;

/**
 * A throwaway cluster whose members a fault schedule may break, one at a time, by index: the same
 * faults for an etcd ({@link LocalEtcd}) and a Redis with Sentinels ({@link LocalRedis}).
 */
public interface Breakable {
    /** SIGKILL, as a crash or a pulled plug would: no goodbye to the others. */
    void kill(int member);

    /** Starts a killed member again, on its old data and ports. */
    void restart(int member);

    /** The member's process id. */
    long pid(int member);

    /**
     * SIGSTOP, as a long GC pause or a stuck disk would stop it: its connections stay open and take what
     * is sent, but nothing answers. {@link #thaw} lets it run again; a kill ends it as it is (SIGKILL stops
     * a stopped process too).
     */
    default void freeze(int member) {
        ProcessSignals.send(pid(member), "STOP");
    }

    /** SIGCONT: a frozen member runs on, and handles what waited in its sockets meanwhile. */
    default void thaw(int member) {
        ProcessSignals.send(pid(member), "CONT");
    }

    /** Cuts the member off from the other members (both ways) while its clients still reach it. */
    void cutOff(int member);

    /** Ends every cut. */
    void heal();
}
