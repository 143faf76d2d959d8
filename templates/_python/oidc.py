"""What signing in through {{ cookiecutter.service_name | pydoc }} (OpenID Connect) asks of the provider besides Authlib's code flow.

Authlib runs the flow itself (the redirect with state, nonce and PKCE; the
code traded for tokens; the ID token validated). This module holds what the
routes and the session add around it: the ID token's expected issuer and
audience, userinfo, and the refresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from authlib.integrations.base_client import BaseApp, OAuthError

from .errors import {{ [cookiecutter.class_name ~ "Error", "InvalidCredentials", "ServiceUnavailable"] | sort | join(", ") }}

#: The token values kept in the session: what refresh, userinfo and the end of the session need.
KEPT = ("access_token", "refresh_token", "id_token", "expires_at")


class RefreshFailed(Exception):
    """The tokens could not be refreshed: the user must sign in again."""


def kept(token: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a token response the session keeps."""
    return {name: token[name] for name in KEPT if token.get(name) is not None}


def id_token_claims(provider: BaseApp) -> dict[str, dict[str, object]]:
    """What the ID token's ``iss`` and ``aud`` must be: the provider's issuer, and this client among the audiences.

    Authlib checks the audience only through ``azp`` unless it is told the
    client id here (OpenID Connect Core 3.1.3.7 wants both).

    :raises requests.RequestException: when the discovery document cannot be read.
    """
    issuer = provider.load_server_metadata()["issuer"]
    return {"iss": {"essential": True, "values": [issuer]}, "aud": {"essential": True, "values": [provider.client_id]}}


def userinfo(provider: BaseApp, access_token: str) -> dict[str, Any]:
    """The claims of the provider's userinfo endpoint for ``access_token``.

    :raises InvalidCredentials: when the provider refuses the token (401, 403).
    :raises ServiceUnavailable: when the provider cannot be reached or fails.
    :raises {{ cookiecutter.class_name }}Error: when it answers something that is not a JSON object (502).
    """
    try:
        # Only the access token: Authlib would refresh a token with a deadline by itself, outside the single flight.
        response = provider.get(
            provider.load_server_metadata()["userinfo_endpoint"],
            token={"access_token": access_token, "token_type": "Bearer"},
        )
    except requests.RequestException as err:
        raise ServiceUnavailable(f"userinfo: {type(err).__name__}") from None
    except KeyError:
        raise {{ cookiecutter.class_name }}Error("the discovery document has no userinfo_endpoint") from None
    if response.status_code in (401, 403):
        raise InvalidCredentials(f"userinfo answered {response.status_code}")
    if response.status_code >= 500:
        raise ServiceUnavailable(f"userinfo answered {response.status_code}")
    try:
        claims = response.json()
    except ValueError:
        claims = None
    if response.status_code != 200 or not isinstance(claims, dict):
        raise {{ cookiecutter.class_name }}Error(f"userinfo answered {response.status_code} without a JSON object")
    return claims


def refreshed(provider: BaseApp, old: Mapping[str, Any]) -> dict[str, Any]:
    """The tokens ``old`` renewed with their refresh token; the old refresh and ID token stay when none came back.

    :raises RefreshFailed: when there is no refresh token, or the provider refuses the refresh or does not answer.
    """
    if not old.get("refresh_token"):
        raise RefreshFailed("no refresh token")
    try:
        new = provider.fetch_access_token(grant_type="refresh_token", refresh_token=old["refresh_token"])
    except OAuthError as err:
        raise RefreshFailed(err.error) from None
    except (requests.RequestException, ValueError) as err:
        raise RefreshFailed(f"the provider did not answer ({type(err).__name__})") from None
    # The provider may keep the refresh token (no rotation) or the ID token: keep the old ones then.
    return {**old, **kept(new)}
