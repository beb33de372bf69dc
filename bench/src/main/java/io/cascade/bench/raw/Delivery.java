package io.cascade.bench.raw;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/** One message id and when each subscriber first received it ({@link System#nanoTime()}). */
final class Delivery {

    private static final long NOT_YET = Long.MIN_VALUE;

    private final AtomicLongArray receivedAt;
    private final CountDownLatch missing;

    Delivery(int subscribers) {
        receivedAt = new AtomicLongArray(subscribers);
        for (int i = 0; i < subscribers; i++) {
            receivedAt.set(i, NOT_YET);
        }
        missing = new CountDownLatch(subscribers);
    }

    /** Records the first receipt of subscriber {@code i}; repeats (probes are resent) are ignored. */
    void record(int i, long nanos) {
        if (receivedAt.compareAndSet(i, NOT_YET, nanos)) {
            missing.countDown();
        }
    }

    boolean received(int i) {
        return receivedAt.get(i) != NOT_YET;
    }

    /** Waits until every subscriber received it; false when {@code timeoutNanos} passed first. */
    boolean await(long timeoutNanos) throws InterruptedException {
        return missing.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    int delivered() {
        return receivedAt.length() - (int) missing.getCount();
    }

    /** Nanoseconds from {@code sentAt} to each receipt, sorted ascending; subscribers still waiting are left out. */
    long[] sortedLatencies(long sentAt) {
        long[] out = new long[delivered()];
        int n = 0;
        for (int i = 0; i < receivedAt.length() && n < out.length; i++) {
            long at = receivedAt.get(i);
            if (at != NOT_YET) {
                out[n++] = at - sentAt;
            }
        }
        Arrays.sort(out, 0, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
