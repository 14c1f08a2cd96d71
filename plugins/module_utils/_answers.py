# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shapes of Zadig's answers (the OpenAPI routes and the internal list), checked once, where they arrive.

Everything past the client may trust a registry it is handed: the right keys,
the right types, a usable id. A proxy's page, a newer Zadig or a corrupt record
fails here with the route and what was wrong, never deeper as a KeyError or as a
string ``"false"`` read as true. Keys Zadig may add later are kept, unchecked.
Not a public API.
"""

from __future__ import annotations

import re

REGISTRY_ID = re.compile(r'^[0-9a-f]{24}\Z')


class ShapeError(ValueError):
    """An answer that is not what the route returns; the message says what was wrong, never a value in full."""


def _kind(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'a string'
    if isinstance(value, list):
        return 'a list'
    if isinstance(value, dict):
        return 'an object'
    return type(value).__name__


def _field(doc, key, kind, where, required=True, default=None, nullable=False):
    """``doc[key]`` checked to be a ``kind`` ('str', 'bool', 'list', 'dict'); a missing optional key is ``default``.

    null is refused unless ``nullable``: Go writes a string or a boolean, never
    null; only a nil slice or pointer (projects, advanced_setting) comes back null.
    """
    if key not in doc:
        if required:
            raise ShapeError('%s has no %s' % (where, key))
        return default
    if doc[key] is None:
        if not nullable:
            raise ShapeError('%s has %s null' % (where, key))
        return default
    value = doc[key]
    expected = {'str': str, 'bool': bool, 'list': list, 'dict': dict}[kind]
    if not isinstance(value, expected):
        article = {'str': 'a string', 'bool': 'true or false', 'list': 'a list', 'dict': 'an object'}[kind]
        raise ShapeError('%s has %s %s where Zadig sends %s' % (where, key, _kind(value), article))
    return value


def _registry_id(doc, key, where):
    value = _field(doc, key, 'str', where)
    if not REGISTRY_ID.match(value):
        raise ShapeError('%s has %s %r, not 24 lowercase hexadecimal characters' % (where, key, value[:40]))
    return value


def _items(body, what):
    if not isinstance(body, list):
        raise ShapeError('expected a JSON list of %s, got %s' % (what, _kind(body)))
    for number, item in enumerate(body, 1):
        if not isinstance(item, dict):
            raise ShapeError('item %d of the list is %s, not a registry object' % (number, _kind(item)))
    return body


def _unique(registries, key):
    seen = set()
    for registry in registries:
        if registry[key] in seen:
            raise ShapeError('registry %s appears twice in the list' % registry[key])
        seen.add(registry[key])
    return registries


def registry(doc, where='the registry'):
    """One registry of the OpenAPI: every key present, strings and a boolean; region and namespace may be
    absent (a Go ``omitempty`` would drop them) and then mean ``''``."""
    if not isinstance(doc, dict):
        raise ShapeError('expected a registry object, got %s' % _kind(doc))
    where = '%s (%s)' % (where, doc['registry_id']) if isinstance(doc.get('registry_id'), str) and \
        REGISTRY_ID.match(doc['registry_id']) else where
    checked = dict(doc)
    checked['registry_id'] = _registry_id(doc, 'registry_id', where)
    checked['address'] = _field(doc, 'address', 'str', where)
    checked['provider'] = _field(doc, 'provider', 'str', where)
    checked['is_default'] = _field(doc, 'is_default', 'bool', where)
    for key in ('region', 'namespace'):
        checked[key] = _field(doc, key, 'str', where, required=False, default='')
    return checked


def registries(body):
    """The OpenAPI list: every registry, in the order Zadig stores them."""
    return _unique([registry(doc, 'registry %d of the list' % number)
                    for number, doc in enumerate(_items(body, 'registries'), 1)], 'registry_id')


def internal_registry(doc, where):
    """One document of the internal list: the whole model; keys the store may omit mean empty."""
    where = '%s (%s)' % (where, doc['id']) if isinstance(doc.get('id'), str) and REGISTRY_ID.match(doc['id']) \
        else where
    checked = dict(doc)
    checked['id'] = _registry_id(doc, 'id', where)
    checked['reg_addr'] = _field(doc, 'reg_addr', 'str', where)
    checked['reg_provider'] = _field(doc, 'reg_provider', 'str', where)
    checked['is_default'] = _field(doc, 'is_default', 'bool', where)
    for key in ('namespace', 'region', 'access_key', 'secret_key'):
        checked[key] = _field(doc, key, 'str', where, required=False, default='')
    projects = _field(doc, 'projects', 'list', where, required=False, nullable=True)
    if projects is not None and not all(isinstance(p, str) for p in projects):
        raise ShapeError('%s has projects that are not all strings' % where)
    checked['projects'] = projects
    settings = _field(doc, 'advanced_setting', 'dict', where, required=False, nullable=True)
    if settings is not None:
        settings = dict(settings)
        settings['enable_tls'] = _field(settings, 'enable_tls', 'bool', where + "'s advanced_setting",
                                        required=False, default=False)
        settings['tls_cert'] = _field(settings, 'tls_cert', 'str', where + "'s advanced_setting",
                                      required=False, default='')
        _field(settings, 'modified', 'bool', where + "'s advanced_setting", required=False)
    checked['advanced_setting'] = settings
    return checked


def internal_registries(body):
    """The internal list, its secret_key encrypted with the AES key the client sent."""
    return _unique([internal_registry(doc, 'registry %d of the list' % number)
                    for number, doc in enumerate(_items(body, 'registries'), 1)], 'id')


def public_key(body):
    """``{"publicKey": "<PEM>"}``: the key that wraps the AES key of an internal list read."""
    if not isinstance(body, dict) or not isinstance(body.get('publicKey'), str) or not body['publicKey'].strip():
        raise ShapeError('expected {"publicKey": "<PEM>"}, got %s' % (
            'an object without a publicKey string' if isinstance(body, dict) else _kind(body)))
    return body['publicKey']


def success(body):
    """A write's answer: Zadig's ``{"message": "success"}`` (never the new id); anything else leaves the outcome unknown."""
    if not isinstance(body, dict) or body.get('message') != 'success':
        raise ShapeError('expected {"message": "success"}, got %s' % (
            'an object without message "success"' if isinstance(body, dict) else _kind(body)))
    return body


def references(body):
    """``{"references": [{project_name, project_alias, envs: [{name, alias}]}]}``: who uses a registry."""
    if not isinstance(body, dict) or not isinstance(body.get('references'), list):
        raise ShapeError('expected {"references": [...]}, got %s' % (
            'an object without a references list' if isinstance(body, dict) else _kind(body)))
    checked = []
    for number, entry in enumerate(body['references'], 1):
        where = 'reference %d' % number
        if not isinstance(entry, dict):
            raise ShapeError('%s is %s, not an object' % (where, _kind(entry)))
        envs = _field(entry, 'envs', 'list', where, required=False, default=[], nullable=True)
        if not all(isinstance(env, dict) and isinstance(env.get('name'), str) for env in envs):
            raise ShapeError('%s has envs that are not {name, alias} objects' % where)
        checked.append({'project_name': _field(entry, 'project_name', 'str', where),
                        'project_alias': _field(entry, 'project_alias', 'str', where, required=False, default=''),
                        'envs': [{'name': env['name'], 'alias': env.get('alias') if isinstance(env.get('alias'), str)
                                  else ''} for env in envs]})
    return checked
