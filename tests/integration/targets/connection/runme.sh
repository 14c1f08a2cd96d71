#!/usr/bin/env bash
# Every way of passing the connection reaches Zadig for all four public names, with the same precedence as a module.
set -eu
source ../setup_zadig/simulator.sh
start_simulator v4.1
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
"${python_bin}" - "${SIM_URL}" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + '/_sim/registries', method='POST', data=json.dumps({
    'address': 'https://connection.zadig-core.test', 'provider': 'native', 'namespace': 'connection-marker',
    'is_default': True}).encode(), headers={'Content-Type': 'application/json'})
urllib.request.urlopen(request)
PY
common=(-e sim_url="${SIM_URL}" -e zadig_admin_token="${ZADIG_SIM_ADMIN_TOKEN}"
        -e ansible_python_interpreter="${python_bin}")
# The controller's own environment points elsewhere: only the way under test can reach the simulator.
ZADIG_URL=http://127.0.0.1:9 ZADIG_TOKEN=controller-token ansible-playbook ways.yml "${common[@]}" "$@"
env -u ZADIG_URL -u ZADIG_TOKEN ansible-playbook ways.yml "${common[@]}" "$@"
ZADIG_URL="${SIM_URL}" ZADIG_TOKEN="${ZADIG_SIM_ADMIN_TOKEN}" ansible-playbook controller_env.yml \
    -e ansible_python_interpreter="${python_bin}" "$@"
stop_simulator
