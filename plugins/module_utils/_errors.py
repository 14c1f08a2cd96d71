# -*- coding: utf-8 -*-
# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error a request to Zadig ends in, and the words that tell a user what to do about it. Not a public API."""

from __future__ import annotations

import re

WRITES = ('POST', 'PUT', 'DELETE')
LICENCE_CODE = 7050
_TITLE = re.compile(r'<title[^>]*>(.*?)</title>', re.I | re.S)
DOWN_HINT = ('check that Zadig is running, that zadig_url (or ZADIG_URL) names its address and port, and that this '
             'host can reach it (DNS, firewall, HTTPS_PROXY and NO_PROXY)')


class ZadigAPIError(Exception):
    """Any failure to get an answer we can use from Zadig.

    ``status`` is the HTTP status (None when no answer came), ``description``
    the server's own words, ``method`` and ``path`` the request (never its body).
    ``uncertain`` marks a write whose answer does not say whether it was saved.
    """

    def __init__(self, message, status=None, description=None, method=None, path=None, delivered=True,
                 uncertain=False, code=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.description = description
        self.method = method
        self.path = path
        self.delivered = delivered
        self.uncertain = uncertain
        self.retry_after = None  # seconds a 429 or 503 asked to wait (Retry-After), when it said

    @property
    def licence(self):
        """Zadig's licence check refused the request: its edition lacks a Professional or Enterprise licence."""
        return self.status == 400 and self.code == LICENCE_CODE

    @property
    def maybe_applied(self):
        """A write that got no answer, a 5xx or an answer we cannot read may have been committed: Zadig writes, then
        syncs its DinD, and a failed sync answers 500 after the commit."""
        return self.method in WRITES and (self.status is None or self.status >= 500 or self.uncertain)

    @property
    def safe_to_resend(self):
        """Only a write the server refused outright (503) or never received (no connection) may be sent again.

        A timeout, a dropped connection, 502 or 504 can be followed by a commit
        that lands after we look, so resending could create a duplicate.
        """
        return self.status == 503 or not self.delivered

    def as_result(self):
        return dict(status=self.status, description=self.description, method=self.method, path=self.path)


def hint_for(status, method, path, reason=None, code=None):
    if status == 400 and code == LICENCE_CODE:
        return ("Zadig's licence check refused it: this Zadig edition has no Professional or Enterprise licence, "
                'which Zadig requires to change an ecr (or jfrog, acr-enterprise, tcr-enterprise) registry after '
                'its creation')
    if status == 401:
        return ('authentication failed: check zadig_token (or ZADIG_TOKEN) is a valid Zadig API token; from '
                "Zadig v4.3 on it must also be the user's current token (Zadig replaces it, for example when "
                'MFA becomes required) and the user must be allowed API tokens')
    if status == 403 and reason:
        return ('Zadig requires multi-factor authentication for the user of zadig_token (%s): make a new API token '
                'in Zadig after verifying MFA, or use a service account that needs none' % reason)
    if status == 403:
        return 'permission denied: the user of zadig_token must be a Zadig system administrator'
    if status == 404:
        return 'check that zadig_url is the root address of the Zadig server'
    if status == 405:
        return 'this Zadig server does not offer %s on %s' % (method, path)
    if status == 400:
        return 'the server refused the request'
    return None


def one_line(text, limit=300):
    text = re.sub(r'\s+', ' ', re.sub(r'[\x00-\x08\x0b-\x1f\x7f]', '', str(text))).strip()
    return text if len(text) <= limit else text[:limit] + '...'


def title(html):
    match = _TITLE.search(html)
    return ' "%s"' % one_line(match.group(1), 80) if match and match.group(1).strip() else ''


class TaskError(Exception):
    """A failure after the server was asked to change something; ``result`` says what it now holds."""

    def __init__(self, message, **result):
        super().__init__(message)
        self.result = result
