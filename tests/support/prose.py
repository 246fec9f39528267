"""The sentences of a lesson's markdown, for the plain-English rule: one idea per sentence.

The readers are Brazilian undergraduates reading English as a second language (a pt-BR edition is
made from this text). Tables, code, math and link targets are not words; a list item, a heading and
a paragraph end a sentence.
"""
import re

WORD = re.compile(r"[A-Za-zÀ-ÿ0-9][\w'’-]*")


def sentences(markdown):
    """Each sentence of a markdown text, with code, math and link targets replaced by one word."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    text = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("|"))   # tables
    text = re.sub(r"\$\$.*?\$\$", " MATH ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " MATH ", text)
    text = re.sub(r"`[^`]*`", " CODE ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\b(e\.g|i\.e|etc|vs|approx|cf)\.", r"\1", text)
    for block in re.split(r"\n\s*\n|\n\s*[-*] |\n\s*\d+\. |\n#+ ", text):
        yield from re.split(r"(?<=[.!?])\s+(?=[A-Z(*\"'])", " ".join(block.split()))


def word_count(sentence):
    return len(WORD.findall(sentence))
