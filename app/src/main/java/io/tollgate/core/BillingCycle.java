package io.tollgate.core;

import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * When a user's billing periods begin: 00:00 local time, in the user's zone, on {@code anchorDay} of
 * every month; in a month shorter than the anchor day, on its last day (anchor 31 starts on
 * 28/29 February and 30 April).
 *
 * <p>Design note. A period is {@code [start of month m, start of month m + 1)}, where the start of a
 * month is one function of the month alone ({@link #startOf}). Starts are strictly increasing (at
 * least 27 days apart), so the periods are contiguous and never overlap: every instant falls in
 * exactly one of them, whatever daylight-saving transitions do to local time. Time-zone rules come
 * from {@link ZonedDateTime#of}: when 00:00 does not exist (a gap at midnight, as in America/Santiago
 * in September), the period starts at the first instant after the gap (01:00 new time, which is the
 * transition instant); when 00:00 exists twice (an overlap at midnight, as in America/Havana in
 * November), it starts at the first of the two. Pure: the instant is passed in, nothing reads a clock.
 *
 * @param anchorDay day of the month a period starts on, 1..31
 * @param zone      the user's zone (the zone's rules of the running JDK's tz data apply)
 */
public record BillingCycle(int anchorDay, ZoneId zone) {

    private static final BillingCycle UTC_CALENDAR_MONTH = new BillingCycle(1, ZoneOffset.UTC);

    public BillingCycle {
        if (anchorDay < 1 || anchorDay > 31) {
            throw new IllegalArgumentException("billing anchor day must be 1..31, was " + anchorDay);
        }
        Objects.requireNonNull(zone, "zone");
    }

    /** Calendar months in UTC: the default for users without their own cycle. */
    public static BillingCycle utcCalendarMonth() {
        return UTC_CALENDAR_MONTH;
    }

    /** The period holding {@code t}: {@code start <= t < end}. */
    public BillingPeriod periodAt(Instant t) {
        YearMonth month = YearMonth.from(t.atZone(zone));
        // The local month of t is the period's month or the one after it (t before this month's
        // anchor); the loops also cover any odd zone history without assuming which.
        while (t.isBefore(startOf(month))) {
            month = month.minusMonths(1);
        }
        while (!t.isBefore(startOf(month.plusMonths(1)))) {
            month = month.plusMonths(1);
        }
        return new BillingPeriod(startOf(month), startOf(month.plusMonths(1)));
    }

    /** The period right after {@code period}. */
    public BillingPeriod next(BillingPeriod period) {
        return periodAt(period.end());
    }

    /** The period right before {@code period}. */
    public BillingPeriod previous(BillingPeriod period) {
        return periodAt(period.start().minusNanos(1));
    }

    /** The instant the period of {@code month} starts. */
    Instant startOf(YearMonth month) {
        int day = Math.min(anchorDay, month.lengthOfMonth());
        return ZonedDateTime.of(month.atDay(day), LocalTime.MIDNIGHT, zone).toInstant();
    }
}
