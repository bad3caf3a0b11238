"""Generated junk against every form and API endpoint: the platform never answers a 5xx.

The endpoints are read from the URL map (``indeks.urls``), so a new page is covered without touching this file (a
URL parameter of a new name fails ``test_every_url_parameter_has_values`` until ``ID_PARAMETERS`` or
``WORD_PARAMETERS`` say what it takes). The world: one round, agency C in its self-assessment with evidence, a plan
and its actions; agency A submitted, scored, reviewed and published, with evidence, a verification, a clarification
and an interview; agency B submitted. The roles: C's coordinator, one of its unit respondents and its leadership,
A's coordinator, A's assessor, the review team, the national admin, and nobody signed in.

``test_junk_never_gets_a_server_error`` (hypothesis): for each endpoint and role, requests with URL ids that are
mostly the role's own (so they get past the scope check), sometimes anyone's or junk (0, 2**31, 2**63, 10**20);
pages get GET and POST, the API also PUT, PATCH and DELETE. The fields are those the view's module reads
(``request.POST.get("…")``, the fields of its forms) plus strangers; the values: the view's own words, real ids,
text with NUL, control characters and unpaired surrogates, huge strings, numbers and dates that are not, lists and
files; JSON bodies with nested values, wrong types, huge numbers, and bodies that are not JSON at all. Where the
role's pages show a form posting to the endpoint (read from the rendered pages first), most requests are that form
with one or two fields tampered with.

``test_every_field_of_every_form_tampered`` (deterministic): each of those forms as shown, then each field in turn
made wrong for its kind ("²" after digits, no such day, a year that overflows in UTC) and left out.

Bounded and reproducible: hypothesis is derandomized, without its example database, with a fixed number of
examples per endpoint and role (``EXAMPLES``, ``FORM_EXAMPLES``; ``JUNK_EXAMPLES`` and ``JUNK_FORM_EXAMPLES`` in the
environment raise them for a longer hunt). The world is built once for the module inside a transaction rolled back
at its end; each endpoint's test rolls back what its requests changed. ``JUNK_STATS=file`` writes the requests per
endpoint and status.

Fields left alone: none (``SKIPPED_FIELDS`` is where one would be listed, with the reason).
"""

from __future__ import annotations

import fnmatch
import html
import importlib
import inspect
import itertools
import json
import os
import re
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from indeks.api.schemas import InputSchema
from indeks.assessment import forms as assessment_forms
from indeks.assessment.models import AnswerStatus, SignedDocumentKind
from indeks.core.planner import plan as compute_plan
from indeks.evidence import forms as evidence_forms
from indeks.evidence import services as evidence
from indeks.evidence.models import Document, DocumentType, DocumentVersion, EvidenceLink, Verification
from indeks.evidence.services import DocumentMeta
from indeks.external import services as external
from indeks.external.models import ReviewDecision
from indeks.planning import forms as planning_forms
from indeks.planning import services as planning
from indeks.planning.models import ActionStatus, Plan, PlanAction
from indeks.planning.selectors import baseline_levels
from indeks.registry.models import Agency, AgencyKind, Role, RoleAssignment
from indeks.results import services as results
from indeks.rounds import forms as rounds_forms
from indeks.rounds.models import ActivityType, Participation, ParticipationStatus, StageChoice
from indeks.web.guard import unguarded
from tests.external.conftest import make_external, score_document_review
from tests.platform.conftest import (
    MINIMAL_PDF,
    MINIMAL_PNG,
    World,
    _user,
    add_general_question,
    make_agency,
    open_round,
)

EXAMPLES = int(os.environ.get("JUNK_EXAMPLES", "4"))  # requests per endpoint and role
FORM_EXAMPLES = int(os.environ.get("JUNK_FORM_EXAMPLES", "12"))  # … where the role's pages show a form to it
API_EXAMPLES = int(os.environ.get("JUNK_API_EXAMPLES", "8"))  # … per method the API path has
SLOW_EXAMPLES = 1  # the PDF exports (WeasyPrint takes about a second per document)
# Fields left alone (sent as the page gives them, or not at all), per view module; see the module docstring.
SKIPPED_FIELDS: dict[str, tuple[str, ...]] = {}


def skipped(module: str, name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in SKIPPED_FIELDS.get(module, ()))


ROLES = ("coordinator_c", "respondent_c", "leadership_c", "coordinator_a", "assessor", "reviewer", "admin", "nobody")
# Hypothesis draws the first ones more often: the writing methods come first.
PAGE_METHODS = ("POST", "GET")
API_METHODS = ("PUT", "POST", "GET", "PATCH", "DELETE")

# Text that has broken, or could break, something: the database, an encoder, a parser, a number or date reader.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\x01\x02\x1b[31m",
    "\x0b\x0c",
    "\x7f\x85\x9f",
    "\ufeff",
    "\uffff",
    "\u202etxt.exe",
    "\U0001f600" * 3,
    "=1+1",
    "@SUM(A1)",
    "0",
    "-1",
    "1",
    "2",
    "3",
    "5",
    "9",
    "48",
    "007",
    "1.5",
    "3,50",
    "1e999999999",
    "-0",
    "NaN",
    "inf",
    "99999999999999999999",
    str(2**31),
    str(2**63),
    "0x10",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes, int() reads them
    "²",  # superscript two: isdigit() is True, int() refuses it
    "2025-02-30",
    "2025-12-31",
    "9999-12-31T23:59",
    "2025-06-01T25:61",
    "0001-01-01T00:00",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    '{"1": "1e999"}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "document:1",
    "document:99999999999999999999",
    "report",
    "https://example.org/a b",
    "javascript:alert(1)",
    "x" * 5000,
]
# Text without a forbidden character that a reader of numbers, dates and ids may still choke on.
TRICKY = [
    "abc",
    "²",  # str.isdigit() says yes, int() refuses it
    "١٢",  # Arabic-Indic digits: isdigit() and int() both accept them
    "-1",
    "1.5",
    "3,50",
    "1e999999999",
    "0",
    "",
    "99999999999999999999",
    str(2**31),
    "2025-02-30",
    "2025-06-01T25:61",
    "2025-13-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0001-01-01",
    "document:²",
    "document:99999999999999999999",
]
# Junk of a field's kind, the likeliest to break a reader first (hypothesis draws early entries more often).
NUMBER_JUNK = ["²", "abc", "1.5", "99999999999999999999", "-1", "١٢", "", str(2**31)]
DATE_JUNK = ["0001-01-01T00:00", "2025-02-30", "2025-06-01T25:61", "9999-12-31T23:59", "2025-13-01", "x"]
# Words the views compare with: the values of every choice, the steps and actions the views dispatch on.
CHOICES = (
    StageChoice,
    Verification,
    DocumentType,
    ActionStatus,
    SignedDocumentKind,
    ActivityType,
    AgencyKind,
    ParticipationStatus,
    AnswerStatus,
)
WORDS = [
    *(value for choice in CHOICES for value in choice.values),
    *("submit", "accept", "return", "recheck", "prepare", "cancel", "upload", "balance", "visit", "release"),
    *("finalise", "publish", "valid", "invalid", "current", "previous", "predicate", "value", "peer"),
    *("Baik", "Sangat Baik", "id", "en"),
]
FILES = [
    ("scan.pdf", MINIMAL_PDF),
    ("scan.png", MINIMAL_PNG),
    ("kosong.pdf", b""),
    ("kode.csv", b"code\n51.71\n32.73\n35.78\n99.99\n"),
    ("asesor.csv", b"assessor,agency\nassessor1,51.71\nnobody,\n,,\n"),
    ("rusak.csv", b"\xff\xfe\x00\x00a,b\n"),
    ("nul.csv", b"code\n51.\x0071\n"),
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 64),
    ("bukan.xlsx", b"PK\x03\x04 not a zip"),
    ("../../x.pdf", MINIMAL_PDF),
    ("a\x00b.pdf", MINIMAL_PDF),
]
# Fields that a form adds while it is built (not in its class's ``base_fields``), and those of Django's own views.
RUNTIME_FIELDS = [f"{stage}_{edge}" for stage in StageChoice.values for edge in ("opens", "closes")]
DJANGO_VIEW_FIELDS = {
    "django.contrib.auth.views": list(AuthenticationForm.base_fields),
    "django.views.i18n": ["language", "next"],
}
FORM_MODULES = (assessment_forms, evidence_forms, planning_forms, rounds_forms)
FIELD_READ = re.compile(r"""(?:POST|GET|FILES)(?:\.get|\.getlist)?[\(\[]\s*"([^"]+)"|\bprefix="(\w+)\"""")
DYNAMIC_FIELD = re.compile(r"""(?:POST|GET)\.(?:get|getlist)\(\s*f"([\w-]+?)\{""")
ID_PARAMETERS = {"pk", "agency_id", "round_id", "plan_id", "action_id", "link_id"}  # junk_world.ids has them
WORD_PARAMETERS = {"action", "stage", "kind", "rest"}  # drawn from WORDS and junk
WORD_LITERAL = re.compile(r'"([a-z][a-z0-9_]{1,24})"')
ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
SENT: Counter[tuple[str, int]] = Counter()  # (endpoint, status) → requests, summed up at the end of the module


# --- the endpoints --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    route: str  # e.g. "p/<int:pk>/indicator/<int:number>/"
    name: str  # namespace:name, or the route when it has none
    view_module: str
    is_api: bool
    fields: tuple[str, ...]
    words: tuple[str, ...]  # the short string literals of the view's module: the values it compares with


def _form_classes() -> dict[str, Any]:
    classes = {}
    for module in FORM_MODULES:
        for name, value in vars(module).items():
            if inspect.isclass(value) and hasattr(value, "base_fields") and value.__module__ == module.__name__:
                classes[name] = value
    return classes


def _fields_of_module(module_name: str) -> list[str]:
    """The field names a view module reads: its ``request.POST/GET`` keys and the fields of the forms it uses."""
    if module_name in DJANGO_VIEW_FIELDS:
        return DJANGO_VIEW_FIELDS[module_name]
    source = inspect.getsource(importlib.import_module(module_name))
    names: list[str] = []
    prefixes: list[str] = []
    for read, prefix in FIELD_READ.findall(source):
        if read:
            names.append(read)
        if prefix:
            prefixes.append(prefix)
    for stem in DYNAMIC_FIELD.findall(source):
        names += [f"{stem}{n}" for n in (1, 11, 47, 0, 48)]
    for class_name, form in _form_classes().items():
        if re.search(rf"\b{class_name}\(", source):
            names += list(form.base_fields)
            names += [f"{p}-{f}" for p in prefixes for f in form.base_fields]
            if class_name == "RoundForm":
                names += RUNTIME_FIELDS
    names = [n for n in names if not skipped(module_name, n)]
    return list(dict.fromkeys(names))


def _words_of_module(module_name: str) -> tuple[str, ...]:
    try:
        source = inspect.getsource(importlib.import_module(module_name))
    except (OSError, TypeError):
        return ()
    return tuple(sorted(set(WORD_LITERAL.findall(source))))


def _api_fields() -> list[str]:
    names: list[str] = []
    for schema in InputSchema.__subclasses__():
        names += list(schema.model_fields)
    return list(dict.fromkeys(names))


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = ":".join(p for p in (namespace, entry.namespace or "") if p)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or route
            yield route, name, entry.callback


def endpoints() -> list[Endpoint]:
    found = []
    for route, name, callback in _walk(get_resolver().url_patterns):
        module = inspect.unwrap(callback).__module__
        if hasattr(callback, "view_class"):
            module = callback.view_class.__module__
        is_api = route.startswith("api")
        fields = _api_fields() if is_api else _fields_of_module(module)
        if route.startswith("^api"):  # the catch-all of unknown API URLs
            route = "api/<str:rest>"
        words = _words_of_module(module) if not is_api else ("submit", "accept", "return", "recheck")
        found.append(Endpoint(route, name, module, is_api, tuple(fields), words))
    return found


ENDPOINTS = endpoints()


# --- the world ------------------------------------------------------------------------------------------------------


@dataclass
class JunkWorld:
    users: dict[str, Any]
    ids: dict[str, list[int]]  # every real id, per kind
    own: dict[str, dict[str, list[int]]]  # the ids of the objects each role works on (its agency, its assessment)
    forms: dict[tuple[str, str], list[PageForm]] = field(default_factory=dict)  # (route, role) → forms seen
    numbers: list[int] = field(default_factory=lambda: [1, 2, 11, 20, 47])


def _build() -> JunkWorld:
    round_ = open_round()
    a = make_agency(round_, "51.71", "Kota Denpasar")
    b = make_agency(round_, "32.73", "Kota Bandung")
    admin = _user("admin")
    RoleAssignment.objects.create(user=admin, role=Role.NATIONAL_ADMIN)
    world = World(round_, a, b, admin)
    add_general_question(round_)
    pdf = SimpleUploadedFile("perwal.pdf", MINIMAL_PDF)
    version_a = evidence.upload_documents(
        a.actor("coordinator"), a.agency, [pdf], DocumentMeta(doc_type="peraturan", title="Perwal")
    )[0]
    evidence.link(a.actor("coordinator"), a.participation, 1, version_a, "Pasal 1")
    ext = make_external(world)  # A and B submitted, external stages open, assessors and the review team
    c = make_agency(round_, "35.78", "Kota Surabaya")  # still in its self-assessment
    version_c = evidence.upload_documents(
        c.actor("coordinator"),
        c.agency,
        [SimpleUploadedFile("sk.pdf", MINIMAL_PDF)],
        DocumentMeta(doc_type="peraturan", title="SK Tim"),
    )[0]
    evidence.link(c.actor("coordinator"), c.participation, 1, version_c, "")
    link_a = EvidenceLink.objects.get(participation=a.participation)
    evidence.verify_link(ext.act(ext.assessor1), link_a, "diterima", "Cocok")
    external.ask(ext.act(ext.assessor1), a.participation, 2, "dokumen", "Mana SK-nya?")
    external.schedule_interview(
        ext.act(ext.assessor1), a.participation, "interviu", timezone.now() + timedelta(days=2), "Kepala Dinas"
    )
    levels, _filled = baseline_levels(c.participation, "current", c.actor("coordinator"))
    framework = round_.framework
    computed = compute_plan(framework, levels, framework.spec.predicates[1].min, max_step=1)
    saved = planning.save_plan(
        c.actor("coordinator"),
        c.participation,
        computed,
        name="Rencana",
        target_label="Cukup",
        baseline="current",
        max_step=1,
        locked=[],
        costs={},
    )
    planning.track(c.actor("coordinator"), saved)
    # A published result: A scored and reviewed, the others excluded.
    score_document_review(a.participation)
    external.release(ext.act(admin), [a.participation], "dokumen")
    ReviewDecision.objects.bulk_create(
        ReviewDecision(participation=a.participation, indicator=i.number, valid=True, decided_by=ext.reviewer)
        for i in framework.indicators
    )
    snapshot = results.finalise(ext.act(admin), round_, excluded={b.participation.pk, c.participation.pk})
    results.publish(ext.act(admin), snapshot)
    users = {
        "coordinator_c": c.users["coordinator"],
        "respondent_c": c.users["respondent_hukum"],
        "leadership_c": c.users["leadership"],
        "coordinator_a": a.users["coordinator"],
        "assessor": ext.assessor1,
        "reviewer": ext.reviewer,
        "admin": admin,
        "nobody": None,
    }

    def side(agencies: list[Agency]) -> dict[str, list[int]]:
        return {
            "participation": list(Participation.objects.filter(agency__in=agencies).values_list("pk", flat=True)),
            "document": list(Document.objects.filter(agency__in=agencies).values_list("pk", flat=True)),
            "version": list(DocumentVersion.objects.filter(document__agency__in=agencies).values_list("pk", flat=True)),
            "agency_id": [agency.pk for agency in agencies],
            "round_id": [round_.pk],
            "plan_id": list(Plan.objects.filter(participation__agency__in=agencies).values_list("pk", flat=True)),
            "action_id": list(
                PlanAction.objects.filter(plan__participation__agency__in=agencies).values_list("pk", flat=True)
            )[:5],
            "link_id": list(
                EvidenceLink.objects.filter(participation__agency__in=agencies).values_list("pk", flat=True)
            ),
        }

    side_a, side_c, every = side([a.agency]), side([c.agency]), side(list(Agency.objects.all()))
    both = {key: side_a[key] + side_c[key] for key in side_a}
    own = {
        **dict.fromkeys(("coordinator_c", "respondent_c", "leadership_c"), side_c),
        **dict.fromkeys(("coordinator_a", "assessor", "reviewer"), side_a),
        "admin": both,
        "nobody": every,
    }
    return JunkWorld(users, every, own, harvest_forms(users, own))


@pytest.fixture(scope="module")
def junk_world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[JunkWorld]:
    """Built once for the module inside a transaction that is rolled back at its end (nothing stays behind)."""
    media = tmp_path_factory.mktemp("junk-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield _build()
        transaction.set_rollback(True)
    if os.environ.get("JUNK_STATS"):  # a file to write the requests per endpoint and status to
        rows = sorted(SENT.items())
        Path(os.environ["JUNK_STATS"]).write_text("".join(f"{n}\t{s}\t{c}\n" for (n, s), c in rows))
    statuses: Counter[int] = Counter()
    for (_name, status), count in SENT.items():
        statuses[status] += count
    endpoints_hit = len({name for name, _status in SENT})
    print(f"\njunk: {sum(SENT.values())} requests to {endpoints_hit} endpoints; {dict(sorted(statuses.items()))}")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any) -> None:
    """The module's world keeps its files in the module's media root (overrides the platform's per-test root)."""


# --- the forms the pages show --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageForm:
    """A form as a page rendered it: where it posts and its fields with the values the page put in."""

    action: str
    multipart: bool
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # name → the values offered (options, radio values)
    dates: tuple[str, ...]  # the fields with a date or time picker
    buttons: tuple[tuple[str, str], ...]  # named submit buttons: one is sent
    files: tuple[str, ...]


class FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            action = a.get("action") or a.get("hx-post") or self.page_url
            multipart = a.get("enctype") == "multipart/form-data"
            self._form = {
                "action": action,
                "multipart": multipart,
                "fields": {},
                "buttons": [],
                "files": [],
                "dates": [],
            }
        if self._form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form["files"].append(name)
            elif kind == "submit":
                self._form["buttons"].append((name, a.get("value", "")))
            elif kind in ("date", "datetime-local"):
                self._form["dates"].append(name)
                self._form["fields"].setdefault(name, []).append(a.get("value", ""))
            else:
                self._form["fields"].setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "button" and name:
            self._form["buttons"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            self._form["fields"].setdefault(name, [])
        elif tag == "option" and self._select:
            self._form["fields"][self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].setdefault(name, [""])

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] = [data]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            form = self._form
            self.forms.append(
                PageForm(
                    html.unescape(form["action"]),
                    form["multipart"],
                    tuple((n, tuple(v or [""])) for n, v in form["fields"].items()),
                    tuple(form["dates"]),
                    tuple(form["buttons"]),
                    tuple(form["files"]),
                )
            )
            self._form = None


def _page_urls(endpoint: Endpoint, own: dict[str, list[int]]) -> list[str]:
    """The endpoint's page with the role's own ids (at most a few), to read the forms it shows."""
    choices: list[list[tuple[str, str]]] = []
    for converter, name in ROUTE_PARAMETER.findall(endpoint.route):
        token = f"<{converter}:{name}>" if converter else f"<{name}>"
        if name == "number":
            values = ["1", "11"]
        elif name in ID_PARAMETERS:
            values = [str(i) for i in own[_table(endpoint.route, name)][:2]]
        elif name == "stage":
            values = ["dokumen", "interviu"]
        else:
            return []  # actions and file kinds are posted to, not pages
        choices.append([(token, v) for v in values])
    urls = []
    for combination in itertools.product(*choices):
        url = "/" + endpoint.route
        for token, value in combination:
            url = url.replace(token, value, 1)
        urls.append(url)
    return urls[:4]


def harvest_forms(users: dict[str, Any], own: dict[str, dict[str, list[int]]]) -> dict[tuple[str, str], list[PageForm]]:
    """Every post form each role sees on the pages of its own objects, keyed by the route it posts to."""
    found: dict[tuple[str, str], list[PageForm]] = {}
    for role, user in users.items():
        if user is None:
            continue
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for endpoint in ENDPOINTS:
            if endpoint.is_api or endpoint.route in ("logout/", "i18n/setlang/"):
                continue
            for url in _page_urls(endpoint, own[role]):
                response = client.get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = FormParser(url)
                parser.feed(response.content.decode())
                for form in parser.forms:
                    try:
                        match = resolve(urlsplit(form.action).path)
                    except Resolver404:
                        continue
                    if match.route != "i18n/setlang/" and form not in found.get((match.route, role), []):
                        found.setdefault((match.route, role), []).append(form)
    return found


# --- the junk -------------------------------------------------------------------------------------------------------

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NASTY),
    st.text(max_size=20),
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


JUNK_IDS = [0, 2**31 - 1, 2**31, 2**63, 10**20]


def _table(route: str, name: str) -> str:
    """Which ids a URL parameter takes: ``pk`` is a document, a version or (mostly) a participation."""
    if name != "pk":
        return name
    for table in ("document", "version"):
        if f"{table}/<int:pk>" in route:
            return table
    return "participation"


def _id_values(junk: JunkWorld, role: str, route: str, name: str) -> st.SearchStrategy[str]:
    """Mostly the role's own objects (so the request gets past the scope check), sometimes anyone's, or junk."""
    table = _table(route, name)
    own = st.sampled_from([str(i) for i in junk.own[role][table] or junk.ids[table]])
    anyone = st.sampled_from([str(i) for i in junk.ids[table] + JUNK_IDS])
    return st.one_of(own, own, own, anyone)


def _plausible(endpoint: Endpoint, junk: JunkWorld) -> st.SearchStrategy[str]:
    """Values a page could have sent: the view's own words, real ids, small numbers, dates, ordinary text."""
    ids = sorted({i for values in junk.ids.values() for i in values})
    words = endpoint.words or tuple(WORDS)
    return st.one_of(
        st.sampled_from(words),
        st.sampled_from(WORDS),
        st.sampled_from([str(i) for i in ids] + ["0", "1", "2", "3", "4", "5", "on", ""]),
        st.dates().map(str),
        st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30),
    )


def _nasty() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(TRICKY),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.just("y" * 200_000),
    )


def _value(endpoint: Endpoint, junk: JunkWorld) -> st.SearchStrategy[str]:
    plausible = _plausible(endpoint, junk)
    return st.one_of(plausible, plausible, plausible, _nasty())


def _url_value(endpoint: Endpoint, junk: JunkWorld, role: str, converter: str, name: str) -> st.SearchStrategy[str]:
    if name == "number":
        real = st.sampled_from([str(n) for n in junk.numbers])
        numbers = st.one_of(real, real, real, st.sampled_from(["0", "48", "99999999999999999999"]))
        return numbers if converter == "int" else st.one_of(numbers, numbers, st.sampled_from(["-1", "1.5", "x"]))
    if name in ID_PARAMETERS:
        ids = _id_values(junk, role, endpoint.route, name)
        return ids if converter == "int" else st.one_of(ids, ids, st.sampled_from(["-1", "1e3", "x", "%00"]))
    words = st.sampled_from(endpoint.words or tuple(WORDS))
    if converter == "slug":
        return st.one_of(words, words, words, st.sampled_from([*WORDS, "x", "-", "_"]))
    # ``str`` (the API's {action} and the catch-all): anything without a slash, sent percent-encoded.
    return st.one_of(words, words, st.sampled_from(["a\x00b", "%", "..", "\u00e9"]), st.text(min_size=1, max_size=10))


@st.composite
def request_strategy(
    draw: st.DrawFn, endpoint: Endpoint, junk: JunkWorld, role: str, method: str | None = None
) -> dict[str, Any]:
    url = "/" + endpoint.route
    for converter, name in ROUTE_PARAMETER.findall(endpoint.route):
        value = draw(_url_value(endpoint, junk, role, converter or "str", name))
        url = url.replace(f"<{converter}:{name}>" if converter else f"<{name}>", quote(value, safe=""), 1)
    forms = junk.forms.get((endpoint.route, role), [])
    if forms and method in (None, "POST") and draw(st.integers(0, 3)) > 0:
        return draw(tampered(endpoint, junk, role, draw(st.sampled_from(forms))))
    method = method or draw(st.sampled_from(API_METHODS if endpoint.is_api else PAGE_METHODS))
    names = st.sampled_from(endpoint.fields) if endpoint.fields else st.sampled_from(["q", "next"])
    stranger = st.one_of(st.sampled_from(["next", "csrfmiddlewaretoken", "p", "id"]), st.text(max_size=8))
    value = _value(endpoint, junk)
    fields = st.fixed_dictionaries({}, optional={f: value for f in endpoint.fields})
    extra = st.dictionaries(st.one_of(names, stranger), value, max_size=2)
    query = draw(st.one_of(st.just({}), st.just({}), fields, extra))
    spec: dict[str, Any] = {"method": method, "url": url, "role": role, "query": query}
    spec["htmx"] = draw(st.booleans())
    if method == "GET":
        return spec
    if endpoint.is_api:
        kind = draw(st.sampled_from(["json", "json", "json", "json", "raw", "form"]))
    else:
        kind = draw(st.sampled_from(["multipart", "multipart", "multipart", "urlencoded", "raw"]))
    spec["kind"] = kind
    if kind == "json":
        plain = st.one_of(json_leaf, _plausible(endpoint, junk), _plausible(endpoint, junk))
        spec["body"] = draw(
            st.one_of(
                st.fixed_dictionaries({}, optional={f: plain for f in endpoint.fields}),
                st.fixed_dictionaries({}, optional={f: json_value for f in endpoint.fields}),
                st.dictionaries(st.one_of(names, stranger), json_value, max_size=4),
                json_value,
            )
        )
    elif kind == "raw":
        spec["body"] = draw(
            st.sampled_from(
                [b"", b"{", b"[" * 5000, b"\xff\xfe\x00", b'{"level": 1e999}', b"a=b&" * 2000, b"--x\r\n\r\n"]
            )
        )
        spec["content_type"] = draw(
            st.sampled_from(["application/json", "text/plain", "multipart/form-data; boundary=x", "application/xml"])
        )
    else:
        many = st.one_of(value, value, value, st.lists(value, min_size=0, max_size=3))
        data = st.fixed_dictionaries({}, optional={f: many for f in endpoint.fields})
        spec["data"] = draw(data) | draw(st.dictionaries(stranger, value, max_size=1))
        if kind == "multipart" and draw(st.integers(0, 3)) == 0:
            file_field = draw(names)
            spec["files"] = {file_field: draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=2))}
    return spec


@st.composite
def tampered(draw: st.DrawFn, endpoint: Endpoint, junk: JunkWorld, role: str, form: PageForm) -> dict[str, Any]:
    """A form as the page showed it with one or two fields tampered with: junk, left out, or sent many times."""
    other = st.one_of(st.sampled_from(TRICKY), _plausible(endpoint, junk), _nasty())
    data: dict[str, Any] = {name: draw(st.sampled_from(offered)) for name, offered in form.fields}
    if form.buttons:
        name, pressed = draw(st.sampled_from(form.buttons))
        data[name] = pressed
    keep = {n for n in data if n == "csrfmiddlewaretoken" or skipped(endpoint.view_module, n)}
    keep |= {n for n in form.files if skipped(endpoint.view_module, n)}
    names = [n for n in sorted(data) if n not in keep] or ["x"]
    strangers = [n for n in endpoint.fields if n not in data] or ["x"]
    chosen = [draw(st.sampled_from(names))]
    if draw(st.integers(0, 2)) == 0:
        chosen.append(draw(st.sampled_from(names + strangers)))
    for name in chosen:
        fate = draw(st.sampled_from(["junk"] * 5 + ["drop", "many"]))
        # Junk of the field's kind first: a date that does not exist for a date, a number that is not one for an id.
        kind = DATE_JUNK if name in form.dates else NUMBER_JUNK if str(data.get(name, "")).isdigit() else TRICKY
        value = st.one_of(st.sampled_from(kind), st.sampled_from(kind), other)
        if fate == "junk":
            data[name] = draw(value)
        elif fate == "drop":
            data.pop(name, None)
        else:
            data[name] = draw(st.lists(value, max_size=3))
    spec: dict[str, Any] = {"method": "POST", "url": form.action, "role": role, "query": {}, "data": data}
    spec["htmx"] = draw(st.booleans())
    spec["kind"] = "multipart" if form.multipart or draw(st.booleans()) else "urlencoded"
    files = [f for f in form.files if f not in keep]
    if files and spec["kind"] == "multipart" and draw(st.booleans()):
        spec["files"] = {draw(st.sampled_from(files)): draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=2))}
    return spec


def _form_safe(value: str) -> str:
    """Multipart bodies are UTF-8: a surrogate cannot be sent in one (a browser cannot either)."""
    return value.encode("utf-8", "replace").decode("utf-8")


def _urlencoded(data: dict[str, Any]) -> bytes:
    """A form body with each value's bytes as they are (a surrogate goes out as the bytes of its code point)."""
    pairs = []
    for key, values in data.items():
        for value in values if isinstance(values, list) else [values]:
            raw_key = key.encode("utf-8", "surrogatepass")
            raw_value = value.encode("utf-8", "surrogatepass")
            pairs.append(f"{quote(raw_key, safe='')}={quote(raw_value, safe='')}")
    return "&".join(pairs).encode()


def send(client: Client, spec: dict[str, Any]) -> Any:
    query = "&".join(
        f"{quote(k.encode('utf-8', 'surrogatepass'), safe='')}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
        for k, v in spec["query"].items()
    )
    url = spec["url"] + ("?" + query if query else "")
    headers = {"HX-Request": "true"} if spec["htmx"] else {}
    method = spec["method"]
    if method == "GET":
        return client.get(url, headers=headers)
    kind = spec["kind"]
    if kind == "json":
        body, content_type = json.dumps(spec["body"]).encode(), "application/json"
    elif kind == "raw":
        body, content_type = spec["body"], spec["content_type"]
    elif kind == "urlencoded" or (kind == "form" and method != "POST"):
        body, content_type = _urlencoded(spec["data"]), "application/x-www-form-urlencoded"
    else:
        data: dict[str, Any] = {}
        for key, values in spec["data"].items():
            key = _form_safe(key)
            data[key] = [_form_safe(v) for v in values] if isinstance(values, list) else _form_safe(values)
        for key, files in spec.get("files", {}).items():
            data[_form_safe(key)] = [SimpleUploadedFile(n, c) for n, c in files]
        return client.generic(method, url, **_multipart(data), headers=headers)
    return client.generic(method, url, body, content_type=content_type, headers=headers)


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def _consume(response: Any) -> None:
    """Read a streamed body (ZIPs, downloads) to the end: an error while streaming is a broken answer too.

    The test client closes the response itself (at the end of the stream for a streamed one). Closing it again here
    would send ``request_finished`` and close the database connection (in the middle of the test's transaction).
    """
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)


def _describe(spec: dict[str, Any], response: Any) -> str:
    shown = {k: (repr(v)[:300] if k in ("body", "data", "query", "files") else v) for k, v in spec.items()}
    text = f"{spec['method']} {spec['url']} as {spec['role']} -> {response.status_code}\n{shown}"
    if getattr(response, "exc_info", None):
        text += "\n" + "".join(traceback.format_exception(*response.exc_info)[-6:])
    return text


def check(endpoint: Endpoint, spec: dict[str, Any], response: Any) -> None:
    try:
        _consume(response)
    except Exception as error:
        raise AssertionError(f"streaming failed: {error!r}\n{_describe(spec, response)}") from error
    assert response.status_code < 500, _describe(spec, response)
    if endpoint.is_api and response.status_code >= 400 and not endpoint.route.endswith("docs"):
        assert response["Content-Type"] == "application/problem+json", _describe(spec, response)
        body = response.json()
        assert {"type", "title", "status", "detail"} <= set(body), _describe(spec, response)
        assert body["status"] == response.status_code


# --- the tests ------------------------------------------------------------------------------------------------------


def _sweep(form: PageForm, leave: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The form as the page gave it (once per submit button), then each field in turn made wrong, then left out."""
    base = {name: offered[0] for name, offered in form.fields}
    for button in form.buttons or [None]:
        yield "as shown", base | (dict([button]) if button else {})
    pressed = dict(form.buttons[:1])
    for name, offered in form.fields:
        if name in leave:
            continue
        # A date: no such day, and a year that overflows in UTC. Anything else: with "²" added it is still digits to
        # str.isdigit() but not to int(), and a choice the page did not offer.
        wrongs = ["2025-02-30", "0001-01-01T00:00"] if name in form.dates else [offered[0] + "²"]
        for wrong in wrongs:
            yield f"{name}={wrong!r}", base | pressed | {name: wrong}
        yield f"without {name}", {k: v for k, v in (base | pressed).items() if k != name}


def _allowed_methods(endpoint: Endpoint) -> set[str]:
    """The methods an API path has, from the ``Allow`` of its 405 (none for the docs and the catch-alls)."""
    url = "/" + ROUTE_PARAMETER.sub("1", endpoint.route)
    allowed = Client().options(url).get("Allow", "")
    return {m.strip() for m in allowed.split(",") if m.strip()}


def test_the_url_map_is_enumerated_and_guarded() -> None:
    names = {e.name for e in ENDPOINTS}
    assert len(ENDPOINTS) >= 60, names
    assert {"assessment:indicator", "evidence:upload", "external:score", "api:save_answer"} <= names
    assert unguarded(get_resolver().url_patterns) == []


def test_every_url_parameter_has_values() -> None:
    for endpoint in ENDPOINTS:
        for converter, name in ROUTE_PARAMETER.findall(endpoint.route):
            known = name in ID_PARAMETERS or name == "number" or (converter != "int" and name in WORD_PARAMETERS)
            assert known, f"{endpoint.route}: say which values <{name}> takes (ID_PARAMETERS or WORD_PARAMETERS)"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_junk_never_gets_a_server_error(endpoint: Endpoint, junk_world: JunkWorld, db: None) -> None:
    clients: dict[str, Client] = {}

    def client_for(role: str) -> Client:
        if role not in clients:
            client = Client(raise_request_exception=False)
            user = junk_world.users[role]
            if user is not None:
                client.force_login(user)
            clients[role] = client
        return clients[role]

    slow = any(s in endpoint.route for s in ("documents/<slug:kind>.pdf", "plan.pdf"))

    def run_as(role: str, method: str | None, examples: int) -> None:
        @settings(
            max_examples=SLOW_EXAMPLES if slow else min(2, examples) if role == "nobody" else examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(spec=request_strategy(endpoint, junk_world, role, method))
        def run(spec: dict[str, Any]) -> None:
            response = send(client_for(role), spec)
            SENT[endpoint.name, response.status_code] += 1
            check(endpoint, spec, response)

        run()

    allowed = _allowed_methods(endpoint) if endpoint.is_api else set()
    if allowed:
        # Each method in turn: those the path has get the examples, the others one (their 405).
        for role in ROLES:
            for method in API_METHODS:
                run_as(role, method, API_EXAMPLES if method in allowed else 1)
    else:
        for role in ROLES:
            run_as(role, None, FORM_EXAMPLES if junk_world.forms.get((endpoint.route, role)) else EXAMPLES)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.is_api], ids=lambda e: e.name)
def test_every_field_of_every_form_tampered(endpoint: Endpoint, junk_world: JunkWorld, db: None) -> None:
    """Each form a role's pages show (posting here): each field made wrong in turn, and left out in turn."""
    failures = []
    seen = set()
    for role in ROLES:
        for form in junk_world.forms.get((endpoint.route, role), []):
            shape = (tuple(name for name, _ in form.fields), form.buttons)
            if (role, shape) in seen:
                continue  # the same form for another indicator or aspect
            seen.add((role, shape))
            client = Client(raise_request_exception=False)
            client.force_login(junk_world.users[role])
            leave = {n for n, _ in form.fields if n == "csrfmiddlewaretoken" or skipped(endpoint.view_module, n)}
            for change, data in _sweep(form, leave):
                spec = {"method": "POST", "url": form.action, "role": role, "query": {}, "data": data}
                spec |= {"htmx": False, "kind": "multipart" if form.multipart else "urlencoded"}
                response = send(client, spec)
                SENT[endpoint.name, response.status_code] += 1
                _consume(response)
                if response.status_code >= 500:
                    failures.append(f"{change}: {_describe(spec, response)}")
    assert not failures, f"{len(failures)} requests got a 5xx; the first ones:\n\n" + "\n\n".join(failures[:5])
