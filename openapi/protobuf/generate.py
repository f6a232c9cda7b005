#!/usr/bin/env python3
"""Turn upstream Kubernetes generated.proto files (plus the Go struct tags next to them) into the
JSON schema data that Shim.Api.Protobuf.ProtobufBody embeds to decode protobuf request bodies.

Only facts are extracted: message names, field numbers/names/types, repeated/map shape, and from the
Go struct tags the JSON name, `,inline`, `omitempty`, `omitzero` and pointer-ness (needed to reproduce what
encoding/json would have produced for the same Go object). No upstream comments are copied.

Usage (each source is a git directory, bare or not, or a plain checkout directory):
  python3 generate.py --ref v0.36.3 \
      --api /work/.mirror/kubernetes+api/repo \
      --apimachinery /work/.mirror/kubernetes+apimachinery/repo \
      --apiextensions /work/.mirror/kubernetes+apiextensions-apiserver/repo
Output: one <proto package>.json per package, next to this script (or --out DIR).
"""

import argparse
import json
import os
import re
import subprocess
import sys

# (source repo key, package dir inside that repo)
PACKAGES = [
    ("api", "core/v1"),
    ("api", "apps/v1"),
    ("api", "batch/v1"),
    ("api", "autoscaling/v1"),
    ("api", "autoscaling/v2"),
    ("api", "policy/v1"),
    ("api", "networking/v1"),
    ("api", "discovery/v1"),
    ("api", "rbac/v1"),
    ("api", "coordination/v1"),
    ("api", "storage/v1"),
    ("api", "scheduling/v1"),
    ("api", "authentication/v1"),
    ("api", "authorization/v1"),
    ("apimachinery", "pkg/apis/meta/v1"),
    ("apimachinery", "pkg/api/resource"),
    ("apimachinery", "pkg/util/intstr"),
    ("apimachinery", "pkg/runtime"),
    ("apiextensions", "pkg/apis/apiextensions/v1"),
]

REPO_NAMES = {
    "api": "kubernetes/api",
    "apimachinery": "kubernetes/apimachinery",
    "apiextensions": "kubernetes/apiextensions-apiserver",
}

SCALARS = {
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
}


class Source:
    """Reads files from a git directory at a ref, or from a plain directory."""

    def __init__(self, path, ref):
        self.path = path
        self.ref = ref
        self.git_dir = None
        if os.path.isdir(os.path.join(path, ".git")):
            self.git_dir = os.path.join(path, ".git")
        elif os.path.exists(os.path.join(path, "HEAD")) and os.path.isdir(os.path.join(path, "objects")):
            self.git_dir = path
        self.commit = None
        if self.git_dir:
            self.commit = self._git("rev-parse", ref + "^{commit}").strip()

    def _git(self, *args):
        return subprocess.run(["git", "--git-dir", self.git_dir, *args], check=True,
                              capture_output=True, text=True).stdout

    def read(self, path):
        if self.git_dir:
            return self._git("show", f"{self.commit}:{path}")
        with open(os.path.join(self.path, path), encoding="utf-8") as f:
            return f.read()

    def list_dir(self, path):
        if self.git_dir:
            out = self._git("ls-tree", "--name-only", self.commit, path.rstrip("/") + "/")
            return [os.path.basename(p) for p in out.splitlines()]
        return os.listdir(os.path.join(self.path, path))


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


FIELD_RE = re.compile(r"^(optional|repeated|required)?\s*([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(\[[^\]]*\])?$")
MAP_RE = re.compile(r"^map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s*(\w+)\s*=\s*(\d+)\s*(\[[^\]]*\])?$")


def parse_proto(text):
    """Returns (package, [(message name, [field dict])]). k8s protos are flat: no nesting, enums or oneofs."""
    text = strip_comments(text)
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", text, flags=re.M).group(1)
    messages = []
    for m in re.finditer(r"\bmessage\s+(\w+)\s*\{", text):
        depth, i = 1, m.end()
        while depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        body = text[m.end():i - 1]
        if "{" in body:
            raise SystemExit(f"nested declarations in message {m.group(1)} are not supported")
        fields = []
        for stmt in (s.strip() for s in body.split(";")):
            if not stmt:
                continue
            mm = MAP_RE.match(stmt)
            if mm:
                fields.append({"number": int(mm.group(4)), "name": mm.group(3), "type": "map",
                               "keyType": mm.group(1), "valueType": mm.group(2)})
                continue
            fm = FIELD_RE.match(stmt)
            if not fm:
                raise SystemExit(f"cannot parse field '{stmt}' in message {m.group(1)}")
            field = {"number": int(fm.group(4)), "name": fm.group(3), "type": fm.group(2)}
            if fm.group(1) == "repeated":
                field["repeated"] = True
            if fm.group(5) and "packed=true" in fm.group(5).replace(" ", ""):
                field["packed"] = True
            fields.append(field)
        messages.append((m.group(1), fields))
    return package, messages


def qualify(type_name, package):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        return type_name[1:]
    if "." in type_name:
        return type_name
    return f"{package}.{type_name}"


GO_TYPE_RE = re.compile(r"^type\s+(\w+)\s+(struct\s*\{|\[\][\w.*]+|map\[[^\]]+\][\w.*]+)", re.M)
GO_FIELD_RE = re.compile(r"^\s*(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`")
TAG_RE = re.compile(r'(\w+):"([^"]*)"')


def parse_go(text):
    """Struct fields keyed by protobuf field number, plus slice/map type aliases, from one Go file."""
    text = strip_comments(text)
    types = {}
    for m in GO_TYPE_RE.finditer(text):
        name, kind = m.group(1), m.group(2)
        if kind.startswith("[]"):
            types[name] = {"goKind": "slice"}
            continue
        if kind.startswith("map["):
            types[name] = {"goKind": "map"}
            continue
        end = text.index("\n}", m.end())
        fields = {}
        for line in text[m.end():end].splitlines():
            fm = GO_FIELD_RE.match(line)
            if not fm:
                continue
            tags = dict(TAG_RE.findall(fm.group(3)))
            if "protobuf" not in tags:
                continue
            pb = tags["protobuf"].split(",")
            if len(pb) < 2:
                continue  # `protobuf:"-"`: hand-written marshalling (Time, MicroTime)
            number = int(pb[1])
            info = {"goType": fm.group(2)}
            if "json" in tags:
                parts = tags["json"].split(",")
                info["json"] = parts[0]
                info["inline"] = "inline" in parts[1:]
                info["omitempty"] = "omitempty" in parts[1:]
                info["omitzero"] = "omitzero" in parts[1:]
            fields[number] = info
        types[name] = {"goKind": "struct", "fields": fields}
    return types


def group_version(src, pkg_dir, names):
    """GroupName/Version as registered in register.go (None for packages without an API group)."""
    if "register.go" not in names:
        return None, None
    text = strip_comments(src.read(f"{pkg_dir}/register.go"))
    g = re.search(r'const\s+GroupName\s*=\s*"([^"]*)"', text)
    v = re.search(r'SchemeGroupVersion\s*=\s*schema\.GroupVersion\{Group:\s*GroupName,\s*Version:\s*"([^"]+)"', text)
    if not g or not v:
        return None, None
    return g.group(1), v.group(1)


def build_package(src, repo_key, pkg_dir):
    names = src.list_dir(pkg_dir)
    package, messages = parse_proto(src.read(f"{pkg_dir}/generated.proto"))
    go_types = {}
    for name in sorted(names):
        if not name.endswith(".go") or name.endswith("_test.go") or name.startswith("zz_generated") \
                or name in ("generated.pb.go",) or "swagger_doc" in name:
            continue
        go_types.update(parse_go(src.read(f"{pkg_dir}/{name}")))
    group, version = group_version(src, pkg_dir, names)

    out_messages = []
    for msg_name, fields in messages:
        go = go_types.get(msg_name)
        entry = {"name": f"{package}.{msg_name}"}
        if go and go["goKind"] != "struct":
            entry["goKind"] = go["goKind"]
        out_fields = []
        for f in fields:
            f = dict(f)
            for key in ("type", "keyType", "valueType"):
                if key in f and f[key] != "map":
                    f[key] = qualify(f[key], package)
            info = (go or {}).get("fields", {}).get(f["number"]) if go and go["goKind"] == "struct" else None
            if info:
                if "json" in info:
                    if info["inline"]:
                        f["inline"] = True
                    elif not info["json"]:
                        # encoding/json would use the Go field name; no such field exists today.
                        raise SystemExit(f"{package}.{msg_name}.{f['name']}: json tag without a name")
                    elif info["json"] != f["name"]:
                        f["jsonName"] = info["json"]
                    if info["omitempty"]:
                        f["omitEmpty"] = True
                    if info["omitzero"]:
                        f["omitZero"] = True
                if info["goType"].startswith("*"):
                    f["pointer"] = True
            if not info or "json" not in info:
                # No Go json tag to follow (hand-marshalled types, core/v1 List): never emit a zero value.
                f["omitEmpty"] = True
            out_fields.append(f)
        entry["fields"] = out_fields
        out_messages.append(entry)

    data = {
        "package": package,
        "source": {
            "repository": REPO_NAMES[repo_key],
            "ref": src.ref,
            "commit": src.commit,
            "path": f"{pkg_dir}/generated.proto",
        },
    }
    if group is not None:
        data["group"] = group
        data["version"] = version
    data["messages"] = out_messages
    return package, data


def render(data):
    """Stable, diff-friendly JSON: one line per field."""
    compact = lambda v: json.dumps(v, separators=(", ", ": "))
    lines = ["{"]
    for key in ("package", "source", "group", "version"):
        if key in data:
            lines.append(f' "{key}": {compact(data[key])},')
    lines.append(' "messages": [')
    for i, m in enumerate(data["messages"]):
        head = {k: v for k, v in m.items() if k != "fields"}
        lines.append("  {" + compact(head)[1:-1] + ', "fields": [')
        for j, f in enumerate(m["fields"]):
            lines.append("   " + compact(f) + ("," if j < len(m["fields"]) - 1 else ""))
        lines.append("  ]}" + ("," if i < len(data["messages"]) - 1 else ""))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", default="v0.36.3", help="git tag/commit to read (same for all repos)")
    ap.add_argument("--api", required=True)
    ap.add_argument("--apimachinery", required=True)
    ap.add_argument("--apiextensions", required=True)
    ap.add_argument("--out", default=here)
    args = ap.parse_args()
    sources = {
        "api": Source(args.api, args.ref),
        "apimachinery": Source(args.apimachinery, args.ref),
        "apiextensions": Source(args.apiextensions, args.ref),
    }
    all_messages = set()
    referenced = set()
    for repo_key, pkg_dir in PACKAGES:
        package, data = build_package(sources[repo_key], repo_key, pkg_dir)
        for m in data["messages"]:
            all_messages.add(m["name"])
            for f in m["fields"]:
                for key in ("type", "valueType"):
                    t = f.get(key)
                    if t and t not in SCALARS and t != "map":
                        referenced.add(t)
        path = os.path.join(args.out, f"{package}.json")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(render(data))
        print(f"{path}: {len(data['messages'])} messages", file=sys.stderr)
    missing = sorted(referenced - all_messages)
    if missing:
        print("warning: referenced but not generated: " + ", ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
