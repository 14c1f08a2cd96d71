# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault matrix: every fault on every request a task makes, over real HTTP to the simulator.

For each case the task must either succeed with the server as asked, or fail with
a message naming the registry and the cause; the server must never end with a
duplicate, nor with a change the result does not report (a result may say that
Zadig may still apply a write it did not answer: then either end is honest).
The table of cases and outcomes goes to tests/output/reports/fault-matrix.txt.
"""

from __future__ import annotations

import os
import time

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry
from ansible_collections.zadig.core.plugins.module_utils._registry import normalise_address
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer

TOKEN = 'fault-admin-token'
TIMEOUT = 0.3
SLOW = 0.6
KEY = ('https://harbor.example.com', 'platform')
TASKS = {
    'create': {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'},
    'update': {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'native'},
    'delete': {'address': 'https://harbor.example.com', 'namespace': 'platform', 'state': 'absent'},
}
# operation: (task, registry on the server beforehand, method, path of the faulty request)
OPERATIONS = {
    'list': ('create', False, 'GET', OPENAPI),
    'create': ('create', False, 'POST', OPENAPI),
    'update': ('update', True, 'PUT', OPENAPI + '/.*'),
    'delete': ('delete', True, 'DELETE', INTERNAL + '/.*'),
    'who uses it': ('delete', True, 'GET', INTERNAL + '/.*/references'),
    'in use, v4.1': ('delete', 'in use', 'DELETE', INTERNAL + '/.*'),
}
VERSION = {'who uses it': 'v4.2'}
FAULTS = {
    '503 once': dict(kind='status', status=503, count=1),
    '503 always': dict(kind='status', status=503, count=99),
    '502 once': dict(kind='status', status=502, count=1),
    '504 once': dict(kind='status', status=504, count=1),
    'dropped connection once': dict(kind='drop', count=1),
    'dropped connection always': dict(kind='drop', count=99),
    'answer after timeout once': dict(kind='latency', delay=SLOW, count=1),
    'answer after timeout always': dict(kind='latency', delay=SLOW, count=99),
    'commit then 500': dict(kind='commit_then_500', count=1),
    'commit then dropped connection': dict(kind='commit_then_drop', count=1),
    'proxy HTML 502 once': dict(kind='html', status=502, count=1),
    'proxy HTML 502 always': dict(kind='html', status=502, count=99),
    'login page with 200': dict(kind='html', status=200, count=1),
    'truncated answer': dict(kind='truncate', count=1),
    'answer trickling in once': dict(kind='trickle', keep=8, delay=0.1, count=1),
    'answer trickling in always': dict(kind='trickle', keep=8, delay=0.1, count=99),
    '429 once, Retry-After 0': dict(kind='status', status=429, count=1, headers={'Retry-After': '0'}),
    '503 always, Retry-After 3600': dict(kind='status', status=503, count=99, headers={'Retry-After': '3600'}),
    'JSON of another shape': dict(kind='malformed', body=[None, 1, 'x'], count=1),
}
REPORT = os.path.join('tests', 'output', 'reports', 'fault-matrix.txt')


def matching(sim):
    return [r for r in sim.registries
            if (normalise_address(r['reg_addr']), r['namespace'].strip()) == KEY]


def desired_state_reached(task_name, sim):
    found = matching(sim)
    if any(doc['id'] in sim.envs_using for doc in found):
        return False
    if task_name == 'create':
        return len(found) == 1
    if task_name == 'update':
        return len(found) == 1 and found[0]['reg_provider'] == 'native'
    return not found


def run_case(operation, fault_name):
    task_name, existing, method, path = OPERATIONS[operation]
    sim = Simulator(admin_tokens=[TOKEN], version=VERSION.get(operation, 'v4.1'))
    if existing:
        doc = sim.seed('https://harbor.example.com', provider='harbor', namespace='platform', is_default=True)
        if existing == 'in use':
            sim.add_env(doc['id'], project_name='shop', env_name='prod')
    before = sim.snapshot()
    spec = dict(FAULTS[fault_name])
    sim.add_fault(spec.pop('kind'), method=method, path=path, **spec)
    server = SimulatorServer(sim).start()
    try:
        client = ZadigClient(server.url, TOKEN, timeout=TIMEOUT, retries=3, backoff=0.01)
        try:
            result = ensure_registry(client, dict(TASKS[task_name]))
            outcome, changed, message = 'ok', result['changed'], ''
        except TaskError as exc:
            outcome, changed, message = 'failed', exc.result.get('changed'), str(exc)
        time.sleep(SLOW if 'timeout' in fault_name or 'trickling' in fault_name else 0)
        after = sim.snapshot()
        writes = sum(1 for entry in sim.log if entry[0] != 'GET')
    finally:
        server.stop()
    problems = []
    if len(matching(sim)) > 1:
        problems.append('duplicate registry')
    server_changed = after != before
    if outcome == 'ok' and not desired_state_reached(task_name, sim):
        problems.append('succeeded but the server does not hold what was asked')
    if outcome == 'failed':
        if TASKS[task_name].get('address') not in message:
            problems.append('message does not name the registry')
        if not any(word in message for word in ('HTTP ', 'cannot reach', 'no answer', 'cut off', 'unexpected answer',
                                                'an environment uses it', 'did not arrive in full')):
            problems.append('message gives no cause')
        if server_changed != bool(changed) and 'may still apply' not in message:
            problems.append('server changed=%s but the result says changed=%s' % (server_changed, changed))
    return dict(operation=operation, fault=fault_name, outcome=outcome, changed=changed, writes=writes,
                server_changed=server_changed, message=message, problems=problems)


def test_fault_matrix():
    rows = []
    for operation in OPERATIONS:
        for fault_name in FAULTS:
            if fault_name.startswith('commit') and operation in ('list', 'who uses it'):
                continue
            rows.append(run_case(operation, fault_name))
    columns = ('request', 'fault', 'outcome', 'changed', 'writes', 'server changed', 'message / problems')
    table = ['%-12s %-31s %-7s %-8s %-7s %-14s %s' % columns]
    for row in rows:
        note = '; '.join(row['problems']) or row['message'][:110]
        table.append('%-12s %-31s %-7s %-8s %-7s %-14s %s' % (
            row['operation'], row['fault'], row['outcome'], row['changed'], row['writes'], row['server_changed'], note))
    table.append('%d faults tried: %d succeeded, %d failed cleanly, %d broke a promise'
                 % (len(rows), sum(r['outcome'] == 'ok' for r in rows),
                    sum(r['outcome'] == 'failed' and not r['problems'] for r in rows),
                    sum(bool(r['problems']) for r in rows)))
    os.makedirs(os.path.dirname(REPORT), exist_ok=True)
    with open(REPORT, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(table) + '\n')
    broken = [r for r in rows if r['problems']]
    assert not broken, '\n'.join(table)
