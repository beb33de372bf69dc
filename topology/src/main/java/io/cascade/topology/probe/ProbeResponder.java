package io.cascade.topology.probe;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.cascade.proto.ProbeReply;
import io.cascade.proto.ProbeRequest;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@link ProbeRequest}s on a tier's probe subjects with a {@link ProbeReply} naming the
 * tier, region and site, so one request shows a message crossing hub → relay → edge and back.
 * Answering is a parse and a non-blocking publish, so it runs on the dispatcher.
 */
public final class ProbeResponder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeResponder.class);

    private final Connection connection;
    private final Dispatcher dispatcher;
    private final ProbeReply template;

    private ProbeResponder(Connection connection, ProbeReply template, List<String> subjects) {
        this.connection = connection;
        this.template = template;
        this.dispatcher = connection.createDispatcher(this::answer);
        subjects.forEach(dispatcher::subscribe);
    }

    /**
     * Starts answering on {@code subjects}.
     *
     * @param identity who answers, for display; region and site are empty where they do not apply
     */
    public static ProbeResponder start(Connection connection, ProbeReply.Tier tier, String region, String site,
                                       String identity, List<String> subjects) {
        ProbeReply template = ProbeReply.newBuilder()
                .setTier(Objects.requireNonNull(tier))
                .setRegion(Objects.requireNonNull(region))
                .setSite(Objects.requireNonNull(site))
                .setResponder(Objects.requireNonNull(identity))
                .build();
        return new ProbeResponder(connection, template, subjects);
    }

    private void answer(Message m) {
        if (m.getReplyTo() == null) {
            return;
        }
        ProbeRequest request;
        try {
            request = ProbeRequest.parseFrom(m.getData());
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("{} {}: malformed probe on {}: {}", template.getTier(), template.getResponder(), m.getSubject(), e.getMessage());
            return;
        }
        Instant now = Instant.now();
        ProbeReply reply = template.toBuilder()
                .setNonce(request.getNonce())
                .setReceivedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
        connection.publish(m.getReplyTo(), reply.toByteArray());
    }

    @Override
    public void close() {
        if (connection.getStatus() != Connection.Status.CLOSED) {
            connection.closeDispatcher(dispatcher);
        }
    }
}
