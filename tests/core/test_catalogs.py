"""The packages' catalogs are merged into one at run time: a message id translated two
ways in two packages would show whichever catalog loaded last."""

from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_no_message_id_is_translated_two_ways_across_catalogs():
    seen, clashes = {}, []
    catalogs = [*ROOT.glob("*/translations/zh/LC_MESSAGES/messages.po"),
                *ROOT.glob("*/*/translations/zh/LC_MESSAGES/messages.po")]
    assert len(catalogs) >= 5
    for path in catalogs:
        with path.open("rb") as po:
            for message in read_po(po):
                if not message.id or not message.string:
                    continue
                key = (str(message.id), message.context)
                first = seen.setdefault(key, (path.relative_to(ROOT), message.string))
                if first[1] != message.string:
                    clashes.append((key, first, (path.relative_to(ROOT), message.string)))
    assert clashes == []
