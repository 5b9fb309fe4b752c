package io.tollgate.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closed-loop load: {@code concurrency} workers, each sending its next call as soon as the previous
 * one answered. A warm-up phase runs first and is discarded; then every call's latency goes into the
 * worker's own HdrHistogram (1 µs .. 60 s, 3 significant digits), merged at the end. With a repeat
 * count N, the measured phase is N windows back to back, each with its own histograms and counts.
 *
 * <p>Design note. A closed loop measures service time under a fixed number of outstanding calls; it
 * does not model an open arrival rate, so its tail hides coordinated omission (a stalled call delays
 * the calls that would have been sent meanwhile). That is acceptable here because every system is
 * driven the same way, and the comparison, not an SLO, is the point ({@link OpenLoop} measures the
 * other way). Phases are switched by a shared volatile field read by the workers; there is no other
 * shared state on the hot path.
 */
final class ClosedLoop {

    /** Phases: 0 warm-up, 1..N the measured windows, -1 stop. */
    private static final int WARMUP = 0;
    private static final int STOP = -1;

    private ClosedLoop() {
    }

    /** One warm-up, then one measured window: the point's single repetition. */
    static Measurement run(String kind, String system, long users, Workload workload, int concurrency,
                           Duration warmup, Duration measure) throws Exception {
        return run(kind, system, users, workload, concurrency, warmup, measure, 1).getFirst();
    }

    /**
     * One warm-up, then {@code repeat} measured windows back to back with the same workers and
     * connections (no pause, no reconnect between them): one {@link Measurement} per window.
     */
    static List<Measurement> run(String kind, String system, long users, Workload workload, int concurrency,
                                 Duration warmup, Duration measure, int repeat) throws Exception {
        AtomicInteger phase = new AtomicInteger(WARMUP);
        List<Worker> workers = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker(workload.newCaller(i), phase, started, repeat);
            workers.add(w);
        }
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w, "load-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        started.await();
        Thread.sleep(warmup.toMillis());
        // A cold system may not have answered anyone yet: warm-up lasts until every worker got one answer.
        long firstCallDeadline = System.nanoTime() + 60_000_000_000L;
        while (workers.stream().anyMatch(w -> !w.answered) && System.nanoTime() < firstCallDeadline) {
            Thread.sleep(20);
        }
        long[] bounds = new long[repeat + 1];
        bounds[0] = System.nanoTime();
        for (int r = 1; r <= repeat; r++) {
            phase.set(r);
            sleepUntil(bounds[0] + r * measure.toNanos());
            bounds[r] = System.nanoTime();
        }
        phase.set(STOP);
        for (Thread t : threads) {
            t.join(60_000);
        }
        List<Measurement> result = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            Histogram total = new Histogram(60_000_000L, 3);
            long allowed = 0;
            long denied = 0;
            long errors = 0;
            java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
            for (Worker w : workers) {
                Window window = w.windows[r];
                window.errorStatuses.forEach((k, v) -> errorStatuses.merge(k, v, Long::sum));
                total.add(window.histogram);
                allowed += window.allowed;
                denied += window.denied;
                errors += window.errors;
            }
            if (!errorStatuses.isEmpty()) {
                System.out.println("[bench] " + system + " c=" + concurrency + " repetition " + (r + 1)
                        + " error statuses (-1 = exception): " + errorStatuses);
            }
            double seconds = (bounds[r + 1] - bounds[r]) / 1e9;
            long calls = total.getTotalCount();
            result.add(new Measurement(kind, system, concurrency, users, seconds, calls, allowed, denied, errors,
                    calls / seconds, total.getValueAtPercentile(50), total.getValueAtPercentile(99),
                    total.getValueAtPercentile(99.9), total.getMaxValue(), r + 1, 0));
        }
        for (Worker w : workers) {
            w.caller.close();
        }
        return result;
    }

    /** Sleeps until {@code deadline} (System.nanoTime), so N windows add up to N x measure without drift. */
    static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000), 0);
        }
    }

    /** What one worker saw in one measured window. */
    private static final class Window {
        final Histogram histogram = new Histogram(60_000_000L, 3);
        long allowed;
        long denied;
        long errors;
        /** Count per status of the errors (-1: an exception), to tell a 503 decision timeout from a broken connection. */
        final java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
    }

    private static final class Worker implements Runnable {
        final Workload.Caller caller;
        final AtomicInteger phase;
        final CountDownLatch started;
        final Window[] windows;
        volatile boolean answered;

        Worker(Workload.Caller caller, AtomicInteger phase, CountDownLatch started, int repeat) {
            this.caller = caller;
            this.phase = phase;
            this.started = started;
            this.windows = new Window[repeat];
            for (int i = 0; i < repeat; i++) {
                windows[i] = new Window();
            }
        }

        @Override
        public void run() {
            started.countDown();
            int p;
            while ((p = phase.get()) != STOP) {
                long t0 = System.nanoTime();
                int status;
                try {
                    status = caller.call();
                } catch (Exception e) {
                    status = -1;
                }
                long micros = (System.nanoTime() - t0) / 1000;
                answered = true;
                // A call counts in window p only if it started and ended inside it.
                if (p != WARMUP && phase.get() == p) {
                    Window w = windows[p - 1];
                    w.histogram.recordValue(Math.max(1, Math.min(micros, 60_000_000L)));
                    if (status == 200) {
                        w.allowed++;
                    } else if (status == 429) {
                        w.denied++;
                    } else {
                        w.errors++;
                        w.errorStatuses.merge(status, 1L, Long::sum);
                    }
                }
                if (status == -1) {
                    try {
                        Thread.sleep(10); // do not spin on a dead connection
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }
}
