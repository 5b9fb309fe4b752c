package io.tollgate.decide;

import com.hazelcast.map.IMap;
import io.tollgate.cluster.OnCompletion;
import io.tollgate.cluster.UserProcessor;
import io.tollgate.core.UserState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Operations the failure policy answered for, to be applied (fail-open) or cancelled (fail-closed)
 * once the cluster answers again; all retried together every 200 ms. They carry their operation
 * ids, so applying one twice is a replay. Held in this member's memory: if this member dies before
 * they drain, they are lost. For fail-closed that rarely matters, since the owner itself refuses an
 * acquire that arrives after the caller's deadline; what is left is a reply lost in flight. For
 * fail-open the call goes unbilled. The README states both.
 */
final class OwedOperations implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OwedOperations.class.getName());
    private static final int CAPACITY = 100_000;

    /** @param ticket the operation's hold on its caller sequence (null for a request_id's operation) */
    private record Owed(String userId, UserProcessor processor, CallerSequence.Ticket ticket) {
        void hold() {
            if (ticket != null) {
                ticket.hold();
            }
        }

        void release() {
            if (ticket != null) {
                ticket.release();
            }
        }
    }

    private final IMap<String, UserState> users;
    private final ConcurrentLinkedQueue<Owed> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final ScheduledExecutorService retrier = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tollgate-owed-operations");
        t.setDaemon(true);
        return t;
    });

    OwedOperations(IMap<String, UserState> users) {
        this.users = users;
        retrier.scheduleWithFixedDelay(this::drain, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Takes one hold on {@code ticket} until the cluster took the operation. */
    void add(String userId, UserProcessor processor, CallerSequence.Ticket ticket) {
        Owed owed = new Owed(userId, processor, ticket);
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            LOG.warning("owed-operation queue full; dropping one for " + userId);
            return;
        }
        owed.hold();
        queue.add(owed);
    }

    int size() {
        return size.get();
    }

    /** Submits every owed operation at once; those the cluster took are done, the rest wait for the next tick. */
    private void drain() {
        List<Owed> batch = new ArrayList<>();
        Owed next;
        while ((next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sent = new ArrayList<>(batch.size());
        for (Owed o : batch) {
            // Each attempt holds the id too: one that timed out here may still be retried by Hazelcast.
            o.hold();
            sent.add(OnCompletion.run(users.submitToKey(o.userId(), o.processor()), (v, e) -> o.release())
                    .toCompletableFuture());
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                sent.get(i).get(2, TimeUnit.SECONDS);
                size.decrementAndGet();
                batch.get(i).release();
            } catch (Exception e) {
                queue.add(batch.get(i)); // still unavailable; again on the next tick
            }
        }
    }

    @Override
    public void close() {
        retrier.shutdownNow();
    }
}
