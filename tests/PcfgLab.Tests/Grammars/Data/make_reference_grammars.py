#!/usr/bin/env python3
"""Writes the grammar text the reference (data_gen.create_random_pcfg) hands to nltk.PCFG.fromstring,
for a few specs and seeds, with the same random calls as /work/shared/reference/reference_generator.py:
per nonterminal k = randint(1, opts); k weights randint(1, 100) normalised; per option len = randint(1, maxlen)
symbols choice(nonterminals + terminals). Start rule S -> N_i [1/n] first; probabilities by repr.

Usage: make_reference_grammars.py  (writes reference_NT_T_O_L_sSEED.txt here)
"""
import random

CASES = [((3, 20, 2, 2), 7), ((10, 150, 5, 3), 1), ((20, 300, 10, 5), 2), ((5, 20, 200, 3), 2)]


def grammar_text(nn, nt, opts_max, len_max):
    nonterminals = [f"N{i}" for i in range(nn)]
    terminals = [f"'{i}'" for i in range(nt)]
    symbols = nonterminals + terminals
    lines = ["S -> " + " | ".join(f"{n} [{1 / nn!r}]" for n in nonterminals)]
    for lhs in nonterminals:
        k = random.randint(1, opts_max)
        ints = [random.randint(1, 100) for _ in range(k)]
        tot = sum(ints)
        probs = [i / tot for i in ints]
        alts = []
        for p in probs:
            length = random.randint(1, len_max)
            rhs = " ".join(random.choice(symbols) for _ in range(length))
            alts.append(f"{rhs} [{p!r}]")
        lines.append(f"{lhs} -> " + " | ".join(alts))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for (nn, nt, o, l), seed in CASES:
        random.seed(seed)
        with open(f"reference_{nn}_{nt}_{o}_{l}_s{seed}.txt", "w") as f:
            f.write(grammar_text(nn, nt, o, l))
