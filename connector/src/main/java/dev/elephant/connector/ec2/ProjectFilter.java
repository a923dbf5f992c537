package dev.elephant.connector.ec2;

import java.util.Map;

/** Which instances are Elephant's: those tagged {@code key=value} (default {@code Project=Elephant}). */
public record ProjectFilter(String tagKey, String tagValue) {

    public static ProjectFilter defaults() {
        return new ProjectFilter("Project", "Elephant");
    }

    public boolean matches(Map<String, String> tags) {
        return tagValue.equals(tags.get(tagKey));
    }
}
