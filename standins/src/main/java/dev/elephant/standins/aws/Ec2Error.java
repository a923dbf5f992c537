package dev.elephant.standins.aws;

/** An error EC2 answers in its Query API error envelope. */
final class Ec2Error extends RuntimeException {

    private final String code;

    Ec2Error(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }
}
