# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential type (docs/awx/zadig-credential-type.yml), rendered the way AWX renders it.

AWX's own rendering is not importable here, so ``awx_store`` and ``awx_inject`` below restate what it does:

- storing inputs (awx/main/fields.py, ``CredentialInputField.validate``): a falsy value (``None``, ``''``,
  ``False``) becomes ``CredentialType.default_for_field``, which is ``''`` or ``False`` whatever the field's own
  ``default`` says; then a Draft 4 JSON schema refuses unknown fields and values of the wrong type;
- injecting (``CredentialType.inject_credential``, in awx/main/models/credential.py in older AWX; newer AWX
  calls ``awx_plugins.interfaces._temporary_private_inject_api.inject_credential`` from it): a boolean the
  credential does not hold is ``False`` in the template namespace (the field's ``default`` is ignored), an empty
  or absent string is left out (so it renders as ``''``), values from an external input source are taken as the
  lookup returns them, with no type check; every file injector is written to a temporary file under
  ``<private data dir>/env``, even when it renders empty, and its path in the execution environment
  (``/runner/env/...``) is ``tower.filename`` or ``tower.filename.<name>``; env and extra_vars templates are
  rendered with jinja2's ``ImmutableSandboxedEnvironment`` (default ``Undefined``);
- saving a credential type (``CredentialTypeInjectorField.validate``): every template must render with
  ``StrictUndefined`` when each field is ``'EXAMPLE'``.

Every way a field can be left unset must end with TLS verification on; only a ticked "skip" turns it off.
"""

from __future__ import annotations

import os
import pathlib
import re
import stat
import tempfile
from types import SimpleNamespace

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.zadig.core.plugins.modules import zadig_registry_info
from ansible_collections.zadig.core.tests.unit.https_simulator import TOKEN
from ansible_collections.zadig.core.tests.unit.utils import ModuleExit, capture_exit, module_args

TYPE_FILE = pathlib.Path(__file__).resolve().parents[3] / 'docs' / 'awx' / 'zadig-credential-type.yml'
CONTAINER_ROOT = '/runner'  # where AWX mounts a job's private data dir in the execution environment
HIDDEN = '*' * 10
# Env vars AWX refuses to inject (awx_plugins.interfaces ENV_BLOCKLIST), besides every ANSIBLE_* name.
ENV_BLOCKLIST = frozenset((
    'VIRTUAL_ENV', 'PATH', 'PYTHONPATH', 'JOB_ID', 'INVENTORY_ID', 'INVENTORY_SOURCE_ID', 'INVENTORY_UPDATE_ID',
    'AD_HOC_COMMAND_ID', 'REST_API_URL', 'REST_API_TOKEN', 'MAX_EVENT_RES', 'CALLBACK_QUEUE', 'CALLBACK_CONNECTION',
    'CACHE', 'JOB_CALLBACK_DEBUG', 'INVENTORY_HOSTVARS', 'AWX_HOST', 'PROJECT_REVISION', 'SUPERVISOR_CONFIG_PATH'))
FIELD_KEYS = {'id', 'label', 'type', 'help_text', 'default', 'secret', 'multiline', 'format', 'choices'}
URL = 'https://zadig.example.com'
CERT = '<the CA certificate>'  # in the cases below; the tests put the PEM of the simulator's test CA there
# The credential type before this redesign: its default was ignored, so an omitted validate_certs meant False.
OLD_TYPE = {
    'inputs': {'fields': [{'id': 'zadig_url', 'type': 'string', 'label': 'Zadig URL'},
                          {'id': 'zadig_token', 'type': 'string', 'label': 'API token', 'secret': True},
                          {'id': 'validate_certs', 'type': 'boolean', 'label': 'Verify', 'default': True}],
               'required': ['zadig_url', 'zadig_token']},
    'injectors': {'env': {'ZADIG_URL': '{{ zadig_url }}', 'ZADIG_TOKEN': '{{ zadig_token }}',
                          'ZADIG_VALIDATE_CERTS': '{{ validate_certs }}'}},
}


@pytest.fixture(scope='module')
def cred_type():
    return yaml.safe_load(TYPE_FILE.read_text(encoding='utf-8'))


@pytest.fixture(scope='module')
def ca_pem(https_server):
    """A real CA certificate (the collection checks that ZADIG_CA_PATH holds one): the simulator's test CA."""
    return pathlib.Path(https_server[1]).read_text(encoding='ascii')


def _real(values, pem):
    return {name: pem if value is CERT else value for name, value in values.items()}


def _fields(ctype):
    return {field['id']: field for field in ctype['inputs']['fields']}


def _kind(field):
    return field.get('type', 'string')


# ---- AWX, restated ---------------------------------------------------------------------------------------------

def awx_store(ctype, sent):
    """The inputs AWX keeps when a credential is created with ``sent`` (UI, API, awx.awx.credential alike).

    Raises ValueError where AWX answers 400.
    """
    fields = _fields(ctype)
    stored = {}
    for name, value in sent.items():
        if name not in fields:
            raise ValueError('additional property %r' % name)
        if not value:
            value = {'string': '', 'boolean': False}[_kind(fields[name])]
        if not isinstance(value, {'string': str, 'boolean': bool}[_kind(fields[name])]):  # Draft 4: 1 is no boolean
            raise ValueError('%r is not of type %s' % (value, _kind(fields[name])))
        stored[name] = value
    return stored


class Job(SimpleNamespace):
    """What one job gets from the credential: env, safe_env (kept in AWX's database), args and written files."""


def awx_inject(ctype, stored, private_data_dir, lookups=None):
    """Render ``ctype``'s injectors for a credential holding ``stored``, as AWX's inject_credential does.

    ``lookups`` are values from external input sources (secret lookups), which reach the templates unchecked.
    """
    lookups = lookups or {}
    secrets = [name for name, field in _fields(ctype).items() if field.get('secret') is True]
    tower = SimpleNamespace()
    namespace = {'tower': tower}
    safe_namespace = {'tower': tower}
    keys = set(stored) | set(lookups)
    for name in keys:
        value = lookups[name] if name in lookups else stored[name]
        if isinstance(value, bool):
            namespace[name] = safe_namespace[name] = value
            continue
        if name in secrets:
            safe_namespace[name] = HIDDEN
        elif value:
            safe_namespace[name] = value
        if value:
            namespace[name] = value
    for field in ctype['inputs']['fields']:
        if _kind(field) == 'boolean' and field['id'] not in keys:
            namespace[field['id']] = safe_namespace[field['id']] = False

    sandbox = ImmutableSandboxedEnvironment()
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    single, named, written = None, {}, {}
    for label, template in ctype['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as stream:
            stream.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        in_container = os.path.join(CONTAINER_ROOT, os.path.relpath(path, private_data_dir))
        written[label] = path
        if '.' in label:
            named[label.split('.', 1)[1]] = in_container
        else:
            single = in_container
    tower.filename = single or SimpleNamespace(**named)

    env, safe_env, args = {}, {}, []
    for name, template in ctype['injectors'].get('env', {}).items():
        if name in ENV_BLOCKLIST:
            continue
        env[name] = sandbox.from_string(template).render(**namespace)
        safe_env[name] = sandbox.from_string(template).render(**safe_namespace)

    def extra(node):
        if isinstance(node, dict):
            return {extra(key): extra(value) for key, value in node.items()}
        if isinstance(node, list):
            return [extra(item) for item in node]
        return sandbox.from_string(node).render(**namespace)

    extra_vars = extra(ctype['injectors'].get('extra_vars', {}))
    if extra_vars:
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as stream:
            yaml.safe_dump(extra_vars, stream)
        args.extend(['-e', '@' + os.path.join(CONTAINER_ROOT, os.path.relpath(path, private_data_dir))])
    return Job(env=env, safe_env=safe_env, args=args, files=written, extra_vars=extra_vars)


def on_host(value, private_data_dir):
    """A path in the execution environment, as the job's own process sees the mounted private data dir."""
    if value.startswith(CONTAINER_ROOT + '/'):
        return os.path.join(str(private_data_dir), value[len(CONTAINER_ROOT) + 1:])
    return value


def connection(monkeypatch, env, private_data_dir):
    """The collection's connection options and client, built from the job's environment alone."""
    for name in list(os.environ):
        if name.startswith('ZADIG_') or name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, on_host(value, private_data_dir))
    result = ArgumentSpecValidator(CONNECTION_ARGUMENT_SPEC).validate({})
    assert not result.error_messages, result.error_messages
    params = result.validated_parameters
    client = ZadigClient(params['zadig_url'], params['zadig_token'], validate_certs=params['validate_certs'],
                         ca_path=params['ca_path'], timeout=params['timeout'])
    return params, client


# ---- the credential type as AWX would save it ------------------------------------------------------------------

def test_awx_accepts_the_credential_type(cred_type):
    """The checks AWX makes when the type is saved (CredentialTypeInputField, CredentialTypeInjectorField)."""
    assert cred_type['kind'] in ('cloud', 'net')
    fields = cred_type['inputs']['fields']
    ids = [field['id'] for field in fields]
    assert len(ids) == len(set(ids)) and 'tower' not in ids
    assert set(cred_type['inputs']['required']) <= set(ids)
    for field in fields:
        assert set(field) <= FIELD_KEYS and {'id', 'label'} <= set(field), field
        assert re.match(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$', field['id'])
        assert _kind(field) in ('string', 'boolean')
        if 'default' in field:
            assert isinstance(field['default'], {'string': str, 'boolean': bool}[_kind(field)])
        if _kind(field) != 'string':
            assert not set(field) & {'choices', 'multiline', 'format', 'secret'}, field
    assert set(cred_type['injectors']) <= {'file', 'env', 'extra_vars'}
    files = list(cred_type['injectors'].get('file', {}))
    assert all(re.match(r'^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$', label) for label in files)
    assert 'template' not in files or len(files) == 1
    for name, template in cred_type['injectors']['env'].items():
        assert re.match(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$', name) and re.match(r'^[\x00-\x7F]*$', template)
        assert not name.startswith('ANSIBLE_') and name not in ENV_BLOCKLIST
    filename = SimpleNamespace(**{label.split('.', 1)[1]: 'EXAMPLE_FILENAME' for label in files if '.' in label})
    namespace = dict((field_id, 'EXAMPLE') for field_id in ids)
    namespace['tower'] = SimpleNamespace(filename=filename)
    strict = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for template in list(cred_type['injectors'].get('file', {}).values()) + list(cred_type['injectors']['env'].values()):
        strict.from_string(template).render(namespace)


def test_no_boolean_field_is_a_default_on_switch(cred_type):
    """AWX renders a boolean the credential does not hold as False: a boolean may only ever opt out of safety."""
    for field in cred_type['inputs']['fields']:
        if _kind(field) == 'boolean':
            assert field.get('default', False) is False, field
    assert 'validate_certs' not in _fields(cred_type)


def test_the_emulation_reproduces_the_issue(tmp_path):
    """The old type, created without validate_certs: its default (true) is ignored and the job gets False."""
    job = awx_inject(OLD_TYPE, awx_store(OLD_TYPE, {'zadig_url': URL, 'zadig_token': 'tok'}), str(tmp_path))
    assert job.env['ZADIG_VALIDATE_CERTS'] == 'False' and boolean(job.env['ZADIG_VALIDATE_CERTS']) is False


# ---- what a job gets, for every way of filling in the credential -----------------------------------------------

REQUIRED = {'zadig_url': URL, 'zadig_token': 'tok'}
CASES = [
    # id, inputs sent to AWX, values from external lookups, TLS verified, CA file expected
    ('all fields set', dict(REQUIRED, ca_cert=CERT, skip_tls_verify=False), {}, True, True),
    ('only the required fields (API, awx.awx.credential)', REQUIRED, {}, True, False),
    ('UI form left as is', dict(REQUIRED, ca_cert='', skip_tls_verify=False), {}, True, False),
    ('skip false', dict(REQUIRED, skip_tls_verify=False), {}, True, False),
    ('skip null', dict(REQUIRED, skip_tls_verify=None), {}, True, False),
    ('skip true', dict(REQUIRED, skip_tls_verify=True), {}, False, False),
    ('CA cert given', dict(REQUIRED, ca_cert=CERT), {}, True, True),
    ('CA cert empty', dict(REQUIRED, ca_cert=''), {}, True, False),
    ('CA cert null', dict(REQUIRED, ca_cert=None), {}, True, False),
    ('CA cert only whitespace', dict(REQUIRED, ca_cert=' \n\n '), {}, True, False),
    ('CA cert and skip true', dict(REQUIRED, ca_cert=CERT, skip_tls_verify=True), {}, False, True),
    ('CA cert from a lookup', REQUIRED, {'ca_cert': CERT}, True, True),
    ('CA cert lookup empty', REQUIRED, {'ca_cert': ''}, True, False),
] + [
    # A lookup on the boolean field hands the template whatever the secret store holds: never a real True.
    ('skip from a lookup: %r' % (value,), REQUIRED, {'skip_tls_verify': value}, True, False)
    for value in ('true', 'True', 'yes', 'on', '1', 'false', '', 1, ['true'], {'skip': True})
]


@pytest.mark.parametrize('sent, lookups, verified, with_ca', [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_the_job_environment(monkeypatch, tmp_path, cred_type, ca_pem, sent, lookups, verified, with_ca):
    job = awx_inject(cred_type, awx_store(cred_type, _real(sent, ca_pem)), str(tmp_path), _real(lookups, ca_pem))

    assert set(job.env) == {'ZADIG_URL', 'ZADIG_TOKEN', 'ZADIG_VALIDATE_CERTS', 'ZADIG_CA_PATH'}
    assert job.env['ZADIG_URL'] == URL and job.env['ZADIG_TOKEN'] == 'tok'
    assert boolean(job.env['ZADIG_VALIDATE_CERTS'], strict=True) is verified
    assert job.args == [] and not job.extra_vars
    # AWX writes the CA file in every case; the job is pointed at it only when it holds a certificate.
    assert list(job.files) == ['template.ca_cert']
    written = job.files['template.ca_cert']
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600
    if with_ca:
        assert job.env['ZADIG_CA_PATH'] == os.path.join(CONTAINER_ROOT, 'env', os.path.basename(written))
        assert pathlib.Path(on_host(job.env['ZADIG_CA_PATH'], tmp_path)).read_text() == ca_pem
    else:
        assert job.env['ZADIG_CA_PATH'] == ''

    params, client = connection(monkeypatch, job.env, tmp_path)
    assert params['validate_certs'] is verified and params['zadig_token'] == 'tok'
    if not verified:
        assert client.verify is False
    elif with_ca:
        assert client.verify == written
    else:
        assert client.verify is True


@pytest.mark.parametrize('token', [' tok', 'tok\n', '\ttok \r\n'])
def test_a_pasted_token_is_stripped(tmp_path, cred_type, token):
    sent = dict(REQUIRED, zadig_token=token, zadig_url=' %s\n' % URL)
    for lookups in ({}, {'zadig_token': token}):
        job = awx_inject(cred_type, awx_store(cred_type, sent), str(tmp_path), lookups)
        assert job.env['ZADIG_TOKEN'] == 'tok' and job.env['ZADIG_URL'] == URL


def test_the_stored_job_environment_hides_the_token(tmp_path, cred_type, ca_pem):
    sent = dict(REQUIRED, zadig_token='secret-zadig-token', ca_cert=ca_pem)
    job = awx_inject(cred_type, awx_store(cred_type, sent), str(tmp_path))
    assert job.env['ZADIG_TOKEN'] == 'secret-zadig-token' and job.safe_env['ZADIG_TOKEN'] == HIDDEN
    assert not any('secret-zadig-token' in value for value in job.safe_env.values())
    assert job.safe_env['ZADIG_VALIDATE_CERTS'] == 'true' and job.safe_env['ZADIG_CA_PATH'] == job.env['ZADIG_CA_PATH']


@pytest.mark.parametrize('sent', [
    dict(REQUIRED, skip_tls_verify='true'),
    dict(REQUIRED, skip_tls_verify='false'),
    dict(REQUIRED, skip_tls_verify=1),
    dict(REQUIRED, ca_cert=True),
    dict(REQUIRED, validate_certs=False),  # a credential written for the old type
], ids=['skip "true"', 'skip "false"', 'skip 1', 'ca_cert true', 'old validate_certs'])
def test_awx_refuses_wrong_types_and_the_old_field(cred_type, sent):
    with pytest.raises(ValueError):
        awx_store(cred_type, sent)


# ---- end to end: the rendered environment, the module, HTTPS to the simulator with a private CA ----------------

@pytest.mark.parametrize('with_ca, skip, succeeds', [
    (True, None, True),
    (False, None, False),
    (False, True, True),
], ids=['verified with the CA cert', 'verified without a CA cert', 'skip ticked'])
def test_a_job_reaches_zadig_over_https(monkeypatch, tmp_path, cred_type, https_server, ca_pem, with_ca, skip,
                                        succeeds):
    server, _ca_path = https_server
    sent = {'zadig_url': server.url, 'zadig_token': ' %s\n' % TOKEN}
    if with_ca:
        sent['ca_cert'] = ca_pem
    if skip is not None:
        sent['skip_tls_verify'] = skip
    job = awx_inject(cred_type, awx_store(cred_type, sent), str(tmp_path))
    connection(monkeypatch, job.env, tmp_path)  # the job's environment, now os.environ
    capture_exit(monkeypatch)
    with module_args({}), pytest.raises(ModuleExit) as outcome:
        zadig_registry_info.main()
    result = outcome.value.result
    if succeeds:
        assert not outcome.value.failed, result
        assert [registry['namespace'] for registry in result['registries']] == ['platform']
    else:
        assert outcome.value.failed
        assert 'TLS verification of %s failed' % server.url in result['msg']
        assert 'CERTIFICATE_VERIFY_FAILED' in result['msg'] and TOKEN not in result['msg']
