package io.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class BillingCycleTest {

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static BillingPeriod period(String start, String end) {
        return new BillingPeriod(at(start), at(end));
    }

    @Test
    void utcCalendarMonthRollsOverAtMidnightUtc() {
        BillingCycle utc = BillingCycle.utcCalendarMonth();
        assertThat(utc).isEqualTo(new BillingCycle(1, ZoneId.of("Z")));
        assertThat(utc.periodAt(at("2026-11-30T23:59:59.999999999Z")))
                .isEqualTo(period("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"));
        assertThat(utc.periodAt(at("2026-12-01T00:00:00Z")))
                .isEqualTo(period("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
        assertThat(utc.periodAt(at("2026-12-01T00:00:00.000000001Z")))
                .isEqualTo(period("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
        assertThat(utc.periodAt(at("2026-12-17T08:00:00Z")).id()).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void anchor15InKolkataRollsOverAt1830UtcOnThe14th() {
        BillingCycle ist = new BillingCycle(15, ZoneId.of("Asia/Kolkata"));
        assertThat(ist.periodAt(at("2026-11-14T18:29:59.999Z")))
                .isEqualTo(period("2026-10-14T18:30:00Z", "2026-11-14T18:30:00Z"));
        BillingPeriod november = ist.periodAt(at("2026-11-14T18:30:00Z"));
        assertThat(november).isEqualTo(period("2026-11-14T18:30:00Z", "2026-12-14T18:30:00Z"));
        assertThat(november.id()).isEqualTo("2026-11-14T18:30:00Z");
        assertThat(ist.periodAt(at("2026-12-01T00:00:00Z"))).isEqualTo(november);
    }

    @Test
    void anchor31StartsOnTheLastDayOfShorterMonths() {
        BillingCycle c = new BillingCycle(31, ZoneId.of("UTC"));
        assertThat(c.periodAt(at("2027-02-15T12:00:00Z")))
                .isEqualTo(period("2027-01-31T00:00:00Z", "2027-02-28T00:00:00Z"));
        assertThat(c.periodAt(at("2027-02-28T00:00:00Z")))
                .isEqualTo(period("2027-02-28T00:00:00Z", "2027-03-31T00:00:00Z"));
        assertThat(c.periodAt(at("2027-03-30T23:59:59Z")).start()).isEqualTo(at("2027-02-28T00:00:00Z"));
        // Leap year, and April's 30 days.
        assertThat(c.periodAt(at("2028-03-01T00:00:00Z")))
                .isEqualTo(period("2028-02-29T00:00:00Z", "2028-03-31T00:00:00Z"));
        assertThat(c.periodAt(at("2028-04-30T00:00:00Z")))
                .isEqualTo(period("2028-04-30T00:00:00Z", "2028-05-31T00:00:00Z"));
    }

    @Test
    void anchor30AndFebruary() {
        BillingCycle c = new BillingCycle(30, ZoneId.of("UTC"));
        assertThat(c.periodAt(at("2027-03-01T00:00:00Z")))
                .isEqualTo(period("2027-02-28T00:00:00Z", "2027-03-30T00:00:00Z"));
    }

    @Test
    void newYorkPeriodAcrossTheSpringChangeIsOneHourShort() {
        BillingCycle ny = new BillingCycle(1, ZoneId.of("America/New_York"));
        BillingPeriod march = ny.periodAt(at("2026-03-08T12:00:00Z"));
        // 00:00 EST (-05:00) on 1 March to 00:00 EDT (-04:00) on 1 April.
        assertThat(march).isEqualTo(period("2026-03-01T05:00:00Z", "2026-04-01T04:00:00Z"));
        assertThat(Duration.between(march.start(), march.end())).isEqualTo(Duration.ofDays(31).minusHours(1));

        BillingCycle on8th = new BillingCycle(8, ZoneId.of("America/New_York"));
        // The change happens at 02:00, so midnight on the 8th exists, still in EST.
        assertThat(on8th.periodAt(at("2026-03-08T05:00:00Z")))
                .isEqualTo(period("2026-03-08T05:00:00Z", "2026-04-08T04:00:00Z"));
        assertThat(on8th.periodAt(at("2026-03-08T04:59:59Z")).end()).isEqualTo(at("2026-03-08T05:00:00Z"));
    }

    @Test
    void whenMidnightDoesNotExistThePeriodStartsAtTheTransition() {
        ZoneId santiago = ZoneId.of("America/Santiago");
        // Chile springs forward at 00:00 on 6 September 2026: 00:00 -04:00 becomes 01:00 -03:00.
        assertThat(santiago.getRules().getTransition(LocalDateTime.parse("2026-09-06T00:00")).isGap()).isTrue();
        BillingCycle c = new BillingCycle(6, santiago);

        BillingPeriod september = c.periodAt(at("2026-09-06T04:00:00Z"));

        assertThat(september).isEqualTo(period("2026-09-06T04:00:00Z", "2026-10-06T03:00:00Z"));
        assertThat(september.start().atZone(santiago).toLocalDateTime())
                .isEqualTo(LocalDateTime.parse("2026-09-06T01:00"));
        assertThat(c.periodAt(at("2026-09-06T03:59:59.999Z")))
                .isEqualTo(period("2026-08-06T04:00:00Z", "2026-09-06T04:00:00Z"));
    }

    @Test
    void whenMidnightDoesNotExistInHavanaToo() {
        ZoneId havana = ZoneId.of("America/Havana");
        assertThat(havana.getRules().getTransition(LocalDateTime.parse("2026-03-08T00:00")).isGap()).isTrue();
        BillingCycle c = new BillingCycle(8, havana);
        // 00:00 -05:00 would be 05:00Z; the clock jumps to 01:00 -04:00, the same instant.
        assertThat(c.periodAt(at("2026-03-08T05:00:00Z")).start()).isEqualTo(at("2026-03-08T05:00:00Z"));
        assertThat(c.periodAt(at("2026-03-08T04:59:59Z")).end()).isEqualTo(at("2026-03-08T05:00:00Z"));
    }

    @Test
    void whenMidnightHappensTwiceThePeriodStartsAtTheFirst() {
        ZoneId havana = ZoneId.of("America/Havana");
        // Cuba falls back at 01:00 on 1 November 2026: 00:00..00:59 happens at -04:00 and again at -05:00.
        assertThat(havana.getRules().getTransition(LocalDateTime.parse("2026-11-01T00:30")).isOverlap()).isTrue();
        BillingCycle c = new BillingCycle(1, havana);

        BillingPeriod november = c.periodAt(at("2026-11-01T05:30:00Z")); // the second 00:30

        assertThat(november.start()).isEqualTo(at("2026-11-01T04:00:00Z"));
        assertThat(c.periodAt(at("2026-11-01T04:00:00Z"))).isEqualTo(november);
        assertThat(c.periodAt(at("2026-11-01T03:59:59Z")).end()).isEqualTo(november.start());
    }

    @Test
    void nextAndPreviousAreTheNeighbours() {
        BillingCycle c = new BillingCycle(15, ZoneId.of("Asia/Kolkata"));
        BillingPeriod p = c.periodAt(at("2026-11-20T00:00:00Z"));
        assertThat(c.next(p)).isEqualTo(period("2026-12-14T18:30:00Z", "2027-01-14T18:30:00Z"));
        assertThat(c.previous(p)).isEqualTo(period("2026-10-14T18:30:00Z", "2026-11-14T18:30:00Z"));
        assertThat(c.previous(c.next(p))).isEqualTo(p);
    }

    @Test
    void periodContainsItsStartButNotItsEnd() {
        BillingPeriod p = period("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
        assertThat(p.contains(p.start())).isTrue();
        assertThat(p.contains(p.end())).isFalse();
        assertThat(p.contains(p.end().minusNanos(1))).isTrue();
        assertThat(p.contains(p.start().minusNanos(1))).isFalse();
    }

    @Test
    void invalidCyclesAndPeriodsAreRejected() {
        assertThatThrownBy(() -> new BillingCycle(0, ZoneId.of("UTC"))).hasMessageContaining("1..31");
        assertThatThrownBy(() -> new BillingCycle(32, ZoneId.of("UTC"))).hasMessageContaining("1..31");
        assertThatThrownBy(() -> new BillingCycle(1, null)).isInstanceOf(NullPointerException.class);
        Instant t = at("2026-11-01T00:00:00Z");
        assertThatThrownBy(() -> new BillingPeriod(t, t)).isInstanceOf(IllegalArgumentException.class);
    }
}
