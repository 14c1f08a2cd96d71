# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Go standard-library and mongo-driver behaviour the Zadig simulator needs to copy byte for byte.

Imported by ``zadig_simulator.py`` both as a package module and when the
simulator runs as a script; it imports nothing from it.
"""

from __future__ import annotations

import re

BAD_OBJECT_ID = 'the provided hex string is not a valid ObjectID'


# --------------------------------------------------------------------------
# Go's net/url.ParseRequestURI, the address check of OpenAPI create (§4.2)
# --------------------------------------------------------------------------

_HOST_EXTRA = set("!$&'()*+,;=:[]<>\"-_.~")
_USERINFO_EXTRA = set("-._:~!$&'()*+,;=%@")


def _is_hex(char):
    return char in '0123456789abcdefABCDEF'


def _valid_escapes(text, host):
    i = 0
    while i < len(text):
        char = text[i]
        if char == '%':
            if i + 2 >= len(text) or not (_is_hex(text[i + 1]) and _is_hex(text[i + 2])):
                return False
            if host and int(text[i + 1], 16) < 8 and text[i:i + 3] != '%25':
                return False
            i += 3
            continue
        if host and ord(char) < 0x80 and not (char.isascii() and char.isalnum()) and char not in _HOST_EXTRA:
            return False
        i += 1
    return True


def _valid_host(host):
    if host.startswith('['):
        end = host.rfind(']')
        if end < 0:
            return False
        port = host[end + 1:]
        if port and not re.fullmatch(r':[0-9]*', port):
            return False
        return _valid_escapes(host[1:end], True)
    colon = host.rfind(':')
    if colon >= 0 and not re.fullmatch(r':[0-9]*', host[colon:]):
        return False
    return _valid_escapes(host, True)


def go_parse_request_uri(raw):
    """Return True when Go's ``url.ParseRequestURI(raw)`` succeeds."""
    if raw == '' or any(ord(c) < 0x20 or ord(c) == 0x7f for c in raw):
        return False
    if raw == '*':
        return True
    scheme, rest = '', raw
    for i, char in enumerate(raw):
        if char.isascii() and char.isalpha():
            continue
        if char.isascii() and (char.isdigit() or char in '+-.'):
            if i == 0:
                break
            continue
        if char == ':':
            if i == 0:
                return False
            scheme, rest = raw[:i], raw[i + 1:]
        break
    if rest.endswith('?') and rest.count('?') == 1:
        rest = rest[:-1]
    else:
        rest = rest.split('?', 1)[0]
    if not rest.startswith('/'):
        return scheme != ''
    if scheme and rest.startswith('//'):
        authority, slash, path = rest[2:].partition('/')
        rest = slash + path
        userinfo, at, host = authority.rpartition('@')
        if at and not all((c.isascii() and c.isalnum()) or c in _USERINFO_EXTRA for c in userinfo):
            return False
        if not _valid_host(host):
            return False
    return _valid_escapes(rest, False)


# --------------------------------------------------------------------------
# Go's strings.TrimSpace and primitive.ObjectIDFromHex
# --------------------------------------------------------------------------

GO_SPACE = '\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' \
           '\u2028\u2029\u202f\u205f\u3000'


def go_trim_space(value):
    """strings.TrimSpace: Unicode White_Space at both ends (not Python's extra \\x1c-\\x1f)."""
    return value.strip(GO_SPACE)


def object_id_error(registry_id):
    """The error of the mongo driver's ObjectIDFromHex(id), or None when the id parses (§6, §7.2).

    Its length in bytes must be 24, then hex.DecodeString names the first byte that is not hex, as Go's
    ``%#U`` prints it: ``encoding/hex: invalid byte: U+007A 'z'`` (a byte with no printable glyph gets no quote).
    """
    raw = registry_id.encode('utf-8')
    if len(raw) != 24:
        return BAD_OBJECT_ID
    for byte in raw:
        if chr(byte) not in '0123456789abcdefABCDEF':
            glyph = " '%s'" % chr(byte) if chr(byte).isprintable() else ''
            return 'encoding/hex: invalid byte: U+%04X%s' % (byte, glyph)
    return None
