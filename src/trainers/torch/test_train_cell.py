"""Unit tests of train_cell.py's pure-Python parts (no torch, numpy or pyarrow needed).

Run: /usr/bin/python3 -m unittest discover -s src/trainers/torch -p "test_*.py" (test_tiny_llama.py and
test_token_data.py need torch and numpy: Debian's python3-torch and python3-numpy).
"""

import contextlib
import io
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


class TrainingSettingsTests(unittest.TestCase):
    def test_the_plan_s_values_win_and_only_missing_keys_fall_back(self):
        settings = train_cell.training_settings(cell(0, fraction=0.25))
        self.assertEqual(0.25, settings["validation_fraction"])
        self.assertEqual(train_cell.TRAINING_FALLBACKS["batch_size"], settings["batch_size"])
        c = cell(0)
        c["training"] = {"validation_fraction": 0.5, "batch_size": 4, "schedule": "constant"}
        settings = train_cell.training_settings(c)
        self.assertEqual((0.5, 4, "constant"), (settings["validation_fraction"], settings["batch_size"], settings["schedule"]))
        self.assertEqual(0.01, train_cell.TRAINING_FALLBACKS["validation_fraction"])

    def test_an_older_plan_without_validation_fraction_holds_out_the_fallback_share(self):
        c = cell(0)
        c["training"] = {}
        self.assertEqual((15469, 15625), train_cell.validation_range(15625, c, 256))


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


class ValidationRangeTests(unittest.TestCase):
    def test_the_fraction_gives_the_last_documents_capped_by_max_valid_docs(self):
        self.assertEqual((15469, 15625), train_cell.validation_range(15625, cell(0, fraction=0.01), 256))  # the CPU grid's 156
        self.assertEqual((15625 - 100, 15625), train_cell.validation_range(15625, cell(0, fraction=0.01), 100))

    def test_validation_documents_wins_over_the_fraction_and_the_cap(self):
        c = cell(0, fraction=0.01)
        c["training"]["validation_documents"] = 1000
        self.assertEqual((14625, 15625), train_cell.validation_range(15625, c, 256))
        self.assertEqual((1, 4), train_cell.validation_range(4, c, 256))  # one document is always left to train

    def test_validation_documents_must_be_a_positive_integer(self):
        for bad in (0, -3, 2.5, True, "10"):
            c = cell(0)
            c["training"]["validation_documents"] = bad
            with self.assertRaises(train_cell.UserError):
                train_cell.validation_range(100, c, 256)

    def test_split_validates_on_exactly_the_range(self):
        starts, ends = [0, 4, 8, 12, 16], [4, 8, 12, 16, 20]
        c = cell(0, tokens=4, fraction=0.2)
        c["training"]["validation_documents"] = 3
        first, stop = train_cell.validation_range(5, c, 1)
        _, valid = train_cell.split(starts, ends, c, max_valid_docs=1)
        self.assertEqual([(starts[i], ends[i]) for i in range(first, stop)], valid)
        self.assertEqual((2, 5), (first, stop))


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

    def test_a_torn_last_line_does_not_swallow_the_next_record(self):
        # A full disk (or a killed writer) leaves a line without its newline; the next record starts on a fresh line.
        with tempfile.TemporaryDirectory() as folder:
            results = os.path.join(folder, "results.jsonl")
            train_cell.append_record(results, {"cell_id": "c1"})
            with open(results, "a", encoding="utf-8") as f:
                f.write('{"cell_id": "c2", "final_va')
            train_cell.append_record(results, {"cell_id": "c3"})
            with open(results, encoding="utf-8") as f:
                lines = f.read().split("\n")
            self.assertEqual(['{"cell_id": "c1"}', '{"cell_id": "c2", "final_va', '{"cell_id": "c3"}', ""], lines)
            warnings = io.StringIO()
            with contextlib.redirect_stderr(warnings):
                self.assertTrue(train_cell.already_done(results, "c3"))
                self.assertFalse(train_cell.already_done(results, "c2"))
            self.assertIn(f"warning: {results}:2: skipped, not a run record", warnings.getvalue())

    def test_a_short_write_is_cut_back_and_raises(self):
        with tempfile.TemporaryDirectory() as folder:
            results = os.path.join(folder, "results.jsonl")
            train_cell.append_record(results, {"cell_id": "c1"})
            with open(results, "rb") as f:
                before = f.read()
            real_write = os.write

            def half_write(fd, data):  # what a nearly full disk does: part of the bytes, no error
                return real_write(fd, data[:len(data) // 2])
            with mock.patch.object(train_cell.os, "write", half_write):
                with self.assertRaises(OSError) as caught:
                    train_cell.append_record(results, {"cell_id": "c2", "final_valid_loss": 1.25})
            self.assertIn("bytes (is the disk full?)", str(caught.exception))
            with open(results, "rb") as f:
                self.assertEqual(before, f.read())

    def test_a_failed_write_is_cut_back(self):
        import errno
        with tempfile.TemporaryDirectory() as folder:
            results = os.path.join(folder, "results.jsonl")
            with open(results, "w", encoding="utf-8") as f:
                f.write('{"cell_id": "c1"}\n{"torn')
            real_write = os.write

            def write_then_fail(fd, data):
                real_write(fd, data[:3])
                raise OSError(errno.ENOSPC, "No space left on device")
            with mock.patch.object(train_cell.os, "write", write_then_fail):
                with self.assertRaises(OSError):
                    train_cell.append_record(results, {"cell_id": "c2"})
            with open(results, encoding="utf-8") as f:
                self.assertEqual('{"cell_id": "c1"}\n{"torn', f.read())


class CellClaimTests(unittest.TestCase):
    def test_lock_file_names_are_pcfglabs(self):
        # The same names as CellClaimTests.Lock_file_names_keep_the_ids_safe_characters_and_add_its_hash in C#.
        self.assertEqual("gzipscale-0.11_h64_D100000-9229b83ba6e7bfbc.lock", train_cell.claim_file_name("gzipscale-0.11/h64/D100000"))
        self.assertEqual("a_b__.._x-e75dc5ee3ad17c18.lock", train_cell.claim_file_name("a b\u00e9/../x"))
        self.assertEqual(64 + 1 + 16 + 5, len(train_cell.claim_file_name("x" * 200)))

    def test_a_claimed_cell_is_refused_naming_its_holder_until_released(self):
        with tempfile.TemporaryDirectory() as folder, mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop(train_cell.CLAIM_ENVIRONMENT, None)
            results = os.path.join(folder, "results.jsonl")
            first, _ = train_cell.CellClaim.acquire(results, "c1")
            self.assertIsNotNone(first)
            second, holder = train_cell.CellClaim.acquire(results, "c1")
            self.assertIsNone(second)
            self.assertIn(f"train_cell.py, process {os.getpid()} on ", holder)
            first.release()
            again, _ = train_cell.CellClaim.acquire(results, "c1")
            self.assertIsNotNone(again)
            again.release()

    def test_a_claim_held_for_this_process_by_sweep_train_is_not_taken_again(self):
        with tempfile.TemporaryDirectory() as folder:
            results = os.path.join(folder, "results.jsonl")
            path = os.path.join(folder, "results.jsonl.claims", train_cell.claim_file_name("c1"))
            held, _ = train_cell.CellClaim.acquire(results, "c1")  # stands for sweep train's lock
            with mock.patch.dict(os.environ, {train_cell.CLAIM_ENVIRONMENT: path}):
                inherited, _ = train_cell.CellClaim.acquire(results, "c1")
            self.assertIsNotNone(inherited)
            inherited.release()
            held.release()

    def test_main_skips_a_cell_another_trainer_holds(self):
        with tempfile.TemporaryDirectory() as folder:
            plan = os.path.join(folder, "plan.jsonl")
            c = cell(0)
            c["N"] = train_cell.planned_parameters(c)
            with open(plan, "w", encoding="utf-8") as f:
                f.write(json.dumps(c) + "\n")
            results = os.path.join(folder, "results.jsonl")
            other, _ = train_cell.CellClaim.acquire(results, "c0")
            errors = io.StringIO()
            untouchable = mock.Mock(side_effect=AssertionError("must not train"))
            with mock.patch.object(train_cell, "train", untouchable), mock.patch.object(train_cell, "die_with_parent"), \
                    mock.patch.dict(os.environ, {}, clear=False), contextlib.redirect_stderr(errors):
                os.environ.pop(train_cell.CLAIM_ENVIRONMENT, None)
                code = train_cell.main(["--plan", plan, "--cell", "0", "--results", results, "--device", "cpu"])
            other.release()
            self.assertEqual(0, code)
            self.assertIn("cell 0 c0: skipped, another trainer has it (train_cell.py, process", errors.getvalue())
            untouchable.assert_not_called()


class DieWithParentTests(unittest.TestCase):
    def test_killing_the_parent_kills_the_trainer(self):
        # A parent starts a "trainer" that calls die_with_parent and then sleeps; the parent is killed with SIGKILL (what
        # `kill -9` of `pcfglab sweep train` does) and the trainer must end too, instead of training on unwatched. Its
        # stderr is a pipe to the parent, as under sweep train: the dead parent's pipe must not stop it from ending.
        import signal
        import subprocess
        import sys
        import time
        here = os.path.dirname(os.path.abspath(train_cell.__file__))
        trainer = ("import sys, time; sys.path.insert(0, sys.argv[1]); import train_cell; "
                   "train_cell.die_with_parent(0.05); print('ready', flush=True); time.sleep(60)")
        # SIGHUP back to its default in the parent: a test runner started under nohup passes SIGHUP ignored down, and
        # die_with_parent rightly leaves such a process alone (it was asked to outlive its parent).
        parent_code = ("import signal, subprocess, sys, time; signal.signal(signal.SIGHUP, signal.SIG_DFL); "
                       "child = subprocess.Popen([sys.executable, '-c', sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True); "
                       "child.stdout.readline(); print(child.pid, flush=True); time.sleep(60)")
        parent = subprocess.Popen([sys.executable, "-c", parent_code, trainer, here], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            child = int(parent.stdout.readline())
            self.assertTrue(alive(child))
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            for _ in range(200):  # up to 10 s; it ends within the poll interval
                if not alive(child):
                    break
                time.sleep(0.05)
            self.assertFalse(alive(child), "the trainer outlived its killed parent")
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait()
            parent.stdout.close()
            parent.stderr.close()

    def test_a_process_whose_parent_is_init_is_not_watched(self):
        with mock.patch.object(train_cell.os, "getppid", return_value=1):
            self.assertIsNone(train_cell.die_with_parent())

    def test_a_process_started_under_nohup_is_not_watched(self):
        import signal
        with mock.patch.object(signal, "getsignal", return_value=signal.SIG_IGN):
            self.assertIsNone(train_cell.die_with_parent())


def alive(pid):
    """Whether pid runs (a zombie, dead but not yet reaped by init, counts as dead)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class PlanTests(unittest.TestCase):
    def test_a_plan_line_missing_fields_is_named(self):
        with tempfile.TemporaryDirectory() as folder:
            plan = os.path.join(folder, "plan.jsonl")
            with open(plan, "w", encoding="utf-8") as f:
                f.write(json.dumps({"index": 0, "cell_id": "x"}) + "\n")
            with self.assertRaises(train_cell.UserError) as caught:
                train_cell.load_plan(plan)
            self.assertIn("lacks dataset", str(caught.exception))

    def test_a_plan_with_a_bom_and_crlf_line_ends_is_read_as_pcfglab_reads_it(self):
        with tempfile.TemporaryDirectory() as folder:
            plan = os.path.join(folder, "plan.jsonl")
            with open(plan, "wb") as f:
                f.write(b"\xef\xbb\xbf" + b"".join(json.dumps(cell(i)).encode() + b"\r\n" for i in range(2)))
            cells = train_cell.load_plan(plan)
            self.assertEqual(["c0", "c1"], [c["cell_id"] for c in cells])


def shaped(hidden, n=None, vocabulary=32001):
    c = cell(0)
    c.update(vocabulary=vocabulary, shape={"hidden": hidden, "intermediate": 2 * hidden, "layers": 2, "heads": 1})
    c["N"] = n if n is not None else train_cell.planned_parameters(c)
    return c


class KeepFreedMemoryTests(unittest.TestCase):
    class FakeLibc:
        def __init__(self, result=1):
            self.calls, self.result = [], result
            self.mallopt = self

        def __call__(self, parameter, value):
            self.calls.append((parameter, value))
            return self.result

    def test_glibc_is_asked_to_keep_freed_memory(self):
        libc = self.FakeLibc()
        with mock.patch("ctypes.CDLL", return_value=libc):
            self.assertEqual("glibc: no mmap, trim above 1 GiB, top pad 64 MiB", train_cell.keep_freed_memory())
        # M_MMAP_MAX = 0, M_TRIM_THRESHOLD = 1 GiB, M_TOP_PAD = 64 MiB (malloc.h's numbers).
        self.assertEqual([(-4, 0), (-1, 1 << 30), (-2, 64 << 20)], libc.calls)

    def test_a_refused_setting_is_reported_as_not_applied(self):
        with mock.patch("ctypes.CDLL", return_value=self.FakeLibc(result=0)):
            self.assertIsNone(train_cell.keep_freed_memory())

    def test_a_c_library_without_mallopt_is_left_alone(self):
        with mock.patch("ctypes.CDLL", side_effect=OSError("no libc")):
            self.assertIsNone(train_cell.keep_freed_memory())

    def test_it_is_the_default_and_can_be_turned_off(self):
        self.assertEqual("keep", train_cell.parse_args(["--plan", "p", "--cell", "0"]).malloc)
        self.assertEqual("default", train_cell.parse_args(["--plan", "p", "--cell", "0", "--malloc", "default"]).malloc)
        self.assertIsNone(train_cell.parse_args(["--plan", "p", "--cell", "0"]).eval_batch_size)  # the training batch

    def test_a_validation_batch_below_one_is_refused_before_torch_is_imported(self):
        args = train_cell.parse_args(["--plan", "p", "--cell", "0", "--eval-batch-size", "0"])
        c = dict(cell(0), N=train_cell.planned_parameters(cell(0)))
        with mock.patch.object(train_cell, "import_torch", side_effect=AssertionError("torch imported")):
            with self.assertRaisesRegex(train_cell.UserError, "--eval-batch-size 0: give at least 1"):
                train_cell.train(c, args, None)


class ParameterCheckTests(unittest.TestCase):
    def test_the_count_from_the_shape_is_hugging_faces(self):
        self.assertEqual(4_178_368, train_cell.planned_parameters(shaped(64)))  # the study's smallest shape (docs/sweep.md)

    def test_a_shape_that_does_not_give_the_plans_n_is_refused(self):
        with self.assertRaises(train_cell.UserError) as caught:
            train_cell.check_parameters(shaped(10**9, n=4_178_368))
        self.assertIn("but the plan says N = 4178368", str(caught.exception))

    def test_a_model_too_large_for_the_device_is_refused(self):
        c = shaped(10**9)  # N consistent with the shape: 2 x 10^18 parameters
        with self.assertRaises(train_cell.UserError) as caught:
            train_cell.check_parameters(c, 64 * 2**30, "GPU cuda:0")
        self.assertIn("more than the 64.0 GiB of GPU cuda:0", str(caught.exception))
        self.assertEqual(4_178_368, train_cell.check_parameters(shaped(64), 64 * 2**30, "GPU cuda:0"))

    def test_a_huge_hidden_is_refused_before_torch_is_imported_or_a_model_built(self):
        with tempfile.TemporaryDirectory() as folder:
            plan = os.path.join(folder, "plan.jsonl")
            with open(plan, "w", encoding="utf-8") as f:
                f.write(json.dumps(shaped(10**9, n=4_178_368)) + "\n")
            untouchable = mock.Mock(side_effect=AssertionError("must not be reached"))
            errors = io.StringIO()
            with mock.patch.object(train_cell, "import_torch", untouchable), mock.patch.object(train_cell, "build_model", untouchable), \
                    contextlib.redirect_stderr(errors):
                code = train_cell.main(["--plan", plan, "--cell", "0", "--results", os.path.join(folder, "r.jsonl"), "--device", "cpu"])
            self.assertEqual(train_cell.EXIT_BAD_INPUT, code)
            self.assertIn("its shape gives N =", errors.getvalue())
            untouchable.assert_not_called()


if __name__ == "__main__":
    unittest.main()


class PickDtypeTests(unittest.TestCase):
    class Device:
        def __init__(self, kind):
            self.type = kind

    def cpuinfo(self, flags):
        f = tempfile.NamedTemporaryFile("w", suffix=".cpuinfo", delete=False)
        f.write("processor\t: 0\nflags\t\t: fpu sse2 " + flags + "\n\n")
        f.close()
        self.addCleanup(os.remove, f.name)
        return f.name

    def test_the_cpu_flags_decide_whether_bf16_is_native(self):
        self.assertTrue(train_cell.cpu_has_bf16(self.cpuinfo("avx512f avx512_bf16")))
        self.assertTrue(train_cell.cpu_has_bf16(self.cpuinfo("amx_bf16 amx_tile")))
        self.assertFalse(train_cell.cpu_has_bf16(self.cpuinfo("avx2 avx512f avx512bw")))
        self.assertFalse(train_cell.cpu_has_bf16("/nonexistent/cpuinfo"))

    def test_auto_is_bf16_on_a_cpu_with_native_bf16_and_fp32_elsewhere(self):
        cpu = self.Device("cpu")
        self.assertEqual("bfloat16", train_cell.pick_dtype(None, cpu, "auto", cpu_bf16=True))
        self.assertEqual("float32", train_cell.pick_dtype(None, cpu, "auto", cpu_bf16=False))
        self.assertEqual("float32", train_cell.pick_dtype(None, cpu, "float32", cpu_bf16=True))
        self.assertEqual("bfloat16", train_cell.pick_dtype(None, cpu, "bfloat16", cpu_bf16=False))
