package io.cascade.topology.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy a test or bench controls: {@link #cut()} drops every connection through it and
 * refuses new ones (as a broken link would); {@link #partition()} silently holds every byte in
 * both directions, new connections included, with nothing closed (as a network partition would:
 * neither end learns of it but by its own timeouts); {@link #restore()} lets bytes through again,
 * the held ones first, as TCP retransmission would after a partition heals.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean partitioned;
    private final Object heal = new Object();
    private volatile boolean closed;

    private TcpProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        Thread.ofVirtual().name("proxy-accept-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /** Starts a proxy on a free loopback port forwarding to {@code host:port}. */
    public static TcpProxy start(String host, int port) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new TcpProxy(server, new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** host:port of the proxy. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public void cut() {
        cut = true;
        sockets.forEach(TcpProxy::closeQuietly);
        sockets.clear();
    }

    /** Holds every byte from now on, in both directions and on new connections; closes nothing. */
    public void partition() {
        partitioned = true;
    }

    public void restore() {
        cut = false;
        synchronized (heal) {
            partitioned = false;
            heal.notifyAll();
        }
    }

    private void awaitHealed() throws IOException {
        synchronized (heal) {
            while (partitioned && !closed) {
                try {
                    heal.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while partitioned", e);
                }
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                awaitHealed(); // a connection made during a partition gets no answer until it heals
                Socket upstream = new Socket();
                upstream.connect(target, 2000);
                sockets.add(client);
                sockets.add(upstream);
                pipe(client, upstream);
                pipe(upstream, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    awaitHealed();
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the link was cut or one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a socket that is already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
