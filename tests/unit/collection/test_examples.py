# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every task in a module's EXAMPLES passes its argument spec and the collection's own input rules.

Users copy examples; one that names an option the module lacks, or breaks a rule checked before any request,
fails on their first run. Jinja values stand in as strings, as Ansible would template them.
"""

from __future__ import annotations

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.zadig.core.plugins.action import zadig_registries as registries_action
from ansible_collections.zadig.core.plugins.module_utils._registry import check_list, validate
from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info

MODULES = {
    'zadig_registry': (zadig_registry, zadig_registry.MODULE_ARGS),
    'zadig_registry_info': (zadig_registry_info, zadig_registry_info.MODULE_ARGS),
    'zadig_registries': (zadig_registries, registries_action.MODULE_ARGS),
}
CONSTRAINTS = ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by')


def example_tasks(module, name, defaults=None):
    """(task name, options) for each task of EXAMPLES that runs the module, with module_defaults merged in."""
    found = []
    for task in yaml.safe_load(module.EXAMPLES):
        if 'block' in task:
            group = (task.get('module_defaults') or {}).get('group/zadig.core.zadig') or {}
            found += example_tasks_of(task['block'], name, dict(defaults or {}, **group))
        else:
            found += example_tasks_of([task], name, defaults)
    return found


def example_tasks_of(tasks, name, defaults):
    return [(task['name'], dict(defaults or {}, **(task['zadig.core.' + name] or {})))
            for task in tasks if 'zadig.core.' + name in task]


CASES = [pytest.param(name, options, id='%s: %s' % (name, title))
         for name, (module, _args) in MODULES.items() for title, options in example_tasks(module, name)]


def test_every_module_has_examples_of_itself():
    assert {name for name, *_rest in (c.values for c in CASES)} == set(MODULES)


@pytest.mark.parametrize('name, options', CASES)
def test_example_passes_the_argument_spec_and_the_input_rules(name, options):
    args = MODULES[name][1]
    validator = ArgumentSpecValidator(args['argument_spec'], **{k: args[k] for k in CONSTRAINTS if k in args})
    params = dict({'zadig_url': 'https://zadig.example.com', 'zadig_token': 'example-token'}, **options)
    result = validator.validate(params)
    assert not result.error_messages, result.error_messages
    if name == 'zadig_registry':
        validate(result.validated_parameters)
    elif name == 'zadig_registries':
        check_list([validate(entry) for entry in result.validated_parameters['registries']],
                   purge=result.validated_parameters['purge'])
