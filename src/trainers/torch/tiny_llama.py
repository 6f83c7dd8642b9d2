"""A small Llama in plain PyTorch (works on torch 1.13, no transformers needed).

It is Hugging Face's ``LlamaForCausalLM`` with the settings PcfgLab plans (untied input and output embeddings, no
biases, as many key/value heads as heads, rotary base 10000, RMSNorm eps 1e-6, SwiGLU MLP, weights drawn from
N(0, 0.02)), with the same module names, so a state dict moves between the two unchanged and the parameter count is
Hugging Face's: 2Vh + L(4h^2 + 3hi + 2h) + h.

Attention is explicitly causal. Documents are right-padded, so a causal mask alone keeps every real position from
seeing padding; the loss ignores padded labels (-100), as Hugging Face's does.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


def parameter_count(vocabulary: int, hidden: int, intermediate: int, layers: int) -> int:
    """Hugging Face's count for LlamaForCausalLM with untied embeddings: 2Vh + L(4h^2 + 3hi + 2h) + h."""
    return 2 * vocabulary * hidden + layers * (4 * hidden * hidden + 3 * hidden * intermediate + 2 * hidden) + hidden


class RMSNorm(nn.Module):
    def __init__(self, hidden: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden))
        self.eps = eps

    def forward(self, x):
        # Normalise in float32 as Hugging Face does, then cast back (matters under bf16 autocast).
        dtype = x.dtype
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x32.to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Rotary(nn.Module):
    def __init__(self, head_dim: int, base: float = 10000.0):
        super().__init__()
        inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2).float() / head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)

    def forward(self, length: int, device):
        t = torch.arange(length, device=device, dtype=torch.float32)
        freqs = torch.outer(t, self.inv_freq.to(device))
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos(), emb.sin()


class Attention(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q_proj = nn.Linear(hidden, hidden, bias=False)
        self.k_proj = nn.Linear(hidden, hidden, bias=False)
        self.v_proj = nn.Linear(hidden, hidden, bias=False)
        self.o_proj = nn.Linear(hidden, hidden, bias=False)

    def forward(self, x, cos, sin, bias):
        b, t, h = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        cos, sin = cos.to(q.dtype), sin.to(q.dtype)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if hasattr(F, "scaled_dot_product_attention"):
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            # One baddbmm computes the scaled scores and adds the causal bias (0 or -inf): a matmul, a division and a
            # masked_fill before, and each again backward, which on a CPU cost as much as the product itself.
            n = b * self.heads
            scores = torch.baddbmm(bias, q.reshape(n, t, self.head_dim), k.reshape(n, t, self.head_dim).transpose(1, 2),
                                   alpha=1.0 / math.sqrt(self.head_dim))
            y = torch.bmm(torch.softmax(scores.float(), dim=-1).to(v.dtype), v.reshape(n, t, self.head_dim))
            y = y.view(b, self.heads, t, self.head_dim)
        return self.o_proj(y.transpose(1, 2).reshape(b, t, h))


class Mlp(nn.Module):
    def __init__(self, hidden: int, intermediate: int):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, x):
        # SiLU written as gate * sigmoid(gate): the same function, but torch 1.13's CPU silu (and its bfloat16
        # backward above all) is several times slower than a sigmoid and a product.
        gate = self.gate_proj(x)
        return self.down_proj(gate * torch.sigmoid(gate) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, hidden: int, intermediate: int, heads: int):
        super().__init__()
        self.self_attn = Attention(hidden, heads)
        self.mlp = Mlp(hidden, intermediate)
        self.input_layernorm = RMSNorm(hidden)
        self.post_attention_layernorm = RMSNorm(hidden)

    def forward(self, x, cos, sin, bias):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, bias)
        return x + self.mlp(self.post_attention_layernorm(x))


class Backbone(nn.Module):
    def __init__(self, vocabulary: int, hidden: int, intermediate: int, layers: int, heads: int):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocabulary, hidden)
        self.layers = nn.ModuleList(DecoderLayer(hidden, intermediate, heads) for _ in range(layers))
        self.norm = RMSNorm(hidden)
        self.rotary = Rotary(hidden // heads)

    def forward(self, ids):
        t = ids.shape[1]
        cos, sin = self.rotary(t, ids.device)
        # The causal mask as an additive bias: -inf above the diagonal (a later token), 0 elsewhere.
        bias = torch.full((t, t), float("-inf"), device=ids.device).triu(1)
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, bias)
        return self.norm(x)


class TinyLlama(nn.Module):
    """LlamaForCausalLM's architecture and module names; ``forward(ids, labels)`` returns (logits, loss)."""

    def __init__(self, vocabulary: int, hidden: int, intermediate: int, layers: int, heads: int):
        super().__init__()
        if hidden % heads or (hidden // heads) % 2:
            raise ValueError(f"heads {heads} must divide hidden {hidden} into an even head size")
        self.model = Backbone(vocabulary, hidden, intermediate, layers, heads)
        self.lm_head = nn.Linear(hidden, vocabulary, bias=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module):
        # Hugging Face's _init_weights with initializer_range 0.02.
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, ids, labels=None):
        logits = self.lm_head(self.model(ids))
        loss = None
        if labels is not None:
            # Hugging Face's causal LM loss: predict token t+1 from tokens <= t, mean over labels != -100. The labels
            # are shifted, not the logits: slicing the (batch x length x vocabulary) logits costs a copy forward and a
            # zero-filled gradient of their full size backward, which took half a step of a small model on a CPU.
            loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), shift_labels(labels).reshape(-1),
                                   ignore_index=-100)
        return logits, loss


def shift_labels(labels):
    """The label each position predicts: the next token's, and -100 (ignored) after the last position."""
    return F.pad(labels[:, 1:], (0, 1), value=-100)


def cosine_with_warmup(warmup_steps: int, total_steps: int):
    """transformers.get_cosine_schedule_with_warmup's multiplier (0.5 cycles), for torch.optim.lr_scheduler.LambdaLR."""
    def factor(step: int) -> float:
        if step < warmup_steps:
            return step / max(1, warmup_steps)
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))
    return factor


def constant_with_warmup(warmup_steps: int):
    """transformers.get_constant_schedule_with_warmup's multiplier."""
    def factor(step: int) -> float:
        return step / max(1, warmup_steps) if step < warmup_steps else 1.0
    return factor
