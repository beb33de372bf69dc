package io.cascade.topology.targeting;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sites an intent reaches: those in one of {@code regions} whose labels match {@code selector}.
 *
 * @param selector the label selector; {@code null} reads as the empty selector (every site)
 * @param regions region ids; empty (or {@code null}) means every region
 */
public record Target(LabelSelector selector, Set<String> regions) {

    /** Every site in every region. */
    public static final Target EVERYWHERE = new Target(LabelSelector.EVERYTHING, Set.of());

    public Target {
        selector = selector == null ? LabelSelector.EVERYTHING : selector;
        TreeSet<String> sorted = new TreeSet<>();
        if (regions != null) {
            for (String region : regions) {
                if (region == null || region.isBlank()) {
                    throw new IllegalArgumentException("target regions: a region id must be non-empty, found "
                            + Labels.quote(region));
                }
                sorted.add(region);
            }
        }
        regions = Collections.unmodifiableSortedSet(sorted);
    }

    /** Whether {@code region} is targeted: every region is when {@code regions} is empty. */
    public boolean includesRegion(String region) {
        return regions.isEmpty() || regions.contains(region);
    }

    /** Whether a site in {@code region} with these labels is targeted. */
    public boolean matches(String region, Map<String, String> labels) {
        Objects.requireNonNull(region, "region");
        return includesRegion(region) && selector.matches(labels);
    }
}
