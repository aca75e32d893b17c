"""Every character of a name the registry accepts is drawn in its certificate PDF, by a
font that has it (DOMAIN.md §8), and a long unbroken name wraps inside the frame; checked
on the rendered text and its positions (poppler's pdftotext -bbox and pdffonts)."""

import re
import subprocess

import pytest

from factories import give, make_lot, make_org

GLYPHS = "𠮷野家（长春）餐饮测试店·䶮"
EMOJI = "绿色出行 🌱👨\u200d👩\u200d👧"
LONG_LATIN = "Abcdefghij" * 12
MM = 72 / 25.4


def certificate_pdf(client, tmp_path, name: str):
    seller, buyer = make_org("seller"), make_org("buyer")
    give(seller, buyer, make_lot(seller, 2_000), 2_000)
    retirement = client.post("/api/v1/retirements", headers=buyer.headers, json={
        "purpose": "voluntary", "beneficiary_name": name, "quantity_kg": 1_000})
    assert retirement.status_code == 201, retirement.json
    path = tmp_path / "c.pdf"
    path.write_bytes(client.get(f"/certificates/{retirement.json['certificate_number']}.pdf").data)
    return path


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _key(family: str) -> str:
    return re.sub(r"[^a-z0-9]", "", family.lower())


def embedded_families(path) -> set[str]:
    rows = run("pdffonts", str(path)).splitlines()[2:]
    return {_key(row.split()[0].split("+", 1)[-1]) for row in rows}


def families_covering(char: str) -> set[str]:
    out = run("fc-list", f":charset={ord(char):x}", "family")
    return {_key(family) for line in out.splitlines() for family in line.split(",")}


@pytest.mark.parametrize("name", [GLYPHS, EMOJI])
def test_every_character_of_the_name_is_drawn_by_a_font_that_has_it(client, tmp_path, name):
    path = certificate_pdf(client, tmp_path, name)
    assert name.replace("\u200d", "") in run("pdftotext", str(path), "-").replace("\u200d", "")
    embedded = embedded_families(path)
    for char in set(name) - set(" \u200d"):
        assert families_covering(char) & embedded, f"no embedded font draws {char!r} ({embedded})"


def test_a_long_unbroken_latin_name_wraps_inside_the_frame(client, tmp_path):
    path = certificate_pdf(client, tmp_path, LONG_LATIN)
    width = float(re.search(r"Page size:\s+([\d.]+)", run("pdfinfo", str(path))).group(1))
    boxes = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>',
                       run("pdftotext", "-bbox", str(path), "-"))
    pieces = [(float(x0), float(x1)) for x0, x1, word in boxes if "Abcdefghij" in word]
    assert len(pieces) >= 5  # the Chinese and English statements and the table, wrapped
    frame_left, frame_right = 20 * MM, width - 20 * MM  # page margin and padding
    assert all(frame_left <= x0 and x1 <= frame_right for x0, x1 in pieces), pieces
