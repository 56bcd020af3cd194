"""Word pools, tags, speakers and code snippets used by generate.py (data only)."""

from __future__ import annotations

_RAW_WORDS: dict[str, str] = {
    "en": """
    the a of and to in is that it for on with as this was be by are at from not or have an they
    which one you had but all were we when there can more if out so what about into than them
    only other time some could these two may first then do any like my now over such our man me
    even most made after also did many before must through back years where much your way well
    down should because each just those people how too little state good very make world still
    own see men work long get here between both life being under never day same another know
    while last might us great old year off come since against go came right used take three
    build static site page template cache render markdown feed archive language translation
    caption transcript stream talk note post draft tag index theme layout output input source
    python parser token schema folder file path link anchor heading paragraph sentence word
    reader writer editor browser server network request response header footer sidebar menu
    quiet careful honest simple small fast slow early late open closed public private shared
    learn teach write read think wonder notice explain compare measure test ship fix break
    garden seedling evergreen question answer idea draft sketch outline margin footnote
    """,
    "nl": """
    de het een en van in is dat op te zijn met voor niet aan er om ook als bij nog maar uit
    dan wel was naar heb dit wat door over kan zo onder tegen worden hebben al meer geen tussen
    omdat waar veel alleen eigen eerste nieuwe grote kleine goede lange korte oude jonge snel
    langzaam vandaag morgen gisteren altijd soms nooit vaak samen apart denken schrijven lezen
    leren bouwen maken vinden zoeken proberen begrijpen uitleggen vergelijken meten testen
    pagina sjabloon buffer uitvoer invoer bron bestand map pad koppeling kop alinea zin woord
    lezer schrijver redacteur browser dienst netwerk verzoek antwoord vraag idee schets opzet
    tuin zaailing notitie bericht gesprek ondertitel vertaling taal archief trefwoord thema
    stil zorgvuldig eerlijk eenvoudig open gesloten openbaar gedeeld werk leven dag jaar tijd
    mensen wereld stad huis water licht avond ochtend week maand reden manier vorm plek weg
    """,
    "sv": """
    och att det som en på är av för med till den har de inte om ett han men var jag sig från
    vi så kan man när år säga hon under också efter upp eller alla vid mycket nu bara sedan
    två över än andra skulle hur här många mellan genom utan någon stor liten ny gammal god
    lång kort snabb långsam tidig sen öppen stängd offentlig privat delad enkel ärlig stilla
    tänka skriva läsa lära bygga göra hitta söka försöka förstå förklara jämföra mäta testa
    sida mall cache utdata indata källa fil mapp sökväg länk rubrik stycke mening ord läsare
    skribent redaktör webbläsare tjänst nätverk begäran svar fråga idé skiss utkast trädgård
    planta anteckning inlägg samtal undertext översättning språk arkiv etikett tema arbete
    liv dag vecka månad tid människor värld stad hus vatten ljus kväll morgon anledning sätt
    form plats väg början slut rätt fel nästa förra själv tillsammans ibland aldrig ofta
    """,
}

_RAW_TAGS = """
python rust javascript css html accessibility typography design writing teaching livestreams
open-source static-sites markdown i18n translation performance caching testing tooling linux
web-standards feeds indieweb privacy security databases networking music photography cooking
gardening books travel cycling climate history mathematics statistics notes meta
"""

WORDS: dict[str, list[str]] = {lang: raw.split() for lang, raw in _RAW_WORDS.items()}
TAGS: list[str] = _RAW_TAGS.split()

SPEAKERS: list[str] = ["Alice Ng", "Bram de Vries", "Karin Lindqvist", "Omar Haddad", "Yuki Sato"]

CODE: dict[str, list[str]] = {
    "python": [
        """from pathlib import Path


def word_count(folder: Path) -> dict[str, int]:
    \"\"\"Count the words of every Markdown file under folder.\"\"\"
    counts: dict[str, int] = {}
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        counts[path.stem] = len(text.split())
    return counts


if __name__ == "__main__":
    for name, n in word_count(Path("content")).items():
        print(f"{name:30} {n:6d}")
""",
        """import json
from dataclasses import asdict, dataclass


@dataclass
class Cue:
    start: float
    end: float
    text: str

    def duration(self) -> float:
        return self.end - self.start


cues = [Cue(0.0, 2.5, "Hello"), Cue(2.5, 6.0, "and welcome back")]
print(json.dumps([asdict(c) for c in cues], indent=2))
print(sum(c.duration() for c in cues))
""",
    ],
    "js": [
        """const cues = document.querySelectorAll("[data-cue]");
const video = document.querySelector("video");

function highlight(time) {
  for (const cue of cues) {
    const start = Number(cue.dataset.start);
    const end = Number(cue.dataset.end);
    cue.classList.toggle("active", time >= start && time < end);
  }
}

video?.addEventListener("timeupdate", () => highlight(video.currentTime));
""",
        """export async function loadFeed(url) {
  const response = await fetch(url, { headers: { Accept: "application/feed+json" } });
  if (!response.ok) {
    throw new Error(`feed ${url}: ${response.status}`);
  }
  const feed = await response.json();
  return feed.items.map(({ id, title, date_published }) => ({
    id,
    title,
    date: new Date(date_published),
  }));
}
""",
    ],
    "bash": [
        """#!/usr/bin/env bash
set -euo pipefail

site="${1:-.}"
for f in "$site"/content/posts/*.md; do
  words=$(wc -w < "$f")
  printf '%6d %s\\n' "$words" "$(basename "$f")"
done | sort -n | tail -n 10
""",
        """# rebuild and serve the site locally
python -m venv .venv
. .venv/bin/activate
pip install -e '.[test]'
aloud build -s mysite
python -m http.server --directory mysite/public 8000 &
curl -fsS http://localhost:8000/ | head -n 20
""",
    ],
}
