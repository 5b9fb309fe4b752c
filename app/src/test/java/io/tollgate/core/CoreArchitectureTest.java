package io.tollgate.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The core stays pure: it may use the JDK and itself, nothing else (no Hazelcast, Helidon, Jdbi, SQL). */
@AnalyzeClasses(packages = "io.tollgate.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

    static final ArchRule CORE_IS_PURE = classes().that().resideInAPackage("io.tollgate.core..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.tollgate.core..")
            .because("the core is the pure (state, request, now) -> (decision, state) step");

    @ArchTest
    static final ArchRule coreDependsOnlyOnJavaAndItself = CORE_IS_PURE;

    @ArchTest
    static final ArchRule coreUsesNoSql = classes().that().resideInAPackage("io.tollgate.core..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackages("java.sql..", "javax..", "java.net..")
            .because("the core does no I/O");

    @Test
    void theRuleCatchesAForeignDependency() {
        // This test class lives in io.tollgate.core and uses JUnit and AssertJ: the rule must object.
        JavaClasses offender = new ClassFileImporter().importClasses(CoreArchitectureTest.class);
        assertThat(CORE_IS_PURE.evaluate(offender).hasViolation()).isTrue();
    }

    @Test
    void theMainCoreClassesAreActuallyImported() {
        JavaClasses core = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("io.tollgate.core");
        assertThat(core.contain(SlidingWindow.class)).isTrue();
        assertThat(core.contain(RateLimiter.class)).isTrue();
        assertThat(core.contain(BillingCycle.class)).isTrue();
        assertThat(core.contain(CoreArchitectureTest.class)).isFalse();
    }
}
