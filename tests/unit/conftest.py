# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests: a simulator served on loopback in this process."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator, SimulatorServer
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
