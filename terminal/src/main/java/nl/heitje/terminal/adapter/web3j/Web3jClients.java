// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.web3j;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** JSON-RPC clients the terminal (and its self-test) use: none may wait on a node without end. */
public final class Web3jClients {
    private Web3jClients() {
    }

    /** A JSON-RPC client whose every call, DNS and connect included, ends within {@code callTimeout}. */
    public static Web3j bounded(String rpcUrl, Duration callTimeout) {
        long millis = callTimeout.toMillis();
        return Web3j.build(new HttpService(rpcUrl, new OkHttpClient.Builder()
                .callTimeout(millis, TimeUnit.MILLISECONDS)
                .connectTimeout(millis, TimeUnit.MILLISECONDS)
                .readTimeout(millis, TimeUnit.MILLISECONDS)
                .writeTimeout(millis, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .build()));
    }
}
