package io.tollgate.bench;

import java.util.SplittableRandom;

/**
 * {@code count} users named {@code prefix0 .. prefix(count-1)}, drawn uniformly, or with Zipf popularity
 * ({@code zipf} not null: {@code prefix0} the most popular).
 */
record UserPopulation(String prefix, long count, ZipfIndex zipf) {

    UserPopulation(String prefix, long count) {
        this(prefix, count, null);
    }

    /** {@code count} users with Zipf popularity of exponent {@code s} (s = 1: the k-th most popular ∝ 1/k). */
    static UserPopulation zipf(String prefix, int count, double s) {
        return new UserPopulation(prefix, count, new ZipfIndex(count, s));
    }

    String pick(SplittableRandom random) {
        return prefix + (zipf == null ? random.nextLong(count) : zipf.sample(random));
    }

    String name(long index) {
        return prefix + index;
    }
}
