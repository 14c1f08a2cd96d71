# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry model: validation, normalisation, matching, and the views a registry is shown in.

Plain data in, plain data out: no HTTP and no Ansible here. ``_plan`` decides
with these functions; results, diffs and exports are views of the same
normalised registry. Not a public API.
"""

from __future__ import annotations

import ast
import json
import re

from ansible_collections.zadig.core.plugins.module_utils._answers import REGISTRY_ID

PROVIDERS = ('acr', 'tcr', 'swr', 'ecr', 'dockerhub', 'harbor', 'native')
REGION_REQUIRED = ('ecr', 'swr')
REENCODED_ON_UPDATE = ('ecr', 'swr')
FIELDS = ('address', 'provider', 'region', 'namespace', 'is_default')
DETAIL_FIELDS = ('access_key', 'secret_key', 'enable_tls', 'tls_cert', 'projects')
SECRET_FIELDS = ('access_key', 'secret_key')
MASK = '********'
_ADDRESS = re.compile(r'^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#\s]*)(?P<rest>.*)\Z', re.S)
_HOST = re.compile(r'^(?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*'
                   r'|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?\Z')
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')
_NAMESPACE = re.compile(r'^[A-Za-z0-9._/-]+\Z')
_REGION = re.compile(r'^[A-Za-z0-9_-]+\Z')
# Zadig stores credentials as given (a JSON key file with newlines, non-ASCII, thousands of characters): they are
# bounded only against a wrong file pasted whole.
LIMITS = {'address': 2048, 'namespace': 255, 'region': 64, 'access_key': 1048576, 'secret_key': 1048576,
          'tls_cert': 1048576}
MULTILINE = ('access_key', 'secret_key', 'tls_cert')


# The options of one registry: zadig_registry's own, each entry of zadig_registries' list, and (a few) the filters of
# zadig_registry_info. validate-modules checks each module's documentation against them.
REGISTRY_OPTIONS = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    registry_id=dict(type='str'),
    address=dict(type='str'),
    namespace=dict(type='str'),
    provider=dict(type='str', choices=list(PROVIDERS)),
    region=dict(type='str'),
    is_default=dict(type='bool'),
    access_key=dict(type='str', no_log=True),
    secret_key=dict(type='str', no_log=True),
    enable_tls=dict(type='bool'),
    tls_cert=dict(type='str'),
    update_secrets=dict(type='str', default='compare', choices=['compare', 'on_create']),
    projects=dict(type='list', elements='str'),
)


class InputError(ValueError):
    """Bad input, found before any request is sent. The message names the option and the rule."""


class ConflictError(ValueError):
    """The server's state does not let the task decide (several registries match, the id is unknown...)."""


# ---- normalisation -------------------------------------------------------------------------------------------

def normalise_address(address):
    """The comparable form of an address: scheme and host lowercased, port kept, path and trailing ``/`` dropped.

    Addresses stored without ``scheme://`` (possible through Zadig's UI or PUT)
    are only trimmed and lowercased, so they never equal a valid desired address.
    """
    text = (address or '').strip()
    match = _ADDRESS.match(text)
    if not match:
        return text.rstrip('/').lower()
    return '%s://%s' % (match.group('scheme').lower(), match.group('host').lower())


def view(registry):
    """A registry as the server holds it, in the shape the modules return (the OpenAPI's own keys)."""
    return {
        'registry_id': registry.get('registry_id'),
        'address': registry.get('address') or '',
        'provider': registry.get('provider') or '',
        'region': registry.get('region') or '',
        'namespace': registry.get('namespace') or '',
        'is_default': bool(registry.get('is_default')),
    }


def from_internal(doc):
    """A registry of the internal list (credentials, TLS and projects included) in the OpenAPI shape, with its
    ``details`` and whole ``doc``."""
    settings = doc.get('advanced_setting') or {}
    registry = {
        'registry_id': doc.get('id'), 'address': doc.get('reg_addr') or '', 'provider': doc.get('reg_provider') or '',
        'region': doc.get('region') or '', 'namespace': doc.get('namespace') or '',
        'is_default': bool(doc.get('is_default')),
    }
    registry['details'] = {
        'access_key': doc.get('access_key') or '', 'secret_key': doc.get('secret_key') or '',
        'enable_tls': bool(settings.get('enable_tls')), 'tls_cert': settings.get('tls_cert') or '',
        'projects': doc.get('projects') or [],
    }
    registry['doc'] = doc
    return registry


def same_detail(field, have, want):
    """Compare one credential, TLS or projects setting the way Zadig uses it."""
    if field == 'projects':
        return sorted(set(have or [])) == sorted(set(want or []))
    if field == 'tls_cert':
        return (have or '').strip() == (want or '').strip()
    if field == 'enable_tls':
        return bool(have) == bool(want)
    return (have or '') == (want or '')


def internal_doc(doc, after, changes):
    """The whole internal document for the PUT that replaces it: everything read, with only ``after`` and
    ``changes`` applied, so nothing the task does not name is wiped."""
    new = {key: value for key, value in doc.items() if key not in ('update_time', 'update_by')}
    new.update(reg_addr=after['address'], reg_provider=after['provider'], namespace=after['namespace'],
               region=after['region'], is_default=after['is_default'])
    for field in ('access_key', 'secret_key', 'projects'):
        if field in changes:
            new[field] = changes[field]
    if 'enable_tls' in changes or 'tls_cert' in changes:
        settings = dict(doc.get('advanced_setting') or {'enable_tls': False, 'tls_cert': ''}, modified=True)
        for field in ('enable_tls', 'tls_cert'):
            if field in changes:
                settings[field] = changes[field]
        new['advanced_setting'] = settings
    return new


def comparable(registry):
    """The fields a task can set, in the form they are compared in; diff and ``changed`` come from this."""
    return {
        'address': normalise_address(registry.get('address')),
        'provider': registry.get('provider') or '',
        'region': registry.get('region') or '',
        'namespace': (registry.get('namespace') or '').strip(),
        'is_default': bool(registry.get('is_default')),
    }


def diff_view(registry, named=(), changed=()):
    """What ``--diff`` shows of a registry: the settable fields as stored, never an id or a secret.

    Credential, TLS and project settings appear when the task names them; a
    secret shows only as masked, and as "changed" on the side after a change.
    """
    if not registry:
        return {}
    shown = view(registry)
    result = {field: shown[field] for field in FIELDS}
    details = registry.get('details') or {}
    for field in named:
        if field in SECRET_FIELDS:
            result[field] = MASK + (' (changed)' if field in changed else '')
        elif field in details:
            result[field] = details[field]
    return result


def shown(value, limit=120):
    """A server-side string on one line, bounded: a stored newline or a huge value must not break a message."""
    text = _CONTROL.sub(' ', str(value))
    return text if len(text) <= limit else text[:limit] + '...'


def describe(desired):
    """Name a registry in messages: its address and namespace, and its id when known."""
    if not desired.get('address'):
        return 'registry %s' % desired.get('registry_id')
    text = 'registry %s' % shown(desired['address'])
    if desired.get('namespace'):
        text += ' namespace %s' % shown(desired['namespace'])
    if desired.get('registry_id'):
        text += ' (%s)' % desired['registry_id']
    return text


# ---- validation ------------------------------------------------------------------------------------------------

def _check_text(name, value):
    if value is None:
        return
    if len(value) > LIMITS[name]:
        raise InputError('%s must be at most %d characters, got %d' % (name, LIMITS[name], len(value)))
    if name not in MULTILINE and _CONTROL.search(value):
        raise InputError('%s must not contain control characters (newlines, tabs...)' % name)
    if name in SECRET_FIELDS and _python_repr(value):
        raise InputError("%s holds a Python %s, not the text it came from: ansible-core before 2.19 turns the text of "
                         "a JSON file (a key file read with lookup('file')) into a %s, and Ansible then passes its "
                         "Python form, which Zadig would store as is. Add | string to the expression, e.g. "
                         "\"{{ lookup('file', 'key.json') | string }}\"" % ((name,) + (_python_repr(value),) * 2))


def _python_repr(value):
    """'dict' or 'list' when ``value`` is Python's form of one (single quotes, True, None), which JSON is not."""
    text = value.strip()
    if text[:1] not in ('{', '[') or text[-1:] not in ('}', ']'):
        return None
    try:
        json.loads(text)
        return None
    except ValueError:
        pass
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return {dict: 'dict', list: 'list'}.get(type(parsed))


def check_address(address):
    """Refuse what Zadig stores as given but cannot use: no scheme, whitespace, a path, a bad host."""
    _check_text('address', address)
    if address != address.strip():
        raise InputError('address must not start or end with whitespace, got %r' % address)
    match = _ADDRESS.match(address)
    if not match:
        raise InputError('address must start with http:// or https://, got %r (Zadig accepts host:port without '
                         'a scheme, and its DinD sync then fails for every registry)' % address)
    if match.group('scheme').lower() not in ('http', 'https'):
        raise InputError('address must start with http:// or https://, got %r' % address)
    host = match.group('host')
    if host.split(':')[0].endswith('.') and not host.startswith('['):
        raise InputError('address must not end its host name with a dot, got %r; write %r' % (
            address, '%s://%s' % (match.group('scheme'), host.replace('.:', ':').rstrip('.'))))
    if not _HOST.match(host) or len(host.split(':')[0]) > 253 or any(
            len(label) > 63 for label in host.split(':')[0].split('.')):
        raise InputError('address must be scheme://host[:port] with a valid host name or IP address (ASCII; '
                         'write an international name in its xn-- form), got %r' % address)
    port = host.rsplit(':', 1)[1] if ':' in host and not host.endswith(']') else ''
    if port and not 0 < int(port) <= 65535:
        raise InputError('address must have a port between 1 and 65535, got %r' % address)
    if match.group('rest') not in ('', '/'):
        raise InputError('address must be scheme://host[:port] with no path, query or fragment, got %r; '
                         'put the project or organisation in namespace' % address)


def validate(params):
    """Check a task's options and return the desired registry (options given, normalised; None when omitted).

    Raises InputError before any request is sent.
    """
    state = params.get('state') or 'present'
    registry_id = params.get('registry_id')
    if registry_id is not None and not REGISTRY_ID.match(registry_id):
        raise InputError('registry_id must be 24 lowercase hexadecimal characters (a Zadig object id), got %r'
                         % registry_id)
    address = params.get('address')
    if address is None and registry_id is None:
        raise InputError('one of address or registry_id is required')
    if address is not None:
        check_address(address)
    provider = params.get('provider')
    if provider == 'nexus':
        raise InputError("provider 'nexus' is listed in Zadig's documentation but refused by the server; "
                         "use provider: native for a Nexus registry")
    if provider is not None and provider not in PROVIDERS:
        raise InputError('provider must be one of %s, got %r' % (', '.join(PROVIDERS), provider))
    namespace = params.get('namespace')
    _check_text('namespace', namespace)
    if namespace is not None:
        namespace = namespace.strip()
        if namespace and not _NAMESPACE.match(namespace):
            raise InputError("namespace may contain only letters, digits, '.', '_', '-' and '/', got %r" % namespace)
        if namespace and any(part in ('', '.', '..') for part in namespace.split('/')):
            raise InputError("namespace must not have empty, '.' or '..' path segments, got %r" % namespace)
    region = params.get('region')
    _check_text('region', region)
    if region is not None:
        region = region.strip()
        if region and not _REGION.match(region):
            raise InputError("region may contain only letters, digits, '_' and '-', got %r" % region)
    for key in ('access_key', 'secret_key', 'tls_cert'):
        _check_text(key, params.get(key))
    if state == 'present':
        if provider in REGION_REQUIRED and not region:
            raise InputError('region is required when provider is %s' % provider)
        if provider not in (None, 'ecr') and (namespace == '' or (namespace is None and registry_id is None)):
            raise InputError('namespace is required when provider is %s (only ecr registries have none)'
                             % provider)
        if namespace == '' and provider is None:
            raise InputError('namespace must not be empty')
        if params.get('tls_cert') and not params.get('enable_tls'):
            raise InputError('tls_cert is only used with enable_tls: true')
        if params.get('tls_cert') and '-----BEGIN ' not in params['tls_cert']:
            raise InputError('tls_cert must be PEM text (-----BEGIN CERTIFICATE----- ...)')
    projects = params.get('projects')
    if projects is not None and (not isinstance(projects, list) or any(
            not isinstance(p, str) or not p.strip() or _CONTROL.search(p) for p in projects)):
        raise InputError("projects must be a list of Zadig project names, or ['<all_projects>'] for all")
    update_secrets = params.get('update_secrets') or 'compare'
    if update_secrets not in ('compare', 'on_create'):
        raise InputError('update_secrets must be compare or on_create, got %r' % update_secrets)
    credentials = {key: params.get(key) for key in ('access_key', 'secret_key', 'enable_tls', 'tls_cert')
                   if params.get(key) is not None}
    compared = dict(credentials) if update_secrets == 'compare' else {}
    if projects is not None:
        compared['projects'] = [p.strip() for p in projects]
    return {
        'state': state,
        'registry_id': registry_id,
        'address': normalise_address(address) if address is not None else None,
        'namespace': namespace,
        'provider': provider,
        'region': region or None,
        'is_default': params.get('is_default'),
        'credentials': credentials,
        'update_secrets': update_secrets,
        'projects': compared.get('projects'),
        'compared': compared if state == 'present' else {},
    }


def needs_details(desired):
    """Whether planning this task needs the stored credentials, TLS and projects (the internal read)."""
    return bool(desired.get('compared'))


# ---- matching and planning --------------------------------------------------------------------------------------

def find_matches(registries, desired):
    """The registries a task is about: by id, else by normalised address plus trimmed namespace."""
    if desired.get('registry_id'):
        return [r for r in registries if r.get('registry_id') == desired['registry_id']]
    key = desired_key(desired)
    return [r for r in registries if natural_key(r) == key]


def brief(registry):
    return {'registry_id': registry.get('registry_id'), 'address': registry.get('address'),
            'namespace': registry.get('namespace') or ''}


def check_list(desired_list, purge=False):
    """Rules of a whole list, checked before any request: one default at most, each registry named once, and no
    purge that would keep nothing."""
    if purge and not any(d['state'] == 'present' for d in desired_list):
        raise InputError('purge: true with a list that names no registry to keep (it is empty, or every entry is '
                         'state: absent) would delete every registry on the server, the default included; list the '
                         'registries to keep, or set purge: false')
    defaults = [d for d in desired_list if d.get('is_default') and d['state'] == 'present']
    if len(defaults) > 1:
        raise InputError('at most one registry may have is_default: true, got %d (%s)'
                         % (len(defaults), ', '.join(describe(d) for d in defaults)))
    seen = {}
    for number, desired in enumerate(desired_list, 1):
        key = desired.get('registry_id') or desired_key(desired)
        if key in seen:
            raise InputError('%s is listed twice (entries %d and %d)' % (describe(desired), seen[key], number))
        seen[key] = number


def differences(expected, actual):
    """The settable fields where the server's registry differs from the plan's, as (field, expected, actual)."""
    want, have = comparable(expected), comparable(actual)
    return [(field, want[field], have[field]) for field in FIELDS if want[field] != have[field]]


def filter_registries(registries, address=None, namespace=None, provider=None, is_default=None):
    """The info module's filters; address compared after normalisation, namespace after trimming.

    Registries read with their details gain enable_tls, tls_cert and projects, never a secret.
    """
    result = []
    for registry in registries:
        current = comparable(registry)
        if address is not None and current['address'] != normalise_address(address):
            continue
        if namespace is not None and current['namespace'] != namespace.strip():
            continue
        if provider is not None and current['provider'] != provider:
            continue
        if is_default is not None and current['is_default'] != is_default:
            continue
        shown = view(registry)
        if registry.get('details') is not None:
            shown.update({field: registry['details'][field] for field in ('enable_tls', 'tls_cert', 'projects')})
        result.append(shown)
    return result


def desired_key(desired):
    """The natural key of a task's registry, whose address and namespace ``validate`` left normalised."""
    return desired['address'], desired.get('namespace') or ''


def natural_key(registry):
    """What identifies a registry without its id: the normalised address and the trimmed namespace."""
    return normalise_address(registry.get('address')), (registry.get('namespace') or '').strip()


def duplicates(registries):
    """Groups of registries (in the shape shown) that share one natural key, in the server's order."""
    groups = {}
    for registry in registries:
        groups.setdefault(natural_key(registry), []).append(registry)
    return [group for group in groups.values() if len(group) > 1]
