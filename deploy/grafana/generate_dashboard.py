#!/usr/bin/env python3
# Generates deploy/grafana/tollgate-dashboard.json (the committed artifact; edit here, then run
#   python3 deploy/grafana/generate_dashboard.py deploy/grafana/tollgate-dashboard.json).
# Panels are laid out left to right in 24-column rows; every query filters on $job/$instance/$tier/$api.
import json
DS = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
SEL = 'job="$job",instance=~"$instance"'
panels = []
pid = [0]
y = [0]
x = [0]
rowh = [0]

def nid():
    pid[0] += 1
    return pid[0]

def row(title):
    if x[0] != 0:
        y[0] += rowh[0]; x[0] = 0; rowh[0] = 0
    panels.append({"type": "row", "title": title, "id": nid(), "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": y[0]}, "panels": []})
    y[0] += 1

def place(w, h):
    if x[0] + w > 24:
        y[0] += rowh[0]; x[0] = 0; rowh[0] = 0
    g = {"h": h, "w": w, "x": x[0], "y": y[0]}
    x[0] += w; rowh[0] = max(rowh[0], h)
    return g

def tgt(expr, legend, ref):
    return {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref, "range": True}

def panel(kind, title, desc, targets, w=8, h=8, unit="short", stack=False, thresholds=None, extra=None, minv=None):
    refs = "ABCDEFGH"
    p = {
        "type": kind, "title": title, "description": desc, "id": nid(), "datasource": DS,
        "gridPos": place(w, h),
        "targets": [tgt(e, l, refs[i]) for i, (e, l) in enumerate(targets)],
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {},
    }
    d = p["fieldConfig"]["defaults"]
    if minv is not None:
        d["min"] = minv
    if kind == "timeseries":
        d["custom"] = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10 if not stack else 30,
                       "stacking": {"mode": "normal" if stack else "none", "group": "A"},
                       "showPoints": "never", "spanNulls": False}
        p["options"] = {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": True},
                        "tooltip": {"mode": "multi", "sort": "desc"}}
        if thresholds:
            d["custom"]["thresholdsStyle"] = {"mode": "line"}
    if kind in ("stat", "gauge", "bargauge"):
        p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}
        if kind == "bargauge":
            p["options"].update({"displayMode": "gradient", "orientation": "horizontal", "showUnfilled": True})
        if kind == "stat":
            p["options"].update({"colorMode": "background", "graphMode": "none", "textMode": "auto"})
    d["thresholds"] = {"mode": "absolute", "steps": thresholds or [{"color": "green", "value": None}]}
    if extra:
        for k, v in extra.items():
            d[k] = v
    panels.append(p)
    return p

def steps(*pairs):
    out = [{"color": pairs[0], "value": None}]
    for i in range(1, len(pairs), 2):
        out.append({"color": pairs[i + 1], "value": pairs[i]})
    return out

RI = "$__rate_interval"

# ---------------- Decisions
row("Decisions")
panel("timeseries", "Acquires by outcome", "Acquire decisions per second by outcome (allowed, denied by a rate window, denied by quota, failure policy).",
      [(f'sum by (outcome) (rate(tollgate_decisions_total{{{SEL},kind="acquire",tier=~"$tier",api=~"$api"}}[{RI}]))', "{{outcome}}")],
      w=8, unit="reqps", stack=True)
panel("timeseries", "Deny ratio (acquires)", "Share of acquires denied (rate window or quota). The TollgateDenyRateSpike alert fires above 25% and 3x the day's share.",
      [(f'sum(rate(tollgate_decisions_total{{{SEL},kind="acquire",outcome=~"denied_rate|denied_quota",tier=~"$tier",api=~"$api"}}[{RI}])) / sum(rate(tollgate_decisions_total{{{SEL},kind="acquire",tier=~"$tier",api=~"$api"}}[{RI}]))', "deny ratio"),
       (f'sum(rate(tollgate_decisions_total{{{SEL},kind="acquire",outcome=~"failure_open|failure_closed",tier=~"$tier",api=~"$api"}}[{RI}])) / sum(rate(tollgate_decisions_total{{{SEL},kind="acquire",tier=~"$tier",api=~"$api"}}[{RI}]))', "failure policy ratio")],
      w=8, unit="percentunit", thresholds=steps("green", 0.25, "red"), minv=0)
panel("timeseries", "Checks by outcome", "POST /api/rate-limits/check decisions per second (consume nothing).",
      [(f'sum by (outcome) (rate(tollgate_decisions_total{{{SEL},kind="check",tier=~"$tier",api=~"$api"}}[{RI}]))', "{{outcome}}")],
      w=8, unit="reqps", stack=True)
panel("timeseries", "Acquires by tier and outcome", "Per tier: allowed vs denied acquires per second.",
      [(f'sum by (tier, outcome) (rate(tollgate_decisions_total{{{SEL},kind="acquire",tier=~"$tier",api=~"$api"}}[{RI}]))', "{{tier}} {{outcome}}")],
      w=12, unit="reqps")
panel("timeseries", "Denied acquires by API (top 10)", "The ten APIs with the most denials (API label values are capped; the rest show as other).",
      [(f'topk(10, sum by (api) (rate(tollgate_decisions_total{{{SEL},kind="acquire",outcome=~"denied_rate|denied_quota",tier=~"$tier",api=~"$api"}}[{RI}])))', "{{api}}")],
      w=12, unit="reqps")
panel("timeseries", "HTTP requests by route and status", "All HTTP traffic of the sidecar.",
      [(f'sum by (route, status) (rate(tollgate_http_requests_total{{{SEL}}}[{RI}]))', "{{route}} {{status}}")],
      w=12, unit="reqps")
panel("timeseries", "HTTP request and response size (mean)", "Mean bytes per request and response, by route.",
      [(f'sum by (route) (rate(tollgate_http_request_size_bytes_sum{{{SEL}}}[{RI}])) / sum by (route) (rate(tollgate_http_request_size_bytes_count{{{SEL}}}[{RI}]))', "request {{route}}"),
       (f'sum by (route) (rate(tollgate_http_response_size_bytes_sum{{{SEL}}}[{RI}])) / sum by (route) (rate(tollgate_http_response_size_bytes_count{{{SEL}}}[{RI}]))', "response {{route}}")],
      w=12, unit="bytes")

# ---------------- Latency
row("Latency")
def q(phi, kind):
    return f'histogram_quantile({phi}, sum by (le) (rate(tollgate_decision_duration_seconds_bucket{{{SEL},kind="{kind}"}}[{RI}])))'
panel("timeseries", "Acquire decision latency", "p50 / p99 / p99.9 of acquire decisions from the histogram. SLO: 99% within 5 ms (red line). Quantiles are interpolated within buckets.",
      [(q(0.5, "acquire"), "p50"), (q(0.99, "acquire"), "p99"), (q(0.999, "acquire"), "p99.9")],
      w=8, unit="s", thresholds=steps("green", 0.005, "red"))
panel("timeseries", "Check decision latency", "p50 / p99 / p99.9 of check decisions.",
      [(q(0.5, "check"), "p50"), (q(0.99, "check"), "p99"), (q(0.999, "check"), "p99.9")],
      w=8, unit="s")
panel("timeseries", "HTTP latency p99 by route", "p99 of the whole HTTP exchange, by route.",
      [(f'histogram_quantile(0.99, sum by (route, le) (rate(tollgate_http_request_duration_seconds_bucket{{{SEL}}}[{RI}])))', "{{route}}")],
      w=8, unit="s")
panel("timeseries", "Latency SLO burn rate", "Error-budget burn rate of the latency SLO (slow-acquire ratio / 1%). 1 = budget spent exactly in 30 days. Pages at 14.4 (1h and 5m) and 6 (6h and 30m). From recording rules.",
      [('job:tollgate_acquire_latency_errors:ratio_rate5m{job="$job"} / 0.01', "5m"),
       ('job:tollgate_acquire_latency_errors:ratio_rate1h{job="$job"} / 0.01', "1h"),
       ('job:tollgate_acquire_latency_errors:ratio_rate6h{job="$job"} / 0.01', "6h"),
       ('job:tollgate_acquire_latency_errors:ratio_rate3d{job="$job"} / 0.01', "3d")],
      w=8, unit="short", thresholds=steps("green", 6, "orange", 14.4, "red"), minv=0)
panel("timeseries", "Availability SLO burn rate", "Error-budget burn rate of the availability SLO (failed-acquire ratio / 0.1%). Failed = 5xx or answered by the failure policy.",
      [('job:tollgate_acquire_availability_errors:ratio_rate5m{job="$job"} / 0.001', "5m"),
       ('job:tollgate_acquire_availability_errors:ratio_rate1h{job="$job"} / 0.001', "1h"),
       ('job:tollgate_acquire_availability_errors:ratio_rate6h{job="$job"} / 0.001', "6h"),
       ('job:tollgate_acquire_availability_errors:ratio_rate3d{job="$job"} / 0.001', "3d")],
      w=8, unit="short", thresholds=steps("green", 6, "orange", 14.4, "red"), minv=0)
panel("stat", "SLIs over 3 days", "Share of good acquires over the last 3 days (the longest recorded window). Objectives: latency 99%, availability 99.9%.",
      [('1 - job:tollgate_acquire_latency_errors:ratio_rate3d{job="$job"}', "latency (<= 5 ms)"),
       ('1 - job:tollgate_acquire_availability_errors:ratio_rate3d{job="$job"}', "availability")],
      w=8, unit="percentunit", extra={"decimals": 3}, thresholds=steps("red", 0.99, "orange", 0.999, "green"))

# ---------------- Quotas
row("Quotas")
panel("bargauge", "Quota used vs limit by tier and meter", "Monthly usage summed over the users of each tier, as a share of their summed limits. Cluster-wide gauges, reported by every member: max over members.",
      [('max by (tier, meter) (tollgate_quota_used{job="$job",tier=~"$tier"}) / max by (tier, meter) (tollgate_quota_limit{job="$job",tier=~"$tier"})', "{{tier}} {{meter}}")],
      w=8, h=10, unit="percentunit", thresholds=steps("green", 0.8, "orange", 1.0, "red"), minv=0, extra={"max": 1})
panel("timeseries", "Quota used and limit", "Absolute usage and limit per tier and meter (requests, bandwidth bytes, compute ms).",
      [('max by (tier, meter) (tollgate_quota_used{job="$job",tier=~"$tier"})', "used {{tier}} {{meter}}"),
       ('max by (tier, meter) (tollgate_quota_limit{job="$job",tier=~"$tier"})', "limit {{tier}} {{meter}}")],
      w=8, h=10, unit="short")
panel("timeseries", "Users over quota threshold", "Users of each tier past 80% and 100% of a meter. TollgateQuotaNearExhaustion fires when the 80% count stays above 0 for 15 minutes.",
      [('max by (tier, meter, threshold) (tollgate_quota_users_over_threshold{job="$job",tier=~"$tier"})', "{{tier}} {{meter}} >= {{threshold}}")],
      w=8, h=10, unit="short", minv=0)
panel("timeseries", "Active users", "Distinct users seen today and in the current billing period (HyperLogLog estimate, cluster-wide).",
      [('max by (period) (tollgate_active_users{job="$job"})', "{{period}}")],
      w=24, h=6, unit="short", minv=0)

# ---------------- Ledger
row("Ledger")
panel("timeseries", "Ledger backlog", "Usage recorded in the cluster but not yet flushed to PostgreSQL, per member.",
      [(f'tollgate_ledger_backlog_requests{{{SEL}}}', "requests {{instance}}"),
       (f'tollgate_ledger_backlog_users{{{SEL}}}', "users {{instance}}")],
      w=8, unit="short")
panel("timeseries", "Ledger flush lag", "Age of the oldest unflushed usage. Ticket above 30 s while the backlog grows; page above 5 minutes.",
      [(f'tollgate_ledger_flush_lag_seconds{{{SEL}}}', "{{instance}}")],
      w=8, unit="s", thresholds=steps("green", 30, "orange", 300, "red"))
panel("timeseries", "Ledger flushes", "Flushes per second by result; any error is worth a look.",
      [(f'sum by (result) (rate(tollgate_ledger_flushes_total{{{SEL}}}[{RI}]))', "{{result}}")],
      w=8, unit="ops")
panel("stat", "Database up", "1 when the member's last database probe succeeded.",
      [(f'tollgate_db_up{{{SEL}}}', "{{instance}}")],
      w=6, unit="short", thresholds=steps("red", 1, "green"),
      extra={"mappings": [{"type": "value", "options": {"0": {"text": "DOWN"}, "1": {"text": "UP"}}}]})
panel("timeseries", "Connection pool", "HikariCP connections by state, per member. Pending > 0 for long means the pool is too small or queries are slow.",
      [(f'sum by (instance, state) (tollgate_db_pool_connections{{{SEL}}})', "{{instance}} {{state}}")],
      w=9, unit="short")
panel("timeseries", "Database query latency p99", "p99 per query name.",
      [(f'histogram_quantile(0.99, sum by (query, le) (rate(tollgate_db_query_duration_seconds_bucket{{{SEL}}}[{RI}])))', "{{query}}")],
      w=9, unit="s")

# ---------------- Cluster
row("Cluster")
panel("stat", "Members", "Hazelcast cluster size as each member sees it; differing values mean a split.",
      [(f'tollgate_cluster_members{{{SEL}}}', "{{instance}}")],
      w=6, unit="short")
panel("stat", "Ready", "1 when /health/ready answers 200.",
      [(f'tollgate_ready{{{SEL}}}', "{{instance}}")],
      w=6, unit="short", thresholds=steps("red", 1, "green"),
      extra={"mappings": [{"type": "value", "options": {"0": {"text": "NOT READY"}, "1": {"text": "READY"}}}]})
panel("timeseries", "Partitions owned", "Partitions owned per member (271 in total by default); uneven after a member change until migrations finish.",
      [(f'tollgate_cluster_partitions_owned{{{SEL}}}', "{{instance}}")],
      w=6, unit="short")
panel("timeseries", "Migrations and member events", "Partition migrations and member joins/losses over the interval.",
      [(f'sum(increase(tollgate_cluster_migrations_total{{{SEL}}}[{RI}]))', "migrations"),
       (f'max by (type) (increase(tollgate_cluster_member_events_total{{{SEL}}}[{RI}]))', "member {{type}}")],
      w=6, unit="short")
panel("timeseries", "Map entries", "Entries per map, summed over members (each member reports the entries it owns).",
      [(f'sum by (map) (tollgate_cluster_map_entries{{{SEL}}})', "{{map}}")],
      w=8, unit="short")
panel("timeseries", "Map memory", "Memory cost per map, summed over members.",
      [(f'sum by (map) (tollgate_cluster_map_memory_bytes{{{SEL}}})', "{{map}}")],
      w=8, unit="bytes")
panel("timeseries", "Entry processor latency", "p50 / p99 per entry processor (runs on the partition thread: must stay well under the 5 ms decision SLO).",
      [(f'histogram_quantile(0.5, sum by (processor, le) (rate(tollgate_entry_processor_duration_seconds_bucket{{{SEL}}}[{RI}])))', "p50 {{processor}}"),
       (f'histogram_quantile(0.99, sum by (processor, le) (rate(tollgate_entry_processor_duration_seconds_bucket{{{SEL}}}[{RI}])))', "p99 {{processor}}")],
      w=8, unit="s")
panel("timeseries", "Event stream", "Open WebSocket connections on /api/events and events sent per second by type.",
      [(f'sum(tollgate_events_connections{{{SEL}}})', "connections"),
       (f'sum by (type) (rate(tollgate_events_sent_total{{{SEL}}}[{RI}]))', "sent/s {{type}}")],
      w=24, h=6, unit="short")

# ---------------- Cost
row("Cost")
panel("stat", "Revenue in range", "Revenue over the dashboard's time range (currency units, from the configured price per call).",
      [('sum(max by (tier, api) (increase(tollgate_revenue_total{job="$job",tier=~"$tier",api=~"$api"}[$__range])))', "revenue")],
      w=6, unit="short", extra={"decimals": 2})
panel("timeseries", "Revenue per hour by tier", "Revenue rate per tier, in currency units per hour. Business counters are cluster-wide: max over members.",
      [(f'sum by (tier) (max by (tier, api) (rate(tollgate_revenue_total{{job="$job",tier=~"$tier",api=~"$api"}}[{RI}]))) * 3600', "{{tier}}")],
      w=9, unit="short", stack=True)
panel("timeseries", "Revenue per hour by API (top 10)", "The ten APIs bringing the most revenue.",
      [(f'topk(10, sum by (api) (max by (tier, api) (rate(tollgate_revenue_total{{job="$job",tier=~"$tier",api=~"$api"}}[{RI}])))) * 3600', "{{api}}")],
      w=9, unit="short")
panel("timeseries", "API calls per tier", "Billable API calls per second by tier.",
      [(f'sum by (tier) (max by (tier, api) (rate(tollgate_api_calls_total{{job="$job",tier=~"$tier",api=~"$api"}}[{RI}])))', "{{tier}}")],
      w=12, unit="reqps", stack=True)
panel("table", "Revenue and calls by tier and API in range", "Totals over the dashboard's time range.",
      [('sum by (tier, api) (max by (tier, api) (increase(tollgate_revenue_total{job="$job",tier=~"$tier",api=~"$api"}[$__range])))', "revenue"),
       ('sum by (tier, api) (max by (tier, api) (increase(tollgate_api_calls_total{job="$job",tier=~"$tier",api=~"$api"}[$__range])))', "calls")],
      w=12, unit="short")
for t in panels[-1]["targets"]:
    t["instant"] = True; t["range"] = False; t["format"] = "table"
panels[-1]["transformations"] = [{"id": "merge", "options": {}},
                                 {"id": "organize", "options": {"excludeByName": {"Time": True},
                                                                "renameByName": {"Value #A": "revenue", "Value #B": "calls"}}}]

def var(name, label, query, multi=True, all_=True, regex=""):
    return {"type": "query", "name": name, "label": label, "datasource": DS,
            "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
            "definition": query, "refresh": 2, "sort": 1, "regex": regex,
            "multi": multi, "includeAll": all_, "allValue": ".*" if all_ else None,
            "current": {"selected": True, "text": ["All"] if all_ else "tollgate", "value": ["$__all"] if all_ else "tollgate"},
            "options": [], "hide": 0}

dashboard = {
    "title": "Tollgate",
    "uid": "tollgate-overview",
    "description": "Tollgate rate-limiting sidecars: decisions, latency and SLOs, quotas, ledger, cluster, cost. Metrics: deploy/METRICS.md; SLOs: deploy/SLO.md.",
    "tags": ["tollgate", "rate-limiting"],
    "timezone": "browser",
    "editable": True,
    "graphTooltip": 1,
    "schemaVersion": 39,
    "version": 1,
    "refresh": "30s",
    "time": {"from": "now-6h", "to": "now"},
    "timepicker": {},
    "fiscalYearStartMonth": 0,
    "liveNow": False,
    "links": [],
    "annotations": {"list": [{"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                              "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                              "name": "Annotations & Alerts", "type": "dashboard"}]},
    "templating": {"list": [
        {"type": "datasource", "name": "DS_PROMETHEUS", "label": "Prometheus", "query": "prometheus",
         "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": [], "multi": False, "includeAll": False},
        var("job", "Job", "label_values(tollgate_ready, job)", multi=False, all_=False),
        var("instance", "Instance", 'label_values(tollgate_ready{job="$job"}, instance)'),
        var("tier", "Tier", 'label_values(tollgate_decisions_total{job="$job"}, tier)'),
        var("api", "API", 'label_values(tollgate_decisions_total{job="$job"}, api)'),
    ]},
    "panels": panels,
}
# a single-value variable has no "All" option
for v in dashboard["templating"]["list"]:
    if v.get("allValue", "x") is None:
        del v["allValue"]
import sys
json.dump(dashboard, open(sys.argv[1], "w"), indent=2)
open(sys.argv[1], "a").write("\n")
print(len([p for p in panels if p["type"] != "row"]), "panels")
