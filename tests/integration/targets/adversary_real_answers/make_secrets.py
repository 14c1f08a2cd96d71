# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the secrets the playbooks use, and the fault whose description Go's json.Marshal escaped, into the cwd."""
import base64
import json
import random
import textwrap
from urllib.parse import quote


def google_key(seed):
    """A JSON key file as Google writes it for a service account (the password of the registry user _json_key)."""
    rng = random.Random(seed)
    body = base64.b64encode(bytes(rng.getrandbits(8) for dummy in range(1216))).decode()
    private = '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' % '\n'.join(textwrap.wrap(body, 64))
    project = 'zadig-adv-%04d' % rng.randrange(10000)
    email = 'ci-pusher@%s.iam.gserviceaccount.com' % project
    return json.dumps({
        'type': 'service_account', 'project_id': project, 'private_key_id': '%040x' % rng.getrandbits(160),
        'private_key': private, 'client_email': email, 'client_id': str(rng.getrandbits(64)),
        'auth_uri': 'https://accounts.google.com/o/oauth2/auth', 'token_uri': 'https://oauth2.googleapis.com/token',
        'auth_provider_x509_cert_url': 'https://www.googleapis.com/oauth2/v1/certs',
        'client_x509_cert_url': 'https://www.googleapis.com/robot/v1/metadata/x509/' + quote(email),
        'universe_domain': 'googleapis.com'}, indent=2) + '\n'


def go_json(value):
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    for raw, esc in (('<', '\\u003c'), ('>', '\\u003e'), ('&', '\\u0026'), ('\u2028', '\\u2028'),
                     ('\u2029', '\\u2029')):
        text = text.replace(raw, esc)
    return text


ODD = ('go<html>&"quote"\\back\'slash-9f3b &amp; <script>\n'
       'second line ünïcødé 密码 🔑 with a\ttab and a \x1b[0m escape\n'
       '   third line, padded   \n')

with open('gcr-key.json', 'w', encoding='utf-8') as handle:
    handle.write(google_key(21))
with open('gcr-key-rotated.json', 'w', encoding='utf-8') as handle:
    handle.write(google_key(22))
with open('odd-secret.txt', 'w', encoding='utf-8') as handle:
    handle.write(ODD)
# A 500 whose description holds the create body as Go's json.Marshal writes it.
description = 'invalid request: ' + go_json({'access_key': '_json_key', 'secret_key': ODD})
with open('go-echo-fault.json', 'w', encoding='utf-8') as handle:
    json.dump({'kind': 'malformed', 'method': 'POST', 'status': 500, 'count': 1,
               'raw': go_json({'code': 500, 'description': description, 'message': 'Internal Error: '})}, handle)
