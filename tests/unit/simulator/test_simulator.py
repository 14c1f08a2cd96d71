# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator against Zadig's behaviour, points 1-14 below, and the routes and quirks the collection relies on.

These tests speak raw HTTP with requests, not through the collection's client,
so that they check the simulator against Zadig's behaviour and nothing else.
"""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.zadig.core.tests.simulator.zadig_simulator import (
    OPENAPI, INTERNAL, go_parse_request_uri, Simulator, SimulatorServer)
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER

JSON = 'application/json; charset=utf-8'
OK = {'message': 'success'}


def call(server, method, path, token=ADMIN, body=None, data=None, headers=None, scheme='Bearer'):
    hdrs = {} if token is None else {'Authorization': '%s %s' % (scheme, token)}
    hdrs.update(headers or {})
    if body is not None:
        data = json.dumps(body)
        hdrs['Content-Type'] = 'application/json'
    return requests.request(method, server.url + path, data=data, headers=hdrs, allow_redirects=False, timeout=5)


def create(server, **fields):
    body = dict(address='https://reg.example.com', provider='native', namespace='team')
    body.update(fields)
    return call(server, 'POST', OPENAPI, body=body)


def listing(server, token=ADMIN):
    response = call(server, 'GET', OPENAPI, token=token)
    assert response.status_code == 200
    return response.json()


def error_500(description):
    return {'code': 500, 'description': description, 'message': 'Internal Error: '}


def bad_request(description):
    return {'code': 400, 'description': description, 'extra': {}, 'message': 'Bad Request', 'type': 'error'}


# ---- 1. the gateway's 401 rules ----------------------------------------------------------------

@pytest.mark.parametrize('headers', [
    {},
    {'Authorization': ADMIN},
    {'Authorization': 'Bearer  %s' % ADMIN},
    {'Authorization': 'Bearer %s extra' % ADMIN},
    {'Authorization': 'Bearer not-a-known-token'},
    {'Authorization': ''},
])
def test_gateway_refuses_missing_malformed_or_unknown_tokens_with_empty_401(server, headers):
    for method, path in (('GET', OPENAPI), ('POST', OPENAPI), ('DELETE', INTERNAL + '/namespaces/' + 'a' * 24)):
        response = call(server, method, path, token=None, headers=headers)
        assert response.status_code == 401
        assert response.content == b''


def test_gateway_ignores_the_scheme_word(server_v41):
    assert call(server_v41, 'GET', OPENAPI, scheme='X-API-KEY').status_code == 200


def test_gateway_query_token_takes_priority_over_header(server_v41):
    assert call(server_v41, 'GET', OPENAPI + '?token=' + ADMIN, token=None).status_code == 200
    assert call(server_v41, 'GET', OPENAPI + '?token=wrong', token=ADMIN).status_code == 401


# ---- 2. admin-only 403 with an empty body --------------------------------------------------------

def test_non_admin_may_list_but_not_create_get_update_or_delete(server):
    server.sim.seed('https://reg.example.com', namespace='team')
    rid = server.sim.registries[0]['id']
    assert call(server, 'GET', OPENAPI, token=USER).status_code == 200
    for method, path, body in (('POST', OPENAPI, {'address': 'https://x'}), ('GET', OPENAPI + '/' + rid, None),
                               ('PUT', OPENAPI + '/' + rid, {'address': 'https://x'}),
                               ('DELETE', INTERNAL + '/namespaces/' + rid, None),
                               ('GET', INTERNAL + '/namespaces/specific/' + rid, None)):
        response = call(server, method, path, token=USER, body=body)
        assert (response.status_code, response.content) == (403, b''), (method, path)
    assert len(server.sim.registries) == 1


def test_non_admin_403_comes_before_body_validation(server_v41):
    response = call(server_v41, 'POST', OPENAPI, token=USER, data='not json')
    assert response.status_code == 403


# ---- 3. create's 500-style validation, in order ------------------------------------------------------

@pytest.mark.parametrize('fields, description', [
    ({'address': ''}, 'address cannot be empty'),
    ({'address': '', 'provider': 'nexus', 'namespace': ''}, 'address cannot be empty'),
    ({'provider': 'nexus'}, 'unsupported registry provider'),
    ({'provider': 'Harbor'}, 'unsupported registry provider'),
    ({'provider': 'jfrog'}, 'unsupported registry provider'),
    ({'provider': 'acr-enterprise'}, 'unsupported registry provider'),
    ({'provider': ''}, 'unsupported registry provider'),
    ({'namespace': ''}, 'namespace cannot be empty'),
    ({'namespace': '', 'provider': 'harbor', 'address': 'bad'}, 'namespace cannot be empty'),
    ({'provider': 'ecr', 'namespace': ''}, 'region is a required field for ECR provider'),
    ({'address': 'reg.example.com'}, 'address needs to be a valid URL'),
    ({'address': '10.0.0.1:5000'}, 'address needs to be a valid URL'),
    ({'address': ' https://reg.example.com'}, 'address needs to be a valid URL'),
    ({'address': 'https://reg.example.com '}, 'address needs to be a valid URL'),
])
def test_create_validation_errors_are_http_500_with_exact_body(server, fields, description):
    response = create(server, **fields)
    assert response.status_code == 500
    assert response.headers['Content-Type'] == JSON
    assert response.content == json.dumps(error_500(description), separators=(',', ':')).encode()
    assert server.sim.registries == []


def test_create_accepts_what_go_parse_request_uri_accepts(server_v41):
    for address in ('HTTPS://Reg.Example.com', 'ftp://x', 'https://'):
        assert create(server_v41, address=address).status_code == 200, address
    assert len(server_v41.sim.registries) == 3


@pytest.mark.parametrize('address', ['/just/a/path', 'r.example.com:5000'])
def test_address_that_passes_validation_without_double_slash_commits_then_panics(server_v41, address):
    response = create(server_v41, address=address)
    assert (response.status_code, response.content) == (500, b'')
    assert [r['address'] for r in listing(server_v41)] == [address]


def test_create_accepts_tls_without_cert_and_returns_no_id(server_v41):
    response = create(server_v41, enable_tls=True)
    assert (response.status_code, response.json()) == (200, OK)
    assert server_v41.sim.registries[0]['advanced_setting'] == {'modified': True, 'enable_tls': True, 'tls_cert': ''}


def test_create_stores_credentials_and_leaves_projects_null(server_v41):
    create(server_v41, access_key='AK', secret_key='SK', region='cn-1')
    doc = server_v41.sim.registries[0]
    assert (doc['access_key'], doc['secret_key'], doc['region'], doc['projects'], doc['reg_type']) == \
        ('AK', 'SK', 'cn-1', None, '')
    assert doc['update_by'] == 'admin'


def test_ecr_create_needs_no_namespace_and_no_licence(server_v41):
    assert create(server_v41, provider='ecr', namespace='', region='us-east-1').status_code == 200


# ---- 4. bind errors: 400 with an empty body -------------------------------------------------------------

@pytest.mark.parametrize('data', ['', 'not json', '{"address": ', '[1]', '{"is_default": "true"}',
                                  '{"address": 5}', '{"enable_tls": 1}'])
def test_create_bind_errors_are_400_with_empty_body(server, data):
    response = call(server, 'POST', OPENAPI, data=data, headers={'Content-Type': 'application/json'})
    assert (response.status_code, response.content) == (400, b'')


def test_create_binds_keys_case_insensitively_and_ignores_unknown_keys(server_v41):
    body = {'ADDRESS': 'https://reg.example.com', 'Provider': 'harbor', 'namespace': 'ns', 'colour': 'blue'}
    assert call(server_v41, 'POST', OPENAPI, body=body).status_code == 200
    assert listing(server_v41)[0]['provider'] == 'harbor'


# ---- 5. PUT validation: 400 ErrInvalidParam ---------------------------------------------------------------

@pytest.mark.parametrize('fields, description', [
    ({'address': ''}, 'empty reg_addr'),
    ({'provider': ''}, 'empty reg_provider'),
    ({'namespace': ''}, 'empty namespace'),
])
def test_update_validation_is_400_err_invalid_param(server, fields, description):
    server.sim.seed('https://reg.example.com', namespace='team')
    rid = server.sim.registries[0]['id']
    body = dict(address='https://reg.example.com', provider='native', namespace='team')
    body.update(fields)
    response = call(server, 'PUT', OPENAPI + '/' + rid, body=body)
    assert response.status_code == 400
    assert response.json() == bad_request(description)
    assert list(response.json()) == sorted(response.json())


def test_update_absent_id_is_500_no_documents(server_v41):
    response = call(server_v41, 'PUT', OPENAPI + '/' + 'a' * 24, body={'address': 'https://x'})
    assert (response.status_code, response.json()) == (500, error_500('mongo: no documents in result'))


def test_update_bind_error_is_400_empty_and_after_the_lookup(server_v41):
    response = call(server_v41, 'PUT', OPENAPI + '/' + 'a' * 24, data='nope')
    assert response.status_code == 500
    server_v41.sim.seed('https://reg.example.com', namespace='team')
    response = call(server_v41, 'PUT', OPENAPI + '/' + server_v41.sim.registries[0]['id'], data='nope')
    assert (response.status_code, response.content) == (400, b'')


def test_update_accepts_what_create_refuses(server_v41):
    server_v41.sim.seed('https://reg.example.com', namespace='team')
    rid = server_v41.sim.registries[0]['id']
    response = call(server_v41, 'PUT', OPENAPI + '/' + rid,
                    body={'address': 'https://r2.example.com/', 'provider': 'nexus', 'namespace': 'x'})
    assert response.status_code == 200
    assert listing(server_v41)[0]['provider'] == 'nexus'


# ---- 6. licence: 7050 for ecr and the enterprise providers ------------------------------------------------

@pytest.mark.parametrize('provider', ['ecr', 'jfrog', 'acr-enterprise', 'tcr-enterprise'])
def test_update_of_licensed_provider_without_licence_is_7050(server_v41, provider):
    server_v41.sim.seed('https://reg.example.com', provider=provider, namespace='team', region='r')
    rid = server_v41.sim.registries[0]['id']
    response = call(server_v41, 'PUT', OPENAPI + '/' + rid,
                    body={'address': 'https://reg.example.com', 'provider': provider, 'namespace': 'team'})
    assert response.status_code == 400
    assert response.json() == {'code': 7050, 'description': '', 'extra': {},
                               'message': '用户许可证不可用，请检查许可证后重试', 'type': 'error'}
    assert '用户'.encode() in response.content


def test_update_of_ecr_with_licence_succeeds():
    server = SimulatorServer(Simulator(admin_tokens=[ADMIN], licensed=True)).start()
    try:
        server.sim.seed('https://1.dkr.ecr.aws', provider='ecr', region='us-east-1')
        rid = server.sim.registries[0]['id']
        response = call(server, 'PUT', OPENAPI + '/' + rid,
                        body={'address': 'https://1.dkr.ecr.aws', 'provider': 'ecr', 'namespace': ''})
        assert response.status_code == 200
    finally:
        server.stop()


# ---- 7 and 8. no uniqueness, verbatim storage -----------------------------------------------------------------

def test_the_same_create_twice_makes_two_registries(server):
    assert create(server).status_code == 200
    assert create(server).status_code == 200
    registries = listing(server)
    assert len(registries) == 2
    assert registries[0]['registry_id'] < registries[1]['registry_id']


def test_address_is_stored_verbatim_and_namespace_trimmed(server_v41):
    create(server_v41, address='HTTPS://Reg.Example.com/', namespace='  team  ')
    assert listing(server_v41) == [{'registry_id': server_v41.sim.registries[0]['id'],
                                    'address': 'HTTPS://Reg.Example.com/', 'provider': 'native', 'region': '',
                                    'namespace': 'team', 'is_default': False}]


def test_list_keys_come_in_the_documented_order(server_v41):
    create(server_v41)
    raw = call(server_v41, 'GET', OPENAPI).text
    assert raw.index('"registry_id"') < raw.index('"address"') < raw.index('"provider"') < \
        raw.index('"region"') < raw.index('"namespace"') < raw.index('"is_default"')
    assert call(server_v41, 'GET', OPENAPI).headers['Content-Type'] == JSON


def test_empty_list_is_an_empty_array(server_v41):
    assert call(server_v41, 'GET', OPENAPI).text == '[]'


# ---- 9 and 10. PUT's omitempty and the keys it ignores -------------------------------------------------

def test_update_keeps_region_when_empty_and_ecr_namespace_when_empty():
    server = SimulatorServer(Simulator(admin_tokens=[ADMIN], licensed=True)).start()
    try:
        server.sim.seed('https://h', provider='ecr', region='us-east-1', namespace='keep')
        rid = server.sim.registries[0]['id']
        call(server, 'PUT', OPENAPI + '/' + rid, body={'address': 'https://h', 'provider': 'ecr', 'region': ''})
        assert (server.sim.registries[0]['region'], server.sim.registries[0]['namespace']) == ('us-east-1', 'keep')
    finally:
        server.stop()


def test_update_silently_ignores_credentials_and_tls(server_v41):
    server_v41.sim.seed('https://reg.example.com', namespace='team', access_key='AK', secret_key='SK')
    rid = server_v41.sim.registries[0]['id']
    body = {'address': 'https://reg.example.com', 'provider': 'native', 'namespace': 'team',
            'access_key': 'NEW', 'secret_key': 'NEW', 'enable_tls': True, 'tls_cert': 'PEM'}
    response = call(server_v41, 'PUT', OPENAPI + '/' + rid, body=body)
    assert (response.status_code, response.json()) == (200, OK)
    doc = server_v41.sim.registries[0]
    assert (doc['access_key'], doc['secret_key'], doc['advanced_setting']['enable_tls']) == ('AK', 'SK', False)


def test_update_reencodes_swr_credentials(server_v41):
    server_v41.sim.seed('https://swr.example.com', provider='swr', namespace='team', region='cn-north-4',
                        access_key='AK', secret_key='SK')
    rid = server_v41.sim.registries[0]['id']
    call(server_v41, 'PUT', OPENAPI + '/' + rid,
         body={'address': 'https://swr.example.com', 'provider': 'swr', 'namespace': 'team'})
    doc = server_v41.sim.registries[0]
    assert doc['access_key'] == 'cn-north-4@AK'
    assert doc['secret_key'] not in ('SK', '') and len(doc['secret_key']) == 64


# ---- 11. the default registry, v4.1 and main rules -----------------------------------------------------------

def defaults(server):
    return [r['namespace'] for r in listing(server) if r['is_default']]


def test_create_default_moves_the_default(server):
    create(server, namespace='a', is_default=True)
    create(server, namespace='b', is_default=True)
    assert defaults(server) == ['b']


def test_create_non_default_with_no_default(server):
    create(server, namespace='a')
    expected = {'v4.1': [], 'main': ['a']}[server.sim.mode]
    assert defaults(server) == expected


def test_create_non_default_keeps_existing_default(server):
    create(server, namespace='a', is_default=True)
    create(server, namespace='b')
    assert defaults(server) == ['a']


def put(server, registry, **fields):
    body = {k: registry[k] for k in ('address', 'provider', 'namespace', 'region')}
    body.update(fields)
    return call(server, 'PUT', OPENAPI + '/' + registry['registry_id'], body=body)


def test_update_to_default_moves_it(server):
    create(server, namespace='a', is_default=True)
    create(server, namespace='b')
    assert put(server, listing(server)[1], is_default=True).status_code == 200
    assert defaults(server) == ['b']


def test_update_default_to_default_keeps_it(server):
    create(server, namespace='a', is_default=True)
    assert put(server, listing(server)[0], is_default=True).status_code == 200
    assert defaults(server) == ['a']


@pytest.mark.parametrize('omit', [True, False])
def test_update_unsetting_the_default(server, omit):
    create(server, namespace='a', is_default=True)
    fields = {} if omit else {'is_default': False}
    assert put(server, listing(server)[0], **fields).status_code == 200
    expected = {'v4.1': [], 'main': ['a']}[server.sim.mode]
    assert defaults(server) == expected


def test_delete_of_the_default_hands_it_to_the_first_remaining(server):
    create(server, namespace='a')
    create(server, namespace='b', is_default=True)
    create(server, namespace='c')
    rid = listing(server)[1]['registry_id']
    assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).json() == OK
    assert defaults(server) == ['a']


def test_delete_of_the_last_registry_leaves_none(server):
    create(server, namespace='a', is_default=True)
    call(server, 'DELETE', INTERNAL + '/namespaces/' + listing(server)[0]['registry_id'])
    assert listing(server) == []


# ---- 12. malformed ids ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('bad_id', ['nothex', 'A' * 23, 'z' * 24, '0' * 25])
def test_get_with_malformed_id_returns_the_first_registry(server, bad_id):
    assert call(server, 'GET', OPENAPI + '/' + bad_id).json() == error_500('mongo: no documents in result')
    create(server, namespace='first')
    create(server, namespace='second')
    response = call(server, 'GET', OPENAPI + '/' + bad_id)
    assert response.status_code == 200
    assert response.json()['namespace'] == 'first'
    assert response.json()['registry_id'] != bad_id


def test_get_by_valid_id(server_v41):
    create(server_v41)
    registry = listing(server_v41)[0]
    assert call(server_v41, 'GET', OPENAPI + '/' + registry['registry_id']).json() == registry
    assert call(server_v41, 'GET', OPENAPI + '/' + 'f' * 24).json() == error_500('mongo: no documents in result')


def test_put_with_malformed_id_fails_after_clearing_the_default(server):
    """Both rule sets unset the default here: v4.1 because is_default was sent, main because the default's id is
    not the malformed path id."""
    create(server, namespace='a', is_default=True)
    body = {'address': 'https://x.example.com', 'provider': 'native', 'namespace': 'x', 'is_default': True}
    response = call(server, 'PUT', OPENAPI + '/nothex', body=body)
    assert response.json() == error_500(
        'RegistryNamespace.Update error: the provided hex string is not a valid ObjectID')
    assert listing(server)[0]['address'] == 'https://reg.example.com'
    assert defaults(server) == []


# ---- 13. routing: 405 and 404 texts, the internal DELETE ------------------------------------------------------

@pytest.mark.parametrize('method, path', [
    ('DELETE', OPENAPI), ('DELETE', OPENAPI + '/' + 'a' * 24), ('POST', OPENAPI + '/' + 'a' * 24), ('PUT', OPENAPI),
])
def test_method_not_allowed_is_405_plain_text(server, method, path):
    response = call(server, method, path)
    assert response.status_code == 405
    assert response.headers['Content-Type'].startswith('text/plain')
    assert response.text == 'Method not allowed: %s %s' % (method, path)


def test_unknown_path_and_trailing_slashes(server_v41):
    response = call(server_v41, 'GET', '/openapi/system/registries')
    assert (response.status_code, response.text) == (404, 'Invalid path: /openapi/system/registries')
    response = call(server_v41, 'GET', OPENAPI + '/')
    assert (response.status_code, response.headers['Location']) == (301, OPENAPI)
    assert call(server_v41, 'PUT', OPENAPI + '/', body={}).status_code == 404


def test_internal_delete_is_idempotent_and_refuses_registries_in_use(server):
    create(server, namespace='a')
    rid = listing(server)[0]['registry_id']
    server.sim.envs_using.add(rid)
    response = call(server, 'DELETE', INTERNAL + '/namespaces/' + rid)
    assert response.json() == error_500("The registry cannot be deleted, it's being used by environment")
    server.sim.envs_using.clear()
    assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).json() == OK
    assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).json() == OK
    assert listing(server) == []
    response = call(server, 'DELETE', INTERNAL + '/namespaces/nothex')
    assert response.json() == error_500('the provided hex string is not a valid ObjectID')


def test_internal_specific_exposes_tls_but_never_credentials(server_v41):
    server_v41.sim.seed('https://reg.example.com', namespace='t', access_key='AK', secret_key='SK',
                        enable_tls=True, tls_cert='PEM')
    rid = server_v41.sim.registries[0]['id']
    body = call(server_v41, 'GET', INTERNAL + '/namespaces/specific/' + rid).json()
    assert body == {'id': rid, 'reg_addr': 'https://reg.example.com', 'is_default': False, 'namespace': 't',
                    'access_key': '', 'secret_key': '',
                    'advanced_setting': {'modified': True, 'enable_tls': True, 'tls_cert': 'PEM'}}


def test_internal_list_needs_an_encrypted_key(server_v41):
    assert call(server_v41, 'GET', INTERNAL + '/namespaces').json() == bad_request('')


# ---- 14. faults, the DinD panic, request counting ------------------------------------------------------------

def test_commit_then_500_saves_the_registry_and_answers_500(server):
    server.sim.add_fault('commit_then_500', method='POST')
    response = create(server)
    assert response.status_code == 500
    assert response.json()['message'] == 'Internal Error: '
    assert len(listing(server)) == 1
    assert create(server).status_code == 200


def test_commit_then_drop_saves_and_closes_the_connection(server_v41):
    server_v41.sim.add_fault('commit_then_drop', method='POST')
    with pytest.raises(requests.ConnectionError):
        create(server_v41)
    assert len(listing(server_v41)) == 1


def test_status_fault_applies_to_the_next_n_matching_requests_without_side_effects(server_v41):
    server_v41.sim.add_fault('status', method='GET', path=OPENAPI, count=2, status=503)
    assert call(server_v41, 'GET', OPENAPI).status_code == 503
    assert create(server_v41).status_code == 200
    assert call(server_v41, 'GET', OPENAPI).status_code == 503
    assert call(server_v41, 'GET', OPENAPI).status_code == 200


def test_drop_fault_closes_the_connection_before_anything_is_saved(server_v41):
    server_v41.sim.add_fault('drop', method='POST')
    with pytest.raises(requests.ConnectionError):
        create(server_v41)
    assert listing(server_v41) == []


def test_echo_fault_answers_500_repeating_the_request_body(server_v41):
    server_v41.sim.add_fault('echo_500', method='POST')
    response = create(server_v41, secret_key='s3cret')
    assert response.status_code == 500 and 's3cret' in response.json()['description']
    assert listing(server_v41) == []


def test_latency_fault_delays_the_answer(server_v41):
    server_v41.sim.add_fault('latency', method='GET', delay=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(server_v41.url + OPENAPI, headers={'Authorization': 'Bearer ' + ADMIN}, timeout=0.2)


def test_address_without_scheme_separator_panics_dind_after_commit(server):
    response = create(server, address='localhost:5000')
    assert (response.status_code, response.content) == (500, b'')
    assert len(server.sim.registries) == 1
    response = create(server, address='https://ok.example.com')
    assert response.status_code == 500
    assert len(server.sim.registries) == 2


def test_requests_are_counted_per_route(server_v41):
    create(server_v41)
    rid = listing(server_v41)[0]['registry_id']
    call(server_v41, 'GET', OPENAPI + '/' + rid)
    call(server_v41, 'DELETE', INTERNAL + '/namespaces/' + rid)
    assert server_v41.sim.counts() == {'POST /openapi/system/registry': 1, 'GET /openapi/system/registry': 1,
                                       'GET /openapi/system/registry/:id': 1,
                                       'DELETE /api/aslan/system/registry/namespaces/:id': 1}


def test_control_routes_seed_fault_and_count_over_http(server_v41):
    url = server_v41.url
    seeded = requests.post(url + '/_sim/registries', json={'address': 'https://a', 'namespace': 'n'}, timeout=5)
    requests.post(url + '/_sim/faults', json={'kind': 'status', 'method': 'GET', 'status': 502}, timeout=5)
    assert call(server_v41, 'GET', OPENAPI).status_code == 502
    assert listing(server_v41)[0]['registry_id'] == seeded.json()['id']
    counts = requests.get(url + '/_sim/requests', timeout=5).json()['counts']
    assert counts == {'GET /openapi/system/registry': 2}
    requests.post(url + '/_sim/reset', timeout=5)
    assert listing(server_v41) == []


@pytest.mark.parametrize('address, ok', [
    ('https://user:pa ss@h', False), ('https://h:80x', False), ('https://[::1]:5000', True), ('https://h/%zz', False),
    ('https://h/%41', True), ('*', True), ('1http://h', False), (':x', False), ('https://h?q', True),
])
def test_go_parse_request_uri_edge_cases(address, ok):
    assert go_parse_request_uri(address) is ok


# ---- the internal encrypted read and the whole-document PUT --------------------------------------------------

def encrypted_listing(server, key=b'0123456789abcdef0123456789abcdef', token=ADMIN):
    """What a client does: wrap an AES key with the server's RSA key, list, decrypt secret_key."""
    from urllib.parse import quote
    import base64
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
    from ansible_collections.zadig.core.tests.simulator.zadig_simulator import cfb_mode

    pem = call(server, 'GET', '/api/aslan/system/rsaKey/publicKey', token=token).json()['publicKey']
    body = ''.join(line for line in pem.splitlines() if not line.startswith('-----'))
    public = serialization.load_der_public_key(base64.b64decode(body))  # the label says PKCS#1, the body is SPKI
    wrapped = quote(base64.b64encode(public.encrypt(key, padding.PKCS1v15())).decode(), safe='')
    response = call(server, 'GET', INTERNAL + '/namespaces?encryptedKey=' + wrapped, token=token)
    if response.status_code != 200:
        return response
    docs = response.json()
    for doc in docs:
        if doc['secret_key']:
            raw = bytes.fromhex(doc['secret_key'])
            decryptor = Cipher(algorithms.AES(key), cfb_mode()(raw[:16])).decryptor()
            doc['secret_key'] = (decryptor.update(raw[16:]) + decryptor.finalize()).decode()
    return docs


def test_encrypted_list_returns_the_full_model_with_decryptable_secrets(server_v41):
    server_v41.sim.seed('https://reg.example.com', namespace='t', access_key='AK', secret_key='s3cr3t',
                        enable_tls=True, tls_cert='PEM', projects=['p1'])
    docs = encrypted_listing(server_v41)
    assert docs[0]['access_key'] == 'AK' and docs[0]['secret_key'] == 's3cr3t'
    assert docs[0]['projects'] == ['p1'] and docs[0]['advanced_setting']['tls_cert'] == 'PEM'
    raw = call(server_v41, 'GET', INTERNAL + '/namespaces?encryptedKey=x').json()
    assert raw == error_500('RegistryNamespace.List GetAesKeyFromEncryptedKey error: '
                            'illegal base64 data at input byte 0')


def test_encrypted_list_needs_admin(server_v41):
    response = call(server_v41, 'GET', '/api/aslan/system/rsaKey/publicKey', token=USER)
    assert response.status_code == 200
    assert encrypted_listing(server_v41, token=USER).status_code == 403


def test_encrypted_list_refuses_a_key_of_the_wrong_size(server_v41):
    """Only when there is a secret to encrypt: with no registry the bad key is never used."""
    assert encrypted_listing(server_v41, key=b'short') == []
    server_v41.sim.seed('https://reg.example.com', namespace='t')
    response = encrypted_listing(server_v41, key=b'short')
    assert response.json() == error_500('RegistryNamespace.List AesEncryptByKey error: crypto/aes: invalid key size 5')


def test_internal_put_replaces_the_document_and_wipes_omitted_keys(server):
    server.sim.seed('https://reg.example.com', namespace='t', region='r1', access_key='AK', secret_key='SK',
                    enable_tls=True, tls_cert='PEM', projects=['p1'])
    rid = server.sim.registries[0]['id']
    body = {'reg_addr': 'https://reg.example.com', 'reg_provider': 'native', 'namespace': 't', 'is_default': False}
    assert call(server, 'PUT', INTERNAL + '/namespaces/' + rid, body=body).json() == OK
    doc = server.sim.registries[0]
    assert (doc['access_key'], doc['secret_key'], doc['projects'], doc['advanced_setting']) == ('', '', None, None)
    assert doc['region'] == 'r1'


def test_internal_put_sets_credentials_tls_and_projects_as_sent(server_v41):
    server_v41.sim.seed('https://reg.example.com', provider='swr', namespace='t', region='r1', access_key='AK',
                        secret_key='SK')
    rid = server_v41.sim.registries[0]['id']
    body = {'reg_addr': 'https://reg.example.com', 'reg_provider': 'swr', 'namespace': 't', 'region': 'r1',
            'access_key': 'AK2', 'secret_key': 'SK2', 'projects': ['<all_projects>'],
            'advanced_setting': {'modified': True, 'enable_tls': True, 'tls_cert': 'PEM'}}
    assert call(server_v41, 'PUT', INTERNAL + '/namespaces/' + rid, body=body).json() == OK
    doc = encrypted_listing(server_v41)[0]
    assert (doc['access_key'], doc['secret_key'], doc['projects']) == ('AK2', 'SK2', ['<all_projects>'])
    assert doc['advanced_setting'] == {'modified': True, 'enable_tls': True, 'tls_cert': 'PEM'}


@pytest.mark.parametrize('fields, description', [
    ({'reg_addr': ''}, 'empty reg_addr'), ({'reg_provider': ''}, 'empty reg_provider'),
    ({'namespace': ''}, 'empty namespace')])
def test_internal_put_validation(server_v41, fields, description):
    server_v41.sim.seed('https://reg.example.com', namespace='t')
    body = {'reg_addr': 'https://reg.example.com', 'reg_provider': 'native', 'namespace': 't'}
    body.update(fields)
    response = call(server_v41, 'PUT', INTERNAL + '/namespaces/' + server_v41.sim.registries[0]['id'], body=body)
    assert response.json() == bad_request(description)
    assert call(server_v41, 'PUT', INTERNAL + '/namespaces/' + 'f' * 24, body=body).json() == bad_request(description)
    assert call(server_v41, 'PUT', INTERNAL + '/namespaces/' + server_v41.sim.registries[0]['id'],
                data='nope').status_code == 400
    assert call(server_v41, 'PUT', INTERNAL + '/namespaces/x', token=USER, body=body).status_code == 403


# ---- opt-in faults for hostile tests of the client (not Zadig's behaviour) -----------------------------------

NGINX_502 = ('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n'
             '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n')
NGINX_404 = NGINX_502.replace('502 Bad Gateway', '404 Not Found')


def serve(**options):
    options.setdefault('admin_tokens', [ADMIN])
    options.setdefault('user_tokens', [USER])
    return SimulatorServer(Simulator(**options)).start()


def test_html_fault_answers_nginx_502_page_without_reaching_aslan(server_v41):
    server_v41.sim.add_fault('html', method='POST')
    response = create(server_v41)
    assert (response.status_code, response.headers['Content-Type'], response.text) == (502, 'text/html', NGINX_502)
    assert server_v41.sim.registries == []
    assert create(server_v41).status_code == 200


def test_html_fault_with_200_is_a_login_page_even_without_a_token(server_v41):
    server_v41.sim.add_fault('html', status=200, count=2)
    response = call(server_v41, 'GET', OPENAPI, token=None)
    assert (response.status_code, response.headers['Content-Type']) == (200, 'text/html')
    assert '<form' in response.text
    response = call(server_v41, 'GET', OPENAPI)
    with pytest.raises(ValueError):
        response.json()
    assert call(server_v41, 'GET', OPENAPI).json() == []


def test_html_fault_with_commit_reaches_aslan_first(server_v41):
    server_v41.sim.add_fault('html', method='POST', status=504, commit=True)
    response = create(server_v41)
    assert response.status_code == 504 and '<title>504 Gateway Time-out</title>' in response.text
    assert len(server_v41.sim.registries) == 1


@pytest.mark.parametrize('body', [[None, 1, 'x'], None, {'registry_id': None},
                                  [{'address': 'https://a', 'provider': None, 'is_default': 'false'}], 'text', 7])
def test_malformed_fault_answers_any_json_value(server_v41, body):
    server_v41.sim.add_fault('malformed', method='GET', path=OPENAPI, body=body)
    response = call(server_v41, 'GET', OPENAPI)
    assert (response.status_code, response.headers['Content-Type']) == (200, JSON)
    assert response.json() == body
    assert call(server_v41, 'GET', OPENAPI).json() == []


def test_malformed_fault_answers_raw_text_with_the_given_content_type_and_status(server_v41):
    server_v41.sim.add_fault('malformed', raw='{"registry_id": ', content_type='text/plain', status=201)
    response = call(server_v41, 'GET', OPENAPI)
    assert (response.status_code, response.headers['Content-Type'], response.text) == \
        (201, 'text/plain', '{"registry_id": ')


def test_malformed_fault_needs_body_or_raw(server_v41):
    with pytest.raises(ValueError):
        server_v41.sim.add_fault('malformed')
    response = requests.post(server_v41.url + '/_sim/faults', json={'kind': 'nope'}, timeout=5)
    assert response.status_code == 400


def test_faults_over_the_control_route_take_every_parameter(server_v41):
    url = server_v41.url + '/_sim/faults'
    assert requests.post(url, json={'kind': 'malformed', 'body': None, 'method': 'GET'}, timeout=5).ok
    assert requests.post(url, json={'kind': 'html', 'status': 503, 'method': 'POST'}, timeout=5).ok
    assert call(server_v41, 'GET', OPENAPI).text == 'null'
    response = create(server_v41)
    assert response.status_code == 503 and 'Service Temporarily Unavailable' in response.text


def test_truncate_fault_declares_more_than_it_sends_then_closes(server_v41):
    import http.client
    create(server_v41)
    full = call(server_v41, 'GET', OPENAPI).content
    server_v41.sim.add_fault('truncate', method='GET', path=OPENAPI)
    host, port = server_v41.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request('GET', OPENAPI, headers={'Authorization': 'Bearer ' + ADMIN})
    answer = connection.getresponse()
    assert (answer.status, int(answer.headers['Content-Length'])) == (200, len(full))
    with pytest.raises(http.client.IncompleteRead) as info:
        answer.read()
    assert info.value.partial == full[:len(full) // 2]
    connection.close()


def cut_short(send):
    """Whether an answer stopped before its Content-Length: urllib3 2 raises, urllib3 1.26 hands the bytes over."""
    try:
        response = send()
    except requests.exceptions.ChunkedEncodingError:
        return True
    return len(response.content) < int(response.headers['Content-Length'])


def test_truncate_fault_through_requests_and_on_an_empty_body(server_v41):
    server_v41.sim.add_fault('truncate', method='POST', keep=5)
    assert cut_short(lambda: create(server_v41))
    assert len(server_v41.sim.registries) == 1
    server_v41.sim.add_fault('truncate', method='GET')
    assert cut_short(lambda: call(server_v41, 'GET', OPENAPI, token='unknown'))


def test_slow_fault_outlasts_the_client_timeout_without_blocking_other_requests(server_v41):
    import threading
    import time
    server_v41.sim.add_fault('slow', method='GET', path=OPENAPI, delay=1.5)
    outcome = {}

    def slow_call():
        start = time.monotonic()
        outcome['status'] = call(server_v41, 'GET', OPENAPI).status_code
        outcome['took'] = time.monotonic() - start

    thread = threading.Thread(target=slow_call)
    thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    assert create(server_v41).status_code == 200
    assert call(server_v41, 'GET', OPENAPI + '/' + server_v41.sim.registries[0]['id']).status_code == 200
    assert time.monotonic() - start < 0.5
    thread.join(5)
    assert outcome['status'] == 200 and outcome['took'] >= 1.4
    server_v41.sim.add_fault('slow', method='GET', delay=1)
    with pytest.raises(requests.Timeout):
        requests.get(server_v41.url + OPENAPI, headers={'Authorization': 'Bearer ' + ADMIN}, timeout=0.3)


def test_slow_fault_after_commits_at_once_and_answers_late(server_v41):
    server_v41.sim.add_fault('slow', method='POST', when='after', delay=2)
    with pytest.raises(requests.Timeout):
        requests.post(server_v41.url + OPENAPI, json={'address': 'https://a', 'provider': 'native', 'namespace': 'n'},
                      headers={'Authorization': 'Bearer ' + ADMIN}, timeout=0.3)
    assert len(listing(server_v41)) == 1


def test_slow_fault_defaults_to_a_minute_and_stopping_the_server_ends_it():
    import threading
    import time
    server = serve()
    fault = server.sim.add_fault('slow')
    assert fault.delay == 60
    thread = threading.Thread(target=call, args=(server, 'GET', OPENAPI))
    thread.start()
    time.sleep(0.2)
    start = time.monotonic()
    server.stop()
    thread.join(5)
    assert time.monotonic() - start < 3 and not thread.is_alive()


def test_prefix_serves_every_route_under_it_and_the_proxy_404_elsewhere():
    server = serve(prefix='/zadig')
    try:
        assert call(server, 'POST', '/zadig' + OPENAPI,
                    body={'address': 'https://a', 'provider': 'native', 'namespace': 'n'}).status_code == 200
        assert len(call(server, 'GET', '/zadig' + OPENAPI).json()) == 1
        rid = server.sim.registries[0]['id']
        assert call(server, 'GET', '/zadig' + INTERNAL + '/namespaces/specific/' + rid).json()['id'] == rid
        assert call(server, 'GET', '/zadig' + OPENAPI, token=None).status_code == 401
        assert call(server, 'GET', '/zadig/nothing').text == 'Invalid path: /nothing'
        for path in (OPENAPI, '/zadigx' + OPENAPI, '/', INTERNAL + '/namespaces/' + rid):
            response = call(server, 'GET', path)
            assert (response.status_code, response.headers['Content-Type'], response.text) == \
                (404, 'text/html', NGINX_404), path
        assert server.sim.counts()['GET /openapi/system/registry'] == 2
        assert server.sim.counts()['GET /openapi/system/registry [outside /zadig]'] == 1
        assert requests.get(server.url + '/_sim/registries', timeout=5).json()[0]['id'] == rid
    finally:
        server.stop()


def test_prefix_must_be_a_path_without_trailing_slash():
    for prefix in ('zadig', '/zadig/'):
        with pytest.raises(ValueError):
            Simulator(prefix=prefix)


def test_command_line_runs_as_a_script_with_prefix_and_faults(tmp_path):
    import subprocess
    import sys
    import time
    from ansible_collections.zadig.core.tests.simulator import zadig_simulator
    port_file = tmp_path / 'port'
    process = subprocess.Popen([sys.executable, zadig_simulator.__file__, '--port', '0', '--port-file',
                                str(port_file), '--mode', 'main', '--admin-token', 'A', '--user-token', 'U',
                                '--prefix', '/zadig', '--fault', '{"kind": "html", "method": "POST"}'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for dummy in range(200):
            if port_file.exists():
                break
            time.sleep(0.05)
        url = 'http://127.0.0.1:%s' % port_file.read_text()
        auth = {'Authorization': 'Bearer A'}
        body = {'address': 'https://a', 'provider': 'native', 'namespace': 'n'}
        assert requests.post(url + '/zadig' + OPENAPI, json=body, headers=auth, timeout=5).status_code == 502
        assert requests.post(url + '/zadig' + OPENAPI, json=body, headers=auth, timeout=5).status_code == 200
        assert requests.get(url + '/zadig' + OPENAPI, headers=auth, timeout=5).json()[0]['is_default'] is True
        assert requests.get(url + OPENAPI, headers=auth, timeout=5).status_code == 404
    finally:
        process.terminate()
        process.wait(5)


# ---- server versions, v4.1 to main -----------------------------------------------------------------------------

def references(server, rid, token=ADMIN):
    return call(server, 'GET', INTERNAL + '/namespaces/%s/references' % rid, token=token)


@pytest.mark.parametrize('version, mode', [('v4.1', 'v4.1'), ('v4.2', 'v4.1'), ('v4.3', 'v4.1'), ('v5.0', 'v4.1'),
                                           ('main', 'main')])
def test_each_version_has_the_default_rules_of_section_5(version, mode):
    sim = Simulator(version=version)
    assert (sim.version, sim.mode) == (version, mode)
    assert Simulator(mode=mode, version=version).mode == mode


def test_mode_alone_still_names_the_version_and_contradictions_are_refused():
    assert (Simulator().version, Simulator('main').version, Simulator(mode='v4.1').version) == ('v4.1', 'main', 'v4.1')
    for mode, version in (('main', 'v4.2'), ('v4.1', 'main')):
        with pytest.raises(ValueError):
            Simulator(mode=mode, version=version)
    with pytest.raises(ValueError):
        Simulator(version='v4.4')


def test_version_is_readable_over_the_control_route():
    server = serve(version='v4.3', prefix='/z')
    try:
        assert requests.get(server.url + '/_sim/version', timeout=5).json() == {
            'version': 'v4.3', 'mode': 'v4.1', 'prefix': '/z', 'versions': ['v4.1', 'v4.2', 'v4.3', 'v5.0', 'main']}
    finally:
        server.stop()


def test_references_route_is_a_404_on_v41(server_v41):
    rid = server_v41.sim.seed('https://a', namespace='n')['id']
    response = references(server_v41, rid)
    assert (response.status_code, response.text) == (404, 'Invalid path: %s/namespaces/%s/references' % (INTERNAL, rid))
    assert references(server_v41, rid, token=None).status_code == 401


@pytest.mark.parametrize('version', ['v4.2', 'v4.3', 'v5.0', 'main'])
def test_references_from_v42_list_projects_and_envs_in_store_order(version):
    server = serve(version=version)
    try:
        sim = server.sim
        rid, other = sim.seed('https://a', namespace='a')['id'], sim.seed('https://b', namespace='b')['id']
        sim.add_env(rid, 'p2', 'dev', 'Project 2', 'Dev')
        sim.add_env(rid, 'p1', 'prod', 'Project 1', 'Prod')
        sim.add_env(other, 'p1', 'qa')
        sim.add_env(rid, 'p2', 'test', 'Project 2', '')
        sim.add_env(rid, 'p3', 'gone', deleting=True)
        sim.add_env('', 'p4', 'implicit')
        response = references(server, rid)
        assert (response.status_code, response.headers['Content-Type']) == (200, JSON)
        assert response.json() == {'references': [
            {'project_name': 'p2', 'project_alias': 'Project 2',
             'envs': [{'name': 'dev', 'alias': 'Dev'}, {'name': 'test', 'alias': ''}]},
            {'project_name': 'p1', 'project_alias': 'Project 1', 'envs': [{'name': 'prod', 'alias': 'Prod'}]}]}
        assert response.text.index('"project_name"') < response.text.index('"project_alias"') < \
            response.text.index('"envs"')
        assert references(server, other).json() == {'references': [
            {'project_name': 'p1', 'project_alias': '', 'envs': [{'name': 'qa', 'alias': ''}]}]}
        assert references(server, rid, token=USER).status_code == 403 and references(server, rid, USER).content == b''
    finally:
        server.stop()


@pytest.mark.parametrize('rid', ['f' * 24, 'nothex', 'z' * 24, 'A' * 25])
def test_references_of_an_absent_or_malformed_id_are_an_empty_list(rid):
    server = serve(version='v4.2')
    try:
        server.sim.seed('https://a', namespace='a')
        server.sim.add_env(server.sim.registries[0]['id'], 'p', 'dev')
        assert references(server, rid).text == '{"references":[]}'
    finally:
        server.stop()


def test_references_count_exactly_what_blocks_a_delete():
    server = serve(version='v4.2')
    try:
        sim = server.sim
        default = sim.seed('https://a', namespace='a', is_default=True)['id']
        used = sim.seed('https://b', namespace='b')['id']
        sim.add_env('', 'p', 'implicit-default')
        sim.add_env(used, 'p', 'leaving', deleting=True)
        for rid in (default, used):
            assert references(server, rid).json() == {'references': []}
            assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).json() == OK
        rid = sim.seed('https://c', namespace='c')['id']
        sim.add_env(rid, 'p', 'dev')
        assert len(references(server, rid).json()['references']) == 1
        assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).status_code == 500
        sim.envs_using.discard(rid)
        assert references(server, rid).json() == {'references': []}
        assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).json() == OK
    finally:
        server.stop()


def test_references_when_listing_environments_fails_and_the_delete_goes_ahead():
    server = serve(version='v4.2')
    try:
        rid = server.sim.seed('https://a', namespace='a')['id']
        server.sim.add_env(rid, 'p', 'dev')
        server.sim.envs_using.list_error = 'mongo: connection refused'
        assert references(server, rid).json() == error_500('mongo: connection refused')
        assert call(server, 'DELETE', INTERNAL + '/namespaces/' + rid).json() == OK
        assert server.sim.registries == []
    finally:
        server.stop()


def test_references_project_order_is_random_only_when_asked():
    sim = Simulator(version='v4.2')
    for index in range(8):
        sim.add_env('a' * 24, 'p%d' % index, 'dev')
    order = [entry['project_name'] for entry in sim.envs_using.references('a' * 24)]
    assert order == ['p%d' % i for i in range(8)]
    sim.envs_using.random_order = True
    orders = {tuple(e['project_name'] for e in sim.envs_using.references('a' * 24)) for dummy in range(20)}
    assert len(orders) > 1 and all(sorted(o) == order for o in orders)


def test_environments_over_the_control_routes():
    server = serve(version='v4.2')
    try:
        url = server.url + '/_sim/envs'
        rid = server.sim.seed('https://a', namespace='a')['id']
        assert requests.post(url, json={'registry_id': rid}, timeout=5).json()['env_name'] == 'env-1'
        env = {'registry_id': rid, 'project_name': 'p', 'project_alias': 'P', 'env_name': 'dev', 'env_alias': 'D'}
        assert requests.post(url, json=env, timeout=5).ok
        assert requests.post(url, json={'colour': 'blue'}, timeout=5).status_code == 400
        assert [e['env_name'] for e in requests.get(url, timeout=5).json()['envs']] == ['env-1', 'dev']
        assert references(server, rid).json()['references'][1] == {
            'project_name': 'p', 'project_alias': 'P', 'envs': [{'name': 'dev', 'alias': 'D'}]}
        assert requests.post(url + '/settings', json={'random_order': True, 'list_error': 'boom'}, timeout=5).ok
        assert references(server, rid).json() == error_500('boom')
        assert requests.delete(url, timeout=5).ok
        requests.post(url + '/settings', json={'list_error': None}, timeout=5)
        assert references(server, rid).json() == {'references': []}
    finally:
        server.stop()


@pytest.mark.parametrize('version', ['v4.1', 'v4.2'])
def test_token_markers_have_no_effect_before_v43(version):
    server = serve(version=version)
    try:
        server.sim.rotate_token(ADMIN)
        server.sim.require_mfa(USER)
        server.sim.enable_api_token(USER, False)
        assert call(server, 'GET', OPENAPI).status_code == 200
        assert call(server, 'GET', OPENAPI, token=USER).status_code == 200
    finally:
        server.stop()


@pytest.mark.parametrize('version', ['v4.3', 'v5.0', 'main'])
def test_rotated_token_is_an_empty_401_from_v43(version):
    server = serve(version=version)
    try:
        server.sim.rotate_token(ADMIN, new_token='new-admin-token')
        for token in (ADMIN, None):
            response = call(server, 'GET', OPENAPI, token=token)
            assert (response.status_code, response.content) == (401, b'')
        assert call(server, 'GET', OPENAPI + '?token=' + ADMIN, token=None).status_code == 401
        assert create(server).status_code == 401
        response = call(server, 'POST', OPENAPI, token='new-admin-token',
                        body={'address': 'https://a', 'provider': 'native', 'namespace': 'n'})
        assert response.json() == OK and server.sim.registries[0]['update_by'] == 'admin'
    finally:
        server.stop()


@pytest.mark.parametrize('reason', ['mfa_verification_required', 'mfa_enrollment_required'])
def test_mfa_required_is_a_403_with_the_reason_from_v43(reason):
    server = serve(version='v4.3')
    try:
        server.sim.require_mfa(USER, reason)
        response = call(server, 'GET', OPENAPI, token=USER)
        assert (response.status_code, response.headers['x-zadig-auth-reason']) == (403, reason)
        assert response.content == ('{"reason":"%s"}' % reason).encode()
        assert call(server, 'GET', OPENAPI).status_code == 200
        server.sim.add_token('mfa-token', 'user', mfa_verified=True)
        assert call(server, 'GET', OPENAPI, token='mfa-token').status_code == 200
        server.sim.require_mfa('user', None)
        assert call(server, 'GET', OPENAPI, token=USER).status_code == 200
    finally:
        server.stop()


def test_non_admin_without_api_tokens_enabled_is_a_401_from_v43():
    server = serve(version='v4.3')
    try:
        server.sim.enable_api_token(USER, False)
        assert call(server, 'GET', OPENAPI, token=USER).status_code == 401
        server.sim.enable_api_token(ADMIN, False)
        assert call(server, 'GET', OPENAPI).status_code == 200
        server.sim.enable_api_token('user')
        assert call(server, 'GET', OPENAPI, token=USER).status_code == 200
    finally:
        server.stop()


def test_token_markers_over_the_control_routes_and_reset():
    server = serve(version='v4.3')
    try:
        url = server.url + '/_sim/tokens'
        assert requests.post(url + '/rotate', json={'token': ADMIN, 'new_token': 'A2'}, timeout=5).ok
        assert requests.post(url + '/user', json={'user': USER, 'mfa': 'mfa_enrollment_required'}, timeout=5).ok
        assert requests.post(url, json={'token': 'bob', 'name': 'bob', 'admin': True}, timeout=5).ok
        assert requests.post(url + '/user', json={'user': 'x', 'mfa': 'bogus'}, timeout=5).status_code == 400
        assert requests.post(url + '/rotate', json={'token': 'unknown'}, timeout=5).status_code == 400
        assert call(server, 'GET', OPENAPI).status_code == 401
        assert call(server, 'GET', OPENAPI, token='A2').status_code == 200
        assert call(server, 'GET', OPENAPI, token='bob').status_code == 200
        assert call(server, 'GET', OPENAPI, token=USER).headers['x-zadig-auth-reason'] == 'mfa_enrollment_required'
        assert requests.post(url + '/user', json={'user': 'user', 'api_token_enabled': False}, timeout=5).ok
        assert call(server, 'GET', OPENAPI, token=USER).status_code == 401
        requests.post(server.url + '/_sim/reset', timeout=5)
        assert [call(server, 'GET', OPENAPI, token=t).status_code for t in (ADMIN, USER, 'A2')] == [200, 200, 401]
    finally:
        server.stop()


def test_command_line_takes_a_version(tmp_path):
    import subprocess
    import sys
    import time
    from ansible_collections.zadig.core.tests.simulator import zadig_simulator
    script = zadig_simulator.__file__
    bad = subprocess.run([sys.executable, script, '--mode', 'main', '--version', 'v4.2'], capture_output=True,
                         text=True, timeout=30, check=False)
    assert bad.returncode == 2 and 'contradicts' in bad.stderr
    port_file = tmp_path / 'port'
    process = subprocess.Popen([sys.executable, script, '--port', '0', '--port-file', str(port_file), '--version',
                                'v4.2'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for dummy in range(200):
            if port_file.exists():
                break
            time.sleep(0.05)
        url = 'http://127.0.0.1:%s' % port_file.read_text()
        assert requests.get(url + '/_sim/version', timeout=5).json()['version'] == 'v4.2'
        answer = requests.get(url + INTERNAL + '/namespaces/%s/references' % ('a' * 24),
                              headers={'Authorization': 'Bearer admin-token'}, timeout=5)
        assert answer.json() == {'references': []}
    finally:
        process.terminate()
        process.wait(5)


# ---- fidelity: namespaces validated untrimmed, then trimmed, on create and PUT -----------------------------

def test_create_validates_the_namespace_untrimmed_and_stores_it_trimmed_section_3_1(server):
    assert create(server, namespace='   ').json() == OK
    assert create(server, namespace='\t team \u3000\n').json() == OK
    assert [r['namespace'] for r in listing(server)] == ['', 'team']
    assert create(server, namespace='').json() == error_500('namespace cannot be empty')


def test_create_trims_like_go_strings_trim_space_not_like_python_strip(server_v41):
    create(server_v41, namespace='\x1cteam\xa0')
    assert listing(server_v41)[0]['namespace'] == '\x1cteam'


@pytest.mark.parametrize('namespace', ['   ', '\t\n', '\u3000'])
def test_openapi_put_of_a_blank_namespace_answers_200_and_keeps_the_stored_one_section_3_2(server, namespace):
    rid = server.sim.seed('https://reg.example.com', namespace='team')['id']
    body = {'address': 'https://r2.example.com', 'provider': 'native', 'namespace': namespace}
    assert call(server, 'PUT', OPENAPI + '/' + rid, body=body).json() == OK
    assert listing(server)[0]['namespace'] == 'team'
    assert listing(server)[0]['address'] == 'https://r2.example.com'


def test_openapi_put_trims_a_namespace_after_validating_it_section_4_3(server_v41):
    rid = server_v41.sim.seed('https://reg.example.com', namespace='team')['id']
    body = {'address': 'https://reg.example.com', 'provider': 'native', 'namespace': '  other '}
    assert call(server_v41, 'PUT', OPENAPI + '/' + rid, body=body).json() == OK
    assert listing(server_v41)[0]['namespace'] == 'other'


def test_internal_put_validates_the_namespace_untrimmed_too_section_1_3(server_v41):
    rid = server_v41.sim.seed('https://reg.example.com', namespace='team')['id']
    body = {'reg_addr': 'https://reg.example.com', 'reg_provider': 'native', 'namespace': '   '}
    assert call(server_v41, 'PUT', INTERNAL + '/namespaces/' + rid, body=body).json() == OK
    assert server_v41.sim.registries[0]['namespace'] == 'team'
    body['namespace'] = ' x '
    assert call(server_v41, 'PUT', INTERNAL + '/namespaces/' + rid, body=body).json() == OK
    assert server_v41.sim.registries[0]['namespace'] == 'x'


# ---- fidelity: the delete of an absent id still syncs DinD; malformed ids ------------------------------------

def test_delete_of_an_absent_valid_id_runs_the_dind_sync_section_6(server):
    assert call(server, 'DELETE', INTERNAL + '/namespaces/' + 'a' * 24).json() == OK
    server.sim.seed('localhost:5000', namespace='broken')
    response = call(server, 'DELETE', INTERNAL + '/namespaces/' + 'a' * 24)
    assert (response.status_code, response.content) == (500, b'')
    assert len(server.sim.registries) == 1


@pytest.mark.parametrize('raw_id, description', [
    ('nothex', 'the provided hex string is not a valid ObjectID'),
    ('a' * 23, 'the provided hex string is not a valid ObjectID'),
    ('a' * 25, 'the provided hex string is not a valid ObjectID'),
    ('a' * 24 + '%0A', 'the provided hex string is not a valid ObjectID'),
    ('%C3%A9' + 'a' * 23, 'the provided hex string is not a valid ObjectID'),
    ('z' * 24, "encoding/hex: invalid byte: U+007A 'z'"),
    ('a' * 23 + 'g', "encoding/hex: invalid byte: U+0067 'g'"),
    ('0' * 5 + 'Zq' + 'f' * 17, "encoding/hex: invalid byte: U+005A 'Z'"),
    ('a' * 23 + '%20', "encoding/hex: invalid byte: U+0020 ' '"),
    ('a' * 23 + '%01', 'encoding/hex: invalid byte: U+0001'),
    ('%C3%A9' + 'a' * 22, "encoding/hex: invalid byte: U+00C3 'Ã'"),
])
def test_delete_of_a_malformed_id_gives_object_id_from_hex_error_section_6(server_v41, raw_id, description):
    server_v41.sim.seed('https://reg.example.com', namespace='team')
    response = call(server_v41, 'DELETE', INTERNAL + '/namespaces/' + raw_id)
    assert (response.status_code, response.json()) == (500, error_500(description))
    assert len(server_v41.sim.registries) == 1


def test_put_with_a_24_character_non_hex_id_fails_at_update_with_the_hex_error_section_7_2(server_v41):
    server_v41.sim.seed('https://reg.example.com', namespace='team')
    body = {'address': 'https://x.example.com', 'provider': 'native', 'namespace': 'x'}
    response = call(server_v41, 'PUT', OPENAPI + '/' + 'z' * 24, body=body)
    assert response.json() == error_500("RegistryNamespace.Update error: encoding/hex: invalid byte: U+007A 'z'")
    assert call(server_v41, 'GET', OPENAPI + '/' + 'a' * 24 + '%0A').json()['namespace'] == 'team'


# ---- fidelity: ?token= and a header together (the header's user acts) ------------------------------------------

def fake_jwt(name):
    import base64

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip('=')
    return '%s.%s.%s' % (part({'alg': 'HS256', 'typ': 'JWT'}), part({'name': name, 'uid': name}), 'bad-signature')


def create_as(server, query_token, header):
    body = {'address': 'https://a', 'provider': 'native', 'namespace': 'n'}
    return requests.post(server.url + OPENAPI + '?token=' + query_token, json=body, timeout=5,
                         headers={'Authorization': header})


def test_with_query_token_and_header_the_gateway_checks_the_query_and_aslan_acts_as_the_header_section_2(server):
    response = create_as(server, USER, 'Bearer ' + ADMIN)
    assert response.json() == OK and server.sim.registries[0]['update_by'] == 'admin'
    response = create_as(server, ADMIN, 'Bearer ' + USER)
    assert (response.status_code, response.content) == (403, b'')
    assert create_as(server, 'wrong', 'Bearer ' + ADMIN).status_code == 401
    assert len(server.sim.registries) == 1


def test_aslan_reads_the_header_claims_without_checking_the_signature_section_2(server_v41):
    assert create_as(server_v41, USER, 'Bearer ' + fake_jwt('admin')).json() == OK
    assert create_as(server_v41, ADMIN, 'Bearer ' + fake_jwt('user')).status_code == 403
    assert create_as(server_v41, ADMIN, 'Bearer ' + fake_jwt('stranger')).status_code == 403
    assert call(server_v41, 'GET', OPENAPI, token=fake_jwt('admin')).status_code == 401
    assert [r['update_by'] for r in server_v41.sim.registries] == ['admin']


def test_an_unreadable_header_leaves_the_query_token_user_acting_section_2(server_v41):
    assert create_as(server_v41, ADMIN, 'Bearer not-a-token').json() == OK
    assert create_as(server_v41, USER, 'Bearer not-a-token').status_code == 403


def test_from_v43_only_the_query_token_is_checked_at_the_gateway_section_2():
    server = serve(version='v4.3')
    try:
        server.sim.rotate_token(ADMIN)
        assert create_as(server, USER, 'Bearer ' + ADMIN).json() == OK
        assert create_as(server, ADMIN, 'Bearer ' + USER).status_code == 401
        server.sim.require_mfa(USER)
        assert create_as(server, USER, 'Bearer ' + ADMIN).status_code == 403
    finally:
        server.stop()
