# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking many secrets in one pass: the same text out as replacing each, and no secret left whole."""

from __future__ import annotations

import os

from hypothesis import example, given, settings, strategies as st

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.zadig.core.plugins.module_utils._mask import MASK, Finder, Masker, remove_occurring, secret_forms

EXAMPLES = int(os.environ.get('ZADIG_PROPERTY_EXAMPLES', '300'))
# Few letters, so that secrets overlap, repeat and hold one another.
TEXT = st.text(alphabet='ab*c d\n"%', max_size=30)


def test_overlapping_secrets_are_masked_as_one_so_neither_shows():
    masker = Masker()
    masker.add('abcd', 'bcdefgh', None, 'xyz')  # None and values under 4 characters are not masked
    assert masker.redact('..abcdefgh.. xyz') == '..********.. xyz'


def test_a_secret_added_after_a_text_was_masked_is_masked_in_the_next():
    masker = Masker()
    masker.add('first secret')
    assert masker.redact('first secret, second secret') == '********, second secret'
    masker.add('second secret')
    assert masker.redact('first secret, second secret') == '********, ********'


def test_a_secret_is_masked_in_each_of_its_forms():
    masker = Masker()
    secret = 'line one\n{"k": "p&ss<>"}'
    masker.add(secret)
    for form in secret_forms(secret):
        assert 'p&ss' not in masker.redact('before %s after' % form).replace('\\u0026', '&')
        assert masker.redact('before %s after' % form).startswith('before ********')


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(TEXT.filter(lambda s: len(s) >= 4), max_size=6), TEXT)
def test_no_secret_survives_and_text_without_one_is_kept(secrets, text):
    masker = Masker()
    masker.add(*secrets)
    masked = masker.redact(text)
    masked_secrets = [secret for secret in secrets if len(secret.strip()) >= 4]  # shorter ones are never masked
    for secret in masked_secrets:
        assert secret not in masked.replace(MASK, '\0')
    if not any(form in text for secret in masked_secrets for form in secret_forms(secret) if len(form) >= 4):
        assert masked == text


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(TEXT.filter(bool), max_size=8), TEXT)
def test_the_finder_finds_exactly_the_strings_that_occur(needles, text):
    assert Finder(needles).found(text) == {n for n in needles if n in text}


RESULTS = st.recursive(st.one_of(TEXT, st.integers(-20, 20), st.booleans(), st.none()),
                       lambda inner: st.one_of(st.lists(inner, max_size=4),
                                               st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.one_of(TEXT.filter(bool), st.sampled_from(['1', 'True', '**', 'a*b'])), max_size=8, unique=True),
       RESULTS)
@example(values=['aaaa', 'a', 'aaa', '1', '*'], result='aa')  # 'a' masked, then each '*' of its mask: 128 '*'
@example(values=['*', 'a'], result='aa')  # the other order: 16
def test_remove_values_given_only_the_occurring_values_masks_the_same(values, result):
    """The controller path hands ansible-core's remove_values only these values; its result must not change.

    remove_values replaces values of one length in the order it gets them, so the order is part of the input.
    """
    assert remove_occurring(remove_values, values, result) == remove_values(result, values)
