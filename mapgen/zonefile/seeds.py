"""The five news articles the project was founded on (``shared/seeds/``).

They are not republished here. Zone files cite them by their bibliography key
(``zones/sources.yaml``); the old form, the seed's file name, is still read and
resolves to the same entry. Where a folder has no bibliography, a seed is shown
from the short description below, never by its file name.
"""

from __future__ import annotations

from mapgen.model import Source


def _seed(name: str, publisher: str, title: str, date: str) -> Source:
    return Source("seed", name, publisher=publisher, title=title, date=date)


# File name -> key of its entry in zones/sources.yaml.
SEED_KEYS: dict[str, str] = {
    "000_17577a0fb21bb581.txt": "mei-2017-09-15-idlib",
    "001_175a7641cff163f8.txt": "astanatimes-2017-09-astana-6",
    "002_7e46fb40130ba7bf.txt": "meo-2017-08-03-idlib-homs",
    "003_26b933668b3a4f95.txt": "aljazeera-2018-09-17-sochi",
    "004_874d2be7acefa5c3.txt": "dw-2017-01-24-astana",
}

# File name -> the seed as shown when no bibliography entry is at hand.
SEEDS: dict[str, Source] = {
    "000_17577a0fb21bb581.txt": _seed(
        "000_17577a0fb21bb581.txt",
        "Middle East Institute (MEI)",
        "Tehran, Ankara and Moscow Reach Agreement over Syria's Idlib",
        "2017-09-15",
    ),
    "001_175a7641cff163f8.txt": _seed(
        "001_175a7641cff163f8.txt",
        "The Astana Times",
        "Final de-escalation zone established as Syrian talks end in Astana",
        "2017-09",
    ),
    "002_7e46fb40130ba7bf.txt": _seed(
        "002_7e46fb40130ba7bf.txt",
        "Middle East Observer",
        "Turkey, Russia to deploy forces in Syria's Idlib to secure "
        "'de-escalation' zones",
        "2017-08-03",
    ),
    "003_26b933668b3a4f95.txt": _seed(
        "003_26b933668b3a4f95.txt",
        "Al Jazeera",
        "Idlib assault on hold as Russia, Turkey agree on buffer zone",
        "2018-09-17",
    ),
    "004_874d2be7acefa5c3.txt": _seed(
        "004_874d2be7acefa5c3.txt",
        "Deutsche Welle (DW)",
        "Russia, Turkey and Iran agree on Syria ceasefire deal",
        "2017-01-24",
    ),
}
