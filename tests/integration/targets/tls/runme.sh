#!/usr/bin/env bash
# HTTPS with the server's own CA: refused without it, trusted with ca_path, and with validate_certs: false one
# warning per task in words, never urllib3's InsecureRequestWarning on stderr.
set -eu
source ../setup_zadig/simulator.sh
python_bin="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
work="$(mktemp -d)"
"${python_bin}" make_cert.py "${work}/cert.pem" "${work}/key.pem"
"${python_bin}" "${ZADIG_SIMULATOR}" --port 0 --port-file "${work}/port" --admin-token "${ZADIG_SIM_ADMIN_TOKEN}" \
    --tls-cert "${work}/cert.pem" --tls-key "${work}/key.pem" &
export SIMULATOR_PID=$!  # stop_simulator (simulator.sh) stops it
trap stop_simulator EXIT
for _ in $(seq 200); do
    [ -s "${work}/port" ] && break
    sleep 0.05
done
status=0
ansible-playbook tls.yml -e sim_url="https://127.0.0.1:$(cat "${work}/port")" -e ca_file="${work}/cert.pem" \
    -e zadig_admin_token="${ZADIG_SIM_ADMIN_TOKEN}" -e ansible_python_interpreter="${python_bin}" "$@" \
    > tls.log 2>&1 || status=$?
cat tls.log
[ "${status}" -eq 0 ]
for noise in InsecureRequestWarning 'errantly sent data' Traceback; do
    if grep -n "${noise}" tls.log; then
        echo "NOISE: '${noise}' was printed" >&2
        exit 1
    fi
done
echo "tls: no InsecureRequestWarning, stderr noise or traceback in $(wc -l < tls.log) lines"
