"""The feeds' own words (titles, headings, the "what is a feed?" page) in the feed's language.

Each string goes through the site's gettext first, so `i18n/<lang>.po` (built-in or the site's)
decides. Until a catalog translates a string, the built-in table below does, so feeds read well in
English, Dutch, Swedish, German and French out of the box; other languages fall back to English.
No message contains a `%` placeholder: Jinja's new-style gettext would format it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import pass_context

from .config import Config
from .model import digest

_FALLBACK: dict[str, dict[str, str]] = {
    "nl": {
        "Web feed": "Webfeed",
        "This is a web feed": "Dit is een webfeed",
        "Follow this website in a feed reader: new posts come to you as soon as they are "
        "published. No account, no algorithm, no advertising.": "Volg deze website in een "
        "feedlezer: nieuwe berichten komen naar je toe zodra ze verschijnen. Geen account, "
        "geen algoritme, geen advertenties.",
        "How to subscribe": "Zo abonneer je je",
        "Copy this address into your feed reader:": "Kopieer dit adres naar je feedlezer:",
        "A feed reader (also called a news reader or RSS reader) is an app or website that "
        "collects new posts from the websites you follow. Many are free. Most also find the "
        "feed when you give them the address of the website itself.": "Een feedlezer (ook "
        "wel nieuwslezer of RSS-lezer genoemd) is een app of website die nieuwe berichten "
        "verzamelt van de websites die je volgt. Veel feedlezers zijn gratis. De meeste vinden "
        "de feed ook als je ze het adres van de website zelf geeft.",
        "Podcast apps can subscribe to this address too.": "Podcast-apps kunnen zich ook op "
        "dit adres abonneren.",
        "Learn more about feeds": "Meer over feeds",
        "Visit the website": "Naar de website",
        "Latest entries": "Nieuwste berichten",
        "Nothing here yet.": "Hier staat nog niets.",
        "Posts": "Berichten",
        "Notes": "Notities",
        "Talks": "Lezingen",
        "Transcript": "Transcriptie",
        "Chapters": "Hoofdstukken",
        "All languages": "Alle talen",
    },
    "sv": {
        "Web feed": "Webbflöde",
        "This is a web feed": "Det här är ett webbflöde",
        "Follow this website in a feed reader: new posts come to you as soon as they are "
        "published. No account, no algorithm, no advertising.": "Följ den här webbplatsen i "
        "en flödesläsare: nya inlägg kommer till dig så fort de publiceras. Inget konto, "
        "ingen algoritm, ingen reklam.",
        "How to subscribe": "Så prenumererar du",
        "Copy this address into your feed reader:": "Kopiera den här adressen till din "
        "flödesläsare:",
        "A feed reader (also called a news reader or RSS reader) is an app or website that "
        "collects new posts from the websites you follow. Many are free. Most also find the "
        "feed when you give them the address of the website itself.": "En flödesläsare "
        "(även kallad nyhetsläsare eller RSS-läsare) är en app eller webbplats som samlar nya "
        "inlägg från de webbplatser du följer. Många är gratis. De flesta hittar också flödet "
        "om du ger dem adressen till själva webbplatsen.",
        "Podcast apps can subscribe to this address too.": "Poddappar kan också prenumerera "
        "på den här adressen.",
        "Learn more about feeds": "Läs mer om flöden",
        "Visit the website": "Till webbplatsen",
        "Latest entries": "Senaste inläggen",
        "Nothing here yet.": "Här finns inget ännu.",
        "Posts": "Inlägg",
        "Notes": "Anteckningar",
        "Talks": "Föredrag",
        "Transcript": "Transkription",
        "Chapters": "Kapitel",
        "All languages": "Alla språk",
    },
    "de": {
        "Web feed": "Web-Feed",
        "This is a web feed": "Dies ist ein Web-Feed",
        "Follow this website in a feed reader: new posts come to you as soon as they are "
        "published. No account, no algorithm, no advertising.": "Folge dieser Website in "
        "einem Feedreader: Neue Beiträge kommen zu dir, sobald sie erscheinen. Kein Konto, "
        "kein Algorithmus, keine Werbung.",
        "How to subscribe": "So abonnierst du",
        "Copy this address into your feed reader:": "Kopiere diese Adresse in deinen Feedreader:",
        "A feed reader (also called a news reader or RSS reader) is an app or website that "
        "collects new posts from the websites you follow. Many are free. Most also find the "
        "feed when you give them the address of the website itself.": "Ein Feedreader (auch "
        "News-Reader oder RSS-Reader genannt) ist eine App oder Website, die neue Beiträge der "
        "Websites sammelt, denen du folgst. Viele sind kostenlos. Die meisten finden den Feed "
        "auch, wenn du ihnen die Adresse der Website selbst gibst.",
        "Podcast apps can subscribe to this address too.": "Podcast-Apps können diese "
        "Adresse ebenfalls abonnieren.",
        "Learn more about feeds": "Mehr über Feeds",
        "Visit the website": "Zur Website",
        "Latest entries": "Neueste Beiträge",
        "Nothing here yet.": "Hier gibt es noch nichts.",
        "Posts": "Beiträge",
        "Notes": "Notizen",
        "Talks": "Vorträge",
        "Transcript": "Transkript",
        "Chapters": "Kapitel",
        "All languages": "Alle Sprachen",
    },
    "fr": {
        "Web feed": "Flux web",
        "This is a web feed": "Ceci est un flux web",
        "Follow this website in a feed reader: new posts come to you as soon as they are "
        "published. No account, no algorithm, no advertising.": "Suivez ce site dans un "
        "lecteur de flux\u00a0: les nouvelles publications vous parviennent dès leur parution. "
        "Sans compte, sans algorithme, sans publicité.",
        "How to subscribe": "Comment s’abonner",
        "Copy this address into your feed reader:": "Copiez cette adresse dans votre lecteur "
        "de flux\u00a0:",
        "A feed reader (also called a news reader or RSS reader) is an app or website that "
        "collects new posts from the websites you follow. Many are free. Most also find the "
        "feed when you give them the address of the website itself.": "Un lecteur de flux "
        "(aussi appelé agrégateur ou lecteur RSS) est une application ou un site web qui "
        "rassemble les nouvelles publications des sites que vous suivez. Beaucoup sont "
        "gratuits. La plupart trouvent aussi le flux si vous leur donnez l’adresse du site "
        "lui-même.",
        "Podcast apps can subscribe to this address too.": "Les applications de podcast "
        "peuvent aussi s’abonner à cette adresse.",
        "Learn more about feeds": "En savoir plus sur les flux",
        "Visit the website": "Aller sur le site",
        "Latest entries": "Dernières publications",
        "Nothing here yet.": "Rien ici pour l’instant.",
        "Posts": "Articles",
        "Notes": "Notes",
        "Talks": "Conférences",
        "Transcript": "Transcription",
        "Chapters": "Chapitres",
        "All languages": "Toutes les langues",
    },
}

# Part of every feed output's key: editing the table re-renders the feeds.
STRINGS_DIGEST = digest(sorted((lang, sorted(t.items())) for lang, t in _FALLBACK.items()))

SECTION_LABELS = {"posts": "Posts", "notes": "Notes", "talks": "Talks"}


def fallback(lang: str, message: str) -> str:
    base = lang.split("-")[0].lower()
    table = _FALLBACK.get(lang) or _FALLBACK.get(base) or {}
    return table.get(message, message)


def make_gettext(env: jinja2.Environment) -> Callable[..., str]:
    """A context gettext: the site's catalogs first, then the built-in table, then English."""
    site_gettext = env.globals["gettext"]

    @pass_context
    def gettext(context: Any, message: str, **variables: Any) -> str:
        text = str(site_gettext(context, message))  # type: ignore[operator]
        if text == message:
            text = fallback(context["lang"], message)
        return text % variables if variables else text

    return gettext


@lru_cache(maxsize=64)
def translator(env: jinja2.Environment, lang: str) -> Callable[[str], str]:
    """gettext for Python code (feed titles, headings) in one language; one per environment
    and language (making one compiles a template: 0.6 ms, for each of 400 feeds)."""
    gettext = make_gettext(env)
    context = env.from_string("").new_context({"lang": lang})
    return lambda message: gettext(context, message)


def section_label(section: str, translate: Callable[[str], str]) -> str:
    if section in SECTION_LABELS:
        return translate(SECTION_LABELS[section])
    return section.replace("-", " ").replace("_", " ").capitalize()


def render_stylesheet(env: jinja2.Environment, config: Config, lang: str) -> bytes:
    """`layouts/feed.xsl` in one language: what a browser shows instead of raw feed XML."""
    template = env.get_template("feed.xsl")
    language = config.language(lang)
    text = template.render(lang=lang, language=language, gettext=make_gettext(env))
    return text.encode("utf-8")
