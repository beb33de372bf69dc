package io.cascade.edge.desired;

import io.cascade.edge.provider.AppDesired;
import io.cascade.proto.Bundle;
import io.cascade.proto.Release;
import io.cascade.proto.Resource;
import io.cascade.proto.SiteOverrideDoc;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release as one site runs it: the bundle's resources with the site's override doc laid over them.
 * An override resource replaces the bundle resource with the same (kind, namespace, name) and any
 * other is added; then every {@code ${key}} in manifest text becomes the override's value for
 * {@code key} (one pass: a value is not itself expanded; a key without a value stays as written;
 * binary {@code data} is never touched).
 */
final class SiteOverlay {

    /** Placeholder keys are [A-Za-z0-9_.-]+ (intent.proto, SiteOverride.values). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private SiteOverlay() {}

    /**
     * The app as the site must run it.
     *
     * @param override the site's override doc for the app, or null
     */
    static AppDesired apply(String app, Release release, SiteOverrideDoc override) {
        Bundle bundle = release.getBundle();
        Map<ResourceId, Resource> resources = new LinkedHashMap<>();
        for (Resource resource : bundle.getResourcesList()) {
            resources.put(ResourceId.of(resource), resource);
        }
        if (override != null) {
            for (Resource resource : override.getResourcesList()) {
                resources.put(ResourceId.of(resource), resource);
            }
            Map<String, String> values = override.getValuesMap();
            if (!values.isEmpty()) {
                resources.replaceAll((id, resource) -> substitute(resource, values));
            }
        }
        ContentHash.Hashed hashed = ContentHash.of(resources.values());
        return new AppDesired(app, release.getIntentRevision(), bundle.getVersion(), hashed.resources(),
                hashed.contentHash());
    }

    private static Resource substitute(Resource resource, Map<String, String> values) {
        if (resource.getContentCase() != Resource.ContentCase.MANIFEST) {
            return resource;
        }
        String text = resource.getManifest();
        if (text.indexOf("${") < 0) {
            return resource;
        }
        Matcher placeholders = PLACEHOLDER.matcher(text);
        String filled = placeholders.replaceAll(match -> {
            String value = values.get(match.group(1));
            return Matcher.quoteReplacement(value != null ? value : match.group());
        });
        return filled.equals(text) ? resource : resource.toBuilder().setManifest(filled).build();
    }
}
