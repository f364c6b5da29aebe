package dev.etcdpoc.connect;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Why a request got no answer, asked of each member before the words are chosen: a request that
 * timed out looks the same from the client whether etcd is frozen, has lost its quorum, or the
 * deadline was just too short. Each member is asked, with a bounded deadline of its own, for its
 * status (answered from the member's own state, no quorum needed: it names the leader it follows,
 * or none) and then for a quorum read (linearizable, so it needs a working leader and majority).
 * Credentials are left out: authenticating is itself a request that needs a quorum.
 */
final class Diagnosis {
    private static final Duration PROBE = SkipSilentMembers.STATUS_PROBE;

    private Diagnosis() {
    }

    /** What one member said when asked. */
    private enum State { REFUSED, SILENT, NO_LEADER, NO_QUORUM, HEALTHY, UNKNOWN }

    private record Member(URI uri, State state) {
    }

    /** The words to add after a request that got no answer, or that etcd refused for want of a leader. */
    static String of(Endpoints endpoints, ClientFactory clients) {
        Duration timeout = clients.timeout();
        ClientFactory asking = clients.as(null).withTimeout(PROBE);
        List<Member> members = askAll(endpoints.uris(), asking, PROBE);
        if (timeout.compareTo(PROBE) < 0) {
            members = askSilentOnceMore(members, asking);
        }
        int n = members.size();

        List<Member> leaderless = with(members, m -> m.state() == State.NO_LEADER || m.state() == State.NO_QUORUM);
        List<Member> refused = with(members, m -> m.state() == State.REFUSED);
        List<Member> healthy = with(members, m -> m.state() == State.HEALTHY);
        if (!leaderless.isEmpty()) {
            String without = "the member at " + urls(leaderless) + " answers but "
                + (leaderless.stream().allMatch(m -> m.state() == State.NO_LEADER) ? "has no leader" : "cannot reach its leader");
            // One member without a leader is not a cluster without a quorum: ask the members it knows of.
            if (healthy.isEmpty()) {
                healthy = with(askAll(othersListedBy(leaderless.get(0).uri(), endpoints, asking, PROBE), asking, PROBE),
                    m -> m.state() == State.HEALTHY);
            }
            if (!healthy.isEmpty()) {
                return ". " + capitalized(without) + ", while " + urls(healthy) + " (of the same cluster) answered a quorum read: "
                    + "etcd has a quorum, and the member at " + urls(leaderless) + " is cut off from it (a partition, or still "
                    + "rejoining). Give --endpoints every member ('etcdctl member list'), so that requests go around it.";
            }
            String down = refused.isEmpty() ? "" : "; " + refused.size() + " of the " + n + " members given refuse connections ("
                + urls(refused) + ")";
            return ". etcd has no quorum: " + without + down + "; a majority of the cluster's members is down or cut off, and etcd "
                + "takes no request that needs one until they are back (see 'etcdctl --endpoints " + endpoints
                + " endpoint status --cluster').";
        }
        if (n > 1 && refused.size() > n / 2) {
            return ". " + refused.size() + " of the " + n + " members given refuse connections (" + urls(refused)
                + "): without a majority etcd has no quorum; start them again.";
        }
        if (members.stream().allMatch(m -> m.state() == State.HEALTHY)) {
            if (timeout.compareTo(PROBE) < 0) {
                return ". etcd is healthy (it answered a quorum read within " + Durations.format(PROBE) + "), so a deadline of "
                    + Durations.format(timeout) + " is too short for it: give a longer --timeout, like 5s.";
            }
            return ". etcd answered a quorum read right after, so this looks passing (a leader election, a busy machine): "
                + "run again.";
        }
        List<Member> silent = with(members, m -> m.state() == State.SILENT);
        if (!silent.isEmpty()) {
            return ". Something at " + urls(silent) + " accepts connections but does not answer within " + Durations.format(PROBE)
                + ": a frozen etcd (stopped, a long GC pause, a stuck disk) or a program that is not etcd.";
        }
        return "";
    }

    /**
     * After a deadline shorter than the probe, the request's silence says little, and one probe can go unanswered
     * on a busy machine too (CI: a healthy etcd called frozen after --timeout 10ms, the test JVM beside another):
     * a member silent to it is asked once more before it is called frozen. With longer deadlines the request
     * itself already waited that long, and the bounded waits keep their one probe.
     */
    private static List<Member> askSilentOnceMore(List<Member> members, ClientFactory asking) {
        List<URI> silent = members.stream().filter(m -> m.state() == State.SILENT).map(Member::uri).collect(Collectors.toList());
        if (silent.isEmpty()) {
            return members;
        }
        List<Member> again = askAll(silent, asking, PROBE);
        return members.stream().map(m -> m.state() == State.SILENT ? again.get(silent.indexOf(m.uri())) : m).collect(Collectors.toList());
    }

    private static List<Member> askAll(List<URI> uris, ClientFactory asking, Duration probe) {
        List<CompletableFuture<Member>> asked = uris.stream()
            .map(uri -> CompletableFuture.supplyAsync(() -> ask(uri, asking, probe)))
            .collect(Collectors.toList());
        return asked.stream().map(CompletableFuture::join).collect(Collectors.toList());
    }

    /**
     * The client URLs of the cluster's members that {@code member} lists and were not given. A member
     * answers a member list from its own state, without a quorum (jetcd asks for a serializable list).
     */
    private static List<URI> othersListedBy(URI member, Endpoints given, ClientFactory asking, Duration probe) {
        try (Client client = asking.create(new Endpoints(List.of(member)))) {
            return within(client.getClusterClient().listMember(), probe).getMembers().stream()
                .flatMap(m -> m.getClientURIs().stream())
                .filter(uri -> !given.uris().contains(uri))
                .distinct().collect(Collectors.toList());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static Member ask(URI uri, ClientFactory asking, Duration probe) {
        Endpoints one = new Endpoints(List.of(uri));
        try (Client client = asking.create(one)) {
            StatusResponse status;
            try {
                status = within(client.getMaintenanceClient().statusMember(EndpointResolver.target(one)), probe);
            } catch (ExecutionException e) {
                return new Member(uri, Failures.isRefused(e.getCause()) ? State.REFUSED
                    : Failures.isNoAnswer(e.getCause()) ? State.SILENT : State.UNKNOWN);
            } catch (TimeoutException e) {
                return new Member(uri, State.SILENT);
            }
            if (status.getLeader() == 0) {
                return new Member(uri, State.NO_LEADER);
            }
            try {
                within(client.getKVClient().get(bytes("etcd-poc/probe"), GetOption.builder().withLimit(1).build()), probe);
                return new Member(uri, State.HEALTHY);
            } catch (ExecutionException e) {
                // Any other answer, even "permission denied" (etcd checks it after the read index), means a quorum works.
                return new Member(uri, Failures.isNoAnswer(e.getCause()) || Failures.isNoLeader(e.getCause())
                    ? State.NO_QUORUM : State.HEALTHY);
            } catch (TimeoutException e) {
                return new Member(uri, State.NO_QUORUM);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Member(uri, State.UNKNOWN);
        } catch (RuntimeException e) {
            return new Member(uri, State.UNKNOWN);
        }
    }

    /** A probe waits its own deadline once (Await allows a call several, for retries on other members). */
    private static <T> T within(CompletableFuture<T> call, Duration probe) throws ExecutionException, TimeoutException, InterruptedException {
        try {
            return call.get(probe.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            call.cancel(true);
        }
    }

    private static List<Member> with(List<Member> members, Predicate<Member> which) {
        return members.stream().filter(which).collect(Collectors.toList());
    }

    private static String urls(List<Member> members) {
        return members.stream().map(m -> m.uri().toString()).collect(Collectors.joining(", "));
    }
}
