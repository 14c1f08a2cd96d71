#!/usr/bin/env bash
set -eu
source ../setup_zadig/simulator.sh
run_everywhere zadig_registries.yml "$@"

start_simulator v4.1
ZADIG_URL="${SIM_URL}" ZADIG_TOKEN="${ZADIG_SIM_ADMIN_TOKEN}" ansible-playbook from_env.yml "$@"
if env -u ZADIG_URL ZADIG_TOKEN="${ZADIG_SIM_ADMIN_TOKEN}" ansible-playbook from_env.yml "$@" > no_url.log 2>&1; then
    echo "expected a failure without ZADIG_URL" >&2
    exit 1
fi
grep -q "missing required arguments: zadig_url" no_url.log
stop_simulator
