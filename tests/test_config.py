from pathlib import Path

import pytest

from ssg.config import load_config
from ssg.errors import SiteError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text, encoding="utf-8")
    return tmp_path


MINIMAL = """
title = "T"
base_url = "https://example.org/blog"
default_language = "sv"
[languages.en]
name = "English"
[languages.sv]
name = "Svenska"
"""


def test_minimal_config_defaults(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert config.base_url == "https://example.org/blog/"
    assert config.base_path == "/blog/"
    assert config.language_codes == ("sv", "en")  # the default language comes first
    assert config.language("sv").prefix == ""
    assert config.language("en").prefix == "en"
    assert config.untranslated == "show"


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(SiteError, match="unknown key 'titel'") as info:
        load_config(write(tmp_path, 'titel = "x"\n' + MINIMAL))
    assert info.value.line == 1


def test_wrong_type_is_named(tmp_path):
    with pytest.raises(SiteError, match="paginate: expected a whole number"):
        load_config(write(tmp_path, "paginate = true\n" + MINIMAL))


def test_unknown_language_key(tmp_path):
    with pytest.raises(SiteError, match=r"languages\.en\.nmae"):
        load_config(write(tmp_path, MINIMAL.replace('name = "English"', 'nmae = "English"')))


def test_missing_required_key(tmp_path):
    with pytest.raises(SiteError, match="missing required key 'base_url'"):
        load_config(write(tmp_path, MINIMAL.replace('base_url = "https://example.org/blog"', "")))


def test_default_language_must_be_configured(tmp_path):
    with pytest.raises(SiteError, match="default_language: 'de'"):
        load_config(
            write(tmp_path, MINIMAL.replace('default_language = "sv"', 'default_language = "de"'))
        )


def test_key_inside_a_language_table_is_checked_there(tmp_path):
    with pytest.raises(SiteError, match=r"unknown key 'languages\.sv\.paginate'"):
        load_config(write(tmp_path, MINIMAL + "paginate = 3\n"))


def test_broken_toml_has_a_line(tmp_path):
    with pytest.raises(SiteError) as info:
        load_config(write(tmp_path, MINIMAL + "broken = [\n"))
    assert "invalid TOML" in str(info.value)
    assert info.value.line is not None


def test_rtl_detected_and_configurable(tmp_path):
    text = (
        MINIMAL + '[languages.ar]\nname = "العربية"\n[languages.fa]\nname = "فارسی"\nrtl = false\n'
    )
    config = load_config(write(tmp_path, text))
    assert config.language("ar").rtl is True
    assert config.language("fa").rtl is False


def test_missing_file(tmp_path):
    with pytest.raises(SiteError, match="no site.toml"):
        load_config(tmp_path)
