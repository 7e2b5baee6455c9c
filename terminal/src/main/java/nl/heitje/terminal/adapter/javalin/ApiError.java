// SPDX-License-Identifier: EUPL-1.2
package nl.heitje.terminal.adapter.javalin;

/** A refusal of what the caller sent, with the status and code the till API documents. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
