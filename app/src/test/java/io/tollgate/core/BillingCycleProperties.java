package io.tollgate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every instant falls in exactly one period, for any anchor day and any zone of the JDK's tz data. */
class BillingCycleProperties {

    private static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()));

    @Property(tries = 3000)
    void everyInstantFallsInExactlyOnePeriod(@ForAll("instants") Instant t,
                                             @ForAll @IntRange(min = 1, max = 31) int anchorDay,
                                             @ForAll("zones") ZoneId zone) {
        BillingCycle cycle = new BillingCycle(anchorDay, zone);

        BillingPeriod p = cycle.periodAt(t);

        assertThat(p.start()).isBeforeOrEqualTo(t);
        assertThat(t).isBefore(p.end());
        assertThat(cycle.periodAt(p.start())).isEqualTo(p);
        assertThat(cycle.periodAt(p.end().minusNanos(1))).isEqualTo(p);
        assertThat(cycle.periodAt(p.end()).start()).isEqualTo(p.end());
        assertThat(cycle.periodAt(p.start().minusNanos(1)).end()).isEqualTo(p.start());
        // Roughly a month: 27 days at the least (Pacific/Apia skipped a whole day in 2011).
        assertThat(Duration.between(p.start(), p.end())).isBetween(Duration.ofDays(27), Duration.ofDays(32));
    }

    @Property(tries = 1000)
    void theStartIsLocalMidnightOnTheAnchorDayOrTheEndOfItsGap(@ForAll("instants") Instant t,
                                                               @ForAll @IntRange(min = 1, max = 31) int anchorDay,
                                                               @ForAll("zones") ZoneId zone) {
        assertStartFollowsTheRule(new BillingCycle(anchorDay, zone), t);
    }

    /**
     * The cases that matter, found on purpose: instants within a day and a half of a real clock change
     * of any zone, with the anchor on the day of the change.
     */
    @Property(tries = 1000)
    void periodsStayContiguousAroundClockChanges(@ForAll("nearClockChanges") Case c) {
        BillingPeriod p = c.cycle().periodAt(c.t());
        assertThat(p.contains(c.t())).isTrue();
        assertThat(c.cycle().periodAt(p.start())).isEqualTo(p);
        assertThat(c.cycle().periodAt(p.end().minusNanos(1))).isEqualTo(p);
        assertThat(c.cycle().periodAt(p.end()).start()).isEqualTo(p.end());
        assertThat(c.cycle().periodAt(p.start().minusNanos(1)).end()).isEqualTo(p.start());
        assertStartFollowsTheRule(c.cycle(), c.t());
        assertStartFollowsTheRule(c.cycle(), p.end());
    }

    record Case(BillingCycle cycle, Instant t) {
    }

    /**
     * The start is the rule's start of its own local month, or of the month before when a skipped
     * day pushed it over the month's end (Pacific/Kanton skipped 31 December 1994: the period of
     * December 1994 with anchor 31 starts at 00:00 on 1 January 1995).
     */
    private static void assertStartFollowsTheRule(BillingCycle cycle, Instant t) {
        Instant start = cycle.periodAt(t).start();
        YearMonth month = YearMonth.from(start.atZone(cycle.zone()));
        assertThat(start).isIn(ruleStart(cycle, month), ruleStart(cycle, month.minusMonths(1)));
    }

    /** The rule written out without ZonedDateTime.of: midnight, or the end of the gap that skips it. */
    private static Instant ruleStart(BillingCycle cycle, YearMonth month) {
        ZoneId zone = cycle.zone();
        LocalDateTime midnight = month.atDay(Math.min(cycle.anchorDay(), month.lengthOfMonth())).atStartOfDay();
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(midnight);
        if (offsets.isEmpty()) {
            return zone.getRules().getTransition(midnight).getInstant();
        }
        return midnight.toInstant(offsets.get(0)); // twice in an overlap: the first
    }

    @Provide
    Arbitrary<Case> nearClockChanges() {
        return Arbitraries.of(MIDNIGHT_CHANGES).flatMap(seed -> Arbitraries.longs()
                .between(-36 * 3_600_000L, 36 * 3_600_000L)
                .map(ms -> new Case(seed.cycle(), seed.t().plusMillis(ms))));
    }

    /** Every clock change at or to local midnight 1970..2100 in any zone, anchored on its day. */
    private static final List<Case> MIDNIGHT_CHANGES = midnightChanges();

    private static List<Case> midnightChanges() {
        Instant from = Instant.parse("1970-01-01T00:00:00Z");
        Instant to = Instant.parse("2100-01-01T00:00:00Z");
        List<Case> seeds = new ArrayList<>();
        for (String id : ZONES) {
            ZoneId zone = ZoneId.of(id);
            ZoneOffsetTransition tr = zone.getRules().nextTransition(from);
            while (tr != null && tr.getInstant().isBefore(to)) {
                if (tr.getDateTimeBefore().toLocalTime().getHour() == 0
                        || tr.getDateTimeAfter().toLocalTime().getHour() == 0) {
                    int day = tr.getDateTimeBefore().getDayOfMonth();
                    seeds.add(new Case(new BillingCycle(day, zone), tr.getInstant()));
                }
                tr = zone.getRules().nextTransition(tr.getInstant());
            }
        }
        return List.copyOf(seeds);
    }

    @Provide
    Arbitrary<Instant> instants() {
        long from = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond();
        return Arbitraries.longs().between(from, to)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(ZONES).map(ZoneId::of)),
                // Zones whose clocks jump at midnight, and the usual suspects.
                net.jqwik.api.Tuple.of(2, Arbitraries.of("America/Santiago", "America/Havana", "Asia/Beirut",
                        "America/Asuncion", "Pacific/Apia", "Asia/Kolkata", "America/New_York", "UTC")
                        .map(ZoneId::of)));
    }
}
