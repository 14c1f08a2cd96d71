# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environments the Zadig simulator knows, and the registry each one stores.

Imported by ``zadig_simulator.py`` both as a package module and when the
simulator runs as a script; it imports nothing from it.
"""

from __future__ import annotations

import random


class Environments:
    """Zadig's environments, each ``{project_name, project_alias, env_name, env_alias, registry_id, deleting}``.

    An environment counts as using a registry when it is not being deleted and the registry id it stores equals
    the id asked about, exactly; one that stores no id ("") uses the default implicitly and is counted by nothing.
    The internal delete's in-use refusal and the references route count the same environments.

    It also behaves as the set of registry ids in use that the simulator used to keep (``add``, ``discard``,
    ``clear``, ``in``, iteration): ``add(id)`` registers one environment using ``id``.

    ``random_order`` shuffles the projects of a references answer, as Go's map does; by default they come in the
    order of their first environment.  ``list_error`` makes listing the environments fail with that text.
    """

    def __init__(self):
        self.items = []
        self.random_order = False
        self.list_error = None

    def register(self, registry_id='', project_name='project', env_name=None, project_alias='', env_alias='',
                 deleting=False):
        """Store one environment (``env_name`` defaults to ``env-<n>``); returns it."""
        env = {'project_name': project_name, 'project_alias': project_alias,
               'env_name': env_name or 'env-%d' % (len(self.items) + 1), 'env_alias': env_alias,
               'registry_id': registry_id, 'deleting': bool(deleting)}
        self.items.append(env)
        return dict(env)

    def using(self, registry_id):
        return [env for env in self.items if not env['deleting'] and env['registry_id'] == registry_id]

    def references(self, registry_id):
        """GetRegistryReferences' ``references``: one entry per project, envs in store order."""
        projects = {}
        for env in self.using(registry_id):
            entry = projects.setdefault(env['project_name'], {
                'project_name': env['project_name'], 'project_alias': env['project_alias'], 'envs': []})
            entry['envs'].append({'name': env['env_name'], 'alias': env['env_alias']})
        answer = list(projects.values())
        if self.random_order:
            random.shuffle(answer)
        return answer

    def snapshot(self):
        return [dict(env) for env in self.items]

    # ---- the set of registry ids in use ----------------------------------------

    def add(self, registry_id):
        self.register(registry_id)

    def discard(self, registry_id):
        self.items = [env for env in self.items if env['registry_id'] != registry_id]

    def clear(self):
        self.items = []

    def __contains__(self, registry_id):
        return bool(self.using(registry_id))

    def __iter__(self):
        seen = []
        for env in self.items:
            if not env['deleting'] and env['registry_id'] and env['registry_id'] not in seen:
                seen.append(env['registry_id'])
        return iter(seen)

    def __len__(self):
        return len(list(iter(self)))
