package dev.etcdpoc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a reader copies to use a recipe in a service: its file and every recipe file its classes use, as the
 * compiled classes say. The fenced lock, the config cache and STM stay within two files of 200 lines together
 * (counted as {@code wc -l} counts), and README.md's table of files to copy says what this test finds.
 */
class RecipeFilesTest {
    private static final String PACKAGE = "dev.etcdpoc.recipes";
    private static final Path SOURCES = Path.of("src/main/java/dev/etcdpoc/recipes");
    private static final JavaClasses RECIPES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(PACKAGE);
    private static final Path README = Path.of("README.md");
    private static final String SECTION = "## Using a recipe in a service";
    /** A row of that section's table: what the recipe gives, the files to copy (the recipe's first), their lines. */
    private static final Pattern ROW = Pattern.compile("^\\| [^|]+ \\| (.+\\.java`.*) \\| (\\d+) \\|$", Pattern.MULTILINE);
    private static final Pattern FILE = Pattern.compile("`(\\w+\\.java)`");

    @ParameterizedTest
    @ValueSource(strings = {"FencedLock.java", "ConfigCache.java", "Stm.java"})
    void aRecipeIsAtMostTwoFilesOf200LinesTogether(String recipe) {
        Set<String> files = filesToCopy(recipe);
        assertThat(files).as("the files to copy for %s", recipe).hasSizeLessThanOrEqualTo(2);
        assertThat(lines(files)).as("the lines of %s", files).isLessThanOrEqualTo(200);
    }

    @Test
    void theReadmeNamesTheFilesOfEveryRecipeAndTheirLines() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(SECTION);
        Map<String, String> stated = new TreeMap<>();
        for (Matcher row = ROW.matcher(readme.substring(start, readme.indexOf("\n## ", start + 1))); row.find(); ) {
            List<String> files = FILE.matcher(row.group(1)).results().map(file -> file.group(1)).toList();
            stated.put(files.get(0), described(files, Integer.parseInt(row.group(2))));
        }
        Map<String, String> found = new TreeMap<>();
        RECIPES.stream().filter(c -> c.isTopLevelClass() && c.getModifiers().contains(JavaModifier.PUBLIC))
            .filter(c -> !c.isAssignableTo(RecipeException.class)).map(RecipeFilesTest::sourceFile).forEach(recipe -> {
                List<String> files = List.copyOf(filesToCopy(recipe));
                found.put(recipe, described(files, lines(files)));
            });
        assertThat(stated).as("README's rows under %s, each recipe's own file first", SECTION).isEqualTo(found);
    }

    /** The recipe's file, the others it needs in alphabetical order, and their lines. */
    private static String described(List<String> files, int lines) {
        return files.get(0) + " + " + files.stream().skip(1).sorted().toList() + ": " + lines;
    }

    /** The recipe's file, then every file of this package its classes use, and the files those use. */
    private static Set<String> filesToCopy(String recipe) {
        Set<String> files = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>(Set.of(recipe));
        while (!next.isEmpty()) {
            String file = next.pop();
            if (files.add(file)) {
                RECIPES.stream().filter(c -> file.equals(sourceFile(c))).flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                    .map(dependency -> dependency.getTargetClass().getBaseComponentType())   // Signal[] is Signal's file
                    .filter(target -> target.getPackageName().equals(PACKAGE)).map(RecipeFilesTest::sourceFile).forEach(next::add);
            }
        }
        return files;
    }

    /** The file a class was compiled from: a nested class's is its outer class's. */
    private static String sourceFile(JavaClass c) {
        return c.getSource().flatMap(Source::getFileName).orElseThrow();
    }

    /** As {@code wc -l} counts: the newlines. */
    private static int lines(Collection<String> files) {
        return files.stream().mapToInt(file -> {
            try {
                return (int) Files.readString(SOURCES.resolve(file)).chars().filter(c -> c == '\n').count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).sum();
    }
}
