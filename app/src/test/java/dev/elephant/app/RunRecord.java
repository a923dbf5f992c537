package dev.elephant.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a failed suite run leaves behind to be read after (target/run-records/NAME): the input log, the
 * audit, the provider's request log and the records it holds, and Elephant's own log when it ran in a
 * process of its own.
 */
final class RunRecord {

    private RunRecord() {}

    static void keep(String name, RunFixture run, String elephantLog) throws IOException {
        Path out = Path.of("target", "run-records", name);
        Files.createDirectories(out);
        for (String topic : new String[] {"instance-events", "dns-desired", "dns-mutations", "dead-letter"}) {
            Files.write(out.resolve(topic + ".txt"), TopicReader.readAll(SharedKafka.bootstrapServers(),
                    run.prefix + topic).stream().map(r -> r.partition() + "/" + r.offset() + " " + r.timestamp() + " "
                    + r.key() + " " + r.value()).toList());
        }
        Files.write(out.resolve("provider-requests.txt"), run.cloudflare.requestLog());
        Files.write(out.resolve("provider-records.txt"), run.provider.records().stream().map(Object::toString).toList());
        if (elephantLog != null) {
            Files.writeString(out.resolve("elephant.log"), elephantLog);
        }
        System.out.println("run record kept in " + out.toAbsolutePath());
    }
}
