# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP between the controller and Zadig: what reaches requests, reads retried with backoff or after what
``Retry-After`` asks, writes never, redirects not followed, answers that are not Zadig's and transfers cut off on
the way, each failure one clear sentence, and the task's environment (never the process's, never ~/.netrc)
deciding the CA bundle."""

from __future__ import annotations

import json
import socket
import time

import certifi
import pytest
import requests

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zadig.core.plugins.module_utils import _transport
from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, PUBLIC_KEY, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.utils import capture_exit, module_args, through_run_module
from ansible_collections.zadig.core.tests.unit.scripted_client import REGISTRY, RID, TOKEN, URL, client, fails

CA = certifi.where()


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


def test_missing_requests_library_is_a_clear_failure(monkeypatch):
    monkeypatch.setattr(_transport, 'HAS_REQUESTS', False)
    capture_exit(monkeypatch)
    with module_args({'zadig_url': URL, 'zadig_token': TOKEN}):
        module = AnsibleModule(argument_spec=CONNECTION_ARGUMENT_SPEC)
    done = through_run_module(monkeypatch, module)
    assert 'requests' in done.result['msg'] and done.failed


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


# ---- rate limits and restarts -------------------------------------------------------------------------------------

@pytest.mark.parametrize('status', [429, 503])
def test_a_read_waits_what_retry_after_asks(monkeypatch, status):
    session = script(monkeypatch, [Call('GET', OPENAPI, status, headers={'Retry-After': '7'}),
                                   Call('GET', OPENAPI, answer=[])])
    assert ZadigClient(URL, TOKEN, timeout=30).list_registries() == []
    session.assert_done()
    assert [s['sleep'] for s in session.sent if 'sleep' in s] == [7]


def test_retry_after_as_an_http_date_is_honoured(monkeypatch):
    later = time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(time.time() + 5))
    session = script(monkeypatch, [Call('GET', OPENAPI, 429, headers={'Retry-After': later}),
                                   Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, timeout=30).list_registries()
    waits = [s['sleep'] for s in session.sent if 'sleep' in s]
    assert len(waits) == 1 and 3 <= waits[0] <= 6


def test_a_429_without_retry_after_backs_off_like_a_503(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, 429), Call('GET', OPENAPI, 429),
                                   Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN).list_registries()
    assert [s['sleep'] for s in session.sent if 'sleep' in s] == [0.5, 1.0]


def test_a_wait_longer_than_the_timeout_fails_at_once_saying_so(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, 429, headers={'Retry-After': '600'})])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN, timeout=30).list_registries()
    session.assert_done()
    assert 'HTTP 429' in str(info.value) and 'again in 600 seconds' in str(info.value)
    assert 'timeout' in str(info.value)


@pytest.mark.parametrize('method', ['POST', 'PUT'])
def test_a_write_refused_429_is_not_sent_again(monkeypatch, method):
    rid = '65a1b2c3d4e5f60718293a4b'
    path = OPENAPI if method == 'POST' else OPENAPI + '/' + rid
    session = script(monkeypatch, [Call(method, path, 429, headers={'Retry-After': '1'})])
    client = ZadigClient(URL, TOKEN)
    with pytest.raises(ZadigAPIError) as info:
        client.create_registry({}) if method == 'POST' else client.update_registry(rid, {})
    session.assert_done()
    assert info.value.status == 429


# ---- rate limits on every route a task reads ------------------------------------------------------------------

def test_a_rate_limited_public_key_is_read_again_after_retry_after(sim_server):
    sim, server = sim_server
    sim.seed('https://r.example.com', namespace='team', access_key='ak-1', secret_key='sk-secret-77')
    sim.add_fault('status', method='GET', path=PUBLIC_KEY, status=429, headers={'Retry-After': '1'})
    client = ZadigClient(server.url, TOKEN, timeout=5)
    start = time.monotonic()
    assert client.list_registries_full()[0]['secret_key'] == 'sk-secret-77'
    assert 1 <= time.monotonic() - start < 4
    assert [entry[1] for entry in sim.log] == [PUBLIC_KEY, PUBLIC_KEY, INTERNAL]


@pytest.mark.parametrize('status', [429, 503])
def test_a_rate_limited_references_read_is_read_again_after_retry_after(status):
    sim = Simulator(version='v4.2', admin_tokens=[TOKEN])
    server = SimulatorServer(sim).start()
    try:
        registry = sim.seed('https://r.example.com', namespace='team')
        path = '%s/%s/references' % (INTERNAL, registry['id'])
        sim.add_fault('status', method='GET', path=path, status=status, headers={'Retry-After': '1'})
        client = ZadigClient(server.url, TOKEN, timeout=5)
        start = time.monotonic()
        assert client.registry_references(registry['id']) == []
        assert 1 <= time.monotonic() - start < 4
        assert [entry[1] for entry in sim.log] == [path, path]
    finally:
        server.stop()


def test_a_references_read_asked_to_wait_longer_than_timeout_fails_saying_so():
    sim = Simulator(version='v4.2', admin_tokens=[TOKEN])
    server = SimulatorServer(sim).start()
    try:
        registry = sim.seed('https://r.example.com', namespace='team')
        sim.add_fault('status', method='GET', path='.*/references', status=429, headers={'Retry-After': '3600'})
        with pytest.raises(ZadigAPIError) as info:
            ZadigClient(server.url, TOKEN, timeout=5).registry_references(registry['id'])
        assert 'HTTP 429' in str(info.value) and 'again in 3600 seconds' in str(info.value)
        assert len(sim.log) == 1
    finally:
        server.stop()


@pytest.mark.parametrize('value', ['-5', 'soon', '1.5', '', '\u00e9', 'Wed, 21 Oct 2015 07:28:00 GMT',
                                   'Fri, 31 Dec 99999 23:59:59 GMT', '0'])
def test_a_retry_after_that_is_negative_garbage_or_past_backs_off_as_usual(monkeypatch, value):
    session = script(monkeypatch, [Call('GET', OPENAPI, 503, headers={'Retry-After': value}),
                                   Call('GET', OPENAPI, answer=[])])
    assert ZadigClient(URL, TOKEN, timeout=30).list_registries() == []
    session.assert_done()
    waits = [s['sleep'] for s in session.sent if 'sleep' in s]
    assert waits in ([0.5], [0]), waits


@pytest.mark.parametrize('value', ['99999999999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT'])
def test_a_huge_retry_after_fails_at_once_saying_so(monkeypatch, value):
    session = script(monkeypatch, [Call('GET', OPENAPI, 429, headers={'Retry-After': value})])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN, timeout=30).list_registries()
    session.assert_done()
    assert 'HTTP 429' in str(info.value) and 'longer than timeout' in str(info.value)


# ---- redirects ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('status', [301, 302, 307, 308])
def test_a_redirect_to_the_same_address_is_not_followed_round_and_round(monkeypatch, status):
    session = script(monkeypatch, [Call('GET', OPENAPI, status, headers={'Location': URL + OPENAPI})])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN).list_registries()
    session.assert_done()
    assert 'HTTP %d redirect to %s' % (status, URL + OPENAPI) in str(info.value) and 'zadig_url' in str(info.value)


def test_a_write_redirected_is_not_sent_again(monkeypatch):
    session = script(monkeypatch, [Call('POST', OPENAPI, 307, headers={'Location': URL + OPENAPI})])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN).create_registry({})
    session.assert_done()
    assert not info.value.maybe_applied


NGINX_502 = ('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>'
             '</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')


# ---- answers that are not Zadig's --------------------------------------------------------------------------------

def failure(monkeypatch, calls, action=lambda c: c.list_registries()):
    session = script(monkeypatch, calls)
    with pytest.raises(ZadigAPIError) as info:
        action(ZadigClient(URL, TOKEN, retries=0))
    session.assert_done()
    return info.value


def test_a_proxy_html_page_is_summarised_not_dumped(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 502, text=NGINX_502, headers={'Content-Type': 'text/html'})])
    message = str(error)
    assert message == ('GET %s: HTTP 502 with an HTML page "502 Bad Gateway" (text/html): a proxy or load balancer '
                       'answered, not Zadig; check that Zadig is running behind it and that zadig_url is right'
                       % OPENAPI)
    assert error.status == 502 and error.description is None


def test_a_login_page_with_status_200_is_not_taken_for_an_answer(monkeypatch):
    page = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>SSO</body></html>'
    error = failure(monkeypatch, [Call('GET', OPENAPI, 200, text=page, headers={'Content-Type': 'text/html'})])
    assert 'HTML page "Sign in"' in str(error) and 'login page' in str(error) and '<' not in str(error)


def test_zadig_text_descriptions_are_kept_on_one_line(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 404, text='Invalid path:\r\n /x\x1b[31m')])
    assert error.description == 'Invalid path: /x[31m' and '\n' not in str(error)


def test_a_description_that_is_not_a_string_is_shown_as_json(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 500, answer={'description': {'nested': [1]}})])
    assert error.description == '{"nested": [1]}'


def test_a_deeply_nested_answer_is_a_clean_failure(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, 200, text='[' * 100000 + ']' * 100000,
                                       headers={'Content-Type': 'application/json'})])
    assert 'not JSON' in str(error)


CUT_OFF = [
    requests.exceptions.ChunkedEncodingError(requests.packages.urllib3.exceptions.ProtocolError(
        'Connection broken: IncompleteRead(10 bytes read, 90 more expected)')),
    requests.exceptions.ContentDecodingError('Received response with content-encoding: gzip, but failed to decode'),
    requests.exceptions.ConnectionError(requests.packages.urllib3.exceptions.ProtocolError(
        'Connection broken: IncompleteRead(10 bytes read, 90 more expected)')),
]


@pytest.mark.parametrize('exc', CUT_OFF)
def test_a_read_cut_off_or_garbled_on_the_way_is_read_again(monkeypatch, exc):
    session = script(monkeypatch, [Call('GET', OPENAPI, exc=exc), Call('GET', OPENAPI, answer=[REGISTRY])])
    assert ZadigClient(URL, TOKEN, retries=3).list_registries()[0]['registry_id'] == RID
    session.assert_done()
    assert [s['sleep'] for s in session.sent if 'sleep' in s] == [0.5]


@pytest.mark.parametrize('exc', CUT_OFF)
def test_a_read_cut_off_every_time_fails_after_the_retries_saying_so(monkeypatch, exc):
    session = script(monkeypatch, [Call('GET', OPENAPI, exc=exc)] * 4)
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN, retries=3).list_registries()
    session.assert_done()
    assert 'cut off' in str(info.value) and 'cannot reach' not in str(info.value)


def test_json_that_stops_short_is_read_again(monkeypatch):
    whole = json.dumps([REGISTRY])
    session = script(monkeypatch, [
        Call('GET', OPENAPI, text=whole[:25], headers={'Content-Type': 'application/json'}),
        Call('GET', OPENAPI, text=whole, headers={'Content-Type': 'application/json'})])
    assert ZadigClient(URL, TOKEN, retries=3).list_registries()[0]['registry_id'] == RID
    session.assert_done()


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE'])
@pytest.mark.parametrize('exc', CUT_OFF)
def test_a_write_whose_answer_is_cut_off_is_never_sent_again(monkeypatch, method, exc):
    path = {'POST': OPENAPI, 'PUT': OPENAPI + '/' + RID, 'DELETE': INTERNAL + '/' + RID}[method]
    action = {'POST': lambda c: c.create_registry({}), 'PUT': lambda c: c.update_registry(RID, {}),
              'DELETE': lambda c: c.delete_registry(RID)}[method]
    session = script(monkeypatch, [Call(method, path, exc=exc)])
    with pytest.raises(ZadigAPIError) as info:
        action(ZadigClient(URL, TOKEN, retries=3))
    session.assert_done()
    assert 'cut off' in str(info.value) and info.value.maybe_applied and not info.value.safe_to_resend


def test_an_os_error_inside_requests_is_a_clean_failure(monkeypatch):
    error = failure(monkeypatch, [Call('GET', OPENAPI, exc=OSError(
        'Could not find a suitable TLS CA certificate bundle, invalid path: /x'))])
    assert 'could not send the request' in str(error) and 'OSError' in str(error) and not error.delivered


# ---- the task's environment: proxies and CA bundles, never ~/.netrc ------------------------------------------------

def test_the_environment_given_decides_proxies_and_ca_bundle_not_the_process_one(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://process-proxy:3128')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/process/ca.pem')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'https_proxy': 'http://task-proxy:3128', 'REQUESTS_CA_BUNDLE': '/task/ca.pem',
                                     'HTTP_PROXY': 'http://plain:80'}).list_registries()
    assert session.trust_env is False
    assert session.sent[0]['proxies'] == {'https': 'http://task-proxy:3128', 'http': 'http://plain:80'}
    assert session.sent[0]['verify'] == '/task/ca.pem'


def test_ca_path_wins_over_the_ca_bundle_variables(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, ca_path=certifi.where(), environ={'REQUESTS_CA_BUNDLE': '/x.pem'}).list_registries()
    assert session.sent[0]['verify'] == certifi.where()


def test_a_netrc_entry_for_the_host_never_replaces_the_bearer_token(tmp_path, monkeypatch, server):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login admin password netrc-password\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    assert ZadigClient(server.url, server.sim_admin).list_registries() == []
