# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carry out plans against Zadig: write what differs, read back once, verify, and never leave a duplicate behind a
failed write. Not a public API."""

from __future__ import annotations

import time

from ansible_collections.zadig.core.plugins.module_utils._errors import TaskError, ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._plan import replay
from ansible_collections.zadig.core.plugins.module_utils._registry import (
    SECRET_FIELDS, brief, describe, differences, from_internal, internal_doc, same_detail, shown,
    view)
from ansible_collections.zadig.core.plugins.module_utils._snapshot import Snapshot

IN_USE = "The registry cannot be deleted, it's being used by environment"


class Reader:
    """Reads the registries: the OpenAPI list, or with ``details`` the internal list with credentials."""

    def __init__(self, client, details=False):
        self.client = client
        self.details = details

    def __call__(self, subject, when, changed=False):
        try:
            if self.details:
                return [from_internal(doc) for doc in self.client.list_registries_full()]
            return self.client.list_registries()
        except ZadigAPIError as exc:
            hint = ''
            if self.details and exc.status == 403:
                hint = ' (comparing stored credentials, TLS settings or projects reads them through an admin-only ' \
                       'route; update_secrets: on_create skips that for credentials)'
            raise TaskError('%s %s: %s%s' % (when, subject, exc, hint), changed=changed,
                            **exc.as_result()) from None


class Read:
    """The server's list as one read returned it, indexed, and the ids of the list the task planned on (``before``):
    telling a created registry from the ones already there costs the same whatever the number of registries."""

    def __init__(self, registries, before_ids):
        self.now = Snapshot(registries)
        self.before_ids = before_ids


def _new_matches(registry_plan, read):
    return [r for r in read.now.matches(registry_plan.desired) if r.get('registry_id') not in read.before_ids]


def _refuse_rival_creates(plans, read):
    """Fail naming every registry that appeared twice or more while the task created it.

    Another job (or a person) created the same registry at the same moment:
    Zadig has no lock and no uniqueness, and which one is ours cannot be told,
    so the task names them all rather than claim another job's or let the
    others surface one run at a time.
    """
    doubled = [(p, new) for p in plans if p.action == 'create' for new in [_new_matches(p, read)] if len(new) > 1]
    if not doubled:
        return
    names = ['%s: %s' % (describe(p.desired), ', '.join(r['registry_id'] for r in new)) for p, new in doubled]
    raise TaskError('%d registries appeared more than once while this task created them (%s). Another job (or a '
                    'person) created the same registries at the same moment, and Zadig keeps duplicates; delete all '
                    'but one of each (state: absent with registry_id, or dedupe: true on the list)'
                    % (len(doubled), '; '.join(names)), changed=True, registry={},
                    duplicates=[view(r) for dummy, new in doubled for r in new])


def _locate(registry_plan, read):
    """Where the plan's registry is in a fresh list: for a create, the one match that was not there before."""
    if registry_plan.action == 'create':
        _refuse_rival_creates([registry_plan], read)
        new = _new_matches(registry_plan, read)
        return new[0] if new else None
    return read.now.get(registry_plan.registry_id)


def _took_effect(registry_plan, observed):
    if registry_plan.action == 'create':
        return observed is not None
    if registry_plan.action == 'delete':
        return observed is None
    if observed is None:
        return False
    details = observed.get('details') or {}
    return bool(differences(registry_plan.before, observed)) or any(
        field in details and not same_detail(field, registry_plan.before['details'][field], details[field])
        for field in registry_plan.changes)


def _send(client, registry_plan):
    if registry_plan.action == 'create':
        client.create_registry(registry_plan.body)
    elif registry_plan.action == 'update' and registry_plan.write == 'internal':
        client.update_registry_full(registry_plan.registry_id, registry_plan.body)
    elif registry_plan.action == 'update':
        client.update_registry(registry_plan.registry_id, registry_plan.body)
    else:
        client.delete_registry(registry_plan.registry_id)


def _set_projects(client, read, registry_plan, before_ids):
    """After a create: the OpenAPI cannot set projects, so the internal PUT sets them on the new registry."""
    name = describe(registry_plan.desired)
    created = _locate(registry_plan, Read(read(name, 'created, then could not read back', changed=True), before_ids))
    if created is None:
        raise TaskError('Zadig answered success but %s is not in its list of registries' % name, changed=False)
    try:
        client.update_registry_full(created['registry_id'], internal_doc(created['doc'], view(created),
                                                                         registry_plan.changes))
    except ZadigAPIError as exc:
        if exc.licence:
            raise TaskError('created %s (%s), which now exists without projects: Zadig refused to set its projects '
                            '(%s). Every rerun would be refused the same way: remove projects from its entry and '
                            'set update_secrets: on_create, or install a Professional or Enterprise licence in Zadig'
                            % (name, created['registry_id'], exc), changed=True, registry=view(created),
                            **exc.as_result()) from None
        raise TaskError('created %s but could not set its projects: %s' % (name, exc), changed=True,
                        registry=view(created), **exc.as_result()) from None


def _dind_suspects(registries):
    """Why Zadig may answer a write 500 with no description: its DinD sync, run after the write
    commits, panics on an address with no '//'."""
    broken = [r for r in registries if '//' not in (r.get('address') or '')]
    if not broken:
        return ''
    return ('; Zadig answers so when its DinD sync fails, which happens while a registry has an address without '
            "'//': %s. Give %s an http:// or https:// address (state: present with its registry_id) first"
            % (', '.join(describe(brief(r)) for r in broken[:3]), 'it' if len(broken) == 1 else 'them'))


def _write(client, read, registry_plan, before, before_ids):
    """Send the write; after a 5xx or no answer, re-list first and retry only a transient failure that left no trace."""
    name = describe(registry_plan.before or registry_plan.desired)
    for attempt in (1, 2):
        try:
            _send(client, registry_plan)
            return
        except ZadigAPIError as exc:
            if exc.status == 500 and not exc.description:
                exc.args = (str(exc) + _dind_suspects(before),)
            if exc.licence:
                raise TaskError('could not %s %s: %s. The registry exists and is unchanged; on this edition leave '
                                'it as it was created (update_secrets: on_create, no projects, no other change in '
                                'its entry), or install a Professional or Enterprise licence in Zadig'
                                % (registry_plan.action, name, exc), changed=False, **exc.as_result()) from None
            if not exc.maybe_applied:
                raise TaskError('could not %s %s: %s' % (registry_plan.action, name, exc), changed=False,
                                **exc.as_result()) from None
            now = read(name, 'the %s failed (%s); check Zadig before rerunning: could not read back'
                       % (registry_plan.action, exc))
            observed = _locate(registry_plan, Read(now, before_ids))
            if registry_plan.action == 'update' and observed is None:
                raise TaskError('could not update %s: it is gone from Zadig; another job or a person deleted it '
                                'after this task read the registries (%s). Nothing was written; rerun the task to '
                                'create it again' % (name, exc), changed=False, registry={},
                                **exc.as_result()) from None
            if _took_effect(registry_plan, observed):
                raise TaskError('Zadig saved the %s of %s, then failed: %s. Nothing was sent again; "registry" shows '
                                'what the server now holds, and a rerun will not create a duplicate'
                                % (registry_plan.action, name, exc), changed=True,
                                registry=view(observed) if observed else {}, **exc.as_result()) from None
            wait = exc.retry_after or 0
            if attempt == 2 or not exc.safe_to_resend or wait > client.timeout:
                later = '; Zadig may still apply it, so check Zadig before rerunning' if exc.status in (
                    None, 502, 504) and not exc.safe_to_resend else ''
                raise TaskError('could not %s %s: %s (the server shows no change%s)'
                                % (registry_plan.action, name, exc, later), changed=False, **exc.as_result()) from None
            time.sleep(wait)  # a 503 that said when to come back (Retry-After, within timeout)


def _expected(registry_plan, predicted):
    """The registry as the whole run leaves it, from the predicted final list (a ``Snapshot``; None once deleted)."""
    if registry_plan.action == 'delete':
        return None
    if registry_plan.after.get('registry_id'):
        return predicted.get(registry_plan.after['registry_id'])
    return next((r for r in predicted.matches(registry_plan.desired) if not r.get('registry_id')), None)


def _verify(registry_plan, observed, expected, warnings):
    """Fail when the server did not apply what was asked; returns the registry as the server holds it."""
    name = describe(registry_plan.before or registry_plan.desired)
    if registry_plan.action == 'delete':
        if observed is not None:
            raise TaskError('Zadig answered success but %s still exists' % name, changed=False,
                            registry=view(observed))
        return {}
    if observed is None:
        raise TaskError('Zadig answered success but %s is not in its list of registries' % name,
                        changed=registry_plan.action == 'update', registry={})
    wanted_default = registry_plan.desired.get('is_default')
    problems = []
    for field, want, have in differences(expected, observed) if expected is not None else ():
        if field == 'is_default' and have and not want:
            if wanted_default is None:
                warnings.append('Zadig made %s the default registry because no registry was default' % name)
                continue
            problems.append('it is the default registry, because this Zadig version never leaves itself without '
                            'a default; make another registry the default (is_default: true on it) instead')
            continue
        problems.append('%s is %s on the server, not %s' % (field, shown(repr(have)), shown(repr(want))))
    details = observed.get('details')
    for field, want in (registry_plan.desired.get('compared') or {}).items():
        if details is not None and not same_detail(field, details[field], want):
            problems.append('%s is not what was asked' % field if field in SECRET_FIELDS else
                            '%s is %s on the server, not %s' % (field, shown(repr(details[field])), shown(repr(want))))
    if problems:
        raise TaskError('Zadig did not apply the %s of %s: %s' % (registry_plan.action, name, '; '.join(problems)),
                        changed=True, registry=view(observed))
    return observed


def carry_out(client, prepared):
    """Write what the plans change, read back once and verify. Returns the plans as carried out: each that wrote
    with what was read back (``observed``), each delete Zadig refused for a purge or dedupe as one that kept it."""
    writes = [registry_plan for registry_plan in prepared.plans if registry_plan.changed]
    if not writes:
        return prepared.plans
    done_as = {}
    read, before = prepared.read, prepared.before
    before_ids = {r.get('registry_id') for r in before}
    if any(p.write == 'internal' or (p.action == 'create' and p.changes) for p in writes):
        read = Reader(client, details=True)
    done = 0
    for registry_plan in writes:
        try:
            _write(client, read, registry_plan, before, before_ids)
            if registry_plan.action == 'create' and registry_plan.changes:
                _set_projects(client, read, registry_plan, before_ids)
        except TaskError as exc:
            if registry_plan.action == 'delete' and IN_USE in (exc.result.get('description') or ''):
                if registry_plan.origin != 'entry':
                    done_as[id(registry_plan)] = _keep(registry_plan, prepared.warnings)
                    continue
                exc = TaskError('cannot delete %s: an environment uses it, and Zadig refuses to delete a registry '
                                'that an environment uses (HTTP 500: %s); point it at another registry first'
                                % (describe(registry_plan.before), IN_USE), **exc.result)
            if done:
                exc.result['changed'] = True
                exc.args = ('%s (after %d earlier change(s) of this task were saved)' % (exc, done),)
            raise exc from None
        done += 1
    plans = [done_as.get(id(registry_plan), registry_plan) for registry_plan in prepared.plans]
    writes = [done_as.get(id(registry_plan), registry_plan) for registry_plan in writes]
    predicted = Snapshot(replay(before, plans) if done_as else prepared.predicted)
    now = Read(read(prepared.subject, 'Zadig accepted the changes but could not read back', changed=True), before_ids)
    _refuse_rival_creates([p for p in writes if p.changed], now)
    for registry_plan in [p for p in writes if p.changed]:
        done_as[id(registry_plan)] = registry_plan.but(observed=_verify(
            registry_plan, _locate(registry_plan, now), _expected(registry_plan, predicted), prepared.warnings))
    return [done_as.get(id(registry_plan), registry_plan) for registry_plan in plans]


def _keep(registry_plan, warnings):
    """A purge or dedupe delete Zadig refused because an environment uses the registry (a server that cannot say so
    beforehand): the registry stays, as it would have been planned had Zadig said."""
    warnings.append('%s %s: Zadig refused to delete it because an environment uses it (this Zadig cannot say which '
                    'beforehand)' % (registry_plan.origin, describe(registry_plan.before)) + ', so it is kept')
    return registry_plan.but(action='none', after=registry_plan.before)
