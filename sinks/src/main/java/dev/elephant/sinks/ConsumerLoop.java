package dev.elephant.sinks;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shape every long-running consumer of Elephant shares (the DNS sink, the meeting-link follower, and
 * what comes after them): its own consumer on its own thread; {@link #subscribe()}, then {@link #pollOnce()}
 * while running; and one policy for what goes wrong.
 *
 * <ul>
 *   <li>Work that fails (a provider or a bus not answering) is retried in place by {@link #untilDone}, with
 *       the loop's {@link Backoff} or the wait the failure asks for, until it succeeds or the loop stops.</li>
 *   <li>Anything else that escapes a poll — a commit refused because the group moved on while the work kept
 *       the loop longer than {@code max.poll.interval.ms} (an outage of the service it writes to), a broker
 *       gone longer than a client timeout, a bug — does not end the thread: after a backoff the loop goes
 *       back to the last committed offsets and carries on, so the records since are handled again (every
 *       loop's work is idempotent or at least once).</li>
 * </ul>
 *
 * <p>Time comes from the injected clock, so a test can move it.
 */
public abstract class ConsumerLoop implements AutoCloseable {

    private final Logger log = LoggerFactory.getLogger(getClass());
    protected final KafkaConsumer<String, byte[]> consumer;
    protected final Clock clock;
    private final Backoff backoff;
    private final String name;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    /** A failure that says how long to wait before the next attempt. */
    public interface Delayed {
        /** The wait asked for, or null for the loop's backoff. */
        Duration delay();
    }

    /** Work to retry until it succeeds. */
    @FunctionalInterface
    protected interface Attempt {
        void run() throws Exception;
    }

    protected ConsumerLoop(String name, KafkaConsumer<String, byte[]> consumer, Backoff backoff, Clock clock) {
        this.name = name;
        this.consumer = consumer;
        this.backoff = backoff;
        this.clock = clock;
        this.thread = new Thread(this::run, "elephant-" + name);
    }

    /**
     * The consumer every loop reads with: a group of its own, offsets committed by the loop only after its work
     * is done, from the beginning when the group has none, and committed records only (the topology writes in
     * transactions: a loop never acts on an aborted one).
     *
     * @param defaults settings the loop wants unless the configuration says otherwise
     */
    protected static KafkaConsumer<String, byte[]> committedReader(Map<String, Object> clientProperties,
                                                                   String groupId, String clientId,
                                                                   Map<String, Object> defaults) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        defaults.forEach(props::putIfAbsent);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Subscribes the consumer (with a rebalance listener where the loop needs one). */
    protected abstract void subscribe();

    /** One poll, and what it brought handled and committed; false when the loop is stopping. */
    protected abstract boolean pollOnce();

    public final void start() {
        thread.start();
    }

    public final boolean isAlive() {
        return thread.isAlive();
    }

    protected final boolean isStopping() {
        return stopping.getCount() == 0;
    }

    private void run() {
        try {
            subscribe();
            Duration wait = backoff.first();
            boolean rewind = false;
            while (!isStopping()) {
                try {
                    if (rewind) {
                        rewindToCommitted();
                        rewind = false;
                    }
                    if (!pollOnce()) {
                        return;
                    }
                    wait = backoff.first();
                } catch (WakeupException | InterruptException e) {
                    throw e;
                } catch (RuntimeException e) {
                    log.error("{}: {}; resuming from the last committed offsets in {} ms", name, e.toString(),
                            wait.toMillis(), e);
                    if (!pause(wait)) {
                        return;
                    }
                    wait = backoff.after(wait);
                    rewind = true;
                }
            }
        } catch (WakeupException | InterruptException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            log.error("{} stopped: {}", name, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Runs {@code attempt} until it succeeds, waiting after each failure the time the failure asks for
     * ({@link Delayed}) or the loop's backoff.
     *
     * @param what names the work in the log line of each failure
     * @return false when the loop is stopping (the work is then not done)
     */
    protected final boolean untilDone(String what, Attempt attempt) {
        Duration wait = backoff.first();
        while (!isStopping()) {
            try {
                attempt.run();
                return true;
            } catch (WakeupException | InterruptException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                Duration asked = e instanceof Delayed d ? d.delay() : null;
                Duration now = asked != null ? asked : wait;
                log.warn("{}: {}; retrying in {} ms", what, e.getMessage(), now.toMillis());
                if (!pause(now)) {
                    return false;
                }
            }
            wait = backoff.after(wait);
        }
        return false;
    }

    /**
     * Waits, with up to a fifth added at random so that several Elephant instances backing off from the
     * same service do not come back in step.
     *
     * @return false when the loop was told to stop (or its thread interrupted) meanwhile
     */
    private boolean pause(Duration wait) {
        long millis = wait.toMillis() + ThreadLocalRandom.current().nextLong(wait.toMillis() / 5 + 1);
        try {
            return !stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Back to the last committed offset of every assigned partition (the beginning when none was committed). */
    private void rewindToCommitted() {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, c);
            }
        }
    }

    /** Tells the loop to stop, wakes the consumer out of its poll and waits for the thread to end. */
    @Override
    public void close() {
        stopping.countDown();
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ZERO);
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
