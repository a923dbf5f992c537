package dev.elephant.standins.cloudflare;

/** An error Cloudflare's API would answer, with its HTTP status and error code. */
public final class CloudflareError extends RuntimeException {

    private final int status;
    private final int code;

    public CloudflareError(int status, int code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }
}
