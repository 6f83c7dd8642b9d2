"""Tests of train_cell.py's training and validation with real PyTorch (Debian's python3-torch and python3-numpy)."""

import hashlib
import json
import os
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import train_cell  # noqa: E402
from tiny_llama import TinyLlama, parameter_count  # noqa: E402

VOCABULARY, CONTEXT = 20, 16


def write_dataset(folder, documents=40, lengths=None):
    """A dataset folder as `pcfglab generate --npy` writes it: tokens.npy recorded in dataset.json with its SHA-256
    (and document_lengths.npy when ``lengths`` gives each row's length)."""
    rng = np.random.default_rng(0)
    matrix = rng.integers(0, VOCABULARY, size=(documents, CONTEXT), dtype=np.uint16)
    np.save(os.path.join(folder, "tokens.npy"), matrix)
    with open(os.path.join(folder, "tokens.npy"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    entry = {"format": "npy", "file": "tokens.npy", "sha256": sha}
    if lengths is not None:
        np.save(os.path.join(folder, "document_lengths.npy"), np.asarray(lengths, dtype=np.int32))
        entry["lengthsFile"] = "document_lengths.npy"
    with open(os.path.join(folder, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump({"exports": [entry]}, f)
    open(os.path.join(folder, "train-00000-of-00001.parquet"), "wb").close()


def plan(folder, tokens=200):
    shape = {"hidden": 8, "intermediate": 16, "layers": 1, "heads": 2}
    cell = {"index": 0, "cell_id": "c0", "dataset": "d", "dataset_path": folder, "D": tokens, "shape": shape,
            "vocabulary": VOCABULARY, "N": parameter_count(VOCABULARY, 8, 16, 1), "seed": 0,
            "training": {"batch_size": 4, "context": CONTEXT, "validation_fraction": 0.25, "learning_rate": 1e-2, "warmup_steps": 2}}
    path = os.path.join(folder, "plan.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(cell) + "\n")
    return cell, path


class TrainTests(unittest.TestCase):
    def train(self, *extra):
        with tempfile.TemporaryDirectory() as folder, mock.patch.dict(os.environ):
            write_dataset(folder)
            cell, path = plan(folder)
            args = train_cell.parse_args(["--plan", path, "--cell", "0", "--results", os.path.join(folder, "r.jsonl"),
                                          "--device", "cpu", "--threads", "1", "--force", *extra])
            return train_cell.train(cell, args, None)

    def test_the_record_says_how_the_run_was_made(self):
        record = self.train()
        self.assertEqual(1, record["cells_per_process"])
        self.assertEqual(train_cell.cpu_model(), record["processor"])
        # --dtype auto: bf16 where the CPU multiplies it natively (PickDtypeTests), float32 elsewhere.
        self.assertEqual("bfloat16" if train_cell.cpu_has_bf16() else "float32", record["dtype"])
        self.assertEqual(1, record["threads"])
        self.assertEqual("1", record["blas_threads"])
        self.assertEqual("1", record["omp_threads"])
        self.assertEqual("glibc: no mmap, trim above 1 GiB, top pad 64 MiB", record["malloc"])
        self.assertGreaterEqual(record["eval_cpu_seconds"], 0)
        self.assertEqual(4, record["eval_batch_size"])  # the plan's training batch
        self.assertEqual(10, record["valid_documents"])
        self.assertEqual(10 * (CONTEXT - 1), record["valid_tokens"])
        self.assertEqual([[30, 40]], record["valid_document_ranges"])
        self.assertEqual(10, len(record["valid_document_losses"]))

    def test_the_record_names_the_documents_it_evaluated_and_each_ones_loss(self):
        # Rows of different lengths: the recorded losses, weighted by each recorded document's predicted positions,
        # give the validation loss only if entry i belongs to the document the range names at i.
        lengths = [2 + (7 * i) % (CONTEXT - 1) for i in range(40)]
        with tempfile.TemporaryDirectory() as folder, mock.patch.dict(os.environ):
            write_dataset(folder, lengths=lengths)
            cell, path = plan(folder)
            cell["training"]["validation_documents"] = 13
            args = train_cell.parse_args(["--plan", path, "--cell", "0", "--results", os.path.join(folder, "r.jsonl"),
                                          "--device", "cpu", "--threads", "1", "--force", "--max-valid-docs", "5"])
            record = train_cell.train(cell, args, None)
        self.assertEqual([[27, 40]], record["valid_document_ranges"])  # the last 13, not cut by --max-valid-docs 5
        self.assertEqual(13, record["valid_documents"])
        losses = record["valid_document_losses"]
        self.assertEqual(13, len(losses))
        weights = [lengths[i] - 1 for i in range(27, 40)]
        self.assertEqual(sum(weights), record["valid_tokens"])
        weighted = sum(w * x for w, x in zip(weights, losses)) / sum(weights)
        self.assertAlmostEqual(record["final_valid_loss"], weighted, places=5)
        shifted = [lengths[i] - 1 for i in range(26, 39)]  # the documents one earlier: another weighting
        self.assertNotAlmostEqual(weighted, sum(w * x for w, x in zip(shifted, losses)) / sum(shifted), places=4)
        mean = sum(losses) / 13
        se = (sum((x - mean) ** 2 for x in losses) / 12 / 13) ** 0.5
        self.assertAlmostEqual(record["valid_loss_stderr"], se, places=5)

    def test_malloc_default_leaves_glibc_alone_and_trains_the_same(self):
        kept, default = self.train(), self.train("--malloc", "default")
        self.assertIsNone(default["malloc"])
        self.assertEqual(kept["train_losses"], default["train_losses"])
        self.assertEqual(kept["final_valid_loss"], default["final_valid_loss"])

    def test_the_validation_batch_size_does_not_change_the_validation_loss(self):
        one, many = self.train("--eval-batch-size", "1"), self.train("--eval-batch-size", "7")
        self.assertAlmostEqual(one["final_valid_loss"], many["final_valid_loss"], places=5)
        self.assertAlmostEqual(one["valid_loss_stderr"], many["valid_loss_stderr"], places=5)


class EvaluateTests(unittest.TestCase):
    def test_the_loss_is_hugging_faces_per_document_with_padding_ignored(self):
        torch.manual_seed(5)
        model = TinyLlama(VOCABULARY, 8, 16, 1, 2).eval()
        ids = torch.randint(0, VOCABULARY, (3, 10))
        labels = ids.clone()
        labels[2, 6:] = -100  # a shorter document, right-padded
        total, count, per_document = train_cell.evaluate(model, [(ids, labels)], train_cell.contextlib.nullcontext, torch)
        with torch.no_grad():
            logits, _ = model(ids)
            # Hugging Face's loss by hand: the logits of positions 1..L-1 against the labels of positions 2..L.
            expected = [torch.nn.functional.cross_entropy(logits[row, :-1], labels[row, 1:], ignore_index=-100).item()
                        for row in range(3)]
        self.assertEqual(9 + 9 + 5, count)
        for e, a in zip(expected, per_document):
            self.assertAlmostEqual(e, a, places=5)
        self.assertAlmostEqual((9 * expected[0] + 9 * expected[1] + 5 * expected[2]), total, places=4)


if __name__ == "__main__":
    unittest.main()
