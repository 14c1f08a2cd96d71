# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Constants shared by the unit tests."""

from __future__ import annotations

import contextlib
import json

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

ADMIN = 'admin-token-0123456789'
USER = 'user-token-0123456789'


@contextlib.contextmanager
def module_args(args):
    """Hand AnsibleModule these arguments, on every ansible-core the collection supports."""
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    old = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = old


class ModuleExit(Exception):
    """exit_json or fail_json was called; ``result`` holds what the module returned."""

    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


def capture_exit(monkeypatch):
    """Turn AnsibleModule's exit_json/fail_json into a ModuleExit exception carrying the result and warnings."""
    warnings = []

    def exit_json(self, **kwargs):
        if warnings:
            kwargs['warnings'] = list(warnings)
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        if warnings:
            kwargs['warnings'] = list(warnings)
        raise ModuleExit(kwargs, failed=True)

    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda self, warning: warnings.append(warning))

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)


def through_run_module(monkeypatch, module):
    """Run a task that lists the registries the way a module's main() runs one; returns the ModuleExit."""
    from ansible_collections.zadig.core.plugins.module_utils._entry import run_module  # pylint: disable=import-outside-toplevel

    capture_exit(monkeypatch)
    try:
        run_module(module, lambda client, params, check_mode, diff: {'registries': client.list_registries()})
    except ModuleExit as done:
        return done
    raise AssertionError('run_module returned without calling exit_json or fail_json')
