#!/usr/bin/env bash
# zadig_registry and zadig_registry_info run in the controller's process when the connection is local, else as
# modules: the two paths give the same results, output and requests (parity.yml), and each task takes the path
# it should (paths.yml).
set -euo pipefail
source ../setup_zadig/simulator.sh

python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
work="$(mktemp -d)"
if [ "${ZADIG_EXECUTION}" != auto ]; then
    # This pass forces every task to run as a module: prove that it does, for a plain ansible-playbook and one
    # started through env, then leave the comparison of both paths to the auto pass.
    for runner in "" env; do
        start_simulator v4.2
        ${runner} ansible-playbook paths.yml -i inventory -vvv -e sim_url="${SIM_URL}" \
            -e admin_token="${ZADIG_SIM_ADMIN_TOKEN}" -e ansible_python_interpreter="${python_bin}" \
            -e can_become=false --limit here > "${work}/forced.log" 2>&1 || { cat "${work}/forced.log"; exit 1; }
        if grep -n "runs in the controller's process" "${work}/forced.log"; then
            echo "with ZADIG_EXECUTION=${ZADIG_EXECUTION}, a task ran in the controller's process (above)" >&2
            exit 1
        fi
        echo "forced: $(grep -c "runs as a module: zadig_execution is module" "${work}/forced.log") tasks ran as" \
            "modules (${runner:-plain} ansible-playbook)"
        stop_simulator
    done
    echo "SKIPPED: the comparison of both paths, which the auto pass makes"
    exit 0
fi

# Ids, the simulator's port and the order of a Python set (ansible-core's list of valid booleans) differ from run
# to run; tasks named "(not compared)" print what differs with them.
normalise() {
    sed -E -e 's/[0-9a-f]{24}/<id>/g' -e 's#127\.0\.0\.1:[0-9]{4,5}#<sim>#g' -e 's#(module|auto)\.json#<out>#g' \
        -e "s/Valid booleans include: [^\"]*/Valid booleans include: <set>/g" "$1" |
        awk '/^TASK \[/ { skip = /\(not compared\)/ } !skip'
}

# A vaulted token and secret, as playbooks keep them.
echo 'parity-vault-password-4c1' > "${work}/vault-pass"
{
    ansible-vault encrypt_string --vault-password-file "${work}/vault-pass" --name vaulted_token \
        "${ZADIG_SIM_ADMIN_TOKEN}"
    ansible-vault encrypt_string --vault-password-file "${work}/vault-pass" --name vaulted_secret parity-secret-77f1
} > "${work}/vaulted.yml" 2> /dev/null

for execution in module auto; do
    start_simulator v4.2
    status=0
    ansible-playbook parity.yml -v --diff -e sim_url="${SIM_URL}" -e admin_token="${ZADIG_SIM_ADMIN_TOKEN}" \
        -e user_token="${ZADIG_SIM_USER_TOKEN}" -e out="${work}/${execution}.json" \
        -e ansible_python_interpreter="${python_bin}" -e zadig_execution="${execution}" -e @"${work}/vaulted.yml" \
        --vault-password-file "${work}/vault-pass" "$@" > "${work}/${execution}.log" 2>&1 || status=$?
    stop_simulator
    if [ "${status}" -ne 0 ]; then
        cat "${work}/${execution}.log"
        echo "parity.yml failed with zadig_execution=${execution}" >&2
        exit 1
    fi
    normalise "${work}/${execution}.json" > "${work}/${execution}.results"
    normalise "${work}/${execution}.log" > "${work}/${execution}.output"
done
if ! diff -u "${work}/module.results" "${work}/auto.results" || ! diff -u "${work}/module.output" "${work}/auto.output"; then
    echo "the module and the controller's process gave different results or output (above)" >&2
    exit 1
fi
echo "parity: $(grep -c '^TASK \[' "${work}/auto.output") tasks, $(wc -l < "${work}/auto.results") lines of results" \
    "and $(wc -l < "${work}/auto.output") lines of output, the same on both paths"

can_become=false
if su "$(id -un)" -c true < /dev/null > /dev/null 2>&1; then
    can_become=true
else
    echo "SKIPPED: the become part of paths.yml (su to $(id -un) asks for a password here)"
fi
start_simulator v4.2
ansible-playbook paths.yml -i inventory -vvv -e sim_url="${SIM_URL}" -e admin_token="${ZADIG_SIM_ADMIN_TOKEN}" \
    -e ansible_python_interpreter="${python_bin}" -e can_become="${can_become}" "$@" > "${work}/paths.log" 2>&1 ||
    { cat "${work}/paths.log"; exit 1; }
stop_simulator
grep -oE "zadig\.core\.zadig_registry(_info)? runs (in the controller's process|as a module: .*)" "${work}/paths.log" \
    > "${work}/paths.seen"
{
    echo "zadig.core.zadig_registry_info runs in the controller's process"
    echo "zadig.core.zadig_registry_info runs as a module: zadig_execution is module"
    echo "zadig.core.zadig_registry_info runs as a module: async is set"
    if [ "${can_become}" = true ]; then echo "zadig.core.zadig_registry_info runs as a module: become is set"; fi
    echo "zadig.core.zadig_registry runs in the controller's process"
    echo "zadig.core.zadig_registry runs as a module: the connection is zadig_test_remote, not local"
    echo "zadig.core.zadig_registry_info runs in the controller's process"
} > "${work}/paths.expected"
if ! diff -u "${work}/paths.expected" "${work}/paths.seen"; then
    echo "a task took the wrong path (above: expected, then seen)" >&2
    exit 1
fi
echo "paths: $(wc -l < "${work}/paths.seen") tasks, each on the path it should take"
