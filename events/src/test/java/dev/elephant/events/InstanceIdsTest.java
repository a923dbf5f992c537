package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InstanceIdsTest {

    /** The grammar as DESIGN.md states it. */
    private static final Pattern EC2 = Pattern.compile("i-[0-9a-f]{8,17}");
    private static final Pattern ECS_TASK = Pattern.compile("[0-9a-f]{32}");

    @Test
    void idsMatchTheGrammarExactly() {
        assertThat(InstanceIds.isEc2InstanceId("i-0123abcd")).isTrue();
        assertThat(InstanceIds.isEc2InstanceId("i-0123456789abcdef0")).isTrue();
        assertThat(InstanceIds.isEcsTaskId("0123456789abcdef0123456789abcdef")).isTrue();
        for (String bad : List.of("i-0123abc", "i-0123456789abcdef01", "I-0123abcd", "i-0123ABCD", "i_0123abcd",
                "i-0123abcd.evil.com", "i-0123abcd\n", " i-0123abcd", "i-0123abcg", "", "i-")) {
            assertThat(InstanceIds.isEc2InstanceId(bad)).as(bad).isFalse();
            assertThat(InstanceIds.isValid(bad)).as(bad).isFalse();
        }
        assertThat(InstanceIds.isEcsTaskId("0123456789abcdef0123456789abcde")).isFalse();
        assertThat(InstanceIds.isEcsTaskId("0123456789abcdef0123456789abcdeF")).isFalse();
        assertThat(InstanceIds.isValid(null)).isFalse();
    }

    @Test
    void randomStringsAreAcceptedExactlyWhenTheGrammarsRegexAcceptsThem() {
        Random random = new Random(7);
        String alphabet = "0123456789abcdefgABF-i.I /";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder id = new StringBuilder(random.nextBoolean() ? "i-" : "");
            int length = random.nextInt(36);
            for (int i = 0; i < length; i++) {
                // Mostly hex digits, so that a fair share of the strings are valid.
                id.append(random.nextInt(10) < 8 ? "0123456789abcdef".charAt(random.nextInt(16))
                        : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = id.toString();
            assertThat(InstanceIds.isEc2InstanceId(s)).as(s).isEqualTo(EC2.matcher(s).matches());
            assertThat(InstanceIds.isEcsTaskId(s)).as(s).isEqualTo(ECS_TASK.matcher(s).matches());
        }
    }

    @Test
    void aRecordNameIsTheIdUnderTheDomainInLowerCase() {
        assertThat(InstanceIds.recordName("i-0123abcd", "Example.COM")).isEqualTo("i-0123abcd.example.com");
        assertThatThrownBy(() -> InstanceIds.recordName("i-0123abcd.evil.com", "example.com"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
