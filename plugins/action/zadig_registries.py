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

from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.zadig.core.plugins.module_utils._api import CONNECTION_ARGUMENT_SPEC, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import (
    EXPECTED_ERRORS, REGISTRY_OPTIONS, ensure_registries, failure)
from ansible_collections.zadig.core.plugins.plugin_utils._task import task_arguments

ARGUMENT_SPEC = dict(
    CONNECTION_ARGUMENT_SPEC,
    registries=dict(type='list', elements='dict', default=[], options=REGISTRY_OPTIONS),
    purge=dict(type='bool', default=False),
    fail_on_drift=dict(type='bool', default=False),
    dedupe=dict(type='bool', default=False),
)


class ActionModule(ActionBase):
    """zadig.core.zadig_registries"""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validation, params, environ = task_arguments(self, ARGUMENT_SPEC)
        secrets = validation._no_log_values
        if validation.error_messages:
            result.update(failed=True, msg=remove_values(validation.error_messages[0], secrets))
            return result
        client = None
        try:
            client = ZadigClient(params['zadig_url'], params['zadig_token'], validate_certs=params['validate_certs'],
                                 ca_path=params['ca_path'], timeout=params['timeout'], environ=environ)
            outcome = ensure_registries(client, params['registries'], params['purge'],
                                        check_mode=bool(self._play_context.check_mode),
                                        diff=bool(self._play_context.diff), fail_on_drift=params['fail_on_drift'],
                                        dedupe=params['dedupe'])
        except EXPECTED_ERRORS as exc:
            outcome = dict(failure(exc, client), failed=True)
        warnings = (client.warnings if client is not None else []) + (outcome.pop('warnings', None) or [])
        if client is not None:
            warnings = [client.redact(warning) for warning in warnings]
        if warnings:
            outcome['warnings'] = warnings
        result.update(remove_values(outcome, secrets))
        return result
