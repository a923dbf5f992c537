package dev.elephant.events;

import java.util.regex.Pattern;

/**
 * The id grammar: only ids that match it ever become part of a DNS name, so no input can make
 * Elephant build a name with dots, slashes or anything else that could leave the managed domain.
 */
public final class InstanceIds {

    private static final Pattern EC2 = Pattern.compile("i-[0-9a-f]{8,17}");
    private static final Pattern ECS_TASK = Pattern.compile("[0-9a-f]{32}");

    private InstanceIds() {}

    public static boolean isEc2InstanceId(String id) {
        return id != null && EC2.matcher(id).matches();
    }

    public static boolean isEcsTaskId(String id) {
        return id != null && ECS_TASK.matcher(id).matches();
    }

    public static boolean isValid(String id) {
        return isEc2InstanceId(id) || isEcsTaskId(id);
    }

    /** The record name of an instance: {@code {id}.{domain}}, lower case. */
    public static String recordName(String id, String domain) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("not an EC2 instance id or ECS task id: " + Printable.of(id));
        }
        return id + "." + domain.toLowerCase(java.util.Locale.ROOT);
    }
}
