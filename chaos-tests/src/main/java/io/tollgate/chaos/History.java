package io.tollgate.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every answer a run received, plus named fault events on the same clock (System.nanoTime), for the checkers.
 * Thread-safe for recording; the read methods take a snapshot.
 */
public final class History {

    public record Event(long nanos, String description) {
    }

    private final ConcurrentLinkedQueue<AcquireAnswer> answers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Outage> outages = new ConcurrentLinkedQueue<>();

    /** A member was down (killed or paused) from {@code fromNanos} until {@code toNanos} (Long.MAX_VALUE: still). */
    public record Outage(String member, long fromNanos, long toNanos) {
    }

    public void record(AcquireAnswer answer) {
        answers.add(answer);
    }

    public void addAll(List<AcquireAnswer> list) {
        answers.addAll(list);
    }

    /** Marks a fault (or heal) in the timeline; returns its instant. */
    public long event(String description) {
        long now = System.nanoTime();
        events.add(new Event(now, description));
        return now;
    }

    /** Marks a member killed or paused now, with a fault event; returns the instant. */
    public long memberDown(MemberProcess member, String fault) {
        long now = event("fault: " + fault + " " + member.name());
        outages.add(new Outage(member.name(), now, Long.MAX_VALUE));
        return now;
    }

    /** Marks the member's latest outage as over (resumed or restarted), with a heal event; returns the instant. */
    public long memberUp(MemberProcess member, String heal) {
        long now = event("heal: " + heal + " " + member.name());
        outages.stream().filter(o -> o.member().equals(member.name()) && o.toNanos() == Long.MAX_VALUE).findFirst()
                .ifPresent(o -> {
                    outages.remove(o);
                    outages.add(new Outage(o.member(), o.fromNanos(), now));
                });
        return now;
    }

    /** Whether the answer came from a member that was down at some point while the request was outstanding. */
    public boolean hitDownMember(AcquireAnswer a) {
        return a.kind() != AnswerKind.ALLOWED && a.kind() != AnswerKind.DENIED && outages.stream().anyMatch(o ->
                o.member().equals(a.member()) && o.fromNanos() <= a.answeredNanos() && o.toNanos() >= a.sentNanos());
    }

    public List<AcquireAnswer> answers() {
        List<AcquireAnswer> list = new ArrayList<>(answers);
        list.sort(Comparator.comparingLong(AcquireAnswer::sentNanos));
        return list;
    }

    public List<AcquireAnswer> answers(Predicate<AcquireAnswer> filter) {
        return answers().stream().filter(filter).toList();
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public long count(AnswerKind kind) {
        return answers.stream().filter(a -> a.kind() == kind).count();
    }

    public int size() {
        return answers.size();
    }

    public Map<String, List<AcquireAnswer>> byUser() {
        return answers().stream().collect(Collectors.groupingBy(a -> a.request().userId()));
    }

    /**
     * Answers per second of send time (relative to the first send), by kind, with the p50 latency of that second, and
     * the fault events at their second: the shape of a run at a glance (e.g. "everything failed before the fault").
     */
    public String timeline() {
        List<AcquireAnswer> all = answers();
        if (all.isEmpty()) {
            return "(no answers)";
        }
        long t0 = all.get(0).sentNanos();
        Map<Long, List<AcquireAnswer>> bySecond = new java.util.TreeMap<>(all.stream()
                .collect(Collectors.groupingBy(a -> (a.sentNanos() - t0) / 1_000_000_000L)));
        StringBuilder out = new StringBuilder("second: allowed/denied/failure policy/error, p50 ms\n");
        for (Map.Entry<Long, List<AcquireAnswer>> e : bySecond.entrySet()) {
            List<AcquireAnswer> s = e.getValue();
            double[] lat = s.stream().mapToDouble(AcquireAnswer::latencyMillis).sorted().toArray();
            out.append(String.format("%4d: %d/%d/%d/%d, %.0f", e.getKey(),
                    s.stream().filter(AcquireAnswer::allowed).count(), s.stream().filter(AcquireAnswer::denied).count(),
                    s.stream().filter(a -> a.kind() == AnswerKind.FAILURE_CLOSED || a.kind() == AnswerKind.FAILURE_OPEN).count(),
                    s.stream().filter(a -> a.kind() == AnswerKind.ERROR).count(), lat[lat.length / 2]));
            for (Event ev : events) {
                if ((ev.nanos() - t0) / 1_000_000_000L == e.getKey()) {
                    out.append("  <- ").append(ev.description());
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Writes every answer as CSV (send/answer time relative to the first send, in ms) and the events, for evidence. */
    public void writeCsv(java.nio.file.Path file) {
        List<AcquireAnswer> all = answers();
        long t0 = all.isEmpty() ? 0 : all.get(0).sentNanos();
        StringBuilder out = new StringBuilder("sent_ms,answered_ms,member,user_id,request_id,cost,status,outcome,kind,error\n");
        for (AcquireAnswer a : all) {
            out.append(String.format("%.1f,%.1f,%s,%s,%s,%d,%d,%s,%s,%s%n", (a.sentNanos() - t0) / 1e6,
                    (a.answeredNanos() - t0) / 1e6, a.member(), a.request().userId(), a.request().requestId(),
                    a.request().cost(), a.status(), a.outcome(), a.kind(),
                    a.error() == null ? "" : "\"" + a.error().replace('"', '\'').replace('\n', ' ') + "\""));
        }
        for (Event ev : events) {
            out.append(String.format("# event %.1f ms: %s%n", (ev.nanos() - t0) / 1e6, ev.description()));
        }
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A one-line summary: counts per kind, and a sample of errors (to read, not to parse). */
    public String summary() {
        Map<AnswerKind, Long> counts = answers.stream().collect(Collectors.groupingBy(AcquireAnswer::kind, Collectors.counting()));
        String errors = answers.stream().filter(a -> a.kind() == AnswerKind.ERROR).limit(3)
                .map(AcquireAnswer::toString).collect(Collectors.joining("; "));
        return size() + " answers " + counts + (errors.isEmpty() ? "" : ", e.g. " + errors);
    }
}
