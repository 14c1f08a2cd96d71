#!/usr/bin/env python
"""Run every shell command of README.md, docs/*.md and roles/registries/README.md exactly as written.

The commands are read from the documents themselves (```bash blocks, and inline `ansible-playbook ...`-style code
spans), so an edit of the docs is tested too. Each block runs in one bash session (its exports and `&` jobs hold
for the lines after) from a copy of the checkout as a fresh clone has it; the user guide's own block builds the
tarball and runs the examples from the installed copy. A command that cannot run here must be listed in NOT_RUN
with the reason: any other command a document gains is run, and one the runner does not know fails it. The
documents' YAML blocks are tests/docs/doc_examples.py's (the docs stage).

What a user must replace is replaced, and only that: Zadig's example address and the token's "...". The closing
hint of scripts/demo is run the same way, and the demo's output must hold no warning.

Usage: python tests/docs/doc_commands.py REPO   (with the main venv's tools on PATH; about a minute)
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DOCUMENTS = ('README.md', 'docs/*.md', 'roles/registries/README.md')
COMMAND_WORDS = ('ansible-playbook', 'ansible-galaxy', 'ansible-builder', 'ansible-doc', 'bash', 'pip', 'python')
# Commands that are not run here, each with why. A pattern matches the start of a command line.
NOT_RUN = {
    r'bash scripts/test\b': 'it is CI itself (.ci/run runs it)',
    r'bash scripts/benchmark\b': 'it runs for 20 to 30 minutes; scripts/test runs a smoke of it (benchmark)',
    r'ansible-galaxy collection install zadig\.core\b': 'the collection is not on Galaxy yet; the user guide\'s '
                                                        'block installs the built tarball instead',
    r'pip install ': 'no package index in CI; the venvs hold requests and cryptography (scripts/test checks the '
                     'versions)',
    r'ansible-builder build ': 'needs a container engine',
    r'export ANSIBLE_CALLBACKS_ENABLED=junit': (
        "a CI step on the reader's own files; tests/docs/doc_examples.py runs it with the YAML block after it as "
        'drift-check.yml'),
    r'ansible-playbook -i inventory\.yml drift-check\.yml': 'the same CI step (tests/docs/doc_examples.py runs it)',
    r'ansible-playbook -i inventory\.yml registries\.yml': (
        "the reader's own pipeline files (docs/awx.md, reviewed change in CI); tests/docs/doc_examples.py runs both "
        'steps with the YAML block after them appended to docs/examples/registries.yml'),
    r'python tests/simulator/zadig_simulator\.py --port 8080': 'starts a server and waits: the user guide\'s block '
                                                               'starts the same on 8099 and stops it',
}
# What a reader replaces with their own: Zadig's example address and the token left as "...".
EXAMPLE_URL = 'https://zadig.example.com'
WARNING = re.compile(r'warning', re.I)


def documents(root):
    for pattern in DOCUMENTS:
        yield from sorted(root.glob(pattern))


def blocks(text):
    """The commands of each ```bash block (continuation lines joined), then each inline command span."""
    found = []
    for block in re.findall(r'^```bash\n(.*?)^```', text, re.M | re.S):
        lines = []
        for line in block.replace('\\\n', ' ').splitlines():
            line = line.strip()
            if line and not line.startswith('#'):
                lines.append(line)
        found.append(lines)
    previous = None
    for span in re.findall(r'`([^`\n]+)`', text):
        if span.split(' ', 1)[0] in COMMAND_WORDS and ' ' in span:
            previous = span
            found.append([span])
        elif span.startswith('-e ') and previous and previous.startswith('ansible-playbook '):
            found.append([previous + ' ' + span])  # "... adopt.yml` ... `-e adopt_file=...` writes there instead"
    return found


def not_run(line):
    for pattern, why in NOT_RUN.items():
        if re.match(pattern, line):
            return why
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Simulator:
    def __init__(self, checkout):
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.process = subprocess.Popen(
            [sys.executable, str(checkout / 'tests/simulator/zadig_simulator.py'), '--port', str(self.port),
             '--admin-token', 'doc-token'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(200):
            try:
                socket.create_connection(('127.0.0.1', self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit('the simulator did not start')

    def stop(self):
        self.process.terminate()
        self.process.wait()


def prepare(line, simulator):
    """The line with what a reader replaces replaced; expected exit statuses."""
    line = line.replace(EXAMPLE_URL, simulator.url)
    line = re.sub(r'ZADIG_TOKEN=\.\.\.', 'ZADIG_TOKEN=doc-token', line)
    # fail_on_drift exits 2 on drift, which is what it is for.
    ok = (0, 2) if 'fail_on_drift=true' in line else (0,)
    return line, ok


def run_block(lines, cwd, env, simulator, log):
    """Run the lines in one bash session; each line's status is checked. Returns the session's output."""
    script = ['set -u']
    for line in lines:
        line, ok = prepare(line, simulator)
        script += ['echo "+ %s"' % line.replace('\\', '\\\\').replace('"', '\\"').replace('$', '\\$'),
                   line, 'status=$?',
                   'case " %s " in *" ${status} "*) ;; *) echo "FAILED (exit ${status}, expected %s): %s" >&2; '
                   'exit 1 ;; esac' % (' '.join(map(str, ok)), ' or '.join(map(str, ok)),
                                       line.replace("'", '').replace('"', ''))]
    script.append('jobs -p | xargs -r kill 2>/dev/null; wait 2>/dev/null; exit 0')
    done = subprocess.run(['bash', '-c', '\n'.join(script)], cwd=cwd, env=env, text=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=600, check=False)
    log.write(done.stdout)
    if done.returncode != 0:
        print(done.stdout)
        raise SystemExit('doc_commands: a documented command failed (above)')
    return done.stdout


def checkout_copy(repo, where):
    """The checkout as a fresh clone has it: git's tracked and untracked files, not the ignored ones."""
    dest = where / 'checkout'
    dest.mkdir()
    files = subprocess.run(['git', '-C', str(repo), 'ls-files', '-co', '--exclude-standard', '-z'],
                           stdout=subprocess.PIPE, check=True).stdout.split(b'\0')
    for name in filter(None, files):
        source = repo / os.fsdecode(name)
        if source.is_file():
            (dest / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / os.fsdecode(name))
    os.symlink(os.environ.get('VIRTUAL_ENV') or repo / '.venv', dest / '.venv')  # the pinned tools, built once
    return dest


def main():
    repo = pathlib.Path(sys.argv[1]).resolve()
    where = pathlib.Path(tempfile.mkdtemp(prefix='zadig-doc-commands.'))
    checkout = checkout_copy(repo, where)
    env = dict(os.environ, HOME=str(where / 'home'), ANSIBLE_NOCOLOR='1', ZADIG_VENV=str(checkout / '.venv'))
    for name in ('ANSIBLE_COLLECTIONS_PATH', 'ZADIG_URL', 'ZADIG_TOKEN', 'PYTHONWARNINGS'):
        env.pop(name, None)
    (where / 'home').mkdir()
    ran, skipped, seen = 0, [], set()
    simulator = Simulator(checkout)
    # A reader runs a document's later commands with the connection its earlier ones set up (README: "With ZADIG_URL
    # and ZADIG_TOKEN in the environment"); a block that exports its own keeps it for its lines.
    env.update(ZADIG_URL=simulator.url, ZADIG_TOKEN='doc-token')
    log = open(where / 'output.log', 'w', encoding='utf-8')  # pylint: disable=consider-using-with
    try:
        for path in documents(checkout):
            for lines in blocks(path.read_text(encoding='utf-8')):
                run = []
                for line in lines:
                    why = not_run(line)
                    if why:
                        skipped.append('%s: %s (%s)' % (path.relative_to(checkout), line, why))
                    elif line.split('#', 1)[0].strip() in seen and line.startswith(('bash ', 'ansible-doc ')):
                        continue  # bash scripts/demo, ansible-doc: in several documents, and once is enough
                    else:
                        seen.add(line.split('#', 1)[0].strip())
                        run.append(line)
                if not run:
                    continue
                print('--- %s: %s' % (path.relative_to(checkout), ' | '.join(run)))
                output = run_block(run, checkout, env, simulator, log)
                ran += len(run)
                if any(line.startswith('bash scripts/demo') for line in run):
                    noisy = [line for line in output.splitlines() if WARNING.search(line)]
                    if noisy:
                        raise SystemExit('doc_commands: the demo printed warnings that are not its story:\n'
                                         + '\n'.join(noisy))
                    hint = output.split('Use it against your own Zadig', 1)[1].splitlines()[1:]
                    hint = [line.split('#', 1)[0].strip() for line in hint if line.startswith('  ')]
                    print('--- scripts/demo\'s closing hint: %s' % ' | '.join(hint))
                    run_block(hint, checkout, env, simulator, log)
                    ran += len(hint)
        adopted = checkout / 'group_vars/all/zadig.yml'
        if not adopted.is_file() or 'zadig_registries:' not in adopted.read_text(encoding='utf-8'):
            raise SystemExit('doc_commands: adopt.yml -e adopt_file=group_vars/all/zadig.yml wrote no %s' % adopted)
    finally:
        log.close()
        simulator.stop()
    print('doc_commands: %d documented commands ran as written; not run here:' % ran)
    for line in skipped:
        print('  ' + line)
    shutil.rmtree(where, ignore_errors=True)


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    main()
