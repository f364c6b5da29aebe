package dev.etcdpoc.connect;

import dev.etcdpoc.core.Endpoints;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Hands gRPC the members' addresses as the user wrote them, IPv6 literals included. jetcd's own
 * {@code ip:///host:port,...} target cannot carry one: {@code [::1]} is illegal in a URI path, and
 * its resolver splits each address at the first ':' (jetcd 0.8.7). Here the list travels quoted in
 * the target's path, and each member keeps its own {@code host:port} as authority ({@code [::1]:2379}
 * for IPv6), so gRPC checks each server's certificate against the host of its own URL, as before.
 */
final class EndpointResolver extends NameResolverProvider {
    private static final String SCHEME = "etcd-poc-endpoints";
    private static boolean registered;

    /** Makes {@link #SCHEME} known to gRPC, once per JVM. */
    static synchronized void register() {
        if (!registered) {
            NameResolverRegistry.getDefaultRegistry().register(new EndpointResolver());
            registered = true;
        }
    }

    /** The channel target for these endpoints, for {@code ClientBuilder.target}. */
    static String target(Endpoints endpoints) {
        String members = endpoints.uris().stream().map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(","));
        try {
            // The multi-argument constructor quotes what a path may not hold ('[' and ']').
            return new URI(SCHEME, "", "/" + members, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoints " + endpoints + " make no channel target", e);
        }
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null;
        }
        List<EquivalentAddressGroup> members = Arrays.stream(target.getPath().substring(1).split(","))
            .map(EndpointResolver::member)
            .collect(Collectors.toList());
        return new NameResolver() {
            @Override
            public String getServiceAuthority() {
                return "etcd";
            }

            @Override
            public void start(Listener2 listener) {
                // The addresses are fixed: tell gRPC once, on its own synchronization context.
                args.getSynchronizationContext().execute(() ->
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(members).build()));
            }

            @Override
            public void shutdown() {
            }
        };
    }

    /** "127.0.0.1:2379" or "[::1]:2379": the address, with that text as the authority TLS checks the certificate against. */
    private static EquivalentAddressGroup member(String hostPort) {
        URI uri = URI.create("//" + hostPort);
        // getHost() keeps IPv6's brackets; InetSocketAddress wants the bare literal (a literal is parsed, not looked up).
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new EquivalentAddressGroup(new InetSocketAddress(host, uri.getPort()),
            Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, hostPort).build());
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }
}
