"""Channels by receiver name: the lookup table deliver() sends through.

Names are the receivers rules notify, e.g. `slack:syria-watch` or `email:duty-officers`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from alerts.channels.base import Channel


class ChannelRegistry(Mapping[str, Channel]):
    """An immutable name -> Channel mapping whose misses say which names are known."""

    def __init__(self, channels: Mapping[str, Channel] | None = None) -> None:
        self._channels: dict[str, Channel] = dict(channels or {})

    def __getitem__(self, name: str) -> Channel:
        try:
            return self._channels[name]
        except KeyError:
            known = ", ".join(sorted(self._channels)) or "(none configured)"
            raise KeyError(f"no channel named {name!r}; known channels: {known}") from None

    def get(self, name: str, *default: Channel | None) -> Channel | None:  # type: ignore[override]
        """The channel called `name`; a KeyError listing the known names otherwise.

        Unlike dict.get, a miss raises unless a default is passed (`get(name, None)`): a
        receiver without a channel is a configuration error that deserves a clear message.
        """
        if default and name not in self._channels:
            return default[0]
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._channels)

    def __len__(self) -> int:
        return len(self._channels)

    def __contains__(self, name: object) -> bool:
        return name in self._channels

    def __repr__(self) -> str:
        return f"ChannelRegistry({sorted(self._channels)})"
