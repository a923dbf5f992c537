package dev.elephant.events;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * Instants in the canonical UTC form Elephant and AWS write — {@code 2026-11-23T10:00:00Z}, optionally
 * with 1 to 9 fraction digits — read and written without {@code DateTimeFormatter}. Answers and errors
 * are exactly {@link Instant#parse} and {@link Instant#toString}'s: anything outside the fast path
 * (offsets, leap seconds, years beyond four digits, malformed text) is handed to them.
 *
 * <p>Why: every event, every stored instance state and every desired record carries one. Profiles put
 * the formatter's parsing at a tenth of the topology's stream thread and, with its formatting, at
 * about a sixth of the ingest endpoint's handler threads.
 */
public final class UtcInstants {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000, 1_000_000_000};
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years written with exactly four digits. */
    private static final long FIRST_FOUR_DIGIT_SECOND = -62_167_219_200L;
    private static final long FIRST_FIVE_DIGIT_SECOND = 253_402_300_800L;

    private UtcInstants() {}

    /** As {@link Instant#parse}, answers and exceptions included. */
    public static Instant parse(String text) {
        Instant fast = parseCanonical(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** As {@link Instant#toString}. */
    public static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_FOUR_DIGIT_SECOND || seconds >= FIRST_FIVE_DIGIT_SECOND) {
            return instant.toString();
        }
        long epochDay = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        int nanos = instant.getNano();
        // Instant.toString writes the fraction in groups of three digits, as few as the value needs.
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        char[] out = new char[fractionDigits == 0 ? 20 : 21 + fractionDigits];
        put(out, 0, date.getYear(), 4);
        out[4] = '-';
        put(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3_600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        if (fractionDigits > 0) {
            out[19] = '.';
            put(out, 20, nanos / POWERS_OF_TEN[9 - fractionDigits], fractionDigits);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    /** The instant {@code text} names in the canonical UTC form, or null when it is not in that form. */
    static Instant parseCanonical(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z'
                || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > Month.of(month).length(Year.isLeap(year))) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            if (text.charAt(19) != '.') {
                return null;
            }
            int fractionDigits = length - 21;
            int fraction = digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * POWERS_OF_TEN[9 - fractionDigits];
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code count} characters from {@code from}, or -1 when one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Writes {@code value} as {@code count} decimal digits, zero-padded, from {@code at}. */
    private static void put(char[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
