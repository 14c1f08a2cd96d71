# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seam to ansible-core: the one place this collection's plugins use ansible-core's private names.

Running a module's task in the controller's process (``_action``) must give
the task what its module would get and return what its module would return.
ansible-core offers no public way to do some of that, so this module, and no
other, reaches into ansible-core for it. Each hook says why it is needed and
what the public way is on the versions that have one:

- ``module_defaults``: the ``module_defaults`` of a task, group defaults
  included. 2.16 to 2.18: the public ``get_action_args_with_defaults``, fed the
  private ``Play._action_groups``; 2.19 and later: the private
  ``module_common._apply_action_arg_defaults``, what ansible-core's own
  ``gather_facts``, ``package`` and ``service`` actions call. No public way.
- ``task_environment``: the task's ``environment:``, templated and merged as a
  module gets it, through ``ActionBase._compute_environment_string`` on every
  version. No public way: ``Task.environment`` is the raw, untemplated list.
- ``no_log_masking``: 2.16 to 2.21 mask a module's whole result with
  ``remove_values`` and the values of its ``no_log`` options, which
  ``ValidationResult`` keeps only in the private ``_no_log_values``. 2.22 and
  later (``ansible.module_utils.secrets``) have the public way: the validator
  registers those values as secrets, ansible-core masks them wherever it shows
  them, and a module returns its result unmasked (``remove_values`` is
  deprecated there), so nothing is to remove.
- ``as_module_result``: 2.19 and later tell a module's failure ("Module
  failed") from an action's; the controller path's result must read as the
  module's: the private ``AnsibleModuleCapturedError`` (2.19, 2.20) or
  ``UnifiedTaskResult`` (2.21 and later). 2.16 to 2.18 need nothing. No public
  way.

A hook that is missing or raises makes ``Unavailable``, and the task runs as
its module, which needs none of them. Hooks used after the task ran (masking,
the result) are tried out first by ``unavailable()``, while the module path is
still open. The members of ``ActionBase`` meant for its subclasses (``_task``,
``_templar``, ``_connection``, ``_play_context``, ``_loader``,
``_shared_loader_obj``, ``_supports_*``) are the action plugin interface, not
private names. Not a public API.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.release import __version__ as CORE_VERSION_TEXT
from ansible_collections.zadig.core.plugins.module_utils._mask import remove_occurring

try:  # 2.22 and later mask secrets themselves
    from ansible.module_utils import secrets as public_secrets
except ImportError:
    public_secrets = None
try:  # public, deprecated from 2.22 on, where it is not called
    from ansible.module_utils.common.parameters import remove_values
except ImportError:
    remove_values = None
try:  # 2.19 and later
    from ansible.executor.module_common import _apply_action_arg_defaults
except ImportError:
    _apply_action_arg_defaults = None
try:  # 2.16 to 2.18
    from ansible.executor.module_common import get_action_args_with_defaults
except ImportError:
    get_action_args_with_defaults = None
try:  # 2.19 and 2.20
    from ansible._internal._errors._captured import AnsibleModuleCapturedError
except ImportError:
    AnsibleModuleCapturedError = None
try:  # 2.21 and later
    from ansible._internal._task import UnifiedTaskResult
except ImportError:
    UnifiedTaskResult = None

CORE_VERSION = tuple(int(part) for part in re.match(r'(\d+)\.(\d+)', CORE_VERSION_TEXT).groups())
PROBE = 'zadig-core-seam-probe-5d2b'  # a made-up value the probes mask; no secret
OMIT_PREFIX = '__omit_place_holder__'


class Unavailable(Exception):
    """A hook into ansible-core is missing or failed: the task must run as its module; the message says why."""


def _missing(name):
    return Unavailable('ansible-core %s has no %s' % (CORE_VERSION_TEXT, name))


def _failed(name, exc):
    # The exception's type only: its message could quote a task's values.
    return Unavailable("ansible-core %s's %s failed (%s)" % (CORE_VERSION_TEXT, name, type(exc).__name__))


def _require(name, hook):
    if hook is None:
        raise _missing(name)
    return hook


def _call(name, hook, *args, **kwargs):
    """``hook(*args, **kwargs)``; Unavailable, naming the hook, when it is missing or raises."""
    _require(name, hook)
    try:
        return hook(*args, **kwargs)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        raise _failed(name, exc) from None


def _attribute(name, read):
    """What ``read()`` reads, an attribute of an ansible-core object; Unavailable when it is gone."""
    try:
        return read()
    except AttributeError:
        raise _missing(name) from None


def module_defaults(task, templar):
    """The ``module_defaults`` (the action's own and its groups') that apply to ``task``, templated.

    The controller path applies them itself so that an option a role passes as
    ``default(omit)`` still takes its ``module_defaults``.
    """
    if CORE_VERSION >= (2, 19):
        defaults = _call('ansible.executor.module_common._apply_action_arg_defaults', _apply_action_arg_defaults,
                         task.resolved_action, task, {}, templar)
    else:
        # pylint: disable-next=protected-access
        groups = _attribute('Play._action_groups', lambda: task._parent._play._action_groups)
        defaults = _call('ansible.executor.module_common.get_action_args_with_defaults',
                         get_action_args_with_defaults, task.resolved_action, {}, task.module_defaults, templar,
                         action_groups=groups)
    defaults = defaults or {}
    if not isinstance(defaults, Mapping):
        raise Unavailable('ansible-core %s gave module_defaults as %s' % (CORE_VERSION_TEXT, type(defaults).__name__))
    return {key: value for key, value in defaults.items()
            if not (isinstance(value, str) and value.startswith(OMIT_PREFIX))}


def task_environment(action):
    """The task's ``environment:`` as ansible-core gives it to a module: one dict, templated, values as given."""
    raw = {}
    _call('ActionBase._compute_environment_string', getattr(action, '_compute_environment_string', None),
          raw_environment_out=raw)
    return raw


def no_log_masking(validation, extra=()):
    """How the module masks its result with the ``no_log`` values ``validation`` found: a function of the result.

    ``extra``: no_log values ansible-core's validation may have missed (``no_log_values``). Called before the task
    runs, so a missing hook still leaves the module path open. ``remove_values`` gets
    only the values that occur in the result (``remove_occurring``): given all of them, it costs values times texts,
    minutes for a list of 10,000 registries with credentials.
    """
    if public_secrets is not None:
        public_secrets.register_secrets(extra)
        return _as_it_is
    # pylint: disable-next=protected-access
    values = set(_attribute('ValidationResult._no_log_values', lambda: validation._no_log_values)) | set(extra)
    remove = _require('ansible.module_utils.common.parameters.remove_values', remove_values)
    return lambda result: remove_occurring(remove, values, result)


def _as_it_is(result):
    return result


def as_module_result(result):
    """``result`` as ansible-core holds a module's, so a failure reads "Module failed", as it does for the module."""
    if CORE_VERSION >= (2, 21):
        return _call('UnifiedTaskResult.from_module_result_dict', _unified_module_result,
                     _require('ansible._internal._task.UnifiedTaskResult', UnifiedTaskResult), result)
    if CORE_VERSION >= (2, 19):
        captured = _require('ansible._internal._errors._captured.AnsibleModuleCapturedError',
                            AnsibleModuleCapturedError)
        _call('AnsibleModuleCapturedError.normalize_result_exception', captured.normalize_result_exception, result)
    return result


def _unified_module_result(unified, result):
    """What ``ActionBase._parse_returned_data`` and ``_execute_module`` make of a module's JSON on 2.21 and later."""
    utr = unified.from_module_result_dict(result)
    utr.ansible_parsed = True  # a module's result was parsed from its JSON; 2.22 and later show it
    return utr.as_result_dict(for_round_trip=True)


def _probe_result():
    probed = as_module_result({'failed': True, 'msg': PROBE})
    if not (isinstance(probed, dict) and probed.get('failed') and probed.get('msg') == PROBE):
        raise Unavailable("ansible-core %s changed what a module's result holds" % CORE_VERSION_TEXT)


def _probe_masking():
    validation = ArgumentSpecValidator({'probe': {'type': 'str', 'no_log': True}}).validate({'probe': PROBE})
    if public_secrets is not None:
        if _call('ansible.module_utils.secrets.mask_secrets', public_secrets.mask_secrets, PROBE) == PROBE:
            raise Unavailable('ansible-core %s no longer registers no_log values as secrets when it validates'
                              % CORE_VERSION_TEXT)
        return
    masked = _call('ansible.module_utils.common.parameters.remove_values', no_log_masking(validation),
                   {'probe': PROBE})
    if PROBE in repr(masked):
        raise Unavailable("ansible-core %s's remove_values no longer masks no_log values" % CORE_VERSION_TEXT)


def unavailable(module_result=True):
    """Why the controller path cannot run on this ansible-core, or None: a hook used after a task ran (masking,
    and ``as_module_result`` unless ``module_result`` is False) is missing or broken. The hooks used before the
    task runs are checked where they are called."""
    try:
        if module_result:
            _probe_result()
        _probe_masking()
    except Unavailable as exc:
        return str(exc)
    return None
