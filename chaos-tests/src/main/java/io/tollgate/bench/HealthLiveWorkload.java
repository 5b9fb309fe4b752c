package io.tollgate.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code GET /health/live} over HTTP, the same way {@link HttpAcquireWorkload} sends acquires (worker
 * {@code i} keeps one raw keep-alive connection to endpoint {@code i mod n}). Against a Tollgate sidecar
 * this is its cheapest route: the same server, the same filters (tracing, metrics, CORS), no decision. The
 * system {@code tollgate-floor} is a Tollgate sidecar driven with it, so "Tollgate ÷ its own floor" reads
 * as the cost of deciding over what any request to that sidecar costs. A 200 counts as "allowed".
 */
final class HealthLiveWorkload implements Workload {

    static final String PATH = "/health/live";

    private final List<InetSocketAddress> endpoints;

    HealthLiveWorkload(List<InetSocketAddress> endpoints) {
        this.endpoints = endpoints;
    }

    @Override
    public Caller newCaller(int worker) {
        InetSocketAddress endpoint = endpoints.get(worker % endpoints.size());
        return new Caller() {
            private RawHttpConnection connection;

            @Override
            public int call() throws IOException {
                if (connection == null) {
                    connection = new RawHttpConnection(endpoint, PATH);
                }
                try {
                    return connection.get();
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
