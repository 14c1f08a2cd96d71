# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zadig.core.zadig_registry_info in the controller's process when the task's connection is local, else as the module."""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.modules.zadig_registry_info import MODULE_ARGS, TASK
from ansible_collections.zadig.core.plugins.plugin_utils._action import ModuleTaskAction


class ActionModule(ModuleTaskAction):
    """zadig.core.zadig_registry_info"""

    MODULE_ARGS = MODULE_ARGS
    TASK = TASK
