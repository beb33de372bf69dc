package io.cascade.hub.sites;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Where a site is: what intent validation needs to know of the fleet's sites. */
public interface SiteLookup {

    /** The site's region, or empty when the fleet has no such site. */
    Optional<String> regionOf(String site);

    /** The sites a fleet file declares, fixed (for tools and tests that have no hub). */
    static SiteLookup of(Fleet fleet) {
        Map<String, String> regions = new HashMap<>();
        for (RegionSpec region : fleet.regions()) {
            for (SiteSpec site : region.sites()) {
                regions.put(site.name(), region.name());
            }
        }
        return site -> Optional.ofNullable(regions.get(site));
    }
}
