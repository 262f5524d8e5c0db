"""textmate.py - checks the TextMate grammar and the VS Code extension.

usage: python3 textmate.py EDITORS_DIR

Prints "ok ..." or "FAIL ..." for each check (editors/test.sh counts
them). The grammar's regexes are written in the part of Oniguruma's syntax
that Python's re shares, so each must compile here. Then a small TextMate
tokenizer (match, begin/end, captures, name/contentName, includes; another
grammar such as source.c is left out) reads the test files, and the scopes
at chosen places must be the expected ones.
"""
import json
import os
import re
import sys

results = []


def check(ok, what):
    results.append(("ok   " if ok else "FAIL ") + what)
    return ok


class Grammar:
    def __init__(self, g):
        self.g = g
        self.repo = g.get("repository", {})
        self.cache = {}

    def rules(self):
        """Every rule of the grammar, with where it is."""
        def walk(rule, where):
            yield rule, where
            for i, p in enumerate(rule.get("patterns", [])):
                yield from walk(p, "%s.patterns[%d]" % (where, i))
        yield from walk(self.g, "top")
        for name, rule in self.repo.items():
            yield from walk(rule, "#" + name)

    def patterns(self, rule):
        """The rules tried inside RULE, includes expanded."""
        key = id(rule)
        if key not in self.cache:
            out = []
            for p in rule.get("patterns", []):
                self._expand(p, out, set())
            self.cache[key] = out
        return self.cache[key]

    def _expand(self, p, out, seen):
        inc = p.get("include")
        if inc is None:
            out.append(p)
            return
        if inc in ("$self", "$base"):
            target = self.g
        elif inc.startswith("#"):
            target = self.repo[inc[1:]]
        else:
            return  # another language's grammar: not here
        if id(target) in seen:
            return
        if "match" in target or "begin" in target:
            out.append(target)
        else:
            for q in target.get("patterns", []):
                self._expand(q, out, seen | {id(target)})

    def tokenize(self, text):
        """The scopes of every character: a list of lines, each a list of
        scope tuples, one per column (and one for the newline)."""
        rx = re.compile
        stack = [(self.g, None, (self.g["scopeName"],), None)]
        lines = []
        for line in text.split("\n"):
            s = line + "\n"
            sc = [None] * len(s)
            pos, stuck = 0, 0

            def fill(a, b, scopes):
                for i in range(a, b):
                    sc[i] = scopes

            def captures(m, caps, scopes):
                fill(m.start(), m.end(), scopes)
                for k in sorted(caps or {}, key=int):
                    i = int(k)
                    if i <= (m.re.groups) and m.start(i) >= 0 and "name" in caps[k]:
                        for c in range(m.start(i), m.end(i)):
                            sc[c] = sc[c] + (caps[k]["name"],)

            while pos <= len(s):
                rule, end, inner, outer = stack[-1]
                best = None
                cands = [("end", end, rule)] if end is not None else []
                for p in self.patterns(rule):
                    kind = "match" if "match" in p else "begin"
                    cands.append((kind, rx(p[kind]), p))
                for kind, r, p in cands:
                    m = r.search(s, pos)
                    if m and (best is None or m.start() < best[1].start()):
                        best = (kind, m, p)
                if best is None:
                    fill(pos, len(s), inner)
                    break
                kind, m, p = best
                fill(pos, m.start(), inner)
                named = inner + ((p["name"],) if "name" in p else ())
                if kind == "end":
                    captures(m, rule.get("endCaptures", rule.get("captures")), outer)
                    stack.pop()
                elif kind == "match":
                    captures(m, p.get("captures"), named)
                else:
                    captures(m, p.get("beginCaptures", p.get("captures")), named)
                    content = named + ((p["contentName"],) if "contentName" in p else ())
                    stack.append((p, rx(p["end"]), content, named))
                stuck = stuck + 1 if m.end() == pos else 0
                if stuck > 50:
                    raise RuntimeError("the grammar loops at %r" % line)
                pos = m.end()
                if pos >= len(s):
                    break
            lines.append(sc)
        return lines


def scopes_at(text, tokens, pattern):
    """The scopes at the start of group 1 of PATTERN's first match."""
    m = re.search(pattern, text, re.M)
    if not m:
        return None
    line = text.count("\n", 0, m.start(1))
    col = m.start(1) - (text.rfind("\n", 0, m.start(1)) + 1)
    return tokens[line][col]


def check_scopes(name, text, tokens, cases):
    for pattern, scope, what in cases:
        got = scopes_at(text, tokens, pattern)
        neg = scope.startswith("!")
        want = scope.lstrip("!")
        ok = got is not None and ((want in got) != neg)
        check(ok, "textmate: %s: %s is %s%s" % (
            name, what, "not " if neg else "", want) +
            ("" if ok else " (scopes: %s)" % (" ".join(got) if got else "pattern not found")))


def main():
    top = sys.argv[1]
    path = os.path.join(top, "textmate", "pipe.tmLanguage.json")
    with open(path) as f:
        g = json.load(f)
    gr = Grammar(g)
    check(g.get("scopeName") == "source.pipe", "textmate: the scope is source.pipe")

    bad = []
    count = 0
    for rule, where in gr.rules():
        for key in ("match", "begin", "end", "while"):
            if key in rule:
                count += 1
                try:
                    re.compile(rule[key])
                except re.error as e:
                    bad.append("%s %s %r: %s" % (where, key, rule[key], e))
    check(not bad, "textmate: all %d regexes compile%s" % (count, "".join("\n     " + b for b in bad)))

    missing = []
    for rule, where in gr.rules():
        inc = rule.get("include", "")
        if inc.startswith("#") and inc[1:] not in gr.repo:
            missing.append(where + " " + inc)
    check(not missing, "textmate: every #include names a repository rule" + "".join("\n     " + m for m in missing))
    externals = sorted({r.get("include") for r, _ in gr.rules()
                        if r.get("include", "#")[0] not in "#$"})
    check(externals == ["source.c"], "textmate: C is the one grammar embedded (%s)" % ", ".join(externals))

    vs = os.path.join(top, "vscode")
    with open(os.path.join(vs, "package.json")) as f:
        pkg = json.load(f)
    langs = pkg.get("contributes", {}).get("languages", [])
    grams = pkg.get("contributes", {}).get("grammars", [])
    lang = next((l for l in langs if l.get("id") == "pipe"), {})
    gram = next((x for x in grams if x.get("language") == "pipe"), {})
    check(".pipe" in lang.get("extensions", []), "vscode: language 'pipe' for *.pipe files")
    check("vscode" in pkg.get("engines", {}), "vscode: package.json names the engine")
    conf = os.path.join(vs, lang.get("configuration", "-"))
    gpath = os.path.join(vs, gram.get("path", "-"))
    check(os.path.isfile(conf), "vscode: the language configuration is there")
    check(os.path.isfile(gpath) and os.path.samefile(gpath, path),
          "vscode: the grammar is textmate/pipe.tmLanguage.json")
    check(gram.get("scopeName") == g.get("scopeName"), "vscode: the grammar's scope matches")
    check(gram.get("embeddedLanguages", {}).get("meta.embedded.block.c") == "c",
          "vscode: bodies and C blocks are C (embeddedLanguages)")
    if os.path.isfile(conf):
        with open(conf) as f:
            lc = json.load(f)
        cm = lc.get("comments", {})
        check(cm.get("lineComment") == "//" and cm.get("blockComment") == ["/*", "*/"],
              "vscode: comments are // and /* */")
        check(all(b in lc.get("brackets", []) for b in (["{", "}"], ["[", "]"], ["(", ")"])),
              "vscode: brackets are {} [] ()")

    for name, cases in (("sample.pipe", SAMPLE), ("corners.pipe", CORNERS)):
        with open(os.path.join(top, "test", name)) as f:
            text = f.read()
        try:
            tokens = gr.tokenize(text)
        except (RuntimeError, re.error, KeyError) as e:
            check(False, "textmate: %s: tokenizing: %s" % (name, e))
            continue
        check_scopes(name, text, tokens, cases)

    print("\n".join(results))
    print("done")


# (regex whose group 1 is the place, the scope expected there, what it is)
# "!scope": the scope must not be there.
SAMPLE = [
    (r"^(/\*) sample", "comment.block.pipe", "a block comment"),
    (r"(// how many)", "comment.line.double-slash.pipe", "a line comment"),
    (r"// (TODO)", "keyword.other.todo.pipe", "TODO in a comment"),
    (r"^(pipeline)", "storage.type.pipeline.pipe", "the keyword pipeline"),
    (r"^pipeline (sample)", "entity.name.type.pipeline.pipe", "the pipeline's name"),
    (r"^(%header\{)", "punctuation.section.embedded.begin.pipe", "%header{"),
    (r"^(typedef)", "meta.embedded.block.c", "C in %header{ %}"),
    (r"^#(include) <stdlib", "meta.embedded.block.c", "C in %{ %}"),
    (r"^(%\})\n\nparam", "punctuation.section.embedded.end.pipe", "the %} closing a C block"),
    (r"^(%\})\n\nparam", "!meta.embedded.block.c", "the %} closing a C block"),
    (r"^(param) limit", "storage.type.param.pipe", "the keyword param"),
    (r"^param (limit)", "variable.other.param.pipe", "a parameter's name"),
    (r"limit: (long)", "support.type.primitive.pipe", "a parameter's type"),
    (r"(0x10)", "constant.numeric.integer.hexadecimal.pipe", "a hexadecimal integer"),
    (r"(1\.5e-3)", "constant.numeric.float.pipe", "a floating-point number"),
    (r"= (16);", "constant.numeric.integer.decimal.pipe", "an integer"),
    (r'(")a \\"quoted', "string.quoted.double.pipe", "a string"),
    (r'a (\\")quoted', "constant.character.escape.pipe", "an escape in a string"),
    (r"= (false)", "constant.language.boolean.pipe", "false"),
    (r"^(message)", "storage.type.message.pipe", "the keyword message"),
    (r"^message (Item)", "entity.name.type.message.pipe", "a message's name"),
    (r"(drop)\(item_drop\)", "keyword.other.hook.pipe", "a hook"),
    (r"drop\((item_drop)\)", "entity.name.function.hook.pipe", "a hook's function"),
    (r"^\t(Tick);", "variable.other.enummember.pipe", "a variant"),
    (r"Data\((blob):", "variable.other.field.pipe", "a field"),
    (r"(unsigned) long\)", "storage.type.pipe", "a payload's C type"),
    (r"^(channel)", "storage.type.channel.pipe", "the keyword channel"),
    (r"^channel (mixed)", "variable.other.channel.pipe", "a channel's name"),
    (r"Item \[(\*)\];", "constant.language.unbounded.pipe", "an unbounded capacity"),
    (r"^(stage) make", "storage.type.stage.pipe", "the keyword stage"),
    (r"^stage (make)", "entity.name.function.stage.pipe", "a stage's name"),
    (r"make\((out) items", "storage.modifier.direction.pipe", "a port's direction"),
    (r"make\(out (items)", "variable.parameter.port.pipe", "a port's name"),
    (r"make\(out items: (Item)", "entity.name.type.message.pipe", "a port's message type"),
    (r"make\(out items: Item\.\{(Data)", "variable.other.enummember.pipe", "a variant in a port's type"),
    (r"Tick\}\) (\{)\n\t/\*", "punctuation.section.block.begin.pipe", "the { opening a stage body"),
    (r"^\t(while) \(Item_send", "meta.embedded.block.c", "while in a body"),
    (r'close = (")\}"', "string.quoted.double.c", 'a "}" in a body'),
    (r"open = '(\{)'", "string.quoted.single.c", "a '{' in a body"),
    (r"/\* a (\}) in", "comment.block.c", "a } in a comment in a body"),
    (r"\t\t\t(break);", "meta.embedded.block.c", "C in nested braces"),
    (r"return 0;\n(\})\n\nextern", "punctuation.section.block.end.pipe", "the } closing a body"),
    (r"return 0;\n(\})\n\nextern", "!meta.embedded.block.c", "the } closing a body"),
    (r"^(extern)", "storage.modifier.extern.pipe", "extern after a body"),
    (r"^extern (stage)", "storage.type.stage.pipe", "stage after extern"),
    (r"Count\) (thread) stack", "storage.modifier.attribute.pipe", "the attribute thread"),
    (r"thread (stack)\(64k", "storage.modifier.attribute.pipe", "the attribute stack"),
    (r"stack\((64k)\)", "constant.numeric.size.pipe", "a stack size"),
    (r"64k(\));", "punctuation.section.parens.end.pipe", "the ) closing a stack size"),
    (r"keep\(in (thread)", "variable.parameter.port.pipe", "a port named thread"),
    (r"keep\(in (thread)", "!storage.modifier.attribute.pipe", "a port named thread"),
    (r"^\t(stack)\(1M\)", "storage.modifier.attribute.pipe", "an attribute on the line after the ports"),
    (r"stack\((1M)\)", "constant.numeric.size.pipe", "a size in MiB"),
    (r"stack\(1M\) (\{)", "punctuation.section.block.begin.pipe", "the { opening a body after attributes"),
    (r"^\t(while) \(Item_recv\(thread", "meta.embedded.block.c", "C in that body"),
    (r"^(make) =>", "entity.name.function.pipe", "a stage in the wiring"),
    (r"^make (=>) audit", "keyword.operator.arrow.pipe", "a broadcast arrow"),
    (r"audit (\*) workers", "keyword.operator.replicate.pipe", "a replica count's *"),
    (r"audit \* (workers)", "variable.other.param.pipe", "a parameter as replica count"),
    (r"(=\[)capacity", "keyword.operator.arrow.pipe", "=["),
    (r"=\[(capacity)", "variable.other.param.pipe", "a parameter as capacity"),
    (r"=\[(4)\]", "constant.numeric.integer.pipe", "a capacity"),
    (r"=\[4(\]=>)", "keyword.operator.arrow.pipe", "]=>"),
    (r"-\[(\*)\]->", "constant.language.unbounded.pipe", "an unbounded capacity"),
    (r"(->) mixed;", "keyword.operator.arrow.pipe", "an arrow"),
    (r"both\.(left)", "variable.parameter.port.pipe", "a port in the wiring"),
]

CORNERS = [
    (r"pipeline corners (allow) cycles", "keyword.other.allow-cycles.pipe", "allow"),
    (r"pipeline corners allow (cycles)", "keyword.other.allow-cycles.pipe", "cycles"),
    (r"^(import)", "keyword.control.import.pipe", "import"),
    (r'^import (")', "string.quoted.double.pipe", "an import's path"),
    (r"= (12ab);", "invalid.illegal.numeric.pipe", "an invalid number"),
    (r"odd: (float)", "invalid.illegal.param-type.pipe", "an unknown parameter type"),
    (r'= (")no end', "invalid.illegal.unterminated-string.pipe", "an unterminated string"),
    (r"^\s+(Squared)\}\)", "variable.other.enummember.pipe", "a variant on a port list's third line"),
    (r"^(\{)\n\tif", "punctuation.section.block.begin.pipe", "a body's { on a line of its own"),
    (r"^\t(if) \(a\)", "meta.embedded.block.c", "C in that body"),
    (r"b\(\); \}\n(\})", "punctuation.section.block.end.pipe", "the } closing it"),
    (r"(// a comment) before the body", "comment.line.double-slash.pipe",
     "a comment between the ports and the body"),
    (r"^\t(while) \(a\)", "meta.embedded.block.c", "C in the body after it"),
    (r"\{ \}\n(\})\n\nwide", "punctuation.section.block.end.pipe", "the } closing that body"),
    (r"^(wide) -\[", "entity.name.function.pipe", "the wiring after it"),
    (r"-\[ (4) \]->", "constant.numeric.integer.pipe", "a capacity with blanks"),
    (r"attrs\(in (stack)", "variable.parameter.port.pipe", "a port named stack"),
    (r"Num\) (threads)", "invalid.illegal.attribute.pipe", "an unknown attribute"),
    (r"^\t(stack)\(64kb\)", "storage.modifier.attribute.pipe", "stack on the next line"),
    (r"stack\((64kb)\)", "invalid.illegal.size.pipe", "a malformed size"),
    (r"(/\*) a comment \*/ thread", "comment.block.pipe", "a comment among the attributes"),
    (r"\*/ (thread) \{", "storage.modifier.attribute.pipe", "thread after that comment"),
    (r"\*/ thread (\{)", "punctuation.section.block.begin.pipe", "the { opening that body"),
    (r"^\t(if) \(stack\)", "meta.embedded.block.c", "C in that body"),
    (r"tight\(in a: Num\)(\{)", "punctuation.section.block.begin.pipe", "a body right after the )"),
    (r"tight\(in a: Num\)\{ (if)", "meta.embedded.block.c", "C in that body"),
]

if __name__ == "__main__":
    main()
