package dev.etcdpoc.local;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The network between a local cluster's members, and between them and their clients, made of
 * loopback proxies ({@link LoopbackProxy}) that can black-hole what crosses them: a member cut off
 * from its peers (it runs, clients still reach it, it hears from no peer and no peer from it), or
 * the clients cut off from a member. etcd's own robustness tests put such a proxy in front of each
 * peer URL for the same reason: a partition, not a crash or a pause.
 *
 * <p>Every member advertises its peer proxy's URL, so every peer connection crosses the proxy of the
 * member it goes to; etcd's peer requests name their sender (header {@code X-Server-From}, the member
 * ID in hex), which tells the proxy whose traffic it carries: a connection between A and B is held while
 * A or B is cut off. Clients are given the client proxies' URLs.
 */
public final class Partitions implements AutoCloseable {
    private static final Pattern SERVER_FROM = Pattern.compile("(?im)^X-Server-From:\\s*([0-9a-f]+)\\s*$");
    private static final Pattern STREAM_FROM = Pattern.compile("^GET /raft/stream/\\w+/([0-9a-f]+) ");

    private final Object gate = new Object();
    private final Supplier<Map<String, Integer>> membersByHexId;
    private final List<LoopbackProxy> peerProxies;
    private final List<LoopbackProxy> clientProxies;
    // Guarded by gate.
    private final Set<Integer> cutFromPeers = new HashSet<>();
    private final Set<Integer> cutFromClients = new HashSet<>();
    private Map<String, Integer> members = Map.of();

    /**
     * @param peerPorts      the members' own peer ports, in member order
     * @param clientPorts    the members' own client ports
     * @param membersByHexId each member's ID in hex to its index, asked of the cluster once it runs
     */
    Partitions(int[] peerPorts, int[] clientPorts, Supplier<Map<String, Integer>> membersByHexId) {
        this.membersByHexId = membersByHexId;
        this.peerProxies = IntStream.range(0, peerPorts.length)
            .mapToObj(i -> new LoopbackProxy(peerPorts[i], Partitions::sender, from -> peerLinkCut(i, from), gate))
            .collect(Collectors.toList());
        this.clientProxies = IntStream.range(0, clientPorts.length)
            .mapToObj(i -> new LoopbackProxy(clientPorts[i], null, from -> clientsCut(i), gate))
            .collect(Collectors.toList());
    }

    /** The port member {@code index} advertises to its peers. */
    int peerPort(int index) {
        return peerProxies.get(index).port();
    }

    /** The port clients reach member {@code index} at. */
    int clientPort(int index) {
        return clientProxies.get(index).port();
    }

    /** Cuts member {@code index} off from every peer, both ways; its clients still reach it. */
    public void cutOff(int index) {
        Map<String, Integer> known = membersByHexId.get();
        synchronized (gate) {
            members = known;
            cutFromPeers.add(index);
            gate.notifyAll();
        }
    }

    /** Cuts the clients off from member {@code index}; its peers still reach it. */
    public void cutFromClients(int index) {
        synchronized (gate) {
            cutFromClients.add(index);
            gate.notifyAll();
        }
    }

    /** Ends every cut: what was held is passed on. */
    public void heal() {
        synchronized (gate) {
            cutFromPeers.clear();
            cutFromClients.clear();
            gate.notifyAll();
        }
    }

    /** Which members are cut off from their peers now. */
    public Set<Integer> cutOff() {
        synchronized (gate) {
            return Set.copyOf(cutFromPeers);
        }
    }

    /** Called holding the gate: a peer connection to member {@code to} from the member with ID {@code from}. */
    private boolean peerLinkCut(int to, String from) {
        Integer sender = from == null ? null : members.get(from);
        return cutFromPeers.contains(to) || sender != null && cutFromPeers.contains(sender);
    }

    private boolean clientsCut(int member) {
        return cutFromClients.contains(member);
    }

    /** The sending member's ID in hex, from the head of an etcd peer request, or null. */
    private static String sender(String head) {
        Matcher header = SERVER_FROM.matcher(head);
        if (header.find()) {
            return header.group(1);
        }
        Matcher stream = STREAM_FROM.matcher(head);
        return stream.find() ? stream.group(1) : null;
    }

    @Override
    public void close() {
        peerProxies.forEach(LoopbackProxy::close);
        clientProxies.forEach(LoopbackProxy::close);
    }
}
