"""Tests for forums.rendering: Markdown post bodies rendered to safe HTML.

Deliberately free of Django so it runs without settings (and fast).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forums.rendering import (
    QuotedPost,
    RenderedPost,
    extract_mentions,
    is_safe_url,
    quote_markdown,
    render_markdown,
)

# ---------------------------------------------------------------------------------------
# Safety oracle
# ---------------------------------------------------------------------------------------

# Written independently of the module under test: these are the brief's rules, not a copy
# of the implementation's allow-list, so a bug in one is not mirrored in the other.
DISALLOWED_TAGS = {
    "script", "iframe", "object", "embed", "form", "meta", "base", "style", "svg", "math",
    "img", "link", "input", "button", "textarea", "frame", "frameset", "video", "audio",
    "source", "template", "noscript", "title", "body", "html", "head", "applet",
}  # fmt: skip
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "rel"},
    "span": {"class"},
    "code": {"class"},
    "blockquote": {"class", "cite"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}
REQUIRED_REL = {"nofollow", "ugc", "noopener"}


def url_is_acceptable(url: str) -> bool:
    """http/https/mailto, or a relative/fragment URL that cannot leave the site."""
    cleaned = html.unescape(url)
    cleaned = "".join(ch for ch in cleaned if ch.isprintable() and not ch.isspace()).lower()
    if re.match(r"[/\\]{2}", cleaned):
        return False  # protocol-relative
    scheme = re.match(r"([a-z][a-z0-9+.\-]*):", cleaned)
    if scheme:
        return scheme.group(1) in SAFE_SCHEMES
    # No valid scheme: must not contain a colon before the path starts either.
    return ":" not in re.split(r"[/?#]", cleaned, maxsplit=1)[0]


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DISALLOWED_TAGS:
            self.problems.append(f"disallowed element <{tag}>")
        elif tag not in ALLOWED_TAGS:
            self.problems.append(f"unexpected element <{tag}>")
        names = [name for name, _ in attrs]
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                self.problems.append(f"unexpected attribute {name} on <{tag}>")
            if name in ("href", "cite", "src", "action", "formaction") and not url_is_acceptable(
                value
            ):
                self.problems.append(f"unsafe URL {name}={value!r} on <{tag}>")
        if tag == "a":
            rel = set((dict(attrs).get("rel") or "").split())
            if not REQUIRED_REL.issubset(rel):
                self.problems.append(f"<a> without rel={sorted(REQUIRED_REL)}: {attrs}")
            if "target" in names:
                self.problems.append("<a> with target")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment survived: {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"declaration survived: {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction survived: {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"CDATA/unknown declaration survived: {data!r}")


def assert_safe_html(fragment: str) -> None:
    """Fail if ``fragment`` contains anything that could run script or leave the site."""
    inspector = _Inspector()
    inspector.feed(fragment)
    inspector.close()
    assert not inspector.problems, f"{inspector.problems}\n--- HTML ---\n{fragment}"


def test_assert_safe_html_catches_unsafe_markup() -> None:
    # The oracle itself must be able to fail, or every safety test is vacuous.
    for unsafe in [
        "<script>x</script>",
        '<img src="x">',
        '<a href="http://x" rel="nofollow ugc noopener" onclick="x">a</a>',
        '<p style="color:red">x</p>',
        '<a href=" jav&#x09;ascript:x" rel="nofollow ugc noopener">a</a>',
        '<a href="//evil.example" rel="nofollow ugc noopener">a</a>',
        '<a href="http://x">no rel</a>',
        "<!-- c -->",
    ]:
        with pytest.raises(AssertionError):
            assert_safe_html(unsafe)
    assert_safe_html('<p><a href="/x#y" rel="nofollow ugc noopener">ok</a></p>')


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

MEMBERS = {"bob": "/members/bob/", "maría_lópez": "/members/maria/", "carol.w": "/members/cw/"}


def resolver_for(posts: dict[int, QuotedPost]) -> Callable[[int], QuotedPost | None]:
    return posts.get


HOSTILE_QUOTE_RESOLVER = resolver_for(
    {1: QuotedPost(author_name='Bob "<script>alert(1)</script>', permalink="/forums/p/1/")}
)


def render(text: str, **kwargs: object) -> str:
    html_out = render_markdown(text, **kwargs).html  # type: ignore[arg-type]
    assert_safe_html(html_out)
    return html_out


_ESCAPE_RE = re.compile(r"\\(n|t|r|\\|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def _decode_payload(line: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        return chr(int(code[1:], 16))

    return _ESCAPE_RE.sub(replace, line)


def _load_payloads() -> list[object]:
    path = Path(__file__).resolve().parent.parent / "fixtures" / "xss_payloads.txt"
    params = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        params.append(pytest.param(_decode_payload(line), id=f"line-{number}"))
    return params


PAYLOADS = _load_payloads()


# ---------------------------------------------------------------------------------------
# XSS corpus
# ---------------------------------------------------------------------------------------


def test_payload_corpus_is_substantial() -> None:
    assert len(PAYLOADS) >= 60


def test_payload_escapes_are_decoded() -> None:
    assert _decode_payload(r"a\nb\tc\\n\u200b\"") == 'a\nb\tc\\n\u200b\\"'


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_payload_renders_safe_html(payload: str) -> None:
    result = render_markdown(payload, mentions=MEMBERS, quote_resolver=HOSTILE_QUOTE_RESOLVER)
    assert_safe_html(result.html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_payload_is_safe_without_mentions_or_quotes(payload: str) -> None:
    assert_safe_html(render_markdown(payload).html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_payload_is_safe_when_quoted(payload: str) -> None:
    source = quote_markdown("bob", 1, payload)
    result = render_markdown(source, quote_resolver=HOSTILE_QUOTE_RESOLVER)
    assert_safe_html(result.html)
    assert result.quoted_post_ids == [1]


@pytest.mark.parametrize(
    "template",
    ["{{7*7}}", "{% debug %}", "{{ request.user.password }}", "${7*7}", "<%= 7*7 %>"],
)
def test_template_syntax_comes_out_as_literal_text(template: str) -> None:
    result = render_markdown(template)
    assert html.escape(template, quote=False) in result.html
    assert "49" not in result.html
    assert result.plain_text == template


# ---------------------------------------------------------------------------------------
# Markdown features
# ---------------------------------------------------------------------------------------


def test_emphasis_strong_and_strikethrough_render() -> None:
    out = render("*em* _em2_ **strong** ~~gone~~")
    assert "<em>em</em>" in out
    assert "<em>em2</em>" in out
    assert "<strong>strong</strong>" in out
    assert "<s>gone</s>" in out or "<del>gone</del>" in out


def test_bullet_and_ordered_lists_render() -> None:
    out = render("- one\n- two\n\n3. three\n4. four")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in out
    assert '<ol start="3">' in out
    assert "<li>four</li>" in out


def test_inline_code_and_fenced_code_render_escaped() -> None:
    out = render('Use `<b>` here.\n\n```python\nprint("<b>&")\n```')
    assert "<code>&lt;b&gt;</code>" in out
    assert '<pre><code class="language-python">print("&lt;b&gt;&amp;")\n</code></pre>' in out


def test_code_language_class_cannot_smuggle_other_classes() -> None:
    out = render('```mention" onclick="x\ncode\n```')
    assert "onclick" not in out
    assert 'class="mention' not in out


def test_tables_render_with_align_attribute_instead_of_style() -> None:
    out = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert "<table>" in out
    assert '<th align="left">a</th>' in out
    assert '<td align="center">2</td>' in out
    assert '<td align="right">3</td>' in out
    assert "style" not in out


@pytest.mark.parametrize(
    ("source", "tag"),
    [("# h", "h3"), ("## h", "h4"), ("### h", "h5"), ("#### h", "h6"), ("###### h", "h6")],
)
def test_headings_are_demoted_below_page_headings(source: str, tag: str) -> None:
    assert render(source) == f"<{tag}>h</{tag}>\n"


def test_setext_headings_are_demoted_too() -> None:
    assert render("Title\n=====\n\nSub\n---") == "<h3>Title</h3>\n<h4>Sub</h4>\n"


def test_raw_html_is_shown_as_text() -> None:
    out = render('<b onclick="x">bold?</b>\n\n<div>\nblock\n</div>')
    assert "&lt;b onclick=" in out
    assert "&lt;/b&gt;" in out
    assert "&lt;div&gt;" in out
    assert not re.search(r"<(b|div)[ >]", out)


def test_single_newlines_become_line_breaks() -> None:
    assert render("one\ntwo") == "<p>one<br>\ntwo</p>\n"


def test_links_get_nofollow_ugc_noopener() -> None:
    out = render('[site](https://example.org "Title") <https://example.net>')
    assert '<a href="https://example.org" title="Title" rel="nofollow ugc noopener">site</a>' in out
    assert '<a href="https://example.net" rel="nofollow ugc noopener">' in out


def test_mailto_links_are_allowed() -> None:
    out = render("<someone@example.org>")
    assert 'href="mailto:someone@example.org"' in out


@pytest.mark.parametrize("url", ["/forums/t/1/", "../x", "?page=2", "#post-4", "page.html"])
def test_relative_and_fragment_links_are_allowed(url: str) -> None:
    assert f'href="{url}"' in render(f"[x]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "//evil.example",
        "ftp://example.org",
    ],
)
def test_unsafe_link_destinations_are_not_linked(url: str) -> None:
    out = render(f"[click]({url})")
    assert "<a" not in out
    assert "click" in out


def test_link_title_cannot_break_out_of_attribute() -> None:
    out = render('[a](http://x "\\" onmouseover=alert(1)")')
    assert 'title="&quot; onmouseover=alert(1)"' in out


def test_images_render_as_links_to_the_image_url() -> None:
    out = render('![A chart](https://img.example/c.png "Votes")')
    assert out == (
        '<p><a href="https://img.example/c.png" title="Votes" rel="nofollow ugc noopener">'
        "A chart</a></p>\n"
    )


def test_image_without_alt_text_links_with_its_url() -> None:
    out = render("![](https://img.example/c.png)")
    assert ">https://img.example/c.png</a>" in out


def test_image_inside_link_keeps_only_alt_text() -> None:
    out = render("[![badge](https://img.example/b.svg)](https://ci.example)")
    assert out == '<p><a href="https://ci.example" rel="nofollow ugc noopener">badge</a></p>\n'


def test_image_with_unsafe_url_is_not_linked() -> None:
    assert "<a" not in render("![x](javascript:alert(1))")


def test_empty_link_destination_renders_plain_text() -> None:
    assert render("[nothing]()") == "<p>nothing</p>\n"


def test_non_string_input_is_rejected() -> None:
    with pytest.raises(TypeError):
        render_markdown(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a:b", True),
        ("mailto:x@example.org", True),
        ("/path:with:colons", True),
        ("#frag", True),
        ("", True),
        ("javascript:alert(1)", False),
        (" \tjava\nscript:alert(1)", False),
        ("java\u200bscript:alert(1)", False),
        ("&#x6A;avascript:alert(1)", False),
        ("//evil.example", False),
        ("\\\\evil.example", False),
        ("/\\evil.example", False),
        ("\u2028//evil.example", False),
        ("javascript%3Aalert(1)", True),  # percent-encoded: a harmless relative path
        ("weird:thing", False),
    ],
)
def test_is_safe_url(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


# ---------------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------------


def test_known_mentions_become_profile_links() -> None:
    out = render("Hi @bob!", mentions=MEMBERS)
    assert out == (
        '<p>Hi <a href="/members/bob/" class="mention" rel="nofollow ugc noopener">@bob</a>!</p>\n'
    )


def test_unknown_mentions_stay_plain_text() -> None:
    result = render_markdown("Hi @nobody", mentions=MEMBERS)
    assert result.html == "<p>Hi @nobody</p>\n"
    assert result.mentions == ["nobody"]


def test_mentions_without_mapping_stay_plain_text() -> None:
    assert render("Hi @bob") == "<p>Hi @bob</p>\n"


def test_mentions_match_handles_case_insensitively() -> None:
    out = render("@BOB and @María_López", mentions=MEMBERS)
    assert '<a href="/members/bob/" class="mention" rel="nofollow ugc noopener">@BOB</a>' in out
    assert 'href="/members/maria/" class="mention"' in out
    assert ">@María_López</a>" in out


def test_unicode_handles_with_dots_and_dashes_are_mentions() -> None:
    assert extract_mentions("@maría_lópez @carol.w @jean-luc @Ærø @李小龙 @user42") == [
        "maría_lópez",
        "carol.w",
        "jean-luc",
        "Ærø",
        "李小龙",
        "user42",
    ]


def test_trailing_punctuation_is_not_part_of_the_handle() -> None:
    assert extract_mentions("Thanks @bob. And @carol.w, @dave-! (@eve)") == [
        "bob",
        "carol.w",
        "dave",
        "eve",
    ]
    out = render("Thanks @carol.w.", mentions=MEMBERS)
    assert ">@carol.w</a>.</p>" in out


def test_mentions_in_code_spans_and_blocks_are_ignored() -> None:
    source = "`@bob` and\n\n```\n@bob\n```\n\n    @bob indented"
    assert extract_mentions(source) == []
    assert 'class="mention"' not in render(source, mentions=MEMBERS)


def test_mentions_in_email_addresses_are_ignored() -> None:
    source = "Write to bob@example.org or first.last@bob.example or a+b@bob.org"
    assert extract_mentions(source) == []
    assert 'class="mention"' not in render(source, mentions={"example.org": "/x/", **MEMBERS})


def test_fediverse_addresses_and_profile_urls_are_not_mentions() -> None:
    assert extract_mentions("@bob@mastodon.social and https://x.social/@bob") == []


def test_escaped_at_sign_is_not_a_mention() -> None:
    assert extract_mentions("\\@bob") == []
    assert render("\\@bob", mentions=MEMBERS) == "<p>@bob</p>\n"


def test_mentions_inside_links_are_not_linked_again() -> None:
    out = render("[@bob](https://example.org) <https://example.org/@bob>", mentions=MEMBERS)
    assert 'class="mention"' not in out
    assert extract_mentions("[@bob](https://example.org)") == []


def test_mentions_next_to_markup_are_found() -> None:
    assert extract_mentions("**@bob** _@carol.w_ (@dave) > @eve\n\n- @frank") == [
        "bob",
        "carol.w",
        "dave",
        "eve",
        "frank",
    ]


def test_mentions_in_headings_and_tables_are_linked() -> None:
    out = render("# @bob\n\n| who |\n|-----|\n| @bob |", mentions=MEMBERS)
    assert out.count('class="mention"') == 2


def test_extract_mentions_is_unique_ordered_and_case_insensitive() -> None:
    assert extract_mentions("@Carol.W @bob @BOB @carol.w @Bob @dave") == ["Carol.W", "bob", "dave"]


def test_rendered_mentions_report_every_handle_found() -> None:
    result = render_markdown("@bob @nobody `@carol.w` @BOB", mentions=MEMBERS)
    assert result.mentions == ["bob", "nobody"]
    assert result.mentions == extract_mentions("@bob @nobody `@carol.w` @BOB")


def test_overlong_handles_are_not_mentions() -> None:
    assert extract_mentions("@" + "a" * 65) == []
    assert extract_mentions("@" + "a" * 64) == ["a" * 64]


def test_mention_link_text_is_escaped() -> None:
    out = render('@bob"><script>alert(1)</script>', mentions=MEMBERS)
    assert '>@bob</a>"&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>' in out


def test_unsafe_profile_url_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unsafe profile URL"):
        render_markdown("@bob", mentions={"bob": "javascript:alert(1)"})


# ---------------------------------------------------------------------------------------
# Quotes
# ---------------------------------------------------------------------------------------

ALICE_POST = QuotedPost(author_name="Alice <A&B>", permalink="/forums/t/9/#post-123")


def test_quote_links_to_the_permalink_with_the_author_name() -> None:
    source = "> @alice wrote in #post-123:\n>\n> Solidarity *forever*.\n\nAgreed!"
    result = render_markdown(source, quote_resolver=resolver_for({123: ALICE_POST}))
    assert result.html == (
        '<blockquote class="post-quote" cite="/forums/t/9/#post-123">\n'
        '<p><a class="post-quote-source" href="/forums/t/9/#post-123" '
        'rel="nofollow ugc noopener">Alice &lt;A&amp;B&gt;</a>:</p>\n'
        "<p>Solidarity <em>forever</em>.</p>\n"
        "</blockquote>\n"
        "<p>Agreed!</p>\n"
    )
    assert_safe_html(result.html)
    assert result.quoted_post_ids == [123]


def test_quote_header_directly_followed_by_text_is_recognised() -> None:
    source = "> @alice wrote in #post-123:\n> Solidarity."
    out = render(source, quote_resolver=resolver_for({123: ALICE_POST}))
    assert "post-quote-source" in out
    assert "<p>Solidarity.</p>" in out
    assert "wrote in" not in out


def test_quote_author_comes_from_the_resolver_not_the_header() -> None:
    out = render(
        "> @mallory wrote in #post-123:\n>\n> x", quote_resolver=resolver_for({123: ALICE_POST})
    )
    assert "mallory" not in out
    assert "Alice" in out


def test_unknown_quoted_post_leaks_nothing() -> None:
    source = "> @alice wrote in #post-404:\n>\n> Some text."
    result = render_markdown(source, quote_resolver=resolver_for({123: ALICE_POST}))
    assert result.html == "<blockquote>\n<p>Some text.</p>\n</blockquote>\n"
    assert_safe_html(result.html)


def test_quote_without_resolver_renders_plain_blockquote() -> None:
    out = render("> @alice wrote in #post-123:\n>\n> Some text.")
    assert out == "<blockquote>\n<p>Some text.</p>\n</blockquote>\n"


def test_resolver_is_called_once_per_distinct_post() -> None:
    calls: list[int] = []

    def resolver(post_id: int) -> QuotedPost | None:
        calls.append(post_id)
        return ALICE_POST if post_id == 123 else None

    source = "\n\n".join(f"> @a wrote in #post-{i}:\n> x" for i in (123, 5, 123, 5))
    result = render_markdown(source, quote_resolver=resolver)
    assert calls == [123, 5]
    assert result.quoted_post_ids == [123, 5]
    assert result.html.count('class="post-quote"') == 2


def test_nested_quotes_render_but_only_outer_ids_are_reported() -> None:
    inner = quote_markdown("carol.w", 7, "inner words @bob")
    source = quote_markdown("alice", 123, inner + "outer words") + "reply"
    posts = {123: ALICE_POST, 7: QuotedPost("Carol", "/p/7")}
    result = render_markdown(source, mentions=MEMBERS, quote_resolver=resolver_for(posts))
    assert_safe_html(result.html)
    assert result.html.count('class="post-quote"') == 2
    assert 'href="/p/7"' in result.html
    assert result.quoted_post_ids == [123]


def test_mentions_inside_quotes_are_linked_but_not_reported() -> None:
    source = quote_markdown("alice", 123, "ping @bob") + "and @carol.w"
    result = render_markdown(
        source, mentions=MEMBERS, quote_resolver=resolver_for({123: ALICE_POST})
    )
    assert 'href="/members/bob/" class="mention"' in result.html
    assert result.mentions == ["carol.w"]
    assert extract_mentions(source) == ["carol.w"]


def test_ordinary_blockquotes_are_untouched() -> None:
    result = render_markdown("> just @bob quoting\n> something", mentions=MEMBERS)
    assert result.html.startswith("<blockquote>\n<p>just <a ")
    assert result.quoted_post_ids == []
    assert result.mentions == ["bob"]


def test_quote_syntax_in_code_is_not_a_quote() -> None:
    result = render_markdown(
        "```\n> @a wrote in #post-1:\n```", quote_resolver=HOSTILE_QUOTE_RESOLVER
    )
    assert result.quoted_post_ids == []
    assert "post-quote" not in result.html


def test_unsafe_permalink_is_a_programming_error() -> None:
    resolver = resolver_for({1: QuotedPost("A", "javascript:alert(1)")})
    with pytest.raises(ValueError, match="unsafe permalink URL"):
        render_markdown("> @a wrote in #post-1:\n> x", quote_resolver=resolver)


def test_quote_markdown_produces_the_documented_syntax() -> None:
    assert quote_markdown("maría_lópez", 42, "line one\r\n\r\nline two\n") == (
        "> @maría_lópez wrote in #post-42:\n>\n> line one\n>\n> line two\n\n"
    )


def test_quote_markdown_with_empty_body_is_just_the_header() -> None:
    assert quote_markdown("bob", 1, "  \n") == "> @bob wrote in #post-1:\n\n"
    assert quote_markdown("bob", 1, ">") == "> @bob wrote in #post-1:\n>\n> >\n\n"
    result = render_markdown(quote_markdown("bob", 1, ""), quote_resolver=HOSTILE_QUOTE_RESOLVER)
    assert result.quoted_post_ids == [1]
    assert "post-quote-source" in result.html


@pytest.mark.parametrize(
    ("handle", "post_id", "error"),
    [
        ('bob"><script>', 1, ValueError),
        ("", 1, ValueError),
        ("bob.", 1, ValueError),
        ("a" * 65, 1, ValueError),
        ("bob", 0, ValueError),
        ("bob", -3, ValueError),
        ("bob", 10**18, ValueError),
        ("bob", True, TypeError),
        ("bob", "1", TypeError),
    ],
)
def test_quote_markdown_rejects_invalid_handles_and_ids(
    handle: str, post_id: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        quote_markdown(handle, post_id, "x")


# ---------------------------------------------------------------------------------------
# Plain text and excerpts
# ---------------------------------------------------------------------------------------


def test_plain_text_strips_markup() -> None:
    source = (
        "# Motion 7\n\nWe **demand** a [living wage](https://example.org) for `all`.\n\n"
        "- item one\n- item two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode  here\n```\n"
        "![banner](https://img.example/x.png) &amp; @bob"
    )
    result = render_markdown(source, mentions=MEMBERS)
    assert result.plain_text == (
        "Motion 7\nWe demand a living wage for all.\nitem one\nitem two\na b\n1 2\n"
        "code here\nbanner & @bob"
    )


def test_plain_text_keeps_typed_angle_brackets_as_text() -> None:
    assert render_markdown("1 < 2 <b>").plain_text == "1 < 2 <b>"


def test_plain_text_excludes_quoted_posts() -> None:
    source = quote_markdown("alice", 123, "their words") + "my words"
    result = render_markdown(source, quote_resolver=resolver_for({123: ALICE_POST}))
    assert result.plain_text == "my words"


def test_excerpt_truncates_at_a_word_boundary() -> None:
    post = render_markdown("**Solidarity** forever, the union makes us strong")
    assert post.excerpt(20) == "Solidarity forever,…"
    assert len(post.excerpt(20)) <= 20


def test_excerpt_of_short_text_is_unchanged_and_single_line() -> None:
    assert render_markdown("# A\n\nb  c").excerpt() == "A b c"


def test_excerpt_hard_cuts_a_single_long_word() -> None:
    post = RenderedPost(html="", plain_text="x" * 50)
    assert post.excerpt(10) == "x" * 9 + "…"


def test_excerpt_rejects_non_positive_length() -> None:
    with pytest.raises(ValueError):
        RenderedPost(html="", plain_text="x").excerpt(0)


def test_empty_input_renders_empty_post() -> None:
    result = render_markdown("")
    assert result == RenderedPost(html="", mentions=[], quoted_post_ids=[], plain_text="")


# ---------------------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------------------

MARKDOWNISH = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "<", ">", "&", '"', "'", "`", "```", "*", "_", "~~", "[", "]", "(", ")", "![",
            "](", "<script>", "</script>", "javascript:", "JaVaScRiPt:", "&#106;", "&#x3a;",
            "data:", "//", "\\", "@", "@bob", "@María_López", "a@b.org", "\n", "\n\n",
            "> ", "> @bob wrote in #post-1:\n", "#post-2:", "# ", "- ", "1. ", "|", "|---|",
            " onerror=", "http://", "mailto:", "\t", "\u200b", "\x00", "\r", "    ", "\\@",
            "{{7*7}}", "<!--", "-->", "<![CDATA[", "&amp;", '" title="', "\x0b", "\u2028",
        ]
    ),
)  # fmt: skip
markdownish_text = st.lists(MARKDOWNISH, max_size=40).map("".join)

HYPOTHESIS_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@HYPOTHESIS_SETTINGS
@given(st.text())
def test_arbitrary_text_never_raises_and_is_safe(text: str) -> None:
    result = render_markdown(text, mentions=MEMBERS, quote_resolver=HOSTILE_QUOTE_RESOLVER)
    assert_safe_html(result.html)
    assert isinstance(result.plain_text, str)
    assert len(result.excerpt(50)) <= 50


@HYPOTHESIS_SETTINGS
@given(markdownish_text)
def test_markdown_like_text_never_raises_and_is_safe(text: str) -> None:
    result = render_markdown(text, mentions=MEMBERS, quote_resolver=HOSTILE_QUOTE_RESOLVER)
    assert_safe_html(result.html)
    assert result.mentions == extract_mentions(text)


@HYPOTHESIS_SETTINGS
@given(markdownish_text)
def test_quoting_any_body_yields_one_quote_and_no_mentions(body: str) -> None:
    result = render_markdown(quote_markdown("bob", 1, body), quote_resolver=HOSTILE_QUOTE_RESOLVER)
    assert_safe_html(result.html)
    assert result.quoted_post_ids == [1]
    assert result.mentions == []
    assert result.plain_text == ""


PATHOLOGICAL_INPUTS = {
    "open-brackets": "[" * 50_000,
    "image-openers": "![" * 25_000,
    "unclosed-links": "[a](" * 12_500,
    "emphasis-runs": "*a_" * 16_667,
    "alternating-stars": "a**" * 16_667,
    "backticks": "`a``" * 12_500,
    "angle-brackets": "<a" * 25_000,
    "backslashes": "\\" * 50_000,
    "entities": "&#" * 25_000,
    "nested-quotes": "> " * 25_000,
    "nested-lists": "- " * 25_000,
    "quote-headers": "> @a wrote in #post-1:\n" * 2_200,
    "mentions": "@a " * 16_667,
    "mention-like-run": "@" + "a." * 25_000,
    "at-signs": "@" * 50_000,
    "email-like": "a@" * 25_000,
    "table-columns": "|" * 25_000 + "\n" + "|-" * 12_500,
    "table-rows": "| a | b |\n|---|---|\n" + "|\n" * 25_000,
    "long-line": "word " * 10_000,
    "many-lines": "x\n" * 25_000,
    "link-titles": '[a](b "' * 7_200,
    "autolinks": "<http://a" * 5_600,
}


def _cpu_seconds_to_render(text: str) -> float:
    # CPU time rather than wall time: the test box is shared, and what we care about is
    # the work done, not how long other processes kept us waiting.
    start = time.process_time()
    result = render_markdown(text, mentions={"a": "/members/a/"}, quote_resolver=lambda _: None)
    elapsed = time.process_time() - start
    assert_safe_html(result.html)
    return elapsed


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[![*_`<@a &#x" * 3_847, id="markdown-mix"),
        pytest.param(
            ("@" + "a." * 2_500 + " a@b@c " + "\\@" * 200 + "\n") * 10, id="mention-regex"
        ),
        pytest.param(("> @a wrote in #post-" + "1" * 5_000 + "x\n") * 10, id="quote-regex"),
    ],
)
def test_pathological_input_costs_no_more_than_an_ordinary_post_of_the_same_length(
    text: str,
) -> None:
    # Compared with a same-run baseline, not a clock limit: the machine is shared, and what
    # matters is that hostile input cannot make rendering blow up (catastrophic backtracking).
    assert len(text) >= 50_000
    ordinary = ("Campaign notes: we *knocked* on 200 doors, see [the plan](https://x.org). " * 800)[
        : len(text)
    ]
    baseline = min(_cpu_seconds_to_render(ordinary) for _ in range(2))
    hostile = min(_cpu_seconds_to_render(text) for _ in range(2))
    assert hostile < max(0.05, 10 * baseline), f"{baseline:.3f}s -> {hostile:.3f}s"


@pytest.mark.parametrize("text", list(PATHOLOGICAL_INPUTS.values()), ids=list(PATHOLOGICAL_INPUTS))
def test_pathological_input_renders_in_linear_time(text: str) -> None:
    assert len(text) >= 50_000
    quarter = min(_cpu_seconds_to_render(text[: len(text) // 4]) for _ in range(2))
    # markdown-it-py is pure Python, so inputs that expand into very many tokens (e.g.
    # 25,000 one-character table rows) cost around a second of CPU on a slow box. That is
    # linear and bounded; what must never happen is super-linear growth. Four times the
    # input should cost about four times as much; quadratic behaviour would cost ~16x.
    # A single slow run (GC pause, noisy neighbour) is retried before failing.
    for _attempt in range(3):
        full = _cpu_seconds_to_render(text)
        if full < 0.1 or full < 10 * quarter:  # below 0.1s timer noise dominates the ratio
            break
    assert full < 0.1 or full < 10 * quarter, f"{quarter:.3f}s -> {full:.3f}s"
