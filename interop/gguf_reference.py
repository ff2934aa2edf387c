"""An independent reference for our GGUF import: the `gguf` package reads and dequantizes the file, numpy runs a
Llama forward pass on those weights, and llama.cpp (llama-cpp-python) tokenizes and computes its own logits.
Nothing here is shared with the Java side: the name mapping, the un-permutation of the query/key rows, the
safetensors reader and the forward pass are written again, in numpy, from the Hugging Face definitions.

Subcommands (each prints its numbers and exits 1 on a mismatch):
  tensors GGUF DIR             every tensor of DIR/model.safetensors against gguf's dequantization of GGUF
  logits GGUF DIR ENGINE [F32] last-position logits of our engine (`deliberate model logits --ids-file`) against
                               the numpy forward, and against llama.cpp on GGUF and on F32 (llama.cpp's float32
                               requantization of GGUF; reported, not checked)
  greedy GGUF IDS ENGINE MAX   greedy continuations of our engine (`deliberate model generate --json`, one line
                               per prompt of IDS, one JSON array of prompt ids a line) against numpy greedy decoding
  prompts OUT                  writes the prompts of the logits and greedy checks, one JSON string per line
  strings OUT                  writes the tokenizer test strings, one JSON string per line
  tokens GGUF STRINGS ENGINE   our token ids (`deliberate model tokenize --input`) against llama.cpp's
  requantize GGUF OUT_DIR TYPE...  llama.cpp requantizes GGUF into each type (from the F32-stored weights)
"""

import json
import math
import random
import sys
from pathlib import Path

import numpy as np


# ---------------------------------------------------------------------------------------------------------------
# Reading the GGUF file with the gguf package, in Hugging Face names and layout

LAYER_NAMES = {
    "attn_norm.weight": "input_layernorm.weight",
    "attn_q.weight": "self_attn.q_proj.weight",
    "attn_k.weight": "self_attn.k_proj.weight",
    "attn_v.weight": "self_attn.v_proj.weight",
    "attn_output.weight": "self_attn.o_proj.weight",
    "ffn_norm.weight": "post_attention_layernorm.weight",
    "ffn_gate.weight": "mlp.gate_proj.weight",
    "ffn_up.weight": "mlp.up_proj.weight",
    "ffn_down.weight": "mlp.down_proj.weight",
}


def hf_name(name):
    top = {"token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight",
           "output.weight": "lm_head.weight"}
    if name in top:
        return top[name]
    parts = name.split(".", 2)
    if parts[0] == "blk" and parts[2] in LAYER_NAMES:
        return f"model.layers.{parts[1]}.{LAYER_NAMES[parts[2]]}"
    raise SystemExit(f"error: unexpected tensor {name}")


def field(reader, key, default=None):
    f = reader.fields.get(key)
    return default if f is None else f.contents()


def unpermute(w, heads):
    """llama.cpp's converter stores each head's rows interleaved (pairs of the two rotary halves); Hugging Face
    keeps the halves apart. (heads, half, 2, in) -> (heads, 2, half, in)."""
    rows, cols = w.shape
    return w.reshape(heads, rows // heads // 2, 2, cols).swapaxes(1, 2).reshape(rows, cols)


class Model:
    """The dequantized weights (float32, Hugging Face layout) and the config, from the GGUF file."""

    def __init__(self, path):
        import gguf
        reader = gguf.GGUFReader(path)
        self.path = path
        self.layers = int(field(reader, "llama.block_count"))
        self.hidden = int(field(reader, "llama.embedding_length"))
        self.heads = int(field(reader, "llama.attention.head_count"))
        self.kv_heads = int(field(reader, "llama.attention.head_count_kv", self.heads))
        self.head_dim = self.hidden // self.heads
        self.eps = float(field(reader, "llama.attention.layer_norm_rms_epsilon"))
        self.theta = float(field(reader, "llama.rope.freq_base", 10000.0))
        self.eos = int(field(reader, "tokenizer.ggml.eos_token_id"))
        self.types = {}
        self.weights = {}
        self.wide = {}
        for t in reader.tensors:
            shape = tuple(reversed([int(n) for n in t.shape]))
            values = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).reshape(shape)
            name = hf_name(t.name)
            if name.endswith("q_proj.weight"):
                values = unpermute(values, self.heads)
            elif name.endswith("k_proj.weight"):
                values = unpermute(values, self.kv_heads)
            self.weights[name] = values
            self.types[name] = t.tensor_type.name
        if "lm_head.weight" not in self.weights:
            self.weights["lm_head.weight"] = self.weights["model.embed_tokens.weight"]

    def w(self, name):
        """A weight in float64 (converted once): the forward pass runs in double precision."""
        if name not in self.wide:
            self.wide[name] = self.weights[name].astype(np.float64)
        return self.wide[name]

    # -----------------------------------------------------------------------------------------------------------
    # The forward pass, in float64, as Hugging Face's LlamaForCausalLM defines it

    def last_logits(self, ids, cache=None):
        """Logits of the last position of ids, [V], float64. With a cache (a list that this fills with each layer's
        rotated keys and values), ids continue the sequence the cache holds, so that greedy decoding feeds one new
        id a step instead of recomputing the whole sequence."""
        t = len(ids)
        start = len(cache[0][0]) if cache else 0
        x = self.w("model.embed_tokens.weight")[np.asarray(ids)]  # [T, D]
        positions = np.arange(start, start + t, dtype=np.float64)
        inv_freq = 1.0 / (self.theta ** (np.arange(0, self.head_dim, 2, dtype=np.float64) / self.head_dim))
        angles = np.outer(positions, inv_freq)  # [T, hd/2]
        cos = np.cos(np.concatenate([angles, angles], axis=-1))[:, None, :]  # [T, 1, hd]
        sin = np.sin(np.concatenate([angles, angles], axis=-1))[:, None, :]
        mask = np.triu(np.full((t, start + t), -np.inf), k=start + 1)  # [T, S + T]: new position i sees start + i
        group = self.heads // self.kv_heads
        for i in range(self.layers):
            p = f"model.layers.{i}."
            # attention: norm, projections, rotary, causal softmax over grouped key/value heads
            h = self.rms_norm(x, self.w(p + "input_layernorm.weight"))
            q = (h @ self.w(p + "self_attn.q_proj.weight").T).reshape(t, self.heads, self.head_dim)
            k = (h @ self.w(p + "self_attn.k_proj.weight").T).reshape(t, self.kv_heads, self.head_dim)
            v = (h @ self.w(p + "self_attn.v_proj.weight").T).reshape(t, self.kv_heads, self.head_dim)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if cache is not None:
                if len(cache) <= i:
                    cache.append((k, v))
                else:
                    k = np.concatenate([cache[i][0], k])
                    v = np.concatenate([cache[i][1], v])
                    cache[i] = (k, v)
            k = np.repeat(k, group, axis=1)  # [S + T, H, hd]
            v = np.repeat(v, group, axis=1)
            scores = np.einsum("thd,shd->hts", q, k) / math.sqrt(self.head_dim) + mask  # [H, T, S + T]
            scores = scores - scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs = probs / probs.sum(axis=-1, keepdims=True)
            attended = np.einsum("hts,shd->thd", probs, v).reshape(t, self.heads * self.head_dim)
            x = x + attended @ self.w(p + "self_attn.o_proj.weight").T
            # MLP: norm, SwiGLU
            h = self.rms_norm(x, self.w(p + "post_attention_layernorm.weight"))
            gate = h @ self.w(p + "mlp.gate_proj.weight").T
            up = h @ self.w(p + "mlp.up_proj.weight").T
            x = x + (gate * 0.5 * (1.0 + np.tanh(0.5 * gate)) * up) @ self.w(p + "mlp.down_proj.weight").T
        x = self.rms_norm(x[-1], self.w("model.norm.weight"))
        return self.w("lm_head.weight") @ x

    def rms_norm(self, x, weight):
        return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + self.eps) * weight

    def greedy(self, ids, max_tokens):
        """Greedy continuation: new ids until the end-of-sequence id (not included) or max_tokens."""
        cache = []
        new = []
        step = list(ids)
        for _ in range(max_tokens):
            nxt = int(np.argmax(self.last_logits(step, cache)))
            if nxt == self.eos:
                break
            new.append(nxt)
            step = [nxt]
        return new


def rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


# ---------------------------------------------------------------------------------------------------------------
# Our side's files

def read_safetensors(path):
    data = Path(path).read_bytes()
    header_len = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + header_len])
    start = 8 + header_len
    widths = {"F32": (np.float32, 4)}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, _ = widths[info["dtype"]]
        a, b = info["data_offsets"]
        tensors[name] = np.frombuffer(data, dtype=dtype, count=(b - a) // 4, offset=start + a).reshape(info["shape"])
    return tensors


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------------------------------------------------------
# Checks

def check_tensors(gguf_path, model_dir):
    ref = Model(gguf_path)
    ours = read_safetensors(Path(model_dir) / "model.safetensors")
    failed = 0
    worst = 0.0
    by_type = {}
    expected = set(ref.weights) - ({"lm_head.weight"} if "lm_head.weight" not in ours else set())
    if set(ours) != expected:
        print(f"tensors: names differ: ours only {sorted(set(ours) - expected)[:5]}, "
              f"reference only {sorted(expected - set(ours))[:5]}")
        failed += 1
    for name in sorted(expected & set(ours)):
        a, b = ours[name], ref.weights[name]
        if a.shape != b.shape:
            print(f"tensors: {name}: shape {a.shape}, reference {b.shape}")
            failed += 1
            continue
        diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
        exact = int(np.sum(a.view(np.uint32) == b.view(np.uint32)))
        kind = ref.types[name]
        stats = by_type.setdefault(kind, [0, 0.0, 0, 0])
        stats[0] += 1
        stats[1] = max(stats[1], diff)
        stats[2] += exact
        stats[3] += a.size
        worst = max(worst, diff)
        if diff > 0:
            failed += 1
            print(f"tensors: {name} ({kind}): max abs difference {diff:.3g}")
    for kind, (n, diff, exact, size) in sorted(by_type.items()):
        print(f"tensors: {kind}: {n} tensors, {size} values, {exact} bit-identical, max abs difference {diff:.3g}")
    print(f"tensors: {len(expected & set(ours))} compared, {failed} differ; max abs difference {worst:.3g}")
    return failed == 0


def llama_cpp_logits(gguf_path, sequences):
    from llama_cpp import Llama
    # One thread: ggml's workers spin while they wait, which starves everything else on a shared 2-core machine.
    llm = Llama(model_path=str(gguf_path), logits_all=True, n_ctx=1024, n_batch=1024, n_threads=1,
                n_threads_batch=1, verbose=False, seed=0)
    rows = []
    for ids in sequences:
        llm.reset()
        llm.eval(ids)
        rows.append(np.array(llm.scores[len(ids) - 1], dtype=np.float64))
    return rows


def check_logits(gguf_path, model_dir, engine_jsonl, f32_path=None, tolerance=1e-3):
    ref = Model(gguf_path)
    engine = read_jsonl(engine_jsonl)
    sequences = [row["ids"] for row in engine]
    failed = 0
    worst_rel = 0.0
    worst_abs = 0.0
    top1 = 0
    for i, row in enumerate(engine):
        ours = np.array(row["logits"], dtype=np.float64)
        expected = ref.last_logits(row["ids"])
        abs_diff = float(np.max(np.abs(ours - expected)))
        rel = abs_diff / float(np.max(np.abs(expected)))
        same_top = int(np.argmax(ours)) == int(np.argmax(expected))
        top1 += same_top
        worst_rel = max(worst_rel, rel)
        worst_abs = max(worst_abs, abs_diff)
        status = "ok" if rel <= tolerance and same_top else "MISMATCH"
        failed += status != "ok"
        print(f"logits: prompt {i} ({len(row['ids'])} tokens): max abs {abs_diff:.3g}, relative {rel:.3g}, "
              f"top-1 {'same' if same_top else 'differs'}: {status}")
    print(f"logits: {len(engine)} prompts against the numpy forward: max abs {worst_abs:.3g}, max relative "
          f"{worst_rel:.3g} (tolerance {tolerance}), top-1 agreement {top1}/{len(engine)}")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        print("logits: llama.cpp comparison skipped: llama_cpp does not import")
        return failed == 0
    compared = [(gguf_path, "quantized arithmetic")]
    if f32_path:
        compared.append((f32_path, "float32 arithmetic on the same dequantized weights"))
    for path, how in compared:
        agree = 0
        worst = 0.0
        worst_rel = 0.0
        for row, theirs in zip(engine, llama_cpp_logits(path, sequences)):
            ours = np.array(row["logits"], dtype=np.float64)
            agree += int(np.argmax(ours)) == int(np.argmax(theirs))
            worst = max(worst, float(np.max(np.abs(ours - theirs))))
            worst_rel = max(worst_rel, float(np.max(np.abs(ours - theirs))) / float(np.max(np.abs(theirs))))
        print(f"logits: against llama.cpp on {Path(path).name} ({how}; reported, not checked): top-1 agreement "
              f"{agree}/{len(engine)}, max abs difference {worst:.3g}, max relative {worst_rel:.3g}")
    return failed == 0


def check_greedy(gguf_path, ids_jsonl, engine_jsonl, max_tokens):
    ref = Model(gguf_path)
    failed = 0
    rows = read_jsonl(engine_jsonl)
    prompts = read_jsonl(ids_jsonl)
    for i, row in enumerate(rows):
        expected = ref.greedy(prompts[i], max_tokens)
        ours = row["ids"]
        same = ours == expected
        failed += not same
        first = next((k for k, (a, b) in enumerate(zip(ours, expected)) if a != b), min(len(ours), len(expected)))
        print(f"greedy: prompt {i}: {len(ours)} tokens ours, {len(expected)} reference: "
              f"{'identical' if same else 'DIFFER from token ' + str(first)}")
    print(f"greedy: {len(rows) - failed}/{len(rows)} continuations identical "
          f"({sum(len(r['ids']) for r in rows)} tokens in all, at most {max_tokens} each)")
    return failed == 0


def chatml(user):
    return f"<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n" \
           f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


# The first five are the greedy-generation prompts: ones the model continues past 32 tokens (a short chat answer
# would end at <|im_end|> first).
PROMPTS = [
    chatml("Write a haiku about the sea."),
    chatml("How do I reverse a list in Python?"),
    "Once upon a time, in a small village by the mountains,",
    "The three laws of thermodynamics are",
    "Dear hiring manager, I am writing to apply for",
] + [chatml(u) for u in [
    "What is the capital of France?",
    "Explain photosynthesis in one sentence.",
    "List three primary colors.",
    "What is 12 times 7?",
    "Give me a tip for better sleep.",
    "Translate 'good morning' into Spanish.",
    "Who wrote Romeo and Juliet?",
    "Why is the sky blue?",
    "Name a mammal that can fly.",
    "Summarize the plot of Cinderella in two sentences.",
]] + [
    "The quick brown fox jumps over the lazy dog.",
    "def fibonacci(n):\n    if n < 2:\n        return n\n",
    "In 1969, the first humans landed on",
    "import numpy as np\n\nx = np.arange(10)\n",
    "Water boils at 100 degrees Celsius at sea level because",
    "Les élèves ont étudié la géographie et",
    "1, 1, 2, 3, 5, 8, 13,",
    "<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
    "A",
]


# ---------------------------------------------------------------------------------------------------------------
# Tokenizer strings: hand-picked edge cases, then seeded random mixtures of pieces of many kinds

EDGE_CASES = [
    "", " ", "  ", "\n", "\n\n", "\n\n\n", "\t", " \t ", "\r\n", " \n \n", "a", "A", "1", "12", "123", "1234567890",
    "3.14159", "1,000,000", "2026-12-01", "0x1F", "v1.2.3", "-42", "+7", "1e-5", "Hello world", "Hello  world",
    "Hello\nworld", " leading space", "trailing space ", "double  space", "tab\tseparated", "don't", "I'm", "we'll",
    "they've", "it's", "DON'T", "café", "naïve", "Ünïcödé", "e\u0301", "Привет, мир!", "日本語のテキスト", "中文字符测试",
    "한국어 문장", "مرحبا بالعالم", "שלום עולם", "ελληνικά", "हिन्दी", "ไทย", "😀", "👍🏽", "🇫🇷", "👨‍👩‍👧", "a\u00a0b",
    "a\u3000b", "\u200b", "x\u200dy", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nHi<|im_end|>\n",
    "<|im_start|>assistant\n", "<|im_sta", "<|im_start|", "< |im_end|>", "<repo_name>", "<file_sep>x<filename>y",
    "def f(x):\n    return x * 2\n", "for (int i = 0; i < n; i++) {\n  sum += a[i];\n}", "{\"key\": [1, 2, 3]}",
    "if x == 1:\n\tpass", "    indented", "        eight", "#include <stdio.h>", "SELECT * FROM t WHERE id = 1;",
    "https://example.com/path?q=1&r=2", "user@example.com", "$100.00", "50%", "C++", "C#", "...", "!!!", "???",
    "--", "—", "–", "“quoted”", "‘single’", "«guillemets»", "§ 3(a)(ii)", "α+β=γ", "∑∫√∞", "½ ¾", "①②③", "™®©",
]

WORDS = ("the of and to in is was for on that with as by at from his her it an were are which this be or has had "
         "not but what all when we there can been one would will their more if no out so said who she up them "
         "safety model answer policy request refuse harmful helpful reasoning spec clause deliberate alignment "
         "Python Java numpy tensor gradient token vocabulary merge byte level pretokenizer").split()
CODE = ["def ", "return ", "class ", "import ", "(", ")", "[", "]", "{", "}", ":", ";", "=", "==", "!=", "->", "=>",
        "+=", "x", "self", "None", "null", "true", "false", "i++", "//", "/*", "*/", "#", "'", '"', "`", "\\n", "\\",
        "__init__", "snake_case", "camelCase", "PascalCase", "SCREAMING_CASE", "<div>", "</div>", "&amp;", "@Override"]
UNICODE = ["é", "ñ", "ü", "ß", "ø", "å", "ç", "Ж", "я", "ж", "日", "本", "語", "中", "文", "한", "글", "ع", "ر", "ב",
           "α", "Ω", "π", "😀", "🎉", "👍", "🇯🇵", "✓", "→", "€", "£", "¥", "°", "µ", "\u00a0", "\u3000", "\u2028",
           "e\u0301", "\u200d", "🏳️‍🌈", "ﬁ", "Ａ", "１"]
SPECIALS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\n", "<|im_start|>assistant\n",
            "<|im_end|>\n", "<issue_start>", "<jupyter_code>", "<|im_", "|>", "<|"]
SPACES = [" ", "  ", "   ", "    ", "\n", "\n\n", "\n\n\n", "\t", "\t\t", "\r\n", " \n", "\n ", "  \n  ", "\n\t"]


def piece(rng):
    kind = rng.random()
    if kind < 0.30:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    if kind < 0.45:
        return "".join(rng.choice(CODE) for _ in range(rng.randint(1, 8)))
    if kind < 0.60:
        n = rng.randint(1, 14)
        return "".join(rng.choice("0123456789") for _ in range(n)) + rng.choice(["", ".", ",", " ", ".5", "%"])
    if kind < 0.75:
        return "".join(rng.choice(UNICODE) for _ in range(rng.randint(1, 6)))
    if kind < 0.85:
        return rng.choice(SPECIALS)
    if kind < 0.95:
        return rng.choice(SPACES) * rng.randint(1, 3)
    return rng.choice(WORDS).upper() + rng.choice(["'s", "'t", "'re", "'ll", "'d", "'ve", "'m", "'S"])


def test_strings(count=1200, seed=12):
    rng = random.Random(seed)
    strings = list(EDGE_CASES)
    while len(strings) < count:
        strings.append("".join(piece(rng) + rng.choice(["", "", " ", "\n", "  "]) for _ in range(rng.randint(1, 8))))
    return strings


def write_strings(out):
    with open(out, "w", encoding="utf-8") as f:
        for s in test_strings():
            f.write(json.dumps(s) + "\n")


def check_tokens(gguf_path, strings_path, engine_jsonl):
    from llama_cpp import Llama
    llm = Llama(model_path=str(gguf_path), vocab_only=True, verbose=False)
    strings = read_jsonl(strings_path)
    ours = read_jsonl(engine_jsonl)
    if len(strings) != len(ours):
        print(f"tokens: {len(strings)} strings but {len(ours)} lines of our ids")
        return False
    same = 0
    shown = 0
    for text, ids in zip(strings, ours):
        theirs = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        if list(theirs) == ids:
            same += 1
        elif shown < 10:
            shown += 1
            print(f"tokens: {json.dumps(text)}: ours {ids[:20]}, llama.cpp {list(theirs)[:20]}")
    print(f"tokens: {same}/{len(strings)} strings tokenized identically to llama.cpp")
    return same == len(strings)


# ---------------------------------------------------------------------------------------------------------------
# Requantized variants, made by llama.cpp itself

FTYPES = {"Q4_0": 2, "Q4_1": 3, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18, "F16": 1,
          "BF16": 32, "F32": 0}


def requantize(gguf_path, out_dir, kinds):
    import llama_cpp
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        target = out_dir / f"{kind}.gguf"
        if target.exists():
            continue
        params = llama_cpp.llama_model_quantize_default_params()
        params.ftype = FTYPES[kind]
        # The source is already quantized (Q4_1, Q8_0): llama.cpp must be allowed to requantize it.
        params.allow_requantize = True
        status = llama_cpp.llama_model_quantize(str(gguf_path).encode(), str(target).encode(), params)
        if status != 0:
            raise SystemExit(f"error: llama.cpp could not quantize {gguf_path} to {kind} (status {status})")
        print(f"requantize: {target}")


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "tensors":
        return check_tensors(argv[2], argv[3])
    if command == "logits":
        return check_logits(argv[2], argv[3], argv[4], argv[5] if len(argv) > 5 else None)
    if command == "greedy":
        return check_greedy(argv[2], argv[3], argv[4], int(argv[5]))
    if command == "prompts":
        with open(argv[2], "w", encoding="utf-8") as f:
            for p in PROMPTS:
                f.write(json.dumps(p) + "\n")
        return True
    if command == "strings":
        write_strings(argv[2])
        return True
    if command == "tokens":
        return check_tokens(argv[2], argv[3], argv[4])
    if command == "requantize":
        requantize(argv[2], argv[3], argv[4:])
        return True
    print(__doc__, file=sys.stderr)
    return False


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv) else 1)
