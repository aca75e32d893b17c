"""The shared PDF renderer loads nothing from outside the document."""

import subprocess

import pytest

from core.pdf import DataOnlyURLFetcher, ExternalResourceRefused, render_pdf


def test_renders_an_a4_page_with_chinese_text():
    pdf = render_pdf("<p>付款通知书 人民币壹仟伍佰元整</p>")
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert b"(A4)" in info and "人民币壹仟伍佰元整" in text


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/x.png",
                                 "https://example.com/x.css", "/etc/passwd"])
def test_fetcher_refuses_everything_but_data_uris(url, opened_urls):
    with pytest.raises(ExternalResourceRefused, match="only data: URIs"):
        DataOnlyURLFetcher().fetch(url)
    assert opened_urls == []


def test_fetcher_serves_data_uris():
    response = DataOnlyURLFetcher().fetch("data:text/plain;base64,5ZCJ5p6X")
    assert response.read() == "吉林".encode()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.png",
                                 "https://example.com/x.css"])
def test_refuses_files_and_remote_urls(url):
    with pytest.raises(ExternalResourceRefused):
        render_pdf(f'<p>x</p><img src="{url}">')
    with pytest.raises(ExternalResourceRefused):
        render_pdf(f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{url}"/></svg>')
