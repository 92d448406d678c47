"""The five news articles the project was founded on (``shared/seeds/``).

They are cited by file name; the articles themselves are not republished here.
"""

from __future__ import annotations

SEEDS: dict[str, str] = {
    "000_17577a0fb21bb581.txt": (
        "Middle East Institute: Iran, Turkey and Russia agree on the fourth "
        "de-escalation zone in Idlib (Astana-6, 15 Sep 2017)"
    ),
    "001_175a7641cff163f8.txt": (
        "Final de-escalation zone established as Syrian talks end in Astana "
        "(15 Sep 2017)"
    ),
    "002_7e46fb40130ba7bf.txt": (
        "Turkey, Russia to deploy forces in Syria's Idlib to secure "
        "'de-escalation' zones (2017)"
    ),
    "003_26b933668b3a4f95.txt": (
        "Al Jazeera: Idlib assault on hold as Russia, Turkey agree on buffer zone "
        "(Sochi, 17 Sep 2018)"
    ),
    "004_874d2be7acefa5c3.txt": (
        "DW: Russia, Turkey and Iran agree on Syria ceasefire deal (24 Jan 2017)"
    ),
}
