package io.cascade.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cascade.hub.testing.HubExtension;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.OperatorTokens.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator API from a client not written in Java: grpc-js (from npm) with the fleet CA and an
 * operator token lists the intents; without the token it gets UNAUTHENTICATED. Skipped where no
 * node/npm runs or the npm registry cannot be reached (it says so).
 */
class ForeignClientIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    /** Kept across test runs of one build (target/), installed once. */
    static final Path TOOL = Path.of("target", "grpc-js");
    static final Path PROTOS = Path.of("..", "proto", "src", "main", "proto").toAbsolutePath().normalize();

    @BeforeAll
    static void install() throws Exception {
        assumeTrue(run(List.of("node", "--version"), Path.of(".")).exitCode == 0, "node is not on the PATH");
        Files.createDirectories(TOOL);
        for (String f : List.of("package.json", "list-intents.js")) {
            try (InputStream in = ForeignClientIT.class.getResourceAsStream("/grpc-js/" + f)) {
                Files.copy(in, TOOL.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(TOOL.resolve("node_modules/@grpc/grpc-js"))) {
            Result npm = run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), TOOL);
            assumeTrue(npm.exitCode == 0, "npm install of @grpc/grpc-js failed (no registry?): " + npm.output);
        }
    }

    record Result(int exitCode, String output) {}

    static Result run(List<String> command, Path dir) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, command + " took over 180 s");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
    }

    static Result listIntents(String token) throws InterruptedException {
        return run(List.of("node", "list-intents.js", "127.0.0.1:" + HUB.hub().grpcPort(), FABRIC.caFile().toString(), token,
                PROTOS.toString()), TOOL);
    }

    @Test
    void grpcJsWithTheCaAndATokenListsIntentsAndWithoutATokenIsRefused() throws Exception {
        HUB.publish(SampleIntents.valid("from-java").build());
        Result ok = listIntents(FABRIC.operatorToken("node-reader", Role.READ_ONLY));
        assertThat(ok.exitCode).as(ok.output).isZero();
        assertThat(ok.output).contains("\"app\":\"from-java\"");

        Result refused = listIntents("-");
        assertThat(refused.exitCode).as(refused.output).isEqualTo(2);
        assertThat(refused.output).contains("ERR 16", "a credential is needed");
    }
}
