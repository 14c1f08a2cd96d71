# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safe deletes: purge keeps what an environment uses, dedupe, Zadig's own refusal on v4.1, and the DinD hint."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_lists import ID_A, ID_B, ID_C, OK, URL, entry, reg

IN_USE = "The registry cannot be deleted, it's being used by environment"
SHOP = {'references': [{'project_name': 'shop', 'project_alias': '', 'envs': [{'name': 'prod', 'alias': ''}]}]}


def refs(rid, answer=None):
    return Call('GET', '%s/%s/references' % (INTERNAL, rid), answer=answer or {'references': []})


def v41(rid):
    return Call('GET', '%s/%s/references' % (INTERNAL, rid), 404, text='Invalid path: /api/system/registry')


def run(monkeypatch, entries, calls, **kwargs):
    session = script(monkeypatch, calls)
    result = ensure_registries(ZadigClient(URL, 'tok', backoff=0), entries, **kwargs)
    session.assert_done()
    return result, session


def writes(session):
    return [(s['method'], s['path']) for s in session.sent if s.get('method') not in (None, 'GET')]


# ---- purge ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [True, False])
def test_purge_keeps_a_registry_in_use_lists_it_unmanaged_and_warns(monkeypatch, check_mode):
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
    tail = [] if check_mode else [Call('DELETE', INTERNAL + '/' + ID_C, answer=OK),
                                  Call('GET', OPENAPI, answer=server[:2])]
    result, session = run(monkeypatch, [entry('a')], [
        Call('GET', OPENAPI, answer=server), refs(ID_B, SHOP), refs(ID_C)] + tail, purge=True, check_mode=check_mode)
    assert [d['registry_id'] for d in result['drift']['delete']] == [ID_C]
    assert [u['registry_id'] for u in result['drift']['unmanaged']] == [ID_B]
    assert any('purge keeps registry https://b.example.com' in w and 'project shop: environment prod' in w
               for w in result['warnings'])
    assert writes(session) == ([] if check_mode else [('DELETE', INTERNAL + '/' + ID_C)])
    assert [p['registry_id'] for p in result['purged']] == ([ID_C] if not check_mode else [ID_C])


def test_purge_on_v41_keeps_what_zadig_refuses_to_delete_and_succeeds(monkeypatch):
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
    result, session = run(monkeypatch, [entry('a')], [
        Call('GET', OPENAPI, answer=server), v41(ID_B),
        Call('DELETE', INTERNAL + '/' + ID_B, 500,
             answer={'code': 500, 'description': IN_USE, 'message': 'Internal Error: '}),
        Call('GET', OPENAPI, answer=server),
        Call('DELETE', INTERNAL + '/' + ID_C, answer=OK),
        Call('GET', OPENAPI, answer=server[:2]),
    ], purge=True)
    assert result['changed'] is True and [p['registry_id'] for p in result['purged']] == [ID_C]
    assert any('Zadig refused to delete it because an environment uses it' in w for w in result['warnings'])


def test_an_absent_entry_in_use_on_v41_fails_with_the_servers_refusal(monkeypatch):
    session = script(monkeypatch, [
        Call('GET', OPENAPI, answer=[reg(ID_A, 'a')]), v41(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, 500, answer={'code': 500, 'description': IN_USE}),
        Call('GET', OPENAPI, answer=[reg(ID_A, 'a')])])
    with pytest.raises(TaskError, match='cannot delete registry https://a.example.com .*an environment uses it'):
        ensure_registries(ZadigClient(URL, 'tok'), [entry('a', state='absent')])
    session.assert_done()


@pytest.mark.parametrize('check_mode', [True, False])
def test_an_absent_entry_in_use_fails_before_any_write_from_v42(monkeypatch, check_mode):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[reg(ID_A, 'a')]), refs(ID_A, SHOP)])
    with pytest.raises(ConflictError, match='it is used by project shop: environment prod'):
        ensure_registries(ZadigClient(URL, 'tok'), [entry('a', state='absent')], check_mode=check_mode)
    session.assert_done()


# ---- dedupe --------------------------------------------------------------------------------------------------------

TWINS = [reg(ID_A, 'a'), reg(ID_B, 'a', is_default=True), reg(ID_C, 'a')]


def test_without_dedupe_duplicates_fail_listing_their_ids(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=TWINS)])
    with pytest.raises(ConflictError, match='3 registries match .*%s, %s, %s' % (ID_A, ID_B, ID_C)):
        ensure_registries(ZadigClient(URL, 'tok'), [entry('a')])


@pytest.mark.parametrize('used, kept', [(None, ID_B), (ID_C, ID_C)])
@pytest.mark.parametrize('check_mode', [True, False])
def test_dedupe_keeps_the_used_else_the_default_and_deletes_the_rest(monkeypatch, used, kept, check_mode):
    deleted = [rid for rid in (ID_A, ID_B, ID_C) if rid != kept]
    lookups = [refs(rid, SHOP if rid == used else None) for rid in (ID_A, ID_B, ID_C)]
    tail = [] if check_mode else [Call('DELETE', INTERNAL + '/' + rid, answer=OK) for rid in deleted] + [
        Call('GET', OPENAPI, answer=[r for r in TWINS if r['registry_id'] == kept])]
    if not check_mode and kept == ID_C:
        tail = tail[:-1] + [Call('GET', OPENAPI, answer=[dict(TWINS[2], is_default=True)])]
    result, session = run(monkeypatch, [entry('a')], [Call('GET', OPENAPI, answer=TWINS)] + lookups + tail,
                          dedupe=True, check_mode=check_mode)
    assert [d['registry_id'] for d in result['drift']['delete']] == deleted
    assert result['results'][0]['registry']['registry_id'] == kept
    assert [d['registry_id'] for d in result['deduped']] == deleted


def test_dedupe_keeps_the_oldest_when_none_is_used_or_default(monkeypatch):
    twins = [dict(r, is_default=False) for r in TWINS]
    result, _session = run(monkeypatch, [entry('a')], [Call('GET', OPENAPI, answer=twins)] + [
        refs(rid) for rid in (ID_A, ID_B, ID_C)], dedupe=True, check_mode=True)
    assert result['results'][0]['registry']['registry_id'] == ID_A


def test_dedupe_never_deletes_a_second_duplicate_in_use(monkeypatch):
    result, _session = run(monkeypatch, [entry('a')], [Call('GET', OPENAPI, answer=TWINS),
                                                       refs(ID_A, SHOP), refs(ID_B), refs(ID_C, SHOP)],
                           dedupe=True, check_mode=True)
    assert [d['registry_id'] for d in result['drift']['delete']] == [ID_B]
    assert [u['registry_id'] for u in result['drift']['unmanaged']] == [ID_C]
    assert any('dedupe keeps registry' in w and 'project shop' in w for w in result['warnings'])


# ---- errors of newer Zadig versions ---------------------------------------------------------------------------------

def test_a_write_answered_500_without_a_description_names_the_registry_that_breaks_the_sync(monkeypatch):
    broken = dict(reg(ID_B, 'b'), address='reg.example.com:5000')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[broken]), Call('POST', OPENAPI, 500),
                                   Call('GET', OPENAPI, answer=[broken])])
    with pytest.raises(TaskError) as info:
        ensure_registries(ZadigClient(URL, 'tok'), [entry('a')])
    session.assert_done()
    assert "address without '//': registry reg.example.com:5000 namespace ns (%s)" % ID_B in str(info.value)


# ---- against simulators of each version -------------------------------------------------------------------------

@pytest.mark.parametrize('version', ['v4.1', 'v4.2', 'v4.3', 'v5.0', 'main'])
def test_purge_keeps_a_registry_in_use_on_every_version(version):
    from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer

    sim = Simulator(version=version, admin_tokens=['purge-admin-token'])
    keep = sim.seed('https://keep.example.com', namespace='ns', is_default=True)
    used = sim.seed('https://used.example.com', namespace='ns')
    sim.seed('https://spare.example.com', namespace='ns')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    server = SimulatorServer(sim).start()
    try:
        result = ensure_registries(ZadigClient(server.url, 'purge-admin-token'),
                                   [{'address': keep['reg_addr'], 'namespace': 'ns'}], purge=True)
        assert [p['address'] for p in result['purged']] == ['https://spare.example.com']
        stored = sorted(doc['reg_addr'] for doc in sim.registries)
        assert stored == ['https://keep.example.com', 'https://used.example.com']
        warning = next(w for w in result['warnings'] if 'used.example.com' in w)
        assert ('project shop: environment prod' in warning) == (version != 'v4.1')
    finally:
        server.stop()


# ---- planning passes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('answers, passes', [
    ([], 1),  # nothing to delete: nobody is asked
    ([None, None], 1),  # nothing to delete is in use: the first plans stand
    ([SHOP, None], 2),  # one is in use: Zadig would refuse its delete, so the list is planned again keeping it
], ids=['no delete', 'none in use', 'one in use'])
def test_a_list_is_planned_again_only_when_zadigs_answer_changes_the_plans(monkeypatch, answers, passes):
    from ansible_collections.zadig.core.plugins.module_utils import _manage  # pylint: disable=import-outside-toplevel

    calls = []
    real = _manage.plan_all
    monkeypatch.setattr(_manage, 'plan_all', lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')][:1 + len(answers)]
    asked = [refs(registry['registry_id'], answer) for registry, answer in zip(server[1:], answers)]
    run(monkeypatch, [entry('a')], [Call('GET', OPENAPI, answer=server)] + asked, purge=True, check_mode=True)
    assert len(calls) == passes
