# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a module's task runs: in the controller's process when its connection is local, else as the module.

Starting a module process costs about 0.35 s a task; running the module's
shared task function in the controller's process costs a few milliseconds.
The result is what the module would return: the module's own options and
constraints validate the arguments, its messages report errors, its
``no_log`` values are masked, and ``invocation`` is added as a module adds
it. Whenever the controller cannot stand in for the host (another
connection, ``become``, ``async``, a library missing here) the task runs the
module as usual. Not a public API.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.zadig.core.plugins.module_utils._api import HAS_REQUESTS
from ansible_collections.zadig.core.plugins.module_utils._entry import execute
from ansible_collections.zadig.core.plugins.plugin_utils._task import task_arguments, without_fallbacks

display = Display()

EXECUTION_VARIABLE = 'zadig_execution'
EXECUTIONS = ('auto', 'module')
CONSTRAINTS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')
HAS_CRYPTOGRAPHY = importlib.util.find_spec('cryptography') is not None

try:  # ansible-core 2.19 and later
    from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
    AnsibleJSONEncoder = None
except ImportError:  # ansible-core 2.16 to 2.18
    from ansible.module_utils.common.json import AnsibleJSONEncoder
    get_module_encoder = None
try:  # ansible-core 2.19 and later say whether a failure came from a module or from an action
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
except ImportError:  # ansible-core 2.16 to 2.18
    AnsibleModuleCapturedError = None
try:  # ansible-core 2.21 and later
    from ansible._internal._task import UnifiedTaskResult
except ImportError:
    UnifiedTaskResult = None


def as_a_module_receives(args):
    """The arguments through the JSON a module receives them in: vaulted values decrypted, YAML's str types plain."""
    if get_module_encoder is not None:
        text = json.dumps(args, cls=get_module_encoder('legacy', Direction.CONTROLLER_TO_MODULE))
        return json.loads(text, cls=get_module_decoder('legacy', Direction.CONTROLLER_TO_MODULE))
    return json.loads(json.dumps(args, cls=AnsibleJSONEncoder, vault_to_text=True))


@contextlib.contextmanager
def process_environment(environ):
    """Run with ``environ`` as this process's environment, as a module process would have it; None leaves it be.

    Safe in the worker process ansible-core forks for each task; nothing else
    runs in it meanwhile.
    """
    if environ is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def module_adds_invocation(task_vars):
    """Whether a module's result would carry ``invocation``: always before ansible-core 2.21, then INJECT_INVOCATION."""
    try:
        return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars))
    except AnsibleError:
        return True


def as_module_result(result):
    """The result as ansible-core holds a module's, so a failure reads "Module failed", as it does for the module."""
    if UnifiedTaskResult is not None:
        return UnifiedTaskResult.from_module_result_dict(result).as_result_dict(for_round_trip=True)
    if AnsibleModuleCapturedError is not None:
        AnsibleModuleCapturedError.normalize_result_exception(result)
    return result


def run_here(name, module_args, task, args, check_mode=False, diff=False, environ=None, invocation=True):
    """What module ``name``, built with ``module_args`` (AnsibleModule's keywords), would return for ``args``.

    ``args`` are the task's arguments with module_defaults and the ZADIG_*
    variables of ``environ`` already applied.
    """
    unknown = set(module_args) - set(CONSTRAINTS) - {'argument_spec', 'supports_check_mode'}
    if unknown:
        raise ValueError('run_here cannot honour AnsibleModule keywords %s' % ', '.join(sorted(unknown)))
    validator = ArgumentSpecValidator(without_fallbacks(module_args['argument_spec']),
                                      **{key: module_args[key] for key in CONSTRAINTS if key in module_args})
    with process_environment(environ):  # a path option's ~ and $VAR expand in the task's environment
        validation = validator.validate(as_a_module_receives(args))
    params = validation.validated_parameters
    if validation.error_messages:
        msg = validation.errors.msg
        if isinstance(validation.errors[0], UnsupportedError):
            msg = 'Unsupported parameters for (%s) module: %s' % (name, msg)
        result = {'failed': True, 'msg': msg}
    else:
        result = execute(task, params, check_mode, diff, environ)
    if invocation:
        result['invocation'] = {'module_args': params}
    # A module's result crosses JSON on its way back; so does this one, to hold the same types.
    return json.loads(json.dumps(remove_values(result, validation._no_log_values)))  # pylint: disable=protected-access


class ModuleTaskAction(ActionBase):
    """The action plugin of a module whose task can run in the controller's process: set MODULE_ARGS and TASK."""

    _supports_check_mode = True
    _supports_async = True
    MODULE_ARGS = None
    TASK = None

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        reason = self.module_needed(task_vars)
        if reason:
            display.vvv('%s runs as a module: %s' % (self._task.action, reason))
            return self._run_module(tmp, task_vars)
        display.vvv("%s runs in the controller's process" % self._task.action)
        result = super().run(tmp, task_vars)
        args, environ = task_arguments(self)
        result.update(run_here(self._task.action, self.MODULE_ARGS, type(self).TASK, args,
                               check_mode=bool(self._play_context.check_mode), diff=bool(self._play_context.diff),
                               environ=environ, invocation=module_adds_invocation(task_vars)))
        return as_module_result(result)

    def module_needed(self, task_vars):
        """Why this task must run as the module, or None when the controller can run it."""
        execution = self._templar.template(task_vars.get(EXECUTION_VARIABLE, 'auto'))
        if execution not in EXECUTIONS:
            raise AnsibleActionFail('%s must be one of %s, got %r'
                                    % (EXECUTION_VARIABLE, ', '.join(EXECUTIONS), execution))
        if execution == 'module':
            return '%s is module' % EXECUTION_VARIABLE
        transport = getattr(self._connection, 'transport', None)
        if transport != 'local':
            return 'the connection is %s, not local' % transport
        if self._play_context.become:
            return 'become is set'
        if self._task.async_val:
            return 'async is set'
        if not HAS_REQUESTS:
            return "the controller's Python has no requests"
        if not HAS_CRYPTOGRAPHY:
            return "the controller's Python has no cryptography"
        return None

    def _run_module(self, tmp, task_vars):
        """What ansible.builtin.normal does: the module, with the task's arguments, async and check mode."""
        result = super().run(tmp, task_vars)
        wrap_async = bool(self._task.async_val) and not getattr(self._connection, 'has_native_async', False)
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)  # pylint: disable=protected-access
        return result
