"""Tests of token_data.py (numpy needed: Debian's python3-numpy for /usr/bin/python3)."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import token_data  # noqa: E402


class NpyTests(unittest.TestCase):
    def test_a_full_matrix_gives_rows_as_consecutive_ranges(self):
        with tempfile.TemporaryDirectory() as folder:
            np.save(os.path.join(folder, token_data.TOKENS_FILE), np.arange(12, dtype=np.uint16).reshape(3, 4))
            values, starts, ends, source = token_data.read_documents(folder)
            self.assertEqual("npy", source)
            self.assertEqual([0, 4, 8], list(starts))
            self.assertEqual([4, 8, 12], list(ends))
            self.assertEqual([4, 5, 6, 7], list(values[starts[1]:ends[1]]))

    def test_lengths_cut_the_padding_off(self):
        with tempfile.TemporaryDirectory() as folder:
            matrix = np.array([[5, 6, 0], [7, 8, 9]], dtype=np.uint16)
            np.save(os.path.join(folder, token_data.TOKENS_FILE), matrix)
            np.save(os.path.join(folder, token_data.LENGTHS_FILE), np.array([2, 3], dtype=np.int32))
            values, starts, ends, _ = token_data.read_documents(folder)
            self.assertEqual([[5, 6], [7, 8, 9]], [list(values[s:e]) for s, e in zip(starts, ends)])

    def test_lengths_longer_than_the_rows_are_refused(self):
        with tempfile.TemporaryDirectory() as folder:
            np.save(os.path.join(folder, token_data.TOKENS_FILE), np.zeros((2, 3), dtype=np.uint16))
            np.save(os.path.join(folder, token_data.LENGTHS_FILE), np.array([2, 4], dtype=np.int32))
            with self.assertRaises(token_data.DataError):
                token_data.read_documents(folder)

    def test_a_vector_is_not_a_token_matrix(self):
        with tempfile.TemporaryDirectory() as folder:
            np.save(os.path.join(folder, token_data.TOKENS_FILE), np.zeros(5, dtype=np.uint16))
            with self.assertRaises(token_data.DataError):
                token_data.read_documents(folder)

    @unittest.skipIf(__import__("importlib").util.find_spec("pyarrow"), "pyarrow is installed here: Parquet is readable")
    def test_without_npy_or_pyarrow_the_error_names_pcfglab_export(self):
        with tempfile.TemporaryDirectory() as folder:
            with self.assertRaises(token_data.DataError) as caught:
                token_data.read_documents(folder)
            self.assertIn("pcfglab export", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
