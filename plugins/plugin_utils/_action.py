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
connection, ``become``, ``async``, a library missing here), or the running
ansible-core lacks what ``_core`` reaches into it for, the task runs the
module as usual, and ``-vvv`` says why. Not a public API.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import action_loader
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.zadig.core.plugins.module_utils._transport import HAS_REQUESTS
from ansible_collections.zadig.core.plugins.module_utils._entry import execute, explain
from ansible_collections.zadig.core.plugins.module_utils._mask import no_log_values
from ansible_collections.zadig.core.plugins.plugin_utils import _core
from ansible_collections.zadig.core.plugins.plugin_utils._task import (
    task_arguments, task_environment, without_fallbacks)

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


class HereTask:
    """A task made ready to run in the controller's process: its arguments validated as its module validates them,
    and every ansible-core hook the run needs already reached, so that a missing one still leaves the module path.

    ``args`` are the task's arguments with module_defaults and the ZADIG_*
    variables of ``environ`` already applied; ``module_args`` are the module's
    AnsibleModule keywords. Raises ``_core.Unavailable`` before anything is sent.
    """

    def __init__(self, name, module_args, args, environ=None):
        unknown = set(module_args) - set(CONSTRAINTS) - {'argument_spec', 'supports_check_mode'}
        if unknown:
            raise ValueError('the controller path cannot honour AnsibleModule keywords %s' % ', '.join(sorted(unknown)))
        validator = ArgumentSpecValidator(without_fallbacks(module_args['argument_spec']),
                                          **{key: module_args[key] for key in CONSTRAINTS if key in module_args})
        received = as_a_module_receives(args)
        with process_environment(environ):  # a path option's ~ and $VAR expand in the task's environment
            validation = validator.validate(received)
        self.params = validation.validated_parameters
        self.environ = environ
        self.failure = None
        if validation.error_messages:
            msg = explain(validation.errors.msg)
            if isinstance(validation.errors[0], UnsupportedError):
                msg = 'Unsupported parameters for (%s) module: %s' % (name, msg)
            self.failure = {'failed': True, 'msg': msg}
        # the parameters as AnsibleModule holds them when it fails: as received, updated with what validated
        seen = dict(received, **validation.validated_parameters)
        self.mask = _core.no_log_masking(validation, no_log_values(module_args['argument_spec'], seen))

    def run(self, task, check_mode=False, diff=False, invocation=True):
        """What the module, whose task function is ``task``, would return."""
        result = dict(self.failure) if self.failure else execute(task, self.params, check_mode, diff, self.environ)
        if invocation:
            result['invocation'] = {'module_args': self.params}
        # A module's result crosses JSON on its way back; so does this one, to hold the same types.
        return json.loads(json.dumps(self.mask(result)))


def run_here(name, module_args, task, args, check_mode=False, diff=False, environ=None, invocation=True):
    """What module ``name``, built with ``module_args`` (AnsibleModule's keywords), would return for ``args``."""
    return HereTask(name, module_args, args, environ).run(task, check_mode, diff, invocation)


class ModuleTaskAction(ActionBase):
    """The action plugin of a module whose task can run in the controller's process: set MODULE_ARGS and TASK.

    CONTROLLER_ONLY: the task runs here whatever its host, connection, become
    or zadig_execution; only an ansible-core this cannot run on sends it to
    the module. MODULE_RESULT: the result here reads as the module's
    (``invocation``, a module's failure); False keeps an action's.
    """

    _supports_check_mode = True
    _supports_async = True
    MODULE_ARGS = None
    TASK = None
    CONTROLLER_ONLY = False
    MODULE_RESULT = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        reason = self.module_needed(task_vars)
        here = None
        if reason is None:
            try:
                here = self.prepare_here()
            except _core.Unavailable as exc:
                reason = str(exc)
        if reason is not None:
            display.vvv('%s runs as a module: %s' % (self._task.action, reason))
            return merge_hash(result, self.run_module(task_vars))
        display.vvv("%s runs in the controller's process" % self._task.action)
        result.update(here.run(type(self).TASK, check_mode=bool(self._play_context.check_mode),
                               diff=bool(self._play_context.diff),
                               invocation=self.MODULE_RESULT and module_adds_invocation(task_vars)))
        if not self.MODULE_RESULT:
            return result
        try:
            return _core.as_module_result(result)
        except _core.Unavailable as exc:  # tried before the task ran: only a result unlike any other gets here
            display.vvv('%s returns its result as an action\'s: %s' % (self._task.action, exc))
            return result

    def module_needed(self, task_vars):
        """Why this task must run as the module, or None when the controller can run it."""
        if not self.CONTROLLER_ONLY:
            reason = self.host_needs_module(task_vars)
            if reason:
                return reason
        return _core.unavailable(module_result=self.MODULE_RESULT)

    def host_needs_module(self, task_vars):
        """Why this task's host, settings or controller leave it to the module, or None."""
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

    def prepare_here(self):
        """The task, ready to run here; ``_core.Unavailable`` when an ansible-core hook it needs is missing."""
        environ = task_environment(self)
        args = task_arguments(_core.module_defaults(self._task, self._templar), self._task.args, environ)
        return HereTask(self._task.action, self.MODULE_ARGS, args, environ)

    def run_module(self, task_vars):
        """The module, as ansible-core runs a module that has no action plugin: through its own normal action."""
        normal = action_loader.get('ansible.legacy.normal', task=self._task, connection=self._connection,
                                   play_context=self._play_context, loader=self._loader, templar=self._templar,
                                   shared_loader_obj=self._shared_loader_obj)
        return normal.run(task_vars=task_vars)
