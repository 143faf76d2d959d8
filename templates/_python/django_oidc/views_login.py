class LoginView(RouteMixin, View):
    """Send the browser to {{ cookiecutter.service_name | pydoc }}'s sign-in page.

    ``next``, when it is a path on this site, is where the callback lands.
    The redirect carries the state, the nonce and the PKCE code challenge
    (S256) that Authlib keeps in the session for the callback.
    """

    answers = {"GET": (HTML,)}

    def get(self, request: HttpRequest) -> HttpResponse:
        target = request.GET.get("next", "")
        request.session[NEXT_KEY] = target if _is_local_path(target) else ""
        try:
            response: HttpResponse = get_provider().authorize_redirect(
                request, request.build_absolute_uri(reverse(f"{defaults.URL_NAMESPACE}:callback")), **AUTHORIZE_PARAMS
            )
        except (ValueError, KeyError, RuntimeError) as err:
            # The discovery document is not JSON or lacks the authorization endpoint: not what the issuer should
            # name. (Before RequestException: requests' JSONDecodeError is both.)
            raise {{ cookiecutter.class_name }}Error(f"discovery: {type(err).__name__}") from None
        except requests.RequestException as err:
            raise ServiceUnavailable(f"discovery: {type(err).__name__}") from None
        return response


class CallbackView(RouteMixin, View):
    """Where the provider sends the browser back: trade the code for tokens and sign the user in.

    Authlib checks the state against this browser's session, sends the code
    with the PKCE verifier, and validates the ID token (signature from the
    provider's keys, issuer, audience, expiry, nonce). Anything that fails
    signs nobody in; the log names what failed, never a code or a token.
    A browser lands on ``next`` (or ``LOGIN_REDIRECT_URL``, or ``/``); an API
    client gets ``{"user": ..., "csrf_token": ...}``.
    """

    answers = {"GET": (HTML, JSON)}

    def get(self, request: HttpRequest) -> HttpResponse:
        target = request.session.pop(NEXT_KEY, "")
        provider = get_provider()
        try:
            token = provider.authorize_access_token(
                request, claims_options=id_token_claims(provider), leeway=ID_TOKEN_LEEWAY
            )
            user = sign_in(request, token)
        except OAuthError as err:
            # access_denied from the provider, a state this browser did not start, a code the provider refuses.
            logger.info("Sign-in refused: %s", err.error)
            if err.error == "access_denied":
                return self._refused(target, "access_denied", ACCESS_DENIED)
            return self._refused(target, "sign_in_failed", SIGN_IN_FAILED)
        except JoseError as err:
            # The error names the claim that failed (iss, aud, exp, nonce) or the signature, nothing of the token.
            logger.warning("Sign-in refused: the ID token is not valid: %s", type(err).__name__)
            return self._refused(target, "sign_in_failed", SIGN_IN_FAILED)
        except (ValueError, KeyError) as err:
            # The token endpoint or the JWKS answered something that is not JSON, or the discovery document has
            # no issuer. (Before RequestException: requests' JSONDecodeError is both.)
            raise {{ cookiecutter.class_name }}Error(type(err).__name__) from None
        except requests.RequestException as err:
            raise ServiceUnavailable(type(err).__name__) from None
        if self.answers_json:
            return JsonResponse({"user": user_data(user), "csrf_token": get_token(request)})
        return _see_other(target or _default_landing())

    def _refused(self, target: str, code: str, message: str) -> HttpResponse:
        """400, as JSON or as a page that starts a new sign-in (keeping ``next``) and links to the provider's pages."""
        if self.answers_json:
            return json_error(code, message, 400)
        return render_page(self.request, "signin.html", {"message": message, "next": target}, status=400)


class LogoutView(RouteMixin, View):
    """Sign out (POST only), here and then at {{ cookiecutter.service_name | pydoc }} (RP-initiated logout).

    The session ends here first, so a provider that cannot be reached leaves
    nobody signed in. A browser is then sent to the provider's end-session
    endpoint with the ID token as ``id_token_hint``, and comes back to the
    site's root. For API clients the end-session request is made from here,
    and they get 204.
    """

    answers = {"POST": (HTML, JSON)}

    def post(self, request: HttpRequest) -> HttpResponse:
        service_session = service_session_of(request) or {}
        id_token = service_session.get("id_token")
        request.user = auth.get_user(request)  # signing out never waits for a refresh at the provider
        auth.logout(request)
        home = request.build_absolute_uri("/")
        done = HttpResponse(status=204) if self.answers_json else _see_other(home)
        if not id_token:
            return done  # nobody was signed in here: no provider session to name
        provider = get_provider()
        try:
            if self.answers_json:
                # No browser to send: end the provider's session from here, by the ID token it names.
                end_session = provider.create_logout_url(id_token_hint=id_token)
                provider.get(end_session["url"], withhold_token=True, allow_redirects=False)
                return done
            end_session = provider.create_logout_url(post_logout_redirect_uri=home, id_token_hint=id_token)
        except (requests.RequestException, ValueError, KeyError, RuntimeError) as err:
            # Signed out here all the same; the provider's session ends when it does.
            logger.warning("Logout at the provider skipped: %s", type(err).__name__)
            return done
        return _see_other(end_session["url"])


def _default_landing() -> str:
    """Where a sign-in without ``next`` lands: ``LOGIN_REDIRECT_URL`` when the project sets it, else ``/``."""
    if settings.is_overridden("LOGIN_REDIRECT_URL"):  # type: ignore[misc]  # django-stubs lacks it
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    return "/"


