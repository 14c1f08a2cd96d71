# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server's list of registries as a run's plans leave it: in the server's order, indexed by id and natural key.

Zadig's default rules depend on the order of its list (the first remaining
registry inherits the default), so the order is kept; the indexes make each
lookup and each applied plan cost the same whatever the number of registries,
so that planning a list of n entries against n registries stays linear.
Not a public API.
"""

from __future__ import annotations

from ansible_collections.zadig.core.plugins.module_utils._registry import brief, desired_key, natural_key, normalise_address


class Snapshot:
    """Registries (plain dicts in the OpenAPI shape) that plans are applied to in place, by Zadig's rules."""

    def __init__(self, registries=()):
        self._slots = {}  # slot -> registry; slots only grow, so the dict's order is the server's
        self._keys = {}  # slot -> natural key
        self._by_id = {}
        self._by_key = {}  # natural key -> {slot: None}
        self._by_address = {}  # normalised address -> {slot: None}
        self._defaults = {}  # slot -> None
        self._next = 0
        self.normalised = 0  # natural keys computed: a unit test pins that each registry costs one
        for registry in registries:
            slot = self._new_slot()
            self._slots[slot] = dict(registry)
            self._index(slot)

    def _new_slot(self):
        self._next += 1
        return self._next - 1

    def _index(self, slot):
        registry = self._slots[slot]
        key = natural_key(registry)
        self.normalised += 1
        self._keys[slot] = key
        if registry.get('registry_id'):
            self._by_id[registry['registry_id']] = slot
        self._by_key.setdefault(key, {})[slot] = None
        self._by_address.setdefault(key[0], {})[slot] = None
        if registry.get('is_default'):
            self._defaults[slot] = None

    def _unindex(self, slot):
        registry = self._slots[slot]
        key = self._keys.pop(slot)
        if self._by_id.get(registry.get('registry_id')) == slot:
            del self._by_id[registry['registry_id']]
        for index, value in ((self._by_key, key), (self._by_address, key[0])):
            del index[value][slot]
            if not index[value]:
                del index[value]
        self._defaults.pop(slot, None)

    def _set_default(self, slot, flag):
        """Replace the registry with a copy flagged so: plans and heirs may hold the old dict."""
        self._slots[slot] = dict(self._slots[slot], is_default=flag)
        if flag:
            self._defaults[slot] = None
        else:
            self._defaults.pop(slot, None)

    def __iter__(self):
        return iter(list(self._slots.values()))

    def __len__(self):
        return len(self._slots)

    def registries(self):
        """The list as the server will hold it, in its order."""
        return list(self._slots.values())

    def get(self, registry_id):
        slot = self._by_id.get(registry_id)
        return None if slot is None else self._slots[slot]

    def matches(self, desired):
        """The registries a task is about, in the server's order: by id, else by normalised address plus trimmed
        namespace (``desired`` holds its address normalised, as ``validate`` leaves it)."""
        if desired.get('registry_id'):
            found = self.get(desired['registry_id'])
            return [] if found is None else [found]
        return self.with_key(desired_key(desired))

    def with_key(self, key):
        return [self._slots[slot] for slot in sorted(self._by_key.get(key, ()))]

    def with_address(self, address):
        """The registries whose address normalises to ``address``, whatever their namespace."""
        return [self._slots[slot] for slot in sorted(self._by_address.get(normalise_address(address), ()))]

    def defaults_other_than(self, registry_id):
        return [brief(self._slots[slot]) for slot in sorted(self._defaults)
                if self._slots[slot].get('registry_id') != registry_id]

    def first_other_than(self, registry_id):
        """The first registry whose id is not ``registry_id``, or None: who inherits the default when it goes."""
        return next((r for r in self._slots.values() if r.get('registry_id') != registry_id), None)

    def apply(self, registry_plan):
        """Carry out a plan on the list by Zadig's rules; returns the registry that inherits the default when the plan
        deletes the default and none is left, else None.

        A new default takes the flag from every other registry; deleting the
        default hands it to the first remaining registry.
        """
        if registry_plan.action == 'none':
            return None
        slot = self._by_id.get(registry_plan.registry_id) if registry_plan.registry_id else None
        if registry_plan.action == 'delete':
            self._unindex(slot)
            gone = self._slots.pop(slot)
            if gone.get('is_default') and self._slots and not self._defaults:
                heir = next(iter(self._slots))
                self._set_default(heir, True)
                return self._slots[heir]
            return None
        if registry_plan.after['is_default']:
            for other in list(self._defaults):
                self._set_default(other, False)
        if slot is None:
            slot = self._new_slot()
        else:
            self._unindex(slot)
        self._slots[slot] = dict(registry_plan.after)  # an existing slot keeps its place in the order
        self._index(slot)
        return None
