# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What lies between Ansible and Zadig: a link that trickles, a gateway that rate-limits, a proxy that is wrong.

``timeout`` bounds each request as a whole; reads wait what ``Retry-After`` asks when that fits in ``timeout``;
a proxy's failure names the proxy and its variable, never its password, and is not retried when it cannot succeed.
"""

from __future__ import annotations

import importlib.util
import time

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProxyError

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script

URL = 'https://zadig.example.com'
TOKEN = 'tok-network-7c1d'
TASK = {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'}


# ---- timeout is a deadline ----------------------------------------------------------------------------------------

def test_a_read_trickling_in_ends_at_the_deadline_not_when_the_last_byte_arrives(sim_server):
    sim, server = sim_server
    for number in range(10):
        sim.seed('https://r%d.example.com' % number, namespace='team')
    sim.add_fault('trickle', method='GET', path=OPENAPI, keep=50, delay=0.25, count=99)  # ~8 s for the whole list
    client = ZadigClient(server.url, TOKEN, timeout=1, retries=0)
    start = time.monotonic()
    with pytest.raises(ZadigAPIError) as info:
        client.list_registries()
    elapsed = time.monotonic() - start
    assert elapsed < 2.5, 'timeout 1 held the task %.1f s' % elapsed
    assert 'did not arrive in full within 1 seconds' in str(info.value)


def test_a_read_trickling_in_once_is_read_again(sim_server):
    sim, server = sim_server
    for number in range(10):
        sim.seed('https://r%d.example.com' % number, namespace='team')
    sim.add_fault('trickle', method='GET', path=OPENAPI, keep=50, delay=0.25, count=1)
    client = ZadigClient(server.url, TOKEN, timeout=1, retries=3, backoff=0.01)
    start = time.monotonic()
    assert len(client.list_registries()) == 10
    assert time.monotonic() - start < 2.5
    assert [entry[0] for entry in sim.log] == ['GET', 'GET']


def test_a_write_whose_answer_trickles_past_the_deadline_is_read_back_never_resent(sim_server):
    sim, server = sim_server
    sim.add_fault('trickle', method='POST', path=OPENAPI, keep=2, delay=0.5, count=99)  # ~5 s for the answer
    client = ZadigClient(server.url, TOKEN, timeout=1, retries=3, backoff=0.01)
    start = time.monotonic()
    with pytest.raises(TaskError) as info:
        ensure_registry(client, dict(TASK))
    elapsed = time.monotonic() - start
    assert elapsed < 3, 'timeout 1 held the task %.1f s' % elapsed
    assert info.value.result['changed'] is True and 'Nothing was sent again' in str(info.value)
    assert [entry[0] for entry in sim.log] == ['GET', 'POST', 'GET']
    assert len(sim.registries) == 1


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


# ---- proxies --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('variable, value, rule', [
    ('HTTPS_PROXY', 'http://user:pw-secret-91@proxy.example.com:99999', 'port'),
    ('https_proxy', 'http://proxy.example.com:31a8', 'port'),
    ('ALL_PROXY', 'ftp://proxy.example.com:21', 'scheme'),
    ('HTTPS_PROXY', 'http://:3128', 'no host'),
])
def test_a_malformed_proxy_is_named_before_any_request(monkeypatch, variable, value, rule):
    session = script(monkeypatch, [])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN, environ={variable: value})
    assert session.sent == []
    message = str(info.value)
    assert variable in message and rule in message and 'zadig_url' not in message
    assert 'pw-secret-91' not in message


@pytest.mark.skipif(importlib.util.find_spec('socks') is not None, reason='PySocks is installed here')
def test_a_socks_proxy_without_pysocks_says_what_is_missing(monkeypatch):
    script(monkeypatch, [])
    with pytest.raises(ZadigAPIError, match='HTTPS_PROXY.*PySocks'):
        ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'socks5://proxy.example.com:1080'})


def test_a_proxy_refusing_authentication_is_named_and_not_retried(monkeypatch):
    refused = requests.exceptions.ProxyError(MaxRetryError(None, '/openapi/system/registry', reason=ProxyError(
        'Unable to connect to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required'))))
    session = script(monkeypatch, [Call('GET', OPENAPI, exc=refused)])
    client = ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'http://alice:pw-secret-92@proxy.example.com:3128'})
    with pytest.raises(ZadigAPIError) as info:
        client.list_registries()
    session.assert_done()
    message = str(info.value)
    assert 'refused authentication' in message and 'HTTPS_PROXY' in message and 'proxy.example.com:3128' in message
    assert 'pw-secret-92' not in message and 'alice' not in message and info.value.status == 407


def test_an_unreachable_proxy_is_named_and_read_again(monkeypatch):
    dead = requests.exceptions.ProxyError(MaxRetryError(None, '/openapi/system/registry', reason=ProxyError(
        'Unable to connect to proxy', NewConnectionError(
            None, 'Failed to establish a new connection: [Errno 111] Connection refused'))))
    session = script(monkeypatch, [Call('GET', OPENAPI, exc=dead)] * 4)
    client = ZadigClient(URL, TOKEN, environ={'https_proxy': 'proxy.example.com:3128'})
    with pytest.raises(ZadigAPIError) as info:
        client.list_registries()
    session.assert_done()
    assert 'through the proxy http://proxy.example.com:3128 (from https_proxy)' in str(info.value)
    assert not info.value.delivered


def test_a_407_answer_names_the_proxy_variable(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, 407, text='Proxy Authentication Required')],
                     base_url='http://zadig.example.com')
    client = ZadigClient('http://zadig.example.com', TOKEN, environ={'HTTP_PROXY': 'http://proxy.example.com:8080'})
    with pytest.raises(ZadigAPIError) as info:
        client.list_registries()
    session.assert_done()
    assert 'HTTP 407' in str(info.value) and 'HTTP_PROXY' in str(info.value)


def test_no_proxy_for_zadig_skips_a_malformed_one(monkeypatch):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'http://proxy:99999', 'NO_PROXY': 'zadig.example.com'}
                ).list_registries()
    assert session.sent[0]['proxies'] == {}


@pytest.fixture
def refusing_proxy():
    """A proxy on loopback that answers every request, CONNECT included, with 407."""
    import socketserver
    import threading

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                pass
            self.server.seen += 1
            self.wfile.write(b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"'
                             b'\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')

    server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), Handler)
    server.seen = 0
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_real_proxy_answering_407_to_connect_is_named_once(refusing_proxy):
    proxy = 'http://bob:pw-secret-93@127.0.0.1:%d' % refusing_proxy.server_address[1]
    client = ZadigClient('https://zadig.example.com', TOKEN, environ={'HTTPS_PROXY': proxy}, backoff=0.01)
    with pytest.raises(ZadigAPIError) as info:
        client.list_registries()
    message = str(info.value)
    assert 'refused authentication' in message and 'HTTPS_PROXY' in message, message
    assert 'pw-secret-93' not in message
    assert refusing_proxy.seen == 1, 'a proxy refusing authentication was asked again'
