package io.tollgate.decide;

import io.tollgate.core.Decision;
import io.tollgate.core.Outcome;
import io.tollgate.core.Scope;
import io.tollgate.core.Window;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentDenialsTest {
    private static final Decision DENIED = new Decision(Outcome.DENIED_RATE, 10, 0, 61_000, 30_000, Scope.USER,
            Window.MINUTE, null);
    private final RecentDenials denials = new RecentDenials(1000);
    private final String key = RecentDenials.key("u", "a");

    @Test
    void aDenialHoldsForTheSameOrALargerCostWithItsRetryCountingDown() {
        denials.record(key, 2, DENIED, 1_000);
        assertThat(denials.find(key, 2, 1_400).retryAfterMillis()).isEqualTo(29_600);
        assertThat(denials.find(key, 5, 1_400)).isNotNull();
        assertThat(denials.find(key, 1, 1_400)).as("a smaller cost may fit").isNull();
    }

    @Test
    void aDenialIsKeptAtMostMaxAgeAndNeverPastItsRetryTime() {
        denials.record(key, 1, DENIED, 1_000);
        assertThat(denials.find(key, 1, 1_999)).isNotNull();
        assertThat(denials.find(key, 1, 2_000)).isNull();
        Decision soon = new Decision(Outcome.DENIED_RATE, 10, 0, 1_200, 200, Scope.USER, Window.SECOND, null);
        denials.record(key, 1, soon, 1_000);
        assertThat(denials.find(key, 1, 1_200)).isNull();
    }

    @Test
    void allowedAnswersAreNotRecordedAndForgetClearsAUser() {
        denials.record(key, 1, Decision.unlimited(0), 0);
        assertThat(denials.find(key, 1, 1)).isNull();
        denials.record(key, 1, DENIED, 0);
        denials.record(RecentDenials.key("v", "a"), 1, DENIED, 0);
        denials.forget("u");
        assertThat(denials.find(key, 1, 1)).isNull();
        assertThat(denials.find(RecentDenials.key("v", "a"), 1, 1)).isNotNull();
        denials.forget(null);
        assertThat(denials.find(RecentDenials.key("v", "a"), 1, 1)).isNull();
    }
}
