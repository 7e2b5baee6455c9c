// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The hexagon's dependency rule: the inside never learns which technology sits outside it. */
@AnalyzeClasses(packages = "nl.heitje.terminal", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainDependsOnlyOnTheJdk = classes()
            .that().resideInAPackage("..terminal.domain..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "..terminal.domain..");

    @ArchTest
    static final ArchRule portsDependOnlyOnTheJdkAndTheDomain = classes()
            .that().resideInAPackage("..terminal.port..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "..terminal.domain..", "..terminal.port..");

    @ArchTest
    static final ArchRule applicationDoesNotKnowTheAdapters = noClasses()
            .that().resideInAPackage("..terminal.app..")
            .should().dependOnClassesThat().resideInAPackage("..terminal.adapter..");

    @ArchTest
    static final ArchRule adaptersDoNotKnowEachOther = slices()
            .matching("..terminal.adapter.(*)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule everyAdapterPackageIsCovered = classes()
            .that().resideInAnyPackage("..terminal.adapter..")
            .should().resideInAnyPackage("..terminal.adapter.sqlite..", "..terminal.adapter.web3j..",
                    "..terminal.adapter.javalin..", "..terminal.adapter.zxing..", "..terminal.adapter.file..",
                    "..terminal.adapter.http..", "..terminal.adapter.pi4j..", "..terminal.adapter.smartcardio..",
                    "..terminal.adapter.evdev..", "..terminal.adapter.serial..", "..terminal.adapter.camera..",
                    "..terminal.adapter.systemd..", "..terminal.adapter.micrometer..",
                    "..terminal.adapter.lanterna..");

    /** What the scanner and camera adapters share (line framing, the read-reopen loop) knows only ports. */
    @ArchTest
    static final ArchRule deviceHelpersKnowNoTechnology = classes()
            .that().resideInAPackage("..terminal.device..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "..terminal.port..",
                    "..terminal.domain..", "..terminal.device..");
}
