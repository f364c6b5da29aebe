package dev.etcdpoc.local;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a local member says about itself over plain HTTP (its /health, and etcd's JSON gateway on its own
 * client port): whether it is healthy, which member it is and which leader it follows, and the members
 * it knows. A member that does not answer (yet) says nothing.
 */
final class MemberProbe {
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"(\\d+)\"");
    private static final Pattern LEADER_ID = Pattern.compile("\"leader\":\"(\\d+)\"");
    private static final Pattern MEMBER = Pattern.compile("\\{\"ID\":\"(\\d+)\",\\s*\"name\":\"m(\\d+)\"");

    /** Its own ID and the ID of the leader it follows ("0": none), as etcd's status names them. */
    record Status(String self, String leader) {
    }

    /** /health says true: the member has a leader and a quorum read succeeded. */
    boolean healthy(LocalMember m) {
        return PlainHttp.get(m.metricsUrl() + "/health").contains("\"health\":\"true\"");
    }

    Optional<Status> status(LocalMember m) {
        String body = post(m, "/v3/maintenance/status");
        String self = find(MEMBER_ID, body);
        String leader = find(LEADER_ID, body);
        return self == null || leader == null ? Optional.empty() : Optional.of(new Status(self, leader));
    }

    /** Each member's ID in hex (as etcd's peer requests name their sender) to its index, as {@code m} lists them. */
    Map<String, Integer> membersByHexId(LocalMember m) {
        Map<String, Integer> ids = new HashMap<>();
        Matcher found = MEMBER.matcher(post(m, "/v3/cluster/member/list"));
        while (found.find()) {
            ids.put(Long.toHexString(Long.parseUnsignedLong(found.group(1))), Integer.parseInt(found.group(2)));
        }
        return ids;
    }

    /** The body, or "" when the member does not answer (yet). */
    private static String post(LocalMember m, String path) {
        return PlainHttp.post(m.ownClientUrl() + path, "{}");
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
