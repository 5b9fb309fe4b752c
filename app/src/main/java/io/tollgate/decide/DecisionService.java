package io.tollgate.decide;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.tollgate.cluster.ApiDecision;
import io.tollgate.cluster.ApiProcessor;
import io.tollgate.cluster.ClusterMember;
import io.tollgate.cluster.ClusterUnavailable;
import io.tollgate.cluster.FirstAnswer;
import io.tollgate.cluster.IdempotencyKey;
import io.tollgate.cluster.OnCompletion;
import io.tollgate.cluster.UsageProcessor;
import io.tollgate.cluster.UserCheckProcessor;
import io.tollgate.cluster.UserProcessor;
import io.tollgate.config.Settings;
import io.tollgate.core.ApiPolicy;
import io.tollgate.core.Counters;
import io.tollgate.core.Decision;
import io.tollgate.core.LedgerBase;
import io.tollgate.core.Limit;
import io.tollgate.core.Outcome;
import io.tollgate.core.RateLimiter;
import io.tollgate.core.UserPolicy;
import io.tollgate.core.UserRules;
import io.tollgate.core.UserState;
import io.tollgate.ledger.LedgerBases;
import io.tollgate.observe.EntryProcessorTimer;
import io.tollgate.policy.PolicyStore;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers acquire, check and usage calls.
 *
 * <p>Design note. An acquire touches at most two keys: the API's global counters (only when the
 * API has global limits) and the user's entry (USER and USER_API counters, quota usage, recent
 * operation ids: co-located in one entry, so one entry processor decides them atomically). The
 * global step runs first; if the user's step then denies, the global units are released again
 * (compensation; until then other callers see a slightly fuller global window, never an emptier
 * one). The user's step runs last because it is the only one that feeds the ledger: a call is
 * counted for billing exactly when that step applies, under its operation id.
 *
 * <p>When the cluster cannot answer within {@code tollgate.decision.timeout}, the failure policy
 * answers and the ledger is kept equal to what callers were told: fail-closed cancels the operation
 * (undoing it if it did apply late, and leaving a tombstone so it never applies later); fail-open
 * re-submits the same operation with {@code force} in the background until the cluster takes it
 * (a replay if the original did apply).
 *
 * <p>A user new to the cluster (or whose entry expired) has no quota base there: its owner asks for
 * one, and this service reads it from the ledger and sends the same operation again
 * ({@link UserProcessor}). That costs a new user one more round trip and one indexed query, on this
 * thread rather than on the key's partition thread.
 */
public final class DecisionService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DecisionService.class.getName());

    private final PolicyStore policies;
    private final LedgerBases ledgerBases;
    private final IMap<String, UserState> users;
    private final IMap<String, Counters> apis;
    private final IMap<IdempotencyKey, FirstAnswer> idempotency;
    private final io.tollgate.cluster.MemoryValve valve;
    private final Settings settings;
    private final UserRules.Memory memory;
    private final DecisionListener listener;
    private final OwedOperations owed;
    private final RecentDenials denials = new RecentDenials(1000);
    private final CallerSequence sequence = new CallerSequence();
    private final long graceNanos;
    private volatile long lastFailureLog;

    public DecisionService(HazelcastInstance hz, PolicyStore policies, LedgerBases ledgerBases, Settings settings,
                           DecisionListener listener) {
        this.policies = policies;
        this.ledgerBases = ledgerBases;
        this.users = hz.getMap(ClusterMember.USERS);
        this.apis = hz.getMap(ClusterMember.APIS);
        this.idempotency = hz.getMap(ClusterMember.IDEMPOTENCY);
        this.valve = io.tollgate.cluster.MemoryValve.of(hz);
        this.settings = settings;
        this.memory = new UserRules.Memory(settings.opMemoryHorizon().toMillis(), settings.opMemoryCapacity());
        this.listener = listener;
        this.owed = new OwedOperations(users);
        this.graceNanos = settings.decisionTimeout().toNanos() / 4;
        policies.onLocalChange(user -> denials.forget(user.isEmpty() ? null : user));
        hz.<String>getTopic(ClusterMember.POLICY_CHANGES).addMessageListener(m -> denials.forget(m.getMessageObject().isEmpty() ? null : m.getMessageObject()));
    }

    public DecisionResult acquire(CallRequest call) {
        return acquire(call, null);
    }

    /**
     * Acquires several calls all or nothing, for a front whose one request carries several (Envoy's
     * descriptors). They are decided one after another in the given order; at the first one not allowed
     * (denied, failure-closed or shed) the units the earlier ones took are given back (their operations
     * cancelled at their owners, global units released) and the later ones are not decided: their
     * results are null. A call whose {@code userId} is null is the API's global limits alone.
     *
     * <p>An earlier call admitted by the fail-open policy is not taken back: its owed operation applies
     * once the cluster answers. An answer replayed for a request_id took nothing now and gives nothing
     * back. The answers of allowed calls are remembered for their request_ids only when the whole batch is
     * allowed: a call given back is decided anew when retried, while the denying call's answer is kept as for a
     * single call.
     */
    public List<DecisionResult> acquireAll(List<CallRequest> calls) {
        Taken taken = new Taken();
        DecisionResult[] results = new DecisionResult[calls.size()];
        for (int i = 0; i < results.length; i++) {
            CallRequest call = calls.get(i);
            results[i] = call.userId() == null ? acquireGlobal(call, taken) : acquire(call, taken);
            if (!results[i].decision().allowed()) {
                taken.giveBack();
                return java.util.Arrays.asList(results);
            }
        }
        taken.keep();
        return java.util.Arrays.asList(results);
    }

    /** One call against the API's global limits only (a descriptor without a user): nothing is billed. */
    private DecisionResult acquireGlobal(CallRequest call, Taken taken) {
        long started = System.nanoTime();
        long deadline = started + settings.decisionTimeout().toNanos();
        Outcome failure = settings.onFailure() == Settings.FailurePolicy.OPEN ? Outcome.FAILURE_OPEN
                : Outcome.FAILURE_CLOSED;
        try {
            List<Limit> limits = apiPolicy(call.apiId(), policyDeadline(started)).limits();
            if (limits.isEmpty()) {
                return new DecisionResult(Decision.unlimited(System.currentTimeMillis()), null, false,
                        new DecisionResult.Applied(List.of(), List.of(), null, null));
            }
            ApiDecision global = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.API_ACQUIRE,
                    () -> apis.submitToKey(call.apiId(), ApiProcessor.acquire(limits, call.cost()))), deadline);
            if (global.decision().outcome() == Outcome.FAILURE_CLOSED) {
                throw new ClusterUnavailable("the API's owner is fenced after a freeze", null);
            }
            if (global.decision().allowed()) {
                taken.add(() -> releaseGlobal(call, limits, global), null);
            }
            return new DecisionResult(global.decision(), null, false,
                    new DecisionResult.Applied(List.of(), limits, null, null));
        } catch (ClusterUnavailable e) {
            return new DecisionResult(Decision.failure(failure, System.currentTimeMillis()), null, false);
        }
    }

    /**
     * What the calls of one {@link #acquireAll} took so far: undo steps, and the request_ids' first
     * answers to remember once the whole batch is allowed.
     */
    private final class Taken {
        private final java.util.ArrayList<Runnable> undo = new java.util.ArrayList<>(2);
        private final java.util.ArrayList<Runnable> keep = new java.util.ArrayList<>(2);

        void add(Runnable undoStep, Runnable keepStep) {
            undo.add(undoStep);
            if (keepStep != null) {
                keep.add(keepStep);
            }
        }

        void giveBack() {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
        }

        void keep() {
            keep.forEach(Runnable::run);
        }
    }

    /**
     * Cancels an acquire that was allowed, at its owner at once (the caller waits for it), or, when the owner
     * cannot answer now, as an owed operation retried until it can. Then releases the hold on its ticket.
     */
    private void cancelTaken(CallRequest call, UserRules.Acquire request, CallerSequence.Ticket ticket) {
        UserProcessor cancel = new UserProcessor(request, UserProcessor.CANCEL, memory, answerKey(call));
        try {
            ClusterUnavailable.await(users.submitToKey(call.userId(), cancel),
                    System.nanoTime() + settings.decisionTimeout().toNanos());
        } catch (ClusterUnavailable e) {
            owed.add(call.userId(), cancel, ticket);
        } finally {
            if (ticket != null) {
                ticket.release();
            }
        }
    }

    private DecisionResult acquire(CallRequest call, Taken taken) {
        long started = System.nanoTime();
        long deadline = started + settings.decisionTimeout().toNanos();
        long policyDeadline = policyDeadline(started);
        UserPolicy known = policies.user(call.userId(), policyDeadline);
        // Without it, a failure-policy answer still needs a tier and limits to owe: the defaults'.
        UserPolicy policy = known != null ? known : UserPolicy.defaults(call.userId());
        DecisionResult result;
        IdempotencyKey idemKey = answerKey(call);
        String denialKey = RecentDenials.key(call.userId(), call.apiId());
        UserRules.Acquire request = null;
        CallerSequence.Ticket ticket = null;
        ApiDecision global = null;
        List<Limit> globalLimits = List.of();
        try {
            if (known == null) {
                throw new ClusterUnavailable("the user's policy could not be read within the decision timeout", null);
            }
            FirstAnswer kept = idemKey == null ? null : ClusterUnavailable.await(idempotency.getAsync(idemKey), deadline);
            if (kept != null) {
                String differs = kept.differingAcquireField(call.apiId(), call.cost());
                if (differs != null) {
                    throw new RequestIdReused(differs);
                }
            }
            Decision first = kept == null ? null : kept.decision();
            Decision recentDenial = idemKey == null ? denials.find(denialKey, call.cost(), System.currentTimeMillis()) : null;
            if (first != null) {
                result = new DecisionResult(first, policy.tier(), true,
                        DecisionResult.Applied.of(policy, call.apiId(), List.of()));
            } else if (recentDenial != null) {
                result = new DecisionResult(recentDenial, policy.tier(), false,
                        DecisionResult.Applied.of(policy, call.apiId(), List.of()));
            } else {
                ApiPolicy api = apiPolicy(call.apiId(), policyDeadline);
                globalLimits = api.limits();
                if (!globalLimits.isEmpty()) {
                    List<Limit> limits = globalLimits;
                    ApiDecision api0 = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.API_ACQUIRE,
                            () -> apis.submitToKey(call.apiId(), ApiProcessor.acquire(limits, call.cost()))), deadline);
                    if (api0.decision().outcome() == Outcome.FAILURE_CLOSED) {
                        // The API's owner refused to decide (it was frozen a moment ago); nothing was taken.
                        throw new ClusterUnavailable("the API's owner is fenced after a freeze", null);
                    }
                    global = api0;
                    if (!global.decision().allowed()) {
                        denials.record(denialKey, call.cost(), global.decision(), System.currentTimeMillis());
                        result = new DecisionResult(global.decision(), policy.tier(), false,
                                DecisionResult.Applied.of(policy, call.apiId(), globalLimits));
                        if (taken == null) {
                            remember(idemKey, call, result.decision());
                        }
                        listener.decided(DecisionListener.Kind.ACQUIRE, call, result, System.nanoTime() - started);
                        return result;
                    }
                }
                // The owner refuses to apply this acquire after the moment this caller stops waiting.
                long notAfter = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                ticket = call.requestId() == null ? sequence.open() : null;
                request = newAcquire(call, policy, ticket, notAfter);
                UserProcessor processor = new UserProcessor(request, UserProcessor.ACQUIRE, memory, idemKey);
                // Wait a little past notAfter: a reply already on its way is still the answer.
                CallerSequence.Ticket held = ticket;
                Decision decision = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.USER_ACQUIRE,
                        () -> submitHeld(() -> users.submitToKey(call.userId(), processor), held)), deadline + graceNanos);
                if (UserProcessor.asksForLedgerBase(decision)) {
                    UserProcessor based = processor.withLedgerBase(ledgerBase(call.userId(), policy));
                    decision = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.USER_ACQUIRE,
                            () -> submitHeld(() -> users.submitToKey(call.userId(), based), held)), deadline + graceNanos);
                }
                if (decision.outcome() == Outcome.FAILURE_CLOSED) {
                    // The owner got it after this caller's deadline and did not apply it.
                    throw new ClusterUnavailable("the owner received the acquire after the decision timeout", null);
                }
                if (!decision.allowed()) {
                    denials.record(denialKey, call.cost(), decision, System.currentTimeMillis());
                    if (global != null) {
                        releaseGlobal(call, globalLimits, global);
                    }
                }
                // From here the call is decided: nothing below may turn it into a failure-policy answer.
                result = new DecisionResult(tighter(decision, global), policy.tier(), false,
                        new DecisionResult.Applied(request.limits(), globalLimits, request.quota(), request.cycle()));
                // The owner kept the user's decision as the first answer already; this caller writes the exact
                // answer too (the API's window may be tighter), and covers an owner that died before its write ran.
                if (taken == null) {
                    remember(idemKey, call, result.decision());
                } else if (decision.allowed()) {
                    batched(taken, call, request, ticket, global, globalLimits, idemKey, result.decision());
                }
            }
        } catch (ClusterUnavailable e) {
            result = failurePolicy(call, policy, request, ticket, global, globalLimits, e);
        } finally {
            if (ticket != null) {
                ticket.release(); // this method's hold; the invocation and any owed operation hold their own
            }
        }
        listener.decided(DecisionListener.Kind.ACQUIRE, call, result, System.nanoTime() - started);
        return result;
    }

    public DecisionResult check(CallRequest call) {
        long started = System.nanoTime();
        long deadline = started + settings.decisionTimeout().toNanos();
        long policyDeadline = policyDeadline(started);
        UserPolicy known = policies.user(call.userId(), policyDeadline);
        UserPolicy policy = known != null ? known : UserPolicy.defaults(call.userId());
        DecisionResult result;
        try {
            if (known == null) {
                throw new ClusterUnavailable("the user's policy could not be read within the decision timeout", null);
            }
            ApiPolicy api = apiPolicy(call.apiId(), policyDeadline);
            Decision global = null;
            if (!api.limits().isEmpty()) {
                Counters counters = ClusterUnavailable.await(apis.getAsync(call.apiId()), deadline);
                global = RateLimiter.check(counters == null ? Counters.empty() : counters, api.limits(), "",
                        call.cost(), System.currentTimeMillis());
            }
            UserRules.Acquire request = new UserRules.Acquire(0, 0, call.apiId(), call.cost(),
                    policy.limitsFor(call.apiId()), policy.quota(), policy.billingCycle(), false, Long.MAX_VALUE);
            UserCheckProcessor processor = new UserCheckProcessor(request);
            Decision user = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.USER_CHECK,
                    () -> users.submitToKey(call.userId(), processor)), deadline);
            if (UserProcessor.asksForLedgerBase(user)) {
                UserCheckProcessor based = processor.withLedgerBase(ledgerBase(call.userId(), policy));
                user = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.USER_CHECK,
                        () -> users.submitToKey(call.userId(), based)), deadline);
            }
            Decision decision = global != null && !global.allowed() ? global
                    : (global != null && user.allowed() && global.remaining() < user.remaining() ? global : user);
            result = new DecisionResult(decision, policy.tier(), false, new DecisionResult.Applied(request.limits(),
                    api.limits(), request.quota(), request.cycle()));
        } catch (ClusterUnavailable e) {
            Outcome outcome = settings.onFailure() == Settings.FailurePolicy.OPEN ? Outcome.FAILURE_OPEN
                    : Outcome.FAILURE_CLOSED;
            result = new DecisionResult(Decision.failure(outcome, System.currentTimeMillis()), policy.tier(), false);
        }
        listener.decided(DecisionListener.Kind.CHECK, call, result, System.nanoTime() - started);
        return result;
    }

    /** Records the bytes and compute time a served call used. Returns false for a repeated request_id. */
    public boolean recordUsage(String userId, String apiId, String requestId, long bytes, long computeMs) {
        long deadline = System.nanoTime() + settings.decisionTimeout().toNanos() * 5;
        UserPolicy policy = policies.user(userId, deadline);
        if (policy == null) {
            throw new ClusterUnavailable("the user's policy could not be read in time", null);
        }
        IdempotencyKey key = new IdempotencyKey("usage", userId, requestId);
        FirstAnswer seen = ClusterUnavailable.await(idempotency.getAsync(key), deadline);
        if (seen != null) {
            String differs = seen.differingUsageField(apiId, bytes, computeMs);
            if (differs != null) {
                throw new RequestIdReused(differs);
            }
            return false;
        }
        Boolean counted = ClusterUnavailable.await(EntryProcessorTimer.timed(EntryProcessorTimer.USAGE, () -> users.submitToKey(userId, new UsageProcessor(
                OperationIds.of("usage", userId, requestId), apiId, bytes, computeMs, policy.billingCycle(), memory, key))),
                deadline);
        if (counted == null) {
            throw new UsageShed();
        }
        if (valve.admitsNewEntries()) {
            ClusterUnavailable.await(idempotency.setAsync(key,
                    FirstAnswer.ofUsage(Decision.unlimited(System.currentTimeMillis()), apiId, bytes, computeMs)), deadline);
        }
        return counted;
    }

    /**
     * A policy this member never read gets half the decision timeout (one read before is answered at once, see
     * PolicyStore), so the rest is left for the entry processors on the users' own owners.
     */
    private long policyDeadline(long started) {
        return started + settings.decisionTimeout().toNanos() / 2;
    }

    private ApiPolicy apiPolicy(String apiId, long deadlineNanos) {
        ApiPolicy api = policies.api(apiId, deadlineNanos);
        if (api == null) {
            throw new ClusterUnavailable("the API's policy could not be read within the decision timeout", null);
        }
        return api;
    }

    private LedgerBase ledgerBase(String userId, UserPolicy policy) {
        return ledgerBases.read(userId, policy.billingCycle().periodAt(java.time.Instant.now()));
    }

    /** The user's entry as the cluster holds it now (null when the user has none). */
    public UserState userState(String userId) {
        return ClusterUnavailable.await(users.getAsync(userId), System.nanoTime() + settings.decisionTimeout().toNanos() * 5);
    }

    public Counters apiCounters(String apiId) {
        return ClusterUnavailable.await(apis.getAsync(apiId), System.nanoTime() + settings.decisionTimeout().toNanos() * 5);
    }

    /**
     * Runs a few checks so the partition table, class loading and JIT of the decision path are done
     * before the first caller is timed against the decision timeout.
     */
    public void warmUp() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        UserPolicy probe = UserPolicy.defaults("warm-up");
        UserRules.Acquire request = new UserRules.Acquire(0, 0, "warm-up", 1, probe.limitsFor("warm-up"), probe.quota(),
                probe.billingCycle(), false, Long.MAX_VALUE);
        try {
            for (int i = 0; i < 32; i++) {
                String user = "\u0001warm-up-" + i;
                policies.user(user);
                ClusterUnavailable.await(users.submitToKey(user, new UserCheckProcessor(request).withLedgerBase(LedgerBase.UNKNOWN)), deadline);
                // A cancel of an operation that never ran: exercises the write path, counts nothing.
                ClusterUnavailable.await(users.submitToKey(user, new UserProcessor(request, UserProcessor.CANCEL, memory)), deadline);
            }
        } catch (ClusterUnavailable e) {
            LOG.info("warm-up stopped early: " + e.getMessage());
        }
    }

    /** Failure-policy answers still waiting for the cluster to take them (fail-open). */
    public int owedOperations() {
        return owed.size();
    }

    private DecisionResult failurePolicy(CallRequest call, UserPolicy policy, UserRules.Acquire request,
                                         CallerSequence.Ticket ticket, ApiDecision global, List<Limit> globalLimits,
                                         ClusterUnavailable cause) {
        long now = System.currentTimeMillis();
        if (now - lastFailureLog > 10_000) {
            // Once per 10 s: under an outage every call comes here, and logging each would feed the overload.
            lastFailureLog = now;
            LOG.log(Level.WARNING, "the cluster could not decide (answering by the failure policy '"
                    + settings.onFailure().name().toLowerCase(java.util.Locale.ROOT) + "'): " + cause.getMessage());
        }
        boolean open = settings.onFailure() == Settings.FailurePolicy.OPEN;
        boolean fresh = request == null;
        if (fresh) {
            // Never sent: the id only has to make the owed operation below idempotent.
            ticket = call.requestId() == null ? sequence.open() : null;
            request = newAcquire(call, policy, ticket, now);
        }
        if (open) {
            owed.add(call.userId(), new UserProcessor(request.forced(), UserProcessor.ACQUIRE, memory, answerKey(call)),
                    ticket);
        } else {
            owed.add(call.userId(), new UserProcessor(request, UserProcessor.CANCEL, memory, answerKey(call)), ticket);
            if (global != null) {
                releaseGlobal(call, globalLimits, global);
            }
        }
        if (fresh && ticket != null) {
            ticket.release(); // the owed operation holds it from here
        }
        return new DecisionResult(Decision.failure(open ? Outcome.FAILURE_OPEN : Outcome.FAILURE_CLOSED, now),
                policy.tier(), false);
    }

    /** Keeps what an allowed acquire of a batch took, so that the batch can give it back or remember it. */
    private void batched(Taken taken, CallRequest call, UserRules.Acquire request, CallerSequence.Ticket ticket,
                         ApiDecision global, List<Limit> globalLimits, IdempotencyKey idemKey, Decision answer) {
        if (ticket != null) {
            ticket.hold(); // the owner must remember the operation id until the batch is kept or cancelled
        }
        taken.add(() -> {
            cancelTaken(call, request, ticket);
            if (global != null) {
                releaseGlobal(call, globalLimits, global);
            }
        }, () -> {
            remember(idemKey, call, answer);
            if (ticket != null) {
                ticket.release();
            }
        });
    }

    /** Where the first answer to an acquire is kept, or null when the call has no request_id. */
    private static IdempotencyKey answerKey(CallRequest call) {
        return call.requestId() == null ? null : new IdempotencyKey("acquire", call.userId(), call.requestId());
    }

    private static UserRules.Acquire newAcquire(CallRequest call, UserPolicy policy, CallerSequence.Ticket ticket,
                                                long notAfter) {
        long opId = ticket != null ? ticket.id() : OperationIds.of("acquire", call.userId(), call.requestId());
        long doneBelow = ticket != null ? ticket.doneBelow() : 0;
        return new UserRules.Acquire(opId, doneBelow, call.apiId(), call.cost(), policy.limitsFor(call.apiId()),
                policy.quota(), policy.billingCycle(), false, notAfter);
    }

    /** Holds the ticket until the invocation completes, however long Hazelcast's retries take. */
    private static <T> java.util.concurrent.CompletionStage<T> submitHeld(
            java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> submit, CallerSequence.Ticket ticket) {
        if (ticket == null) {
            return submit.get();
        }
        ticket.hold();
        try {
            java.util.concurrent.CompletionStage<T> stage = submit.get();
            OnCompletion.whenDone(stage, e -> ticket.release());
            return stage;
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
    }

    /** Sequenced operations still in flight from this member (each one's id is still remembered by its owner). */
    public int operationsInFlight() {
        return sequence.inFlight();
    }

    private void releaseGlobal(CallRequest call, List<Limit> limits, ApiDecision global) {
        EntryProcessorTimer.timed(EntryProcessorTimer.API_RELEASE,
                () -> apis.submitToKey(call.apiId(), ApiProcessor.release(limits, call.cost(), global.appliedAt())));
    }

    /**
     * Keeps the first answer of a request_id for the retention. Not awaited: the answer is given
     * already, and until the write lands a retry is still recognised by the user's entry (its
     * operation ids), which replays it.
     */
    private void remember(IdempotencyKey idemKey, CallRequest call, Decision decision) {
        // A shed call counted nothing and may succeed a second later: its request_id stays unanswered. A member short
        // of heap writes no new records (the owner neither, see UserEntryProcessor.keepAnswer).
        if (idemKey != null && decision.outcome() != Outcome.SHED && valve.admitsNewEntries()) {
            OnCompletion.whenDone(idempotency.setAsync(idemKey, FirstAnswer.ofAcquire(decision, call.apiId(), call.cost())), e -> {
                if (e != null) {
                    LOG.log(Level.FINE, "idempotency record not written", e);
                }
            });
        }
    }

    /** The window closest to denying among the user's decision and the API's global one. */
    private static Decision tighter(Decision user, ApiDecision global) {
        if (global == null || !user.allowed()) {
            return user;
        }
        return global.decision().remaining() < user.remaining() ? global.decision() : user;
    }

    @Override
    public void close() {
        owed.close();
    }
}
