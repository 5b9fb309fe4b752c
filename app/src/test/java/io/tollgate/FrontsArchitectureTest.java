package io.tollgate;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fronts stay fronts: the services know none of them (HTTP, gRPC, CLI), the HTTP and gRPC fronts do not
 * reach into each other, and the CLI knows only the API's wire format (it runs without a sidecar in its JVM).
 */
class FrontsArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(new ImportOption.DoNotIncludeTests()).importPackages("io.tollgate");

    @Test
    void servicesKnowNoFront() {
        ArchRule rule = noClasses().that().resideInAnyPackage("io.tollgate.decide..", "io.tollgate.core..",
                        "io.tollgate.cluster..", "io.tollgate.ledger..", "io.tollgate.policy..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.http..", "io.tollgate.grpc..",
                        "io.tollgate.cli..");
        rule.check(MAIN);
    }

    @Test
    void theHttpAndGrpcFrontsAreIndependent() {
        noClasses().that().resideInAPackage("io.tollgate.grpc..").should().dependOnClassesThat()
                .resideInAPackage("io.tollgate.http..").check(MAIN);
        noClasses().that().resideInAPackage("io.tollgate.http..").should().dependOnClassesThat()
                .resideInAPackage("io.tollgate.grpc..").check(MAIN);
    }

    @Test
    void theCliKnowsOnlyTheWireFormat() {
        ArchRule rule = classes().that().resideInAPackage("io.tollgate.cli..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.tollgate.cli..", "picocli..", "com.fasterxml.jackson..");
        assertThat(MAIN.contain(io.tollgate.cli.Cli.class)).isTrue();
        rule.check(MAIN);
    }
}
