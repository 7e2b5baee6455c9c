// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.lanterna;

import java.util.EnumMap;
import java.util.Map;
import nl.heitje.terminal.domain.DeclineCode;

/** Everything the staff screen says, in Dutch or English ({@code staffUi.language}). */
final class StaffWords {
    private final boolean dutch;
    private static final Map<DeclineCode, String[]> DECLINES = new EnumMap<>(DeclineCode.class);

    static {
        decline(DeclineCode.MALFORMED, "Code niet leesbaar", "Code could not be read");
        decline(DeclineCode.TOKEN_NOT_ACCEPTED, "Dit tegoed kan hier niet", "This purse is not accepted here");
        decline(DeclineCode.WRONG_MERCHANT, "Code is voor een andere winkel", "Code is for another shop");
        decline(DeclineCode.AMOUNT_MISMATCH, "Bedrag klopt niet met de code", "Amount does not match the code");
        decline(DeclineCode.BAD_SIGNATURE, "Code is niet echt", "Code is not genuine");
        decline(DeclineCode.EXPIRED, "Code is verlopen", "Code has expired");
        decline(DeclineCode.NOT_YET_VALID, "Code is nog niet geldig", "Code is not valid yet");
        decline(DeclineCode.REPLAYED, "Code is al gebruikt", "Code was already used");
        decline(DeclineCode.DENIED, "Rekening is geblokkeerd", "Account is blocked");
        decline(DeclineCode.INSUFFICIENT_FUNDS, "Saldo te laag", "Not enough balance");
        decline(DeclineCode.OFFLINE_LIMIT, "Offline limiet bereikt", "Offline limit reached");
        decline(DeclineCode.WRONG_PIN, "Verkeerde pincode", "Wrong PIN");
        decline(DeclineCode.CARD_BLOCKED, "Pas is geblokkeerd", "Card is blocked");
        decline(DeclineCode.CARD_REMOVED, "Pas te vroeg weggehaald", "Card removed too soon");
        decline(DeclineCode.CARD_UNSUPPORTED, "Deze pas werkt hier niet", "This card is not supported");
        decline(DeclineCode.CARD_ERROR, "Pas kon niet gelezen worden", "Card could not be read");
    }

    private static void decline(DeclineCode code, String dutch, String english) {
        DECLINES.put(code, new String[] {dutch, english});
    }

    StaffWords(String language) {
        this.dutch = !"en".equals(language);
    }

    String decline(DeclineCode code) {
        String[] words = DECLINES.get(code);
        return words == null ? code.name() : words[dutch ? 0 : 1];
    }

    String say(String dutchText, String englishText) {
        return dutch ? dutchText : englishText;
    }

    String approvedWord() {
        return dutch ? "BETAALD" : "APPROVED";
    }

    String declinedWord() {
        return dutch ? "GEWEIGERD" : "DECLINED";
    }
}
