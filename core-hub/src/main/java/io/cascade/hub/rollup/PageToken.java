package io.cascade.hub.rollup;

import io.cascade.proto.ListSitesRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where a ListSites listing stands: the region it reached and that region's relay's own page token
 * (opaque to the hub; empty for the start of the region). Regions are listed in name order, so every
 * region before the one named is done and every one after it is still to come: this pair is the whole of
 * the per-region cursors.
 *
 * <p>On the wire: URL-safe base64 (no padding) of the UTF-8 text {@code s1|<filters>|<region>|<relay
 * token>}, where {@code <filters>} is a CRC-32 (8 hex digits) of the request's region, app and state
 * filters, so that a token is only accepted with the filters it was made for.
 */
record PageToken(String filters, String region, String relayToken) {

    private static final String VERSION = "s1";

    String encode() {
        String text = VERSION + "|" + filters + "|" + region + "|" + relayToken;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a token made for {@code request}'s filters.
     *
     * @param regions the regions the request lists, in order
     * @throws RollupException {@code INVALID} when it is not a ListSites token, or one made for other filters
     */
    static PageToken decode(String token, ListSitesRequest request, List<String> regions) throws RollupException {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notOurs(token);
        }
        String[] parts = text.split("\\|", 4);
        if (parts.length != 4 || !parts[0].equals(VERSION) || !regions.contains(parts[2])) {
            throw notOurs(token);
        }
        if (!parts[1].equals(filtersOf(request))) {
            throw new RollupException(RollupException.Reason.INVALID, "pageToken: " + DnsLabel.quote(token)
                    + " was made for other filters (region, app, state, revision); keep the filters while paging, or start "
                    + "again with an empty token");
        }
        return new PageToken(parts[1], parts[2], parts[3]);
    }

    /** The first page of {@code region}'s sites for {@code request}'s filters. */
    static PageToken start(ListSitesRequest request, String region) {
        return new PageToken(filtersOf(request), region, "");
    }

    PageToken at(String nextRegion, String nextRelayToken) {
        return new PageToken(filters, nextRegion, nextRelayToken);
    }

    static String filtersOf(ListSitesRequest request) {
        CRC32 crc = new CRC32();
        String filters = (request.hasRegion() ? request.getRegion() : "*") + "\n"
                + (request.hasApp() ? request.getApp() : "*") + "\n" + request.getStateValue()
                + (request.hasIntentRevision() ? "\n" + Long.toUnsignedString(request.getIntentRevision()) : "");
        crc.update(filters.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    private static RollupException notOurs(String token) {
        return new RollupException(RollupException.Reason.INVALID, "pageToken: " + DnsLabel.quote(token)
                + " is not a token from ListSites; leave it empty for the first page");
    }
}
