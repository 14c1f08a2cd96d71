# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile server answers through the zadig_registries action plugin (the role's task), which runs the list in the
controller's process; and the samples of the bug report and the cases the properties found that go through every
entry point, this one among them.

The promise and the oracle are those of module_utils' test_answers_hostile.py, from tests/unit/hostile_zadig.py: an
odd answer never crashes a task, a bad shape fails in one clear sentence naming the route, and no write is sent
after a bad answer. ``ZADIG_PROPERTY_EXAMPLES`` sets the number of examples per property (200 by default).
"""

from __future__ import annotations

import json
from unittest import mock

import pytest

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import given, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.zadig.core.plugins.modules import zadig_registry, zadig_registry_info  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.zadig.core.tests.unit.hostile_zadig import (  # noqa: E402  pylint: disable=wrong-import-position
    IDS, INVALID, LIST_ANSWER, OPENAPI, OPENAPI_ID, SETTINGS, TASK_A, TOKEN, URL, _client_call, assert_clean_message,
    assert_no_write_after_bad_answer, bad_reads, classify_list, draw_task, in_sync, js, matches, openapi_table, project,
    read_routes, reg, run_module, server, serving)


def run_action(args, routes, check_mode=False):
    """Run the zadig_registries action plugin in-process; returns (result, failed, session)."""
    from ansible.parsing.dataloader import DataLoader  # pylint: disable=import-outside-toplevel
    from ansible.playbook.play_context import PlayContext  # pylint: disable=import-outside-toplevel
    from ansible.playbook.task import Task  # pylint: disable=import-outside-toplevel
    from ansible.template import Templar  # pylint: disable=import-outside-toplevel
    from ansible_collections.zadig.core.plugins.action.zadig_registries import ActionModule  # pylint: disable=import-outside-toplevel

    with serving(routes) as (session, _patch):
        task = Task()
        task.args = dict(zadig_url=URL, zadig_token=TOKEN, **args)
        task.module_defaults = []
        task._resolved_action = 'zadig.core.zadig_registries'  # pylint: disable=protected-access
        task._parent = mock.MagicMock()  # pylint: disable=protected-access
        task._parent._play._action_groups = {}  # pylint: disable=protected-access
        context = PlayContext()
        context.check_mode = check_mode
        context.diff = True
        loader = DataLoader()
        action = ActionModule(task=task, connection=mock.MagicMock(), play_context=context, loader=loader,
                              templar=Templar(loader=loader), shared_loader_obj=None)
        result = action.run(task_vars={})
    return result, bool(result.get('failed')), session


@SETTINGS
@given(answer=LIST_ANSWER, check_mode=st.booleans(), purge=st.booleans(), data=st.data())
def test_registries_action_survives_any_list_answer(answer, check_mode, purge, data):
    """The zadig_registries action plugin (the role's task), which runs ensure_registries in the controller."""
    entries = []
    for dummy in range(data.draw(st.integers(1, 2), label='entries')):
        task = draw_task(data, answer)
        if task.get('is_default') and any(e.get('is_default') for e in entries):
            task.pop('is_default')
        if not any((e.get('registry_id'), e.get('address'), e.get('namespace')) ==
                   (task.get('registry_id'), task.get('address'), task.get('namespace')) for e in entries):
            entries.append(task)
    purge = purge and any(e['state'] == 'present' for e in entries)
    result, failed, session = run_action(dict(registries=entries, purge=purge), openapi_table(answer), check_mode)
    verdict = classify_list(answer)
    assert_no_write_after_bad_answer(session)
    if check_mode:
        assert session.writes() == [], 'check mode sent a write: %r' % session.writes()
    assert TOKEN not in json.dumps(result)
    if OPENAPI not in read_routes(session):
        if failed:
            assert_clean_message(result['msg'], (), repr(entries))
        return
    if verdict == INVALID:
        assert failed, 'an invalid list was used as if valid: %r -> %r' % (answer, result)
        assert_clean_message(result['msg'], (OPENAPI,), repr(entries))
        assert session.writes() == []
        return
    if failed:
        assert_clean_message(result['msg'], bad_reads(session), repr(entries))
        return
    registries = [project(r) for r in answer]
    synced = not purge and all(
        (not matches(registries, e)) if e['state'] == 'absent' else (
            len(matches(registries, e)) == 1 and in_sync(matches(registries, e)[0], e)) for e in entries)
    if synced:
        assert result['changed'] is False and session.writes() == [], result
        for entry, outcome in zip(entries, result['results']):
            if entry['state'] == 'present':
                assert outcome['registry'] == matches(registries, entry)[0]


def without(registry, key):
    return {k: v for k, v in registry.items() if k != key}


@pytest.mark.parametrize('entry', ['info', 'registry', 'registry check mode', 'registry absent', 'registries',
                                   'registry_id info'])
def test_sample_list_of_null_one_x(entry):
    """[null, 1, "x"]: 'NoneType' object is not iterable, in the bug report."""
    answer = [None, 1, 'x']
    routes = openapi_table(answer)
    if entry == 'registries':
        result, failed, session = run_action({'registries': [TASK_A]}, routes)
    elif entry.startswith('registry_id'):
        result, failed, session = run_module(zadig_registry_info, {'registry_id': IDS[0]}, routes)
    elif entry == 'info':
        result, failed, session = run_module(zadig_registry_info, {}, routes)
    else:
        task = dict(TASK_A, state='absent') if 'absent' in entry else TASK_A
        result, failed, session = run_module(zadig_registry, task, routes, check_mode='check' in entry)
    assert failed, result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert 'registr' in result['msg'].split(OPENAPI, 1)[1].lower(), \
        'the message does not say the answer is not a list of registries: %s' % result['msg']
    assert session.writes() == []


@pytest.mark.parametrize('entry', ['info', 'info address filter', 'registry two matches', 'registry update',
                                   'registry absent', 'registries'])
def test_sample_registry_without_registry_id(entry):
    """A registry without registry_id: a bare KeyError: 'registry_id', in the bug report."""
    stored = without(reg(), 'registry_id')
    answer = [stored, dict(stored, is_default=True)] if 'two' in entry else [stored]
    routes = openapi_table(answer)
    if entry == 'registries':
        result, failed, session = run_action({'registries': [dict(TASK_A, provider='native')]}, routes)
    elif entry.startswith('info'):
        result, failed, session = run_module(
            zadig_registry_info, {'address': TASK_A['address']} if 'filter' in entry else {}, routes)
    elif entry == 'registry absent':
        result, failed, session = run_module(zadig_registry, dict(TASK_A, state='absent'), routes)
    else:
        result, failed, session = run_module(zadig_registry, dict(TASK_A, provider='native'), routes)
    assert failed, 'a registry without registry_id was used: %r' % result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert 'registry_id' in result['msg']
    assert session.writes() == []


@pytest.mark.parametrize('field', ['provider', 'address', 'namespace', 'region'])
@pytest.mark.parametrize('entry', ['registry', 'info', 'registries'])
def test_sample_null_string_field_is_not_read_as_empty(field, entry):
    """provider: null was read as '', and a PUT went out before the read-back failed."""
    stored = reg(**{field: None})
    routes = openapi_table([stored], readback=[stored])
    # The task matches the registry as it was before the field went null: a write could only come from misreading.
    task = dict(TASK_A, is_default=False)
    if field == 'address':
        task = {'registry_id': IDS[0], 'provider': 'harbor', 'is_default': False}
    if entry == 'registry':
        result, failed, session = run_module(zadig_registry, task, routes)
    elif entry == 'info':
        result, failed, session = run_module(zadig_registry_info, {}, routes)
    else:
        result, failed, session = run_action({'registries': [task]}, routes)
    assert session.writes() == [], '%s sent after reading %s: null' % (
        [(s['method'], s['path']) for s in session.writes()], field)
    assert failed, '%s: null was read as a value: %r' % (field, result)
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert field in result['msg']


# ---- more explicit cases the properties found -------------------------------------------------------------------

@pytest.mark.parametrize('entry', ['info', 'registry', 'registries', 'get_registry'])
def test_registry_id_with_a_trailing_newline_is_refused(entry):
    """'^[0-9a-f]{24}$' with re.match accepts 'id\\n': such an id must be refused, not used in a URL."""
    answer = [reg(IDS[0] + '\n')]
    routes = openapi_table(answer)
    if entry == 'get_registry':
        _got, error, session = _client_call(server(extra={('GET', OPENAPI_ID): js(answer[0])}),
                                            lambda c: c.get_registry(IDS[0]))
        assert error is not None
        assert_clean_message(str(error), ('GET %s/%s' % (OPENAPI, IDS[0]),))
        return
    if entry == 'info':
        result, failed, session = run_module(zadig_registry_info, {}, routes)
    elif entry == 'registry':
        result, failed, session = run_module(zadig_registry, dict(TASK_A, is_default=True), routes)
    else:
        result, failed, session = run_action({'registries': [dict(TASK_A, is_default=True)]}, routes)
    assert failed, result
    assert_clean_message(result['msg'], ('GET ' + OPENAPI,))
    assert session.writes() == []
