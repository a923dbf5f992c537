package dev.elephant.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What to launch for a meeting's roles: an image and an instance type, or a launch template, with the optional
 * network and key settings of {@code RunInstances}; {@code roles} overrides any of them for one role. Carried by a
 * {@code scheduled} meeting event; without it Elephant launches nothing for the meeting.
 *
 * @param launchTemplate a launch template name: its settings apply, the ones given here override them
 */
public record LaunchSpec(
        String imageId,
        String instanceType,
        String launchTemplate,
        String subnetId,
        List<String> securityGroupIds,
        String keyName,
        Map<String, LaunchSpec> roles) {

    // Grammars from the EC2 API reference (resource ids: prefix and 8 or 17 hex digits; key names and template
    // names: printable ASCII; template names 3–128 of [a-zA-Z0-9().\-/_]).
    private static final Pattern IMAGE = Pattern.compile("ami-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("[a-z][a-z0-9-]{0,15}\\.[a-z0-9-]{1,16}");
    private static final Pattern TEMPLATE = Pattern.compile("[a-zA-Z0-9().\\-/_]{3,128}");
    private static final Pattern SUBNET = Pattern.compile("subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    private static final Pattern SECURITY_GROUP = Pattern.compile("sg-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    private static final Pattern KEY_NAME = Pattern.compile("[\\x20-\\x7e]{1,255}");
    private static final int MAX_SECURITY_GROUPS = 5;

    public LaunchSpec {
        securityGroupIds = securityGroupIds == null ? null : List.copyOf(securityGroupIds);
        roles = roles == null ? null : Map.copyOf(roles);
    }

    /** The settings for one role: its overrides over the meeting's. */
    public LaunchSpec forRole(String role) {
        LaunchSpec o = roles == null ? null : roles.get(role);
        if (o == null) {
            return new LaunchSpec(imageId, instanceType, launchTemplate, subnetId, securityGroupIds, keyName, null);
        }
        return new LaunchSpec(or(o.imageId, imageId), or(o.instanceType, instanceType),
                or(o.launchTemplate, launchTemplate), or(o.subnetId, subnetId),
                o.securityGroupIds != null ? o.securityGroupIds : securityGroupIds, or(o.keyName, keyName), null);
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }

    /**
     * What is wrong with this spec for a meeting of these roles, each problem naming its field ({@code
     * launch.roles.teacher.imageId ...}); empty when it can be launched.
     */
    public List<String> problems(List<String> meetingRoles) {
        List<String> problems = new ArrayList<>();
        fieldProblems("launch", this, problems);
        if (roles != null) {
            for (Map.Entry<String, LaunchSpec> e : new LinkedHashMap<>(roles).entrySet()) {
                String at = "launch.roles." + Printable.of(e.getKey());
                if (!meetingRoles.contains(e.getKey())) {
                    problems.add(at + " is not one of the meeting's roles " + meetingRoles);
                } else if (e.getValue() == null) {
                    problems.add(at + " must be an object");
                } else if (e.getValue().roles != null) {
                    problems.add(at + ".roles is not allowed: overrides do not nest");
                } else {
                    fieldProblems(at, e.getValue(), problems);
                }
            }
        }
        if (problems.isEmpty()) {
            for (String role : meetingRoles) {
                LaunchSpec r = forRole(role);
                if (r.imageId == null && r.launchTemplate == null) {
                    problems.add("launch: role " + role + " has neither an imageId nor a launchTemplate");
                } else if (r.launchTemplate == null && r.instanceType == null) {
                    problems.add("launch: role " + role + " has an imageId but no instanceType");
                }
            }
        }
        return problems;
    }

    private static void fieldProblems(String at, LaunchSpec s, List<String> problems) {
        check(at + ".imageId", s.imageId, IMAGE, "an AMI id such as ami-0abc1234def567890", problems);
        check(at + ".instanceType", s.instanceType, INSTANCE_TYPE, "an instance type such as t3.large", problems);
        check(at + ".launchTemplate", s.launchTemplate, TEMPLATE,
                "a launch template name: 3 to 128 letters, digits or ().-/_", problems);
        check(at + ".subnetId", s.subnetId, SUBNET, "a subnet id such as subnet-0abc1234", problems);
        check(at + ".keyName", s.keyName, KEY_NAME, "a key pair name of printable ASCII", problems);
        if (s.securityGroupIds != null) {
            if (s.securityGroupIds.size() > MAX_SECURITY_GROUPS) {
                problems.add(at + ".securityGroupIds has more than " + MAX_SECURITY_GROUPS + " groups");
            }
            for (String g : s.securityGroupIds) {
                check(at + ".securityGroupIds", g, SECURITY_GROUP, "security group ids such as sg-0abc1234", problems);
            }
        }
    }

    private static void check(String field, String value, Pattern grammar, String expected, List<String> problems) {
        if (value != null && !grammar.matcher(value).matches()) {
            problems.add(field + " " + Printable.of(value) + " is not " + expected);
        }
    }
}
