# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A new user's first hour: every message says what to do, every documented file says what is true.

The documented commands themselves run as written in scripts/test's build stage (tests/docs/doc_commands.py).
"""

from __future__ import annotations

import pathlib
import re
import socket

import jinja2
import pytest
import yaml

from ansible_collections.zadig.core.plugins.action import zadig_registries as registries_action
from ansible_collections.zadig.core.plugins.module_utils._registry import PROVIDERS
from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info
from ansible_collections.zadig.core.plugins.plugin_utils._action import run_here
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

ROOT = pathlib.Path(__file__).resolve().parents[3]
TOKEN = 'first-hour-admin-token'


@pytest.fixture(scope='module')
def http_server():
    """The simulator in plain HTTP."""
    server = SimulatorServer(Simulator(admin_tokens=[TOKEN])).start()
    yield server
    server.stop()


def run(monkeypatch, module, **args):
    capture_exit(monkeypatch)
    with module_args(args), pytest.raises(ModuleExit) as result:
        module.main()
    return result.value


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


# 2. https:// against a plain-HTTP port

@pytest.mark.parametrize('validate_certs', [True, False])
def test_https_against_a_plain_http_port_says_the_port_does_not_speak_tls(monkeypatch, http_server,
                                                                          validate_certs):
    url = http_server.url.replace('http://', 'https://')
    outcome = run(monkeypatch, zadig_registry_info, zadig_url=url, zadig_token=TOKEN, timeout=5,
                  validate_certs=validate_certs)
    assert outcome.failed
    msg = outcome.result['msg']
    assert 'does not speak TLS on that port' in msg and 'http://' in msg and 'check the port' in msg, msg
    assert 'ca_path' not in msg and 'validate_certs' not in msg, msg


# 3. Missing connection, Zadig down

MISSING = {'zadig_token', 'zadig_url'}


@pytest.mark.parametrize('module', [zadig_registry_info, zadig_registry, zadig_registries])
def test_missing_connection_says_how_to_give_it_on_both_paths(monkeypatch, module):
    for name in ('ZADIG_URL', 'ZADIG_TOKEN'):
        monkeypatch.delenv(name, raising=False)
    args = {'address': 'https://harbor.example.com', 'namespace': 'platform'} if module is zadig_registry else {}
    as_module = run(monkeypatch, module, **args).result['msg']
    spec = registries_action.MODULE_ARGS if module is zadig_registries else module.MODULE_ARGS
    here = run_here(module.__name__, spec, module.TASK, args, environ={})['msg']
    assert as_module == here
    assert here.startswith('missing required arguments: zadig_token, zadig_url; ')
    for words in ('ZADIG_URL', 'ZADIG_TOKEN', 'module_defaults', 'group/zadig.core.zadig'):
        assert words in here, here


def test_zadig_down_says_what_to_check(monkeypatch):
    msg = run(monkeypatch, zadig_registry_info, zadig_url='http://127.0.0.1:%d' % closed_port(), zadig_token=TOKEN,
              timeout=5).result['msg']
    assert 'cannot reach Zadig at' in msg and 'check that Zadig is running' in msg and 'ZADIG_URL' in msg, msg


# 4. The role: an empty list warns; entries are checked by its task, in one line

def test_an_empty_list_without_purge_warns_naming_the_role_variable(monkeypatch, http_server):
    outcome = run(monkeypatch, zadig_registries, zadig_url=http_server.url, zadig_token=TOKEN, registries=[])
    assert not outcome.failed and not outcome.result['changed']
    assert any('zadig_registries' in w and 'purge' in w for w in outcome.result.get('warnings', [])), outcome.result


def test_a_list_with_entries_does_not_warn_so(monkeypatch, http_server):
    outcome = run(monkeypatch, zadig_registries, zadig_url=http_server.url, zadig_token=TOKEN,
                  registries=[{'address': 'https://first-hour.example.com', 'namespace': 'a', 'provider': 'native'}])
    assert not [w for w in outcome.result.get('warnings', []) if 'is empty' in w]


def role_entry_spec():
    specs = yaml.safe_load((ROOT / 'roles/registries/meta/argument_specs.yml').read_text())
    return specs['argument_specs']['main']['options']['zadig_registries']


def test_the_role_documents_the_entries_but_leaves_checking_them_to_its_task():
    """With elements: dict, ansible-core checks each entry first and dumps the ~3 KB specification on a typo."""
    entry = role_entry_spec()
    assert entry['type'] == 'list' and 'elements' not in entry
    action = registries_action.MODULE_ARGS['argument_spec']['registries']
    assert action['elements'] == 'dict'
    documented = {name: (o.get('type', 'str'), sorted(o.get('choices') or []), o.get('default'))
                  for name, o in entry['options'].items()}
    checked = {name: (o.get('type', 'str'), sorted(o.get('choices') or []), o.get('default'))
               for name, o in action['options'].items()}
    assert documented == checked


def test_a_misspelt_key_in_an_entry_fails_in_one_line():
    result = run_here('zadig.core.zadig_registries', registries_action.MODULE_ARGS, registries_action.TASK,
                      {'zadig_url': 'https://zadig.example.com', 'zadig_token': TOKEN,
                       'registries': [{'adress': 'https://harbor.example.com', 'namespace': 'platform'}]}, environ={})
    assert result['failed'] and 'registries.adress' in result['msg'] and '\n' not in result['msg']
    assert len(result['msg']) < 400


# 5. Files that said what was not true

def test_every_script_a_tracked_file_names_exists():
    named = set()
    for path in [ROOT / 'requirements-dev.txt', ROOT / 'README.md', *ROOT.glob('docs/*.md'), *ROOT.glob('scripts/*')]:
        if path.is_file():
            named |= set(re.findall(r'\bscripts/([a-z_-]+(?:\.py|\.sh)?)\b', path.read_text(encoding='utf-8')))
    if not (ROOT / 'scripts').is_dir():
        pytest.skip('scripts/ is in the checkout only, not in the published collection')
    assert sorted(name for name in named if not (ROOT / 'scripts' / name).exists()) == []


def test_every_documented_pip_install_installs_what_requirements_txt_lists():
    needed = {re.split(r'[<>=!~ ]', line)[0] for line in (ROOT / 'requirements.txt').read_text().splitlines()
              if line.strip() and not line.startswith('#')}
    lines = [line for path in [ROOT / 'README.md', *ROOT.glob('docs/*.md')]
             for line in path.read_text(encoding='utf-8').splitlines() if line.startswith('pip install ')]
    assert lines
    for line in lines:
        assert needed <= set(line.split('#')[0].split()[2:]), line


def test_the_example_without_the_harbor_secret_never_compares_the_placeholder():
    """The AWX drift-check template on registries.yml must not report secret_key drift for ever on a real Zadig."""
    play = yaml.safe_load((ROOT / 'docs/examples/registries.yml').read_text())[0]
    entry = next(e for e in play['roles'][0]['vars']['zadig_registries'] if 'secret_key' in e)
    environment = jinja2.Environment()
    for secret, expected in (('', 'on_create'), ('robot-secret', 'compare')):
        def lookup(_plugin, _name, secret=secret):
            return secret
        assert environment.from_string(entry['update_secrets']).render(lookup=lookup) == expected


def test_adopt_writes_where_the_user_asked_and_says_where():
    play = yaml.safe_load((ROOT / 'docs/examples/adopt.yml').read_text())[0]
    tasks = {key: task for task in play['tasks'] for key in task if key.startswith('ansible.builtin.')}
    assert 'realpath' in play['vars']['adopt_path']
    assert tasks['ansible.builtin.file']['ansible.builtin.file']['state'] == 'directory'
    assert 'adopt_path' in tasks['ansible.builtin.copy']['ansible.builtin.copy']['dest']
    assert 'adopt_path' in tasks['ansible.builtin.debug']['ansible.builtin.debug']['msg']


# 7. Reference pages

@pytest.mark.parametrize('spec', [
    zadig_registry.MODULE_ARGS['argument_spec']['provider'],
    registries_action.MODULE_ARGS['argument_spec']['registries']['options']['provider'],
    zadig_registry_info.MODULE_ARGS['argument_spec']['provider'],
    role_entry_spec()['options']['provider'],
], ids=['zadig_registry', 'zadig_registries', 'zadig_registry_info', 'registries role'])
def test_provider_has_choices(spec):
    assert sorted(spec['choices']) == sorted(PROVIDERS)


def test_nexus_still_points_at_native_in_a_list():
    result = run_here('zadig.core.zadig_registries', registries_action.MODULE_ARGS, registries_action.TASK,
                      {'zadig_url': 'https://zadig.example.com', 'zadig_token': TOKEN,
                       'registries': [{'address': 'https://nexus.example.com', 'namespace': 'a',
                                       'provider': 'nexus'}]}, environ={})
    assert result['failed'] and 'provider' in result['msg'] and 'use provider: native' in result['msg']


def test_the_role_author_reads_as_a_name():
    specs = yaml.safe_load((ROOT / 'roles/registries/meta/argument_specs.yml').read_text())
    assert not [a for a in specs['argument_specs']['main']['author'] if '!UNKNOWN' in a]


def test_the_changelog_records_the_role_as_a_new_role():
    changelog = yaml.safe_load((ROOT / 'changelogs/changelog.yaml').read_text())
    roles = [role['name'] for release in changelog['releases'].values()
             for role in (release.get('objects') or {}).get('role', [])]
    assert roles == ['registries']
    assert '### New Roles' in (ROOT / 'CHANGELOG.md').read_text()
