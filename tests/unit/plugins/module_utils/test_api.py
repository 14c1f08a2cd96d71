# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API client: what it sends, how it maps Zadig's answers, when it retries, what it never reveals."""

from __future__ import annotations

import socket

import certifi
import pytest
import requests

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zadig.core.plugins.module_utils import _transport
from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args, through_run_module

URL = 'https://zadig.example.com'
CA = certifi.where()
TOKEN = 'tok-SECRET-7f3a9b'
RID = '65a1b2c3d4e5f60718293a4b'
REGISTRY = {'registry_id': RID, 'address': 'https://reg.example.com', 'provider': 'harbor', 'region': '',
            'namespace': 'team', 'is_default': True}


def client(**kwargs):
    kwargs.setdefault('backoff', 0.5)
    return ZadigClient(URL + '/', TOKEN, **kwargs)


def fails(monkeypatch, call, action=lambda c: c.list_registries(), **kwargs):
    session = script(monkeypatch, [call])
    with pytest.raises(ZadigAPIError) as info:
        action(client(retries=0, **kwargs))
    session.assert_done()
    assert TOKEN not in str(info.value)
    return info.value


# ---- what reaches requests ---------------------------------------------------------------------------------

def test_sends_bearer_token_timeout_and_never_follows_redirects(monkeypatch):
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[REGISTRY])])
    assert client(timeout=7).list_registries() == [REGISTRY]
    session.assert_done()
    sent = session.sent[0]
    assert sent['headers']['Authorization'] == 'Bearer ' + TOKEN
    assert (sent['timeout'], sent['allow_redirects'], sent['verify']) == (7, False, True)


@pytest.mark.parametrize('validate_certs, ca_path, verify', [
    (True, None, True), (False, None, False), (True, CA, CA), (False, CA, False), (False, '/nonexistent.pem', False),
])
def test_tls_options_reach_requests(monkeypatch, validate_certs, ca_path, verify):
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    client(validate_certs=validate_certs, ca_path=ca_path).list_registries()
    assert session.sent[0]['verify'] == verify


def test_trailing_slash_on_the_base_url_is_accepted(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL + '///', TOKEN).list_registries()
    session.assert_done()


@pytest.mark.parametrize('url', ['zadig.example.com', 'ftp://zadig', '', None, 'https://'])
def test_base_url_needs_http_or_https_and_a_host(url):
    with pytest.raises(ZadigAPIError, match='zadig_url must be an http:// or https:// address'):
        ZadigClient(url, TOKEN)


def test_routes_and_bodies(monkeypatch):
    body = {'address': 'https://r', 'provider': 'native', 'namespace': 'n'}
    session = script(monkeypatch, [
        Call('POST', OPENAPI, answer={'message': 'success'}, body=body),
        Call('GET', OPENAPI + '/' + RID, answer=REGISTRY),
        Call('PUT', OPENAPI + '/' + RID, answer={'message': 'success'}, body=body),
        Call('DELETE', INTERNAL + '/' + RID, answer={'message': 'success'}, body=None),
    ])
    c = client()
    c.create_registry(body)
    assert c.get_registry(RID) == REGISTRY
    c.update_registry(RID, body)
    c.delete_registry(RID)
    session.assert_done()


# ---- connection options from the environment -------------------------------------------------------------

def test_connection_options_fall_back_to_the_environment(monkeypatch):
    monkeypatch.setenv('ZADIG_URL', 'https://env.example.com')
    monkeypatch.setenv('ZADIG_TOKEN', 'env-token')
    monkeypatch.setenv('ZADIG_VALIDATE_CERTS', 'false')
    monkeypatch.setenv('ZADIG_CA_PATH', CA)
    monkeypatch.setenv('ZADIG_TIMEOUT', '9')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])], base_url='https://env.example.com')
    with module_args({}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    listed = through_run_module(monkeypatch, module)
    assert not listed.failed, listed.result
    sent = session.sent[0]
    assert (sent['headers']['Authorization'], sent['verify'], sent['timeout']) == ('Bearer env-token', False, 9)


def test_options_win_over_the_environment(monkeypatch):
    monkeypatch.setenv('ZADIG_URL', 'https://env.example.com')
    monkeypatch.setenv('ZADIG_TOKEN', 'env-token')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    with module_args({'zadig_url': URL, 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    assert module.params['timeout'] == 30 and module.params['validate_certs'] is True
    listed = through_run_module(monkeypatch, module)
    assert not listed.failed, listed.result
    assert session.sent[0]['headers']['Authorization'] == 'Bearer ' + TOKEN


def test_missing_url_fails_the_module_naming_the_option_and_variable(monkeypatch):
    monkeypatch.delenv('ZADIG_URL', raising=False)
    monkeypatch.setenv('ZADIG_TOKEN', 'env-token')
    capture_exit(monkeypatch)
    with module_args({}), pytest.raises(ModuleExit) as info:
        AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    assert info.value.failed and 'zadig_url' in info.value.result['msg']


def test_bad_url_fails_the_module_cleanly(monkeypatch):
    capture_exit(monkeypatch)
    with module_args({'zadig_url': 'zadig.example.com', 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    done = through_run_module(monkeypatch, module)
    assert done.failed and 'zadig_url' in done.result['msg']


def test_missing_requests_library_is_a_clear_failure(monkeypatch):
    monkeypatch.setattr(_transport, 'HAS_REQUESTS', False)
    capture_exit(monkeypatch)
    with module_args({'zadig_url': URL, 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    done = through_run_module(monkeypatch, module)
    assert 'requests' in done.result['msg'] and done.failed


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


def test_list_that_is_not_a_list_is_an_error(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, 200, answer={'message': 'success'}))
    assert 'expected a JSON list' in str(error)


def test_timeout_and_tls_errors_are_explained(monkeypatch):
    error = fails(monkeypatch, Call('GET', OPENAPI, exc=requests.exceptions.ReadTimeout('read timed out')))
    assert 'within 30 seconds' in str(error) and error.status is None
    error = fails(monkeypatch, Call('GET', OPENAPI, exc=requests.exceptions.SSLError('CERTIFICATE_VERIFY_FAILED')))
    assert 'CERTIFICATE_VERIFY_FAILED' in str(error) and 'ca_path' in str(error)


# ---- retries -------------------------------------------------------------------------------------------------

def test_get_retries_502_503_504_and_connection_errors_with_backoff(monkeypatch):
    session = script(monkeypatch, [
        Call('GET', OPENAPI, 503), Call('GET', OPENAPI, exc=requests.exceptions.ConnectionError('reset')),
        Call('GET', OPENAPI, 504), Call('GET', OPENAPI, answer=[REGISTRY]),
    ])
    assert client().list_registries() == [REGISTRY]
    session.assert_done()
    assert [s['sleep'] for s in session.sent if 'sleep' in s] == [0.5, 1.0, 2.0]


def test_get_gives_up_after_the_retries_with_the_last_status(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, 502)] * 3)
    with pytest.raises(ZadigAPIError, match='HTTP 502') as info:
        client(retries=2).list_registries()
    session.assert_done()
    assert info.value.status == 502 and not info.value.maybe_applied


def test_get_does_not_retry_a_500(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, 500)])
    with pytest.raises(ZadigAPIError):
        client().list_registries()
    session.assert_done()


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
@pytest.mark.parametrize('answer', [503, requests.exceptions.ConnectionError('reset'),
                                    requests.exceptions.ReadTimeout('slow')])
def test_writes_are_never_retried(monkeypatch, method, answer):
    path = {'POST': OPENAPI, 'PUT': OPENAPI + '/' + RID, 'DELETE': INTERNAL + '/' + RID}[method]
    call = Call(method, path, answer) if isinstance(answer, int) else Call(method, path, exc=answer)
    session = script(monkeypatch, [call])
    action = {'POST': lambda c: c.create_registry({}), 'PUT': lambda c: c.update_registry(RID, {}),
              'DELETE': lambda c: c.delete_registry(RID)}[method]
    with pytest.raises(ZadigAPIError) as info:
        action(client())
    session.assert_done()
    assert info.value.maybe_applied


# ---- registry ids (a malformed one makes Zadig answer about another) ------------------------------------------

@pytest.mark.parametrize('bad', ['', 'nothex', RID.upper(), RID[:-1], RID + '0', '../' + RID[3:], None, 12])
def test_malformed_ids_are_refused_before_any_request(monkeypatch, bad):
    session = script(monkeypatch, [])
    for action in (lambda c: c.get_registry(bad), lambda c: c.update_registry(bad, {}),
                   lambda c: c.delete_registry(bad)):
        with pytest.raises(ZadigAPIError, match='registry_id must be 24 lowercase hexadecimal'):
            action(client())
    assert session.sent == []


def test_get_by_id_refuses_an_answer_about_another_registry(monkeypatch):
    other = dict(REGISTRY, registry_id='f' * 24)
    error = fails(monkeypatch, Call('GET', OPENAPI + '/' + RID, answer=other), lambda c: c.get_registry(RID))
    assert 'instead of %s' % RID in str(error) and 'f' * 24 in str(error)


# ---- secrets ---------------------------------------------------------------------------------------------------

def test_token_and_registered_secrets_echoed_by_the_server_are_masked(monkeypatch):
    echo = 'bad request: token=%s secret=s3cr3t-value' % TOKEN
    session = script(monkeypatch, [Call('POST', OPENAPI, 500, answer={'code': 500, 'description': echo})])
    c = client()
    c.add_secrets('s3cr3t-value')
    with pytest.raises(ZadigAPIError) as info:
        c.create_registry({'secret_key': 's3cr3t-value'})
    session.assert_done()
    for text in (str(info.value), info.value.description, repr(info.value.as_result())):
        assert TOKEN not in text and 's3cr3t-value' not in text
        assert '********' in text


def test_request_body_never_appears_in_errors(monkeypatch):
    error = fails(monkeypatch, Call('POST', OPENAPI, 500),
                  lambda c: c.create_registry({'access_key': 'AKIA-BODY', 'secret_key': 'SK-BODY'}))
    assert 'AKIA-BODY' not in str(error) and 'SK-BODY' not in str(error)


# ---- real sockets: the messages a user sees ---------------------------------------------------------------------

def test_connection_refused_names_the_server_without_noise():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient('http://127.0.0.1:%d' % port, TOKEN, retries=1, backoff=0).list_registries()
    message = str(info.value)
    assert message.startswith('GET %s: cannot reach Zadig at http://127.0.0.1:%d: ' % (OPENAPI, port))
    assert 'refused' in message.lower() and ' object at 0x' not in message and TOKEN not in message
    assert 'HTTPConnection' not in message
    assert info.value.delivered is False


def test_a_dropped_answer_counts_as_delivered(server):
    server.sim.add_fault('drop', method='POST')
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(server.url, server.sim_admin).create_registry({'address': 'https://x'})
    assert info.value.delivered is True and info.value.maybe_applied and not info.value.safe_to_resend


def test_against_the_simulator(server):
    from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER

    admin = ZadigClient(server.url, ADMIN)
    admin.create_registry({'address': 'https://reg.example.com', 'provider': 'native', 'namespace': 'team'})
    registry = admin.list_registries()[0]
    assert admin.get_registry(registry['registry_id']) == registry
    with pytest.raises(ZadigAPIError, match='HTTP 403') as info:
        ZadigClient(server.url, USER).get_registry(registry['registry_id'])
    assert USER not in str(info.value)
    with pytest.raises(ZadigAPIError, match='HTTP 401'):
        ZadigClient(server.url, 'nope').list_registries()
