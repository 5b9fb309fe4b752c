package io.tollgate.decide;

import io.tollgate.core.BillingCycle;
import io.tollgate.core.Limit;
import io.tollgate.core.OperationId;
import io.tollgate.core.Quota;
import io.tollgate.core.Scope;
import io.tollgate.core.Totals;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;
import io.tollgate.core.Window;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sequenced operation ids against Hazelcast's at-least-once entry processors: whatever the
 * interleaving of sends, retries and completions, a retry of an operation still in flight is a
 * replay (counted once), and the entry remembers no more ids than are in flight.
 */
class CallerSequenceProperties {
    private static final long T0 = Instant.parse("2026-11-28T10:00:00Z").toEpochMilli();
    private static final UserRules.Memory MEMORY = new UserRules.Memory(60_000, 4096);
    private static final List<Limit> LIMITS = List.of(new Limit(Scope.USER, Window.DAY, 1_000_000));
    private static final Quota QUOTA = new Quota(1_000_000, 1_000_000, 1_000_000);

    /** 0: open a new operation and send it; 1: retry an open one (its owner died); 2: complete an open one. */
    @Provide
    Arbitrary<List<int[]>> schedules() {
        return Arbitraries.integers().between(0, 2).flatMap(kind -> Arbitraries.integers().between(0, 1_000)
                .map(pick -> new int[]{kind, pick})).list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 500)
    void aRetryOfAnOperationInFlightIsAReplayAndMemoryIsBoundedByWhatIsInFlight(
            @ForAll("schedules") List<int[]> schedule) {
        CallerSequence sequence = new CallerSequence();
        UserState entry = UserState.fresh("epoch", BillingCycle.utcCalendarMonth().periodAt(Instant.ofEpochMilli(T0)),
                Totals.ZERO);
        List<CallerSequence.Ticket> open = new ArrayList<>();
        Set<Long> applied = new HashSet<>();
        long now = T0;
        CallerSequence.Ticket lastNew = null;
        for (int[] step : schedule) {
            now++;
            if (step[0] == 0 || open.isEmpty()) {
                CallerSequence.Ticket t = sequence.open();
                open.add(t);
                entry = send(entry, t, now);
                applied.add(t.id());
                lastNew = t;
            } else if (step[0] == 1) {
                entry = send(entry, open.get(step[1] % open.size()), now);
            } else {
                open.remove(step[1] % open.size()).release();
            }
            assertThat(entry.usage().used().requests()).as("each operation counted once").isEqualTo(applied.size());
            // Only ids from the lowest one in flight when the newest was sent are remembered.
            assertThat((long) entry.recent().size()).as("ids remembered")
                    .isLessThanOrEqualTo(lastNew.id() - lastNew.doneBelow() + 1);
        }
        open.forEach(CallerSequence.Ticket::release);
        entry = send(entry, sequence.open(), now + 1);
        assertThat(entry.recent().size()).as("ids remembered once nothing else is in flight").isEqualTo(1);
    }

    private static UserState send(UserState entry, CallerSequence.Ticket t, long now) {
        UserRules.Acquire a = new UserRules.Acquire(t.id(), t.doneBelow(), "api", 1, LIMITS, QUOTA,
                BillingCycle.utcCalendarMonth(), false, Long.MAX_VALUE);
        return UserRules.acquire(entry, a, now, MEMORY).state();
    }

    @Example
    void anOperationHeldByItsOwedCancelIsNotForgottenWhenItsInvocationCompletes() {
        CallerSequence sequence = new CallerSequence();
        CallerSequence.Ticket slow = sequence.open();
        slow.hold(); // the owed cancel
        slow.release(); // the acquire's invocation completed
        CallerSequence.Ticket later = sequence.open();
        assertThat(OperationId.answeredBefore(slow.id(), later.doneBelow())).isFalse();
        slow.release(); // the cancel went through
        assertThat(OperationId.answeredBefore(slow.id(), sequence.open().doneBelow())).isTrue();
    }

    @Example
    void hashedAndSequencedIdsNeverCollideAndOnlyTheSameCallerIsPruned() {
        long hashed = OperationId.hashed(-1L);
        assertThat(OperationId.isSequenced(hashed)).isFalse();
        long a = OperationId.sequenced(5, 10);
        long b = OperationId.sequenced(6, 3);
        assertThat(OperationId.answeredBefore(a, OperationId.sequenced(5, 11))).isTrue();
        assertThat(OperationId.answeredBefore(a, OperationId.sequenced(5, 10))).isFalse();
        assertThat(OperationId.answeredBefore(b, OperationId.sequenced(5, 11))).isFalse();
        assertThat(OperationId.answeredBefore(hashed, OperationId.sequenced(5, 11))).isFalse();
        assertThat(OperationId.answeredBefore(OperationId.sequenced(5, 1), 0)).isFalse();
    }
}
