# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every key a result carries is in the module's RETURN, under a ``returned:`` that holds, and no secret is in it.

Each scenario runs a module the way its own tests do: zadig_registry and zadig_registry_info through ``main()``
against scripted HTTP (the exact requests pinned), or against the simulator in process where Zadig's encrypted
internal read cannot be scripted (the route templates pinned); zadig_registries through its action plugin, which is
all it is. The result is then read against the RETURN block parsed from the module itself.
"""

from __future__ import annotations

import json
from unittest import mock

import pytest
import yaml

from ansible_collections.zadig.core.plugins.module_utils import _crypto, _entry, _transport as transport
from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI
from ansible_collections.zadig.core.plugins.modules import zadig_registries, zadig_registry, zadig_registry_info
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.scripted_lists import ENTRIES, ID_C, SERVER, entry
from ansible_collections.zadig.core.tests.unit.scripted_registry import (
    HARBOR, ID_A, ID_B, ID_NEW, OK, OTHER, REFUSED, TASK, no_references_route, reg, unused)
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

pytest.importorskip('cryptography')

URL = 'https://zadig.example.com'
TOKEN = 'tok-doc-returns-9f8e7d'
ADMIN = 'admin-doc-returns-5c4b'
USER = 'user-doc-returns-3a2f'
AK, SK = 'AK-doc-returns-1a2b', 'SK-doc-returns-3c4d'          # what a task names
AK_OLD, SK_OLD = 'AK-stored-returns-5e6f', 'SK-stored-returns-7a8b'  # what the server holds
# A JSON key file, as Google's registries take for the user _json_key: Zadig stores its newlines as given.
KEY_FILE = '{\n  "type": "service_account",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEdocreturns\\n"\n}\n'
KEY_LINE = '"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEdocreturns\\n"'
SECRETS = (TOKEN, ADMIN, USER, AK, SK, AK_OLD, SK_OLD, KEY_FILE, KEY_LINE)
ID_RIVAL = '65a1b2c3d4e5f60718293afe'

# ansible-core's own keys, which a RETURN block does not document.
CORE = {'changed', 'failed', 'msg', 'warnings', 'diff', 'invocation', 'skipped', 'deprecations', 'exception'}
ZADIG_FAILURE = ('status', 'description', 'method', 'path')
# Documented in a key's prose instead of as a key: ansible-test refuses a return key named ``update``.
PROSE = {'drift': {'update'}}

# Simulator route templates (sim.log), for the scenarios that need the encrypted read.
KEY = 'GET /api/aslan/system/rsaKey/publicKey'
FULL_LIST = 'GET /api/aslan/system/registry/namespaces'
FULL_PUT = 'PUT /api/aslan/system/registry/namespaces/:id'
LIST = 'GET /openapi/system/registry'
POST = 'POST /openapi/system/registry'

NOT_SAVED = {'code': 500, 'description': 'namespace cannot be empty', 'message': 'Internal Error: '}
SYNC_FAILED = {'code': 500, 'description': 'failed to sync dind', 'message': 'x'}
FORBIDDEN = {'code': 403, 'description': 'permission denied', 'message': 'Forbidden'}
REFUSED_4 = [Call('GET', OPENAPI, exc=REFUSED)] * 4  # a GET is tried four times before it fails
CREATED = reg(ID_NEW)
USED_BY_SHOP = {'references': [{'project_name': 'shop', 'project_alias': '', 'envs': [{'name': 'dev', 'alias': ''}]}]}


def documented(module):
    return yaml.safe_load(module.RETURN)


DOCS = {name: documented(module) for name, module in (
    ('zadig_registry', zadig_registry), ('zadig_registry_info', zadig_registry_info),
    ('zadig_registries', zadig_registries))}
REGISTRY_SHAPE = set(DOCS['zadig_registry']['registry']['contains'])
PREVIOUS_DEFAULT_SHAPE = set(DOCS['zadig_registry']['previous_default']['contains'])


def _on_success(spec):
    return spec['returned'].startswith(('always', 'on success'))


def _only_on_success(spec):
    return spec['returned'] == 'on success'


# ---- the scenarios -----------------------------------------------------------------------------------------------

def case(name, args, calls=None, seed=None, log=None, check_mode=False, token=TOKEN, failed=False, only_msg=False,
         present=(), absent=(), equal=None, then=None, no_requests=False, no_cryptography=False):
    """One scenario: ``calls`` scripts the HTTP exchange; ``seed`` prepares a simulator instead, ``log`` its routes.

    ``present``/``absent`` are the keys the docs' ``returned:`` conditions require or exclude here, ``equal`` the
    values they promise; ``only_msg`` is a failure of the task's own rules, which the docs say carries only msg.
    """
    spec = dict(args=args, calls=calls, seed=seed, log=log, check_mode=check_mode, token=token, failed=failed,
                only_msg=only_msg, present=set(present), absent=set(absent), equal=equal or {}, then=then,
                no_requests=no_requests, no_cryptography=no_cryptography)
    return pytest.param(spec, id=name)


def harbor_with_secrets(sim):
    sim.seed('https://harbor.example.com', provider='harbor', namespace='platform', is_default=True,
             access_key=AK_OLD, secret_key=SK_OLD, enable_tls=True, tls_cert='-----BEGIN CERT A', projects=['p1'])


def nothing(sim):
    """An empty server."""


def projects_put_fails(sim):
    """An empty server whose internal PUT (which sets the projects of a new registry) answers 500, saving nothing."""
    sim.add_fault('status', method='PUT', path=INTERNAL + '/.*', status=500, description='projects not saved')


def first_result_has(key, value=None):
    def check(result):
        assert key in result['results'][0], result['results'][0]
        if value is not None:
            assert result['results'][0][key] == value
    return check


def first_result_lacks(key):
    def check(result):
        assert key not in result['results'][0], result['results'][0]
    return check


def bad_creds_echoed():
    """A 500 whose description repeats what it was sent, the token and the credentials included."""
    return dict(NOT_SAVED, description='bad body: access_key=%s secret_key=%s, Authorization: Bearer %s' % (
        AK, SK, TOKEN))


REGISTRY_CASES = [
    case('unchanged', dict(TASK, is_default=True), [Call('GET', OPENAPI, answer=[OTHER, HARBOR])],
         present={'registry'}, absent={'secrets', 'previous_default', 'duplicates'}, equal={'registry': HARBOR}),
    case('create-naming-no-secret', TASK, [
        Call('GET', OPENAPI, answer=[OTHER]), Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, CREATED])],
        present={'registry'}, absent={'secrets', 'previous_default'}, equal={'registry': CREATED}),
    case('create-on_create-naming-secrets', dict(TASK, access_key=AK, secret_key=SK, update_secrets='on_create'), [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, answer=OK), Call('GET', OPENAPI, answer=[CREATED])],
        present={'registry', 'secrets'}, equal={'secrets': {'access_key': 'changed', 'secret_key': 'changed'}}),
    case('check-mode-create-naming-a-secret', dict(TASK, secret_key=SK, update_secrets='on_create'),
         [Call('GET', OPENAPI, answer=[])], check_mode=True,
         present={'registry', 'secrets'}, equal={'secrets': {'secret_key': 'changed'}}),
    case('create-compare-naming-a-secret', dict(TASK, secret_key=SK), seed=nothing,
         log=[KEY, FULL_LIST, POST, FULL_LIST],
         present={'registry', 'secrets'}, equal={'secrets': {'secret_key': 'changed'}}),
    case('update-compare-rotating-a-secret', dict(TASK, access_key=AK_OLD, secret_key=SK), seed=harbor_with_secrets,
         log=[KEY, FULL_LIST, FULL_PUT, FULL_LIST],
         present={'registry', 'secrets'}, equal={'secrets': {'access_key': 'unchanged', 'secret_key': 'changed'}}),
    case('unchanged-compare-naming-a-secret', dict(TASK, secret_key=SK_OLD), seed=harbor_with_secrets,
         log=[KEY, FULL_LIST], present={'registry', 'secrets'}, equal={'secrets': {'secret_key': 'unchanged'}}),
    case('existing-on_create-naming-a-secret', dict(TASK, secret_key=SK, update_secrets='on_create'),
         [Call('GET', OPENAPI, answer=[HARBOR])], present={'registry'}, absent={'secrets'}),
    case('moves-the-default', dict(TASK, is_default=True), [
        Call('GET', OPENAPI, answer=[dict(OTHER, is_default=True), reg(ID_A)]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_A, is_default=True)])],
        present={'registry', 'previous_default'}),
    case('delete', dict(TASK, state='absent'), [
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_A)]), unused(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, answer=OK), Call('GET', OPENAPI, answer=[OTHER])],
        present={'registry'}, absent={'secrets'}, equal={'registry': {}}),
    case('delete-naming-a-secret', dict(TASK, state='absent', secret_key=SK), [
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_A)]), unused(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, answer=OK), Call('GET', OPENAPI, answer=[OTHER])],
        present={'registry'}, absent={'secrets'}, equal={'registry': {}}),
    # failures from Zadig: status, description, method and path
    case('read-answered-403', TASK, [Call('GET', OPENAPI, 403, answer=FORBIDDEN)], failed=True,
         present=ZADIG_FAILURE, absent={'registry', 'secrets'},
         equal={'status': 403, 'method': 'GET', 'path': OPENAPI, 'description': 'permission denied'}),
    case('create-refused-500-not-saved', dict(TASK, access_key=AK, secret_key=SK, update_secrets='on_create'), [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, 500, answer=NOT_SAVED), Call('GET', OPENAPI, answer=[])],
        failed=True, present=ZADIG_FAILURE, absent={'registry', 'secrets'},
        equal={'status': 500, 'method': 'POST', 'path': OPENAPI, 'changed': False}),
    case('create-500-echoing-secrets-token-with-newline', dict(TASK, access_key=AK, secret_key=SK,
                                                               update_secrets='on_create'), [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, 500, answer=bad_creds_echoed()),
        Call('GET', OPENAPI, answer=[])], token=TOKEN + '\n',
        failed=True, present=ZADIG_FAILURE, absent={'registry'}, equal={'status': 500}),
    case('create-saved-then-500', TASK, [
        Call('GET', OPENAPI, answer=[OTHER]), Call('POST', OPENAPI, 500, answer=SYNC_FAILED),
        Call('GET', OPENAPI, answer=[OTHER, CREATED])],
        failed=True, present={'registry'} | set(ZADIG_FAILURE),
        equal={'registry': CREATED, 'status': 500, 'method': 'POST', 'changed': True}),
    case('delete-saved-then-500', {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR]), unused(ID_A), Call('DELETE', INTERNAL + '/' + ID_A, 500),
        Call('GET', OPENAPI, answer=[])],
        failed=True, present={'registry'} | set(ZADIG_FAILURE), equal={'registry': {}, 'method': 'DELETE',
                                                                       'path': INTERNAL + '/' + ID_A}),
    case('created-then-projects-refused', dict(TASK, projects=['p1']), seed=projects_put_fails,
         log=[KEY, FULL_LIST, POST, FULL_LIST, FULL_PUT], failed=True, present={'registry'} | set(ZADIG_FAILURE),
         equal={'status': 500, 'method': 'PUT', 'changed': True}),
    case('write-not-applied', dict(TASK, provider='native'), [
        Call('GET', OPENAPI, answer=[HARBOR]), Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[HARBOR])],
        failed=True, present={'registry'}, absent=ZADIG_FAILURE, equal={'registry': HARBOR, 'changed': True}),
    case('delete-in-use-refused-by-v41', {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR]), no_references_route(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, 500, answer={
            'code': 500, 'description': "The registry cannot be deleted, it's being used by environment",
            'message': 'Internal Error: '}),
        Call('GET', OPENAPI, answer=[HARBOR])],
        failed=True, present=ZADIG_FAILURE, absent={'registry'}, equal={'status': 500, 'method': 'DELETE'}),
    case('connection-refused', TASK, REFUSED_4, failed=True, present=ZADIG_FAILURE, absent={'registry'},
         equal={'status': None, 'description': None, 'method': 'GET', 'path': OPENAPI}),
    case('non-admin-token-compare', dict(TASK, secret_key=SK), seed=harbor_with_secrets, log=[KEY, FULL_LIST],
         token=USER, failed=True, present=ZADIG_FAILURE, absent={'registry', 'secrets'},
         equal={'status': 403, 'method': 'GET', 'path': INTERNAL}),
    case('rival-create-duplicates', TASK, [
        Call('GET', OPENAPI, answer=[OTHER]), Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_RIVAL), CREATED])],
        failed=True, present={'duplicates', 'registry'}, absent=ZADIG_FAILURE, equal={'registry': {}}),
    # failures before any request: connection options and libraries carry status null, the task's rules only msg
    case('bad-zadig-url', dict(TASK, zadig_url='ftp://zadig.example.com'), [], failed=True, present=ZADIG_FAILURE,
         equal={'status': None}),
    case('no-cryptography', dict(TASK, secret_key=SK), [], no_cryptography=True, failed=True, present=ZADIG_FAILURE,
         equal={'status': None}),
    case('no-requests', TASK, [], no_requests=True, failed=True, absent=ZADIG_FAILURE),
    case('bad-address', dict(TASK, address='harbor.example.com'), [], failed=True, only_msg=True),
    case('update-compare-to-a-multi-line-secret', dict(TASK, secret_key=KEY_FILE), seed=harbor_with_secrets,
         log=[KEY, FULL_LIST, FULL_PUT, FULL_LIST],
         present={'registry', 'secrets'}, equal={'secrets': {'secret_key': 'changed'}}),
    case('unknown-option', dict(TASK, colour='blue'), [], failed=True, only_msg=True),
    case('several-match', TASK, [Call('GET', OPENAPI, answer=[HARBOR, dict(HARBOR, registry_id=ID_B)])],
         failed=True, only_msg=True),
    case('unknown-registry-id', {'registry_id': ID_NEW, 'namespace': 'x'}, [Call('GET', OPENAPI, answer=[HARBOR])],
         failed=True, only_msg=True),
    case('delete-in-use-said-by-v42', {'registry_id': ID_A, 'state': 'absent'}, [
        Call('GET', OPENAPI, answer=[HARBOR]),
        Call('GET', '%s/%s/references' % (INTERNAL, ID_A), answer=USED_BY_SHOP)],
        failed=True, only_msg=True),
]

A = dict(HARBOR, address='HTTPS://Harbor.Example.com/')
B = {'registry_id': ID_B, 'address': 'https://ecr.example.com', 'provider': 'ecr', 'region': 'eu-west-1',
     'namespace': '', 'is_default': False}
TWIN = dict(HARBOR, registry_id=ID_RIVAL, is_default=False)


def details_shown(result):
    assert {'enable_tls', 'tls_cert', 'projects'} <= set(result['registries'][0])


INFO_CASES = [
    case('list', {}, [Call('GET', OPENAPI, answer=[A, B])], present={'registries', 'zadig_registries', 'duplicates'},
         equal={'duplicates': []}),
    case('list-token-with-newline', {'provider': 'ecr'}, [Call('GET', OPENAPI, answer=[A, B])], token=TOKEN + '\n',
         present={'registries', 'zadig_registries', 'duplicates'}, equal={'registries': [B]}),
    case('duplicates', {}, [Call('GET', OPENAPI, answer=[A, B, TWIN])],
         present={'registries', 'zadig_registries', 'duplicates'}, equal={'duplicates': [[A, TWIN]]}),
    case('details', {'details': True}, seed=harbor_with_secrets, log=[KEY, FULL_LIST],
         present={'registries', 'zadig_registries', 'duplicates'}, then=details_shown),
    case('details-non-admin', {'details': True}, seed=harbor_with_secrets, log=[KEY, FULL_LIST], token=USER,
         failed=True, present=ZADIG_FAILURE, absent={'registries', 'zadig_registries', 'duplicates'},
         equal={'status': 403, 'method': 'GET', 'path': INTERNAL}),
    case('list-answered-500', {}, [Call('GET', OPENAPI, 500, answer=NOT_SAVED)], failed=True, present=ZADIG_FAILURE,
         absent={'registries'}, equal={'status': 500, 'description': 'namespace cannot be empty'}),
    case('list-answered-404-text', {}, [Call('GET', OPENAPI, 404, text='Invalid path: /openapi/system/registry')],
         failed=True, present=ZADIG_FAILURE, equal={'status': 404}),
    case('connection-refused', {}, REFUSED_4, failed=True, present=ZADIG_FAILURE,
         equal={'status': None, 'description': None, 'method': 'GET', 'path': OPENAPI}),
    case('bad-zadig-url', {'zadig_url': 'zadig.example.com'}, [], failed=True, present=ZADIG_FAILURE,
         equal={'status': None}),
    case('no-cryptography', {'details': True}, [], no_cryptography=True, failed=True, present=ZADIG_FAILURE,
         equal={'status': None}),
    case('no-requests', {}, [], no_requests=True, failed=True, absent=ZADIG_FAILURE),
    case('unknown-registry-id', {'registry_id': 'f' * 24}, [Call('GET', OPENAPI, answer=[A, B])], failed=True,
         only_msg=True),
    case('malformed-registry-id', {'registry_id': ID_A.upper()}, [], failed=True, only_msg=True),
]


def list_args(entries, **kwargs):
    return dict(registries=entries, **kwargs)


LIST_SUCCESS = {'results', 'purged', 'deduped', 'drift'}
LIST_AFTER = [SERVER[0], dict(SERVER[1], provider='harbor'),
              reg('65a1b2c3d4e5f607182930ff', 'https://new.example.com', namespace='ns', provider='native')]
TWO_NEW = [entry('n1'), entry('n2')]


def in_sync(value):
    def check(result):
        assert result['drift']['in_sync'] is value
    return check


def count(key, number):
    def check(result):
        assert len(result[key]) == number, result[key]
    return check


def not_compared(result):
    assert result['drift']['not_compared'] == ['secret_key']
    first_result_lacks('secrets')(result)


def not_compared_on_create(result):
    """A create sets the secret whatever the token may read: its result says so, as the docs promise."""
    assert result['drift']['not_compared'] == ['secret_key']
    first_result_has('secrets', {'secret_key': 'changed'})(result)


LIST_CASES = [
    case('in-sync', list_args([dict(TASK, is_default=True)]), [Call('GET', OPENAPI, answer=[HARBOR, OTHER])],
         present=LIST_SUCCESS, then=in_sync(True)),
    case('create-update-delete', list_args(ENTRIES), [
        Call('GET', OPENAPI, answer=SERVER), unused(ID_C), Call('PUT', OPENAPI + '/' + SERVER[1]['registry_id'], answer=OK),
        Call('POST', OPENAPI, answer=OK), Call('DELETE', INTERNAL + '/' + ID_C, answer=OK),
        Call('GET', OPENAPI, answer=LIST_AFTER)],
        present=LIST_SUCCESS, absent=ZADIG_FAILURE, then=in_sync(False)),
    case('check-mode-create-update-delete', list_args(ENTRIES), [Call('GET', OPENAPI, answer=SERVER), unused(ID_C)],
         check_mode=True, present=LIST_SUCCESS, then=in_sync(False)),
    case('check-mode-purge', list_args([entry('a')], purge=True), [
        Call('GET', OPENAPI, answer=SERVER), unused(SERVER[1]['registry_id']), unused(ID_C)],
        check_mode=True, present=LIST_SUCCESS, then=count('purged', 2)),
    case('check-mode-dedupe', list_args([entry('a')], dedupe=True), [
        Call('GET', OPENAPI, answer=[SERVER[0], dict(SERVER[0], registry_id=ID_RIVAL, is_default=False)]),
        unused(SERVER[0]['registry_id']), unused(ID_RIVAL)],
        check_mode=True, present=LIST_SUCCESS, then=count('deduped', 1)),
    case('moves-the-default', list_args([dict(TASK, is_default=True)]), [
        Call('GET', OPENAPI, answer=[dict(OTHER, is_default=True), reg(ID_A)]),
        Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_A, is_default=True)])],
        present=LIST_SUCCESS, then=first_result_has('previous_default')),
    case('create-compare-naming-a-secret', list_args([dict(TASK, secret_key=SK)]), seed=nothing,
         log=[KEY, FULL_LIST, POST, FULL_LIST], present=LIST_SUCCESS,
         then=first_result_has('secrets', {'secret_key': 'changed'})),
    case('update-compare-rotating-a-secret', list_args([dict(TASK, access_key=AK_OLD, secret_key=SK)]),
         seed=harbor_with_secrets, log=[KEY, FULL_LIST, FULL_PUT, FULL_LIST], present=LIST_SUCCESS,
         then=first_result_has('secrets', {'access_key': 'unchanged', 'secret_key': 'changed'})),
    case('existing-on_create-naming-a-secret', list_args([dict(TASK, secret_key=SK, update_secrets='on_create')]),
         [Call('GET', OPENAPI, answer=[HARBOR])], present=LIST_SUCCESS, then=first_result_lacks('secrets')),
    case('check-mode-non-admin-existing', list_args([dict(TASK, secret_key=SK)]), seed=harbor_with_secrets,
         log=[KEY, FULL_LIST, LIST], token=USER, check_mode=True, present=LIST_SUCCESS, then=not_compared),
    case('check-mode-non-admin-create', list_args([dict(TASK, secret_key=SK)]), seed=nothing,
         log=[KEY, FULL_LIST, LIST], token=USER, check_mode=True, present=LIST_SUCCESS, then=not_compared_on_create),
    case('delete-naming-a-secret', list_args([dict(TASK, state='absent', secret_key=SK)]), [
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_A)]), unused(ID_A),
        Call('DELETE', INTERNAL + '/' + ID_A, answer=OK), Call('GET', OPENAPI, answer=[OTHER])],
        present=LIST_SUCCESS, then=first_result_lacks('secrets')),
    case('fail-on-drift', list_args(ENTRIES, fail_on_drift=True), [Call('GET', OPENAPI, answer=SERVER), unused(ID_C)],
         failed=True, present={'drift'}, absent=LIST_SUCCESS - {'drift'} | set(ZADIG_FAILURE) | {'registry'},
         equal={'changed': False}),
    case('check-mode-fail-on-drift', list_args(ENTRIES, fail_on_drift=True),
         [Call('GET', OPENAPI, answer=SERVER), unused(ID_C)],
         check_mode=True, failed=True, present={'drift'}, absent=LIST_SUCCESS - {'drift'} | set(ZADIG_FAILURE)),
    case('check-mode-fail-on-drift-non-admin', list_args([dict(TASK, secret_key=SK, provider='native')],
                                                         fail_on_drift=True),
         seed=harbor_with_secrets, log=[KEY, FULL_LIST, LIST], token=USER, check_mode=True, failed=True,
         present={'drift'}, absent=LIST_SUCCESS - {'drift'} | set(ZADIG_FAILURE)),
    case('fail-on-drift-in-sync', list_args([dict(TASK, is_default=True)], fail_on_drift=True),
         [Call('GET', OPENAPI, answer=[HARBOR])], present=LIST_SUCCESS, then=in_sync(True)),
    case('read-answered-403', list_args([TASK]), [Call('GET', OPENAPI, 403, answer=FORBIDDEN)], failed=True,
         present=ZADIG_FAILURE, absent=LIST_SUCCESS | {'registry'}, equal={'status': 403, 'method': 'GET'}),
    case('write-refused-400', list_args([dict(TASK, provider='native')]), [
        Call('GET', OPENAPI, answer=[HARBOR]),
        Call('PUT', OPENAPI + '/' + ID_A, 400, answer={'code': 400, 'description': 'bad', 'message': 'x'})],
        failed=True, present={'drift'} | set(ZADIG_FAILURE), absent=LIST_SUCCESS - {'drift'} | {'registry'},
        equal={'status': 400, 'method': 'PUT', 'changed': False}),
    case('create-500-echoing-secrets-token-with-newline',
         list_args([dict(TASK, access_key=AK, secret_key=SK, update_secrets='on_create')]), [
             Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, 500, answer=bad_creds_echoed()),
             Call('GET', OPENAPI, answer=[])], token=TOKEN + '\n',
         failed=True, present={'drift'} | set(ZADIG_FAILURE), absent=LIST_SUCCESS - {'drift'} | {'registry'}, equal={'status': 500}),
    case('create-saved-then-500', list_args([TASK]), [
        Call('GET', OPENAPI, answer=[OTHER]), Call('POST', OPENAPI, 500, answer=SYNC_FAILED),
        Call('GET', OPENAPI, answer=[OTHER, CREATED])],
        failed=True, present={'registry', 'drift'} | set(ZADIG_FAILURE), absent=LIST_SUCCESS - {'drift'},
        equal={'registry': CREATED, 'status': 500, 'changed': True}),
    case('created-then-projects-refused', list_args([dict(TASK, projects=['p1'])]), seed=projects_put_fails,
         log=[KEY, FULL_LIST, POST, FULL_LIST, FULL_PUT], failed=True, present={'registry', 'drift'} | set(ZADIG_FAILURE),
         absent=LIST_SUCCESS - {'drift'}, equal={'status': 500, 'method': 'PUT', 'changed': True}),
    case('second-entry-fails-after-first-saved', list_args(TWO_NEW), [
        Call('GET', OPENAPI, answer=[]), Call('POST', OPENAPI, answer=OK),
        Call('POST', OPENAPI, 400, answer={'code': 400, 'description': 'bad', 'message': 'x'})],
        failed=True, present={'drift'} | set(ZADIG_FAILURE), absent=LIST_SUCCESS - {'drift'} | {'registry'},
        equal={'changed': True, 'status': 400}),
    case('write-not-applied', list_args([dict(TASK, provider='native')]), [
        Call('GET', OPENAPI, answer=[HARBOR]), Call('PUT', OPENAPI + '/' + ID_A, answer=OK),
        Call('GET', OPENAPI, answer=[HARBOR])],
        failed=True, present={'registry', 'drift'}, absent=LIST_SUCCESS - {'drift'} | set(ZADIG_FAILURE),
        equal={'registry': HARBOR, 'changed': True}),
    case('rival-create-duplicates', list_args([TASK]), [
        Call('GET', OPENAPI, answer=[OTHER]), Call('POST', OPENAPI, answer=OK),
        Call('GET', OPENAPI, answer=[OTHER, reg(ID_RIVAL), CREATED])],
        failed=True, present={'duplicates', 'drift'}, absent=LIST_SUCCESS - {'drift'} | set(ZADIG_FAILURE), equal={'changed': True}),
    case('connection-refused', list_args([TASK]), REFUSED_4, failed=True, present=ZADIG_FAILURE,
         absent=LIST_SUCCESS, equal={'status': None, 'description': None, 'method': 'GET', 'path': OPENAPI}),
    case('non-admin-real-run', list_args([dict(TASK, secret_key=SK)]), seed=harbor_with_secrets, log=[KEY, FULL_LIST],
         token=USER, failed=True, present=ZADIG_FAILURE, absent=LIST_SUCCESS, equal={'status': 403}),
    case('no-requests', list_args([TASK]), [], no_requests=True, failed=True, present=ZADIG_FAILURE,
         absent=LIST_SUCCESS, equal={'status': None}),
    case('bad-zadig-url', list_args([TASK], zadig_url='https://'), [], failed=True, present=ZADIG_FAILURE,
         absent=LIST_SUCCESS, equal={'status': None}),
    case('two-defaults', list_args([dict(TASK, is_default=True), entry('b', is_default=True)]), [], failed=True,
         only_msg=True),
    case('purge-keeping-nothing', list_args([], purge=True), [], failed=True, only_msg=True),
    case('entry-multi-line-secret', list_args([dict(TASK, secret_key=KEY_FILE)]), seed=harbor_with_secrets,
         log=[KEY, FULL_LIST, FULL_PUT, FULL_LIST], present=LIST_SUCCESS,
         then=first_result_has('secrets', {'secret_key': 'changed'})),
    case('entry-unknown-option', list_args([dict(TASK, colour='blue')]), [], failed=True, only_msg=True),
    case('several-match', list_args([TASK]), [Call('GET', OPENAPI, answer=[HARBOR, TWIN])], failed=True,
         only_msg=True),
]


# ---- running a scenario ------------------------------------------------------------------------------------------

def _transport(monkeypatch, spec):
    """Scripted HTTP (pinned by the script), or a simulator whose route log is pinned afterwards."""
    if spec['no_requests']:
        monkeypatch.setattr(_entry, 'HAS_REQUESTS', False)
        monkeypatch.setattr(transport, 'HAS_REQUESTS', False)
    if spec['no_cryptography']:
        monkeypatch.setattr(_crypto, '_CRYPTOGRAPHY', {'error': 'ImportError: No module named cryptography'})
    if spec['seed'] is None:
        session = script(monkeypatch, spec['calls'], base_url=URL)
        return session.assert_done
    sim = Simulator(admin_tokens=[ADMIN], user_tokens=[USER])
    spec['seed'](sim)
    use_simulator(monkeypatch, sim)

    def pinned():
        assert [entry[2] for entry in sim.log] == spec['log']
    return pinned


def _token(spec):
    return ADMIN if spec['seed'] is not None and spec['token'] == TOKEN else spec['token']


def run_module(monkeypatch, module, spec):
    """The module's main(), in process; the result it hands exit_json or fail_json."""
    done = _transport(monkeypatch, spec)
    capture_exit(monkeypatch)
    full = dict(zadig_url=URL, zadig_token=_token(spec), _ansible_check_mode=spec['check_mode'], _ansible_diff=True)
    full.update(spec['args'])
    with module_args(full), pytest.raises(ModuleExit) as info:
        module.main()
    done()
    return dict(info.value.result, failed=True) if info.value.failed else info.value.result


def run_action(monkeypatch, spec):
    """The zadig_registries action plugin, as ansible-core calls it for a local task."""
    from ansible.parsing.dataloader import DataLoader  # pylint: disable=import-outside-toplevel
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible.playbook.task import Task  # pylint: disable=import-outside-toplevel
    from ansible.template import Templar  # pylint: disable=import-outside-toplevel
    from ansible_collections.zadig.core.plugins.action.zadig_registries import ActionModule  # pylint: disable=import-outside-toplevel

    done = _transport(monkeypatch, spec)
    task = Task()
    task.args = dict(dict(zadig_url=URL, zadig_token=_token(spec)), **spec['args'])
    task.module_defaults = []
    task._resolved_action = 'zadig.core.zadig_registries'  # pylint: disable=protected-access
    task._parent = mock.MagicMock()  # pylint: disable=protected-access
    task._parent._play._action_groups = {}  # pylint: disable=protected-access
    context = PlayContext()
    context.check_mode = spec['check_mode']
    context.diff = True
    loader = DataLoader()
    action = ActionModule(task=task, connection=mock.MagicMock(), play_context=context, loader=loader,
                          templar=Templar(loader=loader), shared_loader_obj=None)
    result = action.run(task_vars={})
    done()
    return result


# ---- the checks --------------------------------------------------------------------------------------------------

def undocumented(result, docs):
    """The keys of ``result`` (top level, and one level into each documented ``contains``) the docs do not name."""
    missing = sorted(set(result) - CORE - set(docs))
    for key, spec in docs.items():
        if key not in result or 'contains' not in spec:
            continue
        items = result[key] if isinstance(result[key], list) else [result[key]]
        for item in items:
            if isinstance(item, dict):
                missing += ['%s.%s' % (key, sub) for sub in sorted(set(item) - set(spec['contains'])
                                                                   - PROSE.get(key, set()))]
    return missing


def shapes_of_prose(result, name):
    """Keys the docs describe in prose: "in the shape zadig_registry returns", "in the shape of purged"..."""
    wrong = []

    def within(label, item, allowed):
        if isinstance(item, dict) and not set(item) <= allowed:
            wrong.append('%s has %s' % (label, sorted(set(item) - allowed)))

    if name == 'zadig_registry':
        for item in result.get('duplicates') or []:
            within('duplicates[]', item, REGISTRY_SHAPE)
    if name == 'zadig_registry_info':
        export = {'registry_id', 'address', 'namespace', 'provider', 'region', 'is_default', 'enable_tls',
                  'tls_cert', 'projects'}
        for item in result.get('zadig_registries') or []:
            within('zadig_registries[]', item, export)
        shown = set(DOCS[name]['registries']['contains'])
        for group in result.get('duplicates') or []:
            for item in group:
                within('duplicates[][]', item, shown)
    if name == 'zadig_registries':
        if result.get('registry'):
            within('registry', result['registry'], REGISTRY_SHAPE)
        for item in result.get('results') or []:
            within('results[].registry', item.get('registry'), REGISTRY_SHAPE)
            within('results[].previous_default', item.get('previous_default'), PREVIOUS_DEFAULT_SHAPE)
        for key in ('purged', 'deduped', 'duplicates'):
            for item in result.get(key) or []:
                within(key + '[]', item, REGISTRY_SHAPE)
        drift = result.get('drift') or {}
        known = {'registry_id', 'address', 'namespace'}
        for key, allowed in (('create', {'address', 'namespace'}), ('update', known | {'fields'}),
                             ('delete', known), ('unmanaged', known)):
            for item in drift.get(key) or []:
                within('drift.%s[]' % key, item, allowed)
    return wrong


def no_secret_in(result):
    text = json.dumps(result)
    go_escaped = text.replace('&', '\\u0026').replace('<', '\\u003c').replace('>', '\\u003e')
    leaked = [s for s in SECRETS if s in text or s + '\n' in text or s + '\\n' in text or s in go_escaped]
    assert not leaked, 'secret in the result: %s' % leaked


def check(result, name, spec):
    docs = DOCS[name]
    no_secret_in(result)
    assert undocumented(result, docs) == [], result
    assert shapes_of_prose(result, name) == [], result
    failed = bool(result.get('failed'))
    assert failed is spec['failed'], result.get('msg')
    # status, description, method and path: "returned: with RV(status)"
    assert len({key in result for key in ZADIG_FAILURE}) == 1, result
    if not failed:
        wanted = {key for key, doc in docs.items() if _on_success(doc)}
        assert wanted <= set(result), sorted(wanted - set(result))
        assert not set(ZADIG_FAILURE) & set(result), 'status is returned on a failure only'
    else:
        only_success = {key for key, doc in docs.items() if _only_on_success(doc)}
        assert not only_success & set(result), sorted(only_success & set(result))
    if spec['only_msg']:
        assert set(result) - {'changed', 'failed', 'msg', 'warnings', 'invocation'} == set(), result
    assert spec['present'] <= set(result), sorted(spec['present'] - set(result))
    assert not spec['absent'] & set(result), sorted(spec['absent'] & set(result))
    for key, value in spec['equal'].items():
        assert result.get(key, '<absent>') == value, (key, result.get(key, '<absent>'))
    if spec['then']:
        spec['then'](result)


def test_every_return_block_parses_and_says_when():
    """A key without ``returned:`` could not be checked; the failure keys read the same in the three modules."""
    for name, docs in DOCS.items():
        assert all('returned' in spec for spec in docs.values()), name
        assert {key: docs[key]['returned'] for key in ZADIG_FAILURE} == {
            'status': 'on such a failure', 'description': 'with RV(status)', 'method': 'with RV(status)',
            'path': 'with RV(status)'}, name


@pytest.mark.parametrize('spec', REGISTRY_CASES)
def test_zadig_registry(monkeypatch, spec):
    check(run_module(monkeypatch, zadig_registry, spec), 'zadig_registry', spec)


@pytest.mark.parametrize('spec', INFO_CASES)
def test_zadig_registry_info(monkeypatch, spec):
    check(run_module(monkeypatch, zadig_registry_info, spec), 'zadig_registry_info', spec)


@pytest.mark.parametrize('spec', LIST_CASES)
def test_zadig_registries(monkeypatch, spec):
    result = run_action(monkeypatch, spec)
    check(result, 'zadig_registries', spec)
    if spec['failed'] and 'drift' in result:
        while_writing = result.get('method') in ('POST', 'PUT', 'DELETE') or 'registry' in result or \
            'duplicates' in result
        assert spec['args'].get('fail_on_drift') or while_writing, \
            'drift: only a failure through fail_on_drift or while writing carries it'
