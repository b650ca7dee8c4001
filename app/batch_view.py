"""The Batch tab: upload CSV or JSONL, score one text column through ``Model.score``, download."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pandas as pd
import streamlit as st
from charts import hbar

from model import TOPIC_NAMES, DocScore, InputError, Model

MAX_MB = 25  # also server.maxUploadSize in .streamlit/config.toml
MAX_ROWS = 20_000
CHUNK_ROWS = 250
RESULT_COLUMNS = tuple(DocScore().to_row())
FORMATS = {".csv": "csv", ".jsonl": "jsonl"}


def read_upload(name: str, data: bytes) -> pd.DataFrame:
    """The uploaded file as a table; ``ValueError`` with a readable reason when it cannot be scored."""
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise ValueError(f"{name}: expected a .csv or .jsonl file.")
    if len(data) > MAX_MB * 1024 * 1024:
        raise ValueError(f"{name}: {len(data) / 1024 / 1024:.0f} MB is over the app's {MAX_MB} MB limit; "
                         "score it with: python -m model score FILE --out OUT.")
    try:
        if fmt == "csv":
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            frame = pd.read_json(io.BytesIO(data), lines=True, dtype=False, encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError.not_utf8(name, e) from e
    except pd.errors.EmptyDataError as e:
        raise ValueError(f"{name}: the file is empty.") from e
    except ValueError as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ValueError(f"{name}: cannot be read as {fmt.upper()} ({reason}).") from e
    if frame.empty:
        raise ValueError(f"{name}: no rows to score.")
    if len(frame) > MAX_ROWS:
        raise ValueError(f"{name}: {len(frame):,} rows is over the app's {MAX_ROWS:,}-row limit; "
                         "score it with: python -m model score FILE --out OUT.")
    clash = [c for c in RESULT_COLUMNS if c in frame.columns]
    if clash:
        raise ValueError(f"{name}: already has result column(s) {clash}; rename them or upload the original file.")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def score_frame(model: Model, frame: pd.DataFrame, column: str, progress=None) -> pd.DataFrame:
    """``frame`` with the result columns added, scored ``CHUNK_ROWS`` at a time."""
    results: list[DocScore] = []
    for start in range(0, len(frame), CHUNK_ROWS):
        results += model.score(frame[column].iloc[start:start + CHUNK_ROWS].tolist())
        if progress is not None:
            progress(len(results))
    rows = [r.to_row() for r in results]
    out = frame.copy()
    for col in RESULT_COLUMNS:
        out[col] = [row[col] for row in rows]
    return out


def encode(frame: pd.DataFrame, fmt: str) -> bytes:
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8")
    return frame.to_json(orient="records", lines=True, force_ascii=False).encode("utf-8")


def render_batch(model: Model, *, key: str = "batch") -> None:
    """Upload, choose the text column, score with a progress bar, preview and download."""
    st.subheader("Score a file")
    st.caption(
        f"A CSV with a header row, or JSONL; up to {MAX_MB} MB and {MAX_ROWS:,} rows (bigger files: "
        "`python -m model score in.csv --out out.csv`). Every row is kept, in order, with all its columns, "
        f"and gets {', '.join(RESULT_COLUMNS)}. The file is scored in memory and not stored."
    )
    upload = st.file_uploader("CSV or JSONL file", type=["csv", "jsonl"], key=f"{key}-file")
    if upload is None:
        return
    try:
        frame = read_upload(upload.name, upload.getvalue())
    except ValueError as e:
        st.error(str(e))
        return
    columns = list(frame.columns)
    column = st.selectbox("Text column", columns, index=_guess_text_column(frame), key=f"{key}-column")
    st.caption(f"{len(frame):,} rows, {len(columns)} columns.")
    ident = (upload.file_id, column)
    if st.button("Score", type="primary", key=f"{key}-score"):
        bar = st.progress(0.0, text="Scoring…")
        t0 = time.perf_counter()
        scored = score_frame(
            model, frame, column,
            lambda done: bar.progress(done / len(frame), text=f"Scored {done:,} of {len(frame):,} rows"),
        )
        fmt = FORMATS[Path(upload.name).suffix.lower()]
        name = f"{Path(upload.name).stem}.scored.{fmt}"
        bar.empty()
        st.session_state[f"{key}-result"] = (ident, scored, encode(scored, fmt), name, time.perf_counter() - t0)
    result = st.session_state.get(f"{key}-result")
    if result is None or result[0] != ident:
        return
    _, scored, data, name, seconds = result
    failed = int((scored["error"] != "").sum())
    st.success(f"Scored {len(scored):,} rows in {seconds:.1f} s" + (f"; {failed:,} had no text to score (see the "
               "error column)." if failed else "."))
    preview = scored.head(200).assign(topic_prob=lambda f: pd.to_numeric(f["topic_prob"], errors="coerce"))
    st.dataframe(preview, key=f"{key}-preview")
    topics = scored.loc[scored["topic"] != "", "topic"].map(TOPIC_NAMES).value_counts()
    if not topics.empty:
        st.markdown("**Rows by topic**")
        st.altair_chart(hbar(topics.rename_axis("topic").reset_index(name="rows"), label="topic", value="rows",
                             number_format=",d"), key=f"{key}-topics")
    st.download_button(f"Download {name}", data=data, file_name=name,
                       mime="text/csv" if name.endswith(".csv") else "application/jsonl",
                       on_click="ignore", key=f"{key}-download", type="primary")


def _guess_text_column(frame: pd.DataFrame) -> int:
    """``text`` if present, else the column with the longest cells on average."""
    if "text" in frame.columns:
        return list(frame.columns).index("text")
    lengths = [frame[c].astype(str).str.len().mean() for c in frame.columns]
    return max(range(len(lengths)), key=lengths.__getitem__)
