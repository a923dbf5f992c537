package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/TOPICS.md is what the schemas and the examples of a real run render to. */
class TopicsPageTest {

    private static final Path PAGE = Path.of("..", "docs", "TOPICS.md");

    @Test
    void theTopicsPageIsRenderedFromTheSchemasAndTheExamplesOfARealRun() throws IOException {
        String rendered = TopicsPage.render(Path.of("..", "docs", "examples"));
        if (Boolean.getBoolean("elephant.writeDocs")) {
            Files.writeString(PAGE, rendered);
        }
        assertThat(PAGE).as("docs/TOPICS.md is rendered: mvn -pl events test -Dtest=TopicsPageTest "
                + "-Delephant.writeDocs=true").hasContent(rendered);
        for (String topic : TopicSchemas.TOPICS) {
            assertThat(rendered).contains("## `" + topic + "`");
        }
    }
}
