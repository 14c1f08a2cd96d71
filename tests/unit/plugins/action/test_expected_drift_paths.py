# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""expected_drift on both paths, the module's main() and the controller's process: the same comparison, the same
failure, no write."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit import two_paths
from ansible_collections.zadig.core.tests.unit.plugins.module_utils.test_manage_list import ID_A, ID_B
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER


LISTED = [{'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor', 'is_default': True},
          {'address': 'https://other.example.com', 'namespace': 'team', 'provider': 'harbor'},
          {'address': 'https://new.example.com', 'namespace': 'ns', 'provider': 'native'}]


@pytest.mark.parametrize('check_mode', [True, False], ids=['check mode', 'real run'])
@pytest.mark.parametrize('reviewed, fails', [
    ({'create': [{'address': 'https://new.example.com', 'namespace': 'ns'}],
      'update': [{'registry_id': None, 'fields': ['provider']}], 'delete': []}, False),
    ({'create': [], 'update': [], 'delete': []}, True),
    ({'create': [{'address': 'https://new.example.com', 'namespace': 'ns'}], 'update': [], 'delete': []}, True),
], ids=['the reviewed drift', 'in sync reviewed', 'an update not reviewed'])
def test_both_paths_compare_alike(monkeypatch, check_mode, reviewed, fails):
    def seeded():
        sim = Simulator(admin_tokens=[ADMIN], user_tokens=[USER])
        sim.seed(address='https://harbor.example.com', namespace='platform', provider='harbor', is_default=True,
                 registry_id=ID_A)
        sim.seed(address='https://other.example.com', namespace='team', provider='native', registry_id=ID_B)
        return sim
    monkeypatch.setattr(two_paths, 'seeded', seeded)
    reviewed = copy.deepcopy(reviewed)
    for entry_ in reviewed['update']:
        entry_['registry_id'] = ID_B
    result, requests = two_paths.same_on_both_paths(monkeypatch, 'registries', dict(
        two_paths.CONNECTION, registries=LISTED, expected_drift=reviewed), check_mode)
    assert bool(result.get('failed')) is fails
    if fails:
        assert result['msg'].startswith('the drift is not the reviewed one (expected_drift): ')
        assert result['expected_drift'] == reviewed and not any(r.startswith(('POST', 'PUT', 'DELETE'))
                                                                for r in requests)
    else:
        assert result['changed'] is True
