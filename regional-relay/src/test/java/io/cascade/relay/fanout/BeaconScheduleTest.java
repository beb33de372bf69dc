package io.cascade.relay.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BeaconScheduleTest {

    private static final long SECOND = 1_000_000_000L;

    /** Seconds (on the 2 s ticks) at which beacons go out over {@code seconds} for the head at each tick. */
    private static List<Long> beacons(BeaconSchedule schedule, long fromSecond, long seconds, long head) {
        List<Long> sent = new ArrayList<>();
        for (long t = fromSecond; t < fromSecond + seconds; t += 2) {
            if (schedule.due(head, t * SECOND)) {
                sent.add(t);
            }
        }
        return sent;
    }

    @Test
    void aQuietHeadIsBeaconedAtDoublingIntervalsUpToThirtySeconds() {
        BeaconSchedule schedule = new BeaconSchedule();
        assertThat(beacons(schedule, 2, 120, 7)).containsExactly(2L, 4L, 8L, 16L, 32L, 62L, 92L);
        assertThat(schedule.interval()).isEqualTo(BeaconSchedule.MAX);
    }

    @Test
    void everyMoveOfTheHeadIsBeaconedAtTheNextTickAndStartsOver() {
        BeaconSchedule schedule = new BeaconSchedule();
        beacons(schedule, 2, 120, 7);
        // the head moves at 121 s: the 122 s tick sends it, then 2, 4, 8 s later again
        assertThat(beacons(schedule, 122, 20, 8)).containsExactly(122L, 124L, 128L, 136L);
        assertThat(schedule.due(9, 138 * SECOND)).isTrue();
        assertThat(schedule.interval()).isEqualTo(BeaconSchedule.MIN);
    }
}
