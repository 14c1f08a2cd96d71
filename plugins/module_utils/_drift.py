# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report: what a list's plans would create, update and delete, and what the server holds besides.

It is read off the plans and decides nothing, so check mode and the real run
report the same drift for the same server state. Secrets appear by name only.
Not a public API.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._registry import DETAIL_FIELDS, FIELDS, comparable, describe

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
