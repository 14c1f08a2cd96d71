# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report: what a list's plans would create, update and delete, and what the server holds besides.

It is read off the plans and decides nothing, so check mode and the real run
report the same drift for the same server state. Secrets appear by name only.
Not a public API.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._answers import REGISTRY_ID
from ansible_collections.zadig.core.plugins.module_utils._registry import (
    DETAIL_FIELDS, FIELDS, InputError, comparable, describe, natural_key, shown)

SHOWN = 3


def _key(registry):
    return {'address': registry.get('address') or '', 'namespace': registry.get('namespace') or ''}


def _known(registry):
    return dict(registry_id=registry.get('registry_id'), **_key(registry))


def changed_fields(registry_plan):
    """The names of the settings an update changes, OpenAPI fields first, in a fixed order."""
    before, after = comparable(registry_plan.before), comparable(registry_plan.after)
    return [field for field in FIELDS if before[field] != after[field]] + [
        field for field in DETAIL_FIELDS if field in registry_plan.changes]


def drift_report(plans, registries, not_compared=()):
    """The ``drift`` of a list: from its plans and the server's registries as read before any write."""
    create, update, delete = [], [], []
    for registry_plan in plans:
        if registry_plan.action == 'create':
            create.append(_key(registry_plan.desired))
        elif registry_plan.action == 'update':
            update.append(dict(_known(registry_plan.before), fields=changed_fields(registry_plan)))
        elif registry_plan.action == 'delete':
            delete.append(_known(registry_plan.before))
    # A registry purge or dedupe keeps because an environment uses it stays outside the list: unmanaged.
    named = {p.before['registry_id'] for p in plans if p.before and (p.index is not None or p.changed)}
    return {
        'in_sync': not (create or update or delete),
        'create': create,
        'update': update,
        'delete': delete,
        'unmanaged': [_known(r) for r in registries if r.get('registry_id') not in named],
        'not_compared': sorted(set(not_compared)),
    }


def summary(drift):
    """One line for a failed drift check: the counts, then the first few registries concerned."""
    items = ['create %s' % describe(entry) for entry in drift['create']]
    items += ['update %s: %s' % (describe(entry), ', '.join(entry['fields'])) for entry in drift['update']]
    items += ['delete %s' % describe(entry) for entry in drift['delete']]
    text = 'drift found: %d to create, %d to update, %d to delete: %s' % (
        len(drift['create']), len(drift['update']), len(drift['delete']), '; '.join(items[:SHOWN]))
    if len(items) > SHOWN:
        text += '; and %d more' % (len(items) - SHOWN)
    return text + '. Nothing was written (fail_on_drift)'


# ---- a reviewed drift ------------------------------------------------------------------------------------------

KINDS = ('create', 'update', 'delete')
# The keys each entry of a drift holds, and their types; registry_id is checked for Zadig's form too.
ENTRY_KEYS = {
    'create': (('address', str), ('namespace', str)),
    'update': (('registry_id', str), ('fields', list)),
    'delete': (('registry_id', str),),
}


def _kind(value):
    return {dict: 'a dict', list: 'a list', str: 'a string', bool: 'a boolean', type(None): 'null'}.get(
        type(value), 'a %s' % type(value).__name__)


def check_expected(expected, name='expected_drift'):
    """Refuse, before any request, an ``expected_drift`` that is not the ``drift`` of a run, naming what is wrong."""
    what = ('%s must be the drift of a reviewed run (its result\'s drift: a dict with create, update and delete '
            'lists)' % name)
    if not isinstance(expected, dict):
        raise InputError('%s, got %s' % (what, _kind(expected)))
    missing = [key for key in KINDS if key not in expected]
    if missing:
        hint = ''
        if all(isinstance(value, dict) for value in expected.values()) and expected:
            hint = ('; it looks like a mapping of hosts (%s): the role takes such a mapping in '
                    'zadig_registries_expected_drift, the module one drift' % ', '.join(sorted(map(str, expected))))
        raise InputError('%s; it has no %s%s' % (what, ', '.join(missing), hint))
    for key in KINDS + ('unmanaged', 'not_compared'):
        if key in expected and not isinstance(expected[key], list):
            raise InputError('%s.%s must be a list, got %s' % (name, key, _kind(expected[key])))
    if 'in_sync' in expected and not isinstance(expected['in_sync'], bool):
        raise InputError('%s.in_sync must be true or false, got %s' % (name, _kind(expected['in_sync'])))
    for kind in KINDS:
        for number, entry in enumerate(expected[kind], 1):
            where = '%s.%s[%d]' % (name, kind, number)
            if not isinstance(entry, dict):
                raise InputError('%s must be a dict, got %s' % (where, _kind(entry)))
            for key, kind_of in ENTRY_KEYS[kind]:
                if not isinstance(entry.get(key), kind_of):
                    raise InputError('%s.%s must be %s, got %s' % (where, key, _kind(kind_of()), _kind(entry.get(key))))
            if 'registry_id' in entry and not REGISTRY_ID.match(entry['registry_id']):
                raise InputError('%s.registry_id must be a Zadig registry id (24 hexadecimal digits), got %s'
                                 % (where, shown(repr(entry['registry_id']))))
            if kind == 'update' and not all(isinstance(field, str) for field in entry['fields']):
                raise InputError('%s.fields must be a list of setting names' % where)
    if not all(isinstance(field, str) for field in expected.get('not_compared') or ()):
        raise InputError('%s.not_compared must be a list of setting names' % name)
    if expected.get('in_sync') and any(expected[kind] for kind in KINDS):
        raise InputError('%s says in_sync but lists changes: it is not the drift of a run' % name)


def _named(kind, entry, fields=None):
    text = '%s of %s' % (kind, describe(entry))
    return text + (' (%s)' % ', '.join(fields) if fields else '')


def compare(drift, expected, held_ids):
    """What differs between this run's ``drift`` and the reviewed ``expected`` one, in words ([] when they agree).

    Creates are compared by address and namespace, updates by registry id and
    the set of field names, deletes by registry id, each in any order.
    ``unmanaged`` is outside the comparison, as it is outside ``in_sync``;
    ``held_ids`` are the ids the server held when this run read it.
    """
    differences = []
    foreign = sorted({entry['registry_id'] for kind in ('update', 'delete') for entry in expected[kind]} - held_ids)
    if foreign:
        differences.append('the reviewed drift names registries this Zadig does not hold (%s): it is the drift of '
                           'another Zadig server, or they were deleted since the review' % ', '.join(foreign))
    not_reviewed, gone, changed = [], [], []
    have = {natural_key(entry): entry for entry in drift['create']}
    want = {natural_key(entry): entry for entry in expected['create']}
    not_reviewed += [_named('create', have[key]) for key in have if key not in want]
    gone += [_named('create', want[key]) for key in want if key not in have]
    have = {entry['registry_id']: entry for entry in drift['update']}
    want = {entry['registry_id']: entry for entry in expected['update'] if entry['registry_id'] not in foreign}
    not_reviewed += [_named('update', have[key], have[key]['fields']) for key in have if key not in want]
    gone += [_named('update', want[key], want[key]['fields']) for key in want if key not in have]
    changed += ['update of %s: reviewed %s, now %s'
                % (describe(have[key]), ', '.join(want[key]['fields']) or 'none', ', '.join(have[key]['fields']))
                for key in have if key in want and set(have[key]['fields']) != set(want[key]['fields'])]
    have = {entry['registry_id']: entry for entry in drift['delete']}
    want = {entry['registry_id']: entry for entry in expected['delete'] if entry['registry_id'] not in foreign}
    not_reviewed += [_named('delete', have[key]) for key in have if key not in want]
    gone += [_named('delete', want[key]) for key in want if key not in have]
    if not_reviewed:
        differences.append('not reviewed: ' + _some(not_reviewed))
    if gone:
        differences.append('reviewed but now in sync: ' + _some(gone))
    if changed:
        differences.append(_some(changed))
    reviewed_blind = sorted(set(expected.get('not_compared') or ()) - set(drift['not_compared']))
    if reviewed_blind:
        differences.append('the reviewed run could not compare %s (its token may not read them), this run can: '
                           'review with a token that may' % ', '.join(reviewed_blind))
    blind = sorted(set(drift['not_compared']) - set(expected.get('not_compared') or ()))
    if blind:
        differences.append('this run cannot compare %s, which the reviewed run compared' % ', '.join(blind))
    return differences


def _some(items):
    text = '; '.join(items[:SHOWN])
    return text + ('; and %d more' % (len(items) - SHOWN) if len(items) > SHOWN else '')


def mismatch(differences):
    """One line for a run whose drift is not the reviewed one; ``drift`` and ``expected_drift`` say the rest."""
    return 'the drift is not the reviewed one (expected_drift): %s. Nothing was written' % '; '.join(differences)
