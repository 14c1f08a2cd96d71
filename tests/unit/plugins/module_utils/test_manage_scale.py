# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A list's cost grows with its length, not with its square: the work per registry is pinned at 1,000 and 10,000.

Wall time is the benchmark's business (tests/benchmark); here the work is
counted: addresses normalised (every lookup and comparison goes through one)
and secrets expanded into their masked forms, on the client's real path
against the simulator in this process.
"""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils import _mask, _registry, _snapshot
from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator

TOKEN = 'scale-admin-token'


def entries(count, credentials):
    wanted = []
    for number in range(count):
        entry = {'address': 'https://reg-%d.scale.test' % number, 'namespace': 'ns%d' % number,
                 'provider': 'native', 'is_default': number == 0}
        if credentials:
            entry.update(access_key='user-%d' % number, secret_key='secret value %d' % number)
        wanted.append(entry)
    return wanted


def counted(monkeypatch, module, name, counts):
    original = getattr(module, name)

    def count(*args, **kwargs):
        counts[name] = counts.get(name, 0) + 1
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, count)


def work(monkeypatch, count, credentials, drift):
    """Counts of one check-mode run of the list against a server holding it, ``drift`` of it changed, plus a
    tenth more registries that purge would delete."""
    sim = Simulator(mode='v4.1', admin_tokens=[TOKEN])
    wanted = entries(count, credentials)
    step = int(1 / drift) if drift else 0
    for number, entry in enumerate(wanted):
        changed = step and number % step == step - 1
        sim.seed(entry['address'], provider='harbor' if changed else 'native', namespace=entry['namespace'],
                 is_default=entry['is_default'], access_key=entry.get('access_key', ''),
                 secret_key=entry.get('secret_key', ''))
    for number in range(count // 10 if drift else 0):
        sim.seed('https://extra-%d.scale.test' % number, namespace='x')
    use_simulator(monkeypatch, sim)
    counts = {}
    with monkeypatch.context() as patch:
        counted(patch, _registry, 'normalise_address', counts)
        counted(patch, _snapshot, 'normalise_address', counts)
        counted(patch, _mask, 'secret_forms', counts)
        result = ensure_registries(ZadigClient('http://zadig.test', TOKEN), wanted, purge=bool(drift),
                                   check_mode=True)
    counts['requests'] = len(sim.log)
    return result, counts


@pytest.mark.parametrize('credentials, drift', [(False, 0), (True, 0), (False, 0.1)],
                         ids=['no drift', 'no drift, credentials compared', '10% drift and purge'])
def test_the_work_per_registry_is_the_same_at_1000_and_10000(monkeypatch, credentials, drift):
    small, small_counts = work(monkeypatch, 1000, credentials, drift)
    large, large_counts = work(monkeypatch, 10000, credentials, drift)
    assert len(large['drift']['update']) == 10 * len(small['drift']['update']) == (1000 if drift else 0)
    assert len(large['drift']['delete']) == 10 * len(small['drift']['delete'])
    for name in ('normalise_address', 'secret_forms'):
        assert large_counts.get(name, 0) <= 10 * small_counts.get(name, 0) + 10, (name, small_counts, large_counts)
    # a secret is expanded once however often it is seen (the entry's, then the stored one)
    assert large_counts.get('secret_forms', 0) <= (20000 if credentials else 0) + 1
    # and the requests do not grow at all: the list, plus the internal list when credentials are compared, plus
    # the one question about who uses the registries to delete (this Zadig cannot answer it)
    assert large_counts['requests'] == small_counts['requests'] == 1 + credentials + bool(drift)
