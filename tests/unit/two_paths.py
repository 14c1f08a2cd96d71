# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one task through the module's main() and through the action plugin's in-process path, and compare."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import remove_values

try:
    from ansible.module_utils.secrets import mask_secrets
except ImportError:  # ansible-core 2.21 and before
    mask_secrets = None

from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info
from ansible_collections.zadig.core.plugins.plugin_utils._action import run_here
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER, module_args

URL = 'https://zadig.test'
SECRETS = (ADMIN, USER, 'AK-seeded-1', 'SK-seeded-2', 'AK-task-33', 'SK-task-44')
NO_LOG = set(SECRETS)
MODULES = {'registry': (zadig_registry, 'zadig.core.zadig_registry'),
           'info': (zadig_registry_info, 'zadig.core.zadig_registry_info'),
           'registries': (zadig_registries, 'zadig.core.zadig_registries')}


def seeded():
    sim = Simulator(admin_tokens=[ADMIN], user_tokens=[USER])
    sim.seed(address='https://harbor.example.com', namespace='platform', provider='harbor', is_default=True,
             access_key='AK-seeded-1', secret_key='SK-seeded-2')
    sim.seed(address='https://other.example.com', namespace='team', provider='native')
    return sim


def without_ids(value):
    """Ids are made of the clock: every 24-hex run inside a string reads <id>."""
    if isinstance(value, str):
        return re.sub(r'[0-9a-f]{24}', '<id>', value)
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    if isinstance(value, dict):
        return {without_ids(key): without_ids(item) for key, item in value.items()}
    return value


def plain(value):
    """Ids, and ansible-core 2.19's warning objects, in a form that compares."""
    value = without_ids(value)
    if isinstance(value, dict) and value.get('warnings'):
        value['warnings'] = [w['event']['msg'] if isinstance(w, dict) else w for w in value['warnings']]
    return value


def as_module(monkeypatch, which, args, check_mode, diff):
    """The module's main(), as ansible-core runs it: the JSON it prints."""
    sim = seeded()
    use_simulator(monkeypatch, sim)
    out = io.StringIO()
    warned = []
    # In a process that has loaded controller code, ansible-core 2.19+ prints a module's warnings at once instead
    # of returning them; collect them as the module's JSON would carry them.
    monkeypatch.setattr(AnsibleModule, 'warn', lambda self, warning: warned.append(warning))
    full = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_module_name=MODULES[which][1])
    with module_args(full), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        MODULES[which][0].main()
    result = json.loads(out.getvalue())
    result.pop('_ansible_new_secrets', None)  # 2.22 and later: the controller registers and drops them
    if warned:
        result['warnings'] = [remove_values(w, NO_LOG) for w in warned] + result.get('warnings', [])
    return result, [entry[2] for entry in sim.log]


def in_process(monkeypatch, which, args, check_mode, diff, invocation):
    sim = seeded()
    use_simulator(monkeypatch, sim)
    module, name = MODULES[which]
    result = run_here(name, module.MODULE_ARGS, module.TASK, args, check_mode, diff, environ={},
                      invocation=invocation)
    return result, [entry[2] for entry in sim.log]


def same_on_both_paths(monkeypatch, which, args, check_mode=False, diff=True, secrets=SECRETS):
    module_result, module_requests = as_module(monkeypatch, which, args, check_mode, diff)
    result, requests = in_process(monkeypatch, which, args, check_mode, diff, 'invocation' in module_result)
    assert plain(result) == plain(module_result)
    assert requests == module_requests
    text = json.dumps(result)
    if mask_secrets is not None:  # 2.22 and later leave results unmasked and mask registered secrets where shown
        text = mask_secrets(text)
    assert not any(secret in text for secret in secrets)
    return result, requests


CONNECTION = {'zadig_url': URL, 'zadig_token': ADMIN}
