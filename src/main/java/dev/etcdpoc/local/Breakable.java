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

    /** SIGSTOP, as a long GC pause or a stuck disk would: its connections stay open, nothing answers. */
    void freeze(int member);

    /** SIGCONT: a frozen member runs on, and handles what waited in its sockets meanwhile. */
    void thaw(int member);

    /** Cuts the member off from the other members (both ways) while its clients still reach it. */
    void cutOff(int member);

    /** Ends every cut. */
    void heal();
}
