package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.connect.Credentials;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.OptionsUtil;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

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
    private static final String NEEDS_ROOT = "the auth section needs an etcd with auth enabled and root credentials: "
        + "--user root, with --password or ETCD_PASSWORD (see the README's secure walkthrough)";

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public String title() {
        return "Auth (a user who may use one prefix only)";
    }

    @Override
    public boolean runsOnAnyEtcd() {
        return false;
    }

    @Override
    public String summary() {
        return "as root, make a user with read-write on demo/auth/ only; etcd refuses it elsewhere (needs --user root; not in all)";
    }

    @Override
    public void run(SectionContext ctx) {
        if (ctx.credentials().isEmpty()) {
            throw new DemoFailure(NEEDS_ROOT);
        }
        ctx.out().println("Permissions belong to roles and roles to users; a permission covers one key or a key prefix.");
        // A password nobody needs to know: the section is the only client that logs in as this user.
        Credentials limited = new Credentials(USER, UUID.randomUUID().toString());
        RuntimeException failure = null;
        try {
            createUserAndRole(ctx, limited);
            try (Client asUser = ctx.connectAs(limited)) {
                showWhatTheUserMayDo(ctx, asUser.getKVClient());
            }
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                removeUserAndRole(ctx);
            } catch (RuntimeException cleanup) {
                if (failure == null) {
                    throw cleanup;
                }
                failure.addSuppressed(cleanup);
            }
        }
        ctx.out().println("Removed user " + USER + " and role " + ROLE);
    }

    private static void createUserAndRole(SectionContext ctx, Credentials limited) {
        Auth auth = ctx.client().getAuthClient();
        try {
            ctx.await(auth.roleAdd(bytes(ROLE)), "ROLE ADD " + ROLE);
        } catch (DemoFailure e) {
            // Only root may manage users and roles.
            throw Failures.isPermissionDenied(e) ? new DemoFailure(NEEDS_ROOT + "; " + e.getMessage(), e) : e;
        }
        // A prefix permission is a key range: from the prefix up to, not including, the prefix with its last byte + 1.
        ctx.await(auth.roleGrantPermission(bytes(ROLE), bytes(PREFIX), OptionsUtil.prefixEndOf(bytes(PREFIX)),
            Permission.Type.READWRITE), "ROLE GRANT-PERMISSION " + ROLE);
        ctx.out().println("ROLE " + ROLE + ": readwrite on prefix " + PREFIX);
        ctx.await(auth.userAdd(bytes(USER), bytes(limited.password())), "USER ADD " + USER);
        ctx.await(auth.userGrantRole(bytes(USER), bytes(ROLE)), "USER GRANT-ROLE " + USER);
        ctx.out().println("USER " + USER + ": granted role " + ROLE);
    }

    private static void showWhatTheUserMayDo(SectionContext ctx, KV kv) {
        String key = PREFIX + "greeting";
        ctx.await(kv.put(bytes(key), bytes("hello")), "PUT " + key + " as " + USER);
        ctx.out().println("As " + USER + ": PUT " + key + " = hello -> allowed");
        GetResponse read = ctx.await(kv.get(bytes(key)), "GET " + key + " as " + USER);
        ctx.out().println("As " + USER + ": GET " + key + " = " + text(read.getKvs().get(0).getValue()) + " -> allowed");
        expectRefused(ctx, kv.put(bytes("demo/other"), bytes("hello")), "PUT demo/other = hello");
        expectRefused(ctx, kv.get(bytes("name")), "GET name");
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

    /** Root removes the user's keys, the user and the role; whichever of them a failed run did not make is skipped. */
    private static void removeUserAndRole(SectionContext ctx) {
        Auth auth = ctx.client().getAuthClient();
        ctx.deletePrefix(PREFIX);
        ignoreNotFound(() -> ctx.await(auth.userDelete(bytes(USER)), "USER DELETE " + USER));
        ignoreNotFound(() -> ctx.await(auth.roleDelete(bytes(ROLE)), "ROLE DELETE " + ROLE));
    }

    private static void ignoreNotFound(Runnable removal) {
        try {
            removal.run();
        } catch (DemoFailure e) {
            if (!Failures.isNotFound(e)) {
                throw e;
            }
        }
    }
}
