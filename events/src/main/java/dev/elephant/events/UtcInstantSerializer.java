package dev.elephant.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;
import java.time.Instant;

/**
 * Writes instants as {@link Instant#toString} does — what the JSR-310 module writes with
 * {@code WRITE_DATES_AS_TIMESTAMPS} off, as Elephant's mapper has it — through {@link UtcInstants}.
 */
final class UtcInstantSerializer extends StdScalarSerializer<Instant> {

    UtcInstantSerializer() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeString(UtcInstants.format(value));
    }
}
