# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A hostile Zadig for the hostile-answer tests: odd shapes, odd bodies and broken transfers, through the real entry
points (module_utils' test_answers_hostile.py, and the zadig_registries action's test_zadig_registries_hostile.py).

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

Here are what both test files share: the fake transport, the route tables, running a module, the oracle of a list
and the strategies. Answers come from a lenient fake ``requests.Session`` that answers every request
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

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.module_utils import _transport  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError  # noqa: E402  pylint: disable=wrong-import-position
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
# Raw Python exception text that must never be a user's error message.
RAW_EXCEPTION = re.compile(
    r"object is not (iterable|subscriptable|callable)|object has no attribute|\b(Key|Type|Attribute|Index|Value|"
    r"Recursion|UnicodeDecode|UnicodeEncode|JSONDecode|ZeroDivision)Error\b|unhashable type|NoneType|Traceback|"
    r"not supported between instances|must be str, not|argument of type|can only concatenate|expected string or "
    r"bytes-like|invalid literal for|index out of range|string indices must be|missing \d+ required positional|"
    r"maximum recursion depth|Expecting value: line|Extra data: line")


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


def project(registry):
    return {key: registry.get(key, '') for key in KEYS}


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


# ---- properties: the client itself validates every answer --------------------------------------------------------

def _client_call(routes, call):
    with serving(routes) as (session, _patch):
        client = ZadigClient(URL, TOKEN, retries=0)
        try:
            return call(client), None, session
        except ZadigAPIError as exc:
            return None, exc, session


# ---- the four samples of the bug report --------------------------------------------------------------------------

def reg(registry_id=IDS[0], address='https://reg-a.example.com', provider='harbor', region='', namespace='team',
        is_default=False, **extra):
    registry = {'registry_id': registry_id, 'address': address, 'provider': provider, 'region': region,
                'namespace': namespace, 'is_default': is_default}
    registry.update(extra)
    return registry


TASK_A = {'address': 'https://reg-a.example.com', 'namespace': 'team', 'provider': 'harbor'}
