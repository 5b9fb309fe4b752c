package io.tollgate.chaos;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Drives acquires at a fixed rate (open loop: a slow member does not slow the offered load) round-robin over the
 * members the target supplier returns at each tick, and records every answer in a {@link History}. Users are taken
 * round-robin too; request ids are {@code <run>-<seq>}, so any answer can be traced to a member's log.
 *
 * <p>Whom to target is the scenario's choice; the default is the cluster's live members (running, not paused): a
 * service whose own sidecar is dead or frozen is down with it, and what we measure is how the other sidecars answer.
 * At most {@code maxInFlight} requests are outstanding; a tick that finds none free records a client-side error
 * rather than queueing without bound.
 */
public final class LoadGenerator implements AutoCloseable {

    private final String runId;
    private final List<String> users;
    private final String apiId;
    private final int perSecond;
    private final Supplier<List<TollgateClient>> targets;
    private final History history;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "load-ticker");
        t.setDaemon(true);
        return t;
    });

    public LoadGenerator(String runId, List<String> users, String apiId, int perSecond,
                         Supplier<List<TollgateClient>> targets, History history, int maxInFlight) {
        this.runId = runId;
        this.users = List.copyOf(users);
        this.apiId = apiId;
        this.perSecond = perSecond;
        this.targets = targets;
        this.history = history;
        this.inFlight = new Semaphore(maxInFlight);
        this.maxInFlight = maxInFlight;
    }

    /** Targets the live members of {@code cluster}, with request timeouts of 2 s. */
    public static LoadGenerator against(ClusterHarness cluster, String runId, List<String> users, int perSecond, History history) {
        return new LoadGenerator(runId, users, "api-chaos", perSecond,
                () -> cluster.liveMembers().stream().map(m -> m.client().withTimeout(Duration.ofSeconds(2))).toList(),
                history, 1000);
    }

    public void start() {
        long periodNanos = 1_000_000_000L / perSecond;
        ticker.scheduleAtFixedRate(this::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs the load for {@code d} (blocking), then stops and waits for outstanding answers. */
    public void runFor(Duration d) {
        start();
        Await.sleep(d);
        stop();
    }

    public long sent() {
        return sequence.get();
    }

    private void tick() {
        long seq = sequence.getAndIncrement();
        List<TollgateClient> clients = targets.get();
        String user = users.get((int) (seq % users.size()));
        AcquireRequest request = new AcquireRequest(user, apiId, 1, runId + "-" + seq);
        if (clients.isEmpty()) {
            long now = System.nanoTime();
            history.record(new AcquireAnswer(request, "none", now, now, 0, null, AnswerKind.ERROR, "no live member"));
            return;
        }
        TollgateClient client = clients.get((int) (seq % clients.size()));
        if (!inFlight.tryAcquire()) {
            long now = System.nanoTime();
            history.record(new AcquireAnswer(request, client.memberName(), now, now, 0, null, AnswerKind.ERROR,
                    "client backlog full"));
            return;
        }
        client.acquireAsync(request).whenComplete((answer, failure) -> {
            inFlight.release();
            if (answer != null) {
                history.record(answer);
            }
        });
    }

    /** Stops sending and waits (up to 10 s) for answers still in flight. */
    public void stop() {
        ticker.shutdownNow();
        Await.tryValue(Duration.ofSeconds(10), () -> inFlight.availablePermits(), p -> p == maxInFlight);
    }

    @Override
    public void close() {
        stop();
    }
}
