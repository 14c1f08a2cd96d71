# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking secrets: many in one pass, the same text out as replacing each and no secret left whole; and no secret in
any form a server can echo it in (escaped, quoted, cut into lines) in a message of the client."""

from __future__ import annotations

import json
import os
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.zadig.core.plugins.module_utils._api import INTERNAL, OPENAPI, ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._errors import ZadigAPIError
from ansible_collections.zadig.core.plugins.module_utils._mask import Finder, MASK, Masker, remove_occurring, secret_forms
from ansible_collections.zadig.core.tests.unit.scripted_http import Call, script
from ansible_collections.zadig.core.tests.unit.scripted_client import RID, TOKEN, URL, client

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


# ---- secrets a server echoes, in every form, in the client's messages ----------------------------------------------


def test_token_and_registered_secrets_echoed_by_the_server_are_masked(monkeypatch):
    echo = 'bad request: token=%s secret=s3cr3t-value' % TOKEN
    session = script(monkeypatch, [Call('POST', OPENAPI, 500, answer={'code': 500, 'description': echo})])
    c = client()
    c.add_secrets('s3cr3t-value')
    with pytest.raises(ZadigAPIError) as info:
        c.create_registry({'secret_key': 's3cr3t-value'})
    session.assert_done()
    for text in (str(info.value), info.value.description, repr(info.value.as_result())):
        assert TOKEN not in text and 's3cr3t-value' not in text
        assert '********' in text


@pytest.mark.parametrize('form', [
    TOKEN, repr(TOKEN + '\n')[1:-1], json.dumps(TOKEN + '\n')[1:-1], quote(TOKEN + '\n', safe=''),
    quote_plus(TOKEN + '\n'), 'Bearer %s\\n' % TOKEN,
])
def test_every_form_of_the_token_the_server_echoes_is_masked(monkeypatch, form):
    session = script(monkeypatch, [Call('GET', OPENAPI, 500, answer={'code': 500, 'description': 'bad: ' + form})])
    with pytest.raises(ZadigAPIError) as info:
        ZadigClient(URL, TOKEN + '\n', retries=0).list_registries()
    session.assert_done()
    for text in (str(info.value), info.value.description):
        assert TOKEN not in text and quote(TOKEN) not in text


def test_every_form_of_a_registered_secret_is_masked(monkeypatch):
    secret = 'p@ss w/rd\n"x"'
    forms = [secret, repr(secret)[1:-1], json.dumps(secret)[1:-1], quote(secret, safe=''), quote_plus(secret)]
    session = script(monkeypatch, [Call('POST', OPENAPI, 500, answer={'description': ' | '.join(forms)})])
    client = ZadigClient(URL, TOKEN)
    client.add_secrets(secret)
    with pytest.raises(ZadigAPIError) as info:
        client.create_registry({})
    session.assert_done()
    for form in forms:
        assert form not in str(info.value)


def go_json(value):
    """A string as Go's encoding/json writes it: UTF-8 kept, and &, <, > escaped."""
    return json.dumps(value, ensure_ascii=False)[1:-1].replace('&', '\\u0026').replace('<', '\\u003c').replace(
        '>', '\\u003e')


KEY_FILE = ('{\n  "type": "service_account",\n  "private_key_id": "3f2a9c0e71b4",\n  "private_key": '
            '"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n",\n'
            '  "client_email": "pusher@proj-\u00e9t\u00e9.iam.gserviceaccount.com"\n}\n')


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.text(alphabet=st.characters(blacklist_categories=('Cs',)), min_size=6, max_size=40).filter(
    lambda line: line.strip() and '\n' not in line and '\r' not in line), min_size=2, max_size=5),
    ending=st.sampled_from(['', '\n', '\r\n']))
@example(lines=['000000', '******'], ending='')
def test_no_form_of_a_multi_line_secret_survives_in_a_message(monkeypatch, lines, ending):
    secret = '\n'.join(lines) + ending
    forms = [secret, secret.strip(), json.dumps(secret)[1:-1], go_json(secret), repr(secret)[1:-1],
             quote(secret, safe='')] + [line.strip() for line in lines if len(line.strip()) >= 4]
    described = ' | '.join(forms + [go_json(line) for line in lines])
    session = script(monkeypatch, [Call('PUT', INTERNAL + '/' + RID, 500, answer={
        'code': 500, 'description': described, 'message': 'Internal Error: '})])
    client = ZadigClient(URL, TOKEN)
    client.add_secrets(secret)
    with pytest.raises(ZadigAPIError) as info:
        client.update_registry_full(RID, {})
    session.assert_done()
    # A mask is asterisks: a line of them (a form too) is only "found" inside the mask that replaced it.
    shown = [text.replace(MASK, '\0') for text in (str(info.value), info.value.description or '')]
    for form in forms:
        assert not any(form in text for text in shown), form


def test_each_line_of_a_json_key_file_is_masked_however_it_is_echoed(monkeypatch):
    lines = [line.strip() for line in KEY_FILE.splitlines() if len(line.strip()) >= 4]
    echoes = [KEY_FILE, json.dumps(KEY_FILE)[1:-1], go_json(KEY_FILE), json.dumps({'secret_key': KEY_FILE})]
    echoes += lines + [json.dumps(line)[1:-1] for line in lines] + [go_json(line) for line in lines]
    session = script(monkeypatch, [Call('POST', OPENAPI, 500, answer={'description': ' '.join(echoes)})])
    client = ZadigClient(URL, TOKEN)
    client.add_secrets(KEY_FILE)
    with pytest.raises(ZadigAPIError) as info:
        client.create_registry({})
    session.assert_done()
    for text in (str(info.value), info.value.description):
        for word in ('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '3f2a9c0e71b4', 'pusher@proj', 'service_account'):
            assert word not in text, (word, text)
