package dev.elephant.standins.aws;

/** An error EC2 answers in its Query API error envelope. */
final class Ec2Error extends RuntimeException {

    private final String code;
    private final int status;

    Ec2Error(String code, String message) {
        this(400, code, message);
    }

    Ec2Error(int status, String code, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
