package io.tollgate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.core.BillingPeriod;
import io.tollgate.core.Totals;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserState;
import io.tollgate.ledger.LedgerFlusher;
import io.tollgate.ledger.LedgerRepository;
import io.tollgate.policy.PolicyStore;

import io.helidon.http.HeaderNames;
import io.tollgate.ledger.LedgerExport;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /admin/ledger: ledger totals, the billing export, reconciliation against the cluster, adjustments, flush status. */
public final class LedgerAdminService implements HttpService {
    private final IMap<String, UserState> users;
    private final LedgerRepository ledger;
    private final LedgerExport export;
    private final LedgerFlusher flusher;
    private final PolicyStore policies;
    private final BearerToken token;
    private final int maxBodyBytes;

    public LedgerAdminService(HazelcastInstance hz, LedgerRepository ledger, LedgerExport export, LedgerFlusher flusher,
                              PolicyStore policies, BearerToken token, int maxBodyBytes) {
        this.users = hz.getMap(ClusterMember.USERS);
        this.ledger = ledger;
        this.export = export;
        this.flusher = flusher;
        this.policies = policies;
        this.token = token;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(new AdminAuth(token))
                .get("/totals", this::totals)
                .get("/export", this::export)
                .get("/reconcile", this::reconcile)
                .post("/adjustments", this::adjust)
                .post("/flush", (req, res) -> Json.send(res, 200, Map.of("applied_batches", flusher.flushOnce())))
                .get("/status", (req, res) -> Json.send(res, 200, flusher.status().toJson()));
    }

    private void totals(ServerRequest req, ServerResponse res) {
        String user = Json.query(req, "user_id");
        BillingPeriod period = periodOf(req, policies.user(user));
        long start = period.start().toEpochMilli();
        Totals total = ledger.total(user, start);
        List<Map<String, Object>> apis = new ArrayList<>();
        ledger.byApi(user, start).forEach((api, t) -> apis.add(totalsJson(t, Map.of("api_id", api))));
        Map<String, Object> body = totalsJson(total, Map.of("user_id", user, "period_start", period.start().toString(),
                "period_end", period.end().toString()));
        body.put("apis", apis);
        Json.send(res, 200, body);
    }

    /**
     * For every user entry in the cluster whose ledger batch is confirmed (nothing in flight), the
     * cluster's confirmed base must equal the ledger's total for the period; any difference is listed.
     */
    private void reconcile(ServerRequest req, ServerResponse res) {
        List<Map<String, Object>> differences = new ArrayList<>();
        int checked = 0;
        int inFlight = 0;
        long unflushedRequests = 0;
        for (Map.Entry<String, UserState> e : users.entrySet()) {
            UserState s = e.getValue();
            unflushedRequests += s.usage().unflushedRequests();
            if (s.usage().inflight() != null || !s.usage().baseKnown()) {
                inFlight++;
                continue;
            }
            checked++;
            Totals inLedger = ledger.total(e.getKey(), s.usage().periodStart());
            if (!inLedger.equals(s.usage().base())) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("user_id", e.getKey());
                d.put("period_start", Instant.ofEpochMilli(s.usage().periodStart()).toString());
                d.put("cluster", totalsJson(s.usage().base(), Map.of()));
                d.put("ledger", totalsJson(inLedger, Map.of()));
                differences.add(d);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("users_checked", checked);
        body.put("users_with_batch_in_flight", inFlight);
        body.put("unflushed_requests", unflushedRequests);
        body.put("differences", differences);
        body.put("consistent", differences.isEmpty());
        Json.send(res, 200, body);
    }

    /** One adjustment moves a meter by at most this much: a petabyte, or 31,000 years of compute. */
    static final long MAX_ADJUSTMENT = 1_000_000_000_000_000L;
    /** A period's total per meter stays within this (ten adjustments at the maximum), far from overflowing a sum. */
    static final long MAX_TOTAL = 10 * MAX_ADJUSTMENT;

    private void adjust(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req, maxBodyBytes);
        String user = Json.id(body, "user_id");
        String api = Json.id(body, "api_id");
        String reason = Json.text(body, "reason", null);
        if (reason.isBlank() || reason.length() > 1000) {
            throw BadRequest.field("reason", "reason must be 1..1000 characters");
        }
        Instant periodStart = Json.instant("period_start", Json.text(body, "period_start", null));
        Totals delta = new Totals(Json.integer(body, "requests", 0L, -MAX_ADJUSTMENT, MAX_ADJUSTMENT),
                Json.integer(body, "bandwidth_bytes", 0L, -MAX_ADJUSTMENT, MAX_ADJUSTMENT),
                Json.integer(body, "compute_ms", 0L, -MAX_ADJUSTMENT, MAX_ADJUSTMENT));
        Totals before = ledger.total(user, periodStart.toEpochMilli());
        try {
            Totals after = before.plus(delta);
            if (Math.abs(after.requests()) > MAX_TOTAL || Math.abs(after.bytes()) > MAX_TOTAL
                    || Math.abs(after.computeMs()) > MAX_TOTAL) {
                throw new ArithmeticException("beyond " + MAX_TOTAL);
            }
        } catch (ArithmeticException e) {
            throw new BadRequest(422, "adjustment", "the period's total would leave the range of +/-" + MAX_TOTAL);
        }
        ledger.adjust(user, api, periodStart.toEpochMilli(), delta, reason);
        Json.send(res, 201, totalsJson(ledger.total(user, periodStart.toEpochMilli()),
                Map.of("user_id", user, "period_start", periodStart.toString())));
    }

    /**
     * Every user's usage in one billing period, streamed as JSON Lines (default) or CSV ({@code Accept: text/csv}
     * or {@code format=csv}): a header line (period, whether it is closed, the ledger position), one line per
     * user and API, and a trailer with the row count, so a cut-off download is recognised.
     */
    private void export(ServerRequest req, ServerResponse res) throws IOException {
        String period = req.query().first("period").orElse(null);
        String start = req.query().first("period_start").orElse(null);
        if ((period == null) == (start == null)) {
            throw BadRequest.field("period_start", "give period_start (an ISO-8601 instant) or period (YYYY-MM, UTC months)");
        }
        Instant periodStart;
        Instant knownEnd = null;
        try {
            if (period != null) {
                YearMonth month = YearMonth.parse(period);
                if (month.getYear() < 1970 || month.getYear() > 9999) {
                    throw BadRequest.field("period", "period must lie between the years 1970 and 9999");
                }
                periodStart = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                knownEnd = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                periodStart = Json.instant("period_start", start);
            }
        } catch (java.time.DateTimeException e) {
            throw BadRequest.field(period != null ? "period" : "period_start", period != null
                    ? "period must be a month such as 2026-12" : "period_start must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
        }
        Long position = null;
        if (req.query().first("position").isPresent()) {
            try {
                position = Long.parseLong(req.query().first("position").get());
            } catch (NumberFormatException e) {
                position = -1L;
            }
            if (position < 0) {
                throw BadRequest.field("position", "position must be a ledger position from an earlier export's header");
            }
        }
        boolean csv = req.query().first("format").map("csv"::equals)
                .orElseGet(() -> req.headers().first(HeaderNames.ACCEPT).map(a -> a.contains("text/csv")).orElse(false));
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8");
        try (OutputStream raw = res.outputStream();
             Writer out = new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 64 * 1024)) {
            ExportLines lines = new ExportLines(out, csv);
            export.stream(periodStart, knownEnd, position, Instant.now(), lines::header, lines::row);
            lines.trailer();
        }
    }

    /** The export's lines in either format. */
    private static final class ExportLines {
        private static final String CSV_COLUMNS = "user_id,api_id,tier,requests,bandwidth_bytes,compute_ms,"
                + "adjustment_requests,adjustment_bandwidth_bytes,adjustment_compute_ms,"
                + "total_requests,total_bandwidth_bytes,total_compute_ms";
        private final Writer out;
        private final boolean csv;
        private LedgerExport.Header header;
        private long rows;

        ExportLines(Writer out, boolean csv) {
            this.out = out;
            this.csv = csv;
        }

        void header(LedgerExport.Header h) {
            header = h;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "header");
            m.put("period_start", h.periodStart().toString());
            m.put("period_end", h.periodEnd() == null ? null : h.periodEnd().toString());
            m.put("closed", h.closed());
            m.put("position", h.position());
            if (csv) {
                write("# tollgate ledger export period_start=" + h.periodStart() + " period_end="
                        + (h.periodEnd() == null ? "" : h.periodEnd()) + " closed=" + h.closed()
                        + " position=" + h.position() + "\n" + CSV_COLUMNS + "\n");
            } else {
                json(m);
            }
        }

        void row(LedgerExport.Row r) {
            rows++;
            if (csv) {
                write(cell(r.userId()) + ',' + cell(r.apiId()) + ',' + r.tier() + ',' + r.requests() + ','
                        + r.bandwidthBytes() + ',' + r.computeMs() + ',' + r.adjustedRequests() + ','
                        + r.adjustedBandwidthBytes() + ',' + r.adjustedComputeMs() + ','
                        + (r.requests() + r.adjustedRequests()) + ',' + (r.bandwidthBytes() + r.adjustedBandwidthBytes())
                        + ',' + (r.computeMs() + r.adjustedComputeMs()) + '\n');
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "row");
            m.put("user_id", r.userId());
            m.put("api_id", r.apiId());
            m.put("tier", r.tier());
            m.put("requests", r.requests());
            m.put("bandwidth_bytes", r.bandwidthBytes());
            m.put("compute_ms", r.computeMs());
            m.put("adjustment_requests", r.adjustedRequests());
            m.put("adjustment_bandwidth_bytes", r.adjustedBandwidthBytes());
            m.put("adjustment_compute_ms", r.adjustedComputeMs());
            m.put("total_requests", r.requests() + r.adjustedRequests());
            m.put("total_bandwidth_bytes", r.bandwidthBytes() + r.adjustedBandwidthBytes());
            m.put("total_compute_ms", r.computeMs() + r.adjustedComputeMs());
            json(m);
        }

        void trailer() {
            if (csv) {
                write("# end rows=" + rows + " closed=" + header.closed() + " position=" + header.position() + "\n");
            } else {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "trailer");
                m.put("rows", rows);
                m.put("closed", header.closed());
                m.put("position", header.position());
                json(m);
            }
        }

        /** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
        private static String cell(String v) {
            if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0 && !v.startsWith("#")) {
                return v;
            }
            return '"' + v.replace("\"", "\"\"") + '"';
        }

        private void json(Map<String, Object> m) {
            try {
                write(Json.MAPPER.writeValueAsString(m) + "\n");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private void write(String s) {
            try {
                out.write(s);
            } catch (IOException e) {
                throw new UncheckedIOException("the export's client went away", e);
            }
        }
    }

    private static BillingPeriod periodOf(ServerRequest req, UserPolicy policy) {
        String at = req.query().first("at").orElse(null);
        try {
            return policy.billingCycle().periodAt(at == null ? Instant.now() : Json.instant("at", at));
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw BadRequest.field("at", "at must be an ISO-8601 instant between the years 1970 and 9999");
        }
    }

    private static Map<String, Object> totalsJson(Totals t, Map<String, Object> head) {
        Map<String, Object> m = new LinkedHashMap<>(head);
        m.put("requests", t.requests());
        m.put("bandwidth_bytes", t.bytes());
        m.put("compute_ms", t.computeMs());
        return m;
    }
}
