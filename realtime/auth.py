"""Session authentication for websockets."""

from channels.auth import AuthMiddlewareStack


def SessionAuthMiddlewareStack(inner):
    """Cookies -> session -> user, exactly as for HTTP requests."""
    return AuthMiddlewareStack(inner)
