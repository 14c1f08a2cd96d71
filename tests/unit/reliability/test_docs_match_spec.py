# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's documented options are exactly its argument spec: names, types, defaults, choices, elements.

ansible-test's validate-modules compares them only for a module whose file holds the spec; zadig_registries keeps
its spec in its action plugin, so without this an option could be added there, or a default changed, unseen by
ansible-doc's readers.
"""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.zadig.core.plugins.action import zadig_registries as registries_action
from ansible_collections.zadig.core.plugins.doc_fragments.zadig import ModuleDocFragment
from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info

SPECS = {
    'zadig_registry': (zadig_registry, zadig_registry.MODULE_ARGS['argument_spec']),
    'zadig_registry_info': (zadig_registry_info, zadig_registry_info.MODULE_ARGS['argument_spec']),
    'zadig_registries': (zadig_registries, registries_action.MODULE_ARGS['argument_spec']),
}


def documented_options(module):
    """The module's options with those of its zadig.core.zadig fragments, as ansible-doc merges them."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = dict(doc.get('options') or {})
    for fragment in doc.get('extends_documentation_fragment') or []:
        assert fragment.startswith('zadig.core.zadig'), fragment
        part = fragment.rpartition('.')[2].upper() if fragment.count('.') == 3 else 'DOCUMENTATION'
        options.update(yaml.safe_load(getattr(ModuleDocFragment, part)).get('options') or {})
    return options


def shape(options, documented):
    """The facts of each option that both a spec and its documentation state, nested options included."""
    facts = {}
    for name, option in options.items():
        kind = option.get('type', 'str')
        facts[name] = {
            'type': kind,
            'required': bool(option.get('required')),
            'default': option.get('default'),
            'choices': sorted(option['choices']) if option.get('choices') else None,
            'elements': option.get('elements'),
            'no_log': bool(option.get('no_log')) if not documented else None,
        }
        nested = option.get('suboptions' if documented else 'options') or {}
        if nested:
            facts[name]['options'] = shape(nested, documented)
    return facts


def strip_no_log(facts):
    for fact in facts.values():
        fact.pop('no_log')
        if 'options' in fact:
            strip_no_log(fact['options'])
    return facts


@pytest.mark.parametrize('name', sorted(SPECS))
def test_documented_options_are_the_argument_spec(name):
    module, spec = SPECS[name]
    assert strip_no_log(shape(spec, documented=False)) == strip_no_log(shape(documented_options(module), documented=True))


@pytest.mark.parametrize('name', sorted(SPECS))
def test_no_log_covers_every_secret_option(name):
    """ansible-core masks the token and the registry's secret key only when the spec says no_log."""
    _module, spec = SPECS[name]
    assert spec['zadig_token'].get('no_log')
    for entries in [spec] + [option['options'] for option in spec.values() if option.get('options')]:
        if 'secret_key' in entries:
            assert entries['secret_key'].get('no_log'), name
