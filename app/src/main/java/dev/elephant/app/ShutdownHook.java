package dev.elephant.app;

import java.util.concurrent.CountDownLatch;

/** How every long-running command ends: SIGTERM or Ctrl-C closes what it started, then the command returns. */
final class ShutdownHook {

    private ShutdownHook() {}

    /** @return released once {@code close} has run, when the process was asked to stop */
    static CountDownLatch closeOnShutdown(Runnable close) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close.run();
            stopped.countDown();
        }, "elephant-shutdown"));
        return stopped;
    }
}
