#!/usr/bin/env python
"""Score tasks.parsing against the gold annotations: the seeds (fixtures/seeds/gold/, the
development set) and, separately, the held-out corpus (tests/parsing/corpus/gold/).

Matching follows fixtures/seeds/README.md: a predicted task matches a gold task by
number + path (first_chars breaks ties between repeated labels), otherwise by its
first characters. Leads are compared as sets of names (whitespace removed, full-width
folded); deadline phrases as multisets of text per matched task; targets likewise, both
exactly and with a fuzzy phrase match (similarity >= 0.8 or containment), since phrase
boundaries of goals are a judgement call.

Each document is read as bytes with its real extension through parse_document.
Exit status 1 if a set misses a target (task F1 0.97, lead 0.95, deadline F1 0.95, target F1 0.90).

Corpus 2 (tests/parsing/corpus2/) also annotates start dates ("starts", scored apart from the due
dates) and the measures column ("measures"); its figures print with the others.

Usage: .venv/bin/python scripts/score_parser.py [--verbose] [--seeds-only | --corpus-only | --corpus2-only]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tasks.parsing import parse_document  # noqa: E402
from tasks.parsing.normalize import fold  # noqa: E402

SEEDS = ROOT / "fixtures" / "seeds"
CORPUS = ROOT / "tests" / "parsing" / "corpus"
# Written on 2026-12-07 with its gold before the parser was run on it (tests/parsing/corpus2/README.md).
CORPUS2 = ROOT / "tests" / "parsing" / "corpus2"


def norm(text: str | None) -> str:
    return "".join(fold(text or "").split())


def f1(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def match_tasks(gold: list[dict], pred: list) -> list[tuple[dict, object]]:
    used: set[int] = set()
    pairs: list[tuple[dict, object]] = []
    unmatched = []
    for g in gold:
        key = (norm(g["number"]), tuple(norm(x) for x in g["path"]))
        fc = norm(g["first_chars"])
        cands = [
            i
            for i, t in enumerate(pred)
            if i not in used
            and (norm(t.number), tuple(norm(x) for x in t.path)) == key
            and g["number"] is not None
        ]
        if cands:
            best = next((i for i in cands if norm(pred[i].text).startswith(fc)), cands[0])
            used.add(best)
            pairs.append((g, pred[best]))
        else:
            unmatched.append(g)
    for g in unmatched:
        fc = norm(g["first_chars"])
        for i, t in enumerate(pred):
            if i not in used and fc and norm(t.text).startswith(fc):
                used.add(i)
                pairs.append((g, t))
                break
    return pairs


def multiset_tp(gold: list[str], pred: list[str]) -> int:
    return sum((Counter(map(norm, gold)) & Counter(map(norm, pred))).values())


def fuzzy_tp(gold: list[str], pred: list[str]) -> int:
    left = [norm(p) for p in pred]
    tp = 0
    for g in map(norm, gold):
        for i, p in enumerate(left):
            if p is None:
                continue
            if (
                p == g
                or SequenceMatcher(None, g, p).ratio() >= 0.8
                or (min(len(g), len(p)) >= 6 and (g in p or p in g))
            ):
                left[i] = None
                tp += 1
                break
    return tp


def score_set(gold_dir: Path, doc_dir: Path, verbose: bool = False, out=print) -> dict:
    """Parse every document named by a gold file in ``gold_dir``; print and return the figures."""
    totals: Counter = Counter()
    header_ok = header_n = 0
    resolved: dict[str, Counter] = {}
    out(
        f"{'document':28} {'tasks P/R/F1':>20} {'lead acc':>9} {'deadline P/R/F1':>20} {'target P/R/F1 (fuzzy)':>24} {'exact F1':>8}"
    )
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        doc = parse_document((doc_dir / gold["doc"]).read_bytes(), gold["doc"])
        for field in ("title", "doc_number", "issuer", "issued_on", "region"):
            got = doc.to_dict()[field]
            header_n += 1
            header_ok += norm(got) == norm(gold[field])
            if verbose and norm(got) != norm(gold[field]):
                out(f"  header {field}: got {got!r} want {gold[field]!r}")
        pairs = match_tasks(gold["tasks"], doc.tasks)
        c = Counter(tasks_tp=len(pairs), tasks_pred=len(doc.tasks), tasks_gold=len(gold["tasks"]))
        for g, t in pairs:
            lead_ok = {norm(x) for x in g["lead"]} == {norm(a.text) for a in t.lead}
            c["lead_ok"] += lead_ok
            if "starts" in g:
                # Corpus 2 annotates start dates (自……起) apart: they must not be due dates.
                pd = [d.text for d in t.deadlines if d.kind != "start"]
                ps = [d.text for d in t.deadlines if d.kind == "start"]
                c["st_tp"] += multiset_tp(g["starts"], ps)
                c["st_pred"] += len(ps)
                c["st_gold"] += len(g["starts"])
            else:
                pd = [d.text for d in t.deadlines]
            if "measures" in g:
                measures = norm(getattr(t, "measures", None))
                wanted = norm(g["measures"])
                c["ms_n"] += 1
                c["ms_ok"] += measures.startswith(wanted) if wanted else not measures
            c["dl_tp"] += multiset_tp(g["deadlines"], pd)
            c["dl_pred"] += len(pd)
            c["dl_gold"] += len(g["deadlines"])
            pt = [x.text for x in t.targets]
            c["tg_tp"] += fuzzy_tp(g["targets"], pt)
            c["tg_exact"] += multiset_tp(g["targets"], pt)
            c["tg_pred"] += len(pt)
            c["tg_gold"] += len(g["targets"])
            for d in t.deadlines:
                if norm(d.text) in map(norm, g["deadlines"]):
                    resolved.setdefault(f"{gold['doc'][:3]} {d.text}", Counter())[str(d.date)] += 1
            if verbose and (
                not lead_ok
                or Counter(map(norm, g["deadlines"])) != Counter(map(norm, pd))
                or fuzzy_tp(g["targets"], pt) != max(len(pt), len(g["targets"]))
            ):
                out(f"  {g['number']} {g['path']}: lead {[a.text for a in t.lead]} want {g['lead']}")
                out(f"      deadlines {pd} want {g['deadlines']}")
                out(f"      targets {pt}\n         want {g['targets']}")
        if verbose:
            matched = {id(t) for _, t in pairs}
            for t in doc.tasks:
                if id(t) not in matched:
                    out(f"  extra: {t.number} {t.path} {t.text[:30]!r}")
            got = {id(g) for g, _ in pairs}
            for g in gold["tasks"]:
                if id(g) not in got:
                    out(f"  missed: {g['number']} {g['path']} {g['first_chars']!r}")
        totals.update(c)
        out(_row(gold["doc"][:28], c))
    out(_row("OVERALL", totals))
    out(f"header fields correct: {header_ok}/{header_n}")
    if totals["ms_n"] or totals["st_gold"] or totals["st_pred"]:
        _, _, sf = f1(totals["st_tp"], totals["st_pred"], totals["st_gold"])
        out(
            f"start dates F1 {sf:.3f} ({totals['st_tp']} of {totals['st_gold']} found, {totals['st_pred']} predicted); "
            f"measures kept {totals['ms_ok']}/{totals['ms_n']}"
        )
    if verbose:
        out("deadline resolutions (phrase -> date: count):")
        for key in sorted(resolved):
            out(f"  {key} -> " + ", ".join(f"{d}: {n}" for d, n in resolved[key].items()))
    return figures(totals)


def figures(c: Counter) -> dict:
    """The four target figures (and the rest) of a set of counts."""
    _, _, tf = f1(c["tasks_tp"], c["tasks_pred"], c["tasks_gold"])
    _, _, df = f1(c["dl_tp"], c["dl_pred"], c["dl_gold"])
    _, _, gf = f1(c["tg_tp"], c["tg_pred"], c["tg_gold"])
    lead = c["lead_ok"] / c["tasks_tp"] if c["tasks_tp"] else 0.0
    return {"task_f1": tf, "lead_acc": lead, "deadline_f1": df, "target_f1": gf}


TARGETS = {"task_f1": 0.97, "lead_acc": 0.95, "deadline_f1": 0.95, "target_f1": 0.90}


def main() -> int:
    verbose = "--verbose" in sys.argv
    ok = True
    sets = []
    if "--corpus-only" not in sys.argv:
        sets.append(("SEEDS (fixtures/seeds, development set)", SEEDS / "gold", SEEDS))
    if "--seeds-only" not in sys.argv:
        sets.append(("HELD-OUT CORPUS (tests/parsing/corpus)", CORPUS / "gold", CORPUS))
        if "--corpus-only" not in sys.argv or "--corpus2" in sys.argv:
            sets.append(("HELD-OUT CORPUS 2 (tests/parsing/corpus2)", CORPUS2 / "gold", CORPUS2))
    if "--corpus2-only" in sys.argv:
        sets = [("HELD-OUT CORPUS 2 (tests/parsing/corpus2)", CORPUS2 / "gold", CORPUS2)]
    for title, gold_dir, doc_dir in sets:
        print(f"=== {title} ===")
        figs = score_set(gold_dir, doc_dir, verbose)
        misses = [k for k, v in TARGETS.items() if figs[k] < v]
        print(
            "targets: "
            + ", ".join(
                f"{k} {figs[k]:.3f}{'' if figs[k] >= v else ' < ' + str(v)}" for k, v in TARGETS.items()
            )
        )
        ok = ok and not misses
        print()
    return 0 if ok else 1


def _row(name: str, c: Counter) -> str:
    tp, tr, tf = f1(c["tasks_tp"], c["tasks_pred"], c["tasks_gold"])
    lead = c["lead_ok"] / c["tasks_tp"] if c["tasks_tp"] else 0.0
    dp, dr, df = f1(c["dl_tp"], c["dl_pred"], c["dl_gold"])
    gp, gr, gf = f1(c["tg_tp"], c["tg_pred"], c["tg_gold"])
    _, _, ef = f1(c["tg_exact"], c["tg_pred"], c["tg_gold"])
    return (
        f"{name:28} {tp:6.3f}/{tr:5.3f}/{tf:5.3f} {lead:9.3f} {dp:6.3f}/{dr:5.3f}/{df:5.3f} "
        f"{gp:8.3f}/{gr:5.3f}/{gf:5.3f}   {ef:8.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
