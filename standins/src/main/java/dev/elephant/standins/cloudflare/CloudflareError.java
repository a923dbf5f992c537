package dev.elephant.standins.cloudflare;

/** An error Cloudflare's API would answer, with its HTTP status and error code. */
public final class CloudflareError extends RuntimeException {

    private final int status;
    private final int code;
    private final int causeCode;
    private final String causeMessage;

    public CloudflareError(int status, int code, String message) {
        this(status, code, message, 0, null);
    }

    /** An error with one entry of Cloudflare's {@code error_chain}: the specific reason under a general code. */
    public CloudflareError(int status, int code, String message, int causeCode, String causeMessage) {
        super(message);
        this.status = status;
        this.code = code;
        this.causeCode = causeCode;
        this.causeMessage = causeMessage;
    }

    public int causeCode() {
        return causeCode;
    }

    public String causeMessage() {
        return causeMessage;
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }
}
