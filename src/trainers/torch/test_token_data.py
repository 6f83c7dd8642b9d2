"""Tests of token_data.py (numpy needed: Debian's python3-numpy for /usr/bin/python3)."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import token_data  # noqa: E402


def save_export(folder, matrix, lengths=None, record=True):
    """Writes tokens.npy (and document_lengths.npy) and, with record, a dataset.json recording them as pcfglab does."""
    import json
    np.save(os.path.join(folder, token_data.TOKENS_FILE), matrix)
    if lengths is not None:
        np.save(os.path.join(folder, token_data.LENGTHS_FILE), lengths)
    exports = []
    if record:
        exports.append({"format": "npy", "file": token_data.TOKENS_FILE, "documents": len(matrix),
                        "lengthsFile": token_data.LENGTHS_FILE if lengths is not None else None,
                        "sha256": token_data.sha256_of(os.path.join(folder, token_data.TOKENS_FILE))})
    with open(os.path.join(folder, "dataset.json"), "w", encoding="utf-8") as f:
        json.dump({"name": "d", "exports": exports}, f)


class NpyTests(unittest.TestCase):
    def test_a_full_matrix_gives_rows_as_consecutive_ranges(self):
        with tempfile.TemporaryDirectory() as folder:
            save_export(folder, np.arange(12, dtype=np.uint16).reshape(3, 4))
            values, starts, ends, source = token_data.read_documents(folder)
            self.assertEqual("npy", source)
            self.assertEqual([0, 4, 8], list(starts))
            self.assertEqual([4, 8, 12], list(ends))
            self.assertEqual([4, 5, 6, 7], list(values[starts[1]:ends[1]]))

    def test_lengths_cut_the_padding_off(self):
        with tempfile.TemporaryDirectory() as folder:
            matrix = np.array([[5, 6, 0], [7, 8, 9]], dtype=np.uint16)
            save_export(folder, matrix, np.array([2, 3], dtype=np.int32))
            values, starts, ends, _ = token_data.read_documents(folder)
            self.assertEqual([[5, 6], [7, 8, 9]], [list(values[s:e]) for s, e in zip(starts, ends)])

    def test_lengths_longer_than_the_rows_are_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            save_export(folder, np.zeros((2, 3), dtype=np.uint16), np.array([2, 4], dtype=np.int32))
            with self.assertRaises(token_data.DataError):
                token_data.read_documents(folder)

    def test_a_vector_is_not_a_token_matrix(self):
        with tempfile.TemporaryDirectory() as folder:
            save_export(folder, np.zeros(5, dtype=np.uint16))
            with self.assertRaises(token_data.DataError):
                token_data.read_documents(folder)

    def test_an_export_dataset_json_does_not_record_is_refused(self):
        # What `generate --force` over an --npy dataset used to leave: the new manifest says "exports": [].
        with tempfile.TemporaryDirectory() as folder:
            save_export(folder, np.arange(12, dtype=np.uint16).reshape(3, 4), record=False)
            with self.assertRaises(token_data.ExportMismatch) as caught:
                token_data.read_documents(folder)
            self.assertIn("tokens.npy is not recorded in", str(caught.exception))
            self.assertIn(f"pcfglab export {folder} --format npy", str(caught.exception))

    def test_an_export_whose_hash_differs_from_the_recorded_one_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            save_export(folder, np.arange(12, dtype=np.uint16).reshape(3, 4))
            np.save(os.path.join(folder, token_data.TOKENS_FILE), np.arange(12, dtype=np.uint16).reshape(3, 4) % 5)
            with self.assertRaises(token_data.ExportMismatch) as caught:
                token_data.read_documents(folder)
            self.assertIn("not the", str(caught.exception))
            self.assertIn("dataset.json records", str(caught.exception))

    def test_a_lengths_file_the_export_does_not_record_is_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            save_export(folder, np.arange(12, dtype=np.uint16).reshape(3, 4))
            np.save(os.path.join(folder, token_data.LENGTHS_FILE), np.array([1, 2, 3], dtype=np.int32))
            with self.assertRaises(token_data.ExportMismatch) as caught:
                token_data.read_documents(folder)
            self.assertIn("document_lengths.npy is there but not recorded", str(caught.exception))

    @unittest.skipIf(__import__("importlib").util.find_spec("pyarrow"), "pyarrow is installed here: Parquet is readable")
    def test_without_npy_or_pyarrow_the_error_names_pcfglab_export(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaises(token_data.DataError) as caught:
                token_data.read_documents(folder)
            self.assertIn("pcfglab export", str(caught.exception))


class DryRunTests(unittest.TestCase):
    """train_cell.py --dry-run checks the largest id and the token count with numpy alone when tokens.npy exists."""

    def run_dry(self, vocabulary, tokens, record=True):
        import contextlib
        import io
        import json
        import train_cell
        with tempfile.TemporaryDirectory() as folder:
            data = os.path.join(folder, "d")
            os.makedirs(data)
            open(os.path.join(data, "train-00000-of-00001.parquet"), "wb").close()
            matrix = np.arange(40, dtype=np.uint16).reshape(4, 10) % 31  # ids 0..30
            save_export(data, matrix, record=record)
            cell = {"index": 0, "cell_id": "c", "dataset": "d", "dataset_path": "d", "D": tokens, "vocabulary": vocabulary,
                    "shape": {"hidden": 8, "intermediate": 16, "layers": 1, "heads": 2}, "N": 1, "seed": 0,
                    "training": {"validation_fraction": 0.25}}
            cell["N"] = train_cell.planned_parameters(cell)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                train_cell.dry_run(cell, os.path.join(folder, "plan.jsonl"))
            return json.loads(out.getvalue())

    def test_a_vocabulary_that_holds_every_id_passes(self):
        report = self.run_dry(31, 20)
        self.assertEqual(("numpy (tokens.npy)", 40, 30), (report["checked_with"], report["tokens"], report["max_token_id"]))

    def test_an_id_outside_the_vocabulary_is_a_user_error(self):
        import train_cell
        with self.assertRaises(train_cell.UserError) as caught:
            self.run_dry(30, 20)
        self.assertIn("token id 30", str(caught.exception))

    def test_a_budget_beyond_the_training_tokens_is_a_user_error(self):
        import train_cell
        with self.assertRaises(train_cell.UserError) as caught:
            self.run_dry(31, 31)  # 40 tokens, 25% held out: 30 for training
        self.assertIn("fewer than D = 31", str(caught.exception))

    def test_a_stale_export_is_a_user_error(self):
        import train_cell
        with self.assertRaises(train_cell.UserError) as caught:
            self.run_dry(31, 20, record=False)
        self.assertIn("is not recorded in", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
