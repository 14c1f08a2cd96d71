# Copyright: (c) 2026, zadig.core contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An adversary's findings on 0.2 (drift, adoption, safe deletes), each against the simulator in-process.

Tests that fail reproduce a defect; tests that pass pin a promise nobody had tested in this form.
The promises are those of docs/user-guide.md, sections 5 to 6a (drift, adoption, safe deletes).
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.zadig.core.plugins.module_utils._api import ZadigClient
from ansible_collections.zadig.core.plugins.module_utils._entry import EXPECTED_ERRORS
from ansible_collections.zadig.core.plugins.module_utils._manage import TaskError, ensure_registries, registry_info
from ansible_collections.zadig.core.plugins.module_utils._registry import ConflictError, InputError
from ansible_collections.zadig.core.tests.simulator.zadig_simulator import Simulator
from ansible_collections.zadig.core.tests.unit.sim_transport import use_simulator

ADMIN = 'adversary-drift-admin-4c1e'
USER = 'adversary-drift-user-9b2d'
URL = 'https://zadig.example.com'
SECRET = 'SK-adversary-drift-77e1'
WRITES = ('POST', 'PUT', 'DELETE')
REFERENCES = 'GET /api/aslan/system/registry/namespaces/:id/references'


def _sim(monkeypatch, version='v4.2'):
    sim = Simulator(version=version, admin_tokens=[ADMIN], user_tokens=[USER], licensed=True)
    use_simulator(monkeypatch, sim)
    return sim


def _client(token=ADMIN):
    return ZadigClient(URL, token, backoff=0)


def _writes(sim):
    return [entry for entry in sim.log if entry[0] in WRITES]


def _native(host, namespace='ns', **kwargs):
    return dict(address='https://%s.example.com' % host, namespace=namespace, provider='native', **kwargs)


def _defaults(sim):
    return [doc['id'] for doc in sim.registries if doc['is_default']]


# ---- promise 1: drift, least privilege -----------------------------------------------------------------------------

@pytest.mark.parametrize('provider, region', [('swr', 'cn-north-4'), ('ecr', 'us-east-1')])
def test_a_check_run_with_a_non_admin_token_over_an_swr_or_ecr_update_warns_instead_of_failing(
        monkeypatch, provider, region):
    """DEFECT (promise 1, least privilege): an update of an swr/ecr registry makes prepare() re-read through the
    admin-only internal list outside the partial-read fallback, so an auditor's check run fails with HTTP 403
    instead of comparing the OpenAPI fields."""
    sim = _sim(monkeypatch)
    sim.seed('https://main.example.com', namespace='ns', is_default=True)
    sim.seed('https://cloud.example.com', provider=provider, namespace='ns', region=region)
    entries = [dict(address='https://cloud.example.com', namespace='ns', provider=provider, region=region,
                    is_default=True)]
    result = ensure_registries(_client(USER), entries, check_mode=True)
    assert [u['fields'] for u in result['drift']['update']] == [['is_default']]
    assert result['warnings']
    assert _writes(sim) == []


def test_fail_on_drift_with_a_non_admin_token_over_an_swr_update_fails_on_the_drift_not_on_403(monkeypatch):
    """DEFECT (promise 1): the same auditor's fail_on_drift job fails with the internal list's 403, not with the
    one-line drift summary, and its result carries no drift."""
    sim = _sim(monkeypatch)
    sim.seed('https://main.example.com', namespace='ns', is_default=True)
    sim.seed('https://cloud.example.com', provider='swr', namespace='ns', region='cn-north-4')
    entries = [dict(address='https://cloud.example.com', namespace='ns', provider='swr', region='cn-north-4',
                    is_default=True)]
    with pytest.raises(TaskError) as caught:
        ensure_registries(_client(USER), entries, fail_on_drift=True)
    assert str(caught.value).startswith('drift found: 0 to create, 1 to update, 0 to delete')
    assert caught.value.result['drift']['update'][0]['fields'] == ['is_default']


def test_a_non_admin_check_run_names_the_credentials_it_could_not_compare(monkeypatch):
    """Promise 1 held: an auditor's check run comparing a secret lists it under not_compared and warns."""
    sim = _sim(monkeypatch)
    sim.seed('https://a.example.com', namespace='ns', is_default=True, secret_key='stored')
    result = ensure_registries(_client(USER), [_native('a', secret_key=SECRET, is_default=False)], check_mode=True)
    assert result['drift']['not_compared'] == ['secret_key']
    assert [u['fields'] for u in result['drift']['update']] == [['is_default']]
    assert any('not compared' in w or 'were compared' in w for w in result['warnings'])
    assert SECRET not in json.dumps(result)
    assert _writes(sim) == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_fail_on_drift_is_one_line_writes_nothing_and_ignores_unmanaged(monkeypatch, check_mode):
    """Promise 1 held: one line, no write, drift in the failure; an unmanaged registry alone is no drift."""
    sim = _sim(monkeypatch)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://stray.example.com\nX', namespace='by\nhand')
    in_sync = ensure_registries(_client(), [_native('a', is_default=True)], check_mode=check_mode,
                                fail_on_drift=True)
    assert in_sync['drift']['in_sync'] and len(in_sync['drift']['unmanaged']) == 1
    before = sim.snapshot()
    with pytest.raises(TaskError) as caught:
        ensure_registries(_client(), [_native('a', is_default=True, secret_key=SECRET), _native('new')],
                          check_mode=check_mode, fail_on_drift=True)
    message = str(caught.value)
    assert '\n' not in message and SECRET not in message and SECRET not in json.dumps(caught.value.result)
    assert message.startswith('drift found: 1 to create, 1 to update, 0 to delete')
    assert caught.value.result['drift']['update'][0]['fields'] == ['secret_key']
    assert _writes(sim) == [] and sim.snapshot() == before


# ---- promise 2: export ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('params', [{'provider': 'harbor'}, {'is_default': True}, {'address': 'https://a.example.com', 'provider': 'native'}])
def test_an_export_filtered_past_a_duplicate_still_applies_without_change(monkeypatch, params):
    """DEFECT (promise 2): duplicates are looked for among the filtered registries only, so a registry whose twin
    the filter left out is exported by address and namespace, and applying the export fails: '2 registries match'."""
    sim = _sim(monkeypatch)
    sim.seed('https://a.example.com', provider='harbor', namespace='ns', is_default=True)
    sim.seed('https://A.example.com/', provider='native', namespace=' ns2 ')
    sim.seed('https://a.example.com', provider='native', namespace='ns')
    exported = registry_info(_client(), params)
    sim.log.clear()
    result = ensure_registries(_client(), exported['zadig_registries'], check_mode=True)
    assert result['drift']['in_sync'] and result['changed'] is False
    assert len(sim.log) == 1


def test_an_export_by_registry_id_of_a_duplicate_still_applies_without_change(monkeypatch):
    """DEFECT (promise 2): the same through the registry_id option of zadig_registry_info."""
    sim = _sim(monkeypatch)
    first = sim.seed('https://a.example.com', provider='harbor', namespace='ns', is_default=True)
    sim.seed('https://a.example.com', provider='harbor', namespace='ns')
    exported = registry_info(_client(), {'registry_id': first['id']})
    result = ensure_registries(_client(), exported['zadig_registries'], check_mode=True)
    assert result['drift']['in_sync']


def test_an_export_of_a_region_stored_with_spaces_applies_without_change(monkeypatch):
    """DEFECT (promise 2): a region stored with surrounding spaces is exported as stored, validate() trims it, the
    plan compares it untrimmed, and applying the export updates the region."""
    sim = _sim(monkeypatch)
    sim.seed('https://a.example.com', provider='harbor', namespace='ns', region=' cn-north-4 ', is_default=True)
    exported = registry_info(_client(), {})
    result = ensure_registries(_client(), exported['zadig_registries'], check_mode=True)
    assert result['drift']['in_sync'], result['drift']


def test_duplicates_do_not_group_different_hosts_behind_the_same_user_info(monkeypatch):
    """DEFECT (promise 2): normalise_address() takes 'user:password' of https://user:password@host for the host,
    so two registries on different hosts are reported as duplicates of one natural key."""
    sim = _sim(monkeypatch)
    sim.seed('https://robot:pw@a.example.com', namespace='ns', is_default=True)
    sim.seed('https://robot:pw@b.example.com', namespace='ns')
    assert registry_info(_client(), {})['duplicates'] == []


def _hostile(sim):
    """A server as the UI, old versions and people leave it: every oddity below at once."""
    pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    sim.seed('https://reg.example.com', provider='harbor', namespace='team', is_default=True, secret_key=SECRET,
             access_key='AK-adv', projects=None)
    sim.seed('HTTPS://Reg.Example.com/', provider='native', namespace=' team ', projects=[])
    sim.seed('reg.example.com:5000', provider='native', namespace='team')
    sim.seed('https://other.example.com:8443/', provider='acr-enterprise', namespace='x', is_default=True)
    sim.seed('https://jf.example.com', provider='jfrog', namespace='x', enable_tls=False, tls_cert=pem)
    sim.seed('https://empty.example.com', provider='', namespace='x')
    sim.seed('https://spaces.example.com', provider='native', namespace='my team', projects=['<all_projects>'])
    sim.seed('https://ecr.example.com', provider='ecr', namespace='', region='us-east-1', enable_tls=True,
             tls_cert=pem, projects=['p2', 'p1'])
    sim.seed('https://tls.example.com', provider='native', namespace='t', enable_tls=False, tls_cert=pem)


@pytest.mark.parametrize('details', [False, True])
def test_the_export_of_a_hostile_server_applies_without_change_in_one_or_two_requests(monkeypatch, details):
    """Promise 2 held: duplicates, odd addresses and providers, two defaults, spaces, ecr without namespace, a
    certificate with TLS off, projects null/[]/all: the export applies with no change, no secret shown."""
    sim = _sim(monkeypatch)
    _hostile(sim)
    exported = registry_info(_client(), {'details': details})
    assert SECRET not in json.dumps(exported) and 'AK-adv' not in json.dumps(exported)
    assert [len(group) for group in exported['duplicates']] == [2]
    before = sim.snapshot()
    for check_mode in (True, False):
        sim.log.clear()
        result = ensure_registries(_client(), exported['zadig_registries'], check_mode=check_mode)
        assert result['drift']['in_sync'] and result['drift']['unmanaged'] == [] and not result['changed']
        assert len(sim.log) <= (2 if details else 1)
    assert sim.snapshot() == before


# ---- promise 3: safe deletes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [True, False])
def test_purge_keeps_the_default_in_use_even_when_the_list_says_another_is_not_default(monkeypatch, check_mode):
    """DEFECT (promise 3): the heir check runs on the plan made before Zadig is asked who uses a registry, so a
    purge that must keep the default (in use) is refused because deleting it would have moved the default."""
    sim = _sim(monkeypatch)
    used = sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    result = ensure_registries(_client(), [_native('b', is_default=False)], purge=True, check_mode=check_mode)
    assert [u['registry_id'] for u in result['drift']['unmanaged']] == [used['id']]
    assert result['drift']['delete'] == []
    assert any('shop' in w and 'prod' in w for w in result['warnings'])
    assert _writes(sim) == []


def test_purge_on_v41_keeps_the_default_zadig_refuses_to_delete_and_succeeds(monkeypatch):
    """DEFECT (promise 3, v4.1): Zadig refuses to delete the default in use, the purge keeps it, but the read-back
    checks another registry against the prediction that it inherited the default, and the run fails."""
    sim = _sim(monkeypatch, 'v4.1')
    used = sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns', provider='native')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    result = ensure_registries(_client(), [dict(_native('b'), provider='harbor')], purge=True)
    assert any('an environment uses it' in w for w in result['warnings'])
    assert used['id'] in [doc['id'] for doc in sim.registries]
    assert result['purged'] == []


@pytest.mark.parametrize('version', ['v4.2', 'main'])
@pytest.mark.parametrize('absent_first', [True, False])
def test_deleting_the_default_whose_heir_says_not_default_is_refused_whatever_the_list_order(
        monkeypatch, version, absent_first):
    """DEFECT (user guide, 'Deleting safely': 'a list whose entry for that registry says is_default: false is
    refused'): only when the heir's entry comes first. Listed after the absent entry, the heir is planned on the
    snapshot where it already inherited the default and is set back to false: v4.2 is left with no default, and
    on main the check run succeeds while the real run fails after the delete."""
    sim = _sim(monkeypatch, version)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns')
    entries = [dict(address='https://a.example.com', namespace='ns', state='absent'), _native('b', is_default=False)]
    if not absent_first:
        entries.reverse()
    for check_mode in (True, False):
        with pytest.raises(ConflictError, match='hand the default to registry https://b.example.com'):
            ensure_registries(_client(), entries, check_mode=check_mode)
    assert _writes(sim) == []


@pytest.mark.parametrize('check_mode', [True, False])
def test_an_absent_entry_in_use_fails_before_any_write_naming_projects_and_environments(monkeypatch, check_mode):
    """Promise 3 held (v4.2): naming every project and environment, no write; a purge list naming nothing is
    refused before any request; nothing deleted means no references request."""
    sim = _sim(monkeypatch)
    keep = sim.seed('https://keep.example.com', namespace='ns', is_default=True)
    used = sim.seed('https://used.example.com', namespace='ns')
    sim.add_env(used['id'], project_name='shop', project_alias='Web shop', env_name='dev')
    sim.add_env(used['id'], project_name='shop', env_name='prod')
    sim.add_env(used['id'], project_name='blog', env_name='qa')
    with pytest.raises(ConflictError) as caught:
        ensure_registries(_client(), [dict(address='https://used.example.com', namespace='ns', state='absent')],
                          check_mode=check_mode)
    assert 'project shop (Web shop): environments dev, prod' in str(caught.value)
    assert 'project blog: environment qa' in str(caught.value)
    assert _writes(sim) == []
    sim.log.clear()
    for entries in ([], [dict(address='https://keep.example.com', namespace='ns', state='absent')]):
        with pytest.raises(InputError):
            ensure_registries(_client(), entries, purge=True, check_mode=check_mode)
    assert sim.log == []
    result = ensure_registries(_client(), [_native('keep', is_default=True),
                                           dict(address='https://gone.example.com', namespace='ns', state='absent')],
                               check_mode=check_mode, dedupe=True)
    assert result['drift']['in_sync'] and [entry[2] for entry in sim.log] == ['GET /openapi/system/registry']
    assert keep['id'] in _defaults(sim)


@pytest.mark.parametrize('version', ['v4.1', 'v4.2', 'main'])
def test_check_mode_names_the_registry_that_inherits_the_default(monkeypatch, version):
    """Promise 3 held: the heir check mode warns about is the one Zadig makes the default."""
    sim = _sim(monkeypatch, version)
    sim.seed('https://z.example.com', namespace='ns')
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    heir = sim.seed('https://m.example.com', namespace='ns')
    entries = [dict(address='https://a.example.com', namespace='ns', state='absent'), _native('m')]
    checked = ensure_registries(_client(), entries, check_mode=True)
    done = ensure_registries(_client(), entries)
    assert checked['drift'] == done['drift']
    named = [w for w in checked['warnings'] if 'the default' in w]
    assert len(named) == 1 and _defaults(sim)[0] in named[0]
    assert heir['id'] not in named[0]


# ---- promise 4: dedupe ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode', [True, False])
def test_dedupe_never_deletes_a_registry_the_list_names_by_registry_id(monkeypatch, check_mode):
    """DEFECT (promise 4): an entry naming one duplicate by registry_id and another entry naming their address and
    namespace: dedupe deletes the registry the first entry updates. Check mode reports the same id under update
    and delete; the real run deletes it, then dies with a StopIteration traceback verifying the update."""
    sim = _sim(monkeypatch)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    named = sim.seed('https://a.example.com', namespace='ns')
    entries = [{'registry_id': named['id'], 'provider': 'harbor'}, {'address': 'https://a.example.com', 'namespace': 'ns'}]
    try:
        result = ensure_registries(_client(), entries, dedupe=True, check_mode=check_mode)
    except EXPECTED_ERRORS:
        assert _writes(sim) == []
        return
    drift = result['drift']
    assert named['id'] not in [d['registry_id'] for d in drift['delete']]
    assert named['id'] in [doc['id'] for doc in sim.registries]


def test_dedupe_keeps_in_use_then_default_then_oldest_and_applies_the_entry(monkeypatch):
    """Promise 4 held: several in use, the default among duplicates (unused), spaces, case and trailing slash;
    check mode shows the same deletes; the rerun is in sync; without dedupe the entry lists every id."""
    sim = _sim(monkeypatch)
    oldest = sim.seed('https://dup.example.com', namespace='ns')
    default = sim.seed('HTTPS://Dup.Example.com/', namespace=' ns ', is_default=True)
    used_a = sim.seed('https://dup.example.com', namespace='ns ')
    used_b = sim.seed('https://dup.example.com/', namespace='ns')
    sim.add_env(used_a['id'], project_name='shop', env_name='prod')
    sim.add_env(used_b['id'], project_name='blog', env_name='qa')
    entry = dict(_native('dup'), provider='harbor')
    with pytest.raises(ConflictError) as caught:
        ensure_registries(_client(), [entry])
    assert all(doc['id'] in str(caught.value) for doc in (oldest, default, used_a, used_b))
    checked = ensure_registries(_client(), [entry], dedupe=True, check_mode=True)
    done = ensure_registries(_client(), [entry], dedupe=True)
    assert checked['drift'] == done['drift']
    assert sorted(d['registry_id'] for d in done['drift']['delete']) == sorted([oldest['id'], default['id']])
    assert [u['registry_id'] for u in done['drift']['update']] == [used_a['id']]
    assert [doc['id'] for doc in sim.registries] == [used_a['id'], used_b['id']]
    assert any('blog' in w and 'qa' in w for w in done['warnings'])
    assert ensure_registries(_client(), [entry], dedupe=True, check_mode=True)['drift']['in_sync']


def test_dedupe_without_use_keeps_the_default_else_the_oldest(monkeypatch):
    """Promise 4 held: no environment: the default is kept; with no default among them, the smallest ObjectID."""
    sim = _sim(monkeypatch)
    sim.seed('https://dup.example.com', namespace='ns')
    default = sim.seed('https://dup.example.com', namespace='ns', is_default=True)
    ensure_registries(_client(), [_native('dup')], dedupe=True)
    assert [doc['id'] for doc in sim.registries] == [default['id']]
    newer = sim.seed('https://other.example.com', namespace='ns', registry_id='ffffffffffffffffffffffff')
    older = sim.seed('https://other.example.com', namespace='ns', registry_id='000000000000000000000001')
    ensure_registries(_client(), [_native('other')], dedupe=True)
    assert older['id'] in [doc['id'] for doc in sim.registries]
    assert newer['id'] not in [doc['id'] for doc in sim.registries]


# ---- two defaults ---------------------------------------------------------------------------------------------------

def test_updating_a_second_default_does_not_take_the_default_from_the_one_the_list_marks(monkeypatch):
    """DEFECT (hostile server with two defaults): the list marks A is_default: true (already so) and changes only
    B's provider; B's update re-sends is_default: true, Zadig unsets A, the run reports success, and the rerun
    finds A to update."""
    sim = _sim(monkeypatch)
    first = sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.seed('https://b.example.com', namespace='ns', is_default=True)
    entries = [_native('a', is_default=True), dict(_native('b'), provider='harbor')]
    ensure_registries(_client(), entries)
    assert first['id'] in _defaults(sim)
    assert ensure_registries(_client(), entries, check_mode=True)['drift']['in_sync']


# ---- promise 5: versions ---------------------------------------------------------------------------------------------

def test_v43_rotated_token_and_mfa_are_named(monkeypatch):
    """Promise 5 held: a 401 from v4.3 says the token may have been replaced; an MFA 403 names its reason."""
    sim = _sim(monkeypatch, 'v4.3')
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    sim.rotate_token(ADMIN, 'adversary-drift-admin-new')
    with pytest.raises(TaskError, match="HTTP 401.*user's current token [(]Zadig replaces it"):
        ensure_registries(_client(), [_native('a')], check_mode=True)
    sim.require_mfa('adversary-drift-admin-new', 'mfa_enrollment_required')
    with pytest.raises(TaskError, match='HTTP 403.*mfa_enrollment_required'):
        ensure_registries(_client('adversary-drift-admin-new'), [_native('a')], check_mode=True)


@pytest.mark.parametrize('version', ['v4.1', 'v4.2', 'v5.0', 'main'])
def test_an_empty_500_names_the_registry_without_slashes(monkeypatch, version):
    """Promise 5 held: a write answered 500 with no body names the stored address without '//'."""
    sim = _sim(monkeypatch, version)
    sim.seed('https://a.example.com', namespace='ns', is_default=True)
    bad = sim.seed('host.example.com:5000', namespace='legacy')
    with pytest.raises(TaskError) as caught:
        ensure_registries(_client(), [_native('new')])
    assert 'host.example.com:5000' in str(caught.value) and bad['id'] in str(caught.value)
    fixed = ensure_registries(_client(), [{'registry_id': bad['id'], 'address': 'https://host.example.com:5000'}])
    assert fixed['changed'] is True
