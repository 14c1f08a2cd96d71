#!/usr/bin/env bash
# The AWX drift-check job run by ansible-runner, AWX's own job runner, with the Zadig credential's env and file
# injectors rendered as AWX renders them, against the simulator over HTTPS with a private CA (awx_job.py).
set -eu
source ../setup_zadig/simulator.sh
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
if ! runner_version="$("${python_bin}" -c 'import ansible_runner, importlib.metadata as m; print(m.version("ansible-runner"))')"; then
    echo "FAILED: ansible-runner does not import in ${python_bin} (pip install ansible-runner==2.4.3)" >&2
    exit 1
fi
echo "ansible-runner ${runner_version} on $("${python_bin}" -V 2>&1), $(ansible --version | head -n 1)"
work="$(mktemp -d)"
"${python_bin}" ../tls/make_cert.py "${work}/cert.pem" "${work}/key.pem"
"${python_bin}" "${ZADIG_SIMULATOR}" --port 0 --port-file "${work}/port" --admin-token "${ZADIG_SIM_ADMIN_TOKEN}" \
    --user-token "${ZADIG_SIM_USER_TOKEN}" --tls-cert "${work}/cert.pem" --tls-key "${work}/key.pem" > "${work}/sim.log" 2>&1 &
export SIMULATOR_PID=$!  # stop_simulator (simulator.sh) stops it
trap stop_simulator EXIT
for _ in $(seq 200); do
    [ -s "${work}/port" ] && break
    sleep 0.05
done
# awx_job.py hands the runner zadig_execution as the job template's extra variable. simulator.sh's ansible-playbook
# wrapper stays out of the runner's PATH: ansible-test's injector would take it for the real one and run it with Python.
if [ -n "${ZADIG_WRAPPERS:-}" ]; then
    PATH="${PATH//"${ZADIG_WRAPPERS}:"/}"
fi
"${python_bin}" awx_job.py --url "https://127.0.0.1:$(cat "${work}/port")" --ca "${work}/cert.pem" \
    --token "${ZADIG_SIM_ADMIN_TOKEN}" --key "${work}/key.pem" --execution "${ZADIG_EXECUTION}"
stop_simulator
rm -rf "${work}"
