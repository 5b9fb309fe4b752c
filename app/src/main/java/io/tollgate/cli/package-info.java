/**
 * The operator's command line: {@code tollgate <command>} talks to a sidecar's admin and decision APIs over HTTP.
 * A front like the HTTP and gRPC ones, but outside the sidecar: it knows the API's paths and bodies, nothing of the
 * services behind them. docs/cli.md lists the commands.
 */
package io.tollgate.cli;
