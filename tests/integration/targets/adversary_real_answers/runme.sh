#!/usr/bin/env bash
# An independent tester's playbooks for the promises of the "real answers" change; each part says PASS or FAIL and
# the target fails when any part does.
#   secrets   P2: a Google JSON key (user _json_key) and a secret with & < > " \ ' non-ASCII, a tab and an escape
#             sequence, set, rerun, rotated, through the module, the zadig_registries action and the role, with 500s
#             that echo the request body (as sent, and as Go escapes it), at -vvv --diff: no form of any secret in
#             the output (check_leaks.py: whole, stripped, each line, JSON-escaped by Python or Go, URL-quoted)
#   json_key  P2: secret_key: "{{ lookup('file', 'key.json') }}", the obvious way: Zadig holds the file's text
#   counts    P5: the docs' request counts for a no-drift run, counted by the simulator (Zadig v4.2)
#   licence   P4: an unlicensed ecr with projects, twice through the role: one registry, a message that says why
set -eu
source ../setup_zadig/simulator.sh
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
failures=()

part() {
    local name="$1"
    shift
    echo "=== ${name}"
    if "$@" > "${name}.log" 2>&1; then
        echo "PASS ${name}"
    else
        cat "${name}.log"
        echo "FAIL ${name}"
        failures+=("${name}")
    fi
}

secrets() {
    local status=0
    ansible-playbook secrets.yml -vvv --diff "$@" > secrets.out 2>&1 || status=$?
    cat secrets.out
    "${python_bin}" check_leaks.py secrets.out gcr-key.json gcr-key-rotated.json odd-secret.txt || status=1
    return "${status}"
}

"${python_bin}" make_secrets.py

start_simulator v4.2
conn=(-e zadig_url="${SIM_URL}" -e token="${ZADIG_SIM_ADMIN_TOKEN}" -e ansible_python_interpreter="${python_bin}")
part secrets secrets "${conn[@]}"
part json_key ansible-playbook json_key.yml "${conn[@]}"
part counts ansible-playbook counts.yml "${conn[@]}"
stop_simulator

start_simulator v4.1
conn=(-e zadig_url="${SIM_URL}" -e token="${ZADIG_SIM_ADMIN_TOKEN}" -e ansible_python_interpreter="${python_bin}")
part licence ansible-playbook licence.yml "${conn[@]}"
stop_simulator

if [ "${#failures[@]}" -ne 0 ]; then
    echo "adversary_real_answers: ${#failures[@]} part(s) failed: ${failures[*]}" >&2
    exit 1
fi
echo "adversary_real_answers: every part passed"
