package io.tollgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Acquires over HTTP against a system's endpoints: worker {@code i} keeps one connection to endpoint
 * {@code i mod n} (so a 3-member system gets its load spread evenly), and draws each call's user
 * uniformly from {@code users} ids {@code prefix0..}. One API id for everyone, cost 1.
 */
final class HttpAcquireWorkload implements Workload {

    static final String PATH = "/api/rate-limits/acquire";

    private final List<InetSocketAddress> endpoints;
    private final UserPopulation users;

    HttpAcquireWorkload(List<InetSocketAddress> endpoints, UserPopulation users) {
        this.endpoints = endpoints;
        this.users = users;
    }

    @Override
    public Caller newCaller(int worker) {
        InetSocketAddress endpoint = endpoints.get(worker % endpoints.size());
        SplittableRandom random = new SplittableRandom(worker * 7919L + 17);
        return new Caller() {
            private RawHttpConnection connection;

            @Override
            public int call() throws IOException {
                if (connection == null) {
                    connection = new RawHttpConnection(endpoint, PATH);
                }
                String user = users.pick(random);
                byte[] body = ("{\"user_id\":\"" + user + "\",\"api_id\":\"bench-api\",\"cost\":1}")
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
