package dev.elephant.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Imports go one way (docs/ARCHITECTURE.md, "Modules and what each may import"): no package cycle in any
 * module, the topology's feature packages know neither the topology that composes them nor each other, and the
 * modules below the application never reach up into it.
 */
class PackageDependenciesTest {

    private static final JavaClasses ELEPHANT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.elephant");

    @Test
    void noPackageCycleInAnyModule() {
        for (String module : new String[] {"topology", "connector", "sinks", "app", "standins"}) {
            slices().matching("dev.elephant." + module + ".(**)").should().beFreeOfCycles()
                    .because(module + "'s packages import one way").check(ELEPHANT);
        }
    }

    @Test
    void theTopologysFeaturePackagesKnowNeitherTheTopologyNorEachOther() {
        noClasses().that().resideInAnyPackage("dev.elephant.topology.instances..", "dev.elephant.topology.common..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.elephant.topology.meetings..")
                .check(ELEPHANT);
        noClasses().that().resideInAnyPackage("dev.elephant.topology.meetings..", "dev.elephant.topology.common..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.elephant.topology.instances..")
                .check(ELEPHANT);
        noClasses().that().resideInAnyPackage("dev.elephant.topology.(*)..")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.elephant.topology.ElephantTopology")
                .check(ELEPHANT);
    }

    @Test
    void modulesBelowTheApplicationNeverReachUpIntoIt() {
        noClasses().that().resideInAnyPackage("dev.elephant.connector..", "dev.elephant.topology..",
                        "dev.elephant.sinks..", "dev.elephant.events..", "dev.elephant.standins..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.elephant.app..", "dev.elephant.bench..")
                .check(ELEPHANT);
        noClasses().that().resideInAnyPackage("dev.elephant.topology..", "dev.elephant.connector..",
                        "dev.elephant.sinks..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.elephant.standins..")
                .because("stand-ins are for dev and tests; production code never needs them")
                .check(ELEPHANT);
    }
}
