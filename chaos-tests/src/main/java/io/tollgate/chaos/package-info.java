/**
 * The chaos harness: a library that starts Tollgate sidecars from the packaged {@code app/target/tollgate.jar},
 * each in its own JVM, against a real PostgreSQL; kills ({@code kill -9}), pauses ({@code SIGSTOP}) and restarts
 * them; cuts the network between members living in their own network namespaces; drives acquires at a fixed rate
 * and records every answer; and checks the history afterwards in the spirit of Jepsen's checkers (ledger, limits,
 * availability, recovery). Scenario results are appended as Markdown rows to {@code target/chaos-report.md}.
 *
 * <p>Nothing here links against the sidecar's classes: the harness speaks only the HTTP contract, as a real client
 * would, so it tests the jar that ships.
 */
package io.tollgate.chaos;
