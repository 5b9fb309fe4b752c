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

    /** A one-line summary: counts per kind, and a sample of errors (to read, not to parse). */
    public String summary() {
        Map<AnswerKind, Long> counts = answers.stream().collect(Collectors.groupingBy(AcquireAnswer::kind, Collectors.counting()));
        String errors = answers.stream().filter(a -> a.kind() == AnswerKind.ERROR).limit(3)
                .map(AcquireAnswer::toString).collect(Collectors.joining("; "));
        return size() + " answers " + counts + (errors.isEmpty() ? "" : ", e.g. " + errors);
    }
}
