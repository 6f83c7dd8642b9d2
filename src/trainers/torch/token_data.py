"""A dataset's documents as one flat token array plus each document's start and end.

Two sources, the same tokens:
  * ``tokens.npy`` (written by ``pcfglab export DATASET --format npy`` or ``pcfglab generate --npy``): a documents x
    width matrix, uint16 when the vocabulary fits, else int32, memory-mapped by numpy, so no copy is made. When the
    documents differ in length (the reference profile's 255/256), ``document_lengths.npy`` gives each row's length and
    the rest of the row is padding.
  * the Parquet shards ``train-*.parquet`` (``input_ids`` list<int32>) through pyarrow, where pyarrow is installed.

The npy files are preferred: they need numpy alone, which Debian packages; pyarrow it does not. They are used only
when ``dataset.json`` records them (``exports``: an ``npy`` entry) and ``tokens.npy``'s SHA-256 is the recorded one:
an export left from another dataset (a ``generate --force`` by an older pcfglab kept it) would otherwise be trained
on under the new dataset's name. A stale or unrecorded export is refused (``ExportMismatch``), not passed over for the
Parquet shards: the shards need pyarrow, which Debian lacks, and the fix, re-exporting, is one command.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os

TOKENS_FILE = "tokens.npy"
LENGTHS_FILE = "document_lengths.npy"


class DataError(Exception):
    """The dataset cannot be read; the message says what to do."""


class ExportMismatch(DataError):
    """tokens.npy is not the export dataset.json records (bad input, not a missing dependency)."""


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_export(folder: str):
    """Raises ExportMismatch unless dataset.json records tokens.npy with its SHA-256 (and its lengths file, if any)."""
    tokens = os.path.join(folder, TOKENS_FILE)
    fix = f"re-export it with `pcfglab export {folder} --format npy` (or delete it to read the Parquet shards)"
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError) as e:
        raise ExportMismatch(f"{tokens} cannot be checked: {folder}/dataset.json is unreadable ({e})") from e
    exports = manifest.get("exports") if isinstance(manifest, dict) else None
    entries = [e for e in exports or [] if isinstance(e, dict) and e.get("format") == "npy" and e.get("file") == TOKENS_FILE]
    if not entries:
        raise ExportMismatch(f"{tokens} is not recorded in {folder}/dataset.json (no npy export), so it may hold another dataset's tokens: {fix}")
    entry = entries[-1]
    actual = sha256_of(tokens)
    if actual != str(entry.get("sha256", "")).lower():
        raise ExportMismatch(f"{tokens} has SHA-256 {actual[:12]}..., not the {str(entry.get('sha256'))[:12]}... dataset.json records: "
                             f"it is not this dataset's export: {fix}")
    lengths_recorded = entry.get("lengthsFile") == LENGTHS_FILE
    if lengths_recorded != os.path.isfile(os.path.join(folder, LENGTHS_FILE)):
        state = "is missing" if lengths_recorded else "is there but not recorded in dataset.json"
        raise ExportMismatch(f"{folder}/{LENGTHS_FILE} {state}: {fix}")


def has_npy(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, TOKENS_FILE))


def read_npy(folder: str):
    """(values, starts, ends) from tokens.npy (+ document_lengths.npy): values is a flat memory-mapped view."""
    import numpy as np
    matrix = np.load(os.path.join(folder, TOKENS_FILE), mmap_mode="r")
    if matrix.ndim != 2:
        raise DataError(f"{folder}/{TOKENS_FILE} is not a documents x length matrix (shape {matrix.shape}): re-export it with `pcfglab export`")
    rows, width = matrix.shape
    starts = np.arange(rows, dtype=np.int64) * width
    lengths_path = os.path.join(folder, LENGTHS_FILE)
    if os.path.isfile(lengths_path):
        lengths = np.load(lengths_path).astype(np.int64)
        if lengths.shape != (rows,) or (lengths < 0).any() or (lengths > width).any():
            raise DataError(f"{lengths_path} does not match {TOKENS_FILE}: re-export the dataset with `pcfglab export`")
        ends = starts + lengths
    else:
        ends = starts + width
    return matrix.reshape(-1), starts, ends


def read_parquet(shards):
    """(values, starts, ends) from Parquet shards through pyarrow; raises ImportError without pyarrow."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    values, offsets, base = [], [np.zeros(1, dtype=np.int64)], 0
    for shard in shards:
        column = pq.read_table(shard, columns=["input_ids"]).column("input_ids").combine_chunks()
        if isinstance(column, pa.ChunkedArray):
            column = column.chunk(0) if column.num_chunks else pa.array([], type=pa.list_(pa.int32()))
        column_offsets = column.offsets.to_numpy().astype(np.int64)
        flat = column.values.to_numpy(zero_copy_only=False)[column_offsets[0]:column_offsets[-1]]
        values.append(flat.astype(np.int32, copy=False))
        offsets.append(column_offsets[1:] - column_offsets[0] + base)
        base += len(flat)
    offsets = np.concatenate(offsets)
    flat = np.concatenate(values) if values else np.zeros(0, dtype=np.int32)
    return flat, offsets[:-1], offsets[1:]


def shards_of(folder: str):
    return sorted(glob.glob(os.path.join(folder, "train-*.parquet")))


def read_manifest(folder: str):
    path = os.path.join(folder, "dataset.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_documents(folder: str):
    """(values, starts, ends, source): tokens.npy when present (and recorded in dataset.json with its SHA-256: else
    ExportMismatch), else the Parquet shards through pyarrow."""
    if has_npy(folder):
        check_export(folder)
        values, starts, ends = read_npy(folder)
        return values, starts, ends, "npy"
    shards = shards_of(folder)
    try:
        values, starts, ends = read_parquet(shards)
    except ImportError as e:
        raise DataError(f"{folder} has no {TOKENS_FILE} and {e.name} is not installed: run `pcfglab export {folder} --format npy` "
                        f"(numpy alone reads it) or install pyarrow") from e
    return values, starts, ends, "parquet"
