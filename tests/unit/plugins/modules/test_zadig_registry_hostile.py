# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zadig_registry and the list under races, colliding keys, a forgotten purge list and odd stored records."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._manage import ensure_registries
from ansible_collections.zadig.core.plugins.module_utils._registry import InputError
from ansible_collections.zadig.core.tests.unit.plugins.modules.test_zadig_registry import (
    HARBOR, ID_A, ID_B, ID_NEW, OK, OTHER, TASK, reg, run, writes)
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script

ID_RIVAL = '65a1b2c3d4e5f60718293afe'


# ---- two jobs create the same registry at the same moment --------------------------------------------------------

def test_a_rival_create_seen_in_the_read_back_fails_naming_both_ids(monkeypatch):
    ours, rival = reg(ID_NEW), reg(ID_RIVAL)
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[OTHER]),
        Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, rival, ours]),
    ])
    assert failed and result['changed'] is True
    assert ID_NEW in result['msg'] and ID_RIVAL in result['msg'] and 'same moment' in result['msg']
    assert result['registry'] == {}
    assert sorted(d['registry_id'] for d in result['duplicates']) == [ID_RIVAL, ID_NEW]
    assert len(writes(session)) == 1


def test_a_rival_create_in_check_mode_is_not_a_concern(monkeypatch):
    result, failed, dummy = run(monkeypatch, TASK, [Call('GET', OPENAPI, answer=[OTHER])], check_mode=True)
    assert not failed and result['changed'] is True


def test_two_real_jobs_racing_on_the_simulator_never_both_report_success(server):
    """Two clients create the same registry between each other's read and read-back; at least one must fail."""
    from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry

    task = dict(TASK, state='present', update_secrets='on_create')
    first, second = ZadigClient(server.url, server.sim_admin), ZadigClient(server.url, server.sim_admin)
    original = first.create_registry

    def create_and_let_the_rival_in(body):
        answer = original(body)
        second.create_registry(body)
        return answer

    first.create_registry = create_and_let_the_rival_in
    with pytest.raises(TaskError) as info:
        ensure_registry(first, task)
    assert info.value.result['changed'] is True and len(info.value.result['duplicates']) == 2


# ---- a registry_id update onto another registry's key ------------------------------------------------------------

@pytest.mark.parametrize('move', [
    {'address': 'https://other.example.com', 'namespace': 'team'},
    {'address': 'HTTPS://Other.Example.com/', 'namespace': ' team '},
])
def test_moving_a_registry_onto_another_ones_key_is_refused_before_any_write(monkeypatch, move):
    result, failed, session = run(monkeypatch, dict(move, registry_id=ID_A), [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER])])
    assert failed and result['changed'] is False
    assert ID_B in result['msg'] and 'two registries with one key' in result['msg']
    assert writes(session) == []


def test_moving_onto_a_free_key_or_keeping_the_key_is_fine(monkeypatch):
    moved = reg(ID_A, address='https://new.example.com', is_default=True)
    result, failed, dummy = run(monkeypatch, {'registry_id': ID_A, 'address': 'https://new.example.com'}, [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[moved, OTHER]),
    ])
    assert not failed and result['registry'] == moved


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


# ---- odd stored records ------------------------------------------------------------------------------------------

def test_a_stored_provider_of_null_fails_at_the_read_and_sends_no_write(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, is_default=False), [
        Call('GET', OPENAPI, answer=[dict(HARBOR, provider=None)])])
    assert failed and 'has provider null' in result['msg'] and OPENAPI in result['msg']
    assert writes(session) == []


def test_is_default_as_a_string_is_never_read_as_true(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[dict(HARBOR, is_default='false')])])
    assert failed and 'is_default a string' in result['msg'] and writes(session) == []
