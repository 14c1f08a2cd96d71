# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure model: normalisation, matching and validation, with no HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._registry import InputError, find_matches, normalise_address, validate


@pytest.mark.parametrize('address, expected', [
    ('https://reg.example.com', 'https://reg.example.com'),
    ('HTTPS://Reg.Example.COM/', 'https://reg.example.com'),
    ('http://reg.example.com:5000//', 'http://reg.example.com:5000'),
    ('https://reg.example.com/path/x', 'https://reg.example.com'),
    ('  https://reg.example.com ', 'https://reg.example.com'),
    ('reg.example.com:5000/', 'reg.example.com:5000'),
    ('', ''),
    (None, ''),
])
def test_normalise_address(address, expected):
    assert normalise_address(address) == expected


def registry(rid, address, namespace='', is_default=False, provider='native'):
    return {'registry_id': rid, 'address': address, 'provider': provider, 'region': '', 'namespace': namespace,
            'is_default': is_default}


def test_natural_key_is_normalised_address_plus_trimmed_namespace():
    server = [registry('a' * 24, 'HTTPS://R.example.com/', ' ns '), registry('b' * 24, 'https://r.example.com', 'x'),
              registry('c' * 24, 'https://r.example.com:444', 'ns')]
    desired = validate({'address': 'https://r.example.com', 'namespace': 'ns'})
    assert [r['registry_id'] for r in find_matches(server, desired)] == ['a' * 24]


def test_validate_trims_namespace_and_normalises_address():
    desired = validate({'address': 'https://R.example.com/', 'namespace': ' ns ', 'provider': 'native'})
    assert (desired['address'], desired['namespace']) == ('https://r.example.com', 'ns')


def test_validate_allows_a_registry_id_update_without_namespace():
    assert validate({'registry_id': 'a' * 24, 'provider': 'harbor'})['namespace'] is None


def test_validate_does_not_apply_present_rules_to_absent():
    validate({'address': 'https://r.example.com', 'provider': 'ecr', 'state': 'absent'})
    with pytest.raises(InputError):
        validate({'address': 'https://r.example.com', 'provider': 'ecr'})


@pytest.mark.parametrize('field, value', [
    ('registry_id', '65a1b2c3d4e5f60718293a4b\n'), ('address', 'https://reg.example.com\n'),
    ('namespace', 'team\n'), ('region', 'eu-west-1\n'),
])
def test_a_trailing_newline_is_refused_in_every_checked_option(field, value):
    options = {'address': 'https://reg.example.com', 'namespace': 'team', 'provider': 'swr', 'region': 'eu-west-1'}
    options[field] = value
    with pytest.raises(InputError, match=field):
        validate(options)
