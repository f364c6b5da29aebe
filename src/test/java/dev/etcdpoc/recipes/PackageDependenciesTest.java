package dev.etcdpoc.recipes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The house's rules, checked on the compiled classes: a recipe is copied into a service with jetcd and
 * the JDK only, and the history checker is a library of its own; packages depend downwards.
 */
class PackageDependenciesTest {
    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.etcdpoc");

    @Test
    void recipesUseJetcdAndTheJdkOnly() {
        classes().that().resideInAPackage("dev.etcdpoc.recipes..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.etcdpoc.recipes..", "io.etcd.jetcd..", "java..")
            .because("a reader copies a recipe into a service with jetcd and the JDK, nothing of this project's")
            .check(MAIN);
    }

    @Test
    void theCheckerUsesTheJdkOnly() {
        classes().that().resideInAPackage("dev.etcdpoc.check")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.etcdpoc.check", "java..")
            .check(MAIN);
    }

    @Test
    void historyFilesAndTimelinesAddJacksonsStreamingJsonOnly() {
        classes().that().resideInAnyPackage("dev.etcdpoc.check.history..", "dev.etcdpoc.check.timeline..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("dev.etcdpoc.check..", "java..", "com.fasterxml.jackson.core..")
            .because("the checker is a library of its own: history files and reports take jackson-core, nothing of the demo")
            .check(MAIN);
    }

    @Test
    void sectionsDoNotReachIntoTheCommandLineOrTheBenchmark() {
        noClasses().that().resideInAPackage("dev.etcdpoc.sections..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.etcdpoc.bench..", "picocli..")
            .check(MAIN);
    }

    @Test
    void theLowerPackagesDoNotDependOnTheUpperOnes() {
        noClasses().that().resideInAnyPackage("dev.etcdpoc.core..", "dev.etcdpoc.local..", "dev.etcdpoc.connect..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.etcdpoc.sections..", "dev.etcdpoc.bench..", "dev.etcdpoc.failover..",
                "dev.etcdpoc.checkrun..", "dev.etcdpoc.versus..")
            .check(MAIN);
    }
}
