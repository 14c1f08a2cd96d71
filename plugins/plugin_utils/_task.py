# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an action plugin of this collection needs to see a task the way its module would.

A module gets the task's arguments merged with ``module_defaults`` and runs with
the task's ``environment:``. An action plugin running in the controller gets
neither for free: arguments that a role passes as ``default(omit)`` lose their
``module_defaults``, and ``os.environ`` is the controller's, not the task's.
These helpers give both back from what ansible-core computes for a module
(``_core`` reaches it). Not a public API.
"""

from __future__ import annotations

import os

from ansible_collections.zadig.core.plugins.module_utils._connection import connection_from_environment
from ansible_collections.zadig.core.plugins.plugin_utils import _core


def task_environment(action):
    """The environment a module of this task would run with on the controller: ours, then ``environment:``."""
    environ = dict(os.environ)
    # A null is "None", as for a module.
    environ.update((str(name), str(value)) for name, value in _core.task_environment(action).items())
    return environ


def without_fallbacks(spec):
    """An argument spec whose environment fallbacks are dropped: the task's environment was applied already."""
    return {name: {key: value for key, value in option.items() if key != 'fallback'} for name, option in spec.items()}


def task_arguments(defaults, task_args, environ):
    """The task's arguments as its module would see them.

    Precedence, as for a module: the task's arguments, then ``module_defaults``,
    then ZADIG_* from the task's environment (an empty variable counts as unset).
    """
    args = dict(defaults)
    args.update(task_args)
    return connection_from_environment(args, environ)
