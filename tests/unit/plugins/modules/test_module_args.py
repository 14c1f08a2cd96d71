# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module's argument spec must say for the token and the secrets to be masked.

validate-modules checks that each module's documentation matches its spec; it cannot know which options are secrets.
"""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info

SPECS = {module.__name__.rpartition('.')[2]: module.MODULE_ARGS['argument_spec']
         for module in (zadig_registry, zadig_registry_info, zadig_registries)}


@pytest.mark.parametrize('name', sorted(SPECS))
def test_no_log_covers_every_secret_option(name):
    """ansible-core masks the token and a registry's keys only when the spec says no_log."""
    spec = SPECS[name]
    assert spec['zadig_token'].get('no_log')
    for entries in [spec] + [option['options'] for option in spec.values() if option.get('options')]:
        for key in ('access_key', 'secret_key'):
            if key in entries:
                assert entries[key].get('no_log'), (name, key)


def test_the_registry_options_are_one_definition():
    """A change to a registry's options reaches zadig_registry and each entry of zadig_registries alike."""
    entry = zadig_registries.MODULE_ARGS['argument_spec']['registries']['options']
    assert all(zadig_registry.MODULE_ARGS['argument_spec'][name] is option for name, option in entry.items())
