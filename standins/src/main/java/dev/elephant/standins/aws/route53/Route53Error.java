package dev.elephant.standins.aws.route53;

import java.util.List;

/**
 * An error as Route 53 answers it, {@code <ErrorResponse><Error><Type/><Code/><Message/></Error>}; an invalid
 * change batch names every problem of the batch in its message.
 */
final class Route53Error extends RuntimeException {

    final int status;
    final String code;
    final List<String> messages;

    Route53Error(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    private Route53Error(int status, String code, String message, List<String> messages) {
        super(message);
        this.status = status;
        this.code = code;
        this.messages = List.copyOf(messages);
    }

    static Route53Error invalidChangeBatch(List<String> problems) {
        return new Route53Error(400, "InvalidChangeBatch", "[" + String.join(", ", problems) + "]", problems);
    }
}
