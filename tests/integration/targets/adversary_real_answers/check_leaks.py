# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""check_leaks.py OUTPUT SECRET_FILE...: fail when any form of a secret appears in OUTPUT.

Forms (the promise's list): the whole secret (as the file holds it, and as lookup('file') returns it, with its
trailing newline stripped), stripped, each line of at least 8 characters, JSON-escaped by Python (ASCII or UTF-8) and
by Go (UTF-8 kept; <, >, &, U+2028 and U+2029 escaped), each of those escaped once more (as a JSON result shows them),
and URL-quoted. A secret file may also be a Python repr of the dict ansible-core < 2.19 makes of a JSON file.
"""
import ast
import json
import sys
from urllib.parse import quote, quote_plus


def go_escape(secret):
    text = json.dumps(secret, ensure_ascii=False)[1:-1]
    for raw, esc in (('<', '\\u003c'), ('>', '\\u003e'), ('&', '\\u0026'), ('\u2028', '\\u2028'),
                     ('\u2029', '\\u2029')):
        text = text.replace(raw, esc)
    return text


def forms(secret):
    out = {secret, secret.strip()}
    out.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 8)
    for escaped in (json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], go_escape(secret)):
        out.update((escaped, json.dumps(escaped)[1:-1], json.dumps(escaped, ensure_ascii=False)[1:-1]))
    out.update((quote(secret, safe=''), quote_plus(secret), quote(secret)))
    return {form for form in out if len(form.strip()) >= 8}


def main():
    with open(sys.argv[1], encoding='utf-8', errors='replace') as handle:
        output = handle.read()
    found = 0
    for path in sys.argv[2:]:
        with open(path, encoding='utf-8') as handle:
            raw = handle.read()
        secrets = {raw, raw.rstrip('\n')}
        try:  # what ansible-core < 2.19 makes of a JSON file: a dict, then str() of it
            secrets.add(str(ast.literal_eval(raw)))
        except (ValueError, SyntaxError):
            pass
        for secret in secrets:
            for form in sorted(forms(secret), key=len):
                if form in output:
                    line = next(i for i, text in enumerate(output.splitlines(), 1) if form.splitlines()[0] in text)
                    print('LEAK: a form of %s (%r...) appears in the output, line %d' % (path, form[:50], line))
                    found += 1
                    break
    sys.exit(1 if found else 0)


if __name__ == '__main__':
    main()
