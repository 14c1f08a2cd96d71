# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report of a list, fail_on_drift and the least-privilege audit, over scripted HTTP; and expected_drift:
a run applies exactly the reviewed drift, or fails before any write saying what differs."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import InputError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_lists import ENTRIES, ID_A, ID_B, ID_C, OK, SERVER, URL, entry, reg

SECRET = 'drift-secret-9c2e'
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


# ---- expected_drift: the reviewed drift, or nothing ---------------------------------------------------------------

READ = [Call('GET', OPENAPI, answer=SERVER), unused(ID_C)]  # the reads of ENTRIES: the list, who uses ID_C


def reversed_lists(drift):
    return {key: list(reversed(value)) if isinstance(value, list) else value for key, value in drift.items()}


@pytest.mark.parametrize('check_mode', [True, False], ids=['check mode', 'real run'])
def test_the_reviewed_drift_is_applied_whatever_the_order_of_its_entries(monkeypatch, check_mode):
    reviewed = reversed_lists(EXPECTED)
    after = [SERVER[0], dict(SERVER[1], provider='harbor'), reg('65a1b2c3d4e5f607182930ff', 'new')]
    writes = [] if check_mode else [Call('PUT', OPENAPI + '/' + ID_B, answer=OK), Call('POST', OPENAPI, answer=OK),
                                    Call('DELETE', INTERNAL + '/' + ID_C, answer=OK), Call('GET', OPENAPI, answer=after)]
    result, session = run(monkeypatch, ENTRIES, READ + writes, check_mode=check_mode, expected_drift=reviewed)
    assert result['changed'] is True and result['drift'] == EXPECTED
    assert len(session.sent) == len(READ + writes)


@pytest.mark.parametrize('check_mode', [True, False], ids=['check mode', 'real run'])
@pytest.mark.parametrize('change, words', [
    (lambda d: d['delete'].clear(), 'not reviewed: delete of registry https://c.example.com namespace ns (%s)' % ID_C),
    (lambda d: d['create'].append({'address': 'https://gone.example.com/', 'namespace': 'x'}),
     'reviewed but now in sync: create of registry https://gone.example.com/ namespace x'),
    (lambda d: d['update'][0].update(fields=['provider', 'is_default']),
     'update of registry https://b.example.com namespace ns (%s): reviewed provider, is_default, now provider' % ID_B),
    (lambda d: d['update'].append({'registry_id': ID_A, 'address': 'https://a.example.com', 'namespace': 'ns',
                                   'fields': ['is_default']}),
     'reviewed but now in sync: update of registry https://a.example.com namespace ns (%s) (is_default)' % ID_A),
    (lambda d: d['not_compared'].extend(['access_key', 'secret_key']),
     'the reviewed run could not compare access_key, secret_key'),
    (lambda d: d['delete'].append({'registry_id': 'f' * 24, 'address': 'https://x.example.com', 'namespace': ''}),
     'the reviewed drift names registries this Zadig does not hold (%s)' % ('f' * 24)),
], ids=['a delete not reviewed', 'a reviewed create now in sync', 'other fields', 'a reviewed update now in sync',
        'settings the review could not compare', 'another Zadig'])
def test_a_drift_that_differs_fails_before_any_write_saying_what_differs(monkeypatch, check_mode, change, words):
    reviewed = copy.deepcopy(EXPECTED)
    change(reviewed)
    with pytest.raises(TaskError) as info:
        run(monkeypatch, ENTRIES, READ, check_mode=check_mode, expected_drift=reviewed)
    assert words in str(info.value) and str(info.value).endswith('Nothing was written')
    assert '\n' not in str(info.value)
    assert info.value.result['drift'] == EXPECTED and info.value.result['expected_drift'] == reviewed
    assert info.value.result['changed'] is False


def test_a_reviewed_drift_with_nothing_to_do_means_apply_nothing(monkeypatch):
    in_sync = {'in_sync': True, 'create': [], 'update': [], 'delete': [], 'unmanaged': [], 'not_compared': []}
    result, session = run(monkeypatch, [entry('a', is_default=True)], [Call('GET', OPENAPI, answer=SERVER)],
                          expected_drift=in_sync)
    assert result['changed'] is False and len(session.sent) == 1
    with pytest.raises(TaskError, match=r'not reviewed: update of registry https://b.example.com namespace ns '
                                        r'\(%s\) \(provider\)' % ID_B):
        run(monkeypatch, [entry('b', provider='harbor')], [Call('GET', OPENAPI, answer=SERVER)],
            expected_drift=in_sync)


def test_unmanaged_registries_are_outside_the_comparison(monkeypatch):
    reviewed = dict(EXPECTED, unmanaged=[{'registry_id': ID_A, 'address': 'https://a.example.com', 'namespace': 'ns'}])
    result, dummy = run(monkeypatch, ENTRIES, READ, check_mode=True, expected_drift=reviewed)
    assert result['drift'] == EXPECTED


def test_a_run_that_compares_fewer_settings_than_the_review_is_refused(monkeypatch):
    """A check whose token may not read the stored secrets cannot confirm a review that compared them."""
    listed = [entry('a', access_key='robot', secret_key=SECRET)]
    with pytest.raises(TaskError) as info:
        run(monkeypatch, listed, [Call('GET', '/api/aslan/system/rsaKey/publicKey', status=403, answer={
            'code': 403, 'message': 'forbidden'}), Call('GET', OPENAPI, answer=SERVER)], check_mode=True,
            expected_drift=dict(EXPECTED, create=[], update=[], delete=[], in_sync=True))
    assert 'this run cannot compare access_key, secret_key, which the reviewed run compared' in str(info.value)
    assert SECRET not in repr(info.value.result) + str(info.value)


@pytest.mark.parametrize('expected, words', [
    ('drift', 'expected_drift must be the drift of a reviewed run (its result\'s drift: a dict with create, update '
              'and delete lists), got a string'),
    ({'create': []}, 'it has no update, delete'),
    ({'zadig1': EXPECTED, 'zadig2': EXPECTED}, 'it looks like a mapping of hosts (zadig1, zadig2)'),
    (dict(EXPECTED, delete={'registry_id': ID_C}), 'expected_drift.delete must be a list, got a dict'),
    (dict(EXPECTED, update=[{'registry_id': ID_B, 'fields': 'provider'}]),
     'expected_drift.update[1].fields must be a list, got a string'),
    (dict(EXPECTED, delete=[{'registry_id': 'c' * 23}]),
     'expected_drift.delete[1].registry_id must be a Zadig registry id (24 hexadecimal digits)'),
    (dict(EXPECTED, create=[{'address': 'https://x.example.com'}]),
     'expected_drift.create[1].namespace must be a string, got null'),
    (dict(EXPECTED, in_sync='no'), 'expected_drift.in_sync must be true or false, got a string'),
    (dict(EXPECTED, in_sync=True), 'expected_drift says in_sync but lists changes'),
    (dict(EXPECTED, not_compared=[1]), 'expected_drift.not_compared must be a list of setting names'),
], ids=['a string', 'missing lists', 'a mapping of hosts', 'a dict for a list', 'fields as a string', 'a bad id',
        'no namespace', 'in_sync not a boolean', 'in_sync with changes', 'not_compared of numbers'])
def test_an_expected_drift_that_is_not_a_drift_is_refused_before_any_request(monkeypatch, expected, words):
    with pytest.raises(InputError) as info:
        run(monkeypatch, ENTRIES, [], expected_drift=expected)
    assert words in str(info.value)
