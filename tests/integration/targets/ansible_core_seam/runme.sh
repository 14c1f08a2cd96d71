#!/usr/bin/env bash
# No zadig.core task prints a deprecation warning on this ansible-core, on either path; and when a hook of the seam to
# ansible-core (plugins/plugin_utils/_core.py) is gone, as on an ansible-core that renamed it, every task runs as its
# module, says why at -vvv, and returns what it returns with every hook in place.
set -euo pipefail
source ../setup_zadig/simulator.sh

python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
work="$(mktemp -d)"
# ansible-test turns ansible-core's deprecation warnings off, and Python shows a DeprecationWarning only from __main__.
export ANSIBLE_DEPRECATION_WARNINGS=true PYTHONWARNINGS=default::DeprecationWarning
here="$(pwd)"
version="$(ansible --version | sed -nE '1s/.*core ([^]]+)\].*/\1/p')"

# run NAME [HOOK]: seam.yml at -vvv against a fresh simulator, HOOK broken when given; the log and results in ${work}.
run() {
    local name="$1" hook="${2:-}" status=0
    start_simulator v4.2
    if [ -n "${hook}" ]; then
        ZADIG_SEAM_BREAK="${hook}" \
            ANSIBLE_CALLBACK_PLUGINS="${here}/callback_plugins${ANSIBLE_CALLBACK_PLUGINS:+:${ANSIBLE_CALLBACK_PLUGINS}}" \
            ANSIBLE_CALLBACKS_ENABLED="${ANSIBLE_CALLBACKS_ENABLED:+${ANSIBLE_CALLBACKS_ENABLED},}zadig_seam_break" \
            ansible-playbook seam.yml -vvv -e sim_url="${SIM_URL}" -e admin_token="${ZADIG_SIM_ADMIN_TOKEN}" \
            -e out="${work}/${name}.json" -e ansible_python_interpreter="${python_bin}" > "${work}/${name}.log" 2>&1 ||
            status=$?
    else
        ansible-playbook seam.yml -vvv -e sim_url="${SIM_URL}" -e admin_token="${ZADIG_SIM_ADMIN_TOKEN}" \
            -e out="${work}/${name}.json" -e ansible_python_interpreter="${python_bin}" > "${work}/${name}.log" 2>&1 ||
            status=$?
    fi
    stop_simulator
    if [ "${status}" -ne 0 ]; then
        cat "${work}/${name}.log"
        echo "seam.yml failed (${name})" >&2
        exit 1
    fi
    # ansible-core's own deprecation warnings, and Python's from this collection's code. (ansible-core 2.19 and later
    # print a CryptographyDeprecationWarning of their own when cryptography 48 or later is installed; not ours.)
    if grep -n -e '\[DEPRECATION WARNING\]' "${work}/${name}.log" ||
        grep -n 'DeprecationWarning' "${work}/${name}.log" | grep 'ansible_collections/zadig'; then
        echo "a deprecation warning on ansible-core ${version} (${name}, above)" >&2
        exit 1
    fi
    if grep -n 'seam-secret-3e7a' "${work}/${name}.log" "${work}/${name}.json"; then
        echo "the no_log secret_key was shown (${name}, above)" >&2
        exit 1
    fi
    grep -oE "zadig\.core\.zadig_registr(y|y_info|ies) runs (in the controller's process|as a module: .*)" \
        "${work}/${name}.log" > "${work}/${name}.paths" || true
}

normalise() {
    sed -E -e 's/[0-9a-f]{24}/<id>/g' -e 's#127\.0\.0\.1:[0-9]{4,5}#<sim>#g' "$1"
}

run plain
echo "no deprecation warning on ansible-core ${version}: $(wc -l < "${work}/plain.paths") zadig.core tasks"
if [ "${ZADIG_EXECUTION}" != auto ]; then
    echo "SKIPPED: breaking the seam's hooks, which the auto pass does"
    exit 0
fi
if grep -v "runs in the controller's process" "${work}/plain.paths"; then
    echo "with every hook in place, a task ran as a module (above)" >&2
    exit 1
fi

for hook in defaults masking; do
    run "${hook}" "${hook}"
    if [ "$(wc -l < "${work}/${hook}.paths")" -ne "$(wc -l < "${work}/plain.paths")" ] ||
        grep -v "runs as a module: ansible-core ${version}" "${work}/${hook}.paths"; then
        cat "${work}/${hook}.paths"
        echo "with the ${hook} hook gone, a task did not run as its module saying why (above)" >&2
        exit 1
    fi
    if ! diff -u <(normalise "${work}/plain.json") <(normalise "${work}/${hook}.json"); then
        echo "with the ${hook} hook gone, the tasks returned something else (above)" >&2
        exit 1
    fi
    echo "${hook} hook gone: $(wc -l < "${work}/${hook}.paths") tasks ran as modules, saying why, with the same results"
    sed -n 1p "${work}/${hook}.paths"
done
