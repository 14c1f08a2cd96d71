# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tasks of the modules: validate everything, read the server once, plan everything, then (``_runner``) write
what differs and read back once; one pipeline for one registry (zadig_registry), a whole list (zadig_registries,
behind the role) and the read of zadig_registry_info. Not a public API.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._drift import (
    check_expected, compare, drift_report, mismatch, summary)
from ansible_collections.zadig.core.plugins.module_utils._errors import TaskError, ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._export import export
from ansible_collections.zadig.core.plugins.module_utils._plan import plan_all
from ansible_collections.zadig.core.plugins.module_utils._registry import (
    REENCODED_ON_UPDATE, ConflictError, check_list, describe, duplicates, filter_registries, from_internal,
    needs_details, validate, view)
from ansible_collections.zadig.core.plugins.module_utils._runner import Reader, carry_out
from ansible_collections.zadig.core.plugins.module_utils._snapshot import Snapshot

SECRET_OPTIONS = ('access_key', 'secret_key')


def _reencodes(plans):
    """Updates the OpenAPI would make on swr or ecr registries, which re-save their credentials decoded: Zadig loads
    them as docker logins and stores those back."""
    updates = [p for p in plans if p.action == 'update' and p.write == 'openapi']
    return any(p.before['provider'] in REENCODED_ON_UPDATE and p.desired.get('update_secrets') == 'compare'
               for p in updates)


class Prepared:
    """A list read and planned, nothing written yet: what check mode reports and the real run carries out."""

    def __init__(self, subject, read, before, plans, predicted, warnings, not_compared):
        self.subject = subject
        self.read = read
        self.before = before
        self.plans = plans
        self.predicted = predicted
        self.warnings = warnings
        self.not_compared = not_compared


def _openapi_only(desired):
    """A task planned from the OpenAPI fields alone: what it names of credentials, TLS and projects is not compared."""
    return dict(desired, compared={})


def _deleted_or_deduped(plans, before, desired_list, dedupe):
    """The ids whose users decide the plan: every registry to delete, and every duplicate dedupe chooses among."""
    ids = {p.before['registry_id'] for p in plans if p.action == 'delete'}
    if dedupe:
        before = Snapshot(before)
        for desired in desired_list:
            if desired['state'] == 'present' and not desired.get('registry_id'):
                matches = before.matches(desired)
                if len(matches) > 1:
                    ids.update(r['registry_id'] for r in matches)
    return sorted(ids)


def _look_up_users(client, ids, subject, partial, warnings):
    """Ask Zadig who uses each registry, one request per id; {} when this Zadig cannot say (before v4.2)."""
    in_use = {}
    for registry_id in ids:
        try:
            references = client.registry_references(registry_id)
        except ZadigAPIError as exc:
            if partial and exc.status in (401, 403):
                warnings.append('the token may not ask Zadig which environments use a registry (HTTP %s); a delete '
                                'of one in use would be refused by Zadig itself' % exc.status)
                return {}
            raise TaskError('could not ask Zadig which environments use the registries to delete, for %s: %s'
                            % (subject, exc), changed=False, **exc.as_result()) from None
        if references is None:
            return {}
        in_use[registry_id] = references
    return in_use


def prepare(client, entries, subject=None, purge=False, partial=False, dedupe=False):
    """Validate every entry, read once, plan all.

    Reads through the internal route only when an entry compares credentials,
    TLS or projects, or an swr/ecr update needs the whole document. With
    ``partial`` (nothing will be written), a token that may not make that read
    still gets every OpenAPI field compared; the rest is named in ``not_compared``.
    """
    desired_list = [validate(entry) for entry in entries]
    check_list(desired_list, purge)
    subject = subject or describe(desired_list[0])
    for entry in entries:
        client.add_secrets(*(entry.get(key) for key in SECRET_OPTIONS))
    read = Reader(client, details=any(needs_details(d) for d in desired_list))
    warnings, not_compared = [], []
    try:
        before = read(subject, 'could not read the registries to manage')
    except TaskError as exc:
        if not (partial and read.details and exc.result.get('status') in (401, 403)):
            raise
        not_compared = sorted({field for d in desired_list for field in d['compared']})
        warnings.append('the token may not read the stored credentials, TLS settings and projects (HTTP %s from '
                        'Zadig\'s internal registry list, which needs a system administrator); only the OpenAPI '
                        'fields were compared, not %s' % (exc.result['status'], ', '.join(not_compared)))
        desired_list = [_openapi_only(d) for d in desired_list]
        read = Reader(client)
        before = read(subject, 'could not read the registries to manage')
    planned = plan_all(before, desired_list, purge, dedupe=dedupe, final=False)
    if not read.details and not not_compared and _reencodes(planned.plans):
        # Zadig's OpenAPI update would re-save these credentials re-encoded: plan again on the internal list,
        # whose whole-document update keeps them.
        whole = Reader(client, details=True)
        try:
            before = whole(subject, 'could not read the registries to manage')
        except TaskError as exc:
            if not (partial and exc.result.get('status') in (401, 403)):
                raise
            warnings.append('the token may not read Zadig\'s internal registry list (HTTP %s), which a real run '
                            'uses to update swr and ecr registries without re-encoding their credentials; only '
                            'the OpenAPI fields were compared' % exc.result['status'])
        else:
            read = whole
            planned = plan_all(before, desired_list, purge, dedupe=dedupe, final=False)
    asked = _deleted_or_deduped(planned.plans, before, desired_list, dedupe)
    in_use = _look_up_users(client, asked, subject, partial, warnings) if asked else {}
    if any(in_use.values()):
        # Zadig refuses to delete a registry an environment uses: plan again, keeping those.
        planned = plan_all(before, desired_list, purge, in_use, dedupe)
    else:
        planned.refuse_an_unwanted_heir()
    warnings += [warning for registry_plan in planned.plans for warning in registry_plan.warnings]
    return Prepared(subject, read, before, planned.plans, planned.predicted, warnings, not_compared)


def ensure_registry(client, params, check_mode=False, diff=False):
    """One zadig_registry task: 1 request when nothing changes, 3 when something does (list, write, list)."""
    prepared = prepare(client, [params])
    plans = prepared.plans if check_mode else carry_out(client, prepared)
    result = plans[0].result(diff)
    result['warnings'] = prepared.warnings
    return result


def ensure_registries(client, entries, purge=False, check_mode=False, diff=False, fail_on_drift=False, dedupe=False,
                      expected_drift=None):
    """A whole list in one task: one read, the writes that differ, one read back. Used by the role.

    ``drift`` is read off the plans before any write, so check mode and the
    real run report the same; with ``fail_on_drift`` any drift fails the task
    before a write, and with ``expected_drift`` any drift but the reviewed one.
    """
    if expected_drift is not None:
        check_expected(expected_drift)
    prepared = prepare(client, entries, 'the registries of the list', purge, partial=check_mode or fail_on_drift,
                       dedupe=dedupe)
    plans = prepared.plans
    drift = drift_report(plans, prepared.before, prepared.not_compared)
    if expected_drift is not None:
        differences = compare(drift, expected_drift, {r.get('registry_id') for r in prepared.before})
        if differences:
            raise TaskError(mismatch(differences), changed=False, drift=drift, expected_drift=expected_drift,
                            warnings=prepared.warnings)
    if fail_on_drift and not drift['in_sync']:
        raise TaskError(summary(drift), changed=False, drift=drift, warnings=prepared.warnings)
    if not check_mode:
        try:
            plans = carry_out(client, prepared)
        except TaskError as exc:
            exc.result.setdefault('drift', drift)  # what the run set out to change, as the interface promises
            raise
    listed = sorted((p for p in plans if p.index is not None), key=lambda p: p.index)
    results = []
    for registry_plan in listed:
        entry = registry_plan.result()
        entry['action'] = registry_plan.action
        results.append(entry)
    result = {
        'changed': any(p.changed for p in plans),
        'results': results,
        'purged': [view(p.before) for p in plans if p.origin == 'purge' and p.action == 'delete'],
        'deduped': [view(p.before) for p in plans if p.origin == 'dedupe' and p.action == 'delete'],
        'drift': drift,
        'warnings': prepared.warnings,
    }
    if diff:
        result['diff'] = [dict(p.diff(p.after), before_header=describe(p.before or p.desired),
                               after_header=describe(p.before or p.desired)) for p in plans if p.changed]
    return result


def registry_info(client, params, check_mode=False, diff=False):  # pylint: disable=unused-argument
    """One zadig_registry_info task: one list request, filtered here, never another registry by mistake."""
    registry_id = params.get('registry_id')
    if registry_id is not None:
        validate({'registry_id': registry_id, 'state': 'absent'})
    if params.get('details'):
        registries = [from_internal(doc) for doc in client.list_registries_full()]
    else:
        registries = client.list_registries()
    everything = filter_registries(registries)
    if registry_id is not None:
        registries = [r for r in registries if r.get('registry_id') == registry_id]
        if not registries:
            raise ConflictError('registry_id %s does not exist on the Zadig server' % registry_id)
    found = filter_registries(registries, params.get('address'), params.get('namespace'), params.get('provider'),
                              params.get('is_default'))
    entries, warnings = export(found, everything)
    ids = {r['registry_id'] for r in found}
    return {'changed': False, 'registries': found, 'zadig_registries': entries, 'warnings': warnings,
            'duplicates': [group for group in duplicates(everything) if ids & {r['registry_id'] for r in group}]}
