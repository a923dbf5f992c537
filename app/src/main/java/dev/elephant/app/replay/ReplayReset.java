package dev.elephant.app.replay;

import dev.elephant.app.runtime.Directories;
import dev.elephant.app.runtime.ElephantSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Makes the topology start over from the retained log, as Kafka's streams reset tool does: the
 * application's committed input offsets go back (to the beginning, or to a time), its internal
 * topics and its local state are removed. Refuses while any instance of the application runs.
 */
public final class ReplayReset {

    private final ElephantSettings settings;
    private final PrintWriter out;

    public ReplayReset(ElephantSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Back to the beginning of the whole log: the tables are a function of all of it (an instance running
     * since before any time T is in none of the events after T), so only the whole log rebuilds them.
     */
    public void reset(boolean dryRun) throws IOException {
        String app = settings.applicationId();
        var topics = settings.topics().names();
        List<String> inputs = List.of(topics.instanceEvents(), topics.meetingEvents(), topics.dnsMutations());
        try (Admin admin = Admin.create(new HashMap<>(settings.kafka().properties()))) {
            requireStopped(admin, app);
            requireStopped(admin, app + "-dns-sink");
            List<String> internal = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(app + "-") && (t.endsWith("-changelog") || t.endsWith("-repartition")))
                    .sorted().toList();
            Path state = settings.stateDir().resolve(app);
            out.println((dryRun ? "would reset" : "resetting") + " application " + app + ":");
            out.println("  input offsets of " + inputs + " -> the beginning");
            out.println("  internal topics deleted: " + (internal.isEmpty() ? "none" : String.join(", ", internal)));
            out.println("  local state deleted: " + state);
            if (dryRun) {
                return;
            }
            try {
                admin.deleteConsumerGroups(List.of(app)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get(60, TimeUnit.SECONDS);
            }
            Directories.deleteRecursively(state);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot reset " + app + " on " + settings.kafka().bootstrapServers() + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void requireStopped(Admin admin, String app)
            throws ExecutionException, InterruptedException, TimeoutException, IOException {
        Map<String, ConsumerGroupDescription> groups;
        try {
            groups = admin.describeConsumerGroups(List.of(app)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return;
            }
            throw e;
        }
        ConsumerGroupDescription group = groups.get(app);
        if (group != null && !group.members().isEmpty()) {
            throw new IOException("consumer group " + app + " still has " + group.members().size()
                    + " running member(s) (state " + group.groupState() + "); stop every Elephant instance first");
        }
        if (group != null && group.groupState() != GroupState.EMPTY && group.groupState() != GroupState.DEAD) {
            throw new IOException("consumer group " + app + " is " + group.groupState()
                    + "; stop every Elephant instance first");
        }
    }
}
