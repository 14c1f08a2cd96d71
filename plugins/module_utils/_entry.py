# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one entry point of a task, from its validated options to its result.

A module's ``main()`` and the action plugin that runs the same task in the
controller's process both call ``execute``, so the two paths cannot drift
apart: same client, same errors, same warnings. Not a public API.
"""

from __future__ import annotations

import re

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:  # 2.22 and later: the module registers its secrets, the controller masks them
    from ansible.module_utils.secrets import register_secrets
except ImportError:
    register_secrets = None

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import TaskError, ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._mask import no_log_values
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, InputError
from ansible_collections.zadig.core.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR

EXPECTED_ERRORS = (InputError, ConflictError, TaskError, ZadigAPIError)
_MISSING = re.compile(r'^missing required arguments: (.*?)(?: found in .*)?$')
_NEXUS = re.compile(r'^value of provider must be one of: .*, got: nexus\b')


def explain(msg):
    """ansible-core's message for options that fail the argument spec, with what to do where it is ours to say.

    Used for the module and for the controller path alike, so that both say the same.
    """
    missing = _MISSING.match(msg or '')
    if missing:
        names = [name for name in ('zadig_url', 'zadig_token') if name in missing.group(1).split(', ')]
        if names:
            return ('%s; set %s on the task, or once for every task of the play with module_defaults '
                    '(group/zadig.core.zadig), or export %s (the role zadig.core.registries also takes the variables '
                    '%s)' % (msg, ' and '.join(names), ' and '.join(name.upper() for name in names),
                             ' and '.join(names)))
    if _NEXUS.match(msg or ''):
        return ("%s; nexus is listed in Zadig's documentation but refused by the server: use provider: native for "
                'a Nexus registry' % msg)
    return msg


class ZadigModule(AnsibleModule):
    """AnsibleModule whose failures to validate its options say what to do (``explain``), and mask every no_log
    value even when ansible-core's validation stopped collecting them (``no_log_values``)."""

    def fail_json(self, msg, **kwargs):
        secret = no_log_values(self.argument_spec, self.params) - self.no_log_values
        if secret:
            self.no_log_values.update(secret)
            if register_secrets is not None:
                register_secrets(secret)
        super().fail_json(msg=explain(msg), **kwargs)


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
