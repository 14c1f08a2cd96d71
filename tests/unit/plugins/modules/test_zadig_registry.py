# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""zadig_registry: the exact HTTP exchange of each path, so the number of requests is pinned; and the module under
races, a move onto another registry's key, and odd stored records."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.modules import zadig_registry
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_registry import HARBOR, ID_A, ID_B, ID_NEW, OK, OTHER, REFUSED, TASK, no_references_route, reg, unused
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

URL = 'https://zadig.example.com'
TOKEN = 'tok-SECRET-7f3a9b'


def run(monkeypatch, args, calls, check_mode=False, diff=True):
    """Run the module in-process against scripted HTTP; return (result, failed, session)."""
    session = script(monkeypatch, calls)
    capture_exit(monkeypatch)
    full = dict(zadig_url=URL, zadig_token=TOKEN, _ansible_check_mode=check_mode, _ansible_diff=diff)
    full.update(args)
    with module_args(full), pytest.raises(ModuleExit) as info:
        zadig_registry.main()
    session.assert_done()
    text = json.dumps(info.value.result)
    assert TOKEN not in text
    for key in ('access_key', 'secret_key'):
        if args.get(key):
            assert args[key] not in text
    return info.value.result, info.value.failed, session


def writes(session):
    return [s for s in session.sent if 'method' in s and s['method'] != 'GET']


# ---- present ------------------------------------------------------------------------------------------------------

def test_unchanged_makes_exactly_one_request(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[OTHER, HARBOR])])
    assert not failed and result['changed'] is False
    assert result['registry'] == HARBOR
    assert result['diff'] == {'before': {k: v for k, v in HARBOR.items() if k != 'registry_id'},
                              'after': {k: v for k, v in HARBOR.items() if k != 'registry_id'}}
    assert len(session.sent) == 1


def test_unchanged_despite_case_trailing_slash_and_spaces(monkeypatch):
    stored = reg(ID_A, address='HTTPS://Harbor.Example.com/', namespace=' platform ')
    args = dict(TASK, address='https://harbor.EXAMPLE.com', namespace='platform  ')
    result = run(monkeypatch, args, [Call('GET', OPENAPI, answer=[stored])])[0]
    assert result['changed'] is False
    assert result['registry']['address'] == 'HTTPS://Harbor.Example.com/'


def test_create_is_list_post_relist_and_returns_the_new_id(monkeypatch):
    created = reg(ID_NEW, is_default=False)
    body = {'address': 'https://harbor.example.com', 'provider': 'harbor', 'namespace': 'platform', 'region': '',
            'is_default': False, 'access_key': 'robot', 'secret_key': 'pa55-word', 'enable_tls': True}
    result, failed, session = run(monkeypatch, dict(TASK, address='https://Harbor.example.com/', access_key='robot',
                                                    secret_key='pa55-word', enable_tls=True,
                                                    update_secrets='on_create'), [
        Call('GET', OPENAPI, answer=[OTHER]),
        Call('POST', OPENAPI, answer=OK, body=body),
        Call('GET', OPENAPI, answer=[OTHER, created]),
    ])
    assert not failed and result['changed'] is True
    assert result['registry'] == created
    assert result['diff']['before'] == {}
    assert result['diff']['after'] == {k: v for k, v in created.items() if k != 'registry_id'}
    assert len(session.sent) == 3


def test_update_sends_every_field_and_reads_back(monkeypatch):
    stored = reg(ID_A, is_default=True, region='keep-me')
    updated = dict(stored, provider='native')
    result, failed, session = run(monkeypatch, dict(TASK, provider='native'), [
        Call('GET', OPENAPI, answer=[stored]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK, body={
            'address': 'https://harbor.example.com', 'provider': 'native', 'region': 'keep-me',
            'namespace': 'platform', 'is_default': True}),
        Call('GET', OPENAPI, answer=[updated]),
    ])
    assert not failed and result['changed'] is True
    assert result['registry'] == updated
    assert (result['diff']['before']['provider'], result['diff']['after']['provider']) == ('harbor', 'native')
    assert len(session.sent) == 3


def test_update_keeps_the_stored_address_verbatim_when_only_another_field_changes(monkeypatch):
    stored = reg(ID_A, address='HTTPS://Harbor.Example.com/', is_default=False)
    run(monkeypatch, dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[stored]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK, body=dict(
            address='HTTPS://Harbor.Example.com/', provider='harbor', region='', namespace='platform',
            is_default=True)),
        Call('GET', OPENAPI, answer=[dict(stored, is_default=True)]),
    ])


def test_update_by_registry_id_changes_the_address(monkeypatch):
    moved = dict(HARBOR, address='https://harbor2.example.com')
    result, _failed, _session = run(monkeypatch, {'registry_id': ID_A, 'address': 'https://HARBOR2.example.com'}, [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK, body={k: v for k, v in moved.items() if k != 'registry_id'}),
        Call('GET', OPENAPI, answer=[moved, OTHER]),
    ])
    assert result['changed'] and result['registry'] == moved


def test_omitted_is_default_keeps_the_flag(monkeypatch):
    result, _failed, session = run(monkeypatch, dict(TASK, namespace='platform'), [Call('GET', OPENAPI, answer=[HARBOR])])
    assert result['changed'] is False and result['registry']['is_default'] is True


def test_setting_the_default_moves_it_and_names_the_previous_default(monkeypatch):
    old_default = dict(OTHER, is_default=True)
    target = reg(ID_A, is_default=False)
    result, _failed, _session = run(monkeypatch, dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[old_default, target]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, dict(target, is_default=True)]),
    ])
    assert result['changed'] and result['registry']['is_default'] is True
    assert result['previous_default'] == {'registry_id': ID_B, 'address': OTHER['address'], 'namespace': 'team'}


def test_creating_a_default_names_the_previous_default(monkeypatch):
    old_default = dict(OTHER, is_default=True)
    result, _failed, _session = run(monkeypatch, dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[old_default]),
        Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_NEW, is_default=True)]),
    ])
    assert result['previous_default']['registry_id'] == ID_B


def test_unsetting_the_default_warns_that_none_is_left(monkeypatch):
    result, failed, _session = run(monkeypatch, dict(TASK, is_default=False), [
        Call('GET', OPENAPI, answer=[HARBOR]), Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[dict(HARBOR, is_default=False)])])
    assert not failed and result['changed']
    assert any('no default' in w for w in result['warnings'])


def test_server_refusing_to_unset_the_default_fails_with_advice(monkeypatch):
    result, failed, _session = run(monkeypatch, dict(TASK, is_default=False), [
        Call('GET', OPENAPI, answer=[HARBOR]), Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[HARBOR])])
    assert failed and result['changed'] is True
    assert 'make another registry the default' in result['msg']
    assert 'registry https://harbor.example.com namespace platform' in result['msg']


def test_server_forcing_a_new_registry_to_default_warns_when_is_default_omitted(monkeypatch):
    result, failed, _session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[reg(ID_NEW, is_default=True)])])
    assert not failed and result['registry']['is_default'] is True
    assert any('default registry because no registry was default' in w for w in result['warnings'])


def test_server_ignoring_a_field_fails_and_says_which(monkeypatch):
    result, failed, _session = run(monkeypatch, dict(TASK, provider='native'), [
        Call('GET', OPENAPI, answer=[HARBOR]), Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[HARBOR])])
    assert failed and "provider is 'harbor' on the server, not 'native'" in result['msg']


@pytest.mark.parametrize('provider, region', [('swr', 'cn-north-4'), ('ecr', 'eu-west-1')])
def test_update_of_swr_or_ecr_with_on_create_warns_about_credential_reencoding(monkeypatch, provider, region):
    stored = reg(ID_A, provider=provider, region=region, namespace='ns' if provider == 'swr' else '')
    args = {'registry_id': ID_A, 'is_default': True, 'provider': provider, 'region': region,
            'update_secrets': 'on_create'}
    result, _failed, _session = run(monkeypatch, args, [
        Call('GET', OPENAPI, answer=[stored]), Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[dict(stored, is_default=True)])])
    assert any('re-saves its stored credentials' in w and ID_A in w for w in result['warnings'])


def test_region_cannot_be_cleared_so_an_omitted_region_is_no_change(monkeypatch):
    stored = reg(ID_A, region='old-region')
    result, _failed, _session = run(monkeypatch, TASK, [Call('GET', OPENAPI, answer=[stored])])
    assert result['changed'] is False


def test_several_matches_fail_listing_the_ids_with_no_write(monkeypatch):
    dup = dict(HARBOR, registry_id=ID_B, is_default=False)
    result, failed, session = run(monkeypatch, TASK, [Call('GET', OPENAPI, answer=[HARBOR, dup])])
    assert failed and ID_A in result['msg'] and ID_B in result['msg'] and 'registry_id' in result['msg']
    assert writes(session) == []


def test_unknown_registry_id_fails_with_no_write(monkeypatch):
    result, failed = run(monkeypatch, {'registry_id': ID_NEW, 'namespace': 'x'},
                         [Call('GET', OPENAPI, answer=[HARBOR])])[:2]
    assert failed and 'registry_id %s does not exist' % ID_NEW in result['msg']


def test_provider_is_required_to_create(monkeypatch):
    result, failed = run(monkeypatch, {'address': 'https://new.example.com', 'namespace': 'x'},
                         [Call('GET', OPENAPI, answer=[])])[:2]
    assert failed and result['msg'] == 'provider is required to create registry https://new.example.com namespace x'


# ---- absent -------------------------------------------------------------------------------------------------------

def test_absent_deletes_through_the_internal_route_and_reads_back(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, state='absent'), [
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_A)]),
        unused(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER]),
    ])
    assert not failed and result['changed'] is True and result['registry'] == {}
    assert result['diff']['after'] == {} and result['diff']['before']['address'] == 'https://harbor.example.com'
    assert len(session.sent) == 4


def test_absent_already_is_one_request_and_unchanged(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, state='absent'), [Call('GET', OPENAPI, answer=[OTHER])])
    assert not failed and result['changed'] is False and result['registry'] == {}
    assert result['diff'] == {'before': {}, 'after': {}}
    assert len(session.sent) == 1


@pytest.mark.parametrize('check_mode', [True, False])
def test_absent_without_namespace_says_the_address_is_there_under_a_namespace(monkeypatch, check_mode):
    """An omitted namespace means the empty one: deleting nothing is right, but a silent no-op hides the typo."""
    result, failed, session = run(monkeypatch, {'address': 'https://Harbor.example.com/', 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[reg(ID_A), reg(ID_B, namespace='team')])], check_mode=check_mode)
    assert not failed and result['changed'] is False and result['registry'] == {}
    assert len(session.sent) == 1
    assert [w for w in result['warnings'] if 'empty namespace' in w] == [
        "nothing to delete: no registry https://harbor.example.com has an empty namespace, which an omitted namespace "
        "means; registries with that address have the namespace 'platform', 'team' (give namespace to delete one)"]


@pytest.mark.parametrize('args', [
    {'address': 'https://harbor.example.com', 'state': 'absent', 'namespace': 'gone'},
    {'address': 'https://elsewhere.example.com', 'state': 'absent'},
])
def test_absent_of_nothing_names_no_namespace_when_none_was_omitted_or_none_matches(monkeypatch, args):
    result, failed, _session = run(monkeypatch, args, [Call('GET', OPENAPI, answer=[reg(ID_A)])])
    assert not failed and result['changed'] is False
    assert not any('namespace' in w for w in result.get('warnings', []))


def test_absent_of_the_default_warns_who_inherits_it(monkeypatch):
    result, _failed, _session = run(monkeypatch, {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER]), no_references_route(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, answer=OK), Call('GET', OPENAPI, answer=[dict(OTHER, is_default=True)])])
    assert any(ID_B in w and 'default' in w for w in result['warnings'])


def test_absent_in_use_by_an_environment_fails_clearly_on_v41(monkeypatch):
    result, failed, _session = run(monkeypatch, {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR]),
        no_references_route(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, 500, answer={
            'code': 500, 'description': "The registry cannot be deleted, it's being used by environment",
            'message': 'Internal Error: '}),
        Call('GET', OPENAPI, answer=[HARBOR]),
    ])
    assert failed and result['changed'] is False
    assert "it's being used by environment" in result['msg'] and 'HTTP 500' in result['msg']
    assert result['msg'].startswith('cannot delete registry https://harbor.example.com')
    assert result['status'] == 500


@pytest.mark.parametrize('check_mode', [True, False])
def test_absent_in_use_fails_before_any_write_naming_who_uses_it_from_v42(monkeypatch, check_mode):
    references = {'references': [
        {'project_name': 'shop', 'project_alias': 'Web shop', 'envs': [{'name': 'dev', 'alias': ''},
                                                                       {'name': 'prod', 'alias': 'Prod'}]},
        {'project_name': 'ops', 'project_alias': '', 'envs': [{'name': 'ci', 'alias': ''}]}]}
    result, failed, session = run(monkeypatch, {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER]),
        Call('GET', '%s/%s/references' % (INTERNAL, ID_A), answer=references),
    ], check_mode=check_mode)
    assert failed and result['changed'] is False and writes(session) == []
    assert result['msg'] == (
        'cannot delete registry https://harbor.example.com namespace platform (%s): it is used by project shop '
        '(Web shop): environments dev, prod; project ops: environment ci, and Zadig refuses to delete a registry '
        'that an environment uses; point those environments at another registry first' % ID_A)


def test_nothing_to_delete_asks_nobody(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, state='absent'), [Call('GET', OPENAPI, answer=[OTHER])])
    assert not failed and len(session.sent) == 1


# ---- check mode ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, server', [
    (TASK, [OTHER]),
    (dict(TASK, provider='native'), [HARBOR]),
    (dict(TASK, is_default=True), [dict(OTHER, is_default=True), reg(ID_A)]),
    (dict(TASK, state='absent'), [HARBOR, OTHER]),
    (dict(TASK, state='absent'), [OTHER]),
    (dict(TASK, is_default=True), [HARBOR]),
])
def test_check_mode_reports_what_the_real_run_reports_with_zero_writes(monkeypatch, args, server):
    asks = [unused(ID_A)] if args.get('state') == 'absent' and any(
        r['registry_id'] == ID_A for r in server) else []
    predicted, failed, session = run(monkeypatch, args, [Call('GET', OPENAPI, answer=server)] + asks,
                                     check_mode=True)
    assert not failed and len(session.sent) == 1 + len(asks)
    if not predicted['changed']:
        return
    after = predicted['registry']
    after_server = [r for r in server if r['registry_id'] != (after.get('registry_id') or ID_NEW)]
    if after:
        after_server = [dict(r, is_default=False) if after['is_default'] else r for r in after_server]
        after_server.append(dict(after, registry_id=after.get('registry_id') or ID_NEW))
    elif args.get('state') == 'absent':
        after_server = [r for r in server if r['address'] != TASK['address']]
    write = Call('POST', OPENAPI, answer=OK) if after and not after.get('registry_id') else (
        Call('DELETE', INTERNAL + '/' + ID_A, answer=OK) if not after else
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK))
    real, failed = run(monkeypatch, args, [Call('GET', OPENAPI, answer=server)] + asks + [
        write, Call('GET', OPENAPI, answer=after_server)])[:2]
    assert not failed
    assert real['changed'] == predicted['changed']
    assert real['diff'] == predicted['diff']
    assert dict(real['registry'], registry_id=None) == dict(predicted['registry'], registry_id=None)
    assert real.get('previous_default') == predicted.get('previous_default')


# ---- writes that fail: commit-then-500 and friends ------------------------------------------------------------------

def test_create_that_commits_then_answers_500_fails_reporting_the_registry_without_retrying(monkeypatch):
    created = reg(ID_NEW, is_default=False)
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[OTHER]),
        Call('POST', OPENAPI, 500, answer={'code': 500, 'description': 'failed to sync dind', 'message': 'x'}),
        Call('GET', OPENAPI, answer=[OTHER, created]),
    ])
    assert failed and result['changed'] is True
    assert result['registry'] == created
    assert 'Zadig saved the create of registry https://harbor.example.com namespace platform' in result['msg']
    assert 'HTTP 500: failed to sync dind' in result['msg'] and 'not create a duplicate' in result['msg']
    assert len(writes(session)) == 1


def test_rerun_after_commit_then_500_is_unchanged(monkeypatch):
    result, failed, session = run(monkeypatch, TASK, [Call('GET', OPENAPI, answer=[OTHER, reg(ID_NEW)])])
    assert not failed and not result['changed'] and len(session.sent) == 1


@pytest.mark.parametrize('failure', [dict(status=503), dict(exc=REFUSED)])
def test_create_refused_or_never_delivered_is_resent_once_after_a_relist(monkeypatch, failure):
    created = reg(ID_NEW, is_default=False)
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, **failure),
        Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[created]),
    ])
    assert not failed and result['registry'] == created and len(writes(session)) == 2


@pytest.mark.parametrize('failure', [
    dict(status=502), dict(status=504), dict(exc=requests.exceptions.ReadTimeout('read timed out')),
    dict(exc=requests.exceptions.ConnectionError('Connection aborted: remote end closed connection'))])
def test_create_that_may_still_land_is_never_resent(monkeypatch, failure):
    """A timeout or a dropped answer can be followed by a late commit: resending could duplicate."""
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, **failure), Call('GET', OPENAPI, answer=[])])
    assert failed and result['changed'] is False and len(writes(session)) == 1
    assert 'Zadig may still apply it, so check Zadig before rerunning' in result['msg']


def test_create_that_fails_twice_gives_up_with_status_and_no_change(monkeypatch):
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, 503), Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, 503), Call('GET', OPENAPI, answer=[])])
    assert failed and result['changed'] is False and 'HTTP 503' in result['msg']
    assert 'the server shows no change' in result['msg']


def test_create_refused_with_a_500_validation_error_is_not_retried(monkeypatch):
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, 500, answer={'code': 500, 'description': 'namespace cannot be empty',
                                           'message': 'Internal Error: '}),
        Call('GET', OPENAPI, answer=[])])
    assert failed and 'HTTP 500: namespace cannot be empty' in result['msg'] and len(writes(session)) == 1


def test_update_refused_with_400_is_not_relisted(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, provider='native'), [
        Call('GET', OPENAPI, answer=[HARBOR]),
        Call('PUT', OPENAPI + '/' + ID_A, 400, answer={'code': 7050, 'description': '', 'extra': {},
                                                       'message': '用户许可证不可用，请检查许可证后重试', 'type': 'error'})])
    assert failed and result['changed'] is False and 'code 7050' in result['msg'] and result['status'] == 400


def test_update_that_commits_then_drops_the_connection_reports_the_new_state(monkeypatch):
    updated = dict(HARBOR, provider='native')
    result, failed, _session = run(monkeypatch, dict(TASK, provider='native'), [
        Call('GET', OPENAPI, answer=[HARBOR]),
        Call('PUT', OPENAPI + '/' + ID_A, exc=requests.exceptions.ConnectionError('connection aborted')),
        Call('GET', OPENAPI, answer=[updated])])
    assert failed and result['changed'] is True and result['registry'] == updated


def test_delete_that_commits_then_answers_500(monkeypatch):
    result, failed, _session = run(monkeypatch, {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR]), unused(ID_A), Call('DELETE', INTERNAL + '/' + ID_A, 500),
        Call('GET', OPENAPI, answer=[])])
    assert failed and result['changed'] is True and result['registry'] == {}


def test_list_failure_names_the_registry(monkeypatch):
    result, failed, _session = run(monkeypatch, TASK, [Call('GET', OPENAPI, 401)])
    assert failed and result['status'] == 401
    assert result['msg'].startswith('could not read the registries to manage registry https://harbor.example.com')
    assert 'zadig_token' in result['msg']


# ---- bad input: refused before any request -----------------------------------------------------------------------

@pytest.mark.parametrize('args, message', [
    ({'address': 'harbor.example.com', 'namespace': 'x', 'provider': 'harbor'}, 'address must start with http://'),
    ({'address': 'harbor.example.com:5000', 'namespace': 'x'}, 'address must start with http://'),
    ({'address': 'ftp://harbor.example.com', 'namespace': 'x'}, 'address must start with http://'),
    ({'address': ' https://h.example.com', 'namespace': 'x'}, 'address must not start or end with whitespace'),
    ({'address': 'https://h.example.com/project', 'namespace': 'x'}, 'no path'),
    ({'address': 'https://', 'namespace': 'x'}, 'valid host'),
    ({'address': 'https://h.example.com', 'namespace': 'x', 'provider': 'nexus'}, 'use provider: native'),
    ({'address': 'https://h.example.com', 'namespace': 'x', 'provider': 'quay'}, 'provider must be one of'),
    ({'address': 'https://h.example.com', 'provider': 'ecr'}, 'region is required when provider is ecr'),
    ({'address': 'https://h.example.com', 'namespace': 'x', 'provider': 'swr'}, 'region is required'),
    ({'address': 'https://h.example.com', 'provider': 'harbor'}, 'namespace is required when provider is harbor'),
    ({'address': 'https://h.example.com', 'namespace': '  ', 'provider': 'native'}, 'namespace is required'),
    ({'address': 'https://h.example.com', 'namespace': 'x', 'tls_cert': 'PEM'}, 'tls_cert is only used with'),
    ({'registry_id': '../../etc'}, 'registry_id must be 24 lowercase hexadecimal'),
    ({'registry_id': ID_A.upper()}, 'registry_id must be 24 lowercase hexadecimal'),
    ({'namespace': 'x'}, 'one of the following is required: registry_id, address'),
    ({'address': 'https://h.example.com', 'namespace': 'x\ny'}, 'namespace must not contain control characters'),
])
def test_bad_input_is_refused_before_any_request(monkeypatch, args, message):
    result, failed, session = run(monkeypatch, args, [])
    assert failed and message in result['msg'], result['msg']
    assert session.sent == []


def test_secrets_never_appear_in_results_or_errors(monkeypatch):
    echo = 'bad value robot-AK and pa55-SK-secret'
    result, failed, _session = run(monkeypatch, dict(TASK, access_key='robot-AK', secret_key='pa55-SK-secret',
                                                     update_secrets='on_create'), [
        Call('GET', OPENAPI, answer=[]),
        Call('POST', OPENAPI, 500, answer={'code': 500, 'description': echo, 'message': 'Internal Error: '}),
        Call('GET', OPENAPI, answer=[])])
    assert failed and 'robot-AK' not in json.dumps(result) and 'pa55-SK-secret' not in json.dumps(result)


# ---- an edition without a Professional or Enterprise licence ------------------------------------------------------

LICENCE = {'code': 7050, 'description': '', 'extra': {}, 'message': '用户许可证不可用，请检查许可证后重试', 'type': 'error'}
ECR_TASK = {'address': 'https://123.dkr.ecr.eu-west-1.amazonaws.com', 'provider': 'ecr', 'region': 'eu-west-1'}


def ecr(rid, **kwargs):
    return reg(rid, address=ECR_TASK['address'], namespace='', provider='ecr', region='eu-west-1', **kwargs)


def test_an_update_the_licence_refuses_says_what_happened_and_what_to_do(monkeypatch):
    result, failed, dummy = run(monkeypatch, dict(ECR_TASK, is_default=True, update_secrets='on_create'), [
        Call('GET', OPENAPI, answer=[ecr(ID_A)]),
        Call('PUT', OPENAPI + '/' + ID_A, 400, answer=LICENCE)])
    assert failed and result['changed'] is False and result['status'] == 400
    msg = result['msg']
    assert ECR_TASK['address'] in msg and ID_A in msg
    assert 'Professional or Enterprise licence' in msg and 'exists and is unchanged' in msg
    assert 'update_secrets: on_create' in msg and 'no projects' in msg and 'code 7050' in msg


def test_projects_the_licence_refuses_after_a_create_name_the_registry_that_now_exists(monkeypatch):
    created = {'id': ID_NEW, 'reg_addr': ECR_TASK['address'], 'reg_provider': 'ecr', 'reg_type': '',
               'is_default': False, 'projects': [], 'region': 'eu-west-1', 'access_key': '',
               'secret_key': '', 'advanced_setting': {'modified': True, 'enable_tls': False, 'tls_cert': ''}}
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    calls = [Call('GET', '/api/aslan/system/rsaKey/publicKey', answer={'publicKey': pem}),
             Call('GET', INTERNAL, answer=[]), Call('POST', OPENAPI, answer=OK),
             Call('GET', INTERNAL, answer=[created]),
             Call('PUT', INTERNAL + '/' + ID_NEW, 400, answer=LICENCE)]
    result, failed, dummy = run(monkeypatch, dict(ECR_TASK, projects=['shop'], update_secrets='on_create'), calls)
    assert failed and result['changed'] is True and result['registry']['registry_id'] == ID_NEW
    msg = result['msg']
    assert 'now exists without projects' in msg and ID_NEW in msg and 'Every rerun' in msg
    assert 'remove projects' in msg and 'update_secrets: on_create' in msg and 'licence' in msg


ID_RIVAL = '65a1b2c3d4e5f60718293afe'


# ---- two jobs create the same registry at the same moment --------------------------------------------------------

def test_a_rival_create_seen_in_the_read_back_fails_naming_both_ids(monkeypatch):
    ours, rival = reg(ID_NEW), reg(ID_RIVAL)
    result, failed, session = run(monkeypatch, TASK, [
        Call('GET', OPENAPI, answer=[OTHER]),
        Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, rival, ours]),
    ])
    assert failed and result['changed'] is True
    assert ID_NEW in result['msg'] and ID_RIVAL in result['msg'] and 'same moment' in result['msg']
    assert result['registry'] == {}
    assert sorted(d['registry_id'] for d in result['duplicates']) == [ID_RIVAL, ID_NEW]
    assert len(writes(session)) == 1


def test_a_rival_create_in_check_mode_is_not_a_concern(monkeypatch):
    result, failed, dummy = run(monkeypatch, TASK, [Call('GET', OPENAPI, answer=[OTHER])], check_mode=True)
    assert not failed and result['changed'] is True


def test_two_real_jobs_racing_on_the_simulator_never_both_report_success(server):
    """Two clients create the same registry between each other's read and read-back; at least one must fail."""
    from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registry

    task = dict(TASK, state='present', update_secrets='on_create')
    first, second = ZadigClient(server.url, server.sim_admin), ZadigClient(server.url, server.sim_admin)
    original = first.create_registry

    def create_and_let_the_rival_in(body):
        answer = original(body)
        second.create_registry(body)
        return answer

    first.create_registry = create_and_let_the_rival_in
    with pytest.raises(TaskError) as info:
        ensure_registry(first, task)
    assert info.value.result['changed'] is True and len(info.value.result['duplicates']) == 2


# ---- a registry_id update onto another registry's key ------------------------------------------------------------

@pytest.mark.parametrize('move', [
    {'address': 'https://other.example.com', 'namespace': 'team'},
    {'address': 'HTTPS://Other.Example.com/', 'namespace': ' team '},
])
def test_moving_a_registry_onto_another_ones_key_is_refused_before_any_write(monkeypatch, move):
    result, failed, session = run(monkeypatch, dict(move, registry_id=ID_A), [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER])])
    assert failed and result['changed'] is False
    assert ID_B in result['msg'] and 'two registries with one key' in result['msg']
    assert writes(session) == []


def test_moving_onto_a_free_key_or_keeping_the_key_is_fine(monkeypatch):
    moved = reg(ID_A, address='https://new.example.com', is_default=True)
    result, failed, dummy = run(monkeypatch, {'registry_id': ID_A, 'address': 'https://new.example.com'}, [
        Call('GET', OPENAPI, answer=[HARBOR, OTHER]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[moved, OTHER]),
    ])
    assert not failed and result['registry'] == moved


# ---- odd stored records ------------------------------------------------------------------------------------------

def test_a_stored_provider_of_null_fails_at_the_read_and_sends_no_write(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, is_default=False), [
        Call('GET', OPENAPI, answer=[dict(HARBOR, provider=None)])])
    assert failed and 'has provider null' in result['msg'] and OPENAPI in result['msg']
    assert writes(session) == []


def test_is_default_as_a_string_is_never_read_as_true(monkeypatch):
    result, failed, session = run(monkeypatch, dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[dict(HARBOR, is_default='false')])])
    assert failed and 'is_default a string' in result['msg'] and writes(session) == []
