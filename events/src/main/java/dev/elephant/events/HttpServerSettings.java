package dev.elephant.events;

/**
 * Settings of the JDK's HTTP server, which it reads once, when the first server of the JVM starts: so
 * every server in Elephant's process (its API, and in dev and tests the stand-ins) applies them before
 * it is created, whichever comes first.
 */
public final class HttpServerSettings {

    /**
     * How long a client may take to send a whole request, headers and body. EventBridge sends an event
     * in well under a second and gives up after 5 s itself; a client dribbling bytes longer is holding
     * one of the server's threads hostage (slow loris), and its connection is closed.
     */
    public static final int MAX_REQUEST_SECONDS = 5;
    /** How long a client may take to read an answer (a slow reader holds a thread too). */
    public static final int MAX_RESPONSE_SECONDS = 30;

    private HttpServerSettings() {}

    public static void apply() {
        // Without TCP_NODELAY, Nagle's algorithm and the peer's delayed ACK add ~40 ms to every answer: the
        // server writes headers and body separately.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(MAX_RESPONSE_SECONDS));
    }
}
