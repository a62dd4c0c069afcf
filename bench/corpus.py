"""Write N seed-shaped digests (deterministic for a given seed): `python bench/corpus.py N DIR [--seed S]`.

Each is shaped like the reference digest (seeds/2025-12-17-20.md): YAML front matter, 8 numbered
items with a linked headline and a ~450-character summary with bold phrases, about 4.3 KB. One
digest every four hours, going back from 2025-12-17 20:00."""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

WORDS = [
    "模型",
    "发布",
    "开源",
    "推理",
    "训练",
    "数据",
    "评测",
    "智能体",
    "多模态",
    "图像",
    "视频",
    "音频",
    "代码",
    "效率",
    "成本",
    "参数",
    "上下文",
    "检索",
    "研究",
    "团队",
    "用户",
    "平台",
    "功能",
    "更新",
    "性能",
    "能力",
    "基准",
    "开发者",
    "社区",
    "工具",
    "芯片",
    "算力",
    "安全",
    "对齐",
]
NAMES = [
    "OpenAI",
    "Google",
    "DeepMind",
    "Anthropic",
    "Meta",
    "Mistral",
    "Qwen",
    "DeepSeek",
    "Xiaomi",
    "NVIDIA",
    "Apple",
    "Microsoft",
]
CATEGORIES = ["AI模型", "行业动态", "技术发布", "开源", "研究进展", "产品更新"]


def phrase(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n))


def digest(rng: random.Random, when: datetime) -> str:
    lines = [
        "---",
        f'title: "{when:%Y.%m.%d.%H} 过去4小时全球AI发生了什么？"',
        f"date: {when:%Y-%m-%dT%H:%M:%S}+08:00",
        f"categories: [{', '.join(repr(c).replace(chr(39), chr(34)) for c in rng.sample(CATEGORIES, 3))}]",
        "---",
        "",
    ]
    for n in range(1, 9):
        name = rng.choice(NAMES)
        headline = f"{name}{phrase(rng, 4)}{rng.randint(1, 9)}.{rng.randint(0, 9)}{phrase(rng, 3)}"
        url = f"https://x.com/{name.lower()}/status/{rng.randrange(10**18, 10**19)}"
        summary = "，".join(
            f"{phrase(rng, 5)}**{phrase(rng, 2)} {rng.randint(2, 999)}B**{phrase(rng, 6)}" for _ in range(5)
        )
        lines += [f"{n}.  [{headline}]({url})", f"    {name}{summary}。", ""]
    return "\n".join(lines)


def write_corpus(count: int, folder: Path, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime(2025, 12, 17, 20)
    paths = []
    for i in range(count):
        when = start - timedelta(hours=4 * i)
        path = folder / f"{when:%Y}" / f"{when:%Y-%m-%d-%H}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(digest(rng, when), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_corpus(args.count, args.folder, args.seed)
