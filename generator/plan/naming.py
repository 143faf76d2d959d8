"""The names of a generated package: the target's defaults, then the spec's ``[targets.<name>]`` options.

Flask's package, Spring's group id, ASP.NET Core's namespace ...: each target
lists its defaults as patterns of the service's slug (``{slug}``, ``{SLUG}``)
and class-name stem (``{Name}``); the spec may set any of them.  The context
and the printers that need a name (Spring's package) ask here, so a default is
written once.
"""

from __future__ import annotations

from ..model import Spec
from ..targets import Target


def target_names(spec: Spec, target: Target) -> dict[str, str]:
    """Package, distribution and similar names for ``target``: the spec's options over the target's defaults."""
    slug = spec.service.slug
    values = {"slug": slug, "Name": spec.service.class_name, "SLUG": slug.upper()}
    names = {key: pattern.format(**values) for key, pattern in target.naming.items()}
    names.update(spec.target_options.get(target.name, {}))
    return names
