package io.tollgate.webhook;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends the outbox's due deliveries to their endpoints.
 *
 * <h2>Design note</h2>
 * <b>What runs where.</b> Every member runs one dispatcher. Every {@code tollgate.webhooks.poll-interval} its
 * timer thread leases up to as many due deliveries as it has free attempt slots
 * ({@code tollgate.webhooks.max-concurrent}) in one statement ({@code FOR UPDATE SKIP LOCKED}: members never
 * wait for each other and never lease the same row), then sends each on its own virtual thread. Nothing here
 * runs on a request thread or a Hazelcast thread, and the number of attempts in flight is bounded, so a slow
 * or dead receiver holds only its slots and its deliveries, never a decision.
 * <p><b>One sender per delivery.</b> A lease lasts twice the attempt timeout plus 5 s; the result of the
 * attempt clears it. A member killed mid-attempt leaves its lease to run out, and then any member sends the
 * delivery again with the same {@code webhook-id} and body (at least once; a receiver drops duplicates by
 * {@code webhook-id}). A member whose attempt outlives its lease (a pause longer than the lease) may send at
 * the same time as the one that took over: a duplicate with the same {@code webhook-id}, never a loss.
 * <p><b>Attempts.</b> Signed per the Standard Webhooks specification ({@link WebhookSigner}) with the
 * endpoint's secret, and its previous secret during a rotation's overlap. 2xx is success; 410 disables the
 * endpoint (its deliveries wait until an admin activates it); anything else, a timeout or a refused address
 * is retried after the next wait of {@code tollgate.webhooks.retry-schedule} (with jitter), and the delivery is
 * dead after the last. Redirects are not followed and at most {@code response-body-cap} bytes of the answer
 * are read. <b>PostgreSQL down:</b> nothing is leased or recorded; an attempt whose result cannot be recorded
 * is sent again once its lease runs out.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class.getName());
    private static final int BACKLOG_EVERY = 5;

    private final OutboxRepository outbox;
    private final WebhookEvents events;
    private final WebhookSettings settings;
    private final TargetPolicy policy;
    private final DeliveryListener listener;
    private final RetrySchedule schedule;
    private final String owner;
    private final Duration lease;
    private final Semaphore slots;
    private final HttpClient client;
    private final ScheduledExecutorService timer;
    private volatile DeliveryListener.Backlog backlog = DeliveryListener.Backlog.EMPTY;
    private long rounds;
    private volatile boolean databaseOk = true;

    public WebhookDispatcher(OutboxRepository outbox, WebhookEvents events, WebhookSettings settings, TargetPolicy policy,
                             DeliveryListener listener, String member) {
        this.outbox = outbox;
        this.events = events;
        this.settings = settings;
        this.policy = policy;
        this.listener = listener;
        this.schedule = new RetrySchedule(settings.retrySchedule());
        this.owner = member + "/" + UUID.randomUUID();
        this.lease = settings.attemptTimeout().multipliedBy(2).plusSeconds(5);
        this.slots = new Semaphore(settings.maxConcurrent());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.attemptTimeout())
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tollgate-webhook-dispatcher");
            t.setDaemon(true);
            return t;
        });
        refreshSubscriptions();
        long every = settings.pollInterval().toMillis();
        timer.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
    }

    public DeliveryListener.Backlog backlog() {
        return backlog;
    }

    /** The backlog of a dispatcher made later than the gauges that read it (empty until then). */
    public static final class Backlog implements java.util.function.Supplier<DeliveryListener.Backlog> {
        private volatile WebhookDispatcher dispatcher;

        public void of(WebhookDispatcher dispatcher) {
            this.dispatcher = dispatcher;
        }

        @Override
        public DeliveryListener.Backlog get() {
            WebhookDispatcher d = dispatcher;
            return d == null ? DeliveryListener.Backlog.EMPTY : d.backlog();
        }
    }

    /** Reads which event types endpoints subscribe to, so events are taken from now on (after an admin change). */
    public void refreshSubscriptions() {
        try {
            events.subscriptions(outbox.subscribedTypes());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "webhook subscriptions not read; the last ones stay", e);
        }
    }

    private void round() {
        try {
            refreshSubscriptions();
            if (rounds++ % BACKLOG_EVERY == 0) {
                backlog = outbox.backlog();
            }
            int free = slots.availablePermits();
            if (free == 0) {
                return;
            }
            List<OutboxRepository.Attempt> due = outbox.claim(owner, free, lease);
            databaseOk = true;
            for (OutboxRepository.Attempt a : due) {
                slots.acquireUninterruptibly();
                Thread.ofVirtual().name("tollgate-webhook-attempt").start(() -> {
                    try {
                        attempt(a);
                    } finally {
                        slots.release();
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.log(databaseOk ? Level.WARNING : Level.FINE, "webhook round failed; deliveries wait in the outbox", e);
            databaseOk = false;
        }
    }

    private void attempt(OutboxRepository.Attempt a) {
        long start = System.nanoTime();
        Integer status = null;
        String error;
        try {
            URI uri = URI.create(a.url());
            String refusal = policy.addressRefusal(uri);
            if (refusal != null) {
                error = "refused: " + refusal;
            } else {
                long timestamp = System.currentTimeMillis() / 1000;
                HttpRequest request = HttpRequest.newBuilder(uri)
                        .timeout(settings.attemptTimeout())
                        .header("content-type", "application/json")
                        .header("user-agent", "Tollgate-Webhooks")
                        .header("webhook-id", a.messageId())
                        .header("webhook-timestamp", Long.toString(timestamp))
                        .header("webhook-signature", WebhookSigner.signature(a.secrets(), a.messageId(), timestamp, a.body()))
                        .POST(HttpRequest.BodyPublishers.ofString(a.body(), StandardCharsets.UTF_8))
                        .build();
                CompletableFuture<HttpResponse<String>> sent =
                        client.sendAsync(request, info -> new CappedBody(settings.responseBodyCap()));
                HttpResponse<String> response;
                try {
                    response = sent.get(settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    sent.cancel(true);
                    throw e;
                }
                status = response.statusCode();
                error = status / 100 == 2 ? null : "HTTP " + status + bodyNote(response.body());
            }
        } catch (TimeoutException e) {
            error = "timed out after " + settings.attemptTimeout().toMillis() + " ms";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            error = cause instanceof java.net.http.HttpTimeoutException
                    ? "timed out after " + settings.attemptTimeout().toMillis() + " ms"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        long nanos = System.nanoTime() - start;
        try {
            if (error == null) {
                outbox.delivered(a.deliveryId(), status);
                listener.attempted(DeliveryListener.DELIVERED, nanos);
            } else if (status != null && status == 410) {
                outbox.gone(a.deliveryId(), a.endpointId(), status);
                listener.attempted(DeliveryListener.GONE, nanos);
            } else {
                Duration wait = schedule.next(a.attemptsBefore() + 1, ThreadLocalRandom.current());
                outbox.failed(a.deliveryId(), status, truncate(error, 500), wait);
                listener.attempted(wait == null ? DeliveryListener.DEAD : DeliveryListener.FAILED, nanos);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "result of webhook delivery " + a.deliveryId() + " not recorded; sent again after its lease", e);
        }
    }

    private static String bodyNote(String body) {
        return body == null || body.isBlank() ? "" : ": " + body.strip();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.shutdownNow();
    }

    /** Keeps the first {@code cap} bytes of a response body and stops reading there. */
    static final class CappedBody implements HttpResponse.BodySubscriber<String> {
        private final int cap;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), cap - kept.size());
                byte[] bytes = new byte[n];
                b.get(bytes);
                kept.write(bytes, 0, n);
            }
            if (kept.size() >= cap) {
                subscription.cancel();
                result.complete(kept.toString(StandardCharsets.UTF_8));
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(kept.toString(StandardCharsets.UTF_8));
        }
    }
}
