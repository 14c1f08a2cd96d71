# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an action plugin of this collection needs to see a task the way its module would.

A module gets the task's arguments merged with ``module_defaults`` and runs with
the task's ``environment:``. An action plugin running in the controller gets
neither for free: arguments that a role passes as ``default(omit)`` lose their
``module_defaults``, and ``os.environ`` is the controller's, not the task's.
These helpers give both back, through the same functions ansible-core uses for
modules. Not a public API.
"""

from __future__ import annotations

import os

from ansible_collections.zadig.core.plugins.module_utils._api import connection_from_environment

try:  # ansible-core 2.19 and later
    from ansible.executor.module_common import _apply_action_arg_defaults
    get_action_args_with_defaults = None
except ImportError:  # ansible-core 2.16 to 2.18
    _apply_action_arg_defaults = None
    from ansible.executor.module_common import get_action_args_with_defaults

OMIT_PREFIX = '__omit_place_holder__'


def task_environment(action):
    """The environment a module of this task would run with on the controller: ours, then ``environment:``."""
    raw = {}
    action._compute_environment_string(raw_environment_out=raw)  # pylint: disable=protected-access
    environ = dict(os.environ)
    environ.update((str(name), str(value)) for name, value in raw.items())  # a null is "None", as for a module
    return environ


def module_defaults(action):
    """The ``module_defaults`` (the action's own and its groups') that apply to this task."""
    task = action._task  # pylint: disable=protected-access
    if _apply_action_arg_defaults is not None:
        defaults = _apply_action_arg_defaults(task.resolved_action, task, {}, action._templar)  # pylint: disable=protected-access
    else:
        defaults = get_action_args_with_defaults(task.resolved_action, {}, task.module_defaults,
                                                 action._templar,  # pylint: disable=protected-access
                                                 action_groups=task._parent._play._action_groups)  # pylint: disable=protected-access
    return {key: value for key, value in (defaults or {}).items()
            if not (isinstance(value, str) and value.startswith(OMIT_PREFIX))}


def without_fallbacks(spec):
    """An argument spec whose environment fallbacks are dropped: the task's environment was applied already."""
    return {name: {key: value for key, value in option.items() if key != 'fallback'} for name, option in spec.items()}


def task_arguments(action):
    """The task's arguments as its module would see them, and the environment it would run with.

    Precedence, as for a module: the task's arguments, then ``module_defaults``,
    then ZADIG_* from the task's environment (an empty variable counts as unset).
    """
    args = module_defaults(action)
    args.update(action._task.args)  # pylint: disable=protected-access
    environ = task_environment(action)
    return connection_from_environment(args, environ), environ
