package io.tollgate.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Times out waits for cluster answers without a timed park per wait.
 *
 * <p>Design note. A decision waits for its entry processor's answer until a deadline. A timed wait on a virtual
 * thread hands its wake-up to the JDK's delay scheduler, one registration and one signal of that scheduler's thread
 * per wait: under load about a tenth of the sidecar's CPU went there. Here a wait is an untimed wait on a gate
 * future, and one daemon thread fails the gates whose deadline has passed. Deadlines sit in a ring of
 * {@value #SLOTS} slots of {@value #TICK_MILLIS} ms; the thread visits the slots whose time has come once per
 * tick while any deadline is registered, and sleeps without a timeout when none is (the next registration wakes
 * it). A deadline further away than the ring is put back until its turn. A gate is failed at most one tick (plus
 * the thread's wake-up latency) after its deadline, never before it. Gates that completed in time stay in their
 * slot until it is visited, where failing them is a no-op: at most one ring's worth of deadlines is held.
 */
final class DeadlineWheel {
    static final long TICK_MILLIS = 1;
    private static final long TICK_NANOS = TICK_MILLIS * 1_000_000L;
    private static final int SLOTS = 4096;
    private static final TimeoutException TIMED_OUT = new TimeoutException("no answer within the decision timeout");

    static final DeadlineWheel INSTANCE = new DeadlineWheel();

    private record Deadline(CompletableFuture<?> gate, long atNanos) {
    }

    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<Deadline>[] slots = new ConcurrentLinkedQueue[SLOTS];
    private final AtomicInteger registered = new AtomicInteger();
    private volatile boolean sleeping;
    private final Thread ticker;

    private DeadlineWheel() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new ConcurrentLinkedQueue<>();
        }
        ticker = Thread.ofPlatform().daemon().name("tollgate-deadlines").unstarted(this::run);
        ticker.start();
    }

    /** Fails {@code gate} with a {@link TimeoutException} once {@code atNanos} ({@link System#nanoTime}) has passed. */
    void failAt(CompletableFuture<?> gate, long atNanos) {
        slotOf(atNanos).add(new Deadline(gate, atNanos));
        if (registered.getAndIncrement() == 0 || sleeping) {
            LockSupport.unpark(ticker);
        }
    }

    /** The slot visited first after {@code atNanos}: the one of the tick after the one it falls in. */
    private ConcurrentLinkedQueue<Deadline> slotOf(long atNanos) {
        return slots[(int) Math.floorMod(Math.floorDiv(atNanos, TICK_NANOS) + 1, (long) SLOTS)];
    }

    private void run() {
        long visited = Math.floorDiv(System.nanoTime(), TICK_NANOS);
        while (true) {
            if (registered.get() == 0) {
                sleeping = true;
                if (registered.get() == 0) {
                    LockSupport.park(this);
                }
                sleeping = false;
                visited = Math.floorDiv(System.nanoTime(), TICK_NANOS) - 1;
            } else {
                LockSupport.parkNanos(this, TICK_NANOS);
            }
            long now = System.nanoTime();
            long tick = Math.floorDiv(now, TICK_NANOS);
            // After a long stall every slot is due once; more visits would only repeat them.
            for (long t = Math.max(visited + 1, tick - SLOTS + 1); t <= tick; t++) {
                visit(slots[(int) Math.floorMod(t, (long) SLOTS)], now);
            }
            visited = tick;
        }
    }

    private void visit(ConcurrentLinkedQueue<Deadline> slot, long now) {
        int size = slot.size();
        for (int i = 0; i < size; i++) {
            Deadline d = slot.poll();
            if (d == null) {
                return;
            }
            if (d.atNanos() - now > 0) {
                slotOf(d.atNanos()).add(d); // a later turn of the ring
                continue;
            }
            registered.decrementAndGet();
            if (!d.gate().isDone()) {
                d.gate().completeExceptionally(TIMED_OUT);
            }
        }
    }
}
