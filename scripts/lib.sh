# shellcheck shell=bash
# Shared by scripts/demo and scripts/test: the pinned venv, the collection tree ansible needs, the simulator.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ZADIG_VENV:-${REPO}/.venv}"
if [ -z "${ZADIG_PYTHON:-}" ]; then
    ZADIG_PYTHON="$(command -v python3.11 || command -v python3)"
fi

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Create (or reuse) the venv with the pinned packages; reinstall when requirements-dev.txt changes.
ensure_venv() {
    local stamp="${VENV}/.requirements.sha256" want
    want="$(sha256sum "${REPO}/requirements-dev.txt" | cut -d' ' -f1)"
    if [ ! -x "${VENV}/bin/python" ] || [ "$(cat "${stamp}" 2>/dev/null)" != "${want}" ]; then
        say "Installing pinned tools into ${VENV} (one time, about 20 s)"
        "${ZADIG_PYTHON}" -m venv "${VENV}"
        "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
        "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${REPO}/requirements-dev.txt"
        echo "${want}" > "${stamp}"
    fi
    export VIRTUAL_ENV="${VENV}" PATH="${VENV}/bin:${PATH}"
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

# start_simulator MODE: the bundled Zadig simulator on a free loopback port; sets SIM_URL and SIM_PID.
start_simulator() {
    local mode="${1:-v4.1}" portfile
    portfile="$(mktemp)"
    rm -f "${portfile}"
    python "${REPO}/tests/simulator/zadig_simulator.py" --port 0 --port-file "${portfile}" --mode "${mode}" \
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
