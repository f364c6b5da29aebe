package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SecureEtcds;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.AuthRoleListResponse;
import io.etcd.jetcd.auth.AuthUserListResponse;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The auth section against an etcd with auth enabled: root makes a user limited to demo/auth/,
 * etcd lets it work there and refuses it elsewhere, and the user, role and keys are gone afterwards,
 * also when a step fails.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuthSectionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration QUICK = Duration.ofSeconds(15);

    static final String OUTPUT = PocOutput.HEADER
        + "\n--- Auth (a user who may use one prefix only) ---\n"
        + "Permissions belong to roles and roles to users; a permission covers one key or a key prefix.\n"
        + "ROLE demo-auth-role: readwrite on prefix demo/auth/\n"
        + "USER demo-auth-user: granted role demo-auth-role\n"
        + "As demo-auth-user: PUT demo/auth/greeting = hello -> allowed\n"
        + "As demo-auth-user: GET demo/auth/greeting = hello -> allowed\n"
        + "As demo-auth-user: PUT demo/other = hello -> refused: permission denied\n"
        + "As demo-auth-user: GET name -> refused: permission denied\n"
        + "Removed user demo-auth-user and role demo-auth-role\n"
        + PocOutput.FOOTER;

    @Test
    void rootMakesALimitedUserThatEtcdRefusesOutsideItsPrefix(SecureEtcds etcds) {
        PocRun run = asRoot(etcds, "auth");

        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.out()).isEqualTo(OUTPUT);
        assertThat(run.exitCode()).isZero();
        assertNothingLeft(etcds);
    }

    @Test
    void runsTwiceInARow(SecureEtcds etcds) {
        for (int i = 1; i <= 2; i++) {
            PocRun run = asRoot(etcds, "auth");
            assertThat(run.out()).as("run %d", i).isEqualTo(OUTPUT);
            assertThat(run.exitCode()).as("run %d", i).isZero();
        }
    }

    @Test
    void afterTheCrudSectionUnderAuth(SecureEtcds etcds) {
        PocRun run = asRoot(etcds, "crud", "auth");

        assertThat(run.out()).startsWith(PocOutput.of("crud").replace(PocOutput.FOOTER, ""))
            .endsWith("Removed user demo-auth-user and role demo-auth-role\n" + PocOutput.FOOTER);
        assertThat(run.exitCode()).isZero();
    }

    /**
     * Credentials are for the user's etcd: every section of {@code all} runs as root on an etcd with auth
     * on, and failover's own throwaway cluster (no auth there) is reached without them.
     */
    @Test
    void allRunsAsRootOnAnEtcdWithAuthIncludingFailoverOnItsOwnCluster(SecureEtcds etcds) {
        PocRun run = asRoot(etcds, "all");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.outLines()).as("every section of all ran").contains("--- Failover (3-member cluster) ---", "Done.");
        assertNothingLeft(etcds);
    }

    /**
     * A user of that name exists already: it is someone else's, so the section stops at USER ADD and
     * leaves it as it was; the role the section made before is removed all the same.
     */
    @Test
    void aUserOfTheSameNameIsSomeoneElsesAndStays(SecureEtcds etcds) {
        try (Client root = etcds.rootClient()) {
            Await.result(root.getAuthClient().userAdd(bytes("demo-auth-user"), bytes("someone's")), TIMEOUT, "user add");
            try {
                PocRun run = asRoot(etcds, "auth");

                assertOneLineFailure(run, 1, QUICK, "USER ADD demo-auth-user", "exists already", "leaves it alone");
                assertThat(Await.result(root.getAuthClient().userGet(bytes("demo-auth-user")), TIMEOUT, "user get").getRoles())
                    .as("the other user, untouched: still without roles").isEmpty();
                assertThat(Await.result(root.getAuthClient().roleList(), TIMEOUT, "role list").getRoles())
                    .as("roles").doesNotContain("demo-auth-role");
            } finally {
                Await.result(root.getAuthClient().userDelete(bytes("demo-auth-user")), TIMEOUT, "user delete");
            }
        }
        assertNothingLeft(etcds);
    }

    @Test
    void withoutCredentialsItSaysWhatItNeeds(EtcdFixture plain) {
        PocRun run = PocRun.of("-e", plain.endpoints().toString(), "auth");

        assertOneLineFailure(run, 1, QUICK, "the auth section needs an etcd with auth enabled and root credentials", "--user root");
    }

    /** With auth disabled the credentials are dropped (and that said), so the section says what it needs: two lines. */
    @Test
    void againstAnEtcdWithAuthDisabled(EtcdFixture plain) {
        PocRun run = PocRun.withEnv(Map.of("ETCD_PASSWORD", "whatever"), "-e", plain.endpoints().toString(), "--user", "root", "auth");

        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().get(0)).contains("has authentication disabled");
        assertThat(run.errLines().get(1)).contains("the auth section needs an etcd with auth enabled and root credentials");
        assertThat(run.exitCode()).isEqualTo(1);
        try (Etcd check = new Etcd(plain.endpoints())) {
            assertThat(check.count("demo/auth/")).isZero();
        }
    }

    /** A user who may use one prefix only runs the whole PoC under it, with --namespace, and the exact output. */
    @Test
    void aUserLimitedToOnePrefixRunsThePocUnderIt(SecureEtcds etcds) {
        try (Client root = etcds.rootClient()) {
            Auth auth = root.getAuthClient();
            Await.result(auth.roleAdd(bytes("app-role")), TIMEOUT, "role add");
            Await.result(auth.roleGrantPermission(bytes("app-role"), bytes("app/"), OptionsUtil.prefixEndOf(bytes("app/")),
                Permission.Type.READWRITE), TIMEOUT, "grant");
            Await.result(auth.userAdd(bytes("app-user"), bytes("its-password")), TIMEOUT, "user add");
            Await.result(auth.userGrantRole(bytes("app-user"), bytes("app-role")), TIMEOUT, "grant role");
            try {
                PocRun run = PocRun.withEnv(Map.of("ETCD_PASSWORD", "its-password"), "-e", etcds.auth().toString(),
                    "--user", "app-user", "--namespace", "app/poc/");

                assertThat(run.err()).as("stderr").isEmpty();
                assertThat(run.out()).isEqualTo(PocOutput.FULL);
                assertThat(run.exitCode()).isZero();
                long left = Await.result(root.getKVClient().get(bytes("app/"), GetOption.builder().isPrefix(true).withCountOnly(true)
                    .build()), TIMEOUT, "count").getCount();
                assertThat(left).as("keys left under app/").isZero();
            } finally {
                Await.result(auth.userDelete(bytes("app-user")), TIMEOUT, "user delete");
                Await.result(auth.roleDelete(bytes("app-role")), TIMEOUT, "role delete");
            }
        }
    }

    /** What a section gets when the user's roles do not cover its keys, and the auth section when the user is not root. */
    @Test
    void aUserWithoutRolesGetsOneLine(SecureEtcds etcds) {
        try (Client root = etcds.rootClient()) {
            Await.result(root.getAuthClient().userAdd(bytes("no-roles"), bytes("its-password")), TIMEOUT, "user add");
            try {
                PocRun run = PocRun.withEnv(Map.of("ETCD_PASSWORD", "its-password"), "-e", etcds.auth().toString(),
                    "--user", "no-roles", "crud");

                // The first thing a run writes is its turn (etcd-poc/run): the line says so, and what to do.
                assertOneLineFailure(run, 1, QUICK, "LOCK etcd-poc/run: permission denied: no role of this user allows it",
                    "--namespace");

                PocRun auth = PocRun.withEnv(Map.of("ETCD_PASSWORD", "its-password"), "-e", etcds.auth().toString(),
                    "--user", "no-roles", "auth");

                assertOneLineFailure(auth, 1, QUICK, "LOCK etcd-poc/run: permission denied");
            } finally {
                Await.result(root.getAuthClient().userDelete(bytes("no-roles")), TIMEOUT, "user delete");
            }
        }
    }

    private static PocRun asRoot(SecureEtcds etcds, String... sections) {
        String[] args = new String[sections.length + 4];
        args[0] = "-e";
        args[1] = etcds.auth().toString();
        args[2] = "--user";
        args[3] = "root";
        System.arraycopy(sections, 0, args, 4, sections.length);
        return PocRun.withEnv(Map.of("ETCD_PASSWORD", SecureEtcds.ROOT_PASSWORD), args);
    }

    private static void assertNothingLeft(SecureEtcds etcds) {
        try (Client root = etcds.rootClient()) {
            AuthUserListResponse users = Await.result(root.getAuthClient().userList(), TIMEOUT, "user list");
            AuthRoleListResponse roles = Await.result(root.getAuthClient().roleList(), TIMEOUT, "role list");
            long keys = Await.result(root.getKVClient().get(bytes("demo/auth/"),
                GetOption.builder().isPrefix(true).withCountOnly(true).build()), TIMEOUT, "count").getCount();
            assertThat(users.getUsers()).as("users").containsExactly("root");
            assertThat(roles.getRoles()).as("roles").doesNotContain("demo-auth-role");
            assertThat(keys).as("keys under demo/auth/").isZero();
        }
    }
}
