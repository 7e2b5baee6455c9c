// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import nl.heitje.terminal.codec.PaymentQrCodec;
import nl.heitje.terminal.crypto.Eip3009;
import nl.heitje.terminal.crypto.Signatures;
import nl.heitje.terminal.domain.Address;
import nl.heitje.terminal.domain.Hex;
import nl.heitje.terminal.domain.Nonce;
import nl.heitje.terminal.domain.Signature;
import nl.heitje.terminal.domain.Token;
import nl.heitje.terminal.domain.TransferAuthorization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;

/**
 * The project's HTJ1 test vectors, held against two implementations: ethers (run now, not only when the vectors
 * were made) and our own Java encoder and decoder.
 */
class Htj1VectorsTest {
    private static JsonNode vectors;

    @BeforeAll
    static void readVectors() throws Exception {
        try (InputStream in = Htj1VectorsTest.class.getResourceAsStream("/htj1-vectors.json")) {
            vectors = new ObjectMapper().readTree(in).get("vectors");
        }
    }

    @Test
    void ethersProducesExactlyTheVectors() throws Exception {
        var requests = new ObjectMapper().createArrayNode();
        vectors.forEach(v -> requests.add(v.get("input")));
        JsonNode answers = EthersSigner.sign(requests);
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode expected = vectors.get(i).get("expected");
            for (String field : new String[] {"from", "domainSeparator", "digest", "signature", "htj1"}) {
                assertEquals(expected.get(field).asText(), answers.get(i).get(field).asText(), "vector " + i + " " + field);
            }
        }
    }

    @Test
    void ourEncoderProducesExactlyTheVectors() {
        for (JsonNode vector : vectors) {
            JsonNode in = vector.get("input");
            JsonNode expected = vector.get("expected");
            Token token = token(in);
            ECKeyPair key = ECKeyPair.create(Hex.decode(in.get("privateKey").asText()));
            TransferAuthorization unsigned = authorization(in, Signatures.addressOf(key),
                    new Signature(BigInteger.ONE, BigInteger.ONE, 27));
            byte[] domainSeparator = Eip3009.domainSeparator(token);
            byte[] digest = Eip3009.digest(domainSeparator, unsigned);
            Signature signature = Signatures.sign(digest, key);
            TransferAuthorization signed = unsigned.withSignature(signature);

            assertEquals(expected.get("from").asText().toLowerCase(), unsigned.from().hex());
            assertEquals(expected.get("domainSeparator").asText(), Hex.encode(domainSeparator));
            assertEquals(expected.get("digest").asText(), Hex.encode(digest));
            assertEquals(expected.get("signature").asText(), signature.hex());
            assertEquals(expected.get("htj1").asText(), PaymentQrCodec.encode(signed));
        }
    }

    @Test
    void ourDecoderRecoversThePayerFromEveryVector() {
        for (JsonNode vector : vectors) {
            JsonNode in = vector.get("input");
            TransferAuthorization decoded = PaymentQrCodec.decode(vector.get("expected").get("htj1").asText()).orElseThrow();
            byte[] digest = Eip3009.digest(Eip3009.domainSeparator(token(in)), decoded);
            assertEquals(Address.parse(vector.get("expected").get("from").asText()),
                    Signatures.recoverSigner(digest, decoded.signature()).orElseThrow());
            assertEquals(new BigInteger(in.get("value").asText()), decoded.value());
            assertEquals(Long.parseUnsignedLong(in.get("validBefore").asText()), decoded.validBefore());
        }
    }

    private static Token token(JsonNode in) {
        return new Token("T", in.get("chainId").asLong(), Address.parse(in.get("token").asText()),
                in.get("tokenName").asText(), in.get("tokenVersion").asText(), 2);
    }

    private static TransferAuthorization authorization(JsonNode in, Address from, Signature signature) {
        return new TransferAuthorization(in.get("chainId").asLong(), Address.parse(in.get("token").asText()), from,
                Address.parse(in.get("to").asText()), new BigInteger(in.get("value").asText()),
                Long.parseUnsignedLong(in.get("validAfter").asText()), Long.parseUnsignedLong(in.get("validBefore").asText()),
                new Nonce(in.get("nonce").asText()), signature);
    }
}
