# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: the registries role against a hand-written ansible.builtin.uri playbook, on the bundled simulator.

Prints, for N registries, the median wall time of real ansible-playbook runs,
the HTTP requests the simulator counted, and the ratio to the uri baseline.
A script, not a test: it asserts nothing. Run it through scripts/benchmark,
which sets up the venv and the collection tree.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SIMULATOR = os.path.join(HERE, '..', 'simulator', 'zadig_simulator.py')
TOKEN = 'benchmark-admin-token'

ROLE_PLAYBOOK = '''
- name: The registries role
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  roles:
    - role: zadig.core.registries
'''

URI_PLAYBOOK = '''
- name: What users write without the collection
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    headers: {Authorization: "Bearer {{ zadig_token }}"}
  tasks:
    - name: Read the registries
      ansible.builtin.uri:
        url: "{{ zadig_url }}/openapi/system/registry"
        headers: "{{ headers }}"
      register: current

    - name: Index them by address and namespace
      ansible.builtin.set_fact:
        existing: "{{ dict(current.json | map(attribute='address') | zip(current.json | map(attribute='namespace'))
                      | map('join', '|') | zip(current.json)) }}"

    - name: Create the missing ones
      ansible.builtin.uri:
        url: "{{ zadig_url }}/openapi/system/registry"
        method: POST
        headers: "{{ headers }}"
        body_format: json
        body: "{{ item }}"
      loop: "{{ zadig_registries }}"
      when: (item.address ~ '|' ~ item.namespace) not in existing

    - name: Update the ones that differ
      ansible.builtin.uri:
        url: "{{ zadig_url }}/openapi/system/registry/{{ existing[key].registry_id }}"
        method: PUT
        headers: "{{ headers }}"
        body_format: json
        body: "{{ item }}"
      loop: "{{ zadig_registries }}"
      vars:
        key: "{{ item.address ~ '|' ~ item.namespace }}"
      when: key in existing and (existing[key].provider != item.provider or existing[key].is_default != item.is_default)
'''

SINGLE_PLAYBOOK = '''
- name: One zadig_registry task
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: One registry
      zadig.core.zadig_registry:
        address: https://reg-1.bench.test
        namespace: ns1
        provider: "{{ provider }}"
'''


def desired(count):
    return [{'address': 'https://reg-%d.bench.test' % i, 'namespace': 'ns%d' % i, 'provider': 'native',
             'region': '', 'is_default': i == 0} for i in range(count)]


class Simulator:
    """The bundled simulator as a separate process on a free loopback port, driven through its /_sim/ routes."""

    def __init__(self):
        folder = tempfile.mkdtemp(prefix='zadig-bench-')
        port_file = os.path.join(folder, 'port')
        self.process = subprocess.Popen([sys.executable, SIMULATOR, '--port', '0', '--port-file', port_file,
                                         '--admin-token', TOKEN], stdout=subprocess.DEVNULL)
        for dummy in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file, encoding='utf-8') as handle:
            self.url = 'http://127.0.0.1:%s' % handle.read().strip()

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    def seed(self, registries, drift=0.0):
        """Reset, then store the registries; a ``drift`` share of them with another provider."""
        self.call('POST', '/_sim/reset')
        step = int(1 / drift) if drift else 0
        for index, registry in enumerate(registries):
            provider = 'harbor' if step and index % step == step - 1 else registry['provider']
            self.call('POST', '/_sim/registries', dict(address=registry['address'], namespace=registry['namespace'],
                                                       provider=provider, is_default=registry['is_default']))
        self.call('DELETE', '/_sim/requests')

    def requests(self):
        return sum(self.call('GET', '/_sim/requests')['counts'].values())

    def stop(self):
        self.process.terminate()
        self.process.wait()


def play(playbook, extra_vars, env):
    """Wall time of one ansible-playbook run; fails loudly if the playbook fails."""
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        handle.write(playbook)
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as variables:
        json.dump(extra_vars, variables)
    start = time.perf_counter()
    finished = subprocess.run(['ansible-playbook', handle.name, '-e', '@' + variables.name], env=env,
                              capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    os.unlink(handle.name)
    os.unlink(variables.name)
    if finished.returncode:
        raise SystemExit('playbook failed:\n%s\n%s' % (finished.stdout[-3000:], finished.stderr[-3000:]))
    return elapsed


def measure(sim, runs, prepare, playbook, extra_vars, env):
    """Median wall time over ``runs`` runs, each from the state ``prepare`` sets, and the requests of the last."""
    times = []
    for dummy in range(runs):
        prepare()
        times.append(play(playbook, extra_vars, env))
    return statistics.median(times), sim.requests()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='10,100,500', help='registry counts, comma-separated')
    parser.add_argument('--runs', type=int, default=3, help='runs per measurement (the median is shown)')
    parser.add_argument('--max-uri-create', type=int, default=500,
                        help='skip the uri baseline from empty above this size (it takes ~0.43 s a registry)')
    args = parser.parse_args(argv)
    sim = Simulator()
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ZADIG_URL=sim.url, ZADIG_TOKEN=TOKEN)
    connection = {'zadig_url': sim.url, 'zadig_token': TOKEN}
    rows = []
    try:
        empty = {'zadig_url': sim.url, 'zadig_token': TOKEN, 'zadig_registries': []}
        rows.append(('empty playbook (ansible-playbook start-up)', 0,
                     *measure(sim, args.runs, lambda: sim.seed([]), '- hosts: localhost\n  gather_facts: false\n'
                              '  tasks: []\n', empty, env), None))
        for count in [int(n) for n in args.sizes.split(',')]:
            wanted = desired(count)
            variables = dict(connection, zadig_registries=wanted)
            for label, drift in (('no drift', 0.0), ('10% drift', 0.1), ('from empty', None)):
                prepare = (lambda: sim.seed([])) if drift is None else (lambda d=drift: sim.seed(wanted, d))
                if drift is None and count > args.max_uri_create:
                    uri = (None, None)
                else:
                    uri = measure(sim, args.runs, prepare, URI_PLAYBOOK, variables, env)
                role = measure(sim, args.runs, prepare, ROLE_PLAYBOOK, variables, env)
                rows.append(('uri baseline, ' + label, count, uri[0], uri[1], None))
                rows.append(('registries role, ' + label, count, role[0], role[1], uri[0]))
        wanted = desired(100)
        for label, provider in (('unchanged', 'native'), ('changed', 'harbor')):
            rows.append(('one zadig_registry task, ' + label, 100,
                         *measure(sim, args.runs, lambda: sim.seed(wanted), SINGLE_PLAYBOOK,
                                  dict(connection, provider=provider, zadig_url=sim.url), env), None))
    finally:
        sim.stop()
    print('\n%-46s %5s %10s %9s %9s' % ('scenario', 'N', 'median s', 'requests', 'x uri'))
    for name, count, seconds, requests, baseline in rows:
        ratio = '%.2f' % (seconds / baseline) if seconds is not None and baseline else ''
        shown = '%.2f' % seconds if seconds is not None else 'skipped'
        print('%-46s %5s %10s %9s %9s' % (name, count, shown, '' if requests is None else requests, ratio))
    print('\n%d runs per measurement on %d cores; uri baseline: GET, then one POST or PUT per registry that differs.'
          % (args.runs, os.cpu_count() or 0))
    return 0


if __name__ == '__main__':
    sys.exit(main())
