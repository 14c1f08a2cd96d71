# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A failure in words: each status Zadig (or what stands in front of it) answers, a redirect, a body that is not JSON,
a timeout or a TLS failure becomes one sentence, with Zadig's own description and the advice a user needs, on every
Zadig version."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_client import RID, URL, fails


# ---- error mapping -----------------------------------------------------------------------------------------

def test_400_with_zadig_body_reports_status_and_description(monkeypatch):
    error = fails(monkeypatch, Call('PUT', OPENAPI + '/' + RID, 400, answer={
        'code': 400, 'description': 'empty reg_addr', 'extra': {}, 'message': 'Bad Request', 'type': 'error'}),
        lambda c: c.update_registry(RID, {}))
    assert (error.status, error.description, error.method) == (400, 'empty reg_addr', 'PUT')
    assert str(error) == 'PUT %s/%s: HTTP 400: empty reg_addr: the server refused the request' % (OPENAPI, RID)


def test_400_with_empty_body(monkeypatch):
    error = fails(monkeypatch, Call('POST', OPENAPI, 400), lambda c: c.create_registry({}))
    assert error.description is None
    assert str(error) == 'POST %s: HTTP 400: the server refused the request' % OPENAPI


def test_7050_licence_error_uses_the_message_when_the_description_is_empty(monkeypatch):
    error = fails(monkeypatch, Call('PUT', OPENAPI + '/' + RID, 400, answer={
        'code': 7050, 'description': '', 'extra': {}, 'message': '用户许可证不可用，请检查许可证后重试', 'type': 'error'}),
        lambda c: c.update_registry(RID, {}))
    assert '用户许可证不可用' in str(error) and 'code 7050' in str(error)
    assert 'Professional or Enterprise licence' in str(error) and error.licence and error.status == 400


def test_a_400_with_another_code_is_not_a_licence_refusal(monkeypatch):
    error = fails(monkeypatch, Call('PUT', OPENAPI + '/' + RID, 400, answer={
        'code': 400, 'description': 'empty namespace', 'extra': {}, 'message': 'Bad Request', 'type': 'error'}),
        lambda c: c.update_registry(RID, {}))
    assert not error.licence and 'licence' not in str(error)


def test_401_says_to_check_the_token(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, 401))
    assert error.status == 401
    assert 'HTTP 401' in str(error) and 'zadig_token' in str(error) and 'ZADIG_TOKEN' in str(error)


def test_403_says_admin_rights_are_needed(monkeypatch):
    error = fails(monkeypatch, Call('POST', OPENAPI, 403), lambda c: c.create_registry({}))
    assert 'HTTP 403' in str(error) and 'system administrator' in str(error)


def test_403_mfa_reason_is_shown(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, 403, answer={'reason': 'mfa_verification_required'}))
    assert 'mfa_verification_required' in str(error)


def test_404_text_body_and_a_hint_about_the_url(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, 404, text='Invalid path: /openapi/system/registry'))
    assert error.description == 'Invalid path: /openapi/system/registry'
    assert 'HTTP 404: Invalid path: /openapi/system/registry' in str(error) and 'zadig_url' in str(error)


def test_405_text_body(monkeypatch):
    path = OPENAPI + '/' + RID
    error = fails(monkeypatch, Call('GET', OPENAPI, 405, text='Method not allowed: DELETE ' + path))
    assert 'HTTP 405: Method not allowed: DELETE ' + path in str(error)


def test_500_with_zadig_body(monkeypatch):
    error = fails(monkeypatch, Call('POST', OPENAPI, 500, answer={
        'code': 500, 'description': 'namespace cannot be empty', 'message': 'Internal Error: '}),
        lambda c: c.create_registry({}))
    assert str(error) == 'POST %s: HTTP 500: namespace cannot be empty' % OPENAPI
    assert error.maybe_applied


def test_500_with_empty_body(monkeypatch):
    error = fails(monkeypatch, Call('POST', OPENAPI, 500), lambda c: c.create_registry({}))
    assert str(error) == 'POST %s: HTTP 500: the server gave no description' % OPENAPI


def test_redirect_is_an_error_not_followed(monkeypatch):
    error = fails(monkeypatch, Call('POST', OPENAPI, 301, headers={'Location': 'https://other/'}),
                  lambda c: c.create_registry({}))
    assert 'redirect to https://other/' in str(error)


def test_non_json_success_is_an_error(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, 200, text='<html>login</html>'))
    assert 'not JSON' in str(error)


def test_timeout_and_tls_errors_are_explained(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, exc=requests.exceptions.ReadTimeout('read timed out')))
    assert 'within 30 seconds' in str(error) and error.status is None
    error = fails(monkeypatch, Call('GET', OPENAPI, exc=requests.exceptions.SSLError('CERTIFICATE_VERIFY_FAILED')))
    assert 'CERTIFICATE_VERIFY_FAILED' in str(error) and 'ca_path' in str(error)


# ---- errors of newer Zadig versions ------------------------------------------------------------------------------

def test_mfa_reason_is_named_with_advice(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, 403, answer={'reason': 'mfa_verification_required'},
                                        headers={'x-zadig-auth-reason': 'mfa_verification_required'})])
    with pytest.raises(ZadigAPIError, match='multi-factor authentication .*mfa_verification_required'):
        ZadigClient(URL, 'tok', retries=0).list_registries()
    session.assert_done()


def test_a_401_says_the_token_may_have_been_replaced(monkeypatch):
    script(monkeypatch, [Call('GET', OPENAPI, 401)])
    with pytest.raises(ZadigAPIError, match="from Zadig v4.3 on it must also be the user's current token"):
        ZadigClient(URL, 'tok', retries=0).list_registries()


# ---- the same against simulators of each version --------------------------------------------------------------------

@pytest.mark.parametrize('version, advice', [('v4.1', None), ('v4.2', None), ('v4.3', 'current token'),
                                             ('v5.0', 'current token'), ('main', 'current token')])
def test_a_rotated_token_gets_advice_from_v43(version, advice):
    from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer

    server = SimulatorServer(Simulator(version=version, admin_tokens=['old-admin-token'])).start()
    try:
        server.sim.rotate_token('old-admin-token', 'new-admin-token')
        client = ZadigClient(server.url, 'old-admin-token', retries=0)
        if advice is None:
            assert client.list_registries() == []
            return
        with pytest.raises(ZadigAPIError, match='HTTP 401.*' + advice):
            client.list_registries()
        assert ZadigClient(server.url, 'new-admin-token').list_registries() == []
    finally:
        server.stop()


@pytest.mark.parametrize('reason', ['mfa_verification_required', 'mfa_enrollment_required'])
def test_mfa_from_v43_is_named(reason):
    from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer

    server = SimulatorServer(Simulator(version='v4.3', admin_tokens=['mfa-admin-token'])).start()
    try:
        server.sim.require_mfa('mfa-admin-token', reason)
        with pytest.raises(ZadigAPIError) as info:
            ZadigClient(server.url, 'mfa-admin-token', retries=0).list_registries()
        assert info.value.status == 403 and reason in str(info.value) and 'multi-factor' in str(info.value)
        assert 'mfa-admin-token' not in str(info.value)
    finally:
        server.stop()
