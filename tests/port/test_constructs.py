"""Each JavaScript construct a tutorial uses: translated, run in Python, compared with Node.

A case is a small program that leaves its answer in `result`; Node runs it as written, Python
runs its translation, and both answers are compared as JSON.stringify writes them. Some cases
also pin the Python the translator writes (the idiom, not only the behaviour).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from expresspy import js
from expresspy.port.module import format_python, translate_module

from .nodejs import NODE_TIMEOUT, require_node

CASES: dict[str, str] = {
    "const-let-var": "const a = 1; let b = 2; var c = a + b; b += c; const result = [a, b, c];",
    "template-literal": "const n = 45.0; const u = undefined; const xs = [1, 2];\n"
    "const result = `n=${n} u=${u} xs=${xs} sum=${n + 1}`;",
    "string-plus-number": "const id = '7'; const result = [id + 1, 1 + 2, 'x' + 2.50];",
    "parse-int-lenient": "const result = [parseInt('2abc'), parseInt('abc'), Number('12px'), "
    "parseFloat('3.5kg')].map((v) => String(v));",
    "arrow-expression": "const double = (x) => x * 2; const result = [1, 2, 3].map(double);",
    "function-declaration": "function area(w, h = 2) { return w * h; }\n"
    "const result = [area(3), area(3, 4)];",
    "closure-counter": "function makeCounter() { let count = 0;\n"
    "  return function () { count++; return count; }; }\n"
    "const next = makeCounter(); next(); const result = next();",
    "global-counter": "let hits = 0; function hit() { hits += 1; }\n"
    "hit(); hit(); const result = hits;",
    "object-literal": "const name = 'ann'; const key = 'age';\n"
    "const result = { name, [key]: 30, 'x-y': true, nested: { a: [1] } };",
    "spread": "const base = { a: 1, b: 2 }; const more = [3, 4];\n"
    "const result = { ...base, b: 5, list: [0, ...more] };",
    "destructuring": "const user = { name: 'ann', role: undefined };\n"
    "const { name, role = 'guest', missing } = user;\n"
    "const [first, second] = [10, 20]; const result = [name, role, missing, "
    "first, second];",
    "rest-destructuring": "const { a, ...others } = { a: 1, b: 2, c: 3 }; const result = others;",
    "optional-chaining": "const a = { b: { c: 1 } }; const n = null;\nconst result = [a?.b, n?.b];",
    "nullish": "const zero = 0; const nothing = null;\n"
    "const result = [zero ?? 5, nothing ?? 5, zero || 5];",
    "ternary": "const age = 20; const result = age >= 18 ? 'adult' : 'minor';",
    "if-else-chain": "function grade(s) { if (s > 89) { return 'A'; } else if (s > 79) "
    "{ return 'B'; } else { return 'C'; } }\n"
    "const result = [grade(95), grade(85), grade(10)];",
    "switch": "function kind(x) { switch (x) { case 'a': case 'b': return 'early';\n"
    "  case 'z': return 'late'; default: return 'other'; } }\n"
    "const result = [kind('a'), kind('b'), kind('z'), kind('q')];",
    "for-counted": "let total = 0; for (let i = 0; i < 5; i++) { total += i; } "
    "const result = total;",
    "for-of": "const out = []; for (const x of [3, 1, 2]) { out.push(x * 10); } "
    "const result = out;",
    "for-in": "const keys = []; for (const k in { a: 1, b: 2 }) { keys.push(k); } "
    "const result = keys;",
    "for-of-entries": "const out = []; for (const [k, v] of Object.entries({ a: 1, b: 2 })) "
    "{ out.push(`${k}=${v}`); } const result = out.join('&');",
    "while": "let n = 0; while (n < 3) { n++; } const result = n;",
    "for-counting-down": "const xs = [1, 2, 3]; const out = [];\n"
    "for (let i = xs.length - 1; i >= 0; i--) { out.push(xs[i]); }\n"
    "for (let j = 10; j > 7; j -= 1) { out.push(j); } const result = out;",
    "for-general": "const out = []; for (let a = 1, b = 1; a < 30; a = a + b, b = a - b) "
    "{ out.push(a); } const result = out;",
    "do-while": "let n = 10; do { n++; } while (n < 3); const result = n;",
    "try-catch-finally": "const log = []; try { throw new Error('boom'); } catch (err) "
    "{ log.push(err.message); } finally { log.push('done'); } "
    "const result = log;",
    "class": "class Animal { constructor(name) { this.name = name; }\n"
    "  speak() { return `${this.name} speaks`; }\n"
    "  static create(n) { return new Animal(n); } }\n"
    "const result = Animal.create('Rex').speak();",
    "error-subclass": "class NotFound extends Error { constructor(m) { super(m); "
    "this.status = 404; } }\n"
    "let result; try { throw new NotFound('gone'); } catch (e) "
    "{ result = [e.message, e.status]; }",
    "array-methods": "const xs = [5, 1, 4];\n"
    "const result = [xs.find((x) => x > 3), xs.findIndex((x) => x === 4), "
    "xs.some((x) => x > 4), xs.every((x) => x > 0), xs.includes(1), "
    "xs.indexOf(9), xs.filter((x, i) => i > 0), xs.slice(1), xs.join('-')];",
    "array-mutation": "const xs = [1, 2, 3]; xs.push(4); xs.unshift(0); const last = xs.pop();"
    " const first = xs.shift(); const result = [xs, last, first];",
    "for-each": "const out = []; [1, 2].forEach((x, i) => { out.push(x + i); }); "
    "const result = out;",
    "string-methods": "const s = '  Hello World  ';\n"
    "const result = [s.trim().toLowerCase(), s.trim().split(' '), "
    "s.includes('World'), s.trim().startsWith('He'), 'ab'.repeat(2), "
    "'7'.padStart(3, '0'), s.trim().slice(-5), s.indexOf('o'), "
    "'a-b-c'.replace('-', '+'), 'a-b-c'.replaceAll('-', '+')];",
    "length-utf16": "const result = ['😀'.length, 'héllo'.length, [1, 2].length];",
    "math": "const result = [Math.round(2.5), Math.round(-2.5), Math.floor(2.7), "
    "Math.max(1, 5, 3), Math.min(...[4, 2]), Math.abs(-3)];",
    "json": "const text = JSON.stringify({ a: [1, 2.0], b: 'x', c: null, d: 1e21 });\n"
    "const result = [text, JSON.parse(text).a];",
    "regex": "const re = /^[a-z]+$/i; const result = [re.test('Hello'), re.test('hi5'), "
    "'2024-01-05'.replace(/-/g, '/'), /^\\d+$/.test('12\\n')];",
    "loose-equality": "const result = ['1' == 1, null == undefined, 0 == '', '1' === 1];",
    "truthiness": "const list = []; const obj = {}; const n = parseInt('x');\n"
    "const result = [list ? 'T' : 'F', obj ? 'T' : 'F', n ? 'T' : 'F', "
    "Boolean([]), Boolean(''), [0, NaN].map((v) => Boolean(v))];",
    "typeof": "const f = () => 1; const result = [typeof 'x' === 'string', "
    "typeof 1 === 'number', typeof f === 'function', typeof undefined === "
    "'undefined'];",
    "to-fixed": "const result = [(2.5).toFixed(0), (1.005).toFixed(2), (10).toFixed(1)];",
    "delete": "const o = { a: 1, b: 2 }; delete o.a; const result = o;",
    "update-in-expression": "let nextId = 1; const a = { id: nextId++ }; "
    "const b = { id: nextId++ }; const result = [a, b, nextId];",
    "object-namespace": "const db = { add(a, b) { return a + b; }, twice: (x) => x * 2 };\n"
    "const result = [db.add(1, 2), db.twice(4)];",
    "object-keys-values": "const o = { b: 1, a: 2 }; const result = [Object.keys(o), "
    "Object.values(o), Object.assign({}, o, { c: 3 })];",
    "switch-typeof": "function kind(v) { switch (typeof v) {\n  case 'object': return 'obj';\n"
    "  case 'function': return 'fn';\n  case 'string': case 'number': "
    "return 'scalar';\n  default: return 'other'; } }\n"
    "const result = [kind({}), kind(() => 1), kind('s'), kind(2), kind(true)];",
    "optional-parameter": "function walk(tree, prefix) { prefix = prefix || '';\n"
    "  return Object.keys(tree).map((k) => prefix + k); }\n"
    "const result = [walk({ a: 1 }), walk({ b: 1 }, '/x')];",
    "function-named-like-a-builtin": "function list() { return 'listed'; }\n"
    "const result = [list(), typeof [] === 'object'];",
    "array-index-in-and-delete": "const xs = [1, 2, 3]; const had = 1 in xs; delete xs[1];\n"
    "const result = [had, 5 in xs, xs, 'a' in { a: 1 }];",
    "method-of-a-parameter": "function call(o) { return o.greet('x'); }\n"
    "const result = call({ greet: (n) => 'hi ' + n });",
    "switch-default-grouped": "function f(x) { switch (x) { case 'a': return 1;\n"
    "  case 'b': default: return 2; } }\n"
    "const result = [f('a'), f('b'), f('z')];",
    "undefined-vs-null": "const u = undefined; const n = null; let later;\n"
    "const obj = { a: undefined, b: null, c: 1 };\n"
    "const result = [`${undefined} ${null} ${u}`, String(null), String(undefined),\n"
    "  JSON.stringify(obj), u === undefined, u === null, u == null, n === null,\n"
    "  later === undefined, u ?? 'dflt', n ?? 'dflt', typeof u === 'undefined', 'x' + null,\n"
    "  JSON.stringify([undefined, null]), JSON.stringify({ a: 1, b: undefined })];\n"
    "const { a = 'A', b = 'B' } = obj;\nresult.push(a, b, u?.x);",
    "map": "const m = new Map(); m.set('b', 2).set('a', 1); m.set('b', 3);\n"
    "const out = []; for (const [k, v] of m) { out.push(`${k}=${v}`); }\n"
    "m.forEach((v, k) => { out.push(k + v); });\n"
    "const result = [m.size, m.has('a'), m.get('zz'), m.get('b'), [...m], [...m.keys()],\n"
    "  [...m.values()], m.delete('a'), m.delete('a'), out, JSON.stringify(m),\n"
    "  Object.fromEntries(new Map([['x', 1]])), String(m), new Map(Object.entries({ q: 1 }))];",
    "set": "const s = new Set([3, 1, 3, 2]); s.add(1); s.add(9); const out = [];\n"
    "for (const x of s) { out.push(x); }\n"
    "const result = [s.size, s.has(2), s.has(7), [...s], Array.from(s), out,\n"
    "  [...new Set(['x', 'y', 'x'])].join(','), new Set('hello').size, JSON.stringify(s)];",
    "date": "const d0 = new Date(0); const d1 = new Date(90061001);\n"
    "const later = new Date(Date.now() + 3600000); const start = Date.now();\n"
    "const result = [d1 - d0, d1.getTime(), d1.toISOString(), JSON.stringify({ at: d1 }),\n"
    "  later > new Date(), Date.now() - start < 1000, new Date('2024-01-05').getTime(),\n"
    "  new Date(2024, 0, 31).getMonth(), new Date(2024, 0, 5).getDay(), String(d1),\n"
    "  `${d1.getUTCHours()}h`, new Date(86400000).toLocaleDateString(),\n"
    "  Date.parse('2024-01-05T10:00:00Z'), new Date('nope').getTime(),\n"
    "  Math.floor((d1 - d0) / 86400000), { created: d0 }];",
    "globals-as-callbacks": "const xs = [0, 3, '', 'a'];\n"
    "const result = [xs.map(String), xs.filter(Boolean), ['1', 'x'].map(Number),\n"
    "  String.fromCharCode(72), Math.hypot(3, 4), Math.log10(1000)];",
    "string-arithmetic": "const a = '5'; const result = [a * '2', a - 2, '9' / 3, '2' ** 3];",
    "reverse-as-a-value": "const xs = [1, 2, 3]; const r = xs.reverse();\n"
    "const result = [r, xs, 'abc'.split('').reverse().join(''), [...xs].reverse(), xs];",
    "array-from-length": "const result = [Array.from({ length: 3 }, (_, i) => i * 2),\n"
    "  Array.from({ length: 2 }, () => 'x'), new Array(2)];",
    "callback-with-array-param": "const xs = [1, 1, 2, 3, 3];\n"
    "const result = [xs.filter((x, i, arr) => arr.indexOf(x) === i),\n"
    "  xs.map((x, i, arr) => arr.length - i)];",
    "nullish-missing-key": "const o = { a: 0, n: null };\n"
    "const result = [o.a ?? 'none', o.b ?? 'none', o.n ?? 'none'];",
    "substring-literal-bounds": "const s = 'Hello';\n"
    "const result = [s.substring(3, 1), s.substring(-2, 2), s.substring(1)];",
    "for-each-return": "const out = [];\n"
    "[1, 2, 3, 4, 5].forEach(function (n) { if (n % 2) return; out.push(n * 10); });\n"
    "[['a', 1], ['b', 2]].forEach(function (pair) { const n = pair[1];\n"
    "  for (const k in { x: 1, y: 2 }) { if (k === 'x') continue; out.push(pair[0] + k + n); }\n"
    "  if (n > 1) return out.length; out.push('end'); });\n"
    "const result = out;",
    "push-value": "const xs = ['a']; const i = xs.push('b') - 1; let n; n = xs.push('c', 'd');\n"
    "function add(x) { return xs.push(x); }\n"
    "const result = [i, n, add('e'), xs];",
    "replace-callback-fewer-params": "const s = '{a} and {b}';\n"
    "const vars = { a: 'x' };\n"
    "const result = [s.replace(/\\{([^}]+)\\}/g, function (_, name) {\n"
    "    return vars[name] || '?'; }),\n"
    "  'ab'.replace(/b/, function (m) { return m.toUpperCase(); })];",
    "lambda-with-inner-def": "const scale = (xs, k) => xs.map(function (x) {\n"
    "  const y = x * k; return y + 1; });\n"
    "const result = [scale([1, 2], 3), scale([5], 10)];",
}

#: Cases whose answer is awaited: `async function main()` returns it (Node runs main().then,
#: Python runs asyncio.run(main())).
ASYNC_CASES: dict[str, str] = {
    "then-returned": "const db = { find: async (id) => ({ id, name: 'ann' }) };\n"
    "function show(id) { return db.find(id).then((u) => u.name); }\n"
    "async function main() { return [await show(1)]; }",
    "then-awaited": "async function fetchThing() { return { value: 3 }; }\n"
    "async function main() { const x = await fetchThing().then((r) => r.value); return x; }",
    "then-catch-next": "const log = [];\n"
    "const db = { find: async (id) => {\n"
    "  if (id < 0) throw new Error('bad id'); return { id }; } };\n"
    "function handler(id, next) { return db.find(id).then((u) => log.push(u.id)).catch(next); }\n"
    "async function main() { await handler(1, (e) => log.push('no'));\n"
    "  await handler(-1, (err) => log.push(err.message)); return log; }",
    "then-chain-statement": "const log = [];\n"
    "const load = async (n) => { if (n > 2) throw new Error('too big'); return [n, n + 1]; };\n"
    "async function run(n) {\n"
    "  load(n).then((xs) => xs.length).then((count) => { log.push(count); return count * 2; })\n"
    "    .catch((err) => { log.push(err.message); return 0; })\n"
    "    .then((v) => log.push(v)).finally(() => log.push('done'));\n"
    "}\n"
    "const tick = () => new Promise((resolve) => setTimeout(resolve, 20));\n"
    "async function main() { await run(1); await tick(); await run(5); await tick(); return log; }",
    "then-catch-console": "const log = [];\n"
    "const fail = async () => { throw new Error('down'); };\n"
    "async function run() { log.push('start');\n"
    "  return fail().then(() => log.push('never')).catch(console.error); }\n"
    "async function main() { await run(); log.push('after'); return log; }",
    "async-call-as-statement": "const log = [];\n"
    "async function save(x) { log.push(x); }\n"
    "async function main() { save(1); save(2); return log; }",
    "deferred-callbacks": "const log = [];\n"
    "function later() { process.nextTick(() => log.push('tick'));\n"
    "  setImmediate((x) => log.push(x), 'imm'); log.push('now'); }\n"
    "const wait = () => new Promise((resolve) => setTimeout(resolve, 50));\n"
    "async function main() { later(); await wait(); return log.sort(); }",
    "then-arrow-body": "const db = { find: async (id) => ({ id }) };\n"
    "const twice = (id) => db.find(id).then((u) => u.id * 2);\n"
    "async function main() { return [await twice(4)]; }",
    "then-block-with-early-return": "const db = { find: async (id) => (id ? { id } : null) };\n"
    "function label(id) { return db.find(id).then((u) => { if (!u) return 'none';\n"
    "  return `user ${u.id}`; }); }\n"
    "async function main() { return [await label(0), await label(7)]; }",
}

IDIOMS = {
    "arrow-expression": "def double(x):\n    return x * 2",
    "array-methods": "next((x for x in xs if x > 3), None)",
    "for-counted": "for i in range(5):",
    "destructuring": 'name = user.get("name")',
    "class": "class Animal:\n    def __init__(self, name):\n        self.name = name",
    "global-counter": "global hits",
    "closure-counter": "nonlocal count",
    "optional-chaining": 'None if a is None else a["b"]',
    "loose-equality": "js.loose_eq(",
    "for-of-entries": 'for k, v in {"a": 1, "b": 2}.items():',
    "undefined-vs-null": 'b = obj.get("b", js.undefined)\nif b is js.undefined:',
    "map": "for k, v in m.items():",
    "set": "s = js.Set([3, 1, 3, 2])",
    "date": "d1 - d0",
    "then-awaited": 'r = await fetch_thing()\n    x = r["value"]',
    "then-catch-next": "    except Exception as err:\n        return next(err)",
    "then-catch-console": "print(err, file=sys.stderr)",
    "for-each-return": "        continue\n",
    "push-value": 'xs.append("b")\ni = len(xs) - 1',
}


def run_node(source: str, tail: str = "process.stdout.write(JSON.stringify(result));") -> str:
    """JSON.stringify(result) of a program, run by Node (`tail` writes it)."""
    done = subprocess.run(
        [require_node(), "-e", source + "\n" + tail],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=True,
    )
    return done.stdout


def run_python(source: str) -> tuple[str, str]:
    """The translation of a program and js.stringify(result) of running it (of awaiting
    main() when the program defines it)."""
    module = translate_module(source.encode(), "case.js", {}, "case", "case.js")
    assert not module.todos, [t.comment() for t in module.todos]
    namespace: dict[str, object] = {"__name__": "case"}
    exec(compile(module.text, "case.py", "exec"), namespace)
    main = namespace.get("main")
    if callable(main):
        return module.text, js.stringify(asyncio.run(main())) or ""
    return module.text, js.stringify(namespace["result"]) or ""


def translated_app(source: bytes) -> tuple[str, Any]:
    """The translation of an app.js and the `app` it defines (run as a module, not main)."""
    module = translate_module(source, "app.js", {}, "app", "app.js")
    assert not module.todos, [t.comment() for t in module.todos]
    namespace: dict[str, Any] = {"__name__": "app"}
    exec(compile(module.text, "app.py", "exec"), namespace)
    return module.text, namespace["app"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_construct_runs_as_in_node(name: str) -> None:
    """The translated program computes what Node computes."""
    source = CASES[name]
    python, answer = run_python(source)
    assert answer == run_node(source), python
    if name in IDIOMS:
        assert IDIOMS[name] in python, python


@pytest.mark.parametrize("name", sorted(ASYNC_CASES))
def test_async_construct_runs_as_in_node(name: str) -> None:
    """The translated async program resolves to what Node's resolves to."""
    source = ASYNC_CASES[name]
    python, answer = run_python(source)
    assert answer == run_node(
        source, "main().then((r) => process.stdout.write(JSON.stringify(r)));"
    )
    assert IDIOMS.get(name, "") in python, python


def test_untranslatable_construct_becomes_a_todo_in_place() -> None:
    """A construct without a rule is kept as a TODO comment with FILE:LINE, never dropped."""
    source = "const a = 1;\nconst m = new WeakMap();\nconst b = 2;\n"
    module = translate_module(source.encode(), "routes/x.js", {}, "routes.x", "routes/x")
    assert [t.line for t in module.todos] == [2]
    lines = module.text.splitlines()
    assert "# TODO(port): routes/x.js:2: const m = new WeakMap();" in lines
    assert lines.index("a = 1") < lines.index(
        "# TODO(port): routes/x.js:2: const m = new WeakMap();"
    )
    assert "b = 2" in lines


def test_unknown_package_is_a_todo() -> None:
    """A package without a counterpart is kept as a TODO with its line."""
    module = translate_module(b"const x = require('left-pad');\n", "a.js", {}, "a", "a")
    assert [t.comment() for t in module.todos] == [
        "# TODO(port): a.js:1: const x = require('left-pad');"
    ]


def test_comments_and_provenance_are_kept() -> None:
    """The first line names the source; comments stay where they were."""
    source = b"// top note\nconst a = 1; // trailing\n/* block\n * two */\nconst b = 2;\n"
    text = translate_module(source, "a.js", {}, "a", "a").text
    lines = text.splitlines()
    assert lines[0] == "# Translated from a.js by `expresspy port`; edit it freely."
    assert "# top note" in lines and "# block" in lines and "# two" in lines


def test_syntax_error_is_one_line_with_file_line_column() -> None:
    """Input that does not parse is reported as FILE:LINE:COL."""
    from expresspy.port.parse import PortSyntaxError

    with pytest.raises(PortSyntaxError) as info:
        translate_module(b"const a = 1;\nif (a {\n", "bad.js", {}, "bad", "bad")
    assert str(info.value).startswith("bad.js:2:")
    assert "\n" not in str(info.value)


def test_translation_is_valid_python_within_100_columns() -> None:
    """Every case translates to code that compiles (run above) and keeps PEP 8's width."""
    for source in CASES.values():
        text = translate_module(source.encode(), "c.js", {}, "c", "c").text
        assert all(len(line) <= 100 for line in text.splitlines()), text
        json.dumps(text)


def test_ruff_beside_this_python_formats_without_the_venv_on_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`expresspy port` run from a venv that is not activated still finds the venv's ruff."""
    monkeypatch.setenv("PATH", "/nonexistent")
    long_call = "x = f(" + ", ".join(f"argument_{n}" for n in range(12)) + ")\n"
    formatted = format_python(long_call)
    assert formatted != long_call
    assert all(len(line) <= 100 for line in formatted.splitlines()), formatted


def test_capitalised_member_of_a_package_keeps_its_name() -> None:
    """`multer.MulterError` is a class on the module: it is not snake_cased."""
    source = b"const multer = require('multer');\nconst E = multer.MulterError;\n"
    text = translate_module(source, "a.js", {}, "a", "a").text
    assert "E = multer.MulterError" in text, text


def test_undefined_request_value_is_left_out_of_sent_json() -> None:
    """`res.json({ field: req.body.caption })` leaves out the key when caption is missing,
    as JSON.stringify leaves out undefined; an explicit null stays."""
    source = b"function send(req, res) { res.json({ a: 1, field: req.body.caption }); }\n"
    text = translate_module(source, "a.js", {}, "a", "a").text
    assert 'js.defined({"a": 1, "field": req.body.get("caption", js.undefined)})' in text, text
    sent: list[object] = []

    class Req:
        body: dict[str, object] = {}

    class Res:
        def json(self, value: object) -> None:
            sent.append(js.stringify(value))

    namespace: dict[str, object] = {"__name__": "a"}
    exec(compile(text, "a.py", "exec"), namespace)
    send = namespace["send"]
    assert callable(send)
    send(Req(), Res())
    Req.body = {"caption": None}
    send(Req(), Res())
    assert sent == ['{"a":1}', '{"a":1,"field":null}']


def test_unset_session_field_is_left_out_of_sent_json() -> None:
    """`res.json({ user: req.session.user })` leaves the key out while the session has no
    user (express-session's session reads undefined there), as Node answers
    `{"loggedIn":false}`; the session's id stays a property."""
    from expresspy.testing import request

    source = (
        b"const express = require('express'); const session = require('express-session');\n"
        b"const app = express();\n"
        b"app.use(session({ secret: 's', resave: false, saveUninitialized: false }));\n"
        b"app.get('/me', (req, res) => res.json({ loggedIn: Boolean(req.session.user),\n"
        b"  user: req.session.user, known: typeof req.session.id === 'string' }));\n"
    )
    text, app = translated_app(source)
    assert 'req.session.get("user", js.undefined)' in text, text
    request(app).get("/me").expect(200, '{"loggedIn":false,"known":true}')


def test_connect_redis_store_translates_its_options() -> None:
    """`new RedisStore(...)`: connect-redis's options as RedisStore's arguments; without a
    client (connect-redis before 4 made its own) the store connects to the local Redis."""
    source = (
        b"const session = require('express-session');\n"
        b"const RedisStore = require('connect-redis')(session);\n"
        b"const a = new RedisStore;\n"
        b"const b = new RedisStore({ host: 'db', port: 6380, prefix: 'app:' });\n"
        b"const c = new RedisStore({ client: redisClient, disableTouch: true, ttl: 60 });\n"
    )
    module = translate_module(source, "a.js", {}, "a", "a")
    lines = module.text.splitlines()
    assert 'a = RedisStore("redis://127.0.0.1:6379")' in lines, module.text
    assert 'b = RedisStore("redis://db:6380", prefix="app:")' in lines, module.text
    assert "c = RedisStore(redis_client, disable_touch=True, ttl=60)" in lines, module.text


def test_cookie_session_becomes_session_with_a_cookie_store() -> None:
    """cookie-session's options map onto session() with a CookieStore and its cookie name."""
    source = (
        b"const cookieSession = require('cookie-session');\n"
        b"const mw = cookieSession({ name: 'sess', keys: ['k1', 'k2'], "
        b"maxAge: 60000 });\n"
    )
    text = translate_module(source, "a.js", {}, "a", "a").text
    assert "from expresspy.session import CookieStore" in text, text
    for entry in (
        '"name": "sess"',
        '"secret": ["k1", "k2"]',
        '"cookie": {"maxAge": 60000}',
        '"store": CookieStore()',
        '"resave": False',
        '"saveUninitialized": False',
    ):
        assert entry in text, text
    from expresspy.session.middleware import session

    assert callable(
        session(
            {
                "name": "s",
                "secret": ["k1"],
                "cookie": {"maxAge": 60000},
                "resave": False,
                "saveUninitialized": False,
            }
        )
    )


def test_console_log_substitutes_percent_s() -> None:
    """console.log('%s %s', a, b) prints the substituted line, as util.format does."""
    text = translate_module(
        b"const a = 1, b = 'x';\nconsole.log('%s and %s', a, b);\n", "a.js", {}, "a", "a"
    ).text
    assert 'print("%s and %s" % (js.string(a), js.string(b)))' in text, text


def test_app_method_chosen_by_name_is_getattr() -> None:
    """`app[method](path, fn)` (route-map's style) calls the method named by the string."""
    source = (
        b"const express = require('express'); const app = express();\n"
        b"const method = 'get'; app[method]('/x', (req, res) => res.send('x'));\n"
    )
    text = translate_module(source, "a.js", {}, "a", "a").text
    assert "getattr(app, method)(" in text, text


def test_null_checks_stay_is_none_without_stored_undefined() -> None:
    """A file that only compares with undefined (never stores it) keeps Python's `is None`."""
    source = b"function f(x, y) { return [x === undefined, y == null, x ?? 1, x?.a]; }\n"
    text = translate_module(source, "a.js", {}, "a", "a").text
    assert "js.undefined" not in text, text
    assert "x is None" in text and "y is None" in text, text


def test_res_json_leaves_out_undefined_keys() -> None:
    """res.json drops a key holding js.undefined (JSON.stringify drops undefined) and writes
    it as null in an array; None is null."""
    from expresspy import express
    from expresspy.testing import request

    app = express()
    app.get("/", lambda req, res: res.json({"a": js.undefined, "b": None, "c": [js.undefined]}))
    request(app).get("/").expect(200, '{"b":null,"c":[null]}')


def test_cookie_expires_takes_a_date() -> None:
    """`res.cookie(name, value, { expires: new Date(ms) })` writes that moment, as Express does."""
    from expresspy.testing import request

    source = (
        b"const express = require('express'); const app = express();\n"
        b"app.get('/', (req, res) => { res.cookie('seen', 'yes', { expires: new Date(0) });\n"
        b"  res.send('ok'); });\n"
    )
    text, app = translated_app(source)
    response = request(app).get("/").expect(200, "ok")
    assert response.headers["set-cookie"] == (
        "seen=yes; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
    ), text


FS_CASE = """const fs = require('fs');
const path = require('path');
const dir = DIR;
const names = fs.readdirSync(dir);
const kinds = names.map((n) => [fs.statSync(path.join(dir, n)).isDirectory(),
  fs.statSync(path.join(dir, n)).isFile()]);
const exists = [fs.existsSync(path.join(dir, 'b.md')), fs.existsSync(path.join(dir, 'nope'))];
let result = 'callback not run';
fs.readFile(path.join(dir, 'b.md'), 'utf8', function (err, str) {
  if (err) return;
  fs.readFile(path.join(dir, 'nope'), 'utf8', function (missing, text) {
    result = [names, kinds, exists, str, missing ? 'error' : 'none', text === undefined];
  });
});
"""


def test_fs_directory_listing_stat_and_read_file_callback(tmp_path: Path) -> None:
    """readdirSync (sorted names), statSync().isDirectory()/isFile(), existsSync and the
    callback form of readFile (data, then an error for a missing file) answer as in Node."""
    (tmp_path / "c").mkdir()
    (tmp_path / "b.md").write_text("# Hi\n")
    (tmp_path / "a.txt").write_text("x")
    source = FS_CASE.replace("DIR", json.dumps(str(tmp_path)))
    python, answer = run_python(source)
    wait = "setTimeout(() => process.stdout.write(JSON.stringify(result)), 100);"
    assert answer == run_node(source, wait), python
    assert "sorted(os.listdir(dir))" in python
    assert 'node_fs.read_file(os.path.join(dir, "b.md"), "utf8", ' in python
