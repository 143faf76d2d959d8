    {% if asynchronous %}async {% endif %}def login(self, username: str, password: str) -> dict[str, str]:
        """Sign a user in; return the service session values (secrets: keep them server-side)."""
{%- for step in cookiecutter.ops.login.steps %}
        # {{ step.comment }}
        {{ step.awaited if asynchronous else step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
        {{ cookiecutter.ops.login.returns }}

    {% if asynchronous %}async {% endif %}def get_user(self, session: Mapping[str, str]) -> dict[str, Any]:
        """Fetch the user record for a service session made by :meth:`login`."""
{%- for local, key in cookiecutter.ops.get_user.session_locals %}
        {{ local }} = session[{{ key | py }}]
{%- endfor %}
{%- for step in cookiecutter.ops.get_user.steps %}
        # {{ step.comment }}
        {{ step.awaited if asynchronous else step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{% if cookiecutter.has_register %}
    {% if asynchronous %}async {% endif %}def register(self, *, {{ cookiecutter.ops.register.params | join(": str, ") }}: str) -> None:
        """Create an account; the user signs in afterwards."""
{%- for step in cookiecutter.ops.register.steps %}
        # {{ step.comment }}
        {{ step.awaited if asynchronous else step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{% endif %}{% if cookiecutter.has_forgot_password %}
    {% if asynchronous %}async {% endif %}def forgot_password(self, *, {{ cookiecutter.ops.forgot_password.params | join(": str, ") }}: str) -> None:
        """Ask the service to send a password reset message."""
{%- for step in cookiecutter.ops.forgot_password.steps %}
        # {{ step.comment }}
        {{ step.awaited if asynchronous else step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{% endif %}{% for op in cookiecutter.lifecycle_ops %}
    {% if asynchronous %}async {% endif %}def {{ op.name }}({{ op.signature }}) -> {{ op.returns_type }}:
        """{{ op.doc }}"""
{%- for local, key in op.session_locals %}
        {{ local }} = session[{{ key | py }}]
{%- endfor %}
{%- for local, key in op.input_locals %}
        {{ local }} = input[{{ key | py }}]
{%- endfor %}
{%- for step in op.steps %}
        # {{ step.comment }}
        {{ step.awaited if asynchronous else step.call }}
{%- for line in step.extracts %}
        {{ line }}
{%- endfor %}
{%- endfor %}
{%- if op.returns %}
        {{ op.returns }}
{%- endif %}
{% endfor %}
{# The client's methods, one per operation; `asynchronous` (set by the including client) makes them coroutines. #}