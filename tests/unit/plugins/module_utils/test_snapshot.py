# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server's list as plans leave it: Zadig's default rules and its order, kept by an indexed list."""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._plan import Plan
from ansible_collections.zadig.core.plugins.module_utils._registry import view
from ansible_collections.zadig.core.plugins.module_utils._snapshot import Snapshot

IDS = ['65a1b2c3d4e5f607182930%02x' % n for n in range(6)]


def reg(number, host=None, namespace='ns', is_default=False):
    return {'registry_id': IDS[number], 'address': 'https://%s.example.com' % (host or 'r%d' % number),
            'provider': 'native', 'region': '', 'namespace': namespace, 'is_default': is_default}


def update(registry, **changes):
    return Plan('update', {}, before=view(registry), after=dict(view(registry), **changes))


def test_an_update_keeps_the_registry_in_its_place_so_the_right_one_inherits_the_default():
    """Zadig hands the default to the first remaining registry: an update must not move a registry to the end."""
    snapshot = Snapshot([reg(0, is_default=True), reg(1), reg(2)])
    snapshot.apply(update(reg(1), namespace='moved'))
    heir = snapshot.apply(Plan('delete', {}, before=view(reg(0, is_default=True))))
    assert heir['registry_id'] == IDS[1]
    assert [(r['registry_id'], r['namespace'], r['is_default']) for r in snapshot.registries()] == [
        (IDS[1], 'moved', True), (IDS[2], 'ns', False)]


def test_a_new_default_takes_the_flag_from_every_other_registry_and_a_create_goes_last():
    snapshot = Snapshot([reg(0, is_default=True), reg(1, is_default=True), reg(2)])
    created = dict(view(reg(3)), registry_id=None, is_default=True)
    snapshot.apply(Plan('create', {}, after=created))
    assert [(r['registry_id'], r['is_default']) for r in snapshot.registries()] == [
        (IDS[0], False), (IDS[1], False), (IDS[2], False), (None, True)]
    assert snapshot.defaults_other_than(IDS[0]) == [{'registry_id': None, 'address': 'https://r3.example.com',
                                                     'namespace': 'ns'}]


def test_lookups_follow_every_change_of_key_and_return_the_servers_order():
    snapshot = Snapshot([reg(0, 'a'), reg(1, 'b'), reg(2, 'a', namespace='other')])
    # registry 2 takes registry 0's key: both match it, in the server's order, not the order of the changes
    snapshot.apply(update(reg(2, 'a', namespace='other'), namespace='ns'))
    assert [r['registry_id'] for r in snapshot.matches({'address': 'https://a.example.com', 'namespace': 'ns'})] == [
        IDS[0], IDS[2]]
    assert snapshot.matches({'address': 'https://a.example.com', 'namespace': 'other'}) == []
    assert [r['namespace'] for r in snapshot.with_address('HTTPS://A.example.com/')] == ['ns', 'ns']
    snapshot.apply(Plan('delete', {}, before=view(reg(0, 'a'))))
    assert snapshot.get(IDS[0]) is None
    assert [r['registry_id'] for r in snapshot.matches({'address': 'https://a.example.com', 'namespace': 'ns'})] == [
        IDS[2]]
    assert snapshot.matches({'registry_id': IDS[1]})[0]['address'] == 'https://b.example.com'


def test_deleting_the_last_default_of_one_names_no_heir_and_a_plan_that_does_nothing_changes_nothing():
    snapshot = Snapshot([reg(0, is_default=True)])
    assert snapshot.apply(Plan('none', {}, before=view(reg(0)), after=view(reg(0)))) is None
    assert snapshot.apply(Plan('delete', {}, before=view(reg(0, is_default=True)))) is None
    assert not snapshot.registries()


def test_the_registries_handed_in_are_never_changed():
    """Plans and the read-back compare against the list as read: applying plans must work on copies."""
    server = [reg(0, is_default=True), reg(1)]
    snapshot = Snapshot(server)
    snapshot.apply(update(reg(1), is_default=True))
    assert server == [reg(0, is_default=True), reg(1)]
