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
 * worker's own HdrHistogram (1 µs .. 60 s, 3 significant digits), merged at the end.
 *
 * <p>Design note. A closed loop measures service time under a fixed number of outstanding calls; it
 * does not model an open arrival rate, so its tail hides coordinated omission (a stalled call delays
 * the calls that would have been sent meanwhile). That is acceptable here because every system is
 * driven the same way, and the comparison, not an SLO, is the point. Phases are switched by a
 * shared volatile field read by the workers; there is no other shared state on the hot path.
 */
final class ClosedLoop {

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    private ClosedLoop() {
    }

    static Measurement run(String kind, String system, long users, Workload workload, int concurrency,
                           Duration warmup, Duration measure) throws Exception {
        AtomicInteger phase = new AtomicInteger(WARMUP);
        List<Worker> workers = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(concurrency);
        for (int i = 0; i < concurrency; i++) {
            Worker w = new Worker(workload.newCaller(i), phase, started);
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
        long begin = System.nanoTime();
        phase.set(MEASURE);
        Thread.sleep(measure.toMillis());
        phase.set(STOP);
        long end = System.nanoTime();
        for (Thread t : threads) {
            t.join(60_000);
        }
        Histogram total = new Histogram(60_000_000L, 3);
        long allowed = 0;
        long denied = 0;
        long errors = 0;
        java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
        for (Worker w : workers) {
            w.errorStatuses.forEach((k, v) -> errorStatuses.merge(k, v, Long::sum));
            total.add(w.histogram);
            allowed += w.allowed;
            denied += w.denied;
            errors += w.errors;
            w.caller.close();
        }
        if (!errorStatuses.isEmpty()) {
            System.out.println("[bench] " + system + " c=" + concurrency + " error statuses (-1 = exception): " + errorStatuses);
        }
        double seconds = (end - begin) / 1e9;
        long calls = total.getTotalCount();
        return new Measurement(kind, system, concurrency, users, seconds, calls, allowed, denied, errors,
                calls / seconds, total.getValueAtPercentile(50), total.getValueAtPercentile(99),
                total.getValueAtPercentile(99.9), total.getMaxValue());
    }

    private static final class Worker implements Runnable {
        final Workload.Caller caller;
        final AtomicInteger phase;
        final CountDownLatch started;
        final Histogram histogram = new Histogram(60_000_000L, 3);
        long allowed;
        long denied;
        long errors;
        /** Count per status of the errors (-1: an exception), to tell a 503 decision timeout from a broken connection. */
        final java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
        volatile boolean answered;

        Worker(Workload.Caller caller, AtomicInteger phase, CountDownLatch started) {
            this.caller = caller;
            this.phase = phase;
            this.started = started;
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
                if (p == MEASURE && phase.get() == MEASURE) {
                    histogram.recordValue(Math.max(1, Math.min(micros, 60_000_000L)));
                    if (status == 200) {
                        allowed++;
                    } else if (status == 429) {
                        denied++;
                    } else {
                        errors++;
                        errorStatuses.merge(status, 1L, Long::sum);
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
