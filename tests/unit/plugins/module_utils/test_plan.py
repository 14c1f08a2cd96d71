# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one plan: what a task does to the server, decided from the registries read and the list, with no HTTP."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.plugins.module_utils._plan import plan, plan_all
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, validate
from ansible_collections.zadig.core.tests.unit.scripted_lists import ID_A, ID_B, ID_C, reg


def registry(rid, address, namespace='', is_default=False, provider='native'):
    return {'registry_id': rid, 'address': address, 'provider': provider, 'region': '', 'namespace': namespace,
            'is_default': is_default}


def test_plan_refuses_to_guess_between_duplicates():
    server = [registry('a' * 24, 'https://r.example.com', 'ns'), registry('b' * 24, 'https://r.example.com/', 'ns')]
    with pytest.raises(ConflictError, match='2 registries match .* aaaa.*, bbbb.*; set registry_id'):
        plan(server, validate({'address': 'https://r.example.com', 'namespace': 'ns', 'provider': 'native'}))


def test_plan_is_pure_and_does_not_touch_its_input():
    server = [registry('a' * 24, 'https://r.example.com', 'ns', is_default=True)]
    snapshot = [dict(r) for r in server]
    result = plan(server, validate({'address': 'https://r.example.com', 'namespace': 'ns', 'provider': 'harbor'}))
    assert result.action == 'update' and server == snapshot


def test_update_body_carries_every_field_so_nothing_is_cleared():
    server = [registry('a' * 24, 'https://r.example.com', 'ns', is_default=True)]
    server[0]['region'] = 'kept'
    result = plan(server, validate({'registry_id': 'a' * 24, 'namespace': 'new'}))
    assert result.body == {'address': 'https://r.example.com', 'provider': 'native', 'region': 'kept',
                           'namespace': 'new', 'is_default': True}


def test_plan_all_predicts_the_default_handover_of_a_delete():
    server = [reg(ID_A, 'a', is_default=True), reg(ID_B, 'b'), reg(ID_C, 'c')]
    planned = plan_all(server, [validate({'registry_id': ID_A, 'state': 'absent'})])
    plans, predicted = planned.plans, planned.predicted
    assert plans[0].action == 'delete'
    assert [(r['registry_id'], r['is_default']) for r in predicted] == [(ID_B, True), (ID_C, False)]
