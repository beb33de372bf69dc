package io.cascade.hub.api;

import io.cascade.proto.FleetServiceGrpc;
import io.cascade.topology.trust.OperatorTokens;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Clock;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who calls the operator API, and whether the caller's role allows the method: every call but the
 * health service and {@code RegisterSite} (whose bootstrap token is checked by the registrar) carries
 * {@code authorization: Bearer <token>} (a token from {@code cascade trust
 * operator}), verified here with the trust root's API public key, checked against the revoked
 * token ids, and mapped to {@link #CALLER} for the call. Errors say what to do:
 * {@code UNAUTHENTICATED} without a credential or with a bad, expired or revoked one;
 * {@code PERMISSION_DENIED} naming the role a method needs.
 */
public final class CallerAuth implements ServerInterceptor {

    /** The authenticated caller of the current call. */
    public static final Context.Key<OperatorTokens.Claims> CALLER = Context.key("cascade-caller");
    /** The network address a RegisterSite call came from, as the transport saw it. */
    public static final Context.Key<String> CALLER_ADDRESS = Context.key("cascade-caller-address");
    /** The one FleetService method served without an operator credential: its bootstrap token is its credential. */
    static final String REGISTER_SITE = FleetServiceGrpc.getRegisterSiteMethod().getFullMethodName();
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    /** FleetService methods a read-only caller may use; every other method needs the publisher role. */
    static final Set<String> READ_ONLY_METHODS = Set.of(
            FleetServiceGrpc.getGetIntentMethod().getFullMethodName(),
            FleetServiceGrpc.getListIntentsMethod().getFullMethodName(),
            FleetServiceGrpc.getGetRollupMethod().getFullMethodName(),
            FleetServiceGrpc.getWatchRollupMethod().getFullMethodName(),
            FleetServiceGrpc.getListSitesMethod().getFullMethodName(),
            FleetServiceGrpc.getGetSiteMethod().getFullMethodName());

    private final OperatorTokens.Verifier verifier;
    private final Predicate<String> revoked;
    private final Clock clock;

    /**
     * @param verifier checks tokens against the API public key
     * @param revoked  whether a token id was revoked
     */
    public CallerAuth(OperatorTokens.Verifier verifier, Predicate<String> revoked, Clock clock) {
        this.verifier = verifier;
        this.revoked = revoked;
        this.clock = clock;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.equals(REGISTER_SITE)) {
            java.net.SocketAddress remote = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
            return Contexts.interceptCall(Context.current().withValue(CALLER_ADDRESS, remote == null ? "?" : remote.toString()),
                    call, headers, next);
        }
        String header = headers.get(AUTHORIZATION);
        java.security.cert.X509Certificate clientCert = clientCertificate(call);
        if ((header == null || !header.startsWith(BEARER)) && clientCert == null) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("a credential is needed: pass --credential FILE or set "
                    + "CASCADE_CREDENTIAL to a token from `cascade trust operator NAME --role read-only|publisher` "
                    + "(gRPC metadata `authorization: Bearer <token>`), or present a client certificate from the fleet CA"));
        }
        OperatorTokens.Claims caller;
        try {
            caller = header != null && header.startsWith(BEARER)
                    ? verifier.verify(header.substring(BEARER.length()), clock.instant())
                    : OperatorTokens.fromCertificate(clientCert);
        } catch (OperatorTokens.Refused e) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        }
        if (revoked.test(caller.id())) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("the credential of " + caller.name() + " (id "
                    + caller.id() + ") was revoked"));
        }
        OperatorTokens.Role needed = READ_ONLY_METHODS.contains(method) || !method.startsWith(FleetServiceGrpc.SERVICE_NAME + "/")
                ? OperatorTokens.Role.READ_ONLY : OperatorTokens.Role.PUBLISHER;
        if (!caller.role().covers(needed)) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(call.getMethodDescriptor().getBareMethodName()
                    + " needs the " + needed.label() + " role; " + caller.name() + " has " + caller.role().label()));
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }

    /** The client's certificate, when it presented one (TLS has verified it against the fleet CA then). */
    private static java.security.cert.X509Certificate clientCertificate(ServerCall<?, ?> call) {
        javax.net.ssl.SSLSession ssl = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (ssl == null) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = ssl.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof java.security.cert.X509Certificate x ? x : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            return null;
        }
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }

}
