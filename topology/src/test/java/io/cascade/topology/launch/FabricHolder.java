package io.cascade.topology.launch;

import io.cascade.topology.fleet.Fleets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A JVM that starts the demo fabric in {@code args[0]}, prints its servers' pids on one line and waits
 * to be terminated without ever closing the fabric: what a benchmark cut short with Ctrl-C looks like.
 */
public final class FabricHolder {

    private FabricHolder() {}

    public static void main(String[] args) throws Exception {
        LocalFabric fabric = LocalFabric.start(Fleets.demo(), Path.of(args[0]));
        StringBuilder pids = new StringBuilder("pids");
        pids.append(' ').append(fabric.hub().pid());
        fabric.relays().values().forEach(r -> pids.append(' ').append(r.pid()));
        System.out.println(pids);
        System.out.flush();
        new CountDownLatch(1).await(); // never counted down: held until the test terminates this JVM
    }
}
