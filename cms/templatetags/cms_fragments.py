"""``{% contentfragment %}``: fragment caching tied to the content version.

    {% load cms_fragments %}
    {% contentfragment "news-list" page.pk news_page.number %} ... {% endcontentfragment %}

The body is rendered once per name, language, host and listed values, and kept until anything
is published, unpublished, moved or deleted (``cms.cache``) or ``PAGE_TTL`` passes. The key
always includes the active language (translated strings) and the host (Wagtail's page links
are absolute across sites), so a fragment may hold anything that is the same for every visitor
of that page in that language: never per-user content such as names, CSRF tokens or messages.
Previews bypass it (the draft differs from what is cached for the live page).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cms.cache import PAGE_TTL, remember, versioned_key

register = template.Library()


class ContentFragmentNode(template.Node):
    def __init__(
        self, nodelist: template.NodeList, name: str, vary_on: list[template.FilterExpression]
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return mark_safe(self.nodelist.render(context))
        values = [get_language(), request.get_host(), *(v.resolve(context) for v in self.vary_on)]
        digest = hashlib.md5(
            "\x1f".join(str(v) for v in values).encode(), usedforsecurity=False
        ).hexdigest()
        key = versioned_key("fragment", self.name, digest)
        return mark_safe(remember(key, lambda: str(self.nodelist.render(context)), PAGE_TTL))


@register.tag("contentfragment")
def do_contentfragment(parser: template.base.Parser, token: template.base.Token) -> Any:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a fragment name.")
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endcontentfragment",))
    parser.delete_first_token()
    return ContentFragmentNode(nodelist, name, [parser.compile_filter(b) for b in bits[2:]])
