package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UtcInstantsTest {

    /** The JSR-310 module alone, configured as Elephant's mapper is: what every answer must equal. */
    private static final ObjectMapper MODULE_ONLY = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private record Stamped(Instant time) {}

    @Test
    void theMapperReadsAndWritesInstantsWithTheFastReaderAndWriter() throws Exception {
        ObjectMapper mapper = Json.mapper();
        DeserializationContext ctxt = ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createDummyInstance(mapper.getDeserializationConfig());
        assertThat(ctxt.findRootValueDeserializer(mapper.constructType(Instant.class)))
                .isInstanceOf(UtcInstantDeserializer.class);
        assertThat(mapper.getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(UtcInstantSerializer.class);
    }

    @Test
    void everyInstantIsWrittenAsInstantToStringWritesIt() {
        Random random = new Random(20261124);
        for (int i = 0; i < 200_000; i++) {
            Instant instant = randomInstant(random, i, "-1000-01-01T00:00:00Z", "+12000-12-31T23:59:59Z");
            assertThat(UtcInstants.format(instant)).isEqualTo(instant.toString());
        }
        for (Instant edge : List.of(Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("0000-01-01T00:00:00Z").minusNanos(1), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("2026-11-24T09:00:00.000000001Z"),
                Instant.parse("2026-11-24T09:00:00.100Z"), Instant.parse("2026-11-24T09:00:00.000100Z"))) {
            assertThat(UtcInstants.format(edge)).isEqualTo(edge.toString());
        }
    }

    @Test
    void theMapperWritesInstantsAsTheModuleDoes() throws Exception {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Stamped value = new Stamped(Instant.ofEpochSecond(random.nextLong() % 400_000_000_000L, nanos(random, i)));
            assertThat(Json.mapper().writeValueAsString(value)).isEqualTo(MODULE_ONLY.writeValueAsString(value));
        }
    }

    @Test
    void parseAnswersAndFailsAsInstantParseDoes() {
        for (String text : List.of("2026-11-23T10:00:00Z", "2026-11-23T10:00:00.5Z", "2026-11-23T10:00:00+01:00",
                "+10000-01-01T00:00:00Z", "2026-11-23T23:59:60Z", "2026-02-30T10:00:00Z", "2026-11-23T24:00:00Z",
                "yesterday", "", "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00.1234567890Z")) {
            assertThat(outcome(() -> UtcInstants.parse(text))).as(text).isEqualTo(outcome(() -> Instant.parse(text)));
        }
        assertThatThrownBy(() -> UtcInstants.parse("yesterday")).isInstanceOf(DateTimeParseException.class);
    }

    /** The instant, or the exception's class and message. */
    private static Object outcome(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** A second between {@code from} and {@code to}, with whole, milli, micro or nano fractions in turn. */
    private static Instant randomInstant(Random random, int i, String from, String to) {
        long min = Instant.parse(from).getEpochSecond();
        long max = Instant.parse(to).getEpochSecond();
        return Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)), nanos(random, i));
    }

    private static int nanos(Random random, int i) {
        return switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
    }

    @Test
    void everyCanonicalUtcInstantReadsAsInstantParseReadsIt() {
        Random random = new Random(20261124);
        for (int i = 0; i < 200_000; i++) {
            String text = randomInstant(random, i, "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z").toString();
            assertThat(UtcInstants.parseCanonical(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void fractionsOfEveryLengthAndCalendarEdgesReadAsInstantParseReadsThem() {
        List<String> texts = List.of("2026-11-23T10:00:00Z", "2026-11-23T10:00:00.1Z", "2026-11-23T10:00:00.12Z",
                "2026-11-23T10:00:00.123Z", "2026-11-23T10:00:00.1234Z", "2026-11-23T10:00:00.12345Z",
                "2026-11-23T10:00:00.123456Z", "2026-11-23T10:00:00.1234567Z", "2026-11-23T10:00:00.12345678Z",
                "2026-11-23T10:00:00.123456789Z", "2024-02-29T23:59:59.999999999Z", "2000-02-29T00:00:00Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
        for (String text : texts) {
            assertThat(UtcInstants.parseCanonical(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void anythingElseIsLeftToTheModule() {
        List<String> others = List.of("2026-11-23T10:00:00+01:00", "2026-11-23t10:00:00Z", "2026-11-23T10:00:00z",
                "2026-11-23T10:00:00.Z", "2026-11-23T10:00:00.1234567890Z", "2026-02-29T10:00:00Z",
                "2026-13-01T10:00:00Z", "2026-00-01T10:00:00Z", "2026-11-00T10:00:00Z", "2026-11-31T10:00:00Z",
                "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-23T23:59:60Z", "+10000-01-01T00:00:00Z",
                "2026-11-23 10:00:00Z", "2026/11/23T10:00:00Z", "2026-1a-23T10:00:00Z", "2026-11-23T10:00:00.1x3Z",
                "2026-11-23T10:00:00-1Z", "", "Z", "not a time at all, but twenty+ chars Z");
        for (String text : others) {
            assertThat(UtcInstants.parseCanonical(text)).as(text).isNull();
        }
    }

    @Test
    void theMapperAnswersAsTheModuleDoesForEveryForm() throws Exception {
        List<String> values = List.of("\"2026-11-23T10:00:00Z\"", "\"2026-11-23T10:00:00.5Z\"",
                "\"2026-11-23T10:00:00+01:00\"", "\"2026-11-23T23:59:60Z\"", "1763892000", "1763892000.5", "null");
        for (String value : values) {
            String json = "{\"time\":" + value + "}";
            assertThat(Json.mapper().readValue(json, Stamped.class)).as(json)
                    .isEqualTo(MODULE_ONLY.readValue(json, Stamped.class));
        }
    }

    @Test
    void oddAndMalformedTimesGetTheModulesAnswerOrItsError() {
        // Whatever the module makes of them (it reads 30 February leniently), the mapper makes the same.
        for (String value : List.of("\"2026-02-30T10:00:00Z\"", "\"2026-11-23T24:00:00Z\"", "\"yesterday\"",
                "\"2026-11-23T10:00:00.Z\"", "\"\"", "true")) {
            String json = "{\"time\":" + value + "}";
            assertThat(outcome(Json.mapper(), json)).as(json).isEqualTo(outcome(MODULE_ONLY, json));
        }
        assertThatThrownBy(() -> Json.mapper().readValue("{\"time\":\"yesterday\"}", Stamped.class))
                .hasRootCauseInstanceOf(DateTimeParseException.class);
    }

    private static Object outcome(ObjectMapper mapper, String json) {
        try {
            return mapper.readValue(json, Stamped.class);
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }
}
