"""Where chunks of a file are scored: this process, joblib worker processes, or a Dask cluster.

Every engine takes the same stream of ``Chunk``s and yields ``(index, docs, sentences)`` in
input order, computed by the same functions of ``model.rows``, so the output does not depend
on the engine. Only a bounded number of chunks is in flight at any time, so memory stays flat.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, NamedTuple

from .core import Model
from .errors import InputError
from .rows import doc_columns, score_rows

ENGINES = ("local", "dask")

DASK_EXTRA = 'pip install -c constraints.txt -e ".[dask]"'


class Chunk(NamedTuple):
    """Consecutive input rows: their chunk number, texts and sentence ``doc_id``s."""

    index: int
    texts: list[Any]
    ids: list[Any]


def score_chunks(
    model: Model,
    chunks: Iterable[Chunk],
    *,
    sentences: bool = False,
    attribution: bool = False,
    jobs: int = 1,
    backend: str = "local",
    scheduler: str | None = None,
) -> Iterator[tuple[int, Any, Any]]:
    """Yield ``(chunk.index, doc_columns, sentence rows or None)`` for every chunk, in order.

    Parameters
    ----------
    model : Model
        The model every engine scores with (sent to each worker process once per task with
        joblib, scattered once to every Dask worker).
    chunks : iterable of Chunk
        Consumed lazily: at most a few chunks per worker are read ahead.
    sentences : bool, default=False
        Also compute the sentence rows of each chunk (``score_rows``).
    attribution : bool, default=False
        With ``sentences``: add who said what (``model.rows.WHO_COLUMNS``) to the sentence rows.
    jobs : int, default=1
        ``backend="local"``: worker processes (joblib; -1 for one per core, 1 for this process).
    backend : {"local", "dask"}, default="local"
    scheduler : str, optional
        ``backend="dask"``: the scheduler address, such as ``tcp://10.0.0.5:8786``.
    """
    check_engine(backend, scheduler, jobs)
    who = attribution and sentences
    if backend == "dask":
        yield from _dask(model, chunks, sentences, who, scheduler)
    elif jobs == 1:
        for chunk in chunks:
            yield score_chunk(model, chunk, sentences, who)
    else:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=jobs, return_as="generator", pre_dispatch="2*n_jobs")
        yield from parallel(delayed(score_chunk)(model, chunk, sentences, who) for chunk in chunks)


def check_engine(backend: str, scheduler: str | None, jobs: int) -> None:
    """Refuse engine settings that cannot work, before any row is read."""
    if backend not in ENGINES:
        raise InputError(f"unknown backend {backend!r}; expected one of {list(ENGINES)}.")
    if backend == "dask" and not scheduler:
        raise InputError("--backend dask needs --scheduler ADDRESS (for example tcp://10.0.0.5:8786); "
                         "on one machine use --jobs N instead.")
    if backend == "dask":
        from importlib.util import find_spec

        missing = [m for m in ("dask", "distributed") if find_spec(m) is None]
        if missing:
            raise InputError(f"--backend dask needs {' and '.join(missing)}, not installed here. "
                             f"Install them with: {DASK_EXTRA}")
    if jobs == 0 or jobs < -1:
        raise InputError(f"--jobs must be a number of processes (1, 2, ...) or -1 for one per core; got {jobs}.")


def score_chunk(model: Model, chunk: Chunk, sentences: bool, attribution: bool = False) -> tuple[int, Any, Any]:
    """Score one chunk in the calling process (what each joblib task runs)."""
    if sentences:
        return chunk.index, *score_rows(model, chunk.texts, chunk.ids, attribution)
    return chunk.index, doc_columns(model, chunk.texts), None


def _dask(
    model: Model, chunks: Iterable[Chunk], sentences: bool, attribution: bool, scheduler: str
) -> Iterator[tuple[int, Any, Any]]:
    """Score windows of chunks as partitions of a Dask DataFrame, two windows in flight.

    The chunks are read here, by the same reader as every other engine, and scattered to the
    workers, so workers need no access to the input file and rows parse exactly as they do
    locally. The model is scattered to every worker once, before the first partition.
    """
    import dask
    from distributed import Client

    try:
        client = Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler!r} ({e}). "
                         "Check the address, or start one with: dask scheduler") from e
    # Keep text cells as they are: converting to Arrow strings would turn a number into text
    # that gets scored, where the local engines report "not text".
    with client, dask.config.set({"dataframe.convert-string": False}):
        model_ref = client.scatter(model, broadcast=True, hash=False)
        window = max(2 * sum(client.nthreads().values()), 2)
        chunks = iter(chunks)
        in_flight: deque = deque()
        while batch := list(islice(chunks, window)):
            in_flight.append(_submit(client, model, model_ref, batch, sentences, attribution))
            if len(in_flight) > 1:
                yield from _collect(in_flight.popleft())
        while in_flight:
            yield from _collect(in_flight.popleft())


def _submit(
    client, model: Model, model_ref, batch: list[Chunk], sentences: bool, attribution: bool
) -> list[tuple[int, Any]]:
    import dask
    import dask.dataframe as dd
    import pandas as pd

    def frame(chunk: Chunk) -> pd.DataFrame:
        return pd.DataFrame({"text": pd.Series(chunk.texts, dtype=object), "doc_id": pd.Series(chunk.ids, dtype=object)})

    parts = client.scatter([frame(c) for c in batch], hash=False)
    table = dd.from_delayed(parts, meta=frame(Chunk(0, [], [])), verify_meta=False)
    if sentences:
        # One Model.score call per partition gives both outputs, as on the local engines.
        both = [dask.delayed(_rows_partition)(p, model_ref, attribution) for p in table.to_delayed()]
        return [(c.index, f) for c, f in zip(batch, client.compute(both))]
    docs = table.map_partitions(_docs_partition, model_ref, meta=doc_columns(model, [])).to_delayed()
    return [(c.index, f) for c, f in zip(batch, client.compute(docs))]


def _collect(window: list[tuple[int, Any]]) -> Iterator[tuple[int, Any, Any]]:
    for index, future in window:
        result = future.result()
        yield (index, *result) if isinstance(result, tuple) else (index, result, None)


def _docs_partition(part, model: Model):
    return doc_columns(model, part["text"].tolist())


def _rows_partition(part, model: Model, attribution: bool):
    return score_rows(model, part["text"].tolist(), part["doc_id"].tolist(), attribution)
