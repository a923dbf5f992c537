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

    /** The records as the provider holds them after the batch, in request order. */
    public record Result(List<ProviderRecord> patched, List<ProviderRecord> posted) {}

    public int size() {
        return deletes.size() + patches.size() + posts.size();
    }
}
