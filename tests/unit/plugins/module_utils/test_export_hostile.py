# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on the export (adopting an existing Zadig, docs/user-guide.md, section 6): what
zadig_registry_info exports applies to the same server without change, each against the simulator in-process.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries, registry_info
from ansible_collections.zadig.core.tests.unit.simulated_zadig import SECRET, client_of, simulated


# ---- promise 2: export ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('params', [{'provider': 'harbor'}, {'is_default': True}, {'address': 'https://a.example.com', 'provider': 'native'}])
def test_an_export_filtered_past_a_duplicate_still_applies_without_change(monkeypatch, params):
    """DEFECT (promise 2): duplicates are looked for among the filtered registries only, so a registry whose twin
    the filter left out is exported by address and namespace, and applying the export fails: '2 registries match'."""
    sim = simulated(monkeypatch)
    sim.seed('https://a.example.com', provider='harbor', namespace='ns', is_default=True)
    sim.seed('https://A.example.com/', provider='native', namespace=' ns2 ')
    sim.seed('https://a.example.com', provider='native', namespace='ns')
    exported = registry_info(client_of(), params)
    sim.log.clear()
    result = ensure_registries(client_of(), exported['zadig_registries'], check_mode=True)
    assert result['drift']['in_sync'] and result['changed'] is False
    assert len(sim.log) == 1


def test_an_export_by_registry_id_of_a_duplicate_still_applies_without_change(monkeypatch):
    """DEFECT (promise 2): the same through the registry_id option of zadig_registry_info."""
    sim = simulated(monkeypatch)
    first = sim.seed('https://a.example.com', provider='harbor', namespace='ns', is_default=True)
    sim.seed('https://a.example.com', provider='harbor', namespace='ns')
    exported = registry_info(client_of(), {'registry_id': first['id']})
    result = ensure_registries(client_of(), exported['zadig_registries'], check_mode=True)
    assert result['drift']['in_sync']


def test_an_export_of_a_region_stored_with_spaces_applies_without_change(monkeypatch):
    """DEFECT (promise 2): a region stored with surrounding spaces is exported as stored, validate() trims it, the
    plan compares it untrimmed, and applying the export updates the region."""
    sim = simulated(monkeypatch)
    sim.seed('https://a.example.com', provider='harbor', namespace='ns', region=' cn-north-4 ', is_default=True)
    exported = registry_info(client_of(), {})
    result = ensure_registries(client_of(), exported['zadig_registries'], check_mode=True)
    assert result['drift']['in_sync'], result['drift']


def test_duplicates_do_not_group_different_hosts_behind_the_same_user_info(monkeypatch):
    """DEFECT (promise 2): normalise_address() takes 'user:password' of https://user:password@host for the host,
    so two registries on different hosts are reported as duplicates of one natural key."""
    sim = simulated(monkeypatch)
    sim.seed('https://robot:pw@a.example.com', namespace='ns', is_default=True)
    sim.seed('https://robot:pw@b.example.com', namespace='ns')
    assert registry_info(client_of(), {})['duplicates'] == []


def _hostile(sim):
    """A server as the UI, old versions and people leave it: every oddity below at once."""
    pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    sim.seed('https://reg.example.com', provider='harbor', namespace='team', is_default=True, secret_key=SECRET,
             access_key='AK-adv', projects=None)
    sim.seed('HTTPS://Reg.Example.com/', provider='native', namespace=' team ', projects=[])
    sim.seed('reg.example.com:5000', provider='native', namespace='team')
    sim.seed('https://other.example.com:8443/', provider='acr-enterprise', namespace='x', is_default=True)
    sim.seed('https://jf.example.com', provider='jfrog', namespace='x', enable_tls=False, tls_cert=pem)
    sim.seed('https://empty.example.com', provider='', namespace='x')
    sim.seed('https://spaces.example.com', provider='native', namespace='my team', projects=['<all_projects>'])
    sim.seed('https://ecr.example.com', provider='ecr', namespace='', region='us-east-1', enable_tls=True,
             tls_cert=pem, projects=['p2', 'p1'])
    sim.seed('https://tls.example.com', provider='native', namespace='t', enable_tls=False, tls_cert=pem)


@pytest.mark.parametrize('details', [False, True])
def test_the_export_of_a_hostile_server_applies_without_change_in_one_or_two_requests(monkeypatch, details):
    """Promise 2 held: duplicates, odd addresses and providers, two defaults, spaces, ecr without namespace, a
    certificate with TLS off, projects null/[]/all: the export applies with no change, no secret shown."""
    sim = simulated(monkeypatch)
    _hostile(sim)
    exported = registry_info(client_of(), {'details': details})
    assert SECRET not in json.dumps(exported) and 'AK-adv' not in json.dumps(exported)
    assert [len(group) for group in exported['duplicates']] == [2]
    before = sim.snapshot()
    for check_mode in (True, False):
        sim.log.clear()
        result = ensure_registries(client_of(), exported['zadig_registries'], check_mode=check_mode)
        assert result['drift']['in_sync'] and result['drift']['unmanaged'] == [] and not result['changed']
        assert len(sim.log) <= (2 if details else 1)
    assert sim.snapshot() == before
