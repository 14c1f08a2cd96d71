# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS: the simulator over HTTPS with a certificate from a private CA, reached through the module itself."""

from __future__ import annotations

import datetime
import ipaddress

import pytest

from ansible_collections.zadig.core.plugins.modules import zadig_registry_info
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

x509 = pytest.importorskip('cryptography.x509')
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402  pylint: disable=wrong-import-position

TOKEN = 'tls-admin-token'


def _name(common_name):
    return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, key, signing_key, is_ca):
    """A certificate with the extensions a real CA sets (Python 3.13 verifies X.509 strictly by default)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()),
                              critical=False)
               .add_extension(x509.KeyUsage(digital_signature=not is_ca, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=is_ca, crl_sign=is_ca, encipher_only=False,
                                            decipher_only=False), critical=True))
    if not is_ca:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                                        critical=False)
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture(scope='module')
def https_server(tmp_path_factory):
    """The simulator over HTTPS, its certificate signed by a CA made for this test; yields (server, CA path)."""
    folder = tmp_path_factory.mktemp('tls')
    ca_key = ec.generate_private_key(ec.SECP256R1())
    server_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate('zadig.core test CA', 'zadig.core test CA', ca_key, ca_key, True)
    server_cert = _certificate('localhost', 'zadig.core test CA', server_key, ca_key, False)
    (folder / 'ca.pem').write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / 'server.pem').write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    (folder / 'server.key').write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    sim = Simulator(admin_tokens=[TOKEN])
    sim.seed('https://harbor.example.com', provider='harbor', namespace='platform')
    server = SimulatorServer(sim, certfile=str(folder / 'server.pem'), keyfile=str(folder / 'server.key')).start()
    yield server, str(folder / 'ca.pem')
    server.stop()


def info(monkeypatch, server, **options):
    capture_exit(monkeypatch)
    args = dict(zadig_url=server.url, zadig_token=TOKEN, timeout=5)
    args.update(options)
    with module_args(args), pytest.raises(ModuleExit) as result:
        zadig_registry_info.main()
    return result.value


def test_validate_certs_refuses_a_certificate_from_an_unknown_ca(monkeypatch, https_server):
    server, _ca = https_server
    outcome = info(monkeypatch, server)
    assert outcome.failed
    assert 'TLS verification of %s failed' % server.url in outcome.result['msg']
    assert 'ca_path' in outcome.result['msg'] and 'CERTIFICATE_VERIFY_FAILED' in outcome.result['msg']


def test_ca_path_makes_it_trusted(monkeypatch, https_server):
    server, ca_path = https_server
    outcome = info(monkeypatch, server, ca_path=ca_path)
    assert not outcome.failed and outcome.result['registries'][0]['namespace'] == 'platform'


def test_ca_path_from_the_environment(monkeypatch, https_server):
    server, ca_path = https_server
    monkeypatch.setenv('ZADIG_CA_PATH', ca_path)
    assert not info(monkeypatch, server).failed


def test_validate_certs_false_skips_verification(monkeypatch, https_server):
    server, _ca = https_server
    outcome = info(monkeypatch, server, validate_certs=False)
    assert not outcome.failed and len(outcome.result['registries']) == 1
