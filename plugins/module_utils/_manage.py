# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carry out a plan against Zadig: write, read back, and never leave a duplicate behind a failed write.

Shared by the modules (and any plugin that manages registries). Not a public API.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._api import RETRY_STATUSES, ZadigAPIError, client_from_module
from ansible_collections.zadig.core.plugins.module_utils._registry import (
    ConflictError, InputError, describe, differences, filter_registries, find_matches, plan, validate, view)

SECRET_OPTIONS = ('access_key', 'secret_key')
_VERBS = {'create': 'create', 'update': 'update', 'delete': 'delete'}


class TaskError(Exception):
    """A failure after the server was asked to change something; ``result`` says what it now holds."""

    def __init__(self, message, **result):
        super().__init__(message)
        self.result = result


def _locate(registry_plan, before, now):
    """Where the plan's registry is in a fresh list: for a create, the newest match that was not there before."""
    if registry_plan.action == 'create':
        known = {r.get('registry_id') for r in before}
        new = [r for r in find_matches(now, registry_plan.desired) if r.get('registry_id') not in known]
        return max(new, key=lambda r: r['registry_id']) if new else None
    return next((r for r in now if r.get('registry_id') == registry_plan.registry_id), None)


def _list(client, desired, when, changed=False):
    """List the registries, naming the task's registry if that fails."""
    try:
        return client.list_registries()
    except ZadigAPIError as exc:
        raise TaskError('%s %s: %s' % (when, describe(desired), exc), changed=changed, **exc.as_result()) from None


def _took_effect(registry_plan, observed):
    if registry_plan.action == 'create':
        return observed is not None
    if registry_plan.action == 'delete':
        return observed is None
    return observed is not None and bool(differences(registry_plan.before, observed))


def _send(client, registry_plan):
    if registry_plan.action == 'create':
        client.create_registry(registry_plan.body)
    elif registry_plan.action == 'update':
        client.update_registry(registry_plan.registry_id, registry_plan.body)
    else:
        client.delete_registry(registry_plan.registry_id)


def _write(client, registry_plan, before):
    """Send the write; after a 5xx or no answer, re-list first and retry only a transient failure that left no trace."""
    name = describe(registry_plan.before or registry_plan.desired)
    for attempt in (1, 2):
        try:
            _send(client, registry_plan)
            return
        except ZadigAPIError as exc:
            if not exc.maybe_applied:
                raise TaskError('could not %s %s: %s' % (_VERBS[registry_plan.action], name, exc), changed=False,
                                **exc.as_result()) from None
            now = _list(client, registry_plan.desired, 'the %s failed (%s); check Zadig before rerunning: could not '
                        'read back' % (registry_plan.action, exc))
            observed = _locate(registry_plan, before, now)
            if _took_effect(registry_plan, observed):
                raise TaskError('Zadig saved the %s of %s, then failed: %s. Nothing was sent again; "registry" shows '
                                'what the server now holds, and a rerun will not create a duplicate'
                                % (registry_plan.action, name, exc), changed=True,
                                registry=view(observed) if observed else {}, **exc.as_result()) from None
            if attempt == 2 or exc.status not in (None,) + RETRY_STATUSES:
                raise TaskError('could not %s %s: %s (the server shows no change)'
                                % (_VERBS[registry_plan.action], name, exc), changed=False,
                                **exc.as_result()) from None


def _verify(registry_plan, observed, warnings):
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
    for field, expected, actual in differences(registry_plan.after, observed):
        if field == 'is_default' and actual and not expected:
            if wanted_default is None:
                warnings.append('Zadig made %s the default registry because no registry was default' % name)
                continue
            problems.append('it is still the default registry, because this Zadig version never leaves itself '
                            'without a default; make another registry the default (is_default: true on it) instead')
            continue
        problems.append('%s is %r on the server, not %r' % (field, actual, expected))
    if problems:
        raise TaskError('Zadig did not apply the %s of %s: %s' % (registry_plan.action, name, '; '.join(problems)),
                        changed=True, registry=view(observed))
    return view(observed)


def ensure_registry(client, params, check_mode=False, diff=False):
    """Run one zadig_registry task: 1 request when nothing changes, 3 when something does (list, write, list)."""
    desired = validate(params)
    client.add_secrets(*(params.get(key) for key in SECRET_OPTIONS))
    before = _list(client, desired, 'could not read the registries to manage')
    registry_plan = plan(before, desired)
    result = registry_plan.result(diff)
    warnings = list(registry_plan.warnings)
    if registry_plan.changed and not check_mode:
        _write(client, registry_plan, before)
        now = _list(client, desired, 'Zadig accepted the %s but could not read back' % registry_plan.action,
                    changed=True)
        result['registry'] = _verify(registry_plan, _locate(registry_plan, before, now), warnings)
    result['warnings'] = warnings
    return result


def registry_info(client, params):
    """Run one zadig_registry_info task: one list request, filtered here, never another registry by mistake."""
    registry_id = params.get('registry_id')
    if registry_id is not None:
        validate({'registry_id': registry_id, 'state': 'absent'})
    registries = client.list_registries()
    if registry_id is not None:
        registries = [r for r in registries if r.get('registry_id') == registry_id]
        if not registries:
            raise ConflictError('registry_id %s does not exist on the Zadig server' % registry_id)
    return {'changed': False, 'registries': filter_registries(
        registries, params.get('address'), params.get('namespace'), params.get('provider'), params.get('is_default'))}


def run_module(module, task):
    """Run a task for a module and exit: expected failures become clean fail_json calls, never tracebacks."""
    client = client_from_module(module)
    try:
        result = task(client)
    except (InputError, ConflictError) as exc:
        module.fail_json(msg=client.redact(str(exc)))
    except TaskError as exc:
        module.fail_json(msg=client.redact(str(exc)), **exc.result)
    except ZadigAPIError as exc:
        module.fail_json(msg=str(exc), **exc.as_result())
    for warning in result.pop('warnings', []):
        module.warn(client.redact(warning))
    module.exit_json(**result)
