# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Properties of zadig_registry over random server states and random tasks, against the simulator in-process.

For every (server, task) pair:
  (a) check mode predicts the real run's changed, registry, diff and previous_default, with zero writes;
  (b) a second real run is unchanged and makes exactly one request;
  (c) no field the task did not name changes on the server, and no duplicate appears.
"""

from __future__ import annotations

import os
from unittest import mock

import pytest

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.module_utils import _transport  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._registry import (  # noqa: E402  pylint: disable=wrong-import-position
    ConflictError, InputError, normalise_address)
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.unit.sim_transport import SimSession  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLES = int(os.environ.get('ZADIG_PROPERTY_EXAMPLES', '1000'))
TOKEN = 'property-admin-token'
HOSTS = ['reg-a.example.com', 'reg-b.example.com:5000', 'reg-c.example.com']
NAMESPACES = ['team', 'platform', 'ops']
PROVIDERS = ['acr', 'tcr', 'swr', 'ecr', 'dockerhub', 'harbor', 'native']
WRITES = ('POST', 'PUT', 'DELETE')


def address(scheme, host, mask, suffix):
    """An address in odd case: ``mask`` picks the characters to upper-case."""
    return scheme + ''.join(c.upper() if mask >> i & 1 else c for i, c in enumerate(host)) + suffix


def addresses(suffixes):
    return st.builds(address, st.sampled_from(['https://', 'http://', 'HTTPS://', 'Https://']),
                     st.sampled_from(HOSTS), st.integers(0, (1 << 22) - 1), st.sampled_from(suffixes))


REGISTRY = st.fixed_dictionaries({
    'address': addresses(['', '/', '//', '/path']),
    'namespace': st.sampled_from(NAMESPACES + ['', ' team ', 'ops ']),
    'provider': st.sampled_from(PROVIDERS),
    'region': st.sampled_from(['', 'r1', 'r2']),
    'access_key': st.sampled_from(['', 'AK']),
    'secret_key': st.sampled_from(['', 'SK']),
    'enable_tls': st.booleans(),
    'projects': st.sampled_from([None, ['<all_projects>'], ['p1']]),
})


def with_default(pair):
    """0-20 registries with one default or none (``index`` out of range: none)."""
    registries, index = pair
    if 0 <= index < len(registries):
        registries[index]['is_default'] = True
    return registries


SERVER = st.tuples(st.lists(REGISTRY, max_size=20), st.integers(-1, 20)).map(with_default)
OPTIONAL = {
    'address': st.one_of(st.none(), addresses(['', '/'])),
    'provider': st.sampled_from(PROVIDERS + [None, None]),
    'namespace': st.sampled_from(NAMESPACES + [None, ' team']),
    'region': st.sampled_from(['r1', 'r2', None, None]),
    'is_default': st.sampled_from([None, True, False]),
    'access_key': st.sampled_from([None, None, None, 'new-AK']),
    'secret_key': st.sampled_from([None, None, None, 'new-SK']),
}
TASK = st.tuples(st.sampled_from(['present'] * 4 + ['absent']), st.integers(-1, 60), st.fixed_dictionaries(OPTIONAL))


def make_task(drawn, ids):
    """The task's options: by id (a quarter of the time there are registries), else by address."""
    state, pick, options = drawn
    params = {key: value for key, value in options.items() if value is not None}
    params['state'] = state
    if ids and pick >= 0 and pick % 4 == 0:
        params['registry_id'] = ids[pick % len(ids)]
    elif 'address' not in params:
        params['address'] = address('https://', HOSTS[pick % len(HOSTS)], 0, '')
    return params


def run(sim, params, check_mode):
    """One zadig_registry task; returns (result or None, error or None, requests made, server before, after)."""
    sim.log = []
    before = sim.snapshot()
    result = error = None
    with mock.patch.object(_transport.requests, 'Session', lambda: SimSession(sim)):
        try:
            result = ensure_registry(ZadigClient('http://zadig.test', TOKEN, retries=0), dict(params),
                                     check_mode=check_mode, diff=True)
        except (InputError, ConflictError, TaskError) as exc:
            error = '%s: %s' % (type(exc).__name__, exc)
    return result, error, list(sim.log), before, sim.snapshot()


def without_id(registry):
    return {k: v for k, v in registry.items() if k != 'registry_id'}


def refused_by_main(mode, error):
    """Recent Zadig never leaves itself without a default; check mode cannot know the server's version."""
    return mode == 'main' and error and 'this Zadig version never leaves itself without' in error


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(server=SERVER, task=TASK)
@pytest.mark.parametrize('mode', ['v4.1', 'main'])
def test_check_mode_rerun_and_untouched_fields(mode, server, task):
    sim = Simulator(mode=mode, admin_tokens=[TOKEN], licensed=True)
    for registry in server:
        sim.seed(**registry)
    params = make_task(task, [r['id'] for r in sim.registries])

    predicted, check_error, check_log, _before, _after = run(sim, params, check_mode=True)
    assert [e for e in check_log if e[0] in WRITES] == []
    reads = len(check_log)
    assert reads <= 3

    real, real_error, real_log, before, after = run(sim, params, check_mode=False)
    if refused_by_main(mode, real_error):
        assert params.get('is_default') is False or 'registry_id' not in params
        return
    # (a) check mode predicted the real run
    assert check_error == real_error
    if real_error:
        assert [e for e in real_log if e[0] in WRITES] == [] or 'TaskError' in real_error
        return
    forced_default = (mode == 'main' and real['registry'] and predicted['registry']
                      and real['registry']['is_default'] and not predicted['registry']['is_default'])
    assert real['changed'] == predicted['changed']
    assert real.get('previous_default') == predicted.get('previous_default')
    if forced_default:
        assert not any(r['is_default'] for r in before) and params.get('is_default') is None
    else:
        assert real['diff'] == predicted['diff']
        assert without_id(real['registry']) == without_id(predicted['registry'])
    if predicted['registry'].get('registry_id'):
        assert real['registry']['registry_id'] == predicted['registry']['registry_id']
    real_writes = [e for e in real_log if e[0] in WRITES]
    if real['changed']:
        assert len(real_writes) == 1 and len(real_log) == reads + 2
    else:
        assert real_log == check_log

    # (b) a second run changes nothing, with one request
    again, again_error, again_log, _before, _after = run(sim, params, check_mode=False)
    credentials_compared = params['state'] == 'present' and any(key in params for key in ('access_key', 'secret_key'))
    assert again_error is None and again['changed'] is False
    assert len(again_log) == (2 if credentials_compared else 1)
    assert again['registry'] == real['registry']

    # (c) nothing the task did not name changed, and no duplicate appeared
    check_untouched(params, real, before, after, mode)


def normal(value):
    """Zadig trims namespaces on every write: surrounding spaces are not a change."""
    return value.strip() if isinstance(value, str) else value


def check_untouched(params, real, before, after, mode):
    before_by_id = {r['id']: r for r in before}
    after_by_id = {r['id']: r for r in after}
    target = real['registry'].get('registry_id')
    new_ids = set(after_by_id) - set(before_by_id)
    gone_ids = set(before_by_id) - set(after_by_id)
    assert len(new_ids) <= 1 and len(gone_ids) <= 1
    if new_ids:
        assert new_ids == {target} and params['state'] == 'present'
    if gone_ids:
        assert params['state'] == 'absent' and not new_ids
    default_moved = any(after_by_id[i]['is_default'] != before_by_id[i]['is_default']
                        for i in set(after_by_id) & set(before_by_id))
    for registry_id, old in before_by_id.items():
        if registry_id in gone_ids:
            continue
        new = after_by_id[registry_id]
        if registry_id != target:
            assert {k: v for k, v in new.items() if k != 'is_default'} == \
                   {k: v for k, v in old.items() if k != 'is_default'}
            continue
        named = {'reg_addr': 'address', 'reg_provider': 'provider', 'namespace': 'namespace', 'region': 'region',
                 'is_default': 'is_default'}
        for field, option in named.items():
            if params.get(option) is None:
                assert normal(new[field]) == normal(old[field]), field
        if params.get('address') and normalise_address(params['address']) == normalise_address(old['reg_addr']):
            assert new['reg_addr'] == old['reg_addr']
        # Zadig reads a stored null projects back as [] and treats both alike (no project sees the registry), so a
        # whole-document write that sends [] back loses nothing.
        assert new['advanced_setting'] == old['advanced_setting'] and (new['projects'] or []) == (old['projects'] or [])
        for key in ('access_key', 'secret_key'):
            assert new[key] == params.get(key, old[key]), key
    assert default_moved is False or params.get('is_default') is not None or gone_ids or mode == 'main'
