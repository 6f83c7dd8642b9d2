#!/usr/bin/env python3
"""Train one cell of a PcfgLab sweep plan with PyTorch (torch and numpy alone; transformers and pyarrow optional).

A cell is one line of ``plan.jsonl`` written by ``pcfglab sweep plan``: a dataset folder written by
``pcfglab generate`` (``tokens.npy`` from ``pcfglab export --format npy``, or Parquet shards ``train-*.parquet`` read
through pyarrow; plus ``dataset.json``), a token budget D, a Llama shape, a vocabulary, a seed and the optimiser
settings (the plan's training profile: ``study`` or ``small``).

What it does, per cell:
  * builds the cell's Llama (``--model builtin``: ``tiny_llama.TinyLlama``, Hugging Face's LlamaForCausalLM in plain
    PyTorch; ``--model hf``: ``LlamaForCausalLM`` itself) with untied embeddings and as many key/value heads as heads,
    and checks that its parameter count equals the plan's N;
  * holds out the last ``validation_fraction`` of the dataset's documents (at most ``--max-valid-docs``), or the last
    ``validation_documents`` when the plan sets that count, for validation, and trains on the first D tokens of the rest, one document per sequence (padded to the context,
    padding not counted and not learned), in an order shuffled by the cell's seed;
  * AdamW at the plan's learning rate and weight decay (0 unless the plan says otherwise; betas 0.9/0.999, gradients
    clipped to norm 1: the Hugging Face Trainer's defaults) with cosine decay (or constant) after ``warmup_steps``
    (a LambdaLR equal to transformers' schedules), batch size and epochs from the plan; ``--dtype bfloat16`` autocasts
    on CPUs too;
  * on a CPU, asks glibc's malloc to keep freed memory (``--malloc keep``, the default): each step allocates the same
    large tensors, and handing them back to the system made every step fault their pages in again (measured by
    bench/torch/train_speed.py and bench/torch/README.md: with it, and the model's leaner loss, attention and MLP,
    the adapter trains 2.4-2.5x the tokens per core-second of a plain fp32 loop on the AMD EPYC);
  * evaluates the held-out documents (Hugging Face's loss: positions 2..L) with a per-document standard error, under
    ``inference_mode`` in batches of the training batch's size (``--eval-batch-size``);
  * records which documents it validated on (``valid_document_ranges``) and each one's mean loss
    (``valid_document_losses``), for the paired floor (``pcfglab floor --documents``, the report's floor section);
  * appends one run record (JSON Lines: losses, per-step training losses, device, processor, dtype, threads (torch's,
    OpenBLAS's, OpenMP's), cells per process, malloc, BLAS, CPU and wall time, load, versions, settings) to the
    results file: one checked ``os.write`` of one line under ``fcntl.flock``,
    starting on a fresh line and cut back when short, so any number of processes may share the file and a torn line
    (a full disk) never swallows a record.

Choosing cells: ``--cell K`` (the line K of the plan, from 0), or ``--cell-from-env``, which strides over the plan:
with Slurm's ``SLURM_ARRAY_TASK_ID`` (stride ``SLURM_ARRAY_TASK_COUNT``; without it, the one cell) or torchrun's ``RANK`` and
``WORLD_SIZE`` (each rank trains cells RANK, RANK + WORLD_SIZE, ... on GPU ``LOCAL_RANK``; ranks do not talk to each
other). Cells that already have a record in the results file are skipped unless ``--force``.

``--dry-run`` checks the plan line and the dataset (with numpy from ``tokens.npy``, else with pyarrow when it is
installed, else from ``dataset.json`` and the shard files) and prints what it would train, without importing torch.

Exit codes: 0 done (or nothing to do), 1 training failed, 2 bad input, 3 a missing dependency or device.
Docs: docs/sweep.md.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import glob
import json
import math
import os
import random
import sys
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import token_data  # noqa: E402

EXIT_TRAINING_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_MISSING_DEPENDENCY = 3
REQUIRED_FIELDS = ("index", "cell_id", "dataset", "dataset_path", "D", "shape", "vocabulary", "N", "seed", "training")

# The one fallback place of the training settings. pcfglab writes every one of these keys into each plan line's
# "training" object (Sweeps/TrainingSettings), and the adapter reads them from there: these values are used only for
# a key a plan written by an older pcfglab lacks, and equal its defaults (the study's settings).
TRAINING_FALLBACKS = {"profile": "study", "context": 256, "batch_size": 32, "epochs": 1, "learning_rate": 5e-5,
                      "weight_decay": 0.0, "warmup_steps": 0, "schedule": "cosine", "validation_fraction": 0.01}


def training_settings(cell):
    """The cell's training settings as the plan says them, with ``TRAINING_FALLBACKS`` only for keys it lacks."""
    return {**TRAINING_FALLBACKS, **cell["training"]}


class UserError(Exception):
    """Bad input: the message says what is wrong and what to do."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


def parse_args(argv):
    p = argparse.ArgumentParser(description="Train one cell (or a stride of cells) of a PcfgLab sweep plan.")
    p.add_argument("--plan", required=True, help="plan.jsonl written by `pcfglab sweep plan`")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--cell", type=int, help="index of the cell (line number from 0)")
    which.add_argument("--cell-from-env", action="store_true",
                       help="stride over cells using SLURM_ARRAY_TASK_ID[/SLURM_ARRAY_TASK_COUNT] or torchrun's RANK/WORLD_SIZE")
    p.add_argument("--results", help="results file (JSON Lines) to append the run record to (required unless --dry-run)")
    p.add_argument("--device", default="cuda", help="cuda (default), cuda:N, mps or cpu; CPU training must be asked for")
    p.add_argument("--dtype", default="auto", choices=("auto", "float32", "bfloat16"),
                   help="autocast dtype: auto = bfloat16 on GPUs that support it and on CPUs with native bf16 (avx512_bf16 or AMX), else float32")
    p.add_argument("--max-valid-docs", type=int, default=2000,
                   help="cap on validation documents taken by the plan's validation_fraction (default 2000); a plan's validation_documents is not cut")
    p.add_argument("--model", default="builtin", choices=("builtin", "hf"),
                   help="builtin: tiny_llama.TinyLlama, plain PyTorch (default); hf: transformers.LlamaForCausalLM (same architecture and N)")
    p.add_argument("--threads", type=int, default=None, help="torch threads (torch.set_num_threads); default: torch's own")
    p.add_argument("--malloc", default="keep", choices=("keep", "default"),
                   help="keep (default): glibc's malloc keeps freed memory for the next step instead of returning it to the "
                        "system (a CPU step of a small model otherwise spent two thirds of its time faulting pages back in here); "
                        "default: glibc's own settings")
    p.add_argument("--eval-batch-size", type=int, default=None,
                   help="validation documents per batch (default: the training batch, whose memory the heap already holds; "
                        "larger batches measured slower on a CPU)")
    p.add_argument("--force", action="store_true", help="train even when the results file has a record for the cell")
    p.add_argument("--dry-run", action="store_true", help="check the plan line and the dataset without importing torch")
    return p.parse_args(argv)


def read_plan_lines(path):
    """The plan's lines as pcfglab reads them: UTF-8 with or without a BOM, lines split at '\\n', a '\\r' before it dropped."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        text = f.read()
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def load_plan(path):
    if not os.path.isfile(path):
        raise UserError(f"plan '{path}' does not exist: write it with `pcfglab sweep plan`")
    cells = []
    try:
        lines = read_plan_lines(path)
    except UnicodeDecodeError as e:
        raise UserError(f"plan '{path}' is not UTF-8 ({e}): rewrite it with `pcfglab sweep plan`")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cell = json.loads(line)
        except json.JSONDecodeError as e:
            raise UserError(f"{path}:{number}: not JSON ({e}): rewrite the plan with `pcfglab sweep plan`")
        if not isinstance(cell, dict):
            raise UserError(f"{path}:{number}: not a plan cell (a JSON object): rewrite the plan with `pcfglab sweep plan`")
        missing = [k for k in REQUIRED_FIELDS if k not in cell]
        if missing:
            raise UserError(f"{path}:{number}: the cell lacks {', '.join(missing)}: rewrite the plan with `pcfglab sweep plan`")
        shape = cell["shape"]
        if not isinstance(shape, dict):
            raise UserError(f"{path}:{number}: shape must be an object with hidden, intermediate, layers and heads")
        for key in ("hidden", "intermediate", "layers", "heads"):
            if not isinstance(shape.get(key), int) or isinstance(shape.get(key), bool) or shape[key] < 1:
                raise UserError(f"{path}:{number}: shape.{key} must be a positive integer")
        if shape["hidden"] % shape["heads"]:
            raise UserError(f"{path}:{number}: heads {shape['heads']} do not divide hidden {shape['hidden']}")
        if not isinstance(cell["D"], int) or cell["D"] < 1:
            raise UserError(f"{path}:{number}: D must be a positive integer")
        cells.append(cell)
    for i, cell in enumerate(cells):
        if cell["index"] != i:
            raise UserError(f"{path}: line {i + 1} has index {cell['index']}, expected {i}: rewrite the plan")
    return cells


def planned_parameters(cell):
    """Hugging Face's parameter count of the cell's Llama (untied embeddings): 2Vh + L(4h^2 + 3hi + 2h) + h, from the
    shape alone, so that a shape is checked before a model is built (tiny_llama.parameter_count is the same formula)."""
    shape = cell["shape"]
    v, h, i, layers = cell["vocabulary"], shape["hidden"], shape["intermediate"], shape["layers"]
    return 2 * v * h + layers * (4 * h * h + 3 * h * i + 2 * h) + h


# Bytes per parameter while training: fp32 weights, gradients and AdamW's two moments.
TRAINING_BYTES_PER_PARAMETER = 16


def check_parameters(cell, memory_bytes=None, memory_name="memory"):
    """Refuses a cell whose shape does not give the plan's N, or whose model could not be trained in memory_bytes,
    before anything is allocated (a tampered hidden of 10^9 would otherwise ask for tens of gigabytes first)."""
    if not isinstance(cell["vocabulary"], int) or isinstance(cell["vocabulary"], bool) or cell["vocabulary"] < 1:
        raise UserError(f"cell {cell['index']}: vocabulary must be a positive integer: rewrite the plan with `pcfglab sweep plan`")
    n = planned_parameters(cell)
    if n != cell["N"]:
        raise UserError(f"cell {cell['index']}: its shape gives N = {n} parameters but the plan says N = {cell['N']}: "
                        "the plan was edited or is damaged; rewrite it with `pcfglab sweep plan`")
    if memory_bytes is not None and n * TRAINING_BYTES_PER_PARAMETER > memory_bytes:
        raise UserError(f"cell {cell['index']}: N = {n} parameters need about {n * TRAINING_BYTES_PER_PARAMETER / 2**30:.1f} GiB to train "
                        f"({TRAINING_BYTES_PER_PARAMETER} bytes each), more than the {memory_bytes / 2**30:.1f} GiB of {memory_name}: "
                        "use a larger device or a smaller shape")
    return n


def device_memory(torch, device):
    """(bytes, name) of the memory the model will live in: the GPU's, or the machine's for the CPU; (None, None) if unknown."""
    try:
        if device.type == "cuda":
            return torch.cuda.get_device_properties(device).total_memory, f"GPU {device}"
        if device.type == "cpu":
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), "this machine's memory"
    except (AttributeError, ValueError, OSError, RuntimeError):
        pass
    return None, None


def select_cells(args, cells):
    if args.cell is not None:
        if not 0 <= args.cell < len(cells):
            raise UserError(f"cell {args.cell} is not in the plan, which has cells 0..{len(cells) - 1}")
        return [cells[args.cell]], None
    env = os.environ
    if "SLURM_ARRAY_TASK_ID" in env:
        start = int(env["SLURM_ARRAY_TASK_ID"]) - int(env.get("SLURM_ARRAY_TASK_MIN", "0"))
        # Without SLURM_ARRAY_TASK_COUNT (very old Slurm) each task trains just its own cell.
        stride = int(env["SLURM_ARRAY_TASK_COUNT"]) if "SLURM_ARRAY_TASK_COUNT" in env else max(1, len(cells))
        local_rank = None
    elif "RANK" in env and "WORLD_SIZE" in env:
        start, stride = int(env["RANK"]), int(env["WORLD_SIZE"])
        local_rank = int(env.get("LOCAL_RANK", "0"))
    else:
        raise UserError("--cell-from-env: neither SLURM_ARRAY_TASK_ID nor RANK/WORLD_SIZE is set; run under an sbatch --array or torchrun, or pass --cell K")
    if stride < 1 or start < 0:
        raise UserError(f"--cell-from-env: bad start {start} or stride {stride}")
    return cells[start::stride], local_rank


def plan_folder(plan_path):
    return os.path.dirname(os.path.abspath(plan_path))


def dataset_folder(cell, plan_path):
    path = cell["dataset_path"]
    return path if os.path.isabs(path) else os.path.normpath(os.path.join(plan_folder(plan_path), path))


def shard_files(folder, cell):
    if not os.path.isdir(folder):
        raise UserError(f"dataset '{cell['dataset']}' is not at {folder}: generate it with `pcfglab generate` or fix dataset_path in the plan")
    manifest = os.path.join(folder, "dataset.json")
    if not os.path.isfile(manifest):
        raise UserError(f"dataset folder {folder} has no dataset.json: it was not written by `pcfglab generate`")
    shards = sorted(glob.glob(os.path.join(folder, "train-*.parquet")))
    if not shards:
        raise UserError(f"dataset folder {folder} has no train-*.parquet shard")
    with open(manifest, encoding="utf-8") as f:
        return shards, json.load(f)


def validation_range(documents, cell, max_valid_docs):
    """(first, stop): the dataset document indices first..stop-1 held out for validation, the last documents.

    The plan's ``validation_documents`` (a count) wins when it is set: it is an explicit choice, such as the ~1000
    documents a paired floor needs, and ``--max-valid-docs`` does not cut it. Otherwise ``validation_fraction`` of the
    documents (at least 1), at most ``max_valid_docs``. Always fewer than all of them: something must be left to train.
    """
    settings = training_settings(cell)
    wanted = settings.get("validation_documents")
    if wanted is not None:
        if not isinstance(wanted, int) or isinstance(wanted, bool) or wanted < 1:
            raise UserError(f"cell {cell['index']}: validation_documents must be a positive integer, got {wanted!r}: rewrite the plan with `pcfglab sweep plan`")
        n_valid = min(wanted, documents - 1)
    else:
        fraction = settings["validation_fraction"]
        n_valid = min(max(1, int(documents * fraction)), max_valid_docs, documents - 1)
    if n_valid < 1:
        raise UserError(f"dataset '{cell['dataset']}' has {documents} document(s): too few to hold out validation")
    return documents - n_valid, documents


def split(starts, ends, cell, max_valid_docs):
    """Validation = the last documents (``validation_range``); training = the first D tokens of the rest (the last
    document cut).

    ``starts``/``ends`` give each document's token range in the flat token array. Returns two lists of (start, end).
    """
    documents = len(starts)
    first, stop = validation_range(documents, cell, max_valid_docs)
    n_valid = stop - first
    valid = [(int(starts[i]), int(ends[i])) for i in range(first, stop)]
    train, tokens = [], 0
    for i in range(documents - n_valid):
        if tokens >= cell["D"]:
            break
        start, end = int(starts[i]), int(ends[i])
        end = min(end, start + cell["D"] - tokens)
        train.append((start, end))
        tokens += end - start
    if tokens < cell["D"]:
        raise UserError(f"dataset '{cell['dataset']}' has {tokens} training tokens, fewer than D = {cell['D']}: generate more tokens")
    return train, valid


def dry_run(cell, plan_path, max_valid_docs=2000):
    check_parameters(cell)
    folder = dataset_folder(cell, plan_path)
    shards, manifest = shard_files(folder, cell)
    if token_data.has_npy(folder):
        # hashlib alone: a stale export is refused even where numpy is missing.
        try:
            token_data.check_export(folder)
        except token_data.DataError as e:
            raise UserError(str(e))
    report = {"cell": cell["index"], "cell_id": cell["cell_id"], "dataset": folder, "shards": len(shards),
              "N": cell["N"], "D": cell["D"], "shape": cell["shape"], "checked_with": "dataset.json"}
    try:
        import pyarrow.parquet as pq
    except ImportError:
        pq = None
    if token_data.has_npy(folder) and importlib.util.find_spec("numpy") is not None:
        # numpy alone: the largest id and the token count from the memory-mapped matrix (checked against dataset.json).
        try:
            values, starts, ends, _ = token_data.read_documents(folder)
        except token_data.DataError as e:
            raise UserError(str(e))
        tokens = int((ends - starts).sum())
        max_id = int(values.max()) if len(values) else -1
        if max_id >= cell["vocabulary"]:
            raise UserError(f"dataset '{cell['dataset']}' has token id {max_id}, outside the model's vocabulary {cell['vocabulary']}")
        first, _ = validation_range(len(starts), cell, max_valid_docs)
        available = int((ends[:first] - starts[:first]).sum())
        if cell["D"] > available:
            raise UserError(f"dataset '{cell['dataset']}' has about {int(available)} training tokens, fewer than D = {cell['D']}")
        report.update(checked_with="numpy (tokens.npy)", documents=len(starts), tokens=tokens, max_token_id=max_id)
    elif pq is not None:
        rows, tokens, max_id = 0, 0, -1
        import pyarrow.compute as pc
        for shard in shards:
            column = pq.read_table(shard, columns=["input_ids"]).column("input_ids")
            flat = pc.list_flatten(column)
            rows += len(column)
            tokens += len(flat)
            if len(flat):
                max_id = max(max_id, pc.max(flat).as_py())
        if max_id >= cell["vocabulary"]:
            raise UserError(f"dataset '{cell['dataset']}' has token id {max_id}, outside the model's vocabulary {cell['vocabulary']}")
        first, _ = validation_range(rows, cell, max_valid_docs) if rows > 1 else (0, 0)
        available = tokens * first / max(rows, 1)
        if cell["D"] > available:
            raise UserError(f"dataset '{cell['dataset']}' has about {int(available)} training tokens, fewer than D = {cell['D']}")
        report.update(checked_with="pyarrow", documents=rows, tokens=tokens, max_token_id=max_id)
    print(json.dumps(report))


def already_done(results, cell_id):
    """Whether the results file holds a record of the cell; a torn or damaged line is skipped with a warning naming it."""
    if not results or not os.path.isfile(results):
        return False
    found = False
    with open(results, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                print(f"warning: {results}:{number}: skipped, not a run record (a torn or damaged line: {e})", file=sys.stderr)
                continue
            if isinstance(record, dict) and record.get("cell_id") == cell_id:
                found = True
    return found


def append_record(results, record):
    """Appends the record as one line, whole or not at all, while holding an exclusive flock (concurrent writers never
    interleave; pcfglab's C# writer takes the same lock).

    The line starts on a fresh line: when the file ends in a torn line (a writer killed, or a full disk), a newline goes
    first, so the torn line cannot swallow this record. It is one os.write, checked: a short or failed write is cut
    back (ftruncate to the old length) and raises OSError."""
    import fcntl
    folder = os.path.dirname(os.path.abspath(results))
    os.makedirs(folder, exist_ok=True)
    data = (json.dumps(record) + "\n").encode("utf-8")
    fd = os.open(results, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        length = os.fstat(fd).st_size
        if length > 0 and os.pread(fd, 1, length - 1) != b"\n":
            data = b"\n" + data
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(f"wrote {written} of {len(data)} bytes (is the disk full?)")
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, length)
            raise
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


CLAIM_ENVIRONMENT = "PCFGLAB_CELL_CLAIM"


def claim_file_name(cell_id):
    """The cell's lock file name, as pcfglab's CellClaim makes it: the id's safe characters (at most 64 UTF-16 units)
    and the first 16 hex digits of the SHA-256 of its UTF-8 bytes."""
    import hashlib
    readable = []
    for c in cell_id:
        safe = (c.isascii() and c.isalnum()) or c in "._-"
        for _ in range(2 if ord(c) > 0xFFFF else 1):  # one character per UTF-16 unit, as C# counts them
            if len(readable) == 64:
                break
            readable.append(c if safe else "_")
    return f"{''.join(readable)}-{hashlib.sha256(cell_id.encode('utf-8')).hexdigest()[:16]}.lock"


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class CellClaim:
    """One trainer per cell: an exclusive flock on RESULTS.claims/NAME.lock, the file `pcfglab sweep train` locks too.

    Under `sweep train` the claim is already held for this process (the environment names its lock file, and this
    process holds the lock through an inherited descriptor), so it is not taken a second time. Run directly (Slurm
    arrays, torchrun, by hand), the adapter takes it itself: a requeued or twice-submitted cell is not trained twice."""

    def __init__(self, fd, owner_path):
        self.fd, self.owner_path = fd, owner_path

    @staticmethod
    def acquire(results, cell_id):
        """(claim, None), or (None, holder) when another process holds the cell."""
        import fcntl
        import socket
        folder = os.path.abspath(results) + ".claims"
        path = os.path.join(folder, claim_file_name(cell_id))
        inherited = os.environ.get(CLAIM_ENVIRONMENT)
        if inherited and (inherited == path or same_file(inherited, path)):
            return CellClaim(None, None), None
        os.makedirs(folder, exist_ok=True)
        if os.path.islink(path):
            raise UserError(f"{path} is a symbolic link: refusing to lock it")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        owner_path = path + ".owner"
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            try:
                with open(owner_path, encoding="utf-8", errors="replace") as f:
                    holder = " ".join(f.read().split()) or "another process"
            except OSError:
                holder = "another process"
            return None, holder
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
        temporary = f"{owner_path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(f"train_cell.py, process {os.getpid()} on {socket.gethostname()}, cell {cell_id}, since {since}\n")
        os.replace(temporary, owner_path)
        return CellClaim(fd, owner_path), None

    def release(self):
        if self.fd is None:
            return
        try:
            os.unlink(self.owner_path)  # while still locked, so the next holder's description is never the one deleted
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None


PARENT_POLL_SECONDS = 0.5


def die_with_parent(poll_seconds=PARENT_POLL_SECONDS):
    """Ends this process (SIGTERM to itself) soon after its parent dies, so a trainer never outlives a killed
    `pcfglab sweep train` (kill -9, SIGHUP) and a rerun never meets it training the same cell.

    A daemon thread watches os.getppid(): when the parent dies the process is re-parented and the id changes. Linux's
    prctl(PR_SET_PDEATHSIG) is not used: it fires when the parent *thread* that started this process exits, and .NET
    starts processes from thread-pool threads that retire when idle, so it would kill healthy trainers mid-run. Not
    watched: a process whose parent is already init (or none) at start, and one started with SIGHUP ignored (nohup):
    both were asked to outlive their parent."""
    import signal
    import threading
    parent = os.getppid()
    if parent <= 1 or signal.getsignal(signal.SIGHUP) == signal.SIG_IGN:
        return None

    def watch():
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                try:
                    print(f"train_cell.py: the parent process {parent} died: stopping (pid {os.getpid()})", file=sys.stderr, flush=True)
                except (OSError, ValueError):
                    pass  # stderr was a pipe to the dead parent (EPIPE): nothing can be said, the process still ends
                os.kill(os.getpid(), signal.SIGTERM)
                return
    thread = threading.Thread(target=watch, name="die-with-parent", daemon=True)
    thread.start()
    return thread


def import_torch(model_kind):
    try:
        import numpy  # noqa: F401
        import torch
    except ImportError as e:
        raise UserError(f"{e.name} is not installed: on Debian `apt-get install python3-torch python3-numpy` and run with /usr/bin/python3 "
                        "(or check inputs with --dry-run, which needs neither)", EXIT_MISSING_DEPENDENCY)
    transformers = None
    if model_kind == "hf":
        try:
            import transformers
        except ImportError:
            raise UserError("--model hf needs transformers, which is not installed: use --model builtin (the same architecture in plain PyTorch)",
                            EXIT_MISSING_DEPENDENCY)
    return torch, transformers


def pick_device(torch, requested, local_rank):
    if requested == "cpu":
        return torch.device("cpu"), f"cpu ({cpu_model()})"
    if requested == "mps":
        if not torch.backends.mps.is_available():
            raise UserError("MPS is not available on this machine: pass --device cpu to train on the CPU", EXIT_MISSING_DEPENDENCY)
        return torch.device("mps"), "mps"
    if not torch.cuda.is_available():
        raise UserError("no CUDA GPU is visible (torch.cuda.is_available() is False): pass --device cpu to train on the CPU (slow)",
                        EXIT_MISSING_DEPENDENCY)
    device = torch.device(requested if ":" in requested else f"cuda:{local_rank or 0}")
    return device, torch.cuda.get_device_name(device)


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or "unknown"


def blas_library():
    """The BLAS this process loaded (Debian's torch uses whatever libblas.so.3 the system selects)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        if paths:
            return ", ".join(sorted(os.path.realpath(p) for p in paths))
    except OSError:
        pass
    return "unknown"


# glibc's mallopt parameters (malloc.h).
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_MAX = -1, -2, -4


def keep_freed_memory():
    """Asks glibc's malloc to keep freed memory for reuse: no mmap'd chunks (each would be unmapped when freed) and no
    trimming of the heap below 1 GiB of free space. A training step allocates the same large tensors (the
    batch x length x vocabulary logits and their gradients: 16 MB for the study's small profile) every step; by default
    glibc hands them back to the system when freed and the next step faults every page in again, which on the virtual
    machines measured (bench/torch/train_speed.py) cost about two thirds of a CPU step. Returns what was set, or None
    where the C library is not glibc (nothing changes there)."""
    import ctypes
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    if not (mallopt(M_MMAP_MAX, 0) and mallopt(M_TRIM_THRESHOLD, 1 << 30) and mallopt(M_TOP_PAD, 64 << 20)):
        return None
    return "glibc: no mmap, trim above 1 GiB, top pad 64 MiB"


CPU_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_has_bf16(cpuinfo="/proc/cpuinfo"):
    """Whether the CPU multiplies bfloat16 natively (avx512_bf16 or AMX): there bf16 autocast pays (bench/torch/README.md:
    h128 on an AMD EPYC took 9.94 core-seconds in bf16 against 16.61 in fp32); elsewhere it is emulated and does not."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = line.split(":", 1)[-1].split()
                    return any(flag in flags for flag in CPU_BF16_FLAGS)
    except OSError:
        pass
    return False


def pick_dtype(torch, device, requested, cpu_bf16=None):
    """The autocast dtype: bfloat16 when asked (CPU or GPU), or by 'auto' on a GPU that supports it or a CPU with native
    bf16 (``cpu_has_bf16``); else float32."""
    if requested == "bfloat16":
        if device.type == "cuda" and not torch.cuda.is_bf16_supported():
            raise UserError("this GPU does not support bfloat16: pass --dtype float32", EXIT_MISSING_DEPENDENCY)
        return "bfloat16"
    if requested == "auto" and device.type == "cuda" and torch.cuda.is_bf16_supported():
        return "bfloat16"
    if requested == "auto" and device.type == "cpu" and (cpu_has_bf16() if cpu_bf16 is None else cpu_bf16):
        return "bfloat16"
    return "float32"


def build_model(cell, model_kind, context, torch, transformers):
    shape = cell["shape"]
    if model_kind == "hf":
        config = transformers.LlamaConfig(
            vocab_size=cell["vocabulary"], hidden_size=shape["hidden"], intermediate_size=shape["intermediate"],
            num_hidden_layers=shape["layers"], num_attention_heads=shape["heads"], num_key_value_heads=shape["heads"],
            max_position_embeddings=context, tie_word_embeddings=False)
        hf = transformers.LlamaForCausalLM(config)

        def forward(ids, labels):
            out = hf(input_ids=ids, labels=labels)
            return out.logits, out.loss
        return hf, forward
    from tiny_llama import TinyLlama
    model = TinyLlama(cell["vocabulary"], shape["hidden"], shape["intermediate"], shape["layers"], shape["heads"])
    return model, model


def batches(values, ranges, batch_size, context, torch, device):
    """Batches of documents (token ranges of values), right-padded to the longest (at most the context); padded labels are -100."""
    import numpy as np
    for first in range(0, len(ranges), batch_size):
        chunk = ranges[first:first + batch_size]
        width = min(context, max(end - start for start, end in chunk))
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        labels = np.full((len(chunk), width), -100, dtype=np.int64)
        for row, (start, end) in enumerate(chunk):
            length = min(end - start, width)
            ids[row, :length] = values[start:start + length]
            labels[row, :length] = ids[row, :length]
        yield torch.from_numpy(ids).to(device), torch.from_numpy(labels).to(device)


def evaluate(forward, labelled_batches, autocast, torch):
    """(summed loss, predicted tokens, each document's mean loss or None) of the batches: Hugging Face's loss, positions 2..L
    of each document, under inference_mode. The labels are shifted (position t predicts token t + 1; the last position
    predicts nothing), not the logits, so the batch x length x vocabulary logits are not copied."""
    total, count, per_document = 0.0, 0, []
    with torch.inference_mode():
        for ids, labels in labelled_batches:
            with autocast():
                logits, _ = forward(ids, None)
            shifted = torch.nn.functional.pad(labels[:, 1:], (0, 1), value=-100)
            token_loss = torch.nn.functional.cross_entropy(
                logits.float().reshape(-1, logits.shape[-1]), shifted.reshape(-1), ignore_index=-100,
                reduction="none").view(shifted.shape)
            predicted = shifted != -100
            sums, counts = (token_loss * predicted).sum(1), predicted.sum(1)
            # One entry per document, in order (None where a one-token document predicts nothing), so that entry i
            # belongs to the i-th validation document: the paired floor matches them by index.
            for s, c in zip(sums.tolist(), counts.tolist()):
                per_document.append(s / c if c else None)
            total += float(sums.sum())
            count += int(counts.sum())
    return total, count, per_document


def train(cell, args, local_rank):
    # The shape is checked against N before torch is imported, and against the device's memory before the model is built.
    check_parameters(cell)
    if args.eval_batch_size is not None and args.eval_batch_size < 1:
        raise UserError(f"--eval-batch-size {args.eval_batch_size}: give at least 1 document per validation batch")
    if args.threads:
        # OpenBLAS and OpenMP start their own thread pools when torch is imported: cap them too, or "one thread"
        # cells still use every core and several cells at once fight over them.
        for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(variable, str(args.threads))
    malloc = keep_freed_memory() if args.malloc == "keep" and args.device == "cpu" else None
    torch, transformers = import_torch(args.model)
    if args.threads:
        torch.set_num_threads(args.threads)
    device, device_name = pick_device(torch, args.device, local_rank)
    check_parameters(cell, *device_memory(torch, device))
    dtype = pick_dtype(torch, device, args.dtype)
    folder = dataset_folder(cell, args.plan)
    shard_files(folder, cell)
    try:
        values, starts, ends, source = token_data.read_documents(folder)
    except token_data.ExportMismatch as e:
        raise UserError(str(e))
    except token_data.DataError as e:
        raise UserError(str(e), EXIT_MISSING_DEPENDENCY)
    train_docs, valid_docs = split(starts, ends, cell, args.max_valid_docs)
    valid_first, valid_stop = validation_range(len(starts), cell, args.max_valid_docs)
    settings, shape = training_settings(cell), cell["shape"]
    context, batch_size = settings["context"], settings["batch_size"]
    max_id = max(int(values[s:e].max()) for s, e in train_docs + valid_docs if e > s)
    if max_id >= cell["vocabulary"]:
        raise UserError(f"token id {max_id} is outside the vocabulary {cell['vocabulary']}: plan with a larger --vocabulary")

    random.seed(cell["seed"])
    torch.manual_seed(cell["seed"])
    model, forward = build_model(cell, args.model, context, torch, transformers)
    model.to(device)
    n_params = sum(p.numel() for p in model.parameters())
    if n_params != cell["N"]:
        raise UserError(f"the model has {n_params} parameters but the plan says N = {cell['N']}: the plan and the model disagree")

    epochs = settings["epochs"]
    steps = epochs * math.ceil(len(train_docs) / batch_size)
    learning_rate = settings["learning_rate"]
    weight_decay = settings["weight_decay"]
    warmup = settings["warmup_steps"]
    # torch's AdamW defaults to weight decay 0.01; the plan's value (0 unless it says otherwise) is passed explicitly.
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay)
    from tiny_llama import constant_with_warmup, cosine_with_warmup
    schedule = settings["schedule"]
    factor = cosine_with_warmup(warmup, steps) if schedule == "cosine" else constant_with_warmup(warmup)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    # No autocast context at all in float32: entering a disabled one every step is pure overhead.
    autocast = (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) if dtype == "bfloat16" else contextlib.nullcontext

    order = random.Random(cell["seed"])
    losses = []
    load_before = os.getloadavg()
    began, cpu_began = time.time(), time.process_time()
    model.train()
    for _ in range(epochs):
        docs = list(train_docs)
        order.shuffle(docs)
        for ids, labels in batches(values, docs, batch_size, context, torch, device):
            with autocast():
                _, loss = forward(ids, labels)
            loss.backward()
            # The Hugging Face Trainer's default (max_grad_norm = 1.0).
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            value = loss.item()
            if not math.isfinite(value):
                raise RuntimeError(f"training loss became {value} at step {len(losses)}")
            losses.append(round(value, 6))
    train_seconds = time.time() - began
    train_cpu_seconds = time.process_time() - cpu_began

    model.eval()
    eval_began = time.process_time()
    eval_batch = args.eval_batch_size or batch_size
    total, count, per_document = evaluate(forward, batches(values, valid_docs, eval_batch, context, torch, device),
                                          autocast, torch)
    wall = time.time() - began
    cpu = time.process_time() - cpu_began
    eval_cpu_seconds = time.process_time() - eval_began
    tail = losses[-10:]
    valid_loss = total / max(count, 1)
    scored = [x for x in per_document if x is not None]
    if len(scored) > 1:
        mean = sum(scored) / len(scored)
        se = math.sqrt(sum((x - mean) ** 2 for x in scored) / (len(scored) - 1) / len(scored))
    else:
        se = None
    import numpy
    return {
        "cell_id": cell["cell_id"], "cell_index": cell["index"], "dataset": cell["dataset"], "H": cell.get("H"),
        "N": n_params, "D": cell["D"], "final_train_loss": round(sum(tail) / len(tail), 6),
        "final_valid_loss": round(valid_loss, 6), "valid_loss_stderr": round(se, 6) if se is not None else None,
        "valid_documents": len(valid_docs), "valid_tokens": count,
        # Which of the dataset's documents were evaluated ([first, stop) ranges of document indices, the rows of
        # tokens.npy or of the Parquet shards in order) and each one's mean loss, in that order: the floor is measured
        # on exactly these documents and the run's excess over it is a paired difference with its own standard error.
        "valid_document_ranges": [[valid_first, valid_stop]],
        "valid_document_losses": [round(x, 6) if x is not None else None for x in per_document],
        "train_losses": losses, "steps": len(losses), "tokens_per_step": batch_size * context,
        "wall_seconds": round(wall, 3), "train_seconds": round(train_seconds, 3),
        "train_cpu_seconds": round(train_cpu_seconds, 3), "cpu_seconds": round(cpu, 3),
        "tokens_per_second": round(cell["D"] * epochs / train_seconds, 1) if train_seconds > 0 else None,
        "eval_cpu_seconds": round(eval_cpu_seconds, 3), "eval_batch_size": eval_batch,
        "load_average": [round(x, 2) for x in load_before], "threads": torch.get_num_threads(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"), "omp_threads": os.environ.get("OMP_NUM_THREADS"),
        "cells_per_process": 1, "processor": cpu_model(), "malloc": malloc,
        "device": device_name, "dtype": dtype, "blas": blas_library() if device.type == "cpu" else None,
        "model": "transformers.LlamaForCausalLM" if args.model == "hf" else "tiny_llama.TinyLlama",
        "torch_version": torch.__version__, "numpy_version": numpy.__version__,
        "transformers_version": transformers.__version__ if transformers is not None else None,
        "python_version": sys.version.split()[0], "data_source": source,
        "profile": settings["profile"], "learning_rate": learning_rate, "weight_decay": weight_decay,
        "warmup_steps": warmup, "schedule": schedule, "batch_size": batch_size,
        "seed": cell["seed"], "shape": shape, "trainer": f"train_cell.py ({args.model}, {dtype})",
        "finished_at": datetime.now(timezone.utc).isoformat(),
    }


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    try:
        cells = load_plan(args.plan)
        selected, local_rank = select_cells(args, cells)
        if args.dry_run:
            for cell in selected:
                dry_run(cell, args.plan, args.max_valid_docs)
            return 0
        if not args.results:
            raise UserError("--results is required to train (where the run record goes)")
        die_with_parent()
        for cell in selected:
            if not args.force and already_done(args.results, cell["cell_id"]):
                print(f"cell {cell['index']} {cell['cell_id']}: already has a record, skipped", file=sys.stderr)
                continue
            claim, holder = CellClaim.acquire(args.results, cell["cell_id"])
            if claim is None:
                print(f"cell {cell['index']} {cell['cell_id']}: skipped, another trainer has it ({holder})", file=sys.stderr)
                continue
            try:
                # Checked again under the claim: another trainer may have recorded the cell meanwhile.
                if not args.force and already_done(args.results, cell["cell_id"]):
                    print(f"cell {cell['index']} {cell['cell_id']}: recorded meanwhile by another trainer, skipped", file=sys.stderr)
                    continue
                print(f"cell {cell['index']} {cell['cell_id']}: training N={cell['N']} D={cell['D']}", file=sys.stderr)
                record = train(cell, args, local_rank)
                try:
                    append_record(args.results, record)
                except OSError as e:
                    raise UserError(f"could not append the record of cell {cell['index']} to {args.results}: {e}; "
                                    "the file is as it was: free space and train the cell again", EXIT_TRAINING_FAILED)
            finally:
                claim.release()
            print(f"cell {cell['index']}: final_valid_loss {record['final_valid_loss']} in {record['wall_seconds']} s", file=sys.stderr)
        return 0
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.code


if __name__ == "__main__":
    sys.exit(main())
