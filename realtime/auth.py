"""Session authentication for websockets."""

from channels.auth import AuthMiddlewareStack


def SessionAuthMiddlewareStack(inner):  # noqa: N802 - mirrors Channels' own factory name
    """Cookies -> session -> user, exactly as for HTTP requests."""
    return AuthMiddlewareStack(inner)
