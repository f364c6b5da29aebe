package dev.etcdpoc.checkrun;

import dev.etcdpoc.local.Breakable;
import java.util.List;

/**
 * A fault a run injects into one member of its cluster (an etcd's, or a Redis's: {@link Breakable}), and how it ends. Each kind is what a
 * member goes through in production: a crash (killed, restarted on its data), a pause (frozen, as by a
 * long GC pause or a stuck disk: its connections stay open and take requests it does not answer,
 * then thawed: it handles them late), a partition (cut off from its peers, its clients still reach it;
 * then healed).
 */
public enum Fault {
    LEADER_KILLED(true, "killed (SIGKILL)", "restarted"),
    LEADER_FROZEN(true, "frozen (SIGSTOP)", "thawed (SIGCONT)"),
    LEADER_CUT_OFF(true, "cut off from its peers", "healed"),
    FOLLOWER_CUT_OFF(false, "cut off from its peers", "healed"),
    FOLLOWER_FROZEN(false, "frozen (SIGSTOP)", "thawed (SIGCONT)");

    /** The order the run injects them in, round and round: every kind in five faults, the leader in three of them. */
    static final List<Fault> SCHEDULE = List.of(values());

    private final boolean hitsLeader;
    private final String injected;
    private final String ended;

    Fault(boolean hitsLeader, String injected, String ended) {
        this.hitsLeader = hitsLeader;
        this.injected = injected;
        this.ended = ended;
    }

    /** The {@code n}-th fault of a run (from 0). */
    public static Fault nth(int n) {
        return SCHEDULE.get(n % SCHEDULE.size());
    }

    /** The member it hits, given who leads: the leader, or the member after it. */
    public int target(int leader, int members) {
        return hitsLeader ? leader : (leader + 1) % members;
    }

    public boolean hitsLeader() {
        return hitsLeader;
    }

    public void inject(Breakable cluster, int member) {
        switch (this) {
            case LEADER_KILLED -> cluster.kill(member);
            case LEADER_FROZEN, FOLLOWER_FROZEN -> cluster.freeze(member);
            case LEADER_CUT_OFF, FOLLOWER_CUT_OFF -> cluster.cutOff(member);
        }
    }

    public void end(Breakable cluster, int member) {
        switch (this) {
            case LEADER_KILLED -> cluster.restart(member);
            case LEADER_FROZEN, FOLLOWER_FROZEN -> cluster.thaw(member);
            case LEADER_CUT_OFF, FOLLOWER_CUT_OFF -> cluster.heal();
        }
    }

    /** "killed (SIGKILL)", "cut off from its peers", ... */
    public String injectedText() {
        return injected;
    }

    /** "restarted", "thawed (SIGCONT)", "healed". */
    public String endedText() {
        return ended;
    }
}
