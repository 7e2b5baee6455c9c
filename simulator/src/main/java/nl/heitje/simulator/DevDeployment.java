// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which contracts the simulator deployed on a chain it did not start, as recorded in {@code DIR/chain.json}, so that
 * later starts on the same data directory reuse them. The genesis block's hash tells one chain from another behind
 * the same URL: anvil's genesis carries its start time, so a restarted anvil is another chain.
 *
 * <p>{@code tokens} maps each purse's symbol to its contract and deployment block. A record written before there were
 * several purses has only {@code token}, the Heitje, whose deployment block it did not keep (0: read from genesis).
 * {@code token} is still written, as the first token's contract, for readers of that older form.
 */
record DevDeployment(long chainId, String genesisHash, String batcher, Map<String, LocalChain.Deployed> tokens) {
    static final String FILE = "chain.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    DevDeployment {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("a deployment has at least one token");
        }
        tokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
    }

    static Optional<DevDeployment> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            Map<String, LocalChain.Deployed> tokens = new LinkedHashMap<>();
            JsonNode listed = json.get("tokens");
            if (listed == null) {
                tokens.put(LocalChain.TOKEN_SYMBOL, new LocalChain.Deployed(text(json, "token", file), 0));
            } else if (!listed.isObject() || listed.isEmpty()) {
                throw new StartRefusedException(file + " has no token in \"tokens\"; move it away to deploy anew");
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> each = listed.fields(); each.hasNext(); ) {
                    Map.Entry<String, JsonNode> token = each.next();
                    tokens.put(token.getKey(), new LocalChain.Deployed(text(token.getValue(), "contract", file),
                            token.getValue().path("deployBlock").asLong(0)));
                }
            }
            return Optional.of(new DevDeployment(json.path("chainId").asLong(), text(json, "genesisHash", file),
                    text(json, "batcher", file), tokens));
        } catch (IOException e) {
            throw new StartRefusedException(file + " is not a readable deployment record (" + e.getMessage()
                    + "); move it away to deploy anew");
        }
    }

    private static String text(JsonNode json, String field, Path file) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            throw new StartRefusedException(file + " has no \"" + field + "\"; move it away to deploy anew");
        }
        return value.asText();
    }

    void write(Path file) {
        ObjectNode json = JSON.createObjectNode()
                .put("chainId", chainId)
                .put("genesisHash", genesisHash)
                .put("token", tokens.values().iterator().next().contract())
                .put("batcher", batcher);
        ObjectNode listed = json.putObject("tokens");
        tokens.forEach((symbol, deployed) -> listed.putObject(symbol)
                .put("contract", deployed.contract())
                .put("deployBlock", deployed.block()));
        try {
            AtomicFiles.replace(file, JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the deployment record", e);
        }
    }
}
