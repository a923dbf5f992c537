package dev.elephant.sinks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * What the sinks' consumer loops share: backing off until told to stop, and stopping a loop that
 * runs its own consumer on its own thread.
 */
public final class SinkLoops {

    private SinkLoops() {}

    /**
     * Waits, with up to a fifth added at random so that several Elephant instances backing off from the
     * same service do not come back in step.
     *
     * @return false when {@code stopping} was released (or the thread interrupted) meanwhile
     */
    public static boolean pause(CountDownLatch stopping, Duration wait) {
        long millis = wait.toMillis() + ThreadLocalRandom.current().nextLong(wait.toMillis() / 5 + 1);
        try {
            return !stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The next backoff: twice this one, at most {@code max}. */
    public static Duration doubled(Duration backoff, Duration max) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(max) > 0 ? max : twice;
    }

    /** Releases {@code stopping}, wakes the consumer out of its poll and waits for the loop's thread to end. */
    public static void stop(CountDownLatch stopping, KafkaConsumer<?, ?> consumer, Thread thread) {
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
