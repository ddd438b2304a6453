"""Calls to a reactor component's exports, written one a line:

    # a comment
    greet("world")
    c = [constructor]counter(5)
    [method]counter.add(c, 3)

Each line names a function exported by the one exported interface the
calls file declares first with `interface NAME` (e.g. `interface
flint:guests/api@0.1.0`), followed by arguments as Python literals; a
`name =` prefix keeps the result (a resource handle) for later lines. Records
are written as dicts, variants as {"tag": ..., "value": ...}, enums as
strings, options as None or the value, results as {"ok": v} / {"error": e}.

Every call prints `CALL -> RESULT` with the result in the same notation,
so two runtimes' outputs compare byte for byte.
"""
import ast
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
            args = []
            if args_text.strip():
                tree = ast.parse(f"({args_text},)", mode="eval").body
                for node in tree.elts:
                    if isinstance(node, ast.Name):
                        args.append(names[node.id])
                    else:
                        args.append(ast.literal_eval(node))
            result = exports.call(func, args)
            if keep:
                names[keep] = result
                print(f"{line} -> <{keep}>")
            else:
                print(f"{line} -> {show(result)}")


def show(value):
    """The canonical text of a result (the calls notation)."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, str)):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        inner = ", ".join(show(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{show(k)}: {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, set):
        return "{" + ", ".join(show(v) for v in sorted(value)) + "}"
    return repr(value)


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

    def call(self, name, args):
        index = self.instance.get_export_index(self.store, name, self.interface)
        func = self.instance.get_func(self.store, index) if index is not None else None
        if func is None:
            raise SystemExit(f"calls: no exported function {name}")
        fty = func.type(self.store)
        converted = [self.to_wasmtime(v, ty) for v, (_, ty) in zip(args, fty.params)]
        result = func(self.store, *converted)
        func.post_return(self.store)
        return None if fty.result is None else self.from_wasmtime(result, fty.result)

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
