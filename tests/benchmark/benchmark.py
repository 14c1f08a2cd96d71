# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: the collection against hand-written ansible.builtin.uri playbooks, on the bundled simulator.

Prints the median wall time of real ansible-playbook runs, the HTTP requests
the simulator counted, and ratios: the registries role against a uri playbook
for N registries; a loop of zadig_registry (in the controller's process, and
as modules) against the same loop of uri tasks and a debug loop; one task
against an empty playbook; the role on 10 hosts against one. A script, not a
test: it asserts nothing, and says which of its speed and scale targets the
figures meet. Run it through scripts/benchmark, which sets up the venv and the
collection tree.
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

LOOP_PLAYBOOK = '''
- name: A loop of zadig_registry
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: One task per registry
      zadig.core.zadig_registry:
        address: "{{ item.address }}"
        namespace: "{{ item.namespace }}"
        provider: "{{ item.provider }}"
        is_default: "{{ item.is_default }}"
      loop: "{{ zadig_registries }}"
'''

URI_LOOP_PLAYBOOK = '''
- name: The same loop with ansible.builtin.uri, one request per item
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: One uri task per registry
      ansible.builtin.uri:
        url: "{{ zadig_url }}/openapi/system/registry"
        method: "{{ uri_method }}"
        headers: {Authorization: "Bearer {{ zadig_token }}"}
        body_format: json
        body: "{{ item if uri_method == 'POST' else omit }}"
      loop: "{{ zadig_registries }}"
'''

DEBUG_LOOP_PLAYBOOK = '''
- name: The floor, a debug loop
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One debug task per registry
      ansible.builtin.debug:
        msg: "{{ item.address }}"
      loop: "{{ zadig_registries }}"
'''

HOSTS_PLAYBOOK = '''
- name: The registries role on every Zadig of the inventory
  hosts: all
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  roles:
    - role: zadig.core.registries
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


INFO_PLAYBOOK = '''
- name: zadig_registry_info over every registry
  hosts: localhost
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Read them all
      zadig.core.zadig_registry_info:
        details: "{{ info_details }}"
'''

# Runs a command and prints the peak resident memory of its process tree (the largest process reaped), in KiB.
PEAK_WRAPPER = (
    'import resource, subprocess, sys\n'
    'code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False).returncode\n'
    'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n'
    'sys.exit(code)\n')


def desired(count, credentials=False):
    wanted = [{'address': 'https://reg-%d.bench.test' % i, 'namespace': 'ns%d' % i, 'provider': 'native',
               'region': '', 'is_default': i == 0} for i in range(count)]
    if credentials:
        for i, registry in enumerate(wanted):
            registry.update(access_key='robot-%d' % i, secret_key='bench secret %d' % i)
    return wanted


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
        """Reset, then store the registries (in one request); a ``drift`` share of them with another provider."""
        self.call('POST', '/_sim/reset')
        step = int(1 / drift) if drift else 0
        seeded = []
        for index, registry in enumerate(registries):
            provider = 'harbor' if step and index % step == step - 1 else registry['provider']
            seeded.append(dict(address=registry['address'], namespace=registry['namespace'], provider=provider,
                               is_default=registry['is_default'], access_key=registry.get('access_key', ''),
                               secret_key=registry.get('secret_key', '')))
        if seeded:
            self.call('POST', '/_sim/registries', seeded)
        self.call('DELETE', '/_sim/requests')

    def requests(self):
        return sum(self.call('GET', '/_sim/requests')['counts'].values())

    def stop(self):
        self.process.terminate()
        self.process.wait()


def play(playbook, extra_vars, env, options=(), peak=None):
    """Wall time of one ansible-playbook run; fails loudly if the playbook fails. With ``peak`` (a list), the run's
    peak memory in MiB is appended to it, measured by a wrapper process (its start-up is in the time too)."""
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        handle.write(playbook)
    with tempfile.NamedTemporaryFile('w', suffix='.json', delete=False) as variables:
        json.dump(extra_vars, variables)
    command = ['ansible-playbook', handle.name, '-e', '@' + variables.name, *options]
    if peak is not None:
        command = [sys.executable, '-c', PEAK_WRAPPER] + command
    start = time.perf_counter()
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    os.unlink(handle.name)
    os.unlink(variables.name)
    if finished.returncode:
        raise SystemExit('playbook failed:\n%s\n%s' % (finished.stdout[-3000:], finished.stderr[-3000:]))
    if peak is not None:
        peak.append(int(finished.stdout.split()[-1]) / 1024)
    return elapsed


def measure(sim, runs, prepare, playbook, extra_vars, env, options=(), peak=None):
    """Median wall time over ``runs`` runs, each from the state ``prepare`` sets, and the requests of the last."""
    times = []
    for dummy in range(runs):
        prepare()
        times.append(play(playbook, extra_vars, env, options, peak))
    return statistics.median(times), sim.requests()


def scale_rows(sim, runs, sizes, connection, env):
    """The role and zadig_registry_info on large servers: no drift with and without credentials compared, and 10%
    drift at the largest size; with the peak memory of ansible-playbook."""
    rows, figures = [], {}
    for count in sizes:
        cases = [('no drift', False, 0.0), ('no drift, credentials compared', True, 0.0)]
        if count == max(sizes):
            cases.append(('10% drift', False, 0.1))
        for label, credentials, drift in cases:
            wanted = desired(count, credentials)
            peak = []
            role = measure(sim, runs, lambda w=wanted, d=drift: sim.seed(w, d), ROLE_PLAYBOOK,
                           dict(connection, zadig_registries=wanted), env, peak=peak)
            rows.append(('registries role, %s' % label, count, role[0], role[1], max(peak)))
            figures[(count, label)] = (role[0], role[1], max(peak))
        for label, details in (('zadig_registry_info', False), ('zadig_registry_info, details: true', True)):
            wanted = desired(count, details)
            peak = []
            info = measure(sim, runs, lambda w=wanted: sim.seed(w), INFO_PLAYBOOK,
                           dict(connection, info_details=details), env, peak=peak)
            rows.append((label, count, info[0], info[1], max(peak)))
    return rows, figures


def scale_targets(figures, sizes):
    """The scale targets: the largest size against the smallest."""
    small, large = min(sizes), max(sizes)
    lines = []
    for label, requests in (('no drift', 1), ('no drift, credentials compared', 2)):
        if (small, label) not in figures or small == large:
            continue
        seconds, sent, peak = figures[(large, label)]
        lines.append(('role, %s, %d: at most 10x %d and under 15 s' % (label, large, small),
                      seconds <= 10 * figures[(small, label)][0] and seconds < 15,
                      '%.2f s (%.1fx)' % (seconds, seconds / figures[(small, label)][0])))
        lines.append(('... peak memory under 300 MiB', peak < 300, '%.0f MiB' % peak))
        lines.append(('... %d request(s)' % requests, sent == requests, '%d' % sent))
    return lines


def loop_rows(sim, runs, count, connection, env):
    """A loop of zadig_registry over ``count`` registries, on both paths, against uri and debug loops."""
    wanted = desired(count)
    variables = dict(connection, zadig_registries=wanted)
    rows, figures = [], {}
    figures['debug'] = measure(sim, runs, lambda: sim.seed(wanted), DEBUG_LOOP_PLAYBOOK, variables, env)
    rows.append(('debug loop (the floor)', count, *figures['debug'], None))
    for label, drift in (('no drift', 0.0), ('10% drift', 0.1), ('from empty', None)):
        prepare = (lambda: sim.seed([])) if drift is None else (lambda d=drift: sim.seed(wanted, d))
        uri = measure(sim, runs, prepare, URI_LOOP_PLAYBOOK,
                      dict(variables, uri_method='POST' if drift is None else 'GET'), env)
        here = measure(sim, runs, prepare, LOOP_PLAYBOOK, variables, env)
        rows.append(('uri loop, %s (%s per item)' % (label, 'POST' if drift is None else 'GET'), count, *uri, None))
        rows.append(('zadig_registry loop, ' + label, count, *here, uri[0]))
        figures[label] = (here, uri)
        if drift == 0.0:
            module = measure(sim, runs, prepare, LOOP_PLAYBOOK, dict(variables, zadig_execution='module'), env)
            rows.append(('zadig_registry loop as modules, ' + label, count, *module, uri[0]))
    return rows, figures


def hosts_rows(runs, count, hosts, env):
    """The role on ``hosts`` Zadig servers (one simulator each) with forks 5, against the role on one."""
    sims = [Simulator() for dummy in range(hosts)]
    wanted = desired(count)
    folder = tempfile.mkdtemp(prefix='zadig-bench-hosts-')
    rows, figures = [], {}
    try:
        for label, chosen in (('1 host', sims[:1]), ('%d hosts, forks 5' % hosts, sims)):
            inventory = os.path.join(folder, 'inventory-%d.yml' % len(chosen))
            with open(inventory, 'w', encoding='utf-8') as handle:
                json.dump({'all': {'hosts': {'zadig%d' % i: {'ansible_connection': 'local', 'zadig_url': sim.url,
                                                             'zadig_token': TOKEN}
                                             for i, sim in enumerate(chosen)}}}, handle)

            def prepare(chosen=chosen):
                for sim in chosen:
                    sim.seed(wanted)
            seconds, dummy = measure(chosen[0], runs, prepare, HOSTS_PLAYBOOK, {'zadig_registries': wanted}, env,
                                     ('-i', inventory, '-f', '5'))
            requests = sum(sim.requests() for sim in chosen)
            rows.append(('registries role, no drift, ' + label, count, seconds, requests,
                         figures.get('1 host')))
            figures['1 host' if len(chosen) == 1 else 'hosts'] = seconds
    finally:
        for sim in sims:
            sim.stop()
    return rows, figures


def targets(figures):
    """The speed targets, and whether this run's figures meet them."""
    lines = []
    here, uri = figures['no drift']
    lines.append(('zadig_registry loop of %d, no drift, at most 0.10x the uri loop' % figures['count'],
                  here[0] / uri[0] <= 0.10, '%.3fx' % (here[0] / uri[0])))
    lines.append(('... with at most one request per item', here[1] <= figures['count'], '%d requests' % here[1]))
    single, empty = figures['single'], figures['empty']
    lines.append(('one unchanged task at most 1.15x an empty playbook', single / empty <= 1.15,
                  '%.2fx' % (single / empty)))
    lines.append(('the role on %d hosts (forks 5) at most 2x one host' % figures['hosts count'],
                  figures['hosts'] / figures['1 host'] <= 2, '%.2fx' % (figures['hosts'] / figures['1 host'])))
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='10,100,500', help='registry counts, comma-separated')
    parser.add_argument('--runs', type=int, default=3, help='runs per measurement (the median is shown)')
    parser.add_argument('--max-uri-create', type=int, default=500,
                        help='skip the uri baseline from empty above this size (it takes ~0.43 s a registry)')
    parser.add_argument('--loop-size', type=int, default=100, help='registries in the loop scenarios')
    parser.add_argument('--hosts', type=int, default=10, help='Zadig servers (inventory hosts) in the hosts scenario')
    parser.add_argument('--scale', default='1000,10000',
                        help='registry counts of the scale rows (role and zadig_registry_info, with peak memory)')
    parser.add_argument('--scale-only', action='store_true', help='measure the scale rows alone')
    args = parser.parse_args(argv)
    sim = Simulator()
    # Bytecode is cached on a user's machine; a benchmark that compiled every file on every run would not show them.
    env = {key: value for key, value in os.environ.items() if key != 'PYTHONDONTWRITEBYTECODE'}
    env.update(ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
               ZADIG_URL=sim.url, ZADIG_TOKEN=TOKEN)
    connection = {'zadig_url': sim.url, 'zadig_token': TOKEN}
    rows = []
    figures = {'count': args.loop_size, 'hosts count': args.hosts}
    scale_sizes = [int(n) for n in args.scale.split(',')]
    if args.scale_only:
        try:
            scale, scale_figures = scale_rows(sim, args.runs, scale_sizes, connection, env)
        finally:
            sim.stop()
        return report_scale(scale, scale_figures, scale_sizes)
    try:
        empty = {'zadig_url': sim.url, 'zadig_token': TOKEN, 'zadig_registries': []}
        sim.seed(desired(100))
        play(SINGLE_PLAYBOOK, dict(connection, provider='native'), env)  # warm-up: writes the bytecode caches
        figures['empty'] = measure(sim, args.runs, lambda: sim.seed([]), '- hosts: localhost\n  gather_facts: false\n'
                                   '  tasks: []\n', empty, env)[0]
        rows.append(('empty playbook (ansible-playbook start-up)', 0, figures['empty'], 0, None))
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
            single = measure(sim, args.runs, lambda: sim.seed(wanted), SINGLE_PLAYBOOK,
                             dict(connection, provider=provider, zadig_url=sim.url), env)
            rows.append(('one zadig_registry task, ' + label, 100, *single, figures['empty']))
            figures.setdefault('single', single[0])
        loop, found = loop_rows(sim, args.runs, args.loop_size, connection, env)
        rows += loop
        figures.update(found)
        scale, scale_figures = scale_rows(sim, args.runs, scale_sizes, connection, env)
    finally:
        sim.stop()
    hosts, found = hosts_rows(args.runs, args.loop_size, args.hosts, env)
    rows += hosts
    figures.update(found)
    print('\n%-52s %5s %10s %9s %9s' % ('scenario', 'N', 'median s', 'requests', 'ratio'))
    for name, count, seconds, requests, baseline in rows:
        ratio = '%.3f' % (seconds / baseline) if seconds is not None and baseline else ''
        shown = '%.2f' % seconds if seconds is not None else 'skipped'
        print('%-52s %5s %10s %9s %9s' % (name, count, shown, '' if requests is None else requests, ratio))
    print('\n%d runs per measurement on %d cores. ratio: to the uri playbook (GET, then one POST or PUT per registry '
          'that differs) for the role, to the uri loop for the zadig_registry loops, to the empty playbook for one '
          'task, to one host for the hosts rows.' % (args.runs, os.cpu_count() or 0))
    print('\nIssue 13 targets:')
    for text, met, figure in targets(figures):
        print('  %-64s %-12s %s' % (text, figure, 'met' if met else 'NOT MET'))
    return report_scale(scale, scale_figures, scale_sizes)


def report_scale(scale, figures, sizes):
    print('\n%-52s %6s %10s %9s %9s' % ('scale', 'N', 'median s', 'requests', 'peak MiB'))
    for name, count, seconds, requests, peak in scale:
        print('%-52s %6s %10.2f %9s %9.0f' % (name, count, seconds, requests, peak))
    print('\nIssue 21 targets:')
    for text, met, figure in scale_targets(figures, sizes):
        print('  %-64s %-16s %s' % (text, figure, 'met' if met else 'NOT MET'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
