"""The /verify form names what the reader gave it: pasted text is not called a file, and
an empty file is not mistaken for no file at all (zh and en)."""

import io

import pytest


@pytest.mark.parametrize("lang, not_json, unreadable, empty", [
    ("en", "The pasted text is not JSON.", "The pasted text is not a certificate",
     "The chosen file is empty."),
    ("zh", "粘贴的内容不是 JSON。", "粘贴的内容不是本页能读取的证书", "所选文件是空的。"),
])
def test_the_form_says_pasted_text_and_empty_file(client, app, lang, not_json, unreadable, empty):
    pasted = client.post(f"/verify?lang={lang}", data={"credential": "{not json"})
    page = pasted.get_data(as_text=True)
    assert pasted.status_code == 200 and not_json in page and unreadable in page
    assert "neither a PDF nor JSON" not in page and "既不是 PDF" not in page
    uploaded = client.post(f"/verify?lang={lang}", data={"file": (io.BytesIO(b""), "c.pdf")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 200 and empty in uploaded.get_data(as_text=True)
    # A file that is not JSON is still called a file.
    png = client.post(f"/verify?lang={lang}",
                      data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n"), "c.png")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert ("neither a PDF nor JSON" if lang == "en" else "既不是 PDF") in png


@pytest.mark.parametrize("suffix", [".pdf", ".json"])
def test_certificate_files_are_found_by_a_number_in_any_case(client, app, suffix):
    # As /verify/{number}: a lower-case number redirects to the upper-case address (an
    # unknown number then is the 404 page there, not here).
    response = client.get(f"/certificates/jlc-2026-000077{suffix}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/certificates/JLC-2026-000077{suffix}")
    assert client.get(f"/certificates/JLC-2026-000077{suffix}").status_code == 404
