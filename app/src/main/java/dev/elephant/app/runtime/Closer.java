package dev.elephant.app.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what was registered in the reverse order of registration, so the order of shutdown is written once,
 * by the order of start (Guava's {@code Closer} shape). {@link #register} returns what it registered, so a
 * resource is made and registered in one expression. A failure to close one resource is logged and the rest
 * are closed all the same.
 */
public final class Closer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Closer.class);
    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    public <T extends AutoCloseable> T register(T resource) {
        stack.push(resource);
        return resource;
    }

    public boolean isEmpty() {
        return stack.isEmpty();
    }

    @Override
    public void close() {
        while (!stack.isEmpty()) {
            try {
                stack.pop().close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }
}
