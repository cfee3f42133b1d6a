"""What compiled code must find, as it was first written in Python: the specification the tests
check ``features/_line_counts.pyx`` and ``rendering/_walk.pyx`` against."""

from __future__ import annotations

import re

import numpy as np

from boilerstrip.rendering.markup import (PARAGRAPH_CHARS, PARAGRAPH_LINK_DENSITY, TEXT_ROOT_SHARE,
                                          TEXT_SHARES)
from boilerstrip.wordlists import CLASS_WORDS


def prefix_tree(words: list[str]) -> str:
    """Regex source matching any of ``words`` (no anchors or word boundaries)."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        if len(alternatives) == 1 and "" not in node:
            return alternatives[0]
        return f"(?:{'|'.join(alternatives)})" + ("?" if "" in node else "")

    return branch(tree)


_CLASS_GROUP = {word: name for name, words in CLASS_WORDS.items() for word in words}
# No word of one group begins a word of another, so the word found at a position
# names its group whichever word the tree prefers.
CLASS_PATTERN = re.compile(r"(?<![a-z])" + prefix_tree(list(_CLASS_GROUP)))


def class_flags(attribute_text: str) -> set[str]:
    """The CLASS_WORDS groups named by an element's class and id (lower-cased)."""
    return {_CLASS_GROUP[match.group()] for match in CLASS_PATTERN.finditer(attribute_text)}


def _parent(path: str) -> str:
    """The XPath of ``path``'s parent element; the top element is its own parent."""
    cut = path.rfind("/")
    return path[:cut] if cut > 0 else path


def text_shares(paths: list[str], chars: np.ndarray, link_density: np.ndarray) -> np.ndarray:
    """TEXT_SHARES columns of each line from its block's XPath."""
    out = np.zeros((len(paths), len(TEXT_SHARES)))
    weight = np.where((chars >= PARAGRAPH_CHARS) & (link_density < PARAGRAPH_LINK_DENSITY), chars, 0.0)
    if not weight.any():
        weight = np.where(link_density < 0.5, chars, 0.0)
    total = weight.sum()
    if total == 0:
        return out
    under: dict[str, float] = {}
    for i in np.flatnonzero(weight):
        node = paths[i]
        while (container := _parent(node)) != node:  # the block's containers, not the block
            node = container
            under[node] = under.get(node, 0.0) + weight[i]
    root = max((node for node, w in under.items() if w >= TEXT_ROOT_SHARE * total),
               key=len, default="")
    root_depth = root.count("/")
    root_steps = root.split("/")
    for i, path in enumerate(paths):
        parent = _parent(path)
        out[i, 0] = under.get(parent, 0.0) / total
        out[i, 1] = under.get(_parent(parent), 0.0) / total
        if not root:
            continue
        if path == root or path.startswith(root + "/"):
            out[i, 2] = 1.0
            out[i, 3] = path.count("/") - root_depth
        else:  # levels from the line's nearest common ancestor with the root up to the root
            steps = path.split("/")
            shared = 0
            while shared < min(len(steps), len(root_steps)) and steps[shared] == root_steps[shared]:
                shared += 1
            out[i, 3] = shared - 1 - root_depth
    return out
