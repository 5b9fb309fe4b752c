package io.tollgate.webhook;

import java.util.Map;

/**
 * A second destination for the events of the live event stream (denials, quota thresholds, member changes),
 * beside the WebSocket clients: the webhooks' outbox. Called on request threads, Hazelcast event threads and
 * the collector, so both methods must be fast, must not block and must not throw.
 */
public interface EventSink {
    /** Whether events of this type are wanted now (someone subscribed to them). */
    boolean wants(String type);

    /** Whether any event type is wanted now. */
    boolean active();

    /** Takes one event; {@code fields} are the event's own (no {@code type}, {@code at} or {@code member}). */
    void offer(String type, Map<String, Object> fields);

    EventSink NONE = new EventSink() {
        @Override
        public boolean wants(String type) {
            return false;
        }

        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void offer(String type, Map<String, Object> fields) {
        }
    };
}
