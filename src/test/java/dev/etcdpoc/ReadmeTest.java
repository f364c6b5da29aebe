package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README.md stays true: its jetcd snippets are the compiled ones, and every file it links to exists. */
class ReadmeTest {
    private static final Path README = Path.of("README.md");
    private static final Path SNIPPETS = Path.of("src/test/java/dev/etcdpoc/readme/ReadmeSnippets.java");
    private static final Pattern JAVA_BLOCK = Pattern.compile("^( *)```java\\n(.*?)^\\1```$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern REGION = Pattern.compile("^( *)// README\\n(.*?)^ *// END$", Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern LINK = Pattern.compile("\\]\\(((?:src|scripts)/[^)#]+|[A-Z]+\\.md|compose\\.yml|pom\\.xml)[)#]");

    @Test
    void everyJavaSnippetIsOneOfTheCompiledOnesAndEveryCompiledOneIsShown() throws IOException {
        List<String> shown = blocks(JAVA_BLOCK, Files.readString(README));
        List<String> compiled = blocks(REGION, Files.readString(SNIPPETS));

        assertThat(compiled).as("regions in %s", SNIPPETS).isNotEmpty();
        assertThat(shown).as("the ```java blocks of README.md, each as it is in %s", SNIPPETS)
            .containsExactlyInAnyOrderElementsOf(compiled);
    }

    @Test
    void everyFileTheReadmeLinksToExists() throws IOException {
        Matcher link = LINK.matcher(Files.readString(README));
        List<String> targets = new ArrayList<>();
        while (link.find()) {
            targets.add(link.group(1));
        }

        assertThat(targets).as("links to project files").isNotEmpty();
        assertThat(targets).as("linked files that do not exist").filteredOn(t -> !Files.exists(Path.of(t))).isEmpty();
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
