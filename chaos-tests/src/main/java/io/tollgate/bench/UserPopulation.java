package io.tollgate.bench;

import java.util.SplittableRandom;

/** {@code count} users named {@code prefix0 .. prefix(count-1)}, drawn uniformly. */
record UserPopulation(String prefix, long count) {

    String pick(SplittableRandom random) {
        return prefix + random.nextLong(count);
    }

    String name(long index) {
        return prefix + index;
    }
}
