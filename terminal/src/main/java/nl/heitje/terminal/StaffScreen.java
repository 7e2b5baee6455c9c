// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import nl.heitje.config.StaffUiSettings;
import nl.heitje.config.TerminalConfig;
import nl.heitje.terminal.adapter.lanterna.DeskCounterActions;
import nl.heitje.terminal.adapter.lanterna.LanternaStaffUi;
import nl.heitje.terminal.adapter.lanterna.StaffPins;
import nl.heitje.terminal.adapter.lanterna.StaffStatus;
import nl.heitje.terminal.adapter.lanterna.StaffUiModel;
import nl.heitje.terminal.domain.Euros;

/**
 * Builds the staff screen on a running terminal from its config: the staff who may sign in ({@code staffUi.staff.*}
 * and the manager of {@code manager.pinHash}), the presets and the language; events and status wired in.
 */
public final class StaffScreen {
    /** The name the manager of {@code manager.pinHash} signs in as. */
    public static final String MANAGER = "manager";

    private StaffScreen() {
    }

    /** The model alone (tests and other front ends). */
    public static StaffUiModel model(Terminal terminal) {
        TerminalConfig config = terminal.config();
        StaffUiSettings settings = config.staffUi();
        List<StaffPins.Member> members = new ArrayList<>();
        config.manager().pinHash().ifPresent(hash -> members.add(new StaffPins.Member(MANAGER, StaffPins.Role.MANAGER,
                hash)));
        settings.staff().forEach(member -> members.add(new StaffPins.Member(member.name(),
                member.role() == StaffUiSettings.Role.MANAGER ? StaffPins.Role.MANAGER : StaffPins.Role.STAFF,
                member.pinHash())));
        List<StaffUiModel.Preset> presets = settings.presets().stream().map(p -> new StaffUiModel.Preset(p.key(),
                p.name(), new Euros(p.cents()), p.category())).toList();
        return new StaffUiModel(new DeskCounterActions(terminal.desk(), terminal.reports(), terminal.clock()),
                new StaffPins(members, settings.maxPinFailures(), settings.lockout()), settings.language(), presets,
                terminal.clock());
    }

    /**
     * The staff screen on the terminal this process runs in, started and listening to the payment events.
     *
     * @param signedIn  a staff member already signed in (the simulator's demo bartender); empty to start at sign-in
     * @param ctrlCEnds Ctrl-C ends the process (the simulator), or is trapped (the bar's console, where a keyboard
     *                  at the counter must not stop the payment service)
     */
    public static LanternaStaffUi startOnOwnTerminal(Terminal terminal, Optional<String> signedIn, boolean ctrlCEnds) {
        StaffUiModel model = model(terminal);
        signedIn.ifPresent(name -> model.signInAs(new StaffPins.Member(name, StaffPins.Role.STAFF, "")));
        ZoneId zone = terminal.config().merchant().zone();
        LanternaStaffUi ui = LanternaStaffUi.onOwnTerminal(model, () -> quietly(terminal), zone, ctrlCEnds);
        ui.listenTo(terminal.events());
        ui.start();
        return ui;
    }

    /** For a status line that cannot be read (the terminal closing): say nothing rather than fail the screen. */
    static StaffStatus quietly(Terminal terminal) {
        try {
            return terminal.staffStatus();
        } catch (RuntimeException closing) {
            return StaffStatus.UNKNOWN;
        }
    }
}
