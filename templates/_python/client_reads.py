{#- What the client reads out of responses, shared by the synchronous and the asynchronous client. -#}
def _error_for(step: _Step, response: {{ "httpx" if asynchronous else "requests" }}.Response) -> {{ cookiecutter.class_name }}Error:
    try:
        body = response.json()
    except ValueError:
        body = None
    for rule in step.errors:
        if rule.matches(response.status_code, body):
{%- if "_service_message" in cookiecutter.helpers %}
            if rule.message is not None:
                public = _service_message(body, rule.message)
                return rule.error(f"{step}: {response.status_code}", public_message=public)
{%- endif %}
            return rule.error(f"{step}: {response.status_code}")
    if response.status_code >= 500:
        return ServiceUnavailable(f"{step}: {response.status_code}")
    return {{ cookiecutter.class_name }}Error(f"{step}: unexpected status {response.status_code}")


_MISSING = object()


def _pointer(doc: object, pointer: str) -> object:
    """The value at a JSON pointer, or a sentinel when there is none."""
    for token in pointer.split("/")[1:] if pointer else []:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict) and token in doc:
            doc = doc[token]
        elif isinstance(doc, list) and token.isdigit() and int(token) < len(doc):
            doc = doc[int(token)]
        else:
            return _MISSING
    return doc


def _text(body: object, pointer: str) -> str:
    """A text or number the service must have sent at ``pointer``."""
    value = _pointer(body, pointer)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ServiceUnavailable(f"the response has no value at {pointer or '/'}")
    return str(value)


def _record(body: object, pointer: str) -> dict[str, Any]:
    """The user record the service must have sent at ``pointer``."""
    value = _pointer(body, pointer)
    if not isinstance(value, dict):
        raise ServiceUnavailable(f"the response has no user record at {pointer or '/'}")
    return value


{% if "_expires_at" in cookiecutter.helpers %}
def _expires_at(body: object, pointer: str) -> str:
    """The deadline of an access token that lives ``expires_in`` seconds, in epoch seconds (as text).

    The deadline comes a little early (up to 5 seconds, a tenth of short
    lifetimes), so that no request sets out with a token about to expire.
    """
    value = _pointer(body, pointer)
    seconds = math.nan
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        try:
            seconds = float(value)  # a JSON number, or its text
        except ValueError:
            pass
    if not math.isfinite(seconds) or seconds < 0:
        raise ServiceUnavailable(f"the response has no lifetime in seconds at {pointer or '/'}")
    return str(int(time.time() + seconds - min(5.0, seconds / 10)))

{% endif %}{% if "_service_message" in cookiecutter.helpers %}
def _service_message(body: object, pointer: str) -> str | None:
    """The service's own message for users at ``pointer``, at most 300 characters; None when there is no text."""
    value = _pointer(body, pointer)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:300]

{% endif %}{% if "_quote" in cookiecutter.helpers %}
def _quote(value: str) -> str:
    """Percent-encode a value for one URL path segment or form field."""
    return quote(value, safe="")

{% endif %}{% if "_base64" in cookiecutter.helpers %}
def _base64(value: str) -> str:
    """Standard base64 of the UTF-8 text."""
    return base64.b64encode(value.encode()).decode("ascii")

{% endif %}
