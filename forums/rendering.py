"""Safe server-side rendering of forum post bodies written in Markdown.

The output of :func:`render_markdown` is inserted verbatim into pages and pushed over
websockets, so it must be safe HTML no matter what a member types. Two independent layers
guarantee that:

1. markdown-it-py parses the source with ``html=False``: raw HTML is never parsed, it is
   shown as text. Links are validated against an allow-list of schemes while parsing, and
   all rewriting (mentions, quotes, images, heading levels) happens on the token stream,
   never by pattern-matching the produced HTML.
2. The rendered HTML is then passed through an nh3 (ammonia) allow-list. This is defence
   in depth: if a markdown-it bug or a future plugin ever emits something unexpected, the
   sanitiser still removes it.

Conventions supported on top of CommonMark (+ tables and strikethrough):

* **Mentions**: ``@handle`` where a handle is letters (any script), digits, ``_``, ``-``
  and ``.``. Mentions inside code, links, e-mail addresses (``a@b.org``) and fediverse
  addresses (``@bob@example.social``) are ignored. A trailing ``.`` or ``-`` is treated as
  punctuation (``thanks @bob.`` mentions ``bob``). A ``\\@`` escape suppresses a mention.
* **Quotes**: a blockquote whose first line is ``@handle wrote in #post-123:``::

      > @maria wrote in #post-123:
      >
      > The quoted text, rendered as normal Markdown.

  This degrades gracefully in any Markdown renderer, nests naturally and needs no custom
  block syntax. The header line is replaced by the quoted post's author and permalink as
  returned by ``quote_resolver`` (never by what the header claims), and the blockquote
  becomes ``<blockquote class="post-quote" cite="PERMALINK">``. If the resolver returns
  ``None`` (unknown id, or a post the reader may not see) or no resolver is given, the
  header is dropped and a plain ``<blockquote>`` remains, so nothing about the quoted post
  (author, existence, URL) is revealed. :func:`quote_markdown` produces this source.
* **Images** are out of scope for posts: ``![alt](url)`` renders as an ordinary link to
  ``url`` whose text is the alt text (or the URL when the alt text is empty). Inside a link
  only the alt text is kept, since links cannot nest.
* Single newlines become ``<br>`` (``breaks=True``) because forum members expect their line
  breaks to survive, as on most forum software.
* Headings are demoted by two levels (``#`` → h3, ``##`` → h4, deeper ones → h5/h6) so a
  post never competes with the page's own h1/h2.

Anything inside a post quote is treated as quoted material: it is rendered (mentions in it
are still linked) but it is *not* reported in :attr:`RenderedPost.mentions`,
:attr:`RenderedPost.quoted_post_ids` or :attr:`RenderedPost.plain_text`. Otherwise quoting
a post would re-notify everybody it mentioned and every excerpt of a reply would start
with somebody else's words.

This module deliberately has no Django dependency so it can be used from consumers,
management commands and tests alike.
"""

from __future__ import annotations

import html
import importlib.util
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "MAX_HANDLE_LENGTH",
    "QuotedPost",
    "RenderedPost",
    "extract_mentions",
    "is_safe_url",
    "quote_markdown",
    "render_markdown",
    "sanitize_html",
]

# Generous upper bound; real handles are validated by the accounts app. Longer runs of
# handle characters are not treated as mentions at all rather than being truncated.
MAX_HANDLE_LENGTH = 64
# Post ids are bigint primary keys; 18 digits always fit in a signed 64-bit integer.
_MAX_POST_ID = 10**18 - 1

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# ---------------------------------------------------------------------------------------
# URL validation
# ---------------------------------------------------------------------------------------

# Browsers drop ASCII tab/newline anywhere in a URL and trim C0 controls and spaces, so
# "java\tscript:" is "javascript:". We remove every whitespace, control, format
# (zero-width, bidi) and separator character before looking at the scheme, which is
# stricter than any browser.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def _strip_invisible(value: str) -> str:
    return "".join(
        ch
        for ch in value
        if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )


def is_safe_url(url: str) -> bool:
    """Return True if ``url`` may be used as a link target in a post.

    Allowed: absolute http/https/mailto URLs, and relative URLs (paths, queries,
    fragments). Rejected: every other scheme (javascript:, data:, vbscript:, file:, ...),
    protocol-relative URLs (``//host``, ``\\\\host``, ``/\\host``), and anything that only
    looks relative because of entity-encoding or invisible characters.
    """
    # Unescaping once more than necessary can only make us reject more, never less.
    candidate = _strip_invisible(html.unescape(url)).lower()
    # "//evil.example" (and backslash variants, which browsers treat as slashes) would
    # leave our site while looking like a harmless relative path.
    if len(candidate) >= 2 and candidate[0] in "/\\" and candidate[1] in "/\\":
        return False
    # A colon before the first "/", "?" or "#" means the URL has a scheme (or is a
    # malformed one a browser might still interpret); it must then be on the allow-list.
    for index, ch in enumerate(candidate):
        if ch in "/?#":
            return True
        if ch == ":":
            return candidate[:index] in ALLOWED_SCHEMES
    return True


def _require_safe_url(url: str, what: str) -> str:
    # URLs handed to us by the application (profile URLs, permalinks) come from reverse()
    # and are always safe; an unsafe one is a programming error and must be loud.
    if not isinstance(url, str) or not url or not is_safe_url(url):
        raise ValueError(f"unsafe {what} URL: {url!r}")
    return url


# ---------------------------------------------------------------------------------------
# Public data types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotedPost:
    """What a ``quote_resolver`` returns for a post the reader is allowed to see."""

    author_name: str
    permalink: str


@dataclass(frozen=True)
class RenderedPost:
    """The result of rendering a post body.

    ``html`` is sanitised and safe to insert as-is. ``plain_text`` is *text*, not HTML: it
    contains the literal characters the member typed (including ``<`` and ``&``) and must
    be escaped like any other string when it is put into a page.
    """

    html: str
    mentions: list[str] = field(default_factory=list)
    quoted_post_ids: list[int] = field(default_factory=list)
    plain_text: str = ""

    def excerpt(self, n: int = 200) -> str:
        """Return at most ``n`` characters of plain text, cut at a word boundary."""
        if n < 1:
            raise ValueError("excerpt length must be positive")
        text = " ".join(self.plain_text.split())
        if len(text) <= n:
            return text
        # Reserve one character for the ellipsis so the result never exceeds n.
        cut = text[: n - 1]
        if text[n - 1] != " ":
            # The cut falls inside a word: go back to the previous word boundary, but not
            # if that would throw away most of the excerpt (e.g. one very long URL).
            head, sep, _tail = cut.rpartition(" ")
            if sep and len(head) >= (n - 1) // 2:
                cut = head
        return cut.rstrip() + "…"


# ---------------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------------

# Greedy and without nested quantifiers: each "@" is examined once and the scan never
# backtracks, so the cost is linear in the length of the text.
_MENTION_RE = re.compile(r"@(\w[\w.-]*)")
_HANDLE_RE = re.compile(r"\w(?:[\w.-]*\w)?")
# Characters that, directly before "@", mean it is not a mention: e-mail local parts
# (a@b.org, first.last@x), URLs (https://x.social/@bob), entities and code-ish text.
_NOT_BEFORE_MENTION = frozenset("_.-+/@=%&:\\`")


def _mention_spans(text: str, prev_char: str | None) -> list[tuple[int, int, str]]:
    """Return ``(start, end, handle)`` for each mention in one text fragment."""
    spans = []
    for match in _MENTION_RE.finditer(text):
        start = match.start()
        before = text[start - 1] if start else prev_char
        if before is not None and (before.isalnum() or before in _NOT_BEFORE_MENTION):
            continue
        # "@bob@example.social" is a remote (fediverse) address, not a local mention.
        if text.startswith("@", match.end()):
            continue
        handle = match.group(1).rstrip(".-")
        if not handle or len(handle) > MAX_HANDLE_LENGTH:
            continue
        spans.append((start, start + 1 + len(handle), handle))
    return spans


# ---------------------------------------------------------------------------------------
# Quotes
# ---------------------------------------------------------------------------------------

# Anchored (fullmatch) and built from character classes that cannot overlap each other,
# so a failed match is linear in the length of the first line.
_QUOTE_HEADER_RE = re.compile(
    r"@(?P<handle>\w[\w.-]*)[ \t]+wrote[ \t]+in[ \t]+#post-(?P<post_id>[1-9][0-9]{0,17}):[ \t]*"
)


def quote_markdown(author_handle: str, post_id: int, body: str) -> str:
    """Return the Markdown a "Quote" button inserts to quote ``body`` of post ``post_id``.

    The result ends with a blank line so the member can start typing their reply below.
    """
    if not isinstance(author_handle, str) or len(author_handle) > MAX_HANDLE_LENGTH:
        raise ValueError(f"invalid handle: {author_handle!r}")
    if not _HANDLE_RE.fullmatch(author_handle):
        raise ValueError(f"invalid handle: {author_handle!r}")
    if isinstance(post_id, bool) or not isinstance(post_id, int):
        raise TypeError("post_id must be an int")
    if not 1 <= post_id <= _MAX_POST_ID:
        raise ValueError(f"invalid post id: {post_id!r}")
    lines = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    # An empty ">" line keeps blank lines inside the quote instead of ending it.
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    header = f"> @{author_handle} wrote in #post-{post_id}:"
    if not body.strip():
        return f"{header}\n\n"
    return f"{header}\n>\n{quoted}\n\n"


# ---------------------------------------------------------------------------------------
# markdown-it rules
# ---------------------------------------------------------------------------------------


def _env_defaults(
    mentions: Mapping[str, str] | None,
    quote_resolver: Callable[[int], QuotedPost | None] | None,
) -> dict[str, Any]:
    # Handles are matched case-insensitively, like the accounts app does.
    folded = {handle.casefold(): url for handle, url in (mentions or {}).items()}
    return {
        "mention_urls": folded,
        "quote_resolver": quote_resolver,
        "quote_cache": {},
        "checked_urls": set(),
        "found_mentions": [],
        "found_mentions_seen": set(),
        "found_quotes": [],
        "found_quotes_seen": set(),
    }


def _resolve_quote(env: dict[str, Any], post_id: int) -> QuotedPost | None:
    cache: dict[int, QuotedPost | None] = env["quote_cache"]
    if post_id not in cache:
        resolver = env["quote_resolver"]
        quoted = resolver(post_id) if resolver is not None else None
        if quoted is not None:
            _require_safe_url(quoted.permalink, "permalink")
        cache[post_id] = quoted
    return cache[post_id]


def _post_quote_rule(state: StateCore) -> None:
    """Turn blockquotes that start with a quote header into post quotes.

    Runs after block parsing and before inline parsing, so the header line can be removed
    from the paragraph's source text before it is parsed (the header must not become a
    mention or show up in the output).
    """
    env = state.env
    tokens = state.tokens
    out: list[Token] = []
    # One entry per open blockquote: is it a post quote?
    stack: list[bool] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "blockquote_close":
            if stack:
                stack.pop()
        elif token.type == "blockquote_open":
            match = None
            if (
                i + 3 < len(tokens)
                and tokens[i + 1].type == "paragraph_open"
                and tokens[i + 2].type == "inline"
            ):
                first_line, _, rest = tokens[i + 2].content.partition("\n")
                match = _QUOTE_HEADER_RE.fullmatch(first_line)
            if match is None:
                stack.append(False)
            else:
                post_id = int(match.group("post_id"))
                if not any(stack) and post_id not in env["found_quotes_seen"]:
                    env["found_quotes_seen"].add(post_id)
                    env["found_quotes"].append(post_id)
                stack.append(True)
                token.meta["post_quote_id"] = post_id
                out.append(token)
                quoted = _resolve_quote(env, post_id)
                if quoted is not None:
                    token.attrSet("class", "post-quote")
                    token.attrSet("cite", quoted.permalink)
                    source = Token("post_quote_source", "", 0, block=True, level=token.level + 1)
                    source.meta = {"name": quoted.author_name, "url": quoted.permalink}
                    out.append(source)
                if rest.strip():
                    # The quoted text continued on the header's paragraph (no blank ">"
                    # line); keep it, minus the header.
                    tokens[i + 2].content = rest
                    out.extend(tokens[i + 1 : i + 4])
                i += 4
                continue
        out.append(token)
        i += 1
    state.tokens = out


def _make_link(href: str, children: Sequence[Token], title: str | None = None) -> list[Token]:
    link_open = Token("link_open", "a", 1, attrs={"href": href})
    if title:
        link_open.attrs["title"] = title
    return [link_open, *children, Token("link_close", "a", -1)]


def _rewrite_inline(
    children: list[Token], env: dict[str, Any], *, in_link: bool, in_quote: bool
) -> list[Token]:
    """Rewrite one inline token stream: images, empty links and mentions."""
    out: list[Token] = []
    link_depth = 1 if in_link else 0
    # For each open link: was its opening token dropped (so its closing one must be too)?
    dropped_links: list[bool] = []
    prev_char: str | None = None
    for child in children:
        kind = child.type
        if kind == "link_open":
            # markdown-it uses href="" for "[x]()" and "[x](<>)"; a link to the current
            # page is useless in a post, so render just the text.
            drop = not child.attrGet("href")
            dropped_links.append(drop)
            link_depth += 1
            if not drop:
                out.append(child)
        elif kind == "link_close":
            link_depth -= 1
            if not (dropped_links.pop() if dropped_links else False):
                out.append(child)
        elif kind == "image":
            alt = _rewrite_inline(child.children or [], env, in_link=True, in_quote=in_quote)
            src = str(child.attrGet("src") or "")
            if link_depth > 0 or not src:
                out.extend(alt)
            else:
                title = child.attrGet("title")
                text = alt or [Token("text", "", 0, content=src)]
                out.extend(_make_link(src, text, str(title) if title else None))
        elif kind == "text" and link_depth == 0 and "@" in child.content:
            out.extend(_split_mentions(child, prev_char, env, in_quote=in_quote))
        else:
            out.append(child)
        if kind in ("text", "text_special") and child.content:
            prev_char = child.content[-1]
        elif kind not in ("link_open", "link_close"):
            prev_char = None
    return out


def _split_mentions(
    token: Token, prev_char: str | None, env: dict[str, Any], *, in_quote: bool
) -> list[Token]:
    text = token.content
    spans = _mention_spans(text, prev_char)
    if not spans:
        return [token]
    out: list[Token] = []
    position = 0
    for start, end, handle in spans:
        folded = handle.casefold()
        if not in_quote and folded not in env["found_mentions_seen"]:
            env["found_mentions_seen"].add(folded)
            env["found_mentions"].append(handle)
        url = env["mention_urls"].get(folded)
        if url is None:
            # Unknown handles stay plain text; they are still reported as found so the
            # caller can decide what to do (e.g. a "no such member" hint in the editor).
            continue
        if url not in env["checked_urls"]:
            # Validate each profile URL once per render, not once per mention.
            _require_safe_url(url, "profile")
            env["checked_urls"].add(url)
        if start > position:
            out.append(Token("text", "", 0, content=text[position:start]))
        link = _make_link(url, [Token("text", "", 0, content=text[start:end])])
        link[0].attrs["class"] = "mention"
        out.extend(link)
        position = end
    if position == 0:
        return [token]
    if position < len(text):
        out.append(Token("text", "", 0, content=text[position:]))
    return out


# "#" and "##" must not produce h1/h2; shift everything down two levels.
_DEMOTED_HEADINGS = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}
_ALIGN_STYLE_RE = re.compile(r"text-align:(left|center|right)")


def _token_rewrite_rule(state: StateCore) -> None:
    """Rewrite the parsed token stream (runs after inline parsing, before text_join).

    It must run before ``text_join`` so that escaped characters (``\\@``) are still
    separate ``text_special`` tokens and cannot start a mention.
    """
    env = state.env
    quote_depth = 0
    stack: list[bool] = []
    for token in state.tokens:
        kind = token.type
        if kind == "blockquote_open":
            is_post_quote = "post_quote_id" in token.meta
            stack.append(is_post_quote)
            quote_depth += is_post_quote
        elif kind == "blockquote_close":
            if stack and stack.pop():
                quote_depth -= 1
        elif kind in ("heading_open", "heading_close"):
            token.tag = _DEMOTED_HEADINGS.get(token.tag, token.tag)
        elif kind in ("th_open", "td_open"):
            # markdown-it expresses column alignment as a style attribute, but style
            # attributes are not allowed at all; use the (sanitisable) align attribute.
            style = token.attrs.pop("style", None)
            align = _ALIGN_STYLE_RE.fullmatch(str(style)) if style else None
            if align:
                token.attrs["align"] = align.group(1)
        elif kind == "inline" and token.children:
            token.children = _rewrite_inline(
                token.children, env, in_link=False, in_quote=quote_depth > 0
            )


def _render_post_quote_source(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    meta = tokens[idx].meta
    # The author's name is shown without any "wrote:" wording so the markup stays
    # language-neutral; templates/CSS can decorate .post-quote-source per locale.
    return (
        f'<p><a class="post-quote-source" href="{escapeHtml(meta["url"])}">'
        f"{escapeHtml(meta['name'])}</a>:</p>\n"
    )


def _render_raw_html_as_text(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    # With html=False these tokens are never produced; if they ever are (a plugin, a
    # configuration change), show them as text rather than trusting them.
    return escapeHtml(tokens[idx].content)


def _build_markdown() -> MarkdownIt:
    # linkify needs the optional linkify-it-py package; the project does not depend on
    # it, so bare URLs only become links when that package happens to be installed.
    linkify = importlib.util.find_spec("linkify_it") is not None
    md = MarkdownIt(
        "commonmark",
        {
            "html": False,
            "linkify": linkify,
            "breaks": True,
            "xhtmlOut": False,
            # Nesting deeper than this (quotes in quotes, lists in lists, links in
            # emphasis...) has no legitimate use in a post, and markdown-it's per-character
            # cost on hostile input like "![![![..." grows with this limit.
            "maxNesting": 10,
        },
    )
    md.enable(["table", "strikethrough"])
    if linkify:
        md.enable("linkify")
    # markdown-it's default validator only blocks a few known-bad schemes; use our
    # allow-list so rejected destinations are not turned into links in the first place.
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.core.ruler.after("block", "post_quotes", _post_quote_rule)
    md.core.ruler.before("text_join", "forum_rewrites", _token_rewrite_rule)
    md.add_render_rule("post_quote_source", _render_post_quote_source)
    md.add_render_rule("html_block", _render_raw_html_as_text)
    md.add_render_rule("html_inline", _render_raw_html_as_text)
    return md


_MD = _build_markdown()


# ---------------------------------------------------------------------------------------
# Sanitiser
# ---------------------------------------------------------------------------------------

_ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol",
        "li", "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th",
        "td", "span",
    }
)  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "span": {"class"},
    "code": {"class"},
    "blockquote": {"class", "cite"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
_ALLOWED_CLASSES = {
    "a": frozenset({"mention", "post-quote-source"}),
    "span": frozenset({"mention"}),
    "blockquote": frozenset({"post-quote"}),
}
_CODE_CLASS_RE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")
_START_RE = re.compile(r"[0-9]{1,9}")


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    # Called by nh3 for every attribute that survived the tag/attribute allow-list; it
    # narrows the *values* further.
    if name in ("href", "cite"):
        return value if is_safe_url(value) else None
    if name == "class":
        if tag == "code":
            allowed = [c for c in value.split() if _CODE_CLASS_RE.fullmatch(c)]
        else:
            classes = _ALLOWED_CLASSES.get(tag, frozenset())
            allowed = [c for c in value.split() if c in classes]
        return " ".join(allowed) or None
    if name == "align":
        return value if value in ("left", "center", "right") else None
    if name == "start":
        return value if _START_RE.fullmatch(value) else None
    return value


def _filter_relative_url(url: str) -> str | None:
    return url if is_safe_url(url) else None


_CLEANER = nh3.Cleaner(
    tags=set(_ALLOWED_TAGS),
    # Whatever is inside these is never meant to be visible text.
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
    attributes={tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    # User-generated links: no SEO credit, no window.opener access. ammonia adds this to
    # every <a> (and "rel"/"target" are not allowed, so members cannot override it).
    link_rel="nofollow ugc noopener",
    url_schemes=set(ALLOWED_SCHEMES),
    url_relative=_filter_relative_url,
)


def sanitize_html(fragment: str) -> str:
    """Run ``fragment`` through the post allow-list (exposed for already-rendered HTML)."""
    return _CLEANER.clean(fragment)


# ---------------------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------------------

_BLOCK_BREAKS = frozenset(
    {"paragraph_close", "heading_close", "tr_close", "hr", "bullet_list_close",
     "ordered_list_close", "blockquote_close"}
)  # fmt: skip


def _inline_plain_text(children: Sequence[Token], parts: list[str]) -> None:
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")


def _plain_text(tokens: Sequence[Token]) -> str:
    parts: list[str] = []
    stack: list[bool] = []
    quote_depth = 0
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            is_post_quote = "post_quote_id" in token.meta
            stack.append(is_post_quote)
            quote_depth += is_post_quote
            continue
        if kind == "blockquote_close" and stack and stack.pop():
            quote_depth -= 1
            parts.append("\n")
            continue
        if quote_depth:
            continue
        if kind == "inline":
            _inline_plain_text(token.children or [], parts)
        elif kind in ("fence", "code_block"):
            parts.append(token.content)
            parts.append("\n")
        elif kind in ("th_close", "td_close"):
            parts.append(" ")
        elif kind in _BLOCK_BREAKS:
            parts.append("\n")
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------


def render_markdown(
    text: str,
    *,
    mentions: Mapping[str, str] | None = None,
    quote_resolver: Callable[[int], QuotedPost | None] | None = None,
) -> RenderedPost:
    """Render a post body to sanitised HTML.

    :param mentions: handle -> profile URL for the members who may be linked (typically
        the result of looking up :func:`extract_mentions`). Matching is case-insensitive;
        handles not in the mapping stay plain text.
    :param quote_resolver: called once per distinct quoted post id; must return ``None``
        for posts that do not exist *or that the viewer may not read*.

    ``RenderedPost.mentions`` lists every handle mentioned outside quotes (as first
    written, case-insensitively unique), whether or not it was linked;
    ``RenderedPost.quoted_post_ids`` lists every post id quoted at the top level, whether
    or not it resolved. Both are for server-side use (notifications) and never rendered.

    Raises ``ValueError`` if the mapping or resolver supplies an unsafe URL, which is a
    programming error.
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    env = _env_defaults(mentions, quote_resolver)
    tokens = _MD.parse(text, env)
    rendered = _MD.renderer.render(tokens, _MD.options, env)
    return RenderedPost(
        html=sanitize_html(rendered),
        mentions=list(env["found_mentions"]),
        quoted_post_ids=list(env["found_quotes"]),
        plain_text=_plain_text(tokens),
    )


def extract_mentions(text: str) -> list[str]:
    """Return the handles mentioned in ``text``, unique (case-insensitively) and in order.

    Uses the same parser as rendering, so mentions in code spans/blocks, links, e-mail
    addresses and quoted posts are ignored exactly as they are when rendering. Each handle
    is returned as first written.
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    env = _env_defaults(None, None)
    _MD.parse(text, env)
    return list(env["found_mentions"])
