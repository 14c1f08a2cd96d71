# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tester's attack on the controller path: its process must see a task's arguments and environment as its module.

Each case runs the module's main() with the task's environment in ``os.environ`` (as a module process has it),
and the controller path the way ``ModuleTaskAction.run`` composes it: ``connection_from_environment`` (what
``task_arguments`` applies) then ``run_here`` with the task's environment. Results and requests must be the same.
Cases marked "defect" fail on the code as built: the two paths differ there.
"""

from __future__ import annotations

import json
import os
import re

import pytest
from ansible.plugins.shell.sh import ShellModule

from ansible_collections.zadig.core.plugins.module_utils._connection import connection_from_environment
from ansible_collections.zadig.core.plugins.plugin_utils._action import run_here
from ansible_collections.zadig.core.plugins.plugin_utils._task import task_environment
from ansible_collections.zadig.core.tests.unit.two_paths import (
    MODULES, SECRETS, URL, as_module, plain, seeded)
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator
from ansible_collections.zadig.core.tests.unit.utils import ADMIN

ZADIG_VARIABLES = ('ZADIG_URL', 'ZADIG_TOKEN', 'ZADIG_VALIDATE_CERTS', 'ZADIG_CA_PATH', 'ZADIG_TIMEOUT')


def controller_path(monkeypatch, which, args, environ, invocation):
    """What ModuleTaskAction.run does once task_arguments has the task's args and environment."""
    sim = seeded()
    use_simulator(monkeypatch, sim)
    module, name = MODULES[which]
    result = run_here(name, module.MODULE_ARGS, module.TASK, connection_from_environment(args, environ),
                      environ=environ, invocation=invocation)
    return result, [entry[2] for entry in sim.log]


def both_paths(monkeypatch, which, args, task_env):
    """The module with the task's environment in os.environ (a module process has it there), and the controller
    path with the same environment passed in while the controller's os.environ stays without it."""
    for name in ZADIG_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with monkeypatch.context() as module_process:
        for name, value in task_env.items():
            module_process.setenv(name, value)
        environ = dict(os.environ)
        module_result, module_requests = as_module(module_process, which, args, False, False)
    result, requests = controller_path(monkeypatch, which, args, environ, 'invocation' in module_result)
    text = json.dumps(result) + json.dumps(module_result)
    assert not any(secret in text for secret in SECRETS)
    return comparable(module_result), module_requests, comparable(result), requests


def comparable(result):
    """Ids, warning objects and the order of ansible-core's set of booleans made comparable."""
    result = plain(result)
    if isinstance(result.get('msg'), str):
        result['msg'] = re.sub(r'Valid booleans include: .*', 'Valid booleans include: <set>', result['msg'])
    return result


# ---- promises kept -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('task_env, args', [
    ({'ZADIG_URL': URL, 'ZADIG_TOKEN': ADMIN}, {}),
    ({'ZADIG_URL': URL, 'ZADIG_TOKEN': ADMIN, 'ZADIG_TIMEOUT': '7', 'ZADIG_VALIDATE_CERTS': 'no'}, {}),
    ({'ZADIG_URL': URL, 'ZADIG_TOKEN': ADMIN, 'ZADIG_TIMEOUT': '', 'ZADIG_CA_PATH': '  ',
      'ZADIG_VALIDATE_CERTS': ''}, {}),
    ({'ZADIG_URL': 'https://elsewhere.test', 'ZADIG_TOKEN': 'wrong-token-5678'},
     {'zadig_url': URL, 'zadig_token': ADMIN}),
    ({'ZADIG_URL': URL, 'ZADIG_TOKEN': ADMIN, 'ZADIG_TIMEOUT': 'soon'}, {}),
    ({'ZADIG_URL': URL, 'ZADIG_TOKEN': ADMIN, 'ZADIG_VALIDATE_CERTS': 'perhaps'}, {}),
    ({'ZADIG_URL': '', 'ZADIG_TOKEN': ADMIN}, {}),
    ({'ZADIG_URL': URL, 'ZADIG_TOKEN': 'wrong-token-5678'}, {}),
], ids=['env-only', 'env-timeout-and-validate-certs', 'empty-variables-unset', 'args-win-over-env',
        'env-timeout-not-int', 'env-validate-certs-not-bool', 'empty-url-missing', 'env-wrong-token'])
def test_environment_fallbacks_same_on_both_paths(monkeypatch, task_env, args):
    module_result, module_requests, result, requests = both_paths(monkeypatch, 'info', args, task_env)
    assert result == module_result
    assert requests == module_requests


def test_environment_token_masked_in_a_failure_on_both_paths(monkeypatch):
    task_env = {'ZADIG_URL': URL + '/' + ADMIN, 'ZADIG_TOKEN': ADMIN}
    module_result, module_requests, result, requests = both_paths(monkeypatch, 'registry', {
        'address': 'https://harbor.example.com', 'namespace': 'platform'}, task_env)
    assert result == module_result and requests == module_requests
    assert result['failed'] and ADMIN not in json.dumps(result)


# ---- defects: the controller path differs from the module ----------------------------------------------------------

@pytest.mark.parametrize('args, task_env', [
    ({'zadig_url': URL, 'zadig_token': ADMIN, 'timeout': None}, {}),
    ({'zadig_url': URL, 'zadig_token': ADMIN, 'validate_certs': None}, {}),
    ({'zadig_url': URL, 'zadig_token': None}, {'ZADIG_TOKEN': ADMIN}),
    ({'zadig_url': None, 'zadig_token': ADMIN}, {'ZADIG_URL': URL}),
    ({'zadig_url': URL, 'zadig_token': ADMIN, 'timeout': None}, {'ZADIG_TIMEOUT': '5'}),
], ids=['null-timeout', 'null-validate-certs', 'null-token-env-token', 'null-url-env-url', 'null-timeout-env'])
def test_defect_explicit_null_connection_option(monkeypatch, args, task_env):
    """Defect: a module keeps an explicit null (fallbacks and defaults apply only to absent options) and fails;
    the controller path drops it, takes ZADIG_* or the default instead, and succeeds."""
    module_result, module_requests, result, requests = both_paths(monkeypatch, 'info', args, task_env)
    assert result.get('failed', False) == module_result.get('failed', False)
    assert result.get('msg') == module_result.get('msg')
    assert requests == module_requests


@pytest.mark.parametrize('variable', ['ZADIG_URL', 'HTTP_PROXY', 'HTTPS_PROXY', 'REQUESTS_CA_BUNDLE'])
def test_defect_null_value_in_task_environment(variable):
    """Defect: ``environment: {VAR: ~}`` reaches a module as the text "None" (ansible-core's env_prefix writes
    str(value)), so a module uses a proxy or URL named "None"; the controller's environment holds "" instead."""

    class Action:
        def _compute_environment_string(self, raw_environment_out=None):
            raw_environment_out.clear()
            raw_environment_out.update({variable: None})
            return ShellModule().env_prefix(**raw_environment_out)

    module_sees = ShellModule().env_prefix(**{variable: None}).split('=', 1)[1]
    assert task_environment(Action())[variable] == module_sees


@pytest.mark.parametrize('option, value, task_env', [
    ('ca_path', '$ADV_CA_DIR/ca.pem', {'ADV_CA_DIR': '<dir>'}),
    ('ca_path', '~/ca.pem', {'HOME': '<dir>'}),
    ('ZADIG_CA_PATH', '$ADV_CA_DIR/ca.pem', {'ADV_CA_DIR': '<dir>'}),
], ids=['ca-path-variable', 'ca-path-home', 'env-ca-path-variable'])
def test_defect_ca_path_expanded_with_the_task_environment(monkeypatch, tmp_path, option, value, task_env):
    """Defect: a module expands ``~`` and ``$VAR`` of a path option in its own environment, the task's; the
    controller path expands them in the controller's, so it looks for another file."""
    (tmp_path / 'ca.pem').write_text('not a certificate\n')
    task_env = {name: str(tmp_path) if item == '<dir>' else item for name, item in task_env.items()}
    task_env.update(ZADIG_URL=URL, ZADIG_TOKEN=ADMIN)
    args = {}
    if option == 'ca_path':
        args['ca_path'] = value
    else:
        task_env[option] = value
    module_result, module_requests, result, requests = both_paths(monkeypatch, 'info', args, task_env)
    assert str(tmp_path) in module_result['msg']
    assert result['msg'] == module_result['msg']
    assert requests == module_requests
