"""Unit tests of train_cell.py's pure-Python parts (no torch, numpy or pyarrow needed).

Run: /usr/bin/python3 -m unittest discover -s src/trainers/torch -p "test_*.py" (test_tiny_llama.py and
test_token_data.py need torch and numpy: Debian's python3-torch and python3-numpy).
"""

import json
import os
import tempfile
import unittest
from unittest import mock

import train_cell


def cell(index, tokens=10, fraction=0.25):
    return {"index": index, "cell_id": f"c{index}", "dataset": "d", "dataset_path": "d", "D": tokens,
            "shape": {"hidden": 8, "intermediate": 16, "layers": 1, "heads": 2}, "vocabulary": 20, "N": 1, "seed": 0,
            "training": {"validation_fraction": fraction}}


class SelectCellsTests(unittest.TestCase):
    cells = [cell(i) for i in range(10)]

    def select(self, env, cell_index=None):
        args = train_cell.parse_args(["--plan", "p"] + (["--cell", str(cell_index)] if cell_index is not None else ["--cell-from-env"]))
        with mock.patch.dict(os.environ, env, clear=True):
            return train_cell.select_cells(args, self.cells)

    def test_cell_index(self):
        selected, rank = self.select({}, 3)
        self.assertEqual([3], [c["index"] for c in selected])
        self.assertIsNone(rank)

    def test_slurm_array_strides_by_task_count(self):
        selected, _ = self.select({"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"})
        self.assertEqual([2, 6], [c["index"] for c in selected])

    def test_slurm_array_without_count_takes_one_cell(self):
        selected, _ = self.select({"SLURM_ARRAY_TASK_ID": "7"})
        self.assertEqual([7], [c["index"] for c in selected])

    def test_torchrun_ranks_stride_by_world_size(self):
        selected, rank = self.select({"RANK": "1", "WORLD_SIZE": "3", "LOCAL_RANK": "1"})
        self.assertEqual([1, 4, 7], [c["index"] for c in selected])
        self.assertEqual(1, rank)

    def test_no_environment_is_a_user_error(self):
        with self.assertRaises(train_cell.UserError):
            self.select({})

    def test_out_of_range_cell_is_a_user_error(self):
        with self.assertRaises(train_cell.UserError):
            self.select({}, 10)


class SplitTests(unittest.TestCase):
    def test_validation_is_the_last_documents_and_training_the_first_d_tokens(self):
        starts, ends = [0, 4, 8, 12], [4, 8, 12, 16]  # four documents of four tokens
        train, valid = train_cell.split(starts, ends, cell(0, tokens=6, fraction=0.25), max_valid_docs=100)
        self.assertEqual([(12, 16)], valid)
        self.assertEqual([(0, 4), (4, 6)], train)  # the second document is cut at D = 6

    def test_too_few_tokens_is_a_user_error(self):
        with self.assertRaises(train_cell.UserError):
            train_cell.split([0, 4], [4, 8], cell(0, tokens=5, fraction=0.5), max_valid_docs=100)

    def test_padded_rows_use_their_own_lengths(self):
        # A 3 x 4 matrix whose first row holds 3 tokens: the flat ranges skip the padding.
        train, valid = train_cell.split([0, 4, 8], [3, 8, 12], cell(0, tokens=5, fraction=0.34), max_valid_docs=100)
        self.assertEqual([(8, 12)], valid)
        self.assertEqual([(0, 3), (4, 6)], train)


class RecordTests(unittest.TestCase):
    def test_append_and_already_done(self):
        with tempfile.TemporaryDirectory() as folder:
            results = os.path.join(folder, "sub", "results.jsonl")
            self.assertFalse(train_cell.already_done(results, "c1"))
            train_cell.append_record(results, {"cell_id": "c1", "final_valid_loss": 1.5})
            train_cell.append_record(results, {"cell_id": "c2", "final_valid_loss": 1.25})
            with open(results, encoding="utf-8") as f:
                lines = [json.loads(line) for line in f]
            self.assertEqual(["c1", "c2"], [r["cell_id"] for r in lines])
            self.assertTrue(train_cell.already_done(results, "c2"))
            self.assertFalse(train_cell.already_done(results, "c3"))


class PlanTests(unittest.TestCase):
    def test_a_plan_line_missing_fields_is_named(self):
        with tempfile.TemporaryDirectory() as folder:
            plan = os.path.join(folder, "plan.jsonl")
            with open(plan, "w", encoding="utf-8") as f:
                f.write(json.dumps({"index": 0, "cell_id": "x"}) + "\n")
            with self.assertRaises(train_cell.UserError) as caught:
                train_cell.load_plan(plan)
            self.assertIn("lacks dataset", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
