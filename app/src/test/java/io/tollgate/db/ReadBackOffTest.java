package io.tollgate.db;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReadBackOffTest {

    @Test
    void afterAFailedReadTheNextReadsAnswerTheFallbackWithoutTrying() {
        ReadBackOff backOff = new ReadBackOff();
        AtomicInteger tries = new AtomicInteger();
        assertThat(backOff.read("ok", () -> tries.incrementAndGet() > 0 ? "db" : "", () -> "fallback")).isEqualTo("db");
        assertThat(backOff.read("fails", () -> {
            tries.incrementAndGet();
            throw new IllegalStateException("connection refused");
        }, () -> "fallback")).isEqualTo("fallback");
        assertThat(backOff.read("skipped", () -> tries.incrementAndGet() > 0 ? "db" : "", () -> "fallback"))
                .isEqualTo("fallback");
        assertThat(tries).as("the read after the failure was not tried").hasValue(2);
    }
}
