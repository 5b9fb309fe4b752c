package io.tollgate.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Single-key reads that concurrent callers make at once are answered by set-based queries: each
 * caller queues its key, and at most {@code readers} loaders at a time take up to {@code maxBatch}
 * queued keys each into one query. A lone caller gets a query of its own at once (no waiting for
 * company); under a burst (hundreds of never-seen users in one second, each needing its policy and
 * its ledger base) the queue fills while the first queries run, and the next ones take many keys:
 * measured, the pool's connections were the bottleneck with one query per key.
 *
 * <p>Why not a library: Caffeine batches only its own bulk {@code getAll} calls, and java-dataloader
 * needs the caller to say when to dispatch; this coalesces independent callers by itself.
 */
public final class BatchedReads<K, V> {
    /** The most keys one set-based read of the repositories carries (one array parameter per column). */
    public static final int KEYS_PER_QUERY = 100;

    private final Function<List<K>, Map<K, V>> loadAll;
    private final int maxBatch;
    private final Semaphore loaders;
    private final ConcurrentLinkedQueue<Pending<K, V>> queue = new ConcurrentLinkedQueue<>();

    private record Pending<K, V>(K key, CompletableFuture<V> answer) {
    }

    /**
     * @param loadAll answers a list of distinct keys with a map holding each (a key it leaves out answers null); what
     *                it throws is thrown to every caller of that batch
     */
    public BatchedReads(Function<List<K>, Map<K, V>> loadAll, int readers, int maxBatch) {
        if (readers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("readers and maxBatch must be positive");
        }
        this.loadAll = loadAll;
        this.loaders = new Semaphore(readers);
        this.maxBatch = maxBatch;
    }

    /** The value of {@code key}, read in a batch with whatever other keys are waiting. */
    public V get(K key) {
        Pending<K, V> mine = new Pending<>(key, new CompletableFuture<>());
        queue.add(mine);
        startLoaderIfFree();
        try {
            return mine.answer().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Keys waiting for a loader (tests). */
    int queued() {
        return queue.size();
    }

    private void startLoaderIfFree() {
        if (!queue.isEmpty() && loaders.tryAcquire()) {
            Thread.ofVirtual().name("tollgate-batched-read").start(this::load);
        }
    }

    private void load() {
        try {
            List<Pending<K, V>> batch;
            while (!(batch = take()).isEmpty()) {
                answer(batch);
            }
        } finally {
            loaders.release();
            // A key queued after this loader's last look whose own start found no free loader: this one's
            // release is what it waited for.
            startLoaderIfFree();
        }
    }

    private List<Pending<K, V>> take() {
        List<Pending<K, V>> batch = new ArrayList<>();
        Pending<K, V> p;
        while (batch.size() < maxBatch && (p = queue.poll()) != null) {
            batch.add(p);
        }
        return batch;
    }

    private void answer(List<Pending<K, V>> batch) {
        try {
            Map<K, V> values = loadAll.apply(batch.stream().map(Pending::key).distinct().toList());
            batch.forEach(p -> p.answer().complete(values.get(p.key())));
        } catch (RuntimeException | Error e) {
            batch.forEach(p -> p.answer().completeExceptionally(e));
        }
    }
}
