"""The shipped UI catalogs: complete, well-formed, plural rules per CLDR, site overrides, fallback.

Plurals and dates are rendered the way layouts render them (`Catalogs.ngettext` then `%`
formatting, `format_date`), so a wrong Plural-Forms header or form order fails here.
"""

from __future__ import annotations

import datetime as dt
import gettext
import shutil
import textwrap
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Message

from ssg import catalogs as tool
from ssg.builder import Builder, BuildOptions
from ssg.config import Config, Language, load_config
from ssg.i18n import Catalogs, babel_locale, format_date, load_catalogs, read_catalog
from ssg.template_strings import DYNAMIC_MESSAGES, template_message_ids

REPO = Path(__file__).resolve().parents[1]
I18N = REPO / "i18n"
LAYOUTS = REPO / "layouts"
SHIPPED = ("en", "nl", "sv", "de", "fr", "ar")
CATALOG_LANGS = sorted(p.stem for p in I18N.glob("*.po"))
CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")  # gettext's form order
COMMENT = ("%(num)d comment", "%(num)d comments")
MINUTES = ("%(num)d minute read", "%(num)d minutes read")


def site_toml(languages: dict[str, str], default: str = "en") -> str:
    tables = "".join(f'\n[languages.{code}]\nname = "{name}"\n' for code, name in languages.items())
    return (
        f'title = "Test"\nbase_url = "https://example.org/"\ndefault_language = "{default}"\n'
        f'author = "ann"\n\n[authors.ann]\nname = "Ann"\n{tables}'
    )


def make_config(tmp_path: Path, languages: dict[str, str]) -> Config:
    (tmp_path / "site.toml").write_text(site_toml(languages), encoding="utf-8")
    return load_config(tmp_path)


@pytest.fixture(scope="module")
def layout_ids() -> list[str]:
    return template_message_ids([LAYOUTS])


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Config, Catalogs]:
    folder = tmp_path_factory.mktemp("shipped")
    names = {"en": "English", "nl": "Nederlands", "sv": "Svenska", "de": "Deutsch"}
    names |= {"fr": "Français", "ar": "العربية"}
    config = make_config(folder, names)
    return config, load_catalogs(config, [I18N], template_message_ids([LAYOUTS]))


def render_plural(catalogs: Catalogs, lang: str, pair: tuple[str, str], n: int) -> str:
    return catalogs.ngettext(lang, pair[0], pair[1], n) % {"num": n}


def singular(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


# -- the shipped catalogs --------------------------------------------------------------------------
def test_every_language_ships_a_catalog() -> None:
    assert set(SHIPPED) <= set(CATALOG_LANGS)
    assert (I18N / "messages.pot").is_file()


@pytest.mark.parametrize("lang", CATALOG_LANGS)
def test_catalog_loads_with_cldr_plural_forms(lang: str) -> None:
    """The header's rule picks, for every count, the form of the count's CLDR category.

    Compared by meaning, not as text: Babel 2.19 spells the expressions differently and fixed
    the order of Arabic's forms, and the catalogs must not depend on which Babel is installed.
    Counts up to 1,000 (comments, minutes): French's CLDR "many" is only for millions, and
    gettext's two French forms leave it out.
    """
    catalog = read_catalog(I18N / f"{lang}.po", lang)
    rule = Locale.parse(lang).plural_form
    counts = range(1001)
    seen = {rule(n) for n in counts}
    categories = [c for c in CLDR_ORDER if c in seen]
    assert catalog.num_plurals == len(categories)
    form_of = gettext.c2py(catalog.plural_expr)
    wrong = [n for n in counts if categories[form_of(n)] != rule(n)]
    assert wrong == []
    assert str(catalog.locale) == lang


@pytest.mark.parametrize("lang", CATALOG_LANGS)
def test_catalog_has_every_layout_string_translated(lang: str, layout_ids: list[str]) -> None:
    catalog = read_catalog(I18N / f"{lang}.po", lang)
    messages = {singular(m): m for m in catalog if m.id}
    assert set(DYNAMIC_MESSAGES) <= set(layout_ids)
    assert [i for i in layout_ids if i not in messages] == []
    assert sorted(singular(m) for m in catalog if m.id and m.fuzzy) == []
    if lang == "en":
        return  # the source language: an empty msgstr means "as the msgid"
    untranslated = []
    for message_id in layout_ids:
        strings = messages[message_id].string
        forms = strings if isinstance(strings, tuple) else (strings,)
        if not all(forms) or len(forms) not in (1, catalog.num_plurals):
            untranslated.append(message_id)
    assert untranslated == []


@pytest.mark.parametrize("lang", CATALOG_LANGS)
def test_placeholders_in_msgstr_match_msgid(lang: str) -> None:
    catalog = read_catalog(I18N / f"{lang}.po", lang)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(tool.placeholders(i) for i in ids))
        if isinstance(message.id, tuple):
            forms = [s for s in message.string if s]
            for form in forms:  # a form may drop the number ("تعليق واحد"), never add one
                assert tool.placeholders(form) <= wanted, (message.id, form)
            if forms:
                assert set().union(*(tool.placeholders(f) for f in forms)) == wanted
        elif message.string:
            assert tool.placeholders(message.string) == wanted, (message.id, message.string)
            message.string % dict.fromkeys((name for name, _ in wanted), 1)  # formats cleanly


def test_builds_warn_of_no_untranslated_strings(shipped: tuple[Config, Catalogs]) -> None:
    catalogs = shipped[1]
    assert {lang: ids for lang, ids in catalogs.missing.items() if ids} == {}
    assert catalogs.warnings() == []


def test_catalog_tool_finds_nothing_to_fix() -> None:
    """Also proves messages.pot is current: run `python -m ssg.catalogs update` if this fails."""
    assert tool.check(REPO) == []


def test_placeholder_problems_are_named() -> None:
    bad = Message("in %(language)s", "in %(lang)s")
    assert tool.placeholder_problems(bad) == [
        "msgstr has %(lang)s, not in msgid",
        "msgstr lacks %(language)s",
    ]
    dropped = Message(COMMENT, ("تعليق واحد", "%(num)d تعليقات"))
    assert tool.placeholder_problems(dropped) == []


# -- rendering plurals and dates -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 comment"),
        ("en", 2, "2 comments"),
        ("en", 0, "0 comments"),
        ("nl", 1, "1 reactie"),
        ("nl", 2, "2 reacties"),
        ("sv", 1, "1 kommentar"),
        ("sv", 2, "2 kommentarer"),
        ("de", 1, "1 Kommentar"),
        ("de", 2, "2 Kommentare"),
        ("fr", 0, "0 commentaire"),  # French: 0 is singular
        ("fr", 1, "1 commentaire"),
        ("fr", 2, "2 commentaires"),
        ("ar", 0, "لا تعليقات"),
        ("ar", 1, "تعليق واحد"),
        ("ar", 2, "تعليقان"),
        ("ar", 3, "3 تعليقات"),
        ("ar", 11, "11 تعليقًا"),
        ("ar", 100, "100 تعليق"),
        ("ar", 103, "103 تعليقات"),
    ],
)
def test_comment_plurals(
    shipped: tuple[Config, Catalogs], lang: str, n: int, expected: str
) -> None:
    assert render_plural(shipped[1], lang, COMMENT, n) == expected


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 minute read"),
        ("en", 4, "4 minutes read"),
        ("nl", 1, "1 minuut leestijd"),
        ("nl", 4, "4 minuten leestijd"),
        ("sv", 1, "1 minuts läsning"),
        ("sv", 4, "4 minuters läsning"),
        ("de", 1, "1 Minute Lesezeit"),
        ("de", 4, "4 Minuten Lesezeit"),
        ("fr", 1, "1 minute de lecture"),
        ("fr", 4, "4 minutes de lecture"),
        ("ar", 1, "مدة القراءة: دقيقة واحدة"),
        ("ar", 2, "مدة القراءة: دقيقتان"),
        ("ar", 4, "مدة القراءة: 4 دقائق"),
        ("ar", 12, "مدة القراءة: 12 دقيقة"),
    ],
)
def test_reading_time_plurals(
    shipped: tuple[Config, Catalogs], lang: str, n: int, expected: str
) -> None:
    assert render_plural(shipped[1], lang, MINUTES, n) == expected


def test_dynamic_messages_are_translated(shipped: tuple[Config, Catalogs]) -> None:
    catalogs = shipped[1]
    assert [catalogs.gettext("nl", m) for m in ("post", "note", "talk")] == [
        "blogpost",
        "notitie",
        "lezing",
    ]
    assert catalogs.gettext("sv", "evergreen") == "vintergrön"
    assert catalogs.gettext("en", "seedling") == "seedling"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "12 August 2013"), ("nl", "12 augustus 2013"), ("sv", "12 augusti 2013")],
)
def test_format_date(shipped: tuple[Config, Catalogs], lang: str, expected: str) -> None:
    config = shipped[0]
    assert format_date(dt.date(2013, 8, 12), config.language(lang)) == expected
    moment = dt.datetime(2013, 8, 12, 23, 30, tzinfo=dt.UTC)
    assert format_date(moment, config.language(lang)) == expected


def test_dates_in_locales_given_by_name_hyphenated_or_unknown() -> None:
    """Locales are made once per code (see i18n._locale), the fallbacks still apply."""
    day = dt.date(2013, 8, 12)
    assert format_date(day, Language(code="sv", name="Svenska", locale="sv-SE")) == (
        "12 augusti 2013"
    )
    assert format_date(day, Language(code="xx", name="X", locale="xx_YY")) == "12 August 2013"
    assert format_date(day, Language(code="en", name="English")) == "12 August 2013"
    dutch = Language(code="nl", name="Nederlands", locale="nl_NL")
    assert babel_locale(dutch) is babel_locale(dutch)
    assert format_date(day, dutch, "d MMM y") == "12 aug 2013"


# -- site overrides and fallback -------------------------------------------------------------------
OVERRIDE_PO = """\
msgid ""
msgstr ""
"Language: nl\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Archive"
msgstr "Alle berichten"
"""


def test_site_catalog_overrides_one_string(tmp_path: Path, layout_ids: list[str]) -> None:
    config = make_config(tmp_path, {"en": "English", "nl": "Nederlands"})
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "nl.po").write_text(OVERRIDE_PO, encoding="utf-8")
    catalogs = load_catalogs(config, [I18N, tmp_path / "i18n"], layout_ids)
    assert catalogs.gettext("nl", "Archive") == "Alle berichten"
    assert catalogs.gettext("nl", "Tags") == "Onderwerpen"  # still the built-in catalog
    assert render_plural(catalogs, "nl", COMMENT, 2) == "2 reacties"
    assert catalogs.gettext("en", "Archive") == "Archive"


def test_site_override_reaches_the_built_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    files = {
        "site.toml": site_toml({"en": "English", "nl": "Nederlands"}),
        "i18n/nl.po": OVERRIDE_PO,
        "content/posts/hello.md": "---\ntitle: Hello\ndate: 2024-05-01\n---\nHi.\n",
        "content/posts/hello.nl.md": "---\ntitle: Hallo\ndate: 2024-05-02\n---\nHoi.\n",
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    result = Builder(
        BuildOptions(site_dir=site, output_dir=tmp_path / "out", use_cache=False, quiet=True)
    ).build()
    html = (tmp_path / "out" / "nl" / "index.html").read_text(encoding="utf-8")
    assert ">Alle berichten</a>" in html
    assert ">Onderwerpen</a>" in html
    assert not [w for w in result.warnings if "nl.po" in str(w.path)]


def test_language_without_catalog_falls_back_to_english(
    tmp_path: Path, layout_ids: list[str]
) -> None:
    config = make_config(tmp_path, {"en": "English", "fi": "Suomi"})
    catalogs = load_catalogs(config, [I18N], layout_ids)
    assert catalogs.gettext("fi", "Archive") == "Archive"
    assert render_plural(catalogs, "fi", COMMENT, 1) == "1 comment"
    assert render_plural(catalogs, "fi", COMMENT, 3) == "3 comments"
    warnings = catalogs.warnings()
    assert [str(w.path) for w in warnings] == ["i18n/fi.po"]
    assert f"{len(layout_ids)} UI strings untranslated, shown in English" in warnings[0].message


def test_build_warns_about_ui_strings_without_a_translation(
    tmp_path: Path, layout_ids: list[str]
) -> None:
    """The layouts' strings are extracted while the sources parse: the warning still comes,
    with the count, from a parallel build and again from the next (same Builder, warm)."""
    site = tmp_path / "site"
    files = {
        "site.toml": site_toml({"en": "English", "fi": "Suomi"}),
        **{
            f"content/posts/p{i}.md": f"---\ntitle: P{i}\ndate: 2024-05-01\n---\nHi.\n"
            for i in range(40)
        },
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    builder = Builder(BuildOptions(site_dir=site, output_dir=tmp_path / "out", quiet=True, jobs=2))
    for _ in range(2):
        warnings = [w for w in builder.build().warnings if str(w.path) == "i18n/fi.po"]
        assert len(warnings) == 1
        assert f"{len(layout_ids)} UI strings untranslated" in warnings[0].message


# -- the maintainer tool ---------------------------------------------------------------------------
def write_layouts(root: Path, body: str) -> None:
    (root / "layouts").mkdir(parents=True, exist_ok=True)
    (root / "layouts" / "base.html").write_text(textwrap.dedent(body), encoding="utf-8")


def test_update_adds_drops_and_is_deterministic(tmp_path: Path) -> None:
    write_layouts(tmp_path, '{{ _("Old") }} {{ _("Kept") }}\n')
    assert tool.main(["--root", str(tmp_path), "update", "nl"]) == 0
    nl = tmp_path / "i18n" / "nl.po"
    text = nl.read_text(encoding="utf-8")
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    nl.write_text(
        text.replace('msgid "Kept"\nmsgstr ""', 'msgid "Kept"\nmsgstr "Bewaard"'), encoding="utf-8"
    )
    write_layouts(
        tmp_path,
        """\
        {{ _("Kept") }} {{ ngettext("%(num)d cat", "%(num)d cats", n) }}
        {{ pgettext("month", "May") }}
        """,
    )
    from ssg.template_strings import DYNAMIC_MESSAGES

    expected = f"wrote i18n/messages.pot ({3 + len(DYNAMIC_MESSAGES)} strings)"
    assert tool.update(tmp_path) == [expected, "updated i18n/nl.po"]
    catalog = tool.load(nl, "nl")
    assert catalog.get("Old") is None  # obsolete strings are dropped
    assert catalog.get("Kept").string == "Bewaard"
    assert catalog.get("%(num)d cat").id == ("%(num)d cat", "%(num)d cats")
    assert catalog.get("May", "month").string == ""
    assert "seedling" in catalog  # DYNAMIC_MESSAGES are always there
    before = {p.name: p.read_bytes() for p in (tmp_path / "i18n").iterdir()}
    assert tool.update(tmp_path) == []
    assert {p.name: p.read_bytes() for p in (tmp_path / "i18n").iterdir()} == before
    assert b"POT-Creation-Date: 2025-01-01 00:00+0000" in before["messages.pot"]


def test_check_lists_missing_and_fuzzy_per_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(LAYOUTS, tmp_path / "layouts")
    shutil.copytree(I18N, tmp_path / "i18n")
    assert tool.main(["--root", str(tmp_path), "check"]) == 0
    sv = tmp_path / "i18n" / "sv.po"
    text = sv.read_text(encoding="utf-8")
    text = text.replace('msgstr "Arkiv"', 'msgstr ""')
    text = text.replace('msgid "Tags"', '#, fuzzy\nmsgid "Tags"')
    sv.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert tool.main(["--root", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["i18n/sv.po: 2 to fix", "  untranslated: 'Archive'", "  fuzzy: 'Tags'"]


def test_template_gettext_behaves_as_jinja2_newstyle(shipped: tuple[Config, Catalogs]) -> None:
    """The memoized `_()` of our environment formats like Jinja2's own newstyle gettext: always
    a %-format, variables escaped, nothing escaped under autoescape false, one result per
    language even when the same template renders in several."""
    from ssg.templates import make_environment

    config, catalogs = shipped
    env = make_environment(config, [LAYOUTS], catalogs)
    template = env.from_string(
        '{{ _("Tags") }}|{{ _("100%% open") }}|{{ _("in %(language)s", language=name) }}|'
        '{% autoescape false %}{{ _("in %(language)s", language=name) }}{% endautoescape %}'
    )
    for _ in range(2):  # the second time from the memo
        assert template.render(lang="nl", name="<b>") == (
            "Onderwerpen|100% open|in het &lt;b&gt;|in het <b>"
        )
    assert template.render(lang="sv", name="x").startswith("Ämnen|")
    with pytest.raises(KeyError):
        env.from_string('{{ _("in %(language)s") }}').render(lang="en")
