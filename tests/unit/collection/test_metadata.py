# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's metadata agrees with its plugins, as antsibull-nox's extra checks would have it.

A module missing from the action group silently ignores ``module_defaults: group/zadig.core.zadig``; one that
claims the group in its docs without being in it misleads ansible-doc's readers.
"""

from __future__ import annotations

import ast
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]


def module_docs():
    docs = {}
    for path in sorted((ROOT / 'plugins' / 'modules').glob('*.py')):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
                docs[path.stem] = yaml.safe_load(node.value.value)
    return docs


def test_every_module_is_in_the_action_group_and_says_so():
    runtime = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text())
    docs = module_docs()
    assert docs, 'no module found'
    assert sorted(runtime['action_groups']['zadig']) == sorted(docs)
    for name, doc in docs.items():
        assert 'zadig.core.zadig.actiongroup' in doc['extends_documentation_fragment'], name


def test_every_module_has_an_action_plugin_and_the_version_it_came_in():
    changelog = yaml.safe_load((ROOT / 'changelogs' / 'changelog.yaml').read_text())
    released = set(changelog['releases'])
    for name, doc in module_docs().items():
        assert (ROOT / 'plugins' / 'action' / (name + '.py')).is_file(), name
        assert doc['version_added'] in released, (name, doc['version_added'])


def versions_added(tree, where=''):
    """(where, version) for every version_added in a docs tree: options, suboptions, return values, contains."""
    found = []
    if isinstance(tree, dict):
        if 'version_added' in tree:
            found.append((where, str(tree['version_added'])))
        for key, value in tree.items():
            found += versions_added(value, '%s.%s' % (where, key) if where else str(key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += versions_added(value, '%s[%d]' % (where, index))
    return found


def test_every_version_added_is_a_released_version():
    """A version_added from a typo or a future release tells users an option is newer than it is."""
    released = set(yaml.safe_load((ROOT / 'changelogs' / 'changelog.yaml').read_text())['releases'])
    trees = {}
    for path in sorted((ROOT / 'plugins' / 'modules').glob('*.py')):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) in ('DOCUMENTATION', 'RETURN'):
                trees['%s %s' % (path.stem, node.targets[0].id)] = yaml.safe_load(node.value.value)
    for path in sorted(ROOT.glob('roles/*/meta/argument_specs.yml')):
        trees[str(path.relative_to(ROOT))] = yaml.safe_load(path.read_text())
    found = [(name, where, version) for name, tree in trees.items() for where, version in versions_added(tree)]
    assert len(found) > 5
    assert [item for item in found if item[2] not in released] == []


def test_the_lint_skip_for_a_missing_repository_lasts_only_while_there_is_none():
    """galaxy.yml names no repository while none is public; the skip that allows it must go when one is named."""
    if not (ROOT / '.ansible-lint').is_file():
        pytest.skip('.ansible-lint is in the checkout only, not in the published collection')
    galaxy = yaml.safe_load((ROOT / 'galaxy.yml').read_text())
    skips = yaml.safe_load((ROOT / '.ansible-lint').read_text()).get('skip_list') or []
    assert ('galaxy[no-repository]' in skips) == ('repository' not in galaxy)


def test_no_author_names_a_github_account():
    """No account is public yet; a made-up handle would send users to a stranger."""
    for path in (ROOT / 'plugins').rglob('*.py'):
        assert '(@' not in path.read_text(), path
    if (ROOT / 'galaxy.yml').is_file():
        assert not any('@' in author for author in yaml.safe_load((ROOT / 'galaxy.yml').read_text())['authors'])
