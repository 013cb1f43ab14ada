"""The tracked NSE indices: file name and expected size (docs/NSE_DATA.md §1.1).

File names follow no rule, so they are a table. ``size`` is the number of members the index
methodology sets; a file is accepted only within ``SIZE_TOLERANCE`` of it (§1.4 rule 3).
``documented`` is False where the file name is not (yet) in docs/NSE_DATA.md §1.1: those are
NSE's usual naming, unverified, and a 404 for them says so.
"""

from __future__ import annotations

from dataclasses import dataclass

SIZE_TOLERANCE = 2  # ±2 rows (docs/NSE_DATA.md §1.4)


@dataclass(frozen=True)
class NseIndex:
    name: str
    category: str  # broad | sectoral
    file_name: str
    size: int
    documented: bool = True


NSE_INDICES: tuple[NseIndex, ...] = (
    NseIndex("NIFTY 50", "broad", "ind_nifty50list.csv", 50),
    NseIndex("NIFTY NEXT 50", "broad", "ind_niftynext50list.csv", 50),
    NseIndex("NIFTY 100", "broad", "ind_nifty100list.csv", 100),
    NseIndex("NIFTY 200", "broad", "ind_nifty200list.csv", 200),
    NseIndex("NIFTY 500", "broad", "ind_nifty500list.csv", 500),
    NseIndex("NIFTY MIDCAP 50", "broad", "ind_niftymidcap50list.csv", 50),
    NseIndex("NIFTY MIDCAP 100", "broad", "ind_niftymidcap100list.csv", 100),
    NseIndex("NIFTY MIDCAP 150", "broad", "ind_niftymidcap150list.csv", 150),
    NseIndex("NIFTY SMALLCAP 50", "broad", "ind_niftysmallcap50list.csv", 50),
    NseIndex("NIFTY SMALLCAP 100", "broad", "ind_niftysmallcap100list.csv", 100),
    NseIndex("NIFTY SMALLCAP 250", "broad", "ind_niftysmallcap250list.csv", 250),
    NseIndex("NIFTY MIDCAP SELECT", "broad", "ind_niftymidcapselect_list.csv", 25),
    NseIndex("NIFTY TOTAL MARKET", "broad", "ind_niftytotalmarket_list.csv", 750),
    NseIndex("NIFTY MICROCAP 250", "broad", "ind_niftymicrocap250_list.csv", 250),
    NseIndex("NIFTY BANK", "sectoral", "ind_niftybanklist.csv", 14),
    NseIndex("NIFTY IT", "sectoral", "ind_niftyitlist.csv", 10),
    NseIndex("NIFTY AUTO", "sectoral", "ind_niftyautolist.csv", 15),
    NseIndex("NIFTY FIN SERVICE", "sectoral", "ind_niftyfinancelist.csv", 20),
    NseIndex("NIFTY FMCG", "sectoral", "ind_niftyfmcglist.csv", 15),
    NseIndex("NIFTY PHARMA", "sectoral", "ind_niftypharmalist.csv", 20),
    NseIndex("NIFTY METAL", "sectoral", "ind_niftymetallist.csv", 15),
    NseIndex("NIFTY PSU BANK", "sectoral", "ind_niftypsubanklist.csv", 12),
    NseIndex("NIFTY PVT BANK", "sectoral", "ind_nifty_privatebanklist.csv", 10),
    NseIndex("NIFTY REALTY", "sectoral", "ind_niftyrealtylist.csv", 10),
    NseIndex("NIFTY OIL & GAS", "sectoral", "ind_niftyoilgaslist.csv", 15),
    NseIndex("NIFTY ENERGY", "sectoral", "ind_niftyenergylist.csv", 40, documented=False),
    NseIndex("NIFTY MEDIA", "sectoral", "ind_niftymedialist.csv", 10, documented=False),
)

INDEX_BY_NAME: dict[str, NseIndex] = {index.name: index for index in NSE_INDICES}


def find_index(text: str) -> NseIndex | None:
    """The index named ``text`` in any case, with or without the ``NIFTY`` prefix."""
    wanted = " ".join(text.upper().split())
    return INDEX_BY_NAME.get(wanted) or INDEX_BY_NAME.get(f"NIFTY {wanted}")
