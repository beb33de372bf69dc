package io.cascade.relay.fanout;

import java.time.Duration;

/**
 * When the relay sends its next beacon. A beacon only matters after the app chain's head moved: an
 * edge that lost the last delta learns from it that it is behind. So the first beacon goes out at the
 * first tick after a move ({@link #MIN} at most), the next ones 2×, 4×, ... {@code MIN} later while the
 * head stays put, up to {@link #MAX}; any move starts over. A quiet region of 10,000 edges then costs
 * one fan-out every 30 s instead of one every 2 s (the rollup bench measured its idle relays and edges
 * at about 1.4 of the machine's 2 cores with a fixed 2 s beacon).
 *
 * <p>Not thread-safe: the beacon thread alone asks it.
 */
final class BeaconSchedule {

    static final Duration MIN = Duration.ofSeconds(2);
    static final Duration MAX = Duration.ofSeconds(30);

    private long lastHead = -1;
    private long lastSentNanos;
    private Duration interval = MIN;

    /**
     * Whether a beacon is due at {@code nowNanos} for chain head {@code head}; when it is, the caller
     * sends one and the schedule counts it as sent.
     */
    boolean due(long head, long nowNanos) {
        if (head != lastHead) {
            lastHead = head;
            interval = MIN;
            return sent(nowNanos);
        }
        if (nowNanos - lastSentNanos >= interval.toNanos()) {
            Duration doubled = interval.multipliedBy(2);
            interval = doubled.compareTo(MAX) > 0 ? MAX : doubled;
            return sent(nowNanos);
        }
        return false;
    }

    /** The wait after the last beacon before the next one while the head stays put. */
    Duration interval() {
        return interval;
    }

    private boolean sent(long nowNanos) {
        lastSentNanos = nowNanos;
        return true;
    }
}
