#!/usr/bin/env bash
# An adversary's playbooks: each part attacks one promise and says PASS or FAIL; the target fails when any part does.
#   leaks        a secret with repeated spaces, or one with & < > (which Go's encoding/json escapes), echoed by a 500,
#                through the module, the zadig_registries action and the role, at -vvv --diff
#   collision    a list that creates a key and moves another registry onto it: one sentence, no crash
#   empty_env    an empty ZADIG_URL in a task's environment counts as unset, for all four names alike
#   odd_ways     odd ways of passing the connection (pins: specific-action module_defaults, block environment
#                with include_role and import_role, role params, delegate_to, check_mode per task)
#   guards       purge with nothing to keep, and registry_id onto another registry's key, refused before any write
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

# leaks PLAYBOOK: run it at -vvv --diff, then look for what is left of each secret of leaks.yml once its whitespace
# is collapsed or Go's encoding/json escapes it (the exact values are masked by ansible-core itself).
leaks() {
    local status=0 form
    ansible-playbook "$@" -vvv --diff > leaks.out 2>&1 || status=$?
    cat leaks.out
    # (a JSON result shows a backslash doubled: look for both spellings)
    for form in 'adv spaced secret 7e41' 'spaced secret 7e41' 'adv\u0026go\u003csecret\u003e5c09' \
            'secret\u003e5c09' 'adv\\u0026go\\u003csecret\\u003e5c09' 'secret\\u003e5c09'; do
        if grep -nF -- "${form}" leaks.out; then
            echo "LEAK: '${form}' appears in the output above" >&2
            status=1
        fi
    done
    return "${status}"
}

start_simulator v4.1
conn=(-e zadig_url="${SIM_URL}" -e token="${ZADIG_SIM_ADMIN_TOKEN}" -e ansible_python_interpreter="${python_bin}")
part leaks leaks leaks.yml "${conn[@]}"
part collision ansible-playbook collision.yml "${conn[@]}"
part empty_env env ZADIG_URL="${SIM_URL}" ZADIG_TOKEN="${ZADIG_SIM_ADMIN_TOKEN}" ansible-playbook empty_env.yml \
    -e ansible_python_interpreter="${python_bin}"
# The controller's own environment points elsewhere: only the way under test reaches the simulator.
part odd_ways env ZADIG_URL=http://127.0.0.1:9 ZADIG_TOKEN=controller-token-wrong ansible-playbook -i inventory \
    odd_ways.yml "${conn[@]}"
part guards ansible-playbook guards.yml "${conn[@]}"
stop_simulator

if [ "${#failures[@]}" -ne 0 ]; then
    echo "adversary: ${#failures[@]} part(s) failed: ${failures[*]}" >&2
    exit 1
fi
echo "adversary: every part passed"
