# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on the drift report (docs/user-guide.md, section 5): least privilege and fail_on_drift,
each against the simulator in-process.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries
from ansible_collections.zadig.core.tests.unit.simulated_zadig import SECRET, USER, client_of, native, simulated, writes


# ---- promise 1: drift, least privilege -----------------------------------------------------------------------------

@pytest.mark.parametrize('provider, region', [('swr', 'cn-north-4'), ('ecr', 'us-east-1')])
def test_a_check_run_with_a_non_admin_token_over_an_swr_or_ecr_update_warns_instead_of_failing(
        monkeypatch, provider, region):
    """DEFECT (promise 1, least privilege): an update of an swr/ecr registry makes prepare() re-read through the
    admin-only internal list outside the partial-read fallback, so an auditor's check run fails with HTTP 403
    instead of comparing the OpenAPI fields."""
    sim = simulated(monkeypatch)
    sim.seed('https://main.example.com', namespace='ns', is_default=True)
    sim.seed('https://cloud.example.com', provider=provider, namespace='ns', region=region)
    entries = [dict(address='https://cloud.example.com', namespace='ns', provider=provider, region=region,
                    is_default=True)]
    result = ensure_registries(client_of(USER), entries, check_mode=True)
    assert [u['fields'] for u in result['drift']['update']] == [['is_default']]
    assert result['warnings']
    assert writes(sim) == []


def test_fail_on_drift_with_a_non_admin_token_over_an_swr_update_fails_on_the_drift_not_on_403(monkeypatch):
    """DEFECT (promise 1): the same auditor's fail_on_drift job fails with the internal list's 403, not with the
    one-line drift summary, and its result carries no drift."""
    sim = simulated(monkeypatch)
    sim.seed('https://main.example.com', namespace='ns', is_default=True)
    sim.seed('https://cloud.example.com', provider='swr', namespace='ns', region='cn-north-4')
    entries = [dict(address='https://cloud.example.com', namespace='ns', provider='swr', region='cn-north-4',
                    is_default=True)]
    with pytest.raises(TaskError) as caught:
        ensure_registries(client_of(USER), entries, fail_on_drift=True)
    assert str(caught.value).startswith('drift found: 0 to create, 1 to update, 0 to delete')
    assert caught.value.result['drift']['update'][0]['fields'] == ['is_default']


def test_a_non_admin_check_run_names_the_credentials_it_could_not_compare(monkeypatch):
    """Promise 1 held: an auditor's check run comparing a secret lists it under not_compared and warns."""
    sim = simulated(monkeypatch)
    sim.seed('https://a.example.com', namespace='ns', is_default=True, secret_key='stored')
    result = ensure_registries(client_of(USER), [native('a', secret_key=SECRET, is_default=False)], check_mode=True)
    assert result['drift']['not_compared'] == ['secret_key']
    assert [u['fields'] for u in result['drift']['update']] == [['is_default']]
    assert any('not compared' in w or 'were compared' in w for w in result['warnings'])
    assert SECRET not in json.dumps(result)
    assert writes(sim) == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_fail_on_drift_is_one_line_writes_nothing_and_ignores_unmanaged(monkeypatch, check_mode):
    """Promise 1 held: one line, no write, drift in the failure; an unmanaged registry alone is no drift."""
    sim = simulated(monkeypatch)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://stray.example.com\nX', namespace='by\nhand')
    in_sync = ensure_registries(client_of(), [native('a', is_default=True)], check_mode=check_mode,
                                fail_on_drift=True)
    assert in_sync['drift']['in_sync'] and len(in_sync['drift']['unmanaged']) == 1
    before = sim.snapshot()
    with pytest.raises(TaskError) as caught:
        ensure_registries(client_of(), [native('a', is_default=True, secret_key=SECRET), native('new')],
                          check_mode=check_mode, fail_on_drift=True)
    message = str(caught.value)
    assert '\n' not in message and SECRET not in message and SECRET not in json.dumps(caught.value.result)
    assert message.startswith('drift found: 1 to create, 1 to update, 0 to delete')
    assert caught.value.result['drift']['update'][0]['fields'] == ['secret_key']
    assert writes(sim) == [] and sim.snapshot() == before
