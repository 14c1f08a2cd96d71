# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An independent tester's attacks on five promises, written from the collection's docs and Zadig's behaviour only.

P1  every task that compares credentials/TLS/projects, and zadig_registry_info with details, works against Zadig's
    real public key answer (an SPKI DER under the label RSA PUBLIC KEY, Go's pem.Encode) and against correctly
    labelled PEMs of either encoding, on every cryptography from 3.3 (OpenSSL 1.1.1, strict) to the newest; a key
    that cannot be loaded fails in one clear sentence, never a traceback.
P2  access_key / secret_key accept every value Zadig stores (multi-line JSON key, control characters, non-ASCII,
    5,000+ characters), round-trip (set, unchanged, rotate once) and no form of them (whole, a line, stripped,
    JSON-escaped by Python or Go, URL-quoted) appears in a result, diff, warning or error, even when the server's
    error description echoes the request body.
P3  a GET whose answer is cut off or garbled (IncompleteRead, bad chunked encoding, bad gzip, JSON that stops
    short) is read again like a connection error, with back-off; a write is never resent after such an answer.
P4  without a licence an ecr registry is created but every later update (and projects right after the create) is
    refused with 7050: the error says so in English, names the registry, says it exists and what to do; a rerun
    creates no duplicate.
P5  the docs' request counts: a no-drift list costs one request, or two when an entry compares credentials/TLS/
    projects (zadig_registries, zadig_registry, zadig_registry_info with details).

Every assertion that guards a promise says which one (``P1`` ... ``P5``) in its message. The P1 tests run as they
are under the oldest stack (``tests/requirements/oldest.txt``: cryptography 3.3.2 on OpenSSL 1.1.1); on a newer
cryptography, ``test_p1_strict_openssl_111_loader`` reproduces OpenSSL 1.1.1's refusal of the mislabelled PEM, and
``test_p1_oldest_cryptography_in_a_venv`` runs the P1 tests in a venv named by ``ZADIG_OLDEST_PYTHON`` (or
/tmp/advcrypto33/bin/python) when there is one.

The P3 tests put a raw HTTP/1.1 server on loopback in front of the simulator, so that cut-off and garbled answers
reach the client through requests and urllib3 exactly as they would off the wire.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import os
import random
import re
import socket
import socketserver
import subprocess
import sys
import textwrap
import threading
import time as _time
from unittest import mock
from urllib.parse import quote, quote_plus

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.zadig.core.plugins.module_utils import _transport
from ansible_collections.zadig.core.plugins.modules import zadig_registry, zadig_registry_info
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import JSON, Response, Simulator, go_json
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator
from ansible_collections.zadig.core.tests.unit.utils import module_args

pytest.importorskip('cryptography')
from cryptography.hazmat.primitives import serialization  # noqa: E402  pylint: disable=wrong-import-position
from cryptography.hazmat.primitives.asymmetric import ec, rsa  # noqa: E402  pylint: disable=wrong-import-position

URL = 'http://zadig.adversary.test'
ADMIN = 'adv-admin-token-9c2e41'
USER = 'adv-user-token-77d0b3'
OPENAPI = '/openapi/system/registry'
INTERNAL = '/api/aslan/system/registry/namespaces'
KEY_ROUTE = 'GET /api/aslan/system/rsaKey/publicKey'
FULL_LIST = 'GET /api/aslan/system/registry/namespaces'
LIST = 'GET /openapi/system/registry'
WRITES = ('POST', 'PUT', 'DELETE')
RAW_EXCEPTION = re.compile(
    r"Traceback|\b(Key|Type|Attribute|Index|Value|Unicode\w*|JSONDecode|Unsupported\w*|InvalidSignature|"
    r"ChunkedEncoding|ContentDecoding|ProtocolError|IncompleteRead|DecodeError)(Error)?\b|object has no attribute|"
    r"NoneType|Could not deserialize key data|OpenSSLError|_OpenSSLErrorWithText|Expecting value: line|"
    r"Unterminated string|Expecting ',' delimiter|Connection broken|InvalidChunkLength|\bb'")

# ---- keys and PEMs (P1) -------------------------------------------------------------------------------------------

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem_lines(label, der):
    """Go's pem.Encode: base64 of the DER in 64-character lines between BEGIN/END lines, ending in a newline."""
    body = base64.b64encode(der).decode('ascii')
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, '\n'.join(textwrap.wrap(body, 64)), label)


def zadig_pem(key):
    """What Zadig's public-key route really serves: an SPKI DER under the PKCS#1 label."""
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _pem_lines('RSA PUBLIC KEY', der)


def spki_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def pkcs1_pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()


PEMS = {'zadig_mislabelled': zadig_pem, 'spki_public_key': spki_pem, 'pkcs1_rsa_public_key': pkcs1_pem}


class KeyedSimulator(Simulator):
    """The simulator, with its RSA key and its public-key answer chosen by the test."""

    def __init__(self, pem='zadig_mislabelled', key=None, answer=None, **kwargs):
        kwargs.setdefault('admin_tokens', [ADMIN])
        kwargs.setdefault('user_tokens', [USER])
        super().__init__(**kwargs)
        self._key = key or RSA_KEY
        self.pem = pem
        self.answer = answer  # bytes: the raw body of the public-key answer

    @property
    def rsa_key(self):
        return self._key

    def public_key(self):
        if self.answer is not None:
            return Response(200, self.answer, JSON)
        return Response(200, {'publicKey': PEMS[self.pem](self._key)}, JSON)


# ---- running tasks ------------------------------------------------------------------------------------------------

MODULES = {zadig_registry: 'zadig.core.zadig_registry', zadig_registry_info: 'zadig.core.zadig_registry_info'}


class _Clock:
    """Back-off sleeps are recorded, not slept."""

    def __init__(self):
        self.sleeps = []

    def __getattr__(self, name):
        return getattr(_time, name)

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def as_module(monkeypatch, module, args, sim=None, check_mode=False, token=ADMIN, url=URL):
    """The module's main() as ansible-core runs it: the JSON it prints, no_log values masked by AnsibleModule
    itself (warnings too, as the module's process would); returns (result, requests logged by the simulator)."""
    if sim is not None:
        use_simulator(monkeypatch, sim)
        sim.log = []
    out = io.StringIO()
    warned = []
    monkeypatch.setattr(AnsibleModule, 'warn', lambda self, warning: warned.append(warning))
    full = dict(zadig_url=url, zadig_token=token, _ansible_check_mode=check_mode, _ansible_diff=True,
                _ansible_module_name=MODULES[module])
    full.update(args)
    with module_args(full), contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        module.main()
    result = json.loads(out.getvalue())
    if warned:
        no_log = {v for k, v in full.items() if k in ('access_key', 'secret_key', 'zadig_token') and v}
        result['warnings'] = [remove_values(w, no_log) for w in warned] + result.get('warnings', [])
    return result, ([entry[2] for entry in sim.log] if sim is not None else None)


def as_action(monkeypatch, args, sim=None, check_mode=False, token=ADMIN, url=URL):
    """The zadig_registries action plugin (the role's task) in the controller's process."""
    from ansible.parsing.dataloader import DataLoader  # pylint: disable=import-outside-toplevel
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible.playbook.task import Task  # pylint: disable=import-outside-toplevel
    from ansible.template import Templar  # pylint: disable=import-outside-toplevel
    from ansible_collections.zadig.core.plugins.action.zadig_registries import ActionModule  # pylint: disable=import-outside-toplevel

    if sim is not None:
        use_simulator(monkeypatch, sim)
        sim.log = []
    task = Task()
    task.args = dict(zadig_url=url, zadig_token=token, **args)
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
    return result, ([entry[2] for entry in sim.log] if sim is not None else None)


def as_controller(monkeypatch, module, args, sim, check_mode=False, token=ADMIN):
    """zadig_registry / zadig_registry_info on the controller path (a local connection's default)."""
    from ansible_collections.zadig.core.plugins.plugin_utils._action import run_here  # pylint: disable=import-outside-toplevel
    use_simulator(monkeypatch, sim)
    sim.log = []
    full = dict(zadig_url=URL, zadig_token=token)
    full.update(args)
    result = run_here(MODULES[module], module.MODULE_ARGS, module.TASK, full, check_mode, True, environ={},
                      invocation=True)
    return result, [entry[2] for entry in sim.log]


def text_of(result):
    """Every string a user can see in a result: the values themselves and the JSON Ansible prints."""
    strings = []

    def walk(value):
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif value is not None:
            strings.append(str(value))
    walk(result)
    return '\n'.join(strings) + '\n' + json.dumps(result) + '\n' + json.dumps(result, ensure_ascii=False)


def one_line(msg):
    return isinstance(msg, str) and msg.strip() and '\n' not in msg.strip()


# ---- P1: Zadig's real public key, and the others --------------------------------------------------------------------

SEEDED = dict(address='https://harbor.adv.test', namespace='platform', provider='harbor', access_key='AK-p1-old',
              secret_key='SK-p1-old', enable_tls=True, tls_cert='-----BEGIN CERTIFICATE-----\nMIIB\n-----END '
              'CERTIFICATE-----\n', projects=['p1', 'p2'])
TASK = {'address': 'https://harbor.adv.test', 'namespace': 'platform', 'provider': 'harbor'}
COMPARED = {'access_key': 'AK-p1-old', 'secret_key': 'SK-p1-old', 'enable_tls': True,
            'tls_cert': SEEDED['tls_cert'], 'projects': ['p2', 'p1']}
COMPARED_ARGS = {field: ({field: value, 'enable_tls': True} if field == 'tls_cert' else {field: value})
                 for field, value in COMPARED.items()}


def _seeded(**changes):
    """SEEDED with some fields changed (a function, where ``dict(SEEDED, **x)`` confuses pylint's inference)."""
    fields = dict(SEEDED)
    fields.update(changes)
    return fields


@pytest.mark.parametrize('pem', sorted(PEMS))
@pytest.mark.parametrize('field', sorted(COMPARED))
def test_p1_compare_unchanged_with_every_pem(monkeypatch, pem, field):
    sim = KeyedSimulator(pem)
    sim.seed(**SEEDED)
    result, log = as_module(monkeypatch, zadig_registry, dict(TASK, **COMPARED_ARGS[field]), sim)
    assert not result.get('failed'), 'P1: comparing %s against a %s public key failed: %s' % (
        field, pem, result.get('msg'))
    assert result['changed'] is False, 'P1: comparing %s against a %s key reported a change' % (field, pem)
    assert log == [KEY_ROUTE, FULL_LIST], 'P1: %s' % log


@pytest.mark.parametrize('pem', sorted(PEMS))
def test_p1_secret_round_trip_with_every_pem(monkeypatch, pem):
    sim = KeyedSimulator(pem)
    args = dict(TASK, access_key='AK-p1-new', secret_key='SK-p1-new')
    first, dummy = as_module(monkeypatch, zadig_registry, args, sim)
    assert not first.get('failed') and first['changed'], 'P1: create with a %s key: %s' % (pem, first.get('msg'))
    again, log = as_module(monkeypatch, zadig_registry, args, sim)
    assert not again.get('failed'), 'P1: rerun with a %s key failed: %s' % (pem, again.get('msg'))
    assert again['changed'] is False, 'P1: rerun with a %s key reported a change' % pem
    rotated_run, dummy = as_module(monkeypatch, zadig_registry, dict(args, secret_key='SK-p1-rotated'), sim)
    assert not rotated_run.get('failed') and rotated_run['changed'], 'P1: rotate with a %s key: %s' % (
        pem, rotated_run.get('msg'))
    assert sim.registries[0]['secret_key'] == 'SK-p1-rotated', 'P1'


@pytest.mark.parametrize('pem', sorted(PEMS))
def test_p1_info_details_with_every_pem(monkeypatch, pem):
    sim = KeyedSimulator(pem)
    sim.seed(**SEEDED)
    result, log = as_module(monkeypatch, zadig_registry_info, {'details': True}, sim)
    assert not result.get('failed'), 'P1: details with a %s key failed: %s' % (pem, result.get('msg'))
    registry = result['registries'][0]
    assert registry['enable_tls'] is True and sorted(registry['projects']) == ['p1', 'p2'], 'P1: %s' % registry
    assert log == [KEY_ROUTE, FULL_LIST], 'P1: %s' % log


@pytest.mark.parametrize('pem', sorted(PEMS))
def test_p1_list_task_with_every_pem(monkeypatch, pem):
    sim = KeyedSimulator(pem)
    sim.seed(**SEEDED)
    entry = dict(TASK, **COMPARED)
    result, log = as_action(monkeypatch, {'registries': [entry], 'fail_on_drift': True}, sim, check_mode=True)
    assert not result.get('failed'), 'P1: zadig_registries against a %s key failed: %s' % (pem, result.get('msg'))
    assert result['drift']['in_sync'] is True and not result['drift']['not_compared'], 'P1: %s' % result['drift']
    assert log == [KEY_ROUTE, FULL_LIST], 'P1: %s' % log


@pytest.mark.parametrize('bits', [1024, 3072, 4096])
def test_p1_other_key_sizes_as_zadig_serves_them(monkeypatch, bits):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    sim = KeyedSimulator('zadig_mislabelled', key=key)
    sim.seed(**SEEDED)
    result, dummy = as_module(monkeypatch, zadig_registry, dict(TASK, secret_key='SK-p1-old'), sim)
    assert not result.get('failed') and result['changed'] is False, 'P1: %d-bit key: %s' % (bits, result.get('msg'))


def _strict_load_pem_public_key(real):
    """OpenSSL 1.1.1 (cryptography < 37): a PEM labelled RSA PUBLIC KEY must hold a PKCS#1 RSAPublicKey."""
    def load(data, *args, **kwargs):
        text = data.decode('ascii', 'replace') if isinstance(data, bytes) else data
        match = re.search(r'-----BEGIN RSA PUBLIC KEY-----(.*?)-----END RSA PUBLIC KEY-----', text, re.S)
        if match:
            der = base64.b64decode(''.join(match.group(1).split()))
            # An SPKI starts SEQUENCE { SEQUENCE { OID rsaEncryption ...: its second element is a SEQUENCE (0x30);
            # a PKCS#1 RSAPublicKey's first element is an INTEGER (0x02).
            offset = 2 + (der[1] & 0x7f if der[1] & 0x80 else 0)
            if der[offset] == 0x30:
                raise ValueError('Could not deserialize key data. The data may be in an incorrect format or it may '
                                 'be encrypted with an unsupported algorithm.')
        return real(data, *args, **kwargs)
    return load


def test_p1_strict_openssl_111_loader(monkeypatch):
    """On a new cryptography, refuse the mislabelled PEM in load_pem_public_key as cryptography 3.3.2 does; a client
    that reads the body whatever the label (as a client must) is not affected."""
    real = serialization.load_pem_public_key
    monkeypatch.setattr(serialization, 'load_pem_public_key', _strict_load_pem_public_key(real))
    sim = KeyedSimulator('zadig_mislabelled')
    sim.seed(**SEEDED)
    result, dummy = as_module(monkeypatch, zadig_registry, dict(TASK, secret_key='SK-p1-old'), sim)
    assert not result.get('failed'), 'P1: with an OpenSSL 1.1.1-strict loader the real Zadig key fails: %s' % (
        result.get('msg'))
    info, dummy = as_module(monkeypatch, zadig_registry_info, {'details': True}, sim)
    assert not info.get('failed'), 'P1: details, OpenSSL 1.1.1-strict loader: %s' % info.get('msg')


def _small_rsa_pem(bits):
    """A valid RSA public key too small to wrap a 16-to-32-byte AES key with PKCS#1 v1.5."""
    # Two fixed odd numbers whose product has ``bits`` bits (a public key's modulus is never checked for primes).
    primes = {256: (0xd3b2e9e37c7b1b4bc8c1d0d0e6fe5e2b, 0xf1a0c0e5b5b8e7c3d5a9e1f1c3b7a5e3)}
    p, q = primes[bits]
    key = rsa.RSAPublicNumbers(65537, p * q).public_key()
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _pem_lines('RSA PUBLIC KEY', der)


def _ec_pem():
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return _pem_lines('RSA PUBLIC KEY', der)


def _bad_answers():
    good = zadig_pem(RSA_KEY)
    lines = good.splitlines()
    private = RSA_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
    answers = {
        'empty_string': {'publicKey': ''},
        'not_a_pem': {'publicKey': 'hello, I am not a key'},
        'bad_base64_body': {'publicKey': '-----BEGIN RSA PUBLIC KEY-----\n!!!!not base64!!!!\n'
                                         '-----END RSA PUBLIC KEY-----\n'},
        'truncated_body': {'publicKey': '\n'.join(lines[:3] + lines[-1:]) + '\n'},
        'no_end_line': {'publicKey': '\n'.join(lines[:-1]) + '\n'},
        'ec_key': {'publicKey': _ec_pem()},
        'private_key_instead': {'publicKey': private},
        'a_number': {'publicKey': 12345},
        'null': {'publicKey': None},
        'missing_key': {'key': good},
        'a_list': [good],
        'der_bytes_base64_no_armour': {'publicKey': ''.join(lines[1:-1])},
        'too_small_rsa_256': {'publicKey': _small_rsa_pem(256)},
    }
    return {name: json.dumps(value).encode() for name, value in answers.items()}


BAD_ANSWERS = _bad_answers()


@pytest.mark.parametrize('name', sorted(BAD_ANSWERS))
@pytest.mark.parametrize('which', ['registry', 'info', 'list'])
def test_p1_key_failures_are_one_clear_sentence(monkeypatch, name, which):
    sim = KeyedSimulator(answer=BAD_ANSWERS[name])
    sim.seed(**SEEDED)
    if which == 'registry':
        result, log = as_module(monkeypatch, zadig_registry, dict(TASK, secret_key='SK-p1-new'), sim)
    elif which == 'info':
        result, log = as_module(monkeypatch, zadig_registry_info, {'details': True}, sim)
    else:
        result, log = as_action(monkeypatch, {'registries': [dict(TASK, secret_key='SK-p1-new')]}, sim)
    msg = result.get('msg')
    assert result.get('failed'), 'P1: a public key answer %s was accepted: %s' % (name, result)
    assert one_line(msg), 'P1: key failure (%s) is not one line: %r' % (name, msg)
    assert 'exception' not in result and not RAW_EXCEPTION.search(text_of(result)), \
        'P1: key failure (%s) shows raw exception text or a traceback: %r' % (name, msg)
    assert 'public key' in msg.lower() or 'publickey' in msg.lower(), 'P1: %s: %r does not say public key' % (
        name, msg)
    assert not [e for e in log if e.split()[0] in WRITES], 'P1: a write was sent after a bad key: %s' % log


def test_p1_oldest_cryptography_in_a_venv():
    """Run this file's P1 tests in a Python with cryptography 3.3 (OpenSSL 1.1.1) named by ZADIG_OLDEST_PYTHON.

    CI runs the whole file in such a venv itself (scripts/test's oldest stage); this is for a developer's run.
    """
    if os.environ.get('ZADIG_ADVERSARY_NESTED'):
        pytest.skip('already inside the oldest venv')
    python = os.environ.get('ZADIG_OLDEST_PYTHON')
    if not python or not os.path.exists(python):
        pytest.skip('no Python with cryptography 3.3 (set ZADIG_OLDEST_PYTHON)')
    version = subprocess.run([python, '-c', 'import cryptography; print(cryptography.__version__)'],
                             capture_output=True, text=True, check=False).stdout.strip()
    if not version.startswith('3.'):
        pytest.skip('%s has cryptography %s, not 3.x' % (python, version))
    import ansible_collections  # pylint: disable=import-outside-toplevel
    root = os.path.dirname(list(ansible_collections.__path__)[0])
    here = os.path.join(root, 'ansible_collections', 'zadig', 'core', 'tests', 'unit', 'collection',
                        os.path.basename(__file__))
    run = subprocess.run([python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-x', '-k', 'p1_ and not venv',
                          here], capture_output=True, text=True, check=False, timeout=900,
                         cwd=os.path.join(root, 'ansible_collections', 'zadig', 'core'),
                         env=dict(os.environ, PYTHONPATH=root, ZADIG_ADVERSARY_NESTED='1'))
    tail = '\n'.join((run.stdout + run.stderr).splitlines()[-40:])
    assert run.returncode == 0, 'P1: with cryptography %s (OpenSSL 1.1.1):\n%s' % (version, tail)


# ---- P2: every secret Zadig stores ----------------------------------------------------------------------------------

def _google_key(seed):
    rng = random.Random(seed)
    body = base64.b64encode(bytes(rng.getrandbits(8) for dummy in range(1216))).decode()
    private = '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' % '\n'.join(textwrap.wrap(body, 64))
    project = 'zadig-adv-%04d' % rng.randrange(10000)
    email = 'ci-pusher@%s.iam.gserviceaccount.com' % project
    doc = {
        'type': 'service_account', 'project_id': project, 'private_key_id': '%040x' % rng.getrandbits(160),
        'private_key': private, 'client_email': email, 'client_id': str(rng.getrandbits(64)),
        'auth_uri': 'https://accounts.google.com/o/oauth2/auth', 'token_uri': 'https://oauth2.googleapis.com/token',
        'auth_provider_x509_cert_url': 'https://www.googleapis.com/oauth2/v1/certs',
        'client_x509_cert_url': 'https://www.googleapis.com/robot/v1/metadata/x509/' + quote(email),
        'universe_domain': 'googleapis.com'}
    return json.dumps(doc, indent=2) + '\n'


def _long(seed, length, wrap=None):
    rng = random.Random(seed)
    text = 'LONG%d-' % seed + ''.join(rng.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/')
                                      for dummy in range(length))
    return '\n'.join(textwrap.wrap(text, wrap)) if wrap else text


SECRETS = {
    'google_json_key': _google_key(1),
    'control_chars': 'ctl-\x01\x02\x03\t\x0b\x0c\x1b[0m\x7f-7a1c\r\nsecond line of ctl-\x08-end',
    'non_ascii': 'pässwörd-密码-🔑-\u2028-\u2029-ß-4d2e-ünïcødé',
    'long_5000': _long(2, 6000),
    'long_multiline_pem_like': _long(3, 5200, wrap=64),
    'go_html_escaped': 'go<html>&"quote"\\back\'slash-9f3b&amp;<script>',
    'padded': '   padded secret with a trailing newline 31ce  \n',
    'nul_inside': 'nul\x00inside-5b7e-secret',
    'cr_and_vt_lines': 'cr-only-first-line-1111\rvt-second-line-2222\x0bff-third-line-3333\x0cfs-fourth-4444',
    'unicode_line_separators': 'first-line-before-u2028-aaaa\u2028second-line-before-u2029-bbbb\u2029third-line-cccc',
    'vt_ff_only_lines': 'vt-first-line-1111\x0bff-second-line-2222\x0cfs-third-line-3333\x1cgs-fourth-4444',
}


def forms(secret):
    """Each form of a secret that must never be shown: whole, stripped, each line, escaped, quoted."""
    out = {secret, secret.strip()}
    for line in secret.splitlines():
        if len(line.strip()) >= 8:
            out.add(line.strip())
    py_ascii = json.dumps(secret)[1:-1]
    py_utf8 = json.dumps(secret, ensure_ascii=False)[1:-1]
    go = go_json(secret).decode('utf-8')[1:-1]
    for escaped in (py_ascii, py_utf8, go):
        out.add(escaped)
        out.add(json.dumps(escaped)[1:-1])  # shown once more inside a JSON result
        out.add(json.dumps(escaped, ensure_ascii=False)[1:-1])
    out.add(quote(secret, safe=''))
    out.add(quote_plus(secret))
    out.add(quote(secret))
    return {form for form in out if len(form.strip()) >= 6}


def leaks(result, secrets):
    """The (name, form) pairs of the secrets that a result shows."""
    text = text_of(result)
    found = []
    for name, secret in secrets.items():
        for form in sorted(forms(secret), key=len):
            if form in text:
                found.append((name, form[:60]))
                break
    return found


def rotated(secret):
    return 'ROTATED-' + secret[::-1]


@pytest.mark.parametrize('name', sorted(SECRETS))
def test_p2_secret_round_trips_through_the_module(monkeypatch, name):
    secret = SECRETS[name]
    access = '_json_key' if name == 'google_json_key' else 'ak-' + secret
    sim = KeyedSimulator()
    args = dict(TASK, access_key=access, secret_key=secret)
    watched = {'secret': secret, 'rotated': rotated(secret)}
    if access != '_json_key':
        watched['access'] = access
    created, dummy = as_module(monkeypatch, zadig_registry, args, sim)
    assert not created.get('failed') and created['changed'], 'P2 (%s): create failed: %s' % (
        name, created.get('msg'))
    stored = sim.registries[0]
    assert (stored['access_key'], stored['secret_key']) == (access, secret), \
        'P2 (%s): Zadig does not hold the secret as given' % name
    again, dummy = as_module(monkeypatch, zadig_registry, args, sim)
    assert not again.get('failed'), 'P2 (%s): rerun failed: %s' % (name, again.get('msg'))
    assert again['changed'] is False, 'P2 (%s): rerun reports a change: %s' % (name, again.get('secrets'))
    predicted, dummy = as_module(monkeypatch, zadig_registry, dict(args, secret_key=rotated(secret)), sim,
                                 check_mode=True)
    rotation, dummy = as_module(monkeypatch, zadig_registry, dict(args, secret_key=rotated(secret)), sim)
    assert not rotation.get('failed') and rotation['changed'] is True, 'P2 (%s): rotate: %s' % (
        name, rotation.get('msg'))
    assert predicted['changed'] is True, 'P2 (%s): check mode did not predict the rotation' % name
    assert sim.registries[0]['secret_key'] == rotated(secret), 'P2 (%s): rotation not stored' % name
    after, dummy = as_module(monkeypatch, zadig_registry, dict(args, secret_key=rotated(secret)), sim)
    assert after['changed'] is False, 'P2 (%s): rerun after rotation reports a change' % name
    for step, result in (('create', created), ('rerun', again), ('check', predicted), ('rotate', rotation),
                         ('after', after)):
        assert not leaks(result, watched), 'P2 (%s): the %s result shows %s' % (name, step, leaks(result, watched))


@pytest.mark.parametrize('name', sorted(SECRETS))
def test_p2_secret_round_trips_through_the_list_task(monkeypatch, name):
    secret = SECRETS[name]
    sim = KeyedSimulator()
    entry = dict(TASK, access_key='_json_key', secret_key=secret, projects=['<all_projects>'])
    created, dummy = as_action(monkeypatch, {'registries': [entry]}, sim)
    assert not created.get('failed') and created['changed'], 'P2 (%s): create failed: %s' % (
        name, created.get('msg'))
    assert sim.registries[0]['secret_key'] == secret, 'P2 (%s): Zadig does not hold the secret as given' % name
    again, dummy = as_action(monkeypatch, {'registries': [entry], 'fail_on_drift': True}, sim)
    assert not again.get('failed') and again['changed'] is False, 'P2 (%s): rerun: %s' % (name, again.get('msg'))
    moved = dict(entry, secret_key=rotated(secret))
    plan, dummy = as_action(monkeypatch, {'registries': [moved]}, sim, check_mode=True)
    assert plan['drift']['update'] and plan['drift']['update'][0]['fields'] == ['secret_key'], \
        'P2 (%s): drift of a rotation: %s' % (name, plan['drift'])
    rotation, dummy = as_action(monkeypatch, {'registries': [moved]}, sim)
    after, dummy = as_action(monkeypatch, {'registries': [moved]}, sim)
    assert rotation['changed'] is True and after['changed'] is False, 'P2 (%s): rotate %s then %s' % (
        name, rotation.get('msg'), after.get('msg'))
    watched = {'secret': secret, 'rotated': rotated(secret)}
    for step, result in (('create', created), ('rerun', again), ('check', plan), ('rotate', rotation),
                         ('after', after)):
        assert not leaks(result, watched), 'P2 (%s): the %s result shows %s' % (name, step, leaks(result, watched))


@pytest.mark.parametrize('name', sorted(SECRETS))
def test_p2_info_details_never_shows_stored_secrets(monkeypatch, name):
    sim = KeyedSimulator()
    sim.seed(**_seeded(access_key='ak-' + SECRETS[name], secret_key=SECRETS[name]))
    result, dummy = as_module(monkeypatch, zadig_registry_info, {'details': True}, sim)
    assert not result.get('failed'), 'P2 (%s): details: %s' % (name, result.get('msg'))
    watched = {'secret': SECRETS[name], 'access': 'ak-' + SECRETS[name]}
    assert not leaks(result, watched), 'P2 (%s): details shows %s' % (name, leaks(result, watched))


@pytest.mark.parametrize('how', ['module', 'controller', 'list'])
def test_p2_json_key_that_ansible_core_made_a_dict(monkeypatch, how):
    """secret_key: "{{ lookup('file', 'key.json') }}" hands a task a dict on ansible-core 2.16 to 2.18 (their
    templating turns JSON-looking text into a dict; see the integration target adversary_real_answers). Zadig must
    end up with the key as JSON, or the task must refuse and say how to pass it; never a Python repr that every
    rerun then calls unchanged."""
    document = json.loads(SECRETS['google_json_key'])
    sim = KeyedSimulator()
    entry = dict(TASK, access_key='_json_key', secret_key=document)
    if how == 'module':
        result, dummy = as_module(monkeypatch, zadig_registry, entry, sim)
    elif how == 'controller':
        result, dummy = as_controller(monkeypatch, zadig_registry, entry, sim)
    else:
        result, dummy = as_action(monkeypatch, {'registries': [entry]}, sim)
    if result.get('failed'):
        assert 'secret_key' in result['msg'] and not sim.registries, 'P2 (%s): %r' % (how, result['msg'])
        return
    stored = sim.registries[0]['secret_key']
    try:
        same = json.loads(stored) == document
    except ValueError:
        same = False
    assert same, 'P2 (%s): a JSON key given as a dict is stored as %r..., not as JSON, and the task said nothing' % (
        how, stored[:60])


ECHO_CASES = ['google_json_key', 'go_html_escaped', 'non_ascii', 'padded', 'control_chars', 'long_multiline_pem_like']


@pytest.mark.parametrize('name', ECHO_CASES)
@pytest.mark.parametrize('how', ['module', 'list'])
def test_p2_echoed_create_body_never_shown(monkeypatch, name, how):
    """A 500 whose description repeats the create body (as the client encoded it)."""
    secret = SECRETS[name]
    sim = KeyedSimulator()
    sim.add_fault('echo_500', method='POST', path=OPENAPI, count=5)
    entry = dict(TASK, access_key='ak-' + secret, secret_key=secret)
    if how == 'module':
        result, dummy = as_module(monkeypatch, zadig_registry, entry, sim)
    else:
        result, dummy = as_action(monkeypatch, {'registries': [entry]}, sim)
    assert result.get('failed'), 'P2: the echo fault did not fail the task'
    watched = {'secret': secret, 'access': 'ak-' + secret}
    assert not leaks(result, watched), 'P2 (%s, %s): the echoed create body shows %s in %r' % (
        name, how, leaks(result, watched), result.get('msg'))


@pytest.mark.parametrize('name', ECHO_CASES)
@pytest.mark.parametrize('how', ['module', 'list'])
def test_p2_echoed_internal_put_never_shows_stored_secrets(monkeypatch, name, how):
    """Only projects change: the internal PUT sends back the stored secrets, which the task never named (so
    ansible-core's no_log cannot mask them); the server's 500 repeats that body."""
    secret = SECRETS[name]
    sim = KeyedSimulator()
    sim.seed(**_seeded(access_key='ak-' + secret, secret_key=secret))
    sim.add_fault('echo_500', method='PUT', path=INTERNAL + '/.*', count=5)
    entry = dict(TASK, projects=['p9'])
    if how == 'module':
        result, dummy = as_module(monkeypatch, zadig_registry, entry, sim)
    else:
        result, dummy = as_action(monkeypatch, {'registries': [entry]}, sim)
    assert result.get('failed'), 'P2: the echo fault did not fail the task: %s' % result
    watched = {'stored secret': secret, 'stored access': 'ak-' + secret}
    assert not leaks(result, watched), 'P2 (%s, %s): the echoed PUT body shows %s in %r' % (
        name, how, leaks(result, watched), result.get('msg'))


@pytest.mark.parametrize('name', ECHO_CASES)
def test_p2_echoed_rotation_never_shown(monkeypatch, name):
    secret = SECRETS[name]
    sim = KeyedSimulator()
    sim.seed(**_seeded(access_key='ak-old-' + secret, secret_key='old-' + secret))
    sim.add_fault('echo_500', method='PUT', path=INTERNAL + '/.*', count=5)
    result, dummy = as_module(monkeypatch, zadig_registry, dict(TASK, secret_key=secret), sim)
    assert result.get('failed'), 'P2: the echo fault did not fail the task'
    watched = {'new secret': secret, 'stored access': 'ak-old-' + secret, 'old secret': 'old-' + secret}
    assert not leaks(result, watched), 'P2 (%s): the echoed rotation shows %s in %r' % (
        name, leaks(result, watched), result.get('msg'))


def _described(description):
    return go_json({'code': 500, 'description': description, 'message': 'Internal Error: '}).decode('utf-8')


TRANSFORMS = {
    'go_marshalled': lambda s: 'invalid request: ' + go_json({'secret_key': s}).decode('utf-8'),
    'python_json': lambda s: 'invalid request: ' + json.dumps({'secret_key': s}),
    'url_quoted': lambda s: 'bad form: secret_key=' + quote_plus(s) + '&x=1',
    'stripped': lambda s: 'bad value "%s"' % s.strip(),
    'one_line': lambda s: 'invalid character in line "%s"' % max(s.splitlines(), key=len).strip(),
    'every_line': lambda s: 'invalid lines: ' + ' | '.join(line.strip() for line in s.splitlines()),
    'lines_split_on_newline_only': lambda s: 'invalid lines: ' + ' | '.join(line.strip() for line in s.split('\n')),
}


@pytest.mark.parametrize('transform', sorted(TRANSFORMS))
@pytest.mark.parametrize('name', ['google_json_key', 'go_html_escaped', 'padded', 'non_ascii', 'control_chars',
                                  'cr_and_vt_lines', 'long_multiline_pem_like', 'unicode_line_separators',
                                  'vt_ff_only_lines'])
def test_p2_server_description_with_a_transformed_secret(monkeypatch, transform, name):
    secret = SECRETS[name]
    sim = KeyedSimulator()
    sim.add_fault('malformed', method='POST', path=OPENAPI, status=500, count=5,
                  raw=_described(TRANSFORMS[transform](secret)))
    result, dummy = as_module(monkeypatch, zadig_registry, dict(TASK, secret_key=secret, update_secrets='on_create'),
                              sim)
    assert result.get('failed'), 'P2: the fault did not fail the task'
    watched = {'secret': secret}
    assert not leaks(result, watched), 'P2 (%s, %s): the error shows %s in %r' % (
        name, transform, leaks(result, watched), result.get('msg'))


# ---- P3: cut-off and garbled answers, on a real socket -----------------------------------------------------------------

class Wire(socketserver.ThreadingTCPServer):
    """A raw HTTP/1.1 server in front of a Simulator: every request reaches the simulator (so a write commits),
    then a queued fault may replace how its answer goes on the wire."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sim):
        super().__init__(('127.0.0.1', 0), _WireHandler)
        self.sim = sim
        self.faults = []  # [method, path regex, kind, count, skip]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def fault(self, method, path, kind, count=1, skip=0):
        """Garble the answers to ``count`` matching requests, after letting ``skip`` of them through."""
        self.faults.append([method, re.compile(path), kind, count, skip])

    def take(self, method, path):
        for fault in self.faults:
            if fault[3] > 0 and fault[0] == method and fault[1].fullmatch(path):
                if fault[4] > 0:
                    fault[4] -= 1
                    return None
                fault[3] -= 1
                return fault[2]
        return None


class _WireHandler(socketserver.StreamRequestHandler):

    def handle(self):
        line = self.rfile.readline().decode('latin-1')
        if not line.strip():
            return
        method, target, _version = line.split(' ', 2)
        headers = {}
        while True:
            header = self.rfile.readline().decode('latin-1')
            if header in ('\r\n', '\n', ''):
                break
            key, dummy, value = header.partition(':')
            headers[key.strip()] = value.strip()
        length = int(next((v for k, v in headers.items() if k.lower() == 'content-length'), '0') or 0)
        body = self.rfile.read(length).decode('utf-8') if length else ''
        answer = self.server.sim.handle(method, target, headers, body)
        if answer is None:
            return
        payload = answer.payload()
        kind = self.server.take(method, target.split('?', 1)[0])
        head = ['HTTP/1.1 %d X' % answer.status, 'Connection: close']
        if answer.content_type:
            head.append('Content-Type: %s' % answer.content_type)
        half = payload[:max(1, len(payload) // 2)]
        if kind is None:
            data, head = payload, head + ['Content-Length: %d' % len(payload)]
        elif kind == 'incomplete':  # IncompleteRead: fewer bytes than Content-Length, then close
            data, head = half, head + ['Content-Length: %d' % (len(payload) + 100)]
        elif kind == 'short_json':  # complete as far as HTTP goes, JSON that stops short
            data, head = half, head + ['Content-Length: %d' % len(half)]
        elif kind == 'no_length_cut':  # no Content-Length: the body ends where the connection closes, early
            data = half
        elif kind == 'no_length_empty':  # the same, closed right after the headers
            data = b''
        elif kind == 'cut_at_brace':  # closed early, right after an inner } or ] (no length to tell)
            end = max(payload.rfind(b'}', 0, len(payload) - 1), payload.rfind(b']', 0, len(payload) - 1))
            data = payload[:end + 1] if end > 0 else payload[:-1]
        elif kind == 'trailing_garbage':  # the whole answer, then bytes a broken proxy added
            data = payload + b'\x00\x00<garbage'
            head = head + ['Content-Length: %d' % len(data)]
        elif kind == 'bad_chunk':
            data, head = b'zz\r\n' + payload + b'\r\n0\r\n\r\n', head + ['Transfer-Encoding: chunked']
        elif kind == 'chunk_eof':  # one chunk, then the connection closes with no last chunk
            data, head = b'%x\r\n%s\r\n' % (len(half), half), head + ['Transfer-Encoding: chunked']
        elif kind == 'bad_gzip':
            junk = b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' + b'\xde\xad\xbe\xef' * 16
            data, head = junk, head + ['Content-Encoding: gzip', 'Content-Length: %d' % len(junk)]
        elif kind == 'gzip_cut':  # a gzip stream cut in half, its length declared honestly
            zipped = gzip.compress(payload)
            data = zipped[:len(zipped) // 2]
            head += ['Content-Encoding: gzip', 'Content-Length: %d' % len(data)]
        else:
            raise AssertionError(kind)
        try:
            self.wfile.write(('\r\n'.join(head) + '\r\n\r\n').encode('latin-1') + data)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


@contextlib.contextmanager
def wire(monkeypatch, sim):
    server = Wire(sim)
    server.thread.start()
    clock = _Clock()
    monkeypatch.setattr(_transport, 'time', clock)
    for name in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('NO_PROXY', '127.0.0.1,localhost')
    try:
        yield server, clock
    finally:
        server.shutdown()
        server.server_close()


GARBLES = ['incomplete', 'short_json', 'no_length_cut', 'no_length_empty', 'cut_at_brace', 'bad_chunk', 'chunk_eof',
           'bad_gzip', 'gzip_cut']


def _wire_module(monkeypatch, server, module, args, check_mode=False):
    server.sim.log = []
    result, dummy = as_module(monkeypatch, module, args, None, check_mode=check_mode, url=server.url)
    return result, [entry[2] for entry in server.sim.log]


@pytest.mark.parametrize('kind', GARBLES)
def test_p3_garbled_list_is_read_again(monkeypatch, kind):
    sim = KeyedSimulator()
    sim.seed(**SEEDED)
    with wire(monkeypatch, sim) as (server, clock):
        server.fault('GET', OPENAPI, kind)
        result, log = _wire_module(monkeypatch, server, zadig_registry, dict(TASK))
    assert not result.get('failed'), 'P3: a %s list answer was not read again: %s' % (kind, result.get('msg'))
    assert log == [LIST, LIST], 'P3 (%s): %s' % (kind, log)
    assert clock.sleeps and clock.sleeps[0] > 0, 'P3 (%s): no back-off before reading again: %s' % (
        kind, clock.sleeps)


@pytest.mark.parametrize('kind', GARBLES)
@pytest.mark.parametrize('route', ['public_key', 'internal_list'])
def test_p3_garbled_encrypted_read_is_read_again(monkeypatch, kind, route):
    sim = KeyedSimulator()
    sim.seed(**SEEDED)
    path = '/api/aslan/system/rsaKey/publicKey' if route == 'public_key' else INTERNAL
    with wire(monkeypatch, sim) as (server, clock):
        server.fault('GET', path, kind)
        result, log = _wire_module(monkeypatch, server, zadig_registry_info, {'details': True})
    assert not result.get('failed'), 'P3: a %s answer on %s was not read again: %s' % (
        kind, route, result.get('msg'))
    assert len(log) == 3 and clock.sleeps, 'P3 (%s on %s): %s, sleeps %s' % (kind, route, log, clock.sleeps)


def test_p3_garbled_like_a_dropped_connection(monkeypatch):
    """Always garbled: as many attempts and the same back-off as a connection dropped every time, then one clean
    sentence naming the route."""
    runs = {}
    for kind in ['drop'] + GARBLES:
        sim = KeyedSimulator()
        sim.seed(**SEEDED)
        with wire(monkeypatch, sim) as (server, clock):
            if kind == 'drop':
                sim.add_fault('drop', method='GET', path=OPENAPI, count=50)
            else:
                server.fault('GET', OPENAPI, kind, count=50)
            result, log = _wire_module(monkeypatch, server, zadig_registry_info, {})
        runs[kind] = (result, log, clock.sleeps)
    base_log, base_sleeps = runs['drop'][1], runs['drop'][2]
    assert len(base_log) > 1, 'P3: a dropped connection is not retried at all: %s' % base_log
    for kind in GARBLES:
        result, log, sleeps = runs[kind]
        assert result.get('failed'), 'P3 (%s): always garbled, yet the task passed' % kind
        assert (len(log), len(sleeps)) == (len(base_log), len(base_sleeps)), \
            'P3 (%s): %d attempts and sleeps %s; a dropped connection gets %d and %s' % (
                kind, len(log), sleeps, len(base_log), base_sleeps)
        msg = result.get('msg')
        assert one_line(msg) and OPENAPI in msg and 'Traceback' not in text_of(result), \
            'P3 (%s): not one clean sentence naming the route: %r' % (kind, msg)


def test_p3_garbled_list_with_trailing_bytes_is_read_again(monkeypatch):
    """Garbled, not cut: the whole JSON then stray bytes."""
    sim = KeyedSimulator()
    sim.seed(**SEEDED)
    with wire(monkeypatch, sim) as (server, clock):
        server.fault('GET', OPENAPI, 'trailing_garbage')
        result, log = _wire_module(monkeypatch, server, zadig_registry, dict(TASK))
    assert not result.get('failed') and log == [LIST, LIST] and clock.sleeps, \
        'P3: a garbled (trailing bytes) list answer was not read again: %s %s' % (result.get('msg'), log)


@pytest.mark.parametrize('kind', ['incomplete', 'short_json', 'no_length_empty', 'bad_gzip'])
def test_p3_garbled_read_back_after_a_write(monkeypatch, kind):
    """The write's answer is fine, the read-back after it is garbled: read again, never write again."""
    sim = KeyedSimulator()
    with wire(monkeypatch, sim) as (server, _clock):
        server.fault('GET', OPENAPI, kind, skip=1)
        result, log = _wire_module(monkeypatch, server, zadig_registry, dict(TASK, is_default=True))
    assert [e for e in log if e.startswith('POST')] == ['POST ' + OPENAPI] and len(sim.registries) == 1, \
        'P3 (%s): %s' % (kind, log)
    assert not result.get('failed') and result['changed'] is True, \
        'P3: a %s read-back after a create was not read again: %s %s' % (kind, result.get('msg'), log)


@pytest.mark.parametrize('kind', ['incomplete', 'short_json', 'bad_gzip'])
def test_p3_garbled_write_then_garbled_read_back(monkeypatch, kind):
    sim = KeyedSimulator()
    with wire(monkeypatch, sim) as (server, _clock):
        server.fault('POST', OPENAPI, kind)
        server.fault('GET', OPENAPI, kind, skip=1)
        result, log = _wire_module(monkeypatch, server, zadig_registry, dict(TASK, is_default=True))
    assert [e for e in log if e.startswith('POST')] == ['POST ' + OPENAPI] and len(sim.registries) == 1, \
        'P3 (%s twice): the create was resent: %s' % (kind, log)
    if result.get('failed'):
        assert one_line(result['msg']) and 'Traceback' not in text_of(result), 'P3: %r' % result['msg']


WRITE_CASES = {
    'create': ('POST', OPENAPI, None, dict(TASK, is_default=True)),
    'openapi_update': ('PUT', OPENAPI + '/.*', SEEDED, dict(TASK, is_default=True)),
    'internal_update': ('PUT', INTERNAL + '/.*', SEEDED, dict(TASK, secret_key='SK-p3-new')),
    'create_with_secrets': ('POST', OPENAPI, None, dict(TASK, access_key='AK-p3', secret_key='SK-p3')),
}


@pytest.mark.parametrize('kind', GARBLES)
@pytest.mark.parametrize('case', sorted(WRITE_CASES))
def test_p3_garbled_write_answer_is_never_resent(monkeypatch, kind, case):
    method, path, seed, args = WRITE_CASES[case]
    sim = KeyedSimulator()
    if seed:
        sim.seed(**seed)
    with wire(monkeypatch, sim) as (server, _clock):
        server.fault(method, path, kind)
        result, log = _wire_module(monkeypatch, server, zadig_registry, args)
    writes = [entry for entry in log if entry.split()[0] in WRITES]
    assert len(writes) == 1, 'P3 (%s, %s): the write was sent %d times: %s' % (case, kind, len(writes), log)
    assert len(sim.registries) == 1, 'P3 (%s, %s): %d registries on the server' % (case, kind, len(sim.registries))
    assert log.index(writes[0]) < len(log) - 1, 'P3 (%s, %s): nothing read back after the write: %s' % (
        case, kind, log)
    if result.get('failed'):
        assert one_line(result['msg']) and 'Traceback' not in text_of(result), \
            'P3 (%s, %s): %r' % (case, kind, result['msg'])
    with wire(monkeypatch, sim) as (server, _clock):
        again, log = _wire_module(monkeypatch, server, zadig_registry, args)
    assert not again.get('failed') and again['changed'] is False, 'P3 (%s, %s): the rerun: %s %s' % (
        case, kind, again.get('msg'), log)


@pytest.mark.parametrize('kind', ['incomplete', 'short_json', 'bad_gzip'])
def test_p3_garbled_delete_answer_is_never_resent(monkeypatch, kind):
    sim = KeyedSimulator(version='v4.2')
    sim.seed(**SEEDED)
    with wire(monkeypatch, sim) as (server, _clock):
        server.fault('DELETE', INTERNAL + '/.*', kind)
        result, log = _wire_module(monkeypatch, server, zadig_registry, dict(TASK, state='absent'))
    deletes = [entry for entry in log if entry.startswith('DELETE')]
    assert len(deletes) == 1, 'P3 (delete, %s): sent %d times: %s' % (kind, len(deletes), log)
    assert not sim.registries, 'P3 (delete, %s): the registry is still there' % kind
    if result.get('failed'):
        assert one_line(result['msg']) and 'Traceback' not in text_of(result), 'P3: %r' % result['msg']


@pytest.mark.parametrize('kind', ['incomplete', 'short_json', 'bad_chunk', 'bad_gzip'])
def test_p3_garbled_write_through_the_list_task(monkeypatch, kind):
    sim = KeyedSimulator()
    entries = [dict(TASK, is_default=True), {'address': 'https://two.adv.test', 'namespace': 'x',
                                             'provider': 'native'}]
    with wire(monkeypatch, sim) as (server, _clock):
        server.fault('POST', OPENAPI, kind)
        sim.log = []
        as_action(monkeypatch, {'registries': entries}, None, url=server.url)
        log = [entry[2] for entry in sim.log]
        # A run that stopped after the garbled write leaves the rest to the next run, which may change things.
        as_action(monkeypatch, {'registries': entries}, None, url=server.url)
        again, dummy = as_action(monkeypatch, {'registries': entries}, None, url=server.url)
    posts = [entry for entry in log if entry.startswith('POST')]
    assert len(posts) <= 2 and len(sim.registries) == 2, \
        'P3 (list, %s): duplicates: %s; requests %s' % (kind, [r['reg_addr'] for r in sim.registries], log)
    assert not again.get('failed') and again['changed'] is False, 'P3 (list, %s): third run %s' % (
        kind, again.get('msg'))


# ---- P4: no licence, ecr ----------------------------------------------------------------------------------------------

ECR = {'address': 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'provider': 'ecr', 'region': 'eu-west-1'}
ECR_ADDRESS_PART = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'


def _licence_message_problems(msg, *, created=False, fix_on_create=True):
    problems = []
    if not one_line(msg):
        problems.append('not one line')
    low = (msg or '').lower()
    if 'licen' not in low:
        problems.append('does not say "licence" in English')
    if ECR_ADDRESS_PART not in (msg or '') and not re.search(r'[0-9a-f]{24}', msg or ''):
        problems.append('does not name the registry')
    if created and not re.search(r'\b(created|exists|was made|has been made)\b', low):
        problems.append('does not say the registry exists')
    if fix_on_create and not ('on_create' in low and 'projects' in low):
        problems.append('does not suggest update_secrets: on_create and no projects')
    if RAW_EXCEPTION.search(msg or ''):
        problems.append('shows raw exception text')
    return problems


@pytest.mark.parametrize('how', ['module', 'list'])
def test_p4_projects_right_after_an_ecr_create(monkeypatch, how):
    sim = KeyedSimulator(version='v4.1', licensed=False)
    entry = dict(ECR, projects=['shop'])
    run = (lambda: as_module(monkeypatch, zadig_registry, entry, sim)) if how == 'module' else \
        (lambda: as_action(monkeypatch, {'registries': [entry]}, sim))
    first, log = run()
    assert first.get('failed'), 'P4 (%s): projects on an unlicensed ecr did not fail: %s' % (how, log)
    assert len(sim.registries) == 1, 'P4 (%s): the ecr registry was not created' % how
    problems = _licence_message_problems(first.get('msg'), created=True)
    assert not problems, 'P4 (%s): %s: %r' % (how, '; '.join(problems), first.get('msg'))
    second, log = run()
    assert len(sim.registries) == 1, 'P4 (%s): the rerun created a duplicate: %s' % (how, log)
    assert not [e for e in log if e.startswith('POST')], 'P4 (%s): the rerun sent a create: %s' % (how, log)
    problems = _licence_message_problems(second.get('msg'), created=False)
    assert second.get('failed') and not problems, 'P4 (%s, rerun): %s: %r' % (
        how, '; '.join(problems), second.get('msg'))


@pytest.mark.parametrize('change', ['is_default', 'secret_key', 'enable_tls', 'projects', 'namespace'])
def test_p4_every_later_update_of_an_ecr(monkeypatch, change):
    sim = KeyedSimulator(version='v4.1', licensed=False)
    seeded = sim.seed(address=ECR['address'], provider='ecr', region='eu-west-1', access_key='AKIAOLD',
                      secret_key='old-secret', projects=['shop'])
    value = {'is_default': True, 'secret_key': 'new-secret', 'enable_tls': True, 'projects': ['other'],
             'namespace': 'team'}[change]
    args = dict(ECR, **{change: value})
    if change == 'namespace':
        args['registry_id'] = seeded['id']
    result, log = as_module(monkeypatch, zadig_registry, args, sim)
    assert result.get('failed'), 'P4: an update (%s) of an unlicensed ecr passed: %s' % (change, log)
    problems = _licence_message_problems(result.get('msg'), fix_on_create=False)
    assert not problems, 'P4 (%s): %s: %r' % (change, '; '.join(problems), result.get('msg'))


@pytest.mark.parametrize('extra', [{}, {'access_key': 'AKIANEW', 'secret_key': 'ecr-secret'},
                                   {'enable_tls': True, 'tls_cert': SEEDED['tls_cert']},
                                   {'access_key': 'AKIANEW', 'secret_key': 'ecr-secret',
                                    'update_secrets': 'on_create'}],
                         ids=['plain', 'with_secrets', 'with_tls', 'on_create'])
def test_p4_what_the_advice_says_works(monkeypatch, extra):
    """An ecr create without projects goes through (OpenAPI create is never licence-checked), and so does its
    rerun: the collection must not need an update to finish a create."""
    sim = KeyedSimulator(version='v4.1', licensed=False)
    first, log = as_module(monkeypatch, zadig_registry, dict(ECR, **extra), sim)
    assert not first.get('failed'), 'P4: an unlicensed ecr create %s failed: %s (%s)' % (
        extra, first.get('msg'), log)
    again, log = as_module(monkeypatch, zadig_registry, dict(ECR, **extra), sim)
    assert not again.get('failed') and again['changed'] is False, 'P4: rerun of ecr %s: %s %s' % (
        extra, again.get('msg'), log)
    assert len(sim.registries) == 1, 'P4'


@pytest.mark.parametrize('version', ['v4.1', 'main'])
def test_p4_moving_the_default_off_an_ecr(monkeypatch, version):
    """The unlicensed ecr is the default; the list makes another registry the default. Promoting the other one is
    not an update of the ecr (Zadig unsets the old default itself, with no licence check), so this must pass and
    no write may touch the ecr."""
    sim = KeyedSimulator(version=version, licensed=False)
    ecr = sim.seed(address=ECR['address'], provider='ecr', region='eu-west-1', is_default=True)
    sim.seed(**_seeded(projects=None))
    entries = [dict(ECR, is_default=False), dict(TASK, is_default=True)]
    result, log = as_action(monkeypatch, {'registries': entries}, sim)
    assert not result.get('failed'), 'P4 (%s): moving the default off an unlicensed ecr failed: %s %s' % (
        version, result.get('msg'), log)
    assert not [e for e in log if e.split()[0] in WRITES and ecr['id'] in e], 'P4: %s' % log
    assert [r['is_default'] for r in sim.registries] == [False, True], 'P4 (%s): %s' % (version, sim.registries)


# ---- P5: what a no-drift list costs ----------------------------------------------------------------------------------

PLAIN = [{'address': 'https://a.adv.test', 'namespace': 'a', 'provider': 'harbor', 'is_default': True},
         {'address': 'https://b.adv.test', 'namespace': 'b', 'provider': 'native'},
         {'address': 'https://c.adv.test', 'namespace': 'c', 'provider': 'dockerhub'}]
COMPARING = {
    'access_key': {'access_key': 'AK-p5'}, 'secret_key': {'secret_key': 'SK-p5'},
    'enable_tls': {'enable_tls': False}, 'tls_cert': {'enable_tls': True, 'tls_cert': SEEDED['tls_cert']},
    'projects': {'projects': ['<all_projects>']},
}


def _converged(version='v4.1', entries=None):
    entries = PLAIN if entries is None else entries
    sim = KeyedSimulator(version=version)
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k in ('address', 'namespace', 'provider', 'region',
                                                          'is_default', 'access_key', 'secret_key',
                                                          'enable_tls', 'tls_cert', 'projects')}
        sim.seed(**fields)
    return sim


@pytest.mark.parametrize('check_mode', [True, False], ids=['check', 'run'])
@pytest.mark.parametrize('version', ['v4.1', 'v4.2', 'main'])
def test_p5_plain_list_costs_one(monkeypatch, version, check_mode):
    sim = _converged(version)
    result, log = as_action(monkeypatch, {'registries': PLAIN, 'fail_on_drift': True}, sim, check_mode=check_mode)
    assert result['drift']['in_sync'] and not result.get('failed'), 'P5: %s' % result.get('msg')
    assert log == [LIST], 'P5: a no-drift list of 3 costs %d requests: %s' % (len(log), log)


@pytest.mark.parametrize('field', sorted(COMPARING))
def test_p5_comparing_list_costs_two(monkeypatch, field):
    entries = [dict(PLAIN[0], **COMPARING[field])] + PLAIN[1:]
    sim = _converged('v4.2', entries)
    result, log = as_action(monkeypatch, {'registries': entries, 'fail_on_drift': True}, sim, check_mode=True)
    assert result['drift']['in_sync'] and not result.get('failed'), 'P5 (%s): %s %s' % (
        field, result.get('msg'), result['drift'])
    assert len(log) == 2, 'P5: a no-drift list comparing %s costs %d requests: %s' % (field, len(log), log)


@pytest.mark.parametrize('variant', ['on_create', 'absent_missing', 'purge_nothing_else', 'dedupe_no_dups',
                                     'by_registry_id'])
def test_p5_other_no_drift_lists_cost_one(monkeypatch, variant):
    sim = _converged('v4.2')
    entries = [dict(e) for e in PLAIN]
    args = {'fail_on_drift': True}
    if variant == 'on_create':
        entries[1].update(access_key='AK', secret_key='SK', update_secrets='on_create')
    elif variant == 'absent_missing':
        entries.append({'address': 'https://gone.adv.test', 'namespace': 'gone', 'state': 'absent'})
    elif variant == 'purge_nothing_else':
        args['purge'] = True
    elif variant == 'dedupe_no_dups':
        args['dedupe'] = True
    elif variant == 'by_registry_id':
        entries[2] = {'registry_id': sim.registries[2]['id'], 'provider': 'dockerhub'}
    args['registries'] = entries
    result, log = as_action(monkeypatch, args, sim, check_mode=True)
    assert not result.get('failed') and result['drift']['in_sync'], 'P5 (%s): %s %s' % (
        variant, result.get('msg'), result.get('drift'))
    assert len(log) == 1, 'P5 (%s): a no-drift list costs %d requests: %s' % (variant, len(log), log)


def test_p5_purge_keeping_a_registry_in_use_costs(monkeypatch):
    """purge: true; the server also holds unlisted registries that environments use (v4.2: purge keeps them and
    lists them under unmanaged, which is not drift). The docs say: one request, plus one per registry a delete is
    planned for, to ask who uses it, even when the answer keeps it."""
    sim = _converged('v4.2')
    for number in range(3):
        kept = sim.seed(address='https://used%d.adv.test' % number, namespace='used', provider='native')
        sim.add_env(registry_id=kept['id'], project_name='shop', env_name='prod%d' % number)
    result, log = as_action(monkeypatch, {'registries': PLAIN, 'purge': True, 'fail_on_drift': True}, sim,
                            check_mode=True)
    assert not result.get('failed') and result['drift']['in_sync'], 'P5: %s %s' % (
        result.get('msg'), result.get('drift'))
    assert len(log) == 1 + 3, ('P5: a no-drift purge that keeps 3 in-use registries costs %d requests (%s); the '
                               'docs say 1 + 3' % (len(log), log))


@pytest.mark.parametrize('compare', [False, True])
def test_p5_one_registry_task(monkeypatch, compare):
    entry = dict(PLAIN[0], **(COMPARING['secret_key'] if compare else {}))
    sim = _converged('v4.1', [entry])
    for check_mode in (True, False):
        result, log = as_module(monkeypatch, zadig_registry, entry, sim, check_mode=check_mode)
        assert not result.get('failed') and result['changed'] is False, 'P5: %s' % result.get('msg')
        assert len(log) == (2 if compare else 1), 'P5: an unchanged zadig_registry task%s costs %s' % (
            ' that compares' if compare else '', log)


@pytest.mark.parametrize('details', [False, True])
def test_p5_info(monkeypatch, details):
    sim = _converged('v4.1')
    result, log = as_module(monkeypatch, zadig_registry_info, {'details': details}, sim)
    assert not result.get('failed'), 'P5: %s' % result.get('msg')
    assert len(log) == (2 if details else 1), 'P5: zadig_registry_info details=%s costs %s' % (details, log)
    again, log = as_action(monkeypatch, {'registries': result['zadig_registries'], 'fail_on_drift': True}, sim,
                           check_mode=True)
    assert not again.get('failed'), 'P5: the exported list does not apply cleanly: %s' % again.get('msg')
    assert len(log) == (2 if details else 1), 'P5: the exported list (details=%s) costs %s' % (details, log)


def test_p5_least_privilege_check_costs(monkeypatch):
    """A check-mode run whose least-privilege token may not read the internal list."""
    entries = [dict(PLAIN[0], secret_key='SK-p5')] + PLAIN[1:]
    sim = _converged('v4.2', entries)
    result, log = as_action(monkeypatch, {'registries': entries}, sim, check_mode=True, token=USER)
    assert not result.get('failed') and result['drift']['in_sync'], 'P5: %s %s' % (
        result.get('msg'), result.get('drift'))
    assert result['drift']['not_compared'], 'P5: %s' % result['drift']
    assert len(log) <= 3, ('P5: a least-privilege no-drift check that compares costs %d requests (the docs say two, '
                           'and one for the refused read): %s' % (len(log), log))


def _collection_root():
    from ansible_collections.zadig.core.plugins.modules import zadig_registries  # pylint: disable=import-outside-toplevel
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(zadig_registries.__file__))))


def _doc_texts():
    """The four places that state P5's request counts: ansible-doc of zadig_registries (its DOCUMENTATION), the
    role README, the user guide and the README; each flattened onto one line."""
    import yaml  # pylint: disable=import-outside-toplevel
    from ansible_collections.zadig.core.plugins.modules import zadig_registries  # pylint: disable=import-outside-toplevel
    doc = yaml.safe_load(zadig_registries.DOCUMENTATION)
    texts = {'ansible-doc zadig.core.zadig_registries': ' '.join(doc['description'] + doc.get('notes', []))}
    root = _collection_root()
    for name in ('roles/registries/README.md', 'docs/user-guide.md', 'README.md'):
        with open(os.path.join(root, name), encoding='utf-8') as handle:
            texts[name] = ' '.join(handle.read().split())
    return texts


@pytest.mark.parametrize('where', ['ansible-doc zadig.core.zadig_registries', 'roles/registries/README.md',
                                   'docs/user-guide.md', 'README.md'])
def test_p5_docs_say_two_when_credentials_are_compared(where):
    """Each place that gives the cost of a no-drift list must also say it is two requests when an entry compares
    credentials, TLS or projects (the count the simulator shows above)."""
    text = _doc_texts()[where]
    claims = [m.start() for m in re.finditer(r'\bone request\b(?! per)', text)
              if re.search(r'no drift|nothing drifted', text[max(0, m.start() - 120):m.start() + 120])]
    assert claims, 'P5: %s no longer states the cost of a no-drift list' % where
    for start in claims:
        window = text[max(0, start - 40):start + 200]
        assert re.search(r'\btwo\b', window), 'P5: %s says a no-drift list costs one request, never two: %r' % (
            where, text[max(0, start - 100):start + 120])


if __name__ == '__main__':  # pragma: no cover
    sys.exit(pytest.main([__file__, '-q', '-p', 'no:cacheprovider']))
