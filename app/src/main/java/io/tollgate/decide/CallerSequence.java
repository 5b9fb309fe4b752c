package io.tollgate.decide;

import io.tollgate.core.OperationId;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Numbers the operations this member sends to owners without a request_id, and knows the lowest one
 * still in flight, which every operation carries as its {@code doneBelow} (see {@link OperationId}).
 *
 * <p>An operation stays in flight until every invocation about it has completed: the acquire's own
 * (Hazelcast may retry it on a new owner until then) and, when the failure policy answered, the owed
 * cancel or forced apply that follows it. Only then may an owner forget its id.
 */
final class CallerSequence {
    private static final SecureRandom TAGS = new SecureRandom();

    /** One operation's hold on the sequence; released once per {@link #hold()} plus once for opening it. */
    final class Ticket {
        private final long id;
        private final long doneBelow;
        private final AtomicInteger holds = new AtomicInteger(1);

        private Ticket(long id, long doneBelow) {
            this.id = id;
            this.doneBelow = doneBelow;
        }

        long id() {
            return id;
        }

        long doneBelow() {
            return doneBelow;
        }

        void hold() {
            holds.incrementAndGet();
        }

        void release() {
            if (holds.decrementAndGet() == 0) {
                open.remove(id);
            }
        }
    }

    private final ConcurrentSkipListSet<Long> open = new ConcurrentSkipListSet<>();
    private int tag = TAGS.nextInt(OperationId.MAX_TAG + 1);
    private long next;

    /**
     * A new operation id. Allocating it and adding it to the open set happen under one lock, so no
     * allocated id is ever missing from the set when another caller computes its {@code doneBelow}.
     */
    synchronized Ticket open() {
        if (next > OperationId.MAX_SEQUENCE) {
            // 2^40 operations: continue under a new tag, whose ids compare only among themselves.
            tag = TAGS.nextInt(OperationId.MAX_TAG + 1);
            next = 0;
        }
        long id = OperationId.sequenced(tag, next++);
        open.add(id);
        // The lowest open id of this tag (ids of an earlier tag compare only among themselves).
        long doneBelow = open.ceiling(OperationId.sequenced(tag, 0));
        return new Ticket(id, doneBelow);
    }

    int inFlight() {
        return open.size();
    }
}
