#!/usr/bin/env python3
"""A structural check of the Sinew chart where `helm lint` / `helm template` are not available.

Expands the chart's own `include`s (from templates/_helpers.tpl) at their `nindent`, drops control
lines (if/else/range/with/end/fail), turns every other action into a placeholder scalar, and parses
each template with PyYAML: indentation and nesting mistakes fail here. It does not evaluate
conditions or values; `helm lint deploy/helm/sinew` is the real check.
Usage: python3 deploy/helm/check-chart.py  (needs PyYAML)
"""
import pathlib
import re
import sys

import yaml

CHART = pathlib.Path(__file__).parent / "sinew"
ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
OPENS = re.compile(r"^(if|range|with|define)\b")
INCLUDE = re.compile(r'^include\s+"([^"]+)".*\|\s*nindent\s+(\d+)$')
NINDENT = re.compile(r"\|\s*nindent\s+(\d+)$")


def defines(text):
    """The bodies of `{{- define "name" -}} … {{- end -}}`, nested blocks included."""
    out, name, depth, body = {}, None, 0, []
    for line in text.splitlines():
        actions = ACTION.findall(line)
        only = ACTION.sub("", line).strip() == "" and len(actions) == 1
        head = actions[0] if only else ""
        if name is None:
            m = re.match(r'^define\s+"([^"]+)"', head)
            if m:
                name, depth, body = m.group(1), 1, []
            continue
        if only and OPENS.match(head):
            depth += 1
        elif only and head == "end":
            depth -= 1
            if depth == 0:
                out[name] = "\n".join(body)
                name = None
                continue
        body.append(line)
    return out


def expand(text, helpers, counter):
    lines = []
    for line in text.splitlines():
        actions = ACTION.findall(line)
        if actions and ACTION.sub("", line).strip() == "" and len(actions) == 1:
            action = actions[0]
            inc = INCLUDE.match(action)
            if inc:
                body = expand(helpers[inc.group(1)], helpers, counter)
                lines.extend(" " * int(inc.group(2)) + l for l in body.splitlines() if l.strip())
                continue
            ind = NINDENT.search(action)
            if ind:
                counter[0] += 1
                lines.append(" " * int(ind.group(1)) + f"rendered_{counter[0]}: x")
                continue
            if action.startswith("/*"):
                continue
            continue  # if / else / end / range / with / fail
        lines.append(ACTION.sub("X", line))
    return "\n".join(lines)


def main():
    problems = []
    for name in ("Chart.yaml", "values.yaml"):
        yaml.safe_load((CHART / name).read_text())
    helpers = defines((CHART / "templates" / "_helpers.tpl").read_text())
    kinds = []
    for path in sorted((CHART / "templates").glob("*.yaml")):
        rendered = expand(path.read_text(), helpers, [0])
        try:
            docs = [d for d in yaml.safe_load_all(rendered) if d is not None]
        except yaml.YAMLError as e:
            problems.append(f"{path.name}: {e}\n--- as checked:\n{rendered}")
            continue
        for d in docs:
            if not all(k in d for k in ("apiVersion", "kind", "metadata")):
                problems.append(f"{path.name}: a document without apiVersion/kind/metadata")
            kinds.append(f"{path.name}: {d.get('kind')}")
    if problems:
        print("\n".join(problems))
        return 1
    print("chart parses:", ", ".join(kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
