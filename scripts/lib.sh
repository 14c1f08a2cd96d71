# shellcheck shell=bash
# Shared by scripts/demo and scripts/test: the pinned venv, the collection tree ansible needs, the simulator.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# The venvs: main (what developers and the demo use), oldest and newest (the version matrix), and prerelease (the
# newest ansible-core pre-release, named by ZADIG_PRERELEASE, beside the pins of tests/requirements/prerelease.txt).
venv_python() {
    case "$1" in
        main) echo 3.11 ;;
        oldest) echo 3.10 ;;
        newest | prerelease) echo 3.13 ;;
    esac
}
venv_requirements() {
    case "$1" in
        main) echo "${REPO}/requirements-dev.txt" ;;
        *) echo "${REPO}/tests/requirements/$1.txt" ;;
    esac
}
venv_dir() {
    if [ "$1" = main ]; then echo "${ZADIG_VENV:-${REPO}/.venv}"; else echo "${REPO}/.venv-$1"; fi
}

# find_python 3.10: that Python from PATH or pyenv (falls back to python3 for the main venv).
find_python() {
    local version="$1" candidate
    for candidate in "$(command -v "python${version}" 2>/dev/null)" "${PYENV_ROOT:-${HOME}/.pyenv}"/versions/"${version}".*/bin/"python${version}"; do
        if [ -n "${candidate}" ] && [ -x "${candidate}" ] && "${candidate}" -c 'import venv' 2>/dev/null; then
            echo "${candidate}"
            return 0
        fi
    done
    if [ "${version}" = 3.11 ] && command -v python3 >/dev/null; then
        command -v python3
        return 0
    fi
    echo "Python ${version} not found (looked on PATH and in pyenv)" >&2
    return 1
}

# ensure_venv [NAME]: create (or reuse) a venv with its pinned packages, reinstalling when the pins change,
# and put it first on PATH.
ensure_venv() {
    local name="${1:-main}" venv requirements stamp want python extra=()
    venv="$(venv_dir "${name}")"
    requirements="$(venv_requirements "${name}")"
    if [ "${name}" = prerelease ]; then
        extra=("ansible-core==${ZADIG_PRERELEASE:?the ansible-core pre-release to install}")
    fi
    stamp="${venv}/.requirements.sha256"
    want="$(sha256sum "${requirements}" | cut -d' ' -f1)"
    if [ "${#extra[@]}" -gt 0 ]; then want+=" ${extra[*]}"; fi
    # One build at a time per venv (scripts/test's lanes may ask for one together); a failed build leaves none.
    (
        flock 9
        if [ ! -x "${venv}/bin/python" ] || [ "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]; then
            python="$(find_python "$(venv_python "${name}")")" || exit 1
            say "Installing pinned tools into ${venv} (one time, about 20 s)"
            rm -rf "${venv}"
            # pip's own notices (about this machine's package index, say) are not the collection's story: they are
            # kept in a log, printed only when the install fails.
            log="$(mktemp)"
            if ! { "${python}" -m venv "${venv}" &&
                "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip &&
                "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${requirements}" \
                    "${extra[@]}"; } > "${log}" 2>&1; then
                cat "${log}" >&2
                rm -rf "${venv}" "${log}"
                exit 1
            fi
            rm -f "${log}"
            echo "${want}" > "${stamp}"
        fi
    ) 9> "${TMPDIR:-/tmp}/zadig-core-venv-$(echo "${venv}" | sha256sum | cut -c1-16).lock" || return 1
    export VIRTUAL_ENV="${venv}" PATH="${venv}/bin:${PATH}"
    PY_VERSION="$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    export PY_VERSION
    install_pip_standin
}

# ansible-test bootstraps pip in its venvs with a script it downloads from a host that cannot be reached here.
install_pip_standin() {
    local version
    version="$(python - <<'PY'
import re, ansible_test, pathlib
text = (pathlib.Path(ansible_test.__file__).parent / '_internal' / 'python_requirements.py').read_text()
print(re.search(r"pip='([0-9.]+)'", text).group(1))
PY
)"
    mkdir -p "${HOME}/.ansible/test/cache"
    cp "${REPO}/.ci/get_pip_standin.py" "${HOME}/.ansible/test/cache/get_pip_${version//./_}.py"
}

# Copy the working tree (tracked and untracked, not ignored) to <root>/ansible_collections/zadig/core.
# ansible-test refuses a symlink, so it is a real copy. Prints the collection's path.
make_collection_tree() {
    local root dest
    root="$(mktemp -d "${TMPDIR:-/tmp}/zadig-core.XXXXXX")"
    dest="${root}/ansible_collections/zadig/core"
    mkdir -p "${dest}"
    if git -C "${REPO}" rev-parse --git-dir >/dev/null 2>&1; then
        (cd "${REPO}" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "${dest}" -xf -
    else
        tar -C "${REPO}" --exclude=.venv --exclude=.git --exclude=tests/output -cf - . | tar -C "${dest}" -xf -
    fi
    echo "${dest}"
}

# start_simulator MODE [COLLECTION]: the bundled Zadig simulator on a free loopback port; sets SIM_URL and SIM_PID.
start_simulator() {
    local mode="${1:-v4.1}" collection="${2:-${REPO}}" portfile
    portfile="$(mktemp)"
    rm -f "${portfile}"
    python "${collection}/tests/simulator/zadig_simulator.py" --port 0 --port-file "${portfile}" --mode "${mode}" \
        --admin-token "${SIM_ADMIN_TOKEN}" --user-token "${SIM_USER_TOKEN}" >/dev/null 2>&1 &
    SIM_PID=$!
    for _ in $(seq 200); do
        [ -s "${portfile}" ] && break
        sleep 0.05
    done
    [ -s "${portfile}" ] || { echo "the simulator did not start" >&2; return 1; }
    SIM_URL="http://127.0.0.1:$(cat "${portfile}")"
    rm -f "${portfile}"
}

stop_simulator() {
    if [ -n "${SIM_PID:-}" ]; then
        kill "${SIM_PID}" 2>/dev/null || true
        wait "${SIM_PID}" 2>/dev/null || true
        SIM_PID=''
    fi
}

SIM_ADMIN_TOKEN='demo-admin-token'
SIM_USER_TOKEN='demo-user-token'

# Count the writes the simulator has answered so far.
simulator_writes() {
    python - "${SIM_URL}" <<'PY'
import json, sys, urllib.request
counts = json.load(urllib.request.urlopen(sys.argv[1] + '/_sim/requests'))['counts']
print(sum(n for route, n in counts.items() if not route.startswith('GET ')))
PY
}

# play N ARGS...: ansible-playbook ARGS, shown as it runs, failing unless its recap says changed=N.
play() {
    local expected="$1" output status
    shift
    output="$(mktemp)"
    status=0
    ansible-playbook "$@" | tee "${output}" || status=$?
    if [ "${status}" -ne 0 ] || ! grep -Eq "changed=${expected} " "${output}"; then
        echo "expected the playbook to succeed with changed=${expected}" >&2
        rm -f "${output}"
        return 1
    fi
    rm -f "${output}"
}

# The main job: docs/examples/registries.yml from COLLECTION (a copy under <root>/ansible_collections/zadig/core),
# against the simulator: create, an unchanged rerun, drift made behind Ansible's back, a check run that reports
# exactly that drift, and a fail_on_drift run that goes red. The check and red runs must write nothing. Each step
# returns on failure itself: scripts/test runs its stages where set -e does not apply.
run_demo() {
    local collection="$1" playbook inventory before output status
    playbook="${collection}/docs/examples/registries.yml"
    inventory="${collection}/docs/examples/inventory.yml"
    export ANSIBLE_COLLECTIONS_PATH="${collection%/ansible_collections/zadig/core}"
    # ansible-core 2.19 imports DSA from cryptography, which 45 and later deprecate: a warning about ansible-core,
    # printed by every ansible-playbook, that a user cannot act on. Only that one is silenced (the collection's own
    # warnings are Ansible's [WARNING] lines, which this does not touch).
    export PYTHONWARNINGS="${PYTHONWARNINGS:+${PYTHONWARNINGS},}ignore:DSA is deprecated"
    start_simulator "${ZADIG_SIM_MODE:-v4.1}" "${collection}" || return 1
    trap stop_simulator RETURN
    export ZADIG_URL="${SIM_URL}" ZADIG_TOKEN="${SIM_ADMIN_TOKEN}"

    say "Zadig simulator listening on ${SIM_URL} (ZADIG_URL and ZADIG_TOKEN point at it)"
    say "1/5 Create the two registries of docs/examples/registries.yml"
    play 1 -i "${inventory}" "${playbook}" --diff || return 1

    say "2/5 Run it again: nothing to change"
    play 0 -i "${inventory}" "${playbook}" || return 1

    say "3/5 Behind Ansible's back, someone makes Team A's registry the default in Zadig"
    python - "${SIM_URL}" "${SIM_ADMIN_TOKEN}" <<'PY' || return 1
import json, sys, urllib.request
url, token = sys.argv[1], sys.argv[2]
headers = {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'}
registries = json.load(urllib.request.urlopen(urllib.request.Request(url + '/openapi/system/registry', headers=headers)))
team = next(r for r in registries if r['namespace'] == 'team-a')
body = {key: team[key] for key in ('address', 'provider', 'namespace', 'region')}
body['is_default'] = True
request = urllib.request.Request(url + '/openapi/system/registry/' + team['registry_id'], method='PUT',
                                 data=json.dumps(body).encode(), headers=headers)
print('PUT /openapi/system/registry/%s -> %s' % (team['registry_id'], urllib.request.urlopen(request).status))
PY

    before="$(simulator_writes)" || return 1
    say "4/5 Check mode with --diff: the role plans the whole list and reports exactly that drift, writing nothing"
    play 1 -i "${inventory}" "${playbook}" --check --diff || return 1

    say "5/5 The drift check a scheduled job runs: fail_on_drift goes red, writing nothing"
    output="$(mktemp)"
    status=0
    ansible-playbook -i "${inventory}" "${playbook}" -e zadig_registries_fail_on_drift=true | tee "${output}" ||
        status=$?
    if [ "${status}" -eq 0 ] || ! grep -q 'drift found: 0 to create, 1 to update, 0 to delete' "${output}"; then
        echo "expected the fail_on_drift run to fail, reporting the drift" >&2
        rm -f "${output}"
        return 1
    fi
    rm -f "${output}"
    say "The drift check failed as it should (exit status ${status}); writes sent to Zadig by steps 4 and 5: $(( $(simulator_writes) - before ))"
    [ "$(( $(simulator_writes) - before ))" -eq 0 ]
}
