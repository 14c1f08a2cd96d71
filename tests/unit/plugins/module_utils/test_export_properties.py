# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the export, over random servers, against the simulator in-process.

The export of any server, applied with the role's pipeline to the same server, changes nothing, in one request
(two when read with details), and holds no secret.
"""

from __future__ import annotations

import json
import os

import pytest

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries, registry_info  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLES = max(1, int(os.environ.get('ZADIG_PROPERTY_EXAMPLES', '1000')) // 4)
TOKEN = 'drift-property-token'
SECRETS = ('AK-7d1e', 'SK-3f9a', 'SK-new-5b2c')
ADDRESSES = ['https://reg-a.example.com', 'HTTPS://Reg-B.example.com:5000/', 'http://reg-c.example.com',
             'reg-d.example.com:5000']
STORED = st.fixed_dictionaries({
    'address': st.sampled_from(ADDRESSES),
    'namespace': st.sampled_from(['team', ' ops ', '']),
    'provider': st.sampled_from(['harbor', 'native', 'ecr', 'swr', 'jfrog', '']),
    'region': st.sampled_from(['', 'r1']),
    'is_default': st.booleans(),
    'access_key': st.sampled_from(['', SECRETS[0]]),
    'secret_key': st.sampled_from(['', SECRETS[1]]),
    'enable_tls': st.booleans(),
    'tls_cert': st.sampled_from(['', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n']),
    'projects': st.sampled_from([None, [], ['<all_projects>'], ['p2', 'p1']]),
})


def simulator(mode, stored, used=(), version=None):
    sim = Simulator(mode=mode, version=version, admin_tokens=[TOKEN], licensed=True)
    for number, registry in enumerate(stored):
        doc = sim.seed(**registry)
        if number in used:
            sim.add_env(doc['id'], project_name='p%d' % number, env_name='prod')
    return sim


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(stored=st.lists(STORED, max_size=8), details=st.booleans())
@pytest.mark.parametrize('mode', ['v4.1', 'main'])
def test_the_export_applied_to_the_same_server_changes_nothing(monkeypatch, mode, stored, details):
    sim = simulator(mode, stored)
    use_simulator(monkeypatch, sim)
    exported = registry_info(ZadigClient('https://zadig.example.com', TOKEN), {'details': details})
    assert not any(secret in json.dumps(exported) for secret in SECRETS)
    assert len(exported['zadig_registries']) == len(sim.registries)
    before = sim.snapshot()
    for check_mode in (True, False):
        sim.log.clear()
        result = ensure_registries(ZadigClient('https://zadig.example.com', TOKEN), exported['zadig_registries'],
                                   check_mode=check_mode)
        assert result['changed'] is False and result['drift']['in_sync'], result['drift']
        assert result['drift']['unmanaged'] == []
        assert len(sim.log) <= (2 if details else 1)
    assert sim.snapshot() == before
