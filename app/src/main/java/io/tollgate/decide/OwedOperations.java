package io.tollgate.decide;

import com.hazelcast.map.IMap;
import io.tollgate.cluster.UserProcessor;
import io.tollgate.core.UserState;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Operations the failure policy answered for, to be applied (fail-open) or cancelled (fail-closed)
 * once the cluster answers again; retried every 200 ms. They carry their operation ids, so applying
 * one twice is a replay. Held in this member's memory: if this member dies before the cluster
 * returns, its owed operations are lost (fail-open calls then go unbilled), which the README states.
 */
final class OwedOperations implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OwedOperations.class.getName());
    private static final int CAPACITY = 100_000;

    private record Owed(String userId, UserProcessor processor) {
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

    void add(String userId, UserProcessor processor) {
        if (size.incrementAndGet() > CAPACITY) {
            size.decrementAndGet();
            LOG.warning("owed-operation queue full; dropping one for " + userId);
            return;
        }
        queue.add(new Owed(userId, processor));
    }

    int size() {
        return size.get();
    }

    private void drain() {
        Owed next;
        while ((next = queue.peek()) != null) {
            try {
                users.submitToKey(next.userId(), next.processor()).toCompletableFuture().get(2, TimeUnit.SECONDS);
                queue.poll();
                size.decrementAndGet();
            } catch (Exception e) {
                return; // still unavailable; try again on the next tick
            }
        }
    }

    @Override
    public void close() {
        retrier.shutdownNow();
    }
}
