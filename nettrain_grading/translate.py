"""The course in other languages: one source (the English notebooks in solutions/), translations in
gettext catalogues, and the translated notebooks generated from both.

    python -m nettrain_grading.translate update [LANGUAGE]   # catalogues follow the English notebooks
    python -m nettrain_grading.translate build [LANGUAGE]    # write <LANGUAGE>/solutions/ from them
    python -m nettrain_grading.translate check [LANGUAGE]    # what is missing, stale or out of date

(`make translations` runs update, `make lessons` runs build, executes the notebooks and generates
the student versions; `make test` runs check.)

What a translator edits: <LANGUAGE>/translations/<lesson>.po, one entry per piece of English text:
- each paragraph of a markdown cell (blocks between blank lines; a fenced code block stays whole);
- each string literal in a code cell that holds words (two words or more: printed text, figure
  titles and labels, test-cell failure messages, docstrings). Literals that follow each other
  (Python joins "a " "b" into one string) are one entry; the translation is spread back over the
  same number of literals. What the library prints (checks, hints, errors, axis labels) is in
  nettrain_lib/locale/<LANGUAGE>/LC_MESSAGES/nettrain.po instead, and is translated when it runs.
Everything else (code, comments, outputs, metadata) comes from the English notebook unchanged,
so tests and grading are the same code in every language.

When an English cell changes, `update` keeps every translation whose English is unchanged, marks
the closest old translation of a changed text "fuzzy" (with the old English beside it, `#| msgid`)
and adds new texts empty; `check` fails until each is translated and its fuzzy mark removed.
"""
import argparse
import ast
import copy
import datetime
import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_CATALOGUE = "nettrain_lib/locale/{language}/LC_MESSAGES/nettrain.po"
# The catalogues' header date stays fixed, so that `update` changes a file only when its texts change.
FIXED_DATE = datetime.datetime(2026, 12, 6, tzinfo=datetime.timezone.utc)
TRANSLATED = ("pt_BR",)
SETUP_LINES = {
    "pt_BR": ['from nettrain_lib.i18n import set_language',
              '',
              'set_language("pt_BR")              # mensagens do curso (testes, dicas, erros) em português',
              ''],
}
# Text a person reads: two words or more, one of at least three letters (words, not parts of names
# such as val_loss, np.mean or relu(z)); or one word in a place that is always shown (printed, an
# axis label or a title, an f-string with fields).
_ANY_WORD = re.compile(r"(?<!\w)(?<!\w\.)[A-Za-z]+(?![\w(]|\.\w)")
_WORD = re.compile(r"(?<!\w)(?<!\w\.)[A-Za-z]{3,}(?![\w(]|\.\w)")
# One word chosen by a condition ("converges" if ... else "diverges") is shown text too.
_CHOICE = re.compile(r"\belse\s*$")
_CHOICE_NEXT = re.compile(r"\s*if\b")
_INNER_LITERAL = re.compile(r"(['\"])((?:\\.|(?!\1).)*?)\1")
_SHOWN = re.compile(r"(\b(print|set_xlabel|set_ylabel|set_title|suptitle|text|annotate)\(|"
                    r"\b(xlabel|ylabel|title)\s*=)\s*$")
_NUMBER = re.compile(r"(?<![\w.{])\d+(?:[.,]\d+)*(?![\w])")
_FENCE = re.compile(r"^\s*(```|~~~)")
_MATH_WORDS = re.compile(r"\\text\{[^{}]*[A-Za-z]{3,}")          # words in a formula: $\text{in code:}$
# Literals that are arguments to code, not text a person reads: matplotlib's positions and
# coordinate systems, and any value of these keyword arguments.
_CODE_VALUE = re.compile(r"^(outside )?(upper|lower|center|best)?( ?(left|right|center))?$|"
                         r"^(offset|figure|axes|data) (points|pixels|fraction|fontsize)$|"
                         r"^(top|bottom|baseline|center_baseline|steps-(pre|mid|post))$")
_CODE_KEYWORD = re.compile(r"\b(loc|ha|va|horizontalalignment|verticalalignment|textcoords|xycoords|"
                           r"linestyle|ls|marker|color|cmap|mode|method|kind|dtype|loss|optimizer|activation|"
                           r"metrics|monitor|sep|end|drawstyle|where|fmt|style|norm|shading)\s*=\s*\[?\s*$")


class TranslationError(Exception):
    """A catalogue that cannot make a notebook (a field changed, code that no longer parses)."""


def lessons(root=ROOT):
    return sorted(path.name for path in (root / "solutions").iterdir()
                  if (path / f"{path.name}.ipynb").is_file())


def edition(language, root=ROOT):
    """The course folder of a translated edition: its nbgrader_config.py, translations/, solutions/, lessons/."""
    return root / language


def catalogue_path(language, lesson, root=ROOT):
    return edition(language, root) / "translations" / f"{lesson}.po"


# ---------------------------------------------------------------- pieces of text in a notebook

@dataclass
class Piece:
    """One translatable text of a cell: a markdown paragraph, or a run of adjacent string literals."""
    text: str                     # the msgid: a paragraph, or the literals' contents joined
    kind: str                     # "markdown" or "code"
    cell: str                     # the cell's id
    index: int                    # the cell's position in the notebook
    spans: list = field(default_factory=list)   # code: [(start, end, prefix, quote)] offsets in the cell source


def markdown_blocks(source):
    """The cell's source as [(text, translatable)], joined back exactly by ''.join(text)."""
    parts, block, in_fence = [], [], False
    for line in source.splitlines(keepends=True):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and not line.strip() and not _FENCE.match(line):
            if block:
                parts.append(["".join(block), True])
                block = []
            parts.append([line, False])
        else:
            block.append(line)
    if block:
        parts.append(["".join(block), True])
    out = []
    for text, candidate in parts:
        body = text.rstrip("\n")
        tail = text[len(body):]
        if candidate and (_has_words(_strip_markup(body)) or _MATH_WORDS.search(body)):
            out.append((body, True))
            if tail:
                out.append((tail, False))
        else:
            out.append((text, False))
    return out


def _strip_markup(text):
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`|!\[[^\]]*\]\([^)]*\)|<[^>]+>", " ", text, flags=re.S)
    return text


def _has_words(text):
    return re.search(r"[A-Za-z]{3,}", text) is not None


def _line_offsets(source):
    offsets, total = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    offsets.append(total)
    return offsets


def string_atoms(source):
    """[(start, end, run)] for every string literal of a code cell: offsets in `source`, and a run
    number shared by literals that Python joins ("a " "b")."""
    offsets = _line_offsets(source)

    def at(position):
        row, column = position
        return offsets[row - 1] + column if row - 1 < len(offsets) else len(source)

    atoms, run, depth, start, last_was_string = [], 0, 0, None, False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    for token in tokens:
        name = tokenize.tok_name[token.type]
        if name == "FSTRING_START":                        # Python 3.12+: an f-string is several tokens
            if depth == 0:
                start = at(token.start)
            depth += 1
            continue
        if name == "FSTRING_END":
            depth -= 1
            if depth == 0:
                if not last_was_string:
                    run += 1
                atoms.append((start, at(token.end), run))
                last_was_string = True
            continue
        if depth:
            continue
        if name == "STRING":
            if not last_was_string:
                run += 1
            atoms.append((at(token.start), at(token.end), run))
            last_was_string = True
        elif name not in ("NL", "COMMENT"):
            last_was_string = False
    return atoms


def _split_literal(literal):
    """(prefix, quote, contents) of a literal as written."""
    match = re.match(r"([rRbBuUfF]*)('''|\"\"\"|'|\")", literal)
    prefix, quote = match.group(1), match.group(2)
    return prefix, quote, literal[len(prefix) + len(quote):len(literal) - len(quote)]


def _runs(source):
    """The literals of a cell grouped as Python joins them ("a " "b"), but never a raw literal with a
    plain one: a translation spread over both would move its backslashes from one kind to the other."""
    runs = []
    for start, end, run in string_atoms(source):
        raw = "r" in _split_literal(source[start:end])[0].lower()
        if runs and runs[-1][0] == (run, raw):
            runs[-1][1].append((start, end, run))
        else:
            runs.append(((run, raw), [(start, end, run)]))
    return [members for _, members in runs]


def code_pieces(source, cell, index, keys=frozenset()):
    pieces = []
    for members in _runs(source):
        parts = [_split_literal(source[start:end]) for start, end, _ in members]
        if any("b" in prefix.lower() for prefix, _, _ in parts):
            continue
        formatted = any("f" in prefix.lower() for prefix, _, _ in parts)
        texts = []
        for prefix, _, contents in parts:
            if formatted and "f" not in prefix.lower():
                contents = contents.replace("{", "{{").replace("}", "}}")
            texts.append(contents)
        text = "".join(texts)
        plain = re.sub(r"\{[^{}]*\}", " ", text) if formatted else text
        before = source[:members[0][0]]
        if _CODE_VALUE.match(text) or _CODE_KEYWORD.search(before):
            continue
        chosen = _CHOICE.search(before) or _CHOICE_NEXT.match(source[members[-1][1]:])
        shown = (_SHOWN.search(before) or _enclosing_call(before) == "print" or (formatted and text != plain)
                 or chosen)
        words = _ANY_WORD.findall(plain)
        if chosen and len(words) < 2 and text in keys:
            continue                                 # "converged" if ... : compared with "converged" elsewhere
        # Between the fields of an f-string, short words count too: "({low} to {high})", "({k} of {n})".
        linking = formatted and " " in re.sub(r"\{[^{}]*\}", "", text).strip() and re.search(r"[A-Za-z]{2}", plain)
        if (_WORD.search(plain) or linking) and (len(words) >= 2 or shown):
            spans = [(start, end, prefix, quote) for (start, end, _), (prefix, quote, _) in zip(members, parts)]
            pieces.append(Piece(text, "code", cell, index, spans))
        for prefix, _, contents in parts:
            if "f" in prefix.lower():
                pieces += [Piece(inner, "code", cell, index) for inner, _ in field_literals(contents, keys)]
    return pieces


def _keys(notebook):
    """The contents of every plain string literal the code uses as code somewhere (a key, a compared
    value: a literal that is no piece of text): a one-word choice equal to one of them stays English."""
    keys = set()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        text_spans = {span[:2] for piece in code_pieces(cell.source, "", index) for span in piece.spans}
        for start, end, _ in string_atoms(cell.source):
            prefix, _, contents = _split_literal(cell.source[start:end])
            if "f" not in prefix.lower() and (start, end) not in text_spans:
                keys.add(contents)
    return frozenset(keys)


def _enclosing_call(before):
    """The name of the call whose parentheses hold the code that ends with `before` (print for
    `print("a:", x, " sum ="`), or "" at the top level; strings in `before` are skipped."""
    depth, i = 0, len(before) - 1
    while i >= 0:
        char = before[i]
        if char in "\"'":                            # skip back over a string literal
            i = before.rfind(char, 0, i)
        elif char in ")]}":
            depth += 1
        elif char in "([{":
            if depth == 0:
                name = re.search(r"([A-Za-z_][\w.]*)\s*$", before[:i]) if char == "(" else None
                return name.group(1).split(".")[-1] if name else ""
            depth -= 1
        elif char == "\n" and depth == 0 and not before[:i].rstrip().endswith((",", "(", "\\")):
            return ""
        i -= 1
    return ""


def field_literals(contents, keys=frozenset()):
    """[(text, quote)] of the string literals inside the {fields} of an f-string's contents that are
    shown: a table header ({'batch size':>10s}), a choice ({'yes' if ok else 'no'}, unless the word is
    also one of `keys`, literals the code uses elsewhere), a separator (' and '.join(...)), or two
    words or more. Keys such as {history['val_loss']} are left alone."""
    found = []
    for span in _field_spans(contents):
        for match in _INNER_LITERAL.finditer(span):
            text, rest, before = match.group(2), span[match.end():], span[:match.start()]
            words = _ANY_WORD.findall(text)
            header = re.match(r"\s*:", rest)
            if not (_WORD.search(text) or (header and words)):
                continue
            choice = re.match(r"\s*if\b", rest) or re.search(r"\belse\s*$", before)
            if len(words) >= 2 or header or re.match(r"\s*\.join\b", rest) or (choice and text not in keys):
                found.append((text, match.group(1)))
    return found


def _field_spans(contents):
    spans, depth, start, i = [], 0, 0, 0
    while i < len(contents):
        if depth == 0 and contents[i:i + 2] in ("{{", "}}"):
            i += 2
            continue
        if contents[i] == "{":
            if depth == 0:
                start = i + 1
            depth += 1
        elif contents[i] == "}" and depth:
            depth -= 1
            if depth == 0:
                spans.append(contents[start:i])
        i += 1
    return spans


def pieces_of(notebook):
    pieces, keys = [], _keys(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            pieces += [Piece(text, "markdown", cell.get("id", str(index)), index)
                       for text, translatable in markdown_blocks(cell.source) if translatable]
        elif cell.cell_type == "code":
            pieces += code_pieces(cell.source, cell.get("id", str(index)), index, keys)
    return pieces


# ---------------------------------------------------------------- checks on one translation

def fields(text):
    """The {fields} of a format string or f-string, as a sorted list ({{ and }} are not fields)."""
    return sorted(_fields_in_order(text))


_PERCENT = re.compile(r"%(?:\(\w+\))?[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGrsac]")


def _fields_in_order(text):
    return ["{" + span + "}" for span in _field_spans(text)]


def numbers(text):
    return set(_NUMBER.findall(re.sub(r"\{[^{}]*\}", " ", text)))


def problems_of(english, translation, kind):
    """What is wrong with one translation (a list of sentences, empty when it is fine)."""
    problems = []
    if kind == "code" and fields(english) != fields(translation):
        problems.append(f"the fields in braces must stay as in English: {fields(english)}, "
                        f"the translation has {fields(translation)}")
    elif kind == "code" and any(re.match(r"\{\d*[:!}]", field) for field in fields(english)) and (
            _fields_in_order(english) != _fields_in_order(translation)):
        problems.append("fields without a name ({} or {0:.3f}) are filled in order: keep them in the English order "
                        f"{_fields_in_order(english)}")
    if kind == "code" and _PERCENT.findall(english) != _PERCENT.findall(translation):
        problems.append(f"the % placeholders must stay as in English, in order: {_PERCENT.findall(english)}")
    missing = sorted(numbers(english) - numbers(translation))
    if missing:
        problems.append(f"numbers of the English text are missing (keep them as digits, written as in "
                        f"English, since the notebook prints them that way): {missing}")
    return problems


# ---------------------------------------------------------------- catalogues

def template(lesson, root=ROOT):
    """A Babel catalogue of every translatable piece of the English lesson, with where it is."""
    from babel.messages.catalog import Catalog

    notebook = nbformat.read(root / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    catalog = Catalog(project=f"nettrain {lesson}", creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                      fuzzy=False, charset="utf-8")
    for piece in pieces_of(notebook):
        where = (f"{lesson}.ipynb", piece.index + 1)
        if piece.text in catalog:
            message = catalog[piece.text]
            message.locations.append(where)
            continue
        note = (f"cell {piece.cell}: markdown paragraph" if piece.kind == "markdown" else
                f"cell {piece.cell}: text in Python code. Keep every {{field}} and \\n as they are.")
        catalog.add(piece.text, locations=[where], auto_comments=[note])
    return catalog


def read_catalogue(path, language):
    """The catalogue at `path`. Babel reads the old English of a fuzzy entry (`#| msgid`) as a
    comment: it is put back where it belongs, message.previous_id."""
    from babel.messages.pofile import read_po, unescape

    with open(path, "rb") as file:
        catalog = read_po(file, locale=language)
    for message in list(catalog) + list(catalog.obsolete.values()):
        previous = [comment[1:].strip() for comment in message.user_comments if comment.startswith("|")]
        if previous:
            message.user_comments = [comment for comment in message.user_comments if not comment.startswith("|")]
            text = " ".join(previous)
            if text.startswith("msgid "):
                message.previous_id = ["".join(unescape(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', text))]
    return catalog


def write_catalogue(catalog, path):
    """Write `catalog` as a .po file; True when the file changed. The old English of a fuzzy entry
    is written the way GNU gettext and Poedit read it (#| msgid "" / #| "line"), which Babel's own
    writer does not do for text of several lines."""
    from babel.messages.pofile import normalize, write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_previous=False, sort_output=False, ignore_obsolete=False)
    text = buffer.getvalue().decode("utf-8")
    for message in catalog:
        if message.id and message.fuzzy and message.previous_id and isinstance(message.id, str):
            entry = f"msgid {normalize(message.id, width=100)}\n"
            old = f"#| msgid {normalize(message.previous_id[0], prefix='#| ', width=100)}\n"
            where = text.find("\n" + entry)
            if where >= 0:
                text = text[:where + 1] + old + text[where + 1:]
    data = text.encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
        return True
    return False


def update(language, root=ROOT, only=None):
    """Bring every lesson catalogue of `language` (or those of the lessons `only`) in line with the
    English notebooks; the paths of those that changed."""
    changed = []
    for lesson in only or lessons(root):
        path = catalogue_path(language, lesson, root)
        if _merge(template(lesson, root), path, language):
            changed.append(path)
    return changed


def _merge(fresh, path, language):
    """Bring the catalogue at `path` in line with the template `fresh`; True when the file changed."""
    from babel.messages.catalog import Catalog

    if path.is_file():
        catalog = read_catalogue(path, language)
    else:
        catalog = Catalog(locale=language, project=fresh.project, creation_date=FIXED_DATE,
                          revision_date=FIXED_DATE, fuzzy=False, charset="utf-8")
    _revive(catalog, fresh)
    catalog.update(fresh, update_creation_date=False)
    catalog.revision_date = FIXED_DATE
    return write_catalogue(catalog, path)


def library_template(root=ROOT):
    """A Babel catalogue of every message the library marks with tr(), ntr() or N_() (nettrain_lib, and
    what nettrain_grading writes into a student's feedback)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="nettrain", creation_date=FIXED_DATE, revision_date=FIXED_DATE, fuzzy=False,
                      charset="utf-8")
    for package in ("nettrain_lib", "nettrain_grading"):
        for filename, lineno, message, comments, context in extract_from_dir(
                root / package, method_map=[("**.py", "python")],
                keywords={"tr": None, "ntr": (1, 2), "N_": None, "say": None}, comment_tags=("Translators:",),
                strip_comment_tags=True):
            catalog.add(message, locations=[(f"{package}/{filename}", lineno)], auto_comments=comments,
                        context=context)
    return catalog


def update_library(language, root=ROOT):
    path = root / LIBRARY_CATALOGUE.format(language=language)
    return [path] if _merge(library_template(root), path, language) else []


def _revive(catalog, fresh):
    """English that comes back (an edit undone) gets its old translation from the obsolete entries
    (#~ at the end of the file: what update() keeps of texts the English no longer has)."""
    for message in fresh:
        old = catalog.obsolete.get(message.id) if message.id else None
        if old is not None and message.id not in catalog and old.string:
            catalog[message.id] = old
            del catalog.obsolete[message.id]


def check_library(language, root=ROOT):
    path = root / LIBRARY_CATALOGUE.format(language=language)
    where = path.relative_to(root)
    if not path.is_file():
        return [f"{where}: missing. Run `make translations` and translate it."]
    return _entry_problems(where, library_template(root), read_catalogue(path, language), "the library")


def _entry_problems(where, fresh, catalog, source):
    """Each English text of the template `fresh` that `catalog` lacks, has stale (fuzzy), leaves
    untranslated or translates wrongly (problems_of, every plural form against its English), and the
    entries `source` (the lesson, the library) no longer has."""
    problems = []
    for message in fresh:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        short = _short(english[0])
        if message.id not in catalog:
            problems.append(f"{where}: no entry for the English text {short} (the English changed?): run "
                            f"`make translations`, then translate it")
            continue
        entry = catalog[message.id]
        strings = entry.string if isinstance(entry.string, (tuple, list)) else (entry.string,)
        if entry.fuzzy:
            problems.append(f"{where}: stale translation of {short}: the English changed. Compare with the old "
                            f"English (#| msgid), update the translation, remove the fuzzy flag")
        elif not all(strings):
            problems.append(f"{where}: {short} is not translated")
        else:
            for index, string in enumerate(strings):
                problems += [f"{where}: {short}: {problem}" for problem in
                             problems_of(english[min(index, len(english) - 1)], string, _kind(message))]
    unused = [message.id for message in catalog if message.id and message.id not in fresh]
    if unused:
        problems.append(f"{where}: {len(unused)} entries no longer in {source} (first: {_short(str(unused[0]))}): "
                        f"run `make translations`")
    return problems


def check(language, root=ROOT, built=True):
    """Every problem of `language`'s edition, as sentences naming the file and the entry."""
    problems = []
    for lesson in lessons(root):
        path = catalogue_path(language, lesson, root)
        if not path.is_file():
            problems.append(f"{path.relative_to(root)}: missing. Run `make translations` and translate it.")
            continue
        where = path.relative_to(root)
        found = _entry_problems(where, template(lesson, root), read_catalogue(path, language), "the English lesson")
        problems += found
        if built and not found:                            # a notebook is built from a complete catalogue
            target = edition(language, root) / "solutions" / lesson / f"{lesson}.ipynb"
            try:
                expected = translated_notebook(language, lesson, root)
            except TranslationError as error:
                problems.append(str(error))
                continue
            if not target.is_file():
                problems.append(f"{target.relative_to(root)}: missing: run `make lessons`")
            elif _sources(nbformat.read(target, as_version=4)) != _sources(expected):
                problems.append(f"{target.relative_to(root)}: out of date (its English source or its "
                                f"translations changed): run `make lessons`")
    return problems


def _kind(message):
    """How a translation is checked: "markdown" for a lesson's paragraph, "code" for the rest (code
    strings, the library's messages: their fields must stay)."""
    return "markdown" if any("markdown paragraph" in comment for comment in message.auto_comments) else "code"


def _short(text):
    text = " ".join(text.split())
    return repr(text if len(text) <= 70 else text[:67] + "...")


def _sources(notebook):
    return [(cell.cell_type, cell.get("id"), cell.source, dict(cell.metadata)) for cell in notebook.cells]


# ---------------------------------------------------------------- the translated notebooks

def translations(language, lesson, root=ROOT):
    catalog = read_catalogue(catalogue_path(language, lesson, root), language)
    return {message.id: message.string for message in catalog
            if message.id and message.string and not message.fuzzy}


def translated_notebook(language, lesson, root=ROOT):
    """The English lesson with every piece replaced by its translation (untranslated pieces stay English)."""
    english = nbformat.read(root / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    table = translations(language, lesson, root)
    notebook = copy.deepcopy(english)
    keys = _keys(english)
    first_code = True
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            cell.source = "".join(table.get(text, text) if translatable else text
                                  for text, translatable in markdown_blocks(cell.source))
        elif cell.cell_type == "code":
            source = translate_code(cell.source, table, f"{lesson} cell {cell.get('id', index)}", keys)
            if first_code:
                source = "\n".join(SETUP_LINES[language]) + "\n" + source
                first_code = False
            cell.source = source
    notebook.metadata["nettrain"] = {"language": language}
    return notebook


def translate_code(source, table, where, keys=frozenset()):
    replaced = {}                                      # (start, end) of a literal -> its new text
    pieces = code_pieces(source, "", 0, keys)
    for piece in pieces:
        translation = table.get(piece.text)
        if translation is None or not piece.spans:
            continue
        for (start, end, _, _), literal in zip(piece.spans, _literals(piece, translation, where)):
            replaced[(start, end)] = literal
    for start, end, _ in string_atoms(source):         # literals inside the fields of f-strings
        literal = replaced.get((start, end), source[start:end])
        prefix, quote, contents = _split_literal(literal)
        if "f" not in prefix.lower():
            continue
        for text, inner_quote in field_literals(contents, keys):
            if table.get(text) is not None:
                new = table[text]
                nested_f = re.search("[fF]" + re.escape(f"{inner_quote}{text}{inner_quote}"), contents)
                if re.search(r"[\\'\"\n]" if nested_f else r"[\\'\"\n{}]", new):
                    # Inside a field, before Python 3.12, a string may hold neither a backslash nor
                    # the f-string's quotes: refused everywhere, so that no Python builds what another
                    # cannot run.
                    raise TranslationError(f"{where}: the translation of {_short(text)} is inside a {{field}} of "
                                           f"an f-string: it may not hold quotes, backslashes, line breaks or "
                                           f"(but for its own fields) braces")
                contents = contents.replace(f"{inner_quote}{text}{inner_quote}", f"{inner_quote}{new}{inner_quote}")
        replaced[(start, end)] = f"{prefix}{quote}{contents}{quote}"
    out, position = [], 0
    for (start, end), literal in sorted(replaced.items()):
        out.append(source[position:start])
        out.append(literal)
        position = end
    out.append(source[position:])
    result = "".join(out)
    try:
        ast.parse(result)
    except SyntaxError as error:
        raise TranslationError(f"{where}: the translated code does not parse ({error.msg}, line {error.lineno}); "
                               f"check the quotes and backslashes of its translations") from None
    return result


def _literals(piece, translation, where):
    """The literals that replace piece.spans: the translation split at spaces in about the same
    proportions as the English pieces, each with its original prefix and quotes."""
    formatted = any("f" in prefix.lower() for _, _, prefix, _ in piece.spans)
    count = len(piece.spans)
    chunks = _split(translation, [end - start for start, end, _, _ in piece.spans]) if count > 1 else [translation]
    literals = []
    for (_, _, prefix, quote), chunk in zip(piece.spans, chunks):
        if formatted and "f" not in prefix.lower():
            prefix += "f"                               # the fields may now fall in this piece
        if len(quote) == 1:
            chunk = re.sub(r"(?<!\\)" + re.escape(quote), "\\" + quote, chunk).replace("\n", "\\n")
        literal = f"{prefix}{quote}{chunk}{quote}"
        try:
            parsed = ast.parse(literal, mode="eval").body
            if not isinstance(parsed, (ast.Constant, ast.JoinedStr)):
                raise SyntaxError("not one literal")        # a translation that closes its quotes and adds code
        except SyntaxError:
            raise TranslationError(f"{where}: the translation of {_short(piece.text)} does not make a valid "
                                   f"Python string: {literal[:80]!r}") from None
        literals.append(literal)
    return literals


def _split(text, lengths):
    """`text` cut into len(lengths) chunks at spaces outside {fields}, near the same proportions."""
    cuts, depth = [], 0
    for i, char in enumerate(text):
        depth += char == "{"
        depth -= char == "}" and depth > 0
        if char == " " and depth == 0:
            cuts.append(i + 1)
    total, chunks, start, acc = sum(lengths), [], 0, 0
    for length in lengths[:-1]:
        acc += length
        target = round(len(text) * acc / total)
        options = [cut for cut in cuts if cut > start]
        cut = min(options, key=lambda c: abs(c - target)) if options else len(text)
        chunks.append(text[start:cut])
        start = cut
    chunks.append(text[start:])
    return chunks


def build(language, root=ROOT, force=False):
    """Write <language>/solutions/<lesson>/<lesson>.ipynb for every lesson whose source changed (every
    lesson with `force`); keep the outputs of an existing notebook whose code did not change (the
    execution step refreshes the rest)."""
    written = []
    for lesson in lessons(root):
        notebook = translated_notebook(language, lesson, root)
        target = edition(language, root) / "solutions" / lesson / f"{lesson}.ipynb"
        if target.is_file() and not force:
            old = nbformat.read(target, as_version=4)
            if _sources(old) == _sources(notebook):
                continue
            previous = {cell.get("id"): cell for cell in old.cells}
            for cell in notebook.cells:
                before = previous.get(cell.get("id"))
                if cell.cell_type == "code" and before is not None and before.source == cell.source:
                    cell.outputs, cell.execution_count = before.outputs, before.execution_count
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)
        written.append(target)
    return written


def execute(path):
    """Run a generated notebook in place, as the English ones were run (static figures instead of
    sliders, no timings), so that nbval can compare its outputs."""
    import os
    import subprocess

    env = dict(os.environ, NETTRAIN_STATIC="1")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    "--ExecutePreprocessor.record_timing=False", "--ExecutePreprocessor.timeout=600", str(path)],
                   env=env, check=True, capture_output=True, text=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m nettrain_grading.translate", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("update", "build", "check"))
    parser.add_argument("--execute", action="store_true", help="build: run each notebook written (for nbval)")
    parser.add_argument("--force", action="store_true",
                        help="build: write and run every notebook, not only those whose text changed (after a "
                             "change to the library: its figures and messages)")
    parser.add_argument("languages", nargs="*", default=list(TRANSLATED),
                        help=f"default: every translated edition ({', '.join(TRANSLATED)})")
    args = parser.parse_args(argv)
    from nettrain_lib.i18n import normalize

    status = 0
    for code in args.languages:
        try:
            language = normalize(code)
        except ValueError as error:
            parser.error(str(error))
        if language not in TRANSLATED:
            parser.error(f"{code!r} is the course's own language (English); translated editions: "
                         f"{', '.join(TRANSLATED)}")
        if args.command == "update":
            changed = update_library(language) + update(language)
            print(f"{language}: {len(changed)} catalogue(s) changed" +
                  "".join(f"\n  {path.relative_to(ROOT)}" for path in changed))
        elif args.command == "build":
            try:
                written = build(language, force=args.force)
            except TranslationError as error:
                print(f"{language}: {error}", file=sys.stderr)
                status = 1
                continue
            print(f"{language}: {len(written)} notebook(s) written" +
                  "".join(f"\n  {path.relative_to(ROOT)}" for path in written))
            for path in written if args.execute else []:
                print(f"running {path.relative_to(ROOT)}")
                execute(path)
        else:
            problems = check_library(language) + check(language)
            for problem in problems:
                print(problem)
            print(f"{language}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
            status = status or bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main())
