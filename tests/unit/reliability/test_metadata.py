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
