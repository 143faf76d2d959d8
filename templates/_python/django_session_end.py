def _keep(request: HttpRequest, service_session: dict[str, Any]) -> None:
    """Keep the service session just used, and when the user was fetched; unless the session ended meanwhile.

    The service was asked while this request ran: another tab, or another instance, may have signed
    out since. Saving the session then would make Django answer a bare 400 (``SessionInterrupted``);
    the request goes on anonymous instead, and the sign-out stands.
    """
    key = request.session.session_key
    if key is None or not request.session.exists(key):
        _sign_out(request, "the session was signed out while the service was asked")
        return
    request.session[defaults.SESSION_KEY] = {"service": service_session, "fetched_at": time.time()}


def _sign_out(request: HttpRequest, reason: str) -> None:
    """End the session from inside the user's loading (``logout()`` would load the user again)."""
    logger.info("Signed out: %s", reason)
    request.session.flush()
