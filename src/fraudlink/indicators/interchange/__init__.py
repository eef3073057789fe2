"""Indicators in and out as MISP events, STIX 2.1 bundles and CSV: the formats partners' tools read.

MISP's attribute type names are the vocabulary (``iban``, ``phone-number``, ``url``, ``domain``,
``email-src``, ``btc``); STIX 2.1 uses its own observables for web and e-mail addresses and
OpenCTI's ``bank-account``, ``phone-number`` and ``cryptocurrency-wallet`` for the rest. The
mapping tables, markings, sightings and what is skipped are in docs/interchange.md.

- ``exporting``: the listed indicators as a reader may see them, and ``export`` in a format;
- ``importing``: ``detect`` and ``read`` a file; ``import_file`` lists its items and sightings;
- ``misp``, ``stix``, ``csv_table``: each format's vocabulary, its writer and its reader;
- ``common``: what they share: the records, the error and its messages, TLP, PAP and tags.
"""

from fraudlink.indicators.interchange.common import (
    Format,
    InterchangeError,
    Item,
    Parsed,
    Rejected,
    Seen,
    Shared,
    text,
)
from fraudlink.indicators.interchange.exporting import export, shared_indicators
from fraudlink.indicators.interchange.importing import ImportSummary, detect, import_file, read

__all__ = [
    "Format",
    "ImportSummary",
    "InterchangeError",
    "Item",
    "Parsed",
    "Rejected",
    "Seen",
    "Shared",
    "detect",
    "export",
    "import_file",
    "read",
    "shared_indicators",
    "text",
]
