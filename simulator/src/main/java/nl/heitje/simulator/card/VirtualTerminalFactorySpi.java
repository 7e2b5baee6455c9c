// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import javax.smartcardio.CardTerminals;
import javax.smartcardio.TerminalFactorySpi;

/** The factory JCA instantiates for {@link VirtualSmartcardProvider}; every instance sees the same readers. */
public final class VirtualTerminalFactorySpi extends TerminalFactorySpi {

    /** JCA's contract for a {@code TerminalFactory} implementation: one constructor taking the (unused) parameter. */
    public VirtualTerminalFactorySpi(Object unusedParameter) {
    }

    @Override
    protected CardTerminals engineTerminals() {
        return VirtualReaders.terminals();
    }
}
