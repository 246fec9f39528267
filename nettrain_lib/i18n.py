"""The language of the messages a student reads: test failures, hints, errors, figure labels.

    from nettrain_lib.i18n import set_language
    set_language("pt_BR")        # the first cell of every pt-BR lesson does this

The English text in the code is the message and the fallback. Translations are gettext catalogues
(nettrain_lib/locale/<language>/LC_MESSAGES/nettrain.po), read with Python's gettext module; Babel
only turns the .po file (what a translator edits) into the compiled form gettext reads, in memory.
The language starts as $NETTRAIN_LANGUAGE (nettrain-grade sets it for a pt-BR lesson) or English.

Library code marks a message with `tr` (gettext's `_`, named so that it never meets a throwaway
variable `_`) and fills its fields by name:

    raise ValueError(tr("lr must be positive; it is {lr}", lr=lr))
"""
import contextlib
import gettext
import io
import os
from pathlib import Path

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "nettrain"
# Every language the course exists in, with its name in that language.
LANGUAGES = {"en": "English", "pt_BR": "português do Brasil"}
_ALIASES = {"pt": "pt_BR", "pt-br": "pt_BR", "pt_br": "pt_BR", "en_us": "en", "en-us": "en", "en_gb": "en"}

_catalogues = {}
_state = {"language": "en", "translations": gettext.NullTranslations()}


def normalize(code):
    """The course's name for the language `code` ("pt-BR", "pt_br", "pt" -> "pt_BR"), or a ValueError
    that lists the languages there are."""
    if not isinstance(code, str):
        raise TypeError(f"the language should be a string such as 'pt_BR'; it is {type(code).__name__} {code!r}")
    name = code.strip().split(".")[0]                    # pt_BR.UTF-8, as in $LANG -> pt_BR
    name = _ALIASES.get(name.lower(), name)
    if name not in LANGUAGES:
        available = ", ".join(f"{key} ({label})" for key, label in LANGUAGES.items())
        # Both languages, since the reader may know either.
        raise ValueError(f"unknown language {code!r}; the course is available in: {available}.\n"
                         f"idioma desconhecido {code!r}; o curso existe em: {available}.")
    return name


def catalogue(language):
    """gettext translations for `language`, compiled from its .po file (NullTranslations for English)."""
    language = normalize(language)
    if language == "en":
        return gettext.NullTranslations()
    if language not in _catalogues:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        path = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with open(path, "rb") as file:
            messages = read_po(file, locale=language)
        compiled = io.BytesIO()
        write_mo(compiled, messages, use_fuzzy=False)    # an entry marked fuzzy is not trusted: English
        compiled.seek(0)
        _catalogues[language] = gettext.GNUTranslations(compiled)
    return _catalogues[language]


def set_language(code):
    """Show the course's messages in `code` ("en" or "pt_BR") from now on, in this Python process."""
    language = normalize(code)
    _state["translations"] = catalogue(language)
    _state["language"] = language
    return language


def get_language():
    """The language messages are shown in now: "en" or "pt_BR"."""
    return _state["language"]


def _translated(translations, message, fields):
    text = translations.gettext(message) if message else message   # "" is the catalogue's header
    return text.format(**fields) if fields else text


def tr(message, /, **fields):
    """`message` in the current language (English when it has no translation), its {fields} filled."""
    return _translated(_state["translations"], message, fields)


def translator(language):
    """tr() for one language, whatever the current one is (the grader's words in a lesson's feedback)."""
    translations = catalogue(language)

    def say(message, /, **fields):
        return _translated(translations, message, fields)
    return say


@contextlib.contextmanager
def using(language):
    """Messages in `language` for a while (nettrain-grade, around a lesson's test cells)."""
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def N_(message):
    """Mark `message` for translation where it is written (a default argument) and translate it
    later, where it is shown: `def plot(xlabel=N_("epoch")): ax.set_xlabel(tr(xlabel))`."""
    return message


def ntr(singular, plural, count, /, **fields):
    """The singular or plural form for `count`, translated, its {fields} (and {count}) filled."""
    text = _state["translations"].ngettext(singular, plural, count)
    return text.format(count=count, **fields)


if os.environ.get("NETTRAIN_LANGUAGE"):
    set_language(os.environ["NETTRAIN_LANGUAGE"])
