package io.cascade.cli.up;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.cascade.proto.ProbeReply;
import io.cascade.proto.ProbeRequest;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Sends one probe from the hub's nats-server to a tier and waits for its answer, retrying until a
 * deadline (a tier that just started may not have subscribed yet, and interest crosses the leaf
 * link asynchronously).
 */
final class Prober {

    /** A probe's answer and its round trip. */
    record Answer(String subject, ProbeReply reply, Duration roundTrip) {}

    private final Connection hub;

    Prober(Connection hub) {
        this.hub = hub;
    }

    Answer probe(String subject, Instant deadline) throws InterruptedException {
        String nonce = UUID.randomUUID().toString();
        RuntimeException last = null;
        while (true) {
            Instant now = Instant.now();
            ProbeRequest request = ProbeRequest.newBuilder()
                    .setFrom("cascade up")
                    .setNonce(nonce)
                    .setSentAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                    .build();
            long start = System.nanoTime();
            Message m;
            try {
                m = hub.request(subject, request.toByteArray(), Duration.ofMillis(500));
            } catch (RuntimeException noRespondersYet) {
                last = noRespondersYet;
                m = null;
            }
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);
            if (m != null && !m.isStatusMessage()) {
                try {
                    ProbeReply reply = ProbeReply.parseFrom(m.getData());
                    if (reply.getNonce().equals(nonce)) {
                        return new Answer(subject, reply, rtt);
                    }
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("malformed probe reply on " + subject + ": " + e.getMessage(), e);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("no answer on " + subject + " before the deadline"
                        + (last == null ? "" : " (last error: " + last + ")"));
            }
            Thread.sleep(100);
        }
    }
}
