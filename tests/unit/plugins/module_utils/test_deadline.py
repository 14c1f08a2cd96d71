# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``timeout`` bounds the whole request, whatever holds it: the status line and headers trickling in, a body that
trickles, a proxy that takes a CONNECT and never answers, a TLS handshake that stalls.

A write whose deadline passes is read back, never sent again blindly. Each test pins the requests it expects.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer

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


# ---- a body that trickles ------------------------------------------------------------------------------------------

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
