# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seam to ansible-core: every private name in one module, each hook gone or raising is ``Unavailable``
naming it, the public way is taken where the running ansible-core has one, and no other plugin file reaches
into ansible-core.
"""

from __future__ import annotations

import pathlib
import re
import types

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.zadig.core.plugins.plugin_utils import _core

PLUGINS = pathlib.Path(__file__).resolve().parents[4] / 'plugins'
# Code that runs in the controller (action plugins and what they import) or is loaded by it (the modules' files).
CONTROLLER_CODE = ['action', 'plugin_utils', 'modules']
PRIVATE = re.compile(r'_internal|protected-access|_apply_action_arg_defaults|get_action_args_with_defaults'
                     r'|_action_groups|_no_log_values|_compute_environment_string|\._shell\b|UnifiedTaskResult'
                     r'|AnsibleModuleCapturedError|remove_values|_ansible_\w+')


def test_no_other_plugin_file_touches_a_private_ansible_core_name():
    found = []
    for folder in CONTROLLER_CODE:
        for path in sorted((PLUGINS / folder).glob('*.py')):
            if path.name == '_core.py':
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if PRIVATE.search(line):
                    found.append('%s:%d: %s' % (path.relative_to(PLUGINS), number, line.strip()))
    assert found == []


def test_every_hook_is_there_on_this_ansible_core():
    assert _core.unavailable() is None
    assert _core.unavailable(module_result=False) is None


def test_the_version_is_read_from_ansible_core():
    assert _core.CORE_VERSION >= (2, 16)
    assert _core.CORE_VERSION_TEXT.startswith('%d.%d.' % _core.CORE_VERSION)


# ---- no_log: the public way where there is one ------------------------------------------------------------------

def _validated(value):
    return ArgumentSpecValidator({'token': {'type': 'str', 'no_log': True}}).validate({'token': value})


@pytest.mark.skipif(_core.public_secrets is None, reason='this ansible-core has no ansible.module_utils.secrets')
def test_with_public_secrets_the_result_is_left_as_the_module_leaves_it(monkeypatch):
    """2.22 and later: the validator registered the value, ansible-core masks it where it shows it, a module
    returns it as it is, and neither remove_values (deprecated) nor _no_log_values is touched."""
    monkeypatch.setattr(_core, 'remove_values', None)
    validation = types.SimpleNamespace()  # no _no_log_values to read
    result = {'invocation': {'module_args': {'token': 'seam-token-81c2'}}}
    _validated('seam-token-81c2')
    assert _core.no_log_masking(validation)(result) is result
    assert _core.public_secrets.mask_secrets('a seam-token-81c2 b') != 'a seam-token-81c2 b'


@pytest.mark.skipif(_core.public_secrets is not None, reason='this ansible-core masks secrets itself')
def test_without_public_secrets_the_result_is_masked_as_the_module_masks_it():
    masked = _core.no_log_masking(_validated('seam-token-81c2'))({'invocation': {'module_args': {
        'token': 'seam-token-81c2'}}, 'msg': 'bad seam-token-81c2'})
    assert masked == {'invocation': {'module_args': {'token': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}},
                      'msg': 'bad ********'}


# ---- each hook gone or raising ----------------------------------------------------------------------------------

def _raiser(*args, **kwargs):
    raise KeyError('a value that must not be shown')


def _task(groups=True):
    play = types.SimpleNamespace(_action_groups={}) if groups else types.SimpleNamespace()
    return types.SimpleNamespace(resolved_action='zadig.core.zadig_registry', module_defaults=[],
                                 _parent=types.SimpleNamespace(_play=play))


DEFAULTS_HOOK = '_apply_action_arg_defaults' if _core.CORE_VERSION >= (2, 19) else 'get_action_args_with_defaults'


def test_module_defaults_gone(monkeypatch):
    monkeypatch.setattr(_core, DEFAULTS_HOOK, None)
    with pytest.raises(_core.Unavailable, match='has no ansible.executor.module_common.' + DEFAULTS_HOOK):
        _core.module_defaults(_task(), None)


def test_module_defaults_raising_names_the_hook_not_the_values(monkeypatch):
    monkeypatch.setattr(_core, DEFAULTS_HOOK, _raiser)
    with pytest.raises(_core.Unavailable) as info:
        _core.module_defaults(_task(), None)
    assert str(info.value).endswith('module_common.%s failed (KeyError)' % DEFAULTS_HOOK)
    assert 'must not be shown' not in str(info.value)


@pytest.mark.parametrize('answer', [['a', 'list'], 'text'])
def test_module_defaults_of_another_shape(monkeypatch, answer):
    monkeypatch.setattr(_core, DEFAULTS_HOOK, lambda *args, **kwargs: answer)
    with pytest.raises(_core.Unavailable, match='gave module_defaults as'):
        _core.module_defaults(_task(), None)


def test_module_defaults_drop_omitted_values(monkeypatch):
    monkeypatch.setattr(_core, DEFAULTS_HOOK, lambda *args, **kwargs: {
        'zadig_url': 'https://zadig.test', 'zadig_token': '__omit_place_holder__1234'})
    assert _core.module_defaults(_task(), None) == {'zadig_url': 'https://zadig.test'}


@pytest.mark.skipif(_core.CORE_VERSION >= (2, 19), reason='2.19 and later do not read Play._action_groups')
def test_action_groups_gone():
    with pytest.raises(_core.Unavailable, match='has no Play._action_groups'):
        _core.module_defaults(_task(groups=False), None)


def test_task_environment_gone_or_raising():
    with pytest.raises(_core.Unavailable, match='has no ActionBase._compute_environment_string'):
        _core.task_environment(types.SimpleNamespace())
    with pytest.raises(_core.Unavailable, match=r'ActionBase._compute_environment_string failed \(KeyError\)'):
        _core.task_environment(types.SimpleNamespace(_compute_environment_string=_raiser))


def test_task_environment_is_what_ansible_core_computes():
    def compute(raw_environment_out=None):
        raw_environment_out.update({'ZADIG_URL': 'https://zadig.test', 'EMPTY': None})
        return 'ZADIG_URL=https://zadig.test EMPTY=None'
    assert _core.task_environment(types.SimpleNamespace(_compute_environment_string=compute)) == {
        'ZADIG_URL': 'https://zadig.test', 'EMPTY': None}


@pytest.mark.skipif(_core.public_secrets is not None, reason='not read where ansible-core masks secrets itself')
def test_no_log_values_gone(monkeypatch):
    with pytest.raises(_core.Unavailable, match='has no ValidationResult._no_log_values'):
        _core.no_log_masking(types.SimpleNamespace())
    monkeypatch.setattr(_core, 'remove_values', None)
    with pytest.raises(_core.Unavailable, match='has no ansible.module_utils.common.parameters.remove_values'):
        _core.no_log_masking(_validated('x'))
    assert _core.unavailable().endswith('has no ansible.module_utils.common.parameters.remove_values')


@pytest.mark.skipif(_core.public_secrets is not None, reason='not called where ansible-core masks secrets itself')
@pytest.mark.parametrize('remove, reason', [
    (_raiser, 'remove_values failed (KeyError)'),
    (lambda value, values: value, 'remove_values no longer masks no_log values')])
def test_remove_values_broken_is_found_before_a_task_runs(monkeypatch, remove, reason):
    monkeypatch.setattr(_core, 'remove_values', remove)
    assert _core.unavailable().endswith(reason)


@pytest.mark.skipif(_core.public_secrets is None, reason='this ansible-core has no ansible.module_utils.secrets')
@pytest.mark.parametrize('mask, reason', [
    (_raiser, 'ansible.module_utils.secrets.mask_secrets failed (KeyError)'),
    (lambda value, **kwargs: value, 'no longer registers no_log values as secrets when it validates')])
def test_public_secrets_broken_is_found_before_a_task_runs(monkeypatch, mask, reason):
    monkeypatch.setattr(_core, 'public_secrets', types.SimpleNamespace(mask_secrets=mask))
    assert _core.unavailable().endswith(reason)
    assert _core.unavailable(module_result=False).endswith(reason)


RESULT_HOOK = 'UnifiedTaskResult' if _core.CORE_VERSION >= (2, 21) else 'AnsibleModuleCapturedError'


@pytest.mark.skipif(_core.CORE_VERSION < (2, 19), reason='2.16 to 2.18 read every result alike')
@pytest.mark.parametrize('hook, reason', [
    (None, 'has no ansible._internal.'),
    (types.SimpleNamespace(from_module_result_dict=_raiser, normalize_result_exception=_raiser),
     'failed (KeyError)'),
    (types.SimpleNamespace(
        from_module_result_dict=lambda result: types.SimpleNamespace(as_result_dict=lambda **kwargs: {}),
        normalize_result_exception=lambda result: result.clear()),
     "changed what a module's result holds")])
def test_result_hook_broken_is_found_before_a_task_runs(monkeypatch, hook, reason):
    monkeypatch.setattr(_core, RESULT_HOOK, hook)
    assert reason in _core.unavailable()
    assert _core.unavailable(module_result=False) is None
    if hook is None or reason.startswith('failed'):
        with pytest.raises(_core.Unavailable):
            _core.as_module_result({'failed': True, 'msg': 'x'})


@pytest.mark.skipif(_core.CORE_VERSION >= (2, 19), reason='2.19 and later tell a module failure from an action')
def test_before_2_19_a_result_is_a_result(monkeypatch):
    monkeypatch.setattr(_core, 'UnifiedTaskResult', None)
    monkeypatch.setattr(_core, 'AnsibleModuleCapturedError', None)
    result = {'failed': True, 'msg': 'x'}
    assert _core.as_module_result(result) is result


@pytest.mark.skipif(_core.CORE_VERSION < (2, 19), reason='2.16 to 2.18 read every result alike')
def test_a_failure_reads_as_a_module_failure():
    result = _core.as_module_result({'failed': True, 'msg': 'no such registry'})
    assert result['failed'] and result['msg'] == 'no such registry'
    assert 'exception' in result  # what ansible-core shows as "Module failed" rather than "Task failed"
