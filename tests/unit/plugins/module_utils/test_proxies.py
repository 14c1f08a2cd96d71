# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The proxy a request to Zadig goes through: taken from the task's environment, NO_PROXY honoured, a malformed one
named before any request, and a proxy's failure naming the proxy and its variable, never its password, and not
retried when it cannot succeed."""

from __future__ import annotations

import importlib.util

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProxyError

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script

URL = 'https://zadig.example.com'
TOKEN = 'tok-network-7c1d'


# ---- a proxy that is malformed, unreachable or refuses -----------------------------------------------------------

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


# ---- NO_PROXY, from the task's environment only -------------------------------------------------------------------

@pytest.mark.parametrize('no_proxy', ['zadig.example.com', '.example.com', 'example.com', '*'])
def test_no_proxy_of_the_environment_given_is_honoured(monkeypatch, no_proxy):
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'http://p:3128', 'NO_PROXY': no_proxy}).list_registries()
    assert session.sent[0]['proxies'] == {}


def test_the_process_no_proxy_does_not_leak_into_another_environment(monkeypatch):
    monkeypatch.setenv('NO_PROXY', '*')
    session = script(monkeypatch, [Call('GET', OPENAPI, answer=[])])
    ZadigClient(URL, TOKEN, environ={'HTTPS_PROXY': 'http://p:3128'}).list_registries()
    assert session.sent[0]['proxies'] == {'https': 'http://p:3128'}
