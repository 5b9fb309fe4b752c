package io.tollgate.core;

import java.time.Duration;
import java.util.Locale;

/** The rate-limit windows. MONTH is a sliding 30 days; the calendar billing month is {@link BillingCycle}'s business. */
public enum Window {
    SECOND(Duration.ofSeconds(1)),
    MINUTE(Duration.ofMinutes(1)),
    HOUR(Duration.ofHours(1)),
    DAY(Duration.ofDays(1)),
    MONTH(Duration.ofDays(30));

    private final long millis;
    private final String wireName = name().toLowerCase(Locale.ROOT);

    Window(Duration length) {
        this.millis = length.toMillis();
    }

    public long millis() {
        return millis;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses a wire name ("minute"); throws {@link IllegalArgumentException} naming the accepted values. */
    public static Window parse(String text) {
        for (Window w : values()) {
            if (w.wireName().equalsIgnoreCase(text)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown window '" + text + "', expected one of second, minute, hour, day, month");
    }
}
