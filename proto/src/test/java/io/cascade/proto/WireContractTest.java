package io.cascade.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.Duration;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Properties of the wire contract that the tiers and the CLI rely on. */
class WireContractTest {

  /** Written by protobuf-maven-plugin (writeDescriptorSet with source info) before tests run. */
  private static final Path DESCRIPTOR_SET =
      Path.of("target/generated-resources/protobuf/descriptor-sets/cascade-v1.desc");

  @Test
  void fleetServiceHasItsRpcsAndOnlyWatchRollupStreams() {
    Map<String, MethodType> types =
        FleetServiceGrpc.getServiceDescriptor().getMethods().stream()
            .collect(Collectors.toMap(MethodDescriptor::getBareMethodName, MethodDescriptor::getType));

    assertThat(types)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("PublishIntent", MethodType.UNARY),
                Map.entry("GetIntent", MethodType.UNARY),
                Map.entry("ListIntents", MethodType.UNARY),
                Map.entry("WithdrawIntent", MethodType.UNARY),
                Map.entry("GetRollup", MethodType.UNARY),
                Map.entry("WatchRollup", MethodType.SERVER_STREAMING),
                Map.entry("ListSites", MethodType.UNARY),
                Map.entry("PauseRollout", MethodType.UNARY),
                Map.entry("ResumeRollout", MethodType.UNARY),
                Map.entry("RollbackRollout", MethodType.UNARY),
                Map.entry("RemoveSite", MethodType.UNARY),
                Map.entry("RevokeCredential", MethodType.UNARY),
                Map.entry("CreateToken", MethodType.UNARY),
                Map.entry("ListTokens", MethodType.UNARY),
                Map.entry("RevokeToken", MethodType.UNARY),
                Map.entry("RegisterSite", MethodType.UNARY),
                Map.entry("GetSite", MethodType.UNARY),
                Map.entry("AllowRebuild", MethodType.UNARY)));
  }

  @Test
  void intentRoundTripsThroughBytesAndJson() throws Exception {
    Intent intent = sampleIntent();

    assertThat(Intent.parseFrom(intent.toByteArray())).isEqualTo(intent);

    String json = JsonFormat.printer().print(intent);
    Intent.Builder parsed = Intent.newBuilder();
    JsonFormat.parser().merge(json, parsed);
    assertThat(parsed.build()).isEqualTo(intent);
  }

  @Test
  void intentReadsFromTheJsonFormOfAnIntentFile() throws Exception {
    // What the CLI gets after turning intent YAML into JSON: Kubernetes-like camelCase keys,
    // enum values by name, durations as strings.
    String json =
        """
        {
          "app": "pos",
          "bundle": {
            "version": "2.1.0",
            "resources": [{"kind": "Deployment", "name": "pos", "manifest": "kind: Deployment"}]
          },
          "target": {
            "selector": {
              "matchLabels": {"tier": "store"},
              "matchExpressions": [{"key": "country", "operator": "NOT_IN", "values": ["ch"]}]
            },
            "regions": ["eu"]
          },
          "rollout": {
            "waves": [{"percent": 10}, {"percent": 100}],
            "failureLimitPercent": 5,
            "successThresholdPercent": 0,
            "autoRollback": true,
            "minSoak": "300s"
          },
          "overrides": [{"region": "eu", "site": "store-0042", "values": {"ip": "10.0.0.7"}}]
        }
        """;
    Intent.Builder parsed = Intent.newBuilder();
    JsonFormat.parser().merge(json, parsed);
    Intent intent = parsed.build();

    assertThat(intent.getTarget().getSelector().getMatchLabelsMap()).containsEntry("tier", "store");
    assertThat(intent.getTarget().getSelector().getMatchExpressions(0).getOperator())
        .isEqualTo(LabelRequirement.Operator.NOT_IN);
    assertThat(intent.getRollout().getWavesList()).extracting(Wave::getPercent).containsExactly(10, 100);
    assertThat(intent.getRollout().getMinSoak().getSeconds()).isEqualTo(300);
    // an explicit 0 is kept apart from "unset means 100"
    assertThat(intent.getRollout().hasSuccessThresholdPercent()).isTrue();
    assertThat(Intent.parseFrom(intent.toByteArray()).getRollout().hasSuccessThresholdPercent()).isTrue();
    assertThat(intent.getOverrides(0).getValuesMap()).containsEntry("ip", "10.0.0.7");
  }

  @Test
  void zeroValuesReadAsUnspecifiedNotAsRealStates() throws Exception {
    Delta delta = Delta.parseFrom(new byte[0]);
    assertThat(delta.getChain()).isEqualTo(Delta.Chain.CHAIN_UNSPECIFIED);
    assertThat(delta.getKind()).isEqualTo(Delta.Kind.KIND_UNSPECIFIED);
    assertThat(delta.getDocCase()).isEqualTo(Delta.DocCase.DOC_NOT_SET);
    assertThat(delta.getRevision()).isZero();
    assertThat(delta.getPrevRevision()).isZero();

    assertThat(AppStatus.getDefaultInstance().getState()).isEqualTo(AppState.APP_STATE_UNSPECIFIED);
    assertThat(DesiredDoc.getDefaultInstance().getRolloutState())
        .isEqualTo(RolloutState.ROLLOUT_STATE_UNSPECIFIED);
    assertThat(DesiredDoc.getDefaultInstance().hasCandidate()).isFalse();
    assertThat(SyncEntry.getDefaultInstance().getKind()).isEqualTo(Delta.Kind.KIND_UNSPECIFIED);
    assertThat(ProbeReply.getDefaultInstance().getTier()).isEqualTo(ProbeReply.Tier.TIER_UNSPECIFIED);
    assertThat(RolloutPolicy.getDefaultInstance().hasSuccessThresholdPercent()).isFalse();
  }

  @Test
  void deltaCarriesItsDocThroughTheWire() throws Exception {
    Delta put =
        Delta.newBuilder()
            .setKey("eu.app.pos")
            .setRevision(42)
            .setPrevRevision(40)
            .setChain(Delta.Chain.APP)
            .setKind(Delta.Kind.PUT)
            .setAppDoc(
                DesiredDoc.newBuilder()
                    .setApp("pos")
                    .setRegion("eu")
                    .setIntentRevision(7)
                    .setStable(Release.newBuilder().setIntentRevision(5).setBundle(sampleIntent().getBundle()))
                    .setCandidate(Release.newBuilder().setIntentRevision(7))
                    .setWavePercent(10)
                    .setRolloutState(RolloutState.ROLLING_OUT))
            .build();

    Delta read = Delta.parseFrom(put.toByteArray());
    assertThat(read).isEqualTo(put);
    assertThat(read.getDocCase()).isEqualTo(Delta.DocCase.APP_DOC);
    assertThat(read.getAppDoc().getCandidate().getIntentRevision()).isEqualTo(7);
  }

  @Test
  void everyMessageFieldEnumValueAndRpcIsDocumented() throws Exception {
    FileDescriptorSet set;
    try (InputStream in = Files.newInputStream(DESCRIPTOR_SET)) {
      set = FileDescriptorSet.parseFrom(in);
    }
    assertThat(set.getFileList())
        .extracting(FileDescriptorProto::getName)
        .contains("cascade/v1/intent.proto", "cascade/v1/fleet_service.proto");

    List<String> undocumented = new ArrayList<>();
    for (FileDescriptorProto file : set.getFileList()) {
      Set<List<Integer>> documented = new HashSet<>();
      for (Location location : file.getSourceCodeInfo().getLocationList()) {
        if (!location.getLeadingComments().isBlank()) {
          documented.add(location.getPathList());
        }
      }
      Checker checker = new Checker(file.getName(), documented, undocumented);
      for (int i = 0; i < file.getMessageTypeCount(); i++) {
        checker.message(file.getMessageType(i), List.of(4, i));
      }
      for (int i = 0; i < file.getEnumTypeCount(); i++) {
        checker.enumType(file.getEnumType(i), List.of(5, i));
      }
      for (int i = 0; i < file.getServiceCount(); i++) {
        checker.service(file.getService(i), List.of(6, i));
      }
    }
    assertThat(undocumented).as("elements without a leading comment").isEmpty();
  }

  /** Walks a file's descriptor by SourceCodeInfo paths (field numbers of descriptor.proto). */
  private record Checker(String file, Set<List<Integer>> documented, List<String> undocumented) {

    void message(DescriptorProto message, List<Integer> path) {
      require(path, message.getName());
      for (int i = 0; i < message.getFieldCount(); i++) {
        require(append(path, 2, i), message.getName() + "." + message.getField(i).getName());
      }
      for (int i = 0; i < message.getNestedTypeCount(); i++) {
        if (!message.getNestedType(i).getOptions().getMapEntry()) {
          message(message.getNestedType(i), append(path, 3, i));
        }
      }
      for (int i = 0; i < message.getEnumTypeCount(); i++) {
        enumType(message.getEnumType(i), append(path, 4, i));
      }
      for (int i = 0; i < message.getOneofDeclCount(); i++) {
        // proto3 `optional` fields get a synthetic oneof that has no source of its own
        if (!message.getOneofDecl(i).getName().startsWith("_")) {
          require(append(path, 8, i), message.getName() + "." + message.getOneofDecl(i).getName());
        }
      }
    }

    void enumType(EnumDescriptorProto type, List<Integer> path) {
      require(path, type.getName());
      for (int i = 0; i < type.getValueCount(); i++) {
        require(append(path, 2, i), type.getName() + "." + type.getValue(i).getName());
      }
    }

    void service(ServiceDescriptorProto service, List<Integer> path) {
      require(path, service.getName());
      for (int i = 0; i < service.getMethodCount(); i++) {
        require(append(path, 2, i), service.getName() + "." + service.getMethod(i).getName());
      }
    }

    private void require(List<Integer> path, String element) {
      if (!documented.contains(path)) {
        undocumented.add(file + ": " + element);
      }
    }

    private static List<Integer> append(List<Integer> path, int kind, int index) {
      List<Integer> longer = new ArrayList<>(path);
      longer.add(kind);
      longer.add(index);
      return List.copyOf(longer);
    }
  }

  private static Intent sampleIntent() {
    Resource deployment =
        Resource.newBuilder()
            .setKind("Deployment")
            .setName("pos")
            .setNamespace("shop")
            .setManifest("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pos\n")
            .build();
    Resource file =
        Resource.newBuilder()
            .setKind("File")
            .setName("certs/ca.der")
            .setData(ByteString.copyFrom(new byte[] {0x30, (byte) 0x82, 0x00, 0x7f}))
            .build();
    return Intent.newBuilder()
        .setApp("pos")
        .setMetadata(
            IntentMetadata.newBuilder()
                .setDescription("point of sale")
                .putLabels("team", "retail")
                .putAnnotations("git", "3f2a9c1")
                .setRequestedBy("ci@retail"))
        .setBundle(Bundle.newBuilder().setVersion("2.1.0").addResources(deployment).addResources(file))
        .setTarget(
            Target.newBuilder()
                .setSelector(
                    LabelSelector.newBuilder()
                        .putMatchLabels("tier", "store")
                        .addMatchExpressions(
                            LabelRequirement.newBuilder()
                                .setKey("country")
                                .setOperator(LabelRequirement.Operator.IN)
                                .addValues("de")
                                .addValues("fr"))
                        .addMatchExpressions(
                            LabelRequirement.newBuilder()
                                .setKey("pilot")
                                .setOperator(LabelRequirement.Operator.DOES_NOT_EXIST)))
                .addRegions("eu"))
        .setRollout(
            RolloutPolicy.newBuilder()
                .addWaves(Wave.newBuilder().setPercent(5))
                .addWaves(Wave.newBuilder().setPercent(50))
                .addWaves(Wave.newBuilder().setPercent(100))
                .setFailureLimitPercent(10)
                .setSuccessThresholdPercent(95)
                .setAutoRollback(true)
                .setMinSoak(Duration.newBuilder().setSeconds(600)))
        .addOverrides(
            SiteOverride.newBuilder()
                .setRegion("eu")
                .setSite("store-0042")
                .putValues("ip", "10.0.0.7")
                .addResources(deployment.toBuilder().setManifest("kind: Deployment # store-0042")))
        .build();
  }
}
