#!/usr/bin/env bash
set -eu
source ../setup_zadig/simulator.sh
run_everywhere drift.yml "$@"

# The user guide's drift-check playbook (section 5), read from the guide itself so the page cannot go stale: on
# drift it exits 2 and its artifact holds the drift; in sync it exits 0 and the artifact says so.
work="$(mktemp -d)"
"${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" - "${ZADIG_COLLECTION_ROOT}/docs/user-guide.md" \
    > "${work}/drift-check.yml" <<'PY'
import re, sys
after = open(sys.argv[1]).read().split('with a playbook that writes the report', 1)[1]
print(re.search(r'```yaml\n(.*?)```', after, re.S).group(1))
PY
mkdir "${work}/reports"
list='{"zadig_registries": [{"address": "https://guide.zadig-core.test", "namespace": "ci", "provider": "native"}]}'
start_simulator v4.1
guide_run() {
    (cd "${work}" && ZADIG_URL="${SIM_URL}" ZADIG_TOKEN="${ZADIG_SIM_ADMIN_TOKEN}" \
        ansible-playbook drift-check.yml -e "${list}" "$@" "${extra[@]}") > "${work}/run.log" 2>&1
}
extra=("$@")
status=0
guide_run --check -e zadig_registries_fail_on_drift=true || status=$?
artifact() {
    "${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}" -c 'import json, sys; d = json.load(open(sys.argv[1]))
print(d["in_sync"], [c["address"] for c in d["create"]])' "${work}/reports/zadig-drift.json"
}
if [ "${status}" -ne 2 ] || [ "$(artifact)" != "False ['https://guide.zadig-core.test']" ]; then
    cat "${work}/run.log"
    echo "the guide's drift check on drift: exit ${status} (want 2), artifact: $(artifact)" >&2
    exit 1
fi
guide_run || { cat "${work}/run.log"; exit 1; }
rm "${work}/reports/zadig-drift.json"
status=0
guide_run --check -e zadig_registries_fail_on_drift=true || status=$?
if [ "${status}" -ne 0 ] || [ "$(artifact)" != "True []" ]; then
    cat "${work}/run.log"
    echo "the guide's drift check in sync: exit ${status} (want 0), artifact: $(artifact)" >&2
    exit 1
fi
stop_simulator
echo "the user guide's drift-check playbook: exit 2 with the drift in its artifact, then exit 0 in sync"
