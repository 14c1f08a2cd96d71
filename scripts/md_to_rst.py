# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Markdown subset of docs/*.md as reStructuredText, for the antsibull-docs docsite.

Galaxy renders the Markdown; antsibull-docs takes only RST. Keeping the Markdown the single source means converting
it, and a small converter for the subset the pages use is easier to trust than a general one: headings (ATX),
paragraphs, bullet and numbered lists (nested blocks inside), fenced code blocks, pipe tables, HTML comments, inline
code, ``**bold**``, ``*italic*``, links and in-page anchors. Anything else (block quotes, setext headings, rules,
indented code, raw HTML, images, reference links) raises MarkdownError naming the line, so nothing is silently lost.
"""

from __future__ import annotations

import re
import unicodedata

HEADING = re.compile(r'^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$')
FENCE = re.compile(r'^(`{3,}|~{3,})\s*([\w+-]*)\s*$')
MARKER = re.compile(r'^([-*+]|(\d{1,9})[.)])( +|$)')
DELIMITER_ROW = re.compile(r'^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$')
UNSUPPORTED = [
    (re.compile(r'^>'), 'block quote'),
    (re.compile(r'^(\*\s*){3,}$|^(_\s*){3,}$|^(-\s*){3,}$|^=+\s*$'), 'rule or setext heading'),
    (re.compile(r'^</?[A-Za-z][A-Za-z0-9-]*(\s|/?>|$)'), 'raw HTML block'),
    (re.compile(r'^\[[^\]]+\]:\s'), 'reference link definition'),
]
INLINE = re.compile(
    r'(?P<code>(?P<ticks>`+)(?P<codetext>.+?)(?<!`)(?P=ticks)(?!`))'
    r'|(?P<image>!\[[^\]]*\](\([^)]*\))?)'
    r'|\[(?P<ltext>[^\]]*)\]\((?P<url>[^)\s]+)\)'
    r'|(?P<reflink>\[[^\]]*\]\[[^\]]*\])'
    r'|<(?P<auto>https?://[^>\s]+)>'
    r'|(?P<bare>https?://[^\s<>()`]*[^\s<>()`.,;:!?\'"])'
    r'|(?P<html></?[A-Za-z][A-Za-z0-9-]*(\s[^>]*)?/?>)'
    r'|\*\*(?=\S)(?P<strong>.+?)(?<=\S)\*\*'
    r'|\*(?=[^\s*])(?P<em>.+?)(?<=[^\s*])\*'
    r'|\\(?P<escaped>[!-/:-@\[-`{-~])'
)
# docutils' inline markup recognition rules (ASCII part): what may stand right before a start-string, right after
# an end-string. Anything else gets an escaped space ("\ "), which renders as nothing.
BEFORE = set(' \t-:/\'"<([{')
AFTER = set(' \t-.,:;!?\\/\'")]}>')
KINDS = ['code', 'image', 'ltext', 'reflink', 'auto', 'bare', 'html', 'strong', 'em', 'escaped']
LEVELS = ['=', '=', '-', '^', '"', '~']  # the title gets '=' above and below, sections the rest


class MarkdownError(ValueError):
    """Markdown outside the subset, at a 1-based line of the page."""

    def __init__(self, lineno, message):
        super().__init__('line %d: %s' % (lineno, message))
        self.lineno, self.message = lineno, message


def plain(text):
    """A heading's text without inline markup, as GitHub (and Galaxy) see it for the anchor."""
    text = re.sub(r'`+([^`]*)`+', r'\1', text)
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)
    text = re.sub(r'\*+([^*]+)\*+', r'\1', text)
    return re.sub(r'\\([!-/:-@\[-`{-~])', r'\1', text)


def slugs(markdown):
    """The anchor of every heading (GitHub's rule: lower case, punctuation dropped, spaces to '-', repeats -1, -2)."""
    seen, result, fenced = {}, [], False
    for line in markdown.splitlines():
        if FENCE.match(line.strip()):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            slug = re.sub(r'[^\w\- ]', '', plain(match.group(2)).lower()).replace(' ', '-')
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            result.append(slug if count == 0 else '%s-%d' % (slug, count))
    return result


def _indent(line):
    return len(line) - len(line.lstrip(' '))


def _starts_block(line):
    """Whether a line ends the paragraph above it (an ordered list only from 1, as in CommonMark)."""
    stripped, marker = line.strip(), MARKER.match(line.strip())
    return bool(HEADING.match(stripped) or FENCE.match(stripped) or stripped.startswith('<!--')
                or any(pattern.match(stripped) for pattern, _what in UNSUPPORTED)
                or (marker and marker.group(2) in (None, '1') and stripped != marker.group(0).strip()))


def _parse(lines, first):
    """Blocks of (kind, lineno, data); lines are one container's lines, ``first`` the page line of lines[0]."""
    blocks, i = [], 0
    while i < len(lines):
        line, lineno = lines[i], first + i
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if _indent(line) >= 4:
            raise MarkdownError(lineno, 'indented code block: use a fenced block with a language')
        for pattern, what in UNSUPPORTED:
            if pattern.match(stripped):
                raise MarkdownError(lineno, '%s is outside the Markdown subset docs/*.md may use' % what)
        heading, fence, marker = HEADING.match(stripped), FENCE.match(stripped), MARKER.match(stripped)
        if heading:
            blocks.append(('heading', lineno, (len(heading.group(1)), heading.group(2))))
            i += 1
        elif fence:
            end = i + 1
            while end < len(lines) and not (lines[end].strip().startswith(fence.group(1)[0] * len(fence.group(1)))
                                            and not lines[end].strip().strip(fence.group(1)[0])):
                end += 1
            if end == len(lines):
                raise MarkdownError(lineno, 'code block never closed')
            pad = _indent(line)
            code = [l[min(pad, _indent(l)):] for l in lines[i + 1:end]]
            blocks.append(('code', lineno, (fence.group(2) or 'text', code)))
            i = end + 1
        elif stripped.startswith('<!--'):
            end = i
            while '-->' not in lines[end]:
                end += 1
                if end == len(lines):
                    raise MarkdownError(lineno, 'HTML comment never closed')
            body = ' '.join(l.strip() for l in lines[i:end + 1])
            blocks.append(('comment', lineno, body[4:body.index('-->')].strip()))
            i = end + 1
        elif stripped.startswith('|') and i + 1 < len(lines) and DELIMITER_ROW.match(lines[i + 1].strip()):
            end = i + 2
            while end < len(lines) and lines[end].strip().startswith('|'):
                end += 1
            rows = [_cells(lines[i])] + [_cells(l) for l in lines[i + 2:end]]
            blocks.append(('table', lineno, [row + [''] * (len(rows[0]) - len(row)) for row in rows]))
            i = end
        elif marker:
            i = _parse_list(lines, i, first, blocks)
        else:
            end = i + 1
            while end < len(lines) and lines[end].strip() and not _starts_block(lines[end]):
                end += 1
            blocks.append(('para', lineno, ' '.join(l.strip() for l in lines[i:end])))
            i = end
    return blocks


def _cells(row):
    """A table row's cells; ``\\|`` is a pipe inside a cell, code spans included (as GitHub does)."""
    row = row.strip()
    row = row[1:] if row.startswith('|') else row
    row = row[:-1] if row.endswith('|') and not row.endswith('\\|') else row
    return [cell.strip().replace('\\|', '|') for cell in re.split(r'(?<!\\)\|', row)]


def _parse_list(lines, i, first, blocks):
    """One list (items of the same kind at this indent); returns the index after it."""
    ordered, base, begin = MARKER.match(lines[i].strip()).group(2) is not None, _indent(lines[i]), i
    items, start = [], None
    while i < len(lines):
        marker = MARKER.match(lines[i][base:]) if _indent(lines[i]) == base else None
        if not marker or (marker.group(2) is not None) != ordered:
            break
        if start is None and ordered:
            start = int(marker.group(2))
        width = base + (len(marker.group(0)) if marker.group(3) else len(marker.group(1)) + 1)
        body, lineno, end = [lines[i][width:]], first + i, i + 1
        while end < len(lines):
            line = lines[end]
            if not line.strip():
                body.append('')
            elif _indent(line) >= width:
                body.append(line[width:])
            elif body[-1].strip() and not _starts_block(line) and not MARKER.match(line.strip()):
                body.append(line.strip())  # lazy continuation of the item's paragraph
            else:
                break
            end += 1
        while body and not body[-1].strip():
            body.pop()
            end -= 1
        if not body:
            raise MarkdownError(lineno, 'an empty list item')
        items.append(_parse(body, lineno))
        i = max(end, i + 1)
        while i < len(lines) and not lines[i].strip():
            i += 1
    blocks.append(('list', first + begin, (start, items)))
    return i


def _escape(text):
    text = re.sub(r'([\\*`|])', r'\\\1', text)
    return re.sub(r'_(?!\w)', r'\\_', text)


def _uri(url):
    """An embedded URI for RST: one ending in '_' would be read as a reference name."""
    return url[:-1] + '\\_' if url.endswith('_') else url


def _link_text(text):
    return re.sub(r'([\\`<>])', r'\\\1', plain(text)) or '?'


class _Page:
    """What rendering one page needs to know: its label, its plugins, its anchors and where it is."""

    def __init__(self, label, plugins, anchors):
        self.label, self.plugins, self.slugs, self.heading, self.lineno = label, plugins or {}, anchors, 0, 1

    def inline(self, text, linkable=True):
        pieces, pos = [], 0  # (is_markup, rst)
        for match in INLINE.finditer(text):
            if match.start() > pos:
                pieces.append((False, _escape(text[pos:match.start()])))
            pieces.append(self._token(match, linkable))
            pos = match.end()
        if pos < len(text):
            pieces.append((False, _escape(text[pos:])))
        out = ''
        for index, (markup, rst) in enumerate(pieces):
            if markup and out and out[-1] not in BEFORE:
                out += '\\ '
            out += rst
            following = pieces[index + 1][1][:1] if index + 1 < len(pieces) else ''
            if markup and following and following not in AFTER:
                out += '\\ '
        return out

    def _token(self, match, linkable):
        kind = next(k for k in KINDS if match.group(k) is not None)
        if kind == 'code':
            code = match.group('codetext').strip()  # RST cannot start or end a literal with a space
            if linkable and code in self.plugins:
                return True, ':ansplugin:`%s#%s`' % (code, self.plugins[code])
            return True, '``%s``' % code
        if kind in ('image', 'reflink', 'html'):
            raise MarkdownError(self.lineno, '%s %r is outside the Markdown subset' % (kind, match.group(0)))
        if kind == 'escaped':
            return False, _escape(match.group('escaped'))
        if kind in ('auto', 'bare'):
            url = match.group(kind)
            return True, '`%s <%s>`__' % (_link_text(url), _uri(url))
        if kind == 'ltext':
            text, url = match.group('ltext'), match.group('url')
            if url.startswith('#'):
                target = self.label if url[1:] == self.slugs[0] else '%s.%s' % (self.label, url[1:])
                return True, ':ref:`%s <%s>`' % (_link_text(text), target)
            return True, '`%s <%s>`__' % (_link_text(text), _uri(url))
        return True, ('**%s**' if kind == 'strong' else '*%s*') % _escape(plain(match.group(kind)))


def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)


def _paragraph(rst):
    """A paragraph whose start or end RST would read as markup gets escaped: a list, an option or field list, a
    doctest, a transition, a literal block ("::" at the end)."""
    if rst[:1] in ('-', '+', '#', '.', '>', '/', '(') or re.match(
            r'(\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)](\s|$)|:[^:\s`][^:`]*:(\s|$)|::', rst):
        rst = '\\' + rst
    return rst[:-2] + '\\::' if rst.endswith('::') else rst


def _render(blocks, page, depth=None):
    """RST lines for blocks. ``depth`` holds the Markdown levels of the open sections (None inside a list), so a
    heading that skips a level still nests one level down, as RST requires."""
    out = []
    for kind, lineno, data in blocks:
        page.lineno = lineno
        if out:
            out.append('')
        if kind == 'heading':
            if depth is None:
                raise MarkdownError(lineno, 'a heading inside a list')
            level, text = data
            while depth and depth[-1] >= level:
                depth.pop()
            depth.append(level)
            slug, title = page.slugs[page.heading], page.inline(text, linkable=False)
            label = page.label if page.heading == 0 else '%s.%s' % (page.label, slug)
            page.heading += 1
            char = LEVELS[len(depth) - 1]
            out += ['.. _%s:' % label, ''] + ([char * _width(title)] if len(depth) == 1 else [])
            out += [title, char * _width(title)]
        elif kind == 'para':
            out.append(_paragraph(page.inline(data)))
        elif kind == 'code':
            lang, code = data
            out += ['.. code-block:: %s' % lang, ''] + [('   ' + l).rstrip() for l in code]
        elif kind == 'comment':
            out += ['..', '   ' + data] if data else ['..']
        elif kind == 'table':
            out += ['.. list-table::', '   :header-rows: 1', '']
            for row in data:
                cells = [_paragraph(page.inline(c)) for c in row]
                out += [('   * - ' + cells[0]).rstrip()] + [('     - ' + c).rstrip() for c in cells[1:]]
        elif kind == 'list':
            start, items = data
            for number, item in enumerate(items, start or 0):
                marker = '%d.' % number if start is not None else '-'
                lines = _render(item, page) or ['']
                out += [(marker + ' ' + lines[0]).rstrip()] + [(' ' * (len(marker) + 1) + l).rstrip() for l in lines[1:]]
    return out


def convert(markdown, label, plugins=None, header=None):
    """The page as RST. ``label`` is the title's label; each section gets ``label.<anchor>``, so an in-page
    ``#anchor`` link becomes a :ref:. ``plugins`` maps an FQCN to its plugin type: inline code that is exactly such
    a name becomes an :ansplugin: link to the plugin's page. ``header`` becomes a comment on top."""
    blocks = _parse(markdown.splitlines(), 1)
    headings = [(lineno, data[0]) for kind, lineno, data in blocks if kind == 'heading']
    if not blocks or blocks[0][0] != 'heading' or headings[0][1] != 1:
        raise MarkdownError(1, 'a page starts with its title, a "# " heading')
    for lineno, level in headings[1:]:
        if level == 1:
            raise MarkdownError(lineno, 'a page has one "# " heading, its title')
    page = _Page(label, plugins, slugs(markdown))
    return '\n'.join((['..', '   ' + header, ''] if header else []) + _render(blocks, page, [])) + '\n'
