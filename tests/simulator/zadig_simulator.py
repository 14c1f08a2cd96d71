# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for a Zadig server's image-registry API, on loopback.

Written from a reading of Zadig's server source, never from
this collection's client, so that tests catch the client's mistakes.  It models
the gateway (401 rules, and from v4.3 rotated tokens and MFA), aslan's handlers
(validation order, exact error bodies, default-registry rules of v4.1 and of
``main``, quirks such as the malformed id that returns the first registry), the
references route of v4.2 and the DinD sync that can fail after a write has
committed.  ``version`` picks the server version (v4.1, v4.2, v4.3, v5.0, main).

Opt-in faults (``_faults.py``) and a reverse-proxy ``prefix`` go beyond Zadig,
for hostile tests of the client; by default nothing of the kind happens.

Tests drive it in-process (``Simulator``) or over HTTP through the ``/_sim/``
control routes, which need no token, are never counted and stay at the root
whatever the prefix: ``reset``, ``registries``, ``faults``, ``envs`` (and
``envs/settings``), ``tokens`` (and ``tokens/rotate``, ``tokens/user``),
``requests``, ``license`` and ``version``.

Run ``python zadig_simulator.py --help`` for the command line.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import hmac
import json
import os
import re
import signal
import ssl
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

try:  # modules of the tests.simulator package, or of the script's folder
    from ._environments import Environments
    from ._faults import HTML, Fault, proxy_page
    from ._golang import (GoError, go_base64_std_decode, go_parse_request_uri, go_pem_encode, go_query_unescape,
                          go_query_value, go_rsa_decrypt_pkcs1v15, go_trim_space, object_id_error)
except ImportError:
    from _environments import Environments  # pylint: disable=import-error
    from _faults import HTML, Fault, proxy_page  # pylint: disable=import-error
    from _golang import (GoError, go_base64_std_decode, go_parse_request_uri,  # pylint: disable=import-error
                         go_pem_encode, go_query_unescape, go_query_value, go_rsa_decrypt_pkcs1v15,
                         go_trim_space, object_id_error)

OPENAPI = '/openapi/system/registry'
INTERNAL = '/api/aslan/system/registry'
PUBLIC_KEY = '/api/aslan/system/rsaKey/publicKey'
OPENAPI_PROVIDERS = ('ecr', 'dockerhub', 'acr', 'harbor', 'native', 'swr', 'tcr')
LICENSED_PROVIDERS = ('ecr', 'jfrog', 'acr-enterprise', 'tcr-enterprise')
NO_DOCUMENTS = 'mongo: no documents in result'
IN_USE = "The registry cannot be deleted, it's being used by environment"
LICENSE_MESSAGE = '用户许可证不可用，请检查许可证后重试'
JSON = 'application/json; charset=utf-8'
# Server versions, oldest first; every one but main has the v4.1 default-registry rules.
VERSIONS = ('v4.1', 'v4.2', 'v4.3', 'v5.0', 'main')
MFA_REASONS = ('mfa_verification_required', 'mfa_enrollment_required')


# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------

class Response:
    """What aslan (or the gateway in front of it) answers."""

    def __init__(self, status, body=None, content_type=None, headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.declared_length = None  # set by a truncate fault: more than payload() holds
        self.trickle = None  # set by a trickle fault: (bytes, seconds) per write of the body
        self.trickle_headers = None  # set by a trickle_headers fault: (bytes, seconds) per write of the head

    def payload(self):
        """The body bytes sent (for a truncated answer, only those)."""
        if self.body is None:
            return b''
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode('utf-8')
        return go_json(self.body)

    def json(self):
        return json.loads(self.payload() or b'null')


def go_json(value):
    """Serialise like Go's encoding/json: compact, UTF-8, with <, > and & escaped, and U+2028 and U+2029 too
    (json.Marshal escapes both line separators whatever the HTML setting)."""
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    text = text.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')
    text = text.replace('\u2028', '\\u2028').replace('\u2029', '\\u2029')
    return text.encode('utf-8')


def success():
    return Response(200, {'message': 'success'}, 'application/json; charset=utf-8')


def internal_error(description):
    """A plain Go error: always HTTP 500, no ``type`` or ``extra`` keys."""
    return Response(500, {'code': 500, 'description': description, 'message': 'Internal Error: '},
                    'application/json; charset=utf-8')


def http_error(code, message, description=''):
    """A typed *HTTPError: keys sorted like a Go map; 6xxx and 7xxx go out as 400."""
    status = 400 if 6000 <= code < 8000 else code
    body = {'code': code, 'description': description, 'extra': {}, 'message': message, 'type': 'error'}
    return Response(status, dict(sorted(body.items())), 'application/json; charset=utf-8')


def invalid_param(description=''):
    return http_error(400, 'Bad Request', description)


def empty(status):
    return Response(status)


def text(status, body):
    return Response(status, body, 'text/plain; charset=utf-8')


class BindError(Exception):
    """gin's MustBindWith failing: 400 with an empty body."""


def bind_json(raw, fields):
    """Decode like encoding/json into a struct: unknown keys ignored, keys matched case-insensitively."""
    if not raw.strip():
        raise BindError('EOF')
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BindError(str(exc)) from exc
    result = {name: default for name, (kind, default) in fields.items()}
    if data is None:
        return result
    if not isinstance(data, dict):
        raise BindError('cannot unmarshal into struct')
    lowered = {name.lower(): name for name in fields}
    exact = set(data) & set(fields)
    for key, value in data.items():
        name = key if key in fields else lowered.get(key.lower())
        if name is None or (name in exact and key != name):
            continue
        kind = fields[name][0]
        if kind is object:
            result[name] = value
            continue
        if value is None:
            continue
        if kind is bool and not isinstance(value, bool):
            raise BindError('cannot unmarshal %s into bool' % type(value).__name__)
        if kind is str and not isinstance(value, str):
            raise BindError('cannot unmarshal %s into string' % type(value).__name__)
        result[name] = value
    return result


CREATE_FIELDS = {
    'address': (str, ''), 'provider': (str, ''), 'namespace': (str, ''), 'is_default': (bool, False),
    'access_key': (str, ''), 'secret_key': (str, ''), 'enable_tls': (bool, False), 'region': (str, ''),
    'tls_cert': (str, ''),
}
UPDATE_FIELDS = {
    'registry_id': (str, ''), 'address': (str, ''), 'provider': (str, ''), 'region': (str, ''),
    'namespace': (str, ''), 'is_default': (bool, False),
}


# --------------------------------------------------------------------------
# The server's state and handlers
# --------------------------------------------------------------------------

def default_rules(version):
    """The default-registry rules a version follows: 'main', or 'v4.1' for every tag up to v5.0.0."""
    return 'main' if version == 'main' else 'v4.1'


class Simulator:
    """The registry collection, the environments that use registries, the users' tokens and the request log.

    ``version`` is the Zadig server version (``VERSIONS``); ``mode`` ('v4.1' or 'main') names only its default
    rules and is still accepted alone: mode v4.1 is version v4.1, mode main is version main.
    """

    def __init__(self, mode=None, admin_tokens=('admin-token',), user_tokens=('user-token',), licensed=False,
                 prefix='', version=None):
        if mode not in (None, 'v4.1', 'main'):
            raise ValueError("mode must be 'v4.1' or 'main'")
        if version not in (None,) + VERSIONS:
            raise ValueError('version must be one of %s' % ', '.join(VERSIONS))
        version = version or mode or 'v4.1'
        if mode and mode != default_rules(version):
            raise ValueError('mode %s contradicts version %s, whose default rules are %s'
                             % (mode, version, default_rules(version)))
        if prefix and (not prefix.startswith('/') or prefix.endswith('/')):
            raise ValueError("prefix must start with '/' and not end with one, e.g. '/zadig'")
        self.version = version
        self.mode = default_rules(version)
        self.prefix = prefix
        self._initial_tokens = {token: ('admin', True) for token in admin_tokens}
        self._initial_tokens.update({token: ('user', False) for token in user_tokens})
        self.reset_tokens()
        self._initial_licensed = bool(licensed)
        self.licensed = self._initial_licensed  # a Professional/Enterprise licence in status normal
        self.lock = threading.RLock()
        self.registries = []
        self.envs_using = Environments()
        self.faults = []
        self.log = []
        self._counter = int.from_bytes(os.urandom(3), 'big')
        self._machine = os.urandom(5).hex()
        self._wake = threading.Event()

    _shared_rsa = None

    @property
    def rsa_key(self):
        """The server's RSA key pair (core/common/util/rsa_key.go): one per process, made on first use."""
        if Simulator._shared_rsa is None:
            from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
            Simulator._shared_rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return Simulator._shared_rsa

    # ---- helpers for tests -------------------------------------------------

    def reset(self):
        """Back to the state at start: no registry, environment, fault or log; the tokens and licence as given."""
        with self.lock:
            self.registries = []
            self.envs_using = Environments()
            self.faults = []
            self.log = []
            self.reset_tokens()
            self.licensed = self._initial_licensed

    def set_licensed(self, licensed=True):
        """Switch the licence LicenseValidate asks plutus about: with none, updates of ecr, jfrog, acr-enterprise and
        tcr-enterprise registries get 7050 (their creation through OpenAPI is never checked)."""
        with self.lock:
            self.licensed = bool(licensed)

    def at_least(self, version):
        """True when this server is ``version`` or newer (main being the newest)."""
        return VERSIONS.index(self.version) >= VERSIONS.index(version)

    def add_env(self, registry_id='', project_name='project', env_name=None, project_alias='', env_alias='',
                deleting=False):
        """Store an environment of ``project_name`` that uses ``registry_id`` ("" for the default, implicitly)."""
        with self.lock:
            return self.envs_using.register(registry_id, project_name, env_name, project_alias, env_alias, deleting)

    # ---- users and their tokens (the gateway's view, with v4.3's rotation and MFA) ---

    def reset_tokens(self):
        self.tokens = dict(self._initial_tokens)  # token -> (user name, is system admin)
        self.rotated = set()                      # tokens that are no longer their user's stored token
        self.mfa_verified = set()                 # tokens made with MFA on
        self.mfa = {}                             # user name -> the reason MFA is required
        self.api_token_disabled = set()           # names of non-admin users without APITokenEnabled

    def user_name(self, who):
        """A user's name, from the name itself or from one of the user's tokens."""
        return self.tokens[who][0] if who in self.tokens else who

    def add_token(self, token, name='user', admin=False, mfa_verified=False):
        """A new token for user ``name`` (each name is one user; admins and non-admins kept apart by name)."""
        with self.lock:
            self.tokens[token] = (name, bool(admin))
            if mfa_verified:
                self.mfa_verified.add(token)

    def rotate_token(self, token, new_token=None, mfa_verified=False):
        """From v4.3 the old token gets 401: it is no longer the user's stored token; ``new_token`` replaces it."""
        with self.lock:
            name, admin = self.tokens[token]
            self.rotated.add(token)
            if new_token:
                self.add_token(new_token, name, admin, mfa_verified)

    def require_mfa(self, who, reason='mfa_verification_required'):
        """From v4.3 the user's tokens (but those made with MFA on) get 403 ``reason``; None lifts it."""
        if reason not in (None,) + MFA_REASONS:
            raise ValueError('reason must be one of %s, or None' % ', '.join(MFA_REASONS))
        with self.lock:
            if reason is None:
                self.mfa.pop(self.user_name(who), None)
            else:
                self.mfa[self.user_name(who)] = reason

    def enable_api_token(self, who, enabled=True):
        """From v4.3 a non-admin user's API tokens get 401 unless APITokenEnabled."""
        with self.lock:
            (self.api_token_disabled.discard if enabled else self.api_token_disabled.add)(self.user_name(who))

    def new_id(self):
        """A Mongo ObjectID: 4-byte timestamp, 5 random bytes, 3-byte counter, so newer sorts higher."""
        with self.lock:
            self._counter = (self._counter + 1) % (1 << 24)
            return '%08x%s%06x' % (int(time.time()), self._machine, self._counter)

    def seed(self, address, provider='native', namespace='', region='', is_default=False, access_key='',
             secret_key='', enable_tls=False, tls_cert='', projects=None, registry_id=None, reg_type=''):
        """Store a registry as the UI or an old version could have left it, with no validation."""
        with self.lock:
            doc = {
                'id': registry_id or self.new_id(), 'reg_addr': address, 'reg_type': reg_type,
                'reg_provider': provider, 'is_default': is_default, 'projects': projects,
                'namespace': namespace, 'access_key': access_key, 'secret_key': secret_key,
                'region': region, 'update_time': int(time.time()), 'update_by': 'seed',
                'advanced_setting': {'modified': True, 'enable_tls': enable_tls, 'tls_cert': tls_cert},
            }
            self.registries.append(doc)
            return copy.deepcopy(doc)

    def add_fault(self, kind, **kwargs):
        with self.lock:
            fault = Fault(kind, **kwargs)
            self.faults.append(fault)
            return fault

    def counts(self):
        """Requests per ``METHOD /route/:id`` template."""
        with self.lock:
            return Counter(entry[2] for entry in self.log)

    def writes(self):
        with self.lock:
            return [entry for entry in self.log if entry[0] in ('POST', 'PUT', 'DELETE', 'PATCH')]

    def openapi_view(self, doc):
        return {'registry_id': doc['id'], 'address': doc['reg_addr'], 'provider': doc['reg_provider'],
                'region': doc['region'], 'namespace': doc['namespace'], 'is_default': doc['is_default']}

    def snapshot(self):
        with self.lock:
            return copy.deepcopy(self.registries)

    # ---- request entry point -----------------------------------------------

    def take_fault(self, method, path, kinds, after):
        with self.lock:
            for fault in self.faults:
                if fault.kind in kinds and fault.after is after and fault.matches(method, path):
                    fault.count -= 1
                    return fault
        return None

    def wake(self):
        """End every fault's wait at once (the server is stopping)."""
        self._wake.set()
        self._wake.clear()

    def unprefixed(self, path):
        """The path aslan sees behind a proxy serving it under ``prefix``; None when the proxy has no route."""
        if not self.prefix:
            return path
        if path == self.prefix or path.startswith(self.prefix + '/'):
            return path[len(self.prefix):] or '/'
        return None

    def handle(self, method, target, headers, body):
        """Answer one request; returns a Response, or None to drop the connection."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        inner = self.unprefixed(path)
        if inner is None:
            with self.lock:
                self.log.append((method, path, '%s %s [outside %s]' % (method, path, self.prefix)))
            return Response(404, proxy_page(404), HTML)
        path = inner
        with self.lock:
            self.log.append((method, path, '%s %s' % (method, route_template(path))))
        fault = self.take_fault(method, path, Fault.DELAYING, after=False)
        if fault:
            self._wake.wait(fault.delay)
        fault = self.take_fault(method, path, Fault.REPLACING, after=False)
        if fault:
            return self.fault_answer(fault, body)
        user = self.gateway(headers, query)
        if isinstance(user, Response):
            response = user
        else:
            with self.lock:
                response = self.route(method, path, query, user, body, target.partition('?')[2])
        if response.status == 200 and method in ('POST', 'PUT', 'DELETE'):
            fault = self.take_fault(method, path, ('commit_then_500', 'commit_then_drop'), after=True)
            if fault:
                if fault.kind == 'commit_then_drop':
                    return None
                return internal_error(fault.description or 'failed to sync dind statefulset: connection refused')
        fault = self.take_fault(method, path, Fault.REPLACING, after=True)
        if fault:
            response = self.fault_answer(fault, body)
        fault = self.take_fault(method, path, ('truncate',), after=True)
        if fault and response is not None:
            full = response.payload()
            keep, response.declared_length = fault.cut(len(full))
            response.body = full[:keep]
        fault = self.take_fault(method, path, ('trickle',), after=True)
        if fault and response is not None:
            response.trickle = (fault.keep or 100, fault.delay)
        fault = self.take_fault(method, path, ('trickle_headers',), after=True)
        if fault and response is not None:
            response.trickle_headers = (fault.keep or 10, fault.delay)
        fault = self.take_fault(method, path, Fault.DELAYING, after=True)
        if fault:
            self._wake.wait(fault.delay)
        return response

    @staticmethod
    def fault_answer(fault, body):
        if fault.kind == 'echo_500':
            return internal_error('invalid request: %s' % body)
        if fault.kind == 'status':
            answer = empty(fault.status) if fault.description is None else internal_error(fault.description)
            answer.headers.update(fault.headers)
            return answer
        answer = fault.answer(body)
        return None if answer is None else Response(*answer)

    def gateway(self, headers, query):
        """Envoy ext_authz: the acting ``(name, is_admin)``, or the Response refusing the request.

        The gateway validates ``?token=`` in preference to ``Authorization: <scheme> <token>`` (exactly 2 parts);
        from v4.3 the token must still be its user's stored token, a non-admin must have API tokens enabled, and
        MFA may be required.  With both present, aslan then takes the acting user from the header.
        """
        query_token = query.get('token', [None])[0]
        token = query_token if query_token is not None else header_token(headers)
        if token is None or token not in self.tokens:
            return empty(401)
        user = self.tokens[token]
        if self.at_least('v4.3'):
            if token in self.rotated or (not user[1] and user[0] in self.api_token_disabled):
                return empty(401)
            reason = self.mfa.get(user[0])
            if reason and token not in self.mfa_verified:
                return Response(403, {'reason': reason}, 'application/json', {'x-zadig-auth-reason': reason})
        if query_token is not None and headers.get('Authorization'):
            user = self.header_user(headers) or user
        return user

    def header_user(self, headers):
        """aslan's getUserFromJWT on the Authorization header: the claims, read without checking the signature.

        A token the simulator knows stands for its user, whatever its state at the gateway (aslan cannot tell);
        a JWT-shaped token stands for the user its ``name`` claim names.  Anything else gives None, and the
        query token's user acts: what aslan does with an unreadable header is UNCONFIRMED.
        """
        token = header_token(headers)
        if token is None:
            return None
        if token in self.tokens:
            return self.tokens[token]
        parts = token.split('.')
        if len(parts) != 3:
            return None
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + '=' * (-len(parts[1]) % 4)))
        except ValueError:
            return None
        name = claims.get('name') if isinstance(claims, dict) else None
        if not isinstance(name, str) or not name:
            return None
        return next((user for user in self.tokens.values() if user[0] == name), (name, False))

    def route(self, method, path, query, user, body, raw_query=''):
        name, is_admin = user
        if path == OPENAPI + '/':
            if method == 'GET':
                return Response(301, '<a href="%s">Moved Permanently</a>.\n\n' % OPENAPI,
                                'text/html; charset=utf-8', {'Location': OPENAPI})
            if method == 'POST':
                return Response(307, None, None, {'Location': OPENAPI})
            return text(404, 'Invalid path: %s' % path)
        if path == OPENAPI:
            if method == 'GET':
                return Response(200, [self.openapi_view(d) for d in self.registries],
                                'application/json; charset=utf-8')
            if method == 'POST':
                return self.openapi_create(name, is_admin, body)
            return text(405, 'Method not allowed: %s %s' % (method, path))
        match = re.fullmatch(re.escape(OPENAPI) + r'/([^/]+)', path)
        if match:
            if not is_admin and method in ('GET', 'PUT'):
                return empty(403)
            if method == 'GET':
                return self.openapi_get(match.group(1))
            if method == 'PUT':
                return self.openapi_update(name, match.group(1), body)
            return text(405, 'Method not allowed: %s %s' % (method, path))
        match = re.fullmatch(re.escape(INTERNAL) + r'/namespaces/specific/([^/]+)', path)
        if match and method == 'GET':
            return self.internal_specific(is_admin, match.group(1))
        match = re.fullmatch(re.escape(INTERNAL) + r'/namespaces/([^/]+)/references', path)
        if match and method == 'GET' and self.at_least('v4.2'):
            return self.internal_references(is_admin, match.group(1))
        match = re.fullmatch(re.escape(INTERNAL) + r'/namespaces/([^/]+)', path)
        if match and method == 'DELETE':
            return self.internal_delete(is_admin, match.group(1))
        if match and method == 'PUT':
            return self.internal_update(name, is_admin, match.group(1), body)
        if path == INTERNAL + '/namespaces' and method == 'GET':
            return self.internal_list(is_admin, go_query_value(raw_query, 'encryptedKey'))
        if path == PUBLIC_KEY and method == 'GET':
            return self.public_key()
        return text(404, 'Invalid path: %s' % path)

    # ---- lookups ---------------------------------------------------------------

    def find(self, registry_id):
        """FindRegistryById: a malformed id drops the _id filter and so finds the first registry."""
        if object_id_error(registry_id):
            return self.registries[0] if self.registries else None
        for doc in self.registries:
            if doc['id'] == registry_id.lower():
                return doc
        return None

    def first_default(self):
        return next((d for d in self.registries if d['is_default']), None)

    def update_service(self, name, registry_id, new):
        """service.UpdateRegistryNamespace, behind both PUTs: the default rules, then the update by id.

        v4.1 unsets the current default (even the registry itself) when ``is_default`` is sent true, and only
        then loads the registry by id. main loads it first; when it is the default, ``originReg.IsDefault`` forces
        ``is_default`` true, and the current default is unset whenever its id differs from the path's
        (``defaultReg.ID.Hex() != id``: a malformed id, which loaded the first registry, always differs). The
        update itself (``RegistryNamespaceColl.Update``) then fails on an id ObjectIDFromHex refuses, after the
        default may already be gone. ``new`` is the document to save; its namespace and region are dropped from
        the ``$set`` when empty (bson omitempty), keeping the stored ones.
        """
        def find_origin():
            origin = self.find(registry_id)
            if origin is None:
                return None, internal_error('failed to find registry, id: %s, err: %s' % (registry_id, NO_DOCUMENTS))
            return origin, None

        current = self.first_default()
        if self.mode == 'main':
            origin, failure = find_origin()
            if failure:
                return failure
            if origin['is_default']:
                new['is_default'] = True
            if new['is_default'] and current and current['id'] != registry_id:
                current['is_default'] = False
        else:
            if new['is_default'] and current:
                current['is_default'] = False
            origin, failure = find_origin()
            if failure:
                return failure
        if object_id_error(registry_id):
            return internal_error('RegistryNamespace.Update error: ' + object_id_error(registry_id))
        new['namespace'] = go_trim_space(new['namespace']) or origin['namespace']
        new['region'] = new['region'] or origin['region']
        new['id'] = origin['id']
        new['update_time'] = int(time.time())
        new['update_by'] = name
        origin.clear()
        origin.update(new)
        return self.dind_sync() or success()

    def dind_sync(self):
        """SyncDinDForRegistries: PrepareDinD panics on an address with no ``//``: 500, empty, after the commit."""
        for doc in self.registries:
            settings = doc['advanced_setting']
            if settings is None:
                continue
            if (not settings.get('enable_tls') or settings.get('tls_cert')) and '//' not in doc['reg_addr']:
                return empty(500)
        return None

    # ---- OpenAPI handlers ------------------------------------------------------

    def openapi_create(self, name, is_admin, body):
        if not is_admin:
            return empty(403)
        try:
            req = bind_json(body, CREATE_FIELDS)
        except BindError:
            return empty(400)
        if req['address'] == '':
            return internal_error('address cannot be empty')
        if req['provider'] not in OPENAPI_PROVIDERS:
            return internal_error('unsupported registry provider')
        if req['namespace'] == '' and req['provider'] != 'ecr':
            return internal_error('namespace cannot be empty')
        if req['provider'] == 'ecr' and req['region'] == '':
            return internal_error('region is a required field for ECR provider')
        if not go_parse_request_uri(req['address']):
            return internal_error('address needs to be a valid URL')
        is_default = req['is_default']
        if is_default:
            current = self.first_default()
            if current:
                current['is_default'] = False
        elif self.mode == 'main' and self.first_default() is None:
            is_default = True
        self.registries.append({
            'id': self.new_id(), 'reg_addr': req['address'], 'reg_type': '', 'reg_provider': req['provider'],
            'is_default': is_default, 'projects': None, 'namespace': go_trim_space(req['namespace']),
            'access_key': req['access_key'], 'secret_key': req['secret_key'], 'region': req['region'],
            'update_time': int(time.time()), 'update_by': name,
            'advanced_setting': {'modified': True, 'enable_tls': req['enable_tls'], 'tls_cert': req['tls_cert']},
        })
        return self.dind_sync() or success()

    def openapi_get(self, registry_id):
        doc = self.find(registry_id)
        if doc is None:
            return internal_error(NO_DOCUMENTS)
        return Response(200, self.openapi_view(doc), 'application/json; charset=utf-8')

    def openapi_update(self, name, registry_id, body):
        origin = self.find(registry_id)
        if origin is None:
            return internal_error(NO_DOCUMENTS)
        try:
            req = bind_json(body, UPDATE_FIELDS)
        except BindError:
            return empty(400)
        new = copy.deepcopy(origin)
        decode_credentials(new)
        new['reg_addr'] = req['address']
        new['reg_provider'] = req['provider']
        new['namespace'] = req['namespace']  # validated untrimmed; the service trims it
        new['is_default'] = req['is_default']
        new['region'] = req['region']
        invalid = validate_registry(new['reg_addr'], new['reg_provider'], new['namespace'])
        if invalid:
            return invalid
        return self.license_validate(new['reg_provider']) or self.update_service(name, registry_id, new)

    def license_validate(self, provider):
        """RegistryNamespace.LicenseValidate, run by both PUTs on the provider being saved: 7050 without a licence."""
        if provider in LICENSED_PROVIDERS and not self.licensed:
            return http_error(7050, LICENSE_MESSAGE)
        return None

    # ---- internal handlers -----------------------------------------------------

    def internal_specific(self, is_admin, registry_id):
        """GetRegistryNamespace: the handler's Registry type, which copies advanced_setting only when the stored
        one is not nil, so a wiped one (an internal PUT without it) reads back null."""
        if not is_admin:
            return empty(403)
        doc = self.find(registry_id)
        if doc is None:
            return internal_error(NO_DOCUMENTS)
        settings = doc['advanced_setting']
        return Response(200, {
            'id': doc['id'], 'reg_addr': doc['reg_addr'], 'is_default': doc['is_default'],
            'namespace': doc['namespace'], 'access_key': '', 'secret_key': '',
            'advanced_setting': None if settings is None else {
                'modified': settings['modified'], 'enable_tls': settings['enable_tls'],
                'tls_cert': settings['tls_cert']},
        }, 'application/json; charset=utf-8')

    def public_key(self):
        """GetRSAPublicKey: the PEM GetRsaKey wrote, a SubjectPublicKeyInfo (x509.MarshalPKIXPublicKey) under the
        PKCS#1 label ``RSA PUBLIC KEY``; built by hand, as no cryptography release writes that mismatch."""
        from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel
        der = self.rsa_key.public_key().public_bytes(serialization.Encoding.DER,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo)
        return Response(200, {'publicKey': go_pem_encode('RSA PUBLIC KEY', der)}, JSON)

    def internal_list(self, is_admin, encrypted_key):
        """ListRegistryNamespaces: the full model, secret_key AES-CFB encrypted with the caller's key.

        commonservice.ListRegistryNamespaces lists first, then unwraps the key (its errors whatever the list
        holds), then encrypts each secret_key: a key of the wrong size fails only there, so not with no registry.
        Both kinds of failure come back wrapped in the service's own words, as a plain Go error (500).
        """
        if not is_admin:
            return empty(403)
        if not encrypted_key:
            return invalid_param()
        try:
            aes_key = self.unwrap_key(encrypted_key)
        except GoError as exc:
            return internal_error('RegistryNamespace.List GetAesKeyFromEncryptedKey error: %s' % exc)
        answer = []
        for doc in self.registries:
            if len(aes_key) not in (16, 24, 32):  # crypto.NewAes: aes.NewCipher's KeySizeError
                return internal_error('RegistryNamespace.List AesEncryptByKey error: crypto/aes: invalid key size %d'
                                      % len(aes_key))
            answer.append(internal_view(doc, aes_cfb_encrypt(aes_key, doc['secret_key'])))
        return Response(200, answer, JSON)

    def unwrap_key(self, encrypted_key):
        """GetAesKeyFromEncryptedKey on the value gin already unescaped once (bytes): url.QueryUnescape again,
        spaces back to '+', base64.StdEncoding, then RSA PKCS#1 v1.5 with the private key; raises GoError."""
        raw = go_base64_std_decode(go_query_unescape(encrypted_key).replace(b' ', b'+'))
        numbers = self.rsa_key.private_numbers()
        return go_rsa_decrypt_pkcs1v15(numbers.public_numbers.n, numbers.d, raw)

    def internal_update(self, name, is_admin, registry_id, body):
        """UpdateRegistryNamespace (internal): the body replaces the whole document; omitted keys are wiped.

        The handler binds and validates the body and runs LicenseValidate on its provider before the service
        ever looks at the id, so a bad body answers 400 and an unlicensed provider 7050 whatever the id; only
        then do the default rules and the update by id run (``update_service``).
        """
        if not is_admin:
            return empty(403)
        try:
            req = bind_json(body, INTERNAL_FIELDS)
        except BindError:
            return empty(400)
        if not isinstance(req['projects'], (list, type(None))):
            return empty(400)
        if not isinstance(req['advanced_setting'], (dict, type(None))):
            return empty(400)
        invalid = validate_registry(req['reg_addr'], req['reg_provider'], req['namespace'])
        if invalid:
            return invalid
        refused = self.license_validate(req['reg_provider'])
        if refused:
            return refused
        settings = req['advanced_setting']
        new = {
            'id': '', 'reg_addr': req['reg_addr'], 'reg_type': req['reg_type'],
            'reg_provider': req['reg_provider'], 'is_default': req['is_default'], 'projects': req['projects'],
            'namespace': req['namespace'], 'access_key': req['access_key'],
            'secret_key': req['secret_key'], 'region': req['region'],
            'update_time': 0, 'update_by': '',
            'advanced_setting': None if settings is None else {
                'modified': bool(settings.get('modified')), 'enable_tls': bool(settings.get('enable_tls')),
                'tls_cert': settings.get('tls_cert') or ''},
        }
        return self.update_service(name, registry_id, new)

    def internal_references(self, is_admin, registry_id):
        """GetRegistryReferences (v4.2+): the id is not validated; absent or malformed gives []."""
        if not is_admin:
            return empty(403)
        if self.envs_using.list_error is not None:
            return internal_error(self.envs_using.list_error)
        return Response(200, {'references': self.envs_using.references(registry_id)}, JSON)

    def internal_delete(self, is_admin, registry_id):
        if not is_admin:
            return empty(403)
        if self.envs_using.list_error is None and registry_id in self.envs_using:
            return internal_error(IN_USE)
        if object_id_error(registry_id):
            return internal_error(object_id_error(registry_id))
        doc = self.find(registry_id)
        if doc is not None:
            self.registries.remove(doc)
            if doc['is_default'] and self.registries and self.first_default() is None:
                self.registries[0]['is_default'] = True
        return self.dind_sync() or success()  # Zadig syncs even when nothing was deleted


INTERNAL_FIELDS = {
    'id': (str, ''), 'reg_addr': (str, ''), 'reg_type': (str, ''), 'reg_provider': (str, ''),
    'is_default': (bool, False), 'projects': (object, None), 'namespace': (str, ''), 'access_key': (str, ''),
    'secret_key': (str, ''), 'region': (str, ''), 'advanced_setting': (object, None),
}


def internal_view(doc, secret_key):
    """A commonmodels.RegistryNamespace as the handler's responseHelper and encoding/json write it: keys in the
    struct's order, a null ``projects`` made ``[]``, an empty ``namespace`` or ``region`` left out (omitempty)."""
    item = {'id': doc['id'], 'reg_addr': doc['reg_addr'], 'reg_type': doc['reg_type'],
            'reg_provider': doc['reg_provider'], 'is_default': doc['is_default'],
            'projects': [] if doc['projects'] is None else list(doc['projects'])}
    if doc['namespace']:
        item['namespace'] = doc['namespace']
    item['access_key'] = doc['access_key']
    item['secret_key'] = secret_key
    if doc['region']:
        item['region'] = doc['region']
    item['update_time'] = doc['update_time']
    item['update_by'] = doc['update_by']
    settings = doc['advanced_setting']
    item['advanced_setting'] = None if settings is None else {
        'modified': settings['modified'], 'enable_tls': settings['enable_tls'], 'tls_cert': settings['tls_cert']}
    return item


def cfb_mode():
    """AES-CFB, from where this version of cryptography keeps it."""
    try:
        from cryptography.hazmat.decrepit.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
    except ImportError:
        from cryptography.hazmat.primitives.ciphers.modes import CFB  # pylint: disable=import-outside-toplevel
    return CFB


def aes_cfb_encrypt(key, plaintext):
    """crypto.Aes.Encrypt: a random 16-byte IV, AES-CFB, hex of IV plus ciphertext (so "" gives the IV alone)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms  # pylint: disable=import-outside-toplevel
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(key), cfb_mode()(iv)).encryptor()
    return (iv + encryptor.update(plaintext.encode()) + encryptor.finalize()).hex()


def validate_registry(address, provider, namespace):
    """RegistryNamespace.Validate(), shared by both updates: 400 ErrInvalidParam, or None when valid."""
    if address == '':
        return invalid_param('empty reg_addr')
    if provider == '':
        return invalid_param('empty reg_provider')
    if namespace == '' and provider != 'ecr':
        return invalid_param('empty namespace')
    return None


def decode_credentials(doc):
    """commonutil.DecodeRegistry as PUT applies it before saving the whole struct: swr and ecr keys get corrupted."""
    if doc['reg_provider'] == 'swr' and doc['access_key']:
        key = doc['access_key']
        doc['access_key'] = '%s@%s' % (doc['region'], key)
        doc['secret_key'] = hmac.new(doc['secret_key'].encode(), key.encode(), hashlib.sha256).hexdigest()
    elif doc['reg_provider'] == 'ecr':
        doc['access_key'], doc['secret_key'] = 'AWS', 'ecr-docker-token-%s' % os.urandom(8).hex()


def header_token(headers):
    """The token of ``Authorization: <scheme> <token>``; None when absent or not exactly 2 parts."""
    value = headers.get('Authorization')
    if not value:
        return None
    parts = value.split(' ')
    return parts[1] if len(parts) == 2 else None


def route_template(path):
    """``/openapi/system/registry/<id>`` becomes ``/openapi/system/registry/:id`` for counting."""
    for prefix, suffix in ((INTERNAL + '/namespaces/specific/', ''), (INTERNAL + '/namespaces/', '/references'),
                           (INTERNAL + '/namespaces/', ''), (OPENAPI + '/', '')):
        middle = path[len(prefix):len(path) - len(suffix)]
        if path.startswith(prefix) and path.endswith(suffix) and middle and '/' not in middle:
            return prefix + ':id' + suffix
    return path


# --------------------------------------------------------------------------
# HTTP front end
# --------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into ``Simulator.handle`` calls; ``/_sim/`` is the test-control API."""

    protocol_version = 'HTTP/1.1'
    server_version = 'zadig-simulator'
    sys_version = ''
    # Headers and body go out in one write with TCP_NODELAY, as Go's server does; small separate writes on a
    # kept-alive connection would add ~40 ms of delayed-ACK wait to every answer.
    disable_nagle_algorithm = True
    wbufsize = -1

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write('%s\n' % (format % args))

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length).decode('utf-8', errors='replace') if length else ''

    def _send(self, response):
        payload = response.payload()
        self.send_response(response.status)
        if response.content_type:
            self.send_header('Content-Type', response.content_type)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header('Content-Length', str(response.declared_length or len(payload)))
        if response.trickle_headers:
            self._trickle_head(*response.trickle_headers)
        else:
            self.end_headers()
        if response.trickle and self.command != 'HEAD':
            size, delay = response.trickle
            for start in range(0, len(payload), size):
                self.wfile.write(payload[start:start + size])
                self.wfile.flush()
                if self.server.sim._wake.wait(delay):  # pylint: disable=protected-access
                    break
        elif self.command != 'HEAD':
            self.wfile.write(payload)
        if response.declared_length:
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)

    def _trickle_head(self, size, delay):
        """The status line and headers, ``size`` bytes every ``delay`` seconds (a trickle_headers fault)."""
        self._headers_buffer.append(b'\r\n')
        head, self._headers_buffer = b''.join(self._headers_buffer), []
        for start in range(0, len(head), size):
            self.wfile.write(head[start:start + size])
            self.wfile.flush()
            if self.server.sim._wake.wait(delay):  # pylint: disable=protected-access
                break

    def _dispatch(self):
        body = self._body()
        sim = self.server.sim
        if self.path.startswith('/_sim/'):
            self._send(control(sim, self.command, self.path, body))
            return
        response = sim.handle(self.command, self.path, self.headers, body)
        if response is None:
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._send(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


def control(sim, method, target, body):
    """Test-control routes: state, faults, request counts, environments and reset."""
    path = urlsplit(target).path
    data = json.loads(body) if body.strip() else {}
    ok = Response(200, {'ok': True}, 'application/json')
    if path == '/_sim/reset' and method == 'POST':
        sim.reset()
        return ok
    if path == '/_sim/registries' and method == 'GET':
        return Response(200, sim.snapshot(), 'application/json')
    if path == '/_sim/registries' and method == 'POST':  # one registry, or a list of them in one request
        seeded = [sim.seed(**item) for item in data] if isinstance(data, list) else sim.seed(**data)
        return Response(200, seeded, 'application/json')
    if path == '/_sim/faults' and method == 'POST':
        try:
            sim.add_fault(**data)
        except (ValueError, TypeError, re.error) as exc:
            return text(400, 'bad fault: %s' % exc)
        return ok
    if path == '/_sim/envs' and method == 'POST':
        try:
            return Response(200, sim.add_env(**data), 'application/json')
        except TypeError as exc:
            return text(400, 'bad environment: %s' % exc)
    if path == '/_sim/envs' and method == 'GET':
        with sim.lock:
            return Response(200, {'envs': sim.envs_using.snapshot(), 'random_order': sim.envs_using.random_order,
                                  'list_error': sim.envs_using.list_error}, 'application/json')
    if path == '/_sim/envs' and method == 'DELETE':
        with sim.lock:
            sim.envs_using.clear()
        return ok
    if path == '/_sim/envs/settings' and method == 'POST':
        with sim.lock:
            sim.envs_using.random_order = bool(data.get('random_order', sim.envs_using.random_order))
            sim.envs_using.list_error = data.get('list_error', sim.envs_using.list_error)
        return ok
    if path == '/_sim/license' and method == 'GET':
        return Response(200, {'licensed': sim.licensed}, 'application/json')
    if path == '/_sim/license' and method == 'POST':
        if not isinstance(data.get('licensed'), bool):
            return text(400, 'bad licence request: give {"licensed": true} or {"licensed": false}')
        sim.set_licensed(data['licensed'])
        return ok
    if path == '/_sim/version' and method == 'GET':
        return Response(200, {'version': sim.version, 'mode': sim.mode, 'prefix': sim.prefix,
                              'versions': list(VERSIONS)}, 'application/json')
    if path.startswith('/_sim/tokens') and method == 'POST':
        return token_control(sim, path, data) or ok
    if path == '/_sim/requests' and method == 'GET':
        with sim.lock:
            return Response(200, {'counts': dict(sim.counts()), 'log': [list(e) for e in sim.log]},
                            'application/json')
    if path == '/_sim/requests' and method == 'DELETE':
        with sim.lock:
            sim.log = []
        return ok
    return text(404, 'unknown control route %s %s' % (method, path))


def token_control(sim, path, data):
    """``/_sim/tokens`` adds a token, ``/_sim/tokens/rotate`` rotates one, ``/_sim/tokens/user`` sets a user's MFA
    requirement and API-token switch; None when done, else a 400."""
    try:
        with sim.lock:
            if path == '/_sim/tokens':
                sim.add_token(data['token'], data.get('name', 'user'), data.get('admin', False),
                              data.get('mfa_verified', False))
            elif path == '/_sim/tokens/rotate':
                sim.rotate_token(data['token'], data.get('new_token'), data.get('mfa_verified', False))
            elif path == '/_sim/tokens/user':
                if 'mfa' in data:
                    sim.require_mfa(data['user'], data['mfa'])
                if 'api_token_enabled' in data:
                    sim.enable_api_token(data['user'], data['api_token_enabled'])
            else:
                return text(404, 'unknown control route POST %s' % path)
    except (KeyError, ValueError) as exc:
        return text(400, 'bad token request: %r' % exc)
    return None


class SimulatorServer(ThreadingHTTPServer):
    """A threading HTTP server bound to loopback that serves one ``Simulator``."""

    daemon_threads = True

    def __init__(self, sim, host='127.0.0.1', port=0, verbose=False, certfile=None, keyfile=None):
        self.sim = sim
        self.verbose = verbose
        self.scheme = 'https' if certfile else 'http'
        super().__init__((host, port), Handler)
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def url(self):
        host, port = self.server_address[:2]
        return '%s://%s:%d' % (self.scheme, 'localhost' if self.scheme == 'https' else host, port)

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ssl.SSLError)):
            super().handle_error(request, client_address)

    def start(self):
        """Serve in a daemon thread (for pytest fixtures); returns self."""
        thread = threading.Thread(target=self.serve_forever, kwargs={'poll_interval': 0.02}, daemon=True)
        thread.start()
        return self

    def stop(self):
        self.sim.wake()
        self.shutdown()
        self.server_close()


def main(argv=None):
    parser = argparse.ArgumentParser(description='Zadig image-registry API simulator (loopback only).')
    parser.add_argument('--host', default='127.0.0.1', help='address to bind (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port (default 0: a free one)')
    parser.add_argument('--port-file', help='write the chosen port to this file once listening')
    parser.add_argument('--mode', choices=('v4.1', 'main'),
                        help='default-registry rules of Zadig v4.1 (also v4.2-v5.0) or of main after 2026-08; '
                             'alone, v4.1 means --version v4.1 and main --version main')
    parser.add_argument('--version', choices=VERSIONS,
                        help='the Zadig server version (default v4.1): v4.2 adds the references route, v4.3 '
                             'token rotation and MFA at the gateway, main its default rules')
    parser.add_argument('--admin-token', action='append', help='token of a system admin (repeatable)')
    parser.add_argument('--user-token', action='append', help='token of a non-admin user (repeatable)')
    parser.add_argument('--licensed', action='store_true',
                        help='act as a Professional/Enterprise edition (default: none, so updates of ecr, jfrog, '
                             'acr-enterprise and tcr-enterprise registries get 7050); POST /_sim/license '
                             '{"licensed": true|false} switches it at run time')
    parser.add_argument('--prefix', default='',
                        help="serve every route under this path, as behind a reverse proxy (e.g. /zadig); other "
                             "paths get the proxy's 404 page")
    parser.add_argument('--fault', action='append', default=[], metavar='JSON',
                        help='inject a fault from the start, as POST /_sim/faults takes it, e.g. '
                             '\'{"kind": "html", "status": 502, "count": 3}\' (repeatable)')
    parser.add_argument('--tls-cert', help='serve HTTPS with this PEM certificate (chain)')
    parser.add_argument('--tls-key', help='the PEM private key of --tls-cert')
    parser.add_argument('--verbose', action='store_true', help='log each request to stderr')
    args = parser.parse_args(argv)
    if args.host not in ('127.0.0.1', 'localhost', '::1'):
        parser.error('the simulator only listens on loopback')
    if args.prefix and (not args.prefix.startswith('/') or args.prefix.endswith('/')):
        parser.error("--prefix must start with '/' and not end with one, e.g. /zadig")
    if args.mode and args.version and args.mode != default_rules(args.version):
        parser.error('--mode %s contradicts --version %s, whose default rules are %s'
                     % (args.mode, args.version, default_rules(args.version)))
    sim = Simulator(mode=args.mode, version=args.version, admin_tokens=args.admin_token or ['admin-token'],
                    user_tokens=args.user_token or ['user-token'], licensed=args.licensed, prefix=args.prefix)
    for spec in args.fault:
        try:
            options = json.loads(spec)
            sim.add_fault(**options)
        except (ValueError, TypeError, AttributeError) as exc:
            parser.error('--fault %s: %s' % (spec, exc))
    server = SimulatorServer(sim, args.host, args.port, args.verbose, args.tls_cert, args.tls_key)
    if args.port_file:
        with open(args.port_file + '.tmp', 'w', encoding='utf-8') as handle:
            handle.write(str(server.server_address[1]))
        os.replace(args.port_file + '.tmp', args.port_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print('Zadig simulator %s (%s mode) listening on %s' % (sim.version, sim.mode, server.url), flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
