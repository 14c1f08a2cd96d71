# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report of a list, fail_on_drift and the least-privilege audit, over scripted HTTP."""

from __future__ import annotations

import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries
from ansible_collections.zadig.core.tests.unit.plugins.module_utils.test_manage_list import (
    ID_A, ID_B, ID_C, OK, URL, entry, reg)
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script

SECRET = 'drift-secret-9c2e'
SERVER = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
ENTRIES = [entry('a'), entry('b', provider='harbor'), entry('new'), entry('c', state='absent')]
EXPECTED = {
    'in_sync': False,
    'create': [{'address': 'https://new.example.com', 'namespace': 'ns'}],
    'update': [{'registry_id': ID_B, 'address': 'https://b.example.com', 'namespace': 'ns', 'fields': ['provider']}],
    'delete': [{'registry_id': ID_C, 'address': 'https://c.example.com', 'namespace': 'ns'}],
    'unmanaged': [],
    'not_compared': [],
}


def unused(rid):
    return Call('GET', '%s/%s/references' % (INTERNAL, rid), answer={'references': []})


def run(monkeypatch, entries, calls, **kwargs):
    session = script(monkeypatch, calls)
    try:
        return ensure_registries(ZadigClient(URL, 'tok', backoff=0), entries, **kwargs), session
    finally:
        session.assert_done()


def test_check_mode_reports_what_is_to_be_created_updated_and_deleted(monkeypatch):
    result, session = run(monkeypatch, ENTRIES, [Call('GET', OPENAPI, answer=SERVER), unused(ID_C)],
                          check_mode=True)
    assert result['drift'] == EXPECTED and len(session.sent) == 2


def test_the_real_run_reports_the_same_drift_it_then_applies(monkeypatch):
    after = [SERVER[0], dict(SERVER[1], provider='harbor'), reg('65a1b2c3d4e5f607182930ff', 'new')]
    result, _session = run(monkeypatch, ENTRIES, [
        Call('GET', OPENAPI, answer=SERVER),
        unused(ID_C),
        Call('PUT', OPENAPI + '/' + ID_B, answer=OK),
        Call('POST', OPENAPI, answer=OK),
        Call('DELETE', INTERNAL + '/' + ID_C, answer=OK),
        Call('GET', OPENAPI, answer=after),
    ])
    assert result['drift'] == EXPECTED and result['changed'] is True


def test_a_list_that_matches_is_in_sync_and_unnamed_registries_are_unmanaged_not_drift(monkeypatch):
    result, _session = run(monkeypatch, [entry('a', is_default=True)], [Call('GET', OPENAPI, answer=SERVER)],
                           fail_on_drift=True)
    assert result['drift']['in_sync'] is True and result['changed'] is False
    assert result['drift']['unmanaged'] == [
        {'registry_id': ID_B, 'address': 'https://b.example.com', 'namespace': 'ns'},
        {'registry_id': ID_C, 'address': 'https://c.example.com', 'namespace': 'ns'}]


def test_purged_registries_are_deletes_not_unmanaged(monkeypatch):
    result, _session = run(monkeypatch, [entry('a')], [Call('GET', OPENAPI, answer=SERVER), unused(ID_B),
                                                       unused(ID_C)], purge=True, check_mode=True)
    assert [d['registry_id'] for d in result['drift']['delete']] == [ID_B, ID_C]
    assert result['drift']['unmanaged'] == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_fail_on_drift_fails_with_one_line_and_writes_nothing(monkeypatch, check_mode):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=SERVER), unused(ID_C)])
    with pytest.raises(TaskError) as info:
        ensure_registries(ZadigClient(URL, 'tok'), ENTRIES, check_mode=check_mode, fail_on_drift=True)
    session.assert_done()
    message = str(info.value)
    assert message == ('drift found: 1 to create, 1 to update, 1 to delete: create registry https://new.example.com '
                       'namespace ns; update registry https://b.example.com namespace ns (%s): provider; delete '
                       'registry https://c.example.com namespace ns (%s). Nothing was written (fail_on_drift)'
                       % (ID_B, ID_C))
    assert info.value.result['drift'] == EXPECTED and info.value.result['changed'] is False


def test_the_summary_names_the_first_three_and_counts_the_rest(monkeypatch):
    entries = [entry('n%d' % n) for n in range(5)]
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    with pytest.raises(TaskError, match=r'5 to create, 0 to update, 0 to delete: .*n2\.example\.com namespace ns; '
                                        r'and 2 more\. Nothing was written'):
        ensure_registries(ZadigClient(URL, 'tok'), entries, fail_on_drift=True)
    session.assert_done()


# ---- secrets in the drift: by name only ------------------------------------------------------------------------

def test_a_changed_secret_is_named_never_shown(monkeypatch, server):
    from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries as apply

    client = ZadigClient(server.url, server.sim_admin)
    server.sim.seed('https://a.example.com', namespace='ns', access_key='robot', secret_key='old-' + SECRET)
    for check_mode in (True, False):
        result = apply(client, [entry('a', access_key='robot', secret_key=SECRET)], check_mode=check_mode)
        assert result['drift']['update'][0]['fields'] == ['secret_key']
        assert SECRET not in json.dumps(result['drift'])
    assert apply(client, [entry('a', access_key='robot', secret_key=SECRET)])['drift']['in_sync'] is True


# ---- least privilege: a token that may not read the internal list ----------------------------------------------

@pytest.mark.parametrize('check_mode, fail_on_drift', [(True, False), (False, True), (True, True)])
def test_a_token_without_the_internal_read_still_compares_every_openapi_field(server, check_mode, fail_on_drift):
    from ansible_collections.zadig.core.tests.unit.utils import USER

    server.sim.seed('https://a.example.com', namespace='ns', provider='native', access_key='robot', secret_key='x')
    entries = [entry('a', provider='harbor', access_key='robot', secret_key=SECRET, projects=['p1']),
               entry('b')]
    client = ZadigClient(server.url, USER)
    if fail_on_drift:
        with pytest.raises(TaskError) as info:
            ensure_registries(client, entries, check_mode=check_mode, fail_on_drift=True)
        result = info.value.result
    else:
        result = ensure_registries(client, entries, check_mode=True)
    drift = result['drift']
    assert drift['not_compared'] == ['access_key', 'projects', 'secret_key']
    assert drift['update'][0]['fields'] == ['provider'] and drift['create'][0]['address'] == 'https://b.example.com'
    assert any('not access_key, projects, secret_key' in w for w in result['warnings'])
    assert server.sim.writes() == []


def test_a_real_run_with_such_a_token_still_fails_before_any_write(server):
    from ansible_collections.zadig.core.tests.unit.utils import USER

    server.sim.seed('https://a.example.com', namespace='ns', provider='native')
    with pytest.raises(TaskError, match='HTTP 403'):
        ensure_registries(ZadigClient(server.url, USER), [entry('a', secret_key=SECRET)])
    assert server.sim.writes() == []
