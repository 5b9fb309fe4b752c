package io.tollgate.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The benchmark's arithmetic, without starting anything: medians and spread, points, Zipf draws, full runs. */
class BenchArithmeticTest {

    private static Measurement window(String system, int concurrency, int repetition, double throughput, double p99) {
        return new Measurement("http", system, concurrency, 100, 1.0, (long) throughput, (long) throughput, 0, 0,
                throughput, 10, p99, 2 * p99, 3 * p99, repetition, 0);
    }

    @Test
    void medianAndSpreadOfAPoint() {
        PointSummary p = PointSummary.summarize(List.of(window("a", 4, 1, 900, 50), window("a", 4, 2, 1000, 10),
                window("a", 4, 3, 1300, 30)));
        assertThat(p.median().throughput()).isEqualTo(1000);
        assertThat(p.median().p99Micros()).isEqualTo(30);
        assertThat(p.median().calls()).isEqualTo(3200);
        assertThat(p.spreadPercent()).isCloseTo(20.0, within(1e-9)); // (1300 - 900) / 2 / 1000
        assertThat(p.range()).isEqualTo("900–1300");
        assertThat(PointSummary.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void aLevelMeasuredTwiceStaysTwoPoints() {
        List<PointSummary> points = PointSummary.of(List.of(window("a", 16, 1, 1, 1), window("a", 16, 2, 2, 1),
                window("a", 200, 1, 3, 1), window("a", 16, 1, 4, 1), window("a", 16, 2, 5, 1)));
        assertThat(points).extracting(p -> p.median().concurrency()).containsExactly(16, 200, 16);
        assertThat(points).extracting(PointSummary::repetitions).containsExactly(2, 1, 2);
    }

    @Test
    void zipfDrawsFollowOneOverK() {
        ZipfIndex zipf = new ZipfIndex(100_000, 1.0);
        assertThat(zipf.probability(0)).isCloseTo(1 / 12.09, within(0.001));
        assertThat(zipf.probability(1) / zipf.probability(3)).isCloseTo(2.0, within(1e-9));
        SplittableRandom random = new SplittableRandom(1);
        int draws = 200_000;
        int first = 0;
        for (int i = 0; i < draws; i++) {
            int k = zipf.sample(random);
            assertThat(k).isBetween(0, 99_999);
            first += k == 0 ? 1 : 0;
        }
        assertThat((double) first / draws).isCloseTo(zipf.probability(0), within(0.003));
    }

    @Test
    void onlyAnUnnarrowedRunIsFull() {
        assertThat(BenchOptions.parse(new String[0]).full()).isTrue();
        assertThat(BenchOptions.parse(new String[] {"--phases", "http,cold,backend,scale,open,many", "--repeat", "5"}).full())
                .isTrue();
        assertThat(BenchOptions.parse(new String[] {"--smoke"}).partialReason()).isEqualTo("--smoke");
        assertThat(BenchOptions.parse(new String[] {"--systems", "floor"}).full()).isFalse();
        assertThat(BenchOptions.parse(new String[] {"--repeat", "2"}).full()).isFalse();
        assertThat(BenchOptions.parse(new String[] {"--measure-seconds", "1"}).full()).isFalse();
        assertThat(BenchOptions.parse(new String[0]).repeat()).isEqualTo(3);
        assertThat(BenchOptions.parse(new String[] {"--smoke"}).repeat()).isEqualTo(1);
    }
}
