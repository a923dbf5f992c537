package dev.elephant.sinks.dns.provider;

import java.util.List;

/**
 * The subset of a DNS provider's API Elephant uses. A provider executes; it decides nothing: what to
 * create, update or delete is the planner's business.
 */
public interface DnsProvider {

    /** Which provider this is ({@code cloudflare}): metric tags and logs say which one ran. */
    String name();

    /** Every record at exactly this name, Elephant's or not. */
    List<ProviderRecord> recordsAt(String name) throws ProviderException;

    /** Every record in the zone whose comment is exactly this one (compared case-insensitively): Elephant's own. */
    List<ProviderRecord> recordsWithComment(String comment) throws ProviderException;

    /** Applies every write of the batch, or none of them. */
    RecordBatch.Result batch(RecordBatch batch) throws ProviderException;
}
