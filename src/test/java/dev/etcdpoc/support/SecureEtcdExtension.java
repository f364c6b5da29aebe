package dev.etcdpoc.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests {@link SecureEtcds}: one set for the whole run, each etcd started on first use and
 * all stopped when the run ends (JUnit closes what the root store holds).
 */
public final class SecureEtcdExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SecureEtcds.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(SecureEtcds.class, key -> new SecureEtcds(), SecureEtcds.class);
    }
}
