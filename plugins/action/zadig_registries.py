# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a whole list of registries in the controller's process: one read, the writes that differ, one read back.

Running the shared pipeline here, instead of one module process per registry,
is what makes the registries role fast; the decisions are the same ``plan`` the
zadig_registry module uses. The task's module_defaults and environment apply as
they would to a module. It runs here whatever the task's host; only on an
ansible-core that lacks what the controller path needs does it run as the
module, which shares this task function and options.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.modules.zadig_registries import MODULE_ARGS, TASK
from ansible_collections.zadig.core.plugins.plugin_utils._action import ModuleTaskAction


class ActionModule(ModuleTaskAction):
    """zadig.core.zadig_registries"""

    TRANSFERS_FILES = False
    _supports_async = False
    MODULE_ARGS = MODULE_ARGS
    TASK = TASK
    CONTROLLER_ONLY = True
    MODULE_RESULT = False
