package dev.etcdpoc.support;

import java.util.Map;

/** The .NET PoC's output, byte for byte, and the block each section contributes to it. */
public final class PocOutput {
    public static final String HEADER = "=== etcd PoC with Java ===\n";
    public static final String FOOTER = "\nDone.\n";

    public static final Map<String, String> BLOCKS = Map.of(
        "crud", "\n--- Basic CRUD ---\n"
            + "PUT name = Guilherme\n"
            + "GET name = Guilherme\n"
            + "GET name (after update) = Updated\n"
            + "GET name (after delete) = \"\" (empty string means key not found)\n",
        "watch", "\n--- Watch ---\n"
            + "  Watch event: dog -> \"sits\" (Put)\n"
            + "  Watch event: dog -> \"runs\" (Put)\n"
            + "  Watch event: dog -> \"\" (Delete)\n",
        "txn", "\n--- Transaction (atomic multi-key write) ---\n"
            + "  Watch received 2 event(s) in one response:\n"
            + "    animals/cow -> \"moo\" (Put)\n"
            + "    animals/chicken -> \"cluck\" (Put)\n"
            + "GET animals/cow     = moo\n"
            + "GET animals/chicken = cluck\n");

    /** The whole default run: exactly what the .NET proof of concept printed. */
    public static final String FULL = of("crud", "watch", "txn");

    private PocOutput() {
    }

    /** What a run of just these PoC sections prints. */
    public static String of(String... sections) {
        StringBuilder text = new StringBuilder(HEADER);
        for (String s : sections) {
            text.append(BLOCKS.get(s));
        }
        return text.append(FOOTER).toString();
    }
}
