package io.tollgate.observe;

import com.hazelcast.core.HazelcastInstance;
import io.helidon.config.Config;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.tollgate.config.Settings;
import io.tollgate.db.Database;
import io.tollgate.decide.DecisionListener;
import io.tollgate.decide.DecisionService;

/**
 * Metrics, traces and live events, installed around the sidecar by the composition root.
 * (Placeholder: the observability work fills this in.)
 */
public final class Observability implements AutoCloseable {

    public Observability(Config config, Settings settings, HazelcastInstance hz, Database database) {
    }

    /** Told about every decision: counters, latency histograms, denial events. */
    public DecisionListener decisionListener() {
        return DecisionListener.NONE;
    }

    /** Adds filters (tracing, HTTP metrics, CORS) and the /metrics and /api/events endpoints. */
    public void install(HttpRouting.Builder routing, WebServerConfig.Builder server) {
    }

    /** Gives the collectors access to the decision path once it exists. */
    public void attach(DecisionService decisions) {
    }

    @Override
    public void close() {
    }
}
