package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/ stay true: their Java snippets are the compiled ones (DocSnippets), every compiled
 * one is shown somewhere, every file they link to exists, and the README stays short enough to read in
 * one sitting, with what a newcomer needs first on its first screen.
 */
class DocsTest {
    private static final Path README = Path.of("README.md");
    private static final Path SNIPPETS = Path.of("src/test/java/dev/etcdpoc/readme/DocSnippets.java");
    private static final Pattern JAVA_BLOCK = Pattern.compile("^( *)```java\\n(.*?)^\\1```$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile("^( *)// SNIPPET\\n(.*?)^ *// END$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern ANCHOR_LINK = Pattern.compile("\\]\\(((?:\\.\\./)*[\\w./-]*\\.md)?#([\\w-]+)\\)");
    private static final Pattern LINK = Pattern.compile("\\]\\(((?:\\.\\./)*(?:src|scripts|docs|\\.ci)/[^)#]*|(?:\\.\\./)?[A-Z]+\\.md|[a-z-]+\\.md|(?:\\.\\./)?compose\\.yml|(?:\\.\\./)?pom\\.xml)[)#]");

    @Test
    void everyJavaSnippetIsOneOfTheCompiledOnesAndEveryCompiledOneIsShown() throws IOException {
        List<String> shown = new ArrayList<>();
        for (Path doc : documents()) {
            shown.addAll(blocks(JAVA_BLOCK, Files.readString(doc)));
        }
        List<String> compiled = blocks(REGION, Files.readString(SNIPPETS));

        assertThat(compiled).as("regions in %s", SNIPPETS).isNotEmpty();
        assertThat(shown).as("the ```java blocks of README.md and docs/, each as it is in %s", SNIPPETS)
            .containsExactlyInAnyOrderElementsOf(compiled);
    }

    @Test
    void everyFileTheDocsLinkToExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int links = 0;
        for (Path doc : documents()) {
            Matcher link = LINK.matcher(Files.readString(doc));
            while (link.find()) {
                links++;
                Path target = doc.toAbsolutePath().getParent().resolve(link.group(1)).normalize();
                if (!Files.exists(target)) {
                    missing.add(doc + " -> " + link.group(1));
                }
            }
        }
        assertThat(links).as("links to project files").isPositive();
        assertThat(missing).as("linked files that do not exist").isEmpty();
    }

    @Test
    void everyHeadingTheDocsLinkToExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher link = ANCHOR_LINK.matcher(Files.readString(doc));
            while (link.find()) {
                Path target = link.group(1) == null ? doc : doc.toAbsolutePath().getParent().resolve(link.group(1)).normalize();
                if (!Files.exists(target) || !anchors(target).contains(link.group(2))) {
                    missing.add(doc + " -> " + link.group(0));
                }
            }
        }
        assertThat(missing).as("links to headings that do not exist").isEmpty();
    }

    /** The anchors GitHub makes of a file's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(Path markdown) throws IOException {
        return Files.readAllLines(markdown).stream()
            .filter(line -> line.startsWith("#"))
            .map(line -> line.replaceFirst("^#+ ", "").strip().toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^\\w\\- ]", "").replace(' ', '-'))
            .toList();
    }

    @Test
    void theReadmeIsShortAndStartsWithWhatANewcomerNeeds() throws IOException {
        List<String> lines = Files.readAllLines(README);
        assertThat(lines).as("README.md's lines").hasSizeLessThanOrEqualTo(200);
        String firstHundred = String.join("\n", lines.subList(0, Math.min(100, lines.size())));
        assertThat(firstHundred).as("the first 100 lines").contains("mvn verify", "java -jar target/poc.jar", "## Expected output",
            "=== etcd PoC with Java ===", "Done.", "## Sections", "| `stm` |", "| `failover` |");
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(README));
        try (Stream<Path> files = Files.list(Path.of("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** Each match's second group, less the indentation of its first line's fence (group 1). */
    private static List<String> blocks(Pattern pattern, String text) {
        List<String> blocks = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            int indent = m.group(1).length();
            StringBuilder block = new StringBuilder();
            for (String line : m.group(2).split("\n", -1)) {
                block.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
            }
            blocks.add(block.toString().stripTrailing());
        }
        return blocks;
    }
}
