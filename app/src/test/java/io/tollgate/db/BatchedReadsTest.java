package io.tollgate.db;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchedReadsTest {

    private static Map<Integer, String> squares(List<Integer> keys) {
        return keys.stream().collect(Collectors.toMap(Function.identity(), k -> Integer.toString(k * k)));
    }

    private static <V> List<CompletableFuture<V>> callConcurrently(int n, java.util.function.IntFunction<V> call) {
        List<CompletableFuture<V>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            out.add(CompletableFuture.supplyAsync(() -> call.apply(k),
                    r -> Thread.ofVirtual().start(r)));
        }
        return out;
    }

    @Test
    void aLoneCallerIsAnsweredByAQueryOfItsOwn() {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        BatchedReads<Integer, String> reads = new BatchedReads<>(keys -> {
            batches.add(keys);
            return squares(keys);
        }, 2, 10);
        assertThat(reads.get(7)).isEqualTo("49");
        assertThat(batches).containsExactly(List.of(7));
    }

    @Test
    void callersArrivingWhileTheReadersAreBusyShareQueries() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        BatchedReads<Integer, String> reads = new BatchedReads<>(keys -> {
            batches.add(keys);
            if (keys.contains(-1)) {
                firstStarted.countDown();
                await(release);
            }
            return squares(keys);
        }, 1, 20);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> reads.get(-1), r -> Thread.ofVirtual().start(r));
        assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> waiting = callConcurrently(50, reads::get);
        // All 50 are queued behind the one busy reader before it is let go.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (reads.queued() < 50 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("1");
        for (int i = 0; i < 50; i++) {
            assertThat(waiting.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(Integer.toString(i * i));
        }
        assertThat(batches).as("1 + 50 keys in batches of at most 20").hasSize(4);
        assertThat(batches.subList(1, 4)).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(20));
    }

    @Test
    void aFailedQueryFailsEveryCallerOfItsBatchAndTheNextQueryIsTriedAgain() {
        boolean[] fail = {true};
        BatchedReads<Integer, String> reads = new BatchedReads<>(keys -> {
            if (fail[0]) {
                throw new IllegalStateException("connection refused");
            }
            return squares(keys);
        }, 1, 10);
        assertThatThrownBy(() -> reads.get(3)).isInstanceOf(IllegalStateException.class).hasMessage("connection refused");
        fail[0] = false;
        assertThat(reads.get(3)).isEqualTo("9");
    }

    @Test
    void aKeyTheQueryLeavesOutIsNull() {
        BatchedReads<Integer, String> reads = new BatchedReads<>(keys -> Map.of(), 1, 10);
        assertThat(reads.get(3)).isNull();
    }

    /** Whatever the batching, every caller gets the value of its own key, and no query sees a key twice. */
    @Property(tries = 30)
    void everyCallerGetsItsOwnKeysValue(@ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 50) Integer> keys,
                                        @ForAll @IntRange(min = 1, max = 4) int readers,
                                        @ForAll @IntRange(min = 1, max = 30) int maxBatch) throws Exception {
        List<String> duplicates = new CopyOnWriteArrayList<>();
        BatchedReads<Integer, String> reads = new BatchedReads<>(batch -> {
            if (batch.size() != batch.stream().distinct().count()) {
                duplicates.add(batch.toString());
            }
            if (batch.size() > maxBatch) {
                duplicates.add("oversized " + batch);
            }
            return squares(batch);
        }, readers, maxBatch);
        List<CompletableFuture<String>> answers = callConcurrently(keys.size(), i -> reads.get(keys.get(i)));
        for (int i = 0; i < keys.size(); i++) {
            assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(Integer.toString(keys.get(i) * keys.get(i)));
        }
        assertThat(duplicates).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
