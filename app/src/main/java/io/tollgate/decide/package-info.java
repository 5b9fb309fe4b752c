/**
 * The decision path: resolves policies, runs the entry processors on the owners of the API's and the
 * user's keys, compensates a partial acquire, and answers by the failure policy when the cluster
 * cannot decide in time. See {@link io.tollgate.decide.DecisionService} for the design note.
 */
package io.tollgate.decide;
