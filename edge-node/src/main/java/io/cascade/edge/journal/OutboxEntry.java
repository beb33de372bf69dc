package io.cascade.edge.journal;

import java.util.Arrays;
import java.util.Objects;

/**
 * One status report waiting for the relay's acknowledgement.
 *
 * @param seq    the outbox sequence: > 0, increasing per site across restarts and acks
 * @param report the serialized SiteStatus; not copied
 */
public record OutboxEntry(long seq, byte[] report) {

    public OutboxEntry {
        Objects.requireNonNull(report, "report");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxEntry other && seq == other.seq && Arrays.equals(report, other.report);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(seq) + Arrays.hashCode(report);
    }

    @Override
    public String toString() {
        return "OutboxEntry[seq=" + seq + ", report=" + report.length + " bytes]";
    }
}
