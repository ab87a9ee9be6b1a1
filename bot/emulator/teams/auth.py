"""The emulator's own token authority: it signs what it sends and checks what it gets.

Teams (the Bot Framework channel service) signs every activity it POSTs to the bot
with an RS256 JWT: ``iss`` ``https://api.botframework.com``, ``aud`` the bot's app
id, a ``serviceurl`` claim, a key id (``kid``) from the keys published at
``https://login.botframework.com/v1/.well-known/keys``.  The emulator does the same
with its own RSA key and serves the OpenID metadata and the JWKS at the same paths
(``/v1/.well-known/openidconfiguration``, ``/v1/.well-known/keys``).

The Agents SDK 1.9 cannot be configured to fetch keys elsewhere: its validator picks
the JWKS URL from the token's issuer (``_entra_issuers.BOTFRAMEWORK_JWKS_URIS``, else
``https://login.microsoftonline.com/<TENANT_ID or common>/discovery/v2.0/keys``) and
fetches it with PyJWT's ``PyJWKClient``.  :meth:`TokenAuthority.serve_jwks_for_sdk`
puts a key client for the emulator's keys in the validator's cache under the Bot
Framework URL, so the rest of the SDK's validation runs unchanged.

The other direction: the bot gets its outbound token by client credentials
(``POST /{tenant}/oauth2/v2.0/token``, scope ``https://api.botframework.com/.default``)
and the emulator's Bot Connector checks it unless the emulator runs anonymous.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.clock import Clock, SystemClock

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_AUDIENCE = "https://api.botframework.com"
#: Where the SDK fetches the keys of a token whose issuer is the Bot Framework's.
BOT_FRAMEWORK_JWKS_URL = "https://login.botframework.com/v1/.well-known/keys"


class TokenAuthority:
    """One RSA key; signs channel tokens and bot tokens, verifies bot tokens."""

    #: The tenant of the bot tokens it issues (a Microsoft first-party tenant, as real ones).
    issuing_tenant = "d6d49420-f39b-4df7-a1dc-d59a935871db"

    def __init__(
        self, base_url: Callable[[], str], *, client_secret: str, clock: Clock | None = None
    ) -> None:
        self._base_url = base_url
        # The system's by default, whatever clock the emulated world runs on: the Agents
        # SDK checks a token's times against the system clock, so a world's moved clock
        # would make every token expired or not yet valid.
        self._clock: Clock = clock or SystemClock()
        self.client_secret = client_secret
        #: Paths of the metadata/key requests the emulator answered (the SDK's fetches).
        self.key_fetches: list[str] = []

    @functools.cached_property
    def _key(self) -> rsa.RSAPrivateKey:
        # Made on first use: an anonymous emulator never needs one.
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def kid(self) -> str:
        return str(self.jwk["kid"])

    @functools.cached_property
    def jwk(self) -> dict[str, Any]:
        public = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        kid = hashlib.sha256(str(public["n"]).encode()).hexdigest()[:27]
        return {**public, "kid": kid, "use": "sig", "alg": "RS256"}

    # ----- signing ---------------------------------------------------------------------
    def sign(self, claims: dict[str, Any], *, lifetime: float = 3600) -> str:
        now = int(self._clock.now().timestamp())
        payload = {"nbf": now - 5, "iat": now, "exp": now + int(lifetime), **claims}
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": self.kid})

    def channel_token(self, app_id: str, service_url: str, **overrides: Any) -> str:
        """What Teams puts in ``Authorization: Bearer`` when it POSTs an activity."""
        claims = {"iss": BOT_FRAMEWORK_ISSUER, "aud": app_id, "serviceurl": service_url}
        return self.sign({**claims, **overrides})

    def bot_token(self, app_id: str) -> str:
        """What the token endpoint gives the bot for the Bot Connector (a v1 token)."""
        return self.sign(
            {
                "iss": f"https://sts.windows.net/{self.issuing_tenant}/",
                "aud": BOT_FRAMEWORK_AUDIENCE,
                "appid": app_id,
                "ver": "1.0",
            }
        )

    def verify_bot_token(self, token: str, app_id: str) -> bool:
        try:
            claims = jwt.decode(
                token, self._key.public_key(), algorithms=["RS256"], audience=BOT_FRAMEWORK_AUDIENCE
            )
        except jwt.PyJWTError:
            return False
        return bool(claims.get("appid") == app_id)

    # ----- routes ----------------------------------------------------------------------
    def install(self, app: web.Application, *, app_id: Callable[[], str]) -> None:
        app.router.add_get("/v1/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        app.router.add_get("/{tenant}/discovery/v2.0/keys", self._keys)
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", self._openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token_endpoint(app_id))

    async def _openid(self, request: web.Request) -> web.Response:
        self.key_fetches.append(request.path)
        base = self._base_url()
        tenant = request.match_info.get("tenant", "botframework.com")
        return web.json_response(
            {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "authorization_endpoint": f"{base}/{tenant}/oauth2/v2.0/authorize",
                "token_endpoint": f"{base}/{tenant}/oauth2/v2.0/token",
                "jwks_uri": f"{base}/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_post"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        self.key_fetches.append(request.path)
        return web.json_response({"keys": [{**self.jwk, "endorsements": ["msteams"]}]})

    def _token_endpoint(self, app_id: Callable[[], str]) -> Callable[[web.Request], Any]:
        async def token(request: web.Request) -> web.Response:
            form = await request.post()
            if (
                form.get("grant_type") != "client_credentials"
                or form.get("client_id") != app_id()
                or form.get("client_secret") != self.client_secret
            ):
                return web.json_response(
                    {"error": "invalid_client", "error_description": "AADSTS7000215"}, status=401
                )
            return web.json_response(
                {
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "ext_expires_in": 3599,
                    "access_token": self.bot_token(app_id()),
                }
            )

        return token

    # ----- pointing the SDK's key fetch here ---------------------------------------------
    @contextlib.contextmanager
    def serve_jwks_for_sdk(self) -> Iterator[None]:
        """While inside, the SDK's JWT validator takes the Bot Framework keys from here.

        The validator keeps one PyJWT ``PyJWKClient`` per JWKS URL in a class-level
        cache (``JwtTokenValidator._jwk_client_manager``); the emulator puts one for its
        own keys URL under the Bot Framework keys URL, and restores the cache after.
        PyJWT builds its own ``urllib`` opener, so nothing global can redirect the fetch.
        """
        import threading

        from jwt import PyJWKClient
        from microsoft_agents.hosting.core.authorization.jwt import jwt_token_validator as sdk

        cache = sdk.JwtTokenValidator._jwk_client_manager._cache
        saved = dict(cache)
        client = PyJWKClient(f"{self._base_url()}/v1/.well-known/keys", cache_jwk_set=False)
        for uri in (BOT_FRAMEWORK_JWKS_URL,):
            cache[uri] = sdk._JwkClientCacheEntry(client, threading.Lock())
        try:
            yield
        finally:
            cache.clear()
            cache.update(saved)
