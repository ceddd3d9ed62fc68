"""Where the project's ontology (with its SHACL shapes and JSON-LD context) and canned queries
live: the repository's own ``ontology/`` and ``queries/`` in a source checkout or an editable
install, or the copies a wheel installs under ``<prefix>/share/arabic-conflict-kg/``."""

from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
INSTALLED = Path(sys.prefix) / "share" / "arabic-conflict-kg"


def project_folder(name: str) -> Path:
    """The checkout's folder ``name`` when it is there, else the installed copy."""
    local = CHECKOUT / name
    if local.is_dir() or not (INSTALLED / name).is_dir():
        return local
    return INSTALLED / name


ONTOLOGY_DIR = project_folder("ontology")
QUERIES_DIR = project_folder("queries")
