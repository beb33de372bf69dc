package io.cascade.hub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.client.FleetHttps;
import io.cascade.topology.trust.OperatorTokens;
import io.cascade.topology.trust.ServerCertificate;
import io.cascade.topology.trust.TrustRoot;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's HTTP connection handling, spoken byte by byte over TLS: a request is read to its end before it is
 * answered (so the next request on a kept-alive connection is never stranded in the server's TLS buffer), and a body
 * over the limit is refused and the connection closed. None of these requests reach the hub's API.
 */
class DashboardConnectionTest {

    @TempDir
    static Path dir;
    static TrustRoot trust;
    static ManagedChannel nowhere;
    static Dashboard dashboard;

    @BeforeAll
    static void start() {
        trust = TrustRoot.init(dir.resolve("trust"));
        Path cert = dir.resolve("dashboard.crt");
        Path key = dir.resolve("dashboard.key");
        trust.issueServerCertificate(List.of("127.0.0.1"), cert, key);
        nowhere = InProcessChannelBuilder.forName("no-hub-" + java.util.UUID.randomUUID()).build();
        dashboard = Dashboard.start("127.0.0.1", 0, new ServerCertificate(cert, key).serverContext(), nowhere,
                new OperatorTokens.Verifier(trust.apiPublicKey()));
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        nowhere.shutdownNow();
    }

    @Test
    void aRequestIsReadToItsEndBeforeItIsAnsweredAndTheConnectionServesTheNext() throws Exception {
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            // a POST without the request header, its body one byte short
            out.write(("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(500);
            assertThatThrownBy(() -> socket.getInputStream().read()).as("answered before the body was read")
                    .isInstanceOf(SocketTimeoutException.class);
            socket.setSoTimeout(10_000);
            out.write('y');
            out.flush();
            Response refused = Response.read(socket.getInputStream());
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains(Dashboard.CSRF_HEADER);

            // the same connection takes the next request
            String credential = "not-a-credential";
            out.write(("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Dashboard.CSRF_HEADER + ": 1\r\nContent-Length: "
                    + credential.length() + "\r\n\r\n" + credential).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response unknown = Response.read(socket.getInputStream());
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.body()).contains("not an operator credential");
        }
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            int size = Dashboard.MAX_BODY + 1;
            out.write(("POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\n" + Dashboard.CSRF_HEADER + ": 1\r\nContent-Length: "
                    + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[size]);
            out.flush();
            socket.setSoTimeout(10_000);
            Response tooLarge = Response.read(socket.getInputStream());
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.headers()).containsIgnoringCase("connection: close");
            assertThat(socket.getInputStream().read()).as("the connection is closed").isEqualTo(-1);
        }
    }

    static SSLSocket connect() throws IOException {
        SSLSocket socket = (SSLSocket) FleetHttps.trusting(trust.caCertFile()).getSocketFactory()
                .createSocket("127.0.0.1", dashboard.port());
        socket.startHandshake();
        return socket;
    }

    /** One HTTP/1.1 response with a Content-Length, read off the connection. */
    record Response(int status, String headers, String body) {

        static Response read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the connection closed within the headers: " + head);
                }
                head.write(b);
            }
            String headers = head.toString(StandardCharsets.US_ASCII);
            int status = Integer.parseInt(headers.substring(9, 12));
            int length = 0;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            return new Response(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }
}
