#!/usr/bin/env python3
"""Full-width punctuation in Chinese text (issue 16: ，：；（）！？ instead of , : ; ( ) ! ? ).

    scripts/fullwidth_punctuation.py            # list what would change, exit 1 if anything
    scripts/fullwidth_punctuation.py --write    # change the files in place

It reads the project's own text: string literals in Python (docstrings and raw or byte
strings left alone), templates (text, and quoted strings inside template tags and
<script> blocks), JavaScript string literals and the msgids of the .po files, so that a
translated msgid changes exactly as its source does. A half-width comma, semicolon or
colon is replaced when the character beside it is Chinese; a pair of parentheses when it
encloses Chinese or touches it. Placeholders (%(name)s, {name}, {{ var }}, {% tag %}),
URLs and HTML entities are never touched, and neither is a colon or comma between digits.
Every replacement is one character for one, so offsets never move.

tests/test_punctuation.py runs the check over the repository.
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
FULL_PUNCTUATION = "，。、；：？！“”‘’（）《》【】「」"
NEUTRAL = "\ue000"  # stands for a protected span (a placeholder): neither Chinese nor space
CHINESE_SPAN = "\ue001"  # stands for a protected span that prints Chinese ({% translate "名称" %})
HTML_TAG = "\ue002"  # an HTML tag in a template: neither text nor a gap between two words
ENGLISH_PHRASE = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+){2,}")  # three Latin words in a row

PROTECTED = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]"  # %(name)s
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"  # template variables, tags, comments
    r"|\{[^{}\s]*\}"  # str.format / f-string fields
    r"|https?://[^\s\"'<>]+"  # URLs
    r"|&#?\w+;",  # HTML entities
    re.S,
)
JS_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")


def is_chinese(ch: str | None) -> bool:
    if not ch:
        return False
    code = ord(ch)
    return (
        0x3400 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x3000 <= code <= 0x303F
        or ch in FULL_PUNCTUATION
        or ch == CHINESE_SPAN
    )


def _neighbour(chars: list[str], index: int, step: int) -> str | None:
    index += step
    while 0 <= index < len(chars):
        if not chars[index].isspace() and chars[index] != HTML_TAG:
            return chars[index]
        index += step
    return None


def convert(text: str, protected: list[tuple[int, int, str]] = (), *, prose: bool = True) -> str:
    """The text with its Chinese punctuation made full-width (same length).

    `prose`: the text is one message (a string literal, a msgid): left alone when it is
    English (it has three Latin words in a row). Off for a whole template, whose markup is
    not prose, and whose HTML tags are skipped. In a message or a template's text, a comma,
    semicolon or colon between two placeholders is Chinese too, and so are parentheses
    that hold only placeholders after a placeholder (`{{ name }}({{ count }})`).
    `protected`: extra (start, end, marker) spans."""
    if not any(is_chinese(ch) for ch in text):
        return text
    masked = PROTECTED.sub(lambda m: NEUTRAL * len(m.group()), text)
    masked = list(re.sub(r"\\[nrt]", "  ", masked))  # an escaped line break is white space
    for start, end, marker in protected:
        masked[start:end] = marker * (end - start)
    if prose and ENGLISH_PHRASE.search("".join(ch if ch != NEUTRAL else "," for ch in masked)):
        return text
    out = list(text)
    if not prose:  # a tag's attributes are not text; text runs on through the tag
        for tag in re.finditer(r"<[^<>]*>", "".join(masked)):
            masked[tag.start() : tag.end()] = HTML_TAG * (tag.end() - tag.start())
    placeholder = {NEUTRAL, CHINESE_SPAN}

    stack, pairs, lone = [], [], []
    for i, ch in enumerate(masked):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            (pairs.append((stack.pop(), i)) if stack else lone.append(i))
    lone += stack
    for start, end in pairs:
        inner = masked[start + 1 : end]
        if inner[:1] in (['"'], ["'"]):
            continue  # a call such as alert("…"), not prose
        content = "".join(inner)
        only_placeholders = (
            _neighbour(masked, start, -1) in placeholder
            and any(ch in placeholder for ch in content)
            and set(content) <= placeholder | set(" ,，、")
        )
        if (
            any(is_chinese(ch) for ch in inner)
            or is_chinese(_neighbour(masked, start, -1))
            or is_chinese(_neighbour(masked, end, 1))
            or only_placeholders
        ):
            out[start] = masked[start] = "（"
            out[end] = masked[end] = "）"
    for i in lone:
        if is_chinese(_neighbour(masked, i, -1)) or is_chinese(_neighbour(masked, i, 1)):
            out[i] = masked[i] = HALF_TO_FULL[masked[i]]

    for i, ch in enumerate(masked):
        if ch not in ",;:":
            continue
        left, right = _neighbour(masked, i, -1), _neighbour(masked, i, 1)
        between_placeholders = {left, right} <= placeholder | set(FULL_PUNCTUATION)
        if is_chinese(left) or is_chinese(right) or between_placeholders:
            out[i] = HALF_TO_FULL[ch]
    for i, ch in enumerate(masked):
        # A sentence's ! or ? closes Chinese text: only the character before it counts
        # (a ? after a path or a placeholder starts a query string).
        if ch in "!?" and is_chinese(_neighbour(masked, i, -1)):
            out[i] = HALF_TO_FULL[ch]
    return "".join(out)


# ---- Python -------------------------------------------------------------------------


def _string_body(token: str) -> tuple[int, int] | None:
    """(start, end) of the literal's body inside the token; None for raw and byte strings."""
    prefix = re.match(r"[A-Za-z]*", token).group().lower()
    if "r" in prefix or "b" in prefix:
        return None
    rest = token[len(prefix) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    return len(prefix) + len(quote), len(token) - len(quote)


def _fstring_fields(body: str) -> list[tuple[int, int]]:
    """The replacement fields of an f-string's body, nested braces included."""
    fields, depth, start, i = [], 0, 0, 0
    while i < len(body):
        if depth == 0 and body[i : i + 2] in ("{{", "}}"):
            i += 2
            continue
        if body[i] == "{":
            depth, start = depth + 1, start if depth else i
        elif body[i] == "}" and depth:
            depth -= 1
            if not depth:
                fields.append((start, i + 1))
        i += 1
    return fields


def convert_python(source: str) -> str:
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    skip = {tokenize.NL, tokenize.COMMENT}
    significant = [t for t in tokens if t.type not in skip]
    out = list(source)
    i = 0
    while i < len(significant):
        if significant[i].type != tokenize.STRING:
            i += 1
            continue
        j = i
        while j + 1 < len(significant) and significant[j + 1].type == tokenize.STRING:
            j += 1
        group = significant[i : j + 1]
        before = significant[i - 1].type if i else None
        after = significant[j + 1].type if j + 1 < len(significant) else None
        is_docstring = before in (
            None,
            tokenize.NEWLINE,
            tokenize.INDENT,
            tokenize.DEDENT,
            tokenize.ENCODING,
        ) and (after in (tokenize.NEWLINE, tokenize.ENDMARKER))
        bodies = [_string_body(t.string) for t in group]
        if not is_docstring and all(bodies):
            offsets, fields = [], []
            joined = ""
            for token, (start, end) in zip(group, bodies, strict=True):
                absolute = starts[token.start[0] - 1] + token.start[1]
                offsets.append((absolute + start, len(joined)))
                if "f" in token.string[:start].lower():
                    fields += [
                        (len(joined) + a, len(joined) + b, NEUTRAL)
                        for a, b in _fstring_fields(token.string[start:end])
                    ]
                joined += token.string[start:end]
            converted = convert(joined, fields)
            if converted != joined:
                for (absolute, at), (start, end) in zip(offsets, bodies, strict=True):
                    length = end - start
                    out[absolute : absolute + length] = converted[at : at + length]
        i = j + 1
    return "".join(out)


# ---- templates and JavaScript -------------------------------------------------------

TEMPLATE_CODE = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}"
    r"|<style\b.*?</style>|<script\b.*?</script>"
    r"|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{%.*?%\}|\{\{.*?\}\}",
    re.S,
)
TRANSLATE_TAG = re.compile(r"\{%\s*(?:trans|translate)\s+(\"[^\"]*\"|'[^']*')")
BLOCK_TAG = re.compile(r"\{%.*?%\}", re.S)


def _convert_quoted(code: str) -> str:
    return JS_STRING.sub(lambda m: m.group()[0] + convert(m.group()[1:-1]) + m.group()[-1], code)


def _convert_blocktranslate(block: str) -> str:
    """{% blocktranslate %}…{% plural %}…{% endblocktranslate %}: each message as its msgid."""
    tags = list(BLOCK_TAG.finditer(block))
    out = _convert_quoted(tags[0].group()) + block[tags[0].end() :]
    messages, at = [], tags[0].end()
    for tag in tags[1:]:
        messages.append((at, tag.start()))
        at = tag.end()
    for start, end in messages:
        out = out[:start] + convert(block[start:end]) + out[end:]
    return out


def convert_template(source: str) -> str:
    protected = []
    out = source
    for match in TEMPLATE_CODE.finditer(source):
        code = match.group()
        translated = TRANSLATE_TAG.match(code)
        chinese = translated and any(is_chinese(ch) for ch in translated.group(1))
        protected.append((*match.span(), CHINESE_SPAN if chinese else NEUTRAL))
        if code.startswith(("{#", "<style")) or re.match(r"\{%\s*comment", code):
            continue
        if code.startswith("<script"):
            head = code.index(">") + 1
            converted = code[:head] + _convert_quoted(code[head:])
        elif re.match(r"\{%\s*blocktrans", code):
            converted = _convert_blocktranslate(code)
        else:
            converted = _convert_quoted(code)
        out = out[: match.start()] + converted + out[match.end() :]
    return convert(out, protected, prose=False)


def convert_javascript(source: str) -> str:
    return _convert_quoted(source)


# ---- .po files ----------------------------------------------------------------------

PO_STRING = re.compile(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[\d+\])?|)\s*"(.*)"\s*$')


def convert_po(source: str) -> str:
    """Convert every msgid (and msgid_plural) as its source string is converted."""
    lines = source.splitlines(keepends=True)
    out = list(lines)
    block, keyword = [], None

    def flush():
        if keyword in ("msgid", "msgid_plural") and block:
            joined = "".join(lines[n][s:e] for n, s, e in block)
            converted = convert(joined)
            at = 0
            for n, s, e in block:
                out[n] = out[n][:s] + converted[at : at + e - s] + out[n][e:]
                at += e - s

    for n, line in enumerate(lines):
        match = PO_STRING.match(line.rstrip("\n"))
        if line.startswith("#") or not match:
            flush()
            block, keyword = [], None
            continue
        if match.group(1):
            flush()
            block, keyword = [], match.group(1)
        block.append((n, match.start(2), match.end(2)))
    flush()
    return "".join(out)


# ---- the repository -----------------------------------------------------------------

CONVERTERS = {
    ".py": convert_python,
    ".html": convert_template,
    ".txt": convert_template,
    ".js": convert_javascript,
    ".po": convert_po,
}


def project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / name
        for name in listed
        if Path(name).suffix in CONVERTERS
        and "/vendor/" not in f"/{name}"
        and not name.startswith(
            ("benchmarks/", "scripts/fullwidth_punctuation.py", "tests/test_punctuation.py")
        )
        and (ROOT / name).is_file()
    ]


def changes(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    return text, CONVERTERS[path.suffix](text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="change the files in place")
    args = parser.parse_args()
    found = 0
    for path in project_files():
        before, after = changes(path)
        if before == after:
            continue
        for number, (old, new) in enumerate(zip(before.splitlines(), after.splitlines(), strict=True), 1):
            if old != new:
                found += 1
                print(f"{path.relative_to(ROOT)}:{number}: {new.strip()[:160]}")
        if args.write:
            path.write_text(after, encoding="utf-8")
    print(f"{found} line(s) {'changed' if args.write else 'to change'}", file=sys.stderr)
    return 1 if found and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
