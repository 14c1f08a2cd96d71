# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-process simulated Zadig with an administrator's and a plain user's token, for the hostile tests of the
list task, the drift report, the export and the errors."""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator

ADMIN = 'adversary-drift-admin-4c1e'
USER = 'adversary-drift-user-9b2d'
URL = 'https://zadig.example.com'
SECRET = 'SK-adversary-drift-77e1'
WRITES = ('POST', 'PUT', 'DELETE')


def simulated(monkeypatch, version='v4.2'):
    """A licensed simulator of ``version`` that every client made from now on talks to."""
    sim = Simulator(version=version, admin_tokens=[ADMIN], user_tokens=[USER], licensed=True)
    use_simulator(monkeypatch, sim)
    return sim


def client_of(token=ADMIN):
    return ZadigClient(URL, token, backoff=0)


def writes(sim):
    return [entry for entry in sim.log if entry[0] in WRITES]


def native(host, namespace='ns', **kwargs):
    return dict(address='https://%s.example.com' % host, namespace=namespace, provider='native', **kwargs)
