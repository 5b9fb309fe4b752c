package io.tollgate.core;

/**
 * The two kinds of 64-bit operation ids an entry remembers.
 *
 * <p>A <em>sequenced</em> id (top bit set) is {@code caller tag (23 bits) | sequence (40 bits)}: a
 * member numbers the operations it sends, and with each one tells the owner the lowest sequence it
 * still has in flight. Everything of that caller below it has been answered, so Hazelcast will never
 * retry it, and the entry can forget it at once: the entry holds only what is in flight instead of
 * every call of the last minute. A <em>hashed</em> id (top bit clear) comes from a client's
 * request_id; a client may retry that one at any member at any time, so it is kept for the horizon.
 */
public final class OperationId {
    static final int TAG_BITS = 23;
    static final int SEQUENCE_BITS = 40;
    public static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;
    public static final int MAX_TAG = (1 << TAG_BITS) - 1;
    private static final long SEQUENCED = Long.MIN_VALUE;

    private OperationId() {
    }

    public static long sequenced(int callerTag, long sequence) {
        if (callerTag < 0 || callerTag > MAX_TAG || sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("caller tag " + callerTag + " / sequence " + sequence + " out of range");
        }
        return SEQUENCED | ((long) callerTag << SEQUENCE_BITS) | sequence;
    }

    /** A hashed id from any 64 bits (the top bit is dropped). */
    public static long hashed(long bits) {
        return bits & Long.MAX_VALUE;
    }

    public static boolean isSequenced(long id) {
        return id < 0;
    }

    /**
     * True when {@code id} is a sequenced id of the same caller as {@code doneBelow} with a lower
     * sequence: that operation and everything about it (its cancel too) has been answered.
     */
    public static boolean answeredBefore(long id, long doneBelow) {
        return isSequenced(doneBelow) && isSequenced(id)
                && (id >>> SEQUENCE_BITS) == (doneBelow >>> SEQUENCE_BITS)
                && id < doneBelow;
    }
}
