"""NLTK's side of PcfgLab's interop tests (run with Debian's /usr/bin/python3 and python3-nltk).

  nltk_interop.py load FILE...        load every file with nltk.PCFG.fromstring; exit 1 naming any that fails
  nltk_interop.py toys DIR N SEED     write NLTK's toy_pcfg1 and toy_pcfg2 to DIR (written by NLTK) and sample N
                                      sentences of each with NLTK's grammar objects; print their statistics as JSON
"""
import inspect
import json
import os
import random
import re
import sys

import nltk
import nltk.grammar


def load(files):
    failed = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                nltk.PCFG.fromstring(f.read())
        except Exception as error:  # noqa: BLE001 - report every failure, whatever its type
            failed += 1
            print(f"FAIL {path}: {error}".replace("\n", " "))
    return 1 if failed else 0


def toy_grammars():
    # NLTK 3.8 defines toy_pcfg1 and toy_pcfg2 inside nltk.grammar.pcfg_demo(); take them from its source.
    source = inspect.getsource(nltk.grammar.pcfg_demo)
    found = {}
    for name in ("toy_pcfg1", "toy_pcfg2"):
        match = re.search(name + r'\s*=\s*PCFG\.fromstring\(\s*"""(.*?)"""', source, re.S)
        found[name] = nltk.PCFG.fromstring(match.group(1))
    return found


def sample(grammar, rng):
    words = []
    stack = [grammar.start()]
    while stack:
        symbol = stack.pop()
        if not isinstance(symbol, nltk.Nonterminal):
            words.append(symbol)
            continue
        productions = grammar.productions(lhs=symbol)
        chosen = rng.choices(productions, weights=[p.prob() for p in productions])[0]
        stack.extend(reversed(chosen.rhs()))
    return words


def toys(folder, count, seed):
    rng = random.Random(seed)
    result = {}
    for name, grammar in toy_grammars().items():
        with open(os.path.join(folder, name + ".pcfg"), "w", encoding="utf-8") as f:
            f.write("\n".join(str(p) for p in grammar.productions()) + "\n")
        lengths = {}
        first = {}
        for _ in range(count):
            words = sample(grammar, rng)
            lengths[len(words)] = lengths.get(len(words), 0) + 1
            first[words[0]] = first.get(words[0], 0) + 1
        result[name] = {"sentences": count, "lengths": lengths, "firstWords": first}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "load":
        sys.exit(load(sys.argv[2:]))
    sys.exit(toys(sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
