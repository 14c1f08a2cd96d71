"""Run the AWX drift-check job (docs/awx.md) through ansible-runner, AWX's job runner.

The job is what AWX hands ansible-runner for a job template on docs/examples/registries.yml with the inventory of
docs/examples/inventory.yml, the Zadig credential (docs/awx/zadig-credential-type.yml, its env and file injectors
rendered by the same awx_store/awx_inject as tests/unit/collection/test_awx_credential.py) and a "Harbor robot"
credential for the registry secret the playbook reads from DEMO_HARBOR_SECRET; Job Type "Check" is --check, Show
Changes is --diff, and zadig_registries_fail_on_drift is the template's extra variable. Process isolation is off,
so the /runner/... paths AWX renders for the execution environment are mapped to the private data dir on this host.

Jobs: apply the list (Run), a check without drift (successful, rc 0), a check with drift (failed, the failed event
carries the drift summary), then the negative control of the secret scan (a playbook that prints its secrets).

Then the reviewed-change workflow of docs/awx.md, as AWX runs it: a review job (Check) publishes its drift with
set_stats, AWX hands the job's artifacts to the apply job (Run) as extra variables, and the apply template maps
them to zadig_registries_expected_drift. Four flows: nothing changes between the jobs (the apply does exactly the
reviewed writes); the default is moved in Zadig between them (the apply fails, writing nothing); a registry that
purge would delete appears (refused); three Zadig hosts, one changed (only that host fails, the others apply).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import ssl
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version

import ansible_runner
import yaml
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

COLLECTIONS_PATH = os.environ['ANSIBLE_COLLECTIONS_PATH']
_AnsibleCollectionFinder(paths=COLLECTIONS_PATH.split(os.pathsep))._install()
from ansible_collections.zadig.core.tests.unit.collection.test_awx_credential import (  # noqa: E402  pylint: disable=wrong-import-position
    awx_inject, awx_store, on_host)

ROOT = os.path.join(COLLECTIONS_PATH.split(os.pathsep)[0], 'ansible_collections', 'zadig', 'core')
HERE = os.path.dirname(os.path.abspath(__file__))
HARBOR_SECRET = 'harbor-robot-secret-9d2f7c'  # the secret_key docs/examples/registries.yml reads from the env
STALE_SECRET = 'stale-server-secret-71c4e8'  # what the server holds for the harbor registry in the drift job
# A custom credential type for the registry secret, as an AWX admin would define it for the example playbook.
HARBOR_TYPE = {
    'inputs': {'fields': [{'id': 'secret_key', 'type': 'string', 'label': 'Robot secret', 'secret': True}],
               'required': ['secret_key']},
    'injectors': {'env': {'DEMO_HARBOR_SECRET': '{{ secret_key }}'}},
}
INJECTED = ('ZADIG_TOKEN', 'DEMO_HARBOR_SECRET')  # what the credentials put in the job's environment


LAST_STDOUT = []  # the stdout of the last job, printed when a check fails


def fail(message):
    for path in LAST_STDOUT[-1:]:
        with open(path, encoding='utf-8', errors='replace') as handle:
            print('--- stdout of the job (%s)\n%s---' % (path, handle.read()), file=sys.stderr)
    print('FAILED: %s' % message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class Sim:
    """The simulator's test-control API, over HTTPS with the test CA."""

    def __init__(self, url, ca_file):
        self.url = url
        self.context = ssl.create_default_context(cafile=ca_file)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, method=method, data=data,
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, context=self.context) as response:  # nosec: loopback test server
            return json.loads(response.read() or b'{}')

    def as_admin(self, method, path, body, token):
        """A call to Zadig's own API, as a person in Zadig's UI would make it."""
        request = urllib.request.Request(self.url + path, method=method, data=json.dumps(body).encode(),
                                         headers={'Content-Type': 'application/json',
                                                  'Authorization': 'Bearer %s' % token})
        with urllib.request.urlopen(request, context=self.context) as response:  # nosec: loopback test server
            return json.loads(response.read() or b'{}')

    def registries(self):
        return self.call('GET', '/_sim/registries')

    def writes(self):
        counts = self.call('GET', '/_sim/requests')['counts']
        self.call('DELETE', '/_sim/requests')
        return {route: count for route, count in counts.items() if not route.startswith(('GET ', 'HEAD '))}


def scan(artifact_dir, secrets):
    """Every (file, secret) where a secret occurs in the artifacts; the job's own environment in `command` aside.

    ansible-runner writes the environment it ran ansible-playbook with into `command` (mode 0600), so the values the
    credentials injected are there by design, as on an AWX execution node; anywhere else in `command` they are not.
    """
    found, files = [], []
    for folder, _dirs, names in os.walk(artifact_dir):
        for name in sorted(names):
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, artifact_dir)
            files.append(relative)
            with open(path, 'rb') as handle:
                text = handle.read().decode('utf-8', errors='replace')
            if relative == 'command':
                check(stat.S_IMODE(os.stat(path).st_mode) == 0o600, 'command is not private: %s' % path)
                record = json.loads(text)
                record['env'] = {key: value for key, value in record['env'].items() if key not in INJECTED}
                text = json.dumps(record)
            found.extend((relative, label) for label, secret in secrets.items() if secret in text)
    return found, files


def job(name, sim, base, ctype, credential, harbor, playbook, check_mode, fail_on_drift, execution, extra=None,
        inventory=None):
    """One AWX job in its own private data dir, as AWX gives each: inject the credentials, run ansible-runner.

    ``extra``: more extra variables (a workflow's artifacts, the template's own); ``inventory``: hosts instead of
    docs/examples/inventory.yml."""
    pdd = os.path.join(base, name)
    for source, dest in (('docs/examples/registries.yml', 'project/registries.yml'),
                         ('docs/examples/inventory.yml', 'inventory/hosts.yml'),
                         ('tests/integration/targets/awx_runner/leak.yml', 'project/leak.yml')):
        os.makedirs(os.path.dirname(os.path.join(pdd, dest)), exist_ok=True)
        shutil.copy(os.path.join(ROOT, source), os.path.join(pdd, dest))
    if inventory is not None:  # several Zadig servers: the example playbook on every host of the inventory
        with open(os.path.join(pdd, 'inventory', 'hosts.yml'), 'w', encoding='utf-8') as handle:
            json.dump({'all': {'hosts': inventory}}, handle)
        with open(os.path.join(pdd, 'project', 'registries.yml'), 'r+', encoding='utf-8') as handle:
            text = handle.read().replace('\n  hosts: localhost\n', '\n  hosts: all\n', 1)
            check('hosts: all' in text, 'docs/examples/registries.yml no longer targets localhost')
            handle.seek(0)
            handle.truncate()
            handle.write(text)
    zadig = awx_inject(ctype, awx_store(ctype, credential), pdd)
    robot = awx_inject(HARBOR_TYPE, awx_store(HARBOR_TYPE, harbor), pdd)
    envvars = {key: on_host(value, pdd) for key, value in dict(zadig.env, **robot.env).items()}
    envvars['ANSIBLE_COLLECTIONS_PATH'] = COLLECTIONS_PATH
    check(envvars['ZADIG_CA_PATH'].startswith(os.path.join(pdd, 'env') + os.sep), 'no CA file: %r' % envvars)
    extravars = dict({'zadig_registries_fail_on_drift': fail_on_drift}, **(extra or {}))
    if execution != 'auto':
        extravars['zadig_execution'] = execution
    cmdline = ' '.join(['--check'] * check_mode + ['--diff'] + zadig.args + robot.args)
    runner = ansible_runner.run(private_data_dir=pdd, ident=name, playbook=playbook,
                                inventory=os.path.join(pdd, 'inventory', 'hosts.yml'), envvars=envvars,
                                extravars=extravars, cmdline=cmdline, quiet=True, timeout=600)
    artifact_dir = os.path.join(pdd, 'artifacts', name)
    LAST_STDOUT.append(os.path.join(artifact_dir, 'stdout'))
    events = list(runner.events)
    counts = collections.Counter(event['event'] for event in events)
    print('job %-9s status=%s rc=%s events=%d %s'
          % (name, runner.status, runner.rc, len(events), dict(sorted(counts.items()))))
    with open(os.path.join(artifact_dir, 'command'), encoding='utf-8') as handle:
        command = json.load(handle)
    check(command['env']['ZADIG_TOKEN'] == zadig.env['ZADIG_TOKEN'] and command['env']['ZADIG_VALIDATE_CERTS'] ==
          'true', '%s: the credential did not reach the job' % name)
    with open(os.path.join(pdd, 'env', 'extravars'), encoding='utf-8') as handle:
        check('@' + handle.name in command['command'] and json.load(handle) == extravars,
              '%s: the extra variables %r are not in %r' % (name, extravars, command['command']))
    check(len(os.listdir(os.path.join(artifact_dir, 'job_events'))) == len(events),
          '%s: job_events/ and runner.events differ' % name)
    return runner, events, artifact_dir, sim.writes()


def role_results(events, kind):
    """The res of the role's module task in the runner_on_<kind> events, by host."""
    return {event['event_data']['host']: event['event_data']['res'] for event in events
            if event['event'] == 'runner_on_' + kind
            and event['event_data'].get('task_action') in ('zadig.core.zadig_registries', 'zadig_registries')}


def role_result(events, kind):
    """The res of the role's module task in the runner_on_<kind> events, of the one host."""
    results = list(role_results(events, kind).values())
    check(len(results) == 1, 'expected one runner_on_%s event of the role, got %d' % (kind, len(results)))
    return results[0]


def artifacts(events):
    """What set_stats published, as AWX reads it off the job's stats event and hands to the next workflow node."""
    stats = [event['event_data'] for event in events if event['event'] == 'playbook_on_stats']
    check(len(stats) == 1, 'expected one playbook_on_stats event, got %d' % len(stats))
    return stats[0].get('artifact_data') or {}


# The apply template's own extra variable (docs/awx.md): the review's artifact, mapped to the role's variable.
APPLY_TEMPLATE = {'zadig_registries_expected_drift': '{{ zadig_registries_reviewed_drift }}'}


def extra_simulators(count, work, ca, key, token):
    """More Zadig servers (simulators over HTTPS with the test CA), for the hosts of the multi-host flow."""
    processes, urls = [], []
    for number in range(count):
        port_file = os.path.join(work, 'port-%d' % number)
        processes.append(subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, os.path.join(ROOT, 'tests', 'simulator', 'zadig_simulator.py'), '--port', '0',
             '--port-file', port_file, '--admin-token', token, '--tls-cert', ca, '--tls-key', key],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for dummy in range(200):
            if os.path.exists(port_file) and os.path.getsize(port_file):
                break
            time.sleep(0.05)
        with open(port_file, encoding='ascii') as handle:
            urls.append('https://127.0.0.1:%s' % handle.read().strip())
    return processes, urls


def workflows(common, sim, token, ca, key, no_secret):
    """The reviewed-change workflow of docs/awx.md: review (Check), approval, apply (Run) with the review's drift."""
    def review(name, extra=None, **kwargs):
        runner, events, artifact_dir, writes = job(name, playbook='registries.yml', check_mode=True,
                                                   fail_on_drift=False, extra=dict(
                                                       {'zadig_registries_publish_drift': True}, **(extra or {})),
                                                   **dict(common, **kwargs))
        check(runner.status == 'successful' and runner.rc == 0, '%s: %s rc=%s' % (name, runner.status, runner.rc))
        check(not writes, '%s: the review wrote %s' % (name, writes))
        published = artifacts(events)
        check(set(published) == {'zadig_registries_reviewed_drift'}, '%s: published %r' % (name, published))
        no_secret(name, events, artifact_dir)
        return published

    def apply(name, published, extra=None, **kwargs):
        runner, events, artifact_dir, writes = job(name, playbook='registries.yml', check_mode=False,
                                                   fail_on_drift=False,
                                                   extra=dict(published, **APPLY_TEMPLATE, **(extra or {})),
                                                   **dict(common, **kwargs))
        no_secret(name, events, artifact_dir)
        return runner, events, writes

    # (a) Nothing changes between the jobs: the apply does exactly the reviewed writes.
    sim.call('POST', '/_sim/reset')
    sim.writes()
    published = review('review-a')
    reviewed = published['zadig_registries_reviewed_drift']
    check(list(reviewed) == ['localhost'] and len(reviewed['localhost']['create']) == 2, 'review-a: %r' % reviewed)
    runner, events, writes = apply('apply-a', published)
    check(runner.status == 'successful' and runner.rc == 0, 'apply-a: %s rc=%s' % (runner.status, runner.rc))
    check(role_result(events, 'ok')['drift'] == reviewed['localhost'], 'apply-a: another drift than reviewed')
    check(writes == {'POST /openapi/system/registry': 2}, 'apply-a: wrote %s, not the two reviewed creates' % writes)
    print('flow a: the apply did exactly the reviewed writes: %s' % writes)

    # (b) The default is moved in Zadig between the jobs: the apply fails and writes nothing.
    published = review('review-b')
    check(published['zadig_registries_reviewed_drift']['localhost']['in_sync'], 'review-b: not in sync')
    team_a = next(r for r in sim.registries() if r['reg_addr'].startswith('https://registry.team-a'))
    sim.as_admin('PUT', '/openapi/system/registry/%s' % team_a['id'], {
        'address': team_a['reg_addr'], 'namespace': team_a['namespace'], 'provider': team_a['reg_provider'],
        'region': '', 'is_default': True}, token)
    sim.writes()
    runner, events, writes = apply('apply-b', published)
    check(runner.status == 'failed' and runner.rc == 2, 'apply-b: %s rc=%s' % (runner.status, runner.rc))
    message = role_result(events, 'failed')['msg']
    check(message.startswith('the drift is not the reviewed one (expected_drift): not reviewed: update of registry '
                             'https://') and 'is_default' in message, 'apply-b: %r' % message)
    check(not writes, 'apply-b: wrote %s' % writes)
    print('flow b: the default moved between the jobs; the apply failed writing nothing: %s' % message)

    # (c) A registry that purge would delete appears between the jobs: refused.
    purge = {'zadig_registries_purge': True}
    sim.call('POST', '/_sim/reset')
    runner, events, _artifact_dir, writes = job('apply-c0', playbook='registries.yml', check_mode=False,
                                                fail_on_drift=False, **common)
    check(runner.status == 'successful', 'apply-c0: %s' % runner.status)
    published = review('review-c', purge)
    sim.call('POST', '/_sim/registries', {'address': 'https://stray.example.com', 'provider': 'native',
                                          'namespace': 'stray'})
    sim.writes()
    runner, events, writes = apply('apply-c', published, purge)
    message = role_result(events, 'failed')['msg']
    check(runner.status == 'failed' and 'not reviewed: delete of registry https://stray.example.com namespace '
          'stray' in message, 'apply-c: %s %r' % (runner.status, message))
    check(not writes and any(r['reg_addr'] == 'https://stray.example.com' for r in sim.registries()),
          'apply-c: wrote %s' % writes)
    print('flow c: a registry purge would delete appeared; refused: %s' % message)

    # (d) Three Zadig hosts, one changed between the jobs: only that host fails, the others apply.
    work = tempfile.mkdtemp(prefix='awx-hosts-')
    processes, urls = extra_simulators(2, work, ca, key, token)
    try:
        servers = [sim] + [Sim(url, ca) for url in urls]
        hosts = {'zadig-%d' % number: {'ansible_connection': 'local', 'zadig_url': server.url,
                                       'ansible_python_interpreter': '{{ ansible_playbook_python }}'}
                 for number, server in enumerate(servers)}
        for server in servers:
            server.call('POST', '/_sim/reset')
            server.writes()
        published = review('review-d', inventory=hosts)
        check(sorted(published['zadig_registries_reviewed_drift']) == sorted(hosts), 'review-d: %r' % published)
        servers[1].call('POST', '/_sim/registries', {'address': 'https://registry.team-a.example.com:5000',
                                                     'provider': 'harbor', 'namespace': 'team-a'})
        for server in servers:
            server.writes()
        runner, events, writes = apply('apply-d', published, inventory=hosts)
        failed, applied = role_results(events, 'failed'), role_results(events, 'ok')
        written = [server.writes() for server in servers]
        written[0] = dict(writes, **written[0])
        check(runner.status == 'failed' and sorted(failed) == ['zadig-1'] and sorted(applied) == ['zadig-0', 'zadig-2'],
              'apply-d: failed %s, applied %s' % (sorted(failed), sorted(applied)))
        check(not written[1] and all(w == {'POST /openapi/system/registry': 2} for w in (written[0], written[2])),
              'apply-d: writes per host %s' % written)
        print('flow d: three hosts, one changed: zadig-1 failed writing nothing (%s); zadig-0 and zadig-2 applied'
              % failed['zadig-1']['msg'])
    finally:
        for process in processes:
            process.terminate()
            process.wait()
        shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True)
    parser.add_argument('--ca', required=True)
    parser.add_argument('--token', required=True)
    parser.add_argument('--key', required=True, help='the TLS key of --ca, for the other Zadig servers of a flow')
    parser.add_argument('--execution', default='auto')
    args = parser.parse_args()

    sim = Sim(args.url, args.ca)
    with open(os.path.join(ROOT, 'docs', 'awx', 'zadig-credential-type.yml'), encoding='utf-8') as handle:
        ctype = yaml.safe_load(handle)
    with open(args.ca, encoding='ascii') as handle:
        pem = handle.read()
    # As created through the API: the token pasted with a newline, the CA certificate, skip_tls_verify not given.
    credential = {'zadig_url': args.url, 'zadig_token': args.token + '\n', 'ca_cert': pem}
    harbor = {'secret_key': HARBOR_SECRET}
    secrets = {'token': args.token, 'harbor secret_key': HARBOR_SECRET, 'stale server secret_key': STALE_SECRET}

    base = tempfile.mkdtemp(prefix='awx-runner-')
    common = dict(sim=sim, base=base, ctype=ctype, credential=credential, harbor=harbor, execution=args.execution)
    scanned = collections.Counter()

    def no_secret(name, events, artifact_dir):
        found, files = scan(artifact_dir, secrets)
        check(not found, '%s: secrets in the artifacts: %s' % (name, found))
        dumped = json.dumps(events)
        leaked = [label for label, secret in secrets.items() if secret in dumped]
        check(not leaked, '%s: secrets in the events: %s' % (name, leaked))
        scanned['files'] += len(files)
        scanned['events'] += len(events)
        scanned['jobs'] += 1
        others = sorted(path for path in files if not path.startswith('job_events' + os.sep))
        print('job %-9s no secret in %d events nor in %d artifact files (%d job_events/*.json, %s)'
              % (name, len(events), len(files), len(files) - len(others), ', '.join(others)))

    # 0. The "Run" template applies the list.
    sim.call('POST', '/_sim/reset')
    sim.writes()
    runner, events, artifact_dir, writes = job('apply', playbook='registries.yml', check_mode=False,
                                               fail_on_drift=False, **common)
    check(runner.status == 'successful' and runner.rc == 0, 'apply: %s rc=%s' % (runner.status, runner.rc))
    check(role_result(events, 'ok')['changed'] is True and writes, 'apply: nothing was written')
    no_secret('apply', events, artifact_dir)

    # 1. The drift check, in sync: green.
    runner, events, artifact_dir, writes = job('in-sync', playbook='registries.yml', check_mode=True,
                                               fail_on_drift=True, **common)
    check(runner.status == 'successful' and runner.rc == 0, 'in-sync: %s rc=%s' % (runner.status, runner.rc))
    result = role_result(events, 'ok')
    check(result['changed'] is False and result['drift']['in_sync'] is True, 'in-sync: %r' % result.get('drift'))
    check(not [event for event in events if event['event'] == 'runner_on_failed'], 'in-sync: a task failed')
    check(not writes, 'in-sync: the check wrote %s' % writes)
    no_secret('in-sync', events, artifact_dir)

    # 2. Drift: the harbor registry holds another secret and is no longer the default, team-a is gone.
    sim.call('POST', '/_sim/reset')
    sim.call('POST', '/_sim/registries', {'address': 'https://harbor.example.com', 'provider': 'harbor',
                                          'namespace': 'platform', 'is_default': False, 'access_key': 'robot$ci',
                                          'secret_key': STALE_SECRET, 'enable_tls': True})
    sim.writes()
    runner, events, artifact_dir, writes = job('drift', playbook='registries.yml', check_mode=True,
                                               fail_on_drift=True, **common)
    check(runner.status == 'failed' and runner.rc == 2, 'drift: %s rc=%s' % (runner.status, runner.rc))
    result = role_result(events, 'failed')
    message = result['msg']
    print('job drift     failed event: %s' % message)
    check(message.startswith('drift found: 1 to create, 1 to update, 0 to delete: ') and
          'update registry https://harbor.example.com namespace platform' in message and
          'is_default' in message and message.endswith('Nothing was written (fail_on_drift)'),
          'drift: the failed event does not carry the drift summary: %r' % message)
    drift = result['drift']
    check(drift['in_sync'] is False and [entry['namespace'] for entry in drift['create']] == ['team-a'] and
          sorted(drift['update'][0]['fields']) == ['is_default', 'secret_key'], 'drift: %r' % drift)
    check(not writes, 'drift: the check wrote %s' % writes)
    with open(os.path.join(artifact_dir, 'stdout'), encoding='utf-8') as handle:
        check('drift found: 1 to create' in handle.read(), 'drift: the summary is not in stdout')
    no_secret('drift', events, artifact_dir)

    # 3. The negative control: the scan finds secrets a job prints, in the events, stdout and job_events/.
    runner, events, artifact_dir, _writes = job('leak', playbook='leak.yml', check_mode=False, fail_on_drift=False,
                                                **common)
    check(runner.status == 'successful', 'leak: %s' % runner.status)
    found, _files = scan(artifact_dir, secrets)
    where = collections.defaultdict(set)
    for relative, label in found:
        where[label].add(relative.split(os.sep)[0])
    print('job leak      the scan found: %s' % {label: sorted(places) for label, places in where.items()})
    for label in ('token', 'harbor secret_key'):
        check({'stdout', 'job_events'} <= where[label], 'leak: the scan missed the %s: %s' % (label, found))
        check(secrets[label] in json.dumps(events), 'leak: the %s is not found in the events' % label)
    # ... and outside the injected environment in `command`.
    with open(os.path.join(artifact_dir, 'command'), encoding='utf-8') as handle:
        record = json.load(handle)
    record['cwd'] = args.token
    with open(os.path.join(artifact_dir, 'command'), 'w', encoding='utf-8') as handle:
        json.dump(record, handle)
    check(('command', 'token') in scan(artifact_dir, secrets)[0], 'leak: a token planted in command is missed')

    workflows(common, sim, args.token, args.ca, args.key, no_secret)

    shutil.rmtree(base)
    print('awx_runner: ansible-runner %s, 4 jobs and 4 review-and-apply workflows; no secret in %d events and %d '
          'artifact files of %d jobs; the negative control found every planted secret'
          % (version('ansible-runner'), scanned['events'], scanned['files'], scanned['jobs']))


if __name__ == '__main__':
    main()
