// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator.card;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import javax.smartcardio.TerminalFactory;

/**
 * A pure-Java {@code javax.smartcardio} provider whose readers are {@link VirtualReader}s: the terminal's PC/SC
 * adapter talks to the simulator's cards through the very API it uses for real readers. JCA makes the factory
 * reflectively, so the readers live in the static {@link VirtualReaders} registry.
 */
public final class VirtualSmartcardProvider extends Provider {
    public static final String NAME = "HeitjeVirtual";
    /** The {@code TerminalFactory} type this provider offers. */
    public static final String TYPE = "HeitjeVirtual";
    /** Read once, when {@code TerminalFactory} is first used; it must be a system property. */
    public static final String DEFAULT_TYPE_PROPERTY = "javax.smartcardio.TerminalFactory.DefaultType";

    private static final long serialVersionUID = 1L;

    public VirtualSmartcardProvider() {
        super(NAME, "1.0", "virtual card readers of the Heitje simulator");
        put("TerminalFactory." + TYPE, VirtualTerminalFactorySpi.class.getName());
    }

    /**
     * Registers the provider and makes it {@link TerminalFactory#getDefault()}; call before anything in this JVM
     * first touches {@code TerminalFactory}, which fixes its default once.
     */
    public static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.addProvider(new VirtualSmartcardProvider());
        }
        System.setProperty(DEFAULT_TYPE_PROPERTY, TYPE);
    }

    /** A factory over the virtual readers, whatever the JVM's default is. */
    public static TerminalFactory factory() {
        install();
        try {
            return TerminalFactory.getInstance(TYPE, null, NAME);
        } catch (NoSuchAlgorithmException | java.security.NoSuchProviderException impossible) {
            throw new IllegalStateException("the virtual smartcard provider did not register", impossible);
        }
    }
}
