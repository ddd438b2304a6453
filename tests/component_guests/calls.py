"""Calls to a reactor component's exports, written one a line:

    # a comment
    greet("world")
    c = [constructor]counter(5)
    [method]counter.add(c, 3)

Each line names a function exported by the one exported interface the
calls file declares first with `interface NAME` (e.g. `interface
flint:guests/api@0.1.0`), followed by its arguments in WAVE (the notation
`wasmtime run --invoke` reads: records {x: 1}, variant cases circle(3),
enum cases red, results ok(1)/err("e"), options some(1)/none); a `name =`
prefix keeps the result (a resource handle) for later lines, which pass it
by name.

Every call prints `CALL -> RESULT` with the result in WAVE as wasm-wave
writes it (`()` when there is none, `<name>` when kept), so the outputs of
wasmtime-py (here) and Flint (flint_calls.cc) compare byte for byte.
"""
import re

LINE = re.compile(r"^(?:(\w+)\s*=\s*)?(\S+?)\((.*)\)$")


def run_file(path, exports):
    names = {}
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("interface "):
                exports.use_interface(line.split(None, 1)[1])
                print(line)
                continue
            m = LINE.match(line)
            if not m:
                raise SystemExit(f"calls: cannot parse {line!r}")
            keep, func, args_text = m.groups()
            result, shown = exports.call(func, args_text, names)
            if keep:
                names[keep] = result
                print(f"{line} -> <{keep}>")
            else:
                print(f"{line} -> {shown}")


WAVE_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[-+]?[\w.%-]+|[\[\](){},:])')
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\"}


def unquote(text):
    out, i = [], 1
    while i < len(text) - 1:
        c = text[i]
        if c == "\\":
            n = text[i + 1]
            if n == "u":
                close = text.index("}", i)
                out.append(chr(int(text[i + 3:close], 16)))
                i = close + 1
                continue
            out.append(ESCAPES[n])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def quote(text, q='"'):
    out = []
    for c in text:
        if c == "\\" or c == q:
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append("\\u{%x}" % ord(c))
        else:
            out.append(c)
    return q + "".join(out) + q


def label(name):
    """A label as WAVE writes it: keywords get a leading %."""
    return "%" + name if name in ("true", "false", "inf", "nan", "some", "none", "ok", "err") else name


class WasmtimeExports:
    """The calls' view of an instance under wasmtime-py's component API."""

    def __init__(self, store, instance):
        import wasmtime.component as wc
        self.wc = wc
        self.store = store
        self.instance = instance
        self.interface = None

    def use_interface(self, name):
        self.interface = self.instance.get_export_index(self.store, name)
        if self.interface is None:
            raise SystemExit(f"calls: no exported interface {name}")

    def call(self, name, args_text, names):
        """Calls `name` with the WAVE arguments `args_text` (kept handles by
        name); returns the result and its WAVE text."""
        index = self.instance.get_export_index(self.store, name, self.interface)
        func = self.instance.get_func(self.store, index) if index is not None else None
        if func is None:
            raise SystemExit(f"calls: no exported function {name}")
        fty = func.type(self.store)
        tokens = WAVE_TOKEN.findall(args_text)
        tokens.reverse()
        converted = []
        for i, (_, ty) in enumerate(fty.params):
            if i:
                self.expect(tokens, ",")
            if tokens and tokens[-1] in names:
                converted.append(names[tokens.pop()])
            else:
                converted.append(self.to_wasmtime(self.parse(tokens, ty), ty))
        if tokens:
            raise SystemExit(f"calls: extra arguments {args_text!r}")
        result = func(self.store, *converted)
        func.post_return(self.store)
        if fty.result is None:
            return None, "()"
        if isinstance(fty.result, (self.wc.OwnType, self.wc.BorrowType)):
            return result, "#handle"
        value = self.from_wasmtime(result, fty.result)
        return value, self.wave(value, fty.result)

    @staticmethod
    def expect(tokens, text):
        if not tokens or tokens.pop() != text:
            raise SystemExit(f"calls: expected {text!r}")

    def parse(self, tokens, ty):
        """A WAVE value of `ty` from `tokens` (reversed) in calls-notation
        Python values (what to_wasmtime takes)."""
        wc = self.wc
        tok = tokens.pop()
        if isinstance(ty, wc.ListType) or isinstance(ty, wc.TupleType):
            close = "]" if isinstance(ty, wc.ListType) else ")"
            items = []
            while tokens[-1] != close:
                if items:
                    self.expect(tokens, ",")
                elem = ty.element if isinstance(ty, wc.ListType) else ty.elements[len(items)]
                items.append(self.parse(tokens, elem))
            tokens.pop()
            return items if isinstance(ty, wc.ListType) else tuple(items)
        if isinstance(ty, wc.RecordType):
            fields, record = dict(ty.fields), {}
            while tokens[-1] != "}":
                if record:
                    self.expect(tokens, ",")
                field = tokens.pop().lstrip("%")
                self.expect(tokens, ":")
                record[field] = self.parse(tokens, fields[field])
            tokens.pop()
            return record
        if isinstance(ty, wc.FlagsType):
            flags = []
            while tokens[-1] != "}":
                if flags:
                    self.expect(tokens, ",")
                flags.append(tokens.pop().lstrip("%"))
            tokens.pop()
            return flags
        if isinstance(ty, wc.EnumType):
            return tok.lstrip("%")
        if isinstance(ty, (wc.VariantType, wc.ResultType, wc.OptionType)):
            if isinstance(ty, wc.OptionType):
                cases = [("none", None), ("some", ty.payload)]
            else:
                cases = ty._cases()
            if tok.lstrip("%") not in dict(cases):
                # A flat some / ok: the payload alone.
                tokens.append(tok)
                tok = "some" if isinstance(ty, wc.OptionType) else "ok"
            tag = tok.lstrip("%")
            cty = dict(cases)[tag]
            payload = None
            if tokens and tokens[-1] == "(":
                tokens.pop()
                payload = self.parse(tokens, cty)
                self.expect(tokens, ")")
            if isinstance(ty, wc.OptionType):
                return payload
            if isinstance(ty, wc.ResultType):
                return {tag: payload}
            return {"tag": tag, "value": payload} if cty is not None else {"tag": tag}
        if tok.startswith('"'):
            return unquote(tok)
        if tok.startswith("'"):
            return unquote(tok)
        if tok in ("true", "false"):
            return tok == "true"
        if isinstance(ty, (wc.F32, wc.F64)):
            return float(tok)
        return int(tok)

    def wave(self, value, ty):
        """`value` (calls-notation Python) of `ty` as wasm-wave writes it."""
        wc = self.wc
        if isinstance(ty, wc.ListType):
            return "[" + ", ".join(self.wave(v, ty.element) for v in value) + "]"
        if isinstance(ty, wc.TupleType):
            return "(" + ", ".join(self.wave(v, t) for v, t in zip(value, ty.elements)) + ")"
        if isinstance(ty, wc.RecordType):
            fields = [f"{label(f)}: {self.wave(value[f], t)}" for f, t in ty.fields
                      if not (isinstance(t, wc.OptionType) and value[f] is None)]
            return "{" + ", ".join(fields) + "}"
        if isinstance(ty, wc.FlagsType):
            return "{" + ", ".join(label(f) for f in value) + "}"
        if isinstance(ty, wc.EnumType):
            return label(value)
        if isinstance(ty, wc.OptionType):
            return "none" if value is None else f"some({self.wave(value, ty.payload)})"
        if isinstance(ty, (wc.VariantType, wc.ResultType)):
            if isinstance(ty, wc.ResultType):
                (tag, payload), = value.items()
            else:
                tag, payload = value["tag"], value.get("value")
            cty = dict(ty._cases())[tag]
            name = tag if isinstance(ty, wc.ResultType) else label(tag)
            return name if cty is None else f"{name}({self.wave(payload, cty)})"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(ty, wc.Char):
            return quote(value, "'")
        if isinstance(value, str):
            return quote(value)
        if isinstance(value, float):
            if value != value:
                return "nan"
            if value in (float("inf"), float("-inf")):
                return "inf" if value > 0 else "-inf"
            return repr(value)
        return str(value)

    def to_wasmtime(self, value, ty):
        """A value in the calls notation as wasmtime-py wants it."""
        wc = self.wc
        if isinstance(ty, wc.RecordType):
            record = wc.Record()
            for field, fty in ty.fields:
                setattr(record, field, self.to_wasmtime(value[field], fty))
            return record
        if isinstance(ty, wc.ListType):
            return [self.to_wasmtime(v, ty.element) for v in value]
        if isinstance(ty, wc.TupleType):
            return tuple(self.to_wasmtime(v, t) for v, t in zip(value, ty.elements))
        if isinstance(ty, wc.OptionType):
            return None if value is None else self.to_wasmtime(value, ty.payload)
        if isinstance(ty, (wc.VariantType, wc.ResultType)):
            if isinstance(ty, wc.ResultType):
                tag = "ok" if "ok" in value else "err"
                payload = value.get(tag)
            else:
                tag, payload = value["tag"], value.get("value")
            cty = dict(ty._cases())[tag]
            if cty is not None:
                payload = self.to_wasmtime(payload, cty)
            # wasmtime-py tags a variant only when its cases' Python types
            # overlap; otherwise the payload alone selects the case.
            return wc.Variant(tag, payload) if ty._tagged() else payload
        return value

    def from_wasmtime(self, value, ty):
        """A value from wasmtime-py in the calls notation."""
        wc = self.wc
        if isinstance(ty, wc.RecordType):
            return {f: self.from_wasmtime(getattr(value, f), t) for f, t in ty.fields}
        if isinstance(ty, wc.ListType):
            return [self.from_wasmtime(v, ty.element) for v in value]
        if isinstance(ty, wc.TupleType):
            return tuple(self.from_wasmtime(v, t) for v, t in zip(value, ty.elements))
        if isinstance(ty, wc.OptionType):
            return None if value is None else self.from_wasmtime(value, ty.payload)
        if isinstance(ty, (wc.VariantType, wc.ResultType)):
            cases = ty._cases()
            if ty._tagged():
                tag, payload = value.tag, value.payload
            else:
                tag, payload = None, value
                for name, cty in cases:
                    classes = {object} if cty is None else set()
                    if cty is not None:
                        cty.add_classes(classes)
                    if (cty is None and value is None) or (cty is not None and isinstance(value, tuple(classes))):
                        tag = name
                        break
            cty = dict(cases)[tag]
            payload = None if cty is None else self.from_wasmtime(payload, cty)
            if isinstance(ty, wc.ResultType):
                return {tag: payload}
            return {"tag": tag, "value": payload} if cty is not None else {"tag": tag}
        if isinstance(ty, wc.FlagsType):
            return sorted(value)
        return value
