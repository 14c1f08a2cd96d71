# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests: a simulator served on loopback in this process, over HTTP or over HTTPS
with a certificate from a CA made for the test."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
from ansible_collections.zadig.core.tests.unit.https_simulator import TOKEN, _certificate
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER


def _serve(mode):
    server = SimulatorServer(Simulator(mode=mode, admin_tokens=[ADMIN], user_tokens=[USER])).start()
    server.sim_admin = ADMIN
    return server


@pytest.fixture(params=['v4.1', 'main'])
def server(request):
    """The simulator in each default-registry mode."""
    srv = _serve(request.param)
    yield srv
    srv.stop()


@pytest.fixture
def server_v41():
    srv = _serve('v4.1')
    yield srv
    srv.stop()


@pytest.fixture
def server_main():
    srv = _serve('main')
    yield srv
    srv.stop()


@pytest.fixture
def sim_server(request):
    """A simulator on loopback whose admin token is the test module's TOKEN, and its server."""
    sim = Simulator(admin_tokens=[request.module.TOKEN])
    server = SimulatorServer(sim).start()
    yield sim, server
    server.stop()


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
