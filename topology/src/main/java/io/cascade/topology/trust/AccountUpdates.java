package io.cascade.topology.trust;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.topology.client.NatsClients;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Pushes the fleet account's JWT (after a revocation) to running nats-servers, as a user of the
 * system account: each server takes it at once, refuses the revoked users from then on and
 * closes their open connections, without a restart. A server that is down keeps the JWT it had;
 * its rendered config's preload and its resolver directory hold the last one it took.
 */
public final class AccountUpdates {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private AccountUpdates() {}

    /** One server's answer. */
    public record Result(String server, boolean applied, String message) {}

    /** Sends {@code accountJwt} to each server in {@code serverUrls}; never throws for one server's failure. */
    public static List<Result> push(TrustRoot trust, String accountJwt, List<String> serverUrls) throws InterruptedException {
        UserCredentials admin = trust.issueClient(new Identity.ServerAdmin());
        String subject = "$SYS.REQ.ACCOUNT." + trust.accountPublicKey() + ".CLAIMS.UPDATE";
        List<Result> results = new ArrayList<>();
        for (String url : serverUrls) {
            var options = NatsClients.options("cascade-trust-admin", url, admin).maxReconnects(0).build();
            try (Connection c = Nats.connect(options)) {
                Message reply = c.request(subject, accountJwt.getBytes(StandardCharsets.US_ASCII), TIMEOUT);
                if (reply == null) {
                    results.add(new Result(url, false, "no answer within " + TIMEOUT));
                    continue;
                }
                JsonNode answer = Jwt.JSON.readTree(reply.getData());
                JsonNode error = answer.path("error");
                if (!error.isMissingNode()) {
                    results.add(new Result(url, false, error.path("description").asText(error.toString())));
                } else {
                    results.add(new Result(url, true, answer.path("data").path("message").asText("updated")));
                }
            } catch (IOException e) {
                results.add(new Result(url, false, "unreachable: " + e.getMessage()));
            }
        }
        return results;
    }
}
