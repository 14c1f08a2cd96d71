# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking secrets in text, in time that does not grow with the number of secrets.

A run that compares credentials reads every stored secret (two per registry,
each in several forms); replacing each one in each message costs secrets times
text, which at 10,000 registries took minutes. ``Finder`` scans a text once
instead, whatever the number of secrets. Not a public API.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

MASK = '********'
# Shorter values would turn every message into asterisks; Finder buckets the secrets by this many first characters.
MIN_SECRET = 4
# A value of these characters only has one form: every escape and quoting below leaves it as it is.
_PLAIN = re.compile(r'^[A-Za-z0-9._~-]+\Z')


def secret_forms(secret):
    """Every form a secret can take in a message: as is, trimmed, escaped by repr or JSON (Python's and Go's),
    URL-quoted, flattened onto one line, and each of its lines alone (a JSON key file is a multi-line secret)."""
    if _PLAIN.match(secret):
        return [secret]
    forms = set()
    values = {secret, secret.strip()}
    lines = secret.splitlines()  # every line boundary: \n, \r, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029
    if len(lines) > 1:
        values.update(line.strip() for line in lines)
    for value in values:
        if not value:
            continue
        for escaped in (json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]):
            # Go's encoding/json also escapes &, < and > (Zadig echoes request bodies that way)
            forms.update((escaped, escaped.replace('&', '\\u0026').replace('<', '\\u003c').replace('>', '\\u003e')))
        forms.update((value, repr(value)[1:-1], quote(value, safe=''), quote_plus(value),
                      value.encode('unicode_escape').decode('ascii'), re.sub(r'\s+', ' ', value)))
    return sorted((form for form in forms if form), key=len, reverse=True)


class Finder:
    """Where any of many strings occurs in a text, found in one pass over the text.

    The strings are bucketed by their first MIN_SECRET characters and then by
    length, so each position of the text costs one dictionary lookup, and a
    hit one set lookup per length in its bucket, however many strings share
    a prefix (``user-...``); the few strings shorter than that are searched
    for one by one.
    """

    def __init__(self, needles=()):
        self._short = set()
        self._buckets = {}  # prefix -> {length: {needle}}
        self._lengths = {}  # prefix -> its lengths, longest first
        self.add(needles)

    def add(self, needles):
        for needle in needles:
            if len(needle) < MIN_SECRET:
                if needle:
                    self._short.add(needle)
                continue
            prefix = needle[:MIN_SECRET]
            bucket = self._buckets.setdefault(prefix, {})
            if len(needle) not in bucket:
                bucket[len(needle)] = set()
                self._lengths[prefix] = sorted(bucket, reverse=True)
            bucket[len(needle)].add(needle)

    def _at(self, text, start):
        """The lengths of the strings that occur at ``start``, longest first."""
        prefix = text[start:start + MIN_SECRET]
        bucket = self._buckets.get(prefix)
        if not bucket:
            return ()
        return [length for length in self._lengths[prefix] if text[start:start + length] in bucket[length]]

    def _starts(self, text):
        """Where a string may start in ``text``: the positions whose first characters are some string's prefix.

        Two set comprehensions, which run at C speed, find them; most texts have none and are done.
        """
        last = len(text) - MIN_SECRET + 1
        if last <= 0 or not self._buckets:
            return []
        common = {text[i:i + MIN_SECRET] for i in range(last)}.intersection(self._buckets)
        if not common:
            return []
        return [i for i in range(last) if text[i:i + MIN_SECRET] in common]

    def spans(self, text):
        """The (start, end) of every occurrence, overlapping ones merged, in order."""
        found = []
        for start in self._starts(text):
            lengths = self._at(text, start)
            if lengths:
                found.append((start, start + lengths[0]))
        for needle in self._short:
            start = text.find(needle)
            while start >= 0:
                found.append((start, start + len(needle)))
                start = text.find(needle, start + 1)
        merged = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def found(self, text):
        """The strings that occur in ``text``."""
        hits = {n for n in self._short if n in text}
        for start in self._starts(text):
            hits.update(text[start:start + length] for length in self._at(text, start))
        return hits


class Masker:
    """The secrets of one task, in every form ``secret_forms`` knows, masked in any text.

    Secrets are taken in at the first text to mask: a run that reads 20,000
    stored secrets and reports no error never pays for their forms.
    """

    def __init__(self):
        self._finder = Finder()
        self._added = set()
        self._pending = []

    def add(self, *values):
        """Mask these values from now on; one shorter than MIN_SECRET would turn every message into asterisks."""
        self._pending.extend(values)

    def _take_in(self):
        pending, self._pending = self._pending, []
        for value in pending:
            if isinstance(value, str) and len(value.strip()) >= MIN_SECRET and value not in self._added:
                self._added.add(value)
                self._finder.add(form for form in secret_forms(value) if len(form) >= MIN_SECRET)

    def redact(self, text):
        """``text`` with every occurrence of a secret replaced by MASK (overlapping secrets masked as one)."""
        if self._pending:
            self._take_in()
        spans = self._finder.spans(text)
        if not spans:
            return text
        parts, last = [], 0
        for start, end in spans:
            parts += [text[last:start], MASK]
            last = end
        parts.append(text[last:])
        return ''.join(parts)


def _texts(value):
    """Every text of a result, keys included, and the text of each number and boolean."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        elif isinstance(value, (bool, int, float)):
            yield str(value)


def occurring(values, result):
    """The values that occur in some text of ``result``, and every value holding a ``*``, in the order given.

    ansible-core's ``remove_values`` replaces each value in each text of a
    result, which costs values times texts; handed only these, it masks the
    same, since a value that holds no ``*`` can only appear in a text it was
    already in (a mask inserts nothing else). The order is kept because
    ``remove_values`` replaces values of one length in the order it gets them,
    and a mask replaced again by a ``*`` value depends on it.
    """
    values = [value for value in values if isinstance(value, str)]
    # One pass over every text at once; a match across two texts only hands remove_values a value it ignores.
    found = Finder(values).found('\0'.join(set(_texts(result))))
    return [value for value in values if '*' in value or value in found]


def remove_occurring(remove_values, values, result):
    """``result`` through ansible-core's ``remove_values`` given only the ``occurring`` values; as it is when none
    occurs (``remove_values`` would only copy it, which for 10,000 registries is most of a second)."""
    found = occurring(values, result)
    return remove_values(result, found) if found else result


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield str(value)


def no_log_values(argument_spec, params):
    """The values of every ``no_log`` option in ``params``, sub-options included, whatever the shape of the rest.

    ansible-core collects them while it validates, and stops at the first entry
    of a list of dicts that is not a dict (``registries: [null]``, an empty
    ``-`` item in YAML): the failure it then reports would show the token of
    the same task unmasked. This walk skips what it cannot read instead.
    """
    found = set()
    if not isinstance(params, dict):
        return found
    for name, spec in argument_spec.items():
        value = params.get(name)
        if value is None:
            continue
        if spec.get('no_log'):
            found.update(text for text in _leaves(value) if text)
        if spec.get('options'):
            for item in value if isinstance(value, list) else [value]:
                found |= no_log_values(spec['options'], item)
    return found
