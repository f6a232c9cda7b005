#!/usr/bin/env python3
"""Build OpenAPI v3 `components.schemas` data for the API packages Shim serves, from upstream Go sources.

Reads k8s.io/api, k8s.io/apimachinery and k8s.io/apiextensions-apiserver at one tag (git directories, as the
`fetch` tool leaves them under /work/.mirror) and reproduces what kube-openapi's openapi-gen (at the version
Kubernetes of that tag vendors) plus kube-apiserver's v3 builder publish for each type, minus every
`description`: facts only (names, types, formats, refs, required, defaults, enums, list/map/patch metadata,
unions, group-version-kinds). No upstream comment text is copied.

The rules followed (kube-openapi pkg/generators/openapi.go, extension.go, enum.go, union.go; builder3 WrapRefs):
  * a struct's properties are its members' json names; `json:",inline"` members are flattened;
    members or types tagged `+k8s:openapi-gen=false` are skipped; `json:"-"` members are skipped;
  * required = neither `+optional` nor a json tag containing `omitempty`, unless `+required`;
  * default = `+default=` (JSON or ref(Const)) from the member or its type, else the zero value that
    must be enforced: {} for non-pointer structs, ""/0/false for non-omitempty builtins, nothing for
    pointers, maps, slices, interfaces and types with their own UnmarshalJSON; slice items and map values
    get the same treatment for their element type (as the kube-openapi that 1.36 vendors does);
  * enums: named string types marked `+enum`, values = the typed string constants, sorted;
  * x-kubernetes-* extensions from the member/type markers listType, listMapKey, mapType, structType,
    patchMergeKey, patchStrategy and `+k8s:openapi-gen=x-kubernetes-...`; `+union` structs give
    x-kubernetes-unions;
  * types with OpenAPISchemaType/Format (Time, IntOrString, Quantity, JSON ...) become simple schemas,
    with OpenAPIV3OneOfTypes as oneOf in v3;
  * a $ref with sibling keys is wrapped as allOf:[{$ref}] (v3 only);
  * x-kubernetes-group-version-kind lists every group/version/kind a type is registered under
    (register.go), sorted by group, version, kind.

Usage:
  python3 generate.py --api DIR --apimachinery DIR --apiextensions DIR [--ref v0.36.3] [--out DIR]
  python3 generate.py --kinds-only     # only rewrite kinds.json from the committed schemas (no mirrors needed)
"""

import argparse
import importlib.util
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def _load_protobuf_generator():
    """Reuses the git/plain-directory reader of ../protobuf/generate.py."""
    path = os.path.join(HERE, "..", "protobuf", "generate.py")
    spec = importlib.util.spec_from_file_location("shim_protobuf_generate", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


REPOS = {
    "api": ("k8s.io/api/", "kubernetes/api"),
    "apimachinery": ("k8s.io/apimachinery/", "kubernetes/apimachinery"),
    "apiextensions": ("k8s.io/apiextensions-apiserver/", "kubernetes/apiextensions-apiserver"),
}

# Packages whose schemas are emitted (Go import paths). Others are read only to resolve types.
PACKAGES = [
    "k8s.io/api/core/v1",
    "k8s.io/api/apps/v1",
    "k8s.io/api/batch/v1",
    "k8s.io/api/autoscaling/v1",
    "k8s.io/api/autoscaling/v2",
    "k8s.io/api/policy/v1",
    "k8s.io/api/networking/v1",
    "k8s.io/api/discovery/v1",
    "k8s.io/api/rbac/v1",
    "k8s.io/api/coordination/v1",
    "k8s.io/api/storage/v1",
    "k8s.io/api/scheduling/v1",
    "k8s.io/api/authentication/v1",
    "k8s.io/api/authorization/v1",
    "k8s.io/api/events/v1",
    "k8s.io/apimachinery/pkg/apis/meta/v1",
    "k8s.io/apimachinery/pkg/api/resource",
    "k8s.io/apimachinery/pkg/util/intstr",
    "k8s.io/apimachinery/pkg/runtime",
    "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1",
]
META = "k8s.io/apimachinery/pkg/apis/meta/v1"

# kube-openapi pkg/common schemaTypeFormatMap: Go builtin -> (type, format, zero value)
TYPE_FORMAT = {
    "uint": ("integer", "int32", 0), "uint8": ("integer", "byte", 0), "uint16": ("integer", "int32", 0),
    "uint32": ("integer", "int64", 0), "uint64": ("integer", "int64", 0), "int": ("integer", "int32", 0),
    "int8": ("integer", "byte", 0), "int16": ("integer", "int32", 0), "int32": ("integer", "int32", 0),
    "int64": ("integer", "int64", 0), "byte": ("integer", "byte", 0), "float64": ("number", "double", 0),
    "float32": ("number", "float", 0), "bool": ("boolean", "", False), "time.Time": ("string", "date-time", ""),
    "string": ("string", "", ""), "[]byte": ("string", "byte", ""), "interface{}": ("object", "", None),
}
BUILTINS = {"string", "bool", "byte", "rune", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
            "uint16", "uint32", "uint64", "float32", "float64", "uintptr", "error", "any"}

# kube-openapi extension.go: marker -> extension name (and whether it is always an array)
EXTENSION_TAGS = {
    "patchMergeKey": ("x-kubernetes-patch-merge-key", False),
    "patchStrategy": ("x-kubernetes-patch-strategy", False),
    "listMapKey": ("x-kubernetes-list-map-keys", True),
    "listType": ("x-kubernetes-list-type", False),
    "mapType": ("x-kubernetes-map-type", False),
    "structType": ("x-kubernetes-map-type", False),
    "validations": ("x-kubernetes-validations", False),
}


def fail(msg):
    raise SystemExit("generate.py: " + msg)


# ---------------------------------------------------------------------------------------------------------
# Comment markers (gengo ExtractCommentTags: lines trimmed of spaces, "+key=value" or "+key")

def comment_tags(lines):
    out = {}
    for line in lines:
        line = line.strip(" ")
        if not line.startswith("+"):
            continue
        kv = line[1:].split("=", 1)
        out.setdefault(kv[0], []).append(kv[1] if len(kv) == 2 else "")
    return out


def has_tag(lines, key):
    return key in comment_tags(lines)


def openapi_gen_values(lines):
    return comment_tags(lines).get("k8s:openapi-gen", [])


# ---------------------------------------------------------------------------------------------------------
# Go type expressions

class TypeRef:
    """A parsed Go type expression, resolved in the package it appears in."""

    def __init__(self, kind, pkg=None, name=None, elem=None, key=None):
        self.kind = kind  # builtin | named | ptr | slice | map | interface
        self.pkg = pkg
        self.name = name
        self.elem = elem
        self.key = key

    def __repr__(self):
        if self.kind == "builtin":
            return self.name
        if self.kind == "named":
            return f"{self.pkg}.{self.name}"
        if self.kind == "ptr":
            return f"*{self.elem!r}"
        if self.kind == "slice":
            return f"[]{self.elem!r}"
        if self.kind == "map":
            return f"map[{self.key!r}]{self.elem!r}"
        return "interface{}"


def parse_type_expr(expr, pkg, imports):
    expr = expr.strip()
    if expr.startswith("*"):
        return TypeRef("ptr", elem=parse_type_expr(expr[1:], pkg, imports))
    if expr.startswith("[]"):
        return TypeRef("slice", elem=parse_type_expr(expr[2:], pkg, imports))
    if expr.startswith("map["):
        depth, i = 1, 4
        while depth:
            if expr[i] == "[":
                depth += 1
            elif expr[i] == "]":
                depth -= 1
            i += 1
        return TypeRef("map", key=parse_type_expr(expr[4:i - 1], pkg, imports),
                       elem=parse_type_expr(expr[i:], pkg, imports))
    if re.match(r"(func\b|chan\b|<-|\[\d+\])", expr):
        return TypeRef("other", name=expr)  # never part of an API type; fails if a schema needs it
    if expr in ("interface{}", "any"):
        return TypeRef("interface")
    if re.fullmatch(r"\w+", expr):
        if expr in BUILTINS:
            return TypeRef("builtin", name=expr)
        return TypeRef("named", pkg=pkg, name=expr)
    m = re.fullmatch(r"(\w+)\.(\w+)", expr)
    if m:
        if m.group(1) not in imports:
            fail(f"unknown import alias {m.group(1)} in {pkg}")
        return TypeRef("named", pkg=imports[m.group(1)], name=m.group(2))
    fail(f"unsupported Go type expression '{expr}' in {pkg}")


# ---------------------------------------------------------------------------------------------------------
# Go source parsing (gofmt-formatted files: declarations at column 0, struct members one tab in)

BUILD_RE = re.compile(r"^//go:build\s+(.*)$", re.M)


def build_ok(text):
    """Evaluates a //go:build line with every custom tag unset (the default build)."""
    m = BUILD_RE.search(text.split("\npackage ", 1)[0])
    if not m:
        return True
    expr = m.group(1)
    expr = re.sub(r"[\w.]+", lambda t: "False", expr).replace("&&", " and ").replace("||", " or ")
    expr = re.sub(r"!", " not ", expr)
    return bool(eval(expr, {"__builtins__": {}}, {}))  # noqa: S307 - expression built from known tokens only


class GoMember:
    def __init__(self, name, type_expr, tags, comments, embedded, pkg, imports):
        self.name = name
        self.type_expr = type_expr
        self.tags = tags  # raw struct tag (without backquotes)
        self.comments = comments
        self.embedded = embedded
        self.pkg = pkg
        self.imports = imports
        self._type = None

    @property
    def type(self):
        if self._type is None:
            self._type = parse_type_expr(self.type_expr, self.pkg, self.imports)
        return self._type

    def tag(self, key):
        m = re.search(r'(?:^|\s)' + re.escape(key) + r':"((?:[^"\\]|\\.)*)"', self.tags)
        return m.group(1) if m else None


class GoType:
    def __init__(self, pkg, name, comments):
        self.pkg = pkg
        self.name = name
        self.comments = comments
        self.kind = None  # struct | alias (named non-struct) | interface | defined (type X pkg.Y)
        self.members = []
        self.underlying_expr = None
        self.imports = None
        self.methods = set()
        self.openapi_type = None  # from OpenAPISchemaType(): list or None
        self.openapi_format = None
        self.openapi_oneof = None


class GoPackage:
    def __init__(self, path):
        self.path = path
        self.types = {}
        self.consts = {}  # name -> (type name or None, value or None, value expression)
        self.doc_comments = []
        self.model_names = {}  # from zz_generated.model_name.go
        self.methods = []  # (receiver type, method name, source) until types are all parsed


TYPE_RE = re.compile(r"^type\s+(\w+)\s+(=\s*)?(.*)$")
FIELD_RE = re.compile(r"^\t(\w+(?:,\s*\w+)*)\s+([^`]+?)\s*(?:`([^`]*)`)?\s*(?://.*)?$")
EMBED_RE = re.compile(r"^\t(\*?[\w.]+)\s*(?:`([^`]*)`)?\s*(?://.*)?$")
CONST_RE = re.compile(r"^\s*(\w+)(?:\s+([\w.]+))?\s*=\s*(.+?)\s*(?://.*)?$")
METHOD_RE = re.compile(r"^func\s+\(\s*(?:\w+\s+)?\*?(\w+)\s*\)\s*(\w+)\(")


def comment_text(line):
    """`// text` -> `text` (go/ast CommentGroup.Text drops the marker and one space)."""
    s = line.strip()[2:]
    return s[1:] if s.startswith(" ") else s


def parse_imports(text):
    imports = {}
    block = re.search(r"^import\s*\((.*?)^\)", text, flags=re.M | re.S)
    lines = block.group(1).splitlines() if block else []
    lines += re.findall(r"^import\s+(.*)$", text, flags=re.M)
    for line in lines:
        m = re.match(r'\s*(?:(\w+|_|\.)\s+)?"([^"]+)"', line)
        if m:
            alias = m.group(1) or m.group(2).rsplit("/", 1)[-1]
            imports[alias] = m.group(2)
    return imports


def go_string_literal(expr):
    expr = expr.strip()
    if expr.startswith('"') and expr.endswith('"'):
        return json.loads(expr)
    if expr.startswith("`") and expr.endswith("`"):
        return expr[1:-1]
    return None


def parse_go_file(pkg, text):
    imports = parse_imports(text)
    imports[""] = pkg.path
    lines = text.splitlines()
    i, comments = 0, []
    in_block_comment = False
    while i < len(lines):
        line = lines[i]
        if in_block_comment:
            if "*/" in line:
                in_block_comment = False
            i += 1
            continue
        if line.startswith("/*"):
            in_block_comment = "*/" not in line
            comments = []
            i += 1
            continue
        if line.startswith("//"):
            comments.append(comment_text(line))
            i += 1
            continue
        if not line.strip():
            comments = []
            i += 1
            continue
        if line.startswith("type ("):
            fail(f"grouped type declarations are not supported ({pkg.path})")
        m = TYPE_RE.match(line)
        if m:
            t = GoType(pkg.path, m.group(1), comments)
            t.imports = imports
            rest = m.group(3).strip()
            if m.group(2):  # `type A = B`: a Go alias, transparent wherever it is used
                t.kind = "goalias"
                t.underlying_expr = re.sub(r"\s*//.*$", "", rest)
                pkg.types[t.name] = t
                comments = []
                i += 1
                continue
            if rest.startswith("struct {") or rest.startswith("struct{"):
                t.kind = "struct"
                if rest.rstrip().endswith("}"):  # struct{} on one line
                    i += 1
                else:
                    i = parse_struct(t, lines, i + 1, imports)
            elif rest.startswith("interface"):
                t.kind = "interface"
                if not rest.rstrip().endswith("}"):
                    while not lines[i].startswith("}"):
                        i += 1
                i += 1
            else:
                rest = re.sub(r"\s*//.*$", "", rest)
                t.underlying_expr = rest
                t.kind = "alias"
                i += 1
            pkg.types[t.name] = t
            comments = []
            continue
        if line.startswith("const ("):
            i += 1
            while not lines[i].startswith(")"):
                cm = CONST_RE.match(lines[i])
                if cm and not lines[i].strip().startswith("//"):
                    add_const(pkg, cm, imports)
                i += 1
            i += 1
            comments = []
            continue
        if line.startswith("const "):
            cm = CONST_RE.match(line[len("const "):])
            if cm:
                add_const(pkg, cm, imports)
            i += 1
            comments = []
            continue
        mm = METHOD_RE.match(line)
        if mm:
            recv, method = mm.group(1), mm.group(2)
            body = [line]
            if not line.rstrip().endswith("}"):
                j = i + 1
                while not lines[j].startswith("}"):
                    body.append(lines[j])
                    j += 1
            pkg.methods.append((recv, method, "\n".join(body)))
        comments = []
        i += 1


def add_const(pkg, m, imports):
    """consts[name] = ((type package, type name) or None, string value or None, value expression)."""
    ctype = None
    if m.group(2) and m.group(2) not in BUILTINS:
        ref = parse_type_expr(m.group(2), pkg.path, imports)
        ctype = (ref.pkg, ref.name)
    pkg.consts[m.group(1)] = (ctype, go_string_literal(m.group(3)), m.group(3))


def parse_struct(t, lines, i, imports):
    comments = []
    while True:
        line = lines[i]
        if line.startswith("}"):
            return i + 1
        stripped = line.strip()
        if stripped.startswith("/*"):
            while "*/" not in lines[i]:
                i += 1
            if lines[i + 1].strip():
                fail(f"block comment attached to a member of {t.pkg}.{t.name} is not supported")
            comments = []
        elif not stripped:
            comments = []
        elif stripped.startswith("//"):
            comments.append(comment_text(stripped))
        else:
            if stripped.endswith("{"):
                fail(f"nested struct literal in {t.pkg}.{t.name} is not supported")
            fm = FIELD_RE.match(line)
            em = EMBED_RE.match(line)
            if em and (not fm or fm.group(2).startswith("`")):
                type_expr = em.group(1)
                name = type_expr.lstrip("*").rsplit(".", 1)[-1]
                t.members.append(GoMember(name, type_expr, em.group(2) or "", comments, True, t.pkg, imports))
            elif fm:
                for name in re.split(r",\s*", fm.group(1)):
                    t.members.append(GoMember(name, fm.group(2).strip(), fm.group(3) or "", comments, False,
                                              t.pkg, imports))
            else:
                fail(f"cannot parse struct member '{line}' in {t.pkg}.{t.name}")
            comments = []
        i += 1


class Universe:
    """Lazily parsed Go packages from the three upstream repositories."""

    def __init__(self, sources):
        self.sources = sources
        self.packages = {}

    def source_for(self, path):
        for key, (prefix, _) in REPOS.items():
            if path.startswith(prefix):
                return self.sources[key], path[len(prefix):]
        return None, None

    def package(self, path):
        if path in self.packages:
            return self.packages[path]
        pkg = GoPackage(path)
        self.packages[path] = pkg
        src, pkg_dir = self.source_for(path)
        if src is None:
            return pkg  # standard library etc.: never needs resolving for our types
        for name in sorted(src.list_dir(pkg_dir)):
            if not name.endswith(".go") or name.endswith("_test.go"):
                continue
            text = src.read(f"{pkg_dir}/{name}")
            if not build_ok(text):
                continue
            if name == "zz_generated.model_name.go":
                for tn, mn in re.findall(r'func \(in (\w+)\) OpenAPIModelName\(\) string \{\s*return "([^"]+)"', text):
                    pkg.model_names[tn] = mn
                continue
            if name.startswith("zz_generated") or name.startswith("generated.pb") or "swagger_doc" in name:
                continue
            if name == "doc.go":
                head = text.split("\npackage ", 1)[0]
                pkg.doc_comments = [comment_text(l) for l in head.splitlines() if l.startswith("//")]
            parse_go_file(pkg, text)
        for recv, method, body in pkg.methods:
            t = pkg.types.get(recv)
            if not t:
                continue
            t.methods.add(method)
            if method == "OpenAPISchemaType":
                t.openapi_type = re.findall(r'"([^"]+)"', body.split("return", 1)[1]) if "return nil" not in body else []
            elif method == "OpenAPISchemaFormat":
                t.openapi_format = re.search(r'return\s+"([^"]*)"', body).group(1)
            elif method == "OpenAPIV3OneOfTypes":
                t.openapi_oneof = re.findall(r'"([^"]+)"', body.split("return", 1)[1])
            elif method in ("OpenAPIDefinition", "OpenAPIV3Definition"):
                fail(f"{path}.{recv} has a hand-written {method}; not supported")
        return pkg

    def lookup(self, ref):
        pkg = self.package(ref.pkg)
        t = pkg.types.get(ref.name)
        if t is None:
            fail(f"type {ref.pkg}.{ref.name} not found")
        if t.kind == "goalias":
            return self.lookup(parse_type_expr(t.underlying_expr, t.pkg, t.imports))
        return t

    def underlying(self, t):
        return parse_type_expr(t.underlying_expr, t.pkg, t.imports)

    def struct_members(self, t):
        """Members of a struct type, or of the struct a defined type (`type X pkg.Y`) names."""
        if t.kind == "struct":
            return t.members
        if t.kind == "alias":
            u = self.underlying(t)
            if u.kind == "named":
                return self.struct_members(self.lookup(u))
        fail(f"{t.pkg}.{t.name} is not a struct")

    def is_struct(self, t):
        if t.kind == "struct":
            return True
        if t.kind == "alias":
            u = self.underlying(t)
            return u.kind == "named" and self.is_struct(self.lookup(u))
        return False

    def const_value(self, pkg_path, name):
        pkg = self.package(pkg_path)
        seen = set()
        while name in pkg.consts and name not in seen:
            seen.add(name)
            ctype, value, expr = pkg.consts[name]
            if value is not None:
                return value
            if re.fullmatch(r"\w+", expr):
                name = expr
                continue
            try:
                return json.loads(expr)
            except ValueError:
                break
        fail(f"cannot resolve constant {pkg_path}.{name}")


# ---------------------------------------------------------------------------------------------------------
# Schema building (kube-openapi openapi-gen, then builder3)

class Builder:
    def __init__(self, universe):
        self.u = universe
        self.enum_cache = {}

    # --- names -------------------------------------------------------------------------------------------
    def model_package(self, pkg_path, t=None):
        if t is not None:
            v = comment_tags(t.comments).get("k8s:openapi-model-package")
            if v:
                return v[0]
        pkg = self.u.package(pkg_path)
        v = comment_tags(pkg.doc_comments).get("k8s:openapi-model-package")
        if v:
            return v[0]
        host, _, rest = pkg_path.partition("/")
        return ".".join(reversed(host.split("."))) + "." + rest.replace("/", ".")

    def model_name(self, t):
        name = f"{self.model_package(t.pkg, t)}.{t.name}"
        declared = self.u.package(t.pkg).model_names.get(t.name)
        if declared and declared != name:
            fail(f"model name mismatch for {t.pkg}.{t.name}: {name} vs {declared}")
        return name

    # --- type classification -----------------------------------------------------------------------------
    def resolve(self, ref):
        """resolveAliasAndPtrType: strips pointers and named non-struct types."""
        while True:
            if ref.kind == "ptr":
                ref = ref.elem
            elif ref.kind == "named":
                t = self.u.lookup(ref)
                if t.kind == "alias" and not self.u.is_struct(t):
                    ref = self.u.underlying(t)
                else:
                    return ref
            else:
                return ref

    def type_string(self, ref):
        """What kube-openapi passes to OpenAPITypeFormat for a resolved type."""
        if ref.kind == "builtin":
            return ref.name
        if ref.kind == "slice" and ref.elem.kind == "builtin" and ref.elem.name in ("byte", "uint8"):
            return "[]byte"
        if ref.kind == "interface":
            return "interface{}"
        return None

    def named(self, ref):
        return self.u.lookup(ref) if ref.kind == "named" else None

    def custom_unmarshal(self, ref):
        """implementsCustomUnmarshalling: a struct (or pointer to one) declaring UnmarshalJSON."""
        if ref.kind == "ptr":
            ref = ref.elem
        t = self.named(ref)
        return bool(t and self.u.is_struct(t) and "UnmarshalJSON" in t.methods)

    def enum_values(self, ref):
        """Sorted const values if ref (or what it points to) is a `+enum` string type."""
        if ref.kind == "ptr":
            ref = ref.elem
        t = self.named(ref)
        if not t or t.kind != "alias" or t.underlying_expr != "string" or not has_tag(t.comments, "enum"):
            return None
        key = (t.pkg, t.name)
        if key not in self.enum_cache:
            values = set()
            for pkg in list(self.u.packages.values()):
                for cname, (ctype, value, expr) in pkg.consts.items():
                    if ctype == key and value is not None:
                        values.add(value)
            # Go sorts the %q-quoted literals
            self.enum_cache[key] = sorted(values, key=lambda v: json.dumps(v))
        return self.enum_cache[key]

    # --- defaults ----------------------------------------------------------------------------------------
    def default_from_comments(self, comments, comment_pkg, ref):
        """defaultFromComments: the member's +default, else its type's (through pointers and aliases)."""
        while True:
            tags = comment_tags(comments).get("default")
            if tags:
                if len(tags) > 1:
                    fail("multiple +default values")
                tag = tags[0]
                break
            if ref is None:
                return None
            if ref.kind == "ptr":
                comments, ref = [], ref.elem  # a pointer type has no comments of its own
                continue
            t = self.named(ref)
            if t is None:
                return None
            comments, comment_pkg = t.comments, t.pkg
            ref = self.u.underlying(t) if t.kind == "alias" else None
        m = re.fullmatch(r"ref\(([^\"]+)\)", tag)
        if m:
            sym = m.group(1)
            if "." in sym:
                pkg_path, name = sym.rsplit(".", 1)
            else:
                pkg_path, name = comment_pkg, sym
            return ("value", self.u.const_value(pkg_path, name))
        return ("value", json.loads(tag))

    def must_enforce_default(self, ref, omit_empty):
        if self.custom_unmarshal(ref):
            return None
        if ref.kind in ("ptr", "map", "slice", "interface"):
            return None
        if ref.kind == "named":
            t = self.u.lookup(ref)
            if t.kind == "interface":
                return None
            if self.u.is_struct(t):
                members = self.u.struct_members(t)
                if len(members) == 1 and members[0].embedded:
                    return self.must_enforce_default(members[0].type, omit_empty)
                return ("value", {})
            return self.must_enforce_default(self.u.underlying(t), omit_empty)
        if ref.kind == "builtin":
            if omit_empty:
                return None
            if ref.name not in TYPE_FORMAT:
                fail(f"no zero value for {ref.name}")
            return ("value", TYPE_FORMAT[ref.name][2])
        fail(f"cannot enforce default for {ref!r}")

    def default(self, comments, comment_pkg, ref, omit_empty):
        d = self.default_from_comments(comments, comment_pkg, ref)
        enforced = self.must_enforce_default(ref, omit_empty)
        if enforced is not None and d is None:
            d = enforced
        return d

    # --- schemas -----------------------------------------------------------------------------------------
    def ref_schema(self, t):
        return {"$ref": "#/components/schemas/" + self.model_name(t)}

    def value_schema(self, ref, enum_source, context):
        """The type/format/ref part of a property, items or additionalProperties schema."""
        resolved = self.resolve(ref)
        ts = self.type_string(resolved)
        if ts is not None:
            if ts not in TYPE_FORMAT:
                fail(f"no OpenAPI type for {ts} ({context})")
            typ, fmt, _ = TYPE_FORMAT[ts]
            s = {"type": typ}
            if fmt:
                s["format"] = fmt
            enum = self.enum_values(enum_source)
            if enum is not None and enum:
                s["enum"] = enum
            return s
        if resolved.kind == "map":
            return self.map_schema(resolved, context)
        if resolved.kind == "slice":
            return self.slice_schema(resolved, context)
        if resolved.kind == "named":
            t = self.u.lookup(resolved)
            if t.kind == "interface":
                return {}
            return self.ref_schema(t)
        fail(f"cannot build a schema for {resolved!r} ({context})")

    def elem_schema(self, elem, context):
        s = {}
        t = self.named(elem)
        d = self.default(t.comments if t else [], t.pkg if t else None, elem, False)
        if d is not None:
            s["default"] = d[1]
        s.update(self.value_schema(elem, elem, context))
        return s

    def map_schema(self, ref, context):
        key = self.resolve(ref.key)
        if key.kind != "builtin" or key.name != "string":
            fail(f"map with non-string keys ({context})")
        return {"type": "object", "additionalProperties": self.elem_schema(ref.elem, context)}

    def slice_schema(self, ref, context):
        return {"type": "array", "items": self.elem_schema(ref.elem, context)}

    def extensions(self, comments):
        out = {}
        for val in openapi_gen_values(comments):
            if val.startswith("x-kubernetes-"):
                k, _, v = val.partition(":")
                out[k] = v
        tags = comment_tags(comments)
        for tag in sorted(tags):
            if tag not in EXTENSION_TAGS:
                continue
            xname, always_array = EXTENSION_TAGS[tag]
            values = tags[tag]
            out[xname] = values if (always_array or len(values) > 1) else values[0]
        return out

    def json_name(self, m):
        tag = m.tag("json")
        if tag is None or tag == "":
            return m.name
        name = tag.split(",")[0]
        return "" if name == "-" else name

    def inline(self, m):
        tag = m.tag("json")
        parts = tag.split(",") if tag else []
        return len(parts) > 1 and parts[1] == "inline"

    def is_optional(self, m):
        tags = comment_tags(m.comments)
        if "optional" in tags and "required" in tags:
            fail(f"{m.pkg}.{m.name} is both optional and required")
        if "required" in tags:
            return False
        if "optional" in tags:
            return True
        return "omitempty" in (m.tag("json") or "")

    def property_schema(self, m, parent):
        # kube-openapi refuses members whose patch struct tags and patch markers disagree; so do we, which
        # also cross-checks this parser's reading of both.
        tags = comment_tags(m.comments)
        for key in ("patchMergeKey", "patchStrategy"):
            marker = tags.get(key, [""])
            if len(marker) > 1 or (m.tag(key) or "") != marker[0]:
                fail(f"{parent.pkg}.{parent.name}.{m.name}: {key} struct tag {m.tag(key)!r} vs marker {marker}")
        s = self.extensions(m.comments)
        json_tag = (m.tag("json") or "").split(",")
        if len(json_tag) > 1 and json_tag[1] == "string":
            s.update({"type": "string"})
            return s
        omit_empty = "omitempty" in (m.tag("json") or "")
        d = self.default(m.comments, parent.pkg, m.type, omit_empty)
        if d is not None:
            s["default"] = d[1]
        s.update(self.value_schema(m.type, m.type, f"{parent.pkg}.{parent.name}.{m.name}"))
        return s

    def members(self, t, props, required):
        for m in self.u.struct_members(t):
            if "false" in openapi_gen_values(m.comments):
                continue
            if self.inline(m):
                self.members(self.u.lookup(self.resolve_ptr(m.type)), props, required)
                continue
            name = self.json_name(m)
            if not name:
                continue
            if not self.is_optional(m):
                required.append(name)
            props[name] = self.property_schema(m, t)

    @staticmethod
    def resolve_ptr(ref):
        while ref.kind == "ptr":
            ref = ref.elem
        return ref

    def unions(self, t):
        """kube-openapi union.go parseUnions: struct-level, embedded, then member-level unions."""
        result = []
        members = self.u.struct_members(t)
        if has_tag(t.comments, "union"):
            u = {"discriminator": None, "fields": {}}
            for m in members:
                name = self.json_name(m)
                if not name or self.inline(m) or has_tag(m.comments, "unionDeprecated"):
                    continue
                if has_tag(m.comments, "unionDiscriminator"):
                    u["discriminator"] = name
                else:
                    u["fields"][name] = m.name
            result.append(u)
        for m in members:
            if "false" in openapi_gen_values(m.comments) or not self.inline(m):
                continue
            result.extend(self.unions(self.u.lookup(self.resolve_ptr(m.type))))
        mu = {"discriminator": None, "fields": {}}
        for m in members:
            name = self.json_name(m)
            if not name or self.inline(m):
                continue
            if has_tag(m.comments, "unionDiscriminator"):
                mu["discriminator"] = name
            if has_tag(m.comments, "union"):
                continue
            if has_tag(m.comments, "unionDeprecated"):
                mu["fields"][name] = m.name
        if mu["fields"]:
            result.append(mu)
        out = []
        for u in result:
            e = {}
            if u["discriminator"]:
                e["discriminator"] = u["discriminator"]
            e["fields-to-discriminateBy"] = dict(sorted(u["fields"].items()))
            out.append(e)
        return out

    def type_schema(self, t):
        if t.openapi_type is not None or t.openapi_format is not None:
            s = {}
            if t.openapi_oneof:
                s["oneOf"] = [{"type": x} for x in t.openapi_oneof]
            elif t.openapi_type:
                s["type"] = t.openapi_type[0] if len(t.openapi_type) == 1 else t.openapi_type
            if t.openapi_format:
                s["format"] = t.openapi_format
            s.update(self.struct_extensions(t))
            return s
        s = {"type": "object"}
        props, required = {}, []
        self.members(t, props, required)
        if props:
            s["properties"] = props
        if required:
            s["required"] = required
        s.update(self.struct_extensions(t))
        return s

    def struct_extensions(self, t):
        ext = self.extensions(t.comments)
        unions = self.unions(t) if self.u.is_struct(t) and t.openapi_type is None else []
        if unions:
            ext["x-kubernetes-unions"] = unions
        return ext


def wrap_refs(schema):
    """builder3 WrapRefs: a $ref with siblings becomes allOf:[{$ref}] (applied to every nested schema)."""
    out = dict(schema)
    if "properties" in out:
        out["properties"] = {k: wrap_refs(v) for k, v in out["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = wrap_refs(out[key])
    for key in ("oneOf", "allOf", "anyOf"):
        if key in out:
            out[key] = [wrap_refs(x) for x in out[key]]
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out["allOf"] = [{"$ref": ref}]
    return out


# ---------------------------------------------------------------------------------------------------------
# Which types, and their group-version-kinds

def exported_types(builder, pkg_path):
    """Types openapi-gen generates for: structs of an openapi-gen package (or tagged true), not tagged false."""
    u = builder.u
    pkg = u.package(pkg_path)
    package_on = "true" in openapi_gen_values(pkg.doc_comments)
    out = []
    for name in sorted(pkg.types):
        t = pkg.types[name]
        if not name[0].isupper() or not u.is_struct(t):
            continue
        vals = openapi_gen_values(t.comments)
        if (package_on and "false" not in vals) or (not package_on and "true" in vals):
            out.append(t)
    return out


def register_facts(universe, pkg_path):
    """(group, version, [local kinds], [meta kinds registered here], uses AddToGroupVersion) from register.go."""
    src, pkg_dir = universe.source_for(pkg_path)
    if "register.go" not in src.list_dir(pkg_dir):
        return None
    text = src.read(f"{pkg_dir}/register.go")
    text_nc = re.sub(r"//[^\n]*", "", text)
    g = re.search(r'const\s+GroupName\s*=\s*"([^"]*)"', text_nc)
    v = re.search(r'SchemeGroupVersion\s*=\s*schema\.GroupVersion\{Group:\s*GroupName,\s*Version:\s*"([^"]+)"', text_nc)
    if not g or not v:
        return None
    body = re.search(r"func addKnownTypes\(scheme \*runtime\.Scheme\) error \{(.*?)\n\}", text_nc, flags=re.S)
    if not body:
        fail(f"no addKnownTypes in {pkg_path}/register.go")
    body = body.group(1)
    local, meta = [], []
    for call in re.finditer(r"scheme\.AddKnownTypes\(SchemeGroupVersion,(.*?)\)\s*\n", body, flags=re.S):
        for qual, name in re.findall(r"&(?:(\w+)\.)?(\w+)\{\}", call.group(1)):
            (meta if qual == "metav1" else local).append(name)
    return g.group(1), v.group(1), local, meta, "metav1.AddToGroupVersion(scheme, SchemeGroupVersion)" in body


def meta_registration(universe):
    """What metav1.AddToGroupVersion registers: (per-group kinds, unversioned kinds under ""/v1)."""
    src, pkg_dir = universe.source_for(META)
    text = re.sub(r"//[^\n]*", "", src.read(f"{pkg_dir}/register.go"))
    options = re.search(r"var optionsTypes = \[\]runtime\.Object\{(.*?)\}\n", text, flags=re.S)
    per_group = re.findall(r"&(\w+)\{\}", options.group(1))
    fn = re.search(r"func AddToGroupVersion\(.*?\n\}", text, flags=re.S).group(0)
    if "WithKind(WatchEventKind), &WatchEvent{}" not in fn:
        fail("metav1.AddToGroupVersion no longer registers WatchEvent as expected")
    per_group.append("WatchEvent")
    unversioned = re.search(r"AddUnversionedTypes\(Unversioned,(.*?)\)", fn, flags=re.S)
    return per_group, re.findall(r"&(\w+)\{\}", unversioned.group(1))


def group_version_kinds(universe):
    gvks = {}  # (pkg path, type name) -> set of (group, version, kind)
    per_group, unversioned = meta_registration(universe)
    for pkg_path in PACKAGES:
        if pkg_path == META:
            continue  # meta/v1's own register.go feeds a private scheme, not the served API
        facts = register_facts(universe, pkg_path)
        if not facts:
            continue
        group, version, local, meta, add_meta = facts
        for k in local:
            gvks.setdefault((pkg_path, k), set()).add((group, version, k))
        for k in meta:
            gvks.setdefault((META, k), set()).add((group, version, k))
        if add_meta:
            for k in per_group:
                gvks.setdefault((META, k), set()).add((group, version, k))
            for k in unversioned:
                gvks.setdefault((META, k), set()).add(("", "v1", k))
    return gvks


# ---------------------------------------------------------------------------------------------------------
# kinds.json: the kinds Shim serves (src/Shim.Api/Resources/BuiltInResources.cs) and their schemas

def served_kinds():
    path = os.path.join(REPO_ROOT, "src", "Shim.Api", "Resources", "BuiltInResources.cs")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    consts = dict(re.findall(r'const string (\w+) = "([^"]*)";', text))

    def group(expr):
        expr = expr.strip()
        return json.loads(expr) if expr.startswith('"') else consts[expr]

    kinds = []
    for m in re.finditer(r'Group = ("[^"]*"|\w+), Version = "(\w+)", Resource = "[^"]+", Kind = "(\w+)"', text):
        kinds.append((group(m.group(1)), m.group(2), m.group(3)))
    for m in re.finditer(r'yield return Core\("[^"]+", "(\w+)"', text):
        kinds.append(("", "v1", m.group(1)))
    for m in re.finditer(r'yield return Workload\((\w+|"[^"]*"), "[^"]+", "(\w+)"', text):
        kinds.append((group(m.group(1)), "v1", m.group(2)))
    for m in re.finditer(r'yield return Simple\((\w+|"[^"]*"), "(\w+)", "[^"]+", "(\w+)"', text):
        kinds.append((group(m.group(1)), m.group(2), m.group(3)))
    expected = len(re.findall(r"yield return ", text))
    if len(kinds) != expected:
        fail(f"parsed {len(kinds)} kinds from BuiltInResources.cs but it has {expected} yield returns")
    return kinds


def write_kinds(out_dir):
    by_gvk = {}
    for name in sorted(os.listdir(out_dir)):
        if not name.startswith("io.k8s.") or not name.endswith(".json"):
            continue
        with open(os.path.join(out_dir, name), encoding="utf-8") as f:
            for schema_name, s in json.load(f)["schemas"].items():
                for gvk in s.get("x-kubernetes-group-version-kind", []):
                    by_gvk.setdefault((gvk["group"], gvk["version"], gvk["kind"]), schema_name)
    kinds = []
    for g, v, k in served_kinds():
        if (g, v, k) not in by_gvk:
            fail(f"served kind {g}/{v} {k} has no schema")
        kinds.append({"group": g, "version": v, "kind": k, "schema": by_gvk[(g, v, k)]})
    kinds.sort(key=lambda x: (x["group"], x["version"], x["kind"]))
    write_json(os.path.join(out_dir, "kinds.json"), {"kinds": kinds})
    print(f"kinds.json: {len(kinds)} kinds", file=sys.stderr)


def write_json(path, data):
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default="v0.36.3", help="git tag/commit to read (same for all repos)")
    ap.add_argument("--api")
    ap.add_argument("--apimachinery")
    ap.add_argument("--apiextensions")
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--kinds-only", action="store_true", help="only rewrite kinds.json from the schema files")
    args = ap.parse_args()
    if args.kinds_only:
        write_kinds(args.out)
        return
    if not (args.api and args.apimachinery and args.apiextensions):
        ap.error("--api, --apimachinery and --apiextensions are required")

    pb = _load_protobuf_generator()
    sources = {"api": pb.Source(args.api, args.ref), "apimachinery": pb.Source(args.apimachinery, args.ref),
               "apiextensions": pb.Source(args.apiextensions, args.ref)}
    universe = Universe(sources)
    builder = Builder(universe)
    for p in PACKAGES:  # parse everything first: enum constants may live in any of them
        universe.package(p)
    gvks = group_version_kinds(universe)

    all_names, refs, files = set(), set(), {}
    for pkg_path in PACKAGES:
        schemas = {}
        for t in exported_types(builder, pkg_path):
            s = builder.type_schema(t)
            kinds = gvks.get((pkg_path, t.name))
            if kinds:
                s["x-kubernetes-group-version-kind"] = [
                    {"group": g, "kind": k, "version": v} for g, v, k in sorted(kinds)]
            s = wrap_refs(s)
            name = builder.model_name(t)
            schemas[name] = s
            all_names.add(name)
            refs.update(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(s)))
        model_pkg = builder.model_package(pkg_path)
        files[model_pkg] = schemas

    missing = sorted(refs - all_names)
    if missing:
        fail("referenced but not generated: " + ", ".join(missing))

    source_info = {}
    for key, (prefix, repo) in REPOS.items():
        source_info[repo] = {"ref": args.ref, "commit": sources[key].commit}
    for model_pkg, schemas in sorted(files.items()):
        write_json(os.path.join(args.out, f"{model_pkg}.json"), {"schemas": schemas})
        print(f"{model_pkg}.json: {len(schemas)} schemas", file=sys.stderr)
    write_json(os.path.join(args.out, "source.json"), {"sources": source_info,
                                                       "generator": "openapi/schema/generate.py"})
    write_kinds(args.out)


if __name__ == "__main__":
    main()
