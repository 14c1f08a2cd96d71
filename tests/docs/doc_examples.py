# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exercise every ```yaml block of README.md, docs/*.md and roles/registries/README.md as written.

tests/docs/doc_commands.py runs the documents' shell commands, but nothing ran their YAML: a playbook, a task or an
AWX object could stop working while its page still showed it. Each block is read from its document, so an edit of
the docs is tested too, and must match one entry of EXAMPLES (which scenario exercises it, and how) or of NOT_RUN
(why not); any other block fails the run, as does an entry whose block is gone.

Playbooks, tasks and role variables run with ansible-playbook against the bundled simulator on loopback, with
docs/examples/inventory.yml: in check mode, which must write nothing, then applied where the page applies them,
and Zadig must then hold what they declare. What a reader replaces is replaced, and only that: Zadig's example
address; the vault variables the examples name are given as extra vars. The AWX objects run against a stand-in
awx.awx that records what Ansible hands each module, which must be awx.awx's options naming this collection's
credential type, playbooks, role variables and execution environment. No run may print a line containing
"warning": none of these examples expects one, not even one of the collection's own.

Usage: python tests/docs/doc_examples.py REPO [SCENARIO...]   (with the main venv's tools on PATH; 11 playbook runs,
about 30 CPU-seconds, two scenarios at a time; a SCENARIO is a function SCENARIOS lists, by default all)
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pathlib
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
import urllib.request

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

DOCUMENTS = ('README.md', 'docs/*.md', 'roles/registries/README.md')
FENCE = re.compile(r'^(?P<indent> *)```(?:yaml|yml)\n(?P<body>.*?)^(?P=indent)```', re.M | re.S)
BASH = re.compile(r'^```bash\n(.*?)^```', re.M | re.S)
# name: (document, what the block starts with, how it is exercised)
EXAMPLES = {
    'readme': ('README.md', r'- name: Zadig image registries\n  hosts:',
               'check run writes nothing; applied, Zadig holds it; module_defaults the only connection'),
    'role_readme': ('roles/registries/README.md', r'- name: Zadig registries\n',
                    'the role validates its variables; check run writes nothing; applied, purge leaves the list'),
    'guide_module_defaults': ('docs/user-guide.md', r'module_defaults:\n',
                              "the play keywords of the next block's play"),
    'guide_task': ('docs/user-guide.md', r'- name: The company Harbor is the default registry\n',
                   'in a play: check run writes nothing; applied; unchanged on a rerun'),
    'guide_role': ('docs/user-guide.md', r'- hosts: localhost\n',
                   'the role validates its variables; check run writes nothing; applied; unchanged on a rerun'),
    'guide_rotate': ('docs/user-guide.md', r"- name: Rotate the Harbor robot's secret\n",
                     'in a play after those two: reports a change once, then unchanged'),
    'guide_drift': ('docs/user-guide.md', r'zadig_registries_drift:\n',
                    "the keys of the report the drift check below writes, each list's entries too"),
    'guide_drift_check': ('docs/user-guide.md', r'- name: Zadig drift check\n',
                          'as drift-check.yml, by the CI step before it as written: exit 2 on drift, the report '
                          'and a JUnit file in reports/, nothing written'),
    'awx_ee': ('docs/awx.md', r'---\nversion: 3\n',
               "parsed: format 3; zadig.core's version and ansible-core's minimum are galaxy.yml's and "
               "meta/runtime.yml's; the collection's EE metadata names requests and cryptography"),
    'awx_credential_type': ('docs/awx.md', r'- name: Zadig credential type\n',
                            'against a recording awx.awx: it hands AWX docs/awx/zadig-credential-type.yml'),
    'awx_credential': ('docs/awx.md', r'- name: Zadig credential\n',
                       'against a recording awx.awx: fields of the credential type above'),
    'awx_drift_check': ('docs/awx.md', r'- name: Zadig registries, drift check\n',
                        'against a recording awx.awx: a check template on a playbook of this collection with the '
                        "role's fail_on_drift, the EE above; the schedule names it"),
    'awx_workflow': ('docs/awx.md', r'- name: Review\n',
                     'against a recording awx.awx: review publishes, apply gets the published drift literally, '
                     'the nodes name these templates and an approval'),
    'awx_reviewed_drift': ('docs/awx.md', r'    - name: Keep the reviewed drift for the apply step\n',
                           'appended to docs/examples/registries.yml and run by the two CI steps before it as '
                           'written: the review writes nothing but reviewed-drift.json, the apply applies it'),
}
# (document, what the block starts with): why it is not exercised. Empty: every block is.
NOT_RUN: dict = {}
EXAMPLE_URL = 'https://zadig.example.com'
TOKEN = 'doc-token'
VAULT = {'vault_zadig_token': TOKEN, 'vault_harbor_secret': 'robot-secret', 'vault_harbor_secret_2027': 'robot-2027'}
WARNING = re.compile(r'warning', re.I)
# awx.awx's options, aliases included (AWX 24.6.1, awx_collection/plugins/modules/ and module_utils/controller_api.py).
AWX_AUTH = set('controller_host tower_host controller_username tower_username controller_password tower_password '
               'validate_certs tower_verify_ssl request_timeout controller_oauthtoken tower_oauthtoken '
               'controller_config_file tower_config_file'.split())
AWX_OPTIONS = {name: set(options.split()) | AWX_AUTH for name, options in {
    'credential_type': 'description injectors inputs kind name new_name state',
    'credential': 'copy_from credential_type description inputs name new_name organization state team update_secrets '
                  'user',
    'job_template': 'allow_simultaneous ask_credential ask_credential_on_launch ask_diff_mode ask_diff_mode_on_launch '
                    'ask_execution_environment ask_execution_environment_on_launch ask_extra_vars ask_forks '
                    'ask_forks_on_launch ask_instance_groups ask_instance_groups_on_launch ask_inventory '
                    'ask_inventory_on_launch ask_job_slice_count ask_job_slice_count_on_launch ask_job_type '
                    'ask_job_type_on_launch ask_labels ask_labels_on_launch ask_limit ask_limit_on_launch '
                    'ask_scm_branch_on_launch ask_skip_tags ask_skip_tags_on_launch ask_tags ask_tags_on_launch '
                    'ask_timeout ask_timeout_on_launch ask_variables_on_launch ask_verbosity ask_verbosity_on_launch '
                    'become_enabled concurrent_jobs_enabled copy_from credential credentials custom_virtualenv '
                    'description diff_mode diff_mode_enabled execution_environment extra_vars fact_caching_enabled '
                    'force_handlers force_handlers_enabled forks host_config_key instance_groups inventory '
                    'job_slice_count job_tags job_type labels limit name new_name notification_templates_error '
                    'notification_templates_started notification_templates_success organization playbook '
                    'prevent_instance_group_fallback project scm_branch skip_tags start_at_task state survey_enabled '
                    'survey_spec timeout use_fact_cache vault_credential verbosity webhook_credential webhook_service',
    'schedule': 'credentials description diff_mode enabled execution_environment extra_data forks instance_groups '
                'inventory job_slice_count job_tags job_type labels limit name new_name organization rrule scm_branch '
                'skip_tags state timeout unified_job_template verbosity',
    'workflow_job_template': 'allow_simultaneous ask_inventory_on_launch ask_labels ask_labels_on_launch '
                             'ask_limit_on_launch ask_scm_branch_on_launch ask_skip_tags ask_skip_tags_on_launch '
                             'ask_tags ask_tags_on_launch ask_variables_on_launch copy_from description '
                             'destroy_current_nodes destroy_current_schema extra_vars inventory job_tags labels limit '
                             'name new_name notification_templates_approvals notification_templates_error '
                             'notification_templates_started notification_templates_success organization schema '
                             'scm_branch skip_tags state survey survey_enabled survey_spec webhook_credential '
                             'webhook_service workflow_nodes',
}.items()}
# The keys of workflow_nodes[], of its unified_job_template and related: the argument spec does not list them, so
# awx.awx ignores any other.
AWX_NODE = set('all_parents_must_converge diff_mode execution_environment extra_data forks identifier inventory '
               'job_slice_count job_tags job_type limit related scm_branch skip_tags state timeout '
               'unified_job_template verbosity'.split())
AWX_NODE_TEMPLATE = {'description', 'inventory', 'name', 'organization', 'timeout', 'type'}
AWX_NODE_RELATED = {'always_nodes', 'credentials', 'failure_nodes', 'instance_groups', 'labels', 'success_nodes'}
AWX_RECORDER = '''
import json
import os

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        with open(os.environ['DOC_EXAMPLES_AWX_LOG'], 'a', encoding='utf-8') as log:
            log.write(json.dumps({'module': self._task.action, 'args': self._task.args}) + '\\n')
        return {'changed': True}
'''
SIMULATORS = []


class Failure(Exception):
    """An example does not do what its page says."""


def expect(condition, message):
    if not condition:
        raise Failure(message)


class Block:
    """A fenced YAML block, without the indentation of its fence (a block in a list item)."""

    def __init__(self, doc, page, match):
        self.doc, self.page, self.start = doc, page, match.start()
        self.line = page.count('\n', 0, match.start()) + 1
        indent = match.group('indent')
        self.text = ''.join(line[len(indent):] if line.startswith(indent) else line
                            for line in match.group('body').splitlines(True))

    def where(self):
        return '%s:%d' % (self.doc, self.line)

    def commands_before(self):
        """The commands of the last ```bash block above this one, continuation lines joined."""
        found = list(BASH.finditer(self.page, 0, self.start))
        expect(found, '%s: no ```bash block above it runs it' % self.where())
        lines = (line.strip() for line in found[-1].group(1).replace('\\\n', ' ').splitlines())
        return [line for line in lines if line and not line.startswith('#')]


def catalogue(root):
    """Each EXAMPLES name with its block, and the blocks NOT_RUN names (with why); fails on a block no entry names
    and on an entry whose block is gone."""
    found, not_run, problems = {}, [], []
    for pattern in DOCUMENTS:
        for path in sorted(root.glob(pattern)):
            doc = str(path.relative_to(root))
            page = path.read_text(encoding='utf-8')
            for match in FENCE.finditer(page):
                block = Block(doc, page, match)
                names = [name for name, (where, start, _how) in EXAMPLES.items()
                         if where == doc and re.match(start, block.text)]
                skipped = [why for (where, start), why in NOT_RUN.items()
                           if where == doc and re.match(start, block.text)]
                if len(names) + len(skipped) != 1 or (names and names[0] in found):
                    problems.append('%s: matches %s: give it one entry in EXAMPLES (how it is exercised) or in NOT_RUN '
                                    '(why not)' % (block.where(), names + skipped or 'no entry'))
                elif names:
                    found[names[0]] = block
                else:
                    not_run.append('%s: %s' % (block.where(), skipped[0]))
    problems += ['EXAMPLES[%r]: %s has no such block any more' % (name, EXAMPLES[name][0])
                 for name in EXAMPLES if name not in found]
    if problems:
        raise SystemExit('doc_examples:\n  ' + '\n  '.join(problems))
    return found, not_run


class Simulator:
    """The bundled Zadig simulator on a free loopback port, with its test-control routes."""

    def __init__(self, repo, where):
        port_file = where / ('simulator-port-%d' % len(SIMULATORS))
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, str(repo / 'tests/simulator/zadig_simulator.py'), '--port', '0', '--port-file',
             str(port_file), '--admin-token', TOKEN], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        SIMULATORS.append(self)
        for _attempt in range(400):
            if port_file.is_file():
                break
            time.sleep(0.05)
        expect(port_file.is_file(), 'the simulator did not start')
        self.url = 'http://127.0.0.1:%s' % port_file.read_text(encoding='ascii').strip()

    def control(self, method, path, body=None):
        request = urllib.request.Request(self.url + path, method=method, headers={'Content-Type': 'application/json'},
                                         data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def seed(self, **registry):
        return self.control('POST', '/_sim/registries', registry)

    def writes(self):
        return [entry for entry in self.control('GET', '/_sim/requests')['log']
                if entry[0] in ('POST', 'PUT', 'DELETE', 'PATCH')]

    def holds(self, entries, exactly=False):
        """Fail unless Zadig holds each entry (its provider and default flag as given), none with state absent, and
        (exactly) nothing else."""
        stored = {(doc['reg_addr'], doc['namespace']): doc for doc in self.control('GET', '/_sim/registries')}
        wanted, problems = set(), []
        for entry in entries:
            key = (entry['address'], entry.get('namespace', ''))
            if entry.get('state') == 'absent':
                if key in stored:
                    problems.append('%s %s is still there' % key)
                continue
            wanted.add(key)
            doc = stored.get(key)
            if doc is None:
                problems.append('%s %s is missing' % key)
                continue
            for option, field in (('provider', 'reg_provider'), ('is_default', 'is_default')):
                if option in entry and doc[field] != entry[option]:
                    problems.append('%s %s: %s is %r, not %r' % (key + (option, doc[field], entry[option])))
        if exactly:
            problems += ['%s %s should be gone' % key for key in sorted(set(stored) - wanted)]
        expect(not problems, 'Zadig does not hold what the example declares: ' + '; '.join(problems))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


class Scenario:
    """One scenario's work directory (with the documented inventory and the reader's vault variables), its
    environment, simulators and log."""

    def __init__(self, name, repo, where, blocks, env):
        self.name, self.repo, self.blocks, self.env, self.log = name, repo, blocks, dict(env), []
        self.dir = where / name
        self.dir.mkdir()
        self.write('inventory.yml', (repo / 'docs/examples/inventory.yml').read_text(encoding='utf-8'))
        self.write('vault.yml', yaml.safe_dump(VAULT))

    def write(self, name, text):
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding='utf-8')
        return path

    def simulator(self, connect=True):
        """A simulator; connect: ZADIG_URL and ZADIG_TOKEN point at it, as the documents have readers export."""
        sim = Simulator(self.repo, self.dir)
        if connect:
            self.env.update(ZADIG_URL=sim.url, ZADIG_TOKEN=TOKEN)
        return sim

    def run(self, command, status=(0,)):
        """Run a command in the work directory; its exit status must be one of status, and it must print no
        warning. Returns its output."""
        done = subprocess.run(command, cwd=self.dir, env=self.env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=600, check=False)
        self.log.append('$ %s\n%s' % (' '.join(command), done.stdout))
        expect(done.returncode in status, '%s exited %d, not %s' % (' '.join(command), done.returncode, status))
        noisy = [line for line in done.stdout.splitlines() if WARNING.search(line)]
        expect(not noisy, 'it printed warnings:\n' + '\n'.join(noisy))
        return done.stdout

    def play(self, *args):
        return self.run(['ansible-playbook', '-i', 'inventory.yml', '-e', '@vault.yml'] + list(args))

    def bash(self, lines, status=(0,)):
        return self.run(['bash', '-c', 'set -e\n' + '\n'.join(lines)], status)


def tasks_of(output):
    """Each task's statuses in the default callback's output (task name: ['ok', 'changed', ...])."""
    tasks, task = {}, None
    for line in output.splitlines():
        header = re.match(r'TASK \[(.*)\] \*+$', line)
        if header:
            task = header.group(1)
        elif task and re.match(r'(ok|changed|failed|fatal|skipping): \[', line):
            tasks.setdefault(task, []).append(line.split(':', 1)[0])
    return tasks


def changed(output):
    return sum(int(n) for n in re.findall(r'\bchanged=(\d+)', output))


def check_run(sim, output):
    """A check run of an example on a server that differs: it reports changes and writes nothing."""
    expect(not sim.writes(), 'the check run wrote: %s' % sim.writes())
    expect(changed(output) > 0, 'the check run reports no change, so it showed nothing')


def validated(output):
    expect(any(task.startswith('zadig.core.registries : Validating arguments') for task in tasks_of(output)),
           "the role's argument spec did not check its variables")


SCENARIOS = {}


def scenario(*names):
    def register(function):
        SCENARIOS[function] = names
        return function
    return register


@scenario('readme')
def readme(run):
    """The README's playbook, connected only by its module_defaults."""
    block = run.blocks['readme']
    sim = run.simulator(connect=False)
    run.write('playbook.yml', block.text.replace(EXAMPLE_URL, sim.url))
    check_run(sim, run.play('playbook.yml', '--check', '--diff'))
    run.play('playbook.yml')
    sim.holds([task['zadig.core.zadig_registry'] for task in yaml.safe_load(block.text)[0]['tasks']
               if 'zadig.core.zadig_registry' in task])


@scenario('role_readme')
def role_readme(run):
    """The role README's playbook, on a Zadig that holds a registry its list does not name."""
    block = run.blocks['role_readme']
    sim = run.simulator()
    sim.seed(address='https://stray.example.com', namespace='by-hand', provider='native')
    run.write('playbook.yml', block.text)
    output = run.play('playbook.yml', '--check', '--diff')
    check_run(sim, output)
    validated(output)
    run.play('playbook.yml')
    role = yaml.safe_load(block.text)[0]['roles'][0]['vars']
    sim.holds(role['zadig_registries'], exactly=role.get('zadig_registries_purge', False))


@scenario('guide_module_defaults', 'guide_task', 'guide_role', 'guide_rotate', 'guide_drift_check', 'guide_drift')
def user_guide(run):
    """Sections 2 and 3 of the user guide in one playbook, in their order, on a Zadig that holds the company Harbor;
    then the drift check of section 5 on the same Zadig, and its report against the guide's."""
    blocks = run.blocks
    sim = run.simulator()
    sim.seed(address='https://harbor.example.com', namespace='platform', provider='harbor')
    play = '- name: %s\n  hosts: localhost\n  gather_facts: false\n'
    run.write('playbook.yml', (
        play % 'One registry per task' + textwrap.indent(blocks['guide_module_defaults'].text, '  ')
        + '  tasks:\n' + textwrap.indent(blocks['guide_task'].text, '    ')
        + blocks['guide_role'].text
        + play % 'Credentials' + '  tasks:\n' + textwrap.indent(blocks['guide_rotate'].text, '    ')
    ).replace(EXAMPLE_URL, sim.url))
    examples = [yaml.safe_load(blocks['guide_task'].text)[0]['name'], 'zadig.core.registries : ' + next(
        task['name'] for task in role_tasks(run.repo) if 'zadig.core.zadig_registries' in task),
        yaml.safe_load(blocks['guide_rotate'].text)[0]['name']]

    def each_example(output, status, what):
        tasks = tasks_of(output)
        wrong = {task: tasks.get(task) for task in examples if tasks.get(task) != [status]}
        expect(not wrong, 'the %s should report each example %s: %s' % (what, status, wrong))

    output = run.play('playbook.yml', '--check', '--diff')
    check_run(sim, output)
    validated(output)
    each_example(output, 'changed', 'check run')
    each_example(run.play('playbook.yml'), 'changed', 'first run')
    sim.holds(yaml.safe_load(blocks['guide_role'].text)[0]['roles'][0]['vars']['zadig_registries'])
    each_example(run.play('playbook.yml'), 'ok', 'second run')

    check = blocks['guide_drift_check']
    lines = check.commands_before()
    expect(lines and 'drift-check.yml' in lines[-1], '%s: the step above no longer runs drift-check.yml: %s'
           % (check.where(), lines))
    run.write('drift-check.yml', check.text)
    run.write('group_vars/all/zadig.yml', yaml.safe_dump({'zadig_registries': [
        {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor', 'is_default': True,
         'secret_key': 'not-the-stored-one'},
        {'address': 'https://registry.team-b.example.com', 'namespace': 'team-b', 'provider': 'native'}]}))
    sim.seed(address='https://stray.example.com', namespace='by-hand', provider='native')
    before = len(sim.writes())
    run.bash(lines, status=(2,))
    expect(len(sim.writes()) == before, 'the drift check wrote: %s' % sim.writes()[before:])
    expect(list((run.dir / 'reports').glob('*.xml')), 'the junit callback wrote no report in reports/')
    report = json.loads((run.dir / 'reports/zadig-drift.json').read_text(encoding='utf-8'))
    expect([entry['address'] for entry in report['create']] == ['https://registry.team-b.example.com']
           and [entry['fields'] for entry in report['update']] == [['secret_key']]
           and 'https://stray.example.com' in [entry['address'] for entry in report['unmanaged']],
           'reports/zadig-drift.json does not hold the drift: %s' % report)
    shown = yaml.safe_load(blocks['guide_drift'].text)['zadig_registries_drift']
    expect(set(shown) == set(report),
           'the guide shows the keys %s, the report has %s' % (sorted(shown), sorted(report)))
    for key, entries in shown.items():
        for entry in entries if isinstance(entries, list) else []:
            expect(set(entry) == set(report[key][0]), 'the guide shows %s entries with %s, the report has %s'
                   % (key, sorted(entry), sorted(report[key][0])))


@scenario('awx_reviewed_drift')
def awx_ci(run):
    """The reviewed change in CI: docs/examples/registries.yml with the task appended, by the two steps above it."""
    block = run.blocks['awx_reviewed_drift']
    sim = run.simulator()
    example = (run.repo / 'docs/examples/registries.yml').read_text(encoding='utf-8')
    run.write('registries.yml', example + block.text)
    steps = block.commands_before()
    expect(len(steps) == 2 and all('registries.yml' in step for step in steps),
           '%s: expected the review and apply steps above it: %s' % (block.where(), steps))
    run.bash(steps[:1])
    expect(not sim.writes(), 'the review wrote: %s' % sim.writes())
    reviewed = run.dir / 'reviewed-drift.json'
    expect(stat.S_IMODE(reviewed.stat().st_mode) == 0o600, 'reviewed-drift.json is not 0600')
    drift = json.loads(reviewed.read_text(encoding='utf-8'))['zadig_registries_expected_drift']['localhost']
    declared = yaml.safe_load(example)[0]['roles'][0]['vars']['zadig_registries']
    expect(sorted(entry['address'] for entry in drift['create']) == sorted(entry['address'] for entry in declared),
           'reviewed-drift.json does not hold the review: %s' % drift)
    run.bash(steps[1:])
    sim.holds(declared)


@scenario('awx_ee', 'awx_credential_type', 'awx_credential', 'awx_drift_check', 'awx_workflow')
def awx(run):
    """The AWX objects as code, run against a stand-in awx.awx that records their arguments, from a project that
    holds docs/ and the reader's CA file."""
    blocks = run.blocks
    (run.dir / 'docs').symlink_to(run.repo / 'docs')
    run.write('files/zadig-ca.pem', '-----BEGIN CERTIFICATE-----\n(the private CA)\n-----END CERTIFICATE-----\n')
    run.write('awx.yml', '- name: AWX objects\n  hosts: localhost\n  gather_facts: false\n  tasks:\n' + ''.join(
        textwrap.indent(blocks[name].text, '    ')
        for name in ('awx_credential_type', 'awx_credential', 'awx_drift_check', 'awx_workflow')))
    run.env['DOC_EXAMPLES_AWX_LOG'] = str(run.dir / 'awx.jsonl')
    run.play('awx.yml')
    calls = [json.loads(line) for line in (run.dir / 'awx.jsonl').read_text(encoding='utf-8').splitlines()]
    for call in calls:
        unknown = set(call['args']) - AWX_OPTIONS[call['module'].rsplit('.', 1)[1]]
        expect(not unknown, '%s has no option %s' % (call['module'], sorted(unknown)))
    by_module = {}
    for call in calls:
        by_module.setdefault(call['module'].rsplit('.', 1)[1], []).append(call['args'])

    kind = yaml.safe_load((run.repo / 'docs/awx/zadig-credential-type.yml').read_text(encoding='utf-8'))
    [created] = by_module['credential_type']
    expect({key: created[key] for key in ('name', 'kind', 'inputs', 'injectors')}
           == {key: kind[key] for key in ('name', 'kind', 'inputs', 'injectors')},
           'the credential type task does not hand AWX docs/awx/zadig-credential-type.yml: %s' % created)
    fields = {field['id'] for field in kind['inputs']['fields']}
    [credential] = by_module['credential']
    expect(credential['credential_type'] == kind['name'] and set(kind['inputs']['required']) <= set(
        credential['inputs']) <= fields, 'the credential does not fit the credential type: %s' % credential)

    ee_name = check_ee(run.repo, blocks['awx_ee'])
    spec = yaml.safe_load((run.repo / 'roles/registries/meta/argument_specs.yml').read_text(encoding='utf-8'))
    role_variables = set(spec['argument_specs']['main']['options'])
    templates = {template['name']: template for template in by_module['job_template']}
    for name, template in templates.items():
        expect((run.repo / template['playbook']).is_file(), '%s: no playbook %s' % (name, template['playbook']))
        expect(set(template.get('extra_vars', {})) <= role_variables, '%s: extra_vars %s are not all variables of '
               'the role' % (name, sorted(template.get('extra_vars', {}))))
        expect(set(template['credentials']) <= {credential['name']}, '%s: credentials %s' % (name,
                                                                                             template['credentials']))
        expect(template['execution_environment'] == ee_name, '%s: the EE is not %s' % (name, ee_name))
        applies = 'zadig_registries_expected_drift' in template.get('extra_vars', {})
        expect(template['job_type'] == ('run' if applies else 'check') and template['diff_mode'] is True,
               '%s: a drift check or review is a check with Show Changes, the apply a run' % name)
    fails = [t for t in templates.values() if t.get('extra_vars', {}).get('zadig_registries_fail_on_drift') is True]
    expect(fails, 'no template fails on drift')
    expect({schedule['unified_job_template'] for schedule in by_module['schedule']} <= set(templates),
           'a schedule names a template the page does not make')

    published = [name for task in role_tasks(run.repo) if 'ansible.builtin.set_stats' in task
                 for name in task['ansible.builtin.set_stats']['data']]
    reviews = [t for t in templates.values() if t.get('extra_vars', {}).get('zadig_registries_publish_drift') is True]
    applies = [t for t in templates.values() if 'zadig_registries_expected_drift' in t.get('extra_vars', {})]
    expect(len(reviews) == 1 and len(applies) == 1 and applies[0]['ask_variables_on_launch'] is True,
           'expected one review template and one apply template that prompts for extra variables')
    given = applies[0]['extra_vars']['zadig_registries_expected_drift']
    expect(given in ['{{ %s }}' % name for name in published],
           'the apply template must hand AWX "{{ <what the role publishes> }}" for the job to template; it hands '
           '%r (the role publishes %s)' % (given, published))
    [workflow] = by_module['workflow_job_template']
    nodes = workflow['workflow_nodes']
    identifiers = {node['identifier'] for node in nodes}
    for node in nodes:
        job = node.get('unified_job_template') or {}
        related = node.get('related') or {}
        expect(set(node) <= AWX_NODE and set(job) <= AWX_NODE_TEMPLATE and set(related) <= AWX_NODE_RELATED,
               'workflow node %s: awx.awx ignores %s' % (node['identifier'], sorted(
                   (set(node) - AWX_NODE) | (set(job) - AWX_NODE_TEMPLATE) | (set(related) - AWX_NODE_RELATED))))
        runs_template = job.get('type') == 'job_template' and job.get('name') in templates
        expect(job.get('type') == 'workflow_approval' or runs_template,
               'workflow node %s runs neither a template of the page nor an approval: %s' % (node['identifier'], job))
        targets = {target['identifier'] for nexts in related.values() for target in nexts}
        expect(targets <= identifiers, 'workflow node %s leads to unknown nodes' % node['identifier'])
    order = [node['unified_job_template'].get('name') for node in nodes]
    expect([node['unified_job_template']['type'] for node in nodes] == ['job_template', 'workflow_approval',
                                                                        'job_template']
           and order[0] == reviews[0]['name'] and order[2] == applies[0]['name'],
           'the workflow is not review, approval, apply: %s' % order)


def check_ee(repo, block):
    """The execution environment definition against the collection it installs; returns the name the page builds
    it as (ansible-builder build -t NAME:TAG)."""
    ee = yaml.safe_load(block.text)
    expect(ee['version'] == 3 and ee['images']['base_image']['name'], 'not an ansible-builder 3 definition')
    built = re.search(r'`ansible-builder build -t ([\w.-]+):\S+ -f (\S+)`', block.page[:block.start])
    expect(built, 'the page no longer says how to build it')
    version = yaml.safe_load((repo / 'galaxy.yml').read_text(encoding='utf-8'))['version']
    [ours] = [item for item in ee['dependencies']['galaxy']['collections'] if item['name'] == 'zadig.core']
    expect(SpecifierSet(ours['version']).contains(version),
           'zadig.core %s does not meet %s' % (version, ours['version']))
    core = Requirement(ee['dependencies']['ansible_core']['package_pip'])
    runtime = yaml.safe_load((repo / 'meta/runtime.yml').read_text(encoding='utf-8'))
    needs = SpecifierSet(runtime['requires_ansible'])
    minimum = Version(re.match(r'>=\s*([\d.]+)$', runtime['requires_ansible']).group(1))
    probes = (str(minimum), '%d.%d.99' % (minimum.major, minimum.minor - 1))
    expect(core.name == 'ansible-core' and all(core.specifier.contains(v) == needs.contains(v) for v in probes),
           '%s is not meta/runtime.yml requires_ansible %s' % (core, needs))
    meta = yaml.safe_load((repo / 'meta/execution-environment.yml').read_text(encoding='utf-8'))
    python = repo / meta['dependencies']['python']
    wanted = {Requirement(line).name for line in python.read_text(encoding='utf-8').splitlines()
              if line.strip() and not line.startswith('#')}
    expect({'requests', 'cryptography'} <= wanted, 'the collection\'s EE metadata installs %s' % sorted(wanted))
    return built.group(1)


def role_tasks(repo):
    return yaml.safe_load((repo / 'roles/registries/tasks/main.yml').read_text(encoding='utf-8'))


def collections(where, repo):
    """ANSIBLE_COLLECTIONS_PATH: this checkout as zadig.core, and the recording awx.awx."""
    root = where / 'collections'
    (root / 'ansible_collections/zadig').mkdir(parents=True)
    (root / 'ansible_collections/zadig/core').symlink_to(repo)
    actions = root / 'ansible_collections/awx/awx/plugins/action'
    actions.mkdir(parents=True)
    for module in AWX_OPTIONS:
        (actions / (module + '.py')).write_text(AWX_RECORDER, encoding='utf-8')
    return root


def run_scenario(function, repo, where, blocks, env):
    started = time.monotonic()
    run = Scenario(function.__name__, repo, where, blocks, env)
    try:
        function(run)
        problem = None
    except Failure as exc:
        problem = str(exc)
    except Exception:  # pylint: disable=broad-exception-caught
        problem = traceback.format_exc()
    return function, run, problem, time.monotonic() - started


def main():
    repo = pathlib.Path(sys.argv[1]).resolve()
    started = time.monotonic()
    named = [name for names in SCENARIOS.values() for name in names]
    if sorted(named) != sorted(EXAMPLES):
        raise SystemExit('doc_examples: each EXAMPLES entry belongs to exactly one scenario: %s' % named)
    chosen = [function for function in SCENARIOS if function.__name__ in sys.argv[2:] or not sys.argv[2:]]
    if len(chosen) != len(sys.argv[2:] or SCENARIOS):
        raise SystemExit('doc_examples: the scenarios are %s' % ', '.join(f.__name__ for f in SCENARIOS))
    blocks, not_run = catalogue(repo)
    where = pathlib.Path(tempfile.mkdtemp(prefix='zadig-doc-examples.'))
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(('ANSIBLE_', 'ZADIG_', 'JUNIT_')) and key != 'PYTHONWARNINGS'}
    # As scripts/demo: ansible-core 2.19 imports DSA from cryptography 45+, a deprecation no reader can act on.
    env.update(HOME=str(where / 'home'), ANSIBLE_NOCOLOR='1', ANSIBLE_COLLECTIONS_PATH=str(collections(where, repo)),
               PYTHONWARNINGS='ignore:DSA is deprecated')
    (where / 'home').mkdir()
    failed = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            runs = [pool.submit(run_scenario, function, repo, where, blocks, env) for function in chosen]
            for future in concurrent.futures.as_completed(runs):
                function, run, problem, seconds = future.result()
                if problem:
                    print('\n'.join(run.log), flush=True)
                    failed.append(run.name)
                for name in SCENARIOS[function]:
                    print('doc_examples: %s %s: %s' % ('FAILED' if problem else 'ok', blocks[name].where(),
                                                       EXAMPLES[name][2]), flush=True)
                print('doc_examples: %s %s in %.0f s%s' % (run.name, 'failed' if problem else 'passed', seconds,
                                                           ': ' + problem if problem else ''), flush=True)
    finally:
        for sim in SIMULATORS:
            sim.stop()
    if failed:
        raise SystemExit('doc_examples: failed: %s (work directory kept: %s)' % (', '.join(failed), where))
    shutil.rmtree(where, ignore_errors=True)
    print('doc_examples: %d of the %d YAML blocks of the documents exercised as written in %.0f s; not run:%s'
          % (sum(len(SCENARIOS[f]) for f in chosen), len(blocks) + len(not_run), time.monotonic() - started,
             ''.join('\n  ' + line for line in not_run) or ' none'))


if __name__ == '__main__':
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    main()
