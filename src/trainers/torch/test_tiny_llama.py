"""Tests of tiny_llama.py with real PyTorch (Debian's python3-torch for /usr/bin/python3)."""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from tiny_llama import TinyLlama, constant_with_warmup, cosine_with_warmup, parameter_count, shift_labels  # noqa: E402

# The study's four smallest shapes (hidden, intermediate, layers, heads) and Hugging Face's counts at V = 32001
# (docs/sweep.md; PcfgLab's LlamaShape tests check the same numbers in C#), and the CPU grid's shapes.
STUDY = [((64, 128, 2, 1), 4_178_368), ((128, 256, 4, 2), 8_848_768), ((256, 512, 6, 4), 20_320_000),
         ((512, 1024, 10, 8), 58_994_176)]
CPU = [(16, 32, 1, 1), (32, 64, 2, 1), (64, 128, 2, 2), (96, 192, 3, 2)]


class ParameterCountTests(unittest.TestCase):
    def test_the_formula_gives_hugging_faces_counts_of_the_study_shapes(self):
        for shape, expected in STUDY:
            self.assertEqual(expected, parameter_count(32001, *shape[:3]), shape)

    def test_the_model_has_as_many_parameters_as_the_formula(self):
        for shape, _ in STUDY[:2]:
            model = TinyLlama(32001, *shape)
            self.assertEqual(parameter_count(32001, *shape[:3]), sum(p.numel() for p in model.parameters()), shape)
        for vocabulary in (19, 2001):
            for shape in CPU:
                model = TinyLlama(vocabulary, *shape)
                self.assertEqual(parameter_count(vocabulary, *shape[:3]), sum(p.numel() for p in model.parameters()), shape)

    def test_module_names_are_hugging_faces(self):
        names = set(TinyLlama(11, 16, 32, 1, 2).state_dict())
        for name in ("model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.gate_proj.weight",
                     "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight",
                     "model.norm.weight", "lm_head.weight"):
            self.assertIn(name, names)
        self.assertFalse(any("rotary" in n for n in names), "the rotary frequencies are not weights")


class ForwardTests(unittest.TestCase):
    def test_a_later_token_does_not_change_earlier_logits(self):
        torch.manual_seed(0)
        model = TinyLlama(13, 16, 32, 2, 2).eval()
        ids = torch.randint(0, 13, (2, 12))
        changed = ids.clone()
        changed[:, 7:] = (changed[:, 7:] + 1) % 13
        with torch.no_grad():
            a, _ = model(ids)
            b, _ = model(changed)
        self.assertTrue(torch.allclose(a[:, :7], b[:, :7], atol=1e-6))
        self.assertFalse(torch.allclose(a[:, 7:], b[:, 7:], atol=1e-3))

    def test_the_loss_at_initialisation_is_near_ln_v_and_ignores_padding(self):
        torch.manual_seed(1)
        model = TinyLlama(50, 16, 32, 1, 1).eval()
        ids = torch.randint(0, 50, (4, 32))
        labels = ids.clone()
        labels[:, 20:] = -100
        with torch.no_grad():
            logits, loss = model(ids, labels)
            # Hugging Face's definition, by hand: positions 2..20 of each row.
            expected = torch.nn.functional.cross_entropy(logits[:, :19].reshape(-1, 50), ids[:, 1:20].reshape(-1))
        self.assertAlmostEqual(expected.item(), loss.item(), places=5)
        self.assertLess(abs(loss.item() - math.log(50)), 0.1)  # N(0, 0.02) weights: nearly uniform predictions

    def test_shift_labels_gives_each_position_the_next_token_and_ignores_the_last(self):
        labels = torch.tensor([[5, 6, 7, -100], [1, 2, 3, 4]])
        self.assertEqual([[6, 7, -100, -100], [2, 3, 4, -100]], shift_labels(labels).tolist())

    def test_the_loss_and_its_gradients_are_those_of_the_sliced_logits(self):
        # The loss shifts the labels instead of slicing the logits (a copy forward, a zero-filled full-size gradient
        # backward): the same terms, so the same loss and the same gradients as Hugging Face's sliced form.
        torch.manual_seed(4)
        model = TinyLlama(37, 16, 32, 2, 2)
        ids = torch.randint(0, 37, (3, 24))
        labels = ids.clone()
        labels[1, 10:] = -100
        logits, loss = model(ids, labels)
        grads = torch.autograd.grad(loss, list(model.parameters()))
        logits = model(ids)[0]
        sliced = torch.nn.functional.cross_entropy(logits[:, :-1, :].reshape(-1, 37), labels[:, 1:].reshape(-1), ignore_index=-100)
        expected = torch.autograd.grad(sliced, list(model.parameters()))
        self.assertAlmostEqual(sliced.item(), loss.item(), places=6)
        for g, e in zip(grads, expected):
            self.assertTrue(torch.allclose(e, g, rtol=1e-5, atol=1e-7))

    def test_attention_is_the_masked_softmax_of_the_scaled_scores(self):
        # The baddbmm with an additive -inf bias against the textbook form: scores / sqrt(d), masked_fill, softmax.
        torch.manual_seed(6)
        from tiny_llama import Attention, Rotary, rotate_half
        attention, t = Attention(16, 2), 9
        x = torch.randn(3, t, 16)
        cos, sin = Rotary(8)(t, x.device)
        bias = torch.full((t, t), float("-inf")).triu(1)
        with torch.no_grad():
            actual = attention(x, cos, sin, bias)
            q, k, v = (p(x).view(3, t, 2, 8).transpose(1, 2) for p in (attention.q_proj, attention.k_proj, attention.v_proj))
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(8)
            scores = scores.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1), float("-inf"))
            expected = attention.o_proj((torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(3, t, 16))
        self.assertTrue(torch.allclose(expected, actual, rtol=1e-5, atol=1e-6))

    def test_the_mlp_is_swiglu(self):
        torch.manual_seed(7)
        from tiny_llama import Mlp
        mlp, x = Mlp(16, 32), torch.randn(2, 5, 16)
        with torch.no_grad():
            expected = mlp.down_proj(torch.nn.functional.silu(mlp.gate_proj(x)) * mlp.up_proj(x))
            self.assertTrue(torch.allclose(expected, mlp(x), rtol=1e-5, atol=1e-7))

    def test_training_learns_a_deterministic_sequence(self):
        torch.manual_seed(2)
        model = TinyLlama(7, 16, 32, 1, 1)
        ids = torch.arange(32).remainder(7).repeat(4, 1)  # 0 1 2 ... 6 0 1 ...: each token predicts the next
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
        first = None
        for _ in range(60):
            _, loss = model(ids, ids)
            first = first if first is not None else loss.item()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        self.assertGreater(first, 1.5)
        self.assertLess(loss.item(), 0.1)

    def test_bfloat16_autocast_agrees_with_float32(self):
        torch.manual_seed(3)
        model = TinyLlama(31, 32, 64, 2, 2).eval()
        ids = torch.randint(0, 31, (2, 64))
        with torch.no_grad():
            _, loss32 = model(ids, ids)
            with torch.autocast("cpu", dtype=torch.bfloat16):
                _, loss16 = model(ids, ids)
        self.assertLess(abs(loss32.item() - loss16.item()), 0.02)


class ScheduleTests(unittest.TestCase):
    def test_cosine_with_warmup_is_transformers_schedule(self):
        f = cosine_with_warmup(10, 110)
        self.assertEqual(0.0, f(0))
        self.assertAlmostEqual(0.5, f(5))
        self.assertAlmostEqual(1.0, f(10))
        self.assertAlmostEqual(0.5, f(60))  # halfway through the decay
        self.assertAlmostEqual(0.5 * (1 + math.cos(math.pi * 0.25)), f(35))
        self.assertAlmostEqual(0.0, f(110))

    def test_cosine_without_warmup_starts_at_the_full_rate(self):
        self.assertEqual(1.0, cosine_with_warmup(0, 50)(0))

    def test_constant_with_warmup(self):
        f = constant_with_warmup(4)
        self.assertEqual([0.0, 0.25, 0.5, 0.75, 1.0, 1.0], [f(s) for s in range(6)])


@unittest.skipUnless(__import__("importlib").util.find_spec("transformers"), "transformers is not installed (it is on GPU machines)")
class HuggingFaceEquivalenceTests(unittest.TestCase):
    def test_the_same_weights_give_the_same_logits(self):
        import transformers
        torch.manual_seed(4)
        ours = TinyLlama(37, 32, 64, 2, 2).eval()
        config = transformers.LlamaConfig(vocab_size=37, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                          num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=64,
                                          tie_word_embeddings=False)
        hf = transformers.LlamaForCausalLM(config).eval()
        missing, unexpected = hf.load_state_dict(ours.state_dict(), strict=False)
        self.assertEqual([], [k for k in missing if "rotary" not in k])
        self.assertEqual([], unexpected)
        ids = torch.randint(0, 37, (2, 40))
        with torch.no_grad():
            self.assertTrue(torch.allclose(ours(ids)[0], hf(input_ids=ids).logits, atol=1e-5))


if __name__ == "__main__":
    unittest.main()
