{# Reading typed values out of the service's user record by JSON pointer; shared by the Python targets. -#}
_MISSING = object()


def _read(record: object, field: str, pointer: str, convert: Callable[[object], Any], *, optional: bool = False) -> Any:
    """Read and convert the value of a field at its JSON pointer (``*`` maps over an array).

    A required field that is missing or null is the service answering
    something unexpected (``failed``, 502), named in the log by field.
    """
    value = _resolve(record, pointer.split("/")[1:] if pointer else [])
    if value is _MISSING or value is None:
        if optional:
            return None
        raise {{ cookiecutter.class_name }}Error(f"get_user: field {field!r} ({pointer or '/'}) is missing or null")
    try:
        return convert(value)
    except (TypeError, ValueError) as err:
        raise ServiceUnavailable(f"the user record has a wrong value at {pointer}: {err}") from None


def _resolve(doc: object, tokens: list[str]) -> object:
    for i, token in enumerate(tokens):
{%- if "_where" in cookiecutter.converters %}
        if token == "*" or token.startswith("*["):
            if not isinstance(doc, list):
                return _MISSING
            if token != "*":
                doc = [item for item in doc if _kept(item, token)]
{%- else %}
        if token == "*":
            if not isinstance(doc, list):
                return _MISSING
{%- endif %}
            items = [_resolve(item, tokens[i + 1 :]) for item in doc]
            return _MISSING if _MISSING in items else items
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and token in doc:
            doc = doc[token]
        elif isinstance(doc, list) and token.isdigit() and int(token) < len(doc):
            doc = doc[int(token)]
        else:
            return _MISSING
    return doc

{% if "_where" in cookiecutter.converters %}

def _kept(item: object, token: str) -> bool:
    """Whether an array element passes a ``*[member=value]`` filter: its member is exactly that text."""
    member, _, value = (part.replace("~1", "/").replace("~0", "~") for part in token[2:-1].partition("="))
    return isinstance(item, dict) and isinstance(item.get(member), str) and item[member] == value

{% endif %}
{% if "_str" in cookiecutter.converters %}
def _str(value: object) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected text, got {type(value).__name__}")

{% endif %}{% if "_last_segment" in cookiecutter.converters %}
def _last_segment(value: object) -> str:
    """The text after the last ``/``: the id at the end of an href."""
    return _str(value).rsplit("/", 1)[-1]

{% endif %}{% if "_int" in cookiecutter.converters %}
def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return int(value)

{% endif %}{% if "_float" in cookiecutter.converters %}
def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return float(value)

{% endif %}{% if "_bool" in cookiecutter.converters %}
def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value

{% endif %}{% if "_str_tuple" in cookiecutter.converters %}
def _str_tuple(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {type(value).__name__}")
    return tuple(_str(item) for item in value)

{% endif %}{% if "_enum" in cookiecutter.converters %}
def _enum(*values: str) -> Callable[[object], str]:
    def convert(value: object) -> str:
        text = _str(value)
        if text not in values:
            raise ValueError(f"{text!r} is not one of {', '.join(values)}")
        return text

    return convert

{% endif %}