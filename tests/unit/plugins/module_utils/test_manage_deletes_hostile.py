# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on safe deletes and dedupe (docs/user-guide.md, section 6a), and on a server holding two
defaults, each against the simulator in-process.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
"""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._entry import EXPECTED_ERRORS
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, InputError
from ansible_collections.zadig.core.tests.unit.simulated_zadig import client_of, native, simulated, writes


def _defaults(sim):
    return [doc['id'] for doc in sim.registries if doc['is_default']]


# ---- promise 3: safe deletes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [True, False])
def test_purge_keeps_the_default_in_use_even_when_the_list_says_another_is_not_default(monkeypatch, check_mode):
    """DEFECT (promise 3): the heir check runs on the plan made before Zadig is asked who uses a registry, so a
    purge that must keep the default (in use) is refused because deleting it would have moved the default."""
    sim = simulated(monkeypatch)
    used = sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    result = ensure_registries(client_of(), [native('b', is_default=False)], purge=True, check_mode=check_mode)
    assert [u['registry_id'] for u in result['drift']['unmanaged']] == [used['id']]
    assert result['drift']['delete'] == []
    assert any('shop' in w and 'prod' in w for w in result['warnings'])
    assert writes(sim) == []


def test_purge_on_v41_keeps_the_default_zadig_refuses_to_delete_and_succeeds(monkeypatch):
    """DEFECT (promise 3, v4.1): Zadig refuses to delete the default in use, the purge keeps it, but the read-back
    checks another registry against the prediction that it inherited the default, and the run fails."""
    sim = simulated(monkeypatch, 'v4.1')
    used = sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns', provider='native')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    result = ensure_registries(client_of(), [dict(native('b'), provider='harbor')], purge=True)
    assert any('an environment uses it' in w for w in result['warnings'])
    assert used['id'] in [doc['id'] for doc in sim.registries]
    assert result['purged'] == []


@pytest.mark.parametrize('version', ['v4.2', 'main'])
@pytest.mark.parametrize('absent_first', [True, False])
def test_deleting_the_default_whose_heir_says_not_default_is_refused_whatever_the_list_order(
        monkeypatch, version, absent_first):
    """DEFECT (user guide, 'Deleting safely': 'a list whose entry for that registry says is_default: false is
    refused'): only when the heir's entry comes first. Listed after the absent entry, the heir is planned on the
    snapshot where it already inherited the default and is set back to false: v4.2 is left with no default, and
    on main the check run succeeds while the real run fails after the delete."""
    sim = simulated(monkeypatch, version)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns')
    entries = [dict(address='https://a.example.com', namespace='ns', state='absent'), native('b', is_default=False)]
    if not absent_first:
        entries.reverse()
    for check_mode in (True, False):
        with pytest.raises(ConflictError, match='hand the default to registry https://b.example.com'):
            ensure_registries(client_of(), entries, check_mode=check_mode)
    assert writes(sim) == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_an_absent_entry_in_use_fails_before_any_write_naming_projects_and_environments(monkeypatch, check_mode):
    """Promise 3 held (v4.2): naming every project and environment, no write; a purge list naming nothing is
    refused before any request; nothing deleted means no references request."""
    sim = simulated(monkeypatch)
    keep = sim.seed('https://keep.example.com', namespace='ns', is_default=True)
    used = sim.seed('https://used.example.com', namespace='ns')
    sim.add_env(used['id'], project_name='shop', project_alias='Web shop', env_name='dev')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    sim.add_env(used['id'], project_name='blog', env_name='qa')
    with pytest.raises(ConflictError) as caught:
        ensure_registries(client_of(), [dict(address='https://used.example.com', namespace='ns', state='absent')],
                          check_mode=check_mode)
    assert 'project shop (Web shop): environments dev, prod' in str(caught.value)
    assert 'project blog: environment qa' in str(caught.value)
    assert writes(sim) == []
    sim.log.clear()
    for entries in ([], [dict(address='https://keep.example.com', namespace='ns', state='absent')]):
        with pytest.raises(InputError):
            ensure_registries(client_of(), entries, purge=True, check_mode=check_mode)
    assert sim.log == []
    result = ensure_registries(client_of(), [native('keep', is_default=True),
                                             dict(address='https://gone.example.com', namespace='ns', state='absent')],
                               check_mode=check_mode, dedupe=True)
    assert result['drift']['in_sync'] and [entry[2] for entry in sim.log] == ['GET /openapi/system/registry']
    assert keep['id'] in _defaults(sim)


@pytest.mark.parametrize('version', ['v4.1', 'v4.2', 'main'])
def test_check_mode_names_the_registry_that_inherits_the_default(monkeypatch, version):
    """Promise 3 held: the heir check mode warns about is the one Zadig makes the default."""
    sim = simulated(monkeypatch, version)
    sim.seed('https://z.example.com', namespace='ns')
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    heir = sim.seed('https://m.example.com', namespace='ns')
    entries = [dict(address='https://a.example.com', namespace='ns', state='absent'), native('m')]
    checked = ensure_registries(client_of(), entries, check_mode=True)
    done = ensure_registries(client_of(), entries)
    assert checked['drift'] == done['drift']
    named = [w for w in checked['warnings'] if 'the default' in w]
    assert len(named) == 1 and _defaults(sim)[0] in named[0]
    assert heir['id'] not in named[0]


# ---- promise 4: dedupe ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [True, False])
def test_dedupe_never_deletes_a_registry_the_list_names_by_registry_id(monkeypatch, check_mode):
    """DEFECT (promise 4): an entry naming one duplicate by registry_id and another entry naming their address and
    namespace: dedupe deletes the registry the first entry updates. Check mode reports the same id under update
    and delete; the real run deletes it, then dies with a StopIteration traceback verifying the update."""
    sim = simulated(monkeypatch)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    named = sim.seed('https://a.example.com', namespace='ns')
    entries = [{'registry_id': named['id'], 'provider': 'harbor'}, {'address': 'https://a.example.com', 'namespace': 'ns'}]
    try:
        result = ensure_registries(client_of(), entries, dedupe=True, check_mode=check_mode)
    except EXPECTED_ERRORS:
        assert writes(sim) == []
        return
    drift = result['drift']
    assert named['id'] not in [d['registry_id'] for d in drift['delete']]
    assert named['id'] in [doc['id'] for doc in sim.registries]


def test_dedupe_keeps_in_use_then_default_then_oldest_and_applies_the_entry(monkeypatch):
    """Promise 4 held: several in use, the default among duplicates (unused), spaces, case and trailing slash;
    check mode shows the same deletes; the rerun is in sync; without dedupe the entry lists every id."""
    sim = simulated(monkeypatch)
    oldest = sim.seed('https://dup.example.com', namespace='ns')
    default = sim.seed('HTTPS://Dup.Example.com/', namespace=' ns ', is_default=True)
    used_a = sim.seed('https://dup.example.com', namespace='ns ')
    used_b = sim.seed('https://dup.example.com/', namespace='ns')
    sim.add_env(used_a['id'], project_name='shop', env_name='prod')
    sim.add_env(used_b['id'], project_name='blog', env_name='qa')
    entry = dict(native('dup'), provider='harbor')
    with pytest.raises(ConflictError) as caught:
        ensure_registries(client_of(), [entry])
    assert all(doc['id'] in str(caught.value) for doc in (oldest, default, used_a, used_b))
    checked = ensure_registries(client_of(), [entry], dedupe=True, check_mode=True)
    done = ensure_registries(client_of(), [entry], dedupe=True)
    assert checked['drift'] == done['drift']
    assert sorted(d['registry_id'] for d in done['drift']['delete']) == sorted([oldest['id'], default['id']])
    assert [u['registry_id'] for u in done['drift']['update']] == [used_a['id']]
    assert [doc['id'] for doc in sim.registries] == [used_a['id'], used_b['id']]
    assert any('blog' in w and 'qa' in w for w in done['warnings'])
    assert ensure_registries(client_of(), [entry], dedupe=True, check_mode=True)['drift']['in_sync']


def test_dedupe_without_use_keeps_the_default_else_the_oldest(monkeypatch):
    """Promise 4 held: no environment: the default is kept; with no default among them, the smallest ObjectID."""
    sim = simulated(monkeypatch)
    sim.seed('https://dup.example.com', namespace='ns')
    default = sim.seed('https://dup.example.com', namespace='ns', is_default=True)
    ensure_registries(client_of(), [native('dup')], dedupe=True)
    assert [doc['id'] for doc in sim.registries] == [default['id']]
    newer = sim.seed('https://other.example.com', namespace='ns', registry_id='ffffffffffffffffffffffff')
    older = sim.seed('https://other.example.com', namespace='ns', registry_id='000000000000000000000001')
    ensure_registries(client_of(), [native('other')], dedupe=True)
    assert older['id'] in [doc['id'] for doc in sim.registries]
    assert newer['id'] not in [doc['id'] for doc in sim.registries]


# ---- two defaults ---------------------------------------------------------------------------------------------------

def test_updating_a_second_default_does_not_take_the_default_from_the_one_the_list_marks(monkeypatch):
    """DEFECT (hostile server with two defaults): the list marks A is_default: true (already so) and changes only
    B's provider; B's update re-sends is_default: true, Zadig unsets A, the run reports success, and the rerun
    finds A to update."""
    sim = simulated(monkeypatch)
    first = sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns', is_default=True)
    entries = [native('a', is_default=True), dict(native('b'), provider='harbor')]
    ensure_registries(client_of(), entries)
    assert first['id'] in _defaults(sim)
    assert ensure_registries(client_of(), entries, check_mode=True)['drift']['in_sync']
