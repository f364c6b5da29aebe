package dev.etcdpoc.sections;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every section the demo knows, in the order they run. Adding a section = one line here. */
public final class Sections {
    /** What the PoC printed, and what runs when no section is named. */
    public static final List<String> POC = List.of("crud", "watch", "txn");

    private static final List<Section> ALL = List.of(
        new CrudSection(),
        new WatchSection(),
        new TxnSection(),
        new CasSection(),
        new LeaseSection(),
        new LockSection(),
        new ElectionSection(),
        new HistorySection(),
        new ConfigSection(),
        new AuthSection(),
        new FailoverSection());

    private Sections() {
    }

    public static List<Section> all() {
        return ALL;
    }

    /** What {@code all} runs: every section that works against any etcd. */
    public static List<Section> forAll() {
        return ALL.stream().filter(Section::runsOnAnyEtcd).collect(Collectors.toList());
    }

    public static Optional<Section> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Section::name).collect(Collectors.toList());
    }
}
