# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zadig_registry and zadig_registry_info in the controller's process return what their modules return.

Each case runs the module's main() (its printed JSON) and the action plugin's
in-process path against two simulators seeded alike, and compares the results
and the requests each simulator saw; expected_drift compares alike on both paths
(the same failure, no write). Then: which path a task takes.
"""

from __future__ import annotations

import copy
import json
from unittest import mock

import pytest

from ansible_collections.zadig.core.plugins.action import zadig_registry as registry_action, zadig_registry_info as info_action
from ansible_collections.zadig.core.plugins.plugin_utils import _action
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit import two_paths
from ansible_collections.zadig.core.tests.unit.scripted_lists import ID_A, ID_B
from ansible_collections.zadig.core.tests.unit.two_paths import CONNECTION, same_on_both_paths
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER

CASES = [
    ('registry', {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'}),
    ('registry', {'address': 'https://HARBOR.example.com/', 'namespace': 'platform', 'is_default': False}),
    ('registry', {'address': 'https://new.example.com', 'namespace': 'n', 'provider': 'native',
                  'access_key': 'AK-task-33', 'secret_key': 'SK-task-44'}),
    ('registry', {'address': 'https://harbor.example.com', 'namespace': 'platform', 'access_key': 'AK-task-33',
                  'secret_key': 'SK-seeded-2', 'projects': ['p1']}),
    ('registry', {'address': 'https://other.example.com', 'namespace': 'team', 'state': 'absent'}),
    ('registry', {'address': 'https://harbor.example.com', 'namespace': 'platform', 'state': 'absent'}),
    ('registry', {'address': 'https://new.example.com', 'namespace': 'n'}),
    ('registry', {'address': 'ftp://new.example.com', 'namespace': 'n', 'provider': 'native'}),
    ('registry', {'registry_id': 'not-an-id', 'state': 'absent'}),
    ('registry', {'namespace': 'n'}),
    ('registry', {'address': 'https://x.example.com', 'colour': 'blue'}),
    ('registry', {'address': 'https://x.example.com', 'is_default': 'perhaps', 'timeout': 'soon'}),
    ('registry', {'address': 'https://x.example.com', 'state': 'gone'}),
    ('registry', {'address': 'https://harbor.example.com', 'namespace': 'platform', 'zadig_token': USER,
                  'access_key': 'AK-task-33', 'secret_key': 'SK-task-44'}),
    ('registry', {'address': 'https://harbor.example.com', 'zadig_token': 'wrong-token-5678'}),
    ('registry', {'address': 'https://harbor.example.com', 'zadig_url': 'zadig.test'}),
    ('registry', {'address': 'https://harbor.example.com', 'timeout': 0}),
    ('info', {}),
    ('info', {'details': True}),
    ('info', {'provider': 'native', 'is_default': 'no'}),
    ('info', {'registry_id': '65a1b2c3d4e5f60718293a4b'}),
    ('info', {'details': True, 'zadig_token': USER}),
    ('info', {'validate_certs': False, 'ca_path': '/nonexistent/ca.pem'}),
    ('info', {'zadig_token': 'a token with spaces'}),
]


@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check'])
@pytest.mark.parametrize('which, args', CASES)
def test_the_controller_returns_what_the_module_returns(monkeypatch, which, args, check_mode):
    same_on_both_paths(monkeypatch, which, dict(CONNECTION, **args), check_mode)


def test_without_diff_neither_path_returns_one(monkeypatch):
    result, _requests = same_on_both_paths(monkeypatch, 'registry', dict(
        CONNECTION, address='https://harbor.example.com', namespace='platform', provider='native'), diff=False)
    assert result['changed'] and 'diff' not in result


def test_the_result_masks_no_log_values_as_the_module_does(monkeypatch):
    result, _requests = same_on_both_paths(monkeypatch, 'registry', dict(
        CONNECTION, address='https://new.example.com', namespace='n', provider='native', access_key='AK-task-33',
        secret_key='SK-task-44'))
    if 'invocation' in result:
        assert result['invocation']['module_args']['secret_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


# ---- which path a task takes -------------------------------------------------------------------------------------

def action(plugin, transport='local', become=False, async_val=0, variables=None):
    task = mock.MagicMock()
    task.action = 'zadig.core.zadig_registry'
    task.async_val = async_val
    context = mock.MagicMock()
    context.become = become
    connection = mock.MagicMock()
    connection.transport = transport
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: value
    instance = plugin.ActionModule(task=task, connection=connection, play_context=context, loader=None,
                                   templar=templar, shared_loader_obj=None)
    return instance, variables or {}


@pytest.mark.parametrize('plugin', [registry_action, info_action])
def test_a_local_task_runs_in_the_controller(plugin):
    instance, variables = action(plugin)
    assert instance.module_needed(variables) is None


@pytest.mark.parametrize('setting, reason', [
    (dict(transport='ssh'), 'the connection is ssh, not local'),
    (dict(transport='winrm'), 'the connection is winrm, not local'),
    (dict(become=True), 'become is set'),
    (dict(async_val=30), 'async is set'),
    (dict(variables={'zadig_execution': 'module'}), 'zadig_execution is module'),
])
def test_every_other_task_runs_as_the_module(setting, reason):
    instance, variables = action(registry_action, **setting)
    assert instance.module_needed(variables) == reason


@pytest.mark.parametrize('missing, reason', [('HAS_REQUESTS', "the controller's Python has no requests"),
                                             ('HAS_CRYPTOGRAPHY', "the controller's Python has no cryptography")])
def test_a_library_missing_here_leaves_the_task_to_the_module(monkeypatch, missing, reason):
    monkeypatch.setattr(_action, missing, False)
    instance, variables = action(info_action)
    assert instance.module_needed(variables) == reason


def test_a_meaningless_zadig_execution_is_refused_naming_the_values():
    from ansible.errors import AnsibleActionFail  # pylint: disable=import-outside-toplevel
    instance, variables = action(info_action, variables={'zadig_execution': 'fast'})
    with pytest.raises(AnsibleActionFail, match="zadig_execution must be one of auto, module, got 'fast'"):
        instance.module_needed(variables)


def test_the_module_path_runs_the_module_with_the_task_as_given(monkeypatch):
    """Through ansible-core's own normal action, as a module without an action plugin runs."""
    from ansible.plugins.action.normal import ActionModule as Normal  # pylint: disable=import-outside-toplevel
    instance, variables = action(registry_action, transport='ssh')
    executed = mock.MagicMock(return_value={'changed': False, 'registry': {}})
    monkeypatch.setattr(Normal, '_execute_module', executed)
    monkeypatch.setattr(Normal, '_remove_tmp_path', mock.MagicMock())
    result = instance.run(task_vars=variables)
    executed.assert_called_once_with(task_vars=variables, wrap_async=False)
    assert result['registry'] == {}


@pytest.mark.parametrize('registries', [[None], [{'address': 'https://a.example.com', 'secret_key': 'SK-task-44'}, 7],
                                        ['not a dict', None]], ids=['an empty YAML item', 'a number', 'text'])
def test_an_entry_that_is_not_a_dict_fails_without_showing_a_secret(monkeypatch, registries):
    """ansible-core stops collecting no_log values at such an entry; the failure must still mask the token and the
    secrets of the other entries, on both paths."""
    result, requests = same_on_both_paths(monkeypatch, 'registries', dict(CONNECTION, registries=registries))
    assert result['failed'] and requests == []
    assert 'admin-token' not in json.dumps(result) and 'SK-task-44' not in json.dumps(result)


# ---- expected_drift on both paths: the same comparison, the same failure, no write ------------------------------

LISTED = [{'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor', 'is_default': True},
          {'address': 'https://other.example.com', 'namespace': 'team', 'provider': 'harbor'},
          {'address': 'https://new.example.com', 'namespace': 'ns', 'provider': 'native'}]


@pytest.mark.parametrize('check_mode', [True, False], ids=['check mode', 'real run'])
@pytest.mark.parametrize('reviewed, fails', [
    ({'create': [{'address': 'https://new.example.com', 'namespace': 'ns'}],
      'update': [{'registry_id': None, 'fields': ['provider']}], 'delete': []}, False),
    ({'create': [], 'update': [], 'delete': []}, True),
    ({'create': [{'address': 'https://new.example.com', 'namespace': 'ns'}], 'update': [], 'delete': []}, True),
], ids=['the reviewed drift', 'in sync reviewed', 'an update not reviewed'])
def test_both_paths_compare_alike(monkeypatch, check_mode, reviewed, fails):
    def seeded():
        sim = Simulator(admin_tokens=[ADMIN], user_tokens=[USER])
        sim.seed(address='https://harbor.example.com', namespace='platform', provider='harbor', is_default=True,
                 registry_id=ID_A)
        sim.seed(address='https://other.example.com', namespace='team', provider='native', registry_id=ID_B)
        return sim
    monkeypatch.setattr(two_paths, 'seeded', seeded)
    reviewed = copy.deepcopy(reviewed)
    for entry_ in reviewed['update']:
        entry_['registry_id'] = ID_B
    result, requests = two_paths.same_on_both_paths(monkeypatch, 'registries', dict(
        two_paths.CONNECTION, registries=LISTED, expected_drift=reviewed), check_mode)
    assert bool(result.get('failed')) is fails
    if fails:
        assert result['msg'].startswith('the drift is not the reviewed one (expected_drift): ')
        assert result['expected_drift'] == reviewed and not any(r.startswith(('POST', 'PUT', 'DELETE'))
                                                                for r in requests)
    else:
        assert result['changed'] is True
