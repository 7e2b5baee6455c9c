// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which contracts the simulator deployed on a chain it did not start, as recorded in {@code DIR/chain.json}, so that
 * later starts on the same data directory reuse them. The genesis block's hash tells one chain from another behind
 * the same URL: anvil's genesis carries its start time, so a restarted anvil is another chain.
 */
record DevDeployment(long chainId, String genesisHash, String token, String batcher) {
    static final String FILE = "chain.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static Optional<DevDeployment> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(file.toFile());
            return Optional.of(new DevDeployment(json.path("chainId").asLong(), text(json, "genesisHash", file),
                    text(json, "token", file), text(json, "batcher", file)));
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
                .put("token", token)
                .put("batcher", batcher);
        try {
            AtomicFiles.replace(file, JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the deployment record", e);
        }
    }
}
