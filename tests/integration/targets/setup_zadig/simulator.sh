# shellcheck shell=bash
# Start and stop the bundled Zadig simulator for a runme.sh target (start_simulator VERSION), and run a playbook
# against it in each default-registry mode, then against a live Zadig when one is configured.

ZADIG_COLLECTION_ROOT="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/zadig/core"
ZADIG_SIMULATOR="${ZADIG_COLLECTION_ROOT}/tests/simulator/zadig_simulator.py"
ZADIG_SIM_ADMIN_TOKEN='sim-admin-token-5f1c2e'
ZADIG_SIM_USER_TOKEN='sim-user-token-8a7b3d'
# ansible-test hands a target none of the caller's environment, so scripts/test writes what the run needs here:
# ZADIG_EXECUTION (auto, or module to run every zadig.core task as a module) and the live Zadig, when one is set.
ZADIG_SETTINGS="${ZADIG_COLLECTION_ROOT}/tests/output/zadig-integration.env"
if [ -f "${ZADIG_SETTINGS}" ]; then
    # shellcheck source=/dev/null
    source "${ZADIG_SETTINGS}"
fi
LIVE_ZADIG_URL="${ZADIG_URL:-}"
LIVE_ZADIG_TOKEN="${ZADIG_TOKEN:-}"
unset ZADIG_URL ZADIG_TOKEN
ZADIG_EXECUTION="${ZADIG_EXECUTION:-auto}"
echo "zadig.core tasks run with zadig_execution=${ZADIG_EXECUTION}"

# Every ansible-playbook of the target, also those started through env, gets -e zadig_execution=... The wrapper is
# Python: ansible-test's own ansible-playbook shim runs whatever it finds on PATH with Python. It takes itself off
# PATH, so the shim (or the real ansible-playbook) it starts finds the real one.
if [ "${ZADIG_EXECUTION}" != auto ]; then
    ZADIG_WRAPPERS="$(mktemp -d)"
    cat > "${ZADIG_WRAPPERS}/ansible-playbook" <<PY
#!$(command -v "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}")
import os
import sys
here = os.path.dirname(os.path.abspath(__file__))
os.environ['PATH'] = os.pathsep.join(p for p in os.environ['PATH'].split(os.pathsep) if os.path.abspath(p) != here)
os.execvp('ansible-playbook', ['ansible-playbook', '-e', 'zadig_execution=${ZADIG_EXECUTION}'] + sys.argv[1:])
PY
    chmod +x "${ZADIG_WRAPPERS}/ansible-playbook"
    export PATH="${ZADIG_WRAPPERS}:${PATH}"
fi

start_simulator() {
    local mode="$1" dir
    dir="$(mktemp -d)"
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" "${ZADIG_SIMULATOR}" --port 0 --port-file "${dir}/port" \
        --version "${mode}" --admin-token "${ZADIG_SIM_ADMIN_TOKEN}" --user-token "${ZADIG_SIM_USER_TOKEN}" &
    SIMULATOR_PID=$!
    for _ in $(seq 200); do
        [ -s "${dir}/port" ] && break
        sleep 0.05
    done
    SIM_URL="http://127.0.0.1:$(cat "${dir}/port")"
    trap stop_simulator EXIT
}

stop_simulator() {
    if [ -n "${SIMULATOR_PID:-}" ]; then
        kill "${SIMULATOR_PID}" 2>/dev/null || true
        wait "${SIMULATOR_PID}" 2>/dev/null || true
        SIMULATOR_PID=''
    fi
}

# run_everywhere PLAYBOOK [ansible-playbook args...]: in both default-registry modes (ZADIG_SIM_VERSIONS to
# choose other Zadig versions: v4.1 v4.2 v4.3 v5.0 main), then against a live Zadig when one is configured.
run_everywhere() {
    local playbook="$1" mode
    shift
    local versions="${ZADIG_SIM_VERSIONS:-v4.1 main}"
    if [ "${ZADIG_EXECUTION}" != auto ]; then
        # The module pass proves the other path through every playbook; the Zadig versions are the auto pass's.
        versions="${versions##* }"
        echo "zadig_execution=${ZADIG_EXECUTION}: ${playbook} on Zadig ${versions} only (the auto pass covers the rest)"
    fi
    for mode in ${versions}; do
        start_simulator "${mode}"
        ansible-playbook "${playbook}" -e zadig_mode="${mode}" -e zadig_live=false \
            -e zadig_url="${SIM_URL}" -e zadig_admin_token="${ZADIG_SIM_ADMIN_TOKEN}" \
            -e zadig_user_token="${ZADIG_SIM_USER_TOKEN}" "$@"
        stop_simulator
    done
    if [ -n "${LIVE_ZADIG_URL}" ] && [ -n "${LIVE_ZADIG_TOKEN}" ]; then
        echo "Running ${playbook} against the live Zadig at ${LIVE_ZADIG_URL}"
        ansible-playbook "${playbook}" -e zadig_mode=live -e zadig_live=true -e zadig_url="${LIVE_ZADIG_URL}" \
            -e zadig_admin_token="${LIVE_ZADIG_TOKEN}" -e zadig_user_token="${ZADIG_USER_TOKEN:-}" "$@"
    else
        echo "SKIPPED: live Zadig part of ${playbook} (set ZADIG_URL and ZADIG_TOKEN to run it)"
    fi
}
