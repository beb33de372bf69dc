package io.cascade.topology.fleet;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.cascade.topology.targeting.Labels;

/**
 * Reads a fleet file (YAML) into a validated {@link Fleet}. Every problem found is reported at once,
 * each naming its field ({@code regions[1].sites[3].labels.tier: ...}).
 *
 * <pre>
 * name: demo
 * hub:
 *   host: 127.0.0.1            # default 127.0.0.1
 *   ports: {client: 4222, leaf: 7422, monitor: 8222, service: 7443}   # 0 or absent: a free port
 * regions:
 *   - name: eu
 *     sites:
 *       - name: store-0001
 *         labels: {tier: store}
 *     generate: {count: 100, prefix: eu-store-, labels: {tier: store}}  # optional
 * sites:                       # optional inventory: each site names its region
 *   - {name: store-0002, region: eu, labels: {tier: store}}
 * </pre>
 */
public final class FleetFile {

    /** Region, site and fleet names are DNS labels: they are NATS subject tokens and Kubernetes names. */
    static final int MAX_NAME = 63;
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int MAX_GENERATED_SITES = 100_000;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private FleetFile() {}

    public static Fleet load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fleet file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    public static Fleet parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new FleetFileException(source, List.of("(file): not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())));
        }
        Reader reader = new Reader();
        Fleet fleet = reader.fleet(root);
        if (!reader.problems.isEmpty()) {
            throw new FleetFileException(source, reader.problems);
        }
        return fleet;
    }

    /** Walks the YAML tree once, collecting problems with their paths. */
    private static final class Reader {
        final List<String> problems = new ArrayList<>();
        final Map<Integer, String> portOwners = new HashMap<>();
        final Map<String, String> siteOwners = new HashMap<>();

        void problem(String path, String message) {
            problems.add(path + ": " + message);
        }

        Fleet fleet(JsonNode root) {
            if (root == null || !root.isObject()) {
                problem("(file)", "expected a mapping with name, hub and regions");
                return null;
            }
            allowOnly(root, "", Set.of("name", "hub", "regions", "sites"));
            String name = name(root, "name", "", "demo");
            HubSpec hub = hub(root.get("hub"));
            List<RegionSpec> regions = new ArrayList<>();
            JsonNode list = root.get("regions");
            if (list == null || !list.isArray() || list.isEmpty()) {
                problem("regions", "expected a list with at least one region");
            } else {
                Map<String, String> regionOwners = new HashMap<>();
                for (int i = 0; i < list.size(); i++) {
                    RegionSpec r = region(list.get(i), "regions[" + i + "]");
                    if (r == null) {
                        continue;
                    }
                    String first = regionOwners.putIfAbsent(r.name(), "regions[" + i + "]");
                    if (first != null) {
                        problem("regions[" + i + "].name", "duplicate region \"" + r.name() + "\" (first at " + first + ")");
                    } else {
                        regions.add(r);
                    }
                }
            }
            regions = inventory(root.get("sites"), regions);
            return problems.isEmpty() ? new Fleet(name, hub, regions) : null;
        }

        HubSpec hub(JsonNode node) {
            if (node == null) {
                return new HubSpec(DEFAULT_HOST, Ports.ANY);
            }
            if (!node.isObject()) {
                problem("hub", "expected a mapping with host and ports");
                return null;
            }
            allowOnly(node, "hub", Set.of("host", "ports"));
            return new HubSpec(host(node, "hub"), ports(node.get("ports"), "hub.ports"));
        }

        RegionSpec region(JsonNode node, String path) {
            if (node == null || !node.isObject()) {
                problem(path, "expected a mapping with name and sites");
                return null;
            }
            allowOnly(node, path, Set.of("name", "host", "ports", "sites", "generate"));
            String name = name(node, "name", path, null);
            String host = host(node, path);
            Ports ports = ports(node.get("ports"), path + ".ports");
            List<SiteSpec> sites = new ArrayList<>();
            JsonNode list = node.get("sites");
            if (list != null && !list.isArray()) {
                problem(path + ".sites", "expected a list of sites");
            } else if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    SiteSpec s = site(list.get(i), path + ".sites[" + i + "]", name);
                    if (s != null) {
                        sites.add(s);
                    }
                }
            }
            if (node.has("generate")) {
                sites.addAll(generate(node.get("generate"), path + ".generate", name));
            }
            return name == null ? null : new RegionSpec(name, host, ports, sites);
        }

        /**
         * The optional top-level {@code sites:} inventory, where each site names its region; its
         * sites are appended to their regions.
         */
        List<RegionSpec> inventory(JsonNode list, List<RegionSpec> regions) {
            if (list == null) {
                return regions;
            }
            if (!list.isArray()) {
                problem("sites", "expected a list of sites, each with name, region and labels");
                return regions;
            }
            Map<String, List<SiteSpec>> extra = new LinkedHashMap<>();
            List<String> known = regions.stream().map(RegionSpec::name).toList();
            for (int i = 0; i < list.size(); i++) {
                String path = "sites[" + i + "]";
                JsonNode node = list.get(i);
                JsonNode region = node == null ? null : node.get("region");
                if (region == null || !region.isTextual()) {
                    problem(path + ".region", "is required: the region this site belongs to, one of " + known);
                    continue;
                }
                if (!known.contains(region.asText())) {
                    problem(path + ".region", "unknown region \"" + region.asText() + "\"; the fleet has " + known);
                    continue;
                }
                SiteSpec s = site(node, path, region.asText());
                if (s != null) {
                    extra.computeIfAbsent(region.asText(), r -> new ArrayList<>()).add(s);
                }
            }
            List<RegionSpec> merged = new ArrayList<>();
            for (RegionSpec r : regions) {
                List<SiteSpec> sites = new ArrayList<>(r.sites());
                sites.addAll(extra.getOrDefault(r.name(), List.of()));
                merged.add(new RegionSpec(r.name(), r.host(), r.ports(), sites));
            }
            return merged;
        }

        SiteSpec site(JsonNode node, String path, String region) {
            if (node == null || !node.isObject()) {
                problem(path, "expected a mapping with name and labels");
                return null;
            }
            allowOnly(node, path, Set.of("name", "labels", "region"));
            String name = name(node, "name", path, null);
            Map<String, String> labels = labels(node.get("labels"), path + ".labels", region);
            if (name == null || labels == null || !claimSite(name, path + ".name")) {
                return null;
            }
            return new SiteSpec(name, labels);
        }

        List<SiteSpec> generate(JsonNode node, String path, String region) {
            if (!node.isObject()) {
                problem(path, "expected a mapping with count, prefix and labels");
                return List.of();
            }
            allowOnly(node, path, Set.of("count", "prefix", "labels"));
            JsonNode count = node.get("count");
            if (count == null || !count.canConvertToInt() || count.asInt() < 1 || count.asInt() > MAX_GENERATED_SITES) {
                problem(path + ".count", "expected a whole number from 1 to " + MAX_GENERATED_SITES);
                return List.of();
            }
            String prefix = node.path("prefix").asText(region == null ? "site-" : region + "-site-");
            Map<String, String> labels = labels(node.get("labels"), path + ".labels", region);
            int n = count.asInt();
            int width = Math.max(4, String.valueOf(n).length());
            List<SiteSpec> sites = new ArrayList<>(n);
            for (int i = 1; i <= n && labels != null; i++) {
                String name = prefix + String.format("%0" + width + "d", i);
                if (!validName(name)) {
                    problem(path + ".prefix", "\"" + prefix + "\" does not make valid site names (e.g. \"" + name + "\")");
                    return List.of();
                }
                if (claimSite(name, path)) {
                    sites.add(new SiteSpec(name, labels));
                }
            }
            return sites;
        }

        boolean claimSite(String name, String path) {
            String first = siteOwners.putIfAbsent(name, path);
            if (first != null) {
                problem(path, "duplicate site \"" + name + "\" (first at " + first + ")");
                return false;
            }
            return true;
        }

        Map<String, String> labels(JsonNode node, String path, String region) {
            Map<String, String> labels = new LinkedHashMap<>();
            if (node != null && !node.isNull()) {
                if (!node.isObject()) {
                    problem(path, "expected a mapping of label keys to values");
                    return null;
                }
                int before = problems.size();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String key = e.getKey();
                    JsonNode v = e.getValue();
                    if (!v.isValueNode() || v.isNull()) {
                        problem(path + "." + key, "expected a string value");
                        continue;
                    }
                    Labels.keyError(key).ifPresent(m -> problem(path + "." + key, m));
                    Labels.valueError(v.asText()).ifPresent(m -> problem(path + "." + key, m));
                    labels.put(key, v.asText());
                }
                if (problems.size() > before) {
                    return null;
                }
            }
            if (region != null) {
                String declared = labels.putIfAbsent("region", region);
                if (declared != null && !declared.equals(region)) {
                    problem(path + ".region", "label region=" + declared + " contradicts the site's region \"" + region + "\"");
                    return null;
                }
            }
            return labels;
        }

        String host(JsonNode node, String path) {
            JsonNode h = node.get("host");
            if (h == null) {
                return DEFAULT_HOST;
            }
            if (!h.isTextual() || h.asText().isBlank() || h.asText().contains(" ")) {
                problem(path + ".host", "expected a host name or IP address");
                return DEFAULT_HOST;
            }
            return h.asText();
        }

        Ports ports(JsonNode node, String path) {
            if (node == null) {
                return Ports.ANY;
            }
            if (!node.isObject()) {
                problem(path, "expected a mapping of client, leaf, monitor, service to port numbers");
                return Ports.ANY;
            }
            allowOnly(node, path, Set.of("client", "leaf", "monitor", "service"));
            return new Ports(port(node, "client", path), port(node, "leaf", path),
                    port(node, "monitor", path), port(node, "service", path));
        }

        int port(JsonNode node, String field, String path) {
            JsonNode p = node.get(field);
            if (p == null) {
                return 0;
            }
            String at = path + "." + field;
            if (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 0 || p.asInt() > 65535) {
                problem(at, "expected a port number from 1 to 65535 (or 0 for any free port), got " + p);
                return 0;
            }
            int port = p.asInt();
            if (port > 0) {
                String first = portOwners.putIfAbsent(port, at);
                if (first != null) {
                    problem(at, "port " + port + " is already used by " + first);
                }
            }
            return port;
        }

        String name(JsonNode node, String field, String path, String fallback) {
            String at = path.isEmpty() ? field : path + "." + field;
            JsonNode n = node.get(field);
            if (n == null) {
                if (fallback == null) {
                    problem(at, "is required");
                }
                return fallback;
            }
            if (!n.isTextual() || !validName(n.asText())) {
                problem(at, "\"" + n.asText() + "\" is not a valid name: use 1-" + MAX_NAME
                        + " lower-case letters, digits and '-', starting and ending with a letter or digit");
                return null;
            }
            return n.asText();
        }

        void allowOnly(JsonNode node, String path, Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    problem(path.isEmpty() ? f : path + "." + f,
                            "unknown field; expected one of " + allowed.stream().sorted().toList());
                }
            }
        }
    }

    static boolean validName(String s) {
        return io.cascade.topology.DnsLabel.isValid(s);
    }
}
