// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import nl.heitje.terminal.domain.DenyListDocument;
import nl.heitje.terminal.port.DenyListInbox;

/**
 * Fetches the municipality's deny-list document (docs/deny-list.md) from {@code denyList.url} and hands it to the
 * deny-list's inbox: a {@link SignedDocumentSync} bounded by the largest deny-list a terminal accepts.
 */
public final class DenyListSync extends SignedDocumentSync {

    /** @throws IllegalArgumentException for a URL that is not https, unless it is plain http to this machine */
    public DenyListSync(URI url, DenyListInbox inbox, Duration timeout, Clock clock) {
        super("deny-list", url, inbox, DenyListDocument.MAX_BYTES, timeout, clock);
    }
}
