#!/usr/bin/env bash
# Installs the tools the deploy/ tests need: promtool (rule checks and rule unit tests)
# and the prometheus server binary (the scrape test in CI runs a real server).
# Both come from the Debian package "prometheus". Idempotent: when both binaries are
# already on PATH it does nothing and prints nothing, so CI can call it on every run.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

if have promtool && have prometheus; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if have sudo; then
        SUDO=sudo
    else
        echo "install-test-tools: promtool/prometheus missing and not running as root (no sudo)" >&2
        exit 1
    fi
else
    SUDO=
fi

# apt and debconf chatter (e.g. "delaying package configuration") goes to a log that is
# shown only when something fails, so a successful run stays silent.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {
    if ! "$@" >>"$log" 2>&1; then
        echo "install-test-tools: failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
}

export DEBIAN_FRONTEND=noninteractive
run $SUDO apt-get update -qq
# --no-install-recommends: the package recommends prometheus-node-exporter and friends, which CI does not need.
run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus

# The Debian package starts a system service on install where an init system runs;
# CI starts its own server on a free port, so a running packaged service would only hold :9090.
if have systemctl && systemctl is-active --quiet prometheus 2>/dev/null; then
    $SUDO systemctl stop prometheus >/dev/null 2>&1 || true
fi

for tool in promtool prometheus; do
    if ! have "$tool"; then
        echo "install-test-tools: $tool still missing after installing the prometheus package" >&2
        exit 1
    fi
done
