package io.tollgate.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A user's billing cycle: periods start at 00:00 local time on the anchor day of each month in the
 * user's zone (on the month's last day when the month is shorter). Placeholder until the core
 * helper lands the tested version.
 */
public record BillingCycle(int anchorDay, ZoneId zone) {
    public BillingCycle {
        if (anchorDay < 1 || anchorDay > 31) {
            throw new IllegalArgumentException("anchor day must be 1..31, was " + anchorDay);
        }
        Objects.requireNonNull(zone, "zone");
    }

    public static BillingCycle utcCalendarMonth() {
        return new BillingCycle(1, ZoneOffset.UTC);
    }

    public BillingPeriod periodAt(Instant t) {
        ZonedDateTime local = t.atZone(zone);
        YearMonth month = YearMonth.from(local);
        Instant start = startOf(month);
        if (t.isBefore(start)) {
            month = month.minusMonths(1);
            start = startOf(month);
        }
        return new BillingPeriod(start, startOf(month.plusMonths(1)));
    }

    private Instant startOf(YearMonth month) {
        LocalDate day = month.atDay(Math.min(anchorDay, month.lengthOfMonth()));
        return day.atStartOfDay(zone).toInstant();
    }
}
