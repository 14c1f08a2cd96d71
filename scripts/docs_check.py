# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the Markdown pages as their readers get them, for ``render_docs.py --check``.

``html_links`` reads the link targets out of the page rendered to HTML (CommonMark with tables, close to what
Galaxy shows), so no Markdown spelling of a link escapes a regular expression. ``lost_words`` compares the words
and link targets of a page rendered from its Markdown with those of its RST rendered by docutils, so the docsite
never silently drops or garbles what Galaxy shows.
"""

from __future__ import annotations

import difflib
import html
import html.parser
import re

from markdown_it import MarkdownIt


def _render(markdown):
    return MarkdownIt('commonmark').enable('table').render(markdown)


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets = []

    def handle_starttag(self, tag, attrs):
        self.targets += [value for name, value in attrs if name in ('href', 'src') and value is not None]


def html_links(markdown):
    """The href and src targets of the rendered page, raw HTML in it included (attribute names in any case)."""
    parser = _Links()
    parser.feed(_render(markdown))
    return parser.targets


def _words(page_html):
    page_html = re.sub(r'<!--.*?-->', ' ', page_html, flags=re.S)
    page_html = re.sub(r'<a [^>]*href="([^"#]*)"[^>]*>', lambda m: ' LINK:%s ' % m.group(1), page_html)
    text = html.unescape(re.sub(r'<[^>]+>', ' ', page_html))
    return [w for w in re.findall(r"LINK:\S*|\w[\w'\u2019.-]*\w|\w|[^\w\s]", text) if re.search(r'\w|[|<>\[\]()`*_\\]', w)]


def _rst_html(rst):
    from docutils import nodes
    from docutils.core import publish_string
    from docutils.parsers.rst import roles

    def shown(name, rawtext, text, lineno, inliner, options=None, content=None):
        match = re.match(r'^(.*?)\s*<([^>]*)>$', text, re.S)
        words = match.group(1) if match else text.split('#')[0]
        return [nodes.literal(rawtext, words) if name == 'ansplugin' else nodes.inline(rawtext, words)], []

    for role in ('ansplugin', 'ref'):
        roles.register_local_role(role, shown)
    out = publish_string(rst, writer_name='html5', settings_overrides={
        'report_level': 5, 'halt_level': 5, 'output_encoding': 'unicode', 'syntax_highlight': 'none'})
    return out.split('<main>', 1)[-1] if '<main>' in out else out.split('<body>', 1)[-1]


def lost_words(markdown, rst):
    """What differs between the words (and link targets) of the Markdown page and of its RST, as readable lines."""
    ours = _words(_render(re.sub(r'<!--.*?-->', ' ', markdown, flags=re.S)))
    theirs = _words(_rst_html(rst))
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    return ['%s: Markdown %r, docsite %r' % (op, ' '.join(ours[a:b])[:120], ' '.join(theirs[c:d])[:120])
            for op, a, b, c, d in matcher.get_opcodes() if op != 'equal']
