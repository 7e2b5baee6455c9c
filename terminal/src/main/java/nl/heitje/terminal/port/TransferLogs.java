// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.port;

import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Token;

/**
 * The chain as the holder snapshot reads it: the head, single blocks, and a token's ERC-20
 * {@code Transfer(address indexed from, address indexed to, uint256 value)} logs over a range of blocks.
 * Each call answers, or throws {@link ChainUnavailableException} (no answer) or {@link ChainRejectedException}
 * (the node refused, e.g. a range wider than it serves).
 */
public interface TransferLogs {

    /** The newest block number the node has. */
    long headBlock();

    /** The block at this height as the node has it; empty when the node does not have it. */
    Optional<BlockRef> block(long number);

    /**
     * Every {@code Transfer} log of the token in blocks {@code [fromBlock, toBlock]}, both inclusive, in any order.
     *
     * @throws ChainRejectedException when the node refuses the request; hosted nodes refuse wide ranges and large
     *                                answers, so a caller asks again for fewer blocks
     */
    List<Transfer> transfers(Token token, long fromBlock, long toBlock);

    /** A block by number, with what identifies it (its hash) and when it was made (its timestamp). */
    record BlockRef(long number, String hash, Instant time) {
    }

    /** One {@code Transfer} log; a mint comes from the zero address, a burn goes to it. */
    record Transfer(long block, long logIndex, Address from, Address to, BigInteger value) {
    }
}
