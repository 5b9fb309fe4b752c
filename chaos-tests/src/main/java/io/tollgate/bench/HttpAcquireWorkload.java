package io.tollgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Acquires over HTTP against a system's endpoints: worker {@code i} keeps one connection to endpoint
 * {@code i mod n} (so a 3-member system gets its load spread evenly), and draws each call's user
 * uniformly from {@code users} ids {@code prefix0..}. One API id for everyone, cost 1; with {@code requestIds} every
 * call carries a {@code request_id} of its own (worker and sequence number), as a client that retries safely sends.
 */
final class HttpAcquireWorkload implements Workload {

    static final String PATH = "/api/rate-limits/acquire";

    private final List<InetSocketAddress> endpoints;
    private final UserPopulation users;
    private final boolean requestIds;
    private final String run = Long.toString(System.nanoTime(), 36);

    HttpAcquireWorkload(List<InetSocketAddress> endpoints, UserPopulation users) {
        this(endpoints, users, false);
    }

    HttpAcquireWorkload(List<InetSocketAddress> endpoints, UserPopulation users, boolean requestIds) {
        this.endpoints = endpoints;
        this.users = users;
        this.requestIds = requestIds;
    }

    @Override
    public Caller newCaller(int worker) {
        InetSocketAddress endpoint = endpoints.get(worker % endpoints.size());
        SplittableRandom random = new SplittableRandom(worker * 7919L + 17);
        return new Caller() {
            private RawHttpConnection connection;
            private long sequence;

            @Override
            public int call() throws IOException {
                if (connection == null) {
                    connection = new RawHttpConnection(endpoint, PATH);
                }
                String user = users.pick(random);
                String requestId = requestIds ? ",\"request_id\":\"" + run + "-" + worker + "-" + sequence++ + "\"" : "";
                byte[] body = ("{\"user_id\":\"" + user + "\",\"api_id\":\"bench-api\",\"cost\":1" + requestId + "}")
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                    return connection.post(body);
                } catch (IOException e) {
                    connection.close();
                    connection = null;
                    throw e;
                }
            }

            @Override
            public void close() throws IOException {
                if (connection != null) {
                    connection.close();
                }
            }
        };
    }
}
