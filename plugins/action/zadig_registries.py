# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a whole list of registries in the controller's process: one read, the writes that differ, one read back.

Running the shared pipeline here, instead of one module process per registry,
is what makes the registries role fast; the decisions are the same ``plan`` the
zadig_registry module uses. The task's module_defaults and environment apply as
they would to a module.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.zadig.core.plugins.module_utils._api import CONNECTION_ARGUMENT_SPEC
from ansible_collections.zadig.core.plugins.module_utils._manage import REGISTRY_OPTIONS, ensure_registries
from ansible_collections.zadig.core.plugins.plugin_utils._action import run_here
from ansible_collections.zadig.core.plugins.plugin_utils._task import task_arguments

MODULE_ARGS = dict(
    argument_spec=dict(
        CONNECTION_ARGUMENT_SPEC,
        registries=dict(type='list', elements='dict', default=[], options=REGISTRY_OPTIONS),
        purge=dict(type='bool', default=False),
        fail_on_drift=dict(type='bool', default=False),
        dedupe=dict(type='bool', default=False),
    ),
    supports_check_mode=True,
)


def apply_list(client, params, check_mode, diff):
    return ensure_registries(client, params['registries'], params['purge'], check_mode=check_mode, diff=diff,
                             fail_on_drift=params['fail_on_drift'], dedupe=params['dedupe'])


class ActionModule(ActionBase):
    """zadig.core.zadig_registries"""

    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args, environ = task_arguments(self)
        outcome = run_here(self._task.action, MODULE_ARGS, apply_list, args,
                           check_mode=bool(self._play_context.check_mode), diff=bool(self._play_context.diff),
                           environ=environ, invocation=False)
        result.update(outcome)
        return result
