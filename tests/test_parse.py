"""Reading a source (ssg/parse.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssg.parse import read_bytes


@pytest.mark.parametrize("size", [0, 1, 4096, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17])
def test_read_bytes_reads_the_whole_file(tmp_path: Path, size: int) -> None:
    path = tmp_path / "source.md"
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path.write_bytes(data)
    assert read_bytes(path) == data == path.read_bytes()


def test_read_bytes_fails_as_reading_fails(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(tmp_path / "gone.md")
    with pytest.raises(IsADirectoryError):
        read_bytes(tmp_path)
