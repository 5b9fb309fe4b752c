package io.tollgate.observe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C trace-context ids for when tracing is off: the trace id of a valid incoming {@code traceparent},
 * or a fresh random one, so every response still carries a trace id callers can log and correlate.
 */
final class TraceIds {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceIds() {
    }

    /** The trace id of a valid {@code traceparent} header value, or null. */
    static String traceIdOf(String traceparent) {
        if (!valid(traceparent)) {
            return null;
        }
        return traceparent.substring(3, 35);
    }

    /** True for a well-formed version-00-compatible header with non-zero ids. */
    static boolean valid(String tp) {
        if (tp == null || tp.length() < 55 || tp.charAt(2) != '-' || tp.charAt(35) != '-' || tp.charAt(52) != '-') {
            return false;
        }
        if (tp.length() > 55 && tp.charAt(55) != '-') {
            return false;
        }
        if (!hex(tp, 0, 2) || tp.startsWith("ff") || !hex(tp, 3, 35) || !hex(tp, 36, 52) || !hex(tp, 53, 55)) {
            return false;
        }
        return !zero(tp, 3, 35) && !zero(tp, 36, 52);
    }

    static String randomTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi;
        long lo;
        do {
            hi = r.nextLong();
            lo = r.nextLong();
        } while (hi == 0 && lo == 0);
        char[] c = new char[32];
        hex(hi, c, 0);
        hex(lo, c, 16);
        return new String(c);
    }

    static String randomSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        char[] c = new char[16];
        hex(id, c, 0);
        return new String(c);
    }

    /** The W3C {@code traceresponse} value: version 00, this server's trace and span id, sampled flag. */
    static String traceresponse(String traceId, String spanId, boolean sampled) {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    private static void hex(long v, char[] out, int at) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    private static boolean hex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean zero(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
