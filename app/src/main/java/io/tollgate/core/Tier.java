package io.tollgate.core;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Tier defaults, exactly as in the original design. Unknown users are {@link #FREE}. */
public enum Tier {
    FREE(10, 100, 1_000, new Quota(10_000, gb(1), hours(1))),
    BASIC(60, 1_000, 10_000, new Quota(100_000, gb(10), hours(10))),
    PRO(300, 5_000, 50_000, new Quota(1_000_000, gb(100), hours(100))),
    ENTERPRISE(1_000, 20_000, 200_000, new Quota(10_000_000, gb(1_000), hours(1_000)));

    private final Map<Window, Long> rateLimits;
    private final Quota quota;
    private final String wireName = name().toLowerCase(Locale.ROOT);

    Tier(long perMinute, long perHour, long perDay, Quota quota) {
        EnumMap<Window, Long> limits = new EnumMap<>(Window.class);
        limits.put(Window.MINUTE, perMinute);
        limits.put(Window.HOUR, perHour);
        limits.put(Window.DAY, perDay);
        this.rateLimits = java.util.Collections.unmodifiableMap(limits);
        this.quota = quota;
    }

    /** Per-user limits of this tier, by window. */
    public Map<Window, Long> rateLimits() {
        return rateLimits;
    }

    public Quota quota() {
        return quota;
    }

    public static Tier parse(String text) {
        for (Tier t : values()) {
            if (t.name().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tier '" + text + "', expected one of free, basic, pro, enterprise");
    }

    public String wireName() {
        return wireName;
    }

    private static long gb(long n) {
        return n * 1_000_000_000L;
    }

    private static long hours(long n) {
        return n * 3_600_000L;
    }
}
