# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile server answers: odd shapes, odd bodies and broken transfers, through the real entry points.

The promise under test: an odd answer never crashes a task. Its shape is checked
in one place, the client, and a bad shape fails with one clear sentence naming
the route and what was wrong. Every example ends in one of:

  (a) a clean failure: ``failed`` with a one-line ``msg`` that names the route
      (and no raw Python exception text), and no write sent after the bad answer;
  (b) a correct result, checked against an oracle written from Zadig's answer
      shapes and the modules' docs: the registries returned equal the server's, the
      filters apply as documented, and no write is sent when the state matches.

Anything else (KeyError, TypeError, AttributeError... escaping, a wrong
registry, a task that reports ok because a malformed value was misread) fails.

Answers come from a lenient fake ``requests.Session`` that answers every request
from a per-route table and records what was sent, and builds real
``requests.Response`` objects on a urllib3 body, so content decoding and
truncated transfers behave as they do on the wire. ``ZADIG_PROPERTY_EXAMPLES``
sets the number of examples per property (200 by default).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import time as _time
from unittest import mock

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.module_utils import _transport  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._manage import (  # noqa: E402  pylint: disable=wrong-import-position
    TaskError, ensure_registries)
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, InputError  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.modules import zadig_registry, zadig_registry_info  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLES = int(os.environ.get('ZADIG_PROPERTY_EXAMPLES', '200'))
# Hypothesis shrinks a failure for up to 300 s; two seconds give a small enough example and keep the file quick
# while the bugs it finds are open. ZADIG_SHRINK_SECONDS=300 restores the default.
try:
    from hypothesis.internal.conjecture import engine as _engine  # pylint: disable=wrong-import-position
    _engine.MAX_SHRINKING_SECONDS = int(os.environ.get('ZADIG_SHRINK_SECONDS', '2'))
except (ImportError, AttributeError):  # pragma: no cover - another hypothesis layout: keep its own limit
    pass
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))

URL = 'https://zadig.example.com'
TOKEN = 'tok-HOSTILE-5e1f9c0d'
# Zadig's routes, written out (not imported from the collection: the test says what a server serves).
OPENAPI = '/openapi/system/registry'
OPENAPI_ID = OPENAPI + '/:id'
INTERNAL = '/api/aslan/system/registry/namespaces'
INTERNAL_ID = INTERNAL + '/:id'
REFERENCES = INTERNAL + '/:id/references'
PUBLIC_KEY = '/api/aslan/system/rsaKey/publicKey'
VALIDATE = '/api/aslan/system/registry/validate'
WRITES = ('POST', 'PUT', 'DELETE')
SUCCESS = {'message': 'success'}
VALID, TOLERABLE, INVALID = 'valid', 'tolerable', 'invalid'

KEYS = ('registry_id', 'address', 'provider', 'region', 'namespace', 'is_default')
STRINGS = ('address', 'provider', 'region', 'namespace')
OMITTABLE = ('region', 'namespace')
REQUIRED = ('registry_id', 'address', 'provider', 'is_default')
HEX24 = re.compile(r'[0-9a-f]{24}')
IDS = ['65a1b2c3d4e5f60718293a%02x' % i for i in range(1, 9)]
NEW_ID = '65a1b2c3d4e5f60718293aff'
HOSTS = ['reg-a.example.com', 'reg-b.example.com:5000', 'reg-c.example.com']
TASK_ADDRESSES = ['https://' + host for host in HOSTS]
NAMESPACES = ['team', 'platform']
PROVIDERS = ['acr', 'tcr', 'swr', 'ecr', 'dockerhub', 'harbor', 'native']
STORED_SECRETS = ('AK-stored-1', 'SK-stored-1')

# Raw Python exception text that must never be a user's error message.
RAW_EXCEPTION = re.compile(
    r"object is not (iterable|subscriptable|callable)|object has no attribute|\b(Key|Type|Attribute|Index|Value|"
    r"Recursion|UnicodeDecode|UnicodeEncode|JSONDecode|ZeroDivision)Error\b|unhashable type|NoneType|Traceback|"
    r"not supported between instances|must be str, not|argument of type|can only concatenate|expected string or "
    r"bytes-like|invalid literal for|index out of range|string indices must be|missing \d+ required positional|"
    r"maximum recursion depth|Expecting value: line|Extra data: line")

LOGIN_PAGE = ('<!DOCTYPE html>\n<html>\n<head><title>Sign in - Corporate SSO</title></head>\n<body>\n'
              '<form method="post" action="/sso/login"><input name="username"><input name="password" '
              'type="password"></form>\n</body>\n</html>\n')


# ---- keys for the internal list's encrypted read -----------------------------------------------------------------

def _keys():
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec, rsa  # pylint: disable=import-outside-toplevel
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())

    def public_pem(key):
        return key.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    private_pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    return rsa_key, public_pem(rsa_key), public_pem(ec_key), private_pem


RSA_KEY, PEM, EC_PEM, PRIVATE_PEM = _keys()


def _unwrap(encrypted_key):
    import base64  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import padding  # pylint: disable=import-outside-toplevel
    return RSA_KEY.decrypt(base64.b64decode(encrypted_key.replace(' ', '+')), padding.PKCS1v15())


def _encrypt(key, plaintext):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # pylint: disable=import-outside-toplevel
    try:
        from cryptography.hazmat.decrepit.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
    except ImportError:  # cryptography < 43
        from cryptography.hazmat.primitives.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), CFB(iv)).encryptor()
    return (iv + encryptor.update(plaintext.encode()) + encryptor.finalize()).hex()


# ---- the fake transport ------------------------------------------------------------------------------------------

def route_of(path):
    if path in (OPENAPI, INTERNAL, PUBLIC_KEY, VALIDATE):
        return path
    if path.startswith(INTERNAL + '/') and path.endswith('/references'):
        return REFERENCES
    if path.startswith(OPENAPI + '/'):
        return OPENAPI_ID
    if path.startswith(INTERNAL + '/'):
        return INTERNAL_ID
    return path


def _build(request, status, content, headers):
    """A real requests.Response over a urllib3 body, as HTTPAdapter builds it off the wire."""
    raw = urllib3.HTTPResponse(body=io.BytesIO(content), headers=headers, status=status, preload_content=False,
                               decode_content=True, reason='OK' if status == 200 else 'Status %d' % status)
    prepared = requests.Request(request['method'], request['url'], params=request['params']).prepare()
    return HTTPAdapter().build_response(prepared, raw)


def reply(status=200, content=b'', content_type='application/json; charset=utf-8', headers=None, valid=None,
          lazy=False):
    """An answer: status, body bytes and headers. ``valid`` tags its shape for the no-write-after-bad-read check;
    ``lazy`` hands the response over unread, so a broken body fails on .text/.json() instead of in request()."""
    content = content.encode('utf-8') if isinstance(content, str) else content

    def answer(request):
        all_headers = {'Content-Type': content_type} if content_type else {}
        all_headers['Content-Length'] = str(len(content))
        all_headers.update(headers or {})
        return _build(request, status, content, all_headers)
    answer.valid = valid
    answer.lazy = lazy
    return answer


def js(value, status=200, valid=None):
    return reply(status, json.dumps(value).encode('utf-8'), valid=valid)


def raises(exc, valid=False):
    def answer(request):
        raise exc
    answer.valid = valid
    answer.lazy = False
    return answer


def internal_answer(docs, valid=None):
    """The internal list: secret_key values written ``PLAIN:<secret>`` are encrypted with the caller's AES key."""
    def answer(request):
        try:
            key = _unwrap((request['params'] or {}).get('encryptedKey') or '')
        except Exception:  # pylint: disable=broad-except
            return _build(request, 500, json.dumps({'code': 500, 'description': 'crypto/rsa: decryption error',
                                                    'message': 'Internal Error: '}).encode(),
                          {'Content-Type': 'application/json; charset=utf-8'})
        out = []
        for doc in docs if isinstance(docs, list) else []:
            if isinstance(doc, dict) and isinstance(doc.get('secret_key'), str) and \
                    doc['secret_key'].startswith('PLAIN:'):
                doc = dict(doc, secret_key=_encrypt(key, doc['secret_key'][6:]))
            out.append(doc)
        body = out if isinstance(docs, list) else docs
        return _build(request, 200, json.dumps(body).encode(), {'Content-Type': 'application/json; charset=utf-8'})
    answer.valid = valid
    answer.lazy = False
    return answer


class _NoSleep:
    """Stands in for the time module in _api: back-off sleeps return at once."""

    def __getattr__(self, name):
        return getattr(_time, name)

    @staticmethod
    def sleep(seconds):
        return None


class FakeSession:
    """Stands in for requests.Session: answers every request from a per-route table and records what was sent.

    ``routes`` maps (method, route) to one answer or a list of answers given in
    turn (the last one repeats). An unknown route answers like Zadig: 404 text.
    """

    def __init__(self, routes):
        self.routes = {key: list(value) if isinstance(value, list) else [value] for key, value in routes.items()}
        self.sent = []
        self.headers = requests.structures.CaseInsensitiveDict()
        self.verify = True
        self.trust_env = True

    def mount(self, prefix, adapter):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, method, url, params=None, json=None, data=None, stream=False, **kwargs):  # pylint: disable=redefined-outer-name
        path = url[len(URL):] if url.startswith(URL) else url
        path = path.split('?', 1)[0]
        queue = self.routes.get((method, route_of(path)))
        if queue:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        else:
            answer = reply(404, 'Invalid path: %s' % path, 'text/plain; charset=utf-8', valid=True)
        self.sent.append(dict(method=method, path=path, route=route_of(path), params=params,
                              body=json if json is not None else data, valid=getattr(answer, 'valid', None)))
        response = answer(dict(method=method, url=url, params=params, body=json, path=path))
        if not stream and not getattr(answer, 'lazy', False):
            response.content  # pylint: disable=pointless-statement  # requests reads the body inside request()
        return response

    def get(self, url, **kwargs):
        return self.request('GET', url, **kwargs)

    def post(self, url, **kwargs):
        return self.request('POST', url, **kwargs)

    def put(self, url, **kwargs):
        return self.request('PUT', url, **kwargs)

    def delete(self, url, **kwargs):
        return self.request('DELETE', url, **kwargs)

    def writes(self):
        return [s for s in self.sent if s['method'] in WRITES]


@contextlib.contextmanager
def serving(routes):
    """Every requests.Session the collection makes is this FakeSession; back-off sleeps are skipped."""
    session = FakeSession(routes)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests, 'Session', lambda *args, **kwargs: session)
        patch.setattr(_transport, 'time', _NoSleep(), raising=False)
        yield session, patch


def server(openapi=(), internal=None, public_key=None, writes=None, extra=None):
    """A route table for a well-behaved server, with the answers under test put in.

    ``openapi`` are the answers to GET /openapi/system/registry in turn (read, read-back...).
    """
    openapi = list(openapi) if isinstance(openapi, (list, tuple)) else [openapi]
    first = openapi[0] if openapi else js([], valid=True)
    routes = {
        ('GET', OPENAPI): openapi or [first],
        ('GET', PUBLIC_KEY): public_key or js({'publicKey': PEM}, valid=True),
        ('GET', INTERNAL): internal or internal_answer([], valid=True),
        ('GET', REFERENCES): js({'references': []}, valid=True),
        ('POST', OPENAPI): js(SUCCESS, valid=True),
        ('PUT', OPENAPI_ID): js(SUCCESS, valid=True),
        ('PUT', INTERNAL_ID): js(SUCCESS, valid=True),
        ('DELETE', INTERNAL_ID): js(SUCCESS, valid=True),
        ('POST', VALIDATE): js(SUCCESS, valid=True),
        ('DELETE', OPENAPI_ID): reply(405, 'Method not allowed: DELETE', 'text/plain; charset=utf-8', valid=True),
    }
    routes.update(writes or {})
    routes.update(extra or {})
    return routes


# ---- running the entry points ------------------------------------------------------------------------------------

def run_module(module, args, routes, check_mode=False):
    """Run a module's main() in-process; returns (result, failed, session). Other exceptions propagate."""
    with serving(routes) as (session, patch):
        capture_exit(patch)
        full = dict(zadig_url=URL, zadig_token=TOKEN, _ansible_check_mode=check_mode, _ansible_diff=True)
        full.update(args)
        with module_args(full):
            try:
                module.main()
            except ModuleExit as done:
                return done.result, done.failed, session
    raise AssertionError('%s returned without calling exit_json or fail_json' % module.__name__)


def run_action(args, routes, check_mode=False):
    """Run the zadig_registries action plugin in-process; returns (result, failed, session)."""
    from ansible.parsing.dataloader import DataLoader  # pylint: disable=import-outside-toplevel
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible.playbook.task import Task  # pylint: disable=import-outside-toplevel
    from ansible.template import Templar  # pylint: disable=import-outside-toplevel
    from ansible_collections.zadig.core.plugins.action.zadig_registries import ActionModule  # pylint: disable=import-outside-toplevel

    with serving(routes) as (session, _patch):
        task = Task()
        task.args = dict(zadig_url=URL, zadig_token=TOKEN, **args)
        task.module_defaults = []
        task._resolved_action = 'zadig.core.zadig_registries'  # pylint: disable=protected-access
        task._parent = mock.MagicMock()  # pylint: disable=protected-access
        task._parent._play._action_groups = {}  # pylint: disable=protected-access
        context = PlayContext()
        context.check_mode = check_mode
        context.diff = True
        loader = DataLoader()
        action = ActionModule(task=task, connection=mock.MagicMock(), play_context=context, loader=loader,
                              templar=Templar(loader=loader), shared_loader_obj=None)
        result = action.run(task_vars={})
    return result, bool(result.get('failed')), session


# ---- the oracle --------------------------------------------------------------------------------------------------

def classify_list(answer):
    """The OpenAPI list: a JSON list of objects with the six keys, strings, a bool is_default and distinct 24-hex ids.

    TOLERABLE (a clean failure, or a correct result) are extra keys (a newer Zadig may add some), ignored, and a
    missing region or namespace (what a Go ``omitempty`` would drop), read as ''. A null is never a Go string.
    """
    if type(answer) is not list:  # pylint: disable=unidiomatic-typecheck
        return INVALID
    verdict, ids = VALID, []
    for item in answer:
        if type(item) is not dict or any(key not in item for key in REQUIRED):  # pylint: disable=unidiomatic-typecheck
            return INVALID
        if type(item['registry_id']) is not str or not HEX24.fullmatch(item['registry_id']):  # pylint: disable=unidiomatic-typecheck
            return INVALID
        if any(type(item.get(key, '')) is not str for key in STRINGS) or type(item['is_default']) is not bool:  # pylint: disable=unidiomatic-typecheck
            return INVALID
        if any(key not in item for key in OMITTABLE):
            verdict = TOLERABLE
        if set(item) - set(KEYS):
            verdict = TOLERABLE
        ids.append(item['registry_id'])
    return INVALID if len(set(ids)) != len(ids) else verdict


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


def project(registry):
    return {key: registry.get(key, '') for key in KEYS}


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


def to_doc(registry):
    """The internal document a server holding this (valid) OpenAPI registry would list."""
    return {'id': registry['registry_id'], 'reg_addr': registry['address'], 'reg_type': '',
            'reg_provider': registry['provider'], 'is_default': registry['is_default'], 'projects': None,
            'namespace': registry['namespace'], 'access_key': '', 'secret_key': '', 'region': registry['region'],
            'update_time': 1767225600, 'update_by': 'admin',
            'advanced_setting': {'modified': True, 'enable_tls': False, 'tls_cert': ''}}


def norm_address(address):
    """The modules' address normalisation: scheme and host lowercased, path and trailing '/' dropped, port kept."""
    match = re.match(r'^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)', address)
    if not match:
        return address.rstrip('/').lower()
    return '%s://%s' % (match.group(1).lower(), match.group(2).lower())


def key_of(registry):
    return norm_address(registry['address']), registry['namespace'].strip()


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


def matches(registries, task):
    if task.get('registry_id'):
        return [r for r in registries if r['registry_id'] == task['registry_id']]
    wanted = (norm_address(task['address']), (task.get('namespace') or '').strip())
    return [r for r in registries if key_of(r) == wanted]


def in_sync(registry, task):
    """A present task that names only what the server already holds needs no write."""
    for field in ('provider', 'region'):
        if task.get(field) is not None and task[field] != registry[field]:
            return False
    if task.get('namespace') is not None and task['namespace'].strip() != registry['namespace'].strip():
        return False
    if task.get('address') is not None and norm_address(task['address']) != norm_address(registry['address']):
        return False
    return task.get('is_default') is None or task['is_default'] == registry['is_default']


def assert_clean_message(msg, routes=(), context=''):
    """One readable sentence: one line, bounded, no raw exception text, naming one of ``routes`` when given."""
    where = ' [%s]' % context if context else ''
    assert isinstance(msg, str) and msg.strip(), 'empty failure message%s: %r' % (where, msg)
    assert '\n' not in msg.strip(), 'message is not one line%s: %r' % (where, msg[:600])
    assert len(msg) <= 1500, 'message is %d characters long%s: %r...' % (len(msg), where, msg[:300])
    assert not RAW_EXCEPTION.search(msg), 'raw Python exception text in the message%s: %r' % (where, msg[:600])
    assert len(msg.split()) >= 4, 'message is not a sentence%s: %r' % (where, msg)
    if routes:
        assert any(route in msg for route in routes), 'message names none of %s%s: %r' % (routes, where, msg[:600])


def assert_no_write_after_bad_answer(session):
    bad = False
    for sent in session.sent:
        if bad and sent['method'] in WRITES:
            raise AssertionError('%s %s sent after an invalid answer; requests: %s'
                                 % (sent['method'], sent['path'], [(s['method'], s['path']) for s in session.sent]))
        if sent['method'] == 'GET' and sent['valid'] is False:
            bad = True


def read_routes(session):
    return [s['route'] for s in session.sent if s['method'] == 'GET']


def bad_reads(session):
    """The routes of the invalid answers the entry point was given: a failure must name one of them."""
    return tuple(sorted({s['route'].replace('/:id', '') for s in session.sent
                         if s['method'] == 'GET' and s['valid'] is False}))


# ---- strategies over JSON shapes ---------------------------------------------------------------------------------

MISSING = 'MISSING-KEY'  # a sentinel hypothesis can print


def _case(text, mask):
    return ''.join(c.upper() if mask >> i & 1 else c for i, c in enumerate(text))


STORED_ADDRESS = st.one_of(
    st.builds(lambda scheme, host, mask, suffix: scheme + _case(host, mask) + suffix,
              st.sampled_from(['https://', 'http://', 'HTTPS://']), st.sampled_from(HOSTS),
              st.integers(0, (1 << 22) - 1), st.sampled_from(['', '/', '/path'])),
    st.sampled_from(['', 'reg-a.example.com', 'reg-b.example.com:5000', 'ftp://reg-a.example.com', 'https://',
                     'h\u00e9llo.example.com', 'https://reg-a.example.com/x y', 'https://reg-a.example.com/\r\nX: y']),
    st.just(3000).map(lambda n: 'https://' + 'x' * n))
STORED_NAMESPACE = st.one_of(st.sampled_from(NAMESPACES + [' team ', 'platform ', '', 'ops', 't\u00ebam', 'a/b',
                                                           'te\nam', 'team\x00']),
                             st.just(300).map(lambda n: 'n' * n))
STORED_PROVIDER = st.sampled_from(PROVIDERS + ['', 'jfrog', 'acr-enterprise', 'Harbor', 'nexus'])
STORED_REGION = st.sampled_from(['', 'r1', 'cn-north-4', ' r1 '])

GOOD_REGISTRY = st.fixed_dictionaries({
    'registry_id': st.sampled_from(IDS), 'address': STORED_ADDRESS, 'provider': STORED_PROVIDER,
    'region': STORED_REGION, 'namespace': STORED_NAMESPACE, 'is_default': st.booleans()})
VALID_LIST = st.lists(GOOD_REGISTRY, max_size=4, unique_by=lambda r: r['registry_id'])

JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-2 ** 63, 2 ** 64),
                      st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
ANY_JSON = st.recursive(JSON_LEAF, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(st.text(max_size=12), children, max_size=3)), max_leaves=6)
WRONG = st.sampled_from([None, 'false', 'true', 'False', '0', '', 0, 1, -1, 2.5, True, False, [], ['x'], [None],
                         {}, {'a': 1}, {'$oid': IDS[0]}])
ODD_IDS = st.sampled_from([IDS[0].upper(), IDS[0][:23], IDS[0] + '0', 'z' * 24, '', ' ' + IDS[0], IDS[0] + '\n',
                           12345, 6.5e23, {'$oid': IDS[0]}, [IDS[0]], 'ObjectId("%s")' % IDS[0]])
MUTATION = st.one_of(st.tuples(st.sampled_from(KEYS), st.one_of(st.just(MISSING), WRONG)),
                     st.tuples(st.just('registry_id'), ODD_IDS))
EXTRA_KEYS = st.dictionaries(st.sampled_from(['id', 'reg_addr', 'extra', 'update_time', 'projects']), JSON_LEAF,
                             max_size=1)


def _mutate(args):
    registry, changes, extra = args
    item = dict(registry)
    for key, value in changes:
        target = item
        if '.' in key:  # a key of a nested object, e.g. advanced_setting.enable_tls
            parent, key = key.split('.', 1)
            if not isinstance(item.get(parent), dict):
                continue
            target = item[parent] = dict(item[parent])
        if value == MISSING:
            target.pop(key, None)
        else:
            target[key] = value
    item.update(extra)
    return item


NEAR_VALID = st.tuples(GOOD_REGISTRY, st.lists(MUTATION, min_size=1, max_size=3), EXTRA_KEYS).map(_mutate)
REGISTRY_KEYED = st.dictionaries(st.sampled_from(KEYS + ('id', 'reg_addr')), ANY_JSON, max_size=7)


def _insert(args):
    registries, item, position = args
    registries = list(registries)
    registries.insert(position % (len(registries) + 1), item)
    return registries


LIST_ANSWER = st.one_of(
    VALID_LIST,
    st.tuples(VALID_LIST, NEAR_VALID, st.integers(0, 5)).map(_insert),
    st.tuples(VALID_LIST, st.one_of(ANY_JSON, REGISTRY_KEYED), st.integers(0, 5)).map(_insert),
    st.tuples(VALID_LIST, GOOD_REGISTRY, st.integers(0, 5)).map(_insert),  # often a duplicate id
    st.tuples(VALID_LIST, st.dictionaries(st.sampled_from(['extra', 'update_time', 'projects']), JSON_LEAF,
                                          min_size=1, max_size=1), st.integers(0, 4)).map(
        lambda a: [dict(r, **a[1]) if i == a[2] else r for i, r in enumerate(a[0])]),
    ANY_JSON,
)
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


def draw_task(data, answer, present_only=False):
    """A zadig_registry task, often about a registry the answer holds (by id or by its natural key)."""
    items = [r for r in answer if isinstance(r, dict)] if isinstance(answer, list) else []
    state = 'present' if present_only else data.draw(st.sampled_from(['present', 'present', 'absent']), label='state')
    task = {'state': state}
    mirror = data.draw(st.sampled_from(items + [None]), label='about') if items else None
    ids = [r['registry_id'] for r in items if isinstance(r.get('registry_id'), str)
           and HEX24.fullmatch(r['registry_id'])]
    if data.draw(st.integers(0, 3), label='by id?') == 0:
        task['registry_id'] = data.draw(st.sampled_from(ids + [NEW_ID]), label='registry_id')
    else:
        address = data.draw(st.sampled_from(TASK_ADDRESSES), label='address')
        namespace = data.draw(st.sampled_from(NAMESPACES), label='namespace')
        if mirror is not None and isinstance(mirror.get('address'), str) and isinstance(mirror.get('namespace'), str):
            stored = norm_address(mirror['address'])
            if re.fullmatch(r'https?://(%s)' % '|'.join(re.escape(h) for h in HOSTS), stored) and \
                    mirror['namespace'].strip() in NAMESPACES:
                address, namespace = stored, mirror['namespace'].strip()
        task.update(address=address, namespace=namespace)
    if state == 'present':
        provider = data.draw(st.sampled_from([None, 'harbor', 'native', 'swr', 'same']), label='provider')
        if provider == 'same':
            provider = mirror.get('provider') if mirror and mirror.get('provider') in PROVIDERS else None
        if provider:
            task['provider'] = provider
        if provider in ('swr', 'ecr'):
            region = mirror.get('region') if mirror else None
            task['region'] = region.strip() if isinstance(region, str) and region.strip() else 'r1'
        is_default = data.draw(st.sampled_from([None, True, False, 'same']), label='is_default')
        if is_default == 'same':
            is_default = mirror.get('is_default') if mirror and isinstance(mirror.get('is_default'), bool) else None
        if is_default is not None:
            task['is_default'] = is_default
    return task


def openapi_table(first, readback=None):
    """Routes for a server answering ``first`` to the list, then ``readback``; the internal list agrees with it."""
    verdict = classify_list(first)
    answers = [js(first, valid=verdict != INVALID)]
    if readback is not None:
        answers.append(js(readback, valid=classify_list(readback) != INVALID))
    docs = [to_doc(project(r)) for r in first] if verdict != INVALID else []
    by_id = {r['registry_id']: r for r in first if isinstance(r, dict) and isinstance(r.get('registry_id'), str)} \
        if isinstance(first, list) else {}

    def get_one(request):
        found = by_id.get(request['path'].rsplit('/', 1)[-1])
        if found is None:
            return js({'code': 500, 'description': 'mongo: no documents in result', 'message': 'Internal Error: '},
                      status=500)(request)
        return js(found)(request)
    get_one.valid = verdict != INVALID
    get_one.lazy = False
    return server(answers, internal=internal_answer(docs, valid=True), extra={('GET', OPENAPI_ID): get_one})


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
@given(answer=LIST_ANSWER, check_mode=st.booleans(), purge=st.booleans(), data=st.data())
def test_registries_action_survives_any_list_answer(answer, check_mode, purge, data):
    """The zadig_registries action plugin (the role's task), which runs ensure_registries in the controller."""
    entries = []
    for dummy in range(data.draw(st.integers(1, 2), label='entries')):
        task = draw_task(data, answer)
        if task.get('is_default') and any(e.get('is_default') for e in entries):
            task.pop('is_default')
        if not any((e.get('registry_id'), e.get('address'), e.get('namespace')) ==
                   (task.get('registry_id'), task.get('address'), task.get('namespace')) for e in entries):
            entries.append(task)
    purge = purge and any(e['state'] == 'present' for e in entries)
    result, failed, session = run_action(dict(registries=entries, purge=purge), openapi_table(answer), check_mode)
    verdict = classify_list(answer)
    assert_no_write_after_bad_answer(session)
    if check_mode:
        assert session.writes() == [], 'check mode sent a write: %r' % session.writes()
    assert TOKEN not in json.dumps(result)
    if OPENAPI not in read_routes(session):
        if failed:
            assert_clean_message(result['msg'], (), repr(entries))
        return
    if verdict == INVALID:
        assert failed, 'an invalid list was used as if valid: %r -> %r' % (answer, result)
        assert_clean_message(result['msg'], (OPENAPI,), repr(entries))
        assert session.writes() == []
        return
    if failed:
        assert_clean_message(result['msg'], bad_reads(session), repr(entries))
        return
    registries = [project(r) for r in answer]
    synced = not purge and all(
        (not matches(registries, e)) if e['state'] == 'absent' else (
            len(matches(registries, e)) == 1 and in_sync(matches(registries, e)[0], e)) for e in entries)
    if synced:
        assert result['changed'] is False and session.writes() == [], result
        for entry, outcome in zip(entries, result['results']):
            if entry['state'] == 'present':
                assert outcome['registry'] == matches(registries, entry)[0]


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

def _client_call(routes, call):
    with serving(routes) as (session, _patch):
        client = ZadigClient(URL, TOKEN, retries=0)
        try:
            return call(client), None, session
        except ZadigAPIError as exc:
            return None, exc, session


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


# ---- the four samples of the bug report --------------------------------------------------------------------------

def reg(registry_id=IDS[0], address='https://reg-a.example.com', provider='harbor', region='', namespace='team',
        is_default=False, **extra):
    registry = {'registry_id': registry_id, 'address': address, 'provider': provider, 'region': region,
                'namespace': namespace, 'is_default': is_default}
    registry.update(extra)
    return registry


def without(registry, key):
    return {k: v for k, v in registry.items() if k != key}


TASK_A = {'address': 'https://reg-a.example.com', 'namespace': 'team', 'provider': 'harbor'}


@pytest.mark.parametrize('entry', ['info', 'registry', 'registry check mode', 'registry absent', 'registries',
                                   'registry_id info'])
def test_sample_list_of_null_one_x(entry):
    """[null, 1, "x"]: 'NoneType' object is not iterable, in the bug report."""
    answer = [None, 1, 'x']
    routes = openapi_table(answer)
    if entry == 'registries':
        result, failed, session = run_action({'registries': [TASK_A]}, routes)
    elif entry.startswith('registry_id'):
        result, failed, session = run_module(zadig_registry_info, {'registry_id': IDS[0]}, routes)
    elif entry == 'info':
        result, failed, session = run_module(zadig_registry_info, {}, routes)
    else:
        task = dict(TASK_A, state='absent') if 'absent' in entry else TASK_A
        result, failed, session = run_module(zadig_registry, task, routes, check_mode='check' in entry)
    assert failed, result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert 'registr' in result['msg'].split(OPENAPI, 1)[1].lower(), \
        'the message does not say the answer is not a list of registries: %s' % result['msg']
    assert session.writes() == []


@pytest.mark.parametrize('entry', ['info', 'info address filter', 'registry two matches', 'registry update',
                                   'registry absent', 'registries'])
def test_sample_registry_without_registry_id(entry):
    """A registry without registry_id: a bare KeyError: 'registry_id', in the bug report."""
    stored = without(reg(), 'registry_id')
    answer = [stored, dict(stored, is_default=True)] if 'two' in entry else [stored]
    routes = openapi_table(answer)
    if entry == 'registries':
        result, failed, session = run_action({'registries': [dict(TASK_A, provider='native')]}, routes)
    elif entry.startswith('info'):
        result, failed, session = run_module(
            zadig_registry_info, {'address': TASK_A['address']} if 'filter' in entry else {}, routes)
    elif entry == 'registry absent':
        result, failed, session = run_module(zadig_registry, dict(TASK_A, state='absent'), routes)
    else:
        result, failed, session = run_module(zadig_registry, dict(TASK_A, provider='native'), routes)
    assert failed, 'a registry without registry_id was used: %r' % result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert 'registry_id' in result['msg']
    assert session.writes() == []


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


@pytest.mark.parametrize('field', ['provider', 'address', 'namespace', 'region'])
@pytest.mark.parametrize('entry', ['registry', 'info', 'registries'])
def test_sample_null_string_field_is_not_read_as_empty(field, entry):
    """provider: null was read as '', and a PUT went out before the read-back failed."""
    stored = reg(**{field: None})
    routes = openapi_table([stored], readback=[stored])
    # The task matches the registry as it was before the field went null: a write could only come from misreading.
    task = dict(TASK_A, is_default=False)
    if field == 'address':
        task = {'registry_id': IDS[0], 'provider': 'harbor', 'is_default': False}
    if entry == 'registry':
        result, failed, session = run_module(zadig_registry, task, routes)
    elif entry == 'info':
        result, failed, session = run_module(zadig_registry_info, {}, routes)
    else:
        result, failed, session = run_action({'registries': [task]}, routes)
    assert session.writes() == [], '%s sent after reading %s: null' % (
        [(s['method'], s['path']) for s in session.writes()], field)
    assert failed, '%s: null was read as a value: %r' % (field, result)
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert field in result['msg']


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

@pytest.mark.parametrize('entry', ['info', 'registry', 'registries', 'get_registry'])
def test_registry_id_with_a_trailing_newline_is_refused(entry):
    """'^[0-9a-f]{24}$' with re.match accepts 'id\\n': such an id must be refused, not used in a URL."""
    answer = [reg(IDS[0] + '\n')]
    routes = openapi_table(answer)
    if entry == 'get_registry':
        _got, error, session = _client_call(server(extra={('GET', OPENAPI_ID): js(answer[0])}),
                                            lambda c: c.get_registry(IDS[0]))
        assert error is not None
        assert_clean_message(str(error), ('GET %s/%s' % (OPENAPI, IDS[0]),))
        return
    if entry == 'info':
        result, failed, session = run_module(zadig_registry_info, {}, routes)
    elif entry == 'registry':
        result, failed, session = run_module(zadig_registry, dict(TASK_A, is_default=True), routes)
    else:
        result, failed, session = run_action({'registries': [dict(TASK_A, is_default=True)]}, routes)
    assert failed, result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert session.writes() == []


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
