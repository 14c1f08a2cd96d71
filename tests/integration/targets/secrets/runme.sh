#!/usr/bin/env bash
# Run every path of every plugin at -vvv with --diff, then look for each secret in everything that was printed.
set -eu
source ../setup_zadig/simulator.sh
start_simulator v4.1
status=0
ansible-playbook leaks.yml -vvv --diff -e zadig_url="${SIM_URL}" -e admin_token="${ZADIG_SIM_ADMIN_TOKEN}" \
    -e user_token="${ZADIG_SIM_USER_TOKEN}" -e @secrets.yml "$@" > leaks.log 2>&1 || status=$?
ansible-playbook newline.yml -v --diff -e zadig_url="${SIM_URL}" -e @secrets.yml "$@" >> leaks.log 2>&1 || status=$?
stop_simulator
if [ "${status}" -ne 0 ]; then
    cat leaks.log
    exit "${status}"
fi
leaks=0
for secret in "${ZADIG_SIM_ADMIN_TOKEN}" "${ZADIG_SIM_USER_TOKEN}" leak-bad-token-5f3 leak-access-key-4d1 \
        leak-secret-key-8e2 leak-list-secret-7a9 leak-role-secret-2c6; do
    if grep -nF -- "${secret}" leaks.log; then
        echo "LEAK: ${secret} appears in the output above" >&2
        leaks=$((leaks + 1))
    fi
done
checks="$(grep -c 'ok: \[localhost\]\|changed: \[localhost\]\|fatal: \[localhost\]' leaks.log)"
echo "secrets: 7 values looked for in $(wc -l < leaks.log) lines of -vvv --diff output from ${checks} task results: ${leaks} found"
[ "${leaks}" -eq 0 ]
