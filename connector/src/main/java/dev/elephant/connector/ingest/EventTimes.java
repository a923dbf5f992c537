package dev.elephant.connector.ingest;

import java.time.Duration;
import java.time.Instant;

/**
 * How far ahead of Elephant's clock an event's time may be. Event time orders everything downstream (an
 * instance's state moves only forward, a newer "scheduled" wins), so one event stamped by a clock that
 * jumped ahead would make every true event after it look older and freeze the instance or the meeting
 * until that time comes. Such an event is refused at the door (400, dead-lettered with its payload), where
 * the sender can still be told.
 */
public final class EventTimes {

    /** Generous against ordinary clock skew; far short of anything a meeting lasts. */
    public static final Duration MAX_AHEAD = Duration.ofMinutes(5);

    private EventTimes() {}

    /** Why {@code time} cannot be taken, or null when it can. */
    public static String tooFarAhead(String field, Instant time, Instant now) {
        if (time.isAfter(now.plus(MAX_AHEAD))) {
            return field + " " + time + " is more than " + MAX_AHEAD.toMinutes()
                    + " minutes ahead of Elephant's clock (" + now + "); is the sender's clock right?";
        }
        return null;
    }
}
