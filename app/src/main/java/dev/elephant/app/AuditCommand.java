package dev.elephant.app;

import dev.elephant.app.audit.AuditReport;
import dev.elephant.events.CertificateEvent;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.MachineAction;
import dev.elephant.events.Topics;
import dev.elephant.sinks.TopicSnapshot;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elephant audit NAME|INSTANCE-ID|MEETING-ID}: the DNS history of a name, an instance or a meeting, and the EC2
 * launches and terminations of an instance or a meeting.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Prints when each record was created, changed, deleted or repaired, by which event, with what outcome.",
                "Reads dns-mutations, machine-actions, certificates, instance-events and, for a record name, "
                        + "failover-checks."})
final class AuditCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME|INSTANCE-ID|MEETING-ID",
            description = "a record name (i-….example.com, *.example.com for the certificate), an EC2 instance id or ECS task id, or a meeting id")
    String subject;

    @Mixin
    KafkaOptions where;

    @Option(names = "--meeting-tag", defaultValue = "${env:ELEPHANT_MEETING_TAG:-MeetingId}",
            description = "The tag naming an instance's meeting (default: ${DEFAULT-VALUE}).")
    String meetingTag;

    @Option(names = "--since", description = "Only changes since this instant (2026-11-22T10:00:00Z) or this long ago (PT24H).")
    String since;

    @Option(names = "--format", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (!format.equals("table") && !format.equals("json")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format must be table or json");
        }
        Instant from = since == null ? null : parseSince(since);
        Topics topics = where.topics();
        Map<String, Object> props = where.properties("elephant-audit");
        List<DnsMutation> mutations = new ArrayList<>();
        readAll(props, topics.dnsMutations(), r -> mutations.add(Json.fromBytes(r.value(), DnsMutation.class)));
        List<InstanceEvent> events = new ArrayList<>();
        readAll(props, topics.instanceEvents(), r -> events.add(Json.fromBytes(r.value(), InstanceEvent.class)));
        List<MachineAction> actions = new ArrayList<>();
        try {
            readAll(props, topics.machineActions(), r -> actions.add(Json.fromBytes(r.value(), MachineAction.class)));
        } catch (IllegalStateException noTopic) {
            // A deployment from before Elephant launched machines has no EC2 audit yet: its DNS history stands alone.
        }
        List<CertificateEvent> certificates = new ArrayList<>();
        try {
            readAll(props, topics.certificates(), r -> certificates.add(Json.fromBytes(r.value(), CertificateEvent.class)));
        } catch (IllegalStateException noTopic) {
            // A deployment from before Elephant obtained certificates has no certificate history.
        }
        List<FailoverCheck> checks = new ArrayList<>();
        if (AuditReport.kindOf(subject) == AuditReport.SubjectKind.RECORD) {
            String label = subject.substring(0, subject.indexOf('.')).toLowerCase(java.util.Locale.ROOT);
            try {
                readAll(props, topics.failoverChecks(), r -> {
                    if (label.equals(r.key())) {
                        checks.add(Json.fromBytes(r.value(), FailoverCheck.class));
                    }
                });
            } catch (IllegalStateException noTopic) {
                // A deployment from before failover names has no checks.
            }
        }
        List<AuditReport.Row> rows = AuditReport.build(subject,
                new AuditReport.Sources(mutations, events, actions, certificates, checks), meetingTag, from);
        if (format.equals("json")) {
            out.println(Json.toString(rows));
        } else {
            printTable(out, rows);
        }
        out.flush();
        return 0;
    }

    private Instant parseSince(String text) {
        try {
            return text.startsWith("P") ? Instant.now().minus(Duration.parse(text)) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--since must be an instant such as 2026-11-22T10:00:00Z or a duration such as PT24H");
        }
    }

    private interface RecordSink {
        void accept(ConsumerRecord<String, byte[]> r);
    }

    private static void readAll(Map<String, Object> props, String topic, RecordSink sink) {
        Map<String, Object> p = new HashMap<>(props);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "elephant-audit");
        try {
            for (ConsumerRecord<String, byte[]> r : TopicSnapshot.readTopic(p, topic, Duration.ofSeconds(60)).records()) {
                if (r.value() == null) {
                    continue;
                }
                try {
                    sink.accept(r);
                } catch (RuntimeException e) {
                    // a record Elephant cannot read is not part of its history; skip it
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not read " + topic + " to its end: " + e.getMessage(), e);
        }
    }

    private static void printTable(PrintWriter out, List<AuditReport.Row> rows) {
        if (rows.isEmpty()) {
            out.println("no DNS changes or EC2 actions found");
            return;
        }
        String format = "%-24s  %-40s  %-14s  %-7s  %-33s  %s%n";
        out.printf(format, "time", "name", "phase", "action", "content", "cause");
        for (AuditReport.Row r : rows) {
            String content = r.previousContent() != null && r.content() != null
                    ? r.previousContent() + " -> " + r.content()
                    : r.content() != null ? r.content() : r.previousContent() != null ? "(was " + r.previousContent() + ")" : "";
            String cause = (r.causeId() == null ? "" : r.causeId())
                    + (r.cause() == null ? "" : (r.causeId() == null ? "" : ": ") + r.cause())
                    + (r.error() == null ? "" : "  error: " + r.error());
            out.printf(format, r.time(), r.name(), r.phase(), r.action() == null ? "" : r.action(), content, cause);
        }
    }
}
