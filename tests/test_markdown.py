from ssg.markdown import render_markdown, render_reply, slugify
from ssg.refs import resolve_refs


def test_unicode_heading_ids_survive():
    result = render_markdown("## Åtta öar\n\n## Ideeën\n\n## Ideeën\n", "posts/a.md")
    ids = [h.id for h in result.headings]
    assert ids == ["åtta-öar", "ideeën", "ideeën-1"]
    assert 'id="åtta-öar"' in result.html
    assert slugify("Över ön – åter!") == "över-ön-åter"


def test_extensions():
    text = (
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n\nTerm\n: Definition\n\n"
        "Note[^1]\n\n[^1]: The footnote.\n"
    )
    html = render_markdown(text, "posts/a.md").html
    for fragment in (
        "<table>",
        "<s>old</s>",
        'type="checkbox"',
        "<dl>",
        "<dd>Definition</dd>",
        'class="footnotes"',
    ):
        assert fragment in html, fragment


def test_code_is_highlighted_by_pygments():
    html = render_markdown("```python\ndef f():\n    return 1\n```\n", "posts/a.md").html
    assert '<pre class="highlight"><code class="language-python">' in html
    assert '<span class="k">def</span>' in html


def test_block_language_attribute():
    html = render_markdown("{lang=nl}\n> Dag allemaal\n", "posts/a.md").html
    assert '<blockquote lang="nl">' in html


def test_relative_links_become_placeholders_with_lines():
    result = render_markdown(
        "Intro\n\nSee [idea](../notes/idea.md#why) and ![x](pic.png).\n", "posts/a.md", 5
    )
    assert [(r.target, r.fragment, r.line) for r in result.refs] == [
        ("notes/idea.md", "#why", 7),
        ("posts/pic.png", "", 7),
    ]
    html = resolve_refs(result.html, ["/notes/idea/#why", "/posts/pic.png"])
    assert 'href="/notes/idea/#why"' in html and 'src="/posts/pic.png"' in html


def test_external_and_anchor_links_untouched():
    result = render_markdown("[a](https://x.org) [b](#here) [c](/abs/) [d](mailto:a@b.c)\n", "p.md")
    assert result.refs == ()


def test_first_paragraph_and_words():
    result = render_markdown("# Title\n\nFirst *para* here.\n\nSecond.\n", "p.md")
    assert result.first_paragraph == "First para here."
    assert result.words == 5


def test_replies_are_sanitised():
    html = render_reply("<script>alert(1)</script> [x](javascript:alert(1)) [y](https://e.org)")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://e.org" rel="nofollow ugc">y</a>' in html


def test_warm_highlighters_prepares_the_lexers_a_site_uses():
    from ssg.lexers import find_lexer
    from ssg.markdown import warm_highlighters

    find_lexer.cache_clear()
    body = render_markdown("```python\nx = 1\n```\n\n```nosuchlanguage\ny\n```\n", "a.md").html
    find_lexer.cache_clear()
    warm_highlighters([body, "<p>no code</p>"])
    info = find_lexer.cache_info()
    assert info.currsize == 1 and info.misses == 1  # python only: unknown names are not highlighted
    find_lexer("python")
    assert find_lexer.cache_info().hits == 1


def test_a_code_block_shared_by_translations_is_highlighted_once(monkeypatch):
    import ssg.markdown as markdown

    calls = []
    real = markdown.highlight
    monkeypatch.setattr(markdown, "highlight", lambda *args: calls.append(args) or real(*args))
    markdown._highlighted.cache_clear()
    block = "```python\ndef shared():\n    return 'the same in every language'\n```\n"
    english = render_markdown(f"Some code:\n\n{block}", "posts/a.md").html
    dutch = render_markdown(f"Wat code:\n\n{block}", "posts/a.nl.md").html
    assert len(calls) == 1
    assert english.split("\n", 1)[1] == dutch.split("\n", 1)[1]
    assert '<span class="k">def</span>' in dutch
    render_markdown(block.replace("shared", "other"), "posts/b.md")
    assert len(calls) == 2  # other code is highlighted anew
