# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole list in one task (what the registries role runs): one read, the writes that differ, one read back."""

from __future__ import annotations

import re

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import InputError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_lists import ID_A, ID_B, ID_C, OK, URL, entry, reg
from ansible_collections.zadig.core.tests.unit.scripted_registry import HARBOR


def run(monkeypatch, entries, calls, purge=False, check_mode=False):
    session = script(monkeypatch, calls)
    result = ensure_registries(ZadigClient(URL, 'tok', backoff=0), entries, purge, check_mode, diff=True)
    session.assert_done()
    return result, session


def test_no_drift_is_one_request_whatever_the_length(monkeypatch):
    server = [reg('65a1b2c3d4e5f607182931%02x' % n, 'r%d' % n, is_default=n == 0) for n in range(50)]
    entries = [entry('r%d' % n, is_default=n == 0) for n in range(50)]
    result, session = run(monkeypatch, entries, [Call('GET', OPENAPI, answer=server)])
    assert result['changed'] is False and len(session.sent) == 1
    assert [r['registry'] for r in result['results']] == server
    assert result['diff'] == [] and result['purged'] == []


def test_creates_are_written_then_read_back_once(monkeypatch):
    created = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b')]
    result, session = run(monkeypatch, [entry('b'), entry('a', is_default=True)], [
        Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, answer=OK, body={'address': 'https://a.example.com', 'provider': 'native',
                                               'namespace': 'ns', 'region': '', 'is_default': True}),
        Call('POST', OPENAPI, answer=OK, body={'address': 'https://b.example.com', 'provider': 'native',
                                               'namespace': 'ns', 'region': '', 'is_default': False}),
        Call('GET', OPENAPI, answer=created),
    ])
    assert result['changed'] is True
    assert [r['registry'] for r in result['results']] == [created[1], created[0]]
    assert [r['action'] for r in result['results']] == ['create', 'create']
    assert len(session.sent) == 4


def test_requests_grow_only_with_the_entries_that_drift(monkeypatch):
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
    result, session = run(monkeypatch, [entry('a'), entry('b', provider='harbor'), entry('c')], [
        Call('GET', OPENAPI, answer=server),
        Call('PUT', OPENAPI + '/' + ID_B, answer=OK),
        Call('GET', OPENAPI, answer=[server[0], dict(server[1], provider='harbor'), server[2]]),
    ])
    assert [r['changed'] for r in result['results']] == [False, True, False]
    assert len(result['diff']) == 1 and result['diff'][0]['after']['provider'] == 'harbor'


def test_check_mode_plans_the_list_as_a_whole(monkeypatch):
    """The default moves from a to b: a's entry (is_default omitted) is predicted to lose it, with no write."""
    server = [reg(ID_A, 'a', is_default=True)]
    result, session = run(monkeypatch, [entry('a'), entry('b', is_default=True)],
                          [Call('GET', OPENAPI, answer=server)], check_mode=True)
    assert len(session.sent) == 1
    by_host = {r['registry']['address']: r for r in result['results']}
    assert by_host['https://b.example.com']['action'] == 'create'
    assert by_host['https://b.example.com']['previous_default']['registry_id'] == ID_A
    assert by_host['https://a.example.com']['changed'] is False
    assert by_host['https://a.example.com']['registry']['is_default'] is False


def test_the_default_is_written_first(monkeypatch):
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b')]
    run(monkeypatch, [entry('a', is_default=False), entry('b', is_default=True)], [
        Call('GET', OPENAPI, answer=server),
        Call('PUT', OPENAPI + '/' + ID_B, answer=OK, body={'address': 'https://b.example.com', 'provider': 'native',
                                                           'region': '', 'namespace': 'ns', 'is_default': True}),
        Call('GET', OPENAPI, answer=[dict(server[0], is_default=False), dict(server[1], is_default=True)]),
    ])


def test_purge_deletes_only_what_the_list_does_not_name(monkeypatch):
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
    result, _session = run(monkeypatch, [entry('a')], [
        Call('GET', OPENAPI, answer=server),
        Call('GET', INTERNAL + '/' + ID_B + '/references', answer={'references': []}),
        Call('GET', INTERNAL + '/' + ID_C + '/references', answer={'references': []}),
        Call('DELETE', INTERNAL + '/' + ID_B, answer=OK),
        Call('DELETE', INTERNAL + '/' + ID_C, answer=OK),
        Call('GET', OPENAPI, answer=[server[0]]),
    ], purge=True)
    assert [r['registry_id'] for r in result['purged']] == [ID_B, ID_C]
    assert [d['before']['address'] for d in result['diff']] == ['https://b.example.com', 'https://c.example.com']


def test_without_purge_unnamed_registries_stay(monkeypatch):
    server = [reg(ID_A, 'a'), reg(ID_B, 'b')]
    result, _session = run(monkeypatch, [entry('a')], [Call('GET', OPENAPI, answer=server)])
    assert result['changed'] is False and result['purged'] == []


def test_purge_keeps_registries_named_by_id(monkeypatch):
    server = [reg(ID_A, 'a'), reg(ID_B, 'b')]
    result, _session = run(monkeypatch, [{'registry_id': ID_B}, entry('a')], [Call('GET', OPENAPI, answer=server)],
                           purge=True)
    assert result['changed'] is False


@pytest.mark.parametrize('entries, message', [
    ([entry('a', is_default=True), entry('b', is_default=True)], 'at most one registry may have is_default: true'),
    ([entry('a'), entry('a', provider='harbor')], 'listed twice (entries 1 and 2)'),
    ([{'registry_id': ID_A}, {'registry_id': ID_A, 'is_default': True}], 'listed twice'),
    ([entry('a'), entry('b', provider='nexus')], "provider 'nexus'"),
    ([entry('a'), {'namespace': 'x'}], 'one of address or registry_id is required'),
])
def test_list_rules_are_checked_before_any_request(monkeypatch, entries, message):
    session = script(monkeypatch, [])
    with pytest.raises(InputError, match=re.escape(message)):
        ensure_registries(ZadigClient(URL, 'tok'), entries)
    assert session.sent == []


def test_an_entry_that_cannot_be_planned_stops_the_task_before_any_write(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    with pytest.raises(InputError, match='provider is required to create registry https://b.example.com'):
        ensure_registries(ZadigClient(URL, 'tok'), [entry('a'), {'address': 'https://b.example.com', 'namespace': 'n'}])
    session.assert_done()


def test_a_failed_write_after_earlier_writes_reports_them(monkeypatch):
    session = script(monkeypatch, [
        Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, answer=OK),
        Call('POST', OPENAPI, 500, answer={'code': 500, 'description': 'namespace cannot be empty'}),
        Call('GET', OPENAPI, answer=[reg(ID_A, 'a')]),
    ])
    with pytest.raises(TaskError) as info:
        ensure_registries(ZadigClient(URL, 'tok'), [entry('a'), entry('b')])
    session.assert_done()
    assert info.value.result['changed'] is True
    assert 'could not create registry https://b.example.com' in str(info.value)
    assert 'after 1 earlier change(s)' in str(info.value)


def test_rival_creates_of_several_registries_are_all_named_at_once(monkeypatch):
    """Two jobs create the same three registries at the same moment: one run names every duplicate it can see."""
    rivals = [reg(ID_A, 'a'), reg(ID_B, 'b'), reg(ID_C, 'c')]
    ours = [reg('65a1b2c3d4e5f607182932%02x' % n, host) for n, host in enumerate('abc')]
    calls = [Call('GET', OPENAPI, answer=[])] + [Call('POST', OPENAPI, answer=OK)] * 3 + [
        Call('GET', OPENAPI, answer=rivals + ours)]
    session = script(monkeypatch, calls)
    with pytest.raises(TaskError) as info:
        ensure_registries(ZadigClient(URL, 'tok', backoff=0), [entry('a'), entry('b'), entry('c')])
    session.assert_done()
    message = str(info.value)
    assert '3 registries appeared more than once' in message
    for registry in rivals + ours:
        assert registry['registry_id'] in message
    assert sorted(r['registry_id'] for r in info.value.result['duplicates']) == sorted(
        r['registry_id'] for r in rivals + ours)
    assert info.value.result['changed'] is True


def test_an_update_of_a_registry_another_job_deleted_says_it_is_gone(monkeypatch):
    gone = {'code': 500, 'description': 'mongo: no documents in result', 'message': 'Internal Error: '}
    session = script(monkeypatch, [
        Call('GET', OPENAPI, answer=[reg(ID_A, 'a')]), Call('PUT', OPENAPI + '/' + ID_A, 500, answer=gone),
        Call('GET', OPENAPI, answer=[])])
    with pytest.raises(TaskError) as info:
        ensure_registries(ZadigClient(URL, 'tok', backoff=0), [entry('a', is_default=True)])
    session.assert_done()
    assert 'is gone from Zadig' in str(info.value) and 'rerun the task to create it again' in str(info.value)
    assert info.value.result['changed'] is False and info.value.result['status'] == 500


@pytest.mark.parametrize('retry_after, sent', [('2', 5), ('120', 3)], ids=['within timeout', 'beyond timeout'])
def test_a_write_refused_with_retry_after_is_resent_after_that_wait_only_within_timeout(
        monkeypatch, retry_after, sent):
    """A gateway's 503 that says when to come back: the resend waits that long, or the task fails saying so."""
    slept = []
    monkeypatch.setattr('time.sleep', slept.append)
    busy = Call('POST', OPENAPI, 503, answer={'message': 'busy'}, headers={'Retry-After': retry_after})
    calls = [Call('GET', OPENAPI, answer=[]), busy, Call('GET', OPENAPI, answer=[])]
    if sent == 5:
        calls += [Call('POST', OPENAPI, answer=OK), Call('GET', OPENAPI, answer=[reg(ID_A, 'new')])]
        result, session = run(monkeypatch, [entry('new')], calls)
        assert result['changed'] is True and slept == [2]
    else:
        with pytest.raises(TaskError, match=r'asked to be asked again in 120 seconds, longer than timeout'):
            run(monkeypatch, [entry('new')], calls)
        assert 120 not in slept


# ---- purge with nothing to keep ----------------------------------------------------------------------------------

@pytest.mark.parametrize('entries', [[], [{'address': 'https://a.example.com', 'namespace': 'n', 'state': 'absent'}]])
@pytest.mark.parametrize('check_mode', [False, True])
def test_purge_with_a_list_that_keeps_nothing_is_refused_before_any_request(monkeypatch, entries, check_mode):
    session = script(monkeypatch, [])
    with pytest.raises(InputError, match='names no registry to keep'):
        ensure_registries(ZadigClient('https://z.example.com', 'tok'), entries, purge=True, check_mode=check_mode)
    assert session.sent == []


def test_an_empty_list_without_purge_reads_once_and_changes_nothing(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[HARBOR])], base_url='https://z.example.com')
    result = ensure_registries(ZadigClient('https://z.example.com', 'tok'), [], purge=False)
    assert result['changed'] is False and len(session.sent) == 1
