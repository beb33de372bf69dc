package io.cascade.hub.ha;

import static io.cascade.hub.testing.SampleIntents.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.hub.Hub;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.Bundle;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas of the hub service on one real hub publish the same app at the same moment, many times: the
 * store decides, never a lost write. Every accepted publish is in the app's history with its own bundle; a
 * loser gets ABORTED naming the intent revision that won.
 */
class ConcurrentPublishIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void theSameIntentPublishedOnTwoReplicasAtOnceHasOneWinnerPerRaceAndNoLostWrite() throws Exception {
        try (Hub a = Hub.start(HubExtension.config(FABRIC), new HubMetrics(new SimpleMeterRegistry()));
             Hub b = Hub.start(HubExtension.config(FABRIC), new HubMetrics(new SimpleMeterRegistry()))) {
            ManagedChannel toA = HubExtension.channel(FABRIC, a.grpcPort());
            ManagedChannel toB = HubExtension.channel(FABRIC, b.grpcPort());
            try {
                Map<Long, String> accepted = new ConcurrentHashMap<>();
                List<String> conflicts = new ArrayList<>();
                for (int round = 0; round < 25; round++) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<CompletableFuture<String>> racers = new ArrayList<>();
                    for (ManagedChannel to : List.of(toA, toB)) {
                        String version = round + "-" + (to == toA ? "a" : "b");
                        racers.add(CompletableFuture.supplyAsync(() -> {
                            try {
                                go.await();
                                PublishIntentResponse r = FleetServiceGrpc.newBlockingStub(to).withDeadlineAfter(30, TimeUnit.SECONDS)
                                        .publishIntent(PublishIntentRequest.newBuilder().setIntent(valid("race")
                                                .setBundle(Bundle.newBuilder().setVersion(version))).build());
                                accepted.put(r.getIntentRevision(), version);
                                return null;
                            } catch (StatusRuntimeException e) {
                                return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        }));
                    }
                    go.countDown();
                    for (CompletableFuture<String> r : racers) {
                        String refused = r.get(60, TimeUnit.SECONDS);
                        if (refused != null) {
                            conflicts.add(refused);
                        }
                    }
                }
                assertThat(accepted.size() + conflicts.size()).isEqualTo(50);
                assertThat(conflicts).allSatisfy(c -> assertThat(c).startsWith(Status.Code.ABORTED + ": ")
                        .contains("changed by another writer at the same time").containsPattern("its intent revision is now \\d+"));
                FleetServiceGrpc.FleetServiceBlockingStub read = FleetServiceGrpc.newBlockingStub(toA).withDeadlineAfter(30, TimeUnit.SECONDS);
                accepted.forEach((revision, version) -> assertThat(read.getIntent(GetIntentRequest.newBuilder().setApp("race")
                        .setIntentRevision(revision).build()).getIntent().getBundle().getVersion())
                        .as("accepted revision %d is in the history with its own bundle", revision).isEqualTo(version));
                System.out.printf("two hub replicas, 25 races on one app: %d publishes accepted, %d lost the race (ABORTED), "
                        + "none lost%n", accepted.size(), conflicts.size());
            } finally {
                toA.shutdownNow();
                toB.shutdownNow();
            }
        }
    }
}
