package io.tollgate.http;

import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cuts off a client that takes longer than its listener's read timeout to send a request's headers or body.
 *
 * <p>Design note. Helidon reads each connection on its own virtual thread from a socket without a read timeout, and
 * its idle-connection check only closes connections waiting for a request line. So this keeps, per connection
 * thread, a slot with the moment a read began: from the request line ({@link #prologue}, a Helidon receive
 * listener) until routing starts ({@link RequestGuard} calls {@link #finished}), and again around a body read
 * ({@link Json#bytes}). One daemon thread looks at the slots every 200 ms and interrupts a thread whose read is
 * overdue: interrupting a virtual thread blocked on a socket closes that socket, so Helidon drops the connection.
 * The slot is claimed by compare-and-set, and an interrupt is sent under the slot's lock, so a thread that finished
 * its read in the same instant learns that it was cut ({@link #finished} returns false) and clears the interrupt
 * itself instead of carrying it into the decision path. Per request this costs two volatile writes; a slot is made
 * once per connection thread.
 */
public final class ReadDeadlines {
    private static final long SWEEP_MILLIS = 200;
    private static final Set<Slot> SLOTS = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Slot> MINE = ThreadLocal.withInitial(ReadDeadlines::register);
    private static volatile boolean sweeping;

    private ReadDeadlines() {
    }

    private static final class Slot {
        final Thread thread = Thread.currentThread();
        /** When the current read began (nanoTime | 1, never 0), or 0 when none is in progress. */
        final AtomicLong since = new AtomicLong();
        volatile long timeoutNanos = Long.MAX_VALUE;
    }

    /** The receive listener of one listener: starts the clock at each request line. */
    public static Http1ConnectionListener listener(Duration readTimeout) {
        startSweeper();
        long timeout = readTimeout.toNanos();
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                Slot slot = MINE.get();
                slot.timeoutNanos = timeout;
                slot.since.set(System.nanoTime() | 1);
            }
        };
    }

    /** A body read begins on this thread (with the timeout of the listener the request came in on). */
    static void began() {
        Slot slot = MINE.get();
        if (slot.timeoutNanos != Long.MAX_VALUE) {
            slot.since.set(System.nanoTime() | 1);
        }
    }

    /**
     * The read on this thread is over. False when it was cut off for being overdue: the thread's interrupt is then
     * cleared here, and the caller answers 408 (the connection is closed already).
     */
    public static boolean finished() {
        Slot slot = MINE.get();
        if (slot.since.getAndSet(0) != 0 || slot.timeoutNanos == Long.MAX_VALUE) {
            return true;
        }
        synchronized (slot) {
            // The sweeper claimed the slot: wait until its interrupt is sent, then take it back.
            Thread.interrupted();
        }
        return false;
    }

    private static Slot register() {
        Slot slot = new Slot();
        SLOTS.add(slot);
        return slot;
    }

    private static synchronized void startSweeper() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        Thread.ofPlatform().daemon().name("tollgate-read-deadlines").start(() -> {
            while (true) {
                try {
                    Thread.sleep(SWEEP_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                sweep(System.nanoTime());
            }
        });
    }

    private static void sweep(long now) {
        for (Slot slot : SLOTS) {
            if (!slot.thread.isAlive()) {
                SLOTS.remove(slot);
                continue;
            }
            long since = slot.since.get();
            if (since != 0 && now - since > slot.timeoutNanos) {
                synchronized (slot) {
                    if (slot.since.compareAndSet(since, 0)) {
                        slot.thread.interrupt();
                    }
                }
            }
        }
    }
}
