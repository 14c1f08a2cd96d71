# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator answers with Zadig's exact bytes where a kinder answer would hide a client's mistake.

The public key's mislabelled PEM, the internal list as Zadig's responseHelper writes it, the errors of the key
unwrapping, the default registry lost by a PUT on a malformed id, and the licence check of both PUTs. Raw HTTP
with requests, never the collection's client; expected bodies are written out here, not built with the
simulator's own helpers.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
import requests

from ansible_collections.zadig.core.tests.simulator.zadig_simulator import (
    INTERNAL, OPENAPI, Simulator, SimulatorServer)
from ansible_collections.zadig.core.tests.unit.utils import ADMIN, USER

PUBLIC_KEY = '/api/aslan/system/rsaKey/publicKey'
NAMESPACES = INTERNAL + '/namespaces'
JSON = 'application/json; charset=utf-8'
KEY = b'0123456789abcdef0123456789abcdef'
UNWRAP = 'RegistryNamespace.List GetAesKeyFromEncryptedKey error: '
LICENCE_7050 = ('{"code":7050,"description":"","extra":{},"message":"用户许可证不可用，请检查许可证后重试",'
                '"type":"error"}').encode('utf-8')
BAD_OBJECT_ID = 'the provided hex string is not a valid ObjectID'


def call(server, method, path, token=ADMIN, body=None):
    headers = {} if token is None else {'Authorization': 'Bearer %s' % token}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers['Content-Type'] = 'application/json'
    return requests.request(method, server.url + path, data=data, headers=headers, allow_redirects=False,
                            timeout=10)


def error_500(description):
    """A plain Go error as Zadig's ErrorMessage writes it: keys sorted, no type or extra."""
    return ('{"code":500,"description":%s,"message":"Internal Error: "}'
            % json.dumps(description, ensure_ascii=False)).encode('utf-8')


def bad_request(description):
    return ('{"code":400,"description":"%s","extra":{},"message":"Bad Request","type":"error"}'
            % description).encode('utf-8')


def serve(**options):
    options.setdefault('admin_tokens', [ADMIN])
    options.setdefault('user_tokens', [USER])
    return SimulatorServer(Simulator(**options)).start()


# ---- the public key: SubjectPublicKeyInfo under the PKCS#1 label -------------------------------------------

def pem_of(server):
    response = call(server, 'GET', PUBLIC_KEY, token=USER)
    assert (response.status_code, response.headers['Content-Type']) == (200, JSON)
    return response


def spki_der(pem):
    lines = pem.split('\n')
    return base64.b64decode(''.join(lines[1:-2]), validate=True)


def wrap(server, key=KEY, oaep=False):
    """What a client sends: the key encrypted with the server's RSA key, standard base64 with padding."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    public = serialization.load_der_public_key(spki_der(pem_of(server).json()['publicKey']))
    scheme = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None) if oaep else padding.PKCS1v15()
    return base64.b64encode(public.encrypt(key, scheme)).decode()


def decrypt(key, hex_text):
    from ansible_collections.zadig.core.tests.simulator.zadig_simulator import cfb_mode
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

    raw = bytes.fromhex(hex_text)
    decryptor = Cipher(algorithms.AES(key), cfb_mode()(raw[:16])).decryptor()
    return (decryptor.update(raw[16:]) + decryptor.finalize()).decode()


def test_public_key_is_a_spki_der_under_the_rsa_public_key_label_in_go_pem_lines(server_v41):
    """GetRsaKey: x509.MarshalPKIXPublicKey's DER, pem.EncodeToMemory'd as type "RSA PUBLIC KEY"."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    response = pem_of(server_v41)
    pem = response.json()['publicKey']
    assert list(response.json()) == ['publicKey']
    lines = pem.split('\n')
    assert lines[0] == '-----BEGIN RSA PUBLIC KEY-----'
    assert lines[-2:] == ['-----END RSA PUBLIC KEY-----', '']  # the END line ends in a newline, as pem.Encode's
    body = lines[1:-2]
    assert all(len(line) == 64 for line in body[:-1]) and 0 < len(body[-1]) <= 64
    assert all(re.fullmatch(r'[A-Za-z0-9+/]+=*', line) for line in body)
    der = spki_der(pem)
    # SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING }: SubjectPublicKeyInfo, not PKCS#1's
    # SEQUENCE { INTEGER n, INTEGER e } that the label names.
    assert der[:2] == b'\x30\x82' and der[4:19] == bytes.fromhex('300d06092a864886f70d0101010500')
    key = serialization.load_der_public_key(der)
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    assert der == server_v41.sim.rsa_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert response.content == b'{"publicKey":"' + pem.replace('\n', '\\n').encode() + b'"}'


# ---- the internal list as responseHelper and encoding/json write it ------------------------------------------

def listing(server, value, token=ADMIN):
    """The internal list with ``value`` sent byte for byte (requests would re-escape a bad %-escape)."""
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        connection.request('GET', NAMESPACES + '?encryptedKey=' + value, headers={'Authorization': 'Bearer ' + token})
        answer = connection.getresponse()
        response = requests.Response()
        response.status_code, response._content = answer.status, answer.read()  # pylint: disable=protected-access
        response.headers['Content-Type'] = answer.getheader('Content-Type')
        return response
    finally:
        connection.close()


def test_internal_list_reads_null_projects_as_empty_and_omits_empty_namespace_and_region(server_v41):
    """responseHelper turns a nil slice into []; the model's namespace and region are json omitempty."""
    ecr = server_v41.sim.seed('https://1.dkr.ecr.aws', provider='ecr', access_key='AK', secret_key='')
    harbor = server_v41.sim.seed('https://h.example.com', provider='harbor', namespace='team', region='cn-1',
                                 access_key='AK2', secret_key='SK2', enable_tls=True, tls_cert='PEM',
                                 projects=['<all_projects>'], is_default=True)
    response = listing(server_v41, quote(wrap(server_v41), safe=''))
    assert (response.status_code, response.headers['Content-Type']) == (200, JSON)
    secrets = [doc['secret_key'] for doc in response.json()]
    expected = (
        '[{"id":"%s","reg_addr":"https://1.dkr.ecr.aws","reg_type":"","reg_provider":"ecr","is_default":false,'
        '"projects":[],"access_key":"AK","secret_key":"%s","update_time":%d,"update_by":"seed",'
        '"advanced_setting":{"modified":true,"enable_tls":false,"tls_cert":""}},'
        '{"id":"%s","reg_addr":"https://h.example.com","reg_type":"","reg_provider":"harbor","is_default":true,'
        '"projects":["\\u003call_projects\\u003e"],"namespace":"team","access_key":"AK2","secret_key":"%s",'
        '"region":"cn-1","update_time":%d,"update_by":"seed",'
        '"advanced_setting":{"modified":true,"enable_tls":true,"tls_cert":"PEM"}}]'
        % (ecr['id'], secrets[0], ecr['update_time'], harbor['id'], secrets[1], harbor['update_time']))
    assert response.content == expected.encode()
    assert 'namespace' not in response.json()[0] and 'region' not in response.json()[0]
    assert decrypt(KEY, secrets[1]) == 'SK2'


@pytest.mark.parametrize('size', [16, 24, 32])
def test_an_empty_secret_comes_back_as_the_iv_alone(server_v41, size):
    """crypto.Aes.Encrypt("") is the hex of a fresh 16-byte IV: 32 characters, decrypting to "", whatever the
    key size; a stored secret comes back 32 characters longer than itself."""
    server_v41.sim.seed('https://reg.example.com', namespace='t', secret_key='')
    server_v41.sim.seed('https://reg.example.com', namespace='t', secret_key='s3cr3t')
    key = os.urandom(size)
    value = quote(wrap(server_v41, key=key), safe='')
    first, second = (listing(server_v41, value).json() for dummy in range(2))
    assert re.fullmatch('[0-9a-f]{32}', first[0]['secret_key'])
    assert re.fullmatch('[0-9a-f]{32}', second[0]['secret_key'])
    assert first[0]['secret_key'] != second[0]['secret_key']
    assert decrypt(key, first[0]['secret_key']) == ''
    assert re.fullmatch('[0-9a-f]{44}', first[1]['secret_key']) and decrypt(key, first[1]['secret_key']) == 's3cr3t'


def test_null_advanced_setting_stays_null_and_line_separators_are_escaped(server_v41):
    """json.Marshal escapes U+2028 and U+2029 (and <, >, &) inside strings; a nil pointer is null."""
    doc = server_v41.sim.seed('https://reg.example.com', namespace='a\u2028b\u2029&', access_key='<k>')
    server_v41.sim.registries[0]['advanced_setting'] = None
    response = listing(server_v41, quote(wrap(server_v41), safe=''))
    assert b'"namespace":"a\\u2028b\\u2029\\u0026","access_key":"\\u003ck\\u003e"' in response.content
    assert response.content.endswith(b'"update_by":"seed","advanced_setting":null}]')
    assert '\u2028'.encode() not in response.content
    assert response.json()[0]['id'] == doc['id']


@pytest.mark.parametrize('size', [1, 5, 15, 17, 31, 33])
def test_a_key_of_the_wrong_size_fails_only_when_a_registry_exists(server_v41, size):
    """ListRegistryNamespaces lists first and builds the AES cipher only to encrypt a registry's secret."""
    value = quote(wrap(server_v41, key=b'k' * size), safe='')
    response = listing(server_v41, value)
    assert (response.status_code, response.content) == (200, b'[]')
    server_v41.sim.seed('https://reg.example.com', namespace='t')
    response = listing(server_v41, value)
    assert response.status_code == 500
    assert response.content == error_500(
        'RegistryNamespace.List AesEncryptByKey error: crypto/aes: invalid key size %d' % size)


def wrapped_with_plus_and_slash(server):
    for dummy in range(200):
        value = wrap(server)
        if '+' in value and '/' in value:
            return value
    raise AssertionError('no wrapped key with both + and / in 200 tries')


def test_the_key_is_unescaped_twice_and_spaces_turned_back_into_plus(server_v41):
    """gin's c.Query decodes once, GetAesKeyFromEncryptedKey's url.QueryUnescape again, then ' ' becomes '+':
    raw, escaped and double-escaped values all work."""
    server_v41.sim.seed('https://reg.example.com', namespace='t', secret_key='s3cr3t')
    value = wrapped_with_plus_and_slash(server_v41)
    for name, sent in (('raw', value), ('plus as space', value.replace('+', '%20')),
                       ('escaped', quote(value, safe='')), ('double-escaped', quote(quote(value, safe=''), safe='')),
                       ('mixed', quote(value, safe='').replace('%2B', '%252B').replace('%2F', '/'))):
        response = listing(server_v41, sent)
        assert response.status_code == 200, (name, response.content)
        assert decrypt(KEY, response.json()[0]['secret_key']) == 's3cr3t', name


def test_url_safe_or_unpadded_base64_is_go_corrupt_input_error(server_v41):
    """base64.StdEncoding names the byte it stopped at: the first '-' or '_' of URL-safe base64; for a missing
    padding, the start of the unfinished last quantum (a 256-byte ciphertext is 342 characters unpadded, so 340);
    for half the padding, the length (343)."""
    value = wrapped_with_plus_and_slash(server_v41)
    assert len(value) == 344 and value.endswith('==')
    url_safe = value.replace('+', '-').replace('/', '_')
    first = min(url_safe.index('-'), url_safe.index('_'))
    for sent, offset in ((url_safe, first), (url_safe.rstrip('='), first), (value.rstrip('='), 340),
                         (value[:-1], 343)):
        response = listing(server_v41, quote(sent, safe=''))
        assert response.status_code == 500
        assert response.content == error_500(UNWRAP + 'illegal base64 data at input byte %d' % offset), sent


@pytest.mark.parametrize('sent, offset', [
    ('QQ', 0), ('QUJDRA', 4), ('QUJDRA=', 7), ('Q===', 1), ('=', 0), ('QQ==QQ==', 4), ('QQ=x', 2),
    ('QUJD%0ARA%0D%0A=', 10), ('a.b', 1),
])
def test_base64_error_offsets_follow_go_decode_quantum(server_v41, sent, offset):
    """Go skips '\\r' and '\\n', wants '==' after two digits, and calls bytes after the padding garbage."""
    response = listing(server_v41, quote(sent, safe='%'))
    assert response.content == error_500(UNWRAP + 'illegal base64 data at input byte %d' % offset)


@pytest.mark.parametrize('kind', ['oaep', 'random', 'empty', 'too-big'])
def test_anything_but_pkcs1v15_is_rsa_decryption_error(server_v41, kind):
    """rsa.DecryptPKCS1v15 answers ErrDecryption for every bad ciphertext; OpenSSL's implicit rejection (a
    random message in place of an error) must not leak through as a key of some size."""
    server_v41.sim.seed('https://reg.example.com', namespace='t')
    value = {
        'oaep': lambda: wrap(server_v41, oaep=True),
        'random': lambda: base64.b64encode(b'\x00' + os.urandom(255)).decode(),
        'empty': lambda: '%0A',  # decodes to no byte at all
        'too-big': lambda: base64.b64encode(b'\xff' * 256).decode(),
    }[kind]()
    for dummy in range(3):
        response = listing(server_v41, quote(value, safe='%'))
        assert response.status_code == 500
        assert response.content == error_500(UNWRAP + 'crypto/rsa: decryption error')


def test_a_bad_escape_left_after_gin_is_query_unescape_error_and_one_gin_drops_is_no_key(server_v41):
    """url.QueryUnescape's EscapeError names at most three bytes; url.ParseQuery skips a pair it cannot
    unescape, so that key reads as absent: ErrInvalidParam."""
    response = listing(server_v41, '%25zz' + 'A' * 10)
    assert response.content == error_500(UNWRAP + 'invalid URL escape "%zz"')
    response = listing(server_v41, 'QQ%25')
    assert response.content == error_500(UNWRAP + 'invalid URL escape "%"')
    for value in ('%zz', '%', 'QQ%3'):
        response = listing(server_v41, value)
        assert (response.status_code, response.content) == (400, bad_request('')), value
    response = listing(server_v41, quote(wrap(server_v41), safe='') + ';x=1')
    assert (response.status_code, response.content) == (400, bad_request(''))


def test_key_errors_answer_the_same_with_no_registry(server_v41):
    """The key is unwrapped whatever the list holds; only its size waits for a registry."""
    assert listing(server_v41, 'QQ').content == error_500(UNWRAP + 'illegal base64 data at input byte 0')
    value = quote(wrap(server_v41, oaep=True), safe='')
    assert listing(server_v41, value).content == error_500(UNWRAP + 'crypto/rsa: decryption error')


# ---- a PUT on a malformed id: the default can be lost before the 500 ---------------------------------------------

def create(server, **fields):
    body = dict(address='https://reg.example.com', provider='native', namespace='team')
    body.update(fields)
    response = call(server, 'POST', OPENAPI, body=body)
    assert response.content == b'{"message":"success"}'


def defaults(server):
    return [doc['namespace'] for doc in server.sim.registries if doc['is_default']]


def openapi_put(server, registry_id, **fields):
    body = {'address': 'https://x.example.com', 'provider': 'native', 'namespace': 'x'}
    body.update(fields)
    return call(server, 'PUT', OPENAPI + '/' + registry_id, body=body)


def internal_put(server, registry_id, **fields):
    body = {'reg_addr': 'https://x.example.com', 'reg_provider': 'native', 'namespace': 'x',
            'projects': ['<all_projects>'],
            'advanced_setting': {'modified': True, 'enable_tls': False, 'tls_cert': ''}}
    body.update(fields)
    return call(server, 'PUT', NAMESPACES + '/' + registry_id, body=body)


PUTS = [pytest.param(openapi_put, id='openapi'), pytest.param(internal_put, id='internal')]
BODY_DEFAULT = [pytest.param({}, id='omitted'), pytest.param({'is_default': False}, id='false'),
                pytest.param({'is_default': True}, id='true')]


@pytest.mark.parametrize('put', PUTS)
@pytest.mark.parametrize('fields', BODY_DEFAULT)
@pytest.mark.parametrize('bad_id', ['nothex', 'z' * 24])
def test_main_put_on_a_malformed_id_unsets_a_first_default_whatever_the_body_said(server_main, put, fields, bad_id):
    """main's UpdateRegistryNamespace loads the first registry (the _id filter is dropped), originReg.IsDefault
    forces is_default, and defaultReg.ID.Hex() != id unsets it before RegistryNamespaceColl.Update refuses the id;
    the next create then finds no default and is made the default."""
    create(server_main, namespace='a', is_default=True)
    create(server_main, namespace='b')
    before = [dict(doc) for doc in server_main.sim.registries]
    response = put(server_main, bad_id, **fields)
    detail = BAD_OBJECT_ID if bad_id == 'nothex' else "encoding/hex: invalid byte: U+007A 'z'"
    assert response.status_code == 500
    assert response.content == error_500('RegistryNamespace.Update error: ' + detail)
    assert defaults(server_main) == []
    assert [dict(doc, is_default=False) for doc in before] == server_main.sim.registries  # nothing else changed
    create(server_main, namespace='c')
    assert defaults(server_main) == ['c']


@pytest.mark.parametrize('fields, left', [({}, ['b']), ({'is_default': True}, [])])
def test_main_put_on_a_malformed_id_when_the_first_registry_is_not_the_default(server_main, fields, left):
    """Then originReg.IsDefault is false: the default goes only when the body asks for is_default."""
    for put in (openapi_put, internal_put):
        server_main.sim.reset()
        create(server_main, namespace='a')  # made the default, as main does with none
        create(server_main, namespace='b', is_default=True)
        assert defaults(server_main) == ['b'] and server_main.sim.registries[0]['namespace'] == 'a'
        response = put(server_main, 'nothex', **fields)
        assert response.content == error_500('RegistryNamespace.Update error: ' + BAD_OBJECT_ID), put.__name__
        assert defaults(server_main) == left, put.__name__


@pytest.mark.parametrize('fields, left', [({}, ['a']), ({'is_default': False}, ['a']), ({'is_default': True}, [])])
def test_v41_put_on_a_malformed_id_unsets_the_default_only_when_is_default_is_sent(server_v41, fields, left):
    """v4.1 unsets the current default for is_default true before it even loads the registry, then fails at
    Update; without it the default stays, and a later create stays non-default."""
    for put in (openapi_put, internal_put):
        server_v41.sim.reset()
        create(server_v41, namespace='a', is_default=True)
        response = put(server_v41, 'nothex', **fields)
        assert response.content == error_500('RegistryNamespace.Update error: ' + BAD_OBJECT_ID), put.__name__
        assert defaults(server_v41) == left, put.__name__
        create(server_v41, namespace='c')
        assert defaults(server_v41) == left, put.__name__


@pytest.mark.parametrize('fields, description', [
    ({'reg_addr': ''}, 'empty reg_addr'), ({'reg_provider': ''}, 'empty reg_provider'),
    ({'namespace': ''}, 'empty namespace')])
def test_internal_put_on_a_malformed_id_checks_the_body_first(server, fields, description):
    """The handler binds and validates the body before the service sees the id: an unreadable body is an empty
    400, an invalid one ErrInvalidParam, and the default is untouched."""
    create(server, namespace='a', is_default=True)
    before = server.sim.snapshot()
    response = requests.put(server.url + NAMESPACES + '/nothex', data='{"reg_addr": 5}', timeout=5,
                            headers={'Authorization': 'Bearer ' + ADMIN, 'Content-Type': 'application/json'})
    assert (response.status_code, response.content) == (400, b'')
    response = internal_put(server, 'nothex', is_default=True, **fields)
    assert (response.status_code, response.content) == (400, bad_request(description))
    assert server.sim.snapshot() == before


def test_internal_put_when_the_service_finds_no_registry(server):
    """UpdateRegistryNamespace's own lookup fails in its own words; v4.1 has already unset the default when
    is_default was sent, main looks the registry up first and changes nothing."""
    response = internal_put(server, 'nothex')
    assert response.content == error_500('failed to find registry, id: nothex, err: mongo: no documents in result')
    create(server, namespace='a', is_default=True)
    absent = 'f' * 24
    response = internal_put(server, absent, is_default=True)
    assert response.status_code == 500
    assert response.content == error_500(
        'failed to find registry, id: %s, err: mongo: no documents in result' % absent)
    assert defaults(server) == {'v4.1': [], 'main': ['a']}[server.sim.mode]
    # A valid id in capitals: main's id comparison unsets the default, which the update then sets again.
    rid = server.sim.registries[0]['id']
    assert internal_put(server, rid.upper(), namespace='a', is_default=True).content == b'{"message":"success"}'
    assert defaults(server) == ['a']


# ---- the licence: both PUTs run LicenseValidate on the provider they save -----------------------------------------

@pytest.mark.parametrize('provider', ['ecr', 'jfrog', 'acr-enterprise', 'tcr-enterprise'])
def test_internal_put_of_a_licensed_provider_without_licence_is_7050(server, provider):
    doc = server.sim.seed('https://reg.example.com', provider=provider, namespace='team', region='r')
    before = server.sim.snapshot()
    response = internal_put(server, doc['id'], reg_provider=provider, region='r')
    assert (response.status_code, response.headers['Content-Type']) == (400, JSON)
    assert response.content == LICENCE_7050
    assert server.sim.snapshot() == before


def test_ecr_created_through_openapi_cannot_be_updated_by_either_put(server):
    """Create is never licence-checked; setting projects right after it (the internal PUT) is, like any update."""
    create(server, provider='ecr', namespace='', region='us-east-1', address='https://1.dkr.ecr.aws')
    doc = server.sim.registries[0]
    response = internal_put(server, doc['id'], reg_addr=doc['reg_addr'], reg_provider='ecr', namespace='',
                            region='us-east-1', projects=['<all_projects>'])
    assert (response.status_code, response.content) == (400, LICENCE_7050)
    response = openapi_put(server, doc['id'], address=doc['reg_addr'], provider='ecr', namespace='',
                           region='us-east-1')
    assert (response.status_code, response.content) == (400, LICENCE_7050)
    assert server.sim.registries[0]['projects'] is None


def test_the_provider_checked_is_the_one_in_the_body(server):
    """LicenseValidate looks at the document about to be saved, not at the stored one."""
    ecr = server.sim.seed('https://1.dkr.ecr.aws', provider='ecr', region='us-east-1')
    native = server.sim.seed('https://reg.example.com', namespace='team')
    assert internal_put(server, ecr['id'], reg_provider='native').content == b'{"message":"success"}'
    assert internal_put(server, native['id'], reg_provider='ecr', region='r').content == LICENCE_7050
    assert openapi_put(server, native['id'], provider='jfrog').content == LICENCE_7050


@pytest.mark.parametrize('registry_id', ['nothex', 'f' * 24])
def test_licence_comes_after_the_body_checks_and_before_the_service(server, registry_id):
    """Internal PUT: Bind, Validate, LicenseValidate, then the service, so a bad body is 400 first and an
    unlicensed provider 7050 even on an id the service would refuse, the default surviving. OpenAPI PUT: its
    handler looks the id up first (FindRegistryById), then the same checks."""
    create(server, namespace='a', is_default=True)
    response = internal_put(server, registry_id, reg_addr='', reg_provider='ecr', is_default=True)
    assert response.content == bad_request('empty reg_addr')
    response = internal_put(server, registry_id, reg_provider='ecr', namespace='', region='r', is_default=True)
    assert (response.status_code, response.content) == (400, LICENCE_7050)
    assert defaults(server) == ['a']
    response = openapi_put(server, 'f' * 24, provider='ecr', region='r')
    assert response.content == error_500('mongo: no documents in result')
    doc = server.sim.seed('https://1.dkr.ecr.aws', provider='ecr', region='us-east-1')
    assert openapi_put(server, doc['id'], provider='ecr', address='').content == bad_request('empty reg_addr')
    assert openapi_put(server, doc['id'], provider='ecr', region='r').content == LICENCE_7050


def test_the_licence_switches_over_the_control_route_and_reset_restores_it(server):
    doc = server.sim.seed('https://1.dkr.ecr.aws', provider='ecr', region='us-east-1')
    control = server.url + '/_sim/license'
    assert requests.get(control, timeout=5).json() == {'licensed': False}
    assert requests.post(control, json={'licensed': True}, timeout=5).ok
    assert requests.get(control, timeout=5).json() == {'licensed': True}
    assert internal_put(server, doc['id'], reg_provider='ecr', region='r').content == b'{"message":"success"}'
    assert openapi_put(server, doc['id'], provider='ecr').content == b'{"message":"success"}'
    assert requests.post(control, json={'licensed': False}, timeout=5).ok
    assert internal_put(server, doc['id'], reg_provider='ecr', region='r').content == LICENCE_7050
    assert requests.post(control, json={'licensed': 'yes'}, timeout=5).status_code == 400
    assert requests.post(control, json={}, timeout=5).status_code == 400
    server.sim.set_licensed(True)
    assert requests.post(server.url + '/_sim/reset', timeout=5).ok
    assert requests.get(control, timeout=5).json() == {'licensed': False}


def test_a_licensed_simulator_resets_to_licensed():
    server = serve(licensed=True)
    try:
        server.sim.set_licensed(False)
        server.sim.reset()
        assert server.sim.licensed is True
    finally:
        server.stop()


@pytest.mark.parametrize('args, licensed', [([], False), (['--licensed'], True)])
def test_command_line_sets_the_licence(tmp_path, args, licensed):
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          'simulator', 'zadig_simulator.py')
    port_file = tmp_path / 'port'
    process = subprocess.Popen([sys.executable, script, '--port-file', str(port_file)] + args,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for dummy in range(600):  # the file is created, then written: wait for the port itself
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.05)
        url = 'http://127.0.0.1:%s' % port_file.read_text()
        assert requests.get(url + '/_sim/license', timeout=5).json() == {'licensed': licensed}
    finally:
        process.terminate()
        process.wait(5)


def test_specific_read_of_a_wiped_advanced_setting_is_null(server_v41):
    """GetRegistryNamespace fills advanced_setting only from a stored one; the internal PUT wipes it when the
    body leaves it out, and then the answer says null, not an object of false values."""
    doc = server_v41.sim.seed('https://reg.example.com', namespace='t', enable_tls=True, tls_cert='PEM')
    body = {'reg_addr': 'https://reg.example.com', 'reg_provider': 'native', 'namespace': 't'}
    assert call(server_v41, 'PUT', NAMESPACES + '/' + doc['id'], body=body).content == b'{"message":"success"}'
    response = call(server_v41, 'GET', NAMESPACES + '/specific/' + doc['id'])
    assert (response.status_code, response.headers['Content-Type']) == (200, JSON)
    assert response.content == ('{"id":"%s","reg_addr":"https://reg.example.com","is_default":false,"namespace":"t",'
                                '"access_key":"","secret_key":"","advanced_setting":null}' % doc['id']).encode()
