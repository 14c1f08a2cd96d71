# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile server answers through the modules and the client: an odd answer never crashes a task.

Its shape is checked in one place, the client, and a bad shape fails with one clear sentence naming the route and
what was wrong, with no write after it; a correct answer gives the result the oracle expects. The fake transport,
the oracle of a list and the strategies are in tests/unit/hostile_zadig.py; the internal list's and the public
key's oracle is here. ``ZADIG_PROPERTY_EXAMPLES`` sets the number of examples per property (200 by default).
"""

from __future__ import annotations

import json
import re
import time as _time

import pytest
import requests

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._manage import (  # noqa: E402  pylint: disable=wrong-import-position
    TaskError, ensure_registries)
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, InputError  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.modules import zadig_registry, zadig_registry_info  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.unit.hostile_zadig import (  # noqa: E402  pylint: disable=wrong-import-position
    ANY_JSON, EC_PEM, GOOD_REGISTRY, HEX24, IDS, INTERNAL, INTERNAL_ID, INVALID, JSON_LEAF, LIST_ANSWER, MISSING,
    NAMESPACES, NEAR_VALID, NEW_ID, ODD_IDS, OPENAPI, OPENAPI_ID, PEM, PRIVATE_PEM, PROVIDERS, PUBLIC_KEY,
    REGISTRY_KEYED, SETTINGS, STORED_ADDRESS, STORED_NAMESPACE, STORED_PROVIDER, STORED_REGION, SUCCESS, TASK_A,
    TASK_ADDRESSES, TOKEN, TOLERABLE, URL, VALID, WRONG, _client_call, _insert, _mutate, assert_clean_message,
    assert_no_write_after_bad_answer, bad_reads, classify_list, draw_task, in_sync, internal_answer, js, matches,
    norm_address, openapi_table, project, read_routes, reg, reply, run_module, server, serving, to_doc)

STORED_SECRETS = ('AK-stored-1', 'SK-stored-1')

LOGIN_PAGE = ('<!DOCTYPE html>\n<html>\n<head><title>Sign in - Corporate SSO</title></head>\n<body>\n'
              '<form method="post" action="/sso/login"><input name="username"><input name="password" '
              'type="password"></form>\n</body>\n</html>\n')


def raises(exc, valid=False):
    def answer(request):
        raise exc
    answer.valid = valid
    answer.lazy = False
    return answer


def classify_registry(answer, wanted_id):
    """GET :id: one such object, whose registry_id is the one asked for (Zadig may answer with another)."""
    verdict = classify_list([answer])
    if verdict != INVALID and answer['registry_id'] != wanted_id:
        return INVALID
    return verdict


INTERNAL_KNOWN = ('id', 'reg_addr', 'reg_type', 'reg_provider', 'is_default', 'projects', 'namespace', 'access_key',
                  'secret_key', 'region', 'update_time', 'update_by', 'advanced_setting')


def classify_internal(answer):
    """The internal list. Required: id (24-hex), reg_addr, reg_provider (str), is_default (bool).

    namespace, region, access_key, secret_key, projects, advanced_setting: a missing key is TOLERABLE; a present
    one must have its type (projects a list of str or null; advanced_setting an object or null; secret_key the
    hex that this run's key decrypts).
    """
    if type(answer) is not list:  # pylint: disable=unidiomatic-typecheck
        return INVALID
    verdict, ids = VALID, []
    for doc in answer:
        if type(doc) is not dict:  # pylint: disable=unidiomatic-typecheck
            return INVALID
        if not isinstance(doc.get('id'), str) or not HEX24.fullmatch(doc['id']):
            return INVALID
        if type(doc.get('reg_addr')) is not str or type(doc.get('reg_provider')) is not str:  # pylint: disable=unidiomatic-typecheck
            return INVALID
        if type(doc.get('is_default')) is not bool:  # pylint: disable=unidiomatic-typecheck
            return INVALID
        for key in ('namespace', 'region', 'access_key', 'secret_key', 'projects', 'advanced_setting'):
            if key not in doc:
                verdict = TOLERABLE
        for key in ('namespace', 'region', 'access_key'):
            if key in doc and type(doc[key]) is not str:  # pylint: disable=unidiomatic-typecheck
                return INVALID
        if 'secret_key' in doc and not (doc['secret_key'] == '' or (
                type(doc['secret_key']) is str and doc['secret_key'].startswith('PLAIN:'))):  # pylint: disable=unidiomatic-typecheck
            return INVALID
        projects = doc.get('projects')
        if projects is not None and (type(projects) is not list or any(type(p) is not str for p in projects)):  # pylint: disable=unidiomatic-typecheck
            return INVALID
        setting = doc.get('advanced_setting')
        if setting is not None:
            if type(setting) is not dict:  # pylint: disable=unidiomatic-typecheck
                return INVALID
            for key, kind in (('modified', bool), ('enable_tls', bool), ('tls_cert', str)):
                if key not in setting:
                    verdict = TOLERABLE
                elif type(setting[key]) is not kind:  # pylint: disable=unidiomatic-typecheck
                    return INVALID
        if set(doc) - set(INTERNAL_KNOWN):
            verdict = TOLERABLE
        ids.append(doc['id'])
    return INVALID if len(set(ids)) != len(ids) else verdict


def pem_body(text):
    """The base64 body of a PEM, its label set aside: Zadig's own key carries the wrong one."""
    match = re.fullmatch(r'\s*-----BEGIN ([A-Z ]+)-----\n(.*)\n-----END \1-----\s*', text, re.S) \
        if isinstance(text, str) else None
    return match.group(2).replace('\n', '') if match else None


def classify_public_key(answer):
    if type(answer) is not dict or pem_body(answer.get('publicKey')) != pem_body(PEM):  # pylint: disable=unidiomatic-typecheck
        return INVALID
    return TOLERABLE if set(answer) - {'publicKey'} else VALID


def worst(*verdicts):
    for verdict in (INVALID, TOLERABLE):
        if verdict in verdicts:
            return verdict
    return VALID


def from_doc(doc, details=False):
    """What a module returns for an internal document (internal keys mapped to OpenAPI's)."""
    setting = doc.get('advanced_setting') or {}
    registry = {'registry_id': doc['id'], 'address': doc['reg_addr'], 'provider': doc['reg_provider'],
                'region': doc.get('region', ''), 'namespace': doc.get('namespace', ''),
                'is_default': doc['is_default']}
    if details:
        registry.update(enable_tls=setting.get('enable_tls', False), tls_cert=setting.get('tls_cert', ''),
                        projects=doc.get('projects') or [])
    return registry


def expected_filter(registries, params):
    """zadig_registry_info's filters, as its DOCUMENTATION states them."""
    out = []
    for registry in registries:
        if params.get('registry_id') is not None and registry['registry_id'] != params['registry_id']:
            continue
        if params.get('address') is not None and norm_address(registry['address']) != norm_address(params['address']):
            continue
        if params.get('namespace') is not None and registry['namespace'].strip() != params['namespace'].strip():
            continue
        if params.get('provider') is not None and registry['provider'] != params['provider']:
            continue
        if params.get('is_default') is not None and registry['is_default'] != params['is_default']:
            continue
        out.append(registry)
    return out


GET_ANSWER = st.one_of(GOOD_REGISTRY, NEAR_VALID, REGISTRY_KEYED, ANY_JSON,
                       GOOD_REGISTRY.map(lambda r: dict(r, registry_id=IDS[0])))

# Internal documents, as the internal list returns them.
GOOD_SETTING = st.one_of(st.none(), st.fixed_dictionaries({
    'modified': st.booleans(), 'enable_tls': st.booleans(),
    'tls_cert': st.sampled_from(['', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'])}))
GOOD_DOC = st.fixed_dictionaries({
    'id': st.sampled_from(IDS), 'reg_addr': STORED_ADDRESS, 'reg_type': st.just(''), 'reg_provider': STORED_PROVIDER,
    'is_default': st.booleans(), 'projects': st.sampled_from([None, [], ['<all_projects>'], ['p1', 'p2']]),
    'namespace': STORED_NAMESPACE, 'access_key': st.sampled_from(['', STORED_SECRETS[0]]),
    'secret_key': st.sampled_from(['', 'PLAIN:' + STORED_SECRETS[1]]), 'region': STORED_REGION,
    'update_time': st.just(1767225600), 'update_by': st.just('admin'), 'advanced_setting': GOOD_SETTING})
DOC_KEYS = ('id', 'reg_addr', 'reg_provider', 'is_default', 'projects', 'namespace', 'access_key', 'secret_key',
            'region', 'advanced_setting')
DOC_WRONG = st.one_of(WRONG, st.sampled_from([
    'zz' * 20, 'abc', '00' * 8, 'p1', ['p1', 3], [None], {'enable_tls': 'false', 'tls_cert': 5},
    {'enable_tls': True}, 'x', 17]))
DOC_MUTATION = st.one_of(st.tuples(st.sampled_from(DOC_KEYS), st.one_of(st.just(MISSING), DOC_WRONG)),
                         st.tuples(st.just('id'), ODD_IDS),
                         st.tuples(st.sampled_from(['advanced_setting.enable_tls', 'advanced_setting.tls_cert',
                                                    'advanced_setting.modified']), st.one_of(st.just(MISSING), WRONG)))
NEAR_DOC = st.tuples(GOOD_DOC, st.lists(DOC_MUTATION, min_size=1, max_size=3),
                     st.dictionaries(st.sampled_from(['registry_id', 'address', 'extra']), JSON_LEAF, max_size=1)
                     ).map(_mutate)
VALID_DOCS = st.lists(GOOD_DOC, max_size=4, unique_by=lambda d: d['id'])
DOCS_ANSWER = st.one_of(
    VALID_DOCS,
    st.tuples(VALID_DOCS, NEAR_DOC, st.integers(0, 4)).map(_insert),
    st.tuples(VALID_DOCS, ANY_JSON, st.integers(0, 4)).map(_insert),
    st.tuples(VALID_DOCS, GOOD_DOC, st.integers(0, 4)).map(_insert),
    ANY_JSON,
)
PUBLIC_KEY_ANSWER = st.one_of(
    st.just({'publicKey': PEM}), st.just({'publicKey': PEM, 'expires': 0}),
    st.sampled_from([None, [], PEM, {}, {'publicKey': None}, {'publicKey': 5}, {'publicKey': ['x']},
                     {'publicKey': {'pem': PEM}}, {'publicKey': 'garbage'}, {'publicKey': EC_PEM},
                     {'publicKey': PRIVATE_PEM}, {'public_key': PEM}, {'publicKey': PEM[:120]},
                     {'publicKey': PEM.replace('PUBLIC KEY', 'CERTIFICATE')}, {'publicKey': ''},
                     {'publicKey': PEM.replace('PUBLIC KEY', 'RSA PUBLIC KEY')}]),
    ANY_JSON)

# Answers to a write (Zadig's success is 200 {"message":"success"}).
WRITE_ANSWER = st.one_of(
    st.just(('json', SUCCESS)),
    st.tuples(st.just('json'), st.one_of(ANY_JSON, st.dictionaries(
        st.sampled_from(['message', 'code', 'description', 'type']), JSON_LEAF, max_size=3))),
    st.tuples(st.just('raw'), st.sampled_from([
        ('text/html; charset=utf-8', LOGIN_PAGE), ('text/plain; charset=utf-8', 'OK'),
        ('application/json; charset=utf-8', ''), ('application/json; charset=utf-8', '{"message":"success"} <!--'),
        ('application/json; charset=utf-8', '\ufeff{"message":"success"}'), ('', 'success')])))


def write_reply(drawn):
    kind, value = drawn
    if kind == 'json':
        return js(value, valid=value == SUCCESS)
    content_type, body = value
    return reply(200, body, content_type, valid=False)


# ---- properties: every read path, any answer ---------------------------------------------------------------------

@SETTINGS
@given(answer=LIST_ANSWER, readback=st.one_of(st.none(), LIST_ANSWER), check_mode=st.booleans(), data=st.data())
def test_registry_module_survives_any_list_answer(answer, readback, check_mode, data):
    task = draw_task(data, answer)
    result, failed, session = run_module(zadig_registry, task, openapi_table(answer, readback), check_mode)
    verdict = classify_list(answer)
    assert_no_write_after_bad_answer(session)
    if check_mode:
        assert session.writes() == [], 'check mode sent a write: %r' % session.writes()
    if failed:
        assert_clean_message(result['msg'], bad_reads(session), 'zadig_registry %r' % task)
        if session.writes() and any(s['method'] == 'GET' and s['valid'] is False for s in session.sent[1:]):
            assert result.get('changed') is True, 'a write was answered success, then the read-back was bad: ' \
                                                  'changed must be true, got %r' % result
    if OPENAPI not in read_routes(session):
        return
    if verdict == INVALID:
        assert failed, 'an invalid list was used as if valid: %r -> %r (writes %s)' % (
            answer, result, [(s['method'], s['path']) for s in session.writes()])
        assert session.writes() == []
        return
    if failed and verdict == TOLERABLE:
        return
    registries = [project(r) for r in answer]
    found = matches(registries, task)  # on the projection: a missing region or namespace reads as ''
    if len(found) > 1:
        assert failed, 'several registries match %r, yet the task did not fail: %r' % (task, result)
        assert session.writes() == []
        return
    if task['state'] == 'absent':
        if not found:
            assert not failed and result['changed'] is False and session.writes() == [], result
        elif not failed:
            assert result['changed'] is True
        return
    if not found:
        if task.get('registry_id'):
            assert failed, 'registry_id %s is not on the server, yet: %r' % (task['registry_id'], result)
        elif not failed:
            assert result['changed'] is True
        return
    if in_sync(found[0], task):
        assert not failed, 'the server already holds %r, yet the task failed: %s' % (task, result.get('msg'))
        assert result['changed'] is False and session.writes() == []
        assert result['registry'] == found[0], 'returned %r, the server holds %r' % (result['registry'], found[0])
        return
    if not failed:
        assert result['changed'] is True
        assert result['registry'].get('registry_id') == found[0]['registry_id'], 'the wrong registry: %r' % result
        if check_mode:
            assert session.writes() == []


INFO_FILTERS = st.fixed_dictionaries({}, optional={
    'registry_id': st.sampled_from(IDS[:3] + [NEW_ID]), 'address': st.sampled_from(TASK_ADDRESSES),
    'namespace': st.sampled_from(NAMESPACES + [' team']), 'provider': st.sampled_from(PROVIDERS),
    'is_default': st.booleans()})


@SETTINGS
@given(answer=LIST_ANSWER, filters=INFO_FILTERS)
def test_info_module_survives_any_list_answer(answer, filters):
    result, failed, session = run_module(zadig_registry_info, filters, openapi_table(answer))
    verdict = classify_list(answer)
    assert session.writes() == []
    if verdict == INVALID:
        assert failed, 'an invalid list was returned as registries: %r -> %r' % (answer, result.get('registries'))
        assert_clean_message(result['msg'], (OPENAPI,), 'zadig_registry_info %r' % filters)
        return
    if failed:
        assert_clean_message(result['msg'], (), repr(filters))
        if verdict == TOLERABLE:
            return
    registries = [project(r) for r in answer]
    expected = expected_filter(registries, filters)
    if filters.get('registry_id') is not None and filters['registry_id'] not in [r['registry_id'] for r in registries]:
        assert failed, 'registry_id %s does not exist, yet: %r' % (filters['registry_id'], result)
        return
    assert not failed, 'a valid list failed: %s' % result.get('msg')
    assert result['registries'] == expected


@SETTINGS
@given(docs=DOCS_ANSWER, key=PUBLIC_KEY_ANSWER, filters=INFO_FILTERS)
def test_info_details_survives_any_internal_answer(docs, key, filters):
    routes = server(public_key=js(key, valid=classify_public_key(key) != INVALID),
                    internal=internal_answer(docs, valid=classify_internal(docs) != INVALID))
    result, failed, session = run_module(zadig_registry_info, dict(filters, details=True), routes)
    key_verdict, docs_verdict = classify_public_key(key), classify_internal(docs)
    assert session.writes() == []
    text = json.dumps(result)
    assert not any(secret in text for secret in STORED_SECRETS), 'a stored secret is in the result: %s' % text
    reads = read_routes(session)
    if key_verdict == INVALID and PUBLIC_KEY in reads:
        assert failed, 'a bad public key answer %r was used: %r' % (key, result)
        assert_clean_message(result['msg'], (PUBLIC_KEY,), 'publicKey %r' % (key,))
        assert INTERNAL not in reads, 'the internal list was asked for with a key from a bad answer'
        return
    if docs_verdict == INVALID:
        assert failed, 'an invalid internal list was used: %r -> %r' % (docs, result.get('registries'))
        assert_clean_message(result['msg'], (INTERNAL,), 'internal list %r' % (docs,))
        return
    if failed:
        assert_clean_message(result['msg'], (), repr(filters))
        if TOLERABLE in (key_verdict, docs_verdict):
            return
    expected = expected_filter([from_doc(d, details=True) for d in docs], filters)
    if filters.get('registry_id') is not None and filters['registry_id'] not in [d['id'] for d in docs]:
        assert failed, 'registry_id %s does not exist, yet: %r' % (filters['registry_id'], result)
        return
    assert not failed, 'a valid internal list failed: %s' % result.get('msg')
    assert result['registries'] == expected


@SETTINGS
@given(docs=DOCS_ANSWER, key=PUBLIC_KEY_ANSWER, check_mode=st.booleans(), data=st.data())
def test_registry_module_comparing_credentials_survives_any_internal_answer(docs, key, check_mode, data):
    """update_secrets: compare reads the internal list; a bad document must fail before any write."""
    openapi = [project(from_doc(d)) for d in docs] if classify_internal(docs) != INVALID else []
    task = draw_task(data, openapi, present_only=True)
    task.update(access_key=data.draw(st.sampled_from(['', STORED_SECRETS[0]]), label='access_key') or 'AK-new-2',
                secret_key=STORED_SECRETS[1])
    key_verdict, docs_verdict = classify_public_key(key), classify_internal(docs)
    routes = server(openapi=js(openapi, valid=True), public_key=js(key, valid=key_verdict != INVALID),
                    internal=internal_answer(docs, valid=docs_verdict != INVALID))
    result, failed, session = run_module(zadig_registry, task, routes, check_mode)
    assert_no_write_after_bad_answer(session)
    if check_mode:
        assert session.writes() == [], 'check mode sent a write: %r' % session.writes()
    text = json.dumps(result)
    assert TOKEN not in text and not any(secret in text for secret in STORED_SECRETS + ('AK-new-2',))
    reads = read_routes(session)
    if (key_verdict == INVALID and PUBLIC_KEY in reads) or (docs_verdict == INVALID and INTERNAL in reads):
        assert failed, 'a bad answer was used: key %r, docs %r -> %r' % (key, docs, result)
        assert_clean_message(result['msg'], (PUBLIC_KEY, INTERNAL), repr(task))
        assert session.writes() == []
        return
    if failed:
        assert_clean_message(result['msg'], bad_reads(session), repr(task))


@SETTINGS
@given(write=WRITE_ANSWER, operation=st.sampled_from(['create', 'update', 'delete', 'credentials']),
       applied=st.booleans())
def test_odd_write_answers_never_pass_for_success(write, operation, applied):
    """A 200 write answer that is not {"message":"success"}: the task fails cleanly or verifies by reading back."""
    base = {'registry_id': IDS[0], 'address': 'https://reg-a.example.com', 'provider': 'harbor', 'region': '',
            'namespace': 'team', 'is_default': True}
    doc = dict(to_doc(base), access_key='AK-stored-1', secret_key='PLAIN:SK-stored-1')
    task = {'address': 'https://reg-a.example.com', 'namespace': 'team', 'provider': 'harbor'}
    after, after_doc, route = [base], [doc], None
    if operation == 'create':
        task = {'address': 'https://reg-b.example.com:5000', 'namespace': 'team', 'provider': 'native'}
        new = {'registry_id': NEW_ID, 'address': task['address'], 'provider': 'native', 'region': '',
               'namespace': 'team', 'is_default': False}
        after, after_doc, route = [base, new], [doc, to_doc(new)], ('POST', OPENAPI)
    elif operation == 'update':
        task['provider'] = 'native'
        after, after_doc, route = [dict(base, provider='native')], [dict(doc, reg_provider='native')], \
            ('PUT', OPENAPI_ID)
    elif operation == 'delete':
        task['state'] = 'absent'
        after, after_doc, route = [], [], ('DELETE', INTERNAL_ID)
    else:
        task.update(access_key='AK-new-2', secret_key='SK-stored-1')
        after_doc, route = [dict(doc, access_key='AK-new-2')], ('PUT', INTERNAL_ID)
    if not applied:
        after, after_doc = [base], [doc]
    routes = server(openapi=[js([base], valid=True), js(after, valid=True)],
                    internal=[internal_answer([doc], valid=True), internal_answer(after_doc, valid=True)],
                    writes={route: write_reply(write)})
    result, failed, session = run_module(zadig_registry, task, routes)
    sent = [(s['method'], s['route']) for s in session.writes()]
    assert sent.count(route) == 1, 'expected one %s %s, sent %s' % (route + (sent,))
    assert not any(TOKEN in s or 'AK-new-2' in s or 'SK-stored-1' in s for s in [json.dumps(result)])
    if not failed:
        assert applied, 'the task reported success, but the server does not hold the change: %r (answer %r)' % (
            result, write)
        assert result['changed'] is True
        return
    answered = routes[route][0] if isinstance(routes[route], list) else routes[route]
    assert_clean_message(result['msg'], () if answered.valid else (route[1].replace('/:id', ''),),
                         'write answer %r' % (write,))
    if applied:
        assert result.get('changed') is True or 'may' in result['msg'], \
            'the server applied the %s, the task says changed=%r without reading back: %s' % (
                operation, result.get('changed'), result['msg'])


# ---- properties: the client itself validates every answer --------------------------------------------------------

@SETTINGS
@given(answer=LIST_ANSWER)
def test_client_list_registries_returns_only_valid_lists(answer):
    verdict = classify_list(answer)
    got, error, _session = _client_call(server(js(answer)), lambda c: c.list_registries())
    if error is not None:
        assert verdict != VALID, 'a valid list was refused: %s' % error
        assert_clean_message(str(error), ('GET ' + OPENAPI,))
        return
    assert verdict != INVALID, 'list_registries handed an invalid answer on unchecked: %r' % (answer,)
    assert [project(r) for r in got] == [project(r) for r in answer]


@SETTINGS
@given(answer=GET_ANSWER)
def test_client_get_registry_returns_only_the_registry_asked_for(answer):
    verdict = classify_registry(answer, IDS[0])
    got, error, _session = _client_call(server(extra={('GET', OPENAPI_ID): js(answer)}),
                                        lambda c: c.get_registry(IDS[0]))
    if error is not None:
        assert verdict != VALID, 'a valid registry was refused: %s' % error
        assert_clean_message(str(error), ('GET %s/%s' % (OPENAPI, IDS[0]),))
        return
    assert verdict != INVALID, 'get_registry handed an invalid answer on unchecked: %r' % (answer,)
    assert project(got) == project(answer)


@SETTINGS
@given(docs=DOCS_ANSWER, key=PUBLIC_KEY_ANSWER)
def test_client_list_registries_full_returns_only_valid_documents(docs, key):
    routes = server(public_key=js(key), internal=internal_answer(docs))
    got, error, session = _client_call(routes, lambda c: c.list_registries_full())
    key_verdict, docs_verdict = classify_public_key(key), classify_internal(docs)
    if error is not None:
        assert worst(key_verdict, docs_verdict) != VALID, 'a valid answer was refused: %s' % error
        assert_clean_message(str(error), (PUBLIC_KEY,) if key_verdict == INVALID else (INTERNAL, PUBLIC_KEY))
        return
    assert key_verdict != INVALID, 'a bad public key answer %r was used' % (key,)
    assert INTERNAL in read_routes(session)
    assert docs_verdict != INVALID, 'list_registries_full handed invalid documents on: %r' % (docs,)
    assert [from_doc(d, details=True) for d in got] == [from_doc(d, details=True) for d in docs]
    plain = {d['id']: d['secret_key'][6:] if str(d.get('secret_key', '')).startswith('PLAIN:') else '' for d in docs}
    assert {d['id']: d['secret_key'] for d in got} == plain


@SETTINGS
@given(write=WRITE_ANSWER, method=st.sampled_from(['create_registry', 'update_registry', 'update_registry_full',
                                                   'delete_registry']))
def test_client_writes_accept_only_success(write, method):
    routes = {'create_registry': ('POST', OPENAPI), 'update_registry': ('PUT', OPENAPI_ID),
              'update_registry_full': ('PUT', INTERNAL_ID), 'delete_registry': ('DELETE', INTERNAL_ID)}
    args = {'create_registry': ({'address': 'https://reg-a.example.com'},), 'delete_registry': (IDS[0],)}
    answer = write_reply(write)
    _got, error, _session = _client_call(server(writes={routes[method]: answer}),
                                         lambda c: getattr(c, method)(*args.get(method, (IDS[0], {}))))
    if answer.valid:
        assert error is None, 'a success answer was refused: %s' % error
        return
    assert error is not None, '%s accepted the 200 answer %r as success' % (method, write)
    assert_clean_message(str(error), (routes[method][1].replace('/:id', ''),))


# ---- the four samples of the bug report (the others: the zadig_registries action's test file) ----------------

def test_sample_is_default_string_false_is_not_read_as_true_by_the_info_filter():
    """is_default: "false" read as true: the is_default filter returns the wrong registry."""
    answer = [reg(IDS[0], is_default='false'), reg(IDS[1], address='https://reg-b.example.com:5000',
                                                   is_default=False)]
    result, failed, _session = run_module(zadig_registry_info, {'is_default': True}, openapi_table(answer))
    assert IDS[0] not in [r.get('registry_id') for r in result.get('registries') or []], \
        'the registry whose is_default is the string "false" was returned as the default: %r' % result
    assert failed, result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert 'is_default' in result['msg']


@pytest.mark.parametrize('wanted', [True, False])
@pytest.mark.parametrize('check_mode', [False, True])
def test_sample_is_default_string_false_never_reports_ok_nor_writes(wanted, check_mode):
    """is_default: "false" with a task saying is_default true reported ok, no write; false sent a PUT."""
    answer = [reg(IDS[0], is_default='false')]
    result, failed, session = run_module(zadig_registry, dict(TASK_A, is_default=wanted), openapi_table(answer),
                                         check_mode)
    assert failed, 'is_default "false" was read as %s: %r (writes %s)' % (
        'true' if wanted else 'something to change', result, [(s['method'], s['path']) for s in session.writes()])
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert 'is_default' in result['msg']
    assert session.writes() == []


# ---- transport oddities: what a proxy, a portal or a broken connection answers ------------------------------------

VALID_BODY = {
    'list': [reg()],
    'internal': [dict(to_doc(reg()), access_key='AK-stored-1', secret_key='')],
    'public_key': {'publicKey': PEM},
    'create': SUCCESS,
}


def _target(target, answer):
    """Drive ``target`` (a route) with ``answer`` through a real entry point: (module, args, routes, route)."""
    if target == 'list':
        return zadig_registry_info, {}, server(answer), OPENAPI
    if target == 'internal':
        return zadig_registry_info, {'details': True}, server(internal=answer), INTERNAL
    if target == 'public_key':
        return zadig_registry_info, {'details': True}, server(public_key=answer), PUBLIC_KEY
    created = reg(NEW_ID, address='https://reg-b.example.com:5000')
    return zadig_registry, {'address': 'https://reg-b.example.com:5000', 'namespace': 'team', 'provider': 'harbor'}, \
        server([js([], valid=True), js([created], valid=True)], writes={('POST', OPENAPI): answer}), OPENAPI


def _deep(depth):
    return b'[' * depth + b']' * depth


def _truncated(body):
    return dict(content=body[:len(body) // 2], headers={'Content-Length': str(len(body))})


def _oddities(target):
    body = json.dumps(VALID_BODY[target]).encode()
    return {
        'HTML login page with 200': dict(content=LOGIN_PAGE, content_type='text/html; charset=utf-8'),
        'HTML login page served as application/json': dict(content=LOGIN_PAGE),
        'HTML page with a long multi-line title': dict(
            content='<html><head><title>\n  Access\r\n denied %s\n</title></head></html>' % ('x' * 5000),
            content_type='text/html'),
        'empty 200': dict(content=b''),
        'plain text OK': dict(content=b'OK', content_type='text/plain'),
        'JSON with a UTF-8 BOM': dict(content=b'\xef\xbb\xbf' + body, tolerable=True),
        'JSON with a BOM and no charset': dict(content=b'\xef\xbb\xbf' + body, content_type='application/json',
                                               tolerable=True),
        'JSON then trailing garbage': dict(content=body + b'\n<!-- served from cache -->'),
        'two JSON documents': dict(content=body + body),
        'JSON NaN': dict(content=b'NaN'),
        'deeply nested JSON': dict(content=_deep(100000)),
        'huge non-JSON body (8 MB)': dict(content=b'<html>' + b'A' * 8000000),
        'invalid UTF-8': dict(content=b'\xff\xfe[\x00{\x00'),
        'gzip declared, body not gzip': dict(content=body, headers={'Content-Encoding': 'gzip'}),
        'gzip declared, body not gzip, read lazily': dict(content=body, headers={'Content-Encoding': 'gzip'},
                                                          lazy=True),
        'truncated body (ChunkedEncodingError)': _truncated(body),
        'truncated body, read lazily': dict(_truncated(body), lazy=True),
    }


ODDITY_CASES = [(target, name) for target in ('list', 'internal', 'public_key', 'create')
                for name in _oddities(target)]


@pytest.mark.parametrize('target, oddity', ODDITY_CASES, ids=['%s: %s' % case for case in ODDITY_CASES])
def test_transport_oddities_fail_cleanly(target, oddity):
    spec = dict(_oddities(target)[oddity])
    tolerable = spec.pop('tolerable', False)
    answer = reply(200, valid=False, **spec)
    module, args, routes, route = _target(target, answer)
    started = _time.monotonic()
    result, failed, session = run_module(module, args, routes)
    assert _time.monotonic() - started < 10
    if not failed and tolerable:
        if target == 'create':
            assert result['changed'] is True and result['registry']['registry_id'] == NEW_ID
        elif target == 'list':
            assert result['registries'] == VALID_BODY['list']
        else:
            assert [r['registry_id'] for r in result['registries']] == [IDS[0]]
        return
    assert failed, 'the %s answer was taken as valid: %r' % (oddity, result)
    assert_clean_message(result['msg'], (route,), oddity)
    if target == 'create':
        assert [s['method'] for s in session.writes()] == ['POST']
        # Zadig may have saved it (the created registry is on the read-back list).
        assert result.get('changed') is True or 'may' in result['msg'], \
            'a garbled answer to POST was taken as "nothing saved" without reading back: %r' % result
    else:
        assert session.writes() == []


@pytest.mark.parametrize('exc', [
    requests.exceptions.ChunkedEncodingError('Connection broken: IncompleteRead(7 bytes read, 993 more expected)'),
    requests.exceptions.ContentDecodingError('Received response with content-encoding: gzip, but failed to decode it.'),
], ids=['ChunkedEncodingError', 'ContentDecodingError'])
def test_broken_transfer_raised_by_request_fails_cleanly(exc):
    result, failed, session = run_module(zadig_registry_info, {}, server(raises(exc)))
    assert failed
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert session.writes() == []


def test_huge_valid_list_is_read_correctly():
    registries = [reg('%024x' % (0x65a1b2c3d4e5f60718290000 + i), address='https://r%d.example.com' % i)
                  for i in range(20000)]
    result, failed, _session = run_module(zadig_registry_info, {'address': 'https://r19999.example.com'},
                                          server(js(registries, valid=True)))
    assert not failed, result.get('msg')
    assert result['registries'] == [registries[-1]]


@pytest.mark.parametrize('status, content, content_type', [
    (500, LOGIN_PAGE, 'text/html; charset=utf-8'),
    (502, '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>'
          '</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n', 'text/html'),
    (401, LOGIN_PAGE, 'text/html; charset=utf-8'),
    (500, json.dumps({'code': 500, 'description': 'x' * 1000000, 'message': 'Internal Error: '}), 'application/json'),
    (500, json.dumps({'code': 500, 'description': 'first line\nsecond line\n\tthird', 'message': 'Internal Error: '}),
     'application/json'),
    (400, json.dumps({'code': 400, 'description': None, 'message': ['Bad', 'Request'], 'type': 'error'}),
     'application/json'),
    (500, json.dumps({'code': 500, 'description': {'nested': ['x']}, 'message': 'Internal Error: '}),
     'application/json'),
    (500, json.dumps(['not', 'an', 'error', 'object']), 'application/json'),
    (403, json.dumps({'reason': 12}), 'application/json'),
], ids=['500 HTML', '502 nginx page', '401 SSO page', '500 huge description', '500 multi-line description',
        '400 message a list', '500 description an object', '500 a list', '403 reason a number'])
def test_error_answers_give_one_short_line(status, content, content_type):
    result, failed, _session = run_module(zadig_registry_info, {},
                                          server(reply(status, content, content_type, valid=False)))
    assert failed
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,), 'HTTP %d' % status)
    assert str(status) in result['msg']


def test_a_one_letter_stored_access_key_does_not_garble_messages():
    """A stored access_key is masked in messages; a short one must not turn every message into asterisks."""
    docs = [dict(to_doc(reg()), access_key='e', secret_key='')]
    result, failed, _session = run_module(zadig_registry_info, {'details': True, 'registry_id': IDS[1]},
                                          server(internal=internal_answer(docs, valid=True)))
    assert failed
    assert 'does not exist' in result['msg'] and IDS[1] in result['msg'], result['msg']


def test_ensure_registries_direct_call_with_bad_list_raises_an_expected_error():
    """module_utils called directly: an expected error with the route, never a TypeError."""
    with serving(openapi_table([None, 1, 'x'])) as (session, _patch):
        client = ZadigClient(URL, TOKEN, retries=0)
        with pytest.raises((ZadigAPIError, TaskError, InputError, ConflictError)) as info:
            ensure_registries(client, [TASK_A])
    assert_clean_message(str(info.value), ('GET ' + OPENAPI,))
    assert session.writes() == []


# ---- more explicit cases the properties found -------------------------------------------------------------------

@pytest.mark.parametrize('key', [{'publicKey': 'garbage'}, {'publicKey': EC_PEM}, {'publicKey': PRIVATE_PEM},
                                 {'publicKey': PEM[:120]}], ids=['garbage', 'EC key', 'private key', 'cut PEM'])
def test_unusable_public_key_fails_in_words(key):
    result, failed, session = run_module(zadig_registry_info, {'details': True}, server(public_key=js(key)))
    assert failed
    assert_clean_message(result['msg'], ('GET ' + PUBLIC_KEY,))
    assert INTERNAL not in read_routes(session)


@pytest.mark.parametrize('field', ['namespace', 'region', 'access_key', 'secret_key', 'reg_addr',
                                   'advanced_setting.enable_tls', 'advanced_setting.tls_cert',
                                   'advanced_setting.modified'])
def test_null_in_an_internal_document_is_refused(field):
    """Go never sends null for a string or a bool: a null is a broken answer, not an empty value."""
    doc = _mutate((dict(to_doc(reg()), access_key='AK-stored-1', secret_key='PLAIN:SK-stored-1'), [(field, None)],
                   {}))
    result, failed, session = run_module(zadig_registry_info, {'details': True},
                                         server(internal=internal_answer([doc])))
    assert failed, '%s: null was read as a value: %r' % (field, result)
    assert_clean_message(result['msg'], ('GET ' + INTERNAL,))
    assert field.split('.')[-1] in result['msg']
    assert session.writes() == []


@pytest.mark.parametrize('stored', [dict(namespace='te\nam'), dict(address='https://reg-a.example.com/\r\nX: y'),
                                    dict(address='https://' + 'x' * 3000)],
                         ids=['newline in namespace', 'CRLF in address', '3000-character address'])
def test_server_strings_do_not_break_the_one_line_message(stored):
    """A message that names a registry quotes what the server holds: a newline or 3000 characters must not
    turn the one sentence into a wall of text."""
    answer = [reg(**stored)]
    result, failed, _session = run_module(zadig_registry, {'registry_id': IDS[0], 'is_default': True},
                                          openapi_table(answer, readback=answer))
    assert failed  # the read-back shows the write did not take
    assert_clean_message(result['msg'], (), repr(stored))
