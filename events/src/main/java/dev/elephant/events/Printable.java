package dev.elephant.events;

/** Makes untrusted text safe to put in an error message or a log line: bounded, one line, printable. */
public final class Printable {

    private static final int MAX = 80;

    private Printable() {}

    public static String of(String untrusted) {
        if (untrusted == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        int n = Math.min(untrusted.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = untrusted.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        out.append('"');
        if (untrusted.length() > MAX) {
            out.append("…(").append(untrusted.length()).append(" chars)");
        }
        return out.toString();
    }
}
