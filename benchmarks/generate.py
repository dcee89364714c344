"""Synthetic framework repositories at a given scale, for the benchmarks.

    python benchmarks/generate.py DEST [--scale 1] [--seed 1]

Scale 1 is about the size of SFIA: 150 skills, about 700 skill-level files, the 7 levels of responsibility,
6 categories, and 1,500 change requests; scale 10 is ten times the skills, the levels and the change requests.

The repository is built the way a real one grows, with the tool's own code:

- a base framework (edition 1) that arrives as an initial change request (CR-0999, applied: its operations build
  the framework from the empty one, and its files are what applying them gives; split as `skillrepo init` does
  when one manifest would be too large, CR-0998 and CR-0999, ...), and some old declined or withdrawn change
  requests, committed, recorded in changes/log.yaml as release 1.0.0 and tagged `v1.0.0`;
- edition 2 started, then change requests in number order: each proposed in a commit of its own; decided in
  batches by the editorial group (accepted, declined, deferred, withdrawn); each accepted one applied in memory
  by the real engine (`skillrepo.engine.apply`), its files written by `skillrepo.serialize` and its manifest
  given `applied_in` by `skillrepo.manifests.set_applied_in`, in a commit `Apply CR-NNNN: ...` with the trailer
  `Change-Request: CR-NNNN` (what `skillrepo apply --commit` does), so that `skillrepo verify` replays them;
- the most recent requests still submitted or draft, and exactly one accepted but not applied (the last one),
  which applies cleanly: `summary["apply_cr"]` names it.

Operations of every kind: update-level (edits, and whole rewrites), add-level, remove-level, update-skill
(description and guidance edits, related, name, category), add-skill with levels, retire-skill (a merge, with
the related lists that named the retired skill moved to its replacement, and renames carried into the guidance
that mentions a renamed skill), update-responsibility-level, update-attribute-level.

Deterministic: the same scale and seed give the same bytes, and the same commits (fixed authors and dates;
the history is written with `git fast-import` through GitPython, as one commit per index update would take
hours at scale 10). Every file is valid by `skillrepo check`: no finding at all, warnings included.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
try:  # the skillrepo installed (or on PYTHONPATH: run.py measures a frozen copy of the sources), else this tree's
    import skillrepo  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "scripts"))

import git  # noqa: E402
from skillrepo import engine, record  # noqa: E402
from skillrepo.canonical import scalar  # noqa: E402
from skillrepo.documents import document, snapshot_of  # noqa: E402
from skillrepo.domain import LEVEL_NAMES, LEVELS  # noqa: E402
from skillrepo.initial import initial_parts, part_skills  # noqa: E402
from skillrepo.layout import FRAMEWORK_FILE, LOG_FILE, manifest_path  # noqa: E402
from skillrepo.manifests import render_manifest, set_applied_in  # noqa: E402
from skillrepo.model import (  # noqa: E402
    Attribute,
    AttributeLevel,
    Framework,
    ResponsibilityLevel,
    Skill,
    SkillLevel,
    empty_framework,
)
from skillrepo.resources import schema_dir  # noqa: E402
from skillrepo.serialize import file_changes, render  # noqa: E402

# ---------------------------------------------------------------------------------------------------------------
# The vocabulary: a few hundred words, in classes, so that an edit can swap a word for another of its class.

VERBS = ["plans", "designs", "develops", "reviews", "monitors", "maintains", "coordinates", "manages", "evaluates", "implements", "documents", "analyses", "assesses", "improves", "supports", "leads", "defines", "agrees", "applies", "ensures", "investigates", "resolves", "advises", "selects", "prepares", "reports", "tests", "configures", "delivers", "oversees", "establishes", "promotes", "identifies", "specifies", "integrates", "operates", "measures", "negotiates", "communicates", "guides", "mentors", "authorises", "aligns", "prioritises", "schedules", "verifies", "validates", "records", "shares", "builds", "adapts", "escalates", "tracks", "governs", "sponsors", "commissions", "audits", "deploys", "automates"]

NOUNS = ["services", "systems", "standards", "procedures", "risks", "requirements", "suppliers", "budgets", "plans", "teams", "stakeholders", "policies", "processes", "controls", "incidents", "problems", "changes", "releases", "components", "platforms", "applications", "data", "models", "architectures", "designs", "solutions", "products", "projects", "programmes", "resources", "capabilities", "practices", "methods", "tools", "techniques", "documentation", "specifications", "interfaces", "networks", "infrastructure", "security", "quality", "performance", "capacity", "availability", "continuity", "compliance", "governance", "strategy", "objectives", "outcomes", "benefits", "costs", "contracts", "relationships", "colleagues", "customers", "users", "partners", "vendors", "audiences", "decisions", "priorities", "schedules", "milestones", "deliverables", "tests", "defects", "metrics", "measures", "reports", "findings", "recommendations", "improvements", "innovations", "opportunities", "options", "trends", "technologies", "environments", "configurations", "baselines", "assets", "licences", "records", "information", "knowledge", "skills", "training", "learning", "careers", "roles", "responsibilities", "workloads", "activities", "tasks", "operations", "workflows", "pipelines", "integrations", "migrations", "upgrades", "patches", "vulnerabilities", "threats", "assessments", "reviews", "audits", "evidence", "principles", "guidelines", "frameworks", "roadmaps", "portfolios", "initiatives", "investments", "markets", "communities", "functions", "organisations"]

ADJECTIVES = ["agreed", "complex", "routine", "specialist", "technical", "organisational", "operational", "strategic", "relevant", "appropriate", "significant", "effective", "efficient", "reliable", "secure", "sustainable", "consistent", "documented", "defined", "established", "new", "existing", "emerging", "critical", "external", "internal", "multiple", "diverse", "broad", "detailed", "practical", "formal", "informal", "standard", "shared", "common", "major", "minor", "key", "current", "future", "planned", "approved", "proposed", "measurable", "realistic", "scalable", "resilient", "accessible", "inclusive", "ethical", "legal", "regulatory", "commercial", "financial", "digital", "analytical", "collaborative", "structured", "iterative"]

PREPOSITIONS = ("in line with", "across", "within", "for", "with", "against", "through", "under", "to support",
                "to meet", "on behalf of", "in response to", "as part of", "according to", "alongside", "beyond")

CONNECTORS = ("and", "while", "so that", "where", "ensuring that", "taking account of", "and also", "before")

ADVERBS = ("closely", "regularly", "independently", "proactively", "systematically", "routinely", "carefully",
           "openly", "consistently", "selectively")

WORD_CLASS: dict[str, list[str]] = {}
for _words in (VERBS, NOUNS, ADJECTIVES, list(ADVERBS)):
    for _w in _words:
        WORD_CLASS.setdefault(_w, _words)

NAME_HEADS = ["Data", "Network", "Security", "Service", "Software", "Supplier", "Quality", "Risk", "Information", "Digital", "Cloud", "Systems", "Business", "Release", "Capacity", "Availability", "Incident", "Problem", "Change", "Configuration", "Asset", "Knowledge", "Portfolio", "Programme", "Project", "Product", "Solution", "Enterprise", "Platform", "Application", "Database", "Infrastructure", "User", "Content", "Learning", "Workforce", "Privacy", "Continuity", "Performance", "Measurement", "Research", "Innovation", "Emerging", "Sustainability", "Financial", "Contract", "Stakeholder", "Relationship", "Requirements", "Testing", "Integration", "Deployment", "Automation", "Hardware", "Facilities", "Storage", "Identity", "Threat", "Vulnerability", "Audit", "Compliance", "Governance", "Architecture", "Methods", "Organisational", "Employee", "Competency"]

NAME_MIDDLES = ["technology", "service", "systems", "data", "security", "process", "operations", "quality", "risk", "information", "performance", "delivery", "solution", "platform", "product", "design", "model", "control", "lifecycle", "resource", "capability", "strategy", "policy", "practice", "transition", "acceptance", "support", "user", "portfolio"]

NAME_TAILS = ["management", "engineering", "design", "operations", "analysis", "assurance", "governance", "support", "development", "architecture", "testing", "administration", "planning", "consultancy", "research", "modelling", "integration", "monitoring", "delivery", "strategy", "coordination", "improvement", "evaluation", "specification", "optimisation"]

CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Strategy and architecture", ("Strategy and planning", "Financial and value management",
                                   "Security and privacy", "Governance, risk and compliance",
                                   "Advice and guidance")),
    ("Change and transformation", ("Change implementation", "Change analysis", "Change planning")),
    ("Development and implementation", ("Systems development", "Data and analytics", "User centred design",
                                        "Content management", "Computational science")),
    ("Delivery and operation", ("Technology management", "Service management", "Security services",
                                "Data management")),
    ("People and skills", ("People management", "Skills management")),
    ("Relationships and engagement", ("Stakeholder management", "Sales and marketing")),
)

ATTRIBUTES = (("AUTO", "Autonomy", "generic"), ("INFL", "Influence", "generic"), ("COMP", "Complexity", "generic"),
              ("KNGE", "Knowledge", "generic"), ("BUSK", "Business skills", "behavioural"))

PEOPLE = ("Amira Haddad <amira.haddad@example.org>", "Ben Okafor <ben.okafor@example.org>",
          "Chloe Martin <chloe.martin@example.org>", "Dev Patel <dev.patel@example.org>",
          "Elena Rossi <elena.rossi@example.org>", "Farid Nasser <farid.nasser@example.org>",
          "Grace Liu <grace.liu@example.org>", "Hugo Berg <hugo.berg@example.org>",
          "Ines Duarte <ines.duarte@example.org>", "Jonas Weber <jonas.weber@example.org>",
          "Kemi Adeyemi <kemi.adeyemi@example.org>", "Lena Novak <lena.novak@example.org>")
MAINTAINERS = ("Maria Svensson <maria.svensson@example.org>", "Tom Walker <tom.walker@example.org>")

START_EPOCH = 1609750800  # 2021-01-04 09:00 UTC
EDITION_AFTER_V1 = "2"

# ---------------------------------------------------------------------------------------------------------------
# Texts


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class Writer:
    """Sentences and texts of realistic length from the vocabulary, deterministic by the Random given."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def _np(self) -> str:
        r = self.rng
        return f"{r.choice(ADJECTIVES)} {r.choice(NOUNS)}" if r.random() < 0.6 else r.choice(NOUNS)

    def sentence(self) -> str:
        r = self.rng
        form = r.randrange(6)
        if form == 0:
            s = f"{r.choice(VERBS)} {self._np()} {r.choice(PREPOSITIONS)} {self._np()}"
        elif form == 1:
            s = f"{r.choice(VERBS)} and {r.choice(VERBS)} {self._np()} {r.choice(PREPOSITIONS)} {self._np()}"
        elif form == 2:
            s = (f"{r.choice(VERBS)} {self._np()} {r.choice(PREPOSITIONS)} {self._np()}, "
                 f"{r.choice(CONNECTORS)} {r.choice(VERBS)} {self._np()}")
        elif form == 3:
            s = f"works {r.choice(ADVERBS)} with {self._np()} to {r.choice(VERBS)[:-1]} {self._np()}"
        elif form == 4:
            s = (f"{r.choice(VERBS)} the {r.choice(NOUNS)} of {self._np()} {r.choice(PREPOSITIONS)} "
                 f"{self._np()} and {self._np()}")
        else:
            s = (f"{r.choice(VERBS)} {self._np()}, {self._np()} and {self._np()} "
                 f"{r.choice(CONNECTORS)} {r.choice(VERBS)} {self._np()} {r.choice(PREPOSITIONS)} {self._np()}")
        return _cap(s) + "."

    def text(self, lo: int, hi: int) -> str:
        """One paragraph of between lo and hi words (whole sentences)."""
        target = self.rng.randint(lo, hi)
        out: list[str] = []
        words = 0
        while True:
            s = self.sentence()
            n = s.count(" ") + 1
            if words + n > hi and words >= lo:
                break
            out.append(s)
            words += n
            if words >= target:
                break
        return " ".join(out)


# Text with mentions of skills, rendered with the names of the day: a list of str and ("m", CODE).
Tokens = list[Any]


def render_tokens(tokens: Tokens, names: dict[str, str] | Framework) -> str:
    out: list[str] = []
    for t in tokens:
        if isinstance(t, str):
            out.append(t)
        else:
            code = t[1]
            name = names.skills[code].name if isinstance(names, Framework) else names[code]
            out.append(f"{name} ({code})")
    return "".join(out)


def _mention_spans(text: str, fw: Framework) -> list[tuple[int, int]]:
    """Where "Name (CODE)" mentions stand in a text (an edit must not cut into one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        i = text.find(" (", start)
        if i < 0:
            return spans
        code = text[i + 2:i + 6]
        skill = fw.skills.get(code)
        end = i + 7
        if skill is not None and text[i + 6:i + 7] == ")":
            spans.append((i - len(skill.name), end))
        start = end


def _word_swap(rng: Random, word: str) -> str | None:
    core = word.rstrip(".,")
    tail = word[len(core):]
    lower = core.lower()
    options = WORD_CLASS.get(lower)
    if not options:
        return None
    new = rng.choice(options)
    if new == lower:
        return None
    if core[:1].isupper():
        new = _cap(new)
    return new + tail


def make_edit(rng: Random, text: str, fw: Framework | None = None) -> tuple[str, str, str] | None:
    """An edit (old, new) of a few words that occurs exactly once in `text`, and the text after it."""
    words = text.split(" ")
    spans = _mention_spans(text, fw) if fw is not None and "(" in text else []
    for _ in range(30):
        k = rng.randint(2, 5)
        if len(words) < k + 1:
            return None
        i = rng.randrange(0, len(words) - k + 1)
        old = " ".join(words[i:i + k])
        start = len(" ".join(words[:i])) + (1 if i else 0)
        end = start + len(old)
        if "(" in old or ")" in old or any(a < end and start < b for a, b in spans):
            continue
        if text.count(old) != 1:
            continue
        phrase = list(words[i:i + k])
        mode = rng.random()
        if mode < 0.6:
            j = rng.randrange(k)
            swapped = _word_swap(rng, phrase[j])
            if swapped is None:
                continue
            phrase[j] = swapped
        elif mode < 0.85:
            j = rng.randrange(k)
            w = phrase[j].rstrip(".,")
            if w.lower() not in NOUNS or not w.islower():
                continue
            phrase[j] = f"{rng.choice(ADJECTIVES)} {phrase[j]}"
        else:
            j = rng.randrange(k)
            if phrase[j].lower() not in ADJECTIVES or j == 0:
                continue
            del phrase[j]
        new = " ".join(phrase)
        if not new or new == old:
            continue
        result = text.replace(old, new)
        if result.count(new) != 1:
            continue
        return old, new, result
    return None


# ---------------------------------------------------------------------------------------------------------------
# Change requests


@dataclass
class CR:
    number: int
    status: str  # its status at the end: accepted (applied or not), declined, deferred, withdrawn, submitted, draft
    applied: bool = False
    era: str = "main"  # "old" (before v1), "main", "recent"
    ops: list[dict[str, Any]] = field(default_factory=list)
    applies_to: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    title: Tokens = field(default_factory=list)
    proposal: list[Tokens] = field(default_factory=list)
    decision: Tokens | None = None
    outcome: Tokens | None = None
    author: str = PEOPLE[0]
    names: dict[str, str] | None = None  # the names its prose is written with (applied: of its day)

    @property
    def id(self) -> str:
        return f"CR-{self.number:04d}"

    def data(self, names: dict[str, str], stage: str) -> dict[str, Any]:
        """The manifest's data: stage "proposed" (submitted or draft) or "decided" (its final status)."""
        d: dict[str, Any] = {"id": self.id, "title": render_tokens(self.title, names)}
        if stage == "proposed":
            d["status"] = "draft" if self.status == "draft" else "submitted"
        else:
            d["status"] = self.status
        d["applies_to"] = list(self.applies_to)
        d["related"] = list(self.related)
        d["proposal"] = "\n\n".join(render_tokens(p, names) for p in self.proposal)
        if stage == "decided" and self.decision is not None:
            d["decision"] = render_tokens(self.decision, names)
        if stage == "decided" and self.outcome is not None:
            d["outcome"] = render_tokens(self.outcome, names)
        d["operations"] = self.ops
        return d


class Generator:
    def __init__(self, scale: float, seed: int) -> None:
        self.rng = Random(seed)
        self.w = Writer(self.rng)
        self.scale = scale
        self.codes: set[str] = {code for code, _, _ in ATTRIBUTES}  # a skill never takes an attribute's code
        self.names: set[str] = set()  # casefolded, every skill ever named (also in proposals not applied)
        self.fw = Framework()

    # --- the base framework ----------------------------------------------------------------------------------

    def new_name(self) -> str:
        r = self.rng
        for _ in range(1000):
            if r.random() < 0.55:
                name = f"{r.choice(NAME_HEADS)} {r.choice(NAME_TAILS)}"
            else:
                name = f"{r.choice(NAME_HEADS)} {r.choice(NAME_MIDDLES)} {r.choice(NAME_TAILS)}"
            if name.casefold() not in self.names:
                self.names.add(name.casefold())
                return name
        raise RuntimeError("ran out of skill names")

    def new_code(self, name: str) -> str:
        parts = [p for p in name.upper().split() if p.isalpha()]
        candidates = []
        if len(parts) >= 2:
            candidates.append(parts[0][:2] + parts[-1][:2])
            candidates.append(parts[0][:3] + parts[-1][:1])
            candidates.append(parts[0][:1] + parts[1][:1] + parts[-1][:2])
        for c in candidates:
            if len(c) == 4 and c not in self.codes:
                self.codes.add(c)
                return c
        while True:
            c = "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
            if c not in self.codes:
                self.codes.add(c)
                return c

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def guidance(self, code: str, candidates: list[str]) -> Tokens:
        """Guidance notes, sometimes mentioning other skills as 'Name (CODE)' (at most once each)."""
        r = self.rng
        tokens: Tokens = [self.w.text(25, 60)]
        others = [c for c in candidates if c != code]
        for other in r.sample(others, min(len(others), r.choice((0, 1, 1, 2)))):
            tokens += [f" Works {r.choice(ADVERBS)} with ", ("m", other), f" on {r.choice(ADJECTIVES)} "
                       f"{r.choice(NOUNS)}."]
        return tokens

    def level_text(self) -> str:
        return self.w.text(60, 120)

    def base(self, n_skills: int) -> None:
        fw = self.fw
        fw.name = "Synthetic Digital Skills Framework"
        fw.edition = "1"
        fw.categories = {c: list(subs) for c, subs in CATEGORIES}
        fw.attributes = {code: Attribute(code, self.new_id(), name, kind, "active", self.w.text(20, 40))
                         for code, name, kind in ATTRIBUTES}
        for n in LEVELS:
            fw.levels[n] = ResponsibilityLevel(n, LEVEL_NAMES[n], self.w.text(50, 80))
            for code in fw.attributes:
                fw.attributes[code].levels[n] = AttributeLevel(code, n, self.w.text(40, 70))
        r = self.rng
        codes: list[str] = []
        pending_guidance: list[tuple[str, bool]] = []
        for _ in range(n_skills):
            name = self.new_name()
            code = self.new_code(name)
            category = r.choice(sorted(fw.categories))
            span = r.choices((2, 3, 4, 5, 6, 7), weights=(6, 16, 30, 28, 14, 6))[0]
            first = r.randint(1, 8 - span)
            skill = Skill(code=code, id=self.new_id(), name=name, category=category,
                          subcategory=r.choice(fw.categories[category]), status="active",
                          description=self.w.text(40, 80), related=[])
            skill.levels = {n: SkillLevel(code, n, self.level_text()) for n in range(first, first + span)}
            fw.skills[code] = skill
            codes.append(code)
            pending_guidance.append((code, r.random() < 0.75))
        for code, has in pending_guidance:
            skill = fw.skills[code]
            others = [c for c in codes if c != code]
            skill.related = r.sample(others, r.randint(0, 4))
            if has:
                skill.guidance = render_tokens(self.guidance(code, codes), fw)

    @staticmethod
    def framework_file(fw: Framework) -> bytes:
        data = {"name": fw.name, "edition": fw.edition,
                "categories": [{"name": c, "subcategories": list(s)} for c, s in fw.categories.items()]}
        return render(FRAMEWORK_FILE, "framework", data)

    # --- operations --------------------------------------------------------------------------------------------

    def active(self, fw: Framework) -> list[str]:
        return sorted(c for c, s in fw.skills.items() if s.status == "active")

    def op_edit_level(self, fw: Framework, code: str, level: int | None = None) -> dict[str, Any] | None:
        skill = fw.skills[code]
        level = level if level is not None else self.rng.choice(sorted(skill.levels))
        text = skill.levels[level].description
        edits = []
        for _ in range(self.rng.choice((1, 1, 1, 2, 2, 3))):
            e = make_edit(self.rng, text)
            if e is None:
                break
            edits.append({"old": e[0], "new": e[1]})
            text = e[2]
        if not edits:
            return None
        return {"op": "update-level", "skill": code, "level": level, "description": {"edits": edits}}

    def op_rewrite_level(self, fw: Framework, code: str) -> dict[str, Any]:
        skill = fw.skills[code]
        level = self.rng.choice(sorted(skill.levels))
        op: dict[str, Any] = {"op": "update-level", "skill": code, "level": level,
                              "description": {"from": skill.levels[level].description, "to": self.level_text()}}
        if self.rng.random() < 0.5:
            op["impact"] = "major"
        return op

    def op_add_level(self, fw: Framework, code: str) -> dict[str, Any] | None:
        have = sorted(fw.skills[code].levels)
        options = [n for n in (have[0] - 1, have[-1] + 1) if n in LEVELS] if have else [3]
        if not options:
            return None
        return {"op": "add-level", "skill": code, "level": self.rng.choice(options),
                "description": self.level_text()}

    def op_remove_level(self, fw: Framework, code: str) -> dict[str, Any] | None:
        have = sorted(fw.skills[code].levels)
        if len(have) < 3:
            return None
        level = self.rng.choice((have[0], have[-1]))
        return {"op": "remove-level", "skill": code, "level": level,
                "description": fw.skills[code].levels[level].description}

    def op_skill_text(self, fw: Framework, code: str) -> dict[str, Any] | None:
        skill = fw.skills[code]
        op: dict[str, Any] = {"op": "update-skill", "skill": code}
        if self.rng.random() < 0.6 or skill.guidance is None:
            e = make_edit(self.rng, skill.description)
            if e is not None:
                op["description"] = {"edits": [{"old": e[0], "new": e[1]}]}
        if skill.guidance is not None and (len(op) == 2 or self.rng.random() < 0.3):
            e = make_edit(self.rng, skill.guidance, fw)
            if e is not None:
                op["guidance"] = {"edits": [{"old": e[0], "new": e[1]}]}
        elif skill.guidance is None and self.rng.random() < 0.3:
            op["guidance"] = {"from": None, "to": self.w.text(25, 60)}
        return op if len(op) > 2 else None

    def op_related(self, fw: Framework, code: str) -> dict[str, Any] | None:
        skill = fw.skills[code]
        others = [c for c in self.active(fw) if c != code and c not in skill.related]
        new = list(skill.related)
        if new and self.rng.random() < 0.4:
            new.remove(self.rng.choice(new))
        if others and (len(new) < 5 or not new):
            new.append(self.rng.choice(others))
        if new == skill.related:
            return None
        return {"op": "update-skill", "skill": code, "related": {"from": list(skill.related), "to": new}}

    def op_move(self, fw: Framework, code: str) -> dict[str, Any] | None:
        skill = fw.skills[code]
        category = self.rng.choice(sorted(fw.categories))
        sub = self.rng.choice(fw.categories[category])
        if sub == skill.subcategory and category == skill.category:
            return None
        op: dict[str, Any] = {"op": "update-skill", "skill": code}
        if category != skill.category:
            op["category"] = {"from": skill.category, "to": category}
        if sub != skill.subcategory:
            op["subcategory"] = {"from": skill.subcategory, "to": sub}
        return op

    def ops_rename(self, fw: Framework, code: str) -> list[dict[str, Any]]:
        """A rename, and the guidance of every skill that mentions the skill by its old name."""
        old = fw.skills[code].name
        new = self.new_name()
        ops: list[dict[str, Any]] = [{"op": "update-skill", "skill": code, "name": {"from": old, "to": new}}]
        needle = f"{old} ({code})"
        for other in sorted(fw.skills):
            g = fw.skills[other].guidance
            if other != code and g is not None and needle in g:
                ops.append({"op": "update-skill", "skill": other,
                            "guidance": {"edits": [{"old": needle, "new": f"{new} ({code})"}]}})
        return ops

    def ops_retire(self, fw: Framework, code: str, into: str) -> list[dict[str, Any]]:
        """A merge: retire `code`, replaced by `into`; every related list naming it points at `into` instead."""
        ops: list[dict[str, Any]] = [{"op": "retire-skill", "skill": code, "replaced_by": [into]}]
        for other in sorted(fw.skills):
            rel = fw.skills[other].related
            if other != code and code in rel:
                new = []
                for c in rel:
                    c2 = into if c == code else c
                    if c2 != other and c2 not in new:
                        new.append(c2)
                ops.append({"op": "update-skill", "skill": other, "related": {"from": list(rel), "to": new}})
        return ops

    def op_add_skill(self, fw: Framework, applied: bool) -> dict[str, Any]:
        r = self.rng
        name = self.new_name()
        code = self.new_code(name)
        category = r.choice(sorted(fw.categories))
        span = r.choice((3, 3, 4, 4, 5))
        first = r.randint(1, 8 - span)
        active = self.active(fw)
        op: dict[str, Any] = {"op": "add-skill", "code": code, "id": self.new_id(), "name": name,
                              "category": category, "subcategory": r.choice(fw.categories[category]),
                              "description": self.w.text(40, 80)}
        if r.random() < 0.7:
            op["guidance"] = render_tokens(self.guidance(code, active), fw) if applied else self.w.text(25, 60)
        op["related"] = r.sample(active, r.randint(1, 3))
        op["levels"] = [{"level": n, "description": self.level_text()} for n in range(first, first + span)]
        return op

    def op_responsibility(self, fw: Framework) -> dict[str, Any] | None:
        n = self.rng.choice(LEVELS)
        if self.rng.random() < 0.5:
            e = make_edit(self.rng, fw.levels[n].essence)
            return None if e is None else {"op": "update-responsibility-level", "level": n,
                                           "essence": {"edits": [{"old": e[0], "new": e[1]}]}}
        code = self.rng.choice(sorted(fw.attributes))
        e = make_edit(self.rng, fw.attributes[code].levels[n].description)
        return None if e is None else {"op": "update-attribute-level", "attribute": code, "level": n,
                                       "description": {"edits": [{"old": e[0], "new": e[1]}]}}

    # --- one change request's operations and prose -------------------------------------------------------------

    THEMES = ("refresh", "rewrite", "new-level", "remove-level", "skill-text", "related", "rename", "move",
              "cross", "responsibility", "new-skill", "merge")
    WEIGHTS = (40, 8, 7, 2, 10, 6, 2, 3, 12, 2, 0, 0)

    def plan_cr(self, cr: CR, fw: Framework, theme: str) -> tuple[Framework, str]:
        """Fill in the operations of a change request against `fw`; the framework after them, and the theme
        used. Operations are generated one by one, each applied to a scratch copy so the next sees its result."""
        r = self.rng
        for _ in range(50):
            ops, targets, subject = self._ops(fw, theme, cr.applied)
            if ops:
                break
            theme = r.choices(self.THEMES, weights=self.WEIGHTS)[0]
        else:
            raise RuntimeError("could not make operations")
        cr.ops = ops
        after, _ = engine.apply(fw, ops, cr.id)
        cr.applies_to = list(dict.fromkeys(targets))
        self._prose(cr, theme, subject, fw)
        return after, theme

    def _ops(self, fw: Framework, theme: str, applied: bool) -> tuple[list[dict[str, Any]], list[str], Any]:
        r = self.rng
        active = self.active(fw)
        code = r.choice(active)
        ops: list[dict[str, Any]] = []
        if theme == "refresh":
            work = fw
            levels = sorted(work.skills[code].levels)
            for level in r.sample(levels, min(len(levels), r.choice((1, 1, 2, 3)))):
                op = self.op_edit_level(work, code, level)
                if op is not None:
                    ops.append(op)
                    work, _ = engine.apply(work, [op])
            return ops, [code], code
        if theme == "rewrite":
            return [self.op_rewrite_level(fw, code)], [code], code
        if theme == "new-level":
            op = self.op_add_level(fw, code)
            if op is None:
                return [], [], None
            ops = [op]
            if r.random() < 0.4:
                edit = self.op_edit_level(fw, code)
                if edit is not None:
                    ops.append(edit)
            return ops, [code], (code, op["level"])
        if theme == "remove-level":
            op = self.op_remove_level(fw, code)
            return ([op], [code], (code, op["level"])) if op else ([], [], None)
        if theme == "skill-text":
            op = self.op_skill_text(fw, code)
            return ([op], [code], code) if op else ([], [], None)
        if theme == "related":
            op = self.op_related(fw, code)
            return ([op], [code], code) if op else ([], [], None)
        if theme == "rename":
            ops = self.ops_rename(fw, code)
            return ops, [o["skill"] for o in ops], code
        if theme == "move":
            op = self.op_move(fw, code)
            return ([op], [code], code) if op else ([], [], None)
        if theme == "cross":
            work = fw
            codes = r.sample(active, r.randint(2, 4))
            for c in codes:
                op = self.op_edit_level(work, c)
                if op is not None:
                    ops.append(op)
                    work, _ = engine.apply(work, [op])
            return ops, codes, codes
        if theme == "responsibility":
            op = self.op_responsibility(fw)
            return ([op], [], op["level"]) if op else ([], [], None)
        if theme == "new-skill":
            op = self.op_add_skill(fw, applied)
            ops = [op]
            if applied and r.random() < 0.5:
                other = r.choice(op["related"])
                rel = fw.skills[other].related
                if op["code"] not in rel:
                    ops.append({"op": "update-skill", "skill": other,
                                "related": {"from": list(rel), "to": [*rel, op["code"]]}})
            return ops, [op["code"], *[o["skill"] for o in ops[1:]]], op
        if theme == "merge":
            replacing = {c for s in fw.skills.values() for c in s.replaced_by}
            candidates = [c for c in active if c not in replacing]
            if len(active) < 3 or not candidates:
                return [], [], None
            code = r.choice(candidates)
            into = r.choice([c for c in active if c != code])
            ops = self.ops_retire(fw, code, into)
            work, _ = engine.apply(fw, ops)
            edit = self.op_edit_level(work, into)
            if edit is not None:
                ops.append(edit)
            return ops, [code, into, *[o["skill"] for o in ops[1:-1]]], (code, into)
        raise ValueError(theme)

    def _prose(self, cr: CR, theme: str, subject: Any, fw: Framework) -> None:
        r = self.rng
        w = self.w
        m = lambda c: ("m", c)  # noqa: E731
        if theme in ("refresh", "rewrite", "skill-text", "related", "move"):
            verb = {"refresh": "Refresh", "rewrite": "Rewrite the level descriptions of", "skill-text":
                    "Clarify the overall description of", "related": "Update the skills related to",
                    "move": "Move"}[theme]
            title: Tokens = [f"{verb} ", m(subject)]
            if theme == "move":
                title.append(" to another subcategory")
        elif theme == "new-level":
            title = ["Create ", m(subject[0]), f" level {subject[1]}"]
        elif theme == "remove-level":
            title = ["Remove ", m(subject[0]), f" level {subject[1]}"]
        elif theme == "rename":
            title = ["Rename ", m(subject), " to reflect current practice"]
        elif theme == "cross":
            title = ["Align the wording of ", m(subject[0]), " and related skills"]
        elif theme == "responsibility":
            title = [f"Clarify level of responsibility {subject} ({LEVEL_NAMES[subject].split('/')[0]})"]
        elif theme == "new-skill":
            title = [f"Add a new skill for {subject['name'].lower()}"]
        else:
            title = ["Retire ", m(subject[0]), ", merged into ", m(subject[1])]
        cr.title = title
        # The proposal: 200+ words in 2 to 4 paragraphs, mentioning the skills concerned and citing earlier CRs.
        paragraphs: list[Tokens] = []
        count = r.randint(2, 4)
        lo = -(-210 // count)
        for i in range(count):
            para: Tokens = []
            if i == 0 and cr.applies_to and fw.skills.get(cr.applies_to[0]) is not None:
                para += ["The current text of ", m(cr.applies_to[0]), " does not reflect how the work is done "
                         "today. "]
            para.append(w.text(lo, lo + 50))
            if i == 1 and cr.related:
                para.append(" This builds on " + " and ".join(f"CR#{c[3:]}" for c in cr.related) + ".")
            paragraphs.append(para)
        cr.proposal = paragraphs
        if cr.status in ("accepted", "declined", "deferred", "withdrawn"):
            lead = {"accepted": "Accepted by the editorial group. ", "declined": "Declined by the editorial group. ",
                    "deferred": "Deferred to a later edition. ", "withdrawn": "Withdrawn by the proposer. "}
            cr.decision = [lead[cr.status] + w.text(25, 60)]
        if cr.status == "accepted":
            cr.outcome = [w.text(20, 45)]


# ---------------------------------------------------------------------------------------------------------------
# The history, as a git fast-import stream


class Stream:
    def __init__(self, path: Path, rng: Random, pace: int = 1) -> None:
        self.f = path.open("wb")
        self.pace = pace  # a bigger framework gets more commits a day
        self.rng = rng
        self.when = START_EPOCH
        self.mark = 0
        self.commits = 0

    def commit(self, author: str, message: str, files: dict[str, bytes | None], committer: str | None = None) -> int:
        self.when += self.rng.randint(900, 30000) // self.pace
        self.mark += 1
        self.commits += 1
        msg = message.encode("utf-8")
        f = self.f
        f.write(b"commit refs/heads/main\nmark :%d\n" % self.mark)
        f.write(f"author {author} {self.when} +0000\n".encode())
        f.write(f"committer {committer or author} {self.when} +0000\n".encode())
        f.write(b"data %d\n%s\n" % (len(msg), msg))
        for path in sorted(files):
            data = files[path]
            if data is None:
                f.write(f"D {path}\n".encode())
            else:
                f.write(f"M 100644 inline {path}\n".encode())
                f.write(b"data %d\n%s\n" % (len(data), data))
        f.write(b"\n")
        return self.mark

    def tag(self, name: str, mark: int, tagger: str, message: str) -> None:
        self.when += 600
        msg = message.encode("utf-8")
        self.f.write(f"tag {name}\nfrom :{mark}\ntagger {tagger} {self.when} +0000\n".encode())
        self.f.write(b"data %d\n%s\n" % (len(msg), msg))

    def close(self) -> None:
        self.f.write(b"done\n")
        self.f.close()


# ---------------------------------------------------------------------------------------------------------------


INITIAL_CR = "CR-0999"  # before the generated requests, numbered from CR-1000


class LogText:
    """changes/log.yaml's bytes as record.render writes them, grown one applied change request at a time: rendering
    the whole log again for each of 10,000 commits would cost more than the rest of the history."""

    def __init__(self, rendered: bytes) -> None:
        self.head, rest = rendered.split(b"releases:", 1)
        self.releases = b"releases:" + rest
        self.head = self.head.replace(b"applied: []\n", b"applied:\n")
        self.entries: list[bytes] = []

    def add(self, cr_id: str, digest: str) -> bytes:
        # scalar() quotes as record.render does: a hex digest such as 1234e567... would read back as a number.
        self.entries.append(f"  - cr: {scalar(cr_id)}\n    operations: {scalar(digest)}\n".encode())
        return self.head + b"".join(self.entries) + self.releases


def initial_ids(parts: int) -> list[str]:
    """The initial change requests' ids: CR-0999 for one part, else as many as needed ending at CR-0999."""
    last = int(INITIAL_CR.removeprefix("CR-"))
    return [f"CR-{n:04d}" for n in range(last - parts + 1, last + 1)]


def initial_files(fw: Framework) -> tuple[dict[str, bytes], record.Log]:
    """The first commit's framework/, its initial change requests (one, CR-0999, unless the framework needs more
    parts than one: initial.initial_parts) and the log that records them applied: the files applying them to the
    empty framework gives, as `skillrepo init` writes them, so that the framework is the replay of its change
    requests."""
    parts = initial_parts(fw)
    built, log, files = empty_framework(fw.edition), record.Log(), {}
    for n, (cr_id, operations) in enumerate(zip(initial_ids(len(parts)), parts, strict=True), start=1):
        built, _ = engine.apply(built, operations, cr_id)
        files[manifest_path(cr_id)] = render_manifest(_initial_manifest(fw, cr_id, operations, n, len(parts)))
        log = record.with_applied(log, cr_id, operations)
    assert built == fw
    framework = {path: data for path, data in file_changes(empty_framework(fw.edition), built).items()
                 if data is not None}
    return framework | files, log


def _initial_manifest(fw: Framework, cr_id: str, operations: list[dict[str, Any]], n: int,
                      total: int) -> dict[str, Any]:
    codes = part_skills(operations)
    if n == 1:
        skills = f"{len(codes)} skills" if total == 1 else f"{len(codes)} skills ({codes[0]} to {codes[-1]})"
        proposal = ("Start the framework with its name, categories, levels of responsibility, attributes "
                    f"and {skills}")
    else:
        proposal = f"Add the framework's {len(codes)} skills ({codes[0]} to {codes[-1]})"
    return {
        "id": cr_id, "title": f"Initial content of the {fw.name}" + (f" (part {n} of {total})" if total > 1 else ""),
        "status": "accepted", "applies_to": [], "related": [],
        "proposal": f"{proposal}, so that every later change arrives as a change request.",
        "origin": {"description": "generated by benchmarks/generate.py"}, "applied_in": fw.edition,
        "operations": operations}


def _applies(fw: Framework, operations: list[dict[str, Any]]) -> bool:
    """Whether the operations apply to the framework as it is."""
    try:
        engine.apply(fw, operations)
    except engine.PreconditionError:
        return False
    return True


def _statuses(rng: Random, total: int) -> list[tuple[str, str]]:
    """(era, status) per change request, in number order."""
    old = max(1, round(total * 0.05))
    recent = max(2, round(total * 0.03))
    out: list[tuple[str, str]] = []
    for _ in range(old):
        out.append(("old", rng.choices(("declined", "withdrawn", "deferred"), weights=(6, 3, 1))[0]))
    for _ in range(total - old - recent):
        out.append(("main", rng.choices(("applied", "declined", "deferred", "withdrawn", "submitted"),
                                        weights=(72, 16, 5, 4, 3))[0]))
    for i in range(recent):
        out.append(("recent", "accepted" if i == recent - 1 else rng.choice(("submitted", "submitted", "draft"))))
    return out


def generate(dest: Path, scale: float = 1, seed: int = 1) -> dict[str, Any]:
    """Write a framework repository with its git history into `dest` (new or empty); a summary."""
    t0 = time.perf_counter()
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    g = Generator(scale, seed)
    rng = g.rng  # one stream of random numbers for everything, in a fixed order
    total_crs = round(1500 * scale)
    statuses = _statuses(rng, total_crs)
    applied_idx = [i for i, (_, s) in enumerate(statuses) if s == "applied"]
    n_new = round(20 * scale)
    n_merge = round(6 * scale)
    special = rng.sample(applied_idx, n_new + n_merge)
    theme_of: dict[int, str] = {i: "new-skill" for i in special[:n_new]}
    theme_of.update({i: "merge" for i in special[n_new:]})
    g.base(round(150 * scale) - n_new)

    crs: list[CR] = []
    for i, (era, status) in enumerate(statuses):
        cr = CR(1000 + i, "accepted" if status == "applied" else status, applied=status == "applied",
                era=era, author=rng.choice(PEOPLE))
        earlier = [c.id for c in crs[-200:]]
        if earlier and rng.random() < 0.35:
            cr.related = sorted(rng.sample(earlier, min(len(earlier), rng.choice((1, 1, 2)))))
        crs.append(cr)
    # Plan in number order, applying each accepted one with the engine as it comes. Proposals not applied are
    # planned on the framework of their day (a few add or retire skills too: never applied, they change
    # nothing). The last one, accepted but not applied, is planned on the final framework.
    base = g.fw
    fw = replace(base, edition=EDITION_AFTER_V1)
    changes: dict[str, dict[str, bytes | None]] = {}
    not_applied_weights = (*Generator.WEIGHTS[:-2], 1, 1)
    for i, cr in enumerate(crs):
        if i == len(crs) - 1:
            theme = "cross"
        else:
            theme = theme_of.get(i) or rng.choices(Generator.THEMES, weights=Generator.WEIGHTS if cr.applied
                                                   else not_applied_weights)[0]
        on = base if cr.era == "old" else fw
        after, _ = g.plan_cr(cr, on, theme)
        if cr.applied:
            changes[cr.id] = file_changes(fw, after)  # the files `skillrepo apply` would write
            cr.names = {c: s.name for c, s in fw.skills.items()}  # its prose names skills as they were
            fw = after
    final_names = {c: s.name for c, s in fw.skills.items()}
    for cr in crs:
        if cr.names is None:
            cr.names = final_names
        if cr.status in ("submitted", "draft") and not _applies(fw, cr.ops):
            cr.status = "deferred"  # overtaken by what was applied since: an editor defers it (check warns, R432)

    # The history.
    with tempfile.TemporaryDirectory() as tmp:
        stream_path = Path(tmp) / "stream"
        st = Stream(stream_path, Random(seed + 1), max(1, round(scale)))
        files, log = initial_files(base)
        for schema in sorted(schema_dir().glob("*.schema.json")):
            files[f"schemas/{schema.name}"] = schema.read_bytes()
        for cr in crs:
            if cr.era == "old":
                files[manifest_path(cr.id)] = render_manifest(cr.data(cr.names, "decided"))
        # The first commit records the initial change requests as applied and released as 1.0.0, as `skillrepo
        # release` would.
        log = record.with_release(log, "1.0.0", "2026-01-01", record.content_digest(snapshot_of(dest, files)))
        files[LOG_FILE] = record.render(log)
        log_text = LogText(files[LOG_FILE])
        base_mark = st.commit(MAINTAINERS[0], "Start the framework\n", files)
        st.tag("v1.0.0", base_mark, MAINTAINERS[0], "Release 1.0.0\n")
        st.commit(MAINTAINERS[0], "Start edition 2\n",
                  {FRAMEWORK_FILE: Generator.framework_file(replace(base, edition=EDITION_AFTER_V1))})
        main = [(cr, changes.get(cr.id, {})) for cr in crs if cr.era != "old"]
        batch = 20
        for start in range(0, len(main), batch):
            group = main[start:start + batch]
            for cr, _ in group:
                st.commit(cr.author, f"Propose {cr.id}: {render_tokens(cr.title, cr.names)}\n",
                          {manifest_path(cr.id): render_manifest(cr.data(cr.names, "proposed"))})
            decided = {manifest_path(cr.id): render_manifest(cr.data(cr.names, "decided"))
                       for cr, _ in group if cr.status not in ("submitted", "draft")}
            if decided:
                ids = [cr.id for cr, _ in group if cr.status not in ("submitted", "draft")]
                st.commit(MAINTAINERS[start // batch % 2], f"Record the editorial group's decisions on "
                          f"{ids[0]} to {ids[-1]}\n", decided)
            for cr, fwfiles in group:
                if not cr.applied:
                    continue
                path = manifest_path(cr.id)
                doc = document(path, decided[path])
                assert doc is not None
                out = dict(fwfiles)
                out[path] = set_applied_in(doc, EDITION_AFTER_V1)
                log = record.with_applied(log, cr.id, cr.ops)
                out[LOG_FILE] = log_text.add(cr.id, log.applied[-1].operations)
                title = render_tokens(cr.title, cr.names)
                st.commit(MAINTAINERS[cr.number % 2], f"Apply {cr.id}: {title}\n\nChange-Request: {cr.id}\n", out)
        assert record.render(log) == log_text.head + b"".join(log_text.entries) + log_text.releases
        st.close()
        repo = git.Repo.init(dest, initial_branch="main")
        with repo.config_writer() as cw:
            cw.set_value("user", "name", "Benchmark")
            cw.set_value("user", "email", "benchmark@example.org")
        with stream_path.open("rb") as f:
            repo.git.execute(["git", "fast-import", "--quiet", "--done"], istream=f)
        repo.git.reset("--hard", "--quiet")
        # fast-import writes objects whole (840 MB at 10x); a clone holds them as deltas (96 MB), as here. Git's
        # own memory when it reads the history (R423's diff) follows the pack it maps.
        repo.git.repack("-a", "-d", "-f", "-q")
        commits = st.commits
    apply_cr = crs[-1]
    yaml_files = sorted(dest.glob("framework/**/*.yaml")) + sorted(dest.glob("changes/*/manifest.yaml"))
    summary = {
        "scale": scale, "seed": seed, "skills": len(fw.skills),
        "active_skills": sum(s.status == "active" for s in fw.skills.values()),
        "skill_levels": sum(len(s.levels) for s in fw.skills.values()),
        "change_requests": len(crs), "applied": sum(c.applied for c in crs),
        "operations_applied": sum(len(c.ops) for c in crs if c.applied),
        "statuses": {s: sum(1 for c in crs if (c.status if not c.applied else "applied") == s)
                     for s in ("applied", "accepted", "declined", "deferred", "withdrawn", "submitted", "draft")},
        "commits": commits, "apply_cr": apply_cr.id, "yaml_files": len(yaml_files),
        "yaml_bytes": sum(p.stat().st_size for p in yaml_files),
        "head": repo.head.commit.hexsha, "seconds": round(time.perf_counter() - t0, 1),
    }
    ops: dict[str, int] = {}
    for c in crs:
        if c.applied:
            for o in c.ops:
                ops[o["op"]] = ops.get(o["op"], 0) + 1
    summary["applied_operations_by_kind"] = dict(sorted(ops.items()))
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import json

    print(json.dumps(generate(args.dest, args.scale, args.seed), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
