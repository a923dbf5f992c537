package dev.elephant.sinks.dns.provider;

import java.util.List;

/**
 * Writes sent to the provider in one request. The provider applies all of them or none, deletes
 * first, then patches, then posts (Cloudflare's order).
 */
public record RecordBatch(List<ProviderRecord> deletes, List<Patch> patches, List<RecordSpec> posts) {

    public RecordBatch {
        deletes = List.copyOf(deletes);
        patches = List.copyOf(patches);
        posts = List.copyOf(posts);
    }

    /** Change {@code existing} into {@code spec}. */
    public record Patch(ProviderRecord existing, RecordSpec spec) {}

    /**
     * The records as the provider holds them after the batch, in request order.
     *
     * @param pendingChange null when the batch is in effect as answered (Cloudflare); else the provider's id of
     *                      a change still propagating (Route 53: PENDING until INSYNC), to ask
     *                      {@link DnsProvider#inSync} about
     */
    public record Result(List<ProviderRecord> patched, List<ProviderRecord> posted, String pendingChange) {

        /** A batch in effect as answered. */
        public Result(List<ProviderRecord> patched, List<ProviderRecord> posted) {
            this(patched, posted, null);
        }
    }

    public int size() {
        return deletes.size() + patches.size() + posts.size();
    }
}
