package dev.elephant.sinks.dns;

import dev.elephant.events.DnsMutation;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a write whose answer never came (a crash between the call and its outcome, a
 * connection dropped or timed out mid-call), decided by what the provider shows now: the write
 * happened, or it did not.
 */
public final class IntentSettlement {

    private IntentSettlement() {}

    /**
     * @param owned Elephant's records as the provider holds them now (at least those at the intent's name)
     * @param why   how the answer was lost, for the outcome's text
     */
    public static DnsMutation outcomeOf(DnsMutation intent, List<ProviderRecord> owned, String why, Instant now) {
        Optional<ProviderRecord> created = owned.stream().filter(r -> r.name().equalsIgnoreCase(intent.name())
                && Objects.equals(r.content(), intent.content())).findFirst();
        Optional<ProviderRecord> byId = owned.stream().filter(r -> r.id().equals(intent.providerRecordId()))
                .findFirst();
        boolean happened = switch (intent.action()) {
            case CREATE -> created.isPresent();
            case UPDATE -> byId.isPresent() && Objects.equals(byId.get().content(), intent.content());
            case DELETE -> byId.isEmpty();
            case NONE -> false;
        };
        String recordId = intent.action() == DnsMutation.Action.CREATE
                ? created.map(ProviderRecord::id).orElse(null) : intent.providerRecordId();
        return intent.outcome(happened ? DnsMutation.Phase.APPLIED : DnsMutation.Phase.FAILED, recordId,
                why + (happened ? ": the provider shows the write happened" : ": the provider shows the write did not happen"),
                now);
    }
}
