package dev.elephant.events;

/**
 * The id grammar: only ids that match it ever become part of a DNS name, so no input can make
 * Elephant build a name with dots, slashes or anything else that could leave the managed domain.
 */
public final class InstanceIds {

    private InstanceIds() {}

    // Checked character by character rather than by regex: every event and every record name is checked,
    // and the matcher was a visible share of the topology's time.

    /** {@code i-} and 8 to 17 lower-case hex digits. */
    public static boolean isEc2InstanceId(String id) {
        return id != null && id.length() >= 10 && id.length() <= 19 && id.startsWith("i-") && isLowerHex(id, 2);
    }

    /** 32 lower-case hex digits. */
    public static boolean isEcsTaskId(String id) {
        return id != null && id.length() == 32 && isLowerHex(id, 0);
    }

    public static boolean isValid(String id) {
        return isEc2InstanceId(id) || isEcsTaskId(id);
    }

    private static boolean isLowerHex(String id, int from) {
        for (int i = from; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** The record name of an instance: {@code {id}.{domain}}, lower case. */
    public static String recordName(String id, String domain) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("not an EC2 instance id or ECS task id: " + Printable.of(id));
        }
        return id + "." + domain.toLowerCase(java.util.Locale.ROOT);
    }
}
