"""Made-up papers in bulk, for benchmarks and scale tests.

Researchers keep tens of thousands of papers; the benchmarks and the scale
tests need libraries that big whose text looks like the real thing to the
index: titles of about 80 characters and abstracts of about 1,500, a shared
research vocabulary with a Zipf-like spread, a long tail of rare words and a
made-up method name per paper. Everything comes from a seeded generator, so
the same seed and size give the same papers on every machine.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np

from reader.core.models import Link, ParsedPaper

_COMMON = """
model models learning training data network networks method methods task tasks performance results
approach framework large language image images video generation deep neural dataset datasets
benchmark benchmarks inference efficient efficiency robust scalable novel propose proposed show
demonstrate experiments experimental state art evaluation evaluate existing prior work however
while both which also can more than such using based across different multiple new first second
significant significantly improve improves improvement improvements achieve achieves outperforms
previous recent challenging problem problems analysis study studies quality accuracy representation
representations features feature architecture architectures layer layers attention transformer
transformers diffusion reinforcement policy reward agent agents reasoning retrieval augmented
knowledge graph graphs text visual vision multimodal speech audio motion human pose scene scenes
object objects detection segmentation classification recognition tracking reconstruction rendering
view synthesis depth point cloud clouds mesh geometry semantic instance open vocabulary zero shot
few supervised unsupervised self contrastive pretraining pretrained fine tuning tuning instruction
alignment preference optimization gradient loss objective regularization sparse dense mixture
experts expert routing gating parallel distributed system systems memory compute hardware gpu
throughput latency serving cache quantization pruning distillation compression low rank adapter
adapters prompt prompts prompting chain thought planning search tree monte carlo sampling sampler
noise denoising score flow matching latent space encoder decoder autoregressive token tokens
tokenizer vocabulary embedding embeddings context window long short sequence sequences length
generalization robustness safety privacy fairness bias hallucination factuality verification proof
theorem prover provers formal mathematics math lean proving lemma lemmas tactic tactics
gaussian splatting radiance fields neural implicit surface volumetric dynamic static temporal
spatial consistency coherent controllable editing style transfer super resolution inpainting
medical clinical molecular protein drug chemistry physics climate weather forecasting time series
robot robotic manipulation navigation embodied driving autonomous simulation simulator real world
code program programs software repository repositories bug bugs test tests execution compiler
question answering dialogue conversation chat assistant user users feedback human annotation
evaluation metric metrics leaderboard open source release released available github project
""".split()

_ADJECTIVES = """
adaptive efficient scalable unified robust hierarchical lightweight interpretable generalizable
controllable compositional progressive multiscale universal sparse dense hybrid modular causal
probabilistic differentiable continual federated incremental structured holistic iterative
""".split()

_TASKS = (
    "text-to-image generation, image-to-video, video understanding, code generation, theorem proving, "
    "motion synthesis, 3d reconstruction, novel view synthesis, speech recognition, machine translation, "
    "question answering, graph learning, protein design, weather forecasting, autonomous driving, "
    "robot manipulation, long-context modeling, mathematical reasoning, document retrieval, visual grounding"
).split(", ")

_SYLLABLES = (
    "ka lo mi ne ru ta vo xi ze qua bri dal fen gor hul jin kev lum mor nix pel quin rav sol tor umb vex wyn yor zel"
).split()

_FILLERS = (
    "In this paper, we propose {name}, a {adj} {noun} for {task}.",
    "Existing {noun} methods struggle with {w1} {w2} and often require {w3} {w4}.",
    "To address this, {name} combines {w1} {w2} with {w3} {w4} in a {adj} way.",
    "Extensive experiments on {n} benchmarks demonstrate that {name} outperforms previous {w1} methods by {p}%.",
    "We further show that {w1} {w2} improves {w3} {w4} without additional {w5}.",
    "Our analysis reveals that {w1} and {w2} are key to {w3} {w4}.",
    "The code is available at https://github.com/{user}/{repo}.",
)


class _Words:
    """A shared vocabulary with a Zipf-like spread plus a long tail of rare words."""

    def __init__(self, rng: random.Random, tail: int) -> None:
        self.rng = rng
        rare = sorted({_pseudo_word(rng) for _ in range(tail)})
        common_weights, rare_weights = _zipf(len(_COMMON)), _zipf(len(rare))
        scale = 5.0 * sum(rare_weights) / sum(common_weights)  # about one word in six is rare
        self.population = np.array([*_COMMON, *rare], dtype=object)
        cumulative = np.cumsum(np.array([w * scale for w in common_weights] + rare_weights))
        self.cumulative = cumulative / cumulative[-1]
        self.draws = np.random.default_rng(rng.getrandbits(64))

    def pick(self, k: int) -> list[str]:
        """``k`` words drawn from the shared vocabulary and the long tail (vectorised: millions are needed)."""
        chosen = np.searchsorted(self.cumulative, self.draws.random(k), side="right")
        words: list[str] = self.population[np.minimum(chosen, len(self.population) - 1)].tolist()
        return words


def _zipf(n: int) -> list[float]:
    return [1.0 / rank**0.9 for rank in range(1, n + 1)]


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def _method_name(rng: random.Random) -> str:
    stem = "".join(rng.choice(_SYLLABLES).capitalize() for _ in range(rng.randint(1, 2)))
    suffix = rng.choice(["", "", "-R1", "2", "3D", "4D", "-VL", "Net", "GPT", "Bench", "-X"])
    return stem + suffix


def _title(rng: random.Random, words: _Words, name: str) -> str:
    task = rng.choice(_TASKS)
    body = " ".join(w.capitalize() for w in words.pick(rng.randint(3, 5)))
    shapes = (
        f"{name}: {rng.choice(_ADJECTIVES).capitalize()} {body} for {task.title()}",
        f"{body} with {rng.choice(_ADJECTIVES).capitalize()} {words.pick(1)[0].capitalize()} for {task.title()}",
        f"{name}: Towards {body}",
    )
    return rng.choice(shapes)


def _abstract(rng: random.Random, words: _Words, name: str, target: int) -> str:
    pool = words.pick(target // 6)  # one draw per abstract: about six characters a word
    sentences: list[str] = []
    length, used = 0, 0
    while length < target:
        if used + 24 > len(pool):
            pool += words.pick(48)
        if rng.random() < 0.45:
            w = pool[used : used + 6]
            used += 6
            sentence = rng.choice(_FILLERS[:6]).format(
                name=name,
                adj=rng.choice(_ADJECTIVES),
                noun=w[5],
                task=rng.choice(_TASKS),
                n=rng.randint(2, 12),
                p=rng.randint(1, 40),
                w1=w[0],
                w2=w[1],
                w3=w[2],
                w4=w[3],
                w5=w[4],
            )
        else:
            size = rng.randint(10, 24)
            sentence = " ".join(pool[used : used + size]).capitalize() + "."
            used += size
        sentences.append(sentence)
        length += len(sentence) + 1
    return " ".join(sentences)


def generate(count: int, seed: int = 7, *, tail: int = 40_000) -> Iterator[ParsedPaper]:
    """``count`` made-up papers; the same seed gives the same papers, in the same order."""
    rng = random.Random(seed)
    words = _Words(rng, tail)
    people = [f"{_pseudo_word(rng).capitalize()} {_pseudo_word(rng).capitalize()}" for _ in range(5000)]
    for number in range(count):
        name = _method_name(rng)
        title = _title(rng, words, name)
        abstract = _abstract(rng, words, name, rng.randint(1100, 1900))
        year, month = 2020 + number % 6, 1 + (number // 6) % 12
        # January 2000 predates new-style arXiv ids, so these never collide with a real paper.
        arxiv_id = f"{number // 100_000:02d}01.{number % 100_000:05d}"
        links: tuple[Link, ...] = ()
        if rng.random() < 0.5:
            user, repo = rng.choice(_SYLLABLES) + str(number), name.lower()
            abstract += f" The code is available at https://github.com/{user}/{repo}."
            links = (Link(f"https://github.com/{user}/{repo}", "code", f"{user}/{repo}"),)
        yield ParsedPaper(
            title=title,
            abstract=abstract,
            links=links,
            arxiv_id=arxiv_id,
            authors=tuple(rng.sample(people, 3)),
            published=f"{year}-{month:02d}-{1 + number % 28:02d}",
            upvotes=rng.randint(0, 300),
        )
