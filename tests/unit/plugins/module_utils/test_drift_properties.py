# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of the drift report, over random servers, against the simulator in-process.

For a random list over a server with duplicates and registries in use, with purge and dedupe at random: check
mode and the real run report the same drift (on v4.2 and later, which say who uses a registry), check mode
writes nothing, no registry in use is ever deleted, and a rerun is in sync.
"""

from __future__ import annotations

import json
import os

import pytest

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._entry import EXPECTED_ERRORS  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLES = max(1, int(os.environ.get('ZADIG_PROPERTY_EXAMPLES', '1000')) // 4)
TOKEN = 'drift-property-token'
SECRETS = ('AK-7d1e', 'SK-3f9a', 'SK-new-5b2c')
WRITES = ('POST', 'PUT', 'DELETE')
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
ENTRY = st.fixed_dictionaries({
    'address': st.sampled_from(['https://reg-a.example.com', 'https://reg-b.example.com:5000',
                                'https://reg-e.example.com']),
    'namespace': st.sampled_from(['team', 'ops']),
}, optional={
    'provider': st.sampled_from(['harbor', 'native']),
    'is_default': st.booleans(),
    'state': st.just('absent'),
    'secret_key': st.sampled_from(SECRETS[1:]),
    'projects': st.sampled_from([['p1'], ['<all_projects>']]),
})


def simulator(mode, stored, used=(), version=None):
    sim = Simulator(mode=mode, version=version, admin_tokens=[TOKEN], licensed=True)
    for number, registry in enumerate(stored):
        doc = sim.seed(**registry)
        if number in used:
            sim.add_env(doc['id'], project_name='p%d' % number, env_name='prod')
    return sim


def writes(sim):
    return [entry for entry in sim.log if entry[0] in WRITES]


def attempt(client, entries, **kwargs):
    try:
        return ensure_registries(client, entries, **kwargs), None
    except EXPECTED_ERRORS as exc:
        return None, '%s: %s' % (type(exc).__name__, exc)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(stored=st.lists(STORED, max_size=6), entries=st.lists(ENTRY, min_size=1, max_size=4), purge=st.booleans(),
       dedupe=st.booleans(), used=st.sets(st.integers(0, 5), max_size=3))
@pytest.mark.parametrize('mode, version', [('v4.1', 'v4.1'), ('v4.1', 'v4.2'), ('main', 'main')])
def test_check_mode_and_the_real_run_report_the_same_drift(
        monkeypatch, mode, version, stored, entries, purge, dedupe, used):
    sim = simulator(mode, [dict(s, address=s['address'] if '//' in s['address'] else 'https://x.example.com')
                           for s in stored], used, version)
    in_use = {doc['id'] for doc in sim.registries if doc['id'] in sim.envs_using}
    use_simulator(monkeypatch, sim)
    client = ZadigClient('https://zadig.example.com', TOKEN, backoff=0)
    checked, check_error = attempt(client, entries, purge=purge, dedupe=dedupe, check_mode=True)
    assert writes(sim) == []
    done, real_error = attempt(client, entries, purge=purge, dedupe=dedupe)
    assert in_use <= {doc['id'] for doc in sim.registries}, 'a registry in use was deleted'
    if check_error or real_error:
        assert check_error == real_error or 'TaskError' in (real_error or '') or (
            version == 'v4.1' and 'an environment uses it' in (real_error or ''))
        return
    if version == 'v4.1' and in_use:
        return  # v4.1 cannot say beforehand who uses a registry: its refusal keeps it during the real run
    assert not in_use & {d['registry_id'] for d in checked['drift']['delete']}, 'a delete of a registry in use'
    assert checked['drift'] == done['drift']
    assert checked['drift']['in_sync'] == (not done['changed'])
    assert not any(secret in json.dumps(checked['drift']) for secret in SECRETS)
    again, again_error = attempt(client, entries, purge=purge, dedupe=dedupe)
    if again_error is None:
        assert again['drift']['in_sync'], again['drift']
