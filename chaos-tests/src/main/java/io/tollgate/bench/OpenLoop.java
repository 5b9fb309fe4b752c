package io.tollgate.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: requests arrive at a fixed rate whatever the system does. Request {@code i} has the
 * intended send time {@code start + i / rate}; a pool of {@code connections} workers (each with its own
 * connection) takes the requests in order, waits for the intended time and sends. A request's latency is
 * measured from its intended send time, not from when a connection was free to send it, so a stall
 * shows in every request that should have been sent meanwhile (coordinated omission corrected; HdrHistogram
 * 1 µs .. 60 s, 3 significant digits).
 *
 * <p>The schedule runs a warm-up, then {@code repeat} measured windows back to back. A request belongs to
 * the window its intended send time falls in; a window's achieved rate is the number of answers received
 * during it divided by its length. When the system falls behind, the workers keep sending the late
 * requests until {@code drain} after the schedule's end; requests still unsent then count as errors, with
 * the latency they had reached (a lower bound).
 */
final class OpenLoop {

    private OpenLoop() {
    }

    static List<Measurement> run(String kind, String system, long users, Workload workload, int connections,
                                 double rate, Duration warmup, Duration measure, int repeat) throws Exception {
        if (rate <= 0) {
            throw new IllegalArgumentException("open loop rate must be positive: " + rate);
        }
        long start = System.nanoTime() + 100_000_000L; // every worker running before the first request is due
        long measureStart = start + warmup.toNanos();
        long window = measure.toNanos();
        long scheduleEnd = measureStart + repeat * window;
        long hardStop = scheduleEnd + Math.max(window, 5_000_000_000L);
        Schedule schedule = new Schedule(start, rate, measureStart, window, repeat, scheduleEnd, hardStop);
        List<Worker> workers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(workload.newCaller(i), schedule, done));
        }
        for (int i = 0; i < workers.size(); i++) {
            Thread t = new Thread(workers.get(i), "open-" + i);
            t.setDaemon(true);
            t.start();
        }
        if (!done.await(Duration.ofNanos(hardStop - System.nanoTime()).plusSeconds(60).toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS)) {
            System.out.println("[bench] " + system + " open loop: a worker did not finish in time");
        }
        List<Measurement> result = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
            Histogram total = new Histogram(60_000_000L, 3);
            long allowed = 0;
            long denied = 0;
            long errors = 0;
            long answered = 0;
            java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
            for (Worker w : workers) {
                Window win = w.windows[r];
                total.add(win.histogram);
                allowed += win.allowed;
                denied += win.denied;
                errors += win.errors;
                answered += win.answeredDuring;
                win.errorStatuses.forEach((k, v) -> errorStatuses.merge(k, v, Long::sum));
            }
            if (!errorStatuses.isEmpty()) {
                System.out.println("[bench] " + system + " open loop repetition " + (r + 1)
                        + " error statuses (-1 = exception, -2 = not sent before the drain deadline): " + errorStatuses);
            }
            double seconds = window / 1e9;
            result.add(new Measurement(kind, system, connections, users, seconds, total.getTotalCount(), allowed, denied,
                    errors, answered / seconds, total.getValueAtPercentile(50), total.getValueAtPercentile(99),
                    total.getValueAtPercentile(99.9), total.getMaxValue(), r + 1, rate));
        }
        for (Worker w : workers) {
            w.caller.close();
        }
        return result;
    }

    /** The arrival schedule shared by the workers: the next request's index is the only shared, mutable state. */
    private record Schedule(long start, double rate, long measureStart, long window, int repeat, long end,
                            long hardStop, AtomicLong next) {
        Schedule(long start, double rate, long measureStart, long window, int repeat, long end, long hardStop) {
            this(start, rate, measureStart, window, repeat, end, hardStop, new AtomicLong());
        }

        long intended(long i) {
            return start + (long) (i * 1e9 / rate);
        }

        /** The measured window a time falls in, or -1 (warm-up or after the schedule). */
        int windowOf(long nanos) {
            if (nanos < measureStart || nanos >= end) {
                return -1;
            }
            return (int) Math.min(repeat - 1, (nanos - measureStart) / window);
        }
    }

    private static final class Window {
        final Histogram histogram = new Histogram(60_000_000L, 3);
        long allowed;
        long denied;
        long errors;
        long answeredDuring;
        final java.util.TreeMap<Integer, Long> errorStatuses = new java.util.TreeMap<>();
    }

    private static final class Worker implements Runnable {
        final Workload.Caller caller;
        final Schedule schedule;
        final CountDownLatch done;
        final Window[] windows;

        Worker(Workload.Caller caller, Schedule schedule, CountDownLatch done) {
            this.caller = caller;
            this.schedule = schedule;
            this.done = done;
            this.windows = new Window[schedule.repeat()];
            for (int i = 0; i < windows.length; i++) {
                windows[i] = new Window();
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    long intended = schedule.intended(schedule.next().getAndIncrement());
                    if (intended >= schedule.end()) {
                        return;
                    }
                    long now;
                    while ((now = System.nanoTime()) < intended) {
                        LockSupport.parkNanos(intended - now);
                    }
                    int status;
                    if (now >= schedule.hardStop()) {
                        status = -2; // the system fell so far behind that this request was never sent
                    } else {
                        try {
                            status = caller.call();
                        } catch (Exception e) {
                            status = -1;
                        }
                    }
                    long answeredAt = System.nanoTime();
                    int w = schedule.windowOf(intended);
                    if (w >= 0) {
                        Window win = windows[w];
                        win.histogram.recordValue(Math.max(1, Math.min((answeredAt - intended) / 1000, 60_000_000L)));
                        if (status == 200) {
                            win.allowed++;
                        } else if (status == 429) {
                            win.denied++;
                        } else {
                            win.errors++;
                            win.errorStatuses.merge(status, 1L, Long::sum);
                        }
                    }
                    int a = schedule.windowOf(answeredAt);
                    if (a >= 0 && status >= 0) {
                        windows[a].answeredDuring++;
                    }
                    if (status == -1) {
                        LockSupport.parkNanos(10_000_000L); // do not spin on a dead connection
                    }
                }
            } finally {
                done.countDown();
            }
        }
    }
}
