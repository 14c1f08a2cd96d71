# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user's tarball holds: exactly the files git tracks, minus the checkout-only tools, and nothing that
looks like junk or a secret.   Usage: check_tarball.py TARBALL CHECKOUT

Built from a working copy with venvs, caches and editor files about, the tarball must still hold only what a clean
clone would give; a file that build_ignore drops but a user needs fails too, as does any link.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import tarfile

# In the checkout, never in the tarball (galaxy.yml's build_ignore leaves them out).
CHECKOUT_ONLY = re.compile(r'^(\.ci/|scripts/|requirements-dev\.txt$|\.gitignore$|\.ansible-lint$|galaxy\.yml$)')
# Made by the build itself.
BUILT = {'MANIFEST.json', 'FILES.json'}
# Never shipped, even when committed: venvs, caches, test output, editor and OS leftovers, archives, keys, secrets.
JUNK = re.compile(
    r'(^|/)(\.venv[^/]*|venv|env|\.tox|\.nox|\.ansible|\.cache|\.hypothesis|\.pytest_cache|\.mypy_cache|'
    r'\.ruff_cache|__pycache__|\.git|\.idea|\.vscode|htmlcov|build|collections)(/|$)|^tests/output/|'
    r'(^|/)(\.coverage[^/]*|coverage\.xml|\.DS_Store|Thumbs\.db|\.env[^/]*|\.vault[_-]pass[^/]*|\.netrc|id_rsa[^/]*|'
    r'id_ed25519[^/]*|\.plugin-cache\.yaml)$|~$|\.(pyc|pyo|orig|rej|swp|swo|bak|tmp|log|pem|key|p12|pfx|crt|tar|'
    r'gz|tgz|zip)$')


def problems_of(tarball, checkout):
    with tarfile.open(tarball) as tar:
        members = [m for m in tar.getmembers() if not m.isdir()]
    names = [m.name[2:] if m.name.startswith('./') else m.name for m in members]
    problems = ['%s: a %s; a tarball of plain files installs the same everywhere' % (name, 'symbolic link' if m.issym()
                else 'hard link' if m.islnk() else 'special file') for m, name in zip(members, names) if not m.isfile()]
    problems += ['%s: junk or a secret, never shipped' % name for name in names if JUNK.search(name)]
    if os.path.isdir(os.path.join(checkout, '.git')):
        tracked = subprocess.run(['git', '-C', checkout, 'ls-files', '-z'], check=True, capture_output=True,
                                 text=True).stdout.split('\0')
        wanted = {path for path in tracked if path and not CHECKOUT_ONLY.match(path)}
        shipped = set(names) - BUILT
        problems += ['%s: not tracked by git, so not in a clean clone: add it, or leave it out in build_ignore'
                     % path for path in sorted(shipped - wanted)]
        problems += ['%s: tracked but missing: build_ignore may leave out only %s' % (path, CHECKOUT_ONLY.pattern)
                     for path in sorted(wanted - shipped)]
    problems += ['%s: missing: ansible-galaxy writes it' % name for name in sorted(BUILT - set(names))]
    return names, problems


def main(tarball, checkout):
    names, problems = problems_of(tarball, checkout)
    print('tarball %s: %d bytes, %d files:' % (os.path.basename(tarball), os.path.getsize(tarball), len(names)))
    top = collections.Counter('/'.join(name.split('/')[:2]) + '/' if name.count('/') > 1
                              else name.split('/')[0] + ('/' if '/' in name else '') for name in names)
    for where, count in sorted(top.items(), key=lambda item: item[0]):
        print('  %4d  %s' % (count, where))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
