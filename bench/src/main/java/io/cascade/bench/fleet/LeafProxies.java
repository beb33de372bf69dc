package io.cascade.bench.fleet;

import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.TcpProxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every leaf link of an HA bench fabric through a TCP proxy the bench controls: one proxy per region and hub node,
 * so a bench can cut every link of one region ({@link #region}) and restore them. The hub nodes advertise an address
 * no one listens on, so a relay cannot learn a hub node's real leaf port from the cluster's gossip and bypass a cut.
 */
final class LeafProxies implements LocalFabric.LeafRoute, AutoCloseable {

    private final Map<String, Map<String, TcpProxy>> byRegion = new ConcurrentHashMap<>();

    @Override
    public String route(String hubLeaf) {
        return LocalFabric.LeafRoute.NOWHERE; // nothing listens there
    }

    @Override
    public String route(String region, String hubNodeLeaf) {
        return byRegion.computeIfAbsent(region, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(hubNodeLeaf, LeafProxies::proxyTo).address();
    }

    /** The proxies of {@code region}'s leaf links, one per hub node. */
    List<TcpProxy> region(String region) {
        return List.copyOf(byRegion.getOrDefault(region, Map.of()).values());
    }

    private static TcpProxy proxyTo(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return TcpProxy.start(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void close() {
        byRegion.values().forEach(m -> m.values().forEach(TcpProxy::close));
    }
}
