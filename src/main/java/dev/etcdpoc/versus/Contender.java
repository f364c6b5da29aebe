package dev.etcdpoc.versus;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.local.Breakable;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One system under the versus run's clients and faults — a 3-member etcd, or Redis with its Sentinels —
 * started on loopback by its constructor, stopped and deleted by {@link #close()}.
 */
interface Contender extends AutoCloseable {
    /** Its column in the table: "etcd", "Redis", "hardened Redis". */
    String label();

    /** One line naming what runs: version, members. */
    String title();

    /** Its settings that bear on what the run shows, one line each. */
    List<String> settings();

    /** What the faults hit. */
    Breakable cluster();

    /** What to call the member everyone follows, and the others: leader/follower, primary/replica. */
    String leaderWord();

    String followerWord();

    int size();

    String name(int member);

    /** The member that leads now, waited for. */
    int leader();

    /** Waits until the others follow a member other than {@code old}: an election, a failover. */
    int awaitNewLeader(int old);

    /** Waits until every member is up and following the leader again. */
    void awaitWhole();

    /** A register client numbered {@code id}, recording its calls. */
    RegisterClient client(int id);

    /** A lock worker numbered {@code id}, logging to {@code log}. */
    LockWorker worker(int id, LockLog log);

    /** After the clients stopped: reads every one of {@code keys}, recorded as the final state. */
    void readFinalState(Collection<String> keys);

    /** Every register call, the final reads included. */
    List<RegisterCall> calls();

    /** The final read of each key. */
    Map<String, RegisterCall> finalReads();

    /** Every register call, the final reads included, in the checker's types: etcd's with their revisions. */
    List<Operation> operations();

    /** What the checker holds {@link #operations()} to: etcd's revisions, or a register without them. */
    Model model();

    @Override
    void close();
}
