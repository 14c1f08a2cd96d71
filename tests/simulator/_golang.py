# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Go standard-library and mongo-driver behaviour the Zadig simulator needs to copy byte for byte.

Imported by ``zadig_simulator.py`` both as a package module and when the
simulator runs as a script; it imports nothing from it.
"""

from __future__ import annotations

import base64
import re

BAD_OBJECT_ID = 'the provided hex string is not a valid ObjectID'


# --------------------------------------------------------------------------
# Go's net/url.ParseRequestURI, the address check of OpenAPI create
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
    """The error of the mongo driver's ObjectIDFromHex(id), or None when the id parses; delete and PUT answer it.

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


# --------------------------------------------------------------------------
# Go's net/url query decoding, encoding/base64 and encoding/pem, as the
# encrypted read-back (GetAesKeyFromEncryptedKey, GetRsaKey) meets them
# --------------------------------------------------------------------------

class GoError(ValueError):
    """A Go error value; ``str()`` is its ``Error()`` text."""


_HEX = b'0123456789abcdefABCDEF'


def go_quote(raw):
    """strconv.Quote of a Go string (bytes): printable runes kept, the rest escaped as Go escapes them."""
    out = ['"']
    i = 0
    while i < len(raw):
        char, size = None, 1
        for width in (1, 2, 3, 4):
            try:
                char = raw[i:i + width].decode('utf-8')
            except UnicodeDecodeError:
                continue
            size = width
            break
        if char is None:
            out.append('\\x%02x' % raw[i])
        elif char in '"\\':
            out.append('\\' + char)
        elif char in '\a\b\f\n\r\t\v':
            out.append('\\' + 'abfnrtv'['\a\b\f\n\r\t\v'.index(char)])
        elif char == ' ' or char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append('\\x%02x' % ord(char))
        elif ord(char) < 0x10000:
            out.append('\\u%04x' % ord(char))
        else:
            out.append('\\U%08x' % ord(char))
        i += size
    return ''.join(out) + '"'


def go_query_unescape(raw):
    """url.QueryUnescape on bytes: ``%XX`` decoded, ``+`` made a space; a bad escape is Go's EscapeError."""
    i = 0
    while i < len(raw):
        if raw[i:i + 1] == b'%':
            if i + 2 >= len(raw) or raw[i + 1] not in _HEX or raw[i + 2] not in _HEX:
                raise GoError('invalid URL escape %s' % go_quote(raw[i:i + 3]))
            i += 3
        else:
            i += 1
    out = bytearray()
    i = 0
    while i < len(raw):
        byte = raw[i]
        if byte == ord('%'):
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
            continue
        out.append(ord(' ') if byte == ord('+') else byte)
        i += 1
    return bytes(out)


def go_query_value(raw_query, key):
    """gin's ``c.Query(key)``: the first value url.ParseQuery finds for ``key`` (bytes), b'' when none.

    ParseQuery splits on '&', skips a pair that holds ';' or whose key or value has a bad escape (so such a
    value reads as absent), and unescapes both halves.
    """
    if isinstance(raw_query, str):
        try:
            raw_query = raw_query.encode('latin-1')  # http.server hands the request line over as latin-1
        except UnicodeEncodeError:
            raw_query = raw_query.encode('utf-8')
    for pair in raw_query.split(b'&'):
        if b';' in pair or not pair:
            continue
        name, dummy, value = pair.partition(b'=')
        try:
            if go_query_unescape(name) == key.encode('utf-8'):
                return go_query_unescape(value)
        except GoError:
            continue
    return b''


_B64 = b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
_B64_MAP = {byte: value for value, byte in enumerate(_B64)}


def _corrupt(offset):
    return GoError('illegal base64 data at input byte %d' % offset)


def go_base64_std_decode(src):
    """base64.StdEncoding.DecodeString: '\\r' and '\\n' skipped, '=' padding required, and on bad input Go's
    CorruptInputError with the offset its decodeQuantum computes."""
    out = bytearray()
    si = 0
    while si < len(src):
        # One decodeQuantum call.
        dbuf = [0, 0, 0, 0]
        dlen = 4
        trailing = None
        j = 0
        while j < 4:
            if si == len(src):
                if j == 0:
                    return bytes(out)
                raise _corrupt(si - j)  # j == 1, or padding is required (StdEncoding)
            char = src[si]
            si += 1
            if char in _B64_MAP:
                dbuf[j] = _B64_MAP[char]
                j += 1
                continue
            if char in b'\r\n':
                continue
            if char != ord('='):
                raise _corrupt(si - 1)
            if j in (0, 1):
                raise _corrupt(si - 1)
            if j == 2:
                while si < len(src) and src[si] in b'\r\n':
                    si += 1
                if si == len(src):
                    raise _corrupt(len(src))
                if src[si] != ord('='):
                    raise _corrupt(si - 1)
                si += 1
            while si < len(src) and src[si] in b'\r\n':
                si += 1
            if si < len(src):
                trailing = si
            dlen = j
            break
        value = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
        out.extend(value.to_bytes(3, 'big')[:dlen - 1])
        if trailing is not None:
            raise _corrupt(trailing)
    return bytes(out)


def go_pem_encode(block_type, der):
    """pem.EncodeToMemory with no headers: base64 in 64-character lines, each line (the last too) ending in '\\n'."""
    body = base64.b64encode(der).decode('ascii')
    lines = ''.join(body[i:i + 64] + '\n' for i in range(0, len(body), 64))
    return '-----BEGIN %s-----\n%s-----END %s-----\n' % (block_type, lines, block_type)


def go_rsa_decrypt_pkcs1v15(n, d, ciphertext):
    """rsa.DecryptPKCS1v15 with the private key (n, d): the message, or GoError ``crypto/rsa: decryption error``.

    Done by hand, as Go does it: OpenSSL 3.2 and later (newer cryptography wheels) answer a bad padding with a
    random message of their own ("implicit rejection") where Go refuses. The ciphertext is read as a big-endian
    number (shorter is fine, not below n is refused), then the block must be 00 02, at least 8 non-zero bytes,
    00 and the message.
    """
    size = (n.bit_length() + 7) // 8
    value = int.from_bytes(ciphertext, 'big')
    if size < 11 or value >= n:
        raise GoError('crypto/rsa: decryption error')
    block = pow(value, d, n).to_bytes(size, 'big')
    zero = block.find(b'\x00', 2)
    if block[:2] != b'\x00\x02' or zero < 10:
        raise GoError('crypto/rsa: decryption error')
    return block[zero + 1:]
