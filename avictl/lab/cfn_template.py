"""Templates for the lab's CloudFormation: parsing, validation, parameters and intrinsic functions.

Behaves as the real service documents and answers (the messages are CloudFormation's own):
- a body is JSON, else YAML (short-form tags `!Ref`, `!Sub` ...); a body that is neither is
  "Template format error: JSON not well-formed. (line L,  column C)" / "YAML not well-formed";
- at least one resource; every Ref / GetAtt / DependsOn names a parameter, a resource or a
  pseudo parameter ("Unresolved resource dependencies [X] in the Resources block of the
  template"); resource types look like AWS::Service::Thing ("Unrecognized resource types: [X]");
- parameters on CreateStack: names not declared are "Parameters: [X] do not exist in the
  template", declared ones without value or Default "Parameters: [X] must have values",
  AllowedValues / AllowedPattern / MinLength / MaxLength / MinValue / MaxValue are enforced
  ("Parameter 'X' must be one of AllowedValues"); NoEcho values read back as "****".

Stdlib (and PyYAML, which moto brings, for YAML bodies) only: no product code.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

PSEUDO = ("AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::AccountId", "AWS::NoValue", "AWS::Partition",
          "AWS::URLSuffix", "AWS::NotificationARNs")
TYPE_RE = re.compile(r"^(AWS|Alexa|Custom)::[A-Za-z0-9]+(::[A-Za-z0-9]+)*$|^Custom::[A-Za-z0-9_@-]+$")
IAM_TYPES = ("AWS::IAM::",)
NO_VALUE = object()


class TemplateError(Exception):
    """A ValidationError of the service (its message as CloudFormation words it)."""


def parse(body: str) -> dict[str, Any]:
    """The template as a dict; TemplateError for a body that is neither JSON nor YAML or not a mapping."""
    text = body.strip()
    if text.startswith("{"):
        try:
            data = json.loads(body)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"Template format error: JSON not well-formed. (line {exc.lineno},  column "
                                f"{exc.colno})") from None
    else:
        data = _yaml(body)
    if not isinstance(data, dict):
        raise TemplateError("Template format error: unsupported structure.")
    check(data)
    return data


def _yaml(body: str) -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - moto depends on PyYAML
        raise TemplateError("Template format error: JSON not well-formed. (line 1,  column 1)") from None

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader: Any, suffix: str, node: Any) -> Any:
        name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    Loader.add_multi_constructor("!", tag)
    try:
        return yaml.load(body, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise TemplateError(f"Template format error: YAML not well-formed.{where}") from None


def check(template: dict[str, Any]) -> None:
    """Structure, resource types and references, as ValidateTemplate checks them."""
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateError("Template format error: At least one Resources member must be defined.")
    params = template.get("Parameters") or {}
    if not isinstance(params, dict):
        raise TemplateError("Template format error: Parameters must be an object")
    for name, decl in params.items():
        if not isinstance(decl, dict) or "Type" not in decl:
            raise TemplateError(f"Template format error: Every Parameters object must contain a Type member.")
    bad_types = []
    for name, res in resources.items():
        if not isinstance(res, dict) or "Type" not in res:
            raise TemplateError(f"Template format error: [/Resources/{name}] Every Resources object must contain "
                                "a Type member.")
        if not TYPE_RE.match(str(res["Type"])):
            bad_types.append(str(res["Type"]))
    if bad_types:
        raise TemplateError(f"Template format error: Unrecognized resource types: [{', '.join(bad_types)}]")
    known = set(params) | set(resources) | set(PSEUDO)
    missing: list[str] = []
    for name, res in resources.items():
        for dep in _depends_on(res):
            if dep not in resources and dep not in missing:
                missing.append(dep)
        for ref in references(res.get("Properties") or {}):
            if ref not in known and ref not in missing:
                missing.append(ref)
    if missing:
        raise TemplateError(f"Template format error: Unresolved resource dependencies [{', '.join(missing)}] "
                            "in the Resources block of the template")
    for name, out in (template.get("Outputs") or {}).items():
        for ref in references(out):
            if ref not in known:
                raise TemplateError(f"Template format error: Unresolved resource dependencies [{ref}] in the "
                                    "Outputs block of the template")


def _depends_on(res: dict[str, Any]) -> list[str]:
    dep = res.get("DependsOn") or []
    return [dep] if isinstance(dep, str) else list(dep)


def references(node: Any) -> list[str]:
    """Names a node refers to through Ref, Fn::GetAtt and Fn::Sub ${Name}."""
    out: list[str] = []
    if isinstance(node, dict):
        if len(node) == 1:
            (key, value), = node.items()
            if key == "Ref" and isinstance(value, str):
                return [value]
            if key == "Fn::GetAtt":
                target = value.split(".", 1)[0] if isinstance(value, str) else value[0]
                return [target]
            if key == "Fn::Sub":
                text, local = (value, {}) if isinstance(value, str) else (value[0], value[1] or {})
                out = [m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text) if m.split(".", 1)[0]
                       not in local]
                return out + references(local)
        for value in node.values():
            out.extend(references(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(references(value))
    return out


def dependencies(template: dict[str, Any]) -> dict[str, set[str]]:
    """Each resource's resources it needs first (Ref, GetAtt, Sub, DependsOn)."""
    resources = template["Resources"]
    return {name: ({r for r in references(res.get("Properties") or {}) if r in resources}
                   | set(_depends_on(res))) for name, res in resources.items()}


def capabilities(template: dict[str, Any]) -> list[str]:
    types = [str(r.get("Type")) for r in template["Resources"].values()]
    return ["CAPABILITY_IAM"] if any(t.startswith(IAM_TYPES) for t in types) else []


# -- parameters ------------------------------------------------------------------------------


def declarations(template: dict[str, Any]) -> list[dict[str, Any]]:
    """GetTemplateSummary's ParameterDeclaration list."""
    out = []
    for key, decl in (template.get("Parameters") or {}).items():
        item: dict[str, Any] = {"ParameterKey": key, "ParameterType": decl.get("Type", "String"),
                                "NoEcho": str(decl.get("NoEcho", "false")).lower() == "true",
                                "Description": decl.get("Description"),
                                "ParameterConstraints": {}}
        if "Default" in decl:
            item["DefaultValue"] = _text(decl["Default"])
        if "AllowedValues" in decl:
            item["ParameterConstraints"] = {"AllowedValues": [_text(v) for v in decl["AllowedValues"]]}
        out.append(item)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    return str(value)


def resolve_parameters(template: dict[str, Any], given: dict[str, str]) -> dict[str, str]:
    """The stack's parameter values (given, else Default), checked as CreateStack checks them."""
    decls = template.get("Parameters") or {}
    unknown = [k for k in given if k not in decls]
    if unknown:
        raise TemplateError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    values: dict[str, str] = {}
    missing = []
    for key, decl in decls.items():
        if key in given:
            values[key] = given[key]
        elif "Default" in decl:
            values[key] = _text(decl["Default"])
        else:
            missing.append(key)
    if missing:
        raise TemplateError(f"Parameters: [{', '.join(missing)}] must have values")
    for key, decl in decls.items():
        _constraints(key, decl, values[key])
    return values


def _constraints(key: str, decl: dict[str, Any], value: str) -> None:
    why = decl.get("ConstraintDescription")
    allowed = decl.get("AllowedValues")
    if allowed is not None and value not in [_text(v) for v in allowed]:
        raise TemplateError(f"Parameter '{key}' must be one of AllowedValues")
    if "AllowedPattern" in decl and not re.fullmatch(str(decl["AllowedPattern"]), value):
        raise TemplateError(why or f"Parameter '{key}' must match pattern {decl['AllowedPattern']}")
    if "MinLength" in decl and len(value) < int(decl["MinLength"]):
        raise TemplateError(why or f"Parameter '{key}' must contain at least {decl['MinLength']} characters")
    if "MaxLength" in decl and len(value) > int(decl["MaxLength"]):
        raise TemplateError(why or f"Parameter '{key}' must contain at most {decl['MaxLength']} characters")
    if decl.get("Type") == "Number":
        try:
            number = float(value)
        except ValueError:
            raise TemplateError(f"Parameter '{key}' must be a number") from None
        if "MinValue" in decl and number < float(decl["MinValue"]):
            raise TemplateError(why or f"Parameter '{key}' must be a number not less than {decl['MinValue']}")
        if "MaxValue" in decl and number > float(decl["MaxValue"]):
            raise TemplateError(why or f"Parameter '{key}' must be a number not greater than {decl['MaxValue']}")


# -- intrinsic functions ---------------------------------------------------------------------


class Resolver:
    """Evaluates intrinsic functions against parameters, pseudo parameters and made resources.

    `refs` maps a logical id to its Ref value, `attrs` to its attributes (GetAtt)."""

    def __init__(self, template: dict[str, Any], params: dict[str, str], pseudo: dict[str, str],
                 refs: dict[str, str], attrs: dict[str, dict[str, Any]], azs: list[str]):
        self.template = template
        self.params = params
        self.types = {k: d.get("Type", "String") for k, d in (template.get("Parameters") or {}).items()}
        self.pseudo = pseudo
        self.refs = refs
        self.attrs = attrs
        self.azs = azs
        self.conditions: dict[str, bool] = {}
        for name, expr in (template.get("Conditions") or {}).items():
            self.conditions[name] = bool(self.value(expr))

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.value(x) for x in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            fn = _FUNCTIONS.get(key)
            if fn is not None:
                return fn(self, arg)
        return {k: v for k, v in ((k, self.value(v)) for k, v in node.items()) if v is not NO_VALUE}

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.params:
            value = self.params[name]
            if self.types.get(name, "").startswith(("List<", "CommaDelimitedList")):
                return [v.strip() for v in value.split(",")] if value else []
            return value
        if name in self.refs:
            return self.refs[name]
        raise TemplateError(f"Template error: unresolved reference {name}")

    def get_att(self, arg: Any) -> Any:
        name, attr = (arg.split(".", 1) if isinstance(arg, str) else (arg[0], self.value(arg[1])))
        attrs = self.attrs.get(name, {})
        if attr not in attrs:
            raise TemplateError(f"Template error: resource {name} does not support attribute type {attr} "
                                "in Fn::GetAtt")
        return attrs[attr]

    def sub(self, arg: Any) -> str:
        text, local = (arg, {}) if isinstance(arg, str) else (arg[0], self.value(arg[1] or {}))

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name:
                return str(self.get_att(name))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]*)\}", one, text)

    def find_in_map(self, arg: list[Any]) -> Any:
        mapping, top, second = (self.value(a) for a in arg[:3])
        try:
            return self.template["Mappings"][mapping][top][second]
        except (KeyError, TypeError):
            raise TemplateError(f"Template error: Unable to get mapping for {mapping}::{top}::{second}") from None


_FUNCTIONS: dict[str, Any] = {
    "Ref": lambda r, a: r.ref(a),
    "Fn::GetAtt": lambda r, a: r.get_att(a),
    "Fn::Join": lambda r, a: str(r.value(a[0])).join(str(v) for v in r.value(a[1])),
    "Fn::Sub": lambda r, a: r.sub(a),
    "Fn::Select": lambda r, a: r.value(a[1])[int(r.value(a[0]))],
    "Fn::Split": lambda r, a: str(r.value(a[1])).split(str(r.value(a[0]))),
    "Fn::GetAZs": lambda r, a: list(r.azs),
    "Fn::Base64": lambda r, a: base64.b64encode(str(r.value(a)).encode()).decode(),
    "Fn::FindInMap": lambda r, a: r.find_in_map(a),
    "Fn::If": lambda r, a: r.value(a[1]) if r.conditions.get(a[0], False) else r.value(a[2]),
    "Fn::Equals": lambda r, a: r.value(a[0]) == r.value(a[1]),
    "Fn::Not": lambda r, a: not r.value(a[0]),
    "Fn::And": lambda r, a: all(r.value(x) for x in a),
    "Fn::Or": lambda r, a: any(r.value(x) for x in a),
    "Condition": lambda r, a: r.conditions.get(a, False),
}
