package dev.elephant.topology.meetings;

import dev.elephant.events.MachineAction;
import dev.elephant.events.MachineCommand;
import dev.elephant.topology.common.ClientTokens;
import dev.elephant.topology.common.MachinePolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a meeting asks of EC2, decided from its state and the time the log says it is (a tick's, or the event's):
 * launch each seat {@code lead} before the start, try a failed launch again, terminate what it launched when it
 * ends, and reap what is left over. Pure; every decision is a {@link MachineCommand} whose id is the same whenever
 * the same decision is made, so the executor carries it out once.
 *
 * <pre>
 *  seat          tick at/after start − lead       launch outcome          meeting over
 *  ─────────     ─────────────────────────        ───────────────         ─────────────────────────
 *  (none)        launch, attempt 1 → requested
 *  requested                                      launched/failed/refused
 *  failed,       after retryAfter·2^(n−1):
 *   retryable    launch, attempt n+1
 *  launched                                                               terminate its instances
 * </pre>
 * A role that already has a live instance (someone else's, or one whose launch outcome is still to come) is not
 * launched for.
 */
final class MeetingMachines {

    private final MachinePolicy policy;

    MeetingMachines(MachinePolicy policy) {
        this.policy = policy;
    }

    /**
     * A meeting Elephant launched for has ended or was cancelled: its instances are terminated at once. Those of a
     * meeting someone else launched for are left to the safety net.
     */
    MeetingState onOver(MeetingState s, Instant at, List<MachineCommand> out) {
        if (s.launch() == null) {
            return s;
        }
        Set<String> ids = new TreeSet<>(s.instances().keySet());
        s.seats().values().forEach(seat -> ids.addAll(seat.instanceIds()));
        ids.removeAll(s.terminations().keySet());
        return terminate(s, ids, endReason(s), at, out);
    }

    /** A launch's outcome sets its seat's status; one that launched for a meeting already over is terminated. */
    MeetingState onLaunchOutcome(MeetingState s, MachineAction outcome, List<MachineCommand> out) {
        if (outcome.action() != MachineCommand.Action.LAUNCH || !outcome.phase().isOutcome()) {
            return s;
        }
        SeatLaunch seat = s.seats().get(outcome.role());
        if (seat == null || !seat.clientToken().equals(outcome.clientToken())
                || seat.status() != SeatLaunch.Status.REQUESTED) {
            return s; // of an earlier attempt, or a second word on this one: the first decided
        }
        SeatLaunch.Status status = switch (outcome.phase()) {
            case APPLIED -> SeatLaunch.Status.LAUNCHED;
            case REFUSED -> SeatLaunch.Status.REFUSED;
            default -> SeatLaunch.Status.FAILED;
        };
        Map<String, SeatLaunch> seats = new HashMap<>(s.seats());
        seats.put(outcome.role(), new SeatLaunch(seat.attempt(), seat.clientToken(), status, outcome.instanceIds(),
                outcome.error(), outcome.detail(), outcome.retryable(), outcome.time()));
        MeetingState next = s.withSeats(seats);
        if (status == SeatLaunch.Status.LAUNCHED && next.isOver()) {
            Set<String> ids = new TreeSet<>(outcome.instanceIds());
            ids.removeAll(next.terminations().keySet());
            next = terminate(next, ids, endReason(next), outcome.time(), out);
        }
        return next;
    }

    MeetingState onTick(MeetingState s, Instant now, int reapsLeft, List<MachineCommand> out) {
        return reap(askAgainForTerminations(launchDue(s, now, out), now, out), now, reapsLeft, out);
    }

    /**
     * The earliest time a tick may decide something for this meeting, null when none will until an input changes
     * it: before this time {@link #onTick} returns the meeting unchanged and commands nothing. Each part mirrors a
     * step of {@code onTick}: a seat's launch or its next attempt, a termination to ask again, an instance to reap.
     *
     * @param notBefore the time of a tick that just looked at the meeting, or null: a launch whose window closed by
     *                  then (the meeting's end passed without its "ended") is not due at any later tick
     */
    Instant nextDue(MeetingState s, Instant notBefore) {
        Instant due = null;
        if (s.lifecycle() == MeetingStatus.SCHEDULED && s.launch() != null && s.startsAt() != null
                && (notBefore == null || s.endsAt() == null || notBefore.isBefore(s.endsAt()))) {
            Instant opens = s.startsAt().minus(policy.lead());
            for (String role : s.roles()) {
                if (hasLiveInstance(s, role)) {
                    continue;
                }
                SeatLaunch seat = s.seats().get(role);
                Instant launch = null;
                if (seat == null) {
                    launch = opens;
                } else if ((seat.status() == SeatLaunch.Status.FAILED || seat.status() == SeatLaunch.Status.REFUSED)
                        && seat.retryable()) {
                    launch = latest(opens, seat.time().plus(policy.launchRetryAfter(seat.attempt())));
                }
                if (launch != null && (s.endsAt() == null || launch.isBefore(s.endsAt()))) {
                    due = earliest(due, launch);
                }
            }
        }
        for (Instant asked : s.terminations().values()) {
            due = earliest(due, asked.plus(policy.retryMax()));
        }
        if (policy.reapAfter() != null) {
            for (InstanceSlot slot : s.instances().values()) {
                if (!slot.ended() && !slot.keep() && !s.terminations().containsKey(slot.instanceId())) {
                    due = earliest(due, reapableFrom(s, slot));
                }
            }
        }
        return due;
    }

    /** When {@link #reapReason} starts to give a reason for the slot, null when it will not as the meeting is. */
    private Instant reapableFrom(MeetingState s, InstanceSlot slot) {
        if (s.isOver()) {
            return s.overAt() == null ? null : s.overAt().plus(policy.reapAfter());
        }
        if (slot.since() == null) {
            return null;
        }
        if (s.lifecycle() == MeetingStatus.UNSCHEDULED) {
            return slot.since().plus(policy.reapAfter());
        }
        if (s.publishedLinks() != null || s.readyLinks() != null) {
            return null;
        }
        Instant from = s.startsAt() != null && s.startsAt().isAfter(slot.since()) ? s.startsAt() : slot.since();
        return from.plus(policy.reapAfter());
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private MeetingState launchDue(MeetingState s, Instant now, List<MachineCommand> out) {
        if (s.lifecycle() != MeetingStatus.SCHEDULED || s.launch() == null || s.startsAt() == null
                || now.isBefore(s.startsAt().minus(policy.lead())) || !now.isBefore(s.endsAt())) {
            return s;
        }
        Map<String, SeatLaunch> seats = new HashMap<>(s.seats());
        for (String role : s.roles()) {
            if (hasLiveInstance(s, role)) {
                continue;
            }
            SeatLaunch seat = seats.get(role);
            int attempt;
            if (seat == null) {
                attempt = 1;
            } else if ((seat.status() == SeatLaunch.Status.FAILED || seat.status() == SeatLaunch.Status.REFUSED)
                    && seat.retryable() && !now.isBefore(seat.time().plus(policy.launchRetryAfter(seat.attempt())))) {
                attempt = seat.attempt() + 1;
            } else {
                continue;
            }
            String token = ClientTokens.forSeat(s.meetingId(), role, attempt);
            out.add(MachineCommand.launch(s.meetingId(), role, attempt, token, s.launch().forRole(role), s.causeId(), now));
            seats.put(role, SeatLaunch.requested(attempt, token, now));
        }
        return seats.equals(s.seats()) ? s : s.withSeats(seats);
    }

    /**
     * A termination asked for whose instance still runs {@code retryMax} later is asked for again (the executor may
     * have failed, the instance may have been protected); one of an instance the meeting never saw is taken as
     * done.
     */
    private MeetingState askAgainForTerminations(MeetingState s, Instant now, List<MachineCommand> out) {
        Set<String> again = new TreeSet<>();
        Map<String, Instant> terminations = new HashMap<>(s.terminations());
        s.terminations().forEach((id, at) -> {
            if (now.isBefore(at.plus(policy.retryMax()))) {
                return;
            }
            if (s.instances().containsKey(id)) {
                again.add(id);
            } else {
                terminations.remove(id);
            }
        });
        MeetingState next = terminations.size() == s.terminations().size() ? s : s.withTerminations(terminations);
        return again.isEmpty() ? next : terminate(next, again, s.isOver() && s.launch() != null ? endReason(s)
                : MachineCommand.MEETING_OVER, now, out);
    }

    /** The safety net: live instances of the meeting that nothing will use, running longer than reapAfter. */
    private MeetingState reap(MeetingState s, Instant now, int reapsLeft, List<MachineCommand> out) {
        if (policy.reapAfter() == null || reapsLeft <= 0) {
            return s;
        }
        Map<String, Set<String>> byReason = new TreeMap<>();
        int left = reapsLeft;
        for (InstanceSlot slot : new TreeMap<>(s.instances()).values()) {
            if (left == 0) {
                break;
            }
            if (slot.ended() || slot.keep() || s.terminations().containsKey(slot.instanceId())) {
                continue;
            }
            String reason = reapReason(s, slot, now);
            if (reason != null) {
                byReason.computeIfAbsent(reason, r -> new TreeSet<>()).add(slot.instanceId());
                left--;
            }
        }
        MeetingState next = s;
        for (Map.Entry<String, Set<String>> e : byReason.entrySet()) {
            next = terminate(next, e.getValue(), e.getKey(), now, out);
        }
        return next;
    }

    private String reapReason(MeetingState s, InstanceSlot slot, Instant now) {
        if (s.isOver()) {
            return s.overAt() != null && due(s.overAt(), now) ? MachineCommand.MEETING_OVER : null;
        }
        if (slot.since() == null) {
            return null;
        }
        if (s.lifecycle() == MeetingStatus.UNSCHEDULED) {
            return due(slot.since(), now) ? MachineCommand.NO_MEETING : null;
        }
        boolean neverReady = s.publishedLinks() == null && s.readyLinks() == null;
        Instant from = s.startsAt() != null && s.startsAt().isAfter(slot.since()) ? s.startsAt() : slot.since();
        return neverReady && due(from, now) ? MachineCommand.NEVER_READY : null;
    }

    private boolean due(Instant from, Instant now) {
        return !now.isBefore(from.plus(policy.reapAfter()));
    }

    private static boolean hasLiveInstance(MeetingState s, String role) {
        return s.instances().values().stream().anyMatch(slot -> role.equals(slot.role()) && !slot.ended());
    }

    private static String endReason(MeetingState s) {
        return s.lifecycle() == MeetingStatus.CANCELLED ? MachineCommand.MEETING_CANCELLED : MachineCommand.MEETING_ENDED;
    }

    /** Asks for these instances' termination now, and remembers when it asked. */
    private static MeetingState terminate(MeetingState s, Set<String> candidates, String reason, Instant at,
                                          List<MachineCommand> out) {
        List<String> ids = new ArrayList<>(candidates);
        if (ids.isEmpty()) {
            return s;
        }
        String commandId = ClientTokens.forTermination(s.meetingId() + "\n" + String.join(",", ids), reason, at);
        out.add(MachineCommand.terminate(commandId, s.meetingId(), ids, reason, s.causeId(), at));
        Map<String, Instant> terminations = new HashMap<>(s.terminations());
        ids.forEach(id -> terminations.put(id, at));
        return s.withTerminations(terminations);
    }
}
