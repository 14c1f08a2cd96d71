# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one entry point of a task, from its validated options to its result.

A module's ``main()`` and the action plugin that runs the same task in the
controller's process both call ``execute``, so the two paths cannot drift
apart: same client, same errors, same warnings. Not a public API.
"""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.zadig.core.plugins.module_utils._api import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ZadigAPIError, ZadigClient)
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, InputError

EXPECTED_ERRORS = (InputError, ConflictError, TaskError, ZadigAPIError)


def failure(exc, client=None):
    """The failed result of an expected error, secrets masked."""
    result = {'changed': False}
    if isinstance(exc, TaskError):
        result.update(exc.result)
    elif isinstance(exc, ZadigAPIError):
        result.update(exc.as_result())
    result['msg'] = client.redact(str(exc)) if client is not None else str(exc)
    return result


def execute(task, params, check_mode=False, diff=False, environ=None):
    """Run ``task(client, params, check_mode, diff)``; the result dict, with ``failed`` and ``warnings`` when due.

    Expected failures become a result, never an exception; ``environ`` is the
    task's environment (proxies, CA bundle), the process's when None.
    """
    client = None
    try:
        client = ZadigClient(params['zadig_url'], params['zadig_token'], validate_certs=params['validate_certs'],
                             ca_path=params['ca_path'], timeout=params['timeout'], environ=environ)
        result = task(client, params, check_mode, diff)
    except EXPECTED_ERRORS as exc:
        result = dict(failure(exc, client), failed=True)
    warnings = (client.warnings if client is not None else []) + (result.pop('warnings', None) or [])
    if warnings:
        result['warnings'] = [client.redact(w) for w in warnings] if client is not None else warnings
    return result


def run_module(module, task):
    """A module's main(): run the task and exit; expected failures are clean fail_json calls, never tracebacks."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    result = execute(task, module.params, module.check_mode, module._diff)  # pylint: disable=protected-access
    for warning in result.pop('warnings', []):
        module.warn(warning)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)
