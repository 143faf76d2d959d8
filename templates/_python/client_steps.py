{#- The requests of the API as data, shared by the synchronous and the asynchronous client. -#}
class _Rule:
    """A response status, and values in the error body, that mean one error."""

{%- if "_service_message" in cookiecutter.helpers %}
    def __init__(
        self,
        status: int,
        error: type[{{ cookiecutter.class_name }}Error],
        match: Mapping[str, object] | None = None,
        *,
        message: str | None = None,
    ) -> None:
{%- else %}
    def __init__(self, status: int, error: type[{{ cookiecutter.class_name }}Error], match: Mapping[str, object] | None = None) -> None:
{%- endif %}
        self.status = status
        self.error = error
        self.match = dict(match or {})
{%- if "_service_message" in cookiecutter.helpers %}
        #: where the error body holds the service's own message for users
        self.message = message
{%- endif %}

    def matches(self, status: int, body: object) -> bool:
        return status == self.status and all(_pointer(body, p) == v for p, v in self.match.items())


class _Step:
    """One request of the API: its method, its path as the spec writes it, success statuses, error rules.

    Messages name the request by this path, never by the URL sent, which may
    carry ids or tokens.
    """

    def __init__(self, method: str, path: str, *, ok: tuple[int, ...], errors: tuple[_Rule, ...]) -> None:
        self.method = method
        self.path = path
        self.ok = ok
        self.errors = errors

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


{% for op in cookiecutter.ops.values() %}{% for step in op.steps %}{{ step.constant }} = {{ step.definition }}
{% endfor %}{% endfor %}
