# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one ``plan`` every caller shares: what a task does to the server, decided from its list of registries.

Plain data in, plain data out: no HTTP and no Ansible here, so check mode, diff,
the real run and the role all decide through the same functions, and
the plans are applied one after another to a ``Snapshot`` of the list by Zadig's
own default rules. Each step costs the same whatever the number of registries,
so a whole list plans in linear time. Not a public API.
"""

from __future__ import annotations

import dataclasses

from ansible_collections.zadig.core.plugins.module_utils._registry import (
    REENCODED_ON_UPDATE, SECRET_FIELDS, ConflictError, FIELDS, InputError, brief, comparable, describe,
    diff_view, find_matches, internal_doc, natural_key, same_detail, shown, view)
from ansible_collections.zadig.core.plugins.module_utils._snapshot import Snapshot


@dataclasses.dataclass(frozen=True)
class Plan:
    """What one task will do, decided from the server's list alone; a changed plan is a new one (``but``).

    ``after`` is the registry as the server will hold it; check mode reports it
    as is, the real run verifies the server against it and keeps what it read
    back as ``observed``. ``index`` is the entry's place in the task's list,
    None for a plan of a purge or a dedupe.
    """

    action: str
    desired: dict
    before: dict = None
    after: dict = None
    body: dict = None
    previous_default: dict = None
    warnings: tuple = ()
    changes: dict = None
    write: str = 'openapi'
    secrets: dict = None
    origin: str = 'entry'
    index: int = 0
    observed: dict = None

    def __post_init__(self):
        object.__setattr__(self, 'warnings', tuple(self.warnings or ()))
        object.__setattr__(self, 'changes', self.changes or {})
        object.__setattr__(self, 'secrets', self.secrets or {})

    def but(self, **changes):
        """This plan with ``changes``."""
        return dataclasses.replace(self, **changes)

    @property
    def changed(self):
        return self.action != 'none'

    @property
    def registry_id(self):
        return (self.before or {}).get('registry_id')

    @property
    def final(self):
        """The registry after the task: as read back once a real run wrote (``observed``), else as planned."""
        return self.observed if self.observed is not None else self.after

    def result(self, diff=False):
        """The module result: check mode reports the plan; a real run, what the server was verified to hold."""
        result = {'changed': self.changed, 'registry': view(self.final) if self.final else {}}
        if self.previous_default:
            result['previous_default'] = self.previous_default
        if self.secrets:
            result['secrets'] = dict(self.secrets)
        if diff:
            result['diff'] = self.diff()
        return result

    def diff(self, after=None):
        """before/after for --diff (``after`` defaults to ``final``); credential, TLS and project settings appear
        when the task names them."""
        named = tuple(self.desired.get('compared') or ())
        changed = [field for field, state in self.secrets.items() if state == 'changed']
        after = self.final if after is None else after
        return {'before': diff_view(self.before, named), 'after': diff_view(after, named, changed)}


def used_by(references):
    """Who uses a registry, in words: 'project p1 (Project 1): environments dev, test; project p2: environment x'."""
    parts = []
    for project in references:
        name = project['project_name'] + (' (%s)' % project['project_alias'] if project['project_alias'] else '')
        envs = [env['name'] for env in project['envs']]
        parts.append('project %s: environment%s %s' % (name, 's' if len(envs) > 1 else '', ', '.join(envs)))
    return '; '.join(parts)


def select(registries, desired):
    """The one registry a task is about, or None; several matches are an error that lists them."""
    matches = registries.matches(desired)
    if len(matches) > 1:
        raise ConflictError('%d registries match %s: %s; set registry_id to choose one'
                            % (len(matches), describe(desired), ', '.join(r['registry_id'] for r in matches)))
    return matches[0] if matches else None


def plan(registries, desired, in_use=None, keep_default=None):
    """Decide what a task does: create, update, delete or nothing. Raises ConflictError when it cannot decide.

    ``registries`` is a ``Snapshot``, or a list for a single task.

    ``in_use`` maps registry ids to the projects and environments that use them
    (Zadig's references route, v4.2 and later), for the ids Zadig could tell; deleting one of those is refused.
    ``keep_default`` is the id of the registry a list makes the default: another
    registry flagged default too (a server can hold two) is updated with the flag
    off, since Zadig moves the default to whichever registry is last saved with it.
    """
    if not isinstance(registries, Snapshot):
        registries = Snapshot(registries)
    existing = select(registries, desired)
    if desired['state'] == 'absent':
        references = (in_use or {}).get((existing or {}).get('registry_id'))
        if references:
            raise ConflictError('cannot delete %s: it is used by %s, and Zadig refuses to delete a registry that an '
                                'environment uses; point those environments at another registry first'
                                % (describe(brief(existing)), used_by(references)))
        return _plan_absent(registries, desired, existing)
    if existing is None:
        return _plan_create(registries, desired)
    return _plan_update(registries, desired, existing, keep_default)


def _plan_absent(registries, desired, existing, origin='entry'):
    if existing is None:
        return Plan('none', desired, warnings=_namespace_hint(registries, desired))
    warnings = []
    if existing.get('is_default'):
        first = registries.first_other_than(existing['registry_id'])
        if first is not None and not registries.defaults_other_than(existing['registry_id']):
            new_default = brief(first)
            warnings.append('%s was the default registry; Zadig makes the first remaining registry (%s %s) '
                            'the default' % (describe(brief(existing)), new_default['registry_id'],
                                             new_default['address']))
        elif first is None:
            warnings.append('%s was the last registry; Zadig now has none' % describe(brief(existing)))
    return Plan('delete', desired, before=view(existing), after=None, warnings=warnings, origin=origin)


def _namespace_hint(registries, desired):
    """An omitted namespace means the empty one: say so when only registries with a namespace have the address."""
    if desired.get('registry_id') or desired.get('namespace'):
        return []
    namespaces = {(r.get('namespace') or '').strip() for r in registries.with_address(desired['address'])}
    namespaces = sorted(namespaces - {''})
    if not namespaces:
        return []
    return ['nothing to delete: no registry %s has an empty namespace, which an omitted namespace means; registries '
            'with that address have the namespace %s (give namespace to delete one)'
            % (desired['address'], ', '.join(repr(n) for n in namespaces))]


def _plan_create(registries, desired):
    if desired.get('registry_id'):
        raise ConflictError('registry_id %s does not exist on the Zadig server' % desired['registry_id'])
    if not desired.get('provider'):
        raise InputError('provider is required to create %s' % describe(desired))
    is_default = bool(desired.get('is_default'))
    after = {
        'registry_id': None,
        'address': desired['address'],
        'provider': desired['provider'],
        'namespace': desired.get('namespace') or '',
        'region': desired.get('region') or '',
        'is_default': is_default,
    }
    body = {field: after[field] for field in FIELDS}
    body.update(desired.get('credentials') or {})
    credentials = desired.get('credentials') or {}
    after['details'] = {
        'access_key': credentials.get('access_key') or '', 'secret_key': credentials.get('secret_key') or '',
        'enable_tls': bool(credentials.get('enable_tls')), 'tls_cert': credentials.get('tls_cert') or '',
        'projects': desired.get('projects') or [],
    }
    secrets = {field: 'changed' for field in SECRET_FIELDS if field in credentials}
    changes = {'projects': desired['projects']} if desired.get('projects') else {}
    previous = registries.defaults_other_than(None) if is_default else []
    return Plan('create', desired, before=None, after=after, body=body,
                previous_default=previous[0] if previous else None, changes=changes, secrets=secrets)


def _compare_details(desired, known):
    """The settings the task names that differ from the stored ones, and "changed"/"unchanged" per secret."""
    changes, secrets = {}, {}
    for field, want in (desired.get('compared') or {}).items():
        same = same_detail(field, known[field], want)
        if field in SECRET_FIELDS:
            secrets[field] = 'unchanged' if same else 'changed'
        if not same:
            changes[field] = want
    return changes, secrets


def _refuse_taken_key(registries, before, after):
    """An update must not give a registry the natural key another one holds: Zadig would keep both, ambiguous."""
    key = natural_key(after)
    if key == natural_key(before):
        return
    taken = [r for r in registries.with_key(key) if r.get('registry_id') != before['registry_id']]
    if taken:
        raise ConflictError('cannot give %s the address %s and namespace %s: %s already has them, and Zadig would '
                            'then hold two registries with one key; delete or change %s first'
                            % (describe(before), shown(after['address']), shown(repr(after['namespace'])), ', '.join(
                                r.get('registry_id') or 'the registry another entry of the list creates'
                                for r in taken), 'it' if len(taken) == 1 else 'them'))


def _plan_update(registries, desired, existing, keep_default=None):
    before = view(existing)
    known = existing.get('details')
    if known is not None:
        before['details'] = known
    after = dict(before)
    current = comparable(existing)
    warnings = []
    changes, secrets = _compare_details(desired, known) if desired.get('compared') else ({}, {})
    if changes:
        after['details'] = dict(known, **changes)
    if desired.get('address') and desired['address'] != current['address']:
        after['address'] = desired['address']
    for field in ('provider', 'namespace', 'region'):
        if desired.get(field) and desired[field] != current[field]:
            after[field] = desired[field]
    if desired.get('is_default') is not None:
        after['is_default'] = bool(desired['is_default'])
    if comparable(after) == current and not changes:
        return Plan('none', desired, before=before, after=before, secrets=secrets)
    if desired.get('is_default') is None and before['is_default'] and keep_default not in (None, before['registry_id']):
        after['is_default'] = False
    _refuse_taken_key(registries, before, after)
    after['namespace'] = after['namespace'].strip()
    if not after['provider']:
        raise InputError('provider is required to update %s: it has none on the server, and Zadig refuses to save '
                         'a registry without one' % describe(before))
    if not after['namespace'] and after['provider'] != 'ecr':
        raise InputError('namespace is required to update %s: it has none on the server, and Zadig refuses to '
                         'save a %s registry without one' % (describe(before), after['provider']))
    previous = None
    if after['is_default'] and not before['is_default']:
        others = registries.defaults_other_than(before['registry_id'])
        previous = others[0] if others else None
    if before['is_default'] and not after['is_default']:
        warnings.append('is_default: false on %s, the default registry, leaves Zadig with no default registry '
                        '(recent Zadig builds refuse it; to move the default, set is_default: true on another '
                        'registry instead)' % describe(before))
    if known is not None and (changes or before['provider'] in REENCODED_ON_UPDATE):
        return Plan('update', desired, before=before, after=after, previous_default=previous, warnings=warnings,
                    body=internal_doc(existing['doc'], after, changes), changes=changes, write='internal',
                    secrets=secrets)
    if before['provider'] in REENCODED_ON_UPDATE:
        warnings.append("%s is an %s registry: Zadig's OpenAPI update re-saves its stored credentials in decoded "
                        "form; check its credentials in Zadig after this change (update_secrets: compare avoids "
                        "this)" % (describe(before), before['provider']))
    body = {field: after[field] for field in FIELDS}
    return Plan('update', desired, before=before, after=after, body=body, previous_default=previous,
                warnings=warnings)


def keeper(matches, in_use):
    """Which of several registries with one key dedupe keeps: the one an environment uses, else the default, else
    the oldest (ObjectIDs start with their creation time)."""
    used = [r for r in matches if in_use.get(r['registry_id'])]
    defaults = [r for r in matches if r.get('is_default')]
    return (used or defaults or [min(matches, key=lambda r: r['registry_id'])])[0]


def _plan_dedupe(snapshot, desired, in_use, named_ids, heirs):
    """Plans for the duplicates of an entry's key (delete those nothing uses), applied to ``snapshot``, and the id
    of the one kept.

    A duplicate another entry names by registry_id is that entry's: neither kept for this one nor deleted.
    """
    matches = [r for r in snapshot.matches(desired) if r['registry_id'] not in named_ids]
    if not matches:
        return [], None
    kept_id = keeper(matches, in_use)['registry_id']
    plans = []
    for registry_id in [r['registry_id'] for r in matches if r['registry_id'] != kept_id]:
        registry = snapshot.get(registry_id)  # as the deletes before leave it
        if in_use.get(registry_id):
            registry_plan = Plan('none', {'state': 'absent', 'registry_id': registry_id},
                                 before=view(registry), after=view(registry), origin='dedupe', index=None, warnings=[
                                     'dedupe keeps %s, a duplicate of %s, because it is used by %s'
                                     % (describe(brief(registry)), kept_id, used_by(in_use[registry_id]))])
        else:
            registry_plan = _plan_absent(snapshot, {'state': 'absent', 'registry_id': registry_id}, registry,
                                         origin='dedupe')
            registry_plan = registry_plan.but(index=None, warnings=registry_plan.warnings + (
                'dedupe deletes %s, a duplicate of %s' % (describe(brief(registry)), kept_id),))
        plans.append(registry_plan)
        _apply_noting_heirs(snapshot, registry_plan, heirs)
    return plans, kept_id


def replay(registries, plans):
    """The server's list once these plans are carried out, by Zadig's default rules."""
    snapshot = Snapshot(registries)
    for registry_plan in plans:
        snapshot.apply(registry_plan)
    return snapshot.registries()


class Planned:
    """What ``plan_all`` decided: the plans in the order to carry them out, the server's list as they leave it,
    and each (deleted default, registry that inherits the default) on the way."""

    def __init__(self, plans, predicted, heirs):
        self.plans = plans
        self.predicted = predicted
        self.heirs = heirs

    def refuse_an_unwanted_heir(self):
        """Deleting the default hands it to the first remaining registry; refuse a list whose entry for that
        registry says is_default: false, whatever the order of the entries: a rerun would have to undo it, and
        recent Zadig would refuse to."""
        by_id, without_id = {}, []
        for number, (deleted, heir) in enumerate(self.heirs):
            if heir.get('registry_id'):
                by_id.setdefault(heir['registry_id'], (number, deleted))
            else:
                without_id.append((number, deleted, heir))
        found = []
        for registry_plan in self.plans:
            if registry_plan.index is None or registry_plan.desired.get('is_default') is not False:
                continue
            target = (registry_plan.before or {}).get('registry_id') or (registry_plan.after or {}).get('registry_id')
            if target in by_id:
                found.append(by_id[target] + (registry_plan,))
            elif not target:
                found += [(number, deleted, registry_plan) for number, deleted, heir in without_id
                          if find_matches([heir], registry_plan.desired)]
        if found:
            dummy, deleted, registry_plan = min(found, key=lambda hit: hit[0])
            raise ConflictError('deleting %s, the default registry, makes Zadig hand the default to %s, whose '
                                'entry says is_default: false; set is_default: true on the registry that should '
                                'be the default' % (describe(brief(deleted)), describe(registry_plan.desired)))


def plan_all(registries, desired_list, purge=False, in_use=None, dedupe=False, final=True):
    """Plan a whole list on one snapshot: the default first, then the list's order, then the purge.

    Each plan sees the server as the plans before it leave it, so check mode
    predicts the run as a whole. With ``dedupe``, an entry whose key several
    registries share is applied to the one kept (``keeper``), after plans that
    delete the others nothing uses. Purge keeps a registry an environment uses
    (a plan that does nothing, with a warning). Returns a ``Planned``; with
    ``final`` false, the caller settles the heirs (``refuse_an_unwanted_heir``)
    once it knows which deletes Zadig will allow.
    """
    in_use = in_use or {}
    snapshot = Snapshot(registries)
    defaults = {i for i, d in enumerate(desired_list) if d.get('is_default') and d['state'] == 'present'}
    order = sorted(range(len(desired_list)), key=lambda i: i not in defaults)
    named_ids = {d['registry_id'] for d in desired_list if d.get('registry_id')}
    plans, targets, heirs, listed_default = [], {}, [], None
    for index in order:
        desired = desired_list[index]
        if dedupe and desired['state'] == 'present' and not desired.get('registry_id') and len(
                snapshot.matches(desired)) > 1:
            extra, kept_id = _plan_dedupe(snapshot, desired, in_use, named_ids, heirs)
            plans.extend(extra)
            if kept_id:
                desired = dict(desired, registry_id=kept_id)
        registry_plan = plan(snapshot, desired, in_use, listed_default).but(index=index)
        if desired.get('is_default') and desired['state'] == 'present':
            listed_default = (registry_plan.after or {}).get('registry_id')
        target = registry_plan.registry_id
        if target and target in targets:
            raise InputError('entries %d and %d of the list both name %s (one by registry_id, one by address and '
                             'namespace); name each registry once' % (min(targets[target], index) + 1,
                                                                      max(targets[target], index) + 1,
                                                                      describe(registry_plan.before)))
        if target:
            targets[target] = index
        plans.append(registry_plan)
        _apply_noting_heirs(snapshot, registry_plan, heirs)
    if purge:
        named = {p.after.get('registry_id') for p in plans if p.after}
        for registry_id in [r['registry_id'] for r in snapshot if r.get('registry_id') and r['registry_id'] not in named]:
            registry = snapshot.get(registry_id)  # as the plans before leave it
            references = in_use.get(registry_id)
            if references:
                registry_plan = Plan('none', {'state': 'absent', 'registry_id': registry['registry_id']},
                                     before=view(registry), after=view(registry), origin='purge', index=None,
                                     warnings=['purge keeps %s: it is used by %s' % (describe(brief(registry)),
                                                                                     used_by(references))])
            else:
                registry_plan = _plan_absent(snapshot, {'state': 'absent', 'registry_id': registry['registry_id']},
                                             registry, origin='purge').but(index=None)
            plans.append(registry_plan)
            _apply_noting_heirs(snapshot, registry_plan, heirs)
    planned = Planned(plans, snapshot.registries(), heirs)
    if final:
        planned.refuse_an_unwanted_heir()
    return planned


def _apply_noting_heirs(snapshot, registry_plan, heirs):
    """Apply the plan, noting (deleted default, heir) when a delete hands the default to the first remaining one."""
    heir = snapshot.apply(registry_plan)
    if heir is not None:
        heirs.append((registry_plan.before, heir))
