package dev.elephant.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import dev.elephant.standins.aws.EventBridgeSamples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Malformed and hostile EventBridge bodies, generated from a seed: broken JSON, wrong types, missing
 * fields, instance and task ids that try to become something else than one DNS label under the
 * domain, huge numbers, deep nesting. None of them can ever be a valid event, so each must be refused.
 */
final class HostileBodies {

    record Body(String kind, byte[] bytes) {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Ids that look almost right: each must stay out of every DNS name. */
    private static final List<String> IDS = List.of("i-0a1b2c3d.evil.example", "i-0a1b2c3d/../../etc", "../i-0a1b2c3d",
            "i-0a1b2c3dé", "\u0456-0a1b2c3d4e5f", "I-0A1B2C3D4E5F", "i-" + "a".repeat(70), "i-abc", "", " ",
            " i-0a1b2c3d4e5f", "i-0a1b2c3d4e5f\n", "i-0a1b2c3d\u0000", "%2e%2e%2f", "i-0a1b2c3d4e5f67890.example.org.",
            "*.meet.example.com", "i-0a1b2c3d4e5f\r\nX-Injected: 1", "i-0a1b2c3d4e5f.meet.example.com",
            "xn--i-0a1b2c3d", "i_0a1b2c3d4e5f", "i-0a1b2c3d4e5g", "i-0a1b 2c3d", "@", "i-0a1b2c3d4e5f;rm -rf /",
            "x".repeat(100_000));
    private static final String HOSTILE_CHARS = "./\\ \t\n\r\u0000%*@:;,'\"<>{}[]éßЖ中\uD83D\uDE00\u202EÅABCDEFXYZ_";

    private HostileBodies() {}

    static List<Body> generate(long seed, int count) {
        Random random = new Random(seed);
        ObjectNode ec2 = (ObjectNode) read("ec2-running.json");
        ObjectNode ecs = (ObjectNode) read("ecs-task-running.json");
        List<Body> bodies = new ArrayList<>();
        for (String id : IDS) {
            bodies.add(json("hostile-ec2-id", ec2, e -> detail(e).put("instance-id", id)));
            bodies.add(json("hostile-ecs-task", ecs, e -> detail(e).put("taskArn",
                    "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/" + id)));
        }
        for (String field : List.of("id", "detail-type", "source", "time", "detail")) {
            bodies.add(json("missing-" + field, ec2, e -> e.remove(field)));
        }
        bodies.add(json("missing-instance-id", ec2, e -> detail(e).remove("instance-id")));
        bodies.add(json("missing-state", ec2, e -> detail(e).remove("state")));
        bodies.add(json("missing-task-arn", ecs, e -> detail(e).remove("taskArn")));
        bodies.add(json("unknown-detail-type", ec2, e -> e.put("detail-type", "EC2 Spot Instance Interruption Warning")));
        bodies.add(json("unknown-source", ec2, e -> e.put("source", "aws.s3")));
        bodies.add(json("unknown-state", ec2, e -> detail(e).put("state", "exploded")));
        bodies.add(json("upper-case-state", ec2, e -> detail(e).put("state", "RUNNING")));
        bodies.add(json("huge-number-version", ecs, e -> detail(e).put("version",
                new java.math.BigInteger("9".repeat(90)))));
        bodies.add(raw("huge-number", "{\"version\": 1e999999, \"id\": " + "9".repeat(5000) + "}"));
        bodies.add(raw("deep-array", "{\"detail\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
        bodies.add(raw("deep-object", "{\"detail\": " + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}"));
        bodies.add(raw("not-an-object", "[1, 2, 3]"));
        bodies.add(raw("a-string", "\"running\""));
        bodies.add(raw("null", "null"));
        bodies.add(raw("empty", ""));
        bodies.add(new Body("invalid-utf8", concat(
                "{\"version\":\"0\",\"id\":\"x\",\"detail-type\":\"EC2 Instance State-change Notification\","
                        + "\"source\":\"aws.ec2\",\"time\":\"2026-11-20T09:00:19Z\",\"detail\":{\"instance-id\":\"i-0a1b",
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, "\",\"state\":\"running\"}}")));

        List<String> fields = List.of("id", "detail-type", "source", "time", "detail", "detail.instance-id",
                "detail.state");
        List<JsonNode> wrongValues = List.of(NODES.numberNode(12345), NODES.textNode("x"), NODES.arrayNode(),
                NODES.objectNode(), NODES.booleanNode(true), NODES.nullNode(), NODES.numberNode(-1.5e300));
        while (bodies.size() < count) {
            switch (random.nextInt(5)) {
                case 0 -> { // broken JSON: a valid event cut short
                    byte[] whole = Json.toBytes(random.nextBoolean() ? ec2 : ecs);
                    int cut = 1 + random.nextInt(whole.length - 2);
                    bodies.add(new Body("truncated", java.util.Arrays.copyOf(whole, cut)));
                }
                case 1 -> { // garbage
                    byte[] garbage = new byte[1 + random.nextInt(2_000)];
                    random.nextBytes(garbage);
                    garbage[0] = (byte) "{[\"x7-t".charAt(random.nextInt(6));
                    bodies.add(new Body("garbage", garbage));
                }
                case 2 -> { // a field of the wrong type
                    String field = fields.get(random.nextInt(fields.size()));
                    JsonNode value = wrongValues.get(random.nextInt(wrongValues.size()));
                    if (isRightType(field, value)) {
                        continue;
                    }
                    bodies.add(json("wrong-type-" + field, ec2, e -> {
                        if (field.startsWith("detail.")) {
                            detail(e).set(field.substring(7), value);
                        } else {
                            e.set(field, value);
                        }
                    }));
                }
                case 3 -> { // an id with a hostile character somewhere
                    StringBuilder id = new StringBuilder("i-0a1b2c3d4e5f67890");
                    int n = 1 + random.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        id.insert(random.nextInt(id.length() + 1), HOSTILE_CHARS.charAt(random.nextInt(HOSTILE_CHARS.length())));
                    }
                    bodies.add(json("random-hostile-id", ec2, e -> detail(e).put("instance-id", id.toString())));
                }
                default -> { // a hostile task id
                    StringBuilder id = new StringBuilder("c13b4cb40f1f4fe4a2971f76ae5a47ad");
                    id.setCharAt(random.nextInt(id.length()), HOSTILE_CHARS.charAt(random.nextInt(HOSTILE_CHARS.length())));
                    bodies.add(json("random-hostile-task", ecs, e -> detail(e).put("taskArn",
                            "arn:aws:ecs:us-west-2:111122223333:task/FargateCluster/" + id)));
                }
            }
        }
        return bodies;
    }

    /** A wrong-type replacement that happens to be of the right type is no test. */
    private static boolean isRightType(String field, JsonNode value) {
        return field.equals("detail") ? value.isObject() : value.isTextual() && !field.equals("time")
                && !field.equals("detail.state");
    }

    private static ObjectNode detail(ObjectNode event) {
        return (ObjectNode) event.get("detail");
    }

    private static Body json(String kind, ObjectNode template, Consumer<ObjectNode> change) {
        ObjectNode copy = template.deepCopy();
        copy.put("id", java.util.UUID.randomUUID().toString());
        change.accept(copy);
        return new Body(kind, Json.toBytes(copy));
    }

    private static Body raw(String kind, String text) {
        return new Body(kind, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(String a, byte[] b, String c) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] z = c.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[x.length + b.length + z.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(b, 0, out, x.length, b.length);
        System.arraycopy(z, 0, out, x.length + b.length, z.length);
        return out;
    }

    private static JsonNode read(String sample) {
        try {
            return Json.mapper().readTree(EventBridgeSamples.read(sample));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
