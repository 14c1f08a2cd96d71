# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials, TLS and projects through Zadig's internal encrypted read.

The encrypted list cannot be scripted (the client wraps a fresh random key), so
these run the module against the simulator in-process and pin the exact
requests from its log instead.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils import _crypto
from ansible_collections.zadig.core.plugins.modules import zadig_registry, zadig_registry_info
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

pytest.importorskip('cryptography')

ADMIN = 'details-admin'
USER = 'details-user'
KEY_ROUTE = 'GET /api/aslan/system/rsaKey/publicKey'
FULL_LIST = 'GET /api/aslan/system/registry/namespaces'
FULL_PUT = 'PUT /api/aslan/system/registry/namespaces/:id'
LIST = 'GET /openapi/system/registry'
TASK = {'address': 'https://harbor.example.com', 'namespace': 'platform', 'provider': 'harbor'}
SECRETS = ('AK-old-1', 'SK-old-2', 'AK-new-3', 'SK-new-4')


@pytest.fixture
def sim(monkeypatch):
    simulator = Simulator(admin_tokens=[ADMIN], user_tokens=[USER])
    use_simulator(monkeypatch, simulator)
    return simulator


def seed(sim, **kwargs):
    fields = dict(address='https://harbor.example.com', namespace='platform', provider='harbor',
                  access_key='AK-old-1', secret_key='SK-old-2', enable_tls=True, tls_cert='-----BEGIN CERT A',
                  projects=['p1', 'p2'])
    fields.update(kwargs)
    return sim.seed(**fields)


def run(monkeypatch, sim, args, module=zadig_registry, check_mode=False, token=ADMIN):
    capture_exit(monkeypatch)
    sim.log = []
    full = dict(zadig_url='http://zadig.test', zadig_token=token, _ansible_check_mode=check_mode, _ansible_diff=True)
    full.update(args)
    with module_args(full), pytest.raises(ModuleExit) as info:
        module.main()
    text = json.dumps(info.value.result)
    assert not any(secret in text for secret in SECRETS)
    return info.value.result, info.value.failed, [entry[2] for entry in sim.log]


def stored(sim):
    return sim.registries[0]


@pytest.mark.parametrize('field, value', [('access_key', 'AK-new-3'), ('secret_key', 'SK-new-4')])
def test_rotating_a_secret_changes_once_then_not(monkeypatch, sim, field, value):
    seed(sim)
    args = dict(TASK, access_key='AK-old-1', secret_key='SK-old-2')
    args[field] = value
    predicted, _failed, log = run(monkeypatch, sim, args, check_mode=True)
    assert log == [KEY_ROUTE, FULL_LIST]
    result, failed, log = run(monkeypatch, sim, args)
    assert not failed and result['changed'] is True
    assert log == [KEY_ROUTE, FULL_LIST, FULL_PUT, FULL_LIST]
    assert stored(sim)[field] == value
    other = 'secret_key' if field == 'access_key' else 'access_key'
    assert result['secrets'] == {field: 'changed', other: 'unchanged'}
    assert result['diff']['after'][field] == '******** (changed)' and result['diff']['before'][field] == '********'
    assert result['diff'] == predicted['diff'] and result['secrets'] == predicted['secrets']
    assert stored(sim)['projects'] == ['p1', 'p2'] and stored(sim)['advanced_setting']['tls_cert'] == '-----BEGIN CERT A'
    again, _failed, log = run(monkeypatch, sim, args)
    assert again['changed'] is False and log == [KEY_ROUTE, FULL_LIST]
    assert again['secrets'] == {field: 'unchanged', other: 'unchanged'}


def test_the_same_secrets_are_unchanged_with_no_write(monkeypatch, sim):
    seed(sim)
    result, failed, log = run(monkeypatch, sim, dict(TASK, access_key='AK-old-1', secret_key='SK-old-2'))
    assert not failed and result['changed'] is False and log == [KEY_ROUTE, FULL_LIST]
    assert result['diff']['before'] == result['diff']['after']


@pytest.mark.parametrize('args, settings', [
    ({'enable_tls': False}, {'enable_tls': False, 'tls_cert': '-----BEGIN CERT A'}),
    ({'enable_tls': True, 'tls_cert': '-----BEGIN CERT B'}, {'enable_tls': True, 'tls_cert': '-----BEGIN CERT B'}),
])
def test_tls_off_and_certificate_change(monkeypatch, sim, args, settings):
    seed(sim)
    result, failed, log = run(monkeypatch, sim, dict(TASK, **args))
    assert not failed and result['changed'] and log[2] == FULL_PUT
    assert {k: stored(sim)['advanced_setting'][k] for k in settings} == settings
    assert (stored(sim)['access_key'], stored(sim)['secret_key'], stored(sim)['projects']) == \
        ('AK-old-1', 'SK-old-2', ['p1', 'p2'])
    assert result['diff']['after']['enable_tls'] == settings['enable_tls']
    assert run(monkeypatch, sim, dict(TASK, **args))[0]['changed'] is False


def test_tls_on_for_a_registry_without_tls(monkeypatch, sim):
    seed(sim, enable_tls=False, tls_cert='')
    result, _failed, _log = run(monkeypatch, sim, dict(TASK, enable_tls=True, tls_cert='-----BEGIN CERT C'))
    assert result['changed'] and stored(sim)['advanced_setting']['enable_tls'] is True


def test_projects_are_set_then_preserved_by_other_updates(monkeypatch, sim):
    seed(sim, projects=None)
    result, _failed, log = run(monkeypatch, sim, dict(TASK, projects=['<all_projects>']))
    assert result['changed'] and log == [KEY_ROUTE, FULL_LIST, FULL_PUT, FULL_LIST]
    assert stored(sim)['projects'] == ['<all_projects>']
    result, _failed, log = run(monkeypatch, sim, dict(TASK, provider='native'))
    assert result['changed'] and log == [LIST, 'PUT /openapi/system/registry/:id', LIST]
    assert stored(sim)['projects'] == ['<all_projects>'] and stored(sim)['secret_key'] == 'SK-old-2'


def test_projects_compare_as_a_set(monkeypatch, sim):
    seed(sim)
    assert run(monkeypatch, sim, dict(TASK, projects=['p2', 'p1', 'p1']))[0]['changed'] is False


def test_a_registry_made_in_the_ui_keeps_its_projects_and_credentials_through_an_swr_update(monkeypatch, sim):
    seed(sim, provider='swr', region='cn-north-4', projects=['team-a'])
    result, failed, log = run(monkeypatch, sim, dict(TASK, provider='swr', region='cn-north-4', is_default=True))
    assert not failed and result['changed'] and 'warnings' not in result
    assert log == [LIST, KEY_ROUTE, FULL_LIST, FULL_PUT, FULL_LIST]
    assert (stored(sim)['access_key'], stored(sim)['secret_key'], stored(sim)['projects']) == \
        ('AK-old-1', 'SK-old-2', ['team-a'])


def test_on_create_never_reads_or_touches_existing_credentials(monkeypatch, sim):
    seed(sim)
    args = dict(TASK, access_key='AK-new-3', secret_key='SK-new-4', update_secrets='on_create')
    result, failed, log = run(monkeypatch, sim, args)
    assert not failed and result['changed'] is False and log == [LIST] and 'secrets' not in result
    assert stored(sim)['secret_key'] == 'SK-old-2'


def test_on_create_sets_credentials_at_creation(monkeypatch, sim):
    args = dict(TASK, access_key='AK-new-3', secret_key='SK-new-4', update_secrets='on_create')
    result, _failed, log = run(monkeypatch, sim, args)
    assert result['changed'] and log == [LIST, 'POST /openapi/system/registry', LIST]
    assert (stored(sim)['access_key'], stored(sim)['secret_key']) == ('AK-new-3', 'SK-new-4')


def test_create_with_projects_posts_then_sets_them(monkeypatch, sim):
    args = dict(TASK, secret_key='SK-new-4', projects=['team-a'])
    predicted, _failed, _log = run(monkeypatch, sim, args, check_mode=True)
    result, failed, log = run(monkeypatch, sim, args)
    assert not failed and log == [KEY_ROUTE, FULL_LIST, 'POST /openapi/system/registry', FULL_LIST, FULL_PUT,
                                  FULL_LIST]
    assert stored(sim)['projects'] == ['team-a'] and stored(sim)['secret_key'] == 'SK-new-4'
    assert result['diff'] == predicted['diff'] and result['secrets'] == {'secret_key': 'changed'}
    assert run(monkeypatch, sim, args)[0]['changed'] is False


def test_a_non_admin_token_fails_clearly(monkeypatch, sim):
    seed(sim)
    result, failed, _log = run(monkeypatch, sim, dict(TASK, secret_key='SK-old-2'), token=USER)
    assert failed and 'HTTP 403' in result['msg'] and 'update_secrets: on_create' in result['msg']


def test_missing_cryptography_is_a_clear_failure(monkeypatch, sim):
    seed(sim)
    monkeypatch.setattr(_crypto, '_CRYPTOGRAPHY', {'error': 'ImportError: No module named cryptography'})
    result, failed, log = run(monkeypatch, sim, dict(TASK, secret_key='SK-old-2'))
    assert failed and 'cryptography' in result['msg'] and log == []


def test_info_details_adds_tls_and_projects_never_secrets(monkeypatch, sim):
    seed(sim)
    result, failed, log = run(monkeypatch, sim, {'details': True}, module=zadig_registry_info)
    assert not failed and log == [KEY_ROUTE, FULL_LIST]
    registry = result['registries'][0]
    assert (registry['enable_tls'], registry['tls_cert'], registry['projects']) == \
        (True, '-----BEGIN CERT A', ['p1', 'p2'])
    assert 'access_key' not in registry and 'secret_key' not in registry
    plain, _failed, log = run(monkeypatch, sim, {}, module=zadig_registry_info)
    assert log == [LIST] and 'projects' not in plain['registries'][0]
