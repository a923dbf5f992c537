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

    /**
     * Every record in the zone that carries exactly this ownership mark (compared case-insensitively): Elephant's
     * own. How a record carries it is the provider's business (Cloudflare: its comment; Route 53: a TXT record
     * beside it).
     */
    List<ProviderRecord> recordsMarked(String mark) throws ProviderException;

    /** Applies every write of the batch, or none of them. */
    RecordBatch.Result batch(RecordBatch batch) throws ProviderException;

    /**
     * Whether a change a batch answered as pending ({@link RecordBatch.Result#pendingChange}) is in effect
     * everywhere the provider answers DNS. A provider whose batches are in effect as answered never gets asked.
     */
    default boolean inSync(String change) throws ProviderException {
        return true;
    }

    /**
     * How long until Elephant's request budget for this provider allows the next request (zero: now). The sink waits
     * this long before it gathers its next batch, so the changes that arrive meanwhile go in it.
     */
    default java.time.Duration untilNextRequest() {
        return java.time.Duration.ZERO;
    }
}
