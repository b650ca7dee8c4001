"""Corrections from users: a local SQLite store, its JSONL export, and the rows ``train`` adds.

The store is one SQLite file at ``NEWSFRAME_FEEDBACK_DB`` or, by default, in the user's data
directory (``$XDG_DATA_HOME/newsframe/feedback.sqlite3``, which is
``~/.local/share/newsframe/feedback.sqlite3`` on Linux; ``~/Library/Application Support`` on
macOS, ``%LOCALAPPDATA%`` on Windows). It runs in WAL mode with a busy timeout, so writers
from several browser tabs or processes wait their turn instead of failing, and deleted rows
are overwritten on disk (``secure_delete``), so ``purge`` really removes the text.

Each record is ``{text, kind, predicted, corrected, model_sha256, ts}``: ``kind`` is
``"frame"`` (``text`` is one sentence) or ``"topic"`` (``text`` is the whole article).
``read_feedback`` turns an export back into training rows weighted ``FEEDBACK_WEIGHT``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .corpora import Labelled
from .errors import DataError, InputError
from .labels import FRAMES, TOPICS

FEEDBACK_ENV = "NEWSFRAME_FEEDBACK_DB"
FEEDBACK_WEIGHT = 10.0
"""Sample weight of one correction in ``train --feedback``: ten ordinary corpus rows (five
rows of the team's own data, which weigh 2). A correction is a person's verdict on that exact
text, so it should usually win against the corpus on that text without swamping the classes."""

FIELDS = ("text", "kind", "predicted", "corrected", "model_sha256", "ts")
LABELS_BY_KIND = {"topic": TOPICS, "frame": FRAMES}
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    predicted TEXT NOT NULL,
    corrected TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    ts TEXT NOT NULL
)"""


def default_db_path() -> Path:
    """``NEWSFRAME_FEEDBACK_DB`` if set, else ``feedback.sqlite3`` in the user's data directory."""
    if os.environ.get(FEEDBACK_ENV):
        return Path(os.environ[FEEDBACK_ENV]).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "newsframe" / "feedback.sqlite3"


def check_record(record: dict[str, Any]) -> None:
    """Raise ``InputError`` unless ``record`` holds a usable correction."""
    kind = record.get("kind")
    if kind not in LABELS_BY_KIND:
        raise InputError(f"feedback kind must be one of {sorted(LABELS_BY_KIND)}; got {kind!r}.")
    labels = LABELS_BY_KIND[kind]
    for name in ("predicted", "corrected"):
        if record.get(name) not in labels:
            raise InputError(f"feedback {name!r} for a {kind} must be one of {list(labels)}; got {record.get(name)!r}.")
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        raise InputError("feedback needs the text it corrects; got an empty text.")


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL once. The switch needs an exclusive lock and SQLite's busy handler
    does not wait for it, so processes opening a new file together retry until the timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class FeedbackStore:
    """Corrections in a local SQLite file; safe for several writers at once.

    Parameters
    ----------
    path : str or PathLike, default=None
        The database file; ``default_db_path()`` when None. Created on first write.

    Examples
    --------
    >>> import tempfile, os
    >>> store = FeedbackStore(os.path.join(tempfile.mkdtemp(), "fb.sqlite3"))
    >>> store.add("The club denied the report.", kind="frame", predicted="neutral",
    ...           corrected="denial", model_sha256="abc")
    >>> len(store), store.purge(), len(store)
    (1, 1, 0)
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_db_path()

    def __repr__(self) -> str:
        return f"FeedbackStore({str(self.path)!r})"

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a directory; the feedback database must be a file ({FEEDBACK_ENV}).")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _use_wal(conn)
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute(_SCHEMA)
        return conn

    def add(self, text: str, *, kind: str, predicted: str, corrected: str, model_sha256: str) -> None:
        """Store one correction: ``kind`` is ``"frame"`` (a sentence) or ``"topic"`` (an article)."""
        record = {"text": text, "kind": kind, "predicted": predicted, "corrected": corrected}
        check_record(record)
        ts = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO feedback (text, kind, predicted, corrected, model_sha256, ts) VALUES (?, ?, ?, ?, ?, ?)",
                (text, kind, predicted, corrected, model_sha256 or "", ts),
            )
            conn.execute("COMMIT")

    def records(self) -> list[dict[str, str]]:
        """Every stored correction, oldest first, as ``FIELDS`` dicts."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as conn:
            rows = conn.execute(f"SELECT {', '.join(FIELDS)} FROM feedback ORDER BY id").fetchall()
        return [dict(zip(FIELDS, row)) for row in rows]

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        with closing(self._connect()) as conn:
            return conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]

    def export(self, out: str | os.PathLike) -> int:
        """Write every correction to ``out`` as JSONL (atomically); returns how many."""
        out = Path(out)
        if out.is_dir():
            raise InputError(f"{out}: is a directory; --out needs a file name.")
        if not out.parent.exists():
            raise InputError(f"{out.parent}: no such directory for --out.")
        records = self.records()
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                for r in records:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            os.replace(tmp, out)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return len(records)

    def purge(self) -> int:
        """Delete every correction (overwriting it on disk); returns how many were deleted."""
        if not self.path.exists():
            return 0
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            n = conn.execute("DELETE FROM feedback").rowcount
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n


def read_feedback(path: str | os.PathLike, weight: float = FEEDBACK_WEIGHT) -> tuple[Labelled, Labelled]:
    """Training rows from a ``feedback export`` file: ``(extra_topics, extra_frames)``.

    Each row gets sample weight ``weight``. When the same text was corrected more than once
    for the same kind, the latest correction wins.
    """
    from .files import read_text

    latest: dict[tuple[str, str], str] = {}
    for n, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            check_record(record)
        except (json.JSONDecodeError, AttributeError, InputError) as e:
            raise DataError(
                f"{path}, line {n}: not a feedback record ({e}). Expected JSONL from: python -m model feedback export."
            ) from e
        latest[(record["kind"], record["text"])] = record["corrected"]
    parts = {}
    for kind in LABELS_BY_KIND:
        rows = [(text, label) for (k, text), label in latest.items() if k == kind]
        parts[kind] = Labelled(
            tuple(t for t, _ in rows),
            tuple(label for _, label in rows),
            (float(weight),) * len(rows),
            {"feedback": len(rows)} if rows else {},
        )
    return parts["topic"], parts["frame"]
