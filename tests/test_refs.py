"""Links between pages stay placeholders until shown: `resolve_refs` and `Page.body`."""

from __future__ import annotations

from conftest import a_page

from ssg.refs import REF_PREFIX, resolve_refs


def test_placeholders_become_escaped_urls():
    body = f'<a href="{REF_PREFIX}0">a</a> <img src="{REF_PREFIX}1"> <a href="{REF_PREFIX}0">b</a>'
    assert resolve_refs(body, ["/a/?x=1&y=2#top", '/b/"q".png']) == (
        '<a href="/a/?x=1&amp;y=2#top">a</a> <img src="/b/&quot;q&quot;.png">'
        ' <a href="/a/?x=1&amp;y=2#top">b</a>'
    )


def test_a_body_without_placeholders_is_returned_as_is():
    body = "<p>No links to other pages here.</p>"
    assert resolve_refs(body, []) is body


def test_ten_and_more_links_resolve_by_their_whole_number():
    urls = [f"/p{i}/" for i in range(12)]
    body = " ".join(f"{REF_PREFIX}{i}" for i in (1, 10, 11, 0))
    assert resolve_refs(body, urls) == "/p1/ /p10/ /p11/ /p0/"


def test_page_body_is_its_raw_body_with_its_links():
    page = a_page(
        raw_body=f'<p><a href="{REF_PREFIX}0">there</a></p>',
        body_links=("/posts/there/#why",),
    )
    assert page.body == '<p><a href="/posts/there/#why">there</a></p>'
    page.body_links = ("/elsewhere/",)  # a quick rebuild sets both in place
    assert page.body == '<p><a href="/elsewhere/">there</a></p>'
