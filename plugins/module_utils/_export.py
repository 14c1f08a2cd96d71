# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A server's registries as entries of the registries role's list (zadig_registry_info's ``export``), each one
checked by planning it against the registry it came from. Not a public API."""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._plan import plan
from ansible_collections.zadig.core.plugins.module_utils._registry import (
    ConflictError, InputError, describe, duplicates, normalise_address, validate, view)


def _round_trips(entry, registry):
    """Whether the entry, planned against the registry it came from, changes nothing in the OpenAPI fields."""
    desired = dict(validate(dict(entry, state='present')), compared={})
    return plan([view(registry)], desired).action == 'none'


def export(registries, everything=None):
    """The registries as entries of the role's list, never a secret: applying them to the same server changes nothing.

    ``registries`` are in the shape shown (with enable_tls, tls_cert and projects
    when read with details). A registry found by its address and namespace is
    exported by them, so the list also fits another Zadig; a duplicate, or one
    the role could not take by its address (no scheme, an unsupported
    provider), is exported by its ``registry_id``, with a reason to warn about.
    Returns the entries and the warnings.
    """
    everything = registries if everything is None else everything
    shared = {r['registry_id'] for group in duplicates(everything) for r in group}
    first_default = next((r for r in everything if r['is_default']), None)
    entries, warnings = [], []
    for registry in registries:
        entry = {'address': normalise_address(registry['address']), 'namespace': registry['namespace'].strip(),
                 'provider': registry['provider']}
        if registry['region']:
            entry['region'] = registry['region']
        if registry['is_default'] and registry['registry_id'] != first_default['registry_id']:
            warnings.append('%s is a second default registry (Zadig uses the first); it is exported without '
                            'is_default, so the list keeps one default' % describe(registry))
        else:
            entry['is_default'] = registry['is_default']
        if 'enable_tls' in registry:
            entry['enable_tls'] = registry['enable_tls']
            if registry['enable_tls'] and registry['tls_cert']:
                entry['tls_cert'] = registry['tls_cert']
            entry['projects'] = list(registry['projects'] or [])
        try:
            validate(dict(entry, state='present'))
            if not _round_trips(entry, registry):
                raise InputError('its stored form differs from what the role would compare, for example a region '
                                 'with surrounding spaces')
        except (InputError, ConflictError) as exc:
            entries.append({key: value for key, value in (('registry_id', registry['registry_id']),
                                                          ('is_default', entry.get('is_default'))) if value is not None})
            warnings.append('%s is exported by its registry_id only, since the role could not take it as it is '
                            'stored (%s)' % (describe(registry), exc))
            continue
        if registry['registry_id'] in shared:
            entry = dict(registry_id=registry['registry_id'], **entry)
            warnings.append('%s shares its address and namespace with another registry; it is exported with its '
                            'registry_id (see duplicates)' % describe(registry))
        entries.append(entry)
    return entries, warnings
