package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.connect.Credentials;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.core.Undo;
import dev.etcdpoc.recipes.OwnedKeys;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.OptionsUtil;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * etcd's access control: permissions (read, write or both, on one key or a key prefix) belong to
 * roles, and roles to users. As root, the section makes a user who may use {@code demo/auth/}
 * only, connects as that user and shows etcd refusing it everywhere else, then removes the user
 * and the role again — also when a step fails. It needs an etcd with auth enabled and root's
 * credentials (--user root); see the README's "secure" walkthrough.
 */
public final class AuthSection implements Section {
    private static final String PREFIX = "demo/auth/";
    private static final String USER = "demo-auth-user";
    private static final String ROLE = "demo-auth-role";
    private static final String GREETING = PREFIX + "greeting";
    private static final String NEEDS_ROOT = "the auth section needs an etcd with auth enabled and root credentials: "
        + "--user root, with --password or ETCD_PASSWORD (see the README's secure walkthrough)";

    @Override
    public void run(SectionContext ctx) {
        if (ctx.credentials().isEmpty()) {
            throw new DemoFailure(NEEDS_ROOT);
        }
        ctx.out().println("Permissions belong to roles and roles to users; a permission covers one key or a key prefix.");
        Auth auth = ctx.client().getAuthClient();
        // A password nobody needs to know: the section is the only client that logs in as this user.
        Credentials limited = new Credentials(USER, UUID.randomUUID().toString());
        // Closed in reverse order however the block ends: the user's key, then the user, then the role;
        // a clean-up that fails too is attached to the first failure instead of hiding it.
        try (Undo role = create(ctx, auth.roleAdd(bytes(ROLE)), "ROLE ADD " + ROLE, () -> auth.roleDelete(bytes(ROLE)));
             Undo user = create(ctx, auth.userAdd(bytes(USER), bytes(limited.password())), "USER ADD " + USER,
                 () -> auth.userDelete(bytes(USER)));
             OwnedKeys created = new OwnedKeys(ctx.client(), ctx.requestWait())) {
            // A prefix permission is a key range: from the prefix up to, not including, the prefix with its last byte + 1.
            // jetcd's --namespace applies to keys, not to permissions, so the range includes it.
            ByteSequence prefix = bytes(ctx.clients().namespace() + PREFIX);
            ctx.await(auth.roleGrantPermission(bytes(ROLE), prefix, OptionsUtil.prefixEndOf(prefix), Permission.Type.READWRITE),
                "ROLE GRANT-PERMISSION " + ROLE);
            ctx.out().println("ROLE " + ROLE + ": readwrite on prefix " + PREFIX);
            ctx.await(auth.userGrantRole(bytes(USER), bytes(ROLE)), "USER GRANT-ROLE " + USER);
            ctx.out().println("USER " + USER + ": granted role " + ROLE);
            try (Client asUser = ctx.connectAs(limited)) {
                KV kv = asUser.getKVClient();
                created.add(GREETING, ctx.await(kv.put(bytes(GREETING), bytes("hello")), "PUT " + GREETING + " as " + USER)
                    .getHeader().getRevision());
                ctx.out().println("As " + USER + ": PUT " + GREETING + " = hello -> allowed");
                String value = value(ctx.await(kv.get(bytes(GREETING)), "GET " + GREETING + " as " + USER));
                ctx.expect("GET " + GREETING + " as " + USER, value, "hello");
                ctx.out().println("As " + USER + ": GET " + GREETING + " = " + value + " -> allowed");
                expectRefused(ctx, kv.put(bytes("demo/other"), bytes("hello")), "PUT demo/other = hello");
                expectRefused(ctx, kv.get(bytes("name")), "GET name");
            }
        }
        ctx.out().println("Removed user " + USER + " and role " + ROLE);
    }

    /**
     * Makes a user or role and returns how to remove it. One that exists already is someone else's:
     * the section stops and leaves it alone. Only root may manage users and roles.
     */
    private static Undo create(SectionContext ctx, CompletableFuture<?> add, String what, Supplier<CompletableFuture<?>> remove) {
        try {
            ctx.await(add, what);
        } catch (DemoFailure e) {
            if (Failures.isPermissionDenied(e)) {
                throw new DemoFailure(NEEDS_ROOT + "; " + e.getMessage(), e);
            }
            if (Failures.isAlreadyExisting(e)) {
                throw new DemoFailure(what + ": it exists already, so it is not the demo's and the section leaves it alone", e);
            }
            throw e;
        }
        return () -> ctx.await(remove.get(), what.replace(" ADD ", " DELETE "));
    }

    private static void expectRefused(SectionContext ctx, CompletableFuture<?> call, String what) {
        try {
            ctx.await(call, what + " as " + USER);
        } catch (DemoFailure e) {
            if (!Failures.isPermissionDenied(e)) {
                throw e;
            }
            ctx.out().println("As " + USER + ": " + what + " -> refused: permission denied");
            return;
        }
        throw new DemoFailure(what + " as " + USER + " was allowed, though role " + ROLE + " covers " + PREFIX + " only");
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
