package dev.etcdpoc.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A validated list of etcd client URLs, all http or all https. */
public record Endpoints(List<URI> uris) {
    public static final String DEFAULT = "http://localhost:2379";

    /** Parses "http://a:2379,http://b:2379"; throws IllegalArgumentException with a user-facing message. */
    public static Endpoints parse(String commaSeparated) {
        List<URI> uris = new ArrayList<>();
        for (String part : commaSeparated.split(",")) {
            String text = part.trim();
            if (text.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint '" + text + "' is not a URL; write it like http://127.0.0.1:2379");
            }
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("endpoint '" + text + "' is not a URL; write it like http://127.0.0.1:2379");
            }
            String scheme = uri.getScheme().toLowerCase();
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("endpoint '" + text + "' uses scheme '" + uri.getScheme()
                    + "'; etcd endpoints are http:// or https://");
            }
            if (uri.getPort() == -1) {
                throw new IllegalArgumentException("endpoint '" + text + "' has no port; write it like " + scheme + "://" + uri.getHost() + ":2379");
            }
            if (uri.getPort() < 1 || uri.getPort() > 65535) {
                throw new IllegalArgumentException("endpoint '" + text + "' has port " + uri.getPort()
                    + ", outside 1..65535; etcd's client port is usually 2379");
            }
            uris.add(uri);
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no endpoint given; write one like http://127.0.0.1:2379");
        }
        if (uris.stream().map(u -> u.getScheme().toLowerCase()).distinct().count() > 1) {
            throw new IllegalArgumentException("endpoints mix http and https (" + commaSeparated + "); use one scheme for all");
        }
        return new Endpoints(List.copyOf(uris));
    }

    public boolean tls() {
        return uris.get(0).getScheme().equalsIgnoreCase("https");
    }

    @Override
    public String toString() {
        return uris.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
