# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hook into ansible-core that is gone or raises sends the task to its module, says why at -vvv, and changes
nothing else: the result and the requests Zadig sees are those of the controller path with every hook in place.

Each action plugin runs as ansible-core calls it, with a real Task, against an in-process simulator. Its module
path goes through ansible-core's own normal action, whose module run is the module's main() in this process,
given what ``_execute_module`` would give it; the other path runs on a simulator seeded alike.
"""

from __future__ import annotations

import contextlib
import io
import json
import types
import warnings
from unittest import mock

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common import arg_spec
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.action.normal import ActionModule as Normal
from ansible.template import Templar
from ansible.utils.display import Display

from ansible_collections.zadig.core.plugins.action import zadig_registries as registries_action
from ansible_collections.zadig.core.plugins.action import zadig_registry as registry_action
from ansible_collections.zadig.core.plugins.action import zadig_registry_info as info_action
from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info
from ansible_collections.zadig.core.plugins.plugin_utils import _action, _core
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator
from ansible_collections.zadig.core.tests.unit.two_paths import SECRETS, URL, plain, seeded
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, module_args

try:  # what ansible-core's _execute_module makes of a module's JSON, to compare like with like
    from ansible._internal._task import UnifiedTaskResult
except ImportError:
    UnifiedTaskResult = None
try:
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
except ImportError:
    AnsibleModuleCapturedError = None

PLUGINS = {
    'zadig.core.zadig_registry': (registry_action, zadig_registry),
    'zadig.core.zadig_registry_info': (info_action, zadig_registry_info),
    'zadig.core.zadig_registries': (registries_action, zadig_registries),
}
CONNECTION = {'zadig_url': URL, 'zadig_token': ADMIN}
TASKS = [
    ('zadig.core.zadig_registry', dict(CONNECTION, address='https://new.example.com', namespace='n',
                                       provider='native', access_key='AK-task-33', secret_key='SK-task-44'), False),
    ('zadig.core.zadig_registry', dict(CONNECTION, address='https://harbor.example.com', namespace='platform',
                                       provider='native'), True),
    ('zadig.core.zadig_registry', dict(CONNECTION, address='ftp://new.example.com', namespace='n'), False),
    ('zadig.core.zadig_registry_info', dict(CONNECTION, details=True), False),
    ('zadig.core.zadig_registries', dict(CONNECTION, purge=True, registries=[
        {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor',
         'is_default': True, 'access_key': 'AK-seeded-1', 'secret_key': 'SK-task-44'}]), False),
    ('zadig.core.zadig_registries', dict(CONNECTION, registries=[
        {'address': 'https://a.example.com', 'namespace': 'a', 'is_default': True},
        {'address': 'https://b.example.com', 'namespace': 'b', 'is_default': True}]), True),
]
TASK_IDS = ['registry-secrets', 'registry-check', 'registry-bad', 'info-details', 'registries-purge',
            'registries-bad']


def make_action(name, args, check_mode=False):
    """The action plugin of ``name`` for a task on a local connection, as ansible-core builds it."""
    task = Task()
    task.action = name
    task.args = dict(args)
    task.module_defaults = []
    task._resolved_action = name  # pylint: disable=protected-access
    task._parent = mock.MagicMock()  # pylint: disable=protected-access
    task._parent._play._action_groups = {}  # pylint: disable=protected-access
    context = PlayContext()
    context.check_mode = check_mode
    context.diff = True
    connection = mock.MagicMock()
    connection.transport = 'local'
    loader = DataLoader()
    return PLUGINS[name][0].ActionModule(task=task, connection=connection, play_context=context, loader=loader,
                                         templar=Templar(loader=loader), shared_loader_obj=None)


def as_execute_module_returns(result):
    """A module's JSON as ``ActionBase._execute_module`` hands it on."""
    result.pop('_ansible_new_secrets', None)  # ansible-core registers them and drops the key
    if UnifiedTaskResult is not None:
        utr = UnifiedTaskResult.from_module_result_dict(result)
        utr.ansible_parsed = True
        return utr.as_result_dict(for_round_trip=True)
    if AnsibleModuleCapturedError is not None:
        AnsibleModuleCapturedError.normalize_result_exception(result)
    return result


@pytest.fixture
def module_runs(monkeypatch):
    """ansible-core's normal action runs the module's main() here, with what _execute_module would give it."""
    runs = []

    def execute_module(self, task_vars=None, wrap_async=False, **kwargs):  # pylint: disable=unused-argument
        task, context = self._task, self._play_context  # pylint: disable=protected-access
        full = dict(task.args, _ansible_check_mode=bool(context.check_mode), _ansible_diff=bool(context.diff),
                    _ansible_module_name=task.action)
        warned = []
        out = io.StringIO()
        with monkeypatch.context() as patch:
            # A process that loaded controller code prints a module's warnings at once; keep them as its JSON would.
            patch.setattr(AnsibleModule, 'warn', lambda module, warning: warned.append(warning))
            with module_args(full), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
                PLUGINS[task.action][1].main()
        result = json.loads(out.getvalue())
        if warned:
            result['warnings'] = warned + result.get('warnings', [])
        runs.append(task.action)
        return as_execute_module_returns(result)

    monkeypatch.setattr(Normal, '_execute_module', execute_module)
    monkeypatch.setattr(Normal, '_remove_tmp_path', lambda self, path: None)
    return runs


@pytest.fixture
def said(monkeypatch):
    """What the action plugins say at -vvv."""
    lines = []
    monkeypatch.setattr(_action.display, 'vvv', lambda msg, host=None: lines.append(msg))
    return lines


def run_task(monkeypatch, name, args, check_mode, breakage=None):
    """The task's result and the requests a fresh simulator saw; ``breakage(monkeypatch, action)`` breaks a hook."""
    sim = seeded()
    use_simulator(monkeypatch, sim)
    action = make_action(name, args, check_mode)
    with monkeypatch.context() as patch:
        if breakage is not None:
            breakage(patch, action)
        result = action.run(task_vars={})
    return result, [entry[2] for entry in sim.log]


def comparable(which, result):
    """What both paths must agree on. The controller path of zadig_registries keeps an action's result, as it
    always has: without ``exception``, ``invocation``, ``ansible_parsed`` and ``failed: false``, which ansible-core
    adds to a module's (and ``failed`` to every task's, later). ``exception`` holds a traceback on a module path."""
    result = plain(json.loads(json.dumps(result, default=repr)))
    added = ('exception',)
    if which == 'zadig.core.zadig_registries':
        added += ('invocation', 'ansible_parsed')
        if result.get('failed') is False:
            del result['failed']
    return {key: value for key, value in result.items() if key not in added and not key.startswith('_ansible')}


# ---- the hooks, and two ways each can break --------------------------------------------------------------------

def _raiser(*args, **kwargs):
    raise RuntimeError('a future ansible-core changed this')


def _gone(patch, target, name):
    patch.setattr(target, name, None)


def _raising(patch, target, name):
    patch.setattr(target, name, _raiser)


class RenamingValidator(arg_spec.ArgumentSpecValidator):
    """A future ansible-core's validator, as the controller path would see it: no ``_no_log_values``."""

    def validate(self, *args, **kwargs):
        result = super().validate(*args, **kwargs)
        result.__dict__['_renamed_no_log_values'] = result.__dict__.pop('_no_log_values')
        return result


def _validation_without_no_log_values(patch, action):  # pylint: disable=unused-argument
    patch.setattr(_action, 'ArgumentSpecValidator', RenamingValidator)
    patch.setattr(_core, 'ArgumentSpecValidator', RenamingValidator)


def _play_without_action_groups(patch, action):
    task = action._task  # pylint: disable=protected-access
    patch.setattr(task, '_parent', types.SimpleNamespace(_play=types.SimpleNamespace()))


def _secrets_not_registered(patch, action):  # pylint: disable=unused-argument
    patch.setattr(_core, 'public_secrets', types.SimpleNamespace(mask_secrets=lambda value, **kwargs: value))


def _secrets_raising(patch, action):  # pylint: disable=unused-argument
    patch.setattr(_core, 'public_secrets', types.SimpleNamespace(mask_secrets=_raiser))


def _result_hook(patch, breaking):
    name = 'UnifiedTaskResult' if _core.CORE_VERSION >= (2, 21) else 'AnsibleModuleCapturedError'
    if breaking == 'gone':
        patch.setattr(_core, name, None)
    else:
        patch.setattr(_core, name, types.SimpleNamespace(from_module_result_dict=_raiser,
                                                         normalize_result_exception=_raiser))


NEW_DEFAULTS = _core.CORE_VERSION >= (2, 19)
DEFAULTS_HOOK = '_apply_action_arg_defaults' if NEW_DEFAULTS else 'get_action_args_with_defaults'
PUBLIC_SECRETS = _core.public_secrets is not None
RESULT_HOOK = _core.CORE_VERSION >= (2, 19)

# (id, applies here, breaks it, what -vvv says, whether zadig_registries uses it)
BREAKAGES = [
    ('module-defaults-gone', True, lambda patch, action: _gone(patch, _core, DEFAULTS_HOOK),
     'has no ansible.executor.module_common.' + DEFAULTS_HOOK, True),
    ('module-defaults-raise', True, lambda patch, action: _raising(patch, _core, DEFAULTS_HOOK),
     'ansible.executor.module_common.%s failed (RuntimeError)' % DEFAULTS_HOOK, True),
    ('action-groups-gone', not NEW_DEFAULTS, _play_without_action_groups, 'has no Play._action_groups', True),
    ('environment-gone', True, lambda patch, action: _gone(patch, action, '_compute_environment_string'),
     'has no ActionBase._compute_environment_string', True),
    ('environment-raise', True, lambda patch, action: _raising(patch, action, '_compute_environment_string'),
     'ActionBase._compute_environment_string failed (RuntimeError)', True),
    ('no-log-values-gone', not PUBLIC_SECRETS, _validation_without_no_log_values,
     'has no ValidationResult._no_log_values', True),
    ('remove-values-gone', not PUBLIC_SECRETS, lambda patch, action: _gone(patch, _core, 'remove_values'),
     'has no ansible.module_utils.common.parameters.remove_values', True),
    ('remove-values-raise', not PUBLIC_SECRETS, lambda patch, action: _raising(patch, _core, 'remove_values'),
     'ansible.module_utils.common.parameters.remove_values failed (RuntimeError)', True),
    ('secrets-not-registered', PUBLIC_SECRETS, _secrets_not_registered,
     'no longer registers no_log values as secrets when it validates', True),
    ('secrets-raise', PUBLIC_SECRETS, _secrets_raising,
     'ansible.module_utils.secrets.mask_secrets failed (RuntimeError)', True),
    ('result-hook-gone', RESULT_HOOK, lambda patch, action: _result_hook(patch, 'gone'), 'has no ansible._internal.',
     False),
    ('result-hook-raise', RESULT_HOOK, lambda patch, action: _result_hook(patch, 'raise'), 'failed (RuntimeError)',
     False),
]


@pytest.mark.parametrize('which, args, check_mode', TASKS, ids=TASK_IDS)
@pytest.mark.parametrize('breakage_id, applies, breakage, reason, registries_use_it', BREAKAGES,
                         ids=[b[0] for b in BREAKAGES])
def test_a_broken_hook_runs_the_task_as_its_module_with_the_same_result(  # pylint: disable=too-many-arguments
        monkeypatch, module_runs, said, which, args, check_mode, breakage_id, applies, breakage, reason,
        registries_use_it):
    if not applies:
        pytest.skip('ansible-core %s does not use this hook' % _core.CORE_VERSION_TEXT)
    expected, expected_requests = run_task(monkeypatch, which, args, check_mode)
    assert said == ["%s runs in the controller's process" % which] and module_runs == []
    del said[:]
    result, requests = run_task(monkeypatch, which, args, check_mode, breakage)
    if which == 'zadig.core.zadig_registries' and not registries_use_it:
        assert said == ["%s runs in the controller's process" % which], breakage_id
        assert module_runs == []
    else:
        assert len(said) == 1 and said[0].startswith('%s runs as a module: ansible-core ' % which), said
        assert reason in said[0]
        assert module_runs == [which]
    assert comparable(which, result) == comparable(which, expected)
    assert requests == expected_requests
    assert not any(secret in json.dumps(result, default=repr) for secret in SECRETS if not PUBLIC_SECRETS)


@pytest.mark.parametrize('which, args, check_mode', TASKS, ids=TASK_IDS)
def test_the_module_of_each_plugin_returns_what_the_controller_returns(monkeypatch, module_runs, said, which,
                                                                       args, check_mode):
    """zadig_execution=module is what tasks of zadig_registry and zadig_registry_info also take; zadig_registries
    has none, so its module is reached here through a missing hook."""
    expected, expected_requests = run_task(monkeypatch, which, args, check_mode)
    result, requests = run_task(monkeypatch, which, args, check_mode,
                                lambda patch, action: _gone(patch, action, '_compute_environment_string'))
    assert module_runs == [which]
    assert comparable(which, result) == comparable(which, expected)
    assert requests == expected_requests


# ---- no deprecation from this collection's code paths ----------------------------------------------------------

DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning)


@pytest.fixture
def deprecations(monkeypatch):
    """What was deprecated while a test ran: ansible-core's deprecation warnings and Python's DeprecationWarnings."""
    from ansible.module_utils.common import warnings as module_warnings  # pylint: disable=import-outside-toplevel
    displayed = []
    before = len(module_warnings.get_deprecation_messages())
    monkeypatch.setattr(Display, 'deprecated', lambda self, msg, *args, **kwargs: displayed.append(msg))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')

        def seen():
            python = [str(w.message) for w in caught if issubclass(w.category, DEPRECATIONS)]
            return displayed + python + [d['msg'] for d in module_warnings.get_deprecation_messages()[before:]]
        yield seen


@pytest.mark.parametrize('which, args, check_mode', TASKS, ids=TASK_IDS)
def test_no_deprecation_on_the_controller_path(monkeypatch, deprecations, said, which, args, check_mode):
    result, _requests = run_task(monkeypatch, which, args, check_mode)
    assert said == ["%s runs in the controller's process" % which]
    assert 'msg' in result or 'changed' in result
    assert deprecations() == []


@pytest.mark.parametrize('which, args, check_mode', TASKS, ids=TASK_IDS)
def test_no_deprecation_on_the_module_path(monkeypatch, deprecations, module_runs, which, args, check_mode):
    run_task(monkeypatch, which, args, check_mode,
             lambda patch, action: _gone(patch, action, '_compute_environment_string'))
    assert module_runs == [which]
    assert deprecations() == []


def test_no_deprecation_probing_the_hooks(deprecations):
    assert _core.unavailable() is None
    assert _core.unavailable(module_result=False) is None
    assert deprecations() == []


@pytest.mark.skipif(not RESULT_HOOK, reason='2.16 to 2.18 read every result alike')
def test_a_result_hook_that_fails_only_after_the_task_ran_leaves_an_actions_result(monkeypatch, module_runs, said):
    """The probe found it working, yet it fails on this result: the task ran and is not run again."""
    monkeypatch.setattr(_core, 'unavailable', lambda **kwargs: None)
    name, args, check_mode = TASKS[0]
    expected, expected_requests = run_task(monkeypatch, name, args, check_mode)
    del said[:]
    result, requests = run_task(monkeypatch, name, args, check_mode,
                                lambda patch, action: _result_hook(patch, 'raise'))
    assert said[0] == "%s runs in the controller's process" % name
    assert said[1].startswith("%s returns its result as an action's: ansible-core " % name)
    assert module_runs == [] and requests == expected_requests
    as_an_action = 'zadig.core.zadig_registries'  # compared as zadig_registries' action result is
    assert comparable(as_an_action, result) == comparable(as_an_action, expected)
