# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zadig_registry_info: one request, filters applied here, never another registry in place of the one asked for."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI
from ansible_collections.zadig.core.plugins.modules import zadig_registry_info
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

ID_A = '65a1b2c3d4e5f60718293a01'
ID_B = '65a1b2c3d4e5f60718293a02'
A = {'registry_id': ID_A, 'address': 'HTTPS://Harbor.Example.com/', 'provider': 'harbor', 'region': '',
     'namespace': 'platform', 'is_default': True}
B = {'registry_id': ID_B, 'address': 'https://ecr.example.com', 'provider': 'ecr', 'region': 'eu-west-1',
     'namespace': '', 'is_default': False}


def run(monkeypatch, args, calls, check_mode=False):
    session = script(monkeypatch, calls)
    capture_exit(monkeypatch)
    full = dict(zadig_url='https://zadig.example.com', zadig_token='tok', _ansible_check_mode=check_mode)
    full.update(args)
    with module_args(full), pytest.raises(ModuleExit) as info:
        zadig_registry_info.main()
    session.assert_done()
    return info.value.result, info.value.failed, session


@pytest.mark.parametrize('args, expected', [
    ({}, [A, B]),
    ({'address': 'https://harbor.example.com'}, [A]),
    ({'address': 'https://HARBOR.example.com/'}, [A]),
    ({'namespace': ' platform '}, [A]),
    ({'provider': 'ecr'}, [B]),
    ({'is_default': True}, [A]),
    ({'is_default': False}, [B]),
    ({'provider': 'harbor', 'is_default': False}, []),
    ({'registry_id': ID_B}, [B]),
])
def test_filters_with_one_request(monkeypatch, args, expected):
    result, failed, session = run(monkeypatch, args, [Call('GET', OPENAPI, answer=[A, B])], check_mode=True)
    assert not failed and result['changed'] is False and result['registries'] == expected
    assert [r['address'] for r in result['zadig_registries']] == [
        r['address'].lower().rstrip('/') for r in expected]
    assert result['duplicates'] == [] and 'warnings' not in result
    assert len(session.sent) == 1


def test_the_export_is_the_roles_input_shape_and_holds_no_secret(monkeypatch):
    result = run(monkeypatch, {}, [Call('GET', OPENAPI, answer=[A, B])])[0]
    assert result['zadig_registries'] == [
        {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor', 'is_default': True},
        {'address': 'https://ecr.example.com', 'namespace': '', 'provider': 'ecr', 'region': 'eu-west-1',
         'is_default': False}]


def test_duplicates_are_grouped_and_exported_by_id(monkeypatch):
    twin = dict(A, registry_id='65a1b2c3d4e5f60718293a03', address='https://harbor.example.com', is_default=False)
    result = run(monkeypatch, {}, [Call('GET', OPENAPI, answer=[A, B, twin])])[0]
    assert result['duplicates'] == [[A, twin]]
    assert [e.get('registry_id') for e in result['zadig_registries']] == [ID_A, None, twin['registry_id']]
    assert len(result['warnings']) == 2 and all('see duplicates' in w for w in result['warnings'])


@pytest.mark.parametrize('odd', [
    {'address': 'reg.example.com:5000'}, {'provider': 'jfrog'}, {'provider': ''}, {'namespace': ''},
])
def test_a_registry_the_role_could_not_take_is_exported_by_id_with_a_warning(monkeypatch, odd):
    stored = dict(A, **odd)
    result = run(monkeypatch, {}, [Call('GET', OPENAPI, answer=[stored])])[0]
    assert result['zadig_registries'] == [{'registry_id': ID_A, 'is_default': True}]
    assert 'exported by its registry_id only' in result['warnings'][0]


def test_unknown_registry_id_fails_and_returns_nothing_else(monkeypatch):
    result, failed, _session = run(monkeypatch, {'registry_id': 'f' * 24}, [Call('GET', OPENAPI, answer=[A, B])])
    assert failed and result['msg'] == 'registry_id %s does not exist on the Zadig server' % ('f' * 24)
    assert 'registries' not in result


@pytest.mark.parametrize('bad', ['nothex', ID_A.upper(), ID_A[:-1], '../' + ID_A[3:]])
def test_malformed_registry_id_fails_before_any_request(monkeypatch, bad):
    result, failed, session = run(monkeypatch, {'registry_id': bad}, [])
    assert failed and 'registry_id must be 24 lowercase hexadecimal' in result['msg'] and session.sent == []


def test_server_error_is_reported_with_status(monkeypatch):
    result, failed, _session = run(monkeypatch, {}, [Call('GET', OPENAPI, 404, text='Invalid path: /openapi/system/registry')])
    assert failed and result['status'] == 404 and 'Invalid path' in result['msg']
