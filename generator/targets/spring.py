"""What only the Spring Boot target needs: which refusals its sign-in tells apart, and where its example app lives.

The starter turns the login operation's error kinds into Spring Security's
``AuthenticationException`` types; a kind the spec's login never answers gets
no branch there.  The example application is a package of its own beside the
starter's.
"""

from __future__ import annotations

from typing import Any

from .. import expr
from ..lang.java import pascal, string
from ..model import Spec
from ..plan.naming import target_names
from . import TARGETS


def context(spec: Spec) -> dict[str, Any]:
    """The Spring Boot part of the template context."""
    example = example_package(target_names(spec, TARGETS["spring"]))
    return {
        "spring_login_kinds": login_kinds(spec),
        "example_package": example,
        "example_package_path": example.replace(".", "/"),
        "spring_oidc_links": oidc_links(spec),
    }


def example_package(names: dict[str, str]) -> str:
    """The example app's package: ``<group id>.example``, or ``<package>.example`` when that is the starter's own."""
    group, package = names["group_id"], names["package"]
    return group + ".example" if group + ".example" != package else package + ".example"


def login_kinds(spec: Spec) -> list[str]:
    """The error kinds the login operation's rules map responses to, sorted (none for an OpenID Connect spec)."""
    if not spec.has("login"):
        return []
    return sorted({rule.kind for step in spec.operations["login"].steps for rule in step.errors})


def oidc_links(spec: Spec) -> list[dict[str, str]]:
    """The provider's register and reset pages an OIDC spec names, each as a Java expression over the properties.

    ``${service.issuer}`` stays as it is (it starts the URL); every other reference is URL-encoded, since it
    sits in a path or a query.
    """
    if spec.oidc is None:
        return []
    links = []
    for name, template in (("register", spec.oidc.register_url), ("reset", spec.oidc.reset_url)):
        if template is None:
            continue
        terms = []
        for part in template.parts:
            if isinstance(part, expr.Lit):
                terms.append(string(part.text))
                continue
            getter = f"this.properties.get{pascal(part.name)}()"
            terms.append(getter if part.name == "issuer" else f"URLEncoder.encode({getter}, StandardCharsets.UTF_8)")
        # what the page must show of it: its first literal text
        literal = next(part.text for part in template.parts if isinstance(part, expr.Lit))
        links.append({"name": name, "java": "\n                + ".join(terms), "test": literal})
    return links
