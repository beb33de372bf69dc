package io.cascade.cli.intent;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.cascade.proto.Intent;

/**
 * Reads an intent file: YAML (or JSON) in the protobuf JSON mapping of {@link Intent}, field names
 * in camelCase or snake_case, e.g.
 *
 * <pre>
 * app: web
 * bundle:
 *   version: "1.0.0"
 *   resources:
 *     - {kind: ConfigMap, name: web, namespace: web, manifest: "..."}
 * target:
 *   selector: {matchLabels: {tier: store}}
 *   regions: [eu]
 * rollout: {waves: [{percent: 10}, {percent: 100}]}
 * overrides:
 *   - {region: eu, site: store-eu-0001, values: {greeting: hallo}}
 * </pre>
 */
public final class IntentFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private IntentFile() {}

    /** Parses the text; an unknown field or a wrong type is an IllegalArgumentException naming it. */
    public static Intent parse(String text, String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("intent file " + source + " is not valid YAML: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("intent file " + source + " must be a mapping with app, bundle and target");
        }
        Intent.Builder b = Intent.newBuilder();
        try {
            JsonFormat.parser().merge(tree.toString(), b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("intent file " + source + ": " + e.getMessage());
        }
        return b.build();
    }
}
