// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

/**
 * Where a signed document (a deny-list, a purse's spending rules) is handed in, by whatever carried it (a sync over
 * HTTP, a USB stick, provisioning): the signature is trusted, not the channel, so every document is verified here
 * and kept only if it is newer than the one held.
 */
public interface SignedDocumentInbox {

    /** @param document the document exactly as received */
    Acceptance offer(byte[] document);

    /** What became of an offered document. Refusals are expected outcomes, never exceptions. */
    sealed interface Acceptance {
        /** The document verified and is newer than the held one: it is kept and answers from now on. */
        record Accepted(long sequence) implements Acceptance {
        }

        /** The same document (same sequence, same bytes) is held already. */
        record AlreadyHeld(long sequence) implements Acceptance {
        }

        /** The document does not verify, or would replace a newer one; the held document stays. */
        record Refused(String reason) implements Acceptance {
        }
    }
}
