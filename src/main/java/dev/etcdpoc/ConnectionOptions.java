package dev.etcdpoc;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How to reach etcd: the options shared by the demo and the benchmark, with their environment fall-backs. */
public final class ConnectionOptions {
    @Option(names = {"-e", "--endpoints"}, paramLabel = "URLS", converter = EndpointsConverter.class,
        description = "Comma-separated etcd client URLs (env: ETCD_ENDPOINTS). Default: " + Endpoints.DEFAULT
            + ", or a throwaway local etcd when nothing answers there and an etcd binary is on the PATH.")
    private Endpoints endpoints;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
        description = "Deadline for each etcd request, like 5s or 500ms (default: ${DEFAULT-VALUE}).")
    private Duration timeout;

    /** The endpoints the user asked for, from the option or else ETCD_ENDPOINTS. */
    public Optional<Endpoints> givenEndpoints(Map<String, String> env) {
        if (endpoints != null) {
            return Optional.of(endpoints);
        }
        String fromEnv = env.get("ETCD_ENDPOINTS");
        if (fromEnv == null || fromEnv.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Endpoints.parse(fromEnv));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ETCD_ENDPOINTS: " + e.getMessage());
        }
    }

    public ClientFactory clientFactory() {
        return new ClientFactory(timeout);
    }

    static final class EndpointsConverter implements ITypeConverter<Endpoints> {
        @Override
        public Endpoints convert(String value) {
            try {
                return Endpoints.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parsePositive(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
