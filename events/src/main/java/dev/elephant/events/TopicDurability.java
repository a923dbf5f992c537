package dev.elephant.events;

/**
 * How many replicas must hold a write before the broker acknowledges it. Elephant answers 202 only after
 * {@code acks=all}; with {@code min.insync.replicas=1} (Kafka's default) "all" can be a single replica, and
 * losing that broker loses an acknowledged event. With three or more replicas Elephant asks for two in
 * sync: one broker may fail without losing a write or stopping them. One place for the rule, used for the
 * topics Elephant creates, for those users manage, and for Kafka Streams' internal topics.
 */
public final class TopicDurability {

    /** The in-sync replicas Elephant asks for on topics of three replicas or more. */
    public static final int MIN_IN_SYNC_REPLICAS = 2;
    private static final int REPLICAS_FOR_TWO_IN_SYNC = 3;

    private TopicDurability() {}

    /** The {@code min.insync.replicas} a topic of {@code replicas} replicas gets, or 0 for the broker's default. */
    public static int minInSyncReplicasFor(int replicas) {
        return replicas >= REPLICAS_FOR_TWO_IN_SYNC ? MIN_IN_SYNC_REPLICAS : 0;
    }

    /** Why a topic as the user made it could lose an acknowledged write, or null when it cannot. */
    public static String problem(String topic, int replicas, int minInSyncReplicas) {
        int wanted = minInSyncReplicasFor(replicas);
        if (wanted == 0 || minInSyncReplicas >= wanted) {
            return null;
        }
        return topic + " has " + replicas + " replicas but min.insync.replicas=" + minInSyncReplicas
                + ": an acknowledged write could be lost with one broker (set min.insync.replicas=" + wanted + ")";
    }
}
