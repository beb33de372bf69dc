package io.cascade.edge;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Several edge sites in one JVM (a region of the demo fleet, or thousands in a benchmark). */
public final class EdgeHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeHost.class);

    private final List<EdgeNode> edges;

    private EdgeHost(List<EdgeNode> edges) {
        this.edges = edges;
    }

    /** Starts every edge; if one fails, the ones started are closed again. */
    public static EdgeHost start(List<EdgeConfig> configs) throws IOException, InterruptedException {
        List<EdgeNode> started = new ArrayList<>(configs.size());
        try {
            for (EdgeConfig c : configs) {
                started.add(EdgeNode.start(c));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeAll(started);
            throw e;
        }
        LOG.info("{} edge(s) running", started.size());
        return new EdgeHost(List.copyOf(started));
    }

    public List<EdgeNode> edges() {
        return edges;
    }

    @Override
    public void close() throws InterruptedException {
        closeAll(edges);
    }

    private static void closeAll(List<EdgeNode> edges) throws InterruptedException {
        for (int i = edges.size() - 1; i >= 0; i--) {
            edges.get(i).close();
        }
    }
}
