# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Arguments of any shape get the same answer from the module and from the controller's process."""

from __future__ import annotations

import pytest

from ansible_collections.zadig.core.tests.unit.two_paths import CONNECTION, MODULES, same_on_both_paths

hypothesis = pytest.importorskip('hypothesis')
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402  pylint: disable=wrong-import-position

WORDS = st.sampled_from(['', ' ', 'https://harbor.example.com', 'https://new.example.com/', 'platform', 'team',
                         'native', 'harbor', 'ecr', 'present', 'absent', 'compare', 'on_create', 'yes', 'p1',
                         '65a1b2c3d4e5f60718293a4b', 'AK-task-33', 'SK-task-44'])
SHAPES = st.recursive(st.none() | st.booleans() | st.integers(-1, 70) | st.floats(allow_nan=False) | WORDS,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORDS, inner, max_size=2),
                      max_leaves=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(sorted(MODULES)), data=st.data())
def test_any_shape_of_arguments_gets_the_same_answer_on_both_paths(monkeypatch, which, data):
    options = sorted(MODULES[which][0].MODULE_ARGS['argument_spec']) + ['colour']
    args = dict(CONNECTION, **data.draw(st.dictionaries(st.sampled_from(options), SHAPES, max_size=5)))
    secrets = [args[key] for key in ('zadig_token', 'access_key', 'secret_key')
               if isinstance(args.get(key), str) and len(args[key].strip()) >= 4]
    same_on_both_paths(monkeypatch, which, args, data.draw(st.booleans()), secrets=secrets)
