# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on a task's pipeline: races, keys taken by an update, purge guards. A list or a task that
cannot be carried out as asked is refused before any write; two jobs that race are not both told they succeeded.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
"""

from __future__ import annotations

import threading

import pytest

from ansible_collections.zadig.core.plugins.module_utils import _api
from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._entry import EXPECTED_ERRORS
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries, ensure_registry
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator

TOKEN = 'adversary-admin-token-31f7c9'
URL = 'https://zadig.example.com'


def _sim(**kwargs):
    return Simulator(admin_tokens=[TOKEN], **kwargs)


# ---- Promise 6: races, keys taken by an update, purge guards ------------------------------------------------------

def _two_registries():
    sim = _sim()
    first = sim.seed('https://a.example.com', namespace='n', is_default=True)
    second = sim.seed('https://b.example.com', namespace='n')
    return sim, first['id'], second['id']


def test_a_list_that_creates_a_key_and_moves_another_registry_onto_it_is_refused_cleanly(monkeypatch):
    """Entry 1 creates https://k.example.com n; entry 2 moves registry b onto that same key. The planned
    registry has no id yet, and the refusal joins the ids: TypeError, a traceback instead of a sentence."""
    sim, dummy, second = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    entries = [dict(address='https://k.example.com', namespace='n', provider='native'),
               dict(registry_id=second, address='https://k.example.com', namespace='n')]
    with pytest.raises(EXPECTED_ERRORS) as caught:
        ensure_registries(client, [_entry(e) for e in entries])
    assert 'https://k.example.com' in str(caught.value)
    assert not sim.writes()


def test_a_list_that_names_one_registry_twice_by_id_and_by_key_is_refused(monkeypatch):
    """check_list() refuses an entry listed twice only when both use the same kind of key: by registry_id and
    by address plus namespace, one registry is planned twice, written twice, and flip-flops on every run."""
    sim, dummy, second = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    entries = [dict(registry_id=second, provider='harbor'),
               dict(address='https://b.example.com', namespace='n', provider='native')]
    with pytest.raises(EXPECTED_ERRORS) as caught:
        ensure_registries(client, [_entry(e) for e in entries])
    assert second in str(caught.value) or 'twice' in str(caught.value)
    assert not sim.writes()


@pytest.mark.parametrize('address, namespace', [
    ('https://b.example.com', 'n'), ('HTTPS://B.Example.com/', 'n'), ('https://b.example.com', '  n  ')])
def test_an_update_by_registry_id_onto_another_registrys_key_is_refused_before_the_write(  # noqa: E501
        monkeypatch, address, namespace):
    sim, first, second = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    for check_mode in (True, False):
        with pytest.raises(EXPECTED_ERRORS) as caught:
            ensure_registry(client, _entry(dict(registry_id=first, address=address, namespace=namespace)),
                            check_mode=check_mode)
        assert second in str(caught.value)
    assert not sim.writes()


@pytest.mark.parametrize('entries', [[], [dict(address='https://a.example.com', namespace='n', state='absent')],
                                     [dict(address='https://gone.example.com', namespace='n', state='absent')]])
def test_purge_with_nothing_to_keep_is_refused_before_any_request(monkeypatch, entries):
    sim, dummy, dummy2 = _two_registries()
    use_simulator(monkeypatch, sim)
    client = ZadigClient(URL, TOKEN, retries=0)
    for check_mode in (True, False):
        with pytest.raises(EXPECTED_ERRORS) as caught:
            ensure_registries(client, [_entry(e) for e in entries], purge=True, check_mode=check_mode)
        assert 'purge' in str(caught.value)
    assert not sim.log
    assert len(sim.registries) == 2


def test_two_jobs_creating_the_same_registry_at_once_never_both_succeed():
    """Both jobs read before either writes (the POSTs wait on the server), then both create: Zadig keeps two
    registries, and at least one job must say so."""
    sim = _sim()
    sim.add_fault('latency', method='POST', delay=0.4, count=2)
    server = SimulatorServer(sim).start()
    outcomes = []
    try:
        def job(address):
            client = ZadigClient(server.url, TOKEN, retries=0, timeout=5)
            try:
                ensure_registry(client, _entry(dict(address=address, namespace=' race ', provider='native')))
                outcomes.append(('ok', ''))
            except EXPECTED_ERRORS as exc:
                outcomes.append(('failed', str(exc)))

        threads = [threading.Thread(target=job, args=(address,))
                   for address in ('https://race.example.com', 'HTTPS://Race.Example.com/')]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    finally:
        server.stop()
    assert len(outcomes) == 2
    assert len(sim.registries) == 2
    failed = [message for outcome, message in outcomes if outcome == 'failed']
    assert failed, 'both jobs reported success while Zadig now holds two registries'
    assert all(doc['id'] in failed[0] for doc in sim.registries), failed[0]


def _entry(entry):
    """A list entry as the action's argument spec leaves it: every option present."""
    full = dict.fromkeys(('registry_id', 'address', 'namespace', 'provider', 'region', 'is_default', 'access_key',
                          'secret_key', 'enable_tls', 'tls_cert', 'projects'))
    full.update(state='present', update_secrets='compare')
    full.update(entry)
    return full


assert _api  # the module the tests patch through use_simulator
