# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``timeout`` bounds the whole request, whatever holds it: the status line and headers trickling in, a proxy that
takes a CONNECT and never answers, a TLS handshake that stalls; and the rest of the class, found by searching it.

A write whose deadline passes is read back, never sent again blindly. Each test pins the requests it expects.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, PUBLIC_KEY, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script

URL = 'https://zadig.example.com'
TOKEN = 'tok-deadline-5e2a'
TASK = {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'}


def methods(sim):
    return [entry[0] for entry in sim.log]


# ---- headers that trickle -----------------------------------------------------------------------------------------

def test_a_read_whose_headers_trickle_ends_at_the_deadline(sim_server):
    sim, server = sim_server
    sim.seed('https://r.example.com', namespace='team')
    sim.add_fault('trickle_headers', method='GET', path=OPENAPI, keep=4, delay=0.3, count=99)  # ~12 s of headers
    client = ZadigClient(server.url, TOKEN, timeout=1, retries=0)
    start = time.monotonic()
    with pytest.raises(ZadigAPIError) as info:
        client.list_registries()
    elapsed = time.monotonic() - start
    assert elapsed < 2, 'timeout 1 held the task %.1f s' % elapsed
    assert 'within 1 seconds' in str(info.value) and TOKEN not in str(info.value)
    assert methods(sim) == ['GET']


def test_a_read_whose_headers_trickle_is_retried_each_within_the_deadline(sim_server):
    sim, server = sim_server
    sim.add_fault('trickle_headers', method='GET', path=OPENAPI, keep=4, delay=0.3, count=99)
    client = ZadigClient(server.url, TOKEN, timeout=1, retries=3, backoff=0.01)
    start = time.monotonic()
    with pytest.raises(ZadigAPIError):
        client.list_registries()
    elapsed = time.monotonic() - start
    assert elapsed < 6, 'four reads with timeout 1 held the task %.1f s' % elapsed
    assert methods(sim) == ['GET'] * 4


def test_a_write_whose_headers_trickle_is_read_back_never_resent(sim_server):
    sim, server = sim_server
    sim.add_fault('trickle_headers', method='POST', path=OPENAPI, keep=4, delay=0.3, count=99)
    client = ZadigClient(server.url, TOKEN, timeout=1, retries=3, backoff=0.01)
    start = time.monotonic()
    with pytest.raises(TaskError) as info:
        ensure_registry(client, dict(TASK))
    elapsed = time.monotonic() - start
    assert elapsed < 3, 'timeout 1 held the task %.1f s' % elapsed
    assert info.value.result['changed'] is True and 'Nothing was sent again' in str(info.value)
    assert methods(sim) == ['GET', 'POST', 'GET']
    assert len(sim.registries) == 1


# ---- TLS, proxies and slow links: the same deadline on every kind of connection -------------------------------------

class _Relay(socketserver.ThreadingTCPServer):
    """A TCP relay on loopback to ``target``, ``downstream`` (bytes, seconds) trickling what comes back.

    As a proxy (``connect`` given, or ``after_connect`` other than 'pipe') it first reads the CONNECT and answers
    ``connect`` (None: nothing), ``connect_trickle`` (bytes, seconds) at a time; then it relays ('pipe'), holds the
    connection open saying nothing ('hold') or closes it ('close'). ``seen`` counts the connections.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target=None, connect=None, downstream=None, after_connect='pipe', connect_trickle=None):
        self.target = target
        self.connect = connect
        self.connect_trickle = connect_trickle
        self.downstream = downstream
        self.after_connect = after_connect
        self.seen = 0
        self.stop = threading.Event()
        super().__init__(('127.0.0.1', 0), _RelayHandler)
        threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.02}, daemon=True).start()

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def close(self):
        self.stop.set()
        self.shutdown()
        self.server_close()


class _RelayHandler(socketserver.BaseRequestHandler):
    def handle(self):
        relay = self.server
        client = self.request
        if relay.connect is not None or relay.after_connect != 'pipe':
            head = b''
            while b'\r\n\r\n' not in head:
                data = client.recv(4096)
                if not data:
                    return
                head += data
            relay.seen += 1
            if relay.after_connect == 'close':
                return
            if relay.connect is None:
                relay.stop.wait(120)
                return
            self._send(client, relay.connect, relay.connect_trickle)
            if relay.after_connect == 'hold':
                relay.stop.wait(120)
                return
        else:
            relay.seen += 1
        upstream = socket.create_connection(relay.target)
        threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
        self._pipe(upstream, client, relay.downstream)
        upstream.close()

    def _send(self, sock, data, trickle=None):
        size, delay = trickle or (len(data) or 1, 0)
        for start in range(0, len(data), size):
            sock.sendall(data[start:start + size])
            if delay and self.server.stop.wait(delay):
                return

    def _pipe(self, source, sink, trickle):
        try:
            while not self.server.stop.is_set():
                data = source.recv(65536)
                if not data:
                    break
                self._send(sink, data, trickle)
        except OSError:
            pass
        finally:
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass


@pytest.fixture(scope='module')
def tls_files(tmp_path_factory):
    """A self-signed certificate for localhost (the client runs with validate_certs false)."""
    x509 = pytest.importorskip('cryptography.x509')
    import datetime
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, 'localhost')])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp('deadline-tls')
    (folder / 'cert.pem').write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / 'key.pem').write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return str(folder / 'cert.pem'), str(folder / 'key.pem')


@pytest.fixture
def tls_sim(tls_files):
    sim = Simulator(admin_tokens=[TOKEN])
    server = SimulatorServer(sim, certfile=tls_files[0], keyfile=tls_files[1]).start()
    yield sim, server
    server.stop()


def test_over_tls_a_read_whose_headers_trickle_ends_at_the_deadline(tls_sim):
    sim, server = tls_sim
    sim.add_fault('trickle_headers', method='GET', path=OPENAPI, keep=4, delay=0.3, count=99)
    client = ZadigClient(server.url, TOKEN, validate_certs=False, timeout=1, retries=0)
    start = time.monotonic()
    with pytest.raises(ZadigAPIError, match='within 1 seconds'):
        client.list_registries()
    assert time.monotonic() - start < 2
    assert methods(sim) == ['GET']


def test_over_tls_a_handshake_trickling_in_ends_at_the_deadline(tls_sim):
    sim, server = tls_sim
    relay = _Relay(target=server.server_address[:2], downstream=(8, 0.3))  # a saturated link: the handshake ~30 s
    try:
        client = ZadigClient('https://localhost:%d' % relay.server_address[1], TOKEN, validate_certs=False,
                             timeout=1, retries=0)
        start = time.monotonic()
        with pytest.raises(ZadigAPIError) as info:
            client.list_registries()
        elapsed = time.monotonic() - start
    finally:
        relay.close()
    assert elapsed < 2, 'timeout 1 held the task %.1f s' % elapsed
    assert 'within 1 seconds' in str(info.value) and 'TLS verification' not in str(info.value)
    assert relay.seen == 1


def test_through_a_connect_proxy_a_write_whose_headers_trickle_is_read_back_never_resent(tls_sim):
    sim, server = tls_sim
    proxy = _Relay(target=server.server_address[:2], connect=b'HTTP/1.1 200 Connection established\r\n\r\n')
    sim.add_fault('trickle_headers', method='POST', path=OPENAPI, keep=4, delay=0.5, count=99)  # ~20 s of headers
    try:
        client = ZadigClient('https://localhost:%d' % server.server_address[1], TOKEN, validate_certs=False,
                             timeout=2, backoff=0.01, environ={'HTTPS_PROXY': proxy.url})
        start = time.monotonic()
        with pytest.raises(TaskError) as info:
            ensure_registry(client, dict(TASK))
        elapsed = time.monotonic() - start
    finally:
        proxy.close()
    assert elapsed < 5, 'timeout 2 held the task %.1f s' % elapsed
    assert info.value.result['changed'] is True and 'Nothing was sent again' in str(info.value)
    assert methods(sim) == ['GET', 'POST', 'GET'] and len(sim.registries) == 1


def test_a_proxy_trickling_its_answer_to_connect_ends_at_the_deadline():
    proxy = _Relay(connect=b'HTTP/1.1 200 Connection established\r\nX-Pad: %s\r\n\r\n' % (b'x' * 400),
                   connect_trickle=(4, 0.3), after_connect='hold')  # ~30 s for the answer to CONNECT
    try:
        client = ZadigClient('https://zadig.example.com', TOKEN, timeout=1, retries=0,
                             environ={'HTTPS_PROXY': proxy.url})
        start = time.monotonic()
        with pytest.raises(ZadigAPIError) as info:
            client.list_registries()
        elapsed = time.monotonic() - start
    finally:
        proxy.close()
    assert elapsed < 2, 'timeout 1 held the task %.1f s' % elapsed
    assert 'proxy %s (from HTTPS_PROXY)' % proxy.url in str(info.value) and not info.value.delivered
    assert proxy.seen == 1


def test_a_proxy_that_takes_connect_and_never_answers_is_named_each_read_within_the_deadline():
    proxy = _Relay(connect=None, after_connect='hold')
    try:
        client = ZadigClient('https://zadig.example.com', TOKEN, timeout=1, backoff=0.01,
                             environ={'https_proxy': proxy.url})
        start = time.monotonic()
        with pytest.raises(ZadigAPIError) as info:
            client.list_registries()
        elapsed = time.monotonic() - start
    finally:
        proxy.close()
    assert elapsed < 6, 'four reads with timeout 1 held the task %.1f s' % elapsed
    assert 'proxy %s (from https_proxy)' % proxy.url in str(info.value) and not info.value.delivered
    assert proxy.seen == 4


def test_a_proxy_that_closes_after_connect_is_named():
    proxy = _Relay(after_connect='close')
    try:
        client = ZadigClient('https://zadig.example.com', TOKEN, timeout=1, backoff=0.01,
                             environ={'HTTPS_PROXY': proxy.url})
        with pytest.raises(ZadigAPIError) as info:
            client.list_registries()
    finally:
        proxy.close()
    assert 'proxy %s (from HTTPS_PROXY)' % proxy.url in str(info.value) and not info.value.delivered
    assert proxy.seen == 4


def test_a_server_silent_in_the_tls_handshake_is_not_a_certificate_problem():
    silent = _Relay(after_connect='hold')  # takes the connection, never answers the TLS hello
    try:
        client = ZadigClient('https://127.0.0.1:%d' % silent.server_address[1], TOKEN, timeout=1, retries=0)
        start = time.monotonic()
        with pytest.raises(ZadigAPIError) as info:
            client.create_registry({'address': 'https://r.example.com'})
        elapsed = time.monotonic() - start
    finally:
        silent.close()
    assert elapsed < 2, 'timeout 1 held the task %.1f s' % elapsed
    assert 'within 1 seconds' in str(info.value) and 'ca_path' not in str(info.value)
    assert not info.value.delivered and info.value.safe_to_resend


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
